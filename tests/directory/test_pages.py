import datetime as dt
import html

from django.urls import reverse

from maillage.directory import search_index
from tests.factories import ServiceFactory, StructureFactory

SEARCH = reverse("directory:search")


def _service(name, commune="85191", **fields):
    service = ServiceFactory(
        structure=StructureFactory(commune_id=commune, name=f"Maison {name}"), name=name, **fields
    )
    search_index.refresh(service_ids=[service.pk])
    return service


def _text(response):
    return html.unescape(response.content.decode())


def test_a_professional_finds_services_around_a_commune_typed_in_words(client, cast, territories):
    _service(
        "Consultation jeunes consommateurs", commune="85213", thematiques=["sante--addictions"]
    )
    client.force_login(cast.professional)
    page = _text(client.get(SEARCH, {"theme": "sante", "lieu": "la roche sur yon"}))
    assert "1 service trouvé autour de La Roche-sur-Yon" in page
    assert "Consultation jeunes consommateurs" in page
    assert " km" in page and "à " in page


def test_htmx_gets_only_the_results(client, cast, territories):
    _service("Permanence sociale", thematiques=["sante--acces-aux-soins"])
    client.force_login(cast.professional)
    fragment = _text(client.get(SEARCH, {"q": "permanence"}, HTTP_HX_REQUEST="true"))
    assert "<html" not in fragment
    assert "Permanence sociale" in fragment


def test_bad_criteria_are_explained_in_french_not_a_500(client, cast, territories):
    client.force_login(cast.professional)
    page = client.get(SEARCH, {"lieu": "Atlantide-sur-Mer", "theme": "sante"})
    assert page.status_code == 200
    assert "Commune introuvable" in _text(page)
    page = client.get(SEARCH, {"radius_km": "loin", "theme": "pas-un-theme"})
    assert page.status_code == 200
    assert "Certains critères sont invalides" in _text(page)


def test_the_service_page_gives_what_is_needed_to_orient(client, cast, territories):
    service = _service(
        "Centre de santé",
        opening_hours="Mo-Fr 09:00-12:00",
        thematiques=["sante--acces-aux-soins"],
        phone="02 51 00 00 00",
        no_appointment=True,
        fees="gratuit",
        source_updated_on=dt.date(2020, 1, 1),
    )
    client.force_login(cast.professional)
    page = _text(client.get(reverse("directory:service", kwargs={"public_id": service.public_id})))
    assert "02 51 00 00 00" in page
    assert "9 h – 12 h" in page
    assert "Sans rendez-vous" in page
    assert "Informations à vérifier" in page  # updated in 2020, yearly at best
    sheet = _text(
        client.get(reverse("directory:service_sheet", kwargs={"public_id": service.public_id}))
    )
    assert "Vous pouvez vous adresser à ce service" in sheet
    assert "sheet.css" in sheet


def test_an_unpublished_service_is_not_found(client, cast, territories):
    service = _service("Brouillon", state="draft")
    client.force_login(cast.professional)
    response = client.get(reverse("directory:service", kwargs={"public_id": service.public_id}))
    assert response.status_code == 404


def test_the_search_page_runs_a_constant_number_of_queries(
    client, cast, territories, django_assert_max_num_queries
):
    client.force_login(cast.professional)
    for n in range(3):
        _service(f"Lieu d'accueil {n}")
    client.get(SEARCH, {"lieu": "85000"})
    with django_assert_max_num_queries(16):
        client.get(SEARCH, {"lieu": "85000"})
    for n in range(15):
        _service(f"Autre lieu {n}")
    with django_assert_max_num_queries(16):
        page = _text(client.get(SEARCH, {"lieu": "85000"}))
    assert "18 services trouvés" in page
    assert "Résultats suivants" not in page  # 18 fit on the first page of 20
