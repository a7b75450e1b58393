"""From award to project: the grant agreement (CUP, dates, installment plan) and the payments."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from cosviluppo.lib.exceptions import DomainError
from funding.models import DecisionRecord
from funding.services import (
    award_withdraw,
    funding_propose,
    grant_agreement_record,
    installment_amounts,
    installment_pay,
    results_publish,
)
from funding.tests.factories import approve_all, ranked_call
from projects.models import Installment, Proposal, ProposalStatusChange

pytestmark = pytest.mark.django_db

PLAN = [
    ("Anticipo", Decimal("40"), None),
    ("Seconda rata", Decimal("40"), None),
    ("Saldo", Decimal("20"), None),
]
CUP = "C11G06000000001"


@pytest.fixture
def funded(officer):
    """A published call whose only proposal is funded with € 33,333.33 (which does not split evenly)."""
    ranked = ranked_call([(Decimal("90"), Decimal("33333.33"))], [Decimal("100000.00")])
    funding_propose(call=ranked.call, by=officer)
    approve_all(ranked)
    results_publish(call=ranked.call, by=officer)
    return ranked.proposals[0]


def record(proposal, officer, **overrides):
    fields = {
        "proposal": proposal,
        "signed_on": timezone.localdate() - timedelta(days=10),
        "cup": CUP,
        "start_date": date(2026, 1, 1),
        "plan": PLAN,
        "by": officer,
    } | overrides
    return grant_agreement_record(**fields)


def test_the_agreement_makes_the_proposal_a_project_with_installments_adding_up_to_the_award(funded, officer):
    installments = record(funded, officer, cup="c11g06000000001 ")

    funded.refresh_from_db()
    assert funded.status == Proposal.Status.IN_PROGRESS
    assert funded.cup == CUP
    assert funded.start_date == date(2026, 1, 1) and funded.end_date == date(2026, 12, 31)  # 12 months
    assert [(i.sequence, i.label, i.amount) for i in installments] == [
        (1, "Anticipo", Decimal("13333.33")),
        (2, "Seconda rata", Decimal("13333.33")),
        (3, "Saldo", Decimal("6666.67")),  # the rounding remainder goes on the last one
    ]
    assert sum(i.amount for i in Installment.objects.filter(award__proposal=funded)) == Decimal("33333.33")
    change = ProposalStatusChange.objects.filter(proposal=funded).latest("pk")
    assert (change.from_status, change.to_status) == ("funded", "in_progress") and CUP in change.reason
    audit = DecisionRecord.objects.get(action="agreement_recorded")
    assert audit.by == officer and audit.details["cup"] == CUP and len(audit.details["plan"]) == 3


@pytest.mark.parametrize("cup", ["C11G0600000000", "C11G060000000012", "C11G06-00000001", ""])
def test_an_invalid_cup_is_refused(funded, officer, cup):
    with pytest.raises(DomainError, match="CUP"):
        record(funded, officer, cup=cup)
    funded.refresh_from_db()
    assert funded.status == Proposal.Status.FUNDED and not Installment.objects.exists()


def test_the_plan_must_add_up_to_100_percent(funded, officer):
    with pytest.raises(DomainError, match="not 100"):
        record(funded, officer, plan=[("Anticipo", Decimal("40"), None), ("Saldo", Decimal("50"), None)])
    with pytest.raises(DomainError, match="positive"):
        record(funded, officer, plan=[("Anticipo", Decimal("110"), None), ("Saldo", Decimal("-10"), None)])
    assert not Installment.objects.exists()


def test_a_cup_identifies_one_project_only(funded, officer):
    other = ranked_call([(Decimal("90"), Decimal("1000.00"))], [Decimal("5000.00")])
    funding_propose(call=other.call, by=officer)
    approve_all(other)
    results_publish(call=other.call, by=officer)
    record(funded, officer)
    with pytest.raises(DomainError, match="already used"):
        record(other.proposals[0], officer)


def test_no_agreement_before_the_results_are_published(officer):
    ranked = ranked_call([(Decimal("90"), Decimal("1000.00"))], [Decimal("5000.00")])
    funding_propose(call=ranked.call, by=officer)
    with pytest.raises(DomainError, match="published before"):
        record(ranked.proposals[0], officer)


def test_the_agreement_is_recorded_once(funded, officer):
    record(funded, officer)
    with pytest.raises(DomainError, match="funded proposal"):
        record(funded, officer)
    assert Installment.objects.count() == 3


def test_a_signature_in_the_future_is_refused(funded, officer):
    with pytest.raises(DomainError, match="future"):
        record(funded, officer, signed_on=timezone.localdate() + timedelta(days=1))


def test_installment_amounts_are_deterministic_and_never_negative():
    assert installment_amounts(Decimal("0.01"), [Decimal("50"), Decimal("50")]) == [Decimal("0.00"), Decimal("0.01")]
    assert installment_amounts(Decimal("100.00"), [Decimal("33.33"), Decimal("33.33"), Decimal("33.34")]) == [
        Decimal("33.33"),
        Decimal("33.33"),
        Decimal("33.34"),
    ]


@given(
    cents=st.integers(min_value=1, max_value=10_000_000_00),
    cuts=st.lists(st.integers(min_value=1, max_value=9999), min_size=0, max_size=5, unique=True),
)
def test_installments_always_add_up_to_the_award(cents, cuts):
    # Percentages with two decimals adding up to 100, from cut points on 0..10000 hundredths.
    points = [0, *sorted(cuts), 10000]
    percentages = [Decimal(b - a) / 100 for a, b in zip(points, points[1:], strict=False)]
    total = Decimal(cents) / 100
    amounts = installment_amounts(total, percentages)
    assert sum(amounts) == total
    assert all(amount >= 0 for amount in amounts)
    assert amounts == installment_amounts(total, percentages)


# --- Payments ------------------------------------------------------------------------------------------


def test_installments_are_paid_in_order_with_an_audit_record(funded, officer):
    first, second, _last = record(funded, officer)
    today = timezone.localdate()

    with pytest.raises(DomainError, match="earlier installments"):
        installment_pay(installment=second, paid_on=today, by=officer)
    with pytest.raises(DomainError, match="future"):
        installment_pay(installment=first, paid_on=today + timedelta(days=1), by=officer)
    with pytest.raises(DomainError, match="precede"):
        installment_pay(installment=first, paid_on=today - timedelta(days=30), by=officer)
    paid = installment_pay(installment=first, paid_on=today, by=officer)

    assert (paid.status, paid.paid_on) == (Installment.Status.PAID, today)
    audit = DecisionRecord.objects.get(action="installment_paid")
    assert (audit.from_value, audit.to_value, audit.amount) == ("planned", "paid", Decimal("13333.33"))
    with pytest.raises(DomainError, match="already paid"):
        installment_pay(installment=first, paid_on=today, by=officer)
    assert DecisionRecord.objects.filter(action="installment_paid").count() == 1


def test_a_project_with_a_paid_installment_cannot_simply_withdraw(funded, officer):
    first, *_ = record(funded, officer)
    installment_pay(installment=first, paid_on=timezone.localdate(), by=officer)
    with pytest.raises(DomainError, match="already paid"):
        award_withdraw(proposal=funded, reason="Rinuncia", by=officer)


def test_the_agreement_page_proposes_40_40_20_and_records_the_plan(client, funded, officer):
    client.force_login(officer)
    url = reverse("funding:agreement", kwargs={"pk": funded.pk})
    page = client.get(url).content.decode()
    assert 'value="Advance"' in page and 'value="40"' in page and 'value="20"' in page

    data = {
        "signed_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "cup": CUP,
        "start_date": "2026-02-01",
        "plan-TOTAL_FORMS": "5",
        "plan-INITIAL_FORMS": "3",
        "plan-MIN_NUM_FORMS": "0",
        "plan-MAX_NUM_FORMS": "8",
        "plan-0-label": "Anticipo",
        "plan-0-percentage": "50",
        "plan-0-due_date": "2026-02-15",
        "plan-1-label": "Saldo",
        "plan-1-percentage": "50",
        "plan-2-label": "Extra",
        "plan-2-percentage": "10",
    }
    response = client.post(url, data)
    assert response.status_code == 200 and "not 100%" in response.content.decode()
    assert not Installment.objects.exists()

    data.pop("plan-2-label"), data.pop("plan-2-percentage")
    data["plan-INITIAL_FORMS"] = "2"
    response = client.post(url, data)

    assert response.status_code == 302
    assert [(i.label, i.amount, i.due_date) for i in Installment.objects.order_by("sequence")] == [
        ("Anticipo", Decimal("16666.66"), date(2026, 2, 15)),
        ("Saldo", Decimal("16666.67"), None),
    ]


def test_a_forged_installment_count_is_refused_with_a_message(client, funded, officer):
    client.force_login(officer)
    data = {
        "signed_on": (timezone.localdate() - timedelta(days=1)).isoformat(),
        "cup": CUP,
        "start_date": "2026-02-01",
        "plan-TOTAL_FORMS": "999999",
        "plan-INITIAL_FORMS": "0",
        "plan-0-label": "Anticipo",
        "plan-0-percentage": "100",
    }

    response = client.post(reverse("funding:agreement", kwargs={"pk": funded.pk}), data)

    assert response.status_code == 200
    assert "An agreement has at most 8 installments." in response.content.decode()
    assert response.context["plan"].total_form_count() == 8
    assert len(response.context["plan"].forms) == 1
    assert not Installment.objects.exists()


def test_the_service_refuses_more_installments_than_the_limit(funded, officer):
    plan = [("Rata", Decimal("10"), None)] * 10
    with pytest.raises(DomainError):
        record(funded, officer, plan=plan)
    assert not Installment.objects.exists()
