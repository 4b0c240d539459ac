"""
The clob's work between blocks: triggers, expiry and volume (spec/clob.md, COND-1..3, ORDER-9, FEE-4).

``process_clob_end_block`` runs inside ``AdvanceBlock`` at the end of the current block,
before the height moves: conditional orders trigger on the oracle price and the block's
clamped trade prices, and the block's volume is recorded.  ``process_clob_begin_block``
runs once the new height and time are set: expired orders, cancels and fill amounts lapse,
then the orders triggered at the end of the previous block are placed, in trigger order.
"""

from __future__ import annotations

import heapq
import math
from fractions import Fraction

from perpspec.clob.fees import process_volume_end_block
from perpspec.clob.matching import RemovalReason, order_removed_event, remove_resting_order
from perpspec.clob.orders import (
    get_clob_pair,
    get_oracle_price_subticks,
    place_on_book,
    validate_clob_pair_status,
    validate_reduce_only,
)
from perpspec.clob.state import (
    CONDITION_TYPE_STOP_LOSS,
    CONDITION_TYPE_TAKE_PROFIT,
    SIDE_BUY,
    SIDE_SELL,
    ClobPair,
    Order,
)
from perpspec.errors import ProtocolError
from perpspec.messages import encode_order_id
from perpspec.state import State


def triggers_when_price_at_or_below(order: Order) -> bool:
    """Take-profit buys and stop-loss sells trigger when the price falls to the trigger (COND-1)."""
    return (order.condition_type == CONDITION_TYPE_TAKE_PROFIT and order.side == SIDE_BUY) or (
        order.condition_type == CONDITION_TYPE_STOP_LOSS and order.side == SIDE_SELL
    )


def can_trigger(order: Order, oracle_subticks: Fraction) -> bool:
    """
    Whether a conditional order triggers at a price in subticks, the oracle's or a clamped
    trade price (COND-1, COND-3, ``CanTrigger``).

    The price is rounded pessimistically for the order: up for an "at or below" trigger,
    down for an "at or above" one, so an order never triggers on a rounding.
    """
    trigger = order.conditional_order_trigger_subticks
    if triggers_when_price_at_or_below(order):
        return math.ceil(oracle_subticks) <= trigger
    return math.floor(oracle_subticks) >= trigger


CONDITIONAL_ORDER_TRIGGER_MULTIPLIER = 5
"""A trade price counts for triggers within this many minimum price changes of the oracle price (COND-3)."""


def clamp_trade_price(trade_subticks: int, oracle_subticks: Fraction, min_price_change_ppm: int) -> Fraction:
    """
    A trade price clamped to the oracle price ± oracle × min price change ppm / 1e6 × 5 (COND-3,
    ``getClampedTradePricesForTriggering``), exactly: a fill far from the oracle price
    cannot trigger orders beyond that band.
    """
    band = oracle_subticks * min_price_change_ppm * CONDITIONAL_ORDER_TRIGGER_MULTIPLIER / 1_000_000
    return min(max(Fraction(trade_subticks), oracle_subticks - band), oracle_subticks + band)


def get_trigger_prices(state: State, pair: ClobPair) -> list[Fraction]:
    """
    The prices in subticks a pair's conditional orders are checked against at the end of a
    block: the oracle price (COND-1), then, if its perpetual traded in the block, the
    block's lowest and highest trade prices, each clamped (COND-3).  No price while the
    oracle price is 0 (no price yet, PRICE-7): then nothing triggers.
    """
    oracle = get_oracle_price_subticks(state, pair)
    if oracle <= 0:
        return []
    traded = state.clob.trade_prices.get(pair.perpetual_id)
    if traded is None:
        return [oracle]
    min_price_change_ppm = state.market_params[state.perpetuals[pair.perpetual_id].market_id].min_price_change_ppm
    return [oracle] + [clamp_trade_price(subticks, oracle, min_price_change_ppm) for subticks in traded]


