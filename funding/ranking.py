"""The call's ranking as the funding decision reads it.

The ranking belongs to the `evaluation` app (`evaluation.selectors.call_ranking`); this module is
the one door through which `funding` reads it, so the decision, the exports, the sign-off and the
results page all see the same order. When the evaluation app does not provide it (an installation
without it, or while it is being built), the same structure is rebuilt from what
`evaluation.services.call_rank` stores on each proposal: `Proposal.rank` and `total_score`.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch
from django.utils.translation import gettext as _

from calls.models import Call
from projects.models import ConsensusScore, Proposal

# Statuses of a proposal with a place in the ranking (the decision moves it on from `ranked`; a request
# for review can send it back to the evaluation).
RANKED_STATUSES = (
    Proposal.Status.UNDER_EVALUATION,
    Proposal.Status.RANKED,
    Proposal.Status.FUNDED,
    Proposal.Status.RESERVE,
    Proposal.Status.NOT_FUNDED,
    Proposal.Status.IN_PROGRESS,
    Proposal.Status.CLOSED,
    Proposal.Status.WITHDRAWN,
)


@dataclass(frozen=True)
class RankedProposal:
    """One line of the ranking: the same shape as `evaluation.selectors.RankedProposal`."""

    proposal: Proposal
    total_score: Decimal
    criterion_scores: dict = field(default_factory=dict)  # criterion id → Decimal
    fundable: bool = True
    reasons_not_fundable: list = field(default_factory=list)
    position: int = 0


def ranking_for(call: Call) -> list:
    """The ranking of `call`, best first: the evaluation app's when it exists, else the stored one."""
    try:
        from evaluation.selectors import call_ranking
    except ImportError:
        return ranking_from_stored_ranks(call)
    return list(call_ranking(call))


def ranking_from_stored_ranks(call: Call) -> list[RankedProposal]:
    """Rebuild the ranking from Proposal.rank/total_score and the consensus scores (3 queries).

    Fundable means: total at least the call's overall threshold and every criterion with a
    minimum at least at that minimum (the rules of the call's evaluation grid).
    """
    criteria = list(call.criteria.all())
    proposals = (
        Proposal.objects.filter(call=call, rank__isnull=False, status__in=RANKED_STATUSES)
        .select_related("lead", "call")
        .prefetch_related(
            Prefetch("consensus_scores", queryset=ConsensusScore.objects.order_by("pk"), to_attr="consensus_list")
        )
        .order_by("rank", "pk")
    )
    ranking = []
    for proposal in proposals:
        scores = {score.criterion_id: score.score for score in proposal.consensus_list}
        total = proposal.total_score if proposal.total_score is not None else Decimal("0")
        reasons = []
        if total < call.overall_threshold:
            reasons.append(
                _("The total score %(total)s is below the threshold of %(threshold)s.")
                % {"total": total, "threshold": call.overall_threshold}
            )
        for criterion in criteria:
            if criterion.min_threshold is None:
                continue
            score = scores.get(criterion.pk)
            if score is None or score < criterion.min_threshold:
                reasons.append(
                    _("Criterion %(code)s scored %(score)s, below its minimum of %(minimum)s.")
                    % {
                        "code": criterion.code,
                        "score": score if score is not None else "—",
                        "minimum": criterion.min_threshold,
                    }
                )
        ranking.append(
            RankedProposal(
                proposal=proposal,
                total_score=total,
                criterion_scores=scores,
                fundable=not reasons,
                reasons_not_fundable=reasons,
                position=proposal.rank,
            )
        )
    return ranking
