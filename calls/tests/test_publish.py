from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from calls.models import Call, CallStatusChange
from calls.services import CallNotPublishable, call_publication_problems, call_publish
from calls.tests.factories import CallFactory
from cosviluppo.lib.exceptions import TransitionNotAllowed

pytestmark = pytest.mark.django_db


def problems_of(call):
    call.refresh_from_db()
    return call_publication_problems(call=call)


def test_a_complete_draft_has_no_problem_and_publishes_with_an_audit_row(publishable_call, officer):
    assert problems_of(publishable_call) == []
    call_publish(call=publishable_call, by=officer)
    publishable_call.refresh_from_db()
    assert publishable_call.status == Call.Status.OPEN
    change = CallStatusChange.objects.get(call=publishable_call)
    assert (change.from_status, change.to_status, change.changed_by) == ("draft", "open", officer)


def _weights_not_100(call):
    call.criteria.filter(code="B").update(weight=Decimal("30"))


def _no_criterion(call):
    call.criteria.all().delete()


def _no_commitment(call):
    call.commitments.all().delete()


def _commitments_below_budget(call):
    call.commitments.filter(amount=Decimal("100000.00")).update(amount=Decimal("90000.00"))


def _commitments_zero(call):
    call.commitments.update(amount=Decimal("0"))


def _no_budget(call):
    Call.objects.filter(pk=call.pk).update(announced_budget=None)


def _opens_after_closing(call):
    # The database refuses it; a call loaded with such dates (e.g. in memory) must still be caught.
    call.opens_at = call.closes_at + timedelta(days=1)


def _deadline_passed(call):
    Call.objects.filter(pk=call.pk).update(
        opens_at=timezone.now() - timedelta(days=20), closes_at=timezone.now() - timedelta(days=1)
    )


def _no_country(call):
    Call.objects.filter(pk=call.pk).update(eligible_countries="")


def _grant_above_budget(call):
    Call.objects.filter(pk=call.pk).update(max_grant=Decimal("300000.01"))


def _no_cost_category(call):
    call.cost_categories.all().delete()


def _no_document(call):
    call.documents.all().delete()


def _minimum_shares_over_100(call):
    Call.objects.filter(pk=call.pk).update(min_origin_share_pct=Decimal("60"), min_residence_share_pct=Decimal("50"))


def _overall_threshold_over_100(call):
    Call.objects.filter(pk=call.pk).update(overall_threshold=Decimal("120"))


@pytest.mark.parametrize(
    "break_it, expected",
    [
        (_weights_not_100, "add up to 90%, not to 100%"),
        (_no_criterion, "There is no evaluation criterion."),
        (_no_commitment, "No funder has committed money to the call."),
        (_commitments_below_budget, "add up to € 290,000.00, not to the budget of the call (€ 300,000.00)"),
        (_commitments_zero, "The funders' commitments add up to zero."),
        (_no_budget, "The total budget of the call is not set."),
        (_deadline_passed, "The deadline has already passed."),
        (_no_country, "No eligible country of origin is selected."),
        (_grant_above_budget, "The maximum grant per project (€ 300,000.01) is above the budget"),
        (_no_cost_category, "No cost category is eligible."),
        (_no_document, "There is no call document"),
        (_minimum_shares_over_100, "minimum shares in the country of origin and in Italy add up to more than 100%"),
        (_overall_threshold_over_100, "minimum total score to be fundable is above 100 points"),
    ],
)
def test_each_rule_refuses_publication(publishable_call, officer, break_it, expected):
    publishable_call.refresh_from_db()
    break_it(publishable_call)
    publishable_call.refresh_from_db()
    with pytest.raises(CallNotPublishable) as refused:
        call_publish(call=publishable_call, by=officer)
    assert any(expected in problem for problem in refused.value.problems), refused.value.problems
    assert Call.objects.get(pk=publishable_call.pk).status == Call.Status.DRAFT
    assert not CallStatusChange.objects.filter(call=publishable_call).exists()


def test_dates_in_the_wrong_order_are_a_problem(publishable_call):
    _opens_after_closing(publishable_call)
    assert "The call must open before it closes." in call_publication_problems(call=publishable_call)


def test_every_problem_is_listed_at_once(officer):
    call = CallFactory(status=Call.Status.DRAFT, eligible_countries=[], max_grant=Decimal("10"))
    with pytest.raises(CallNotPublishable) as refused:
        call_publish(call=call, by=officer)
    problems = refused.value.problems
    assert len(problems) >= 6
    for expected in (
        "No funder has committed money to the call.",
        "The total budget of the call is not set.",
        "No eligible country of origin is selected.",
        "No cost category is eligible.",
        "There is no evaluation criterion.",
        "There is no call document: attach at least the text of the call.",
    ):
        assert expected in problems
    # The exception's message carries all of them too (e.g. for logs).
    assert "No cost category is eligible." in str(refused.value)


def test_only_a_draft_can_be_published(publishable_call, officer):
    call_publish(call=publishable_call, by=officer)
    with pytest.raises(TransitionNotAllowed):
        call_publish(call=publishable_call, by=officer)
    assert CallStatusChange.objects.filter(call=publishable_call).count() == 1


def test_publish_page_lists_the_problems_and_changes_nothing(client, officer):
    call = CallFactory(status=Call.Status.DRAFT, eligible_countries=[])
    client.force_login(officer)
    client.cookies["django_language"] = "en"
    url = reverse("calls:manage-publish", kwargs={"code": call.code})
    html = client.get(url).content.decode()
    assert "No eligible country of origin is selected." in html
    assert "There is no evaluation criterion." in html
    response = client.post(url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "The call cannot be published yet" in html
    assert "No eligible country of origin is selected." in html and "No funder has committed money" in html
    call.refresh_from_db()
    assert call.status == Call.Status.DRAFT


def test_publish_page_publishes_a_complete_draft(client, officer, publishable_call):
    client.force_login(officer)
    url = reverse("calls:manage-publish", kwargs={"code": publishable_call.code})
    assert b'<form method="post">' in client.get(url).content
    response = client.post(url)
    assert response.status_code == 302
    publishable_call.refresh_from_db()
    assert publishable_call.status == Call.Status.OPEN
    assert client.get(reverse("calls:detail", kwargs={"code": publishable_call.code})).status_code == 200


def test_a_published_but_not_yet_open_call_says_so(client, officer, publishable_call):
    call_publish(call=publishable_call, by=officer)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("calls:detail", kwargs={"code": publishable_call.code})).content.decode()
    assert "published, opens soon" in html
    assert "Opens in" in html
