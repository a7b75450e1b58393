"""A proposal, from the call's page to its receipt, in a real browser.

The legal representative of a verified migrant association starts a draft for the open call,
fills in its ten steps through the real forms (with the autosave running as it does for
people), invites a verified NGO and adds a partner in the country of origin, attaches the
documents the call requires. The review page then lists one point only: the NGO has not
confirmed. A member of the NGO confirms from the dashboard; the applicant submits, gets the
protocol number and downloads the receipt. Every kind of page on the way is checked with axe-core.
A second scenario: the deadline passes while the applicant is on the review page.
"""

import io
import re
import time
from datetime import timedelta
from decimal import Decimal
from urllib.parse import parse_qs

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect
from pypdf import PdfReader

from accounts.tests.factories import UserFactory
from associations.models import Membership
from associations.tests.factories import MINIMAL_PDF, MembershipFactory, NGOFactory, OrganisationFactory
from browser_tests.helpers import assert_page_sound, check_page, switch_language, visit
from calls.models import Call
from calls.tests.factories import RequiredAttachmentFactory
from projects.models import Activity, BudgetLine, Indicator, Proposal, ProposalAttachment, ProposalPartner
from projects.tests.factories import eligible_call, eligible_proposal

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CALL_CODE = "COSV-2026"
CALL_TITLE = "Milan for co-development 2026"
APPLICANT_EMAIL = "awa.ndiaye@example.org"
APPLICANT_PASSWORD = "una-password-robusta-2026"
NGO_EMAIL = "marco.bianchi@example.org"
NGO_PASSWORD = "password-della-ong-2026"
ASSOCIATION = "Associazione Teranga Milano"
NGO = "Terre Unite ETS"
TITLE = "Millet value chain in Thiès"


@pytest.fixture
def open_call():
    """An open call with every kind of rule (eligible categories with caps, territory shares,
    co-financing, an NGO partner required) and two required documents."""
    now = timezone.now()
    call = eligible_call(
        code=CALL_CODE,
        title_it="Milano per il co-sviluppo 2026",
        title_en=CALL_TITLE,
        opens_at=now - timedelta(days=10),
        closes_at=now + timedelta(days=30),
    )
    RequiredAttachmentFactory(
        call=call,
        name_it="Lettera del partner nel paese di origine",
        name_en="Letter of the partner in the country of origin",
    )
    return call


def member(organisation, *, email: str, password: str, full_name: str, role=Membership.Role.LEGAL_REPRESENTATIVE):
    """A person who can sign in: e-mail address verified, known password."""
    user = UserFactory(email=email, password=password, full_name=full_name)
    EmailAddress.objects.create(user=user, email=email, verified=True, primary=True)
    MembershipFactory(user=user, organisation=organisation, role=role)
    return user


@pytest.fixture
def association():
    """A verified migrant association whose legal representative is the applicant."""
    organisation = OrganisationFactory(legal_name=ASSOCIATION)
    member(organisation, email=APPLICANT_EMAIL, password=APPLICANT_PASSWORD, full_name="Awa Ndiaye")
    return organisation


@pytest.fixture
def ngo():
    """A verified Lombard NGO with one editor (who may answer invitations)."""
    organisation = NGOFactory(legal_name=NGO)
    member(organisation, email=NGO_EMAIL, password=NGO_PASSWORD, full_name="Marco Bianchi", role=Membership.Role.EDITOR)
    return organisation


@pytest.fixture
def pdf_file(tmp_path):
    path = tmp_path / "documento.pdf"
    path.write_bytes(MINIMAL_PDF)
    return path


# --- What a person does on every page --------------------------------------------------------------


def in_english(page) -> None:
    """From the home page, switch to English: fields and buttons are then found by their source names."""
    visit(page, "/")
    switch_language(page, "en")


def main_menu(page, item: str) -> None:
    page.get_by_role("navigation", name="Main menu").get_by_role("link", name=item, exact=True).click()
    assert_page_sound(page)


