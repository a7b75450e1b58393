"""The funded projects as an IATI 2.03 activity file (XML), reported by the Comune.

Roles (OrganisationRole codelist):
- the Comune is the reporting organisation (type 11, local government). It is *extending* (3):
  it runs the call and manages the pooled money on the funders' behalf, and also *funding* (1)
  when the award draws on its own commitment;
- every other funder whose commitment the award draws on is *funding* (1): a foundation is 60,
  a bank 71 (private sector in the provider country);
- the lead migrant association is *implementing* (4): it signs the grant agreement, receives
  the money and carries the project out. *Accountable* (2) is left out: oversight of the
  programme stays with the Comune, which the file already names;
- confirmed partners are implementing (4) too: an Italian NGO is 22 (national NGO), a partner in
  the country of origin 24 (partner-country NGO), named without a ref when it has no org-id.

Money:
- one outgoing commitment (2) per funder share, dated at the award decision, with the funder as
  provider-org and the association as receiver-org: the commitments add up to the award, and
  each funder's total can be read back;
- one disbursement (3) per installment paid, dated when it was paid;
- an original, committed budget (type 1, status 2) for each year of the project (IATI wants
  periods of a year at most, rule 7.5.3); the award is spread over them in proportion to their
  days, to the cent.
"""

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta
from lxml import etree

from cosviluppo.lib.money import split_proportionally
from projects.models import Proposal

from . import CHUNK_SIZE, CURRENCY, SECTOR_CODE, document_language
from .formats import buffered, iso_date, iso_datetime, money
from .identifiers import activity_identifier, registry_org_id
from .selectors import Publisher, grant_last_modified, opendata_grants, opendata_last_modified, opendata_publisher

VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# OrganisationRole
FUNDING, ACCOUNTABLE, EXTENDING, IMPLEMENTING = "1", "2", "3", "4"
# OrganisationType by Organisation.kind
LOCAL_GOVERNMENT = "11"
ORGANISATION_TYPES = {
    "migrant_association": "22",
    "ngo": "22",
    "federation": "22",
    "foundation": "60",
    "bank": "71",
    "public_body": LOCAL_GOVERNMENT,
    "origin_partner": "24",
}
OTHER_TYPE = "90"
# ActivityStatus by Proposal.status: awarded, not started → pipeline; running → implementation;
# closed (final report approved, balance paid) → closed.
ACTIVITY_STATUS = {
    Proposal.Status.FUNDED: "1",
    Proposal.Status.IN_PROGRESS: "2",
    Proposal.Status.CLOSED: "4",
}
# ActivityDateType
PLANNED_START, ACTUAL_START, PLANNED_END, ACTUAL_END = "1", "2", "3", "4"
# TransactionType
OUTGOING_COMMITMENT, DISBURSEMENT = "2", "3"
# The DAC defaults of a co-development grant: ODA, standard grant, project-type intervention,
# bilateral; region 998 ("developing countries, unspecified") when the country is not known.
FLOW_ODA, FINANCE_GRANT, AID_PROJECT, COLLABORATION_BILATERAL = "10", "110", "C01", "1"
REGION_UNSPECIFIED = "998"
BUDGET_ORIGINAL, BUDGET_COMMITTED = "1", "2"


def _narrative(parent, text: str) -> None:
    etree.SubElement(parent, "narrative").text = text


def _organisation(parent, tag: str, organisation, **attributes) -> None:
    """An organisation element: its org-id as ref when it has one, its name always."""
    element = etree.SubElement(parent, tag)
    ref = registry_org_id(organisation)
    if ref:
        element.set("ref", ref)
    for name, value in attributes.items():
        element.set(name.replace("_", "-"), value)
    _narrative(element, organisation.legal_name)


def organisation_type(organisation) -> str:
    return ORGANISATION_TYPES.get(organisation.kind, OTHER_TYPE)


def participating_organisations(activity, proposal, publisher: Publisher) -> None:
    owner = publisher.organisation
    funders = []
    for share in proposal.award.funder_shares:
        funder = share.commitment.funder
        if funder not in funders:
            funders.append(funder)
    for funder in funders:
        _organisation(activity, "participating-org", funder, role=FUNDING, type=organisation_type(funder))
    _organisation(activity, "participating-org", owner, role=EXTENDING, type=LOCAL_GOVERNMENT)
    _organisation(
        activity, "participating-org", proposal.lead, role=IMPLEMENTING, type=organisation_type(proposal.lead)
    )
    for partner in proposal.confirmed_partners:
        organisation = partner.organisation
        kind = "origin_partner" if partner.role == partner.Role.ORIGIN_PARTNER else organisation.kind
        _organisation(
            activity,
            "participating-org",
            organisation,
            role=IMPLEMENTING,
            type=ORGANISATION_TYPES.get(kind, OTHER_TYPE),
        )


def project_dates(proposal) -> dict[str, date]:
    """The activity dates by type. Without recorded dates (agreement not signed yet) the planned
    start is the award decision and the planned end follows from the duration."""
    planned_start = proposal.start_date or iso_day(proposal.award.decided_at)
    planned_end = proposal.end_date
    if planned_end is None and proposal.duration_months:
        planned_end = planned_start + relativedelta(months=proposal.duration_months) - timedelta(days=1)
    dates = {PLANNED_START: planned_start}
    started = proposal.status in (Proposal.Status.IN_PROGRESS, Proposal.Status.CLOSED)
    if started and proposal.start_date:
        dates[ACTUAL_START] = proposal.start_date
    if planned_end:
        dates[PLANNED_END] = planned_end
    if proposal.status == Proposal.Status.CLOSED and proposal.end_date:
        dates[ACTUAL_END] = proposal.end_date
    return dates


