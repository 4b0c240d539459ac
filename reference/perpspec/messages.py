"""
Messages: their types, their JSON shapes and their stateless validation (spec/transition.md).

Each message type has a dataclass, a ``decode_*`` and an ``encode_*`` here; the row of
``perpspec.transition.MESSAGE_KINDS`` joins them to the type URL and the ``process_*``
function, so a message is added in one row.

Shapes follow the dYdX v4 protos in camelCase JSON (TX-5): 64-bit integers may come
as decimal strings or JSON numbers and are written as strings; 32-bit integers are
written as numbers.  Decoding is strict: unknown fields, missing fields, wrong types
and out-of-range integers are each rejected with a stable code, and stateless rules
(``ValidateBasic`` in the real chain) are checked here, before any state is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from perpspec import errors, jsonio
from perpspec.bech32 import is_valid_address
from perpspec.clob.state import (
    CONDITION_TYPE_NAMES,
    CONDITION_TYPE_UNSPECIFIED,
    CONDITION_TYPES,
    ORDER_FLAGS_CONDITIONAL,
    ORDER_FLAGS_LONG_TERM,
    ORDER_FLAGS_SHORT_TERM,
    SIDE_NAMES,
    SIDES,
    TIME_IN_FORCE_FILL_OR_KILL,
    TIME_IN_FORCE_IOC,
    TIME_IN_FORCE_NAMES,
    TIMES_IN_FORCE,
    ClobPair,
    ClobPairStatus,
    Order,
)
from perpspec.types import MAX_SUBACCOUNT_NUMBER, OrderId, SubaccountId
from perpspec.units import INT32_MAX, INT32_MIN, INT64_MAX, UINT32_MAX, UINT64_MAX, USDC_ASSET_ID

DEPOSIT_TYPE = "/dydxprotocol.sending.MsgDepositToSubaccount"
WITHDRAW_TYPE = "/dydxprotocol.sending.MsgWithdrawFromSubaccount"
TRANSFER_TYPE = "/dydxprotocol.sending.MsgCreateTransfer"
UPDATE_PRICES_TYPE = "/perpspec.prices.MsgUpdateOraclePrices"
ADVANCE_BLOCK_TYPE = "/perpspec.blocks.MsgAdvanceBlock"
PLACE_ORDER_TYPE = "/dydxprotocol.clob.MsgPlaceOrder"
CANCEL_ORDER_TYPE = "/dydxprotocol.clob.MsgCancelOrder"
UPDATE_CLOB_PAIR_TYPE = "/dydxprotocol.clob.MsgUpdateClobPair"


@dataclass(frozen=True)
class Deposit:
    """Move USDC from an outside account (the signer) into a subaccount."""

    signer: str
    sender: str
    recipient: SubaccountId
    asset_id: int
    quantums: int


@dataclass(frozen=True)
class Withdraw:
    """Move USDC from a subaccount to an outside account; signed by the subaccount's owner."""

    signer: str
    sender: SubaccountId
    recipient: str
    asset_id: int
    quantums: int


@dataclass(frozen=True)
class Transfer:
    """Move USDC between two subaccounts; signed by the sender's owner."""

    signer: str
    sender: SubaccountId
    recipient: SubaccountId
    asset_id: int
    amount: int


@dataclass(frozen=True)
class SourcePrice:
    """One source's report: its name, a price value in the market's exponent, and unix seconds."""

    source: str
    price: int
    timestamp: int


@dataclass(frozen=True)
class MarketSourcePrices:
    """One market's source prices, and optionally the proposer's price for it (PRICE-9)."""

    market_id: int
    source_prices: tuple[SourcePrice, ...]
    proposed_price: int | None = None


@dataclass(frozen=True)
class UpdatePrices:
    """Per-market source prices for the oracle; signed by the protocol authority."""

    signer: str
    market_updates: tuple[MarketSourcePrices, ...]


@dataclass(frozen=True)
class AdvanceBlock:
    """Start the next block at a height and a unix time; signed by the protocol authority."""

    signer: str
    height: int
    time: int


