"""The one door to the ranking: the evaluation app's when installed, the stored ranks otherwise."""

import sys
from decimal import Decimal

import pytest

from funding.ranking import RankedProposal, ranking_for, ranking_from_stored_ranks
from funding.tests.factories import ranked_call

pytestmark = pytest.mark.django_db


def summary(ranking):
    return [(e.proposal.pk, e.position, e.total_score, e.fundable, e.criterion_scores) for e in ranking]


def test_ranking_is_the_evaluation_apps_when_it_is_installed(demo):
    from evaluation.selectors import call_ranking

    assert summary(ranking_for(demo.call)) == summary(call_ranking(demo.call))


def test_without_the_evaluation_app_the_stored_ranks_give_the_same_ranking(demo, monkeypatch):
    monkeypatch.setitem(sys.modules, "evaluation.selectors", None)  # importing it now raises ImportError

    ranking = ranking_for(demo.call)

    assert all(isinstance(entry, RankedProposal) for entry in ranking)
    assert [e.proposal.pk for e in ranking] == [p.pk for p in demo.proposals]
    assert [e.position for e in ranking] == list(range(1, 9))
    assert [e.fundable for e in ranking] == [True] * 6 + [False] * 2
    assert ranking[-1].reasons_not_fundable and not ranking[0].reasons_not_fundable
    monkeypatch.undo()
    from evaluation.selectors import call_ranking

    assert summary(ranking) == summary(call_ranking(demo.call))


def test_stored_ranking_applies_the_criterion_minimums(db):
    ranked = ranked_call(
        [(Decimal("90"), Decimal("1000")), (Decimal("75"), Decimal("1000"))],
        [Decimal("10000")],
        criterion_minimums={"C": 20},
    )
    first, second = ranking_from_stored_ranks(ranked.call)
    assert first.fundable and not second.fundable
    assert "C" in second.reasons_not_fundable[0]


def test_stored_ranking_leaves_out_proposals_without_a_rank(demo):
    from projects.models import Proposal

    Proposal.objects.filter(pk=demo.proposals[0].pk).update(rank=None)
    assert demo.proposals[0].pk not in [e.proposal.pk for e in ranking_from_stored_ranks(demo.call)]
