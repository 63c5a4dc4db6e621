"""Platform-level predicates."""

from django_otp import user_has_device

from maillage.core.models import PlatformSettings
from maillage.core.roles import Capability


def can_administer_platform(user) -> bool:
    """Platform admins configure the instance (name, territory of competence, 2FA policy)."""
    return user.is_authenticated and user.has_capability(Capability.ADMINISTER_PLATFORM)


def can_view_audit_log(user) -> bool:
    """Platform admins read the whole audit trail; others will see only their own records'."""
    return user.is_authenticated and user.has_capability(Capability.VIEW_AUDIT_LOG)


def second_factor_step(user) -> str | None:
    """What a logged-in user still owes before reaching anything: "verify" (she has an
    authenticator and has not entered a code in this session), "setup" (her roles require a
    second factor and she has none), or None. Pages and API ask this one question."""
    if user.is_verified():
        return None
    if user_has_device(user, confirmed=True):
        return "verify"
    professionals_must = PlatformSettings.current().require_2fa_for_professionals
    if user.second_factor_required(professionals_must=professionals_must):
        return "setup"
    return None
