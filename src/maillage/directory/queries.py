"""Reads on the directory: the service search shared by the search page and the API.

How it finds and ranks (see also search_index.py):
- free text: French full text over the weighted `search_vector` (accents ignored, plurals
  stemmed), or, for typos, trigram word similarity over `search_text`;
- need: thématiques, a parent theme standing for all its children;
- place: a commune (or a point) and a radius, plus the services whose eligibility zone covers
  the commune (commune, EPCI, département or "FR") wherever they are; services reached only
  at a distance come back apart;
- score: half text relevance, half proximity when both are given, less for stale entries.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import json
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank, TrigramWordSimilarity
from django.core.cache import cache
from django.db.models import (
    Aggregate,
    BooleanField,
    Case,
    Count,
    F,
    FloatField,
    Func,
    IntegerField,
    Q,
    Value,
    When,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce
from django.utils import timezone

from maillage.directory import search_index
from maillage.directory.enums import PublicationState, theme_with_children
from maillage.directory.models import Service, ServiceSearch, ServiceText
from maillage.territories.models import Commune
from maillage.territories.text import normalise_name

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
)


@dataclass
class SearchParams:
    text: str = ""
    themes: list[str] = field(default_factory=list)
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

    @property
    def empty(self) -> bool:
        return not self.services and not self.remote


def _distance_sql(latitude: float, longitude: float) -> RawSQL:
    # Haversine on the effective position, in kilometres.
    return RawSQL(
        "2 * %s * asin(sqrt(power(sin(radians(geo_latitude - %s) / 2), 2) + "
        "cos(radians(%s)) * cos(radians(geo_latitude)) * "
        "power(sin(radians(geo_longitude - %s) / 2), 2)))",
        (EARTH_RADIUS_KM, latitude, latitude, longitude),
        output_field=FloatField(),
    )


def _bounding_box(latitude: float, longitude: float, radius_km: float) -> RawSQL:
    """Index-friendly prefilter (GiST on point(lon, lat)) before the exact distance."""
    dlat = radius_km / 111.2
    dlon = radius_km / (111.2 * max(math.cos(math.radians(latitude)), 0.01))
    return RawSQL(
        "point(geo_longitude, geo_latitude) <@ box(point(%s, %s), point(%s, %s))",
        (longitude - dlon, latitude - dlat, longitude + dlon, latitude + dlat),
        output_field=BooleanField(),
    )


def _zone_codes(commune: Commune) -> list[str]:
    codes = [commune.code, commune.departement_id, "FR"]
    if commune.epci_id:
        codes.append(commune.epci_id)
    if commune.parent_id:
        codes.append(commune.parent_id)
    return codes


def _stale_sql() -> RawSQL:
    return RawSQL(
        "(CURRENT_DATE - COALESCE(directory_service.source_updated_on, "
        "directory_service.updated_at::date)) > directory_service.update_frequency_days",
        (),
        output_field=BooleanField(),
    )


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
    }


def _from_cache(cached: dict) -> SearchResults:
    place = (
        Commune.objects.select_related("departement").filter(code=cached["place"]).first()
        if cached["place"]
        else None
    )
    return SearchResults(
        services=_services_of([_Row(*row) for row in cached["services"]]),
        remote=_services_of([_Row(*row) for row in cached["remote"]]),
        total=cached["total"],
        place=place,
        capped=cached["capped"],
    )


def _search(params: SearchParams, *, now: dt.datetime | None = None) -> SearchResults:
    # The ranking query reads only the narrow ServiceSearch rows, without any join; the
    # services of the page, their structures and communes are fetched afterwards by id.
    qs = ServiceSearch.objects.all()

    place = None
    if params.commune:
        place = Commune.objects.select_related("departement").filter(code=params.commune).first()
    latitude, longitude = params.latitude, params.longitude
    if place is not None and (latitude is None or longitude is None):
        latitude, longitude = place.latitude, place.longitude

    score = Value(0.0, output_field=FloatField())
    text = params.text.strip()[:200]
    if text:
        query = SearchQuery(text, config="french_unaccent", search_type="websearch")
        words = normalise_name(text)
        full_text = qs.filter(search_vector=query)
        if _words_only(params) and full_text.exists():
            # Words and nothing else, the commonest search: rank on the narrow text table.
            qs = ServiceText.objects.filter(search_vector=query)
            score = SearchRank(F("search_vector"), query, normalization=32) * 2
        elif full_text.exists():
            # The score is written once, not annotated then referenced: Django would inline
            # the rank twice and PostgreSQL compute it twice for every match.
            qs = full_text
            score = SearchRank(F("search_vector"), query, normalization=32) * 2
        else:
            # Nothing matches the words as written: tolerate typos. `%>` uses the GIN trigram
            # index; its threshold is the connection's pg_trgm.word_similarity_threshold.
            qs = qs.filter(search_text__trigram_word_similar=words)
            score = TrigramWordSimilarity(Value(words), "search_text") * 0.6

    if params.themes:
        wanted = set()
        for theme in params.themes:
            wanted |= theme_with_children(theme)
        qs = qs.filter(thematiques__overlap=sorted(wanted))
    if params.publics:
        qs = qs.filter(Q(publics__overlap=params.publics) | Q(publics__contains=["tous-publics"]))
    if params.free_only:
        qs = qs.filter(Q(fees="gratuit") | Q(free_under_conditions=True))
    for facet in params.facets:
        if facet in BOOLEAN_FACETS:
            qs = qs.filter(**{facet: True})
    if params.language:
        qs = qs.filter(languages__contains=[params.language])
    if params.reception:
        qs = qs.filter(reception_modes__contains=[params.reception])

    remote_only = Q(remote_only=True)
    remote_qs = None
    if latitude is not None and longitude is not None:
        radius = min(max(params.radius_km, 1), MAX_RADIUS_KM)
        near = _bounding_box(latitude, longitude, radius)
        qs = qs.annotate(distance_km=_distance_sql(latitude, longitude))
        covers = Q(eligibility_zone__overlap=_zone_codes(place)) if place else Q(pk__in=[])
        in_radius = Q(near) & Q(distance_km__lte=radius)
        remote_qs = qs.filter(remote_only).filter(covers | Q(eligibility_zone=[]))
        qs = qs.exclude(remote_only).filter(in_radius | covers)
        proximity = 1.0 / (1.0 + Coalesce(F("distance_km"), Value(1000.0)) / 10.0)
        score = score + proximity if text else proximity
    # A stale entry drops a little below fresh ones of like relevance and distance.
    today = timezone.localdate(now) if now else timezone.localdate()
    is_stale = Case(When(stale_on__lt=today, then=Value(True)), default=Value(False))
    penalty = Case(When(stale_on__lt=today, then=Value(0.1)), default=Value(0.0))
    qs = qs.annotate(is_stale=is_stale, score=score - penalty).order_by("-score", "name", "pk")

    if params.open_now or params.open_on_weekday is not None:
        qs = _open_filter(qs, params, now or dt.datetime.now(tz=dt.UTC))
    services, total, capped = _window(qs, params)
    remote = (
        _services_of(list(remote_qs.only("pk").annotate(is_stale=is_stale).order_by("name")[:10]))
        if remote_qs is not None
        else []
    )
    return SearchResults(services=services, remote=remote, total=total, place=place, capped=capped)


def _words_only(params: SearchParams) -> bool:
    return not (
        params.themes
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


def _services_of(rows: list) -> list[Service]:
    """The services of these search rows, in their order, carrying the row's distance,
    score and staleness, with their structures and communes."""
    by_id = Service.objects.select_related("structure", "geo_commune").in_bulk(
        [row.service_id for row in rows]
    )
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


class _GetBit(Func):
    function = "get_bit"
    output_field = IntegerField()


def _open_filter(qs, params: SearchParams, now: dt.datetime):
    """Opening hours as SQL filters on the decoded schedules (search_index.decode): the bit
    of the current five minutes, or of the day of the requested weekday."""
    day, slot = search_index.slot_now(now)
    search_index.ensure_hours(day)
    qs = qs.filter(hours__starts_on=day)
    if params.open_now:
        qs = qs.annotate(open_bit=_GetBit("hours__slots", Value(slot))).filter(open_bit=1)
    if params.open_on_weekday is not None:
        offset = (params.open_on_weekday - day.weekday()) % 7
        qs = qs.annotate(day_bit=F("hours__days").bitand(1 << offset)).filter(day_bit__gt=0)
    return qs


def _window(qs, params: SearchParams) -> tuple[list[Service], int, bool]:
    # Only the key and the computed columns travel: the rows are wide (the text vector),
    # and the page's services are fetched by key afterwards.
    qs = qs.only("pk")
    if _words_only(params):
        rows = list(qs[params.offset : params.offset + params.limit])
        page = _services_of(rows)
        if len(rows) < params.limit:
            return page, params.offset + len(rows), False
        # A national words-only search can match a fifth of the directory: counting stops
        # at COUNT_CAP ("more than 1,000" says enough) and costs far less.
        total = qs.order_by()[:COUNT_CAP].count()
        return page, total, total >= COUNT_CAP
    # With other criteria, the ranking already reads every candidate: the count comes with
    # the page in the same query instead of running the filters a second time.
    rows = list(
        qs.annotate(full_count=Window(Count("pk")))[params.offset : params.offset + params.limit]
    )
    if not rows and params.offset:
        total = qs.order_by()[:COUNT_CAP].count()
        return [], total, total >= COUNT_CAP
    total = rows[0].full_count if rows else 0
    return _services_of(rows), total, False


def resolve_place(text: str) -> str | None:
    """The INSEE code of the commune a user typed (name, old name or postal code), best
    match first; None when nothing matches."""
    text = (text or "").strip()
    if not text:
        return None
    from maillage.territories.queries import search_communes

    match = search_communes(text, limit=1).first()
    return match.code if match else None


def published_service(public_id):
    return (
        Service.objects.filter(
            public_id=public_id,
            state=PublicationState.PUBLISHED,
            structure__state=PublicationState.PUBLISHED,
        )
        .select_related("structure", "geo_commune", "structure__commune")
        .annotate(is_stale=_stale_sql())
        .first()
    )


@dataclass(frozen=True)
class SuspectedDuplicate:
    first: object  # Structure
    second: object
    reason: str

    @property
    def structures(self) -> tuple:
        return (self.first, self.second)


DUPLICATE_NAME_SIMILARITY = 0.6
DUPLICATE_DISTANCE_KM = 0.3


def suspected_duplicates(limit: int = 500) -> list[SuspectedDuplicate]:
    """Structures from different sources that look like the same place: same SIRET or
    FINESS, or a close name at a close address (trigram similarity, a few hundred metres).
    Listed for a moderator to merge; nothing is merged automatically."""
    from maillage.directory.models import Structure

    sql = """
        SELECT p.* FROM (
            SELECT a.id AS first, b.id AS second, 'même SIRET' AS reason
            FROM directory_structure a
            JOIN directory_structure b
              ON a.siret = b.siret AND a.id < b.id AND a.source <> b.source
            WHERE a.siret <> ''
            UNION
            SELECT a.id, b.id, 'même numéro FINESS' FROM directory_structure a
            JOIN directory_structure b
              ON a.finess = b.finess AND a.id < b.id AND a.source <> b.source
            WHERE a.finess <> ''
            UNION
            SELECT a.id, b.id, 'nom proche à la même adresse' FROM directory_structure a
            JOIN directory_structure b ON a.id < b.id AND a.source <> b.source
              AND a.commune_id = b.commune_id
              AND similarity(lower(public.unaccent(a.name)), lower(public.unaccent(b.name))) >= %s
            WHERE a.latitude IS NULL OR b.latitude IS NULL
               OR 2 * 6371 * asin(sqrt(power(sin(radians(b.latitude - a.latitude) / 2), 2)
                  + cos(radians(a.latitude)) * cos(radians(b.latitude))
                  * power(sin(radians(b.longitude - a.longitude) / 2), 2))) <= %s
        ) p
        JOIN directory_structure a ON a.id = p.first
        JOIN directory_structure b ON b.id = p.second
        WHERE a.state <> 'archived' AND b.state <> 'archived'
          AND NOT EXISTS (SELECT 1 FROM directory_duplicatedismissal d
                          WHERE d.first_id = p.first AND d.second_id = p.second)
        ORDER BY p.first, p.second
        LIMIT %s
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, [DUPLICATE_NAME_SIMILARITY, DUPLICATE_DISTANCE_KM, limit])
        rows = cursor.fetchall()
    structures = Structure.objects.select_related("commune").in_bulk(
        {pk for row in rows for pk in row[:2]}
    )
    seen: dict[tuple[int, int], SuspectedDuplicate] = {}
    for first, second, reason in rows:
        seen.setdefault(
            (first, second),
            SuspectedDuplicate(structures[first], structures[second], reason),
        )
    return sorted(seen.values(), key=lambda d: (d.first.name, d.second.name))


