"""
One fill: v4's ``ProcessSingleMatch`` (spec/clob.md, MATCH-2, MATCH-4, FEE-2, FEE-3, FEE-4, ORDER-11).

``process_single_match`` takes a taker, a maker and a fill size and does everything one
fill does to the state: the quote at the maker's price, each party's fee, one batch of two
updates through the ledger's collateral check with the open-interest change applied
(SUB-6, SUB-7), and, when both sides pass, the write of both subaccounts, the fee
collector's credit, the volume, the trade price, both fill amounts and the events.  The
taker loop (``perpspec.clob.matching``) decides what to fill and what a failure does to
the book.  A liquidation order's fills come through here too, with a ``LiquidationFill``:
the liquidated taker pays no trading fee, a maker's rebate is capped at 0, and the insurance
fund takes its delta from the taker, within the block's limits (LIQ-12, LIQ-13).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

import icontract

from perpspec.clob.fees import compute_fee_quote_quantums, get_fee_ppm, record_fill_volume
from perpspec.clob.state import SIDE_BUY, ClobPair, LiquidationsConfig, Order
from perpspec.config import CONTRACTS_ENABLED
from perpspec.events import Event, LiquidationFillEvent, OrderFillEvent
from perpspec.liquidation_arithmetic import (
    compute_position_notional_abs,
    compute_subaccount_max_insurance_lost,
    compute_subaccount_max_notional_liquidatable,
    is_valid_insurance_fund_delta,
)
from perpspec.liquidation_prices import get_liquidation_insurance_fund_delta
from perpspec.margin import is_initially_collateralized
from perpspec.state import State, Subaccount
from perpspec.subaccounts import (
    SettledUpdate,
    Update,
    UpdateResult,
    UpdateType,
    check_updates,
    get_subaccount_risk,
    get_subaccount_update_event,
    write_settled_updates,
)

_SUCCESS = UpdateResult.SUCCESS  # bound once: an Enum member lookup is slow in Python 3.11


# --- pure arithmetic -------------------------------------------------------------------


def compute_match_quote_deltas(
    taker_is_buy: Any, fill_quote_quantums: Any, taker_fee_ppm: Any, maker_fee_ppm: Any
) -> tuple[Any, Any, Any, Any]:
    """
    The USDC changes of one fill (FEE-2, FEE-3): taker delta, maker delta, taker fee, maker fee.

    The buyer pays the fill's quote and the seller receives it; each party also pays its
    fee, ceil(quote * ppm / 1e6), which the fee collector receives.  So
    taker delta + maker delta + taker fee + maker fee = 0 (CONS-3).
    """
    taker_fee = compute_fee_quote_quantums(fill_quote_quantums, taker_fee_ppm)
    maker_fee = compute_fee_quote_quantums(fill_quote_quantums, maker_fee_ppm)
    if taker_is_buy:
        return -fill_quote_quantums - taker_fee, fill_quote_quantums - maker_fee, taker_fee, maker_fee
    return fill_quote_quantums - taker_fee, -fill_quote_quantums - maker_fee, taker_fee, maker_fee


def compute_fill_quote_quantums(subticks: int, fill_quantums: int, quantum_conversion_exponent: int) -> int:
    """
    The quote of a fill, floor(subticks * fill * 10^qce) (MATCH-2, UNITS-6), for integers.

    ``fill_quote_quantums_from_subticks`` on Python integers without its z3 dispatch: a
    negative exponent is a floor division by the power of ten, which ``//`` is (equal to
    it: tests/properties/test_fast_path_fills.py; Z3 proves it for every exponent the proof lists).
    """
    value = subticks * fill_quantums
    if quantum_conversion_exponent >= 0:
        scale: int = 10**quantum_conversion_exponent
        return value * scale
    divisor: int = 10**-quantum_conversion_exponent
    return value // divisor


# --- one fill --------------------------------------------------------------------------


@dataclass(frozen=True)
class SingleMatch:
    """A fill of ``fill_quantums`` between a taker and a resting maker, at the maker's price (MATCH-2)."""

    pair: ClobPair
    taker: Order
    maker: Order
    fill_quantums: int


