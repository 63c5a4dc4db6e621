"""Platform-level predicates."""

from maillage.core.roles import Capability


def can_administer_platform(user) -> bool:
    """Platform admins configure the instance (name, territory of competence, 2FA policy)."""
    return user.is_authenticated and user.has_capability(Capability.ADMINISTER_PLATFORM)


def can_view_audit_log(user) -> bool:
    """Platform admins read the whole audit trail; others will see only their own records'."""
    return user.is_authenticated and user.has_capability(Capability.VIEW_AUDIT_LOG)
