"""Accessibility of primary care per commune: the APL index, by the enhanced two-step
floating catchment area method (E2SFCA), vectorised with numpy and scipy.

    D_j   = Σ_k w(t_kj) · P_k              demand weighed at each supply point j
    R_j   = S_j / D_j                      supply per weighed inhabitant (0 where D_j = 0)
    APL_k = Σ_j w(t_kj) · R_j              what each demand point k reaches

over the pairs (k, j) whose travel time t_kj is within the catchment. w is a step function
of time whose band edges are inclusive on the right (t ≤ 10 → 1, 10 < t ≤ 15 → 2/3,
15 < t ≤ 20 → 1/3, beyond → 0, by default: the bands of the published APL for general
practitioners). With supply in consultations per year, APL is in consultations per year
per inhabitant. Invariant: Σ_k P_k · APL_k = Σ_j S_j over the supply points some demand
reaches (D_j > 0).

Travel time is great-circle distance × a detour factor at a mean speed, or comes from a
matrix the user imports (origin, destination, minutes).

Convention: where a demand point reaches no supply, its APL is 0. The reference
implementation this module is tested against (PyPI `access`, `enhanced_two_stage_fca`)
returns NaN there instead; the two agree everywhere else.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
from scipy.spatial import cKDTree

EARTH_RADIUS_KM = 6371.0088


@dataclass(frozen=True)
class Bands:
    """Step weights by travel time (minutes); each band's edge is inclusive on the right."""

    edges: tuple[float, ...] = (10.0, 15.0, 20.0)
    weights: tuple[float, ...] = (1.0, 2 / 3, 1 / 3)

    def __post_init__(self):
        if len(self.edges) != len(self.weights) or not self.edges:
            raise ValueError("as many weights as band edges, at least one")
        if any(b <= a for a, b in zip(self.edges, self.edges[1:], strict=False)):
            raise ValueError("band edges must increase")
        if any(w < 0 for w in self.weights) or self.edges[0] < 0:
            raise ValueError("weights and edges must not be negative")

    @property
    def catchment(self) -> float:
        return self.edges[-1]

    def weigh(self, minutes: np.ndarray) -> np.ndarray:
        minutes = np.asarray(minutes, dtype=float)
        band = np.searchsorted(np.asarray(self.edges), minutes, side="left")
        weights = np.append(np.asarray(self.weights, dtype=float), 0.0)
        return weights[band]


@dataclass(frozen=True)
class Travel:
    """Travel time from great-circle distance: km × detour / speed."""

    detour: float = 1.3
    speed_kmh: float = 60.0

    def minutes(self, km: np.ndarray) -> np.ndarray:
        return np.asarray(km) * self.detour / self.speed_kmh * 60.0

    def km_for(self, minutes: float) -> float:
        return minutes / 60.0 * self.speed_kmh / self.detour


def _unit_vectors(latitude, longitude) -> np.ndarray:
    lat = np.radians(np.asarray(latitude, dtype=float))
    lon = np.radians(np.asarray(longitude, dtype=float))
    cos_lat = np.cos(lat)
    return np.column_stack((cos_lat * np.cos(lon), cos_lat * np.sin(lon), np.sin(lat)))


def great_circle_km(lat1, lon1, lat2, lon2) -> np.ndarray:
    """Haversine distance, km."""
    lat1, lon1, lat2, lon2 = (
        np.radians(np.asarray(v, dtype=float)) for v in (lat1, lon1, lat2, lon2)
    )
    a = (
        np.sin((lat2 - lat1) / 2) ** 2
        + np.cos(lat1) * np.cos(lat2) * np.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0)))


class Pairs:
    """The (demand, supply) pairs within the catchment, with their travel time — given in
    minutes (an imported matrix), or as the chord between the two points on the unit sphere
    (found by distance), from which minutes follow and band weights are read directly."""

    def __init__(self, demand, supply, minutes=None, *, chord=None, travel=None):
        self.demand = demand
        self.supply = supply
        self._minutes = minutes
        self.chord = chord
        self.travel = travel

    @property
    def minutes(self) -> np.ndarray:
        if self._minutes is None:
            km = 2 * EARTH_RADIUS_KM * np.arcsin(np.clip(self.chord / 2, 0.0, 1.0))
            self._minutes = self.travel.minutes(km)
        return self._minutes

    def weights(self, bands: Bands) -> np.ndarray:
        if self._minutes is None and self.chord is not None:
            # t ≤ edge ⟺ chord ≤ chord(edge): no trigonometry per pair.
            # Widest band first, narrower ones written over it: a few passes of compares.
            weights = np.zeros(self.chord.size)
            for edge, weight in reversed(list(zip(bands.edges, bands.weights, strict=True))):
                weights[self.chord <= _chord(self.travel.km_for(edge))] = weight
            return weights
        return bands.weigh(self.minutes)


