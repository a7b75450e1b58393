"""The country report: the programme seen from the countries of origin and their continents.

Per country (and per continent, cosviluppo.lib.geography): proposals received, projects funded,
associations involved (distinct lead associations of the proposals received), amounts granted
(for a funder's report: its own shares), and how the funded projects' budgets (total cost) split
between the country of origin and Italy.
"""

from collections import defaultdict

from django.db.models import Case, CharField, Count, F, Sum, Value, When
from django.utils.translation import gettext as _
from django_countries import countries

from calls.models import Territory
from cosviluppo.lib.geography import Continent, continent_of, countries_in
from cosviluppo.lib.money import ZERO, quantize_eur

from .funding import parameters_section
from .parameters import ReportScope
from .sections import INT, MONEY, PERCENT, Chart, Column, Section, share_pct

UNKNOWN = ""


def _continent_of(path: str) -> Case:
    """The continent key of the country at `path`, computed by the database (to GROUP BY it)."""
    return Case(
        *[When(**{f"{path}__in": countries_in(c.value)}, then=Value(c.value)) for c in Continent],
        default=Value(UNKNOWN),
        output_field=CharField(),
    )


def _figures(scope: ReportScope, *, by_continent: bool) -> dict[str, dict]:
    """The figures of each country (or continent), from three GROUP BY queries."""
    figures: dict[str, dict] = defaultdict(
        lambda: {"received": 0, "funded": 0, "associations": 0, "granted": ZERO, "origin": ZERO, "residence": ZERO}
    )

    def grouped(queryset, path: str, *more: str):
        group = _continent_of(path) if by_continent else F(path)
        return queryset.order_by().annotate(group=group).values("group", *more)

    received = grouped(scope.proposals_received(), "origin_country").annotate(
        received=Count("pk"), associations=Count("lead", distinct=True)
    )
    for row in received:
        figures[row["group"]].update(received=row["received"], associations=row["associations"])

    if scope.funder is None:
        funded = grouped(scope.funded(), "origin_country").annotate(
            funded=Count("pk"), granted=Sum("award__amount_granted")
        )
    else:
        # A funder's report: the projects it co-funds (one share each), and its own money in them.
        funded = grouped(scope.shares(), "award__proposal__origin_country").annotate(
            funded=Count("award"), granted=Sum("amount")
        )
    for row in funded:
        figures[row["group"]].update(funded=row["funded"], granted=quantize_eur(row["granted"]))

    lines = grouped(scope.budget_lines(), "proposal__origin_country", "territory").annotate(cost=Sum("total_cost"))
    for row in lines:
        key = "origin" if row["territory"] == Territory.ORIGIN else "residence"
        figures[row["group"]][key] = quantize_eur(row["cost"])
    return figures


def _row(first: tuple, numbers: dict) -> tuple:
    budget = numbers["origin"] + numbers["residence"]
    return (
        *first,
        numbers["received"],
        numbers["funded"],
        numbers["associations"],
        numbers["granted"],
        numbers["origin"],
        numbers["residence"],
        share_pct(numbers["origin"], budget),
        share_pct(numbers["residence"], budget),
    )


def _figure_columns() -> list[Column]:
    return [
        Column(_("Proposals received"), INT, summed=True),
        Column(_("Projects funded"), INT, summed=True),
        Column(_("Associations involved"), INT, summed=True),
        Column(_("Amount granted (EUR)"), MONEY, summed=True),
        Column(_("Budget spent in the country of origin (EUR)"), MONEY, summed=True),
        Column(_("Budget spent in Italy (EUR)"), MONEY, summed=True),
        Column(_("Share in the country of origin (%)"), PERCENT),
        Column(_("Share in Italy (%)"), PERCENT),
    ]


def _totals(scope: ReportScope, first_columns: int):
    def complete(row: list, count: int) -> list:
        # An association may propose projects in two countries: count it once in the total.
        at = first_columns
        row[at + 2] = scope.proposals_received().order_by().values("lead").distinct().count()
        origin, residence = row[at + 4], row[at + 5]
        row[at + 6] = share_pct(origin, origin + residence)
        row[at + 7] = share_pct(residence, origin + residence)
        return row

    return complete


def countries_section(scope: ReportScope) -> Section:
    def rows():
        figures = _figures(scope, by_continent=False)
        for code in sorted(figures, key=lambda c: (countries.name(c) if c else "~", c)):
            name = countries.name(code) if code else _("not stated")
            continent = Continent(continent_of(code)).label if continent_of(code) else ""
            yield _row((code, name, str(continent)), figures[code])

    return Section(
        key="countries",
        title=_("By country of origin"),
        columns=[Column(_("Country code")), Column(_("Country")), Column(_("Continent")), *_figure_columns()],
        rows=rows,
        complete_totals=_totals(scope, 3),
        charts=[Chart(_("Amount granted by country (EUR), largest first"), 1, 6, limit=20)],
        note=_("For a funder's report, the amounts granted are the funder's own shares.") if scope.funder else "",
    )


def continents_section(scope: ReportScope) -> Section:
    def rows():
        figures = _figures(scope, by_continent=True)
        for continent in [*Continent, UNKNOWN]:
            key = continent.value if continent else UNKNOWN
            if key not in figures:
                continue
            yield _row((str(continent.label) if continent else _("not stated"),), figures[key])

    return Section(
        key="continents",
        title=_("By continent"),
        columns=[Column(_("Continent")), *_figure_columns()],
        rows=rows,
        complete_totals=_totals(scope, 1),
        charts=[
            Chart(_("Amount granted by continent (EUR)"), 0, 4),
            Chart(_("Projects funded by continent"), 0, 2),
        ],
    )


def country_sections(scope: ReportScope) -> list[Section]:
    return [parameters_section(scope, _("Country report")), countries_section(scope), continents_section(scope)]
