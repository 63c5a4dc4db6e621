"""Two people at once, on separate database connections (threads, committed data): a 115
call is not kept waiting by a match run of the same SIAO, and two answers sent at the same
moment on one proposal give one winner and a 409 for the other."""

import threading

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client

from maillage.core.roles import Role
from maillage.regulation import actions, inputs, queries
from maillage.regulation.models import MatchRun, Refusal
from tests.factories import OrganisationFactory, member
from tests.regulation.conftest import add_units, build_world, sent_proposal, waiting_request

# Rows these tests commit, removed afterwards (children first); audit rows stay, as always.
_CLEANED = [
    "core.Notification",
    "regulation.RequestEvent",
    "regulation.Refusal",
    "regulation.Night",
    "regulation.Proposal",
    "regulation.MatchRun",
    "regulation.CommissionSession",
    "regulation.Member",
    "regulation.PlaceRequest",
    "regulation.Vacancy",
    "regulation.Requirement",
    "regulation.Unit",
    "regulation.Programme",
    "regulation.PriorityPolicy",
    "directory.Structure",
    "accounts.Membership",
    "accounts.User",
    "accounts.Organisation",
]


@pytest.fixture
def shared(committed, territories):
    """A regulation world committed for real (other connections see it), gone afterwards."""
    with committed():
        models = [apps.get_model(label) for label in _CLEANED]
        before = {
            m: (m.objects.order_by("-pk").values_list("pk", flat=True).first() or 0) for m in models
        }
        with connection.cursor() as cursor:
            cursor.execute("SELECT coalesce(max(id), 0) FROM procrastinate_jobs")
            (jobs_before,) = cursor.fetchone()
        try:
            prescriber = member(Role.PROFESSIONAL, OrganisationFactory(), full_name="Prescriptrice")
            yield build_world(prescriber, prescriber)
        finally:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute("DELETE FROM procrastinate_jobs WHERE id > %s", [jobs_before])
                for model in models:
                    if model.__name__ == "CommissionSession":
                        model.members.through.objects.filter(
                            commissionsession_id__gt=before[model]
                        ).delete()
                    model.objects.filter(pk__gt=before[model]).delete()


def _in_thread(target):
    """Run `target` on its own connection; its result or its exception comes back."""
    outcome = {}

    def run():
        try:
            outcome["value"] = target()
        except Exception as error:  # handed back to the test
            outcome["error"] = error
        finally:
            connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def test_a_115_call_is_not_kept_waiting_by_a_match_run(shared, monkeypatch):
    world = shared
    add_units(world, world.chrs, free=1)
    waiting_request(world)
    inside, release = threading.Event(), threading.Event()
    board_for = queries.board_for

    def slow_board(*args, **kwargs):
        inside.set()  # the run holds its lock now
        release.wait(30)
        return board_for(*args, **kwargs)

    monkeypatch.setattr(queries, "board_for", slow_board)
    thread, outcome = _in_thread(
        lambda: actions.match_run(
            actor=world.regulator, regulator=world.siao, data=inputs.MatchRunIn()
        )
    )
    try:
        assert inside.wait(30)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL lock_timeout = '3s'")
            call = actions.emergency_call(
                actor=world.operator,
                data=inputs.EmergencyCallIn(
                    first_name="Léa", last_name="Morin", tonight_location="Gare"
                ),
            )
    finally:
        release.set()
        thread.join(60)
    assert call.pk is not None
    assert "error" not in outcome, outcome.get("error")
    run = MatchRun.objects.get(pk=outcome["value"].pk)
    assert run.figures["proposals"] == 1


def test_two_answers_at_the_same_moment_give_one_winner_and_a_409(shared):
    world = shared
    _request, proposal = sent_proposal(world)
    url = f"/api/v1/regulation/proposals/{proposal.public_id}/structure"
    start = threading.Barrier(2)

    def answer(accept):
        client = Client()
        client.force_login(world.shelter_admin)
        body = {"accept": accept, "version": proposal.version}
        if not accept:
            body["reason"] = "group_balance"
        start.wait(10)
        return client.post(url, body, content_type="application/json").status_code

    threads = [_in_thread(lambda accept=accept: answer(accept)) for accept in (True, False)]
    for thread, _outcome in threads:
        thread.join(60)
    statuses = sorted(outcome.get("value") or repr(outcome.get("error")) for _t, outcome in threads)
    assert statuses == [200, 409], statuses
    read = proposal.version
    proposal.refresh_from_db()
    # One answer only moved it: one step of version, and a refusal row only if it won.
    assert proposal.version == read + 1
    refused = proposal.state == "refused"
    assert proposal.state in ("structure_accepted", "refused")
    assert Refusal.objects.filter(proposal=proposal).count() == int(refused)
