"""Two ways to share free places among waiting requests, on the same data.

- `greedy`: the peers' rule (boston-cas): the hardest-to-fill place first (the fewest
  eligible requests), given to the best-ranked eligible request still unmatched.
- `optimum`: the global optimum, a min-cost flow (OR-Tools) maximising the sum of the
  weights (priority + fit) of the matches: source → each request (capacity 1) → each place
  class it is eligible for (cost −weight) → sink (capacity: the free units of the class);
  an arc source → sink lets requests stay unmatched and places stay empty. Identical free
  units (same programme, rules, commune and size, refused by no one) form one class with a
  capacity, so the graph has one node per kind of place rather than per bed.

Both take `Pairs`, built once by `eligible_pairs` from the household table, the
preferences and the rules of each class (eligibility.eligible_mask). The optimum's total is
never below greedy's (tests/regulation/test_matching.py checks it, with hypothesis).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from ortools.graph.python import min_cost_flow

from maillage.regulation.eligibility import HouseholdTable, Rule, eligible_mask
from maillage.regulation.enums import KIND_BITS
from maillage.regulation.priority import Policy


@dataclass
class PlaceClass:
    units: list  # the free units (vacancies) of the class, in a stable order
    kind: str
    commune: str
    persons: int  # how many people a unit takes
    rules: tuple[Rule, ...]
    excluded: frozenset[int] = frozenset()  # rows of requests that refused one of these units

    @property
    def capacity(self) -> int:
        return len(self.units)


@dataclass
class Demand:
    households: HouseholdTable
    kinds: np.ndarray  # int64 bits of enums.KIND_BITS: the kinds recommended and accepted
    communes: Sequence[frozenset[str] | None]  # None: anywhere on the territory
    priority: np.ndarray  # int64, priority.scores
    waiting_days: np.ndarray

    def __len__(self) -> int:
        return len(self.priority)


@dataclass
class Pairs:
    """Eligible (class, request) pairs, grouped by class (CSR): the requests of class c are
    `rows[start[c]:start[c + 1]]`, with their weights."""

    start: np.ndarray
    rows: np.ndarray
    weights: np.ndarray

    def of(self, c: int) -> tuple[np.ndarray, np.ndarray]:
        lo, hi = self.start[c], self.start[c + 1]
        return self.rows[lo:hi], self.weights[lo:hi]

    def __len__(self) -> int:
        return len(self.rows)


def commune_masks(demand: Demand, communes: set[str]) -> dict[str, np.ndarray]:
    """For each commune, the requests that accept a place there."""
    anywhere = np.fromiter((c is None for c in demand.communes), bool, len(demand))
    masks = {code: anywhere.copy() for code in communes}
    for row, wanted in enumerate(demand.communes):
        if wanted:
            for code in wanted & communes:
                masks[code][row] = True
    return masks


def eligible_pairs(demand: Demand, classes: Sequence[PlaceClass], policy: Policy) -> Pairs:
    """Every pair a proposal could be made on, with its weight: the request's priority, the
    policy's base, and the fit of the place to the household."""
    by_rules: dict[tuple, np.ndarray] = {}
    by_kind: dict[str, np.ndarray] = {}
    by_commune = commune_masks(demand, {c.commune for c in classes})
    named = np.fromiter(
        (bool(c) for c in demand.communes), bool, len(demand)
    )  # she named communes: a place in one of them fits her wish
    rows_of, weights_of, counts = [], [], []
    size = demand.households.household_size.astype(np.int64)
    for place in classes:
        key = tuple(r.key() for r in place.rules)
        rules = by_rules.get(key)
        if rules is None:
            rules = by_rules[key] = eligible_mask(place.rules, demand.households)
        kind = by_kind.get(place.kind)
        if kind is None:
            kind = by_kind[place.kind] = (demand.kinds & KIND_BITS[place.kind]) != 0
        mask = rules & kind & by_commune[place.commune]
        if place.excluded:
            mask[list(place.excluded)] = False
        rows = np.flatnonzero(mask)
        weight = demand.priority[rows] + policy.base
        if policy.preferred_commune:
            weight = weight + policy.preferred_commune * named[rows]
        if policy.empty_bed:
            weight = weight - policy.empty_bed * np.maximum(0, place.persons - size[rows])
        rows_of.append(rows)
        weights_of.append(np.maximum(weight, 1))
        counts.append(len(rows))
    start = np.zeros(len(classes) + 1, dtype=np.int64)
    np.cumsum(counts, out=start[1:])
    empty = np.zeros(0, dtype=np.int64)
    return Pairs(
        start=start,
        rows=np.concatenate(rows_of).astype(np.int64) if rows_of else empty,
        weights=np.concatenate(weights_of).astype(np.int64) if weights_of else empty,
    )


