"""API schemas of the cooperation."""

from datetime import date, datetime
from decimal import Decimal
from uuid import UUID

from ninja import Schema


class ErrorOut(Schema):
    detail: str


class PartyOut(Schema):
    id: UUID
    name: str
    organisation: UUID | None
    structure: UUID | None
    siret: str
    finess: str
    share: Decimal | None
    contribution_kind: str
    financial_amount: Decimal | None
    in_kind: str
    joined_on: date | None
    left_on: date | None


class ObligationOut(Schema):
    id: UUID
    party: UUID
    description: str
    due_on: date | None
    state: str
    done_on: date | None
    late: bool


class DocumentOut(Schema):
    id: UUID
    kind: str
    name: str
    content_type: str
    size: int
    created_at: datetime


class ConventionOut(Schema):
    id: UUID
    kind: str
    title: str
    purpose: str
    managed_by: UUID
    amends: UUID | None
    seat: str
    legal_nature: str
    starts_on: date | None
    ends_on: date | None
    tacit_renewal: bool
    state: str
    signed_on: date | None
    declared_on: date | None
    declared_to: str
    published_on: date | None
    ended_on: date | None
    end_reason: str
    version: int
    parties: list[PartyOut]
    obligations: list[ObligationOut]
    documents: list[DocumentOut] = []


class ConventionSummaryOut(Schema):
    id: UUID
    kind: str
    title: str
    state: str
    managed_by: UUID
    ends_on: date | None
    parties: int
    open_obligations: int


class AlertUpdateOut(Schema):
    id: UUID
    body: str
    written_at: datetime


class AlertOut(Schema):
    id: UUID
    kind: str
    title: str
    body: str
    territory: UUID
    territory_name: str
    audience_roles: list[str]
    issued_by: UUID
    state: str
    created_at: datetime
    ended_at: datetime | None
    version: int
    recipients: int
    acknowledged: int
    read_at: datetime | None = None
    updates: list[AlertUpdateOut] = []


class CallOut(Schema):
    id: UUID
    pathway: UUID
    person: str
    commune: str
    phone: str
    state: str
    caller: str
    note: str
    version: int


class CampaignOut(Schema):
    id: UUID
    title: str
    territory: UUID
    alert: UUID | None
    due_on: date
    state: str
    criteria: dict
    version: int
    counts: dict[str, int]
    total: int
    calls: list[CallOut]
    more: bool
