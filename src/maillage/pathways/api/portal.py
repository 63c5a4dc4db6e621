"""Caregivers, and the person's own space opened to her or to a caregiver."""

from uuid import UUID

from ninja import Router, Status

from maillage.core import audit
from maillage.core.pipeline import acting, found
from maillage.pathways import actions, presenters, queries
from maillage.pathways.api._common import visible_pathway
from maillage.pathways.inputs import CaregiverIn, PortalInviteIn
from maillage.pathways.schemas import CaregiverOut, ErrorOut, PortalAccessOut

router = Router(tags=["parcours"])


@router.post(
    "/pathways/{public_id}/caregivers",
    response={201: CaregiverOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Ajouter un·e aidant·e au cercle, avec l'accord de la personne",
)
@acting("caregiver.add")
def caregiver_add(request, public_id: UUID, payload: CaregiverIn):
    pathway = visible_pathway(request, public_id)
    caregiver = actions.caregiver_add(
        actor=request.user, pathway=pathway, data=payload, acting=audit.Actor.of(request)
    )
    return Status(201, presenters.caregiver_out(caregiver))


@router.post(
    "/pathways/{public_id}/portal",
    response={201: PortalAccessOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Ouvrir l'espace personnel à la personne, ou à un·e aidant·e qu'elle a accepté·e "
    "(une invitation part par e-mail)",
)
@acting("portal.open")
def portal_invite(request, public_id: UUID, payload: PortalInviteIn):
    pathway = visible_pathway(request, public_id)
    portal = actions.portal_invite(
        actor=request.user, pathway=pathway, data=payload, acting=audit.Actor.of(request)
    )
    return Status(201, presenters.portal_access_out(portal))


@router.post(
    "/pathways/{public_id}/portal/{access_id}/revoke",
    response={200: PortalAccessOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Fermer un accès à l'espace personnel : il cesse aussitôt",
)
@acting("portal.close")
def portal_revoke(request, public_id: UUID, access_id: UUID):
    pathway = visible_pathway(request, public_id)
    portal = found(
        queries.portal_access_of(pathway, access_id),
        "portal.close",
        "pathways.portalaccess",
        access_id,
        "accès",
    )
    portal = actions.portal_revoke(
        actor=request.user, portal=portal, acting=audit.Actor.of(request)
    )
    return presenters.portal_access_out(portal)
