"""cosviluppo.lib.uploads: PDFs must start with their signature and carry no scripts or launch
actions; ODT and DOCX archives are bounded before anything in them is inflated."""

import io
import time
import zipfile

import pydyf
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from associations.tests.factories import MINIMAL_PDF
from cosviluppo.lib.uploads import (
    OFFICE_MAX_ENTRIES,
    validate_office_document,
    validate_pdf,
)


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"


def upload(data: bytes, name="document.pdf"):
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def refusal(validator, data: bytes, name="document.pdf") -> ValidationError:
    with pytest.raises(ValidationError) as refused:
        validator(upload(data, name))
    return refused.value


def pdf_with_catalog(catalog_extra: bytes, objects: bytes = b"") -> bytes:
    """A small uncompressed PDF whose catalog holds `catalog_extra` (an /OpenAction…)."""
    return (
        b"%PDF-1.4\n"
        b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R " + catalog_extra + b" >>\nendobj\n"
        b"2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\nendobj\n" + objects + b"trailer\n<< /Root 1 0 R >>\n%%EOF\n"
    )


def compressed_pdf(action: dict) -> bytes:
    """A PDF whose objects, the action included, sit in a compressed object stream (as WeasyPrint
    and most office suites write them): nothing of it shows in the raw bytes."""
    document = pydyf.PDF()
    opened = pydyf.Dictionary(action)
    document.add_object(opened)
    document.catalog["OpenAction"] = opened.reference
    output = io.BytesIO()
    document.write(output, compress=True)
    return output.getvalue()


# --- PDF ---------------------------------------------------------------------------------------------


def test_a_minimal_pdf_is_accepted():
    file = upload(MINIMAL_PDF)
    validate_pdf(file)
    assert file.tell() == 0


def test_a_pdf_made_by_weasyprint_is_accepted():
    weasyprint = pytest.importorskip("weasyprint")
    data = weasyprint.HTML(string="<h1>Statuto</h1><p>Art. 1 – Denominazione.</p>").write_pdf()
    assert b"/ObjStm" in data  # its objects are compressed: the parsed pass reads them
    validate_pdf(upload(data))


def test_a_compressed_pdf_without_actions_is_accepted():
    validate_pdf(upload(compressed_pdf({"S": "/GoTo", "D": pydyf.Array([0, "/Fit"])})))


def test_a_pdf_after_an_html_page_is_refused():
    polyglot = b"<!doctype html><html><body><script>alert(1)</script></body></html>\n" + MINIMAL_PDF
    refused = refusal(validate_pdf, polyglot)
    assert refused.code == "not_pdf"
    assert "is not a PDF document" in refused.messages[0]


def test_a_pdf_with_a_byte_before_its_signature_is_refused():
    assert refusal(validate_pdf, b" " + MINIMAL_PDF).code == "not_pdf"


def test_a_pdf_opening_with_javascript_is_refused():
    data = pdf_with_catalog(b"/OpenAction << /S /JavaScript /JS (app.alert('hello')) >>")
    refused = refusal(validate_pdf, data, name="lettera.pdf")
    assert refused.code == "pdf_active_content"
    assert "“lettera.pdf” contains JavaScript" in refused.messages[0]


def test_a_pdf_with_a_launch_action_is_refused():
    data = pdf_with_catalog(b"/OpenAction << /S /Launch /F (cmd.exe) >>")
    assert refusal(validate_pdf, data).code == "pdf_active_content"


def test_a_pdf_with_a_document_script_is_refused():
    data = pdf_with_catalog(
        b"/Names << /JavaScript 3 0 R >>",
        b"3 0 obj\n<< /Names [(start) 4 0 R] >>\nendobj\n4 0 obj\n<< /S /JavaScript /JS (x()) >>\nendobj\n",
    )
    assert refusal(validate_pdf, data).code == "pdf_active_content"


@pytest.mark.parametrize("name", [b"/J#61vaScript", b"/#4A#61#76#61#53#63#72#69#70#74", b"/L#61unch"])
def test_a_pdf_hiding_the_action_behind_hex_escapes_is_refused(name):
    data = pdf_with_catalog(b"/OpenAction << /S " + name + b" /JS (x()) /F (cmd.exe) >>")
    assert refusal(validate_pdf, data).code == "pdf_active_content"


def test_a_pdf_hiding_javascript_in_a_compressed_object_stream_is_refused():
    data = compressed_pdf({"S": "/JavaScript", "JS": pydyf.String("app.alert(1)")})
    assert b"JavaScript" not in data  # invisible in the raw bytes
    assert refusal(validate_pdf, data).code == "pdf_active_content"


