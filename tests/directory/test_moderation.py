"""Organisations keep their entries up to date; the platform validates first publication
and every change to a published entry; stale entries get their editors reminded."""

import datetime as dt
import html

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillage.directory import actions, queries
from maillage.directory.models import ProposedChange, Service, Structure
from tests.factories import ServiceFactory, StructureFactory
from tests.jobs import run_jobs

SERVICE_FORM = {
    "name": "Permanence d'accès aux droits",
    "description": "Aide pour les démarches de santé.",
    "thematiques": ["sante--acces-aux-soins"],
    "publics": ["tous-publics"],
    "commune_text": "La Roche-sur-Yon",
    "opening_hours": "Mo-Fr 09:00-12:00; PH off",
    "languages": "fr, en",
    "eligibility_zone": "85",
    "update_frequency_days": "180",
}


def _text(response):
    return html.unescape(response.content.decode())


def _search(text):
    return queries.search_services(queries.SearchParams(text=text)).services


@pytest.fixture
def own_structure(cast, territories):
    structure = StructureFactory(organisation=cast.organisation, name="Maison de santé du test")
    return structure


def test_an_organisation_admin_drafts_submits_and_a_moderator_publishes(client, cast, territories):
    client.force_login(cast.organisation_admin)
    page = _text(client.get(reverse("directory:my_entries")))
    assert "Créer une fiche pour Maison de santé test" in page
    response = client.post(
        reverse("directory:structure_new", args=[cast.organisation.public_id]),
        {"name": "Maison de santé test", "commune_text": "85000", "description": "Soins."},
    )
    assert response.status_code == 302
    structure = Structure.objects.get(organisation=cast.organisation)
    assert structure.state == "draft" and structure.commune_id == "85191"
    response = client.post(
        reverse("directory:service_new", args=[structure.public_id]), SERVICE_FORM
    )
    assert response.status_code == 302
    service = Service.objects.get(structure=structure)
    assert service.languages == ["fr", "en"] and service.eligibility_zone == ["85"]
    for kind, entry in (("structure", structure), ("service", service)):
        client.post(reverse("directory:entry_action", args=[kind, entry.public_id, "soumettre"]))
    structure.refresh_from_db()
    service.refresh_from_db()
    assert (structure.state, service.state) == ("pending", "pending")
    assert _search("permanence droits") == []  # nothing public before validation

    client.force_login(cast.coordinator)
    page = _text(client.get(reverse("directory:moderation")))
    assert "Permanence d'accès aux droits" in page and "Maison de santé test" in page
    for kind, entry in (("structure", structure), ("service", service)):
        client.post(
            reverse("directory:moderation_decide", args=[kind, entry.public_id]),
            {"decision": "approve"},
        )
    assert [s.name for s in _search("permanence droits")] == ["Permanence d'accès aux droits"]
    run_jobs()
    assert cast.organisation_admin.email in [m.to[0] for m in mail.outbox]


