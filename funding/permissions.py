"""Who may do what with the funding decision. Pure predicates; views pass their answers to templates.

- Programme officers (and administrators) take the decision, publish it, answer requests for
  review and record agreements and payments.
- Members of a funder organisation (Organisation.FUNDER_KINDS) see the proposed decision of the
  calls their organisation has money in and answer for it (approval or remarks).
- Members of the lead association read the outcome of their proposal once the results are
  published; its legal representative files a request for review within the window.
- Everyone reads the published results of a call.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from associations.models import Organisation
from calls.models import Call
from cosviluppo.lib.permissions import is_signatory, is_staff_officer, membership_kinds
from projects.models import Proposal

from .services import DECIDING_CALL_STATUSES, review_window_is_open


def can_manage_funding(user: Any, obj: object = None) -> bool:
    """The decision pages, exports, publication, answers to requests, agreements and payments."""
    return is_staff_officer(user)


def is_funder_member(user: Any, obj: object = None) -> bool:
    """A member (any role) of a funder organisation."""
    return bool(membership_kinds(user) & set(Organisation.FUNDER_KINDS))


def can_request_review(user: Any, proposal: Proposal, now: datetime | None = None) -> bool:
    """The lead's legal representative, within the call's window, for a proposal with an outcome."""
    if proposal.status in (Proposal.Status.DRAFT, Proposal.Status.WITHDRAWN):
        return False
    return is_signatory(user, proposal.lead_id) and review_window_is_open(proposal.call, now)


@dataclass(frozen=True)
class CallDecisionActions:
    """What a call's decision page (funding:decision) may offer the staff, by the call's status."""

    can_start_evaluation: bool  # closed: the evaluation starts
    can_decide: bool  # under evaluation, and after publication (money freed later funds the reserve)
    can_publish_results: bool  # under evaluation: the publication section, with what is missing


def call_decision_actions(user: Any, call: Call, now: datetime | None = None) -> CallDecisionActions:
    staff = can_manage_funding(user)
    return CallDecisionActions(
        can_start_evaluation=staff and call.status == Call.Status.CLOSED,
        can_decide=staff and call.status in DECIDING_CALL_STATUSES,
        can_publish_results=staff and call.is_in_evaluation,
    )


@dataclass(frozen=True)
class ProjectActions:
    """What a proposal's money page (funding:project) may offer the staff, by the proposal's status."""

    can_grant: bool  # ranked or on the reserve list
    can_change_award: bool  # funded, before the agreement
    can_record_agreement: bool  # funded, once the results are published
    can_withdraw: bool  # funded or running
    can_record_payment: bool  # running: the next planned installment


def project_actions(user: Any, proposal: Proposal, now: datetime | None = None) -> ProjectActions:
    staff = can_manage_funding(user)
    funded = proposal.status == Proposal.Status.FUNDED
    return ProjectActions(
        can_grant=staff and proposal.status in (Proposal.Status.RANKED, Proposal.Status.RESERVE),
        can_change_award=staff and funded,
        can_record_agreement=staff and funded and proposal.call.results_are_published(),
        can_withdraw=staff and proposal.status in (Proposal.Status.FUNDED, Proposal.Status.IN_PROGRESS),
        can_record_payment=staff and proposal.status == Proposal.Status.IN_PROGRESS,
    )
