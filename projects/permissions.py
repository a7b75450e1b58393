"""Who may do what with a proposal. Pure predicates; views pass their answers to templates.

- Members of the lead association see its proposals; editors and legal representatives edit
  drafts; only legal representatives submit and withdraw (they sign for the association).
- Once submitted, a proposal is frozen, except the sections a request for clarification
  ("soccorso istruttorio") reopens: its lead's editors change those until the deadline.
- Members of a partner organisation (invited or confirmed) see the proposal and answer the
  invitation; they do not edit the lead's sections.
- Programme officers see every proposal once submitted; drafts stay private to the applicants.
"""

from associations.models import Membership, Organisation
from associations.permissions import can_apply_to_calls
from cosviluppo.lib.permissions import is_staff_officer

from .models import Proposal, ProposalPartner

EDITING_ROLES = (Membership.Role.LEGAL_REPRESENTATIVE, Membership.Role.EDITOR)


def _member_roles(user, organisation_id) -> set[str]:
    if not user.is_authenticated:
        return set()
    cache = getattr(user, "_cosviluppo_roles", None)
    if cache is None:
        cache = {}
        for org_id, role in Membership.objects.filter(user=user).values_list("organisation_id", "role"):
            cache.setdefault(org_id, set()).add(role)
        user._cosviluppo_roles = cache
    return cache.get(organisation_id, set())


def is_lead_member(user, proposal: Proposal) -> bool:
    return bool(_member_roles(user, proposal.lead_id))


def is_lead_editor(user, proposal: Proposal) -> bool:
    """Editors and legal representatives of the lead, whatever the proposal's status: once it is
    submitted they are sent to its read-only page instead of being refused."""
    return bool(_member_roles(user, proposal.lead_id) & set(EDITING_ROLES))


def is_partner_member(user, proposal: Proposal) -> bool:
    if not user.is_authenticated:
        return False
    return ProposalPartner.objects.filter(
        proposal=proposal,
        organisation__memberships__user=user,
        response__in=[ProposalPartner.Response.INVITED, ProposalPartner.Response.CONFIRMED],
    ).exists()


def can_start_proposal(user) -> bool:
    """Members (editor or legal representative) of a verified migrant association."""
    return can_apply_to_calls(user)


def can_view_proposal(user, proposal: Proposal) -> bool:
    if is_lead_member(user, proposal) or is_partner_member(user, proposal):
        return True
    return is_staff_officer(user) and proposal.status != Proposal.Status.DRAFT


def can_edit_proposal(user, proposal: Proposal) -> bool:
    """Drafts only (a submitted proposal is frozen), by the lead's editors."""
    return proposal.status == Proposal.Status.DRAFT and bool(_member_roles(user, proposal.lead_id) & set(EDITING_ROLES))


def can_edit_proposal_step(user, proposal: Proposal, step: str, now=None) -> bool:
    """A step of the form (projects.steps key): every step of a draft, as can_edit_proposal; of a
    submitted proposal, only the steps a request for clarification reopened ("soccorso
    istruttorio"), by the lead's editors, until its deadline. Past it the proposal is judged as
    it stands."""
    if proposal.status == Proposal.Status.DRAFT:
        return can_edit_proposal(user, proposal)
    if proposal.status != Proposal.Status.SUBMITTED or not is_lead_editor(user, proposal):
        return False
    # Imported here: evaluation builds on projects, not the other way round.
    from evaluation.selectors import open_clarification_sections

    return step in open_clarification_sections(proposal, now)


def editable_proposal_steps(user, proposal: Proposal, now=None) -> set[str]:
    """The steps the user may edit now (the steps nav links only these): can_edit_proposal_step
    for every step, in one query at most."""
    from .steps import STEP_KEYS

    if proposal.status == Proposal.Status.DRAFT:
        return set(STEP_KEYS) if can_edit_proposal(user, proposal) else set()
    if proposal.status != Proposal.Status.SUBMITTED or not is_lead_editor(user, proposal):
        return set()
    from evaluation.selectors import open_clarification_sections

    return open_clarification_sections(proposal, now) & set(STEP_KEYS)


def can_submit_proposal(user, proposal: Proposal) -> bool:
    return proposal.status == Proposal.Status.DRAFT and Membership.Role.LEGAL_REPRESENTATIVE in _member_roles(
        user, proposal.lead_id
    )


def can_withdraw_proposal(user, proposal: Proposal) -> bool:
    return proposal.status in (
        Proposal.Status.DRAFT,
        Proposal.Status.SUBMITTED,
    ) and Membership.Role.LEGAL_REPRESENTATIVE in _member_roles(user, proposal.lead_id)


def can_answer_partnership(user, partner: ProposalPartner, now=None) -> bool:
    """Editors and legal representatives of the invited organisation, while the proposal is a draft
    (or its partners are reopened by a request for clarification, until the deadline)."""
    if partner.organisation.kind == Organisation.Kind.ORIGIN_PARTNER or not (
        _member_roles(user, partner.organisation_id) & set(EDITING_ROLES)
    ):
        return False
    proposal = partner.proposal
    if proposal.status == Proposal.Status.DRAFT:
        return True
    if proposal.status != Proposal.Status.SUBMITTED:
        return False
    from evaluation.selectors import open_clarification_sections

    return "partners" in open_clarification_sections(proposal, now)


def can_download_receipt(user, proposal: Proposal) -> bool:
    """Whoever sees the proposal, once it has been submitted (it has a protocol number)."""
    return bool(proposal.protocol_number and proposal.submitted_at) and can_view_proposal(user, proposal)