def test_changes_to_a_published_service_wait_for_the_moderator(client, cast, own_structure):
    service = ServiceFactory(
        structure=own_structure,
        name="Consultation infirmière",
        thematiques=["sante--acces-aux-soins"],
    )
    client.force_login(cast.organisation_admin)
    form = {**SERVICE_FORM, "name": "Consultation infirmière du soir"}
    response = client.post(reverse("directory:service_edit", args=[service.public_id]), form)
    assert response.status_code == 302
    service.refresh_from_db()
    assert service.name == "Consultation infirmière"  # still the published value
    change = ProposedChange.objects.get(service=service, state="pending")
    assert change.changes["name"] == "Consultation infirmière du soir"
    # A second edit joins the same pending change.
    client.post(
        reverse("directory:service_edit", args=[service.public_id]),
        {**form, "phone": "02 51 00 00 00"},
    )
    change = ProposedChange.objects.get(service=service, state="pending")
    assert change.changes["phone"] == "02 51 00 00 00"

    client.force_login(cast.coordinator)
    page = _text(client.get(reverse("directory:moderation")))
    assert "Consultation infirmière du soir" in page
    # The moderator reads names and days, not codes and Python lists.
    assert "français, anglais" in page and "['fr', 'en']" not in page
    assert "lundi : 9 h – 12 h" in page and "Mo-Fr 09:00-12:00" not in page
    client.post(
        reverse("directory:moderation_decide", args=["modification", change.public_id]),
        {"decision": "reject"},
    )
    change.refresh_from_db()
    assert change.state == "pending"  # a refusal needs its reason
    client.post(
        reverse("directory:moderation_decide", args=["modification", change.public_id]),
        {"decision": "reject", "reason": "Le nom doit rester celui du cabinet."},
    )
    change.refresh_from_db()
    service.refresh_from_db()
    assert change.state == "rejected" and service.name == "Consultation infirmière"

    client.force_login(cast.organisation_admin)
    client.post(reverse("directory:service_edit", args=[service.public_id]), form)
    change = ProposedChange.objects.get(service=service, state="pending")
    actions.moderation_approve(actor=cast.coordinator, change=change)
    service.refresh_from_db()
    assert service.name == "Consultation infirmière du soir"
    assert service.source_updated_on == timezone.localdate()


def test_forms_explain_bad_hours_and_unknown_communes_in_french(client, cast, own_structure):
    client.force_login(cast.organisation_admin)
    response = client.post(
        reverse("directory:service_new", args=[own_structure.public_id]),
        {
            **SERVICE_FORM,
            "opening_hours": "lundi matin",
            "commune_text": "Atlantide",
            "thematiques": [],
        },
    )
    page = _text(response)
    assert response.status_code == 200
    assert "Horaires illisibles" in page
    assert "Commune introuvable" in page
    assert "Choisissez au moins une thématique ou une offre de santé." in page
    assert not Service.objects.filter(structure=own_structure).exists()


def test_a_service_is_tagged_with_sub_themes_only(client, cast, own_structure):
    client.force_login(cast.organisation_admin)
    url = reverse("directory:service_new", args=[own_structure.public_id])
    page = _text(client.get(url))
    assert 'value="sante--sante-mentale"' in page
    assert 'value="sante"' not in page  # a parent theme is a search filter, not a tag
    response = client.post(url, {**SERVICE_FORM, "thematiques": ["sante"]})
    assert response.status_code == 200
    assert not Service.objects.filter(structure=own_structure).exists()


def test_nobody_else_edits_an_organisations_entries(client, cast, own_structure):
    service = ServiceFactory(structure=own_structure)
    edit = reverse("directory:service_edit", args=[service.public_id])
    for persona in ("professional", "colleague", "outsider", "observer"):
        client.force_login(getattr(cast, persona))
        assert client.get(edit).status_code == 403, persona
    other_admin_org = StructureFactory(organisation=cast.other_organisation)
    client.force_login(cast.organisation_admin)
    assert client.get(edit).status_code == 200
    assert (
        client.get(
            reverse("directory:structure_edit", args=[other_admin_org.public_id])
        ).status_code
        == 404
    )
    with pytest.raises(PermissionDenied):
        actions.entry_update(actor=cast.professional, entry=service, values={"name": "X"})


