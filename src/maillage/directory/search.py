"""The directory's search engine: the service search shared by the search page and the API.

How it finds and ranks (see also search_index.py):
- free text: French full text over the weighted `search_vector` (accents ignored, plurals
  stemmed); when nothing matches, mistyped words are corrected against the directory's
  vocabulary (trigram similarity) and the search runs again; words alone, without any other
  criterion, rank by where the words are then freshness (WORDS_ONLY_SQL), which indexes serve;
- need: thématiques, a parent theme standing for all its children;
- place: a commune (or a point) and a radius, plus the services whose eligibility zone covers
  the commune (commune, EPCI, département or "FR") wherever they are; services reached only
  at a distance come back apart;
- score: half text relevance, half proximity when both are given, less for stale entries.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.db.models import (
    BooleanField,
)
from django.db.models.base import ModelState
from django.db.models.expressions import RawSQL
from django.utils import timezone

from maillage.directory import health, search_index
from maillage.directory.enums import theme_with_children
from maillage.directory.models import (
    Service,
    Structure,
)
from maillage.territories.models import Commune
from maillage.territories.queries import commune_by_code, commune_near, search_communes

DEFAULT_RADIUS_KM = 30
MAX_RADIUS_KM = 200
COUNT_CAP = 1000
EARTH_RADIUS_KM = 6371.0
# Facets that are plain booleans on the service.
BOOLEAN_FACETS = (
    "reduced_mobility_access",
    "unconditional_welcome",
    "no_appointment",
    "interpreting",
    "peer_workers",
    "anonymous",
    "third_party_payment",
    "sector_1",  # fees of the Assurance Maladie's sector 1: no extra charge
)


@dataclass
class SearchParams:
    text: str = ""
    themes: list[str] = field(default_factory=list)
    # Health offers (directory.health: a family selects all its offers).
    offers: list[str] = field(default_factory=list)
    commune: str | None = None  # INSEE code
    latitude: float | None = None
    longitude: float | None = None
    radius_km: float = DEFAULT_RADIUS_KM
    publics: list[str] = field(default_factory=list)
    free_only: bool = False
    facets: list[str] = field(default_factory=list)  # names from BOOLEAN_FACETS
    language: str | None = None
    reception: str | None = None  # ModeAccueil value
    open_now: bool = False
    open_on_weekday: int | None = None
    limit: int = 20
    offset: int = 0


@dataclass
class SearchResults:
    services: list[Service]
    remote: list[Service]
    total: int
    place: Commune | None = None
    capped: bool = False  # the count stopped at COUNT_CAP: there are at least that many
    # The commune the search was about: the place, or for a point, the commune whose centre
    # is nearest (whose eligibility zones it reaches; what an unmet search is recorded for).
    territory: Commune | None = None

    @property
    def empty(self) -> bool:
        return not self.services and not self.remote


def _zone_codes(commune: Commune) -> list[str]:
    codes = [commune.code, commune.departement_id, "FR"]
    if commune.epci_id:
        codes.append(commune.epci_id)
    if commune.parent_id:
        codes.append(commune.parent_id)
    return codes


def search_services(
    params: SearchParams, *, now: dt.datetime | None = None, cached: bool = True
) -> SearchResults:
    """Search, through a short-lived cache of results (keys, scores, distances, count)
    that any write to the read-model invalidates (search_index.generation). `cached=False`
    for a caller that caches the whole answer itself."""
    seconds = settings.SEARCH_CACHE_SECONDS
    if not seconds or not cached:
        return _search(params, now=now)
    key = search_cache_key("search", params, now=now)
    cached = cache.get(key)
    if cached is not None:
        return _from_cache(cached)
    results = _search(params, now=now)
    cache.set(key, _to_cache(results), seconds)
    return results


class _Row:
    def __init__(self, service_id, distance_km, score, is_stale):
        self.service_id = service_id
        self.is_stale = is_stale
        if distance_km is not None:
            self.distance_km = distance_km
        if score is not None:
            self.score = score


def search_cache_key(
    prefix: str, params: SearchParams, *, now: dt.datetime | None = None, slot: bool = False
) -> str:
    """A cache key for what a search gives. Besides the criteria, results depend on the
    read-model's generation and the day (staleness, hours); "open now" (or `slot`, for an
    answer showing whether each service is open) on the current five minutes."""
    day, current = search_index.slot_now(now or dt.datetime.now(tz=dt.UTC))
    when = f"{day}:{current if params.open_now or slot else ''}"
    raw = json.dumps([dataclasses.asdict(params), search_index.generation(), when], sort_keys=True)
    return f"{prefix}:" + hashlib.sha256(raw.encode()).hexdigest()


def _to_cache(results: SearchResults) -> dict:
    def rows(services):
        return [
            (s.pk, getattr(s, "distance_km", None), getattr(s, "score", None), s.is_stale)
            for s in services
        ]

    return {
        "services": rows(results.services),
        "remote": rows(results.remote),
        "total": results.total,
        "capped": results.capped,
        "place": results.place.code if results.place else None,
        "territory": results.territory.code if results.territory else None,
    }


def _from_cache(cached: dict) -> SearchResults:
    place = commune_by_code(cached["place"]) if cached["place"] else None
    territory = commune_by_code(cached["territory"]) if cached.get("territory") else None
    rows = [_Row(*row) for row in cached["services"]]
    services, remote = _split(_services_of(rows + [_Row(*row) for row in cached["remote"]]), rows)
    return SearchResults(
        services=services,
        remote=remote,
        total=cached["total"],
        place=place,
        capped=cached["capped"],
        territory=territory,
    )


def stale_sql() -> RawSQL:
    return RawSQL(
        "(CURRENT_DATE - COALESCE(directory_service.source_updated_on, "
        "directory_service.updated_at::date)) > directory_service.update_frequency_days",
        (),
        output_field=BooleanField(),
    )


def _search(params: SearchParams, *, now: dt.datetime | None = None) -> SearchResults:
    place = None
    if params.commune:
        place = commune_by_code(params.commune)
    text = params.text.replace("\x00", " ").strip()[:200]
    if text and _words_only(params):
        found = _words_only_search(text, params)
        if found is None and (corrected := corrected_words(text)) != text:
            found = _words_only_search(corrected, params)
        if found is None:
            return SearchResults(services=[], remote=[], total=0)
        services, total, capped = found
        return SearchResults(services=services, remote=[], total=total, capped=capped)
    now = now or dt.datetime.now(tz=dt.UTC)
    territory = place
    if territory is None and params.latitude is not None and params.longitude is not None:
        territory = commune_near(params.latitude, params.longitude)
    sql = _criteria_sql(params, text, place, now, territory)
    found, total, capped, remote = _run_criteria(sql, params)
    if not found and text and not params.offset and not _matches_anywhere(text):
        # The words as written match nothing at all: correct mistyped words, search again.
        corrected = corrected_words(text)
        if corrected != text:
            sql = _criteria_sql(params, corrected, place, now, territory)
            found, total, capped, remote = _run_criteria(sql, params)
    rows = [_Row(*row[:4]) for row in found]
    remote_rows = [_Row(*row) for row in remote]
    # One fetch for the page and the remote list (no service is in both).
    services, remote_services = _split(_services_of(rows + remote_rows), rows)
    return SearchResults(
        services=services,
        remote=remote_services,
        total=total,
        place=place,
        capped=capped,
        territory=territory,
    )


def _run_criteria(sql: _CriteriaSQL, params: SearchParams):
    """The page's rows, the total, whether it was capped, and the remote list's rows."""
    with connection.cursor() as cursor:
        cursor.execute(sql.page, sql.args)
        found = cursor.fetchall()
        capped = False
        if sql.window_count and found:
            total = found[0][-1]
        elif len(found) < params.limit and (found or not params.offset):
            total = params.offset + len(found)
        else:
            cursor.execute(sql.count, sql.args)
            total = cursor.fetchone()[0]
            capped = total >= COUNT_CAP
        remote = []
        if sql.remote:
            cursor.execute(sql.remote, sql.args)
            remote = cursor.fetchall()
    return found, total, capped, remote


def _matches_anywhere(text: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT EXISTS (SELECT 1 FROM directory_servicetext "
            "WHERE search_vector @@ websearch_to_tsquery('french_unaccent', %s))",
            [text],
        )
        return cursor.fetchone()[0]


def _has_criteria(params: SearchParams, text: str) -> bool:
    return bool(text) or not _words_only(params)


@dataclass
class _CriteriaSQL:
    page: str  # the page's rows, with the window count when `window_count`
    count: str  # the count, up to COUNT_CAP
    remote: str | None  # the services reached only at a distance
    args: dict
    window_count: bool


# Haversine on the effective position, in kilometres.
_DISTANCE = (
    f"(2 * {EARTH_RADIUS_KM} * asin(sqrt(power(sin(radians(x.geo_latitude - %(latitude)s) / 2), 2) "
    "+ cos(radians(%(latitude)s)) * cos(radians(x.geo_latitude)) "
    "* power(sin(radians(x.geo_longitude - %(longitude)s) / 2), 2))))"
)
_QUERY_OF_TEXT = "websearch_to_tsquery('french_unaccent', %(text)s)"


def _criteria_sql(
    params: SearchParams, text: str, place, now: dt.datetime, territory=None
) -> _CriteriaSQL:
    """The ranking query for a search with criteria, written by hand: it runs on every
    search, and composing it through the ORM cost more than running it. It reads only the
    narrow ServiceSearch rows (and the decoded hours for an opening filter); every value is
    a bound parameter, every fragment a constant of this function. `territory`: the commune
    whose eligibility zones count (the place, or the commune nearest a point)."""
    today = timezone.localdate(now)
    args: dict = {"today": today, "offset": params.offset, "limit": params.limit}
    where, score, join = [], "0.0", ""
    if text:
        args["text"] = text
        where.append(f"x.search_vector @@ {_QUERY_OF_TEXT}")
        score = f"ts_rank(x.search_vector, {_QUERY_OF_TEXT}, 32) * 2"
    if params.themes:
        wanted = set()
        for theme in params.themes:
            wanted |= theme_with_children(theme)
        args["themes"] = sorted(wanted)
        where.append("x.thematiques && %(themes)s::varchar[]")
    if params.offers:
        offers = set()
        for offer in params.offers:
            offers |= health.offer_with_children(offer)
        args["offers"] = sorted(offers)
        where.append("x.health_offers && %(offers)s::varchar[]")
    if params.publics:
        args["publics"] = list(params.publics)
        where.append(
            "(x.publics && %(publics)s::varchar[] OR x.publics @> '{tous-publics}'::varchar[])"
        )
    if params.free_only:
        where.append("(x.fees = 'gratuit' OR x.free_under_conditions)")
    for facet in BOOLEAN_FACETS:  # the column names come from this constant, never the input
        if facet in params.facets:
            where.append(f"x.{facet}")
    if params.language:
        args["language"] = params.language
        where.append("x.languages @> ARRAY[%(language)s]::varchar[]")
    if params.reception:
        args["reception"] = params.reception
        where.append("x.reception_modes @> ARRAY[%(reception)s]::varchar[]")
    if params.open_now or params.open_on_weekday is not None:
        day, slot = search_index.slot_now(now)
        search_index.ensure_hours(day)
        args["day"] = day
        # Each candidate (the services of the theme and the place: a few hundred) looks its
        # expression up by key. OFFSET 0 keeps this a lookup: turned into a join, the planner
        # rebuilt the candidates' bitmaps once per open expression (bench/directory_search.py).
        open_when = ["h.starts_on = %(day)s"]
        if params.open_now:
            args["slot"] = slot
            open_when.append("get_bit(h.slots, %(slot)s) = 1")
        if params.open_on_weekday is not None:
            args["day_bit"] = 1 << ((params.open_on_weekday - day.weekday()) % 7)
            open_when.append("(h.days & %(day_bit)s) > 0")
        where.append(
            "EXISTS (SELECT 1 FROM directory_openingschedule h "  # noqa: S608
            f"WHERE h.key = x.hours_key AND {' AND '.join(open_when)} OFFSET 0)"
        )

    latitude, longitude = params.latitude, params.longitude
    if place is not None and (latitude is None or longitude is None):
        latitude, longitude = place.latitude, place.longitude
    distance, remote = "NULL::float", None
    territory = territory or place
    if territory is not None:
        args["zones"] = _zone_codes(territory)
    covers = "x.eligibility_zone && %(zones)s::varchar[]" if territory is not None else "FALSE"
    if latitude is not None and longitude is not None:
        radius = min(max(params.radius_km, 1), MAX_RADIUS_KM)
        dlat = radius / 111.2
        dlon = radius / (111.2 * max(math.cos(math.radians(latitude)), 0.01))
        args.update(
            latitude=latitude,
            longitude=longitude,
            radius=radius,
            west=longitude - dlon,
            east=longitude + dlon,
            south=latitude - dlat,
            north=latitude + dlat,
        )
        distance = _DISTANCE
        # The bounding box lets the GiST index on point(lon, lat) prefilter.
        near = (
            "point(x.geo_longitude, x.geo_latitude) <@ "
            "box(point(%(west)s, %(south)s), point(%(east)s, %(north)s)) "
            f"AND {_DISTANCE} <= %(radius)s"
        )
        proximity = f"1.0 / (1.0 + COALESCE({_DISTANCE}, 1000.0) / 10.0)"
        score = f"{score} + {proximity}" if text else proximity
        local = f"({near})"
    elif place is not None:
        # A commune whose position is unknown: its own services and those whose zone covers it.
        args["commune"] = place.code
        local = "x.commune_id = %(commune)s"
    else:
        local = None
    place_filter = f"({local} OR {covers})" if local else None
    if place_filter:
        reached = f"({covers} OR x.eligibility_zone = '{{}}')"  # a zone, or none: anywhere
        remote = (
            "SELECT x.service_id, NULL::float, NULL::float, "  # noqa: S608 - constant fragments
            "COALESCE(x.stale_on < %(today)s, FALSE) "
            f"FROM directory_servicesearch x {join} "
            f"WHERE {' AND '.join([*where, 'x.remote_only', reached])} "
            "ORDER BY x.name, x.service_id LIMIT 10"
        )
        # Words and a place: on the services near the place, the words are checked on each
        # candidate, not looked up in the full-text index. Common words match a third of the
        # country: building their index bitmap cost more than checking the words on the
        # services near the place, stored side by side (search_index: rows in position
        # order). Over the bench's searches with words and a place, SQL mean 24.7 → 21.0 ms.
        # The services reaching the place through their eligibility zone (a département, the
        # whole country: 15,000 around La Roche-sur-Yon in the bench) are many and spread
        # out: for them the words go through the index of the services that have a zone (a
        # tenth of them), whose bitmap meets the zone's. The remote list keeps the index.
        matched = f"x.search_vector @@ {_QUERY_OF_TEXT}"
        if text:
            checked = f"COALESCE({matched}, FALSE)"  # the same test, out of the index's reach
            zoned = "x.eligibility_zone <> '{}'::varchar[]"  # search_vector_zoned's predicate
            place_filter = f"(({local} AND {checked}) OR ({covers} AND {zoned} AND {matched}))"
            where = [c for c in where if c != matched]
        where = [*where, "NOT x.remote_only", place_filter]
    condition = " AND ".join(where) or "TRUE"
    # A stale entry drops a little below fresh ones of like relevance and distance.
    columns = (
        f"x.service_id, {distance} AS distance_km, "
        f"({score}) - CASE WHEN x.stale_on < %(today)s THEN 0.1 ELSE 0.0 END AS score, "
        "COALESCE(x.stale_on < %(today)s, FALSE) AS is_stale"
    )
    base = f"FROM directory_servicesearch x {join} WHERE {condition}"  # constant fragments
    count = f"SELECT count(*) FROM (SELECT 1 {base} LIMIT {COUNT_CAP}) capped"  # noqa: S608
    # With criteria, the ranking reads every candidate: the count comes with the page in
    # the same query instead of running the filters a second time. With none (the whole
    # directory), it is counted apart, up to COUNT_CAP only, when the page is full.
    window_count = _has_criteria(params, text)
    page = (
        f"SELECT {columns}{', count(*) OVER () AS full_count' if window_count else ''} {base} "
        "ORDER BY score DESC, x.name, x.service_id OFFSET %(offset)s LIMIT %(limit)s"
    )
    return _CriteriaSQL(page=page, count=count, remote=remote, args=args, window_count=window_count)


def _words_only(params: SearchParams) -> bool:
    return not (
        params.themes
        or params.offers
        or params.commune
        or params.latitude is not None
        or params.publics
        or params.free_only
        or params.facets
        or params.language
        or params.reception
        or params.open_now
        or params.open_on_weekday is not None
    )


# Words alone, over the whole country: where the words are (all in the service's name,
# themes or professions first), then freshest first. The freshest WINDOW rows are read in
# that order (index ServiceText.text_freshest): for words common enough to fill the page
# there, that is the exact answer, at a bounded cost. Only rarer words — hence few matches —
# take the other road: every match from the GIN index, sorted. Letting the planner choose
# from its estimate instead goes badly wrong for a word rarer than it guesses (it walks the
# whole table in freshness order looking for matches that are not there).
_TIER_SQL = """
{name}_window AS MATERIALIZED (
    SELECT service_id, stale_on FROM (
        SELECT service_id, stale_on, search_vector, name_vector FROM directory_servicetext
        ORDER BY stale_on DESC, service_id LIMIT %(window)s
    ) freshest
    WHERE {condition}
    ORDER BY stale_on DESC, service_id LIMIT %(depth)s
),
{name}_every AS MATERIALIZED (
    SELECT service_id, stale_on FROM directory_servicetext WHERE {condition}
),
{name} AS (
    SELECT * FROM {name}_window WHERE (SELECT count(*) FROM {name}_window) >= %(depth)s
    UNION ALL
    (SELECT * FROM {name}_every WHERE (SELECT count(*) FROM {name}_window) < %(depth)s
     ORDER BY stale_on DESC, service_id LIMIT %(depth)s)
)"""
_QUERY = "websearch_to_tsquery('french_unaccent', %(text)s)"
WORDS_ONLY_SQL = (
    "WITH"  # noqa: S608 - constant fragments
    + _TIER_SQL.format(name="named", condition=f"name_vector @@ {_QUERY}")
    + ","
    + _TIER_SQL.format(
        name="described",
        condition=f"search_vector @@ {_QUERY} AND NOT name_vector @@ {_QUERY}",
    )
    + """
