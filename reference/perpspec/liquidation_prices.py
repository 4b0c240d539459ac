"""
Liquidation prices and sizes read from the state (spec/liquidations.md).

Each reader settles the subaccount's funding first, as v4's GetSettledSubaccount, takes the
risk of the position and of the whole subaccount at the oracle price with
``perpspec.subaccounts``'s functions (no leverage, the stored open interest), and hands the
numbers to ``perpspec.liquidation_arithmetic``.  ``subaccount`` is the stored subaccount; it
is never changed.
"""

from __future__ import annotations

from fractions import Fraction

from perpspec import errors
from perpspec.liquidation_arithmetic import (
    compute_bankruptcy_price_quote_quantums,
    compute_fillable_price,
    compute_liquidatable_position_size_delta,
    compute_liquidation_insurance_fund_delta,
    is_valid_position_size_delta,
)
from perpspec.margin import Risk
from perpspec.state import State, Subaccount
from perpspec.subaccounts import get_perpetual, get_position_risk, get_settled_subaccount, get_subaccount_risk
from perpspec.units import fill_quote_quantums_from_subticks


def get_settled_subaccount_risk(state: State, subaccount: Subaccount) -> Risk:
    """TNC, TIMR and TMMR of the subaccount after funding settlement (FUND-2, MARGIN-5)."""
    settled, _ = get_settled_subaccount(state, subaccount)
    return get_subaccount_risk(state, settled)


def get_position_quantums(subaccount: Subaccount, perpetual_id: int) -> int:
    """The subaccount's position in the perpetual, 0 when it holds none (SUB-4)."""
    position = subaccount.positions.get(perpetual_id)
    return 0 if position is None else position.quantums


def require_valid_position_size_delta(subaccount: Subaccount, perpetual_id: int, delta_quantums: int) -> int:
    """The position, if the delta closes part or all of it; else INVALID_PERPETUAL_POSITION_SIZE_DELTA (LIQ-5)."""
    position_quantums = get_position_quantums(subaccount, perpetual_id)
    if not is_valid_position_size_delta(position_quantums, delta_quantums):
        raise errors.InvalidPerpetualPositionSizeDelta(
            f"delta {delta_quantums} does not close part of position {position_quantums} in perpetual {perpetual_id}"
        )
    return position_quantums


def get_bankruptcy_price_quote_quantums(
    state: State, subaccount: Subaccount, perpetual_id: int, delta_quantums: int
) -> int:
    """
    The quote quantums closing ``delta_quantums`` of the position must bring (LIQ-6, v4 GetBankruptcyPriceInQuoteQuantums).

    -DNNV - floor(TNC * |DMMR| / TMMR), where DNNV and DMMR are the position's net notional and
    maintenance margin after the delta minus before, at the oracle price, and TNC, TMMR the settled totals.
    """
    total = get_settled_subaccount_risk(state, subaccount)
    position_quantums = require_valid_position_size_delta(subaccount, perpetual_id, delta_quantums)
    before = get_position_risk(state, perpetual_id, position_quantums)
    after = get_position_risk(state, perpetual_id, position_quantums + delta_quantums)
    price: int = compute_bankruptcy_price_quote_quantums(
        total.nc, total.mmr, after.nc - before.nc, after.mmr - before.mmr
    )
    return price


def get_fillable_price(
    state: State,
    subaccount: Subaccount,
    perpetual_id: int,
    delta_quantums: int,
    bankruptcy_adjustment_ppm: int,
    spread_to_maintenance_margin_ratio_ppm: int,
) -> Fraction:
    """
    The exact price a liquidation of the position may fill at, per base quantum (LIQ-7, v4 GetFillablePrice).

    (PNNV - ABR * SMMR * PMMR) / PS with ABR = clamp(BA * (1 - TNC / TMMR), 0, 1), from the whole
    position's risk and the settled totals; ``delta_quantums`` is only checked (LIQ-5).
    """
    position_quantums = require_valid_position_size_delta(subaccount, perpetual_id, delta_quantums)
    position = get_position_risk(state, perpetual_id, position_quantums)
    total = get_settled_subaccount_risk(state, subaccount)
    return compute_fillable_price(
        position.nc,
        position.mmr,
        position_quantums,
        total.nc,
        total.mmr,
        bankruptcy_adjustment_ppm,
        spread_to_maintenance_margin_ratio_ppm,
    )


def get_liquidation_insurance_fund_delta(
    state: State,
    subaccount: Subaccount,
    perpetual_id: int,
    is_buy: bool,
    fill_amount: int,
    subticks: int,
    quantum_conversion_exponent: int,
    max_liquidation_fee_ppm: int,
) -> int:
    """
    The insurance fund's share of a liquidation fill of ``fill_amount`` at ``subticks`` (LIQ-9, v4 GetLiquidationInsuranceFundDelta).

    The fill's quote quantums (UNITS-6), negated for a buy, minus the bankruptcy price of the
    fill's delta (+fill for a buy, -fill for a sell, LIQ-6); a positive result is capped at the
    maximum liquidation fee.  A zero fill is INVALID_QUANTUMS_FOR_INSURANCE_FUND_DELTA_CALCULATION.
    """
    if fill_amount == 0:
        raise errors.InvalidQuantumsForInsuranceFundDeltaCalculation("the fill amount is 0")
    fill_quote: int = fill_quote_quantums_from_subticks(subticks, fill_amount, quantum_conversion_exponent)
    if is_buy:
        fill_quote, delta_quantums = -fill_quote, fill_amount
    else:
        delta_quantums = -fill_amount
    bankruptcy = get_bankruptcy_price_quote_quantums(state, subaccount, perpetual_id, delta_quantums)
    delta: int = compute_liquidation_insurance_fund_delta(fill_quote, bankruptcy, max_liquidation_fee_ppm)
    return delta


def get_liquidatable_position_size_delta(
    state: State,
    subaccount: Subaccount,
    perpetual_id: int,
    step_base_quantums: int,
    min_position_notional_liquidated: int,
    max_position_portion_liquidated_ppm: int,
    subaccount_max_notional_liquidated: int,
    subaccount_notional_liquidated: int,
) -> int:
    """
    The signed size of the liquidation order for the subaccount's position (LIQ-2, v4 GetLiquidatablePositionSizeDelta).

    NO_PERPETUAL_POSITIONS_TO_LIQUIDATE when it holds no position in the perpetual; otherwise
    ``compute_liquidatable_position_size_delta`` at the perpetual's oracle price.
    """
    position = subaccount.positions.get(perpetual_id)
    if position is None or position.quantums == 0:
        raise errors.NoPerpetualPositionsToLiquidate(f"no position in perpetual {perpetual_id}")
    perpetual = get_perpetual(state, perpetual_id)
    price = state.prices.market_prices[perpetual.market_id]
    return compute_liquidatable_position_size_delta(
        position.quantums,
        perpetual.atomic_resolution,
        price.price,
        price.exponent,
        step_base_quantums,
        min_position_notional_liquidated,
        max_position_portion_liquidated_ppm,
        subaccount_max_notional_liquidated,
        subaccount_notional_liquidated,
    )
