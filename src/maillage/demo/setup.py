"""The demo territory: the former Pays Yon et Vie (Vendée), its platform and a cast of accounts.

Idempotent: running it again leaves existing rows alone.
"""

from dataclasses import dataclass

from django.db import transaction

from maillage.accounts import actions as account_actions
from maillage.accounts.bootstrap import platform_organisation
from maillage.accounts.enums import OrganisationKind
from maillage.accounts.models import Organisation, User
from maillage.cooperation.demo import setup_demo_cooperation
from maillage.core.models import PlatformSettings
from maillage.core.roles import Role
from maillage.directory.demo import setup_demo_directory
from maillage.observatory.demo import setup_demo_observatory
from maillage.pathways.demo import setup_demo_pathways
from maillage.regulation.demo import setup_demo_regulation
from maillage.territories.enums import TerritoryKind
from maillage.territories.models import Commune, Territory

DEMO_PASSWORD = "demo-maillage-2026"  # noqa: S105 - printed for the demo, never for production
PLATFORM_NAME = "DAC Pays Yon et Vie"
COMPETENCE_EPCI = {
    "248500589": "CA La Roche-sur-Yon - Agglomération",
    "200072882": "CC de Vie et Boulogne",
}
# Rives de l'Yon (which absorbed Saint-Florent-des-Bois and Chaillé-sous-les-Ormeaux) and the
# communes its inhabitants live with day to day, across the EPCI boundary.
MICRO_TERRITORY = {
    "85213": "Rives de l'Yon",
    "85191": "La Roche-sur-Yon",
    "85160": "Nesmy",
    "85008": "Aubigny-Les Clouzeaux",
    "85285": "Le Tablier",
    "85291": "Thorigny",
    "85093": "Fougeré",
    "85061": "Château-Guibert",
    "85034": "Bournezeau",
}

ORGANISATIONS = [
    ("platform", PLATFORM_NAME, OrganisationKind.PLATFORM, "", ""),
    ("chd", "CHD Vendée — La Roche-sur-Yon", OrganisationKind.HOSPITAL, "850000019", ""),
    ("msp", "Maison de santé de Rives de l'Yon", OrganisationKind.MSP, "", ""),
    ("ccas", "CCAS de La Roche-sur-Yon", OrganisationKind.CCAS, "", ""),
    ("asso", "Association Entraide Yon et Vie", OrganisationKind.ASSOCIATION, "", ""),
    ("ars", "ARS Pays de la Loire — délégation Vendée", OrganisationKind.FUNDER, "", ""),
    ("siao", "SIAO de la Vendée", OrganisationKind.SIAO, "", ""),
    ("ehpad", "EHPAD Les Glycines", OrganisationKind.EHPAD, "", ""),
]

ORGANISATION_COMMUNES = {
    "chd": "85191",
    "msp": "85213",
    "ccas": "85191",
    "asso": "85191",
    "ars": "44109",  # Nantes: the ARS's seat, outside the territory
    "siao": "85191",
    "ehpad": "85191",
}


@dataclass(frozen=True)
class DemoAccount:
    email: str
    name: str
    organisation: str
    role: str


