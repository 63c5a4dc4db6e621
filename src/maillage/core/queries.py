"""Reads of the core: a user's on-site notifications."""

from maillage.core.models import Notification


def notifications_of(user, limit: int = 100) -> list[Notification]:
    return list(Notification.objects.filter(user=user)[:limit])
