import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, assume, example, given, settings
from hypothesis import strategies as st

from maillage.directory import hours, queries, search_index
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


def test_words_and_a_place_reach_the_services_whose_zone_covers_it(directory):
    _service(
        "Aide alimentaire départementale",
        commune=NANTES,
        eligibility_zone=["85"],
        reception_modes=["en-presentiel"],
    )
    _service("Permanence juridique départementale", commune=NANTES, eligibility_zone=["85"])
    _service("Aide alimentaire nantaise", commune=NANTES, eligibility_zone=["44"])
    _service("Aide alimentaire de Rives", commune=RIVES)
    names = _names(text="aide alimentaire", commune=ROCHE, radius_km=20)
    assert names == ["Aide alimentaire de Rives", "Aide alimentaire départementale"]


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


def test_sector_1_finds_services_without_extra_fees(directory):
    _service(
        "Cabinet en secteur 1", fee_sectors=["secteur-1"], thematiques=["sante--acces-aux-soins"]
    )
    _service(
        "Cabinet en secteur 2", fee_sectors=["secteur-2"], thematiques=["sante--acces-aux-soins"]
    )
    assert _names(facets=["sector_1"]) == ["Cabinet en secteur 1"]
    assert _names(facets=["sector_1"], commune=ROCHE) == ["Cabinet en secteur 1"]


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


PARIS_TZ = ZoneInfo("Europe/Paris")


def test_open_now_follows_public_holidays(directory):
    _service("Fermé les jours fériés", opening_hours="Mo-Fr 09:00-12:00; PH off")
    search_index.refresh()
    christmas_eve = dt.datetime(2026, 12, 24, 10, 0, tzinfo=PARIS_TZ)
    christmas = dt.datetime(2026, 12, 25, 10, 0, tzinfo=PARIS_TZ)
    found = search_services(SearchParams(open_now=True), now=christmas_eve).services
    assert [s.name for s in found] == ["Fermé les jours fériés"]
    assert search_services(SearchParams(open_now=True), now=christmas).services == []


def test_open_on_a_weekday_looks_at_the_next_such_day(directory):
    _service("Permanence du samedi", opening_hours="Sa 09:00-12:00")
    _service("Semaine seulement", opening_hours="Mo-Fr 09:00-17:00")
    search_index.refresh()
    wednesday = dt.datetime(2026, 12, 2, 15, 0, tzinfo=PARIS_TZ)
    found = search_services(SearchParams(open_on_weekday=5), now=wednesday).services
    assert [s.name for s in found] == ["Permanence du samedi"]
    found = search_services(SearchParams(open_on_weekday=1), now=wednesday).services
    assert [s.name for s in found] == ["Semaine seulement"]


def test_schedules_of_a_past_day_are_renewed_before_filtering(directory):
    from maillage.directory.models import OpeningSchedule

    _service("Ouvert le lundi", opening_hours="Mo 09:00-12:00")
    search_index.refresh()
    monday = dt.datetime(2026, 11, 30, 10, 0, tzinfo=PARIS_TZ)
    assert search_services(SearchParams(open_now=True), now=monday).services
    next_monday = monday + dt.timedelta(days=7)
    assert search_services(SearchParams(open_now=True), now=next_monday).services
    assert set(OpeningSchedule.objects.values_list("starts_on", flat=True)) == {next_monday.date()}


EXPRESSIONS = [
    "Mo-Fr 09:00-12:00,14:00-17:30; PH off",
    "24/7",
    "Tu,Th 13:45-18:10",
    "Mo-Sa 08:00-19:00; Su off",
    "Fr 22:00-02:00",
    "Dec 24-26 off; Mo-Fr 08:30-12:30",
    "Sa 09:00-12:00; Jan 01 off",
]


