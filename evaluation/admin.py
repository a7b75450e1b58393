"""Admin for the evaluation's records: read-only, since every one of them is written by
evaluation.services with its audit row (the staff pages under /evaluation/ are where the
work is done)."""

from django.contrib import admin

from cosviluppo.lib.admin import AuditTrailMixin

from .models import AdmissibilityCheck, ClarificationRequest, EvaluationEvent, ProposalMessage


class ReadOnlyAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_select_related = ("proposal",)
    list_filter = ("proposal__call",)

    def get_readonly_fields(self, request, obj=None):
        return [field.name for field in self.model._meta.fields]


@admin.register(AdmissibilityCheck)
class AdmissibilityCheckAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "outcome", "decided_by", "decided_at")
    list_filter = ("outcome", "proposal__call")
    search_fields = ("proposal__protocol_number", "proposal__title", "reasons")


@admin.register(ClarificationRequest)
class ClarificationRequestAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "status", "requested_at", "deadline", "answered_at")
    list_filter = ("status", "proposal__call")
    search_fields = ("proposal__protocol_number", "proposal__title", "message")


@admin.register(ProposalMessage)
class ProposalMessageAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "author", "from_staff", "sent_at")
    list_select_related = ("proposal", "author")
    search_fields = ("proposal__protocol_number", "body", "author__email")


@admin.register(EvaluationEvent)
class EvaluationEventAdmin(ReadOnlyAdmin):
    list_display = ("proposal", "kind", "from_status", "to_status", "changed_by", "changed_at")
    list_select_related = ("proposal", "changed_by")
    list_filter = ("kind", "proposal__call")
    date_hierarchy = "changed_at"
    search_fields = ("proposal__protocol_number", "reason", "changed_by__email")
