"""The budget step: amounts typed the Italian or the English way, lines by category and territory,
totals per territory and overall, live while typing."""

from decimal import Decimal

import pytest
from django.urls import reverse

from associations.models import Membership
from associations.tests.factories import MembershipFactory, OrganisationFactory
from calls.models import CostCategory, Territory
from calls.tests.factories import CallFactory, EligibleCostCategoryFactory
from projects.forms import EuroField, parse_eur
from projects.models import BudgetLine
from projects.selectors import budget_summary
from projects.tests.factories import BudgetLineFactory, ProposalFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


# --- Amounts -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "amount"),
    [
        ("1.234,56", "1234.56"),
        ("1234,56", "1234.56"),
        ("1234.56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1.234", "1234"),
        ("1,234", "1234"),
        ("1.234.567,8", "1234567.8"),
        ("1 234,50", "1234.50"),
        ("€ 7.000", "7000"),
        ("7000", "7000"),
        ("0,5", "0.5"),
        (",50", "0.50"),
        ("12,3", "12.3"),
    ],
)
def test_amounts_are_read_in_the_italian_and_the_english_format(typed, amount):
    assert parse_eur(typed) == Decimal(amount)


@pytest.mark.parametrize("typed", ["", "abc", "-5", "1.23.4", "1,234,56.7.8", "12.34.567", "1,2,3", "1.", "5e3"])
def test_what_is_not_an_amount_is_refused(typed):
    with pytest.raises(ValueError):
        parse_eur(typed)


def test_the_euro_field_gives_euro_and_cents():
    field = EuroField(required=False)
    assert field.clean("1.234,5") == Decimal("1234.50")
    assert str(field.clean("1.234,5")) == "1234.50"
    assert field.clean("") is None


@pytest.mark.parametrize(
    ("typed", "code"),
    [("0,125", "cents"), ("12.3456", "cents"), ("ciao", "invalid"), ("1000000000000", "too_large")],
)
def test_the_euro_field_refuses_what_is_not_euro_and_cents(typed, code):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        EuroField().clean(typed)
    assert refused.value.code == code


# --- Totals ---------------------------------------------------------------------------------------------


def test_totals_per_territory_and_overall_are_exact():
    lines = [
        {
            "territory": "origin",
            "amount_requested": Decimal("0.10"),
            "cofinancing_own": Decimal("0.20"),
            "cofinancing_other": Decimal("0"),
        },
        {
            "territory": "origin",
            "amount_requested": Decimal("1000.01"),
            "cofinancing_own": Decimal("0"),
            "cofinancing_other": Decimal("300.03"),
        },
        {
            "territory": "residence",
            "amount_requested": Decimal("699.89"),
            "cofinancing_own": Decimal("0"),
            "cofinancing_other": Decimal("0"),
        },
    ]

    summary = budget_summary(lines)

    origin, residence = summary["territories"]
    assert origin.total_cost == Decimal("1300.34") and origin.requested == Decimal("1000.11")
    assert origin.cofinancing == Decimal("300.23")
    assert residence.total_cost == Decimal("699.89")
    overall = summary["overall"]
    assert overall.total_cost == Decimal("2000.23")
    assert overall.requested + overall.cofinancing == overall.total_cost
    assert origin.share_pct == Decimal("65.01") and residence.share_pct == Decimal("34.99")
    assert all(isinstance(value, Decimal) for value in (origin.total_cost, overall.requested, origin.share_pct))


def test_an_empty_budget_has_no_shares():
    summary = budget_summary([])
    assert summary["overall"].total_cost == 0 and summary["overall"].cofinancing_pct is None
    assert [totals.share_pct for totals in summary["territories"]] == [None, None]


# --- The budget step ------------------------------------------------------------------------------------


@pytest.fixture
def draft():
    call = CallFactory()
    EligibleCostCategoryFactory(call=call, category=CostCategory.HUMAN_RESOURCES, cap_pct=None)
    EligibleCostCategoryFactory(call=call, category=CostCategory.TRAINING, cap_pct=None)
    return ProposalFactory(call=call)


@pytest.fixture
def editor(draft):
    return MembershipFactory(organisation=draft.lead, role=Membership.Role.EDITOR).user


