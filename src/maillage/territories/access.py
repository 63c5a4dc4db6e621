"""Who may see and shape territories. Territories are not personal data: every member with
the capability reads them; defining them is for coordinators and platform admins."""

from maillage.core.roles import CAPABILITIES, Capability


def can_view_territories(user) -> bool:
    """Everyone with a professional or observer role reads territories and their figures."""
    return user.is_authenticated and user.has_capability(Capability.VIEW_TERRITORIES)


def can_define_territories(user) -> bool:
    """Coordinators and platform admins create territories."""
    return user.is_authenticated and user.has_capability(Capability.DEFINE_TERRITORIES)


def can_edit_territory(user, territory) -> bool:
    """A territory is edited by the platform admins, by its author while she can define
    territories, and by the members of its organisation whose role *in that organisation*
    lets them define territories (a coordinator elsewhere who is a plain professional here
    cannot)."""
    if not can_define_territories(user):
        return False
    if user.has_capability(Capability.ADMINISTER_PLATFORM):
        return True
    if territory.created_by_id == user.pk:
        return True
    return territory.organisation_id is not None and any(
        m.organisation_id == territory.organisation_id
        and Capability.DEFINE_TERRITORIES in CAPABILITIES[m.role]
        for m in user.active_memberships()
    )
