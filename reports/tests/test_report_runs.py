"""Report runs: the service's states, retries and failures, the monthly beat, the pages and who
may see them, and the generate_report command."""

import io
from datetime import date
from unittest import mock

import pytest
from django.core.management import CommandError, call_command
from django.db import OperationalError
from django.urls import reverse
from openpyxl import load_workbook

from associations.models import Membership
from associations.tests.factories import FunderFactory, MembershipFactory
from reports.models import ReportRun
from reports.selectors import dashboard_sections
from reports.services import report_run_execute, report_run_repeat, report_run_start, report_runs_monthly
from reports.tasks import MAX_RETRIES, report_run_execute_task, report_runs_monthly_task

from .report_data import parse_csv, report_bytes, small_programme

pytestmark = pytest.mark.django_db


def queued(**fields) -> ReportRun:
    """A run as the form leaves it, without running the task."""
    return ReportRun.objects.create(kind=fields.pop("kind", "funding"), format=fields.pop("format", "csv"), **fields)


# --- The service -----------------------------------------------------------------------------------


def test_a_run_produces_the_same_bytes_as_write_report(officer, django_capture_on_commit_callbacks):
    small_programme()
    with django_capture_on_commit_callbacks(execute=True):
        run = report_run_start(kind="funding", fmt="csv", by=officer)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE
    assert (run.progress, run.attempts) == (100, 1)
    assert run.finished_at >= run.started_at
    assert run.output.name == f"private/reports/{run.pk}/funding-report-{run.pk}.csv"
    with run.output.open("rb") as handle:
        assert handle.read() == report_bytes("funding", "csv")


def test_a_finished_or_running_run_is_not_done_again():
    run = queued(status=ReportRun.Status.DONE, progress=100)
    with mock.patch("reports.services.write_report") as write:
        assert report_run_execute(run_id=run.pk).status == ReportRun.Status.DONE
        running = queued(status=ReportRun.Status.RUNNING)
        assert report_run_execute(run_id=running.pk).status == ReportRun.Status.RUNNING
        failed = queued(status=ReportRun.Status.FAILED, error="x")
        assert report_run_execute(run_id=failed.pk).status == ReportRun.Status.FAILED
    write.assert_not_called()
    assert report_run_execute(run_id=999_999) is None


def test_a_run_delivered_twice_is_produced_once():
    small_programme()
    run = queued()
    with mock.patch(
        "reports.services.write_report", wraps=__import__("reports.generation").generation.write_report
    ) as w:
        report_run_execute(run_id=run.pk)
        report_run_execute(run_id=run.pk)
    assert w.call_count == 1


def test_a_failure_is_recorded_in_plain_words(caplog):
    run = queued()
    with mock.patch("reports.services.write_report", side_effect=ZeroDivisionError("division by zero")):
        run = report_run_execute(run_id=run.pk)
    assert run.status == ReportRun.Status.FAILED
    assert "unexpected error" in run.error
    assert "ZeroDivisionError" not in run.error and "Traceback" not in run.error
    assert "ZeroDivisionError" in caplog.text  # the details are in the log
    assert not run.output


def test_invalid_parameters_fail_the_run_with_the_reason():
    run = queued(parameters={"country": "XX"})
    run = report_run_execute(run_id=run.pk)
    assert run.status == ReportRun.Status.FAILED
    assert "“XX” is not a country code" in run.error


def test_a_transient_error_is_retried_and_then_succeeds():
    small_programme()
    run = queued()
    real = __import__("reports.generation").generation.write_report
    calls = []

    def flaky(*args, **kwargs):
        calls.append(1)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(*args, **kwargs)

    with mock.patch("reports.services.write_report", side_effect=flaky):
        # Applied in-process without propagating: the retry runs at once (the worker test waits).
        report_run_execute_task.apply(args=[run.pk], throw=False)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.DONE
    assert run.attempts == 2


def test_after_the_last_retry_the_run_fails_in_plain_words():
    run = queued()
    with mock.patch("reports.services.write_report", side_effect=OperationalError("could not connect to server")):
        # The last attempt: the retries before it are the worker test's business.
        result = report_run_execute_task.apply(args=[run.pk], retries=MAX_RETRIES, throw=False)
    assert isinstance(result.result, OperationalError)
    run.refresh_from_db()
    assert run.status == ReportRun.Status.FAILED
    assert run.attempts == MAX_RETRIES + 1
    assert "did not answer, even after several attempts" in run.error
    assert "could not connect" not in run.error


