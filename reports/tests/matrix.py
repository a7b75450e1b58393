"""The open-data URLs and the report runs × roles.

`build` registers the programme owner (the Comune, whose org-id the machine-readable exports are
published under; without it they answer 503). Grants are left out: the matrix checks who may
download, test_opendata_*.py check what is in the documents.
"""

from cosviluppo.tests.matrix_roles import everyone, signed_in


def build(data):
    from reports.tests.opendata_support import comune_di_milano

    data["reports_comune"] = comune_di_milano()
    data["reports_run"] = _finished_staff_run()


def _finished_staff_run():
    """A whole-programme report run, done, with its file: staff see it, a funder member gets 404
    (not theirs), everyone else 403 (no reports for them at all)."""
    from django.core.files.base import ContentFile

    from reports.models import ReportRun

    run = ReportRun.objects.create(
        kind=ReportRun.Kind.FUNDING, format=ReportRun.Format.CSV, status="done", progress=100
    )
    run.output.save("funding-report.csv", ContentFile(b"report"), save=True)
    return run


def _run(data):
    return {"pk": data["reports_run"].pk}


# Staff and funder members ask for reports; other signed-in people are refused.
REPORT_PAGES = {**signed_in(403), "funder_viewer": 200, "officer": 200, "admin_user": 200}
# A staff run: a funder member cannot see it (404, as any run that is not theirs).
STAFF_RUN = {**signed_in(403), "funder_viewer": 404, "officer": 200, "admin_user": 200}


ROWS = {
    "reports:opendata": (None, "get", everyone(200)),
    "reports:opendata-360giving": (None, "get", everyone(200)),
    "reports:opendata-iati": (None, "get", everyone(200)),
    "reports:transparency": (None, "get", everyone(200)),
    "reports:transparency-csv": (None, "get", everyone(200)),
    "reports:run-list": (None, "get", REPORT_PAGES),
    "reports:run-create": (None, "get", REPORT_PAGES),
    "reports:run-detail": (_run, "get", STAFF_RUN),
    "reports:run-download": (_run, "get", STAFF_RUN),
    "reports:run-repeat": (_run, "post", {**STAFF_RUN, "officer": 302, "admin_user": 302}),
}
