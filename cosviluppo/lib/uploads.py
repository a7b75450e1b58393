"""Checks shared by every private upload (statutes, proposal attachments, call documents).

The content decides, not the name: a file renamed ".pdf" is still refused when its bytes are not
a PDF. Every check reads a bounded amount of the file and never inflates more than a fixed budget,
so a hostile upload costs little to refuse. The size limit is settings.MAX_UPLOAD_MB; README
("Limits") lists the rest.

PDF (validate_pdf): the signature "%PDF-" at offset 0 (a file with anything before it, such as an
HTML page with a PDF after it, is refused), and no active content: the names /JavaScript, /JS and
/Launch (JavaScript actions, document scripts, launch actions, however they are triggered:
/OpenAction, /AA, links). Two passes, because either alone misses something:
- the raw bytes, names decoded from their #xx escapes (/J#61vaScript): this finds every object
  written in clear, also one no cross-reference table points to. Only the long names are looked
  for here: three bytes such as "/JS" turn up by chance inside compressed data, while a script
  cannot run without the name /JavaScript (the action's required /S entry, or the document's
  /JavaScript name tree, ISO 32000-1 12.6.4.16 and 7.7.4);
- the objects as a reader sees them, through pypdf: this reads the objects kept compressed in
  object streams (/ObjStm, PDF 1.5 and later; WeasyPrint and most office suites write them),
  which the raw bytes cannot show. Object streams are inflated within PDF_INFLATE_BUDGET in all,
  and the number of objects is bounded; a file past either bound is refused as too complex.
A file without any stream is all object syntax in clear: the first pass then looks for /JS too,
and pypdf is not needed. A file with streams that pypdf cannot read is refused as damaged; a
password-protected one too, since its objects cannot be checked (and the office could not open it
either).

ODT and DOCX (validate_office_document): zip archives. Before anything is inflated, the archive's
directory is checked: at most OFFICE_MAX_ENTRIES entries (read from the end record, before the
directory is parsed), at most OFFICE_MAX_UNCOMPRESSED_BYTES declared in all, and no entry larger
than OFFICE_SUSPICIOUS_ENTRY_BYTES that claims to compress more than OFFICE_MAX_RATIO times (a
zip bomb's signature; real documents' XML compresses 5 to 20 times). Then only the tiny
"mimetype" member is inflated, through a read bounded in bytes whatever its declared size.
"""

from __future__ import annotations

import io
import re
import struct
import zipfile
from typing import IO, Any, TypeAlias

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

# Every PDF starts with this signature (ISO 32000-1, 7.5.2). Readers tolerate junk before it, which
# is how a file can be a web page and a PDF at once (a polyglot): the portal does not.
PDF_SIGNATURE = b"%PDF-"

# Names that make a PDF run something: JavaScript actions and scripts, and launch actions (open
# another file or program). /JS is looked for only among the parsed objects (see the docstring).
PDF_ACTIVE_NAMES = frozenset({"JavaScript", "JS", "Launch"})
_PDF_RAW_ACTIVE_NAMES = frozenset({b"JavaScript", b"Launch"})

# At most this much inflated from a PDF's object streams, and this many objects read.
PDF_INFLATE_BUDGET = 32 * 1024 * 1024
PDF_MAX_OBJECTS = 100_000
# Direct objects nested deeper than this are no document's.
_PDF_MAX_DEPTH = 64


def _name_pattern(name: bytes) -> bytes:
    """A PDF name written with any of its characters as a #xx escape (ISO 32000-1, 7.3.5), and
    ending there: the next byte is a delimiter, white space or the end."""

    def either(byte: int) -> bytes:
        escape = b"".join(b"[%s%s]" % (bytes([digit]), bytes([digit]).upper()) for digit in b"%02x" % byte)
        return b"(?:%s|#%s)" % (re.escape(bytes([byte])), escape)

    return b"/" + b"".join(either(byte) for byte in name) + rb"(?![^\x00\t\n\x0c\r /<>\[\]()%{}])"


_PDF_RAW_ACTIVE = re.compile(b"|".join(_name_pattern(name) for name in _PDF_RAW_ACTIVE_NAMES))
_PDF_RAW_JS = re.compile(_name_pattern(b"JS"))

OFFICE_MAX_ENTRIES = 2_000
OFFICE_MAX_RATIO = 100
OFFICE_SUSPICIOUS_ENTRY_BYTES = 1024 * 1024


# An upload as the forms and services hand it over: Django's File (UploadedFile, FieldFile) or a
# binary stream.
Upload: TypeAlias = "File[bytes] | IO[bytes]"


def max_upload_bytes() -> int:
    return int(settings.MAX_UPLOAD_MB) * 1024 * 1024


def office_max_uncompressed_bytes() -> int:
    """What an ODT or DOCX may declare in all once inflated: five times the upload limit."""
    return 5 * max_upload_bytes()


