"""
Orders: placement, replacement and cancellation (spec/clob.md, ORDER-3..11, CLOB-2).

``process_place_order`` checks everything a placement needs before it changes anything,
so a rejected order leaves the state as it was (TX-2).  An accepted order then either
waits for its trigger (conditional orders, COND-1) or goes to ``place_on_book``: matching
(MATCH-1..8), then the remainder rests after an add-to-book collateral check (MATCH-7)
or is removed, with the reason in an ``OrderRemoved`` event.
"""

from __future__ import annotations

from fractions import Fraction

import icontract

from perpspec import errors
from perpspec.clob.fees import compute_fee_quote_quantums, get_fee_ppm
from perpspec.clob.fills import compute_fill_quote_quantums
from perpspec.clob.matching import MatchStatus, match_order, remove_resting_order
from perpspec.clob.state import (
    ORDER_FLAGS_CONDITIONAL,
    ORDER_FLAGS_SHORT_TERM,
    SIDE_BUY,
    TIME_IN_FORCE_IOC,
    TIME_IN_FORCE_POST_ONLY,
    ClobPair,
    ClobPairStatus,
    Order,
)
from perpspec.config import CONTRACTS_ENABLED
from perpspec.events import (
    Event,
    OrderCancelRecordedEvent,
    OrderOnBookEvent,
    OrderPlacedEvent,
    OrderRemovedEvent,
    RemovalReason,
)
from perpspec.invariants import is_book_uncrossed
from perpspec.messages import CancelOrder, PlaceOrder
from perpspec.rounding import Rounding, round_fraction
from perpspec.state import State
from perpspec.subaccounts import Update, UpdateType, check_update_succeeds
from perpspec.types import OrderId
from perpspec.units import QUOTE_ATOMIC_RESOLUTION, price_to_subticks

SHORT_BLOCK_WINDOW = 40
"""A short-term order or cancel is good for at most 40 blocks ahead (ORDER-4)."""

STATEFUL_ORDER_TIME_WINDOW = 95 * 24 * 3_600
"""A stateful order or cancel is good for at most 95 days ahead (ORDER-4)."""


# --- validation ------------------------------------------------------------------------


def get_clob_pair(state: State, clob_pair_id: int) -> ClobPair:
    pair = state.clob.clob_pairs.get(clob_pair_id)
    if pair is None:
        raise errors.InvalidClob(f"clob pair {clob_pair_id} does not exist")
    return pair


def get_oracle_price_subticks(state: State, pair: ClobPair) -> Fraction:
    """The oracle price of the pair's perpetual in subticks, exactly (UNITS-7)."""
    perpetual = state.perpetuals.perpetuals[pair.perpetual_id]
    price = state.prices.market_prices[perpetual.market_id]
    return price_to_subticks(
        price.price,
        price.exponent,
        perpetual.atomic_resolution,
        QUOTE_ATOMIC_RESOLUTION,
        pair.quantum_conversion_exponent,
    )


_ACTIVE = ClobPairStatus.ACTIVE  # bound once: an Enum member lookup is slow in Python 3.11


def validate_clob_pair_status(state: State, pair: ClobPair, order: Order) -> None:
    """
    The clob pair's status must accept the order (CLOB-2, ``validateOrderAgainstClobPairStatus``).

    INITIALIZING accepts only short-term post-only orders on their side of the oracle price
    (a buy at or below it, a sell at or above it, the price rounded down to subticks);
    FINAL_SETTLEMENT accepts none.
    """
    status = pair.status
    if status is _ACTIVE:
        return
    if status is ClobPairStatus.INITIALIZING:
        if order.order_id.order_flags != ORDER_FLAGS_SHORT_TERM or order.time_in_force != TIME_IN_FORCE_POST_ONLY:
            raise errors.OrderConflictsWithClobPairStatus(
                "an initializing clob pair takes only short-term post-only orders"
            )
        oracle_subticks = round_fraction(get_oracle_price_subticks(state, pair), Rounding.FLOOR)
        if order.side == SIDE_BUY and order.subticks > oracle_subticks:
            raise errors.OrderConflictsWithClobPairStatus(
                "an initializing pair takes buys at or below the oracle price"
            )
        if order.side != SIDE_BUY and order.subticks < oracle_subticks:
            raise errors.OrderConflictsWithClobPairStatus(
                "an initializing pair takes sells at or above the oracle price"
            )
    else:
        raise errors.OrderConflictsWithClobPairStatus(f"clob pair {pair.id} is {pair.status.name}")


