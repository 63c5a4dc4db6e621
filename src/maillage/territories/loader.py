"""Load the territory data pack (territories/data/territories.json.gz) into the database.

Idempotent: rows are upserted by their official code, so a second load changes nothing and
a newer pack updates names, populations and positions in place.
"""

import gzip
import json
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from maillage.territories.enums import CommuneKind
from maillage.territories.models import Commune, Departement, Epci, FormerCommune, Region
from maillage.territories.text import normalise_name

PACK_PATH = Path(__file__).resolve().parent / "data" / "territories.json.gz"
SUPPORTED_FORMATS = {2}
BATCH = 2000


class PackError(ValueError):
    pass


@dataclass(frozen=True)
class LoadReport:
    regions: int
    departements: int
    epci: int
    communes: int
    former_communes: int


def read_pack(path: Path = PACK_PATH) -> dict:
    try:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            pack = json.load(handle)
    except (OSError, json.JSONDecodeError) as error:
        raise PackError(f"{path}: not a readable territory pack ({error})") from error
    if pack.get("format") not in SUPPORTED_FORMATS:
        raise PackError(f"{path}: unsupported pack format {pack.get('format')!r}")
    return pack


def _upsert(model, rows, fields):
    model.objects.bulk_create(
        rows,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=[model._meta.pk.name],
        update_fields=fields,
    )


@transaction.atomic
def load_pack(path: Path = PACK_PATH) -> LoadReport:
    pack = read_pack(path)
    _upsert(
        Region,
        [
            Region(code=r["code"], name=r["name"], population=r["population"])
            for r in pack["regions"]
        ],
        ["name", "population"],
    )
    _upsert(
        Departement,
        [
            Departement(
                code=d["code"],
                name=d["name"],
                region_id=d["region"],
                search_name=normalise_name(d["name"]),
            )
            for d in pack["departements"]
        ],
        ["name", "region", "search_name"],
    )
    _upsert(
        Epci,
        [
            Epci(
                code=e["code"],
                name=e["name"],
                kind=e["type"],
                population=e["population"],
                search_name=normalise_name(e["name"]),
            )
            for e in pack["epci"]
        ],
        ["name", "kind", "population", "search_name"],
    )
    fields = [
        "name",
        "kind",
        "departement",
        "epci",
        "parent",
        "postal_codes",
        "population",
        "latitude",
        "longitude",
        "position_approximate",
        "search_name",
    ]
    # Parents (current communes) before their municipal arrondissements.
    rows = sorted(pack["communes"], key=lambda c: c["type"] != CommuneKind.COMMUNE)
    _upsert(
        Commune,
        [
            Commune(
                code=c["code"],
                name=c["name"],
                kind=c["type"],
                departement_id=c["departement"],
                epci_id=c["epci"],
                parent_id=c["parent"],
                postal_codes=c["postal_codes"],
                population=c["population"],
                latitude=c["lat"],
                longitude=c["lon"],
                position_approximate=c["position_approximate"],
                search_name=normalise_name(c["name"]),
            )
            for c in rows
        ],
        fields,
    )
    FormerCommune.objects.bulk_create(
        [
            FormerCommune(
                code=f["code"],
                name=f["name"],
                kind=f["type"],
                commune_id=f["commune"],
                search_name=normalise_name(f["name"]),
            )
            for f in pack["former_communes"]
        ],
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["code", "kind"],
        update_fields=["name", "commune", "search_name"],
    )
    return LoadReport(
        regions=len(pack["regions"]),
        departements=len(pack["departements"]),
        epci=len(pack["epci"]),
        communes=len(pack["communes"]),
        former_communes=len(pack["former_communes"]),
    )


def is_loaded() -> bool:
    return Commune.objects.exists()
