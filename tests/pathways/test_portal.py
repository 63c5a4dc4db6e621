"""Caregivers in the circle, and the person's space: invitation, two-factor login, her plan,
circle and meetings, what she writes, who accessed her record; revoking ends it at once."""

import datetime as dt
import html

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from maillage.accounts import actions as accounts_actions
from maillage.core.models import AuditEvent, Notification
from maillage.core.versions import current_version
from maillage.pathways import actions, inputs
from maillage.pathways.models import PortalAccess
from tests.conftest import login_verified
from tests.factories import opened_pathway


def _url(name, pathway, **kwargs):
    return reverse(f"pathways:{name}", kwargs={"public_id": pathway.public_id, **kwargs})


@pytest.fixture
def pathway(cast):
    pathway = opened_pathway(cast)
    plan = actions.plan_ensure(pathway=pathway)
    actions.plan_save(
        actor=cast.coordinator,
        plan=plan,
        data=inputs.PlanIn(
            version=0,
            problems="",
            person_project="Rester chez moi avec mon chat",
            alert_procedure="Appeler ma fille",
        ),
    )
    objective = actions.objective_add(
        actor=cast.coordinator,
        plan=plan,
        data=inputs.ObjectiveIn(
            need="autonomy", text="Ne plus tomber", version=current_version(plan)
        ),
    )
    actions.plan_action_add(
        actor=cast.coordinator,
        plan=objective.plan,
        data=inputs.PlanActionIn(
            objective=objective.public_id,
            text="Marcher dix minutes",
            owner="person",
            version=current_version(objective.plan),
        ),
    )
    actions.meeting_schedule(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.MeetingIn(
            starts_at=timezone.now() + dt.timedelta(days=5), location="Maison de santé"
        ),
    )
    return pathway


def _accept(portal, full_name="Lucie Moreau"):
    return accounts_actions.invitation_accept(
        invitation=portal.invitation,
        user=None,
        full_name=full_name,
        password="un mot de passe bien long 2026",
    )


