"""Who may do what with organisations and memberships. Plain predicates, plain words."""

from maillage.core.roles import Capability, Role


def can_manage_any_organisation(user) -> bool:
    """Platform admins create organisations and manage every member of every organisation."""
    return user.is_authenticated and user.has_capability(Capability.MANAGE_ANY_ORGANISATION)


def can_manage_members(user, organisation) -> bool:
    """An organisation admin manages the members of her own organisation only."""
    if not user.is_authenticated:
        return False
    if can_manage_any_organisation(user):
        return True
    return any(
        m.organisation_id == organisation.pk and m.role == Role.ORGANISATION_ADMIN
        for m in user.active_memberships()
    )


def can_grant_role(user, organisation, role: str) -> bool:
    """Granting a role needs member management rights; platform-wide roles need a platform
    admin (nobody makes herself an admin or a funder through her own organisation)."""
    if not can_manage_members(user, organisation):
        return False
    if role in {Role.PLATFORM_ADMIN, Role.OBSERVER, Role.COORDINATOR}:
        return can_manage_any_organisation(user)
    return True


def can_view_organisation(user, organisation) -> bool:
    """Members of an organisation and platform admins see its page and its members."""
    if not user.is_authenticated:
        return False
    return can_manage_any_organisation(user) or any(
        m.organisation_id == organisation.pk for m in user.active_memberships()
    )
