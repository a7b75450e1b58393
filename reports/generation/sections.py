"""A report is a list of sections: a title, typed columns and rows streamed from the database.

The writers (writers.py) turn the same sections into CSV, XLSX and PDF, so the figures agree in
every format. Rows come from aggregate queries (GROUP BY in the database) or are streamed with
`.iterator()`; the totals row is summed while the rows go by (Decimal, exact to the cent) or,
for counts of distinct things, asked from the database.
"""

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from cosviluppo.lib.money import CENT, ZERO, quantize_eur

TEXT, INT, MONEY, PERCENT = "text", "int", "money", "percent"


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT
    # Summed into the totals row while the rows are written.
    summed: bool = False


@dataclass(frozen=True)
class Chart:
    """A bar chart of one column against the labels of another (PDF: SVG; XLSX: openpyxl)."""

    title: str
    label_column: int
    value_column: int
    # The PDF draws the largest `limit` bars (the table beside it has every row).
    limit: int = 20


@dataclass
class Section:
    key: str
    title: str
    columns: list[Column]
    rows: Callable[[], Iterator[tuple]]
    # Turns the summed totals row into the final one: distinct counts asked from the database,
    # percentages recomputed from the totals. None: no totals row (e.g. the parameters).
    complete_totals: Callable[[list, int], list] | None = None
    charts: list[Chart] = field(default_factory=list)
    note: str = ""
    # The PDF lists at most this many rows (the totals always cover every row).
    pdf_row_limit: int | None = None

    @property
    def has_totals(self) -> bool:
        return self.complete_totals is not None


class Totals:
    """The totals row of a section, accumulated while its rows are written."""

    def __init__(self, section: Section, label: str):
        self.section = section
        self.values: list = [
            (ZERO if column.kind == MONEY else 0) if column.summed else None for column in section.columns
        ]
        self.values[0] = label
        self.count = 0

    def add(self, row: tuple) -> None:
        self.count += 1
        for index, column in enumerate(self.section.columns):
            if column.summed and row[index] is not None:
                self.values[index] += row[index]

    def row(self) -> list:
        return self.section.complete_totals(list(self.values), self.count)


def share_pct(part: Decimal | None, whole: Decimal | None) -> Decimal | None:
    """`part` as a percentage of `whole`, to two decimals; None when the whole is zero."""
    if not whole:
        return None
    return (Decimal(100) * quantize_eur(part) / quantize_eur(whole)).quantize(CENT)


def sums_only(row: list, count: int) -> list:
    return row
