"""Import fuzzing, every format, on bytes and on structure (hypothesis).

Each example starts from a file the format's own rules accept, then breaks it: rows with
missing, wrong, hostile or oversized values, lines with too few or too many cells, stray
quotes, control characters, other encodings, truncation, random bytes. Whatever comes:
- the import never crashes: it returns a report or raises ImportRejected;
- it never writes part of a file: rejected means nothing changed;
- every row is accounted for: with skip_invalid, each row is either written or rejected by
  its line (or its place in the list), and a file that cannot be read is rejected whole.

The number of examples is MAILLAGE_FUZZ_EXAMPLES (CI: a few dozen per property; `make fuzz`:
a thousand), so that the campaign is the same code at both sizes.
"""

import json
import os
import re

from django.db import transaction
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from maillage.directory.imports import csv_template, data_inclusion, finess, hsds
from maillage.directory.models import Service, Structure
from tests.directory.test_import_csv import HEADER, _line
from tests.directory.test_import_data_inclusion import _service, _structure
from tests.directory.test_import_finess import HEADER as FINESS_HEADER
from tests.directory.test_import_finess import _geo, _structureet

EXAMPLES = int(os.environ.get("MAILLAGE_FUZZ_EXAMPLES", "30"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
POSITION = re.compile(
    r"^(ligne \d+|(structures|services|organisation|service) n° \d+( \(sa structure\))?|fichier)$"
)

hostile_text = st.sampled_from(
    [
        "",
        " ",
        "x",
        "é" * 3,
        "a\x00b",
        "bip\x07",
        "\ufeffbom",
        '<img src=x onerror="alert(1)">',
        '=HYPERLINK("http://x")',
        '"',
        'a"b',
        ";",
        "|",
        "a\nb",
        "x" * 20_000,
        "e\u0301",
        "\u202eRTL",
        "null",
        "-1",
        "1e309",
        "javascript:alert(1)",
    ]
) | st.text(max_size=30)


class Rollback(Exception):
    pass


def _counts():
    return Structure.objects.count(), Service.objects.count()


REPORT = os.environ.get("MAILLAGE_FUZZ_REPORT")  # bench/fuzz.py reads the examples it ran


def _run(importer, path, *, skip_invalid=False):
    """Import in a savepoint rolled back afterwards (examples do not see each other's rows):
    (report or None, rejected report or None), with the never-partial property checked."""
    outcome = {}
    try:
        with transaction.atomic():
            before = _counts()
            try:
                report = importer.import_files([path], skip_invalid=skip_invalid)
            except importer.ImportRejected as rejected:
                assert rejected.report.rejected, "a refusal always says why"
                assert _counts() == before, "a rejected file wrote something"
                outcome["rejected"] = rejected.report
            else:
                structures, services = _counts()
                assert structures - before[0] == report.structures_created
                assert services - before[1] == report.services_created
                outcome["report"] = report
                outcome["service_ids"] = set(Service.objects.values_list("source_id", flat=True))
                outcome["structure_ids"] = set(
                    Structure.objects.values_list("source_id", flat=True)
                )
            raise Rollback
    except Rollback:
        pass
    for rejection in (outcome.get("rejected") or outcome.get("report")).rejected:
        assert POSITION.match(rejection.position), rejection
        assert rejection.reason and "Traceback" not in rejection.reason
    if REPORT:
        with open(REPORT, "a", encoding="utf-8") as out:
            kind = "rejected" if "rejected" in outcome else "imported"
            out.write(f"import\t{importer.__name__.rsplit('.', 1)[-1]}\t{kind}\n")
    return outcome


# -- CSV: structure ---------------------------------------------------------------------------
CSV_COLUMNS = HEADER.split(";")
SERVICE_ID = CSV_COLUMNS.index("service_id")


@st.composite
def csv_files(draw):
    lines, expected = [], {}
    for number in range(draw(st.integers(1, 6))):
        cells = _line(service_id=f"svc{number}").split(";")
        mutation = draw(
            st.sampled_from(["none", "none", "cell", "cell", "short", "long", "empty_required"])
        )
        if mutation == "cell":  # any cell but the service's id, which the check follows
            column = draw(st.sampled_from([i for i in range(len(cells)) if i != SERVICE_ID]))
            cells[column] = draw(hostile_text).replace('"', "")
        elif mutation == "short":
            cells = cells[: draw(st.integers(1, len(cells) - 1))]
        elif mutation == "long":
            cells = cells + draw(st.lists(st.sampled_from(["", "x"]), min_size=1, max_size=3))
        elif mutation == "empty_required":
            cells[CSV_COLUMNS.index(draw(st.sampled_from(csv_template.REQUIRED)))] = ""
        line = ";".join(c.replace("\n", " ").replace("\r", " ") for c in cells)
        lines.append(line)
        expected[number + 2] = f"svc{number}"
    encoding = draw(st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp1252"]))
    newline = draw(st.sampled_from(["\r\n", "\n"]))
    final = draw(st.booleans())
    text = newline.join([HEADER, *lines]) + (newline if final else "")
    return text.encode(encoding, errors="replace"), expected


@FUZZ
@given(csv_files())
def test_every_csv_line_is_written_or_rejected_by_its_number(
    tmp_path_factory, territories, db, case
):
    content, expected = case
    note(repr(content))
    path = tmp_path_factory.mktemp("csv") / "offre.csv"
    path.write_bytes(content)
    outcome = _run(csv_template, path, skip_invalid=True)
    if "rejected" in outcome:  # only a file that cannot be read at all
        assert all(r.position == "fichier" for r in outcome["rejected"].rejected)
        return
    rejected_lines = {
        int(r.position.split()[1]) for r in outcome["report"].rejected if r.kind == "service"
    }
    rejected_lines |= {
        int(r.position.split()[1])
        for r in outcome["report"].rejected
        if r.kind == "structure" and r.position.startswith("ligne")
    }
    for line, service_id in expected.items():
        written = service_id in outcome["service_ids"]
        assert written != (line in rejected_lines), (line, outcome["report"].rejected)


# -- bytes, every format ----------------------------------------------------------------------
def _valid_files():
    structures = [_structure(1), _structure(2, nom="Centre médico-social")]
    services = [_service(1), _service(2, structure="s2")]
    hsds_org = [
        {
            "id": "org-1",
            "name": "Association Santé Yon",
            "services": [{"id": "srv-1", "name": "Permanence", "description": "Accueil."}],
        }
    ]
    return {
        "csv": (csv_template, (f"{HEADER}\r\n{_line()}\r\n{_line(service_id='b')}\r\n").encode()),
        "data-inclusion": (
            data_inclusion,
            json.dumps({"structures": structures, "services": services}).encode(),
        ),
        "hsds": (hsds, json.dumps(hsds_org).encode()),
        "finess": (
            finess,
            "\n".join(
                [FINESS_HEADER, _structureet("850000019"), _geo("850000019", 350000, 6620000)]
            ).encode("cp1252"),
        ),
    }


VALID = _valid_files()


@st.composite
def broken_bytes(draw):
    name = draw(st.sampled_from(sorted(VALID)))
    importer, content = VALID[name]
    data = bytearray(content)
    for _ in range(draw(st.integers(1, 4))):
        action = draw(st.sampled_from(["truncate", "insert", "flip", "delete", "repeat"]))
        position = draw(st.integers(0, max(len(data) - 1, 0)))
        if action == "truncate":
            del data[position:]
        elif action == "insert":
            data[position:position] = draw(
                st.sampled_from(
                    [b"\x00", b'"', b"[[[[", b"}", b"\xff\xfe", b";", b"\n", b"\\u0000"]
                )
                | st.binary(min_size=1, max_size=8)
            )
        elif action == "flip" and data:
            data[position] ^= draw(st.integers(1, 255))
        elif action == "delete":
            del data[position : position + draw(st.integers(1, 20))]
        elif action == "repeat":
            data[position:position] = data[position : position + 50] * 3
    return name, importer, bytes(data)


@FUZZ
@given(broken_bytes(), st.booleans())
def test_broken_bytes_never_crash_an_import_nor_write_part_of_it(
    tmp_path_factory, territories, db, case, skip_invalid
):
    name, importer, content = case
    suffix = ".json" if name in {"data-inclusion", "hsds"} else ".csv"
    path = tmp_path_factory.mktemp("bytes") / f"fichier{suffix}"
    path.write_bytes(content)
    _run(importer, path, skip_invalid=skip_invalid)


# -- JSON: structure --------------------------------------------------------------------------
# Numbers as producers write them (yajl reads integers up to 64 bits; a larger one makes the
# file unreadable, which the bytes fuzzer covers), and no Infinity, which is not JSON.
def _nested(children):
    return st.one_of(
        st.lists(children, max_size=3), st.dictionaries(st.text(max_size=8), children, max_size=3)
    )


json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**63) + 1, 2**63 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | hostile_text,
    _nested,
    max_leaves=12,
)


@st.composite
def data_inclusion_files(draw):
    structures = [_structure(n) for n in range(1, 3)]
    services = [_service(n, structure=f"s{1 + n % 2}", id=f"service-fuzz-{n}") for n in range(1, 5)]
    for row in draw(st.permutations(structures + services))[: draw(st.integers(0, 4))]:
        field = draw(st.sampled_from(sorted(row)))
        row[field] = draw(json_values)
    return {"structures": structures, "services": services}


@FUZZ
@given(data_inclusion_files())
def test_every_data_inclusion_row_is_written_or_rejected_by_its_place(
    tmp_path_factory, territories, db, payload
):
    path = tmp_path_factory.mktemp("di") / "di.json"
    path.write_text(json.dumps(payload))
    outcome = _run(data_inclusion, path, skip_invalid=True)
    assert "rejected" not in outcome  # a well-formed document is never rejected whole
    report = outcome["report"]
    rejected = {r.position for r in report.rejected}
    written_structures = report.structures_created
    assert written_structures + sum(p.startswith("structures") for p in rejected) == 2
    for index, row in enumerate(payload["services"], 1):
        written = isinstance(row.get("id"), str) and row["id"] in outcome["service_ids"]
        assert written != (f"services n° {index}" in rejected), (index, report.rejected)


@st.composite
def hsds_files(draw):
    services = [
        {"id": f"srv-{n}", "name": f"Permanence {n}", "description": "Accueil.", "status": "active"}
        for n in range(3)
    ]
    organisation = {"id": "org-1", "name": "Association Santé Yon", "services": services}
    for target in draw(st.lists(st.sampled_from([organisation, *services]), max_size=3)):
        target[draw(st.sampled_from(sorted(target)))] = draw(json_values)
    return [organisation]


@FUZZ
@given(hsds_files())
def test_hsds_documents_of_any_content_import_whole_or_are_accounted_for(
    tmp_path_factory, territories, db, payload
):
    path = tmp_path_factory.mktemp("hsds") / "hsds.json"
    path.write_text(json.dumps(payload))
    outcome = _run(hsds, path, skip_invalid=True)
    assert "rejected" not in outcome  # a well-formed document is never rejected whole
    report = outcome["report"]
    nested = payload[0].get("services")
    expected = len(nested) if isinstance(nested, list) else (1 if nested else 0)
    rejected = sum(r.kind == "service" for r in report.rejected)
    assert report.services_created + sum(report.skipped.values()) + rejected == expected


# -- JSON: shape ------------------------------------------------------------------------------
shapes = st.sampled_from(
    [
        lambda rows: {"structures": {"id": "x"}},
        lambda rows: {"structures": None, "services": rows},
        lambda rows: {"structures": "liste", "services": []},
        lambda rows: {"services": 5},
        lambda rows: {"données": rows},
        lambda rows: rows,
        lambda rows: [rows],
        lambda rows: {"structures": [rows]},
        lambda rows: {"structures": rows, "services": rows},
        lambda rows: {"structures": rows, "extra": {"deep": [[[[]]]]}},
    ]
)


@FUZZ
@given(shapes, st.sampled_from([data_inclusion, hsds]))
def test_a_document_of_another_shape_is_rejected_or_read_never_silently_empty(
    tmp_path_factory, territories, db, shape, importer
):
    rows = [_structure(1), _structure(2)]
    if importer is hsds:
        rows = [{"id": "org-1", "name": "Association Santé Yon"}]
    payload = shape(rows)
    path = tmp_path_factory.mktemp("shape") / "doc.json"
    path.write_text(json.dumps(payload))
    outcome = _run(importer, path)
    if "report" in outcome:  # read: never silently empty, unless a list of it was
        keys = set(importer.HSDS_LISTS if importer is hsds else data_inclusion.ROW_LISTS) - {""}
        empty = isinstance(payload, dict) and any(payload.get(k) == [] for k in keys)
        assert outcome["report"].rows_read > 0 or empty, payload


# -- FINESS: structure ------------------------------------------------------------------------
@st.composite
def finess_files(draw):
    numbers = [f"85000{n:03d}{n % 10}" for n in range(1, draw(st.integers(2, 5)))]
    lines, expected = [FINESS_HEADER], {}
    for number in numbers:
        cells = _structureet(number).split(";")
        mutation = draw(st.sampled_from(["none", "none", "cell", "short", "long", "geo"]))
        if mutation == "cell":
            column = draw(st.sampled_from([3, 4, 7, 9, 12, 13, 15, 16, 18, 19, 22, 30]))
            cells[column] = draw(hostile_text).replace(";", ",").replace("\n", " ")
        elif mutation == "short":
            cells = cells[: draw(st.integers(2, 31))]
        elif mutation == "long":
            cells += ["x"] * draw(st.integers(1, 3))
        line = ";".join(cells)
        lines.append(line)
        expected[len(lines)] = number
        if mutation == "geo" or draw(st.booleans()):
            x = draw(st.sampled_from(["350000", "abc", "", "1e400", "-0"]))
            system = draw(st.sampled_from(["L93_METROPOLE", "UTM_N20", "INCONNU", ""]))
            lines.append(_geo(number, x, "6620000", system))
    text = "\n".join(lines) + "\n"
    return text.encode("cp1252", errors="replace"), expected


@FUZZ
@given(finess_files())
def test_every_finess_establishment_is_written_or_rejected_by_its_line(
    tmp_path_factory, territories, db, case
):
    content, expected = case
    note(repr(content))
    path = tmp_path_factory.mktemp("finess") / "finess.csv"
    path.write_bytes(content)
    outcome = _run(finess, path, skip_invalid=True)
    if "rejected" in outcome:
        assert all(r.position == "fichier" for r in outcome["rejected"].rejected)
        return
    rejected_lines = {int(r.position.split()[1]) for r in outcome["report"].rejected}
    for line, number in expected.items():
        written = number in outcome["structure_ids"]
        assert written != (line in rejected_lines), (line, outcome["report"].rejected)
