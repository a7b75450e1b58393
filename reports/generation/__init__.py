"""Report generation: `write_report(kind, fmt, parameters, stream)` writes a funding or country
report as CSV, XLSX or PDF. Used by the worker (reports.services.report_run_execute) and by
`manage.py generate_report`, so both write the same figures.

See parameters.py for what the parameters select, writers.py for the layout of each format.
"""

from collections.abc import Callable
from typing import BinaryIO

from django.utils.translation import gettext as _

from .country import country_sections
from .funding import funding_sections
from .parameters import FORMATS, KINDS, ReportScope, check_kind_and_format, report_scope
from .sections import Section
from .writers import write_csv, write_pdf, write_xlsx

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}

__all__ = ["CONTENT_TYPES", "FORMATS", "KINDS", "report_scope", "report_sections", "write_report"]


def report_sections(kind: str, scope: ReportScope) -> list[Section]:
    return funding_sections(scope) if kind == "funding" else country_sections(scope)


def write_report(
    kind: str,
    fmt: str,
    parameters: dict,
    stream: BinaryIO,
    *,
    progress: Callable[[int], None] | None = None,
) -> None:
    """Write the `kind` report ("funding", "country") as `fmt` ("csv", "xlsx", "pdf") to `stream`.

    `parameters` are checked first (django ValidationError, by parameter, otherwise).
    `progress`, if given, is called with 0, then a percentage as each section is written, and 100.
    """
    check_kind_and_format(kind, fmt)
    scope = report_scope(parameters)
    sections = report_sections(kind, scope)
    report = progress or (lambda _percent: None)
    report(0)
    written = 0

    def done(_section: Section) -> None:
        nonlocal written
        written += 1
        # The last part (saving the file, laying out the PDF) still takes time: 100 comes after it.
        report(min(95, 100 * written // len(sections)))

    if fmt == "csv":
        write_csv(sections, stream, done)
    elif fmt == "xlsx":
        write_xlsx(sections, stream, done)
    else:
        title = _("Funding report") if kind == "funding" else _("Country report")
        write_pdf(sections, stream, done, title=title)
    report(100)
