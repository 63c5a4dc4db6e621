"""The accessibility page: the index of a département, and what-ifs side by side."""

import html

import pytest
from django.urls import reverse

from maillage.directory import search_index
from maillage.observatory import actions
from tests.factories import ServiceFactory, StructureFactory

URL = reverse("observatory:accessibility")


@pytest.fixture
def run(db, territories):
    ServiceFactory(
        structure=StructureFactory(commune_id="85191"),
        professions=["médecin généraliste"],
        capacity=4,
    )
    search_index.refresh()
    return actions.accessibility_compute()


def test_observers_see_the_index_and_try_a_what_if(client, cast, run):
    client.force_login(cast.observer)
    page = html.unescape(client.get(URL, {"departement": "85"}).content.decode())
    assert "La Roche-sur-Yon" in page and "sous le seuil de 2,5" in page
    # Eight doctors at Noirmoutier-en-l'Île, which reaches nobody today (the island and its
    # neighbours: some 10,000 people).
    response = client.post(f"{URL}?departement=85", {"commune_0": "85163", "change_0": "8"})
    assert response.status_code == 200
    result = response.context["what_if"]
    noirmoutier = next(line for line in result["lines"] if line["commune"].code == "85163")
    assert noirmoutier["before"] == 0 and noirmoutier["after"] > 2.5 and noirmoutier["crosses"]
    assert result["population_after"] < result["population_before"]
    # Fewer doctors at La Roche-sur-Yon (typed by its name): its index falls.
    response = client.post(
        f"{URL}?departement=85", {"commune_0": "la roche sur yon", "change_0": "-3"}
    )
    line = next(
        line for line in response.context["what_if"]["lines"] if line["commune"].code == "85191"
    )
    assert line["after"] < line["before"]


def test_a_what_if_reads_a_typographic_minus_and_a_name_shared_elsewhere(client, cast, run):
    client.force_login(cast.observer)
    # « Apremont » is the Vendée's here (France has six); « − » is a minus.
    response = client.post(
        f"{URL}?departement=85",
        {"commune_0": "Apremont", "change_0": "8", "commune_1": "85191", "change_1": "\u22122"},
    )
    assert response.status_code == 200, html.unescape(response.content.decode())[-3000:]
    lines = {line["commune"].code: line for line in response.context["what_if"]["lines"]}
    assert "85006" in lines
    assert lines["85191"]["after"] < lines["85191"]["before"]


def test_a_what_if_with_an_unknown_commune_says_so_in_french(client, cast, run):
    client.force_login(cast.coordinator)
    response = client.post(f"{URL}?departement=85", {"commune_0": "99999", "change_0": "1"})
    assert response.status_code == 400
    assert "Commune inconnue" in html.unescape(response.content.decode())


def test_the_page_and_its_what_ifs_run_in_a_fixed_number_of_queries(
    client, cast, run, django_assert_max_num_queries
):
    client.force_login(cast.observer)
    with django_assert_max_num_queries(25) as counted:
        client.get(URL, {"departement": "85"})  # 258 communes
    with django_assert_max_num_queries(len(counted.captured_queries)):
        client.get(URL, {"departement": "59"})  # 648 communes
    with django_assert_max_num_queries(len(counted.captured_queries) + 2):
        client.post(f"{URL}?departement=85", {"commune_0": "85163", "change_0": "2"})
