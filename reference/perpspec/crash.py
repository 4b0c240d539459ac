"""
A seeded market crash run through the state machine: ``perpspec simulate crash``.

A population of leveraged subaccounts (longs and shorts on the genesis's markets, the net
position held by a well-funded market maker) starts at genesis with an insurance fund.  Each
block the authority moves the oracle along a price path that falls by the crash over a number
of blocks (and optionally recovers), the market maker re-quotes a ladder of short-term
post-only orders around the new oracle price on each side, a few traders deposit or try to
withdraw, and the block is advanced, so the liquidation phase (LIQ-11..13), deleveraging
(DEL-1..5) and the negative-TNC gate run as the protocol runs them.  Every state change is a
message through ``perpspec.transition.apply_json``; this module only writes messages and reads
the state and the events.

Per block it records the oracle prices, the liquidatable subaccounts before and after the
block's phase, the liquidation orders and fills, the deleveraging fills, the insurance fund,
open interest, the total negative TNC and whether withdrawals are gated, and it reconciles
USDC (subaccounts + insurance fund + fee collector + funding pool = deposits - withdrawals,
CONS-1) after every message batch.  The summary is a JSON object with sorted keys and no
timings, so one seed gives the same bytes on every run.
"""

from __future__ import annotations

import copy
import hashlib
import json
import random
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, TextIO

from perpspec.bech32 import encode_address
from perpspec.clob.orders import get_oracle_price_subticks
from perpspec.clob.state import ClobPair
from perpspec.default_genesis import default_genesis_json
from perpspec.genesis import load_genesis
from perpspec.liquidation_prices import get_settled_subaccount_risk
from perpspec.margin import is_liquidatable
from perpspec.messages import (
    ADVANCE_BLOCK_TYPE,
    CANCEL_ORDER_TYPE,
    DEPOSIT_TYPE,
    PLACE_ORDER_TYPE,
    UPDATE_PRICES_TYPE,
    WITHDRAW_TYPE,
)
from perpspec.rounding import ceil_div, floor_div, mul_ppm_floor
from perpspec.state import State
from perpspec.subaccounts import is_withdrawal_gated
from perpspec.transition import apply_json
from perpspec.types import OrderId, SubaccountId
from perpspec.units import base_to_quote_quantums, quote_to_base_quantums

_QUANTUMS_PER_USD = 1_000_000
"""Quote quantums per USD (USDC's atomic resolution -6)."""

MM_OFFSETS_PPM = (100, 300, 600, 1_000, 2_000, 4_000, 8_000, 15_000)
"""The market maker's quote levels, as distances from the oracle price in ppm, nearest first."""

EVENT_TYPES = ("LiquidationOrder", "LiquidationFill", "DeleveragingFill", "NegativeTncSubaccountSeen")
"""The risk engine's event types the summary counts."""


@dataclass(frozen=True)
class CrashConfig:
    """The parameters of one crash run; every figure of the summary follows from them and the seed."""

    seed: int = 1
    subaccounts: int = 300
    markets: tuple[str, ...] = ("BTC-USD", "ETH-USD", "SOL-USD")
    crash_pct: int = 30
    blocks: int = 40
    warmup_blocks: int = 3
    crash_blocks: int = 6
    recover_pct: int = 0
    leverage_min: int = 1
    leverage_max: int = 20
    long_share_pct: int = 60
    position_usd_min: int = 1_000
    position_usd_max: int = 100_000
    mm_levels: int = 6
    mm_level_usd: int = 50_000
    mm_equity_usd: int = 500_000_000
    insurance_fund_usd: int = 50_000
    withdrawals_per_block: int = 3
    deposits_per_block: int = 1
    jitter_ppm: int = 3_000


@dataclass
class Market:
    """A simulated market: its ticker, ids and units, and its starting oracle price."""

    ticker: str
    perpetual_id: int
    market_id: int
    clob_pair_id: int
    atomic_resolution: int
    price_exponent: int
    start_price: int
    step: int
    max_leverage_tenths: int


