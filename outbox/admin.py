"""Admin for the outbox: what was sent to whom, and every delivery attempt with its error."""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import DeliveryAttempt, OutboxEmail
from .services import outbox_email_retry


class DeliveryAttemptInline(admin.TabularInline):
    model = DeliveryAttempt
    fields = ("attempted_at", "succeeded", "error")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(OutboxEmail)
class OutboxEmailAdmin(admin.ModelAdmin):
    list_display = ("subject", "recipients", "status", "attempts", "created_at", "sent_at", "next_attempt_at")
    list_filter = ("status",)
    search_fields = ("subject", "to", "last_error")
    date_hierarchy = "created_at"
    fields = (
        "subject",
        "to",
        "body",
        "html",
        "status",
        "attempts",
        "next_attempt_at",
        "last_error",
        "created_at",
        "sent_at",
    )
    readonly_fields = fields
    inlines = [DeliveryAttemptInline]
    actions = ["retry_failed"]

    @admin.display(description=_("recipients"))
    def recipients(self, obj) -> str:
        return ", ".join(obj.to)

    @admin.action(description=_("Queue the selected failed e-mails again"))
    def retry_failed(self, request, queryset):
        failed = list(queryset.filter(status=OutboxEmail.Status.FAILED))
        for email in failed:
            outbox_email_retry(email=email)
        self.message_user(
            request,
            ngettext("%(count)d e-mail queued again.", "%(count)d e-mails queued again.", len(failed))
            % {"count": len(failed)},
            messages.SUCCESS,
        )

    def has_add_permission(self, request):
        # E-mails are written by the services, in the transaction of the change they announce.
        return False

    def has_change_permission(self, request, obj=None):
        return False
