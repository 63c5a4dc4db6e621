"""Who may do what with organisations and memberships. Plain predicates, plain words."""

from maillage.core.access import second_factor_step  # noqa: F401 (asked of accounts too)
from maillage.core.roles import PORTAL_ROLES, Capability, Role

# Roles an organisation admin may give within her own organisation. Every other role
# (platform-wide ones, funders, user representatives, the people supported and their
# caregivers) is granted by a platform admin or by the module that owns it.
GRANTABLE_BY_ORGANISATION_ADMIN = frozenset(
    {Role.PROFESSIONAL, Role.ORGANISATION_ADMIN, Role.PEER_WORKER}
)


def can_manage_any_organisation(user) -> bool:
    """Platform admins create organisations and manage every member of every organisation."""
    return user.is_authenticated and user.has_capability(Capability.MANAGE_ANY_ORGANISATION)


def is_organisation_admin(user, organisation) -> bool:
    return any(
        m.organisation_id == organisation.pk and m.role == Role.ORGANISATION_ADMIN
        for m in user.active_memberships()
    )


def can_manage_members(user, organisation) -> bool:
    """An organisation admin manages the members of her own organisation only."""
    if not user.is_authenticated:
        return False
    return can_manage_any_organisation(user) or is_organisation_admin(user, organisation)


def can_grant_role(user, organisation, role: str) -> bool:
    """Platform admins grant any role; an organisation admin grants, in her own organisation,
    only the roles listed in GRANTABLE_BY_ORGANISATION_ADMIN; a coordinator opens, in her
    platform, the person's space to the person and to the caregivers she authorised."""
    if can_manage_any_organisation(user):
        return True
    if role in PORTAL_ROLES and any(
        m.organisation_id == organisation.pk and m.role == Role.COORDINATOR
        for m in user.active_memberships()
    ):
        return True
    return role in GRANTABLE_BY_ORGANISATION_ADMIN and is_organisation_admin(user, organisation)


def can_invite_circle_professional(user, organisation) -> bool:
    """A coordinator of a platform invites, into her platform, a professional who has no
    account yet, to join a care circle she manages (pathways.actions.circle_invite): the
    professional role only, as she opens the person's space to the person."""
    return any(
        m.organisation_id == organisation.pk and m.role == Role.COORDINATOR
        for m in user.active_memberships()
    )


def can_view_organisation(user, organisation) -> bool:
    """Professional members of an organisation and platform admins see its page. A person
    supported or a caregiver never sees the member lists: her link to the platform is her
    own record, not the organisation's staff."""
    if not user.is_authenticated:
        return False
    return can_manage_any_organisation(user) or any(
        m.organisation_id == organisation.pk and m.role not in PORTAL_ROLES
        for m in user.active_memberships()
    )


def can_see_member_contacts(user, organisation) -> bool:
    """Email addresses of members are shown to those who manage the members."""
    return can_manage_members(user, organisation)


def can_use_api_tokens(user) -> bool:
    """People who work with the platform (any role but the portal's) may create API tokens;
    the person and her caregivers use the portal only."""
    return user.is_authenticated and any(role not in PORTAL_ROLES for role in user.roles)
