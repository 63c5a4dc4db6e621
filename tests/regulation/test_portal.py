"""The person sees her own place request in her space: its state, what is waited for, where
she stands and why — and nothing of anyone else's request."""

from django.urls import reverse

from maillage.core.models import AuditEvent
from maillage.pathways.models import PortalAccess
from tests.conftest import login_verified
from tests.factories import opened_pathway
from tests.regulation.conftest import household, waiting_request


def test_the_person_sees_her_request_her_band_and_no_one_else(client, world, cast):
    pathway = opened_pathway(cast)
    PortalAccess.objects.create(pathway=pathway, user=cast.person)
    waiting_request(world, members=household("Autre", "Ménage"), waited=900, dalo=True)
    mine = waiting_request(
        world, members=household("Lucie", "Moreau"), waited=30, pathway=pathway.public_id
    )
    login_verified(client, cast.person)
    page = client.get(reverse("regulation:portal"))
    text = page.content.decode()
    assert page.status_code == 200
    assert (
        "En attente d&#x27;une place" in text and "On cherche une place qui vous convient" in text
    )
    assert "parmi les 10 premières demandes" in text
    assert "30 jours d&#x27;ancienneté comptés" in text
    assert "Autre" not in text and "Ménage" not in text  # nobody else's name
    assert AuditEvent.objects.filter(
        action="place_request.read", details__contains=str(mine.public_id)
    ).exists()


def test_someone_without_a_space_sees_no_request(client, world, cast):
    waiting_request(world)
    login_verified(client, cast.caregiver)
    response = client.get(reverse("regulation:portal"))
    text = response.content.decode()
    assert "Vous n'avez pas de demande de place en cours" in text
