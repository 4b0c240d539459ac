"""
Per-rule tests of a position's margin (spec/margin.md, MARGIN-1..MARGIN-4): the adjusted
initial margin fraction, the initial and maintenance requirements and the net notional.

Every expected number is worked out by hand from the formulas in spec/ (and the chain
semantics they mirror); the working is written next to each case.  Notation in the
comments: floor rounds toward -inf, ceil toward +inf, trunc toward 0.
"""

from __future__ import annotations

import pytest

from helpers.numbers import BTC_AR, BTC_PE, BTC_PRICE, TWO_64, TWO_70, UINT64_MAX
from perpspec.conformance.builders import ONE_BTC
from perpspec.margin import (
    adjusted_initial_margin_ppm,
    initial_margin_quote_quantums,
    maintenance_margin_ppm,
    perpetual_margin_requirements,
    position_net_notional_quote_quantums,
)
from perpspec.rounding import ONE_MILLION


@pytest.mark.parametrize(
    "imf, lower, upper, oi, expected",
    [
        (50_000, 0, 0, 10**30, 50_000),  # upper cap 0: scaling off
        (50_000, 1_000, 2_000, 1_000, 50_000),  # oi == lower
        (50_000, 1_000, 2_000, -5, 50_000),  # oi below lower
        (50_000, 1_000, 2_000, 2_000, ONE_MILLION),  # oi == upper
        (50_000, 1_000, 2_000, 10**30, ONE_MILLION),  # oi above upper
        (50_000, 1_000, 2_000, 1_500, 525_000),  # 50000 + floor(950000 * 500 / 1000) = 50000 + 475000
        (50_000, 0, 3, 1, 366_666),  # 50000 + floor(950000 / 3 = 316666.67) = 50000 + 316666
        (50_000, 0, 3, 2, 683_333),  # 50000 + floor(1900000 / 3 = 633333.33)
        (200_000, 5, 5, 5, 200_000),  # lower == upper: oi <= lower
        (200_000, 5, 5, 6, ONE_MILLION),  # lower == upper: oi >= upper
        (ONE_MILLION, 0, 10, 5, ONE_MILLION),  # 1e6 + floor(0 * ...) = 1e6
        (100_000, 0, 10**18, 10**17, 190_000),  # 100000 + floor(900000 * 1e17 / 1e18) = 100000 + 90000
        (0, TWO_64 - 10, UINT64_MAX, TWO_64 - 7, 333_333),  # 0 + floor(1e6 * 3 / 9)
    ],
)
def test_margin_1_adjusted_initial_margin_ppm(imf, lower, upper, oi, expected):
    """MARGIN-1: imf, 1e6, or imf + floor((1e6 - imf)(oi - lower)/(upper - lower))."""
    assert adjusted_initial_margin_ppm(imf, lower, upper, oi) == expected


@pytest.mark.parametrize(
    "notional, imf, lower, upper, oi, expected",
    [
        (1_000_001, 50_000, 0, 0, 0, 50_001),  # 1000001 * 0.05 = 50000.05 -> ceil 50001
        (1_000_000, 50_000, 0, 0, 0, 50_000),  # exact
        (0, 50_000, 0, 0, 0, 0),
        (1, 1, 0, 0, 0, 1),  # 1e-6 -> 1
        (1_000_000, 50_000, 1_000, 2_000, 1_500, 525_000),  # adjusted imf 525000 (MARGIN-1 case above)
        (3, 50_000, 1_000, 2_000, 1_500, 2),  # 3 * 0.525 = 1.575 -> 2
        (123_456_789, 50_000, 1_000, 2_000, 2_000, 123_456_789),  # oi at upper: 100%
        (TWO_64, 50_000, 0, 0, 0, 922337203685477581),  # 2^64 / 20 = 922337203685477580.8 -> ceil
        (-1_000_001, 50_000, 0, 0, 0, -50_000),  # -50000.05 -> ceil -50000
    ],
)
def test_margin_2_initial_margin_quote_quantums(notional, imf, lower, upper, oi, expected):
    """MARGIN-2: IMR = ceil(notional * adjusted_imf / 1e6)."""
    assert initial_margin_quote_quantums(notional, imf, lower, upper, oi) == expected


