"""Interoperability measured: records valid against each format's official validator, the
differences an export → import → export round trip leaves, and the import time of a FINESS
extraction of 100,000 lines. On a fresh embedded PostgreSQL (or DATABASE_URL, or
--data-dir).

1. The demo directory: each export (data·inclusion v1 checked by data-inclusion-schema,
   HSDS 3.0 by the compiled schemas of openreferral/specification kept in tests/formats,
   FHIR R4 by fhir.resources' R4B models) counted record by record, valid / total; then the
   data·inclusion and HSDS round trips, in the same database and in an empty one (rolled
   back), counted as records that differ.
2. A generated national directory (--structures structures, twice as many services, over the
   real communes): the same counts and round trips.
3. A FINESS extraction of --finess-lines lines (half establishments, half positions, every
   coordinate-system token of the years), imported by `maillage import finess` in a child.

Usage: python bench/interop.py [--structures 20000] [--finess-lines 100000] [--data-dir DIR]
Last line: `interop: demo .. valid of .. records, national .. of .., round-trip differences
.. (same base) and .. (empty base); FINESS 100000 lines in .. s, .. MB`.
"""

import argparse
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))  # the official validators' wrappers live in tests/formats


def arguments():
    parser = argparse.ArgumentParser()
    parser.add_argument("--structures", type=int, default=20_000)
    parser.add_argument("--finess-lines", type=int, default=100_000)
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
from django.db import transaction  # noqa: E402
from fhir.resources.R4B import get_fhir_model_class  # noqa: E402

BIN = Path(sys.executable).parent


def formats():
    from maillage.directory.exports import data_inclusion as di_export
    from maillage.directory.exports import fhir as fhir_export
    from maillage.directory.exports import hsds as hsds_export
    from maillage.directory.imports import data_inclusion as di_import
    from maillage.directory.imports import hsds as hsds_import

    return {
        "data·inclusion": (di_export, di_import.import_files),
        "hsds": (hsds_export, hsds_import.import_files),
        "fhir": (fhir_export, None),
    }


def records(name: str, document) -> dict[str, list]:
    """The records of an export, by kind."""
    if name == "data·inclusion":
        return {"structures": document["structures"], "services": document["services"]}
    if name == "hsds":
        return {
            "organizations": document,
            "services": [s for o in document for s in o.get("services") or []],
        }
    by_type: dict[str, list] = {}
    for entry in document["entry"]:
        by_type.setdefault(entry["resource"]["resourceType"], []).append(entry["resource"])
    return by_type


def valid(name: str, kind: str, record) -> bool:
    from tests.formats import data_inclusion, hsds

    if name == "data·inclusion":
        return not data_inclusion.errors({kind: [record]})
    if name == "hsds":
        return not hsds.errors(record, "organization" if kind == "organizations" else "service")
    try:
        get_fhir_model_class(record["resourceType"]).model_validate(record)
    except Exception:
        return False
    return True


def export(name: str, folder: Path):
    exporter = formats()[name][0]
    path = folder / f"{name}.json"
    exporter.export(path)
    return path, json.loads(path.read_text(encoding="utf-8"))


def keyed(name: str, document) -> dict:
    """Each record by its id, to count those that differ."""
    found = {}
    for kind, items in records(name, document).items():
        for item in items:
            found[(kind, item["id"])] = item
    return found


def differences(before, after, name: str) -> int:
    """How many records differ; where the first one does, printed."""
    from tests.formats import difference

    a, b = keyed(name, before), keyed(name, after)
    differing = [key for key in sorted(set(a) | set(b)) if a.get(key) != b.get(key)]
    if differing:
        key = differing[0]
        print(f"  first: {key[0]} {key[1]}: {difference(a.get(key), b.get(key))[:300]}")
    return len(differing)


