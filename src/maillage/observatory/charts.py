"""Charts drawn on the server as SVG: the same markup serves the dashboard, the printed
page and the PDF report, with no script. Each chart is an image named by its table's title;
the table itself, printed under it, is the accessible version of its figures.

Colours: four hues with a contrast of at least 3:1 against white (graphics, WCAG 1.4.11),
and stacked segments are separated by a white line so that they do not rely on colour
alone next to each other; the legend repeats the column names in order.
"""

from __future__ import annotations

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from maillage.observatory.indicators import Table

COLOURS = ("#000091", "#b34000", "#18753c", "#6e445a", "#0063cb", "#73603a")
WIDTH = 640
LABEL_WIDTH = 260
BAR_HEIGHT = 18
GAP = 8


def _number(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float) and not value.is_integer():
        return f"{value:,.1f}".replace(",", "\u202f").replace(".", ",")
    return f"{int(value):,}".replace(",", "\u202f")


def _short(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _open(slug: str, title: str, height: int) -> str:
    return (
        f'<svg class="chart" role="img" aria-labelledby="chart-{escape(slug)}" '
        f'viewBox="0 0 {WIDTH} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'xmlns="http://www.w3.org/2000/svg" font-family="Marianne, Arial, sans-serif" '
        f'font-size="12"><title id="chart-{escape(slug)}">{escape(title)}</title>'
    )


def _legend(columns: list[str], y: int) -> tuple[str, int]:
    parts, x = [], 0
    for index, column in enumerate(columns):
        label = _short(column, 40)
        width = 30 + 8 * len(label)
        if x + width > WIDTH:
            x, y = 0, y + 20
        colour = COLOURS[index % len(COLOURS)]
        parts.append(
            f'<rect x="{x}" y="{y}" width="14" height="14" fill="{colour}"/>'
            f'<text x="{x + 20}" y="{y + 12}" fill="#161616">{escape(label)}</text>'
        )
        x += width
    return "".join(parts), y + 24


def bars(table: Table, columns: list[int] | None = None) -> SafeString:
    """Horizontal bars, one per row: stacked over `columns` (all by default) when they are
    counts of one whole, else the first of them alone."""
    columns = list(range(len(table.columns))) if columns is None else columns
    if not table.counts:
        columns = columns[:1]
    hidden = {label: any(values[c] is None for c in columns) for label, values in table.rows}
    rows = [(label, [values[c] or 0 for c in columns]) for label, values in table.rows]
    biggest = max((sum(v) for _l, v in rows), default=0) or 1
    legend, top = _legend([table.columns[c] for c in columns], 0) if len(columns) > 1 else ("", 0)
    height = top + len(rows) * (BAR_HEIGHT + GAP) + 4
    span = WIDTH - LABEL_WIDTH - 70
    parts = [_open(table.slug, table.title, height), legend]
    for index, (label, values) in enumerate(rows):
        y = top + index * (BAR_HEIGHT + GAP)
        parts.append(
            f'<text x="{LABEL_WIDTH - 8}" y="{y + 13}" text-anchor="end" fill="#161616">'
            f"{escape(_short(str(label)))}</text>"
        )
        x = LABEL_WIDTH
        for position, value in enumerate(values):
            width = span * value / biggest
            if width > 0:
                parts.append(
                    f'<rect x="{x:.1f}" y="{y}" width="{width:.1f}" height="{BAR_HEIGHT}" '
                    f'fill="{COLOURS[position % len(COLOURS)]}" stroke="#fff" stroke-width="1"/>'
                )
            x += width
        # A hidden count is said hidden, never drawn as a zero.
        shown = _("masqué") if hidden[label] and not sum(values) else _number(sum(values))
        if hidden[label] and sum(values):
            shown = _("%(n)s + masqué") % {"n": shown}
        parts.append(f'<text x="{x + 6:.1f}" y="{y + 13}" fill="#161616">{escape(shown)}</text>')
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped


def series(table: Table) -> SafeString:
    """One line per column across the rows (months), with a point per value."""
    rows = table.rows
    legend, top = _legend(table.columns, 0)
    plot_height, left, bottom = 180, 50, 36
    height = top + plot_height + bottom
    biggest = max((v or 0 for _l, values in rows for v in values), default=0) or 1
    step = (WIDTH - left - 10) / max(len(rows) - 1, 1)
    parts = [_open(table.slug, table.title, height), legend]
    for fraction in (0, 0.5, 1):
        y = top + plot_height * (1 - fraction)
        parts.append(
            f'<line x1="{left}" x2="{WIDTH - 10}" y1="{y:.1f}" y2="{y:.1f}" stroke="#929292" '
            f'stroke-width="0.5"/><text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" '
            f'fill="#161616">{_number(round(biggest * fraction))}</text>'
        )
    every = max(1, -(-len(rows) // 6))  # at most six labels: they never overlap
    for index, (label, _values) in enumerate(rows):
        if index % every == 0:
            parts.append(
                f'<text x="{left + index * step:.1f}" y="{top + plot_height + 18}" '
                f'text-anchor="middle" fill="#161616">{escape(str(label))}</text>'
            )
    for column in range(len(table.columns)):
        colour = COLOURS[column % len(COLOURS)]
        # A hidden value is a gap in the line, not a point at zero, nor a straight line
        # drawn across it: one polyline per run of shown values.
        runs, run = [], []
        for index, (_l, values) in enumerate(rows):
            if values[column] is None:
                if run:
                    runs.append(run)
                run = []
                continue
            run.append((left + index * step, top + plot_height * (1 - values[column] / biggest)))
        if run:
            runs.append(run)
        for points in runs:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(
                f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>'
                + "".join(
                    f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in points
                )
            )
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 — every text above is escaped


def draw(table: Table) -> SafeString:
    return series(table) if table.chart == "series" else bars(table)
