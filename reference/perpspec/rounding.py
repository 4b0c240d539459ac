"""
Rounding: the one module that divides.

Every division in the state machine goes through a helper here, and each helper
names its direction in its name (spec/rounding.md, ROUND-1).  Divisors are always
positive (ROUND-2); a non-positive divisor is a programming error, not a protocol
outcome.

The helpers are written so that the same function runs on Python ``int`` and on
z3 integer terms: on concrete integers they use ``//``; on z3 terms they use SMT
``div``, which equals floor division when the divisor is positive.  The z3 module
is imported only when a non-integer argument arrives, so the state machine never
loads it.
"""

from __future__ import annotations

from enum import Enum
from fractions import Fraction
from typing import Any

ONE_MILLION = 1_000_000
"""Parts per million: 1_000_000 ppm is 100% (UNITS-8)."""


class Rounding(Enum):
    """A rounding direction (ROUND-1)."""

    FLOOR = "floor"  # toward negative infinity
    CEIL = "ceil"  # toward positive infinity
    TRUNC = "trunc"  # toward zero


def is_concrete(*values: Any) -> bool:
    """True when every value is a Python integer (not a z3 term)."""
    return all(isinstance(v, int) for v in values)


def _z3() -> Any:
    import z3  # imported lazily: only proofs pass z3 terms

    return z3


def select(condition: Any, if_true: Any, if_false: Any) -> Any:
    """``if_true`` when ``condition`` holds, else ``if_false``; works on z3 terms too."""
    if isinstance(condition, bool):
        return if_true if condition else if_false
    return _z3().If(condition, if_true, if_false)


def both(first: Any, second: Any) -> Any:
    """Logical and of two conditions; works on z3 terms too."""
    if isinstance(first, bool) and isinstance(second, bool):
        return first and second
    return _z3().And(first, second)


def either(first: Any, second: Any) -> Any:
    """Logical or of two conditions; works on z3 terms too."""
    if isinstance(first, bool) and isinstance(second, bool):
        return first or second
    return _z3().Or(first, second)


def floor_div(numerator: Any, divisor: Any) -> Any:
    """floor(numerator / divisor) for a positive divisor (ROUND-3)."""
    if is_concrete(numerator, divisor):
        assert divisor > 0, "ROUND-2: divisors are positive"
        return numerator // divisor
    return numerator / divisor  # SMT div == floor division for divisor > 0


def ceil_div(numerator: Any, divisor: Any) -> Any:
    """ceil(numerator / divisor) for a positive divisor (ROUND-4)."""
    return -floor_div(-numerator, divisor)


def trunc_div(numerator: Any, divisor: Any) -> Any:
    """numerator / divisor rounded toward zero, for a positive divisor (ROUND-5)."""
    if is_concrete(numerator, divisor):
        assert divisor > 0, "ROUND-2: divisors are positive"
        quotient = abs(numerator) // divisor
        return quotient if numerator >= 0 else -quotient
    return select(numerator >= 0, floor_div(numerator, divisor), -floor_div(-numerator, divisor))


def divide(numerator: Any, divisor: Any, rounding: Rounding) -> Any:
    """numerator / divisor in the named direction (ROUND-1)."""
    if rounding is Rounding.FLOOR:
        return floor_div(numerator, divisor)
    if rounding is Rounding.CEIL:
        return ceil_div(numerator, divisor)
    return trunc_div(numerator, divisor)


def mul_ppm_floor(value: Any, ppm: Any) -> Any:
    """floor(value * ppm / 1e6) (ROUND-6)."""
    return floor_div(value * ppm, ONE_MILLION)


def mul_ppm_ceil(value: Any, ppm: Any) -> Any:
    """ceil(value * ppm / 1e6) (ROUND-6)."""
    return ceil_div(value * ppm, ONE_MILLION)


_DIGIT_TEST_SHIFT = 400
"""Above this shift, ``mul_pow10``'s shortcut counts digits instead of building 10^shift (ROUND-7)."""


def _digits(value: int) -> int:
    return len(str(abs(value)))


def _below_one(value: int, shift: int) -> bool:
    """
    Whether |value| / 10^shift < 1, so the quotient rounds to -1, 0 or 1 (ROUND-7).

    Up to ``_DIGIT_TEST_SHIFT`` (every exponent the state's bounds allow, GEN-2) it compares
    with the power; beyond, where only the catalogue's edge cases go (exponents up to the
    int32 range), it asks the stricter ``shift > digits(value)`` without building the power.
    Either way a ``True`` is answered exactly by ``mul_pow10``'s shortcut.
    """
    if shift > _DIGIT_TEST_SHIFT:
        return shift > _digits(value)
    bound: int = 10**shift
    return -bound < value < bound


def mul_pow10(value: Any, exponent: int, rounding: Rounding) -> Any:
    """
    value * 10^exponent; when the exponent is negative the division rounds as named (ROUND-7).

    The exponent is always a concrete integer.  On integers, a division by a power of ten
    larger than the value's magnitude is answered without dividing (``_below_one``): the
    exact quotient lies strictly between -1 and 1, so the result is -1, 0 or 1 by direction.
    Z3 proves this integer branch equal to the z3 branch for every value at the exponents of
    its grid (``perpspec.verify.z3.branches``).
    """
    if exponent >= 0:
        if is_concrete(value) and value == 0:
            return 0  # no need to build the power
        return value * 10**exponent
    shift = -exponent
    if is_concrete(value) and _below_one(value, shift):
        if value == 0 or rounding is Rounding.TRUNC:
            return 0
        if rounding is Rounding.FLOOR:
            return -1 if value < 0 else 0
        return 1 if value > 0 else 0
    return divide(value, 10**shift, rounding)


def round_fraction(value: Fraction, rounding: Rounding) -> int:
    """An exact rational rounded to an integer in the named direction (ROUND-8)."""
    rounded: int = divide(value.numerator, value.denominator, rounding)
    return rounded


def mean_round_half_away_from_zero(first: Any, second: Any) -> Any:
    """
    (first + second) / 2 rounded to the nearest integer, halves away from zero (ROUND-9).

    For a non-negative sum s the result is floor((s + 1) / 2); for a negative sum it
    is the mirror image, -floor((-s + 1) / 2).
    """
    total = first + second
    return select(total >= 0, floor_div(total + 1, 2), -floor_div(-total + 1, 2))
