"""
The transition function: the only way the state changes (spec/transition.md).

``MESSAGE_KINDS`` is the one table of message types (TX-1): a row gives a message's type
URL, its dataclass, its decoder and encoder, its ``process_*`` function, the subaccounts it
names and the other parts of the state it may change.  Adding a message type is adding a
row (and writing its process function).  ``apply_message`` dispatches a decoded message to
its row's process function and returns its events, or raises the ``ProtocolError`` that
rejects it.  It holds no rule of its own beyond TX-2: a rejected message leaves the state
exactly as it was, which the process functions guarantee by checking everything before
writing, and which this module checks with contracts on (CONTRACTS_ENABLED) by comparing
the parts the row names before and after a rejection, and in strict mode
(CONTRACTS_STRICT) the whole state as well, so that a row cannot forget a part it writes.

The function is deterministic (TX-6): no clocks, no randomness, no floating point,
and every iteration over a table is in key order where order can show.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from perpspec import errors
from perpspec.blocks import process_advance_block
from perpspec.clob.orders import process_cancel_order, process_place_order
from perpspec.clob.pairs import process_update_clob_pair
from perpspec.codec import canonical_json, encode_events, encode_state, encode_subaccount
from perpspec.config import CONTRACTS_ENABLED, CONTRACTS_STRICT
from perpspec.events import Event
from perpspec.messages import (
    ADVANCE_BLOCK_TYPE,
    CANCEL_ORDER_TYPE,
    DEPOSIT_TYPE,
    PLACE_ORDER_TYPE,
    TRANSFER_TYPE,
    UPDATE_CLOB_PAIR_TYPE,
    UPDATE_PRICES_TYPE,
    WITHDRAW_TYPE,
    AdvanceBlock,
    CancelOrder,
    Deposit,
    Message,
    PlaceOrder,
    Transfer,
    UpdateClobPair,
    UpdatePrices,
    Withdraw,
    decode_advance_block,
    decode_cancel_order,
    decode_deposit,
    decode_place_order,
    decode_transfer,
    decode_update_clob_pair,
    decode_update_prices,
    decode_withdraw,
    encode_advance_block,
    encode_cancel_order,
    encode_clob_pair,
    encode_deposit,
    encode_order,
    encode_place_order,
    encode_transfer,
    encode_update_clob_pair,
    encode_update_prices,
    encode_withdraw,
)
from perpspec.prices import process_update_prices
from perpspec.sending import process_deposit, process_transfer, process_withdraw
from perpspec.state import State
from perpspec.types import OrderId, SubaccountId

StatePart = Callable[[State, Any], Any]
"""One part of the state a message may change, as a JSON value read in O(that part) (TX-2)."""


# --- the parts of the state a row may name (TX-2) ---------------------------------------


def bank_part(state: State, message: Any) -> Any:
    """The USDC outside subaccounts and the flows through the bridge (INV-1)."""
    return [
        str(state.bank.total_deposited),
        str(state.bank.total_withdrawn),
        str(state.bank.funding_pool),
        str(state.bank.fee_collector),
        str(state.bank.insurance_fund),
    ]


def prices_part(state: State, message: UpdatePrices) -> Any:
    """The oracle prices of the markets an update names (PRICE-6)."""
    return [
        str(state.prices.market_prices[u.market_id].price) if u.market_id in state.prices.market_prices else None
        for u in message.market_updates
    ]


def order_part(order_id: Callable[[Any], OrderId]) -> StatePart:
    """The clob records of the order id a message names, the clob tables' sizes and the block's volume (CLOB-3)."""

    def part(state: State, message: Any) -> Any:
        clob = state.clob
        named = order_id(message)
        resting = clob.resting.get(named)
        return [
            encode_order(resting.order) if resting is not None else None,
            encode_order(clob.untriggered[named]) if named in clob.untriggered else None,
            str(clob.fill_amounts.get(named)),
            clob.fill_amount_expiry.get(named),
            clob.short_term_cancels.get(named),
            [len(clob.resting), len(clob.untriggered), len(clob.fill_amounts), len(clob.short_term_cancels)],
            clob.next_sequence,
            str(state.stats.volume.pending_notional),
        ]

    return part


def clob_pair_part(state: State, message: UpdateClobPair) -> Any:
    """The clob pair an update names (CLOB-4); an update writes nothing before its checks pass."""
    pair = state.clob.clob_pairs.get(message.clob_pair.id)
    return encode_clob_pair(pair) if pair is not None else None


def block_part(state: State, message: Any) -> Any:
    """
    The block: height, time and the last outage (BLOCK-1, BLOCK-2).  A block message writes
    nothing before its checks pass (BLOCK-3); once they pass it cannot be rejected.
    """
    return [state.blocks.height, state.blocks.time, state.blocks.last_chain_outage_at_block]


# --- the table (TX-1) -------------------------------------------------------------------


@dataclass(frozen=True)
class MessageKind:
    """
    One row of the message table: everything the state machine knows of one message type (TX-1).

    The callables take and return the row's ``message_class``; the row is not generic in it
    because the compiled build (mypyc) cannot compile a generic dataclass.

    ``subaccounts`` are the subaccounts the message names: those it may change, which the
    TX-2 check compares (with the open interest of the perpetuals they hold) and the
    conformance vectors show after each step.  ``parts`` are the other parts of the state it
    may change before it can still be rejected (TX-2).
    """

    name: str
    type_url: str
    message_class: type
    decode: Callable[[dict[str, Any]], Any]
    encode: Callable[[Any], dict[str, Any]]
    process: Callable[[State, Any], list[Event]]
    subaccounts: Callable[[Any], Sequence[SubaccountId]]
    parts: tuple[StatePart, ...]


def _names_none(message: Any) -> Sequence[SubaccountId]:
    return ()


MESSAGE_KINDS: tuple[MessageKind, ...] = (
    MessageKind(
        "Deposit",
        DEPOSIT_TYPE,
        Deposit,
        decode_deposit,
        encode_deposit,
        process_deposit,
        subaccounts=lambda m: (m.recipient,),
        parts=(bank_part,),
    ),
    MessageKind(
        "Withdraw",
        WITHDRAW_TYPE,
        Withdraw,
        decode_withdraw,
        encode_withdraw,
        process_withdraw,
        subaccounts=lambda m: (m.sender,),
        parts=(bank_part,),
    ),
    MessageKind(
        "Transfer",
        TRANSFER_TYPE,
        Transfer,
        decode_transfer,
        encode_transfer,
        process_transfer,
        subaccounts=lambda m: (m.sender, m.recipient),
        parts=(bank_part,),
    ),
    MessageKind(
        "UpdateOraclePrices",
        UPDATE_PRICES_TYPE,
        UpdatePrices,
        decode_update_prices,
        encode_update_prices,
        process_update_prices,
        subaccounts=_names_none,
        parts=(prices_part,),
    ),
    MessageKind(
        "AdvanceBlock",
        ADVANCE_BLOCK_TYPE,
        AdvanceBlock,
        decode_advance_block,
        encode_advance_block,
        process_advance_block,
        subaccounts=_names_none,
        parts=(block_part,),
    ),
    MessageKind(
        "PlaceOrder",
        PLACE_ORDER_TYPE,
        PlaceOrder,
        decode_place_order,
        encode_place_order,
        process_place_order,
        subaccounts=lambda m: (m.order.order_id.subaccount_id,),
        parts=(bank_part, order_part(lambda m: m.order.order_id)),
    ),
    MessageKind(
        "CancelOrder",
        CANCEL_ORDER_TYPE,
        CancelOrder,
        decode_cancel_order,
        encode_cancel_order,
        process_cancel_order,
        subaccounts=lambda m: (m.order_id.subaccount_id,),
        parts=(order_part(lambda m: m.order_id),),
    ),
    MessageKind(
        "UpdateClobPair",
        UPDATE_CLOB_PAIR_TYPE,
        UpdateClobPair,
        decode_update_clob_pair,
        encode_update_clob_pair,
        process_update_clob_pair,
        subaccounts=_names_none,
        parts=(clob_pair_part,),
    ),
)
"""Every message type, one row each (TX-1)."""

KINDS_BY_TYPE_URL: dict[str, MessageKind] = {kind.type_url: kind for kind in MESSAGE_KINDS}
KINDS_BY_CLASS: dict[type, MessageKind] = {kind.message_class: kind for kind in MESSAGE_KINDS}


def get_message_kind(message: Message) -> MessageKind:
    """The row of a decoded message; a value of no row's class is ``UNKNOWN_MESSAGE_TYPE`` (TX-1)."""
    kind = KINDS_BY_CLASS.get(type(message))
    if kind is None:
        raise errors.UnknownMessageType(f"{type(message).__name__} is not a message type")
    return kind