@dataclass(frozen=True)
class PlaceOrder:
    """Place (or replace) an order; signed by the owner of the order's subaccount (ORDER-5)."""

    signer: str
    order: Order


@dataclass(frozen=True)
class CancelOrder:
    """Cancel an order: short-term cancels carry a good-til-block, stateful ones a time (ORDER-7, ORDER-8)."""

    signer: str
    order_id: OrderId
    good_til_block: int = 0
    good_til_block_time: int = 0


@dataclass(frozen=True)
class UpdateClobPair:
    """Replace a clob pair's parameters and status; signed by the protocol authority (CLOB-4)."""

    authority: str
    clob_pair: ClobPair


Message = Deposit | Withdraw | Transfer | UpdatePrices | AdvanceBlock | PlaceOrder | CancelOrder | UpdateClobPair
"""Every decoded message; ``perpspec.transition.MESSAGE_KINDS`` has one row per member (TX-1)."""


# --- field readers ----------------------------------------------------------------------


def _fields(obj: Any, where: str, required: set[str], optional: frozenset[str] = frozenset()) -> dict[str, Any]:
    """A message object: a non-object is MALFORMED_MESSAGE, a missing or unknown field INVALID_FIELD (TX-5)."""
    return jsonio.read_object(
        obj, where, required, optional, type_error=errors.MalformedMessage, missing_error=errors.InvalidField
    )


def read_integer(value: Any, where: str, minimum: int, maximum: int) -> int:
    """An integer given as a JSON number or a decimal string of 1 to 400 digits, within [minimum, maximum] (TX-5)."""
    return jsonio.read_integer(value, where, minimum, maximum, type_error=errors.InvalidField)


def read_uint32(value: Any, where: str) -> int:
    return read_integer(value, where, 0, UINT32_MAX)


def read_uint64(value: Any, where: str) -> int:
    return read_integer(value, where, 0, UINT64_MAX)


def read_address(value: Any, where: str) -> str:
    if not is_valid_address(value):
        raise errors.InvalidAddress(f"{where}: {value!r} is not a dydx bech32 address")
    return str(value)


def read_string(value: Any, where: str) -> str:
    """A non-empty JSON string (TX-5)."""
    return jsonio.read_string(value, where, non_empty=True, type_error=errors.InvalidField)


def read_subaccount_id(value: Any, where: str) -> SubaccountId:
    """A subaccount id {owner, number}: a valid address and a number 0..127 (SUB-1)."""
    obj = _fields(value, where, {"owner", "number"})
    owner = read_address(obj["owner"], f"{where}.owner")
    number = read_uint32(obj["number"], f"{where}.number")
    if number > MAX_SUBACCOUNT_NUMBER:
        raise errors.InvalidSubaccountId(f"{where}.number: {number} exceeds {MAX_SUBACCOUNT_NUMBER}")
    return SubaccountId(owner, number)


def _read_usdc(value: Any, where: str) -> int:
    asset_id = read_uint32(value, where)
    if asset_id != USDC_ASSET_ID:
        raise errors.NonUsdcAsset(f"{where}: asset {asset_id} is not USDC")
    return asset_id


def _read_amount(value: Any, where: str) -> int:
    amount = read_uint64(value, where)
    if amount == 0:
        raise errors.InvalidTransferAmount(f"{where}: must be positive")
    return amount


# --- decoders ---------------------------------------------------------------------------


def decode_deposit(obj: dict[str, Any]) -> Deposit:
    _fields(obj, "deposit", {"@type", "signer", "sender", "recipient", "assetId", "quantums"})
    return Deposit(
        signer=read_address(obj["signer"], "signer"),
        sender=read_address(obj["sender"], "sender"),
        recipient=read_subaccount_id(obj["recipient"], "recipient"),
        asset_id=_read_usdc(obj["assetId"], "assetId"),
        quantums=_read_amount(obj["quantums"], "quantums"),
    )


def decode_withdraw(obj: dict[str, Any]) -> Withdraw:
    _fields(obj, "withdraw", {"@type", "signer", "sender", "recipient", "assetId", "quantums"})
    return Withdraw(
        signer=read_address(obj["signer"], "signer"),
        sender=read_subaccount_id(obj["sender"], "sender"),
        recipient=read_address(obj["recipient"], "recipient"),
        asset_id=_read_usdc(obj["assetId"], "assetId"),
        quantums=_read_amount(obj["quantums"], "quantums"),
    )


