"""Admin for calls: texts, dates, rules, grid, documents and the funders' pool.

The status of a call moves only through calls.services.call_transition (the
actions of the list), which records every move in the call's history.
"""

from django.contrib import admin, messages
from django.db.models import Count, DecimalField, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from associations.models import Organisation
from cosviluppo.lib.admin import ReasonActionForm, StatusChangeAdmin, StatusChangeInline
from cosviluppo.lib.exceptions import DomainError
from cosviluppo.lib.money import ZERO
from projects.models import Proposal

from .models import (
    Call,
    CallDocument,
    CallQuestion,
    CallStatusChange,
    EligibleCostCategory,
    EvaluationCriterion,
    FunderCommitment,
    RequiredAttachment,
)
from .services import call_publish, call_transition

MONEY_OUTPUT = DecimalField(max_digits=14, decimal_places=2)


def _limit_funder_choices(db_field, kwargs) -> None:
    # Only funders commit money to a call's pool.
    if db_field.name == "funder":
        kwargs["queryset"] = Organisation.objects.funders()


class EligibleCostCategoryInline(admin.TabularInline):
    model = EligibleCostCategory
    extra = 0


class EvaluationCriterionInline(admin.StackedInline):
    model = EvaluationCriterion
    extra = 0
    fields = (
        ("code", "order"),
        ("name_it", "name_en"),
        ("description_it", "description_en"),
        ("max_score", "weight", "min_threshold"),
    )


