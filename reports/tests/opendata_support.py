"""What the open-data tests share: a small funded programme built with factories, and the checks
against the official 360Giving and IATI files in settings.OPEN_DATA_STANDARDS_DIR.

The official files are read, never copied into the project: they live in shared/standards beside
it (CI has the same copy). Without them a developer's run skips the tests that need them; under
CI=true it fails.
"""

import csv
import io
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import cache
from pathlib import Path
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta
from django.conf import settings
from lxml import etree

from associations.models import Organisation
from associations.tests.factories import FunderFactory, NGOFactory, OrganisationFactory
from calls.models import Call
from calls.tests.factories import CallFactory, FunderCommitmentFactory
from cosviluppo.testing import skip_unless_available
from projects.models import Installment, Proposal, ProposalPartner
from projects.services import award_grant, proposal_transition
from projects.services.lifecycle import protocol_number_for
from projects.tests.factories import BudgetLineFactory, ProposalFactory, ProposalPartnerFactory

ROME = ZoneInfo("Europe/Rome")
# Queries of one generation of a stored file, whatever the number of grants (up to a chunk): the
# same bound is asserted on the 66 demo projects and on two projects. The generator's own queries
# (at most 8), the count of records and the switch of the stored row.
MAX_GENERATION_QUERIES = 16
# Queries of one download of a stored file: its row.
MAX_SERVE_QUERIES = 1
# The transparency page: the count and one page of rows.
MAX_PAGE_QUERIES = 4


# --- Data -----------------------------------------------------------------------------------------


@dataclass
class SmallProgramme:
    comune: Organisation
    cariplo: Organisation
    call: object
    projects: list[Proposal] = field(default_factory=list)


def comune_di_milano() -> Organisation:
    """The programme owner, as the demo registers it: a public body named PROGRAMME_OWNER_NAME."""
    return FunderFactory(
        kind=Organisation.Kind.PUBLIC_BODY,
        legal_name=settings.PROGRAMME_OWNER_NAME,
        legal_form=Organisation.LegalForm.PUBLIC_BODY,
    )


def funded_project(call, *, amount: Decimal, lead=None, title: str = "", decided: datetime) -> Proposal:
    """A proposal ranked and then awarded through projects.services.award_grant."""
    sequence = Proposal.objects.filter(call=call).count() + 1
    proposal = ProposalFactory(call=call, lead=lead or OrganisationFactory(), **({"title": title} if title else {}))
    Proposal.objects.filter(pk=proposal.pk).update(
        status=Proposal.Status.RANKED,
        protocol_sequence=sequence,
        protocol_number=protocol_number_for(call, sequence),
        submitted_at=call.opens_at,
        rank=sequence,
        summary=f"Filiera del miglio a Thiès e incontri con la comunità a Milano ({sequence}).",
        objectives="Reddito per 40 coltivatori; una rete di famiglie senegalesi a Milano.",
    )
    BudgetLineFactory(proposal=proposal, amount_requested=amount)
    proposal.refresh_from_db()
    award_grant(proposal=proposal, amount=amount, now=decided)
    proposal.refresh_from_db()
    return proposal


def start_project(proposal: Proposal, *, start: date, months: int) -> None:
    end = start + relativedelta(months=months) - timedelta(days=1)
    Proposal.objects.filter(pk=proposal.pk).update(
        cup=f"B41J11{proposal.pk:09d}",
        agreement_signed_on=start - timedelta(days=20),
        start_date=start,
        end_date=end,
        duration_months=months,
    )
    proposal_transition(
        proposal=proposal, to=Proposal.Status.IN_PROGRESS, now=datetime.combine(start, datetime.min.time(), ROME)
    )


def pay(proposal: Proposal, *, sequence: int, percentage: int, paid_on: date | None) -> Installment:
    award = proposal.award
    return Installment.objects.create(
        award=award,
        sequence=sequence,
        label={1: "Anticipo", 2: "Secondo acconto", 3: "Saldo"}[sequence],
        percentage=Decimal(percentage),
        amount=(award.amount_granted * percentage / 100).quantize(Decimal("0.01")),
        status=Installment.Status.PAID if paid_on else Installment.Status.PLANNED,
        paid_on=paid_on,
    )


