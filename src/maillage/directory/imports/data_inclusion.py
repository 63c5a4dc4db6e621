"""Import of data·inclusion v1 JSON (structures and services).

A file is either an object ``{"structures": [...], "services": [...]}`` or an array of rows
(a row with a ``structure_id`` is a service); several files can be given together (the
national service publishes ``structures.json`` and ``services.json`` apart).

One streaming pass, in one transaction, so memory stays flat whatever the size: each row is
checked, the valid ones are staged by COPY into temporary tables, and once the whole file has
been read (and the references between rows checked) they move into the directory. A file
with a bad row changes nothing (the transaction is rolled back) and the report names each
rejected row with its reason; with ``skip_invalid`` the valid rows are written and the report
still lists the others. Re-importing updates rows in place by (source, id), and leaves alone
the rows whose content has not changed: a source that gives no update date (date_maj) is
taken as of the last time its content changed, so publishing the same row again does not
make it look fresh (its editors are reminded when it goes stale).
"""

from __future__ import annotations

import collections
import io
import re
import threading
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.conf import settings
from django.db import connection, transaction
from psycopg.types.json import Jsonb
from pydantic import ValidationError

from maillage.core import audit
from maillage.core.inputs import InvalidInput, clean_data, pydantic_reason
from maillage.directory import duplicates, search_index
from maillage.directory.enums import PublicationState
from maillage.directory.imports.reading import UnreadableFile, json_items, open_checked
from maillage.directory.models import (
    MAILLAGE_SOURCE,
    SERVICE_HEALTH_FIELDS,
    STRUCTURE_STATUS_FIELDS,
    Service,
    Structure,
)
from maillage.directory.schemas_datainclusion import DIService, DIStructure
from maillage.territories.models import Commune

BATCH = 10000
KEPT_REJECTIONS = 1000
FULL_DUPLICATES = 20_000
KINDS = {"structure": "structures", "service": "services"}


def _position(kind: str, index: int) -> str:
    if kind == NESTED:
        return f"services n° {index} (sa structure)"
    return f"{KINDS[kind]} n° {index}"


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
    """A format: how to stream (kind, index, row) out of a file, how to name a place, and
    how many times it reads a file through (for the progress bar). Readers open their files
    with open_metered, so that the bar follows the bytes read."""

    rows: Callable[[Path], Iterator[tuple[str, int, object]]]
    position: Callable[[str, int], str]
    passes: Callable[[Path], int] = lambda path: 1
    # Structure fields that this format is the reference for, which a re-import refreshes
    # although other formats leave them (the FINESS extraction for the FINESS fields).
    owns: frozenset[str] = frozenset()
    # Likewise for services, and whether the rows carry Maillage's own fields (legal form,
    # ESUS, health extensions: the spreadsheet template does, data·inclusion does not).
    service_owns: frozenset[str] = frozenset()
    extended: bool = False
    # The only service fields a re-import refreshes, when the format is not the reference
    # for the rest (FINESS: its services are placeholders that editors complete).
    service_updates: frozenset[str] | None = None
    # Whether a row without date_maj is refused (data·inclusion's schema requires it; the
    # spreadsheet template and the other formats may not have one).
    requires_date: bool = False
    # Whether rows carry public ids (HSDS): a row named by one already in the directory
    # updates that record, a new row keeps it as its own.
    identified: bool = False
    # Likewise service_updates, for structures.
    structure_updates: frozenset[str] | None = None
    # Structure fields a row without a value leaves as they are (FINESS positions).
    kept_when_missing: frozenset[str] = frozenset()


class _Meter(threading.local):
    read = 0  # bytes read so far from the files of the import under way


METER = _Meter()


class _MeteredFile(io.FileIO):
    def readinto(self, buffer):
        count = super().readinto(buffer)
        METER.read += count or 0
        return count


def open_metered(path: Path, **text) -> IO:
    """The file, read in binary (or as text with `text`: encoding, newline), counting the
    bytes read into METER."""
    handle = io.BufferedReader(_MeteredFile(path, "r"))
    return io.TextIOWrapper(handle, **text) if text else handle


