"""Report runs: asked for by a user (or the monthly beat), produced by a Celery worker.

A run moves queued → running → done | failed, and only forwards: a task delivered twice, or a
run repeated, never writes over a finished run (repeating makes a new run with the same
parameters). Failures are recorded in plain words for the person who asked; the traceback goes
to the log.
"""

import logging
import tempfile
from datetime import date

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from .generation import write_report
from .models import ReportRun

logger = logging.getLogger(__name__)

# What the monthly beat produces: each standard report, every call with results published.
STANDARD_REPORTS = (("funding", ReportRun.Format.XLSX), ("country", ReportRun.Format.XLSX))


def report_run_start(
    *, kind: str, fmt: str = ReportRun.Format.CSV, parameters: dict | None = None, by=None, funder=None, language=None
) -> ReportRun:
    """Record a report request and hand it to the worker once the row is committed.

    For a funder's run, `funder` is stored on the row (who may see it) and in the parameters
    (what it covers), so the two cannot disagree."""
    from .tasks import report_run_execute_task

    parameters = dict(parameters or {})
    if funder is not None:
        parameters["funder"] = funder.pk
    run = ReportRun.objects.create(
        kind=kind,
        format=fmt,
        parameters=parameters,
        requested_by=by,
        funder=funder,
        language=language or get_language() or "it",
    )
    transaction.on_commit(lambda: report_run_execute_task.delay(run.pk))
    return run


def report_run_repeat(*, run: ReportRun, by) -> ReportRun:
    """A new run with the same kind, format, parameters and funder (the old one stays as it was)."""
    return report_run_start(
        kind=run.kind, fmt=run.format, parameters=run.parameters, by=by, funder=run.funder, language=get_language()
    )


def _claim(run_id: int, attempt: int) -> ReportRun | None:
    """Move a queued run to running; None when it is not queued (running elsewhere, finished,
    gone). On PostgreSQL the row is locked without waiting: a run held by another transaction
    raises OperationalError, which the task retries later."""
    with transaction.atomic():
        run = ReportRun.objects.select_for_update(nowait=True).filter(pk=run_id).first()
        if run is None or run.status != ReportRun.Status.QUEUED:
            return None
        run.status = ReportRun.Status.RUNNING
        run.started_at = timezone.now()
        run.progress = 0
        run.attempts = max(run.attempts + 1, attempt)
        run.error = ""
        run.save(update_fields=["status", "started_at", "progress", "attempts", "error"])
    return run


def report_run_execute(*, run_id: int, attempt: int = 1) -> ReportRun | None:
    """Produce a run's output. A run not queued is left alone, so a task delivered twice does the
    work once. Transient database errors while writing put the run back in the queue and are
    raised again for the task to retry; any other error fails the run."""
    run = _claim(run_id, attempt)
    if run is None:
        return ReportRun.objects.filter(pk=run_id).first()
    last = [-1]

    def progress(percent: int) -> None:
        # One small UPDATE per section, not a save() of the whole row.
        if percent != last[0] and percent < 100:
            last[0] = percent
            ReportRun.objects.filter(pk=run.pk, status=ReportRun.Status.RUNNING).update(progress=percent)

    try:
        with translation.override(run.language), tempfile.TemporaryFile() as stream:
            write_report(run.kind, run.format, run.parameters, stream, progress=progress)
            stream.seek(0)
            run.output.save(run.download_name(), File(stream), save=False)
    except ValidationError as error:
        with translation.override(run.language):
            return report_run_fail(
                run_id=run.pk,
                message=_("The report's parameters are not valid: %(errors)s") % {"errors": " ".join(error.messages)},
            )
    except Exception as error:
        if _is_transient(error):
            ReportRun.objects.filter(pk=run.pk, status=ReportRun.Status.RUNNING).update(
                status=ReportRun.Status.QUEUED, progress=0
            )
            raise
        logger.exception("Report run %s failed", run.pk)
        with translation.override(run.language):
            return report_run_fail(
                run_id=run.pk,
                message=_(
                    "The report could not be produced because of an unexpected error. "
                    "The technical details are in the server's log; try again, or tell the office."
                ),
            )
    ReportRun.objects.filter(pk=run.pk, status=ReportRun.Status.RUNNING).update(
        output=run.output.name, status=ReportRun.Status.DONE, progress=100, finished_at=timezone.now()
    )
    run.refresh_from_db()
    return run


def _is_transient(error: Exception) -> bool:
    from .tasks import TRANSIENT_ERRORS

    return isinstance(error, TRANSIENT_ERRORS)


def report_run_fail(*, run_id: int, message: str) -> ReportRun | None:
    """Record that a run failed, with `message` for the person who asked (not a traceback).
    A run already done stays done."""
    ReportRun.objects.filter(pk=run_id).exclude(status=ReportRun.Status.DONE).update(
        status=ReportRun.Status.FAILED, error=message, finished_at=timezone.now()
    )
    return ReportRun.objects.filter(pk=run_id).first()


def report_runs_monthly(*, today: date | None = None) -> list[ReportRun]:
    """Start this month's standard reports, unless they exist already (the beat may fire twice,
    or be restarted): returns the runs started now."""
    today = today or timezone.localdate()
    month = today.replace(day=1)
    started = []
    for kind, fmt in STANDARD_REPORTS:
        if ReportRun.objects.filter(kind=kind, format=fmt, scheduled_for=month).exists():
            continue
        try:
            with transaction.atomic():
                run = report_run_start(kind=kind, fmt=fmt, parameters={}, language="it")
                run.scheduled_for = month
                run.save(update_fields=["scheduled_for"])
        except IntegrityError:
            # Another beat made it in the meantime: the unique constraint keeps one.
            continue
        started.append(run)
    return started


def report_runs_requeue_stale(*, older_than_minutes: int = 15) -> list[int]:
    """Send again the runs still queued after a while: their message may have been lost when the
    broker was down at the time they were asked for. Running them twice is harmless."""
    from .tasks import report_run_execute_task

    limit = timezone.now() - timezone.timedelta(minutes=older_than_minutes)
    stale = list(
        ReportRun.objects.filter(status=ReportRun.Status.QUEUED, created_at__lt=limit).values_list("pk", flat=True)[
            :100
        ]
    )
    for run_id in stale:
        report_run_execute_task.delay(run_id)
    return stale
