"""
What the hypothesis properties of the catalogue functions share (spec/catalogue.md, CAT-1):
their settings, strategies, and the exact oracles they check the functions against
(``Fraction`` arithmetic, rounding directions, and Go's integer division and ``lib.Median``).
"""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import settings
from hypothesis import strategies as st

from helpers.budget import examples
from helpers.numbers import CEIL, FLOOR, TRUNC
from perpspec.rounding import ONE_MILLION, Rounding
from perpspec.units import INT64_MAX, INT64_MIN, UINT64_MAX, compute_quote_exponent

PROPERTY = settings(max_examples=examples(200), deadline=None)
"""200 examples under the ``ci`` profile, derandomized there (tests/conftest.py)."""

# --- strategies -------------------------------------------------------------------------

EXPONENT = st.integers(-30, 30)
BIG = st.integers(-(2**80), 2**80)
NON_NEGATIVE = st.integers(0, 2**80)
NON_ZERO = BIG.filter(lambda n: n != 0)
UINT64 = st.integers(0, UINT64_MAX)
INT64 = st.integers(INT64_MIN, INT64_MAX)
PRICE = st.integers(1, UINT64_MAX)
PPM = st.integers(0, ONE_MILLION)
PRICE_CHANGE_PPM = st.integers(1, 9_999)
# Caps and open interest mix small values (so OI often falls between the caps) with large ones.
CAP = st.one_of(st.integers(0, 10_000), UINT64)
CAPS = st.tuples(CAP, CAP).map(sorted).map(tuple)
OPEN_INTEREST = st.one_of(st.integers(-10, 10_000), st.integers(-(2**64), 2**66))
# Small values around zero exercise the mixed-sign branch and exact halves of lib.Median.
MEDIAN_VALUES = st.one_of(
    *(st.lists(values, min_size=1, max_size=15) for values in (st.integers(-50, 50), INT64, UINT64))
)

# --- exact oracles ----------------------------------------------------------------------

ROUNDERS = {FLOOR: math.floor, CEIL: math.ceil, TRUNC: math.trunc}


def pow10(exponent: int) -> Fraction:
    return Fraction(10) ** exponent


def sign(value) -> int:
    return (value > 0) - (value < 0)


def assert_rounds(result, exact: Fraction, rounding: Rounding) -> None:
    """``result`` is ``exact`` rounded in the named direction: within 1 of it, on the named side."""
    assert isinstance(result, int)
    assert abs(result - exact) < 1
    if rounding is FLOOR:
        assert result <= exact
    elif rounding is CEIL:
        assert result >= exact
    else:
        assert abs(result) <= abs(exact) and sign(result) in (0, sign(exact))
    assert result == ROUNDERS[rounding](exact)


def go_quo(a: int, b: int) -> int:
    """Go's integer ``/``: truncates toward zero."""
    quotient = abs(a) // abs(b)
    return quotient if (a < 0) == (b < 0) else -quotient


def go_rem(a: int, b: int) -> int:
    """Go's ``%``: takes the sign of the dividend."""
    return a - b * go_quo(a, b)


def go_median(values: list[int]) -> int:
    """``lib.Median`` (protocol/lib/math.go), transliterated branch for branch."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2 == 1:
        return ordered[middle]
    x, y = ordered[middle - 1], ordered[middle]
    if x <= 0 and y >= 0:  # mixed signs: x + y cannot overflow
        total = x + y
        return go_quo(total, 2) + go_rem(total, 2)
    if y > 0:  # both positive
        return y - go_quo(y - x, 2)
    return x + go_quo(y - x, 2)  # both negative


def quote_value(base_quantums: int, atomic_resolution: int, price_value: int, price_exponent: int) -> Fraction:
    """The exact quote value of base quantums at an oracle price (UNITS-4 before rounding)."""
    return base_quantums * price_value * pow10(compute_quote_exponent(atomic_resolution, price_exponent))
