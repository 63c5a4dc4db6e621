"""Who sees the observatory: coordinators, platform admins, user representatives and
observers (funders). It shows figures per commune, never a person."""

from maillage.core.roles import Capability


def can_view_observatory(user) -> bool:
    return user.is_authenticated and user.has_capability(Capability.VIEW_OBSERVATORY)


def sees_exact_counts(user) -> bool:
    """Coordinators and platform admins, who follow people anyway, see exact counts; the
    other readers see them protected (observatory.presentation)."""
    return can_compute(user)


def can_compute(user) -> bool:
    """Launching a computation: coordinators and platform admins."""
    return user.is_authenticated and (
        user.has_capability(Capability.COORDINATE_PATHWAYS)
        or user.has_capability(Capability.ADMINISTER_PLATFORM)
    )
