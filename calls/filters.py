import django_filters
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import Call


class PublicCallFilter(django_filters.FilterSet):
    """Filters of the public list of calls."""

    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=[(s.value, s.label) for s in Call.Status if s != Call.Status.DRAFT],
        method="filter_status",
        empty_label=_("All"),
    )
    year = django_filters.NumberFilter(label=_("Year"))
    country = django_filters.ChoiceFilter(
        label=_("Eligible country"), choices=countries, method="filter_country", empty_label=_("All")
    )

    class Meta:
        model = Call
        fields = ["status", "year", "country"]

    def filter_status(self, queryset, name, value):
        # "Open" and "closed" follow the clock, like the pages do.
        from django.utils import timezone

        now = timezone.now()
        if value == Call.Status.OPEN:
            return queryset.filter(status=Call.Status.OPEN, closes_at__gt=now)
        if value == Call.Status.CLOSED:
            return queryset.filter(status__in=[Call.Status.OPEN, Call.Status.CLOSED], closes_at__lte=now)
        return queryset.filter(status=value)

    def filter_country(self, queryset, name, value):
        # Stored as a comma-separated list of codes by django-countries.
        return queryset.filter(eligible_countries__regex=rf"(^|,){value}(,|$)")


class StaffCallFilter(django_filters.FilterSet):
    """Filters of the staff list of calls (drafts included)."""

    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Call.Status.choices, method="filter_status", empty_label=_("All")
    )
    year = django_filters.NumberFilter(label=_("Year"))
    q = django_filters.CharFilter(label=_("Code or title"), method="filter_text")

    class Meta:
        model = Call
        fields = ["status", "year", "q"]

    filter_status = PublicCallFilter.filter_status

    def filter_text(self, queryset, name, value):
        from django.db.models import Q

        return queryset.filter(Q(code__icontains=value) | Q(title_it__icontains=value) | Q(title_en__icontains=value))