def _head(file: Upload, length: int) -> bytes:
    position = file.tell() if hasattr(file, "tell") else 0
    file.seek(0)
    head = file.read(length)
    file.seek(position)
    return head or b""


def _content(file: Upload) -> bytes:
    """The whole file (bounded by the size check that runs first), leaving the position alone."""
    position = file.tell()
    file.seek(0)
    data = file.read(max_upload_bytes() + 1)
    file.seek(position)
    return data or b""


def _name(file: Upload) -> str:
    return getattr(file, "name", "") or ""


def validate_upload_size(file: File[bytes]) -> None:
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


# --- PDF ---------------------------------------------------------------------------------------------


def is_pdf(file: Upload) -> bool:
    """Whether the file starts with the PDF signature (the first bytes, nothing before them)."""
    return _head(file, len(PDF_SIGNATURE)) == PDF_SIGNATURE


class _PdfUncheckable(Exception):
    """The PDF's objects cannot be read within the bounds: refused, with this code."""

    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _raw_active_name(data: bytes) -> bool:
    return _PDF_RAW_ACTIVE.search(data) is not None


def _has_active_entry(value: Any, depth: int = 0) -> bool:
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject

    if depth > _PDF_MAX_DEPTH:
        raise _PdfUncheckable("pdf_too_complex")
    if isinstance(value, NameObject):
        return value[1:] in PDF_ACTIVE_NAMES
    if isinstance(value, DictionaryObject):
        for key, item in value.items():
            if key[1:] in PDF_ACTIVE_NAMES or _has_active_entry(item, depth + 1):
                return True
    elif isinstance(value, ArrayObject):
        return any(_has_active_entry(item, depth + 1) for item in value)
    return False


def _parsed_active_content(data: bytes) -> bool:
    """Whether any object a reader sees, compressed ones included, names active content."""
    from pypdf import PasswordType, PdfReader
    from pypdf.generic import IndirectObject

    reader = PdfReader(io.BytesIO(data), strict=False)
    if reader.is_encrypted and reader.decrypt("") == PasswordType.NOT_DECRYPTED:
        raise _PdfUncheckable("pdf_encrypted")
    references = [(idnum, generation) for generation, entries in reader.xref.items() for idnum in entries]
    references += [(idnum, 0) for idnum in reader.xref_objStm]
    if len(references) > PDF_MAX_OBJECTS:
        raise _PdfUncheckable("pdf_too_complex")
    # Inflate the object streams first, counting: pypdf bounds each one, this bounds them all.
    inflated = 0
    for stream_number in sorted({stream for stream, _index in reader.xref_objStm.values()}):
        stream = reader.get_object(IndirectObject(stream_number, 0, reader))
        inflated += len(stream.get_data()) if stream is not None and hasattr(stream, "get_data") else 0
        if inflated > PDF_INFLATE_BUDGET:
            raise _PdfUncheckable("pdf_too_complex")
    if _has_active_entry(reader.trailer):
        return True
    for idnum, generation in references:
        if _has_active_entry(reader.get_object(IndirectObject(idnum, generation, reader))):
            return True
    return False


def pdf_problem(file: Upload) -> str | None:
    """Why the file is refused as a PDF ("not_pdf", "pdf_active_content", "pdf_encrypted",
    "pdf_too_complex", "pdf_unreadable"), or None when it is accepted."""
    from pypdf.errors import LimitReachedError, PyPdfError

    if not is_pdf(file):
        return "not_pdf"
    data = _content(file)
    if _raw_active_name(data):
        return "pdf_active_content"
    if b"stream" not in data:
        # No stream: every byte is object syntax in clear, nothing is compressed for pypdf to read,
        # and nothing binary for a short name to turn up in by chance.
        return "pdf_active_content" if _PDF_RAW_JS.search(data) else None
    try:
        if _parsed_active_content(data):
            return "pdf_active_content"
    except _PdfUncheckable as uncheckable:
        return uncheckable.code
    except LimitReachedError:
        return "pdf_too_complex"
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError):
        return "pdf_unreadable"
    return None


PDF_MESSAGES = {
    "not_pdf": _("“%(name)s” is not a PDF document. Save or export the file as PDF and upload it again."),
    "pdf_active_content": _(
        "“%(name)s” contains JavaScript or an action that launches a program, which the portal does not "
        "accept. Print it to a new PDF (or export it again without scripts) and upload that."
    ),
    "pdf_encrypted": _("“%(name)s” is protected by a password. Upload a copy without protection."),
    "pdf_too_complex": _(
        "“%(name)s” is too complex to be checked. Print it to a new PDF (or export it again) and upload that."
    ),
    "pdf_unreadable": _("“%(name)s” cannot be read as a PDF: it may be damaged. Export it again as PDF."),
}


def validate_pdf(file: Upload) -> None:
    """Refuse a file that is not a PDF (signature at offset 0), or a PDF with active content, or
    one whose objects cannot be checked (see the module's docstring)."""
    problem = pdf_problem(file)
    if problem is not None:
        raise ValidationError(PDF_MESSAGES[problem], code=problem, params={"name": _name(file)})


