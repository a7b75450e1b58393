"""Reads about calls shared by pages and reports."""

from datetime import datetime

from django.utils import timezone

from .models import Call


def calls_open_at(when: datetime | None = None):
    """Calls accepting proposals now by the clock, earliest deadline first, with their budget."""
    return Call.objects.open_at(when or timezone.now()).with_budget().order_by("closes_at")
