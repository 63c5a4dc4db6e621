"""Who may read and keep a convention, in plain words."""

from maillage.core.roles import PORTAL_ROLES, Capability, Role

# Who an alert may reach: the professional roles, never the people supported nor their
# caregivers (an alert is news for those who act; the people hear it from them).
ALERT_AUDIENCE = tuple(r for r in Role if r not in PORTAL_ROLES)


def _memberships(user):
    return user.active_memberships() if user.is_authenticated else []


def is_platform_admin(user) -> bool:
    return user.is_authenticated and user.is_platform_admin


def can_manage_conventions_of(user, organisation) -> bool:
    """The admins of the organisation that keeps the conventions (and platform admins)."""
    return is_platform_admin(user) or any(
        m.organisation_id == organisation.pk and m.role == Role.ORGANISATION_ADMIN
        for m in _memberships(user)
    )


def managing_organisations(user) -> list:
    """The organisations whose conventions this user keeps."""
    return [m.organisation for m in _memberships(user) if m.role == Role.ORGANISATION_ADMIN]


def can_manage(user, convention) -> bool:
    return can_manage_conventions_of(user, convention.managed_by)


def party_organisation_ids(user) -> set[int]:
    """The organisations whose members read the conventions they are party to."""
    return {m.organisation_id for m in _memberships(user) if m.role not in PORTAL_ROLES}


def alerting_platforms(user) -> list:
    """The platforms from which this user may alert a territory: those she coordinates."""
    if not user.is_authenticated or not user.has_capability(Capability.COORDINATE_PATHWAYS):
        return []
    return [m.organisation for m in _memberships(user) if m.role == Role.COORDINATOR]


def can_alert(user) -> bool:
    return bool(alerting_platforms(user))


def keeps_alert(user, alert) -> bool:
    """The coordinators of the platform that issued it: its news, its end, its archive."""
    return any(
        m.organisation_id == alert.issued_by_organisation_id and m.role == Role.COORDINATOR
        for m in _memberships(user)
    )


def keeps_campaign(user, campaign) -> bool:
    """The coordinators of the platform that launched it: its close."""
    return any(p.pk == campaign.platform_id for p in alerting_platforms(user))
