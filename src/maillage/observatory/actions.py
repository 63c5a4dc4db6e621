"""Writes of the observatory: computing and storing the accessibility index."""

from __future__ import annotations

import time

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from maillage.core import audit
from maillage.observatory import facts, queries
from maillage.observatory import report as report_module
from maillage.observatory.accessibility import (
    Bands,
    Travel,
    e2sfca,
    pairs_by_distance,
    pairs_from_matrix,
)
from maillage.observatory.models import AccessibilityIndex, AccessibilityRun, AnnualReport

DEFAULT_PROFESSION = "médecin généraliste"
DEFAULT_ACTIVITY = queries.DEFAULT_ACTIVITY


def parse_bands(text: str) -> Bands:
    """ "10:1,15:0.667,20:0.333" → bands (edge in minutes: weight)."""
    try:
        edges, weights = [], []
        for part in text.split(","):
            edge, weight = part.split(":")
            edges.append(float(edge))
            weights.append(float(weight))
        return Bands(edges=tuple(edges), weights=tuple(weights))
    except ValueError as error:
        raise ValidationError(
            _("Tranches illisibles « %(text)s » : écrivez par exemple 10:1,15:0.67,20:0.33.")
            % {"text": text}
        ) from error


def read_matrix(lines) -> list[tuple[str, str, float]]:
    """An imported travel-time matrix, `origin_insee,dest_insee,minutes`, header optional.
    Any bad line refuses the whole file, naming the line and the reason."""
    rows, problems = [], []
    for number, line in enumerate(lines, start=1):
        line = line.strip()
        if not line or (number == 1 and line.lower().startswith("origin")):
            continue
        parts = [p.strip() for p in line.split(",")]
        if len(parts) != 3:
            problems.append(_("ligne %(n)s : trois colonnes attendues") % {"n": number})
            continue
        try:
            minutes = float(parts[2])
        except ValueError:
            problems.append(_("ligne %(n)s : durée illisible") % {"n": number})
            continue
        if minutes < 0 or minutes != minutes:
            problems.append(_("ligne %(n)s : durée négative") % {"n": number})
            continue
        rows.append((parts[0], parts[1], minutes))
    if problems:
        raise ValidationError(problems)
    return rows


def accessibility_compute(
    *,
    profession: str = DEFAULT_PROFESSION,
    activity: float = DEFAULT_ACTIVITY,
    travel: Travel | None = None,
    bands: Bands | None = None,
    threshold: float = 2.5,
    matrix=None,
    actor=None,
) -> AccessibilityRun:
    """Compute the index for every commune of France and store it. Supply comes from the
    directory; travel time from distance (`travel`) or from an imported `matrix` of
    (origin commune, destination commune, minutes), supply standing in its commune."""
    travel = travel or Travel()
    bands = bands or Bands()
    started = time.perf_counter()
    demand = queries.demand_points()
    supply = queries.supply_points(demand, profession=profession, activity=activity)
    if matrix is None:
        pairs = pairs_by_distance(
            demand.latitude,
            demand.longitude,
            supply.latitude,
            supply.longitude,
            travel=travel,
            max_minutes=bands.catchment,
        )
    else:
        # Supply at its commune: the matrix pairs communes, each supply point takes its
        # commune's rows.
        by_commune = {}
        for j, commune in enumerate(supply.commune):
            if commune >= 0:
                by_commune.setdefault(demand.codes[commune], []).append(j)
        rows = [
            (origin, j, minutes)
            for origin, destination, minutes in matrix
            if minutes <= bands.catchment
            for j in by_commune.get(destination, ())
        ]
        pairs = pairs_from_matrix(demand.codes, range(supply.amount.size), rows)
    result = e2sfca(demand.population, supply.amount, pairs, bands)
    below = result.index < threshold
    seconds = time.perf_counter() - started
    with transaction.atomic():
        run = AccessibilityRun.objects.create(
            profession=profession,
            parameters={
                "activity": activity,
                "detour": travel.detour,
                "speed_kmh": travel.speed_kmh,
                "bands": [list(b) for b in zip(bands.edges, bands.weights, strict=True)],
                "matrix": matrix is not None,
            },
            communes=len(demand.codes),
            supply_points=int(supply.amount.size),
            total_supply=float(supply.amount.sum()),
            threshold=threshold,
            population_under=float(demand.population[below].sum()),
            seconds=seconds,
            created_by=actor,
        )
        AccessibilityIndex.objects.bulk_create(
            [
                AccessibilityIndex(
                    run=run,
                    commune_id=code,
                    population=int(demand.population[i]),
                    index=float(result.index[i]),
                    under_served=bool(below[i]),
                )
                for i, code in enumerate(demand.codes)
            ],
            batch_size=5000,
        )
        audit.record(
            "accessibility.compute",
            actor=audit.Actor(user_id=actor.public_id) if actor else audit.Actor(),
            obj=run,
            details={"profession": profession, "supply_points": int(supply.amount.size)},
        )
    return run


