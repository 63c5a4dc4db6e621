"""Import of Open Referral HSDS 3.0 JSON (organizations and their services).

Accepted shapes, streamed item by item:
- an array of organizations, each with its nested ``services`` (and ``locations``);
- an array of services, each with its nested ``organization`` or an ``organization_id``;
- an object ``{"organizations": [...], "services": [...]}``;
- a page of the HSDS API, ``{"contents": [...], ...}``;
- one object alone, as the specification's examples are: an organization (with its
  services), a service (with its organization) or a service_at_location (with its service
  and location).

Ids: a record's HSDS id, when it is a UUID, is its public id. A record already in the
directory under that public id (Maillage's own export read back) is updated in place, in
the fields HSDS carries only; a new one keeps the id as its public id, so that exporting it
again gives the same ids.

Each organization becomes a structure and each active service a service: the rows are
turned into data·inclusion rows and go through the same validation and writing as that
import (same report, atomic, idempotent by source id). What HSDS says and Maillage maps:
- ``attributes`` whose taxonomy is one of data·inclusion's (thématiques, publics, types,
  modes d'accueil, frais: what our export writes) give those fields; an address's
  attribute of the ``insee-cog-communes`` taxonomy gives its commune; other taxonomies
  are ignored;
- ``schedules`` (weekly ``byday`` + ``opens_at``/``closes_at``) become OpenStreetMap
  opening hours; when every schedule gives the same ``description`` in that syntax (as our
  export writes, "PH off" and all), it is taken as is;
- the first physical location gives the address and position (unless it is the
  organization's own, which the service then shares), the commune is found from the
  postal code and city (a CEDEX one by the city's name in its département); a virtual
  location means remote reception;
- ``service_areas`` named with INSEE/EPCI/département codes or ``FR`` give the eligibility
  zone; ``cost_options`` all at 0 mean free; services whose ``status`` is another of the
  spec's (inactive, defunct, temporarily closed) are left out and counted as such in the
  report; an unknown status is a rejected row;
- ``languages`` (their ISO 639 ``code``) and ``interpretation_services`` give a new
  service's languages spoken and interpreting; a re-import leaves those, and Maillage's
  other own fields, as editors set them.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from maillage.directory import health, hours
from maillage.directory.enums import LegalForm
from maillage.directory.imports import data_inclusion
from maillage.directory.imports.data_inclusion import (
    UNREAD,
    BadRow,
    ImportRejected,
    Reader,
    Skipped,
    open_metered,
)
from maillage.directory.imports.reading import json_items, json_top_keys, open_checked
from maillage.directory.schemas_datainclusion import LANGUAGE_CODE, ZONE_CODE
from maillage.territories.models import Commune
from maillage.territories.text import normalise_name

__all__ = ["THEME_TAXONOMY", "ImportRejected", "import_files"]

THEME_TAXONOMY = "data-inclusion-thematiques"
COMMUNE_TAXONOMY = "insee-cog-communes"
# data·inclusion's enumerations, carried as HSDS attributes: taxonomy → (field, one value).
ATTRIBUTE_TAXONOMIES = {
    THEME_TAXONOMY: ("thematiques", False),
    "data-inclusion-publics": ("publics", False),
    "data-inclusion-types": ("type", True),
    "data-inclusion-modes-accueil": ("modes_accueil", False),
    "data-inclusion-frais": ("frais", True),
    # Maillage's health and medico-social offer (directory.health).
    health.TAXONOMY_ID: ("offres_sante", False),
}
DAYS = {"MO": "Mo", "TU": "Tu", "WE": "We", "TH": "Th", "FR": "Fr", "SA": "Sa", "SU": "Su"}
ORDER = list(DAYS)
IDENTIFIER_SCHEMES = {"FR-SIRET": "siret", "FR-FINESS": "finess"}


def _text(value, limit: int | None = None):
    if value is None:
        return None
    value = str(value).strip()
    if not value:
        return None
    return value[:limit] if limit else value


def _first(items, predicate=lambda item: True):
    for item in items or []:
        if isinstance(item, dict) and predicate(item):
            return item
    return None


@lru_cache(maxsize=20000)
def _commune_code(postal_code: str, city: str) -> str | None:

    if not postal_code:
        return None
    candidates = list(
        Commune.objects.filter(postal_codes__contains=[postal_code]).values_list(
            "code", "search_name"
        )
    )
    wanted = normalise_name(city or "")
    for code, search_name in candidates:
        if search_name == wanted:
            return code
    if len(candidates) == 1:
        return candidates[0][0]
    # A CEDEX code belongs to no commune: the city's name, in the code's département.
    bare = normalise_name(re.sub(r"\bcedex\b.*$", "", city or "", flags=re.IGNORECASE))
    if not bare:
        return None
    departement = postal_code[:3] if postal_code.startswith("97") else postal_code[:2]
    departements = ["2A", "2B"] if departement == "20" else [departement]
    found = list(
        Commune.objects.filter(departement_id__in=departements, search_name=bare).values_list(
            "code", flat=True
        )[:2]
    )
    return found[0] if len(found) == 1 else None


@lru_cache(maxsize=20000)
def _commune_of(code: str) -> tuple[str | None, list[str]]:

    found = Commune.objects.filter(code=code).values_list("name", "postal_codes").first()
    return (found[0], list(found[1] or [])) if found else (None, [])


def _commune_attribute(address: dict) -> str | None:
    for attribute in address.get("attributes") or []:
        term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
        if isinstance(term, dict) and term.get("taxonomy") == COMMUNE_TAXONOMY:
            return _text(term.get("code"))
    return None


def _location_fields(location: dict | None) -> dict:
    if not location:
        return {}
    address = _first(location.get("addresses"), lambda a: a.get("address_type") != "postal")
    address = address or _first(location.get("addresses")) or {}
    postal_code = _text(address.get("postal_code"))
    city = _text(address.get("city"))
    fields = {
        "adresse": _text(address.get("address_1"), 255),
        "complement_adresse": _text(address.get("address_2"), 255),
        "code_postal": postal_code,
        "commune": _text(city, 200),
        "latitude": location.get("latitude"),
        "longitude": location.get("longitude"),
    }
    country = (_text(address.get("country")) or "FR").upper()
    commune = _commune_attribute(address)
    if commune:
        fields["code_insee"] = commune
        # What the commune already says (as Maillage's export fills the required city and
        # postal code from it) is not stored twice.
        name, postal_codes = _commune_of(commune)
        if city == name:
            fields.pop("commune", None)
        if postal_codes and postal_code == postal_codes[0]:
            fields.pop("code_postal", None)
    elif (
        country in ("FR", "FRA") and postal_code and len(postal_code) == 5 and postal_code.isdigit()
    ):
        fields["code_insee"] = _commune_code(postal_code, city or "")
    return {k: v for k, v in fields.items() if v is not None}


def schedules_to_hours(schedules) -> str | None:
    """HSDS weekly schedules as an OpenStreetMap opening_hours expression."""
    described = {
        str(s.get("description")).strip()
        for s in schedules or []
        if isinstance(s, dict) and _text(s.get("description"))
    }
    if len(described) == 1 and all(
        isinstance(s, dict) and _text(s.get("description")) for s in schedules
    ):
        (expression,) = described
        try:
            hours.parse(expression)
            return expression[:1000]
        except hours.HoursError:
            pass
    by_day: dict[str, list[str]] = {}
    raw = []
    for schedule in schedules or []:
        if not isinstance(schedule, dict):
            continue
        opens, closes = _text(schedule.get("opens_at")), _text(schedule.get("closes_at"))
        days = [d.strip().upper() for d in str(schedule.get("byday") or "").split(",")]
        days = [d for d in days if d in DAYS]
        if opens and closes and days and (schedule.get("freq") or "WEEKLY").upper() == "WEEKLY":
            for day in days:
                by_day.setdefault(day, []).append(f"{opens[:5]}-{closes[:5]}")
        elif _text(schedule.get("description")):
            raw.append(schedule["description"].strip())
    if not by_day:
        return raw[0][:1000] if raw else None
    groups: list[tuple[list[str], str]] = []
    for day in ORDER:
        if day not in by_day:
            continue
        intervals = ",".join(sorted(set(by_day[day])))
        if (
            groups
            and groups[-1][1] == intervals
            and ORDER.index(groups[-1][0][-1]) + 1 == (ORDER.index(day))
        ):
            groups[-1][0].append(day)
        else:
            groups.append(([day], intervals))
    parts = []
    for days, intervals in groups:
        span = DAYS[days[0]] if len(days) == 1 else f"{DAYS[days[0]]}-{DAYS[days[-1]]}"
        parts.append(f"{span} {intervals}")
    return "; ".join(parts)[:1000]


def _attributes(attributes) -> dict:
    """The data·inclusion fields the attributes give, by field name."""
    found: dict[str, list[str]] = {}
    for attribute in attributes or []:
        term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
        if not isinstance(term, dict):
            continue
        detail = term.get("taxonomy_detail")
        taxonomy = term.get("taxonomy") or (
            detail.get("name") if isinstance(detail, dict) else None
        )
        if taxonomy in ATTRIBUTE_TAXONOMIES and term.get("code"):
            name, _ = ATTRIBUTE_TAXONOMIES[taxonomy]
            found.setdefault(name, []).append(str(term["code"]))
    fields = {}
    for name, single in ATTRIBUTE_TAXONOMIES.values():
        if name in found:
            fields[name] = found[name][0] if single else list(dict.fromkeys(found[name]))
    return fields


def _phone(phones) -> str | None:
    phone = _first(phones)
    number = _text(phone.get("number")) if phone else None
    # Numbers written with their spreadsheet quotes ("'02 51…", "\"02 51…\"").
    return _text(number.strip("\"'“”«» "), 40) if number else None


def public_id(value) -> str | None:
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        return None


def _zone(service_areas) -> list[str]:
    codes = []
    for area in service_areas or []:
        name = _text(area.get("name") if isinstance(area, dict) else None)
        if name and data_inclusion_zone(name):
            codes.append(name)
    return codes


def data_inclusion_zone(code: str) -> bool:

    return bool(ZONE_CODE.match(code)) and (
        len(code) != 2 or code in ("FR", "2A", "2B") or code.isdigit()
    )


ORGANIZATION_READ = frozenset(
    {
        "id",
        "name",
        "description",
        "email",
        "website",
        "url",
        "phones",
        "legal_status",
        "organization_identifiers",
        "locations",
        "services",
    }
)
SERVICE_READ = frozenset(
    {
        "id",
        "name",
        "description",
        "email",
        "url",
        "status",
        "eligibility_description",
        "fees_description",
        "application_process",
        "interpretation_services",
        "assured_date",
        "last_modified",
        "phones",
        "schedules",
        "service_areas",
        "languages",
        "cost_options",
        "attributes",
        "service_at_locations",
        "organization",
        "organization_id",
    }
)


def _unread(record: dict, read: frozenset[str]) -> list[str]:
    """The record's fields with a value that the import does not read, for the report."""
    return [k for k, v in record.items() if k not in read and v not in (None, "", [], {})]


