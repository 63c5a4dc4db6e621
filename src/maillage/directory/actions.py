"""Writes on the directory: unmet searches, orientations."""

import secrets
import uuid
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import BooleanField, F, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, TruncDate
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from maillage.accounts.models import User
from maillage.core import audit, ratelimit, sms
from maillage.core.attachments import MAX_FILES
from maillage.core.attachments import check as check_attachment
from maillage.core.attachments import remove as remove_attachment
from maillage.core.attachments import store as store_attachment
from maillage.core.models import PlatformSettings
from maillage.core.notify import notify, send_email
from maillage.core.pipeline import Missing
from maillage.core.roles import CAPABILITIES, PROFESSIONAL_ROLES, Capability, roles_with
from maillage.directory import access, deferred, duplicates, health, queries, search_index
from maillage.directory.emails import OUTCOME_LINK_DAYS
from maillage.directory.enums import (
    ORIENTATION_OPEN_STATES,
    ORIENTATION_TRANSITIONS,
    RECEIVER,
    SENDER,
    SYSTEM,
    OrientationState,
    PublicationState,
    RefusalReason,
)
from maillage.directory.inputs import OrientationIn, OrientationMoveIn, SheetSendIn
from maillage.directory.models import (
    MAILLAGE_SOURCE,
    ChangeState,
    DuplicateDismissal,
    Orientation,
    OrientationAttachment,
    OrientationLink,
    OrientationTransition,
    ProposedChange,
    Service,
    SheetSending,
    Structure,
    UnmetSearch,
)
from maillage.directory.queries import (
    SearchParams,
    SearchResults,
    receiver_email_for,
    receivers_of,
)

MODERATOR_ROLES = frozenset(
    role for role, granted in CAPABILITIES.items() if Capability.MODERATE_DIRECTORY in granted
)


def record_unmet_search(*, params: SearchParams, results: SearchResults, channel: str) -> bool:
    """Keep an anonymous trace of a need the directory could not meet; whether one was kept
    (a search without a need — no theme, words or public — says nothing of one)."""
    if not results.empty or (
        not params.themes and not params.offers and not params.text and not params.publics
    ):
        return False
    # A health offer is recorded as the data·inclusion themes it stands for: the observatory
    # reads unmet needs by theme.
    offered = health.themes_of(
        {o for value in params.offers for o in health.offer_with_children(value)}
    )
    UnmetSearch.objects.create(
        themes=list(dict.fromkeys([*params.themes, *offered])),
        publics=params.publics,
        commune=results.territory or results.place,
        had_text=bool(params.text),
        channel=channel,
    )
    return True


# --- Orientation ------------------------------------------------------------------------------


def _send_link(orientation, purpose: str, *, expires_at, kind: str) -> OrientationLink:
    """Issue a new single-use link (the previous ones stop) and email it. The job carries
    the link's id only: its token is derived again from the secret key when the email is
    written (OrientationLink.token), so no usable token sits in the job table or its logs."""
    OrientationLink.objects.filter(
        orientation=orientation, used_at__isnull=True, revoked_at__isnull=True
    ).update(revoked_at=timezone.now())
    link = OrientationLink(
        orientation=orientation,
        purpose=purpose,
        salt=secrets.token_hex(16),
        email=orientation.receiver_email,
        expires_at=expires_at,
    )
    link.token_hash = OrientationLink.hash_token(link.token())
    link.save()
    deferred.send_link_email.defer(link_id=link.pk, kind=kind)
    return link


def _orientation_link(orientation) -> str:
    return reverse("directory:orientation", kwargs={"public_id": orientation.public_id})