def log_in(page, email: str, password: str) -> None:
    page.get_by_role("link", name="Log in").click()
    assert_page_sound(page)
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(password)
    page.get_by_role("button", name="Sign In").click()
    assert_page_sound(page)
    expect(page.get_by_role("button", name="Log out")).to_be_visible()


def log_out(page) -> None:
    page.get_by_role("button", name="Log out").click()
    assert_page_sound(page)
    expect(page.get_by_role("link", name="Log in")).to_be_visible()


def alert(page, text: str):
    return page.get_by_role("alert").filter(has_text=text)


def click(page, role: str, name: str) -> None:
    page.get_by_role(role, name=name, exact=True).click()
    assert_page_sound(page)


# --- The steps of the proposal form -----------------------------------------------------------------

# Fields the autosave's answer rewrites (the version, the ids of rows just created).
REWRITTEN = re.compile(r"(^version$|-row_id$)")


def _typed(query: str) -> dict[str, list[str]]:
    return {
        name: values for name, values in parse_qs(query, keep_blank_values=True).items() if not REWRITTEN.search(name)
    }


def wait_for_autosave(page) -> None:
    """Everything typed in the step's form is saved, and the page holds the version that saving produced.

    The page autosaves while the person types (one request at a time). Pressing "Save" while a
    request with half of the fields is still under way would post the version it replaces: the
    server would rightly see two different saves from the same version (an edit conflict). A
    person is never that fast; the test waits for the autosave that carries everything typed.
    """
    form = page.locator("#step-form")
    typed = _typed(form.evaluate("form => new URLSearchParams(new FormData(form)).toString()"))

    def carries_everything(response) -> bool:
        return "/autosave/" in response.url and _typed(response.request.post_data or "") == typed

    # A change event on the form starts an autosave with all the fields now (after any under way).
    with page.expect_response(carries_everything) as answer:
        form.dispatch_event("change")
    assert answer.value.ok
    expect(page.locator("#autosave-status")).to_contain_text("Draft saved at")
    # The answer carries the version the save produced; the form must hold it before "Save".
    version = re.search(r'name="version" value="(\d+)"', answer.value.text()).group(1)
    expect(form.locator("input[name=version]")).to_have_value(version)


def save_and_continue(page, step: str, label: str) -> None:
    """Wait for the autosave, press "Save and go to the next step": the step is saved and the
    progress indicator marks it filled in."""
    wait_for_autosave(page)
    expect(page.locator(f"#step-state-{step}")).to_contain_text("filled in")
    # Leaving the last field starts one more autosave: the page posts the form once it has answered.
    with page.expect_navigation():
        page.get_by_role("button", name="Save and go to the next step").click()
    assert_page_sound(page)
    expect(alert(page, f"“{label}” saved.")).to_be_visible()
    expect(page.locator(f"#step-state-{step}")).to_contain_text("filled in")


def step_heading(page, number: int, label: str) -> None:
    expect(page.get_by_role("heading", name=f"Step {number} of 10: {label}", level=2)).to_be_visible()


def fill_rows(page, rows: list[dict[str, str]]) -> None:
    """Fill the first empty rows of a list step; a value that is a choice's key selects it."""
    fieldsets = page.locator("#step-form fieldset.cosv-part-row")
    for index, row in enumerate(rows):
        fieldset = fieldsets.nth(index)
        for label, value in row.items():
            field = fieldset.get_by_label(label)
            if field.evaluate("element => element.tagName") == "SELECT":
                field.select_option(value)
            else:
                field.fill(value)


