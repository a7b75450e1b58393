"""Reviews: assignment (at least two, balanced, no evaluator from an involved organisation), the
declaration of interest, and the scores (0 to the maximum, a comment each)."""

from decimal import Decimal

import pytest
from django.core import mail

from accounts.models import User
from accounts.tests.factories import UserFactory
from associations.tests.factories import MembershipFactory
from cosviluppo.lib.exceptions import DomainError
from evaluation.models import EvaluationEvent
from evaluation.selectors import other_reviews_visible_to
from evaluation.services import review_assign, review_declare, review_save_draft, review_submit, reviews_assign_balanced
from evaluation.tests.factories import EvaluatorFactory, partner_member, review, submitted_proposal, with_status
from projects.models import Proposal, ProposalStatusChange, Review, ReviewScore


@pytest.fixture
def admissible(proposal):
    return with_status(proposal, Proposal.Status.ADMISSIBLE)


def _scores(proposal, **values):
    """{criterion id: (score, comment)} from code=score keyword arguments."""
    criteria = {criterion.code: criterion.pk for criterion in proposal.call.criteria.all()}
    return {criteria[code]: (str(value), f"Commento su {code}.") for code, value in values.items()}


# --- Assignment -------------------------------------------------------------------------------------


def test_the_second_evaluator_moves_the_proposal_under_evaluation(
    admissible, officer, django_capture_on_commit_callbacks
):
    first, second = EvaluatorFactory(), EvaluatorFactory()

    with django_capture_on_commit_callbacks(execute=True):
        review_assign(proposal=admissible, evaluator=first, by=officer)
        admissible.refresh_from_db()
        assert admissible.status == Proposal.Status.ADMISSIBLE
        review_assign(proposal=admissible, evaluator=second, by=officer)

    admissible.refresh_from_db()
    assert admissible.status == Proposal.Status.UNDER_EVALUATION
    change = ProposalStatusChange.objects.get(proposal=admissible, to_status=Proposal.Status.UNDER_EVALUATION)
    assert change.changed_by == officer
    assert EvaluationEvent.objects.filter(kind=EvaluationEvent.Kind.REVIEW_ASSIGNED).count() == 2
    assert sorted(message.to[0] for message in mail.outbox) == sorted([first.email, second.email])


def test_assignment_with_notify_false_tells_no_evaluator(admissible, officer, django_capture_on_commit_callbacks):
    evaluator = EvaluatorFactory()

    with django_capture_on_commit_callbacks(execute=True):
        review = review_assign(proposal=admissible, evaluator=evaluator, by=officer, notify=False)

    assert review.evaluator == evaluator
    assert mail.outbox == []


def test_assign_refuses_a_member_of_the_lead(admissible, officer):
    evaluator = EvaluatorFactory()
    MembershipFactory(user=evaluator, organisation=admissible.lead)

    with pytest.raises(DomainError, match="involved in the proposal"):
        review_assign(proposal=admissible, evaluator=evaluator, by=officer)
    assert not Review.objects.exists()


def test_assign_refuses_a_member_of_a_partner(admissible, officer):
    member = partner_member(admissible)
    User.objects.filter(pk=member.pk).update(municipal_role=User.MunicipalRole.EVALUATOR)
    member.refresh_from_db()

    with pytest.raises(DomainError, match="involved in the proposal"):
        review_assign(proposal=admissible, evaluator=member, by=officer)


def test_assign_refuses_non_evaluators_duplicates_and_wrong_statuses(admissible, proposal, officer, call):
    with pytest.raises(DomainError, match="not an evaluator"):
        review_assign(proposal=admissible, evaluator=UserFactory(), by=officer)
    evaluator = EvaluatorFactory()
    review_assign(proposal=admissible, evaluator=evaluator, by=officer)
    with pytest.raises(DomainError, match="already assigned"):
        review_assign(proposal=admissible, evaluator=evaluator, by=officer)
    submitted = submitted_proposal(call=call)
    with pytest.raises(DomainError, match="admissible proposals"):
        review_assign(proposal=submitted, evaluator=EvaluatorFactory(), by=officer)