def orientation_send(
    *,
    actor,
    service,
    person_first_name: str,
    person_last_name: str,
    reason: str,
    consent_method: str,
    person_birth_year: int | None = None,
    person_phone: str = "",
    person_email: str = "",
    need_theme: str = "",
    attachments=(),
    acting=None,
) -> Orientation:
    """Send a person to a service. The person's agreement is required; the receiving team is
    notified on site and by email, or, without an account, emailed a single-use answer link."""
    if not access.can_orient(actor):
        audit.deny("orientation.send", actor=audit.actor_of(actor, acting), obj=service)
        raise PermissionDenied
    if not consent_method:
        raise ValidationError(
            _("L'accord de la personne est nécessaire pour transmettre ses informations.")
        )
    if not person_phone and not person_email:
        raise ValidationError(
            _("Indiquez un moyen de joindre la personne : téléphone ou courriel.")
        )
    if person_email:
        try:
            validate_email(person_email)
        except ValidationError:
            raise ValidationError(_("Le courriel de la personne n'est pas valide.")) from None
    themes = health.exchange_themes(service.thematiques, service.health_offers)
    if need_theme and need_theme not in themes:
        raise ValidationError(_("Ce besoin ne fait pas partie des thématiques du service."))
    if len(attachments) > MAX_FILES:
        raise ValidationError(_("%(n)s pièces jointes au plus.") % {"n": MAX_FILES})
    checked = [check_attachment(upload) for upload in attachments]
    receivers = receivers_of(service)
    receiver_email = "" if receivers else receiver_email_for(service)
    if not receivers and not receiver_email:
        raise ValidationError(
            _(
                "Ce service n'a ni compte sur la plateforme ni courriel : "
                "contactez-le par téléphone."
            )
        )
    now = timezone.now()
    platform = PlatformSettings.current()
    membership = acting.membership if acting is not None else None
    if membership is None:  # API token, or a script: the first role that orients
        membership = next(
            (m for m in actor.active_memberships() if m.role in PROFESSIONAL_ROLES), None
        )
    stored = []
    try:
        with transaction.atomic():
            orientation = Orientation.objects.create(
                service=service,
                sender=actor,
                sender_organisation=membership.organisation if membership else None,
                created_by=actor,
                person_first_name=person_first_name.strip(),
                person_last_name=person_last_name.strip(),
                person_birth_year=person_birth_year,
                person_phone=person_phone.strip(),
                person_email=person_email.strip(),
                need_theme=need_theme or (themes[0] if themes else ""),
                reason=reason.strip(),
                consent_method=consent_method,
                consent_recorded_at=now,
                state=OrientationState.SENT,
                state_changed_at=now,
                expires_at=now + timedelta(days=platform.orientation_expiry_days),
                receiver_email=receiver_email,
            )
            OrientationTransition.objects.create(
                orientation=orientation, to_state=OrientationState.SENT, at=now, by=actor
            )
            for file in checked:
                attachment = OrientationAttachment.objects.create(
                    orientation=orientation,
                    name=file.name,
                    content_type=file.content_type,
                    size=file.size,
                )
                store_attachment(attachment, file)
                stored.append(attachment)
            audit.record(
                "orientation.send",
                actor=audit.actor_of(actor, acting),
                obj=orientation,
                details={
                    "service": str(service.public_id),
                    "attachments": len(stored),
                    "via_link": bool(receiver_email),
                },
            )
            _announce_new(orientation, receivers)
    except BaseException:
        for attachment in stored:
            remove_attachment(attachment)
        raise
    return orientation


def _announce_new(orientation, receivers) -> None:
    service = orientation.service
    subject = _("Nouvelle orientation vers « %(service)s »") % {"service": service.name}
    sender = orientation.sender.full_name if orientation.sender else ""
    if receivers:
        notify(
            users=receivers,
            message=_("%(sender)s vous oriente une personne vers « %(service)s ».")
            % {"sender": sender, "service": service.name},
            link=_orientation_link(orientation),
            email_subject=subject,
            email_body=_(
                "Bonjour,\n\n%(sender)s vous oriente une personne vers « %(service)s ». "
                "Merci de répondre avant le %(deadline)s : ouvrez l'orientation sur %(platform)s."
            )
            % {
                "sender": sender,
                "service": service.name,
                "deadline": date_format(timezone.localtime(orientation.expires_at), "j F Y"),
                "platform": settings.PLATFORM_NAME,
            },
        )
        return
    _send_link(orientation, OrientationLink.ANSWER, expires_at=orientation.expires_at, kind="new")


def orientation_find_link(token: str) -> OrientationLink | None:
    """The link this token opens, if it is still usable."""
    link = (
        OrientationLink.objects.select_related(
            "orientation__service__structure", "orientation__sender"
        )
        .filter(token_hash=OrientationLink.hash_token(token))
        .first()
    )
    if link is None or not link.is_usable:
        return None
    # An answer link serves while the orientation waits for an answer, an outcome link while
    # it is accepted; answered another way, the link opens nothing any more.
    wanted = (
        OrientationState.SENT
        if link.purpose == OrientationLink.ANSWER
        else OrientationState.ACCEPTED
    )
    if link.orientation.state != wanted:
        return None
    return link


def _published_or_missing(public_id, action: str) -> Service:
    service = queries.published_service(public_id)
    if service is None:
        raise Missing(
            action,
            object_type="directory.service",
            object_id=public_id,
            what="service (non publié ou inexistant)",
        )
    return service


