"""Every write that changes a proposal, its lifecycle or its money goes through these services.

Split by sub-domain: `lifecycle` (status moves, submission, awards and their split across the
funders' commitments), `editing` (drafts: sections, partners, budget, attachments) and
`submission` (eligibility-checked submission, withdrawal, receipts and notices).
"""

from .lifecycle import (
    CommitmentExceeded,
    InsufficientFunds,
    award_allocate,
    award_grant,
    commitments_available,
    proposal_submit,
    proposal_transition,
    protocol_number_for,
)

__all__ = [
    "CommitmentExceeded",
    "InsufficientFunds",
    "award_allocate",
    "award_grant",
    "commitments_available",
    "proposal_submit",
    "proposal_transition",
    "protocol_number_for",
]