def _chord(km: float) -> float:
    return 2 * np.sin(min(km / EARTH_RADIUS_KM, np.pi) / 2)


def pairs_by_distance(
    demand_lat,
    demand_lon,
    supply_lat,
    supply_lon,
    *,
    travel: Travel,
    max_minutes: float,
    workers: int | None = None,
) -> Pairs:
    """Every pair within `max_minutes`, found with k-d trees on the unit sphere (the chord
    between two points grows with their great-circle distance). The demand points are cut
    into west-to-east slices searched in parallel threads (the tree search releases the
    GIL)."""
    workers = workers or min(4, os.cpu_count() or 1)
    if len(demand_lat) == 0 or len(supply_lat) == 0:
        # No commune placed, or no practitioner: no pair (every index is then 0).
        empty = np.zeros(0, dtype=np.intp)
        return Pairs(empty, empty.copy(), chord=np.zeros(0), travel=travel)
    demand = _unit_vectors(demand_lat, demand_lon)
    supply_tree = cKDTree(_unit_vectors(supply_lat, supply_lon))
    radius = _chord(travel.km_for(max_minutes))
    slices = np.array_split(np.argsort(np.asarray(demand_lon, dtype=float), kind="stable"), workers)
    slices = [s for s in slices if s.size]

    def search(points):
        found = cKDTree(demand[points]).sparse_distance_matrix(
            supply_tree, radius, output_type="ndarray"
        )
        return points[found["i"]], found["j"], found["v"]

    if len(slices) > 1:
        with ThreadPoolExecutor(len(slices)) as pool:
            parts = list(pool.map(search, slices))
    else:
        parts = [search(s) for s in slices]
    return Pairs(
        np.concatenate([p[0] for p in parts]),
        np.concatenate([p[1] for p in parts]),
        chord=np.concatenate([p[2] for p in parts]),
        travel=travel,
    )


def pairs_from_matrix(demand_codes, supply_codes, rows) -> Pairs:
    """Pairs from an imported travel-time matrix: `rows` of (origin code, destination code,
    minutes); codes not among the points are ignored."""
    demand_at = {code: i for i, code in enumerate(demand_codes)}
    supply_at = {code: j for j, code in enumerate(supply_codes)}
    demand, supply, minutes = [], [], []
    for origin, destination, value in rows:
        i, j = demand_at.get(origin), supply_at.get(destination)
        if i is not None and j is not None:
            demand.append(i)
            supply.append(j)
            minutes.append(float(value))
    return Pairs(
        np.asarray(demand, dtype=np.int64),
        np.asarray(supply, dtype=np.int64),
        np.asarray(minutes, dtype=float),
    )


@dataclass
class Result:
    index: np.ndarray  # APL per demand point
    demand_reached: np.ndarray  # D_j per supply point
    ratio: np.ndarray  # R_j per supply point
    weights: np.ndarray = field(repr=False)  # w per pair
    pairs: Pairs = field(repr=False)


def e2sfca(population, supply, pairs: Pairs, bands: Bands) -> Result:
    """The index at each demand point (0 where no supply is reached)."""
    population = np.asarray(population, dtype=float)
    supply = np.asarray(supply, dtype=float)
    weights = pairs.weights(bands)
    demand_reached = np.bincount(
        pairs.supply, weights=weights * population[pairs.demand], minlength=supply.size
    )
    ratio = np.divide(supply, demand_reached, out=np.zeros_like(supply), where=demand_reached > 0)
    index = np.bincount(
        pairs.demand, weights=weights * ratio[pairs.supply], minlength=population.size
    )
    return Result(
        index=index, demand_reached=demand_reached, ratio=ratio, weights=weights, pairs=pairs
    )