def test_balanced_assignment_gives_two_each_least_loaded_first(call, officer):
    proposals = [with_status(submitted_proposal(call=call), Proposal.Status.ADMISSIBLE) for _ in range(3)]
    evaluators = [EvaluatorFactory() for _ in range(3)]

    result = reviews_assign_balanced(call=call, evaluators=evaluators, per_proposal=2, by=officer)

    assert len(result.created) == 6 and result.short == []
    loads = {user.pk: Review.objects.filter(evaluator=user).count() for user in evaluators}
    assert sorted(loads.values()) == [2, 2, 2]
    # Deterministic: lowest id first on ties. First proposal gets evaluators 0 and 1, the second 2 and 0…
    first = Review.objects.filter(proposal=proposals[0]).values_list("evaluator_id", flat=True)
    assert sorted(first) == [evaluators[0].pk, evaluators[1].pk]
    second = Review.objects.filter(proposal=proposals[1]).values_list("evaluator_id", flat=True)
    assert sorted(second) == sorted([evaluators[2].pk, evaluators[0].pk])
    for proposal in proposals:
        proposal.refresh_from_db()
        assert proposal.status == Proposal.Status.UNDER_EVALUATION


def test_balanced_assignment_counts_existing_load_and_skips_involved_evaluators(call, officer):
    busy, free, member = EvaluatorFactory(), EvaluatorFactory(), EvaluatorFactory()
    earlier = with_status(submitted_proposal(call=call), Proposal.Status.UNDER_EVALUATION)
    review(earlier, busy)
    review(earlier, free, status=Review.Status.CONFLICT)  # conflicts are not load
    target = with_status(submitted_proposal(call=call), Proposal.Status.ADMISSIBLE)
    MembershipFactory(user=member, organisation=target.lead)
    helper = EvaluatorFactory()

    result = reviews_assign_balanced(call=call, evaluators=[busy, free, member, helper], by=officer)

    on_target = set(Review.objects.filter(proposal=target).values_list("evaluator_id", flat=True))
    assert on_target == {free.pk, helper.pk}
    # The proposal under evaluation that lost an evaluator to a conflict gets a replacement.
    on_earlier = set(
        Review.objects.filter(proposal=earlier)
        .exclude(status=Review.Status.CONFLICT)
        .values_list("evaluator_id", flat=True)
    )
    assert len(on_earlier) == 2 and busy.pk in on_earlier and free.pk not in on_earlier
    assert result.short == []


def test_balanced_assignment_reports_shortfalls(call, officer):
    target = with_status(submitted_proposal(call=call), Proposal.Status.ADMISSIBLE)

    result = reviews_assign_balanced(call=call, evaluators=[EvaluatorFactory()], by=officer)

    assert result.short == [(target, 1)]
    target.refresh_from_db()
    assert target.status == Proposal.Status.ADMISSIBLE


def test_balanced_assignment_needs_two_per_proposal(call, officer):
    with pytest.raises(DomainError, match="at least 2"):
        reviews_assign_balanced(call=call, evaluators=[EvaluatorFactory()], per_proposal=1, by=officer)


# --- Declaration of interest ----------------------------------------------------------------------


def test_declaring_a_conflict_unassigns_keeps_the_row_and_tells_the_officers(
    admissible, officer, django_capture_on_commit_callbacks
):
    row = review(admissible, status=Review.Status.ASSIGNED)

    with django_capture_on_commit_callbacks(execute=True):
        review_declare(review=row, conflict=True, reason="Sono socio dell'ONG partner.", by=row.evaluator)

    row.refresh_from_db()
    assert row.status == Review.Status.CONFLICT and row.conflict_declared_at is not None
    assert Review.objects.filter(pk=row.pk).exists()
    event = EvaluationEvent.objects.get(kind=EvaluationEvent.Kind.REVIEW_CONFLICT)
    assert event.reason == "Sono socio dell'ONG partner." and event.changed_by == row.evaluator
    assert [message.to for message in mail.outbox] == [[officer.email]]
    assert "Sono socio" in mail.outbox[0].body
    with pytest.raises(DomainError, match="declared a conflict"):
        review_assign(proposal=admissible, evaluator=row.evaluator, by=officer)


def test_a_conflict_needs_a_reason_and_only_the_evaluator_declares(admissible, evaluator2):
    row = review(admissible, status=Review.Status.ASSIGNED)

    with pytest.raises(DomainError, match="what the conflict"):
        review_declare(review=row, conflict=True, reason="", by=row.evaluator)
    with pytest.raises(DomainError, match="Only the assigned evaluator"):
        review_declare(review=row, conflict=False, by=evaluator2)


