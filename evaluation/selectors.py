"""Reads of the evaluation: checklists, requests for clarification, reviews (blind), consensus
sheets, rankings, audit trails and the dashboard sections. Scoped getters raise Http404 when
the user may not see the object (a guessed id reveals nothing)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Count, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from associations.models import Membership
from calls.models import Call, EvaluationCriterion
from cosviluppo.lib.permissions import is_staff_officer
from cosviluppo.lib.types import AnyUser
from cosviluppo.templatetags.formatting import eur, percent
from projects.models import ConsensusScore, Proposal, ProposalPartner, ProposalStatusChange, Review, ReviewScore
from projects.steps import STEP_LABELS

from .models import AdmissibilityCheck, ClarificationRequest, EvaluationEvent, ProposalMessage
from .ranking import RankedProposal, compute_ranking

__all__ = ["RankedProposal", "call_ranking", "open_clarification_sections", "open_clarifications"]

CENT = Decimal("0.01")
# At least this many submitted reviews before the consensus, and evaluators per proposal.
MIN_REVIEWERS = 2
# A spread (max − min of the evaluators' scores) above this share of the criterion's maximum
# is flagged on the consensus sheet; settings.EVALUATION_SPREAD_ALERT overrides it (percent).
DEFAULT_SPREAD_ALERT = Decimal("30")
DASHBOARD_ROWS = 10
# Statuses in which reviews are written and the consensus recorded.
EVALUATION_STATUSES = Proposal.EVALUATION_STATUSES
CONSENSUS_STATUSES = (Proposal.Status.UNDER_EVALUATION, Proposal.Status.RANKED)


# --- Admissibility --------------------------------------------------------------------------


def eligibility_problems(proposal: Proposal, *, now: datetime | None = None) -> list:
    """The call's rules the proposal breaks (projects.eligibility), imported when first needed."""
    from projects.eligibility import eligibility_problems as problems_of

    return problems_of(proposal, now=now)


# Rules of projects.eligibility grouped into the items of the checklist, in its order. The
# deadline rule is left out: once the call is closed it would always fail, and the time of
# submission is checked by its own item ("submitted_in_time").
AUTOMATIC_ITEMS: list[tuple[str, Any, tuple[str, ...]]] = [
    ("lead_verified", gettext_lazy("The lead is a verified migrant association"), ("lead_verified",)),
    (
        "form_complete",
        gettext_lazy("Title, summary and the two territories are filled in"),
        ("title", "summary", "origin_country", "residence_municipality"),
    ),
    ("country_eligible", gettext_lazy("The country of origin is one the call accepts"), ("country_eligible",)),
    (
        "duration",
        gettext_lazy("Duration within the call's maximum (%(months)s months)"),
        ("duration", "activity_after_end"),
    ),
    (
        "two_territories",
        gettext_lazy("Activities in the country of origin and in Italy"),
        ("activities_origin", "activities_residence"),
    ),
    ("ngo_partner", gettext_lazy("An Italian NGO partner confirmed the partnership"), ("ngo_partner",)),
    (
        "max_grant",
        gettext_lazy("Grant requested within the maximum per project (%(max)s)"),
        ("budget_empty", "max_grant"),
    ),
    ("cofinancing", gettext_lazy("Co-financing at least %(min)s of the total cost"), ("min_cofinancing",)),
    (
        "territory_shares",
        gettext_lazy("Costs split between the two territories within the call's bounds"),
        ("origin_share", "residence_share"),
    ),
    (
        "cost_categories",
        gettext_lazy("Only eligible cost categories, within their caps"),
        ("category_not_eligible", "category_cap"),
    ),
    ("attachments", gettext_lazy("Every document the call requires is attached"), ("required_attachment",)),
]
IGNORED_RULES = {"deadline"}

# Checked by the officer on the documents.
MANUAL_ITEMS: list[tuple[str, Any]] = [
    ("signatures", gettext_lazy("Application and declarations signed by the legal representative")),
    ("statute", gettext_lazy("Statute of the lead in force and compatible with the call (non-profit aims)")),
    ("documents_readable", gettext_lazy("Attached documents readable and complete")),
]
MANUAL_KEYS = [key for key, _label in MANUAL_ITEMS]


