"""The submission pages: submit (POST), withdraw (confirm + POST) and the PDF receipt, per role."""

import io
import time
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.contrib.messages import get_messages
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from pypdf import PdfReader

from associations.models import Membership
from associations.tests.factories import MembershipFactory
from projects.models import Proposal, ProposalPartner, ProposalStatusChange
from projects.receipts import proposal_receipt_pdf
from projects.services import proposal_submit
from projects.tests.factories import eligible_call, eligible_proposal

pytestmark = pytest.mark.django_db

SECOND = timedelta(seconds=1)


@pytest.fixture
def proposal():
    return eligible_proposal(call=eligible_call(code="COSV-2012"))


@pytest.fixture
def signer(proposal):
    return MembershipFactory(organisation=proposal.lead, role=Membership.Role.LEGAL_REPRESENTATIVE).user


@pytest.fixture
def partner_member(proposal):
    ngo = ProposalPartner.objects.get(proposal=proposal).organisation
    return MembershipFactory(organisation=ngo, role=Membership.Role.EDITOR).user


@pytest.fixture
def submitted(proposal, signer):
    return proposal_submit(proposal=proposal, by=signer)


def url(name, proposal):
    return reverse(f"projects:{name}", args=[proposal.pk])


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


# --- Submit -------------------------------------------------------------------------------------------


def test_submitting_redirects_to_the_proposal_with_its_protocol_number(
    client, proposal, signer, django_capture_on_commit_callbacks
):
    client.force_login(signer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("proposal-submit", proposal))

    assert response.status_code == 302
    assert response["Location"] == url("proposal-detail", proposal)
    proposal.refresh_from_db()
    assert proposal.status == Proposal.Status.SUBMITTED
    assert any("COSV-2012-0001" in text for text in texts(response))
    assert signer.email in [address for message in mail.outbox for address in message.to]


def test_submit_is_post_only(client, proposal, signer):
    client.force_login(signer)
    assert client.get(url("proposal-submit", proposal)).status_code == 405
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.DRAFT


def test_a_double_click_submits_once(client, proposal, signer, django_capture_on_commit_callbacks):
    client.force_login(signer)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url("proposal-submit", proposal))
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("proposal-submit", proposal))

    assert response.status_code == 302
    assert any("already submitted" in text and "COSV-2012-0001" in text for text in texts(response))
    assert len(mail.outbox) == sent
    assert ProposalStatusChange.objects.filter(proposal=proposal, to_status="submitted").count() == 1


