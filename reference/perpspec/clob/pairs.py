"""
Clob pair updates: the authority changes a clob pair's parameters or status (spec/clob.md, CLOB-4).

v4's ``MsgUpdateClobPair`` (``Keeper.UpdateClobPair``): the perpetual and the quantum
conversion exponent never change; the step and the tick may only shrink to a divisor of
themselves, so every resting order stays on the grid; the status moves only along the
transitions the protocol supports.  A pair newly in FINAL_SETTLEMENT loses every order,
resting or waiting for its trigger, and from then on the deleveraging phase closes its
positions at the oracle price (FINAL-1).
"""

from __future__ import annotations

from perpspec import errors
from perpspec.clob.orders import remove_live_order
from perpspec.clob.state import ClobPair, ClobPairStatus
from perpspec.events import ClobPairUpdatedEvent, Event, RemovalReason
from perpspec.messages import UpdateClobPair
from perpspec.state import State
from perpspec.types import OrderId

SUPPORTED_STATUS_TRANSITIONS: dict[ClobPairStatus, tuple[ClobPairStatus, ...]] = {
    ClobPairStatus.ACTIVE: (ClobPairStatus.FINAL_SETTLEMENT,),
    ClobPairStatus.INITIALIZING: (ClobPairStatus.ACTIVE, ClobPairStatus.FINAL_SETTLEMENT),
    ClobPairStatus.FINAL_SETTLEMENT: (ClobPairStatus.INITIALIZING,),
}
"""The status changes v4 supports (``SupportedClobPairStatusTransitions``); staying put is always allowed (CLOB-4)."""


def is_supported_status_transition(old: ClobPairStatus, new: ClobPairStatus) -> bool:
    """A status may stay as it is or move along one supported transition (CLOB-4, ``IsSupportedClobPairStatusTransition``)."""
    if old not in SUPPORTED_STATUS_TRANSITIONS or new not in SUPPORTED_STATUS_TRANSITIONS:
        return False
    return old is new or new in SUPPORTED_STATUS_TRANSITIONS[old]


def is_valid_granularity_change(old: int, new: int) -> bool:
    """A step or tick may stay, or shrink to a positive divisor of itself (CLOB-4)."""
    return new == old or (0 < new < old and old % new == 0)


def validate_update_clob_pair(state: State, message: UpdateClobPair) -> ClobPair:
    """
    The authority signs; the pair exists; its perpetual and quantum conversion exponent stay;
    its step and tick only shrink to divisors; its status moves along a supported transition
    (CLOB-4).  Returns the pair as it was.

    Raises ``Unauthorized``, ``InvalidClobPairUpdate`` or ``InvalidClobPairStatusTransition``.
    """
    new = message.clob_pair
    # Verify the protocol authority signed
    if message.authority != state.authority:
        raise errors.Unauthorized("clob pairs are updated by the protocol authority")
    # Verify the pair exists
    old = state.clob.clob_pairs.get(new.id)
    if old is None:
        raise errors.InvalidClobPairUpdate(f"clob pair {new.id} does not exist")
    # Verify what never changes did not change
    if new.perpetual_id != old.perpetual_id:
        raise errors.InvalidClobPairUpdate("a clob pair's perpetual id cannot change")
    if new.quantum_conversion_exponent != old.quantum_conversion_exponent:
        raise errors.InvalidClobPairUpdate("a clob pair's quantum conversion exponent cannot change")
    # Verify the step and the tick only shrink to divisors
    if not is_valid_granularity_change(old.step_base_quantums, new.step_base_quantums):
        raise errors.InvalidClobPairUpdate("the step may only shrink to a positive divisor of itself")
    if not is_valid_granularity_change(old.subticks_per_tick, new.subticks_per_tick):
        raise errors.InvalidClobPairUpdate("subticks per tick may only shrink to a positive divisor of itself")
    # Verify the status transition is supported
    if not is_supported_status_transition(old.status, new.status):
        raise errors.InvalidClobPairStatusTransition(
            f"cannot move from STATUS_{old.status.name} to STATUS_{new.status.name}"
        )
    return old


def get_orders_of_clob_pair(state: State, clob_pair_id: int) -> list[OrderId]:
    """Every live order of a clob pair, resting or waiting for its trigger, in order-id order."""
    clob = state.clob
    book = clob.books.get(clob_pair_id)
    resting = (
        [
            entry.order_id
            for side in (book.bids, book.asks)
            for level in side.levels_best_first()
            for entry in level.orders()
        ]
        if book is not None
        else []
    )
    waiting = [order_id for order_id in clob.untriggered if order_id.clob_pair_id == clob_pair_id]
    return sorted(resting + waiting)


def process_update_clob_pair(state: State, message: UpdateClobPair) -> list[Event]:
    """
    Replace a clob pair (CLOB-4); a pair that newly enters FINAL_SETTLEMENT loses every live
    order, with reason FINAL_SETTLEMENT, in order-id order (FINAL-1).

    Nothing is written before the message is validated.
    """
    old = validate_update_clob_pair(state, message)
    new = message.clob_pair
    state.clob.clob_pairs[new.id] = new
    events: list[Event] = [ClobPairUpdatedEvent(new)]
    if new.status is ClobPairStatus.FINAL_SETTLEMENT and old.status is not ClobPairStatus.FINAL_SETTLEMENT:
        for order_id in get_orders_of_clob_pair(state, new.id):
            remove_live_order(state, order_id, RemovalReason.FINAL_SETTLEMENT, events)
    return events
