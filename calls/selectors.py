"""Reads about calls shared by pages and reports."""

from datetime import datetime

from django.utils import timezone

from .models import Call


def calls_open_at(when: datetime | None = None):
    """Calls accepting proposals now by the clock, earliest deadline first, with their budget."""
    return Call.objects.open_at(when or timezone.now()).with_budget().order_by("closes_at")


def call_public_list(*, filters=None, now: datetime | None = None):
    """Published calls, open ones first (earliest deadline first), then the most recent."""
    from django.db.models import Case, IntegerField, Value, When

    now = now or timezone.now()
    queryset = (
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


def call_public_get(*, code: str):
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
