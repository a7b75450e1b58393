"""The funding and country reports: figures against the database, the three formats agreeing,
parameters narrowing what is counted, and a funder's report holding its own data only."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from pypdf import PdfReader

from calls.models import Call, FunderCommitment
from calls.tests.factories import CallFactory, FunderCommitmentFactory
from projects.models import RESULTS_PUBLISHED_CALL_STATUSES, Award, BudgetLine, FunderShare, Proposal
from reports.generation import write_report

from .report_data import as_decimal, funded_project, parse_csv, parse_xlsx, report_bytes, small_programme

pytestmark = pytest.mark.django_db

FUNDING_SECTIONS = [
    "Funding report",
    "Commitments by call edition and funder",
    "Funded projects",
    "Split of the awards across funders",
    "Budgets of the funded projects by cost category",
    "Budgets of the funded projects by territory",
]


def published_funded():
    return Proposal.objects.funded().filter(call__status__in=RESULTS_PUBLISHED_CALL_STATUSES)


def by_title(sections):
    return {section["title"]: section for section in sections}


def test_funding_report_figures_match_the_database():
    small_programme()
    sections = by_title(parse_csv(report_bytes("funding", "csv")))
    assert list(sections) == FUNDING_SECTIONS

    commitments = sections["Commitments by call edition and funder"]
    assert [row[:2] for row in commitments["rows"]] == [
        ["R-2008", "Fondazione Prova"],
        ["R-2010", "Comune di Prova"],
        ["R-2010", "Fondazione Prova"],
    ]  # the call under evaluation is left out
    assert commitments["rows"][1][2:] == ["100000.00", "7500.01", "92499.99"]
    assert commitments["rows"][2][2:] == ["300000.00", "37499.99", "262500.01"]
    committed = FunderCommitment.objects.filter(call__status__in=RESULTS_PUBLISHED_CALL_STATUSES)
    committed_total = committed.aggregate(t=Sum("amount"))["t"]
    allocated = FunderShare.objects.filter(commitment__in=committed).aggregate(t=Sum("amount"))["t"]
    assert commitments["totals"][2:] == [
        f"{committed_total:.2f}",
        f"{allocated:.2f}",
        f"{committed_total - allocated:.2f}",
    ]

    projects = sections["Funded projects"]
    assert len(projects["rows"]) == 3
    granted = Award.objects.filter(proposal__in=published_funded()).aggregate(t=Sum("amount_granted"))["t"]
    assert projects["totals"][9] == f"{granted:.2f}" == "57345.67"
    assert projects["totals"][1] == "3 projects"
    lines = BudgetLine.objects.filter(proposal__in=published_funded())
    for index, field in [(5, "total_cost"), (6, "amount_requested"), (7, "cofinancing_own"), (8, "cofinancing_other")]:
        assert projects["totals"][index] == f"{lines.aggregate(t=Sum(field))['t']:.2f}"
    first = next(row for row in projects["rows"] if row[4] == "SN")
    assert first[5:] == ["39000.00", "30000.00", "8000.00", "1000.00", "30000.00"]

    shares = sections["Split of the awards across funders"]
    assert shares["totals"][3] == f"{granted:.2f}"  # every award is split to the cent
    assert len(shares["rows"]) == 4

    categories = sections["Budgets of the funded projects by cost category"]
    assert [row[0] for row in categories["rows"]] == [
        "A. Human resources",
        "B. Travel and subsistence",
        "C. Equipment and supplies",
    ]
    assert categories["totals"][1] == projects["totals"][5]
    assert categories["totals"][5] == "100.00"
    territories = sections["Budgets of the funded projects by territory"]
    assert territories["totals"][1:5] == categories["totals"][1:5]
    origin = lines.filter(territory="origin").aggregate(t=Sum("total_cost"))["t"]
    assert territories["rows"][0][1] == f"{origin:.2f}"


def test_country_report_figures_match_the_database():
    small_programme()
    sections = by_title(parse_csv(report_bytes("country", "csv")))
    countries = {row[0]: row for row in sections["By country of origin"]["rows"]}
    assert set(countries) == {"SN", "PE", "UA"}
    # SN: one funded and one not funded (the draft and the unpublished call do not count).
    assert countries["SN"][3:7] == ["2", "1", "2", "30000.00"]
    assert countries["SN"][7:] == ["26000.10", "12999.90", "66.67", "33.33"]
    assert countries["PE"][3:7] == ["1", "1", "1", "15000.00"]
    totals = sections["By country of origin"]["totals"]
    # "Associazione Doppia" leads in SN and PE: counted once in the total.
    assert totals[3:7] == ["4", "3", "3", "57345.67"]
    continents = sections["By continent"]
    assert [row[0] for row in continents["rows"]] == ["Africa", "Americas", "Europe"]
    assert continents["totals"] == ["Total", *totals[3:]]


@pytest.mark.parametrize("kind", ["funding", "country"])
def test_the_three_formats_agree(kind):
    small_programme()
    csv_sections = parse_csv(report_bytes(kind, "csv"))
    xlsx_sections = parse_xlsx(report_bytes(kind, "xlsx"))
    assert [s["title"] for s in csv_sections] == [s["title"] for s in xlsx_sections]
    for from_csv, from_xlsx in zip(csv_sections, xlsx_sections, strict=True):
        assert from_csv["header"] == list(from_xlsx["header"])
        assert len(from_csv["rows"]) == len(from_xlsx["rows"])
        for row_csv, row_xlsx in zip(
            [*from_csv["rows"], from_csv["totals"] or []], [*from_xlsx["rows"], from_xlsx["totals"] or []], strict=True
        ):
            for a, b in zip(row_csv, row_xlsx, strict=True):
                if isinstance(b, (int, float)) and not isinstance(b, bool):
                    assert as_decimal(a) == as_decimal(b), (from_csv["title"], row_csv)
                else:
                    assert a == ("" if b is None else str(b)), (from_csv["title"], row_csv)
    pdf_text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(report_bytes(kind, "pdf"))).pages)
    pdf_text = " ".join(pdf_text.split())
    for section in csv_sections:
        assert section["title"] in pdf_text
        for value in section["totals"] or []:
            if value and value[0].isdigit() and "." in value:
                shown = f"{Decimal(value):,.2f}"
                assert shown in pdf_text, (section["title"], shown)


def test_xlsx_is_formatted():
    small_programme()
    workbook = load_workbook(io.BytesIO(report_bytes("funding", "xlsx")))
    commitments = workbook.worksheets[1]
    assert commitments.title == "Commitments by call edition and"
    assert commitments.freeze_panes == "A3"
    assert commitments["A2"].font.b
    assert commitments["C3"].number_format == "#,##0.00"
    totals_row = commitments.max_row - 2  # the note follows the totals, after an empty row
    assert commitments.cell(totals_row, 1).value == "Total"
    assert commitments.cell(totals_row, 3).font.b
    country = load_workbook(io.BytesIO(report_bytes("country", "xlsx")))
    assert country.worksheets[2]._charts, "the continents sheet has its bar charts"


def test_parameters_narrow_the_report():
    programme = small_programme()
    only_2008 = by_title(parse_csv(report_bytes("funding", "csv", {"calls": ["R-2008"]})))
    assert [row[0] for row in only_2008["Funded projects"]["rows"]] == ["R-2008"]
    assert only_2008["Funded projects"]["totals"][9] == "12345.67"

    spring = by_title(parse_csv(report_bytes("funding", "csv", {"date_from": "2010-04-01", "date_to": "2010-12-31"})))
    assert [row[4] for row in spring["Funded projects"]["rows"]] == ["PE"]
    # A commitment belongs to the whole call: not narrowed by the dates.
    assert len(spring["Commitments by call edition and funder"]["rows"]) == 3

    peru = by_title(parse_csv(report_bytes("country", "csv", {"country": "pe"})))
    assert [row[0] for row in peru["By country of origin"]["rows"]] == ["PE"]

    comune = by_title(parse_csv(report_bytes("funding", "csv", {"funder": programme["comune"].pk})))
    assert [row[1] for row in comune["Commitments by call edition and funder"]["rows"]] == ["Comune di Prova"]
    assert [row[4] for row in comune["Funded projects"]["rows"]] == ["SN"]  # not PE: no share in it
    assert [row[2] for row in comune["Split of the awards across funders"]["rows"]] == ["Comune di Prova"]
    assert comune["Split of the awards across funders"]["totals"][3] == "7500.01"
    comune_countries = by_title(parse_csv(report_bytes("country", "csv", {"funder": programme["comune"].pk})))
    # Its own money only: the Comune's share of the SN project, not the whole award.
    sn = next(row for row in comune_countries["By country of origin"]["rows"] if row[0] == "SN")
    assert sn[3:7] == ["2", "1", "2", "7500.01"]


@pytest.mark.parametrize(
    ("parameters", "field", "message"),
    [
        ({"calls": ["R-2012"]}, "calls", "results are not published yet: R-2012"),
        ({"calls": "R-2010"}, "calls", "list of codes"),
        ({"date_from": "10/03/2010"}, "date_from", "YYYY-MM-DD"),
        ({"date_from": "2010-05-01", "date_to": "2010-04-01"}, "date_to", "comes before its start"),
        ({"funder": "abc"}, "funder", "not a funder"),
        ({"country": "XX"}, "country", "not a country code"),
        ({"colour": "red"}, "__all__", "Unknown report parameters: colour"),
    ],
)
def test_bad_parameters_are_refused_in_plain_words(parameters, field, message):
    small_programme()
    with pytest.raises(ValidationError) as refused:
        write_report("funding", "csv", parameters, io.BytesIO())
    assert message in " ".join(refused.value.message_dict[field])


def test_unknown_kind_or_format_is_refused():
    with pytest.raises(ValidationError):
        write_report("summary", "csv", {}, io.BytesIO())
    with pytest.raises(ValidationError):
        write_report("funding", "docx", {}, io.BytesIO())


def test_progress_goes_from_0_to_100():
    small_programme()
    seen = []
    write_report("country", "xlsx", {}, io.BytesIO(), progress=seen.append)
    assert seen[0] == 0
    assert seen[-1] == 100
    assert seen == sorted(seen)


money = st.integers(min_value=1, max_value=5_000_000).map(lambda cents: Decimal(cents) / 100)
budget_line = st.tuples(st.sampled_from("ABCH"), st.sampled_from(["origin", "residence"]), money, money, money)


@settings(max_examples=6, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    projects=st.lists(
        st.tuples(
            st.sampled_from(["SN", "PE", "UA", "MA"]),
            st.lists(budget_line, min_size=1, max_size=3),
            st.lists(money, min_size=1, max_size=2),
        ),
        min_size=1,
        max_size=5,
    )
)
def test_figures_reconcile_on_generated_programmes(projects):
    FunderShare.objects.all().delete()
    Award.objects.all().delete()
    Proposal.objects.all().delete()
    FunderCommitment.objects.all().delete()
    Call.objects.all().delete()
    call = CallFactory(code="H-2010", status=Call.Status.RESULTS_PUBLISHED)
    commitments = [FunderCommitmentFactory(call=call, amount=Decimal("99999999.00")) for _ in range(2)]
    for country, lines, shares in projects:
        funded_project(call, commitments, country=country, lines=lines, shares=shares)
    funded = published_funded()
    granted = Award.objects.filter(proposal__in=funded).aggregate(t=Sum("amount_granted"))["t"]
    cost = BudgetLine.objects.filter(proposal__in=funded).aggregate(t=Sum("total_cost"))["t"]

    funding = by_title(parse_csv(report_bytes("funding", "csv")))
    assert funding["Funded projects"]["totals"][9] == f"{granted:.2f}"
    assert funding["Split of the awards across funders"]["totals"][3] == f"{granted:.2f}"
    assert funding["Budgets of the funded projects by cost category"]["totals"][1] == f"{cost:.2f}"
    assert funding["Budgets of the funded projects by territory"]["totals"][1] == f"{cost:.2f}"
    assert sum(Decimal(row[9]) for row in funding["Funded projects"]["rows"]) == granted

    country = by_title(parse_csv(report_bytes("country", "csv")))
    rows = country["By country of origin"]["rows"]
    assert sum(Decimal(row[6]) for row in rows) == granted
    assert sum(Decimal(row[7]) + Decimal(row[8]) for row in rows) == cost
    for row in rows:
        expected = Award.objects.filter(proposal__in=funded.filter(origin_country=row[0])).aggregate(
            t=Sum("amount_granted")
        )["t"]
        assert Decimal(row[6]) == expected
    xlsx = parse_xlsx(report_bytes("country", "xlsx"))
    assert as_decimal(xlsx[1]["totals"][6]) == granted
