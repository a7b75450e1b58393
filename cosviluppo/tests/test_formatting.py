"""The one set of display formats (cosviluppo/templatetags/formatting.py) that pages, messages and
e-mails share: percentages and moments on the Rome clock."""

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.utils import translation

from cosviluppo.templatetags.formatting import percent, rome_date, rome_datetime, rome_numeric

# 23:30 UTC on 31 December is already 1 January in Rome (UTC+1 in winter).
NEW_YEAR_IN_ROME = datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
# 22:15 UTC in July is 00:15 the next day in Rome (UTC+2 in summer).
SUMMER_NIGHT = datetime(2026, 7, 14, 22, 15, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "italian", "english"),
    [
        (Decimal("30"), "30%", "30%"),
        (Decimal("30.00"), "30%", "30%"),
        (Decimal("28.5714"), "28,57%", "28.57%"),
        (Decimal("12.5"), "12,50%", "12.50%"),
    ],
)
def test_percent_two_decimals_at_most_none_when_whole(value, italian, english):
    with translation.override("it"):
        assert percent(value) == italian
    with translation.override("en"):
        assert percent(value) == english


def test_rome_numeric_is_the_rome_wall_clock_in_every_language():
    for language in ("it", "en"):
        with translation.override(language):
            assert rome_numeric(NEW_YEAR_IN_ROME) == "01/01/2026 00:30"
            assert rome_numeric(SUMMER_NIGHT) == "15/07/2026 00:15"
            assert rome_numeric(NEW_YEAR_IN_ROME, with_time=False) == "01/01/2026"


def test_rome_datetime_and_date_follow_the_active_language_on_the_rome_clock():
    with translation.override("it"):
        assert rome_datetime(NEW_YEAR_IN_ROME) == "Giovedì 01 Gennaio 2026 00:30"
        assert rome_date(NEW_YEAR_IN_ROME) == "01 Gennaio 2026"
    with translation.override("en"):
        assert rome_datetime(NEW_YEAR_IN_ROME) == "Jan. 1, 2026, 12:30 a.m."
        assert rome_datetime(SUMMER_NIGHT) == "July 15, 2026, 12:15 a.m."
        assert rome_date(SUMMER_NIGHT) == "July 15, 2026"
