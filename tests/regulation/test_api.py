"""The regulation API: the same flow as the pages, the same refusals in French, 409 when
two decisions meet, 404 (audited) for what one may not see."""

import datetime as dt

from django.utils import timezone

from maillage.core.models import AuditEvent
from maillage.regulation.models import Proposal
from tests.regulation.conftest import add_units, waiting_request

JSON = "application/json"


def _post(client, url, body):
    return client.post(url, body, content_type=JSON)


def test_a_request_is_written_and_moved_through_the_api(client, world):
    client.force_login(world.prescriber)
    response = _post(
        client,
        "/api/v1/regulation/requests",
        {
            "members": [
                {"first_name": "Awa", "last_name": "Diallo", "sex": "F", "birth_date": "1990-01-01"}
            ],
            "regulator": str(world.siao.public_id),
            "recommended_kinds": ["chrs"],
            "consent": True,
        },
    )
    assert response.status_code == 201, response.content
    created = response.json()
    assert created["state"] == "draft" and created["household_size"] == 1
    assert [m["state"] for m in created["moves"]] == ["sent", "cancelled"]
    url = f"/api/v1/regulation/requests/{created['id']}/state"
    assert (
        _post(client, url, {"to_state": "sent", "version": created["version"]}).status_code == 200
    )
    # From a stale reading: a conflict, not an overwrite.
    stale = _post(
        client, url, {"to_state": "cancelled", "note": "doublon", "version": created["version"]}
    )
    assert stale.status_code == 409
    # The prescriber may not check her own request: that is the SIAO's move.
    fresh = client.get(f"/api/v1/regulation/requests/{created['id']}").json()
    refused = _post(client, url, {"to_state": "checked", "version": fresh["version"]})
    assert refused.status_code == 400 and "Impossible de passer" in refused.json()["detail"]


def test_bad_input_gets_a_french_400_and_nothing_is_written(client, world):
    client.force_login(world.prescriber)
    response = _post(
        client,
        "/api/v1/regulation/requests",
        {
            "members": [{"first_name": "Awa", "last_name": "Diallo", "birth_date": "2090-01-01"}],
            "regulator": str(world.siao.public_id),
            "recommended_kinds": ["chrs"],
        },
    )
    assert response.status_code == 400
    assert "date de naissance" in response.json()["detail"]
    response = _post(
        client, "/api/v1/regulation/requests", {"members": [], "recommended_kinds": ["chrs"]}
    )
    assert response.status_code == 400


def test_a_stranger_gets_404_and_the_denial_is_audited(client, world):
    request = waiting_request(world)
    client.force_login(world.stranger)
    before = AuditEvent.objects.filter(outcome="denied").count()
    response = client.get(f"/api/v1/regulation/requests/{request.public_id}")
    assert response.status_code == 404
    assert AuditEvent.objects.filter(outcome="denied").count() == before + 1


def test_the_regulator_runs_both_engines_and_the_commission_decides_once(client, world):
    add_units(world, world.chrs, count=2, free=2)
    first = waiting_request(world, waited=90)
    waiting_request(world, waited=10)
    client.force_login(world.regulator)
    session = _post(
        client,
        f"/api/v1/regulation/regulators/{world.siao.public_id}/sessions",
        {"held_on": (timezone.localdate() + dt.timedelta(days=2)).isoformat()},
    ).json()
    run = _post(
        client,
        f"/api/v1/regulation/regulators/{world.siao.public_id}/runs",
        {"engine": "greedy", "session": session["id"]},
    )
    assert run.status_code == 201
    figures = run.json()["figures"]
    assert figures["greedy"]["matched"] == figures["optimum"]["matched"] == 2
    ranking = client.get(f"/api/v1/regulation/regulators/{world.siao.public_id}/ranking").json()
    assert ranking["total"] == 0  # both are proposed now, no longer waiting
    proposal = Proposal.objects.get(request=first)
    body = {
        "proposal": str(proposal.public_id),
        "decision": "approved",
        "reason": "fits",
        "version": proposal.version,
    }
    url = f"/api/v1/regulation/sessions/{session['id']}/decisions"
    assert _post(client, url, body).status_code == 200
    assert _post(client, url, body).status_code == 409  # one decision wins
    detail = client.get(f"/api/v1/regulation/proposals/{proposal.public_id}").json()
    assert detail["state"] == "sent" and detail["explanation"]["rules"]


def test_the_ranked_list_says_why_each_request_is_where_it_is(client, world):
    waiting_request(world, waited=10)
    waiting_request(world, waited=400, dalo=True)
    client.force_login(world.regulator)
    ranking = client.get(f"/api/v1/regulation/regulators/{world.siao.public_id}/ranking").json()
    assert ranking["total"] == 2
    first, second = ranking["rows"]
    assert first["rank"] == 1 and first["score"] > second["score"]
    assert any("DALO" in line["text"] for line in first["breakdown"])


def test_a_draft_policy_is_simulated_before_it_is_adopted(client, world):
    add_units(world, world.chrs, free=1)
    old = waiting_request(world, waited=700)
    urgent = waiting_request(world, waited=5, urgency=3)
    client.force_login(world.regulator)
    draft = _post(
        client,
        f"/api/v1/regulation/regulators/{world.siao.public_id}/policies",
        {
            "name": "Ancienneté d'abord",
            "tiers": [
                {"tier": "seniority", "points": 100, "cap": 3650},
                {"tier": "urgency", "points": 1},
            ],
        },
    )
    assert draft.status_code == 201, draft.content
    result = client.get(f"/api/v1/regulation/policies/{draft.json()['id']}/simulation").json()
    assert result["gains"] == [str(old.public_id)]
    assert result["losses"] == [str(urgent.public_id)]
