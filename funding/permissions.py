"""Who may do what with the funding decision. Pure predicates; views pass their answers to templates.

- Programme officers (and administrators) take the decision, publish it, answer requests for
  review and record agreements and payments.
- Members of a funder organisation (Organisation.FUNDER_KINDS) see the proposed decision of the
  calls their organisation has money in and answer for it (approval or remarks).
- Members of the lead association read the outcome of their proposal once the results are
  published; its legal representative files a request for review within the window.
- Everyone reads the published results of a call.
"""

from datetime import datetime

from associations.models import Membership, Organisation
from cosviluppo.lib.permissions import is_staff_officer, membership_summary
from projects.models import Proposal

from .services import review_window_is_open


def _roles_by_organisation(user) -> dict[int, set[str]]:
    if not user.is_authenticated:
        return {}
    cache = getattr(user, "_funding_roles", None)
    if cache is None:
        cache = {}
        for org_id, kind, role, _verification in membership_summary(user):
            cache.setdefault(org_id, set()).update({role, f"kind:{kind}"})
        user._funding_roles = cache
    return cache


def can_manage_funding(user, obj=None) -> bool:
    """The decision pages, exports, publication, answers to requests, agreements and payments."""
    return is_staff_officer(user)


def is_funder_member(user, obj=None) -> bool:
    """A member (any role) of a funder organisation."""
    kinds = {f"kind:{kind}" for kind in Organisation.FUNDER_KINDS}
    return any(roles & kinds for roles in _roles_by_organisation(user).values())


def can_request_review(user, proposal: Proposal, now: datetime | None = None) -> bool:
    """The lead's legal representative, within the call's window, for a proposal with an outcome."""
    if proposal.status in (Proposal.Status.DRAFT, Proposal.Status.WITHDRAWN):
        return False
    roles = _roles_by_organisation(user).get(proposal.lead_id, set())
    return Membership.Role.LEGAL_REPRESENTATIVE in roles and review_window_is_open(proposal.call, now)
