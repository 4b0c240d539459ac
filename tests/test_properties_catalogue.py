"""
Hypothesis properties of the sixteen catalogue functions (spec/catalogue.md, CAT-1).

Each property calls the function the state machine uses (units, margin, prices, funding)
and checks it against exact ``Fraction`` arithmetic, monotonicity, sign symmetry or a
plain transliteration of the Go code; many also evaluate the same inputs through
``catalogue.evaluate_request`` and check that the encoded output decodes to the same
value (CAT-3).
"""

from __future__ import annotations

import json
import math
from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from perpspec import errors
from perpspec.catalogue import CATALOGUE, evaluate_line, evaluate_request
from perpspec.funding import funding_settlement_ppm, settlement_quote_quantums
from perpspec.margin import (
    Risk,
    adjusted_initial_margin_ppm,
    initial_margin_quote_quantums,
    is_liquidatable,
    is_maintenance_collateralized,
    maintenance_margin_ppm,
    perpetual_margin_requirements,
    position_net_notional_quote_quantums,
    risk_compare,
)
from perpspec.oracle import is_price_change_sufficient, median_round_half_away_from_zero, min_price_change_amount
from perpspec.rounding import ONE_MILLION, Rounding
from perpspec.units import (
    INT64_MAX,
    INT64_MIN,
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

PROPERTY = settings(max_examples=200, deadline=None, derandomize=True)

FLOOR, CEIL, TRUNC = Rounding.FLOOR, Rounding.CEIL, Rounding.TRUNC

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

# --- helpers ----------------------------------------------------------------------------

SAFE_INTEGER = 2**53
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


def wire(value):
    """An input as a client sends it: a JSON number, or a decimal string beyond 2^53."""
    if isinstance(value, list):
        return [wire(v) for v in value]
    return value if abs(value) <= SAFE_INTEGER else str(value)


def decode(value):
    """A catalogue output back to Python, checking its encoding on the way (CAT-3)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        assert abs(value) <= SAFE_INTEGER
        return value
    if isinstance(value, str):
        number = int(value)
        assert str(number) == value and abs(number) > SAFE_INTEGER
        return number
    if isinstance(value, list):
        numerator, denominator = map(decode, value)
        assert denominator > 0 and math.gcd(numerator, denominator) == 1
        return Fraction(numerator, denominator)
    assert isinstance(value, dict)
    return {key: decode(item) for key, item in value.items()}


def catalogue_output(function: str, **inputs):
    """Evaluate through ``evaluate_request`` and decode; the output must be JSON-serialisable."""
    output = evaluate_request({"function": function, "inputs": {k: wire(v) for k, v in inputs.items()}})
    json.dumps(output)
    return decode(output)


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


def test_every_catalogue_function_has_properties():
    """CAT-1: this file covers each of the sixteen catalogue functions."""
    assert set(CATALOGUE) == {
        "base_to_quote_quantums",
        "quote_to_base_quantums",
        "fill_quote_quantums_from_subticks",
        "average_price_subticks",
        "price_to_subticks",
        "subticks_to_price",
        "adjusted_initial_margin_ppm",
        "initial_margin_quote_quantums",
        "maintenance_margin_ppm",
        "perpetual_margin_requirements",
        "position_net_notional_quote_quantums",
        "is_liquidatable",
        "risk_compare",
        "median_round_half_away_from_zero",
        "min_price_change_amount",
        "funding_settlement_ppm",
    }


# --- base_to_quote_quantums -------------------------------------------------------------


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


# --- quote_to_base_quantums -------------------------------------------------------------


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


# --- fill_quote_quantums_from_subticks --------------------------------------------------


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


# --- average_price_subticks -------------------------------------------------------------


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


# --- price_to_subticks / subticks_to_price ---------------------------------------------

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


# --- adjusted_initial_margin_ppm --------------------------------------------------------


def exact_adjusted_imf(imf: int, lower: int, upper: int, oi: int) -> int:
    if upper == 0 or oi <= lower:
        return imf
    if oi >= upper:
        return ONE_MILLION
    return imf + math.floor(Fraction((ONE_MILLION - imf) * (oi - lower), upper - lower))


@PROPERTY
@given(PPM, CAPS, OPEN_INTEREST)
def test_adjusted_imf_is_within_imf_and_one_million(imf, caps, oi):
    """MARGIN-1: the adjusted IMF lies in [imf, 1e6] and equals the exact floored formula; the catalogue agrees."""
    lower, upper = caps
    result = adjusted_initial_margin_ppm(imf, lower, upper, oi)
    assert imf <= result <= ONE_MILLION
    assert result == exact_adjusted_imf(imf, lower, upper, oi)
    assert (
        catalogue_output(
            "adjusted_initial_margin_ppm",
            initial_margin_ppm=imf,
            open_interest_lower_cap=lower,
            open_interest_upper_cap=upper,
            open_interest_notional=oi,
        )
        == result
    )


@PROPERTY
@given(PPM, CAPS, OPEN_INTEREST, OPEN_INTEREST)
def test_adjusted_imf_is_monotone_in_open_interest(imf, caps, first, second):
    """MARGIN-1: the adjusted IMF never falls as open interest rises."""
    low, high = sorted((first, second))
    assert adjusted_initial_margin_ppm(imf, *caps, low) <= adjusted_initial_margin_ppm(imf, *caps, high)


# --- initial_margin_quote_quantums ------------------------------------------------------


@PROPERTY
@given(BIG, PPM, CAPS, OPEN_INTEREST)
def test_initial_margin_rounds_up(notional, imf, caps, oi):
    """MARGIN-2: IMR = ceil(notional * adjusted_imf / 1e6); the catalogue agrees."""
    lower, upper = caps
    result = initial_margin_quote_quantums(notional, imf, lower, upper, oi)
    assert_rounds(result, notional * Fraction(adjusted_initial_margin_ppm(imf, lower, upper, oi), ONE_MILLION), CEIL)
    assert (
        catalogue_output(
            "initial_margin_quote_quantums",
            notional_quote_quantums=notional,
            initial_margin_ppm=imf,
            open_interest_lower_cap=lower,
            open_interest_upper_cap=upper,
            open_interest_notional=oi,
        )
        == result
    )


@PROPERTY
@given(NON_NEGATIVE, PPM, CAPS, OPEN_INTEREST, OPEN_INTEREST)
def test_initial_margin_is_monotone_in_open_interest(notional, imf, caps, first, second):
    """MARGIN-2, MARGIN-1: for a non-negative notional, more open interest never lowers the IMR."""
    low, high = sorted((first, second))
    assert initial_margin_quote_quantums(notional, imf, *caps, low) <= initial_margin_quote_quantums(
        notional, imf, *caps, high
    )


@PROPERTY
@given(NON_NEGATIVE, NON_NEGATIVE, PPM, CAPS, OPEN_INTEREST)
def test_initial_margin_is_monotone_in_notional(first, second, imf, caps, oi):
    """MARGIN-2: a larger notional never needs less initial margin, and never more than itself."""
    low, high = sorted((first, second))
    low_imr, high_imr = (initial_margin_quote_quantums(n, imf, *caps, oi) for n in (low, high))
    assert 0 <= low_imr <= high_imr <= high


# --- maintenance_margin_ppm -------------------------------------------------------------


@PROPERTY
@given(PPM, PPM)
def test_maintenance_margin_ppm_floors(imf, mf):
    """MARGIN-3: floor(imf * mf / 1e6), within [0, imf]; the catalogue agrees."""
    result = maintenance_margin_ppm(imf, mf)
    assert_rounds(result, Fraction(imf * mf, ONE_MILLION), FLOOR)
    assert 0 <= result <= imf
    assert catalogue_output("maintenance_margin_ppm", initial_margin_ppm=imf, maintenance_fraction_ppm=mf) == result


# --- perpetual_margin_requirements ------------------------------------------------------

MARGIN_INPUTS = st.fixed_dictionaries(
    {
        "position_quantums": BIG,
        "atomic_resolution": EXPONENT,
        "price_value": UINT64,
        "price_exponent": EXPONENT,
        "initial_margin_ppm": PPM,
        "maintenance_fraction_ppm": PPM,
        "open_interest_base_quantums": NON_NEGATIVE,
        "caps": CAPS,
    }
)


def margin_requirements(inputs: dict) -> tuple[int, int]:
    """perpetual_margin_requirements on a MARGIN_INPUTS draw."""
    lower, upper = inputs["caps"]
    named = {k: v for k, v in inputs.items() if k != "caps"}
    return perpetual_margin_requirements(**named, open_interest_lower_cap=lower, open_interest_upper_cap=upper)


@PROPERTY
@given(MARGIN_INPUTS)
def test_margin_requirements_order_and_formulas(inputs):
    """MARGIN-2, MARGIN-3: IMR >= MMR >= 0, MMR = ceil(ceil(n*imf/1e6)*mf/1e6) unscaled by OI; the catalogue agrees."""
    imr, mmr = margin_requirements(inputs)
    assert imr >= mmr >= 0
    market = (inputs["atomic_resolution"], inputs["price_value"], inputs["price_exponent"])
    notional = base_to_quote_quantums(abs(inputs["position_quantums"]), *market)
    open_interest = base_to_quote_quantums(inputs["open_interest_base_quantums"], *market)
    base_imr = math.ceil(Fraction(notional * inputs["initial_margin_ppm"], ONE_MILLION))
    assert mmr == math.ceil(Fraction(base_imr * inputs["maintenance_fraction_ppm"], ONE_MILLION))
    assert imr == initial_margin_quote_quantums(notional, inputs["initial_margin_ppm"], *inputs["caps"], open_interest)
    lower, upper = inputs["caps"]
    wire_inputs = {k: v for k, v in inputs.items() if k != "caps"}
    assert catalogue_output(
        "perpetual_margin_requirements", **wire_inputs, open_interest_lower_cap=lower, open_interest_upper_cap=upper
    ) == {"imr": imr, "mmr": mmr}


@PROPERTY
@given(MARGIN_INPUTS)
def test_margin_requirements_ignore_the_side(inputs):
    """MARGIN-2, MARGIN-3: a short needs the same margin as the equal long."""
    short = {**inputs, "position_quantums": -inputs["position_quantums"]}
    assert margin_requirements(short) == margin_requirements(inputs)


@PROPERTY
@given(MARGIN_INPUTS)
def test_maintenance_margin_is_not_scaled_by_open_interest(inputs):
    """MARGIN-3: the MMR is the same with scaling off; the IMR is no lower with it on."""
    unscaled = {**inputs, "open_interest_base_quantums": 0, "caps": (0, 0)}
    imr, mmr = margin_requirements(inputs)
    unscaled_imr, unscaled_mmr = margin_requirements(unscaled)
    assert mmr == unscaled_mmr
    assert imr >= unscaled_imr


# --- position_net_notional_quote_quantums -----------------------------------------------


@PROPERTY
@given(BIG, EXPONENT, UINT64, EXPONENT)
def test_net_notional_is_the_signed_truncated_value(position, ar, price, pe):
    """MARGIN-4: the net notional is base_to_quote(q): signed, truncated, odd; the catalogue agrees."""
    result = position_net_notional_quote_quantums(position, ar, price, pe)
    assert result == base_to_quote_quantums(position, ar, price, pe)
    assert_rounds(result, quote_value(position, ar, price, pe), TRUNC)
    assert position_net_notional_quote_quantums(-position, ar, price, pe) == -result
    assert (
        catalogue_output(
            "position_net_notional_quote_quantums",
            position_quantums=position,
            atomic_resolution=ar,
            price_value=price,
            price_exponent=pe,
        )
        == result
    )


# --- is_liquidatable --------------------------------------------------------------------


@PROPERTY
@given(BIG, BIG)
def test_is_liquidatable_definition(nc, mmr):
    """MARGIN-6: liquidatable iff MMR > 0 and NC < MMR; a liquidatable account is not maintained."""
    result = bool(is_liquidatable(nc, mmr))
    assert result == (mmr > 0 and nc < mmr)
    if mmr <= 0:
        assert not result
    if result:
        assert not is_maintenance_collateralized(Risk(nc, mmr, mmr))
    assert catalogue_output("is_liquidatable", net_collateral=nc, maintenance_margin_requirement=mmr) is result


# --- risk_compare -----------------------------------------------------------------------


@PROPERTY
@given(BIG, BIG, BIG, BIG)
def test_risk_compare_is_antisymmetric(first_nc, first_mmr, second_nc, second_mmr):
    """MARGIN-7: cmp(a, b) == -cmp(b, a), in {-1, 0, 1}, and cmp(a, a) == 0; the catalogue agrees."""
    forward = risk_compare(first_nc, first_mmr, second_nc, second_mmr)
    assert forward in (-1, 0, 1)
    assert risk_compare(second_nc, second_mmr, first_nc, first_mmr) == -forward
    assert risk_compare(first_nc, first_mmr, first_nc, first_mmr) == 0
    assert (
        catalogue_output(
            "risk_compare", first_nc=first_nc, first_mmr=first_mmr, second_nc=second_nc, second_mmr=second_mmr
        )
        == forward
    )


@PROPERTY
@given(BIG, NON_NEGATIVE.filter(bool), BIG, NON_NEGATIVE.filter(bool))
def test_risk_compare_orders_by_collateral_ratio(first_nc, first_mmr, second_nc, second_mmr):
    """MARGIN-7: with positive MMRs, the lower NC/MMR ratio is riskier; equal ratios go to the larger MMR."""
    ratio_order = sign(Fraction(second_nc, second_mmr) - Fraction(first_nc, first_mmr))
    expected = ratio_order or sign(first_mmr - second_mmr)
    assert risk_compare(first_nc, first_mmr, second_nc, second_mmr) == expected


# --- median_round_half_away_from_zero ---------------------------------------------------


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


# --- min_price_change_amount ------------------------------------------------------------


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


# --- funding_settlement_ppm -------------------------------------------------------------


@PROPERTY
@given(BIG, BIG, BIG)
def test_funding_long_and_short_sum_to_zero(perp_index, position_index, quantums):
    """FUND-1: a long and an equal short settle to zero in ppm, and both take the perpetual's index."""
    long_settlement, long_index = funding_settlement_ppm(perp_index, position_index, quantums)
    short_settlement, short_index = funding_settlement_ppm(perp_index, position_index, -quantums)
    assert long_settlement + short_settlement == 0
    assert long_index == short_index == perp_index
    assert catalogue_output(
        "funding_settlement_ppm",
        perpetual_funding_index=perp_index,
        position_funding_index=position_index,
        position_quantums=quantums,
    ) == {"net_settlement_ppm": long_settlement, "new_funding_index": perp_index}


@PROPERTY
@given(BIG, BIG, NON_NEGATIVE)
def test_funding_long_pays_when_the_index_rises(perp_index, position_index, quantums):
    """FUND-1: the sign of a long's settlement is minus the sign of the index change."""
    settlement, _ = funding_settlement_ppm(perp_index, position_index, quantums)
    assert sign(settlement) == -sign(perp_index - position_index) * sign(quantums)


@PROPERTY
@given(BIG, BIG, BIG)
def test_funding_settlement_never_pays_out_more_than_it_collects(perp_index, position_index, quantums):
    """FUND-2: floor(s / 1e6); a long and an equal short settle to 0 or -1 quote quantums in total."""
    settlement, _ = funding_settlement_ppm(perp_index, position_index, quantums)
    paid = settlement_quote_quantums(settlement)
    assert_rounds(paid, Fraction(settlement, ONE_MILLION), FLOOR)
    total = paid + settlement_quote_quantums(-settlement)
    assert total == (0 if settlement % ONE_MILLION == 0 else -1)


# --- known defect -----------------------------------------------------------------------


@pytest.mark.parametrize(
    "function, inputs",
    [
        # e = 2090 + 2000 + 6 = 4096 (allowed): a 300-digit base gives a 4396-digit result
        (
            "base_to_quote_quantums",
            {"base_quantums": "9" * 300, "atomic_resolution": 2000, "price_value": 1, "price_exponent": 2090},
        ),
        # numerator 9...9 * 10^4096 (4396 digits)
        (
            "average_price_subticks",
            {"quote_quantums": "9" * 300, "base_quantums": 1, "quantum_conversion_exponent": -4096},
        ),
    ],
)
def test_evaluate_line_answers_results_longer_than_4300_digits(function, inputs):
    """CAT-3, CAT-5: a result too long for Python's default int-to-str limit is still written exactly."""
    response = evaluate_line(json.dumps({"function": function, "inputs": inputs}))
    value = response["output"] if function == "base_to_quote_quantums" else response["output"][0]
    assert value == "9" * 300 + "0" * 4096
