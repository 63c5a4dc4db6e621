"""The API's shapes for support requests, pathways, circles and plans."""

from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema


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


class CircleMemberOut(Schema):
    id: UUID
    user: UUID
    name: str
    role: str
    status: str


class CircleInvitationOut(Schema):
    id: UUID
    email: str
    role: str
    expires_at: datetime


class PlanActionOut(Schema):
    id: UUID
    text: str
    owner: str = Field(
        description="« person », « service », l'id d'un membre du cercle, ou vide (membre parti)"
    )
    owner_name: str = Field(description="le nom du membre ou du service qui la porte")
    service: UUID | None = Field(description="le service de l'annuaire qui la porte")
    orientation: UUID | None = Field(description="l'orientation envoyée à ce service")
    orientation_state: str
    due_on: date | None
    status: str
    overdue: bool


class ObjectiveOut(Schema):
    id: UUID
    need: str
    text: str
    criteria: str
    no_resource: bool
    status: str
    actions: list[PlanActionOut]


class PlanOut(Schema):
    id: UUID
    version: int
    problems: str
    person_project: str
    alert_procedure: str
    revision_on: date | None
    objectives: list[ObjectiveOut]


class OrientationSentOut(Schema):
    id: UUID = Field(description="l'orientation (voir /orientations/{id})")
    service: UUID
    state: str


class PortalAccessOut(Schema):
    id: UUID
    caregiver: UUID | None = Field(description="l'aidant·e ; vide pour la personne elle-même")
    email: str
    invited_at: datetime
    accepted: bool
    revoked_at: datetime | None


class DomainOut(Schema):
    level: str
    notes: str
    sources: str


class AssessmentOut(Schema):
    id: UUID
    assessed_on: date
    assessor: str
    person_words: str
    domains: dict[str, DomainOut]
    gir: int | None
    caregiver_burden: float | None


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


class MessageOut(Schema):
    id: UUID
    author: str
    created_at: datetime
    body: str
    attachments: list[str] = Field(description="noms des documents joints (depuis la page)")


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


class CaregiverOut(Schema):
    id: UUID
    name: str
    relationship: str
    is_main: bool
