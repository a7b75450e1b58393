"""Who may do what with a proposal. Pure predicates; views pass their answers to templates.

- Members of the lead association see its proposals; editors and legal representatives edit
  drafts; only legal representatives submit and withdraw (they sign for the association).
- Once submitted, a proposal is frozen, except the sections a request for clarification
  ("soccorso istruttorio") reopens: its lead's editors change those until the deadline.
- Members of a partner organisation (invited or confirmed) see the proposal and answer the
  invitation; they do not edit the lead's sections.
- Programme officers see every proposal once submitted; drafts stay private to the applicants.
"""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from associations.models import Organisation
from associations.permissions import can_apply_to_calls
from cosviluppo.lib.permissions import is_editor, is_member, is_signatory, is_staff_officer

from .models import Proposal, ProposalPartner


@dataclass(frozen=True)
class ProposalActions:
    """What the proposal's page (projects:proposal-detail) may offer the user now."""

    can_edit: bool
    editable_steps: frozenset[str]
    # On a draft, the lead's members see whether it can be submitted (the eligibility panel).
    can_check_eligibility: bool
    can_submit: bool
    can_withdraw: bool
    can_download_receipt: bool
    # A partner's member reads the draft here and answers on its partnership's page.
    can_answer_as_partner: bool
    # After submission, the lead's members: the open requests for clarification and the messages.
    can_follow_up: bool
    can_read_outcome: bool
    # Staff: the evaluation page, the project's money page, the proposal's actual status.
    can_open_evaluation: bool
    can_open_project: bool
    can_see_internal_status: bool


def is_lead_member(user: Any, proposal: Proposal) -> bool:
    return is_member(user, proposal.lead_id)


def is_lead_editor(user: Any, proposal: Proposal) -> bool:
    """Editors and legal representatives of the lead, whatever the proposal's status: once it is
    submitted they are sent to its read-only page instead of being refused."""
    return is_editor(user, proposal.lead_id)


def is_partner_member(user: Any, proposal: Proposal) -> bool:
    if not user.is_authenticated:
        return False
    return ProposalPartner.objects.filter(
        proposal=proposal,
        organisation__memberships__user=user,
        response__in=[ProposalPartner.Response.INVITED, ProposalPartner.Response.CONFIRMED],
    ).exists()


def can_start_proposal(user: Any) -> bool:
    """Members (editor or legal representative) of a verified migrant association."""
    return can_apply_to_calls(user)


def can_view_proposal(user: Any, proposal: Proposal) -> bool:
    if is_lead_member(user, proposal) or is_partner_member(user, proposal):
        return True
    return is_staff_officer(user) and proposal.status != Proposal.Status.DRAFT


def can_edit_proposal(user: Any, proposal: Proposal) -> bool:
    """Drafts only (a submitted proposal is frozen), by the lead's editors."""
    return proposal.status == Proposal.Status.DRAFT and is_lead_editor(user, proposal)


def can_edit_proposal_step(user: Any, proposal: Proposal, step: str, now: datetime | None = None) -> bool:
    """A step of the form (projects.steps key): every step of a draft, as can_edit_proposal; of a
    submitted proposal, only the steps a request for clarification reopened ("soccorso
    istruttorio"), by the lead's editors, until its deadline. Past it the proposal is judged as
    it stands."""
    if proposal.status == Proposal.Status.DRAFT:
        return can_edit_proposal(user, proposal)
    if proposal.status != Proposal.Status.SUBMITTED or not is_lead_editor(user, proposal):
        return False
    return step in proposal.reopened_sections(now)


def editable_proposal_steps(user: Any, proposal: Proposal, now: datetime | None = None) -> set[str]:
    """The steps the user may edit now (the steps nav links only these): can_edit_proposal_step
    for every step, in one query at most."""
    from .steps import STEP_KEYS

    if proposal.status == Proposal.Status.DRAFT:
        return set(STEP_KEYS) if can_edit_proposal(user, proposal) else set()
    if proposal.status != Proposal.Status.SUBMITTED or not is_lead_editor(user, proposal):
        return set()
    return proposal.reopened_sections(now) & set(STEP_KEYS)


def can_submit_proposal(user: Any, proposal: Proposal) -> bool:
    return proposal.status == Proposal.Status.DRAFT and is_signatory(user, proposal.lead_id)


def can_withdraw_proposal(user: Any, proposal: Proposal) -> bool:
    return proposal.status in (Proposal.Status.DRAFT, Proposal.Status.SUBMITTED) and is_signatory(
        user, proposal.lead_id
    )


def can_answer_partnership(user: Any, partner: ProposalPartner, now: datetime | None = None) -> bool:
    """Editors and legal representatives of the invited organisation, while the proposal is a draft
    (or its partners are reopened by a request for clarification, until the deadline)."""
    if partner.organisation.kind == Organisation.Kind.ORIGIN_PARTNER or not is_editor(user, partner.organisation_id):
        return False
    proposal = partner.proposal
    if proposal.status == Proposal.Status.DRAFT:
        return True
    if proposal.status != Proposal.Status.SUBMITTED:
        return False
    return "partners" in proposal.reopened_sections(now)


def can_download_receipt(user: Any, proposal: Proposal) -> bool:
    """Whoever sees the proposal, once it has been submitted (it has a protocol number)."""
    return bool(proposal.protocol_number and proposal.submitted_at) and can_view_proposal(user, proposal)


def proposal_actions(user: Any, proposal: Proposal, now: datetime | None = None) -> ProposalActions:
    """Every answer the proposal's page needs, worked out once (views and templates read these)."""
    lead_member = is_lead_member(user, proposal)
    received = proposal.is_received()
    staff = is_staff_officer(user) and received
    return ProposalActions(
        can_edit=can_edit_proposal(user, proposal),
        editable_steps=frozenset(editable_proposal_steps(user, proposal, now)),
        can_check_eligibility=proposal.is_draft and lead_member,
        can_submit=can_submit_proposal(user, proposal),
        can_withdraw=can_withdraw_proposal(user, proposal),
        can_download_receipt=can_download_receipt(user, proposal),
        can_answer_as_partner=proposal.is_draft and not lead_member,
        can_follow_up=received and lead_member,
        can_read_outcome=(
            received
            and lead_member
            and proposal.call.results_are_published()
            and proposal.status != Proposal.Status.WITHDRAWN
        ),
        can_open_evaluation=staff,
        can_open_project=staff and proposal.is_project,
        can_see_internal_status=staff,
    )
