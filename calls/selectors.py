"""Reads about calls shared by pages and reports."""

from collections.abc import Callable
from datetime import datetime
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from cosviluppo.lib.types import AnyUser

from .models import Call, CallDocument, CallQuestion, FunderCommitment, RequiredAttachment

# A list page's filters (a django-filter FilterSet's filter_queryset): a queryset in, a narrower one out.
QueryFilter = Callable[[QuerySet[Call]], QuerySet[Call]]


def calls_open_at(when: datetime | None = None) -> QuerySet[Call]:
    """Calls accepting proposals now by the clock, earliest deadline first, with their budget."""
    return Call.objects.open_at(when or timezone.now()).with_budget().order_by("closes_at")


def call_public_list(*, filters: QueryFilter | None = None, now: datetime | None = None) -> QuerySet[Call]:
    """Published calls, open ones first (earliest deadline first), then the most recent."""
    from django.db.models import Case, IntegerField, Value, When

    now = now or timezone.now()
    queryset: QuerySet[Call] = (
        Call.objects.published()
        .with_budget()
        .annotate(
            open_first=Case(
                When(status=Call.Status.OPEN, opens_at__lte=now, closes_at__gt=now, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )
        .order_by("open_first", "-opens_at")
    )
    if filters is not None:
        queryset = filters(queryset)
    return queryset


def call_public_get(*, code: str) -> Call:
    """A published call with what its public page shows; 404 for drafts and unknown codes."""
    from django.db.models import Prefetch
    from django.shortcuts import get_object_or_404

    from .models import CallQuestion

    return get_object_or_404(
        Call.objects.published()
        .with_budget()
        .prefetch_related(
            "criteria",
            "documents",
            "required_attachments",
            "cost_categories",
            "commitments__funder",
            Prefetch(
                "questions", queryset=CallQuestion.objects.filter(is_published=True), to_attr="published_questions"
            ),
        ),
        code=code,
    )


# --- Staff ------------------------------------------------------------------------------------


def _with_staff_numbers(queryset: QuerySet[Any]) -> QuerySet[Any]:
    """Committed budget and proposals received per call, as subqueries (no row multiplication)."""
    from django.db.models import Count, DecimalField, IntegerField, OuterRef, Subquery, Sum, Value
    from django.db.models.functions import Coalesce

    from projects.models import Proposal

    from .models import FunderCommitment

    committed = FunderCommitment.objects.filter(call=OuterRef("pk")).order_by().values("call").annotate(t=Sum("amount"))
    received = (
        # "Received" as the admin counts it: submitted and not withdrawn.
        Proposal.objects.submitted().filter(call=OuterRef("pk")).order_by().values("call").annotate(n=Count("pk"))
    )
    annotated: QuerySet[Any] = queryset.annotate(
        # Zero rather than NULL without commitments, so Call.budget() never queries again.
        budget_total=Coalesce(Subquery(committed.values("t")), Value(Decimal("0.00")), output_field=DecimalField()),
        proposals_received=Coalesce(Subquery(received.values("n"), output_field=IntegerField()), 0),
    )
    return annotated


def call_staff_list(*, filters: QueryFilter | None = None) -> QuerySet[Call]:
    """Every call, drafts first, then the most recent, with the numbers the staff list shows."""
    from django.db.models import Case, IntegerField, Value, When

    queryset = _with_staff_numbers(
        Call.objects.annotate(
            draft_first=Case(
                When(status=Call.Status.DRAFT, then=Value(0)), default=Value(1), output_field=IntegerField()
            )
        )
    ).order_by("draft_first", "-opens_at", "code")
    if filters is not None:
        queryset = filters(queryset)
    return queryset


def call_get_for_staff(*, code: str) -> Call:
    """Any call, drafts included (staff pages only)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Call, code=code)


def call_document_get_for_user(*, user: AnyUser, code: str, pk: int) -> CallDocument:
    """A call document the user may download: of a published call, or of a draft for staff; else 404."""
    from django.http import Http404

    from .models import CallDocument
    from .permissions import can_download_call_document

    document = CallDocument.objects.select_related("call").filter(call__code=code, pk=pk).first()
    if document is None or not can_download_call_document(user, document):
        raise Http404
    return document


def call_questions_waiting() -> QuerySet[CallQuestion]:
    """Questions not published yet (unanswered first, then answered but kept back), oldest first."""
    from django.db.models import Case, IntegerField, Value, When

    from .models import CallQuestion

    return (
        CallQuestion.objects.filter(is_published=False)
        .select_related("call", "asked_by")
        .annotate(
            answered=Case(When(answer="", then=Value(0)), default=Value(1), output_field=IntegerField()),
        )
        .order_by("answered", "asked_at", "pk")
    )


# --- Dashboard --------------------------------------------------------------------------------

DASHBOARD_ROWS = 10


def dashboard_sections(user: User) -> list[tuple[str, dict[str, Any]]]:
    """The dashboard's call sections for `user`: officer, funder and applicant views (bounded queries)."""
    from associations.models import Organisation
    from cosviluppo.lib.permissions import is_staff_officer, membership_kinds

    if not user.is_authenticated:
        return []
    now = timezone.now()
    sections: list[tuple[str, dict]] = []
    if is_staff_officer(user):
        sections.append(("calls/partials/dashboard_officer.html", call_officer_overview(now=now)))
    kinds = membership_kinds(user)
    if kinds & set(Organisation.FUNDER_KINDS):
        sections.append(
            ("calls/partials/dashboard_funder.html", {"commitments": funder_commitments(user=user), "now": now})
        )
    if kinds & {Organisation.Kind.MIGRANT_ASSOCIATION, Organisation.Kind.NGO}:
        sections.append(
            (
                "calls/partials/dashboard_open_calls.html",
                {"calls": list(calls_open_at(now)[:DASHBOARD_ROWS]), "now": now},
            )
        )
    return sections


def call_officer_overview(*, now: datetime | None = None) -> dict:
    """Published calls still running (not archived) and drafts waiting to be published, plus waiting questions."""
    from django.db.models import Count, IntegerField, Subquery

    from .models import CallQuestion

    now = now or timezone.now()
    waiting = CallQuestion.objects.filter(is_published=False, answer="")
    # The number of questions waiting rides on the running calls' query (an uncorrelated subquery,
    # computed once), saving the dashboard a query; without running calls it is counted apart.
    waiting_total = waiting.order_by().values("is_published").annotate(n=Count("pk")).values("n")
    running = list(
        _with_staff_numbers(Call.objects.exclude(status__in=[Call.Status.DRAFT, Call.Status.ARCHIVED]))
        .annotate(questions_waiting_total=Subquery(waiting_total, output_field=IntegerField()))
        .order_by("-closes_at")[:DASHBOARD_ROWS]
    )
    drafts = list(
        _with_staff_numbers(Call.objects.filter(status=Call.Status.DRAFT)).order_by("opens_at")[:DASHBOARD_ROWS]
    )
    for call in running:
        call.status_label = call.effective_status_label(now)
    return {
        "running": running,
        "drafts": drafts,
        "questions_waiting": (running[0].questions_waiting_total or 0) if running else waiting.count(),
        "now": now,
    }


def funder_commitments(*, user: User) -> list[FunderCommitment]:
    """The commitments of the funders `user` belongs to, on published calls, most recent call first."""
    from .models import FunderCommitment

    now = timezone.now()
    rows = list(
        FunderCommitment.objects.filter(funder__memberships__user=user)
        .exclude(call__status=Call.Status.DRAFT)
        .select_related("call", "funder")
        .order_by("-call__opens_at", "funder__legal_name")[:50]
    )
    for row in rows:
        row.status_label = row.call.effective_status_label(now)  # type: ignore[attr-defined]  # for the template
    return rows


def call_get_published(*, code: str) -> Call:
    """A published call (nothing prefetched); 404 for drafts and unknown codes."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Call.objects.published(), code=code)


def call_required_attachment_get(*, call: Call, pk: int) -> RequiredAttachment:
    """One of the documents the call requires; 404 for another call's."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(call.required_attachments.all(), pk=pk)


def call_question_get_for_staff(*, pk: int) -> CallQuestion:
    """A question asked about a call, with the call and who asked; 404 otherwise."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(CallQuestion.objects.select_related("call", "asked_by"), pk=pk)


def call_cost_categories(call: Call) -> set[str]:
    """The cost categories the call lists as eligible (empty: the call lists none)."""
    return {row.category for row in call.cost_categories.all()}