class FunderCommitmentInline(admin.TabularInline):
    model = FunderCommitment
    extra = 0
    fields = ("funder", "amount", "note")
    autocomplete_fields = ("funder",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("funder", "call")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        _limit_funder_choices(db_field, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


class RequiredAttachmentInline(admin.TabularInline):
    model = RequiredAttachment
    extra = 0
    fields = ("name_it", "name_en", "accepts_office_documents", "order")


class CallDocumentInline(admin.TabularInline):
    model = CallDocument
    extra = 0
    fields = ("title_it", "title_en", "file", "order")


class CallStatusChangeInline(StatusChangeInline):
    model = CallStatusChange
    status_choices = Call.Status


def _transition_action(to: Call.Status, description):
    """An action that moves the selected calls to `to` through the service, one by one."""

    def action(modeladmin, request, queryset):
        reason = request.POST.get("reason", "").strip()
        moved = 0
        for call in queryset:
            try:
                if to == Call.Status.OPEN and call.status == Call.Status.DRAFT:
                    # Publishing checks the whole call, as the staff page does.
                    call_publish(call=call, by=request.user)
                else:
                    call_transition(call=call, to=to, by=request.user, reason=reason)
            except DomainError as error:
                messages.error(request, f"{call.code}: {error.message}")
            else:
                moved += 1
        if moved:
            messages.success(
                request,
                ngettext("%(count)d call is now “%(status)s”.", "%(count)d calls are now “%(status)s”.", moved)
                % {"count": moved, "status": to.label},
            )

    action.__name__ = f"move_to_{to.value}"
    return admin.action(description=description, permissions=["change"])(action)


@admin.register(Call)
class CallAdmin(admin.ModelAdmin):
    list_display = (
        "code",
        "title_it",
        "status",
        "opens_at",
        "closes_at",
        "budget",
        "proposals_received",
        "is_demo",
    )
    list_filter = ("status", "year", "is_demo")
    search_fields = ("code", "title_it", "title_en", "themes")
    date_hierarchy = "opens_at"
    readonly_fields = ("status", "results_published_at", "created_at", "updated_at")
    fieldsets = (
        (None, {"fields": (("code", "year"), "status", "is_demo")}),
        (_("Texts"), {"fields": (("title_it", "title_en"), ("description_it", "description_en"), "themes")}),
        (_("Dates"), {"fields": (("opens_at", "closes_at"), "results_published_at", "review_request_days")}),
        (
            _("Rules"),
            {
                "fields": (
                    ("announced_budget", "max_grant"),
                    ("min_cofinancing_pct", "max_duration_months"),
                    "eligible_countries",
                    "ngo_partner_required",
                    ("min_origin_share_pct", "max_origin_share_pct"),
                    ("min_residence_share_pct", "max_residence_share_pct"),
                    "overall_threshold",
                )
            },
        ),
        (_("Transparency"), {"fields": ("legal_basis", "responsible_office", "responsible_official")}),
        (_("Record"), {"fields": ("created_at", "updated_at"), "classes": ("collapse",)}),
    )
    inlines = (
        EligibleCostCategoryInline,
        EvaluationCriterionInline,
        FunderCommitmentInline,
        RequiredAttachmentInline,
        CallDocumentInline,
        CallStatusChangeInline,
    )
    action_form = ReasonActionForm
    actions = (
        _transition_action(Call.Status.OPEN, _("Publish (open) selected calls")),
        _transition_action(Call.Status.CLOSED, _("Close selected calls")),
        _transition_action(Call.Status.EVALUATION, _("Start the evaluation of selected calls")),
        _transition_action(Call.Status.RESULTS_PUBLISHED, _("Publish the results of selected calls")),
        _transition_action(Call.Status.ARCHIVED, _("Archive selected calls")),
        _transition_action(Call.Status.DRAFT, _("Take selected open calls back to draft")),
    )

    def get_queryset(self, request):
        # The budget is the sum of the commitments and is never stored: annotate it
        # (and the proposals received) here so the list costs one query, not one per row.
        # Subqueries rather than joins, so counts and filters stay plain queries too.
        budget = (
            FunderCommitment.objects.filter(call=OuterRef("pk"))
            .order_by()
            .values("call")
            .annotate(total=Sum("amount"))
            .values("total")
        )
        received = (
            Proposal.objects.submitted()
            .filter(call=OuterRef("pk"))
            .order_by()
            .values("call")
            .annotate(count=Count("pk"))
            .values("count")
        )
        return (
            super()
            .get_queryset(request)
            .annotate(
                budget_total=Coalesce(
                    Subquery(budget, output_field=MONEY_OUTPUT), Value(ZERO), output_field=MONEY_OUTPUT
                ),
                proposals_received_count=Coalesce(Subquery(received, output_field=IntegerField()), Value(0)),
            )
        )

    @admin.display(description=_("budget (EUR)"), ordering="budget_total")
    def budget(self, obj: Call):
        return obj.budget_total

    @admin.display(description=_("proposals received"), ordering="proposals_received_count")
    def proposals_received(self, obj: Call) -> int:
        return obj.proposals_received_count


class CallChildAdmin(admin.ModelAdmin):
    """The rules and documents of a call, also listed on their own across calls."""

    list_select_related = ("call",)
    autocomplete_fields = ("call",)
    list_filter = ("call__status",)


@admin.register(EligibleCostCategory)
class EligibleCostCategoryAdmin(CallChildAdmin):
    list_display = ("call", "category", "cap_pct")
    list_filter = ("category", *CallChildAdmin.list_filter)
    search_fields = ("call__code", "call__title_it")


@admin.register(CallDocument)
class CallDocumentAdmin(CallChildAdmin):
    list_display = ("title_it", "call", "file", "order")
    search_fields = ("title_it", "title_en", "call__code")


@admin.register(RequiredAttachment)
class RequiredAttachmentAdmin(CallChildAdmin):
    list_display = ("name_it", "call", "accepts_office_documents", "order")
    list_filter = ("accepts_office_documents", *CallChildAdmin.list_filter)
    search_fields = ("name_it", "name_en", "call__code")


@admin.register(EvaluationCriterion)
class EvaluationCriterionAdmin(CallChildAdmin):
    list_display = ("code", "name_it", "call", "max_score", "weight", "min_threshold")
    search_fields = ("code", "name_it", "name_en", "call__code")


@admin.register(FunderCommitment)
class FunderCommitmentAdmin(CallChildAdmin):
    list_display = ("call", "funder", "amount", "note")
    list_select_related = ("call", "funder")
    autocomplete_fields = ("call", "funder")
    list_filter = ("call", *CallChildAdmin.list_filter)
    search_fields = ("call__code", "funder__legal_name", "funder__acronym", "note")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        _limit_funder_choices(db_field, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(CallQuestion)
class CallQuestionAdmin(CallChildAdmin):
    list_display = ("short_question", "call", "asked_by", "asked_at", "is_answered", "is_published")
    list_select_related = ("call", "asked_by")
    list_filter = ("is_published", "call")
    search_fields = ("question", "answer", "call__code", "asked_by__email")
    date_hierarchy = "asked_at"
    autocomplete_fields = ("call", "asked_by")
    readonly_fields = ("answered_by", "answered_at")
    fields = ("call", "question", "asked_by", "asked_at", "answer", "is_published", "answered_by", "answered_at")

    @admin.display(description=_("question"))
    def short_question(self, obj: CallQuestion) -> str:
        return str(obj)

    @admin.display(description=_("answered"), boolean=True)
    def is_answered(self, obj: CallQuestion) -> bool:
        return bool(obj.answer)

    def save_model(self, request, obj, form, change):
        # Who answered, and when, is recorded for the published FAQ.
        if "answer" in form.changed_data and obj.answer:
            obj.answered_by = request.user
            obj.answered_at = timezone.now()
        super().save_model(request, obj, form, change)


@admin.register(CallStatusChange)
class CallStatusChangeAdmin(StatusChangeAdmin):
    subject_field = "call"
    status_choices = Call.Status
    list_filter = ("to_status", "call")
    search_fields = ("call__code", "call__title_it", *StatusChangeAdmin.search_fields)
