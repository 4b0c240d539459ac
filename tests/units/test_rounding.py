"""
Per-rule tests of rounding (spec/rounding.md, ROUND-1..ROUND-9): the only place that divides.

Every expected number is worked out by hand from the formulas in spec/ (and the chain
semantics they mirror); the working is written next to each case.  Notation in the
comments: floor rounds toward -inf, ceil toward +inf, trunc toward 0.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from helpers.numbers import CEIL, FLOOR, TRUNC, TWO_64, TWO_70, UINT64_MAX
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


def rounded(numerator, divisor):
    """(floor, ceil, trunc) of numerator / divisor via ``divide``."""
    return tuple(divide(numerator, divisor, r) for r in (FLOOR, CEIL, TRUNC))


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
