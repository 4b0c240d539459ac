"""
State: plain data, no rules (spec/subaccounts.md, spec/prices.md, spec/genesis.md).

The state machine's whole state is one ``State``.  Every rule that reads or changes
it lives in the module named after its concept; this module only says what exists.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from perpspec.clob.state import ClobState, FeeTiersState, StatsState
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
class BlockState:
    """The current block: its height and unix time, and the last chain outage (BLOCK-1, BLOCK-2; x/blocktime)."""

    height: int
    time: int
    last_chain_outage_at_block: int | None = None


@dataclass
class BankState:
    """
    The USDC outside subaccounts and what the bridge moved (INV-1): the insurance fund, the
    fee collector (FEE-3) and the funding pool, the counterpart of every funding settlement
    (FUND-3), and the totals deposited and withdrawn.
    """

    total_deposited: int = 0
    total_withdrawn: int = 0
    insurance_fund: int = 0
    fee_collector: int = 0
    funding_pool: int = 0


@dataclass
class SubaccountsState:
    """Every non-empty subaccount by id (SUB-3), and the block a negative-TNC subaccount was last seen at (SUB-9)."""

    subaccounts: dict[SubaccountId, Subaccount] = field(default_factory=dict)
    negative_tnc_subaccount_seen_at_block: int | None = None


@dataclass(frozen=True)
class PerpetualsParams:
    """The perpetuals module's funding parameters (FUND-9), v4's perpetuals ``Params`` with its defaults."""

    funding_rate_clamp_factor_ppm: int = 6_000_000
    premium_vote_clamp_factor_ppm: int = 60_000_000
    min_num_votes_per_sample: int = 15


@dataclass
class PremiumStore:
    """
    Stored premiums of the current epoch, as v4's ``PremiumStore`` holds them (FUND-10, FUND-11):
    the non-zero premiums per perpetual id, in arrival order, and how many times premiums were
    added (vote messages or sample epochs), zero premiums included.
    """

    premiums: dict[int, list[int]] = field(default_factory=dict)
    num_premiums: int = 0


@dataclass
class PerpetualsState:
    """The perpetuals module's parameters: liquidity tiers and perpetuals, each by id (MARGIN-1..3, FUND-1)."""

    liquidity_tiers: dict[int, LiquidityTier] = field(default_factory=dict)
    perpetuals: dict[int, Perpetual] = field(default_factory=dict)
    params: PerpetualsParams = field(default_factory=PerpetualsParams)
    premium_votes: PremiumStore = field(default_factory=PremiumStore)
    premium_samples: PremiumStore = field(default_factory=PremiumStore)


@dataclass
class PricesState:
    """The oracle's markets: their parameters and their prices, each by id (PRICE-1)."""

    market_params: dict[int, MarketParam] = field(default_factory=dict)
    market_prices: dict[int, MarketPrice] = field(default_factory=dict)


FUNDING_SAMPLE_EPOCH = "funding-sample"
"""The epoch at whose start votes become samples (FUND-11). Go: ``epochstypes.FundingSampleEpochInfoName``."""

FUNDING_TICK_EPOCH = "funding-tick"
"""The epoch at whose start funding indices move (FUND-12). Go: ``epochstypes.FundingTickEpochInfoName``."""


@dataclass
class EpochInfo:
    """One epoch's schedule and progress, v4's ``EpochInfo`` (FUND-9): times are uint32 unix seconds."""

    name: str
    next_tick: int
    duration: int
    current_epoch: int = 0
    current_epoch_start_block: int = 0
    is_initialized: bool = False
    fast_forward_next_tick: bool = True


@dataclass
class EpochsState:
    """The epochs module: every epoch by name (FUND-9)."""

    epoch_infos: dict[str, EpochInfo] = field(
        default_factory=lambda: {
            FUNDING_SAMPLE_EPOCH: EpochInfo(FUNDING_SAMPLE_EPOCH, next_tick=30, duration=60),
            FUNDING_TICK_EPOCH: EpochInfo(FUNDING_TICK_EPOCH, next_tick=0, duration=3_600),
        }
    )


@dataclass
class RiskWatch:
    """
    Which subaccounts the liquidation phase looks at (LIQ-11): an index derived from the rest of
    the state, never encoded, so two states that encode alike are equal whatever their watch holds.

    It is built from the subaccounts on first use (``built``), and then kept by the one writer of
    subaccounts, ``perpspec.subaccounts.write_subaccount``:

    - ``longs`` and ``shorts``: per perpetual id, the subaccounts with a long (a short) position in it;
    - ``changed``: the subaccounts written since the last liquidation phase;
    - ``marks``: per perpetual id, the oracle price and funding index the last phase saw;
    - ``watched``: the subaccounts the last phase found liquidatable or with negative TNC.
    """

    built: bool = False
    longs: dict[int, set[SubaccountId]] = field(default_factory=dict)
    shorts: dict[int, set[SubaccountId]] = field(default_factory=dict)
    changed: set[SubaccountId] = field(default_factory=set)
    marks: dict[int, tuple[int, int]] = field(default_factory=dict)
    watched: set[SubaccountId] = field(default_factory=set)


@dataclass
class State:
    """
    Everything the protocol knows: the governance authority, and one sub-state per module,
    as the v4 genesis groups them (CODEC-1).  A parameter a governance vote may change lives
    in its module's sub-state, within the bounds of ``perpspec.bounds``; a true constant
    stays in the code of the rule that uses it.
    """

    authority: str
    blocks: BlockState
    bank: BankState = field(default_factory=BankState)
    subaccounts: SubaccountsState = field(default_factory=SubaccountsState)
    perpetuals: PerpetualsState = field(default_factory=PerpetualsState)
    prices: PricesState = field(default_factory=PricesState)
    clob: ClobState = field(default_factory=ClobState)
    fee_tiers: FeeTiersState = field(default_factory=FeeTiersState)
    stats: StatsState = field(default_factory=StatsState)
    risk_watch: RiskWatch = field(default_factory=RiskWatch, compare=False, repr=False)
    epochs: EpochsState = field(default_factory=EpochsState)
