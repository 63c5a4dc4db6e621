"""Export of published structures and services as data·inclusion v1 JSON.

The output re-imports to an identical directory (round-trip tested): one object
`{"structures": [...], "services": [...]}`, written as a stream so memory stays flat.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO

from maillage.directory.enums import SCHEMA_VERSION, THEME_PARENTS, PublicationState
from maillage.directory.models import Service, Structure

BATCH = 2000


def _place(row) -> dict:
    return {
        "adresse": row.address or None,
        "complement_adresse": row.address_complement or None,
        "code_insee": row.commune_id,
        "code_postal": row.postal_code or None,
        "commune": row.city_name or None,
        "latitude": row.latitude,
        "longitude": row.longitude,
        "courriel": row.email or None,
        "telephone": row.phone or None,
        "horaires_accueil": row.opening_hours or None,
        "lien_source": row.source_link or None,
        "date_maj": row.source_updated_on.isoformat() if row.source_updated_on else None,
    }


def structure_row(structure: Structure) -> dict:
    return {
        "source": structure.source,
        "id": structure.source_id,
        "nom": structure.name,
        **_place(structure),
        "siret": structure.siret or None,
        "description": structure.description or None,
        "site_web": structure.website or None,
        "accessibilite_lieu": structure.accessibility_link or None,
        "reseaux_porteurs": structure.networks,
    }


def service_row(service: Service) -> dict:
    return {
        "source": service.source,
        "id": service.source_id,
        "structure_id": service.structure.source_id,
        "nom": service.name,
        "description": service.description,
        **_place(service),
        "type": service.type or None,
        # Sub-themes only, as the schema has it (a parent saved before the editing form
        # offered sub-themes only would make the file invalid).
        "thematiques": [t for t in service.thematiques if t in THEME_PARENTS],
        "publics": service.publics,
        "publics_precisions": service.publics_details or None,
        "conditions_acces": service.access_conditions or None,
        "frais": service.fees or None,
        "frais_precisions": service.fees_details or None,
        "contact_nom_prenom": service.contact_name or None,
        "modes_accueil": service.reception_modes,
        "modes_mobilisation": service.mobilisation_modes,
        "mobilisable_par": service.mobilisable_by,
        "mobilisation_precisions": service.mobilisation_details or None,
        "lien_mobilisation": service.mobilisation_link or None,
        "nombre_semaines": service.weeks,
        "volume_horaire_hebdomadaire": service.weekly_hours,
        "zone_eligibilite": service.eligibility_zone,
    }


def _stream(handle: IO[str], key: str, rows) -> None:
    handle.write(f'"{key}": [')
    first = True
    for row in rows:
        handle.write("\n" if first else ",\n")
        handle.write(json.dumps(row, ensure_ascii=False, sort_keys=True))
        first = False
    handle.write("\n]")


def export(path: Path) -> tuple[int, int]:
    """Write every published structure and service; return how many of each."""
    structures = Structure.objects.filter(state=PublicationState.PUBLISHED).order_by("pk")
    services = (
        Service.objects.filter(
            state=PublicationState.PUBLISHED, structure__state=PublicationState.PUBLISHED
        )
        .select_related("structure")
        .order_by("pk")
    )
    counts = [0, 0]

    def counted(rows, index):
        for row in rows:
            counts[index] += 1
            yield row

    with open(path, "w", encoding="utf-8") as handle:
        handle.write(f'{{"schema_version": "{SCHEMA_VERSION}",\n')
        _stream(
            handle,
            "structures",
            counted((structure_row(s) for s in structures.iterator(chunk_size=BATCH)), 0),
        )
        handle.write(",\n")
        _stream(
            handle,
            "services",
            counted((service_row(s) for s in services.iterator(chunk_size=BATCH)), 1),
        )
        handle.write("}\n")
    return counts[0], counts[1]
