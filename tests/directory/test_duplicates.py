from django.core.management import call_command

from maillage.directory.queries import suspected_duplicates
from tests.factories import StructureFactory


def _pairs():
    return {(d.first.name, d.second.name, d.reason) for d in suspected_duplicates()}


def test_same_siret_or_finess_across_sources_are_suspected(territories, db):
    StructureFactory(source="dora", name="CCAS de Nesmy", siret="73282932000074")
    StructureFactory(
        source="finess", name="Centre communal d'action sociale", siret="73282932000074"
    )
    StructureFactory(source="finess", name="EHPAD Les Tilleuls", finess="850000019")
    StructureFactory(source="tableur", name="Résidence Les Tilleuls", finess="850000019")
    pairs = _pairs()
    assert ("CCAS de Nesmy", "Centre communal d'action sociale", "même SIRET") in pairs
    assert ("EHPAD Les Tilleuls", "Résidence Les Tilleuls", "même numéro FINESS") in pairs


def test_a_close_name_at_a_close_place_is_suspected_but_not_far_away(territories, db):
    StructureFactory(
        source="dora",
        name="Maison de santé du Bocage",
        commune_id="85213",
        latitude=46.6100,
        longitude=-1.3500,
    )
    StructureFactory(
        source="tableur",
        name="Maison de Santé du bocage",
        commune_id="85213",
        latitude=46.6110,
        longitude=-1.3505,
    )
    StructureFactory(source="finess", name="Maison de santé du Bocage", commune_id="85191")
    StructureFactory(source="dora", name="Épicerie solidaire", commune_id="85213")
    pairs = _pairs()
    assert (
        "Maison de santé du Bocage",
        "Maison de Santé du bocage",
        "nom proche à la même adresse",
    ) in pairs or (
        "Maison de Santé du bocage",
        "Maison de santé du Bocage",
        "nom proche à la même adresse",
    ) in pairs
    assert len(pairs) == 1  # another commune, another name: not suspected


def test_the_same_source_is_never_its_own_duplicate(territories, db, capsys):
    StructureFactory(source="dora", name="Point accueil", siret="73282932000074")
    StructureFactory(source="dora", name="Point accueil", siret="73282932000074")
    call_command("directory", "duplicates")
    assert "0 doublon(s) possible(s)" in capsys.readouterr().out
