"""
Matching: a taker order against the book, one margin-checked fill at a time (spec/clob.md, MATCH-1..9).

``match_order`` walks the opposite side best price first and, within a price, oldest
first (MATCH-1).  Each fill is sized min(taker remaining, maker remaining) (MATCH-2) and
made by ``perpspec.clob.fills.process_single_match``: a maker that fails its collateral
check is removed and matching goes on; a taker that fails stops (MATCH-4).  This module
decides what to fill and what each outcome does to the book; the fill itself is the one
function every kind of fill shares.
"""

from __future__ import annotations

from enum import Enum
from typing import Any

from perpspec.clob.fills import LiquidationFill, LiquidationStop, SingleMatch, process_single_match
from perpspec.clob.state import SIDE_BUY, TIME_IN_FORCE_POST_ONLY, BookSide, ClobPair, Order, RestingOrder
from perpspec.events import Event, OrderRemovedEvent, RemovalReason
from perpspec.rounding import floor_div
from perpspec.state import State
from perpspec.subaccounts import SettledUpdate, UpdateResult, UpdateType
from perpspec.types import OrderId


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


# --- events ----------------------------------------------------------------------------


# --- book changes ----------------------------------------------------------------------


def remove_resting_order(state: State, entry: RestingOrder, reason: RemovalReason, events: list[Event]) -> None:
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
    events.append(OrderRemovedEvent(entry.order_id, reason))


def crosses(is_buy: bool, limit_subticks: int, level_subticks: int) -> bool:
    """A buy crosses an ask at or below its price; a sell crosses a bid at or above it (MATCH-1)."""
    return level_subticks <= limit_subticks if is_buy else level_subticks >= limit_subticks


# --- matching --------------------------------------------------------------------------


def match_order(
    state: State, pair: ClobPair, taker: Order, remaining: int, events: list[Event]
) -> tuple[MatchStatus, int]:
    """
    Match ``remaining`` base quantums of ``taker`` against the book (MATCH-1..8).

    Returns how matching ended and what is left.  Post-only takers never fill: at the
    first fill that would pass its collateral checks, matching stops with
    POST_ONLY_WOULD_CROSS and nothing of that fill is applied (MATCH-5).
    """
    clob = state.clob
    opposite: BookSide = clob.book(pair.id).side(taker.side != SIDE_BUY)
    taker_is_buy = taker.side == SIDE_BUY
    taker_subaccount = taker.order_id.subaccount_id
    post_only = taker.time_in_force == TIME_IN_FORCE_POST_ONLY
    perpetual_id = pair.perpetual_id
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
        fill = min(remaining, maker.quantums - clob.fill_amounts.get(maker_id, 0))
        # Reduce-only takers are cut to the position they reduce (MATCH-8)
        if taker.reduce_only:
            position = state.subaccounts.subaccounts.get(taker_subaccount)
            held = position.positions.get(perpetual_id) if position is not None else None
            fill = compute_reduce_only_fill(taker_is_buy, held.quantums if held else 0, fill, pair.step_base_quantums)
            if fill == 0:
                return MatchStatus.REDUCE_ONLY_RESIZED, remaining
        # One margin-checked fill; a post-only taker only asks whether it would pass (MATCH-4, MATCH-5)
        results = process_single_match(
            state, SingleMatch(pair, taker, maker, fill), _MATCH, events, commit=not post_only
        )
        if results.maker is not _SUCCESS:
            remove_resting_order(state, maker_entry, RemovalReason.UNDERCOLLATERALIZED, events)
        if results.taker is not _SUCCESS:
            return MatchStatus.UNDERCOLLATERALIZED, remaining
        if results.maker is not _SUCCESS:
            continue
        if post_only:
            return MatchStatus.POST_ONLY_WOULD_CROSS, remaining
        remaining -= fill
        if clob.fill_amounts[maker_id] == maker.quantums:
            remove_resting_order(state, maker_entry, RemovalReason.FULLY_FILLED, events)
        cancel_reduce_only_orders_if_closed(state, results.settled, perpetual_id, events)
    return (_FILLED if remaining == 0 else _OPEN), remaining