def budget_rows(*rows, extra=1, initial=0):
    data = {
        "budget-TOTAL_FORMS": str(len(rows) + extra),
        "budget-INITIAL_FORMS": str(initial),
        "budget-MIN_NUM_FORMS": "0",
        "budget-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"budget-{index}-{name}": value for name, value in row.items()})
    return data


def budget_url(proposal):
    return reverse("projects:proposal-edit", args=[proposal.pk, "budget"])


def test_budget_lines_are_saved_with_their_total_computed(client, draft, editor):
    client.force_login(editor)
    rows = [
        {
            "category": "A",
            "territory": "origin",
            "description": "Personale locale",
            "amount_requested": "1.234,56",
            "cofinancing_own": "0,10",
            "cofinancing_other": "0.20",
        },
        {
            "category": "E",
            "territory": "residence",
            "amount_requested": "700",
            "cofinancing_own": "",
            "cofinancing_other": "",
        },
    ]

    response = client.post(budget_url(draft), {**budget_rows(*rows), "version": 1})

    assert response.status_code == 302
    lines = list(BudgetLine.objects.filter(proposal=draft).order_by("pk"))
    assert [(line.category, line.territory) for line in lines] == [("A", "origin"), ("E", "residence")]
    first, second = lines
    assert (first.amount_requested, first.cofinancing_own, first.cofinancing_other) == (
        Decimal("1234.56"),
        Decimal("0.10"),
        Decimal("0.20"),
    )
    assert first.total_cost == Decimal("1234.86")
    assert (second.cofinancing_own, second.cofinancing_other, second.total_cost) == (
        Decimal("0"),
        Decimal("0"),
        Decimal("700.00"),
    )


def test_only_the_calls_eligible_categories_are_offered(client, draft, editor):
    client.force_login(editor)

    page = client.get(budget_url(draft)).content.decode()
    assert 'value="A"' in page and 'value="E"' in page and 'value="H"' not in page

    row = {"category": "H", "territory": "origin", "amount_requested": "100"}
    response = client.post(budget_url(draft), {**budget_rows(row), "version": 1})
    assert response.status_code == 200
    assert not BudgetLine.objects.filter(proposal=draft).exists()


def test_a_call_without_categories_accepts_them_all(client, editor, draft):
    draft.call.cost_categories.all().delete()
    client.force_login(editor)
    assert 'value="H"' in client.get(budget_url(draft)).content.decode()


def test_a_line_needs_its_category_territory_and_amount(client, draft, editor):
    client.force_login(editor)
    response = client.post(budget_url(draft), {**budget_rows({"description": "Solo una descrizione"}), "version": 1})
    assert response.status_code == 200
    assert set(response.context["formset"].forms[0].errors) == {"category", "territory", "amount_requested"}


def test_the_step_page_shows_the_totals_per_territory(client, draft, editor):
    BudgetLineFactory(proposal=draft, territory=Territory.ORIGIN, amount_requested=Decimal("7000.00"))
    BudgetLineFactory(
        proposal=draft,
        territory=Territory.RESIDENCE,
        category=CostCategory.TRAINING,
        amount_requested=Decimal("2000.00"),
        cofinancing_own=Decimal("500.00"),
        cofinancing_other=Decimal("500.00"),
    )
    client.force_login(editor)

    response = client.get(budget_url(draft))

    budget = response.context["budget"]
    origin, residence = budget["territories"]
    assert (origin.total_cost, residence.total_cost, budget["overall"].total_cost) == (
        Decimal("10000.00"),
        Decimal("3000.00"),
        Decimal("13000.00"),
    )
    page = response.content.decode()
    assert "€ 13,000.00" in page and "76.92%" in page
    assert 'id="budget-line-total-0">€ 10,000.00</output>' in page


def test_the_totals_follow_what_is_typed_without_saving(client, draft, editor):
    client.force_login(editor)
    rows = [
        {"category": "A", "territory": "origin", "amount_requested": "1.000,00", "cofinancing_own": "500"},
        {"category": "E", "territory": "residence", "amount_requested": "250,5", "cofinancing_other": "not yet"},
    ]

    response = client.post(
        reverse("projects:proposal-budget-totals", args=[draft.pk]),
        {**budget_rows(*rows), "version": 1},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    budget = response.context["budget"]
    origin, residence = budget["territories"]
    assert origin.total_cost == Decimal("1500.00")
    assert residence.total_cost == Decimal("250.50")  # the unreadable amount counts as nothing yet
    assert budget["overall"].total_cost == Decimal("1750.50")
    page = response.content.decode()
    assert '<output id="budget-line-total-0" hx-swap-oob="true">€ 1,500.00</output>' in page
    assert '<output id="budget-line-total-1" hx-swap-oob="true">€ 250.50</output>' in page
    assert not BudgetLine.objects.exists()
    draft.refresh_from_db()
    assert draft.version == 1


def test_removed_lines_do_not_count_in_the_totals(client, draft, editor):
    line = BudgetLineFactory(proposal=draft)
    client.force_login(editor)
    row = {
        "row_id": line.pk,
        "category": "A",
        "territory": "origin",
        "amount_requested": "7000",
        "DELETE": "on",
    }
    response = client.post(
        reverse("projects:proposal-budget-totals", args=[draft.pk]), {**budget_rows(row, initial=1), "version": 1}
    )
    assert response.context["budget"]["overall"].total_cost == 0


def test_the_totals_of_another_associations_draft_are_not_found(client, draft):
    client.force_login(
        MembershipFactory(organisation=OrganisationFactory(), role=Membership.Role.LEGAL_REPRESENTATIVE).user
    )
    assert client.post(reverse("projects:proposal-budget-totals", args=[draft.pk]), budget_rows()).status_code == 404
