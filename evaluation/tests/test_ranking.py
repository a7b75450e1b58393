"""The ranking: weighted totals, thresholds (criterion and overall), ties (both levels), storage."""

from datetime import timedelta
from decimal import Decimal

from evaluation.models import EvaluationEvent
from evaluation.selectors import call_ranking
from evaluation.services import call_rank
from evaluation.tests.factories import closed_call, consensus, submitted_proposal, with_status
from projects.models import Proposal, ProposalStatusChange


def _evaluated(call, scores, **fields):
    proposal = with_status(submitted_proposal(call=call, complete=False, **fields), Proposal.Status.UNDER_EVALUATION)
    consensus(proposal, scores)
    return proposal


def test_the_total_is_the_weighted_sum_out_of_100(db):
    call = closed_call(grid=(("A", 20, 50, None), ("B", 10, 30, None), ("C", 5, 20, None)))
    proposal = _evaluated(call, {"A": 15, "B": 7, "C": 4})

    [line] = call_ranking(call)

    # 15/20×50 + 7/10×30 + 4/5×20 = 37.5 + 21 + 16
    assert line.total_score == Decimal("74.50")
    assert line.criterion_scores == {
        criterion.pk: score
        for criterion, score in zip(
            call.criteria.order_by("order"), [Decimal("15"), Decimal("7"), Decimal("4")], strict=True
        )
    }
    assert line.fundable and line.reasons_not_fundable == [] and line.position == 1
    assert line.proposal == proposal


def test_the_total_is_rounded_to_the_cent_half_up(db):
    call = closed_call(grid=(("A", 3, 100, None),), overall_threshold=Decimal("0"))
    _evaluated(call, {"A": 1})

    assert call_ranking(call)[0].total_score == Decimal("33.33")
    call2 = closed_call(grid=(("A", 8, 100, None),), overall_threshold=Decimal("0"))
    _evaluated(call2, {"A": "0.01"})  # 0.125 → 0.13
    assert call_ranking(call2)[0].total_score == Decimal("0.13")


def test_weights_decide_the_order(db):
    call = closed_call(grid=(("A", 20, 80, None), ("B", 20, 20, None)), overall_threshold=Decimal("0"))
    strong_on_a = _evaluated(call, {"A": 18, "B": 2})  # 72 + 2 = 74
    strong_on_b = _evaluated(call, {"A": 2, "B": 20})  # 8 + 20 = 28

    assert [line.proposal for line in call_ranking(call)] == [strong_on_a, strong_on_b]


def test_below_a_criterion_minimum_is_not_fundable_and_comes_after_the_fundable(db):
    call = closed_call(grid=(("A", 20, 50, None), ("C", 20, 50, "10")))
    high_but_weak_c = _evaluated(call, {"A": 20, "C": "9.99"})  # 50 + 24.98 = 74.98
    lower = _evaluated(call, {"A": 14, "C": 11})  # 35 + 27.5 = 62.5

    ranking = call_ranking(call)

    assert [line.proposal for line in ranking] == [lower, high_but_weak_c]
    assert ranking[1].fundable is False
    assert ranking[1].reasons_not_fundable == ["Criterion C scored 9.99, below its minimum of 10.00."]
    assert ranking[0].fundable is True


def test_exactly_the_minimum_and_exactly_the_threshold_are_fundable(db):
    call = closed_call(grid=(("A", 20, 50, "10"), ("B", 20, 50, None)), overall_threshold=Decimal("60"))
    _evaluated(call, {"A": 10, "B": 14})  # 25 + 35 = 60

    [line] = call_ranking(call)

    assert line.total_score == Decimal("60.00") and line.fundable


def test_below_the_overall_threshold_is_not_fundable(db):
    call = closed_call(overall_threshold=Decimal("60"))
    _evaluated(call, {"A": 12, "B": "11.99"})  # 36 + 23.98 = 59.98

    [line] = call_ranking(call)

    assert not line.fundable
    assert line.reasons_not_fundable == ["The total score 59.98 is below the call's threshold of 60.00."]


