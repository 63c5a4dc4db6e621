import uuid

from django.test import override_settings

from maillage.directory import search_index
from maillage.directory.models import UnmetSearch
from maillage.directory.schemas import SearchOut, ServiceOut, StructureOut
from tests.factories import ServiceFactory, StructureFactory

URL = "/api/v1/services"


def _service(name, commune="85191", **fields):
    service = ServiceFactory(structure=StructureFactory(commune_id=commune), name=name, **fields)
    search_index.refresh(service_ids=[service.pk])
    return service


def test_anyone_searches_published_services_with_distances(client, territories, db):
    _service(
        "Médecins généralistes",
        thematiques=["sante--acces-aux-soins"],
        opening_hours="Mo-Fr 09:00-17:00",
    )
    _service("Centre dentaire", commune="85213", thematiques=["sante--acces-aux-soins"])
    response = client.get(URL, {"theme": "sante", "commune": "85191", "radius_km": 20})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    first = body["results"][0]
    assert first["name"] == "Médecins généralistes"
    uuid.UUID(first["id"])
    assert first["distance_km"] < 1
    assert first["opening_hours"] == "Mo-Fr 09:00-17:00"
    assert first["commune_code"] == "85191"


def test_the_answer_has_the_documented_shape(client, territories, db):
    _service("Médecins généralistes", thematiques=["sante--acces-aux-soins"])
    _service(
        "Téléconsultation",
        commune="75056",
        thematiques=["sante--acces-aux-soins"],
        reception_modes=["a-distance"],
        eligibility_zone=["FR"],
    )
    body = client.get(URL, {"theme": "sante", "commune": "85191"}).json()
    answer = SearchOut.model_validate(body)  # the schema the OpenAPI document publishes
    assert [s.name for s in answer.results] == ["Médecins généralistes"]
    assert [s.name for s in answer.remote] == ["Téléconsultation"]
    assert set(body["results"][0]) == set(ServiceOut.model_fields)
    assert set(body["results"][0]["structure"]) == set(StructureOut.model_fields)


def test_bad_parameters_get_a_400_that_says_why_in_french(client, territories, db):
    response = client.get(URL, {"theme": "sante--inexistant", "commune": "99999"})
    assert response.status_code == 400
    detail = response.json()["detail"]
    assert "thématique inconnue : sante--inexistant" in detail
    assert "commune inconnue : 99999" in detail
    response = client.get(URL, {"lat": "nord"})
    assert response.status_code == 400
    assert "lat" in response.json()["detail"]
    assert client.get(URL, {"per_page": 1000}).status_code == 400


@override_settings(API_PUBLIC_RATE_PER_MINUTE=2)
def test_the_public_api_is_rate_limited_per_address(client, db):
    assert client.get(URL).status_code == 200
    assert client.get(URL).status_code == 200
    response = client.get(URL)
    assert response.status_code == 429
    assert "trop de requêtes" in response.json()["detail"]


def test_a_search_that_finds_nothing_is_recorded_without_its_words(client, territories, db):
    client.get(
        URL,
        {
            "q": "Madame Dupont cherche un dentiste",
            "theme": "sante--addictions",
            "commune": "85213",
        },
    )
    unmet = UnmetSearch.objects.get()
    assert unmet.themes == ["sante--addictions"]
    assert unmet.commune_id == "85213"
    assert unmet.had_text
    assert "Dupont" not in str(unmet.__dict__)


def test_the_commune_is_given_by_insee_code_postal_code_or_name(client, territories, db):
    _service("Médecins généralistes", thematiques=["sante--acces-aux-soins"])
    by_code = client.get(URL, {"theme": "sante", "commune": "85191"}).json()
    for typed in ("85000", "La Roche-sur-Yon", "la roche sur yon"):
        body = client.get(URL, {"theme": "sante", "commune": typed}).json()
        assert body["results"] == by_code["results"], typed
        assert body["results"][0]["distance_km"] < 1
    response = client.get(URL, {"commune": "Nulle-Part-sur-Mer"})
    assert response.status_code == 400
    assert "commune inconnue : Nulle-Part-sur-Mer" in response.json()["detail"]


def test_a_point_reaches_the_zones_covering_its_commune_and_is_recorded_there(
    client, territories, db
):
    _service("Dispositif départemental", commune="44109", eligibility_zone=["85"])
    _service("Dispositif nantais", commune="44109", eligibility_zone=["44"])
    # A point in La Roche-sur-Yon, 60 km from Nantes, with a 10 km radius.
    body = client.get(URL, {"lat": 46.6705, "lon": -1.4268, "radius_km": 10}).json()
    assert [s["name"] for s in body["results"]] == ["Dispositif départemental"]
    client.get(URL, {"lat": 46.6705, "lon": -1.4268, "theme": "sante--addictions"})
    assert UnmetSearch.objects.get().commune_id == "85191"


def test_a_search_that_finds_something_is_not_an_unmet_need(client, territories, db):
    _service("Consultation addictologie", thematiques=["sante--addictions"])
    client.get(URL, {"theme": "sante--addictions"})
    assert not UnmetSearch.objects.exists()


def test_the_openapi_document_describes_the_search(client, db):
    document = client.get("/api/v1/openapi.json").json()
    parameters = {p["name"]: p for p in document["paths"]["/api/v1/services"]["get"]["parameters"]}
    assert "nom de commune ou code postal" in parameters["commune"]["description"]
    assert "sector_1" in parameters["facet"]["description"]


def test_the_result_list_runs_a_constant_number_of_queries(
    client, territories, db, django_assert_max_num_queries
):
    for n in range(3):
        _service(f"Service {n}")
    with django_assert_max_num_queries(8):
        client.get(URL, {"commune": "85191"})
    for n in range(12):
        _service(f"Autre service {n}")
    with django_assert_max_num_queries(8):
        response = client.get(URL, {"commune": "85191"})
    assert response.json()["count"] == 15


def test_counting_stops_at_the_cap_and_says_so(client, territories, db, monkeypatch):
    from maillage.directory import search

    monkeypatch.setattr(search, "COUNT_CAP", 3)
    for n in range(5):
        _service(f"Lieu ressource {n}")
    body = client.get(URL, {"per_page": 2}).json()
    assert (body["count"], body["count_capped"]) == (3, True)
    body = client.get(URL, {"per_page": 10}).json()
    assert (body["count"], body["count_capped"]) == (5, False)


def test_cached_answers_are_identical_still_count_unmet_needs_and_follow_writes(
    client, territories, db, settings, django_assert_max_num_queries
):
    from django.core.cache import cache

    settings.SEARCH_CACHE_SECONDS = 300
    cache.clear()
    _service("Médecins généralistes", thematiques=["sante--acces-aux-soins"])
    query = {"theme": "sante", "commune": "85191", "radius_km": 20}
    first = client.get(URL, query).json()
    # The rate limit counter, the commune check, the generation: nothing else.
    with django_assert_max_num_queries(3):
        again = client.get(URL, query).json()
    assert again == first
    nothing = {"theme": "logement-hebergement", "commune": "85191"}
    client.get(URL, nothing)
    client.get(URL, nothing)  # answered from the cache, still an unmet need
    assert UnmetSearch.objects.filter(themes=["logement-hebergement"]).count() == 2
    _service("Centre dentaire", commune="85213", thematiques=["sante--acces-aux-soins"])
    assert client.get(URL, query).json()["count"] == 2


def test_an_absurd_page_number_is_a_400_not_a_500(client, territories, db):
    assert client.get(URL, {"q": "santé", "page": 10**20}).status_code == 400
    assert client.get(URL, {"q": "santé", "page": 99999}).status_code == 400
