"""The funders' sign-off of the proposed decision."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from associations.models import Membership, Organisation
from calls.models import Call, FunderCommitment
from cosviluppo.lib.exceptions import DomainError
from cosviluppo.lib.money import CENT, quantize_eur
from projects.models import FunderShare, Proposal

from ..models import FunderSignOff
from ._common import (
    UNDECIDED_STATUSES,
    Action,
    Status,
    record_decision,
)

# --- Funders' sign-off --------------------------------------------------------------------------


def decision_digests(call_ids: Iterable[int]) -> dict[int, str]:
    """A fingerprint per call of what the funders sign off: every proposal's status, rank and
    score, every award and every share (two queries for any number of calls)."""
    call_ids = list(call_ids)
    lines: dict[int, list[str]] = {pk: [] for pk in call_ids}
    for call_id, pk, status, rank, score, granted in (
        Proposal.objects.filter(call_id__in=call_ids)
        .exclude(status=Status.DRAFT)
        .values_list("call_id", "pk", "status", "rank", "total_score", "award__amount_granted")
        .order_by("call_id", "pk")
    ):
        score_text = "" if score is None else str(Decimal(score).quantize(CENT))
        granted_text = "" if granted is None else str(quantize_eur(granted))
        lines[call_id].append(f"p{pk}:{status}:{rank or ''}:{score_text}:{granted_text}")
    for call_id, pk, commitment_id, amount in (
        FunderShare.objects.filter(award__proposal__call_id__in=call_ids)
        .values_list("award__proposal__call_id", "award__proposal_id", "commitment_id", "amount")
        .order_by("award__proposal__call_id", "award__proposal_id", "commitment_id")
    ):
        lines[call_id].append(f"s{pk}:{commitment_id}:{quantize_eur(amount)}")
    return {call_id: hashlib.sha256("\n".join(rows).encode()).hexdigest() for call_id, rows in lines.items()}


def decision_digest(call: Call) -> str:
    return decision_digests([call.pk])[call.pk]


def undecided_count(call: Call) -> int:
    return Proposal.objects.filter(call=call, status__in=UNDECIDED_STATUSES).count()


def funder_sign_off(
    *, call: Call, funder: Organisation, decision: str, by: User, remarks: str = "", now: datetime | None = None
) -> FunderSignOff:
    """Record a funder's approval of, or remarks on, the proposed decision as it is now.

    Refused while the call is not under evaluation or some proposal is still undecided, for an
    organisation without a commitment in the call, or for someone who is not its member.
    A new answer adds a row; the latest counts.
    """
    now = now or timezone.now()
    if decision not in FunderSignOff.Decision.values:
        raise DomainError(_("Choose approval or remarks."))
    if decision == FunderSignOff.Decision.REMARKS and not remarks.strip():
        raise DomainError(_("Write your remarks."))
    with transaction.atomic():
        locked = Call.objects.select_for_update().get(pk=call.pk)
        if locked.status != Call.Status.EVALUATION:
            raise DomainError(_("The decision of this call is not waiting for the funders' sign-off."))
        if undecided_count(locked):
            raise DomainError(_("The decision is not complete yet: some proposals are still undecided."))
        if not FunderCommitment.objects.filter(call=locked, funder=funder).exists():
            raise DomainError(_("%(funder)s has no commitment in this call.") % {"funder": funder})
        if not Membership.objects.filter(user=by, organisation=funder).exists():
            raise DomainError(_("Only a member of %(funder)s can answer for it.") % {"funder": funder})
        digest = decision_digest(locked)
        sign_off = FunderSignOff.objects.create(
            call=locked,
            funder=funder,
            decision=decision,
            remarks=remarks.strip(),
            decision_digest=digest,
            by=by,
            at=now,
        )
        record_decision(
            call=locked,
            action=Action.SIGN_OFF,
            from_value=funder.legal_name,
            to_value=decision,
            details={"funder": funder.pk, "digest": digest, "sign_off": sign_off.pk},
            reason=sign_off.remarks,
            by=by,
            now=now,
        )
    return sign_off


def funders_missing_approval(call: Call, *, digest: str | None = None) -> list[Organisation]:
    """Funders with a commitment in the call whose latest answer is not an approval of the decision as it is now."""
    digest = digest or decision_digest(call)
    latest: dict[int, FunderSignOff] = {}
    for sign_off in FunderSignOff.objects.filter(call=call).order_by("at", "pk"):
        latest[sign_off.funder_id] = sign_off
    missing = []
    for commitment in (
        FunderCommitment.objects.filter(call=call).select_related("funder").order_by("funder__legal_name", "pk")
    ):
        answer = latest.get(commitment.funder_id)
        if not (answer and answer.decision == FunderSignOff.Decision.APPROVED and answer.decision_digest == digest):
            missing.append(commitment.funder)
    return missing
