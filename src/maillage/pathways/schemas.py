"""The API's shapes for support requests, pathways, circles and plans."""

from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema
from pydantic import AwareDatetime

from maillage.pathways.enums import (
    ConsentMode,
    InformationItem,
    Need,
    Recipient,
    RequesterKind,
    Sex,
    TriageOutcome,
    Urgency,
)


class SupportRequestIn(Schema):
    platform: UUID
    requester_kind: RequesterKind = RequesterKind.PROFESSIONAL
    person_first_name: str = Field(min_length=1, max_length=100)
    person_last_name: str = Field(min_length=1, max_length=100)
    person_birth_date: date | None = None
    person_sex: Sex = Sex.OTHER
    person_commune: str | None = Field(default=None, description="code INSEE")
    person_phone: str = Field(default="", max_length=30)
    gp_name: str = Field(default="", max_length=200)
    reason: str = Field(min_length=1, max_length=4000)
    needs: list[Need] = []
    urgency: Urgency
    tried: str = Field(default="", max_length=4000)
    gp_informed: bool = False
    gp_agrees: bool = False
    consent_mode: ConsentMode
    information_items: list[InformationItem] = []
    recipients: list[Recipient] = []


class SupportRequestOut(Schema):
    id: UUID
    state: str
    state_label: str
    urgency: str
    received_at: datetime
    person_first_name: str
    person_last_name: str
    person_birth_date: date | None
    reason: str
    needs: list[str]
    requester: str
    consent_mode: str
    information_items: list[str]
    recipients: list[str]
    screening_score: int | None
    triage_outcome: str
    pathway_id: UUID | None
    version: int


class SupportRequestList(Schema):
    queue: list[SupportRequestOut]
    mine: list[SupportRequestOut]


class TriageIn(Schema):
    answers: list[str] = []
    outcome: TriageOutcome
    referent: UUID | None = Field(
        default=None, description="un·e coordinateur·rice ; vous par défaut"
    )
    comment: str = Field(default="", max_length=4000)
    version: int = Field(description="la version lue : une autre modification entre-temps → 409")


class CircleMemberIn(Schema):
    email: str
    role: str
    person_informed: bool


class CircleMemberOut(Schema):
    id: UUID
    name: str
    role: str
    status: str


class PlanActionOut(Schema):
    id: UUID
    text: str
    owner: str
    due_on: date | None
    status: str


class ObjectiveOut(Schema):
    id: UUID
    need: str
    text: str
    criteria: str
    no_resource: bool
    status: str
    actions: list[PlanActionOut]


class PlanOut(Schema):
    version: int
    problems: str
    person_project: str
    alert_procedure: str
    revision_on: date | None
    objectives: list[ObjectiveOut]


class PlanIn(Schema):
    version: int = Field(description="la version lue : une autre modification entre-temps → 409")
    problems: str = Field(default="", max_length=6000)
    person_project: str = Field(default="", max_length=6000)
    alert_procedure: str = Field(default="", max_length=4000)
    revision_on: date | None = None


class ObjectiveIn(Schema):
    version: int
    need: str
    text: str = Field(min_length=1, max_length=300)
    criteria: str = Field(default="", max_length=300)
    no_resource: bool = False


class PlanActionIn(Schema):
    version: int
    objective: UUID
    text: str = Field(min_length=1, max_length=300)
    owner: str = Field(description="« person », ou l'id d'un membre actif du cercle")
    due_on: date | None = None


class ErrorOut(Schema):
    detail: str


class PathwaySummaryOut(Schema):
    id: UUID
    state: str
    person_first_name: str
    person_last_name: str
    referent: str
    opened_at: datetime
    closed_at: datetime | None
    overdue_actions: int
    revision_due: bool
    new_messages: int
    in_hospital: bool


class PathwayOut(Schema):
    id: UUID
    state: str
    person_first_name: str
    person_last_name: str
    referent: str
    opened_at: datetime
    closed_at: datetime | None
    closure_reason: str
    closure_outcome: str
    satisfaction: str
    circle: list[CircleMemberOut]


