"""The observatory's pre-aggregated facts, rebuilt by a periodic job.

Every family below is one INSERT … SELECT from the live tables into `observatory_fact`:
counts per month (Europe/Paris), commune and up to two keys, plus a summed measure (hours or
days) where a mean is wanted. All of them add up over months and communes, so that any
territory (a set of communes) and any period (a range of months) is a sum over an index
range — the dashboards never scan the live tables.

Which commune: the person's commune for requests, pathways, plans and people reached; the
service's commune for orientations and directory coverage; the searched commune for
searches that found nothing. Delays are cut into bands (a median does not add up; bands do,
and they say more to a reader than a median).
"""

from __future__ import annotations

import time

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from maillage.observatory.models import Fact, FactRefresh

# Delay bands, in hours, with their keys: under a day, 1 to 2 days, 3 to 7 days, more.
HOUR_BANDS = (
    "CASE WHEN {h} < 24 THEN 'd0' WHEN {h} < 72 THEN 'd1_2' WHEN {h} <= 168 THEN 'd3_7' "
    "ELSE 'd8' END"
)
# Durations of pathways, in days: under 3 months, 3 to 6, 6 to 12, a year and more.
DAY_BANDS = (
    "CASE WHEN {d} < 91 THEN 'm0_3' WHEN {d} < 183 THEN 'm3_6' WHEN {d} < 365 THEN 'm6_12' "
    "ELSE 'm12' END"
)
# Time from the first request to a place: a week, a month, 3 months, 6 months, more.
PLACEMENT_BANDS = (
    "CASE WHEN {d} < 8 THEN 'w1' WHEN {d} < 31 THEN 'm1' WHEN {d} < 91 THEN 'm3' "
    "WHEN {d} < 183 THEN 'm6' ELSE 'm6plus' END"
)
AGE_BANDS = (
    "CASE WHEN {a} IS NULL THEN '' WHEN {a} < 18 THEN '0-17' WHEN {a} < 40 THEN '18-39' "
    "WHEN {a} < 60 THEN '40-59' WHEN {a} < 75 THEN '60-74' WHEN {a} < 85 THEN '75-84' "
    "ELSE '85+' END"
)
AGE_AT_FIRST_REQUEST = AGE_BANDS.format(
    a="date_part('year', age((f.received_at AT TIME ZONE %(tz)s)::date, p.birth_date))"
)


def _month(column: str) -> str:
    return f"date_trunc('month', {column} AT TIME ZONE %(tz)s)::date"


def _day(column: str) -> str:
    """The calendar day in Paris (the session is in UTC)."""
    return f"({column} AT TIME ZONE %(tz)s)::date"


def _hours(later: str, earlier: str) -> str:
    return f"extract(epoch FROM {later} - {earlier}) / 3600.0"


INSERT = "INSERT INTO observatory_fact (family, month, commune_id, key, key2, n, total) "

