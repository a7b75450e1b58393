"""From award to project: the grant agreement and the installments."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import ROUND_DOWN, Decimal

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from cosviluppo.lib.codicefiscale import validate_cup
from cosviluppo.lib.exceptions import DomainError
from cosviluppo.lib.money import CENT, ZERO
from projects.models import Award, Installment, Proposal
from projects.services import proposal_transition

from ._common import (
    Action,
    Status,
    record_decision,
)

# --- From award to project ----------------------------------------------------------------------


def installment_amounts(total: Decimal, percentages: list[Decimal]) -> list[Decimal]:
    """Split `total` by percentages adding up to 100: every installment but the last rounded down
    to the cent, the last takes the rest, so they add up to the award exactly and none is negative."""
    amounts = [(total * Decimal(pct) / 100).quantize(CENT, rounding=ROUND_DOWN) for pct in percentages[:-1]]
    amounts.append(total - sum(amounts, ZERO))
    return amounts


# The most installments an agreement's plan has: the programme pays in three (advance, mid-term,
# balance); the plan's formset never builds more forms than this (funding.forms).
MAX_INSTALLMENTS = 8


def grant_agreement_record(
    *,
    proposal: Proposal,
    signed_on: date,
    cup: str,
    start_date: date,
    plan: list[tuple[str, Decimal, date | None]],
    by: User,
    now: datetime | None = None,
) -> list[Installment]:
    """Record the signed grant agreement: the funded proposal becomes a project in progress, with
    its CUP, dates and installment plan (label, percentage, due date).

    Refused before the results are published (publication is the condition of efficacy of the
    grant, D.Lgs. 33/2013 art. 26), for an invalid or already used CUP, a signature in the future,
    more than MAX_INSTALLMENTS installments, or percentages that do not add up to 100.
    """
    now = now or timezone.now()
    cup = (cup or "").strip().upper()
    try:
        validate_cup(cup)
    except ValidationError as error:
        raise DomainError(" ".join(error.messages)) from error
    if signed_on > timezone.localdate(now):
        raise DomainError(_("The agreement cannot be signed in the future."))
    if not plan:
        raise DomainError(_("The agreement needs at least one installment."))
    if len(plan) > MAX_INSTALLMENTS:
        raise DomainError(_("An agreement has at most %(num)d installments.") % {"num": MAX_INSTALLMENTS})
    percentages = [Decimal(pct) for _label, pct, _due in plan]
    if any(pct <= 0 for pct in percentages):
        raise DomainError(_("Every installment needs a positive percentage."))
    if sum(percentages, Decimal("0")) != 100:
        raise DomainError(
            _("The installments add up to %(total)s%%, not 100%%.") % {"total": sum(percentages, Decimal("0"))}
        )
    if any(not (label or "").strip() for label, _pct, _due in plan):
        raise DomainError(_("Every installment needs a label."))
    with transaction.atomic():
        current = Proposal.objects.select_for_update().select_related("call").get(pk=proposal.pk)
        if current.status != Status.FUNDED:
            raise DomainError(_("A grant agreement is recorded for a funded proposal."))
        if not current.call.results_are_published():
            raise DomainError(_("The results of the call must be published before the grant agreement."))
        if Proposal.objects.filter(cup=cup).exclude(pk=current.pk).exists():
            raise DomainError(_("The CUP %(cup)s is already used by another project.") % {"cup": cup})
        award = Award.objects.get(proposal=current)
        if award.installments.exists():
            raise DomainError(_("This award already has its installments."))
        amounts = installment_amounts(award.amount_granted, percentages)
        lines = zip(plan, percentages, amounts, strict=True)
        installments = Installment.objects.bulk_create(
            [
                Installment(
                    award=award, sequence=index, label=label.strip(), percentage=pct, amount=amount, due_date=due
                )
                for index, ((label, _pct, due), pct, amount) in enumerate(lines, start=1)
            ]
        )
        current.cup = cup
        current.agreement_signed_on = signed_on
        current.start_date = start_date
        if current.duration_months:
            current.end_date = start_date + relativedelta(months=current.duration_months) - timedelta(days=1)
        try:
            # The database has the last word (proposal_cup_unique): two agreements recorded at the
            # same time with the same CUP both pass the check above, only one is saved.
            with transaction.atomic():
                current.save(update_fields=["cup", "agreement_signed_on", "start_date", "end_date", "updated_at"])
        except IntegrityError as error:
            raise DomainError(_("The CUP %(cup)s is already used by another project.") % {"cup": cup}) from error
        reason = _("Grant agreement signed on %(date)s, CUP %(cup)s") % {
            "date": signed_on.strftime("%d/%m/%Y"),
            "cup": cup,
        }
        proposal_transition(proposal=current, to=Status.IN_PROGRESS, by=by, reason=reason, now=now)
        record_decision(
            call=current.call,
            proposal=current,
            action=Action.AGREEMENT_RECORDED,
            from_value=Status.FUNDED,
            to_value=Status.IN_PROGRESS,
            amount=award.amount_granted,
            details={
                "cup": cup,
                "signed_on": signed_on.isoformat(),
                "start_date": start_date.isoformat(),
                "plan": [
                    {
                        "label": i.label,
                        "percentage": str(i.percentage),
                        "amount": str(i.amount),
                        "due_date": i.due_date.isoformat() if i.due_date else None,
                    }
                    for i in installments
                ],
            },
            reason=reason,
            by=by,
            now=now,
        )
    proposal.status = Status.IN_PROGRESS
    return installments


def installment_pay(*, installment: Installment, paid_on: date, by: User, now: datetime | None = None) -> Installment:
    """Record the payment of an installment (planned → paid), in order: an installment is paid
    after the earlier ones, not before the agreement was signed and not in the future."""
    now = now or timezone.now()
    with transaction.atomic():
        locked = Installment.objects.select_for_update().select_related("award__proposal__call").get(pk=installment.pk)
        proposal = locked.award.proposal
        if locked.status == Installment.Status.PAID:
            raise DomainError(
                _("This installment was already paid on %(date)s.") % {"date": locked.paid_on.strftime("%d/%m/%Y")}  # type: ignore[union-attr]  # paid: has a date
            )
        if proposal.status != Status.IN_PROGRESS:
            raise DomainError(_("Installments are paid to projects in progress."))
        if paid_on > timezone.localdate(now):
            raise DomainError(_("The payment date cannot be in the future."))
        if proposal.agreement_signed_on and paid_on < proposal.agreement_signed_on:
            raise DomainError(_("The payment date cannot precede the grant agreement."))
        if Installment.objects.filter(
            award=locked.award, sequence__lt=locked.sequence, status=Installment.Status.PLANNED
        ).exists():
            raise DomainError(_("The earlier installments must be paid first."))
        locked.status = Installment.Status.PAID
        locked.paid_on = paid_on
        locked.save(update_fields=["status", "paid_on"])
        record_decision(
            call=proposal.call,
            proposal=proposal,
            action=Action.INSTALLMENT_PAID,
            from_value=Installment.Status.PLANNED,
            to_value=Installment.Status.PAID,
            amount=locked.amount,
            details={
                "installment": locked.pk,
                "sequence": locked.sequence,
                "label": locked.label,
                "paid_on": paid_on.isoformat(),
            },
            reason=locked.label,
            by=by,
            now=now,
        )
    return locked
