"""API schemas of the directory."""

from datetime import datetime
from uuid import UUID

from ninja import Schema


class StructureOut(Schema):
    id: UUID
    name: str
    siret: str
    finess: str


class ServiceOut(Schema):
    id: UUID
    name: str
    description: str
    structure: StructureOut
    thematiques: list[str]
    offres_sante: list[str]  # directory.health values
    publics: list[str]
    fees: str
    reception_modes: list[str]
    address: str
    postal_code: str
    city: str
    commune_code: str | None
    latitude: float | None
    longitude: float | None
    distance_km: float | None
    distance_approximate: bool  # a position is a commune's estimated centre
    phone: str
    email: str
    opening_hours: str
    open_now: bool | None
    is_stale: bool


class SearchOut(Schema):
    count: int
    count_capped: bool  # true when there are at least `count` results (counting stops there)
    page: int
    per_page: int
    results: list[ServiceOut]
    remote: list[ServiceOut]


class ErrorOut(Schema):
    detail: str


class OrientationStep(Schema):
    state: str
    at: datetime
    via_link: bool
    comment: str


class OrientationOut(Schema):
    id: UUID
    state: str
    state_label: str
    service_id: UUID
    service_name: str
    structure_name: str
    person_first_name: str
    person_last_name: str
    person_birth_year: int | None
    person_phone: str
    person_email: str
    need_theme: str
    reason: str
    consent_method: str
    created_at: datetime
    expires_at: datetime
    answered_at: datetime | None
    refusal_reason: str
    history: list[OrientationStep]


class OrientationList(Schema):
    count: int
    page: int
    results: list[OrientationOut]


class HealthOfferOut(Schema):
    value: str
    label: str
    keywords: list[str]
    thematiques: list[str]  # data·inclusion sub-themes it stands for
    publics: list[str]  # data·inclusion publics
    categories_finess: list[str]  # TRE_R66 codes of the establishments offering it


class HealthFamilyOut(Schema):
    value: str
    label: str
    offers: list[HealthOfferOut]


class HealthTaxonomyOut(Schema):
    id: str
    uri: str
    version: str
    families: list[HealthFamilyOut]


class SheetSendOut(Schema):
    id: UUID
    channel: str
