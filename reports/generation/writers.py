"""The same sections written as CSV, XLSX or PDF.

CSV layout (UTF-8 with a byte-order mark, so that Excel reads the accents): the sections one
after another in one file. Each section is a title row (the title, then its note if any), a
header row, the data rows, a totals row whose first cell is "Total" (when the section has
totals), then an empty row. Amounts are written as plain decimals with a dot and two decimals
(1234.50), percentages likewise; an empty cell is "no figure". Text that would start a formula
gets a leading apostrophe (cosviluppo.lib.spreadsheets).

XLSX: one sheet per section (title in row 1, header in row 2 and frozen, totals row in bold,
amounts formatted as euros), written in openpyxl's write-only mode so memory stays bounded. Text
is always a string cell, never a formula (cosviluppo.lib.spreadsheets).

PDF: WeasyPrint, with bar charts drawn as SVG next to the tables; long lists stop after
`Section.pdf_row_limit` rows and say so (their totals still cover every row).
"""

import csv
import io
import logging
from collections.abc import Callable
from copy import copy
from typing import BinaryIO

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cosviluppo.lib.spreadsheets import csv_row, xlsx_text, xlsx_value

from .sections import INT, MONEY, PERCENT, Section, Totals
from .svg import bar_chart_svg

logger = logging.getLogger(__name__)

MONEY_FORMAT = "#,##0.00"
PERCENT_FORMAT = "0.00"
Progress = Callable[[Section], None]


def write_csv(sections: list[Section], stream: BinaryIO, done: Progress) -> None:
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="", write_through=True)
    try:
        writer = csv.writer(text)
        for section in sections:
            writer.writerow(csv_row([section.title, section.note] if section.note else [section.title]))
            writer.writerow(csv_row(column.label for column in section.columns))
            totals = Totals(section, _("Total"))
            for row in section.rows():
                totals.add(row)
                writer.writerow(csv_row(row))
            if section.has_totals:
                writer.writerow(csv_row(totals.row()))
            writer.writerow([])
            done(section)
        text.flush()
    finally:
        # The caller owns the stream: leave it open.
        text.detach()


def _sheet_title(section: Section, used: set[str]) -> str:
    title = "".join(ch for ch in section.title if ch not in "[]:*?/\\")[:31]
    base, number = title, 2
    while title in used:
        title = f"{base[:28]}_{number}"
        number += 1
    used.add(title)
    return title


def write_xlsx(sections: list[Section], stream: BinaryIO, done: Progress) -> None:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.chart import BarChart, Reference
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    bold = Font(bold=True)
    used: set[str] = set()
    for section in sections:
        sheet = workbook.create_sheet(_sheet_title(section, used))
        for index, column in enumerate(section.columns, start=1):
            width = 14 if column.kind in (MONEY, PERCENT, INT) else 28
            sheet.column_dimensions[get_column_letter(index)].width = max(width, min(len(column.label) + 2, 40))
        sheet.freeze_panes = "A3"

        # One styled cell per column, copied: setting number_format and font on every cell costs
        # a style lookup each, which dominated the time of large sheets.
        plain = [_styled(sheet, column, font=None) for column in section.columns]
        strong = [_styled(sheet, column, font=bold) for column in section.columns]

        def cells(values, *, styles=plain, sheet=sheet):
            row = []
            for value, style in zip(values, styles, strict=True):
                if style is None:
                    row.append(xlsx_value(sheet, value))
                    continue
                cell = WriteOnlyCell(sheet, value=value)
                cell._style = copy(style)
                row.append(xlsx_text(cell))
            return row

        title = WriteOnlyCell(sheet, value=section.title)
        title.font = Font(bold=True, size=13)
        sheet.append([xlsx_text(title)])
        sheet.append([_header_cell(sheet, column.label, bold) for column in section.columns])
        totals = Totals(section, _("Total"))
        for row in section.rows():
            totals.add(row)
            sheet.append(cells(row))
        if section.has_totals:
            sheet.append(cells(totals.row(), styles=strong))
        if section.note:
            sheet.append([])
            sheet.append([xlsx_value(sheet, section.note)])
        for number, spec in enumerate(section.charts if totals.count else []):
            chart = BarChart()
            chart.type = "bar"
            chart.title = spec.title
            chart.legend = None
            first, last = 3, 2 + totals.count
            chart.add_data(
                Reference(sheet, min_col=spec.value_column + 1, min_row=first, max_row=last), titles_from_data=False
            )
            chart.set_categories(Reference(sheet, min_col=spec.label_column + 1, min_row=first, max_row=last))
            chart.height = max(6, 0.5 * totals.count + 2)
            anchor_column = get_column_letter(len(section.columns) + 2 + 9 * number)
            sheet.add_chart(chart, f"{anchor_column}3")
        done(section)
    workbook.save(stream)


