"""Directory search at national scale, on a fresh embedded PostgreSQL (or DATABASE_URL).

Generates a realistic directory — STRUCTURES structures and twice as many services spread over
the real communes in proportion to population, with themes, publics, hours and accessibility —
then times a mixed set of searches (text, theme + commune + radius, facets, open now) through
the same function the page and the API use.

Usage: python bench/directory_search.py [--structures 150000] [--queries 1000]
Last line: `search: 300000 services, p50 .. ms, p95 .. ms (1000 queries), build .. s`
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
SCRATCH = None
if "MAILLAGE_DATA_DIR" not in os.environ and "DATABASE_URL" not in os.environ:
    SCRATCH = tempfile.mkdtemp(prefix="maillage-bench-")
    os.environ["MAILLAGE_DATA_DIR"] = SCRATCH
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

TEXTS = [
    "medecin generaliste",
    "sante mentale",
    "addictions",
    "aide alimentaire",
    "logement",
    "soutien aidants",
    "centre de sante",
    "infirmier",
    "psychologue",
    "hebergement urgence",
    "acces aux droits",
    "dentiste",
    "permanence",
    "consultation jeunes",
    "medcin",
]
HOURS = [
    "Mo-Fr 09:00-12:00,14:00-17:00; PH off",
    "Mo-Sa 08:00-19:00",
    "24/7",
    "Tu,Th 14:00-18:00",
    "Mo-Fr 08:30-12:30",
    "",
]
WORDS = ["Centre", "Maison", "Espace", "Permanence", "Service", "Point", "Accueil", "Relais"]
KINDS = [
    "de santé",
    "social",
    "des solidarités",
    "médico-psychologique",
    "d'accès aux droits",
    "jeunes",
    "famille",
    "seniors",
    "addictologie",
    "logement",
]


def generate(structures_count: int, rng: random.Random) -> int:
    from maillage.directory.enums import THEME_PARENTS, Public
    from maillage.directory.models import Service, Structure
    from maillage.territories.models import Commune

    communes = list(
        Commune.objects.filter(kind="COM", latitude__isnull=False, population__gt=0).values_list(
            "code", "population", "latitude", "longitude"
        )
    )
    cumulative, total = [], 0
    for commune in communes:
        total += commune[1]
        cumulative.append(total)
    placed = rng.choices(communes, cum_weights=cumulative, k=structures_count)
    themes = sorted(THEME_PARENTS)
    publics = [p for p in Public.values if p != "tous-publics"]
    batch_structures = []
    for n, (code, _pop, lat, lon) in enumerate(placed):
        batch_structures.append(
            Structure(
                source="bench",
                source_id=f"s{n}",
                state="published",
                name=f"{rng.choice(WORDS)} {rng.choice(KINDS)} {n}",
                commune_id=code,
                latitude=lat + rng.uniform(-0.02, 0.02),
                longitude=lon + rng.uniform(-0.02, 0.02),
                opening_hours=rng.choice(HOURS),
            )
        )
    Structure.objects.bulk_create(batch_structures, batch_size=5000)
    ids = list(Structure.objects.filter(source="bench").values_list("pk", flat=True))
    services = []
    for n in range(structures_count * 2):
        services.append(
            Service(
                source="bench",
                source_id=f"v{n}",
                state="published",
                structure_id=rng.choice(ids),
                name=f"{rng.choice(WORDS)} {rng.choice(KINDS)}",
                description=" ".join(rng.choices(TEXTS, k=3)),
                thematiques=rng.sample(themes, k=rng.randint(1, 3)),
                publics=["tous-publics"] if rng.random() < 0.5 else rng.sample(publics, k=2),
                fees=rng.choice(["gratuit", "payant", ""]),
                reception_modes=["a-distance"] if rng.random() < 0.05 else ["en-presentiel"],
                eligibility_zone=[rng.choice(["85", "44", "75", "FR"])]
                if rng.random() < 0.1
                else [],
                no_appointment=rng.random() < 0.3,
                reduced_mobility_access=rng.random() < 0.5,
                languages=["fr", "en"] if rng.random() < 0.2 else ["fr"],
            )
        )
        if len(services) == 10000:
            Service.objects.bulk_create(services)
            services = []
    Service.objects.bulk_create(services)
    return structures_count * 2


def queries(count: int, rng: random.Random):
    from maillage.directory.enums import THEME_PARENTS
    from maillage.directory.queries import SearchParams
    from maillage.territories.models import Commune

    places = list(
        Commune.objects.filter(kind="COM", population__gt=2000).values_list("code", flat=True)
    )
    themes = sorted(THEME_PARENTS)
    for n in range(count):
        shape = n % 4
        if shape == 0:
            yield SearchParams(text=rng.choice(TEXTS))
        elif shape == 1:
            yield SearchParams(
                themes=[rng.choice(themes)],
                commune=rng.choice(places),
                radius_km=rng.choice([10, 20, 30]),
            )
        elif shape == 2:
            yield SearchParams(
                text=rng.choice(TEXTS),
                commune=rng.choice(places),
                facets=["no_appointment"],
                free_only=rng.random() < 0.5,
            )
        else:
            yield SearchParams(
                themes=[rng.choice(themes)], commune=rng.choice(places), open_now=True
            )


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--structures", type=int, default=150_000)
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args()
    if settings.EMBEDDED_DATABASE:
        from maillage.database import embedded_server

        embedded_server().ensure_running()
    call_command("migrate", verbosity=0)
    from django.db import connection

    from maillage.directory import search_index
    from maillage.directory.queries import search_services
    from maillage.territories.loader import load_pack

    load_pack()
    rng = random.Random(42)
    started = time.perf_counter()
    services = generate(args.structures, rng)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    search_index.refresh()
    with connection.cursor() as cursor:
        # The read-model is written by an UPDATE after the inserts: clear the dead rows as
        # autovacuum would after a real import.
        cursor.execute("VACUUM ANALYZE directory_service")
        cursor.execute("VACUUM ANALYZE directory_structure")
    indexed = time.perf_counter() - started
    print(f"generated {services} services in {generated:.0f} s, indexed in {indexed:.0f} s")

    timings = []
    for params in queries(args.queries, rng):
        started = time.perf_counter()
        results = search_services(params)
        list(results.services)
        timings.append((time.perf_counter() - started) * 1000)
    by_shape = {}
    for shape in range(4):
        shape_times = sorted(timings[shape::4])  # queries() cycles through the 4 shapes
        by_shape[shape] = shape_times[int(len(shape_times) * 0.95) - 1]
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        "p95 by shape (text, theme+place, text+place+facets, open now):",
        ", ".join(f"{v:.0f} ms" for v in by_shape.values()),
    )
    print(
        f"search: {services} services, p50 {p50:.0f} ms, p95 {p95:.0f} ms "
        f"({len(timings)} queries through search_services), build {generated + indexed:.0f} s"
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
