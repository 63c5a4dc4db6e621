"""Periodic jobs of the directory (procrastinate): orientation reminders and expiries."""

from django.core.mail import send_mail
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from maillage.core.notify import one_line
from maillage.directory import actions


@app.periodic(cron="*/10 * * * *", periodic_id="orientations")
@app.task(queue="periodic", queueing_lock="orientations")
def orientation_deadlines(timestamp: int) -> dict:
    """Remind structures of orientations about to expire, then expire the overdue ones;
    remove the attachments of orientations accepted long ago whose outcome never came."""
    return {
        "reminded": actions.remind_orientations(),
        "expired": actions.expire_orientations(),
        "attachments_removed": actions.purge_accepted_attachments(),
    }


@app.periodic(cron="0 7 * * *", periodic_id="freshness")
@app.task(queue="periodic", queueing_lock="freshness")
def freshness_reminders(timestamp: int) -> dict:
    """Each morning, ask organisations to check the services they have not updated in time."""
    return {"reminded": actions.remind_stale_services()}


@app.periodic(cron="1 0 * * *", periodic_id="hours")
@app.task(queue="periodic", queueing_lock="hours")
def opening_hours_of_the_day(timestamp: int) -> dict:
    """Just after midnight, decode every opening-hours expression for the coming days."""
    from maillage.directory import search_index

    return {"renewed": search_index.renew_hours()}


@app.periodic(cron="30 3 * * *", periodic_id="duplicates")
@app.task(queue="periodic", queueing_lock="duplicates")
def duplicates_of_the_night(timestamp: int) -> dict:
    """Each night, compare the whole directory again for suspected duplicates (writes keep
    the pairs of what they touch; this catches what changed around them)."""
    from maillage.directory import duplicates

    return {"pairs": duplicates.refresh()}


@app.task(queue="emails", retry=RetryStrategy(max_attempts=8, exponential_wait=30))
def send_link_email(*, link_id: int, kind: str) -> None:
    """Email a structure its single-use link, written now from the link's id (the token is
    rebuilt from the secret key). A link that stopped meanwhile is not sent."""
    from maillage.directory.models import OrientationLink

    link = (
        OrientationLink.objects.select_related("orientation__service", "orientation__sender")
        .filter(pk=link_id)
        .first()
    )
    if link is None or not link.is_usable:
        return
    subject, body = actions.link_email(link, kind)
    send_mail(one_line(subject), body, None, [link.email])