def validate_good_til_block(good_til_block: int, height: int) -> None:
    """A short-term order or cancel is good from the current block to 40 blocks ahead (ORDER-4)."""
    if good_til_block < height:
        raise errors.HeightExceedsGoodTilBlock(f"goodTilBlock {good_til_block} is below the height {height}")
    if good_til_block > height + SHORT_BLOCK_WINDOW:
        raise errors.GoodTilBlockExceedsShortBlockWindow(
            f"goodTilBlock {good_til_block} exceeds height {height} plus {SHORT_BLOCK_WINDOW}"
        )


def validate_good_til_block_time(good_til_block_time: int, block_time: int) -> None:
    """A stateful order or cancel is good for a time after the block's and at most 95 days ahead (ORDER-4)."""
    if good_til_block_time <= block_time:
        raise errors.TimeExceedsGoodTilBlockTime(f"goodTilBlockTime {good_til_block_time} is not after {block_time}")
    if good_til_block_time > block_time + STATEFUL_ORDER_TIME_WINDOW:
        raise errors.GoodTilBlockTimeExceedsStatefulOrderTimeWindow(
            f"goodTilBlockTime {good_til_block_time} is more than 95 days after {block_time}"
        )


def validate_order_stateful(state: State, order: Order) -> ClobPair:
    """
    Stateful validation of an order against its clob pair and the block (ORDER-3, ORDER-4,
    CLOB-2, ``PerformStatefulOrderValidation``).
    """
    pair = get_clob_pair(state, order.order_id.clob_pair_id)
    # Verify size and prices are whole steps and ticks
    if order.quantums % pair.step_base_quantums:
        raise errors.InvalidPlaceOrder(f"quantums {order.quantums} is not a multiple of {pair.step_base_quantums}")
    if order.subticks % pair.subticks_per_tick:
        raise errors.InvalidPlaceOrder(f"subticks {order.subticks} is not a multiple of {pair.subticks_per_tick}")
    if order.conditional_order_trigger_subticks % pair.subticks_per_tick:
        raise errors.InvalidPlaceOrder("trigger subticks are not a multiple of the tick")
    # Verify the clob pair's status accepts the order
    validate_clob_pair_status(state, pair, order)
    # Verify the expiry is within its window
    if order.order_id.order_flags == ORDER_FLAGS_SHORT_TERM:
        validate_good_til_block(order.good_til_block, state.blocks.height)
    else:
        validate_good_til_block_time(order.good_til_block_time, state.blocks.time)
    # Verify the perpetual can trade: its market has a price (PRICE-7)
    perpetual = state.perpetuals.perpetuals[pair.perpetual_id]
    if state.prices.market_prices[perpetual.market_id].price == 0:
        raise errors.PositionNotUpdatable(f"perpetual {perpetual.id} has no oracle price yet")
    return pair


def get_existing_order(state: State, order_id: OrderId) -> Order | None:
    """The live order with this id: on the book, or waiting for its trigger."""
    clob = state.clob
    entry = clob.resting.get(order_id)
    if entry is not None:
        return entry.order
    untriggered = clob.untriggered
    return untriggered.get(order_id) if untriggered else None


def expiry_of(order: Order) -> int:
    return order.good_til_block or order.good_til_block_time


