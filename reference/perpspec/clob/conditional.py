"""
Conditional orders: triggers at the end of a block, placement at the start of the next
(spec/clob.md, COND-1..3).

At the end of a block the untriggered conditional orders are checked against the oracle
price and the block's clamped trade prices, and the block's trade prices are forgotten; at
the start of the next block the triggered orders are placed, in trigger order, like
long-term orders.
"""

from __future__ import annotations

from fractions import Fraction

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
from perpspec.events import ConditionalOrderTriggeredEvent, Event, OrderRemovedEvent, RemovalReason
from perpspec.rounding import Rounding, round_fraction
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
        return round_fraction(oracle_subticks, Rounding.CEIL) <= trigger
    return round_fraction(oracle_subticks, Rounding.FLOOR) >= trigger


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
    min_price_change_ppm = state.prices.market_params[
        state.perpetuals.perpetuals[pair.perpetual_id].market_id
    ].min_price_change_ppm
    return [oracle] + [clamp_trade_price(subticks, oracle, min_price_change_ppm) for subticks in traded]


def process_conditional_triggers(state: State) -> list[Order]:
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
            prices[pair_id] = get_trigger_prices(state, state.clob.clob_pairs[pair_id])
        if any(can_trigger(order, price) for price in prices[pair_id]):
            triggered.append(order)
    for order in triggered:
        state.clob.pop_untriggered(order.order_id)
    return triggered


def process_trade_prices_end_block(state: State) -> None:
    """The block's lowest and highest trade prices are forgotten once its triggers are checked (COND-3)."""
    state.clob.trade_prices = {}


def place_triggered_order(state: State, order: Order, events: list[Event]) -> None:
    """
    Place a triggered conditional order like a long-term order (COND-2).

    Its clob pair must still accept it (CLOB-2), and a reduce-only one must still reduce
    a position (ORDER-10); otherwise it is removed.
    """
    events.append(ConditionalOrderTriggeredEvent(order.order_id))
    pair = get_clob_pair(state, order.order_id.clob_pair_id)
    try:
        validate_clob_pair_status(state, pair, order)
    except ProtocolError:
        events.append(OrderRemovedEvent(order.order_id, RemovalReason.CLOB_PAIR_STATUS))
        state.clob.fill_amounts.pop(order.order_id, None)
        return
    try:
        if order.reduce_only:
            validate_reduce_only(state, pair, order)
    except ProtocolError:
        events.append(OrderRemovedEvent(order.order_id, RemovalReason.REDUCE_ONLY_WOULD_INCREASE_POSITION))
        state.clob.fill_amounts.pop(order.order_id, None)
        return
    place_on_book(state, pair, order, events)


def process_triggered_orders(state: State, triggered: list[Order], events: list[Event]) -> None:
    """
    The orders triggered at the end of the previous block are placed in trigger order
    (COND-2); one whose good-til-block-time has passed by the new block's time expires instead (ORDER-9).
    """
    for order in triggered:
        if order.good_til_block_time <= state.blocks.time:
            events.append(OrderRemovedEvent(order.order_id, RemovalReason.EXPIRED))
            state.clob.fill_amounts.pop(order.order_id, None)
            continue
        place_triggered_order(state, order, events)
