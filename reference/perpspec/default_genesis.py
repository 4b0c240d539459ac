"""
The embedded default markets: BTC-USD, ETH-USD and SOL-USD (spec/genesis.md, GEN-1).

Every number below is the real dYdX v4 chain's, from the repository
dydxprotocol/v4-chain at commit 84d4664b (2026-03-04), files
``protocol/testing/genesis.sh`` (the local-network genesis) and
``protocol/scripts/genesis/sample_pregenesis.json`` (the published sample
pre-genesis); they agree on every value used here.  Ids are the chain's own, so
SOL-USD is perpetual, market and clob pair 5.  Where perpspec chooses a value the
chain does not publish in genesis, the comment says so.
"""

from __future__ import annotations

import copy
from typing import Any

from perpspec.clob.codec import encode_liquidations_config
from perpspec.clob.state import STATS_EPOCH_DURATION_SECONDS, STATS_WINDOW_DURATION_SECONDS, LiquidationsConfig
from perpspec.genesis import load_genesis
from perpspec.state import State

GOVERNANCE_AUTHORITY = "dydx10d07y265gmmuvt4z0w9aw880jnsr700jnmapky"
"""The x/gov module account of the dYdX chain, the authority behind protocol messages."""

GENESIS_TIME = 1_698_278_400
"""2023-10-26T00:00:00Z: a fixed start time (perpspec's choice; any fixed value works)."""

LIQUIDITY_TIERS = [
    # id, name, initial margin ppm, maintenance fraction ppm, impact notional, OI lower cap, OI upper cap
    # (sample_pregenesis.json app_state.perpetuals.liquidity_tiers, in the same order)
    (0, "Large-Cap", 20_000, 600_000, 10_000_000_000, 0, 0),  # 2% IMF; no OI scaling
    (1, "Small-Cap", 100_000, 500_000, 5_000_000_000, 20_000_000_000_000, 50_000_000_000_000),
    (2, "Long-Tail", 200_000, 500_000, 2_500_000_000, 5_000_000_000_000, 10_000_000_000_000),
    (3, "Safety", 1_000_000, 200_000, 2_500_000_000, 2_000_000_000_000, 5_000_000_000_000),
    (4, "Isolated", 50_000, 600_000, 2_500_000_000, 500_000_000_000, 1_000_000_000_000),
    (5, "Mid-Cap", 50_000, 600_000, 5_000_000_000, 40_000_000_000_000, 100_000_000_000_000),
    (6, "FX", 10_000, 500_000, 2_500_000_000, 500_000_000_000, 1_000_000_000_000),
]

MARKETS = [
    # id, pair, atomic resolution, liquidity tier, price exponent, min price change ppm, genesis price,
    # step base quantums, subticks per tick, quantum conversion exponent
    # (genesis.sh: perpetuals.[i].params, prices.market_params/market_prices.[i], clob.clob_pairs.[i])
    (0, "BTC-USD", -10, 0, -5, 1_000, 2_868_819_524, 1_000_000, 100_000, -9),  # $28,688.19524
    (1, "ETH-USD", -9, 0, -6, 1_000, 1_811_985_252, 1_000_000, 100_000, -9),  # $1,811.985252
    (5, "SOL-USD", -7, 1, -8, 2_500, 2_350_695_125, 1_000_000, 1_000_000, -9),  # $23.50695125
]

DEFAULT_FUNDING_PPM = 100
"""genesis.sh perpetuals.[i].params.default_funding_ppm for all three markets."""

MIN_EXCHANGES = 3
"""
Sources needed for a price.  genesis.sh sets 1 for a one-validator local network; the
chain's pricefeed test constants use 2 and 3.  perpspec takes 3, the smallest number
for which one wrong source cannot move the median outside the honest range (PRICE-8).
"""

MAX_SOURCE_AGE_SECONDS = 30
"""The pricefeed daemon's MaxPriceAge (protocol/daemons/pricefeed/types/constants.go)."""


FUNDING_RATE_CLAMP_FACTOR_PPM = 6_000_000
"""|8-hour rate| <= 600% of (IM - MM) (protocol/x/perpetuals/types/genesis.go DefaultFundingRateClampFactorPpm)."""

PREMIUM_VOTE_CLAMP_FACTOR_PPM = 60_000_000
"""|premium vote| <= 6000% of (IM - MM) (DefaultPremiumVoteClampFactorPpm)."""

MIN_NUM_VOTES_PER_SAMPLE = 15
"""Votes are padded with zeros to at least 15 (DefaultMinNumVotesPerSample)."""

FUNDING_EPOCHS = [
    # name, next tick (unix seconds), duration (seconds): GenesisEpochs, fast-forwarded at the first block
    ("funding-sample", 30, 60),  # every minute at 30 seconds past
    ("funding-tick", 0, 3_600),  # every hour on the hour
]

