"""The onboarding of a migrant association, end to end in a real browser.

A visitor signs up and confirms the e-mail address, registers the association with its statute,
waits for the programme office, an officer (password and TOTP code) verifies it, and the applicant
then finds the open call. Every kind of page on the way is checked with axe-core.
"""

import re
from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone

from accounts.models import User
from accounts.services import user_enrol_totp
from accounts.tests.factories import UserFactory
from associations.models import Organisation
from browser_tests.helpers import assert_page_sound, check_page, current_totp_code, switch_language, visit
from calls.services import call_publish
from calls.tests.factories import make_publishable_call
from cosviluppo.lib.codicefiscale import entity_codice_fiscale

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOTP_SECRET = "6PBHALAJKS5NEPNXIMZLCJTRM3AS4QR3"
APPLICANT_EMAIL = "awa.ndiaye@example.org"
APPLICANT_PASSWORD = "una-password-robusta-2026"
OFFICER_PASSWORD = "password-dell-ufficio-2026"
ASSOCIATION = "Associazione Teranga Milano"
CONFIRM_LINK = re.compile(r"/accounts/confirm-email/[^\s/]+/")


@pytest.fixture
def open_call():
    """An open call with its funders, criteria and text, published by the office ten days ago."""
    now = timezone.now()
    office = UserFactory(municipal_role=User.MunicipalRole.OFFICER)
    call = make_publishable_call(
        code="COSV-2026",
        title_it="Milano per il co-sviluppo 2026",
        title_en="Milan for co-development 2026",
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=50),
    )
    return call_publish(call=call, by=office, now=now - timedelta(days=11))


@pytest.fixture
def programme_officer():
    officer = UserFactory(
        email="ufficio.cosviluppo@example.org",
        password=OFFICER_PASSWORD,
        municipal_role=User.MunicipalRole.OFFICER,
    )
    EmailAddress.objects.create(user=officer, email=officer.email, verified=True, primary=True)
    user_enrol_totp(user=officer, secret=TOTP_SECRET)
    return officer


@pytest.fixture
def statute_pdf(tmp_path):
    path = tmp_path / "statuto.pdf"
    # Only the start matters to the upload check (b"%PDF-"); the rest is a minimal document.
    path.write_bytes(
        b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )
    return path


def main_menu(page, item: str) -> None:
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name=item, exact=True).click()
    assert_page_sound(page)


def log_in(page, email: str, password: str) -> None:
    page.get_by_role("link", name="Log in").click()
    assert_page_sound(page)
    check_page(page, "login")
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Sign In").click()
    assert_page_sound(page)


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    assert_page_sound(page)
    assert page.get_by_role("link", name="Log in").is_visible()


