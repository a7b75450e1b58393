"""Admin for people: Django's user admin, adapted to the log-in by e-mail address."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.contrib.auth.forms import UserChangeForm as DjangoUserChangeForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from associations.models import Membership

from .models import User


def _clean_unique_email(form) -> str:
    """E-mail addresses are stored lower-case and compared without case, as the log-in does."""
    email = User.objects.normalize_email(form.cleaned_data.get("email", "")).lower()
    others = User.objects.filter(email__iexact=email)
    if form.instance.pk:
        others = others.exclude(pk=form.instance.pk)
    if others.exists():
        raise ValidationError(_("A user with this e-mail address already exists."), code="unique")
    return email


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email",)

    def clean_email(self) -> str:
        return _clean_unique_email(self)


class UserChangeForm(DjangoUserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self) -> str:
        return _clean_unique_email(self)


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    fields = ("organisation", "role", "created_at")
    readonly_fields = ("created_at",)
    autocomplete_fields = ("organisation",)
    verbose_name = _("membership of an organisation")
    verbose_name_plural = _("memberships of organisations")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user", "organisation")


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = UserChangeForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (_("Personal info"), {"fields": ("full_name", "preferred_language")}),
        (
            _("Role in the programme"),
            {
                "fields": ("municipal_role", "is_demo"),
                "description": _(
                    "Programme officers and evaluators of the municipality. Members of associations, "
                    "NGOs and funders get their roles from their memberships below."
                ),
            },
        ),
        (
            _("Permissions"),
            {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")},
        ),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "usable_password", "password1", "password2"),
            },
        ),
    )
    readonly_fields = ("last_login", "date_joined")
    list_display = ("email", "full_name", "municipal_role", "is_staff", "is_active")
    list_filter = ("municipal_role", "is_staff", "is_superuser", "is_active", "is_demo", "groups")
    search_fields = ("email", "full_name")
    ordering = ("email",)
    date_hierarchy = "date_joined"
    inlines = (MembershipInline,)

    def get_inlines(self, request, obj):
        # Memberships need the user to exist: the add page asks only for the credentials.
        return self.inlines if obj is not None else ()

    def get_search_results(self, request, queryset, search_term):
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        # Only evaluators can be assigned a review: the autocomplete offers no one else.
        if (request.GET.get("model_name"), request.GET.get("field_name")) == ("review", "evaluator"):
            queryset = queryset.filter(municipal_role=User.MunicipalRole.EVALUATOR)
        return queryset, may_have_duplicates
