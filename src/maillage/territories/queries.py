"""Reads on territories: place search (name or postal code), territory lists and pages."""

import math
import time
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    IntegerField,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
)
from django.utils.translation import gettext as _

from maillage.territories.models import Commune, Departement, Epci, FormerCommune, Territory
from maillage.territories.text import normalise_name


@dataclass(frozen=True)
class PlaceHit:
    kind: str  # "commune", "epci", "departement"
    code: str
    label: str
    detail: str
    population: int | None


def _rank(norm: str):
    return Case(
        When(search_name=norm, then=Value(0)),
        When(search_name__startswith=norm, then=Value(1)),
        When(search_name__contains=f" {norm}", then=Value(2)),
        default=Value(3),
        output_field=IntegerField(),
    )


def search_communes(query: str, limit: int = 10):
    """Communes by name (accents, case, hyphens and St/Ste ignored; former names of merged
    communes included) or by postal code / INSEE code prefix."""
    norm = normalise_name(query)
    if not norm:
        return Commune.objects.none()
    base = Commune.objects.select_related("departement", "epci")
    compact = norm.replace(" ", "")
    if compact.isdigit() or (compact[:2] in {"2a", "2b"} and compact[2:].isdigit()):
        code = compact.upper()
        if len(code) == 5:
            matches = Q(postal_codes__contains=[code]) | Q(code=code)
        else:
            matches = Q(code__startswith=code)
        return base.filter(matches).order_by("-population", "name")[:limit]
    former = FormerCommune.objects.filter(commune=OuterRef("pk"), search_name__contains=norm)
    return (
        base.annotate(
            former_match=Subquery(former.order_by("search_name").values("name")[:1]),
        )
        .filter(Q(search_name__contains=norm) | Exists(former))
        .annotate(rank=_rank(norm))
        .order_by("rank", "-population", "name")[:limit]
    )


def search_places(query: str, limit: int = 10) -> list[PlaceHit]:
    """Communes, EPCI and départements matching a query, best first, for the territory editor."""
    norm = normalise_name(query)
    if not norm:
        return []
    hits: list[PlaceHit] = []
    if not norm.replace(" ", "").isdigit():
        for dep in Departement.objects.filter(
            Q(search_name__contains=norm) | Q(code__iexact=norm)
        ).annotate(population_total=Sum("communes__population"))[:3]:
            hits.append(
                PlaceHit("departement", dep.code, str(dep), _("Département"), dep.population_total)
            )
        for epci in (
            Epci.objects.filter(search_name__contains=norm)
            .annotate(rank=_rank(norm), commune_count=Count("communes"))
            .order_by("rank", "-population")[:4]
        ):
            hits.append(
                PlaceHit(
                    "epci",
                    epci.code,
                    epci.name,
                    _("EPCI · %(n)s communes") % {"n": epci.commune_count},
                    epci.population,
                )
            )
    for commune in search_communes(query, limit=limit):
        detail = _("Commune · %(departement)s") % {"departement": commune.departement.name}
        if getattr(commune, "former_match", None):
            detail += " · " + _("comprend %(former)s") % {"former": commune.former_match}
        if commune.postal_codes:
            detail += f" · {', '.join(commune.postal_codes[:3])}"
        hits.append(PlaceHit("commune", commune.code, commune.name, detail, commune.population))
    return hits


def commune_names_around(territory) -> list[str]:
    """The names of the communes of the départements a territory lies in, sorted: the
    suggestions a commune field offers (a datalist, no script), a few hundred at most."""
    if territory is None:
        return []
    departements = territory.communes.values("departement_id")
    return list(
        Commune.objects.filter(departement_id__in=departements)
        .order_by("name")
        .values_list("name", flat=True)
        .distinct()[:2000]
    )


def territories_list():
    return (
        Territory.objects.select_related("organisation")
        .annotate(population_total=Sum("communes__population"), commune_count=Count("communes"))
        .order_by("kind", "name")
    )


def territory_communes(territory):
    return territory.communes.select_related("departement", "epci").order_by("name")


def territory_summary(territory) -> dict:
    return territory.communes.aggregate(
        population=Sum("population"),
        communes=Count("code"),
        approximate=Count("code", filter=Q(position_approximate=True)),
    )


def territory_by_public_id(public_id):
    return Territory.objects.select_related("organisation").filter(public_id=public_id).first()


_COMMUNES: dict[str, tuple[float, Commune | None]] = {}
COMMUNE_CACHE_SECONDS = 600
COMMUNE_CACHE_SIZE = 5_000


