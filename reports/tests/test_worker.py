"""A real Celery worker, in its own process, produces report runs sent through the broker.

The rest of the suite runs tasks eagerly; this is the one place where a task crosses Redis
and the worker writes to the same PostgreSQL database the test reads, as in production.
"""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
import redis
from django.conf import settings
from django.utils import translation
from openpyxl import load_workbook

from cosviluppo.celery import app as celery_app
from cosviluppo.testing import skip_unless_available
from reports.models import ReportRun
from reports.services import report_run_start
from reports.tasks import report_run_execute_task

from .report_data import parse_csv, report_bytes, small_programme

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

WAIT_SECONDS = 60


def missing_services() -> str:
    """Why a worker cannot share this test's data here, or '' when it can."""
    reasons = []
    if not os.environ.get("CELERY_BROKER_URL"):
        reasons.append("CELERY_BROKER_URL is not set (a Redis URL)")
    if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql" or not os.environ.get("DATABASE_URL"):
        # An in-memory SQLite test database is invisible to another process.
        reasons.append("the database is not PostgreSQL named by DATABASE_URL")
    return "; ".join(reasons)


def worker_database_url() -> str:
    """DATABASE_URL with the test database's name in place of the development one."""
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + settings.DATABASES["default"]["NAME"]))


class Worker:
    def __init__(self, process: subprocess.Popen, queue: str, media_root: Path, log: Path):
        self.process = process
        self.queue = queue
        self.media_root = media_root
        self.log = log

    def log_tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-40:])


@pytest.fixture(scope="module")
def report_worker(django_db_setup, tmp_path_factory):
    reason = missing_services()
    if reason:
        reason = f"The worker test needs PostgreSQL and Redis: {reason}."
        skip_unless_available(reason)

    # A queue of its own, so no other worker on the same Redis can take these tasks.
    queue = f"test-worker-{uuid.uuid4().hex[:12]}"
    folder = tmp_path_factory.mktemp("celery-worker")
    media_root = folder / "media"
    log = folder / "worker.log"
    env = {
        **os.environ,
        # Production settings, not the test ones (which force eager tasks).
        "DJANGO_SETTINGS_MODULE": "cosviluppo.settings.base",
        "DEBUG": "false",
        "SECRET_KEY": "worker-test-only-secret-key",
        "DATABASE_URL": worker_database_url(),
        "CELERY_BROKER_URL": os.environ["CELERY_BROKER_URL"],
        "MEDIA_ROOT": str(media_root),
    }
    command = [
        sys.executable,
        "-m",
        "celery",
        "-A",
        "cosviluppo",
        "worker",
        "--pool=solo",
        "--queues",
        queue,
        "--hostname",
        f"{queue}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]
    with log.open("w") as out:
        process = subprocess.Popen(command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT)
    worker = Worker(process, queue, media_root, log)
    try:
        yield worker
    finally:
        # SIGTERM is Celery's warm shutdown; the worker must be gone before the test
        # database is dropped, or PostgreSQL refuses to drop it.
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        # The queue's bindings outlive it in Redis: remove them, runs would pile them up.
        with redis.Redis.from_url(os.environ["CELERY_BROKER_URL"]) as client:
            client.delete(f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")


@pytest.fixture
def through_broker(report_worker, settings, monkeypatch):
    """Send tasks for real to the test worker's queue instead of running them eagerly."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", False)
    monkeypatch.setitem(celery_app.conf, "task_default_queue", report_worker.queue)
    settings.MEDIA_ROOT = report_worker.media_root
    return report_worker


def wait_until_finished(run: ReportRun, worker: Worker) -> ReportRun:
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        run.refresh_from_db()
        if run.status in {ReportRun.Status.DONE, ReportRun.Status.FAILED}:
            return run
        if worker.process.poll() is not None:
            pytest.fail(f"The worker exited with code {worker.process.returncode}:\n{worker.log_tail()}")
        time.sleep(0.25)
    pytest.fail(f"Report run still {run.status} after {WAIT_SECONDS} s. Worker log:\n{worker.log_tail()}")


def test_worker_produces_a_funding_report_and_records_it(through_broker):
    small_programme()
    run = report_run_start(kind=ReportRun.Kind.FUNDING, fmt=ReportRun.Format.CSV, language="en")
    assert run.status == ReportRun.Status.QUEUED  # not run in this process

    run = wait_until_finished(run, through_broker)

    assert run.status == ReportRun.Status.DONE, run.error
    assert (run.progress, run.attempts) == (100, 1)
    assert run.started_at is not None
    assert run.finished_at >= run.started_at
    assert run.output.name == f"private/reports/{run.pk}/funding-report-{run.pk}.csv"
    written = through_broker.media_root / run.output.name
    # The worker's bytes are the ones this process writes from the same rows.
    with translation.override("en"):
        assert written.read_bytes() == report_bytes("funding", "csv")
    assert parse_csv(written.read_bytes())[2]["totals"][9] == "57345.67"
    assert "reports.report_run_execute[" in through_broker.log.read_text()


def test_worker_retries_while_the_run_is_locked_and_then_produces_it(through_broker):
    """A transient failure: another transaction holds the run's row, so the worker's claim
    (SELECT … FOR UPDATE NOWAIT) raises OperationalError and the task retries with backoff."""
    small_programme()
    run = ReportRun.objects.create(kind=ReportRun.Kind.COUNTRY, format=ReportRun.Format.XLSX, language="en")
    database = settings.DATABASES["default"]
    holder = psycopg.connect(
        dbname=database["NAME"],
        user=database["USER"],
        password=database["PASSWORD"] or None,
        host=database["HOST"] or None,
        port=database["PORT"] or None,
    )
    try:
        holder.execute("SELECT id FROM reports_reportrun WHERE id = %s FOR UPDATE", [run.pk])
        result = report_run_execute_task.delay(run.pk)
        deadline = time.monotonic() + WAIT_SECONDS
        retried = f"reports.report_run_execute[{result.id}] retry"
        while retried not in through_broker.log.read_text():
            if time.monotonic() > deadline:
                pytest.fail(f"The worker never retried. Worker log:\n{through_broker.log_tail()}")
            time.sleep(0.2)
        run.refresh_from_db()
        assert run.status == ReportRun.Status.QUEUED
    finally:
        holder.rollback()  # the lock goes: the next attempt claims the run
        holder.close()

    run = wait_until_finished(run, through_broker)

    assert run.status == ReportRun.Status.DONE, run.error
    assert run.attempts >= 2
    assert "OperationalError" in through_broker.log.read_text()
    workbook = load_workbook(through_broker.media_root / run.output.name, read_only=True)
    countries = [row for row in workbook.worksheets[1].iter_rows(values_only=True)]
    assert countries[-1][0] == "Total"
    assert countries[-1][6] == pytest.approx(57345.67)


def test_worker_records_a_report_it_cannot_produce(through_broker):
    run = report_run_start(kind=ReportRun.Kind.COUNTRY, parameters={"country": "XX"}, language="en")

    run = wait_until_finished(run, through_broker)

    assert run.status == ReportRun.Status.FAILED
    assert "“XX” is not a country code" in run.error
    assert "Traceback" not in run.error
    assert not run.output
