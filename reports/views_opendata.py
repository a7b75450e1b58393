"""Public open-data pages and downloads: no sign-in, no personal data."""

from django.http import HttpResponse, StreamingHttpResponse
from django.views import View
from django.views.generic import ListView, TemplateView

from .opendata import license_url
from .opendata.giving360 import giving360_bytes
from .opendata.iati import iati_bytes
from .opendata.selectors import PublisherMissing
from .opendata.transparency import transparency_csv_bytes, transparency_grants, transparency_rows


def _open_data_response(chunks, content_type: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    # Open data: any web page may read it from a browser.
    response["Access-Control-Allow-Origin"] = "*"
    return response


class OpenDataIndexView(TemplateView):
    template_name = "reports/opendata_index.html"

    def get_context_data(self, **kwargs):
        return super().get_context_data(license_url=license_url(), **kwargs)


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
