"""
Per-rule tests of the liquidation arithmetic (spec/liquidations.md, LIQ-1..LIQ-10, INS-1;
spec/deleveraging.md, DEL-1) and of its state readers (``perpspec.liquidation_prices``).

Every expected number is worked by hand; the v4 test a case comes from is named.  Markets as in
v4's testutil/constants: BTC at $50,000 (price 5e9, exponent -5, atomic resolution -8), ETH at
$3,000 (3e9, -6, -9), both on tier 3 (IMF 20%, maintenance fraction 50%, so MMR = 10%).
"""

from __future__ import annotations

import dataclasses
from fractions import Fraction

import pytest

from perpspec import errors
from perpspec.bounds import check_liquidations_config
from perpspec.clob.state import LiquidationsConfig
from perpspec.liquidation_arithmetic import (
    can_deleverage_subaccount,
    compute_bankruptcy_price_quote_quantums,
    compute_fillable_price,
    compute_fillable_price_subticks,
    compute_insurance_lost_of_delta,
    compute_liquidatable_position_size_delta,
    compute_liquidation_insurance_fund_delta,
    compute_position_notional_liquidatable_bounds,
    compute_subaccount_max_insurance_lost,
    compute_subaccount_max_notional_liquidatable,
    is_valid_insurance_fund_delta,
)
from perpspec.liquidation_prices import (
    get_bankruptcy_price_quote_quantums,
    get_fillable_price,
    get_liquidatable_position_size_delta,
    get_liquidation_insurance_fund_delta,
)
from perpspec.state import (
    BlockState,
    LiquidityTier,
    MarketPrice,
    MarketType,
    Perpetual,
    PerpetualPosition,
    State,
    Subaccount,
)
from perpspec.types import SubaccountId

U64 = 2**64 - 1
BTC_MARKET = (-8, 5_000_000_000, -5)  # atomic resolution, price value, price exponent
ONE_DOLLAR = 1_000_000
TENTH_BTC = 10_000_000


def risk_state(usdc: int, positions: dict[int, int], funding: dict[int, int] | None = None) -> tuple[State, Subaccount]:
    """BTC (perpetual 0) and ETH (perpetual 1) on tier 3, and one subaccount; ``funding`` sets perpetual indexes."""
    state = State(authority="", blocks=BlockState(1, 1))
    state.perpetuals.liquidity_tiers[3] = LiquidityTier(3, "3", 200_000, 500_000, 2_500_000_000, 0, 0)
    state.perpetuals.perpetuals[0] = Perpetual(0, "BTC-USD", 0, -8, 0, 3, MarketType.CROSS)
    state.perpetuals.perpetuals[1] = Perpetual(1, "ETH-USD", 1, -9, 0, 3, MarketType.CROSS)
    state.prices.market_prices[0] = MarketPrice(0, -5, 5_000_000_000)
    state.prices.market_prices[1] = MarketPrice(1, -6, 3_000_000_000)
    for perpetual_id, index in (funding or {}).items():
        state.perpetuals.perpetuals[perpetual_id].funding_index = index
    subaccount = Subaccount(
        SubaccountId("dydx1liquidated", 0), usdc, {p: PerpetualPosition(p, q, 0) for p, q in positions.items()}
    )
    return state, subaccount


# --- LIQ-1 .. LIQ-4 ---------------------------------------------------------------------------


def test_liq_1_position_bounds():
    """LIQ-1 (v4 TestGetMaxAndMinPositionNotionalLiquidatable): 1 BTC = $50,000; min 100, portion 50% -> $25,000."""
    assert compute_position_notional_liquidatable_bounds(50_000_000_000, 100, 1_000_000) == (100, 50_000_000_000)
    assert compute_position_notional_liquidatable_bounds(50_000_000_000, 100, 500_000) == (100, 25_000_000_000)
    # "min and max notional liquidatable can be overridden": $5 position, $10 minimum -> both $5
    assert compute_position_notional_liquidatable_bounds(5_000_000, 10_000_000, 1_000_000) == (5_000_000, 5_000_000)
    # floor: 999 * 1 ppm / 1e6 = 0.000999 -> 0, so max = min = min(5, 999) = 5
    assert compute_position_notional_liquidatable_bounds(999, 5, 1) == (5, 5)


