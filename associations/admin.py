"""Admin for organisations: registration data, memberships and the verification trail.

Verification goes through associations.services (never by editing the status), so
every change leaves an OrganisationStatusChange behind.
"""

from django.contrib import admin, messages
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from cosviluppo.lib.admin import ReasonActionForm, StatusChangeAdmin, StatusChangeInline
from cosviluppo.lib.exceptions import DomainError

from .models import Invitation, Membership, Organisation, OrganisationStatusChange
from .services import organisation_reject, organisation_verify


def _site_url(request) -> str:
    """For the links in the e-mails the verification sends to the organisation's members."""
    return request.build_absolute_uri("/").rstrip("/")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ("user", "role", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("user",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "organisation")


class OrganisationStatusChangeInline(StatusChangeInline):
    model = OrganisationStatusChange
    status_choices = Organisation.VerificationStatus


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = (
        "legal_name",
        "acronym",
        "kind",
        "codice_fiscale",
        "seat_city",
        "verification_status",
        "is_demo",
    )
    list_display_links = ("legal_name",)
    list_filter = ("verification_status", "kind", "legal_form", "seat_province", "is_demo")
    search_fields = ("legal_name", "acronym", "codice_fiscale", "partita_iva", "seat_city", "email")
    date_hierarchy = "created_at"
    autocomplete_fields = ("federations",)
    # A website typed without a scheme ("www.example.org") is taken as https.
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = ("verification_status", "verified_at", "rejection_reason", "org_id", "created_at", "updated_at")
    fieldsets = (
        (
            _("Identity"),
            {
                "fields": (
                    "kind",
                    "legal_name",
                    "acronym",
                    "legal_form",
                    ("codice_fiscale", "partita_iva"),
                    "org_id",
                    "founding_year",
                    "description",
                )
            },
        ),
        (
            _("Registered seat"),
            {"fields": ("seat_street", ("seat_city", "seat_province"), "seat_region", "seat_country")},
        ),
        (_("Contacts"), {"fields": ("legal_representative_name", "email", "phone", "website")}),
        (_("Community and networks"), {"fields": ("countries_of_origin", "federations")}),
        (_("Documents"), {"fields": ("statute",)}),
        (
            _("Verification"),
            {
                "fields": ("verification_status", "verified_at", "rejection_reason"),
                "description": _("Use the actions of the list to verify or reject: the change is recorded."),
            },
        ),
        (_("Record"), {"fields": ("is_demo", "created_at", "updated_at"), "classes": ("collapse",)}),
    )
    inlines = (MembershipInline, OrganisationStatusChangeInline)
    action_form = ReasonActionForm
    actions = ("verify_organisations", "reject_organisations")

    @admin.display(description=_("org-id"))
    def org_id(self, obj: Organisation) -> str:
        return obj.org_id if obj.pk else "—"

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # The autocomplete widgets pass the field they fill: offer only the
        # organisations that field accepts, so a wrong pick is not even shown.
        source = (request.GET.get("model_name"), request.GET.get("field_name"))
        if source == ("fundercommitment", "funder"):
            queryset = queryset.funders()
        elif source == ("proposal", "lead"):
            queryset = queryset.migrant_associations()
        return queryset, may_have_duplicates

    @admin.action(description=_("Verify selected organisations"), permissions=["change"])
    def verify_organisations(self, request, queryset):
        verified = 0
        for organisation in queryset:
            if organisation.is_verified:
                continue
            try:
                organisation_verify(organisation=organisation, by=request.user, site_url=_site_url(request))
            except DomainError as error:
                messages.error(request, f"{organisation}: {error.message}")
            else:
                verified += 1
        if verified:
            messages.success(
                request,
                ngettext("%(count)d organisation verified.", "%(count)d organisations verified.", verified)
                % {"count": verified},
            )

    @admin.action(description=_("Reject selected organisations (give the reason)"), permissions=["change"])
    def reject_organisations(self, request, queryset):
        reason = request.POST.get("reason", "")
        rejected = 0
        errors: list[str] = []
        for organisation in queryset:
            try:
                organisation_reject(
                    organisation=organisation, reason=reason, by=request.user, site_url=_site_url(request)
                )
            except DomainError as error:
                # A missing reason is the same error for every organisation: say it once.
                if error.message not in errors:
                    errors.append(error.message)
            else:
                rejected += 1
        for message in errors:
            messages.error(request, message)
        if rejected:
            messages.success(
                request,
                ngettext("%(count)d organisation rejected.", "%(count)d organisations rejected.", rejected)
                % {"count": rejected},
            )


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "organisation", "role", "created_at")
    list_filter = ("role", "organisation__kind")
    search_fields = ("user__email", "user__full_name", "organisation__legal_name", "organisation__acronym")
    list_select_related = ("user", "organisation")
    autocomplete_fields = ("user", "organisation")
    readonly_fields = ("created_at",)
    date_hierarchy = "created_at"


@admin.register(OrganisationStatusChange)
class OrganisationStatusChangeAdmin(StatusChangeAdmin):
    subject_field = "organisation"
    status_choices = Organisation.VerificationStatus
    search_fields = (
        "organisation__legal_name",
        "organisation__acronym",
        "organisation__codice_fiscale",
        *StatusChangeAdmin.search_fields,
    )


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations are created and accepted by members through the portal."""

    list_display = ("email", "organisation", "role", "invited_by", "created_at", "expires_at", "accepted_at")
    list_filter = ("role",)
    search_fields = ("email", "organisation__legal_name", "organisation__acronym")
    list_select_related = ("organisation", "invited_by")
    date_hierarchy = "created_at"
    exclude = ("token",)
    readonly_fields = (
        "organisation",
        "email",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