@settings(max_examples=300, deadline=None)
@given(
    expression=st.sampled_from(EXPRESSIONS),
    day=st.dates(min_value=dt.date(2026, 1, 1), max_value=dt.date(2027, 12, 31)),
    slot=st.integers(min_value=0, max_value=8 * 288 - 1),
)
@example(expression="24/7", day=dt.date(2026, 3, 29), slot=200)  # clocks go forward
@example(expression="Fr 22:00-02:00", day=dt.date(2026, 10, 24), slot=300)  # and back
def test_decoded_slots_agree_with_the_parser(expression, day, slot):
    """Property: bit n of the decoded schedule equals the parser's answer at that moment
    (wall-clock slots; the hour that does not exist when clocks go forward is skipped)."""
    slots, days = search_index.decode(expression, day)
    moment = search_index.local_midnight(day) + dt.timedelta(minutes=5 * slot)
    assume(moment.astimezone(dt.UTC).astimezone(PARIS_TZ).replace(fold=0) == moment)
    bit = (slots[slot // 8] >> (slot % 8)) & 1
    assert bit == int(bool(hours.is_open(expression, moment)))
    if bit:
        assert days & (1 << (slot // 288))


def test_cached_results_are_reused_and_any_write_invalidates_them(
    directory, settings, django_assert_max_num_queries
):
    from django.core.cache import cache

    settings.SEARCH_CACHE_SECONDS = 300
    cache.clear()
    search_index.refresh()
    params = SearchParams(text="medecins", commune=ROCHE, radius_km=50)
    first = search_services(params)
    assert [s.name for s in first.services] == ["Médecins généralistes"]
    with django_assert_max_num_queries(4):  # generation, place, services of the page
        again = search_services(params)
    assert [(s.name, round(s.distance_km, 3)) for s in again.services] == [
        (s.name, round(s.distance_km, 3)) for s in first.services
    ]
    assert again.total == first.total and again.place == first.place
    _service("Médecins du bourg", commune=RIVES, thematiques=["sante--acces-aux-soins"])
    search_index.refresh()
    assert [s.name for s in search_services(params).services] == [
        "Médecins généralistes",
        "Médecins du bourg",
    ]


def test_words_alone_rank_names_first_then_the_freshest(directory):
    in_description = _service("Accueil de jour", description="Un dentiste reçoit sans rendez-vous")
    old_named = _service("Cabinet dentaire et dentiste", source_updated_on=dt.date(2020, 1, 1))
    fresh_named = _service("Dentiste solidaire")
    assert _names(text="dentistes") == [fresh_named.name, old_named.name, in_description.name]
    results = search_services(SearchParams(text="dentiste"))
    assert [s.is_stale for s in results.services] == [False, True, False]
    assert results.total == 3


def test_words_alone_page_through_both_tiers_without_gap_or_repeat(directory):
    for n in range(4):
        _service(f"Épicerie solidaire {n}")
        _service(f"Accueil {n}", description="Une épicerie solidaire ouverte à tous")
    search_index.refresh()
    seen = []
    for page in range(4):
        results = search_services(SearchParams(text="epicerie", limit=3, offset=page * 3))
        seen += [s.name for s in results.services]
        assert results.total == 8
    assert len(seen) == len(set(seen)) == 8
    assert all(name.startswith("Épicerie") for name in seen[:4])


def test_mistyped_words_are_corrected_with_other_criteria_too(directory):
    assert "Médecins généralistes" in _names(text="medcin generalste", commune=ROCHE)
    assert _names(text="xqzwv kjhgf") == []


@given(st.text(max_size=60))
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_typed_text_searches_without_error(directory, text):
    # The directory is only read: sharing it between examples is what the test wants.
    search_index.refresh()
    corrected = queries.corrected_words(text)
    assert isinstance(corrected, str)
    search_services(SearchParams(text=text))


def test_a_commune_without_a_known_position_keeps_to_its_own_services(directory):
    from maillage.territories.models import Commune

    unplaced = Commune.objects.filter(latitude__isnull=True, kind="COM").order_by("code").first()
    assert unplaced is not None
    _service("Permanence locale", commune=unplaced.code, thematiques=["sante--acces-aux-soins"])
    search_index.refresh()
    results = search_services(SearchParams(commune=unplaced.code, themes=["sante"]))
    assert [s.name for s in results.services] == ["Permanence locale"]
    assert getattr(results.services[0], "distance_km", None) is None  # no distance to show


def test_the_remote_list_keeps_to_the_same_criteria(directory):
    _service(
        "Ligne d'écoute du matin",
        commune=PARIS,
        reception_modes=["a-distance"],
        eligibility_zone=["FR"],
        opening_hours="Mo-Fr 09:00-12:00",
        thematiques=["sante--sante-mentale"],
    )
    search_index.refresh()
    monday = dt.datetime(2026, 11, 30, 10, 0, tzinfo=ZoneInfo("Europe/Paris"))
    evening = monday.replace(hour=20)

    def remote(**criteria):
        params = SearchParams(commune=ROCHE, **criteria)
        return [s.name for s in search_services(params, now=monday).remote]

    assert remote(themes=["sante"]) == ["Ligne d'écoute du matin"]
    assert remote(themes=["famille"]) == []
    assert remote(open_now=True) == ["Ligne d'écoute du matin"]
    params = SearchParams(commune=ROCHE, open_now=True)
    assert search_services(params, now=evening).remote == []


def test_relevance_and_distance_are_weighed_against_each_other(directory):
    """Hand-built: between equal matches the nearer comes first; the words in a service's
    name outweigh ten kilometres against a mere mention in a description next door, not sixty
    (a place-centred search: what is within reach of the person comes first)."""
    _service(
        "Centre de vaccination de Rives",
        commune=RIVES,  # ~10 km from La Roche-sur-Yon
        thematiques=["sante--acces-aux-soins"],
    )
    _service(
        "Accueil de jour",
        commune=ROCHE,
        description="Orientation vers un centre de vaccination si besoin.",
    )
    _service("Centre de vaccination de la Roche", commune=ROCHE)
    _service("Centre de vaccination de Nantes", commune=NANTES)  # ~60 km
    names = _names(text="centre de vaccination", commune=ROCHE, radius_km=100)
    assert names == [
        "Centre de vaccination de la Roche",
        "Centre de vaccination de Rives",
        "Accueil de jour",
        "Centre de vaccination de Nantes",
    ]