@dataclass
class SubaccountLiquidationInfo:
    """
    What one subaccount was liquidated for in this block (LIQ-12, v4 ``SubaccountLiquidationInfo``):
    the perpetuals liquidated, the notional liquidated at the oracle price, and the insurance fund's
    payouts on its fills (fees paid to the fund do not count).
    """

    perpetuals_liquidated: set[int] = field(default_factory=set)
    notional_liquidated: int = 0
    quantums_insurance_lost: int = 0


@dataclass(frozen=True)
class LiquidationFill:
    """A fill's liquidation context: the liquidated taker's block record and the liquidations config (LIQ-12)."""

    info: SubaccountLiquidationInfo
    config: LiquidationsConfig


class LiquidationStop(Enum):
    """Why a liquidation order stops matching before a fill (LIQ-13, the memclob's order statuses)."""

    INSURANCE_FUND_HAS_INSUFFICIENT_FUNDS = "LiquidationRequiresDeleveraging"
    EXCEEDS_SUBACCOUNT_MAX_NOTIONAL_LIQUIDATED = "LiquidationExceededSubaccountMaxNotionalLiquidated"
    EXCEEDS_SUBACCOUNT_MAX_INSURANCE_LOST = "LiquidationExceededSubaccountMaxInsuranceLost"


@dataclass(frozen=True)
class MatchResults:
    """
    The collateral check's result for each side of a fill (SUB-7), and both sides settled and
    updated; the fill was written only if both succeed.  A liquidation fill refused by its
    limits before any check carries ``stop`` and no results (LIQ-13).
    """

    taker: UpdateResult
    maker: UpdateResult
    settled: list[SettledUpdate]
    stop: LiquidationStop | None = None

    @property
    def succeeded(self) -> bool:
        return self.taker is _SUCCESS and self.maker is _SUCCESS


def get_liquidation_fill_stop(
    state: State, liquidation: LiquidationFill, perpetual_id: int, fill_quantums: int, insurance_fund_delta: int
) -> LiquidationStop | None:
    """
    The limits one liquidation fill must meet, in v4's order (LIQ-13, ``validateMatchedLiquidation``):
    the fund can pay its share (INS-1); the fill's notional at the oracle price is within what the
    subaccount may still have liquidated this block (LIQ-3); a payout from the fund is within what
    it may still lose on the subaccount this block (LIQ-4).  None when the fill may go ahead.
    """
    config, info = liquidation.config, liquidation.info
    # Verify the insurance fund can pay its share (INS-1)
    if not is_valid_insurance_fund_delta(state.bank.insurance_fund, insurance_fund_delta):
        return LiquidationStop.INSURANCE_FUND_HAS_INSUFFICIENT_FUNDS
    # Verify the subaccount's notional block limit (LIQ-3); the perpetual is marked only after matching
    remaining_notional = compute_subaccount_max_notional_liquidatable(
        config.max_notional_liquidated, info.notional_liquidated, False
    )
    if get_fill_notional(state, perpetual_id, fill_quantums) > remaining_notional:
        return LiquidationStop.EXCEEDS_SUBACCOUNT_MAX_NOTIONAL_LIQUIDATED
    # Verify the subaccount's insurance block limit (LIQ-4)
    if insurance_fund_delta < 0:
        remaining_loss = compute_subaccount_max_insurance_lost(
            config.max_quantums_insurance_lost, info.quantums_insurance_lost, False
        )
        if -insurance_fund_delta > remaining_loss:
            return LiquidationStop.EXCEEDS_SUBACCOUNT_MAX_INSURANCE_LOST
    return None


def get_fill_notional(state: State, perpetual_id: int, fill_quantums: int) -> int:
    """|the fill's notional| at the oracle price (LIQ-3, UNITS-4)."""
    perpetual = state.perpetuals.perpetuals[perpetual_id]
    price = state.prices.market_prices[perpetual.market_id]
    return compute_position_notional_abs(fill_quantums, perpetual.atomic_resolution, price.price, price.exponent)


def record_liquidation_fill(
    state: State, liquidation: LiquidationFill, perpetual_id: int, fill_quantums: int, insurance_fund_delta: int
) -> None:
    """A liquidation fill counts toward the subaccount's block limits: its notional, and the fund's payout (LIQ-12)."""
    info = liquidation.info
    info.notional_liquidated += get_fill_notional(state, perpetual_id, fill_quantums)
    if insurance_fund_delta < 0:
        info.quantums_insurance_lost -= insurance_fund_delta