def orientation_create(*, actor, data: OrientationIn, attachments=(), acting=None) -> Orientation:
    """Orient a person to a published service (`data.service`), from a page or the API: the
    one entry point both take; `orientation_send` does the work."""
    service = _published_or_missing(data.service, "orientation.send")
    fields = data.model_dump(exclude={"service"})
    return orientation_send(
        actor=actor, service=service, attachments=attachments, acting=acting, **fields
    )


def orientation_answer(*, actor, orientation, data: OrientationMoveIn, acting=None) -> Orientation:
    """A side of the orientation moves it — the service accepts or refuses, the sender
    withdraws, the outcome is told — from a page or the API (`orientation_move` does the
    work, for them and for the expiry and the answer link)."""
    return orientation_move(
        orientation=orientation,
        actor=actor,
        to_state=data.to_state,
        refusal_reason=data.refusal_reason,
        comment=data.comment,
        acting=acting,
    )


def orientation_move(
    *,
    orientation,
    to_state: str,
    actor=None,
    link: OrientationLink | None = None,
    refusal_reason: str = "",
    comment: str = "",
    acting=None,
    now=None,
) -> Orientation:
    """Move an orientation to `to_state`, if the actor's side may (see
    ORIENTATION_TRANSITIONS). `link` acts as the receiving structure; neither actor nor
    link means the platform itself (expiry)."""
    now = now or timezone.now()
    with transaction.atomic():
        orientation = (
            Orientation.objects.select_for_update(of=("self",))
            .select_related("service__structure", "sender")
            .get(pk=orientation.pk)
        )
        if link is not None:
            link = OrientationLink.objects.select_for_update().get(pk=link.pk)
            if link.used_at or link.revoked_at or link.expires_at <= now:
                raise ValidationError(_("Ce lien a expiré ou a déjà été utilisé."))
            sides = {RECEIVER}
        elif actor is not None:
            sides = set(access.orientation_sides(actor, orientation))
        else:
            sides = {SYSTEM}
        allowed = ORIENTATION_TRANSITIONS.get((orientation.state, to_state), frozenset())
        if not sides & allowed:
            if not sides:
                raise PermissionDenied
            raise ValidationError(
                _("Impossible de passer de « %(from)s » à « %(to)s ».")
                % {
                    "from": OrientationState(orientation.state).label,
                    "to": OrientationState(to_state).label
                    if to_state in OrientationState.values
                    else to_state,
                }
            )
        if to_state == OrientationState.REFUSED:
            if refusal_reason not in RefusalReason.values:
                raise ValidationError(_("Choisissez le motif du refus."))
            if refusal_reason == RefusalReason.OTHER and not comment.strip():
                raise ValidationError(_("Précisez le motif du refus en commentaire."))
            orientation.refusal_reason = refusal_reason
        from_state = orientation.state
        orientation.state = to_state
        orientation.state_changed_at = now
        if from_state == OrientationState.SENT and to_state in (
            OrientationState.ACCEPTED,
            OrientationState.REFUSED,
        ):
            orientation.answered_at = now
        orientation.save()
        OrientationTransition.objects.create(
            orientation=orientation,
            from_state=from_state,
            to_state=to_state,
            at=now,
            by=actor,
            via_link=link is not None,
            comment=comment.strip(),
        )
        if link is not None:
            link.used_at = now
            link.save(update_fields=["used_at"])
        # Every move ends the links handed out so far (a new one follows an acceptance).
        OrientationLink.objects.filter(
            orientation=orientation, used_at__isnull=True, revoked_at__isnull=True
        ).update(revoked_at=now)
        if to_state not in ORIENTATION_OPEN_STATES:
            ended = list(orientation.attachments.filter(removed_at__isnull=True))
            orientation.attachments.filter(removed_at__isnull=True).update(removed_at=now)
            transaction.on_commit(lambda: [remove_attachment(a) for a in ended])
        audit.record(
            "orientation.move",
            actor=audit.actor_of(actor, acting),
            obj=orientation,
            details={
                "from": from_state,
                "to": to_state,
                "side": sorted(sides)[0],
                "via_link": link is not None,
                **({"reason": refusal_reason} if refusal_reason else {}),
            },
        )
        _announce_move(orientation, from_state, sides, link)
    return orientation


