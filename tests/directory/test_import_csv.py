import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.directory.imports.csv_template import COLUMNS, ImportRejected, import_files
from maillage.directory.models import Service, Structure
from maillage.directory.queries import SearchParams, search_services

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


HEALTH = {
    "structure_forme_juridique": "association",
    "structure_agrement_esus": "oui",
    "professions": "médecin généraliste|infirmier",
    "capacite": "12",
    "secteurs_conventionnement": "secteur-1",
    "tiers_payant": "oui",
    "gratuit_sous_conditions": "non",
    "acces_pmr": "x",
    "accueil_inconditionnel": "",
    "sans_rendez_vous": "Oui",
    "langues": "fr|AR|fsl",
    "interpretariat": "1",
    "pair_aidance": "0",
    "accueil_anonyme": "non",
}


def test_the_template_carries_the_health_extensions_and_the_search_uses_them(
    tmp_path, territories, db
):
    import_files([_csv(tmp_path, _line(**HEALTH))])
    service = Service.objects.select_related("structure").get()
    assert service.professions == ["médecin généraliste", "infirmier"]
    assert service.capacity == 12
    assert service.fee_sectors == ["secteur-1"]
    assert service.languages == ["fr", "ar", "fsl"]
    assert (service.third_party_payment, service.reduced_mobility_access) == (True, True)
    assert (service.no_appointment, service.interpreting) == (True, True)
    assert not (service.free_under_conditions or service.unconditional_welcome)
    assert not (service.peer_workers or service.anonymous)
    assert (service.structure.legal_form, service.structure.ess_approved) == ("association", True)
    found = search_services(
        SearchParams(commune="85213", language="ar", facets=["sector_1", "no_appointment"])
    )
    assert [s.name for s in found.services] == [service.name]


def test_bad_health_extensions_are_reported_by_line(tmp_path, territories, db):
    path = _csv(
        tmp_path,
        _line(**{**HEALTH, "tiers_payant": "peut-être"}),
        _line(service_id="b", langues="français", secteurs_conventionnement="secteur-3"),
        _line(service_id="c", structure_id="autre", structure_forme_juridique="sarl"),
    )
    with pytest.raises(ImportRejected) as rejected:
        import_files([path])
    reasons = [str(r) for r in rejected.value.report.rejected]
    assert "oui ou non attendu, pas 'peut-être'" in reasons[0]
    assert "code(s) de langue invalide(s) (ISO 639) : français" in reasons[1]
    assert "secteur(s) de conventionnement inconnu(s) : secteur-3" in reasons[1]
    assert "forme juridique inconnue : 'sarl'" in reasons[2]
    assert not Service.objects.exists()


def test_a_spreadsheet_without_the_extension_columns_leaves_them_as_they_are(
    tmp_path, territories, db
):
    import_files([_csv(tmp_path, _line(**HEALTH))])
    older = tmp_path / "ancien.csv"
    columns = [c for c in COLUMNS if c not in HEALTH]
    values = _line(service_nom="Consultations du bocage").split(";")
    kept = [v for c, v in zip(COLUMNS, values, strict=True) if c in columns]
    older.write_text(";".join(columns) + "\n" + ";".join(kept) + "\n", encoding="utf-8")
    report = import_files([older])
    assert report.services_updated == 1
    service = Service.objects.select_related("structure").get()
    assert service.name == "Consultations du bocage"
    assert service.languages == ["fr", "ar", "fsl"] and service.third_party_payment
    assert service.structure.ess_approved


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
