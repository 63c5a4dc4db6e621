"""Regulation at the scale of a large département: 20,000 waiting requests and 5,000 free
places.

1. The engine on generated data at several eligibility sparsities (from about 0.2 to 4
   million eligible request × place-class pairs): the eligibility evaluation (rules,
   kinds, communes) that builds the pairs, then the greedy rule and the global optimum;
   each engine's time is given end to end, the eligibility included.
2. The same through the database, on a fresh embedded PostgreSQL (or DATABASE_URL, or
   --data-dir to keep the built database): 20,000 waiting households (with their members)
   and 5,000 vacancies in 600 programmes are inserted; the regulator's ranked list is
   rendered through Django's test client (the whole view: SQL, Python, template) with its
   query count; then a whole match run (`actions.match_run`: the board read from the
   tables, both engines, the proposals written with their explanations).

Usage: python bench/regulation.py [--requests 20000] [--places 5000] [--renders 60]
       [--data-dir DIR] [--engine-only]
Last line: `regulation: 20000 requests × 5000 places, .. eligible pairs: greedy .. matched
(.. priority) in .. s, optimum .. matched (.. priority) in .. s, ratio ..; ranked list p95
.. ms (.. queries)`
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
    parser.add_argument("--requests", type=int, default=20_000)
    parser.add_argument("--places", type=int, default=5_000)
    parser.add_argument("--renders", type=int, default=60, help="renders of the ranked list")
    parser.add_argument("--data-dir", type=Path, help="keep the built database here, reuse it")
    parser.add_argument("--engine-only", action="store_true", help="skip the database part")
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

import numpy as np  # noqa: E402
from django.conf import settings  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from maillage.regulation import eligibility as el  # noqa: E402
from maillage.regulation import matching, priority  # noqa: E402
from maillage.regulation.enums import (  # noqa: E402
    KIND_BITS,
    MEDICO_SOCIAL_KINDS,
    Criterion,
    Level,
    MemberSex,
    Operator,
    ProgrammeKind,
)

SHELTER = [
    k for k in ProgrammeKind if k not in MEDICO_SOCIAL_KINDS and k != ProgrammeKind.EMERGENCY
]
COMMUNES = [f"85{n:03d}" for n in range(1, 301)]  # a département's communes
EPCI = [COMMUNES[i : i + 15] for i in range(0, len(COMMUNES), 15)]  # 20 intercommunalities
# Rules a programme sets (besides its places' size and accessibility).
TEMPLATES = [
    (),
    ((Criterion.ADULT_SEX, Operator.ONE_OF, ("F",)),),
    ((Criterion.PETS, Operator.MUST_NOT, None),),
    ((Criterion.CHILDREN, Operator.MUST, None),),
    (
        (Criterion.CHILDREN, Operator.MUST_NOT, None),
        (Criterion.APPLICANT_AGE, Operator.AT_LEAST, 25),
    ),
    ((Criterion.RESOURCES, Operator.MUST, None), (Criterion.PETS, Operator.MUST_NOT, None)),
    ((Criterion.APPLICANT_AGE, Operator.AT_MOST, 25),),
    ((Criterion.SUPPORT_NEEDED, Operator.MUST_NOT, None),),
]


def households(rng, n):
    """Households as the SIAO sees them: half alone, families, couples, a few with pets."""
    found = []
    for _ in range(n):
        size = rng.choices([1, 2, 3, 4, 5, 6], [52, 18, 12, 10, 5, 3])[0]
        couple = size >= 2 and rng.random() < 0.45
        adults = 2 if couple else 1
        children = max(0, size - adults)
        found.append(
            {
                "size": size,
                "couple": couple,
                "children": children,
                "sexes": [rng.choice("FM") for _ in range(adults)],
                "age": rng.randint(18, 75),
                "pets": rng.random() < 0.1,
                "mobility": rng.random() < 0.06,
                "resources": rng.random() < 0.6,
                "support": rng.random() < 0.5,
                # the kinds recommended, most suited first: the first one or more count
                "order": rng.sample(SHELTER, len(SHELTER)),
                "kinds": [],
                "communes": None,
                "dalo": rng.random() < 0.05,
                "urgency": rng.choices([0, 1, 2, 3], [50, 30, 15, 5])[0],
                "waited": rng.randint(0, 900),
                "vulnerabilities": rng.choices([0, 1, 2, 3], [50, 30, 15, 5])[0],
            }
        )
    return found


def wishes(rng, people, kinds: int, anywhere: float):
    """What each household accepts: its first `kinds` recommended kinds, and a place
    anywhere (a share `anywhere`), in an intercommunality, or in one to three communes."""
    for person in people:
        person["kinds"] = person["order"][: rng.randint(1, kinds)]
        draw = rng.random()
        if draw < anywhere:
            person["communes"] = None
        elif draw < 0.6:
            person["communes"] = frozenset(rng.choice(EPCI))
        else:
            person["communes"] = frozenset(rng.sample(COMMUNES, rng.randint(1, 3)))


def programmes(rng, places: int):
    """Programmes of 2 to 16 places, in a commune, each with one rule template; their places
    of one to five persons, accessible or not."""
    found, made = [], 0
    while made < places:
        count = min(rng.randint(2, 16), places - made)
        found.append(
            {
                "kind": rng.choice(SHELTER),
                "commune": rng.choice(COMMUNES),
                "template": rng.randrange(len(TEMPLATES)),
                "units": [
                    (rng.choice([1, 1, 1, 2, 3, 4, 5]), rng.random() < 0.3) for _ in range(count)
                ],
            }
        )
        made += count
    return found


def rules_of(template, persons, accessible):
    own = [el.Rule(Criterion.HOUSEHOLD_SIZE, Operator.AT_MOST, persons)]
    if not accessible:
        own.append(el.Rule(Criterion.REDUCED_MOBILITY, Operator.MUST_NOT))
    chosen = [el.Rule(c, o, v) for c, o, v in TEMPLATES[template]]
    return el.effective_rules([(Level.PROGRAMME, chosen), (Level.UNIT, own)])


def engine_inputs(people, supply, policy):
    table = el.HouseholdTable.of(
        [
            el.Household(
                household_size=p["size"],
                adults=len(p["sexes"]),
                children=p["children"],
                adult_sexes=frozenset(p["sexes"]),
                applicant_age=p["age"],
                couple=p["couple"],
                pets=p["pets"],
                reduced_mobility=p["mobility"],
                resources=p["resources"],
                support_needed=p["support"],
            )
            for p in people
        ]
    )
    standings = priority.StandingTable.of(
        [
            priority.Standing(
                dalo=p["dalo"],
                urgency=p["urgency"],
                waiting_days=p["waited"],
                vulnerabilities=p["vulnerabilities"],
            )
            for p in people
        ]
    )
    demand = matching.Demand(
        households=table,
        kinds=np.array([sum(KIND_BITS[k] for k in p["kinds"]) for p in people], np.int64),
        communes=[p["communes"] for p in people],
        priority=priority.scores(policy, standings),
        waiting_days=standings.waiting_days,
    )
    grouped = {}
    for index, programme in enumerate(supply):
        for persons, accessible in programme["units"]:
            key = (index, persons, accessible)
            if key not in grouped:
                grouped[key] = matching.PlaceClass(
                    units=[],
                    kind=programme["kind"],
                    commune=programme["commune"],
                    persons=persons,
                    rules=rules_of(programme["template"], persons, accessible),
                )
            grouped[key].units.append(len(grouped[key].units))
    return demand, list(grouped.values())


def engine_part(rng) -> list[dict]:
    policy = priority.DEFAULT_POLICY
    people = households(rng, ARGS.requests)
    supply = programmes(rng, ARGS.places)
    rows = []
    # From sparse (one kind, places near her) to dense (several kinds, anywhere).
    for kinds, anywhere in ((1, 0.03), (2, 0.12), (3, 0.25), (4, 0.4), (6, 0.55)):
        wishes(random.Random(kinds), people, kinds, anywhere)
        started = time.perf_counter()
        demand, classes = engine_inputs(people, supply, policy)
        built = time.perf_counter() - started
        started = time.perf_counter()
        pairs = matching.eligible_pairs(demand, classes, policy)
        eligibility_s = time.perf_counter() - started
        started = time.perf_counter()
        greedy = matching.greedy(demand, classes, pairs)
        greedy_s = time.perf_counter() - started
        started = time.perf_counter()
        best = matching.optimum(demand, classes, pairs)
        optimum_s = time.perf_counter() - started
        row = {
            "pairs": len(pairs),
            "classes": len(classes),
            "eligibility": eligibility_s,
            "greedy": (greedy.count, greedy.total, eligibility_s + greedy_s),
            "optimum": (best.count, best.total, eligibility_s + optimum_s),
        }
        rows.append(row)
        print(
            f"  {len(pairs):>9,} pairs ({len(classes)} classes of identical places; tables "
            f"{built:.2f} s): eligibility {eligibility_s:.2f} s; greedy {greedy.count} matched, "
            f"{greedy.total:,} priority in {row['greedy'][2]:.2f} s; optimum {best.count} "
            f"matched, {best.total:,} priority in {row['optimum'][2]:.2f} s; ratio "
            f"{best.total / max(1, greedy.total):.4f}",
            flush=True,
        )
    return rows


# -- the database part ---------------------------------------------------------------------


def build(rng) -> None:
    import datetime as dt

    from maillage.accounts.models import Membership, Organisation, User
    from maillage.core.roles import Role
    from maillage.directory.models import Structure
    from maillage.regulation.models import (
        Member,
        PlaceRequest,
        PriorityPolicy,
        Programme,
        Requirement,
        Unit,
        Vacancy,
    )
    from maillage.territories.loader import load_pack

    started = time.perf_counter()
    load_pack()
    codes = list(
        __import__("maillage.territories.models", fromlist=["Commune"])
        .Commune.objects.filter(departement_id="85")
        .values_list("code", flat=True)
    )
    unusable = "!bench"  # no password: nobody logs in as the bench's accounts
    siao = Organisation.objects.create(name="SIAO bench", kind="siao")
    officer = User.objects.create(
        email="siao@bench.maillage.fr", full_name="Régulatrice", password=unusable
    )
    Membership.objects.create(user=officer, organisation=siao, role=Role.REGULATOR)
    prescriber = User.objects.create(
        email="pro@bench.maillage.fr", full_name="Prescriptrice", password=unusable
    )
    Membership.objects.create(user=prescriber, organisation=siao, role=Role.PROFESSIONAL)
    today = timezone.localdate()
    supply = programmes(rng, ARGS.places)
    structures = Structure.objects.bulk_create(
        [
            Structure(
                name=f"Structure {i}",
                source="bench",
                source_id=f"s{i}",
                commune_id=rng.choice(codes),
                state="published",
            )
            for i in range(len(supply) // 3 + 1)
        ]
    )
    made = Programme.objects.bulk_create(
        [
            Programme(
                structure=structures[i // 3],
                kind=p["kind"],
                name=f"Dispositif {i}",
                regulator=siao,
                commune_id=rng.choice(codes),
            )
            for i, p in enumerate(supply)
        ]
    )
    requirements, units = [], []
    for programme, spec in zip(made, supply, strict=True):
        for criterion, operator, value in TEMPLATES[spec["template"]]:
            requirements.append(
                Requirement(
                    programme=programme,
                    criterion=criterion,
                    operator=operator,
                    number=value if isinstance(value, int) else None,
                    values=list(value) if isinstance(value, tuple) else [],
                )
            )
        for n, (persons, accessible) in enumerate(spec["units"]):
            units.append(
                Unit(
                    programme=programme, label=f"Place {n}", persons=persons, accessible=accessible
                )
            )
    Requirement.objects.bulk_create(requirements)
    units = Unit.objects.bulk_create(units, batch_size=5000)
    Vacancy.objects.bulk_create(
        [
            Vacancy(unit=u, available_from=today, answer_due_on=today + dt.timedelta(days=3))
            for u in units
        ],
        batch_size=5000,
    )
    people = households(rng, ARGS.requests)
    wishes(rng, people, 3, 0.25)
    regulated = set(codes)
    requests = PlaceRequest.objects.bulk_create(
        [
            PlaceRequest(
                regulator=siao,
                prescriber=prescriber,
                state="waiting",
                urgency=p["urgency"],
                dalo=p["dalo"],
                first_requested_on=today - dt.timedelta(days=p["waited"]),
                vulnerabilities=["children", "health", "street"][: p["vulnerabilities"]],
                recommended_kinds=list(p["kinds"]),
                preferred_communes=sorted(
                    rng.sample(codes, min(len(codes), len(p["communes"]))) if p["communes"] else []
                )
                if regulated
                else [],
                pets=p["pets"],
                reduced_mobility=p["mobility"],
                support_needed=p["support"],
                resources=[{"kind": "rsa", "monthly_amount": 600, "ends_on": None}]
                if p["resources"]
                else [],
                consent_at=timezone.now(),
            )
            for p in people
        ],
        batch_size=5000,
    )
    members = []
    for request, p in zip(requests, people, strict=True):
        members.append(
            Member(
                request=request,
                role="applicant",
                first_name="Prénom",
                last_name=f"Nom{request.pk}",
                sex=p["sexes"][0],
                birth_date=today.replace(year=today.year - p["age"]),
            )
        )
        if p["couple"]:
            members.append(
                Member(
                    request=request,
                    role="partner",
                    first_name="Conjoint",
                    last_name="Nom",
                    sex=p["sexes"][1],
                    position=1,
                )
            )
        for c in range(p["children"]):
            members.append(
                Member(
                    request=request,
                    role="child",
                    first_name=f"Enfant {c}",
                    last_name="Nom",
                    sex=MemberSex.UNSAID,
                    position=2 + c,
                )
            )
    Member.objects.bulk_create(members, batch_size=10000)
    PriorityPolicy.objects.create(
        regulator=siao,
        number=1,
        name="Bench",
        state="published",
        data=priority.DEFAULT_POLICY.as_data(),
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    print(
        f"  built {len(requests)} requests, {len(members)} members, {len(units)} vacancies "
        f"in {time.perf_counter() - started:.0f} s",
        flush=True,
    )


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def database_part(rng) -> dict:
    from maillage.accounts.models import Organisation, User
    from maillage.regulation import actions, inputs, queries
    from maillage.regulation.models import PlaceRequest

    if settings.EMBEDDED_DATABASE:
        from maillage.database import embedded_server

        embedded_server().ensure_running()
    call_command("migrate", verbosity=0)
    if not PlaceRequest.objects.exists():
        build(rng)
    officer = User.objects.get(email="siao@bench.maillage.fr")
    siao = Organisation.objects.get(name="SIAO bench")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(officer)
    url = "/regulation/classement/?page=3"
    client.get(url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    queries_count = len(captured.captured_queries)
    took = []
    for _ in range(ARGS.renders):
        started = time.perf_counter()
        client.get(url)
        took.append((time.perf_counter() - started) * 1000)
    waiting = PlaceRequest.objects.filter(state="waiting").count()
    print(
        f"  ranked list of {waiting} waiting requests: p50 {statistics.median(took):.0f} ms, "
        f"p95 {percentile(took, 0.95):.0f} ms ({queries_count} queries)",
        flush=True,
    )
    policy = queries.policy_of(queries.policy_in_force(siao.pk))
    started = time.perf_counter()
    board = queries.board_for(siao.pk, policy)
    loaded = time.perf_counter() - started
    print(
        f"  board read from the tables ({len(board.requests)} requests, "
        f"{len(board.classes)} classes): {loaded:.2f} s",
        flush=True,
    )
    started = time.perf_counter()
    run = actions.match_run(actor=officer, regulator=siao, data=inputs.MatchRunIn())
    whole = time.perf_counter() - started
    figures = run.figures
    print(
        f"  whole match run (read, both engines, {figures['proposals']} proposals written with "
        f"their explanations): {whole:.2f} s; pairs {figures['pairs']:,} in "
        f"{figures['pairs_ms']:.0f} ms, greedy {figures['greedy']['ms']:.0f} ms, "
        f"optimum {figures['optimum']['ms']:.0f} ms",
        flush=True,
    )
    return {"p95": percentile(took, 0.95), "queries": queries_count}


def main() -> None:
    rng = random.Random(2026)
    print(f"engine on generated data: {ARGS.requests} requests × {ARGS.places} places", flush=True)
    rows = engine_part(rng)
    top = max(rows, key=lambda r: r["pairs"])
    listing = ""
    if not ARGS.engine_only:
        print("through the database", flush=True)
        measured = database_part(random.Random(7))
        listing = f"; ranked list p95 {measured['p95']:.0f} ms ({measured['queries']} queries)"
    g, o = top["greedy"], top["optimum"]
    print(
        f"regulation: {ARGS.requests} requests × {ARGS.places} places, {top['pairs']:,} eligible "
        f"pairs: greedy {g[0]} matched ({g[1]:,} priority) in {g[2]:.2f} s, optimum {o[0]} "
        f"matched ({o[1]:,} priority) in {o[2]:.2f} s, ratio {o[1] / max(1, g[1]):.4f}{listing}"
    )


if __name__ == "__main__":
    try:
        main()
    finally:
        if SCRATCH:
            import shutil

            from maillage.database import embedded_server

            embedded_server().stop()
            shutil.rmtree(SCRATCH, ignore_errors=True)