def small_programme(projects: int = 2) -> SmallProgramme:
    """A 2011 call co-funded by the Comune and Cariplo, with `projects` funded projects (1 to 3):

    1. closed: € 33.333,33 (shares in cents), three installments paid, an Italian NGO and a
       partner in Senegal confirmed, an invited (unconfirmed) NGO;
    2. in progress for 18 months (two budget years): € 45.000,00, one installment paid, one planned;
    3. just funded, no agreement yet: € 20.000,00, nothing paid.
    """
    comune = comune_di_milano()
    cariplo = FunderFactory(legal_name="Fondazione Cariplo")
    call = CallFactory(
        code="COSV-2011",
        year=2011,
        title_it="Milano per il co-sviluppo – anno 2010",
        title_en="Milan for co-development – year 2010",
        status="evaluation",
        opens_at=datetime(2011, 3, 15, 9, tzinfo=ROME),
        closes_at=datetime(2011, 5, 16, 12, tzinfo=ROME),
        legal_basis="Delibera G.C. n. 3791 del 23/12/2010",
        responsible_office="Gabinetto del Sindaco – Settore Relazioni Internazionali",
        responsible_official="Anna Moretti",
    )
    FunderCommitmentFactory(call=call, funder=comune, amount=Decimal("200000.00"))
    FunderCommitmentFactory(call=call, funder=cariplo, amount=Decimal("1050000.00"))
    decided = datetime(2011, 10, 21, 12, tzinfo=ROME)
    programme = SmallProgramme(comune=comune, cariplo=cariplo, call=call)

    closed = funded_project(call, amount=Decimal("33333.33"), title="Filiera del miglio a Thiès", decided=decided)
    ProposalPartnerFactory(proposal=closed, response=ProposalPartner.Response.CONFIRMED)
    ProposalPartnerFactory(
        proposal=closed,
        organisation=OrganisationFactory(
            kind=Organisation.Kind.ORIGIN_PARTNER,
            legal_name="GIE And Suxali Thiès",
            codice_fiscale="",
            seat_country="SN",
        ),
        role=ProposalPartner.Role.ORIGIN_PARTNER,
        response=ProposalPartner.Response.CONFIRMED,
    )
    ProposalPartnerFactory(proposal=closed, organisation=NGOFactory(), response=ProposalPartner.Response.INVITED)
    start_project(closed, start=date(2012, 1, 16), months=12)
    for sequence, (percentage, paid_on) in enumerate(
        [(40, date(2012, 2, 1)), (40, date(2012, 7, 20)), (20, date(2013, 3, 30))], start=1
    ):
        pay(closed, sequence=sequence, percentage=percentage, paid_on=paid_on)
    proposal_transition(proposal=closed, to=Proposal.Status.CLOSED, now=datetime(2013, 3, 30, 10, tzinfo=ROME))
    programme.projects.append(closed)

    if projects >= 2:
        running = funded_project(call, amount=Decimal("45000.00"), decided=decided)
        start_project(running, start=date(2012, 2, 1), months=18)
        pay(running, sequence=1, percentage=40, paid_on=date(2012, 2, 20))
        pay(running, sequence=2, percentage=40, paid_on=None)
        programme.projects.append(running)
    if projects >= 3:
        programme.projects.append(funded_project(call, amount=Decimal("20000.00"), decided=decided))
    # Published once the funders signed the decision off: the exports publish only such calls.
    Call.objects.filter(pk=call.pk).update(status="results_published", results_published_at=decided)
    call.refresh_from_db()
    for proposal in programme.projects:
        proposal.refresh_from_db()
    return programme


# --- Reading the documents ------------------------------------------------------------------------


def body(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


def parse_360(content: bytes) -> dict:
    """The package, with every number as an exact Decimal."""
    return json.loads(content, parse_float=Decimal)


def parse_iati(content: bytes):
    return etree.fromstring(content)


def parse_csv(content: bytes) -> list[dict]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))


# --- The official files ---------------------------------------------------------------------------


def standards_dir() -> Path:
    """settings.OPEN_DATA_STANDARDS_DIR, or a skip (a failure under CI=true) when it is missing."""
    folder = Path(settings.OPEN_DATA_STANDARDS_DIR)
    needed = [
        folder / "360giving" / "schema" / "360-giving-package-schema.json",
        folder / "iati" / "schemas" / "iati-activities-schema.xsd",
        folder / "iati" / "codelists" / "embedded" / "mapping.xml",
        folder / "orgid" / "lists" / "it" / "it-cf.json",
    ]
    missing = [str(path) for path in needed if not path.exists()]
    if missing:
        skip_unless_available(
            f"The official 360Giving and IATI files are not in {folder} (missing: {', '.join(missing)}). "
            "They come from shared/standards beside the project, copied unchanged from "
            "ThreeSixtyGiving/standard, IATI/IATI-Schemas, IATI/IATI-Codelists(-NonEmbedded), "
            "IATI/IATI-Rulesets and org-id/register (commits in shared/standards/README.md); "
            "set OPEN_DATA_STANDARDS_DIR to where they are."
        )
    return folder


