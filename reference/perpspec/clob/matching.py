"""
Matching: a taker order against the book, one margin-checked fill at a time (spec/clob.md, MATCH-1..9).

``match_order`` walks the opposite side best price first and, within a price, oldest
first (MATCH-1).  Each fill is priced at the maker's subticks and sized
min(taker remaining, maker remaining) (MATCH-2), and is applied as one batch of two
``Match`` updates through the ledger's collateral check (MATCH-4): a maker that fails is
removed and matching goes on; a taker that fails stops.  Fees go to the fee collector
(FEE-3) and open interest follows the fill (MATCH-9, SUB-6).
"""

from __future__ import annotations

from enum import Enum
from typing import Any

import icontract

from perpspec.clob.book import BookOrder, Side
from perpspec.clob.fees import compute_fee_quote_quantums, get_fee_ppm, record_fill_volume
from perpspec.clob.state import SIDE_BUY, TIME_IN_FORCE_POST_ONLY, ClobPair, Order
from perpspec.config import CONTRACTS_ENABLED
from perpspec.events import subaccount_update_event
from perpspec.margin import is_initially_collateralized
from perpspec.messages import encode_order_id
from perpspec.rounding import floor_div
from perpspec.state import State
from perpspec.subaccounts import (
    SettledUpdate,
    Update,
    UpdateResult,
    UpdateType,
    check_updates,
    get_subaccount_risk,
    write_settled_updates,
)
from perpspec.types import OrderId


class RemovalReason(Enum):
    """Why an order left the book or was not placed on it; stable names for events (MATCH-*, ORDER-*)."""

    FULLY_FILLED = "FULLY_FILLED"
    CANCELED = "CANCELED"
    EXPIRED = "EXPIRED"
    REPLACED = "REPLACED"
    SELF_TRADE = "SELF_TRADE"
    UNDERCOLLATERALIZED = "UNDERCOLLATERALIZED"
    POST_ONLY_WOULD_CROSS_MAKER_ORDER = "POST_ONLY_WOULD_CROSS_MAKER_ORDER"
    IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK = "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK"
    REDUCE_ONLY_RESIZED = "REDUCE_ONLY_RESIZED"
    REDUCE_ONLY_WOULD_INCREASE_POSITION = "REDUCE_ONLY_WOULD_INCREASE_POSITION"
    CLOB_PAIR_STATUS = "CLOB_PAIR_STATUS"


class MatchStatus(Enum):
    """How matching of a taker ended (MATCH-4..8)."""

    OPEN = "OPEN"
    FILLED = "FILLED"
    UNDERCOLLATERALIZED = "UNDERCOLLATERALIZED"
    POST_ONLY_WOULD_CROSS = "POST_ONLY_WOULD_CROSS"
    REDUCE_ONLY_RESIZED = "REDUCE_ONLY_RESIZED"


# Members the hot paths read, bound once (an Enum member lookup is slow in Python 3.11)
_SUCCESS = UpdateResult.SUCCESS
_MATCH = UpdateType.MATCH
_REPLACED = RemovalReason.REPLACED
_FILLED = MatchStatus.FILLED
_OPEN = MatchStatus.OPEN


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


def compute_reduce_only_fill(is_buy: Any, position_quantums: Any, fill_quantums: Any, step: Any) -> Any:
    """
    The largest part of a fill a reduce-only order may take (MATCH-8, ``resizeReduceOnlyMatchIfNecessary``).

    Only a fill opposite to the position counts: a buy reduces a short, a sell a long.  The
    fill is cut to |position|, rounded down to a multiple of the step, so a reduce-only
    order never increases or flips a position; 0 when the position is 0 or on the same side.
    """
    reducible = -position_quantums if is_buy else position_quantums
    if reducible <= 0:
        return 0
    if fill_quantums <= reducible:
        return fill_quantums
    return floor_div(reducible, step) * step


def compute_fill_quote_quantums(subticks: int, fill_quantums: int, quantum_conversion_exponent: int) -> int:
    """
    The quote of a fill, floor(subticks * fill * 10^qce) (MATCH-2, UNITS-6), for integers.

    ``fill_quote_quantums_from_subticks`` on Python integers without its z3 dispatch: a
    negative exponent is a floor division by the power of ten, which ``//`` is (equal to
    it: tests/test_fast_paths.py).
    """
    value = subticks * fill_quantums
    if quantum_conversion_exponent >= 0:
        return value * 10**quantum_conversion_exponent
    return value // 10**-quantum_conversion_exponent


