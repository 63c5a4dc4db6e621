"""Directory at national scale: import, search through the API, and load, on a fresh embedded
PostgreSQL (or DATABASE_URL, or --data-dir to keep and reuse a built directory).

1. Generates a realistic data·inclusion JSON file — STRUCTURES structures and twice as many
   services spread over the real communes in proportion to population, with themes, publics,
   hours and accessibility — and imports it with `maillage import data-inclusion` in a child
   process, timing it and reading its peak memory.
2. Times a mixed set of searches (text; theme + commune or point + radius, with a public at
   times; text + commune + facets, with a language or a mode of reception at times; theme +
   commune + open now or on Saturday): the SQL alone (time spent in the database), then the same
   queries through `GET /api/v1/services` served by gunicorn over loopback HTTP, one by one.
3. Load: CLIENTS concurrent clients (keep-alive connections) replay the queries for SECONDS,
   first with the result cache off (every request computed), then on (the replayed queries
   are mostly answered from it: a measure of the cache, not of the search).

The public API's per-address rate limit is off for the run (MAILLAGE_API_PUBLIC_RATE_PER_MINUTE=0:
every request comes from 127.0.0.1); the embedded server gets MAILLAGE_PG_SHARED_BUFFERS=1GB
unless set.

Usage: python bench/directory_search.py [--structures 150000] [--queries 1000]
       [--clients 20] [--seconds 20] [--data-dir DIR]
Last line: `search: 300000 services, p50 .. ms, p95 .. ms (SQL p95 .. ms, ..x), .. req/s at
20 clients, 0 errors, result cache off; cache on .. req/s; import .. s, .. MB; machine loop
.. s` — the last figure is the machine's speed during the run (machine_loop_seconds).
"""

import argparse
import gc
import http.client
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))

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


def arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--structures", type=int, default=150_000)
    parser.add_argument("--queries", type=int, default=1000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=20)
    parser.add_argument("--data-dir", type=Path, help="keep the built directory here, reuse it")
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
os.environ["MAILLAGE_API_PUBLIC_RATE_PER_MINUTE"] = "0"
os.environ["MAILLAGE_SEARCH_CACHE_SECONDS"] = "0"  # the SQL timings compute every search
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

BIN = Path(sys.executable).parent


def write_file(path: Path, structures_count: int, rng: random.Random) -> int:
    """A data·inclusion v1 file: {"structures": [...], "services": [...]}, streamed."""
    from maillage.directory.enums import THEME_PARENTS, Public
    from maillage.territories.models import Commune

    communes = list(
        Commune.objects.filter(kind="COM", latitude__isnull=False, population__gt=0).values_list(
            "code", "population", "latitude", "longitude", "name"
        )
    )
    cumulative, total = [], 0
    for commune in communes:
        total += commune[1]
        cumulative.append(total)
    placed = rng.choices(communes, cum_weights=cumulative, k=structures_count)
    themes = sorted(THEME_PARENTS)
    publics = [p for p in Public.values if p != "tous-publics"]
    services = structures_count * 2
    with open(path, "w", encoding="utf-8") as out:
        out.write('{"structures": [\n')
        for n, (code, _pop, lat, lon, name) in enumerate(placed):
            row = {
                "source": "bench",
                "id": f"s{n}",
                "nom": f"{rng.choice(WORDS)} {rng.choice(KINDS)} {n}",
                "code_insee": code,
                "commune": name,
                "adresse": f"{rng.randint(1, 120)} rue de la République",
                "latitude": round(lat + rng.uniform(-0.02, 0.02), 6),
                "longitude": round(lon + rng.uniform(-0.02, 0.02), 6),
                "horaires_accueil": rng.choice(HOURS) or None,
                "telephone": f"02 {rng.randint(10, 99)} {rng.randint(10, 99)} 00 00",
                "date_maj": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
            }
            out.write(("" if n == 0 else ",\n") + json.dumps(row, ensure_ascii=False))
        out.write('\n],\n"services": [\n')
        for n in range(services):
            row = {
                "source": "bench",
                "id": f"v{n}",
                "structure_id": f"s{rng.randrange(structures_count)}",
                "nom": f"{rng.choice(WORDS)} {rng.choice(KINDS)}",
                "description": " ".join(rng.choices(TEXTS, k=3)),
                "thematiques": rng.sample(themes, k=rng.randint(1, 3)),
                "publics": ["tous-publics"] if rng.random() < 0.5 else rng.sample(publics, k=2),
                "frais": rng.choice(["gratuit", "payant", None]),
                "modes_accueil": ["a-distance"] if rng.random() < 0.05 else ["en-presentiel"],
                "zone_eligibilite": [rng.choice(["85", "44", "75", "FR"])]
                if rng.random() < 0.1
                else None,
                "date_maj": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
            }
            out.write(("" if n == 0 else ",\n") + json.dumps(row, ensure_ascii=False))
        out.write("\n]}\n")
    return services