def validate_replacement(existing: Order, order: Order) -> None:
    """
    A placement with a live order's id replaces it only with a later expiry and the same
    side, time in force and reduce-only (ORDER-6, ``MustCmpReplacementOrder``).
    """
    if expiry_of(order) == expiry_of(existing):
        raise errors.OrderAlreadyExists("an order with this id and expiry already exists")
    if expiry_of(order) < expiry_of(existing):
        raise errors.InvalidReplacement("a replacement must expire later than the order it replaces")
    if (order.side, order.time_in_force, order.reduce_only) != (
        existing.side,
        existing.time_in_force,
        existing.reduce_only,
    ):
        raise errors.InvalidReplacement("a replacement keeps side, time in force and reduce-only")


def validate_fill_amount(state: State, pair: ClobPair, order: Order) -> None:
    """
    The filled amount of an order id carries over (ORDER-11): an IOC order cannot reuse a
    partly filled id, and at least one step must be left to fill.
    """
    filled = state.clob.fill_amounts.get(order.order_id, 0)
    if filled == 0:
        return
    if order.time_in_force == TIME_IN_FORCE_IOC:
        raise errors.ImmediateExecutionOrderAlreadyFilled("an IOC order cannot reuse a partly filled order id")
    if order.quantums - filled < pair.step_base_quantums:
        raise errors.OrderFullyFilled(f"{filled} of {order.quantums} quantums are already filled")


def validate_reduce_only(state: State, pair: ClobPair, order: Order) -> None:
    """A reduce-only order must be opposite to a position the subaccount holds (ORDER-10)."""
    subaccount = state.subaccounts.subaccounts.get(order.order_id.subaccount_id)
    position = subaccount.positions.get(pair.perpetual_id) if subaccount is not None else None
    quantums = position.quantums if position is not None else 0
    if quantums == 0 or (quantums > 0) == (order.side == SIDE_BUY):
        raise errors.ReduceOnlyWouldIncreasePositionSize("a reduce-only order must reduce an open position")


# --- placement -------------------------------------------------------------------------


def get_position_quantums(state: State, order: Order) -> int:
    """The signed position of the order's subaccount in its pair's perpetual, 0 if none."""
    pair = state.clob.clob_pairs.get(order.order_id.clob_pair_id)
    subaccount = state.subaccounts.subaccounts.get(order.order_id.subaccount_id)
    if pair is None or subaccount is None:
        return 0
    position = subaccount.positions.get(pair.perpetual_id)
    return position.quantums if position is not None else 0


def reduce_only_never_grows(state: State, message: PlaceOrder, OLD: object) -> bool:
    """RO-1: after a reduce-only order, the position is no larger and on the same side (or zero)."""
    if not message.order.reduce_only:
        return True
    before, after = OLD.position, get_position_quantums(state, message.order)  # type: ignore[attr-defined]
    return bool(abs(after) <= abs(before) and after * before >= 0)


