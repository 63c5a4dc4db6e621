"""What the pages can do, the API can do: the routes added for page/API parity, each used
the way a partner's software would, with what it refuses in French."""

import datetime as dt

from django.utils import timezone

from maillage.core.models import AuditEvent
from maillage.core.versions import current_version
from maillage.directory import search_index
from maillage.directory.models import Orientation
from maillage.pathways import actions, aggir, inputs
from maillage.pathways.enums import ZARIT_QUESTIONS, Need
from maillage.pathways.models import PortalAccess, SupportRequest
from tests.factories import ServiceFactory, StructureFactory, opened_pathway, support_request

JSON = "application/json"


def _service(cast, **fields):
    service = ServiceFactory(
        structure=StructureFactory(organisation=cast.other_organisation, name="SSIAD du Yon"),
        name="Soins infirmiers à domicile",
        **fields,
    )
    search_index.refresh()
    return service


def _objective(cast, pathway):
    plan = actions.plan_ensure(pathway=pathway)
    return actions.objective_add(
        actor=cast.coordinator,
        plan=plan,
        data=inputs.ObjectiveIn(need="health", text="Soins à domicile", version=plan.version),
    )


def test_a_plan_action_carried_by_a_service_sends_its_orientation_from_the_api(
    client, cast, territories
):
    service = _service(cast)
    pathway = opened_pathway(cast, person_phone="02 51 00 00 00")
    objective = _objective(cast, pathway)
    url = f"/api/v1/pathways/{pathway.public_id}/plan/actions"
    body = {
        "objective": str(objective.public_id),
        "text": "Toilette trois matins par semaine",
        "owner": "service",
        "service": str(service.public_id),
        "version": current_version(objective.plan),
    }
    client.force_login(cast.coordinator)
    refused = client.post(url, body, content_type=JSON)
    assert refused.status_code == 400
    assert "accord de la personne" in refused.json()["detail"]
    assert not Orientation.objects.exists()

    response = client.post(url, body | {"consent_method": "oral"}, content_type=JSON)
    assert response.status_code == 201, response.content
    action = response.json()["objectives"][0]["actions"][0]
    orientation = Orientation.objects.get()
    assert action["owner"] == "service" and action["owner_name"] == service.name
    assert action["service"] == str(service.public_id)
    assert action["orientation"] == str(orientation.public_id)
    assert orientation.service == service and orientation.person_last_name == "Moreau"
    # What the page shows and what the API says are the same reading of the plan.
    page = client.get(f"/parcours/{pathway.public_id}/plan/").content.decode()
    assert service.name in page


def test_the_coordination_orients_from_a_request_and_the_requester_withdraws_another(
    client, cast, territories
):
    service = _service(cast)
    request = support_request(cast, person_phone="02 51 00 00 00")
    client.force_login(cast.coordinator)
    url = f"/api/v1/support-requests/{request.public_id}/orientation"
    response = client.post(
        url, {"service": str(service.public_id), "consent_method": "written"}, content_type=JSON
    )
    assert response.status_code == 201, response.content
    assert response.json()["service"] == str(service.public_id)
    assert request.orientations.get().service == service
    unknown = client.post(
        url,
        {"service": "00000000-0000-4000-8000-000000000000", "consent_method": "oral"},
        content_type=JSON,
    )
    assert unknown.status_code == 400
    assert "service publié" in unknown.json()["detail"]

    other = support_request(cast, person_first_name="Paul")
    client.force_login(cast.professional)
    response = client.post(f"/api/v1/support-requests/{other.public_id}/withdraw")
    assert response.status_code == 200
    assert response.json()["state"] == "withdrawn"
    assert SupportRequest.objects.get(pk=other.pk).state == "withdrawn"
    # An outsider is told the request does not exist, and the attempt is on record.
    client.force_login(cast.outsider)
    response = client.post(f"/api/v1/support-requests/{request.public_id}/withdraw")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(action="support_request.read", outcome="denied").exists()


def test_a_pathway_is_handed_over_through_the_api_to_a_coordinator_only(client, cast):
    from tests.factories import member

    pathway = opened_pathway(cast)
    second = member("coordinator", cast.platform, full_name="Deuxième coordinatrice")
    url = f"/api/v1/pathways/{pathway.public_id}/referent"
    client.force_login(cast.coordinator)
    refused = client.post(url, {"referent": str(cast.professional.public_id)}, content_type=JSON)
    assert refused.status_code == 400
    assert "coordinateur·rice de la plateforme" in refused.json()["detail"]
    response = client.post(url, {"referent": str(second.public_id)}, content_type=JSON)
    assert response.status_code == 200
    assert response.json()["referent"] == "Deuxième coordinatrice"


