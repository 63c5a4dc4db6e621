"""The register in its pages and its API: what a keeper does, what the others see, French
refusals that change nothing."""

import html

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from maillage.cooperation.models import Convention, ConventionParty
from tests.factories import StructureFactory

JSON = "application/json"


def _text(response):
    return html.unescape(response.content.decode())


def _create(client, cast, **fields):
    data = {
        "kind": "gcsms",
        "title": "GCSMS du Pays Yon et Vie",
        "purpose": "Mutualiser la coordination des parcours.",
        "managed_by": cast.organisation.pk,
        "starts_on": "2026-01-01",
        "ends_on": "2030-12-31",
        **fields,
    }
    return client.post(reverse("cooperation:convention_new"), data)


def test_a_keeper_registers_a_grouping_with_its_parties_and_obligations(client, cast, territories):
    client.force_login(cast.organisation_admin)
    response = _create(client, cast)
    assert response.status_code == 302
    convention = Convention.objects.get()
    url = reverse("cooperation:convention", args=[convention.public_id])
    StructureFactory(name="CHRS Entraide", siret="73282932000074")
    parties = reverse("cooperation:party_add", args=[convention.public_id])
    client.post(
        parties, {"organisation": cast.organisation.pk, "share": "60", "contribution_kind": "none"}
    )
    response = client.post(
        parties,
        {
            "structure": "732 829 320 00074",
            "share": "40",
            "contribution_kind": "financial",
            "financial_amount": "12000",
        },
    )
    assert response.status_code == 302, _text(response)[:3000]
    chrs = ConventionParty.objects.get(structure__isnull=False)
    client.post(
        reverse("cooperation:obligation_add", args=[convention.public_id]),
        {
            "party": str(chrs.public_id),
            "description": "Verser sa contribution",
            "due_on": "2026-02-01",
        },
    )
    page = _text(client.get(url))
    assert "CHRS Entraide" in page and "SIRET 73282932000074" in page
    assert "Verser sa contribution" in page and "en retard" in page
    assert "Parts des membres présents : 100 %" in page
    convention.refresh_from_db()
    moved = client.post(
        reverse("cooperation:convention_move", args=[convention.public_id]),
        {"to_state": "signed", "on": "2026-01-15", "version": convention.version},
    )
    assert moved.status_code == 302
    assert "signée" in _text(client.get(url))


def test_bad_input_is_refused_in_french_and_changes_nothing(client, cast, territories):
    client.force_login(cast.organisation_admin)
    response = _create(client, cast, ends_on="2020-01-01")
    assert response.status_code == 400
    assert "L'échéance précède la prise d'effet." in _text(response)
    assert not Convention.objects.exists()
    _create(client, cast)
    convention = Convention.objects.get()
    response = client.post(
        reverse("cooperation:party_add", args=[convention.public_id]),
        {"structure": "00000000000000", "contribution_kind": "none"},
    )
    assert response.status_code == 400
    assert "Aucune structure de l'annuaire avec ce SIRET ou ce FINESS." in _text(response)
    response = client.post(
        reverse("cooperation:convention_move", args=[convention.public_id]),
        {"to_state": "signed", "on": "2026-01-15", "version": convention.version},
    )
    assert response.status_code == 400
    assert "deux parties au moins" in _text(response)
    assert not convention.parties.exists()


def test_members_read_the_register_others_do_not_find_it(client, cast, territories):
    client.force_login(cast.organisation_admin)
    _create(client, cast)
    convention = Convention.objects.get()
    url = reverse("cooperation:convention", args=[convention.public_id])
    client.force_login(cast.professional)
    page = _text(client.get(url))
    assert "GCSMS du Pays Yon et Vie" in page and "Ajouter une partie" not in page
    assert "GCSMS du Pays Yon et Vie" in _text(client.get(reverse("cooperation:conventions")))
    client.force_login(cast.outsider)
    assert client.get(url).status_code == 404
    assert "GCSMS du Pays" not in _text(client.get(reverse("cooperation:conventions")))


def test_the_convention_page_reads_in_a_constant_number_of_queries(client, cast, territories):
    client.force_login(cast.organisation_admin)
    _create(client, cast)
    convention = Convention.objects.get()
    url = reverse("cooperation:convention", args=[convention.public_id])

    def count():
        with CaptureQueriesContext(connection) as run:
            assert client.get(url).status_code == 200
        return len(run)

    client.post(
        reverse("cooperation:party_add", args=[convention.public_id]),
        {"organisation": cast.organisation.pk, "contribution_kind": "none"},
    )
    few = count()
    for index in range(5):
        StructureFactory(finess=f"85000{index:04d}")
    for index in range(5):
        client.post(
            reverse("cooperation:party_add", args=[convention.public_id]),
            {"structure": f"85000{index:04d}", "contribution_kind": "none"},
        )
    assert convention.parties.count() == 6
    assert count() == few


def test_the_api_keeps_the_register_as_the_pages_do(client, cast, territories):
    client.force_login(cast.organisation_admin)
    body = {
        "kind": "partnership",
        "title": "Sortie d'hospitalisation CH–CHRS",
        "purpose": "Ce qui suit un séjour à l'hôpital.",
        "managed_by": str(cast.organisation.public_id),
    }
    response = client.post("/api/v1/conventions", body, content_type=JSON)
    assert response.status_code == 201, response.content
    created = response.json()
    url = f"/api/v1/conventions/{created['id']}"
    for organisation in (cast.organisation, cast.other_organisation):
        answer = client.post(
            f"{url}/parties", {"organisation": str(organisation.public_id)}, content_type=JSON
        )
        assert answer.status_code == 201
    moved = client.post(
        f"{url}/moves", {"to_state": "signed", "on": "2026-01-15", "version": 1}, content_type=JSON
    )
    assert moved.status_code == 200 and moved.json()["state"] == "signed"
    stale = client.put(url, {**body, "version": 1}, content_type=JSON)
    assert stale.status_code == 409 and "modifiée entre-temps" in stale.json()["detail"]
    declared = client.post(
        f"{url}/moves",
        {"to_state": "declared", "on": "2026-01-16", "declared_to": "ars", "version": 2},
        content_type=JSON,
    )
    assert declared.status_code == 400 and "groupement se déclare" in declared.json()["detail"]
    assert [c["title"] for c in client.get("/api/v1/conventions").json()] == [body["title"]]
    client.force_login(cast.outsider)  # a member of a party
    assert client.get(url).json()["title"] == body["title"]
    client.force_login(cast.observer)
    assert client.get(url).status_code == 404
    client.force_login(cast.professional)
    refused = client.post(
        f"{url}/parties", {"organisation": str(cast.platform.public_id)}, content_type=JSON
    )
    assert refused.status_code == 403
