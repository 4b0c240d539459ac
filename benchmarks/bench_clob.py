"""
Benchmark of perpspec's order book and matching engine (spec/clob.md, BOOK-3).  A figure, not a test.

    PYTHONPATH=reference python benchmarks/bench_clob.py                  # the default run, a few minutes
    PYTHONPATH=reference python benchmarks/bench_clob.py --depths 1000 --ops 5000 --mem-depth 10000   # quick
    PYTHONPATH=reference python benchmarks/bench_clob.py --compiled build/compiled   # also the mypyc build

A seeded synthetic order flow on the default genesis's three markets (BTC-USD, ETH-USD,
SOL-USD) and thousands of funded subaccounts, every message through the real transition
(``apply_message``: validation, both sides of every fill margin-checked, fees, events):

- passive long-term limit orders near the oracle price (they may cross: then they match);
- cancels of live long-term orders (stateful cancels; a place becomes a cancel while the
  generator's count of live ids is above the depth, so the book stays near its depth);
- replacements: a live id placed again with a later good-til-block-time, a new price and size;
- IOC taker orders (short-term) crossing the spread, sweeping one or more makers;
- a new block every ``--block-every`` ops (expiry, volume, conditional triggers run).

Before the timed ops, ``depth`` resting orders are placed (untimed), spread over the three
books.  Printed, each measured in its own subprocess (contracts are fixed at import):

1. ops/s with contracts off and on (``PERPSPEC_CONTRACTS=0`` / ``1``) at each ``--onoff-depths``;
2. the cost per op (us) and ops/s at each of ``--depths`` resting orders, contracts off;
3. bytes per resting order (tracemalloc: the growth of traced memory over placing ``--mem-depth``
   resting orders into a fresh state, divided by the resting orders).

With ``--compiled DIR`` (a package made by ``benchmarks/compile_engine.py``), the cost per
op is measured twice, interpreted and compiled; the compiled package runs with contracts
off only (compile_engine.py says why), so the off/on comparison stays interpreted.

Timing is wall time (perf_counter) of the timed ops, garbage collector on; the best of
``--reps`` runs is printed with the others.  The machine's other load moves absolute figures;
ratios measured in one run hold better.
"""

from __future__ import annotations

import argparse
import copy
import gc
import hashlib
import json
import os
import platform
import random
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# Op kinds of the generated flow (tuples, built into messages inside the timed loop)
PLACE, CANCEL, REPLACE, IOC, BLOCK = 0, 1, 2, 3, 4
MARKETS = (0, 1, 5)
"""BTC-USD, ETH-USD, SOL-USD: clob pair ids of the default genesis (GEN-1)."""
FUNDING_USDC = 10**13
"""$10^7 per subaccount (quote quantums)."""


def owner_address(i: int) -> str:
    from perpspec.bech32 import encode_address

    return encode_address(hashlib.sha256(f"bench-owner-{i}".encode()).digest()[:20])


class Setup:
    """The genesis, the pairs' units and oracle prices in ticks."""

    def __init__(self, accounts: int) -> None:
        from perpspec.default_genesis import default_genesis_json
        from perpspec.genesis import load_genesis
        from perpspec.types import SubaccountId
        from perpspec.units import price_to_subticks

        genesis = copy.deepcopy(default_genesis_json())
        self.addresses = [owner_address(i) for i in range(accounts)]
        genesis["subaccounts"]["subaccounts"] = [
            {
                "id": {"owner": address, "number": 0},
                "assetPositions": [{"assetId": 0, "quantums": str(FUNDING_USDC)}],
                "perpetualPositions": [],
            }
            for address in self.addresses
        ]
        self.state = load_genesis(genesis)
        self.subaccounts = [SubaccountId(a, 0) for a in self.addresses]
        self.mid_ticks = {}
        self.tick = {}
        self.step = {}
        for pid in MARKETS:
            pair = self.state.clob.clob_pairs[pid]
            perpetual = self.state.perpetuals.perpetuals[pair.perpetual_id]
            price = self.state.prices.market_prices[perpetual.market_id]
            subticks = price_to_subticks(
                price.price, price.exponent, perpetual.atomic_resolution, -6, pair.quantum_conversion_exponent
            )
            self.tick[pid] = pair.subticks_per_tick
            self.step[pid] = pair.step_base_quantums
            self.mid_ticks[pid] = int(subticks) // pair.subticks_per_tick


