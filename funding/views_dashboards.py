"""The funder dashboard and the programme dashboard: thin views over funding.dashboards.

The charts and the map are built here from the selectors' figures (presentation only); every
chart has its table beside it (templates/includes/chart.html, includes/world_map.html).
"""

from django.utils.translation import gettext as _
from django.views.generic import TemplateView

from cosviluppo.lib.charts import bar_chart
from cosviluppo.lib.money import ZERO
from cosviluppo.lib.permissions import PolicyRequiredMixin, is_staff_officer
from cosviluppo.lib.worldmap import world_map

from .dashboards import FunderDashboard, ProgrammeDashboard, funder_dashboard, funder_for_user, programme_dashboard
from .permissions import is_funder_member


class FunderDashboardView(PolicyRequiredMixin, TemplateView):
    """A funder's commitments, co-funded projects and shares by country; ?funder=<pk> chooses
    among the user's funders (another funder's pk is a 404)."""

    policy = is_funder_member
    template_name = "funding/dashboards/funder.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        funder, funders = funder_for_user(user=self.request.user, funder_pk=self.request.GET.get("funder"))
        board = funder_dashboard(funder)
        context.update(
            {
                "funder": funder,
                "funders": funders,
                "board": board,
                "country_chart": funder_country_chart(board),
                "other_countries": other_countries(board),
                "country_map": world_map(
                    {line.country.code: line.amount for line in board.countries if line.country.code},
                    title=_("Shares of %(funder)s by country of origin") % {"funder": funder.legal_name},
                    value_label=_("Share"),
                    money=True,
                    secondary={line.country.code: line.projects for line in board.countries if line.country.code},
                    secondary_label=_("Projects"),
                    secondary_money=False,
                    map_id="funder-map",
                ),
            }
        )
        return context


# Bars in the country chart: the largest shares. The map's table lists every country, and the page
# says how much the others add up to (one bar summing them would dwarf the rest).
CHART_COUNTRIES = 10


def funder_country_chart(board: FunderDashboard) -> dict:
    lines = board.countries[:CHART_COUNTRIES]  # largest share first
    cut = len(board.countries) > CHART_COUNTRIES
    return bar_chart(
        chart_id="funder-by-country",
        title=_("The %(count)s countries with your largest shares") % {"count": len(lines)}
        if cut
        else _("Shares by country of origin"),
        labels=[str(line.country.name or _("country not stated")) for line in lines],
        datasets=[{"label": _("Share"), "values": [line.amount for line in lines]}],
        money=True,
        horizontal=True,
        category_label=_("Country"),
    )


def other_countries(board: FunderDashboard) -> dict | None:
    """The countries left out of the chart: how many, and their shares together."""
    rest = board.countries[CHART_COUNTRIES:]
    if not rest:
        return None
    return {"count": len(rest), "amount": sum((line.amount for line in rest), ZERO)}


class ProgrammeDashboardView(PolicyRequiredMixin, TemplateView):
    """The programme officers' overview: pipeline, evaluation progress, money and report runs per call."""

    policy = is_staff_officer
    template_name = "funding/dashboards/programme.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        board = programme_dashboard()
        context.update(
            {
                "board": board,
                "pipeline_chart": pipeline_chart(board),
                "budget_chart": budget_chart(board),
            }
        )
        return context


def pipeline_chart(board: ProgrammeDashboard) -> dict:
    return bar_chart(
        chart_id="programme-pipeline",
        title=_("Proposals by status, per call"),
        labels=[line.call.code for line in board.calls],
        datasets=[
            {"label": label, "values": [line.pipeline[index] for line in board.calls]}
            for index, (_status, label) in enumerate(board.statuses)
        ],
        stacked=True,
        category_label=_("Call"),
    )


def budget_chart(board: ProgrammeDashboard) -> dict:
    return bar_chart(
        chart_id="programme-budget",
        title=_("Money committed, allocated and left, per call"),
        labels=[line.call.code for line in board.calls],
        datasets=[
            {"label": _("Committed"), "values": [line.committed for line in board.calls]},
            {"label": _("Allocated"), "values": [line.allocated for line in board.calls]},
            {"label": _("Left"), "values": [line.left for line in board.calls]},
        ],
        money=True,
        category_label=_("Call"),
    )
