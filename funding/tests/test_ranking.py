"""The funding decision reads the evaluation's ranking (evaluation.selectors.call_ranking), nothing else.

How the ranking is computed (weights, minimums, thresholds, ties) is tested in evaluation/tests/test_ranking.py.
"""

import pytest

from evaluation.selectors import call_ranking
from funding.selectors import decision_table
from projects.models import Proposal

pytestmark = pytest.mark.django_db


def summary(ranking):
    return [(e.proposal.pk, e.position, e.total_score, e.fundable, e.criterion_scores) for e in ranking]


def test_the_decision_table_is_the_evaluation_ranking_in_its_order(demo):
    table = decision_table(demo.call)

    assert summary(row.entry for row in table.rows) == summary(call_ranking(demo.call))
    assert [row.entry.proposal.pk for row in table.rows] == [p.pk for p in demo.proposals]
    assert [row.entry.position for row in table.rows] == list(range(1, 9))
    assert [row.entry.fundable for row in table.rows] == [True] * 6 + [False] * 2
    assert table.rows[-1].entry.reasons_not_fundable and not table.rows[0].entry.reasons_not_fundable


def test_a_withdrawn_proposal_has_no_place_in_the_ranking_funding_reads(demo):
    withdrawn = demo.proposals[0]
    Proposal.objects.filter(pk=withdrawn.pk).update(status=Proposal.Status.WITHDRAWN)

    assert withdrawn.pk not in [row.entry.proposal.pk for row in decision_table(demo.call).rows]
