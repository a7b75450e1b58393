import csv
import io
import re
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.utils.functional import lazy
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from cosviluppo.lib.spreadsheets import csv_row, neutralised, starts_formula, xlsx_row, xlsx_text

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1", "\n=1", "＝1+1"]
HARMLESS = ["Acqua per Thiès", "", "'=already quoted", "a=b", "#N/A ok", "12", "1 - 2"]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_that_would_start_a_formula_gets_an_apostrophe(text):
    assert starts_formula(text)
    assert neutralised(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_other_text_is_left_as_it_is(text):
    assert neutralised(text) == text


def test_csv_row_neutralises_text_and_writes_figures_plainly():
    lazy_text = lazy(lambda: "=1+1", str)()
    row = csv_row(["-5", -5, Decimal("-12.5"), None, date(2026, 3, 1), "=A1", lazy_text, 3])
    # A title "-5" is text; the amount -12.50 and the integer -5 are figures.
    assert row == ["'-5", "-5", "-12.50", "", "2026-03-01", "'=A1", "'=1+1", "3"]


def test_csv_row_takes_the_writers_own_figure_format():
    assert csv_row([Decimal("1"), "+x"], figure=lambda value: f"<{value}>") == ["<1>", "'+x"]


def test_csv_round_trip_keeps_every_cell_as_text():
    out = io.StringIO()
    csv.writer(out).writerow(csv_row([*HOSTILE, Decimal("1234.5")]))
    (parsed,) = csv.reader(io.StringIO(out.getvalue()))
    assert parsed[:-1] == ["'" + text for text in HOSTILE]
    assert parsed[-1] == "1234.50"


def _saved(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _sheet_xml(data: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.read("xl/worksheets/sheet1.xml").decode()


@pytest.mark.parametrize("write_only", [False, True])
def test_xlsx_text_is_a_string_cell_never_a_formula_and_figures_stay_numbers(write_only):
    workbook = Workbook(write_only=write_only)
    sheet = workbook.create_sheet("Data") if write_only else workbook.active
    values = [*HOSTILE, "#N/A", "plain", Decimal("-12.50"), 7, None]
    sheet.append(xlsx_row(sheet, values))
    data = _saved(workbook)

    assert not re.search(r"<f[ >]", _sheet_xml(data))
    loaded = load_workbook(io.BytesIO(data)).worksheets[0]
    cells = list(loaded.iter_rows(min_row=1, max_row=1))[0]
    # The text exactly as written (tab and carriage return included), typed as a string.
    assert [cell.value for cell in cells[: len(HOSTILE) + 2]] == [*HOSTILE, "#N/A", "plain"]
    assert {cell.data_type for cell in cells[: len(HOSTILE) + 2]} == {"s"}
    # Quote-prefixed when it would start a formula, like an apostrophe typed in Excel.
    assert all(cell.quotePrefix for cell in cells[: len(HOSTILE)])
    assert not cells[len(HOSTILE) + 1].quotePrefix
    assert cells[len(HOSTILE) + 2].value == pytest.approx(-12.5)
    assert cells[len(HOSTILE) + 2].data_type == "n"
    assert cells[len(HOSTILE) + 3].value == 7


def test_xlsx_text_keeps_the_cells_style():
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("Data")
    cell = WriteOnlyCell(sheet, value="=2+2")
    cell.font = Font(bold=True)
    sheet.append([xlsx_text(cell)])
    data = _saved(workbook)
    assert not re.search(r"<f[ >]", _sheet_xml(data))
    loaded = load_workbook(io.BytesIO(data)).worksheets[0]["A1"]
    assert (loaded.value, loaded.data_type, loaded.quotePrefix, loaded.font.bold) == ("=2+2", "s", True, True)