def admissibility_automatic_items(proposal: Proposal) -> list[dict[str, Any]]:
    """The automatic items of the checklist, computed now from the call's rules and the data.

    Rules are evaluated as at the time of submission, so nothing depends on the call being
    closed since. A rule projects.eligibility adds later, unknown here, becomes an item of
    its own when it fails.
    """
    call = proposal.call
    problems = [p for p in eligibility_problems(proposal, now=proposal.submitted_at) if p.rule not in IGNORED_RULES]
    by_rule: dict[str, list[str]] = {}
    for problem in problems:
        by_rule.setdefault(problem.rule, []).append(str(problem.message))
    values = {
        "months": call.max_duration_months,
        "max": eur(call.max_grant),
        "min": percent(call.min_cofinancing_pct),
    }
    in_time = bool(proposal.submitted_at and proposal.submitted_at < call.closes_at)
    items = [
        {
            "key": "submitted_in_time",
            "label": _("Submitted online before the deadline, with a protocol number"),
            "automatic": True,
            "passed": in_time and bool(proposal.protocol_number),
            "note": proposal.protocol_number,
        }
    ]
    known: set[str] = set()
    for key, label, rules in AUTOMATIC_ITEMS:
        known.update(rules)
        messages = [message for rule in rules for message in by_rule.get(rule, [])]
        if key == "ngo_partner" and not call.ngo_partner_required and not messages:
            continue
        items.append(
            {
                "key": key,
                "label": str(label) % values if "%(" in str(label) else str(label),
                "automatic": True,
                "passed": not messages,
                "note": " ".join(messages),
            }
        )
    for rule, messages in by_rule.items():
        if rule not in known:
            items.append({"key": f"rule-{rule}", "label": messages[0], "automatic": True, "passed": False, "note": ""})
    others = (
        Proposal.objects.submitted()
        .filter(call_id=proposal.call_id, lead_id=proposal.lead_id)
        .exclude(pk=proposal.pk)
        .exclude(status=Proposal.Status.INADMISSIBLE)
        .values_list("protocol_number", flat=True)
    )
    protocol_numbers = [number for number in others if number]
    items.append(
        {
            "key": "one_per_lead",
            "label": _("One proposal per lead association in this call"),
            "automatic": True,
            "passed": not protocol_numbers,
            "note": ", ".join(protocol_numbers),
        }
    )
    return items


def admissibility_checklist(proposal: Proposal, check: AdmissibilityCheck | None = None) -> list[dict[str, Any]]:
    """The checklist as it stands now: automatic items recomputed, manual ones as last saved."""
    saved = {item["key"]: item for item in (check.items if check else []) if not item.get("automatic")}
    manual = [
        {
            "key": key,
            "label": str(label),
            "automatic": False,
            "passed": saved.get(key, {}).get("passed"),
            "note": saved.get(key, {}).get("note", ""),
        }
        for key, label in MANUAL_ITEMS
    ]
    return admissibility_automatic_items(proposal) + manual


# --- Requests for clarification ---------------------------------------------------------------


def open_clarification_sections(proposal: Proposal, now: datetime | None = None) -> set[str]:
    """The steps of a submitted proposal its applicants may edit now: those named by a request
    for clarification still open and before its deadline (one query). Empty otherwise."""
    return proposal.reopened_sections(now)


def open_clarifications(proposal: Proposal, now: datetime | None = None) -> list[ClarificationRequest]:
    """The requests for clarification of a proposal open now (before their deadline), the
    earliest deadline first, each with `section_list` ((key, label) of its sections): one query."""
    now = now or timezone.now()
    if proposal.status != Proposal.Status.SUBMITTED:
        return []
    requests = list(
        ClarificationRequest.objects.filter(
            proposal=proposal, status=ClarificationRequest.Status.OPEN, deadline__gt=now
        ).order_by("deadline", "pk")
    )
    for request in requests:
        request.section_list = section_labels(request.sections)  # type: ignore[attr-defined]  # for the template
    return requests


