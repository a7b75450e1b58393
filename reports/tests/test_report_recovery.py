"""Report runs that lose their worker or their message: the heartbeat and lease, the sweep that
restarts or fails them, and a run asked for while the task queue is down."""

import time
from datetime import timedelta
from unittest import mock

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from cosviluppo.testing import CLOSED_BROKER_URL, send_tasks_to
from reports.models import ReportRun
from reports.services import report_run_execute, report_runs_recover
from reports.tasks import report_runs_recover_task

from .report_data import small_programme

pytestmark = pytest.mark.django_db

NOON = timezone.make_aware(timezone.datetime(2026, 12, 7, 12, 0))
LEASE = timedelta(seconds=120)


@pytest.fixture(autouse=True)
def _lease(settings):
    settings.REPORT_RUN_LEASE_SECONDS = LEASE.total_seconds()
    settings.REPORT_RUN_RESTARTS = 2


def running(*, heartbeat_at, restarts=0) -> ReportRun:
    """A run a worker claimed, whose last sign of life was at `heartbeat_at`."""
    return ReportRun.objects.create(
        kind="funding",
        format="csv",
        language="en",
        status=ReportRun.Status.RUNNING,
        progress=40,
        attempts=restarts + 1,
        restarts=restarts,
        started_at=heartbeat_at - timedelta(seconds=30),
        heartbeat_at=heartbeat_at,
    )


def test_a_run_with_a_fresh_heartbeat_is_left_alone():
    run = running(heartbeat_at=NOON - LEASE + timedelta(seconds=1))
    with mock.patch("reports.services.enqueue") as enqueue:
        assert report_runs_recover(now=NOON) == {"sent": [], "failed": []}
    enqueue.assert_not_called()
    run.refresh_from_db()
    assert (run.status, run.progress, run.restarts) == (ReportRun.Status.RUNNING, 40, 0)


def test_a_redelivered_message_does_not_take_a_run_whose_worker_is_alive():
    run = running(heartbeat_at=timezone.now())
    with mock.patch("reports.services.write_report") as write:
        assert report_run_execute(run_id=run.pk).status == ReportRun.Status.RUNNING
    write.assert_not_called()


def test_a_run_whose_heartbeat_is_older_than_the_lease_is_restarted(django_capture_on_commit_callbacks):
    small_programme()
    with time_machine.travel(NOON, tick=False):
        run = running(heartbeat_at=NOON - LEASE - timedelta(seconds=1))
        # The task runs eagerly here: the restarted run is produced at once.
        outcome = report_runs_recover_task.delay().get()

    assert outcome == {"sent": [run.pk], "failed": []}
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE, run.error
    assert (run.restarts, run.attempts, run.progress) == (1, 2, 100)
    assert run.started_at == NOON and run.output


def test_a_run_that_never_beat_counts_from_its_start():
    run = running(heartbeat_at=NOON)
    ReportRun.objects.filter(pk=run.pk).update(heartbeat_at=None, started_at=NOON - LEASE - timedelta(seconds=1))
    with mock.patch("reports.services.enqueue") as enqueue:
        assert report_runs_recover(now=NOON)["sent"] == [run.pk]
    enqueue.assert_called_once()
    run.refresh_from_db()
    assert (run.status, run.progress, run.restarts) == (ReportRun.Status.QUEUED, 0, 1)


def test_a_redelivered_message_takes_back_a_run_whose_worker_stopped():
    """Celery redelivers the message of a worker that died; the run is still 'running' but its
    heartbeat is stale, so this delivery claims it (counting a restart) instead of skipping it."""
    small_programme()
    run = running(heartbeat_at=timezone.now() - LEASE - timedelta(seconds=5))
    run = report_run_execute(run_id=run.pk)
    assert run.status == ReportRun.Status.DONE
    assert run.restarts == 1


