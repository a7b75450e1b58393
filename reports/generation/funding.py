"""The funding report: where each funder's money went.

Sections: the parameters; commitments per call edition and funder (committed, allocated to
awards, left); the funded projects (total cost, requested, co-financing, granted); the split of
each award across funders; the funded projects' budgets by cost category and by territory.
"""

from django.db.models import DecimalField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from calls.models import CostCategory, Territory
from cosviluppo.lib.money import ZERO, quantize_eur
from projects.models import FunderShare

from .parameters import ReportScope
from .sections import MONEY, PERCENT, TEXT, Chart, Column, Section, share_pct, sums_only

CHUNK = 2000
# A PDF of tens of thousands of projects is no reading matter: it lists the first ones and says
# so; CSV and XLSX hold every row, and the totals of every format cover every row.
PDF_PROJECT_ROWS = 200
MONEY_ZERO = Value(ZERO, output_field=DecimalField(max_digits=14, decimal_places=2))


def parameters_section(scope: ReportScope, title: str) -> Section:
    return Section(
        key="parameters",
        title=title,
        columns=[Column(_("Parameter")), Column(_("Value"))],
        rows=lambda: iter(scope.describe()),
    )


def commitments_section(scope: ReportScope) -> Section:
    def rows():
        allocated = (
            FunderShare.objects.filter(commitment=OuterRef("pk"))
            .order_by()  # FunderShare's default ordering would join award and proposal into the sum
            .values("commitment")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        found = (
            scope.commitments()
            .annotate(allocated=Coalesce(Subquery(allocated), MONEY_ZERO))
            .order_by("call__code", "funder__legal_name", "pk")
            .values_list("call__code", "funder__legal_name", "amount", "allocated")
        )
        for code, funder, committed, allocated_amount in found.iterator(chunk_size=CHUNK):
            committed, allocated_amount = quantize_eur(committed), quantize_eur(allocated_amount)
            yield (code, funder, committed, allocated_amount, committed - allocated_amount)

    return Section(
        key="commitments",
        title=_("Commitments by call edition and funder"),
        columns=[
            Column(_("Call edition")),
            Column(_("Funder")),
            Column(_("Committed (EUR)"), MONEY, summed=True),
            Column(_("Allocated to awards (EUR)"), MONEY, summed=True),
            Column(_("Left (EUR)"), MONEY, summed=True),
        ],
        rows=rows,
        complete_totals=sums_only,
        note=_("A commitment belongs to the whole call: the period and the country do not narrow it."),
    )


def projects_section(scope: ReportScope) -> Section:
    def rows():
        found = (
            scope.funded()
            .order_by("call__code", "protocol_number", "pk")
            # The award is one row per project: grouped by, not summed over the budget lines.
            .values_list(
                "pk",
                "call__code",
                "protocol_number",
                "title",
                "lead__legal_name",
                "origin_country",
                "award__amount_granted",
            )
            .annotate(
                total_cost=Sum("budget_lines__total_cost"),
                requested=Sum("budget_lines__amount_requested"),
                own=Sum("budget_lines__cofinancing_own"),
                other=Sum("budget_lines__cofinancing_other"),
            )
        )
        for row in found.iterator(chunk_size=CHUNK):
            _pk, code, protocol, title, lead, country, granted, total_cost, requested, own, other = row
            yield (
                code,
                protocol,
                title,
                lead,
                country,
                quantize_eur(total_cost),
                quantize_eur(requested),
                quantize_eur(own),
                quantize_eur(other),
                quantize_eur(granted),
            )

    def totals(row, count):
        row[1] = ngettext("%(count)d project", "%(count)d projects", count) % {"count": count}
        return row

    return Section(
        key="projects",
        title=_("Funded projects"),
        columns=[
            Column(_("Call edition")),
            Column(_("Protocol number")),
            Column(_("Title")),
            Column(_("Lead association")),
            Column(_("Country of origin")),
            Column(_("Total cost (EUR)"), MONEY, summed=True),
            Column(_("Requested (EUR)"), MONEY, summed=True),
            Column(_("Co-financing: own resources (EUR)"), MONEY, summed=True),
            Column(_("Co-financing: other sources (EUR)"), MONEY, summed=True),
            Column(_("Granted (EUR)"), MONEY, summed=True),
        ],
        rows=rows,
        complete_totals=totals,
        pdf_row_limit=PDF_PROJECT_ROWS,
        note=(
            _("For a funder's report, the projects it co-funds; the award is the whole grant, its share is below.")
            if scope.funder
            else ""
        ),
    )


def shares_section(scope: ReportScope) -> Section:
    def rows():
        found = (
            scope.shares()
            .order_by(
                "award__proposal__call__code", "award__proposal__protocol_number", "commitment__funder__legal_name"
            )
            .values_list(
                "award__proposal__call__code",
                "award__proposal__protocol_number",
                "commitment__funder__legal_name",
                "amount",
            )
        )
        for code, protocol, funder, amount in found.iterator(chunk_size=CHUNK):
            yield (code, protocol, funder, quantize_eur(amount))

    return Section(
        key="shares",
        title=_("Split of the awards across funders"),
        columns=[
            Column(_("Call edition")),
            Column(_("Protocol number")),
            Column(_("Funder")),
            Column(_("Share (EUR)"), MONEY, summed=True),
        ],
        rows=rows,
        complete_totals=sums_only,
        pdf_row_limit=PDF_PROJECT_ROWS,
    )


def _budget_section(scope: ReportScope, *, key: str, title: str, group: str, labels: dict, first: Column) -> Section:
    def rows():
        found = list(
            scope.budget_lines()
            .order_by()
            .values_list(group)
            .annotate(
                total_cost=Sum("total_cost"),
                requested=Sum("amount_requested"),
                own=Sum("cofinancing_own"),
                other=Sum("cofinancing_other"),
            )
            .order_by(group)
        )
        whole = sum((quantize_eur(row[1]) for row in found), ZERO)
        for value, total_cost, requested, own, other in found:
            total_cost = quantize_eur(total_cost)
            yield (
                str(labels.get(value, value)),
                total_cost,
                quantize_eur(requested),
                quantize_eur(own),
                quantize_eur(other),
                share_pct(total_cost, whole),
            )

    def totals(row, count):
        row[5] = share_pct(row[1], row[1])
        return row

    return Section(
        key=key,
        title=title,
        columns=[
            first,
            Column(_("Total cost (EUR)"), MONEY, summed=True),
            Column(_("Requested (EUR)"), MONEY, summed=True),
            Column(_("Co-financing: own resources (EUR)"), MONEY, summed=True),
            Column(_("Co-financing: other sources (EUR)"), MONEY, summed=True),
            Column(_("Share of the total cost (%)"), PERCENT),
        ],
        rows=rows,
        complete_totals=totals,
        charts=[Chart(_("Total cost (EUR)"), 0, 1)],
    )


def funding_sections(scope: ReportScope) -> list[Section]:
    return [
        parameters_section(scope, _("Funding report")),
        commitments_section(scope),
        projects_section(scope),
        shares_section(scope),
        _budget_section(
            scope,
            key="categories",
            title=_("Budgets of the funded projects by cost category"),
            group="category",
            labels=dict(CostCategory.choices),
            first=Column(_("Cost category"), TEXT),
        ),
        _budget_section(
            scope,
            key="territories",
            title=_("Budgets of the funded projects by territory"),
            group="territory",
            labels=dict(Territory.choices),
            first=Column(_("Territory"), TEXT),
        ),
    ]
