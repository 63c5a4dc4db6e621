"""Import of data·inclusion v1 JSON (structures and services).

A file is either an object ``{"structures": [...], "services": [...]}`` or an array of rows
(a row with a ``structure_id`` is a service); several files can be given together (the
national service publishes ``structures.json`` and ``services.json`` apart).

Two streaming passes, so memory stays flat whatever the size: the first validates every row
and the references between them, the second writes, in one transaction. A file with a bad
row changes nothing and the report names each rejected row with its reason; with
``skip_invalid`` the valid rows are written and the report still lists the others.
Re-importing updates rows in place by (source, id).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import ijson
from django.db import connection, transaction
from django.utils import timezone
from pydantic import ValidationError

from maillage.core import audit
from maillage.directory import search_index
from maillage.directory.enums import PublicationState
from maillage.directory.models import Service, Structure
from maillage.directory.schemas_datainclusion import DIService, DIStructure
from maillage.territories.models import Commune

BATCH = 10000
KINDS = {"structure": "structures", "service": "services"}


@dataclass(frozen=True)
class Rejection:
    file: str
    kind: str
    index: int  # position of the row in its list (JSON) or its line number (CSV), from 1
    row_id: str
    reason: str
    position: str = ""  # how the format names the place: "services n° 3", "ligne 12"

    def __str__(self) -> str:
        where = f"{self.file} : {self.position or f'{KINDS[self.kind]} n° {self.index}'}"
        if self.row_id:
            where += f" (id {self.row_id})"
        return f"{where} — {self.reason}"


@dataclass(frozen=True)
class Reader:
    """A format: how to stream (kind, index, row) out of a file, and how to name a place."""

    rows: Callable[[Path], Iterator[tuple[str, int, object]]]
    position: Callable[[str, int], str]


@dataclass
class ImportReport:
    structures_created: int = 0
    structures_updated: int = 0
    services_created: int = 0
    services_updated: int = 0
    rows_read: int = 0
    rejected: list[Rejection] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.rows_read} lignes lues ; structures : {self.structures_created} créées, "
            f"{self.structures_updated} mises à jour ; services : {self.services_created} "
            f"créés, {self.services_updated} mis à jour ; {len(self.rejected)} rejetées"
        )


class ImportRejected(Exception):
    """Nothing was written: the report says why, row by row."""

    def __init__(self, report: ImportReport):
        super().__init__(f"{len(report.rejected)} ligne(s) rejetée(s), rien n'a été importé")
        self.report = report


# -- reading ------------------------------------------------------------------------------------
class UnreadableFile(ValueError):
    pass


def _rows(path: Path) -> Iterator[tuple[str, int, object]]:
    """(kind, index, raw row) for every row of the file, streamed."""
    try:
        with open(path, "rb") as handle:
            head = handle.read(4096).lstrip()
            handle.seek(0)
            if head.startswith(b"["):
                for index, row in enumerate(ijson.items(handle, "item", use_float=True), 1):
                    kind = (
                        "service"
                        if isinstance(row, dict) and "structure_id" in row
                        else ("structure")
                    )
                    yield kind, index, row
            elif head.startswith(b"{"):
                for kind, key in KINDS.items():
                    handle.seek(0)
                    for index, row in enumerate(
                        ijson.items(handle, f"{key}.item", use_float=True), 1
                    ):
                        yield kind, index, row
            else:
                raise UnreadableFile("le fichier n'est pas un document JSON (objet ou tableau)")
    except (ijson.JSONError, UnicodeDecodeError) as error:
        raise UnreadableFile(f"JSON illisible : {error}") from error
    except OSError as error:
        raise UnreadableFile(f"fichier illisible : {error.strerror or error}") from error


def french_reason(error: ValidationError) -> str:
    parts = []
    for item in error.errors():
        where = ".".join(str(p) for p in item["loc"])
        kind = item["type"]
        context = item.get("ctx", {})
        if kind == "missing":
            message = "champ obligatoire manquant"
        elif kind == "string_too_short":
            message = f"trop court (au moins {context.get('min_length')} caractères)"
        elif kind == "string_too_long":
            message = f"trop long (au plus {context.get('max_length')} caractères)"
        elif kind in {"greater_than_equal", "less_than_equal"}:
            bound = context.get("ge", context.get("le"))
            word = "au moins" if kind == "greater_than_equal" else "au plus"
            message = f"valeur hors limites ({word} {bound})"
        elif kind.startswith(("date", "datetime")):
            message = "date invalide (format attendu AAAA-MM-JJ)"
        elif kind in {"float_parsing", "float_type", "int_parsing", "int_type", "int_from_float"}:
            message = "nombre attendu"
        elif kind in {"list_type"}:
            message = "liste attendue"
        elif kind in {"string_type"}:
            message = "texte attendu"
        elif kind == "model_type" or kind == "dict_type":
            message = "objet JSON attendu"
        elif kind == "value_error":
            message = str(context.get("error", item["msg"]))
        else:
            message = item["msg"]
        parts.append(f"{where} : {message}" if where else message)
    return " ; ".join(parts)


# -- the two passes ------------------------------------------------------------------------------
@dataclass
class _Checked:
    rejected: set[tuple[str, str, int]]  # (file, kind, index)
    rows_read: int


def _validate(
    paths: list[Path],
    report: ImportReport,
    reader: Reader,
    progress: Callable[[int, int | None], None] | None = None,
) -> _Checked:
    communes = set(Commune.objects.values_list("code", flat=True))
    structure_keys: set[tuple[str, str]] = set()
    service_keys: set[tuple[str, str]] = set()
    services_to_link: list[tuple[str, int, str, tuple[str, str]]] = []
    rejected: set[tuple[str, str, int]] = set()
    rows_read = 0

    def reject(file, kind, index, row_id, reason):
        rejected.add((file, kind, index))
        report.rejected.append(
            Rejection(file, kind, index, row_id, reason, reader.position(kind, index))
        )

    for path in paths:
        file = path.name
        try:
            for kind, index, raw in reader.rows(path):
                rows_read += 1
                if progress and rows_read % 1000 == 0:
                    progress(rows_read, None)
                row_id = str(raw.get("id", ""))[:80] if isinstance(raw, dict) else ""
                if not isinstance(raw, dict):
                    reject(file, kind, index, "", "objet JSON attendu")
                    continue
                model = DIStructure if kind == "structure" else DIService
                try:
                    row = model.model_validate(raw)
                except ValidationError as error:
                    reject(file, kind, index, row_id, french_reason(error))
                    continue
                if row.code_insee and row.code_insee not in communes:
                    reject(file, kind, index, row_id, f"commune inconnue : {row.code_insee}")
                    continue
                key = (row.source, row.id)
                keys = structure_keys if kind == "structure" else service_keys
                if key in keys:
                    reject(file, kind, index, row_id, "identifiant en double dans l'import")
                    continue
                keys.add(key)
                if kind == "service":
                    services_to_link.append((file, index, row.id, (row.source, row.structure_id)))
        except UnreadableFile as error:
            report.rejected.append(
                Rejection(file, "structure", 0, "", str(error), position="fichier")
            )
            raise ImportRejected(report) from error

    missing = {target for *_, target in services_to_link} - structure_keys
    if missing:
        existing = _existing_structures(missing)
        for file, index, row_id, target in services_to_link:
            if target in missing and target not in existing:
                reject(file, "service", index, row_id, f"structure inconnue : {target[1]}")
    return _Checked(rejected=rejected, rows_read=rows_read)


def _existing_structures(keys: set[tuple[str, str]]) -> set[tuple[str, str]]:
    found = set()
    by_source: dict[str, list[str]] = {}
    for source, source_id in keys:
        by_source.setdefault(source, []).append(source_id)
    for source, ids in by_source.items():
        found |= {
            (source, sid)
            for sid in Structure.objects.filter(source=source, source_id__in=ids).values_list(
                "source_id", flat=True
            )
        }
    return found


def _place_fields(row) -> dict:
    return {
        "address": row.adresse or "",
        "address_complement": row.complement_adresse or "",
        "commune_id": row.code_insee,
        "postal_code": row.code_postal or "",
        "city_name": row.commune or "",
        "latitude": row.latitude,
        "longitude": row.longitude,
        "email": row.courriel or "",
        "phone": row.telephone or "",
        "opening_hours": row.horaires_accueil or "",
        "source_link": row.lien_source or "",
        "source": row.source,
        "source_id": row.id,
        "source_updated_on": row.date_maj,
        "name": row.nom,
    }


def _structure(row: DIStructure, state: str) -> Structure:
    return Structure(
        **_place_fields(row),
        state=state,
        description=row.description or "",
        siret=row.siret or "",
        website=row.site_web or "",
        accessibility_link=row.accessibilite_lieu or "",
        networks=row.reseaux_porteurs or [],
        finess=row.finess or "",
        finess_legal_entity=row.finess_ej or "",
        finess_category=row.categorie_finess or "",
        finess_category_label=row.libelle_categorie_finess or "",
    )


def _service(row: DIService, structure_pk: int, state: str) -> Service:
    return Service(
        **_place_fields(row),
        state=state,
        structure_id=structure_pk,
        description=row.description,
        type=row.type or "",
        thematiques=row.thematiques or [],
        publics=row.publics or [],
        publics_details=row.publics_precisions or "",
        access_conditions=row.conditions_acces or "",
        fees=row.frais or "",
        fees_details=row.frais_precisions or "",
        contact_name=row.contact_nom_prenom or "",
        reception_modes=row.modes_accueil or [],
        mobilisation_modes=row.modes_mobilisation or [],
        mobilisable_by=row.mobilisable_par or [],
        mobilisation_details=row.mobilisation_precisions or "",
        mobilisation_link=row.lien_mobilisation or "",
        weeks=row.nombre_semaines,
        weekly_hours=row.volume_horaire_hebdomadaire,
        eligibility_zone=row.zone_eligibilite or [],
    )


# What an import owns: the fields a re-import refreshes. Identity, moderation and what
# Maillage adds on top of the source (FINESS, legal form, health facets) stay as they are.
_KEPT = {
    "merged_into",
    "id",
    "public_id",
    "created_at",
    "created_by",
    "source",
    "source_id",
    "state",
    "rejection_reason",
    "organisation",
    "legal_form",
    "ess_approved",
    "finess",
    "finess_legal_entity",
    "finess_category",
    "finess_category_label",
}
_SERVICE_OWN = {
    "professions",
    "capacity",
    "fee_sectors",
    "third_party_payment",
    "free_under_conditions",
    "reduced_mobility_access",
    "unconditional_welcome",
    "no_appointment",
    "languages",
    "interpreting",
    "peer_workers",
    "anonymous",
    "update_frequency_days",
}
UPDATABLE = {
    Structure: [f.name for f in Structure._meta.concrete_fields if f.name not in _KEPT],
    Service: [f.name for f in Service._meta.concrete_fields if f.name not in _KEPT | _SERVICE_OWN],
}


def _upsert(model, objects: list, report: ImportReport, kind: str) -> None:
    """Insert or update by (source, source_id): the rows go to a temporary table by COPY,
    then one INSERT ... SELECT ... ON CONFLICT moves them in. Building a parameterised
    INSERT of thousands of rows costs far more in Python than the database's own work."""
    if not objects:
        return
    now = timezone.now()
    fields = [f for f in model._meta.concrete_fields if not f.primary_key]
    columns = [f.column for f in fields]
    updates = [model._meta.get_field(name).column for name in UPDATABLE[model]]
    table = model._meta.db_table
    stage = f"import_stage_{table}"
    column_list = ", ".join(f'"{c}"' for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f'CREATE TEMP TABLE IF NOT EXISTS "{stage}" ON COMMIT DROP AS '  # noqa: S608
            f'SELECT {column_list} FROM "{table}" WITH NO DATA'
        )
        cursor.execute(f'TRUNCATE "{stage}"')
        with cursor.cursor.copy(f'COPY "{stage}" ({column_list}) FROM STDIN') as copy:
            for obj in objects:
                obj.created_at = obj.updated_at = now
                copy.write_row([_db_value(f, getattr(obj, f.attname)) for f in fields])
        assignments = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in updates)
        cursor.execute(
            f'INSERT INTO "{table}" ({column_list}) '  # noqa: S608 - names from the models
            f'SELECT {column_list} FROM "{stage}" '
            f"ON CONFLICT (source, source_id) DO UPDATE SET {assignments} "
            "RETURNING (xmax = 0)"
        )
        inserted = sum(1 for (is_new,) in cursor.fetchall() if is_new)
    setattr(report, f"{kind}_created", getattr(report, f"{kind}_created") + inserted)
    setattr(report, f"{kind}_updated", getattr(report, f"{kind}_updated") + len(objects) - inserted)


