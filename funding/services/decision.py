"""The decision down the ranking: propose, fill from the reserve list, grants, amounts, splits, withdrawals
(the rules are in the package docstring)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from calls.models import Call
from calls.services import call_transition
from cosviluppo.lib.exceptions import DomainError
from cosviluppo.lib.money import CENT, ZERO
from evaluation.selectors import call_ranking
from projects.models import AllocationRecord, Award, FunderShare, Installment, Proposal
from projects.services import InsufficientFunds, award_allocate, award_grant, proposal_transition

from ._common import (
    DECIDING_CALL_STATUSES,
    NOT_YET_RANKED_STATUSES,
    Action,
    Status,
    check_deciding,
    lock_call_money,
    notify_outcome,
    pool_left,
    record_decision,
    requested_amounts,
    shares_of,
)


@dataclass
class DecisionOutcome:
    """What one walk down the ranking decided."""

    funded: list[Award] = field(default_factory=list)
    reserve: list[Proposal] = field(default_factory=list)
    not_funded: list[Proposal] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    left: Decimal = ZERO


def _grant(
    *, call: Call, proposal: Proposal, amount: Decimal, by: User, now: datetime, reason: str = "", from_status: str
) -> Award:
    """award_grant plus the decision record; the caller holds the call's locks."""
    award = award_grant(proposal=proposal, amount=amount, by=by, reduction_reason=reason, now=now)
    record_decision(
        call=call,
        proposal=proposal,
        action=Action.FUNDED,
        from_value=from_status,
        to_value=Status.FUNDED,
        amount=amount,
        details={"shares": shares_of(award)},
        reason=reason,
        by=by,
        now=now,
    )
    if call.results_are_published():
        # Funded after publication (from the reserve list): the applicant hears it now.
        proposal.status = Status.FUNDED
        notify_outcome(proposal)
    return award


def _move(*, call: Call, proposal: Proposal, to: str, action: str, by: User, now: datetime, reason: str = "") -> None:
    from_status = proposal.status
    proposal_transition(proposal=proposal, to=to, by=by, reason=reason, now=now)
    record_decision(
        call=call, proposal=proposal, action=action, from_value=from_status, to_value=to, reason=reason, by=by, now=now
    )
    if call.results_are_published():
        # Decided again after publication (a request for review re-opened it): the applicant hears it now.
        notify_outcome(proposal)


def _walk(*, call: Call, by: User, now: datetime, decide_ranked: bool) -> DecisionOutcome:
    """Go down the ranking funding what fits, in order, stopping at the first that does not.

    With `decide_ranked`, proposals still `ranked` are decided (funded, reserve, not funded);
    without, only the reserve list is funded and an undecided proposal blocks the queue below it.
    The caller holds the call's locks.
    """
    ranking = call_ranking(call)
    ids = [entry.proposal.pk for entry in ranking]
    # Read the statuses again under the lock: the ranking may have been built from older rows.
    statuses = dict(Proposal.objects.filter(pk__in=ids).values_list("pk", "status"))
    requested = requested_amounts(ids)
    pool = pool_left(call)
    outcome = DecisionOutcome()
    blocked = False
    for entry in ranking:
        proposal = entry.proposal
        status = statuses.get(proposal.pk)
        if status is None:
            continue  # gone since the ranking was read
        proposal.status = status
        if status in NOT_YET_RANKED_STATUSES and entry.fundable:
            blocked = True  # still being evaluated, yet ahead in the ranking: nobody below it is funded first
            continue
        if status not in (Status.RANKED, Status.RESERVE):
            continue  # already funded, not funded or withdrawn: holds no place in the queue
        if not entry.fundable:
            if decide_ranked:
                reason = " ".join(str(r) for r in entry.reasons_not_fundable)
                _move(
                    call=call,
                    proposal=proposal,
                    to=Status.NOT_FUNDED,
                    action=Action.NOT_FUNDED,
                    by=by,
                    now=now,
                    reason=reason,
                )
                outcome.not_funded.append(proposal)
            continue
        if status == Status.RANKED and not decide_ranked:
            blocked = True  # not decided yet: nobody below it may be funded before it
            continue
        amount = requested.get(proposal.pk, ZERO)
        if amount <= 0:
            outcome.problems.append(
                _("%(protocol)s requests no money: decide its grant by hand.") % {"protocol": proposal.protocol_number}
            )
            continue
        if not blocked and amount <= pool:
            award = _grant(call=call, proposal=proposal, amount=amount, by=by, now=now, from_status=status)
            pool -= amount
            outcome.funded.append(award)
            continue
        if blocked:
            reason = _("A proposal ranked higher is waiting on the reserve list.")
        else:
            reason = _("€ %(amount)s requested, € %(pool)s left in the pool.") % {"amount": amount, "pool": pool}
        blocked = True
        if status == Status.RANKED:
            _move(call=call, proposal=proposal, to=Status.RESERVE, action=Action.RESERVE, by=by, now=now, reason=reason)
        outcome.reserve.append(proposal)
    outcome.left = pool
    return outcome


