"""The health and medico-social taxonomy: its mapping onto data·inclusion and FINESS, and the
search, the forms, the imports and the exports speaking both."""

import html
import json

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from maillage.directory import health, search_index
from maillage.directory.enums import THEME_PARENTS, Public
from maillage.directory.exports import data_inclusion as di_export
from maillage.directory.exports import fhir, hsds
from maillage.directory.imports import csv_template, finess
from maillage.directory.imports import hsds as hsds_import
from maillage.directory.models import Service, UnmetSearch
from maillage.directory.queries import SearchParams, search_services
from tests.factories import ServiceFactory, StructureFactory
from tests.formats import data_inclusion as official_di
from tests.formats import exported
from tests.formats import hsds as official_hsds

ALL_VALUES = sorted([*health.OFFERS, *health.FAMILY_VALUES])


# --- the taxonomy itself ---------------------------------------------------------------------


def test_every_offer_maps_onto_real_data_inclusion_values_and_finess_categories():
    for value, offer in health.OFFERS.items():
        family, _, slug = value.partition("--")
        assert family in health.FAMILY_VALUES and slug, value
        assert offer.themes, f"{value} stands for no data·inclusion theme"
        assert set(offer.themes) <= set(THEME_PARENTS), value  # sub-themes only
        assert set(offer.publics) <= set(Public.values), value
        assert set(offer.finess) <= set(health.FINESS_CATEGORIES), value


def test_the_words_a_coordinator_uses_are_offers():
    labels = " ".join(str(o.label) for o in health.OFFERS.values())
    for word in (
        "SSIAD",
        "SAAD",
        "SPASAD",
        "HAD",
        "EHPAD",
        "Accueil de jour",
        "soins palliatifs",
        "Médecin traitant",
        "IDE",
        "Kinésithérapie",
        "PMI",
        "CMP",
        "CSAPA",
        "CeGIDD",
        "Centre de santé",
        "MSP",
        "CPTS",
        "DAC",
        "Équipe mobile",
        "répit",
    ):
        assert word.lower() in labels.lower(), word


def test_a_finess_category_gives_its_offers():
    assert health.offers_of_category("354") == ["domicile--ssiad"]
    assert health.offers_of_category("500") == ["personnes-agees--ehpad"]
    assert health.offers_of_category(" 606 ") == ["coordination--dac"]
    assert health.offers_of_category("300") == []  # a school: not an offer of care
    assert health.categories_of(["domicile--ssiad", "domicile--had"]) == ["127", "354"]


@given(st.sampled_from(ALL_VALUES))
def test_a_family_selects_its_offers_and_an_offer_itself(value):
    selected = health.offer_with_children(value)
    assert selected <= set(health.OFFERS)
    if value in health.OFFERS:
        assert selected == {value}
    else:
        assert selected == {o.value for o in health.FAMILY_VALUES[value].offers}
        assert all(health.FAMILY_OF[o].value == value for o in selected)


@given(st.text(max_size=40))
def test_anything_else_is_refused_by_name(text):
    if text in health.OFFERS or text in health.FAMILY_VALUES:
        return
    with pytest.raises(ValueError, match="offre de santé inconnue"):
        health.offer_with_children(text)


@given(st.lists(st.sampled_from(sorted(health.OFFERS)), max_size=6))
def test_the_exchange_themes_keep_the_service_s_own_first_and_add_the_offers(offers):
    own = ["numerique--acceder-a-du-materiel"]
    themes = health.exchange_themes(own, offers)
    assert themes[0] == own[0]
    assert set(themes) == {*own, *(t for o in offers for t in health.OFFERS[o].themes)}
    assert len(themes) == len(set(themes))


# --- the search ------------------------------------------------------------------------------


def _service(name, **fields):
    structure = StructureFactory(commune_id="85191", name=f"Structure {name}")
    return ServiceFactory(structure=structure, name=name, **fields)


