import json

from django.core.management import call_command

from maillage.directory.exports.data_inclusion import export
from maillage.directory.imports.data_inclusion import import_files
from maillage.directory.models import Service, Structure
from tests.directory.test_import_data_inclusion import _file, _service, _structure

COMPARED = [
    "source",
    "source_id",
    "name",
    "description",
    "commune_id",
    "postal_code",
    "latitude",
    "longitude",
    "email",
    "opening_hours",
    "source_updated_on",
]


def _snapshot():
    structures = sorted(
        tuple(getattr(s, f) for f in [*COMPARED, "siret", "networks"])
        for s in Structure.objects.all()
    )
    service_fields = [
        *COMPARED,
        "thematiques",
        "publics",
        "fees",
        "eligibility_zone",
        "reception_modes",
    ]
    services = sorted(
        (*(getattr(s, f) for f in service_fields), s.structure.source_id)
        for s in Service.objects.select_related("structure")
    )
    return structures, services


def test_an_export_reimports_to_an_identical_directory(tmp_path, territories, db):
    import_files(
        [
            _file(
                tmp_path,
                structures=[_structure(1), _structure(2, nom="Maison des solidarités", siret=None)],
                services=[_service(1), _service(2, frais=None), _service(3, structure="s2")],
            )
        ]
    )
    before = _snapshot()
    exported = tmp_path / "export.json"
    assert export(exported) == (2, 3)
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert document["schema_version"].startswith("1.")

    Service.objects.all().delete()
    Structure.objects.all().delete()
    report = import_files([exported])
    assert report.rejected == []
    assert _snapshot() == before


def test_unpublished_entries_are_not_exported(tmp_path, territories, db, capsys):
    import_files([_file(tmp_path, structures=[_structure(1)], services=[_service(1)])])
    Service.objects.update(state="draft")
    call_command("export", "data-inclusion", str(tmp_path / "out.json"))
    assert "1 structures et 0 services" in capsys.readouterr().out