# --- Starting the evaluation --------------------------------------------------------------------


def call_evaluation_start(*, call: Call, by: User, now: datetime | None = None) -> Call:
    """Move a closed call to `evaluation` (where its proposals are decided); audited twice:
    the call's status history and the decision trail."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = call_transition(call=call, to=Call.Status.EVALUATION, by=by, reason=_("Evaluation started"), now=now)
        record_decision(
            call=locked,
            action=Action.EVALUATION_STARTED,
            from_value=Call.Status.CLOSED,
            to_value=Call.Status.EVALUATION,
            by=by,
            now=now,
        )
    return locked


# --- The decision -------------------------------------------------------------------------------


def funding_propose(*, call: Call, by: User, now: datetime | None = None) -> DecisionOutcome:
    """Decide every ranked proposal of the call: funded while the pool lasts, then reserve, and
    the non-fundable ones not funded (rules in the module docstring).

    Refused unless the call is under evaluation or published (after a request for review re-opened a
    proposal). Running it again changes nothing: the proposals it decided are no longer `ranked`.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_call_money(call)
        check_deciding(locked)
        unranked = list(
            Proposal.objects.filter(call=locked, status__in=NOT_YET_RANKED_STATUSES)
            .order_by("protocol_sequence", "pk")
            .values_list("protocol_number", flat=True)
        )
        if unranked:
            # Where they would rank is unknown: deciding the others now could fund one below them.
            raise DomainError(
                _("Rank every proposal first: %(count)s still waiting (%(list)s).")
                % {"count": len(unranked), "list": ", ".join(unranked[:10])}
            )
        return _walk(call=locked, by=by, now=now, decide_ranked=True)


