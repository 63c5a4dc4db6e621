"""Hostile and broken files, each as the attacker's probe and the partner's test found them:
every one is rejected with a French reason naming its line (or item), nothing is written, and
nothing builds an unbounded structure in memory."""

import json

import pytest

from maillage.directory.imports import csv_template, data_inclusion, finess, hsds
from maillage.directory.imports.reading import MAX_JSON_DEPTH
from maillage.directory.models import Service, Structure
from tests.directory.test_import_csv import HEADER, _line
from tests.directory.test_import_data_inclusion import _service, _structure
from tests.directory.test_import_finess import HEADER as FINESS_HEADER
from tests.directory.test_import_finess import _structureet


def _rejected(importer, path, **options) -> list[str]:
    with pytest.raises(importer.ImportRejected) as rejected:
        importer.import_files([path], **options)
    assert (Structure.objects.count(), Service.objects.count()) == (0, 0)
    return [str(r) for r in rejected.value.report.rejected]


def test_a_csv_cut_in_the_middle_of_its_last_line_is_rejected_on_that_line(
    tmp_path, territories, db
):
    line = _line(service_id="cut")
    cut = ";".join(line.split(";")[:17])
    path = tmp_path / "tronque.csv"
    path.write_bytes(f"{HEADER}\r\n{_line()}\r\n{cut}".encode())  # no final newline
    columns = len(HEADER.split(";"))
    assert _rejected(csv_template, path) == [
        f"tronque.csv : ligne 3 — ligne incomplète : 17 cellules au lieu de {columns} "
        "(fichier tronqué ou séparateurs manquants ?)"
    ]


def test_an_unterminated_quote_does_not_swallow_the_next_lines(tmp_path, territories, db):
    broken = _line(service_id="quote", service_description='"Consultations sans rendez-vous')
    path = tmp_path / "guillemet.csv"
    path.write_bytes(f"{HEADER}\r\n{broken}\r\n{_line(service_id='next')}\r\n".encode())
    (reason,) = _rejected(csv_template, path)
    assert reason.startswith("guillemet.csv : fichier — ligne 2 : ")
    assert "guillemet" in reason


def test_a_bad_byte_past_the_first_64_kib_names_its_line(tmp_path, territories, db):
    lines = [_line(service_id=f"s{n}") for n in range(400)]
    assert len("\r\n".join(lines)) > 65536
    body = ("\r\n".join([HEADER, *lines]) + "\r\n").encode()
    path = tmp_path / "octet.csv"
    path.write_bytes(body + _line(service_id="bad").encode().replace(b"du", b"d\xff") + b"\r\n")
    (reason,) = _rejected(csv_template, path)
    assert reason == (
        "octet.csv : fichier — ligne 402 : octet 0xff invalide en UTF-8 "
        "(enregistrez le fichier en UTF-8)"
    )


def test_a_twenty_megabyte_cell_is_refused_in_french(tmp_path, territories, db):
    path = tmp_path / "enorme.csv"
    huge = '"' + "x" * (20 * 1024 * 1024) + '"'
    path.write_bytes(f"{HEADER}\r\n{_line(service_description=huge)}\r\n".encode())
    (reason,) = _rejected(csv_template, path)
    assert reason.startswith("enorme.csv : fichier — ligne 2 : ")
    assert "caractères" in reason and "field limit" not in reason


def test_a_utf16_spreadsheet_from_excel_is_read(tmp_path, territories, db):
    for encoding in ("utf-16", "utf-16-le"):
        path = tmp_path / f"{encoding}.csv"
        path.write_bytes(f"{HEADER}\r\n{_line()}\r\n".encode(encoding))
        report = csv_template.import_files([path])
        assert report.rejected == []
        assert Structure.objects.get(source_id="msp-1").name == "Maison de santé du bocage"


def test_a_nul_in_a_cell_rejects_its_line_with_the_field(tmp_path, territories, db):
    path = tmp_path / "nul.csv"
    line = _line(service_nom="Consul\x00tations")
    path.write_bytes(f"{HEADER}\r\n{line}\r\n".encode())
    assert _rejected(csv_template, path) == [
        "nul.csv : ligne 2 (id consult) — nom : le texte contient un caractère nul (U+0000), "
        "qui ne peut pas être enregistré"
    ]


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        ({"a": 1}, "« structures » ou « services » dans ce document"),
        ("[1, 2]", "objet JSON attendu"),
        ('{"structures": [', "le document s'arrête avant sa fin"),
        ('{"structures": []} {"services": []}', "du texte suit la fin du document"),
        ("42", "le fichier n'est pas un document JSON"),
        (
            {"structures": {"a": 1}},
            "« structures » doit être une liste (un tableau JSON), pas un objet",
        ),
        ({"structures": None}, "« structures » doit être une liste (un tableau JSON), pas null"),
        ({"structures": [], "services": 5}, "« services » doit être une liste"),
    ],
)
def test_a_json_document_of_the_wrong_shape_is_rejected(tmp_path, territories, db, payload, reason):
    path = tmp_path / "forme.json"
    path.write_text(payload if isinstance(payload, str) else json.dumps(payload))
    rejected = _rejected(data_inclusion, path)
    assert any(reason in r for r in rejected), rejected


