"""Every table of the portal's pages scrolls inside a focusable region named by its caption.

On a phone most tables are wider than the screen: the wrapper scrolls them, and a keyboard can only
scroll what takes the focus (WCAG 2.1.1; axe's scrollable-region-focusable). The region is named
by the table's caption, so a screen reader says what it holds when the focus lands on it.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

# Not pages: the PDFs (WeasyPrint) and allauth's generic element (no table of ours uses it).
NOT_PAGES = ("reports/runs/report_pdf.html", "projects/receipt.html", "allauth/elements/table.html")
REGION = re.compile(
    r'<div class="table-responsive" tabindex="0" role="region" aria-labelledby="(?P<id>[^"]+)">\s*<table[^>]*>'
    r'\s*<caption id="(?P<caption>[^"]+)"'
)


def templates_with_tables() -> list[Path]:
    base = Path(settings.BASE_DIR)
    return sorted(
        path
        for path in base.glob("**/templates/**/*.html")
        if ".venv" not in path.parts
        and not str(path).endswith(NOT_PAGES)
        and "<table" in path.read_text(encoding="utf-8")
    )


def test_the_templates_with_tables_are_found():
    assert len(templates_with_tables()) > 40


@pytest.mark.parametrize("template", templates_with_tables(), ids=lambda path: str(path.relative_to(settings.BASE_DIR)))
def test_every_table_scrolls_in_a_focusable_region_named_by_its_caption(template):
    html = template.read_text(encoding="utf-8")
    tables = len(re.findall(r"<table\b", html))
    regions = list(REGION.finditer(html))
    assert len(regions) == tables, f"{tables} tables, {len(regions)} in a focusable region named by the caption"
    for region in regions:
        assert region["id"] == region["caption"]
