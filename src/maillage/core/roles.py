"""Roles and the capabilities they grant: the one declared table every access check reads.

A person holds roles through memberships in organisations (accounts.Membership). Access
predicates (each app's access.py) ask `has_capability(user, Capability.X)` or look at the
specific record; they never test role names directly.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    PLATFORM_ADMIN = "platform_admin", _("Administrateur·rice de la plateforme")
    COORDINATOR = "coordinator", _("Coordinateur·rice de parcours")
    PROFESSIONAL = "professional", _("Professionnel·le")
    ORGANISATION_ADMIN = "organisation_admin", _("Responsable de structure")
    PEER_WORKER = "peer_worker", _("Pair-aidant·e")
    REGULATOR = "regulator", _("Chargé·e de régulation (SIAO)")
    EMERGENCY_OPERATOR = "emergency_operator", _("Écoutant·e du 115")
    COORDINATING_PHYSICIAN = "coordinating_physician", _("Médecin coordonnateur·rice")
    USER_REPRESENTATIVE = "user_representative", _("Représentant·e des usagers")
    OBSERVER = "observer", _("Observateur·rice (financeur)")
    PERSON = "person", _("Personne accompagnée")
    CAREGIVER = "caregiver", _("Aidant·e")


class Capability(models.TextChoices):
    ADMINISTER_PLATFORM = "administer_platform", _("Configurer la plateforme")
    MANAGE_ANY_ORGANISATION = "manage_any_organisation", _("Gérer toutes les structures")
    MANAGE_OWN_ORGANISATION = "manage_own_organisation", _("Gérer les membres de sa structure")
    DEFINE_TERRITORIES = "define_territories", _("Définir des territoires")
    VIEW_TERRITORIES = "view_territories", _("Consulter les territoires")
    SEARCH_DIRECTORY = "search_directory", _("Chercher dans l'annuaire")
    EDIT_OWN_DIRECTORY_ENTRIES = (
        "edit_own_directory_entries",
        _("Mettre à jour les fiches de sa structure dans l'annuaire"),
    )
    MODERATE_DIRECTORY = "moderate_directory", _("Valider les fiches de l'annuaire")
    ORIENT_PEOPLE = "orient_people", _("Orienter une personne")
    REQUEST_SUPPORT = "request_support", _("Demander un appui")
    COORDINATE_PATHWAYS = "coordinate_pathways", _("Coordonner des parcours")
    VIEW_OBSERVATORY = "view_observatory", _("Consulter l'observatoire")
    VIEW_AUDIT_LOG = "view_audit_log", _("Consulter le journal d'audit")
    USE_PORTAL = "use_portal", _("Utiliser l'espace personnel")
    REQUEST_PLACES = "request_places", _("Demander une place d'hébergement ou d'établissement")
    REGULATE_PLACES = "regulate_places", _("Réguler les places (SIAO)")
    TAKE_EMERGENCY_CALLS = "take_emergency_calls", _("Prendre les appels du 115")
    ANSWER_PLACE_PROPOSALS = (
        "answer_place_proposals",
        _("Répondre aux propositions et candidatures reçues par sa structure"),
    )
    READ_MEDICAL_PARTS = "read_medical_parts", _("Lire le volet médical des dossiers reçus")
    WRITE_MEDICAL_PARTS = "write_medical_parts", _("Remplir le volet médical d'un dossier")


C = Capability

CAPABILITIES: dict[str, frozenset[str]] = {
    Role.PLATFORM_ADMIN: frozenset(
        {
            C.ADMINISTER_PLATFORM,
            C.MANAGE_ANY_ORGANISATION,
            C.MANAGE_OWN_ORGANISATION,
            C.DEFINE_TERRITORIES,
            C.VIEW_TERRITORIES,
            C.SEARCH_DIRECTORY,
            C.MODERATE_DIRECTORY,
            C.VIEW_OBSERVATORY,
            C.VIEW_AUDIT_LOG,
        }
    ),
    Role.COORDINATOR: frozenset(
        {
            C.DEFINE_TERRITORIES,
            C.VIEW_TERRITORIES,
            C.SEARCH_DIRECTORY,
            C.MODERATE_DIRECTORY,
            C.ORIENT_PEOPLE,
            C.REQUEST_SUPPORT,
            C.COORDINATE_PATHWAYS,
            C.VIEW_OBSERVATORY,
            C.REQUEST_PLACES,
        }
    ),
    Role.PROFESSIONAL: frozenset(
        {
            C.VIEW_TERRITORIES,
            C.SEARCH_DIRECTORY,
            C.ORIENT_PEOPLE,
            C.REQUEST_SUPPORT,
            C.REQUEST_PLACES,
            C.ANSWER_PLACE_PROPOSALS,
        }
    ),
    Role.ORGANISATION_ADMIN: frozenset(
        {
            C.MANAGE_OWN_ORGANISATION,
            C.EDIT_OWN_DIRECTORY_ENTRIES,
            C.VIEW_TERRITORIES,
            C.SEARCH_DIRECTORY,
            C.ANSWER_PLACE_PROPOSALS,
        }
    ),
    Role.REGULATOR: frozenset(
        {
            C.VIEW_TERRITORIES,
            C.SEARCH_DIRECTORY,
            C.REQUEST_PLACES,
            C.REGULATE_PLACES,
            C.TAKE_EMERGENCY_CALLS,
            C.VIEW_OBSERVATORY,
        }
    ),
    Role.EMERGENCY_OPERATOR: frozenset(
        {C.VIEW_TERRITORIES, C.SEARCH_DIRECTORY, C.TAKE_EMERGENCY_CALLS}
    ),
    Role.COORDINATING_PHYSICIAN: frozenset(
        {
            C.VIEW_TERRITORIES,
            C.SEARCH_DIRECTORY,
            C.ANSWER_PLACE_PROPOSALS,
            C.READ_MEDICAL_PARTS,
            C.WRITE_MEDICAL_PARTS,
        }
    ),
    Role.PEER_WORKER: frozenset({C.VIEW_TERRITORIES, C.SEARCH_DIRECTORY, C.REQUEST_SUPPORT}),
    Role.USER_REPRESENTATIVE: frozenset({C.VIEW_TERRITORIES, C.VIEW_OBSERVATORY}),
    Role.OBSERVER: frozenset({C.VIEW_TERRITORIES, C.VIEW_OBSERVATORY}),
    Role.PERSON: frozenset({C.USE_PORTAL}),
    Role.CAREGIVER: frozenset({C.USE_PORTAL}),
}

# Roles whose holders handle other people's records: the platform can require them to use
# a second factor (PlatformSettings.require_2fa_for_professionals).
PROFESSIONAL_ROLES = frozenset(
    {
        Role.PLATFORM_ADMIN,
        Role.COORDINATOR,
        Role.PROFESSIONAL,
        Role.ORGANISATION_ADMIN,
        Role.PEER_WORKER,
        Role.REGULATOR,
        Role.EMERGENCY_OPERATOR,
        Role.COORDINATING_PHYSICIAN,
    }
)
PORTAL_ROLES = frozenset({Role.PERSON, Role.CAREGIVER})
# Always a second factor: the person and her caregivers reach their own record, and platform
# admins read the whole audit trail and hand out every role.
ALWAYS_SECOND_FACTOR_ROLES = PORTAL_ROLES | {Role.PLATFORM_ADMIN}


def capabilities_of(roles) -> frozenset[str]:
    granted: set[str] = set()
    for role in roles:
        granted |= CAPABILITIES[role]
    return frozenset(granted)


def roles_with(capability) -> frozenset[str]:
    """The roles that grant this capability (CAPABILITIES read the other way)."""
    return frozenset(role for role, granted in CAPABILITIES.items() if capability in granted)


def organisations_with(user, capability) -> list[int]:
    """The organisations in which this user holds a role granting this capability: what
    code asks instead of naming a role."""
    return organisations_where(user, roles_with(capability))


def organisations_where(user, roles) -> list[int]:
    """The organisations in which this user holds one of these roles (active memberships):
    the one place where a set of roles, never a role name, picks memberships."""
    return [m.organisation_id for m in user.active_memberships() if m.role in roles]