def test_ties_go_to_the_higher_score_on_the_first_criterion(db):
    call = closed_call(grid=(("A", 20, 50, None), ("B", 20, 50, None)), overall_threshold=Decimal("0"))
    # Same total (75); the second has more on A. Submitted earlier does not matter here.
    first_submitted = _evaluated(call, {"A": 14, "B": 16})
    more_on_a = _evaluated(call, {"A": 16, "B": 14})

    ranking = call_ranking(call)

    assert [line.total_score for line in ranking] == [Decimal("75.00"), Decimal("75.00")]
    assert [line.proposal for line in ranking] == [more_on_a, first_submitted]


def test_then_ties_go_to_the_earlier_submission(db):
    call = closed_call(overall_threshold=Decimal("0"))
    later = _evaluated(call, {"A": 15, "B": 15}, submitted_at=call.closes_at - timedelta(hours=1))
    earlier = _evaluated(call, {"A": 15, "B": 15}, submitted_at=call.closes_at - timedelta(hours=2))

    assert [line.proposal for line in call_ranking(call)] == [earlier, later]


def test_then_ties_go_to_the_lower_protocol_sequence(db):
    call = closed_call(overall_threshold=Decimal("0"))
    moment = call.closes_at - timedelta(hours=1)
    first = _evaluated(call, {"A": 15, "B": 15}, submitted_at=moment)
    second = _evaluated(call, {"A": 15, "B": 15}, submitted_at=moment)

    assert first.protocol_sequence < second.protocol_sequence
    assert [line.proposal for line in call_ranking(call)] == [first, second]


def test_proposals_without_complete_consensus_are_left_out(call):
    complete = _evaluated(call, {"A": 15, "B": 15})
    _evaluated(call, {"A": 15})
    inadmissible = with_status(submitted_proposal(call=call, complete=False), Proposal.Status.INADMISSIBLE)
    consensus(inadmissible, {"A": 20, "B": 20})

    assert [line.proposal for line in call_ranking(call)] == [complete]


def test_call_rank_stores_totals_ranks_moves_to_ranked_and_audits(call, officer):
    top = _evaluated(call, {"A": 18, "B": 18})
    weak = _evaluated(call, {"A": 5, "B": 5})
    already_ranked = _evaluated(call, {"A": 10, "B": 16})
    with_status(already_ranked, Proposal.Status.RANKED)

    ranking = call_rank(call=call, by=officer)

    assert [(line.proposal.pk, line.position) for line in ranking] == [
        (top.pk, 1),
        (already_ranked.pk, 2),
        (weak.pk, 3),
    ]
    for proposal, rank, total in ((top, 1, "90.00"), (already_ranked, 2, "62.00"), (weak, 3, "25.00")):
        proposal.refresh_from_db()
        assert (proposal.rank, proposal.total_score, proposal.status) == (rank, Decimal(total), "ranked")
    assert ProposalStatusChange.objects.filter(to_status="ranked").count() == 2
    events = EvaluationEvent.objects.filter(kind=EvaluationEvent.Kind.RANK_COMPUTED)
    assert events.count() == 3
    assert events.get(proposal=weak).details["fundable"] is False
    assert call_ranking(call) == ranking


def test_call_rank_twice_changes_nothing(call, officer):
    _evaluated(call, {"A": 18, "B": 18})
    call_rank(call=call, by=officer)

    call_rank(call=call, by=officer)

    assert EvaluationEvent.objects.filter(kind=EvaluationEvent.Kind.RANK_COMPUTED).count() == 1
    assert ProposalStatusChange.objects.filter(to_status="ranked").count() == 1


def test_a_call_without_criteria_ranks_nothing(db, officer):
    call = closed_call(grid=())
    with_status(submitted_proposal(call=call, complete=False), Proposal.Status.UNDER_EVALUATION)

    assert call_rank(call=call, by=officer) == []
