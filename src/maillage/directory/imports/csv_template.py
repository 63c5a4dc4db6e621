"""Import of the spreadsheet template that coordinators fill in (docs/import-csv.md).

One line per service, with the columns of its structure; lines that share a
`structure_id` describe the same structure (its first line wins). Separator `;` or `,`,
encoding UTF-8 (with or without BOM) or Windows-1252 (Excel's default in France). Lists go in
one cell separated by `|`. The rows then go through the data·inclusion validation and writing,
so the rules and the report are the same, with real line numbers.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from maillage.directory.imports import data_inclusion
from maillage.directory.imports.data_inclusion import (
    ImportRejected,
    Reader,
    UnreadableFile,
    open_metered,
)

__all__ = ["COLUMNS", "ImportRejected", "import_files"]

STRUCTURE_COLUMNS = {
    "structure_id": "id",
    "structure_nom": "nom",
    "structure_siret": "siret",
    "structure_adresse": "adresse",
    "structure_code_postal": "code_postal",
    "structure_code_insee": "code_insee",
    "structure_commune": "commune",
    "structure_telephone": "telephone",
    "structure_courriel": "courriel",
    "structure_site_web": "site_web",
    "structure_horaires": "horaires_accueil",
    "structure_description": "description",
}
SERVICE_COLUMNS = {
    "service_id": "id",
    "service_nom": "nom",
    "service_description": "description",
    "thematiques": "thematiques",
    "publics": "publics",
    "frais": "frais",
    "frais_precisions": "frais_precisions",
    "modes_accueil": "modes_accueil",
    "conditions_acces": "conditions_acces",
    "service_telephone": "telephone",
    "service_courriel": "courriel",
    "service_horaires": "horaires_accueil",
    "zone_eligibilite": "zone_eligibilite",
    "date_maj": "date_maj",
}
LIST_FIELDS = {"thematiques", "publics", "modes_accueil", "zone_eligibilite"}
REQUIRED = ["structure_id", "structure_nom", "service_id", "service_nom", "service_description"]
COLUMNS = [*STRUCTURE_COLUMNS, *SERVICE_COLUMNS]


def _text_stream(path: Path) -> io.TextIOBase:
    raw = open_metered(path)
    head = raw.read(65536)
    raw.seek(0)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            head.decode(encoding)
        except UnicodeDecodeError:
            continue
        return io.TextIOWrapper(raw, encoding=encoding, newline="")
    raw.close()
    raise UnreadableFile("encodage non reconnu (UTF-8 ou Windows-1252 attendu)")


def _cells(value: str, field: str):
    value = (value or "").strip()
    if field in LIST_FIELDS:
        return [part.strip() for part in value.split("|") if part.strip()]
    return value or None


def rows_for(source: str):
    def rows(path: Path) -> Iterator[tuple[str, int, object]]:
        try:
            with _text_stream(path) as handle:
                header = handle.readline()
                if not header.strip():
                    raise UnreadableFile(
                        "fichier vide : la première ligne doit nommer les colonnes"
                    )
                delimiter = ";" if header.count(";") >= header.count(",") else ","
                columns = [
                    c.strip().lower() for c in next(csv.reader([header], delimiter=delimiter))
                ]
                missing = [c for c in REQUIRED if c not in columns]
                if missing:
                    raise UnreadableFile(f"colonne(s) manquante(s) : {', '.join(missing)}")
                seen: set[str] = set()
                reader = csv.reader(handle, delimiter=delimiter)
                for number, cells in enumerate(reader, start=2):
                    if not any(cell.strip() for cell in cells):
                        continue
                    line = dict(zip(columns, cells, strict=False))
                    structure_id = (line.get("structure_id") or "").strip()
                    if structure_id not in seen:
                        seen.add(structure_id)
                        structure = {
                            field: _cells(line.get(column, ""), field)
                            for column, field in STRUCTURE_COLUMNS.items()
                        }
                        yield "structure", number, {"source": source, **structure}
                    service = {
                        field: _cells(line.get(column, ""), field)
                        for column, field in SERVICE_COLUMNS.items()
                    }
                    yield (
                        "service",
                        number,
                        {
                            "source": source,
                            "structure_id": structure_id,
                            **service,
                        },
                    )
        except (UnicodeDecodeError, csv.Error) as error:
            raise UnreadableFile(f"CSV illisible : {error}") from error
        except OSError as error:
            raise UnreadableFile(f"fichier illisible : {error.strerror or error}") from error

    return rows


def import_files(paths, *, source: str = "tableur", **options):
    reader = Reader(rows=rows_for(source), position=lambda kind, index: f"ligne {index}")
    return data_inclusion.import_files(paths, reader=reader, label="csv", **options)
