"""The observatory's pages at scale: the pathways bench database (100,000 pathways, 2 million
timeline events) plus 1 million orientation and search events, on a fresh embedded
PostgreSQL (or --data-dir to keep and reuse the built database).

1. Builds the pathways bench database with bench/pathways.py (same data directory), then
   places its people in communes (70 % in Vendée, the platform's territory, the rest over
   France in proportion to population), triages and closes what that bench left open, and
   adds 20,000 directory services, 600,000 orientations and 400,000 searches that found
   nothing, spread over 30 months — all in SQL (generate_series).
2. Rebuilds the observatory's facts (the hourly job) and reports how long it takes: the
   figures on the pages are at most that much older than the hour.
3. Renders each observatory page in-process through Django's test client (the whole view:
   SQL, Python, template), REQUESTS times: the dashboard for the platform's territory, a
   département, an EPCI, a commune and France over twelve months, a CSV and an open-data
   download, the annual report (HTML) and the accessibility page.

Usage: python bench/observatory.py [--requests 60] [--data-dir DIR]
Last line: `observatory: 100000 pathways, 2000000 events, 1000000 orientation and search
events, facts .. s, dashboard p95 .. ms, France p95 .. ms, report p95 .. ms, worst p95 .. ms`
"""

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=60, help="renders per page")
    parser.add_argument("--orientations", type=int, default=600_000)
    parser.add_argument("--searches", type=int, default=400_000)
    parser.add_argument("--services", type=int, default=20_000)
    parser.add_argument("--data-dir", type=Path, help="keep the built database here, reuse it")
    return parser.parse_args()


ARGS = arguments()
SCRATCH = None
if ARGS.data_dir:
    ARGS.data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["MAILLAGE_DATA_DIR"] = str(ARGS.data_dir.resolve())
elif "MAILLAGE_DATA_DIR" not in os.environ and "DATABASE_URL" not in os.environ:
    SCRATCH = tempfile.mkdtemp(prefix="maillage-bench-")
    os.environ["MAILLAGE_DATA_DIR"] = SCRATCH
os.environ.setdefault("MAILLAGE_PG_SHARED_BUFFERS", "1GB")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
os.environ["MAILLAGE_DEBUG"] = "0"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

PLATFORM_DEPARTEMENT = "85"


def build_pathways() -> None:
    """The pathways bench, in this data directory (it builds once, then measures briefly)."""
    env = {**os.environ}
    command = [sys.executable, str(ROOT / "bench" / "pathways.py"), "--requests", "8"]
    subprocess.run(command, env=env, check=True)


