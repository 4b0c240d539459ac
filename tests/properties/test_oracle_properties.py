"""
Hypothesis properties of the catalogue's oracle functions (spec/prices.md, PRICE-4, PRICE-5,
PRICE-8; spec/catalogue.md, CAT-1).

Each property calls the function the state machine uses and checks it against exact
``Fraction`` arithmetic, monotonicity, sign symmetry or a plain transliteration of the Go
code; many also evaluate the same inputs through ``catalogue.evaluate_request`` and check
that the encoded output decodes to the same value (CAT-3).  The strategies and oracles are
in helpers/properties.py; 200 examples each under the ``ci`` hypothesis profile.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from helpers.catalogue import catalogue_output
from helpers.numbers import FLOOR
from helpers.properties import MEDIAN_VALUES, PRICE_CHANGE_PPM, PROPERTY, UINT64, assert_rounds, go_median
from perpspec.oracle import is_price_change_sufficient, median_round_half_away_from_zero, min_price_change_amount
from perpspec.rounding import ONE_MILLION


@PROPERTY
@given(MEDIAN_VALUES)
def test_median_matches_go_and_stays_in_range(values):
    """PRICE-4: the median equals Go's lib.Median, lies in [min, max], ignores order; the catalogue agrees."""
    result = median_round_half_away_from_zero(values)
    assert result == go_median(values)
    assert min(values) <= result <= max(values)
    assert median_round_half_away_from_zero(list(reversed(values))) == result
    assert catalogue_output("median_round_half_away_from_zero", values=values) == result


@PROPERTY
@given(MEDIAN_VALUES)
def test_median_is_within_half_of_the_exact_median(values):
    """PRICE-4, ROUND-9: within 1/2 of the exact median, with an exact half rounded away from zero."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    exact = Fraction(ordered[middle]) if len(ordered) % 2 else Fraction(ordered[middle - 1] + ordered[middle], 2)
    result = median_round_half_away_from_zero(values)
    assert abs(result - exact) <= Fraction(1, 2)
    if abs(result - exact) == Fraction(1, 2):
        assert abs(result) > abs(exact)


@PROPERTY
@given(st.lists(UINT64, min_size=2, max_size=14), UINT64)
def test_median_with_one_wrong_source_stays_in_honest_range(honest, wrong):
    """PRICE-8: with at least three sources of which one is wrong, the median is within the honest range."""
    result = median_round_half_away_from_zero(honest + [wrong])
    assert min(honest) <= result <= max(honest)


@PROPERTY
@given(UINT64, PRICE_CHANGE_PPM)
def test_min_price_change_floors(price, ppm):
    """PRICE-5: floor(price * ppm / 1e6), below the price itself; the catalogue agrees."""
    result = min_price_change_amount(price, ppm)
    assert_rounds(result, Fraction(price * ppm, ONE_MILLION), FLOOR)
    assert 0 <= result <= price and (price == 0 or result < price)
    assert catalogue_output("min_price_change_amount", current_price=price, min_price_change_ppm=ppm) == result


@PROPERTY
@given(UINT64, UINT64, PRICE_CHANGE_PPM)
def test_min_price_change_is_monotone_and_defines_sufficiency(first, second, ppm):
    """PRICE-5: a higher price needs no smaller move; a change suffices iff |new - old| >= the amount."""
    low, high = sorted((first, second))
    assert min_price_change_amount(low, ppm) <= min_price_change_amount(high, ppm)
    threshold = min_price_change_amount(first, ppm)
    assert is_price_change_sufficient(first, second, ppm) == (abs(second - first) >= threshold)
    assert is_price_change_sufficient(0, second, ppm)
