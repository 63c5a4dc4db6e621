"""The cooperation's demo: the GCSMS of the Pays Yon et Vie (its members, their shares and
duties, signed and declared to the ARS), and a heat-wave alert on the territory with its
check-call campaign running. Idempotent (keyed on titles)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from maillage.accounts.models import Organisation, User
from maillage.cooperation import actions
from maillage.cooperation.inputs import (
    AlertIn,
    CampaignIn,
    ConventionIn,
    ConventionMoveIn,
    ObligationIn,
    PartyIn,
)
from maillage.cooperation.models import Convention, TerritorialAlert
from maillage.territories.models import Territory

GCSMS_TITLE = "GCSMS Coordination Yon et Vie"
ALERT_TITLE = "Canicule : vigilance orange sur la Vendée"
CAMPAIGN_TITLE = "Canicule : appels aux personnes de 75 ans et plus ou vivant seules"


def setup_demo_cooperation(*, platform, competence: Territory) -> None:
    keeper = User.objects.filter(email="responsable.msp@demo.maillage.fr").first()
    coordinator = User.objects.filter(email="coordination@demo.maillage.fr").first()
    if keeper is None or coordinator is None:
        return
    if not Convention.objects.filter(title=GCSMS_TITLE).exists():
        _gcsms(keeper)
    if not TerritorialAlert.objects.filter(title=ALERT_TITLE).exists():
        _heat_wave(coordinator, competence)


def _gcsms(keeper) -> None:
    today = timezone.localdate()
    members = {
        name: Organisation.objects.get(name=name)
        for name in (
            "Maison de santé de Rives de l'Yon",
            "CCAS de La Roche-sur-Yon",
            "Association Entraide Yon et Vie",
            "EHPAD Les Glycines",
        )
    }
    msp = members["Maison de santé de Rives de l'Yon"]
    convention = actions.convention_create(
        actor=keeper,
        data=ConventionIn(
            kind="gcsms",
            title=GCSMS_TITLE,
            purpose=(
                "Coordonner les parcours des personnes âgées et des personnes en situation "
                "complexe du Pays Yon et Vie : une équipe de coordination commune, un système "
                "d'information partagé, des réunions de concertation ouvertes à tous les "
                "membres."
            ),
            managed_by=msp.public_id,
            seat="La Roche-sur-Yon",
            legal_nature="private",
            starts_on=today - dt.timedelta(days=400),
            ends_on=today + dt.timedelta(days=5 * 365),
            staff_arrangements=(
                "Une coordinatrice mise à disposition par le CCAS à mi-temps ; une infirmière "
                "de la maison de santé, un jour par semaine."
            ),
            joining_rules="Adhésion votée par l'assemblée générale à la majorité des deux tiers.",
            leaving_rules="Retrait en fin d'exercice, avec un préavis de six mois.",
            dissolution_rules="Dissolution de droit au terme, ou par l'assemblée générale.",
        ),
    )
    shares = {
        "Maison de santé de Rives de l'Yon": ("35", "financial", "12000"),
        "CCAS de La Roche-sur-Yon": ("35", "both", "8000"),
        "Association Entraide Yon et Vie": ("15", "in_kind", None),
        "EHPAD Les Glycines": ("15", "financial", "5000"),
    }
    parties = {}
    for name, (share, kind, amount) in shares.items():
        parties[name] = actions.party_add(
            actor=keeper,
            convention=convention,
            data=PartyIn(
                organisation=members[name].public_id,
                share=Decimal(share),
                contribution_kind=kind,
                financial_amount=Decimal(amount) if amount else None,
                in_kind="Locaux de la permanence et bénévoles de l'accueil"
                if kind != "financial"
                else "",
                joined_on=today - dt.timedelta(days=400),
            ),
        )
    for name, duty, days in (
        ("CCAS de La Roche-sur-Yon", "Mettre à disposition la coordinatrice (0,5 ETP)", 30),
        ("Maison de santé de Rives de l'Yon", "Verser la contribution de l'exercice", 60),
        ("EHPAD Les Glycines", "Verser la contribution de l'exercice", 60),
        ("Association Entraide Yon et Vie", "Tenir la permanence d'accueil du mardi", 15),
    ):
        actions.obligation_add(
            actor=keeper,
            convention=convention,
            data=ObligationIn(
                party=parties[name].public_id,
                description=duty,
                due_on=today + dt.timedelta(days=days),
            ),
        )
    for state, days, extra in (
        ("signed", 380, {}),
        ("declared", 360, {"declared_to": "ars"}),
    ):
        convention.refresh_from_db()
        actions.convention_move(
            actor=keeper,
            convention=convention,
            data=ConventionMoveIn(
                to_state=state,
                on=today - dt.timedelta(days=days),
                version=convention.version,
                **extra,
            ),
        )


def _heat_wave(coordinator, competence) -> None:
    alert = actions.alert_issue(
        actor=coordinator,
        data=AlertIn(
            kind="heat_wave",
            title=ALERT_TITLE,
            body=(
                "Météo-France place la Vendée en vigilance orange canicule pour trois jours. "
                "Pensez aux personnes isolées et fragiles que vous accompagnez : hydratation, "
                "pièces fraîches, visites. Un signe d'alerte (confusion, fièvre, malaise) : "
                "le 15. La coordination appelle les personnes suivies les plus exposées."
            ),
            territory=competence.public_id,
            audience_roles=["professional", "organisation_admin", "peer_worker", "coordinator"],
        ),
    )
    actions.campaign_create(
        actor=coordinator,
        data=CampaignIn(
            title=CAMPAIGN_TITLE,
            territory=competence.public_id,
            alert=alert.public_id,
            due_on=timezone.localdate() + dt.timedelta(days=2),
            min_age=75,
            lives_alone=True,
        ),
    )
