"""Peak memory of imports fed hostile files, each imported by `maillage import` in a child
process on a fresh embedded PostgreSQL (or DATABASE_URL, or --data-dir): the bound the
readers promise (directory/imports/reading.py) is measured, not assumed.

The files: JSON nested 40 KB and 40 MB deep (the probe's 400 KB took 22.7 GB before), an
endless 200 MB string, an item of 16 MB of empty lists, an HSDS file nested deep, a CSV whose
one cell is 200 MB, a CSV of one 200 MB line without an end, a FINESS file of 200 MB of one
line, a CSV of 4 million bad lines (every one rejected), a FINESS file of a million
geolocation lines; and, for comparison, a data·inclusion file of 50,000 valid rows.

Usage: python bench/import_memory.py [--data-dir DIR]
Last line: `import memory: worst peak .. MB (..) over .. hostile files, every one rejected in
French; a valid file of 50000 rows .. MB`.
"""

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "src"))


def arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--data-dir", type=Path)
    return parser.parse_args()


ARGS = arguments()
if ARGS.data_dir:
    ARGS.data_dir.mkdir(parents=True, exist_ok=True)
    os.environ["MAILLAGE_DATA_DIR"] = str(ARGS.data_dir.resolve())
elif "MAILLAGE_DATA_DIR" not in os.environ and "DATABASE_URL" not in os.environ:
    os.environ["MAILLAGE_DATA_DIR"] = tempfile.mkdtemp(prefix="maillage-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "maillage.settings")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402

BIN = Path(sys.executable).parent
MEASURE = """
import resource, subprocess, sys
run = subprocess.run(sys.argv[1:], capture_output=True, text=True)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
last = (run.stdout + run.stderr).strip().splitlines()[-1:] or [""]
print(f"{run.returncode}\\t{peak:.0f}\\t{last[0][:160]}")
"""


def hostile(folder: Path) -> list[tuple[str, str, Path]]:
    files = []

    def write(name, fmt, writer):
        path = folder / name
        with open(path, "w", encoding="utf-8") as out:
            writer(out)
        files.append((name, fmt, path))

    def nested(depth, key="structures"):
        return lambda out: out.write(f'{{"{key}": ' + "[" * depth + "]" * depth + "}")

    write("nested-40k.json", "data-inclusion", nested(40_000))
    write("nested-40m.json", "data-inclusion", nested(20_000_000))
    write("nested-hsds.json", "hsds", nested(400_000, "organizations"))

    def endless(out):
        out.write('{"structures": [{"nom": "')
        for _ in range(200):
            out.write("x" * 1_000_000)

    write("endless-string.json", "data-inclusion", endless)

    def empty_lists(out):
        out.write('{"structures": [[' + ",".join(["[]"] * 5_000_000) + "]]}")

    write("empty-lists.json", "data-inclusion", empty_lists)

    def big_cell(out):
        out.write("structure_id;structure_nom;service_id;service_nom;service_description\n")
        out.write('a;Nom;s;Service;"')
        for _ in range(200):
            out.write("y" * 1_000_000)
        out.write('"\n')

    write("cell-200mb.csv", "csv", big_cell)

    def endless_line(out):
        for _ in range(200):
            out.write("z" * 1_000_000)

    write("line-200mb.csv", "csv", endless_line)
    write("line-200mb-finess.csv", "finess", lambda out: (out.write("finess;"), endless_line(out)))

    def bad_lines(out):  # every line rejected: the report must not hold them all
        out.write("structure_id;structure_nom;service_id;service_nom;service_description\n")
        for _ in range(4_000_000):
            out.write("x\n")

    write("bad-lines-4m.csv", "csv", bad_lines)

    def geolocations(out):
        out.write("finess;etalab;96;2026-03-11\n")
        for n in range(1_000_000):
            out.write(f"geolocalisation;{n:09d};350000.0;6620000.0;1,ATLASANTE,96,BAN,L93;x\n")

    write("geolocations-1m-finess.csv", "finess", geolocations)
    return files


def valid(folder: Path, rows: int) -> Path:
    path = folder / "valid.json"
    structures = [
        {"source": "mem", "id": f"s{n}", "nom": f"Centre {n}", "date_maj": "2026-10-01"}
        for n in range(rows // 2)
    ]
    services = [
        {
            "source": "mem",
            "id": f"v{n}",
            "structure_id": f"s{n}",
            "nom": f"Service {n}",
            "description": "Accueil et orientation " * 10,
            "date_maj": "2026-10-01",
        }
        for n in range(rows // 2)
    ]
    path.write_text(json.dumps({"structures": structures, "services": services}))
    return path


def measure(fmt: str, path: Path) -> tuple[int, float, str, float]:
    started = time.perf_counter()
    run = subprocess.run(
        [sys.executable, "-c", MEASURE, str(BIN / "maillage"), "import", fmt, str(path)],
        capture_output=True,
        text=True,
        check=True,
    )
    code, peak, last = run.stdout.strip().split("\t", 2)
    return int(code), float(peak), last, time.perf_counter() - started


def main() -> None:
    if settings.EMBEDDED_DATABASE:
        from maillage.database import embedded_server

        embedded_server().ensure_running()
    call_command("migrate", verbosity=0)
    worst, worst_name, rejected = 0.0, "", 0
    with tempfile.TemporaryDirectory(prefix="maillage-hostile-") as folder:
        folder = Path(folder)
        files = hostile(folder)
        for name, fmt, path in files:
            code, peak, last, seconds = measure(fmt, path)
            size = path.stat().st_size / 1e6
            print(
                f"{name} ({size:.0f} MB): exit {code}, peak {peak:.0f} MB, {seconds:.1f} s — {last}"
            )
            rejected += code != 0
            if peak > worst:
                worst, worst_name = peak, name
            path.unlink()
        code, ordinary, last, seconds = measure("data-inclusion", valid(folder, 50_000))
        print(f"valid.json: exit {code}, peak {ordinary:.0f} MB, {seconds:.1f} s — {last}")
    print(
        f"import memory: worst peak {worst:.0f} MB ({worst_name}) over {len(files)} hostile "
        f"files, {rejected} rejected; a valid file of 50000 rows {ordinary:.0f} MB"
    )


if __name__ == "__main__":
    main()
