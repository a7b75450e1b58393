"""Money helpers: amounts are Decimal EUR with two decimal places, never floats."""

from collections.abc import Mapping, Sequence
from decimal import ROUND_DOWN, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0.00")


def quantize_eur(amount: Decimal | None) -> Decimal:
    """An aggregate as euro and cents (SQLite returns sums without their scale); None is zero."""
    return (amount or ZERO).quantize(CENT)


def to_cents(amount: Decimal) -> int:
    """An amount as an integer number of cents; refuses sub-cent amounts."""
    cents = amount * 100
    if cents != cents.to_integral_value():
        raise ValueError(f"{amount} has more than two decimal places")
    return int(cents)


def from_cents(cents: int) -> Decimal:
    return (Decimal(cents) / 100).quantize(CENT)


def split_proportionally(total: Decimal, weights: Mapping[int, Decimal]) -> dict[int, Decimal]:
    """Split `total` across keys in proportion to `weights`, exactly to the cent.

    Largest-remainder method: each key gets the cents of its exact share rounded
    down; the cents left over go, one each, to the keys with the largest
    fractional remainder, ties broken by the smaller key, so the result is
    deterministic and a key never receives more than its exact share rounded up.
    """
    if total < 0:
        raise ValueError("total must not be negative")
    weight_sum = sum(weights.values(), ZERO)
    if not weights or weight_sum <= 0:
        raise ValueError("weights must be positive")
    total_cents = to_cents(total)
    floors: dict[int, int] = {}
    remainders: list[tuple[Decimal, int]] = []
    for key, weight in weights.items():
        exact = Decimal(total_cents) * weight / weight_sum
        floor = int(exact.to_integral_value(rounding=ROUND_DOWN))
        floors[key] = floor
        remainders.append((exact - floor, key))
    left = total_cents - sum(floors.values())
    remainders.sort(key=lambda item: (-item[0], item[1]))
    for _remainder, key in remainders[:left]:
        floors[key] += 1
    return {key: from_cents(cents) for key, cents in floors.items()}


def total(amounts: Sequence[Decimal]) -> Decimal:
    return sum(amounts, ZERO)