def build_observatory() -> None:
    from maillage.core.models import PlatformSettings
    from maillage.territories.enums import TerritoryKind
    from maillage.territories.models import Commune, Territory

    started = time.perf_counter()
    territory, _ = Territory.objects.get_or_create(
        name="Vendée (bench)", kind=TerritoryKind.COMPETENCE
    )
    territory.communes.set(Commune.objects.filter(departement_id=PLATFORM_DEPARTEMENT))
    settings_row = PlatformSettings.current()
    settings_row.competence_territory = territory
    settings_row.save()
    statements = [
        # Communes by population: a cumulative distribution to draw from.
        """CREATE TEMP TABLE weighted AS
           SELECT code, departement_id = %(dep)s AS local,
                  sum(coalesce(population, 1)) OVER (PARTITION BY departement_id = %(dep)s
                      ORDER BY code)::float
                  / sum(coalesce(population, 1)) OVER (PARTITION BY departement_id = %(dep)s)
                  AS upto
             FROM territories_commune WHERE kind = 'COM' AND latitude IS NOT NULL""",
        "CREATE INDEX ON weighted (local, upto)",
        "ANALYZE weighted",
        # 70 % of the people in the platform's département, the rest anywhere.
        """UPDATE pathways_person p SET commune_id = (
               SELECT w.code FROM weighted w
                WHERE w.local = (hashint4(p.id::int) %% 10 < 7)
                  AND w.upto >= (abs(hashint4((p.id * 31)::int)) %% 100000) / 100000.0
                ORDER BY w.local, w.upto LIMIT 1),
               sex = (ARRAY['F','M','F','X'])[1 + p.id %% 4]""",
        # Triage of every request the pathways bench opened a pathway from.
        """UPDATE pathways_supportrequest SET
               triaged_at = received_at + (1 + id %% 200) * interval '1 hour',
               triage_outcome = 'pathway'
            WHERE state = 'pathway'""",
        """UPDATE pathways_pathway SET
               closure_reason = (ARRAY['objectives_reached','stabilised','handed_on',
                                       'person_declined'])[1 + id %% 4],
               satisfaction = (ARRAY['4','3','2','1',''])[1 + id %% 5]
            WHERE closed_at IS NOT NULL""",
        """INSERT INTO directory_orientation (public_id, created_at, updated_at, service_id,
               person_first_name, person_last_name, person_phone, person_email, need_theme,
               reason, consent_method, consent_recorded_at, state, state_changed_at,
               expires_at, answered_at, refusal_reason, receiver_email)
           SELECT gen_random_uuid(), t, t, sv.id, '—', '—', '', '', sv.thematiques[1], '',
                  'oral', t, st, t + interval '3 days', t + interval '14 days',
                  CASE WHEN st IN ('expired', 'sent') THEN NULL
                       ELSE t + (1 + g %% 300) * interval '1 hour' END,
                  CASE WHEN st = 'refused' THEN (ARRAY['no_capacity','out_of_area',
                       'not_eligible','unreachable'])[1 + g %% 4] ELSE '' END, ''
             FROM generate_series(1, %(orientations)s) g
             JOIN LATERAL (SELECT now() - (g %% 900) * interval '1 day' - (g %% 1440)
                                  * interval '1 minute' AS t,
                                  (ARRAY['completed','accepted','refused','expired',
                                         'not_honoured','completed','sent'])[1 + g %% 7] AS st,
                                  1 + abs(hashint4(g)) %% %(services)s AS k) x ON true
             JOIN directory_service sv
               ON sv.source = 'bench-obs' AND sv.source_id = 'sv-' || x.k""",
        """INSERT INTO directory_unmetsearch (searched_on, themes, publics, commune_id, had_text,
               channel)
           SELECT (now() - (g %% 900) * interval '1 day')::date,
                  ARRAY[(ARRAY['sante--acces-aux-soins','famille--soutien-aux-aidants',
                               'mobilite--aides-a-la-mobilite'])[1 + g %% 3]], '{}',
                  (SELECT code FROM weighted w WHERE w.local = (g %% 10 < 6)
                      AND w.upto >= (abs(hashint4(g * 13)) %% 100000) / 100000.0
                    ORDER BY w.local, w.upto LIMIT 1),
                  g %% 2 = 0, CASE WHEN g %% 5 = 0 THEN 'api' ELSE 'page' END
             FROM generate_series(1, %(searches)s) g""",
    ]
    params = {
        "dep": PLATFORM_DEPARTEMENT,
        "services": ARGS.services,
        "orientations": ARGS.orientations,
        "searches": ARGS.searches,
    }
    services(territory)
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            step = time.perf_counter()
            cursor.execute(statement, params)
            what = " ".join(statement.split()[:3])
            print(f"  {what}: {cursor.rowcount} rows, {time.perf_counter() - step:.0f} s")
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"observatory data built in {time.perf_counter() - started:.0f} s", flush=True)


THEMES = [
    "sante--acces-aux-soins",
    "logement-hebergement--besoin-d-adapter-mon-logement",
    "famille--soutien-aux-aidants",
    "sante--sante-mentale",
    "acces-aux-droits-et-citoyennete--accompagnement-dans-les-demarches-administratives",
    "mobilite--aides-a-la-mobilite",
]