SELECT service_id, stale_on, tier FROM (
    SELECT service_id, stale_on, 0 AS tier FROM named
    UNION ALL
    SELECT service_id, stale_on, 1 AS tier FROM described
    WHERE (SELECT count(*) FROM named) < %(depth)s
) ranked
ORDER BY tier, stale_on DESC, service_id
OFFSET %(offset)s LIMIT %(limit)s
"""
)
WORDS_WINDOW = 2000
WORDS_COUNT_SQL = """
SELECT count(*) FROM (
    SELECT 1 FROM directory_servicetext
    WHERE search_vector @@ websearch_to_tsquery('french_unaccent', %(text)s) LIMIT %(cap)s
) capped
"""


def _words_only_search(text: str, params: SearchParams):
    """The page, the count and whether it was capped; None when nothing matches at all."""
    arguments = {
        "text": text,
        "depth": params.offset + params.limit,
        "window": max(WORDS_WINDOW, 20 * (params.offset + params.limit)),
        "offset": params.offset,
        "limit": params.limit,
        "cap": COUNT_CAP,
    }
    with connection.cursor() as cursor:
        cursor.execute(WORDS_ONLY_SQL, arguments)
        found = cursor.fetchall()
        if len(found) < params.limit:
            total, capped = params.offset + len(found), False
            if not found and params.offset:
                cursor.execute(WORDS_COUNT_SQL, arguments)
                total = cursor.fetchone()[0]
                capped = total >= COUNT_CAP
        else:
            # A national words-only search can match a fifth of the directory: counting
            # stops at COUNT_CAP ("more than 1,000" says enough) and costs far less.
            cursor.execute(WORDS_COUNT_SQL, arguments)
            total = cursor.fetchone()[0]
            capped = total >= COUNT_CAP
    if not total:
        return None
    today = timezone.localdate()
    rows = [
        _Row(service_id, None, 2.0 - tier, stale_on is not None and stale_on < today)
        for service_id, stale_on, tier in found
    ]
    return _services_of(rows), total, capped


CORRECTION_SQL = """
SELECT string_agg(
    COALESCE(
        (SELECT word FROM directory_searchword WHERE word = typed),
        (SELECT word FROM directory_searchword WHERE word %% typed
         ORDER BY similarity(word, typed) DESC, word LIMIT 1),
        typed),
    ' ' ORDER BY position)
