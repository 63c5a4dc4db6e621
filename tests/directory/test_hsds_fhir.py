"""HSDS 3.0 import and export, FHIR export: what other systems read from and give to
Maillage's directory."""

import json

import pytest
from fhir.resources.R4B.bundle import Bundle
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.directory.exports import fhir, hsds
from maillage.directory.imports import hsds as hsds_import
from maillage.directory.models import Service, Structure
from tests.factories import ServiceFactory, StructureFactory

HSDS_FILE = [
    {
        "id": "0b7d0f2e-6f0b-4a53-9e43-2f1f6f0c0001",
        "name": "Centre social du Bourg",
        "description": "Accueil et accompagnement.",
        "email": "accueil@centre-bourg.example",
        "website": "https://centre-bourg.example",
        "organization_identifiers": [
            {"identifier_scheme": "FR-SIRET", "identifier": "35600000000048"}
        ],
        "phones": [{"number": "02 51 00 00 01"}],
        "locations": [
            {
                "location_type": "physical",
                "latitude": 46.67,
                "longitude": -1.42,
                "addresses": [
                    {
                        "address_1": "1 place de la Mairie",
                        "city": "La Roche-sur-Yon",
                        "postal_code": "85000",
                        "country": "FR",
                    }
                ],
            }
        ],
        "services": [
            {
                "id": "0b7d0f2e-6f0b-4a53-9e43-2f1f6f0c0101",
                "name": "Permanence accès aux soins",
                "description": "Aide pour ouvrir ses droits santé.",
                "status": "active",
                "eligibility_description": "Habitants du département",
                "cost_options": [{"amount": 0, "currency": "EUR"}],
                "service_areas": [{"name": "85"}, {"name": "Vendée"}],
                "schedules": [
                    {
                        "freq": "WEEKLY",
                        "byday": "MO,TU,WE",
                        "opens_at": "09:00",
                        "closes_at": "12:00",
                    },
                    {"freq": "WEEKLY", "byday": "TH", "opens_at": "14:00", "closes_at": "17:30"},
                ],
                "attributes": [
                    {
                        "taxonomy_term": {
                            "code": "sante--acces-aux-soins",
                            "taxonomy": "data-inclusion-thematiques",
                        }
                    },
                    {"taxonomy_term": {"code": "BD-1800", "taxonomy": "211 LA"}},
                ],
                "service_at_locations": [
                    {"location": {"location_type": "virtual", "name": "Téléphone"}}
                ],
            },
            {"id": "old", "name": "Ancien service", "description": "Fermé.", "status": "defunct"},
        ],
    }
]


def _write(tmp_path, data, name="hsds.json"):
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_an_hsds_file_becomes_structures_and_services(tmp_path, territories, db):
    report = hsds_import.import_files([_write(tmp_path, HSDS_FILE)], source="reseau-test")
    assert (report.structures_created, report.services_created) == (1, 1)
    structure = Structure.objects.get(source="reseau-test")
    assert structure.siret == "35600000000048"
    assert structure.commune_id == "85191"  # found from the postal code and city
    service = Service.objects.get(source="reseau-test")
    assert service.thematiques == ["sante--acces-aux-soins"]  # other taxonomies ignored
    assert service.opening_hours == "Mo-We 09:00-12:00; Th 14:00-17:30"
    assert service.fees == "gratuit"
    assert service.eligibility_zone == ["85"]
    assert service.reception_modes == ["a-distance"]
    # Re-importing updates in place.
    HSDS_FILE[0]["services"][0]["name"] = "Permanence santé"
    report = hsds_import.import_files([_write(tmp_path, HSDS_FILE)], source="reseau-test")
    HSDS_FILE[0]["services"][0]["name"] = "Permanence accès aux soins"
    assert (report.services_created, report.services_updated) == (0, 1)
    assert Service.objects.get(source="reseau-test").name == "Permanence santé"


def test_a_bad_hsds_row_changes_nothing_and_is_named(tmp_path, territories, db):
    bad = json.loads(json.dumps(HSDS_FILE))
    bad[0]["services"][0]["attributes"][0]["taxonomy_term"]["code"] = "pas-un-theme"
    with pytest.raises(hsds_import.ImportRejected) as rejected:
        hsds_import.import_files([_write(tmp_path, bad)], source="reseau-test")
    assert "service n° 1" in str(rejected.value.report.rejected[0])
    assert not Structure.objects.filter(source="reseau-test").exists()


def _counts():
    return Structure.objects.count(), Service.objects.count()


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(payload=st.binary(max_size=300))
def test_arbitrary_bytes_never_crash_an_hsds_import(tmp_path, territories, db, payload):
    path = tmp_path / "random.json"
    path.write_bytes(payload)
    before = _counts()
    try:
        report = hsds_import.import_files([path], source="bytes")
    except hsds_import.ImportRejected:
        assert _counts() == before
        return
    after = _counts()
    assert after[0] - before[0] == report.structures_created
    assert after[1] - before[1] == report.services_created


