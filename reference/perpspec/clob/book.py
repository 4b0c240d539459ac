"""
The order book: price levels in price-time priority (spec/clob.md, BOOK-1..3).

This module is a data structure and holds no protocol rule beyond priority.  Each clob
pair has a ``Book`` of two ``Side``s; a side keeps its prices in a sorted list and, per
price, a ``Level``: a first-in first-out queue of ``BookOrder``s.  Removing an order marks
it removed and decrements its level's count, so a cancel costs O(1) plus O(log n) when
the level empties; marked orders are dropped when they reach the front of their queue.
Every operation is O(log n) or better in the number of resting orders (BOOK-3).

``ClobState`` gathers everything the clob part of the state holds.  It is plain data;
``perpspec.clob`` modules hold the rules that change it.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sortedcontainers import SortedList

if TYPE_CHECKING:
    from perpspec.state import Order, OrderId


class BookOrder:
    """An order resting on the book, with its place in time priority (``sequence``)."""

    __slots__ = ("is_buy", "order", "order_id", "removed", "sequence", "subticks")

    def __init__(self, order: Order, sequence: int) -> None:
        self.order = order
        self.order_id = order.order_id
        self.is_buy = order.side == 1
        self.subticks = order.subticks
        self.sequence = sequence
        self.removed = False


class Level:
    """
    All resting orders at one price on one side, oldest first (BOOK-1).

    ``queue[head:]`` is the queue; the entries before ``head`` are removed orders already
    passed over, dropped in one slice once they are half the list (amortized O(1) per order).
    A list costs 8 bytes per order and 56 per level, where a deque costs 600 per level.
    """

    __slots__ = ("head", "live", "queue", "subticks")

    def __init__(self, subticks: int) -> None:
        self.subticks = subticks
        self.queue: list[BookOrder] = []
        self.head = 0
        self.live = 0

    def front(self) -> BookOrder:
        """The oldest live order; the level holds at least one."""
        queue = self.queue
        head = self.head
        while queue[head].removed:
            head += 1
        if head > 8 and 2 * head > len(queue):
            del queue[:head]
            head = 0
        self.head = head
        return queue[head]

    def orders(self) -> Iterator[BookOrder]:
        return (entry for entry in self.queue[self.head :] if not entry.removed)


class Side:
    """One side of a book: bids (best = highest price) or asks (best = lowest price)."""

    __slots__ = ("is_bid", "levels", "prices")

    def __init__(self, is_bid: bool) -> None:
        self.is_bid = is_bid
        self.prices = SortedList()
        self.levels: dict[int, Level] = {}

    def best(self) -> Level | None:
        """The level with the best price, or None when the side is empty."""
        prices = self.prices
        if not prices:
            return None
        return self.levels[prices[-1] if self.is_bid else prices[0]]

    def add(self, entry: BookOrder) -> None:
        """Append an order at the back of its price level (BOOK-1)."""
        level = self.levels.get(entry.subticks)
        if level is None:
            level = Level(entry.subticks)
            self.levels[entry.subticks] = level
            self.prices.add(entry.subticks)
        level.queue.append(entry)
        level.live += 1

    def remove(self, entry: BookOrder) -> None:
        """Take an order off the book; its level goes when it holds no live order."""
        entry.removed = True
        level = self.levels[entry.subticks]
        level.live -= 1
        if level.live == 0:
            del self.levels[entry.subticks]
            self.prices.remove(entry.subticks)

    def levels_best_first(self) -> list[Level]:
        prices = reversed(self.prices) if self.is_bid else iter(self.prices)
        return [self.levels[price] for price in prices]


class Book:
    """The bids and asks of one clob pair."""

    __slots__ = ("asks", "bids")

    def __init__(self) -> None:
        self.bids = Side(True)
        self.asks = Side(False)

    def side(self, is_buy: bool) -> Side:
        return self.bids if is_buy else self.asks


@dataclass
class ClobState:
    """
    The clob part of the state (spec/clob.md).

    - ``books``: one book per clob pair id, created on first use.
    - ``resting``: every order on a book, by order id.
    - ``untriggered``: conditional orders waiting for their trigger (COND-1).
    - ``reduce_only_waiting``: the reduce-only ones among them by (subaccount id, clob pair
      id), so a fill that closes a position finds them without a scan (MATCH-8, BOOK-3).
    - ``fill_amounts``: base quantums filled per order id, kept across replacements (ORDER-11).
    - ``short_term_cancels``: the good-til-block of each short-term cancel (ORDER-7).
    - ``expiring_at_block``: order ids whose orders, fill amounts or cancels may lapse once
      that block ends (ORDER-9); entries are checked against the current record when used.
    - ``expiring_at_time``: a heap of (good-til-block-time, order id) of stateful orders.
    - ``trade_prices``: per perpetual id, the lowest and highest maker subticks of this
      block's fills, (min, max); emptied at the end of each block (COND-3).
    - ``next_sequence``: the time-priority counter (BOOK-1).
    """

    books: dict[int, Book] = field(default_factory=dict)
    resting: dict[OrderId, BookOrder] = field(default_factory=dict)
    untriggered: dict[OrderId, Order] = field(default_factory=dict)
    reduce_only_waiting: dict[tuple[Any, int], set[OrderId]] = field(default_factory=dict)
    fill_amounts: dict[OrderId, int] = field(default_factory=dict)
    fill_amount_expiry: dict[OrderId, int] = field(default_factory=dict)
    short_term_cancels: dict[OrderId, int] = field(default_factory=dict)
    expiring_at_block: dict[int, list[OrderId]] = field(default_factory=dict)
    expiring_at_time: list[tuple[int, Any]] = field(default_factory=list)
    trade_prices: dict[int, tuple[int, int]] = field(default_factory=dict)
    next_sequence: int = 0

    def book(self, clob_pair_id: int) -> Book:
        book = self.books.get(clob_pair_id)
        if book is None:
            book = Book()
            self.books[clob_pair_id] = book
        return book

    def record_trade_price(self, perpetual_id: int, subticks: int) -> None:
        """Widen the perpetual's (min, max) trade price of this block to a fill's subticks (COND-3)."""
        seen = self.trade_prices.get(perpetual_id)
        if seen is None:
            self.trade_prices[perpetual_id] = (subticks, subticks)
        elif subticks < seen[0] or subticks > seen[1]:
            self.trade_prices[perpetual_id] = (min(seen[0], subticks), max(seen[1], subticks))

    def add_untriggered(self, order: Order) -> None:
        """Keep a conditional order until it triggers, indexing it if it is reduce-only."""
        order_id = order.order_id
        self.untriggered[order_id] = order
        if order.reduce_only:
            key = (order_id.subaccount_id, order_id.clob_pair_id)
            waiting = self.reduce_only_waiting.get(key)
            if waiting is None:
                self.reduce_only_waiting[key] = {order_id}
            else:
                waiting.add(order_id)

    def pop_untriggered(self, order_id: OrderId) -> Order | None:
        """Forget a conditional order (triggered, cancelled, replaced or expired), if it waits."""
        order = self.untriggered.pop(order_id, None)
        if order is not None and order.reduce_only:
            key = (order_id.subaccount_id, order_id.clob_pair_id)
            waiting = self.reduce_only_waiting[key]
            waiting.discard(order_id)
            if not waiting:
                del self.reduce_only_waiting[key]
        return order

    def expire_at_block(self, height: int, order_id: OrderId) -> None:
        bucket = self.expiring_at_block.get(height)
        if bucket is None:
            self.expiring_at_block[height] = [order_id]
        else:
            bucket.append(order_id)

    def expire_at_time(self, time: int, order_id: OrderId) -> None:
        heapq.heappush(self.expiring_at_time, (time, order_id))
