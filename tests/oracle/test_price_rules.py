"""
Per-rule tests of the oracle's pure rules (spec/prices.md): the median (PRICE-4) and the
minimum price change (PRICE-5).

Every expected number is worked out by hand from the formulas in spec/ (and the chain
semantics they mirror); the working is written next to each case.  Notation in the
comments: floor rounds toward -inf, ceil toward +inf, trunc toward 0.
"""

from __future__ import annotations

import pytest

from helpers.numbers import BTC_PRICE, UINT64_MAX
from perpspec.oracle import is_price_change_sufficient, median_round_half_away_from_zero, min_price_change_amount


@pytest.mark.parametrize(
    "values, expected",
    [
        ([5], 5),
        ([3, 1, 2], 2),  # odd: the middle of 1, 2, 3
        ([1, 2], 2),  # even: 1.5 -> 2
        ([1, 3], 2),
        ([4, 1, 3, 2], 3),  # mean(2, 3) = 2.5 -> 3
        ([7, 7, 7, 7], 7),
        ([-5, -1, -3], -3),  # odd, negatives
        ([-1, -2], -2),  # -1.5 -> -2
        ([-4, -1, -2, -3], -3),  # mean(-3, -2) = -2.5 -> -3
        ([-1, 2], 1),  # mixed: 0.5 -> 1
        ([-3, 0], -2),  # -1.5 -> -2
        ([-2, 1], -1),  # -0.5 -> -1
        ([-1, 1], 0),
        ([10, -7, 3, -2], 1),  # sorted -7, -2, 3, 10: mean(-2, 3) = 0.5 -> 1
        ([UINT64_MAX, UINT64_MAX - 1], UINT64_MAX),  # 2^64 - 1.5 -> 2^64 - 1
        ([UINT64_MAX, 0, UINT64_MAX], UINT64_MAX),
        ([-(2**63), -(2**63) + 1], -(2**63)),  # -2^63 + 0.5 -> -2^63
        ([2**63 - 1, -(2**63)], -1),  # sum -1: -0.5 -> -1
    ],
)
def test_price_4_median(values, expected):
    """PRICE-4: middle value, or the mean of the two middle values rounded half away from zero."""
    before = list(values)
    assert median_round_half_away_from_zero(values) == expected
    assert values == before  # the caller's list is not reordered


@pytest.mark.parametrize(
    "price, ppm, expected",
    [
        (BTC_PRICE, 1_000, 2868819),  # 2868819524 * 0.001 = 2868819.524 -> 2868819
        (999, 1_000, 0),  # 0.999 -> 0
        (1_000, 1_000, 1),
        (0, 9_999, 0),
        (UINT64_MAX, 9_999, 184448993993021806),  # 184448993993021806598385 / 1e6 -> floor
    ],
)
def test_price_5_min_price_change_amount(price, ppm, expected):
    """PRICE-5: the minimum move is floor(old * ppm / 1e6)."""
    assert min_price_change_amount(price, ppm) == expected


@pytest.mark.parametrize(
    "old, new, ppm, expected",
    [
        (0, 1, 1, True),  # old 0: the threshold is 0, any candidate is accepted
        (0, 0, 9_999, True),
        (0, 10**18, 1, True),
        (1_000_000, 1_001_000, 1_000, True),  # threshold 1000, moved 1000
        (1_000_000, 1_000_999, 1_000, False),  # moved 999
        (1_000_000, 999_000, 1_000, True),  # down by 1000
        (1_000_000, 999_001, 1_000, False),
        (999, 999, 1_000, True),  # threshold floor(0.999) = 0: no move is enough
        (1_000, 1_000, 1_000, False),  # threshold 1, moved 0
    ],
)
def test_price_5_is_price_change_sufficient(old, new, ppm, expected):
    """PRICE-5: |new - old| >= floor(old * ppm / 1e6); always true when old is 0."""
    assert is_price_change_sufficient(old, new, ppm) is expected
