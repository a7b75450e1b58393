"""The consensus sheet (mean, spread, flag) and the consensus score per criterion."""

from decimal import Decimal

import pytest

from cosviluppo.lib.exceptions import DomainError
from evaluation.models import EvaluationEvent
from evaluation.selectors import consensus_blockers, consensus_sheet
from evaluation.services import consensus_record
from evaluation.tests.factories import review, with_status
from projects.models import ConsensusScore, Proposal, Review


@pytest.fixture
def evaluated(proposal):
    """Under evaluation, two reviews submitted: A 12 and 18 (spread 6), B 10 and 10."""
    with_status(proposal, Proposal.Status.UNDER_EVALUATION)
    review(proposal, status=Review.Status.SUBMITTED, scores={"A": 12, "B": 10})
    review(proposal, status=Review.Status.SUBMITTED, scores={"A": 18, "B": "10.5"})
    return proposal


def _line(sheet, code):
    return next(line for line in sheet if line.criterion.code == code)


def _input(proposal, **values):
    criteria = {criterion.code: criterion.pk for criterion in proposal.call.criteria.all()}
    return {criteria[code]: value for code, value in values.items()}


def test_the_sheet_shows_mean_and_spread(evaluated):
    sheet = consensus_sheet(evaluated)

    a, b = _line(sheet, "A"), _line(sheet, "B")
    assert (a.mean, a.spread) == (Decimal("15.00"), Decimal("6.00"))
    assert (b.mean, b.spread) == (Decimal("10.25"), Decimal("0.50"))
    assert a.alert_gap == Decimal("6.00")  # 30% of 20
    assert len(a.scores) == 2


def test_a_spread_above_the_gap_is_flagged(proposal):
    with_status(proposal, Proposal.Status.UNDER_EVALUATION)
    review(proposal, status=Review.Status.SUBMITTED, scores={"A": 12, "B": 5})
    review(proposal, status=Review.Status.SUBMITTED, scores={"A": "18.01", "B": "11"})

    sheet = consensus_sheet(proposal)

    assert _line(sheet, "A").flagged is True  # 6.01 > 6
    assert _line(sheet, "B").flagged is False  # exactly 6 is not above the gap


def test_the_alert_gap_follows_the_setting(evaluated, settings):
    settings.EVALUATION_SPREAD_ALERT = 10

    a = _line(consensus_sheet(evaluated), "A")

    assert a.alert_gap == Decimal("2.00") and a.flagged is True


def test_drafts_do_not_count_in_the_sheet(evaluated):
    review(evaluated, status=Review.Status.NO_CONFLICT, scores={"A": 0, "B": 0})

    assert _line(consensus_sheet(evaluated), "A").mean == Decimal("15.00")


def test_consensus_waits_for_every_review(evaluated, officer):
    review(evaluated, status=Review.Status.NO_CONFLICT)

    assert consensus_blockers(evaluated)
    with pytest.raises(DomainError, match="not submitted yet"):
        consensus_record(proposal=evaluated, scores=_input(evaluated, A=("15", "Media"), B=("10", "Media")), by=officer)


def test_consensus_needs_two_submitted_reviews(proposal, officer):
    with_status(proposal, Proposal.Status.UNDER_EVALUATION)
    review(proposal, status=Review.Status.SUBMITTED, scores={"A": 12, "B": 10})
    review(proposal, status=Review.Status.CONFLICT)

    with pytest.raises(DomainError, match="At least 2 submitted reviews"):
        consensus_record(proposal=proposal, scores=_input(proposal, A=("15", "Media"), B=("10", "Media")), by=officer)


def test_consensus_is_recorded_with_audit_rows(evaluated, officer):
    recorded = consensus_record(
        proposal=evaluated,
        scores=_input(evaluated, A=("16", "Discussa la sostenibilità.", "Buona leadership."), B=("10.25", "Media.")),
        by=officer,
    )

    assert len(recorded) == 2
    a = ConsensusScore.objects.get(proposal=evaluated, criterion__code="A")
    assert (a.score, a.comment_for_applicant, a.decided_by) == (Decimal("16.00"), "Buona leadership.", officer)
    events = EvaluationEvent.objects.filter(kind=EvaluationEvent.Kind.CONSENSUS_RECORDED).order_by("pk")
    assert [(e.from_status, e.to_status) for e in events] == [("", "16"), ("", "10.25")]
    assert events[0].details == {"criterion": "A", "mean": "15.00", "spread": "6.00", "flagged": False}


def test_recording_again_replaces_and_audits_the_old_score(evaluated, officer):
    consensus_record(proposal=evaluated, scores=_input(evaluated, A=("16", "x"), B=("10", "x")), by=officer)

    consensus_record(proposal=evaluated, scores=_input(evaluated, A=("17", "rivista"), B=("10", "x")), by=officer)

    assert ConsensusScore.objects.get(proposal=evaluated, criterion__code="A").score == Decimal("17.00")
    last = EvaluationEvent.objects.filter(kind=EvaluationEvent.Kind.CONSENSUS_RECORDED).order_by("-pk")[1]
    assert (last.from_status, last.to_status) == ("16.00", "17")


@pytest.mark.parametrize(
    ("a", "match"),
    [
        (("21", "troppo"), "between 0 and 20"),
        (("-1", "poco"), "between 0 and 20"),
        (("15", "  "), "Justify"),
    ],
)
def test_consensus_refuses_bad_scores(evaluated, officer, a, match):
    with pytest.raises(DomainError, match=match):
        consensus_record(proposal=evaluated, scores=_input(evaluated, A=a, B=("10", "ok")), by=officer)
    assert not ConsensusScore.objects.exists()


def test_consensus_needs_every_criterion(evaluated, officer):
    with pytest.raises(DomainError, match="criterion B"):
        consensus_record(proposal=evaluated, scores=_input(evaluated, A=("15", "ok")), by=officer)