def test_liq_2_size_delta_hand_worked():
    """LIQ-2 (v4 TestGetPerpetualPositionToLiquidate): whole, half, step rounding down, step clamp up, caps."""

    def size(q: int, step: int, minimum: int, ppm: int, sub_max: int = U64, so_far: int = 0) -> int:
        return compute_liquidatable_position_size_delta(q, *BTC_MARKET, step, minimum, ppm, sub_max, so_far)

    assert size(TENTH_BTC, 5, 1, 1_000_000) == -TENTH_BTC  # no limit: the whole position
    assert size(TENTH_BTC, 5, 10_000_000_000, 1_000_000) == -TENTH_BTC  # min notional above the position
    assert size(TENTH_BTC, 5, 1_000, 500_000) == -5_000_000  # half
    assert size(-TENTH_BTC, 5, 1_000, 500_000) == 5_000_000  # half of a short: positive
    assert size(5, 10, 1, 100_000) == -5  # no larger than one step: whole
    # 140 quantums = 70 quote; 10% = 7 quote = 14 quantums, down to the step of 10 -> 10
    assert size(140, 10, 1, 100_000) == -10
    # 20 quantums = 10 quote; 10% = 1 quote = 2 quantums -> 0 at step 5 -> clamped up to 5
    assert size(20, 5, 1, 100_000) == -5
    # 21 quantums = 10 quote (trunc of 10.5); 50% = 5 quote = 10 quantums -> 9 at step 3
    assert size(21, 3, 1_000, 500_000) == -9
    # subaccount limit $2,500 below the position's $5,000 -> 0.05 BTC; $2,000 -> 0.04 BTC
    assert size(TENTH_BTC, 5, 1, 1_000_000, 2_500_000_000) == -5_000_000
    assert size(TENTH_BTC, 5, 1_000, 500_000, 2_000_000_000) == -4_000_000
    assert size(TENTH_BTC, 5, 1_000, 400_000, 2_500_000_000) == -4_000_000  # the position limit is lower
    # at the subaccount limit: cap 0 -> QuoteToBase 0 -> clamped up to one step
    assert size(TENTH_BTC, 5, 1, 1_000_000, 1_000, 1_000) == -5
    with pytest.raises(errors.LiquidationExceedsSubaccountMaxNotionalLiquidated):
        size(TENTH_BTC, 5, 1, 1_000_000, 1_000, 1_001)


def test_liq_2_max_uint64_position():
    """LIQ-2 (v4 TestGetPerpetualPositionToLiquidate, MaxUint64 ETH long): capped by MaxUint64 quote, step 1000."""
    # notional 3 * (2^64 - 1) > cap 2^64 - 1; QuoteToBase(2^64 - 1) = trunc((2^64 - 1) / 3) = 6148914691236517205
    delta = compute_liquidatable_position_size_delta(U64, -9, 3_000_000_000, -6, 1_000, 1, 1_000_000, U64, 0)
    assert delta == -6_148_914_691_236_517_000
    assert compute_liquidatable_position_size_delta(-U64, -9, 3_000_000_000, -6, 1_000, 1, 1_000_000, U64, 0) == (
        6_148_914_691_236_517_000
    )


def test_liq_2_reader_needs_a_position():
    """LIQ-2: the state reader is NO_PERPETUAL_POSITIONS_TO_LIQUIDATE without a position, else the pure rule."""
    state, subaccount = risk_state(0, {0: TENTH_BTC})
    assert get_liquidatable_position_size_delta(state, subaccount, 0, 5, 1_000, 500_000, U64, 0) == -5_000_000
    with pytest.raises(errors.NoPerpetualPositionsToLiquidate):
        get_liquidatable_position_size_delta(state, subaccount, 1, 5, 1_000, 500_000, U64, 0)


def test_liq_3_subaccount_notional_limit():
    """LIQ-3 (v4 TestGetMaxLiquidatableNotionalAndInsuranceLost): 150 - 100 = 50; at the limit 0; past it a panic."""
    assert compute_subaccount_max_notional_liquidatable(150, 100, False) == 50
    assert compute_subaccount_max_notional_liquidatable(100, 100, False) == 0
    with pytest.raises(errors.LiquidationExceedsSubaccountMaxNotionalLiquidated):
        compute_subaccount_max_notional_liquidatable(50, 100, False)
    with pytest.raises(errors.SubaccountHasLiquidatedPerpetual):
        compute_subaccount_max_notional_liquidatable(U64, 100, True)


