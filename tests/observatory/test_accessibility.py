"""The accessibility index (APL, E2SFCA): hand-built cases with known answers, the supply
invariant, equality with PyPI `access` on random instances, the k-d tree pairs against brute
force, and what-ifs against a full recomputation."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from maillage.observatory.accessibility import (
    Bands,
    Model,
    Pairs,
    Travel,
    e2sfca,
    great_circle_km,
    pairs_by_distance,
    pairs_from_matrix,
    under_served,
)


def test_a_hand_built_case_gives_the_known_answer():
    # One practice of 3,000 consultations a year, 5 min from a village of 1,000 people and
    # 12 min from a town of 2,000: D = 1,000 + 2/3 × 2,000 = 2,333.3; R = 3,000 / D.
    pairs = pairs_from_matrix(["V", "T"], ["P"], [("V", "P", 5), ("T", "P", 12)])
    result = e2sfca([1000, 2000], [3000], pairs, Bands())
    ratio = 3000 / (1000 + 2 / 3 * 2000)
    assert result.index == pytest.approx([ratio, 2 / 3 * ratio], rel=1e-15)
    assert result.demand_reached == pytest.approx([1000 + 2 / 3 * 2000])
    # Both reach the whole supply between them: 1,000 × R + 2,000 × 2/3 × R = 3,000.
    assert 1000 * result.index[0] + 2000 * result.index[1] == pytest.approx(3000)


def test_band_edges_are_inclusive_on_the_right_and_nothing_counts_beyond_the_catchment():
    bands = Bands()
    assert list(bands.weigh([0, 10, 10.0001, 15, 15.0001, 20, 20.0001, 90])) == [
        1.0,
        1.0,
        2 / 3,
        2 / 3,
        1 / 3,
        1 / 3,
        0.0,
        0.0,
    ]
    with pytest.raises(ValueError):
        Bands(edges=(10, 5), weights=(1, 0.5))


def test_a_commune_reaching_no_supply_scores_zero_and_counts_as_under_served():
    pairs = pairs_from_matrix(["A", "B"], ["P"], [("A", "P", 3)])
    result = e2sfca([500, 800], [5000], pairs, Bands())
    assert result.index[0] == 10.0 and result.index[1] == 0.0
    below, people = under_served(result.index, [500, 800])
    assert list(below) == [False, True] and people == 800


instances = st.integers(min_value=0, max_value=2**32 - 1)


def _random_instance(seed, n=25, m=15, density=0.35):
    rng = np.random.default_rng(seed)
    population = rng.integers(0, 5000, n).astype(float)
    supply = rng.integers(0, 8000, m).astype(float)
    rows = [
        (i, j, float(rng.uniform(0, 30)))
        for i in range(n)
        for j in range(m)
        if rng.random() < density
    ]
    return population, supply, rows


@settings(max_examples=60, deadline=None)
@given(seed=instances)
def test_the_supply_reached_is_shared_out_exactly(seed):
    population, supply, rows = _random_instance(seed)
    pairs = pairs_from_matrix(range(population.size), range(supply.size), rows)
    result = e2sfca(population, supply, pairs, Bands())
    reached = supply[result.demand_reached > 0].sum()
    assert float(population @ result.index) == pytest.approx(reached, rel=1e-12, abs=1e-9)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=instances)
def test_equal_to_pysal_access_on_random_instances(seed):
    from access import Access, weights

    population, supply, rows = _random_instance(seed)
    cost = pd.DataFrame(rows, columns=["origin", "dest", "cost"])
    if cost.empty:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        reference = Access(
            demand_df=pd.DataFrame({"id": range(population.size), "pop": population}),
            demand_index="id",
            demand_value="pop",
            supply_df=pd.DataFrame({"id": range(supply.size), "doc": supply}),
            supply_index="id",
            supply_value="doc",
            cost_df=cost,
            cost_origin="origin",
            cost_dest="dest",
            cost_name="cost",
        ).enhanced_two_stage_fca(
            weight_fn=weights.step_fn({10: 1, 15: 2 / 3, 20: 1 / 3}), max_cost=20
        )
    theirs = reference.iloc[:, 0].reindex(range(population.size)).to_numpy(dtype=float)
    pairs = pairs_from_matrix(range(population.size), range(supply.size), rows)
    ours = e2sfca(population, supply, pairs, Bands()).index
    known = ~np.isnan(theirs)
    # Where `access` has no value (no supply within reach), ours is 0 (the documented
    # convention); everywhere else the two agree to rounding.
    assert np.all(ours[~known] == 0)
    scale = np.maximum(np.abs(theirs[known]), 1e-300)
    assert np.all(np.abs(ours[known] - theirs[known]) / scale <= 1e-12)


points = st.tuples(
    st.floats(min_value=42.0, max_value=51.0), st.floats(min_value=-5.0, max_value=8.0)
)


@settings(max_examples=40, deadline=None)
@given(
    demand=st.lists(points, min_size=1, max_size=40),
    supply=st.lists(points, min_size=1, max_size=40),
)
def test_the_tree_finds_the_same_pairs_as_brute_force(demand, supply):
    travel = Travel(detour=1.3, speed_kmh=60)
    d_lat, d_lon = (np.array(v) for v in zip(*demand, strict=True))
    s_lat, s_lon = (np.array(v) for v in zip(*supply, strict=True))
    found = pairs_by_distance(d_lat, d_lon, s_lat, s_lon, travel=travel, max_minutes=20)
    got = {(int(i), int(j)) for i, j in zip(found.demand, found.supply, strict=True)}
    minutes = travel.minutes(
        great_circle_km(d_lat[:, None], d_lon[:, None], s_lat[None, :], s_lon[None, :])
    )
    # Pairs that sit on the edge to rounding are allowed either way.
    sure = {(int(i), int(j)) for i, j in zip(*np.nonzero(minutes <= 20 - 1e-9), strict=True)}
    maybe = {(int(i), int(j)) for i, j in zip(*np.nonzero(minutes <= 20 + 1e-9), strict=True)}
    assert sure <= got <= maybe
    by_pair = dict(
        zip(
            zip(found.demand.tolist(), found.supply.tolist(), strict=True),
            found.minutes,
            strict=True,
        )
    )
    for (i, j), value in by_pair.items():
        assert value == pytest.approx(minutes[i, j], rel=1e-9, abs=1e-9)


def _territory(seed, communes=60, practices=40):
    rng = np.random.default_rng(seed)
    lat = rng.uniform(46.0, 46.6, communes)
    lon = rng.uniform(-1.8, -1.0, communes)
    population = rng.integers(50, 20000, communes).astype(float)
    where = rng.integers(0, communes, practices)
    supply = rng.uniform(1000, 6000, practices)
    jitter = rng.normal(0, 0.005, (practices, 2))
    return lat, lon, population, where, lat[where] + jitter[:, 0], lon[where] + jitter[:, 1], supply


@settings(max_examples=30, deadline=None)
@given(seed=instances, data=st.data())
def test_a_what_if_equals_the_full_recomputation(seed, data):
    lat, lon, population, where, s_lat, s_lon, supply = _territory(seed)
    model = Model(
        demand_lat=lat,
        demand_lon=lon,
        population=population,
        supply_lat=s_lat,
        supply_lon=s_lon,
        supply=supply,
        supply_commune=where,
    )
    added = data.draw(st.integers(0, lat.size - 1))
    removed = data.draw(st.sampled_from(sorted(set(where.tolist()))))
    amount = data.draw(st.floats(min_value=100, max_value=10000))
    cut = data.draw(st.floats(min_value=0.1, max_value=1.5))
    at_removed = supply[where == removed].sum()
    changes = {added: amount, removed: -cut * at_removed}
    if added == removed:
        changes = {added: amount}
    fast = model.what_if(changes)

    # The same change, recomputed from scratch: a new practice at the commune's position,
    # the removed commune's practices scaled down (never below zero).
    new_supply = supply.copy()
    if added != removed:
        new_supply[where == removed] *= 1 - min(cut, 1.0)
    full = e2sfca(
        population,
        np.append(new_supply, amount),
        pairs_by_distance(
            lat,
            lon,
            np.append(s_lat, lat[added]),
            np.append(s_lon, lon[added]),
            travel=Travel(),
            max_minutes=20,
        ),
        Bands(),
    ).index
    assert np.allclose(fast, full, rtol=1e-9, atol=1e-12)
    # Nothing changes further than the catchment allows.
    assert math.isclose(float(model.what_if({}).sum()), float(model.index.sum()))


def test_pairs_from_an_imported_matrix_ignore_unknown_codes():
    pairs = pairs_from_matrix(["85191"], ["85001"], [("85191", "85001", 7), ("99999", "85001", 1)])
    assert isinstance(pairs, Pairs)
    assert pairs.demand.tolist() == [0] and pairs.minutes.tolist() == [7.0]


def test_no_commune_or_no_practitioner_gives_no_pair_and_no_error():
    travel = Travel()
    for demand, supply in (([], [46.7]), ([46.7], [])):
        pairs = pairs_by_distance(
            np.array(demand),
            np.array(demand),
            np.array(supply),
            np.array(supply),
            travel=travel,
            max_minutes=20,
        )
        assert pairs.demand.size == 0 and pairs.weights(Bands((10,), (1,))).size == 0