def clarification_get_for_user(*, user: AnyUser, pk: int) -> ClarificationRequest:
    """A request the user may read: staff, or a member of the proposal's lead; 404 otherwise."""
    from .permissions import can_view_clarification

    found = (
        ClarificationRequest.objects.select_related("proposal__call", "proposal__lead", "requested_by")
        .filter(pk=pk)
        .first()
    )
    if found is None or not can_view_clarification(user, found):
        raise Http404
    return found


def section_labels(keys: list[str]) -> list[tuple[str, str]]:
    """(key, label) of the steps named, in the order of the form."""
    return [(key, str(STEP_LABELS.get(key, key))) for key in STEP_LABELS if key in keys]


def proposals_received() -> QuerySet[Proposal]:
    """Proposals the office received: submitted once (with a protocol number), withdrawn ones
    included; drafts, even withdrawn ones, stay private to the applicants."""
    return Proposal.objects.exclude(status=Proposal.Status.DRAFT).exclude(submitted_at=None)


# --- Staff: calls and proposals ----------------------------------------------------------------


def calls_for_evaluation() -> QuerySet[Call]:
    """Published calls, the latest deadline first, with their proposals counted by step (one query)."""
    received = Q(proposals__submitted_at__isnull=False) & ~Q(proposals__status=Proposal.Status.DRAFT)
    return (
        Call.objects.published()
        .annotate(
            received=Count("proposals", filter=received),
            to_check=Count("proposals", filter=Q(proposals__status=Proposal.Status.SUBMITTED)),
            to_assign=Count("proposals", filter=Q(proposals__status=Proposal.Status.ADMISSIBLE)),
            evaluating=Count("proposals", filter=Q(proposals__status=Proposal.Status.UNDER_EVALUATION)),
            ranked=Count("proposals", filter=Q(proposals__status=Proposal.Status.RANKED)),
        )
        .order_by("-closes_at", "code")
    )


def call_get_for_evaluation(*, code: str) -> Call:
    """A published call (staff pages); 404 for drafts and unknown codes."""
    return get_object_or_404(Call.objects.published(), code=code)


def call_proposals(call: Call) -> QuerySet[Proposal]:
    """The proposals received by a call, with their review and consensus counts (one query)."""
    active = ~Q(reviews__status=Review.Status.CONFLICT)
    return (
        proposals_received()
        .filter(call=call)
        .select_related("lead")
        .annotate(
            reviews_active=Count("reviews", filter=active, distinct=True),
            reviews_submitted=Count("reviews", filter=Q(reviews__status=Review.Status.SUBMITTED), distinct=True),
            consensus_count=Count("consensus_scores", distinct=True),
        )
        .order_by("protocol_sequence", "pk")
    )


def proposal_get_for_staff(*, pk: int) -> Proposal:
    """A submitted proposal (drafts stay private to the applicants), with its call and lead."""
    return get_object_or_404(proposals_received().select_related("call", "lead"), pk=pk)


def proposal_document(proposal: Proposal) -> tuple[str, dict[str, Any]]:
    """The read-only rendering of a proposal: the projects partial and its context, or a short
    summary of our own while that partial is not available."""
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template

    try:
        from projects.selectors import proposal_document_context

        get_template("projects/partials/proposal_document.html")
    except (ImportError, TemplateDoesNotExist):
        return "evaluation/partials/proposal_summary.html", {"proposal": proposal}
    # Staff and the evaluators who declared no conflict read the actual status and download the
    # attachments (projects.selectors.proposal_get_for_documents lets them).
    context = {**proposal_document_context(proposal), "link_attachments": True, "show_internal_status": True}
    return "projects/partials/proposal_document.html", context


@dataclass(frozen=True)
class AuditLine:
    when: datetime
    who: Any
    what: str
    from_value: str
    to_value: str
    reason: str
    details: dict = field(default_factory=dict)


def _label(value: str, *choices: type[models.TextChoices]) -> str:
    for choice in choices:
        try:
            return str(choice(value).label)
        except ValueError:
            continue
    return value


