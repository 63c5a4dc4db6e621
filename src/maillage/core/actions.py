from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction

from maillage.core import access, audit
from maillage.core.models import PlatformSettings


def notifications_mark_read(*, user, notifications) -> None:
    """The notices shown to their user are read."""
    from django.utils import timezone

    from maillage.core.models import Notification

    unread = [n.pk for n in notifications if n.read_at is None]
    if unread:
        Notification.objects.filter(pk__in=unread, user=user).update(read_at=timezone.now())


def reminder_preference_set(*, user, weekly_digest: bool, request=None) -> None:
    """How the user wants her reminders by email: each time, or a weekly summary."""
    get_user_model().objects.filter(pk=user.pk).update(weekly_digest=weekly_digest)
    user.weekly_digest = weekly_digest
    audit.record("account.reminder_preference", request=request, details={"weekly": weekly_digest})


def platform_settings_update(*, actor, form, request=None) -> PlatformSettings:
    if not access.can_administer_platform(actor):
        raise PermissionDenied
    with transaction.atomic():
        settings_row = form.save()
        audit.record(
            "platform.settings_update",
            request=request,
            object_type="core.platformsettings",
            object_id=str(settings_row.pk),
            details={"changed": sorted(form.changed_data)},
        )
    return settings_row
