"""Who may read and keep a convention, in plain words."""

from maillage.core.roles import PORTAL_ROLES, Role


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
