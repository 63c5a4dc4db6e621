"""What a reader is shown of the indicators.

Coordinators and platform admins, who already follow people, see the exact figures. Every
other reader of the observatory — observers (funders, the ARS), user representatives —
and every publication (the annual report, open statistics) sees them protected: counts
from 1 to 10 hidden with their secondary suppression (`exports.open_rows`), key figures
that would give a hidden count back replaced, means and rates over fewer than 11 cases not
given, and the map without communes where fewer than 11 people were reached. In a small
commune over one month, an exact count (one woman over 85, a pathway closed by a death)
points at a person.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.observatory import charts, exports, suppression
from maillage.observatory.indicators import Figure, Indicators, Table, _fr

THRESHOLD = suppression.DEFAULT_THRESHOLD

# The dashboard's parts, and the tables each one shows, in order.
DASHBOARD = (
    (gettext_lazy("Activité"), ("activite-mensuelle", "demandes", "demandes-besoins", "tri")),
    (
        gettext_lazy("Parcours"),
        ("parcours", "parcours-clotures", "satisfaction", "appels-de-verification"),
    ),
    (gettext_lazy("Orientations"), ("orientations", "orientations-delai", "orientations-refus")),
    (gettext_lazy("Besoins non couverts"), ("besoins-non-couverts", "besoins-sans-ressource")),
    (
        gettext_lazy("Places d'hébergement, de logement et d'établissement"),
        (
            "demandes-de-place",
            "demandes-non-pourvues",
            "delai-admission",
            "refus-de-places",
            "propositions-admissions",
            "journees-vacantes",
            "occupation-des-places",
        ),
    ),
    (gettext_lazy("Offre de l'annuaire"), ("couverture",)),
    (gettext_lazy("Personnes accompagnées"), ("personnes-age-sexe", "personnes-type-commune")),
)


@dataclass
class Shown:
    exact: bool
    figures: list[tuple[str, str]]
    tables: list[dict]  # {"table", "chart", "rows"}
    map_points: list[dict]
    unplaced: int | str

    def sections(self) -> list[tuple[str, list[dict]]]:
        """The tables grouped as the dashboard shows them."""
        by_slug = {t["table"].slug: t for t in self.tables}
        return [
            (title, [by_slug[slug] for slug in slugs if slug in by_slug])
            for title, slugs in DASHBOARD
        ]


def present(computed: Indicators, *, exact: bool) -> Shown:
    tables, shown_rows = [], {}
    for table in computed.tables:
        if exact or not exports.publishable(table):
            rows, drawn = exports.plain_rows(table), table
        else:
            rows = exports.open_rows(table, THRESHOLD)
            drawn = exports.shown_table(table, rows)
        shown_rows[table.slug] = rows
        tables.append({"table": drawn, "chart": charts.draw(drawn), "rows": rows})
    if exact:
        figures = computed.figure_texts()
        points = computed.map_points
        unplaced = computed.unplaced
    else:
        figures = [(f.label, _protected(f, shown_rows)) for f in computed.figures]
        points = [p for p in computed.map_points if p["people"] >= THRESHOLD]
        unplaced = computed.unplaced if computed.unplaced >= THRESHOLD else _few()
    return Shown(exact, figures, tables, points, unplaced)


def _few() -> str:
    return _("moins de %(n)s") % {"n": THRESHOLD}


def _protected(figure: Figure, shown_rows: dict) -> str:
    if figure.cell is not None:
        slug, row, column = figure.cell
        rows = shown_rows[slug]
        if len(rows) < 2:
            return figure.text
        line = rows[-1] if row == "total" else rows[1 + row]
        value = line[-1] if column == "total" else line[1 + column]
        return _few() if value == exports.HIDDEN else _fr(value)
    if figure.count is not None and 0 < figure.count < THRESHOLD:
        return _few()
    if figure.base is not None and 0 < figure.base < THRESHOLD:
        return _("— (moins de %(n)s cas)") % {"n": THRESHOLD}
    return figure.text


def table_rows(table: Table, *, exact: bool) -> list[list]:
    """A table's rows as downloaded (CSV, XLSX) by this reader."""
    if exact or not exports.publishable(table):
        return exports.plain_rows(table)
    return exports.open_rows(table, THRESHOLD)
