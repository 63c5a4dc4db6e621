"""Suspected duplicates at national scale, on a fresh embedded PostgreSQL (or DATABASE_URL,
or --data-dir to keep and reuse the built directory).

1. Writes a data·inclusion file of STRUCTURES structures from three sources, placed over the
   real communes in proportion to population (so that big cities hold thousands each), with
   planted duplicates across sources — the same SIRET (2 %), the same FINESS number (1 %),
   the same place under a slightly different name (4 %) — and imports it with
   `maillage import data-inclusion` in a child process (which compares the whole directory).
2. Times a full refresh of the pairs (the nightly job), and the refresh of one structure
   (what an edit costs).
3. Times the moderators' page (`/annuaire/moderation/doublons/`, pages 1 and 20) through the
   Django test client, logged in as a coordinator: every request computed.
4. With --old, times the former live query (every structure against its commune, on each
   visit), stopped after 120 s.

Usage: python bench/duplicates.py [--structures 150000] [--data-dir DIR] [--old]
Last line: `duplicates: 150000 structures, .. pairs (.. planted); page p50 .. ms, p95 .. ms;
full refresh .. s; one structure .. ms; import .. s, .. MB`.
"""

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--structures", type=int, default=150_000)
    parser.add_argument("--loads", type=int, default=30)
    parser.add_argument("--data-dir", type=Path, help="keep the built directory here, reuse it")
    parser.add_argument("--old", action="store_true", help="also time the former live query")
    return parser.parse_args()


ARGS = arguments()
if ARGS.data_dir:
    ARGS.data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["MAILLAGE_DATA_DIR"] = str(ARGS.data_dir.resolve())
elif "MAILLAGE_DATA_DIR" not in os.environ and "DATABASE_URL" not in os.environ:
    os.environ["MAILLAGE_DATA_DIR"] = tempfile.mkdtemp(prefix="maillage-bench-")
os.environ.setdefault("MAILLAGE_PG_SHARED_BUFFERS", "1GB")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402

BIN = Path(sys.executable).parent
SOURCES = ["dora", "finess", "tableur"]
WORDS = ["Centre", "Maison", "Espace", "Permanence", "Service", "Point", "Accueil", "Relais"]
KINDS = ["de santé", "social", "des solidarités", "médico-psychologique", "jeunes", "famille"]
PLACES = ["du Bocage", "des Tilleuls", "Saint-Martin", "de la Gare", "du Centre", "des Halles"]


def _siret(rng: random.Random) -> str:
    """A SIRET with a right Luhn key."""
    from maillage.accounts.validators import siret_valid

    while True:
        candidate = f"{rng.randrange(10**13, 10**14)}"
        if siret_valid(candidate):
            return candidate


def _variant(name: str, rng: random.Random) -> str:
    """The same name as another source writes it: case, accents, a word more or less."""
    choice = rng.random()
    if choice < 0.3:
        return name.upper()
    if choice < 0.6:
        return name.replace("é", "e").replace("è", "e").lower()
    if choice < 0.8:
        return name.replace("Centre", "Ctre").replace("Maison", "Mson")
    return f"{name} (antenne)"


def write_file(path: Path, count: int, rng: random.Random) -> int:
    """A data·inclusion file of `count` structures; the number of planted duplicates."""
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
    planted = 0
    rows = []
    n = 0
    while len(rows) < count:
        code, _pop, lat, lon = rng.choices(communes, cum_weights=cumulative)[0]
        row = {
            "source": rng.choice(SOURCES),
            "id": f"s{n}",
            "nom": f"{rng.choice(WORDS)} {rng.choice(KINDS)} {rng.choice(PLACES)} {n}",
            "code_insee": code,
            "latitude": round(lat + rng.uniform(-0.02, 0.02), 6),
            "longitude": round(lon + rng.uniform(-0.02, 0.02), 6),
            "date_maj": "2026-10-01",
        }
        rows.append(row)
        n += 1
        twin = rng.random()
        if twin < 0.07 and len(rows) < count:
            other = dict(row, source=rng.choice([s for s in SOURCES if s != row["source"]]))
            other["id"] = f"s{n}"
            n += 1
            if twin < 0.02:
                row["siret"] = other["siret"] = _siret(rng)
                other["nom"] = f"Association {rng.choice(PLACES)} {n}"
            elif twin < 0.03:
                row["finess"] = other["finess"] = f"{rng.randint(10, 95)}{rng.randrange(10**7):07d}"
                other["nom"] = f"Établissement {rng.choice(PLACES)} {n}"
            else:
                other["nom"] = _variant(row["nom"], rng)
                other["latitude"] = round(row["latitude"] + 0.0004, 6)  # about 45 m away
            rows.append(other)
            planted += 1
    with open(path, "w", encoding="utf-8") as out:
        json.dump({"structures": rows}, out, ensure_ascii=False)
    return planted