def _announce_move(orientation, from_state, sides, link) -> None:
    service = orientation.service
    state_label = OrientationState(orientation.state).label
    message = _("Orientation vers « %(service)s » : %(state)s.") % {
        "service": service.name,
        "state": state_label.lower(),
    }
    page = _orientation_link(orientation)
    subject = _("Orientation vers « %(service)s » : %(state)s") % {
        "service": service.name,
        "state": state_label.lower(),
    }
    if SENDER not in sides or sides == {SENDER, RECEIVER}:
        notify(users=[orientation.sender], message=message, link=page, email_subject=subject)
    if SENDER in sides and RECEIVER not in sides:
        receivers = receivers_of(service)
        if receivers:
            notify(users=receivers, message=message, link=page, email_subject=subject)
        elif orientation.receiver_email:
            send_email(to=orientation.receiver_email, subject=subject, body=message)
    if (
        link is not None
        and orientation.state == OrientationState.ACCEPTED
        and orientation.receiver_email
    ):
        _send_link(
            orientation,
            OrientationLink.OUTCOME,
            expires_at=timezone.now() + timedelta(days=OUTCOME_LINK_DAYS),
            kind="outcome",
        )


def orientation_record_read(*, orientation, acting=None, link=None) -> None:
    """Every read of an orientation (it names a person) goes to the audit trail."""
    audit.record(
        "orientation.read",
        actor=audit.Actor() if link is not None else None,
        obj=orientation,
        details={"via_link": True, "link": link.pk} if link is not None else {},
    )


def expire_orientations(*, now=None) -> int:
    """Orientations nobody answered in time expire; their senders are told. Periodic job."""
    now = now or timezone.now()
    due = list(
        Orientation.objects.filter(state=OrientationState.SENT, expires_at__lte=now).values_list(
            "pk", flat=True
        )
    )
    expired = 0
    for pk in due:
        try:
            orientation_move(
                orientation=Orientation(pk=pk), to_state=OrientationState.EXPIRED, now=now
            )
            expired += 1
        except ValidationError:
            continue  # answered meanwhile
    return expired