def decode_transfer(obj: dict[str, Any]) -> Transfer:
    _fields(obj, "transfer message", {"@type", "signer", "transfer"})
    body = _fields(obj["transfer"], "transfer", {"sender", "recipient", "assetId", "amount"})
    sender = read_subaccount_id(body["sender"], "transfer.sender")
    recipient = read_subaccount_id(body["recipient"], "transfer.recipient")
    if sender == recipient:
        raise errors.SenderSameAsRecipient("transfer: sender and recipient are the same subaccount")
    return Transfer(
        signer=read_address(obj["signer"], "signer"),
        sender=sender,
        recipient=recipient,
        asset_id=_read_usdc(body["assetId"], "transfer.assetId"),
        amount=_read_amount(body["amount"], "transfer.amount"),
    )


def _decode_source_price(value: Any, where: str) -> SourcePrice:
    obj = _fields(value, where, {"source", "price", "timestamp"})
    price = read_uint64(obj["price"], f"{where}.price")
    if price == 0:
        raise errors.InvalidPrice(f"{where}.price: must be positive")
    return SourcePrice(
        source=read_string(obj["source"], f"{where}.source"),
        price=price,
        timestamp=read_integer(obj["timestamp"], f"{where}.timestamp", 0, INT64_MAX),
    )


def _decode_market_update(value: Any, where: str) -> MarketSourcePrices:
    obj = _fields(value, where, {"marketId", "sourcePrices"}, frozenset({"proposedPrice"}))
    if not isinstance(obj["sourcePrices"], list):
        raise errors.InvalidField(f"{where}.sourcePrices: expected a list")
    sources = tuple(
        _decode_source_price(item, f"{where}.sourcePrices[{i}]") for i, item in enumerate(obj["sourcePrices"])
    )
    names = [s.source for s in sources]
    if len(set(names)) != len(names):
        raise errors.DuplicateSource(f"{where}: a source appears twice")
    proposed = None
    if obj.get("proposedPrice") is not None:
        proposed = read_uint64(obj["proposedPrice"], f"{where}.proposedPrice")
        if proposed == 0:
            raise errors.InvalidPrice(f"{where}.proposedPrice: must be positive")
    return MarketSourcePrices(read_uint32(obj["marketId"], f"{where}.marketId"), sources, proposed)


def decode_update_prices(obj: dict[str, Any]) -> UpdatePrices:
    _fields(obj, "update prices", {"@type", "signer", "marketUpdates"})
    if not isinstance(obj["marketUpdates"], list):
        raise errors.InvalidField("marketUpdates: expected a list")
    updates = tuple(_decode_market_update(item, f"marketUpdates[{i}]") for i, item in enumerate(obj["marketUpdates"]))
    market_ids = [u.market_id for u in updates]
    if len(set(market_ids)) != len(market_ids):
        raise errors.DuplicateMarketUpdate("marketUpdates: a market appears twice")
    return UpdatePrices(read_address(obj["signer"], "signer"), updates)


def decode_advance_block(obj: dict[str, Any]) -> AdvanceBlock:
    _fields(obj, "advance block", {"@type", "signer", "height", "time"})
    return AdvanceBlock(
        signer=read_address(obj["signer"], "signer"),
        height=read_uint32(obj["height"], "height"),
        time=read_integer(obj["time"], "time", 0, INT64_MAX),
    )


def read_enum(value: Any, where: str, names: dict[str, int], error: type[errors.ProtocolError]) -> int:
    """
    An enum given as its proto name or its number (ORDER-1).

    Any int32 number is read as it is, so that an unknown value is reported in
    ``validate_order_basic``'s order (ORDER-2); a name that is not the enum's, or a number
    written as a string, is ``error`` at once, as it has no number to carry.
    """
    if isinstance(value, str) and value in names:
        return names[value]
    if isinstance(value, int) and not isinstance(value, bool):
        if INT32_MIN <= value <= INT32_MAX:
            return value
        raise errors.InvalidField(f"{where}: {value} is outside the int32 range of an enum")
    if isinstance(value, str):
        raise error(f"{where}: unknown value {value!r}")
    raise errors.InvalidField(f"{where}: expected an enum name or number")