@pytest.fixture
def offers(territories, db):
    made = {
        "ssiad": _service("Soins à domicile du bocage", health_offers=["domicile--ssiad"]),
        "cmp": _service(
            "Consultations adultes",
            thematiques=["sante--sante-mentale"],
            health_offers=["sante-mentale--cmp"],
        ),
        "plain": _service("Aide aux démarches", thematiques=["numerique--acceder-a-du-materiel"]),
    }
    search_index.refresh()
    return made


def _names(**params):
    return {s.name for s in search_services(SearchParams(**params)).services}


def test_a_service_is_found_by_its_offer_its_family_and_the_themes_it_stands_for(offers):
    assert _names(offers=["domicile--ssiad"]) == {"Soins à domicile du bocage"}
    assert _names(offers=["domicile"]) == {"Soins à domicile du bocage"}
    assert _names(offers=["sante-mentale"]) == {"Consultations adultes"}
    # Tagged with the SSIAD offer only, it is found by data·inclusion's theme for it.
    assert "Soins à domicile du bocage" in _names(
        themes=["famille--prise-en-charge-personne-dependante"]
    )
    assert _names(offers=["addictions"]) == set()


def test_the_acronym_finds_the_service(offers):
    assert _names(text="SSIAD") == {"Soins à domicile du bocage"}
    assert "Consultations adultes" in _names(text="centre medico psychologique")


def test_an_unmet_search_for_an_offer_is_kept_as_the_themes_it_stands_for(client, offers):
    response = client.get(reverse("directory:search"), {"offre": "addictions--caarud"})
    assert response.status_code == 200
    (unmet,) = UnmetSearch.objects.all()
    assert unmet.themes == ["sante--addictions"]


def test_the_search_page_offers_the_filter_and_shows_the_offer(client, offers):
    page = html.unescape(
        client.get(reverse("directory:search"), {"offre": "domicile"}).content.decode()
    )
    assert "Offre de santé ou médico-sociale" in page
    assert "Service de soins infirmiers à domicile (SSIAD)" in page  # the option and the tag
    assert "Soins à domicile du bocage" in page
    assert "Consultations adultes" not in page


def test_the_api_filters_on_offers_and_refuses_an_unknown_one(client, offers):
    body = client.get("/api/v1/services", {"offre": "domicile--ssiad"}).json()
    assert [r["name"] for r in body["results"]] == ["Soins à domicile du bocage"]
    assert body["results"][0]["offres_sante"] == ["domicile--ssiad"]
    response = client.get("/api/v1/services", {"offre": "domicile--chauffeur"})
    assert response.status_code == 400
    assert "offre de santé inconnue : domicile--chauffeur" in response.json()["detail"]


def test_the_reference_is_public_in_the_page_and_the_api(client, db):
    page = html.unescape(client.get(reverse("directory:health_taxonomy")).content.decode())
    assert "Service de soins infirmiers à domicile (SSIAD)" in page
    assert "354" in page and "Prise en charge d’une personne dépendante" in page
    body = client.get("/api/v1/taxonomie-sante").json()
    assert body["id"] == health.TAXONOMY_ID
    ssiad = next(
        o for f in body["families"] for o in f["offers"] if o["value"] == "domicile--ssiad"
    )
    assert ssiad["categories_finess"] == ["354"]
    assert "famille--prise-en-charge-personne-dependante" in ssiad["thematiques"]


# --- editing ---------------------------------------------------------------------------------


def test_an_editor_tags_a_service_with_an_offer_alone(client, cast, territories):
    structure = StructureFactory(organisation=cast.organisation)
    client.force_login(cast.organisation_admin)
    url = reverse("directory:service_new", args=[structure.public_id])
    page = client.get(url).content.decode()
    assert 'value="domicile--ssiad"' in page and 'value="domicile"' not in page
    form = {
        "name": "Soins infirmiers à domicile",
        "description": "Sur prescription médicale.",
        "health_offers": ["domicile--ssiad"],
        "publics": ["seniors"],
        "commune_text": "La Roche-sur-Yon",
        "update_frequency_days": "180",
    }
    response = client.post(url, form)
    assert response.status_code == 302, response.content.decode()[:2000]
    service = Service.objects.get(structure=structure)
    assert service.health_offers == ["domicile--ssiad"] and service.thematiques == []
    response = client.post(url, {**form, "name": "Autre", "health_offers": []})
    assert "Choisissez au moins une thématique ou une offre de santé." in html.unescape(
        response.content.decode()
    )
    assert Service.objects.filter(structure=structure).count() == 1


