import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from maillage.directory import search_index
from maillage.directory.queries import SearchParams, search_services
from tests.factories import ServiceFactory, StructureFactory

ROCHE = "85191"  # La Roche-sur-Yon
RIVES = "85213"  # Rives de l'Yon, ~10 km away
NANTES = "44109"
PARIS = "75056"


def _service(name, commune=ROCHE, **fields):
    structure = StructureFactory(commune_id=commune, name=f"Structure de {name}")
    return ServiceFactory(structure=structure, name=name, **fields)


def _names(**params):
    search_index.refresh()
    return [s.name for s in search_services(SearchParams(**params)).services]


@pytest.fixture
def directory(territories, db):
    return {
        "gp": _service("Médecins généralistes", thematiques=["sante--acces-aux-soins"]),
        "mental": _service(
            "Centre médico-psychologique", commune=RIVES, thematiques=["sante--sante-mentale"]
        ),
        "family": _service(
            "Soutien à la parentalité",
            thematiques=["famille--soutien-a-la-parentalite-et-a-leducation"],
        ),
        "paris": _service(
            "Médecins de Paris", commune=PARIS, thematiques=["sante--acces-aux-soins"]
        ),
    }


def test_accents_plurals_and_case_are_tolerated(directory):
    assert _names(text="medecin generalist")[0] == "Médecins généralistes"
    assert "Médecins généralistes" in _names(text="MÉDECINS GÉNÉRALISTES")


def test_small_typos_are_tolerated(directory):
    assert "Médecins généralistes" in _names(text="medcin generaliste")


def test_a_parent_theme_selects_its_children(directory):
    names = _names(themes=["sante"])
    assert set(names) == {
        "Médecins généralistes",
        "Centre médico-psychologique",
        "Médecins de Paris",
    }
    assert _names(themes=["famille"]) == ["Soutien à la parentalité"]


def test_place_and_radius_keep_what_is_near_nearest_first_with_the_distance(directory):
    search_index.refresh()
    results = search_services(SearchParams(commune=ROCHE, radius_km=20, themes=["sante"]))
    assert [s.name for s in results.services] == [
        "Médecins généralistes",
        "Centre médico-psychologique",
    ]
    assert results.services[0].distance_km < 1
    assert 1 < results.services[1].distance_km < 20


def test_a_service_whose_zone_covers_the_commune_is_found_even_far_away(directory):
    _service("Dispositif départemental", commune=NANTES, eligibility_zone=["85"])
    _service("Dispositif nantais", commune=NANTES, eligibility_zone=["44"])
    names = _names(commune=RIVES, radius_km=10)
    assert "Dispositif départemental" in names
    assert "Dispositif nantais" not in names


def test_services_reached_only_at_a_distance_come_apart(directory):
    _service(
        "Téléconsultation", commune=PARIS, reception_modes=["a-distance"], eligibility_zone=["FR"]
    )
    search_index.refresh()
    results = search_services(SearchParams(commune=ROCHE))
    assert "Téléconsultation" not in [s.name for s in results.services]
    assert [s.name for s in results.remote] == ["Téléconsultation"]


def test_text_and_distance_blend_and_stale_entries_drop(directory):
    near_old = _service(
        "Permanence d'accès aux soins A", commune=ROCHE, source_updated_on=dt.date(2020, 1, 1)
    )
    near_fresh = _service("Permanence d'accès aux soins B", commune=ROCHE)
    names = _names(text="permanence acces soins", commune=ROCHE)
    assert names.index(near_fresh.name) < names.index(near_old.name)


def test_facets_publics_and_fees(directory):
    _service(
        "Consultation gratuite",
        fees="gratuit",
        no_appointment=True,
        publics=["jeunes"],
        languages=["ar"],
    )
    assert _names(free_only=True) == ["Consultation gratuite"]
    assert _names(facets=["no_appointment"]) == ["Consultation gratuite"]
    assert _names(publics=["jeunes"]) == ["Consultation gratuite"]
    assert _names(language="ar") == ["Consultation gratuite"]


def test_open_now_reads_the_opening_hours(directory):
    _service("Ouvert le matin", opening_hours="Mo-Fr 09:00-12:00")
    _service("Ouvert le soir", opening_hours="Mo-Fr 18:00-20:00")
    search_index.refresh()
    monday_10 = dt.datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    results = search_services(SearchParams(open_now=True), now=monday_10)
    assert [s.name for s in results.services] == ["Ouvert le matin"]


def test_unpublished_services_are_never_found(directory):
    _service("Brouillon caché", state="draft")
    assert "Brouillon caché" not in _names(text="brouillon")


def test_distances_to_estimated_commune_centres_are_flagged_approximate(client, cast, directory):
    # Rives de l'Yon's position is its EPCI's mean (approximate); La Roche-sur-Yon's is exact.
    _service("Accueil précis", commune="85191", latitude=46.67, longitude=-1.43)
    search_index.refresh()
    results = search_services(SearchParams(commune="85191", radius_km=20))
    by_name = {s.name: s for s in results.services}
    assert by_name["Centre médico-psychologique"].geo_approximate
    assert not by_name["Accueil précis"].geo_approximate
    client.force_login(cast.professional)
    page = client.get("/annuaire/", {"lieu": "85000", "radius_km": 20}).content.decode()
    assert "à environ" in page