@pytest.mark.parametrize("importer", [data_inclusion, hsds])
def test_deeply_nested_json_is_refused_before_it_is_built(tmp_path, territories, db, importer):
    path = tmp_path / "profond.json"
    key = "structures" if importer is data_inclusion else "organizations"
    path.write_text(f'{{"{key}": ' + "[" * 400_000 + "]" * 400_000 + "}")
    (reason,) = _rejected(importer, path)
    assert f"imbrication de plus de {MAX_JSON_DEPTH} niveaux" in reason


def test_a_nested_row_within_the_bound_is_still_rejected_by_its_own_bound(
    tmp_path, territories, db
):
    path = tmp_path / "ligne.json"
    nested = json.loads("[" * 20 + "1" + "]" * 20)
    path.write_text(json.dumps({"structures": [_structure(description=nested)]}))
    (reason,) = _rejected(data_inclusion, path)
    assert "structures n° 1 (id s1) — description" in reason
    assert "imbrication trop profonde" in reason


def test_an_endless_string_is_refused_without_reading_it_whole(tmp_path, territories, db):
    path = tmp_path / "chaine.json"
    with path.open("w") as handle:
        handle.write('{"structures": [{"nom": "')
        handle.write("x" * (20 * 1024 * 1024))
        handle.write('"}]}')
    (reason,) = _rejected(data_inclusion, path)
    assert "une valeur de plus de 8 Mio" in reason


def test_a_nul_or_a_control_character_in_a_json_row_is_rejected_with_its_place(
    tmp_path, territories, db
):
    path = tmp_path / "nul.json"
    structures = [_structure(nom="Centre\u0000 social"), _structure(n=2)]
    services = [_service(structure="s2", description="Accueil \u0007")]
    path.write_text(json.dumps({"structures": structures, "services": services}))
    assert _rejected(data_inclusion, path) == [
        "nul.json : structures n° 1 (id s1) — nom : le texte contient un caractère nul "
        "(U+0000), qui ne peut pas être enregistré",
        "nul.json : services n° 1 (id v1) — description : le texte contient un caractère "
        "de contrôle (U+0007), qui ne peut pas être enregistré",
    ]


def _hsds(services):
    return [{"id": "org-1", "name": "Association Santé Yon", "services": services}]


def test_an_hsds_service_of_unknown_status_is_rejected_and_an_inactive_one_counted(
    tmp_path, territories, db
):
    path = tmp_path / "statut.json"
    service = {"id": "srv", "name": "Permanence", "description": "Accueil."}
    path.write_text(json.dumps(_hsds([{**service, "status": "ouvert"}])))
    assert _rejected(hsds, path) == [
        "statut.json : service n° 1 — status : statut inconnu « ouvert » (active, inactive, "
        "defunct ou temporarily closed attendu)"
    ]
    path.write_text(json.dumps(_hsds([service, {**service, "id": "old", "status": "defunct"}])))
    report = hsds.import_files([path])
    assert report.services_created == 1
    assert report.skipped == {"services non actifs (statut « defunct »)": 1}
    assert "1 écartée(s) : services non actifs (statut « defunct »)" in report.summary()


def test_a_finess_file_with_an_undefined_windows_1252_byte_names_its_line(
    tmp_path, territories, db
):
    path = tmp_path / "finess.csv"
    lines = [FINESS_HEADER, _structureet("850000019"), _structureet("850000027")]
    path.write_bytes("\n".join(lines).encode("cp1252").replace(b"DEPARTEMENTAL", b"D\x81P", 1))
    (reason,) = _rejected(finess, path)
    assert reason == (
        "finess.csv : fichier — ligne 2 : octet 0x81 invalide en Windows-1252 "
        "(enregistrez le fichier en UTF-8)"
    )


def test_a_quote_in_a_finess_name_is_part_of_the_name(tmp_path, territories, db):
    path = tmp_path / "finess.csv"
    name = 'EHPAD "LES PINS"'
    path.write_bytes(
        "\n".join([FINESS_HEADER, _structureet("850000019", name=name)]).encode("cp1252")
    )
    finess.import_files([path])
    assert Structure.objects.get(source_id="850000019").name == name
