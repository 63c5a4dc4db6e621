"""Import of the spreadsheet template that coordinators fill in (docs/import-csv.md).

One line per service, with the columns of its structure; lines that share a
`structure_id` describe the same structure (its first line wins). Separator `;` or `,`,
encoding UTF-8 (with or without BOM), UTF-16 (Excel's "texte Unicode") or Windows-1252
(Excel's default in France). Lists go in one cell separated by `|`. Every line has as many
cells as the header (a shorter one is a truncated file, a longer one a stray separator: the
line is rejected); quotes are read strictly (reading.py). The rows then go through the
data·inclusion validation and writing, so the rules and the report are the same, with real
line numbers.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

from maillage.directory.imports import data_inclusion
from maillage.directory.imports.data_inclusion import (
    BadRow,
    ImportRejected,
    Reader,
    open_metered,
)
from maillage.directory.imports.reading import (
    UnreadableFile,
    csv_records,
    open_checked,
    text_lines,
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
    "structure_forme_juridique": "forme_juridique",
    "structure_agrement_esus": "agrement_esus",
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
    # Maillage's health extensions: professions, capacity, the financial and psychosocial
    # faces of accessibility (yes/no columns: oui, non, or empty for no).
    "professions": "professions",
    "capacite": "capacite",
    "secteurs_conventionnement": "secteurs_conventionnement",
    "tiers_payant": "tiers_payant",
    "gratuit_sous_conditions": "gratuit_sous_conditions",
    "acces_pmr": "acces_pmr",
    "accueil_inconditionnel": "accueil_inconditionnel",
    "sans_rendez_vous": "sans_rendez_vous",
    "langues": "langues",
    "interpretariat": "interpretariat",
    "pair_aidance": "pair_aidance",
    "accueil_anonyme": "accueil_anonyme",
    # Maillage's health and medico-social offer (values of GET /api/v1/taxonomie-sante).
    "offres_sante": "offres_sante",
}
LIST_FIELDS = {
    "offres_sante",
    "thematiques",
    "publics",
    "modes_accueil",
    "zone_eligibilite",
    "professions",
    "secteurs_conventionnement",
    "langues",
}
REQUIRED = ["structure_id", "structure_nom", "service_id", "service_nom", "service_description"]
COLUMNS = [*STRUCTURE_COLUMNS, *SERVICE_COLUMNS]


def _cells(value: str, field: str):
    value = (value or "").strip()
    if field in LIST_FIELDS:
        return [part.strip() for part in value.split("|") if part.strip()]
    return value or None


# Template column → the model field it fills, for Maillage's own fields.
EXTENSION_FIELDS = {
    "offres_sante": "health_offers",
    "structure_forme_juridique": "legal_form",
    "structure_agrement_esus": "ess_approved",
    "professions": "professions",
    "capacite": "capacity",
    "secteurs_conventionnement": "fee_sectors",
    "tiers_payant": "third_party_payment",
    "gratuit_sous_conditions": "free_under_conditions",
    "acces_pmr": "reduced_mobility_access",
    "accueil_inconditionnel": "unconditional_welcome",
    "sans_rendez_vous": "no_appointment",
    "langues": "languages",
    "interpretariat": "interpreting",
    "pair_aidance": "peer_workers",
    "accueil_anonyme": "anonymous",
}


def _records(handle) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The header's column names and the records after it, read strictly (reading.py)."""
    lines = text_lines(handle, fallback="cp1252")
    first = next(lines, None)
    if first is None or not first[1].strip():
        raise UnreadableFile("fichier vide : la première ligne doit nommer les colonnes")
    delimiter = ";" if first[1].count(";") >= first[1].count(",") else ","
    records = csv_records(itertools.chain([first], lines), delimiter=delimiter)
    _, header = next(records)
    return [c.strip().lower() for c in header], records


def _columns_in_every_file(paths) -> set[str]:
    """The columns every readable file names (one that cannot be read is left out here: the
    import reports it when it reads it)."""
    present = None
    for path in paths:
        try:
            with open_checked(path, open_metered) as handle:
                columns = set(_records(handle)[0])
        except UnreadableFile:
            continue
        present = columns if present is None else present & columns
    return present or set()


def rows_for(source: str):
    def rows(path: Path) -> Iterator[tuple[str, int, object]]:
        with open_checked(path, open_metered) as handle:
            columns, records = _records(handle)
            missing = [c for c in REQUIRED if c not in columns]
            if missing:
                raise UnreadableFile(f"colonne(s) manquante(s) : {', '.join(missing)}")
            seen: set[str] = set()
            for number, cells in records:
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) != len(columns):
                    yield "service", number, BadRow(_cell_count(len(cells), len(columns)))
                    continue
                line = dict(zip(columns, cells, strict=True))
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
                    {"source": source, "structure_id": structure_id, **service},
                )

    return rows


def _cell_count(found: int, expected: int) -> str:
    if found < expected:
        return (
            f"ligne incomplète : {found} cellules au lieu de {expected} "
            "(fichier tronqué ou séparateurs manquants ?)"
        )
    return (
        f"trop de cellules : {found} au lieu de {expected} "
        "(séparateur dans une cellule sans guillemets ?)"
    )


def import_files(paths, *, source: str = "tableur", **options):
    # The spreadsheet is the reference for what it has a column for, Maillage's own fields
    # included: a re-import refreshes those. A column the files leave out leaves the field
    # as it is (an older spreadsheet does not wipe what editors entered in Maillage).
    present = _columns_in_every_file(paths)
    owned = {field for column, field in EXTENSION_FIELDS.items() if column in present}
    reader = Reader(
        rows=rows_for(source),
        position=lambda kind, index: f"ligne {index}",
        owns=frozenset(owned & data_inclusion.STRUCTURE_EXTENSIONS),
        service_owns=frozenset(owned & data_inclusion.SERVICE_EXTENSIONS),
        extended=True,
    )
    return data_inclusion.import_files(paths, reader=reader, label="csv", **options)
