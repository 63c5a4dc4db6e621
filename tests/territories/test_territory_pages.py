import html

from django.urls import reverse

from maillage.core.models import AuditEvent
from maillage.territories.models import Territory


def _create(client, name="Bocage yonnais"):
    response = client.post(
        reverse("territories:create"), {"name": name, "kind": "micro", "description": ""}
    )
    assert response.status_code == 302
    return Territory.objects.get(name=name)


def _add(client, territory, kind, code):
    return client.post(
        reverse("territories:add", kwargs={"public_id": territory.public_id}),
        {"kind": kind, "code": code},
    )


def test_a_coordinator_builds_a_micro_territory_from_a_commune_and_an_epci(
    client, cast, territories
):
    client.force_login(cast.coordinator)
    territory = _create(client)
    _add(client, territory, "commune", "85213")
    _add(client, territory, "epci", "200072882")  # CC de Vie et Boulogne
    assert territory.communes.count() == 1 + 15
    page = client.get(reverse("territories:detail", kwargs={"public_id": territory.public_id}))
    text = html.unescape(page.content.decode())
    assert "Rives de l'Yon" in text
    assert "Palluau" in text
    assert AuditEvent.objects.filter(action="territory.add_places").count() == 2

    client.post(
        reverse(
            "territories:remove_commune",
            kwargs={"public_id": territory.public_id, "code": "85213"},
        )
    )
    assert not territory.communes.filter(code="85213").exists()


def test_adding_a_departement_adds_its_communes_but_not_arrondissements(client, cast, territories):
    client.force_login(cast.coordinator)
    territory = _create(client, "Rhône entier")
    _add(client, territory, "departement", "69")
    assert territory.communes.filter(kind="ARM").count() == 0
    assert territory.communes.filter(code="69123").exists()  # Lyon


def test_search_results_come_as_a_fragment_for_htmx(client, cast, territories):
    client.force_login(cast.coordinator)
    territory = _create(client)
    url = reverse("territories:detail", kwargs={"public_id": territory.public_id})
    fragment = client.get(
        url + "?q=st+florent", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="place-results"
    )
    text = html.unescape(fragment.content.decode())
    assert "<html" not in text
    assert "comprend Saint-Florent-des-Bois" in text
    full = client.get(url + "?q=st+florent")
    assert "<html" in full.content.decode()


def test_bad_place_choices_are_refused_with_a_message(client, cast, territories):
    client.force_login(cast.coordinator)
    territory = _create(client)
    response = _add(client, territory, "commune", "99999")
    assert response.status_code == 302
    page = client.get(response.url)
    assert "Aucune commune" in html.unescape(page.content.decode())
    response = _add(client, territory, "planet", "85")
    assert "Choix de lieu invalide" in html.unescape(client.get(response.url).content.decode())
    assert territory.communes.count() == 0


def test_a_professional_reads_territories_but_cannot_shape_them(client, cast, territories):
    client.force_login(cast.coordinator)
    territory = _create(client)
    client.force_login(cast.professional)
    page = client.get(reverse("territories:detail", kwargs={"public_id": territory.public_id}))
    assert page.status_code == 200
    assert "Ajouter des communes" not in page.content.decode()
    assert _add(client, territory, "commune", "85213").status_code == 403
    assert client.post(reverse("territories:create"), {"name": "x"}).status_code == 403
    assert AuditEvent.objects.filter(action="territory.update", outcome="denied").exists()


def test_the_territory_list_runs_a_constant_number_of_queries(
    client, cast, territories, django_assert_max_num_queries
):
    client.force_login(cast.coordinator)
    _create(client, "Premier")
    client.get(reverse("territories:list"))
    with django_assert_max_num_queries(10):
        client.get(reverse("territories:list"))
    for n in range(8):
        _create(client, f"Territoire {n}")
    with django_assert_max_num_queries(10):
        response = client.get(reverse("territories:list"))
    assert "Territoire 7" in response.content.decode()


def test_the_territory_page_runs_a_constant_number_of_queries(
    client, cast, territories, django_assert_max_num_queries
):
    client.force_login(cast.coordinator)
    territory = _create(client, "Compté")
    _add(client, territory, "commune", "85213")
    url = reverse("territories:detail", kwargs={"public_id": territory.public_id})
    client.get(url)
    with django_assert_max_num_queries(12):
        client.get(url)
    _add(client, territory, "departement", "85")
    with django_assert_max_num_queries(12):
        response = client.get(url)
    assert "Fougeré" in response.content.decode()


def test_a_coordinator_elsewhere_cannot_edit_the_territories_of_an_organisation_where_she_is_a_professional(  # noqa: E501
    client, cast, territories
):
    from maillage.core.roles import Role
    from tests.factories import MembershipFactory

    territory = Territory.objects.create(
        name="Territoire de la MSP", organisation=cast.organisation
    )
    MembershipFactory(user=cast.coordinator, organisation=cast.organisation, role=Role.PROFESSIONAL)
    client.force_login(cast.coordinator)
    assert _add(client, territory, "commune", "85213").status_code == 403
    assert territory.communes.count() == 0
