"""Admin building blocks shared by the apps: read-only audit trails and a reason field for actions."""

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.helpers import ActionForm
from django.db.models import Model, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _


class AuditTrailMixin:
    """For status histories and other audit records, written only by services.

    They are the record of who changed what, when and why, so nobody adds, edits
    or deletes them by hand. `status_choices` names the choices of the audited
    status, to show labels instead of stored values.
    """

    status_choices = None

    def has_add_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Model | None = None) -> bool:
        return False

    def _status_label(self, value: str) -> str:
        if not value:
            return "—"
        if self.status_choices is None:
            return value
        return str(dict(self.status_choices.choices).get(value, value))

    @admin.display(description=_("from"), ordering="from_status")
    def from_status_label(self, obj: Any) -> str:
        return self._status_label(obj.from_status)

    @admin.display(description=_("to"), ordering="to_status")
    def to_status_label(self, obj: Any) -> str:
        return self._status_label(obj.to_status)


class StatusChangeAdmin(AuditTrailMixin, admin.ModelAdmin):
    """A read-only list of one aggregate's status changes; subclasses name the aggregate."""

    subject_field = ""
    date_hierarchy = "changed_at"
    search_fields = ("reason", "changed_by__email", "changed_by__full_name")
    list_filter = ("to_status",)

    def get_list_display(self, request: HttpRequest) -> tuple[str, ...]:
        return (self.subject_field, "from_status_label", "to_status_label", "changed_by", "changed_at", "reason")

    def get_list_select_related(self, request: HttpRequest) -> tuple[str, ...]:
        return (self.subject_field, "changed_by")


class StatusChangeInline(AuditTrailMixin, admin.TabularInline):
    """The history of an aggregate, at the bottom of its page."""

    extra = 0
    can_delete = False
    fields = ("changed_at", "from_status_label", "to_status_label", "changed_by", "reason")
    readonly_fields = fields
    ordering = ("-changed_at", "-pk")

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        return super().get_queryset(request).select_related("changed_by")


class ReasonActionForm(ActionForm):
    """The action bar with a reason field, for actions that record one."""

    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.TextInput(attrs={"size": 40}),
        help_text=_("Required to reject; recorded in the history."),
    )
