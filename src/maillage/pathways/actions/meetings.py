"""Concertation meetings: scheduled, rescheduled, cancelled, recorded, decided."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.core.notify import notify
from maillage.core.versions import lock_version
from maillage.core.workflows import check_move
from maillage.pathways import access, queries
from maillage.pathways.actions._common import (
    _contributes,
)
from maillage.pathways.actions.plan import plan_action_add, plan_ensure
from maillage.pathways.deferred import send_meeting_invitation
from maillage.pathways.emails import meeting_email, meeting_link
from maillage.pathways.enums import (
    MEETING_TRANSITIONS,
    Attendance,
    EventKind,
    MeetingState,
    MemberStatus,
)
from maillage.pathways.inputs import DecisionIn, MeetingIn, MeetingUpdateIn, MinutesIn, PlanActionIn
from maillage.pathways.models import (
    Meeting,
    MeetingAttendee,
    MeetingDecision,
    TimelineEvent,
)


def _invite(meeting, users) -> None:
    """Each invitee told on-site and by e-mail; the person and her caregivers (through their
    space) are sent to their space, not to the professionals' meeting page."""
    spaces = queries.portal_users(meeting.pathway)
    professionals = [u for u in users if u.pk not in spaces]
    people = [u for u in users if u.pk in spaces]
    notify(users=professionals, message=meeting_email(meeting)[0], link=meeting_link(meeting))
    notify(
        users=people,
        message=meeting_email(meeting, portal=True)[0],
        link=reverse("pathways:portal_pathway", kwargs={"public_id": meeting.pathway.public_id}),
    )
    for user in users:
        if user.is_active:
            send_meeting_invitation.defer(meeting_id=meeting.pk, user_id=user.pk)


def _meeting_invitees(pathway, actor, invitee_ids) -> list:
    active = {
        str(m.user.public_id): m.user
        for m in queries.circle_of(pathway)
        if m.status == MemberStatus.ACTIVE
    }
    # The person and her caregivers who have their space are invited too.
    active.update(
        {str(p.user.public_id): p.user for p in queries.portal_accesses_of(pathway) if p.user}
    )
    unknown = [i for i in invitee_ids if str(i) not in active]
    if unknown:
        raise ValidationError(
            _(
                "On invite les membres actifs du cercle de soins, la personne et ses aidant·es "
                "qui ont leur espace."
            )
        )
    users = [active[str(i)] for i in invitee_ids]
    if actor.pk not in {u.pk for u in users}:
        users.insert(0, actor)
    return users


def _on_timeline(meeting, kind: str, actor, now) -> None:
    """The meeting's event on its pathway's timeline, named by its date and time."""
    TimelineEvent.objects.create(
        pathway=meeting.pathway,
        occurred_at=now,
        kind=kind,
        actor=actor,
        summary=f"{timezone.localtime(meeting.starts_at):%d/%m/%Y %H:%M}",
    )


def meeting_schedule(*, actor, pathway, data: MeetingIn, acting=None, now=None) -> Meeting:
    """Plan a concertation meeting with members of the circle: each invitee gets an on-site
    notice and an email with the iCalendar file (for a meeting still to come)."""
    starts_at, duration_minutes, location, agenda, invitee_ids = (
        data.starts_at,
        data.duration_minutes,
        data.location,
        data.agenda,
        data.invitees,
    )
    now = now or timezone.now()
    if not access.can_contribute(actor, pathway):
        raise PermissionDenied
    if starts_at is None:
        raise ValidationError(_("Dites quand a lieu la réunion."))
    if not 5 <= (duration_minutes or 0) <= 480:
        raise ValidationError(_("La durée va de 5 minutes à 8 heures."))
    if abs(starts_at - now) > dt.timedelta(days=366):
        raise ValidationError(_("La date de la réunion est à plus d'un an d'aujourd'hui."))
    with transaction.atomic():
        users = _meeting_invitees(pathway, actor, list(invitee_ids))
        meeting = Meeting.objects.create(
            pathway=pathway,
            starts_at=starts_at,
            duration_minutes=duration_minutes,
            location=(location or "").strip()[:300],
            agenda=(agenda or "").strip(),
            organiser=actor,
            created_by=actor,
        )
        meeting.pathway = pathway
        MeetingAttendee.objects.bulk_create(
            [MeetingAttendee(meeting=meeting, user=user) for user in users]
        )
        _on_timeline(meeting, EventKind.MEETING_PLANNED, actor, now)
        audit.record(
            "meeting.schedule",
            actor=audit.actor_of(actor, acting),
            obj=meeting,
            details={"pathway": str(pathway.public_id), "invited": len(users)},
        )
        if starts_at > now:
            _invite(meeting, [u for u in users if u.pk != actor.pk])
    return meeting


def _lock_meeting(meeting, actor, expected_version) -> Meeting:
    locked = lock_version(
        Meeting.objects.select_related("pathway", "organiser"),
        meeting.pk,
        expected_version,
        _(
            "La réunion a été modifiée par quelqu'un d'autre pendant que vous la lisiez. "
            "Votre saisie est conservée ci-dessous : relisez, puis enregistrez à nouveau."
        ),
        check=lambda row: _contributes(actor, row.pathway),
    )
    return locked


