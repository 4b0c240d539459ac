"""
Oracle arithmetic: the pure half of price updates (spec/prices.md, PRICE-2, PRICE-4, PRICE-5, PRICE-10).

Freshness of a source, the median of the fresh prices, the minimum-change rule and the
acceptance of a proposed price against the index price, on integers (and, for the proofs,
on z3 terms); ``perpspec.prices`` applies them to the state.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from perpspec.rounding import (
    ONE_MILLION,
    both,
    either,
    floor_div,
    mean_round_half_away_from_zero,
    mul_ppm_floor,
    select,
)


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


# --- acceptance of a proposed price against the index price (PRICE-10) -----------------


def compute_tick_size_ppm(old_price: Any, min_price_change_ppm: Any) -> Any:
    """One tick at the current price, times 1e6: old * minPriceChangePpm, exact (PRICE-10). Go: ``computeTickSizePpm``."""
    return old_price * min_price_change_ppm


def price_delta_within_one_tick(price_delta: Any, tick_size_ppm: Any) -> Any:
    """Whether a price distance is at most one tick: delta * 1e6 <= tick_size_ppm, exact (PRICE-10). Go: ``priceDeltaIsWithinOneTick``."""
    return price_delta * ONE_MILLION <= tick_size_ppm


def price_update_sqrt_condition(new_delta: Any, old_delta: Any, tick_size_ppm: Any) -> Any:
    """
    Whether a crossing proposal lands within the square root of the old distance in ticks:
    new_delta^2 * 1e6 <= old_delta * tick_size_ppm, exact (PRICE-10).

    This is new_ticks <= sqrt(old_ticks) with both sides multiplied out, so nothing rounds.
    Go: ``newPriceMeetsSqrtCondition``.
    """
    return new_delta * new_delta * ONE_MILLION <= old_delta * tick_size_ppm


def max_allowed_price_delta(old_delta: int, tick_size_ppm: int) -> int:
    """
    The largest distance from the index a crossing proposal may land at, as Go reports it:
    isqrt(floor(old_delta * tick_size_ppm / 1e6)) (PRICE-10).

    Both roundings go down; the acceptance test itself is ``price_update_sqrt_condition``,
    exact.  Go: ``maximumAllowedPriceDelta`` (for its error message); the caller keeps the
    product non-negative.
    """
    return math.isqrt(floor_div(old_delta * tick_size_ppm, ONE_MILLION))


def _absolute_difference(first: Any, second: Any) -> Any:
    return select(first >= second, first - second, second - first)


def is_towards_index_price(old_price: Any, index_price: Any, new_price: Any) -> Any:
    """Whether the new price lies between the old and the index price, both included (PRICE-10). Go: ``isTowardsIndexPrice``."""
    low = select(old_price <= index_price, old_price, index_price)
    high = select(old_price <= index_price, index_price, old_price)
    return both(new_price >= low, new_price <= high)


def is_crossing_index_price(old_price: Any, index_price: Any, new_price: Any) -> Any:
    """Whether the index lies strictly between the old and the new price (PRICE-10). Go: ``isCrossingIndexPrice``."""
    low = select(old_price <= new_price, old_price, new_price)
    high = select(old_price <= new_price, new_price, old_price)
    return both(index_price > low, index_price < high)


def is_proposed_price_accurate(old_price: Any, index_price: Any, new_price: Any, min_price_change_ppm: Any) -> Any:
    """
    Whether a proposed price is close enough to the index price to be accepted (PRICE-10).

    Accepted: a move toward the index (or onto it); a move that crosses the index and, when the
    old price was within one tick of the index, lands no farther from it than the old price
    was, and otherwise satisfies the square-root condition.  Rejected: a move away from the
    index.  Go: ``Keeper.validatePriceAccuracy``.
    """
    tick_size_ppm = compute_tick_size_ppm(old_price, min_price_change_ppm)
    old_delta = _absolute_difference(old_price, index_price)
    new_delta = _absolute_difference(index_price, new_price)
    crossing_accepted = select(
        price_delta_within_one_tick(old_delta, tick_size_ppm),
        new_delta <= old_delta,
        price_update_sqrt_condition(new_delta, old_delta, tick_size_ppm),
    )
    return either(
        is_towards_index_price(old_price, index_price, new_price),
        both(is_crossing_index_price(old_price, index_price, new_price), crossing_accepted),
    )
