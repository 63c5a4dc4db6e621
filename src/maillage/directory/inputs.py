"""The typed input of each operation on orientations: filled by the page's form
(core.operations.InputForm) and by the API body alike, and taken by the action as `data`."""

from typing import Literal
from uuid import UUID

from ninja import Field, Schema

from maillage.core.operations import BirthYear, EmailOrBlank, Phone
from maillage.directory.enums import RefusalReason


class OrientationIn(Schema):
    service: UUID
    person_first_name: str = Field(min_length=1, max_length=100)
    person_last_name: str = Field(min_length=1, max_length=100)
    person_birth_year: BirthYear = None
    person_phone: Phone = ""
    person_email: EmailOrBlank = ""
    need_theme: str = Field(default="", max_length=100)
    reason: str = Field(min_length=1, max_length=4000)
    consent_method: Literal["oral", "written", "representative"] = Field(
        description="Comment l'accord de la personne a été recueilli (obligatoire)."
    )


class OrientationMoveIn(Schema):
    to_state: str = Field(
        description="l'état suivant : accepted, refused, in_progress, done, no_show, withdrawn…"
    )
    refusal_reason: RefusalReason | Literal[""] = Field(
        default="", description="le motif, pour un refus (obligatoire alors)"
    )
    comment: str = Field(default="", max_length=2000)


class SheetSendIn(Schema):
    service: UUID
    channel: Literal["email", "sms"] = Field(description="email (courriel) ou sms")
    recipient: str = Field(
        min_length=1,
        max_length=254,
        description="l'adresse e-mail ou le numéro de portable (06, 07) de la personne : "
        "gardé le temps de l'envoi, puis effacé",
    )