# --- Orientation ------------------------------------------------------------------------------


def receivers_of(service) -> list:
    """The accounts that answer for this service: professional members of its structure's
    organisation."""
    from maillage.accounts.models import User
    from maillage.directory.access import RECEIVING_ROLES

    organisation_id = service.structure.organisation_id
    if organisation_id is None:
        return []
    return list(
        User.objects.filter(
            is_active=True,
            memberships__organisation_id=organisation_id,
            memberships__organisation__is_active=True,
            memberships__is_active=True,
            memberships__role__in=RECEIVING_ROLES,
        ).distinct()
    )


def receiver_email_for(service) -> str:
    """Where a structure without an account receives its answer link."""
    return service.email or service.structure.email


def orientations_for(user, *, box: str, state: str = ""):
    """The orientations a user sent ("sent") or her structures received ("received"),
    newest first, with what the list shows in one query."""
    from maillage.directory.access import receiving_organisation_ids
    from maillage.directory.models import Orientation

    qs = Orientation.objects.select_related(
        "service__structure", "sender", "sender_organisation"
    ).order_by("-created_at")
    if box == "sent":
        qs = qs.filter(sender=user)
    else:
        qs = qs.filter(service__structure__organisation_id__in=receiving_organisation_ids(user))
    if state:
        qs = qs.filter(state=state)
    return qs


