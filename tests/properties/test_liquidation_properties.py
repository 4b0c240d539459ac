"""
Hypothesis properties of the risk engine's catalogue functions (spec/liquidations.md, LIQ-1..LIQ-9,
INS-1; spec/deleveraging.md, DEL-1; SUB-8; spec/catalogue.md, CAT-1).

Each property checks the function the state machine runs against exact ``Fraction`` arithmetic or
the rule's own statement, and evaluates the same inputs through ``catalogue.evaluate_request``
(CAT-3).  The state-taking entries are given one perpetual on tier 20%/50% and a subaccount.
"""

from __future__ import annotations

from fractions import Fraction

from hypothesis import assume, given
from hypothesis import strategies as st

from helpers.catalogue import catalogue_output
from helpers.properties import BIG, PROPERTY, UINT64
from perpspec.errors import PerpspecError
from perpspec.liquidation_arithmetic import (
    can_deleverage_subaccount,
    compute_liquidatable_position_size_delta,
    compute_position_notional_abs,
    compute_position_notional_liquidatable_bounds,
)
from perpspec.margin import Risk, risk_compare
from perpspec.rounding import ONE_MILLION
from perpspec.subaccounts import compute_undercollateralized_result

UINT32 = st.integers(0, 2**32 - 1)
BTC = {"atomic_resolution": -8, "price_value": 5_000_000_000, "price_exponent": -5}
PERPETUAL = {"perpetual_id": 0, **BTC, "initial_margin_ppm": 200_000, "maintenance_fraction_ppm": 500_000}
POSITION = st.integers(-(10**12), 10**12).filter(lambda q: q != 0)


def _nnv(quantums: int) -> int:
    """BTC's net notional, truncated toward zero: q * 5e9 * 10^-7 (UNITS-4)."""
    value = abs(quantums) * 5_000_000_000 // 10**7
    return value if quantums >= 0 else -value


