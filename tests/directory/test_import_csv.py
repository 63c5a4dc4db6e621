import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.directory.imports.csv_template import COLUMNS, ImportRejected, import_files
from maillage.directory.models import Service, Structure

HEADER = ";".join(COLUMNS)


def _line(**cells):
    values = {
        "structure_id": "msp-1",
        "structure_nom": "Maison de santé du bocage",
        "structure_code_insee": "85213",
        "structure_horaires": "Mo-Fr 08:00-19:00",
        "service_id": "consult",
        "service_nom": "Consultations de médecine générale",
        "service_description": "Consultations avec ou sans rendez-vous.",
        "thematiques": "sante--acces-aux-soins|sante--sante-mentale",
        "publics": "tous-publics",
        "frais": "payant",
    }
    values.update(cells)
    return ";".join(values.get(column, "") for column in COLUMNS)


def _csv(tmp_path, *lines, encoding="utf-8-sig", name="offre.csv"):
    path = tmp_path / name
    path.write_bytes(("\r\n".join([HEADER, *lines]) + "\r\n").encode(encoding))
    return path


def test_a_spreadsheet_saved_by_excel_imports_with_lines_sharing_a_structure(
    tmp_path, territories, db
):
    path = _csv(
        tmp_path,
        _line(),
        _line(
            service_id="vaccin", service_nom="Vaccinations", thematiques="sante--acces-aux-soins"
        ),
        encoding="cp1252",
    )
    report = import_files([path])
    assert (report.structures_created, report.services_created) == (1, 2)
    service = Service.objects.get(source_id="consult")
    assert service.thematiques == ["sante--acces-aux-soins", "sante--sante-mentale"]
    assert service.structure.name == "Maison de santé du bocage"
    assert service.geo_commune_id == "85213"  # placed through its structure's commune


def test_the_report_names_the_spreadsheet_line(tmp_path, territories, db):
    path = _csv(
        tmp_path,
        _line(),
        _line(service_id="x", service_nom="Ok"),
        _line(service_id="y", frais="variable"),
    )
    with pytest.raises(ImportRejected) as rejected:
        import_files([path])
    assert [str(r) for r in rejected.value.report.rejected] == [
        "offre.csv : ligne 3 (id x) — nom : trop court (au moins 3 caractères)",
        "offre.csv : ligne 4 (id y) — frais : frais inconnus : 'variable'",
    ]
    assert Structure.objects.count() == 0


def test_a_missing_column_is_named(tmp_path, territories, db):
    path = tmp_path / "incomplet.csv"
    path.write_text("structure_id;structure_nom\nmsp;Maison\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as rejected:
        import_files([path])
    assert "colonne(s) manquante(s) : service_id, service_nom, service_description" in str(
        rejected.value.report.rejected[0]
    )


def test_reimporting_the_same_source_updates_in_place(tmp_path, territories, db):
    import_files([_csv(tmp_path, _line())])
    report = import_files(
        [
            _csv(
                tmp_path,
                _line(
                    service_nom="Médecine générale",
                ),
                name="v2.csv",
            )
        ]
    )
    assert (report.services_updated, report.services_created) == (1, 0)
    assert Service.objects.get().name == "Médecine générale"


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(content=st.binary(max_size=300) | st.text(max_size=300).map(str.encode))
def test_arbitrary_bytes_never_crash_a_csv_import(tmp_path_factory, territories, db, content):
    path = tmp_path_factory.mktemp("csv") / "x.csv"
    path.write_bytes(content)
    before = (Structure.objects.count(), Service.objects.count())
    try:
        import_files([path])
    except ImportRejected:
        assert (Structure.objects.count(), Service.objects.count()) == before
