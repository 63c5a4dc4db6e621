"""Reads for the observatory: the demand (communes) and the supply (directory) of the
accessibility index, and stored runs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from django.conf import settings
from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _

from maillage.core.models import PlatformSettings
from maillage.directory.models import Service
from maillage.observatory.accessibility import Bands, Model, Travel
from maillage.observatory.models import AccessibilityRun
from maillage.territories.models import Commune, Departement

DEFAULT_ACTIVITY = 4500.0  # consultations a year per full-time general practitioner


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


def territory_accessibility(commune_codes, least: int = 10) -> dict | None:
    """The latest run over a territory: its population, how many live under the threshold,
    and the least served communes."""
    run = latest_run()
    if run is None:
        return None
    rows = run_rows(run, commune_codes)
    totals = rows.aggregate(
        total_population=Sum("population"),
        under_population=Sum("population", filter=Q(under_served=True)),
        commune_count=Count("id"),
        under_count=Count("id", filter=Q(under_served=True)),
    )
    return {
        "run": run,
        "population": totals["total_population"] or 0,
        "under": totals["under_population"] or 0,
        "communes": totals["commune_count"],
        "under_communes": totals["under_count"],
        "least": list(rows.order_by("index", "commune_id")[:least]),
    }


def default_departement() -> str | None:
    """The département most of the platform's territory lies in, else the first one."""

    territory = PlatformSettings.current().competence_territory
    if territory is not None:
        top = (
            Commune.objects.filter(territories=territory)
            .values("departement_id")
            .annotate(n=Count("*"))
            .order_by("-n")
            .first()
        )
        if top:
            return top["departement_id"]
    first = Departement.objects.order_by("code").first()
    return first.code if first else None


_MODELS: dict = {}


def what_if_model(run):
    """The run's situation as a what-if model, rebuilt from the directory as it is now with
    the run's parameters, kept in memory per run (each process builds it once)."""

    model = _MODELS.get(run.pk)
    if model is None:
        demand = demand_points()
        parameters = run.parameters
        supply = supply_points(
            demand, profession=run.profession, activity=parameters.get("activity", DEFAULT_ACTIVITY)
        )
        bands = parameters.get("bands") or [[10.0, 1.0], [15.0, 2 / 3], [20.0, 1 / 3]]
        edges = tuple(float(edge) for edge, _weight in bands)
        weights = tuple(float(weight) for _edge, weight in bands)
        model = Model(
            demand_lat=demand.latitude,
            demand_lon=demand.longitude,
            population=demand.population,
            supply_lat=supply.latitude,
            supply_lon=supply.longitude,
            supply=supply.amount,
            supply_commune=supply.commune,
            travel=Travel(
                detour=parameters.get("detour", 1.3), speed_kmh=parameters.get("speed_kmh", 60.0)
            ),
            bands=Bands(edges=edges, weights=weights),
        )
        model.codes = demand.codes
        model.position = {code: i for i, code in enumerate(demand.codes)}
        _MODELS.clear()  # one run at a time in memory
        _MODELS[run.pk] = model
    return model


# --- the accessibility page: map and what-if ------------------------------------------


def map_classes(threshold: float) -> list[dict]:
    """The map's classes of the index, with colours readable on white and for most colour
    vision deficiencies (a sequential palette, darkest where it is worst)."""
    return [
        {
            "upper": threshold * 0.6,
            "color": "#7f0000",
            "label": _("moins de %(v)s") % {"v": f"{threshold * 0.6:g}"},
        },
        {
            "upper": threshold,
            "color": "#d7301f",
            "label": _("de %(a)s à %(b)s (sous le seuil)")
            % {"a": f"{threshold * 0.6:g}", "b": f"{threshold:g}"},
        },
        {
            "upper": threshold * 1.6,
            "color": "#fdbb84",
            "label": _("de %(a)s à %(b)s") % {"a": f"{threshold:g}", "b": f"{threshold * 1.6:g}"},
        },
        {
            "upper": float("inf"),
            "color": "#fff7ec",
            "label": _("%(a)s ou plus") % {"a": f"{threshold * 1.6:g}"},
        },
    ]


def commune_map(communes: list[dict], classes: list[dict]) -> dict:
    """What static/maillage/commune-map.js draws: a circle per commune (`population` sizes
    it, `index` picks its class), the classes' colours, and the tile server if any."""

    return {
        "tiles": settings.MAP_TILES_URL,
        "attribution": settings.MAP_ATTRIBUTION,
        "classes": [
            {"upper": c["upper"] if c["upper"] != float("inf") else 1e9, "color": c["color"]}
            for c in classes
        ],
        "communes": communes,
        "legend": [{"color": c["color"], "label": str(c["label"])} for c in classes],
    }


def map_data(rows, threshold: float) -> dict:
    return commune_map(
        [
            {
                "name": r.commune.name,
                "lat": r.commune.latitude,
                "lon": r.commune.longitude,
                "population": r.population,
                "index": round(r.index, 3),
                "label": f"{r.index:.2f}".replace(".", ","),
            }
            for r in rows
            if r.commune.latitude is not None
        ],
        map_classes(threshold),
    )


def reach_map(points: list[dict]) -> dict:
    """The dashboard's map: a circle per commune sized by the people reached, coloured by
    that number per 10,000 inhabitants."""
    classes = [
        {"upper": 10, "color": "#fdbb84", "label": _("moins de 10 pour 10 000 habitants")},
        {"upper": 50, "color": "#d7301f", "label": _("de 10 à 50 pour 10 000 habitants")},
        {"upper": float("inf"), "color": "#7f0000", "label": _("50 ou plus pour 10 000 habitants")},
    ]
    communes = []
    for p in points:
        rate = 10_000 * p["people"] / p["population"] if p["population"] else 0
        communes.append(
            {
                "name": p["name"],
                "lat": p["lat"],
                "lon": p["lon"],
                "population": p["people"],
                "index": rate,
                "label": _("%(n)s personnes, %(r)s pour 10 000 habitants")
                % {"n": p["people"], "r": f"{rate:.1f}".replace(".", ",")},
            }
        )
    return commune_map(communes, classes)


def what_if_comparison(run, rows, changes: dict) -> dict:
    model = what_if_model(run)
    activity = run.parameters.get("activity", DEFAULT_ACTIVITY)
    after = model.what_if(
        {model.position[code]: count * activity for code, count in changes.items()}
    )
    before = model.index
    lines = []
    population_before = population_after = 0.0
    for row in rows:
        i = model.position[row.commune_id]
        if before[i] < run.threshold:
            population_before += row.population
        if after[i] < run.threshold:
            population_after += row.population
        if not np.isclose(after[i], before[i], rtol=1e-12, atol=1e-9):
            lines.append(
                {
                    "commune": row.commune,
                    "population": row.population,
                    "before": float(before[i]),
                    "after": float(after[i]),
                    "delta": float(after[i] - before[i]),
                    "crosses": (before[i] < run.threshold) != (after[i] < run.threshold),
                }
            )
    lines.sort(key=lambda line: -abs(line["delta"]))
    return {
        "changes": changes,
        "lines": lines[:60],
        "changed": len(lines),
        "population_before": population_before,
        "population_after": population_after,
    }
