"""A heat wave's check-call campaign at scale: 2,000 people followed on a territory, each
called; the campaign's board must render in <= 200 ms p95 with a constant number of
queries (issue 19). On a fresh embedded PostgreSQL (or DATABASE_URL).

1. Builds a platform, its coordinator (the referent of every pathway), 200 professionals,
   2,000 people of La Roche-sur-Yon, 75 and over, each with an open pathway, a plan and a
   circle (the referent; one professional in ten circles).
2. Launches the campaign through the real action (a call-to-check action in each plan, each
   plan saved with its version and snapshot): the time it takes.
3. Renders the board (page 1, a state, the last page), the same board through the API, and
   the board of a professional who sees only the people of her circles — REQUESTS times
   each, with their SQL queries; then again with twice the people, to show the queries do
   not grow.

Usage: python bench/check_calls.py [--people 2000] [--requests 100]
Last line: `check calls: 2000 people, campaign launched in .. s, board p95 .. ms (..
queries), state p95 .. ms, last page p95 .. ms, API p95 .. ms, professional p95 .. ms;
queries with 4000 people: ..`
"""

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

parser = argparse.ArgumentParser()
parser.add_argument("--people", type=int, default=2_000)
parser.add_argument("--requests", type=int, default=100, help="renders per page")
ARGS = parser.parse_args()

SCRATCH = None
if "MAILLAGE_DATA_DIR" not in os.environ and "DATABASE_URL" not in os.environ:
    SCRATCH = tempfile.mkdtemp(prefix="maillage-bench-")
    os.environ["MAILLAGE_DATA_DIR"] = SCRATCH
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")
os.environ["MAILLAGE_DEBUG"] = "0"

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from measure import quantile, renders  # noqa: E402

BATCH = 2_000
UNUSABLE = "!bench"  # an unusable password hash: these accounts never log in


def build(people: int, start: int = 0):
    """`people` more people followed by the platform's coordinator, in La Roche-sur-Yon."""
    from maillage.accounts.bootstrap import platform_organisation
    from maillage.accounts.models import Membership, Organisation, User
    from maillage.core.roles import Role
    from maillage.pathways.models import Pathway, Person, SupportRequest
    from maillage.territories.models import Commune, Departement, Region, Territory

    now = timezone.now()
    platform = platform_organisation()
    region = Region.objects.get_or_create(code="52", defaults={"name": "Pays de la Loire"})[0]
    departement = Departement.objects.get_or_create(
        code="85", defaults={"name": "Vendée", "region": region, "search_name": "vendee"}
    )[0]
    Commune.objects.get_or_create(
        code="85191",
        defaults={
            "name": "La Roche-sur-Yon",
            "kind": "COM",
            "departement": departement,
            "search_name": "la roche sur yon",
        },
    )
    territory, _ = Territory.objects.get_or_create(name="Rives de l'Yon", organisation=platform)
    territory.communes.add("85191")
    coordinator = User.objects.filter(email="coord@bench.maillage.fr").first()
    if coordinator is None:
        coordinator = User.objects.create(
            email="coord@bench.maillage.fr", full_name="Coordinatrice", password=UNUSABLE
        )
        Membership.objects.create(user=coordinator, organisation=platform, role=Role.COORDINATOR)
        structure = Organisation.objects.create(name="Centre de santé", kind="health_centre")
        professionals = User.objects.bulk_create(
            [
                User(email=f"pro{i}@bench.maillage.fr", full_name=f"Pro {i}", password=UNUSABLE)
                for i in range(200)
            ]
        )
        Membership.objects.bulk_create(
            [
                Membership(user=u, organisation=structure, role=Role.PROFESSIONAL)
                for u in professionals
            ]
        )
    professionals = list(User.objects.filter(email__startswith="pro").order_by("pk"))
    persons = Person.objects.bulk_create(
        [
            Person(
                first_name=f"Prénom{i}",
                last_name=f"Nom{i:05d}",
                birth_date=dt.date(1935 + i % 15, 1 + i % 12, 1),
                commune_id="85191",
                phone="0601020304",
                identity_key=f"nom{i}|prenom{i}|",
            )
            for i in range(start, start + people)
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
                reason="Isolement",
                needs=["autonomy"],
                urgency="soon",
                urgency_rank=1,
                consent_mode="consents",
                information_items=["identity"],
                recipients=["platform", "circle"],
                consent_recorded_at=now,
                consent_recorded_by=professionals[i % len(professionals)],
                state="pathway",
                received_at=now,
            )
            for i, person in enumerate(persons)
        ],
        batch_size=BATCH,
    )
    Pathway.objects.bulk_create(
        [
            Pathway(
                platform=platform,
                person=person,
                request=request,
                referent=coordinator,
                state="open",
                opened_at=now,
            )
            for person, request in zip(persons, requests, strict=True)
        ],
        batch_size=BATCH,
    )
    with connection.cursor() as cursor:
        cursor.execute(
            """INSERT INTO pathways_circlemember (public_id, created_at, updated_at, pathway_id,
                   user_id, role, status, joined_at)
               SELECT gen_random_uuid(), now(), now(), p.id, p.referent_id, 'referent',
                      'active', p.opened_at
                 FROM pathways_pathway p
                WHERE NOT EXISTS (SELECT 1 FROM pathways_circlemember m
                                   WHERE m.pathway_id = p.id)"""
        )
        # One professional in ten circles: the requester.
        cursor.execute(
            """INSERT INTO pathways_circlemember (public_id, created_at, updated_at, pathway_id,
                   user_id, role, status, joined_at)
               SELECT gen_random_uuid(), now(), now(), p.id, r.requester_id, 'nurse', 'active',
                      p.opened_at
                 FROM pathways_pathway p JOIN pathways_supportrequest r ON r.id = p.request_id
                WHERE p.id % 10 = 0 ON CONFLICT DO NOTHING"""
        )
        cursor.execute(
            """INSERT INTO pathways_plan (public_id, created_at, updated_at, pathway_id,
                   problems, person_project, alert_procedure, version)
               SELECT gen_random_uuid(), now(), now(), p.id, '', '', '', 0
                 FROM pathways_pathway p
                WHERE NOT EXISTS (SELECT 1 FROM pathways_plan x WHERE x.pathway_id = p.id)"""
        )
    return coordinator, territory


