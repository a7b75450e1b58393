"""Report runs: ask for a report, follow it while the worker produces it, download it, repeat it.

Staff see every run; funder members see their own funders' runs; everyone else is refused (403).
Runs are fetched through `report_run_get_for_user`, so another funder's run id answers 404.
"""

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import FormView, ListView, TemplateView

from cosviluppo.lib.permissions import is_staff_officer
from funding.selectors import funders_of

from .forms import ReportRunForm
from .generation import CONTENT_TYPES
from .permissions import can_ask_for_reports
from .selectors import report_run_get_for_user, report_runs_for
from .services import report_run_repeat, report_run_start

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
        return redirect("reports:run_detail", pk=run.pk)


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
        return redirect("reports:run_detail", pk=repeated.pk)
