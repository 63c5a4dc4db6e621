"""Support requests: ask, the triage queue, a request's page, triage, orientation, withdrawal."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core import audit
from maillage.core.pipeline import (
    Denied,
    refusal_returns_to,
    refusals_on,
    require,
)
from maillage.pathways import access, actions, queries, reads
from maillage.pathways.enums import COORDINATOR, ConsentMode, Need, RequestState, TriageOutcome
from maillage.pathways.forms import (
    RequestOrientForm,
    SupportRequestForm,
    TriageForm,
)
from maillage.pathways.views._common import (
    service_candidates,
    visible_request,
)


def request_new(request):
    """Ask the platform for support for a person: who, why, how urgent, her agreement."""
    require(access.can_request_support(request.user), "support_request.create")
    form = SupportRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        with refusals_on(form) as submitted:
            support_request = actions.support_request_submit(
                actor=request.user, data=form.to_input(), acting=audit.Actor.of(request)
            )
        if submitted.done:
            messages.success(
                request,
                _("Demande envoyée. Un·e coordinateur·rice la lit et vous répond."),
            )
            return redirect("pathways:request", public_id=support_request.public_id)
    return render(request, "pathways/request_new.html", {"form": form})


def request_list(request):
    """The coordinator's triage queue, and the requests one has made."""
    triager = access.can_triage(request.user)
    require(
        triager or access.can_request_support(request.user),
        "support_request.list",
    )
    # The search of the sorted requests comes by POST: a name never goes into an address.
    sent = request.POST if request.method == "POST" else {}
    name = sent.get("nom", "").strip()[:100]
    state = sent.get("suite", "")
    if state not in HANDLED_STATES:
        state = ""
    try:
        page = min(max(int(sent.get("page", 1)), 1), 1000)
    except ValueError:
        page = 1
    queue, mine, handled, more = reads.support_requests_listed(
        acting=audit.Actor.of(request), handled_too=triager, name=name, state=state, page=page
    )
    return render(
        request,
        "pathways/request_list.html",
        {
            "queue": queue,
            "mine": mine,
            "handled": handled,
            "triager": triager,
            "name": name,
            "state": state,
            "page": page,
            "more": more,
            "states": [(s, RequestState(s).label) for s in HANDLED_STATES],
        },
    )


HANDLED_STATES = [s for s in RequestState.values if s != RequestState.RECEIVED]


def _request_page(request, support_request, triage_form=None, status=200, orient_form=None):
    sides = access.request_sides(request.user, support_request)
    moves = access.request_moves(sides, support_request)
    questions = queries.screening_questions()
    can_triage = (
        bool(set(moves) - {RequestState.WITHDRAWN, RequestState.RECEIVED}) and COORDINATOR in sides
    )
    if can_triage and triage_form is None:
        triage_form = TriageForm(
            questions=questions,
            referents=queries.coordinators_of(support_request.platform),
            # No outcome chosen in advance: recording the triage is a decision.
            initial={"version": support_request.version},
        )
    duplicates = queries.possible_duplicates(support_request) if COORDINATOR in sides else []
    reads.support_request_record_read(
        support_request=support_request, acting=audit.Actor.of(request), duplicates=duplicates
    )
    orients = COORDINATOR in sides and support_request.state not in (
        RequestState.WITHDRAWN,
        RequestState.PATHWAY,
    )
    return render(
        request,
        "pathways/request_detail.html",
        {
            "r": support_request,
            "orientations": list(support_request.orientations.select_related("service__structure")),
            "orient_form": (orient_form or RequestOrientForm()) if orients else None,
            "triage_form": triage_form if can_triage else None,
            "can_withdraw": "withdrawn" in moves,
            "can_reopen": RequestState.RECEIVED in moves,
            "duplicates": duplicates,
            "awaiting_information": support_request.consent_mode == ConsentMode.CANNOT_EXPRESS
            and support_request.informed_afterwards_at is None,
            "pathway": getattr(support_request, "pathway", None),
            "questions": questions,
            "need_labels": [Need(n).label for n in support_request.needs if n in Need.values],
        },
        status=status,
    )


@require_POST
def request_orient(request, public_id):
    support_request = visible_request(request, public_id)
    if COORDINATOR not in access.request_sides(request.user, support_request):
        raise Denied("support_request.orient", obj=support_request)
    candidates = service_candidates(request, commune_id=support_request.person.commune_id)
    form = RequestOrientForm(request.POST, candidates=candidates)
    if form.is_valid():
        with refusals_on(form) as submitted:
            orientation = actions.request_orient(
                actor=request.user,
                support_request=support_request,
                data=form.to_input(),
                acting=audit.Actor.of(request),
            )
        if submitted.done:
            messages.success(
                request,
                _("Orientation envoyée à « %(name)s ».") % {"name": orientation.service.name},
            )
            return redirect("pathways:request", public_id=public_id)
    return _request_page(request, support_request, status=400, orient_form=form)


def request_detail(request, public_id):
    return _request_page(request, visible_request(request, public_id))


@require_POST
def request_triage(request, public_id):
    support_request = visible_request(request, public_id)
    if COORDINATOR not in access.request_sides(request.user, support_request):
        raise Denied("support_request.triage", obj=support_request)
    form = TriageForm(
        request.POST,
        questions=queries.screening_questions(),
        referents=queries.coordinators_of(support_request.platform),
    )
    if form.is_valid():
        data = form.cleaned_data
        with refusals_on(form) as submitted:
            actions.support_request_triage(
                actor=request.user,
                support_request=support_request,
                data=form.to_input(),
                acting=audit.Actor.of(request),
            )
        support_request.refresh_from_db()
        if submitted.done:
            if data["outcome"] == TriageOutcome.PATHWAY:
                messages.success(request, _("Parcours ouvert."))
                return redirect("pathways:pathway", public_id=support_request.pathway.public_id)
            messages.success(request, _("Demande triée."))
            return redirect("pathways:request", public_id=support_request.public_id)
        return _request_page(request, support_request, form, status=submitted.status)
    return _request_page(request, support_request, form, status=400)


@require_POST
@refusal_returns_to("pathways:request", "public_id")
def request_withdraw(request, public_id):
    support_request = visible_request(request, public_id)
    actions.support_request_withdraw(
        actor=request.user, support_request=support_request, acting=audit.Actor.of(request)
    )
    messages.success(request, _("Demande retirée."))
    return redirect("pathways:request_list")


@require_POST
@refusal_returns_to("pathways:request", "public_id")
def request_reopen(request, public_id):
    support_request = visible_request(request, public_id)
    actions.support_request_reopen(
        actor=request.user, support_request=support_request, acting=audit.Actor.of(request)
    )
    messages.success(request, _("La demande est de nouveau à trier."))
    return redirect("pathways:request", public_id=public_id)


@require_POST
@refusal_returns_to("pathways:request", "public_id")
def request_person_informed(request, public_id):
    support_request = visible_request(request, public_id)
    actions.person_informed(
        actor=request.user, support_request=support_request, acting=audit.Actor.of(request)
    )
    messages.success(request, _("C'est noté : la personne a été informée."))
    return redirect("pathways:request", public_id=public_id)
