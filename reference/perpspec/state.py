"""
State: plain data, no rules (spec/subaccounts.md, spec/prices.md, spec/genesis.md).

The state machine's whole state is one ``State``.  Every rule that reads or changes
it lives in the module named after its concept; this module only says what exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from perpspec.clob.state import ClobPair, ClobState, FeeTier, VolumeStats
from perpspec.types import SubaccountId


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
