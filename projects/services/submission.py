"""Submitting a proposal online, with every rule of the call checked, and withdrawing it.

Submission is the moment the programme counts: the server's clock (Europe/Rome) decides
whether the call is still open, the protocol number is given under a lock on the call (so
numbers stay unique and gapless), and the proposal is frozen. The applicants and their
partners are told by e-mail once the transaction has committed.
"""

from datetime import datetime

from django.db import transaction
from django.db.models import Max, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from calls.models import Call
from cosviluppo.lib.emails import absolute_url, send_templated_email
from cosviluppo.lib.exceptions import DomainError, TransitionNotAllowed
from cosviluppo.templatetags.formatting import rome_datetime
from projects.eligibility import EligibilityProblem, eligibility_problems
from projects.models import Proposal, ProposalPartner

from .lifecycle import proposal_transition, protocol_number_for


class ProposalNotEligible(DomainError):
    """The proposal breaks at least one rule of its call; `problems` lists them all."""

    def __init__(self, problems: list[EligibilityProblem]):
        self.problems = list(problems)
        super().__init__(
            ngettext(
                "The proposal cannot be submitted: %(count)d rule of the call is not met.",
                "The proposal cannot be submitted: %(count)d rules of the call are not met.",
                len(self.problems),
            )
            % {"count": len(self.problems)}
        )


class SubmissionClosed(DomainError):
    """The call does not accept proposals at this moment (not open yet, or past its deadline)."""


class WithdrawalClosed(DomainError):
    """The deadline has passed: the list of proposals received is final."""


def _refuse_outside_opening_hours(call: Call, now: datetime) -> None:
    if now >= call.closes_at:
        raise SubmissionClosed(
            _(
                "The deadline of the call %(code)s passed on %(deadline)s (Italian time): the proposal was not "
                "submitted. Your draft is kept as it was."
            )
            % {"code": call.code, "deadline": rome_datetime(call.closes_at)}
        )
    if not call.is_open_at(now):
        raise SubmissionClosed(
            _("The call %(code)s is not open for submissions yet: it opens on %(opens)s (Italian time).")
            % {"code": call.code, "opens": rome_datetime(call.opens_at)}
        )


def proposal_submit(
    *, proposal: Proposal, by: User | None, now: datetime | None = None, notify: bool = True
) -> Proposal:
    """Submit a draft after checking every rule of its call: protocol number, time, frozen.

    Refused (nothing changes) outside the call's opening hours and while any rule fails
    (ProposalNotEligible lists them all). The rules are checked again after the call and
    the proposal are locked, so an edit or a partner's answer that commits meanwhile cannot
    slip past the check. Submitting twice (a double click, two tabs) returns the proposal
    already submitted: one protocol number, one batch of e-mails (none when `notify` is False).
    """
    return _submit(proposal=proposal, by=by, now=now, notify=notify, check_rules=True)


def _proposal_submit_unchecked(*, proposal: Proposal, by: User | None, now: datetime | None = None) -> Proposal:
    """The same submission without the call's rules (opening hours still apply), no e-mails.

    Only for the demo's data, which submits a few proposals that break a rule on purpose so that
    the admissibility check has something to find: no view or service reaches it.
    """
    return _submit(proposal=proposal, by=by, now=now, notify=False, check_rules=False)


