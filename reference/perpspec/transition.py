"""
The transition function: the only way the state changes (spec/transition.md).

``apply_message`` dispatches a decoded message to its ``process_*`` function and
returns its events, or raises the ``ProtocolError`` that rejects it.  It holds no
rules of its own beyond TX-2: a rejected message leaves the state exactly as it was,
which the process functions guarantee by checking everything before writing, and
which this module checks (with contracts on) by comparing the touched part of the
state before and after.

The function is deterministic (TX-6): no clocks, no randomness, no floating point,
and every iteration over a table is in key order where order can show.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from perpspec import errors
from perpspec.blocks import process_advance_block
from perpspec.clob.orders import process_cancel_order, process_place_order
from perpspec.codec import canonical_json, encode_state, encode_subaccount
from perpspec.config import CONTRACTS_ENABLED
from perpspec.messages import (
    AdvanceBlock,
    CancelOrder,
    Deposit,
    Message,
    PlaceOrder,
    Transfer,
    UpdatePrices,
    Withdraw,
    decode_message,
    encode_order,
)
from perpspec.prices import process_update_prices
from perpspec.sending import process_deposit, process_transfer, process_withdraw
from perpspec.state import State
from perpspec.types import OrderId, SubaccountId

PROCESSORS: dict[type, Callable[[State, Any], list[dict]]] = {
    Deposit: process_deposit,
    Withdraw: process_withdraw,
    Transfer: process_transfer,
    UpdatePrices: process_update_prices,
    AdvanceBlock: process_advance_block,
    PlaceOrder: process_place_order,
    CancelOrder: process_cancel_order,
}


@dataclass(frozen=True)
class Outcome:
    """The result of applying one message: events, or the error that rejected it."""

    events: list[dict] | None = None
    error: errors.ProtocolError | None = None

    @property
    def accepted(self) -> bool:
        return self.error is None

    def to_json(self) -> dict:
        if self.error is not None:
            return {"error": self.error.to_json()}
        return {"events": self.events}


def get_touched_subaccounts(message: Message) -> list[SubaccountId]:
    """The subaccounts a message may change."""
    if isinstance(message, Deposit):
        return [message.recipient]
    if isinstance(message, Withdraw):
        return [message.sender]
    if isinstance(message, Transfer):
        return [message.sender, message.recipient]
    if isinstance(message, PlaceOrder):
        return [message.order.order_id.subaccount_id]
    if isinstance(message, CancelOrder):
        return [message.order_id.subaccount_id]
    return []


def _order_fingerprint(state: State, order_id: OrderId) -> list:
    """The clob records of one order id, and the sizes of the clob tables (O(1))."""
    clob = state.clob
    resting = clob.resting.get(order_id)
    return [
        encode_order(resting.order) if resting is not None else None,
        encode_order(clob.untriggered[order_id]) if order_id in clob.untriggered else None,
        str(clob.fill_amounts.get(order_id)),
        clob.fill_amount_expiry.get(order_id),
        clob.short_term_cancels.get(order_id),
        [len(clob.resting), len(clob.untriggered), len(clob.fill_amounts), len(clob.short_term_cancels)],
        clob.next_sequence,
        str(state.fee_collector_balance),
        str(state.volume.pending_notional),
    ]


def _fingerprint(state: State, message: Message) -> bytes:
    """Canonical bytes of every part of the state ``message`` could touch (O(touched))."""
    touched: dict[str, Any] = {
        "block": [state.block_height, state.block_time, state.last_chain_outage_at_block],
        "totals": [str(state.total_deposited), str(state.total_withdrawn), str(state.funding_pool_balance)],
        "subaccounts": [
            encode_subaccount(state.subaccounts[sid]) if sid in state.subaccounts else None
            for sid in get_touched_subaccounts(message)
        ],
    }
    if isinstance(message, UpdatePrices):
        touched["prices"] = [
            str(state.market_prices[u.market_id].price) if u.market_id in state.market_prices else None
            for u in message.market_updates
        ]
    if isinstance(message, PlaceOrder):
        touched["clob"] = _order_fingerprint(state, message.order.order_id)
    if isinstance(message, CancelOrder):
        touched["clob"] = _order_fingerprint(state, message.order_id)
    held = [state.subaccounts[sid] for sid in get_touched_subaccounts(message) if sid in state.subaccounts]
    touched["openInterest"] = sorted(
        (pid, str(state.perpetuals[pid].open_interest)) for s in held for pid in s.positions
    )
    return canonical_json(touched)


def apply_message(state: State, message: Message) -> list[dict]:
    """
    Apply one decoded message: its events, or a ``ProtocolError`` with the state unchanged (TX-1, TX-2).
    """
    processor = PROCESSORS[type(message)]
    if not CONTRACTS_ENABLED:
        return processor(state, message)
    before = _fingerprint(state, message)
    try:
        return processor(state, message)
    except errors.ProtocolError:
        if _fingerprint(state, message) != before:
            raise AssertionError("ATOM-1 (TX-2) violated: a rejected message changed the state")
        raise


def apply_json(state: State, obj: Any) -> Outcome:
    """Decode and apply a message given as JSON; never raises for a bad message (TX-1, TX-5)."""
    try:
        message = decode_message(obj)
        return Outcome(events=apply_message(state, message))
    except errors.ProtocolError as error:
        return Outcome(error=error)


def full_state_bytes(state: State) -> bytes:
    """Canonical bytes of the whole state (for tests that compare before and after)."""
    return canonical_json(encode_state(state))
