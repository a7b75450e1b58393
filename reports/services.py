"""Report runs: asked for by a user (or the monthly beat), produced by a Celery worker.

A run moves queued → running → done | failed, and only forwards: a task delivered twice, or a
run repeated, never writes over a finished run (repeating makes a new run with the same
parameters). Failures are recorded in plain words for the person who asked; the traceback goes
to the log.
"""

import logging
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from accounts.models import User
from associations.models import Organisation
from cosviluppo.lib.tasks import enqueue, enqueue_on_commit

from .generation import write_report
from .models import ReportRun

logger = logging.getLogger(__name__)

# What the monthly beat produces: each standard report, every call with results published.
STANDARD_REPORTS = (("funding", ReportRun.Format.XLSX), ("country", ReportRun.Format.XLSX))


def report_run_start(
    *,
    kind: str,
    fmt: str = ReportRun.Format.CSV,
    parameters: dict | None = None,
    by: User | None = None,
    funder: Organisation | None = None,
    language: str | None = None,
) -> ReportRun:
    """Record a report request and hand it to the worker once the row is committed.

    For a funder's run, `funder` is stored on the row (who may see it) and in the parameters
    (what it covers), so the two cannot disagree. When the task queue does not answer, the run
    stays queued with a note (`enqueue_failed_at`) and the sweep sends it when the queue is back."""
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
    enqueue_on_commit(report_run_execute_task, run.pk, on_broker_down=lambda: _record_not_sent(run.pk))
    return run


def _record_not_sent(run_id: int) -> None:
    ReportRun.objects.filter(pk=run_id, status=ReportRun.Status.QUEUED).update(enqueue_failed_at=timezone.now())


def report_run_lease() -> timedelta:
    """How long a running run may go without a heartbeat before it counts as abandoned."""
    return timedelta(seconds=settings.REPORT_RUN_LEASE_SECONDS)


def _abandoned_message(run: ReportRun) -> str:
    with translation.override(run.language):
        return _(
            "The report could not be produced: the worker producing it stopped before it finished, "
            "%(times)d times. Repeat the report; if it stops again, tell the office."
        ) % {"times": run.restarts}


def _take_back(run: ReportRun, *, now: datetime) -> bool:
    """A running run whose worker stopped (the row is locked by the caller): count the restart,
    or fail it in plain words once the restarts are spent. True when it may run again."""
    run.restarts += 1
    if run.restarts > settings.REPORT_RUN_RESTARTS:
        run.status = ReportRun.Status.FAILED
        run.error = _abandoned_message(run)
        run.finished_at = now
        run.save(update_fields=["status", "error", "finished_at", "restarts"])
        logger.error("Report run %s failed: its worker stopped %s times", run.pk, run.restarts)
        return False
    logger.warning("Report run %s: its worker stopped; restart %s", run.pk, run.restarts)
    return True


def report_run_repeat(*, run: ReportRun, by: User) -> ReportRun:
    """A new run with the same kind, format, parameters and funder (the old one stays as it was)."""
    return report_run_start(
        kind=run.kind, fmt=run.format, parameters=run.parameters, by=by, funder=run.funder, language=get_language()
    )


def _claim(run_id: int, attempt: int) -> ReportRun | None:
    """Move a queued run to running; None when it is not for this task (running elsewhere,
    finished, gone). A running run whose worker stopped (no heartbeat for a lease) is taken back,
    counting a restart: this is how a message redelivered after its worker died resumes it.
    On PostgreSQL the row is locked without waiting: a run held by another transaction raises
    OperationalError, which the task retries later."""
    now = timezone.now()
    with transaction.atomic():
        run = ReportRun.objects.select_for_update(nowait=True).filter(pk=run_id).first()
        if run is None:
            return None
        if run.is_abandoned(now=now, lease=report_run_lease()):
            if not _take_back(run, now=now):
                return None
        elif run.status != ReportRun.Status.QUEUED:
            return None
        run.status = ReportRun.Status.RUNNING
        # started_at also tells this claim from a later one: a worker that was given up for
        # lost and comes back writes nothing over the run's new life.
        run.started_at = now
        run.heartbeat_at = now
        run.progress = 0
        run.attempts = max(run.attempts + 1, attempt)
        run.error = ""
        run.enqueue_failed_at = None
        run.save(
            update_fields=[
                "status",
                "started_at",
                "heartbeat_at",
                "progress",
                "attempts",
                "error",
                "enqueue_failed_at",
                "restarts",
            ]
        )
    return run


