"""Telling people that something happened: an on-site notification and an email.

Emails go through a background job deferred in the caller's transaction (procrastinate
writes its job row with Django's connection): the notice is sent if and only if the change
it announces is committed, and a mail server that is down delays it instead of failing the
request. Messages name records and states, never health content.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings

from maillage.core import deferred
from maillage.core.models import Notification


def absolute_url(path: str) -> str:
    return settings.SITE_URL.rstrip("/") + path


def notify(
    *,
    users: Iterable,
    message: str,
    link: str = "",
    email_subject: str = "",
    email_body: str = "",
    reminder: bool = False,
) -> None:
    """On-site notice for each user, and the same news by email when a subject is given.
    A `reminder` is not emailed to those who chose the weekly summary instead."""
    users = [u for u in users if u is not None and u.is_active]
    Notification.objects.bulk_create(
        [Notification(user=u, message=message[:300], link=link) for u in users]
    )
    if email_subject:
        body = email_body or message
        if link:
            body += "\n\n" + absolute_url(link)
        for user in users:
            if reminder and user.weekly_digest:
                continue
            # The job names the user, not her address: nothing personal in the job table.
            deferred.send_user_email.defer(user_id=user.pk, subject=email_subject, body=body)


def send_email(*, to: str, subject: str, body: str) -> None:
    deferred.send_email.defer(to=to, subject=subject, body=body)


def unread_count(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()