def test_assessments_are_recorded_and_compared_through_the_api(client, cast):
    pathway = opened_pathway(cast)
    url = f"/api/v1/pathways/{pathway.public_id}/assessments"
    domains = {need: {"level": "low"} for need in Need.values}
    client.force_login(cast.coordinator)
    partial = client.post(
        url,
        {"assessed_on": "2026-11-02", "domains": {"health": {"level": "high"}}},
        content_type=JSON,
    )
    assert partial.status_code == 400
    assert "chaque domaine" in partial.json()["detail"]
    body = {
        "assessed_on": "2026-11-03",
        "person_words": "Je veux rester chez moi",
        "domains": domains | {"housing": {"level": "high", "notes": "Escaliers"}},
        "aggir_grid": dict.fromkeys(aggir.VARIABLES, "B"),
        "zarit": {code: "0.5" for code, _text in ZARIT_QUESTIONS},
    }
    response = client.post(url, body, content_type=JSON)
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["domains"]["housing"] == {
        "level": "high",
        "notes": "Escaliers",
        "sources": "",
    }
    assert created["gir"] is not None and created["caregiver_burden"] == 3.5
    listed = client.get(url).json()
    assert [a["id"] for a in listed] == [created["id"]]
    client.force_login(cast.outsider)
    assert client.get(url).status_code == 404


def test_the_discharge_checklist_is_ticked_through_the_api(client, cast):
    pathway = opened_pathway(cast)
    stay = actions.stay_admit(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.StayIn(facility="CHD Vendée", admitted_on=timezone.localdate()),
    )
    code = stay.checklist.first().code
    client.force_login(cast.coordinator)
    url = f"/api/v1/pathways/{pathway.public_id}/stays/{stay.public_id}/checklist"
    response = client.post(url, {"code": code, "done": True}, content_type=JSON)
    assert response.status_code == 200
    assert next(i for i in response.json()["checklist"] if i["code"] == code)["done"]
    unknown = client.post(url, {"code": "no-such-line", "done": True}, content_type=JSON)
    assert unknown.status_code == 400


def test_the_persons_space_is_opened_and_closed_through_the_api(client, cast, mailoutbox):
    pathway = opened_pathway(cast)
    client.force_login(cast.coordinator)
    url = f"/api/v1/pathways/{pathway.public_id}/portal"
    response = client.post(url, {"email": "lucie.moreau@example.org"}, content_type=JSON)
    assert response.status_code == 201, response.content
    opened = response.json()
    assert opened["caregiver"] is None and not opened["accepted"]
    again = client.post(url, {"email": "lucie.moreau@example.org"}, content_type=JSON)
    assert again.status_code == 400
    response = client.post(f"{url}/{opened['id']}/revoke")
    assert response.status_code == 200 and response.json()["revoked_at"]
    assert PortalAccess.objects.get(public_id=opened["id"]).revoked_at is not None
    # A member who does not manage the circle may not open the space.
    client.force_login(cast.professional)
    assert client.post(url, {"email": "x@example.org"}, content_type=JSON).status_code == 403


def test_a_service_answers_an_orientation_through_the_api(client, cast, territories):
    service = _service(cast)
    client.force_login(cast.professional)
    response = client.post(
        "/api/v1/orientations",
        {
            "service": str(service.public_id),
            "person_first_name": "Lucie",
            "person_last_name": "Moreau",
            "person_phone": "02 51 00 00 00",
            "reason": "Toilette le matin",
            "consent_method": "oral",
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    url = f"/api/v1/orientations/{response.json()['id']}/moves"
    client.force_login(cast.outsider)  # a member of the service's structure
    refused = client.post(url, {"to_state": "refused"}, content_type=JSON)
    assert refused.status_code == 400
    assert "motif" in refused.json()["detail"]
    accepted = client.post(url, {"to_state": "accepted"}, content_type=JSON)
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["state"] == "accepted"
    # The sender cannot accept for the service.
    client.force_login(cast.professional)
    assert client.post(url, {"to_state": "done"}, content_type=JSON).status_code in (400, 403)


def test_a_meeting_decision_on_a_closed_objective_or_without_the_plan_version_is_refused(
    client, cast
):
    pathway = opened_pathway(cast)
    objective = _objective(cast, pathway)
    meeting = actions.meeting_schedule(
        actor=cast.coordinator,
        pathway=pathway,
        data=inputs.MeetingIn(starts_at=timezone.now() - dt.timedelta(hours=1)),
    )
    client.force_login(cast.coordinator)
    url = f"/api/v1/pathways/{pathway.public_id}/meetings/{meeting.public_id}/decisions"
    response = client.post(
        url, {"text": "Passage IDE", "objective": str(objective.public_id)}, content_type=JSON
    )
    assert response.status_code == 400
    assert "Rechargez la page" in response.json()["detail"]
