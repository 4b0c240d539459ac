"""
Per-rule tests of the acceptance of a proposed price against the index price (spec/prices.md,
PRICE-10); cases marked "Go" are v4's, from x/prices/keeper/util_test.go.
"""

from __future__ import annotations

import pytest

from perpspec.oracle import (
    compute_tick_size_ppm,
    is_crossing_index_price,
    is_proposed_price_accurate,
    is_towards_index_price,
    max_allowed_price_delta,
    price_delta_within_one_tick,
    price_update_sqrt_condition,
)


@pytest.mark.parametrize(
    "old, index, new, expected",
    [
        (1, 3, 2, True),  # Go TestIsTowardsIndexPrice 'Towards: curr < new < idx'
        (3, 1, 2, True),
        (1, 3, 1, True),  # curr == new < idx
        (1, 3, 3, True),  # new == idx
        (2, 2, 2, True),
        (2, 3, 1, False),  # 'Not Towards: new < curr < idx'
        (3, 2, 1, False),  # new < idx < curr
        (2, 3, 4, False),
    ],
)
def test_price_10_towards(old, index, new, expected):
    """PRICE-10: towards means between old and index, both included."""
    assert is_towards_index_price(old, index, new) is expected


@pytest.mark.parametrize(
    "old, index, new, expected",
    [
        (1, 2, 3, True),  # Go TestIsCrossingIndexPrice 'Crossing: curr < index < new'
        (3, 2, 1, True),
        (1, 3, 2, False),
        (1, 2, 2, False),  # 'Not Crossing: curr < new = index'
        (2, 2, 1, False),  # new < curr = index
        (2, 1, 3, False),
    ],
)
def test_price_10_crossing(old, index, new, expected):
    """PRICE-10: crossing means the index strictly between old and new."""
    assert is_crossing_index_price(old, index, new) is expected


def test_price_10_tick_and_conditions_go_cases():
    """PRICE-10: Go TestComputeTickSizePpm, TestPriceDeltaIsWithinOneTick, TestNewPriceMeetSqrtCondition, TestMaximumAllowedPriceDelta."""
    assert compute_tick_size_ppm(1_000_000_000_000, 50) == 50_000_000_000_000
    assert price_delta_within_one_tick(500_000, 600_000_000_000)
    assert price_delta_within_one_tick(500_000, 500_000_000_000)  # exactly one tick
    assert not price_delta_within_one_tick(500_000, 400_000_000_000)
    assert price_update_sqrt_condition(4_999, 500_000, 50_000_000)
    assert price_update_sqrt_condition(5_000, 500_000, 50_000_000)  # 5000^2 * 1e6 = 500000 * 5e7
    assert not price_update_sqrt_condition(5_001, 500_000, 50_000_000)
    assert max_allowed_price_delta(512_345, 567_899) == 539  # isqrt(floor(290958.4)) = isqrt(290958) = 539
    assert max_allowed_price_delta(50, 567_000) == 5  # isqrt(28)
    assert max_allowed_price_delta(0, 0) == 0


@pytest.mark.parametrize(
    "old, index, new, expected",
    [
        # old 1_000_000 at 1000 ppm: one tick is 1000 (tick_size_ppm 1e9)
        (1_000_000, 1_100_000, 1_050_000, True),  # towards the index
        (1_000_000, 1_100_000, 990_000, False),  # away from it
        # crossing, far from the index: old_delta 100_000 = 100 ticks, sqrt = 10 ticks = 10_000
        (1_000_000, 1_100_000, 1_110_000, True),  # new_delta 10_000: 1e8 * 1e6 <= 1e5 * 1e9
        (1_000_000, 1_100_000, 1_110_001, False),  # one more is over
        # crossing, within one tick: old_delta 800 <= 1000, so new_delta <= 800
        (1_000_000, 1_000_800, 1_001_600, True),
        (1_000_000, 1_000_800, 1_001_601, False),
        # a new market (old price 0): tick 0; anything above the index crosses and fails
        (0, 500, 400, True),
        (0, 500, 501, False),
    ],
)
def test_price_10_proposed_price_accuracy(old, index, new, expected):
    """PRICE-10: towards is accepted; crossing within one tick may not land farther; otherwise the square root bounds it."""
    assert is_proposed_price_accurate(old, index, new, 1_000) is expected
