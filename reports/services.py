"""Report runs: created by a user, executed by a Celery worker."""

import csv
import io

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from projects.selectors import programme_headline_numbers

from .models import ReportRun


def report_run_start(
    *, kind: str, fmt: str = ReportRun.Format.CSV, parameters: dict | None = None, by=None, funder=None
) -> ReportRun:
    """Record a report request and hand it to the worker once the row is committed."""
    from .tasks import report_run_execute_task

    run = ReportRun.objects.create(kind=kind, format=fmt, parameters=parameters or {}, requested_by=by, funder=funder)
    transaction.on_commit(lambda: report_run_execute_task.delay(run.pk))
    return run


def _summary_csv() -> bytes:
    numbers = programme_headline_numbers()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["indicator", "value"])
    for key, value in numbers.items():
        writer.writerow([key, value])
    return buffer.getvalue().encode("utf-8")


BUILDERS = {ReportRun.Kind.SUMMARY: _summary_csv}


def report_run_execute(*, run_id: int) -> ReportRun:
    """Produce a run's output. A run already done (or running elsewhere) is left alone,
    so a task delivered twice does the work once."""
    claimed = ReportRun.objects.filter(pk=run_id, status__in=[ReportRun.Status.QUEUED, ReportRun.Status.FAILED]).update(
        status=ReportRun.Status.RUNNING, started_at=timezone.now(), progress=0, error=""
    )
    run = ReportRun.objects.get(pk=run_id)
    if not claimed:
        return run
    builder = BUILDERS.get(run.kind)
    if builder is None:
        run.status = ReportRun.Status.FAILED
        run.error = f"The report kind “{run.kind}” is not available yet."
        run.finished_at = timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        return run
    content = builder()
    run.output.save(f"{run.kind}-{run.pk}.{run.format}", ContentFile(content), save=False)
    run.status = ReportRun.Status.DONE
    run.progress = 100
    run.finished_at = timezone.now()
    run.save(update_fields=["output", "status", "progress", "finished_at"])
    return run