def collect_triggered_orders(state: State) -> list[Order]:
    """
    The untriggered conditional orders that trigger now, at any of their pair's trigger
    prices, by clob pair then order id (COND-1, COND-3).
    """
    untriggered = state.clob.untriggered
    prices: dict[int, list[Fraction]] = {}
    triggered = []
    for order_id in sorted(untriggered, key=lambda oid: (oid.clob_pair_id, oid)):
        order = untriggered[order_id]
        pair_id = order_id.clob_pair_id
        if pair_id not in prices:
            prices[pair_id] = get_trigger_prices(state, state.clob_pairs[pair_id])
        if any(can_trigger(order, price) for price in prices[pair_id]):
            triggered.append(order)
    for order in triggered:
        state.clob.pop_untriggered(order.order_id)
    return triggered


def process_clob_end_block(state: State, next_block_time: int) -> list[Order]:
    """
    End-of-block work: record volume (FEE-4), collect triggered conditional orders (COND-1,
    COND-3), then forget the block's trade prices (COND-3).
    """
    process_volume_end_block(state.volume, state.block_time, next_block_time)
    triggered = collect_triggered_orders(state)
    state.clob.trade_prices = {}
    return triggered


def expire_short_term(state: State, ended_height: int, events: list[dict]) -> None:
    """
    Short-term orders, cancels and fill amounts good until the block that ended lapse, in
    order-id order (ORDER-9).
    """
    clob = state.clob
    for order_id in sorted(set(clob.expiring_at_block.pop(ended_height, ()))):
        entry = clob.resting.get(order_id)
        if entry is not None and entry.order.good_til_block == ended_height:
            remove_resting_order(state, entry, RemovalReason.EXPIRED, events)
        if clob.fill_amount_expiry.get(order_id) == ended_height:
            del clob.fill_amount_expiry[order_id]
            clob.fill_amounts.pop(order_id, None)
        if clob.short_term_cancels.get(order_id) == ended_height:
            del clob.short_term_cancels[order_id]


def expire_stateful(state: State, block_time: int, events: list[dict]) -> None:
    """Stateful orders whose good-til-block-time is at or before the new block's time lapse (ORDER-9)."""
    clob = state.clob
    heap = clob.expiring_at_time
    while heap and heap[0][0] <= block_time:
        good_til_block_time, order_id = heapq.heappop(heap)
        entry = clob.resting.get(order_id)
        if entry is not None and entry.order.good_til_block_time == good_til_block_time:
            remove_resting_order(state, entry, RemovalReason.EXPIRED, events)
            continue
        waiting = clob.untriggered.get(order_id)
        if waiting is not None and waiting.good_til_block_time == good_til_block_time:
            clob.pop_untriggered(order_id)
            clob.fill_amounts.pop(order_id, None)
            events.append(order_removed_event(order_id, RemovalReason.EXPIRED))


def place_triggered_order(state: State, order: Order, events: list[dict]) -> None:
    """
    Place a triggered conditional order like a long-term order (COND-2).

    Its clob pair must still accept it (CLOB-2), and a reduce-only one must still reduce
    a position (ORDER-10); otherwise it is removed.
    """
    events.append({"type": "ConditionalOrderTriggered", "orderId": encode_order_id(order.order_id)})
    pair = get_clob_pair(state, order.order_id.clob_pair_id)
    try:
        validate_clob_pair_status(state, pair, order)
    except ProtocolError:
        events.append(order_removed_event(order.order_id, RemovalReason.CLOB_PAIR_STATUS))
        state.clob.fill_amounts.pop(order.order_id, None)
        return
    try:
        if order.reduce_only:
            validate_reduce_only(state, pair, order)
    except ProtocolError:
        events.append(order_removed_event(order.order_id, RemovalReason.REDUCE_ONLY_WOULD_INCREASE_POSITION))
        state.clob.fill_amounts.pop(order.order_id, None)
        return
    place_on_book(state, pair, order, events)


def process_clob_begin_block(state: State, ended_height: int, triggered: list[Order]) -> list[dict]:
    """Start-of-block work: expiry (ORDER-9), then the triggered orders in order (COND-2)."""
    events: list[dict] = []
    expire_short_term(state, ended_height, events)
    expire_stateful(state, state.block_time, events)
    for order in triggered:
        if order.good_til_block_time <= state.block_time:
            events.append(order_removed_event(order.order_id, RemovalReason.EXPIRED))
            state.clob.fill_amounts.pop(order.order_id, None)
            continue
        place_triggered_order(state, order, events)
    return events