def test_stale_services_remind_their_editors_once_until_confirmed(client, cast, own_structure):
    old = timezone.localdate() - dt.timedelta(days=200)
    stale = ServiceFactory(structure=own_structure, name="Atelier ancien", source_updated_on=old)
    ServiceFactory(structure=own_structure, name="Atelier récent", source_updated_on=None)
    ServiceFactory(name="Ailleurs sans compte", source_updated_on=old)  # no editor to remind
    assert actions.remind_stale_services() == 1
    assert actions.remind_stale_services() == 0
    run_jobs()
    reminder = [m for m in mail.outbox if m.to == [cast.organisation_admin.email]]
    assert len(reminder) == 1 and "Atelier ancien" in reminder[0].body
    assert "Atelier récent" not in reminder[0].body
    client.force_login(cast.organisation_admin)
    page = _text(client.get(reverse("directory:my_entries")))
    assert "à vérifier" in page
    client.post(reverse("directory:entry_action", args=["service", stale.public_id, "a-jour"]))
    stale.refresh_from_db()
    assert stale.source_updated_on == timezone.localdate()
    assert "à vérifier" not in _text(client.get(reverse("directory:my_entries")))
    # Stale again a lapse later: reminded again.
    later = timezone.localdate() + dt.timedelta(days=181)
    assert actions.remind_stale_services(today=later) >= 1


def test_archiving_takes_a_service_out_of_search(client, cast, own_structure):
    from maillage.directory import search_index

    service = ServiceFactory(structure=own_structure, name="Bus santé itinérant")
    search_index.refresh(service_ids=[service.pk])
    assert _search("bus sante itinerant")
    client.force_login(cast.organisation_admin)
    page = _text(client.get(reverse("directory:my_entries")))
    assert "Archiver…" in page and "quitte l'annuaire public" in page  # confirmed first
    client.post(reverse("directory:entry_action", args=["service", service.public_id, "archiver"]))
    assert _search("bus sante itinerant") == []


def test_my_entries_page_has_a_fixed_number_of_queries(client, cast, own_structure):
    ServiceFactory(structure=own_structure)
    client.force_login(cast.organisation_admin)
    client.get(reverse("directory:my_entries"))
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("directory:my_entries"))
    for _ in range(6):
        ServiceFactory(structure=own_structure)
    StructureFactory(organisation=cast.organisation)
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("directory:my_entries"))
    assert response.status_code == 200
    assert len(many) == len(few)


def test_editing_an_entry_that_waits_for_validation_withdraws_it(cast, own_structure):
    service = ServiceFactory(structure=own_structure, state="pending", name="Atelier")
    actions.entry_update(actor=cast.organisation_admin, entry=service, values={"name": "Atelier 2"})
    service.refresh_from_db()
    assert (service.name, service.state) == ("Atelier 2", "draft")
    with pytest.raises(ValidationError):
        actions.moderation_approve(actor=cast.coordinator, entry=service)


def test_an_entry_is_written_as_people_say_it_and_kept_as_the_standard_wants(
    client, cast, own_structure
):
    client.force_login(cast.organisation_admin)
    url = reverse("directory:service_new", args=[own_structure.public_id])
    wrong = client.post(
        url,
        {**SERVICE_FORM, "postal_code": "ABCDE", "languages": "français, klingon"},
    )
    page = _text(wrong)
    assert wrong.status_code in (200, 400)
    assert "Un code postal a cinq chiffres" in page and "Langue inconnue : « klingon »" in page
    assert not Service.objects.filter(structure=own_structure).exists()
    elsewhere = _text(client.post(url, {**SERVICE_FORM, "postal_code": "85150"}))
    assert "Le code postal de La Roche-sur-Yon est 85000." in elsewhere
    assert not Service.objects.filter(structure=own_structure).exists()
    # A CEDEX code (a hospital's, from FINESS) is no other commune's: it is kept.
    cedex = client.post(url, {**SERVICE_FORM, "postal_code": "85925"})
    assert cedex.status_code == 302
    Service.objects.filter(structure=own_structure).delete()
    done = client.post(
        url,
        {
            **SERVICE_FORM,
            "postal_code": "85000",
            "languages": "Français, arabe, LSF",
            "opening_hours": "du lundi au vendredi de 9h à 18h ; fermé les jours fériés",
        },
    )
    assert done.status_code == 302
    service = Service.objects.get(structure=own_structure)
    assert service.languages == ["fr", "ar", "fsl"]
    assert service.opening_hours == "Mo-Fr 09:00-18:00; PH off"
