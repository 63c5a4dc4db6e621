"""The search read-model of services, recomputed in SQL after every write, in one statement.

`Service.listed` says the service and its structure are both published; the effective
position is the service's own, else its structure's, else its commune's, else its
structure's commune's. Each listed service has a narrow `ServiceSearch` row with what the
search filters and ranks on: full-text weights A the service's name, its themes' labels and
its health offers' words (label, family, acronyms: « SSIAD »),
B the structure's name, C the descriptions, D the publics' labels; the decoded opening hours'
key. `ServiceText` holds the text alone for words-only searches, with `name_vector` (weight A's
words); `SearchWord` the vocabulary that corrects mistyped words.

The last migration that changes these tables refills them by calling refresh(): older
migrations must not (the SQL here speaks of the newest schema).
"""

import datetime as dt
import threading

from django.db import connection, transaction
from django.utils import timezone

from maillage.directory import health
from maillage.directory import hours as hours_module
from maillage.directory.enums import Public, Thematique
from maillage.directory.models import OpeningSchedule, SearchGeneration

# A migration that changes the read-model's columns refills it by calling refresh(), and the
# previous migration doing so becomes a no-op: refresh() writes the columns of the latest
# migration, which an older one running before it would not find (0014_search_sector_1).
REFRESH_SQL = """
WITH labels(code, label) AS (SELECT * FROM unnest(%(codes)s::text[], %(labels)s::text[])),
offer_themes(offer, theme) AS (
    SELECT * FROM unnest(%(offer_codes)s::text[], %(offer_themes)s::text[])
),
offer_publics(offer, public) AS (
    SELECT * FROM unnest(%(public_offers)s::text[], %(offer_publics)s::text[])
),
v AS (
    SELECT
        s.id,
        (s.state = 'published' AND st.state = 'published') AS listed,
        CASE
            WHEN s.latitude IS NOT NULL AND s.longitude IS NOT NULL THEN s.latitude
            WHEN st.latitude IS NOT NULL AND st.longitude IS NOT NULL THEN st.latitude
            ELSE COALESCE(c.latitude, sc.latitude)
        END AS geo_latitude,
        CASE
            WHEN s.latitude IS NOT NULL AND s.longitude IS NOT NULL THEN s.longitude
            WHEN st.latitude IS NOT NULL AND st.longitude IS NOT NULL THEN st.longitude
            ELSE COALESCE(c.longitude, sc.longitude)
        END AS geo_longitude,
        CASE
            WHEN s.latitude IS NOT NULL AND s.longitude IS NOT NULL THEN FALSE
            WHEN st.latitude IS NOT NULL AND st.longitude IS NOT NULL THEN FALSE
            WHEN c.latitude IS NOT NULL THEN c.position_approximate
            ELSE COALESCE(sc.position_approximate, FALSE)
        END AS geo_approximate,
        COALESCE(s.commune_id, st.commune_id) AS geo_commune_id,
        md5(NULLIF(COALESCE(NULLIF(s.opening_hours, ''), st.opening_hours), '')) AS hours_key,
        lower(public.unaccent(concat_ws(' ', s.name, st.name, themes.text, offers.text,
            publics.text, array_to_string(s.professions, ' ')))) AS vocabulary,
        named.vector AS name_vector,
        setweight(named.vector, 'A')
            || setweight(to_tsvector('french_unaccent', st.name), 'B')
            || setweight(to_tsvector('french_unaccent',
                concat_ws(' ', s.description, st.description, s.access_conditions)), 'C')
            || setweight(to_tsvector('french_unaccent',
                concat_ws(' ', publics.text, s.publics_details)), 'D') AS search_vector,
        COALESCE(s.source_updated_on, s.updated_at::date) + s.update_frequency_days AS stale_on,
        (s.reception_modes @> ARRAY['a-distance']::varchar[]
            AND NOT s.reception_modes @> ARRAY['en-presentiel']::varchar[]) AS remote_only,
        s.name, all_themes.list AS thematiques, s.health_offers, all_publics.list AS publics,
        s.fees,
        s.free_under_conditions,
        s.reduced_mobility_access, s.unconditional_welcome, s.no_appointment, s.interpreting,
        s.peer_workers, s.anonymous, s.third_party_payment, s.languages, s.reception_modes,
        s.eligibility_zone, s.fee_sectors @> ARRAY['secteur-1']::varchar[] AS sector_1
    FROM directory_service s
    JOIN directory_structure st ON st.id = s.structure_id
    LEFT JOIN territories_commune c ON c.code = s.commune_id
    LEFT JOIN territories_commune sc ON sc.code = st.commune_id
    -- The sub-themes a search on data·inclusion's themes finds the service by: its own and
    -- those its health offers stand for (health.themes_of).
    CROSS JOIN LATERAL (
        SELECT CASE WHEN s.health_offers = '{{}}' THEN s.thematiques ELSE (
            SELECT COALESCE(array_agg(DISTINCT t ORDER BY t), '{{}}')::varchar[]
            FROM (SELECT unnest(s.thematiques) AS t
                  UNION SELECT theme FROM offer_themes WHERE offer = ANY(s.health_offers)) x
        ) END AS list
    ) all_themes
    CROSS JOIN LATERAL (
        SELECT string_agg(label, ' ') AS text FROM labels WHERE code = ANY(all_themes.list)
    ) themes
    CROSS JOIN LATERAL (
        SELECT string_agg(label, ' ') AS text FROM labels WHERE code = ANY(s.health_offers)
    ) offers
    -- The publics the service is found for: its own, else those its offers are for
    -- (health.exchange_publics).
    CROSS JOIN LATERAL (
        SELECT CASE WHEN s.publics <> '{{}}' OR s.health_offers = '{{}}' THEN s.publics ELSE (
            SELECT COALESCE(array_agg(DISTINCT public ORDER BY public), '{{}}')::varchar[]
            FROM offer_publics WHERE offer = ANY(s.health_offers)
        ) END AS list
    ) all_publics
    CROSS JOIN LATERAL (
        SELECT string_agg(label, ' ') AS text FROM labels WHERE code = ANY(all_publics.list)
    ) publics
    CROSS JOIN LATERAL (
        SELECT to_tsvector('french_unaccent',
            concat_ws(' ', s.name, themes.text, offers.text,
                array_to_string(s.professions, ' '))) AS vector
    ) named
    WHERE {where}
),
updated AS (
    UPDATE directory_service target SET
        listed = v.listed,
        geo_latitude = v.geo_latitude,
        geo_longitude = v.geo_longitude,
        geo_approximate = v.geo_approximate,
        geo_commune_id = v.geo_commune_id
    FROM v WHERE v.id = target.id
        AND (target.listed, target.geo_latitude, target.geo_longitude, target.geo_approximate,
             target.geo_commune_id)
        IS DISTINCT FROM (v.listed, v.geo_latitude, v.geo_longitude, v.geo_approximate,
                          v.geo_commune_id)
    RETURNING target.id
),
unlisted AS (
    DELETE FROM directory_servicesearch d USING v WHERE d.service_id = v.id AND NOT v.listed
    RETURNING d.service_id
),
unlisted_text AS (
    DELETE FROM directory_servicetext d USING v WHERE d.service_id = v.id AND NOT v.listed
    RETURNING d.service_id
),
listed_text AS (
    INSERT INTO directory_servicetext AS t (service_id, stale_on, name, search_vector, name_vector)
    SELECT id, stale_on, name, search_vector, name_vector FROM v WHERE v.listed
    ON CONFLICT (service_id) DO UPDATE SET
        stale_on = EXCLUDED.stale_on,
        name = EXCLUDED.name,
        search_vector = EXCLUDED.search_vector,
        name_vector = EXCLUDED.name_vector
    WHERE (t.stale_on, t.name, t.search_vector, t.name_vector)
        IS DISTINCT FROM (EXCLUDED.stale_on, EXCLUDED.name, EXCLUDED.search_vector,
                          EXCLUDED.name_vector)
    RETURNING service_id
),
vocabulary AS (
    INSERT INTO directory_searchword (word)
    SELECT DISTINCT word
    FROM v, regexp_split_to_table(v.vocabulary, '[^a-z0-9]+') AS word
    WHERE v.listed AND length(word) BETWEEN 3 AND 40 AND word !~ '^[0-9]+$'
    ON CONFLICT (word) DO NOTHING
    RETURNING word
)
INSERT INTO directory_servicesearch AS t (
    service_id, name, search_vector, thematiques, health_offers, publics, fees,
    free_under_conditions, reduced_mobility_access, unconditional_welcome, no_appointment,
    interpreting, peer_workers, anonymous, third_party_payment, sector_1, languages,
    reception_modes, eligibility_zone, remote_only, geo_latitude, geo_longitude, commune_id,
    stale_on, hours_key
)
SELECT
    id, name, search_vector, thematiques, health_offers, publics, fees,
    free_under_conditions, reduced_mobility_access, unconditional_welcome, no_appointment,
    interpreting, peer_workers, anonymous, third_party_payment, sector_1, languages,
    reception_modes, eligibility_zone, remote_only, geo_latitude, geo_longitude,
    geo_commune_id, stale_on, hours_key
FROM v WHERE v.listed
-- Neighbours stored together: a search around a place reads fewer pages.
ORDER BY floor(v.geo_latitude * 4), v.geo_longitude
ON CONFLICT (service_id) DO UPDATE SET
    name = EXCLUDED.name,
    search_vector = EXCLUDED.search_vector,
    thematiques = EXCLUDED.thematiques,
    health_offers = EXCLUDED.health_offers,
    publics = EXCLUDED.publics,
    fees = EXCLUDED.fees,
    free_under_conditions = EXCLUDED.free_under_conditions,
    reduced_mobility_access = EXCLUDED.reduced_mobility_access,
    unconditional_welcome = EXCLUDED.unconditional_welcome,
    no_appointment = EXCLUDED.no_appointment,
    interpreting = EXCLUDED.interpreting,
    peer_workers = EXCLUDED.peer_workers,
    anonymous = EXCLUDED.anonymous,
    third_party_payment = EXCLUDED.third_party_payment,
    sector_1 = EXCLUDED.sector_1,
    languages = EXCLUDED.languages,
    reception_modes = EXCLUDED.reception_modes,
    eligibility_zone = EXCLUDED.eligibility_zone,
    remote_only = EXCLUDED.remote_only,
    geo_latitude = EXCLUDED.geo_latitude,
    geo_longitude = EXCLUDED.geo_longitude,
    commune_id = EXCLUDED.commune_id,
    stale_on = EXCLUDED.stale_on,
    hours_key = EXCLUDED.hours_key
WHERE (
    t.name, t.search_vector, t.thematiques, t.health_offers, t.publics, t.fees,
    t.free_under_conditions,
    t.reduced_mobility_access, t.unconditional_welcome, t.no_appointment,
    t.interpreting, t.peer_workers, t.anonymous, t.third_party_payment, t.sector_1,
    t.languages,
    t.reception_modes, t.eligibility_zone, t.remote_only, t.geo_latitude,
    t.geo_longitude, t.commune_id, t.stale_on, t.hours_key
) IS DISTINCT FROM (
    EXCLUDED.name, EXCLUDED.search_vector, EXCLUDED.thematiques, EXCLUDED.health_offers,
    EXCLUDED.publics,
    EXCLUDED.fees, EXCLUDED.free_under_conditions, EXCLUDED.reduced_mobility_access,
    EXCLUDED.unconditional_welcome, EXCLUDED.no_appointment, EXCLUDED.interpreting,
    EXCLUDED.peer_workers, EXCLUDED.anonymous, EXCLUDED.third_party_payment,
    EXCLUDED.sector_1, EXCLUDED.languages, EXCLUDED.reception_modes, EXCLUDED.eligibility_zone,
    EXCLUDED.remote_only, EXCLUDED.geo_latitude, EXCLUDED.geo_longitude,
    EXCLUDED.commune_id, EXCLUDED.stale_on, EXCLUDED.hours_key
)
"""


