"""The care circle: members proposed, approved, removed; the referent handed over."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts.actions import invitation_send_for_circle
from maillage.accounts.models import User
from maillage.core import audit
from maillage.core.notify import notify
from maillage.pathways import access, queries
from maillage.pathways.actions.triage import shares_with_circle
from maillage.pathways.enums import (
    CIRCLE_MEMBER_ROLES,
    OPEN_ACTION_STATES,
    CircleRole,
    EventKind,
    MemberStatus,
    PathwayState,
)
from maillage.pathways.inputs import CircleMemberIn, HandoverIn
from maillage.pathways.models import (
    CircleInvitation,
    CircleMember,
    Pathway,
    TimelineEvent,
)


def _member_event(member, kind, actor, now):
    TimelineEvent.objects.create(
        pathway=member.pathway,
        occurred_at=now,
        kind=kind,
        actor=actor,
        summary=f"{member.user.full_name} — {CircleRole(member.role).label}",
    )


def circle_propose(*, actor, pathway, data: CircleMemberIn, acting=None, now=None) -> CircleMember:
    """Bring someone into the care circle, found by the e-mail of her account. From the
    referent or a platform coordinator the member is in at once; from another member, the
    proposal waits for the referent. Either way the person must have been told who joins."""
    role = data.role
    now = now or timezone.now()
    if not access.can_propose_member(actor, pathway):
        raise PermissionDenied
    _check_entry(pathway, data)
    user = queries.professional_by_email(data.email)
    if user is None or not user.is_active or not (user.roles & CIRCLE_MEMBER_ROLES):
        raise ValidationError(
            _(
                "Aucun compte professionnel actif avec cette adresse : le ou la référent·e "
                "peut l'inviter à en créer un."
            )
        )
    direct = access.can_manage_circle(actor, pathway)
    with transaction.atomic():
        Pathway.objects.select_for_update().get(pk=pathway.pk)
        if pathway.members.filter(user=user).exclude(status=MemberStatus.LEFT).exists():
            raise ValidationError(_("Cette personne est déjà dans le cercle ou proposée."))
        memberships = user.active_memberships()
        member = CircleMember.objects.create(
            pathway=pathway,
            user=user,
            organisation=memberships[0].organisation if memberships else None,
            role=role,
            status=MemberStatus.ACTIVE if direct else MemberStatus.PENDING,
            joined_at=now if direct else None,
            created_by=actor,
        )
        if direct:
            _member_event(member, EventKind.MEMBER_JOINED, actor, now)
        audit.record(
            "circle.add" if direct else "circle.propose",
            actor=audit.actor_of(actor, acting),
            obj=member,
            details={"pathway": str(pathway.public_id), "role": role},
        )
        link = reverse("pathways:pathway", kwargs={"public_id": pathway.public_id})
        if direct:
            notify(
                users=[user],
                message=_("Vous faites partie d'un nouveau cercle de soins."),
                link=link,
                email_subject=_("Nouveau cercle de soins"),
            )
        else:
            notify(
                users=[pathway.referent],
                message=_("Un membre est proposé pour un cercle de soins que vous coordonnez."),
                link=link,
            )
    return member


def _check_entry(pathway, data: CircleMemberIn) -> None:
    """What entering the circle asks, with or without an account: a member's role, the
    person told, her agreement that a circle shares her information."""
    if data.role not in CircleRole.values or data.role in (
        CircleRole.REFERENT,
        CircleRole.PERSON,
        CircleRole.CAREGIVER,
    ):
        raise ValidationError(_("Choisissez le rôle de ce membre."))
    if not data.person_informed:
        raise ValidationError(
            _("La personne doit être informée de qui entre dans son cercle de soins.")
        )
    if pathway.state != PathwayState.OPEN:
        raise ValidationError(_("Ce parcours est clos : personne n'y entre plus."))
    if pathway.request is not None and not shares_with_circle(pathway.request):
        raise ValidationError(
            _(
                "La personne n'a pas accepté que ses informations soient partagées avec un "
                "cercle de soins : recueillez son accord avant d'y faire entrer quelqu'un."
            )
        )


def needs_invitation(email: str) -> bool:
    """Whether this address has no account yet (an inactive one is not invited again)."""
    return not User.objects.filter(email__iexact=email.strip()).exists()


def circle_invite(
    *, actor, pathway, data: CircleMemberIn, acting=None, now=None
) -> CircleInvitation:
    """Invite into the circle a professional who has no account, in one step: the referent
    or a coordinator of the platform sends her an account invitation (professional of the
    platform) that brings her into the circle, with this role, when she accepts."""
    if not access.can_manage_circle(actor, pathway):
        raise PermissionDenied
    _check_entry(pathway, data)
    if not needs_invitation(data.email):
        raise ValidationError(_("Cette adresse a déjà un compte : ajoutez-la au cercle."))
    with transaction.atomic():
        invitation, _token = invitation_send_for_circle(
            actor=actor, organisation=pathway.platform, email=data.email, acting=acting
        )
        invited = CircleInvitation.objects.create(
            pathway=pathway, invitation=invitation, role=data.role, created_by=actor
        )
        audit.record(
            "circle.invite",
            actor=audit.actor_of(actor, acting),
            obj=pathway,
            details={"invitation": str(invitation.public_id), "role": data.role},
        )
    return invited


def join_invited_circles(sender, *, invitation, user, **kwargs) -> None:
    """Receiver of accounts' invitation_accepted: the circles this invitation was for are
    joined, if their pathway is still open and she is not in them already."""
    now = timezone.now()
    for invited in CircleInvitation.objects.select_related("pathway").filter(
        invitation=invitation, joined_at__isnull=True
    ):
        pathway = invited.pathway
        invited.joined_at = now
        invited.save(update_fields=["joined_at", "updated_at"])
        if pathway.state != PathwayState.OPEN:
            continue
        if pathway.members.filter(user=user).exclude(status=MemberStatus.LEFT).exists():
            continue
        member = CircleMember.objects.create(
            pathway=pathway,
            user=user,
            organisation=invitation.organisation,
            role=invited.role,
            status=MemberStatus.ACTIVE,
            joined_at=now,
            created_by=invited.created_by,
        )
        _member_event(member, EventKind.MEMBER_JOINED, user, now)
        audit.record(
            "circle.join",
            actor=audit.Actor(user_id=user.public_id),
            obj=member,
            details={"pathway": str(pathway.public_id), "role": invited.role},
        )
        if pathway.referent_id:
            notify(
                users=[pathway.referent],
                message=_("Un·e professionnel·le invité·e a rejoint un cercle de soins."),
                link=reverse("pathways:pathway", kwargs={"public_id": pathway.public_id}),
            )


def circle_approve(*, actor, member, acting=None, now=None) -> CircleMember:
    now = now or timezone.now()
    with transaction.atomic():
        member = (
            CircleMember.objects.select_for_update()
            .select_related("pathway", "user")
            .get(pk=member.pk)
        )
        if not access.can_manage_circle(actor, member.pathway):
            raise PermissionDenied
        if member.pathway.state != PathwayState.OPEN:
            raise ValidationError(_("Ce parcours est clos : personne n'y entre plus."))
        if member.status != MemberStatus.PENDING:
            raise ValidationError(_("Ce membre n'est pas en attente."))
        member.status = MemberStatus.ACTIVE
        member.joined_at = now
        member.save(update_fields=["status", "joined_at", "updated_at"])
        _member_event(member, EventKind.MEMBER_JOINED, actor, now)
        audit.record("circle.approve", actor=audit.actor_of(actor, acting), obj=member)
        notify(
            users=[member.user],
            message=_("Vous faites partie d'un nouveau cercle de soins."),
            link=reverse("pathways:pathway", kwargs={"public_id": member.pathway.public_id}),
            email_subject=_("Nouveau cercle de soins"),
        )
    return member


def circle_remove(*, actor, member, acting=None, now=None) -> CircleMember:
    """A member leaves, or the referent removes her: her access ends at once. The referent
    stays (she hands over first)."""
    now = now or timezone.now()
    with transaction.atomic():
        member = (
            CircleMember.objects.select_for_update()
            .select_related("pathway", "user")
            .get(pk=member.pk)
        )
        leaving = member.user_id == actor.pk
        if not (leaving or access.can_manage_circle(actor, member.pathway)):
            raise PermissionDenied
        if member.role == CircleRole.REFERENT:
            raise ValidationError(
                _("Le ou la référent·e ne quitte pas le cercle : passez le relais.")
            )
        if member.status == MemberStatus.LEFT:
            raise ValidationError(_("Ce membre a déjà quitté le cercle."))
        was_active = member.status == MemberStatus.ACTIVE
        member.status = MemberStatus.LEFT
        member.left_at = now
        member.save(update_fields=["status", "left_at", "updated_at"])
        if was_active:
            _member_event(member, EventKind.MEMBER_LEFT, actor, now)
        # Her open actions now fall to the referent (reminders go there): tell her.
        left_open = member.actions.filter(status__in=OPEN_ACTION_STATES).count()
        if left_open:
            notify(
                users=[member.pathway.referent],
                message=_(
                    "Un membre a quitté un cercle de soins : %(n)s action(s) qu'il portait "
                    "sont à confier à quelqu'un d'autre."
                )
                % {"n": left_open},
                link=reverse("pathways:plan", kwargs={"public_id": member.pathway.public_id}),
                email_subject=_("Des actions sont à confier à un autre membre"),
            )
        audit.record(
            "circle.leave" if leaving else "circle.remove",
            actor=audit.actor_of(actor, acting),
            obj=member,
        )
    return member


def pathway_handover(*, actor, pathway, data: HandoverIn, acting=None, now=None) -> Pathway:
    """Hand the pathway over to another coordinator of its platform (`data.referent`, her
    account's public id): she becomes the referent (joining the circle if needed); the
    former referent leaves the circle."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Pathway.objects.select_for_update().get(pk=pathway.pk)
        if not access.is_platform_coordinator(actor, locked):
            raise PermissionDenied
        new_referent = queries.platform_coordinator(locked.platform, data.referent)
        if new_referent is None:
            raise ValidationError(_("Choisissez un·e coordinateur·rice de la plateforme."))
        if locked.state != PathwayState.OPEN:
            raise ValidationError(_("Ce parcours est clos : il ne change plus de référent·e."))
        if locked.platform_id not in access.coordinated_platform_ids(new_referent):
            raise ValidationError(
                _("Le ou la référent·e doit être coordinateur·rice de la plateforme.")
            )
        if new_referent.pk == locked.referent_id:
            raise ValidationError(_("C'est déjà le ou la référent·e de ce parcours."))
        former = locked.members.filter(
            user_id=locked.referent_id, role=CircleRole.REFERENT
        ).exclude(status=MemberStatus.LEFT)
        for member in former.select_related("user", "pathway"):
            member.status = MemberStatus.LEFT
            member.left_at = now
            member.save(update_fields=["status", "left_at", "updated_at"])
            _member_event(member, EventKind.MEMBER_LEFT, actor, now)
        existing = locked.members.filter(user=new_referent).exclude(status=MemberStatus.LEFT)
        member = existing.first()
        if member is None:
            member = CircleMember.objects.create(
                pathway=locked,
                user=new_referent,
                organisation_id=locked.platform_id,
                role=CircleRole.REFERENT,
                status=MemberStatus.ACTIVE,
                joined_at=now,
                created_by=actor,
            )
        else:
            member.role = CircleRole.REFERENT
            member.status = MemberStatus.ACTIVE
            member.joined_at = member.joined_at or now
            member.save(update_fields=["role", "status", "joined_at", "updated_at"])
        member.pathway = locked
        _member_event(member, EventKind.MEMBER_JOINED, actor, now)
        locked.referent = new_referent
        locked.save(update_fields=["referent", "updated_at"])
        audit.record(
            "pathway.handover",
            actor=audit.actor_of(actor, acting),
            obj=locked,
            details={"referent": str(new_referent.public_id)},
        )
        notify(
            users=[new_referent],
            message=_("Vous êtes référent·e d'un nouveau parcours."),
            link=reverse("pathways:pathway", kwargs={"public_id": locked.public_id}),
            email_subject=_("Nouveau parcours"),
        )
    return locked