def decode_message(obj: Any) -> Message:
    """A message from its JSON object, or a ``ProtocolError`` naming what is wrong (TX-5)."""
    if not isinstance(obj, dict):
        raise errors.MalformedMessage("a message is a JSON object")
    message_type = obj.get("@type")
    kind = KINDS_BY_TYPE_URL.get(message_type) if isinstance(message_type, str) else None
    if kind is None:
        raise errors.UnknownMessageType(f"unknown message type {message_type!r}")
    message: Message = kind.decode(obj)
    return message


def encode_message(message: Message) -> dict[str, Any]:
    """The canonical JSON object of a message; a value of no row's class cannot be encoded (TX-5)."""
    return get_message_kind(message).encode(message)


def get_touched_subaccounts(message: Message) -> list[SubaccountId]:
    """The subaccounts a message names, which it may change (TX-2)."""
    return list(get_message_kind(message).subaccounts(message))


# --- applying (TX-1, TX-2) --------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """The result of applying one message: its events as JSON (TX-4), or the error that rejected it."""

    events: list[dict[str, Any]] | None = None
    error: errors.ProtocolError | None = None

    @property
    def accepted(self) -> bool:
        return self.error is None

    def to_json(self) -> dict[str, Any]:
        if self.error is not None:
            return {"error": self.error.to_json()}
        return {"events": self.events}


