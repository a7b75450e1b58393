"""Display helpers: money in euro, percentages and moments on the Rome clock, for the active language.

The one place for these formats: templates use the filters, services and selectors import the
functions (the texts of messages and e-mails must read like the pages).
"""

from datetime import datetime
from decimal import Decimal

from django import template
from django.utils import timezone
from django.utils.formats import date_format, number_format

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


def percent(value: Decimal) -> str:
    """28,57% / 30%: two decimals at most, none when whole, in the active language."""
    value = value.quantize(Decimal("0.01"))
    decimals = 0 if value == value.to_integral_value() else 2
    return number_format(value, decimal_pos=decimals, use_l10n=True) + "%"


def rome_datetime(moment: datetime) -> str:
    """A moment on the Italian wall clock (the portal's time zone), in the active language's format."""
    return date_format(timezone.localtime(moment), "DATETIME_FORMAT")


def rome_date(moment: datetime) -> str:
    """The day of a moment on the Italian wall clock, in the active language's format."""
    return date_format(timezone.localtime(moment))


def rome_numeric(moment: datetime, *, with_time: bool = True) -> str:
    """07/12/2026 18:57 (or 07/12/2026): a moment on the Italian wall clock in digits, the same in
    every language (the texts of decisions and notices that quote a deadline or a filing date)."""
    return timezone.localtime(moment).strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")
