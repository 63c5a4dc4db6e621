"""Caregivers and the person's space (portal access, the person's notes)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.accounts import actions as accounts_actions
from maillage.accounts.models import User
from maillage.core import audit
from maillage.core.notify import notify
from maillage.core.roles import Role
from maillage.pathways import access, queries
from maillage.pathways.enums import (
    EventKind,
    NoteKind,
    PathwayState,
    Relationship,
)
from maillage.pathways.inputs import CaregiverIn, PersonNoteIn, PortalInviteIn
from maillage.pathways.models import (
    Caregiver,
    Pathway,
    Person,
    PersonNote,
    PortalAccess,
    TimelineEvent,
)

# --- caregivers and the person's space --------------------------------------------------------

PERSON_NOTE_MAX_CHARS = 4000


def caregiver_add(*, actor, pathway, data: CaregiverIn, acting=None, now=None) -> Caregiver:
    """A caregiver joins the circle, with the person's agreement."""
    name, relationship, phone, email, is_main, person_agreed = (
        data.name,
        data.relationship,
        data.phone,
        data.email,
        data.is_main,
        data.person_agreed,
    )
    now = now or timezone.now()
    if not access.can_contribute(actor, pathway):
        raise PermissionDenied
    name = (name or "").strip()
    if not name or relationship not in Relationship.values:
        raise ValidationError(_("Donnez le nom de l'aidant·e et son lien avec la personne."))
    if not person_agreed:
        raise ValidationError(
            _("Un·e aidant·e n'entre dans le cercle qu'avec l'accord de la personne.")
        )
    with transaction.atomic():
        if is_main:
            pathway.caregivers.filter(is_main=True).update(is_main=False)
        caregiver = Caregiver.objects.create(
            pathway=pathway,
            name=name[:200],
            relationship=relationship,
            phone=(phone or "").strip()[:30],
            email=(email or "").strip(),
            is_main=is_main,
            person_agreed=True,
            created_by=actor,
        )
        TimelineEvent.objects.create(
            pathway=pathway,
            occurred_at=now,
            kind=EventKind.CAREGIVER_ADDED,
            actor=actor,
            summary=f"{caregiver.name} — {Relationship(relationship).label}",
        )
        audit.record(
            "caregiver.add",
            actor=audit.actor_of(actor, acting),
            obj=caregiver,
            details={"pathway": str(pathway.public_id)},
        )
    return caregiver


def portal_invite(*, actor, pathway, data: PortalInviteIn, acting=None, now=None):
    """Open the person's space to her (`data.caregiver` None) or to a caregiver she
    authorised: an invitation to an account with the portal role on the platform, where
    two-factor authentication is required; an existing account with that role gets the
    access at once."""

    now = now or timezone.now()
    if not (access.can_manage_circle(actor, pathway) and pathway.state == PathwayState.OPEN):
        raise PermissionDenied
    email = data.email.strip().lower()
    if not email:
        raise ValidationError(_("Donnez l'adresse e-mail où envoyer l'invitation."))
    caregiver = None
    if data.caregiver is not None:
        caregiver = pathway.caregivers.filter(public_id=data.caregiver).first()
        if caregiver is None:
            raise ValidationError(_("Cet·te aidant·e n'est pas dans le cercle de la personne."))
    if caregiver is not None and (not caregiver.person_agreed or caregiver.removed_at):
        raise ValidationError(_("La personne doit avoir accepté cet·te aidant·e."))
    role = Role.CAREGIVER if caregiver is not None else Role.PERSON
    with transaction.atomic():
        Pathway.objects.select_for_update().get(pk=pathway.pk)
        if pathway.portal_accesses.filter(caregiver=caregiver, revoked_at__isnull=True).exists():
            raise ValidationError(_("Cet accès est déjà ouvert ou l'invitation est en cours."))
        existing = (
            User.objects.filter(
                email__iexact=email,
                is_active=True,
                memberships__organisation=pathway.platform,
                memberships__role=role,
                memberships__is_active=True,
            )
            .distinct()
            .first()
        )
        invitation = None
        if existing is None:
            invitation, _token = accounts_actions.invitation_send(
                actor=actor, organisation=pathway.platform, email=email, role=role, acting=acting
            )
            # A new invitation revokes the earlier pending ones to the same address: the
            # accesses they carried (another relative she helps) now wait on this one.
            PortalAccess.objects.filter(
                user__isnull=True,
                revoked_at__isnull=True,
                invitation__email__iexact=email,
                invitation__organisation=pathway.platform,
                invitation__role=role,
            ).update(invitation=invitation)
        portal = PortalAccess.objects.create(
            pathway=pathway,
            caregiver=caregiver,
            invitation=invitation,
            email=email if existing is not None else "",
            created_by=actor,
        )
        TimelineEvent.objects.create(
            pathway=pathway,
            occurred_at=now,
            kind=EventKind.PORTAL_OPENED,
            actor=actor,
            summary=caregiver.name if caregiver else str(_("la personne")),
        )
        audit.record(
            "portal.open",
            actor=audit.actor_of(actor, acting),
            obj=portal,
            details={"pathway": str(pathway.public_id), "caregiver": caregiver is not None},
        )
        if existing is not None:
            notify(
                users=[existing],
                message=_(
                    "Un espace d'accompagnement vous est proposé : ouvrez « Mon espace » pour "
                    "l'accepter."
                ),
                link=reverse("pathways:portal"),
                email_subject=_("Votre espace personnel"),
            )
    return portal


