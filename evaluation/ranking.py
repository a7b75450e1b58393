"""How a call's proposals are ranked from their consensus scores. Pure reads: the service
`call_rank` stores the result, the selector `call_ranking` only shows it.

The weighted total of a proposal is the sum over the call's criteria of
consensus score / maximum score × weight, so it is out of 100 when the weights add up
to 100; it is rounded to the cent (half up) once, at the end.

A proposal is fundable when no consensus score is below its criterion's minimum and the
total is not below the call's overall threshold. Fundable proposals come first, then the
others ("non idonei"), each group in this order:
1. higher weighted total (to the cent: what the pages show is what decides);
2. higher consensus score on the call's first criterion (by order, then code);
3. earlier submission (Proposal.submitted_at);
4. lower protocol sequence (unique within the call, so the order is always total).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import gettext as _

from calls.models import Call, EvaluationCriterion
from projects.models import ConsensusScore, Proposal

CENT = Decimal("0.01")
# Proposals that have been (or are being) evaluated; drafts, submitted, admissible,
# inadmissible and withdrawn ones are never ranked.
RANKABLE_STATUSES = (
    Proposal.Status.UNDER_EVALUATION,
    Proposal.Status.RANKED,
    Proposal.Status.RESERVE,
    Proposal.Status.FUNDED,
    Proposal.Status.NOT_FUNDED,
    Proposal.Status.IN_PROGRESS,
    Proposal.Status.CLOSED,
)


@dataclass(frozen=True)
class RankedProposal:
    """One line of a call's ranking."""

    proposal: Proposal
    total_score: Decimal
    criterion_scores: dict[int, Decimal] = field(default_factory=dict)
    fundable: bool = True
    reasons_not_fundable: list[str] = field(default_factory=list)
    position: int = 0


def _score(value: Decimal) -> str:
    return number_format(value, decimal_pos=2, use_l10n=True)


def weighted_total(criteria: list[EvaluationCriterion], scores: dict[int, Decimal]) -> Decimal:
    """Σ score / max × weight over the criteria, rounded to the cent."""
    total = sum((scores[criterion.pk] / criterion.max_score * criterion.weight for criterion in criteria), Decimal("0"))
    return total.quantize(CENT, rounding=ROUND_HALF_UP)


def reasons_not_fundable(
    call: Call, criteria: list[EvaluationCriterion], scores: dict[int, Decimal], total: Decimal
) -> list[str]:
    """Why a proposal cannot be funded, in plain words; empty when it can."""
    reasons = []
    for criterion in criteria:
        threshold = criterion.min_threshold
        if threshold is not None and scores[criterion.pk] < threshold:
            reasons.append(
                _("Criterion %(code)s scored %(score)s, below its minimum of %(min)s.")
                % {"code": criterion.code, "score": _score(scores[criterion.pk]), "min": _score(threshold)}
            )
    if total < call.overall_threshold:
        reasons.append(
            _("The total score %(total)s is below the call's threshold of %(min)s.")
            % {"total": _score(total), "min": _score(call.overall_threshold)}
        )
    return reasons


RANKING_DEFERRED_FIELDS = (
    "summary",
    "origin_context",
    "residence_context",
    "objectives",
    "expected_results",
    "beneficiaries_origin_description",
    "beneficiaries_residence_description",
    "sustainability",
    "lead__description",
    "lead__statute",
)


def compute_ranking(call: Call) -> list[RankedProposal]:
    """The ranking of every evaluated proposal of `call` with a consensus score on every
    criterion, in the order documented above (three queries)."""
    criteria = list(EvaluationCriterion.objects.filter(call=call).order_by("order", "code", "pk"))
    if not criteria:
        return []
    proposals = (
        Proposal.objects.filter(call=call, status__in=RANKABLE_STATUSES)
        .select_related("lead")
        # The ranking pages show titles and names, never the long texts: leave them in the database.
        .defer(*RANKING_DEFERRED_FIELDS)
        .order_by("protocol_sequence", "pk")
    )
    # The scores as plain tuples: a large call has tens of thousands, and model instances for
    # them cost more than the rest of the ranking.
    consensus: dict[int, dict[int, Decimal]] = {}
    for proposal_id, criterion_id, score in (
        ConsensusScore.objects.filter(proposal__call=call, proposal__status__in=RANKABLE_STATUSES)
        .order_by()
        .values_list("proposal_id", "criterion_id", "score")
    ):
        consensus.setdefault(proposal_id, {})[criterion_id] = score
    first = criteria[0].pk
    lines = []
    for proposal in proposals:
        scores = consensus.get(proposal.pk, {})
        if any(criterion.pk not in scores for criterion in criteria):
            continue  # consensus not complete yet
        scores = {criterion.pk: scores[criterion.pk] for criterion in criteria}
        total = weighted_total(criteria, scores)
        reasons = reasons_not_fundable(call, criteria, scores, total)
        lines.append((proposal, total, scores, reasons))

    def order(line):
        proposal, total, scores, reasons = line
        submitted = proposal.submitted_at.timestamp() if proposal.submitted_at else float("inf")
        sequence = proposal.protocol_sequence if proposal.protocol_sequence is not None else 2**31
        return (bool(reasons), -total, -scores[first], submitted, sequence, proposal.pk)

    lines.sort(key=order)
    return [
        RankedProposal(
            proposal=proposal,
            total_score=total,
            criterion_scores=scores,
            fundable=not reasons,
            reasons_not_fundable=reasons,
            position=position,
        )
        for position, (proposal, total, scores, reasons) in enumerate(lines, start=1)
    ]