@dataclass
class ImportReport:
    structures_created: int = 0
    structures_updated: int = 0
    services_created: int = 0
    services_updated: int = 0
    structures_unchanged: int = 0
    services_unchanged: int = 0
    rows_read: int = 0
    # The first KEPT_REJECTIONS rejections, named (a file of millions of bad lines must not
    # hold millions of them in memory); every one is counted, and given to `on_rejection`
    # as it comes (the command streams them to its --report file).
    rejected: list[Rejection] = field(default_factory=list)
    rejected_count: int = 0
    on_rejection: Callable[[Rejection], None] | None = None
    skipped: dict[str, int] = field(default_factory=dict)  # reason → rows left out
    # Values set aside from rows that were kept (an invalid e-mail, a commune code of no
    # commune…), kept like the rejections; and the fields no part of Maillage reads.
    warnings: list[Rejection] = field(default_factory=list)
    warning_count: int = 0
    unmapped: collections.Counter = field(default_factory=collections.Counter)

    def warn(self, warning: Rejection) -> None:
        self.warning_count += 1
        if len(self.warnings) < KEPT_REJECTIONS:
            self.warnings.append(warning)
        if self.on_rejection is not None:
            self.on_rejection(f"avertissement : {warning}")

    def reject(self, rejection: Rejection) -> None:
        self.rejected_count += 1
        if len(self.rejected) < KEPT_REJECTIONS:
            self.rejected.append(rejection)
        if self.on_rejection is not None:
            self.on_rejection(rejection)

    def summary(self) -> str:
        text = (
            f"{self.rows_read} lignes lues ; structures : {self.structures_created} créées, "
            f"{self.structures_updated} mises à jour, {self.structures_unchanged} inchangées ; "
            f"services : {self.services_created} créés, {self.services_updated} mis à jour, "
            f"{self.services_unchanged} inchangés ; {self.rejected_count} rejetées"
        )
        for reason, count in sorted(self.skipped.items()):
            text += f" ; {count} écartée(s) : {reason}"
        if self.warning_count:
            text += f" ; {self.warning_count} valeur(s) mise(s) de côté (voir les avertissements)"
        if self.unmapped:
            fields = ", ".join(f"{name} ({n})" for name, n in self.unmapped.most_common(12))
            text += f" ; champs non repris : {fields}"
        return text


class ImportRejected(Exception):
    """Nothing was written: the report says why, row by row."""

    def __init__(self, report: ImportReport):
        super().__init__(f"{report.rejected_count} ligne(s) rejetée(s), rien n'a été importé")
        self.report = report


# -- reading ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class BadRow:
    """A row the reader could not make out (a CSV line with the wrong number of cells): it
    is rejected with this reason, like a row that fails the validation."""

    reason: str


@dataclass(frozen=True)
class Skipped:
    """A row the format says to leave out (an HSDS service that is not active): counted in
    the report as left out, never written, never rejected."""

    reason: str


# A file of rows, of both lists, or a page of the national API (`{"items": [...], "page": 1}`).
ROW_LISTS = {"": "row", "items": "row", "structures": "structure", "services": "service"}


NESTED = "nested-structure"  # a structure given inside its service's row, as DORA writes them


def _rows(path: Path) -> Iterator[tuple[str, int, object]]:
    """(kind, index, raw row) for every row of the file, streamed in one pass. A service
    may carry its structure as an object (`"structure": {…}`): that structure is read too,
    once, before the service."""
    structures: set[tuple] = set()
    with open_checked(path, open_metered) as handle:
        for kind, index, row in json_items(handle, ROW_LISTS):
            if kind == "row":  # an array of rows: a row with a structure is a service
                is_service = isinstance(row, dict) and ("structure_id" in row or "structure" in row)
                kind = "service" if is_service else "structure"
            if kind == "structure" and isinstance(row, dict):
                structures.add((str(row.get("source")), str(row.get("id"))))
            nested = row.get("structure") if kind == "service" and isinstance(row, dict) else None
            if isinstance(nested, dict):
                key = (str(nested.get("source") or row.get("source")), str(nested.get("id")))
                if key not in structures:
                    structures.add(key)
                    yield NESTED, index, {"source": row.get("source"), **nested}
                row.setdefault("structure_id", nested.get("id"))
            yield kind, index, row


