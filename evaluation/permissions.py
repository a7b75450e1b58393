"""Who may do what in the evaluation. Pure predicates; views pass their answers to templates.

- Programme officers (and administrators) run the evaluation: admissibility, requests for
  clarification, assignments, consensus, ranking; they see every review once submitted.
- Evaluators see only the proposals assigned to them, and only after declaring they have no
  conflict of interest; they never take part in the message thread with the applicants.
- The lead association's members read requests for clarification and the message thread;
  its editors and legal representatives answer the requests. Applicants never see reviews.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.utils import timezone

from cosviluppo.lib.permissions import is_staff_officer
from projects.models import Proposal, Review
from projects.permissions import is_lead_editor, is_lead_member

from .models import ClarificationRequest


def can_manage_evaluation(user: Any, obj: object = None) -> bool:
    """Programme officers and administrators."""
    return is_staff_officer(user)


def can_declare_interest(user: Any, review: Review) -> bool:
    """The review's evaluator, before anything else: nothing of the proposal is shown until then."""
    return review.evaluator_id == user.pk and review.status == Review.Status.ASSIGNED


def can_read_assigned_proposal(user: Any, review: Review) -> bool:
    """The evaluator who declared no conflict of interest (and kept on reading after submitting)."""
    return review.evaluator_id == user.pk and review.status in (Review.Status.NO_CONFLICT, Review.Status.SUBMITTED)


def can_score_review(user: Any, review: Review) -> bool:
    """Scores are written by the review's evaluator, after declaring no conflict, until submitted,
    while the proposal is being evaluated."""
    return (
        review.evaluator_id == user.pk
        and review.status == Review.Status.NO_CONFLICT
        and review.proposal.is_being_evaluated
    )


def can_view_clarification(user: Any, request: ClarificationRequest) -> bool:
    """Staff and the lead's members (evaluators and partners have no part in it)."""
    return is_staff_officer(user) or is_lead_member(user, request.proposal)


def can_answer_clarification(user: Any, request: ClarificationRequest, now: datetime | None = None) -> bool:
    """The lead's editors and legal representatives, while the request is open and before its deadline."""
    now = now or timezone.now()
    return request.is_open_at(now) and is_lead_editor(user, request.proposal)


def can_view_messages(user: Any, proposal: Proposal) -> bool:
    """The thread is between the programme office and the lead's members; evaluators stay out of it."""
    if proposal.status == Proposal.Status.DRAFT:
        return False
    return is_staff_officer(user) or is_lead_member(user, proposal)


def can_post_message(user: Any, proposal: Proposal) -> bool:
    return can_view_messages(user, proposal)


@dataclass(frozen=True)
class EvaluationActions:
    """What the staff pages of a proposal (evaluation:proposal, evaluation:admissibility) may offer."""

    can_decide_admissibility: bool  # submitted, not decided yet
    can_request_clarification: bool  # submitted: the sections reopen until the deadline
    can_assign_evaluator: bool  # admissible or under evaluation


def evaluation_actions(user: Any, proposal: Proposal, now: datetime | None = None) -> EvaluationActions:
    staff = can_manage_evaluation(user)
    submitted = proposal.status == Proposal.Status.SUBMITTED
    return EvaluationActions(
        can_decide_admissibility=staff and submitted,
        can_request_clarification=staff and submitted,
        can_assign_evaluator=staff and proposal.is_being_evaluated,
    )
