"""The care circle: propose, approve, remove members; hand the pathway over."""

from uuid import UUID

from ninja import Router, Status

from maillage.core import audit
from maillage.core.pipeline import acting
from maillage.pathways import actions, presenters, reads
from maillage.pathways.api._common import visible_pathway
from maillage.pathways.inputs import CircleMemberIn, HandoverIn
from maillage.pathways.schemas import CircleInvitationOut, CircleMemberOut, ErrorOut, PathwayOut

router = Router(tags=["parcours"])


@router.post(
    "/pathways/{public_id}/circle",
    response={201: CircleMemberOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Proposer (ou, référent·e, ajouter) un membre au cercle de soins",
)
@acting("circle.propose")
def circle_add(request, public_id: UUID, payload: CircleMemberIn):
    pathway = visible_pathway(request, public_id)
    member = actions.circle_propose(
        actor=request.user, pathway=pathway, data=payload, acting=audit.Actor.of(request)
    )
    return Status(201, presenters.member_out(member))


@router.post(
    "/pathways/{public_id}/circle/invitations",
    response={201: CircleInvitationOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Inviter dans le cercle un·e professionnel·le qui n'a pas de compte",
    description=(
        "Référent·e ou coordination de la plateforme. Elle reçoit par e-mail un lien pour "
        "créer son compte (professionnel·le de la plateforme) et entre alors dans le cercle "
        "avec ce rôle."
    ),
)
@acting("circle.invite")
def circle_invite(request, public_id: UUID, payload: CircleMemberIn):
    pathway = visible_pathway(request, public_id)
    invited = actions.circle_invite(
        actor=request.user, pathway=pathway, data=payload, acting=audit.Actor.of(request)
    )
    return Status(
        201,
        {
            "id": invited.public_id,
            "email": invited.invitation.email,
            "role": invited.role,
            "expires_at": invited.invitation.expires_at,
        },
    )


@router.post(
    "/pathways/{public_id}/circle/{member_id}/approve",
    response={200: CircleMemberOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Accepter un membre proposé (coordination de la plateforme)",
)
@acting("circle.approve")
def circle_approve(request, public_id: UUID, member_id: UUID):
    pathway = visible_pathway(request, public_id)
    member = reads.member_in(pathway, member_id, "circle.approve")
    member = actions.circle_approve(
        actor=request.user, member=member, acting=audit.Actor.of(request)
    )
    return presenters.member_out(member)


@router.post(
    "/pathways/{public_id}/circle/{member_id}/remove",
    response={200: CircleMemberOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Retirer un membre du cercle, ou le quitter soi-même : l'accès cesse aussitôt",
)
@acting("circle.remove")
def circle_remove(request, public_id: UUID, member_id: UUID):
    pathway = visible_pathway(request, public_id)
    member = reads.member_in(pathway, member_id, "circle.remove")
    member = actions.circle_remove(
        actor=request.user, member=member, acting=audit.Actor.of(request)
    )
    return presenters.member_out(member)


@router.post(
    "/pathways/{public_id}/referent",
    response={200: PathwayOut, 400: ErrorOut, 403: ErrorOut, 404: ErrorOut},
    summary="Passer le relais : un·e autre coordinateur·rice de la plateforme devient "
    "référent·e du parcours",
)
@acting("pathway.handover")
def pathway_handover(request, public_id: UUID, payload: HandoverIn):
    pathway = visible_pathway(request, public_id)
    handed = actions.pathway_handover(
        actor=request.user, pathway=pathway, data=payload, acting=audit.Actor.of(request)
    )
    return presenters.pathway_out(handed)