def _labels() -> tuple[list[str], list[str]]:
    pairs = [(value, str(label)) for value, label in Thematique.choices]
    pairs += [(value, str(label)) for value, label in Public.choices]
    pairs += [(value, health.search_words(value)) for value in health.OFFERS]
    return [code for code, _ in pairs], [label for _, label in pairs]


def _offer_themes() -> tuple[list[str], list[str]]:
    pairs = [(value, theme) for value, offer in health.OFFERS.items() for theme in offer.themes]
    return [offer for offer, _ in pairs], [theme for _, theme in pairs]


def _offer_publics() -> tuple[list[str], list[str]]:
    pairs = [(value, public) for value, offer in health.OFFERS.items() for public in offer.publics]
    return [offer for offer, _ in pairs], [public for _, public in pairs]


def refresh(*, service_ids: list[int] | None = None, structure_ids: list[int] | None = None):
    """Recompute the read-model for some services (or those of some structures), or all."""
    codes, labels = _labels()
    offer_codes, offer_themes = _offer_themes()
    public_offers, offer_publics = _offer_publics()
    params = {
        "public_offers": public_offers,
        "offer_publics": offer_publics,
        "codes": codes,
        "labels": labels,
        "offer_codes": offer_codes,
        "offer_themes": offer_themes,
    }
    where = "TRUE"
    if service_ids is not None:
        where, params["ids"] = "s.id = ANY(%(ids)s)", list(service_ids)
    elif structure_ids is not None:
        where, params["ids"] = "s.structure_id = ANY(%(ids)s)", list(structure_ids)
    with connection.cursor() as cursor:
        if service_ids is None and structure_ids is None:
            # A full refresh rebuilds the vocabulary: words of services gone go with them.
            cursor.execute("DELETE FROM directory_searchword")
        cursor.execute(REFRESH_SQL.format(where=where), params)
        cursor.execute(BUMP_SQL)
    refresh_hours(service_ids=service_ids, structure_ids=structure_ids)