def _db_value(field, value):
    if isinstance(value, uuid.UUID):
        return str(value)
    return value


def _write(
    paths: list[Path],
    checked: _Checked,
    report: ImportReport,
    state: str,
    progress: Callable[[int, int | None], None] | None,
    reader: Reader,
) -> list[int]:
    """Write the valid rows; return the ids of the structures touched (for the search index).
    Each file is read twice (structures, then services): progress goes to 2 × rows."""
    done = 0
    total = 2 * checked.rows_read
    touched: set[tuple[str, str]] = set()
    structures: list[Structure] = []
    for path in paths:
        for kind, index, raw in reader.rows(path):
            done += 1
            if progress and done % 1000 == 0:
                progress(done, total)
            if kind != "structure" or (path.name, kind, index) in checked.rejected:
                continue
            structure = _structure(DIStructure.model_validate(raw), state)
            touched.add((structure.source, structure.source_id))
            structures.append(structure)
            if len(structures) >= BATCH:
                _upsert(Structure, structures, report, "structures")
                structures = []
    _upsert(Structure, structures, report, "structures")

    services: list[Service] = []
    pks: dict[tuple[str, str], int] = {}
    for path in paths:
        for kind, index, raw in reader.rows(path):
            done += 1
            if progress and done % 1000 == 0:
                progress(done, total)
            if kind != "service" or (path.name, kind, index) in checked.rejected:
                continue
            row = DIService.model_validate(raw)
            key = (row.source, row.structure_id)
            touched.add(key)
            if key not in pks:
                pks.update(_structure_pks(row.source))
            services.append(_service(row, pks[key], state))
            if len(services) >= BATCH:
                _upsert(Service, services, report, "services")
                services = []
    _upsert(Service, services, report, "services")
    if progress:
        progress(total, total)
    for source in {source for source, _ in touched} - {source for source, _ in pks}:
        pks.update(_structure_pks(source))
    return [pks[key] for key in touched]