@icontract.snapshot(
    lambda state, message: get_position_quantums(state, message.order), "position", enabled=CONTRACTS_ENABLED
)
@icontract.ensure(
    lambda state, message: is_book_uncrossed(state, message.order.order_id.clob_pair_id),
    "CROSS-1 (INV-9): the book is not crossed after a placement",
    enabled=CONTRACTS_ENABLED,
)
@icontract.ensure(
    reduce_only_never_grows,
    "RO-1 (MATCH-8): a reduce-only order never increases or flips a position",
    enabled=CONTRACTS_ENABLED,
)
def process_place_order(state: State, message: PlaceOrder) -> list[Event]:
    """
    Place an order, or replace the live order with its id (ORDER-5, ORDER-6, ORDER-7,
    ORDER-10, ORDER-11, then MATCH-* or COND-1).
    """
    order = message.order
    order_id = order.order_id
    # Verify the owner signed
    if message.signer != order_id.subaccount_id.owner:
        raise errors.Unauthorized("an order is signed by its subaccount's owner")
    pair = validate_order_stateful(state, order)
    clob = state.clob
    # Verify no short-term cancel covers it, and check a replacement
    if order_id.order_flags == ORDER_FLAGS_SHORT_TERM:
        cancelled_until = clob.short_term_cancels.get(order_id)
        if cancelled_until is not None and cancelled_until >= order.good_til_block:
            raise errors.OrderIsCanceled(f"a cancel holds until block {cancelled_until}")
    existing = get_existing_order(state, order_id)
    if existing is not None:
        validate_replacement(existing, order)
    validate_fill_amount(state, pair, order)
    if order.reduce_only and order_id.order_flags != ORDER_FLAGS_CONDITIONAL:
        validate_reduce_only(state, pair, order)
    # Accepted: from here on the order's fate is told by events, never by an error
    events: list[Event] = [OrderPlacedEvent(order, existing is not None)]
    if existing is not None:
        remove_live_order(state, order_id, RemovalReason.REPLACED, events)
    if order.good_til_block:
        clob.expire_at_block(order.good_til_block, order_id)
        # A filled amount carried over lives as long as the id's latest good-til-block (ORDER-11)
        if order_id in clob.fill_amounts and clob.fill_amount_expiry.get(order_id, 0) < order.good_til_block:
            clob.fill_amount_expiry[order_id] = order.good_til_block
    else:
        clob.expire_at_time(order.good_til_block_time, order_id)
    if order_id.order_flags == ORDER_FLAGS_CONDITIONAL:
        clob.add_untriggered(order)
        return events
    place_on_book(state, pair, order, events)
    return events


def remove_live_order(state: State, order_id: OrderId, reason: RemovalReason, events: list[Event]) -> None:
    """Remove a live order, on the book or untriggered."""
    entry = state.clob.resting.get(order_id)
    if entry is not None:
        remove_resting_order(state, entry, reason, events)
    elif state.clob.pop_untriggered(order_id) is not None:
        if reason is not RemovalReason.REPLACED:
            state.clob.fill_amounts.pop(order_id, None)
        events.append(OrderRemovedEvent(order_id, reason))


_OPEN = MatchStatus.OPEN  # bound once: an Enum member lookup is slow in Python 3.11

MATCH_REMOVAL_REASONS = {
    MatchStatus.FILLED: RemovalReason.FULLY_FILLED,
    MatchStatus.UNDERCOLLATERALIZED: RemovalReason.UNDERCOLLATERALIZED,
    MatchStatus.POST_ONLY_WOULD_CROSS: RemovalReason.POST_ONLY_WOULD_CROSS_MAKER_ORDER,
    MatchStatus.REDUCE_ONLY_RESIZED: RemovalReason.REDUCE_ONLY_RESIZED,
}


def place_on_book(state: State, pair: ClobPair, order: Order, events: list[Event]) -> None:
    """
    Match an order, then rest its remainder or remove it (MATCH-5..7).

    IOC remainders are cancelled (MATCH-6).  A remainder rests only if the subaccount
    could bear it fully filled at its price with the maker fee (MATCH-7).
    """
    clob = state.clob
    order_id = order.order_id
    remaining = order.quantums - clob.fill_amounts.get(order_id, 0)
    status, remaining = match_order(state, pair, order, remaining, events)
    reason = None if status is _OPEN else MATCH_REMOVAL_REASONS.get(status)
    if reason is None:
        if order.time_in_force == TIME_IN_FORCE_IOC:
            reason = RemovalReason.IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK
        elif not can_rest_on_book(state, pair, order, remaining):
            reason = RemovalReason.UNDERCOLLATERALIZED
    if reason is not None:
        if order.good_til_block_time:
            clob.fill_amounts.pop(order_id, None)
        events.append(OrderRemovedEvent(order_id, reason))
        return
    clob.add_resting(order)
    events.append(OrderOnBookEvent(order_id, remaining))


