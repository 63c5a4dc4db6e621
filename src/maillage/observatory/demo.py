"""Demo history for the observatory: eighteen months of past activity on the platform's
territory, so that the dashboards, the open statistics and the annual report have something
to show. Every past record is already closed and anonymised (no name, no story): what the
retention rules leave after a pathway ends. Also the accessibility index, a first
computation, and the published 2025 report with its commentary. Idempotent (the history is
made once, marked by its identity keys)."""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from maillage.accounts.bootstrap import platform_organisation
from maillage.accounts.models import User
from maillage.core.models import PlatformSettings
from maillage.directory.models import Orientation, Service, UnmetSearch
from maillage.observatory import actions, facts, queries
from maillage.observatory.actions import report_publish
from maillage.observatory.models import AnnualReport
from maillage.pathways.actions import age_band
from maillage.pathways.enums import URGENCY_RANK
from maillage.pathways.models import Objective, Pathway, Person, Plan, SupportRequest

MARK = "demo-history|"
NEEDS = ["health", "autonomy", "psychological", "social_ties", "housing", "income_rights"]
CLOSURES = [
    ("objectives_reached", 5),
    ("stabilised", 4),
    ("handed_on", 3),
    ("person_declined", 1),
    ("institution", 1),
    ("deceased", 1),
]
SATISFACTION = [("4", 5), ("3", 4), ("2", 1), ("1", 0.3), ("", 2)]
ORIENTATION_STATES = [
    ("completed", 5),
    ("accepted", 2),
    ("refused", 2),
    ("expired", 1),
    ("not_honoured", 0.6),
]
REFUSALS = [("no_capacity", 4), ("out_of_area", 1), ("not_eligible", 1), ("unreachable", 1)]


def _pick(rng, weighted):
    values, weights = zip(*weighted, strict=True)
    return rng.choices(values, weights)[0]


def setup_demo_observatory(*, months: int = 18, per_month: int = 22) -> None:

    with transaction.atomic():
        if not Person.objects.filter(identity_key__startswith=MARK).exists():
            _history(months=months, per_month=per_month)

    if queries.latest_run() is None:
        actions.accessibility_compute()
    facts.refresh()
    _published_report()


