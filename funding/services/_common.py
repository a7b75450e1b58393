"""What the funding services share: the statuses that matter, locks, the audit record, notices."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.db.models import Sum
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from calls.models import Call, FunderCommitment
from cosviluppo.lib.emails import absolute_url, send_templated_email
from cosviluppo.lib.exceptions import DomainError
from cosviluppo.lib.money import ZERO, quantize_eur
from projects.models import Award, BudgetLine, Proposal
from projects.services import commitments_available
from reports.opendata.services import open_data_changed

from ..models import DecisionRecord

ROME = ZoneInfo("Europe/Rome")
Action = DecisionRecord.Action
Status = Proposal.Status

# A proposal in one of these is still waiting for a decision of the call.
UNDECIDED_STATUSES = (Status.SUBMITTED, Status.ADMISSIBLE, Status.UNDER_EVALUATION, Status.RANKED)
# Admitted or waiting, but not ranked yet: the decision cannot go down a ranking missing them.
NOT_YET_RANKED_STATUSES = (Status.SUBMITTED, Status.ADMISSIBLE, Status.UNDER_EVALUATION)
# The call statuses in which money can be granted or moved.
DECIDING_CALL_STATUSES = (Call.Status.EVALUATION, Call.Status.RESULTS_PUBLISHED)


def record_decision(
    *,
    call: Call,
    action: str,
    by: User,
    now: datetime,
    proposal: Proposal | None = None,
    from_value: str = "",
    to_value: str = "",
    amount: Decimal | None = None,
    details: dict | None = None,
    reason: str = "",
) -> DecisionRecord:
    """Write one line of the call's decision trail, in the caller's transaction.

    Every decision, agreement and payment passes here: once the call's results are published,
    the open-data files are regenerated after commit.
    """
    open_data_changed(call=call)
    return DecisionRecord.objects.create(
        call=call,
        proposal=proposal,
        action=action,
        from_value=str(from_value)[:120],
        to_value=str(to_value)[:120],
        amount=amount,
        details=details or {},
        reason=reason,
        by=by,
        at=now,
    )


def lock_call_money(call: Call) -> Call:
    """Lock the call, then its commitments in id order (as award_allocate does): one decision at a time."""
    locked = Call.objects.select_for_update().get(pk=call.pk)
    list(FunderCommitment.objects.select_for_update().filter(call_id=call.pk).order_by("pk"))
    return locked


def pool_left(call: Call, *, exclude_award: Award | None = None) -> Decimal:
    """What the call's commitments still have, all funders together."""
    return sum(commitments_available(call, exclude_award=exclude_award).values(), ZERO)


def requested_amounts(proposal_ids: Iterable[int]) -> dict[int, Decimal]:
    """The amount each proposal requested (the sum of its budget lines), in one query."""
    rows = (
        BudgetLine.objects.filter(proposal_id__in=list(proposal_ids))
        .values("proposal_id")
        .annotate(total=Sum("amount_requested"))
        .values_list("proposal_id", "total")
    )
    return {pk: quantize_eur(total) for pk, total in rows}


def shares_of(award: Award) -> dict[str, str]:
    """The award's split as recorded in the trail: commitment id → amount, as text."""
    return {str(pk): str(quantize_eur(amount)) for pk, amount in award.shares.values_list("commitment_id", "amount")}


def members_of(organisation_id: int) -> list[User]:
    return list(User.objects.filter(memberships__organisation_id=organisation_id, is_active=True).distinct())


def officers() -> list[User]:
    return list(User.objects.filter(is_active=True, municipal_role=User.MunicipalRole.OFFICER))


def notify_outcome(proposal: Proposal) -> None:
    """Tell every member of the lead association the outcome, with a link to the outcome page."""
    path = absolute_url(reverse("funding:outcome", kwargs={"pk": proposal.pk}))
    for member in members_of(proposal.lead_id):
        send_templated_email(
            template="funding/emails/outcome",
            context={"proposal": proposal, "call": proposal.call, "status": proposal.status, "path": path},
            to=[member.email],
            language=member.preferred_language,
        )


def check_deciding(call: Call) -> None:
    """Refuse money decisions outside the call's evaluation and results."""
    if call.status not in DECIDING_CALL_STATUSES:
        raise DomainError(
            _("Funding decisions are taken while the call is under evaluation or after its results (now: %(status)s).")
            % {"status": Call.Status(call.status).label}
        )
