"""Who may see and shape territories. Territories are not personal data: every member with
the capability reads them; defining them is for coordinators and platform admins."""

from maillage.core.roles import Capability


def can_view_territories(user) -> bool:
    """Everyone with a professional or observer role reads territories and their figures."""
    return user.is_authenticated and user.has_capability(Capability.VIEW_TERRITORIES)


def can_define_territories(user) -> bool:
    """Coordinators and platform admins create territories."""
    return user.is_authenticated and user.has_capability(Capability.DEFINE_TERRITORIES)


def can_edit_territory(user, territory) -> bool:
    """A territory is edited by the platform admins, by its author, and by the members of its
    organisation who can define territories."""
    if not can_define_territories(user):
        return False
    if user.has_capability(Capability.ADMINISTER_PLATFORM):
        return True
    if territory.created_by_id == user.pk:
        return True
    return territory.organisation_id is not None and any(
        m.organisation_id == territory.organisation_id for m in user.active_memberships()
    )