def read_bool(value: Any, where: str) -> bool:
    """A JSON boolean (TX-5)."""
    return jsonio.read_bool(value, where, type_error=errors.InvalidField)


ORDER_FIELDS = frozenset(
    {
        "timeInForce",
        "reduceOnly",
        "clientMetadata",
        "conditionType",
        "conditionalOrderTriggerSubticks",
        "goodTilBlock",
        "goodTilBlockTime",
    }
)


def read_order_id(value: Any, where: str) -> OrderId:
    """An order id {subaccountId, clientId, orderFlags, clobPairId} (ORDER-1)."""
    obj = _fields(value, where, {"subaccountId", "clientId", "orderFlags", "clobPairId"})
    return OrderId(
        subaccount_id=read_subaccount_id(obj["subaccountId"], f"{where}.subaccountId"),
        client_id=read_uint32(obj["clientId"], f"{where}.clientId"),
        order_flags=read_uint32(obj["orderFlags"], f"{where}.orderFlags"),
        clob_pair_id=read_uint32(obj["clobPairId"], f"{where}.clobPairId"),
    )


def _read_good_til(obj: dict[str, Any], where: str) -> tuple[int, int]:
    """The good-til oneof: at most one of goodTilBlock (uint32) and goodTilBlockTime (fixed32)."""
    if "goodTilBlock" in obj and "goodTilBlockTime" in obj:
        raise errors.InvalidField(f"{where}: goodTilBlock and goodTilBlockTime are a oneof; give one")
    good_til_block = read_uint32(obj["goodTilBlock"], f"{where}.goodTilBlock") if "goodTilBlock" in obj else 0
    good_til_block_time = (
        read_uint32(obj["goodTilBlockTime"], f"{where}.goodTilBlockTime") if "goodTilBlockTime" in obj else 0
    )
    return good_til_block, good_til_block_time


def read_order(value: Any, where: str) -> Order:
    """An order in the real protocol's camelCase JSON; optional fields default to proto zero values."""
    obj = _fields(value, where, {"orderId", "side", "quantums", "subticks"}, ORDER_FIELDS)
    good_til_block, good_til_block_time = _read_good_til(obj, where)
    return Order(
        order_id=read_order_id(obj["orderId"], f"{where}.orderId"),
        side=read_enum(obj["side"], f"{where}.side", SIDES, errors.InvalidOrderSide),
        quantums=read_uint64(obj["quantums"], f"{where}.quantums"),
        subticks=read_uint64(obj["subticks"], f"{where}.subticks"),
        good_til_block=good_til_block,
        good_til_block_time=good_til_block_time,
        time_in_force=read_enum(
            obj.get("timeInForce", 0), f"{where}.timeInForce", TIMES_IN_FORCE, errors.InvalidTimeInForce
        ),
        reduce_only=read_bool(obj.get("reduceOnly", False), f"{where}.reduceOnly"),
        client_metadata=read_uint32(obj.get("clientMetadata", 0), f"{where}.clientMetadata"),
        condition_type=read_enum(
            obj.get("conditionType", 0), f"{where}.conditionType", CONDITION_TYPES, errors.InvalidConditionType
        ),
        conditional_order_trigger_subticks=read_uint64(
            obj.get("conditionalOrderTriggerSubticks", 0), f"{where}.conditionalOrderTriggerSubticks"
        ),
    )


def is_stateful_order_id(order_id: OrderId) -> bool:
    """Long-term and conditional orders are stateful; short-term orders are not (ORDER-1)."""
    return order_id.order_flags == ORDER_FLAGS_LONG_TERM or order_id.order_flags == ORDER_FLAGS_CONDITIONAL