FEE_TIERS = [
    # name, absolute volume requirement (quote quantums), total share ppm, maker share ppm, maker ppm, taker ppm
    # (protocol/x/feetiers/types/genesis.go: StandardParams, the tiers for long-term operation)
    ("1", 0, 0, 0, 100, 500),
    ("2", 1_000_000_000_000, 0, 0, 100, 450),
    ("3", 5_000_000_000_000, 0, 0, 50, 400),
    ("4", 25_000_000_000_000, 0, 0, 0, 350),
    ("5", 125_000_000_000_000, 0, 0, 0, 300),
    ("6", 125_000_000_000_000, 5_000, 0, -50, 250),
    ("7", 125_000_000_000_000, 5_000, 10_000, -90, 250),
    ("8", 125_000_000_000_000, 5_000, 20_000, -110, 250),
    ("9", 125_000_000_000_000, 5_000, 40_000, -110, 250),
]


def default_genesis_json() -> dict[str, Any]:
    """The default genesis as JSON, in the state's own shape (CODEC-1)."""
    return {
        "authority": GOVERNANCE_AUTHORITY,
        "blocks": {"height": 1, "time": str(GENESIS_TIME)},
        "subaccounts": {"subaccounts": []},
        "perpetuals": {
            "liquidityTiers": [
                {
                    "id": tid,
                    "name": name,
                    "initialMarginPpm": imf,
                    "maintenanceFractionPpm": mf,
                    "impactNotional": str(impact),
                    "openInterestLowerCap": str(lower),
                    "openInterestUpperCap": str(upper),
                }
                for tid, name, imf, mf, impact, lower, upper in LIQUIDITY_TIERS
            ],
            "params": {
                "fundingRateClampFactorPpm": FUNDING_RATE_CLAMP_FACTOR_PPM,
                "premiumVoteClampFactorPpm": PREMIUM_VOTE_CLAMP_FACTOR_PPM,
                "minNumVotesPerSample": MIN_NUM_VOTES_PER_SAMPLE,
            },
            "perpetuals": [
                {
                    "params": {
                        "id": mid,
                        "ticker": pair,
                        "marketId": mid,
                        "atomicResolution": resolution,
                        "defaultFundingPpm": DEFAULT_FUNDING_PPM,
                        "liquidityTier": tier,
                        "marketType": "PERPETUAL_MARKET_TYPE_CROSS",
                    },
                    "fundingIndex": "0",
                    "openInterest": "0",
                }
                for mid, pair, resolution, tier, *_ in MARKETS
            ],
        },
        "prices": {
            "marketParams": [
                {
                    "id": mid,
                    "pair": pair,
                    "exponent": exponent,
                    "minExchanges": MIN_EXCHANGES,
                    "minPriceChangePpm": min_change,
                    "maxSourceAgeSeconds": MAX_SOURCE_AGE_SECONDS,
                }
                for mid, pair, _, _, exponent, min_change, *_ in MARKETS
            ],
            "marketPrices": [
                {"id": mid, "exponent": exponent, "price": str(price)}
                for mid, _, _, _, exponent, _, price, *_ in MARKETS
            ],
        },
        "clob": {
            "clobPairs": [
                {
                    "id": mid,
                    "perpetualClobMetadata": {"perpetualId": mid},
                    "stepBaseQuantums": str(step),
                    "subticksPerTick": subticks_per_tick,
                    "quantumConversionExponent": qce,
                    # The chain's genesis starts pairs INITIALIZING and activates them by governance;
                    # the reference starts them ACTIVE.
                    "status": "STATUS_ACTIVE",
                }
                for mid, _, _, _, _, _, _, step, subticks_per_tick, qce in MARKETS
            ],
            # v4's LiquidationsConfig_Default (LIQ-10)
            "liquidationsConfig": encode_liquidations_config(LiquidationsConfig()),
        },
        "feeTiers": {
            "params": {
                "tiers": [
                    {
                        "name": name,
                        "absoluteVolumeRequirement": str(absolute),
                        "totalVolumeShareRequirementPpm": total_share,
                        "makerVolumeShareRequirementPpm": maker_share,
                        "makerFeePpm": maker,
                        "takerFeePpm": taker,
                    }
                    for name, absolute, total_share, maker_share, maker, taker in FEE_TIERS
                ]
            }
        },
        "stats": {
            "params": {
                "epochDurationSeconds": STATS_EPOCH_DURATION_SECONDS,
                "windowDurationSeconds": STATS_WINDOW_DURATION_SECONDS,
            },
            "volume": {"epochs": [], "pending": []},
        },
        # protocol/x/perpetuals/types/genesis.go DefaultGenesis params, and protocol/x/epochs/types/constants.go
        # GenesisEpochs (the two funding epochs; perpspec's stats keep their own epoch, FEE-4)
        "epochs": {
            "epochInfoList": [
                {
                    "name": name,
                    "nextTick": next_tick,
                    "duration": duration,
                    "currentEpoch": 0,
                    "currentEpochStartBlock": 0,
                    "isInitialized": False,
                    "fastForwardNextTick": True,
                }
                for name, next_tick, duration in FUNDING_EPOCHS
            ]
        },
    }


def default_genesis() -> State:
    """A fresh state holding the default markets and no subaccounts (GEN-1)."""
    return load_genesis(copy.deepcopy(default_genesis_json()))