def _structure_pks(source: str) -> dict[tuple[str, str], int]:
    # A structure a moderator merged into another hands its services over to that one.
    return {
        (source, sid): merged_into or pk
        for sid, pk, merged_into in Structure.objects.filter(source=source).values_list(
            "source_id", "pk", "merged_into"
        )
    }


DATA_INCLUSION = Reader(rows=_rows, position=lambda kind, index: f"{KINDS[kind]} n° {index}")


def import_files(
    paths: list[Path],
    *,
    skip_invalid: bool = False,
    state: str = PublicationState.PUBLISHED,
    progress: Callable[[int, int | None], None] | None = None,
    reader: Reader = DATA_INCLUSION,
    label: str = "data-inclusion",
) -> ImportReport:
    """Validate then write, atomically. Raises ImportRejected (nothing written) when a row is
    invalid and skip_invalid is off."""
    paths = [Path(p) for p in paths]
    report = ImportReport()
    checked = _validate(paths, report, reader, progress)
    report.rows_read = checked.rows_read
    if report.rejected and not skip_invalid:
        raise ImportRejected(report)
    with transaction.atomic():
        touched = _write(paths, checked, report, state, progress, reader)
        search_index.refresh(structure_ids=touched)
        audit.record(
            "directory.import",
            object_type="directory.import",
            object_id=label,
            details={
                "files": [p.name for p in paths],
                "rows": report.rows_read,
                "rejected": len(report.rejected),
            },
        )
    return report