def test_a_pdf_hiding_a_launch_action_in_a_compressed_object_stream_is_refused():
    data = compressed_pdf({"S": "/Launch", "F": pydyf.String("cmd.exe")})
    assert refusal(validate_pdf, data).code == "pdf_active_content"


def test_a_script_key_without_its_action_type_is_refused_too():
    # Without streams: the raw bytes are all there is.
    assert refusal(validate_pdf, pdf_with_catalog(b"/AA << /WC << /J#53 (x()) >> >>")).code == "pdf_active_content"
    # With streams: the objects as pypdf reads them.
    document = pydyf.PDF()
    document.add_object(pydyf.Stream([b"BT ET"]))
    document.catalog["AA"] = pydyf.Dictionary({"WC": pydyf.Dictionary({"JS": pydyf.String("x()")})})
    output = io.BytesIO()
    document.write(output)
    assert b"stream" in output.getvalue()
    assert refusal(validate_pdf, output.getvalue()).code == "pdf_active_content"


def test_binary_data_that_happens_to_hold_a_short_name_is_accepted():
    document = pydyf.PDF()
    document.add_object(pydyf.Stream([b"\x00\x01/JS(\x02\x03"]))
    output = io.BytesIO()
    document.write(output)
    validate_pdf(upload(output.getvalue()))


def test_a_pdf_whose_object_streams_inflate_past_the_budget_is_refused(monkeypatch):
    monkeypatch.setattr("cosviluppo.lib.uploads.PDF_INFLATE_BUDGET", 10)
    data = compressed_pdf({"S": "/GoTo", "D": pydyf.Array([0, "/Fit"])})
    assert refusal(validate_pdf, data).code == "pdf_too_complex"


def test_a_damaged_pdf_with_streams_is_refused():
    data = b"%PDF-1.5\n1 0 obj<</Length 3/Filter/FlateDecode>>stream\nxyz\nendstream endobj\n%%EOF\n"
    assert refusal(validate_pdf, data).code == "pdf_unreadable"


# --- ODT and DOCX ------------------------------------------------------------------------------------


def archive(members: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as written:
        for name, content in members.items():
            if name == "mimetype":
                written.writestr(zipfile.ZipInfo("mimetype"), content)
            else:
                written.writestr(name, content)
    return buffer.getvalue()


DOCX_PARTS = {"[Content_Types].xml": b"<Types/>", "word/document.xml": b"<w:document/>"}
ODT_PARTS = {"mimetype": b"application/vnd.oasis.opendocument.text", "content.xml": b"<office:document-content/>"}


@pytest.mark.parametrize(("parts", "kind"), [(DOCX_PARTS, "docx"), (ODT_PARTS, "odt")])
def test_a_normal_text_document_is_accepted(parts, kind):
    file = upload(archive({**parts, "word/media/image1.png": bytes(range(256)) * 400}), name=f"budget.{kind}")
    assert validate_office_document(file) == kind
    assert file.tell() == 0


def test_a_docx_zip_bomb_is_refused_without_inflating_it():
    bomb = archive({**DOCX_PARTS, "word/media/image1.png": b"\0" * (20 * 1024 * 1024)})
    assert len(bomb) < 100_000
    started = time.monotonic()
    refused = refusal(validate_office_document, bomb, name="budget.docx")
    assert time.monotonic() - started < 1
    assert refused.code == "office_suspicious_compression"
    assert "“budget.docx” holds a part compressed beyond" in refused.messages[0]


def test_an_odt_whose_parts_add_up_past_the_limit_is_refused(settings):
    settings.MAX_UPLOAD_MB = 1  # 5 MB once inflated
    parts = {f"Pictures/{number}.bin": bytes([number]) * 900_000 for number in range(6)}
    refused = refusal(validate_office_document, archive({**ODT_PARTS, **parts}), name="budget.odt")
    assert refused.code == "office_too_large_uncompressed"
    assert "more than 5 MB once opened" in refused.messages[0]


def test_a_docx_with_too_many_entries_is_refused():
    parts = {f"word/part{number}.xml": b"" for number in range(OFFICE_MAX_ENTRIES)}
    refused = refusal(validate_office_document, archive({**DOCX_PARTS, **parts}, zipfile.ZIP_STORED), "a.docx")
    assert refused.code == "office_too_many_entries"
    assert f"more than {OFFICE_MAX_ENTRIES}" in refused.messages[0]


def test_a_zip_that_is_no_text_document_is_refused():
    refused = refusal(validate_office_document, archive({"photo.jpg": b"\xff\xd8\xff"}), name="a.docx")
    assert refused.code == "not_office_document"
