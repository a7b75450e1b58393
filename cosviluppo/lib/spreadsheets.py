"""Cells of the CSV and XLSX files the portal writes, made safe from formula injection.

A spreadsheet program reads a cell that begins with `=`, `+`, `-` or `@` as a formula (OWASP's
"CSV Injection" adds a leading tab and carriage return, which some programs skip before deciding):
a proposal title `=HYPERLINK("http://x","y")` in an export would become a live link, or worse.
Every writer of CSV or XLSX goes through this module:

- CSV has no types, so text that would start a formula gets a leading apostrophe, which the
  spreadsheet program shows as text. Text is text even when it looks like a number: a title
  "-5" is written "'-5". Numbers, dates and empty cells are the writer's figures: never
  prefixed, so a negative amount stays `-12.50`.
- XLSX cells are typed, so the text is kept exactly as written, in a string cell (never a
  formula; openpyxl would otherwise store "=…" as one, and "#N/A" as an error), marked
  quote-prefixed when it would start a formula: what Excel stores when someone types a leading
  apostrophe, so editing the cell does not turn it into a formula either. Numbers stay numbers.

Besides the OWASP characters, a line feed and the full-width forms of `=`, `+`, `-`, `@` (which an
input method or a program may fold to the ASCII ones) count as a formula start: a needless
apostrophe costs less than a formula.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import date, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet._write_only import WriteOnlyWorksheet
    from openpyxl.worksheet.worksheet import Worksheet

    Sheet = Worksheet | WriteOnlyWorksheet

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")

# What openpyxl might not store as a string: a formula start, or an error code such as "#N/A".
_XLSX_SUSPECT_STARTS = (*FORMULA_STARTS, "#")

# Values written as figures, not text (datetime is a date).
FIGURES = (int, float, Decimal, date, time, timedelta)


def starts_formula(text: str) -> bool:
    return text.startswith(FORMULA_STARTS)


def neutralised(text: str) -> str:
    """`text` with a leading apostrophe if it would start a formula, otherwise unchanged."""
    return "'" + text if starts_formula(text) else text


def is_figure(value: object) -> bool:
    return value is None or isinstance(value, FIGURES)


def csv_figure(value: object) -> str:
    """A figure as the portal's CSV writes it: no figure empty, Decimal to two decimals (1234.50)."""
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:.2f}"
    return str(value)


def csv_row(values: Iterable[object], *, figure: Callable[[object], str] = csv_figure) -> list[str]:
    """The cells of one CSV row for csv.writer: figures through `figure`, anything else is text
    (a str, a lazy translation, a name) and is neutralised."""
    # Written out rather than through neutralised() and is_figure(): it runs for every cell of
    # reports with tens of thousands of rows, and plain text is by far the commonest value.
    row = []
    for value in values:
        if isinstance(value, str):
            row.append("'" + value if value.startswith(FORMULA_STARTS) else value)
        elif value is None or isinstance(value, FIGURES):
            row.append(figure(value))
        else:
            row.append(neutralised(str(value)))
    return row


def xlsx_text(cell: Cell) -> Cell:
    """`cell`, once its value and style are set: text stays a string cell, quote-prefixed when it
    would start a formula. Figures are left alone."""
    value = cell.value
    if isinstance(value, str):
        cell.data_type = "s"
        if starts_formula(value):
            cell.quotePrefix = True
    return cell


def xlsx_value(sheet: Sheet, value: object) -> object:
    """What to append to `sheet` (normal or write-only) for `value`: figures as they are; text as a
    plain str when openpyxl keeps it a string anyway (no cell object: large sheets stay fast),
    otherwise a string cell from `xlsx_text`."""
    if isinstance(value, str):
        text = value
    elif is_figure(value):
        return value
    else:
        text = str(value)
    if not text.startswith(_XLSX_SUSPECT_STARTS):
        return text
    # Imported here, as the report writers do: the CSV writers use this module without openpyxl.
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ERROR_CODES

    if not starts_formula(text) and text not in ERROR_CODES:
        return text
    return xlsx_text(WriteOnlyCell(sheet, value=text))


def xlsx_row(sheet: Sheet, values: Iterable[object]) -> list[object]:
    return [xlsx_value(sheet, value) for value in values]