def measure(label: str, folder: Path) -> tuple[int, int, int, int]:
    """Print the counts of one directory; (valid, total, same-base diffs, empty-base diffs)."""
    from maillage.directory.models import Orientation, Service, Structure

    all_valid = all_total = same_diffs = empty_diffs = 0
    for name, (_, importer) in formats().items():
        started = time.perf_counter()
        path, document = export(name, folder)
        took = time.perf_counter() - started
        parts = []
        for kind, items in records(name, document).items():
            good = sum(valid(name, kind, item) for item in items)
            parts.append(f"{kind} {good}/{len(items)}")
            all_valid, all_total = all_valid + good, all_total + len(items)
        print(f"{label} {name}: valid {', '.join(parts)} (export {took:.1f} s)")
        if importer is None:
            continue
        with transaction.atomic():
            importer([path])
            _, again = export(name, folder / "again")
            same = differences(document, again, name)
            Orientation.objects.all().delete()
            Service.objects.all().delete()
            Structure.objects.all().delete()
            importer([path])
            _, fresh = export(name, folder / "fresh")
            empty = differences(document, fresh, name)
            transaction.set_rollback(True)
        print(
            f"{label} {name}: round trip, {same} records differ (same base), {empty} (empty base)"
        )
        same_diffs, empty_diffs = same_diffs + same, empty_diffs + empty
    return all_valid, all_total, same_diffs, empty_diffs


def siret(rng: random.Random) -> str:
    from maillage.accounts.validators import siret_valid

    while not siret_valid(candidate := f"{rng.randrange(10**13, 10**14)}"):
        pass
    return candidate


def national_file(path: Path, count: int, rng: random.Random) -> None:
    from maillage.directory.enums import THEME_PARENTS, ModeMobilisation, Public
    from maillage.territories.models import Commune

    communes = list(
        Commune.objects.filter(kind="COM", latitude__isnull=False, population__gt=0).values_list(
            "code", "population", "latitude", "longitude", "name", "postal_codes"
        )
    )
    weights = [c[1] for c in communes]
    themes, publics = sorted(THEME_PARENTS), Public.values
    structures, services = [], []
    for n, (code, _, lat, lon, name, postal) in enumerate(
        rng.choices(communes, weights=weights, k=count)
    ):
        structures.append(
            {
                "source": "national",
                "id": f"s{n}",
                "nom": f"Centre de santé {name} {n}",
                "date_maj": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
                "code_insee": code,
                "code_postal": (postal or [None])[0],
                "commune": name,
                "adresse": f"{rng.randint(1, 120)} rue de la République",
                "latitude": round(lat + rng.uniform(-0.01, 0.01), 6),
                "longitude": round(lon + rng.uniform(-0.01, 0.01), 6),
                "telephone": "02 51 00 00 00",
                "courriel": f"accueil{n}@exemple.fr",
                "site_web": f"https://centre{n}.exemple.fr",
                "siret": siret(rng) if rng.random() < 0.5 else None,
                "description": rng.choice([None, "Centre de santé pluriprofessionnel."]),
            }
        )
        for m in range(2):
            services.append(
                {
                    "source": "national",
                    "id": f"v{n}-{m}",
                    "structure_id": f"s{n}",
                    "nom": rng.choice(["Consultations", "Permanence d'accès aux soins"]),
                    "description": "Consultations sans rendez-vous le matin.",
                    "date_maj": f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
                    "thematiques": rng.sample(themes, k=rng.randint(1, 3)),
                    "publics": rng.sample(publics, k=rng.randint(1, 2)),
                    "frais": rng.choice(["gratuit", "payant", None]),
                    "modes_accueil": rng.choice([["en-presentiel"], ["a-distance"], None]),
                    "modes_mobilisation": rng.sample(ModeMobilisation.values, k=rng.randint(0, 2))
                    or None,
                    "zone_eligibilite": rng.choice([None, ["france"], [code[:2]], [code]]),
                    "horaires_accueil": rng.choice(
                        [None, "Mo-Fr 09:00-12:00; PH off", "Tu,Th 14:00-17:30"]
                    ),
                    "nombre_semaines": rng.choice([None, 4, 12]),
                }
            )
    path.write_text(
        json.dumps({"structures": structures, "services": services}, ensure_ascii=False),
        encoding="utf-8",
    )


KINDS = [
    "EHPAD",
    "PHARMACIE",
    "CMP",
    "SSIAD",
    "CENTRE DE SANTE",
    "IME",
    "FOYER DE VIE",
    "LABORATOIRE",
    "MAISON DE SANTE",
    "ESAT",
    "CSAPA",
    "CHRS",
]
NAMES = [
    "LES GLYCINES",
    "DU CENTRE",
    "SAINT JOSEPH",
    "LES TILLEULS",
    "DE LA GARE",
    "PASTEUR",
    "LE BOCAGE",
    "LES ROSES",
    "JEAN MOULIN",
    "DU PARC",
    "L'OCEAN",
    "LES PINS",
    "VICTOR HUGO",
    "LA SOURCE",
    "DU LAC",
    "MARIE CURIE",
    "LES CHENES",
    "LE PRIEURE",
    "DES HALLES",
    "BEAUSEJOUR",
]
SYSTEMS = [
    ("EPSG:2154 RGF93 / Lambert-93 (Métropole)", 2154),
    ("LAMBERT_93", 2154),
    ("L93_METROPOLE", 2154),
]


