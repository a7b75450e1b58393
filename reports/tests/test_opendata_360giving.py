"""/opendata/360giving.json: a valid 360Giving package that reconciles with the database."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from associations.tests.factories import OrganisationFactory
from projects.models import Award, FunderShare, Installment, Proposal
from reports.opendata.identifiers import body_codice_fiscale

from .opendata_support import (
    ROME,
    body,
    funded_project,
    giving360_codelist_problems,
    giving360_schema_errors,
    parse_360,
    small_programme,
    standards_dir,
)

pytestmark = pytest.mark.django_db

URL = "reports:opendata-360giving"


@pytest.fixture
def programme():
    return small_programme(projects=3)


def download(client, **headers) -> bytes:
    response = client.get(reverse(URL), **headers)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json; charset=utf-8"
    return body(response)


def test_the_package_is_valid_against_the_official_schema(client, programme):
    folder = standards_dir()
    package = parse_360(download(client))
    assert len(package["grants"]) == 3
    assert giving360_schema_errors(folder, package) == []
    assert giving360_codelist_problems(folder, package) == []


def test_the_schema_check_catches_a_broken_grant(client, programme):
    """The validator is really checking: dates, currency and required fields."""
    folder = standards_dir()
    package = parse_360(download(client))
    grant = package["grants"][0]
    grant["awardDate"] = "21/10/2011"
    grant["currency"] = "EURO"
    del grant["fundingOrganization"]
    errors = giving360_schema_errors(folder, package)
    assert len(errors) >= 3
    grant = package["grants"][1]
    grant["locationScope"] = "GLS999"
    grant["recipientOrganization"][0]["id"] = "IT-XX-123"
    problems = giving360_codelist_problems(folder, package)
    assert any("locationScope GLS999" in problem for problem in problems)
    assert any("IT-XX-123" in problem for problem in problems)


def test_identifiers_follow_the_standards_rules(client, programme, settings):
    settings.OPEN_DATA_360G_PREFIX = "360G-comunemilano"
    package = parse_360(download(client))
    ids = [grant["id"] for grant in package["grants"]]
    assert ids == [f"360G-comunemilano-{project.protocol_number}" for project in programme.projects]
    assert ids[0] == "360G-comunemilano-COSV-2011-0001"
    grant = package["grants"][0]
    comune, cariplo = programme.comune, programme.cariplo
    assert grant["fundingOrganization"][0] == {
        "id": f"IT-CF-{comune.codice_fiscale}",
        "name": comune.legal_name,
        "department": "Gabinetto del Sindaco – Settore Relazioni Internazionali",
    }
    assert grant["fundingOrganization"][1] == {"id": f"IT-CF-{cariplo.codice_fiscale}", "name": "Fondazione Cariplo"}
    lead = programme.projects[0].lead
    assert grant["recipientOrganization"][0]["id"] == f"IT-CF-{lead.codice_fiscale}"
    assert grant["recipientOrganization"][0]["url"] == f"http://127.0.0.1:8000/associations/{lead.pk}/"
    assert package["publisher"] == {
        "name": comune.legal_name,
        "identifier": f"IT-CF-{comune.codice_fiscale}",
        "website": "http://127.0.0.1:8000/",
    }


def test_a_grant_carries_the_award_its_dates_places_and_programme(client, programme):
    grant = parse_360(download(client))["grants"][0]
    assert grant["currency"] == "EUR"
    assert grant["amountAwarded"] == Decimal("33333.33")
    assert grant["amountAppliedFor"] == Decimal("33333.33")
    assert grant["amountDisbursed"] == Decimal("33333.33")
    assert grant["awardDate"] == "2011-10-21"
    assert grant["plannedDates"] == [{"startDate": "2012-01-16", "endDate": "2013-01-15", "duration": 12}]
    assert grant["beneficiaryLocation"] == [
        {"name": "Thiès", "countryCode": "SN"},
        {"name": "Milano", "countryCode": "IT"},
    ]
    assert grant["grantProgramme"] == [
        {
            "code": "COSV-2011",
            "title": "Milano per il co-sviluppo – anno 2010",
            "url": "http://127.0.0.1:8000/calls/COSV-2011/",
        }
    ]
    assert grant["fromOpenCall"] == "Yes"
    assert [item["transactionDate"] for item in grant["disbursementTransaction"]] == [
        "2012-02-01",
        "2012-07-20",
        "2013-03-30",
    ]
    assert grant["dateModified"].endswith(("+01:00", "+02:00"))


def test_amounts_are_numbers_with_two_decimals(client, programme):
    content = download(client)
    assert b'"amountAwarded":33333.33,' in content
    assert b'"amountAwarded":45000.00,' in content
    # The split of 33.333,33 between 200.000 and 1.050.000 of commitments, to the cent.
    assert b'"value":5333.33,' in content and b'"value":28000.00,' in content


def test_totals_reconcile_with_the_database_to_the_cent(client, programme):
    package = parse_360(download(client))
    grants = package["grants"]
    funded = Proposal.objects.funded()
    assert (
        sum(grant["amountAwarded"] for grant in grants)
        == Award.objects.filter(proposal__in=funded).aggregate(total=Sum("amount_granted"))["total"]
    )
    assert (
        sum(grant["amountDisbursed"] for grant in grants)
        == Installment.objects.filter(award__proposal__in=funded, status=Installment.Status.PAID).aggregate(
            total=Sum("amount")
        )["total"]
    )
    for grant in grants:
        assert sum(item["value"] for item in grant["commitmentTransaction"]) == grant["amountAwarded"]
    by_funder: dict[str, Decimal] = {}
    for grant in grants:
        for item in grant["commitmentTransaction"]:
            by_funder[item["provider"]] = by_funder.get(item["provider"], Decimal(0)) + item["value"]
    expected = {
        f"IT-CF-{row['commitment__funder__codice_fiscale']}": row["total"]
        for row in FunderShare.objects.filter(award__proposal__in=funded)
        .values("commitment__funder__codice_fiscale")
        .annotate(total=Sum("amount"))
    }
    assert by_funder == expected
    assert set(expected) == {f"IT-CF-{programme.comune.codice_fiscale}", f"IT-CF-{programme.cariplo.codice_fiscale}"}


def test_only_awarded_projects_are_published(client, programme):
    from projects.services import proposal_transition

    withdrawn = funded_project(
        programme.call, amount=Decimal("10000.00"), decided=programme.projects[0].award.decided_at
    )
    proposal_transition(proposal=withdrawn, to=Proposal.Status.WITHDRAWN)
    ranked = funded_project(programme.call, amount=Decimal("10000.00"), decided=programme.projects[0].award.decided_at)
    Award.objects.filter(proposal=ranked).delete()
    Proposal.objects.filter(pk=ranked.pk).update(status=Proposal.Status.NOT_FUNDED)
    ids = [grant["id"] for grant in parse_360(download(client))["grants"]]
    assert len(ids) == 3
    assert not [grant_id for grant_id in ids if grant_id.endswith((withdrawn.protocol_number, ranked.protocol_number))]


def test_a_persons_codice_fiscale_is_never_published(client, programme):
    person = OrganisationFactory(legal_name="Associazione non riconosciuta", codice_fiscale="RSSMRA85T10A562S")
    assert body_codice_fiscale(person) == ""
    project = funded_project(
        programme.call, amount=Decimal("5000.00"), lead=person, decided=programme.projects[0].award.decided_at
    )
    content = download(client)
    assert b"RSSMRA85T10A562S" not in content
    grant = next(grant for grant in parse_360(content)["grants"] if grant["id"].endswith(project.protocol_number))
    assert grant["recipientOrganization"][0]["id"] == f"360G-cosviluppo-ORG-{person.pk}"
    assert giving360_codelist_problems(standards_dir(), parse_360(content)) == []


def test_the_document_is_the_same_in_every_language(client, programme):
    Proposal.objects.filter(pk=programme.projects[2].pk).update(summary="")
    italian = download(client, HTTP_ACCEPT_LANGUAGE="it")
    english = download(client, HTTP_ACCEPT_LANGUAGE="en")
    assert italian == english


def test_award_dates_are_days_in_rome(client, programme):
    """A decision at 00:30 in Rome is still that day, although it is the day before in UTC."""
    from datetime import datetime

    Award.objects.filter(proposal=programme.projects[0]).update(decided_at=datetime(2011, 10, 21, 0, 30, tzinfo=ROME))
    grant = parse_360(download(client))["grants"][0]
    assert grant["awardDate"] == "2011-10-21"


def test_a_payment_updates_the_modification_dates(client, programme):
    from datetime import date, datetime

    from associations.models import Organisation

    long_ago = datetime(2011, 11, 2, 9, tzinfo=ROME)
    Proposal.objects.update(updated_at=long_ago)
    Organisation.objects.update(updated_at=long_ago)
    running = programme.projects[1]
    Installment.objects.filter(award__proposal=running, sequence=2).update(
        status=Installment.Status.PAID, paid_on=date(2013, 6, 3)
    )
    package = parse_360(download(client))
    assert package["modified"] == "2013-06-03T00:00:00+02:00"
    assert package["grants"][1]["dateModified"] == "2013-06-03T00:00:00+02:00"
    assert package["grants"][2]["dateModified"] == "2011-11-02T09:00:00+01:00"