services = st.lists(
    st.dictionaries(st.sampled_from(["id", "name", "description", "status", "email"]), st.text()),
    max_size=2,
)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    organizations=st.lists(
        st.fixed_dictionaries(
            {"id": st.text(max_size=6), "name": st.text(max_size=12)},
            optional={"services": services, "email": st.text(max_size=6)},
        ),
        max_size=4,
    ),
    skip=st.booleans(),
)
def test_arbitrary_hsds_rows_import_whole_or_not_at_all(
    tmp_path, territories, db, organizations, skip
):
    path = tmp_path / "rows.json"
    path.write_text(json.dumps(organizations), encoding="utf-8")
    before = _counts()
    try:
        report = hsds_import.import_files([path], source="prop", skip_invalid=skip)
    except hsds_import.ImportRejected as rejected:
        assert not skip
        assert rejected.report.rejected
        assert _counts() == before
        return
    after = _counts()
    assert after[0] - before[0] == report.structures_created
    assert after[1] - before[1] == report.services_created
    if not skip:
        assert report.rejected == []


def _directory(territories):
    structure = StructureFactory(
        name="Maison de santé des Ormeaux",
        commune_id="85213",
        siret="35600000000048",
        finess="850000019",
        phone="02 51 00 00 02",
        latitude=46.6,
        longitude=-1.35,
    )
    ServiceFactory(
        structure=structure,
        name="Consultations sans rendez-vous",
        description="Médecine générale.",
        thematiques=["sante--acces-aux-soins", "sante--sante-mentale"],
        opening_hours="Mo-Fr 08:30-12:00,14:00-19:00; Sa 09:00-12:00; PH off",
        fees="gratuit",
        languages=["fr", "en"],
        interpreting=True,
        eligibility_zone=["85213", "85"],
        no_appointment=True,
        reception_modes=["en-presentiel", "a-distance"],
    )
    ServiceFactory(structure=structure, name="Brouillon", state="draft")
    return structure


def test_the_hsds_export_reimports_to_the_same_directory(tmp_path, territories, db):
    structure = _directory(territories)
    original = Service.objects.get(name="Consultations sans rendez-vous", source="test")
    path = tmp_path / "export.json"
    assert tuple(hsds.export(path)) == (1, 1)  # drafts stay out
    data = json.loads(path.read_text())
    service = data[0]["services"][0]
    assert service["schedules"][0]["byday"]
    # Read back in the same directory: the records are recognised by their ids.
    report = hsds_import.import_files([path], source="retour")
    assert (report.structures_unchanged, report.services_unchanged) == (1, 1)
    assert not Structure.objects.filter(source="retour").exists()

    # In an empty directory: the same ids, the same values.
    Service.objects.all().delete()
    Structure.objects.all().delete()
    hsds_import.import_files([path], source="retour")
    copy = Structure.objects.get(source="retour")
    assert copy.public_id == structure.public_id
    assert (copy.name, copy.siret, copy.commune_id) == (structure.name, "35600000000048", "85213")
    again = Service.objects.get(source="retour")
    assert again.public_id == original.public_id
    assert again.thematiques == original.thematiques
    assert again.eligibility_zone == original.eligibility_zone
    assert again.fees == "gratuit"
    assert again.opening_hours == "Mo-Fr 08:30-12:00,14:00-19:00; Sa 09:00-12:00; PH off"
    assert again.reception_modes == ["en-presentiel", "a-distance"]
    assert (again.languages, again.interpreting) == (["fr", "en"], True)
    # Maillage's fields HSDS does not give are left as editors set them on a re-import.
    Service.objects.filter(pk=again.pk).update(no_appointment=True, capacity=8)
    hsds_import.import_files([path], source="retour")
    again.refresh_from_db()
    assert (again.no_appointment, again.capacity, again.languages) == (True, 8, ["fr", "en"])


def test_the_fhir_export_is_a_valid_bundle(tmp_path, territories, db):
    structure = _directory(territories)
    path = tmp_path / "fhir.json"
    assert tuple(fhir.export(path)) == (1, 1)
    bundle = Bundle.model_validate_json(path.read_text())
    kinds = [entry.resource.get_resource_type() for entry in bundle.entry]
    assert sorted(kinds) == ["HealthcareService", "Location", "Organization"]
    organization = next(
        e.resource for e in bundle.entry if e.resource.get_resource_type() == "Organization"
    )
    systems = {(i.system, i.value) for i in organization.identifier}
    assert ("urn:oid:1.2.250.1.71.4.2.2", "1850000019") in systems
    assert ("http://finess.sante.gouv.fr", "850000019") in systems
    service = next(
        e.resource for e in bundle.entry if e.resource.get_resource_type() == "HealthcareService"
    )
    assert service.providedBy.reference == f"Organization/{structure.public_id}"
    assert service.appointmentRequired is False
    assert [c.coding[0].code for c in service.type] == [
        "sante--acces-aux-soins",
        "sante--sante-mentale",
    ]
    saturday = [t for t in service.availableTime if "sat" in t.daysOfWeek]
    assert str(saturday[0].availableStartTime) == "09:00:00"
    location = next(
        e.resource for e in bundle.entry if e.resource.get_resource_type() == "Location"
    )
    assert float(location.position.latitude) == pytest.approx(46.6)


def test_the_api_serves_the_exports_with_a_rate_limit(client, territories, db, settings):
    _directory(territories)
    settings.API_EXPORT_RATE_PER_HOUR = 2
    response = client.get("/api/v1/export/fhir")
    assert response.status_code == 200
    bundle = Bundle.model_validate_json(b"".join(response.streaming_content))
    assert len(bundle.entry) == 3
    assert client.get("/api/v1/export/hsds").status_code == 200
    assert client.get("/api/v1/export/hsds").status_code == 429
    assert client.get("/api/v1/export/autre").status_code == 404
