"""The annual evaluation report: its sections, the tables each one shows, and how it is
turned into a PDF.

The figures come from the facts for the platform's territory over the calendar year; the
coordinators' commentary is kept per section in `AnnualReport.commentary`. The PDF is the
report's own HTML printed by headless Chromium (the browser the project already installs
for its tests): paged, with the page number in the margin, tables never cut inside a row.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass

from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _

from maillage.core.pdf import PdfError, to_pdf  # noqa: F401 - the report's printer
from maillage.observatory import charts, facts, indicators, presentation, queries


@dataclass(frozen=True)
class Section:
    key: str
    title: str
    tables: tuple[str, ...]
    accessibility: bool = False


SECTIONS = (
    Section("summary", _("Synthèse"), ()),
    Section("activity", _("Activité"), ("activite-mensuelle", "demandes", "demandes-besoins")),
    Section("delays", _("Délais"), ("tri", "orientations-delai")),
    Section("outcomes", _("Parcours et résultats"), ("parcours", "parcours-clotures")),
    Section("satisfaction", _("Satisfaction des personnes"), ("satisfaction",)),
    Section(
        "unmet",
        _("Besoins non couverts"),
        ("besoins-non-couverts", "besoins-sans-ressource", "orientations-refus"),
    ),
    Section(
        "people", _("Personnes accompagnées"), ("personnes-age-sexe", "personnes-type-commune")
    ),
    Section("offer", _("Offre du territoire"), ("couverture",)),
    Section(
        "accessibility", _("Accessibilité aux soins de premier recours"), (), accessibility=True
    ),
    Section("outlook", _("Perspectives"), ()),
)


def year_scope(year: int) -> indicators.Scope | None:
    return indicators.make_scope(
        indicators.default_territory_key(), dt.date(year, 1, 1), dt.date(year, 12, 1)
    )


def compute(report, scope: indicators.Scope) -> dict:
    """The report's figures as published: protected like every publication (small counts
    hidden, see observatory.presentation), as plain data that a snapshot can keep."""

    shown = presentation.present(indicators.compute(scope), exact=False)
    by_slug = {t["table"].slug: t for t in shown.tables}
    sections = []
    for section in SECTIONS:
        territory = None
        if section.accessibility:
            found = queries.territory_accessibility(scope.communes)
            if found is not None:
                territory = {
                    "threshold": found["run"].threshold,
                    "population": found["population"],
                    "under": found["under"],
                    "communes": found["communes"],
                    "under_communes": found["under_communes"],
                    "least": [
                        {
                            "name": r.commune.name,
                            "code": r.commune_id,
                            "population": r.population,
                            "index": r.index,
                        }
                        for r in found["least"]
                    ],
                }
        sections.append(
            {
                "key": section.key,
                "title": str(section.title),
                "tables": [
                    {"table": asdict(by_slug[slug]["table"]), "rows": by_slug[slug]["rows"]}
                    for slug in section.tables
                    if slug in by_slug
                ],
                "accessibility": territory,
            }
        )
    refreshed = facts.last_refresh()
    return {
        "territory": scope.label,
        "figures": shown.figures,
        "sections": sections,
        "refreshed_at": refreshed.finished_at.isoformat() if refreshed else None,
    }


def context(report, data: dict) -> dict:
    """What the templates need: the data with the commentary and a chart per table."""
    sections = []
    for section in data["sections"]:
        tables = []
        for entry in section["tables"]:
            table = indicators.Table(**entry["table"])
            tables.append({"table": table, "chart": charts.draw(table), "rows": entry["rows"]})
        sections.append(
            {
                **section,
                "tables": tables,
                "commentary": (report.commentary or {}).get(section["key"], ""),
            }
        )
    refreshed = data.get("refreshed_at")
    return {
        "report": report,
        "year": report.year,
        "territory": data["territory"],
        "figures": data["figures"],
        "sections": sections,
        "refreshed_at": dt.datetime.fromisoformat(refreshed) if refreshed else None,
    }


def data_for(report) -> dict | None:
    """The frozen figures of a published report, else today's."""
    if report.snapshot:
        return report.snapshot
    scope = year_scope(report.year)
    return compute(report, scope) if scope is not None else None


def render_document(report, data: dict | None = None, request=None) -> str:

    return render_to_string(
        "observatory/report_document.html",
        context(report, data or data_for(report)),
        request=request,
    )
