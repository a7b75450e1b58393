from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from calls.tests.factories import CallFactory, FunderCommitmentFactory
from cosviluppo.lib.exceptions import DomainError, TransitionNotAllowed
from projects.models import AllocationRecord, Award, FunderShare, Proposal, ProposalStatusChange
from projects.services import (
    CommitmentExceeded,
    InsufficientFunds,
    award_allocate,
    award_grant,
    commitments_available,
    proposal_transition,
)
from projects.tests.factories import BudgetLineFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def ranked_proposal(call, requested=Decimal("7000.00")):
    proposal = ProposalFactory(call=call)
    # A ranked proposal has been submitted and has a protocol number (a database constraint).
    Proposal.objects.filter(pk=proposal.pk).update(
        status=Proposal.Status.RANKED,
        protocol_sequence=Proposal.objects.filter(call=call).count(),
        submitted_at=call.opens_at,
    )
    BudgetLineFactory(proposal=proposal, amount_requested=requested)
    proposal.refresh_from_db()
    return proposal


@pytest.fixture
def call_with_pool():
    call = CallFactory(status="evaluation")
    comune = FunderCommitmentFactory(call=call, amount=Decimal("200000.00"))
    cariplo = FunderCommitmentFactory(call=call, amount=Decimal("1050000.00"))
    return call, comune, cariplo


def test_award_is_split_in_proportion_to_what_each_commitment_has(call_with_pool, officer):
    call, comune, cariplo = call_with_pool
    award = award_grant(proposal=ranked_proposal(call, Decimal("50000.00")), amount=Decimal("50000.00"), by=officer)
    shares = {s.commitment_id: s.amount for s in award.shares.all()}
    assert shares == {comune.pk: Decimal("8000.00"), cariplo.pk: Decimal("42000.00")}
    assert award.proposal.status == Proposal.Status.FUNDED
    record = AllocationRecord.objects.get(award=award)
    assert record.allocated_by == officer and record.manual is False
    assert ProposalStatusChange.objects.filter(proposal=award.proposal, to_status="funded").count() == 1


def test_split_follows_what_is_left_not_what_was_committed(call_with_pool):
    call, comune, cariplo = call_with_pool
    first = award_grant(proposal=ranked_proposal(call), amount=Decimal("7000.00"))
    award_allocate(award=first, shares={comune.pk: Decimal("7000.00")})  # manual: all on the Comune
    left = commitments_available(call)
    assert left[comune.pk] == Decimal("193000.00")
    second = award_grant(proposal=ranked_proposal(call), amount=Decimal("7000.00"))
    expected_comune = (Decimal("7000") * Decimal("193000") / Decimal("1243000")).quantize(Decimal("0.01"))
    shares = {s.commitment_id: s.amount for s in second.shares.all()}
    assert abs(shares[comune.pk] - expected_comune) <= Decimal("0.01")
    assert sum(shares.values()) == Decimal("7000.00")


def test_manual_split_must_add_up_to_the_award(call_with_pool):
    call, comune, cariplo = call_with_pool
    award = award_grant(proposal=ranked_proposal(call), amount=Decimal("7000.00"))
    with pytest.raises(DomainError):
        award_allocate(award=award, shares={comune.pk: Decimal("1000.00"), cariplo.pk: Decimal("5999.99")})
    # The earlier, valid split is still there: nothing half-saved.
    assert award.shares_total() == Decimal("7000.00")


def test_manual_split_cannot_overdraw_a_commitment():
    call = CallFactory(status="evaluation")
    small = FunderCommitmentFactory(call=call, amount=Decimal("5000.00"))
    FunderCommitmentFactory(call=call, amount=Decimal("50000.00"))
    award = award_grant(proposal=ranked_proposal(call), amount=Decimal("7000.00"))
    with pytest.raises(CommitmentExceeded):
        award_allocate(award=award, shares={small.pk: Decimal("7000.00")})


def test_award_larger_than_the_pool_is_refused_and_nothing_is_saved():
    call = CallFactory(status="evaluation")
    FunderCommitmentFactory(call=call, amount=Decimal("5000.00"))
    proposal = ranked_proposal(call)
    with pytest.raises(InsufficientFunds):
        award_grant(proposal=proposal, amount=Decimal("7000.00"))
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.RANKED
    assert not Award.objects.exists() and not FunderShare.objects.exists()


