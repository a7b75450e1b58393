"""Who sees which report runs, and the dashboard's Reports section."""

from typing import Any

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from cosviluppo.lib.permissions import is_staff_officer
from cosviluppo.lib.types import AnyUser

from .models import ReportRun
from .permissions import can_ask_for_reports

DASHBOARD_RUNS = 5


def report_runs_for(user: AnyUser) -> QuerySet[ReportRun]:
    """The runs `user` may see: every run for staff, their funders' runs for funder members."""
    runs = ReportRun.objects.select_related("requested_by", "funder")
    if is_staff_officer(user):
        return runs
    if not user.is_authenticated:
        return runs.none()
    return runs.filter(funder__memberships__user=user).distinct()


def report_run_get_for_user(*, user: AnyUser, pk: int) -> ReportRun:
    """One run the user may see; 404 for any other (a guessed id reveals nothing)."""
    return get_object_or_404(report_runs_for(user), pk=pk)


def dashboard_sections(user: AnyUser) -> list[tuple[str, dict[str, Any]]]:
    """Recent report runs and the way to ask for one, for staff and funder members (2–3 queries)."""
    if not user.is_authenticated or not can_ask_for_reports(user):
        return []
    runs = list(report_runs_for(user)[:DASHBOARD_RUNS])
    return [("reports/runs/dashboard_section.html", {"runs": runs})]
