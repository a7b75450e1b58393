"""Reads of the funding decision shared by the pages, the exports and the dashboard.

`decision_table(call)` is the one source of the ranking-with-money table: the staff decision
page, the CSV and XLSX exports, the funders' sign-off page and the public results all render
it, so their figures agree to the cent. Every function runs a number of queries that does not
grow with the number of proposals.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, DecimalField, ExpressionWrapper, F, OuterRef, Prefetch, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from associations.models import Organisation
from calls.models import Call, FunderCommitment
from cosviluppo.lib.money import ZERO, quantize_eur
from cosviluppo.lib.permissions import is_staff_officer, membership_kinds
from cosviluppo.lib.types import AnyUser
from evaluation.selectors import call_ranking
from projects.models import Award, ConsensusScore, FunderShare, Installment, Proposal

from .models import DecisionRecord, FunderSignOff, ReviewRequest
from .services import (
    UNDECIDED_STATUSES,
    decision_digests,
    requested_amounts,
    review_window_closes_at,
)

if TYPE_CHECKING:
    from evaluation.ranking import RankedProposal

DASHBOARD_ROWS = 10
# Calls whose funding decision staff follow: from closing to the end of the review window.
FOLLOWED_CALL_STATUSES = (Call.Status.CLOSED, Call.Status.EVALUATION, Call.Status.RESULTS_PUBLISHED)


@dataclass
class CommitmentLine:
    commitment: FunderCommitment
    committed: Decimal
    drawn: Decimal

    @property
    def funder(self) -> Organisation:
        return self.commitment.funder

    @property
    def left(self) -> Decimal:
        return self.committed - self.drawn


@dataclass
class DecisionRow:
    """One line of the ranking with the money: what was asked, granted and who pays it."""

    entry: RankedProposal
    proposal: Proposal
    requested: Decimal
    award: Award | None
    granted: Decimal | None
    share_cells: list  # one amount (or None) per commitment, in the table's commitment order
    criterion_values: list = field(default_factory=list)  # one score (or None) per criterion, in the table's order
    reserve_position: int | None = None
    is_next_in_line: bool = False

    @property
    def position(self) -> int:
        return self.entry.position

    @property
    def outcome_label(self) -> str:
        """The decision as the public reads it: a project in progress or closed was funded."""
        if self.proposal.status in Proposal.FUNDED_STATUSES:
            return str(Proposal.Status.FUNDED.label)
        return self.proposal.get_status_display()

    @property
    def funders(self) -> list[Organisation]:
        return [cell.commitment.funder for cell in self.share_cells if cell.amount]


@dataclass
class ShareCell:
    commitment: FunderCommitment
    amount: Decimal | None


@dataclass
class DecisionTable:
    call: Call
    criteria: list
    rows: list[DecisionRow]
    commitments: list[CommitmentLine]
    status_counts: dict[str, int] = field(default_factory=dict)

    @property
    def total_requested(self) -> Decimal:
        return sum((row.requested for row in self.rows), ZERO)

    @property
    def total_granted(self) -> Decimal:
        return sum((row.granted or ZERO for row in self.rows), ZERO)

    @property
    def share_totals(self) -> list[Decimal]:
        return [
            sum((row.share_cells[i].amount or ZERO for row in self.rows), ZERO) for i in range(len(self.commitments))
        ]

    @property
    def total_shares(self) -> Decimal:
        return sum(self.share_totals, ZERO)

    @property
    def committed(self) -> Decimal:
        return sum((line.committed for line in self.commitments), ZERO)

    @property
    def drawn(self) -> Decimal:
        return sum((line.drawn for line in self.commitments), ZERO)

    @property
    def left(self) -> Decimal:
        return self.committed - self.drawn

    @property
    def reconciles(self) -> bool:
        """The grants shown add up to the shares shown, and the shares to what the commitments have drawn."""
        return self.total_granted == self.total_shares == self.drawn

    @property
    def undecided(self) -> int:
        return sum(self.status_counts.get(status, 0) for status in UNDECIDED_STATUSES)

    @property
    def next_in_line(self) -> DecisionRow | None:
        return next((row for row in self.rows if row.is_next_in_line), None)


def decision_table(call: Call) -> DecisionTable:
    """The call's ranking with, per proposal, the amount requested, granted and each funder's share."""
    criteria = list(call.criteria.order_by("order", "code", "pk"))
    ranking = call_ranking(call)
    ids = [entry.proposal.pk for entry in ranking]
    requested = requested_amounts(ids)
    awards = {
        award.proposal_id: award
        for award in Award.objects.filter(proposal_id__in=ids).prefetch_related(
            Prefetch("shares", queryset=FunderShare.objects.order_by("commitment_id"), to_attr="share_list")
        )
    }
    commitments = list(
        FunderCommitment.objects.filter(call=call)
        .select_related("funder")
        .annotate(drawn=Coalesce(Sum("shares__amount"), ZERO))
        .order_by("-amount", "funder__legal_name", "pk")
    )
    rows = []
    reserve_position = 0
    waiting_seen = False
    for entry in ranking:
        proposal = entry.proposal
        award = awards.get(proposal.pk)
        shares = {share.commitment_id: quantize_eur(share.amount) for share in (award.share_list if award else [])}
        funded = proposal.status in Proposal.FUNDED_STATUSES
        row = DecisionRow(
            entry=entry,
            proposal=proposal,
            requested=requested.get(proposal.pk, ZERO),
            award=award if funded else None,
            granted=quantize_eur(award.amount_granted) if award and funded else None,
            share_cells=[ShareCell(commitment=c, amount=shares.get(c.pk)) for c in commitments],
            criterion_values=[entry.criterion_scores.get(criterion.pk) for criterion in criteria],
        )
        if proposal.status == Proposal.Status.RESERVE:
            reserve_position += 1
            row.reserve_position = reserve_position
        if not waiting_seen and entry.fundable and proposal.status in (Proposal.Status.RANKED, Proposal.Status.RESERVE):
            waiting_seen = True
            row.is_next_in_line = True
        rows.append(row)
    status_counts = dict(
        Proposal.objects.filter(call=call).values("status").annotate(n=Count("pk")).values_list("status", "n")
    )
    return DecisionTable(
        call=call,
        criteria=criteria,
        rows=rows,
        commitments=[CommitmentLine(c, quantize_eur(c.amount), quantize_eur(c.drawn)) for c in commitments],
        status_counts=status_counts,
    )


@dataclass
class ResultsPage:
    """One page of a published call's results, with the figures of the whole call."""

    call: Call
    criteria: list
    rows: list[DecisionRow]
    commitments: list[CommitmentLine]
    total_granted: Decimal
    status_counts: dict[str, int]
    page_obj: object  # django.core.paginator.Page

    @property
    def committed(self) -> Decimal:
        return sum((line.committed for line in self.commitments), ZERO)