def _bytes_to_read(paths: list[Path], reader: Reader) -> int:
    total = 0
    for path in paths:
        try:
            total += path.stat().st_size * reader.passes(path)
        except OSError:
            continue  # the reader reports it
    return total or 1


def french_reason(error: ValidationError) -> str:
    return pydantic_reason(error.errors())


# -- one pass: check every row, stage the valid ones, then move them in -------------------------
def _structure(row: DIStructure, state: str) -> dict:
    """The columns of a structure row, by attribute name (the others take their defaults)."""
    return {
        **_place_fields(row),
        "state": state,
        "description": row.description or "",
        "siret": row.siret or "",
        "website": row.site_web or "",
        "accessibility_link": row.accessibilite_lieu or "",
        "networks": row.reseaux_porteurs or [],
        "finess": row.finess or "",
        "finess_legal_entity": row.finess_ej or "",
        "finess_category": row.categorie_finess or "",
        "finess_category_label": row.libelle_categorie_finess or "",
        "finess_details": Jsonb(row.details_finess or {}),
    }


# Maillage's own fields, as the spreadsheet template gives them (Reader.extended).
STRUCTURE_EXTENSIONS = frozenset(STRUCTURE_STATUS_FIELDS)
SERVICE_EXTENSIONS = frozenset({*SERVICE_HEALTH_FIELDS, "health_offers"})


def _structure_extensions(row: DIStructure) -> dict:
    return {"legal_form": row.forme_juridique or "", "ess_approved": bool(row.agrement_esus)}


def _service_extensions(row: DIService) -> dict:
    return {
        "professions": row.professions or [],
        "capacity": row.capacite,
        "fee_sectors": row.secteurs_conventionnement or [],
        "third_party_payment": bool(row.tiers_payant),
        "free_under_conditions": bool(row.gratuit_sous_conditions),
        "reduced_mobility_access": bool(row.acces_pmr),
        "unconditional_welcome": bool(row.accueil_inconditionnel),
        "no_appointment": bool(row.sans_rendez_vous),
        "languages": row.langues or [],
        "interpreting": bool(row.interpretariat),
        "peer_workers": bool(row.pair_aidance),
        "anonymous": bool(row.accueil_anonyme),
    }


def _service(row: DIService, state: str) -> dict:
    return {
        **_place_fields(row),
        "state": state,
        "description": row.description,
        "type": row.type or "",
        "thematiques": row.thematiques or [],
        "publics": row.publics or [],
        "publics_details": row.publics_precisions or "",
        "access_conditions": row.conditions_acces or "",
        "fees": row.frais or "",
        "fees_details": row.frais_precisions or "",
        "contact_name": row.contact_nom_prenom or "",
        "reception_modes": row.modes_accueil or [],
        "mobilisation_modes": row.modes_mobilisation or [],
        "mobilisable_by": row.mobilisable_par or [],
        "mobilisation_details": row.mobilisation_precisions or "",
        "mobilisation_link": row.lien_mobilisation or "",
        "weeks": row.nombre_semaines,
        "weekly_hours": row.volume_horaire_hebdomadaire,
        "eligibility_zone": row.zone_eligibilite or [],
        # Maillage's taxonomy (FINESS gives it from the category; data·inclusion has none):
        # set when the service is created, refreshed only by a format that owns it.
        "health_offers": row.offres_sante or [],
    }


