"""Jobs of the pathways (procrastinate): reminders of overdue actions and revisions due,
retention of closed pathways, meeting invitations with their iCalendar file."""

from django.core.mail import EmailMessage
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from maillage.core.notify import one_line
from maillage.pathways import actions
from maillage.pathways.enums import MeetingState
from maillage.pathways.ical import meeting_ics
from maillage.pathways.models import Meeting


@app.periodic(cron="30 7 * * *", periodic_id="plan_reminders")
@app.task(queue="periodic", queueing_lock="plan_reminders")
def plan_reminders(timestamp: int) -> dict:
    """Each morning, remind owners of overdue actions and referents of revisions due."""
    return actions.remind_overdue()


@app.periodic(cron="45 7 * * 1", periodic_id="weekly_digest")
@app.task(queue="periodic", queueing_lock="weekly_digest")
def weekly_digest(timestamp: int) -> int:
    """Each Monday, one summary email for those who chose it instead of one per reminder."""
    return actions.send_weekly_digests()


@app.periodic(cron="15 3 * * *", periodic_id="pathway_retention")
@app.task(queue="periodic", queueing_lock="pathway_retention")
def pathway_retention(timestamp: int) -> dict:
    """Each night, archive the pathways closed long enough, then anonymise the oldest."""
    return actions.apply_retention()


@app.task(queue="emails", retry=RetryStrategy(max_attempts=8, exponential_wait=30))
def send_meeting_invitation(*, meeting_id: int, user_id: int) -> None:
    """The invitation (or the change, or the cancellation) with its iCalendar file, built
    when sent so that it carries the meeting as it is then."""
    from maillage.accounts.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    meeting = Meeting.objects.select_related("pathway", "organiser").filter(pk=meeting_id).first()
    if user is None or meeting is None:
        return
    subject, body = actions.meeting_email(meeting)
    message = EmailMessage(one_line(subject), body, None, [user.email])
    attendees = [a.user for a in meeting.attendees.select_related("user")]
    method = "CANCEL" if meeting.state == MeetingState.CANCELLED else "REQUEST"
    message.attach(
        "reunion.ics",
        meeting_ics(meeting, attendees),
        f"text/calendar; charset=utf-8; method={method}",
    )
    message.send()
