"""Reviews: assigning evaluators, their declaration of interest, and their scores.

Reviews are blind: an evaluator sees only the proposals assigned to them, and another
evaluator's scores only after submitting their own (see evaluation.selectors).
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from calls.models import Call
from cosviluppo.lib.emails import absolute_url, send_templated_email
from cosviluppo.lib.exceptions import DomainError
from projects.models import Proposal, Review, ReviewScore
from projects.services import proposal_transition

from ..models import EvaluationEvent
from ..selectors import (
    EVALUATION_STATUSES,
    MIN_REVIEWERS,
    call_criteria,
    evaluator_has_organisation_conflict,
    evaluator_loads,
    involved_organisation_ids,
)
from ._common import ScoreRefused, notify_officers, parse_score, record_event

# What an evaluator types for one criterion: the score and the comment that justifies it.
ScoreInput = tuple[Decimal | str | None, str]


@dataclass
class AssignmentResult:
    """What a bulk assignment did: the reviews created and the proposals still short of evaluators."""

    created: list[Review] = field(default_factory=list)
    short: list[tuple[Proposal, int]] = field(default_factory=list)


def _active_reviews(proposal: Proposal) -> int:
    return Review.objects.filter(proposal=proposal).exclude(status=Review.Status.CONFLICT).count()


def _start_evaluation_if_staffed(proposal: Proposal, *, by: User, now: datetime) -> None:
    # An admissible proposal goes under evaluation once it has its evaluators.
    if proposal.status == Proposal.Status.ADMISSIBLE and _active_reviews(proposal) >= MIN_REVIEWERS:
        proposal_transition(
            proposal=proposal,
            to=Proposal.Status.UNDER_EVALUATION,
            by=by,
            now=now,
            reason=_("%(count)s evaluators assigned.") % {"count": _active_reviews(proposal)},
        )


def _check_assignable(proposal: Proposal, evaluator: User) -> None:
    if proposal.status not in EVALUATION_STATUSES:
        raise DomainError(
            _("The proposal is %(status)s: evaluators are assigned to admissible proposals.")
            % {"status": proposal.get_status_display()}
        )
    if not (evaluator.is_active and evaluator.municipal_role == User.MunicipalRole.EVALUATOR):
        raise DomainError(_("%(name)s is not an evaluator.") % {"name": evaluator})
    if evaluator_has_organisation_conflict(evaluator, proposal):
        raise DomainError(
            _("%(name)s acts for an organisation involved in the proposal and cannot evaluate it.")
            % {"name": evaluator}
        )
    existing = Review.objects.filter(proposal=proposal, evaluator=evaluator).first()
    if existing is not None and existing.status == Review.Status.CONFLICT:
        raise DomainError(_("%(name)s declared a conflict of interest on this proposal.") % {"name": evaluator})
    if existing is not None:
        raise DomainError(_("%(name)s is already assigned to this proposal.") % {"name": evaluator})


def _notify_evaluator(evaluator: User, proposals: list[Proposal]) -> None:
    send_templated_email(
        template="evaluation/emails/reviews_assigned",
        context={
            "recipient": evaluator,
            "proposals": proposals,
            "link": absolute_url(reverse("dashboard")),
        },
        to=[evaluator.email],
        language=evaluator.preferred_language,
    )


def _create_review(proposal: Proposal, evaluator: User, *, by: User, now: datetime) -> Review:
    review = Review.objects.create(proposal=proposal, evaluator=evaluator)
    record_event(
        proposal=proposal,
        kind=EvaluationEvent.Kind.REVIEW_ASSIGNED,
        by=by,
        now=now,
        to_status=Review.Status.ASSIGNED,
        reason=str(evaluator),
        details={"review": review.pk, "evaluator": evaluator.pk},
    )
    return review


def review_assign(
    *, proposal: Proposal, evaluator: User, by: User, now: datetime | None = None, notify: bool = True
) -> Review:
    """Assign one evaluator to an admissible proposal (or one under evaluation, to replace a
    conflict). Refused for non-evaluators, evaluators acting for the lead or a partner, and
    evaluators already on it. The second evaluator moves the proposal under evaluation. The
    evaluator is told by e-mail unless `notify` is False."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        _check_assignable(locked, evaluator)
        review = _create_review(locked, evaluator, by=by, now=now)
        _start_evaluation_if_staffed(locked, by=by, now=now)
        if notify:
            _notify_evaluator(evaluator, [locked])
    proposal.status = locked.status
    return review


