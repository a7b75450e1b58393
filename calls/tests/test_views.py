from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from calls.models import CallQuestion
from calls.tests.factories import CallFactory, EvaluationCriterionFactory, FunderCommitmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls():
    now = timezone.now()
    old = CallFactory(
        code="COSV-2008",
        year=2008,
        status="results_published",
        opens_at=now - timedelta(days=4000),
        closes_at=now - timedelta(days=3900),
        eligible_countries=["PE"],
    )
    expired = CallFactory(
        code="COSV-2025", year=2025, opens_at=now - timedelta(days=60), closes_at=now - timedelta(days=1)
    )
    open_call = CallFactory(code="COSV-2026", year=2026, eligible_countries=["SN", "BF"])
    draft = CallFactory(code="COSV-DRAFT", status="draft")
    FunderCommitmentFactory(call=open_call, amount=Decimal("200000.00"))
    FunderCommitmentFactory(call=open_call, amount=Decimal("50000.50"))
    return {"old": old, "expired": expired, "open": open_call, "draft": draft}


def codes(response):
    return [call.code for call in response.context["calls"]]


def test_list_shows_published_calls_open_first(client, calls):
    response = client.get(reverse("calls:list"))
    assert response.status_code == 200
    assert codes(response) == ["COSV-2026", "COSV-2025", "COSV-2008"]


@pytest.mark.parametrize(
    "query, expected",
    [
        ({"status": "open"}, ["COSV-2026"]),
        ({"status": "closed"}, ["COSV-2025"]),
        ({"status": "results_published"}, ["COSV-2008"]),
        ({"year": "2008"}, ["COSV-2008"]),
        ({"country": "BF"}, ["COSV-2026", "COSV-2025"]),
        ({"country": "PE"}, ["COSV-2025", "COSV-2008"]),
    ],
)
def test_list_filters(client, calls, query, expected):
    assert codes(client.get(reverse("calls:list"), query)) == expected


def test_the_list_pages_keep_the_filters_both_ways(client, calls):
    # 45 calls open to Senegal: three pages of 20. Both links of the middle page keep the filter
    # (the next link used to drop it, the previous one to repeat the page number).
    for n in range(44):
        CallFactory(code=f"SN-{n:02d}", eligible_countries=["SN"])
    html = client.get(reverse("calls:list"), {"country": "SN", "page": 2}).content.decode()
    assert 'href="?country=SN&amp;page=1"' in html
    assert 'href="?country=SN&amp;page=3"' in html
    assert "page=2&amp;" not in html
    unfiltered = client.get(reverse("calls:list")).content.decode()
    assert 'href="?page=2"' in unfiltered


def test_list_runs_a_bounded_number_of_queries(client, calls, django_assert_max_num_queries):
    for n in range(25):
        CallFactory(code=f"EXTRA-{n}")
    with django_assert_max_num_queries(6):
        client.get(reverse("calls:list"))


def test_detail_shows_rules_funders_criteria_and_deadline(client, calls):
    EvaluationCriterionFactory(call=calls["open"], code="A", name_en="Leadership of the association")
    client.cookies["django_language"] = "en"
    response = client.get(reverse("calls:detail", kwargs={"code": "COSV-2026"}))
    html = response.content.decode()
    assert response.status_code == 200
    assert "€ 250,000.50" in html  # budget: the sum of the commitments
    assert "€ 60,000.00" in html  # maximum grant
    assert "Leadership of the association" in html
    assert "Time left to submit" in html
    assert "Senegal" in html and "Burkina Faso" in html


def test_detail_of_a_closed_call_says_submissions_are_closed(client, calls):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("calls:detail", kwargs={"code": "COSV-2025"})).content.decode()
    assert "Submissions are closed." in html
    assert "Time left" not in html


def test_detail_shows_only_published_answers(client, calls, applicant, officer):
    CallQuestion.objects.create(call=calls["open"], question="Possiamo avere due partner?", asked_by=applicant)
    CallQuestion.objects.create(
        call=calls["open"],
        question="Il cofinanziamento può essere in natura?",
        asked_by=applicant,
        answer="Sì, fino al 10%.",
        answered_by=officer,
        is_published=True,
    )
    html = client.get(reverse("calls:detail", kwargs={"code": "COSV-2026"})).content.decode()
    assert "Il cofinanziamento può essere in natura?" in html and "Sì, fino al 10%." in html
    assert "Possiamo avere due partner?" not in html


@pytest.mark.parametrize("code", ["COSV-DRAFT", "NOPE"])
def test_drafts_and_unknown_codes_are_not_found(client, calls, code):
    assert client.get(reverse("calls:detail", kwargs={"code": code})).status_code == 404


def test_detail_runs_a_bounded_number_of_queries(client, calls, django_assert_max_num_queries):
    for _ in range(8):
        EvaluationCriterionFactory(call=calls["open"])
        FunderCommitmentFactory(call=calls["open"])
    with django_assert_max_num_queries(12):
        client.get(reverse("calls:detail", kwargs={"code": "COSV-2026"}))
