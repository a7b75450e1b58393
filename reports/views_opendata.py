"""Public open-data pages and downloads: no sign-in, no personal data."""

from django.http import HttpResponse, StreamingHttpResponse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import ListView

from cosviluppo.lib.charts import bar_chart
from cosviluppo.lib.worldmap import world_map
from projects.selectors import funded_projects_by_country, programme_headline_numbers

from .filters import FundedProjectFilter
from .opendata import license_url
from .opendata.giving360 import giving360_bytes
from .opendata.iati import iati_bytes
from .opendata.selectors import PublisherMissing, funded_by_continent, public_funded_projects
from .opendata.transparency import transparency_csv_bytes, transparency_grants, transparency_rows


def _open_data_response(chunks, content_type: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Open data: any web page may read it from a browser.
    response["Access-Control-Allow-Origin"] = "*"
    return response


class OpenDataIndexView(ListView):
    """The public open-data page: headline figures, the map and the continents of the funded
    projects, the filterable list of projects and the downloads. Everything counts the calls whose
    results are published only. An htmx request from the filter form or the pages of the list gets
    the list alone (the page works the same without JavaScript)."""

    template_name = "reports/opendata_index.html"
    list_template_name = "reports/opendata_projects.html"
    paginate_by = 25

    def get(self, request, *args, **kwargs):
        self.by_country = funded_projects_by_country()
        self.filterset = FundedProjectFilter(
            request.GET or None,
            queryset=public_funded_projects(),
            country_codes=[row["origin_country"] for row in self.by_country],
        )
        return super().get(request, *args, **kwargs)

    def get_queryset(self):
        # An invalid filter value (a hand-written URL) shows the form's error and the whole list.
        return self.filterset.qs if self.filterset.is_valid() else self.filterset.queryset

    def get_template_names(self):
        wants_list = self.request.headers.get("HX-Request") == "true" and not self.request.headers.get(
            "HX-History-Restore-Request"
        )
        return [self.list_template_name if wants_list else self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("page", None)
        context.update(filter=self.filterset, query_without_page=query.urlencode(), filtered=bool(query))
        if self.get_template_names() == [self.template_name]:
            context.update(self._figures(), license_url=license_url())
        return context

    def _figures(self) -> dict:
        continents = funded_by_continent(self.by_country)
        return {
            "numbers": programme_headline_numbers(),
            "country_map": world_map(
                {row["origin_country"]: row["projects"] for row in self.by_country},
                title=_("Funded projects by country of origin"),
                value_label=_("Projects funded"),
                secondary={row["origin_country"]: row["granted"] for row in self.by_country},
                secondary_label=_("Amount granted"),
                map_id="funded-map",
            ),
            "continent_chart": bar_chart(
                chart_id="funded-by-continent",
                title=_("Amount granted by continent"),
                labels=[row.label for row in continents],
                datasets=[{"label": _("Amount granted"), "values": [row.granted for row in continents]}],
                money=True,
                category_label=_("Continent"),
            ),
        }


class Giving360ExportView(View):
    def get(self, request):
        try:
            chunks = giving360_bytes()
        except PublisherMissing as error:
            return HttpResponse(error.message, status=503, content_type="text/plain; charset=utf-8")
        return _open_data_response(chunks, "application/json; charset=utf-8", "360giving.json")


class IatiExportView(View):
    def get(self, request):
        try:
            chunks = iati_bytes()
        except PublisherMissing as error:
            return HttpResponse(error.message, status=503, content_type="text/plain; charset=utf-8")
        return _open_data_response(chunks, "application/xml; charset=utf-8", "iati.xml")


class TransparencyCsvView(View):
    def get(self, request):
        return _open_data_response(transparency_csv_bytes(), "text/csv; charset=utf-8", "trasparenza.csv")


class TransparencyListView(ListView):
    template_name = "reports/transparency_list.html"
    paginate_by = 50

    def get_queryset(self):
        return transparency_grants()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = transparency_rows(context["object_list"])
        return context
