"""cosviluppo.lib.uploads: the content decides, not the name."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from associations.tests.factories import MINIMAL_PDF
from cosviluppo.lib.uploads import validate_pdf, validate_upload_size


def upload(data: bytes, name="statuto.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def test_a_real_pdf_is_accepted():
    file = upload(MINIMAL_PDF)
    validate_pdf(file)
    validate_upload_size(file)
    assert file.tell() == 0  # left where it was, ready to be stored


def test_a_text_file_renamed_pdf_is_refused():
    with pytest.raises(ValidationError) as refused:
        validate_pdf(upload(b"Statuto dell'associazione\n", name="statuto.pdf"))
    assert refused.value.code == "not_pdf"
    assert "is not a PDF document" in refused.value.messages[0]


def test_a_word_document_renamed_pdf_is_refused():
    with pytest.raises(ValidationError):
        validate_pdf(upload(b"PK\x03\x04" + b"\x00" * 200, name="statuto.pdf"))


def test_an_oversize_file_is_refused(settings):
    settings.MAX_UPLOAD_MB = 1
    with pytest.raises(ValidationError) as refused:
        validate_upload_size(upload(MINIMAL_PDF + b"0" * (1024 * 1024)))
    assert refused.value.code == "file_too_large"
    assert "the limit is 1 MB" in refused.value.messages[0]


def test_a_file_at_the_limit_is_accepted(settings):
    settings.MAX_UPLOAD_MB = 1
    validate_upload_size(upload(b"%PDF-" + b"0" * (1024 * 1024 - 5)))


def test_an_empty_file_is_refused():
    with pytest.raises(ValidationError):
        validate_upload_size(upload(b""))


def test_a_web_page_with_a_pdf_after_it_is_refused():
    with pytest.raises(ValidationError) as refused:
        validate_pdf(upload(b"<html><body>Statuto</body></html>\n" + MINIMAL_PDF))
    assert refused.value.code == "not_pdf"