def reviews_assign_balanced(
    *, call: Call, evaluators: Iterable, per_proposal: int = MIN_REVIEWERS, by: User, now: datetime | None = None
) -> AssignmentResult:
    """Give every admissible proposal of the call (and every one under evaluation that lost an
    evaluator to a conflict) `per_proposal` evaluators, choosing the least loaded first.

    Load is the number of reviews (conflicts excluded) an evaluator has in this call, counting
    those assigned by this run; ties go to the lower user id, so the result is deterministic.
    Evaluators acting for an organisation involved in a proposal, or already on it, are
    skipped; proposals that cannot get enough evaluators are listed in `short`.
    """
    now = now or timezone.now()
    if per_proposal < MIN_REVIEWERS:
        raise DomainError(_("Each proposal needs at least %(min)s evaluators.") % {"min": MIN_REVIEWERS})
    pool = sorted(
        {
            user.pk: user
            for user in evaluators
            if user.is_active and user.municipal_role == User.MunicipalRole.EVALUATOR
        }.values(),
        key=lambda user: user.pk,
    )
    if not pool:
        raise DomainError(_("Choose at least one evaluator."))
    result = AssignmentResult()
    assigned_to: dict[int, list[Proposal]] = {}
    with transaction.atomic():
        proposals = list(
            Proposal.objects.select_for_update()
            .filter(call=call, status__in=EVALUATION_STATUSES)
            .order_by("protocol_sequence", "pk")
        )
        loads = evaluator_loads(call, [user.pk for user in pool])
        memberships: dict[int, set[int]] = {}
        from associations.models import Membership

        for user_id, organisation_id in Membership.objects.filter(user__in=pool).values_list(
            "user_id", "organisation_id"
        ):
            memberships.setdefault(user_id, set()).add(organisation_id)
        for proposal in proposals:
            on_it = dict(Review.objects.filter(proposal=proposal).values_list("evaluator_id", "status"))
            active = sum(1 for status in on_it.values() if status != Review.Status.CONFLICT)
            needed = per_proposal - active
            if needed <= 0:
                continue
            involved = set(involved_organisation_ids(proposal))
            candidates = [
                user for user in pool if user.pk not in on_it and not (memberships.get(user.pk, set()) & involved)
            ]
            candidates.sort(key=lambda user: (loads[user.pk], user.pk))
            for user in candidates[:needed]:
                result.created.append(_create_review(proposal, user, by=by, now=now))
                loads[user.pk] += 1
                assigned_to.setdefault(user.pk, []).append(proposal)
            if len(candidates) < needed:
                result.short.append((proposal, needed - len(candidates)))
            _start_evaluation_if_staffed(proposal, by=by, now=now)
        for user in pool:
            if user.pk in assigned_to:
                _notify_evaluator(user, assigned_to[user.pk])
    return result


