"""A proposal: why it was made, and the answers of the structure and the person."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from maillage.core.pipeline import refusals_on, require
from maillage.regulation import access, actions, presenters
from maillage.regulation.enums import PERSON, STRUCTURE, ProposalState
from maillage.regulation.forms import ProposalAnswerForm
from maillage.regulation.views._common import acting, visible_proposal


def _page(request, proposal, status=200, structure_form=None, person_form=None):
    user = request.user
    answers_structure = (
        access.can_answer_for_structure(user, proposal) and proposal.state == ProposalState.SENT
    )
    answers_person = (
        access.can_answer_for_person(user, proposal)
        and proposal.state == ProposalState.STRUCTURE_ACCEPTED
    )
    initial = {"version": proposal.version}
    regulates = access.can_regulate_request(user, proposal.request)
    return render(
        request,
        "regulation/proposal.html",
        {
            "proposal": proposal,
            "view": presenters.proposal_out(proposal),
            # the runners-up and the weights are the SIAO's, not the structure's
            "regulates": regulates,
            "structure_form": structure_form
            or (ProposalAnswerForm(initial=initial) if answers_structure else None),
            "person_form": person_form
            or (ProposalAnswerForm(initial=initial) if answers_person else None),
        },
        status=status,
    )


def proposal(request, public_id):
    return _page(request, visible_proposal(request, public_id))


def _answer(request, public_id, side):
    proposal = visible_proposal(request, public_id)
    allowed = access.can_answer_for_structure if side == STRUCTURE else access.can_answer_for_person
    require(allowed(request.user, proposal), "proposal.answer", obj=proposal)
    form = ProposalAnswerForm(request.POST)
    if form.is_valid():
        with refusals_on(form) as submitted:
            actions.proposal_answer(
                actor=request.user,
                proposal=proposal,
                data=form.to_input(),
                side=side,
                acting=acting(request),
            )
        if submitted.done:
            messages.success(request, _("Réponse enregistrée."))
            return redirect("regulation:proposal", public_id=public_id)
        status = submitted.status
    else:
        status = 400
    forms = {"structure_form" if side == STRUCTURE else "person_form": form}
    return _page(request, proposal, status=status, **forms)


@require_POST
def proposal_structure(request, public_id):
    return _answer(request, public_id, STRUCTURE)


@require_POST
def proposal_person(request, public_id):
    return _answer(request, public_id, PERSON)