def portal_revoke(*, actor, portal, acting=None, now=None) -> PortalAccess:
    """Close an access to the person's space: it ends at once."""
    now = now or timezone.now()
    with transaction.atomic():
        portal = (
            PortalAccess.objects.select_for_update(of=("self",))
            .select_related("pathway", "caregiver", "invitation")
            .get(pk=portal.pk)
        )
        if not access.can_manage_circle(actor, portal.pathway):
            raise PermissionDenied
        if portal.revoked_at is not None:
            raise ValidationError(_("Cet accès est déjà fermé."))
        portal.revoked_at = now
        portal.save(update_fields=["revoked_at", "updated_at"])
        if portal.invitation is not None and portal.invitation.accepted_at is None:
            type(portal.invitation).objects.filter(pk=portal.invitation.pk).update(revoked_at=now)
        TimelineEvent.objects.create(
            pathway=portal.pathway,
            occurred_at=now,
            kind=EventKind.PORTAL_CLOSED,
            actor=actor,
            summary=portal.caregiver.name if portal.caregiver else str(_("la personne")),
        )
        audit.record("portal.close", actor=audit.actor_of(actor, acting), obj=portal)
    return portal


def _link_person_account(portal, user) -> None:
    """Her own access makes her account the person's — unless that person already has one,
    or the account already belongs to another record (one account, one person)."""
    if portal.caregiver_id is None and not Person.objects.filter(account=user).exists():
        Person.objects.filter(pk=portal.pathway.person_id, account__isnull=True).update(
            account=user
        )


def portal_link(user, *, acting=None) -> int:
    """Give the accesses whose invitation this user accepted to her account (her email is
    the invitation's: accounts checked it). Returns how many were linked."""
    if not user.is_authenticated:
        return 0
    pending = list(
        PortalAccess.objects.filter(
            user__isnull=True,
            revoked_at__isnull=True,
            invitation__accepted_at__isnull=False,
            invitation__email__iexact=user.email,
        ).select_related("pathway")
    )
    with transaction.atomic():
        for portal in pending:
            portal.user = user
            portal.save(update_fields=["user", "updated_at"])
            _link_person_account(portal, user)
            audit.record("portal.link", actor=acting, obj=portal)
    return len(pending)


def portal_accept(*, user, portal, acting=None) -> PortalAccess:
    """Accept a space offered to one's existing account."""
    with transaction.atomic():
        portal = (
            PortalAccess.objects.select_for_update(of=("self",))
            .select_related("pathway")
            .get(pk=portal.pk)
        )
        if (
            portal.user_id is not None
            or portal.revoked_at is not None
            or not portal.email
            or portal.email.lower() != user.email.lower()
        ):
            raise ValidationError(_("Cette proposition n'est plus valable."))
        portal.user = user
        portal.save(update_fields=["user", "updated_at"])
        _link_person_account(portal, user)
        audit.record("portal.accept", actor=acting, obj=portal)
    return portal


def person_note_add(*, actor, pathway, data: PersonNoteIn, acting=None, now=None):
    """The person (or her caregiver) writes from her space: her own goal, a comment, a
    request for change. The referent is told (on-site and by email)."""
    kind, text = data.kind, data.text
    now = now or timezone.now()
    text = (text or "").strip()
    if not queries.portal_pathways(actor).filter(pk=pathway.pk).exists():
        raise PermissionDenied
    if pathway.state != PathwayState.OPEN:
        raise ValidationError(_("Ce parcours est clos : vous ne pouvez plus y écrire."))
    if kind not in NoteKind.values or not text:
        raise ValidationError(_("Écrivez votre message."))
    if len(text) > PERSON_NOTE_MAX_CHARS:
        raise ValidationError(
            _("Votre message est trop long : %(max)s caractères au plus.")
            % {"max": PERSON_NOTE_MAX_CHARS}
        )
    with transaction.atomic():
        note = PersonNote.objects.create(pathway=pathway, kind=kind, text=text, created_by=actor)
        TimelineEvent.objects.create(
            pathway=pathway,
            occurred_at=now,
            kind=EventKind.PERSON_NOTE,
            actor=actor,
            summary=str(NoteKind(kind).label),
        )
        audit.record("portal.note", actor=audit.actor_of(actor, acting), obj=note)
        notify(
            users=[pathway.referent],
            message=_("La personne que vous accompagnez a écrit dans son espace : %(kind)s.")
            % {"kind": str(NoteKind(kind).label).lower()},
            link=reverse("pathways:plan", kwargs={"public_id": pathway.public_id}),
            email_subject=_("Message d'une personne accompagnée"),
        )
    return note
