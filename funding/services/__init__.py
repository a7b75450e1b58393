"""Every write of the funding decision: from the ranking to awards, sign-off, publication,
requests for review, grant agreements and installments. Split by step: `decision`, `signoff`,
`publication`, `review`, `agreement` (and `_common`, what they share).

How the budget is spent (decided here; the decision page says it to the officer):
- Going down the ranking, each fundable proposal gets the amount it requested while what the
  funders' commitments still have covers it. The first one that does not fit heads the
  reserve list and the walk STOPS there: "while the budget lasts" means that smaller
  proposals further down are not skipped ahead of it. Everything fundable below goes to the
  reserve list in rank order; the proposals that are not fundable are not funded.
- What is left over is not lost: the officer may offer it to the head of the reserve list as a
  reduced grant (`funding_grant`, with a reason), or lower other awards (`funding_award_change`).
- When money is freed (a funded project withdraws, an award is lowered) the reserve list is
  funded again in rank order by the same walk (`funding_fill_from_reserve`, idempotent).
- A fundable proposal not decided yet (still `ranked`, or sent back to the evaluation by a
  request for review) blocks the queue below it: nobody ranked lower is funded first. The
  decision is not proposed at all while some proposal of the call is not ranked yet.

Every service locks the call row and then its funder commitments (in id order, the order
`award_allocate` uses), so concurrent decisions on one call queue instead of overdrawing or
deadlocking, and every change writes a DecisionRecord (who, when, from, to, why).
"""

from ._common import (
    DECIDING_CALL_STATUSES,
    NOT_YET_RANKED_STATUSES,
    UNDECIDED_STATUSES,
    requested_amounts,
)
from .agreement import grant_agreement_record, installment_amounts, installment_pay
from .decision import (
    DecisionOutcome,
    award_withdraw,
    call_evaluation_start,
    funding_allocation_set,
    funding_award_change,
    funding_fill_from_reserve,
    funding_grant,
    funding_propose,
)
from .publication import ResultsNotPublishable, results_publication_problems, results_publish
from .review import (
    REOPEN_TO,
    funding_decision_reopen,
    review_request_answer,
    review_request_file,
    review_window_closes_at,
    review_window_is_open,
)
from .signoff import (
    decision_digest,
    decision_digests,
    funder_sign_off,
    funders_missing_approval,
    undecided_count,
)

__all__ = [
    "DECIDING_CALL_STATUSES",
    "NOT_YET_RANKED_STATUSES",
    "REOPEN_TO",
    "UNDECIDED_STATUSES",
    "DecisionOutcome",
    "ResultsNotPublishable",
    "award_withdraw",
    "call_evaluation_start",
    "decision_digest",
    "decision_digests",
    "funder_sign_off",
    "funders_missing_approval",
    "funding_allocation_set",
    "funding_award_change",
    "funding_decision_reopen",
    "funding_fill_from_reserve",
    "funding_grant",
    "funding_propose",
    "grant_agreement_record",
    "installment_amounts",
    "installment_pay",
    "requested_amounts",
    "results_publication_problems",
    "results_publish",
    "review_request_answer",
    "review_request_file",
    "review_window_closes_at",
    "review_window_is_open",
    "undecided_count",
]
