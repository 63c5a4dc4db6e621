"""Check-call campaigns: in a heat wave, the people followed on a territory who match risk
criteria each get a call to check in their plan; the board follows the calls, and each
professional sees only the people of her circles."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from maillage.cooperation import actions, queries
from maillage.cooperation.enums import CallState
from maillage.cooperation.inputs import CallMoveIn, CampaignIn
from maillage.cooperation.models import CheckCall, CheckCallCampaign
from maillage.core.models import AuditEvent, Notification
from maillage.observatory import facts, indicators
from maillage.observatory.indicators import CALL_STATES
from maillage.pathways import actions as pathway_actions
from maillage.pathways import aggir
from maillage.pathways.enums import Need
from maillage.pathways.inputs import AssessmentIn, CircleMemberIn
from maillage.pathways.models import PlanAction
from maillage.territories.models import Territory
from tests.factories import opened_pathway

TODAY = timezone.localdate()


@pytest.fixture
def territory(cast, territories):
    territory = Territory.objects.create(name="Rives de l'Yon", organisation=cast.platform)
    territory.communes.set(["85191", "85008"])
    return territory


def _person(cast, first, *, commune="85191", born=dt.date(1990, 5, 1), **assessment):
    pathway = opened_pathway(
        cast, person_first_name=first, person_commune=commune, person_birth_date=born
    )
    if assessment:
        pathway_actions.assessment_record(
            actor=cast.coordinator,
            pathway=pathway,
            data=AssessmentIn(
                assessed_on=TODAY,
                domains={need: {"level": "low"} for need in Need.values},
                **assessment,
            ),
        )
    return pathway


@pytest.fixture
def people(cast, territory):
    return {
        "alone": _person(cast, "Alice", lives_alone=True),
        "gir1": _person(cast, "Bernard", aggir_grid=dict.fromkeys(aggir.VARIABLES, "C")),
        "none": _person(cast, "Claire", lives_alone=False),
        "elsewhere": _person(cast, "Denis", commune="44109", lives_alone=True),
        "old": _person(cast, "Émile", born=TODAY.replace(year=TODAY.year - 80)),
        "fragile": _person(cast, "Fanny", declared_fragility=True),
    }


def _campaign(cast, territory, **criteria):
    data = {
        "title": "Canicule juillet",
        "territory": territory.public_id,
        "due_on": TODAY + dt.timedelta(days=1),
        **criteria,
    }
    return actions.campaign_create(actor=cast.coordinator, data=CampaignIn(**data))


def test_the_people_at_risk_of_the_territory_get_a_call_in_their_plan(
    client, cast, territory, people
):
    campaign = _campaign(cast, territory, lives_alone=True, gir_max=4, min_age=75)
    called = {c.pathway_id for c in campaign.calls.all()}
    assert called == {people["alone"].pk, people["gir1"].pk, people["old"].pk}
    action = PlanAction.objects.get(objective__plan__pathway=people["alone"])
    assert action.text.startswith("Appeler pour prendre des nouvelles")
    assert action.owner_member.user == cast.coordinator  # her referent calls by default
    assert action.due_on == campaign.due_on
    assert people["alone"].plan.versions.exists()  # saved as any save, with its snapshot
    assert AuditEvent.objects.filter(action="campaign.create", object_id=str(campaign.public_id))
    assert Notification.objects.filter(user=cast.coordinator, message__contains="Appels de")
    client.force_login(cast.coordinator)
    board = client.get(reverse("cooperation:campaign", kwargs={"public_id": campaign.public_id}))
    page = board.content.decode()
    assert "Alice" in page and "Bernard" in page and "Émile" in page and "Claire" not in page
    assert AuditEvent.objects.filter(action="campaign.read").exists()


def test_all_criteria_together_and_bad_input_change_nothing(client, cast, territory, people):
    with pytest.raises(ValidationError, match="Aucune personne suivie"):
        _campaign(cast, territory, match="all", lives_alone=True, fragility=True)
    with pytest.raises(ValidationError, match="au moins un critère"):
        _campaign(cast, territory)
    client.force_login(cast.coordinator)
    url = reverse("cooperation:campaign_new")
    assert client.get(url).status_code == 200
    past = client.post(
        url,
        {
            "title": "Grand froid",
            "territory": str(territory.public_id),
            "due_on": (TODAY - dt.timedelta(days=3)).isoformat(),
            "match": "any",
            "lives_alone": "on",
        },
    )
    assert past.status_code == 400 and "Les appels se passent" in past.content.decode()
    assert not CheckCallCampaign.objects.exists()
    assert not PlanAction.objects.exists()
    client.force_login(cast.professional)
    assert client.get(url).status_code == 403


def test_each_sees_only_the_people_of_her_circles_and_notes_her_calls(
    client, cast, territory, people
):
    pathway_actions.circle_propose(
        actor=cast.coordinator,
        pathway=people["alone"],
        data=CircleMemberIn(
            email=cast.colleague.email, role="other_professional", person_informed=True
        ),
    )
    campaign = _campaign(cast, territory, lives_alone=True, fragility=True)
    url = reverse("cooperation:campaign", kwargs={"public_id": campaign.public_id})
    client.force_login(cast.colleague)
    page = client.get(url).content.decode()
    assert "Alice" in page and "Fanny" not in page  # Fanny's circle is not hers
    assert "2 personnes à appeler en tout" in page  # the figures count everyone
    call = campaign.calls.get(pathway=people["alone"])
    move = reverse(
        "cooperation:call_move", kwargs={"public_id": campaign.public_id, "call_id": call.public_id}
    )
    prefix = f"c{call.pk}"
    done = client.post(move, {f"{prefix}-to_state": "reached", f"{prefix}-version": call.version})
    assert done.status_code == 302
    call.refresh_from_db()
    assert call.state == "reached" and call.updated_by == cast.colleague
    assert PlanAction.objects.get(pk=call.action_id).status == "done"
    assert AuditEvent.objects.filter(action="call.move", object_id=str(people["alone"].public_id))
    # A stale version changes nothing.
    stale = client.post(move, {f"{prefix}-to_state": "closed", f"{prefix}-version": 1})
    assert stale.status_code == 409, stale.content.decode()[-3000:]
    call.refresh_from_db()
    assert call.state == "reached"
    # Fanny's call is not hers to note, nor to see.
    other = campaign.calls.get(pathway=people["fragile"])
    elsewhere = reverse(
        "cooperation:call_move",
        kwargs={"public_id": campaign.public_id, "call_id": other.public_id},
    )
    assert client.post(elsewhere, {f"c{other.pk}-to_state": "reached"}).status_code == 404
    client.force_login(cast.outsider)
    assert client.get(url).status_code == 404


def test_an_escalated_call_tells_the_referent_and_late_callers_are_reminded(
    cast, territory, people
):
    campaign = _campaign(cast, territory, fragility=True)
    call = campaign.calls.get()
    actions.call_move(
        actor=cast.professional,
        call=call,
        data=CallMoveIn(to_state="escalated", version=call.version, note="Ne répond pas"),
    )
    assert Notification.objects.filter(user=cast.coordinator, message__contains="à relayer")
    assert PlanAction.objects.get(pk=call.action_id).status == "in_progress"
    second = _campaign(cast, territory, lives_alone=True)
    later = second.due_on + dt.timedelta(days=1)
    assert actions.remind_callers(today=later) == 1
    assert actions.remind_callers(today=later) == 0  # once a day


def test_the_api_launches_reads_notes_and_closes(client, cast, territory, people):
    client.force_login(cast.coordinator)
    made = client.post(
        "/api/v1/campaigns",
        {
            "title": "Canicule",
            "territory": str(territory.public_id),
            "due_on": (TODAY + dt.timedelta(days=2)).isoformat(),
            "gir_max": 4,
        },
        content_type="application/json",
    )
    assert made.status_code == 201, made.content
    body = made.json()
    assert body["total"] == 1 and body["counts"]["to_call"] == 1
    call = body["calls"][0]
    moved = client.post(
        f"/api/v1/campaigns/{body['id']}/calls/{call['id']}/moves",
        {"to_state": "reached", "version": call["version"]},
        content_type="application/json",
    )
    assert moved.status_code == 200 and moved.json()["counts"]["reached"] == 1
    wrong = client.post(
        f"/api/v1/campaigns/{body['id']}/calls/{call['id']}/moves",
        {"to_state": "to_call", "version": call["version"] + 1},
        content_type="application/json",
    )
    assert wrong.status_code == 400
    closed = client.post(
        f"/api/v1/campaigns/{body['id']}/close",
        {"version": body["version"]},
        content_type="application/json",
    )
    assert closed.status_code == 200 and closed.json()["state"] == "closed"
    client.force_login(cast.outsider)
    assert client.get(f"/api/v1/campaigns/{body['id']}").status_code == 404


def test_the_board_costs_the_same_queries_for_few_or_many_calls(client, cast, territory):
    for n in range(3):
        _person(cast, f"Une{n}", lives_alone=True)
    few = _campaign(cast, territory, lives_alone=True)
    for n in range(12):
        _person(cast, f"Deux{n}", lives_alone=True)
    many = _campaign(cast, territory, lives_alone=True)
    client.force_login(cast.coordinator)

    def count(campaign):
        url = reverse("cooperation:campaign", kwargs={"public_id": campaign.public_id})
        client.get(url)
        with CaptureQueriesContext(connection) as run:
            assert client.get(url).status_code == 200
        return len(run)

    assert count(many) == count(few)
    assert CheckCall.objects.filter(campaign=many).count() == 15
    assert len(queries.campaign_board(cast.coordinator, many)[0]) == 15


def test_the_campaign_s_figures_reach_the_observatory(cast, territory, people):
    # The observatory names the states in its own words: the same keys.
    assert [key for key, _label in CALL_STATES] == list(CallState.values)
    campaign = _campaign(cast, territory, lives_alone=True, fragility=True)
    call = campaign.calls.first()
    actions.call_move(
        actor=cast.coordinator, call=call, data=CallMoveIn(to_state="reached", version=1)
    )
    facts.refresh()
    month = TODAY.replace(day=1)
    table = indicators.compute(indicators.make_scope("dep-85", month, month)).table(
        "appels-de-verification"
    )
    rows = {label: values[0] for label, values in table.rows}
    assert rows["jointes, tout va bien"] == 1 and rows["à appeler"] == 1