def generate(setup: Setup, depth: int, n_ops: int, seed: int, block_every: int) -> tuple[list, list]:
    """(pre-load places, timed ops) as tuples; deterministic in the seed."""
    rng = random.Random(seed)
    accounts = len(setup.addresses)
    expiry: dict[tuple, int] = {}  # (owner, client id) -> latest good-til-block-time offset
    live: list[tuple] = []  # candidate live ids (owner, client id, market); some may be filled already
    next_client = [0] * accounts

    def size() -> int:
        return 1 + int(rng.expovariate(1 / 8.0))

    def new_place(market: int, offset: int) -> tuple:
        owner = rng.randrange(accounts)
        cid = next_client[owner]
        next_client[owner] += 1
        is_buy = (owner + cid) % 2 == 0  # the side is fixed per id, so replacements keep it (ORDER-6)
        expiry[(owner, cid)] = 1
        live.append((owner, cid, market))
        mid = setup.mid_ticks[market]
        price = mid - offset if is_buy else mid + offset
        return (PLACE, owner, cid, market, is_buy, max(1, price), size(), 1)

    preload = []
    per_side = max(1, depth // (2 * len(MARKETS)))
    for i in range(depth):
        market = MARKETS[i % len(MARKETS)]
        levels = min(max(20, per_side // 4), setup.mid_ticks[market] // 2)
        preload.append(new_place(market, rng.randint(1, levels)))
    ops = []
    for i in range(n_ops):
        if block_every and i % block_every == block_every - 1:
            ops.append((BLOCK,))
            continue
        u = rng.random()
        market = rng.choice(MARKETS)
        # a place turns into a cancel while the ids the generator thinks live exceed the depth, so the
        # book stays near the depth it was built for (fills also remove orders the generator still lists)
        if not live or (u < 0.45 and len(live) < depth):
            ops.append(new_place(market, int(rng.expovariate(1 / 15.0))))
        elif u < 0.65:
            j = rng.randrange(len(live))
            owner, cid, m = live[j]
            live[j] = live[-1]
            live.pop()
            ops.append((CANCEL, owner, cid, m, expiry[(owner, cid)]))
        elif u < 0.80:
            owner, cid, m = live[rng.randrange(len(live))]
            expiry[(owner, cid)] += 1
            is_buy = (owner + cid) % 2 == 0  # as placed: a replacement keeps its side (ORDER-6)
            mid = setup.mid_ticks[m]
            offset = 1 + int(rng.expovariate(1 / 15.0))
            price = mid - offset if is_buy else mid + offset
            ops.append((REPLACE, owner, cid, m, is_buy, price, size(), expiry[(owner, cid)]))
        else:
            owner = rng.randrange(accounts)
            cid = next_client[owner]
            next_client[owner] += 1
            is_buy = rng.random() < 0.5
            mid = setup.mid_ticks[market]
            through = rng.randint(0, 5)
            ops.append((IOC, owner, cid, market, is_buy, mid + through if is_buy else mid - through, size() * 2, 0))
    return preload, ops


class Runner:
    """Builds messages from op tuples and applies them through ``apply_message``."""

    def __init__(self, setup: Setup) -> None:
        from perpspec.clob.state import Order
        from perpspec.messages import AdvanceBlock, CancelOrder, PlaceOrder, validate_order_basic
        from perpspec.transition import apply_message
        from perpspec.types import OrderId

        self.setup = setup
        self.state = setup.state
        self.Order, self.OrderId, self.PlaceOrder, self.CancelOrder = Order, OrderId, PlaceOrder, CancelOrder
        self.AdvanceBlock = AdvanceBlock
        self.validate = validate_order_basic
        self.apply = apply_message
        self.time0 = self.state.blocks.time

    def run(self, ops: list) -> dict:
        from perpspec.errors import ProtocolError
        from perpspec.events import OrderFillEvent

        state = self.state
        setup = self.setup
        subaccounts, addresses, tick, step = setup.subaccounts, setup.addresses, setup.tick, setup.step
        Order, OrderId, PlaceOrder, CancelOrder = self.Order, self.OrderId, self.PlaceOrder, self.CancelOrder
        validate, apply = self.validate, self.apply
        base_time = self.time0 + 10**6
        fills = rejected = 0
        for op in ops:
            kind = op[0]
            if kind in (PLACE, REPLACE):
                _, owner, cid, market, is_buy, price, lots, gtbt = op
                order = Order(
                    OrderId(subaccounts[owner], cid, 64, market),
                    1 if is_buy else 2,
                    lots * step[market],
                    price * tick[market],
                    good_til_block_time=base_time + gtbt,
                )
                validate(order)
                message = PlaceOrder(addresses[owner], order)
            elif kind == CANCEL:
                _, owner, cid, market, gtbt = op
                order_id = OrderId(subaccounts[owner], cid, 64, market)
                message = CancelOrder(addresses[owner], order_id, 0, base_time + gtbt)
            elif kind == IOC:
                _, owner, cid, market, is_buy, price, lots, _ = op
                order = Order(
                    OrderId(subaccounts[owner], cid, 0, market),
                    1 if is_buy else 2,
                    lots * step[market],
                    price * tick[market],
                    good_til_block=state.blocks.height + 5,
                    time_in_force=1,
                )
                validate(order)
                message = PlaceOrder(addresses[owner], order)
            else:
                message = self.AdvanceBlock(state.authority, state.blocks.height + 1, state.blocks.time + 1)
            try:
                for event in apply(state, message):
                    if type(event) is OrderFillEvent:
                        fills += 1
            except ProtocolError:
                rejected += 1
        return {"fills": fills, "rejected": rejected}


def measure(depth: int, n_ops: int, seed: int, accounts: int, reps: int, block_every: int) -> dict:
    """One setting in this process: ops/s of the timed ops at this depth (best of reps)."""
    import perpspec.clob.matching
    from perpspec.config import CONTRACTS_ENABLED

    rates = []
    info = {}
    for _ in range(reps):
        setup = Setup(accounts)
        preload, ops = generate(setup, depth, n_ops, seed, block_every)
        runner = Runner(setup)
        t0 = time.perf_counter()
        runner.run(preload)
        t1 = time.perf_counter()
        resting_start = len(setup.state.clob.resting)
        gc.collect()
        t2 = time.perf_counter()
        c2 = time.process_time()
        info = runner.run(ops)
        t3 = time.perf_counter()
        c3 = time.process_time()
        rates.append(len(ops) / (t3 - t2))
        info.update(
            build_s=round(t1 - t0, 2),
            resting_start=resting_start,
            resting_end=len(setup.state.clob.resting),
            cpu_ops_per_s=round(len(ops) / (c3 - c2)),
        )
        del runner, setup, preload
        gc.collect()
    return dict(
        depth=depth,
        ops=n_ops,
        contracts=CONTRACTS_ENABLED,
        compiled=not perpspec.clob.matching.__file__.endswith(".py"),
        ops_per_s=max(rates),
        rates=[round(r) for r in rates],
        **info,
    )


def memory(depth: int, seed: int, accounts: int) -> dict:
    """Bytes per resting order: tracemalloc growth over placing ``depth`` resting orders."""
    import tracemalloc

    setup = Setup(accounts)
    preload, _ = generate(setup, depth, 0, seed, 0)
    runner = Runner(setup)
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    runner.run(preload)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    resting = len(setup.state.clob.resting)
    return {"depth": depth, "resting": resting, "bytes": after - before, "bytes_per_order": (after - before) / resting}


def child(args: list[str], contracts: bool, compiled: str = "") -> dict:
    """Run a measurement in its own process; ``compiled`` puts a compiled package first on the path."""
    env = dict(os.environ, PERPSPEC_CONTRACTS="1" if contracts else "0")
    if compiled:
        env["PYTHONPATH"] = os.pathsep.join(p for p in (compiled, env.get("PYTHONPATH", "")) if p)
    out = subprocess.run([sys.executable, os.path.abspath(__file__), *args], env=env, capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"child {args} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--ops", type=int, default=30_000, help="timed ops per run")
    ap.add_argument("--depths", default="1000,100000,1000000", help="resting orders before the timed ops")
    ap.add_argument("--onoff-depths", default="1000,100000", help="depths of the contracts off/on comparison")
    ap.add_argument("--onoff-ops", type=int, default=10_000)
    ap.add_argument("--reps", type=int, default=3)
    ap.add_argument("--accounts", type=int, default=5_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--block-every", type=int, default=1_000)
    ap.add_argument("--mem-depth", type=int, default=100_000)
    ap.add_argument("--child", choices=["measure", "memory"])
    ap.add_argument("--depth", type=int, default=1_000)
    ap.add_argument("--compiled", default="", help="a package from benchmarks/compile_engine.py: also measure it")
    a = ap.parse_args()
    if a.child == "measure":
        print(json.dumps(measure(a.depth, a.ops, a.seed, a.accounts, a.reps, a.block_every)))
        return
    if a.child == "memory":
        print(json.dumps(memory(a.depth, a.seed, a.accounts)))
        return

    common = ["--seed", str(a.seed), "--accounts", str(a.accounts), "--block-every", str(a.block_every)]
    print(
        f"# bench_clob {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}  python {platform.python_version()}  "
        f"cpus={os.cpu_count()}  accounts={a.accounts}  markets={len(MARKETS)}  seed={a.seed}"
    )
    print("\n## contracts off vs on (ops/s, best of reps; each setting in its own process)")
    print(f"{'resting':>9s} {'ops':>6s} {'off ops/s':>10s} {'on ops/s':>10s} {'on/off slowdown':>16s}")
    for depth in [int(x) for x in a.onoff_depths.split(",") if x]:
        args = ["--child", "measure", "--depth", str(depth), "--ops", str(a.onoff_ops), "--reps", str(a.reps), *common]
        off = child(args, False)
        on = child(args, True)
        print(
            f"{depth:9,d} {a.onoff_ops:6d} {off['ops_per_s']:10,.0f} {on['ops_per_s']:10,.0f} "
            f"{off['ops_per_s'] / on['ops_per_s']:15.2f}x"
        )
    for compiled in ["", a.compiled] if a.compiled else [""]:
        engine = f"compiled (mypyc, {compiled})" if compiled else "interpreted"
        print(f"\n## cost per op by resting orders (contracts off, {engine})")
        print(
            f"{'resting':>9s} {'ops':>6s} {'ops/s':>10s} {'us/op':>7s} {'vs first':>9s} {'fills':>6s} {'rejected':>8s} "
            f"{'resting end':>11s} {'build s':>8s}  runs"
        )
        first = None
        for depth in [int(x) for x in a.depths.split(",") if x]:
            args = ["--child", "measure", "--depth", str(depth), "--ops", str(a.ops), "--reps", str(a.reps), *common]
            r = child(args, False, compiled)
            if r["compiled"] != bool(compiled):
                raise SystemExit(f"expected the {engine} engine, the child imported the other one")
            us = 1e6 / r["ops_per_s"]
            first = first or us
            print(
                f"{depth:9,d} {a.ops:6d} {r['ops_per_s']:10,.0f} {us:7.2f} {us / first:8.2f}x {r['fills']:6d} "
                f"{r['rejected']:8d} {r['resting_end']:11,d} {r['build_s']:8.1f}  {r['rates']}"
            )
    print("\n## memory (tracemalloc, contracts off)")
    m = child(["--child", "memory", "--depth", str(a.mem_depth), *common], False)
    print(
        f"{m['resting']:,} resting orders: {m['bytes']:,} bytes traced, "
        f"{m['bytes_per_order']:.0f} bytes per resting order"
    )


if __name__ == "__main__":
    main()
