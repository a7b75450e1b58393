"""No export of the reports app turns a title or a name into a live formula: the funding and
country reports (CSV and XLSX, one writer for both kinds) and the public transparency CSV."""

import csv
import io
import re
import zipfile
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from associations.models import Organisation
from associations.tests.factories import FunderFactory, OrganisationFactory
from calls.models import Call
from calls.tests.factories import FunderCommitmentFactory
from projects.models import Proposal
from reports.opendata.transparency import CSV_HEADER

from . import opendata_support
from .report_data import as_decimal, funded_project, parse_csv, report_bytes, small_programme

pytestmark = pytest.mark.django_db

HOSTILE = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"]
DANGEROUS_STARTS = ("=", "+", "-", "@", "\t", "\r")
DECIMAL = re.compile(r"\d+\.\d\d")
HOSTILE_FUNDER = '=HYPERLINK("http://x","funder")'


@pytest.fixture
def hostile():
    """The small programme, plus a funder and six funded projects whose titles and lead
    associations are named like formulas, in the published call R-2010."""
    programme = small_programme()
    call = Call.objects.get(code="R-2010")
    funder = FunderFactory(legal_name=HOSTILE_FUNDER)
    commitment = FunderCommitmentFactory(call=call, funder=funder, amount=Decimal("60000.00"))
    for index, text in enumerate(HOSTILE):
        funded_project(
            call,
            [commitment],
            lead=OrganisationFactory(legal_name=f"{HOSTILE[-1 - index]} ETS"),
            title=text,
            lines=[("A", "origin", Decimal("1000.50"), Decimal("0"), Decimal("0"))],
            shares=["1000.50"],
        )
    return {**programme, "funder": funder}


def assert_no_cell_starts_a_formula(rows):
    for row in rows:
        assert not any(cell.startswith(DANGEROUS_STARTS) for cell in row), row


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


def sheet_xmls(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = [name for name in archive.namelist() if name.startswith("xl/worksheets/sheet")]
        return {name: archive.read(name).decode() for name in names}


def assert_no_formula(data: bytes) -> None:
    xmls = sheet_xmls(data)
    assert xmls
    for name, xml in xmls.items():
        assert not re.search(r"<f[ >]", xml), name


def test_funding_report_csv_neutralises_titles_and_names(hostile):
    data = report_bytes("funding", "csv")
    assert_no_cell_starts_a_formula(csv_rows(data))
    sections = {section["title"]: section for section in parse_csv(data)}

    projects = sections["Funded projects"]
    hostile_rows = [row for row in projects["rows"] if row[2].startswith("'")]
    assert sorted(row[2] for row in hostile_rows) == sorted("'" + text for text in HOSTILE)
    assert sorted(row[3] for row in hostile_rows) == sorted(f"'{text} ETS" for text in HOSTILE)
    # The amounts are still plain decimals, and still add up.
    assert {row[9] for row in hostile_rows} == {"1000.50"}
    assert all(DECIMAL.fullmatch(cell) for row in projects["rows"] for cell in row[5:])
    assert as_decimal(projects["totals"][9]) == sum(as_decimal(row[9]) for row in projects["rows"])

    commitments = sections["Commitments by call edition and funder"]
    assert ["R-2010", "'" + HOSTILE_FUNDER, "60000.00", "6003.00", "53997.00"] in commitments["rows"]
    shares = sections["Split of the awards across funders"]
    assert sum(row[2] == "'" + HOSTILE_FUNDER for row in shares["rows"]) == len(HOSTILE)


def test_funding_report_xlsx_writes_titles_and_names_as_strings(hostile):
    data = report_bytes("funding", "xlsx")
    assert_no_formula(data)
    workbook = load_workbook(io.BytesIO(data))
    projects = workbook["Funded projects"]
    rows = list(projects.iter_rows(min_row=3))
    hostile_rows = [row for row in rows if row[2].value in HOSTILE]
    assert len(hostile_rows) == len(HOSTILE)
    for row in hostile_rows:
        title, lead, granted = row[2], row[3], row[9]
        assert (title.data_type, title.quotePrefix) == ("s", True)
        assert (lead.data_type, lead.quotePrefix) == ("s", True)
        assert lead.value in {f"{text} ETS" for text in HOSTILE}
        assert (granted.value, granted.data_type, granted.number_format) == (1000.5, "n", "#,##0.00")
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row)
    funders = [row[1].value for row in workbook.worksheets[1].iter_rows(min_row=3)]
    assert HOSTILE_FUNDER in funders


def test_country_report_csv_neutralises_the_funder_it_is_for(hostile):
    data = report_bytes("country", "csv", {"funder": hostile["funder"].pk})
    assert_no_cell_starts_a_formula(csv_rows(data))
    sections = parse_csv(data)
    assert ["Funder", "'" + HOSTILE_FUNDER] in sections[0]["rows"]
    countries = sections[1]
    assert countries["totals"][6] == "6003.00"  # the funder's own shares
    assert all(DECIMAL.fullmatch(cell) for row in countries["rows"] for cell in row[6:9])


def test_country_report_xlsx_writes_the_funder_it_is_for_as_a_string(hostile):
    data = report_bytes("country", "xlsx", {"funder": hostile["funder"].pk})
    assert_no_formula(data)
    workbook = load_workbook(io.BytesIO(data))
    parameters = {row[0].value: row[1] for row in workbook.worksheets[0].iter_rows(min_row=3)}
    funder = parameters["Funder"]
    assert (funder.value, funder.data_type, funder.quotePrefix) == (HOSTILE_FUNDER, "s", True)
    (totals,) = [row for row in workbook.worksheets[1].iter_rows() if row[0].value == "Total"]
    granted = totals[6]
    assert (granted.value, granted.data_type, granted.number_format) == (6003, "n", "#,##0.00")


def test_transparency_csv_neutralises_titles_and_beneficiaries(client):
    programme = opendata_support.small_programme(projects=3)
    for index, project in enumerate(programme.projects):
        Proposal.objects.filter(pk=project.pk).update(title=HOSTILE[index])
        Organisation.objects.filter(pk=project.lead_id).update(legal_name=HOSTILE[index + 3])
    Call.objects.filter(pk=programme.call.pk).update(legal_basis="-Delibera", responsible_official="@Anna")

    response = client.get(reverse("reports:transparency-csv"))
    assert response.status_code == 200
    content = opendata_support.body(response)
    assert_no_cell_starts_a_formula(csv_rows(content))
    rows = opendata_support.parse_csv(content)
    assert list(rows[0]) == CSV_HEADER
    assert sorted(row["project_title"] for row in rows) == sorted("'" + text for text in HOSTILE[:3])
    assert sorted(row["beneficiary"] for row in rows) == sorted("'" + text for text in HOSTILE[3:])
    assert {(row["legal_basis"], row["responsible_official"]) for row in rows} == {("'-Delibera", "'@Anna")}
    assert sorted(row["amount_eur"] for row in rows) == ["20000.00", "33333.33", "45000.00"]
    assert {row["decision_date"] for row in rows} == {"2011-10-21"}
