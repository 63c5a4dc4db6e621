"""Reads for the observatory: the demand (communes) and the supply (directory) of the
accessibility index, and stored runs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass
class Demand:
    codes: list[str]
    names: list[str]
    latitude: np.ndarray
    longitude: np.ndarray
    population: np.ndarray


@dataclass
class Supply:
    latitude: np.ndarray
    longitude: np.ndarray
    amount: np.ndarray
    commune: np.ndarray  # index into the demand points, -1 if unknown


def demand_points() -> Demand:
    """Every commune with a position (France), weighed by its population."""
    from maillage.territories.models import Commune

    rows = list(
        Commune.objects.filter(latitude__isnull=False, longitude__isnull=False)
        .order_by("code")
        .values_list("code", "name", "latitude", "longitude", "population")
    )
    return Demand(
        codes=[r[0] for r in rows],
        names=[r[1] for r in rows],
        latitude=np.array([r[2] for r in rows], dtype=float),
        longitude=np.array([r[3] for r in rows], dtype=float),
        population=np.array([r[4] or 0 for r in rows], dtype=float),
    )


def supply_points(demand: Demand, *, profession: str, activity: float) -> Supply:
    """The published directory services offering the profession, where they are: each
    counts its capacity (else 1) practitioners × `activity` (e.g. consultations a year)."""
    from maillage.directory.models import Service

    rows = list(
        Service.objects.filter(
            listed=True,
            professions__contains=[profession],
            geo_latitude__isnull=False,
            geo_longitude__isnull=False,
        ).values_list("geo_latitude", "geo_longitude", "capacity", "geo_commune_id")
    )
    position = {code: i for i, code in enumerate(demand.codes)}
    return Supply(
        latitude=np.array([r[0] for r in rows], dtype=float),
        longitude=np.array([r[1] for r in rows], dtype=float),
        amount=np.array([(r[2] or 1) * activity for r in rows], dtype=float),
        commune=np.array([position.get(r[3], -1) for r in rows], dtype=np.int64),
    )


def latest_run(profession: str | None = None):
    from maillage.observatory.models import AccessibilityRun

    runs = AccessibilityRun.objects.all()
    if profession:
        runs = runs.filter(profession=profession)
    return runs.first()


def run_rows(run, commune_codes=None):
    """The run's communes (all, or those given), with their index, in code order."""
    rows = run.indices.select_related("commune").order_by("commune_id")
    if commune_codes is not None:
        rows = rows.filter(commune_id__in=commune_codes)
    return rows
