"""Celery tasks of the reports app: ids in, services do the work, safe to run twice."""

import logging
from typing import Any

from billiard.einfo import ExceptionInfo
from celery import Task, shared_task
from celery.schedules import crontab
from django.db import InterfaceError, OperationalError
from kombu.exceptions import OperationalError as BrokerOperationalError
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

# The database or the broker briefly away: worth trying again later.
TRANSIENT_ERRORS = (OperationalError, InterfaceError, BrokerOperationalError, RedisConnectionError, RedisTimeoutError)
MAX_RETRIES = 5

# Wired into CELERY_BEAT_SCHEDULE by the settings, which import this module before Django is set
# up: no model or service import at module level (celery, kombu and redis only).
REPORTS_BEAT_SCHEDULE = {
    "reports-monthly-standard-reports": {
        "task": "reports.report_runs_monthly",
        # The first of each month, early in the morning (Europe/Rome, CELERY_TIMEZONE).
        "schedule": crontab(minute=30, hour=5, day_of_month=1),
    },
    "reports-requeue-stale-runs": {
        "task": "reports.report_runs_requeue_stale",
        "schedule": 600.0,
    },
    # Every minute: runs whose worker stopped (heartbeat older than REPORT_RUN_LEASE_SECONDS) and
    # runs the task queue did not take when they were asked for.
    "reports-recover-runs": {
        "task": "reports.report_runs_recover",
        "schedule": 60.0,
    },
}


class ReportRunTask(Task):
    def on_failure(
        self, exc: Exception, task_id: str, args: tuple[Any, ...], kwargs: dict[str, Any], einfo: ExceptionInfo
    ) -> None:
        """The task gave up (retries spent, or an error the service did not record): the run is
        failed in plain words; the traceback is in the worker's log."""
        from django.utils import translation
        from django.utils.translation import gettext as _

        from .models import ReportRun
        from .services import report_run_fail

        run_id = kwargs.get("run_id", args[0] if args else None)
        logger.error("Report run %s: task %s gave up: %r", run_id, task_id, exc)
        run = ReportRun.objects.filter(pk=run_id).first() if run_id is not None else None
        if run is None:
            return
        with translation.override(run.language):
            report_run_fail(
                run_id=run.pk,
                message=_(
                    "The report could not be produced: the database or the task queue did not answer, "
                    "even after several attempts. Repeat the report later."
                ),
            )


@shared_task(
    bind=True,
    base=ReportRunTask,
    name="reports.report_run_execute",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=False,
    max_retries=MAX_RETRIES,
)
def report_run_execute_task(self: Task, run_id: int) -> str:
    """Produce a report run's output (ids in; safe to run twice)."""
    from .services import report_run_execute

    run = report_run_execute(run_id=run_id, attempt=self.request.retries + 1)
    return run.status if run else "missing"


@shared_task(name="reports.report_runs_monthly")
def report_runs_monthly_task() -> list[int]:
    """This month's standard reports (once a month, however often the beat fires)."""
    from .services import report_runs_monthly

    return [run.pk for run in report_runs_monthly()]


@shared_task(name="reports.report_runs_requeue_stale")
def report_runs_requeue_stale_task() -> list[int]:
    """Send again the runs queued for more than 15 minutes."""
    from .services import report_runs_requeue_stale

    return report_runs_requeue_stale()


# --- Open data: the stored downloads (reports.opendata.services) ----------------------------------

OPEN_DATA_BEAT_SCHEDULE = {
    # Every night, whatever changed without passing through a service (an edit in the admin, a
    # fix in the database): the files never lag the data by more than a day.
    "reports-open-data-nightly": {
        "task": "reports.open_data_regenerate",
        "schedule": crontab(minute=15, hour=3),
    },
}
REPORTS_BEAT_SCHEDULE.update(OPEN_DATA_BEAT_SCHEDULE)


@shared_task(
    name="reports.open_data_regenerate",
    autoretry_for=TRANSIENT_ERRORS,
    retry_backoff=2,
    retry_backoff_max=120,
    retry_jitter=False,
    max_retries=MAX_RETRIES,
)
def open_data_regenerate_task(kind: str | None = None, changed_at: str | None = None) -> list[str]:
    """Generate the open-data files (one kind, or all). With `changed_at` (ISO time of the change
    that asked for it), a file generated from data read after that moment is left as it is, so a
    burst of changes costs one generation, and a second run of the same task none."""
    from datetime import datetime

    from .opendata.services import open_data_regenerate

    since = datetime.fromisoformat(changed_at) if changed_at else None
    return [row.kind for row in open_data_regenerate(kind=kind, unless_read_after=since)]


@shared_task(name="reports.report_runs_recover")
def report_runs_recover_task() -> dict[str, list[int]]:
    """Restart (or fail) the runs whose worker stopped; send the runs the queue did not take."""
    from .services import report_runs_recover

    return report_runs_recover()