def orientation_for(user, public_id):
    """One orientation, if this user may see it; None otherwise (the view answers 404)."""
    from maillage.directory.models import Orientation

    return (
        Orientation.objects.visible_to(user)
        .select_related("service__structure", "sender", "sender_organisation")
        .prefetch_related("transitions__by", "attachments")
        .filter(public_id=public_id)
        .first()
    )


class _Median(Aggregate):
    function = "percentile_cont"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = FloatField()


@dataclass
class OrientationStats:
    key: str
    label: str
    sent: int
    accepted: int
    refused: int
    expired: int
    completed: int
    not_honoured: int
    cancelled: int
    open: int
    median_answer_hours: float | None
    refusals: dict[str, int]


def orientation_statistics(
    *, by: str, since: dt.date | None = None, until: dt.date | None = None, communes=None
) -> list[OrientationStats]:
    """Counts per service ("service") or per need ("theme") over orientations sent in
    [since, until], optionally for services located in the given communes. No person in it.

    accepted counts every orientation that was accepted, whatever came next (completed,
    not honoured); the delay to answer is the median time from sending to accept or refuse.
    """
    from maillage.directory.enums import OrientationState as S
    from maillage.directory.enums import RefusalReason, Thematique
    from maillage.directory.models import Orientation

    qs = Orientation.objects.all()
    if since:
        qs = qs.filter(created_at__date__gte=since)
    if until:
        qs = qs.filter(created_at__date__lte=until)
    if communes is not None:
        qs = qs.filter(service__geo_commune__in=communes)
    keys = ["service__public_id", "service__name"] if by == "service" else ["need_theme"]
    was_accepted = Q(state__in=[S.ACCEPTED, S.COMPLETED, S.NOT_HONOURED]) | Q(
        state=S.CANCELLED, answered_at__isnull=False
    )
    rows = (
        qs.values(*keys)
        .annotate(
            sent=Count("id"),
            accepted=Count("id", filter=was_accepted),
            refused=Count("id", filter=Q(state=S.REFUSED)),
            expired=Count("id", filter=Q(state=S.EXPIRED)),
            completed=Count("id", filter=Q(state=S.COMPLETED)),
            not_honoured=Count("id", filter=Q(state=S.NOT_HONOURED)),
            cancelled=Count("id", filter=Q(state=S.CANCELLED)),
            open=Count("id", filter=Q(state__in=[S.SENT, S.ACCEPTED])),
            median_answer=_Median(
                RawSQL("extract(epoch from answered_at - directory_orientation.created_at)", []),
                filter=Q(answered_at__isnull=False),
            ),
        )
        .order_by("-sent", *keys)
    )
    refusals: dict[tuple, dict[str, int]] = {}
    for row in qs.filter(state=S.REFUSED).values(*keys, "refusal_reason").annotate(n=Count("id")):
        key = tuple(row[k] for k in keys)
        refusals.setdefault(key, {})[row["refusal_reason"]] = row["n"]
    theme_labels = dict(Thematique.choices)
    reason_labels = dict(RefusalReason.choices)
    result = []
    for row in rows:
        key = tuple(row[k] for k in keys)
        if by == "service":
            identifier, label = str(row["service__public_id"]), row["service__name"]
        else:
            identifier = row["need_theme"]
            label = str(theme_labels.get(identifier, identifier or "—"))
        median = row["median_answer"]
        result.append(
            OrientationStats(
                key=identifier,
                label=label,
                sent=row["sent"],
                accepted=row["accepted"],
                refused=row["refused"],
                expired=row["expired"],
                completed=row["completed"],
                not_honoured=row["not_honoured"],
                cancelled=row["cancelled"],
                open=row["open"],
                median_answer_hours=round(median / 3600, 1) if median is not None else None,
                refusals={
                    str(reason_labels.get(code, code)): n
                    for code, n in sorted(refusals.get(key, {}).items())
                },
            )
        )
    return result