def test_the_person_is_invited_logs_in_with_a_second_factor_and_sees_her_plan(
    client, cast, pathway, django_capture_on_commit_callbacks
):
    client.force_login(cast.coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(_url("portal_invite", pathway), {"email": "lucie@exemple.fr"})
    assert response.status_code == 302
    portal = PortalAccess.objects.get(pathway=pathway)
    assert portal.user is None and portal.invitation.role == "person"
    assert any("lucie@exemple.fr" in m.to for m in mail.outbox)
    person_user = _accept(portal)

    # Without the second factor, the space stays closed.
    client.force_login(person_user)
    response = client.get(reverse("pathways:portal"))
    assert response.status_code == 302 and "portal" not in response["Location"]
    login_verified(client, person_user)
    response = client.get(reverse("pathways:portal"), follow=True)
    page = html.unescape(response.content.decode())
    assert response.status_code == 200
    for seen in (
        "Mon accompagnement",
        "Rester chez moi avec mon chat",
        "Ne plus tomber",
        "Marcher dix minutes",
        "Maison de santé",
        cast.professional.full_name,
    ):
        assert seen in page
    portal.refresh_from_db()
    pathway.person.refresh_from_db()
    assert portal.user == person_user and pathway.person.account == person_user
    assert AuditEvent.objects.filter(action="portal.read", actor_id=person_user.public_id)

    # She asks for a change: the referent is told and the circle reads it next to the plan.
    response = client.post(
        _url("portal_pathway", pathway),
        {"kind": "change", "text": "Je préfère que l'infirmière passe le matin."},
    )
    assert response.status_code == 302
    assert Notification.objects.filter(user=cast.coordinator, link=_url("plan", pathway)).exists()
    client.force_login(cast.professional)
    plan_page = html.unescape(client.get(_url("plan", pathway)).content.decode())
    assert "Je préfère que l'infirmière passe le matin." in plan_page

    # She sees who accessed her record: the professional who just read the plan.
    login_verified(client, person_user)
    accesses = html.unescape(client.get(_url("portal_accesses", pathway)).content.decode())
    assert cast.professional.full_name in accesses
    assert "a consulté le plan personnalisé" in accesses


def test_revoking_ends_the_access_at_once_and_others_never_see_the_space(client, cast, pathway):
    portal = actions.portal_invite(
        actor=cast.coordinator, pathway=pathway, data=inputs.PortalInviteIn(email="l@exemple.fr")
    )
    person_user = _accept(portal)
    login_verified(client, person_user)
    assert client.get(_url("portal_pathway", pathway)).status_code == 200
    actions.portal_revoke(actor=cast.coordinator, portal=portal)
    assert client.get(_url("portal_pathway", pathway)).status_code == 404
    assert client.get(_url("portal_accesses", pathway)).status_code == 404
    assert AuditEvent.objects.filter(
        action="portal.read", outcome="denied", actor_id=person_user.public_id
    ).exists()
    # Another person of the platform, and the professionals, have no way in.
    login_verified(client, cast.person)
    assert client.get(_url("portal_pathway", pathway)).status_code == 404
    client.force_login(cast.professional)
    assert client.get(_url("portal_pathway", pathway)).status_code == 404


def test_a_caregiver_joins_with_the_persons_agreement_and_may_be_given_the_space(
    client, cast, pathway
):
    client.force_login(cast.professional)
    data = {"name": "Claire Moreau", "relationship": "CHILD", "is_main": "on"}
    refused = client.post(_url("caregiver_add", pathway), data)
    assert refused.status_code == 400 and pathway.caregivers.count() == 0
    assert "accord de la personne" in html.unescape(refused.content.decode())
    assert (
        client.post(_url("caregiver_add", pathway), data | {"person_agreed": "on"}).status_code
        == 302
    )
    caregiver = pathway.caregivers.get()
    # Only the platform's coordinators open the space.
    response = client.post(
        _url("portal_invite", pathway),
        {"email": "claire@exemple.fr", "caregiver": str(caregiver.public_id)},
    )
    assert response.status_code == 403
    portal = actions.portal_invite(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.PortalInviteIn(email="claire@exemple.fr", caregiver=caregiver.public_id),
    )
    assert portal.invitation.role == "caregiver"
    helper = _accept(portal, full_name="Claire Moreau")
    login_verified(client, helper)
    page = html.unescape(client.get(_url("portal_pathway", pathway)).content.decode())
    assert "L'accompagnement de Lucie" in page and "Claire Moreau — Enfant" in page
    # Written for her: Lucie's plan, not « mon plan »; the coordinator and how to reach her.
    assert "Le plan de Lucie" in page and "Mon plan" not in page
    assert cast.coordinator.email in page and "mailto:" in page
    # Who looked at Lucie's record: others first, her own visits apart.
    accesses = html.unescape(client.get(_url("portal_accesses", pathway)).content.decode())
    assert "Qui a consulté le dossier de Lucie" in accesses
    table = accesses.split("<tbody>")[1].split("</tbody>")[0] if "<tbody>" in accesses else ""
    assert "Claire Moreau" not in table and "Vos propres consultations" in accesses
    pathway.person.refresh_from_db()
    assert pathway.person.account is None  # her own account is hers alone

    from maillage.pathways import fhir

    related = [
        e["resource"]
        for e in fhir.bundle(pathway)["entry"]
        if e["resource"]["resourceType"] == "RelatedPerson"
    ]
    assert [r["name"][0]["text"] for r in related] == ["Claire Moreau"]


def test_the_referent_lists_the_accesses_to_the_record(client, cast, pathway):
    client.force_login(cast.professional)
    client.get(_url("plan", pathway))
    assert client.get(_url("record_accesses", pathway)).status_code == 403
    client.force_login(cast.colleague)
    client.get(_url("pathway", pathway))  # refused: 404, and traced
    client.force_login(cast.coordinator)
    page = html.unescape(client.get(_url("record_accesses", pathway)).content.decode())
    assert cast.professional.full_name in page and "a consulté le plan personnalisé" in page
    assert cast.colleague.full_name in page and "refusé" in page


def test_an_existing_account_must_accept_the_space_it_is_offered(client, cast, pathway):
    """A mistyped address that matches someone else's account hands her nothing until she
    accepts an offer that does not even name the person."""
    offer = actions.portal_invite(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.PortalInviteIn(email=cast.person.email.upper()),
    )
    assert offer.user is None and offer.invitation is None
    login_verified(client, cast.person)
    assert client.get(_url("portal_pathway", pathway)).status_code == 404
    page = html.unescape(client.get(reverse("pathways:portal")).content.decode())
    assert "Un espace d'accompagnement vous est proposé" in page
    assert pathway.person.last_name not in page
    # Someone else cannot accept it for her.
    login_verified(client, cast.caregiver)
    accept = reverse("pathways:portal_accept", kwargs={"access_id": offer.public_id})
    assert client.post(accept).status_code == 404
    login_verified(client, cast.person)
    assert client.post(accept).status_code == 302
    assert client.get(_url("portal_pathway", pathway)).status_code == 200
    pathway.person.refresh_from_db()
    assert pathway.person.account == cast.person


def test_taking_the_portal_role_away_closes_the_space(client, cast, pathway):
    offer = actions.portal_invite(
        actor=cast.coordinator, pathway=pathway, data=inputs.PortalInviteIn(email=cast.person.email)
    )
    actions.portal_accept(user=cast.person, portal=offer)
    login_verified(client, cast.person)
    assert client.get(_url("portal_pathway", pathway)).status_code == 200
    cast.person.memberships.update(is_active=False)
    cast.person._memberships_cache = None
    assert client.get(_url("portal_pathway", pathway)).status_code in (302, 403, 404)
