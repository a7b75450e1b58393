"""Admin for proposals and projects: content, reviews, awards and payments.

Statuses and money splits are written by projects.services only: here the status,
the protocol data, the funder shares and the allocation history are read-only, and
awards are granted by award_grant (which splits them and funds the proposal), not
added by hand.
"""

from django.contrib import admin
from django.db.models import DecimalField, OuterRef, Subquery, Sum
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from accounts.models import User
from associations.models import Organisation
from cosviluppo.lib.admin import AuditTrailMixin, StatusChangeAdmin, StatusChangeInline

from .models import (
    Activity,
    AllocationRecord,
    Award,
    BudgetLine,
    ConsensusScore,
    FunderShare,
    Indicator,
    Installment,
    Proposal,
    ProposalAttachment,
    ProposalPartner,
    ProposalStatusChange,
    Review,
    ReviewScore,
)

MONEY_OUTPUT = DecimalField(max_digits=14, decimal_places=2)


def _sum_of(model, parent_field: str, amount_field: str) -> Subquery:
    """The sum of `amount_field` over the `model` rows of the outer row, as a subquery.

    A subquery rather than a join with GROUP BY, so the changelist's counts, filters
    and date hierarchy stay plain queries on the listed table.
    """
    rows = (
        model.objects.filter(**{parent_field: OuterRef("pk")})
        .order_by()
        .values(parent_field)
        .annotate(total=Sum(amount_field))
        .values("total")
    )
    return Subquery(rows, output_field=MONEY_OUTPUT)


def _stamp_attachment(attachment: ProposalAttachment, user) -> None:
    """Record who uploaded a file, and its size and type, when a new file arrives."""
    if attachment.uploaded_by_id is None:
        attachment.uploaded_by = user
    if attachment.file and not attachment.file._committed:
        attachment.size = attachment.file.size or 0
        attachment.content_type = getattr(attachment.file.file, "content_type", "") or ""


class OriginCountryFilter(admin.SimpleListFilter):
    """Only the countries that proposals name, not the ~250 of the world."""

    title = _("country of origin")
    parameter_name = "origin_country"

    def lookups(self, request, model_admin):
        codes = (
            Proposal.objects.exclude(origin_country="").order_by().values_list("origin_country", flat=True).distinct()
        )
        return sorted(((code, countries.name(code)) for code in codes), key=lambda item: item[1])

    def queryset(self, request, queryset):
        if self.value():
            return queryset.filter(origin_country=self.value())
        return queryset


# Proposal and its parts -------------------------------------------------------


class ProposalPartnerInline(admin.TabularInline):
    model = ProposalPartner
    extra = 0
    fields = ("organisation", "role", "response", "responded_at", "responded_by", "contribution")
    autocomplete_fields = ("organisation", "responded_by")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("organisation", "responded_by")


class ActivityInline(admin.TabularInline):
    model = Activity
    extra = 0
    fields = ("territory", "title", "start_month", "end_month", "description")


class BudgetLineInline(admin.TabularInline):
    model = BudgetLine
    extra = 0
    fields = (
        "category",
        "territory",
        "description",
        "amount_requested",
        "cofinancing_own",
        "cofinancing_other",
        "total_cost",
    )


class IndicatorInline(admin.TabularInline):
    model = Indicator
    extra = 0
    fields = ("name", "territory", "baseline", "target")


