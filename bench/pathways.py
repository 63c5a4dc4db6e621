"""Pathways at scale: a coordinator's home and the triage queue with 100,000 pathways,
2 million timeline events and 5,000 professionals, on a fresh embedded PostgreSQL (or
DATABASE_URL, or --data-dir to keep and reuse the built database).

1. Builds the data: 5,000 professionals in 500 organisations, 20 coordinators of the
   platform, 100,000 people each with a triaged request and an open pathway (a few closed),
   2 to 4 circle members, a plan with 2 objectives and 4 actions (some overdue), 20 timeline
   events each, notebook messages (some unread), hospital stays; plus PENDING requests
   still to triage. Persons, requests and pathways go through bulk inserts; the rest is
   generated in SQL (generate_series).
2. Renders, in-process through Django's test client (the whole view: SQL, Python,
   template), the "Parcours" page (the coordinator's home: her active pathways with overdue
   actions, revisions due, new messages and stays), the triage queue, a pathway's plan page
   and the same plan through the API, REQUESTS times each for several coordinators, and
   counts the SQL queries of each page.

Usage: python bench/pathways.py [--pathways 100000] [--events-per-pathway 20]
       [--requests 200] [--data-dir DIR]
Last line: `pathways: 100000 pathways, 2000000 events, home p95 .. ms (.. queries), triage
p95 .. ms (.. queries), plan p95 .. ms (.. queries), plan API p95 .. ms (.. queries)`
"""

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pathways", type=int, default=100_000)
    parser.add_argument("--events-per-pathway", type=int, default=20)
    parser.add_argument("--professionals", type=int, default=5_000)
    parser.add_argument("--coordinators", type=int, default=20)
    parser.add_argument("--pending", type=int, default=2_000, help="requests still to triage")
    parser.add_argument("--requests", type=int, default=200, help="page renders per page")
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
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

BATCH = 5_000