def validate_order_basic(order: Order) -> None:
    """
    Stateless validation of an order, in the real chain's order (ORDER-2, ``ValidateBasic``).

    The first failing check names the error.
    """
    order_id = order.order_id
    # Verify fill-or-kill, retired by the real protocol, is not used
    if order.time_in_force == TIME_IN_FORCE_FILL_OR_KILL:
        raise errors.DeprecatedField("fill-or-kill has been deprecated")
    # Verify every enum holds a value it defines
    if order.side not in SIDE_NAMES:
        raise errors.InvalidOrderSide(f"invalid order side {order.side}")
    if order.time_in_force not in TIME_IN_FORCE_NAMES:
        raise errors.InvalidTimeInForce(f"invalid time in force {order.time_in_force}")
    if order.condition_type not in CONDITION_TYPE_NAMES:
        raise errors.InvalidConditionType(f"invalid condition type {order.condition_type}")
    # Verify the side is specified and the size is non-zero
    if order.side == 0:
        raise errors.InvalidOrderSide("UNSPECIFIED is not a valid order side")
    if order.quantums == 0:
        raise errors.InvalidOrderQuantums("order size quantums cannot be 0")
    # Verify the expiry field fits the kind of order
    if order_id.order_flags == ORDER_FLAGS_SHORT_TERM:
        if order.good_til_block == 0:
            raise errors.InvalidOrderGoodTilBlock("order goodTilBlock cannot be 0")
    elif is_stateful_order_id(order_id):
        if order.good_til_block_time == 0:
            raise errors.InvalidStatefulOrderGoodTilBlockTime("stateful order goodTilBlockTime cannot be 0")
    else:
        raise errors.InvalidOrderFlag(f"invalid order flag {order_id.order_flags}")
    # Verify immediate execution and reduce-only are used where allowed
    requires_immediate_execution = order.time_in_force == TIME_IN_FORCE_IOC
    if order_id.order_flags == ORDER_FLAGS_LONG_TERM and requires_immediate_execution:
        raise errors.LongTermOrdersCannotRequireImmediateExecution("long-term orders cannot be IOC")
    if order.reduce_only and not requires_immediate_execution:
        raise errors.ReduceOnlyDisabled("reduce only orders must be IOC orders")
    # Verify the price is non-zero
    if order.subticks == 0:
        raise errors.InvalidOrderSubticks("order subticks cannot be 0")
    # Verify the condition fields are set exactly on conditional orders
    if order_id.order_flags == ORDER_FLAGS_CONDITIONAL:
        if order.condition_type == CONDITION_TYPE_UNSPECIFIED:
            raise errors.InvalidConditionType("condition type cannot be unspecified")
        if order.conditional_order_trigger_subticks == 0:
            raise errors.InvalidConditionalOrderTriggerSubticks("conditional order trigger subticks cannot be 0")
    else:
        if order.condition_type != CONDITION_TYPE_UNSPECIFIED:
            raise errors.InvalidConditionType("condition type specified for non-conditional order")
        if order.conditional_order_trigger_subticks != 0:
            raise errors.InvalidConditionalOrderTriggerSubticks(
                "conditional order trigger subticks greater than 0 for non-conditional order"
            )


def decode_place_order(obj: dict[str, Any]) -> PlaceOrder:
    _fields(obj, "place order", {"@type", "signer", "order"})
    signer = read_address(obj["signer"], "signer")
    order = read_order(obj["order"], "order")
    validate_order_basic(order)
    return PlaceOrder(signer, order)


def decode_cancel_order(obj: dict[str, Any]) -> CancelOrder:
    _fields(obj, "cancel order", {"@type", "signer", "orderId"}, frozenset({"goodTilBlock", "goodTilBlockTime"}))
    signer = read_address(obj["signer"], "signer")
    order_id = read_order_id(obj["orderId"], "orderId")
    good_til_block, good_til_block_time = _read_good_til(obj, "cancel order")
    # Stateless validation of a cancel (ORDER-7, ORDER-8, ``MsgCancelOrder.ValidateBasic``)
    if is_stateful_order_id(order_id):
        if good_til_block_time == 0:
            raise errors.InvalidStatefulOrderGoodTilBlockTime("stateful cancellation goodTilBlockTime cannot be 0")
    elif order_id.order_flags == ORDER_FLAGS_SHORT_TERM:
        if good_til_block == 0:
            raise errors.InvalidOrderGoodTilBlock("cancellation goodTilBlock cannot be 0")
    else:
        raise errors.InvalidOrderFlag(f"invalid order flag {order_id.order_flags}")
    return CancelOrder(signer, order_id, good_til_block, good_til_block_time)