# --- events ----------------------------------------------------------------------------


def order_removed_event(order_id: OrderId, reason: RemovalReason) -> dict:
    return {"type": "OrderRemoved", "orderId": encode_order_id(order_id), "reason": reason.value}


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
) -> dict:
    """One fill, as an indexer sees it (MATCH-2, FEE-3)."""
    return {
        "type": "OrderFill",
        "clobPairId": pair.id,
        "takerOrderId": encode_order_id(taker.order_id),
        "makerOrderId": encode_order_id(maker.order_id),
        "takerIsBuy": taker.side == SIDE_BUY,
        "subticks": str(maker.subticks),
        "fillQuantums": str(fill_quantums),
        "quoteQuantums": str(quote),
        "takerFee": str(taker_fee),
        "makerFee": str(maker_fee),
        "takerTotalFilled": str(taker_filled),
        "makerTotalFilled": str(maker_filled),
    }


# --- book changes ----------------------------------------------------------------------


def remove_resting_order(state: State, entry: BookOrder, reason: RemovalReason, events: list[dict]) -> None:
    """
    Take an order off the book and forget it (ORDER-9, MATCH-3, MATCH-4).

    A stateful order's fill amount goes with it unless it is being replaced; a short-term
    order's stays until its good-til-block has passed, so it cannot be placed again to
    fill twice (ORDER-11).
    """
    clob = state.clob
    clob.books[entry.order_id.clob_pair_id].side(entry.is_buy).remove(entry)
    del clob.resting[entry.order_id]
    if entry.order.good_til_block_time and reason is not _REPLACED:
        clob.fill_amounts.pop(entry.order_id, None)
    events.append(order_removed_event(entry.order_id, reason))


def crosses(is_buy: bool, limit_subticks: int, level_subticks: int) -> bool:
    """A buy crosses an ask at or below its price; a sell crosses a bid at or above it (MATCH-1)."""
    return level_subticks <= limit_subticks if is_buy else level_subticks >= limit_subticks


# --- matching --------------------------------------------------------------------------


