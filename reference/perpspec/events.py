"""
Events: what a transition reports, for indexers and conformance vectors (spec/transition.md, TX-4).

Each event is a typed record; ``perpspec.codec.encode_event`` writes it as the JSON object
the vectors hold (a ``type`` and the fields, 64-bit and larger integers as decimal strings).
The records are plain dataclasses with slots, not frozen ones: a transition builds several per
fill, and a frozen dataclass costs three times as much to build.  Nothing changes an event
once it is built; a ``SubaccountUpdateEvent`` holds its positions as tuples, so a later write
to the subaccount cannot change what an earlier event says.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from perpspec.clob.state import ClobPair, Order
from perpspec.types import OrderId, SubaccountId


class PriceOutcome(Enum):
    """What an update did to one market's price (PRICE-3..6)."""

    UPDATED = "UPDATED"
    INSUFFICIENT_SOURCES = "INSUFFICIENT_SOURCES"
    PRICE_CHANGE_TOO_SMALL = "PRICE_CHANGE_TOO_SMALL"


class RemovalReason(Enum):
    """Why an order left the book or was not placed on it; stable names for events (MATCH-*, ORDER-*)."""

    FULLY_FILLED = "FULLY_FILLED"
    CANCELED = "CANCELED"
    EXPIRED = "EXPIRED"
    REPLACED = "REPLACED"
    SELF_TRADE = "SELF_TRADE"
    UNDERCOLLATERALIZED = "UNDERCOLLATERALIZED"
    POST_ONLY_WOULD_CROSS_MAKER_ORDER = "POST_ONLY_WOULD_CROSS_MAKER_ORDER"
    IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK = "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK"
    REDUCE_ONLY_RESIZED = "REDUCE_ONLY_RESIZED"
    REDUCE_ONLY_WOULD_INCREASE_POSITION = "REDUCE_ONLY_WOULD_INCREASE_POSITION"
    CLOB_PAIR_STATUS = "CLOB_PAIR_STATUS"
    FINAL_SETTLEMENT = "FINAL_SETTLEMENT"


# --- the ledger (SUB-11..13, FUND-2) -------------------------------------------------------


@dataclass(slots=True)
class DepositEvent:
    """USDC entered a subaccount from an outside account (SUB-11)."""

    sender: str
    recipient: SubaccountId
    quantums: int


@dataclass(slots=True)
class WithdrawEvent:
    """USDC left a subaccount for an outside account (SUB-12)."""

    sender: SubaccountId
    recipient: str
    quantums: int


@dataclass(slots=True)
class TransferEvent:
    """USDC moved between two subaccounts (SUB-13)."""

    sender: SubaccountId
    recipient: SubaccountId
    amount: int


@dataclass(slots=True)
class SubaccountUpdateEvent:
    """
    A subaccount after an update (TX-4): its USDC, its positions as (perpetual id, quantums,
    funding index) by perpetual id, and the funding it paid per perpetual (negative when it
    received; FUND-2).
    """

    subaccount_id: SubaccountId
    usdc_balance: int
    positions: tuple[tuple[int, int, int], ...]
    funding_payments: tuple[tuple[int, int], ...]


# --- prices and blocks (PRICE-6, BLOCK-1, BLOCK-2) ---------------------------------------


@dataclass(slots=True)
class MarketPriceEvent:
    """What a price update did to one market (PRICE-3..6)."""

    market_id: int
    outcome: PriceOutcome
    old_price: int
    new_price: int
    valid_sources: int
    dropped_sources: int


@dataclass(slots=True)
class ChainOutageEvent:
    """A gap of five minutes or more before the block at ``height`` (BLOCK-2)."""

    height: int
    seconds: int


@dataclass(slots=True)
class BlockStartedEvent:
    """A new block (BLOCK-1)."""

    height: int
    time: int


# --- the order book (spec/clob.md) --------------------------------------------------------


@dataclass(slots=True)
class OrderPlacedEvent:
    """An order was accepted, replacing the live order with its id or not (ORDER-5, ORDER-6)."""

    order: Order
    replaces: bool


