"""FHIR R4 (fhir.resources' R4B models, strict): the directory Bundle a ROR-like partner
reads, with the fields the directory holds filled."""

from fhir.resources.R4B.bundle import Bundle

from maillage.demo.setup import setup_demo
from maillage.directory.exports import fhir
from maillage.directory.models import Service, Structure
from tests.formats import exported


def _resources(document, kind):
    return [e["resource"] for e in document["entry"] if e["resource"]["resourceType"] == kind]


def test_the_demo_directory_is_a_valid_bundle_with_its_zones_and_publics(tmp_path, territories, db):
    setup_demo()
    service = Service.objects.filter(state="published").exclude(eligibility_zone=[]).first()
    Service.objects.filter(pk=service.pk).update(
        mobilisation_modes=["telephoner", "se-presenter"],
        publics=["seniors"],
        opening_hours="Mo-Fr 09:00-12:00; PH off",
    )
    Structure.objects.filter(pk=service.structure_id).update(
        finess_category="355", finess_category_label="Centre Hospitalier (C.H.)"
    )
    document, counts = exported(fhir, tmp_path / "fhir.json")
    Bundle.model_validate(document)  # strict: an invalid resource raises
    assert counts.structures >= 7 and counts.services >= 9
    (resource,) = [
        r for r in _resources(document, "HealthcareService") if r["id"] == str(service.public_id)
    ]
    service.refresh_from_db()
    zones = [area["identifier"]["value"] for area in resource["coverageArea"]]
    assert zones == ["99100" if code == "FR" else code for code in service.eligibility_zone]
    methods = [m["coding"][0]["code"] for m in resource["referralMethod"]]
    assert methods == ["phone", "se-presenter"]
    assert resource["eligibility"][0]["code"]["coding"][0]["code"] == "seniors"
    assert resource["notAvailable"] == [{"description": "Fermé les jours fériés"}]
    (organization,) = [
        r
        for r in _resources(document, "Organization")
        if r["id"] == str(service.structure.public_id)
    ]
    assert organization["type"][0]["coding"][0]["code"] == "355"


def test_an_odd_language_code_never_costs_the_export(client, territories, db):
    setup_demo()
    Service.objects.filter(state="published").update(languages=["fr  ca", "en"])
    response = client.get("/api/v1/export/fhir")
    assert response.status_code == 200
    document = __import__("json").loads(b"".join(response.streaming_content))
    Bundle.model_validate(document)
    services = _resources(document, "HealthcareService")
    assert services and all(
        [c["coding"][0]["code"] for c in s["communication"]] == ["en"] for s in services
    )
