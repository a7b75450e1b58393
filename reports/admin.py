"""Admin for report runs: a view of what was asked, by whom, and how it went."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import ReportRun


@admin.register(ReportRun)
class ReportRunAdmin(admin.ModelAdmin):
    list_display = ("__str__", "kind", "format", "status", "progress", "requested_by", "funder", "created_at")
    list_select_related = ("requested_by", "funder")
    list_filter = ("status", "kind", "format")
    search_fields = ("requested_by__email", "requested_by__full_name", "funder__legal_name", "error")
    date_hierarchy = "created_at"
    fieldsets = (
        (None, {"fields": ("kind", "format", "language", "parameters", "requested_by", "funder", "scheduled_for")}),
        (
            _("Execution"),
            {
                "fields": (
                    "status",
                    "progress",
                    "attempts",
                    "restarts",
                    "created_at",
                    "started_at",
                    "heartbeat_at",
                    "enqueue_failed_at",
                    "finished_at",
                )
            },
        ),
        (_("Result"), {"fields": ("output", "error")}),
    )

    def has_add_permission(self, request):
        # A run is started by reports.services.report_run_start, which also hands it
        # to the worker; a row added here would wait in the queue for ever.
        return False

    def has_change_permission(self, request, obj=None):
        # The worker writes the status and the output.
        return False
