"""Export of the published directory as Open Referral HSDS 3.0 JSON.

One array of organizations, each with its locations, phones, identifiers and nested services
(with their service_at_locations, schedules, phones, languages, service areas, cost options
and thématiques as attributes of the ``data-inclusion-thematiques`` taxonomy). Ids are the
records' public UUIDs; sub-object ids are UUIDs derived from them, so a re-export gives the
same ids. Streamed, so memory stays flat.

Opening hours become weekly schedules read from a reference week without public holidays;
the whole expression ("PH off", seasons) is kept in each schedule's ``description``, which
the import reads back as is. data·inclusion's enumerations (thématiques, publics, type,
modes d'accueil, frais) travel as attributes of taxonomies of that name, and an address's
commune as an attribute of the ``insee-cog-communes`` taxonomy (HSDS has no field for it).

Every object validates against the compiled schemas of HSDS 3.0 (checked in the test
suite): a value Maillage does not have is left out, never written null.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from pathlib import Path
from typing import IO

from django.db.models import Prefetch

from maillage.directory import health, hours
from maillage.directory.enums import (
    Frais,
    LegalForm,
    ModeAccueil,
    Public,
    PublicationState,
    ServiceType,
    Thematique,
)
from maillage.directory.exports import ExportCounts
from maillage.directory.exports.data_inclusion import _email, _url
from maillage.directory.imports.hsds import ATTRIBUTE_TAXONOMIES, COMMUNE_TAXONOMY
from maillage.directory.models import Service, Structure

LABELS = {
    "thematiques": dict(Thematique.choices),
    "publics": dict(Public.choices),
    "type": dict(ServiceType.choices),
    "modes_accueil": dict(ModeAccueil.choices),
    "frais": dict(Frais.choices),
    "offres_sante": dict(health.choices()),
}
TAXONOMY_OF = {name: taxonomy for taxonomy, (name, _) in ATTRIBUTE_TAXONOMIES.items()}


def _present(value):
    """The object without its null values, at every level (HSDS wants the key absent)."""
    if isinstance(value, dict):
        return {k: _present(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_present(v) for v in value]
    return value


BATCH = 500
DAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


def _id(*parts) -> str:
    return str(uuid.uuid5(uuid.NAMESPACE_URL, "maillage:" + ":".join(str(p) for p in parts)))


def schedules(expression: str, owner_id: str, key: str) -> list[dict]:
    """Weekly schedules of the reference week, each with the whole expression as its
    description; hours with no slot that week (summer only, holidays) give one schedule
    with the expression alone, so that nothing is lost."""
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
    if expression and not result:
        result.append({"id": _id(owner_id, "schedule"), key: owner_id, "description": expression})
    return result


def _term(taxonomy: str, code: str, label: str) -> dict:
    return {
        "id": _id(taxonomy, code),
        "code": code,
        "name": label,
        "description": label,
        "taxonomy": taxonomy,
    }


def _attributes(owner_id: str, link_type: str, fields: dict) -> list[dict]:
    """data·inclusion's values of a record as HSDS attributes, one per value."""
    result = []
    for name, values in fields.items():
        taxonomy = TAXONOMY_OF[name]
        for code in [values] if isinstance(values, str) else values:
            if not code:
                continue
            result.append(
                {
                    "id": _id(owner_id, taxonomy, code),
                    "link_id": owner_id,
                    "link_type": link_type,
                    "link_entity": link_type,
                    "value": code,
                    "taxonomy_term": _term(taxonomy, code, str(LABELS[name].get(code, code))),
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
    address_id = _id(owner_id, "address")
    return {
        "id": location_id,
        "location_type": "physical",
        "name": entry.name,
        "latitude": entry.latitude,
        "longitude": entry.longitude,
        "addresses": [
            {
                "id": address_id,
                "location_id": location_id,
                "address_1": entry.address or "",
                "address_2": entry.address_complement or None,
                "city": entry.city_name or (commune.name if commune else ""),
                "state_province": commune.departement.name if commune else "",
                "postal_code": postal_code_of(entry),
                "country": "FR",
                "address_type": "physical",
                "attributes": [
                    {
                        "id": _id(address_id, COMMUNE_TAXONOMY),
                        "link_id": address_id,
                        "link_type": "address",
                        "link_entity": "address",
                        "value": commune.code,
                        "taxonomy_term": _term(COMMUNE_TAXONOMY, commune.code, commune.name),
                    }
                ]
                if commune
                else [],
            }
        ],
    }


def service_object(service: Service) -> dict:
    sid = str(service.public_id)
    structure = service.structure
    # At its own place, or at its structure's (the organization's location, by its id); a
    # service received at a distance only has no physical location.
    modes = service.reception_modes
    in_person = "en-presentiel" in modes or not modes
    place = _location(service, sid) or _location(structure, str(structure.public_id))
    locations = [place] if place and in_person else []
    if "a-distance" in modes:
        locations.append(
            {"id": _id(sid, "virtual"), "location_type": "virtual", "name": service.name}
        )
    return {
        "id": sid,
        "organization_id": str(structure.public_id),
        "name": service.name,
        "description": service.description,
        "url": _url(service.mobilisation_link),
        "email": _email(service.email),
        "status": "active",
        "eligibility_description": service.access_conditions or None,
        "fees_description": service.fees_details or None,
        "application_process": service.mobilisation_details or None,
        "interpretation_services": "Interprétariat" if service.interpreting else None,
        # The source's own date only: HSDS does not require one, and a date made up here
        # would read back as a verification.
        "assured_date": service.source_updated_on.isoformat()
        if service.source_updated_on
        else None,
        "phones": _phones(service.phone, sid, "service_id"),
        "schedules": schedules(service.opening_hours, sid, "service_id"),
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
        "attributes": _attributes(
            sid,
            "service",
            {
                # data·inclusion's themes, those the health offers stand for included: a
                # partner that knows only data·inclusion finds the service by them.
                "thematiques": health.exchange_themes(service.thematiques, service.health_offers),
                "publics": health.exchange_publics(service.publics, service.health_offers),
                "type": service.type,
                "offres_sante": service.health_offers,
                "modes_accueil": service.reception_modes,
                "frais": service.fees,
            },
        ),
        "service_at_locations": [
            {
                "id": _id(sid, "at", loc["id"]),
                "service_id": sid,
                "location_id": loc["id"],
                "location": loc,
            }
            for loc in locations
        ],
    }


def organization_object(structure: Structure, services: list[Service]) -> dict:
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
        "description": structure.description,
        "email": _email(structure.email),
        "website": _url(structure.website),
        "legal_status": str(LegalForm(structure.legal_form).label)
        if structure.legal_form
        else None,
        "organization_identifiers": identifiers,
        "phones": _phones(structure.phone, oid, "organization_id"),
        "locations": [location] if location else [],
        "services": [service_object(s) for s in services],
    }


def export(path: Path) -> ExportCounts:
    published = Service.objects.filter(state=PublicationState.PUBLISHED).select_related(
        "commune__departement"
    )
    structures = (
        Structure.objects.filter(state=PublicationState.PUBLISHED)
        .select_related("commune__departement")
        .prefetch_related(Prefetch("services", queryset=published.order_by("pk")))
        .order_by("pk")
    )
    counts = ExportCounts()
    with open(path, "w", encoding="utf-8") as handle:
        _write(handle, structures, counts)
    return counts


def _write(handle: IO[str], structures, counts: ExportCounts) -> None:
    handle.write("[")
    first = True
    for structure in structures.iterator(chunk_size=BATCH):
        services = list(structure.services.all())
        for service in services:
            service.structure = structure
        handle.write("\n" if first else ",\n")
        handle.write(
            json.dumps(_present(organization_object(structure, services)), ensure_ascii=False)
        )
        first = False
        counts.structures += 1
        counts.services += len(services)
    handle.write("\n]\n")