def organization_row(org: dict, source: str) -> dict:
    identifiers = {
        IDENTIFIER_SCHEMES[i.get("identifier_scheme")]: _text(i.get("identifier"))
        for i in org.get("organization_identifiers") or []
        if isinstance(i, dict) and i.get("identifier_scheme") in IDENTIFIER_SCHEMES
    }
    location = _first(org.get("locations"), lambda loc: loc.get("location_type") != "virtual")
    return {
        UNREAD: _unread(org, ORGANIZATION_READ),
        "source": source,
        "id": _text(org.get("id")),
        "public_id": public_id(org.get("id")),
        "nom": _text(org.get("name")),
        "description": _text(org.get("description"), 10_000),
        "courriel": _text(org.get("email")),
        "site_web": _text(org.get("website") or org.get("url")),
        "telephone": _phone(org.get("phones")),
        "forme_juridique": _legal_form(org.get("legal_status")),
        **identifiers,
        **_location_fields(location),
    }


@lru_cache(maxsize=1)
def _legal_labels() -> dict[str, str]:
    return {str(label).lower(): value for value, label in LegalForm.choices}


def _legal_form(status) -> str | None:
    """Maillage's legal form, when `legal_status` is one of its labels (as it exports them)."""
    return _legal_labels().get(str(status or "").strip().lower())


