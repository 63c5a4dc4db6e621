"""Match runs and their proposals, answered by the structure and the person."""

from uuid import UUID

from ninja import Router, Status

from maillage.core.pipeline import acting
from maillage.regulation import actions, presenters, reads
from maillage.regulation.api._common import E, actor_of, proposal_output, regulator_for
from maillage.regulation.enums import PERSON, STRUCTURE
from maillage.regulation.inputs import MatchRunIn, ProposalAnswerIn
from maillage.regulation.schemas import ErrorOut, ProposalOut, RunOut

router = Router(tags=["régulation"])


@router.post(
    "/regulation/regulators/{regulator_id}/runs",
    response={201: RunOut, **E},
    summary="Calculer des propositions (les deux moteurs côte à côte)",
)
@acting("match.run")
def match_run(request, regulator_id: UUID, payload: MatchRunIn):
    regulator = regulator_for(request, regulator_id, "match.run")
    run = actions.match_run(
        actor=request.user, regulator=regulator, data=payload, acting=actor_of(request)
    )
    return Status(201, presenters.run_out(run))


@router.get(
    "/regulation/runs/{public_id}",
    response={200: RunOut, 404: ErrorOut},
    summary="Un calcul : chiffres des deux moteurs",
)
def run_detail(request, public_id: UUID):
    return presenters.run_out(reads.visible_run(public_id=public_id, acting=actor_of(request)))


@router.get(
    "/regulation/proposals/{public_id}",
    response={200: ProposalOut, 404: ErrorOut},
    summary="Une proposition : règles passées, priorité, suivants",
)
def proposal_detail(request, public_id: UUID):
    proposal = reads.visible_proposal(public_id=public_id, acting=actor_of(request))
    return proposal_output(request, proposal)


@router.post(
    "/regulation/proposals/{public_id}/structure",
    response={200: ProposalOut, **E},
    summary="La structure accepte ou refuse (motivé) le ménage proposé",
)
@acting("proposal.answer")
def proposal_structure(request, public_id: UUID, payload: ProposalAnswerIn):
    proposal = reads.visible_proposal(public_id=public_id, acting=actor_of(request))
    answered = actions.proposal_answer(
        actor=request.user,
        proposal=proposal,
        data=payload,
        side=STRUCTURE,
        acting=actor_of(request),
    )
    return proposal_output(request, answered)


@router.post(
    "/regulation/proposals/{public_id}/person",
    response={200: ProposalOut, **E},
    summary="La personne accepte ou refuse la place",
)
@acting("proposal.answer")
def proposal_person(request, public_id: UUID, payload: ProposalAnswerIn):
    proposal = reads.visible_proposal(public_id=public_id, acting=actor_of(request))
    answered = actions.proposal_answer(
        actor=request.user, proposal=proposal, data=payload, side=PERSON, acting=actor_of(request)
    )
    return proposal_output(request, answered)