# What an import owns: the fields a re-import refreshes. Identity, moderation and what
# Maillage adds on top of the source (FINESS, legal form, health facets) stay as they are;
# the read-model's columns (listed, effective position) are recomputed by search_index.
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
    *STRUCTURE_STATUS_FIELDS,
    "finess",
    "finess_legal_entity",
    "finess_category",
    "finess_category_label",
    "finess_details",
    "listed",
    "geo_latitude",
    "geo_longitude",
    "geo_approximate",
    "geo_commune",
}
_SERVICE_OWN = {
    *SERVICE_HEALTH_FIELDS,
    "health_offers",
    "update_frequency_days",
    "freshness_reminded_on",  # the reminder sent to the editors (actions.remind_stale_services)
}
UPDATABLE = {
    Structure: [f.name for f in Structure._meta.concrete_fields if f.name not in _KEPT],
    Service: [f.name for f in Service._meta.concrete_fields if f.name not in _KEPT | _SERVICE_OWN],
}


class _Stage:
    """A temporary table that the valid rows reach by COPY, in batches, holding the columns
    the format gives; moved into the directory in one INSERT … ON CONFLICT at the end, the
    other columns taking their defaults there. Building model instances and a parameterised
    INSERT per row cost far more in Python than the database's own work."""

    def __init__(self, cursor, model, extra: str = ""):
        self.cursor, self.model = cursor, model
        self.extra = extra  # one more text column: the service's structure, by source id
        self.table = f"import_stage_{model._meta.db_table}"
        self.given: list[str] = []  # the attribute names staged, from the first row
        self.rows: list[list] = []

    def _create(self) -> None:
        fields = {f.attname: f for f in self.model._meta.concrete_fields}
        names = ", ".join(f'"{fields[name].column}"' for name in self.given)
        more = f", ''::text AS {self.extra}" if self.extra else ""
        staged = names + (f", {self.extra}" if self.extra else "")
        self.copy_sql = f'COPY "{self.table}" ({staged}) FROM STDIN'
        # Dropped at commit; inside an outer transaction (a savepoint) an earlier import's
        # stage may still be there.
        self.cursor.execute(f'DROP TABLE IF EXISTS pg_temp."{self.table}"')
        self.cursor.execute(
            f'CREATE TEMP TABLE "{self.table}" ON COMMIT DROP AS '  # noqa: S608 - model names
            f'SELECT {names}{more} FROM "{self.model._meta.db_table}" WITH NO DATA'
        )

    def add(self, values: dict, extra: str | None = None) -> None:
        if not self.given:
            self.given = list(values)
            self._create()
        row = [values[name] for name in self.given]
        if self.extra:
            row.append(extra)
        self.rows.append(row)
        if len(self.rows) >= BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        with self.cursor.cursor.copy(self.copy_sql) as copy:
            for row in self.rows:
                copy.write_row(row)
        self.rows = []

    def _selected(self, structure_of: str | None) -> tuple[list[str], list[str], list]:
        """The table's columns, what fills each from the stage, and the parameters."""
        columns, values, params = [], [], []
        for f in self.model._meta.concrete_fields:
            if f.primary_key:
                continue
            columns.append(f'"{f.column}"')
            if f.attname == "structure_id" and structure_of:
                values.append(structure_of)
            elif f.attname in self.given:
                values.append(f'stage."{f.column}"')
            elif f.attname in ("created_at", "updated_at"):
                values.append("now()")  # the transaction's start, as for every row
            elif f.has_default() and f.default is uuid.uuid4:
                values.append("gen_random_uuid()")
            else:
                default = f.get_default()
                values.append(f"%s::{f.db_type(connection)}")
                params.append(default)
        return columns, values, params

    def move(
        self,
        structure_of: str | None = None,
        owns: frozenset[str] = frozenset(),
        only: frozenset[str] | None = None,
        kept: frozenset[str] = frozenset(),
    ) -> list[tuple[bool, int]]:
        """Insert or update by (source, source_id); a row whose owned fields (UPDATABLE, and
        `owns`; or `only` these) are all as they were is left alone (no new version, no
        search refresh). (created, structure id) of every row written. `structure_of`: how
        the services' structure is found."""
        if not self.given:
            return []
        self.flush()
        table = self.model._meta.db_table
        columns, values, params = self._selected(structure_of)
        # The service's structure, as "source<US>source_id" (it may be of another source
        # than the service: a Maillage service of an imported structure).
        key = f"stage.{self.extra}"
        joined = (
            f"JOIN directory_structure owner ON owner.source = split_part({key}, chr(31), 1) "
            f"AND owner.source_id = substr({key}, strpos({key}, chr(31)) + 1)"
            if structure_of
            else ""
        )
        names = [*UPDATABLE[self.model], *sorted(owns - set(UPDATABLE[self.model]))]
        if only is not None:
            names = ["updated_at", *sorted(only)]
        updates = [self.model._meta.get_field(name).column for name in names]
        compared = [c for c in updates if c != "updated_at"]
        kept_columns = {self.model._meta.get_field(name).column for name in kept}

        def new(column):  # the row's value, or the stored one when the row has none to give
            if column in kept_columns:
                return f'COALESCE(EXCLUDED."{column}", target."{column}")'
            return f'EXCLUDED."{column}"'

        def old(column):  # the stored value, as an export would give it
            if column != "source_updated_on":
                return f'target."{column}"'
            # A record of Maillage's own is exported with the day of its last change: its
            # export read back brings that day, which is no change (else re-reading our own
            # file would date every record today).
            # Placeholders after every value's: the WHERE clause comes last in the query.
            params.extend([MAILLAGE_SOURCE, settings.TIME_ZONE, settings.TIME_ZONE])
            return (
                "(CASE WHEN target.source = %s THEN GREATEST(COALESCE(target.source_updated_on,"
                " (target.updated_at AT TIME ZONE %s)::date),"
                " (target.updated_at AT TIME ZONE %s)::date) ELSE target.source_updated_on END)"
            )

        self.cursor.execute(
            f'INSERT INTO "{table}" AS target ({", ".join(columns)}) '  # noqa: S608 - model names
            f'SELECT {", ".join(values)} FROM "{self.table}" stage {joined} '
            # In the file's order: new records are numbered as they come, so that an export
            # (in that order) read into an empty directory writes them back in the same.
            "ORDER BY stage.ctid "
            "ON CONFLICT (source, source_id) DO UPDATE SET "
            + ", ".join(f'"{c}" = {new(c)}' for c in updates)
            + " WHERE ("
            + ", ".join(old(c) for c in compared)
            + ") IS DISTINCT FROM ("
            + ", ".join(new(c) for c in compared)
            + ") RETURNING (xmax = 0), "
            + ("structure_id" if structure_of else "id"),
            params,
        )
        return self.cursor.fetchall()