def test_liq_4_subaccount_insurance_limit():
    """LIQ-4 (v4 TestGetMaxLiquidatableNotionalAndInsuranceLost): 150 - 100 = 50; 100 lost of 50 is a panic."""
    assert compute_subaccount_max_insurance_lost(150, 100, False) == 50
    assert compute_subaccount_max_insurance_lost(100, 100, False) == 0
    with pytest.raises(errors.LiquidationExceedsSubaccountMaxInsuranceLost):
        compute_subaccount_max_insurance_lost(50, 100, False)
    with pytest.raises(errors.SubaccountHasLiquidatedPerpetual):
        compute_subaccount_max_insurance_lost(U64, 0, True)
    # v4 accumulates only negative deltas, as |delta|: the Go case's -100 is 100 lost; a fee of +100 is nothing
    assert compute_insurance_lost_of_delta(-100) == 100
    assert compute_insurance_lost_of_delta(100) == 0
    assert compute_insurance_lost_of_delta(0) == 0


# --- LIQ-5, LIQ-6 --------------------------------------------------------------------------------


def test_liq_5_invalid_deltas():
    """LIQ-5 (v4 TestGetBankruptcyPriceInQuoteQuantums errors): zero, same side, too large, no position."""
    state, subaccount = risk_state(-4_501 * ONE_DOLLAR, {0: 100_000_000})
    for delta in (0, 10_000_000, -100_000_001):
        with pytest.raises(errors.InvalidPerpetualPositionSizeDelta):
            get_bankruptcy_price_quote_quantums(state, subaccount, 0, delta)
        with pytest.raises(errors.InvalidPerpetualPositionSizeDelta):
            get_fillable_price(state, subaccount, 0, delta, 1_000_000, 100_000)
    with pytest.raises(errors.InvalidPerpetualPositionSizeDelta):
        get_bankruptcy_price_quote_quantums(state, subaccount, 1, -1)


def test_liq_6_bankruptcy_price_go_cases():
    """LIQ-6 (v4 TestGetBankruptcyPriceInQuoteQuantums): the long, short, partial, multi-position and rounding cases."""
    # 0.1 BTC long ($5,000, MMR $500), USDC -$4,501: TNC $499 = TMMR - 1; -DNNV = 5e9; floor(499e6*500e6/500e6)
    state, sub = risk_state(-4_501 * ONE_DOLLAR, {0: TENTH_BTC})
    assert get_bankruptcy_price_quote_quantums(state, sub, 0, -TENTH_BTC) == 4_501_000_000
    state, sub = risk_state(5_499 * ONE_DOLLAR, {0: -TENTH_BTC})
    assert get_bankruptcy_price_quote_quantums(state, sub, 0, TENTH_BTC) == -5_499_000_000
    state, sub = risk_state(-5_000 * ONE_DOLLAR, {0: TENTH_BTC})
    assert get_bankruptcy_price_quote_quantums(state, sub, 0, -5_000_000) == 2_500_000_000  # half, at bankruptcy
    # 0.004 BTC long ($200, MMR $20) + 0.1 ETH long ($300, MMR $30), USDC -$490: TNC 10, TMMR 50
    # closing the ETH: 300e6 - floor(10e6 * 30e6 / 50e6) = 300e6 - 6e6
    state, sub = risk_state(-490 * ONE_DOLLAR, {0: 400_000, 1: 100_000_000})
    assert get_bankruptcy_price_quote_quantums(state, sub, 1, -100_000_000) == 294_000_000
    # 1 BTC long, USDC -$13 would be 49,987; TNC = 5e10 - 13e6... "rounds up": 21,347 of 1e8 quantums
    # DNNV = -trunc(21347 * 5e9 * 1e-7) = -10673500; DMMR = MMR(99978653) - MMR(1e8) = -1067350
    # TNC = 5e10 - 13e6 = 49987000000, TMMR = 5e9: floor(49987e6 * 1067350 / 5e9) = floor(10670724.89) = 10670724
    # -> 10673500 - 10670724 = 2776 (rounded up from 2775.11)
    state, sub = risk_state(-13 * ONE_DOLLAR, {0: 100_000_000})
    assert get_bankruptcy_price_quote_quantums(state, sub, 0, -21_347) == 2_776
    state, sub = risk_state(13 * ONE_DOLLAR, {0: -100_000_000})
    assert get_bankruptcy_price_quote_quantums(state, sub, 0, 21_347) == -2_775
    # "cannot be liquidated at a loss": 1 BTC long, USDC $1: 5e10 - floor(50001e6 * 5e9 / 5e9) = -1e6
    state, sub = risk_state(ONE_DOLLAR, {0: 100_000_000})
    assert get_bankruptcy_price_quote_quantums(state, sub, 0, -100_000_000) == -1_000_000


