"""The campaigns at full size: the API campaign (tests/test_api_campaign.py: Schemathesis,
anonymous, with a token, and stateful through the OpenAPI links) with EXAMPLES cases per
operation, and the import fuzzing (tests/directory/test_import_fuzz.py) with EXAMPLES
examples per property — the same tests CI runs at a smaller size.

Usage: python bench/fuzz.py [--examples 1000]
Last line: `fuzz: .. API operations, .. cases (min .. per operation), .. server errors,
.. failures; imports: .. examples (.. rejected whole), .. failures`.
"""

import argparse
import collections
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--examples", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.NamedTemporaryFile(prefix="maillage-fuzz-", suffix=".tsv", delete=False) as f:
        report = Path(f.name)
    env = {
        **os.environ,
        "MAILLAGE_API_FUZZ_EXAMPLES": str(args.examples),
        "MAILLAGE_FUZZ_EXAMPLES": str(args.examples),
        "MAILLAGE_FUZZ_REPORT": str(report),
        # Its own test database: a run of the suite may be under way beside it.
        "MAILLAGE_TEST_DB_NAME": "test_maillage_fuzz",
    }
    started = time.perf_counter()
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-p",
            "no:cacheprovider",
            "-q",
            "tests/test_api_campaign.py",
            "tests/directory/test_import_fuzz.py",
        ],
        cwd=ROOT,
        env=env,
        check=False,
    )
    seconds = time.perf_counter() - started
    cases = collections.Counter()
    statuses = collections.Counter()
    imports = collections.Counter()
    failures = collections.Counter()
    for line in report.read_text(encoding="utf-8").splitlines():
        kind, what, outcome = line.split("\t")
        if kind == "api":
            cases[what] += 1
            statuses[outcome] += 1
            if outcome == "failure":
                failures["api"] += 1
        else:
            imports[outcome] += 1
    report.unlink()
    server_errors = sum(n for status, n in statuses.items() if status.startswith("5"))
    server_errors -= statuses.get("503", 0)  # a documented answer (statement timeout)
    by_status = ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items()))
    print(f"statuses: {by_status}")
    print(f"pytest exit {run.returncode} in {seconds:.0f} s")
    print(
        f"fuzz: {len(cases)} API operations, {sum(cases.values())} cases (min "
        f"{min(cases.values()) if cases else 0} per operation), {server_errors} server errors, "
        f"{failures['api']} failures; imports: {sum(imports.values())} examples "
        f"({imports['rejected']} rejected whole), {'0' if run.returncode == 0 else 'some'} "
        "failures"
    )
    sys.exit(run.returncode)


if __name__ == "__main__":
    main()