def test_an_ineligible_proposal_goes_back_to_the_review_page_with_the_problems(client, proposal, signer):
    ProposalPartner.objects.filter(proposal=proposal).update(response=ProposalPartner.Response.INVITED)
    client.force_login(signer)
    with translation.override("en"):
        response = client.post(url("proposal-submit", proposal), HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 302
    assert response["Location"] == url("proposal-detail", proposal)
    (message,) = texts(response)
    assert "cannot be submitted" in message
    assert "<li>" in message and "has not confirmed the partnership" in message
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.DRAFT
    # The list survives the redirect as markup (the message storage keeps it safe), the names escaped.
    review = client.get(response["Location"]).content.decode()
    assert '<ul class="mb-0"><li>' in review


@pytest.mark.parametrize(
    ("offset", "accepted"), [(-SECOND, True), (timedelta(0), False), (SECOND, False)], ids=["before", "at", "after"]
)
def test_the_deadline_through_the_page(client, proposal, signer, offset, accepted):
    with time_machine.travel(proposal.call.closes_at + offset, tick=False):
        client.force_login(signer)  # signed in at that time, or the session would have expired
        response = client.post(url("proposal-submit", proposal))

    assert response.status_code == 302
    row = Proposal.objects.get(pk=proposal.pk)
    if accepted:
        assert row.status == Proposal.Status.SUBMITTED
    else:
        assert row.status == Proposal.Status.DRAFT
        assert row.protocol_number == ""
        (message,) = texts(response)
        assert "deadline" in message and "was not submitted" in message


def test_an_editor_who_does_not_sign_cannot_submit(client, proposal):
    editor = MembershipFactory(organisation=proposal.lead, role=Membership.Role.EDITOR).user
    client.force_login(editor)
    assert client.post(url("proposal-submit", proposal)).status_code == 403


def test_the_ngo_partner_sees_but_cannot_submit(client, proposal, partner_member):
    client.force_login(partner_member)
    assert client.post(url("proposal-submit", proposal)).status_code == 403
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.DRAFT


def test_another_association_gets_404_everywhere(client, proposal, submitted, applicant):
    client.force_login(applicant)
    draft = eligible_proposal(call=proposal.call)
    assert client.post(url("proposal-submit", draft)).status_code == 404
    assert client.get(url("proposal-withdraw", draft)).status_code == 404
    assert client.post(url("proposal-withdraw", submitted), {"reason": "x"}).status_code == 404
    assert client.get(url("proposal-receipt", submitted)).status_code == 404


def test_officers_do_not_see_drafts(client, proposal, officer):
    client.force_login(officer)
    assert client.post(url("proposal-submit", proposal)).status_code == 404
    assert client.get(url("proposal-receipt", proposal)).status_code == 404


# --- Withdraw -----------------------------------------------------------------------------------------


def test_the_withdraw_page_asks_for_a_reason(client, proposal, signer):
    client.force_login(signer)
    response = client.get(url("proposal-withdraw", proposal))
    assert response.status_code == 200
    assert 'name="reason"' in response.content.decode()


def test_withdrawing_a_submitted_proposal_before_the_deadline(client, submitted, signer):
    client.force_login(signer)
    response = client.post(url("proposal-withdraw", submitted), {"reason": "Il partner locale si è ritirato."})
    assert response.status_code == 302
    row = Proposal.objects.get(pk=submitted.pk)
    assert row.status == Proposal.Status.WITHDRAWN
    assert row.protocol_number == "COSV-2012-0001"
    assert ProposalStatusChange.objects.filter(proposal=row).latest("pk").reason == "Il partner locale si è ritirato."


def test_withdrawing_without_a_reason_shows_the_form_again(client, proposal, signer):
    client.force_login(signer)
    response = client.post(url("proposal-withdraw", proposal), {"reason": "  "})
    assert response.status_code == 200
    assert Proposal.objects.get(pk=proposal.pk).status == Proposal.Status.DRAFT


def test_after_the_deadline_withdrawing_is_refused_with_a_clear_message(client, submitted, signer):
    with time_machine.travel(submitted.call.closes_at + SECOND, tick=False):
        client.force_login(signer)
        page = client.get(url("proposal-withdraw", submitted))
        response = client.post(url("proposal-withdraw", submitted), {"reason": "Ripensamento"})

    assert page.status_code == 200
    assert 'name="reason"' not in page.content.decode()
    assert response.status_code == 302
    (message,) = texts(response)
    assert "deadline" in message and "no longer be withdrawn" in message
    assert Proposal.objects.get(pk=submitted.pk).status == Proposal.Status.SUBMITTED


def test_the_ngo_partner_cannot_withdraw(client, proposal, partner_member):
    client.force_login(partner_member)
    assert client.get(url("proposal-withdraw", proposal)).status_code == 403
    assert client.post(url("proposal-withdraw", proposal), {"reason": "x"}).status_code == 403


# --- Receipt ------------------------------------------------------------------------------------------


def test_the_receipt_of_a_draft_does_not_exist(client, proposal, signer):
    client.force_login(signer)
    assert client.get(url("proposal-receipt", proposal)).status_code == 404


@pytest.mark.parametrize("who", ["signer", "partner_member", "officer"])
def test_the_receipt_is_for_the_proposals_organisations_and_staff(client, submitted, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.get(url("proposal-receipt", submitted))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert "COSV-2012-0001" in response["Content-Disposition"]
    assert response.content.startswith(b"%PDF-")


def test_the_receipt_says_protocol_number_title_time_and_budget(submitted):
    with translation.override("it"):
        text = pdf_text(proposal_receipt_pdf(submitted))
        when = date_format(timezone.localtime(submitted.submitted_at), "DATETIME_FORMAT")

    assert "COSV-2012-0001" in text
    assert submitted.title in text
    assert submitted.call.code in text
    assert submitted.lead.legal_name in text
    assert " ".join(when.split()) in text
    # The budget's totals, as the review page shows them (Italian format).
    for amount in ("50.000,00", "35.000,00", "30.000,00", "20.000,00"):
        assert amount in text, amount


def test_the_receipt_shows_the_time_on_the_rome_clock(proposal, signer):
    # 23:30 UTC on 30 January is 00:30 on 31 January in Milan.
    moment = datetime(2026, 1, 30, 23, 30, tzinfo=UTC)
    proposal.call.opens_at = moment - timedelta(days=30)
    proposal.call.closes_at = moment + timedelta(days=1)
    proposal.call.save()
    submitted = proposal_submit(proposal=proposal, by=signer, now=moment)
    with translation.override("it"):
        text = pdf_text(proposal_receipt_pdf(submitted))
    assert "31 Gennaio 2026 00:30" in text


def test_the_receipt_is_made_without_the_network(submitted, monkeypatch):
    import socket

    def refuse(*args, **kwargs):
        raise AssertionError("the receipt tried to open a network connection")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    started = time.monotonic()
    content = proposal_receipt_pdf(submitted)
    assert content.startswith(b"%PDF-")
    assert time.monotonic() - started < 30


def test_the_receipt_reads_only_the_theme_static_files():
    from cosviluppo.lib.pdf import FONT_PATH, local_files_fetcher, static_root_for_fonts

    root = static_root_for_fonts()
    fetcher = local_files_fetcher(root)
    response = fetcher.fetch((root / FONT_PATH).as_uri())
    try:
        assert len(response.read(4)) == 4
    finally:
        response.close()
    for refused in (
        "https://fonts.googleapis.com/css?family=Titillium+Web",
        "http://127.0.0.1/x.png",
        "file:///etc/passwd",
    ):
        with pytest.raises(ValueError):
            fetcher.fetch(refused)