def proposal_audit_trail(proposal: Proposal) -> list[AuditLine]:
    """Status moves and evaluation decisions of a proposal, oldest first (two queries)."""
    lines = [
        AuditLine(
            when=change.changed_at,
            who=change.changed_by,
            what=_("status changed"),
            from_value=_label(change.from_status, Proposal.Status) if change.from_status else "",
            to_value=_label(change.to_status, Proposal.Status),
            reason=change.reason,
        )
        for change in ProposalStatusChange.objects.filter(proposal=proposal).select_related("changed_by")
    ]
    for event in EvaluationEvent.objects.filter(proposal=proposal).select_related("changed_by"):
        lines.append(
            AuditLine(
                when=event.changed_at,
                who=event.changed_by,
                what=event.get_kind_display(),
                from_value=_label(
                    event.from_status, Review.Status, ClarificationRequest.Status, AdmissibilityCheck.Outcome
                ),
                to_value=_label(
                    event.to_status, Review.Status, ClarificationRequest.Status, AdmissibilityCheck.Outcome
                ),
                reason=event.reason,
                details=event.details,
            )
        )
    lines.sort(key=lambda line: line.when)
    return lines


def proposal_reviews(proposal: Proposal) -> list[Review]:
    """Every review of a proposal, conflicts included (kept for the record), with the scores."""
    return list(
        Review.objects.filter(proposal=proposal)
        .select_related("evaluator")
        .prefetch_related(Prefetch("scores", queryset=ReviewScore.objects.select_related("criterion")))
        .order_by("assigned_at", "pk")
    )


# --- Reviews -------------------------------------------------------------------------------------


def review_get_for_evaluator(*, user: AnyUser, proposal_pk: int) -> Review:
    """The user's own review of a proposal; 404 when it is not assigned to them (or they
    declared a conflict of interest: they are no longer its evaluator)."""
    if not user.is_authenticated:
        raise Http404
    return get_object_or_404(
        Review.objects.select_related("proposal__call", "proposal__lead", "evaluator").exclude(
            status=Review.Status.CONFLICT
        ),
        evaluator=user,
        proposal_id=proposal_pk,
    )


def review_own_scores(review: Review) -> dict[int, ReviewScore]:
    """The evaluator's own scores (draft or submitted), by criterion id."""
    return {score.criterion_id: score for score in review.scores.all()}


def other_reviews_visible_to(review: Review) -> list[Review]:
    """Reviews are blind: another evaluator's scores are visible only to an evaluator who has
    submitted their own, and only once submitted."""
    if review.status != Review.Status.SUBMITTED:
        return []
    return list(
        Review.objects.filter(proposal_id=review.proposal_id, status=Review.Status.SUBMITTED)
        .exclude(pk=review.pk)
        .select_related("evaluator")
        .prefetch_related(Prefetch("scores", queryset=ReviewScore.objects.select_related("criterion")))
        .order_by("submitted_at", "pk")
    )


def call_criteria(call: Call) -> list[EvaluationCriterion]:
    return list(EvaluationCriterion.objects.filter(call=call).order_by("order", "code", "pk"))


def involved_organisation_ids(proposal: Proposal) -> list[int]:
    """The lead and every organisation listed as partner (whatever its answer)."""
    partners = ProposalPartner.objects.filter(proposal=proposal).values_list("organisation_id", flat=True)
    return [proposal.lead_id, *partners]


def evaluator_has_organisation_conflict(evaluator: User, proposal: Proposal) -> bool:
    """True when the evaluator acts for the lead or a partner of the proposal."""
    return Membership.objects.filter(user=evaluator, organisation_id__in=involved_organisation_ids(proposal)).exists()


def evaluators() -> QuerySet[User]:
    """Everyone who may be assigned reviews: active users with the evaluator role."""
    return User.objects.filter(municipal_role=User.MunicipalRole.EVALUATOR, is_active=True).order_by(
        "full_name", "email"
    )


