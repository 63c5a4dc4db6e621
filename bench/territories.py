"""Territory referential: pack load time (first and idempotent second load) and place-search
latency, on a fresh embedded PostgreSQL in a temporary data folder (or DATABASE_URL).

Last line: `territories: load 6.1 s, reload 5.9 s, search p50 3.1 ms p95 5.0 ms (200 queries)`
"""

import os
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

QUERIES = [
    "st florent",
    "la roche sur yon",
    "85310",
    "paris",
    "marseille",
    "vie et boulogne",
    "saint",
    "fougere",
    "aix",
    "bois",
]


def main() -> None:
    if settings.EMBEDDED_DATABASE:
        from maillage.database import embedded_server

        embedded_server().ensure_running()
    call_command("migrate", verbosity=0)
    from maillage.territories.loader import load_pack
    from maillage.territories.queries import search_places

    started = time.perf_counter()
    load_pack()
    first = time.perf_counter() - started
    started = time.perf_counter()
    report = load_pack()
    second = time.perf_counter() - started

    timings = []
    for _round in range(20):
        for query in QUERIES:
            started = time.perf_counter()
            search_places(query)
            timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    p50 = statistics.median(timings)
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(f"communes loaded: {report.communes}, former names: {report.former_communes}")
    print(
        f"territories: load {first:.1f} s, reload {second:.1f} s, "
        f"search p50 {p50:.1f} ms p95 {p95:.1f} ms ({len(timings)} queries)"
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
