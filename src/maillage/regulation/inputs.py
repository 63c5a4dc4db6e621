"""Each regulation operation's typed input: the API's body, what the page's form fills
(core.operations.InputForm), what the action takes as `data`."""

from datetime import date
from uuid import UUID

from ninja import Field, Schema

from maillage.core.operations import Email
from maillage.regulation.enums import (
    ApplicationState,
    CommissionDecision,
    Criterion,
    DecisionReason,
    EmergencyOutcome,
    Engine,
    MemberRole,
    MemberSex,
    Operator,
    PlaceRefusalReason,
    PlaceRequestState,
    PlaceUrgency,
    ProgrammeKind,
    ResourceKind,
    Tier,
    UnitType,
    UnmetReason,
    Vulnerability,
)

_INSEE = r"^(\d[0-9AB]\d{3})$"


class ProgrammeIn(Schema):
    structure: UUID = Field(description="la structure de l'annuaire qui porte le dispositif")
    kind: ProgrammeKind
    name: str = Field(min_length=1, max_length=150)
    regulator: UUID | None = Field(
        default=None, description="le SIAO qui régule ses places (hébergement et logement)"
    )
    commune: str | None = Field(default=None, pattern=_INSEE, description="code INSEE")
    address: str = Field(default="", max_length=255)
    support_included: bool = True
    answer_within_days: int = Field(default=3, ge=1, le=60)


class UnitIn(Schema):
    label: str = Field(min_length=1, max_length=100)
    unit_type: UnitType = UnitType.BED
    rooms: int = Field(default=1, ge=1, le=10)
    persons: int = Field(default=1, ge=1, le=20)
    accessible: bool = False
    count: int = Field(default=1, ge=1, le=200, description="combien de places identiques")


class RequirementIn(Schema):
    criterion: Criterion
    operator: Operator
    number: int | None = Field(default=None, ge=0, le=150)
    values: list[MemberSex] = Field(default=[], max_length=3)
    unit: UUID | None = Field(default=None, description="une place du dispositif, sinon tout")
    whole_structure: bool = Field(
        default=False, description="pour toute la structure : tous ses dispositifs"
    )


class VacancyIn(Schema):
    unit: UUID
    available_from: date
    tonight: bool = False


class NoteIn(Schema):
    note: str = Field(default="", max_length=300)


class MemberIn(Schema):
    role: MemberRole = MemberRole.APPLICANT
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    birth_date: date | None = None
    sex: MemberSex = MemberSex.UNSAID


class ResourceIn(Schema):
    kind: ResourceKind
    monthly_amount: int = Field(default=0, ge=0, le=100_000)
    ends_on: date | None = None


class PlaceRequestIn(Schema):
    members: list[MemberIn] = Field(min_length=1, max_length=15)
    regulator: UUID | None = Field(
        default=None, description="le SIAO (demande d'hébergement ou de logement accompagné)"
    )
    pathway: UUID | None = Field(default=None, description="le parcours d'où vient la demande")
    commune: str | None = Field(
        default=None, pattern=_INSEE, description="code INSEE de la commune où vit le ménage"
    )
    recommended_kinds: list[ProgrammeKind] = Field(min_length=1, max_length=10)
    recommendation: str = Field(default="", max_length=4000)
    preferred_kinds: list[ProgrammeKind] = Field(default=[], max_length=10)
    preferred_communes: list[str] = Field(default=[], max_length=60)
    wishes: str = Field(default="", max_length=4000)
    urgency: PlaceUrgency = PlaceUrgency.NONE
    dalo: bool = False
    first_requested_on: date | None = Field(
        default=None, description="la première demande, si plus ancienne (ancienneté)"
    )
    vulnerabilities: list[Vulnerability] = Field(default=[], max_length=10)
    pets: bool = False
    reduced_mobility: bool = False
    support_needed: bool = False
    gir: int | None = Field(default=None, ge=1, le=6)
    resources: list[ResourceIn] = Field(default=[], max_length=10)
    rights: str = Field(default="", max_length=4000)
    health: str = Field(default="", max_length=4000)
    housing_history: str = Field(default="", max_length=4000)
    support_needs: str = Field(default="", max_length=4000)
    consent: bool = Field(
        default=False, description="la personne a consenti à la demande et au partage"
    )


class PlaceRequestUpdateIn(PlaceRequestIn):
    version: int = Field(description="la version lue : une autre modification entre-temps → 409")


class RequestMoveIn(Schema):
    to_state: PlaceRequestState
    note: str = Field(default="", max_length=500)
    version: int


class EmergencyCallIn(Schema):
    regulator: UUID | None = None
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    sex: MemberSex = MemberSex.UNSAID
    birth_date: date | None = None
    adults: int = Field(default=1, ge=1, le=6)
    children: int = Field(default=0, ge=0, le=12)
    tonight_location: str = Field(min_length=1, max_length=200)
    commune: str | None = Field(default=None, pattern=_INSEE, description="code INSEE")
    pets: bool = False
    reduced_mobility: bool = False
    needs: str = Field(default="", max_length=1000)


class NightIn(Schema):
    outcome: EmergencyOutcome
    vacancy: UUID | None = Field(default=None, description="la place d'urgence attribuée")
    reason: UnmetReason | None = Field(default=None, description="si non pourvue : pourquoi")


class TierIn(Schema):
    tier: Tier
    points: int = Field(ge=0, le=100_000)
    cap: int = Field(default=0, ge=0, le=3650)


class PolicyIn(Schema):
    name: str = Field(min_length=1, max_length=150)
    notes: str = Field(default="", max_length=4000)
    tiers: list[TierIn] = Field(min_length=1, max_length=4)
    refusal_penalty_days: int = Field(
        default=0, ge=0, le=3650, description="ancienneté retirée par place refusée (0 : aucune)"
    )
    base: int = Field(default=1000, ge=0, le=100_000)
    preferred_commune: int = Field(default=0, ge=0, le=100_000)
    empty_bed: int = Field(default=0, ge=0, le=100_000)


class MatchRunIn(Schema):
    engine: Engine = Engine.OPTIMUM
    session: UUID | None = Field(default=None, description="la commission qui examinera")


class ProposalAnswerIn(Schema):
    accept: bool
    reason: PlaceRefusalReason | None = None
    text: str = Field(default="", max_length=500)
    version: int


class CommissionIn(Schema):
    held_on: date
    members: list[UUID] = Field(default=[], max_length=30)


class CommissionDecisionIn(Schema):
    proposal: UUID
    decision: CommissionDecision
    reason: DecisionReason
    text: str = Field(default="", max_length=500)
    version: int


class CommissionMinutesIn(Schema):
    minutes: str = Field(default="", max_length=20_000)
    version: int


class PhysicianIn(Schema):
    email: Email = Field(description="l'adresse de son compte sur la plateforme")


class MedicalIn(Schema):
    gir: int | None = Field(default=None, ge=1, le=6)
    diagnoses: str = Field(default="", max_length=6000)
    treatments: str = Field(default="", max_length=6000)
    care_needs: str = Field(default="", max_length=6000)
    complete: bool = Field(default=False, description="le médecin a fini : le dossier peut partir")


class ApplicationsIn(Schema):
    programmes: list[UUID] = Field(min_length=1, max_length=20)


class ApplicationAnswerIn(Schema):
    state: ApplicationState
    reason: PlaceRefusalReason | None = None
    text: str = Field(default="", max_length=500)
    version: int