# --- Editing, moderation ----------------------------------------------------------------------


def managed_structures(user):
    """The structures this organisation admin keeps up to date, with their services and
    pending changes, in a fixed number of queries."""
    from django.db.models import Prefetch

    from maillage.directory.access import managed_organisation_ids
    from maillage.directory.models import ProposedChange, Structure

    pending = ProposedChange.objects.filter(state="pending")
    services = (
        Service.objects.annotate(is_stale=_stale_sql())
        .prefetch_related(Prefetch("changes", queryset=pending, to_attr="pending_changes"))
        .order_by("name")
    )
    return (
        Structure.objects.filter(organisation_id__in=managed_organisation_ids(user))
        .exclude(state=PublicationState.ARCHIVED)
        .select_related("organisation", "commune")
        .prefetch_related(
            Prefetch("services", queryset=services),
            Prefetch("changes", queryset=pending, to_attr="pending_changes"),
        )
        .order_by("name")
    )


def managed_structure(user, public_id):
    return managed_structures(user).filter(public_id=public_id).first()


def managed_service(user, public_id):
    from maillage.directory.access import managed_organisation_ids

    return (
        Service.objects.filter(
            public_id=public_id, structure__organisation_id__in=managed_organisation_ids(user)
        )
        .select_related("structure", "commune")
        .first()
    )