BUMP_SQL = """
INSERT INTO directory_searchgeneration (id, value) VALUES (1, 1)
ON CONFLICT (id) DO UPDATE SET value = directory_searchgeneration.value + 1
"""


def generation() -> int:
    """The read-model's current generation (see models.SearchGeneration)."""

    return SearchGeneration.objects.filter(pk=1).values_list("value", flat=True).first() or 0


# --- opening hours, decoded for the coming days -----------------------------------------------

SLOTS_PER_DAY = 24 * 60 // OpeningSchedule.SLOT_MINUTES
_ready = threading.local()
_HOURS_LOCK = 0x4D484F55  # "MHOU": one process refreshes the day's schedules at a time


def local_midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(0, 0), tzinfo=timezone.get_current_timezone())


def decode(expression: str, day: dt.date) -> tuple[bytes, int]:
    """The slots and days bit sets of an expression, from local midnight of `day`."""
    bits = bytearray(OpeningSchedule.DAYS * SLOTS_PER_DAY // 8)
    days = 0
    try:
        parsed = hours_module.parse(expression)
    except hours_module.HoursError:
        return bytes(bits), 0
    start = local_midnight(day)
    end = local_midnight(day + dt.timedelta(days=OpeningSchedule.DAYS))
    step = OpeningSchedule.SLOT_MINUTES * 60
    total = len(bits) * 8
    for opens, closes, state, _comment in parsed.intervals(start, end):
        if state != hours_module.opening_hours.State.OPEN:
            continue
        first = max(0, int((opens - start).total_seconds() // step))
        last = min(total, -int(-(closes - start).total_seconds() // step))  # ceiling
        for slot in range(first, last):
            bits[slot // 8] |= 1 << (slot % 8)
            days |= 1 << (slot // SLOTS_PER_DAY)
    return bytes(bits), days


def _upsert_schedules(pairs, day: dt.date) -> None:
    rows = []
    for key, expression in pairs:
        slots, days = decode(expression, day)
        rows.append(
            OpeningSchedule(key=key, expression=expression, starts_on=day, slots=slots, days=days)
        )
    OpeningSchedule.objects.bulk_create(
        rows,
        batch_size=1000,
        update_conflicts=True,
        unique_fields=["key"],
        update_fields=["expression", "starts_on", "slots", "days"],
    )


MISSING_SQL = """
SELECT DISTINCT ON (x.hours_key) x.hours_key,
       COALESCE(NULLIF(s.opening_hours, ''), st.opening_hours)
FROM directory_servicesearch x
JOIN directory_service s ON s.id = x.service_id
JOIN directory_structure st ON st.id = s.structure_id
WHERE x.hours_key IS NOT NULL AND {where}
  AND NOT EXISTS (SELECT 1 FROM directory_openingschedule h WHERE h.key = x.hours_key)
"""


def refresh_hours(*, service_ids=None, structure_ids=None, day: dt.date | None = None) -> int:
    """Decode the expressions of these services (all when None) that have no row yet."""
    day = day or timezone.localdate()
    where, params = "TRUE", {}
    if service_ids is not None:
        where, params["ids"] = "s.id = ANY(%(ids)s)", list(service_ids)
    elif structure_ids is not None:
        where, params["ids"] = "s.structure_id = ANY(%(ids)s)", list(structure_ids)
    with connection.cursor() as cursor:
        cursor.execute(MISSING_SQL.format(where=where), params)
        missing = cursor.fetchall()
    _upsert_schedules(missing, day)
    return len(missing)


def renew_hours(day: dt.date | None = None) -> int:
    """Re-decode every schedule that does not start today (daily job, and before the first
    hours search of a day). Serialised across processes by an advisory lock."""
    day = day or timezone.localdate()
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_HOURS_LOCK])
        stale = list(
            OpeningSchedule.objects.exclude(starts_on=day).values_list("key", "expression")
        )
        _upsert_schedules(stale, day)
        renewed = len(stale) + refresh_hours(day=day)
    _ready.day = day
    return renewed


def ensure_hours(day: dt.date) -> None:
    """Make sure the schedules start today before filtering on them."""
    if getattr(_ready, "day", None) == day:
        return
    if OpeningSchedule.objects.exclude(starts_on=day).exists():
        renew_hours(day)
    _ready.day = day


def slot_now(now: dt.datetime) -> tuple[dt.date, int]:
    """Today's date and the five-minute slot `now` falls in, in local time."""
    local = timezone.localtime(now)
    day = local.date()
    slot = int((local - local_midnight(day)).total_seconds() // (OpeningSchedule.SLOT_MINUTES * 60))
    return day, slot
