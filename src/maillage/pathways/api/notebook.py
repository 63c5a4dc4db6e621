"""The liaison notebook."""

from uuid import UUID

from ninja import Router, Status

from maillage.core import audit
from maillage.core.pipeline import acting
from maillage.pathways import actions, presenters, queries, reads
from maillage.pathways.api._common import visible_pathway
from maillage.pathways.inputs import MessageIn
from maillage.pathways.schemas import ErrorOut, MessageOut

router = Router(tags=["parcours"])


@router.get(
    "/pathways/{public_id}/messages",
    response={200: list[MessageOut], 404: ErrorOut},
    summary="Le cahier de liaison du parcours, du plus récent au plus ancien",
)
def message_list(request, public_id: UUID):
    pathway = visible_pathway(request, public_id)
    notebook = queries.notebook_of(pathway)
    reads.notebook_record_read(pathway=pathway, messages=notebook, acting=audit.Actor.of(request))
    return [presenters.message_out(m) for m in notebook]


@router.post(
    "/pathways/{public_id}/messages",
    response={201: MessageOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Écrire au cercle de soins dans le cahier de liaison",
)
@acting("notebook.post")
def message_add(request, public_id: UUID, payload: MessageIn):
    pathway = visible_pathway(request, public_id)
    message = actions.message_post(
        actor=request.user, pathway=pathway, data=payload, acting=audit.Actor.of(request)
    )
    return Status(201, presenters.message_out(message))
