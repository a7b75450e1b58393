"""Invariants the database itself enforces, whatever code writes the rows."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from associations.models import Membership, Organisation
from associations.tests.factories import FunderFactory, MembershipFactory, OrganisationFactory
from calls.models import EligibleCostCategory
from calls.tests.factories import CallFactory, EvaluationCriterionFactory, FunderCommitmentFactory
from cosviluppo.lib.codicefiscale import validate_codice_fiscale, validate_cup
from projects.models import Activity, Installment, Proposal
from projects.tests.factories import BudgetLineFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def refused(factory, **kwargs):
    with pytest.raises(IntegrityError), transaction.atomic():
        factory(**kwargs)


def test_amounts_cannot_be_negative():
    refused(FunderCommitmentFactory, amount=Decimal("-1.00"))
    refused(CallFactory, max_grant=Decimal("-1.00"))
    refused(BudgetLineFactory, amount_requested=Decimal("-5.00"), cofinancing_own=Decimal("10.00"))


def test_budget_line_total_must_be_the_sum_of_requested_and_cofinancing():
    refused(
        BudgetLineFactory,
        total_cost=Decimal("100.00"),
        amount_requested=Decimal("50.00"),
        cofinancing_own=Decimal("30.00"),
        cofinancing_other=Decimal("10.00"),
    )
    line = BudgetLineFactory(
        amount_requested=Decimal("50.01"), cofinancing_own=Decimal("30.00"), cofinancing_other=Decimal("19.99")
    )
    assert line.total_cost == Decimal("100.00")


@pytest.mark.parametrize("field", ["min_cofinancing_pct", "max_origin_share_pct", "max_residence_share_pct"])
def test_percentages_stay_between_0_and_100(field):
    refused(CallFactory, **{field: Decimal("100.01")})


def test_percentage_bounds_are_ordered():
    refused(CallFactory, min_origin_share_pct=Decimal("60"), max_origin_share_pct=Decimal("40"))


def test_cost_category_cap_range():
    call = CallFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        EligibleCostCategory.objects.create(call=call, category="H", cap_pct=Decimal("101"))


def test_call_must_close_after_it_opens():
    call = CallFactory.build()
    refused(CallFactory, opens_at=call.closes_at, closes_at=call.opens_at)


def test_criterion_threshold_cannot_exceed_max_score():
    refused(EvaluationCriterionFactory, max_score=Decimal("10"), min_threshold=Decimal("11"))
    refused(EvaluationCriterionFactory, weight=Decimal("120"))


def test_one_commitment_per_funder_and_call():
    commitment = FunderCommitmentFactory()
    refused(FunderCommitmentFactory, call=commitment.call, funder=commitment.funder)


def test_protocol_sequence_is_unique_within_a_call_but_not_across_calls():
    first = ProposalFactory()
    second = ProposalFactory(call=first.call)
    other_call = ProposalFactory()
    now = first.call.opens_at + timedelta(days=1)
    Proposal.objects.filter(pk=first.pk).update(status="submitted", protocol_sequence=1, submitted_at=now)
    Proposal.objects.filter(pk=other_call.pk).update(status="submitted", protocol_sequence=1, submitted_at=now)
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=second.pk).update(status="submitted", protocol_sequence=1, submitted_at=now)


def test_a_submitted_proposal_always_has_a_protocol_number():
    proposal = ProposalFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(status="submitted")


def test_unknown_status_is_refused():
    proposal = ProposalFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=proposal.pk).update(status="approved-by-magic")


def test_activity_months_are_ordered():
    proposal = ProposalFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Activity.objects.create(proposal=proposal, territory="origin", title="x", start_month=5, end_month=2)


def test_duplicate_codice_fiscale_is_refused_but_origin_partners_need_none():
    org = OrganisationFactory()
    refused(OrganisationFactory, codice_fiscale=org.codice_fiscale)
    Organisation.objects.create(kind="origin_partner", legal_name="GIE Jappo Thiès", seat_country="SN")
    Organisation.objects.create(kind="origin_partner", legal_name="Cooperativa Valle del Mantaro", seat_country="PE")
    with pytest.raises(IntegrityError), transaction.atomic():
        Organisation.objects.create(kind="ngo", legal_name="ONG senza codice")


def test_rejection_needs_a_reason():
    refused(OrganisationFactory, verification_status="rejected", rejection_reason="")


def test_membership_is_unique_per_user_and_organisation():
    membership = MembershipFactory()
    refused(MembershipFactory, user=membership.user, organisation=membership.organisation, role=Membership.Role.VIEWER)


def test_paid_installment_needs_a_date():
    from projects.models import Award

    proposal = ProposalFactory()
    award = Award.objects.create(proposal=proposal, amount_granted=Decimal("1000.00"), decided_at=proposal.created_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        Installment.objects.create(
            award=award, sequence=1, label="Anticipo", percentage=Decimal("40"), amount=Decimal("400.00"), status="paid"
        )


@pytest.mark.parametrize("value", ["97123450153", "RSSMRA85T10A562S"])
def test_valid_codice_fiscale(value):
    validate_codice_fiscale(value)


@pytest.mark.parametrize("value", ["97123450154", "RSSMRA85T10A562X", "123", ""])
def test_invalid_codice_fiscale(value):
    with pytest.raises(ValidationError):
        validate_codice_fiscale(value)


def test_cup_format():
    validate_cup("C11G06000000001")
    for bad in ["C11G0600000000", "c11g06000000001", "111G06000000001"]:
        with pytest.raises(ValidationError):
            validate_cup(bad)


def test_funder_factory_is_a_funder():
    assert FunderFactory().is_funder
