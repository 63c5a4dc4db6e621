"""Concertation meetings: invitations with an iCalendar file, updates and cancellation that
calendars apply to the same event, attendance and minutes, decisions made plan actions."""

import datetime as dt
import html

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from maillage.core.models import AuditEvent
from maillage.core.versions import current_version
from maillage.pathways import actions, inputs
from maillage.pathways.models import PlanAction, TimelineEvent
from tests.factories import opened_pathway
from tests.jobs import run_jobs


def _url(name, pathway, **kwargs):
    return reverse(f"pathways:{name}", kwargs={"public_id": pathway.public_id, **kwargs})


@pytest.fixture
def pathway(cast):
    pathway = opened_pathway(cast)
    run_jobs()
    mail.outbox.clear()
    return pathway


def _event(ics: bytes):
    calendar = icalendar.Calendar.from_ical(ics)
    (event,) = calendar.walk("VEVENT")
    return calendar, event


def test_invitees_get_an_email_with_a_calendar_file_that_names_nobody(client, cast, pathway):
    plan = actions.plan_ensure(pathway=pathway)
    actions.objective_add(
        actor=cast.coordinator,
        plan=plan,
        data=inputs.ObjectiveIn(
            need="housing", text="Rester chez elle", version=current_version(plan)
        ),
    )
    client.force_login(cast.coordinator)
    form = client.get(_url("meeting_new", pathway)).content.decode()
    assert "Rester chez elle" in form  # the agenda is drawn from the plan
    when = (timezone.now() + dt.timedelta(days=7)).replace(second=0, microsecond=0)
    nurse = cast.professional
    response = client.post(
        _url("meeting_new", pathway),
        {
            "starts_at": timezone.localtime(when).strftime("%Y-%m-%dT%H:%M"),
            "duration_minutes": 45,
            "location": "Maison de santé, salle 2",
            "agenda": "Point sur le retour à domicile",
            "invitees": [str(nurse.public_id)],
        },
    )
    assert response.status_code == 302
    meeting = pathway.meetings.get()
    assert {a.user for a in meeting.attendees.all()} == {cast.coordinator, nurse}
    run_jobs()
    (email,) = mail.outbox
    assert email.to == [nurse.email] and "réunion de concertation" in email.subject.lower()
    name, content, mimetype = email.attachments[0]
    assert name == "reunion.ics" and mimetype.startswith("text/calendar")
    calendar, event = _event(content)
    assert str(calendar["method"]) == "REQUEST"
    assert event["uid"] == f"{meeting.public_id}@maillage"
    assert event.decoded("dtstart") == when
    assert event.decoded("dtend") == when + dt.timedelta(minutes=45)
    assert "location" not in event  # often her address: it stays in Maillage
    attendees = event.get("attendee")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert f"mailto:{nurse.email}" in {str(a) for a in attendees}
    # Neither the email nor the calendar names the person or carries the agenda.
    person = pathway.person
    for text in (email.body, email.subject, content):
        assert person.last_name not in text and "retour à domicile" not in text
        assert "salle 2" not in text
    # The page offers the same file, read by circle members only (audited).
    ics = client.get(_url("meeting_ics", pathway, meeting_id=meeting.public_id))
    assert ics.status_code == 200 and _event(ics.content)[1]["uid"] == event["uid"]
    assert AuditEvent.objects.filter(action="meeting.read", object_id=str(meeting.public_id))
    client.force_login(cast.colleague)
    assert client.get(_url("meeting_ics", pathway, meeting_id=meeting.public_id)).status_code == 404


def test_a_change_and_a_cancellation_update_the_same_calendar_event(cast, pathway):
    when = timezone.now() + dt.timedelta(days=7)
    meeting = actions.meeting_schedule(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.MeetingIn(starts_at=when, invitees=[cast.professional.public_id]),
    )
    run_jobs()
    first = _event(mail.outbox[-1].attachments[0][1])[1]
    meeting = actions.meeting_reschedule(
        actor=cast.coordinator,
        meeting=meeting,
        data=inputs.MeetingUpdateIn(
            version=meeting.version,
            starts_at=when + dt.timedelta(hours=2),
            duration_minutes=60,
            location="Visio",
            agenda="",
        ),
    )
    run_jobs()
    moved = _event(mail.outbox[-1].attachments[0][1])[1]
    assert moved["uid"] == first["uid"] and moved["sequence"] > first["sequence"]
    assert "modifiée" in mail.outbox[-1].subject
    actions.meeting_cancel(
        actor=cast.coordinator, meeting=meeting, expected_version=meeting.version
    )
    run_jobs()
    calendar, cancelled = _event(mail.outbox[-1].attachments[0][1])
    assert str(calendar["method"]) == "CANCEL" and str(cancelled["status"]) == "CANCELLED"
    assert cancelled["uid"] == first["uid"] and cancelled["sequence"] > moved["sequence"]
    assert TimelineEvent.objects.filter(pathway=pathway, kind="meeting_cancelled").exists()


