"""The ranking exports: CSV and XLSX read back give the figures of the decision page, to the cent."""

import csv
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from associations.models import Organisation
from cosviluppo.templatetags.formatting import eur
from funding.services import funding_propose
from projects.models import Award, Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def decided(demo, officer):
    funding_propose(call=demo.call, by=officer)
    return demo


def export(client, call, fmt):
    return client.get(reverse("funding:ranking-export", kwargs={"code": call.code}), {"format": fmt})


def money(value) -> Decimal | None:
    return None if value in ("", None) else Decimal(str(value)).quantize(Decimal("0.01"))


def page_rows(html: str) -> dict[str, str]:
    """The decision page's ranking table: protocol number → the HTML of its row."""
    body = html.split('class="table table-sm cosv-decision-table"', 1)[1].split("</tbody>", 1)[0]
    rows = {}
    for row in re.findall(r"<tr.*?</tr>", body, flags=re.S):
        found = re.search(r"<th scope=\"row\">([^<]+)<br>", row)
        if found:
            rows[found.group(1)] = row
    return rows


def test_csv_has_the_figures_of_the_page(client, officer, decided):
    client.force_login(officer)
    response = export(client, decided.call, "csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.streaming
    content = b"".join(response.streaming_content)
    assert content.startswith("\ufeff".encode())
    lines = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    header, data, totals = lines[0], lines[1:-1], lines[-1]
    funders = [c.funder.legal_name for c in decided.commitments]
    assert header[:4] == ["Position", "Protocol number", "Title", "Lead association"]
    assert header[4:7] == ["Criterion A", "Criterion B", "Criterion C"]
    assert sorted(header[-3:]) == sorted(f"{name} share (EUR)" for name in funders)
    assert len(data) == 8

    granted_col, requested_col = header.index("Amount granted (EUR)"), header.index("Amount requested (EUR)")
    page = page_rows(client.get(reverse("funding:decision", kwargs={"code": decided.call.code})).content.decode())
    for line, proposal in zip(data, decided.proposals, strict=True):
        assert line[1] == proposal.protocol_number
        award = Award.objects.filter(proposal=proposal).first()
        assert money(line[granted_col]) == (award.amount_granted if award else None)
        row_html = page[proposal.protocol_number]
        for cell in [line[requested_col], line[granted_col], *line[-3:]]:
            if cell:
                assert eur(Decimal(cell)) in row_html, (proposal.protocol_number, cell)
        shares = [money(value) or Decimal("0") for value in line[-3:]]
        assert sum(shares) == (money(line[granted_col]) or Decimal("0"))

    assert totals[0] == "Total"
    assert money(totals[granted_col]) == Decimal("235000.00")
    assert money(totals[requested_col]) == sum(money(line[requested_col]) for line in data)
    for index in range(len(header) - 3, len(header)):
        assert money(totals[index]) == sum(money(line[index]) or Decimal("0") for line in data)
    assert sum(money(totals[i]) for i in range(len(header) - 3, len(header))) == Decimal("235000.00")


def test_xlsx_is_formatted_with_a_frozen_header_and_a_totals_row(client, officer, decided):
    client.force_login(officer)
    response = export(client, decided.call, "xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f"ranking-{decided.call.code}.xlsx" in response["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.content)).active
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert all(cell.font.bold for cell in sheet[1])
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    data, totals = rows[:-1], rows[-1]
    assert len(data) == 8 and totals[0] == "Total"
    assert all(cell.font.bold for cell in sheet[sheet.max_row])

    granted_col = header.index("Amount granted (EUR)")
    csv_content = b"".join(export(client, decided.call, "csv").streaming_content).decode("utf-8-sig")
    csv_lines = list(csv.reader(io.StringIO(csv_content)))[1:]
    for xlsx_row, csv_row in zip(rows, csv_lines, strict=True):
        for xlsx_value, csv_value in zip(xlsx_row, csv_row, strict=True):
            if isinstance(xlsx_value, int | float):
                assert money(xlsx_value) == money(csv_value)
            else:
                assert (xlsx_value or "") == csv_value
    assert money(totals[granted_col]) == Decimal("235000.00")
    money_cell = sheet.cell(row=2, column=granted_col + 1)
    assert money_cell.number_format == "#,##0.00"


def test_an_unknown_format_is_not_found(client, officer, decided):
    client.force_login(officer)
    assert export(client, decided.call, "pdf").status_code == 404


def test_exports_are_for_staff_only(client, funder_viewer, applicant, decided):
    for user in (funder_viewer, applicant):
        client.force_login(user)
        assert export(client, decided.call, "csv").status_code == 403
        assert export(client, decided.call, "xlsx").status_code == 403


# Text a spreadsheet program would run as a formula (cosviluppo.lib.spreadsheets).
HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")


@pytest.fixture
def hostile(decided):
    """The decided call with proposal titles, lead associations and a funder named like formulas."""
    for index, proposal in enumerate(decided.proposals):
        Proposal.objects.filter(pk=proposal.pk).update(title=HOSTILE[index % len(HOSTILE)])
        Organisation.objects.filter(pk=proposal.lead_id).update(legal_name=f"{HOSTILE[(index + 1) % len(HOSTILE)]} ETS")
    Organisation.objects.filter(pk=decided.commitments[0].funder_id).update(legal_name="=1+1")
    return decided


def test_csv_neutralises_text_that_would_start_a_formula(client, officer, hostile):
    client.force_login(officer)
    content = b"".join(export(client, hostile.call, "csv").streaming_content).decode("utf-8-sig")
    lines = list(csv.reader(io.StringIO(content)))
    header, data = lines[0], lines[1:-1]

    assert "'=1+1 share (EUR)" in header
    titles = {line[2] for line in data}
    assert titles == {"'" + text for text in HOSTILE}
    assert {line[3] for line in data} == {f"'{text} ETS" for text in HOSTILE}
    for line in lines:
        assert not any(cell.startswith(DANGEROUS_STARTS) for cell in line), line
    # The figures are still plain decimals, and still add up.
    granted_col = header.index("Amount granted (EUR)")
    assert money(lines[-1][granted_col]) == Decimal("235000.00")
    assert all(re.fullmatch(r"\d+\.\d\d", line[granted_col]) for line in data if line[granted_col])


def test_xlsx_writes_hostile_text_as_strings_never_formulas(client, officer, hostile):
    client.force_login(officer)
    content = export(client, hostile.call, "xlsx").content

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        sheet_xml = archive.read("xl/worksheets/sheet1.xml").decode()
    assert not re.search(r"<f[ >]", sheet_xml)
    sheet = load_workbook(io.BytesIO(content)).active
    header = [cell.value for cell in sheet[1]]
    assert "=1+1 share (EUR)" in header
    assert {cell.data_type for row in sheet.iter_rows() for cell in row if cell.value is not None} == {"s", "n"}
    titles = [row[2] for row in sheet.iter_rows(min_row=2, max_row=sheet.max_row - 1)]
    assert {cell.value for cell in titles} == set(HOSTILE)
    assert all(cell.data_type == "s" and cell.quotePrefix for cell in titles)
    granted_col = header.index("Amount granted (EUR)") + 1
    totals = sheet.cell(row=sheet.max_row, column=granted_col)
    assert (money(totals.value), totals.data_type, totals.number_format) == (Decimal("235000.00"), "n", "#,##0.00")
