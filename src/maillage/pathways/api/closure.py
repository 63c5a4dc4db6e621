"""Closing and reopening a pathway."""

from uuid import UUID

from ninja import Router

from maillage.core import audit
from maillage.core.pipeline import acting
from maillage.pathways import actions, presenters
from maillage.pathways.api._common import visible_pathway
from maillage.pathways.inputs import CloseIn
from maillage.pathways.schemas import ErrorOut, PathwayOut

router = Router(tags=["parcours"])


@router.post(
    "/pathways/{public_id}/close",
    response={200: PathwayOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Clore le parcours : raison, bilan, issue de chaque objectif, satisfaction",
)
@acting("pathway.close")
def pathway_close(request, public_id: UUID, payload: CloseIn):
    pathway = visible_pathway(request, public_id)
    closed = actions.pathway_close(
        actor=request.user, pathway=pathway, data=payload, acting=audit.Actor.of(request)
    )
    return presenters.pathway_out(closed)


@router.post(
    "/pathways/{public_id}/reopen",
    response={200: PathwayOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Rouvrir un parcours clos (pas encore archivé)",
)
@acting("pathway.reopen")
def pathway_reopen(request, public_id: UUID):
    pathway = visible_pathway(request, public_id)
    reopened = actions.pathway_reopen(
        actor=request.user, pathway=pathway, acting=audit.Actor.of(request)
    )
    return presenters.pathway_out(reopened)