FROM regexp_split_to_table(lower(public.unaccent(%s)), '[^a-z0-9]+')
    WITH ORDINALITY AS typed_words(typed, position)
WHERE typed <> ''
"""


def corrected_words(text: str) -> str:
    """The words typed, each replaced by the closest word of the directory's vocabulary
    (search_index: SearchWord) when it is not one of them: "medcin generalist" →
    "medecins generalistes". pg_trgm's similarity threshold (0.3) says how close."""
    with connection.cursor() as cursor:
        cursor.execute(CORRECTION_SQL, [text.replace("\x00", " ")[:200]])
        corrected = cursor.fetchone()[0]
    return corrected or text


# What a result shows, on the search page, its map and in the API (api._service_out): the
# rows are wide (descriptions, hours, contacts of both service and structure), a page of
# results reads only these.
RESULT_FIELDS = (
    "public_id",
    "name",
    "description",
    "thematiques",
    "health_offers",
    "publics",
    "fees",
    "reception_modes",
    "address",
    "postal_code",
    "city_name",
    "phone",
    "email",
    "opening_hours",
    "geo_latitude",
    "geo_longitude",
    "geo_approximate",
    "geo_commune__name",
    "structure__public_id",
    "structure__name",
    "structure__siret",
    "structure__finess",
    "structure__address",
    "structure__postal_code",
    "structure__phone",
    "structure__email",
    "structure__opening_hours",
)


