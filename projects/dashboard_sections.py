"""The proposals' sections of /dashboard/ (cosviluppo/views.py, DashboardView, calls dashboard_sections).

- Applicants (members of a migrant association): their proposals grouped by status, the next
  deadlines (open calls and their drafts) and the drafts waiting for the NGO partner's answer.
- NGO partners: the invitations to answer and the proposals they take part in.
- Programme officers: the proposals received by each open or closed call, counted by status.

Each section costs a fixed number of queries, whatever the number of proposals: lists are
read once, with what their rows show, and cut at a few dozen rows (with the total counted).
"""

from collections import Counter
from datetime import datetime

from django.db.models import Count
from django.utils import timezone

from associations.models import Membership, Organisation
from calls.models import Call
from cosviluppo.lib.permissions import is_staff_officer, membership_summary

from .models import Proposal, ProposalPartner

# Rows shown per list; more is a job for the proposal lists, not the dashboard.
MY_PROPOSALS_ROWS = 50
ROWS = 10

# The order of the status groups: work in progress first, then the outcome, withdrawn last.
STATUS_ORDER = [
    Proposal.Status.DRAFT,
    Proposal.Status.SUBMITTED,
    Proposal.Status.ADMISSIBLE,
    Proposal.Status.UNDER_EVALUATION,
    Proposal.Status.RANKED,
    Proposal.Status.RESERVE,
    Proposal.Status.FUNDED,
    Proposal.Status.IN_PROGRESS,
    Proposal.Status.CLOSED,
    Proposal.Status.NOT_FUNDED,
    Proposal.Status.INADMISSIBLE,
    Proposal.Status.WITHDRAWN,
]
VERIFIED = Organisation.VerificationStatus.VERIFIED


def _has_receipt(proposal: Proposal) -> bool:
    return bool(proposal.protocol_number and proposal.submitted_at)


def dashboard_sections(user) -> list[tuple[str, dict]]:
    if not user.is_authenticated:
        return []
    now = timezone.now()
    memberships = membership_summary(user)
    kinds = {kind for _org, kind, _role, _verification in memberships}
    sections: list[tuple[str, dict]] = []
    if Organisation.Kind.MIGRANT_ASSOCIATION in kinds:
        sections += applicant_sections(memberships=memberships, now=now)
    if Organisation.Kind.NGO in kinds:
        sections += ngo_sections(memberships=memberships, now=now)
    if is_staff_officer(user):
        sections.append(("projects/partials/dashboard_received.html", proposals_received_by_call(now=now)))
    return sections


# --- Applicants --------------------------------------------------------------------------------


def applicant_sections(*, memberships, now: datetime) -> list[tuple[str, dict]]:
    """My proposals, next deadlines, partner confirmations waiting: four queries in all."""
    lead_ids = [org for org, kind, _role, _verification in memberships if kind == Organisation.Kind.MIGRANT_ASSOCIATION]
    mine = Proposal.objects.filter(lead_id__in=lead_ids)
    # Grouped by the status applicants are told (Proposal.public_status): the outcome only once
    # the call's results are published, "under evaluation" until then.
    counts: Counter = Counter()
    for status, call_status, n in mine.order_by().values_list("status", "call__status").annotate(n=Count("pk")):
        hidden = status in Proposal.OUTCOME_STATUSES and call_status not in Call.RESULTS_PUBLISHED_STATUSES
        counts[Proposal.Status.UNDER_EVALUATION if hidden else status] += n
    rows = list(mine.select_related("call", "lead").order_by("-updated_at", "-pk")[:MY_PROPOSALS_ROWS])
    for proposal in rows:
        proposal.has_receipt = _has_receipt(proposal)
        # The outcome page (funding:outcome) opens once the call's results are published.
        proposal.has_outcome = (
            proposal.has_receipt
            and proposal.call.results_are_published()
            and proposal.status not in (Proposal.Status.DRAFT, Proposal.Status.WITHDRAWN)
        )
        proposal.deadline_passed = now >= proposal.call.closes_at
    groups = [
        {
            "status": status,
            "label": Proposal.Status(status).label,
            "count": counts[status],
            "proposals": [p for p in rows if p.public_status == status],
        }
        for status in STATUS_ORDER
        if counts.get(status)
    ]

    # Open calls the user's associations can apply to: verified, and the user edits for them.
    can_apply = any(
        kind in Organisation.APPLICANT_KINDS and role in Membership.EDITING_ROLES and verification == VERIFIED
        for _org, kind, role, verification in memberships
    )
    open_calls = list(Call.objects.open_at(now).order_by("closes_at")[:ROWS]) if can_apply else []
    in_call = {p.call_id: p for p in rows if p.status != Proposal.Status.WITHDRAWN}
    for call in open_calls:
        call.my_proposal = in_call.get(call.pk)
    drafts = sorted(
        (p for p in rows if p.status == Proposal.Status.DRAFT),
        key=lambda p: (p.deadline_passed, p.call.closes_at),
    )

    waiting = list(
        ProposalPartner.objects.filter(
            proposal__lead_id__in=lead_ids,
            proposal__status=Proposal.Status.DRAFT,
            role=ProposalPartner.Role.ITALIAN_NGO,
            response=ProposalPartner.Response.INVITED,
        )
        .select_related("proposal__call", "organisation")
        .order_by("proposal__call__closes_at", "pk")[:ROWS]
    )
    return [
        (
            "projects/partials/dashboard_my_proposals.html",
            {"groups": groups, "total": sum(counts.values()), "shown": len(rows), "now": now},
        ),
        ("projects/partials/dashboard_deadlines.html", {"calls": open_calls, "drafts": drafts, "now": now}),
        ("projects/partials/dashboard_partner_waiting.html", {"partners": waiting, "now": now}),
    ]


