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