def evaluators_for(proposal: Proposal) -> QuerySet[User]:
    """Evaluators who may be assigned to the proposal: not already on it (conflicts included)
    and not acting for an organisation involved in it."""
    return (
        evaluators()
        .exclude(memberships__organisation_id__in=involved_organisation_ids(proposal))
        .exclude(reviews__proposal=proposal)
        .distinct()
    )


def evaluator_loads(call: Call, evaluator_ids: list[int]) -> dict[int, int]:
    """Reviews (conflicts excluded) each evaluator has in the call, by user id (one query)."""
    loads = dict.fromkeys(evaluator_ids, 0)
    rows = (
        Review.objects.filter(proposal__call=call, evaluator_id__in=evaluator_ids)
        .exclude(status=Review.Status.CONFLICT)
        .values("evaluator_id")
        .annotate(n=Count("pk"))
    )
    for row in rows:
        loads[row["evaluator_id"]] = row["n"]
    return loads


# --- Consensus -----------------------------------------------------------------------------------


def spread_alert_pct() -> Decimal:
    """The configured alert threshold, in percent of a criterion's maximum."""
    return Decimal(str(getattr(settings, "EVALUATION_SPREAD_ALERT", DEFAULT_SPREAD_ALERT)))


@dataclass(frozen=True)
class ConsensusLine:
    """One criterion of the consensus sheet: the evaluators' scores, their mean and spread."""

    criterion: EvaluationCriterion
    scores: list[tuple[Any, Decimal, str]]
    mean: Decimal | None
    spread: Decimal | None
    alert_gap: Decimal
    flagged: bool
    consensus: ConsensusScore | None


