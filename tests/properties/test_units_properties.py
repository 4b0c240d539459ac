"""
Hypothesis properties of the catalogue's unit conversions (spec/units.md, UNITS-4..UNITS-7;
spec/catalogue.md, CAT-1).

Each property calls the function the state machine uses and checks it against exact
``Fraction`` arithmetic, monotonicity, sign symmetry or a plain transliteration of the Go
code; many also evaluate the same inputs through ``catalogue.evaluate_request`` and check
that the encoded output decodes to the same value (CAT-3).  The strategies and oracles are
in helpers/properties.py; 200 examples each under the ``ci`` hypothesis profile.
"""

from __future__ import annotations

import math
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from helpers.catalogue import catalogue_output
from helpers.numbers import FLOOR, TRUNC
from helpers.properties import (
    BIG,
    EXPONENT,
    NON_NEGATIVE,
    NON_ZERO,
    PRICE,
    PROPERTY,
    UINT64,
    assert_rounds,
    pow10,
    quote_value,
)
from perpspec import errors
from perpspec.units import (
    UINT64_MAX,
    average_price_subticks,
    base_to_quote_quantums,
    compute_quote_exponent,
    compute_subticks_exponent,
    fill_quote_quantums_from_subticks,
    price_to_subticks,
    quote_to_base_quantums,
    subticks_to_price,
)


@PROPERTY
@given(BIG, EXPONENT, UINT64, EXPONENT)
def test_base_to_quote_truncates_the_exact_value(base, ar, price, pe):
    """UNITS-4: the result is the exact b * p * 10^e truncated toward zero; the catalogue agrees."""
    result = base_to_quote_quantums(base, ar, price, pe)
    assert_rounds(result, quote_value(base, ar, price, pe), TRUNC)
    assert (
        catalogue_output(
            "base_to_quote_quantums", base_quantums=base, atomic_resolution=ar, price_value=price, price_exponent=pe
        )
        == result
    )


@PROPERTY
@given(BIG, EXPONENT, UINT64, EXPONENT)
def test_base_to_quote_is_odd(base, ar, price, pe):
    """UNITS-4: truncation makes the conversion odd, f(-b) == -f(b)."""
    assert base_to_quote_quantums(-base, ar, price, pe) == -base_to_quote_quantums(base, ar, price, pe)


@PROPERTY
@given(BIG, BIG, EXPONENT, PRICE, EXPONENT)
def test_base_to_quote_is_monotone_in_base(first, second, ar, price, pe):
    """UNITS-4: for a fixed positive price, more base quantums are never worth less."""
    low, high = sorted((first, second))
    assert base_to_quote_quantums(low, ar, price, pe) <= base_to_quote_quantums(high, ar, price, pe)


@PROPERTY
@given(BIG, EXPONENT, PRICE, EXPONENT)
def test_quote_to_base_truncates_the_exact_value(quote, ar, price, pe):
    """UNITS-5: two truncations equal one: trunc(q / (p * 10^e)); the catalogue agrees."""
    result = quote_to_base_quantums(quote, ar, price, pe)
    exact = Fraction(quote) / (price * pow10(compute_quote_exponent(ar, pe)))
    assert_rounds(result, exact, TRUNC)
    assert (
        catalogue_output(
            "quote_to_base_quantums", quote_quantums=quote, atomic_resolution=ar, price_value=price, price_exponent=pe
        )
        == result
    )


@PROPERTY
@given(BIG, EXPONENT, PRICE, EXPONENT)
def test_quote_to_base_is_odd(quote, ar, price, pe):
    """UNITS-5: truncation makes quote_to_base odd too, g(-q) == -g(q)."""
    assert quote_to_base_quantums(-quote, ar, price, pe) == -quote_to_base_quantums(quote, ar, price, pe)


@PROPERTY
@given(NON_NEGATIVE, EXPONENT, PRICE, EXPONENT)
def test_quote_to_base_never_buys_more_than_paid_for(quote, ar, price, pe):
    """UNITS-5, UNITS-4: the base a quote amount buys is worth at most that amount."""
    base = quote_to_base_quantums(quote, ar, price, pe)
    assert 0 <= base_to_quote_quantums(base, ar, price, pe) <= quote


@PROPERTY
@given(UINT64, UINT64, EXPONENT)
def test_fill_quote_floors_the_exact_value(subticks, base, qce):
    """UNITS-6: floor(subticks * base * 10^qce), never negative; the catalogue agrees."""
    result = fill_quote_quantums_from_subticks(subticks, base, qce)
    assert_rounds(result, subticks * base * pow10(qce), FLOOR)
    assert result >= 0
    assert (
        catalogue_output(
            "fill_quote_quantums_from_subticks", subticks=subticks, base_quantums=base, quantum_conversion_exponent=qce
        )
        == result
    )


