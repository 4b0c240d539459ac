"""
Scenarios of genesis documents at the ends of their ranges (spec/genesis.md, GEN-2): every
parameter at its lowest and highest value, and genesis heights and times at the ends of theirs.
"""

from __future__ import annotations

from perpspec import errors
from perpspec.conformance.builders import (
    ALICE,
    AUTHORITY,
    BOB,
    BTC,
    CAROL,
    DAVE,
    ETH,
    OK,
    ONE_BTC,
    Scenario,
    advance_block,
    deposit,
    make_genesis,
    sub,
    subaccount_entry,
    update_prices,
    withdraw,
)
from perpspec.units import INT32_MAX, INT32_MIN, INT64_MAX, UINT32_MAX, UINT64_MAX

HUGE = 10**400 - 1
"""The largest magnitude of 400 decimal digits: genesis balances, sizes and indexes are unbounded (SUB-2)."""


def extreme_parameters(genesis: dict) -> dict:
    """Add a tier, market, perpetual and clob pairs at the lowest and at the highest value of every field (GEN-2); one name is not ASCII (CODEC-2 escapes it)."""
    genesis["perpetuals"]["liquidityTiers"] += [
        {
            "id": 7,
            "name": "",
            "initialMarginPpm": 0,
            "maintenanceFractionPpm": 0,
            "impactNotional": "1",
            "openInterestLowerCap": "0",
            "openInterestUpperCap": "0",
        },
        {
            "id": UINT32_MAX,
            "name": "Highest",
            "initialMarginPpm": 1_000_000,
            "maintenanceFractionPpm": 1_000_000,
            "impactNotional": str(UINT64_MAX),
            "openInterestLowerCap": str(UINT64_MAX),
            "openInterestUpperCap": str(UINT64_MAX),
        },
    ]
    genesis["prices"]["marketParams"] += [
        {
            "id": 7,
            "pair": "LOW-USD \u00e9\u20ac",
            "exponent": -100,
            "minExchanges": 1,
            "minPriceChangePpm": 1,
            "maxSourceAgeSeconds": 0,
        },
        {
            "id": UINT32_MAX,
            "pair": "HIGH-USD",
            "exponent": 100,
            "minExchanges": UINT32_MAX,
            "minPriceChangePpm": 9_999,
            "maxSourceAgeSeconds": str(INT64_MAX),
        },
    ]
    genesis["prices"]["marketPrices"] += [
        {"id": 7, "exponent": -100, "price": "0"},
        {"id": UINT32_MAX, "exponent": 100, "price": str(UINT64_MAX)},
    ]
    cross = "PERPETUAL_MARKET_TYPE_CROSS"
    genesis["perpetuals"]["perpetuals"] += [
        {
            "params": {
                "id": 7,
                "ticker": "LOW-USD",
                "marketId": 7,
                "atomicResolution": -100,
                "defaultFundingPpm": INT32_MIN,
                "liquidityTier": 7,
                "marketType": cross,
            },
            "fundingIndex": str(-HUGE),
        },
        {
            "params": {
                "id": UINT32_MAX,
                "ticker": "HIGH-USD",
                "marketId": UINT32_MAX,
                "atomicResolution": 100,
                "defaultFundingPpm": INT32_MAX,
                "liquidityTier": UINT32_MAX,
                "marketType": cross,
            },
            "fundingIndex": str(HUGE),
        },
    ]
    # Every status the protocol supports (CLOB-1); PAUSED, CANCEL_ONLY and POST_ONLY are rejected at genesis.
    statuses = [
        "STATUS_INITIALIZING",
        "STATUS_FINAL_SETTLEMENT",
        "STATUS_ACTIVE",
        "STATUS_INITIALIZING",
        "STATUS_FINAL_SETTLEMENT",
    ]
    genesis["clob"]["clobPairs"] += [
        {
            "id": 7,
            "perpetualClobMetadata": {"perpetualId": 7},
            "stepBaseQuantums": "1",
            "subticksPerTick": 1,
            "quantumConversionExponent": -100,
            "status": statuses[0],
        },
        {
            "id": UINT32_MAX,
            "perpetualClobMetadata": {"perpetualId": UINT32_MAX},
            "stepBaseQuantums": str(UINT64_MAX),
            "subticksPerTick": UINT32_MAX,
            "quantumConversionExponent": 100,
            "status": statuses[1],
        },
    ] + [
        {
            "id": 8 + i,
            "perpetualClobMetadata": {"perpetualId": 7},
            "stepBaseQuantums": "10",
            "subticksPerTick": 10,
            "quantumConversionExponent": 0,
            "status": status,
        }
        for i, status in enumerate(statuses[2:])
    ]
    return genesis


