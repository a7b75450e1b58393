from decimal import Decimal

import pytest
from django.db.models import Sum
from django.urls import reverse

from associations.models import Organisation
from associations.tests.factories import FunderFactory, OrganisationFactory
from calls.models import Call, FunderCommitment
from calls.tests.factories import CallFactory, FunderCommitmentFactory
from projects.models import Award, Proposal
from projects.selectors import funded_projects_by_country, programme_headline_numbers
from projects.services import award_grant, proposal_submit, proposal_transition
from projects.tests.factories import BudgetLineFactory, ProposalFactory, make_submittable

pytestmark = pytest.mark.django_db


def _publish_results(call):
    # The status only: the funding app's publication flow is tested there.
    Call.objects.filter(pk=call.pk).update(status=Call.Status.RESULTS_PUBLISHED)


@pytest.fixture
def programme():
    """Two calls, three funders, proposals in several states, two funded in two countries; the
    first call's results are published, the second call is open."""
    call = CallFactory(code="COSV-2011")
    other = CallFactory(code="COSV-2026")
    CallFactory(code="COSV-DRAFT", status="draft")
    comune = FunderFactory(kind=Organisation.Kind.PUBLIC_BODY)
    FunderCommitmentFactory(call=call, funder=comune, amount=Decimal("200000.00"))
    FunderCommitmentFactory(call=call, amount=Decimal("1050000.00"))
    FunderCommitmentFactory(call=other, funder=comune, amount=Decimal("100000.00"))
    OrganisationFactory(verification_status="pending")
    for country, amount in [("SN", Decimal("48000.00")), ("PE", Decimal("40000.55")), ("PE", None), (None, None)]:
        proposal = ProposalFactory(call=call, origin_country=country or "BF")
        BudgetLineFactory(proposal=proposal, amount_requested=amount or Decimal("1000.00"))
        proposal_submit(proposal=make_submittable(proposal), by=None, now=call.opens_at)
        if country is None:
            continue
        for status in ["admissible", "under_evaluation", "ranked"]:
            proposal_transition(proposal=proposal, to=status)
        if amount:
            award_grant(proposal=proposal, amount=amount)
    ProposalFactory(call=other)  # a draft: not received
    _publish_results(call)
    return call


def test_numbers_equal_database_aggregates(programme):
    numbers = programme_headline_numbers()
    funded = Proposal.objects.filter(status__in=["funded", "in_progress", "closed"])
    assert numbers == {
        "calls": 2,
        "calls_with_results": 1,
        "proposals_received": Proposal.objects.exclude(status__in=["draft", "withdrawn"]).count(),
        "projects_funded": funded.count(),
        "countries": len(set(funded.values_list("origin_country", flat=True))),
        "associations": Organisation.objects.filter(kind="migrant_association", verification_status="verified").count(),
        "funders": FunderCommitment.objects.filter(call=programme).values("funder").distinct().count(),
        "total_cofunding": Award.objects.aggregate(t=Sum("amount_granted"))["t"],
    }
    assert numbers["projects_funded"] == 2 and numbers["countries"] == 2 and numbers["funders"] == 2
    assert numbers["total_cofunding"] == Decimal("88000.55")


def test_projects_of_calls_whose_results_are_not_published_are_not_counted(programme):
    """The decision is taken, and the statuses moved, before the funders sign it off: until the
    results are published the public figures leave those projects (and their funders) out."""
    late = CallFactory(code="COSV-2012", eligible_countries=["MA"])  # a call open to Morocco
    FunderCommitmentFactory(call=late, amount=Decimal("90000.00"))
    proposal = ProposalFactory(call=late, origin_country="MA")
    BudgetLineFactory(proposal=proposal, amount_requested=Decimal("7000.00"))
    proposal_submit(proposal=make_submittable(proposal), by=None, now=late.opens_at)
    for status in ["admissible", "under_evaluation", "ranked"]:
        proposal_transition(proposal=proposal, to=status)
    award_grant(proposal=proposal, amount=Decimal("7000.00"))
    Call.objects.filter(pk=late.pk).update(status=Call.Status.EVALUATION)
    before = programme_headline_numbers()
    assert before["projects_funded"] == 2 and before["countries"] == 2 and before["funders"] == 2
    assert before["total_cofunding"] == Decimal("88000.55")
    assert {row["origin_country"] for row in funded_projects_by_country()} == {"SN", "PE"}

    _publish_results(late)
    after = programme_headline_numbers()
    assert after["projects_funded"] == 3 and after["countries"] == 3 and after["funders"] == 3
    assert after["total_cofunding"] == Decimal("95000.55")
    assert funded_projects_by_country() == [
        {"origin_country": "MA", "projects": 1, "granted": Decimal("7000.00")},
        {"origin_country": "PE", "projects": 1, "granted": Decimal("40000.55")},
        {"origin_country": "SN", "projects": 1, "granted": Decimal("48000.00")},
    ]


def test_home_page_shows_the_numbers_in_italian(client, programme):
    response = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="it")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="it">' in html
    assert "Progetti finanziati" in html
    assert "€ 88.000,55" in html
    assert 'data-number="proposals_received">4<' in html


def test_home_page_shows_the_numbers_in_english(client, programme):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("home"))
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Projects funded" in html
    assert "€ 88,000.55" in html


def test_language_switcher_sets_the_language(client, programme):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"}, follow=True)
    assert '<html lang="en">' in response.content.decode()


def test_home_page_lists_the_open_call_with_its_budget(client, programme):
    client.cookies["django_language"] = "en"
    html = client.get(reverse("home")).content.decode()
    assert "Pooled budget: € 100,000.00" in html  # COSV-2026; COSV-2011 has its results out


def test_home_page_runs_a_bounded_number_of_queries(client, programme, django_assert_max_num_queries):
    with django_assert_max_num_queries(12):
        client.get(reverse("home"))


def test_base_template_has_landmarks_skip_link_and_accessibility_statement(client, db):
    html = client.get(reverse("home")).content.decode()
    for fragment in ['href="#main-content"', '<main id="main-content"', "<header", "<footer", "<nav"]:
        assert fragment in html
    assert reverse("accessibility") in html
    assert client.get(reverse("accessibility")).status_code == 200


def test_the_portal_speaks_italian_by_default(client, db, settings):
    settings.LANGUAGE_CODE = "it"
    html = client.get(reverse("home")).content.decode()
    assert '<html lang="it">' in html and "Il programma in cifre" in html
