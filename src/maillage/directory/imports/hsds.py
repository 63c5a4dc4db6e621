"""Import of Open Referral HSDS 3.0 JSON (organizations and their services).

Accepted shapes, streamed item by item:
- an array of organizations, each with its nested ``services`` (and ``locations``);
- an array of services, each with its nested ``organization`` or an ``organization_id``;
- an object ``{"organizations": [...], "services": [...]}``;
- a page of the HSDS API, ``{"contents": [...], ...}``.

Each organization becomes a structure and each active service a service: the rows are
turned into data·inclusion rows and go through the same validation and writing as that
import (same report, atomic, idempotent by source id). What HSDS says and Maillage maps:
- ``attributes`` whose taxonomy is ``data-inclusion-thematiques`` (what our export writes)
  give the thématiques; other taxonomies are ignored;
- ``schedules`` (weekly ``byday`` + ``opens_at``/``closes_at``) become OpenStreetMap
  opening hours; a schedule with only a ``description`` in that syntax is taken as is;
- the first physical location gives the address and position, the commune is found from the
  postal code and city; a virtual location means remote reception;
- ``service_areas`` named with INSEE/EPCI/département codes or ``FR`` give the eligibility
  zone; ``cost_options`` all at 0 mean free; services whose ``status`` is another of the
  spec's (inactive, defunct, temporarily closed) are left out and counted as such in the
  report; an unknown status is a rejected row;
- ``languages`` (their ISO 639 ``code``) and ``interpretation_services`` give a new
  service's languages spoken and interpreting; a re-import leaves those, and Maillage's
  other own fields, as editors set them.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from maillage.directory.imports import data_inclusion
from maillage.directory.imports.data_inclusion import (
    BadRow,
    ImportRejected,
    Reader,
    Skipped,
    open_metered,
)
from maillage.directory.imports.reading import json_items, open_checked
from maillage.directory.schemas_datainclusion import LANGUAGE_CODE

__all__ = ["THEME_TAXONOMY", "ImportRejected", "import_files"]

THEME_TAXONOMY = "data-inclusion-thematiques"
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
    from maillage.territories.models import Commune
    from maillage.territories.text import normalise_name

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
    return candidates[0][0] if len(candidates) == 1 else None


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
    if postal_code and len(postal_code) == 5 and postal_code.isdigit():
        fields["code_insee"] = _commune_code(postal_code, city or "")
    return {k: v for k, v in fields.items() if v is not None}


def schedules_to_hours(schedules) -> str | None:
    """HSDS weekly schedules as an OpenStreetMap opening_hours expression."""
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


def _themes(attributes) -> list[str]:
    themes = []
    for attribute in attributes or []:
        term = attribute.get("taxonomy_term") if isinstance(attribute, dict) else None
        if not isinstance(term, dict):
            continue
        taxonomy = term.get("taxonomy") or (term.get("taxonomy_detail") or {}).get("name")
        if taxonomy == THEME_TAXONOMY and term.get("code"):
            themes.append(str(term["code"]))
    return themes


def _zone(service_areas) -> list[str]:
    codes = []
    for area in service_areas or []:
        name = _text(area.get("name") if isinstance(area, dict) else None)
        if name and data_inclusion_zone(name):
            codes.append(name)
    return codes


def data_inclusion_zone(code: str) -> bool:
    from maillage.directory.schemas_datainclusion import ZONE_CODE

    return bool(ZONE_CODE.match(code)) and (len(code) != 2 or code == "FR" or code.isdigit())


def organization_row(org: dict, source: str) -> dict:
    identifiers = {
        IDENTIFIER_SCHEMES[i.get("identifier_scheme")]: _text(i.get("identifier"))
        for i in org.get("organization_identifiers") or []
        if isinstance(i, dict) and i.get("identifier_scheme") in IDENTIFIER_SCHEMES
    }
    location = _first(org.get("locations"), lambda loc: loc.get("location_type") != "virtual")
    phone = _first(org.get("phones"))
    return {
        "source": source,
        "id": _text(org.get("id")),
        "nom": _text(org.get("name")),
        "description": _text(org.get("description"), 10_000),
        "courriel": _text(org.get("email")),
        "site_web": _text(org.get("website") or org.get("url")),
        "telephone": _text(phone.get("number"), 40) if phone else None,
        **identifiers,
        **_location_fields(location),
    }


def service_row(service: dict, organization_id: str | None, source: str) -> dict:
    locations = [
        sal.get("location")
        for sal in service.get("service_at_locations") or []
        if isinstance(sal, dict) and isinstance(sal.get("location"), dict)
    ]
    physical = _first(locations, lambda loc: loc.get("location_type") != "virtual")
    remote = any(loc.get("location_type") == "virtual" for loc in locations)
    phone = _first(service.get("phones"))
    costs = [c for c in service.get("cost_options") or [] if isinstance(c, dict)]
    free = bool(costs) and all(c.get("amount") in (0, 0.0, "0") for c in costs)
    modes = (["en-presentiel"] if physical else []) + (["a-distance"] if remote else [])
    updated = _text(service.get("assured_date")) or _text(service.get("last_modified"))
    row = {
        "source": source,
        "id": _text(service.get("id")),
        "structure_id": _text(organization_id),
        "nom": _text(service.get("name")),
        "description": _text(service.get("description")) or _text(service.get("name")),
        "courriel": _text(service.get("email")),
        "lien_mobilisation": _text(service.get("url"), 500),
        "telephone": _text(phone.get("number"), 40) if phone else None,
        "conditions_acces": _text(service.get("eligibility_description")),
        "frais_precisions": _text(service.get("fees_description")),
        "frais": "gratuit" if free else None,
        "mobilisation_precisions": _text(service.get("application_process")),
        "thematiques": _themes(service.get("attributes")),
        "zone_eligibilite": _zone(service.get("service_areas")),
        "horaires_accueil": schedules_to_hours(service.get("schedules")),
        "modes_accueil": modes,
        "date_maj": updated[:10] if updated else None,
        "langues": _languages(service.get("languages")),
        "interpretariat": bool(_text(service.get("interpretation_services"))),
        **_location_fields(physical),
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


def rows_for(source: str):
    def rows(path: Path) -> Iterator[tuple[str, int, object]]:
        counters = {"structure": 0, "service": 0}
        seen_organizations: set[str] = set()

        def emit(kind, row):
            counters[kind] += 1
            return kind, counters[kind], row

        def service(item, org_id):
            return _service_status(item) or service_row(item, org_id, source)

        def from_item(item) -> Iterator[tuple[str, int, object]]:
            if not isinstance(item, dict):
                yield emit("structure", None)
                return
            is_service = "organization" in item or "organization_id" in item
            if not is_service:
                seen_organizations.add(str(item.get("id")))
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
                yield emit("structure", organization_row(organization, source))
            yield emit("service", service(item, org_id))

        with open_checked(path, open_metered) as handle:
            for _, _, item in json_items(handle, HSDS_LISTS):
                yield from from_item(item)

    return rows


def _position(kind: str, index: int) -> str:
    return f"organisation n° {index}" if kind == "structure" else f"service n° {index}"


def import_files(paths, *, source: str = "hsds", **options):
    # HSDS gives two of Maillage's own service fields, the languages and interpreting: taken
    # for a new service; a re-import leaves them as editors set them (a source that gives
    # no languages at all would otherwise wipe theirs).
    reader = Reader(rows=rows_for(source), position=_position, extended=True)
    return data_inclusion.import_files(paths, reader=reader, label="hsds", **options)
