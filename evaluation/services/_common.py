"""What every evaluation service shares: the audit row and the e-mails to the office and the applicants."""

from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from accounts.models import User
from calls.models import EvaluationCriterion
from cosviluppo.lib.emails import send_templated_email
from projects.models import Proposal

from ..models import EvaluationEvent


def record_event(
    *,
    proposal: Proposal,
    kind: str,
    by: User | None,
    now: datetime,
    from_status: str = "",
    to_status: str = "",
    reason: str = "",
    details: dict[str, Any] | None = None,
) -> EvaluationEvent:
    """The audit row of one evaluation decision (who, when, from, to, why)."""
    return EvaluationEvent.objects.create(
        proposal=proposal,
        kind=kind,
        from_status=str(from_status)[:32],
        to_status=str(to_status)[:32],
        reason=reason,
        changed_by=by if getattr(by, "pk", None) else None,
        changed_at=now,
        details=details or {},
    )


def officers() -> QuerySet[User]:
    """The programme officers who receive the office's notices (active ones)."""
    from accounts.models import User

    return User.objects.filter(municipal_role=User.MunicipalRole.OFFICER, is_active=True).only(
        "email", "preferred_language", "full_name"
    )


def notify_officers(*, template: str, context: dict) -> None:
    """One e-mail per officer, in their language, after commit."""
    for officer in officers():
        send_templated_email(
            template=template,
            context={**context, "recipient": officer},
            to=[officer.email],
            language=officer.preferred_language,
        )


def lead_members(proposal: Proposal) -> QuerySet[User]:
    """The people acting for the lead association (every role): the applicant's side of the thread."""
    from accounts.models import User

    return User.objects.filter(memberships__organisation_id=proposal.lead_id, is_active=True).distinct()


def notify_lead_members(*, proposal: Proposal, template: str, context: dict) -> None:
    """One e-mail per member of the lead, each in their own language, so addresses are not shared."""
    for user in lead_members(proposal):
        send_templated_email(
            template=template,
            context={**context, "proposal": proposal, "recipient": user},
            to=[user.email],
            language=user.preferred_language,
        )


class ScoreRefused(ValueError):
    """A score typed for a criterion that cannot be recorded; str() is the message for the user."""


def parse_score(raw: object, criterion: EvaluationCriterion) -> Decimal:
    """The score typed for `criterion` (an evaluator's or the consensus one): a number from 0 to
    the criterion's maximum, with two decimals at most. ScoreRefused says why not."""
    try:
        value = Decimal(str(raw))
    except InvalidOperation:
        raise ScoreRefused(_("The score of criterion %(code)s is not a number.") % {"code": criterion.code}) from None
    if not value.is_finite() or value < 0 or value > criterion.max_score:
        raise ScoreRefused(
            _("The score of criterion %(code)s must be between 0 and %(max)s.")
            % {"code": criterion.code, "max": criterion.max_score}
        )
    if value != value.quantize(Decimal("0.01")):
        raise ScoreRefused(_("The score of criterion %(code)s has more than two decimals.") % {"code": criterion.code})
    return value