def test_an_association_drafts_submits_and_downloads_the_receipt(page, open_call, association, ngo, pdf_file):
    in_english(page)
    log_in(page, APPLICANT_EMAIL, APPLICANT_PASSWORD)

    # The call's page, and the draft.
    main_menu(page, "Calls")
    page.get_by_role("link", name=CALL_TITLE).click()
    assert_page_sound(page)
    check_page(page, "call page")
    click(page, "link", "Start a proposal")
    check_page(page, "start page")
    expect(page.get_by_text(f"The proposal is presented by {ASSOCIATION}.")).to_be_visible()
    page.get_by_label("Title of the proposal").fill(TITLE)
    click(page, "button", "Start the draft")
    expect(alert(page, "The draft is ready.")).to_be_visible()
    proposal = Proposal.objects.get(call=open_call, lead=association)
    assert proposal.status == Proposal.Status.DRAFT and proposal.title == TITLE

    # 1. Summary
    step_heading(page, 1, "Summary")
    check_page(page, "step: summary")
    page.get_by_label("Acronym").fill("MIL-THIES")
    page.get_by_label("Theme").fill("Food security")
    page.get_by_label("Summary", exact=True).fill(
        "Training of millet growers in Thiès and awareness-raising in the Senegalese community of Milan."
    )
    page.get_by_label("Duration (months)").fill("12")
    save_and_continue(page, "summary", "Summary")

    # 2. The two territories
    step_heading(page, 2, "The two territories")
    check_page(page, "step: territories")
    page.get_by_label("Country of origin", exact=True).select_option("SN")
    page.get_by_label("Region or province (origin)").fill("Thiès")
    page.get_by_label("City or locality (origin)").fill("Thiès")
    page.get_by_label("Context in the country of origin").fill("Smallholder farmers with no access to mills.")
    page.get_by_label("Municipality (Italy)").fill("Milano")
    page.get_by_label("Context in Italy").fill("The Senegalese community of Via Padova.")
    save_and_continue(page, "territories", "The two territories")

    # 3. Objectives
    step_heading(page, 3, "Objectives and expected results")
    check_page(page, "step: objectives")
    page.get_by_label("Objectives", exact=True).fill("Raise the growers' income by processing millet locally.")
    page.get_by_label("Expected results").fill("Forty growers trained; one cooperative mill working.")
    save_and_continue(page, "objectives", "Objectives and expected results")

    # 4. Activities: one in each territory.
    step_heading(page, 4, "Activities")
    check_page(page, "step: activities")
    fill_rows(
        page,
        [
            {"Activity": "Training of the growers", "Territory": "origin", "Start month": "1", "End month": "10"},
            {
                "Activity": "Meetings with the community",
                "Territory": "residence",
                "Start month": "2",
                "End month": "12",
            },
        ],
    )
    save_and_continue(page, "activities", "Activities")
    assert sorted(Activity.objects.filter(proposal=proposal).values_list("territory", flat=True)) == [
        "origin",
        "residence",
    ]

    # 5. Beneficiaries
    step_heading(page, 5, "Beneficiaries")
    check_page(page, "step: beneficiaries")
    page.get_by_label("Direct beneficiaries (origin)").fill("40")
    page.get_by_label("Beneficiaries in the country of origin").fill("Millet growers of three villages.")
    page.get_by_label("Direct beneficiaries (Italy)").fill("200")
    page.get_by_label("Beneficiaries in Italy").fill("Families of the community in Milan.")
    save_and_continue(page, "beneficiaries", "Beneficiaries")

    # 6. Partners: the NGO is invited (it answers on the portal), the origin partner is added.
    step_heading(page, 6, "Partners")
    check_page(page, "step: partners")
    invite = page.get_by_role("region", name="Invite an Italian NGO")
    invite.get_by_label("Italian NGO").select_option(str(ngo.pk))
    invite.get_by_label("Its role and contribution").fill("Training of trainers and monitoring in Milan.")
    mail.outbox.clear()
    click(page, "button", "Send the invitation")
    expect(alert(page, f"{NGO} is invited")).to_be_visible()
    assert [message.to for message in mail.outbox] == [[NGO_EMAIL]], "the NGO's member was not told"
    origin = page.get_by_role("region", name="Add a partner in the country of origin")
    origin.get_by_label("Name of the organisation").fill("GIE Jappo Thiès")
    origin.get_by_label("Country").select_option("SN")
    origin.get_by_label("City or locality").fill("Thiès")
    origin.get_by_label("Its role and contribution").fill("Runs the mill and the training.")
    click(page, "button", "Add the partner")
    expect(alert(page, "GIE Jappo Thiès is added as partner.")).to_be_visible()
    partners = page.get_by_role("table")
    expect(partners.get_by_role("row").filter(has_text=NGO)).to_contain_text("waiting for an answer")
    expect(partners.get_by_role("row").filter(has_text="GIE Jappo Thiès")).to_contain_text("added by the lead")
    expect(page.locator("#step-state-partners")).to_contain_text("filled in")
    check_page(page, "partners with an invitation")
    click(page, "link", "Next step →")

    # 7. Budget: € 50.000 in all, 30% co-financed; 60% in Senegal, 40% in Italy.
    step_heading(page, 7, "Budget")
    check_page(page, "step: budget")
    fill_rows(
        page,
        [
            {
                "Cost category": "A",
                "Territory": "origin",
                "Description": "Trainers and mill operator",
                "Amount requested (EUR)": "21.000,00",
                "Co-financing: own resources (EUR)": "6000",
                "Co-financing: other sources (EUR)": "3.000",
            },
            {
                "Cost category": "E",
                "Territory": "residence",
                "Description": "Meetings and materials",
                "Amount requested (EUR)": "14000.00",
                "Co-financing: own resources (EUR)": "4.000,00",
                "Co-financing: other sources (EUR)": "2000",
            },
        ],
    )
    # The totals follow what is typed, before anything is saved.
    totals = page.locator("#budget-totals")
    expect(totals.get_by_role("row", name="Whole project")).to_contain_text("€ 50,000.00")
    expect(totals.get_by_role("row", name="Whole project")).to_contain_text("30%")
    save_and_continue(page, "budget", "Budget")
    lines = BudgetLine.objects.filter(proposal=proposal)
    assert sorted(line.total_cost for line in lines) == [Decimal("20000.00"), Decimal("30000.00")]

    # 8. Indicators
    step_heading(page, 8, "Indicators")
    check_page(page, "step: indicators")
    fill_rows(
        page,
        [
            {"Indicator": "Growers trained", "Territory": "origin", "Baseline": "0", "Target": "40"},
            {"Indicator": "People at the meetings", "Territory": "residence", "Target": "200"},
        ],
    )
    save_and_continue(page, "indicators", "Indicators")
    assert Indicator.objects.filter(proposal=proposal).count() == 2

    # 9. Sustainability
    step_heading(page, 9, "Sustainability")
    check_page(page, "step: sustainability")
    page.get_by_label("Sustainability").fill("The cooperative keeps the mill running with the milling fees.")
    save_and_continue(page, "sustainability", "Sustainability")

    # 10. Attachments: a PDF for each document the call requires.
    step_heading(page, 10, "Attachments")
    check_page(page, "step: attachments")
    for document in open_call.required_attachments.order_by("pk"):
        slot = page.locator(f"#slot-{document.pk}")
        expect(slot).to_contain_text("Not attached yet.")
        slot.get_by_label("File").set_input_files(pdf_file)
        slot.get_by_role("button", name="Attach").click()
        assert_page_sound(page)
        expect(alert(page, "is attached.")).to_be_visible()
        expect(page.locator(f"#slot-{document.pk}")).to_contain_text("Attached:")
    expect(page.locator("#step-state-attachments")).to_contain_text("filled in")
    assert ProposalAttachment.objects.filter(proposal=proposal, required_attachment__isnull=False).count() == 2
    check_page(page, "attachments, all attached")

    # The review: every step filled in, one point left, the button disabled.
    click(page, "link", "Review and submit →")
    steps = page.get_by_role("navigation", name="Steps of the proposal")
    expect(steps.locator(".cosv-step-state").filter(has_text="filled in")).to_have_count(10)
    panel = page.get_by_role("region", name="Before it can be submitted")
    expect(panel.get_by_role("listitem")).to_have_count(1)
    expect(panel.get_by_role("listitem")).to_contain_text(f"{NGO} has not confirmed the partnership yet")
    expect(page.get_by_role("button", name="Submit the proposal")).to_be_disabled()
    check_page(page, "review with a problem")
    log_out(page)

    # The NGO's member answers from the dashboard.
    log_in(page, NGO_EMAIL, NGO_PASSWORD)
    main_menu(page, "Dashboard")
    invitations = page.get_by_role("region", name="Partnership invitations")
    expect(invitations).to_contain_text(f"{ASSOCIATION} invites {NGO} to the proposal “{TITLE}”")
    check_page(page, "NGO dashboard")
    invitations.get_by_role("link", name="Answer the invitation").click()
    assert_page_sound(page)
    expect(page.get_by_role("heading", name=f"Partnership in “{TITLE}”", level=1)).to_be_visible()
    check_page(page, "partnership answer")
    mail.outbox.clear()
    click(page, "button", "Confirm the partnership")
    expect(alert(page, f"You confirmed that {NGO} takes part")).to_be_visible()
    assert ProposalPartner.objects.get(proposal=proposal, organisation=ngo).response == "confirmed"
    assert [APPLICANT_EMAIL] in [message.to for message in mail.outbox], "the lead was not told"
    check_page(page, "partnership confirmed")
    log_out(page)

    # The applicant submits.
    log_in(page, APPLICANT_EMAIL, APPLICANT_PASSWORD)
    main_menu(page, "Dashboard")
    page.get_by_role("region", name="My proposals").get_by_role("link", name=TITLE).click()
    assert_page_sound(page)
    expect(page.get_by_role("region", name="Ready to be submitted")).to_be_visible()
    check_page(page, "review, ready")
    mail.outbox.clear()
    click(page, "button", "Submit the proposal")
    protocol = f"{CALL_CODE}-0001"
    expect(alert(page, f"with protocol number {protocol}")).to_be_visible()
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    assert proposal.protocol_number == protocol
    recipients = {address for message in mail.outbox for address in message.to}
    assert {APPLICANT_EMAIL, NGO_EMAIL} <= recipients, f"e-mails at submission went to {recipients}"
    assert all(protocol in message.subject + message.body for message in mail.outbox)
    check_page(page, "submitted proposal")

    # The receipt.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the receipt (PDF)").click()
    receipt = download.value.path().read_bytes()
    assert receipt.startswith(b"%PDF")
    text = "".join(page_.extract_text() for page_ in PdfReader(io.BytesIO(receipt)).pages)
    assert protocol in text
    assert_page_sound(page)

    # The dashboard lists it among the submitted proposals, with its receipt.
    main_menu(page, "Dashboard")
    mine = page.get_by_role("region", name="My proposals")
    row = mine.get_by_role("row").filter(has_text=TITLE)
    expect(row).to_contain_text(protocol)
    expect(row.get_by_role("link", name="Receipt (PDF)")).to_be_visible()
    expect(mine.get_by_role("heading", name=re.compile(r"^Submitted"), level=3)).to_be_visible()
    check_page(page, "dashboard after submission")