def test_an_association_signs_up_is_verified_and_finds_the_open_call(page, open_call, programme_officer, statute_pdf):
    # The home page, in Italian like the browser asks. The visitor switches to English, which lets
    # this test find fields and buttons by their source names, whatever the catalogue says.
    visit(page, "/")
    assert page.locator("html").get_attribute("lang") == "it"
    check_page(page, "home (it)")
    switch_language(page, "en")

    # Sign-up.
    page.get_by_role("link", name="Sign up").click()
    assert_page_sound(page)
    check_page(page, "sign-up")
    page.get_by_label("Full name").fill("Awa Ndiaye")
    page.locator("input[name=email]").fill(APPLICANT_EMAIL)
    page.locator("input[name=password1]").fill(APPLICANT_PASSWORD)
    page.locator("input[name=password2]").fill(APPLICANT_PASSWORD)
    page.get_by_role("button", name="Sign Up").click()
    assert_page_sound(page)
    assert "/accounts/confirm-email/" in page.url
    check_page(page, "verification sent")

    # The verification e-mail, and its link.
    assert [message.to for message in mail.outbox] == [[APPLICANT_EMAIL]]
    visit(page, CONFIRM_LINK.search(mail.outbox[0].body).group(0))
    check_page(page, "e-mail confirmation")
    page.get_by_role("button", name="Confirm").click()
    assert_page_sound(page)
    assert EmailAddress.objects.get(email=APPLICANT_EMAIL).verified

    # Confirming signs the new user in: the dashboard offers to register an organisation.
    main_menu(page, "Dashboard")
    assert page.get_by_role("heading", name="Dashboard", level=1).is_visible()
    check_page(page, "dashboard without organisation")
    page.get_by_role("link", name="Register your organisation").click()
    assert_page_sound(page)
    check_page(page, "organisation registration")
    page.get_by_label("Kind of organisation").select_option("migrant_association")
    page.get_by_label("Legal name").fill(ASSOCIATION)
    page.get_by_label("Codice fiscale").fill(entity_codice_fiscale(1234567))
    page.get_by_label("Street and number").fill("Via Padova 36")
    page.get_by_label("Municipality").fill("Milano")
    page.get_by_label("Province (two letters, e.g. MI)").fill("MI")
    page.get_by_label("Full name of the legal representative").fill("Awa Ndiaye")
    page.get_by_label("Countries of origin of the community").select_option("SN")
    page.get_by_label("Statute (PDF)").set_input_files(statute_pdf)
    page.get_by_role("button", name="Register the organisation").click()
    assert_page_sound(page)
    assert page.get_by_role("alert").filter(has_text="is registered").is_visible()
    check_page(page, "organisation's own page")
    association = Organisation.objects.get(legal_name=ASSOCIATION)
    assert association.verification_status == Organisation.VerificationStatus.PENDING

    main_menu(page, "Dashboard")
    card = page.locator("li.card").filter(has_text=ASSOCIATION)
    assert card.locator(".org-status").inner_text() == "Pending verification"
    check_page(page, "dashboard with a pending organisation")
    log_out(page)

    # The officer: password, then the code of the authenticator app.
    log_in(page, programme_officer.email, OFFICER_PASSWORD)
    assert "/accounts/2fa/authenticate/" in page.url
    check_page(page, "two-factor authentication")
    page.locator("input[name=code]").fill(current_totp_code(TOTP_SECRET))
    page.get_by_role("button", name="Sign In").click()
    assert_page_sound(page)
    # Back where the login started (the home page), now signed in.
    assert page.get_by_role("button", name="Log out").is_visible()
    main_menu(page, "Dashboard")
    check_page(page, "officer's dashboard")
    page.get_by_role("link", name="Open the verification queue").click()
    assert_page_sound(page)
    check_page(page, "verification queue")
    page.get_by_role("link", name=ASSOCIATION).click()
    assert_page_sound(page)
    check_page(page, "verification review")
    page.get_by_role("button", name="Verify the organisation").click()
    assert_page_sound(page)
    assert page.get_by_role("alert").filter(has_text="is verified").is_visible()
    association.refresh_from_db()
    assert association.verification_status == Organisation.VerificationStatus.VERIFIED
    assert [APPLICANT_EMAIL] in [message.to for message in mail.outbox[1:]], "the applicant was not told"
    log_out(page)

    # The applicant again: verified, and the open call is there.
    log_in(page, APPLICANT_EMAIL, APPLICANT_PASSWORD)
    main_menu(page, "Dashboard")
    card = page.locator("li.card").filter(has_text=ASSOCIATION)
    assert card.locator(".org-status").inner_text() == "Verified"
    main_menu(page, "Calls")
    check_page(page, "calls list")
    page.get_by_role("link", name="Milan for co-development 2026").click()
    assert_page_sound(page)
    assert page.get_by_role("heading", name="Milan for co-development 2026", level=1).is_visible()
    check_page(page, "call detail")

    # The association now appears in the public directory, with a public page.
    main_menu(page, "Associations")
    check_page(page, "directory")
    page.get_by_role("link", name=ASSOCIATION).click()
    assert_page_sound(page)
    assert page.get_by_role("heading", name=ASSOCIATION, level=1).is_visible()
    check_page(page, "organisation's public page")