@dataclass
class Assignment:
    """Which request each class's units go to: `matches[c]` lists the rows, in unit order."""

    matches: list[list[int]] = field(default_factory=list)
    total: int = 0

    @property
    def count(self) -> int:
        return sum(len(m) for m in self.matches)

    def pairs(self) -> list[tuple[int, int]]:
        return [(c, row) for c, rows in enumerate(self.matches) for row in rows]


def greedy(demand: Demand, classes: Sequence[PlaceClass], pairs: Pairs) -> Assignment:
    taken = np.zeros(len(demand), dtype=bool)
    counts = np.diff(pairs.start)
    order = np.lexsort((np.arange(len(classes)), counts))  # fewest eligible first
    result = Assignment(matches=[[] for _ in classes])
    total = 0
    for c in order:
        rows, weights = pairs.of(c)
        if not len(rows):
            continue
        # best-ranked first: highest priority, longest wait, then the row's own order
        ranked = np.lexsort((rows, -demand.waiting_days[rows], -demand.priority[rows]))
        free = ranked[~taken[rows[ranked]]][: classes[c].capacity]
        chosen = rows[free]
        taken[chosen] = True
        result.matches[c] = chosen.tolist()
        total += int(weights[free].sum())
    result.total = total
    return result


class NoSolution(RuntimeError):
    """The solver did not find the optimum (never expected: the graph is always feasible)."""


def optimum(demand: Demand, classes: Sequence[PlaceClass], pairs: Pairs) -> Assignment:
    result = Assignment(matches=[[] for _ in classes])
    if not len(pairs):
        return result
    requests = np.unique(pairs.rows)
    n_req = len(requests)
    request_node = np.full(len(demand), -1, dtype=np.int64)
    request_node[requests] = 2 + np.arange(n_req)
    class_node = 2 + n_req + np.arange(len(classes), dtype=np.int64)
    counts = np.diff(pairs.start)
    source, sink = 0, 1
    pair_tails = request_node[pairs.rows]
    pair_heads = np.repeat(class_node, counts)
    tails = np.concatenate([np.zeros(n_req, np.int64), pair_tails, class_node, np.array([source])])
    heads = np.concatenate(
        [request_node[requests], pair_heads, np.full(len(classes), sink), np.array([sink])]
    )
    capacities = np.concatenate(
        [
            np.ones(n_req, np.int64),
            np.ones(len(pairs), np.int64),
            np.array([c.capacity for c in classes], np.int64),
            np.array([n_req], np.int64),
        ]
    )
    costs = np.concatenate(
        [
            np.zeros(n_req, np.int64),
            -pairs.weights,
            np.zeros(len(classes), np.int64),
            np.zeros(1, np.int64),
        ]
    )
    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(tails, heads, capacities, costs)
    flow.set_nodes_supplies(np.array([source, sink]), np.array([n_req, -n_req]))
    if flow.solve() != flow.OPTIMAL:
        raise NoSolution
    pair_arcs = arcs[n_req : n_req + len(pairs)]
    used = np.flatnonzero(flow.flows(pair_arcs) > 0)
    owner = np.repeat(np.arange(len(classes)), counts)
    for index in used:
        result.matches[owner[index]].append(int(pairs.rows[index]))
    for rows in result.matches:
        rows.sort(key=lambda row: (-int(demand.priority[row]), row))
    result.total = int(pairs.weights[used].sum())
    return result