def organization_locations(org) -> frozenset[str]:
    if not isinstance(org, dict):
        return frozenset()
    return frozenset(
        str(loc.get("id")) for loc in org.get("locations") or [] if isinstance(loc, dict)
    )


def service_row(
    service: dict,
    organization_id: str | None,
    source: str,
    shared: frozenset[str] = frozenset(),
) -> dict:
    """`shared`: the ids of the organization's locations (a service at one of them is at
    its structure's place, which it does not copy)."""
    locations = [
        sal.get("location")
        for sal in service.get("service_at_locations") or []
        if isinstance(sal, dict) and isinstance(sal.get("location"), dict)
    ]
    physical = _first(locations, lambda loc: loc.get("location_type") != "virtual")
    remote = any(loc.get("location_type") == "virtual" for loc in locations)
    costs = [c for c in service.get("cost_options") or [] if isinstance(c, dict)]
    free = bool(costs) and all(c.get("amount") in (0, 0.0, "0") for c in costs)
    modes = (["en-presentiel"] if physical else []) + (["a-distance"] if remote else [])
    updated = _text(service.get("assured_date")) or _text(service.get("last_modified"))
    own_place = physical if physical and str(physical.get("id")) not in shared else None
    attributes = _attributes(service.get("attributes"))
    offers = [o for o in attributes.get("offres_sante", []) if o in health.OFFERS]
    if offers and "thematiques" in attributes:
        # Our export adds the themes the offers stand for (for partners who know only
        # data·inclusion's): read back, they stay the offers', not the service's own.
        implied = set(health.themes_of(offers))
        attributes["thematiques"] = [t for t in attributes["thematiques"] if t not in implied]
    row = {
        UNREAD: _unread(service, SERVICE_READ),
        "source": source,
        "id": _text(service.get("id")),
        "public_id": public_id(service.get("id")),
        "structure_id": _text(organization_id),
        "nom": _text(service.get("name")),
        "description": _text(service.get("description")) or _text(service.get("name")),
        "courriel": _text(service.get("email")),
        "lien_mobilisation": _text(service.get("url"), 500),
        "telephone": _phone(service.get("phones")),
        "conditions_acces": _text(service.get("eligibility_description")),
        "frais_precisions": _text(service.get("fees_description")),
        "frais": "gratuit" if free else None,
        "mobilisation_precisions": _text(service.get("application_process")),
        "zone_eligibilite": _zone(service.get("service_areas")),
        "horaires_accueil": schedules_to_hours(service.get("schedules")),
        "modes_accueil": modes,
        "date_maj": updated[:10] if updated else None,
        "langues": _languages(service.get("languages")),
        "interpretariat": bool(_text(service.get("interpretation_services"))),
        **attributes,  # data·inclusion's fields, when the file carries them
        **_location_fields(own_place),
    }
    return {k: v for k, v in row.items() if v not in (None, [])}


