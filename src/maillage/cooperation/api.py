"""The cooperation API: the same actions and reads as the pages, never logic of its own."""

from uuid import UUID

from ninja import Router, Status

from maillage.cooperation import actions, presenters, queries
from maillage.cooperation.inputs import (
    ConventionIn,
    ConventionMoveIn,
    ConventionUpdateIn,
    ObligationIn,
    ObligationMoveIn,
    PartyIn,
    PartyLeaveIn,
)
from maillage.cooperation.schemas import ConventionOut, ConventionSummaryOut, ErrorOut
from maillage.core import audit
from maillage.core.pipeline import Missing, acting

router = Router(tags=["coopération"])
E = {400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut}


def _visible(request, public_id, action="convention.read"):
    convention = queries.convention_for(request.user, public_id)
    if convention is None:
        raise Missing(
            action, object_type="cooperation.convention", object_id=public_id, what="convention"
        )
    return convention


def _out(request, convention):
    return presenters.convention_out(queries.convention_for(request.user, convention.public_id))


@router.get(
    "/conventions",
    response={200: list[ConventionSummaryOut]},
    summary="Le registre : les conventions que mes organisations tiennent, ou dont elles sont "
    "parties",
)
def convention_list(request):
    return [presenters.summary_out(c) for c in queries.convention_list(request.user)]


@router.post(
    "/conventions", response={201: ConventionOut, **E}, summary="Enregistrer une convention"
)
@acting("convention.create")
def convention_create(request, payload: ConventionIn):
    convention = actions.convention_create(
        actor=request.user, data=payload, acting=audit.Actor.of(request)
    )
    return Status(201, _out(request, convention))


@router.get(
    "/conventions/{public_id}",
    response={200: ConventionOut, 404: ErrorOut},
    summary="Une convention, ses parties et leurs obligations",
)
def convention_detail(request, public_id: UUID):
    return presenters.convention_out(_visible(request, public_id))


@router.put(
    "/conventions/{public_id}",
    response={200: ConventionOut, **E},
    summary="Modifier une convention (avec la version lue : 400 si elle a changé depuis)",
)
@acting("convention.update")
def convention_update(request, public_id: UUID, payload: ConventionUpdateIn):
    convention = _visible(request, public_id, "convention.update")
    actions.convention_update(
        actor=request.user, convention=convention, data=payload, acting=audit.Actor.of(request)
    )
    return _out(request, convention)


@router.post(
    "/conventions/{public_id}/moves",
    response={200: ConventionOut, **E},
    summary="Faire avancer une convention : signée, déclarée, publiée, modifiée, renouvelée, "
    "terminée",
)
@acting("convention.move")
def convention_move(request, public_id: UUID, payload: ConventionMoveIn):
    convention = _visible(request, public_id, "convention.move")
    actions.convention_move(
        actor=request.user, convention=convention, data=payload, acting=audit.Actor.of(request)
    )
    return _out(request, convention)


@router.post(
    "/conventions/{public_id}/parties",
    response={201: ConventionOut, **E},
    summary="Ajouter une partie : une organisation de la plateforme ou une structure de l'annuaire",
)
@acting("convention.party.add")
def party_add(request, public_id: UUID, payload: PartyIn):
    convention = _visible(request, public_id, "convention.party.add")
    actions.party_add(
        actor=request.user, convention=convention, data=payload, acting=audit.Actor.of(request)
    )
    return Status(201, _out(request, convention))


@router.post(
    "/conventions/{public_id}/parties/{party_id}/leave",
    response={200: ConventionOut, **E},
    summary="Noter le retrait d'une partie",
)
@acting("convention.party.leave")
def party_leave(request, public_id: UUID, party_id: UUID, payload: PartyLeaveIn):
    convention = _visible(request, public_id, "convention.party.leave")
    party = convention.parties.filter(public_id=party_id).first()
    if party is None:
        raise Missing("convention.party.leave", what="partie")
    actions.party_leave(
        actor=request.user, party=party, data=payload, acting=audit.Actor.of(request)
    )
    return _out(request, convention)


@router.post(
    "/conventions/{public_id}/obligations",
    response={201: ConventionOut, **E},
    summary="Ajouter une obligation d'une partie (qui doit quoi, pour quand)",
)
@acting("convention.obligation.add")
def obligation_add(request, public_id: UUID, payload: ObligationIn):
    convention = _visible(request, public_id, "convention.obligation.add")
    actions.obligation_add(
        actor=request.user, convention=convention, data=payload, acting=audit.Actor.of(request)
    )
    return Status(201, _out(request, convention))


@router.post(
    "/conventions/{public_id}/obligations/{obligation_id}/moves",
    response={200: ConventionOut, **E},
    summary="Noter qu'une obligation est faite, levée, ou de nouveau à faire",
)
@acting("convention.obligation.move")
def obligation_move(request, public_id: UUID, obligation_id: UUID, payload: ObligationMoveIn):
    convention = _visible(request, public_id, "convention.obligation.move")
    obligation = convention.obligations.filter(public_id=obligation_id).first()
    if obligation is None:
        raise Missing("convention.obligation.move", what="obligation")
    actions.obligation_move(
        actor=request.user, obligation=obligation, data=payload, acting=audit.Actor.of(request)
    )
    return _out(request, convention)
