"""Commission sessions: their agenda, decisions and minutes (PDF)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.pipeline import Denied, refusals_on, require
from maillage.regulation import access, actions, queries, reads
from maillage.regulation.enums import ProposalState, SessionState
from maillage.regulation.exports import minutes_pdf
from maillage.regulation.forms import CommissionDecisionForm, CommissionForm, MinutesForm
from maillage.regulation.views._common import acting, regulator_of


def sessions(request):
    user = request.user
    regulating = access.regulating(user)
    found = queries.sessions_of(regulating, user)
    if not (regulating or found):
        raise Denied("commission.read")
    form = None
    status = 200
    if regulating:
        regulator = regulator_of(request, "commission.create")
        candidates = queries.commission_candidates(regulator.pk)
        form = CommissionForm(candidates=candidates)
        if request.method == "POST":
            form = CommissionForm(request.POST, candidates=candidates)
            if form.is_valid():
                with refusals_on(form) as submitted:
                    created = actions.commission_create(
                        actor=user,
                        regulator=regulator,
                        data=form.to_input(),
                        acting=acting(request),
                    )
                if submitted.done:
                    messages.success(request, _("Commission programmée."))
                    return redirect("regulation:session", public_id=created.public_id)
            status = 400
    elif request.method == "POST":
        raise Denied("commission.create")
    return render(
        request, "regulation/sessions.html", {"sessions": found, "form": form}, status=status
    )


def _page(request, session, status=200, decision_forms=None, minutes_form=None):
    agenda = queries.agenda_of(session)
    decides = access.can_decide_in(request.user, session) and session.state == SessionState.PLANNED
    decision_forms = decision_forms or {}
    for item in agenda:
        item.form = decision_forms.get(item.public_id) or (
            CommissionDecisionForm(
                initial={"proposal": item.public_id, "version": item.version},
                auto_id=f"decision-{item.public_id}-%s",
            )
            if decides and item.state == ProposalState.DRAFT
            else None
        )
    closes = (
        session.regulator_id in access.regulating(request.user)
        and session.state == SessionState.PLANNED
    )
    return render(
        request,
        "regulation/session.html",
        {
            "session": session,
            "agenda": agenda,
            # The ranks and weights are the SIAO's; the structures who sit in decide on the
            # household and the place.
            "reveal": session.regulator_id in access.regulating(request.user),
            "minutes_form": minutes_form
            or (
                MinutesForm(initial={"version": session.version, "minutes": session.minutes})
                if closes
                else None
            ),
        },
        status=status,
    )


def session(request, public_id):
    return _page(request, reads.visible_session(public_id=public_id, acting=acting(request)))


@require_POST
def session_decide(request, public_id):
    found = reads.visible_session(public_id=public_id, acting=acting(request))
    require(access.can_decide_in(request.user, found), "commission.decide", obj=found)
    form = CommissionDecisionForm(request.POST)
    if form.is_valid():
        with refusals_on(form) as submitted:
            actions.commission_decide(
                actor=request.user, session=found, data=form.to_input(), acting=acting(request)
            )
        if submitted.done:
            messages.success(request, _("Décision enregistrée."))
            return redirect("regulation:session", public_id=public_id)
        status = submitted.status
    else:
        status = 400
    proposal = form.cleaned_data.get("proposal") if hasattr(form, "cleaned_data") else None
    return _page(request, found, status=status, decision_forms={proposal: form} if proposal else {})


@require_POST
def session_close(request, public_id):
    found = reads.visible_session(public_id=public_id, acting=acting(request))
    require(found.regulator_id in access.regulating(request.user), "commission.close", obj=found)
    form = MinutesForm(request.POST)
    if form.is_valid():
        with refusals_on(form) as submitted:
            actions.commission_close(
                actor=request.user, session=found, data=form.to_input(), acting=acting(request)
            )
        if submitted.done:
            messages.success(
                request, _("Commission close : le compte rendu est disponible en PDF.")
            )
            return redirect("regulation:session", public_id=public_id)
        status = submitted.status
    else:
        status = 400
    return _page(request, found, status=status, minutes_form=form)


def session_minutes(request, public_id):
    found = reads.visible_session(public_id=public_id, acting=acting(request))
    content = minutes_pdf(found, queries.agenda_of(found))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="commission-{found.held_on:%Y-%m-%d}.pdf"'
    )
    return response
