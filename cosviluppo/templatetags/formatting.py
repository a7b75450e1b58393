"""Display helpers: money in euro and dates in Europe/Rome, formatted for the active language."""

from decimal import Decimal

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def eur(value) -> str:
    """€ 1.250.000,00 in Italian, € 1,250,000.00 in English; empty for None."""
    if value is None or value == "":
        return ""
    return "€ " + number_format(Decimal(value), decimal_pos=2, use_l10n=True, force_grouping=True)


@register.filter
def grouped(value) -> str:
    """An integer with the thousands separator of the active language."""
    if value is None:
        return ""
    return number_format(value, decimal_pos=0, use_l10n=True, force_grouping=True)