def _ceil_ppm(value: int, ppm: int) -> int:
    return -((-value * ppm) // ONE_MILLION)


def _mmr(quantums: int) -> int:
    """The tier's MMR: ceil(ceil(notional * 20%) * 50%) (MARGIN-3)."""
    return _ceil_ppm(_ceil_ppm(abs(_nnv(quantums)), 200_000), 500_000)


def _state(usdc: int, quantums: int) -> dict:
    return {
        "perpetuals": [PERPETUAL],
        "usdc_balance_quote_quantums": usdc,
        "perpetual_positions": [{"perpetual_id": 0, "quantums": quantums}],
        "perpetual_id": 0,
    }


@PROPERTY
@given(POSITION, UINT64, UINT32)
def test_liq_1_bounds_are_ordered(quantums, minimum, ppm):
    """LIQ-1: min <= notional and min <= max, max = max(min, floor(notional * ppm / 1e6))."""
    notional = compute_position_notional_abs(quantums, **BTC)
    low, high = compute_position_notional_liquidatable_bounds(notional, minimum, ppm)
    assert low == min(minimum, notional) and high == max(low, notional * ppm // ONE_MILLION)
    assert catalogue_output(
        "position_notional_liquidatable_bounds",
        position_quantums=quantums,
        **BTC,
        min_position_notional_liquidated=minimum,
        max_position_portion_liquidated_ppm=ppm,
    ) == {"min_position_notional_liquidatable": low, "max_position_notional_liquidatable": high}


@PROPERTY
@given(POSITION, st.integers(1, 10**6), st.integers(0, 10**10), st.integers(1, ONE_MILLION), UINT64, st.data())
def test_liq_2_size_is_opposite_and_bounded(quantums, step, minimum, ppm, sub_max, data):
    """LIQ-2: the size closes part or all of the position, is a multiple of the step unless whole, and at least a step."""
    so_far = data.draw(st.integers(0, sub_max))
    delta = compute_liquidatable_position_size_delta(
        quantums,
        **BTC,
        step_base_quantums=step,
        min_position_notional_liquidated=minimum,
        max_position_portion_liquidated_ppm=ppm,
        subaccount_max_notional_liquidated=sub_max,
        subaccount_notional_liquidated=so_far,
    )
    assert delta * quantums < 0 and abs(delta) <= abs(quantums)
    assert delta == -quantums or (abs(delta) % step == 0 and abs(delta) >= step)
    assert (
        catalogue_output(
            "liquidatable_position_size_delta",
            position_quantums=quantums,
            **BTC,
            step_base_quantums=step,
            min_position_notional_liquidated=minimum,
            max_position_portion_liquidated_ppm=ppm,
            subaccount_max_notional_liquidated=sub_max,
            subaccount_notional_liquidated=so_far,
        )
        == delta
    )


@PROPERTY
@given(UINT64, st.data())
def test_liq_3_and_liq_4_limits_left(limit, data):
    """LIQ-3, LIQ-4: limit - so far, 0 at the limit; a negative delta counts as its magnitude lost."""
    so_far = data.draw(st.integers(0, limit))
    assert (
        catalogue_output(
            "subaccount_max_notional_liquidatable",
            max_notional_liquidated=limit,
            previous_notional_liquidated=so_far,
            perpetual_already_liquidated=False,
        )
        == limit - so_far
    )
    assert (
        catalogue_output(
            "subaccount_max_insurance_lost",
            max_quantums_insurance_lost=limit,
            previous_insurance_fund_delta=-so_far,
            perpetual_already_liquidated=False,
        )
        == limit - so_far
    )


@PROPERTY
@given(BIG, BIG)
def test_ins_1_valid_delta(balance, delta):
    """INS-1: a delta is valid exactly when the fund does not end below zero or the delta is not a payout."""
    valid = catalogue_output(
        "is_valid_insurance_fund_delta", insurance_fund_balance=balance, insurance_fund_delta=delta
    )
    assert valid == (delta >= 0 or balance + delta >= 0)


@PROPERTY
@given(st.integers(-(10**15), 10**15), POSITION, st.booleans())
def test_del_1_only_negative_tnc_at_bankruptcy(usdc, quantums, final):
    """DEL-1: TNC < 0 deleverages at the bankruptcy price only; TNC >= 0 at the oracle price only in final settlement."""
    tnc = usdc + _nnv(quantums)
    expected = list(can_deleverage_subaccount(tnc, final))
    assert expected == ([True, False] if tnc < 0 else [False, final])
    assert (
        catalogue_output(
            "can_deleverage_subaccount",
            usdc_balance_quote_quantums=usdc,
            perpetual_positions=[{"perpetual_id": 0, "quantums": quantums}],
            **BTC,
            clob_pair_status="FINAL_SETTLEMENT" if final else "ACTIVE",
        )
        == expected
    )


@PROPERTY
@given(BIG, BIG, st.integers(0, 2**70), BIG, st.integers(0, 2**70))
def test_sub_8_transition_never_raises_mmr_or_risk(old_nc, old_imr, old_mmr, new_nc, new_mmr):
    """SUB-8: a Success never raises MMR and, unless both MMRs are 0, never worsens NC/MMR."""
    result = catalogue_output(
        "is_valid_state_transition_for_undercollateralized_subaccount",
        old_nc=old_nc,
        old_imr=old_imr,
        old_mmr=old_mmr,
        new_nc=new_nc,
        new_mmr=new_mmr,
    )
    assert result == compute_undercollateralized_result(Risk(old_nc, old_imr, old_mmr), Risk(new_nc, 0, new_mmr)).value
    if result == "Success":
        assert new_mmr <= old_mmr
        assert (new_mmr == old_mmr == 0 and new_nc > old_nc) or risk_compare(new_nc, new_mmr, old_nc, old_mmr) <= 0


@PROPERTY
@given(st.integers(-(10**14), 10**14), POSITION, st.data())
def test_liq_6_closing_at_bankruptcy_keeps_the_ratio(usdc, quantums, data):
    """LIQ-6: closing part of the position at the bankruptcy quote never lowers NC/MMR."""
    size = data.draw(st.integers(1, abs(quantums)))
    delta = -size if quantums > 0 else size
    bankruptcy = catalogue_output("bankruptcy_price_quote_quantums", **_state(usdc, quantums), delta_quantums=delta)
    tnc, tmmr = usdc + _nnv(quantums), _mmr(quantums)
    assume(tmmr > 0)
    new_nc, new_mmr = usdc + bankruptcy + _nnv(quantums + delta), _mmr(quantums + delta)
    assert new_nc * tmmr >= tnc * new_mmr


@PROPERTY
@given(st.integers(-(10**14), 10**14), POSITION, UINT32, st.integers(0, 200_000))
def test_liq_7_fillable_on_the_closing_side(usdc, quantums, ba, smmr):
    """LIQ-7: a long's fillable price is at or below the oracle, a short's at or above, within SMMR * PMMR."""
    state = _state(usdc, quantums)
    delta = -quantums
    output = catalogue_output(
        "liquidation_fillable_price",
        **state,
        delta_quantums=delta,
        bankruptcy_adjustment_ppm=ba,
        spread_to_maintenance_margin_ratio_ppm=smmr,
    )
    pnnv = _nnv(quantums)
    oracle = Fraction(pnnv, quantums)
    distance = (oracle - output) if quantums > 0 else (output - oracle)
    pmmr = _mmr(quantums)
    assert 0 <= distance <= Fraction(smmr * pmmr, ONE_MILLION * abs(quantums))


@PROPERTY
@given(st.integers(0, 2**80), st.integers(1, 2**40), st.booleans(), st.integers(1, 2**32 - 1), st.integers(-12, 4))
def test_liq_8_subticks_against_the_liquidated(numerator, denominator, is_long, tick, exponent):
    """LIQ-8: aligned, clamped, and on the side against the liquidated account unless clamped."""
    subticks = catalogue_output(
        "fillable_price_to_subticks",
        fillable_price=[numerator, denominator],
        is_liquidating_long=is_long,
        subticks_per_tick=tick,
        quantum_conversion_exponent=exponent,
    )
    price = Fraction(numerator, denominator)
    value = Fraction(subticks) * Fraction(10) ** exponent
    maximum = 2**64 - 1 - (2**64 - 1) % tick
    assert subticks % tick == 0 and tick <= subticks <= maximum
    assert (subticks == maximum or value >= price) if is_long else (subticks == tick or value <= price)


@PROPERTY
@given(st.integers(-(10**14), 10**14), POSITION, UINT64, st.integers(0, ONE_MILLION), st.data())
def test_liq_9_account_keeps_the_bankruptcy_quote(usdc, quantums, subticks, fee, data):
    """LIQ-9: the fill's quote minus the fund's delta is at least the bankruptcy quote of the fill."""
    fill = data.draw(st.integers(1, abs(quantums)))
    is_buy = quantums < 0
    state = _state(usdc, quantums)
    delta = catalogue_output(
        "liquidation_insurance_fund_delta",
        **state,
        is_buy=is_buy,
        fill_amount=fill,
        subticks=subticks,
        quantum_conversion_exponent=-8,
        max_liquidation_fee_ppm=fee,
    )
    quote = subticks * fill // 10**8
    fill_quote = -quote if is_buy else quote
    bankruptcy = catalogue_output("bankruptcy_price_quote_quantums", **state, delta_quantums=fill if is_buy else -fill)
    assert fill_quote - delta >= bankruptcy
    assert (
        delta == fill_quote - bankruptcy
        if fill_quote <= bankruptcy
        else 0 <= delta <= abs(fill_quote) * fee // ONE_MILLION
    )


@PROPERTY
@given(
    st.integers(1, 10**10),
    st.integers(-(10**12), 10**12),
    st.integers(-(10**12), 10**12),
    st.data(),
    st.booleans(),
    st.booleans(),
)
def test_process_deleveraging_is_zero_sum_or_refused(size, liquidated_usdc, offsetting_usdc, data, short, final):
    """
    DEL-3, CONS-5 (v4 ProcessDeleveraging): a deleveraging fill through the catalogue either moves USDC
    and base quantums only between its two parties, zero-sum, by the fill's delta, or is refused with
    FAILED_TO_UPDATE_SUBACCOUNTS and nothing moves.
    """
    delta = data.draw(st.integers(1, size))
    liquidated_position, delta = (-size, delta) if short else (size, -delta)
    inputs = {
        "perpetuals": [PERPETUAL],
        "liquidated": {
            "usdc_balance_quote_quantums": liquidated_usdc,
            "perpetual_positions": [{"perpetual_id": 0, "quantums": liquidated_position}],
        },
        "offsetting": {
            "usdc_balance_quote_quantums": offsetting_usdc,
            "perpetual_positions": [{"perpetual_id": 0, "quantums": -liquidated_position}],
        },
        "perpetual_id": 0,
        "delta_quantums": delta,
        "is_final_settlement": final,
    }
    try:
        result = catalogue_output("process_deleveraging", **inputs)
    except PerpspecError as error:
        assert error.code in ("FAILED_TO_UPDATE_SUBACCOUNTS", "ZERO_TOTAL_MAINTENANCE_MARGIN"), error.code
        return

    def held(side: dict) -> int:
        return sum(p["quantums"] for p in side["perpetual_positions"])

    liquidated, offsetting = result["liquidated"], result["offsetting"]
    moved = liquidated["usdc_balance_quote_quantums"] - liquidated_usdc
    assert offsetting["usdc_balance_quote_quantums"] - offsetting_usdc == -moved
    assert held(liquidated) == liquidated_position + delta
    assert held(offsetting) == -liquidated_position - delta
    if final:
        assert moved == -_nnv(delta)  # the oracle notional of -delta (FINAL-2)
