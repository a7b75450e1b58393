"""Attachments of a draft: checked by their content, size-limited, private, served only to the
proposal's organisations and to staff."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from associations.models import Membership
from associations.tests.factories import MINIMAL_PDF, MembershipFactory, OrganisationFactory
from calls.tests.factories import CallFactory, RequiredAttachmentFactory
from cosviluppo.lib.uploads import office_document_kind, validate_office_document
from projects.models import ProposalAttachment
from projects.services import proposal_submit
from projects.tests.factories import ProposalAttachmentFactory, ProposalFactory, eligible_proposal

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def odt_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", "<office:document-content/>")
    return buffer.getvalue()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def other_zip_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("photo.jpg", b"\xff\xd8\xff")
    return buffer.getvalue()


def upload(name, content, content_type="application/pdf"):
    return SimpleUploadedFile(name, content, content_type=content_type)


# --- The content check ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (odt_bytes, "odt"),
        (docx_bytes, "docx"),
        (other_zip_bytes, None),
        (lambda: MINIMAL_PDF, None),
        (lambda: b"PK\x03\x04 broken zip", None),
    ],
)
def test_text_documents_are_recognised_by_their_content(content, kind):
    file = upload("whatever.bin", content())
    assert office_document_kind(file) == kind
    if kind is None:
        with pytest.raises(ValidationError):
            validate_office_document(file)
    else:
        validate_office_document(file)
    assert file.tell() == 0


# --- Uploading ------------------------------------------------------------------------------------------


@pytest.fixture
def call():
    return CallFactory()


@pytest.fixture
def letter(call):
    return RequiredAttachmentFactory(call=call, name_en="Partnership letter")


@pytest.fixture
def budget_details(call):
    return RequiredAttachmentFactory(call=call, name_en="Budget details", accepts_office_documents=True)


@pytest.fixture
def draft(call, letter, budget_details):
    return ProposalFactory(call=call)


@pytest.fixture
def editor(draft):
    return MembershipFactory(organisation=draft.lead, role=Membership.Role.EDITOR).user


def upload_url(proposal):
    return reverse("projects:attachment-upload", args=[proposal.pk])


def slot_data(required, file):
    prefix = f"slot{required.pk}" if required else "other"
    return {"slot": str(required.pk) if required else "other", f"{prefix}-file": file}


def test_a_real_pdf_is_attached_and_kept_private(client, draft, editor, letter, settings):
    client.force_login(editor)

    response = client.post(upload_url(draft), slot_data(letter, upload("Lettera ONG firmata.pdf", MINIMAL_PDF)))

    assert response.status_code == 302
    attachment = ProposalAttachment.objects.get(proposal=draft)
    assert attachment.required_attachment == letter and attachment.title == "Partnership letter"
    assert attachment.content_type == "application/pdf" and attachment.size == len(MINIMAL_PDF)
    assert attachment.uploaded_by == editor
    assert attachment.file.name.startswith(f"private/proposals/{draft.pk}/")
    assert attachment.file.name.endswith(".pdf")
    assert (settings.MEDIA_ROOT / attachment.file.name).read_bytes() == MINIMAL_PDF


def test_a_file_that_is_not_a_pdf_is_refused_whatever_its_name(client, draft, editor, letter):
    client.force_login(editor)

    response = client.post(upload_url(draft), slot_data(letter, upload("lettera.pdf", b"GIF89a not a pdf")))

    assert response.status_code == 200
    assert "is not a PDF document" in response.content.decode()
    assert not ProposalAttachment.objects.exists()


def test_a_file_over_the_size_limit_is_refused(client, draft, editor, letter, settings):
    settings.MAX_UPLOAD_MB = 1
    client.force_login(editor)
    too_big = MINIMAL_PDF + b"0" * (1024 * 1024)

    response = client.post(upload_url(draft), slot_data(letter, upload("lettera.pdf", too_big)))

    assert response.status_code == 200 and "too large" in response.content.decode()
    assert not ProposalAttachment.objects.exists()


def test_a_docx_is_accepted_only_where_the_call_accepts_it(client, draft, editor, letter, budget_details):
    client.force_login(editor)

    refused = client.post(upload_url(draft), slot_data(letter, upload("lettera.docx", docx_bytes())))
    assert refused.status_code == 200 and "is not a PDF document" in refused.content.decode()
    other = client.post(
        upload_url(draft), {**slot_data(None, upload("altro.docx", docx_bytes())), "other-title": "Altro"}
    )
    assert other.status_code == 200
    assert not ProposalAttachment.objects.exists()

    accepted = client.post(upload_url(draft), slot_data(budget_details, upload("dettaglio.docx", docx_bytes())))
    assert accepted.status_code == 302
    attachment = ProposalAttachment.objects.get()
    assert attachment.required_attachment == budget_details and attachment.file.name.endswith(".docx")
    assert attachment.content_type.endswith("wordprocessingml.document")


def test_an_odt_is_accepted_where_the_call_accepts_text_documents(client, draft, editor, budget_details):
    client.force_login(editor)
    response = client.post(upload_url(draft), slot_data(budget_details, upload("dettaglio.odt", odt_bytes())))
    assert response.status_code == 302
    assert ProposalAttachment.objects.get().content_type == "application/vnd.oasis.opendocument.text"


def test_a_zip_that_is_no_text_document_is_refused_where_text_documents_are_accepted(
    client, draft, editor, budget_details
):
    client.force_login(editor)
    response = client.post(upload_url(draft), slot_data(budget_details, upload("dettaglio.docx", other_zip_bytes())))
    assert response.status_code == 200 and "is not a PDF, ODT or DOCX document" in response.content.decode()


def test_a_pdf_with_javascript_is_refused_with_its_reason(client, draft, editor, letter):
    client.force_login(editor)
    scripted = MINIMAL_PDF.replace(b"<<>>", b"<</OpenAction<</S/JavaScript/JS(app.alert(1))>>>>")

    response = client.post(upload_url(draft), slot_data(letter, upload("lettera.pdf", scripted)))

    assert response.status_code == 200
    assert "“lettera.pdf” contains JavaScript" in response.content.decode()
    assert not ProposalAttachment.objects.exists()


def test_a_docx_zip_bomb_is_refused_where_text_documents_are_accepted(client, draft, editor, budget_details):
    client.force_login(editor)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"<w:document>" + b" " * (8 * 1024 * 1024) + b"</w:document>")

    response = client.post(upload_url(draft), slot_data(budget_details, upload("dettaglio.docx", buffer.getvalue())))

    assert response.status_code == 200
    assert "compressed beyond what a real document allows" in response.content.decode()
    assert not ProposalAttachment.objects.exists()


def test_an_optional_document_needs_a_title(client, draft, editor):
    client.force_login(editor)

    missing = client.post(upload_url(draft), slot_data(None, upload("foto.pdf", MINIMAL_PDF)))
    assert missing.status_code == 200 and not ProposalAttachment.objects.exists()

    client.post(upload_url(draft), {**slot_data(None, upload("foto.pdf", MINIMAL_PDF)), "other-title": "Foto"})
    attachment = ProposalAttachment.objects.get()
    assert attachment.title == "Foto" and attachment.required_attachment is None


def test_uploading_again_replaces_the_required_document(
    client, draft, editor, letter, settings, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    client.post(upload_url(draft), slot_data(letter, upload("prima.pdf", MINIMAL_PDF)))
    first = ProposalAttachment.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(upload_url(draft), slot_data(letter, upload("seconda.pdf", MINIMAL_PDF + b"%v2")))

    second = ProposalAttachment.objects.get()
    assert second.pk != first.pk and "seconda" in second.file.name
    assert not (settings.MEDIA_ROOT / first.file.name).exists()


def test_a_document_of_another_call_is_not_a_slot(client, draft, editor):
    foreign = RequiredAttachmentFactory()
    client.force_login(editor)
    response = client.post(upload_url(draft), slot_data(foreign, upload("x.pdf", MINIMAL_PDF)))
    assert response.status_code == 404


def test_an_attachment_is_removed_with_its_file(
    client, draft, editor, letter, settings, django_capture_on_commit_callbacks
):
    client.force_login(editor)
    client.post(upload_url(draft), slot_data(letter, upload("lettera.pdf", MINIMAL_PDF)))
    attachment = ProposalAttachment.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("projects:attachment-delete", args=[draft.pk, attachment.pk]))

    assert response.status_code == 302
    assert not ProposalAttachment.objects.exists()
    assert not (settings.MEDIA_ROOT / attachment.file.name).exists()


def test_the_attachments_page_lists_the_required_documents(client, draft, editor, letter):
    client.force_login(editor)
    page = client.get(reverse("projects:proposal-edit", args=[draft.pk, "attachments"])).content.decode()
    assert "Partnership letter" in page and "Budget details" in page
    assert page.count('enctype="multipart/form-data"') == 3
    assert "PDF, ODT or DOCX" in page and "PDF only" in page


# --- Downloading ----------------------------------------------------------------------------------------


def download_url(attachment):
    return reverse("projects:attachment-download", args=[attachment.proposal_id, attachment.pk])


def test_the_proposals_organisations_download_its_attachments(client):
    proposal = eligible_proposal()
    attachment = proposal.attachments.get()
    lead_viewer = MembershipFactory(organisation=proposal.lead, role=Membership.Role.VIEWER).user
    ngo_member = MembershipFactory(organisation=proposal.partners.get().organisation).user

    for user in (lead_viewer, ngo_member):
        client.force_login(user)
        response = client.get(download_url(attachment))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == b"%PDF-1.4 test"
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["Content-Type"] == "application/pdf"


def test_others_get_404_for_an_attachment(client, officer):
    proposal = eligible_proposal()
    attachment = proposal.attachments.get()
    other = MembershipFactory(organisation=OrganisationFactory(), role=Membership.Role.LEGAL_REPRESENTATIVE).user

    for user in (other, officer):  # officers do not see drafts
        client.force_login(user)
        assert client.get(download_url(attachment)).status_code == 404


def test_staff_download_the_attachments_of_submitted_proposals(client, officer):
    proposal = proposal_submit(proposal=eligible_proposal(), by=None)
    client.force_login(officer)
    assert client.get(download_url(proposal.attachments.get())).status_code == 200


def test_an_attachment_is_found_only_under_its_own_proposal(client):
    proposal = eligible_proposal()
    foreign = ProposalAttachmentFactory()
    client.force_login(MembershipFactory(organisation=proposal.lead).user)
    url = reverse("projects:attachment-download", args=[proposal.pk, foreign.pk])
    assert client.get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client):
    attachment = ProposalAttachmentFactory()
    response = client.get(download_url(attachment))
    assert response.status_code == 302 and "login" in response["Location"]
