"""The list steps of a proposal are bounded: a forged form claiming thousands of rows is answered
quickly, with a message, and saves nothing; the "add a row" flow stops at the limit."""

import time

import pytest
from django.urls import reverse

from associations.models import Membership
from associations.tests.factories import MembershipFactory
from calls.models import CostCategory
from calls.tests.factories import CallFactory, EligibleCostCategoryFactory
from cosviluppo.lib.exceptions import DomainError
from projects.models import PROPOSAL_ROW_LIMITS, Activity, BudgetLine, Indicator
from projects.services import proposal_save_step
from projects.tests.factories import ActivityFactory, ProposalFactory

pytestmark = pytest.mark.django_db

FORGED_TOTAL = "999999"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def draft():
    call = CallFactory()
    EligibleCostCategoryFactory(call=call, category=CostCategory.HUMAN_RESOURCES, cap_pct=None)
    return ProposalFactory(call=call)


@pytest.fixture
def editor(draft):
    return MembershipFactory(organisation=draft.lead, role=Membership.Role.EDITOR).user


def rows(prefix, typed: list[dict], total: str, initial=0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
        "version": "1",
    }
    for index, row in enumerate(typed):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


ACTIVITY = {"title": "Formazione a Thiès", "territory": "origin", "start_month": "1", "end_month": "6"}
BUDGET_LINE = {"category": "A", "territory": "origin", "description": "Formatori", "amount_requested": "1.500,00"}
INDICATOR = {"name": "Persone formate", "territory": "origin", "target": "40"}
TYPED = {"activities": ACTIVITY, "budget": BUDGET_LINE, "indicators": INDICATOR}
MODELS = {"activities": Activity, "budget": BudgetLine, "indicators": Indicator}
NOUNS = {"activities": "activities", "budget": "budget lines", "indicators": "indicators"}


@pytest.mark.parametrize("step", ["activities", "budget", "indicators"])
def test_a_forged_row_count_is_refused_quickly_with_a_message_and_nothing_saved(client, draft, editor, step):
    client.force_login(editor)
    started = time.monotonic()

    response = client.post(
        reverse("projects:proposal-edit", args=[draft.pk, step]), rows(step, [TYPED[step]], FORGED_TOTAL)
    )

    elapsed = time.monotonic() - started
    page = response.content.decode()
    limit = PROPOSAL_ROW_LIMITS[step]
    assert response.status_code == 200
    formset = response.context["formset"]
    assert formset.total_form_count() == limit  # never more forms built than the limit
    assert len(formset.forms) == 1  # and only the typed row shown again
    assert f'name="{step}-TOTAL_FORMS" value="{limit}"' in page  # a row count the page can post again
    assert f"A proposal has at most {limit} {NOUNS[step]}: remove some and save again." in page
    assert "Not saved: correct the marked fields." in page
    assert next(iter(TYPED[step].values())) in page  # what was typed is still there
    assert len(response.content) < 200_000
    assert elapsed < 10
    assert not MODELS[step].objects.exists()
    draft.refresh_from_db()
    assert draft.version == 1


def test_a_forged_row_count_to_the_autosave_saves_nothing(client, draft, editor):
    client.force_login(editor)
    response = client.post(
        reverse("projects:proposal-autosave", args=[draft.pk, "activities"]),
        rows("activities", [ACTIVITY], FORGED_TOTAL),
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200
    assert response.context["state"] == "invalid"
    assert not Activity.objects.exists()


def test_the_live_budget_totals_of_a_forged_row_count_read_the_typed_rows_only(client, draft, editor):
    client.force_login(editor)
    data = rows("budget", [BUDGET_LINE], FORGED_TOTAL)
    response = client.post(reverse("projects:proposal-budget-totals", args=[draft.pk]), data, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert len(response.context["row_totals"]) == 1


def test_empty_rows_are_offered_up_to_the_limit_and_no_further(client, draft, editor, settings):
    limit = PROPOSAL_ROW_LIMITS["activities"]
    ActivityFactory.create_batch(limit - 1, proposal=draft)
    client.force_login(editor)
    url = reverse("projects:proposal-edit", args=[draft.pk, "activities"])

    page = client.get(url)
    assert len(page.context["formset"].forms) == limit  # one empty row left, not two
    assert f"This step holds at most {limit} rows." in page.content.decode()

    # Filling the last empty row saves it; then no empty row is offered.
    formset = page.context["formset"]
    data = rows("activities", [], str(limit), initial=limit - 1)
    for index, form in enumerate(formset.forms[:-1]):
        data.update({f"activities-{index}-{name}": value for name, value in form.initial.items() if value is not None})
    data.update({f"activities-{limit - 1}-{name}": value for name, value in ACTIVITY.items()})
    saved = client.post(url, data)
    assert saved.status_code == 302
    assert Activity.objects.filter(proposal=draft).count() == limit
    assert len(client.get(url).context["formset"].forms) == limit


def test_the_service_refuses_more_rows_than_the_limit(draft, editor):
    too_many = [
        {"title": f"Attività {n}", "territory": "origin", "description": "", "start_month": 1, "end_month": 2}
        for n in range(PROPOSAL_ROW_LIMITS["activities"] + 1)
    ]
    with pytest.raises(DomainError):
        proposal_save_step(proposal=draft, step="activities", data=too_many, version=1, by=editor)
    assert not Activity.objects.exists()
