"""Pages of the reports app.

- Public open-data pages and downloads: no sign-in, no personal data.
- Report runs: ask for a report, follow it while the worker produces it, download it, repeat it.
  Staff see every run; funder members see their own funders' runs; everyone else is refused (403).
  Runs are fetched through `report_run_get_for_user`, so another funder's run id answers 404.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse, HttpResponseNotModified
from django.shortcuts import redirect
from django.utils.cache import patch_vary_headers
from django.utils.http import http_date, parse_etags, parse_http_date_safe
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from cosviluppo.lib.charts import bar_chart
from cosviluppo.lib.permissions import is_staff_officer
from cosviluppo.lib.worldmap import world_map
from funding.selectors import funders_of
from projects.selectors import funded_projects_by_country, programme_headline_numbers

from .filters import FundedProjectFilter
from .forms import ReportRunForm
from .generation import CONTENT_TYPES
from .models import OpenDataFile
from .opendata import license_url
from .opendata.selectors import (
    PublisherMissing,
    funded_by_continent,
    public_funded_projects,
    stored_open_data_files,
)
from .opendata.services import DOCUMENTS, open_data_file_for_download
from .opendata.transparency import transparency_grants, transparency_rows
from .permissions import can_ask_for_reports
from .selectors import report_run_get_for_user, report_runs_for
from .services import report_run_repeat, report_run_start

# Caches may keep a download five minutes, then must ask again (a 304 when nothing changed).
OPEN_DATA_CACHE_CONTROL = "public, max-age=300, must-revalidate"


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
            context.update(self._figures(), license_url=license_url(), open_data_files=stored_open_data_files())
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


def _accepts_gzip(request) -> bool:
    """Whether Accept-Encoding names gzip without refusing it (q=0)."""
    for part in request.headers.get("Accept-Encoding", "").split(","):
        coding, _sep, parameters = part.partition(";")
        if coding.strip().lower() in ("gzip", "x-gzip"):
            quality = parameters.replace(" ", "").lower().removeprefix("q=")
            return not (quality and quality.strip("0.") == "")
    return False


def _not_modified(request, stored: OpenDataFile) -> bool:
    """RFC 9110 13.2.2: If-None-Match decides when present (either representation's tag, as a
    weak comparison), If-Modified-Since otherwise."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        tags = parse_etags(if_none_match)
        return "*" in tags or stored.etag in tags or stored.gzip_etag in tags
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and int(stored.changed_at.timestamp()) <= since


def _validators(response, stored: OpenDataFile, *, gzipped: bool) -> None:
    response["ETag"] = stored.gzip_etag if gzipped else stored.etag
    response["Last-Modified"] = http_date(stored.changed_at.timestamp())
    response["Cache-Control"] = OPEN_DATA_CACHE_CONTROL
    # Open data: any web page may read it from a browser.
    response["Access-Control-Allow-Origin"] = "*"
    patch_vary_headers(response, ["Accept-Encoding"])


class OpenDataFileView(View):
    """A stored open-data file (reports.opendata.services): one query, no generation (unless the
    file does not exist yet), conditional GET, the gzip copy for the clients that take it."""

    kind: str = ""

    def get(self, request):
        try:
            stored = open_data_file_for_download(self.kind)
        except PublisherMissing as error:
            return HttpResponse(error.message, status=503, content_type="text/plain; charset=utf-8")
        gzipped = _accepts_gzip(request)
        if _not_modified(request, stored):
            response = HttpResponseNotModified()
            _validators(response, stored, gzipped=gzipped)
            return response
        try:
            handle = (stored.gzip_file if gzipped else stored.file).open("rb")
        except FileNotFoundError:
            # Replaced between reading the row and opening the file: the new row is committed.
            stored = open_data_file_for_download(self.kind)
            handle = (stored.gzip_file if gzipped else stored.file).open("rb")
        document = DOCUMENTS[self.kind]
        response = FileResponse(handle, content_type=document.content_type)
        if gzipped:
            response["Content-Encoding"] = "gzip"
        response["Content-Disposition"] = f'inline; filename="{document.filename}"'
        _validators(response, stored, gzipped=gzipped)
        return response


class Giving360ExportView(OpenDataFileView):
    kind = OpenDataFile.Kind.GIVING360


class IatiExportView(OpenDataFileView):
    kind = OpenDataFile.Kind.IATI


class TransparencyCsvView(OpenDataFileView):
    kind = OpenDataFile.Kind.TRANSPARENCY


class TransparencyListView(ListView):
    template_name = "reports/transparency_list.html"
    paginate_by = 50

    def get_queryset(self):
        return transparency_grants()

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = transparency_rows(context["object_list"])
        return context


# --- Report runs ----------------------------------------------------------------------------------

POLL_SECONDS = 2


class ReportAccessMixin(LoginRequiredMixin):
    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not can_ask_for_reports(request.user):
            raise PermissionDenied(_("Reports are for the programme's staff and funders."))
        return super().dispatch(request, *args, **kwargs)


class ReportRunListView(ReportAccessMixin, ListView):
    template_name = "reports/runs/list.html"
    context_object_name = "runs"
    paginate_by = 25

    def get_queryset(self):
        return report_runs_for(self.request.user)


class ReportRunCreateView(ReportAccessMixin, FormView):
    template_name = "reports/runs/form.html"
    form_class = ReportRunForm

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs.update(staff=is_staff_officer(self.request.user), funders=funders_of(self.request.user))
        return kwargs

    def form_valid(self, form):
        data = form.cleaned_data
        parameters = form.parameters()
        funder = data.get("funder")
        parameters.pop("funder", None)
        run = report_run_start(
            kind=data["kind"], fmt=data["format"], parameters=parameters, by=self.request.user, funder=funder
        )
        return redirect("reports:run-detail", pk=run.pk)


class ReportRunDetailView(ReportAccessMixin, TemplateView):
    template_name = "reports/runs/detail.html"

    def get_template_names(self):
        # htmx polls the status box only.
        if self.request.headers.get("HX-Request") == "true":
            return ["reports/runs/status.html"]
        return [self.template_name]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["run"] = report_run_get_for_user(user=self.request.user, pk=self.kwargs["pk"])
        context["poll_seconds"] = POLL_SECONDS
        return context


class ReportRunDownloadView(ReportAccessMixin, View):
    def get(self, request, pk):
        run = report_run_get_for_user(user=request.user, pk=pk)
        if not run.is_finished or not run.output:
            raise Http404
        try:
            handle = run.output.open("rb")
        except FileNotFoundError:
            raise Http404 from None
        return FileResponse(
            handle, as_attachment=True, filename=run.download_name(), content_type=CONTENT_TYPES[run.format]
        )


class ReportRunRepeatView(ReportAccessMixin, View):
    def post(self, request, pk):
        run = report_run_get_for_user(user=request.user, pk=pk)
        repeated = report_run_repeat(run=run, by=request.user)
        return redirect("reports:run-detail", pk=repeated.pk)