@cache
def giving360_validator(folder: Path):
    """The package schema, its grant $ref resolved to the local grant schema (nothing is fetched).

    Two traps (USAGE.md §1.1): the schemas say `http://json-schema.org/draft/2020-12/schema`,
    which `referencing` does not recognise, so the dialect is stated; and every date is a `oneOf`
    of date-time and a date pattern, which needs a real date-time format checker
    (jsonschema[format-nongpl]), or a plain date matches both branches.
    """
    from jsonschema import Draft202012Validator
    from referencing import Registry, Resource
    from referencing.jsonschema import DRAFT202012

    package = json.loads((folder / "360giving/schema/360-giving-package-schema.json").read_text())
    grant = json.loads((folder / "360giving/schema/360-giving-schema.json").read_text())
    resource = Resource(contents=grant, specification=DRAFT202012)
    registry = Registry().with_resources(
        [(grant["$id"], resource), (package["properties"]["grants"]["items"]["$ref"], resource)]
    )
    checker = Draft202012Validator.FORMAT_CHECKER
    assert "date-time" in checker.checkers, "install jsonschema[format-nongpl]: dates cannot be checked without it"
    return Draft202012Validator(package, registry=registry, format_checker=checker)


def giving360_schema_errors(folder: Path, package: dict) -> list[str]:
    # The schema types amounts as "number": jsonschema accepts Decimal as a number.
    return [
        f"{'/'.join(map(str, error.absolute_path))}: {error.message}"
        for error in giving360_validator(folder).iter_errors(package)
    ]


@cache
def _codelist_csv(folder: Path, name: str) -> frozenset[str]:
    with open(folder / "360giving" / "codelists" / f"{name}.csv", encoding="utf-8") as stream:
        return frozenset(row["Code"] for row in csv.DictReader(stream))


@cache
def orgid_prefixes(folder: Path) -> frozenset[str]:
    """The org-id.guide prefixes we have (Italy), as long as IATI's registration agencies list them too."""
    local = {json.loads(path.read_text())["code"] for path in (folder / "orgid/lists/it").glob("*.json")}
    agencies = etree.parse(str(folder / "iati/codelists/non-embedded/OrganisationRegistrationAgency.xml"))
    active = {
        item.findtext("code") for item in agencies.iter("codelist-item") if item.get("status", "active") == "active"
    }
    return frozenset(local & active)


ORG_ID = re.compile(r"^(?P<prefix>[A-Z]{2}-[A-Z]+)-(?P<number>.+)$")
SAFE_ID = re.compile(r"^[A-Za-z0-9._-]+$")


def org_id_problems(folder: Path, identifier: str, *, allow_360g: bool) -> list[str]:
    if allow_360g and identifier.startswith("360G-"):
        return [] if SAFE_ID.match(identifier) else [f"{identifier}: unexpected characters"]
    match = ORG_ID.match(identifier)
    if not match or match["prefix"] not in orgid_prefixes(folder):
        return [f"{identifier}: not an org-id with a known prefix"]
    if match["prefix"] == "IT-CF" and not re.fullmatch(r"[0-9]{11}", match["number"]):
        return [f"{identifier}: IT-CF needs the 11 digits of a body's codice fiscale"]
    return []


def giving360_codelist_problems(folder: Path, package: dict) -> list[str]:
    """What the schema leaves to the publisher: closed codelists, org-id prefixes, identifiers."""
    problems = []
    scopes, regrant = _codelist_csv(folder, "locationScope"), _codelist_csv(folder, "regrantType")
    seen = set()
    for grant in package["grants"]:
        if "locationScope" in grant and grant["locationScope"] not in scopes:
            problems.append(f"{grant['id']}: locationScope {grant['locationScope']}")
        if "regrantType" in grant and grant["regrantType"] not in regrant:
            problems.append(f"{grant['id']}: regrantType {grant['regrantType']}")
        if not grant["id"].startswith("360G-") or not SAFE_ID.match(grant["id"]) or grant["id"] in seen:
            problems.append(f"{grant['id']}: not a unique 360G- grant identifier")
        seen.add(grant["id"])
        for organisation in grant.get("fundingOrganization", []) + grant.get("recipientOrganization", []):
            problems += org_id_problems(folder, organisation["id"], allow_360g=True)
        if grant["title"] == grant["description"]:
            problems.append(f"{grant['id']}: title and description are the same")
    return problems


@cache
def iati_schema(folder: Path):
    return etree.XMLSchema(etree.parse(str(folder / "iati/schemas/iati-activities-schema.xsd")))


def iati_schema_errors(folder: Path, document) -> list[str]:
    schema = iati_schema(folder)
    if schema.validate(document):
        return []
    return [f"line {error.line}: {error.message}" for error in schema.error_log]