def under_served(index, population, threshold: float = 2.5) -> tuple[np.ndarray, float]:
    """Which demand points are under the threshold, and how many people live there."""
    below = np.asarray(index) < threshold
    return below, float(np.asarray(population, dtype=float)[below].sum())


class Model:
    """A computed state of the territory that answers what-ifs at once: practitioners added
    at a commune (a new supply point at its position) or removed from it (its supply points
    scaled down). Only the demand points around the changed supply are touched; the result
    equals a full recomputation with the changed inputs."""

    def __init__(
        self,
        *,
        demand_lat,
        demand_lon,
        population,
        supply_lat,
        supply_lon,
        supply,
        supply_commune,
        travel: Travel | None = None,
        bands: Bands | None = None,
        pairs: Pairs | None = None,
    ):
        self.travel = travel or Travel()
        self.bands = bands or Bands()
        self.demand_lat = np.asarray(demand_lat, dtype=float)
        self.demand_lon = np.asarray(demand_lon, dtype=float)
        self.population = np.asarray(population, dtype=float)
        self.supply = np.asarray(supply, dtype=float)
        # For each supply point, the demand point (commune) it stands in, or -1.
        self.supply_commune = np.asarray(supply_commune, dtype=np.int64)
        if pairs is None:
            pairs = pairs_by_distance(
                self.demand_lat,
                self.demand_lon,
                supply_lat,
                supply_lon,
                travel=self.travel,
                max_minutes=self.bands.catchment,
            )
        self.result = e2sfca(self.population, self.supply, pairs, self.bands)
        order = np.argsort(pairs.supply, kind="stable")
        self._by_supply = order
        self._supply_start = np.searchsorted(pairs.supply[order], np.arange(self.supply.size + 1))
        self._commune_start = None
        self._demand_tree = None

    @property
    def index(self) -> np.ndarray:
        return self.result.index

    def _supply_of_commune(self, commune: int) -> np.ndarray:
        if self._commune_start is None:
            order = np.argsort(self.supply_commune, kind="stable")
            self._commune_order = order
            self._commune_start = np.searchsorted(
                self.supply_commune[order], np.arange(self.population.size + 1)
            )
        start, end = self._commune_start[commune], self._commune_start[commune + 1]
        return self._commune_order[start:end]

    def _add_point(self, index: np.ndarray, commune: int, amount: float) -> None:
        if self._demand_tree is None:
            self._demand_tree = cKDTree(_unit_vectors(self.demand_lat, self.demand_lon))
        chord = _chord(self.travel.km_for(self.bands.catchment))
        here = _unit_vectors(
            self.demand_lat[commune : commune + 1], self.demand_lon[commune : commune + 1]
        )
        near = np.asarray(self._demand_tree.query_ball_point(here[0], chord), dtype=np.int64)
        if near.size == 0:
            return
        km = (
            2
            * EARTH_RADIUS_KM
            * np.arcsin(
                np.clip(
                    np.linalg.norm(
                        _unit_vectors(self.demand_lat[near], self.demand_lon[near]) - here, axis=1
                    )
                    / 2,
                    0.0,
                    1.0,
                )
            )
        )
        minutes = self.travel.minutes(km)
        keep = minutes <= self.bands.catchment
        near, weights = near[keep], self.bands.weigh(minutes[keep])
        reached = float(np.sum(weights * self.population[near]))
        if reached > 0:
            np.add.at(index, near, weights * (amount / reached))

    def what_if(self, changes: dict[int, float]) -> np.ndarray:
        """The index after adding (positive) or removing (negative) supply at communes
        (demand point index → amount, in the unit of the supply)."""
        index = self.result.index.copy()
        pairs, weights, reached = self.result.pairs, self.result.weights, self.result.demand_reached
        for commune, amount in changes.items():
            if amount > 0:
                self._add_point(index, commune, float(amount))
            elif amount < 0:
                points = self._supply_of_commune(commune)
                total = float(self.supply[points].sum())
                if total <= 0:
                    continue
                share = max(float(amount), -total) / total  # scale every point of the commune
                for j in points:
                    if reached[j] <= 0:
                        continue
                    rows = self._by_supply[self._supply_start[j] : self._supply_start[j + 1]]
                    delta = self.supply[j] * share / reached[j]
                    np.add.at(index, pairs.demand[rows], weights[rows] * delta)
        return np.maximum(index, 0.0)