CLOB_PAIR_STATUSES: dict[str, ClobPairStatus] = {"STATUS_" + status.name: status for status in ClobPairStatus}
"""The clob pair statuses by their proto names (CLOB-1)."""


def read_clob_pair(value: Any, where: str) -> ClobPair:
    """A clob pair in the v4 ``ClobPair`` shape (CLOB-1): every field, in its proto range, the status by name."""
    obj = _fields(
        value,
        where,
        {"id", "perpetualClobMetadata", "stepBaseQuantums", "subticksPerTick", "quantumConversionExponent", "status"},
    )
    metadata = _fields(obj["perpetualClobMetadata"], f"{where}.perpetualClobMetadata", {"perpetualId"})
    status = read_string(obj["status"], f"{where}.status")
    if status not in CLOB_PAIR_STATUSES:
        raise errors.InvalidField(f"{where}.status: unknown value {status[:80]!r}")
    return ClobPair(
        id=read_uint32(obj["id"], f"{where}.id"),
        perpetual_id=read_uint32(metadata["perpetualId"], f"{where}.perpetualClobMetadata.perpetualId"),
        step_base_quantums=read_uint64(obj["stepBaseQuantums"], f"{where}.stepBaseQuantums"),
        subticks_per_tick=read_uint32(obj["subticksPerTick"], f"{where}.subticksPerTick"),
        quantum_conversion_exponent=read_integer(
            obj["quantumConversionExponent"], f"{where}.quantumConversionExponent", INT32_MIN, INT32_MAX
        ),
        status=CLOB_PAIR_STATUSES[status],
    )


SUPPORTED_STATUSES_FOR_UPDATE = (ClobPairStatus.ACTIVE, ClobPairStatus.INITIALIZING, ClobPairStatus.FINAL_SETTLEMENT)


def decode_update_clob_pair(obj: dict[str, Any]) -> UpdateClobPair:
    """
    ``MsgUpdateClobPair`` and its stateless checks (CLOB-4, ``ValidateBasic``): a valid authority
    address, a supported status, a step and a tick of at least one.
    """
    _fields(obj, "update clob pair", {"@type", "authority", "clobPair"})
    authority = read_address(obj["authority"], "authority")
    pair = read_clob_pair(obj["clobPair"], "clobPair")
    # Verify the clob pair's own parameters (``ClobPair.Validate``)
    if pair.status not in SUPPORTED_STATUSES_FOR_UPDATE:
        raise errors.InvalidClobPairParameter(f"clobPair.status: STATUS_{pair.status.name} is not supported")
    if pair.step_base_quantums == 0:
        raise errors.InvalidClobPairParameter("clobPair.stepBaseQuantums must be positive")
    if pair.subticks_per_tick == 0:
        raise errors.InvalidClobPairParameter("clobPair.subticksPerTick must be positive")
    return UpdateClobPair(authority, pair)


# --- encoders ---------------------------------------------------------------------------


def encode_subaccount_id(subaccount_id: SubaccountId) -> dict[str, Any]:
    return {"owner": subaccount_id.owner, "number": subaccount_id.number}


def encode_order_id(order_id: OrderId) -> dict[str, Any]:
    return {
        "subaccountId": encode_subaccount_id(order_id.subaccount_id),
        "clientId": order_id.client_id,
        "orderFlags": order_id.order_flags,
        "clobPairId": order_id.clob_pair_id,
    }


