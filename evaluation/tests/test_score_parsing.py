"""One rule for a typed score, for the evaluators' reviews and the consensus alike."""

from decimal import Decimal
from types import SimpleNamespace

import pytest

from evaluation.services._common import ScoreRefused, parse_score

CRITERION = SimpleNamespace(code="A1", max_score=Decimal("20.00"))


@pytest.mark.parametrize(("raw", "expected"), [("0", Decimal("0")), ("20", Decimal("20")), ("12.25", Decimal("12.25"))])
def test_a_score_from_zero_to_the_maximum_with_two_decimals_is_taken(raw, expected):
    assert parse_score(raw, CRITERION) == expected


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ("abc", "The score of criterion A1 is not a number."),
        ("NaN", "The score of criterion A1 must be between 0 and 20.00."),
        ("Infinity", "The score of criterion A1 must be between 0 and 20.00."),
        ("-1", "The score of criterion A1 must be between 0 and 20.00."),
        ("20.01", "The score of criterion A1 must be between 0 and 20.00."),
        ("3.333", "The score of criterion A1 has more than two decimals."),
    ],
)
def test_a_refused_score_says_why(raw, message):
    with pytest.raises(ScoreRefused) as refused:
        parse_score(raw, CRITERION)
    assert str(refused.value) == message