MODELS = {"structure": DIStructure, "service": DIService}
# What a row may carry that is read elsewhere than by its model (a service's structure).
READ_ELSEWHERE = {"service": {"structure"}, "structure": set()}


def _checked(kind: str, raw, context: dict):
    """(the validated row, None, warnings), or (None, every reason the row is rejected,
    warnings): the values set aside, (field, why)."""
    if isinstance(raw, BadRow):
        return None, raw.reason, []
    if not isinstance(raw, dict):
        return None, "objet JSON attendu", []
    try:
        raw = clean_data(raw)
    except InvalidInput as error:
        return None, str(error), []
    warnings: list[tuple[str, str]] = []
    try:
        row = MODELS[kind].model_validate(raw, context={**context, "warnings": warnings})
    except ValidationError as error:
        return None, french_reason(error), warnings
    return row, None, warnings


# A reader that turns another format's records into rows (HSDS) lists there the fields of
# the record it did not read.
UNREAD = "_non_repris"


def unmapped_fields(kind: str, raw) -> list[str]:
    """The fields of a row that no part of Maillage reads (shown in the report, counted)."""
    if not isinstance(raw, dict):
        return []
    known = MODELS[kind].model_fields.keys() | READ_ELSEWHERE[kind] | {UNREAD}
    return [key for key in raw if key not in known] + list(raw.get(UNREAD) or [])


