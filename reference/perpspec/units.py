"""
Units and conversions (spec/units.md).

Quote quantums are 1e-6 USDC (UNITS-1); base quantums are 10^atomic_resolution of
one coin (UNITS-2); an oracle price is ``price_value * 10^price_exponent`` USD per
coin (UNITS-3); order prices
are subticks, where ``subticks * 10^quantum_conversion_exponent`` is the price of
one base quantum in quote quantums.  Every conversion below rounds through
``perpspec.rounding`` in the direction the spec names.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from perpspec.rounding import Rounding, mul_pow10, trunc_div

QUOTE_ATOMIC_RESOLUTION = -6
"""One quote quantum is 10^-6 USDC (UNITS-1)."""

USDC_ASSET_ID = 0
"""USDC is asset 0, the only collateral asset (UNITS-1)."""

UINT32_MAX = 2**32 - 1
UINT64_MAX = 2**64 - 1
INT32_MIN = -(2**31)
INT32_MAX = 2**31 - 1
INT64_MIN = -(2**63)
INT64_MAX = 2**63 - 1


def compute_quote_exponent(atomic_resolution: int, price_exponent: int) -> int:
    """The power of ten from base-quantums-times-price to quote quantums (UNITS-4)."""
    return price_exponent + atomic_resolution - QUOTE_ATOMIC_RESOLUTION


def base_to_quote_quantums(base_quantums: Any, atomic_resolution: int, price_value: Any, price_exponent: int) -> Any:
    """
    Quote value of a signed amount of base quantums at an oracle price (UNITS-4).

    quote = base * price * 10^e with e = price_exponent + atomic_resolution + 6,
    truncated toward zero when e < 0, so a value rounds toward zero on both sides.
    """
    exponent = compute_quote_exponent(atomic_resolution, price_exponent)
    return mul_pow10(base_quantums * price_value, exponent, Rounding.TRUNC)


def quote_to_base_quantums(quote_quantums: Any, atomic_resolution: int, price_value: Any, price_exponent: int) -> Any:
    """
    Base quantums worth a signed amount of quote quantums at an oracle price (UNITS-5).

    base = trunc(trunc(quote / 10^e) / price), or trunc(quote * 10^-e / price) when
    e < 0.  The price is positive.
    """
    exponent = compute_quote_exponent(atomic_resolution, price_exponent)
    scaled = mul_pow10(quote_quantums, -exponent, Rounding.TRUNC)
    return trunc_div(scaled, price_value)


def fill_quote_quantums_from_subticks(subticks: Any, base_quantums: Any, quantum_conversion_exponent: int) -> Any:
    """
    Quote quantums of a fill of ``base_quantums`` at ``subticks`` (UNITS-6).

    quote = subticks * base * 10^qce, rounded down (both inputs are non-negative).
    """
    return mul_pow10(subticks * base_quantums, quantum_conversion_exponent, Rounding.FLOOR)


def average_price_subticks(quote_quantums: int, base_quantums: int, quantum_conversion_exponent: int) -> Fraction:
    """
    The exact average price, in subticks, of ``quote_quantums`` paid for ``base_quantums`` (UNITS-7).

    subticks = quote * 10^-qce / base, kept as a reduced rational; ``base_quantums``
    is non-zero.
    """
    numerator = quote_quantums
    denominator = base_quantums
    if quantum_conversion_exponent <= 0:
        numerator *= 10**-quantum_conversion_exponent
    else:
        denominator *= 10**quantum_conversion_exponent
    return Fraction(numerator, denominator)


def compute_subticks_exponent(
    price_exponent: int,
    base_atomic_resolution: int,
    quote_atomic_resolution: int,
    quantum_conversion_exponent: int,
) -> int:
    """The power of ten from an oracle price value to subticks (UNITS-7)."""
    return price_exponent - quantum_conversion_exponent + base_atomic_resolution - quote_atomic_resolution


def price_to_subticks(
    price_value: int,
    price_exponent: int,
    base_atomic_resolution: int,
    quote_atomic_resolution: int,
    quantum_conversion_exponent: int,
) -> Fraction:
    """
    An oracle price expressed in subticks, exactly (UNITS-7).

    subticks = price * 10^(price_exponent - qce + base_ar - quote_ar), as a rational.
    """
    exponent = compute_subticks_exponent(
        price_exponent, base_atomic_resolution, quote_atomic_resolution, quantum_conversion_exponent
    )
    if price_value == 0:
        return Fraction(0)
    if exponent >= 0:
        return Fraction(price_value * 10**exponent)
    return Fraction(price_value, 10**-exponent)


def subticks_to_price(
    subticks: int,
    price_exponent: int,
    base_atomic_resolution: int,
    quote_atomic_resolution: int,
    quantum_conversion_exponent: int,
) -> int:
    """
    Subticks expressed as an oracle price value, rounded down (UNITS-7).

    price = floor(subticks * 10^-(price_exponent - qce + base_ar - quote_ar)).  The
    caller checks that the result fits a uint64.
    """
    exponent = compute_subticks_exponent(
        price_exponent, base_atomic_resolution, quote_atomic_resolution, quantum_conversion_exponent
    )
    price: int = mul_pow10(subticks, -exponent, Rounding.FLOOR)
    return price
