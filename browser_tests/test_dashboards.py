"""The funder dashboard and the programme dashboard in a real browser: both draw their charts
(and the funder's map), keep the tables beside them, and pass axe-core.

A funder's member logs in with a password and opens the funder dashboard from the main menu; the
programme officer logs in with password and TOTP code and opens the programme dashboard.
"""

from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from playwright.sync_api import expect

from accounts.models import User
from accounts.services import user_enrol_totp
from accounts.tests.factories import UserFactory
from associations.models import Membership
from associations.tests.factories import FunderFactory, MembershipFactory
from browser_tests.helpers import assert_page_sound, check_page, current_totp_code, switch_language, visit
from funding.tests.test_dashboards import co_funded_call
from projects.tests.factories import ReviewFactory
from reports.tests.factories import ReportRunFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "password-robusta-2026"
TOTP_SECRET = "6PBHALAJKS5NEPNXIMZLCJTRM3AS4QR3"


def person(email: str, **fields) -> User:
    user = UserFactory(email=email, password=PASSWORD, **fields)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    return user


@pytest.fixture
def people():
    """A funder with two published calls (Senegal, Peru, Morocco) and one under evaluation, its
    member, and a programme officer; reviews outstanding and a report run for the officer's page."""
    funder = FunderFactory(legal_name="Fondazione Cariplo [TEST]")
    for amount, ranking, countries in (
        ("15000.00", [(Decimal("90"), Decimal("10000.00")), (Decimal("80"), Decimal("7000.00"))], ("SN", "PE")),
        ("9000.00", [(Decimal("85"), Decimal("8000.00"))], ("MA",)),
    ):
        co_funded_call(funder, amount=amount, ranking=ranking, countries=countries)
    deciding = co_funded_call(funder, amount="40000.00", ranking=[(Decimal("88"), Decimal("20000.00"))], publish=False)
    ReviewFactory(proposal=deciding.proposals.get())
    member = person("erogazioni@example.org", full_name="Referente Cariplo")
    MembershipFactory(organisation=funder, user=member, role=Membership.Role.VIEWER)
    officer = person("ufficio@example.org", full_name="Chiara Colombo", municipal_role=User.MunicipalRole.OFFICER)
    user_enrol_totp(user=officer, secret=TOTP_SECRET)
    ReportRunFactory(requested_by=officer)
    return {"member": member, "officer": officer}


def log_in(page, user: User, *, totp: bool = False) -> None:
    page.get_by_role("link", name="Log in").click()
    assert_page_sound(page)
    page.locator("input[name=login]").fill(user.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    assert_page_sound(page)
    if totp:
        page.locator("input[name=code]").fill(current_totp_code(TOTP_SECRET))
        page.get_by_role("button", name="Sign In").click()
        assert_page_sound(page)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def assert_chart_drawn(page, chart_id: str) -> None:
    """Chart.js drew the canvas, and the same figures are in a table with its caption."""
    figure = page.locator(f"figure#{chart_id}")
    expect(figure.locator("canvas")).to_be_visible()
    assert figure.locator("canvas").evaluate("c => c.width > 0 && c.height > 0")
    table = figure.locator("table.cosv-chart-table")
    assert table.locator("caption").count() == 1 and table.locator("tbody tr").count() > 0


def test_the_funder_and_the_programme_dashboards_draw_their_charts_and_are_accessible(page, people):
    visit(page, "/")
    switch_language(page, "en")

    log_in(page, people["member"])
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Funder dashboard").click()
    assert_page_sound(page)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Fondazione Cariplo [TEST]")
    assert_chart_drawn(page, "funder-by-country")
    expect(page.locator("figure.cosv-map svg")).to_be_visible()
    expect(
        page.get_by_role("table", name="Projects your organisation co-funds: the award and your share")
    ).to_be_visible()
    expect(page.get_by_text("not yet published").first).to_be_visible()
    check_page(page, "funder dashboard")
    page.get_by_role("button", name="Log out").click()
    assert_page_sound(page)

    log_in(page, people["officer"], totp=True)
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name="Programme dashboard").click()
    assert_page_sound(page)
    assert_chart_drawn(page, "programme-pipeline")
    assert_chart_drawn(page, "programme-budget")
    expect(page.get_by_role("table", name="Reviews outstanding per evaluator")).to_be_visible()
    expect(page.get_by_role("link", name="Funding report #", exact=False)).to_be_visible()
    check_page(page, "programme dashboard")
