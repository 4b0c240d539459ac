"""
Per-rule tests of units (spec/units.md, UNITS-1..UNITS-8): quote and base quantums, oracle
prices, subticks, ppm and the conversions between them.

Every expected number is worked out by hand from the formulas in spec/ (and the chain
semantics they mirror); the working is written next to each case.  Notation in the
comments: floor rounds toward -inf, ceil toward +inf, trunc toward 0.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from helpers.numbers import BTC_AR, BTC_PE, BTC_PRICE, TWO_64, TWO_70, UINT64_MAX
from perpspec.conformance.builders import ONE_BTC
from perpspec.rounding import ONE_MILLION, mul_ppm_ceil, mul_ppm_floor
from perpspec.units import (
    QUOTE_ATOMIC_RESOLUTION,
    USDC_ASSET_ID,
    average_price_subticks,
    base_to_quote_quantums,
    fill_quote_quantums_from_subticks,
    price_to_subticks,
    quote_to_base_quantums,
    subticks_to_price,
)


def test_units_1_quote_quantums_are_micro_usdc():
    """UNITS-1: one quote quantum is 10^-6 USDC, and USDC is asset 0."""
    assert QUOTE_ATOMIC_RESOLUTION == -6
    assert USDC_ASSET_ID == 0
    # A coin with ar -6 priced at $1 (price 1, exponent 0): e = 0 + -6 + 6 = 0, so one
    # base quantum is exactly one quote quantum and 1_000_000 of them are 1 USDC.
    assert base_to_quote_quantums(1, -6, 1, 0) == 1
    assert base_to_quote_quantums(1_000_000, -6, 1, 0) == 1_000_000


@pytest.mark.parametrize(
    "base, ar, price, pe, expected",
    [
        (ONE_BTC, -10, 1, 0, 1_000_000),  # e = 0 + -10 + 6 = -4; 1e10 * 1 / 1e4 = 1e6 ($1)
        (ONE_BTC, -10, 50_000, 0, 50_000_000_000),  # 1e10 * 5e4 / 1e4 = 5e10 ($50,000)
        (1, -10, 1, 0, 0),  # 1 / 1e4 = 0.0001 -> 0
        (-ONE_BTC, -10, 1, 0, -1_000_000),  # a short of one BTC
        (10**9, -9, 1, 0, 1_000_000),  # ETH-style ar -9: e = -3; 1e9 / 1e3 = 1e6
    ],
)
def test_units_2_base_quantums_and_atomic_resolution(base, ar, price, pe, expected):
    """UNITS-2: 10^-ar base quantums are one coin (1 BTC = 10^10 at ar -10)."""
    assert base_to_quote_quantums(base, ar, price, pe) == expected


@pytest.mark.parametrize(
    "base, expected",
    [
        (ONE_BTC, 28688195240),  # e = -5 + -10 + 6 = -9; 1e10 * 2868819524 / 1e9 = 28688195240
        (ONE_BTC // 2, 14344097620),  # 5e9 * 2868819524 / 1e9 = 14344097620
        (1, 2),  # 2868819524 / 1e9 = 2.868819524 -> 2
        (-1, -2),  # -2.868819524 -> -2 (trunc)
    ],
)
def test_units_3_oracle_price_is_value_times_ten_to_exponent(base, expected):
    """UNITS-3: price 2868819524 at exponent -5 is $28,688.19524 per BTC."""
    assert base_to_quote_quantums(base, BTC_AR, BTC_PRICE, BTC_PE) == expected


def test_units_3_eth_example():
    """UNITS-3: ETH at price 1_500_000_000, exponent -6 ($1500), ar -9."""
    # e = -6 + -9 + 6 = -9; 1e9 * 1.5e9 / 1e9 = 1.5e9 quote quantums = $1500
    assert base_to_quote_quantums(10**9, -9, 1_500_000_000, -6) == 1_500_000_000


@pytest.mark.parametrize(
    "base, ar, price, pe, expected",
    [
        (-9, -14, 1, 0, 0),  # e = 0 + -14 + 6 = -8: -9e-8 truncates to 0 (floor would give -1)
        (9, -14, 1, 0, 0),  # 9e-8 -> 0
        (3, -6, 7, 2, 2100),  # e = 2 - 6 + 6 = 2: 3 * 7 * 100 = 2100
        (-3, -6, 7, 2, -2100),
        (-150, -8, 3, 0, -4),  # e = -2: -450 / 100 = -4.5 -> -4 (toward zero)
        (150, -8, 3, 0, 4),  # 4.5 -> 4
        (0, BTC_AR, BTC_PRICE, BTC_PE, 0),
        (5, -10, 0, 0, 0),  # a price of 0 values everything at 0
        (TWO_70, 0, 1, -6, TWO_70),  # e = -6 + 0 + 6 = 0
        (-TWO_70, -10, 1, 0, -118059162071741130),  # e = -4: -1180591620717411303424 / 1e4 = -...130.3424
        (-5, -100, 1, 0, 0),  # e = -94: |quotient| < 1, trunc 0 (shortcut)
        (1, 10, 1, 10, 10**26),  # e = 10 + 10 + 6 = 26
    ],
)
def test_units_4_base_to_quote_quantums(base, ar, price, pe, expected):
    """UNITS-4: trunc(b * p * 10^e), e = pe + ar + 6."""
    assert base_to_quote_quantums(base, ar, price, pe) == expected


@pytest.mark.parametrize(
    "quote, ar, price, pe, expected",
    [
        # BTC, e = -9: 28688195240 * 1e9 / 2868819524 = 1e10 exactly
        (28688195240, BTC_AR, BTC_PRICE, BTC_PE, ONE_BTC),
        # one quantum less: 1e10 - 1e9 / 2868819524 = 1e10 - 0.3486 -> 9999999999
        (28688195239, BTC_AR, BTC_PRICE, BTC_PE, ONE_BTC - 1),
        (-28688195239, BTC_AR, BTC_PRICE, BTC_PE, -(ONE_BTC - 1)),  # trunc, not floor
        (1234, -6, 1, 2, 12),  # e = 2: trunc(1234 / 100) = 12; / 1 = 12
        (-1234, -6, 1, 2, -12),
        (1234, -6, 5, 2, 2),  # trunc(12 / 5) = 2
        (-1299, -6, 3, 2, -4),  # trunc(-12.99) = -12; trunc(-12 / 3) = -4 (= trunc(-1299/300) = trunc(-4.33))
        (0, BTC_AR, BTC_PRICE, BTC_PE, 0),
        (TWO_70, -6, 1, 0, TWO_70),  # e = 0
        # e = -4: -2^70 * 1e4 / 2^10 = -2^60 * 1e4 = -1152921504606846976 * 1e4
        (-TWO_70, -10, 1024, 0, -11529215046068469760000),
        # -(2^70 + 1) * 1e4 / 1024 = -(2^60 * 1e4 + 10000/1024) = -(...0000 + 9.765625) -> -(...0009)
        (-TWO_70 - 1, -10, 1024, 0, -11529215046068469760009),
    ],
)
def test_units_5_quote_to_base_quantums(quote, ar, price, pe, expected):
    """UNITS-5: trunc(trunc(q / 10^e) / p), or trunc(q * 10^-e / p) when e < 0."""
    assert quote_to_base_quantums(quote, ar, price, pe) == expected


@pytest.mark.parametrize(
    "subticks, base, qce, expected",
    [
        (100, 5, -2, 5),  # 500 / 100 = 5
        (7, 3, -1, 2),  # 21 / 10 = 2.1 -> 2
        (19, 1, -1, 1),  # 1.9 -> 1 (floor, not nearest)
        (0, 5, -8, 0),
        (5, 0, 3, 0),
        (1, 1, -9, 0),  # 1e-9 -> 0: a fill may be worth 0 quote quantums
        (3, 4, 2, 1200),  # 12 * 100
        # (2^64 - 1)^2 = 2^128 - 2^65 + 1 = 340282366920938463426481119284349108225; / 1e20 -> 3402823669209384634
        (UINT64_MAX, UINT64_MAX, -20, 3402823669209384634),
        (-7, 3, -1, -3),  # the direction itself is floor: -2.1 -> -3
    ],
)
def test_units_6_fill_quote_quantums_from_subticks(subticks, base, qce, expected):
    """UNITS-6: floor(subticks * base * 10^qce)."""
    assert fill_quote_quantums_from_subticks(subticks, base, qce) == expected


@pytest.mark.parametrize(
    "quote, base, qce, expected",
    [
        (500, 5, -2, Fraction(10000)),  # 500 * 100 / 5 = 10000
        (7, 3, 0, Fraction(7, 3)),
        (21, 3, 1, Fraction(7, 10)),  # 21 / (3 * 10)
        (-7, 2, -1, Fraction(-35)),  # -70 / 2
        (7, -2, -1, Fraction(-35)),
        (0, 9, -5, Fraction(0)),
        (2, 3, -1, Fraction(20, 3)),  # fill(7, 3, -1) = 2 averages back to 20/3 < 7 subticks
        (TWO_70, TWO_64, -3, Fraction(64000)),  # 2^70 * 1000 / 2^64 = 64 * 1000
    ],
)
def test_units_7_average_price_subticks(quote, base, qce, expected):
    """UNITS-7: average price = quote * 10^-qce / base, an exact reduced rational."""
    result = average_price_subticks(quote, base, qce)
    assert isinstance(result, Fraction)
    assert result == expected


@pytest.mark.parametrize(
    "price, pe, bar, qar, qce, expected",
    [
        # exponent = pe - qce + bar - qar = -5 + 9 - 10 + 6 = 0
        (BTC_PRICE, BTC_PE, BTC_AR, -6, -9, Fraction(BTC_PRICE)),
        # exponent = -5 + 8 - 10 + 6 = -1: 2868819524 / 10 = 1434409762 / 5
        (BTC_PRICE, BTC_PE, BTC_AR, -6, -8, Fraction(1434409762, 5)),
        (5, 0, -6, -6, -2, Fraction(500)),  # exponent = 0 + 2 - 6 + 6 = 2
        (0, BTC_PE, BTC_AR, -6, -8, Fraction(0)),
        (UINT64_MAX, 0, -6, -6, 30, Fraction(UINT64_MAX, 10**30)),  # exponent = -30
    ],
)
def test_units_7_price_to_subticks(price, pe, bar, qar, qce, expected):
    """UNITS-7: subticks = price * 10^(pe - qce + bar - qar), exactly."""
    result = price_to_subticks(price, pe, bar, qar, qce)
    assert isinstance(result, Fraction)
    assert result == expected


@pytest.mark.parametrize(
    "subticks, pe, bar, qar, qce, expected",
    [
        (BTC_PRICE, BTC_PE, BTC_AR, -6, -9, BTC_PRICE),  # exponent 0
        (12345, BTC_PE, BTC_AR, -6, -8, 123450),  # exponent -1: 12345 * 10
        (12345, BTC_PE, BTC_AR, -6, -11, 123),  # exponent = -5 + 11 - 10 + 6 = 2: floor(123.45)
        (0, BTC_PE, BTC_AR, -6, -11, 0),
        (UINT64_MAX, 0, -6, -6, -30, 0),  # exponent 30: (2^64 - 1) / 1e30 < 1 -> 0
        (3, 0, -6, -6, 30, 3 * 10**30),  # exponent -30: 3 * 1e30
    ],
)
def test_units_7_subticks_to_price(subticks, pe, bar, qar, qce, expected):
    """UNITS-7: price = floor(subticks * 10^-(pe - qce + bar - qar))."""
    assert subticks_to_price(subticks, pe, bar, qar, qce) == expected


def test_units_7_price_subticks_round_trip_examples():
    """UNITS-7: subticks_to_price floors, so converting back never exceeds the subticks."""
    # exponent 2: 12345 subticks -> price floor(123.45) = 123 -> 123 * 100 = 12300 <= 12345
    assert price_to_subticks(123, BTC_PE, BTC_AR, -6, -11) == 12300
    # exponent -1: 12345 subticks -> price 123450 -> 123450 / 10 = 12345 (exact)
    assert price_to_subticks(123450, BTC_PE, BTC_AR, -6, -8) == 12345


def test_units_8_parts_per_million():
    """UNITS-8: 1_000_000 ppm is 100%."""
    assert ONE_MILLION == 1_000_000
    # 100% of any value is the value; 50% of 3 is 1.5
    assert mul_ppm_floor(-TWO_70, ONE_MILLION) == -TWO_70
    assert mul_ppm_ceil(3, ONE_MILLION // 2) == 2