def test_after_the_last_restart_the_run_fails_in_plain_words_with_a_repeat_button(client, officer):
    run = running(heartbeat_at=NOON - LEASE - timedelta(minutes=5), restarts=2)
    with mock.patch("reports.services.enqueue") as enqueue:
        assert report_runs_recover(now=NOON) == {"sent": [], "failed": [run.pk]}
    enqueue.assert_not_called()
    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED
    assert run.restarts == 3 and run.finished_at == NOON
    assert run.error == (
        "The report could not be produced: the worker producing it stopped before it finished, 3 times. "
        "Repeat the report; if it stops again, tell the office."
    )
    client.force_login(officer)
    page = client.get(reverse("reports:run-detail", kwargs={"pk": run.pk})).content.decode()
    assert "the worker producing it stopped before it finished" in page
    assert "hx-trigger" not in page  # the polling stops
    assert reverse("reports:run-repeat", kwargs={"pk": run.pk}) in page and "Repeat this report" in page


def test_a_worker_given_up_for_lost_writes_nothing_over_the_new_attempt():
    small_programme()
    stale = running(heartbeat_at=timezone.now() - LEASE - timedelta(seconds=5))
    old_claim = ReportRun.objects.filter(pk=stale.pk, status=ReportRun.Status.RUNNING, started_at=stale.started_at)
    report_run_execute(run_id=stale.pk)  # taken back and produced by another delivery
    assert old_claim.update(progress=10) == 0


def test_the_beat_recovers_runs_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["reports-recover-runs"]
    assert (entry["task"], entry["schedule"]) == ("reports.report_runs_recover", 60.0)


# --- The task queue is down when the run is asked for ---------------------------------------------


def test_asking_for_a_report_with_the_broker_down_queues_it_with_a_note(
    client, officer, monkeypatch, django_capture_on_commit_callbacks
):
    small_programme()
    send_tasks_to(monkeypatch, CLOSED_BROKER_URL)
    client.force_login(officer)
    client.get(reverse("reports:run-create"))  # warms the process, so the timing below is the broker's

    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("reports:run-create"), {"kind": "funding", "format": "csv"})
    elapsed = time.monotonic() - started

    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:run-detail", kwargs={"pk": run.pk})
    assert elapsed < 0.5, f"asking for the report took {elapsed:.2f} s with the broker down"
    assert run.status == ReportRun.Status.QUEUED and run.enqueue_failed_at is not None
    page = client.get(response["Location"]).content.decode()
    assert "the task queue is not answering: the report will start when it is back" in page
    assert 'hx-trigger="every 2s"' in page  # and the page keeps asking

    # Still down at the next sweep: the run keeps waiting, with its note.
    assert report_runs_recover()["sent"] == [run.pk]
    run.refresh_from_db()
    assert run.status == ReportRun.Status.QUEUED and run.enqueue_failed_at is not None

    # The broker is back (tasks run in-process here): the sweep sends it and it is produced.
    monkeypatch.undo()
    report_runs_recover()
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE, run.error
    assert run.enqueue_failed_at is None
    page = client.get(response["Location"]).content.decode()
    assert "not answering" not in page and "Done: the report is ready." in page


@pytest.mark.django_db(transaction=True)
def test_the_heartbeat_goes_on_while_a_long_section_reports_no_progress(settings):
    """A thread beside the writer refreshes the heartbeat, so a slow query is not taken for a
    dead worker."""
    settings.REPORT_RUN_HEARTBEAT_SECONDS = 0.05
    run = ReportRun.objects.create(kind="funding", format="csv", language="en")

    def slow_section(kind, fmt, parameters, stream, *, progress=None):
        time.sleep(0.6)
        stream.write(b"x")

    with mock.patch("reports.services.write_report", side_effect=slow_section):
        run = report_run_execute(run_id=run.pk)

    assert run.status == ReportRun.Status.DONE
    assert run.heartbeat_at - run.started_at >= timedelta(seconds=0.3)
