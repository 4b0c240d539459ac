"""
One fill: v4's ``ProcessSingleMatch`` (spec/clob.md, MATCH-2, MATCH-4, FEE-2, FEE-3, FEE-4, ORDER-11).

``process_single_match`` takes a taker, a maker and a fill size and does everything one
fill does to the state: the quote at the maker's price, each party's fee, one batch of two
updates through the ledger's collateral check with the open-interest change applied
(SUB-6, SUB-7), and, when both sides pass, the write of both subaccounts, the fee
collector's credit, the volume, the trade price, both fill amounts and the events.  The
taker loop (``perpspec.clob.matching``) decides what to fill and what a failure does to
the book; liquidation and deleveraging fills will call this same function with their own
update type.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import icontract

from perpspec.clob.fees import compute_fee_quote_quantums, get_fee_ppm, record_fill_volume
from perpspec.clob.state import SIDE_BUY, ClobPair, Order
from perpspec.config import CONTRACTS_ENABLED
from perpspec.events import Event, OrderFillEvent
from perpspec.margin import is_initially_collateralized
from perpspec.state import State
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


@dataclass(frozen=True)
class MatchResults:
    """
    The collateral check's result for each side of a fill (SUB-7), and both sides settled and
    updated; the fill was written only if both succeed.
    """

    taker: UpdateResult
    maker: UpdateResult
    settled: list[SettledUpdate]

    @property
    def succeeded(self) -> bool:
        return self.taker is _SUCCESS and self.maker is _SUCCESS


def process_single_match(
    state: State, match: SingleMatch, update_type: UpdateType, events: list[Event], commit: bool = True
) -> MatchResults:
    """
    One margin-checked fill (MATCH-2, MATCH-4, FEE-2..4, ORDER-11, ``ProcessSingleMatch``).

    The fill is priced at the maker's subticks; each party pays its tier's fee; both updates
    are checked as one batch of ``update_type`` with the open-interest change applied.  When
    both sides pass and ``commit`` holds, both are written, the fee collector is credited,
    the volume, the trade price and both fill amounts are recorded, and the fill's events
    follow; otherwise nothing is written (a post-only taker asks with ``commit=False``).
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
    taker_delta, maker_delta, taker_fee, maker_fee = compute_match_quote_deltas(
        taker_is_buy, quote, taker_fee_ppm, maker_fee_ppm
    )
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
    # Write both sides, the fees, the volume and the trade price (FEE-3, FEE-4, COND-3)
    apply_fill(state, settled, taker_fee + maker_fee)
    record_fill_volume(state.stats.volume, taker_subaccount.owner, maker_subaccount.owner, quote)
    state.clob.record_trade_price(perpetual_id, maker.subticks)
    # Record both fill amounts (ORDER-11)
    clob = state.clob
    taker_filled = clob.fill_amounts.get(taker.order_id, 0) + fill
    record_fill_amount(state, taker, taker_filled)
    maker_filled = clob.fill_amounts.get(maker.order_id, 0) + fill
    record_fill_amount(state, maker, maker_filled)
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
        state.bank.fee_collector + state.bank.funding_pool,
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
    "CONS-3 (FEE-3): a fill moves USDC only between its parties, the fee collector and the funding pool, "
    "and base quantums only between its parties",
    enabled=CONTRACTS_ENABLED,
)
@icontract.ensure(
    _fill_keeps_parties_collateralized,
    "SOLV-2 (MATCH-4): a fill never leaves a party that met its initial margin under it",
    enabled=CONTRACTS_ENABLED,
)
def apply_fill(state: State, settled: list[SettledUpdate], fees: int) -> None:
    """Write both sides of a fill and credit the fee collector (FEE-3)."""
    write_settled_updates(state, settled)
    state.bank.fee_collector += fees


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