def services(territory) -> None:
    """Structures and services (half on the platform's territory, half over France), each
    in a commune; then the search read-model and the accessibility index."""
    import random

    from maillage.directory import search_index
    from maillage.directory.models import Service, Structure
    from maillage.observatory import actions
    from maillage.territories.models import Commune

    if Service.objects.filter(source="bench-obs").exists():
        return
    rng = random.Random(7)
    local = list(territory.communes.values_list("code", flat=True))
    everywhere = list(Commune.objects.filter(kind="COM").values_list("code", flat=True))
    structures = Structure.objects.bulk_create(
        [
            Structure(
                name=f"Structure bench {i}",
                commune_id=rng.choice(local if i % 2 else everywhere),
                source="bench-obs",
                source_id=f"st-{i}",
                state="published",
            )
            for i in range(1, ARGS.services + 1)
        ],
        batch_size=5_000,
    )
    Service.objects.bulk_create(
        [
            Service(
                structure=structure,
                name=f"Service bench {i}",
                description="Service du territoire.",
                thematiques=[THEMES[i % len(THEMES)]],
                professions=["médecin généraliste"] if i % 6 == 0 else [],
                capacity=2 if i % 6 == 0 else None,
                commune_id=structure.commune_id,
                source="bench-obs",
                source_id=f"sv-{i}",
                state="published",
            )
            for i, structure in enumerate(structures, start=1)
        ],
        batch_size=5_000,
    )
    step = time.perf_counter()
    search_index.refresh()
    actions.accessibility_compute()
    print(f"  services, read-model, accessibility: {time.perf_counter() - step:.0f} s")


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def measure(client: Client, url: str, count: int) -> tuple[list[float], int]:
    response = client.get(url)  # warm
    assert response.status_code == 200, (url, response.status_code)
    executed = []

    def counter(execute, sql, params, many, context):
        executed.append(sql)
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        client.get(url)
    took = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url)
        took.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return took, len(executed)


def main() -> None:
    if settings.EMBEDDED_DATABASE:
        from maillage.database import embedded_server

        embedded_server().ensure_running()
    call_command("migrate", verbosity=0)
    from maillage.accounts.models import User
    from maillage.directory.models import Orientation, UnmetSearch
    from maillage.observatory import facts
    from maillage.pathways.models import Pathway, TimelineEvent
    from maillage.territories.models import Commune

    if not Commune.objects.exists():
        call_command("territories", "load", verbosity=0)
    if not Pathway.objects.exists():
        build_pathways()
    if not Orientation.objects.filter(service__source="bench-obs").exists():
        build_observatory()
    started = time.perf_counter()
    done = facts.refresh()
    refresh_seconds = time.perf_counter() - started
    print(f"  facts: {done.rows} rows in {refresh_seconds:.1f} s", flush=True)
    pathways, events = Pathway.objects.count(), TimelineEvent.objects.count()
    other_events = Orientation.objects.count() + UnmetSearch.objects.count()
    coordinator = User.objects.filter(email__startswith="coord").order_by("email").first()
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(coordinator)
    epci = Commune.objects.get(code="85191").epci_id
    year = time.localtime().tm_year - 1
    pages = [
        ("dashboard", "/observatoire/"),
        ("département", "/observatoire/?territoire=dep-44"),
        ("EPCI", f"/observatoire/?code={epci}"),
        ("commune", "/observatoire/?code=85191"),
        ("France", "/observatoire/?territoire=fr"),
        ("CSV", "/observatoire/tableaux/orientations.csv"),
        ("open data", "/observatoire/donnees-ouvertes/demandes.csv"),
        ("report", f"/observatoire/rapport/{year}/"),
        ("accessibility", "/observatoire/accessibilite/"),
    ]
    results = {}
    for name, url in pages:
        took, queries = measure(client, url, ARGS.requests)
        results[name] = percentile(took, 0.95)
        print(
            f"  {name} ({url}): p50 {statistics.median(took):.0f} ms, "
            f"p95 {results[name]:.0f} ms, max {max(took):.0f} ms, {queries} queries",
            flush=True,
        )
    print(
        f"observatory: {pathways} pathways, {events} events, {other_events} orientation and "
        f"search events, facts {refresh_seconds:.0f} s, dashboard p95 "
        f"{results['dashboard']:.0f} ms, France p95 {results['France']:.0f} ms, report p95 "
        f"{results['report']:.0f} ms, worst p95 {max(results.values()):.0f} ms"
    )


if __name__ == "__main__":
    try:
        main()
    finally:
        if SCRATCH:
            import shutil

            from maillage.database import embedded_server

            embedded_server().release()
            shutil.rmtree(SCRATCH, ignore_errors=True)
