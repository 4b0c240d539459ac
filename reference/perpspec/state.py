"""
State: plain data, no rules (spec/subaccounts.md, spec/prices.md, spec/genesis.md).

The state machine's whole state is one ``State``.  Every rule that reads or changes
it lives in the module named after its concept; this module only says what exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import NamedTuple

from perpspec.clob.book import ClobState

MAX_SUBACCOUNT_NUMBER = 127
"""Subaccount numbers run 0..127 (SUB-1)."""

WITHDRAWAL_GATING_BLOCKS = 50
"""Blocks during which withdrawals and transfers stay blocked (SUB-9)."""

CHAIN_OUTAGE_SECONDS = 300
"""A gap of at least this many seconds between blocks is a chain outage (BLOCK-2)."""


class SubaccountId(NamedTuple):
    """
    A subaccount: its owner's bech32 address and a number 0..127 (SUB-1).

    A named tuple, like ``OrderId``: immutable, ordered by owner then number, and hashed
    by the interpreter itself (ids are hashed several times per message).
    """

    owner: str
    number: int


@dataclass
class PerpetualPosition:
    """A signed position in base quantums and the funding index it was last settled at (SUB-2)."""

    perpetual_id: int
    quantums: int
    funding_index: int


@dataclass
class Subaccount:
    """USDC balance (signed quote quantums) and perpetual positions keyed by perpetual id (SUB-2)."""

    id: SubaccountId
    usdc_balance: int = 0
    positions: dict[int, PerpetualPosition] = field(default_factory=dict)

    def is_empty(self) -> bool:
        return self.usdc_balance == 0 and not self.positions


@dataclass(frozen=True)
class LiquidityTier:
    """Margin parameters shared by perpetuals of one risk class (MARGIN-1..3)."""

    id: int
    name: str
    initial_margin_ppm: int
    maintenance_fraction_ppm: int
    impact_notional: int
    open_interest_lower_cap: int
    open_interest_upper_cap: int


class MarketType(Enum):
    CROSS = 1
    ISOLATED = 2


@dataclass
class Perpetual:
    """A perpetual market: its parameters, funding index and open interest (base quantums)."""

    id: int
    ticker: str
    market_id: int
    atomic_resolution: int
    default_funding_ppm: int
    liquidity_tier: int
    market_type: MarketType
    funding_index: int = 0
    open_interest: int = 0


@dataclass(frozen=True)
class MarketParam:
    """An oracle market's parameters (PRICE-1)."""

    id: int
    pair: str
    exponent: int
    min_exchanges: int
    min_price_change_ppm: int
    max_source_age_seconds: int


@dataclass
class MarketPrice:
    """An oracle price: ``price * 10^exponent`` USD per coin; 0 means none yet (PRICE-1)."""

    id: int
    exponent: int
    price: int


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


class OrderId(NamedTuple):
    """An order's identity: subaccount, client id, order flags and clob pair (ORDER-1)."""

    subaccount_id: SubaccountId
    client_id: int
    order_flags: int
    clob_pair_id: int


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
class State:
    """
    Everything the ledger knows.

    USDC is held by subaccounts, the insurance fund, the fee collector and the funding
    pool, which is the counterpart of every funding settlement (FUND-3).
    """

    authority: str
    block_height: int
    block_time: int
    liquidity_tiers: dict[int, LiquidityTier]
    perpetuals: dict[int, Perpetual]
    market_params: dict[int, MarketParam]
    market_prices: dict[int, MarketPrice]
    clob_pairs: dict[int, ClobPair]
    subaccounts: dict[SubaccountId, Subaccount]
    insurance_fund_balance: int = 0
    fee_collector_balance: int = 0
    funding_pool_balance: int = 0
    total_deposited: int = 0
    total_withdrawn: int = 0
    negative_tnc_subaccount_seen_at_block: int | None = None
    last_chain_outage_at_block: int | None = None
    fee_tiers: tuple[FeeTier, ...] = ()
    volume: VolumeStats = field(default_factory=VolumeStats)
    clob: ClobState = field(default_factory=ClobState)