def _split(services: list[Service], first_rows: list) -> tuple[list[Service], list[Service]]:
    """The services fetched for two lists of rows, back in their two lists."""
    first = {row.service_id for row in first_rows}
    return (
        [s for s in services if s.pk in first],
        [s for s in services if s.pk not in first],
    )


@functools.cache
def _results_sql() -> tuple[str, tuple, tuple, tuple]:
    """The fetch of a page's services with their structures and communes, written once per
    process from RESULT_FIELDS, and the attribute names of its columns per model. The ORM
    compiled the same query anew for every search: about a millisecond of each request
    (bench/directory_search.py)."""

    wanted = {
        "service": {f for f in RESULT_FIELDS if "__" not in f},
        "structure": {f.split("__", 1)[1] for f in RESULT_FIELDS if f.startswith("structure__")},
        "commune": {f.split("__", 1)[1] for f in RESULT_FIELDS if f.startswith("geo_commune__")},
    }
    wanted["service"] |= {"id", "structure", "geo_commune"}
    wanted["structure"].add("id")
    wanted["commune"].add("code")

    def attnames(model, names):
        return [f.attname for f in model._meta.concrete_fields if f.name in names]

    service_fields = attnames(Service, wanted["service"])
    structure_fields = attnames(Structure, wanted["structure"])
    commune_fields = attnames(Commune, wanted["commune"])
    columns = (
        [f"s.{c}" for c in service_fields]
        + [f"st.{c}" for c in structure_fields]
        + [f"c.{c}" for c in commune_fields]
    )
    # The column names come from the models' own fields, never from input.
    sql = (
        f"SELECT {', '.join(columns)} FROM directory_service s "  # noqa: S608
        "JOIN directory_structure st ON st.id = s.structure_id "
        "LEFT JOIN territories_commune c ON c.code = s.geo_commune_id "
        "WHERE s.id = ANY(%s)"
    )
    return sql, tuple(service_fields), tuple(structure_fields), tuple(commune_fields)