@dataclass
class Run:
    """The mutable record of a run: the state, totals, and what the market maker has resting."""

    state: State
    markets: list[Market]
    deposited: int
    withdrawn: int = 0
    rejections: Counter[str] = field(default_factory=Counter)
    event_counts: Counter[str] = field(default_factory=Counter)
    quotes: list[tuple[dict[str, Any], int]] = field(default_factory=list)
    liquidated: set[str] = field(default_factory=set)
    deleveraged: set[str] = field(default_factory=set)
    offsetting: set[str] = field(default_factory=set)
    fund_paid: int = 0
    fund_received: int = 0
    withdrawals_refused_gated: int = 0


def address(name: str) -> str:
    """A deterministic, valid dydx address for a named simulated account."""
    return encode_address(hashlib.sha256(f"crash-{name}".encode()).digest()[:20])


def subaccount_key(subaccount: dict[str, Any]) -> str:
    """A subaccount id as one string, ``owner/number``."""
    return f"{subaccount['owner']}/{subaccount['number']}"


MARKET_MAKER = address("market-maker")


# --- the genesis ---------------------------------------------------------------------------


def get_markets(genesis: dict[str, Any], tickers: tuple[str, ...]) -> list[Market]:
    """The genesis's markets named by ``tickers``, in the genesis's perpetual order; an unknown ticker is a ValueError."""
    known = {p["params"]["ticker"]: p for p in genesis["perpetuals"]["perpetuals"]}
    unknown = [t for t in tickers if t not in known]
    if unknown:
        raise ValueError(f"unknown markets {unknown}; the genesis has {sorted(known)}")
    tiers = {t["id"]: t for t in genesis["perpetuals"]["liquidityTiers"]}
    prices = {m["id"]: m for m in genesis["prices"]["marketPrices"]}
    markets = []
    for perpetual in genesis["perpetuals"]["perpetuals"]:
        params = perpetual["params"]
        if params["ticker"] not in tickers:
            continue
        pair = next(
            c for c in genesis["clob"]["clobPairs"] if c["perpetualClobMetadata"]["perpetualId"] == params["id"]
        )
        imr = tiers[params["liquidityTier"]]["initialMarginPpm"]
        price = prices[params["marketId"]]
        markets.append(
            Market(
                ticker=params["ticker"],
                perpetual_id=params["id"],
                market_id=params["marketId"],
                clob_pair_id=pair["id"],
                atomic_resolution=params["atomicResolution"],
                price_exponent=price["exponent"],
                start_price=int(price["price"]),
                step=int(pair["stepBaseQuantums"]),
                max_leverage_tenths=floor_div(9 * 1_000_000, imr),  # 90% of 1/IMR, in tenths
            )
        )
    return markets


def get_position_quantums(market: Market, notional_usd: int) -> int:
    """Base quantums worth about ``notional_usd`` at the starting price, a whole number of steps, at least one."""
    base = quote_to_base_quantums(
        notional_usd * _QUANTUMS_PER_USD, market.atomic_resolution, market.start_price, market.price_exponent
    )
    return max(market.step, int(floor_div(base, market.step)) * market.step)


