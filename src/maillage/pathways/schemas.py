"""The API's shapes for support requests, pathways, circles and plans."""

from datetime import date, datetime
from uuid import UUID

from ninja import Field, Schema


class SupportRequestIn(Schema):
    platform: UUID
    requester_kind: str = "professional"
    person_first_name: str = Field(min_length=1, max_length=100)
    person_last_name: str = Field(min_length=1, max_length=100)
    person_birth_date: date | None = None
    person_sex: str = Field(default="X", max_length=1)
    person_commune: str | None = Field(default=None, description="code INSEE")
    person_phone: str = Field(default="", max_length=30)
    gp_name: str = Field(default="", max_length=200)
    reason: str = Field(min_length=1, max_length=4000)
    needs: list[str] = []
    urgency: str
    tried: str = Field(default="", max_length=4000)
    gp_informed: bool = False
    gp_agrees: bool = False
    consent_mode: str
    information_items: list[str] = []
    recipients: list[str] = []


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
    outcome: str
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


class PlanActionIn(Schema):
    version: int
    objective: UUID
    text: str = Field(min_length=1, max_length=300)
    owner: str = Field(description="« person », ou l'id d'un membre actif du cercle")
    due_on: date | None = None


class ErrorOut(Schema):
    detail: str
