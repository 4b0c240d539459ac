"""
The clob part of the state: plain data, no rules (spec/clob.md, CLOB-1, CLOB-3, FEE-1, FEE-4).

Clob pairs, orders, fee tiers and trading volume as records, and ``ClobState``, which
gathers the books and every table the order book keeps.  The methods of ``ClobState`` only
keep its indexes consistent with its tables; every protocol rule that changes them lives in
the ``perpspec.clob`` module named after its concept.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple, TypeAlias

from perpspec.clob.book import Book, BookOrder, Side
from perpspec.liquidation_arithmetic import (
    DEFAULT_BANKRUPTCY_ADJUSTMENT_PPM,
    DEFAULT_MAX_LIQUIDATION_FEE_PPM,
    DEFAULT_MAX_NOTIONAL_LIQUIDATED,
    DEFAULT_MAX_POSITION_PORTION_LIQUIDATED_PPM,
    DEFAULT_MAX_QUANTUMS_INSURANCE_LOST,
    DEFAULT_MIN_POSITION_NOTIONAL_LIQUIDATED,
    DEFAULT_SPREAD_TO_MAINTENANCE_MARGIN_RATIO_PPM,
)
from perpspec.types import OrderId, SubaccountId

# Order enums and flags (ORDER-1), as the real protos number them.
SIDE_BUY = 1
SIDE_SELL = 2
SIDES = {"SIDE_UNSPECIFIED": 0, "SIDE_BUY": 1, "SIDE_SELL": 2}
TIME_IN_FORCE_UNSPECIFIED = 0
TIME_IN_FORCE_IOC = 1
TIME_IN_FORCE_POST_ONLY = 2
TIME_IN_FORCE_FILL_OR_KILL = 3
TIMES_IN_FORCE = {
    "TIME_IN_FORCE_UNSPECIFIED": 0,
    "TIME_IN_FORCE_IOC": 1,
    "TIME_IN_FORCE_POST_ONLY": 2,
    "TIME_IN_FORCE_FILL_OR_KILL": 3,
}
CONDITION_TYPE_UNSPECIFIED = 0
CONDITION_TYPE_STOP_LOSS = 1
CONDITION_TYPE_TAKE_PROFIT = 2
CONDITION_TYPES = {"CONDITION_TYPE_UNSPECIFIED": 0, "CONDITION_TYPE_STOP_LOSS": 1, "CONDITION_TYPE_TAKE_PROFIT": 2}
SIDE_NAMES = {number: name for name, number in SIDES.items()}
TIME_IN_FORCE_NAMES = {number: name for name, number in TIMES_IN_FORCE.items()}
CONDITION_TYPE_NAMES = {number: name for name, number in CONDITION_TYPES.items()}
ORDER_FLAGS_SHORT_TERM = 0
ORDER_FLAGS_CONDITIONAL = 32
ORDER_FLAGS_LONG_TERM = 64


class ClobPairStatus(Enum):
    ACTIVE = 1
    PAUSED = 2
    CANCEL_ONLY = 3
    POST_ONLY = 4
    INITIALIZING = 5
    FINAL_SETTLEMENT = 6


SUPPORTED_CLOB_PAIR_STATUSES = (ClobPairStatus.ACTIVE, ClobPairStatus.INITIALIZING, ClobPairStatus.FINAL_SETTLEMENT)
"""The statuses the real chain supports; the others are named in the protos but never used (CLOB-1)."""


@dataclass(frozen=True)
class ClobPair:
    """An order book of one perpetual: its units (UNITS-6) and status (CLOB-1)."""

    id: int
    perpetual_id: int
    step_base_quantums: int
    subticks_per_tick: int
    quantum_conversion_exponent: int
    status: ClobPairStatus


@dataclass(frozen=True)
class FeeTier:
    """A perpetual fee tier: volume requirements and maker/taker fee rates (FEE-1, FEE-5)."""

    name: str
    absolute_volume_requirement: int
    total_volume_share_requirement_ppm: int
    maker_volume_share_requirement_ppm: int
    maker_fee_ppm: int
    taker_fee_ppm: int


class Order(NamedTuple):
    """
    An order as the real protocol's ``Order`` message has it (ORDER-1).

    ``side`` is 1 (buy) or 2 (sell); exactly one of ``good_til_block`` (short-term) and
    ``good_til_block_time`` (stateful) is non-zero; ``time_in_force`` 0 is good-til-time,
    1 IOC, 2 post-only; ``condition_type`` 0 none, 1 stop-loss, 2 take-profit.
    """

    order_id: OrderId
    side: int
    quantums: int
    subticks: int
    good_til_block: int = 0
    good_til_block_time: int = 0
    time_in_force: int = 0
    reduce_only: bool = False
    client_metadata: int = 0
    condition_type: int = 0
    conditional_order_trigger_subticks: int = 0


@dataclass
class UserVolume:
    """Notional traded by one address as taker and as maker, in quote quantums (FEE-4)."""

    taker_notional: int = 0
    maker_notional: int = 0


@dataclass
class VolumeStats:
    """
    Trading volume over the last 30 days, kept per stats epoch (FEE-4).

    ``pending`` holds the current block's fills; at the end of the block they join the
    block's epoch.  ``users`` and ``global_notional`` are the sums over the epochs kept.
    """

    epochs: dict[int, dict[str, UserVolume]] = field(default_factory=dict)
    epoch_notional: dict[int, int] = field(default_factory=dict)
    users: dict[str, UserVolume] = field(default_factory=dict)
    global_notional: int = 0
    pending: dict[str, UserVolume] = field(default_factory=dict)
    pending_notional: int = 0


@dataclass(frozen=True)
class FeeParams:
    """The fee tiers, in order: x/feetiers' ``PerpetualFeeParams`` (FEE-1, FEE-5)."""

    tiers: tuple[FeeTier, ...] = (FeeTier("1", 0, 0, 0, 0, 0),)