def _languages(languages) -> list[str]:
    """ISO 639 codes of a service's `languages` ("en-GB" counts as "en"); an entry without
    a usable code is left out rather than refusing the service."""
    codes = []
    for language in languages or []:
        code = _text(language.get("code")) if isinstance(language, dict) else None
        code = (code or "").lower().split("-")[0]
        if LANGUAGE_CODE.match(code):
            codes.append(code)
    return list(dict.fromkeys(codes))


HSDS_LISTS = {"": "item", "organizations": "item", "services": "item", "contents": "item"}
STATUSES = {"active", "inactive", "defunct", "temporarily closed"}


def _service_status(service: dict):
    """None for an active service (or one that says nothing); else what to do with it: a
    Skipped for a known status other than active, a BadRow for an unknown one."""
    status = service.get("status")
    if status in (None, "", "active"):
        return None
    if isinstance(status, str) and status.strip().lower() in STATUSES:
        return Skipped(f"services non actifs (statut « {status.strip().lower()} »)")
    shown = str(status)[:40]
    return BadRow(
        f"status : statut inconnu « {shown} » (active, inactive, defunct ou "
        "temporarily closed attendu)"
    )


def _as_service(item: dict) -> dict:
    """A service_at_location given alone, with its service nested: the service, at that
    location."""
    service = item.get("service")
    if isinstance(service, dict) and ("location" in item or "location_id" in item):
        at = {k: v for k, v in item.items() if k != "service"}
        return {
            **service,
            "service_at_locations": [at, *(service.get("service_at_locations") or [])],
        }
    return item