class _KnownIds:
    """The (source, source_id) of the records named by a public id, looked up once each."""

    def __init__(self):
        self.cache: dict[tuple, tuple[str, str] | None] = {}

    def of(self, model, public_id) -> tuple[str, str] | None:
        key = (model, public_id)
        if key not in self.cache:
            if len(self.cache) > 100_000:
                self.cache.clear()
            self.cache[key] = (
                model.objects.filter(public_id=public_id).values_list("source", "source_id").first()
            )
        return self.cache[key]

    def structure_exists(self, key: tuple[str, str]) -> bool:
        if key not in self.cache:
            self.cache[key] = Structure.objects.filter(source=key[0], source_id=key[1]).exists()
        return self.cache[key]


def _public(value) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _identify(kind: str, row, known: _KnownIds) -> tuple[str, str] | None:
    """Point a row named by a known public id at its record; return the (source, id) of a
    service's structure when it is named by a known public id too."""
    model = Structure if kind == "structure" else Service
    if row.public_id and (found := known.of(model, row.public_id)):
        row.source, row.id = found
    if kind == "service" and (structure := _public(row.structure_id)):
        return known.of(Structure, structure)
    return None


SOURCE_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]*$")


def _structure_key(row, seen: set[tuple[str, str]], known: _KnownIds) -> tuple[str, str]:
    """(source, id) of a service's structure: its own source's, unless the structure id names
    a structure of another source as data·inclusion writes ids ("dora--42": a Maillage
    service of an imported structure is exported so), one of the file or of the directory."""
    source, separator, own = row.structure_id.partition("--")
    if separator and own and source != row.source and SOURCE_NAME.match(source):
        key = (source, own)
        if key in seen or known.structure_exists(key):
            return key
    return row.source, row.structure_id