ACCOUNTS = [
    DemoAccount("admin@demo.maillage.fr", "Alice Administratrice", "platform", Role.PLATFORM_ADMIN),
    DemoAccount(
        "coordination@demo.maillage.fr", "Camille Coordinatrice", "platform", Role.COORDINATOR
    ),
    DemoAccount("medecin@demo.maillage.fr", "Dr Paul Généraliste", "msp", Role.PROFESSIONAL),
    DemoAccount(
        "responsable.msp@demo.maillage.fr", "Nadia Responsable", "msp", Role.ORGANISATION_ADMIN
    ),
    DemoAccount("infirmiere@demo.maillage.fr", "Inès Infirmière", "chd", Role.PROFESSIONAL),
    DemoAccount("social@demo.maillage.fr", "Sam Assistant social", "ccas", Role.PROFESSIONAL),
    DemoAccount("pair@demo.maillage.fr", "Pierre Pair-aidant", "asso", Role.PEER_WORKER),
    DemoAccount(
        "representant@demo.maillage.fr", "Rose Représentante", "asso", Role.USER_REPRESENTATIVE
    ),
    DemoAccount("ars@demo.maillage.fr", "Olivier Observateur", "ars", Role.OBSERVER),
    DemoAccount("siao@demo.maillage.fr", "Sabine Régulatrice", "siao", Role.REGULATOR),
    DemoAccount("ecoute115@demo.maillage.fr", "Yann Écoutant", "siao", Role.EMERGENCY_OPERATOR),
    DemoAccount(
        "hebergement@demo.maillage.fr", "Hugo Hébergement", "asso", Role.ORGANISATION_ADMIN
    ),
    DemoAccount(
        "medco@demo.maillage.fr", "Dr Hélène Coordonnatrice", "ehpad", Role.COORDINATING_PHYSICIAN
    ),
    DemoAccount("personne@demo.maillage.fr", "Marie Martin", "platform", Role.PERSON),
    DemoAccount("aidant@demo.maillage.fr", "Jean Martin", "platform", Role.CAREGIVER),
]


@transaction.atomic
def setup_demo() -> list[DemoAccount]:
    settings_row = PlatformSettings.current()
    if settings_row.name != PLATFORM_NAME:
        settings_row.name = PLATFORM_NAME
        settings_row.save(update_fields=["name"])
    competence, _ = Territory.objects.get_or_create(
        name="Pays Yon et Vie",
        kind=TerritoryKind.COMPETENCE,
        defaults={
            "description": "Ancien Pays Yon et Vie : " + " et ".join(COMPETENCE_EPCI.values())
        },
    )
    communes = Commune.objects.filter(epci_id__in=COMPETENCE_EPCI)
    if communes.count() != 28:
        raise RuntimeError("the territory pack must be loaded first (maillage territories load)")
    competence.communes.add(*communes)
    micro, _ = Territory.objects.get_or_create(
        name="Rives de l'Yon et alentours",
        kind=TerritoryKind.MICRO,
        defaults={
            "description": "Territoire vécu autour de Rives de l'Yon "
            "(Saint-Florent-des-Bois, Chaillé-sous-les-Ormeaux)."
        },
    )
    micro.communes.add(*Commune.objects.filter(code__in=MICRO_TERRITORY))
    if settings_row.competence_territory_id != competence.pk:
        settings_row.competence_territory = competence
        settings_row.save(update_fields=["competence_territory"])

    platform = platform_organisation()
    organisations = {"platform": platform}
    for key, name, kind, finess, siret in ORGANISATIONS[1:]:
        organisations[key], _ = Organisation.objects.get_or_create(
            name=name, defaults={"kind": kind, "finess": finess, "siret": siret}
        )
        # Where each is: a territorial alert reaches the organisations of its communes.
        if organisations[key].commune_id is None:
            organisations[key].commune_id = ORGANISATION_COMMUNES[key]
            organisations[key].save(update_fields=["commune"])
    if platform.name != PLATFORM_NAME:
        platform.name = PLATFORM_NAME
        platform.save(update_fields=["name"])
    micro.organisation = platform
    micro.save(update_fields=["organisation"])

    for account in ACCOUNTS:
        user = User.objects.filter(email=account.email).first()
        if user is None:
            user = User.objects.create_user(
                account.email, password=DEMO_PASSWORD, full_name=account.name
            )
        if not user.memberships.filter(role=account.role, is_active=True).exists():
            account_actions.membership_grant(
                actor=None,
                user=user,
                organisation=organisations[account.organisation],
                role=account.role,
            )

    setup_demo_directory(
        # The whole département: the accessibility page reads the Vendée, not the platform
        # alone (a département half without practices would be half « under the threshold »).
        generated_gp_communes=list(Commune.objects.filter(departement_id="85"))
    )

    setup_demo_pathways()

    setup_demo_regulation()

    setup_demo_cooperation(platform=platform, competence=competence)

    setup_demo_observatory()
    return ACCOUNTS
