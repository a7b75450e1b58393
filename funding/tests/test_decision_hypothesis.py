"""The decision's invariants over random budgets and rankings: no funder pays beyond its commitment,
every award is split to the cent, and the funded proposals are the head of the ranking that the
money covers, in order, with everyone fundable after the first miss on the reserve list."""

from decimal import Decimal

import pytest
from django.db import transaction
from django.db.models import Sum
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from funding.services import award_withdraw, funding_fill_from_reserve, funding_propose
from funding.tests.factories import ranked_call
from projects.models import Award, FunderShare, Proposal

pytestmark = pytest.mark.django_db

S = Proposal.Status

budgets = st.lists(st.integers(min_value=0, max_value=150_000_00), min_size=1, max_size=4)
rankings = st.lists(
    st.tuples(st.integers(min_value=30, max_value=100), st.integers(min_value=1, max_value=60_000_00)),
    min_size=1,
    max_size=8,
    unique_by=lambda item: item[0],  # distinct totals: the order is the one of the scores
)


def expected_decision(ranking, pool_cents):
    """The rule, independently: fund down the fundable ones while the money lasts, stop at the first miss."""
    fundable = sorted((item for item in ranking if item[0] >= 60), key=lambda item: -item[0])
    funded, reserve, stopped = [], [], False
    for total, cents in fundable:
        if not stopped and cents <= pool_cents:
            funded.append(total)
            pool_cents -= cents
        else:
            stopped = True
            reserve.append(total)
    return funded, reserve


def assert_money_invariants(ranked):
    for commitment in ranked.commitments:
        drawn = FunderShare.objects.filter(commitment=commitment).aggregate(total=Sum("amount"))["total"] or 0
        assert drawn <= commitment.amount, f"{commitment} drawn € {drawn}"
    for award in Award.objects.filter(proposal__call=ranked.call, proposal__status__in=Proposal.FUNDED_STATUSES):
        assert award.shares_total() == award.amount_granted
        assert award.shares.filter(amount__lte=0).count() == 0


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(commitment_cents=budgets, ranking=rankings)
def test_funding_down_the_ranking_keeps_every_invariant(django_db_blocker, commitment_cents, ranking):
    with django_db_blocker.unblock(), transaction.atomic():
        ranked = ranked_call(
            [(Decimal(total), Decimal(cents) / 100) for total, cents in ranking],
            [Decimal(cents) / 100 for cents in commitment_cents],
        )
        by_total = {p.total_score: p for p in ranked.proposals}

        funding_propose(call=ranked.call, by=None)

        funded, reserve = expected_decision(ranking, sum(commitment_cents))
        status = dict(Proposal.objects.filter(call=ranked.call).values_list("pk", "status"))
        assert [t for t, _c in ranking if status[by_total[t].pk] == S.FUNDED] == [t for t, _c in ranking if t in funded]
        assert {t for t, _c in ranking if status[by_total[t].pk] == S.RESERVE} == set(reserve)
        assert {t for t, _c in ranking if status[by_total[t].pk] == S.NOT_FUNDED} == {t for t, _c in ranking if t < 60}
        assert_money_invariants(ranked)

        # Money freed by the best-ranked project goes to the reserve list, still in order.
        if funded:
            leaving = by_total[Decimal(funded[0])]
            award_withdraw(proposal=leaving, reason="Rinuncia", by=None)
            # The same as deciding the whole ranking again without it: those funded stay funded.
            still_fundable = [(t, c) for t, c in ranking if t != funded[0]]
            refunded, rereserve = expected_decision(still_fundable, sum(commitment_cents))
            status = dict(Proposal.objects.filter(call=ranked.call).values_list("pk", "status"))
            assert {t for t, _c in still_fundable if status[by_total[t].pk] == S.FUNDED} == set(refunded)
            assert {t for t, _c in still_fundable if status[by_total[t].pk] == S.RESERVE} == set(rereserve)
            assert funding_fill_from_reserve(call=ranked.call, by=None).funded == []
            assert_money_invariants(ranked)
        transaction.set_rollback(True)
