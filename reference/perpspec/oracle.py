"""
Oracle arithmetic: the pure half of price updates (spec/prices.md, PRICE-2, PRICE-4, PRICE-5).

Freshness of a source, the median of the fresh prices and the minimum-change rule, on
integers (and, for the proofs, on z3 terms); ``perpspec.prices`` applies them to the state.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from perpspec.rounding import mean_round_half_away_from_zero, mul_ppm_floor


def median_round_half_away_from_zero(values: Sequence[Any]) -> Any:
    """
    The median of a non-empty list (PRICE-4).

    Odd length: the middle value of the sorted list.  Even length: the mean of the two
    middle values, rounded to the nearest integer with halves away from zero.
    """
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2 == 1:
        return ordered[middle]
    return mean_round_half_away_from_zero(ordered[middle - 1], ordered[middle])


def min_price_change_amount(current_price: Any, min_price_change_ppm: Any) -> Any:
    """The smallest accepted move from the current price: floor(price * ppm / 1e6) (PRICE-5)."""
    return mul_ppm_floor(current_price, min_price_change_ppm)


def is_source_fresh(timestamp: int, block_time: int, max_age_seconds: int) -> bool:
    """A source counts if its timestamp is not after the block and at most max age old (PRICE-2)."""
    return 0 <= block_time - timestamp <= max_age_seconds


def is_price_change_sufficient(old_price: int, new_price: int, min_price_change_ppm: int) -> bool:
    """|new - old| >= floor(old * ppm / 1e6); always true while the old price is 0 (PRICE-5)."""
    least: int = min_price_change_amount(old_price, min_price_change_ppm)
    return abs(new_price - old_price) >= least