def import_file(path: Path) -> tuple[float, float]:
    started = time.perf_counter()
    subprocess.run(
        [str(BIN / "maillage"), "import", "data-inclusion", "--skip-invalid", str(path)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    return time.perf_counter() - started, resource.getrusage(
        resource.RUSAGE_CHILDREN
    ).ru_maxrss / 1024


def page_timings(loads: int) -> list[float]:
    from django.test import Client
    from django.urls import reverse

    from maillage.accounts.models import User
    from maillage.demo.setup import setup_demo

    coordinator = User.objects.filter(email="coordination@demo.maillage.fr").first()
    if coordinator is None:
        setup_demo()
        coordinator = User.objects.get(email="coordination@demo.maillage.fr")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(coordinator)
    url = reverse("directory:duplicates")
    client.get(url)  # warm
    timings = []
    for n in range(loads):
        started = time.perf_counter()
        response = client.get(url + ("?page=20" if n % 2 else ""))
        timings.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return timings


OLD_SQL = """
SELECT count(*) FROM (
    SELECT a.id, b.id FROM directory_structure a
    JOIN directory_structure b ON a.siret = b.siret AND a.id < b.id AND a.source <> b.source
    WHERE a.siret <> ''
    UNION
    SELECT a.id, b.id FROM directory_structure a
    JOIN directory_structure b ON a.finess = b.finess AND a.id < b.id AND a.source <> b.source
    WHERE a.finess <> ''
    UNION
    SELECT a.id, b.id FROM directory_structure a
    JOIN directory_structure b ON a.id < b.id AND a.source <> b.source
      AND a.commune_id = b.commune_id
      AND similarity(lower(public.unaccent(a.name)), lower(public.unaccent(b.name))) >= 0.6
) p
"""


def old_query() -> str:
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL statement_timeout = '120s'")
        started = time.perf_counter()
        try:
            cursor.execute(OLD_SQL)
        except django.db.OperationalError:
            return "former live query stopped after 120 s"
        return f"former live query {time.perf_counter() - started:.0f} s"


def main() -> None:
    if settings.EMBEDDED_DATABASE:
        from maillage.database import embedded_server

        embedded_server().ensure_running()
    call_command("migrate", verbosity=0)
    from maillage.directory import duplicates
    from maillage.directory.models import DuplicateCandidate, Structure
    from maillage.territories.loader import load_pack

    imported = ""
    planted = "?"
    if not Structure.objects.filter(id__isnull=False).exists():
        load_pack()
        with tempfile.TemporaryDirectory(prefix="maillage-bench-file-") as folder:
            path = Path(folder) / "structures.json"
            planted = write_file(path, ARGS.structures, random.Random(42))
            seconds, peak = import_file(path)
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE directory_structure")
            cursor.execute("VACUUM ANALYZE directory_duplicatecandidate")
        imported = f"; import {seconds:.0f} s, {peak:.0f} MB"
        print(
            f"import: {ARGS.structures} structures, {planted} planted duplicates, {seconds:.0f} s"
        )
    structures = Structure.objects.count()
    started = time.perf_counter()
    with transaction.atomic():
        pairs = duplicates.refresh()
    full = time.perf_counter() - started
    print(f"full refresh: {pairs} pairs in {full:.1f} s")
    some = list(Structure.objects.order_by("?").values_list("pk", flat=True)[:20])
    one = []
    for pk in some:
        started = time.perf_counter()
        with transaction.atomic():
            duplicates.refresh(structure_ids=[pk])
        one.append((time.perf_counter() - started) * 1000)
    timings = sorted(page_timings(ARGS.loads))
    p50, p95 = statistics.median(timings), timings[int(len(timings) * 0.95) - 1]
    print(f"page: p50 {p50:.0f} ms, p95 {p95:.0f} ms over {len(timings)} loads")
    old = f"; {old_query()}" if ARGS.old else ""
    print(
        f"duplicates: {structures} structures, {DuplicateCandidate.objects.count()} pairs "
        f"({planted} planted); page p50 {p50:.0f} ms, p95 {p95:.0f} ms; full refresh "
        f"{full:.1f} s; one structure {statistics.median(one):.0f} ms{imported}{old}"
    )


if __name__ == "__main__":
    main()