def match_order(
    state: State, pair: ClobPair, taker: Order, remaining: int, events: list[dict]
) -> tuple[MatchStatus, int]:
    """
    Match ``remaining`` base quantums of ``taker`` against the book (MATCH-1..8).

    Returns how matching ended and what is left.  Post-only takers never fill: at the
    first fill that would pass its collateral checks, matching stops with
    POST_ONLY_WOULD_CROSS and nothing of that fill is applied (MATCH-5).
    """
    clob = state.clob
    opposite: Side = clob.book(pair.id).side(taker.side != SIDE_BUY)
    taker_is_buy = taker.side == SIDE_BUY
    taker_id = taker.order_id
    taker_subaccount = taker_id.subaccount_id
    taker_owner = taker_subaccount.owner
    post_only = taker.time_in_force == TIME_IN_FORCE_POST_ONLY
    perpetual_id = pair.perpetual_id
    qce = pair.quantum_conversion_exponent
    # Tiers move only at the end of a block (FEE-4), so the taker's rate holds for the whole match
    taker_fee_ppm = None
    while remaining:
        level = opposite.best()
        if level is None or not crosses(taker_is_buy, taker.subticks, level.subticks):
            break
        maker_entry = level.front()
        maker = maker_entry.order
        maker_id = maker_entry.order_id
        # Self-trade: the resting order of the same subaccount is removed, no fill (MATCH-3)
        if maker_id.subaccount_id == taker_subaccount:
            remove_resting_order(state, maker_entry, RemovalReason.SELF_TRADE, events)
            continue
        maker_filled = clob.fill_amounts.get(maker_id, 0)
        fill = min(remaining, maker.quantums - maker_filled)
        # Reduce-only takers are cut to the position they reduce (MATCH-8)
        if taker.reduce_only:
            position = state.subaccounts.get(taker_subaccount)
            held = position.positions.get(perpetual_id) if position is not None else None
            fill = compute_reduce_only_fill(taker_is_buy, held.quantums if held else 0, fill, pair.step_base_quantums)
            if fill == 0:
                return MatchStatus.REDUCE_ONLY_RESIZED, remaining
        # Price at the maker's subticks; fees by each party's tier (MATCH-2, FEE-1, FEE-2)
        quote = compute_fill_quote_quantums(maker.subticks, fill, qce)
        if taker_fee_ppm is None:
            taker_fee_ppm = get_fee_ppm(state, taker_owner, True)
        maker_fee_ppm = get_fee_ppm(state, maker_id.subaccount_id.owner, False)
        taker_delta, maker_delta, taker_fee, maker_fee = compute_match_quote_deltas(
            taker_is_buy, quote, taker_fee_ppm, maker_fee_ppm
        )
        base = fill if taker_is_buy else -fill
        updates = [
            Update(taker_subaccount, taker_delta, ((perpetual_id, base),)),
            Update(maker_id.subaccount_id, maker_delta, ((perpetual_id, -base),)),
        ]
        # One collateral check for both sides, open-interest change applied first (MATCH-4, SUB-6)
        results, settled = check_updates(state, updates, _MATCH)
        taker_ok = results[0] is _SUCCESS
        maker_ok = results[1] is _SUCCESS
        if not maker_ok:
            remove_resting_order(state, maker_entry, RemovalReason.UNDERCOLLATERALIZED, events)
        if not taker_ok:
            return MatchStatus.UNDERCOLLATERALIZED, remaining
        if not maker_ok:
            continue
        if post_only:
            return MatchStatus.POST_ONLY_WOULD_CROSS, remaining
        # Apply the fill
        apply_fill(state, settled, taker_fee + maker_fee)
        record_fill_volume(state.volume, taker_owner, maker_id.subaccount_id.owner, quote)
        clob.record_trade_price(perpetual_id, maker.subticks)
        remaining -= fill
        taker_filled = clob.fill_amounts.get(taker_id, 0) + fill
        record_fill_amount(state, taker, taker_filled)
        maker_filled += fill
        record_fill_amount(state, maker, maker_filled)
        events.append(fill_event(pair, taker, maker, fill, quote, taker_fee, maker_fee, taker_filled, maker_filled))
        events.append(subaccount_update_event(settled[0]))
        events.append(subaccount_update_event(settled[1]))
        if maker_filled == maker.quantums:
            remove_resting_order(state, maker_entry, RemovalReason.FULLY_FILLED, events)
        cancel_reduce_only_orders_if_closed(state, settled, perpetual_id, events)
    return (_FILLED if remaining == 0 else _OPEN), remaining


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
        stored = state.subaccounts.get(settled_update.update.subaccount_id)
        if stored is not None:
            usdc += stored.usdc_balance
            position = stored.positions.get(perpetual_id)
            base += position.quantums if position is not None else 0
    return (
        usdc,
        state.fee_collector_balance + state.funding_pool_balance,
        base,
        state.perpetuals[perpetual_id].open_interest,
    )


def _fill_conserves_value(state: State, settled: list[SettledUpdate], OLD: Any) -> bool:
    usdc, protocol, base, _ = _stored_balances(state, settled, _fill_perpetual(settled))
    return usdc - OLD.fill[0] + protocol - OLD.fill[1] == 0 and base == OLD.fill[2]


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
    state.fee_collector_balance += fees


def cancel_reduce_only_orders_if_closed(
    state: State, settled: list[SettledUpdate], perpetual_id: int, events: list[dict]
) -> None:
    """
    When a fill opens a position from zero, closes it or flips its side, the subaccount's
    waiting reduce-only orders on that perpetual are cancelled (MATCH-8,
    ``maybeCancelReduceOnlyOrders``), in order-id order.

    Reduce-only orders are IOC, so the only ones that wait are untriggered conditional
    orders; they are indexed by subaccount and clob pair, so this costs O(those orders).
    """
    clob = state.clob
    if not clob.reduce_only_waiting:
        return
    for settled_update in settled:
        before = settled_update.settled.positions.get(perpetual_id)
        after = settled_update.updated.positions.get(perpetual_id)
        if after is not None and before is not None and (after.quantums > 0) == (before.quantums > 0):
            continue
        subaccount_id = settled_update.update.subaccount_id
        waiting: list[OrderId] = []
        for pair_id, pair in state.clob_pairs.items():
            if pair.perpetual_id == perpetual_id:
                waiting.extend(clob.reduce_only_waiting.get((subaccount_id, pair_id), ()))
        for order_id in sorted(waiting):
            clob.pop_untriggered(order_id)
            clob.fill_amounts.pop(order_id, None)
            events.append(order_removed_event(order_id, RemovalReason.REDUCE_ONLY_RESIZED))
