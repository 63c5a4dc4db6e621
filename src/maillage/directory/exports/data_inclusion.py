"""Export of published structures and services as data·inclusion v1 JSON.

Every row written is valid against the official schema (the `data-inclusion-schema`
package checks the file in the test suite): what the schema would refuse is left out of
the row (an address that is no URL, an empty list where one item is required), and a
service the schema cannot carry at all (a description under five characters) is left out
of the file and counted. One object `{"structures": [...], "services": [...]}`, written as
a stream so memory stays flat; it re-imports to an identical directory, ids included.
"""

from __future__ import annotations

import datetime
import json
import re
import urllib.parse
from pathlib import Path
from typing import IO

from django.utils import timezone

from maillage.directory import health
from maillage.directory.enums import SCHEMA_VERSION, THEME_PARENTS, PublicationState
from maillage.directory.exports import ExportCounts
from maillage.directory.models import MAILLAGE_SOURCE, Service, Structure
from maillage.directory.schemas_datainclusion import (
    INSEE_CODE,
    POSTAL_CODE,
    _email_valid,
    _web_address_valid,
)

BATCH = 2000
TOUS_PUBLICS = "tous-publics"
OLDEST = datetime.date(2000, 1, 1)  # the schema's: a date of the 21st century
SIRET = re.compile(r"^[0-9]{14}$")


def public_id(row) -> str:
    """data·inclusion's id: the source, two dashes, the source's own id ("dora--42")."""
    return f"{row.source}--{row.source_id}"


def _url(value: str) -> str | None:
    """The address as a URI (RFC 3986, what the schemas' "uri" format checks): an accented
    host in its IDNA form, the rest percent-encoded; None when it cannot be one."""
    try:
        value = _web_address_valid(value)
    except ValueError:
        return None
    if value is None:
        return None
    try:
        parts = urllib.parse.urlsplit(value)
        port = parts.port  # raises for a port out of range
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        return None
    netloc = host + (f":{port}" if port else "")
    safe = "/:@!$&'()*+,;=-._~%"
    return urllib.parse.urlunsplit(
        (
            parts.scheme.lower(),
            netloc,
            urllib.parse.quote(parts.path, safe=safe),
            urllib.parse.quote(parts.query, safe=safe + "?"),
            urllib.parse.quote(parts.fragment, safe=safe + "?"),
        )
    )


# Names that are no domain on the Internet (RFC 6761, 6762): an address there reaches no one.
SPECIAL_DOMAINS = {"local", "localhost", "invalid", "test", "onion", "arpa", "internal"}


def _email(value: str) -> str | None:
    try:
        value = _email_valid(value)
    except ValueError:
        return None
    if value is None:
        return None
    domain = value.rpartition("@")[2].lower()
    top = domain.rpartition(".")[2]
    if "." not in domain or domain.startswith("[") or top in SPECIAL_DOMAINS or not top.isalpha():
        return None
    return value


def _listed(values) -> list | None:
    # The schema wants at least one item, or no list at all (its items are a set: each
    # once, in the order they were given).
    values = list(dict.fromkeys(values))
    return values or None


def _updated(row) -> str:
    """The source's update date; for a row written here, the last change of its content.
    Never before 2000 nor after today (the schema refuses both)."""
    today = timezone.localdate()
    changed = timezone.localdate(row.updated_at)
    if row.source == MAILLAGE_SOURCE:  # Maillage is the source: its last change
        day = max(row.source_updated_on or changed, changed)
    else:
        day = row.source_updated_on or changed
    return min(max(day, OLDEST), today).isoformat()


def _place(row) -> dict:
    return {
        "adresse": row.address or None,
        "complement_adresse": row.address_complement or None,
        "code_insee": row.commune_id
        if row.commune_id and INSEE_CODE.match(row.commune_id)
        else None,
        "code_postal": row.postal_code if POSTAL_CODE.match(row.postal_code or "") else None,
        "commune": row.city_name or None,
        "latitude": row.latitude,
        "longitude": row.longitude,
        "courriel": _email(row.email),
        "telephone": row.phone or None,
        "horaires_accueil": row.opening_hours or None,
        "lien_source": _url(row.source_link),
        "date_maj": _updated(row),
    }


def _description(text: str) -> str | None:
    text = (text or "").strip()
    return text[:10_000] if len(text) >= 5 else None  # the schema's bounds


def _named(row) -> bool:
    return 3 <= len(row.name.strip()) <= 150  # the schema's bounds


