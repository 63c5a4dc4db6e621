"""Support requests: ask, read, triage, orient, withdraw."""

from uuid import UUID

from ninja import Router, Status

from maillage.core import audit
from maillage.core.pipeline import acting, require
from maillage.pathways import access, actions, presenters, queries, reads
from maillage.pathways.api._common import visible_request
from maillage.pathways.inputs import RequestOrientIn, SupportRequestIn, TriageIn
from maillage.pathways.schemas import (
    ErrorOut,
    OrientationSentOut,
    SupportRequestList,
    SupportRequestOut,
)

router = Router(tags=["parcours"])


def _current(request, public_id) -> dict:
    return presenters.request_out(queries.request_for(request.user, public_id))


@router.post(
    "/support-requests",
    response={201: SupportRequestOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Demander un appui à une plateforme, avec ce que la personne sait et accepte",
)
@acting("support_request.create")
def support_request_create(request, payload: SupportRequestIn):
    created = actions.support_request_submit(
        actor=request.user, data=payload, acting=audit.Actor.of(request)
    )
    return Status(201, _current(request, created.public_id))


@router.get(
    "/support-requests",
    response={200: SupportRequestList, 403: ErrorOut},
    summary="Les demandes à trier (coordination) et les miennes",
)
@acting("support_request.list")
def support_request_list(request):
    triager = access.can_triage(request.user)
    require(triager or access.can_request_support(request.user), "support_request.list")
    queue, mine, _handled, _more = reads.support_requests_listed(
        acting=audit.Actor.of(request), api=True
    )
    return {
        "queue": [presenters.request_out(r) for r in queue],
        "mine": [presenters.request_out(r) for r in mine],
    }


@router.get(
    "/support-requests/{public_id}",
    response={200: SupportRequestOut, 404: ErrorOut},
    summary="Une demande d'appui (son auteur et la coordination de sa plateforme seulement)",
)
def support_request_detail(request, public_id: UUID):
    found = visible_request(request, public_id)
    reads.support_request_record_read(support_request=found, acting=audit.Actor.of(request))
    return presenters.request_out(found)


@router.post(
    "/support-requests/{public_id}/triage",
    response={200: SupportRequestOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut, 409: ErrorOut},
    summary="Trier une demande : information, appui au professionnel ou parcours complexe",
)
@acting("support_request.triage")
def support_request_triage(request, public_id: UUID, payload: TriageIn):
    found = visible_request(request, public_id)
    actions.support_request_triage(
        actor=request.user, support_request=found, data=payload, acting=audit.Actor.of(request)
    )
    return _current(request, public_id)


@router.post(
    "/support-requests/{public_id}/orientation",
    response={201: OrientationSentOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Orienter la personne vers un service de l'annuaire depuis sa demande, avec son "
    "accord (coordination de la plateforme)",
)
@acting("support_request.orient")
def support_request_orient(request, public_id: UUID, payload: RequestOrientIn):
    found = visible_request(request, public_id)
    orientation = actions.request_orient(
        actor=request.user, support_request=found, data=payload, acting=audit.Actor.of(request)
    )
    return Status(
        201,
        {
            "id": orientation.public_id,
            "service": orientation.service.public_id,
            "state": orientation.state,
        },
    )


@router.post(
    "/support-requests/{public_id}/withdraw",
    response={200: SupportRequestOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Retirer sa demande (son auteur, tant qu'elle n'est pas triée)",
)
@acting("support_request.withdraw")
def support_request_withdraw(request, public_id: UUID):
    found = visible_request(request, public_id)
    actions.support_request_withdraw(
        actor=request.user, support_request=found, acting=audit.Actor.of(request)
    )
    return _current(request, public_id)


@router.post(
    "/support-requests/{public_id}/reopen",
    response={200: SupportRequestOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Remettre à trier une demande close par une information (sa coordination)",
)
@acting("support_request.reopen")
def support_request_reopen(request, public_id: UUID):
    found = visible_request(request, public_id)
    actions.support_request_reopen(
        actor=request.user, support_request=found, acting=audit.Actor.of(request)
    )
    return _current(request, public_id)


@router.post(
    "/support-requests/{public_id}/person-informed",
    response={200: SupportRequestOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Noter que la personne a été informée de la demande faite pour elle",
)
@acting("support_request.person_informed")
def support_request_person_informed(request, public_id: UUID):
    found = visible_request(request, public_id)
    actions.person_informed(
        actor=request.user, support_request=found, acting=audit.Actor.of(request)
    )
    return _current(request, public_id)
