"""Filters of the public open-data page's list of funded projects."""

import django_filters
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from calls.models import CostCategory
from cosviluppo.lib.geography import Continent, countries_in
from projects.models import BudgetLine

from .opendata.selectors import public_calls_with_results


class FundedProjectFilter(django_filters.FilterSet):
    """Country, continent, call edition and cost category. The country choices are the countries
    that have funded projects (`country_codes`, which the page has already read), so the form costs
    no query of its own beyond the call editions."""

    country = django_filters.ChoiceFilter(
        label=_("Country of origin"), field_name="origin_country", empty_label=_("All countries")
    )
    continent = django_filters.ChoiceFilter(
        label=_("Continent"), choices=Continent.choices, method="filter_continent", empty_label=_("All continents")
    )
    call = django_filters.ModelChoiceFilter(
        label=_("Call edition"),
        field_name="call",
        to_field_name="code",
        queryset=public_calls_with_results(),
        empty_label=_("All editions"),
    )
    cost_category = django_filters.ChoiceFilter(
        label=_("Cost category"),
        choices=CostCategory.choices,
        method="filter_cost_category",
        empty_label=_("All categories"),
    )

    def __init__(self, *args, country_codes=(), **kwargs):
        super().__init__(*args, **kwargs)
        named = sorted(((code, str(countries.name(code))) for code in country_codes), key=lambda item: item[1])
        self.filters["country"].extra["choices"] = named

    def filter_continent(self, queryset, name, value):
        return queryset.filter(origin_country__in=countries_in(value))

    def filter_cost_category(self, queryset, name, value):
        # Projects with at least one budget line of the category.
        return queryset.filter(pk__in=BudgetLine.objects.filter(category=value).values("proposal_id"))