def funding_fill_from_reserve(*, call: Call, by: User, now: datetime | None = None) -> DecisionOutcome:
    """Fund the reserve list in rank order with what the commitments have left, stopping at the
    first proposal that does not fit. Idempotent: with no money freed, a second run funds nobody."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_call_money(call)
        check_deciding(locked)
        return _walk(call=locked, by=by, now=now, decide_ranked=False)


def _first_waiting_ahead(call: Call, proposal: Proposal) -> tuple[Any, Any]:
    """The ranking entry of `proposal` and the first fundable proposal above it still waiting."""
    ranking = call_ranking(call)
    ids = [entry.proposal.pk for entry in ranking]
    statuses = dict(Proposal.objects.filter(pk__in=ids).values_list("pk", "status"))
    waiting_ahead = None
    for entry in ranking:
        if entry.proposal.pk == proposal.pk:
            return entry, waiting_ahead
        if (
            waiting_ahead is None
            and entry.fundable
            and statuses.get(entry.proposal.pk) in (Status.RANKED, Status.RESERVE, *NOT_YET_RANKED_STATUSES)
        ):
            waiting_ahead = entry
    return None, waiting_ahead


def _check_amount(*, amount: Decimal, requested: Decimal, reason: str) -> Decimal:
    amount = Decimal(amount)
    if amount != amount.quantize(CENT) or amount <= 0:
        raise DomainError(_("The amount granted must be a positive amount in euro and cents."))
    if amount > requested:
        raise DomainError(
            _("The amount granted (€ %(amount)s) cannot exceed the amount requested (€ %(requested)s).")
            % {"amount": amount, "requested": requested}
        )
    if amount < requested and not reason.strip():
        raise DomainError(_("Say why the amount granted is lower than the amount requested."))
    return amount


def funding_grant(
    *, proposal: Proposal, amount: Decimal, by: User, reason: str = "", now: datetime | None = None
) -> Award:
    """Fund one proposal with an amount the officer chose (at most what it requested; less needs a
    reason): how the head of the reserve list is offered what is left as a reduced grant.

    Refused for a proposal that is not fundable, not ranked or on the reserve list, or that
    would overtake a fundable proposal ranked above it and still waiting.
    """
    now = now or timezone.now()
    with transaction.atomic():
        call = lock_call_money(proposal.call)
        check_deciding(call)
        current = Proposal.objects.select_related("call", "lead").get(pk=proposal.pk)
        if current.status not in (Status.RANKED, Status.RESERVE):
            raise DomainError(
                _("Only a ranked proposal or one on the reserve list can be funded (this one is %(status)s).")
                % {"status": current.get_status_display()}
            )
        entry, waiting_ahead = _first_waiting_ahead(call, current)
        if entry is None or not entry.fundable:
            raise DomainError(_("This proposal is not fundable according to the ranking."))
        if waiting_ahead is not None:
            raise DomainError(
                _("%(protocol)s is ranked higher and still waiting: it must be decided first.")
                % {"protocol": waiting_ahead.proposal.protocol_number}
            )
        requested = requested_amounts([current.pk]).get(current.pk, ZERO)
        amount = _check_amount(amount=amount, requested=requested, reason=reason)
        pool = pool_left(call)
        if amount > pool:
            raise InsufficientFunds(
                _("The commitments have € %(pool)s left: € %(amount)s cannot be granted.")
                % {"pool": pool, "amount": amount}
            )
        return _grant(
            call=call,
            proposal=current,
            amount=amount,
            by=by,
            now=now,
            reason=reason if amount < requested else "",
            from_status=current.status,
        )


def funding_award_change(
    *, award: Award, amount: Decimal, by: User, reason: str = "", now: datetime | None = None
) -> Award:
    """Change the amount granted to a funded proposal (before its grant agreement): lower it with a
    reason, or raise it back up to what was requested if the pool allows.

    The award is split again in proportion to what each commitment has (a manual split is
    replaced: set it again on the award's page). Money freed funds the reserve list in order.
    """
    now = now or timezone.now()
    with transaction.atomic():
        call = lock_call_money(award.proposal.call)
        check_deciding(call)
        award = Award.objects.select_for_update().select_related("proposal").get(pk=award.pk)
        proposal = award.proposal
        if proposal.status != Status.FUNDED:
            raise DomainError(
                _("The amount can change only while the proposal is funded and its grant agreement not yet signed.")
            )
        requested = requested_amounts([proposal.pk]).get(proposal.pk, ZERO)
        amount = _check_amount(amount=amount, requested=requested, reason=reason)
        old = award.amount_granted
        if amount == old:
            return award
        pool = pool_left(call, exclude_award=award)
        if amount > pool:
            raise InsufficientFunds(
                _("The commitments have € %(pool)s for this award: € %(amount)s cannot be granted.")
                % {"pool": pool, "amount": amount}
            )
        award.amount_granted = amount
        award.reduction_reason = reason if amount < requested else ""
        award.decided_at = now
        award.decided_by = by
        award.save(update_fields=["amount_granted", "reduction_reason", "decided_at", "decided_by"])
        award_allocate(award=award, by=by, reason=reason, now=now)
        record_decision(
            call=call,
            proposal=proposal,
            action=Action.AMOUNT_CHANGED,
            from_value=str(old),
            to_value=str(amount),
            amount=amount,
            details={"shares": shares_of(award)},
            reason=reason,
            by=by,
            now=now,
        )
        if amount < old:
            _walk(call=call, by=by, now=now, decide_ranked=False)
    return award


def funding_allocation_set(
    *, award: Award, shares: Mapping[int, Decimal], by: User, reason: str, now: datetime | None = None
) -> list[FunderShare]:
    """Override the split of an award across the funders (award_allocate checks the sums and the
    commitments); the reason is required and recorded with the old and the new split."""
    now = now or timezone.now()
    if not reason.strip():
        raise DomainError(_("Say why the split is changed."))
    with transaction.atomic():
        call = lock_call_money(award.proposal.call)
        check_deciding(call)
        award = Award.objects.select_related("proposal").get(pk=award.pk)
        if award.proposal.status != Status.FUNDED:
            raise DomainError(_("The split can change only while the proposal is funded and its agreement not signed."))
        before = shares_of(award)
        created = award_allocate(award=award, shares=shares, by=by, reason=reason, now=now)
        after = shares_of(award)
        record_decision(
            call=call,
            proposal=award.proposal,
            action=Action.ALLOCATION_CHANGED,
            from_value=", ".join(f"{k}: {v}" for k, v in sorted(before.items())),
            to_value=", ".join(f"{k}: {v}" for k, v in sorted(after.items())),
            amount=award.amount_granted,
            details={"from": before, "to": after},
            reason=reason,
            by=by,
            now=now,
        )
    return created


def award_withdraw(*, proposal: Proposal, by: User, reason: str, now: datetime | None = None) -> DecisionOutcome:
    """A funded project withdraws: the proposal moves to withdrawn, its shares are released (the
    award stays, with an allocation record of the release) and the reserve list is funded in
    order with the money freed. Refused once an installment has been paid."""
    now = now or timezone.now()
    if not reason.strip():
        raise DomainError(_("Say why the project withdraws."))
    with transaction.atomic():
        call = lock_call_money(proposal.call)
        current = Proposal.objects.select_for_update().get(pk=proposal.pk)
        if current.status not in (Status.FUNDED, Status.IN_PROGRESS):
            raise DomainError(_("Only a funded project can withdraw with its money released."))
        award = Award.objects.get(proposal=current)
        if award.installments.filter(status=Installment.Status.PAID).exists():
            raise DomainError(_("An installment was already paid: record its recovery before releasing the award."))
        released = shares_of(award)
        award.shares.all().delete()
        AllocationRecord.objects.create(
            award=award, shares={}, manual=True, reason=reason, allocated_by=by, allocated_at=now
        )
        from_status = current.status
        proposal_transition(proposal=current, to=Status.WITHDRAWN, by=by, reason=reason, now=now)
        record_decision(
            call=call,
            proposal=current,
            action=Action.WITHDRAWN,
            from_value=from_status,
            to_value=Status.WITHDRAWN,
            amount=award.amount_granted,
            details={"released": released},
            reason=reason,
            by=by,
            now=now,
        )
        if call.status in DECIDING_CALL_STATUSES:
            return _walk(call=call, by=by, now=now, decide_ranked=False)
    return DecisionOutcome()