def _import(paths, report: ImportReport, reader: Reader, options: dict) -> set[int]:
    """Read every file once: check each row, stage the valid ones, report the others. Then
    (when nothing was rejected, or with skip_invalid) move the staged rows in. Returns the ids
    of the structures whose structure or services changed."""
    context = {
        "communes": set(Commune.objects.values_list("code", flat=True)),
        "require_date": reader.requires_date,
    }
    structure_keys: set[tuple[str, str]] = set()
    service_keys: set[tuple[str, str]] = set()
    # Services whose structure was not (yet) in the file when they were read.
    unresolved: list[tuple[str, int, str, tuple[str, str]]] = []
    # Where structures were rejected: a line holding both a structure and its service
    # (FINESS) is reported once.
    rejected_structures: set[tuple[str, str]] = set()
    known = _KnownIds()

    def reject(file, kind, index, row_id, reason, position=None):
        position = position or reader.position(kind, index)
        report.reject(Rejection(file, kind, index, row_id, reason, position))
        if kind == "structure":
            rejected_structures.add((file, position))

    METER.read = 0
    size = _bytes_to_read(paths, reader)
    with connection.cursor() as cursor:
        structures = _Stage(cursor, Structure)
        services = _Stage(cursor, Service, extra="structure_key")
        for path in paths:
            file = path.name
            try:
                for given, index, raw in reader.rows(path):
                    report.rows_read += 1
                    kind = "structure" if given == NESTED else given
                    if isinstance(raw, Skipped):
                        report.skipped[raw.reason] = report.skipped.get(raw.reason, 0) + 1
                        continue
                    if options["progress"] and report.rows_read % 1000 == 0:
                        options["progress"](report.rows_read, min(METER.read / size, 1.0))
                    row, reason, warnings = _checked(kind, raw, context)
                    row_id = str(raw.get("id", ""))[:80] if isinstance(raw, dict) else ""
                    for name in unmapped_fields(kind, raw):
                        report.unmapped[f"{KINDS[kind]}.{name}"] += 1
                    for name, why in warnings:
                        report.warn(
                            Rejection(
                                file,
                                kind,
                                index,
                                row_id,
                                f"{name} mis de côté — {why}",
                                reader.position(given, index),
                            )
                        )
                    structure_key = None
                    if row is not None and reader.identified:
                        structure_key = _identify(kind, row, known)
                    if row is not None and kind == "service" and structure_key is None:
                        structure_key = _structure_key(row, structure_keys, known)
                    keys = structure_keys if kind == "structure" else service_keys
                    if row is not None and (row.source, row.id) in keys:
                        reason = "identifiant en double dans l'import"
                    if reason:
                        reject(file, kind, index, row_id, reason, reader.position(given, index))
                        continue
                    key = (row.source, row.id)
                    keys.add(key)
                    if kind == "service" and structure_key not in structure_keys:
                        unresolved.append((file, index, row.id, structure_key))
                    if report.rejected_count and not options["skip_invalid"]:
                        continue  # nothing will be written: only the report goes on
                    if kind == "structure":
                        values = _structure(row, options["state"])
                        if reader.extended:
                            values.update(_structure_extensions(row))
                        if reader.identified:
                            values["public_id"] = row.public_id or uuid.uuid4()
                        structures.add(values)
                    else:
                        values = _service(row, options["state"])
                        if reader.extended:
                            values.update(_service_extensions(row))
                        if reader.identified:
                            values["public_id"] = row.public_id or uuid.uuid4()
                        services.add(values, extra="\x1f".join(structure_key))
            except (UnreadableFile, OSError) as error:
                report.reject(Rejection(file, "structure", 0, "", str(error), position="fichier"))
                raise ImportRejected(report) from error
        missing = {target for *_, target in unresolved} - structure_keys
        orphans = 0
        if missing:
            existing = _existing_structures(missing)
            for file, index, row_id, target in unresolved:
                if target in missing and target not in existing:
                    if (file, reader.position("service", index)) not in rejected_structures:
                        reject(file, "service", index, row_id, f"structure inconnue : {target[1]}")
                    orphans += 1
        if report.rejected_count and not options["skip_invalid"]:
            raise ImportRejected(report)
        # A service of an unknown structure finds no owner and is left out; a structure a
        # moderator merged into another hands its services over to that one.
        touched = set()
        for created, pk in structures.move(
            owns=reader.owns, only=reader.structure_updates, kept=reader.kept_when_missing
        ):
            touched.add(pk)
            report.structures_created += created
            report.structures_updated += not created
        for created, structure_pk in services.move(
            structure_of="COALESCE(owner.merged_into_id, owner.id)",
            owns=reader.service_owns,
            only=reader.service_updates,
        ):
            touched.add(structure_pk)
            report.services_created += created
            report.services_updated += not created
    report.structures_unchanged = (
        len(structure_keys) - report.structures_created - report.structures_updated
    )
    report.services_unchanged = (
        len(service_keys) - report.services_created - report.services_updated - orphans
    )
    return touched


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


DATA_INCLUSION = Reader(rows=_rows, position=_position, requires_date=True)


def import_files(
    paths: list[Path],
    *,
    skip_invalid: bool = False,
    state: str = PublicationState.PUBLISHED,
    progress: Callable[[int, float | None], None] | None = None,
    reader: Reader = DATA_INCLUSION,
    label: str = "data-inclusion",
    on_rejection: Callable[[Rejection], None] | None = None,
) -> ImportReport:
    """Check and write in one transaction: raises ImportRejected, with nothing written, when
    a row is invalid and skip_invalid is off."""
    paths = [Path(p) for p in paths]
    report = ImportReport(on_rejection=on_rejection)
    options = {"state": state, "progress": progress, "skip_invalid": skip_invalid}
    with transaction.atomic():
        touched = _import(paths, report, reader, options)
        search_index.refresh(structure_ids=sorted(touched))
        # A large import is compared whole: one pass over the directory costs less than
        # deleting and looking up the pairs of most of it one by one.
        duplicates.refresh(
            structure_ids=None if len(touched) > FULL_DUPLICATES else sorted(touched)
        )
        audit.record(
            "directory.import",
            object_type="directory.import",
            object_id=label,
            details={
                "files": [p.name for p in paths],
                "rows": report.rows_read,
                "rejected": report.rejected_count,
            },
        )
    if progress:
        progress(report.rows_read, None)  # written
    return report