def test_repeat_makes_a_new_run_with_the_same_parameters(officer, django_capture_on_commit_callbacks):
    funder = FunderFactory()
    failed = queued(status=ReportRun.Status.FAILED, parameters={"country": "SN", "funder": funder.pk}, funder=funder)
    with django_capture_on_commit_callbacks(execute=True):
        again = report_run_repeat(run=failed, by=officer)
    again.refresh_from_db()
    assert again.pk != failed.pk
    assert (again.kind, again.format, again.parameters, again.funder) == ("funding", "csv", failed.parameters, funder)
    assert again.status == ReportRun.Status.DONE
    failed.refresh_from_db()
    assert failed.status == ReportRun.Status.FAILED


def test_the_monthly_beat_makes_each_standard_report_once_a_month(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        first = report_runs_monthly(today=date(2026, 12, 1))
        again = report_runs_monthly(today=date(2026, 12, 15))
    assert sorted((run.kind, run.format) for run in first) == [("country", "xlsx"), ("funding", "xlsx")]
    assert again == []
    assert ReportRun.objects.filter(scheduled_for=date(2026, 12, 1), status="done").count() == 2
    with django_capture_on_commit_callbacks(execute=True):
        assert len(report_runs_monthly(today=date(2027, 1, 1))) == 2
    assert len(report_runs_monthly_task.delay().get()) == 0 or ReportRun.objects.count() == 6


def test_the_beat_schedule_runs_on_the_first_of_the_month(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["reports-monthly-standard-reports"]
    assert entry["task"] == "reports.report_runs_monthly"
    assert entry["schedule"].day_of_month == {1}


# --- Pages -----------------------------------------------------------------------------------------


@pytest.fixture
def funder_member(db):
    return MembershipFactory(organisation=FunderFactory(legal_name="Fondazione Mia"), role=Membership.Role.VIEWER).user


def test_a_funder_asks_for_its_own_report_and_downloads_it(client, funder_member, django_capture_on_commit_callbacks):
    programme = small_programme()
    mine = funder_member.memberships.get().organisation
    # The funder co-funds the 2010 call, as the Comune does.
    from calls.tests.factories import FunderCommitmentFactory

    FunderCommitmentFactory(call=programme["projects"][0].call, funder=mine)
    client.force_login(funder_member)
    form = client.get(reverse("reports:run-create"))
    assert form.status_code == 200
    assert "R-2008" not in form.content.decode()  # not a call it funds
    with django_capture_on_commit_callbacks(execute=True):
        # A funder cannot ask for another funder's data: the field is fixed to its own.
        response = client.post(
            reverse("reports:run-create"),
            {"kind": "country", "format": "csv", "funder": programme["comune"].pk, "country": ""},
        )
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("reports:run-detail", kwargs={"pk": run.pk})
    assert run.funder == mine
    assert run.parameters == {"funder": mine.pk}
    assert run.requested_by == funder_member
    page = client.get(response["Location"]).content.decode()
    assert "Done: the report is ready." in page and reverse("reports:run-download", kwargs={"pk": run.pk}) in page
    download = client.get(reverse("reports:run-download", kwargs={"pk": run.pk}))
    assert download["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="country-report-{run.pk}.csv"' in download["Content-Disposition"]
    body = b"".join(download.streaming_content)
    assert parse_csv(body)[1]["totals"][6] == "0.00"  # it has no share yet: its own money only


def test_a_funder_never_sees_another_funders_run(client, funder_member):
    other = queued(funder=FunderFactory(), status=ReportRun.Status.DONE)
    staff = queued(status=ReportRun.Status.DONE)
    client.force_login(funder_member)
    for run in (other, staff):
        for name in ("reports:run-detail", "reports:run-download"):
            assert client.get(reverse(name, kwargs={"pk": run.pk})).status_code == 404
        assert client.post(reverse("reports:run-repeat", kwargs={"pk": run.pk})).status_code == 404
    listing = client.get(reverse("reports:run-list")).content.decode()
    assert f"#{other.pk}" not in listing and f"#{staff.pk}" not in listing


def test_a_funder_with_two_organisations_picks_one_of_theirs(client, funder_member):
    second = FunderFactory(legal_name="Banca Seconda")
    MembershipFactory(user=funder_member, organisation=second, role=Membership.Role.VIEWER)
    client.force_login(funder_member)
    response = client.post(reverse("reports:run-create"), {"kind": "funding", "format": "xlsx"})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    stranger = FunderFactory()
    response = client.post(reverse("reports:run-create"), {"kind": "funding", "format": "xlsx", "funder": stranger.pk})
    assert "Select a valid choice" in response.content.decode()
    assert not ReportRun.objects.exists()


def test_bad_input_is_refused_and_kept(client, officer):
    small_programme()
    client.force_login(officer)
    response = client.post(
        reverse("reports:run-create"),
        {"kind": "funding", "format": "pdf", "date_from": "2010-05-01", "date_to": "2010-04-01", "country": "PE"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "The end of the period comes before its start." in html
    assert 'value="2010-05-01"' in html and '<option value="PE" selected>' in html
    assert not ReportRun.objects.exists()


def test_staff_ask_for_any_report(client, officer, django_capture_on_commit_callbacks):
    programme = small_programme()
    client.force_login(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("reports:run-create"),
            {"kind": "funding", "format": "xlsx", "calls": ["R-2010"], "funder": programme["cariplo"].pk},
        )
    run = ReportRun.objects.get()
    assert response.status_code == 302
    assert run.parameters == {"calls": ["R-2010"], "funder": programme["cariplo"].pk}
    assert run.funder == programme["cariplo"]
    download = client.get(reverse("reports:run-download", kwargs={"pk": run.pk}))
    workbook = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert workbook.worksheets[1]["B3"].value == "Fondazione Prova"


def test_the_detail_page_polls_while_the_run_is_not_finished(client, officer):
    run = queued(status=ReportRun.Status.RUNNING, progress=40)
    client.force_login(officer)
    html = client.get(reverse("reports:run-detail", kwargs={"pk": run.pk})).content.decode()
    assert 'hx-trigger="every 2s"' in html
    assert 'role="progressbar"' in html and 'aria-valuenow="40"' in html and 'aria-live="polite"' in html
    partial = client.get(reverse("reports:run-detail", kwargs={"pk": run.pk}), headers={"HX-Request": "true"})
    assert "<html" not in partial.content.decode() and 'id="run-status"' in partial.content.decode()
    ReportRun.objects.filter(pk=run.pk).update(status="failed", error="The report could not be produced: X.")
    finished = client.get(reverse("reports:run-detail", kwargs={"pk": run.pk}), headers={"HX-Request": "true"})
    html = finished.content.decode()
    assert "hx-trigger" not in html  # polling stops
    assert "The report could not be produced: X." in html
    assert reverse("reports:run-repeat", kwargs={"pk": run.pk}) in html
    assert client.get(reverse("reports:run-download", kwargs={"pk": run.pk})).status_code == 404


def test_the_dashboard_links_to_the_reports(client, funder_member, applicant):
    queued(funder=funder_member.memberships.get().organisation, status="done")
    client.force_login(funder_member)
    html = client.get(reverse("dashboard")).content.decode()
    assert reverse("reports:run-create") in html and reverse("reports:run-list") in html
    assert dashboard_sections(applicant) == []


@pytest.mark.parametrize("count", [3, 30])
def test_run_list_and_dashboard_queries_are_bounded(
    client, officer, funder_member, count, django_assert_max_num_queries
):
    funder = funder_member.memberships.get().organisation
    for number in range(count):
        queued(funder=funder if number % 2 else None, requested_by=officer)
    client.force_login(officer)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("reports:run-list")).status_code == 200
    client.force_login(funder_member)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("reports:run-list")).status_code == 200
    with django_assert_max_num_queries(3):
        sections = dashboard_sections(funder_member)
        assert len(sections[0][1]["runs"]) == min(count // 2, 5)


# --- The command -----------------------------------------------------------------------------------


def test_generate_report_writes_the_same_report(tmp_path):
    programme = small_programme()
    output = tmp_path / "report.csv"
    call_command(
        "generate_report",
        "funding",
        "--format",
        "csv",
        "--output",
        str(output),
        "--call",
        "R-2010",
        "--from",
        "2010-01-01",
        "--to",
        "2010-12-31",
        "--funder",
        programme["comune"].codice_fiscale or str(programme["comune"].pk),
        "--language",
        "en",
        stdout=io.StringIO(),
    )
    expected = report_bytes(
        "funding",
        "csv",
        {"calls": ["R-2010"], "date_from": "2010-01-01", "date_to": "2010-12-31", "funder": programme["comune"].pk},
    )
    assert output.read_bytes() == expected


def test_generate_report_refuses_bad_parameters_without_leaving_a_file(tmp_path):
    output = tmp_path / "report.xlsx"
    with pytest.raises(CommandError, match="not a country code"):
        call_command("generate_report", "country", "--format", "xlsx", "--output", str(output), "--country", "XX")
    assert not output.exists() and not list(tmp_path.iterdir())