def purge_accepted_attachments(*, now=None) -> int:
    """Attachments help the service prepare the person's reception. An orientation ends (and
    its files go) when its outcome is recorded; one left accepted keeps them at most
    ORIENTATION_ATTACHMENT_KEEP_DAYS days after the acceptance. Periodic job; the number of
    files removed."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.ORIENTATION_ATTACHMENT_KEEP_DAYS)
    with transaction.atomic():
        files = list(
            OrientationAttachment.objects.select_for_update(of=("self",))
            .filter(
                removed_at__isnull=True,
                orientation__state=OrientationState.ACCEPTED,
                orientation__answered_at__lte=cutoff,
            )
            .select_related("orientation")
        )
        if not files:
            return 0
        OrientationAttachment.objects.filter(pk__in=[a.pk for a in files]).update(removed_at=now)
        for orientation in {a.orientation_id: a.orientation for a in files}.values():
            audit.record(
                "orientation.attachments.expire",
                actor=audit.Actor(),
                obj=orientation,
                details={"files": sum(a.orientation_id == orientation.pk for a in files)},
            )
        transaction.on_commit(lambda: [remove_attachment(a) for a in files])
    return len(files)


def remind_orientations(*, now=None) -> int:
    """Remind the receiving structure of orientations about to expire. Periodic job."""
    now = now or timezone.now()
    days = PlatformSettings.current().orientation_reminder_days
    if days == 0:
        return 0
    due = Orientation.objects.filter(
        state=OrientationState.SENT,
        reminded_at__isnull=True,
        expires_at__gt=now,
        expires_at__lte=now + timedelta(days=days),
    ).select_related("service__structure", "sender")
    reminded = 0
    for orientation in due:
        with transaction.atomic():
            claimed = Orientation.objects.filter(
                pk=orientation.pk, reminded_at__isnull=True, state=OrientationState.SENT
            ).update(reminded_at=now)
            if not claimed:
                continue
            _remind(orientation)
            audit.record("orientation.remind", actor=audit.Actor(), obj=orientation)
            reminded += 1
    return reminded


def _remind(orientation) -> None:
    service = orientation.service
    deadline = date_format(timezone.localtime(orientation.expires_at), "j F Y")
    subject = _("Rappel : une orientation vers « %(service)s » attend votre réponse") % {
        "service": service.name
    }
    receivers = receivers_of(service)
    if receivers:
        notify(
            users=receivers,
            message=_("Une orientation vers « %(service)s » expire le %(deadline)s sans réponse.")
            % {"service": service.name, "deadline": deadline},
            link=_orientation_link(orientation),
            email_subject=subject,
        )
        return
    if not orientation.receiver_email:
        return
    # A reminder carries a fresh link; the one sent first stops working.
    _send_link(
        orientation, OrientationLink.ANSWER, expires_at=orientation.expires_at, kind="reminder"
    )


# --- Editing by the organisation, moderation -------------------------------------------------


def _entry_label(entry) -> str:
    return entry._meta.label_lower


def _values_for_json(values: dict) -> dict:
    return {k: (list(v) if isinstance(v, list | tuple) else v) for k, v in values.items()}


def entry_create(*, actor, structure=None, organisation=None, values: dict, acting=None):
    """A new structure (for an organisation) or a new service (of a structure), as a draft."""
    if structure is not None:
        if not access.can_edit_structure(actor, structure):
            audit.deny("directory.entry.create", actor=audit.actor_of(actor, acting), obj=structure)
            raise PermissionDenied
        entry = Service(structure=structure)
    else:
        if organisation is None or organisation.pk not in access.managed_organisation_ids(actor):
            audit.deny("directory.entry.create", actor=audit.actor_of(actor, acting))
            raise PermissionDenied
        entry = Structure(organisation=organisation)
    with transaction.atomic():
        for name, value in values.items():
            setattr(entry, name, value)
        entry.source = MAILLAGE_SOURCE
        entry.source_id = str(uuid.uuid4())
        entry.state = PublicationState.DRAFT
        entry.created_by = actor
        entry.full_clean(exclude=["source_id"])
        entry.save()
        _compare_for_duplicates(entry)
        audit.record("directory.entry.create", actor=audit.actor_of(actor, acting), obj=entry)
    return entry


def entry_update(*, actor, entry, values: dict, acting=None):
    """Edit an entry. Unpublished, it changes at once; published, the edit becomes (or joins)
    its pending change and the published values stay until a moderator approves."""
    structure = entry if isinstance(entry, Structure) else entry.structure
    if not access.can_edit_structure(actor, structure):
        audit.deny("directory.entry.update", actor=audit.actor_of(actor, acting), obj=entry)
        raise PermissionDenied
    changed = {k: v for k, v in values.items() if getattr(entry, k) != v}
    if not changed:
        return None
    with transaction.atomic():
        if entry.state != PublicationState.PUBLISHED:
            for name, value in changed.items():
                setattr(entry, name, value)
            if entry.state == PublicationState.PENDING:
                # What the moderator would approve must be what she saw: an edit withdraws
                # the submission, to be submitted again.
                entry.state = PublicationState.DRAFT
            entry.full_clean()
            entry.save()
            _compare_for_duplicates(entry)
            audit.record(
                "directory.entry.update",
                actor=audit.actor_of(actor, acting),
                obj=entry,
                details={"fields": sorted(changed)},
            )
            return None
        target = {"structure": entry} if isinstance(entry, Structure) else {"service": entry}
        change = ProposedChange.objects.select_for_update().filter(
            state=ChangeState.PENDING, **target
        )
        change = change.first() or ProposedChange(
            proposed_at=timezone.now(), proposed_by=actor, **target
        )
        change.changes = {**change.changes, **_values_for_json(changed)}
        change.proposed_by = actor
        change.proposed_at = timezone.now()
        change.save()
        audit.record(
            "directory.change.propose",
            actor=audit.actor_of(actor, acting),
            obj=entry,
            details={"fields": sorted(change.changes)},
        )
        _tell_moderators(
            _("Modification proposée pour « %(name)s ».") % {"name": entry.name},
        )
    return change


def entry_submit(*, actor, entry, acting=None):
    """Ask for first publication (a draft, or a rejected entry after correction)."""
    structure = entry if isinstance(entry, Structure) else entry.structure
    if not access.can_edit_structure(actor, structure):
        audit.deny("directory.entry.submit", actor=audit.actor_of(actor, acting), obj=entry)
        raise PermissionDenied
    if entry.state not in (PublicationState.DRAFT, PublicationState.REJECTED):
        raise ValidationError(_("Cette fiche n'est pas un brouillon."))
    with transaction.atomic():
        entry.state = PublicationState.PENDING
        entry.rejection_reason = ""
        entry.save(update_fields=["state", "rejection_reason", "updated_at"])
        audit.record("directory.entry.submit", actor=audit.actor_of(actor, acting), obj=entry)
        _tell_moderators(_("Fiche à valider : « %(name)s ».") % {"name": entry.name})


def entry_confirm_fresh(*, actor, service, acting=None):
    """The organisation confirms its service's information is still right."""
    if not access.can_edit_structure(actor, service.structure):
        audit.deny("directory.entry.confirm", actor=audit.actor_of(actor, acting), obj=service)
        raise PermissionDenied
    with transaction.atomic():
        service.source_updated_on = timezone.localdate()
        service.freshness_reminded_on = None
        service.save(update_fields=["source_updated_on", "freshness_reminded_on", "updated_at"])
        audit.record("directory.entry.confirm", actor=audit.actor_of(actor, acting), obj=service)


