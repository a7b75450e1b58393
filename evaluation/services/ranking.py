"""Computing and storing a call's ranking (the order is documented in evaluation.ranking)."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from calls.models import Call
from projects.models import Proposal
from projects.services import proposal_transition

from ..models import EvaluationEvent
from ..ranking import RankedProposal, compute_ranking
from ._common import record_event


def call_rank(*, call: Call, by: User, now: datetime | None = None) -> list[RankedProposal]:
    """Rank every evaluated proposal of the call with a complete consensus: store its weighted
    total (Proposal.total_score) and position (Proposal.rank), move those under evaluation to
    ranked, and leave an audit row wherever the total or the rank changed.

    The call row is locked, so two computations run one after the other; running it again with
    the same scores changes nothing. Proposals without a complete consensus are left out (and
    keep no rank of their own).
    """
    now = now or timezone.now()
    with transaction.atomic():
        Call.objects.select_for_update().get(pk=call.pk)
        ranking = compute_ranking(call)
        for line in ranking:
            proposal = line.proposal
            old_total, old_rank = proposal.total_score, proposal.rank
            if old_total != line.total_score or old_rank != line.position:
                Proposal.objects.filter(pk=proposal.pk).update(
                    total_score=line.total_score, rank=line.position, updated_at=now
                )
                proposal.total_score, proposal.rank = line.total_score, line.position
                record_event(
                    proposal=proposal,
                    kind=EvaluationEvent.Kind.RANK_COMPUTED,
                    by=by,
                    now=now,
                    from_status=str(old_rank) if old_rank is not None else "",
                    to_status=str(line.position),
                    reason=" ".join(line.reasons_not_fundable),
                    details={
                        "total_score": str(line.total_score),
                        "previous_total_score": str(old_total) if old_total is not None else None,
                        "fundable": line.fundable,
                    },
                )
            if proposal.status == Proposal.Status.UNDER_EVALUATION:
                proposal_transition(
                    proposal=proposal,
                    to=Proposal.Status.RANKED,
                    by=by,
                    now=now,
                    reason=_("Rank %(rank)s, total score %(total)s.")
                    % {"rank": line.position, "total": line.total_score},
                )
    return ranking
