"""D.Lgs. 33/2013 art. 26-27: the CSV and the public page of the grants awarded."""

from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from associations.models import Organisation
from associations.tests.factories import OrganisationFactory
from projects.models import Award, Proposal
from reports.opendata.transparency import CSV_HEADER
from reports.views import TransparencyListView

from .opendata_support import MAX_PAGE_QUERIES, body, funded_project, parse_csv, small_programme

pytestmark = pytest.mark.django_db


@pytest.fixture
def programme():
    return small_programme(projects=3)


def download_csv(client) -> list[dict]:
    response = client.get(reverse("reports:transparency-csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    content = body(response)
    assert content.startswith("\ufeff".encode())
    return parse_csv(content)


def test_the_csv_has_the_columns_the_law_asks_for(client, programme):
    response = client.get(reverse("reports:transparency-csv"))
    header = body(response).decode("utf-8-sig").splitlines()[0]
    assert header.split(",") == CSV_HEADER
    assert CSV_HEADER[:8] == [
        "beneficiary",
        "beneficiary_tax_code",
        "amount_eur",
        "legal_basis",
        "responsible_office",
        "responsible_official",
        "selection_method",
        "project_url",
    ]


def test_a_row_names_the_association_the_amount_the_basis_the_office_the_method_and_the_link(
    client, programme, settings
):
    settings.LANGUAGE_CODE = "it"  # the register is published in the portal's default language
    project = programme.projects[0]
    rows = {row["protocol_number"]: row for row in download_csv(client)}
    row = rows["COSV-2011-0001"]
    assert row["beneficiary"] == project.lead.legal_name
    assert row["beneficiary_tax_code"] == project.lead.codice_fiscale
    assert len(row["beneficiary_tax_code"]) == 11
    assert row["amount_eur"] == "33333.33"
    assert row["legal_basis"] == "Delibera G.C. n. 3791 del 23/12/2010"
    assert row["responsible_office"] == "Gabinetto del Sindaco – Settore Relazioni Internazionali"
    assert row["responsible_official"] == "Anna Moretti"
    method = row["selection_method"]
    assert "COSV-2011" in method and "21/10/2011" in method and "Milano per il co-sviluppo – anno 2010" in method
    assert row["project_url"] == f"http://127.0.0.1:8000/associations/{project.lead.pk}/"
    assert row["project_title"] == "Filiera del miglio a Thiès"
    assert row["cup"] == project.cup and len(row["cup"]) == 15
    assert row["decision_date"] == "2011-10-21"
    assert row["call_code"] == "COSV-2011"


def test_the_csv_lists_every_award_and_adds_up_to_the_database(client, programme):
    rows = download_csv(client)
    assert len(rows) == 3
    total = Award.objects.filter(proposal__in=Proposal.objects.funded()).aggregate(total=Sum("amount_granted"))
    assert sum(Decimal(row["amount_eur"]) for row in rows) == total["total"]


def test_a_persons_tax_code_is_never_published(client, programme):
    person = OrganisationFactory(legal_name="Associazione non riconosciuta", codice_fiscale="RSSMRA85T10A562S")
    funded_project(
        programme.call, amount=Decimal("5000.00"), lead=person, decided=programme.projects[0].award.decided_at
    )
    content = body(client.get(reverse("reports:transparency-csv")))
    assert b"RSSMRA85T10A562S" not in content
    row = next(row for row in parse_csv(content) if row["beneficiary"] == "Associazione non riconosciuta")
    assert row["beneficiary_tax_code"] == ""
    page = client.get(reverse("reports:transparency"))
    assert "RSSMRA85T10A562S" not in page.content.decode()


def test_an_association_without_a_public_page_links_to_the_call(client, programme):
    lead = programme.projects[1].lead
    Organisation.objects.filter(pk=lead.pk).update(verification_status="rejected", rejection_reason="Statuto scaduto")
    row = next(row for row in download_csv(client) if row["protocol_number"] == "COSV-2011-0002")
    assert row["project_url"] == "http://127.0.0.1:8000/calls/COSV-2011/"


def test_the_public_page_shows_the_grants_a_page_at_a_time(
    client, programme, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(TransparencyListView, "paginate_by", 2)
    with django_assert_max_num_queries(MAX_PAGE_QUERIES):
        response = client.get(reverse("reports:transparency"))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("<tr>") == 3  # the header and two grants
    assert response.context["page_obj"].paginator.count == 3
    first = response.context["rows"][0]
    assert first.beneficiary_tax_code in html
    assert "Delibera G.C. n. 3791 del 23/12/2010" in html
    assert f'href="{first.project_url}"' in html
    assert reverse("reports:transparency-csv") in html
    second_page = client.get(reverse("reports:transparency"), {"page": 2})
    assert len(second_page.context["rows"]) == 1


def test_the_page_says_when_nothing_was_awarded(client, db):
    response = client.get(reverse("reports:transparency"))
    assert response.status_code == 200
    assert response.context["rows"] == []