def import_file(path: Path) -> tuple[float, float]:
    """Run `maillage import data-inclusion` in a child; its wall time and peak memory (MB)."""
    started = time.perf_counter()
    subprocess.run([str(BIN / "maillage"), "import", "data-inclusion", str(path)], check=True)
    elapsed = time.perf_counter() - started
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return elapsed, peak_kb / 1024


def facets() -> None:
    """Accessibility facets are Maillage's own fields (not in data·inclusion): set them."""
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE directory_service SET no_appointment = random() < 0.3, "
            "reduced_mobility_access = random() < 0.5, "
            "languages = CASE WHEN random() < 0.2 THEN ARRAY['fr','en'] ELSE ARRAY['fr'] END "
            "WHERE source = 'bench'"
        )


def queries(count: int, rng: random.Random) -> list[dict]:
    """Four shapes in turn, each with the variations a user brings: words alone; a need
    around a commune (or a point, a third of the time; a public, a quarter); words around a
    commune with accessibility facets (and a language or a mode of reception, sometimes);
    a need around a commune open now (or open on Saturday, a third of the time)."""
    from maillage.directory.enums import THEME_PARENTS
    from maillage.territories.models import Commune

    places = list(
        Commune.objects.filter(kind="COM", population__gt=2000, latitude__isnull=False).values_list(
            "code", "latitude", "longitude"
        )
    )
    themes = sorted(THEME_PARENTS)
    facets = ["no_appointment", "reduced_mobility_access", "interpreting", "third_party_payment"]
    result = []
    for n in range(count):
        shape = n % 4
        code, latitude, longitude = rng.choice(places)
        if shape == 0:
            result.append({"q": rng.choice(TEXTS)})
        elif shape == 1:
            query = {"theme": rng.choice(themes), "radius_km": rng.choice([10, 20, 30])}
            if rng.random() < 1 / 3:
                query["lat"], query["lon"] = round(latitude, 4), round(longitude, 4)
            else:
                query["commune"] = code
            if rng.random() < 0.25:
                query["public"] = rng.choice(["seniors", "jeunes", "familles"])
            result.append(query)
        elif shape == 2:
            query = {"q": rng.choice(TEXTS), "commune": code, "facet": rng.choice(facets)}
            if rng.random() < 0.5:
                query["free"] = "true"
            if rng.random() < 0.2:
                query["language"] = "en"
            elif rng.random() < 0.2:
                query["reception"] = "en-presentiel"
            result.append(query)
        else:
            query = {"theme": rng.choice(themes), "commune": code}
            if rng.random() < 1 / 3:
                query["open_on"] = 5  # Saturday
            else:
                query["open_now"] = "true"
            result.append(query)
    return result


def params_of(query: dict):
    from maillage.directory.queries import SearchParams

    return SearchParams(
        text=query.get("q", ""),
        themes=[query["theme"]] if "theme" in query else [],
        commune=query.get("commune"),
        latitude=query.get("lat"),
        longitude=query.get("lon"),
        radius_km=float(query.get("radius_km", 30)),
        publics=[query["public"]] if "public" in query else [],
        facets=[query["facet"]] if "facet" in query else [],
        free_only="free" in query,
        language=query.get("language"),
        reception=query.get("reception"),
        open_now="open_now" in query,
        open_on_weekday=query.get("open_on"),
    )


def sql_timings(query_list: list[dict]) -> tuple[list[float], list[float]]:
    """Per search: (time in the database, time of the whole search function), in ms."""
    from maillage.directory.queries import search_services

    spent = [0.0]

    def timer(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent[0] += time.perf_counter() - started

    database, whole = [], []
    with connection.execute_wrapper(timer):
        for query in query_list:
            spent[0] = 0.0
            started = time.perf_counter()
            results = search_services(params_of(query))
            list(results.services)
            whole.append((time.perf_counter() - started) * 1000)
            database.append(spent[0] * 1000)
    return database, whole


def serve(port: int, cache_seconds: int) -> subprocess.Popen:
    env = dict(
        os.environ,
        MAILLAGE_DEBUG="0",
        MAILLAGE_SERVE_WORKER="0",
        MAILLAGE_SEARCH_CACHE_SECONDS=str(cache_seconds),
    )
    server = subprocess.Popen(
        [
            str(BIN / "gunicorn"),
            "maillage.wsgi",
            "--workers",
            "3",
            "--worker-class",
            "gthread",
            "--threads",
            "8",
            "--bind",
            f"127.0.0.1:{port}",
            "--log-level",
            "warning",
        ],
        env=env,
    )
    for _ in range(300):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/healthz")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("gunicorn did not start")


def url_of(query: dict) -> str:
    return "/api/v1/services?" + urllib.parse.urlencode(query)


def api_timings(port: int, urls: list[str]) -> tuple[list[float], int]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    timings, errors = [], 0
    for url in urls:
        started = time.perf_counter()
        conn.request("GET", url)
        response = conn.getresponse()
        response.read()
        timings.append((time.perf_counter() - started) * 1000)
        errors += response.status != 200
    return timings, errors


def load(port: int, urls: list[str], clients: int, seconds: float) -> tuple[int, int, float]:
    done, errors = [0] * clients, [0] * clients
    stop = time.perf_counter() + seconds

    def client(index: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        position = index * 37
        while time.perf_counter() < stop:
            url = urls[position % len(urls)]
            position += 1
            try:
                conn.request("GET", url)
                response = conn.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            done[index] += 1
            errors[index] += not ok

    started = time.perf_counter()
    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done), sum(errors), time.perf_counter() - started


def machine_loop_seconds() -> float:
    """This machine's speed at the time of the run (shared machines vary threefold from one
    day to the next): the best of three runs of ten million Python additions."""
    best = float("inf")
    for _ in range(3):
        started, total = time.perf_counter(), 0
        for number in range(10_000_000):
            total += number
        best = min(best, time.perf_counter() - started)
    return best


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, int(len(ordered) * share) - 1)]


