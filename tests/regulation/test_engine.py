"""The regulation engine, on generated data: eligibility explained and evaluated in bulk
agree; the optimum never serves less priority than the greedy rule; no proposal breaks a
rule, a capacity or her wishes; equal inputs give equal outputs; and on small cases the
optimum is the true maximum (checked against scipy's assignment on the expanded units)."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment

from maillage.regulation import eligibility as el
from maillage.regulation import matching, priority
from maillage.regulation.enums import (
    KIND_BITS,
    Criterion,
    Level,
    MemberSex,
    Operator,
    ProgrammeKind,
)

KINDS = [ProgrammeKind.CHRS, ProgrammeKind.EMERGENCY, ProgrammeKind.FAMILY_HOUSE]
COMMUNES = ["85191", "85213", "85003"]

households = st.builds(
    el.Household,
    household_size=st.integers(1, 6),
    adults=st.integers(1, 2),
    children=st.integers(0, 4),
    adult_sexes=st.frozensets(
        st.sampled_from([MemberSex.FEMALE, MemberSex.MALE, MemberSex.UNSAID]), min_size=1
    ),
    applicant_age=st.one_of(st.none(), st.integers(16, 95)),
    couple=st.booleans(),
    pets=st.booleans(),
    reduced_mobility=st.booleans(),
    gir=st.one_of(st.none(), st.integers(1, 6)),
    resources=st.booleans(),
    support_needed=st.booleans(),
)


@st.composite
def rules(draw):
    criterion = draw(st.sampled_from(list(Criterion)))
    if criterion in (Criterion.HOUSEHOLD_SIZE, Criterion.APPLICANT_AGE, Criterion.GIR):
        op = draw(st.sampled_from([Operator.AT_MOST, Operator.AT_LEAST]))
        return el.Rule(criterion, op, draw(st.integers(0, 90)))
    if criterion == Criterion.ADULT_SEX:
        values = draw(
            st.frozensets(
                st.sampled_from([MemberSex.FEMALE, MemberSex.MALE, MemberSex.UNSAID]), min_size=1
            )
        )
        return el.Rule(criterion, Operator.ONE_OF, tuple(sorted(values)))
    return el.Rule(criterion, draw(st.sampled_from([Operator.MUST, Operator.MUST_NOT])))


@given(st.lists(households, min_size=1, max_size=30), st.lists(rules(), max_size=5))
def test_the_explained_verdict_and_the_bulk_mask_always_agree(people, chosen):
    table = el.HouseholdTable.of(people)
    mask = el.eligible_mask(chosen, table)
    for row, household in enumerate(people):
        verdicts = el.verdicts(chosen, household)
        assert bool(mask[row]) == all(v.passed for v in verdicts)
        assert all(v.text for v in verdicts)  # every verdict is said in words


def test_a_household_too_large_is_told_why_in_french():
    rule = el.Rule(Criterion.HOUSEHOLD_SIZE, Operator.AT_MOST, 3)
    verdict = el.verdict(rule, el.Household(household_size=4))
    assert not verdict.passed
    assert verdict.text == "ménage de 4 personnes > capacité 3"
    assert (
        el.verdict(rule, el.Household(household_size=2)).text
        == "ménage de 2 personnes ≤ capacité 3"
    )


def test_a_lower_level_replaces_a_higher_one_on_its_criterion():
    found = el.effective_rules(
        [
            (Level.PROGRAMME, [el.Rule(Criterion.APPLICANT_AGE, Operator.AT_LEAST, 25)]),
            (
                Level.STRUCTURE,
                [
                    el.Rule(Criterion.APPLICANT_AGE, Operator.AT_LEAST, 18),
                    el.Rule(Criterion.PETS, Operator.MUST_NOT),
                ],
            ),
            (Level.UNIT, [el.Rule(Criterion.APPLICANT_AGE, Operator.AT_MOST, 30)]),
        ]
    )
    by_key = {(r.criterion, r.operator): r for r in found}
    assert (
        by_key[(Criterion.APPLICANT_AGE, Operator.AT_LEAST)].value == 25
    )  # programme over structure
    assert by_key[(Criterion.APPLICANT_AGE, Operator.AT_LEAST)].level == Level.PROGRAMME
    assert (
        by_key[(Criterion.APPLICANT_AGE, Operator.AT_MOST)].level == Level.UNIT
    )  # both directions kept
    assert by_key[(Criterion.PETS, Operator.MUST_NOT)].level == Level.STRUCTURE


standings = st.builds(
    priority.Standing,
    dalo=st.booleans(),
    urgency=st.integers(0, 3),
    waiting_days=st.integers(0, 4000),
    vulnerabilities=st.integers(0, 7),
    refusals=st.integers(0, 5),
)
policies = st.builds(
    priority.Policy,
    tiers=st.lists(
        st.builds(
            priority.TierRule,
            tier=st.sampled_from(["dalo", "urgency", "seniority", "vulnerability"]),
            points=st.integers(0, 20_000),
            cap=st.integers(0, 800),
        ),
        max_size=4,
        unique_by=lambda t: t.tier,
    ).map(tuple),
    refusal_penalty_days=st.integers(0, 200),
    base=st.integers(0, 2000),
    preferred_commune=st.integers(0, 500),
    empty_bed=st.integers(0, 500),
)


@given(policies, st.lists(standings, min_size=1, max_size=40))
def test_the_breakdown_adds_up_to_the_bulk_score(policy, people):
    scores = priority.scores(policy, priority.StandingTable.of(people))
    for row, standing in enumerate(people):
        assert priority.score(policy, standing) == scores[row]


def test_a_refused_place_costs_no_seniority_by_default():
    policy = priority.DEFAULT_POLICY
    before = priority.score(policy, priority.Standing(waiting_days=300))
    after = priority.score(policy, priority.Standing(waiting_days=300, refusals=2))
    assert before == after
    strict = priority.Policy(tiers=policy.tiers, refusal_penalty_days=100)
    assert priority.score(strict, priority.Standing(waiting_days=300, refusals=2)) == before - 200


@st.composite
def boards(draw, max_requests=14, max_classes=6):
    n = draw(st.integers(1, max_requests))
    people = draw(st.lists(households, min_size=n, max_size=n))
    table = el.HouseholdTable.of(people)
    kinds = np.array(
        [
            sum(KIND_BITS[k] for k in draw(st.sets(st.sampled_from(KINDS), min_size=1)))
            for _ in range(n)
        ],
        dtype=np.int64,
    )
    communes = [
        draw(st.one_of(st.none(), st.frozensets(st.sampled_from(COMMUNES), min_size=1)))
        for _ in range(n)
    ]
    policy = draw(policies)
    stand = priority.StandingTable.of(draw(st.lists(standings, min_size=n, max_size=n)))
    demand = matching.Demand(
        table, kinds, communes, priority.scores(policy, stand), stand.waiting_days
    )
    classes = []
    for c in range(draw(st.integers(1, max_classes))):
        persons = draw(st.integers(1, 5))
        chosen = (
            *draw(st.lists(rules(), max_size=2)),
            el.Rule(Criterion.HOUSEHOLD_SIZE, Operator.AT_MOST, persons),
        )
        excluded = frozenset(draw(st.sets(st.integers(0, n - 1), max_size=2)))
        classes.append(
            matching.PlaceClass(
                units=[f"{c}-{u}" for u in range(draw(st.integers(1, 3)))],
                kind=draw(st.sampled_from(KINDS)),
                commune=draw(st.sampled_from(COMMUNES)),
                persons=persons,
                rules=el.effective_rules([(Level.UNIT, chosen)]),
                excluded=excluded,
            )
        )
    return demand, classes, policy, people


def _check_valid(demand, classes, assignment, people):
    seen = set()
    for c, rows in enumerate(assignment.matches):
        place = classes[c]
        assert len(rows) <= place.capacity
        for row in rows:
            assert row not in seen  # one place per household
            seen.add(row)
            assert el.eligible(place.rules, people[row])
            assert demand.kinds[row] & KIND_BITS[place.kind]
            assert demand.communes[row] is None or place.commune in demand.communes[row]
            assert row not in place.excluded  # a refused place is never proposed again


@settings(max_examples=150, deadline=None)
@given(boards())
def test_the_optimum_is_valid_and_never_below_greedy(board):
    demand, classes, policy, people = board
    pairs = matching.eligible_pairs(demand, classes, policy)
    greedy = matching.greedy(demand, classes, pairs)
    best = matching.optimum(demand, classes, pairs)
    _check_valid(demand, classes, greedy, people)
    _check_valid(demand, classes, best, people)
    assert best.total >= greedy.total
    # equal inputs, equal outputs
    again = matching.optimum(demand, classes, matching.eligible_pairs(demand, classes, policy))
    assert again.matches == best.matches and again.total == best.total
    assert matching.greedy(demand, classes, pairs).matches == greedy.matches


@settings(max_examples=100, deadline=None)
@given(boards(max_requests=8, max_classes=4))
def test_the_optimum_is_the_true_maximum(board):
    """The min-cost flow's total equals a maximum-weight assignment of the households to
    the expanded units, computed independently (scipy)."""
    demand, classes, policy, _people = board
    pairs = matching.eligible_pairs(demand, classes, policy)
    best = matching.optimum(demand, classes, pairs)
    units = [c for c, place in enumerate(classes) for _ in range(place.capacity)]
    weight = np.zeros((len(demand), len(units)))
    for u, c in enumerate(units):
        rows, weights = pairs.of(c)
        weight[rows, u] = weights
    r, u = linear_sum_assignment(weight, maximize=True)
    assert best.total == int(weight[r, u].sum())