@pytest.mark.parametrize(
    "imf, mf, expected",
    [
        (50_000, 600_000, 30_000),  # 50000 * 0.6
        (3, 500_000, 1),  # 1.5 -> 1 (floor)
        (ONE_MILLION, ONE_MILLION, ONE_MILLION),
        (0, 600_000, 0),
        (50_000, 0, 0),
        (999_999, 999_999, 999_998),  # 999998000001 / 1e6 = 999998.000001 -> 999998
    ],
)
def test_margin_3_maintenance_margin_ppm(imf, mf, expected):
    """MARGIN-3: maintenance_margin_ppm = floor(imf * mf / 1e6)."""
    assert maintenance_margin_ppm(imf, mf) == expected


# Simple units for the requirement cases: ar -6, price 1, exponent 0 gives e = 0, so the
# notional of q base quantums is |q| quote quantums.
SIMPLE = dict(atomic_resolution=-6, price_value=1, price_exponent=0)


BTC_MARKET = dict(atomic_resolution=BTC_AR, price_value=BTC_PRICE, price_exponent=BTC_PE)


@pytest.mark.parametrize(
    "q, imf, mf, oi, lower, upper, market, expected",
    [
        # one BTC: notional 28688195240; base IMR = 28688195240 * 0.05 = 1434409762 (exact);
        # MMR = ceil(1434409762 * 0.6 = 860645857.2) = 860645858
        (ONE_BTC, 50_000, 600_000, 0, 0, 0, BTC_MARKET, (1434409762, 860645858)),
        # notional 30: base IMR = ceil(1.5) = 2; MMR = ceil(2 * 0.6 = 1.2) = 2.
        # (one step, ceil(30 * 30000 / 1e6 = 0.9), would give 1)
        (30, 50_000, 600_000, 0, 0, 0, SIMPLE, (2, 2)),
        (-30, 50_000, 600_000, 0, 0, 0, SIMPLE, (2, 2)),  # a short's notional is |q|
        # imf 3, mf 0.5: base IMR = 1e6 * 3 / 1e6 = 3; MMR = ceil(1.5) = 2
        # (the floored ppm, maintenance_margin_ppm(3, 500000) = 1, would give 1)
        (10**6, 3, 500_000, 0, 0, 0, SIMPLE, (3, 2)),
        # OI scales the IMR only: oi 1500 between caps -> adjusted imf 525000, IMR 525000;
        # MMR = ceil(ceil(1e6 * 0.05) * 0.6) = 30000, unscaled
        (10**6, 50_000, 600_000, 1_500, 1_000, 2_000, SIMPLE, (525_000, 30_000)),
        (10**6, 50_000, 600_000, 5_000, 1_000, 2_000, SIMPLE, (10**6, 30_000)),  # oi >= upper: 100%
        # OI converted at the oracle price: 1 BTC of OI is 28688195240 quote quantums, half the
        # upper cap 57376390480 -> imf = 50000 + floor(950000 / 2) = 525000;
        # IMR = 28688195240 * 0.525 = 15061302501 (exact); MMR as in the first case
        (ONE_BTC, 50_000, 600_000, ONE_BTC, 0, 57376390480, BTC_MARKET, (15061302501, 860645858)),
        (0, 50_000, 600_000, 0, 0, 0, SIMPLE, (0, 0)),
    ],
)
def test_margin_2_margin_3_perpetual_margin_requirements(q, imf, mf, oi, lower, upper, market, expected):
    """MARGIN-2, MARGIN-3: IMR = ceil(n * adj_imf / 1e6); MMR = ceil(ceil(n * imf / 1e6) * mf / 1e6)."""
    assert (
        perpetual_margin_requirements(
            q,
            **market,
            initial_margin_ppm=imf,
            maintenance_fraction_ppm=mf,
            open_interest_base_quantums=oi,
            open_interest_lower_cap=lower,
            open_interest_upper_cap=upper,
        )
        == expected
    )


@pytest.mark.parametrize(
    "q, market, expected",
    [
        (ONE_BTC, BTC_MARKET, 28688195240),  # long one BTC
        (-ONE_BTC, BTC_MARKET, -28688195240),  # short one BTC
        (-1, BTC_MARKET, -2),  # -2.868819524 truncates to -2, not -3
        (0, BTC_MARKET, 0),
        (-TWO_70, SIMPLE, -TWO_70),  # e = 0
    ],
)
def test_margin_4_position_net_notional(q, market, expected):
    """MARGIN-4: a position's net notional is base_to_quote(q), signed, truncated."""
    assert position_net_notional_quote_quantums(q, **market) == expected