def iso_day(moment) -> date:
    return date.fromisoformat(iso_date(moment))


def budget_periods(start: date, end: date) -> list[tuple[date, date]]:
    """Consecutive periods of at most one year covering start..end (both included)."""
    periods = []
    while start <= end:
        period_end = min(start + relativedelta(years=1) - timedelta(days=1), end)
        periods.append((start, period_end))
        start = period_end + timedelta(days=1)
    return periods


def budgets(activity, proposal, dates: dict[str, date]) -> None:
    if PLANNED_END not in dates or dates[PLANNED_END] < dates[PLANNED_START]:
        return
    periods = budget_periods(dates[PLANNED_START], dates[PLANNED_END])
    amounts = split_proportionally(
        proposal.award.amount_granted,
        {index: Decimal((end - start).days + 1) for index, (start, end) in enumerate(periods)},
    )
    for index, (start, end) in enumerate(periods):
        budget = etree.SubElement(activity, "budget", type=BUDGET_ORIGINAL, status=BUDGET_COMMITTED)
        etree.SubElement(budget, "period-start", {"iso-date": start.isoformat()})
        etree.SubElement(budget, "period-end", {"iso-date": end.isoformat()})
        value = etree.SubElement(budget, "value", {"value-date": start.isoformat()})
        value.text = money(amounts[index])


def _transaction(activity, code: str, day: str, amount, *, provider=None, receiver=None, label: str = "") -> None:
    transaction = etree.SubElement(activity, "transaction")
    etree.SubElement(transaction, "transaction-type", code=code)
    etree.SubElement(transaction, "transaction-date", {"iso-date": day})
    etree.SubElement(transaction, "value", {"value-date": day}).text = money(amount)
    if label:
        _narrative(etree.SubElement(transaction, "description"), label)
    if provider is not None:
        _organisation(transaction, "provider-org", provider)
    if receiver is not None:
        _organisation(transaction, "receiver-org", receiver)


def transactions(activity, proposal) -> None:
    award = proposal.award
    decided = iso_date(award.decided_at)
    for share in award.funder_shares:
        _transaction(
            activity,
            OUTGOING_COMMITMENT,
            decided,
            share.amount,
            provider=share.commitment.funder,
            receiver=proposal.lead,
        )
    for installment in award.paid_installments:
        _transaction(
            activity,
            DISBURSEMENT,
            iso_date(installment.paid_on),
            installment.amount,
            receiver=proposal.lead,
            label=installment.label,
        )


def activity_element(proposal, publisher: Publisher) -> etree._Element:
    activity = etree.Element(
        "iati-activity",
        {
            "last-updated-datetime": iso_datetime(grant_last_modified(proposal)),
            XML_LANG: document_language(),
            "default-currency": CURRENCY,
        },
    )
    etree.SubElement(activity, "iati-identifier").text = activity_identifier(publisher.identifier, proposal)
    _organisation(activity, "reporting-org", publisher.organisation, type=LOCAL_GOVERNMENT)
    _narrative(etree.SubElement(activity, "title"), proposal.title)
    _narrative(etree.SubElement(activity, "description", type="1"), proposal.summary.strip() or proposal.title)
    if proposal.objectives.strip():
        _narrative(etree.SubElement(activity, "description", type="2"), proposal.objectives)
    participating_organisations(activity, proposal, publisher)
    etree.SubElement(activity, "activity-status", code=ACTIVITY_STATUS[proposal.status])
    dates = project_dates(proposal)
    for date_type in sorted(dates):
        etree.SubElement(activity, "activity-date", {"type": date_type, "iso-date": dates[date_type].isoformat()})
    if proposal.origin_country:
        etree.SubElement(activity, "recipient-country", code=proposal.origin_country.code)
    else:
        etree.SubElement(activity, "recipient-region", code=REGION_UNSPECIFIED, vocabulary="1")
    etree.SubElement(activity, "sector", vocabulary="1", code=SECTOR_CODE)
    etree.SubElement(activity, "collaboration-type", code=COLLABORATION_BILATERAL)
    etree.SubElement(activity, "default-flow-type", code=FLOW_ODA)
    etree.SubElement(activity, "default-finance-type", code=FINANCE_GRANT)
    etree.SubElement(activity, "default-aid-type", code=AID_PROJECT, vocabulary="1")
    budgets(activity, proposal, dates)
    transactions(activity, proposal)
    return activity


def iati_chunks(publisher: Publisher) -> Iterator[str]:
    """The file as text pieces: the root's opening tag, one activity at a time, the closing tag.

    generated-datetime is the latest change to the data it contains, not the clock's time: the
    same data always gives the same bytes, whether served or written by the command.
    """
    modified = opendata_last_modified()
    generated = f' generated-datetime="{iso_datetime(modified)}"' if modified else ""
    yield f'<?xml version="1.0" encoding="UTF-8"?>\n<iati-activities version="{VERSION}"{generated}>\n'
    for proposal in opendata_grants(partners=True).iterator(chunk_size=CHUNK_SIZE):
        activity = activity_element(proposal, publisher)
        etree.indent(activity, space="  ", level=1)
        yield "  " + etree.tostring(activity, encoding="unicode") + "\n"
    yield "</iati-activities>\n"


def iati_bytes(publisher: Publisher | None = None) -> Iterator[bytes]:
    """The UTF-8 bytes of the file, for a streaming response or a file.

    Raises PublisherMissing (before anything is produced) when the Comune is not registered.
    """
    publisher = publisher or opendata_publisher()
    return buffered(iati_chunks(publisher))