# --- NGO partners ------------------------------------------------------------------------------


def ngo_sections(*, memberships, now: datetime) -> list[tuple[str, dict]]:
    """Invitations to answer and confirmed partnerships: two queries."""
    ngo_roles = {org: role for org, kind, role, _verification in memberships if kind == Organisation.Kind.NGO}
    partnerships = ProposalPartner.objects.filter(organisation_id__in=list(ngo_roles)).select_related(
        "proposal__call", "proposal__lead", "organisation"
    )
    invitations = list(
        partnerships.filter(response=ProposalPartner.Response.INVITED, proposal__status=Proposal.Status.DRAFT).order_by(
            "proposal__call__closes_at", "pk"
        )[:ROWS]
    )
    for partner in invitations:
        # The same rule as permissions.can_answer_partnership, from the memberships already read.
        partner.can_answer = ngo_roles.get(partner.organisation_id) in Membership.EDITING_ROLES
        partner.deadline_passed = now >= partner.proposal.call.closes_at
    confirmed = list(
        partnerships.filter(response=ProposalPartner.Response.CONFIRMED)
        .exclude(proposal__status=Proposal.Status.WITHDRAWN)
        .order_by("-proposal__call__closes_at", "-proposal__pk")[:ROWS]
    )
    for partner in confirmed:
        partner.proposal.has_receipt = _has_receipt(partner.proposal)
    return [
        ("projects/partials/dashboard_invitations.html", {"partners": invitations, "now": now}),
        ("projects/partials/dashboard_partnerships.html", {"partners": confirmed, "now": now}),
    ]


# --- Programme officers ------------------------------------------------------------------------


def proposals_received_by_call(*, now: datetime | None = None) -> dict:
    """Open and closed calls (by the clock too), most recent deadline first, with their
    proposals counted by status (drafts stay private to the applicants): two queries."""
    now = now or timezone.now()
    calls = list(Call.objects.filter(status__in=[Call.Status.OPEN, Call.Status.CLOSED]).order_by("-closes_at")[:ROWS])
    counts: dict[int, Counter] = {call.pk: Counter() for call in calls}
    for call_id, status, n in (
        Proposal.objects.filter(call__in=calls)
        .exclude(status=Proposal.Status.DRAFT)
        .order_by()
        .values_list("call_id", "status")
        .annotate(n=Count("pk"))
    ):
        counts[call_id][status] = n
    statuses = [status for status in STATUS_ORDER if status != Proposal.Status.DRAFT]
    shown = [status for status in statuses if any(counts[call.pk][status] for call in calls)]
    for call in calls:
        call.is_open_now = call.is_open_at(now)
        call.status_label = call.effective_status_label(now)
        call.by_status = [counts[call.pk][status] for status in shown]
        call.received = sum(n for status, n in counts[call.pk].items() if status != Proposal.Status.WITHDRAWN)
    return {
        "calls": calls,
        "statuses": [(status, Proposal.Status(status).label) for status in shown],
        "now": now,
    }
