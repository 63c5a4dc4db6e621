"""Who reads the directory. Published services are not personal data: every professional
role searches them; the people supported will reach them through their plan."""

from maillage.core.roles import Capability


def can_search_directory(user) -> bool:
    """Professionals, coordinators, organisation admins and peer workers search the directory."""
    return user.is_authenticated and user.has_capability(Capability.SEARCH_DIRECTORY)