def published_results_page(call: Call, *, page: str | int | None, per_page: int) -> ResultsPage:
    """The public results of a call whose results are published, a page at a time (ten queries
    whatever the call's size). Published results are read from the stored ranking (Proposal.rank,
    total_score), which publication froze: only the page's proposals are loaded, and the totals
    are sums computed by the database."""
    from django.core.paginator import Paginator

    from evaluation.ranking import RANKABLE_STATUSES, RANKING_DEFERRED_FIELDS, RankedProposal

    criteria = list(call.criteria.order_by("order", "code", "pk"))
    ranked = Proposal.objects.filter(call=call, status__in=RANKABLE_STATUSES, rank__isnull=False)
    page_obj = Paginator(ranked.order_by("rank", "pk").values_list("pk", flat=True), per_page).get_page(page)
    ids = list(page_obj.object_list)
    proposals = list(
        Proposal.objects.filter(pk__in=ids)
        .select_related("lead", "award")
        .defer(*RANKING_DEFERRED_FIELDS)
        .order_by("rank", "pk")
    )
    scores: dict[int, dict] = {}
    for proposal_id, criterion_id, score in (
        ConsensusScore.objects.filter(proposal_id__in=ids)
        .order_by()
        .values_list("proposal_id", "criterion_id", "score")
    ):
        scores.setdefault(proposal_id, {})[criterion_id] = score
    shares: dict[int, dict] = {}
    for proposal_id, commitment_id, amount in (
        FunderShare.objects.filter(award__proposal_id__in=ids)
        .order_by()
        .values_list("award__proposal_id", "commitment_id", "amount")
    ):
        shares.setdefault(proposal_id, {})[commitment_id] = quantize_eur(amount)
    commitments = list(
        FunderCommitment.objects.filter(call=call)
        .select_related("funder")
        .annotate(drawn=Coalesce(Sum("shares__amount"), ZERO))
        .order_by("-amount", "funder__legal_name", "pk")
    )
    requested = requested_amounts(ids)
    # The reserve list is numbered across pages: count the reserves ranked above this page.
    reserve_position = (
        ranked.filter(status=Proposal.Status.RESERVE, rank__lt=proposals[0].rank).count() if proposals else 0
    )
    rows = []
    for proposal in proposals:
        funded = proposal.status in Proposal.FUNDED_STATUSES
        award = getattr(proposal, "award", None) if funded else None
        proposal_scores = scores.get(proposal.pk, {})
        entry = RankedProposal(
            proposal=proposal,
            total_score=proposal.total_score or ZERO,
            criterion_scores=proposal_scores,
            position=proposal.rank,  # type: ignore[arg-type]  # ranked: rank__isnull=False above
        )
        row = DecisionRow(
            entry=entry,
            proposal=proposal,
            requested=requested.get(proposal.pk, ZERO),
            award=award,
            granted=quantize_eur(award.amount_granted) if award else None,
            share_cells=[ShareCell(commitment=c, amount=shares.get(proposal.pk, {}).get(c.pk)) for c in commitments],
            criterion_values=[proposal_scores.get(criterion.pk) for criterion in criteria],
        )
        if proposal.status == Proposal.Status.RESERVE:
            reserve_position += 1
            row.reserve_position = reserve_position
        rows.append(row)
    total_granted = Award.objects.filter(
        proposal__call=call, proposal__status__in=Proposal.FUNDED_STATUSES, proposal__rank__isnull=False
    ).aggregate(total=Coalesce(Sum("amount_granted"), ZERO))["total"]
    status_counts = dict(
        Proposal.objects.filter(call=call)
        .order_by()
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return ResultsPage(
        call=call,
        criteria=criteria,
        rows=rows,
        commitments=[CommitmentLine(c, quantize_eur(c.amount), quantize_eur(c.drawn)) for c in commitments],
        total_granted=quantize_eur(total_granted),
        status_counts=status_counts,
        page_obj=page_obj,
    )


# --- Calls, sign-offs and the audit trail ---------------------------------------------------------


def call_for_funding(*, code: str) -> Call:
    """A call whose decision staff may work on (closed or later); 404 otherwise."""
    return get_object_or_404(Call.objects.filter(status__in=[*FOLLOWED_CALL_STATUSES, Call.Status.ARCHIVED]), code=code)


def funding_call_list() -> QuerySet[Any]:
    """Calls from closing onwards, with their committed and drawn money and the proposals waiting."""
    return _with_money_numbers(
        Call.objects.filter(status__in=[*FOLLOWED_CALL_STATUSES, Call.Status.ARCHIVED])
    ).order_by("-closes_at", "pk")


def _with_money_numbers(queryset: QuerySet[Call]) -> QuerySet[Any]:
    # Each subquery drops its model's default ordering: it would add joins (FunderShare orders by
    # award and commitment) to a GROUP BY that needs none, ten times slower on a large programme.
    committed = (
        FunderCommitment.objects.filter(call=OuterRef("pk"))
        .order_by()
        .values("call")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    drawn = (
        FunderShare.objects.filter(commitment__call=OuterRef("pk"))
        .order_by()
        .values("commitment__call")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    pending = (
        Proposal.objects.filter(call=OuterRef("pk"), status__in=UNDECIDED_STATUSES)
        .order_by()
        .values("call")
        .annotate(n=Count("pk"))
        .values("n")
    )
    open_requests = (
        ReviewRequest.objects.filter(proposal__call=OuterRef("pk"), status=ReviewRequest.Status.OPEN)
        .order_by()
        .values("proposal__call")
        .annotate(n=Count("pk"))
        .values("n")
    )
    money = DecimalField(max_digits=16, decimal_places=2)
    # Any: the pages read the annotations below as attributes of each call.
    annotated: QuerySet[Any] = queryset.annotate(
        money_committed=Coalesce(Subquery(committed), ZERO, output_field=money),
        money_drawn=Coalesce(Subquery(drawn), ZERO, output_field=money),
        money_left=ExpressionWrapper(F("money_committed") - F("money_drawn"), output_field=money),
        decisions_pending=Coalesce(Subquery(pending), 0),
        review_requests_open=Coalesce(Subquery(open_requests), 0),
    )
    return annotated


@dataclass
class SignOffState:
    funder: Organisation
    committed: Decimal
    latest: FunderSignOff | None
    current: bool  # the latest answer was given on the decision as it is now
    history: list = field(default_factory=list)

    @property
    def approved(self) -> bool:
        return bool(self.latest and self.current and self.latest.decision == FunderSignOff.Decision.APPROVED)


def sign_off_states(calls: list[Call], *, digests: dict[int, str] | None = None) -> dict[int, list[SignOffState]]:
    """Per call, each funder with a commitment and its answers, latest last (3 queries for any number of calls)."""
    call_ids = [call.pk for call in calls]
    digests = digests if digests is not None else decision_digests(call_ids)
    history: dict[tuple[int, int], list[FunderSignOff]] = {}
    for sign_off in (
        FunderSignOff.objects.filter(call_id__in=call_ids).select_related("by", "funder").order_by("at", "pk")
    ):
        history.setdefault((sign_off.call_id, sign_off.funder_id), []).append(sign_off)
    states: dict[int, list[SignOffState]] = {pk: [] for pk in call_ids}
    for commitment in (
        FunderCommitment.objects.filter(call_id__in=call_ids).select_related("funder").order_by("funder__legal_name")
    ):
        answers = history.get((commitment.call_id, commitment.funder_id), [])
        latest = answers[-1] if answers else None
        states[commitment.call_id].append(
            SignOffState(
                funder=commitment.funder,
                committed=quantize_eur(commitment.amount),
                latest=latest,
                current=bool(latest and latest.decision_digest == digests.get(commitment.call_id)),
                history=answers,
            )
        )
    return states


# Stored values of the records' from/to, shown with their labels.
_VALUE_LABELS = {
    **dict(Proposal.Status.choices),
    **dict(Call.Status.choices),
    **dict(FunderSignOff.Decision.choices),
    **dict(ReviewRequest.Status.choices),
    **dict(Installment.Status.choices),
}


def decision_records(*, call: Call, proposal: Proposal | None = None, limit: int = 500) -> list[DecisionRecord]:
    """The decision trail of a call (or of one of its proposals), latest first, with readable from/to."""
    records = DecisionRecord.objects.filter(call=call).select_related("by", "proposal")
    if proposal is not None:
        records = records.filter(proposal=proposal)
    rows = list(records.order_by("-at", "-pk")[:limit])
    for record in rows:
        record.from_label = _VALUE_LABELS.get(record.from_value, record.from_value)  # type: ignore[attr-defined]
        record.to_label = _VALUE_LABELS.get(record.to_value, record.to_value)  # type: ignore[attr-defined]
    return rows


# --- Funders ---------------------------------------------------------------------------------------


def funders_of(user: AnyUser) -> list[Organisation]:
    """The funder organisations `user` is a member of."""
    if not user.is_authenticated or not membership_kinds(user) & set(Organisation.FUNDER_KINDS):
        return []
    return list(Organisation.objects.funders().filter(memberships__user=user).distinct().order_by("legal_name"))


def call_for_funder(*, user: User, code: str) -> tuple[Call, list[Organisation]]:
    """A call in which one of the user's funders has a commitment, and those funders; 404 otherwise."""
    call = get_object_or_404(Call.objects.exclude(status=Call.Status.DRAFT), code=code)
    funders = list(
        Organisation.objects.filter(commitments__call=call, memberships__user=user).distinct().order_by("legal_name")
    )
    if not funders:
        raise Http404
    return call, funders


# --- Results, outcomes and requests for review ----------------------------------------------------


def call_results_get(*, code: str) -> Call:
    """A call whose results are published; 404 before (the ranking is not public until then)."""
    return get_object_or_404(Call.objects.results_published(), code=code)


def outcome_get_for_user(*, user: AnyUser, pk: int) -> Proposal:
    """A proposal whose outcome is published, for a member of its lead association or staff; 404 otherwise."""
    if not user.is_authenticated:
        raise Http404
    proposals = Proposal.objects.results_published().exclude(
        status__in=[Proposal.Status.DRAFT, Proposal.Status.WITHDRAWN]
    )
    if not is_staff_officer(user):
        proposals = proposals.filter(lead__memberships__user=user)
    return get_object_or_404(proposals.select_related("call", "lead").distinct(), pk=pk)


@dataclass
class Outcome:
    proposal: Proposal
    entry: object | None  # RankedProposal, when the proposal was ranked
    consensus: list  # ConsensusScore rows with their criterion (score and comment for the applicant)
    award: Award | None
    shares: list
    window_closes_at: datetime | None
    window_open: bool
    review_requests: list


def proposal_outcome(proposal: Proposal, *, now: datetime | None = None) -> Outcome:
    """What the applicant is told: status, ranking line, the committee's scores and comments for the
    applicant (never an individual evaluator's), the award and its funders, and the review window."""
    now = now or timezone.now()
    call = proposal.call
    entry = next((line for line in call_ranking(call) if line.proposal.pk == proposal.pk), None)
    consensus = list(
        ConsensusScore.objects.filter(proposal=proposal)
        .select_related("criterion")
        .order_by("criterion__order", "criterion__code")
    )
    award = None
    shares: list = []
    if proposal.status in Proposal.FUNDED_STATUSES:
        award = Award.objects.filter(proposal=proposal).first()
        if award:
            shares = list(award.shares.select_related("commitment__funder").order_by("-amount", "pk"))
    closes = review_window_closes_at(call)
    return Outcome(
        proposal=proposal,
        entry=entry,
        consensus=consensus,
        award=award,
        shares=shares,
        window_closes_at=closes,
        window_open=closes is not None and now <= closes,
        review_requests=list(proposal.review_requests.order_by("-filed_at", "-pk")),
    )


def review_request_list(*, status: str | None = None) -> QuerySet[ReviewRequest]:
    requests = ReviewRequest.objects.select_related("proposal__call", "proposal__lead", "filed_by")
    if status:
        requests = requests.filter(status=status)
    return requests.order_by("status", "-filed_at", "-pk")


def project_money(proposal: Proposal) -> dict:
    """The staff page of a funded proposal: award, shares, installments."""
    award = Award.objects.filter(proposal=proposal).select_related("decided_by").first()
    shares = list(award.shares.select_related("commitment__funder").order_by("-amount", "pk")) if award else []
    installments = list(award.installments.order_by("sequence")) if award else []
    return {
        "award": award,
        "shares": shares,
        "installments": installments,
        "installments_total": sum((i.amount for i in installments), ZERO),
        "paid_total": sum((i.amount for i in installments if i.status == Installment.Status.PAID), ZERO),
    }


# --- Dashboard -------------------------------------------------------------------------------------


def dashboard_sections(user: User) -> list[tuple[str, dict[str, Any]]]:
    """The officer's per-call money and decision overview; the funders' sign-offs waiting for them."""
    if not user.is_authenticated:
        return []
    sections: list[tuple[str, dict]] = []
    if is_staff_officer(user):
        sections.append(("funding/partials/dashboard_officer.html", officer_overview()))
    funders = funders_of(user)
    if funders:
        sections.append(("funding/partials/dashboard_funder.html", funder_overview(funders=funders)))
    return sections


def officer_overview() -> dict:
    """Calls from closing to results: committed, drawn and left, decisions pending, sign-offs missing."""
    calls = list(
        _with_money_numbers(Call.objects.filter(status__in=FOLLOWED_CALL_STATUSES)).order_by("-closes_at", "pk")[
            :DASHBOARD_ROWS
        ]
    )
    evaluating = [call for call in calls if call.status == Call.Status.EVALUATION]
    states = sign_off_states(evaluating) if evaluating else {}
    for call in calls:
        call.money_committed = quantize_eur(call.money_committed)
        call.money_drawn = quantize_eur(call.money_drawn)
        call.money_left = call.money_committed - call.money_drawn  # exact, after quantizing
        call.sign_offs_missing = [state.funder for state in states.get(call.pk, []) if not state.approved]
    return {"calls": calls}


def funder_overview(*, funders: list[Organisation]) -> dict:
    """Calls under evaluation whose complete decision waits for the approval of one of these funders."""
    commitments = list(
        FunderCommitment.objects.filter(funder__in=funders, call__status=Call.Status.EVALUATION)
        .select_related("call", "funder")
        .order_by("call__closes_at", "funder__legal_name")[:50]
    )
    calls = {c.call_id: c.call for c in commitments}
    undecided = set(
        Proposal.objects.filter(call_id__in=list(calls), status__in=UNDECIDED_STATUSES)
        .values_list("call_id", flat=True)
        .distinct()
    )
    ready = [call for pk, call in calls.items() if pk not in undecided]
    states = sign_off_states(ready) if ready else {}
    waiting = []
    for commitment in commitments:
        if commitment.call_id in undecided:
            continue
        state = next((s for s in states.get(commitment.call_id, []) if s.funder.pk == commitment.funder_id), None)
        if state is None or not state.approved:
            waiting.append({"call": commitment.call, "funder": commitment.funder, "state": state})
    return {"waiting": waiting, "in_preparation": len({c.call_id for c in commitments if c.call_id in undecided})}


# --- Reads of the funding pages ----------------------------------------------------------------------


def proposal_get_for_money(*, pk: int) -> Proposal:
    """A submitted proposal (any status but draft) with its call and lead; 404 otherwise."""
    return get_object_or_404(
        Proposal.objects.exclude(status=Proposal.Status.DRAFT).select_related("call", "lead"), pk=pk
    )


def award_get(*, pk: int) -> Award:
    """An award with its proposal's call and lead; 404 otherwise."""
    return get_object_or_404(Award.objects.select_related("proposal__call", "proposal__lead"), pk=pk)


def award_get_for_proposal(*, proposal: Proposal) -> Award | None:
    """The proposal's award, if it has one."""
    return Award.objects.filter(proposal=proposal).first()


def commitment_list_for_call(*, call_id: int) -> QuerySet[FunderCommitment]:
    """The funders' commitments to a call, largest first, with the funder."""
    return FunderCommitment.objects.filter(call_id=call_id).select_related("funder").order_by("-amount", "pk")


def installment_get(*, pk: int) -> Installment:
    """An installment with its award's proposal, call and lead; 404 otherwise."""
    return get_object_or_404(
        Installment.objects.select_related("award__proposal__call", "award__proposal__lead"), pk=pk
    )


def funders_as_queryset(funders: list[Organisation]) -> QuerySet[Organisation]:
    """The given funder organisations as a queryset (a form's choice field needs one)."""
    return Organisation.objects.filter(pk__in=[funder.pk for funder in funders])


def review_request_get(*, pk: int) -> ReviewRequest:
    """A review request with its proposal's call and lead and who filed and answered it; 404 otherwise."""
    return get_object_or_404(
        ReviewRequest.objects.select_related("proposal__call", "proposal__lead", "filed_by", "answered_by"), pk=pk
    )


def award_share_amounts(award: Award) -> dict[int, Decimal]:
    """What the award draws from each commitment now: commitment id → amount."""
    return dict(award.shares.values_list("commitment_id", "amount"))
