"""The funder dashboard and the programme (officer) dashboard: reads aggregated in SQL.

- `funder_dashboard(funder)`: what one funder organisation put into each call, how much of it the
  published awards drew and what is left; the projects it co-funds with its share; its shares by
  country. Calls whose results are not published show what was committed only: their proposed
  allocation is the funders' sign-off page's business until the results are out.
- `programme_dashboard()`: per call (open to results published, newest first) the proposals by
  status, the progress of the evaluation, the money committed, allocated and left, the reviews
  outstanding per evaluator and the latest report runs.

Both run a fixed number of queries whatever the number of calls, proposals and awards: figures
are sums and counts computed by the database, lists are cut at a few dozen rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.http import Http404
from django_countries.fields import Country

from associations.models import Organisation
from calls.models import Call, FunderCommitment
from cosviluppo.lib.money import ZERO, quantize_eur
from projects.models import ConsensusScore, FunderShare, Proposal, Review

from .selectors import _with_money_numbers, funders_of

# Rows shown; more is a job for the reports (reports:run-create), not for a dashboard.
FUNDER_COMMITMENT_ROWS = 50
FUNDER_PROJECT_ROWS = 50
PROGRAMME_CALL_ROWS = 8
PROGRAMME_EVALUATOR_ROWS = 30
PROGRAMME_REPORT_ROWS = 10
PROGRAMME_CALL_STATUSES = (
    Call.Status.OPEN,
    Call.Status.CLOSED,
    Call.Status.EVALUATION,
    Call.Status.RESULTS_PUBLISHED,
)
# The order of the pipeline's columns and of the stacked bars: from receipt to the outcome.
PIPELINE_STATUSES = (
    Proposal.Status.SUBMITTED,
    Proposal.Status.ADMISSIBLE,
    Proposal.Status.INADMISSIBLE,
    Proposal.Status.UNDER_EVALUATION,
    Proposal.Status.RANKED,
    Proposal.Status.RESERVE,
    Proposal.Status.FUNDED,
    Proposal.Status.IN_PROGRESS,
    Proposal.Status.CLOSED,
    Proposal.Status.NOT_FUNDED,
    Proposal.Status.WITHDRAWN,
)


# --- Funders ---------------------------------------------------------------------------------------


def funder_for_user(*, user, funder_pk: str | None) -> tuple[Organisation, list[Organisation]]:
    """The funder whose dashboard `user` opens, and all the funders they may choose among.

    Refuses (403) a user who belongs to no funder; a `funder_pk` that is not one of theirs is
    answered 404, like a guessed id anywhere else. Without `funder_pk`, the first by name.
    """
    funders = funders_of(user)
    if not funders:
        raise PermissionDenied
    if not funder_pk:
        return funders[0], funders
    try:
        pk = int(funder_pk)
    except (TypeError, ValueError):
        raise Http404 from None
    chosen = next((funder for funder in funders if funder.pk == pk), None)
    if chosen is None:
        raise Http404
    return chosen, funders


@dataclass
class CommitmentRow:
    """One call's commitment of the funder. `allocated` is None until the call's results are published."""

    commitment: FunderCommitment
    committed: Decimal
    allocated: Decimal | None
    projects: int | None

    @property
    def call(self) -> Call:
        return self.commitment.call

    @property
    def published(self) -> bool:
        return self.allocated is not None

    @property
    def left(self) -> Decimal | None:
        return None if self.allocated is None else self.committed - self.allocated


@dataclass
class CountryLine:
    country: Country  # code "" when the proposal names none
    amount: Decimal
    projects: int


@dataclass
class FunderDashboard:
    funder: Organisation
    commitments: list[CommitmentRow]
    commitments_cut: bool  # more commitments than the rows shown
    projects: list[FunderShare]  # the funder's shares, with award, proposal, call and lead
    countries: list[CountryLine]

    @property
    def committed(self) -> Decimal:
        return sum((row.committed for row in self.commitments), ZERO)

    @property
    def committed_published(self) -> Decimal:
        return sum((row.committed for row in self.commitments if row.published), ZERO)

    @property
    def committed_unpublished(self) -> Decimal:
        """Committed to calls whose results are not published yet: no allocation shown for them."""
        return self.committed - self.committed_published

    @property
    def allocated(self) -> Decimal:
        return sum((row.allocated for row in self.commitments if row.published), ZERO)

    @property
    def left(self) -> Decimal:
        return self.committed_published - self.allocated

    @property
    def shares_total(self) -> Decimal:
        """Every co-funded project's share, whether listed or not (the countries cover them all)."""
        return sum((line.amount for line in self.countries), ZERO)

    @property
    def projects_total(self) -> int:
        return sum(line.projects for line in self.countries)

    @property
    def projects_cut(self) -> bool:
        return self.projects_total > len(self.projects)

    @property
    def has_unpublished(self) -> bool:
        return any(not row.published for row in self.commitments)