def finess_file(path: Path, lines: int, rng: random.Random) -> None:
    from pyproj import Transformer

    from maillage.territories.models import Commune

    communes = list(
        Commune.objects.filter(kind="COM", latitude__isnull=False)
        .exclude(code__startswith="97")
        .values_list("code", "latitude", "longitude", "name", "postal_codes")[:20000]
    )
    project = Transformer.from_crs(4326, 2154, always_xy=True)
    count = lines // 2
    with open(path, "w", encoding="cp1252", newline="\n") as out:
        out.write("finess;etalab;100;2026-11-01\n")
        positions = []
        for n in range(count):
            code, lat, lon, name, postal = rng.choice(communes)
            number = f"{code[:2]}{n:07d}"[:9]
            cells = [""] * 32
            cells[0], cells[1], cells[2] = "structureet", number, f"{code[:2]}0000001"[:9]
            # Names as the file has them: a kind, a name, the commune (the duplicates
            # detection compares them, as it would the real file's).
            cells[3] = cells[4] = f"{rng.choice(KINDS)} {rng.choice(NAMES)} {name.upper()}"[:60]
            cells[7], cells[8], cells[9] = str(rng.randint(1, 99)), "R", "DE LA GARE"
            cells[12], cells[13] = code[2:], code[:2]
            cells[15] = f"{(postal or ['00000'])[0]} {name.upper()}"
            cells[16], cells[18], cells[19] = "0251000000", "156", "Centre Médico-Psychologique"
            cells[23], cells[30] = "8610Z", "2026-06-30"
            out.write(";".join(cells) + "\n")
            x, y = project.transform(lon, lat)
            system = rng.choice(SYSTEMS)[0]
            positions.append(
                f"geolocalisation;{number};{x:.1f};{y:.1f};1,ATLASANTE,100,IGN,{system};2026-06-30"
            )
        out.write("\n".join(positions) + "\n")


def main() -> None:
    if settings.EMBEDDED_DATABASE:
        from maillage.database import embedded_server

        embedded_server().ensure_running()
    call_command("migrate", verbosity=0)
    from maillage.demo.setup import setup_demo
    from maillage.directory.imports.data_inclusion import import_files
    from maillage.directory.models import Structure
    from maillage.territories.loader import load_pack

    load_pack()
    setup_demo()
    rng = random.Random(15)
    with tempfile.TemporaryDirectory(prefix="maillage-interop-") as folder:
        folder = Path(folder)
        for sub in ("again", "fresh"):
            (folder / sub).mkdir()
        demo = measure("demo", folder)
        if not Structure.objects.filter(source="national").exists():
            national_path = folder / "national.json"
            national_file(national_path, ARGS.structures, rng)
            started = time.perf_counter()
            import_files([national_path])
            took = time.perf_counter() - started
            print(f"national: {ARGS.structures} structures imported in {took:.0f} s")
        national = measure("national", folder)
        finess_path = folder / "finess.csv"
        finess_file(finess_path, ARGS.finess_lines, rng)
        started = time.perf_counter()
        child = subprocess.Popen([str(BIN / "maillage"), "import", "finess", str(finess_path)])
        # The import's own peak (wait4), not the largest of every child this bench waited for.
        _, status, usage = os.wait4(child.pid, 0)
        finess_seconds = time.perf_counter() - started
        if os.waitstatus_to_exitcode(status) != 0:
            raise SystemExit("the FINESS import failed")
        peak = usage.ru_maxrss / 1024
    print(
        f"interop: demo {demo[0]} valid of {demo[1]} records, national {national[0]} of "
        f"{national[1]}, round-trip differences {demo[2] + national[2]} (same base) and "
        f"{demo[3] + national[3]} (empty base); FINESS {ARGS.finess_lines} lines in "
        f"{finess_seconds:.0f} s, {peak:.0f} MB"
    )


if __name__ == "__main__":
    main()
