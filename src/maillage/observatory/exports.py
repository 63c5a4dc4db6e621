"""Downloads of the observatory's tables: CSV and XLSX as shown on the page (for the
platform's own work), and open statistics, where small counts are hidden.

Open statistics follow `suppression`: counts from 1 to threshold − 1 are hidden, then more
until no hidden value can be recomputed from the totals published beside it. A hidden value
is written "s" (secret statistique), as INSEE and the health-data publications do. Only
tables of counts are published this way; a table of rates or means would reveal what the
suppression hides.
"""

from __future__ import annotations

import csv
import io

import numpy as np
from django.utils.translation import gettext as _

from maillage.observatory import suppression
from maillage.observatory.indicators import Scope, Table

HIDDEN = "s"


def _heading(table: Table, scope: Scope) -> list[list[str]]:
    return [
        [table.title],
        [_("Territoire : %(t)s — période : %(p)s") % {"t": scope.label, "p": scope.period_label}],
    ]


def plain_rows(table: Table) -> list[list]:
    """The table as on the page, with its totals where they add up."""
    header = [table.row_heading, *table.columns]
    rows = [[label, *values] for label, values in table.rows]
    if table.counts and table.additive == "both":
        header.append(_("Total"))
        rows = [[*row, sum(v or 0 for v in row[1:])] for row in rows]
    if table.counts and table.additive in ("both", "columns") and rows:
        totals = [sum(row[i] or 0 for row in rows) for i in range(1, len(header))]
        rows.append([_("Total"), *totals])
    return [header, *rows]


def open_rows(table: Table, threshold: int = suppression.DEFAULT_THRESHOLD) -> list[list]:
    """The table for open statistics: small counts hidden, with secondary suppression."""
    if not table.counts:
        raise ValueError("only tables of counts are published as open statistics")
    header = [table.row_heading, *table.columns]
    labels = [label for label, _values in table.rows]
    cells = np.array([[v or 0 for v in values] for _l, values in table.rows], dtype=np.int64)
    if cells.size == 0:
        return [header]
    if table.additive == "both":
        grid = suppression.published(cells, threshold)
        header.append(_("Total"))
        labels = [*labels, _("Total")]
    elif table.additive == "columns":
        columns = [
            [row[0] for row in suppression.published(cells[:, [c]], threshold)]
            for c in range(cells.shape[1])
        ]
        grid = [list(row) for row in zip(*columns, strict=True)]
        labels = [*labels, _("Total")]
    else:
        grid = [[None if 0 < v < threshold else int(v) for v in row] for row in cells.tolist()]
    rows = [
        [label, *(HIDDEN if v is None else v for v in values)]
        for label, values in zip(labels, grid, strict=True)
    ]
    return [header, *rows]


def to_csv(rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for row in rows:
        writer.writerow(["" if v is None else v for v in row])
    return out.getvalue()


def to_xlsx(table: Table, scope: Scope, rows: list[list]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = table.slug[:31]
    for line in _heading(table, scope):
        sheet.append(line)
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    first = sheet.max_row + 1
    for row in rows:
        sheet.append(
            ["" if v is None else (str(v) if not isinstance(v, int | float) else v) for v in row]
        )
    for cell in sheet[first]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = max(
        [len(str(r[0])) for r in rows if r] + [len(table.row_heading), 12]
    )
    for index in range(1, len(rows[0]) if rows else 1):
        sheet.column_dimensions[chr(ord("A") + index)].width = 18
    if table.note:
        sheet.append([])
        sheet.append([table.note])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
