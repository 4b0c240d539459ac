"""
Per-rule unit tests of the pure arithmetic: rounding, units, margin, funding and prices.

Every expected number is worked out by hand from the formulas in spec/ (and the chain
semantics they mirror); the working is written next to each case.  Notation in the
comments: floor rounds toward -inf, ceil toward +inf, trunc toward 0.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from perpspec.events import PriceOutcome
from perpspec.funding import funding_settlement_ppm, settlement_quote_quantums
from perpspec.margin import (
    Risk,
    adjusted_initial_margin_ppm,
    initial_margin_quote_quantums,
    is_initially_collateralized,
    is_liquidatable,
    is_maintenance_collateralized,
    maintenance_margin_ppm,
    perpetual_margin_requirements,
    position_net_notional_quote_quantums,
    risk_compare,
)
from perpspec.messages import SourcePrice
from perpspec.oracle import (
    is_price_change_sufficient,
    is_source_fresh,
    median_round_half_away_from_zero,
    min_price_change_amount,
)
from perpspec.prices import compute_market_price_result
from perpspec.rounding import (
    ONE_MILLION,
    Rounding,
    ceil_div,
    divide,
    floor_div,
    mean_round_half_away_from_zero,
    mul_pow10,
    mul_ppm_ceil,
    mul_ppm_floor,
    round_fraction,
    trunc_div,
)
from perpspec.state import MarketParam, MarketPrice
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

FLOOR, CEIL, TRUNC = Rounding.FLOOR, Rounding.CEIL, Rounding.TRUNC

TWO_64 = 2**64  # 18446744073709551616; 2^64 = 4^32 = 1 (mod 3), so 2^64 = 3 * 6148914691236517205 + 1
TWO_70 = 2**70  # 1180591620717411303424 (22 digits)
UINT64_MAX = TWO_64 - 1

# Bitcoin as the semantics notes use it: atomic resolution -10, price 2868819524 at exponent -5
# ($28,688.19524 per coin).
BTC_AR, BTC_PRICE, BTC_PE = -10, 2868819524, -5
ONE_BTC = 10**10


def rounded(numerator, divisor):
    """(floor, ceil, trunc) of numerator / divisor via ``divide``."""
    return tuple(divide(numerator, divisor, r) for r in (FLOOR, CEIL, TRUNC))


# --- ROUND ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "numerator, divisor, expected",
    [
        (7, 2, (3, 4, 3)),  # 3.5: floor 3, ceil 4, trunc 3
        (-7, 2, (-4, -3, -3)),  # -3.5: floor -4, ceil -3, trunc -3 (toward zero)
        (0, 5, (0, 0, 0)),  # 0 / 5 = 0 in every direction
        (6, 3, (2, 2, 2)),  # exact: every direction agrees
        (-6, 3, (-2, -2, -2)),
        (-1, 10**6, (-1, 0, 0)),  # -0.000001
        # -(2^70 + 1) / 2 = -2^69 - 0.5: floor -2^69 - 1, ceil and trunc -2^69
        (-(TWO_70 + 1), 2, (-(2**69) - 1, -(2**69), -(2**69))),
    ],
)
def test_round_1_divide_names_its_direction(numerator, divisor, expected):
    """ROUND-1: divide() rounds FLOOR, CEIL or TRUNC as named."""
    assert rounded(numerator, divisor) == expected


def test_round_1_directions_are_the_three_named():
    """ROUND-1: exactly three directions exist."""
    assert {r.name for r in Rounding} == {"FLOOR", "CEIL", "TRUNC"}


@pytest.mark.parametrize("divisor", [0, -1, -2, -(TWO_70)])
@pytest.mark.parametrize(
    "helper",
    [
        floor_div,
        ceil_div,
        trunc_div,
        lambda n, d: divide(n, d, FLOOR),
        lambda n, d: divide(n, d, CEIL),
        lambda n, d: divide(n, d, TRUNC),
    ],
    ids=["floor_div", "ceil_div", "trunc_div", "divide-floor", "divide-ceil", "divide-trunc"],
)
@pytest.mark.parametrize("numerator", [-7, 0, 7, TWO_70])
def test_round_2_non_positive_divisor_is_an_assertion(helper, numerator, divisor):
    """ROUND-2: a zero or negative divisor fails an assertion, whatever the numerator."""
    with pytest.raises(AssertionError):
        helper(numerator, divisor)


@pytest.mark.parametrize(
    "numerator, divisor, expected",
    [
        (7, 3, 2),  # 2.33 -> 2
        (-7, 3, -3),  # -2.33 -> -3 (toward -inf, not toward zero)
        (0, 3, 0),
        (9, 3, 3),  # exact
        (-1, 10**6, -1),  # -0.000001 -> -1
        (1, 10**6, 0),  # 0.000001 -> 0
        (TWO_64, 3, 6148914691236517205),  # (3k + 1) / 3 -> k
        (-TWO_64, 3, -6148914691236517206),  # -(3k + 1) / 3 -> -k - 1
    ],
)
def test_round_3_floor_div(numerator, divisor, expected):
    """ROUND-3: floor_div(n, d) = floor(n / d)."""
    assert floor_div(numerator, divisor) == expected


@pytest.mark.parametrize(
    "numerator, divisor, expected",
    [
        (7, 3, 3),  # 2.33 -> 3
        (-7, 3, -2),  # -2.33 -> -2 (toward +inf)
        (0, 3, 0),
        (6, 3, 2),  # exact
        (1, 10**6, 1),  # 0.000001 -> 1
        (-1, 10**6, 0),  # -0.000001 -> 0
        (TWO_64, 3, 6148914691236517206),  # (3k + 1) / 3 -> k + 1
        (-TWO_64, 3, -6148914691236517205),  # -(3k + 1) / 3 -> -k
    ],
)
def test_round_4_ceil_div(numerator, divisor, expected):
    """ROUND-4: ceil_div(n, d) = ceil(n / d) = -floor(-n / d)."""
    assert ceil_div(numerator, divisor) == expected


@pytest.mark.parametrize(
    "numerator, divisor, expected",
    [
        (7, 3, 2),  # 2.33 -> 2
        (-7, 3, -2),  # -2.33 -> -2 (toward zero)
        (0, 7, 0),
        (-1, 2, 0),  # -0.5 -> 0
        (-6, 3, -2),  # exact
        (-TWO_64, 3, -6148914691236517205),  # -(3k + 1) / 3 -> -k
        (TWO_64 + 2, 3, 6148914691236517206),  # 3(k + 1) / 3 = k + 1 exactly
    ],
)
def test_round_5_trunc_div(numerator, divisor, expected):
    """ROUND-5: trunc_div rounds toward zero on both sides."""
    assert trunc_div(numerator, divisor) == expected


@pytest.mark.parametrize(
    "value, ppm, floor_expected, ceil_expected",
    [
        (10**6, 50_000, 50_000, 50_000),  # 1e6 * 5e4 / 1e6 = 50000 exactly
        (3, 500_000, 1, 2),  # 3 * 0.5 = 1.5
        (-3, 500_000, -2, -1),  # -1.5: floor -2, ceil -1
        (0, 999_999, 0, 0),
        (1, 1, 0, 1),  # 1e-6
        (-1, 1, -1, 0),  # -1e-6
        (12345, ONE_MILLION, 12345, 12345),  # 100% is the identity
        (TWO_64, 1, 18446744073709, 18446744073710),  # 2^64 / 1e6 = 18446744073709.551616
        (-TWO_64, 1, -18446744073710, -18446744073709),
    ],
)
def test_round_6_mul_ppm(value, ppm, floor_expected, ceil_expected):
    """ROUND-6: mul_ppm_floor = floor(v*p/1e6), mul_ppm_ceil = ceil(v*p/1e6)."""
    assert mul_ppm_floor(value, ppm) == floor_expected
    assert mul_ppm_ceil(value, ppm) == ceil_expected


@pytest.mark.parametrize(
    "value, exponent, expected",
    [
        # non-negative exponent: exact multiplication, direction irrelevant
        (5, 3, (5000, 5000, 5000)),
        (-5, 0, (-5, -5, -5)),
        (3, 25, (3 * 10**25,) * 3),
        (0, 10, (0, 0, 0)),
        # negative exponent: division by 10^-e in the named direction
        (1234, -2, (12, 13, 12)),  # 12.34
        (-1234, -2, (-13, -12, -12)),  # -12.34
        (10, -1, (1, 1, 1)),  # exact
        (9, -1, (0, 1, 0)),  # 0.9 (shift 1 = digits 1: the division path)
        (-9, -1, (-1, 0, 0)),  # -0.9
        (99, -2, (0, 1, 0)),  # 0.99
        (-100, -3, (-1, 0, 0)),  # -0.1 (shift 3 = digits 3)
        (TWO_70, -20, (11, 12, 11)),  # 1180591620717411303424 / 1e20 = 11.8059...
        (-TWO_70, -20, (-12, -11, -11)),
        # the shortcut: 10^shift has more digits than |value|, so the quotient is in (-1, 1)
        (-5, -100, (-1, 0, 0)),  # -5e-100: floor -1, ceil 0, trunc 0
        (5, -100, (0, 1, 0)),  # 5e-100: floor 0, ceil 1, trunc 0
        (0, -100, (0, 0, 0)),
        (-TWO_70, -30, (-1, 0, 0)),  # 22 digits < 30
        (-1, -(10**9), (-1, 0, 0)),  # would need a billion-digit power without the shortcut
    ],
)
def test_round_7_mul_pow10(value, exponent, expected):
    """ROUND-7: mul_pow10(v, e, r) = v*10^e, or v / 10^-e rounded by r, with the long-power shortcut."""
    assert tuple(mul_pow10(value, exponent, r) for r in (FLOOR, CEIL, TRUNC)) == expected


def test_round_7_shortcut_example_from_the_spec():
    """ROUND-7: mul_pow10(-5, -100, FLOOR) == -1."""
    assert mul_pow10(-5, -100, FLOOR) == -1


@pytest.mark.parametrize(
    "value, expected",
    [
        (Fraction(7, 2), (3, 4, 3)),  # 3.5
        (Fraction(-7, 2), (-4, -3, -3)),  # -3.5
        (Fraction(0), (0, 0, 0)),
        (Fraction(5), (5, 5, 5)),  # an integer is its own rounding
        (Fraction(-1, 3), (-1, 0, 0)),
        (Fraction(6, -4), (-2, -1, -1)),  # normalises to -3/2
        (Fraction(TWO_70 + 1, TWO_70), (1, 2, 1)),  # 1 + 2^-70
        (Fraction(-(TWO_70 + 1), TWO_70), (-2, -1, -1)),
    ],
)
def test_round_8_round_fraction(value, expected):
    """ROUND-8: round_fraction rounds an exact rational by the named direction."""
    assert tuple(round_fraction(value, r) for r in (FLOOR, CEIL, TRUNC)) == expected


@pytest.mark.parametrize(
    "first, second, expected",
    [
        (1, 2, 2),  # 1.5 -> 2
        (-2, -1, -2),  # -1.5 -> -2
        (-3, 0, -2),  # -1.5 -> -2
        (-1, 2, 1),  # 0.5 -> 1
        (-1, 0, -1),  # -0.5 -> -1
        (0, 1, 1),  # 0.5 -> 1
        (-1, 1, 0),  # 0 exactly
        (0, 0, 0),
        (2, 4, 3),  # exact
        (3, 4, 4),  # 3.5 -> 4
        (-4, -3, -4),  # -3.5 -> -4
        (UINT64_MAX, TWO_64, TWO_64),  # 2^64 - 0.5 -> 2^64
        (-TWO_64, -TWO_64 + 1, -TWO_64),  # -2^64 + 0.5 -> -2^64
    ],
)
def test_round_9_mean_round_half_away_from_zero(first, second, expected):
    """ROUND-9: (x + y) / 2 to the nearest integer, exact halves away from zero."""
    assert mean_round_half_away_from_zero(first, second) == expected
    assert mean_round_half_away_from_zero(second, first) == expected


# --- UNITS ------------------------------------------------------------------------------


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


# --- MARGIN -----------------------------------------------------------------------------


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


@pytest.mark.parametrize(
    "nc, mmr, expected",
    [
        (99, 100, True),  # NC < MMR
        (100, 100, False),  # NC == MMR is maintained
        (101, 100, False),
        (0, 1, True),
        (-1, 1, True),
        (10**30, 10**30 + 1, True),
        (-5, 0, False),  # MMR 0: never liquidatable, however negative the NC
        (-(10**30), 0, False),
        (-10, -5, False),  # a non-positive MMR is never liquidatable
    ],
)
def test_margin_6_is_liquidatable(nc, mmr, expected):
    """MARGIN-6: liquidatable iff MMR > 0 and NC < MMR."""
    assert bool(is_liquidatable(nc, mmr)) is expected


@pytest.mark.parametrize(
    "risk, initially, maintained",
    [
        (Risk(100, 100, 50), True, True),  # NC >= IMR and NC >= MMR
        (Risk(99, 100, 50), False, True),
        (Risk(49, 100, 50), False, False),
        (Risk(0, 0, 0), True, True),
    ],
)
def test_margin_6_collateralization_predicates(risk, initially, maintained):
    """MARGIN-6: initially collateralized NC >= IMR; maintenance collateralized NC >= MMR."""
    assert is_initially_collateralized(risk) is initially
    assert is_maintenance_collateralized(risk) is maintained


@pytest.mark.parametrize(
    "first, second, expected",
    [
        # primary key sign(nc2 * mmr1 - nc1 * mmr2)
        ((100, 50), (300, 100), 1),  # 300*50 - 100*100 = 5000 > 0: ratio 2 < 3, first riskier
        ((300, 100), (100, 50), -1),
        ((-10, 5), (-10, 10), 1),  # -10*5 - (-10)*10 = 50 > 0: ratio -2 < -1
        ((100, 0), (100, 50), -1),  # 100*0 - 100*50 = -5000: no MMR is safer
        ((-100, 0), (100, 50), 1),  # 100*0 - (-100)*50 = 5000: negative NC without MMR is riskier
        # tie, MMRs not both 0: the larger MMR is riskier, sign(mmr1 - mmr2)
        ((100, 50), (200, 100), -1),  # 200*50 - 100*100 = 0; sign(50 - 100)
        ((200, 100), (100, 50), 1),
        ((0, 5), (0, 10), -1),  # 0 - 0 = 0; sign(5 - 10)
        ((TWO_70, TWO_64), (2**71, 2**65), -1),  # 2^71*2^64 - 2^70*2^65 = 0; sign(2^64 - 2^65)
        # tie, both MMRs 0: less NC is riskier, sign(nc2 - nc1)
        ((5, 0), (10, 0), 1),
        ((10, 0), (5, 0), -1),
        ((-3, 0), (-3, 0), 0),
        ((100, 50), (100, 50), 0),  # identical
    ],
)
def test_margin_7_risk_compare(first, second, expected):
    """MARGIN-7: risk order by NC/MMR cross-multiplication, with both tie-breaks."""
    assert risk_compare(*first, *second) == expected


# --- FUND -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "perp_index, position_index, q, expected_settlement",
    [
        (150, 100, 10, -500),  # index rose by 50: a long of 10 pays -(50) * 10 = -500
        (150, 100, -10, 500),  # a short of 10 receives -(50) * -10 = 500
        (100, 150, 10, 500),  # index fell by 50: the long receives
        (150, 150, 10, 0),  # unchanged index
        (150, 100, 0, 0),  # no position
        (-5, 3, 7, 56),  # -(-5 - 3) * 7 = 56
        (TWO_70, -TWO_70, TWO_64, -(2**135)),  # -(2^71) * 2^64
    ],
)
def test_fund_1_funding_settlement_ppm(perp_index, position_index, q, expected_settlement):
    """FUND-1: settlement = -(I_perp - I_pos) * q, new index I_perp; a long pays when the index rises."""
    assert funding_settlement_ppm(perp_index, position_index, q) == (expected_settlement, perp_index)


@pytest.mark.parametrize(
    "total_ppm, expected",
    [
        (-1, -1),  # -0.000001 -> -1: the payer pays the fraction
        (999_999, 0),  # 0.999999 -> 0: the receiver forgoes it
        (1_000_000, 1),
        (-1_000_000, -1),
        (-1_000_001, -2),
        (0, 0),
        (2_500_000, 2),
        (-2_500_000, -3),
        (-TWO_70, -1180591620717412),  # -1180591620717411.303424 -> -1180591620717412
    ],
)
def test_fund_2_settlement_quote_quantums_floors(total_ppm, expected):
    """FUND-2: usdc change = floor(total_ppm / 1e6), toward -inf."""
    assert settlement_quote_quantums(total_ppm) == expected


def test_fund_2_settlements_are_summed_before_rounding():
    """FUND-2: two receipts of 0.3 and 0.8 quote quantums pay 1 when summed (0 each if rounded apart)."""
    first, _ = funding_settlement_ppm(100, 130, 10_000)  # -(-30) * 10000 = 300000 ppm
    second, _ = funding_settlement_ppm(200, 280, 10_000)  # -(-80) * 10000 = 800000 ppm
    assert settlement_quote_quantums(first + second) == 1  # floor(1.1)
    assert settlement_quote_quantums(first) + settlement_quote_quantums(second) == 0


# --- PRICE ------------------------------------------------------------------------------


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


BLOCK_TIME = 1_700_000_000
MAX_AGE = 30


@pytest.mark.parametrize(
    "timestamp, max_age, expected",
    [
        (BLOCK_TIME, MAX_AGE, True),  # age 0
        (BLOCK_TIME - MAX_AGE, MAX_AGE, True),  # age == max accepted
        (BLOCK_TIME - MAX_AGE - 1, MAX_AGE, False),  # max + 1: stale
        (BLOCK_TIME + 1, MAX_AGE, False),  # from the future
        (BLOCK_TIME, 0, True),  # max age 0: only the block's own second
        (BLOCK_TIME - 1, 0, False),
    ],
)
def test_price_2_is_source_fresh(timestamp, max_age, expected):
    """PRICE-2: a source counts iff 0 <= block_time - timestamp <= max age."""
    assert is_source_fresh(timestamp, BLOCK_TIME, max_age) is expected


def market(min_exchanges=3, min_price_change_ppm=1_000):
    return MarketParam(0, "BTC-USD", BTC_PE, min_exchanges, min_price_change_ppm, MAX_AGE)


def sources(*prices, ages=None):
    ages = ages or [0] * len(prices)
    return [SourcePrice(f"exchange{i}", p, BLOCK_TIME - age) for i, (p, age) in enumerate(zip(prices, ages))]


def aggregate(param, old_price, source_list):
    return compute_market_price_result(param, MarketPrice(0, BTC_PE, old_price), source_list, BLOCK_TIME)


@pytest.mark.parametrize(
    "source_list, valid, dropped",
    [
        (sources(100, 200, 300, ages=[0, 5, MAX_AGE + 1]), 2, 1),  # one stale: 2 fresh < 3
        (sources(100, 200, 300, ages=[0, 5, -1]), 2, 1),  # one from the future
        (sources(100, 200), 2, 0),
        ([], 0, 0),
    ],
)
def test_price_3_too_few_sources_keep_the_price(source_list, valid, dropped):
    """PRICE-3: fewer than min_exchanges fresh sources is INSUFFICIENT_SOURCES and the price stays."""
    result = aggregate(market(min_exchanges=3), BTC_PRICE, source_list)
    assert result.outcome is PriceOutcome.INSUFFICIENT_SOURCES
    assert (result.old_price, result.new_price) == (BTC_PRICE, BTC_PRICE)
    assert (result.valid_sources, result.dropped_sources) == (valid, dropped)


def test_price_3_enough_sources_update():
    """PRICE-3, PRICE-4: exactly min_exchanges fresh sources are enough; the median becomes the price."""
    source_list = sources(1_002_000, 1_003_000, 1_001_000, 5, ages=[0, 0, 0, 99])
    result = aggregate(market(min_exchanges=3), 1_000_000, source_list)
    # fresh: 1002000, 1003000, 1001000 -> median 1002000; moved 2000 >= floor(1e6 * 0.001) = 1000
    assert (result.outcome, result.new_price, result.valid_sources, result.dropped_sources) == (
        PriceOutcome.UPDATED,
        1_002_000,
        3,
        1,
    )


def test_price_5_too_small_change_keeps_the_price():
    """PRICE-5: a median within the minimum change is PRICE_CHANGE_TOO_SMALL and the price stays."""
    # median 1000999 moved 999 < 1000
    result = aggregate(market(min_exchanges=3), 1_000_000, sources(1_000_999, 1_000_999, 1_000_999))
    assert (result.outcome, result.new_price) == (PriceOutcome.PRICE_CHANGE_TOO_SMALL, 1_000_000)


def test_price_5_first_price_is_always_accepted():
    """PRICE-5: a market at price 0 accepts any candidate."""
    result = aggregate(market(min_exchanges=1), 0, sources(1))
    assert (result.outcome, result.new_price) == (PriceOutcome.UPDATED, 1)


@pytest.mark.parametrize(
    "honest, wrong, expected",
    [
        ([100, 101], 10**18, 101),  # sorted 100, 101, 1e18 -> 101
        ([100, 101], 0, 100),  # sorted 0, 100, 101 -> 100
        ([100, 101], -(2**63), 100),
        ([100, 101, 102], 10**18, 102),  # 100, 101, 102, 1e18: mean(101, 102) = 101.5 -> 102
        ([100, 101, 102], 0, 101),  # 0, 100, 101, 102: mean(100, 101) = 100.5 -> 101
        ([100, 104, 102, 106], 1, 102),  # 1, 100, 102, 104, 106 -> 102
        ([100, 102], 101, 101),  # a wrong value inside the range stays inside it
    ],
)
def test_price_8_one_wrong_source_cannot_move_the_price(honest, wrong, expected):
    """PRICE-8: with >= 3 sources and one wrong, the median is within the honest range."""
    median = median_round_half_away_from_zero(honest + [wrong])
    assert median == expected
    assert min(honest) <= median <= max(honest)


def test_price_8_through_aggregation():
    """PRICE-8: one absurd fresh source among three leaves the new price within the honest ones."""
    result = aggregate(market(min_exchanges=3), 1_000_000, sources(1_002_000, UINT64_MAX, 1_003_000))
    # sorted 1002000, 1003000, 2^64 - 1 -> 1003000
    assert (result.outcome, result.new_price) == (PriceOutcome.UPDATED, 1_003_000)