# --- imports and exports ---------------------------------------------------------------------


def test_a_finess_extraction_tags_each_establishment_with_its_offer(tmp_path, territories, db):
    lines = ["finess;etalab;96;2026-03-11"]
    cells = [""] * 32
    cells[0], cells[1], cells[2] = "structureet", "850000019", "850000001"
    cells[3] = cells[4] = "SSIAD DU BOCAGE"
    cells[12], cells[13], cells[14] = "191", "85", "VENDEE"
    cells[15] = "85000 LA ROCHE SUR YON"
    cells[18], cells[19] = "354", "Service de Soins Infirmiers A Domicile (S.S.I.A.D)"
    cells[30] = "2025-06-30"
    lines.append(";".join(cells))
    path = tmp_path / "finess.csv"
    path.write_bytes(("\n".join(lines) + "\n").encode("cp1252"))
    report = finess.import_files([path])
    assert report.rejected == []
    service = Service.objects.get(source="finess", source_id="850000019")
    assert service.health_offers == ["domicile--ssiad"]
    assert service.thematiques == sorted(health.OFFERS["domicile--ssiad"].themes)
    assert service.publics == ["personnes-en-situation-de-handicap", "seniors"]


def _csv(tmp_path, *rows):
    header = ";".join(csv_template.COLUMNS)
    lines = [header]
    for cells in rows:
        values = {
            "structure_id": "ssiad-1",
            "structure_nom": "SSIAD du bocage",
            "structure_code_insee": "85191",
            "service_id": "soins",
            "service_nom": "Soins à domicile",
            "service_description": "Sur prescription.",
            **cells,
        }
        lines.append(";".join(values.get(c, "") for c in csv_template.COLUMNS))
    path = tmp_path / "offre.csv"
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return path


def test_the_spreadsheet_carries_offers_and_refuses_an_unknown_one_by_line(
    tmp_path, territories, db
):
    report = csv_template.import_files(
        [_csv(tmp_path, {"offres_sante": "domicile--ssiad|personnes-agees--accueil-de-jour"})]
    )
    assert report.rejected == []
    assert Service.objects.get(source_id="soins").health_offers == [
        "domicile--ssiad",
        "personnes-agees--accueil-de-jour",
    ]
    Service.objects.all().delete()
    bad = _csv(
        tmp_path,
        {"service_id": "a", "offres_sante": "domicile--ssiad"},
        {"service_id": "b", "offres_sante": "domicile"},
    )
    with pytest.raises(csv_template.ImportRejected) as rejected:
        csv_template.import_files([bad])
    (rejection,) = rejected.value.report.rejected
    assert "ligne 3" in str(rejection) and "offre(s) de santé inconnue(s) : domicile" in str(
        rejection
    )
    assert not Service.objects.exists()  # all or nothing


@pytest.fixture
def tagged(territories, db):
    service = _service("Soins à domicile du bocage", health_offers=["domicile--ssiad"])
    search_index.refresh()
    return service


def test_the_data_inclusion_export_carries_the_themes_of_the_offers_and_stays_valid(
    tmp_path, tagged
):
    document, _ = exported(di_export, tmp_path / "di.json")
    assert official_di.errors(document) == []
    (row,) = document["services"]
    assert row["thematiques"] == sorted(health.OFFERS["domicile--ssiad"].themes)


def test_the_hsds_export_carries_the_offer_as_a_taxonomy_term_read_back(tmp_path, tagged):
    document, _ = exported(hsds, tmp_path / "hsds.json")
    assert official_hsds.document_errors(document) == []
    text = json.dumps(document, ensure_ascii=False)
    assert '"taxonomy": "maillage-offre-sante"' in text
    assert "Service de soins infirmiers à domicile (SSIAD)" in text
    Service.objects.all().delete()
    report = hsds_import.import_files([tmp_path / "hsds.json"], source="partenaire")
    assert report.rejected == []
    assert Service.objects.get(source="partenaire").health_offers == ["domicile--ssiad"]