def process_single_match(
    state: State,
    match: SingleMatch,
    update_type: UpdateType,
    events: list[Event],
    commit: bool = True,
    liquidation: LiquidationFill | None = None,
) -> MatchResults:
    """
    One margin-checked fill (MATCH-2, MATCH-4, FEE-2..4, ORDER-11, ``ProcessSingleMatch``).

    The fill is priced at the maker's subticks; each party pays its tier's fee; both updates
    are checked as one batch of ``update_type`` with the open-interest change applied.  When
    both sides pass and ``commit`` holds, both are written, the fee collector is credited,
    the volume, the trade price and both fill amounts are recorded, and the fill's events
    follow; otherwise nothing is written (a post-only taker asks with ``commit=False``).

    A liquidation taker (``liquidation``) pays no trading fee and the maker no negative fee;
    the insurance fund's delta comes out of the taker's USDC, after the fill's limits (LIQ-13);
    the taker's fill amount is not recorded, since a liquidation order has no id to replay.
    """
    pair, taker, maker, fill = match.pair, match.taker, match.maker, match.fill_quantums
    taker_is_buy = taker.side == SIDE_BUY
    taker_subaccount = taker.order_id.subaccount_id
    maker_subaccount = maker.order_id.subaccount_id
    perpetual_id = pair.perpetual_id
    # Price at the maker's subticks; fees by each party's tier (MATCH-2, FEE-1, FEE-2)
    quote = compute_fill_quote_quantums(maker.subticks, fill, pair.quantum_conversion_exponent)
    taker_fee_ppm = get_fee_ppm(state, taker_subaccount.owner, True)
    maker_fee_ppm = get_fee_ppm(state, maker_subaccount.owner, False)
    insurance_fund_delta = 0
    if liquidation is not None:
        # The insurance fund's share and the block's limits (LIQ-9, LIQ-13); no taker fee, no maker rebate
        stored = state.subaccounts.subaccounts.get(taker_subaccount) or Subaccount(taker_subaccount)
        insurance_fund_delta = get_liquidation_insurance_fund_delta(
            state,
            stored,
            perpetual_id,
            taker_is_buy,
            fill,
            maker.subticks,
            pair.quantum_conversion_exponent,
            liquidation.config.max_liquidation_fee_ppm,
        )
        stop = get_liquidation_fill_stop(state, liquidation, perpetual_id, fill, insurance_fund_delta)
        if stop is not None:
            return MatchResults(UpdateResult.UPDATE_CAUSED_ERROR, UpdateResult.UPDATE_CAUSED_ERROR, [], stop)
        taker_fee_ppm = 0
        maker_fee_ppm = max(maker_fee_ppm, 0)
    taker_delta, maker_delta, taker_fee, maker_fee = compute_match_quote_deltas(
        taker_is_buy, quote, taker_fee_ppm, maker_fee_ppm
    )
    taker_delta -= insurance_fund_delta
    base = fill if taker_is_buy else -fill
    updates = [
        Update(taker_subaccount, taker_delta, ((perpetual_id, base),)),
        Update(maker_subaccount, maker_delta, ((perpetual_id, -base),)),
    ]
    # One collateral check for both sides, open-interest change applied first (MATCH-4, SUB-6)
    results, settled = check_updates(state, updates, update_type)
    outcome = MatchResults(results[0], results[1], settled)
    if not outcome.succeeded or not commit:
        return outcome
    # Write both sides, the fees, the fund's share, the volume and the trade price (FEE-3, FEE-4, COND-3, LIQ-13)
    apply_fill(state, settled, taker_fee + maker_fee, insurance_fund_delta)
    record_fill_volume(state.stats.volume, taker_subaccount.owner, maker_subaccount.owner, quote)
    state.clob.record_trade_price(perpetual_id, maker.subticks)
    # Record the fill amounts (ORDER-11), or the liquidation's block limits (LIQ-12)
    clob = state.clob
    maker_filled = clob.fill_amounts.get(maker.order_id, 0) + fill
    record_fill_amount(state, maker, maker_filled)
    if liquidation is not None:
        record_liquidation_fill(state, liquidation, perpetual_id, fill, insurance_fund_delta)
        events.append(
            LiquidationFillEvent(
                taker_subaccount,
                maker.order_id,
                pair.id,
                taker_is_buy,
                maker.subticks,
                fill,
                quote,
                maker_fee,
                insurance_fund_delta,
                maker_filled,
            )
        )
    else:
        taker_filled = clob.fill_amounts.get(taker.order_id, 0) + fill
        record_fill_amount(state, taker, taker_filled)
        events.append(fill_event(pair, taker, maker, fill, quote, taker_fee, maker_fee, taker_filled, maker_filled))
    events.append(get_subaccount_update_event(settled[0]))
    events.append(get_subaccount_update_event(settled[1]))
    return outcome