def funder_dashboard(funder: Organisation) -> FunderDashboard:
    """The funder's commitments per call, its co-funded projects and its shares by country (three queries).

    Draft calls are left out (not public yet). Allocations count only for calls whose results are
    published: the other commitments show the amount committed and nothing about the proposed awards.
    """
    commitments = list(
        FunderCommitment.objects.filter(funder=funder)
        .exclude(call__status=Call.Status.DRAFT)
        .select_related("call")
        .annotate(drawn=Coalesce(Sum("shares__amount"), ZERO), shares_count=Count("shares"))
        .order_by("-call__closes_at", "-pk")[: FUNDER_COMMITMENT_ROWS + 1]
    )
    cut = len(commitments) > FUNDER_COMMITMENT_ROWS
    rows = []
    for commitment in commitments[:FUNDER_COMMITMENT_ROWS]:
        published = commitment.call.results_are_published()
        rows.append(
            CommitmentRow(
                commitment=commitment,
                committed=quantize_eur(commitment.amount),
                allocated=quantize_eur(commitment.drawn) if published else None,
                projects=commitment.shares_count if published else None,
            )
        )
    # A share exists only for an award that stands: a withdrawn project's shares are released.
    shares = FunderShare.objects.filter(
        commitment__funder=funder, commitment__call__status__in=Call.RESULTS_PUBLISHED_STATUSES
    )
    projects = list(
        shares.select_related("award__proposal__call", "award__proposal__lead").order_by(
            "-award__proposal__call__closes_at", "award__proposal__protocol_sequence", "pk"
        )[:FUNDER_PROJECT_ROWS]
    )
    for share in projects:
        share.amount = quantize_eur(share.amount)
    countries = [
        CountryLine(country=_country(row["country"]), amount=quantize_eur(row["amount"]), projects=row["projects"])
        for row in shares.order_by()
        .values(country=F("award__proposal__origin_country"))
        .annotate(amount=Sum("amount"), projects=Count("pk"))
        .order_by("-amount", "country")
    ]
    return FunderDashboard(funder=funder, commitments=rows, commitments_cut=cut, projects=projects, countries=countries)


def _country(code: str) -> Country:
    return Country(code=code or "")


# --- Programme officers ----------------------------------------------------------------------------


@dataclass
class ProgrammeCall:
    call: Call
    pipeline: list[int]  # proposals per status, in PIPELINE_STATUSES order
    received: int  # submitted once, withdrawn ones included
    reviews_assigned: int  # not counting those declined for a conflict of interest
    reviews_submitted: int
    consensus_recorded: int  # proposals with the committee's consensus scores
    committed: Decimal
    allocated: Decimal
    evaluators: list[dict] = field(default_factory=list)

    @property
    def left(self) -> Decimal:
        return self.committed - self.allocated

    @property
    def reviews_outstanding(self) -> int:
        return self.reviews_assigned - self.reviews_submitted


