import json

from django.core.management import call_command

from maillage.directory.exports.data_inclusion import export
from maillage.directory.imports.data_inclusion import UPDATABLE, import_files
from maillage.directory.models import Service, Structure
from tests.directory.test_import_data_inclusion import _file, _service, _structure

# Every field an import writes (what a re-import would refresh), except its own timestamp.
STRUCTURE_FIELDS = [f for f in UPDATABLE[Structure] if f != "updated_at"]
SERVICE_FIELDS = [f for f in UPDATABLE[Service] if f not in ("updated_at", "structure")]


def _snapshot():
    structures = sorted(
        tuple(getattr(s, f) for f in STRUCTURE_FIELDS) for s in Structure.objects.all()
    )
    services = sorted(
        (*(getattr(s, f) for f in SERVICE_FIELDS), s.structure.source_id)
        for s in Service.objects.select_related("structure")
    )
    return structures, services


FULL_STRUCTURE = {
    "description": "Centre social de quartier.",
    "complement_adresse": "Bâtiment B",
    "telephone": "02 51 00 00 00",
    "site_web": "https://centre-social.example.org",
    "accessibilite_lieu": "https://acceslibre.beta.gouv.fr/app/85-la-roche/a/x/",
    "lien_source": "https://dora.example.org/structures/s1",
}
FULL_SERVICE = {
    "adresse": "12 rue de la Paix",
    "complement_adresse": "rez-de-chaussée",
    "code_insee": "85191",
    "code_postal": "85000",
    "commune": "La Roche-sur-Yon",
    "latitude": 46.671,
    "longitude": -1.431,
    "courriel": "permanence@exemple.fr",
    "telephone": "02 51 00 00 01",
    "horaires_accueil": "Tu 14:00-17:00",
    "publics_precisions": "Sans condition d'âge.",
    "conditions_acces": "Venir avec sa carte Vitale si possible.",
    "frais_precisions": "Aucun frais.",
    "contact_nom_prenom": "Camille Martin",
    "modes_mobilisation": ["telephoner", "se-presenter"],
    "mobilisable_par": ["usagers", "professionnels"],
    "mobilisation_precisions": "Appeler le matin.",
    "lien_mobilisation": "https://rdv.example.org/permanence",
    "nombre_semaines": 12,
    "volume_horaire_hebdomadaire": 3.5,
    "lien_source": "https://dora.example.org/services/v1",
}


def test_an_export_reimports_to_an_identical_directory(tmp_path, territories, db):
    import_files(
        [
            _file(
                tmp_path,
                structures=[
                    _structure(1, **FULL_STRUCTURE),
                    _structure(2, nom="Maison des solidarités", siret=None),
                ],
                services=[
                    _service(1, **FULL_SERVICE),
                    _service(2, frais=None),
                    _service(3, structure="s2"),
                ],
            )
        ]
    )
    before = _snapshot()
    exported = tmp_path / "export.json"
    assert tuple(export(exported)) == (2, 3)
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


def test_a_parent_theme_saved_on_a_service_does_not_make_the_export_invalid(
    tmp_path, territories, db
):
    import_files([_file(tmp_path, structures=[_structure(1)], services=[_service(1)])])
    Service.objects.update(thematiques=["sante", "sante--sante-mentale"])
    exported = tmp_path / "export.json"
    export(exported)
    document = json.loads(exported.read_text(encoding="utf-8"))
    assert document["services"][0]["thematiques"] == ["sante--sante-mentale"]
    Service.objects.all().delete()
    assert import_files([exported]).rejected == []
