"""Text that a spreadsheet would run as a formula is written as text, in CSV and XLSX."""

import csv
import io

from hypothesis import given
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from maillage.core.spreadsheets import FORMULA_STARTS, csv_cell, xlsx_row
from maillage.observatory.exports import to_csv

HOSTILE = ['=HYPERLINK("http://x","clic")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]


def test_csv_cells_that_would_be_formulas_start_with_an_apostrophe():
    text = to_csv([["Commune", "Nombre"], *[[h, -4] for h in HOSTILE], ["Nesmy", 3]])
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert [r[0] for r in rows[1:-1]] == ["'" + h for h in HOSTILE]
    assert [r[1] for r in rows[1:]] == ["-4"] * len(HOSTILE) + ["3"]  # numbers stay numbers
    assert rows[-1] == ["Nesmy", "3"]


def test_xlsx_cells_are_typed_text_never_formulas():
    hostile = HOSTILE[:-1]  # XML turns a carriage return into a line feed
    book = Workbook()
    xlsx_row(book.active, [*hostile, -4, 2.5, None])
    out = io.BytesIO()
    book.save(out)
    row = next(load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())
    assert [c.value for c in row[: len(hostile)]] == hostile
    assert all(c.data_type == "s" for c in row[: len(hostile)])
    assert [c.value for c in row[len(hostile) : len(hostile) + 2]] == [-4, 2.5]


@given(st.text())
def test_no_csv_text_cell_starts_like_a_formula(text):
    cell = csv_cell(text)
    assert not cell.startswith(FORMULA_STARTS)
    assert cell.removeprefix("'") == text or cell == text