@dataclass
class ProgrammeDashboard:
    calls: list[ProgrammeCall]
    statuses: list[tuple[str, str]]  # (status, label) of the pipeline's columns
    outstanding: list[dict]  # per call and evaluator: reviews to declare and to score
    report_runs: list

    @property
    def committed(self) -> Decimal:
        return sum((line.committed for line in self.calls), ZERO)

    @property
    def allocated(self) -> Decimal:
        return sum((line.allocated for line in self.calls), ZERO)

    @property
    def left(self) -> Decimal:
        return self.committed - self.allocated

    @property
    def pipeline_totals(self) -> list[int]:
        return [sum(line.pipeline[i] for line in self.calls) for i in range(len(self.statuses))]


def programme_dashboard() -> ProgrammeDashboard:
    """The officers' view of the programme, per call from open to results published (six queries)."""
    from reports.models import ReportRun

    calls = list(
        _with_money_numbers(Call.objects.filter(status__in=PROGRAMME_CALL_STATUSES)).order_by("-closes_at", "-pk")[
            :PROGRAMME_CALL_ROWS
        ]
    )
    ids = [call.pk for call in calls]
    by_status: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    # Drafts stay private to the applicants, as everywhere on the staff side, and so do the drafts
    # withdrawn before submission (evaluation.selectors.proposals_received reads them the same way).
    for call_id, status, n in (
        Proposal.objects.filter(call_id__in=ids)
        .exclude(status=Proposal.Status.DRAFT)
        .exclude(submitted_at=None)
        .order_by()
        .values_list("call_id", "status")
        .annotate(n=Count("pk"))
    ):
        by_status[call_id][status] = n
    reviews = {
        row["proposal__call_id"]: row
        for row in Review.objects.filter(proposal__call_id__in=ids)
        .order_by()
        .values("proposal__call_id")
        .annotate(
            assigned=Count("pk", filter=~Q(status=Review.Status.CONFLICT)),
            submitted=Count("pk", filter=Q(status=Review.Status.SUBMITTED)),
        )
    }
    # EXISTS rather than a join: a proposal has one consensus score per criterion.
    consensus = dict(
        Proposal.objects.filter(call_id__in=ids)
        .filter(Exists(ConsensusScore.objects.filter(proposal=OuterRef("pk"))))
        .order_by()
        .values("call_id")
        .annotate(n=Count("pk"))
        .values_list("call_id", "n")
    )
    # The same reading as the evaluation's dashboard section (evaluation.selectors.officer_overview):
    # reviews assigned and not submitted, by evaluator, those still waiting for the declaration apart.
    outstanding = list(
        Review.objects.filter(proposal__call_id__in=ids, status__in=[Review.Status.ASSIGNED, Review.Status.NO_CONFLICT])
        .values("proposal__call_id", "evaluator_id", "evaluator__full_name", "evaluator__email")
        .annotate(n=Count("pk"), to_declare=Count("pk", filter=Q(status=Review.Status.ASSIGNED)))
        .order_by("-n", "evaluator__email", "proposal__call_id")[:PROGRAMME_EVALUATOR_ROWS]
    )
    codes = {call.pk: call for call in calls}
    for row in outstanding:
        row["call"] = codes[row["proposal__call_id"]]
        row["to_score"] = row["n"] - row["to_declare"]
    # Only the statuses some call has, so the table and the chart carry no empty columns.
    statuses = [status for status in PIPELINE_STATUSES if any(status in counts for counts in by_status.values())]
    lines = []
    for call in calls:
        counts = by_status[call.pk]
        review_row = reviews.get(call.pk, {})
        lines.append(
            ProgrammeCall(
                call=call,
                pipeline=[counts.get(status, 0) for status in statuses],
                received=sum(counts.values()),
                reviews_assigned=review_row.get("assigned", 0),
                reviews_submitted=review_row.get("submitted", 0),
                consensus_recorded=consensus.get(call.pk, 0),
                committed=quantize_eur(call.money_committed),
                allocated=quantize_eur(call.money_drawn),
            )
        )
    runs = list(
        ReportRun.objects.select_related("requested_by", "funder").order_by("-created_at", "-pk")[
            :PROGRAMME_REPORT_ROWS
        ]
    )
    return ProgrammeDashboard(
        calls=lines,
        statuses=[(status, str(Proposal.Status(status).label)) for status in statuses],
        outstanding=outstanding,
        report_runs=runs,
    )
