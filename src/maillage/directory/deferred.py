"""Deferred jobs of the directory, imported by the actions that defer them: the e-mail that
carries a single-use link to a structure without account. Its name stays the one it had in
`directory.tasks`."""

from django.core.mail import send_mail
from procrastinate.contrib.django import app

from maillage.core.deferred import EMAIL_RETRY, one_line
from maillage.directory import emails
from maillage.directory.models import OrientationLink


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
