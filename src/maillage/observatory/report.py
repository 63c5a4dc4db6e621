"""The annual evaluation report: its sections, the tables each one shows, and how it is
turned into a PDF.

The figures come from the facts for the platform's territory over the calendar year; the
coordinators' commentary is kept per section in `AnnualReport.commentary`. The PDF is the
report's own HTML printed by headless Chromium (the browser the project already installs
for its tests): paged, with the page number in the margin, tables never cut inside a row.
"""

from __future__ import annotations

import datetime as dt
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from maillage.observatory import charts, indicators


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


def content(report, scope: indicators.Scope) -> dict:
    """What the report shows: each section with its commentary, charts and tables."""
    from maillage.observatory import queries

    computed = indicators.compute(scope)
    sections = []
    for section in SECTIONS:
        tables = [computed.table(slug) for slug in section.tables]
        sections.append(
            {
                "key": section.key,
                "title": section.title,
                "commentary": (report.commentary or {}).get(section.key, ""),
                "tables": [
                    {"table": t, "chart": charts.draw(t), "rows": _display_rows(t)}
                    for t in tables
                    if t is not None
                ],
                "accessibility": (
                    queries.territory_accessibility(scope.communes)
                    if section.accessibility
                    else None
                ),
            }
        )
    return {"figures": computed.figures, "sections": sections, "scope": scope}


def _display_rows(table):
    from maillage.observatory.exports import plain_rows

    return plain_rows(table)


class PdfError(RuntimeError):
    pass


def to_pdf(html: str) -> bytes:
    """Print the report's HTML with headless Chromium. Raises PdfError with the reason."""
    browser = settings.MAILLAGE_CHROMIUM
    if not Path(browser).exists():
        raise PdfError(f"Chromium not found at {browser} (make browser installs it)")
    with tempfile.TemporaryDirectory(prefix="maillage-report-") as folder:
        source = Path(folder) / "report.html"
        target = Path(folder) / "report.pdf"
        source.write_text(html, encoding="utf-8")
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-extensions",
            "--no-pdf-header-footer",
            f"--user-data-dir={folder}/profile",
            f"--print-to-pdf={target}",
            source.as_uri(),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=120, check=False)
        except subprocess.TimeoutExpired as error:
            raise PdfError("Chromium did not finish printing within 120 s") from error
        if not target.exists() or target.stat().st_size == 0:
            raise PdfError("Chromium wrote no PDF")
        return target.read_bytes()
