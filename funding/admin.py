"""The funding records in the admin: read-only, since only funding.services writes them."""

from django.contrib import admin

from cosviluppo.lib.admin import AuditTrailMixin

from .models import DecisionRecord, FunderSignOff, ReviewRequest


@admin.register(DecisionRecord)
class DecisionRecordAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_display = ("at", "call", "proposal", "action", "from_value", "to_value", "amount", "by")
    list_filter = ("action",)
    list_select_related = ("call", "proposal", "by")
    search_fields = ("call__code", "proposal__protocol_number", "reason")
    date_hierarchy = "at"


@admin.register(FunderSignOff)
class FunderSignOffAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_display = ("at", "call", "funder", "decision", "by")
    list_filter = ("decision",)
    list_select_related = ("call", "funder", "by")
    search_fields = ("call__code", "funder__legal_name", "remarks")


@admin.register(ReviewRequest)
class ReviewRequestAdmin(AuditTrailMixin, admin.ModelAdmin):
    """Answered on the staff page (funding:review-answer), which records and notifies."""

    list_display = ("filed_at", "proposal", "status", "filed_by", "answered_at")
    list_filter = ("status",)
    list_select_related = ("proposal", "filed_by")
    search_fields = ("proposal__protocol_number", "text", "answer")
