"""A funder follows its money in a report: funder@demo.local logs in, goes from the dashboard to
the reports, asks for a country report (XLSX), waits for it and downloads it. Tasks run eagerly
here, so the run is done when its page opens; the worker test covers the queue."""

import io

import pytest
from django.db.models import Sum
from django.test import override_settings
from openpyxl import load_workbook
from playwright.sync_api import expect

from browser_tests.helpers import assert_page_sound, check_page, visit
from cosviluppo.demo import demo_load
from funding.selectors import funders_of
from projects.models import RESULTS_PUBLISHED_CALL_STATUSES, FunderShare, Proposal
from reports.models import ReportRun

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FUNDER_EMAIL = "funder@demo.local"
DEMO_PASSWORD = "demo-cosviluppo"


def test_a_funder_asks_for_a_country_report_and_downloads_it(page, django_user_model):
    with override_settings(DEBUG=True):
        assert demo_load()
    funder = funders_of(django_user_model.objects.get(email=FUNDER_EMAIL))[0]

    visit(page, "/accounts/login/")
    page.locator("input[name=login]").fill(FUNDER_EMAIL)
    page.locator("input[name=password]").fill(DEMO_PASSWORD)
    page.locator("form button[type=submit]").last.click()
    assert_page_sound(page)

    visit(page, "/dashboard/")
    check_page(page, "dashboard")
    page.locator("#dashboard-reports-title").locator("..").locator("a[href='/reports/new/']").click()
    assert_page_sound(page)
    assert page.url.endswith("/reports/new/")
    check_page(page, "report form")

    page.locator("select[name=kind]").select_option("country")
    page.locator("select[name=format]").select_option("xlsx")
    page.locator("form input[type=submit], form button[type=submit]").last.click()
    assert_page_sound(page)

    run = ReportRun.objects.get()
    assert page.url.endswith(f"/reports/{run.pk}/")
    assert (run.kind, run.format, run.funder) == ("country", "xlsx", funder)
    download_link = page.locator(f"a[href='/reports/{run.pk}/download/']")
    expect(download_link).to_be_visible()
    assert page.locator("[role=status]").get_attribute("aria-live") == "polite"
    check_page(page, "finished report run")

    with page.expect_download() as download_info:
        download_link.click()
    download = download_info.value
    assert download.suggested_filename == f"country-report-{run.pk}.xlsx"
    workbook = load_workbook(io.BytesIO(open(download.path(), "rb").read()), read_only=True)
    countries = list(workbook.worksheets[1].iter_rows(values_only=True))
    # The totals row, then (for a funder) a note saying the amounts are its own shares.
    totals = next(row for row in countries if row[0] in ("Total", "Totale"))
    # Its own money: the shares it put into projects of calls whose results are published.
    own = FunderShare.objects.filter(
        commitment__funder=funder,
        award__proposal__in=Proposal.objects.funded().filter(call__status__in=RESULTS_PUBLISHED_CALL_STATUSES),
    ).aggregate(total=Sum("amount"))["total"]
    assert own > 0
    assert round(totals[6], 2) == float(own)

    visit(page, "/reports/")
    check_page(page, "report list")
