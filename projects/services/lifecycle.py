"""Every write that changes a proposal's lifecycle or money goes through here."""

from collections.abc import Mapping
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from calls.models import Call, FunderCommitment
from cosviluppo.lib.exceptions import DomainError, TransitionNotAllowed
from cosviluppo.lib.money import ZERO, quantize_eur, split_proportionally
from projects.models import AllocationRecord, Award, FunderShare, Proposal, ProposalStatusChange
from reports.opendata.services import open_data_changed


class CommitmentExceeded(DomainError):
    """An allocation would draw a funder commitment beyond its amount."""


class InsufficientFunds(DomainError):
    """The call's pooled commitments cannot cover an award."""


def proposal_transition(
    *, proposal: Proposal, to: str, by: User | None = None, reason: str = "", now: datetime | None = None
) -> Proposal:
    """Move a proposal to status `to` if the lifecycle allows it, with an audit row.

    The row is locked so two concurrent moves cannot both start from the same status.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = Proposal.objects.select_for_update().get(pk=proposal.pk)
        current = locked.status
        if to not in Proposal.TRANSITIONS.get(current, set()):
            raise TransitionNotAllowed(
                _("A proposal cannot go from “%(from)s” to “%(to)s”.")
                % {"from": Proposal.Status(current).label, "to": Proposal.Status(to).label}
            )
        locked.status = to
        locked.save(update_fields=["status", "updated_at"])
        ProposalStatusChange.objects.create(
            proposal=locked, from_status=current, to_status=to, reason=reason, changed_by=by, changed_at=now
        )
        if {current, to} & set(Proposal.FUNDED_STATUSES):
            # A published grant appears, changes status or goes (the open data list funded ones).
            open_data_changed(call=locked.call_id)
    proposal.status = locked.status
    return locked


def protocol_number_of(call_code: str, sequence: int) -> str:
    """The protocol number of the `sequence`-th proposal submitted to a call: COSV-2008-0007.
    The one place that spells the format (the benchmark's generator writes numbers with it too)."""
    return f"{call_code}-{sequence:04d}"


def protocol_number_for(call: Call, sequence: int) -> str:
    return protocol_number_of(call.code, sequence)


def commitments_available(call: Call, *, exclude_award: Award | None = None) -> dict[int, Decimal]:
    """What each funder commitment of the call still has, by commitment id."""
    drawn_qs = FunderShare.objects.filter(commitment__call=call)
    if exclude_award is not None:
        drawn_qs = drawn_qs.exclude(award=exclude_award)
    drawn = dict(drawn_qs.values("commitment").annotate(total=Sum("amount")).values_list("commitment", "total"))
    return {
        commitment.pk: commitment.amount - drawn.get(commitment.pk, ZERO)
        for commitment in FunderCommitment.objects.filter(call=call).order_by("pk")
    }


def award_allocate(
    *,
    award: Award,
    shares: Mapping[int, Decimal] | None = None,
    by: User | None = None,
    reason: str = "",
    now: datetime | None = None,
) -> list[FunderShare]:
    """Split an award across its call's funder commitments, replacing any earlier split.

    By default each commitment pays in proportion to what it still has; `shares`
    (commitment id → amount) overrides that. Either way the shares add up to the
    award to the cent and no commitment is drawn beyond its amount. The call's
    commitments are locked (in id order, so concurrent allocations queue instead
    of deadlocking) before anything is read, so two decisions can never both
    spend the same money.
    """
    now = now or timezone.now()
    with transaction.atomic():
        award = Award.objects.select_related("proposal").get(pk=award.pk)
        call_id = award.proposal.call_id
        list(FunderCommitment.objects.select_for_update().filter(call_id=call_id).order_by("pk"))
        available = commitments_available(award.proposal.call, exclude_award=award)
        amount = award.amount_granted
        if shares is None:
            pool = sum(available.values(), ZERO)
            if amount > pool:
                raise InsufficientFunds(
                    _("The award of € %(amount)s exceeds what the funders' commitments still have (€ %(pool)s).")
                    % {"amount": amount, "pool": pool}
                )
            weights = {pk: left for pk, left in available.items() if left > 0}
            decided = split_proportionally(amount, weights)
        else:
            decided = {int(pk): Decimal(value) for pk, value in shares.items()}
            unknown = set(decided) - set(available)
            if unknown:
                raise DomainError(_("A share names a commitment that does not belong to this call."))
            if sum(decided.values(), ZERO) != amount:
                raise DomainError(
                    _("The shares add up to € %(sum)s, but the award is € %(amount)s.")
                    % {"sum": sum(decided.values(), ZERO), "amount": amount}
                )
            for pk, value in decided.items():
                if value < 0:
                    raise DomainError(_("A funder share cannot be negative."))
                if value > available[pk]:
                    commitment = FunderCommitment.objects.select_related("funder").get(pk=pk)
                    raise CommitmentExceeded(
                        _("%(funder)s has only € %(left)s left in this call; € %(asked)s was asked.")
                        % {"funder": commitment.funder, "left": available[pk], "asked": value}
                    )
        award.shares.all().delete()
        created = FunderShare.objects.bulk_create(
            [
                FunderShare(award=award, commitment_id=pk, amount=value)
                for pk, value in sorted(decided.items())
                if value > 0
            ]
        )
        AllocationRecord.objects.create(
            award=award,
            shares={str(pk): str(value) for pk, value in sorted(decided.items()) if value > 0},
            manual=shares is not None,
            reason=reason,
            allocated_by=by,
            allocated_at=now,
        )
        open_data_changed(call=call_id)
    return created


def award_grant(
    *,
    proposal: Proposal,
    amount: Decimal,
    by: User | None = None,
    reduction_reason: str = "",
    now: datetime | None = None,
) -> Award:
    """Fund a ranked (or reserve) proposal: record the award, split it across the
    funders' commitments and move the proposal to funded, all or nothing.

    Granting less than requested needs a reason; more than requested is refused (the grant
    co-funds the budget the applicant submitted, never beyond what it asked).
    """
    now = now or timezone.now()
    requested = proposal.budget_totals()["requested"]
    if amount <= 0:
        raise DomainError(_("The amount granted must be positive."))
    if amount > requested:
        raise DomainError(
            _("The amount granted (€ %(amount)s) cannot exceed the amount requested (€ %(requested)s).")
            % {"amount": quantize_eur(amount), "requested": quantize_eur(requested)}
        )
    if requested and amount < requested and not reduction_reason.strip():
        raise DomainError(_("Say why the amount granted is lower than the amount requested."))
    with transaction.atomic():
        award = Award.objects.create(
            proposal=proposal, amount_granted=amount, reduction_reason=reduction_reason, decided_at=now, decided_by=by
        )
        award_allocate(award=award, by=by, now=now)
        proposal_transition(
            proposal=proposal,
            to=Proposal.Status.FUNDED,
            by=by,
            now=now,
            reason=_("Awarded € %(amount)s") % {"amount": amount},
        )
    return award