def _history(*, months: int, per_month: int) -> None:

    coordinator = User.objects.filter(email="coordination@demo.maillage.fr").first()
    gp = User.objects.filter(email="medecin@demo.maillage.fr").first()
    territory = PlatformSettings.current().competence_territory
    if coordinator is None or gp is None or territory is None:
        return
    platform = platform_organisation()
    communes = list(territory.communes.values_list("code", "population"))
    services = list(Service.objects.filter(listed=True).exclude(thematiques=[]))
    rng = random.Random(2025)  # noqa: S311 — made-up figures, not secrets
    now = timezone.now()
    first_month = (now.replace(day=1) - dt.timedelta(days=31 * months)).replace(day=1)
    codes, weights = zip(*communes, strict=True)
    people, requests, pathways, orientations, searches = [], [], [], [], []
    for index in range(months * per_month):
        received = first_month + dt.timedelta(
            days=rng.uniform(0, (now - first_month).days - 45), hours=rng.uniform(8, 18)
        )
        born = dt.date(rng.randint(1925, 2005), rng.randint(1, 12), rng.randint(1, 28))
        people.append(
            Person(
                first_name="—",
                last_name="—",
                sex=rng.choice("FFFMMX"),
                commune_id=rng.choices(codes, [w or 1 for w in weights])[0],
                identity_key=f"{MARK}{index}",
                created_by=gp,
            )
        )
        urgency = rng.choices(["urgent", "soon", "routine"], [2, 5, 3])[0]
        outcome = rng.choices(["pathway", "information", "support"], [5, 3, 2])[0]
        triaged = received + dt.timedelta(hours=rng.choice([3, 20, 40, 60, 100, 200]))
        # Every past pathway is closed by now (the history holds no open one).
        room = (now - triaged).days - 2
        if outcome == "pathway" and room < 20:
            outcome = "support"
        requests.append(
            SupportRequest(
                platform=platform,
                requester=gp,
                requester_kind=rng.choices(["professional", "person", "caregiver"], [8, 1, 1])[0],
                reason="",
                needs=rng.sample(NEEDS, rng.randint(1, 3)),
                urgency=urgency,
                urgency_rank=URGENCY_RANK[urgency],
                consent_mode="consents",
                consent_recorded_at=received,
                consent_recorded_by=gp,
                state=outcome,
                received_at=received,
                triaged_at=triaged,
                triaged_by=coordinator,
                triage_outcome=outcome,
            )
        )
        if outcome == "pathway":
            closed = triaged + dt.timedelta(days=rng.randint(20, min(420, room)))
            pathways.append(
                (
                    index,
                    Pathway(
                        platform=platform,
                        referent=coordinator,
                        state="archived",
                        opened_at=triaged,
                        closed_at=closed,
                        closed_by=coordinator,
                        closure_reason=_pick(rng, CLOSURES),
                        satisfaction=_pick(rng, SATISFACTION),
                        archived_at=now,
                        anonymised_at=now,
                        person_age_band=age_band(born, triaged.date()),
                    ),
                )
            )
        if services and rng.random() < 0.8:
            service = rng.choice(services)
            state = _pick(rng, ORIENTATION_STATES)
            answered = (
                received + dt.timedelta(hours=rng.choice([4, 30, 60, 120, 300]))
                if state != "expired"
                else None
            )
            orientations.append(
                (
                    received,
                    Orientation(
                        service=service,
                        sender=gp,
                        person_first_name="—",
                        person_last_name="—",
                        need_theme=rng.choice(service.thematiques),
                        reason="",
                        consent_method="oral",
                        consent_recorded_at=received,
                        state=state,
                        state_changed_at=answered or received + dt.timedelta(days=14),
                        expires_at=received + dt.timedelta(days=14),
                        answered_at=answered,
                        refusal_reason=_pick(rng, REFUSALS) if state == "refused" else "",
                    ),
                )
            )
        if rng.random() < 0.3:
            themes = rng.choice(services).thematiques[:1] if services else []
            searches.append(
                (
                    received.date(),
                    UnmetSearch(themes=themes, commune_id=rng.choice(codes), channel="page"),
                )
            )
    Person.objects.bulk_create(people)
    for person, request in zip(people, requests, strict=True):
        request.person = person
    SupportRequest.objects.bulk_create(requests)
    for index, pathway in pathways:
        pathway.person = people[index]
        pathway.request = requests[index]
    Pathway.objects.bulk_create([p for _i, p in pathways])
    # Some plans named a need the territory had no resource for.
    plans = Plan.objects.bulk_create([Plan(pathway=p) for _i, p in pathways if rng.random() < 0.2])
    objectives = Objective.objects.bulk_create(
        [
            Objective(
                plan=plan,
                need=rng.choice(["mobility", "housing", "psychological"]),
                text="",
                status="not_reached",
                no_resource=True,
            )
            for plan in plans
        ]
    )
    for objective in objectives:
        Objective.objects.filter(pk=objective.pk).update(
            created_at=objective.plan.pathway.opened_at + dt.timedelta(days=10)
        )
    Orientation.objects.bulk_create([o for _d, o in orientations])
    for created, orientation in orientations:
        Orientation.objects.filter(pk=orientation.pk).update(created_at=created)
    UnmetSearch.objects.bulk_create([s for _d, s in searches])
    for day, search in searches:
        UnmetSearch.objects.filter(pk=search.pk).update(searched_on=day)


def _published_report() -> None:

    year = timezone.localdate().year - 1
    if AnnualReport.objects.filter(year=year).exists():
        return
    coordinator = User.objects.filter(email="coordination@demo.maillage.fr").first()
    report = AnnualReport.objects.create(
        year=year,
        commentary={
            "summary": "Première année pleine de la plateforme sur le Pays Yon et Vie : "
            "la montée en charge s'est faite surtout par les médecins traitants.",
            "unmet": "Les refus faute de place se concentrent sur l'aide à domicile ; "
            "un groupe de travail avec les SAAD est prévu.",
            "outlook": "Ouvrir l'espace personnel aux aidant·es et suivre les sorties "
            "d'hospitalisation avec le centre hospitalier.",
        },
    )

    report_publish(actor=coordinator, year=year, expected_version=report.version)
