"""Admissibility: the officer's checklist, and the decision admissible / inadmissible."""

from collections.abc import Mapping
from datetime import datetime

from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cosviluppo.lib.emails import absolute_url
from cosviluppo.lib.exceptions import DomainError
from cosviluppo.templatetags.formatting import rome_numeric
from projects.models import Proposal
from projects.services import proposal_transition

from ..models import AdmissibilityCheck, ClarificationRequest, EvaluationEvent
from ..selectors import MANUAL_KEYS, admissibility_checklist
from ._common import notify_lead_members, record_event
from .clarifications import clarification_expire


class AdmissibilityNotDecidable(DomainError):
    """The decision cannot be taken now (status, open request for clarification, failing items)."""


def _locked_submitted(proposal: Proposal) -> Proposal:
    locked = Proposal.objects.select_for_update().select_related("call", "lead").get(pk=proposal.pk)
    if locked.status != Proposal.Status.SUBMITTED:
        raise AdmissibilityNotDecidable(
            _("The proposal is %(status)s: admissibility is decided on submitted proposals only.")
            % {"status": locked.get_status_display()}
        )
    return locked


def _refuse_while_clarification_open(proposal: Proposal, now: datetime) -> None:
    # A request past its deadline that the beat task has not recorded yet is closed here,
    # so the decision never waits for the worker.
    clarification_expire(now=now, proposal=proposal)
    request = ClarificationRequest.objects.filter(
        proposal=proposal, status=ClarificationRequest.Status.OPEN, deadline__gt=now
    ).first()
    if request is not None:
        raise AdmissibilityNotDecidable(
            _(
                "A request for clarification is open until %(deadline)s: decide once the applicant has "
                "answered or the deadline has passed."
            )
            % {"deadline": rome_numeric(request.deadline)}
        )


def admissibility_check_save(
    *,
    proposal: Proposal,
    manual: Mapping[str, tuple[bool | None, str]],
    by: User,
    now: datetime | None = None,
) -> AdmissibilityCheck:
    """Save the checklist: automatic items recomputed from the call's rules, manual items as
    ticked by the officer (`manual`: key → (passed True/False/None, note)). Refused once decided."""
    now = now or timezone.now()
    unknown = set(manual) - set(MANUAL_KEYS)
    if unknown:
        raise DomainError(_("Unknown checklist items: %(keys)s.") % {"keys": ", ".join(sorted(unknown))})
    with transaction.atomic():
        locked = _locked_submitted(proposal)
        check, _created = AdmissibilityCheck.objects.select_for_update().get_or_create(proposal=locked)
        items = admissibility_checklist(locked, check)
        for item in items:
            if not item["automatic"] and item["key"] in manual:
                passed, note = manual[item["key"]]
                item["passed"] = passed
                item["note"] = (note or "").strip()
        before = sum(1 for item in check.items if item.get("passed") is True)
        check.items = items
        check.checked_by = by
        check.checked_at = now
        check.save()
        record_event(
            proposal=locked,
            kind=EvaluationEvent.Kind.CHECKLIST_SAVED,
            by=by,
            now=now,
            from_status=f"{before}/{len(items)}",
            to_status=f"{sum(1 for item in items if item['passed'] is True)}/{len(items)}",
            details={"items": [{key: item[key] for key in ("key", "passed", "note")} for item in items]},
        )
    return check


def proposal_admit(
    *, proposal: Proposal, by: User, check: AdmissibilityCheck, now: datetime | None = None, notify: bool = True
) -> Proposal:
    """Declare a submitted proposal admissible: every item of its checklist must pass (automatic
    items are recomputed first). Moves it to admissible and tells the lead's members by e-mail
    (unless `notify` is False).

    Refused while a request for clarification is open.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = _locked_submitted(proposal)
        _refuse_while_clarification_open(locked, now)
        check = AdmissibilityCheck.objects.select_for_update().get(pk=check.pk)
        if check.proposal_id != locked.pk:
            raise DomainError(_("This checklist belongs to another proposal."))
        check.items = admissibility_checklist(locked, check)
        failing = [item["label"] for item in check.items if item["passed"] is not True]
        if failing:
            raise AdmissibilityNotDecidable(
                _("Every item of the checklist must pass to admit the proposal. Not passed: %(items)s.")
                % {"items": "; ".join(failing)}
            )
        check.outcome = AdmissibilityCheck.Outcome.ADMISSIBLE
        check.reasons = ""
        check.decided_by = by
        check.decided_at = now
        check.save()
        record_event(
            proposal=locked,
            kind=EvaluationEvent.Kind.ADMISSIBILITY_DECIDED,
            by=by,
            now=now,
            from_status=AdmissibilityCheck.Outcome.PENDING,
            to_status=AdmissibilityCheck.Outcome.ADMISSIBLE,
        )
        admitted = proposal_transition(
            proposal=locked,
            to=Proposal.Status.ADMISSIBLE,
            by=by,
            now=now,
            reason=_("Every item of the admissibility checklist passed."),
        )
        if notify:
            notify_lead_members(
                proposal=admitted,
                template="evaluation/emails/proposal_admitted",
                context={"link": absolute_url(reverse("dashboard"))},
            )
    proposal.status = admitted.status
    return admitted


def proposal_declare_inadmissible(
    *, proposal: Proposal, by: User, reasons: str, now: datetime | None = None
) -> Proposal:
    """Declare a submitted proposal inadmissible, with the reasons the applicant reads (required).

    Moves it to inadmissible, stores the checklist as it stands and tells the lead's members by
    e-mail. Refused while a request for clarification is open.
    """
    now = now or timezone.now()
    reasons = (reasons or "").strip()
    if not reasons:
        raise DomainError(_("Give the reasons why the proposal is inadmissible: the applicant will read them."))
    with transaction.atomic():
        locked = _locked_submitted(proposal)
        _refuse_while_clarification_open(locked, now)
        check, _created = AdmissibilityCheck.objects.select_for_update().get_or_create(proposal=locked)
        check.items = admissibility_checklist(locked, check)
        check.outcome = AdmissibilityCheck.Outcome.INADMISSIBLE
        check.reasons = reasons
        check.decided_by = by
        check.decided_at = now
        check.save()
        record_event(
            proposal=locked,
            kind=EvaluationEvent.Kind.ADMISSIBILITY_DECIDED,
            by=by,
            now=now,
            from_status=AdmissibilityCheck.Outcome.PENDING,
            to_status=AdmissibilityCheck.Outcome.INADMISSIBLE,
            reason=reasons,
        )
        declared = proposal_transition(proposal=locked, to=Proposal.Status.INADMISSIBLE, by=by, now=now, reason=reasons)
        notify_lead_members(
            proposal=declared,
            template="evaluation/emails/proposal_inadmissible",
            context={"reasons": reasons, "link": absolute_url(reverse("dashboard"))},
        )
    proposal.status = declared.status
    return declared
