"""Every write that changes a proposal, its lifecycle or its money goes through these services.

Split by sub-domain: `lifecycle` (status moves with their audit row, protocol numbers, awards and
their split across the funders' commitments), `editing` (drafts: sections, partners, budget,
attachments) and `submission` (the one submission service, every rule of the call checked;
withdrawal; receipts and notices).
"""

from .editing import (
    EditConflict,
    ProposalFrozen,
    partner_respond,
    proposal_attachment_delete,
    proposal_attachment_upload,
    proposal_partner_add_origin,
    proposal_partner_invite,
    proposal_partner_remove,
    proposal_save_step,
    proposal_start,
)
from .lifecycle import (
    CommitmentExceeded,
    InsufficientFunds,
    award_allocate,
    award_grant,
    commitments_available,
    proposal_transition,
    protocol_number_for,
    protocol_number_of,
)
from .submission import (
    ProposalNotEligible,
    SubmissionClosed,
    WithdrawalClosed,
    proposal_submit,
    proposal_withdraw,
)

__all__ = [
    "CommitmentExceeded",
    "InsufficientFunds",
    "award_allocate",
    "award_grant",
    "commitments_available",
    "proposal_transition",
    "protocol_number_for",
    "protocol_number_of",
    # editing
    "EditConflict",
    "ProposalFrozen",
    "partner_respond",
    "proposal_attachment_delete",
    "proposal_attachment_upload",
    "proposal_partner_add_origin",
    "proposal_partner_invite",
    "proposal_partner_remove",
    "proposal_save_step",
    "proposal_start",
    # submission
    "ProposalNotEligible",
    "SubmissionClosed",
    "WithdrawalClosed",
    "proposal_submit",
    "proposal_withdraw",
]
