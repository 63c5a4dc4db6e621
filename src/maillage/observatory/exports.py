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
from dataclasses import replace

import numpy as np
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from maillage.core.spreadsheets import csv_cell, xlsx_row
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


def publishable(table: Table) -> bool:
    """Tables of counts, and tables of rates whose counts are protected with them."""
    return table.counts or bool(table.masks)


def open_rows(table: Table, threshold: int = suppression.DEFAULT_THRESHOLD) -> list[list]:
    """The table for open statistics, and for the observatory's readers who do not see
    people: small counts hidden (written "s"), with secondary suppression, so that no hidden
    value can be recomputed from what is shown beside it."""
    if not publishable(table):
        raise ValueError("only tables of counts are published as open statistics")
    keep = list(table.open_columns or range(len(table.columns)))
    header = [table.row_heading, *(table.columns[c] for c in keep)]
    labels = [label for label, _values in table.rows]
    if not table.rows:
        return [header]
    if not table.counts:
        return [header, *_masked(table, keep, threshold)]
    cells = np.array([[values[c] or 0 for c in keep] for _l, values in table.rows], dtype=np.int64)
    if table.additive == "both":
        grid = suppression.published(cells, threshold)
        header.append(_("Total"))
        labels = [*labels, _("Total")]
    elif table.additive == "columns":
        grid = _by_column(cells, threshold)
        labels = [*labels, _("Total")]
    else:
        grid = [_one_line(row, threshold) for row in cells.T.tolist()]
        grid = [list(row) for row in zip(*grid, strict=True)]
    rows = [
        [label, *(HIDDEN if v is None else v for v in values)]
        for label, values in zip(labels, grid, strict=True)
    ]
    return [header, *rows]


def _by_column(cells, threshold) -> list[list]:
    """Each column protected as a distribution with its total (the last row)."""
    columns = [
        [row[0] for row in suppression.published(cells[:, [c]], threshold)]
        for c in range(cells.shape[1])
    ]
    return [list(row) for row in zip(*columns, strict=True)]


def _one_line(values: list[int], threshold: int) -> list[int | None]:
    """Values tied by one relation and no published total (the pathways at the start, opened,
    closed, at the end: start + opened − closed = end): small ones hidden, and never exactly
    one hidden, else the relation gives it back."""
    hidden = [0 < v < threshold for v in values]
    if sum(hidden) == 1:
        others = [i for i, v in enumerate(values) if not hidden[i] and v != 0] or [
            i for i in range(len(values)) if not hidden[i]
        ]
        if others:
            hidden[min(others, key=lambda i: (values[i], i))] = True
    return [None if h else int(v) for h, v in zip(hidden, values, strict=True)]


def _masked(table: Table, keep: list[int], threshold: int) -> list[list]:
    """A table of rates: each count column of `masks` protected as a distribution; the rates
    computed from a hidden count hidden with it."""
    rows = [[label, *values] for label, values in table.rows]
    for column, dependents in table.masks.items():
        counts = np.array([[values[column] or 0] for _l, values in table.rows], dtype=np.int64)
        shown = [row[0] for row in suppression.published(counts, threshold)][:-1]
        for row, value in zip(rows, shown, strict=True):
            if value is None:
                for c in (column, *dependents):
                    row[1 + c] = None
    return [[row[0], *(HIDDEN if row[1 + c] is None else row[1 + c] for c in keep)] for row in rows]


def shown_table(table: Table, rows: list[list]) -> Table:
    """The table as drawn for readers who see protected figures: a hidden value is None,
    drawn as hidden (never as a zero, which would be a false figure)."""

    header = rows[0]
    width = len(table.columns)
    body = [r for r in rows[1:] if r[0] != _("Total")] if rows else []
    values = [(r[0], [None if v == HIDDEN else v for v in r[1 : 1 + width]]) for r in body]
    columns = header[1 : 1 + width] if len(header) > 1 else table.columns
    return replace(table, rows=values, columns=list(columns))


def to_csv(rows: list[list]) -> str:
    out = io.StringIO()
    # RFC 4180's line ends: a cell holding a line break of either kind is then quoted.
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return out.getvalue()


def to_xlsx(table: Table, scope: Scope, rows: list[list]) -> bytes:

    book = Workbook()
    sheet = book.active
    sheet.title = table.slug[:31]
    for line in _heading(table, scope):
        xlsx_row(sheet, line)
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([])
    first = sheet.max_row + 1
    for row in rows:
        xlsx_row(sheet, row)
    for cell in sheet[first]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = max(
        [len(str(r[0])) for r in rows if r] + [len(table.row_heading), 12]
    )
    for index in range(1, len(rows[0]) if rows else 1):
        sheet.column_dimensions[chr(ord("A") + index)].width = 18
    if table.note:
        sheet.append([])
        xlsx_row(sheet, [table.note])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
