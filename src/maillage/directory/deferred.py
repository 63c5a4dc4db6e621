"""Deferred jobs of the directory, imported by the actions that defer them: the e-mail that
carries a single-use link to a structure without account (its name stays the one it had in
`directory.tasks`), and a service's sheet sent to a person."""

from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone
from procrastinate.contrib.django import app

from maillage.core import sms
from maillage.core.deferred import EMAIL_RETRY, one_line
from maillage.directory import emails
from maillage.directory.models import OrientationLink, SheetSending


@app.task(queue="emails", retry=EMAIL_RETRY, name="maillage.directory.tasks.send_link_email")
def send_link_email(*, link_id: int, kind: str) -> None:
    """Email a structure its single-use link, written now from the link's id (the token is
    rebuilt from the secret key). A link that stopped meanwhile is not sent."""
    link = (
        OrientationLink.objects.select_related("orientation__service", "orientation__sender")
        .filter(pk=link_id)
        .first()
    )
    if link is None or not link.is_usable:
        return
    subject, body = emails.link_email(link, kind)
    send_mail(one_line(subject), body, None, [link.email])


@app.task(queue="emails", retry=EMAIL_RETRY, name="maillage.directory.deferred.send_sheet")
def send_sheet(*, sending_id: int) -> None:
    """Send a sheet (e-mail or SMS) to the address its row holds, then erase the address.
    Sent once: a row already sent is not sent again (a job retried after a crash between the
    send and the erasure re-sends at most that one message)."""
    with transaction.atomic():
        # Two runs of the job at once (a retry beside a slow first run): the second waits for
        # the row, then finds it sent.
        sending = (
            SheetSending.objects.select_for_update(of=("self",))
            .select_related("service__structure", "service__geo_commune")
            .filter(pk=sending_id, sent_at__isnull=True)
            .first()
        )
        if sending is None or not sending.recipient:
            return
        if sending.channel == SheetSending.SMS:
            sms.send(sending.recipient, emails.sheet_sms(sending.service))
        else:
            subject, body = emails.sheet_email(sending.service)
            send_mail(one_line(subject), body, None, [sending.recipient])
        SheetSending.objects.filter(pk=sending.pk).update(recipient="", sent_at=timezone.now())
