"""HSDS 3.0 as a partner sees it: our export checked by the compiled schemas of
openreferral/specification, the specification's own examples read by our import."""

from pathlib import Path

from maillage.demo.setup import setup_demo
from maillage.directory.exports import hsds
from maillage.directory.imports import hsds as hsds_import
from maillage.directory.models import Service, Structure
from tests.formats import exported
from tests.formats import hsds as official

SAMPLES = Path(__file__).parent / "samples" / "hsds"


def _exported(tmp_path):
    return exported(hsds, tmp_path / "hsds.json")


def test_the_demo_directory_exports_valid_organizations_and_services(tmp_path, territories, db):
    setup_demo()
    document, counts = _exported(tmp_path)
    assert counts.structures >= 7 and counts.services >= 9
    assert official.document_errors(document) == []


def test_the_specification_s_organization_example_is_read_with_its_service(territories, db):
    report = hsds_import.import_files([SAMPLES / "organization_full.json"], source="or")
    assert report.rejected == [], [str(r) for r in report.rejected]
    (structure,) = Structure.objects.filter(source="or")
    assert structure.name == "Example Organization Inc."
    assert str(structure.public_id) == "d9d5e0f5-d3ce-4f73-9a2f-4dd0ecc6c610"
    (service,) = Service.objects.filter(source="or")
    assert service.structure == structure and service.name == "Community Counselling"
    # A US postcode places nothing in France: no commune, the rows kept.
    assert structure.commune_id is None
    assert report.unmapped  # what HSDS has and Maillage does not read is listed


def test_a_service_or_a_service_at_location_alone_is_read_with_its_organization(territories, db):
    for name in ("service_full.json", "service_at_location_full.json"):
        Service.objects.all().delete()
        Structure.objects.all().delete()
        report = hsds_import.import_files([SAMPLES / name], source="or")
        assert report.rejected == [], (name, [str(r) for r in report.rejected])
        assert (report.structures_created, report.services_created) == (1, 1), name
        service = Service.objects.get(source="or")
        assert service.structure.name == "Example Organization Inc."
        assert service.phone and '"' not in service.phone


def test_the_samples_reexport_valid(tmp_path, territories, db):
    for path in sorted(SAMPLES.glob("*.json")):
        hsds_import.import_files([path], source="or")
    document, _ = _exported(tmp_path)
    assert official.document_errors(document) == []


def test_the_specification_s_list_files_are_read_and_a_location_alone_is_left_out(territories, db):
    # Pages of the API ({"contents": [...]}): one organization (its list carries no
    # services), one service, one service at a location, each with its organization.
    for name, services in (
        ("organization_list.json", 0),
        ("service_list.json", 1),
        ("service_at_location_list.json", 1),
    ):
        Service.objects.all().delete()
        Structure.objects.all().delete()
        report = hsds_import.import_files([SAMPLES / name], source="or")
        assert report.rejected == [], (name, [str(r) for r in report.rejected])
        assert Structure.objects.filter(source="or").count() == 1, name
        assert Service.objects.filter(source="or").count() == services, name
    Service.objects.all().delete()
    Structure.objects.all().delete()
    report = hsds_import.import_files([SAMPLES / "location.json"], source="or")
    assert report.rejected == [] and not Structure.objects.exists()
    assert "lieux seuls" in report.summary()