def test_a_submission_after_the_deadline_is_refused_and_the_draft_kept(page, association):
    call = eligible_call(code=CALL_CODE, title_en=CALL_TITLE)
    proposal = eligible_proposal(call=call, lead=association, title=TITLE)
    in_english(page)
    log_in(page, APPLICANT_EMAIL, APPLICANT_PASSWORD)
    visit(page, f"/proposals/{proposal.pk}/")
    expect(page.get_by_role("region", name="Ready to be submitted")).to_be_visible()
    expect(page.get_by_role("button", name="Submit the proposal")).to_be_enabled()

    # The deadline passes while the page is open.
    Call.objects.filter(pk=call.pk).update(closes_at=timezone.now() - timedelta(minutes=1))
    click(page, "button", "Submit the proposal")
    expect(alert(page, f"The deadline of the call {CALL_CODE} passed")).to_contain_text(
        "the proposal was not submitted. Your draft is kept as it was."
    )
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.DRAFT
    assert proposal.protocol_number == "" and proposal.submitted_at is None
    # The review page now says why, and the button is off.
    panel = page.get_by_role("region", name="Before it can be submitted")
    expect(panel).to_contain_text("The deadline of the call passed")
    expect(page.get_by_role("button", name="Submit the proposal")).to_be_disabled()
    check_page(page, "review after the deadline")