class ProposalAttachmentInline(admin.TabularInline):
    model = ProposalAttachment
    extra = 0
    fields = ("title", "required_attachment", "file", "content_type", "size", "uploaded_by", "uploaded_at")
    readonly_fields = ("content_type", "size", "uploaded_by", "uploaded_at")
    autocomplete_fields = ("required_attachment",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("required_attachment", "uploaded_by")


class ProposalStatusChangeInline(StatusChangeInline):
    model = ProposalStatusChange
    status_choices = Proposal.Status


@admin.register(Proposal)
class ProposalAdmin(admin.ModelAdmin):
    list_display = (
        "protocol",
        "title",
        "call_code",
        "lead",
        "origin_country",
        "status",
        "amount_requested",
        "amount_granted",
    )
    list_display_links = ("protocol", "title")
    list_filter = ("status", "call", OriginCountryFilter, "is_demo")
    list_select_related = ("call", "lead")
    search_fields = (
        "protocol_number",
        "title",
        "acronym",
        "cup",
        "lead__legal_name",
        "lead__acronym",
        "lead__codice_fiscale",
    )
    date_hierarchy = "submitted_at"
    autocomplete_fields = ("call", "lead")
    readonly_fields = (
        "status",
        "protocol_number",
        "protocol_sequence",
        "submitted_at",
        "version",
        "total_score",
        "rank",
        "created_by",
        "created_at",
        "updated_at",
    )
    fieldsets = (
        (
            None,
            {
                "fields": (
                    ("call", "lead"),
                    "status",
                    ("protocol_number", "protocol_sequence", "submitted_at"),
                    ("title", "acronym"),
                    "theme",
                    "summary",
                    "duration_months",
                ),
                "description": _("The status changes through the portal's workflow, which records every change below."),
            },
        ),
        (
            _("Country of origin"),
            {
                "fields": (
                    "origin_country",
                    ("origin_region", "origin_city"),
                    "origin_context",
                    "beneficiaries_origin",
                    "beneficiaries_origin_description",
                )
            },
        ),
        (
            _("Italy"),
            {
                "fields": (
                    ("residence_municipality", "residence_region"),
                    "residence_context",
                    "beneficiaries_residence",
                    "beneficiaries_residence_description",
                )
            },
        ),
        (_("Design"), {"fields": ("objectives", "expected_results", "sustainability")}),
        (_("Evaluation"), {"fields": ("total_score", "rank")}),
        (_("Project"), {"fields": ("cup", "agreement_signed_on", ("start_date", "end_date"))}),
        (
            _("Record"),
            {"fields": ("version", "created_by", "is_demo", "created_at", "updated_at"), "classes": ("collapse",)},
        ),
    )
    inlines = (
        ProposalPartnerInline,
        ActivityInline,
        BudgetLineInline,
        IndicatorInline,
        ProposalAttachmentInline,
        ProposalStatusChangeInline,
    )

    def get_queryset(self, request):
        # Money columns come from other tables: annotate them so the list is one query.
        return (
            super()
            .get_queryset(request)
            .annotate(
                amount_requested_total=_sum_of(BudgetLine, "proposal", "amount_requested"),
                amount_granted_value=Subquery(
                    Award.objects.filter(proposal=OuterRef("pk")).values("amount_granted"), output_field=MONEY_OUTPUT
                ),
            )
        )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        # The lead applicant is always a migrant association.
        if db_field.name == "lead":
            kwargs["queryset"] = Organisation.objects.migrant_associations()
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    @admin.display(description=_("protocol number"), ordering="protocol_sequence")
    def protocol(self, obj: Proposal) -> str:
        return obj.protocol_number or "—"

    @admin.display(description=_("call"), ordering="call__code")
    def call_code(self, obj: Proposal) -> str:
        return obj.call.code

    @admin.display(description=_("amount requested (EUR)"), ordering="amount_requested_total")
    def amount_requested(self, obj: Proposal):
        return obj.amount_requested_total

    @admin.display(description=_("amount granted (EUR)"), ordering="amount_granted_value")
    def amount_granted(self, obj: Proposal):
        return obj.amount_granted_value

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProposalAttachment:
            return super().save_formset(request, form, formset, change)
        for attachment in formset.save(commit=False):
            _stamp_attachment(attachment, request.user)
            attachment.save()
        for attachment in formset.deleted_objects:
            attachment.delete()
        formset.save_m2m()


@admin.register(ProposalStatusChange)
class ProposalStatusChangeAdmin(StatusChangeAdmin):
    subject_field = "proposal"
    status_choices = Proposal.Status
    list_filter = ("to_status", "proposal__call")
    search_fields = ("proposal__protocol_number", "proposal__title", *StatusChangeAdmin.search_fields)


class ProposalChildAdmin(admin.ModelAdmin):
    """The parts of a proposal, also listed on their own across proposals."""

    list_select_related = ("proposal",)
    autocomplete_fields = ("proposal",)
    list_filter = ("proposal__call",)
    search_fields = ("proposal__protocol_number", "proposal__title")


@admin.register(ProposalPartner)
class ProposalPartnerAdmin(ProposalChildAdmin):
    list_display = ("organisation", "proposal", "role", "response", "responded_at")
    list_select_related = ("proposal", "organisation")
    list_filter = ("role", "response", *ProposalChildAdmin.list_filter)
    search_fields = ("organisation__legal_name", "organisation__acronym", *ProposalChildAdmin.search_fields)
    autocomplete_fields = ("proposal", "organisation", "responded_by")


@admin.register(Activity)
class ActivityAdmin(ProposalChildAdmin):
    list_display = ("title", "proposal", "territory", "start_month", "end_month")
    list_filter = ("territory", *ProposalChildAdmin.list_filter)
    search_fields = ("title", "description", *ProposalChildAdmin.search_fields)


@admin.register(BudgetLine)
class BudgetLineAdmin(ProposalChildAdmin):
    list_display = (
        "proposal",
        "category",
        "territory",
        "amount_requested",
        "cofinancing_own",
        "cofinancing_other",
        "total_cost",
    )
    list_filter = ("category", "territory", *ProposalChildAdmin.list_filter)
    search_fields = ("description", *ProposalChildAdmin.search_fields)


@admin.register(Indicator)
class IndicatorAdmin(ProposalChildAdmin):
    list_display = ("name", "proposal", "territory", "baseline", "target")
    list_filter = ("territory", *ProposalChildAdmin.list_filter)
    search_fields = ("name", *ProposalChildAdmin.search_fields)


@admin.register(ProposalAttachment)
class ProposalAttachmentAdmin(ProposalChildAdmin):
    list_display = ("title", "proposal", "required_attachment", "content_type", "size", "uploaded_by", "uploaded_at")
    list_select_related = ("proposal", "required_attachment", "uploaded_by")
    search_fields = ("title", *ProposalChildAdmin.search_fields)
    date_hierarchy = "uploaded_at"
    autocomplete_fields = ("proposal", "required_attachment")
    readonly_fields = ("content_type", "size", "uploaded_by", "uploaded_at")

    def save_model(self, request, obj, form, change):
        _stamp_attachment(obj, request.user)
        super().save_model(request, obj, form, change)


# Evaluation -----------------------------------------------------------------------


class ReviewScoreInline(admin.TabularInline):
    model = ReviewScore
    extra = 0
    fields = ("criterion", "score", "comment")
    autocomplete_fields = ("criterion",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("criterion")


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ("proposal", "evaluator", "status", "assigned_at", "submitted_at")
    list_select_related = ("proposal", "evaluator")
    list_filter = ("status", "proposal__call")
    search_fields = (
        "proposal__protocol_number",
        "proposal__title",
        "evaluator__email",
        "evaluator__full_name",
    )
    date_hierarchy = "assigned_at"
    autocomplete_fields = ("proposal", "evaluator")
    readonly_fields = ("assigned_at",)
    inlines = (ReviewScoreInline,)

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "evaluator":
            kwargs["queryset"] = User.objects.filter(municipal_role=User.MunicipalRole.EVALUATOR)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(ReviewScore)
class ReviewScoreAdmin(admin.ModelAdmin):
    list_display = ("review", "criterion", "score")
    list_select_related = ("review__proposal", "review__evaluator", "criterion")
    list_filter = ("review__proposal__call",)
    search_fields = (
        "review__proposal__protocol_number",
        "review__proposal__title",
        "review__evaluator__email",
        "criterion__code",
        "comment",
    )
    autocomplete_fields = ("review", "criterion")


@admin.register(ConsensusScore)
class ConsensusScoreAdmin(admin.ModelAdmin):
    list_display = ("proposal", "criterion", "score", "decided_by", "decided_at")
    list_select_related = ("proposal", "criterion", "decided_by")
    list_filter = ("proposal__call",)
    search_fields = ("proposal__protocol_number", "proposal__title", "criterion__code", "justification")
    date_hierarchy = "decided_at"
    autocomplete_fields = ("proposal", "criterion")
    readonly_fields = ("decided_by", "decided_at")

    def save_model(self, request, obj, form, change):
        # The committee's decision is signed by whoever records it.
        obj.decided_by = request.user
        obj.decided_at = timezone.now()
        super().save_model(request, obj, form, change)


# Awards and payments --------------------------------------------------------------


class FunderShareInline(AuditTrailMixin, admin.TabularInline):
    model = FunderShare
    extra = 0
    can_delete = False
    fields = ("commitment", "amount")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("commitment__funder", "commitment__call")


class InstallmentInline(admin.TabularInline):
    model = Installment
    extra = 0
    fields = ("sequence", "label", "percentage", "amount", "due_date", "status", "paid_on")


class AllocationRecordInline(AuditTrailMixin, admin.TabularInline):
    model = AllocationRecord
    extra = 0
    can_delete = False
    fields = ("allocated_at", "allocated_by", "manual", "shares", "reason")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("allocated_by")


@admin.register(Award)
class AwardAdmin(admin.ModelAdmin):
    list_display = ("proposal", "call_code", "amount_granted", "shares_total", "decided_at", "decided_by")
    list_select_related = ("proposal__call", "decided_by")
    list_filter = ("proposal__call",)
    search_fields = ("proposal__protocol_number", "proposal__title", "proposal__lead__legal_name", "proposal__cup")
    date_hierarchy = "decided_at"
    fields = ("proposal", "amount_granted", "reduction_reason", "decided_at", "decided_by")
    readonly_fields = fields
    inlines = (FunderShareInline, InstallmentInline, AllocationRecordInline)

    def has_add_permission(self, request):
        # award_grant creates the award, splits it across the funders and funds the
        # proposal in one go; an award added here would do none of that.
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting would take the allocation history with it and leave the proposal funded.
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(shares_sum=_sum_of(FunderShare, "award", "amount"))

    @admin.display(description=_("call"), ordering="proposal__call__code")
    def call_code(self, obj: Award) -> str:
        return obj.proposal.call.code

    @admin.display(description=_("split across funders (EUR)"), ordering="shares_sum")
    def shares_total(self, obj: Award):
        return obj.shares_sum


@admin.register(FunderShare)
class FunderShareAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_display = ("award", "funder", "call_code", "amount")
    list_select_related = ("award__proposal", "commitment__funder", "commitment__call")
    list_filter = ("commitment__call",)
    search_fields = (
        "award__proposal__protocol_number",
        "award__proposal__title",
        "commitment__funder__legal_name",
        "commitment__funder__acronym",
    )

    @admin.display(description=_("funder"), ordering="commitment__funder__legal_name")
    def funder(self, obj: FunderShare):
        return obj.commitment.funder

    @admin.display(description=_("call"), ordering="commitment__call__code")
    def call_code(self, obj: FunderShare) -> str:
        return obj.commitment.call.code


@admin.register(AllocationRecord)
class AllocationRecordAdmin(AuditTrailMixin, admin.ModelAdmin):
    list_display = ("award", "manual", "allocated_by", "allocated_at", "reason")
    list_select_related = ("award__proposal", "allocated_by")
    list_filter = ("manual", "award__proposal__call")
    search_fields = ("award__proposal__protocol_number", "award__proposal__title", "reason")
    date_hierarchy = "allocated_at"


@admin.register(Installment)
class InstallmentAdmin(admin.ModelAdmin):
    list_display = ("label", "award", "sequence", "percentage", "amount", "due_date", "status", "paid_on")
    list_select_related = ("award__proposal",)
    list_filter = ("status", "award__proposal__call")
    search_fields = ("label", "award__proposal__protocol_number", "award__proposal__title", "award__proposal__cup")
    date_hierarchy = "due_date"
    autocomplete_fields = ("award",)