# For a form field: `forms.FileField(validators=PDF_VALIDATORS)`.
PDF_VALIDATORS = [validate_upload_size, validate_pdf]


# --- Word-processor documents (ODT, DOCX) ---------------------------------------------------
# Both are zip archives. An ODT stores its media type, uncompressed, in a first member called
# "mimetype" (OpenDocument 1.2 part 3, 3.3); a DOCX (Office Open XML, ECMA-376 part 2) has
# "[Content_Types].xml" and its body in "word/document.xml".
ODT_MEDIA_TYPE = b"application/vnd.oasis.opendocument.text"
DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

_ZIP_END_RECORD = b"PK\x05\x06"
_ZIP_END_RECORD_SIZE = 22
_ZIP_MAX_COMMENT = 0xFFFF


def _zip_declared_entries(file: Upload) -> int | None:
    """The number of entries the archive's end record declares (None: no end record), read from
    the last 64 KB before the directory itself is parsed. Zip64 counts as too many."""
    file.seek(0, io.SEEK_END)
    size = file.tell()
    start = max(0, size - _ZIP_END_RECORD_SIZE - _ZIP_MAX_COMMENT)
    file.seek(start)
    tail = file.read()
    at = tail.rfind(_ZIP_END_RECORD)
    if at == -1 or len(tail) - at < _ZIP_END_RECORD_SIZE:
        return None
    total = struct.unpack("<H", tail[at + 10 : at + 12])[0]
    return OFFICE_MAX_ENTRIES + 1 if total == 0xFFFF else total


def _office_archive_problem(file: Upload) -> str | None:
    """Why the archive is refused before anything in it is inflated, or None."""
    entries = _zip_declared_entries(file)
    if entries is None:
        return "not_office_document"
    if entries > OFFICE_MAX_ENTRIES:
        return "office_too_many_entries"
    file.seek(0)
    with zipfile.ZipFile(file) as archive:
        members = archive.infolist()
        if len(members) > OFFICE_MAX_ENTRIES:
            return "office_too_many_entries"
        if sum(member.file_size for member in members) > office_max_uncompressed_bytes():
            return "office_too_large_uncompressed"
        for member in members:
            if member.file_size > OFFICE_SUSPICIOUS_ENTRY_BYTES and member.file_size > OFFICE_MAX_RATIO * max(
                member.compress_size, 1
            ):
                return "office_suspicious_compression"
    return None


def _office_kind(file: Upload) -> str | None:
    file.seek(0)
    with zipfile.ZipFile(file) as archive:
        names = set(archive.namelist())
        if "mimetype" in names:
            # Bounded whatever the entry declares: the media type is a few dozen bytes.
            with archive.open("mimetype") as member:
                if member.read(len(ODT_MEDIA_TYPE) + 2).strip() == ODT_MEDIA_TYPE:
                    return "odt"
        if "[Content_Types].xml" in names and "word/document.xml" in names:
            return "docx"
    return None


def office_document_problem(file: Upload) -> tuple[str | None, str | None]:
    """(kind, problem): the kind of text document ("odt", "docx") when accepted, else the reason
    ("not_office_document", "office_too_many_entries", "office_too_large_uncompressed",
    "office_suspicious_compression")."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        if not zipfile.is_zipfile(file):
            return None, "not_office_document"
        problem = _office_archive_problem(file)
        if problem is not None:
            return None, problem
        kind = _office_kind(file)
        return (kind, None) if kind else (None, "not_office_document")
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, KeyError, RuntimeError, NotImplementedError, EOFError):
        return None, "not_office_document"
    finally:
        file.seek(position)


def office_document_kind(file: Upload) -> str | None:
    """The kind of text document the content shows: "odt", "docx", or None (neither, or refused)."""
    return office_document_problem(file)[0]


OFFICE_MESSAGES = {
    "not_office_document": _("“%(name)s” is not an ODT or DOCX text document."),
    "office_too_many_entries": _("“%(name)s” holds too many parts (more than %(entries)s) to be a text document."),
    "office_too_large_uncompressed": _(
        "“%(name)s” would take more than %(limit)s MB once opened: save it again (smaller images help) "
        "or export it as PDF."
    ),
    "office_suspicious_compression": _(
        "“%(name)s” holds a part compressed beyond what a real document allows. Export it as PDF and upload that."
    ),
}


def validate_office_document(file: Upload) -> str:
    """Refuse a file that is not an ODT or DOCX text document, whatever its name, or an archive
    past the bounds above; returns its kind."""
    kind, problem = office_document_problem(file)
    if problem is not None:
        raise ValidationError(
            OFFICE_MESSAGES[problem],
            code=problem,
            params={
                "name": _name(file),
                "entries": OFFICE_MAX_ENTRIES,
                "limit": office_max_uncompressed_bytes() // (1024 * 1024),
            },
        )
    assert kind is not None  # no problem: the document has a kind
    return kind
