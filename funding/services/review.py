"""Requests for review ("riesame") and re-opening a decision."""

from __future__ import annotations

from datetime import datetime, time, timedelta

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from associations.models import Membership
from calls.models import Call
from cosviluppo.lib.emails import absolute_url, send_templated_email
from cosviluppo.lib.exceptions import DomainError
from cosviluppo.templatetags.formatting import rome_numeric
from projects.models import Proposal
from projects.services import proposal_transition

from ..models import ReviewRequest
from ._common import (
    ROME,
    Action,
    Status,
    members_of,
    officers,
    record_decision,
)

# --- Requests for review ------------------------------------------------------------------------


def review_window_closes_at(call: Call) -> datetime | None:
    """The last moment a request for review can be filed; None before publication.

    The window is counted in calendar days, Italian time, as legal terms are: the day of
    publication does not count and the last day counts in full (it closes at 23:59:59.999999
    of publication date + Call.review_request_days), whatever daylight saving does meanwhile.
    """
    if call.results_published_at is None or not call.results_are_published():
        return None
    last_day = timezone.localdate(call.results_published_at, ROME) + timedelta(days=call.review_request_days)
    return datetime.combine(last_day, time.max, tzinfo=ROME)


def review_window_is_open(call: Call, now: datetime | None = None) -> bool:
    closes = review_window_closes_at(call)
    return closes is not None and (now or timezone.now()) <= closes


def review_request_file(*, proposal: Proposal, text: str, by: User, now: datetime | None = None) -> ReviewRequest:
    """The lead association's legal representative asks for a review of the published outcome.

    Refused before publication and after the window (publication + Call.review_request_days,
    the last second included), for a withdrawn proposal, and while another request is open.
    The officers are told by e-mail.
    """
    now = now or timezone.now()
    if not text.strip():
        raise DomainError(_("Explain why you ask for a review."))
    with transaction.atomic():
        current = Proposal.objects.select_for_update().select_related("call", "lead").get(pk=proposal.pk)
        call = current.call
        if not review_window_is_open(call, now):
            raise DomainError(_("Requests for review of this call are not accepted now."))
        if current.status in (Status.DRAFT, Status.WITHDRAWN):
            raise DomainError(_("This proposal has no outcome to review."))
        if not Membership.objects.filter(
            user=by, organisation_id=current.lead_id, role=Membership.Role.LEGAL_REPRESENTATIVE
        ).exists():
            raise DomainError(_("Only the legal representative of the lead association can ask for a review."))
        if ReviewRequest.objects.filter(proposal=current, status=ReviewRequest.Status.OPEN).exists():
            raise DomainError(_("A request for review of this proposal is already waiting for an answer."))
        review_request = ReviewRequest.objects.create(proposal=current, text=text.strip(), filed_by=by, filed_at=now)
        record_decision(
            call=call,
            proposal=current,
            action=Action.REVIEW_REQUESTED,
            to_value=ReviewRequest.Status.OPEN,
            details={"review_request": review_request.pk},
            reason=review_request.text,
            by=by,
            now=now,
        )
        path = absolute_url(reverse("funding:review-answer", kwargs={"pk": review_request.pk}))
        for officer in officers():
            send_templated_email(
                template="funding/emails/review_requested",
                context={"proposal": current, "review_request": review_request, "path": path},
                to=[officer.email],
                language=officer.preferred_language,
            )
    return review_request


def review_request_answer(
    *, review_request: ReviewRequest, accepted: bool, answer: str, by: User, now: datetime | None = None
) -> ReviewRequest:
    """Staff accept or reject a request for review, with the answer the applicant reads (e-mailed).

    Accepting does not change the outcome by itself: the officer then re-opens the decision
    (`funding_decision_reopen`), which goes through the normal services with this request as reason.
    """
    now = now or timezone.now()
    if not answer.strip():
        raise DomainError(_("Write the answer to the request."))
    with transaction.atomic():
        locked = ReviewRequest.objects.select_for_update().get(pk=review_request.pk)
        if locked.status != ReviewRequest.Status.OPEN:
            raise DomainError(_("This request has already been answered."))
        locked.status = ReviewRequest.Status.ACCEPTED if accepted else ReviewRequest.Status.REJECTED
        locked.answer = answer.strip()
        locked.answered_by = by
        locked.answered_at = now
        locked.save(update_fields=["status", "answer", "answered_by", "answered_at"])
        proposal = Proposal.objects.select_related("call", "lead").get(pk=locked.proposal_id)
        record_decision(
            call=proposal.call,
            proposal=proposal,
            action=Action.REVIEW_ANSWERED,
            from_value=ReviewRequest.Status.OPEN,
            to_value=locked.status,
            details={"review_request": locked.pk},
            reason=locked.answer,
            by=by,
            now=now,
        )
        path = absolute_url(reverse("funding:outcome", kwargs={"pk": proposal.pk}))
        for member in members_of(proposal.lead_id):
            send_templated_email(
                template="funding/emails/review_answered",
                context={"proposal": proposal, "review_request": locked, "path": path},
                to=[member.email],
                language=member.preferred_language,
            )
    return locked


# Where an accepted request sends a proposal back to, through the lifecycle's own moves.
REOPEN_TO: dict[str, str] = {Status.NOT_FUNDED: Status.RANKED, Status.INADMISSIBLE: Status.ADMISSIBLE}


def funding_decision_reopen(*, review_request: ReviewRequest, by: User, now: datetime | None = None) -> Proposal:
    """Re-open the decision on a proposal after its request for review was accepted: not funded →
    ranked (to be re-scored, re-ranked and decided again), inadmissible → admissible (to be
    evaluated). The reason of the move names the request; each request re-opens once."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = ReviewRequest.objects.select_for_update().get(pk=review_request.pk)
        if locked.status != ReviewRequest.Status.ACCEPTED:
            raise DomainError(_("Only an accepted request for review re-opens a decision."))
        if locked.decision_reopened_at is not None:
            raise DomainError(_("This request has already re-opened the decision."))
        proposal = Proposal.objects.select_related("call").get(pk=locked.proposal_id)
        target = REOPEN_TO.get(proposal.status)
        if target is None:
            raise DomainError(
                _("A %(status)s proposal is not re-opened: change its award or its place in the ranking instead.")
                % {"status": proposal.get_status_display()}
            )
        reason = _("Request for review #%(number)s of %(date)s accepted: %(answer)s") % {
            "number": locked.pk,
            "date": rome_numeric(locked.filed_at, with_time=False),
            "answer": locked.answer,
        }
        from_status = proposal.status
        proposal_transition(proposal=proposal, to=target, by=by, reason=reason, now=now)
        locked.decision_reopened_at = now
        locked.save(update_fields=["decision_reopened_at"])
        record_decision(
            call=proposal.call,
            proposal=proposal,
            action=Action.REOPENED,
            from_value=from_status,
            to_value=target,
            details={"review_request": locked.pk},
            reason=reason,
            by=by,
            now=now,
        )
    return proposal
