from django.utils import timezone

from maillage.core.models import AuditEvent
from maillage.pathways import actions
from maillage.pathways.models import SupportRequest
from tests.factories import opened_pathway, support_request

JSON = "application/json"


def test_a_request_is_made_and_triaged_through_the_api(client, cast):
    client.force_login(cast.professional)
    response = client.post(
        "/api/v1/support-requests",
        {
            "platform": str(cast.platform.public_id),
            "person_first_name": "Lucie",
            "person_last_name": "Moreau",
            "reason": "Sortie d'hôpital sans relais",
            "urgency": "urgent",
            "consent_mode": "consents",
            "information_items": ["identity"],
            "recipients": ["platform"],
        },
        content_type=JSON,
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["state"] == "received" and created["version"] == 1

    client.force_login(cast.coordinator)
    queue = client.get("/api/v1/support-requests").json()["queue"]
    assert [r["id"] for r in queue] == [created["id"]]
    url = f"/api/v1/support-requests/{created['id']}/triage"
    response = client.post(
        url, {"outcome": "pathway", "answers": ["pathologies"], "version": 1}, content_type=JSON
    )
    assert response.status_code == 200
    body = response.json()
    assert body["state"] == "pathway" and body["pathway_id"]
    # A second triage from the same (now stale) reading is a conflict, not an overwrite.
    response = client.post(url, {"outcome": "information", "version": 1}, content_type=JSON)
    assert response.status_code == 409
    assert "modifiée par quelqu'un d'autre" in response.json()["detail"]


def test_the_api_refuses_what_the_pages_refuse_in_french(client, cast):
    client.force_login(cast.professional)
    response = client.post(
        "/api/v1/support-requests",
        {
            "platform": str(cast.platform.public_id),
            "person_first_name": "Lucie",
            "person_last_name": "Moreau",
            "reason": "Motif",
            "urgency": "soon",
            "consent_mode": "consents",
        },
        content_type=JSON,
    )
    assert response.status_code == 400
    assert "son accord porte sur ces points" in response.json()["detail"]
    assert not SupportRequest.objects.exists()
    # A form body where JSON is expected: a 400, never a crash.
    response = client.post("/api/v1/support-requests", {"reason": "x"})
    assert response.status_code == 400
    assert "JSON" in response.json()["detail"]


def test_plan_edits_through_the_api_conflict_instead_of_overwriting(client, cast):
    pathway = opened_pathway(cast)
    url = f"/api/v1/pathways/{pathway.public_id}/plan"
    client.force_login(cast.coordinator)
    plan = client.get(url).json()
    assert plan["version"] == 0
    first = client.put(url, {"version": 0, "problems": "Texte A"}, content_type=JSON)
    assert first.status_code == 200 and first.json()["version"] == 1
    client.force_login(cast.professional)
    second = client.put(url, {"version": 0, "problems": "Texte B"}, content_type=JSON)
    assert second.status_code == 409
    assert client.get(url).json()["problems"] == "Texte A"
    response = client.post(
        f"{url}/objectives",
        {"version": 1, "need": "autonomy", "text": "Ne plus tomber"},
        content_type=JSON,
    )
    assert response.status_code == 201
    objective = response.json()["objectives"][0]["id"]
    response = client.post(
        f"{url}/actions",
        {"version": 2, "objective": objective, "text": "Téléalarme", "owner": "person"},
        content_type=JSON,
    )
    assert response.status_code == 201
    assert response.json()["objectives"][0]["actions"][0]["owner"] == "person"


def test_outsiders_get_404_from_the_api_and_it_is_audited(client, cast):
    pathway = opened_pathway(cast)
    request = support_request(cast)
    client.force_login(cast.outsider)
    assert client.get(f"/api/v1/pathways/{pathway.public_id}/plan").status_code == 404
    assert client.get(f"/api/v1/support-requests/{request.public_id}").status_code == 404
    response = client.put(
        f"/api/v1/pathways/{pathway.public_id}/plan", {"version": 0}, content_type=JSON
    )
    assert response.status_code == 404
    assert AuditEvent.objects.filter(outcome="denied", action="pathway.read").count() == 2
    assert actions.plan_ensure(pathway=pathway).version == 0


def test_follow_up_meetings_and_closure_through_the_api(client, cast):
    import datetime as dt

    from django.utils import timezone

    pathway = opened_pathway(cast)
    base = f"/api/v1/pathways/{pathway.public_id}"
    client.force_login(cast.professional)
    response = client.post(f"{base}/messages", {"body": "Elle a chuté hier"}, content_type=JSON)
    assert response.status_code == 201 and response.json()["body"] == "Elle a chuté hier"
    today = timezone.localdate().isoformat()
    stay = client.post(
        f"{base}/stays", {"facility": "CHD", "admitted_on": today}, content_type=JSON
    )
    assert stay.status_code == 201 and len(stay.json()["checklist"]) == 8
    discharged = client.post(
        f"{base}/stays/{stay.json()['id']}/discharge",
        {"discharged_on": today, "destination": "Domicile"},
        content_type=JSON,
    )
    assert discharged.json()["state"] == "discharged"

    client.force_login(cast.coordinator)
    assert client.get("/api/v1/pathways").json()[0]["new_messages"] == 1
    assert [m["body"] for m in client.get(f"{base}/messages").json()] == ["Elle a chuté hier"]
    assert client.get("/api/v1/pathways").json()[0]["new_messages"] == 0
    plan = client.post(
        f"{base}/plan/objectives",
        {"version": 0, "need": "autonomy", "text": "Ne plus tomber"},
        content_type=JSON,
    ).json()
    objective = plan["objectives"][0]["id"]
    starts = (timezone.now() - dt.timedelta(hours=1)).isoformat()
    meeting = client.post(
        f"{base}/meetings",
        {"starts_at": starts, "invitees": [str(cast.professional.public_id)]},
        content_type=JSON,
    )
    assert meeting.status_code == 201
    meeting = meeting.json()
    url = f"{base}/meetings/{meeting['id']}"
    attendance = {str(cast.professional.public_id): "present"}
    minutes = client.post(
        f"{url}/minutes",
        {"version": meeting["version"], "minutes": "Relu le plan", "attendance": attendance},
        content_type=JSON,
    )
    assert minutes.status_code == 200 and minutes.json()["state"] == "held"
    stale = client.post(
        f"{url}/minutes", {"version": meeting["version"], "minutes": "Autre"}, content_type=JSON
    )
    assert stale.status_code == 409 and "modifiée" in stale.json()["detail"]
    decided = client.post(
        f"{url}/decisions",
        {"text": "Kiné deux fois par semaine", "objective": objective, "plan_version": 1},
        content_type=JSON,
    )
    assert decided.status_code == 201 and decided.json()["decisions"][0]["plan_action"]
    unknown = client.post(f"{base}/close", {"reason": "nope", "objectives": {}}, content_type=JSON)
    assert unknown.status_code == 400 and "raison" in unknown.json()["detail"]
    closed = client.post(
        f"{base}/close",
        {"reason": "objectives_reached", "objectives": {objective: "reached"}, "satisfaction": "3"},
        content_type=JSON,
    )
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    # Closed: the circle reads, nobody writes.
    client.force_login(cast.professional)
    refused = client.post(f"{base}/messages", {"body": "Encore"}, content_type=JSON)
    assert refused.status_code == 403
    assert client.get(f"{base}/meetings").status_code == 200
    client.force_login(cast.colleague)
    assert client.get(f"{base}/meetings").status_code == 404
    assert client.get(url).status_code == 404


def test_the_circle_the_action_statuses_and_validations_through_the_api(client, cast):
    from tests.factories import member

    pathway = opened_pathway(cast)
    base = f"/api/v1/pathways/{pathway.public_id}"
    nurse = member("professional", cast.other_organisation, full_name="Infirmière Dupuis")
    client.force_login(cast.professional)
    proposed = client.post(
        f"{base}/circle",
        {"email": nurse.email, "role": "nurse", "person_informed": True},
        content_type=JSON,
    ).json()
    assert proposed["status"] == "pending"
    refused = client.post(f"{base}/circle/{proposed['id']}/approve")
    assert refused.status_code == 403
    client.force_login(cast.coordinator)
    approved = client.post(f"{base}/circle/{proposed['id']}/approve")
    assert approved.status_code == 200 and approved.json()["status"] == "active"
    plan = client.post(
        f"{base}/plan/objectives",
        {"version": 0, "need": "autonomy", "text": "Ne plus tomber"},
        content_type=JSON,
    ).json()
    plan = client.post(
        f"{base}/plan/actions",
        {
            "version": plan["version"],
            "objective": plan["objectives"][0]["id"],
            "text": "Téléalarme",
            "owner": proposed["id"],
        },
        content_type=JSON,
    ).json()
    action = plan["objectives"][0]["actions"][0]
    done = client.post(
        f"{base}/plan/actions/{action['id']}/status",
        {"version": plan["version"], "status": "done"},
        content_type=JSON,
    )
    assert done.status_code == 200
    assert done.json()["objectives"][0]["actions"][0]["status"] == "done"
    stale = client.post(
        f"{base}/plan/actions/{action['id']}/status",
        {"version": plan["version"], "status": "planned"},
        content_type=JSON,
    )
    assert stale.status_code == 409
    validated = client.post(
        f"{base}/plan/validations",
        {
            "version": done.json()["version"],
            "validator": "person",
            "validated_on": timezone.localdate().isoformat(),
        },
        content_type=JSON,
    )
    assert validated.status_code == 201
    caregiver = client.post(
        f"{base}/caregivers",
        {"name": "Claire", "relationship": "CHILD", "person_agreed": False},
        content_type=JSON,
    )
    assert caregiver.status_code == 400 and "accord" in caregiver.json()["detail"]
    removed = client.post(f"{base}/circle/{proposed['id']}/remove")
    assert removed.status_code == 200 and removed.json()["status"] == "left"
    client.force_login(nurse)
    assert client.get(f"{base}/plan").status_code == 404