def test_liq_6_bankruptcy_price_floor_of_negative_tnc():
    """LIQ-6: the division floors toward -inf also for TNC < 0 (Euclidean), so the price rounds up."""
    # TNC = -7, TMMR = 3, DMMR = -2, DNNV = -10: 10 - floor(-14 / 3) = 10 - (-5) = 15 (not 10 - (-4) = 14)
    assert compute_bankruptcy_price_quote_quantums(-7, 3, -10, -2) == 15
    # TNC = 7: 10 - floor(14 / 3) = 10 - 4 = 6
    assert compute_bankruptcy_price_quote_quantums(7, 3, -10, -2) == 6
    with pytest.raises(errors.ZeroTotalMaintenanceMargin):
        compute_bankruptcy_price_quote_quantums(7, 0, -10, 0)
    with pytest.raises(errors.PositiveDeltaMaintenanceMargin):
        compute_bankruptcy_price_quote_quantums(7, 3, -10, 1)


def test_liq_6_settles_funding_first():
    """LIQ-6: the reader settles funding (FUND-2) before it takes TNC."""
    # a long 0.1 BTC whose perpetual index rose by 10 since: settlement -(10 - 0) * 1e7 ppm = -100 quote
    # TNC = -4501e6 + 5e9 - 100 = 498999900; bankruptcy = 5e9 - floor(498999900 * 5e8 / 5e8) = 4501000100
    state, sub = risk_state(-4_501 * ONE_DOLLAR, {0: TENTH_BTC}, funding={0: 10})
    assert get_bankruptcy_price_quote_quantums(state, sub, 0, -TENTH_BTC) == 4_501_000_100
    assert sub.usdc_balance == -4_501 * ONE_DOLLAR  # the stored subaccount is not changed


# --- LIQ-7, LIQ-8 ----------------------------------------------------------------------------


def test_liq_7_fillable_price_go_cases():
    """LIQ-7 (v4 TestGetFillablePrice): the long, short, adjustment, spread, at and below bankruptcy cases."""
    state, sub = risk_state(-4_501 * ONE_DOLLAR, {0: TENTH_BTC})
    # ABR = 1 - 499/500 = 1/500; spread = 1/500 * 10% * 5e8 = 1e5: (5e9 - 1e5) / 1e7 = 49999/100
    assert get_fillable_price(state, sub, 0, -TENTH_BTC, 1_000_000, 100_000) == Fraction(49_999, 100)
    assert get_fillable_price(state, sub, 0, -TENTH_BTC, 2_000_000, 100_000) == Fraction(49_998, 100)
    assert get_fillable_price(state, sub, 0, -TENTH_BTC, 1_000_000, 200_000) == Fraction(49_998, 100)
    assert get_fillable_price(state, sub, 0, -TENTH_BTC, 2**32 - 1, 100_000) == Fraction(495)  # ABR clamped at 1
    assert get_fillable_price(state, sub, 0, -TENTH_BTC, 1_000_000, 1) == Fraction(4_999_999_999, 10_000_000)
    assert get_fillable_price(state, sub, 0, -TENTH_BTC, 1_000_000, 1_000_000) == Fraction(49_990, 100)
    state, sub = risk_state(5_499 * ONE_DOLLAR, {0: -TENTH_BTC})
    assert get_fillable_price(state, sub, 0, TENTH_BTC, 1_000_000, 100_000) == Fraction(50_001, 100)
    state, sub = risk_state(-5_500 * ONE_DOLLAR, {0: TENTH_BTC})  # below bankruptcy: ABR clamped at 1
    assert get_fillable_price(state, sub, 0, -TENTH_BTC, 1_000_000, 100_000) == Fraction(495)
    state, sub = risk_state(4_500 * ONE_DOLLAR, {0: -TENTH_BTC})
    assert get_fillable_price(state, sub, 0, TENTH_BTC, 1_000_000, 100_000) == Fraction(505)
    # multiple longs: ETH PNNV 3e8, PMMR 3e7; TNC 1e7, TMMR 5e7: ABR = 4/5; (3e8 - 4/5 * 3e6) / 1e8 = 372/125
    state, sub = risk_state(-490 * ONE_DOLLAR, {0: 400_000, 1: 100_000_000})
    assert get_fillable_price(state, sub, 1, -100_000_000, 1_000_000, 100_000) == Fraction(372, 125)


