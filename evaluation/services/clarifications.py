"""Requests for clarification ("soccorso istruttorio", L. 241/1990 art. 6).

The officer names the sections of the form that need fixing and a deadline; only those
sections of the submitted proposal reopen for its editors (projects asks
evaluation.selectors.open_clarification_sections) until the applicant marks the request
answered or the deadline passes. Past the deadline the proposal is judged as it stands.
"""

from collections.abc import Iterable
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cosviluppo.lib.emails import absolute_url
from cosviluppo.lib.exceptions import DomainError
from cosviluppo.templatetags.formatting import rome_datetime
from projects.models import Proposal
from projects.steps import STEP_KEYS

from ..models import ClarificationRequest, EvaluationEvent
from ..selectors import section_labels
from ..snapshots import proposal_snapshot, snapshot_differences
from ._common import notify_lead_members, notify_officers, record_event


class ClarificationClosed(DomainError):
    """The request was answered already, or its deadline has passed."""


def clarification_request(
    *,
    proposal: Proposal,
    sections: Iterable[str],
    message: str,
    deadline: datetime,
    by: User,
    now: datetime | None = None,
    notify: bool = True,
) -> ClarificationRequest:
    """Ask the applicant to fix formal defects in `sections` (projects.steps keys) by `deadline`.

    Only for a submitted proposal not decided yet, one open request at a time. The named
    sections are snapshotted now, to record later what the applicant changed. The lead's
    members are told by e-mail unless `notify` is False (and see the request on their dashboard).
    """
    now = now or timezone.now()
    chosen = [key for key in STEP_KEYS if key in set(sections)]
    unknown = set(sections) - set(STEP_KEYS)
    if unknown or not chosen:
        raise DomainError(_("Choose the sections of the form the applicant must correct."))
    message = (message or "").strip()
    if not message:
        raise DomainError(_("Write what the applicant must correct."))
    if timezone.is_naive(deadline):
        raise DomainError(_("The deadline needs a time zone."))
    if deadline <= now:
        raise DomainError(_("The deadline must be in the future."))
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if locked.status != Proposal.Status.SUBMITTED:
            raise DomainError(
                _("The proposal is %(status)s: clarifications are requested before the admissibility decision.")
                % {"status": locked.get_status_display()}
            )
        clarification_expire(now=now, proposal=locked)
        if ClarificationRequest.objects.filter(
            proposal=locked, status=ClarificationRequest.Status.OPEN, deadline__gt=now
        ).exists():
            raise DomainError(_("A request for clarification is already open for this proposal."))
        request = ClarificationRequest.objects.create(
            proposal=locked,
            sections=chosen,
            message=message,
            deadline=deadline,
            requested_by=by,
            requested_at=now,
            changes={"before": proposal_snapshot(locked, chosen)},
        )
        record_event(
            proposal=locked,
            kind=EvaluationEvent.Kind.CLARIFICATION_REQUESTED,
            by=by,
            now=now,
            to_status=ClarificationRequest.Status.OPEN,
            reason=message,
            details={"request": request.pk, "sections": chosen, "deadline": deadline.isoformat()},
        )
        if notify:
            notify_lead_members(
                proposal=locked,
                template="evaluation/emails/clarification_requested",
                context={
                    "request": request,
                    "sections": [label for _key, label in section_labels(chosen)],
                    "link": absolute_url(reverse("evaluation:clarification", kwargs={"pk": request.pk})),
                },
            )
    return request


def _close(request: ClarificationRequest, *, status: str, by: User | None, now: datetime) -> ClarificationRequest:
    """Snapshot the sections again, record what changed, and close the request.

    The proposal's row is locked first: the editing services of projects save a reopened section
    under that lock, so a save in progress is finished (and recorded here) before the snapshot,
    and a later one finds the request closed."""
    proposal = Proposal.objects.select_for_update().get(pk=request.proposal_id)
    before = request.changes.get("before", {})
    after = proposal_snapshot(proposal, request.sections)
    request.changes = {**request.changes, "after": after, "changed": snapshot_differences(before, after)}
    request.status = status
    if status == ClarificationRequest.Status.ANSWERED:
        request.answered_at = now
        request.answered_by = by
    request.save()
    record_event(
        proposal=proposal,
        kind=(
            EvaluationEvent.Kind.CLARIFICATION_ANSWERED
            if status == ClarificationRequest.Status.ANSWERED
            else EvaluationEvent.Kind.CLARIFICATION_EXPIRED
        ),
        by=by,
        now=now,
        from_status=ClarificationRequest.Status.OPEN,
        to_status=status,
        details={"request": request.pk, "changed": request.changes["changed"]},
    )
    return request


def clarification_answer(
    *, request: ClarificationRequest, by: User, now: datetime | None = None
) -> ClarificationRequest:
    """The applicant says the corrections are done: the sections close again, what changed is
    recorded and the officers are told. Refused at or after the deadline, and when already closed."""
    from ..permissions import can_answer_clarification

    now = now or timezone.now()
    with transaction.atomic():
        locked = ClarificationRequest.objects.select_for_update().select_related("proposal").get(pk=request.pk)
        if locked.status != ClarificationRequest.Status.OPEN:
            raise ClarificationClosed(
                _("This request is %(status)s: it cannot be answered again.") % {"status": locked.get_status_display()}
            )
        if now >= locked.deadline:
            raise ClarificationClosed(
                _("The deadline of this request passed on %(deadline)s: the proposal is judged as it stands.")
                % {"deadline": rome_datetime(locked.deadline)}
            )
        if not can_answer_clarification(by, locked, now):
            raise DomainError(_("Only the lead association's editors and legal representatives can answer."))
        _close(locked, status=ClarificationRequest.Status.ANSWERED, by=by, now=now)
        notify_officers(
            template="evaluation/emails/clarification_answered",
            context={
                "request": locked,
                "proposal": locked.proposal,
                "link": absolute_url(reverse("evaluation:proposal", kwargs={"pk": locked.proposal_id})),
            },
        )
    request.status = locked.status
    request.answered_at = locked.answered_at
    request.changes = locked.changes
    return locked


def clarification_expire(
    *, now: datetime | None = None, proposal: Proposal | None = None
) -> list[ClarificationRequest]:
    """Close every open request whose deadline has passed (of one proposal, or all): the sections
    close, what changed is recorded. Safe to run twice or concurrently: each request is re-read
    under a lock with the same condition, so it is closed (and announced) once."""
    now = now or timezone.now()
    due = ClarificationRequest.objects.filter(status=ClarificationRequest.Status.OPEN, deadline__lte=now)
    if proposal is not None:
        due = due.filter(proposal=proposal)
    expired = []
    for pk, proposal_id in list(due.order_by("deadline", "pk").values_list("pk", "proposal_id")):
        with transaction.atomic():
            # The proposal's row before the request's, in the order clarification_request and the
            # editing services lock them (the other order could deadlock with them).
            Proposal.objects.select_for_update().filter(pk=proposal_id).first()
            locked = (
                ClarificationRequest.objects.select_for_update()
                .filter(pk=pk, status=ClarificationRequest.Status.OPEN, deadline__lte=now)
                .first()
            )
            if locked is None:
                continue
            _close(locked, status=ClarificationRequest.Status.EXPIRED, by=None, now=locked.deadline)
            notify_officers(
                template="evaluation/emails/clarification_expired",
                context={
                    "request": locked,
                    "proposal": locked.proposal,
                    "link": absolute_url(reverse("evaluation:proposal", kwargs={"pk": locked.proposal_id})),
                },
            )
        expired.append(locked)
    return expired