def review_declare(
    *, review: Review, conflict: bool, by: User, reason: str = "", now: datetime | None = None
) -> Review:
    """The evaluator declares whether they have a conflict of interest, before seeing the proposal.

    "No conflict" opens the proposal to them. A conflict unassigns them: the review stays, with
    status conflict, for the record, and the officers are told (e-mail and dashboard) so they
    can assign someone else. Once declared, the declaration cannot be changed.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    if conflict and not reason:
        raise DomainError(_("Say briefly what the conflict of interest is."))
    with transaction.atomic():
        locked = Review.objects.select_for_update().select_related("proposal", "evaluator").get(pk=review.pk)
        if locked.evaluator_id != getattr(by, "pk", None):
            raise DomainError(_("Only the assigned evaluator can make this declaration."))
        if locked.status != Review.Status.ASSIGNED:
            raise DomainError(_("The declaration for this proposal has already been made."))
        locked.status = Review.Status.CONFLICT if conflict else Review.Status.NO_CONFLICT
        locked.conflict_declared_at = now
        locked.save(update_fields=["status", "conflict_declared_at"])
        record_event(
            proposal=locked.proposal,
            kind=EvaluationEvent.Kind.REVIEW_CONFLICT if conflict else EvaluationEvent.Kind.REVIEW_NO_CONFLICT,
            by=by,
            now=now,
            from_status=Review.Status.ASSIGNED,
            to_status=locked.status,
            reason=reason,
            details={"review": locked.pk, "evaluator": locked.evaluator_id},
        )
        if conflict:
            notify_officers(
                template="evaluation/emails/conflict_declared",
                context={
                    "review": locked,
                    "proposal": locked.proposal,
                    "reason": reason,
                    "link": absolute_url(reverse("evaluation:proposal", kwargs={"pk": locked.proposal_id})),
                },
            )
    review.status = locked.status
    review.conflict_declared_at = locked.conflict_declared_at
    return locked


def _parse_scores(review: Review, scores: Mapping[int, ScoreInput], *, final: bool) -> dict[int, tuple[Decimal, str]]:
    """Validate the evaluator's scores: known criteria, 0 ≤ score ≤ maximum, a comment for each.

    A final submission needs every criterion scored and commented; a draft keeps what is there.
    """
    criteria = {criterion.pk: criterion for criterion in call_criteria(review.proposal.call)}
    unknown = set(scores) - set(criteria)
    if unknown:
        raise DomainError(_("A score names a criterion that is not in this call's grid."))
    parsed: dict[int, tuple[Decimal, str]] = {}
    problems = []
    for pk, criterion in criteria.items():
        raw, comment = scores.get(pk, (None, ""))
        comment = (comment or "").strip()
        if raw is None or raw == "":
            if final:
                problems.append(_("Score criterion %(code)s.") % {"code": criterion.code})
            continue
        try:
            value = parse_score(raw, criterion)
        except ScoreRefused as refused:
            problems.append(str(refused))
            continue
        if final and not comment:
            problems.append(_("Explain the score of criterion %(code)s in a comment.") % {"code": criterion.code})
            continue
        parsed[pk] = (value, comment)
    if problems:
        raise DomainError(" ".join(problems))
    return parsed


def _save_scores(review: Review, parsed: dict[int, tuple[Decimal, str]]) -> None:
    existing = {row.criterion_id: row for row in ReviewScore.objects.filter(review=review)}
    for pk, (value, comment) in parsed.items():
        row = existing.get(pk)
        if row is None:
            ReviewScore.objects.create(review=review, criterion_id=pk, score=value, comment=comment)
        elif row.score != value or row.comment != comment:
            row.score, row.comment = value, comment
            row.save(update_fields=["score", "comment"])


def _locked_for_scoring(review: Review, by: User) -> Review:
    locked = Review.objects.select_for_update().select_related("proposal__call").get(pk=review.pk)
    if locked.evaluator_id != getattr(by, "pk", None):
        raise DomainError(_("Only the assigned evaluator can score this proposal."))
    if locked.status == Review.Status.ASSIGNED:
        raise DomainError(_("Declare first that you have no conflict of interest."))
    if locked.status != Review.Status.NO_CONFLICT:
        raise DomainError(
            _("This review is %(status)s: it cannot be changed.") % {"status": locked.get_status_display()}
        )
    if locked.proposal.status not in EVALUATION_STATUSES:
        raise DomainError(
            _("The proposal is %(status)s: it is no longer being evaluated.")
            % {"status": locked.proposal.get_status_display()}
        )
    return locked


def review_save_draft(*, review: Review, scores: Mapping[int, ScoreInput], by: User) -> Review:
    """Keep the scores typed so far (each still within 0..maximum); nothing is visible to anyone else."""
    with transaction.atomic():
        locked = _locked_for_scoring(review, by)
        _save_scores(locked, _parse_scores(locked, scores, final=False))
    return locked


def review_submit(*, review: Review, scores: Mapping[int, ScoreInput], by: User, now: datetime | None = None) -> Review:
    """Submit the review: every criterion of the call scored from 0 to its maximum, each with a
    comment. Final: the review can no longer change, and its evaluator may now see the other
    submitted reviews of the proposal."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_for_scoring(review, by)
        parsed = _parse_scores(locked, scores, final=True)
        _save_scores(locked, parsed)
        locked.status = Review.Status.SUBMITTED
        locked.submitted_at = now
        locked.save(update_fields=["status", "submitted_at"])
        record_event(
            proposal=locked.proposal,
            kind=EvaluationEvent.Kind.REVIEW_SUBMITTED,
            by=by,
            now=now,
            from_status=Review.Status.NO_CONFLICT,
            to_status=Review.Status.SUBMITTED,
            details={
                "review": locked.pk,
                "evaluator": locked.evaluator_id,
                "scores": {str(pk): str(value) for pk, (value, _comment) in parsed.items()},
            },
        )
    review.status = locked.status
    review.submitted_at = locked.submitted_at
    return locked