def test_liq_7_counterexample_fillable_below_bankruptcy():
    """LIQ-7: at TNC = 0 the fillable price (495) is below the bankruptcy price (500): not between them."""
    state, sub = risk_state(-5_000 * ONE_DOLLAR, {0: TENTH_BTC})
    fillable = get_fillable_price(state, sub, 0, -TENTH_BTC, 1_000_000, 100_000)
    bankruptcy = get_bankruptcy_price_quote_quantums(state, sub, 0, -TENTH_BTC)
    assert fillable == 495 and Fraction(bankruptcy, TENTH_BTC) == 500


def test_liq_7_errors():
    """LIQ-7: TMMR 0, no position and a negative price are typed errors (panics in v4)."""
    with pytest.raises(errors.ZeroTotalMaintenanceMargin):
        compute_fillable_price(10, 0, 1, 5, 0, 1_000_000, 100_000)
    with pytest.raises(errors.InvalidPerpetualPositionSizeDelta):
        compute_fillable_price(10, 1, 0, 5, 1, 1_000_000, 100_000)
    # PNNV 10, PMMR 10, TNC 0, TMMR 10: ABR 1; spread = 2e6/1e6 * 10 = 20 > 10: (10 - 20) / 1 < 0
    with pytest.raises(errors.NegativeFillablePrice):
        compute_fillable_price(10, 10, 1, 0, 10, 1_000_000, 2_000_000)


def test_liq_8_subticks():
    """LIQ-8 (v4 TestConvertFillablePriceToSubticks): the BTC price, rounding up and down, both clamps."""
    assert compute_fillable_price_subticks(Fraction(5_000_000_000), True, 5, -8) == 500_000_000_000_000_000
    assert compute_fillable_price_subticks(Fraction(5_000_000_000), False, 5, -8) == 500_000_000_000_000_000
    assert compute_fillable_price_subticks(Fraction(7), True, 100, 1) == 100  # 0.7 -> 1 -> 100
    assert compute_fillable_price_subticks(Fraction(197), True, 100, 1) == 100  # 19.7 -> 20 -> 100
    assert compute_fillable_price_subticks(Fraction(0), True, 100, 1) == 100  # lower clamp
    assert compute_fillable_price_subticks(Fraction(10**22), True, 100, 1) == 18_446_744_073_709_551_600
    # hand-worked: 2501/10 at qce 0 is 250.1: a long's sell rounds up to 251 and to 260; a short's buy to 250
    assert compute_fillable_price_subticks(Fraction(2_501, 10), True, 10, 0) == 260
    assert compute_fillable_price_subticks(Fraction(2_501, 10), False, 10, 0) == 250
    assert compute_fillable_price_subticks(Fraction(2_599, 10), False, 10, 0) == 250  # 259.9 -> 259 -> 250
    assert compute_fillable_price_subticks(Fraction(5), False, 10, 0) == 10  # 5 -> 0 -> clamped up to one tick
    assert compute_fillable_price_subticks(Fraction(1, 3), True, 10, -8) == 33_333_340  # 33333333.3 -> ...34 -> ...40
    with pytest.raises(errors.NegativeFillablePrice):
        compute_fillable_price_subticks(Fraction(-1), False, 5, -8)


# --- LIQ-9, INS-1 ----------------------------------------------------------------------------------