@dataclass
class FeeTiersState:
    """The fee tiers module: its parameters (FEE-1, FEE-5)."""

    params: FeeParams = field(default_factory=FeeParams)


STATS_EPOCH_DURATION_SECONDS = 3_600
"""v4's stats epoch: one hour (x/epochs ``stats-epoch``)."""

STATS_WINDOW_DURATION_SECONDS = 30 * 24 * 3_600
"""v4's stats window: 30 days (x/stats ``Params.window_duration``)."""


@dataclass(frozen=True)
class StatsParams:
    """
    How volume is kept (FEE-4): per epoch of ``epoch_duration_seconds``, for a window of
    ``window_duration_seconds``, a whole number of epochs.  v4 keeps the epoch's duration in
    x/epochs and the window in x/stats; both are governed.
    """

    epoch_duration_seconds: int = STATS_EPOCH_DURATION_SECONDS
    window_duration_seconds: int = STATS_WINDOW_DURATION_SECONDS


@dataclass
class StatsState:
    """The stats module: its parameters and the trading volume they keep (FEE-4)."""

    params: StatsParams = field(default_factory=StatsParams)
    volume: VolumeStats = field(default_factory=VolumeStats)


@dataclass(frozen=True)
class LiquidationsConfig:
    """
    How liquidations are sized, priced and limited: x/clob's ``LiquidationsConfig`` (LIQ-10), a
    governed parameter; the defaults are v4's ``LiquidationsConfig_Default``.

    - ``max_liquidation_fee_ppm``: the largest fee the insurance fund takes from a liquidation fill.
    - ``bankruptcy_adjustment_ppm`` and ``spread_to_maintenance_margin_ratio_ppm``: the fillable price's
      adjustment (``FillablePriceConfig``).
    - ``min_position_notional_liquidated`` and ``max_position_portion_liquidated_ppm``: how much of one
      position one liquidation may close (``PositionBlockLimits``).
    - ``max_notional_liquidated`` and ``max_quantums_insurance_lost``: how much of one subaccount may be
      liquidated, and how much the fund may lose on it, in one block (``SubaccountBlockLimits``).
    """

    max_liquidation_fee_ppm: int = DEFAULT_MAX_LIQUIDATION_FEE_PPM
    bankruptcy_adjustment_ppm: int = DEFAULT_BANKRUPTCY_ADJUSTMENT_PPM
    spread_to_maintenance_margin_ratio_ppm: int = DEFAULT_SPREAD_TO_MAINTENANCE_MARGIN_RATIO_PPM
    min_position_notional_liquidated: int = DEFAULT_MIN_POSITION_NOTIONAL_LIQUIDATED
    max_position_portion_liquidated_ppm: int = DEFAULT_MAX_POSITION_PORTION_LIQUIDATED_PPM
    max_notional_liquidated: int = DEFAULT_MAX_NOTIONAL_LIQUIDATED
    max_quantums_insurance_lost: int = DEFAULT_MAX_QUANTUMS_INSURANCE_LOST


RestingOrder: TypeAlias = "BookOrder[Order, OrderId]"
"""An order on a book, with its place in time priority (BOOK-1)."""

OrderBook: TypeAlias = "Book[Order, OrderId]"
"""The bids and asks of one clob pair (BOOK-1)."""

BookSide: TypeAlias = "Side[Order, OrderId]"
"""One side of a clob pair's book (BOOK-1)."""


@dataclass
class ClobState:
    """
    The clob part of the state (spec/clob.md).

    - ``clob_pairs``: the clob pairs by id, the clob module's parameters (CLOB-1).
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
    - ``liquidations_config``: how liquidations are sized, priced and limited (LIQ-10).
    """

    clob_pairs: dict[int, ClobPair] = field(default_factory=dict)
    books: dict[int, OrderBook] = field(default_factory=dict)
    resting: dict[OrderId, RestingOrder] = field(default_factory=dict)
    untriggered: dict[OrderId, Order] = field(default_factory=dict)
    reduce_only_waiting: dict[tuple[SubaccountId, int], set[OrderId]] = field(default_factory=dict)
    fill_amounts: dict[OrderId, int] = field(default_factory=dict)
    fill_amount_expiry: dict[OrderId, int] = field(default_factory=dict)
    short_term_cancels: dict[OrderId, int] = field(default_factory=dict)
    expiring_at_block: dict[int, list[OrderId]] = field(default_factory=dict)
    expiring_at_time: list[tuple[int, OrderId]] = field(default_factory=list)
    trade_prices: dict[int, tuple[int, int]] = field(default_factory=dict)
    next_sequence: int = 0
    liquidations_config: LiquidationsConfig = field(default_factory=LiquidationsConfig)

    def book(self, clob_pair_id: int) -> OrderBook:
        """The book of a clob pair, created empty on first use."""
        book = self.books.get(clob_pair_id)
        if book is None:
            book = Book()
            self.books[clob_pair_id] = book
        return book

    def add_resting(self, order: Order) -> RestingOrder:
        """Put an order at the back of its price level, next in time priority (BOOK-1), and index it."""
        order_id = order.order_id
        entry = BookOrder(order, order_id, order.side == SIDE_BUY, order.subticks, self.next_sequence)
        self.next_sequence += 1
        self.book(order_id.clob_pair_id).side(entry.is_buy).add(entry)
        self.resting[order_id] = entry
        return entry

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
