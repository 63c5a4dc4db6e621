"""What the regulation API answers (its inputs are in inputs.py)."""

from datetime import date, datetime
from uuid import UUID

from ninja import Schema


class ErrorOut(Schema):
    detail: str


class MemberOut(Schema):
    role: str
    role_label: str
    first_name: str
    last_name: str
    birth_date: date | None
    age: int | None
    sex: str


class MoveOut(Schema):
    state: str
    label: str


class EventOut(Schema):
    at: datetime
    from_state: str
    to_state: str
    label: str
    note: str


class PlaceRequestOut(Schema):
    id: UUID
    state: str
    state_label: str
    mode: str
    emergency: bool
    regulator: str
    regulator_id: UUID | None
    pathway: UUID | None
    commune: str
    members: list[MemberOut]
    household_size: int
    children: int
    urgency: int
    urgency_label: str
    dalo: bool
    first_requested_on: date
    waiting_days: int
    vulnerabilities: list[str]
    recommended_kinds: list[str]
    recommendation: str
    preferred_kinds: list[str]
    preferred_communes: list[str]
    wishes: str
    tonight_location: str
    pets: bool
    reduced_mobility: bool
    support_needed: bool
    gir: int | None
    resources: list[dict]
    rights: str
    health: str
    housing_history: str
    support_needs: str
    consent: bool
    signed: bool
    update_due_on: date | None
    person_refusals: int
    version: int
    moves: list[MoveOut]
    events: list[EventOut]


class ProposalOut(Schema):
    id: UUID
    request: UUID
    state: str
    state_label: str
    engine: str
    programme: str
    kind: str
    structure: str
    commune: str
    unit: str
    persons: int
    available_from: date
    weight: int
    explanation: dict
    decision: str
    expires_on: date | None
    version: int
    moves: list[str]


class VacancyOut(Schema):
    id: UUID
    unit: UUID
    label: str
    programme: str
    structure: str
    commune: str
    persons: int
    accessible: bool
    available_from: date
    tonight: bool
    state: str
    answer_due_on: date


class UnitOut(Schema):
    id: UUID
    label: str
    unit_type: str
    rooms: int
    persons: int
    accessible: bool
    vacancy: UUID | None
    vacancy_state: str
    requirements: list[dict]


class ProgrammeOut(Schema):
    id: UUID
    name: str
    kind: str
    kind_label: str
    mode: str
    structure: UUID
    structure_name: str
    regulator: UUID | None
    commune: str
    support_included: bool
    answer_within_days: int
    units: list[UnitOut]
    requirements: list[dict]


class TierOut(Schema):
    tier: str
    points: int
    cap: int


class PolicyOut(Schema):
    id: UUID
    number: int
    name: str
    state: str
    notes: str
    published_at: datetime | None
    tiers: list[TierOut]
    refusal_penalty_days: int
    base: int
    preferred_commune: int
    empty_bed: int


class RunOut(Schema):
    id: UUID
    created_at: datetime
    policy: UUID
    chosen: str
    figures: dict


class RankedLineOut(Schema):
    tier: str
    points: int
    text: str


class RankedRowOut(Schema):
    rank: int
    request: UUID
    score: int
    waiting_days: int
    breakdown: list[RankedLineOut]


class RankingOut(Schema):
    total: int
    page: int
    rows: list[RankedRowOut]


class SessionOut(Schema):
    id: UUID
    held_on: date
    state: str
    minutes: str
    version: int
    members: list[UUID]
    agenda: list[ProposalOut]


class ApplicationOut(Schema):
    id: UUID
    request: UUID
    programme: UUID
    programme_name: str
    structure: str
    state: str
    answered_at: datetime | None
    version: int


class NightOut(Schema):
    request: UUID
    night: date
    outcome: str
    reason: str


class WhyNotOut(Schema):
    rules: list[dict]
    preferences: list[dict]
    reasons: list[str]
    ahead: int | None
    breakdown: list[RankedLineOut]


class SimulationOut(Schema):
    before: dict
    after: dict
    gains: list[str]
    losses: list[str]
    moves: list[dict]