def test_the_fhir_export_codes_the_offer_and_its_family(tmp_path, tagged):
    document, _ = exported(fhir, tmp_path / "fhir.json")
    (resource,) = [
        e["resource"]
        for e in document["entry"]
        if e["resource"]["resourceType"] == "HealthcareService"
    ]
    codes = {c["code"] for t in resource["type"] for c in t["coding"]}
    assert "domicile--ssiad" in codes
    assert resource["category"][0]["coding"][0] == {
        "system": health.TAXONOMY_URI,
        "code": "domicile",
        "display": "Soins et aide à domicile",
    }


def _finess_file(tmp_path, category, name="finess.csv"):
    cells = [""] * 32
    cells[0], cells[1], cells[2] = "structureet", "850000019", "850000001"
    cells[3] = cells[4] = "ETABLISSEMENT DU BOCAGE"
    cells[12], cells[13], cells[14] = "191", "85", "VENDEE"
    cells[15] = "85000 LA ROCHE SUR YON"
    cells[18], cells[19] = category, health.FINESS_CATEGORIES[category]
    cells[30] = "2025-06-30"
    path = tmp_path / name
    path.write_bytes(("finess;etalab;96;2026-03-11\n" + ";".join(cells) + "\n").encode("cp1252"))
    return path


def test_a_new_extraction_retags_the_establishment_after_its_category(tmp_path, territories, db):
    finess.import_files([_finess_file(tmp_path, "354")])
    service = Service.objects.get(source="finess")
    Service.objects.filter(pk=service.pk).update(health_offers=[])  # imported before the taxonomy
    finess.import_files([_finess_file(tmp_path, "354", name="finess-2.csv")])
    service.refresh_from_db()
    assert service.health_offers == ["domicile--ssiad"]
    finess.import_files([_finess_file(tmp_path, "500", name="finess-3.csv")])
    service.refresh_from_db()
    assert service.health_offers == ["personnes-agees--ehpad"]


def test_the_migration_tags_the_establishments_imported_before_it(tmp_path, territories, db):
    import importlib

    from django.apps import apps

    finess.import_files([_finess_file(tmp_path, "606")])
    Service.objects.filter(source="finess").update(health_offers=[])
    migration = importlib.import_module("maillage.directory.migrations.0019_health_offers")
    migration.refill(apps, None)
    assert Service.objects.get(source="finess").health_offers == ["coordination--dac"]
    assert len(search_services(SearchParams(offers=["coordination--dac"])).services) == 1


def test_a_service_without_publics_is_found_for_those_of_its_offers(tmp_path, tagged):
    assert "Soins à domicile du bocage" in _names(publics=["seniors"])
    assert "Soins à domicile du bocage" not in _names(publics=["jeunes"])
    document, _ = exported(di_export, tmp_path / "di.json")
    assert official_di.errors(document) == []
    assert document["services"][0]["publics"] == ["personnes-en-situation-de-handicap", "seniors"]


def test_an_hsds_reimport_follows_the_offers_and_keeps_its_own_themes_apart(tmp_path, tagged):
    exported(hsds, tmp_path / "hsds.json")
    Service.objects.all().delete()
    hsds_import.import_files([tmp_path / "hsds.json"], source="partenaire")
    service = Service.objects.get(source="partenaire")
    assert service.health_offers == ["domicile--ssiad"]
    assert service.thematiques == []  # the offer's themes are the offer's
    text = (tmp_path / "hsds.json").read_text(encoding="utf-8")
    (tmp_path / "hsds-2.json").write_text(
        text.replace('"domicile--ssiad"', '"domicile--had"'), encoding="utf-8"
    )
    hsds_import.import_files([tmp_path / "hsds-2.json"], source="partenaire")
    service.refresh_from_db()
    assert service.health_offers == ["domicile--had"]


def test_an_empty_offer_asks_for_nothing(client, offers):
    response = client.get("/api/v1/services", {"offre": ""})
    assert response.status_code == 200 and response.json()["count"] == 3
