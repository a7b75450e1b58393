"""Small helpers of the demo: Rome dates, amounts adding up to a budget, a tiny PDF, person names."""

import calendar
import random
import unicodedata
from datetime import date, datetime, time
from decimal import Decimal

from .errors import DemoDataError
from .reference import PERSON_NAMES, ROME


def rome_at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=ROME)


def add_months(day: date, months: int) -> date:
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def slug_of(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = "".join(ch if ch.isalnum() else " " for ch in ascii_text.lower()).split()
    return "-".join(words)[:40].strip("-")


def half_points(value: float) -> Decimal:
    return Decimal(round(value * 2)) / 2


def amounts_summing_to(rng: random.Random, count: int, total: int, low: int, high: int) -> list[Decimal]:
    """`count` amounts in hundreds of euros between `low` and `high` adding up to `total`."""
    low_u, high_u, total_u = low // 100, high // 100, total // 100
    if not count * low_u <= total_u <= count * high_u:
        raise DemoDataError(
            f"{count} amounts between € {low} and € {high} cannot add up to € {total}: check the editions' budgets."
        )
    values = [rng.randint(low_u, high_u) for _ in range(count)]
    gap = total_u - sum(values)
    while gap:
        index = rng.randrange(count)
        step = rng.randint(1, 40)
        if gap > 0 and values[index] < high_u:
            step = min(step, gap, high_u - values[index])
            values[index] += step
            gap -= step
        elif gap < 0 and values[index] > low_u:
            step = min(step, -gap, values[index] - low_u)
            values[index] -= step
            gap += step
    return [Decimal(value * 100).quantize(Decimal("0.01")) for value in values]


def demo_pdf(lines: list[str]) -> bytes:
    """A one-page PDF 1.4 showing `lines` in Helvetica: tiny, valid, and the same bytes every run.

    Written by hand rather than with a PDF library so the demo needs nothing more; the text
    is folded to ASCII, which the standard fonts show without embedding anything.
    """

    def literal(text: str) -> str:
        ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
        return "(" + ascii_text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ")"

    shown = " Tj T* ".join(literal(line) for line in lines)
    stream = f"BT /F1 12 Tf 16 TL 56 780 Td {shown} Tj ET".encode("ascii")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(pdf)


class Names:
    """Deterministic fictional person names, by community."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def person(self, country: str) -> str:
        first_names, surnames = PERSON_NAMES.get(country, PERSON_NAMES["IT"])
        return f"{self.rng.choice(first_names)} {self.rng.choice(surnames)}"