@contextmanager
def _heartbeat(run: ReportRun) -> Iterator[None]:
    """Refresh the run's heartbeat every REPORT_RUN_HEARTBEAT_SECONDS from a thread while the
    report is written, so that a long section without progress does not look abandoned; a
    killed worker takes the thread with it and the heartbeat goes stale."""
    stop = threading.Event()

    def beat() -> None:
        try:
            while not stop.wait(settings.REPORT_RUN_HEARTBEAT_SECONDS):
                try:
                    ReportRun.objects.filter(
                        pk=run.pk, status=ReportRun.Status.RUNNING, started_at=run.started_at
                    ).update(heartbeat_at=timezone.now())
                except DatabaseError:
                    # A missed beat is not fatal (the lease is several beats long): try at the next.
                    logger.warning("Report run %s: heartbeat not recorded", run.pk, exc_info=True)
        finally:
            connection.close()  # the thread's own connection

    thread = threading.Thread(target=beat, name=f"report-run-{run.pk}-heartbeat", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def report_run_execute(*, run_id: int, attempt: int = 1) -> ReportRun | None:
    """Produce a run's output. A run not queued (nor abandoned by its worker) is left alone, so
    a task delivered twice does the work once. Transient database errors while writing put the
    run back in the queue and are raised again for the task to retry; any other error fails it."""
    run = _claim(run_id, attempt)
    if run is None:
        return ReportRun.objects.filter(pk=run_id).first()
    mine = ReportRun.objects.filter(pk=run.pk, status=ReportRun.Status.RUNNING, started_at=run.started_at)
    last = [-1]

    def progress(percent: int) -> None:
        # One small UPDATE per section, not a save() of the whole row; it is a heartbeat too.
        if percent != last[0] and percent < 100:
            last[0] = percent
            mine.update(progress=percent, heartbeat_at=timezone.now())

    try:
        with translation.override(run.language), tempfile.TemporaryFile() as stream, _heartbeat(run):
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
            mine.update(status=ReportRun.Status.QUEUED, progress=0)
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
    mine.update(output=run.output.name, status=ReportRun.Status.DONE, progress=100, finished_at=timezone.now())
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


def report_runs_recover(*, now: datetime | None = None) -> dict[str, list[int]]:
    """The sweep of every minute that keeps runs from getting stuck:

    - a running run whose heartbeat is older than the lease lost its worker: it is queued again
      and sent, counting a restart, or failed in plain words once REPORT_RUN_RESTARTS are spent;
    - a queued run the task queue did not take (broker down when it was asked for) is sent.

    Returns the ids sent ("sent") and those failed ("failed")."""
    now = now or timezone.now()
    lease_end = now - report_run_lease()
    outcome: dict[str, list[int]] = {"sent": [], "failed": []}
    running = ReportRun.objects.filter(status=ReportRun.Status.RUNNING)
    abandoned = running.filter(heartbeat_at__lt=lease_end) | running.filter(
        heartbeat_at__isnull=True, started_at__lt=lease_end
    )
    for run_id in abandoned.values_list("pk", flat=True)[:100]:
        with transaction.atomic():
            run = ReportRun.objects.select_for_update(skip_locked=True).filter(pk=run_id).first()
            if run is None or not run.is_abandoned(now=now, lease=report_run_lease()):
                continue  # claimed or heartbeating meanwhile
            if not _take_back(run, now=now):
                outcome["failed"].append(run.pk)
                continue
            run.status = ReportRun.Status.QUEUED
            run.progress = 0
            run.save(update_fields=["status", "progress", "restarts"])
        outcome["sent"].append(run.pk)
    not_sent = ReportRun.objects.filter(status=ReportRun.Status.QUEUED, enqueue_failed_at__isnull=False)
    outcome["sent"] += [pk for pk in not_sent.values_list("pk", flat=True)[:100] if pk not in outcome["sent"]]
    _send(outcome["sent"])
    return outcome


def report_runs_requeue_stale(*, older_than_minutes: int = 15) -> list[int]:
    """Send again the runs still queued after a while: their message may have been lost with the
    broker after it took it. Running them twice is harmless."""
    limit = timezone.now() - timedelta(minutes=older_than_minutes)
    stale = list(
        ReportRun.objects.filter(status=ReportRun.Status.QUEUED, created_at__lt=limit).values_list("pk", flat=True)[
            :100
        ]
    )
    _send(stale)
    return stale


def _send(run_ids: list[int]) -> None:
    from .tasks import report_run_execute_task

    for run_id in run_ids:
        if enqueue(report_run_execute_task, run_id):
            ReportRun.objects.filter(pk=run_id, enqueue_failed_at__isnull=False).update(enqueue_failed_at=None)
        else:
            _record_not_sent(run_id)
