"""Deferred jobs of the pathways, imported by the actions that defer them: the meeting
invitation with its iCalendar file. Its name stays the one it had in `pathways.tasks`."""

from django.contrib.auth import get_user_model
from django.core.mail import EmailMessage
from procrastinate.contrib.django import app

from maillage.core.deferred import EMAIL_RETRY, one_line
from maillage.pathways import emails, queries
from maillage.pathways.enums import MeetingState, MemberStatus
from maillage.pathways.ical import meeting_ics
from maillage.pathways.models import Meeting


@app.task(queue="emails", retry=EMAIL_RETRY, name="maillage.pathways.tasks.send_meeting_invitation")
def send_meeting_invitation(*, meeting_id: int, user_id: int) -> None:
    """The invitation (or the change, or the cancellation) with its iCalendar file, built
    when sent so that it carries the meeting as it is then."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    meeting = Meeting.objects.select_related("pathway", "organiser").filter(pk=meeting_id).first()
    if user is None or meeting is None:
        return
    spaces = queries.portal_users(meeting.pathway)
    portal = user.pk in spaces and not (
        meeting.pathway.members.filter(user=user, status=MemberStatus.ACTIVE).exists()
    )
    subject, body = emails.meeting_email(meeting, portal=portal)
    message = EmailMessage(one_line(subject), body, None, [user.email])
    # Calendars leave Maillage: the person's and her caregivers' addresses are not listed in
    # the file the others receive (each of them still gets her own invitation).
    attendees = [
        a.user for a in meeting.attendees.select_related("user") if a.user_id not in spaces
    ]
    method = "CANCEL" if meeting.state == MeetingState.CANCELLED else "REQUEST"
    message.attach(
        "reunion.ics",
        meeting_ics(meeting, attendees),
        f"text/calendar; charset=utf-8; method={method}",
    )
    message.send()