def genesis_extremes() -> Scenario:
    # USDC held: HUGE - 10^399 + 1_000_000 (CAROL) + 1_000_000 (DAVE) + insurance 1_000_001 + fees 20_002 + pool -3;
    # totalDeposited = held + totalWithdrawn 5_000 (INV-1).
    subaccounts = [
        subaccount_entry(ALICE, 127, HUGE),
        subaccount_entry(BOB, 0, -(10**399)),
        subaccount_entry(CAROL, 0, 1_000_000, [(BTC, ONE_BTC, -HUGE), (ETH, 1), (7, 3, 5)]),
        subaccount_entry(DAVE, 0, 1_000_000, [(BTC, -ONE_BTC, HUGE), (ETH, -1), (7, -3, -5)]),
    ]
    held = HUGE - 10**399 + 2_000_000 + 1_000_001 + 20_002 - 3
    genesis = extreme_parameters(
        make_genesis(
            subaccounts,
            blockHeight=1_000,
            insuranceFund="1000001",
            feeCollector="20002",
            fundingPool="-3",
            totalWithdrawn="5000",
            totalDeposited=str(held + 5_000),
            negativeTncSubaccountSeenAtBlock=0,
            lastChainOutageAtBlock=1_000,
        )
    )
    s = Scenario(
        "genesis-extremes",
        "A genesis with every parameter at its lowest and highest valid value, 400-digit balances and funding indexes, positions of one quantum, protocol balances, a withdrawn total and an outage at the genesis height; it loads exactly, and messages act on it.",
        ["GEN-2", "CODEC-1", "CODEC-3", "INV-1", "SUB-2", "SUB-9", "FUND-2", "PRICE-2", "PRICE-3", "PRICE-5"],
        ["CONS-1", "DET-1"],
        genesis,
    )
    t = s.time
    s.step("a deposit into the 400-digit balance", deposit(ALICE, sub(ALICE, 127), 1), OK)
    s.step(
        "the outage at the genesis height gates withdrawals (SUB-9)",
        withdraw(ALICE, sub(ALICE, 127), 1),
        errors.WithdrawalsAndTransfersBlocked.code,
    )
    # CAROL: BTC -(0 - (-HUGE)) * 1e10 and LOW -(-HUGE - 5) * 3 ppm; DAVE the mirror: huge payments both ways.
    s.step("CAROL's first touch settles funding against 400-digit indexes", deposit(CAROL, sub(CAROL), 1), OK)
    s.step("DAVE's likewise", deposit(DAVE, sub(DAVE), 1), OK)
    s.step(
        "a market needing one source, zero seconds old at most: a source at block time counts",
        update_prices(AUTHORITY, [(7, [("a", 5, t)])]),
        OK,
        ["PRICE-2", "PRICE-3"],
    )
    s.step(
        "one second old is stale at a maximum age of 0",
        update_prices(AUTHORITY, [(7, [("a", 6, t - 1)])]),
        OK,
        ["PRICE-2"],
    )
    s.step(
        "a market needing 2^32 - 1 sources", update_prices(AUTHORITY, [(UINT32_MAX, [("a", 1, t)])]), OK, ["PRICE-3"]
    )
    s.step("the next block", s.next_block(), OK, show=[sub(ALICE, 127), sub(BOB), sub(CAROL), sub(DAVE)])
    return s


def genesis_last_block() -> Scenario:
    s = Scenario(
        "genesis-last-block",
        "A genesis at the last uint32 height and the last int64 time: no block can follow; a gating block at the genesis height.",
        ["GEN-2", "BLOCK-1", "SUB-9", "TX-5"],
        ["DET-1"],
        make_genesis(
            [subaccount_entry(ALICE, 0, 10)],
            blockHeight=UINT32_MAX,
            blockTime=str(INT64_MAX),
            negativeTncSubaccountSeenAtBlock=UINT32_MAX,
        ),
    )
    s.step("height 2^32 is not a uint32", advance_block(AUTHORITY, UINT32_MAX + 1, INT64_MAX), errors.InvalidField.code)
    s.step("the same height", advance_block(AUTHORITY, UINT32_MAX, INT64_MAX), errors.InvalidBlockHeight.code)
    s.step(
        "gated by the negative-TNC block at the genesis height",
        withdraw(ALICE, sub(ALICE), 1),
        errors.WithdrawalsAndTransfersBlocked.code,
    )
    s.step("deposits still go through", deposit(ALICE, sub(ALICE), 1), OK)
    return s


def genesis_first_block() -> Scenario:
    s = Scenario(
        "genesis-block-zero",
        "A genesis at height 0 and unix time 0 with an outage recorded at block 0 (the lowest valid values); the first block is height 1.",
        ["GEN-2", "BLOCK-1", "BLOCK-2"],
        ["DET-1"],
        make_genesis(blockHeight=0, blockTime="0", lastChainOutageAtBlock=0),
    )
    s.step(
        "time 0 is a well-formed int64 but not after the genesis time 0",
        advance_block(AUTHORITY, 1, 0),
        errors.InvalidBlockTime.code,
        ["TX-5"],
    )
    s.step("height 1 at time 299: no outage", advance_block(AUTHORITY, 1, 299), OK)
    s.step("height 2 at time 599: an outage of 300 s", advance_block(AUTHORITY, 2, 599), OK)
    return s
