"""
Expiry: orders, cancels and fill amounts that lapse at the start of a block (spec/clob.md, ORDER-9, ORDER-11).

Short-term records lapse once the block of their good-til-block has ended; stateful orders
once the new block's time reaches their good-til-block-time.  Both are found through the
expiry indexes, so a block costs O(what expires) (BOOK-3).
"""

from __future__ import annotations

import heapq

from perpspec.clob.matching import remove_resting_order
from perpspec.events import Event, OrderRemovedEvent, RemovalReason
from perpspec.state import State


def process_short_term_expiry(state: State, ended_height: int, events: list[Event]) -> None:
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


def process_stateful_expiry(state: State, block_time: int, events: list[Event]) -> None:
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
            events.append(OrderRemovedEvent(order_id, RemovalReason.EXPIRED))