def under_served_share(run, codes) -> tuple[float, float]:
    """Population living under the run's threshold among these communes, and in all."""
    rows = list(queries.run_rows(run, codes).values_list("population", "under_served"))
    population = np.array([r[0] for r in rows], dtype=float)
    under = np.array([r[1] for r in rows], dtype=bool)
    return float(population[under].sum()), float(population.sum())


# --- Annual report ----------------------------------------------------------------------------


class ReportConflict(ValidationError):
    """Someone else saved the commentary since the form was shown: nothing was written."""


def _saved(report, action: str, actor, acting, **details) -> None:
    """Bump the report's version, save it and trace who did what."""
    report.version += 1
    report.save()
    audit.record(
        action,
        actor=audit.actor_of(actor, acting),
        object_type="observatory.annualreport",
        object_id=str(report.public_id),
        details={"year": report.year, **details},
    )


def report_for(year: int):

    report, _created = AnnualReport.objects.get_or_create(year=year)
    return report


def report_save(*, actor, year: int, commentary: dict, expected_version: int, acting=None):
    """Save the coordinators' commentary, section by section. Refused once published, and
    when someone else saved in between (their text is not overwritten)."""

    with transaction.atomic():
        report_for(year)
        report = AnnualReport.objects.select_for_update().get(year=year)
        if report.published_at is not None:
            raise ValidationError(_("Ce rapport est publié : il ne change plus."))
        if report.version != expected_version:
            raise ReportConflict(
                _(
                    "Quelqu'un d'autre a enregistré le commentaire pendant que vous écriviez. "
                    "Votre texte est conservé ci-dessous : relisez la nouvelle version, puis "
                    "enregistrez à nouveau."
                )
            )
        report.commentary = {k: v.strip() for k, v in commentary.items() if v and v.strip()}
        _saved(report, "report.save", actor, acting, sections=sorted(report.commentary))
    return report


def report_publish(*, actor, year: int, expected_version: int, acting=None):
    """Publish the year's report once the year is over: its figures are frozen (a snapshot),
    then its PDF printed and kept. Refused when someone saved the commentary since the page
    was read (what would be frozen is not what the publisher read)."""

    if year >= timezone.localdate().year:
        raise ValidationError(_("Un rapport se publie une fois l'année finie."))
    refreshed = facts.last_refresh()
    if refreshed is None or timezone.localdate(refreshed.finished_at).year <= year:
        facts.refresh()  # the figures must include the whole year
    with transaction.atomic():
        report_for(year)
        report = AnnualReport.objects.select_for_update().get(year=year)
        if report.published_at is not None:
            return report
        if report.version != expected_version:
            raise ReportConflict(
                _(
                    "Le commentaire a changé depuis que vous avez lu le rapport : relisez-le "
                    "avant de le publier."
                )
            )
        scope = report_module.year_scope(year)
        report.snapshot = report_module.compute(report, scope)
        report.published_at = timezone.now()
        report.published_by = actor
        _saved(report, "report.publish", actor, acting)
    report_store_pdf(report)
    return report


def report_store_pdf(report) -> bytes | None:
    """Print a published report's PDF once and keep it; None if it cannot be printed here
    (the next download tries again)."""

    try:
        pdf = report_module.to_pdf(report_module.render_document(report))
    except report_module.PdfError:
        return None
    AnnualReport.objects.filter(pk=report.pk, pdf__isnull=True).update(pdf=pdf)
    return pdf