def test_only_active_members_are_invited(cast, pathway):
    with pytest.raises(Exception, match="membres actifs"):
        actions.meeting_schedule(
            actor=cast.coordinator,
            pathway=pathway,
            data=inputs.MeetingIn(
                starts_at=timezone.now() + dt.timedelta(days=1), invitees=[cast.colleague.public_id]
            ),
        )
    assert pathway.meetings.count() == 0


def test_after_the_meeting_attendance_minutes_and_decisions_that_become_plan_actions(
    client, cast, pathway
):
    plan = actions.plan_ensure(pathway=pathway)
    objective = actions.objective_add(
        actor=cast.coordinator,
        plan=plan,
        data=inputs.ObjectiveIn(
            need="housing", text="Rester chez elle", version=current_version(plan)
        ),
    )
    meeting = actions.meeting_schedule(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.MeetingIn(
            starts_at=timezone.now() - dt.timedelta(hours=1), invitees=[cast.professional.public_id]
        ),
    )
    client.force_login(cast.coordinator)
    page = client.get(_url("meeting", pathway, meeting_id=meeting.public_id)).content.decode()
    assert "présences et compte rendu" in html.unescape(page)
    response = client.post(
        _url("meeting_minutes", pathway, meeting_id=meeting.public_id),
        {
            "minutes": "La fille de Mme accepte de passer le mardi.",
            f"attendance_{cast.coordinator.public_id}": "present",
            f"attendance_{cast.professional.public_id}": "excused",
            "version": meeting.version,
        },
    )
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.state == "held"
    assert meeting.attendees.get(user=cast.professional).attendance == "excused"
    plan.refresh_from_db()
    nurse = pathway.members.get(user=cast.professional)
    response = client.post(
        _url("meeting_decision", pathway, meeting_id=meeting.public_id),
        {
            "text": "Demander le portage des repas",
            "objective": str(objective.public_id),
            "owner": str(nurse.public_id),
            "due_on": (timezone.localdate() + dt.timedelta(days=40)).isoformat(),
            "plan_version": plan.version,
        },
    )
    assert response.status_code == 302
    action = PlanAction.objects.get(text="Demander le portage des repas")
    assert action.objective == objective and action.owner_member == nurse
    assert meeting.decisions.get().plan_action == action
    client.post(
        _url("meeting_decision", pathway, meeting_id=meeting.public_id),
        {"text": "Se revoir dans trois mois", "objective": ""},
    )
    assert meeting.decisions.count() == 2 and PlanAction.objects.count() == 1
    page = client.get(_url("plan", pathway)).content.decode()
    assert "Demander le portage des repas" in page


def test_a_decision_from_a_stale_plan_is_refused_and_the_input_kept(client, cast, pathway):
    plan = actions.plan_ensure(pathway=pathway)
    objective = actions.objective_add(
        actor=cast.coordinator,
        plan=plan,
        data=inputs.ObjectiveIn(need="housing", text="X", version=current_version(plan)),
    )
    meeting = actions.meeting_schedule(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.MeetingIn(starts_at=timezone.now() - dt.timedelta(hours=1)),
    )
    client.force_login(cast.coordinator)
    response = client.post(
        _url("meeting_decision", pathway, meeting_id=meeting.public_id),
        {
            "text": "Téléalarme",
            "objective": str(objective.public_id),
            "owner": "person",
            "plan_version": 0,
        },
    )
    assert response.status_code == 409
    assert 'value="Téléalarme"' in response.content.decode()
    assert meeting.decisions.count() == 0 and PlanAction.objects.count() == 0


def test_minutes_saved_from_an_old_version_conflict(client, cast, pathway):
    meeting = actions.meeting_schedule(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.MeetingIn(starts_at=timezone.now() - dt.timedelta(hours=1)),
    )
    actions.meeting_record(
        actor=cast.coordinator,
        meeting=meeting,
        data=inputs.MinutesIn(version=meeting.version, attendance={}, minutes="Première version"),
    )
    client.force_login(cast.professional)
    response = client.post(
        _url("meeting_minutes", pathway, meeting_id=meeting.public_id),
        {
            "minutes": "Ma version",
            f"attendance_{cast.coordinator.public_id}": "present",
            "version": meeting.version,
        },
    )
    assert response.status_code == 409 and "Ma version" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.minutes == "Première version"


