"""Concurrent decisions on PostgreSQL: the row locks in projects.services hold under real contention.

Each thread has its own database connection (Django's connections are per thread), so these
are separate transactions racing for the same rows, as several web or worker processes would.
SQLite serialises every writer, so it cannot show the race: these tests need PostgreSQL.
"""

import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, connections
from django.db.models import Sum
from django.utils import timezone

from associations.tests.factories import MembershipFactory
from calls.models import FunderCommitment
from calls.tests.factories import CallFactory, FunderCommitmentFactory
from cosviluppo.testing import skip_unless_available
from projects.models import AllocationRecord, Award, FunderShare, Proposal, ProposalStatusChange
from projects.services import (
    CommitmentExceeded,
    InsufficientFunds,
    award_allocate,
    proposal_submit,
)
from projects.tests.factories import ProposalFactory, eligible_call, eligible_proposal

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8


@pytest.fixture(autouse=True)
def _postgres_only():
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        skip_unless_available("Concurrency tests need PostgreSQL: set DATABASE_URL=postgres://…")


def run_together(jobs: list[Callable[[], object]]) -> list[tuple[str, object]]:
    """Run each job in its own thread, all released at once; ("ok", result) or ("error", exception)."""
    barrier = threading.Barrier(len(jobs), timeout=30)
    outcomes: list[tuple[str, object]] = [("error", RuntimeError("thread did not run"))] * len(jobs)

    def run(index: int, job: Callable[[], object]) -> None:
        try:
            # Connect first, so the threads race for locks, not for connection set-up.
            connection.ensure_connection()
            barrier.wait()
            outcomes[index] = ("ok", job())
        except Exception as exc:  # reported to the test, which checks the kind
            outcomes[index] = ("error", exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=90)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    return outcomes


def awards_on_one_call(commitment_amounts: list[str], award_amount: str, count: int):
    call = CallFactory(status="evaluation")
    commitments = [FunderCommitmentFactory(call=call, amount=Decimal(amount)) for amount in commitment_amounts]
    now = timezone.now()
    awards = [
        Award.objects.create(proposal=ProposalFactory(call=call), amount_granted=Decimal(award_amount), decided_at=now)
        for _ in range(count)
    ]
    return call, commitments, awards


def assert_money_is_consistent(call, awards) -> None:
    """No commitment drawn beyond its amount; every award fully split or not split at all."""
    for commitment in FunderCommitment.objects.filter(call=call):
        drawn = commitment.shares.aggregate(total=Sum("amount"))["total"] or Decimal("0")
        assert drawn <= commitment.amount, f"{commitment} drawn € {drawn} of € {commitment.amount}"
    for award in awards:
        total = award.shares_total()
        assert total in {Decimal("0"), award.amount_granted}, f"award {award.pk} split € {total}"


def test_concurrent_proportional_allocations_never_overdraw_the_pool():
    # Pool € 90,000; eight awards of € 25,000 ask for € 200,000: exactly three fit.
    call, commitments, awards = awards_on_one_call(["60000.00", "30000.00"], "25000.00", THREADS)

    outcomes = run_together([lambda award=award: award_allocate(award=award) for award in awards])

    succeeded = [awards[i] for i, (kind, _) in enumerate(outcomes) if kind == "ok"]
    errors = [value for kind, value in outcomes if kind == "error"]
    assert len(succeeded) == 3
    assert len(errors) == THREADS - 3
    assert all(isinstance(error, InsufficientFunds) for error in errors), errors
    assert_money_is_consistent(call, awards)
    for award in succeeded:
        assert award.shares_total() == Decimal("25000.00")
    drawn = FunderShare.objects.filter(commitment__call=call).aggregate(total=Sum("amount"))["total"]
    assert drawn == Decimal("75000.00")
    assert AllocationRecord.objects.filter(award__in=awards).count() == 3


def test_concurrent_manual_allocations_on_one_commitment_never_overdraw_it():
    # Every decision puts the whole € 25,000 on the first commitment (€ 60,000): two fit.
    call, (first, second), awards = awards_on_one_call(["60000.00", "30000.00"], "25000.00", THREADS)

    outcomes = run_together(
        [lambda award=award: award_allocate(award=award, shares={first.pk: Decimal("25000.00")}) for award in awards]
    )

    succeeded = [awards[i] for i, (kind, _) in enumerate(outcomes) if kind == "ok"]
    errors = [value for kind, value in outcomes if kind == "error"]
    assert len(succeeded) == 2
    assert all(isinstance(error, CommitmentExceeded) for error in errors), errors
    assert_money_is_consistent(call, awards)
    assert FunderShare.objects.filter(commitment=first).aggregate(total=Sum("amount"))["total"] == Decimal("50000.00")
    assert not FunderShare.objects.filter(commitment=second).exists()
    for award in succeeded:
        assert list(award.shares.values_list("commitment_id", "amount")) == [(first.pk, Decimal("25000.00"))]


def test_concurrent_checked_submissions_get_unique_gapless_protocol_numbers():
    """proposal_submit checks every rule again under the call's lock: eight eligible
    proposals submitted at once all pass, with numbers 1 to 8 and one audit row each."""
    call = eligible_call(code="MI-COSV-2027")
    proposals = [eligible_proposal(call=call) for _ in range(THREADS)]

    outcomes = run_together(
        [lambda proposal=proposal: proposal_submit(proposal=proposal, by=None) for proposal in proposals]
    )

    assert [kind for kind, _ in outcomes] == ["ok"] * THREADS, outcomes
    submitted = Proposal.objects.filter(call=call).order_by("protocol_sequence")
    assert [p.protocol_sequence for p in submitted] == list(range(1, THREADS + 1))
    assert [p.protocol_number for p in submitted] == [f"MI-COSV-2027-{n:04d}" for n in range(1, THREADS + 1)]
    assert sorted(result.protocol_number for _, result in outcomes) == [p.protocol_number for p in submitted]
    assert ProposalStatusChange.objects.filter(proposal__call=call, to_status=Proposal.Status.SUBMITTED).count() == (
        THREADS
    )


def test_concurrent_double_submissions_of_one_proposal_give_one_number():
    """The same proposal submitted from eight requests at once (a double click, several tabs)."""
    call = eligible_call(code="MI-COSV-2028")
    proposal = eligible_proposal(call=call)
    member = MembershipFactory(organisation=proposal.lead).user

    outcomes = run_together([lambda: proposal_submit(proposal=proposal, by=None) for _ in range(THREADS)])

    assert [kind for kind, _ in outcomes] == ["ok"] * THREADS, outcomes
    assert {result.protocol_number for _, result in outcomes} == {"MI-COSV-2028-0001"}
    assert Proposal.objects.filter(call=call).values_list("protocol_sequence", flat=True).get() == 1
    assert ProposalStatusChange.objects.filter(proposal=proposal, to_status=Proposal.Status.SUBMITTED).count() == 1
    # One e-mail for the lead's one member, not one per request.
    assert [message.to for message in mail.outbox] == [[member.email]]