def test_declaring_no_conflict_opens_scoring_and_cannot_be_changed(admissible):
    row = review(admissible, status=Review.Status.ASSIGNED)

    review_declare(review=row, conflict=False, by=row.evaluator)

    row.refresh_from_db()
    assert row.status == Review.Status.NO_CONFLICT
    with pytest.raises(DomainError, match="already been made"):
        review_declare(review=row, conflict=True, reason="Ci ho ripensato.", by=row.evaluator)


# --- Scores ----------------------------------------------------------------------------------------------


def test_scoring_before_the_declaration_is_refused(admissible):
    row = review(admissible, status=Review.Status.ASSIGNED)

    with pytest.raises(DomainError, match="no conflict of interest"):
        review_submit(review=row, scores=_scores(admissible, A=10, B=10), by=row.evaluator)


def test_submit_stores_scores_and_writes_an_audit_row(admissible):
    row = review(admissible)

    review_submit(review=row, scores=_scores(admissible, A="20", B="0"), by=row.evaluator)

    row.refresh_from_db()
    assert row.status == Review.Status.SUBMITTED and row.submitted_at is not None
    assert sorted(ReviewScore.objects.filter(review=row).values_list("score", flat=True)) == [
        Decimal("0.00"),
        Decimal("20.00"),
    ]
    event = EvaluationEvent.objects.get(kind=EvaluationEvent.Kind.REVIEW_SUBMITTED)
    assert sorted(event.details["scores"].values()) == ["0", "20"]


@pytest.mark.parametrize("bad", ["-0.5", "20.01", "abc", "12.345"])
def test_scores_out_of_range_are_refused(admissible, bad):
    row = review(admissible)

    with pytest.raises(DomainError, match="criterion A"):
        review_submit(review=row, scores=_scores(admissible, A=bad, B=10), by=row.evaluator)
    row.refresh_from_db()
    assert row.status == Review.Status.NO_CONFLICT
    assert not ReviewScore.objects.filter(review=row).exists()


def test_submit_needs_every_criterion_and_every_comment(admissible):
    row = review(admissible)
    scores = _scores(admissible, A=10)

    with pytest.raises(DomainError, match="Score criterion B"):
        review_submit(review=row, scores=scores, by=row.evaluator)
    scores.update(_scores(admissible, B=10))
    criterion_b = admissible.call.criteria.get(code="B").pk
    scores[criterion_b] = (Decimal("10"), "   ")
    with pytest.raises(DomainError, match="Explain the score of criterion B"):
        review_submit(review=row, scores=scores, by=row.evaluator)


def test_a_draft_keeps_partial_scores_and_a_submitted_review_is_final(admissible):
    row = review(admissible)
    criterion_a = admissible.call.criteria.get(code="A").pk

    review_save_draft(review=row, scores={criterion_a: (Decimal("7.5"), "")}, by=row.evaluator)
    assert ReviewScore.objects.get(review=row).score == Decimal("7.50")
    with pytest.raises(DomainError):
        review_save_draft(review=row, scores={criterion_a: (Decimal("21"), "")}, by=row.evaluator)

    review_submit(review=row, scores=_scores(admissible, A=8, B=9), by=row.evaluator)
    with pytest.raises(DomainError, match="cannot be changed"):
        review_save_draft(review=row, scores=_scores(admissible, A=1), by=row.evaluator)


def test_only_the_assigned_evaluator_scores(admissible, evaluator2):
    row = review(admissible)

    with pytest.raises(DomainError, match="Only the assigned evaluator"):
        review_submit(review=row, scores=_scores(admissible, A=1, B=1), by=evaluator2)


def test_reviews_are_blind_until_submitted(admissible):
    first = review(admissible)
    second = review(admissible)
    review_submit(review=first, scores=_scores(admissible, A=15, B=12), by=first.evaluator)

    second.refresh_from_db()
    assert other_reviews_visible_to(second) == []

    review_submit(review=second, scores=_scores(admissible, A=11, B=10), by=second.evaluator)
    second.refresh_from_db()
    assert [other.pk for other in other_reviews_visible_to(second)] == [first.pk]