def commune_by_code(code: str) -> Commune | None:
    """A commune with its département, by INSEE code, or None. The referential changes once
    a year (`maillage territories load`): each process keeps what it looked up for ten
    minutes, which spares every search with a place two queries (bench/directory_search.py)."""
    now = time.monotonic()
    hit = _COMMUNES.get(code)
    if hit is not None and now - hit[0] < COMMUNE_CACHE_SECONDS:
        return hit[1]
    commune = Commune.objects.select_related("departement").filter(code=code).first()
    if len(_COMMUNES) >= COMMUNE_CACHE_SIZE:
        _COMMUNES.clear()
    _COMMUNES[code] = (now, commune)
    return commune


def postal_code_in_use(code: str) -> bool:
    """Whether a commune has this postal code (a CEDEX code, given to a large addressee,
    belongs to none)."""
    return Commune.objects.filter(postal_codes__contains=[code]).exists()


def zone_names(codes: list[str]) -> list[str]:
    """The names of an eligibility zone's parts (INSEE commune codes, EPCI SIREN numbers,
    département codes, "FR"), in the zone's order; a code nothing matches is shown as is.
    Three queries at most, whatever the zone's size."""
    wanted = set(codes)
    names: dict[str, str] = {"FR": _("toute la France")} if "FR" in wanted else {}
    by_length = {5: Commune, 9: Epci}
    for model in (Commune, Epci, Departement):
        keys = [c for c in wanted - names.keys() if by_length.get(len(c), Departement) is model]
        if keys:
            for code, name in model.objects.filter(code__in=keys).values_list("code", "name"):
                suffix = f" ({code})" if model is Departement else ""
                names[code] = f"{name}{suffix}"
    return [names.get(code, code) for code in codes]


_GRID: tuple[float, dict[tuple[int, int], list[tuple[float, float, str]]]] | None = None
_GRID_STEP = 0.1  # degrees: about 11 km of latitude


def _commune_grid() -> dict[tuple[int, int], list[tuple[float, float, str]]]:
    """The communes' centres by cells of a tenth of a degree, kept by each process for ten
    minutes like commune_by_code (35,000 points; a lookup reads nine cells, not the table)."""
    global _GRID
    now = time.monotonic()
    if _GRID is None or now - _GRID[0] >= COMMUNE_CACHE_SECONDS:
        grid: dict[tuple[int, int], list[tuple[float, float, str]]] = {}
        rows = Commune.objects.filter(latitude__isnull=False, longitude__isnull=False)
        for code, latitude, longitude in rows.values_list("code", "latitude", "longitude"):
            cell = (math.floor(latitude / _GRID_STEP), math.floor(longitude / _GRID_STEP))
            grid.setdefault(cell, []).append((latitude, longitude, code))
        _GRID = (now, grid)
    return _GRID[1]


def commune_near(latitude: float, longitude: float, within_km: float = 30) -> Commune | None:
    """The commune whose centre is nearest a point (within `within_km`), or None. Communes
    are known by their centre only: near a boundary this may be the neighbour."""
    if not -80 <= latitude <= 80:
        return None  # no commune near the poles (and the cells would be needlessly many)
    grid = _commune_grid()
    scale = math.cos(math.radians(latitude))
    reach_lat = math.ceil(within_km / 111.2 / _GRID_STEP)
    reach_lon = math.ceil(within_km / (111.2 * scale) / _GRID_STEP)
    row, column = math.floor(latitude / _GRID_STEP), math.floor(longitude / _GRID_STEP)
    best, best_gap = None, (within_km / 111.2) ** 2
    for ring in range(max(reach_lat, reach_lon) + 1):
        # Cells ring by ring outwards; once a ring is beyond the best found, stop.
        if best is not None and ((ring - 1) * _GRID_STEP * min(1.0, scale)) ** 2 > best_gap:
            break
        for r in range(row - min(ring, reach_lat), row + min(ring, reach_lat) + 1):
            for c in range(column - min(ring, reach_lon), column + min(ring, reach_lon) + 1):
                if max(abs(r - row), abs(c - column)) != ring:
                    continue
                for lat, lon, code in grid.get((r, c), ()):
                    gap = (lat - latitude) ** 2 + ((lon - longitude) * scale) ** 2
                    if gap <= best_gap:
                        best, best_gap = code, gap
    return commune_by_code(best) if best else None