def entry_archive(*, actor, entry, acting=None):
    structure = entry if isinstance(entry, Structure) else entry.structure
    if not (access.can_edit_structure(actor, structure) or access.can_moderate(actor)):
        audit.deny("directory.entry.archive", actor=audit.actor_of(actor, acting), obj=entry)
        raise PermissionDenied
    with transaction.atomic():
        entry.state = PublicationState.ARCHIVED
        entry.save(update_fields=["state", "updated_at"])
        _reindex(entry)
        audit.record("directory.entry.archive", actor=audit.actor_of(actor, acting), obj=entry)


def _compare_for_duplicates(entry) -> None:
    """A structure written (a draft too: a moderator may spot it early) is compared again."""
    if isinstance(entry, Structure):
        duplicates.refresh(structure_ids=[entry.pk])


def _reindex(entry) -> None:

    _compare_for_duplicates(entry)
    if isinstance(entry, Structure):
        search_index.refresh(structure_ids=[entry.pk])
    else:
        search_index.refresh(service_ids=[entry.pk])


def _tell_moderators(message: str) -> None:

    moderators = User.objects.filter(
        is_active=True,
        memberships__is_active=True,
        memberships__role__in=MODERATOR_ROLES,
    ).distinct()
    notify(users=moderators, message=message, link=reverse("directory:moderation"))


def _editors(structure) -> list:
    """Who keeps the structure's entries up to date: its organisation's members whose role
    grants it."""
    if structure.organisation_id is None:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=structure.organisation_id,
            memberships__is_active=True,
            memberships__role__in=roles_with(Capability.EDIT_OWN_DIRECTORY_ENTRIES),
        ).distinct()
    )


def moderation_approve(*, actor, entry=None, change=None, acting=None):
    """Publish a pending entry, or apply a pending change to a published one."""
    if not access.can_moderate(actor):
        audit.deny("directory.moderation.approve", actor=audit.actor_of(actor, acting))
        raise PermissionDenied
    now = timezone.now()
    with transaction.atomic():
        if change is not None:
            change = ProposedChange.objects.select_for_update().get(pk=change.pk)
            if change.state != ChangeState.PENDING:
                raise ValidationError(_("Cette modification a déjà été traitée."))
            entry = change.entry
            for name, value in change.changes.items():
                setattr(entry, name, value)
            entry.full_clean()
            change.state, change.decided_by, change.decided_at = ChangeState.APPROVED, actor, now
            change.save()
        else:
            entry = type(entry).objects.select_for_update().get(pk=entry.pk)
            if entry.state != PublicationState.PENDING:
                raise ValidationError(_("Cette fiche n'attend pas de validation."))
            entry.state = PublicationState.PUBLISHED
        if isinstance(entry, Service):
            entry.source_updated_on = timezone.localdate()
        entry.save()
        _reindex(entry)
        audit.record(
            "directory.moderation.approve",
            actor=audit.actor_of(actor, acting),
            obj=entry,
            details={"change": str(change.public_id)} if change else {},
        )
        structure = entry if isinstance(entry, Structure) else entry.structure
        notify(
            users=_editors(structure),
            message=_("« %(name)s » est publiée avec vos informations.") % {"name": entry.name},
            link=reverse("directory:my_entries"),
            email_subject=_("Annuaire : « %(name)s » est à jour") % {"name": entry.name},
        )
    return entry


def moderation_reject(*, actor, reason: str, entry=None, change=None, acting=None):
    if not access.can_moderate(actor):
        audit.deny("directory.moderation.reject", actor=audit.actor_of(actor, acting))
        raise PermissionDenied
    if not reason.strip():
        raise ValidationError(_("Dites à la structure ce qu'il faut corriger."))
    now = timezone.now()
    with transaction.atomic():
        if change is not None:
            change = ProposedChange.objects.select_for_update().get(pk=change.pk)
            if change.state != ChangeState.PENDING:
                raise ValidationError(_("Cette modification a déjà été traitée."))
            change.state, change.decided_by, change.decided_at = ChangeState.REJECTED, actor, now
            change.reason = reason.strip()
            change.save()
            entry = change.entry
        else:
            entry = type(entry).objects.select_for_update().get(pk=entry.pk)
            if entry.state != PublicationState.PENDING:
                raise ValidationError(_("Cette fiche n'attend pas de validation."))
            entry.state = PublicationState.REJECTED
            entry.rejection_reason = reason.strip()
            entry.save(update_fields=["state", "rejection_reason", "updated_at"])
        audit.record("directory.moderation.reject", actor=audit.actor_of(actor, acting), obj=entry)
        structure = entry if isinstance(entry, Structure) else entry.structure
        notify(
            users=_editors(structure),
            message=_("« %(name)s » : la modération demande une correction.")
            % {"name": entry.name},
            link=reverse("directory:my_entries"),
            email_subject=_("Annuaire : correction demandée pour « %(name)s »")
            % {"name": entry.name},
            email_body=_("Motif : %(reason)s") % {"reason": reason.strip()},
        )
    return entry


