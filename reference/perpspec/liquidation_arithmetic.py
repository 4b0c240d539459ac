"""
Liquidation arithmetic: sizes, block limits, the bankruptcy and fillable prices, the insurance
fund's share of a fill, and when an account can be deleveraged (spec/liquidations.md,
spec/deleveraging.md).

Pure functions of integers, mirroring v4's ``x/clob/keeper/liquidations.go`` and
``deleveraging.go``; the state-level readers that feed them are ``perpspec.liquidation_prices``.
Every division goes through ``perpspec.rounding`` with its direction named.  The price functions
(``compute_bankruptcy_price_quote_quantums``, ``compute_fillable_price_terms``,
``compute_subticks_of_fillable_price_terms``, ``compute_liquidation_insurance_fund_delta``) also
run on z3 terms, so the proofs of BANKR-1 run this very code; their input checks (typed errors
for v4's panics) apply to concrete integers only.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

from perpspec import errors
from perpspec.rounding import (
    ONE_MILLION,
    Rounding,
    both,
    divide,
    either,
    floor_div,
    is_concrete,
    mul_ppm_floor,
    select,
)
from perpspec.units import UINT64_MAX, base_to_quote_quantums, quote_to_base_quantums

# --- sizes and block limits (LIQ-1..LIQ-4) -------------------------------------------------


def compute_position_notional_abs(
    position_quantums: int, atomic_resolution: int, price_value: int, price_exponent: int
) -> int:
    """The absolute notional of a position at the oracle price, |trunc(q * price)| (LIQ-1, UNITS-4)."""
    notional: int = base_to_quote_quantums(position_quantums, atomic_resolution, price_value, price_exponent)
    return -notional if notional < 0 else notional


def compute_position_notional_liquidatable_bounds(
    notional_abs: int, min_position_notional_liquidated: int, max_position_portion_liquidated_ppm: int
) -> tuple[int, int]:
    """
    (min, max) notional of one position liquidatable in a block (LIQ-1, v4 GetMaxAndMinPositionNotionalLiquidatable).

    min = min(MinPositionNotionalLiquidated, notional); max = max(min, floor(notional * portion_ppm / 1e6)).
    """
    minimum = min(min_position_notional_liquidated, notional_abs)
    portion: int = mul_ppm_floor(notional_abs, max_position_portion_liquidated_ppm)
    return minimum, max(minimum, portion)


def compute_subaccount_max_notional_liquidatable(
    max_notional_liquidated: int, previous_notional_liquidated: int, perpetual_already_liquidated: bool
) -> int:
    """
    The notional a subaccount may still have liquidated this block: limit - so far (LIQ-3, v4 GetSubaccountMaxNotionalLiquidatable).

    SUBACCOUNT_HAS_LIQUIDATED_PERPETUAL if the pair was liquidated this block; strictly more than the
    limit so far is LIQUIDATION_EXCEEDS_SUBACCOUNT_MAX_NOTIONAL_LIQUIDATED (a panic in v4); exactly at it gives 0.
    """
    if perpetual_already_liquidated:
        raise errors.SubaccountHasLiquidatedPerpetual("this subaccount and perpetual were liquidated this block")
    if previous_notional_liquidated > max_notional_liquidated:
        raise errors.LiquidationExceedsSubaccountMaxNotionalLiquidated(
            f"notional liquidated {previous_notional_liquidated} exceeds the block limit {max_notional_liquidated}"
        )
    return max_notional_liquidated - previous_notional_liquidated


def compute_subaccount_max_insurance_lost(
    max_quantums_insurance_lost: int, previous_insurance_lost: int, perpetual_already_liquidated: bool
) -> int:
    """
    The insurance payout a subaccount may still cause this block: limit - lost so far (LIQ-4, v4 GetSubaccountMaxInsuranceLost).

    SUBACCOUNT_HAS_LIQUIDATED_PERPETUAL if the pair was liquidated this block; strictly more than the
    limit so far is LIQUIDATION_EXCEEDS_SUBACCOUNT_MAX_INSURANCE_LOST (a panic in v4); exactly at it gives 0.
    Only negative insurance-fund deltas count, as |delta|; fees paid to the fund do not.
    """
    if perpetual_already_liquidated:
        raise errors.SubaccountHasLiquidatedPerpetual("this subaccount and perpetual were liquidated this block")
    if previous_insurance_lost > max_quantums_insurance_lost:
        raise errors.LiquidationExceedsSubaccountMaxInsuranceLost(
            f"insurance lost {previous_insurance_lost} exceeds the block limit {max_quantums_insurance_lost}"
        )
    return max_quantums_insurance_lost - previous_insurance_lost


def compute_insurance_lost_of_delta(insurance_fund_delta: int) -> int:
    """What an insurance fund delta adds to the insurance lost: |delta| when negative, 0 otherwise (LIQ-4, v4 UpdateSubaccountLiquidationInfo)."""
    return -insurance_fund_delta if insurance_fund_delta < 0 else 0


def compute_liquidatable_position_size_delta(
    position_quantums: int,
    atomic_resolution: int,
    price_value: int,
    price_exponent: int,
    step_base_quantums: int,
    min_position_notional_liquidated: int,
    max_position_portion_liquidated_ppm: int,
    subaccount_max_notional_liquidated: int,
    subaccount_notional_liquidated: int,
) -> int:
    """
    The signed size of a liquidation order, opposite to the position (LIQ-2, v4 GetLiquidatablePositionSizeDelta).

    cap = min(max position notional (LIQ-1), subaccount limit left (LIQ-3)).  The whole position when
    notional <= cap or |q| <= step; otherwise trunc(QuoteToBase(cap)) rounded down to a multiple of the
    step, then clamped to [step, |q|] (so a cap worth less than a step still liquidates one step).
    The step is positive.
    """
    notional_abs = compute_position_notional_abs(position_quantums, atomic_resolution, price_value, price_exponent)
    _, position_max = compute_position_notional_liquidatable_bounds(
        notional_abs, min_position_notional_liquidated, max_position_portion_liquidated_ppm
    )
    subaccount_max = compute_subaccount_max_notional_liquidatable(
        subaccount_max_notional_liquidated, subaccount_notional_liquidated, False
    )
    cap = min(position_max, subaccount_max)
    size_abs = -position_quantums if position_quantums < 0 else position_quantums
    if notional_abs <= cap or size_abs <= step_base_quantums:
        return -position_quantums
    # notional_abs > cap >= 0 here, so the price is positive (UNITS-5 divides by it)
    base: int = quote_to_base_quantums(cap, atomic_resolution, price_value, price_exponent)
    stepped: int = floor_div(base, step_base_quantums) * step_base_quantums  # ROUND-3: down to a step
    delta_abs = max(step_base_quantums, min(stepped, size_abs))
    return -delta_abs if position_quantums > 0 else delta_abs


def is_valid_position_size_delta(position_quantums: int, delta_quantums: int) -> bool:
    """A delta closes part or all of a position: opposite sign, non-zero, |delta| <= |position| (LIQ-5)."""
    opposite = (position_quantums > 0 and delta_quantums < 0) or (position_quantums < 0 and delta_quantums > 0)
    return opposite and abs(delta_quantums) <= abs(position_quantums)


# --- the insurance fund (INS-1) ------------------------------------------------------------


def is_valid_insurance_fund_delta(insurance_fund_balance: Any, insurance_fund_delta: Any) -> Any:
    """A delta the fund can bear: delta >= 0, or balance + delta >= 0 (INS-1, v4 IsValidInsuranceFundDelta); on ints or z3 terms."""
    return either(insurance_fund_delta >= 0, insurance_fund_balance + insurance_fund_delta >= 0)


# --- prices (LIQ-6..LIQ-9) -----------------------------------------------------------------


def compute_bankruptcy_price_quote_quantums(
    total_net_collateral: Any,
    total_maintenance_margin: Any,
    delta_net_notional: Any,
    delta_maintenance_margin: Any,
) -> Any:
    """
    The quote quantums a position delta must be closed for: -DNNV - floor(TNC * |DMMR| / TMMR) (LIQ-6, v4 GetBankruptcyPriceInQuoteQuantums).

    The only division rounds toward -infinity (ROUND-3), so the result, which subtracts it, rounds
    toward +infinity: closing at it never needs the insurance fund.  DMMR <= 0 and TMMR > 0
    (POSITIVE_DELTA_MAINTENANCE_MARGIN, ZERO_TOTAL_MAINTENANCE_MARGIN otherwise: panics in v4).
    """
    if is_concrete(total_net_collateral, total_maintenance_margin, delta_net_notional, delta_maintenance_margin):
        if delta_maintenance_margin > 0:
            raise errors.PositiveDeltaMaintenanceMargin(f"DMMR {delta_maintenance_margin} is positive")
        if total_maintenance_margin <= 0:
            raise errors.ZeroTotalMaintenanceMargin("TMMR is 0: the bankruptcy price is undefined")
    return -delta_net_notional - floor_div(total_net_collateral * -delta_maintenance_margin, total_maintenance_margin)


def compute_fillable_price_terms(
    position_net_notional: Any,
    position_maintenance_margin: Any,
    position_quantums: Any,
    total_net_collateral: Any,
    total_maintenance_margin: Any,
    bankruptcy_adjustment_ppm: Any,
    spread_to_maintenance_margin_ratio_ppm: Any,
) -> tuple[Any, Any]:
    """
    The fillable price (PNNV - ABR * SMMR * PMMR) / PS as (numerator, denominator > 0), unreduced (LIQ-7).

    ABR = clamp(BA * (1 - TNC / TMMR), 0, 1) = clamp(BA * (TMMR - TNC), 0, 1e6 * TMMR) / (1e6 * TMMR);
    the price is (PNNV * 1e12 * TMMR - ABR_num * SMMR * PMMR) / (1e12 * TMMR * PS), with both terms
    negated when PS < 0.  TMMR > 0 and PS != 0 (checked by ``compute_fillable_price``).
    """
    abr_denominator = ONE_MILLION * total_maintenance_margin
    unclamped = bankruptcy_adjustment_ppm * (total_maintenance_margin - total_net_collateral)
    abr_numerator = select(unclamped < 0, 0, select(unclamped > abr_denominator, abr_denominator, unclamped))
    scale = ONE_MILLION * abr_denominator
    numerator = position_net_notional * scale - abr_numerator * spread_to_maintenance_margin_ratio_ppm * (
        position_maintenance_margin
    )
    denominator = scale * position_quantums
    return (
        select(position_quantums < 0, -numerator, numerator),
        select(position_quantums < 0, -denominator, denominator),
    )


def compute_fillable_price(
    position_net_notional: int,
    position_maintenance_margin: int,
    position_quantums: int,
    total_net_collateral: int,
    total_maintenance_margin: int,
    bankruptcy_adjustment_ppm: int,
    spread_to_maintenance_margin_ratio_ppm: int,
) -> Fraction:
    """
    The exact fillable price in quote quantums per base quantum, (PNNV - ABR * SMMR * PMMR) / PS (LIQ-7, v4 GetFillablePrice).

    ABR = clamp(BA/1e6 * (1 - TNC/TMMR), 0, 1).  No rounding: the price stays rational until
    LIQ-8.  TMMR = 0 is ZERO_TOTAL_MAINTENANCE_MARGIN, PS = 0 INVALID_PERPETUAL_POSITION_SIZE_DELTA,
    and a negative price NEGATIVE_FILLABLE_PRICE (panics in v4).
    """
    if total_maintenance_margin <= 0:
        raise errors.ZeroTotalMaintenanceMargin("TMMR is 0: the fillable price is undefined")
    if position_quantums == 0:
        raise errors.InvalidPerpetualPositionSizeDelta("there is no position to price")
    numerator, denominator = compute_fillable_price_terms(
        position_net_notional,
        position_maintenance_margin,
        position_quantums,
        total_net_collateral,
        total_maintenance_margin,
        bankruptcy_adjustment_ppm,
        spread_to_maintenance_margin_ratio_ppm,
    )
    price = Fraction(numerator, denominator)
    if price < 0:
        raise errors.NegativeFillablePrice(f"the fillable price {price} is negative")
    return price


def compute_subticks_of_fillable_price_terms(
    numerator: Any, denominator: Any, is_liquidating_long: Any, subticks_per_tick: Any, quantum_conversion_exponent: int
) -> Any:
    """
    Subticks of a non-negative fillable price numerator / denominator (denominator > 0) (LIQ-8).

    s = price / 10^qce, rounded up to a whole subtick and then up to a multiple of the tick when
    liquidating a long (a sell), down both times for a short (a buy); clamped to
    [SubticksPerTick, 2^64 - 1 - (2^64 - 1) % SubticksPerTick].
    """
    if is_concrete(numerator) and numerator == 0:
        scaled_numerator, scaled_denominator = 0, 1  # a zero price needs no power of ten (CAT-4)
    elif quantum_conversion_exponent >= 0:
        scaled_numerator, scaled_denominator = numerator, denominator * 10**quantum_conversion_exponent
    else:
        scaled_numerator, scaled_denominator = numerator * 10**-quantum_conversion_exponent, denominator
    up = divide(scaled_numerator, scaled_denominator, Rounding.CEIL)  # ROUND-4
    down = divide(scaled_numerator, scaled_denominator, Rounding.FLOOR)  # ROUND-3
    subticks = select(is_liquidating_long, up, down)
    # up to a tick: ceil(s / tick) * tick, written floor((s + tick - 1) / tick) * tick (equal for every
    # integer s and tick > 0), the form z3 proves aligned (perpspec.verify.z3.liquidation); down: floor
    aligned = select(
        is_liquidating_long,
        divide(subticks + subticks_per_tick - 1, subticks_per_tick, Rounding.FLOOR) * subticks_per_tick,
        divide(subticks, subticks_per_tick, Rounding.FLOOR) * subticks_per_tick,
    )
    maximum = UINT64_MAX - UINT64_MAX % subticks_per_tick
    return select(aligned < subticks_per_tick, subticks_per_tick, select(aligned > maximum, maximum, aligned))


def compute_fillable_price_subticks(
    fillable_price: Fraction, is_liquidating_long: bool, subticks_per_tick: int, quantum_conversion_exponent: int
) -> int:
    """
    The liquidation order's price in subticks (LIQ-8, v4 ConvertFillablePriceToSubticks).

    fillable / 10^qce, rounded up (long: a sell) or down (short: a buy) to a subtick and in the same
    direction to a multiple of SubticksPerTick, then clamped to [SubticksPerTick, maxUint64 -
    maxUint64 % SubticksPerTick].  A negative price is NEGATIVE_FILLABLE_PRICE (a panic in v4);
    SubticksPerTick is positive.
    """
    if fillable_price < 0:
        raise errors.NegativeFillablePrice(f"the fillable price {fillable_price} is negative")
    subticks: int = compute_subticks_of_fillable_price_terms(
        fillable_price.numerator,
        fillable_price.denominator,
        is_liquidating_long,
        subticks_per_tick,
        quantum_conversion_exponent,
    )
    return subticks


def compute_liquidation_insurance_fund_delta(
    fill_quote_quantums: Any, bankruptcy_quote_quantums: Any, max_liquidation_fee_ppm: Any
) -> Any:
    """
    The insurance fund's share of a liquidation fill (LIQ-9, v4 GetLiquidationInsuranceFundDelta).

    delta = fill quote - bankruptcy quote, both signed as v4 computes them (the fill's quote is
    negated for a buy).  delta <= 0: the fund pays |delta|.  Otherwise the fund receives
    min(delta, floor(|fill quote| * max_fee_ppm / 1e6)) (ROUND-6).
    """
    delta = fill_quote_quantums - bankruptcy_quote_quantums
    fee_cap = mul_ppm_floor(
        select(fill_quote_quantums < 0, -fill_quote_quantums, fill_quote_quantums), max_liquidation_fee_ppm
    )
    return select(delta <= 0, delta, select(both(delta > 0, fee_cap < delta), fee_cap, delta))


# --- deleveraging (DEL-1) --------------------------------------------------------------------


def can_deleverage_subaccount(total_net_collateral: int, is_final_settlement: bool) -> tuple[bool, bool]:
    """
    (at the bankruptcy price, at the oracle price): TNC < 0 gives (True, False), even in final settlement;
    TNC >= 0 gives (False, is_final_settlement) (DEL-1, v4 CanDeleverageSubaccount).
    """
    if total_net_collateral < 0:
        return True, False
    return False, is_final_settlement


# --- the configuration (LIQ-10) --------------------------------------------------------------

DEFAULT_MAX_LIQUIDATION_FEE_PPM = 5_000
"""v4 LiquidationsConfig_Default.MaxLiquidationFeePpm: 0.5% (LIQ-10)."""
DEFAULT_BANKRUPTCY_ADJUSTMENT_PPM = 1_000_000
"""v4 default FillablePriceConfig.BankruptcyAdjustmentPpm: 100% (LIQ-10)."""
DEFAULT_SPREAD_TO_MAINTENANCE_MARGIN_RATIO_PPM = 100_000
"""v4 default FillablePriceConfig.SpreadToMaintenanceMarginRatioPpm: 10% (LIQ-10)."""
DEFAULT_MIN_POSITION_NOTIONAL_LIQUIDATED = 1_000
"""v4 default PositionBlockLimits.MinPositionNotionalLiquidated, in quote quantums (LIQ-10)."""
DEFAULT_MAX_POSITION_PORTION_LIQUIDATED_PPM = 1_000_000
"""v4 default PositionBlockLimits.MaxPositionPortionLiquidatedPpm: 100% (LIQ-10)."""
DEFAULT_MAX_NOTIONAL_LIQUIDATED = 100_000_000_000_000
"""v4 default SubaccountBlockLimits.MaxNotionalLiquidated: $100,000,000 (LIQ-10)."""
DEFAULT_MAX_QUANTUMS_INSURANCE_LOST = 100_000_000_000_000
"""v4 default SubaccountBlockLimits.MaxQuantumsInsuranceLost: $100,000,000 (LIQ-10)."""