def test_granting_less_than_requested_needs_a_reason(call_with_pool):
    call, *_ = call_with_pool
    proposal = ranked_proposal(call, Decimal("7000.00"))
    with pytest.raises(DomainError):
        award_grant(proposal=proposal, amount=Decimal("5000.00"))
    award = award_grant(proposal=proposal, amount=Decimal("5000.00"), reduction_reason="Costi di viaggio non congrui")
    assert award.reduction_reason


@pytest.mark.parametrize("amount", [Decimal("7000.01"), Decimal("9000.00")])
def test_granting_more_than_requested_is_refused_and_nothing_is_saved(call_with_pool, amount):
    call, *_ = call_with_pool
    proposal = ranked_proposal(call, Decimal("7000.00"))

    refused = r"cannot exceed the amount requested \(€ 7000.00\)"
    with translation.override("en"), pytest.raises(DomainError, match=refused):
        award_grant(proposal=proposal, amount=amount, reduction_reason="irrelevant")

    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.RANKED
    assert not Award.objects.exists() and not FunderShare.objects.exists()
    assert award_grant(proposal=proposal, amount=Decimal("7000.00")).amount_granted == Decimal("7000.00")


def test_nothing_can_be_granted_to_a_proposal_that_requested_nothing(call_with_pool):
    call, *_ = call_with_pool
    proposal = ranked_proposal(call)
    proposal.budget_lines.all().delete()
    with translation.override("en"), pytest.raises(DomainError, match="cannot exceed the amount requested"):
        award_grant(proposal=proposal, amount=Decimal("1.00"))


def test_two_projects_cannot_share_a_cup_in_the_database(call_with_pool):
    from django.db import IntegrityError, transaction

    call, *_ = call_with_pool
    first, second, third = (ranked_proposal(call) for _ in range(3))
    Proposal.objects.filter(pk=first.pk).update(cup="B41J12000010001")
    with pytest.raises(IntegrityError), transaction.atomic():
        Proposal.objects.filter(pk=second.pk).update(cup="B41J12000010001")
    # Proposals without a CUP (all but the projects in progress) are many.
    Proposal.objects.filter(pk__in=[second.pk, third.pk]).update(cup="")
    assert Proposal.objects.filter(cup="").count() == 2


def test_reallocation_replaces_the_shares_and_is_audited(call_with_pool):
    call, comune, cariplo = call_with_pool
    award = award_grant(proposal=ranked_proposal(call), amount=Decimal("7000.00"))
    award_allocate(award=award, shares={comune.pk: Decimal("3500.00"), cariplo.pk: Decimal("3500.00")}, reason="x")
    assert {s.commitment_id: s.amount for s in award.shares.all()} == {
        comune.pk: Decimal("3500.00"),
        cariplo.pk: Decimal("3500.00"),
    }
    assert AllocationRecord.objects.filter(award=award).count() == 2


def test_transition_outside_the_lifecycle_is_refused(call_with_pool):
    call, *_ = call_with_pool
    proposal = ProposalFactory(call=call)
    with pytest.raises(TransitionNotAllowed):
        proposal_transition(proposal=proposal, to=Proposal.Status.FUNDED)
    assert not ProposalStatusChange.objects.exists()


amounts = st.lists(st.integers(min_value=1, max_value=80_000_00), min_size=1, max_size=8)
budgets = st.lists(st.integers(min_value=0, max_value=300_000_00), min_size=1, max_size=4)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(commitment_cents=budgets, award_cents=amounts)
def test_invariant_over_random_budgets_and_rankings(django_db_blocker, commitment_cents, award_cents):
    """Funding down a ranking: every award is split exactly, no commitment is ever overdrawn."""
    from django.db import transaction

    with django_db_blocker.unblock(), transaction.atomic():
        call = CallFactory(status="evaluation")
        commitments = [FunderCommitmentFactory(call=call, amount=Decimal(c) / 100) for c in commitment_cents]
        for cents in award_cents:
            amount = Decimal(cents) / 100
            proposal = ranked_proposal(call, amount)
            pool = sum(commitments_available(call).values())
            if amount > pool:
                with pytest.raises(InsufficientFunds):
                    award_grant(proposal=proposal, amount=amount)
                continue
            award = award_grant(proposal=proposal, amount=amount)
            assert award.shares_total() == amount
        for commitment in commitments:
            drawn = sum(s.amount for s in FunderShare.objects.filter(commitment=commitment))
            assert drawn <= commitment.amount
        transaction.set_rollback(True)
