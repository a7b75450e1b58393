import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from .models import Organisation
from .selectors import organisation_directory_choices


class OrganisationDirectoryFilter(django_filters.FilterSet):
    """Filters of the public directory of organisations."""

    q = django_filters.CharFilter(label=_("Name or acronym"), method="filter_text")
    kind = django_filters.ChoiceFilter(
        label=_("Kind"),
        choices=[(kind.value, kind.label) for kind in Organisation.Kind if kind in Organisation.DIRECTORY_KINDS],
        empty_label=_("All"),
    )
    country = django_filters.ChoiceFilter(
        label=_("Country of origin"), choices=[], method="filter_country", empty_label=_("All")
    )
    city = django_filters.ChoiceFilter(
        label=_("Municipality of the seat"), choices=[], method="filter_city", empty_label=_("All")
    )
    federation = django_filters.ModelChoiceFilter(
        label=_("Member of the federation"),
        queryset=Organisation.objects.verified()
        .filter(kind=Organisation.Kind.FEDERATION)
        .only("pk", "legal_name", "acronym"),
        field_name="federations",
        empty_label=_("All"),
    )

    class Meta:
        model = Organisation
        fields = ["q", "kind", "country", "city", "federation"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Offer only what the directory contains, so no choice leads to an empty page.
        present = organisation_directory_choices()
        self.filters["city"].extra["choices"] = [(city, city) for city in present["cities"]]
        self.filters["country"].extra["choices"] = sorted(
            ((code, countries.name(code)) for code in present["countries"]), key=lambda pair: pair[1]
        )

    def filter_text(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(Q(legal_name__icontains=value) | Q(acronym__icontains=value))

    def filter_country(self, queryset, name, value):
        # Stored as a comma-separated list of codes by django-countries.
        return queryset.filter(countries_of_origin__regex=rf"(^|,){value}(,|$)")

    def filter_city(self, queryset, name, value):
        return queryset.filter(seat_city__iexact=value)
