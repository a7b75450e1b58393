"""Checks shared by every private upload (statutes, proposal attachments…).

The content decides, not the name: a file renamed ".pdf" is still refused when its
bytes are not a PDF. Use both validators on the form field; the size limit is
settings.MAX_UPLOAD_MB.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# Every PDF starts with this signature (ISO 32000-1, 7.5.2). Some writers put a few
# bytes of junk before it, which readers tolerate within the first kilobyte.
PDF_SIGNATURE = b"%PDF-"
PDF_SIGNATURE_WINDOW = 1024


def _head(file, length: int) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(length)
    file.seek(position)
    return head or b""


def validate_pdf(file) -> None:
    """Refuse a file whose first bytes are not a PDF's, whatever its name or declared type."""
    if PDF_SIGNATURE not in _head(file, PDF_SIGNATURE_WINDOW):
        raise ValidationError(
            _("“%(name)s” is not a PDF document. Save or export the file as PDF and upload it again."),
            code="not_pdf",
            params={"name": getattr(file, "name", "")},
        )


def max_upload_bytes() -> int:
    return settings.MAX_UPLOAD_MB * 1024 * 1024


def validate_upload_size(file) -> None:
    """Refuse a file larger than settings.MAX_UPLOAD_MB, and an empty one."""
    size = file.size
    if not size:
        raise ValidationError(_("The file is empty."), code="empty_file")
    if size > max_upload_bytes():
        raise ValidationError(
            _("The file is too large (%(size)s): the limit is %(limit)s MB."),
            code="file_too_large",
            params={"size": filesizeformat(size), "limit": settings.MAX_UPLOAD_MB},
        )


# For a form field: `forms.FileField(validators=PDF_VALIDATORS)`.
PDF_VALIDATORS = [validate_upload_size, validate_pdf]


# --- Word-processor documents (ODT, DOCX) ---------------------------------------------------
# Both are zip archives. An ODT stores its media type, uncompressed, in a first member called
# "mimetype" (OpenDocument 1.2 part 3, 3.3); a DOCX (Office Open XML, ECMA-376 part 2) has
# "[Content_Types].xml" and its body in "word/document.xml". Only the archive's directory and
# that one short member are read, so a zip bomb is never inflated.
ODT_MEDIA_TYPE = b"application/vnd.oasis.opendocument.text"
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def office_document_kind(file) -> str | None:
    """The kind of text document the content shows: "odt", "docx", or None for neither."""
    import zipfile

    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        if not zipfile.is_zipfile(file):
            return None
        file.seek(0)
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
            if "mimetype" in names and archive.getinfo("mimetype").file_size <= 100:
                if archive.read("mimetype").strip() == ODT_MEDIA_TYPE:
                    return "odt"
            if "[Content_Types].xml" in names and "word/document.xml" in names:
                return "docx"
        return None
    except (zipfile.BadZipFile, OSError, KeyError, RuntimeError, NotImplementedError):
        return None
    finally:
        file.seek(position)


def validate_office_document(file) -> None:
    """Refuse a file that is not an ODT or DOCX text document, whatever its name."""
    if office_document_kind(file) is None:
        raise ValidationError(
            _("“%(name)s” is not an ODT or DOCX text document."),
            code="not_office_document",
            params={"name": getattr(file, "name", "")},
        )