def _is_service(item: dict) -> bool:
    # An organization has no status; a service must have one (and may name its organization).
    return "organization" in item or "organization_id" in item or "status" in item


def rows_for(source: str):
    def rows(path: Path) -> Iterator[tuple[str, int, object]]:
        counters = {"structure": 0, "service": 0}
        seen_organizations: set[str] = set()
        locations_of: dict[str, frozenset[str]] = {}

        def emit(kind, row):
            counters[kind] += 1
            return kind, counters[kind], row

        def service(item, org_id):
            shared = locations_of.get(str(org_id), frozenset())
            return _service_status(item) or service_row(item, org_id, source, shared)

        def from_item(item) -> Iterator[tuple[str, int, object]]:
            if not isinstance(item, dict):
                yield emit("structure", None)
                return
            if "location_type" in item:
                # Only a location has a type: a place alone offers nothing to list.
                yield emit("structure", Skipped("lieux seuls (location), sans organisation"))
                return
            item = _as_service(item)
            if not _is_service(item):
                seen_organizations.add(str(item.get("id")))
                locations_of[str(item.get("id"))] = organization_locations(item)
                yield emit("structure", organization_row(item, source))
                nested = item.get("services") or []
                for one in nested if isinstance(nested, list) else [nested]:
                    yield emit(
                        "service", service(one, item.get("id")) if isinstance(one, dict) else None
                    )
                return
            organization = item.get("organization")
            org_id = item.get("organization_id") or (
                organization.get("id") if isinstance(organization, dict) else None
            )
            if isinstance(organization, dict) and str(org_id) not in seen_organizations:
                seen_organizations.add(str(org_id))
                locations_of[str(org_id)] = organization_locations(organization)
                yield emit("structure", organization_row(organization, source))
            yield emit("service", service(item, org_id))

        with open_checked(path, open_metered) as handle:
            keys = json_top_keys(handle)
            # One object alone (it has an id), or a container of lists.
            single = keys is not None and "id" in keys
            items = json_items(
                handle, {} if single else HSDS_LISTS, root_item="item" if single else None
            )
            for _, _, item in items:
                yield from from_item(item)

    return rows


def _position(kind: str, index: int) -> str:
    return f"organisation n° {index}" if kind == "structure" else f"service n° {index}"


ADDRESS_FIELDS = (
    "address",
    "address_complement",
    "commune",
    "postal_code",
    "city_name",
    "latitude",
    "longitude",
)
# What HSDS carries, the only fields a re-import refreshes: a record read back from
# Maillage's own export keeps what HSDS cannot say (networks, mobilisation modes…).
STRUCTURE_CARRIED = frozenset(
    {"name", "description", "email", "website", "phone", "siret", "finess", *ADDRESS_FIELDS}
)
SERVICE_CARRIED = frozenset(
    {
        "name",
        "description",
        "email",
        "phone",
        "mobilisation_link",
        "access_conditions",
        "fees",
        "fees_details",
        "mobilisation_details",
        "thematiques",
        "health_offers",
        "publics",
        "type",
        "reception_modes",
        "eligibility_zone",
        "opening_hours",
        "source_updated_on",
        *ADDRESS_FIELDS,
    }
)


def import_files(paths, *, source: str = "hsds", **options):
    # HSDS gives two of Maillage's own service fields, the languages and interpreting: taken
    # for a new service; a re-import leaves them as editors set them (a source that gives
    # no languages at all would otherwise wipe theirs).
    reader = Reader(
        rows=rows_for(source),
        position=_position,
        extended=True,
        passes=lambda path: 2,  # the root's keys, then the items
        identified=True,
        structure_updates=STRUCTURE_CARRIED,
        service_updates=SERVICE_CARRIED,
    )
    return data_inclusion.import_files(paths, reader=reader, label="hsds", **options)
