"""Commission sessions: the agenda, the decisions, the minutes."""

from uuid import UUID

from ninja import Router, Status

from maillage.core.pipeline import acting
from maillage.regulation import access, actions, presenters, queries, reads
from maillage.regulation.api._common import E, actor_of, regulator_for
from maillage.regulation.inputs import CommissionDecisionIn, CommissionIn, CommissionMinutesIn
from maillage.regulation.schemas import ErrorOut, ProposalOut, SessionOut

router = Router(tags=["régulation"])


@router.post(
    "/regulation/regulators/{regulator_id}/sessions",
    response={201: SessionOut, **E},
    summary="Programmer une commission",
)
@acting("commission.create")
def commission_create(request, regulator_id: UUID, payload: CommissionIn):
    regulator = regulator_for(request, regulator_id, "commission.create")
    created = actions.commission_create(
        actor=request.user, regulator=regulator, data=payload, acting=actor_of(request)
    )
    return Status(201, presenters.session_out(created, reveal=True))


def _session(request, public_id):
    return reads.visible_session(public_id=public_id, acting=actor_of(request))


@router.get(
    "/regulation/sessions/{public_id}",
    response={200: SessionOut, 404: ErrorOut},
    summary="Une commission et son ordre du jour",
)
def session_detail(request, public_id: UUID):
    found = _session(request, public_id)
    return presenters.session_out(
        found,
        queries.agenda_of(found),
        reveal=found.regulator_id in access.regulating(request.user),
    )


@router.post(
    "/regulation/sessions/{public_id}/decisions",
    response={200: ProposalOut, **E},
    summary="Décider d'une proposition de l'ordre du jour",
)
@acting("commission.decide")
def commission_decide(request, public_id: UUID, payload: CommissionDecisionIn):
    session = _session(request, public_id)
    decided = actions.commission_decide(
        actor=request.user, session=session, data=payload, acting=actor_of(request)
    )
    return presenters.proposal_out(
        decided, reveal=session.regulator_id in access.regulating(request.user)
    )


@router.post(
    "/regulation/sessions/{public_id}/close",
    response={200: SessionOut, **E},
    summary="Clore la commission avec son compte rendu",
)
@acting("commission.close")
def commission_close(request, public_id: UUID, payload: CommissionMinutesIn):
    closed = actions.commission_close(
        actor=request.user,
        session=_session(request, public_id),
        data=payload,
        acting=actor_of(request),
    )
    return presenters.session_out(
        closed,
        queries.agenda_of(closed),
        reveal=closed.regulator_id in access.regulating(request.user),
    )