def test_a_meeting_to_come_cannot_be_recorded_as_held(cast, pathway):
    meeting = actions.meeting_schedule(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.MeetingIn(starts_at=timezone.now() + dt.timedelta(days=1)),
    )
    with pytest.raises(Exception, match="pas encore commencé"):
        actions.meeting_record(
            actor=cast.coordinator,
            meeting=meeting,
            data=inputs.MinutesIn(version=meeting.version, attendance={}, minutes=""),
        )


def test_illegal_moves_of_meetings_and_pathways_are_refused(cast, pathway):
    from django.core.exceptions import ValidationError

    held = actions.meeting_schedule(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.MeetingIn(starts_at=timezone.now() - dt.timedelta(hours=1)),
    )
    held = actions.meeting_record(
        actor=cast.coordinator,
        meeting=held,
        data=inputs.MinutesIn(version=held.version, attendance={}, minutes=""),
    )
    with pytest.raises(ValidationError):  # a held meeting is not cancelled
        actions.meeting_cancel(actor=cast.coordinator, meeting=held, expected_version=held.version)
    with pytest.raises(ValidationError):  # nor moved
        actions.meeting_reschedule(
            actor=cast.coordinator,
            meeting=held,
            data=inputs.MeetingUpdateIn(
                version=held.version,
                starts_at=timezone.now(),
                duration_minutes=30,
                location="",
                agenda="",
            ),
        )
    cancelled = actions.meeting_schedule(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.MeetingIn(starts_at=timezone.now() - dt.timedelta(hours=2)),
    )
    cancelled = actions.meeting_cancel(
        actor=cast.coordinator, meeting=cancelled, expected_version=cancelled.version
    )
    for attempt in (
        lambda: actions.meeting_record(
            actor=cast.coordinator,
            meeting=cancelled,
            data=inputs.MinutesIn(version=cancelled.version, attendance={}, minutes=""),
        ),
        lambda: actions.meeting_decide(
            actor=cast.coordinator, meeting=cancelled, data=inputs.DecisionIn(text="X")
        ),
        lambda: actions.meeting_cancel(
            actor=cast.coordinator, meeting=cancelled, expected_version=cancelled.version
        ),
    ):
        with pytest.raises(ValidationError):
            attempt()
    with pytest.raises(ValidationError):  # an open pathway is not reopened
        actions.pathway_reopen(actor=cast.coordinator, pathway=pathway)
    actions.pathway_close(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.CloseIn(reason="moved", outcome="", objectives={}),
    )
    with pytest.raises(ValidationError):  # nor closed twice
        actions.pathway_close(
            actor=cast.coordinator,
            pathway=pathway,
            data=inputs.CloseIn(reason="moved", outcome="", objectives={}),
        )
    from django.core.exceptions import PermissionDenied

    pathway.refresh_from_db()
    with pytest.raises(PermissionDenied):  # a closed pathway's meetings are not scheduled
        actions.meeting_schedule(
            actor=cast.coordinator,
            pathway=pathway,
            data=inputs.MeetingIn(starts_at=timezone.now() + dt.timedelta(days=1)),
        )


def test_the_person_is_invited_through_her_space_and_the_others_do_not_get_her_address(
    client, cast, pathway
):
    from maillage.accounts import actions as accounts_actions
    from maillage.core.models import Notification

    portal = actions.portal_invite(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.PortalInviteIn(email="lucie@exemple.fr"),
    )
    lucie = accounts_actions.invitation_accept(
        invitation=portal.invitation,
        user=None,
        full_name="Lucie Moreau",
        password="un mot de passe bien long 2026",
    )
    actions.portal_link(lucie)  # she opened her space
    client.force_login(cast.coordinator)
    form = client.get(_url("meeting_new", pathway)).content.decode()
    assert "Lucie Moreau — la personne, par son espace" in html.unescape(form)
    mail.outbox = []
    actions.meeting_schedule(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.MeetingIn(
            starts_at=timezone.now() + dt.timedelta(days=3),
            invitees=[lucie.public_id, cast.professional.public_id],
        ),
    )
    told = Notification.objects.filter(user=lucie).latest("id")
    assert told.link == reverse("pathways:portal_pathway", kwargs={"public_id": pathway.public_id})
    run_jobs()
    to = {m.to[0]: m for m in mail.outbox if m.attachments}
    body = to["lucie@exemple.fr"].body
    assert reverse("pathways:portal_pathway", kwargs={"public_id": pathway.public_id}) in body
    assert "/reunions/" not in body  # not the professionals' meeting page
    _calendar, event = _event(to[cast.professional.email].attachments[0][1])
    attendees = event.get("attendee")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    assert "mailto:lucie@exemple.fr" not in {str(a) for a in attendees}
