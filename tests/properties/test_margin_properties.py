"""
Hypothesis properties of the catalogue's margin functions (spec/margin.md, MARGIN-1..MARGIN-4,
MARGIN-6, MARGIN-7; spec/catalogue.md, CAT-1).

Each property calls the function the state machine uses and checks it against exact
``Fraction`` arithmetic, monotonicity, sign symmetry or a plain transliteration of the Go
code; many also evaluate the same inputs through ``catalogue.evaluate_request`` and check
that the encoded output decodes to the same value (CAT-3).  The strategies and oracles are
in helpers/properties.py; 200 examples each under the ``ci`` hypothesis profile.
"""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from helpers.catalogue import catalogue_output
from helpers.numbers import CEIL, FLOOR, TRUNC
from helpers.properties import (
    BIG,
    CAPS,
    EXPONENT,
    NON_NEGATIVE,
    OPEN_INTEREST,
    PPM,
    PROPERTY,
    UINT64,
    assert_rounds,
    quote_value,
    sign,
)
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
from perpspec.rounding import ONE_MILLION
from perpspec.units import base_to_quote_quantums


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


@PROPERTY
@given(PPM, PPM)
def test_maintenance_margin_ppm_floors(imf, mf):
    """MARGIN-3: floor(imf * mf / 1e6), within [0, imf]; the catalogue agrees."""
    result = maintenance_margin_ppm(imf, mf)
    assert_rounds(result, Fraction(imf * mf, ONE_MILLION), FLOOR)
    assert 0 <= result <= imf
    assert catalogue_output("maintenance_margin_ppm", initial_margin_ppm=imf, maintenance_fraction_ppm=mf) == result


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
