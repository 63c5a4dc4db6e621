"""The ranked list is PostgreSQL's: its scores are the engine's scores, for any policy, and
its order is the board's order (the rank a proposal freezes is the rank the list shows)."""

import datetime as dt
import random

from django.utils import timezone

from maillage.regulation import explain, priority, queries
from maillage.regulation.enums import Tier
from maillage.regulation.models import PlaceRequest
from tests.regulation.conftest import household, waiting_request


def test_the_database_scores_like_the_engine_for_any_policy(world):
    rng = random.Random(5)
    for n in range(12):
        waiting_request(
            world,
            members=household(first=f"P{n}"),
            waited=rng.randint(0, 1500),
            urgency=rng.randint(0, 3),
            dalo=rng.random() < 0.3,
            vulnerabilities=rng.sample(
                ["children", "health", "street", "violence"], rng.randint(0, 3)
            ),
        )
    PlaceRequest.objects.filter(pk__in=PlaceRequest.objects.values("pk")[:4]).update(
        person_refusals=2
    )
    today = timezone.localdate()
    for _ in range(25):
        tiers = rng.sample(list(Tier), rng.randint(1, 4))
        policy = priority.Policy(
            tiers=tuple(
                priority.TierRule(t, rng.randint(0, 20_000), rng.choice([0, 3, 400])) for t in tiers
            ),
            refusal_penalty_days=rng.choice([0, 30, 365]),
        )
        ranked = queries.ranked_requests(world.siao.pk, policy, per_page=100, today=today)
        board = queries.board_for(world.siao.pk, policy, today)
        rank = explain.ranks(board)
        by_pk = {r.pk: i for i, r in enumerate(board.requests)}
        assert ranked.total == len(board.requests) == 12
        for position, record, score, lines in ranked.rows:
            row = by_pk[record.pk]
            assert score == board.demand.priority[row] == sum(line.points for line in lines)
            assert position == rank[row]


def test_the_list_pages_through_the_waiting_requests(world):
    for n in range(5):
        waiting_request(world, members=household(first=f"Q{n}"), waited=10 * n)
    policy = priority.DEFAULT_POLICY
    first = queries.ranked_requests(world.siao.pk, policy, page=1, per_page=2)
    third = queries.ranked_requests(world.siao.pk, policy, page=3, per_page=2)
    assert [r[0] for r in first.rows] == [1, 2] and [r[0] for r in third.rows] == [5]
    assert first.rows[0][1].first_requested_on == timezone.localdate() - dt.timedelta(days=40)