def get_crash_genesis(config: CrashConfig) -> tuple[dict[str, Any], list[Market], dict[str, Any]]:
    """
    The default genesis with the population: each trader holds one to all of the markets, long
    with ``long_share_pct`` chance, at one leverage drawn from the spread (skewed low, capped at
    90% of each held market's 1/IMR); the market maker holds the net opposite position and
    ``mm_equity_usd``.  Returns the genesis, the markets and a description of the population.
    """
    rng = random.Random(config.seed)
    genesis = copy.deepcopy(default_genesis_json())
    markets = get_markets(genesis, config.markets)
    net: dict[int, int] = dict.fromkeys((m.perpetual_id for m in markets), 0)
    entries: list[dict[str, Any]] = []
    longs = shorts = 0
    leverages: list[int] = []
    lo, hi = config.leverage_min * 10, config.leverage_max * 10
    span_usd = config.position_usd_max - config.position_usd_min
    for i in range(config.subaccounts):
        held = [m for m in markets if rng.randrange(2) == 0] or [rng.choice(markets)]
        u = rng.random()
        leverage_tenths = min([lo + int((hi - lo) * u * u)] + [m.max_leverage_tenths for m in held])
        leverages.append(leverage_tenths)
        positions: list[dict[str, Any]] = []
        gross = signed_value = 0
        for market in held:
            v = rng.random()
            quantums = get_position_quantums(market, config.position_usd_min + int(span_usd * v * v))
            if rng.randrange(100) >= config.long_share_pct:
                quantums = -quantums
                shorts += 1
            else:
                longs += 1
            value = base_to_quote_quantums(
                quantums, market.atomic_resolution, market.start_price, market.price_exponent
            )
            gross += abs(value)
            signed_value += value
            net[market.perpetual_id] += quantums
            positions.append({"perpetualId": market.perpetual_id, "quantums": str(quantums), "fundingIndex": "0"})
        equity = ceil_div(gross * 10, leverage_tenths)
        entries.append(
            {
                "id": {"owner": address(f"trader-{i}"), "number": 0},
                "assetPositions": [{"assetId": 0, "quantums": str(equity - signed_value)}],
                "perpetualPositions": sorted(positions, key=lambda p: p["perpetualId"]),
            }
        )
    mm_value = 0
    mm_positions = []
    for market in markets:
        if net[market.perpetual_id] != 0:
            quantums = -net[market.perpetual_id]
            mm_value += base_to_quote_quantums(
                quantums, market.atomic_resolution, market.start_price, market.price_exponent
            )
            mm_positions.append({"perpetualId": market.perpetual_id, "quantums": str(quantums), "fundingIndex": "0"})
    entries.append(
        {
            "id": {"owner": MARKET_MAKER, "number": 0},
            "assetPositions": [{"assetId": 0, "quantums": str(config.mm_equity_usd * _QUANTUMS_PER_USD - mm_value)}],
            "perpetualPositions": mm_positions,
        }
    )
    genesis["subaccounts"]["subaccounts"] = sorted(entries, key=lambda e: (e["id"]["owner"], e["id"]["number"]))
    for perpetual in genesis["perpetuals"]["perpetuals"]:
        del perpetual["openInterest"]
    genesis.setdefault("bank", {})["insuranceFund"] = str(config.insurance_fund_usd * _QUANTUMS_PER_USD)
    leverages.sort()
    population = {
        "traders": config.subaccounts,
        "longPositions": longs,
        "shortPositions": shorts,
        "leverageTenths": {
            "min": leverages[0] if leverages else 0,
            "median": leverages[len(leverages) // 2] if leverages else 0,
            "max": leverages[-1] if leverages else 0,
        },
    }
    return genesis, markets, population


# --- the price path --------------------------------------------------------------------------


def get_path_ppm(config: CrashConfig, block: int) -> int:
    """
    The path's price at simulated block ``block`` (0-based) in ppm of the start: flat for the
    warm-up, falling linearly by the crash over ``crash_blocks``, then rising linearly by
    ``recover_pct`` of the start over as many blocks, then flat.
    """
    crash = config.crash_pct * 10_000
    into = block - config.warmup_blocks + 1
    if into <= 0:
        return 1_000_000
    if into <= config.crash_blocks:
        return 1_000_000 - int(floor_div(crash * into, config.crash_blocks))
    back = min(into - config.crash_blocks, config.crash_blocks)
    return 1_000_000 - crash + int(floor_div(config.recover_pct * 10_000 * back, config.crash_blocks))


def get_target_price(config: CrashConfig, market: Market, block: int, rng: random.Random) -> int:
    """The oracle price the authority sets for a market at a block: the path with a seeded jitter, at least 1."""
    ppm = get_path_ppm(config, block)
    if block >= config.warmup_blocks and config.jitter_ppm:
        ppm += rng.randint(-config.jitter_ppm, config.jitter_ppm)
    return max(1, int(mul_ppm_floor(market.start_price, ppm)))


# --- messages ------------------------------------------------------------------------------


def get_price_message(state: State, targets: dict[int, int]) -> dict[str, Any]:
    """The authority's oracle update: three fresh sources at each target price (PRICE-2..6)."""
    now = str(state.blocks.time)
    return {
        "@type": UPDATE_PRICES_TYPE,
        "signer": state.authority,
        "marketUpdates": [
            {
                "marketId": market_id,
                "sourcePrices": [{"source": f"s{i}", "price": str(price), "timestamp": now} for i in range(3)],
            }
            for market_id, price in sorted(targets.items())
        ],
    }


def get_quote_messages(config: CrashConfig, state: State, market: Market, block: int) -> list[dict[str, Any]]:
    """
    The market maker's ladder on one market: ``mm_levels`` bids below and asks above the oracle
    price, each worth ``mm_level_usd``, short-term post-only orders good for the next block, with
    client ids fresh for each block.
    """
    pair: ClobPair = state.clob.clob_pairs[market.clob_pair_id]
    tick = pair.subticks_per_tick
    oracle = get_oracle_price_subticks(state, pair)
    price = state.prices.market_prices[market.market_id].price
    base = quote_to_base_quantums(
        config.mm_level_usd * _QUANTUMS_PER_USD, market.atomic_resolution, price, market.price_exponent
    )
    quantums = max(pair.step_base_quantums, floor_div(base, pair.step_base_quantums) * pair.step_base_quantums)
    messages = []
    for level, offset in enumerate(MM_OFFSETS_PPM[: config.mm_levels]):
        bid = max(
            tick, floor_div(oracle.numerator * (1_000_000 - offset), oracle.denominator * 1_000_000 * tick) * tick
        )
        ask = ceil_div(oracle.numerator * (1_000_000 + offset), oracle.denominator * 1_000_000 * tick) * tick
        for side, subticks in ((0, bid), (1, ask)):
            messages.append(
                {
                    "@type": PLACE_ORDER_TYPE,
                    "signer": MARKET_MAKER,
                    "order": {
                        "orderId": {
                            "subaccountId": {"owner": MARKET_MAKER, "number": 0},
                            "clientId": block * 100 + level * 2 + side,
                            "orderFlags": 0,
                            "clobPairId": market.clob_pair_id,
                        },
                        "side": "SIDE_BUY" if side == 0 else "SIDE_SELL",
                        "quantums": str(quantums),
                        "subticks": str(subticks),
                        "timeInForce": "TIME_IN_FORCE_POST_ONLY",
                        "reduceOnly": False,
                        "goodTilBlock": state.blocks.height + 1,
                    },
                }
            )
    return messages


def get_cancel_messages(run: Run) -> list[dict[str, Any]]:
    """Short-term cancels of the market maker's quotes still resting (ORDER-7)."""
    messages = []
    for order_id, good_til_block in run.quotes:
        key = OrderId(
            SubaccountId(MARKET_MAKER, 0), order_id["clientId"], order_id["orderFlags"], order_id["clobPairId"]
        )
        if key in run.state.clob.resting:
            messages.append(
                {
                    "@type": CANCEL_ORDER_TYPE,
                    "signer": MARKET_MAKER,
                    "orderId": order_id,
                    "goodTilBlock": good_til_block,
                }
            )
    return messages


def get_flow_messages(config: CrashConfig, rng: random.Random) -> list[tuple[str, dict[str, Any]]]:
    """A few traders deposit $1,000 and a few try to withdraw $100 (the gate and the collateral check may refuse)."""
    messages: list[tuple[str, dict[str, Any]]] = []
    for _ in range(config.deposits_per_block):
        owner = address(f"trader-{rng.randrange(config.subaccounts)}")
        messages.append(
            (
                "deposit",
                {
                    "@type": DEPOSIT_TYPE,
                    "signer": owner,
                    "sender": owner,
                    "recipient": {"owner": owner, "number": 0},
                    "assetId": 0,
                    "quantums": str(1_000 * _QUANTUMS_PER_USD),
                },
            )
        )
    for _ in range(config.withdrawals_per_block):
        owner = address(f"trader-{rng.randrange(config.subaccounts)}")
        messages.append(
            (
                "withdraw",
                {
                    "@type": WITHDRAW_TYPE,
                    "signer": owner,
                    "sender": {"owner": owner, "number": 0},
                    "recipient": owner,
                    "assetId": 0,
                    "quantums": str(100 * _QUANTUMS_PER_USD),
                },
            )
        )
    return messages


# --- reading the state -----------------------------------------------------------------------


def get_usdc_held(state: State) -> int:
    """Every subaccount's USDC plus the insurance fund, the fee collector and the funding pool (CONS-1)."""
    bank = state.bank
    held = sum(s.usdc_balance for s in state.subaccounts.subaccounts.values())
    return held + bank.insurance_fund + bank.fee_collector + bank.funding_pool


def get_risk_census(state: State) -> tuple[int, int, int]:
    """Over every subaccount with a position: how many are liquidatable (MARGIN-6), how many have negative TNC, and their TNC's sum."""
    liquidatable = negative = negative_total = 0
    for stored in state.subaccounts.subaccounts.values():
        if not stored.positions:
            continue
        risk = get_settled_subaccount_risk(state, stored)
        if is_liquidatable(risk.nc, risk.mmr):
            liquidatable += 1
        if risk.nc < 0:
            negative += 1
            negative_total += risk.nc
    return liquidatable, negative, negative_total


class ReconciliationError(AssertionError):
    """USDC held differs from deposits minus withdrawals: a conservation failure of the state machine."""


def reconcile(run: Run, where: str) -> None:
    """USDC held equals the run's own tally of deposits minus withdrawals, and the bank's (CONS-1); else ReconciliationError."""
    held = get_usdc_held(run.state)
    bank = run.state.bank
    if held != run.deposited - run.withdrawn or held != bank.total_deposited - bank.total_withdrawn:
        raise ReconciliationError(
            f"{where}: USDC held {held} != deposits {run.deposited} - withdrawals {run.withdrawn} "
            f"(bank: {bank.total_deposited} - {bank.total_withdrawn})"
        )


def apply(run: Run, message: dict[str, Any], what: str) -> list[dict[str, Any]]:
    """Apply one message through the state machine; a rejection is counted by kind and code, never raised."""
    outcome = apply_json(run.state, message)
    if outcome.error is not None:
        run.rejections[f"{what}:{outcome.error.code}"] += 1
        if what == "withdraw" and outcome.error.code == "WITHDRAWALS_AND_TRANSFERS_BLOCKED":
            run.withdrawals_refused_gated += 1
        return []
    events = outcome.events or []
    if what == "withdraw":
        run.withdrawn += int(message["quantums"])
    elif what == "deposit":
        run.deposited += int(message["quantums"])
    return events


def count_events(run: Run, events: list[dict[str, Any]]) -> dict[str, int]:
    """The block's risk-engine events by type, with the fund's flows and the parties, added to the run's totals."""
    counts = dict.fromkeys(EVENT_TYPES, 0)
    for event in events:
        kind = event["type"]
        if kind not in counts:
            continue
        counts[kind] += 1
        run.event_counts[kind] += 1
        if kind == "LiquidationFill":
            run.liquidated.add(subaccount_key(event["liquidated"]))
            delta = int(event["insuranceFundDelta"])
            if delta < 0:
                run.fund_paid -= delta
            else:
                run.fund_received += delta
        elif kind == "DeleveragingFill":
            run.deleveraged.add(subaccount_key(event["liquidated"]))
            run.offsetting.add(subaccount_key(event["offsetting"]))
    return counts


# --- the run ---------------------------------------------------------------------------------


class Progress:
    """Progress lines on a stream, at most one a second unless forced, so a long run is never silent."""

    def __init__(self, stream: TextIO | None) -> None:
        self.stream = stream
        self.start = time.monotonic()
        self.last = -1.0

    def say(self, text: str, force: bool = False) -> None:
        now = time.monotonic()
        if self.stream is not None and (force or now - self.last >= 1.0):
            self.last = now
            self.stream.write(f"[crash {now - self.start:6.1f}s] {text}\n")
            self.stream.flush()


def run_crash(
    config: CrashConfig,
    progress: TextIO | None = None,
    on_events: Callable[[list[dict[str, Any]]], None] | None = None,
) -> tuple[dict[str, Any], State]:
    """
    Run the crash and return its summary (JSON-ready, deterministic) and the final state.
    ``on_events`` receives the events of every accepted message, in order.
    """
    say = Progress(progress)
    say.say(f"building the genesis: {config.subaccounts} traders on {', '.join(config.markets)}", force=True)
    genesis, markets, population = get_crash_genesis(config)
    say.say("genesis built; loading it (GEN-2, GEN-3)", force=True)
    state = load_genesis(genesis)
    run = Run(state, markets, deposited=state.bank.total_deposited - state.bank.total_withdrawn)
    population["deposits"] = run.deposited
    reconcile(run, "genesis")
    rng = random.Random(config.seed * 7_919 + 1)
    records = []
    fund_min = state.bank.insurance_fund
    say.say(
        f"genesis loaded: {len(state.subaccounts.subaccounts)} subaccounts; running {config.blocks} blocks", force=True
    )

    def emit(events: list[dict[str, Any]]) -> list[dict[str, Any]]:
        if on_events is not None and events:
            on_events(events)
        return events

    for block in range(config.blocks):
        # The oracle moves along the path (only markets whose target differs)
        targets = {}
        for market in markets:
            target = get_target_price(config, market, block, rng)
            if target != state.prices.market_prices[market.market_id].price:
                targets[market.market_id] = target
        if targets:
            emit(apply(run, get_price_message(state, targets), "prices"))
        # The market maker re-quotes around the new oracle price
        for message in get_cancel_messages(run):
            emit(apply(run, message, "cancel"))
        run.quotes = []
        for market in markets:
            for message in get_quote_messages(config, state, market, block):
                if emit(apply(run, message, "quote")):
                    run.quotes.append((message["order"]["orderId"], message["order"]["goodTilBlock"]))
        # Traders' deposits and withdrawals
        for kind, message in get_flow_messages(config, rng):
            emit(apply(run, message, kind))
        reconcile(run, f"block {block} before the phase")
        liquidatable_before, _, _ = get_risk_census(state)
        # The block: expiry, triggers, liquidations, deleveraging, the gate
        events = emit(
            apply(
                run,
                {
                    "@type": ADVANCE_BLOCK_TYPE,
                    "signer": state.authority,
                    "height": state.blocks.height + 1,
                    "time": str(state.blocks.time + 1),
                },
                "block",
            )
        )
        counts = count_events(run, events)
        reconcile(run, f"block {block} after the phase")
        liquidatable_after, negative_accounts, negative_total = get_risk_census(state)
        fund_min = min(fund_min, state.bank.insurance_fund)
        records.append(
            {
                "block": block,
                "height": state.blocks.height,
                "prices": {m.ticker: state.prices.market_prices[m.market_id].price for m in markets},
                "liquidatableBefore": liquidatable_before,
                "liquidatableAfter": liquidatable_after,
                "liquidationOrders": counts["LiquidationOrder"],
                "liquidationFills": counts["LiquidationFill"],
                "deleveragingFills": counts["DeleveragingFill"],
                "negativeTncSeen": counts["NegativeTncSubaccountSeen"],
                "insuranceFund": state.bank.insurance_fund,
                "feeCollector": state.bank.fee_collector,
                "openInterest": {m.ticker: state.perpetuals.perpetuals[m.perpetual_id].open_interest for m in markets},
                "negativeTncAccounts": negative_accounts,
                "negativeTncTotal": negative_total,
                "gated": is_withdrawal_gated(state),
                "usdcHeld": get_usdc_held(state),
                "netDeposits": run.deposited - run.withdrawn,
            }
        )
        say.say(
            f"block {block + 1}/{config.blocks}: liquidatable {liquidatable_before}, "
            f"liquidation fills {counts['LiquidationFill']}, deleveraging fills {counts['DeleveragingFill']}, "
            f"fund ${state.bank.insurance_fund / _QUANTUMS_PER_USD:,.0f}",
            force=block + 1 == config.blocks,
        )
    summary = {
        "config": {k: list(v) if isinstance(v, tuple) else v for k, v in asdict(config).items()},
        "markets": [
            {
                "ticker": m.ticker,
                "perpetualId": m.perpetual_id,
                "clobPairId": m.clob_pair_id,
                "priceExponent": m.price_exponent,
                "atomicResolution": m.atomic_resolution,
                "startPrice": m.start_price,
            }
            for m in markets
        ],
        "population": population,
        "blocks": records,
        "totals": {
            "liquidationOrders": run.event_counts["LiquidationOrder"],
            "liquidationFills": run.event_counts["LiquidationFill"],
            "deleveragingFills": run.event_counts["DeleveragingFill"],
            "negativeTncSeen": run.event_counts["NegativeTncSubaccountSeen"],
            "subaccountsLiquidated": len(run.liquidated),
            "subaccountsDeleveraged": len(run.deleveraged),
            "subaccountsOffsetting": len(run.offsetting),
            "insuranceFundStart": config.insurance_fund_usd * _QUANTUMS_PER_USD,
            "insuranceFundEnd": state.bank.insurance_fund,
            "insuranceFundMin": fund_min,
            "insuranceFundPaid": run.fund_paid,
            "insuranceFundReceived": run.fund_received,
            "blocksGated": sum(1 for r in records if r["gated"]),
            "withdrawalsRefusedGated": run.withdrawals_refused_gated,
            "rejections": dict(sorted(run.rejections.items())),
        },
        "reconciliation": {
            "checked": "after every message batch and every block",
            "deposits": run.deposited,
            "withdrawals": run.withdrawn,
            "usdcHeld": get_usdc_held(state),
        },
    }
    return summary, state


def encode_summary(summary: dict[str, Any]) -> bytes:
    """The summary as canonical JSON bytes: sorted keys, two-space indent, a final newline."""
    return (json.dumps(summary, sort_keys=True, indent=2) + "\n").encode()


# --- output ----------------------------------------------------------------------------------


def format_usd(quote_quantums: int) -> str:
    """Quote quantums as whole US dollars with thousands separators."""
    return f"{quote_quantums / _QUANTUMS_PER_USD:,.0f}"


def format_table(summary: dict[str, Any]) -> str:
    """The terminal table: one row per block (prices in % of the start), then the totals."""
    tickers = [m["ticker"] for m in summary["markets"]]
    starts = {m["ticker"]: m["startPrice"] for m in summary["markets"]}
    head = ["block"] + [t.split("-")[0] + " %" for t in tickers]
    head += ["liq'able", "liq orders", "liq fills", "delev fills", "fund $", "neg TNC $", "gated"]
    rows = [head]
    for r in summary["blocks"]:
        row = [str(r["height"])] + [f"{100 * r['prices'][t] / starts[t]:.1f}" for t in tickers]
        row += [
            str(r["liquidatableBefore"]),
            str(r["liquidationOrders"]),
            str(r["liquidationFills"]),
            str(r["deleveragingFills"]),
            format_usd(r["insuranceFund"]),
            format_usd(r["negativeTncTotal"]),
            "yes" if r["gated"] else "",
        ]
        rows.append(row)
    widths = [max(len(row[i]) for row in rows) for i in range(len(head))]
    lines = ["  ".join(cell.rjust(w) for cell, w in zip(row, widths)) for row in rows]
    t = summary["totals"]
    p = summary["population"]
    lines += [
        "",
        f"population: {p['traders']} traders ({p['longPositions']} long and {p['shortPositions']} short positions, "
        f"leverage {p['leverageTenths']['min'] / 10:g}x..{p['leverageTenths']['max'] / 10:g}x, "
        f"median {p['leverageTenths']['median'] / 10:g}x) and one market maker",
        f"liquidation orders {t['liquidationOrders']}, fills {t['liquidationFills']} "
        f"({t['subaccountsLiquidated']} subaccounts); deleveraging fills {t['deleveragingFills']} "
        f"({t['subaccountsDeleveraged']} subaccounts, {t['subaccountsOffsetting']} offsetting)",
        f"insurance fund ${format_usd(t['insuranceFundStart'])} -> ${format_usd(t['insuranceFundEnd'])} "
        f"(min ${format_usd(t['insuranceFundMin'])}; received ${format_usd(t['insuranceFundReceived'])}, "
        f"paid ${format_usd(t['insuranceFundPaid'])})",
        f"negative TNC seen in {t['negativeTncSeen']} blocks; withdrawals gated in {t['blocksGated']} blocks "
        f"({t['withdrawalsRefusedGated']} withdrawals refused by the gate)",
        f"USDC reconciled at every block: held ${format_usd(summary['reconciliation']['usdcHeld'])} = deposits "
        f"${format_usd(summary['reconciliation']['deposits'])} - withdrawals "
        f"${format_usd(summary['reconciliation']['withdrawals'])}",
    ]
    return "\n".join(lines)


PLOT_INSTALL_HINT = "the plot needs matplotlib: pip install 'perpspec[plot]' (or pip install matplotlib)"


def write_plot(summary: dict[str, Any], path: str) -> list[str]:
    """
    Draw the run, one panel per quantity on a shared block axis, to ``path`` (PNG) and the same
    name with ``.svg``; returns the paths written.  Raises ImportError without matplotlib.
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator, StrMethodFormatter

    blocks = summary["blocks"]
    heights = [r["height"] for r in blocks]
    starts = {m["ticker"]: m["startPrice"] for m in summary["markets"]}
    first_oi = {t: blocks[0]["openInterest"][t] for t in starts} if blocks else {}
    figure, axes = plt.subplots(5, 1, sharex=True, figsize=(10, 13), constrained_layout=True)
    c = summary["config"]
    figure.suptitle(
        f"perpspec simulate crash: {c['crash_pct']}% over {c['crash_blocks']} blocks"
        + (f", then +{c['recover_pct']}%" if c["recover_pct"] else "")
        + f", {c['subaccounts']} traders, seed {c['seed']}",
        fontsize=13,
    )
    prices, counts, fund, interest, negative = axes
    for ticker in starts:
        prices.plot(heights, [100 * r["prices"][ticker] / starts[ticker] for r in blocks], label=ticker)
        interest.plot(
            heights,
            [100 * r["openInterest"][ticker] / first_oi[ticker] if first_oi[ticker] else 0 for r in blocks],
            label=ticker,
        )
    prices.set_ylabel("oracle price\n(% of start)")
    prices.legend(loc="upper right")
    interest.set_ylabel("open interest\n(% of block 1)")
    interest.legend(loc="upper right")
    width = 0.4
    counts.bar(
        [h - width / 2 for h in heights], [r["liquidationFills"] for r in blocks], width, label="liquidation fills"
    )
    counts.bar(
        [h + width / 2 for h in heights], [r["deleveragingFills"] for r in blocks], width, label="deleveraging fills"
    )
    counts.plot(
        heights, [r["liquidatableBefore"] for r in blocks], "k.-", label="liquidatable subaccounts (at the phase)"
    )
    counts.set_ylabel("per block")
    counts.legend(loc="upper right")
    fund.plot(
        heights, [r["insuranceFund"] / _QUANTUMS_PER_USD for r in blocks], color="tab:green", label="insurance fund"
    )
    fund.set_ylabel("insurance fund\n(USD)")
    fund.set_ylim(bottom=0)
    fund.legend(loc="upper right")
    negative.plot(
        heights,
        [r["negativeTncTotal"] / _QUANTUMS_PER_USD for r in blocks],
        color="tab:red",
        label="total negative TNC",
    )
    gated = [h for h, r in zip(heights, blocks) if r["gated"]]
    for h in gated:
        negative.axvspan(h - 0.5, h + 0.5, color="tab:orange", alpha=0.15, linewidth=0)
    if gated:
        negative.axvspan(gated[0] - 0.5, gated[0] - 0.5, color="tab:orange", alpha=0.15, label="withdrawals gated")
    negative.set_ylabel("negative TNC\n(USD)")
    negative.set_xlabel("block height")
    negative.legend(loc="lower right")
    for axis in (fund, negative):
        axis.yaxis.set_major_formatter(StrMethodFormatter("{x:,.0f}"))
    counts.yaxis.set_major_locator(MaxNLocator(integer=True))
    for axis in axes:
        axis.grid(True, alpha=0.3)
    stem = path[:-4] if path.lower().endswith(".png") else path
    written = [stem + ".png", stem + ".svg"]
    figure.savefig(written[0], dpi=110)
    figure.savefig(written[1])
    plt.close(figure)
    return written
