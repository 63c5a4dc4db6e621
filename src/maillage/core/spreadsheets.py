"""Cells that a spreadsheet must show as text, never run.

A CSV cell starting with `=`, `+`, `-`, `@`, a tab or a carriage return is read by Excel and
LibreOffice as a formula (OWASP "CSV injection"): such text gets a leading apostrophe, which
spreadsheets show as text. Numbers are left as they are (a negative figure is a number). In
XLSX, text is written as a typed string cell, which no spreadsheet evaluates (openpyxl would
otherwise store a string starting with `=` as a formula).
"""

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value):
    """A value for csv.writer: None as empty, text that would be a formula neutralised."""
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def xlsx_row(sheet, values) -> None:
    """Append a row to an openpyxl sheet: numbers as numbers, everything else as text."""
    sheet.append(
        ["" if v is None else (v if isinstance(v, int | float) else str(v)) for v in values]
    )
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str):
            cell.data_type = "s"