def structure_row(structure: Structure) -> dict | None:
    """The row of a structure, or None when the schema cannot carry it."""
    if not _named(structure):
        return None
    siret = (structure.siret or "").replace(" ", "")
    return {
        "source": structure.source,
        "id": public_id(structure),
        "nom": structure.name.strip(),
        **_place(structure),
        "siret": siret if SIRET.match(siret) else None,
        "description": _description(structure.description),
        "site_web": _url(structure.website),
        "accessibilite_lieu": _url(structure.accessibility_link),
        "reseaux_porteurs": _listed(structure.networks),
    }


def _publics(values) -> list | None:
    # "tous-publics" cannot stand beside another public: it already includes them all.
    if TOUS_PUBLICS in values:
        return [TOUS_PUBLICS]
    return _listed(values)


# The schema's codes: a commune (5), a département (2 or 3), an EPCI (9 digits), a country.
ZONE = re.compile(r"^([0-9][0-9AB][0-9]{3}|[0-9]{2,3}|2A|2B|[0-9]{9}|99[0-5][0-9]{2})$")


def _zone(codes) -> list | None:
    return _listed(
        "france" if code == "FR" else code for code in codes if code == "FR" or ZONE.match(code)
    )


def service_row(service: Service) -> dict | None:
    """The row of a service, or None when the schema cannot carry it."""
    description = _description(service.description)
    if description is None or not _named(service) or not _named(service.structure):
        return None
    return {
        "source": service.source,
        "id": public_id(service),
        "structure_id": public_id(service.structure),
        "nom": service.name.strip(),
        "description": description,
        **_place(service),
        "type": service.type or None,
        # Sub-themes only, as the schema has it (a parent saved before the editing form
        # offered sub-themes only would make the file invalid); with those the service's
        # health offers stand for (the schema has no field for Maillage's taxonomy).
        "thematiques": _listed(
            t
            for t in health.exchange_themes(service.thematiques, service.health_offers)
            if t in THEME_PARENTS
        ),
        "publics": _publics(health.exchange_publics(service.publics, service.health_offers)),
        "publics_precisions": service.publics_details or None,
        "conditions_acces": service.access_conditions or None,
        "frais": service.fees or None,
        "frais_precisions": service.fees_details or None,
        "contact_nom_prenom": service.contact_name or None,
        "modes_accueil": _listed(service.reception_modes),
        "modes_mobilisation": _listed(service.mobilisation_modes),
        "mobilisable_par": _listed(service.mobilisable_by),
        "mobilisation_precisions": service.mobilisation_details or None,
        "lien_mobilisation": _url(service.mobilisation_link),
        "nombre_semaines": service.weeks or None,  # at least one week, or unknown
        "volume_horaire_hebdomadaire": service.weekly_hours,
        "zone_eligibilite": _zone(service.eligibility_zone),
    }


def _stream(handle: IO[str], key: str, rows) -> None:
    handle.write(f'"{key}": [')
    first = True
    for row in rows:
        handle.write("\n" if first else ",\n")
        handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True))
        first = False
    handle.write("\n]")


def export(path: Path) -> ExportCounts:
    """Write every published structure and service; say how many, and which were left out."""
    structures = Structure.objects.filter(state=PublicationState.PUBLISHED).order_by("pk")
    services = (
        Service.objects.filter(
            state=PublicationState.PUBLISHED, structure__state=PublicationState.PUBLISHED
        )
        .select_related("structure")
        .order_by("pk")
    )
    counts = ExportCounts()

    def structure_rows():
        for structure in structures.iterator(chunk_size=BATCH):
            row = structure_row(structure)
            if row is None:
                counts.left_out.append(f"{structure.name} (nom de moins de 3 caractères)")
                continue
            counts.structures += 1
            yield row

    def service_rows():
        for service in services.iterator(chunk_size=BATCH):
            row = service_row(service)
            if row is None:
                counts.left_out.append(
                    f"{service.name} (nom de moins de 3 caractères, ou le sien ou celui de sa "
                    "structure, ou description de moins de 5)"
                )
                continue
            counts.services += 1
            yield row

    with open(path, "w", encoding="utf-8") as handle:
        handle.write(f'{{"schema_version": "{SCHEMA_VERSION}",\n')
        _stream(handle, "structures", structure_rows())
        handle.write(",\n")
        _stream(handle, "services", service_rows())
        handle.write("}\n")
    return counts
