"""Admin for report runs: a view of what was asked, by whom, and how it went."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from .models import OpenDataFile, ReportRun


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


@admin.register(OpenDataFile)
class OpenDataFileAdmin(admin.ModelAdmin):
    """What each open-data download holds now and when it was generated (read-only: the worker
    writes it, reports.opendata.services)."""

    list_display = ("kind", "size", "gzip_size", "records", "generated_at", "changed_at", "duration_ms")
    search_fields = ("kind", "sha256")
    readonly_fields = (
        "kind",
        "file",
        "gzip_file",
        "size",
        "gzip_size",
        "sha256",
        "records",
        "generated_at",
        "changed_at",
        "source_read_at",
        "duration_ms",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