@PROPERTY
@given(UINT64, UINT64, UINT64, EXPONENT)
def test_fill_quote_is_monotone_in_size(subticks, first, second, qce):
    """UNITS-6: a larger fill at the same price is worth no less."""
    low, high = sorted((first, second))
    fill = fill_quote_quantums_from_subticks
    assert fill(subticks, low, qce) <= fill(subticks, high, qce)


@PROPERTY
@given(BIG, NON_ZERO, EXPONENT)
def test_average_price_is_exact(quote, base, qce):
    """UNITS-7: average * base * 10^qce == quote exactly; the catalogue returns the reduced rational."""
    result = average_price_subticks(quote, base, qce)
    assert isinstance(result, Fraction)
    assert result * base * pow10(qce) == quote
    assert (
        catalogue_output(
            "average_price_subticks", quote_quantums=quote, base_quantums=base, quantum_conversion_exponent=qce
        )
        == result
    )


@PROPERTY
@given(UINT64, st.integers(1, UINT64_MAX), EXPONENT)
def test_average_price_of_a_fill_is_within_one_quote_quantum(subticks, base, qce):
    """UNITS-6, UNITS-7: a floored fill averages to at most its subticks, short by under one quote quantum."""
    average = average_price_subticks(fill_quote_quantums_from_subticks(subticks, base, qce), base, qce)
    assert 0 <= subticks - average < 1 / (base * pow10(qce))


SUBTICK_EXPONENTS = st.tuples(EXPONENT, EXPONENT, EXPONENT, EXPONENT)


@PROPERTY
@given(UINT64, SUBTICK_EXPONENTS)
def test_price_to_subticks_is_exact(price, exponents):
    """UNITS-7: subticks = price * 10^(pe - qce + bar - qar) exactly; the catalogue agrees."""
    pe, bar, qar, qce = exponents
    result = price_to_subticks(price, pe, bar, qar, qce)
    assert result == price * pow10(pe - qce + bar - qar)
    assert (
        catalogue_output(
            "price_to_subticks",
            price_value=price,
            price_exponent=pe,
            base_atomic_resolution=bar,
            quote_atomic_resolution=qar,
            quantum_conversion_exponent=qce,
        )
        == result
    )


@PROPERTY
@given(UINT64, SUBTICK_EXPONENTS)
def test_subticks_to_price_floors(subticks, exponents):
    """UNITS-7: price = floor(subticks * 10^-exponent); the catalogue agrees or refuses a non-uint64 result."""
    pe, bar, qar, qce = exponents
    result = subticks_to_price(subticks, pe, bar, qar, qce)
    assert_rounds(result, subticks * pow10(-compute_subticks_exponent(pe, bar, qar, qce)), FLOOR)
    inputs = dict(
        subticks=subticks,
        price_exponent=pe,
        base_atomic_resolution=bar,
        quote_atomic_resolution=qar,
        quantum_conversion_exponent=qce,
    )
    if result <= UINT64_MAX:
        assert catalogue_output("subticks_to_price", **inputs) == result
    else:
        with pytest.raises(errors.ResultOutOfRange):
            catalogue_output("subticks_to_price", **inputs)


@PROPERTY
@given(UINT64, SUBTICK_EXPONENTS)
def test_price_round_trips_through_floored_subticks(price, exponents):
    """UNITS-7: subticks_to_price(floor(price_to_subticks(p))) <= p, short by less than 10^-exponent."""
    pe, bar, qar, qce = exponents
    exponent = compute_subticks_exponent(pe, bar, qar, qce)
    subticks = math.floor(price_to_subticks(price, pe, bar, qar, qce))
    back = subticks_to_price(subticks, pe, bar, qar, qce)
    assert 0 <= price - back < max(1, pow10(-exponent))  # exact whenever exponent >= 0


@PROPERTY
@given(UINT64, SUBTICK_EXPONENTS)
def test_subticks_lie_between_consecutive_prices(subticks, exponents):
    """UNITS-7: with p = subticks_to_price(s): price_to_subticks(p) <= s < price_to_subticks(p + 1)."""
    pe, bar, qar, qce = exponents
    price = subticks_to_price(subticks, pe, bar, qar, qce)
    assert price_to_subticks(price, pe, bar, qar, qce) <= subticks < price_to_subticks(price + 1, pe, bar, qar, qce)
