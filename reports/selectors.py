"""Who sees which report runs, and the dashboard's Reports section."""

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from cosviluppo.lib.permissions import is_staff_officer

from .models import ReportRun
from .permissions import can_ask_for_reports

DASHBOARD_RUNS = 5


def report_runs_for(user) -> QuerySet[ReportRun]:
    """The runs `user` may see: every run for staff, their funders' runs for funder members."""
    runs = ReportRun.objects.select_related("requested_by", "funder")
    if is_staff_officer(user):
        return runs
    if not user.is_authenticated:
        return runs.none()
    return runs.filter(funder__memberships__user=user).distinct()


def report_run_get_for_user(*, user, pk: int) -> ReportRun:
    """One run the user may see; 404 for any other (a guessed id reveals nothing)."""
    return get_object_or_404(report_runs_for(user), pk=pk)


def dashboard_sections(user) -> list[tuple[str, dict]]:
    """Recent report runs and the way to ask for one, for staff and funder members (2–3 queries)."""
    if not user.is_authenticated or not can_ask_for_reports(user):
        return []
    runs = list(report_runs_for(user)[:DASHBOARD_RUNS])
    return [("reports/runs/dashboard_section.html", {"runs": runs})]
