"""Background jobs of the core (procrastinate): sending emails."""

from django.core.mail import send_mail
from procrastinate import RetryStrategy
from procrastinate.contrib.django import app

from maillage.core.notify import one_line


@app.task(queue="emails", retry=RetryStrategy(max_attempts=8, exponential_wait=30))
def send_email(*, to: str, subject: str, body: str) -> None:
    send_mail(one_line(subject), body, None, [to])


@app.task(queue="emails", retry=RetryStrategy(max_attempts=8, exponential_wait=30))
def send_user_email(*, user_id: int, subject: str, body: str) -> None:
    from maillage.accounts.models import User

    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is not None:
        send_mail(one_line(subject), body, None, [user.email])
