"""The regulator's tools: the ranked list, priority policies and their what-if, the match
runs with both engines side by side."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core import audit
from maillage.core.pipeline import refusal_returns_to, refusals_on
from maillage.regulation import actions, explain, presenters, priority, queries, reads
from maillage.regulation.enums import Engine, PolicyState, SessionState
from maillage.regulation.forms import MatchRunForm, PolicyForm
from maillage.regulation.views._common import acting, regulator_of

PER_PAGE = 50


def ranking(request):
    """The waiting requests in rank order under the policy in force, each with why it is
    where it is."""
    regulator = regulator_of(request, "ranking.read")
    record = queries.policy_in_force(regulator.pk)
    policy = queries.policy_of(record)
    try:
        page = max(1, min(int(request.GET.get("page", "1")), 1_000_000))
    except ValueError:
        page = 1
    ranked = queries.ranked_requests(regulator.pk, policy, page=page, per_page=PER_PAGE)
    reads.ranking_read(regulator=regulator, rows=ranked.rows, acting=acting(request))
    pages = Paginator(range(ranked.total), PER_PAGE)
    return render(
        request,
        "regulation/ranking.html",
        {
            "regulator": regulator,
            "policy": record,
            "ranked": ranked,
            "page": pages.get_page(page),
        },
    )


def policies(request):
    regulator = regulator_of(request, "policy.save")
    current = queries.policy_in_force(regulator.pk)
    initial = PolicyForm.initial_of(
        presenters.policy_out(current)
        if current
        else {"name": _("Politique de priorité"), "notes": "", **priority.DEFAULT_POLICY.as_data()}
    )
    form = PolicyForm(initial=initial)
    status = 200
    if request.method == "POST":
        form = PolicyForm(request.POST)
        if form.is_valid():
            with refusals_on(form) as submitted:
                created = actions.policy_create(
                    actor=request.user,
                    regulator=regulator,
                    data=form.to_input(),
                    acting=acting(request),
                )
            if submitted.done:
                messages.success(
                    request, _("Brouillon enregistré : simulez-le avant de le publier.")
                )
                return redirect("regulation:policy", public_id=created.public_id)
        status = 400
    return render(
        request,
        "regulation/policies.html",
        {"regulator": regulator, "policies": queries.policies_of([regulator.pk]), "form": form},
        status=status,
    )


def policy(request, public_id):
    record = reads.visible_policy(public_id=public_id, acting=acting(request))
    draft = record.state == PolicyState.DRAFT
    form = (
        PolicyForm(initial=PolicyForm.initial_of(presenters.policy_out(record))) if draft else None
    )
    status = 200
    if request.method == "POST" and draft:
        form = PolicyForm(request.POST)
        if form.is_valid():
            with refusals_on(form) as submitted:
                actions.policy_update(
                    actor=request.user, policy=record, data=form.to_input(), acting=acting(request)
                )
            if submitted.done:
                messages.success(request, _("Brouillon enregistré."))
                return redirect("regulation:policy", public_id=public_id)
        status = 400
    return render(
        request,
        "regulation/policy.html",
        {"policy": record, "view": presenters.policy_out(record), "form": form},
        status=status,
    )


@require_POST
@refusal_returns_to("regulation:policy", "public_id")
def policy_publish(request, public_id):
    record = reads.visible_policy(public_id=public_id, acting=acting(request))
    actions.policy_publish(actor=request.user, policy=record, acting=acting(request))
    messages.success(request, _("Politique publiée : elle classe désormais les demandes."))
    return redirect("regulation:policy", public_id=public_id)


def policy_simulate(request, public_id):
    """What-if: the draft against the policy in force, on today's data."""
    record = reads.visible_policy(public_id=public_id, acting=acting(request))
    current = queries.policy_in_force(record.regulator_id)
    result = explain.simulate(
        record.regulator_id, queries.policy_of(record), queries.policy_of(current)
    )
    audit.record("policy.simulate", actor=acting(request), obj=record)
    return render(
        request,
        "regulation/simulation.html",
        {"policy": record, "current": current, "result": result},
    )


def runs(request):
    regulator = regulator_of(request, "match.run")
    sessions = queries.planned_sessions(regulator.pk)
    form = MatchRunForm(sessions=sessions)
    status = 200
    if request.method == "POST":
        form = MatchRunForm(request.POST, sessions=sessions)
        if form.is_valid():
            with refusals_on(form) as submitted:
                run = actions.match_run(
                    actor=request.user,
                    regulator=regulator,
                    data=form.to_input(),
                    acting=acting(request),
                )
            if submitted.done:
                messages.success(request, _("Propositions calculées pour la commission."))
                return redirect("regulation:run", public_id=run.public_id)
        status = 400
    return render(
        request,
        "regulation/runs.html",
        {
            "regulator": regulator,
            "runs": queries.runs_of([regulator.pk]),
            "form": form,
            "open_vacancies": queries.open_vacancies([regulator.pk]),
        },
        status=status,
    )


def run(request, public_id):
    found = reads.visible_run(public_id=public_id, acting=acting(request))
    proposals = queries.proposals_of_run(found)
    audit.record(
        "proposal.read",
        actor=acting(request),
        obj=found,
        details={"shown": [str(p.public_id) for p in proposals]},
    )
    return render(
        request,
        "regulation/run.html",
        {
            "run": found,
            "figures": found.figures,
            "proposals": proposals,
            "engines": Engine,
            "planned": SessionState.PLANNED,
        },
    )
