"""/opendata/iati.xml: a valid IATI 2.03 activity file that reconciles with the database."""

from datetime import date
from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse
from lxml import etree

from projects.models import Award, FunderShare, Installment, Proposal

from .opendata_support import (
    body,
    iati_codelist_problems,
    iati_rule_problems,
    iati_schema_errors,
    parse_iati,
    small_programme,
    standards_dir,
)

pytestmark = pytest.mark.django_db

URL = "reports:opendata-iati"


@pytest.fixture
def programme():
    return small_programme(projects=3)


def download(client, **headers) -> bytes:
    response = client.get(reverse(URL), **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/xml; charset=utf-8"
    return body(response)


def activities(document) -> list:
    return list(document.iter("iati-activity"))


def test_the_file_is_valid_against_the_official_xsd(client, programme):
    folder = standards_dir()
    document = parse_iati(download(client))
    assert document.get("version") == "2.03"
    assert len(activities(document)) == 3
    assert iati_schema_errors(folder, document) == []


def test_every_code_is_in_its_official_codelist(client, programme):
    document = parse_iati(download(client))
    assert iati_codelist_problems(standards_dir(), document) == []


def test_the_rules_of_the_iati_validator_hold(client, programme):
    document = parse_iati(download(client))
    assert iati_rule_problems(document, today=date.today()) == []


def test_the_checks_catch_a_broken_activity(client, programme):
    """Each check can fail: element order, codelist values, the identifier rule."""
    folder = standards_dir()
    document = parse_iati(download(client))
    first = activities(document)[0]
    first.find("sector").set("code", "99999")
    first.find("recipient-country").set("code", "XX")
    assert len(iati_codelist_problems(folder, document)) == 2
    first.find("iati-identifier").text = "COSV-2011-0001"
    assert any("[1.1.21]" in problem for problem in iati_rule_problems(document, today=date.today()))
    first.remove(first.find("title"))
    etree.SubElement(first, "foo")
    assert iati_schema_errors(folder, document)


def test_identifiers_are_prefixed_by_the_comune(client, programme):
    document = parse_iati(download(client))
    ref = f"IT-CF-{programme.comune.codice_fiscale}"
    assert [activity.findtext("iati-identifier") for activity in activities(document)] == [
        f"{ref}-{project.protocol_number}" for project in programme.projects
    ]
    reporting = activities(document)[0].find("reporting-org")
    assert (reporting.get("ref"), reporting.get("type"), reporting.findtext("narrative")) == (
        ref,
        "11",
        programme.comune.legal_name,
    )


def test_roles_of_the_participating_organisations(client, programme):
    activity = activities(parse_iati(download(client)))[0]
    roles = [
        (org.get("role"), org.get("type"), org.get("ref"), org.findtext("narrative"))
        for org in activity.iter("participating-org")
    ]
    project = programme.projects[0]
    ngo = project.partners.get(role="italian_ngo", response="confirmed").organisation
    assert roles == [
        ("1", "60", f"IT-CF-{programme.cariplo.codice_fiscale}", "Fondazione Cariplo"),
        ("1", "11", f"IT-CF-{programme.comune.codice_fiscale}", programme.comune.legal_name),
        ("3", "11", f"IT-CF-{programme.comune.codice_fiscale}", programme.comune.legal_name),
        ("4", "22", f"IT-CF-{project.lead.codice_fiscale}", project.lead.legal_name),
        ("4", "22", f"IT-CF-{ngo.codice_fiscale}", ngo.legal_name),
        # The partner in Senegal has no org-id: named, without a ref.
        ("4", "24", None, "GIE And Suxali Thiès"),
    ]


def test_status_dates_and_budget_years(client, programme):
    closed, running, just_funded = activities(parse_iati(download(client)))
    assert closed.find("activity-status").get("code") == "4"
    assert {d.get("type"): d.get("iso-date") for d in closed.iter("activity-date")} == {
        "1": "2012-01-16",
        "2": "2012-01-16",
        "3": "2013-01-15",
        "4": "2013-01-15",
    }
    assert running.find("activity-status").get("code") == "2"
    budgets = [
        (b.find("period-start").get("iso-date"), b.find("period-end").get("iso-date"), b.findtext("value"))
        for b in running.iter("budget")
    ]
    # 18 months: a year and the rest, the award spread by days (366 + 181 of 547), to the cent.
    assert budgets == [("2012-02-01", "2013-01-31", "30109.69"), ("2013-02-01", "2013-07-31", "14890.31")]
    assert just_funded.find("activity-status").get("code") == "1"
    # No agreement yet: planned from the award decision and the duration.
    assert {d.get("type"): d.get("iso-date") for d in just_funded.iter("activity-date")} == {
        "1": "2011-10-21",
        "3": "2012-10-20",
    }


def test_totals_reconcile_with_the_database_to_the_cent(client, programme):
    document = parse_iati(download(client))
    funded = Proposal.objects.funded()

    def values(xpath):
        return [Decimal(value) for value in document.xpath(xpath)]

    assert (
        sum(values("//transaction[transaction-type/@code='2']/value/text()"))
        == Award.objects.filter(proposal__in=funded).aggregate(total=Sum("amount_granted"))["total"]
    )
    assert (
        sum(values("//transaction[transaction-type/@code='3']/value/text()"))
        == Installment.objects.filter(award__proposal__in=funded, status=Installment.Status.PAID).aggregate(
            total=Sum("amount")
        )["total"]
    )
    for activity in activities(document):
        committed = sum(
            Decimal(value) for value in activity.xpath("transaction[transaction-type/@code='2']/value/text()")
        )
        budgeted = sum(Decimal(value) for value in activity.xpath("budget/value/text()"))
        assert committed == budgeted
    by_funder = {}
    for transaction in document.xpath("//transaction[transaction-type/@code='2']"):
        ref = transaction.find("provider-org").get("ref")
        by_funder[ref] = by_funder.get(ref, Decimal(0)) + Decimal(transaction.findtext("value"))
    expected = {
        f"IT-CF-{row['commitment__funder__codice_fiscale']}": row["total"]
        for row in FunderShare.objects.filter(award__proposal__in=funded)
        .values("commitment__funder__codice_fiscale")
        .annotate(total=Sum("amount"))
    }
    assert by_funder == expected


def test_the_document_is_the_same_in_every_language(client, programme):
    assert download(client, HTTP_ACCEPT_LANGUAGE="it") == download(client, HTTP_ACCEPT_LANGUAGE="en")
