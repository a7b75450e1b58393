"""What every evaluation service shares: the audit row and the e-mails to the office and the applicants."""

from datetime import datetime
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.formats import date_format

from accounts.models import User
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


def rome(moment: datetime) -> str:
    """A moment on the Italian wall clock, in the active language's format."""
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")
