"""Hospital stays and their discharge checklist."""

from uuid import UUID

from ninja import Router, Status

from maillage.core import audit
from maillage.core.pipeline import acting
from maillage.pathways import actions, presenters, queries, reads
from maillage.pathways.api._common import visible_pathway
from maillage.pathways.inputs import DischargeIn, StayCheckIn, StayIn
from maillage.pathways.schemas import ErrorOut, StayOut

router = Router(tags=["parcours"])


@router.get(
    "/pathways/{public_id}/stays",
    response={200: list[StayOut], 404: ErrorOut},
    summary="Les hospitalisations et leur liste de préparation de la sortie",
)
def stay_list(request, public_id: UUID):
    pathway = visible_pathway(request, public_id)
    stays = queries.stays_of(pathway)
    reads.stays_record_read(pathway=pathway, stays=stays, acting=audit.Actor.of(request))
    return [presenters.stay_out(s) for s in stays]


@router.post(
    "/pathways/{public_id}/stays",
    response={201: StayOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Signaler une hospitalisation : le cercle est prévenu, la liste de sortie s'ouvre",
)
@acting("stay.admit")
def stay_add(request, public_id: UUID, payload: StayIn):
    pathway = visible_pathway(request, public_id)
    stay = actions.stay_admit(
        actor=request.user, pathway=pathway, data=payload, acting=audit.Actor.of(request)
    )
    return Status(201, presenters.stay_out(stay))


@router.post(
    "/pathways/{public_id}/stays/{stay_id}/checklist",
    response={200: StayOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Cocher (ou décocher) une ligne de la liste de préparation de la sortie",
)
@acting("stay.check")
def stay_check(request, public_id: UUID, stay_id: UUID, payload: StayCheckIn):
    pathway = visible_pathway(request, public_id)
    stay = reads.stay_in(pathway, stay_id, "stay.check")
    actions.stay_check(actor=request.user, stay=stay, data=payload, acting=audit.Actor.of(request))
    return presenters.stay_out(queries.stay_for(pathway, stay_id))


@router.post(
    "/pathways/{public_id}/stays/{stay_id}/discharge",
    response={200: StayOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Enregistrer la sortie d'hospitalisation",
)
@acting("stay.discharge")
def stay_discharge(request, public_id: UUID, stay_id: UUID, payload: DischargeIn):
    pathway = visible_pathway(request, public_id)
    stay = reads.stay_in(pathway, stay_id, "stay.discharge")
    stay = actions.stay_discharge(
        actor=request.user, stay=stay, data=payload, acting=audit.Actor.of(request)
    )
    return presenters.stay_out(stay)