def _submit(*, proposal: Proposal, by: User | None, now: datetime | None, notify: bool, check_rules: bool) -> Proposal:
    now = now or timezone.now()
    with transaction.atomic():
        # Call first, then proposal: every submission locks in this order, so none deadlocks another,
        # and the call's lock keeps protocol numbers unique and gapless.
        call = Call.objects.select_for_update().get(pk=proposal.call_id)
        locked = Proposal.objects.select_for_update().select_related("lead").get(pk=proposal.pk)
        locked.call = call
        if locked.status == Proposal.Status.SUBMITTED and locked.protocol_number:
            return locked
        if locked.status != Proposal.Status.DRAFT:
            raise TransitionNotAllowed(_("Only a draft can be submitted."))
        _refuse_outside_opening_hours(call, now)
        if check_rules:
            problems = eligibility_problems(locked, now=now)
            if problems:
                raise ProposalNotEligible(problems)
        last = Proposal.objects.filter(call=call).aggregate(last=Max("protocol_sequence"))["last"] or 0
        locked.protocol_sequence = last + 1
        locked.protocol_number = protocol_number_for(call, locked.protocol_sequence)
        locked.submitted_at = now
        locked.save(update_fields=["protocol_sequence", "protocol_number", "submitted_at", "updated_at"])
        # The status moves (with its audit row) through the one transition service.
        submitted = proposal_transition(
            proposal=locked, to=Proposal.Status.SUBMITTED, by=by, reason=locked.protocol_number, now=now
        )
        submitted.call, submitted.lead = call, locked.lead
        if notify:
            _notify_submitted(submitted)
    proposal.status = submitted.status
    proposal.protocol_number = submitted.protocol_number
    proposal.protocol_sequence = submitted.protocol_sequence
    proposal.submitted_at = submitted.submitted_at
    return submitted


def submission_recipients(proposal: Proposal) -> list[User]:
    """The members of the lead and of the partners that have not declined: active accounts, each once."""
    partner_organisations = (
        ProposalPartner.objects.filter(proposal=proposal)
        .exclude(response=ProposalPartner.Response.DECLINED)
        .values("organisation_id")
    )
    return list(
        User.objects.filter(is_active=True)
        .filter(
            Q(memberships__organisation_id=proposal.lead_id) | Q(memberships__organisation_id__in=partner_organisations)
        )
        .distinct()
        .order_by("email")
    )


def _notify_submitted(proposal: Proposal) -> None:
    """One e-mail per person, in their language, sent after commit (send_templated_email).

    Separate messages rather than one with every address: the lead's and the partners'
    members do not see each other's addresses, and each reads it in their own language.
    """
    context = {
        "proposal": proposal,
        "call": proposal.call,
        "lead": proposal.lead,
        "protocol_number": proposal.protocol_number,
        "submitted_at": proposal.submitted_at,
        "proposal_url": absolute_url(reverse("projects:proposal-detail", args=[proposal.pk])),
        "receipt_url": absolute_url(reverse("projects:proposal-receipt", args=[proposal.pk])),
    }
    for user in submission_recipients(proposal):
        send_templated_email(
            template="projects/emails/proposal_submitted",
            context={**context, "recipient": user},
            to=[user.email],
            language=user.preferred_language or "it",
        )


def proposal_withdraw(*, proposal: Proposal, by: User, reason: str, now: datetime | None = None) -> Proposal:
    """Withdraw a draft or a submitted proposal, until the call's deadline.

    After the deadline the list of proposals received is what the office assesses, so a
    change of mind goes through the office instead. A submitted proposal keeps its protocol
    number (numbers stay gapless). Withdrawing twice returns the proposal already withdrawn.
    """
    now = now or timezone.now()
    reason = (reason or "").strip()
    if not reason:
        raise DomainError(_("Say why the proposal is withdrawn."))
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().select_related("call").get(pk=proposal.pk)
        if locked.status == Proposal.Status.WITHDRAWN:
            return locked
        if locked.status not in (Proposal.Status.DRAFT, Proposal.Status.SUBMITTED):
            raise TransitionNotAllowed(
                _("A proposal already under assessment cannot be withdrawn online: write to the programme office.")
            )
        if now >= locked.call.closes_at:
            raise WithdrawalClosed(
                _(
                    "The deadline of the call %(code)s passed on %(deadline)s (Italian time): the proposal can no "
                    "longer be withdrawn online. Write to the programme office if you need to."
                )
                % {"code": locked.call.code, "deadline": rome_datetime(locked.call.closes_at)}
            )
        withdrawn = proposal_transition(proposal=locked, to=Proposal.Status.WITHDRAWN, by=by, reason=reason, now=now)
    proposal.status = withdrawn.status
    return withdrawn
