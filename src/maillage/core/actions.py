from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import access, audit
from maillage.core.models import Notification, PlatformSettings


def notifications_mark_read(*, user, notifications) -> None:
    """The notices shown to their user are read."""

    unread = [n.pk for n in notifications if n.read_at is None]
    if unread:
        Notification.objects.filter(pk__in=unread, user=user).update(read_at=timezone.now())


def reminder_preference_set(*, user, weekly_digest: bool, acting=None) -> None:
    """How the user wants her reminders by email: each time, or a weekly summary."""
    get_user_model().objects.filter(pk=user.pk).update(weekly_digest=weekly_digest)
    user.weekly_digest = weekly_digest
    audit.record("account.reminder_preference", actor=acting, details={"weekly": weekly_digest})


def platform_settings_update(*, actor, changes: dict, acting=None) -> PlatformSettings:
    """The instance's settings with `changes` (field name → value, as the page's form or any
    other caller cleaned them) applied, checked by the model's validators, and audited with
    the names of the fields that changed (never their values)."""
    if not access.can_administer_platform(actor):
        raise PermissionDenied
    with transaction.atomic():
        settings_row = PlatformSettings.objects.select_for_update().get(
            pk=PlatformSettings.current().pk
        )
        editable = {f.name for f in PlatformSettings._meta.concrete_fields if f.editable}
        unknown = set(changes) - editable
        if unknown:
            raise ValidationError(
                _("Réglage inconnu : %(names)s") % {"names": ", ".join(sorted(unknown))}
            )
        changed = sorted(k for k, v in changes.items() if getattr(settings_row, k) != v)
        for name, value in changes.items():
            setattr(settings_row, name, value)
        settings_row.full_clean()
        settings_row.save()
        audit.record(
            "platform.settings_update",
            actor=audit.actor_of(actor, acting),
            object_type="core.platformsettings",
            object_id=str(settings_row.pk),
            details={"changed": changed},
        )
    return settings_row
