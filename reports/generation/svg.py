"""Horizontal bar charts drawn on the server as SVG, for the PDF reports (WeasyPrint draws SVG;
no JavaScript runs there). The chart's table is the section's own table, next to it."""

from decimal import Decimal
from xml.sax.saxutils import escape

from django.utils.formats import number_format

BAR_HEIGHT = 14
GAP = 4
LABEL_WIDTH = 150
BAR_AREA = 330
VALUE_WIDTH = 110
# Bootstrap Italia's primary blue: 7.4:1 against white.
BAR_COLOUR = "#0066cc"
TEXT_COLOUR = "#17324d"


def bar_chart_svg(title: str, items: list[tuple[str, Decimal | int]], *, decimals: int) -> str:
    """`items` as bars (label, value), largest first as given; negative values drawn as zero."""
    largest = max((value for _label, value in items if value and value > 0), default=0)
    height = len(items) * (BAR_HEIGHT + GAP) + 24
    width = LABEL_WIDTH + BAR_AREA + VALUE_WIDTH
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title, {chr(34): "&quot;"})}">',
        f'<text x="0" y="12" font-size="10" font-weight="bold" fill="{TEXT_COLOUR}">{escape(title)}</text>',
    ]
    for index, (label, value) in enumerate(items):
        y = 22 + index * (BAR_HEIGHT + GAP)
        length = int(BAR_AREA * float(value) / float(largest)) if largest and value and value > 0 else 0
        shown = number_format(value or 0, decimals, use_l10n=True, force_grouping=True)
        short = label if len(label) <= 28 else label[:27] + "…"
        parts.append(
            f'<text x="{LABEL_WIDTH - 4}" y="{y + BAR_HEIGHT - 3}" font-size="8" text-anchor="end" '
            f'fill="{TEXT_COLOUR}">{escape(short)}</text>'
        )
        parts.append(
            f'<rect x="{LABEL_WIDTH}" y="{y}" width="{max(length, 1)}" height="{BAR_HEIGHT}" fill="{BAR_COLOUR}"/>'
        )
        parts.append(
            f'<text x="{LABEL_WIDTH + length + 4}" y="{y + BAR_HEIGHT - 3}" font-size="8" '
            f'fill="{TEXT_COLOUR}">{escape(shown)}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)