def compute_fingerprint(state: State, kind: MessageKind, message: Message) -> bytes:
    """
    Canonical bytes of the parts of the state a row names (TX-2): its subaccounts, the open
    interest of the perpetuals they hold, and its other parts; O(those parts).
    """
    named = kind.subaccounts(message)
    stored = [state.subaccounts.subaccounts.get(sid) for sid in named]
    held = sorted({pid for subaccount in stored if subaccount is not None for pid in subaccount.positions})
    return canonical_json(
        {
            "subaccounts": [encode_subaccount(s) if s is not None else None for s in stored],
            "openInterest": [[pid, str(state.perpetuals.perpetuals[pid].open_interest)] for pid in held],
            "parts": [part(state, message) for part in kind.parts],
        }
    )


def apply_message(state: State, message: Message) -> list[Event]:
    """
    Apply one decoded message: its events, or a ``ProtocolError`` with the state unchanged (TX-1, TX-2).
    """
    kind = get_message_kind(message)
    if not CONTRACTS_ENABLED:
        return kind.process(state, message)
    before = compute_fingerprint(state, kind, message)
    whole_before = full_state_bytes(state) if CONTRACTS_STRICT else b""
    try:
        return kind.process(state, message)
    except errors.ProtocolError:
        if compute_fingerprint(state, kind, message) != before:
            raise AssertionError(f"ATOM-1 (TX-2) violated: a rejected {kind.name} changed the state") from None
        if CONTRACTS_STRICT and full_state_bytes(state) != whole_before:
            raise AssertionError(
                f"ATOM-1 (TX-2) violated: a rejected {kind.name} changed a part of the state its row does not name"
            ) from None
        raise


def apply_json(state: State, obj: Any) -> Outcome:
    """Decode and apply a message given as JSON; never raises for a bad message (TX-1, TX-5)."""
    try:
        message = decode_message(obj)
        return Outcome(events=encode_events(apply_message(state, message)))
    except errors.ProtocolError as error:
        return Outcome(error=error)


def full_state_bytes(state: State) -> bytes:
    """Canonical bytes of the whole state (CODEC-2): what strict mode and tests compare."""
    return canonical_json(encode_state(state))