def meeting_reschedule(*, actor, meeting, data: MeetingUpdateIn, acting=None, now=None) -> Meeting:
    """Change the date, place or agenda of a planned meeting; invitees get the update,
    which their calendars apply to the event they already hold (same UID, next SEQUENCE)."""
    expected_version, starts_at, duration_minutes, location, agenda = (
        data.version,
        data.starts_at,
        data.duration_minutes,
        data.location,
        data.agenda,
    )
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_meeting(meeting, actor, expected_version)
        check_move(
            MEETING_TRANSITIONS,
            locked.state,
            MeetingState.PLANNED,
            message=_("Seule une réunion prévue se modifie."),
        )
        if starts_at is None or not 5 <= (duration_minutes or 0) <= 480:
            raise ValidationError(_("Dites quand a lieu la réunion et combien de temps."))
        if abs(starts_at - now) > dt.timedelta(days=366):
            raise ValidationError(_("La date de la réunion est à plus d'un an d'aujourd'hui."))
        location = (location or "").strip()[:300]
        moved = (
            starts_at != locked.starts_at
            or duration_minutes != locked.duration_minutes
            or location != locked.location
        )
        locked.starts_at = starts_at
        locked.duration_minutes = duration_minutes
        locked.location = location
        locked.agenda = (agenda or "").strip()
        locked.version += 1
        if moved:
            locked.sequence += 1
        locked.save()
        audit.record(
            "meeting.update",
            actor=audit.actor_of(actor, acting),
            obj=locked,
            details={"sequence": locked.sequence},
        )
        if moved and starts_at > now:
            _invite(
                locked,
                [a.user for a in locked.attendees.select_related("user") if a.user_id != actor.pk],
            )
    return locked


def meeting_cancel(*, actor, meeting, expected_version: int, acting=None, now=None) -> Meeting:
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_meeting(meeting, actor, expected_version)
        check_move(
            MEETING_TRANSITIONS,
            locked.state,
            MeetingState.CANCELLED,
            message=_("Seule une réunion prévue s'annule."),
        )
        locked.state = MeetingState.CANCELLED
        locked.sequence += 1
        locked.version += 1
        locked.save()
        _on_timeline(locked, EventKind.MEETING_CANCELLED, actor, now)
        audit.record("meeting.cancel", actor=audit.actor_of(actor, acting), obj=locked)
        if locked.starts_at > now:
            _invite(
                locked,
                [a.user for a in locked.attendees.select_related("user") if a.user_id != actor.pk],
            )
    return locked


def meeting_record(*, actor, meeting, data: MinutesIn, acting=None, now=None) -> Meeting:
    """After the meeting: who came, and the minutes. The meeting is then held; its minutes
    can be completed later (version-checked like the plan)."""
    expected_version, attendance, minutes = data.version, data.attendance, data.minutes
    now = now or timezone.now()
    with transaction.atomic():
        locked = _lock_meeting(meeting, actor, expected_version)
        check_move(
            MEETING_TRANSITIONS,
            locked.state,
            MeetingState.HELD,
            message=_("Cette réunion a été annulée."),
        )
        if locked.starts_at > now:
            raise ValidationError(_("La réunion n'a pas encore commencé."))
        attendees = {str(a.user.public_id): a for a in locked.attendees.select_related("user")}
        for user_id, value in attendance.items():
            if str(user_id) not in attendees or value not in Attendance.values:
                raise ValidationError(_("Présence inconnue pour un participant."))
        for user_id, value in attendance.items():
            attendee = attendees[str(user_id)]
            if attendee.attendance != value:
                attendee.attendance = value
                attendee.save(update_fields=["attendance"])
        first_time = locked.state == MeetingState.PLANNED
        locked.state = MeetingState.HELD
        locked.minutes = (minutes or "").strip()
        locked.version += 1
        locked.save()
        if first_time:
            _on_timeline(locked, EventKind.MEETING_HELD, actor, now)
        audit.record("meeting.record", actor=audit.actor_of(actor, acting), obj=locked)
    return locked


def meeting_decide(*, actor, meeting, data: DecisionIn, acting=None, now=None) -> MeetingDecision:
    """Record a decision of the meeting; with an objective, it becomes an action of the
    plan in the same step (and the same plan version check)."""
    now = now or timezone.now()
    text = data.text.strip()
    if not text:
        raise ValidationError(_("Écrivez la décision."))
    with transaction.atomic():
        locked = _lock_meeting(meeting, actor, None)
        if locked.state == MeetingState.CANCELLED or locked.starts_at > now:
            raise ValidationError(_("Les décisions se prennent pendant ou après la réunion."))
        action = None
        if data.objective is not None:
            if data.plan_version is None:
                # Without the plan version read, the action could land on a plan changed since.
                raise ValidationError(_("Rechargez la page avant d'ajouter l'action au plan."))
            action = plan_action_add(
                actor=actor,
                plan=plan_ensure(pathway=locked.pathway),
                data=PlanActionIn(
                    version=data.plan_version,
                    objective=data.objective,
                    text=text[:300],
                    owner=data.owner,
                    due_on=data.due_on,
                ),
                acting=acting,
            )
        decision = MeetingDecision.objects.create(
            meeting=locked, text=text[:300], plan_action=action
        )
        audit.record(
            "meeting.decide",
            actor=audit.actor_of(actor, acting),
            obj=locked,
            details={"decision": str(decision.public_id), "plan_action": bool(action)},
        )
    return decision
