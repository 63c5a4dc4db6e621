"""Import of the official FINESS extraction (structures: health and social establishments).

The file is `;`-separated, Windows-1252, with a first line like `finess;etalab;96;2026-03-11`
and two kinds of lines: `structureet` (the establishment) and `geolocalisation` (its
coordinates). Coordinates are Lambert 93 in metropolitan France and UTM overseas — the last
token of `sourcecoordet` names the system — and are converted to WGS84 with pyproj. The
INSEE code is the département (`9A`–`9F` standing for 97x) followed by the commune's three
digits. Rows go through the same validated, atomic pipeline as data·inclusion.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from functools import cache
from pathlib import Path

from maillage.directory.imports import data_inclusion
from maillage.directory.imports.data_inclusion import (
    ImportRejected,
    Reader,
    UnreadableFile,
    open_metered,
)

__all__ = ["ImportRejected", "import_files", "insee_code", "to_wgs84"]

SOURCE = "finess"
STRUCTURE_FIELDS = 32
OVERSEAS = {"9A": "971", "9B": "972", "9C": "973", "9D": "974", "9E": "975", "9F": "976"}
UTM = re.compile(r"^UTM_([NS])(\d{1,2})$")


class CoordinateError(ValueError):
    pass


@cache
def _transformer(epsg: int):
    from pyproj import Transformer

    return Transformer.from_crs(epsg, 4326, always_xy=True)


def epsg_for(system: str) -> int:
    system = system.strip().upper()
    if system.startswith("L93"):
        return 2154
    match = UTM.match(system)
    if match:
        hemisphere, zone = match.groups()
        return (32600 if hemisphere == "N" else 32700) + int(zone)
    raise CoordinateError(f"système de coordonnées inconnu : {system!r}")


def to_wgs84(x: float, y: float, system: str) -> tuple[float, float]:
    """(latitude, longitude) of a FINESS point."""
    longitude, latitude = _transformer(epsg_for(system)).transform(x, y)
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise CoordinateError("coordonnées hors de la Terre")
    return round(latitude, 6), round(longitude, 6)


def insee_code(departement: str, commune: str) -> str:
    departement, commune = departement.strip().upper(), commune.strip()
    if departement in OVERSEAS:
        # The overseas département code already carries the third digit of the INSEE code.
        return OVERSEAS[departement] + commune[-2:]
    return departement.zfill(2) + commune.zfill(3)


def _open(path: Path) -> io.TextIOBase:
    return open_metered(path, encoding="cp1252", newline="")


def _coordinates(path: Path) -> dict[str, tuple[float, float, str]]:
    points: dict[str, tuple[float, float, str]] = {}
    with _open(path) as handle:
        for cells in csv.reader(handle, delimiter=";"):
            if cells and cells[0] == "geolocalisation" and len(cells) >= 5:
                try:
                    points[cells[1].strip()] = (
                        float(cells[2]),
                        float(cells[3]),
                        cells[4].rsplit(",", 1)[-1],
                    )
                except ValueError:
                    continue  # reported on the establishment's own line
    return points


def _rows(path: Path) -> Iterator[tuple[str, int, object]]:
    try:
        with _open(path) as handle:
            first = handle.readline()
            if not first.lower().startswith("finess;"):
                raise UnreadableFile(
                    "ce n'est pas une extraction FINESS (première ligne « finess;… » attendue)"
                )
        points = _coordinates(path)
        with _open(path) as handle:
            handle.readline()
            for number, cells in enumerate(csv.reader(handle, delimiter=";"), start=2):
                if not cells or cells[0] != "structureet":
                    continue
                yield "structure", number, _structure(cells, points)
    except (UnicodeDecodeError, csv.Error) as error:
        raise UnreadableFile(f"FINESS illisible : {error}") from error
    except OSError as error:
        raise UnreadableFile(f"fichier illisible : {error.strerror or error}") from error


def _structure(cells: list[str], points) -> dict:
    if len(cells) < STRUCTURE_FIELDS:
        # Left for the validation to refuse with a clear reason.
        return {
            "source": SOURCE,
            "id": cells[1] if len(cells) > 1 else "",
            "nom": "",
            "erreur_lecture": f"{len(cells)} champs au lieu de {STRUCTURE_FIELDS}",
        }
    c = [cell.strip() for cell in cells]
    number = c[1]
    postal, _, city = c[15].partition(" ")
    row = {
        "source": SOURCE,
        "id": number,
        "nom": c[4] or c[3],
        "adresse": " ".join(part for part in (c[7], c[8], c[9]) if part) or None,
        "complement_adresse": " ".join(part for part in (c[10], c[11]) if part) or None,
        "code_insee": insee_code(c[13], c[12]) if c[12] and c[13] else None,
        "code_postal": postal if postal.isdigit() else None,
        "commune": re.sub(r"\s+CEDEX.*$", "", city).strip() or None,
        "telephone": c[16] or None,
        "siret": c[22] or None,
        "date_maj": c[30] or None,
        "finess": number,
        "finess_ej": c[2] or None,
        "categorie_finess": c[18] or None,
        "libelle_categorie_finess": c[19] or None,
    }
    point = points.get(number)
    if point is not None:
        try:
            row["latitude"], row["longitude"] = to_wgs84(*point)
        except CoordinateError as error:
            row["erreur_lecture"] = str(error)
    return row


# Read twice: the positions first, then the establishments. The extraction is the reference
# for the FINESS fields: a new one refreshes them.
READER = Reader(
    rows=_rows,
    position=lambda kind, index: f"ligne {index}",
    passes=lambda path: 2,
    owns=frozenset({"finess", "finess_legal_entity", "finess_category", "finess_category_label"}),
)


def import_files(paths, **options):
    return data_inclusion.import_files(paths, reader=READER, label="finess", **options)
