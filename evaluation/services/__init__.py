"""Every write of the evaluation goes through these services, inside a transaction, with its
audit row (EvaluationEvent, or ProposalStatusChange through projects' proposal_transition)
and its e-mails sent after commit.

Split by step: `admissibility` (checklist, admissible / inadmissible), `clarifications`
(soccorso istruttorio), `reviews` (assignment, declaration of interest, scores), `consensus`,
`ranking` and `messages` (the thread with the applicant).
"""

from ..ranking import RankedProposal
from .admissibility import (
    AdmissibilityNotDecidable,
    admissibility_check_save,
    proposal_admit,
    proposal_declare_inadmissible,
)
from .clarifications import ClarificationClosed, clarification_answer, clarification_expire, clarification_request
from .consensus import consensus_record
from .messages import proposal_message_post
from .ranking import call_rank
from .reviews import (
    AssignmentResult,
    review_assign,
    review_declare,
    review_save_draft,
    review_submit,
    reviews_assign_balanced,
)

__all__ = [
    "AdmissibilityNotDecidable",
    "AssignmentResult",
    "ClarificationClosed",
    "RankedProposal",
    "admissibility_check_save",
    "call_rank",
    "clarification_answer",
    "clarification_expire",
    "clarification_request",
    "consensus_record",
    "proposal_admit",
    "proposal_declare_inadmissible",
    "proposal_message_post",
    "review_assign",
    "review_declare",
    "review_save_draft",
    "review_submit",
    "reviews_assign_balanced",
]
