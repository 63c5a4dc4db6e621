"""data·inclusion v1 as a partner sees it: our export checked by the official package, the
samples of data·inclusion's and DORA's own repositories read by our import."""

from pathlib import Path

from django.utils import timezone

from maillage.demo.setup import setup_demo
from maillage.directory.exports import data_inclusion as data_inclusion_export
from maillage.directory.imports.data_inclusion import import_files
from maillage.directory.models import Service, Structure
from tests.directory.test_import_data_inclusion import _file, _service, _structure
from tests.formats import data_inclusion, exported

SAMPLES = Path(__file__).parent / "samples" / "data-inclusion"


def _exported(tmp_path):
    return exported(data_inclusion_export, tmp_path / "export.json")


def test_the_demo_directory_exports_valid_rows_only(tmp_path, territories, db):
    setup_demo()
    document, counts = _exported(tmp_path)
    assert counts.structures >= 7 and counts.services >= 9
    assert data_inclusion.errors(document) == []


def test_what_the_schema_refuses_is_left_out_of_the_row_not_written_invalid(
    tmp_path, territories, db
):
    import_files([_file(tmp_path, structures=[_structure(1)], services=[_service(1), _service(2)])])
    # Values saved before the checks existed, or by hand: none may reach a partner.
    Structure.objects.update(
        website="https://pas une url !", source_updated_on=None, siret="123", description="Ok"
    )
    Service.objects.filter(source_id="v1").update(
        publics=["tous-publics", "femmes"],
        mobilisable_by=[],
        mobilisation_modes=[],
        weeks=0,
        email="pas-un-courriel",
        source_updated_on=None,
    )
    Service.objects.filter(source_id="v2").update(description="Oui")
    Service.objects.filter(source_id="v1").update(
        mobilisation_link="https://rdv.exemple.fr/réserver", eligibility_zone=["FR", "8519"]
    )
    Structure.objects.update(email="accueil@mairie.local")
    document, counts = _exported(tmp_path)
    assert data_inclusion.errors(document) == []
    (structure,) = document["structures"]
    assert structure["site_web"] is None and structure["siret"] is None
    assert structure["description"] is None
    assert structure["date_maj"] == timezone.localdate().isoformat()
    (service,) = document["services"]
    assert service["id"] == "dora--v1" and service["structure_id"] == "dora--s1"
    assert service["publics"] == ["tous-publics"]
    assert service["zone_eligibilite"] == ["france"]  # "8519" is no code: left out
    assert service["lien_mobilisation"] == "https://rdv.exemple.fr/r%C3%A9server"
    assert structure["courriel"] is None
    assert service["mobilisable_par"] is None and service["modes_mobilisation"] is None
    assert service["nombre_semaines"] is None and service["courriel"] is None
    # The service whose description the schema cannot carry is named, not written.
    assert counts.services == 1 and len(counts.left_out) == 1
    assert "Permanence santé 2" in counts.left_out[0]


def test_the_national_api_pages_of_data_inclusion_are_read(territories, db):
    report = import_files(
        [SAMPLES / "api-structures-page.json", SAMPLES / "api-services-page.json"]
    )
    assert report.rejected == [], [str(r) for r in report.rejected]
    structure = Structure.objects.get(source="dora", source_id="lot-kitchen-amount")
    assert structure.siret == "76475938700658"
    service = Service.objects.get(source="dora", source_id="be-water-scene-wind")
    assert service.structure == structure
    assert service.thematiques == ["famille--garde-denfants"]
    # What Maillage does not read is said, not silently dropped.
    unmapped = {name.split(".")[-1] for name in report.unmapped}
    assert {"score_qualite", "adresse_certifiee", "doublons"} <= unmapped
    assert "champs non repris" in report.summary()


def test_a_dora_service_with_its_structure_nested_is_read_with_its_structure(territories, db):
    report = import_files([SAMPLES / "dora-service-nested.json"])
    assert report.rejected == [], [str(r) for r in report.rejected]
    structure = Structure.objects.get(source="dora")
    assert structure.name == "Centre social Le Tournesol"
    assert structure.siret == "13003013300016"
    assert structure.networks == ["mission-locale"]
    service = Service.objects.get(source="dora")
    assert service.structure == structure
    assert service.opening_hours == "Mo-Fr 08:30-12:30; PH off"
    # The fixture's codes are placeholders ("ZDHwi"): set aside with a warning, the rows kept.
    reasons = " ".join(str(w) for w in report.warnings)
    assert "ZDHwi" in reasons and "w45i9" in reasons
    assert "services._di_geocodage_score" in report.unmapped


def test_every_sample_reexports_valid(tmp_path, territories, db):
    import_files(sorted(SAMPLES.glob("*.json")))
    document, counts = _exported(tmp_path)
    assert counts.structures == 2 and counts.services == 2
    assert data_inclusion.errors(document) == []


def test_a_name_the_schema_cannot_carry_leaves_its_structure_out_and_says_so(
    tmp_path, territories, db
):
    import_files(
        [_file(tmp_path, structures=[_structure(1), _structure(2)], services=[_service(1)])]
    )
    Structure.objects.filter(source_id="s1").update(name="EI")
    document, counts = _exported(tmp_path)
    assert data_inclusion.errors(document) == []
    assert [s["id"] for s in document["structures"]] == ["dora--s2"]
    assert document["services"] == []  # its service would point to nothing
    assert len(counts.left_out) == 2 and counts.left_out[0].startswith("EI")


def test_a_maillage_record_is_dated_by_its_last_change_even_once_read_back(
    tmp_path, territories, db
):
    import datetime as dt

    structure = Structure.objects.create(
        name="Maison des aidants",
        source="maillage",
        source_id="m1",
        state="published",
        source_updated_on=dt.date(2024, 1, 5),  # its own export, read back long ago
    )
    document, _ = _exported(tmp_path)
    (row,) = [r for r in document["structures"] if r["id"] == "maillage--m1"]
    assert row["date_maj"] == timezone.localdate(structure.updated_at).isoformat()


def test_maillage_s_own_records_changed_long_ago_read_back_unchanged(tmp_path, territories, db):
    import datetime as dt

    structure = Structure.objects.create(
        source="maillage", source_id="m1", name="Maison des aidants", state="published"
    )
    Service.objects.create(
        structure=structure,
        source="maillage",
        source_id="m1-v1",
        name="Café des aidants",
        description="Un temps d'échange entre aidants, chaque mois.",
        state="published",
    )
    month_ago = timezone.now() - dt.timedelta(days=30)
    Structure.objects.update(updated_at=month_ago)
    Service.objects.update(updated_at=month_ago)
    path = tmp_path / "export.json"
    before, _ = exported(data_inclusion_export, path)
    report = import_files([path])
    assert (report.structures_unchanged, report.services_unchanged) == (1, 1)
    after, _ = exported(data_inclusion_export, tmp_path / "again.json")
    assert after == before
    assert before["structures"][0]["date_maj"] == timezone.localdate(month_ago).isoformat()