def remind_stale_services(*, today=None) -> int:
    """Email each organisation's admins the list of its services whose information is due
    for a check, once per lapse. Periodic job (daily)."""
    today = today or timezone.localdate()
    stale = (
        Service.objects.filter(
            state=PublicationState.PUBLISHED, structure__organisation__isnull=False
        )
        .annotate(last=Coalesce("source_updated_on", TruncDate("updated_at")))
        .alias(
            due=RawSQL(
                "COALESCE(directory_service.source_updated_on, "
                "directory_service.updated_at::date) + directory_service.update_frequency_days"
                " < %s",
                [today],
                output_field=BooleanField(),
            )
        )
        .filter(due=True)
        .filter(Q(freshness_reminded_on__isnull=True) | Q(freshness_reminded_on__lt=F("last")))
        .select_related("structure")
        .order_by("structure__organisation_id", "name")
    )
    by_structure: dict = {}
    for service in stale:
        by_structure.setdefault(service.structure, []).append(service)
    reminded = 0
    for structure, services in by_structure.items():
        with transaction.atomic():
            names = "\n".join(f"- {s.name}" for s in services)
            notify(
                users=_editors(structure),
                message=_("%(n)s fiche(s) de « %(structure)s » à vérifier.")
                % {"n": len(services), "structure": structure.name},
                link=reverse("directory:my_entries"),
                email_subject=_("Annuaire : vos informations sont-elles toujours à jour ?"),
                email_body=_(
                    "Bonjour,\n\nCes services de « %(structure)s » n'ont pas été mis à jour "
                    "depuis longtemps :\n%(names)s\n\nVérifiez-les, corrigez-les ou confirmez "
                    "qu'ils sont à jour : les professionnel·les qui orientent vers vous s'y fient."
                )
                % {"structure": structure.name, "names": names},
            )
            Service.objects.filter(pk__in=[s.pk for s in services]).update(
                freshness_reminded_on=today
            )
            reminded += len(services)
    return reminded


# Fields the kept structure takes from the absorbed one when it has none of its own.
MERGE_FILLS = [
    "description",
    "siret",
    "finess",
    "finess_legal_entity",
    "finess_category",
    "finess_category_label",
    "website",
    "accessibility_link",
    "legal_form",
    "address",
    "address_complement",
    "postal_code",
    "city_name",
    "commune_id",
    "latitude",
    "longitude",
    "email",
    "phone",
    "opening_hours",
]


def structure_merge(*, actor, keep: Structure, absorb: Structure, acting=None) -> Structure:
    """Merge a duplicate into the structure kept: its services move over, the kept record's
    empty fields are filled from it, and it is archived, remembered as merged so that
    re-importing its source keeps its services where they now are."""
    if not access.can_moderate(actor):
        audit.deny("directory.structure.merge", actor=audit.actor_of(actor, acting), obj=keep)
        raise PermissionDenied
    if keep.pk == absorb.pk:
        raise ValidationError(_("Une structure ne se fusionne pas avec elle-même."))
    with transaction.atomic():
        # Both rows locked in one order, whichever is kept: two opposite merges cannot
        # deadlock.
        locked = Structure.objects.select_for_update().in_bulk(sorted([keep.pk, absorb.pk]))
        keep, absorb = locked[keep.pk], locked[absorb.pk]
        if absorb.merged_into_id or keep.merged_into_id:
            raise ValidationError(_("L'une des deux structures a déjà été fusionnée."))
        if absorb.organisation_id and absorb.organisation_id != keep.organisation_id:
            # Its services' orientations would leave the team that receives them.
            raise ValidationError(
                _(
                    "« %(name)s » est gérée par une structure membre : gardez-la, "
                    "ou fusionnez deux fiches de la même structure membre."
                )
                % {"name": absorb.name}
            )
        filled = []
        for name in MERGE_FILLS:
            if getattr(keep, name) in (None, "") and getattr(absorb, name) not in (None, ""):
                setattr(keep, name, getattr(absorb, name))
                filled.append(name)
        keep.networks = sorted(set(keep.networks) | set(absorb.networks))
        keep.save()
        moved = list(absorb.services.values_list("pk", flat=True))
        Service.objects.filter(pk__in=moved).update(structure=keep)
        Structure.objects.filter(merged_into=absorb).update(merged_into=keep)
        absorb.state = PublicationState.ARCHIVED
        absorb.merged_into = keep
        absorb.save(update_fields=["state", "merged_into", "updated_at"])

        search_index.refresh(structure_ids=[keep.pk, absorb.pk])
        duplicates.refresh(structure_ids=[keep.pk, absorb.pk])
        audit.record(
            "directory.structure.merge",
            actor=audit.actor_of(actor, acting),
            obj=keep,
            details={
                "absorbed": str(absorb.public_id),
                "services": len(moved),
                "filled": filled,
            },
        )
    return keep


