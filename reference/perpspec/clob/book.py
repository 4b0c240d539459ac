"""
The order book: price levels in price-time priority (spec/clob.md, BOOK-1..3).

This module is a data structure and holds no protocol rule beyond priority.  Each clob
pair has a ``Book`` of two ``Side``s; a side keeps its prices in a sorted list and, per
price, a ``Level``: a first-in first-out queue of ``BookOrder``s.  Removing an order marks
it removed and decrements its level's count, so a cancel costs O(1) plus O(log n) when
the level empties; marked orders are dropped when they reach the front of their queue.
Every operation is O(log n) or better in the number of resting orders (BOOK-3).

The book knows an order only as an opaque value it carries; it imports nothing of perpspec,
so it can be read, tested and proved on its own.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import Generic, TypeVar

from sortedcontainers import SortedList

OrderT = TypeVar("OrderT")
"""What the book carries for each resting order; it never looks inside."""

IdT = TypeVar("IdT", bound=Hashable)
"""The identity of a resting order, which the book carries beside it."""


class BookOrder(Generic[OrderT, IdT]):
    """
    An order resting on the book: the carried order, its id, side and price, and its place in
    time priority (``sequence``).
    """

    __slots__ = ("is_buy", "order", "order_id", "removed", "sequence", "subticks")

    def __init__(self, order: OrderT, order_id: IdT, is_buy: bool, subticks: int, sequence: int) -> None:
        self.order = order
        self.order_id = order_id
        self.is_buy = is_buy
        self.subticks = subticks
        self.sequence = sequence
        self.removed = False


class Level(Generic[OrderT, IdT]):
    """
    All resting orders at one price on one side, oldest first (BOOK-1).

    ``queue[head:]`` is the queue; the entries before ``head`` are removed orders already
    passed over, dropped in one slice once they are half the list (amortized O(1) per order).
    A list costs 8 bytes per order and 56 per level, where a deque costs 600 per level.
    """

    __slots__ = ("head", "live", "queue", "subticks")

    def __init__(self, subticks: int) -> None:
        self.subticks = subticks
        self.queue: list[BookOrder[OrderT, IdT]] = []
        self.head = 0
        self.live = 0

    def front(self) -> BookOrder[OrderT, IdT]:
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

    def orders(self) -> Iterator[BookOrder[OrderT, IdT]]:
        return (entry for entry in self.queue[self.head :] if not entry.removed)


class Side(Generic[OrderT, IdT]):
    """One side of a book: bids (best = highest price) or asks (best = lowest price)."""

    __slots__ = ("is_bid", "levels", "prices")

    def __init__(self, is_bid: bool) -> None:
        self.is_bid = is_bid
        self.prices = SortedList()
        self.levels: dict[int, Level[OrderT, IdT]] = {}

    def best(self) -> Level[OrderT, IdT] | None:
        """The level with the best price, or None when the side is empty."""
        prices = self.prices
        if not prices:
            return None
        return self.levels[prices[-1] if self.is_bid else prices[0]]

    def add(self, entry: BookOrder[OrderT, IdT]) -> None:
        """Append an order at the back of its price level (BOOK-1)."""
        level = self.levels.get(entry.subticks)
        if level is None:
            level = Level(entry.subticks)
            self.levels[entry.subticks] = level
            self.prices.add(entry.subticks)
        level.queue.append(entry)
        level.live += 1

    def remove(self, entry: BookOrder[OrderT, IdT]) -> None:
        """Take an order off the book; its level goes when it holds no live order."""
        entry.removed = True
        level = self.levels[entry.subticks]
        level.live -= 1
        if level.live == 0:
            del self.levels[entry.subticks]
            self.prices.remove(entry.subticks)

    def levels_best_first(self) -> list[Level[OrderT, IdT]]:
        prices = reversed(self.prices) if self.is_bid else iter(self.prices)
        return [self.levels[price] for price in prices]


class Book(Generic[OrderT, IdT]):
    """The bids and asks of one clob pair."""

    __slots__ = ("asks", "bids")

    def __init__(self) -> None:
        self.bids: Side[OrderT, IdT] = Side(True)
        self.asks: Side[OrderT, IdT] = Side(False)

    def side(self, is_buy: bool) -> Side[OrderT, IdT]:
        return self.bids if is_buy else self.asks