def encode_order(order: Order) -> dict[str, Any]:
    """An order's canonical JSON: every field written, enums by name, uint64 as strings (ORDER-1)."""
    obj: dict[str, Any] = {
        "orderId": encode_order_id(order.order_id),
        "side": SIDE_NAMES[order.side],
        "quantums": str(order.quantums),
        "subticks": str(order.subticks),
    }
    if order.good_til_block_time:
        obj["goodTilBlockTime"] = order.good_til_block_time
    else:
        obj["goodTilBlock"] = order.good_til_block
    obj.update(
        {
            "timeInForce": TIME_IN_FORCE_NAMES[order.time_in_force],
            "reduceOnly": order.reduce_only,
            "clientMetadata": order.client_metadata,
            "conditionType": CONDITION_TYPE_NAMES[order.condition_type],
            "conditionalOrderTriggerSubticks": str(order.conditional_order_trigger_subticks),
        }
    )
    return obj


def encode_deposit(message: Deposit) -> dict[str, Any]:
    """A deposit's canonical JSON (TX-5)."""
    return {
        "@type": DEPOSIT_TYPE,
        "signer": message.signer,
        "sender": message.sender,
        "recipient": encode_subaccount_id(message.recipient),
        "assetId": message.asset_id,
        "quantums": str(message.quantums),
    }


def encode_withdraw(message: Withdraw) -> dict[str, Any]:
    """A withdrawal's canonical JSON (TX-5)."""
    return {
        "@type": WITHDRAW_TYPE,
        "signer": message.signer,
        "sender": encode_subaccount_id(message.sender),
        "recipient": message.recipient,
        "assetId": message.asset_id,
        "quantums": str(message.quantums),
    }


def encode_transfer(message: Transfer) -> dict[str, Any]:
    """A transfer's canonical JSON (TX-5)."""
    return {
        "@type": TRANSFER_TYPE,
        "signer": message.signer,
        "transfer": {
            "sender": encode_subaccount_id(message.sender),
            "recipient": encode_subaccount_id(message.recipient),
            "assetId": message.asset_id,
            "amount": str(message.amount),
        },
    }


def encode_update_prices(message: UpdatePrices) -> dict[str, Any]:
    """An oracle price update's canonical JSON (TX-5)."""
    return {
        "@type": UPDATE_PRICES_TYPE,
        "signer": message.signer,
        "marketUpdates": [
            {
                "marketId": update.market_id,
                "sourcePrices": [
                    {"source": s.source, "price": str(s.price), "timestamp": str(s.timestamp)}
                    for s in update.source_prices
                ],
            }
            for update in message.market_updates
        ],
    }


def encode_advance_block(message: AdvanceBlock) -> dict[str, Any]:
    """A block's canonical JSON (TX-5)."""
    return {"@type": ADVANCE_BLOCK_TYPE, "signer": message.signer, "height": message.height, "time": str(message.time)}


def encode_place_order(message: PlaceOrder) -> dict[str, Any]:
    """An order placement's canonical JSON (TX-5, ORDER-1)."""
    return {"@type": PLACE_ORDER_TYPE, "signer": message.signer, "order": encode_order(message.order)}


def encode_cancel_order(message: CancelOrder) -> dict[str, Any]:
    """A cancel's canonical JSON: its one good-til field (TX-5, ORDER-7, ORDER-8)."""
    obj: dict[str, Any] = {
        "@type": CANCEL_ORDER_TYPE,
        "signer": message.signer,
        "orderId": encode_order_id(message.order_id),
    }
    if message.good_til_block_time:
        obj["goodTilBlockTime"] = message.good_til_block_time
    else:
        obj["goodTilBlock"] = message.good_til_block
    return obj


def encode_clob_pair(pair: ClobPair) -> dict[str, Any]:
    """A clob pair in the v4 ``ClobPair`` shape (CODEC-1, CLOB-1)."""
    return {
        "id": pair.id,
        "perpetualClobMetadata": {"perpetualId": pair.perpetual_id},
        "stepBaseQuantums": str(pair.step_base_quantums),
        "subticksPerTick": pair.subticks_per_tick,
        "quantumConversionExponent": pair.quantum_conversion_exponent,
        "status": "STATUS_" + pair.status.name,
    }


def encode_update_clob_pair(message: UpdateClobPair) -> dict[str, Any]:
    return {
        "@type": UPDATE_CLOB_PAIR_TYPE,
        "authority": message.authority,
        "clobPair": encode_clob_pair(message.clob_pair),
    }
