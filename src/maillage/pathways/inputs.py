"""The typed input of each operation on pathways: filled by the page's form
(core.operations.InputForm) and by the API body alike, and taken by the action as `data`.

References to other records are their public ids; the action resolves them, in the scope the
actor may see, so that the page and the API cannot resolve them differently.
"""

from datetime import date
from uuid import UUID

from ninja import Field, Schema
from pydantic import AwareDatetime

from maillage.core.operations import BirthDate, Email, EmailOrBlank, Phone
from maillage.directory.enums import ConsentMethod
from maillage.pathways.enums import (
    ConsentMode,
    InformationItem,
    Need,
    NeedLevel,
    NoteKind,
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
    person_birth_date: BirthDate = None
    person_sex: Sex = Sex.OTHER
    person_commune: str | None = Field(default=None, description="code INSEE")
    person_phone: Phone = ""
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


class TriageIn(Schema):
    answers: list[str] = []
    outcome: TriageOutcome
    referent: UUID | None = Field(
        default=None, description="un·e coordinateur·rice ; vous par défaut"
    )
    comment: str = Field(default="", max_length=4000)
    version: int = Field(description="la version lue : une autre modification entre-temps → 409")


class RequestOrientIn(Schema):
    service: UUID = Field(description="le service de l'annuaire, publié")
    consent_method: ConsentMethod = Field(
        description="comment la personne a donné son accord pour que ses coordonnées soient "
        "transmises au service"
    )
    reason: str = Field(default="", max_length=4000, description="par défaut, celui de la demande")


class CircleMemberIn(Schema):
    email: Email
    role: str
    person_informed: bool


class HandoverIn(Schema):
    referent: UUID | None = Field(
        default=None, description="le compte d'un·e coordinateur·rice de la plateforme"
    )


class DomainIn(Schema):
    level: NeedLevel
    notes: str = Field(default="", max_length=2000)
    sources: str = Field(default="", max_length=300)


class AssessmentIn(Schema):
    assessed_on: date
    person_words: str = Field(default="", max_length=4000)
    domains: dict[Need, DomainIn] = Field(description="chaque domaine, même sans besoin")
    aggir_grid: dict[str, str] | None = Field(
        default=None, description="les dix variables AGGIR (A, B ou C), ou rien"
    )
    zarit: dict[str, str] | None = Field(
        default=None, description="les sept réponses du mini-Zarit, ou rien"
    )
    lives_alone: bool | None = Field(default=None, description="vit seule (rien : non dit)")
    declared_fragility: bool = Field(
        default=False,
        description="fragilité déclarée pour les crises (registre communal des personnes "
        "vulnérables, ou dite par elle ou son cercle)",
    )


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
    owner: str = Field(
        description="« person », « service » (un service de l'annuaire : une orientation lui "
        "est envoyée), ou l'id d'un membre actif du cercle"
    )
    due_on: date | None = None
    service: UUID | None = Field(default=None, description="le service, si owner = service")
    consent_method: ConsentMethod | None = Field(
        default=None,
        description="comment la personne a donné son accord pour que ses coordonnées soient "
        "transmises au service (si owner = service)",
    )


class MessageIn(Schema):
    body: str = Field(min_length=1, max_length=4000)


class StayIn(Schema):
    facility: str = Field(min_length=1, max_length=200)
    admitted_on: date
    expected_discharge_on: date | None = None


class StayCheckIn(Schema):
    code: str = Field(default="", description="la ligne de la liste de sortie")
    done: bool = False


class DischargeIn(Schema):
    discharged_on: date
    destination: str = Field(default="", max_length=200)


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


class PortalInviteIn(Schema):
    email: Email
    caregiver: UUID | None = Field(default=None, description="un·e aidant·e ; la personne sinon")


class PersonNoteIn(Schema):
    kind: NoteKind = NoteKind.COMMENT
    text: str = Field(min_length=1, max_length=4000)


class CaregiverIn(Schema):
    name: str = Field(min_length=1, max_length=200)
    relationship: str = Field(description="SPS, CHILD, PRN, SIB, EXT, FRND, NBOR ou other")
    phone: Phone = ""
    email: EmailOrBlank = ""
    is_main: bool = False
    person_agreed: bool = Field(description="la personne est d'accord (obligatoire)")
