import pytest
from django.core.management import call_command
from django.urls import reverse

from maillage.directory import duplicates
from maillage.directory.queries import suspected_duplicates
from tests.factories import StructureFactory


def _pairs():
    duplicates.refresh()
    return {(d.first.name, d.second.name, d.get_reason_display()) for d in suspected_duplicates()}


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


def _duplicate_pair():
    from tests.factories import ServiceFactory

    kept = StructureFactory(source="dora", name="CCAS de Nesmy", siret="73282932000074", phone="")
    absorbed = StructureFactory(
        source="finess",
        source_id="850001234",
        name="Centre communal d'action sociale",
        siret="73282932000074",
        phone="02 51 00 00 09",
        finess="850001234",
    )
    ServiceFactory(structure=absorbed, source="finess", source_id="srv-1", name="Aide sociale")
    duplicates.refresh(structure_ids=[kept.pk, absorbed.pk])
    return kept, absorbed


def test_a_moderator_merges_a_duplicate_and_a_reimport_keeps_it_merged(
    client, cast, territories, tmp_path
):
    import json

    from maillage.core.models import AuditEvent
    from maillage.directory.imports import data_inclusion
    from maillage.directory.models import Service, Structure

    kept, absorbed = _duplicate_pair()
    client.force_login(cast.coordinator)
    page = client.get(reverse("directory:duplicates")).content.decode()
    assert "CCAS de Nesmy" in page and "même SIRET" in page
    client.post(
        reverse("directory:duplicate_decide", args=[kept.public_id, absorbed.public_id]),
        {"decision": "keep-first"},
    )
    kept.refresh_from_db()
    absorbed.refresh_from_db()
    assert absorbed.state == "archived" and absorbed.merged_into == kept
    assert kept.phone == "02 51 00 00 09" and kept.finess == "850001234"  # gaps filled
    assert Service.objects.get(source_id="srv-1").structure == kept
    assert AuditEvent.objects.filter(action="directory.structure.merge").exists()
    assert "Aucun doublon probable." in client.get(reverse("directory:duplicates")).content.decode()
    # The absorbed structure's source is imported again: its service stays with the kept one.
    path = tmp_path / "finess.json"
    path.write_text(
        json.dumps(
            {
                "structures": [
                    {
                        "source": "finess",
                        "id": "850001234",
                        "nom": "Centre communal d'action sociale",
                        "date_maj": "2026-10-01",
                    }
                ],
                "services": [
                    {
                        "source": "finess",
                        "id": "srv-1",
                        "structure_id": "850001234",
                        "nom": "Aide sociale",
                        "description": "Aides facultatives.",
                        "date_maj": "2026-10-01",
                    }
                ],
            }
        )
    )
    data_inclusion.import_files([path])
    assert Service.objects.get(source_id="srv-1").structure == kept
    assert Structure.objects.get(pk=absorbed.pk).state == "archived"


def test_two_different_structures_are_not_suggested_again(client, cast, territories):
    kept, absorbed = _duplicate_pair()
    client.force_login(cast.platform_admin)
    from tests.conftest import login_verified

    login_verified(client, cast.platform_admin)
    client.post(
        reverse("directory:duplicate_decide", args=[kept.public_id, absorbed.public_id]),
        {"decision": "different"},
    )
    assert list(suspected_duplicates()) == []
    kept.refresh_from_db()
    assert kept.state == "published"
    client.force_login(cast.professional)
    response = client.post(
        reverse("directory:duplicate_decide", args=[kept.public_id, absorbed.public_id]),
        {"decision": "keep-first"},
    )
    assert response.status_code == 403


def test_a_structure_another_organisation_manages_is_not_merged_away(cast, territories):
    from django.core.exceptions import ValidationError

    from maillage.directory import actions

    kept = StructureFactory(source="dora", siret="73282932000074")
    managed = StructureFactory(
        source="finess", siret="73282932000074", organisation=cast.other_organisation
    )
    with pytest.raises(ValidationError, match="gérée par une structure membre"):
        actions.structure_merge(actor=cast.coordinator, keep=kept, absorb=managed)
    actions.structure_merge(actor=cast.coordinator, keep=managed, absorb=kept)
    kept.refresh_from_db()
    assert kept.merged_into == managed


def test_an_import_finds_its_duplicates_without_anyone_comparing_the_directory(
    tmp_path, territories, db
):
    import json

    from maillage.directory.imports import data_inclusion

    StructureFactory(source="finess", name="EHPAD Les Tilleuls", finess="850000019")
    path = tmp_path / "di.json"
    path.write_text(
        json.dumps(
            {
                "structures": [
                    {
                        "source": "dora",
                        "id": "t1",
                        "nom": "Résidence Les Tilleuls",
                        "date_maj": "2026-10-01",
                        "finess": "850000019",
                    }
                ]
            }
        )
    )
    data_inclusion.import_files([path])
    (pair,) = suspected_duplicates()
    assert {pair.first.name, pair.second.name} == {"EHPAD Les Tilleuls", "Résidence Les Tilleuls"}
    assert pair.get_reason_display() == "même numéro FINESS"


def test_an_edit_or_an_archive_takes_a_pair_away(cast, territories):
    from maillage.directory import actions

    first = StructureFactory(
        source="dora", name="Maison de santé du Bocage", commune_id="85213", organisation=None
    )
    second = StructureFactory(
        source="tableur", name="Maison de Santé du bocage", commune_id="85213"
    )
    duplicates.refresh(structure_ids=[first.pk])
    assert suspected_duplicates().count() == 1
    second.name = "Pharmacie de la gare"
    second.save()
    duplicates.refresh(structure_ids=[second.pk])
    assert suspected_duplicates().count() == 0
    second.name = "Maison de santé du Bocage"
    second.save()
    duplicates.refresh(structure_ids=[second.pk])
    assert suspected_duplicates().count() == 1
    actions.entry_archive(actor=cast.coordinator, entry=second)
    assert suspected_duplicates().count() == 0


def test_the_duplicates_page_reads_a_page_of_pairs_in_a_bounded_number_of_queries(
    client, cast, territories, django_assert_max_num_queries
):
    for n in range(30):
        StructureFactory(source="dora", name=f"CCAS {n}", siret=f"732829320{n:05d}")
        StructureFactory(source="finess", name=f"Centre communal {n}", siret=f"732829320{n:05d}")
    duplicates.refresh()
    client.force_login(cast.coordinator)
    with django_assert_max_num_queries(18):  # the session, the layout, then three reads
        page = client.get(reverse("directory:duplicates")).content.decode()
    assert "30 paires à examiner." in page
    assert page.count('name="decision" value="keep-first"') == 25
    assert "Page 1 sur 2" in page
    second = client.get(reverse("directory:duplicates") + "?page=2").content.decode()
    assert second.count('name="decision" value="keep-first"') == 5