@dataclass(slots=True)
class OrderFillEvent:
    """One fill, as an indexer sees it (MATCH-2, FEE-3)."""

    clob_pair_id: int
    taker_order_id: OrderId
    maker_order_id: OrderId
    taker_is_buy: bool
    subticks: int
    fill_quantums: int
    quote_quantums: int
    taker_fee: int
    maker_fee: int
    taker_total_filled: int
    maker_total_filled: int


@dataclass(slots=True)
class OrderOnBookEvent:
    """An order's remainder rests on the book (MATCH-7)."""

    order_id: OrderId
    remaining_quantums: int


@dataclass(slots=True)
class OrderRemovedEvent:
    """An order left the book or was not placed on it, and why (MATCH-*, ORDER-*)."""

    order_id: OrderId
    reason: RemovalReason


@dataclass(slots=True)
class OrderCancelRecordedEvent:
    """A short-term cancel holds until its good-til-block (ORDER-7)."""

    order_id: OrderId
    good_til_block: int


@dataclass(slots=True)
class ConditionalOrderTriggeredEvent:
    """A conditional order triggered and is placed now (COND-2)."""

    order_id: OrderId


# --- the risk engine (spec/liquidations.md, spec/deleveraging.md) ---------------------------


@dataclass(slots=True)
class ClobPairUpdatedEvent:
    """A clob pair's parameters or status changed (CLOB-4)."""

    clob_pair: ClobPair


@dataclass(slots=True)
class LiquidationOrderEvent:
    """The liquidation phase placed an IOC liquidation order for a subaccount (LIQ-11, LIQ-12)."""

    subaccount_id: SubaccountId
    clob_pair_id: int
    perpetual_id: int
    is_buy: bool
    quantums: int
    subticks: int


@dataclass(slots=True)
class LiquidationFillEvent:
    """
    One fill of a liquidation order against a maker (LIQ-13): the quote at the maker's price,
    the maker's fee, and what the insurance fund received (negative: what it paid).
    """

    liquidated: SubaccountId
    maker_order_id: OrderId
    clob_pair_id: int
    is_buy: bool
    subticks: int
    fill_quantums: int
    quote_quantums: int
    maker_fee: int
    insurance_fund_delta: int
    maker_total_filled: int


@dataclass(slots=True)
class DeleveragingFillEvent:
    """
    One deleveraging fill (DEL-3): ``liquidated`` buys (``is_buy``) or sells ``fill_quantums`` from
    ``offsetting`` for ``quote_quantums``, the USDC the liquidated subaccount receives (negative:
    pays), at the bankruptcy price or, in final settlement, the oracle price.
    """

    liquidated: SubaccountId
    offsetting: SubaccountId
    perpetual_id: int
    is_buy: bool
    fill_quantums: int
    quote_quantums: int
    is_final_settlement: bool


@dataclass(slots=True)
class NegativeTncSubaccountSeenEvent:
    """A subaccount with open positions and negative TNC was seen; withdrawals are gated (DEL-5, SUB-9)."""

    subaccount_id: SubaccountId
    height: int


# --- funding (FUND-11, FUND-12) -------------------------------------------------------------


@dataclass(slots=True)
class FundingSampleEvent:
    """One perpetual's sample at the start of a funding-sample epoch, from its non-zero votes of the vote messages (FUND-11)."""

    perpetual_id: int
    sample_ppm: int
    non_zero_votes: int
    num_votes: int


@dataclass(slots=True)
class FundingTickEvent:
    """One perpetual's 8-hour funding rate at the start of a funding-tick epoch, its index move and new index (FUND-12)."""

    perpetual_id: int
    funding_rate_ppm: int
    funding_index_delta: int
    funding_index: int


Event = (
    DepositEvent
    | WithdrawEvent
    | TransferEvent
    | SubaccountUpdateEvent
    | MarketPriceEvent
    | ChainOutageEvent
    | BlockStartedEvent
    | OrderPlacedEvent
    | OrderFillEvent
    | OrderOnBookEvent
    | OrderRemovedEvent
    | OrderCancelRecordedEvent
    | ConditionalOrderTriggeredEvent
    | ClobPairUpdatedEvent
    | LiquidationOrderEvent
    | LiquidationFillEvent
    | DeleveragingFillEvent
    | NegativeTncSubaccountSeenEvent
    | FundingSampleEvent
    | FundingTickEvent
)
"""Every event a transition reports (TX-4)."""
