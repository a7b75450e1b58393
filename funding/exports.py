"""The ranking table of a call as CSV (streamed, UTF-8) and XLSX (openpyxl): the same lines and
figures as the staff decision page, both built from `selectors.decision_table`. Titles and names
are applicants' text: cells go through cosviluppo.lib.spreadsheets, so none becomes a formula."""

import csv
from collections.abc import Iterator
from io import BytesIO

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from cosviluppo.lib.spreadsheets import csv_row, xlsx_row

from .selectors import DecisionTable

MONEY_FORMAT = "#,##0.00"
SCORE_FORMAT = "0.00"


def header(table: DecisionTable) -> list[str]:
    return [
        _("Position"),
        _("Protocol number"),
        _("Title"),
        _("Lead association"),
        *[_("Criterion %(code)s") % {"code": criterion.code} for criterion in table.criteria],
        _("Total score"),
        _("Fundable"),
        _("Status"),
        _("Reserve list position"),
        _("Amount requested (EUR)"),
        _("Amount granted (EUR)"),
        *[_("%(funder)s share (EUR)") % {"funder": line.funder.legal_name} for line in table.commitments],
    ]


def rows(table: DecisionTable) -> Iterator[list]:
    """Every ranking line, then the totals line; amounts as Decimal, scores as Decimal."""
    for row in table.rows:
        entry = row.entry
        yield [
            entry.position,
            row.proposal.protocol_number,
            row.proposal.title,
            row.proposal.lead.legal_name,
            *row.criterion_values,
            entry.total_score,
            _("yes") if entry.fundable else _("no"),
            row.proposal.get_status_display(),
            row.reserve_position,
            row.requested,
            row.granted,
            *[cell.amount for cell in row.share_cells],
        ]
    yield [
        _("Total"),
        "",
        "",
        "",
        *["" for _criterion in table.criteria],
        "",
        "",
        "",
        "",
        table.total_requested,
        table.total_granted,
        *table.share_totals,
    ]


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def csv_lines(table: DecisionTable) -> Iterator[str]:
    """The CSV, line by line, after a byte-order mark so spreadsheet programs read it as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow(csv_row(header(table)))
    for line in rows(table):
        yield writer.writerow(csv_row(line))


def xlsx_bytes(table: DecisionTable) -> bytes:
    """The XLSX workbook: bold, filled and frozen header row, number formats, bold totals row."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = (_("Ranking") + " " + table.call.code)[:31]
    titles = header(table)
    sheet.append(xlsx_row(sheet, titles))
    bold = Font(bold=True)
    fill = PatternFill("solid", fgColor="DDE6F0")
    for cell in sheet[1]:
        cell.font = bold
        cell.fill = fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"
    criteria_count = len(table.criteria)
    # Column indexes (1-based) of scores and amounts, for their number formats.
    score_columns = set(range(5, 5 + criteria_count + 1))
    first_money = 5 + criteria_count + 4
    money_columns = set(range(first_money, len(titles) + 1))
    for line in rows(table):
        sheet.append(xlsx_row(sheet, line))
        for index, cell in enumerate(sheet[sheet.max_row], start=1):
            if index in money_columns:
                cell.number_format = MONEY_FORMAT
            elif index in score_columns:
                cell.number_format = SCORE_FORMAT
    for cell in sheet[sheet.max_row]:
        cell.font = bold
    widths = {1: 9, 2: 18, 3: 48, 4: 36}
    for index in range(1, len(titles) + 1):
        sheet.column_dimensions[get_column_letter(index)].width = widths.get(index, 16)
    sheet.row_dimensions[1].height = 45
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
