"""Concurrent funding decisions on PostgreSQL: the call and commitment locks taken by funding.services
hold under real contention (each thread has its own connection, so its own transaction).

SQLite serialises every writer and cannot show the race: these tests need PostgreSQL.
"""

import threading
from collections.abc import Callable
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection, connections
from django.db.models import Sum

from calls.models import FunderCommitment
from cosviluppo.lib.exceptions import DomainError
from cosviluppo.testing import skip_unless_available
from funding.models import DecisionRecord
from funding.services import (
    award_withdraw,
    funding_award_change,
    funding_fill_from_reserve,
    funding_grant,
    funding_propose,
)
from funding.tests.factories import ranked_call
from projects.models import Award, Proposal

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

THREADS = 8
S = Proposal.Status
K = Decimal("1000")


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
            connection.ensure_connection()  # race for the locks, not for the connection
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
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck (deadlock?)"
    return outcomes


def assert_money_is_consistent(ranked) -> None:
    for commitment in FunderCommitment.objects.filter(call=ranked.call):
        drawn = commitment.shares.aggregate(total=Sum("amount"))["total"] or Decimal("0")
        assert drawn <= commitment.amount, f"{commitment} drawn € {drawn} of € {commitment.amount}"
    for award in Award.objects.filter(proposal__call=ranked.call, proposal__status__in=Proposal.FUNDED_STATUSES):
        assert award.shares_total() == award.amount_granted, f"award {award.pk} split € {award.shares_total()}"


def statuses(ranked) -> list[str]:
    found = dict(Proposal.objects.filter(call=ranked.call).values_list("pk", "status"))
    return [found[p.pk] for p in ranked.proposals]


def test_concurrent_proposals_of_the_decision_decide_once(db):
    ranked = ranked_call()  # the demo call: five fit in € 250,000

    outcomes = run_together([lambda: funding_propose(call=ranked.call, by=None) for _ in range(THREADS)])

    assert [kind for kind, _ in outcomes] == ["ok"] * THREADS, outcomes
    assert sum(len(result.funded) for _, result in outcomes) == 5
    assert statuses(ranked) == [S.FUNDED] * 5 + [S.RESERVE, S.NOT_FUNDED, S.NOT_FUNDED]
    assert DecisionRecord.objects.filter(call=ranked.call, action="funded").count() == 5
    assert DecisionRecord.objects.filter(call=ranked.call, action="reserve").count() == 1
    assert_money_is_consistent(ranked)


def test_withdrawals_and_fills_racing_fund_the_reserve_list_in_order(db):
    # Pool € 100,000, six asks of € 25,000: four funded, two on the reserve list.
    ranked = ranked_call([(Decimal(90 - i), 25 * K) for i in range(6)], [Decimal("60000.00"), Decimal("40000.00")])
    funding_propose(call=ranked.call, by=None)
    first, second = ranked.proposals[:2]

    jobs = [
        lambda: award_withdraw(proposal=first, reason="Rinuncia", by=None),
        lambda: award_withdraw(proposal=second, reason="Rinuncia", by=None),
    ] + [lambda: funding_fill_from_reserve(call=ranked.call, by=None) for _ in range(THREADS - 2)]
    outcomes = run_together(jobs)

    assert [kind for kind, _ in outcomes] == ["ok"] * THREADS, outcomes
    # € 50,000 freed: both reserve proposals funded, each exactly once.
    assert statuses(ranked) == [S.WITHDRAWN, S.WITHDRAWN] + [S.FUNDED] * 4
    assert DecisionRecord.objects.filter(call=ranked.call, action="funded").count() == 6
    assert_money_is_consistent(ranked)


def test_one_reserve_slot_is_filled_once_and_in_order(db):
    # € 20,000 freed by lowering an award; reserve asks € 20,000 then € 10,000: only the head gets it.
    ranked = ranked_call(
        [(Decimal("90"), 60 * K), (Decimal("80"), 20 * K), (Decimal("70"), 10 * K)], [Decimal("60000.00")]
    )
    funding_propose(call=ranked.call, by=None)
    award = Award.objects.get(proposal=ranked.proposals[0])

    jobs = [lambda: funding_award_change(award=award, amount=Decimal("40000.00"), reason="Riduzione", by=None)]
    jobs += [lambda: funding_fill_from_reserve(call=ranked.call, by=None) for _ in range(THREADS - 1)]
    outcomes = run_together(jobs)

    assert [kind for kind, _ in outcomes] == ["ok"] * THREADS, outcomes
    assert statuses(ranked) == [S.FUNDED, S.FUNDED, S.RESERVE]
    assert_money_is_consistent(ranked)


def test_concurrent_grants_to_the_head_of_the_reserve_list_grant_once(db):
    ranked = ranked_call([(Decimal("90"), 60 * K), (Decimal("80"), 30 * K)], [Decimal("70000.00")])
    funding_propose(call=ranked.call, by=None)
    head = ranked.proposals[1]

    outcomes = run_together(
        [
            lambda: funding_grant(proposal=head, amount=Decimal("10000.00"), reason="Quanto resta", by=None)
            for _ in range(THREADS)
        ]
    )

    succeeded = [value for kind, value in outcomes if kind == "ok"]
    errors = [value for kind, value in outcomes if kind == "error"]
    assert len(succeeded) == 1
    assert all(isinstance(error, DomainError) for error in errors), errors
    assert Award.objects.get(proposal=head).amount_granted == Decimal("10000.00")
    assert_money_is_consistent(ranked)