@cache
def _iati_codelists(folder: Path) -> dict[str, frozenset[str]]:
    lists = {}
    for path in (folder / "iati/codelists").glob("*/*.xml"):
        if path.name == "mapping.xml":
            continue
        tree = etree.parse(str(path))
        root = tree.getroot()
        if root.tag == "codelist":
            lists[root.get("name")] = frozenset(item.findtext("code") for item in root.iter("codelist-item"))
    return lists


def iati_codelist_problems(folder: Path, document) -> list[str]:
    """Every value at a path of the official mapping.xml, checked against its codelist.

    The XSD leaves codelists open (`sector code="99999"` is valid XML); the IATI Validator checks
    them through this mapping. A value whose codelist is not in the standards folder is a
    problem too: nothing we publish may go unchecked.
    """
    mapping = etree.parse(str(folder / "iati/codelists/embedded/mapping.xml"))
    lists = _iati_codelists(folder)
    problems = []
    for rule in mapping.iter("mapping"):
        path, name = rule.findtext("path"), rule.find("codelist").get("ref")
        condition = rule.findtext("condition")
        if condition:
            # "//x/y/@code" with a condition on y → "//x/y[condition]/@code"
            head, _sep, tail = path.rpartition("/")
            path = f"{head}[{condition}]/{tail}"
        for value in document.xpath(path):
            value = str(value).strip()
            if name not in lists:
                problems.append(f"{path} = {value}: codelist {name} is not available to check it")
            elif value not in lists[name]:
                problems.append(f"{path} = {value}: not in codelist {name}")
    return problems


def _day(text: str) -> date:
    return date.fromisoformat(text[:10])


def iati_rule_problems(document, *, today: date) -> list[str]:
    """The rules of iati/rulesets/standard.json that our data could break (ids in brackets)."""
    problems = []
    for activity in document.iter("iati-activity"):
        identifier = activity.findtext("iati-identifier")
        ref = activity.find("reporting-org").get("ref")
        where = identifier
        if identifier == ref:
            problems.append(f"{where}: identifier equals the reporting org [1.1.3]")
        if not identifier.startswith(ref + "-"):
            problems.append(f"{where}: identifier does not start with the reporting org and a hyphen [1.1.21]")
        for value in [identifier, ref, *activity.xpath(".//@ref")]:
            if re.search(r"[/&|?]", value) or value != value.strip():
                problems.append(f"{where}: identifier {value!r} has forbidden characters [1.x.13]")
        if not activity.xpath("activity-date[@type='1' or @type='2']"):
            problems.append(f"{where}: no start date [6.11.1]")
        if not activity.xpath("sector") and activity.xpath("transaction[not(sector)]"):
            problems.append(f"{where}: no sector [6.2.2]")
        if not activity.get("{http://www.w3.org/XML/1998/namespace}lang"):
            problems.append(f"{where}: no xml:lang [4.1.1]")
        if not activity.get("default-currency"):
            problems.append(f"{where}: no default currency [7.8.1]")
        if not activity.xpath("recipient-country or recipient-region"):
            problems.append(f"{where}: no recipient country or region [3.6.2]")
        for element in activity.xpath("title | description"):
            if not "".join(element.xpath("narrative/text()")).strip():
                problems.append(f"{where}: {element.tag} without text [4.3.1/4.4.1]")
        for element in activity.xpath(".//participating-org | .//provider-org | .//receiver-org"):
            if not element.get("ref") and not element.xpath("narrative/text()"):
                problems.append(f"{where}: {element.tag} with neither ref nor name [6.9/6.10.1]")
        dates = {element.get("type"): _day(element.get("iso-date")) for element in activity.iter("activity-date")}
        for start, end, rule in (("1", "3", "11.1.2"), ("2", "4", "11.1.3")):
            if start in dates and end in dates and not dates[start] < dates[end]:
                problems.append(f"{where}: activity dates {start} and {end} out of order [{rule}]")
        for kind in ("2", "4"):
            if kind in dates and dates[kind] > today:
                problems.append(f"{where}: actual date in the future [11.1.4/5]")
        if _day(activity.get("last-updated-datetime")) > today:
            problems.append(f"{where}: last updated in the future [11.1.1]")
        for element in activity.xpath("transaction/transaction-date"):
            if _day(element.get("iso-date")) > today:
                problems.append(f"{where}: transaction in the future [11.2.1]")
        for budget in activity.iter("budget"):
            start = _day(budget.find("period-start").get("iso-date"))
            end = _day(budget.find("period-end").get("iso-date"))
            if not start < end:
                problems.append(f"{where}: budget period out of order [8.6.3]")
            if end >= start + relativedelta(years=1):
                problems.append(f"{where}: budget period longer than a year [7.5.3]")
    return problems
