"""API schemas of the directory."""

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