def _loaded(model, attnames, values):
    """An instance of `model` as the database gave it, holding only these fields (the others
    are deferred: read on access, as with `only()`). Model.from_db runs the model's __init__,
    which walks every field of these wide models for each of a page's sixty instances."""
    instance = model.__new__(model)
    instance.__dict__.update(zip(attnames, values, strict=True))
    state = instance._state = ModelState()
    state.adding, state.db = False, "default"
    return instance


def _fetch_results(ids: list[int]) -> dict[int, Service]:
    sql, service_fields, structure_fields, commune_fields = _results_sql()
    first, second = len(service_fields), len(service_fields) + len(structure_fields)
    structure_cache = Service._meta.get_field("structure")
    commune_cache = Service._meta.get_field("geo_commune")
    found = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [list(ids)])
        for row in cursor.fetchall():
            service = _loaded(Service, service_fields, row[:first])
            structure = _loaded(Structure, structure_fields, row[first:second])
            commune = (
                _loaded(Commune, commune_fields, row[second:]) if row[second] is not None else None
            )
            structure_cache.set_cached_value(service, structure)
            commune_cache.set_cached_value(service, commune)
            found[service.pk] = service
    return found


def _services_of(rows: list) -> list[Service]:
    """The services of these search rows, in their order, carrying the row's distance,
    score and staleness, with their structures and communes."""
    by_id = _fetch_results([row.service_id for row in rows]) if rows else {}
    services = []
    for row in rows:
        service = by_id.get(row.service_id)
        if service is None:
            continue
        for attribute in ("distance_km", "score", "is_stale"):
            if hasattr(row, attribute):
                setattr(service, attribute, getattr(row, attribute))
        services.append(service)
    return services


def resolve_place(text: str) -> str | None:
    """The INSEE code of the commune a user typed (name, old name or postal code), best
    match first; None when nothing matches."""
    text = (text or "").strip()
    if not text:
        return None
    match = search_communes(text, limit=1).first()
    return match.code if match else None