def record_fill_amount(state: State, order: Order, filled: int) -> None:
    """
    Record an order id's filled amount (ORDER-11); a short-term id's is kept until its
    latest good-til-block has passed.
    """
    clob = state.clob
    order_id = order.order_id
    clob.fill_amounts[order_id] = filled
    good_til_block = order.good_til_block
    if good_til_block and clob.fill_amount_expiry.get(order_id, 0) < good_til_block:
        clob.fill_amount_expiry[order_id] = good_til_block


def _stored_balances(state: State, settled: list[SettledUpdate], perpetual_id: int) -> tuple[int, int, int, int]:
    """USDC of the two parties, fee collector plus funding pool, and the parties' net position (for contracts)."""
    usdc = base = 0
    for settled_update in settled:
        stored = state.subaccounts.subaccounts.get(settled_update.update.subaccount_id)
        if stored is not None:
            usdc += stored.usdc_balance
            position = stored.positions.get(perpetual_id)
            base += position.quantums if position is not None else 0
    return (
        usdc,
        state.bank.fee_collector + state.bank.funding_pool + state.bank.insurance_fund,
        base,
        state.perpetuals.perpetuals[perpetual_id].open_interest,
    )


def _fill_conserves_value(state: State, settled: list[SettledUpdate], OLD: Any) -> bool:
    usdc, protocol, base, _ = _stored_balances(state, settled, _fill_perpetual(settled))
    return bool(usdc - OLD.fill[0] + protocol - OLD.fill[1] == 0 and base == OLD.fill[2])


def _fill_keeps_parties_collateralized(state: State, settled: list[SettledUpdate]) -> bool:
    for settled_update in settled:
        before = get_subaccount_risk(state, settled_update.settled)
        if is_initially_collateralized(before) and not is_initially_collateralized(
            get_subaccount_risk(state, settled_update.updated)
        ):
            return False
    return True


def _fill_perpetual(settled: list[SettledUpdate]) -> int:
    return settled[0].update.perpetual_deltas[0][0]


@icontract.snapshot(
    lambda state, settled: _stored_balances(state, settled, _fill_perpetual(settled)), "fill", enabled=CONTRACTS_ENABLED
)
@icontract.ensure(
    _fill_conserves_value,
    "CONS-3 (FEE-3, LIQ-13): a fill moves USDC only between its parties, the fee collector, the funding pool "
    "and the insurance fund, and base quantums only between its parties",
    enabled=CONTRACTS_ENABLED,
)
@icontract.ensure(
    lambda state: state.bank.insurance_fund >= 0,
    "SOLV-3 (INS-1): a fill never leaves the insurance fund negative",
    enabled=CONTRACTS_ENABLED,
)
@icontract.ensure(
    _fill_keeps_parties_collateralized,
    "SOLV-2 (MATCH-4): a fill never leaves a party that met its initial margin under it",
    enabled=CONTRACTS_ENABLED,
)
def apply_fill(state: State, settled: list[SettledUpdate], fees: int, insurance_fund_delta: int = 0) -> None:
    """Write both sides of a fill, credit the fee collector (FEE-3) and move the insurance fund's share (LIQ-13)."""
    write_settled_updates(state, settled)
    state.bank.fee_collector += fees
    state.bank.insurance_fund += insurance_fund_delta


# --- events ----------------------------------------------------------------------------


def fill_event(
    pair: ClobPair,
    taker: Order,
    maker: Order,
    fill_quantums: int,
    quote: int,
    taker_fee: int,
    maker_fee: int,
    taker_filled: int,
    maker_filled: int,
) -> OrderFillEvent:
    """One fill, as an indexer sees it (MATCH-2, FEE-3)."""
    return OrderFillEvent(
        pair.id,
        taker.order_id,
        maker.order_id,
        taker.side == SIDE_BUY,
        maker.subticks,
        fill_quantums,
        quote,
        taker_fee,
        maker_fee,
        taker_filled,
        maker_filled,
    )
