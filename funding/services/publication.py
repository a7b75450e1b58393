"""Publication of the results."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from calls.models import Call
from calls.services import call_transition
from cosviluppo.lib.exceptions import DomainError
from cosviluppo.lib.money import quantize_eur
from projects.models import Award, FunderShare, Proposal
from reports.opendata.services import open_data_changed

from ._common import (
    UNDECIDED_STATUSES,
    Action,
    Status,
    lock_call_money,
    notify_outcome,
    record_decision,
)
from .signoff import decision_digest, funders_missing_approval


class ResultsNotPublishable(DomainError):
    """Publication refused; `problems` lists every reason, not just the first."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__(_("The results cannot be published yet: %(problems)s") % {"problems": " ".join(problems)})


# --- Publication --------------------------------------------------------------------------------


def results_publication_problems(*, call: Call) -> list[str]:
    """Every reason why the results of `call` cannot be published now; empty if none."""
    problems: list[str] = []
    if call.status != Call.Status.EVALUATION:
        problems.append(
            _("The call is not under evaluation (now: %(status)s).") % {"status": Call.Status(call.status).label}
        )
    undecided = list(
        Proposal.objects.filter(call=call, status__in=UNDECIDED_STATUSES)
        .order_by("protocol_sequence", "pk")
        .values_list("protocol_number", flat=True)
    )
    if undecided:
        problems.append(
            _("%(count)s proposals are not decided yet: %(list)s.")
            % {"count": len(undecided), "list": ", ".join(undecided[:10]) + (" …" if len(undecided) > 10 else "")}
        )
    funded = Award.objects.filter(proposal__call=call, proposal__status__in=Proposal.FUNDED_STATUSES)
    granted = quantize_eur(funded.aggregate(total=Sum("amount_granted"))["total"])
    shared = quantize_eur(FunderShare.objects.filter(award__in=funded).aggregate(total=Sum("amount"))["total"])
    if granted != shared:
        problems.append(
            _("The awards add up to € %(granted)s but the funders' shares to € %(shared)s.")
            % {"granted": granted, "shared": shared}
        )
    missing = funders_missing_approval(call)
    if missing:
        problems.append(
            _("Waiting for the approval of: %(funders)s.") % {"funders": ", ".join(f.legal_name for f in missing)}
        )
    return problems


def results_publish(*, call: Call, by: User, now: datetime | None = None) -> Call:
    """Publish the results: the call moves evaluation → results_published (which opens the window
    for requests for review) and every applicant is told its outcome by e-mail.

    Refused, with every reason, while proposals are undecided or a funder has not approved the
    decision as it stands.
    """
    now = now or timezone.now()
    with transaction.atomic():
        locked = lock_call_money(call)
        problems = results_publication_problems(call=locked)
        if problems:
            raise ResultsNotPublishable(problems)
        published = call_transition(
            call=locked, to=Call.Status.RESULTS_PUBLISHED, by=by, reason=_("Results published"), now=now
        )
        record_decision(
            call=published,
            action=Action.RESULTS_PUBLISHED,
            from_value=Call.Status.EVALUATION,
            to_value=Call.Status.RESULTS_PUBLISHED,
            details={"digest": decision_digest(published)},
            by=by,
            now=now,
        )
        # The grants are public from now on: the open-data files are regenerated after commit.
        open_data_changed()
        for proposal in (
            Proposal.objects.filter(call=published)
            .exclude(status__in=[Status.DRAFT, Status.WITHDRAWN])
            .select_related("call", "lead")
        ):
            notify_outcome(proposal)
    call.status = published.status
    call.results_published_at = published.results_published_at
    return published