_COLLAT_CHECK = UpdateType.COLLAT_CHECK  # bound once: an Enum member lookup is slow in Python 3.11


def can_rest_on_book(state: State, pair: ClobPair, order: Order, remaining: int) -> bool:
    """
    The add-to-book collateral check (MATCH-7, ``AddOrderToOrderbookSubaccountUpdatesCheck``).

    The subaccount must pass the collateral check of a CollatCheck update that fills the
    remainder at the order's price and pays the maker fee on it.
    """
    is_buy = order.side == SIDE_BUY
    quote = compute_fill_quote_quantums(order.subticks, remaining, pair.quantum_conversion_exponent)
    subaccount_id = order.order_id.subaccount_id
    fee = compute_fee_quote_quantums(quote, get_fee_ppm(state, subaccount_id.owner, False))
    quote_delta = (-quote if is_buy else quote) - fee
    base_delta = remaining if is_buy else -remaining
    return check_update_succeeds(
        state, Update(subaccount_id, quote_delta, ((pair.perpetual_id, base_delta),)), _COLLAT_CHECK
    )


# --- cancellation ----------------------------------------------------------------------


@icontract.ensure(
    lambda state, message: is_book_uncrossed(state, message.order_id.clob_pair_id),
    "CROSS-1 (INV-9): the book is not crossed after a cancel",
    enabled=CONTRACTS_ENABLED,
)
def process_cancel_order(state: State, message: CancelOrder) -> list[Event]:
    """Cancel an order: short-term by a cancel that holds until its block (ORDER-7), stateful at once (ORDER-8)."""
    order_id = message.order_id
    # Verify the owner signed and the clob pair exists
    if message.signer != order_id.subaccount_id.owner:
        raise errors.Unauthorized("a cancel is signed by its subaccount's owner")
    get_clob_pair(state, order_id.clob_pair_id)
    if order_id.order_flags == ORDER_FLAGS_SHORT_TERM:
        return cancel_short_term_order(state, message)
    return cancel_stateful_order(state, message)


def cancel_short_term_order(state: State, message: CancelOrder) -> list[Event]:
    """
    A short-term cancel holds until its good-til-block: it removes the live order whose
    good-til-block is at or below it, and blocks placing the id up to it (ORDER-7).
    """
    clob = state.clob
    order_id = message.order_id
    validate_good_til_block(message.good_til_block, state.blocks.height)
    existing_cancel = clob.short_term_cancels.get(order_id)
    if existing_cancel is not None and existing_cancel >= message.good_til_block:
        raise errors.CancelAlreadyExists(f"a cancel already holds until block {existing_cancel}")
    clob.short_term_cancels[order_id] = message.good_til_block
    clob.expire_at_block(message.good_til_block, order_id)
    events: list[Event] = [OrderCancelRecordedEvent(order_id, message.good_til_block)]
    entry = clob.resting.get(order_id)
    if entry is not None and entry.order.good_til_block <= message.good_til_block:
        remove_resting_order(state, entry, RemovalReason.CANCELED, events)
    return events


def cancel_stateful_order(state: State, message: CancelOrder) -> list[Event]:
    """A stateful cancel removes the live order with its id, if it expires no later than the cancel (ORDER-8)."""
    order_id = message.order_id
    validate_good_til_block_time(message.good_til_block_time, state.blocks.time)
    existing = get_existing_order(state, order_id)
    if existing is None:
        raise errors.StatefulOrderDoesNotExist("no stateful order with this id")
    if message.good_til_block_time < existing.good_til_block_time:
        raise errors.InvalidStatefulOrderCancellation("the cancel's goodTilBlockTime is below the order's")
    events: list[Event] = []
    remove_live_order(state, order_id, RemovalReason.CANCELED, events)
    state.clob.fill_amounts.pop(order_id, None)
    return events