def consensus_sheet(proposal: Proposal) -> list[ConsensusLine]:
    """Per criterion: submitted scores, mean (to the cent), spread (max − min), whether the spread
    is above the alert gap, and the consensus already recorded (four queries)."""
    criteria = call_criteria(proposal.call)
    by_criterion: dict[int, list[tuple[Any, Decimal, str]]] = {criterion.pk: [] for criterion in criteria}
    submitted = ReviewScore.objects.filter(
        review__proposal=proposal, review__status=Review.Status.SUBMITTED
    ).select_related("review__evaluator")
    for row in submitted.order_by("review__submitted_at", "review_id"):
        if row.criterion_id in by_criterion:
            by_criterion[row.criterion_id].append((row.review.evaluator, row.score, row.comment))
    recorded = {row.criterion_id: row for row in ConsensusScore.objects.filter(proposal=proposal)}
    pct = spread_alert_pct()
    lines = []
    for criterion in criteria:
        values = [score for _who, score, _comment in by_criterion[criterion.pk]]
        mean = (sum(values, Decimal("0")) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP) if values else None
        spread = (max(values) - min(values)) if values else None
        gap = (criterion.max_score * pct / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        lines.append(
            ConsensusLine(
                criterion=criterion,
                scores=by_criterion[criterion.pk],
                mean=mean,
                spread=spread,
                alert_gap=gap,
                flagged=spread is not None and spread > gap,
                consensus=recorded.get(criterion.pk),
            )
        )
    return lines


def consensus_blockers(proposal: Proposal) -> list[str]:
    """Why the consensus cannot be recorded yet; empty when it can."""
    blockers = []
    if proposal.status not in CONSENSUS_STATUSES:
        blockers.append(
            _("The proposal is %(status)s: the consensus is recorded while it is under evaluation.")
            % {"status": proposal.get_status_display()}
        )
    counts = Review.objects.filter(proposal=proposal).aggregate(
        submitted=Count("pk", filter=Q(status=Review.Status.SUBMITTED)),
        outstanding=Count("pk", filter=Q(status__in=[Review.Status.ASSIGNED, Review.Status.NO_CONFLICT])),
    )
    if counts["outstanding"]:
        blockers.append(
            _("%(count)s review(s) not submitted yet: the consensus follows every review.")
            % {"count": counts["outstanding"]}
        )
    if counts["submitted"] < MIN_REVIEWERS:
        blockers.append(
            _("At least %(min)s submitted reviews are needed; there are %(count)s.")
            % {"min": MIN_REVIEWERS, "count": counts["submitted"]}
        )
    return blockers


# --- Ranking -------------------------------------------------------------------------------------


def call_ranking(call: Call) -> list[RankedProposal]:
    """The ranking of the call as its consensus scores stand now, without storing anything
    (the order is documented in evaluation.ranking; call_rank stores the same list)."""
    return compute_ranking(call)


def proposals_waiting_for_consensus(call: Call) -> int:
    """Proposals under evaluation that the ranking cannot include yet (no complete consensus)."""
    criteria = EvaluationCriterion.objects.filter(call=call).count()
    return (
        Proposal.objects.filter(call=call, status=Proposal.Status.UNDER_EVALUATION)
        .annotate(n=Count("consensus_scores"))
        .filter(n__lt=criteria)
        .count()
        if criteria
        else 0
    )


# --- Messages ------------------------------------------------------------------------------------


def proposal_get_for_thread(*, user: AnyUser, pk: int) -> Proposal:
    """A submitted proposal whose thread the user takes part in (staff or lead member); 404 otherwise."""
    from .permissions import can_view_messages

    proposal = proposals_received().select_related("call", "lead").filter(pk=pk).first()
    if proposal is None or not can_view_messages(user, proposal):
        raise Http404
    return proposal


def proposal_messages(proposal: Proposal) -> list[ProposalMessage]:
    return list(ProposalMessage.objects.filter(proposal=proposal).select_related("author").order_by("sent_at", "pk"))


# --- Dashboard -----------------------------------------------------------------------------------


def dashboard_sections(user: User) -> list[tuple[str, dict[str, Any]]]:
    """The evaluation sections of the dashboard: officer, evaluator, applicant (bounded queries)."""
    if not user.is_authenticated:
        return []
    now = timezone.now()
    sections: list[tuple[str, dict]] = []
    if is_staff_officer(user):
        sections.append(("evaluation/partials/dashboard_officer.html", officer_overview(now=now)))
    if user.municipal_role == User.MunicipalRole.EVALUATOR:
        sections.append(("evaluation/partials/dashboard_evaluator.html", evaluator_overview(user=user)))
    applicant = applicant_overview(user=user, now=now)
    if applicant["proposals"]:
        sections.append(("evaluation/partials/dashboard_applicant.html", applicant))
    return sections


def officer_overview(*, now: datetime | None = None) -> dict:
    """Calls with proposals to evaluate: proposals by status, reviews outstanding per evaluator,
    conflicts of interest declared (four queries whatever the numbers)."""
    now = now or timezone.now()
    calls = list(
        Call.objects.filter(status__in=[Call.Status.OPEN, Call.Status.CLOSED, Call.Status.EVALUATION])
        .filter(proposals__status__in=[s for s in Proposal.Status.values if s not in ("draft", "withdrawn")])
        .distinct()
        .order_by("-closes_at", "code")[:DASHBOARD_ROWS]
    )
    by_call: dict[int, dict[str, Any]] = {
        call.pk: {"call": call, "statuses": [], "outstanding": [], "conflicts": []} for call in calls
    }
    if calls:
        counts = (
            Proposal.objects.filter(call__in=calls)
            .exclude(status=Proposal.Status.DRAFT)
            .values("call_id", "status")
            .annotate(n=Count("pk"))
            .order_by("call_id", "status")
        )
        order = {status: index for index, status in enumerate(Proposal.Status.values)}
        for row in sorted(counts, key=lambda row: order[row["status"]]):
            by_call[row["call_id"]]["statuses"].append((Proposal.Status(row["status"]).label, row["n"]))
        outstanding = (
            Review.objects.filter(
                proposal__call__in=calls, status__in=[Review.Status.ASSIGNED, Review.Status.NO_CONFLICT]
            )
            .values("proposal__call_id", "evaluator_id", "evaluator__full_name", "evaluator__email")
            .annotate(
                n=Count("pk"),
                to_declare=Count("pk", filter=Q(status=Review.Status.ASSIGNED)),
            )
            .order_by("proposal__call_id", "-n", "evaluator__email")
        )
        for waiting in outstanding:
            by_call[waiting["proposal__call_id"]]["outstanding"].append(waiting)
        conflicts = (
            Review.objects.filter(proposal__call__in=calls, status=Review.Status.CONFLICT)
            .filter(proposal__status__in=EVALUATION_STATUSES)
            .select_related("proposal", "evaluator")
            .order_by("-conflict_declared_at")[: DASHBOARD_ROWS * 2]
        )
        for review in conflicts:
            by_call[review.proposal.call_id]["conflicts"].append(review)
    return {"calls": list(by_call.values()), "now": now}


def evaluator_overview(*, user: User) -> dict[str, Any]:
    """The evaluator's proposals: to declare, to score, submitted (two queries)."""
    reviews = list(
        Review.objects.filter(evaluator=user)
        .exclude(status=Review.Status.CONFLICT)
        .select_related("proposal__call")
        .order_by("status", "-assigned_at", "pk")[:50]
    )
    counts = dict(
        Review.objects.filter(evaluator=user)
        .exclude(status=Review.Status.CONFLICT)
        .values("status")
        .annotate(n=Count("pk"))
        .values_list("status", "n")
    )
    return {
        "reviews": reviews,
        "to_declare": counts.get(Review.Status.ASSIGNED, 0),
        "to_score": counts.get(Review.Status.NO_CONFLICT, 0),
        "submitted": counts.get(Review.Status.SUBMITTED, 0),
    }


def applicant_overview(*, user: User, now: datetime | None = None) -> dict[str, Any]:
    """For members of lead associations: their submitted proposals (with the thread to the
    office), open requests for clarification, admissibility decisions and the office's latest
    messages (four queries)."""
    now = now or timezone.now()
    organisations = Membership.objects.filter(user=user).values("organisation_id")
    proposals = list(
        proposals_received()
        .filter(lead__in=organisations)
        # The call's status: applicants are told the outcome only once its results are published.
        .select_related("call")
        .only("pk", "protocol_number", "title", "status", "call__status")
        .order_by("-submitted_at", "-pk")[:DASHBOARD_ROWS]
    )
    if not proposals:
        return {"proposals": [], "clarifications": [], "decisions": [], "messages": [], "now": now}
    clarifications = list(
        ClarificationRequest.objects.filter(
            proposal__lead__in=organisations, status=ClarificationRequest.Status.OPEN, deadline__gt=now
        )
        .select_related("proposal")
        .order_by("deadline", "pk")[:DASHBOARD_ROWS]
    )
    for request in clarifications:
        request.section_list = section_labels(request.sections)  # type: ignore[attr-defined]  # for the template
    decisions = list(
        AdmissibilityCheck.objects.filter(proposal__lead__in=organisations)
        .exclude(outcome=AdmissibilityCheck.Outcome.PENDING)
        .select_related("proposal")
        .order_by("-decided_at", "pk")[:DASHBOARD_ROWS]
    )
    messages = list(
        ProposalMessage.objects.filter(proposal__lead__in=organisations, from_staff=True)
        .select_related("proposal")
        .order_by("-sent_at", "-pk")[:5]
    )
    return {
        "proposals": proposals,
        "clarifications": clarifications,
        "decisions": decisions,
        "messages": messages,
        "now": now,
    }


# --- Reads of the evaluation pages ------------------------------------------------------------------


def proposal_clarification_requests(proposal: Proposal) -> list[ClarificationRequest]:
    """Every clarification request of the proposal, newest first, with who asked and who answered."""
    return list(
        ClarificationRequest.objects.filter(proposal=proposal)
        .select_related("requested_by", "answered_by")
        .order_by("-requested_at", "-pk")
    )


def call_admissible_count(call: Call) -> int:
    """How many proposals of the call are admissible (waiting for evaluators)."""
    return Proposal.objects.filter(call=call, status=Proposal.Status.ADMISSIBLE).count()


def admissibility_check_get(*, proposal: Proposal) -> AdmissibilityCheck | None:
    """The proposal's admissibility check, if an officer started one."""
    return AdmissibilityCheck.objects.filter(proposal=proposal).first()
