"""Small programmes for the report tests, and readers for the three output formats."""

import csv
import io
import itertools
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from openpyxl import load_workbook

from associations.tests.factories import FunderFactory, OrganisationFactory
from calls.models import Call, Territory
from calls.tests.factories import CallFactory, FunderCommitmentFactory
from projects.models import Award, BudgetLine, FunderShare, Proposal
from projects.tests.factories import ProposalFactory
from reports.generation import write_report

_sequence = itertools.count(1)


def submitted(call, status, **extra):
    """A proposal of `call` submitted with the next protocol number (the database requires one)."""
    number = next(_sequence)
    extra.setdefault("submitted_at", timezone.now() - timedelta(days=100))
    return ProposalFactory(
        call=call, status=status, protocol_sequence=number, protocol_number=f"{call.code}-{number:04d}", **extra
    )


def funded_project(call, commitments, *, country="SN", lead=None, lines=(), shares=(), submitted_at=None, **extra):
    """A funded proposal of `call` with budget `lines` (category, territory, requested, own, other)
    and an award split as `shares` (one amount per commitment, in order)."""
    proposal = submitted(
        call,
        Proposal.Status.FUNDED,
        lead=lead or OrganisationFactory(),
        origin_country=country,
        submitted_at=submitted_at or timezone.now() - timedelta(days=100),
        **extra,
    )
    for category, territory, requested, own, other in lines:
        BudgetLine.objects.create(
            proposal=proposal,
            category=category,
            territory=territory,
            amount_requested=requested,
            cofinancing_own=own,
            cofinancing_other=other,
            total_cost=requested + own + other,
        )
    amounts = [Decimal(amount) for amount in shares]
    if amounts:
        award = Award.objects.create(proposal=proposal, amount_granted=sum(amounts), decided_at=timezone.now())
        for commitment, amount in zip(commitments, amounts, strict=False):
            if amount > 0:
                FunderShare.objects.create(award=award, commitment=commitment, amount=amount)
    return proposal


def small_programme():
    """Two published calls (two funders), an unpublished one that must never count, a rejected
    proposal and a draft."""
    comune, cariplo = FunderFactory(legal_name="Comune di Prova"), FunderFactory(legal_name="Fondazione Prova")
    published = CallFactory(code="R-2010", status=Call.Status.RESULTS_PUBLISHED)
    archived = CallFactory(code="R-2008", status=Call.Status.ARCHIVED)
    hidden = CallFactory(code="R-2012", status=Call.Status.EVALUATION)
    c1 = [
        FunderCommitmentFactory(call=published, funder=comune, amount=Decimal("100000.00")),
        FunderCommitmentFactory(call=published, funder=cariplo, amount=Decimal("300000.00")),
    ]
    c2 = [FunderCommitmentFactory(call=archived, funder=cariplo, amount=Decimal("90000.00"))]
    c3 = [FunderCommitmentFactory(call=hidden, funder=comune, amount=Decimal("50000.00"))]
    lead = OrganisationFactory(legal_name="Associazione Doppia")
    ORIGIN, ITALY = Territory.ORIGIN, Territory.RESIDENCE
    first = funded_project(
        published,
        c1,
        country="SN",
        lead=lead,
        lines=[
            ("A", ORIGIN, Decimal("20000.10"), Decimal("5000.00"), Decimal("1000.00")),
            ("B", ITALY, Decimal("9999.90"), Decimal("3000.00"), Decimal("0")),
        ],
        shares=["7500.01", "22499.99"],
        submitted_at=timezone.now().replace(year=2010, month=3, day=10),
    )
    second = funded_project(
        published,
        c1,
        country="PE",
        lead=lead,
        lines=[("C", ORIGIN, Decimal("15000.00"), Decimal("0.33"), Decimal("0"))],
        shares=["0", "15000.00"],
        submitted_at=timezone.now().replace(year=2010, month=4, day=20),
    )
    third = funded_project(
        archived,
        c2,
        country="UA",
        lines=[("A", ITALY, Decimal("12345.67"), Decimal("4000.00"), Decimal("500.00"))],
        shares=["12345.67"],
        submitted_at=timezone.now().replace(year=2008, month=5, day=2),
    )
    funded_project(
        hidden,
        c3,
        country="SN",
        lines=[("A", ORIGIN, Decimal("999.00"), Decimal("0"), Decimal("0"))],
        shares=["999.00"],
    )
    submitted(published, Proposal.Status.NOT_FUNDED, origin_country="SN")
    ProposalFactory(call=published, origin_country="SN", status=Proposal.Status.DRAFT)
    return {"comune": comune, "cariplo": cariplo, "projects": [first, second, third], "hidden": hidden}


def report_bytes(kind: str, fmt: str, parameters: dict | None = None) -> bytes:
    stream = io.BytesIO()
    write_report(kind, fmt, parameters or {}, stream)
    return stream.getvalue()


def parse_csv(data: bytes) -> list[dict]:
    """The sections of a CSV report: title, header, rows and totals (the row starting with Total)."""
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    sections, block = [], []
    for row in csv.reader(io.StringIO(data.decode("utf-8-sig"))):
        if row:
            block.append(row)
            continue
        title, header, *rows = block
        totals = rows.pop() if rows and rows[-1][0] == "Total" else None
        sections.append({"title": title[0], "header": header, "rows": rows, "totals": totals})
        block = []
    assert not block
    return sections


def parse_xlsx(data: bytes) -> list[dict]:
    workbook = load_workbook(io.BytesIO(data), read_only=True)
    sections = []
    for sheet in workbook.worksheets:
        values = [list(row) for row in sheet.iter_rows(values_only=True)]
        title, header, *rows = values
        # A note after the table: an empty row, then the note.
        if len(rows) >= 2 and not any(v not in (None, "") for v in rows[-2]):
            rows = rows[:-2]
        totals = rows.pop() if rows and rows[-1][0] == "Total" else None
        sections.append({"title": title[0], "header": header, "rows": rows, "totals": totals, "sheet": sheet})
    return sections


def as_decimal(value) -> Decimal | None:
    """A money or percentage cell of any format as Decimal (XLSX gives floats, CSV strings)."""
    if value in (None, ""):
        return None
    if isinstance(value, float):
        return Decimal(repr(value)).quantize(Decimal("0.01"))
    return Decimal(str(value)).quantize(Decimal("0.01"))