FAMILIES: dict[str, str] = {
    # Support requests received: who asked, how urgent.
    "request": f"""
        SELECT 'request', {_month("r.received_at")}, p.commune_id, r.requester_kind, r.urgency,
               count(*), 0
        FROM pathways_supportrequest r JOIN pathways_person p ON p.id = r.person_id
        GROUP BY 2, 3, 4, 5""",
    # The needs named in requests (a request may name several).
    "request_need": f"""
        SELECT 'request_need', {_month("r.received_at")}, p.commune_id, need, '', count(*), 0
        FROM pathways_supportrequest r JOIN pathways_person p ON p.id = r.person_id,
             unnest(r.needs) AS need
        GROUP BY 2, 3, 4""",
    # Triage: its outcome and the delay from receipt, in bands, with the hours summed.
    "triage": f"""
        SELECT 'triage', {_month("r.triaged_at")}, p.commune_id, r.triage_outcome,
               {HOUR_BANDS.format(h=_hours("r.triaged_at", "r.received_at"))},
               count(*), sum({_hours("r.triaged_at", "r.received_at")})
        FROM pathways_supportrequest r JOIN pathways_person p ON p.id = r.person_id
        WHERE r.triaged_at IS NOT NULL AND r.triage_outcome <> ''
        GROUP BY 2, 3, 4, 5""",
    "pathway_opened": f"""
        SELECT 'pathway_opened', {_month("w.opened_at")}, p.commune_id, '', '', count(*), 0
        FROM pathways_pathway w JOIN pathways_person p ON p.id = w.person_id
        GROUP BY 2, 3""",
    # Closures: the reason and the duration in bands, with the days summed.
    "pathway_closed": f"""
        SELECT 'pathway_closed', {_month("w.closed_at")}, p.commune_id, w.closure_reason,
               {DAY_BANDS.format(d=f"({_day('w.closed_at')} - {_day('w.opened_at')})")},
               count(*), sum({_day("w.closed_at")} - {_day("w.opened_at")})
        FROM pathways_pathway w JOIN pathways_person p ON p.id = w.person_id
        WHERE w.closed_at IS NOT NULL
        GROUP BY 2, 3, 4, 5""",
    # The person's satisfaction at closure, when she gave it.
    "satisfaction": f"""
        SELECT 'satisfaction', {_month("w.closed_at")}, p.commune_id, w.satisfaction, '',
               count(*), 0
        FROM pathways_pathway w JOIN pathways_person p ON p.id = w.person_id
        WHERE w.closed_at IS NOT NULL AND w.satisfaction <> ''
        GROUP BY 2, 3, 4""",
    # Check calls of the crisis campaigns (cooperation), by the state they are in now, in
    # the month the campaign began: who was reached, who was escalated.
    "check_call": f"""
        SELECT 'check_call', {_month("k.created_at")}, p.commune_id, c.state, '', count(*), 0
        FROM cooperation_checkcall c
             JOIN cooperation_checkcallcampaign k ON k.id = c.campaign_id
             JOIN pathways_pathway w ON w.id = c.pathway_id
             JOIN pathways_person p ON p.id = w.person_id
        GROUP BY 2, 3, 4""",
    # Orientations sent, by need and by the state they are in now.
    "orientation": f"""
        SELECT 'orientation', {_month("o.created_at")}, s.geo_commune_id, o.need_theme,
               o.state, count(*), 0
        FROM directory_orientation o JOIN directory_service s ON s.id = o.service_id
        GROUP BY 2, 3, 4, 5""",
    # Orientations answered (accepted or refused): the delay to answer in bands.
    "orientation_answer": f"""
        SELECT 'orientation_answer', {_month("o.created_at")}, s.geo_commune_id, o.need_theme,
               {HOUR_BANDS.format(h=_hours("o.answered_at", "o.created_at"))},
               count(*), sum({_hours("o.answered_at", "o.created_at")})
        FROM directory_orientation o JOIN directory_service s ON s.id = o.service_id
        WHERE o.answered_at IS NOT NULL
        GROUP BY 2, 3, 4, 5""",
    # The answer given (whatever came next: a refused orientation stays refused, an accepted
    # one counts as accepted even if later cancelled, received or not honoured).
    "answer_outcome": f"""
        SELECT 'answer_outcome', {_month("o.created_at")}, s.geo_commune_id, o.need_theme,
               CASE WHEN o.state = 'refused' THEN 'refused' ELSE 'accepted' END, count(*), 0
        FROM directory_orientation o JOIN directory_service s ON s.id = o.service_id
        WHERE o.answered_at IS NOT NULL
        GROUP BY 2, 3, 4, 5""",
    "refusal": f"""
        SELECT 'refusal', {_month("o.created_at")}, s.geo_commune_id, o.need_theme,
               o.refusal_reason, count(*), 0
        FROM directory_orientation o JOIN directory_service s ON s.id = o.service_id
        WHERE o.state = 'refused'
        GROUP BY 2, 3, 4, 5""",
    # Searches that found nothing: once per search, and once per need (parent theme)
    # searched — a search for two sub-themes of one need counts once for it.
    "unmet_search": """
        SELECT 'unmet_search', date_trunc('month', u.searched_on)::date, u.commune_id, '',
               u.channel, count(*), 0
        FROM directory_unmetsearch u
        GROUP BY 2, 3, 5""",
    "unmet_search_theme": """
        SELECT 'unmet_search_theme', month, commune_id, theme, '', count(*), 0
        FROM (SELECT DISTINCT u.id, date_trunc('month', u.searched_on)::date AS month,
                     u.commune_id, split_part(theme, '--', 1) AS theme
              FROM directory_unmetsearch u, unnest(u.themes) AS theme) t
        GROUP BY 2, 3, 4""",
    # Needs of plans for which the territory has no resource.
    "plan_unmet": f"""
        SELECT 'plan_unmet', {_month("o.created_at")}, p.commune_id, o.need, '', count(*), 0
        FROM pathways_objective o
        JOIN pathways_plan pl ON pl.id = o.plan_id
        JOIN pathways_pathway w ON w.id = pl.pathway_id
        JOIN pathways_person p ON p.id = w.person_id
        WHERE o.no_resource
        GROUP BY 2, 3, 4""",
    # People reached: each person once, in the month of her first request, with her sex and
    # age band then (the pathway keeps the band once the birth date is erased).
    "reached": f"""
        WITH first AS (
            SELECT DISTINCT ON (r.person_id) r.person_id, r.received_at
            FROM pathways_supportrequest r ORDER BY r.person_id, r.received_at
        )
        SELECT 'reached', {_month("f.received_at")}, p.commune_id, p.sex,
               COALESCE(NULLIF({AGE_AT_FIRST_REQUEST}, ''),
                        (SELECT w.person_age_band FROM pathways_pathway w
                         WHERE w.person_id = p.id AND w.person_age_band <> ''
                         ORDER BY w.opened_at LIMIT 1), ''),
               count(*), 0
        FROM first f JOIN pathways_person p ON p.id = f.person_id
        GROUP BY 2, 3, 4, 5""",
    # Regulation (places): requests sent, by mode (115, SIAO, applications to
    # establishments), in the commune where the household lives.
    "place_request": f"""
        SELECT 'place_request', {_month("r.created_at")}, r.commune_id,
               CASE WHEN r.emergency THEN 'emergency' ELSE r.mode END, '', count(*), 0
        FROM regulation_placerequest r
        WHERE r.state <> 'draft'
        GROUP BY 2, 3, 4""",
    # The 115's nights: sheltered, or unmet and why (the « demandes non pourvues »).
    "place_night": """
        SELECT 'place_night', date_trunc('month', n.night)::date, r.commune_id, n.outcome,
               n.reason, count(*), 0
        FROM regulation_night n JOIN regulation_placerequest r ON r.id = n.request_id
        GROUP BY 2, 3, 4, 5""",
    # Admissions: the time from the first request to the place, in bands, days summed.
    "placement": f"""
        SELECT 'placement', {_month("r.closed_at")}, r.commune_id,
               CASE WHEN r.emergency THEN 'emergency' ELSE r.mode END,
               {PLACEMENT_BANDS.format(d=f"({_day('r.closed_at')} - r.first_requested_on)")},
               count(*), sum({_day("r.closed_at")} - r.first_requested_on)
        FROM regulation_placerequest r
        WHERE r.state = 'admitted' AND r.closed_at IS NOT NULL
        GROUP BY 2, 3, 4, 5""",
    # Refusals of places: by whom and why.
    "place_refusal": f"""
        SELECT 'place_refusal', {_month("f.at")}, r.commune_id, f.party, f.reason, count(*), 0
        FROM regulation_refusal f JOIN regulation_placerequest r ON r.id = f.request_id
        GROUP BY 2, 3, 4, 5""",
    # Proposals (by the engine that made them) and applications, by where they ended.
    "place_proposal": f"""
        SELECT 'place_proposal', {_month("p.created_at")}, r.commune_id, p.engine, p.state,
               count(*), 0
        FROM regulation_proposal p JOIN regulation_placerequest r ON r.id = p.request_id
        GROUP BY 2, 3, 4, 5
        UNION ALL
        SELECT 'place_proposal', {_month("a.created_at")}, r.commune_id, 'application',
               a.state, count(*), 0
        FROM regulation_application a JOIN regulation_placerequest r ON r.id = a.request_id
        GROUP BY 2, 3, 4, 5""",
    # Vacancy-days lost: the days a regulated place stayed vacant (up to its first
    # proposal, its closure or today) while a request it could take was waiting: one for
    # its kind, of a household no larger than the place, needing an accessible place only
    # if it is one (the place's own rules; those of its programme are the engine's).
    "vacancy_days": """
        SELECT 'vacancy_days', date_trunc('month', v.available_from)::date, pg.commune_id,
               pg.kind, '', count(*),
               sum(GREATEST(0, COALESCE(
                   (SELECT min(p.created_at AT TIME ZONE %(tz)s)::date
                    FROM regulation_proposal p WHERE p.vacancy_id = v.id),
                   (v.closed_at AT TIME ZONE %(tz)s)::date,
                   CURRENT_DATE) - v.available_from))
        FROM regulation_vacancy v
        JOIN regulation_unit u ON u.id = v.unit_id
        JOIN regulation_programme pg ON pg.id = u.programme_id
        WHERE pg.regulator_id IS NOT NULL
          AND EXISTS (SELECT 1 FROM regulation_placerequest q
                      WHERE q.regulator_id = pg.regulator_id
                        AND pg.kind = ANY(q.recommended_kinds)
                        AND q.state <> 'draft'
                        AND (u.accessible OR NOT q.reduced_mobility)
                        AND (SELECT count(*) FROM regulation_member m
                             WHERE m.request_id = q.id) <= u.persons
                        AND (q.created_at AT TIME ZONE %(tz)s)::date <= v.available_from
                        AND (q.closed_at IS NULL
                             OR (q.closed_at AT TIME ZONE %(tz)s)::date > v.available_from))
        GROUP BY 2, 3, 4""",
    # Places today (a snapshot in the current month): active places, and those vacant.
    "place_stock": """
        SELECT 'place_stock', date_trunc('month', now() AT TIME ZONE %(tz)s)::date,
               pg.commune_id, pg.kind,
               CASE WHEN EXISTS (SELECT 1 FROM regulation_vacancy v
                                 WHERE v.unit_id = u.id AND v.state = 'open')
                    THEN 'vacant' ELSE 'taken' END,
               count(*), 0
        FROM regulation_unit u JOIN regulation_programme pg ON pg.id = u.programme_id
        WHERE u.active AND pg.active
        GROUP BY 2, 3, 4, 5""",
    # The directory today (a snapshot in the current month): listed services per need
    # (parent theme; a service counts once for each need it serves), and whether each is
    # stale (not updated within its own frequency).
    "service": f"""
        SELECT 'service', date_trunc('month', now() AT TIME ZONE %(tz)s)::date,
               geo_commune_id, theme, freshness, count(*), 0
        FROM (SELECT DISTINCT s.id, s.geo_commune_id, split_part(theme, '--', 1) AS theme,
                     CASE WHEN (CURRENT_DATE - COALESCE(s.source_updated_on,
                                                        {_day("s.updated_at")}))
                               > s.update_frequency_days THEN 'stale' ELSE 'fresh' END
                     AS freshness
              FROM directory_service s, unnest(s.thematiques) AS theme
              WHERE s.listed) t
        GROUP BY 2, 3, 4, 5""",
}


def refresh() -> FactRefresh:
    """Rebuild every fact in one transaction: readers see the old facts until it commits."""
    started = time.perf_counter()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("LOCK TABLE observatory_fact IN EXCLUSIVE MODE")
        cursor.execute("DELETE FROM observatory_fact")
        rows = 0
        for sql in FAMILIES.values():
            cursor.execute(INSERT + sql, {"tz": settings.TIME_ZONE})
            rows += cursor.rowcount
        done = FactRefresh.objects.create(
            finished_at=timezone.now(), seconds=time.perf_counter() - started, rows=rows
        )
        FactRefresh.objects.exclude(pk=done.pk).delete()
    # The deleted rows' space is reclaimed now, not by chance: scans stay as fast as the
    # first time, and the visibility map lets them read the covering index alone. VACUUM
    # never blocks readers (it cannot run inside a transaction: in tests it is skipped).
    with connection.cursor() as cursor:
        if connection.in_atomic_block:
            cursor.execute("ANALYZE observatory_fact")
        else:
            cursor.execute("VACUUM (ANALYZE) observatory_fact")
    return done


def last_refresh() -> FactRefresh | None:
    return FactRefresh.objects.first()


__all__ = ["FAMILIES", "Fact", "last_refresh", "refresh"]