def main() -> None:
    if settings.EMBEDDED_DATABASE:
        from maillage.database import embedded_server

        embedded_server().ensure_running()
    call_command("migrate", verbosity=0)
    from maillage.directory.models import Service
    from maillage.territories.loader import load_pack

    if not Service.objects.filter(source="bench").exists():
        load_pack()
    rng = random.Random(42)
    imported = ""
    services = Service.objects.filter(source="bench", listed=True).count()
    if not services:
        with tempfile.TemporaryDirectory(prefix="maillage-bench-file-") as folder:
            path = Path(folder) / "directory.json"
            started = time.perf_counter()
            services = write_file(path, ARGS.structures, rng)
            size = path.stat().st_size / 1e6
            took = time.perf_counter() - started
            print(f"wrote {services} services ({size:.0f} MB) in {took:.0f} s")
            seconds, peak = import_file(path)
        facets()
        from maillage.directory import search_index

        search_index.refresh()  # the facets set above reach the search read-model
        # The steady state of a production database: every table the import wrote
        # (territories, directory, vocabulary, schedules) vacuumed and analysed, so that no
        # autovacuum competes with the measured load.
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE")
            # The import's and the vacuum's dirty pages written out now, not by a checkpoint
            # in the middle of the measured load.
            cursor.execute("CHECKPOINT")
        print(f"import: {services} services in {seconds:.0f} s, peak memory {peak:.0f} MB")
        imported = f"; import {seconds:.0f} s, {peak:.0f} MB"

    query_list = queries(ARGS.queries, random.Random(7))
    sql_timings(query_list[:50])  # warm the caches
    database, whole = sql_timings(query_list)
    labels = ["text", "theme+place or point", "text+place+facets", "open now or on Saturday"]
    for shape, label in enumerate(labels):
        print(
            f"  {label}: SQL p95 {percentile(database[shape::4], 0.95):.0f} ms, "
            f"search function p95 {percentile(whole[shape::4], 0.95):.0f} ms"
        )
    # The load's clients run in this process: whatever the generation and the import left
    # on its heap must not slow them down (the server is what is measured).
    gc.collect()
    gc.freeze()
    port = 18000 + os.getpid() % 1000
    urls = [url_of(q) for q in query_list]
    runs = {}
    for cache_seconds in (0, 300):
        server = serve(port, cache_seconds)
        try:
            api, api_errors = api_timings(port, urls)
            requests, load_errors, elapsed = load(port, urls, ARGS.clients, ARGS.seconds)
        finally:
            server.terminate()
            server.wait()
        runs[cache_seconds] = (api, api_errors + load_errors, requests / elapsed)
    loop = machine_loop_seconds()
    api, errors, rate = runs[0]
    cached_api, cached_errors, cached_rate = runs[300]
    sql_p95 = percentile(database, 0.95)
    api_p95 = percentile(api, 0.95)
    print(
        f"with the result cache (the {len(urls)} queries replayed): "
        f"p95 {percentile(cached_api, 0.95):.0f} ms, {cached_rate:.0f} req/s at "
        f"{ARGS.clients} clients, {cached_errors} errors"
    )
    print(
        f"search: {services} services, p50 {statistics.median(api):.0f} ms, p95 {api_p95:.0f} ms "
        f"(SQL p95 {sql_p95:.0f} ms, {api_p95 / sql_p95:.1f}x), "
        f"{rate:.0f} req/s at {ARGS.clients} clients, {errors} errors, result cache off; "
        f"cache on {cached_rate:.0f} req/s{imported}; machine loop {loop:.2f} s"
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
