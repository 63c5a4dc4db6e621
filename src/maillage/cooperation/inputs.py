"""The typed input of each operation on conventions: filled by the pages' forms and by the API
body alike, taken by the actions as `data`."""

from datetime import date
from decimal import Decimal
from typing import Literal
from uuid import UUID

from ninja import Field, Schema

from maillage.cooperation.enums import (
    AlertKind,
    AlertState,
    Authority,
    CallState,
    ContributionKind,
    ConventionKind,
    ConventionState,
    LegalNature,
    ObligationState,
)


class ConventionIn(Schema):
    kind: ConventionKind
    title: str = Field(min_length=1, max_length=200)
    purpose: str = Field(min_length=1, max_length=10_000)
    managed_by: UUID = Field(description="l'organisation qui tient la convention")
    amends: UUID | None = Field(default=None, description="la convention qu'un avenant modifie")
    seat: str = Field(default="", max_length=255)
    legal_nature: LegalNature | Literal[""] = ""
    starts_on: date | None = None
    ends_on: date | None = None
    tacit_renewal: bool = False
    staff_arrangements: str = Field(default="", max_length=10_000)
    joining_rules: str = Field(default="", max_length=10_000)
    leaving_rules: str = Field(default="", max_length=10_000)
    dissolution_rules: str = Field(default="", max_length=10_000)


class ConventionUpdateIn(ConventionIn):
    version: int = Field(description="la version lue : refusé si quelqu'un l'a changée depuis")


class ConventionMoveIn(Schema):
    to_state: ConventionState
    on: date = Field(description="la date de la signature, de la déclaration, de la fin…")
    declared_to: Authority | Literal[""] = ""
    end_reason: str = Field(default="", max_length=2000)
    ends_on: date | None = Field(
        default=None, description="la nouvelle échéance, au renouvellement"
    )
    version: int


class PartyIn(Schema):
    organisation: UUID | None = Field(default=None, description="une organisation de la plateforme")
    structure: UUID | None = Field(default=None, description="ou une structure de l'annuaire")
    share: Decimal | None = Field(default=None, ge=0, le=100, decimal_places=2)
    contribution_kind: ContributionKind = ContributionKind.NONE
    financial_amount: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    in_kind: str = Field(default="", max_length=4000)
    joined_on: date | None = None


class PartyLeaveIn(Schema):
    left_on: date


class ObligationIn(Schema):
    party: UUID
    description: str = Field(min_length=1, max_length=500)
    due_on: date | None = None


class ObligationMoveIn(Schema):
    state: ObligationState
    done_on: date | None = None


class AlertIn(Schema):
    kind: AlertKind
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=5000)
    territory: UUID = Field(description="le territoire alerté (ses communes)")
    audience_roles: list[str] = Field(
        min_length=1,
        max_length=12,
        description="les rôles alertés, parmi les rôles professionnels (coordinator, "
        "professional, organisation_admin…)",
    )


class AlertUpdateIn(Schema):
    body: str = Field(min_length=1, max_length=5000)


class AlertMoveIn(Schema):
    to_state: Literal[AlertState.ENDED, AlertState.ARCHIVED]
    version: int = Field(ge=1)


class CampaignIn(Schema):
    title: str = Field(min_length=1, max_length=200)
    territory: UUID = Field(description="le territoire : les personnes suivies qui y habitent")
    alert: UUID | None = Field(default=None, description="l'alerte dont la campagne découle")
    due_on: date = Field(description="les appels à passer au plus tard ce jour")
    match: Literal["any", "all"] = Field(
        default="any", description="« any » : un critère suffit ; « all » : tous les critères"
    )
    lives_alone: bool = False
    gir_max: int | None = Field(default=None, ge=1, le=4, description="GIR 1 à gir_max")
    min_age: int | None = Field(default=None, ge=0, le=120)
    fragility: bool = Field(default=False, description="fragilité déclarée pour les crises")


class CallMoveIn(Schema):
    to_state: CallState
    version: int = Field(ge=1)
    note: str = Field(default="", max_length=500)


class CampaignCloseIn(Schema):
    version: int = Field(ge=1, description="la version lue : une autre modification → 409")
