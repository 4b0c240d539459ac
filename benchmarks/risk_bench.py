"""
Benchmark of the risk engine's block phases (liquidations LIQ-11..13, deleveraging DEL-1..5).  A figure, not a test.

    PYTHONPATH=reference python benchmarks/risk_bench.py                     # 10^4 and 10^5 subaccounts, a few minutes
    PYTHONPATH=reference python benchmarks/risk_bench.py --sizes 10000 --blocks 3   # quick

The population is built by genesis, not by messages, so 10^5 subaccounts load in seconds:
subaccount pairs with opposite positions of equal size (open interest balanced) on one of the
three default markets each (BTC-USD, ETH-USD, SOL-USD, round robin), $1,000-$50,000 notional,
leverage 1x-20x (SOL capped at 9x, 90% of 1/IMR), and a market maker with $10^9 and a ladder of
post-only bids and asks on each book (placed by messages).  One warm-up block is applied first
(the first phase looks at every subaccount once: the risk watch is built, LIQ-11).  Then, each
case in its own process (contracts off, as a production node would run):

- ``none``: no price move; the liquidation phase should look at nobody (the risk watch);
- ``one-1%``: BTC-USD's oracle price down 1%; only BTC's holders are looked at;
- ``all-20%``: every market down 20% at once; then the liquidatable ones are watched each block.

Per case it prints the wall time per block (``AdvanceBlock`` through ``apply_message``, of
the liquidation phase alone, and of the deleveraging phase), the subaccounts the phase looked at (the risk watch's
candidates, counted by wrapping ``perpspec.liquidations.get_risk_candidates``), the
liquidation orders and fills and deleveraging fills of the timed blocks, and memory: the
process's peak RSS (``resource``) and its growth over the timed blocks.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import json
import os
import random
import resource
import subprocess
import sys
import time
from typing import Any

CASES = ("none", "one-1%", "all-20%")
USD = 1_000_000


def owner(i: int) -> str:
    from perpspec.bech32 import encode_address

    return encode_address(hashlib.sha256(f"risk-bench-{i}".encode()).digest()[:20])


def build_genesis(n: int, seed: int) -> dict[str, Any]:
    """The default genesis with ``n`` traders in opposite pairs and a funded market maker."""
    from perpspec.default_genesis import default_genesis_json
    from perpspec.units import base_to_quote_quantums, quote_to_base_quantums

    rng = random.Random(seed)
    genesis = copy.deepcopy(default_genesis_json())
    prices = {m["id"]: m for m in genesis["prices"]["marketPrices"]}
    tiers = {t["id"]: t["initialMarginPpm"] for t in genesis["perpetuals"]["liquidityTiers"]}
    perps = [p["params"] for p in genesis["perpetuals"]["perpetuals"]]
    entries = []
    for j in range(n // 2):
        p = perps[j % len(perps)]
        price = prices[p["marketId"]]
        notional = (1_000 + rng.randrange(49_000)) * USD
        base = quote_to_base_quantums(notional, p["atomicResolution"], int(price["price"]), price["exponent"])
        base = max(1_000_000, base // 1_000_000 * 1_000_000)
        max_tenths = 9 * 1_000_000 // tiers[p["liquidityTier"]]
        for k, signed in ((2 * j, base), (2 * j + 1, -base)):
            u = rng.random()
            tenths = min(10 + int(190 * u * u), max_tenths)
            value = base_to_quote_quantums(signed, p["atomicResolution"], int(price["price"]), price["exponent"])
            equity = -(-abs(value) * 10 // tenths)
            entries.append(
                {
                    "id": {"owner": owner(k), "number": 0},
                    "assetPositions": [{"assetId": 0, "quantums": str(equity - value)}],
                    "perpetualPositions": [{"perpetualId": p["id"], "quantums": str(signed), "fundingIndex": "0"}],
                }
            )
    entries.append(
        {
            "id": {"owner": owner(-1), "number": 0},
            "assetPositions": [{"assetId": 0, "quantums": str(10**9 * USD)}],
            "perpetualPositions": [],
        }
    )
    genesis["subaccounts"]["subaccounts"] = sorted(entries, key=lambda e: e["id"]["owner"])
    for perpetual in genesis["perpetuals"]["perpetuals"]:
        del perpetual["openInterest"]
    genesis.setdefault("bank", {})["insuranceFund"] = str(10**7 * USD)
    return genesis


def place_ladder(state: Any, levels: int, level_usd: int) -> int:
    """The market maker's post-only ladder on every book, good for 20 blocks; returns the orders placed."""
    from perpspec.clob.orders import get_oracle_price_subticks
    from perpspec.messages import PLACE_ORDER_TYPE
    from perpspec.transition import apply_json
    from perpspec.units import quote_to_base_quantums

    mm = owner(-1)
    placed = 0
    for pair_id, pair in sorted(state.clob.clob_pairs.items()):
        perpetual = state.perpetuals.perpetuals[pair.perpetual_id]
        price = state.prices.market_prices[perpetual.market_id]
        oracle = get_oracle_price_subticks(state, pair)
        tick = pair.subticks_per_tick
        base = quote_to_base_quantums(level_usd * USD, perpetual.atomic_resolution, price.price, price.exponent)
        quantums = max(pair.step_base_quantums, base // pair.step_base_quantums * pair.step_base_quantums)
        for level in range(levels):
            offset = 200 * (level + 1) * (level + 1)  # ppm: 0.02%, 0.08%, 0.18%, ...
            for side, is_buy in ((0, True), (1, False)):
                bound = oracle * (1_000_000 - offset if is_buy else 1_000_000 + offset) / 1_000_000
                subticks = max(tick, int(bound) // tick * tick if is_buy else -(-int(bound) // tick) * tick)
                order = {
                    "orderId": {
                        "subaccountId": {"owner": mm, "number": 0},
                        "clientId": level * 2 + side,
                        "orderFlags": 64,
                        "clobPairId": pair_id,
                    },
                    "side": "SIDE_BUY" if is_buy else "SIDE_SELL",
                    "quantums": str(quantums),
                    "subticks": str(subticks),
                    "timeInForce": "TIME_IN_FORCE_POST_ONLY",
                    "reduceOnly": False,
                    "goodTilBlockTime": state.blocks.time + 3_600,
                }
                outcome = apply_json(state, {"@type": PLACE_ORDER_TYPE, "signer": mm, "order": order})
                placed += outcome.accepted
    return placed


def price_message(state: Any, moves_ppm: dict[int, int]) -> dict[str, Any]:
    """The authority's oracle update moving each market by its ppm (three fresh sources)."""
    updates = []
    for market_id, ppm in sorted(moves_ppm.items()):
        price = state.prices.market_prices[market_id].price * (1_000_000 + ppm) // 1_000_000
        sources = [{"source": f"s{i}", "price": str(price), "timestamp": str(state.blocks.time)} for i in range(3)]
        updates.append({"marketId": market_id, "sourcePrices": sources})
    from perpspec.messages import UPDATE_PRICES_TYPE

    return {"@type": UPDATE_PRICES_TYPE, "signer": state.authority, "marketUpdates": updates}


def run_case(n: int, case: str, blocks: int, seed: int) -> dict[str, Any]:
    """One case in this process: genesis, warm-up block, the case's price move, ``blocks`` timed blocks."""
    import perpspec.blocks as blocks_module
    import perpspec.liquidations as liquidations_module
    from perpspec.genesis import load_genesis
    from perpspec.messages import ADVANCE_BLOCK_TYPE
    from perpspec.transition import apply_json, apply_message, decode_message

    looked_at: list[int] = []
    phase_seconds: list[float] = []
    real_candidates = liquidations_module.get_risk_candidates
    real_phase = blocks_module.process_liquidations
    real_deleveraging = blocks_module.process_deleveraging
    deleveraging_seconds: list[float] = []

    def counted_candidates(state: Any) -> Any:
        found = real_candidates(state)
        looked_at.append(len(found))
        return found

    def timed_phase(state: Any, events: Any) -> Any:
        start = time.perf_counter()
        result = real_phase(state, events)
        phase_seconds.append(time.perf_counter() - start)
        return result

    def timed_deleveraging(state: Any, unfilled: Any, events: Any) -> Any:
        start = time.perf_counter()
        result = real_deleveraging(state, unfilled, events)
        deleveraging_seconds.append(time.perf_counter() - start)
        return result

    blocks_module.process_deleveraging = timed_deleveraging  # type: ignore[assignment]
    liquidations_module.get_risk_candidates = counted_candidates  # type: ignore[assignment]
    blocks_module.process_liquidations = timed_phase  # type: ignore[assignment]

    t0 = time.perf_counter()
    genesis = build_genesis(n, seed)
    state = load_genesis(genesis)
    load_seconds = time.perf_counter() - t0
    placed = place_ladder(state, 6, 200_000)

    def advance() -> list[Any]:
        message = {
            "@type": ADVANCE_BLOCK_TYPE,
            "signer": state.authority,
            "height": state.blocks.height + 1,
            "time": str(state.blocks.time + 1),
        }
        return apply_message(state, decode_message(message))

    t0 = time.perf_counter()
    advance()
    warm_seconds = time.perf_counter() - t0
    warm_looked_at = looked_at[-1]
    moves = {"none": {}, "one-1%": {0: -10_000}, "all-20%": {0: -200_000, 1: -200_000, 5: -200_000}}[case]
    if moves:
        outcome = apply_json(state, price_message(state, moves))
        assert outcome.accepted, outcome.error
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    looked_at.clear()
    phase_seconds.clear()
    deleveraging_seconds.clear()
    counts = {"LiquidationOrderEvent": 0, "LiquidationFillEvent": 0, "DeleveragingFillEvent": 0}
    times = []
    for _ in range(blocks):
        t0 = time.perf_counter()
        events = advance()
        times.append(time.perf_counter() - t0)
        for event in events:
            name = type(event).__name__
            if name in counts:
                counts[name] += 1
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "n": n,
        "case": case,
        "blocks": blocks,
        "load_s": load_seconds,
        "mm_orders": placed,
        "warm_block_s": warm_seconds,
        "warm_looked_at": warm_looked_at,
        "block_ms": [1_000 * t for t in times],
        "phase_ms": [1_000 * t for t in phase_seconds],
        "deleveraging_ms": [1_000 * t for t in deleveraging_seconds],
        "looked_at": looked_at,
        "liquidation_orders": counts["LiquidationOrderEvent"],
        "liquidation_fills": counts["LiquidationFillEvent"],
        "deleveraging_fills": counts["DeleveragingFillEvent"],
        "peak_rss_mib": rss_after / 1024,
        "rss_growth_mib": (rss_after - rss_before) / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="10000,100000", help="subaccounts, comma-separated (default 10000,100000)")
    parser.add_argument("--cases", default=",".join(CASES), help=f"cases (default {','.join(CASES)})")
    parser.add_argument("--blocks", type=int, default=5, help="timed blocks per case (default 5)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--one", nargs=2, metavar=("N", "CASE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(run_case(int(args.one[0]), args.one[1], args.blocks, args.seed)))
        return 0
    env = dict(os.environ, PERPSPEC_CONTRACTS="0")
    rows = []
    for n in [int(s) for s in args.sizes.split(",")]:
        for case in args.cases.split(","):
            print(f"[risk_bench] {n} subaccounts, case {case} ...", file=sys.stderr, flush=True)
            start = time.perf_counter()
            out = subprocess.run(
                [
                    sys.executable,
                    __file__,
                    "--one",
                    str(n),
                    case,
                    "--blocks",
                    str(args.blocks),
                    "--seed",
                    str(args.seed),
                ],
                env=env,
                check=True,
                capture_output=True,
                text=True,
            )
            row = json.loads(out.stdout.strip().splitlines()[-1])
            rows.append(row)
            print(f"[risk_bench]   done in {time.perf_counter() - start:.1f} s", file=sys.stderr, flush=True)
    print(
        f"python {sys.version.split()[0]}, contracts off, {args.blocks} timed blocks per case after one warm-up block"
    )
    head = (
        "| subaccounts | case | genesis load s | warm-up block ms (looked at) | ms/block first / mean | "
        "liq phase ms first / mean | delev phase ms mean | looked at first / mean | liq orders | liq fills | delev fills | peak RSS MiB | RSS growth MiB |"
    )
    print(head)
    print("|" + "---|" * (head.count("|") - 1))
    for r in rows:
        b, p, d, looked = r["block_ms"], r["phase_ms"], r["deleveraging_ms"], r["looked_at"]
        print(
            f"| {r['n']:,} | {r['case']} | {r['load_s']:.1f} | {1000 * r['warm_block_s']:,.0f} ({r['warm_looked_at']:,}) "
            f"| {b[0]:,.1f} / {sum(b) / len(b):,.1f} | {p[0]:,.1f} / {sum(p) / len(p):,.1f} | {sum(d) / len(d):,.1f} "
            f"| {looked[0]:,} / {sum(looked) / len(looked):,.0f} | {r['liquidation_orders']} | {r['liquidation_fills']} "
            f"| {r['deleveraging_fills']} | {r['peak_rss_mib']:,.0f} | {r['rss_growth_mib']:,.1f} |"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
