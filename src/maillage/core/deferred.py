"""Deferred jobs of the core (procrastinate), imported by the code that defers them: the
e-mails. Their names stay those they had in `core.tasks`, so that jobs queued before an
upgrade still find their task."""

from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

EMAIL_RETRY = RetryStrategy(max_attempts=8, exponential_wait=30)


def one_line(subject: str) -> str:
    """A subject on one line: a name holding a line break (imports allow them in text) would
    make the mail library refuse the message — the header could be split in two — and the
    job would fail on every retry."""
    return " ".join(str(subject).split())


@app.task(queue="emails", retry=EMAIL_RETRY, name="maillage.core.tasks.send_email")
def send_email(*, to: str, subject: str, body: str) -> None:
    send_mail(one_line(subject), body, None, [to])


@app.task(queue="emails", retry=EMAIL_RETRY, name="maillage.core.tasks.send_user_email")
def send_user_email(*, user_id: int, subject: str, body: str) -> None:
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        send_mail(one_line(subject), body, None, [user.email])