def duplicate_dismiss(*, actor, first: Structure, second: Structure, acting=None) -> None:
    """These two are not the same structure: stop suggesting them."""

    if not access.can_moderate(actor):
        audit.deny("directory.duplicate.dismiss", actor=audit.actor_of(actor, acting), obj=first)
        raise PermissionDenied
    first, second = sorted([first, second], key=lambda s: s.pk)
    with transaction.atomic():
        DuplicateDismissal.objects.get_or_create(
            first=first, second=second, defaults={"dismissed_by": actor}
        )
        audit.record(
            "directory.duplicate.dismiss",
            actor=audit.actor_of(actor, acting),
            obj=first,
            details={"other": str(second.public_id)},
        )


def orientations_anonymise(*, orientation_ids) -> int:
    """Erase the person's identity and the free texts from these orientations (the record
    they were sent from is being anonymised); states, dates, service and theme stay for the
    statistics. Their files go once the transaction commits."""
    ids = list(orientation_ids)
    if not ids:
        return 0
    files = list(
        OrientationAttachment.objects.filter(
            orientation_id__in=ids, removed_at__isnull=True
        ).select_related("orientation")
    )
    OrientationAttachment.objects.filter(pk__in=[a.pk for a in files]).update(
        removed_at=timezone.now()
    )
    transaction.on_commit(lambda: [remove_attachment(a) for a in files])
    OrientationTransition.objects.filter(orientation_id__in=ids).update(comment="")
    return Orientation.objects.filter(pk__in=ids).update(
        person_first_name="—",
        person_last_name="—",
        person_birth_year=None,
        person_phone="",
        person_email="",
        reason="",
    )


# --- A service's sheet, sent to the person ---------------------------------------------------


def sheet_send(*, actor, data: SheetSendIn, acting=None) -> SheetSending:
    """Send a published service's sheet to a person, by e-mail or SMS, for whoever orients
    (a page or the API). The address is kept until the job has sent it, then erased; the
    audit trail says which sheet was sent, by whom and how, never to whom."""
    service = _published_or_missing(data.service, "directory.sheet.send")
    if not access.can_orient(actor):
        audit.deny("directory.sheet.send", actor=audit.actor_of(actor, acting), obj=service)
        raise PermissionDenied
    recipient = data.recipient.strip()
    if data.channel == SheetSending.EMAIL:
        try:
            validate_email(recipient)
        except ValidationError:
            raise ValidationError(
                {"recipient": _("Adresse e-mail invalide : par exemple nom@exemple.fr.")}
            ) from None
    else:
        recipient = sms.mobile_number(recipient)
        if recipient is None:
            raise ValidationError(
                {
                    "recipient": _(
                        "Numéro de portable invalide : un numéro en 06 ou 07 (ou +33 6, +33 7)."
                    )
                }
            )
    if not ratelimit.hit(
        f"sheet-send:{actor.pk}", limit=settings.SHEET_SENDS_PER_HOUR, window_seconds=3600
    ):
        raise ratelimit.Exceeded(
            _("Vous avez envoyé beaucoup de fiches en une heure : réessayez un peu plus tard.")
        )
    with transaction.atomic():
        sending = SheetSending.objects.create(
            service=service, channel=data.channel, recipient=recipient, sent_by=actor
        )
        deferred.send_sheet.defer(sending_id=sending.pk)
        audit.record(
            "directory.sheet.send",
            actor=audit.actor_of(actor, acting),
            obj=service,
            details={"channel": data.channel, "sending": str(sending.public_id)},
        )
    return sending


# A sheet not sent within this long (its job failed for good, the provider refused it) loses
# its address all the same: nothing personal waits without end.
UNSENT_SHEET_HOURS = 24


def erase_unsent_sheet_addresses(now=None) -> int:
    """Erase the address of sheets still unsent UNSENT_SHEET_HOURS after they were asked for
    (the periodic job); how many."""
    now = now or timezone.now()
    return (
        SheetSending.objects.filter(
            sent_at__isnull=True, created_at__lt=now - timedelta(hours=UNSENT_SHEET_HOURS)
        )
        .exclude(recipient="")
        .update(recipient="")
    )