def launch(coordinator, territory):
    from maillage.cooperation import actions
    from maillage.cooperation.inputs import CampaignIn

    began = time.perf_counter()
    campaign = actions.campaign_create(
        actor=coordinator,
        data=CampaignIn(
            title=f"Canicule {time.time():.0f}",
            territory=territory.public_id,
            due_on=timezone.localdate() + dt.timedelta(days=1),
            min_age=75,
        ),
    )
    return campaign, time.perf_counter() - began


def measure(campaign, coordinator):
    from maillage.accounts.models import User
    from maillage.cooperation.models import CheckCall

    board = f"/cooperation/campagnes/{campaign.public_id}/"
    calls = CheckCall.objects.filter(campaign=campaign).count()
    last = (calls - 1) // 100 + 1
    professional = (  # one in ten circles: the board shows her people only
        User.objects.filter(email__startswith="pro", circle_memberships__isnull=False)
        .order_by("pk")
        .first()
    )
    pages = [
        ("board", coordinator, board),
        ("state", coordinator, board + "?etat=to_call&page=2"),
        ("last page", coordinator, board + f"?page={last}"),
        ("API", coordinator, f"/api/v1/campaigns/{campaign.public_id}"),
    ]
    if professional is not None:
        pages.append(("professional", professional, board))
    results = {}
    for name, user, url in pages:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        took, queries = renders(client, url, ARGS.requests)
        results[name] = (took, queries)
        print(
            f"  {name} ({url}): p50 {statistics.median(took):.0f} ms, "
            f"p95 {quantile(took, 0.95):.0f} ms, max {max(took):.0f} ms, {queries} queries",
            flush=True,
        )
    return results


def main() -> None:
    if settings.EMBEDDED_DATABASE:
        from maillage.database import embedded_server

        embedded_server().ensure_running()
    call_command("migrate", verbosity=0)
    coordinator, territory = build(ARGS.people)
    campaign, launched = launch(coordinator, territory)
    print(f"  campaign of {campaign.calls.count()} calls launched in {launched:.1f} s", flush=True)
    results = measure(campaign, coordinator)
    # Twice the people: the same queries per render.
    build(ARGS.people, start=ARGS.people)
    bigger, _took = launch(coordinator, territory)
    again = measure(bigger, coordinator)
    line = ", ".join(
        f"{name} p95 {quantile(took, 0.95):.0f} ms ({queries} queries)"
        for name, (took, queries) in results.items()
    )
    grown = ", ".join(f"{name} {queries}" for name, (_t, queries) in again.items())
    print(
        f"check calls: {ARGS.people} people, campaign launched in {launched:.1f} s, {line}; "
        f"queries with {bigger.calls.count()} people: {grown}"
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