def _styled(sheet, column, *, font):
    """The style of a column's cells (None: a plain value, no cell object needed)."""
    from openpyxl.cell import WriteOnlyCell

    if column.kind not in (MONEY, PERCENT) and font is None:
        return None
    cell = WriteOnlyCell(sheet)
    if column.kind == MONEY:
        cell.number_format = MONEY_FORMAT
    elif column.kind == PERCENT:
        cell.number_format = PERCENT_FORMAT
    if font is not None:
        cell.font = font
    return cell._style


def _header_cell(sheet, label, font):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=label)
    cell.font = font
    return xlsx_text(cell)


def _pdf_value(value, kind: str) -> str:
    if value is None:
        return "–"
    if kind == MONEY:
        return number_format(value, 2, use_l10n=True, force_grouping=True)
    if kind == PERCENT:
        return number_format(value, 2, use_l10n=True) + " %"
    if kind == INT and isinstance(value, int):
        return number_format(value, 0, use_l10n=True, force_grouping=True)
    return str(value)


def _left_out_note(shown: int, left: int) -> str:
    if left <= 0:
        return ""
    return (
        ngettext(
            "The PDF lists the first %(shown)d rows; %(left)d more is in the CSV and XLSX versions of this report.",
            "The PDF lists the first %(shown)d rows; %(left)d more are in the CSV and XLSX versions of this report.",
            left,
        )
        % {"shown": shown, "left": left}
        + " "
        + _("The totals cover every row.")
    )


def write_pdf(sections: list[Section], stream: BinaryIO, done: Progress, *, title: str) -> None:
    from weasyprint import HTML

    from projects.receipts import local_files_fetcher, static_root_for_fonts

    rendered = []
    for section in sections:
        totals = Totals(section, _("Total"))
        rows, kept = [], []
        limit = section.pdf_row_limit
        for row in section.rows():
            totals.add(row)
            if section.charts:
                kept.append(row)
            if limit is None or len(rows) < limit:
                rows.append([(_pdf_value(v, c.kind), c.kind) for v, c in zip(row, section.columns, strict=True)])
        charts = []
        for spec in section.charts:
            items = sorted(
                ((str(row[spec.label_column]), row[spec.value_column] or 0) for row in kept),
                key=lambda item: item[1],
                reverse=True,
            )[: spec.limit]
            decimals = 2 if section.columns[spec.value_column].kind == MONEY else 0
            if items:
                charts.append(bar_chart_svg(spec.title, items, decimals=decimals))
        rendered.append(
            {
                "section": section,
                "columns": section.columns,
                "rows": rows,
                "totals": (
                    [(_pdf_value(v, c.kind), c.kind) for v, c in zip(totals.row(), section.columns, strict=True)]
                    if section.has_totals
                    else None
                ),
                "charts": charts,
                "left_out": _left_out_note(len(rows), totals.count - len(rows)),
            }
        )
        done(section)
    root = static_root_for_fonts()
    html = render_to_string(
        "reports/runs/report_pdf.html", {"title": title, "sections": rendered, "generated_at": timezone.now()}
    )
    HTML(string=html, base_url=root.as_uri() + "/", url_fetcher=local_files_fetcher(root)).write_pdf(stream)