def build() -> None:
    from maillage.accounts.bootstrap import platform_organisation
    from maillage.accounts.models import Membership, Organisation, User
    from maillage.core.roles import Role
    from maillage.pathways.models import Pathway, Person, SupportRequest

    rng = random.Random(42)
    now = timezone.now()
    started = time.perf_counter()
    platform = platform_organisation()
    organisations = Organisation.objects.bulk_create(
        [Organisation(name=f"Structure {i}", kind="health_centre") for i in range(500)]
    )
    unusable = "!bench"
    coordinators = User.objects.bulk_create(
        [
            User(
                email=f"coord{i}@bench.maillage.fr",
                full_name=f"Coordinatrice {i}",
                password=unusable,
            )
            for i in range(ARGS.coordinators)
        ]
    )
    professionals = User.objects.bulk_create(
        [
            User(
                email=f"pro{i}@bench.maillage.fr",
                full_name=f"Professionnel·le {i}",
                password=unusable,
            )
            for i in range(ARGS.professionals)
        ],
        batch_size=BATCH,
    )
    Membership.objects.bulk_create(
        [Membership(user=u, organisation=platform, role=Role.COORDINATOR) for u in coordinators]
        + [
            Membership(
                user=u, organisation=organisations[i % len(organisations)], role=Role.PROFESSIONAL
            )
            for i, u in enumerate(professionals)
        ],
        batch_size=BATCH,
    )
    total = ARGS.pathways + ARGS.pending
    persons = Person.objects.bulk_create(
        [
            Person(
                first_name=f"Prénom{i}",
                last_name=f"Nom{i}",
                birth_date=now.date().replace(year=1930 + i % 60),
                sex="FMX"[i % 3],
                identity_key=f"nom{i}|prenom{i}|",
            )
            for i in range(total)
        ],
        batch_size=BATCH,
    )
    requests = SupportRequest.objects.bulk_create(
        [
            SupportRequest(
                platform=platform,
                requester=professionals[i % len(professionals)],
                requester_kind="professional",
                person=person,
                reason="Situation complexe au domicile",
                needs=["autonomy", "housing"],
                urgency=["urgent", "soon", "routine"][i % 3],
                urgency_rank=i % 3,
                consent_mode="consents",
                information_items=["identity", "situation"],
                recipients=["platform", "circle"],
                consent_recorded_at=now,
                consent_recorded_by=professionals[i % len(professionals)],
                state="pathway" if i < ARGS.pathways else "received",
                received_at=now - timezone.timedelta(days=rng.randint(0, 900), minutes=i % 1440),
            )
            for i, person in enumerate(persons)
        ],
        batch_size=BATCH,
    )
    Pathway.objects.bulk_create(
        [
            Pathway(
                platform=platform,
                person=persons[i],
                request=requests[i],
                referent=coordinators[i % len(coordinators)],
                state="open" if i % 10 else "closed",
                opened_at=requests[i].received_at + timezone.timedelta(days=2),
                closed_at=now if i % 10 == 0 else None,
            )
            for i in range(ARGS.pathways)
        ],
        batch_size=BATCH,
    )
    print(f"  people, requests, pathways: {time.perf_counter() - started:.0f} s", flush=True)
    events = ARGS.events_per_pathway
    statements = [
        # The referent, the requesting professional, and up to two more professionals.
        """INSERT INTO pathways_circlemember (public_id, created_at, updated_at, pathway_id,
               user_id, role, status, joined_at, notebook_read_at)
           SELECT gen_random_uuid(), now(), now(), p.id, p.referent_id, 'referent', 'active',
                  p.opened_at, CASE WHEN p.id % 3 = 0 THEN NULL ELSE now() - interval '20 days' END
             FROM pathways_pathway p""",
        """INSERT INTO pathways_circlemember (public_id, created_at, updated_at, pathway_id,
               user_id, role, status, joined_at)
           SELECT gen_random_uuid(), now(), now(), p.id, r.requester_id, 'gp', 'active', p.opened_at
             FROM pathways_pathway p JOIN pathways_supportrequest r ON r.id = p.request_id""",
        (
            """INSERT INTO pathways_circlemember (public_id, created_at, updated_at, pathway_id,
               user_id, role, status, joined_at)
           SELECT gen_random_uuid(), now(), now(), p.id, u.id, 'nurse', 'active', p.opened_at
             FROM pathways_pathway p
             JOIN accounts_user u ON u.email = 'pro' || ((p.id * 7919) %% %s)
                                                    || '@bench.maillage.fr'
            WHERE p.id %% 2 = 0
           ON CONFLICT DO NOTHING""",
            [ARGS.professionals],
        ),
        """INSERT INTO pathways_plan (public_id, created_at, updated_at, pathway_id, problems,
               person_project, alert_procedure, revision_on, version)
           SELECT gen_random_uuid(), now(), now(), p.id, 'Chutes, isolement',
                  'Rester chez moi', 'Appeler sa fille',
                  (now() + ((p.id % 200) - 20) * interval '1 day')::date, 3
             FROM pathways_pathway p""",
        # One plan in nine names a need the territory has no resource for.
        """INSERT INTO pathways_objective (plan_id, public_id, need, text, criteria, status,
               created_at, no_resource)
           SELECT pl.id, gen_random_uuid(), (ARRAY['autonomy','housing'])[g], 'Objectif ' || g,
                  '', 'open', now(), g = 2 AND pl.id % 9 = 0
             FROM pathways_plan pl, generate_series(1, 2) g""",
        """INSERT INTO pathways_planaction (objective_id, public_id, text, owner_is_person,
               due_on, status, created_at)
           SELECT o.id, gen_random_uuid(), 'Action ' || g, g = 2,
                  (now() + ((o.id * 13 + g * 7) % 120 - 30) * interval '1 day')::date,
                  (ARRAY['planned','in_progress','done'])[1 + (o.id + g) % 3], now()
             FROM pathways_objective o, generate_series(1, 2) g""",
        (
            """INSERT INTO pathways_timelineevent (pathway_id, occurred_at, kind, actor_id, summary)
           SELECT p.id, p.opened_at + g * interval '6 hours',
                  (ARRAY['plan_saved','message','assessed','member_joined'])[1 + g %% 4],
                  p.referent_id, ''
             FROM pathways_pathway p, generate_series(1, %s) g""",
            [events],
        ),
        """INSERT INTO pathways_message (public_id, created_at, updated_at, created_by_id,
               pathway_id, body)
           SELECT gen_random_uuid(), now() - (g * 9) * interval '1 day', now(), r.requester_id,
                  p.id, 'Message ' || g
             FROM pathways_pathway p JOIN pathways_supportrequest r ON r.id = p.request_id,
                  generate_series(1, 2) g""",
        """INSERT INTO pathways_hospitalstay (public_id, created_at, updated_at, pathway_id,
               facility, admitted_on, state, discharge_destination)
           SELECT gen_random_uuid(), now(), now(), p.id, 'CHD', now()::date - 3,
                  'in_hospital', ''
             FROM pathways_pathway p WHERE p.id % 25 = 0""",
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        for statement in statements:
            statement, params = statement if isinstance(statement, tuple) else (statement, None)
            step = time.perf_counter()
            cursor.execute(statement, params)
            table = statement.split("INTO ")[1].split(" ")[0]
            print(
                f"  {table}: {cursor.rowcount} rows, {time.perf_counter() - step:.0f} s", flush=True
            )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(f"built in {time.perf_counter() - started:.0f} s", flush=True)


def timings(client: Client, url: str, count: int) -> tuple[list[float], int]:
    client.get(url)  # warm
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    queries = len(captured.captured_queries)
    took = []
    for _ in range(count):
        started = time.perf_counter()
        response = client.get(url)
        took.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200
    return took, queries


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def main() -> None:
    if settings.EMBEDDED_DATABASE:
        from maillage.database import embedded_server

        embedded_server().ensure_running()
    call_command("migrate", verbosity=0)
    from maillage.accounts.models import User
    from maillage.pathways.models import Pathway, TimelineEvent

    if not Pathway.objects.exists():
        build()
    pathways = Pathway.objects.count()
    events = TimelineEvent.objects.count()
    coordinators = list(User.objects.filter(email__startswith="coord").order_by("email")[:4])
    results = {}

    def plan_of(coordinator) -> str:
        """An open pathway of her platform (its plan: 2 objectives, 4 actions)."""
        platforms = [m.organisation_id for m in coordinator.active_memberships()]
        pathway = Pathway.objects.filter(state="open", platform__in=platforms).order_by("pk")
        return str(pathway.first().public_id)

    pages = (
        ("home", lambda c: "/parcours/"),
        ("triage", lambda c: "/parcours/demandes/"),
        ("plan", lambda c: f"/parcours/{plan_of(c)}/plan/"),
        ("plan API", lambda c: f"/api/v1/pathways/{plan_of(c)}/plan"),
    )
    for name, url_for in pages:
        took, queries = [], set()
        for coordinator in coordinators:
            client = Client(HTTP_HOST="127.0.0.1")
            client.force_login(coordinator)
            values, count = timings(
                client, url_for(coordinator), ARGS.requests // len(coordinators)
            )
            took += values
            queries.add(count)
        results[name] = (took, queries)
        print(
            f"  {name} ({url_for(coordinators[0])}): p50 {statistics.median(took):.0f} ms, "
            f"p95 {percentile(took, 0.95):.0f} ms, max {max(took):.0f} ms, "
            f"SQL queries per render {sorted(queries)}",
            flush=True,
        )

    def p95(name) -> str:
        took, queries = results[name]
        return f"{name} p95 {percentile(took, 0.95):.0f} ms ({max(queries)} queries)"

    print(
        f"pathways: {pathways} pathways, {events} events, "
        + ", ".join(p95(name) for name, _url in pages)
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
