from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cosviluppo.lib.money import split_proportionally, to_cents

cents = st.integers(min_value=0, max_value=10**9)
weights = st.dictionaries(st.integers(1, 50), st.integers(1, 10**9), min_size=1, max_size=12)


@given(total=cents, raw_weights=weights)
def test_split_adds_up_to_the_cent_and_never_exceeds_the_rounded_up_exact_share(total, raw_weights):
    amount = Decimal(total) / 100
    weight_map = {key: Decimal(value) / 100 for key, value in raw_weights.items()}
    shares = split_proportionally(amount, weight_map)
    assert sum(shares.values()) == amount
    weight_sum = sum(weight_map.values())
    for key, share in shares.items():
        exact_cents = Decimal(total) * weight_map[key] / weight_sum
        assert to_cents(share) - exact_cents < 1
        assert exact_cents - to_cents(share) < 1


def test_remainder_goes_to_the_largest_fraction_then_the_smallest_key():
    # 100.00 split three ways: 33.33 each, the last cent to key 1 (ties by key).
    shares = split_proportionally(Decimal("100.00"), {3: Decimal(1), 1: Decimal(1), 2: Decimal(1)})
    assert shares == {1: Decimal("33.34"), 2: Decimal("33.33"), 3: Decimal("33.33")}


def test_split_is_proportional():
    shares = split_proportionally(Decimal("1000.00"), {1: Decimal("200000"), 2: Decimal("800000")})
    assert shares == {1: Decimal("200.00"), 2: Decimal("800.00")}


@pytest.mark.parametrize("bad", [{}, {1: Decimal(0)}])
def test_split_refuses_no_weights(bad):
    with pytest.raises(ValueError):
        split_proportionally(Decimal("10.00"), bad)


def test_sub_cent_amounts_are_refused():
    with pytest.raises(ValueError):
        to_cents(Decimal("0.001"))