def moderation_queue():
    """What waits for a moderator: entries asking for first publication, and changes."""
    from maillage.directory.models import ProposedChange, Structure

    return {
        "structures": list(
            Structure.objects.filter(state=PublicationState.PENDING)
            .select_related("organisation", "commune")
            .order_by("updated_at")
        ),
        "services": list(
            Service.objects.filter(state=PublicationState.PENDING)
            .select_related("structure", "commune")
            .order_by("updated_at")
        ),
        "changes": list(
            ProposedChange.objects.filter(state="pending")
            .select_related("structure", "service__structure", "proposed_by")
            .order_by("proposed_at")
        ),
    }


def moderation_target(kind: str, public_id) -> dict | None:
    """What a moderator decides on: an entry asking for publication or a proposed change."""
    from maillage.directory.models import ProposedChange, Structure

    model = {"structure": Structure, "service": Service, "modification": ProposedChange}.get(kind)
    obj = model.objects.filter(public_id=public_id).first() if model else None
    if obj is None:
        return None
    return {"change": obj} if kind == "modification" else {"entry": obj}


def structure_pair(first_id, second_id):
    """Two structures named by their public ids, in that order, or None."""
    from maillage.directory.models import Structure

    found = Structure.objects.in_bulk([first_id, second_id], field_name="public_id")
    if len(found) != 2:
        return None
    return found[first_id], found[second_id]


def service_counts(structure_ids: list[int]) -> dict[int, int]:
    from django.db.models import Count

    return dict(
        Service.objects.filter(structure_id__in=structure_ids)
        .values("structure_id")
        .annotate(n=Count("id"))
        .values_list("structure_id", "n")
    )