def get_next_level(side: BookSide, after: int | None) -> Any:
    """The best level of a side strictly worse than the price ``after`` (the best level when None), or None (BOOK-1)."""
    if after is None:
        return side.best()
    prices = side.prices
    if side.is_bid:
        index = prices.bisect_left(after) - 1
        return side.levels[prices[index]] if index >= 0 else None
    index = prices.bisect_right(after)
    return side.levels[prices[index]] if index < len(prices) else None


def match_liquidation_order(
    state: State, pair: ClobPair, taker: Order, liquidation: LiquidationFill, events: list[Event]
) -> tuple[int, LiquidationStop | None]:
    """
    Match a liquidation order, an IOC taker, against the book (LIQ-13, the memclob's matching
    with a liquidation taker); returns the base quantums filled and why matching stopped early.

    As for any taker, best price first and oldest first within a price (MATCH-1), at the maker's
    price, self-trades removed (MATCH-3) and failing makers removed (MATCH-4).  Unlike any other
    taker, a liquidated taker that fails its collateral check does not stop matching: the maker
    is passed over and the next one tried; a fill refused by the block's limits or the fund's
    balance stops matching (``LiquidationStop``).  Each maker is visited once.
    """
    clob = state.clob
    book = clob.books.get(pair.id)
    if book is None:
        return 0, None  # no book: nothing to match, and none is created
    opposite: BookSide = book.side(taker.side != SIDE_BUY)
    taker_is_buy = taker.side == SIDE_BUY
    taker_subaccount = taker.order_id.subaccount_id
    perpetual_id = pair.perpetual_id
    remaining = taker.quantums
    price: int | None = None
    while remaining:
        level = get_next_level(opposite, price)
        if level is None or not crosses(taker_is_buy, taker.subticks, level.subticks):
            break
        price = level.subticks
        for maker_entry in list(level.orders()):
            if remaining == 0:
                break
            if maker_entry.removed:
                continue
            maker = maker_entry.order
            maker_id = maker_entry.order_id
            # Self-trade: the resting order of the liquidated subaccount is removed, no fill (MATCH-3)
            if maker_id.subaccount_id == taker_subaccount:
                remove_resting_order(state, maker_entry, RemovalReason.SELF_TRADE, events)
                continue
            fill = min(remaining, maker.quantums - clob.fill_amounts.get(maker_id, 0))
            results = process_single_match(
                state, SingleMatch(pair, taker, maker, fill), _MATCH, events, liquidation=liquidation
            )
            if results.stop is not None:
                return taker.quantums - remaining, results.stop
            if results.maker is not _SUCCESS:
                remove_resting_order(state, maker_entry, RemovalReason.UNDERCOLLATERALIZED, events)
            if not results.succeeded:
                continue
            remaining -= fill
            if clob.fill_amounts[maker_id] == maker.quantums:
                remove_resting_order(state, maker_entry, RemovalReason.FULLY_FILLED, events)
            cancel_reduce_only_orders_if_closed(state, results.settled, perpetual_id, events)
    return taker.quantums - remaining, None


def cancel_reduce_only_orders_if_closed(
    state: State, settled: list[SettledUpdate], perpetual_id: int, events: list[Event]
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
        for pair_id, pair in state.clob.clob_pairs.items():
            if pair.perpetual_id == perpetual_id:
                waiting.extend(clob.reduce_only_waiting.get((subaccount_id, pair_id), ()))
        for order_id in sorted(waiting):
            clob.pop_untriggered(order_id)
            clob.fill_amounts.pop(order_id, None)
            events.append(OrderRemovedEvent(order_id, RemovalReason.REDUCE_ONLY_RESIZED))
