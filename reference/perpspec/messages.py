"""
Messages: their types, their JSON shapes and their stateless validation (spec/transition.md).

Shapes follow the dYdX v4 protos in camelCase JSON (TX-5): 64-bit integers may come
as decimal strings or JSON numbers and are written as strings; 32-bit integers are
written as numbers.  Decoding is strict: unknown fields, missing fields, wrong types
and out-of-range integers are each rejected with a stable code, and stateless rules
(``ValidateBasic`` in the real chain) are checked here, before any state is read.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Callable, Union

from perpspec import errors
from perpspec.bech32 import is_valid_address
from perpspec.prices import SourcePrice
from perpspec.state import MAX_SUBACCOUNT_NUMBER, SubaccountId
from perpspec.units import INT64_MAX, UINT32_MAX, UINT64_MAX, USDC_ASSET_ID

DEPOSIT_TYPE = "/dydxprotocol.sending.MsgDepositToSubaccount"
WITHDRAW_TYPE = "/dydxprotocol.sending.MsgWithdrawFromSubaccount"
TRANSFER_TYPE = "/dydxprotocol.sending.MsgCreateTransfer"
UPDATE_PRICES_TYPE = "/perpspec.prices.MsgUpdateOraclePrices"
ADVANCE_BLOCK_TYPE = "/perpspec.blocks.MsgAdvanceBlock"


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
class MarketSourcePrices:
    market_id: int
    source_prices: tuple[SourcePrice, ...]


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


Message = Union[Deposit, Withdraw, Transfer, UpdatePrices, AdvanceBlock]


# --- field readers ----------------------------------------------------------------------


def _fields(obj: Any, where: str, required: set[str], optional: frozenset[str] = frozenset()) -> dict:
    if not isinstance(obj, dict):
        raise errors.MalformedMessage(f"{where}: expected a JSON object")
    missing = sorted(required - obj.keys())
    if missing:
        raise errors.InvalidField(f"{where}: missing field {missing[0]!r}")
    unknown = sorted(obj.keys() - required - optional)
    if unknown:
        raise errors.InvalidField(f"{where}: unknown field {unknown[0]!r}")
    return obj


def read_integer(value: Any, where: str, minimum: int, maximum: int) -> int:
    """An integer given as a JSON number or a decimal string, within [minimum, maximum] (TX-5)."""
    if isinstance(value, bool):
        raise errors.InvalidField(f"{where}: expected an integer, got a boolean")
    if isinstance(value, int):
        number = value
    elif isinstance(value, str) and _is_decimal(value):
        number = int(value)
    else:
        raise errors.InvalidField(f"{where}: expected an integer or a decimal string")
    if not minimum <= number <= maximum:
        raise errors.InvalidField(f"{where}: {number} is outside [{minimum}, {maximum}]")
    return number


def _is_decimal(text: str) -> bool:
    digits = text[1:] if text.startswith("-") else text
    return 0 < len(digits) <= 400 and digits.isascii() and digits.isdigit()


def read_uint32(value: Any, where: str) -> int:
    return read_integer(value, where, 0, UINT32_MAX)


def read_uint64(value: Any, where: str) -> int:
    return read_integer(value, where, 0, UINT64_MAX)


def read_address(value: Any, where: str) -> str:
    if not is_valid_address(value):
        raise errors.InvalidAddress(f"{where}: {value!r} is not a dydx bech32 address")
    return value


def read_string(value: Any, where: str) -> str:
    if not isinstance(value, str) or not value:
        raise errors.InvalidField(f"{where}: expected a non-empty string")
    return value


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


def _decode_deposit(obj: dict) -> Deposit:
    _fields(obj, "deposit", {"@type", "signer", "sender", "recipient", "assetId", "quantums"})
    return Deposit(
        signer=read_address(obj["signer"], "signer"),
        sender=read_address(obj["sender"], "sender"),
        recipient=read_subaccount_id(obj["recipient"], "recipient"),
        asset_id=_read_usdc(obj["assetId"], "assetId"),
        quantums=_read_amount(obj["quantums"], "quantums"),
    )


def _decode_withdraw(obj: dict) -> Withdraw:
    _fields(obj, "withdraw", {"@type", "signer", "sender", "recipient", "assetId", "quantums"})
    return Withdraw(
        signer=read_address(obj["signer"], "signer"),
        sender=read_subaccount_id(obj["sender"], "sender"),
        recipient=read_address(obj["recipient"], "recipient"),
        asset_id=_read_usdc(obj["assetId"], "assetId"),
        quantums=_read_amount(obj["quantums"], "quantums"),
    )


def _decode_transfer(obj: dict) -> Transfer:
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
    obj = _fields(value, where, {"marketId", "sourcePrices"})
    if not isinstance(obj["sourcePrices"], list):
        raise errors.InvalidField(f"{where}.sourcePrices: expected a list")
    sources = tuple(
        _decode_source_price(item, f"{where}.sourcePrices[{i}]") for i, item in enumerate(obj["sourcePrices"])
    )
    names = [s.source for s in sources]
    if len(set(names)) != len(names):
        raise errors.DuplicateSource(f"{where}: a source appears twice")
    return MarketSourcePrices(read_uint32(obj["marketId"], f"{where}.marketId"), sources)


def _decode_update_prices(obj: dict) -> UpdatePrices:
    _fields(obj, "update prices", {"@type", "signer", "marketUpdates"})
    if not isinstance(obj["marketUpdates"], list):
        raise errors.InvalidField("marketUpdates: expected a list")
    updates = tuple(
        _decode_market_update(item, f"marketUpdates[{i}]") for i, item in enumerate(obj["marketUpdates"])
    )
    market_ids = [u.market_id for u in updates]
    if len(set(market_ids)) != len(market_ids):
        raise errors.DuplicateMarketUpdate("marketUpdates: a market appears twice")
    return UpdatePrices(read_address(obj["signer"], "signer"), updates)


def _decode_advance_block(obj: dict) -> AdvanceBlock:
    _fields(obj, "advance block", {"@type", "signer", "height", "time"})
    return AdvanceBlock(
        signer=read_address(obj["signer"], "signer"),
        height=read_uint32(obj["height"], "height"),
        time=read_integer(obj["time"], "time", 0, INT64_MAX),
    )


DECODERS: dict[str, Callable[[dict], Message]] = {
    DEPOSIT_TYPE: _decode_deposit,
    WITHDRAW_TYPE: _decode_withdraw,
    TRANSFER_TYPE: _decode_transfer,
    UPDATE_PRICES_TYPE: _decode_update_prices,
    ADVANCE_BLOCK_TYPE: _decode_advance_block,
}


def decode_message(obj: Any) -> Message:
    """A message from its JSON object, or a ``ProtocolError`` naming what is wrong (TX-5)."""
    if not isinstance(obj, dict):
        raise errors.MalformedMessage("a message is a JSON object")
    message_type = obj.get("@type")
    decoder = DECODERS.get(message_type) if isinstance(message_type, str) else None
    if decoder is None:
        raise errors.UnknownMessageType(f"unknown message type {message_type!r}")
    return decoder(obj)


# --- encoders ---------------------------------------------------------------------------


def encode_subaccount_id(subaccount_id: SubaccountId) -> dict:
    return {"owner": subaccount_id.owner, "number": subaccount_id.number}


def encode_message(message: Message) -> dict:
    """The canonical JSON object of a message (TX-5, CODEC-1)."""
    if isinstance(message, Deposit):
        return {
            "@type": DEPOSIT_TYPE,
            "signer": message.signer,
            "sender": message.sender,
            "recipient": encode_subaccount_id(message.recipient),
            "assetId": message.asset_id,
            "quantums": str(message.quantums),
        }
    if isinstance(message, Withdraw):
        return {
            "@type": WITHDRAW_TYPE,
            "signer": message.signer,
            "sender": encode_subaccount_id(message.sender),
            "recipient": message.recipient,
            "assetId": message.asset_id,
            "quantums": str(message.quantums),
        }
    if isinstance(message, Transfer):
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
    if isinstance(message, UpdatePrices):
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
    return {
        "@type": ADVANCE_BLOCK_TYPE,
        "signer": message.signer,
        "height": message.height,
        "time": str(message.time),
    }
