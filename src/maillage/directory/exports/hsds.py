"""Export of the published directory as Open Referral HSDS 3.0 JSON.

One array of organizations, each with its locations, phones, identifiers and nested services
(with their service_at_locations, schedules, phones, languages, service areas, cost options
and thématiques as attributes of the ``data-inclusion-thematiques`` taxonomy). Ids are the
records' public UUIDs; sub-object ids are UUIDs derived from them, so a re-export gives the
same ids. Streamed, so memory stays flat.

Opening hours become weekly schedules read from a reference week without public holidays;
exceptions (holidays, seasons) are kept in words in the schedule's ``description`` only.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import IO

from django.db.models import Prefetch

from maillage.directory import hours
from maillage.directory.enums import PublicationState, Thematique
from maillage.directory.imports.hsds import THEME_TAXONOMY
from maillage.directory.models import Service, Structure

BATCH = 500
DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _id(*parts) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "maillage:" + ":".join(str(p) for p in parts)))


def schedules(expression: str, owner_id: str, key: str) -> list[dict]:
    result = []
    for (opens, closes), weekdays in hours.ordinary_week(expression or "").items():
        closing = "24:00" if closes == dt.time(0, 0) else closes.strftime("%H:%M")
        result.append(
            {
                "id": _id(owner_id, "schedule", opens.strftime("%H:%M"), closing),
                key: owner_id,
                "freq": "WEEKLY",
                "byday": ",".join(DAY_CODES[d] for d in weekdays),
                "opens_at": opens.strftime("%H:%M"),
                "closes_at": closing,
                "description": expression,
            }
        )
    return result


def _phones(number: str, owner_id: str, key: str) -> list[dict]:
    return [{"id": _id(owner_id, "phone"), key: owner_id, "number": number}] if number else []


def postal_code_of(entry) -> str:
    commune = entry.commune
    return entry.postal_code or (
        commune.postal_codes[0] if commune is not None and commune.postal_codes else ""
    )


def has_place(entry) -> bool:
    return bool(entry.address or entry.commune_id or entry.latitude is not None)


def _location(entry, owner_id: str) -> dict | None:
    if not has_place(entry):
        return None
    location_id = _id(owner_id, "location")
    commune = entry.commune
    return {
        "id": location_id,
        "location_type": "physical",
        "name": entry.name,
        "latitude": entry.latitude,
        "longitude": entry.longitude,
        "addresses": [
            {
                "id": _id(owner_id, "address"),
                "location_id": location_id,
                "address_1": entry.address or "",
                "address_2": entry.address_complement or None,
                "city": entry.city_name or (commune.name if commune else ""),
                "region": None,
                "state_province": commune.departement.name if commune else "",
                "postal_code": postal_code_of(entry),
                "country": "FR",
                "address_type": "physical",
            }
        ],
    }


def service_object(service: Service, theme_labels: dict) -> dict:
    sid = str(service.public_id)
    own = _location(service, sid) or _location(service.structure, str(service.structure.public_id))
    locations = [own] if own else []
    if "a-distance" in service.reception_modes:
        locations.append(
            {"id": _id(sid, "virtual"), "location_type": "virtual", "name": service.name}
        )
    updated = service.source_updated_on
    return {
        "id": sid,
        "organization_id": str(service.structure.public_id),
        "name": service.name,
        "description": service.description,
        "url": service.mobilisation_link or None,
        "email": service.email or None,
        "status": "active",
        "eligibility_description": service.access_conditions or None,
        "fees_description": service.fees_details or None,
        "application_process": service.mobilisation_details or None,
        "interpretation_services": "Interprétariat" if service.interpreting else None,
        "assured_date": updated.isoformat() if updated else None,
        "last_modified": service.updated_at.isoformat(),
        "phones": _phones(service.phone, sid, "service_id"),
        "schedules": schedules(
            service.opening_hours or service.structure.opening_hours, sid, "service_id"
        ),
        "service_areas": [
            {"id": _id(sid, "area", code), "service_id": sid, "name": code}
            for code in service.eligibility_zone
        ],
        "languages": [
            {"id": _id(sid, "language", code), "service_id": sid, "code": code}
            for code in service.languages
        ],
        "cost_options": [
            {"id": _id(sid, "cost"), "service_id": sid, "amount": 0, "currency": "EUR"}
        ]
        if service.fees == "gratuit"
        else [],
        "attributes": [
            {
                "id": _id(sid, "theme", theme),
                "link_id": sid,
                "link_type": "service",
                "link_entity": "service",
                "taxonomy_term": {
                    "id": _id("theme", theme),
                    "code": theme,
                    "term": str(theme_labels.get(theme, theme)),
                    "taxonomy": THEME_TAXONOMY,
                },
            }
            for theme in service.thematiques
        ],
        "service_at_locations": [
            {"id": _id(sid, "at", loc["id"]), "service_id": sid, "location": loc}
            for loc in locations
        ],
    }


def organization_object(structure: Structure, services: list[Service], theme_labels) -> dict:
    oid = str(structure.public_id)
    identifiers = [
        {
            "id": _id(oid, scheme),
            "organization_id": oid,
            "identifier_scheme": scheme,
            "identifier_type": kind,
            "identifier": value,
        }
        for scheme, kind, value in (
            ("FR-SIRET", "SIRET", structure.siret),
            ("FR-FINESS", "FINESS", structure.finess),
        )
        if value
    ]
    location = _location(structure, oid)
    return {
        "id": oid,
        "name": structure.name,
        "description": structure.description or structure.name,
        "email": structure.email or None,
        "website": structure.website or None,
        "legal_status": structure.get_legal_form_display() if structure.legal_form else None,
        "organization_identifiers": identifiers,
        "phones": _phones(structure.phone, oid, "organization_id"),
        "locations": [location] if location else [],
        "services": [service_object(s, theme_labels) for s in services],
    }


def export(path: Path) -> tuple[int, int]:
    published = Service.objects.filter(state=PublicationState.PUBLISHED).select_related(
        "commune__departement"
    )
    structures = (
        Structure.objects.filter(state=PublicationState.PUBLISHED)
        .select_related("commune__departement")
        .prefetch_related(Prefetch("services", queryset=published.order_by("pk")))
        .order_by("pk")
    )
    theme_labels = dict(Thematique.choices)
    counts = [0, 0]
    with open(path, "w", encoding="utf-8") as handle:
        _write(handle, structures, theme_labels, counts)
    return counts[0], counts[1]


def _write(handle: IO[str], structures, theme_labels, counts) -> None:
    handle.write("[")
    first = True
    for structure in structures.iterator(chunk_size=BATCH):
        services = list(structure.services.all())
        for service in services:
            service.structure = structure
        handle.write("\n" if first else ",\n")
        handle.write(
            json.dumps(organization_object(structure, services, theme_labels), ensure_ascii=False)
        )
        first = False
        counts[0] += 1
        counts[1] += len(services)
    handle.write("\n]\n")