# --- "Save" always saves, even while an autosave is under way ----------------------------------------


def test_save_pressed_right_after_editing_a_field_saves_it(page, association):
    """The pointer goes down on "Save" while the field still has the focus: the field's change
    event starts an autosave at that very moment, and the click must still post the form."""
    proposal = eligible_proposal(call=eligible_call(code=CALL_CODE, title_en=CALL_TITLE), lead=association)
    in_english(page)
    log_in(page, APPLICANT_EMAIL, APPLICANT_PASSWORD)
    visit(page, f"/proposals/{proposal.pk}/edit/summary/")
    page.get_by_label("Theme").fill("Millet processing")
    with page.expect_navigation(), page.expect_request(lambda request: "/autosave/" in request.url):
        page.get_by_role("button", name="Save", exact=True).click()
    assert_page_sound(page)
    expect(alert(page, "“Summary” saved.")).to_be_visible()
    expect(page.get_by_label("Theme")).to_have_value("Millet processing")
    proposal.refresh_from_db()
    assert proposal.theme == "Millet processing"
    check_page(page, "step saved")


def test_save_waits_for_the_autosave_under_way_and_posts_its_version(page, association):
    """The server has saved an autosave but its answer (with the new version) has not reached the
    page when the member changes another field and presses "Save": the save waits for that answer,
    so it is not refused as an edit conflict with the member's own autosave."""
    proposal = eligible_proposal(call=eligible_call(code=CALL_CODE, title_en=CALL_TITLE), lead=association)
    in_english(page)
    log_in(page, APPLICANT_EMAIL, APPLICANT_PASSWORD)
    visit(page, f"/proposals/{proposal.pk}/edit/summary/")
    held = []

    def hold_the_answer(route):
        held.append((route, route.fetch()))  # the server saves now; the page gets the answer later

    page.route("**/autosave/", hold_the_answer)
    page.get_by_label("Theme").fill("Millet processing")
    page.locator("#step-form").dispatch_event("change")
    deadline = time.monotonic() + 10
    while not held and time.monotonic() < deadline:
        page.wait_for_timeout(50)
    assert held, "no autosave was sent"
    version_saved_by_the_autosave = Proposal.objects.get(pk=proposal.pk).version
    assert version_saved_by_the_autosave == proposal.version + 1

    page.get_by_label("Acronym").fill("MIL-THIES")
    page.get_by_role("button", name="Save", exact=True).click()
    assert len(held) == 1, "the save did not wait for the autosave under way"
    route, response = held.pop()
    with page.expect_navigation():
        route.fulfill(response=response)
    page.unroute("**/autosave/")
    assert_page_sound(page)
    expect(alert(page, "“Summary” saved.")).to_be_visible()
    proposal.refresh_from_db()
    assert (proposal.theme, proposal.acronym) == ("Millet processing", "MIL-THIES")
    assert proposal.version == version_saved_by_the_autosave + 1
