"""A report run whose worker is killed in the middle of it recovers on its own.

A real Celery worker (reports/tests/slow_report_worker.py: the normal worker, with reports slowed
down so there is time to kill it) starts the run; the test kills it with SIGKILL — the whole
worker, or only its pool process (Celery's WorkerLostError) — and the sweep that the beat runs
every minute, run here every half second with a lease of a few seconds, sees the stale heartbeat
and sends the run again; a worker produces it.
"""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from cosviluppo.celery import app as celery_app
from cosviluppo.testing import send_tasks_to, skip_unless_available
from reports.models import ReportRun
from reports.services import report_run_start, report_runs_recover

from .report_data import parse_csv, small_programme
from .test_worker import missing_services, worker_database_url

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

LEASE_SECONDS = 3.0
HEARTBEAT_SECONDS = 0.5
WAIT_SECONDS = 40


class Workers:
    """Worker processes started by one test, all killed at its end."""

    def __init__(self, folder: Path, queue: str):
        self.folder = folder
        self.queue = queue
        self.media_root = folder / "media"
        self.slow_flag = folder / "slow-report"
        self.log = folder / "workers.log"
        self.processes: list[subprocess.Popen] = []

    def start(self, *pool: str) -> subprocess.Popen:
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cosviluppo.settings.base",
            "DEBUG": "false",
            "SECRET_KEY": "worker-test-only-secret-key",
            "DATABASE_URL": worker_database_url(),
            "MEDIA_ROOT": str(self.media_root),
            "REPORT_RUN_HEARTBEAT_SECONDS": str(HEARTBEAT_SECONDS),
            "REPORT_RUN_LEASE_SECONDS": str(LEASE_SECONDS),
            "SLOW_REPORT_FLAG": str(self.slow_flag),
            "SLOW_REPORT_SECONDS": "30",
        }
        number = len(self.processes)
        command = [
            sys.executable,
            "-m",
            "reports.tests.slow_report_worker",
            "worker",
            *pool,
            "--queues",
            self.queue,
            "--hostname",
            f"{self.queue}-{number}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
            "--loglevel=INFO",
        ]
        with self.log.open("a") as out:
            # A session of its own, so that teardown can kill the worker with its pool.
            process = subprocess.Popen(
                command, cwd=settings.BASE_DIR, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.processes.append(process)
        return process

    def log_tail(self) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-60:])

    def kill_all(self) -> None:
        for process in self.processes:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            process.wait(timeout=10)


@pytest.fixture
def workers(django_db_setup, tmp_path, monkeypatch, settings):
    reason = missing_services()
    if reason:
        skip_unless_available(f"The worker recovery test needs PostgreSQL and Redis: {reason}.")
    queue = f"test-recovery-{uuid.uuid4().hex[:12]}"
    started = Workers(tmp_path, queue)
    send_tasks_to(monkeypatch, os.environ["CELERY_BROKER_URL"])
    monkeypatch.setitem(celery_app.conf, "task_default_queue", queue)
    settings.MEDIA_ROOT = started.media_root
    settings.REPORT_RUN_LEASE_SECONDS = LEASE_SECONDS
    try:
        yield started
    finally:
        # Killed before the test database is dropped (PostgreSQL refuses while they are connected).
        started.kill_all()
        with redis.Redis.from_url(os.environ["CELERY_BROKER_URL"]) as client:
            client.delete(queue, f"_kombu.binding.{queue}", f"_kombu.binding_permanent.{queue}")
            # The killed worker's message stays "unacknowledged" in Redis, to come back after the
            # visibility timeout to a queue nobody reads: drop it.
            for tag, entry in client.hgetall("unacked").items():
                if json.loads(entry)[-1] == queue:
                    client.hdel("unacked", tag)
                    client.zrem("unacked_index", tag)


def wait_for(condition, what: str, workers: Workers, seconds: float = WAIT_SECONDS):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        result = condition()
        if result:
            return result
        time.sleep(0.2)
    pytest.fail(f"Waited {seconds} s for {what}. Workers' log:\n{workers.log_tail()}")


def running_with_heartbeat(run: ReportRun, workers: Workers) -> int:
    """Wait until a worker is producing the run and beating; the pid of the process doing it."""

    def started():
        run.refresh_from_db()
        return run.status == ReportRun.Status.RUNNING and run.progress > 0 and workers.slow_flag.read_text()

    wait_for(started, "the run to be running", workers)
    first_beat = run.heartbeat_at
    wait_for(lambda: run.refresh_from_db() or run.heartbeat_at > first_beat, "a second heartbeat", workers, 5)
    return int(workers.slow_flag.read_text())


def recovered(run: ReportRun, workers: Workers) -> ReportRun:
    """Run the sweep as the beat would, until the run is finished."""

    def finished():
        report_runs_recover()
        run.refresh_from_db()
        return run.is_finished

    wait_for(finished, "the run to recover", workers)
    return run


def assert_produced(run: ReportRun, workers: Workers) -> None:
    assert run.status == ReportRun.Status.DONE, run.error
    assert run.restarts == 1 and run.attempts == 2
    written = workers.media_root / run.output.name
    assert parse_csv(written.read_bytes())[2]["totals"][9] == "57345.67"


def test_a_run_whose_worker_is_killed_is_produced_by_the_next_worker(workers, capsys):
    small_programme()
    workers.slow_flag.write_text("")
    worker = workers.start("--pool=solo")
    run = report_run_start(kind=ReportRun.Kind.FUNDING, fmt=ReportRun.Format.CSV, language="en")
    pid = running_with_heartbeat(run, workers)
    assert pid == worker.pid  # the solo pool produces it in the worker's own process

    os.kill(pid, signal.SIGKILL)
    killed_at = time.monotonic()
    worker.wait(timeout=10)
    workers.slow_flag.unlink()  # the next attempt runs at normal speed
    run.refresh_from_db()
    assert run.status == ReportRun.Status.RUNNING  # nothing else would ever change it
    workers.start("--pool=solo")

    run = recovered(run, workers)

    recovery = time.monotonic() - killed_at
    assert_produced(run, workers)
    assert recovery < LEASE_SECONDS + 25
    with capsys.disabled():
        print(f"\n[worker killed] run {run.pk} done {recovery:.1f} s after the kill (lease {LEASE_SECONDS} s)")


def test_a_run_whose_pool_process_is_killed_is_produced_again(workers, capsys):
    """Only the pool process dies: the worker logs WorkerLostError, does not call the task's
    failure handler, and goes on with a new pool process, which produces the restarted run."""
    small_programme()
    workers.slow_flag.write_text("")
    worker = workers.start("--pool=prefork", "--concurrency=1")
    run = report_run_start(kind=ReportRun.Kind.FUNDING, fmt=ReportRun.Format.CSV, language="en")
    pid = running_with_heartbeat(run, workers)
    assert pid != worker.pid

    os.kill(pid, signal.SIGKILL)
    killed_at = time.monotonic()
    workers.slow_flag.unlink()
    wait_for(lambda: "WorkerLostError" in workers.log.read_text(), "WorkerLostError in the log", workers, 10)
    assert worker.poll() is None  # the worker itself lives on
    run.refresh_from_db()
    assert run.status == ReportRun.Status.RUNNING

    run = recovered(run, workers)

    recovery = time.monotonic() - killed_at
    assert_produced(run, workers)
    assert run.finished_at > run.started_at > timezone.now() - timezone.timedelta(seconds=WAIT_SECONDS)
    with capsys.disabled():
        print(f"\n[pool process killed] run {run.pk} done {recovery:.1f} s after the kill (lease {LEASE_SECONDS} s)")