class MessageIn(Schema):
    body: str = Field(min_length=1, max_length=4000)


class MessageOut(Schema):
    id: UUID
    author: str
    created_at: datetime
    body: str
    attachments: list[str] = Field(description="noms des documents joints (depuis la page)")


class StayIn(Schema):
    facility: str = Field(min_length=1, max_length=200)
    admitted_on: date
    expected_discharge_on: date | None = None


class DischargeIn(Schema):
    discharged_on: date
    destination: str = Field(default="", max_length=200)


class ChecklistItemOut(Schema):
    code: str
    label: str
    done: bool


class StayOut(Schema):
    id: UUID
    facility: str
    state: str
    admitted_on: date
    expected_discharge_on: date | None
    discharged_on: date | None
    discharge_destination: str
    checklist: list[ChecklistItemOut]


class MeetingIn(Schema):
    starts_at: AwareDatetime = Field(description="avec son fuseau : 2026-12-20T10:00:00+01:00")
    duration_minutes: int = Field(default=60, ge=5, le=480)
    location: str = Field(default="", max_length=300)
    agenda: str = Field(default="", max_length=6000)
    invitees: list[UUID] = Field(default=[], description="ids des comptes, membres actifs")


class MeetingUpdateIn(Schema):
    version: int = Field(description="la version lue : une autre modification entre-temps → 409")
    starts_at: AwareDatetime = Field(description="avec son fuseau : 2026-12-20T10:00:00+01:00")
    duration_minutes: int = Field(default=60, ge=5, le=480)
    location: str = Field(default="", max_length=300)
    agenda: str = Field(default="", max_length=6000)


class VersionIn(Schema):
    version: int


class MinutesIn(Schema):
    version: int
    minutes: str = Field(default="", max_length=20000)
    attendance: dict[str, str] = Field(
        default={}, description="id du compte → invited, present, excused ou absent"
    )


class DecisionIn(Schema):
    text: str = Field(min_length=1, max_length=300)
    objective: UUID | None = Field(default=None, description="pour en faire une action du plan")
    owner: str = Field(default="person", description="« person » ou l'id d'un membre actif")
    due_on: date | None = None
    plan_version: int | None = None


class AttendeeOut(Schema):
    user: UUID
    name: str
    attendance: str


class DecisionOut(Schema):
    id: UUID
    text: str
    plan_action: UUID | None


class MeetingOut(Schema):
    id: UUID
    state: str
    starts_at: datetime
    duration_minutes: int
    location: str
    agenda: str
    minutes: str
    version: int
    attendees: list[AttendeeOut]
    decisions: list[DecisionOut]


class CloseIn(Schema):
    reason: str
    outcome: str = Field(default="", max_length=6000)
    objectives: dict[str, str] = Field(
        default={}, description="id d'objectif en cours → reached, not_reached ou dropped"
    )
    satisfaction: str = Field(default="", description="4 (très satisfait·e) à 1, vide si non posée")
    satisfaction_comment: str = Field(default="", max_length=4000)


class ActionStatusIn(Schema):
    version: int = Field(description="la version du plan lue : une autre modification → 409")
    status: str = Field(description="planned, in_progress, done ou cancelled")


class ValidationIn(Schema):
    version: int = Field(description="la version du plan que la personne ou le médecin a vue")
    validator: str = Field(description="person ou gp")
    validated_on: date


class CaregiverIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    relationship: str = Field(description="SPS, CHILD, PRN, SIB, EXT, FRND, NBOR ou other")
    phone: str = Field(default="", max_length=30)
    email: str = Field(default="", max_length=254)
    is_main: bool = False
    person_agreed: bool = Field(description="la personne est d'accord (obligatoire)")


class CaregiverOut(Schema):
    id: UUID
    name: str
    relationship: str
    is_main: bool