def test_liq_9_insurance_fund_delta_go_cases():
    """LIQ-9 (v4 TestGetLiquidationInsuranceFundDelta): the fee cap, uncapped fees, zero, shortfalls, zero fill."""
    long_state, long_sub = risk_state(-5_100 * ONE_DOLLAR, {0: TENTH_BTC})  # bankruptcy 5.1e9
    short_state, short_sub = risk_state(4_900 * ONE_DOLLAR, {0: -TENTH_BTC})  # bankruptcy -4.9e9

    def long(subticks: int, fee: int = 5_000) -> int:
        return get_liquidation_insurance_fund_delta(long_state, long_sub, 0, False, TENTH_BTC, subticks, -8, fee)

    def short(subticks: int, fee: int = 5_000) -> int:
        return get_liquidation_insurance_fund_delta(short_state, short_sub, 0, True, TENTH_BTC, subticks, -8, fee)

    # sells 0.1 BTC for 5.61e9: delta 5.1e8, fee cap 0.5% of 5.61e9 = 28.05e6
    assert long(56_100_000_000) == 28_050_000
    assert long(56_100_000_000, 25_000) == 140_250_000
    assert long(56_100_000_000, 1_000_000) == 510_000_000  # the cap 5.61e9 exceeds the delta
    assert short(44_100_000_000) == 22_050_000  # buys for 4.41e9: delta 4.9e8, cap 22.05e6
    assert short(44_100_000_000, 25_000) == 110_250_000
    assert short(44_100_000_000, 1_000_000) == 490_000_000
    assert long(51_051_000_000) == 5_100_000  # delta 5.1e6 below the cap 25.5255e6
    assert short(48_951_000_000) == 4_900_000
    assert long(51_000_000_000) == 0 and short(49_000_000_000) == 0
    assert long(50_490_000_000) == -51_000_000  # the fund covers the shortfall
    assert short(49_490_000_000) == -49_000_000
    assert short(1) == 0  # the fill's quote rounds to 0; the fee cap is 0
    with pytest.raises(errors.InvalidQuantumsForInsuranceFundDeltaCalculation):
        get_liquidation_insurance_fund_delta(short_state, short_sub, 0, True, 0, 50_000_000_000, -8, 5_000)


def test_liq_9_pure_rule():
    """LIQ-9: delta <= 0 is returned as is; a positive delta is capped by floor(|fq| * fee / 1e6)."""
    assert compute_liquidation_insurance_fund_delta(100, 150, 5_000) == -50
    assert compute_liquidation_insurance_fund_delta(1_000_000, 999_000, 5_000) == 1_000  # min(1000, 5000)
    assert compute_liquidation_insurance_fund_delta(1_000_000, 990_000, 5_000) == 5_000  # capped
    assert compute_liquidation_insurance_fund_delta(-199, -300, 5_000) == 0  # floor(199 * 0.005) = 0


def test_liq_10_defaults_are_valid():
    """LIQ-10: v4's default configuration passes the state's bounds check; each bound rejects one past it."""
    defaults = LiquidationsConfig()
    assert check_liquidations_config(defaults) == []
    for field, bad in (
        ("max_liquidation_fee_ppm", 0),
        ("max_liquidation_fee_ppm", 1_000_001),
        ("bankruptcy_adjustment_ppm", 999_999),
        ("spread_to_maintenance_margin_ratio_ppm", 0),
        ("max_position_portion_liquidated_ppm", 0),
        ("max_position_portion_liquidated_ppm", 1_000_001),
        ("max_notional_liquidated", 0),
        ("max_quantums_insurance_lost", 0),
    ):
        assert len(check_liquidations_config(dataclasses.replace(defaults, **{field: bad}))) == 1


def test_ins_1_insurance_fund_delta_validity():
    """INS-1 (v4 TestIsValidInsuranceFundDelta): non-negative deltas, emptied exactly, overdrawn by one."""
    assert is_valid_insurance_fund_delta(9_998_000_000, 0)
    assert is_valid_insurance_fund_delta(0, 0)
    assert is_valid_insurance_fund_delta(0, 1_000_000)
    assert is_valid_insurance_fund_delta(9_998_000_000, -1_000_000)
    assert is_valid_insurance_fund_delta(10_000_000_000, -10_000_000_000)
    assert not is_valid_insurance_fund_delta(10_000_000_000, -10_000_000_001)
    assert not is_valid_insurance_fund_delta(0, -1)


# --- DEL-1 ----------------------------------------------------------------------------------------


def test_del_1_can_deleverage():
    """DEL-1 (v4 TestCanDeleverageSubaccount): positive and zero TNC no; negative TNC at bankruptcy, even in final settlement."""
    assert can_deleverage_subaccount(5_000_000_000, False) == (False, False)
    assert can_deleverage_subaccount(0, False) == (False, False)
    assert can_deleverage_subaccount(-1, False) == (True, False)
    assert can_deleverage_subaccount(-1, True) == (True, False)
    assert can_deleverage_subaccount(5_000_000_000, True) == (False, True)
    assert can_deleverage_subaccount(0, True) == (False, True)
