"""The review page and every step page read a fixed number of queries, however long the proposal."""

from decimal import Decimal

import pytest
from django.urls import reverse

from associations.models import Membership
from associations.tests.factories import MembershipFactory
from calls.models import CostCategory, Territory
from projects.steps import STEP_KEYS
from projects.tests.factories import ActivityFactory, BudgetLineFactory, IndicatorFactory, eligible_proposal

pytestmark = pytest.mark.django_db

# Measured: 17 for the review page (its document, the eligibility check, the progress), 5 to 11
# for a step page; each bound holds as well with 2 budget lines as with 20. +1 on each: the menu
# asks whether the user belongs to a funder (cosviluppo/context_processors.py nav_funder).
REVIEW_PAGE_QUERIES = 18
STEP_PAGE_QUERIES = 12


def proposal_with(lines: int):
    proposal = eligible_proposal()  # two budget lines, two activities
    for index in range(lines - 2):
        territory = Territory.ORIGIN if index % 2 else Territory.RESIDENCE
        BudgetLineFactory(
            proposal=proposal,
            category=CostCategory.TRAINING,
            territory=territory,
            amount_requested=Decimal("100.00"),
            cofinancing_own=Decimal("0.00"),
            cofinancing_other=Decimal("0.00"),
        )
        ActivityFactory(proposal=proposal, territory=territory)
        IndicatorFactory(proposal=proposal, territory=territory)
    assert proposal.budget_lines.count() == lines
    return proposal


@pytest.fixture(params=[2, 20], ids=["2 lines", "20 lines"])
def proposal(request):
    return proposal_with(request.param)


@pytest.fixture
def representative(proposal):
    return MembershipFactory(organisation=proposal.lead, role=Membership.Role.LEGAL_REPRESENTATIVE).user


def test_the_review_page(client, proposal, representative, django_assert_max_num_queries):
    client.force_login(representative)
    with django_assert_max_num_queries(REVIEW_PAGE_QUERIES):
        response = client.get(reverse("projects:proposal-detail", args=[proposal.pk]))
    assert response.status_code == 200
    assert len(response.context["budget"]["lines"]) == proposal.budget_lines.count()


@pytest.mark.parametrize("step", STEP_KEYS)
def test_each_step_page(client, proposal, representative, step, django_assert_max_num_queries):
    client.force_login(representative)
    with django_assert_max_num_queries(STEP_PAGE_QUERIES):
        response = client.get(reverse("projects:proposal-edit", args=[proposal.pk, step]))
    assert response.status_code == 200


def test_the_budget_totals(client, proposal, representative, django_assert_max_num_queries):
    data = {
        "budget-TOTAL_FORMS": "20",
        "budget-INITIAL_FORMS": "0",
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "1000",
        **{f"budget-{index}-amount_requested": "1.000,00" for index in range(20)},
        **{f"budget-{index}-territory": "origin" for index in range(20)},
    }
    client.force_login(representative)
    with django_assert_max_num_queries(6):
        response = client.post(reverse("projects:proposal-budget-totals", args=[proposal.pk]), data)
    assert response.context["budget"]["overall"].total_cost == Decimal("20000.00")


def test_the_partners_answer_page(client, proposal, django_assert_max_num_queries):
    partner = proposal.partners.get()
    client.force_login(MembershipFactory(organisation=partner.organisation).user)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("projects:partner-respond", args=[partner.pk]))
    assert response.status_code == 200
