"""
The TLA+ model of the order book (tla/book/Book.tla): TLC model checking and trace
validation of the reference's matching engine (spec/clob.md; claims CROSS-1, PRIO-1, CONS-3).

``run_book_models`` model-checks every configuration under the key ``bookModels`` of
``tla/manifest.json`` (the same entry shape as the ledger's ``models``, judged by
``perpspec.verify.tlc``): the green configurations must give their exact number of distinct
states, the bug configurations must violate their named invariant.  TLC's invariants are
named by claim with ``_`` for ``-``: ``CROSS_1`` checks CROSS-1 (BOOK-2, INV-9), ``PRIO_1``
PRIO-1 (BOOK-1, MATCH-1, MATCH-2) and ``CONS_3`` CONS-3 (the base quantums of fills).

``run_book_traces`` replays seeded random order flows of the reference against the model
(design A of shared/protocol/verification-techniques.md, section 2.3, as in
``perpspec.verify.traces``):

- The run starts from ``perpspec.default_genesis.default_genesis()``; subaccounts ``a``, ``b``
  and ``c`` (each number 0 of its own owner) receive deposits of 10,000 USDC, so that at the
  prices used (1..6 ticks of BTC-USD: a step at one tick is worth 100 quote quantums, $0.0001)
  no collateral check can bind: the model's nondeterministic margin failure (MATCH-4) is never
  taken, ``fail`` is 0 in every logged step.  No block is advanced, so funding and expiry
  (ORDER-9) never act.
- Every message is a short-term order or cancel on clob pair 0 (BTC-USD), sent through
  ``perpspec.transition.apply_json``: ``Place`` (good-til-time), ``PlaceIOC`` (MATCH-6),
  ``PlacePostOnly`` (MATCH-5) or ``Cancel`` (ORDER-7) of an earlier order.  The model id of the
  n-th order is n, its client id.
- After each message the reference state is mapped onto every model variable: ``orders``
  (size, price, the filled amount of ORDER-11, remaining = size - filled, and status: resting,
  or the reason of its ``OrderRemoved`` event), ``book`` (the client ids of each price level of
  each side, in queue order, BOOK-1), ``fills`` (the ``OrderFill`` events so far: taker, maker,
  price, size; ``better`` is the empty set, the claim that no resting maker was ahead) and
  ``pos`` (each subaccount's position).  Prices are subticks / subticksPerTick and sizes base
  quantums / stepBaseQuantums; a value that does not divide exactly, or leaves TLC's 32-bit
  integers, is a ``TraceMappingError``.

The negative tests: one trace with the makers of two fills of one placement swapped (in that
state and every later one), and one with one order's remaining size off by one, must each be
rejected with ``StepAccepted`` violated exactly at the step before the corrupted state.
"""

from __future__ import annotations

import json
import random
import shutil
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perpspec.default_genesis import default_genesis
from perpspec.messages import CANCEL_ORDER_TYPE, DEPOSIT_TYPE, PLACE_ORDER_TYPE
from perpspec.report import CHECKED, FAILED, SELF_TEST, MethodResult, verdict
from perpspec.simulation import account, subaccount_json
from perpspec.state import State
from perpspec.transition import apply_json
from perpspec.types import OrderId, SubaccountId
from perpspec.verify import tlc
from perpspec.verify.traces import TraceCheck, TraceMappingError, judge_trace_run, tla_value

CLAIMS = ("CROSS-1", "PRIO-1", "CONS-3")
SPEC_IDS = ("BOOK-1", "MATCH-1", "MATCH-2", "MATCH-3", "MATCH-5", "MATCH-6", "INV-9")
"""The rules of spec/clob.md and spec/invariants.md the model and its traces check."""

MANIFEST_MODELS = "bookModels"
MANIFEST_TRACES = "bookTraces"
BOOK_DIR = "book"
TRACE_SPEC = "BookTrace"
TRACE_DATA = "BookTraceData"
TRACE_FILES = ("Book.tla", "BookTrace.tla", "BookTrace.cfg")

PAIR_ID = 0
"""Clob pair 0 of the default genesis: BTC-USD, step 1,000,000 base quantums, tick 100,000 subticks."""
OWNERS = ("a", "b", "c")
TICKS = (1, 2, 3, 4, 5, 6)
"""The model's price levels (Prices = 1..6): the book is written as a tuple indexed by tick."""
SIZES = (1, 2, 3)
DEPOSIT_QUANTUMS = 10_000 * 10**6
"""10,000 USDC per subaccount: far above the margin any of these orders needs."""
GOOD_TIL_AHEAD = 20
"""Orders and cancels are good until 20 blocks ahead (ORDER-4); no block is advanced."""

ACTIONS = {
    "Place": "TIME_IN_FORCE_UNSPECIFIED",
    "PlaceIOC": "TIME_IN_FORCE_IOC",
    "PlacePostOnly": "TIME_IN_FORCE_POST_ONLY",
}
REASONS = {
    "FULLY_FILLED": "filled",
    "CANCELED": "canceled",
    "SELF_TRADE": "selftrade",
    "UNDERCOLLATERALIZED": "undercollat",
    "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK": "ioc",
    "POST_ONLY_WOULD_CROSS_MAKER_ORDER": "postonly",
}
"""``OrderRemoved`` reasons (spec/clob.md) as the model's order statuses."""


def owner_of(name: str) -> str:
    """The address owning the model's subaccount ``name``."""
    return account(f"tla-book-{name}")


@dataclass
class BookTrace:
    """One logged run: its seed and steps (the genesis first), with counts for reports."""

    seed: int
    steps: list[dict[str, Any]] = field(default_factory=list)
    accepted: int = 0
    rejected: int = 0

    @property
    def fills(self) -> int:
        return len(self.steps[-1]["state"]["fills"]) if self.steps else 0

    def copy(self) -> BookTrace:
        steps = [_copy_step(step) for step in self.steps]
        return BookTrace(self.seed, steps, self.accepted, self.rejected)


def _copy_step(step: dict[str, Any]) -> dict[str, Any]:
    def copy(value: Any) -> Any:
        if isinstance(value, dict):
            return {key: copy(item) for key, item in value.items()}
        if isinstance(value, list):
            return [copy(item) for item in value]
        return value  # ints, strings, booleans, frozensets

    return copy(step)


# --- recording a run of the reference ---------------------------------------------------


def _exact(value: int, unit: int, what: str) -> int:
    if value % unit:
        raise TraceMappingError(f"{what} {value} is not a multiple of {unit}")
    return value // unit


class BookRecorder:
    """A seeded random order flow through the reference, and its image in the model."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.state: State = default_genesis()
        pair = self.state.clob.clob_pairs[PAIR_ID]
        self.step_quantums = pair.step_base_quantums
        self.tick_subticks = pair.subticks_per_tick
        self.orders: list[dict[str, Any]] = []  # model id n is self.orders[n - 1]
        self.ids: dict[OrderId, int] = {}
        self.status: dict[int, str] = {}
        self.fills: list[dict[str, Any]] = []
        self.cancelled: set[int] = set()
        for name in OWNERS:
            owner = owner_of(name)
            deposit = {
                "@type": DEPOSIT_TYPE,
                "signer": owner,
                "sender": owner,
                "recipient": subaccount_json(owner, 0),
                "assetId": 0,
                "quantums": str(DEPOSIT_QUANTUMS),
            }
            outcome = apply_json(self.state, deposit)
            if not outcome.accepted:
                raise TraceMappingError(f"the setup deposit for {name} was rejected: {outcome.to_json()}")

    # messages

    def _order_id(self, name: str, client_id: int) -> dict:
        return {
            "subaccountId": subaccount_json(owner_of(name), 0),
            "clientId": client_id,
            "orderFlags": 0,
            "clobPairId": PAIR_ID,
        }

    def next_message(self) -> tuple[dict, str, dict[str, Any]]:
        """(message JSON, model action, its arguments): chosen by the generator, never by the reference."""
        rng = self.rng
        live = [n for n in range(1, len(self.orders) + 1) if n not in self.cancelled]
        kind = rng.choices(["Place", "PlaceIOC", "PlacePostOnly", "Cancel"], [6, 2, 2, 1])[0]
        if kind == "Cancel" and live:
            resting = [n for n in live if self.status.get(n) == "resting"]
            target = rng.choice(resting) if resting and rng.randrange(4) else rng.choice(live)
            self.cancelled.add(target)
            order = self.orders[target - 1]
            message = {
                "@type": CANCEL_ORDER_TYPE,
                "signer": owner_of(order["owner"]),
                "orderId": self._order_id(order["owner"], target),
                "goodTilBlock": self.state.blocks.height + GOOD_TIL_AHEAD,
            }
            return message, "Cancel", {"id": target}
        if kind == "Cancel":
            kind = "Place"
        name = rng.choice(OWNERS)
        side = rng.choice(("buy", "sell"))
        # Passive orders: bids low, asks high (they may still cross).  Aggressive ones (two in
        # five): at or through the opposite side's best price, so that they fill, often
        # against several makers and levels.
        opposite = self._best_opposite(side)
        if opposite is not None and rng.randrange(5) < 2:
            through = rng.choice((0, 0, 1, 2))
            price = opposite + through if side == "buy" else opposite - through
            price = max(TICKS[0], min(TICKS[-1], price))
            size = rng.choice(SIZES[1:])
        else:
            price = rng.randint(1, 4) if side == "buy" else rng.randint(3, 6)
            size = rng.choice((SIZES[0], *SIZES))
        client_id = len(self.orders) + 1
        message = {
            "@type": PLACE_ORDER_TYPE,
            "signer": owner_of(name),
            "order": {
                "orderId": self._order_id(name, client_id),
                "side": "SIDE_BUY" if side == "buy" else "SIDE_SELL",
                "quantums": str(size * self.step_quantums),
                "subticks": str(price * self.tick_subticks),
                "goodTilBlock": self.state.blocks.height + GOOD_TIL_AHEAD,
                "timeInForce": ACTIONS[kind],
            },
        }
        oid = OrderId(SubaccountId(owner_of(name), 0), client_id, 0, PAIR_ID)
        self.ids[oid] = client_id
        self.orders.append({"owner": name, "side": side, "price": price, "size": size, "oid": oid})
        args = {"owner": name, "side": side, "price": price, "size": size, "fail": 0}
        return message, kind, args

    def _best_opposite(self, side: str) -> int | None:
        """The best price (in ticks) on the side a new order of ``side`` would match."""
        book = self.state.clob.books.get(PAIR_ID)
        level = None if book is None else (book.asks if side == "buy" else book.bids).best()
        return None if level is None else level.subticks // self.tick_subticks

    def observe(self, events: list[dict]) -> None:
        """Fills and removal reasons from the events of one accepted message."""
        for event in events:
            if event["type"] == "OrderFill":
                self.fills.append(
                    {
                        "taker": self._model_id(event["takerOrderId"]),
                        "maker": self._model_id(event["makerOrderId"]),
                        "price": _exact(int(event["subticks"]), self.tick_subticks, "fill subticks"),
                        "size": _exact(int(event["fillQuantums"]), self.step_quantums, "fill quantums"),
                        "better": frozenset(),
                    }
                )
            elif event["type"] == "OrderRemoved":
                reason = event["reason"]
                if reason not in REASONS:
                    raise TraceMappingError(f"removal reason {reason} is outside the model")
                self.status[self._model_id(event["orderId"])] = REASONS[reason]

    def _model_id(self, encoded: dict) -> int:
        oid = OrderId(
            SubaccountId(encoded["subaccountId"]["owner"], encoded["subaccountId"]["number"]),
            encoded["clientId"],
            encoded["orderFlags"],
            encoded["clobPairId"],
        )
        if oid not in self.ids:
            raise TraceMappingError(f"order {encoded} is not one of the trace's orders")
        return self.ids[oid]

    # the abstraction function

    def abstract_state(self) -> dict[str, Any]:
        """The reference state as the model's variables (raises ``TraceMappingError`` if inexact)."""
        clob = self.state.clob
        orders = []
        for n, order in enumerate(self.orders, 1):
            oid = order["oid"]
            filled = _exact(clob.fill_amounts.get(oid, 0), self.step_quantums, "filled quantums")
            if oid in clob.resting:
                self.status[n] = "resting"
            status = self.status.get(n, "unknown")
            if status == "resting" and oid not in clob.resting:
                raise TraceMappingError(f"order {n} left the book without an OrderRemoved event")
            orders.append(
                {
                    "owner": order["owner"],
                    "side": order["side"],
                    "price": order["price"],
                    "size": order["size"],
                    "filled": filled,
                    "rem": order["size"] - filled,
                    "status": status,
                }
            )
        book: dict[str, list[list[int]]] = {"buy": [[] for _ in TICKS], "sell": [[] for _ in TICKS]}
        pair_book = clob.books.get(PAIR_ID)
        if pair_book is not None:
            for side_name, side in (("buy", pair_book.bids), ("sell", pair_book.asks)):
                for subticks, level in side.levels.items():
                    tick = _exact(subticks, self.tick_subticks, "level subticks")
                    if tick not in TICKS:
                        raise TraceMappingError(f"a level at {tick} ticks is outside the model's prices")
                    ids = []
                    for entry in level.orders():
                        if entry.order_id not in self.ids:
                            raise TraceMappingError(f"order {entry.order_id} on the book is not the trace's")
                        ids.append(self.ids[entry.order_id])
                    book[side_name][tick - 1] = ids
        if set(clob.books) - {PAIR_ID}:
            raise TraceMappingError("a book on another clob pair")
        pos = {}
        for name in OWNERS:
            subaccount = self.state.subaccounts.subaccounts.get(SubaccountId(owner_of(name), 0))
            position = (
                subaccount.positions.get(self.state.clob.clob_pairs[PAIR_ID].perpetual_id) if subaccount else None
            )
            pos[name] = _exact(position.quantums, self.step_quantums, "position quantums") if position else 0
        return {"orders": orders, "book": book, "fills": [dict(f) for f in self.fills], "pos": pos}


def record_book_trace(seed: int, steps: int) -> BookTrace:
    """Run the reference for ``steps`` random order messages and log every state through the abstraction."""
    recorder = BookRecorder(seed)
    trace = BookTrace(seed)
    trace.steps.append({"action": "Genesis", "args": {"pair": PAIR_ID}, "state": recorder.abstract_state()})
    for _ in range(steps):
        message, action, args = recorder.next_message()
        outcome = apply_json(recorder.state, message)
        if outcome.accepted:
            trace.accepted += 1
            recorder.observe(outcome.events or [])
        else:
            trace.rejected += 1  # logged all the same: the model's step then fails StepAccepted
        trace.steps.append({"action": action, "args": args, "state": recorder.abstract_state()})
    return trace


# --- writing the trace ------------------------------------------------------------------


def trace_module(trace: BookTrace) -> str:
    """``BookTraceData.tla``: the run's constants and its steps (EXTENDS Integers, for negative numbers)."""
    lines = [
        f"---------------------------- MODULE {TRACE_DATA} ----------------------------",
        f"\\* Written by perpspec.verify.book_model: seed {trace.seed}, {len(trace.steps) - 1} messages.",
        "EXTENDS Integers",
        "",
        "TraceOwners == {" + ", ".join(json.dumps(name) for name in OWNERS) + "}",
        f"TracePrices == {TICKS[0]}..{TICKS[-1]}",
        "TraceSizes == {" + ", ".join(str(size) for size in SIZES) + "}",
        "",
        "Trace == <<",
    ]
    lines.append(",\n".join("  " + tla_value(step) for step in trace.steps))
    lines += [">>", "=" * 76, ""]
    return "\n".join(lines)


def trace_ndjson(trace: BookTrace) -> str:
    """The same trace as NDJSON (a meta line, then one line per step; sets as sorted lists)."""

    def plain(value: Any) -> Any:
        if isinstance(value, (set, frozenset)):
            return sorted(value)
        if isinstance(value, dict):
            return {key: plain(item) for key, item in value.items()}
        if isinstance(value, list):
            return [plain(item) for item in value]
        return value

    constants = {"Owners": list(OWNERS), "Prices": list(TICKS), "Sizes": list(SIZES)}
    meta = {"meta": {"seed": trace.seed, "constants": constants}}
    return "\n".join(json.dumps(plain(line), sort_keys=True) for line in [meta, *trace.steps]) + "\n"


# --- corrupted traces (negative tests) --------------------------------------------------


def corrupt_makers(trace: BookTrace) -> tuple[BookTrace, int] | None:
    """
    A copy of ``trace`` in which the first placement with two fills of different makers has
    those makers swapped, in its logged state and every later one; and that step's index.
    None when no placement filled against two makers.
    """
    for index in range(1, len(trace.steps)):
        before = len(trace.steps[index - 1]["state"]["fills"])
        new = trace.steps[index]["state"]["fills"][before:]
        for first in range(len(new)):
            for second in range(first + 1, len(new)):
                if new[first]["maker"] != new[second]["maker"]:
                    corrupted = trace.copy()
                    a, b = before + first, before + second
                    for step in corrupted.steps[index:]:
                        history = step["state"]["fills"]
                        history[a]["maker"], history[b]["maker"] = history[b]["maker"], history[a]["maker"]
                    return corrupted, index
    return None


def corrupt_remaining(trace: BookTrace, rng: random.Random | None = None) -> tuple[BookTrace, int]:
    """A copy of ``trace`` with one order's remaining size off by one in one logged state (not the genesis)."""
    rng = rng or random.Random(trace.seed)
    later = range(max(1, len(trace.steps) // 2), len(trace.steps))
    candidates = [i for i in later if trace.steps[i]["state"]["orders"]]
    if not candidates:
        raise ValueError("the trace has no logged order to corrupt")
    index = rng.choice(candidates)
    corrupted = trace.copy()
    orders = corrupted.steps[index]["state"]["orders"]
    orders[rng.randrange(len(orders))]["rem"] += 1
    return corrupted, index


# --- checking a trace with TLC ----------------------------------------------------------


def check_book_trace(trace: BookTrace, book_dir: Path, java: str, jar: Path, timeout: float = 120) -> TraceCheck:
    """
    Replay one trace with TLC in a temporary directory.  Accepted means: no error, and exactly
    one distinct state per logged step (so a genesis TLC could not match is not a silent pass).
    """
    with tempfile.TemporaryDirectory(prefix="perpspec-booktrace-") as scratch_name:
        scratch = Path(scratch_name)
        for name in TRACE_FILES:
            shutil.copy(book_dir / name, scratch / name)
        (scratch / f"{TRACE_DATA}.tla").write_text(trace_module(trace), encoding="utf-8")
        (scratch / "trace.ndjson").write_text(trace_ndjson(trace), encoding="utf-8")
        command = [
            java, "-XX:+UseParallelGC", "-cp", str(jar), "tlc2.TLC", "-workers", "1", "-deadlock",
            "-metadir", str(scratch / "states"), "-config", "BookTrace.cfg", TRACE_SPEC,
        ]  # fmt: skip
        run = tlc.run_tlc(command, scratch, timeout, scratch)
    return judge_trace_run(run, len(trace.steps))


def run_book_traces(quick: bool, repository: Path | None = None) -> list[MethodResult]:
    """
    (a) Seeded random order flows of the reference, each replayed by TLC against Book
    (CROSS-1, PRIO-1, CONS-3; BOOK-1, MATCH-1..3, MATCH-5, MATCH-6, INV-9); (b) corrupted
    copies, which TLC must reject at StepAccepted exactly where they were corrupted: two
    fills' makers swapped (and, in full runs, one remaining size off by one).
    Quick: 1 trace of 30 messages and its corrupted copy, checked side by side (3-4 s);
    full: 10 traces of 120 messages and two corrupted copies (50-70 s on 2 busy cores).
    """
    count, steps = (1, 30) if quick else (10, 120)
    tla_dir = tlc.find_tla_dir(repository)
    problem = tlc.missing_tools(tla_dir)
    if problem is not None:
        return [MethodResult(CLAIMS, tlc.METHOD, "BookTrace (traces)", FAILED, problem)]
    tla_dir, java, jar = tlc.found_tools(tla_dir)
    book_dir = tla_dir / BOOK_DIR
    if not all((book_dir / name).is_file() for name in TRACE_FILES):
        problem = "tla/book/ lacks " + ", ".join(TRACE_FILES)
        return [MethodResult(CLAIMS, tlc.METHOD, "BookTrace (traces)", FAILED, problem)]
    results: list[MethodResult] = []
    traces: list[BookTrace] = []
    for seed in range(count):
        start = time.perf_counter_ns()
        try:
            traces.append(record_book_trace(seed, steps))
        except Exception as error:
            ms = (time.perf_counter_ns() - start) // 1_000_000
            name = f"BookTrace seed {seed}"
            results.append(MethodResult(CLAIMS, tlc.METHOD, name, FAILED, f"recording: {error!r}", ms))
    jobs: list[tuple[BookTrace, str, int | None, str]] = [(t, f"BookTrace seed {t.seed}", None, "") for t in traces]
    swapped = next((found for t in traces if (found := corrupt_makers(t)) is not None), None)
    if swapped is not None:
        corrupted, index = swapped
        jobs.append((corrupted, f"BookTrace seed {corrupted.seed} makers swapped", index, "two fills' makers swapped"))
    elif traces:
        detail = "no placement filled against two makers"
        results.append(MethodResult(CLAIMS, tlc.METHOD, "BookTrace makers swapped", FAILED, detail))
    if traces and not quick:
        corrupted, index = corrupt_remaining(traces[0])
        name = f"BookTrace seed {corrupted.seed} remaining corrupted"
        jobs.append((corrupted, name, index, "one remaining size off by one"))

    def check_job(job: tuple[BookTrace, str, int | None, str]) -> TraceCheck:
        try:
            return check_book_trace(job[0], book_dir, java, jar)
        except (OSError, ValueError) as error:
            return TraceCheck(False, f"cannot run TLC on the trace: {error!r}", 0)

    with ThreadPoolExecutor(max_workers=2) as pool:
        checks = list(pool.map(check_job, jobs))
    for (trace, name, corrupted_at, what), check in zip(jobs, checks):
        distinct = check.run.distinct_states if check.run is not None else None
        extra = {"steps": len(trace.steps) - 1, "fills": trace.fills, "distinct_states": distinct}
        if corrupted_at is not None:
            run = check.run
            rejected = run is not None and run.violated == "StepAccepted" and run.trace_length == corrupted_at
            where = f"Trace[{corrupted_at + 1}] ({what})"
            detail = (
                f"corrupted {where} rejected: {check.detail}"
                if rejected
                else f"corrupted {where} NOT rejected by StepAccepted at that step: {check.detail}"
            )
            results.append(
                MethodResult(
                    CLAIMS, tlc.METHOD, name, verdict(rejected, SELF_TEST), detail, check.milliseconds, extra=extra
                )
            )
        else:
            summary = (
                f"{len(trace.steps) - 1} messages ({trace.accepted} accepted, {trace.rejected} rejected), "
                f"{trace.fills} fills"
            )
            detail = f"{summary}: {check.detail}"
            result = MethodResult(
                CLAIMS, tlc.METHOD, name, verdict(check.accepted, CHECKED), detail, check.milliseconds, extra=extra
            )
            results.append(result)
    return results


# --- model checking the configurations --------------------------------------------------


def read_book_entries(tla_dir: Path) -> list[dict[str, Any]]:
    """The ``bookModels`` entries of ``tla/manifest.json``."""
    return list(tlc.read_manifest(tla_dir)[MANIFEST_MODELS])


def run_book_models(quick: bool, repository: Path | None = None) -> list[MethodResult]:
    """
    Model-check every ``bookModels`` configuration of ``tla/manifest.json`` (quick: only those
    marked quick), two at a time: a green one must give its exact distinct-state count, a bug
    one must violate its named invariant (CROSS_1, PRIO_1 or CONS_3).
    """
    tla_dir = tlc.find_tla_dir(repository)
    problem = tlc.missing_tools(tla_dir)
    if problem is not None:
        return [MethodResult(CLAIMS, tlc.METHOD, "Book (TLC)", FAILED, problem)]
    tla_dir, java, jar = tlc.found_tools(tla_dir)
    try:
        entries = [e for e in read_book_entries(tla_dir) if e.get("quick", True) or not quick]
    except (OSError, ValueError, KeyError, TypeError) as error:
        problem = f"cannot read tla/{tlc.MANIFEST} {MANIFEST_MODELS}: {error}"
        return [MethodResult(CLAIMS, tlc.METHOD, "Book (TLC)", FAILED, problem)]

    def run(entry: dict[str, Any]) -> MethodResult:
        try:
            return tlc.run_entry(entry, tla_dir, java, jar)
        except (OSError, KeyError, TypeError, ValueError) as error:
            claims = tuple(entry.get("claims", ()))
            return MethodResult(claims, tlc.METHOD, str(entry.get("config")), FAILED, repr(error))

    # The longest run first, so that the short ones fill the other thread.
    ordered = sorted(entries, key=lambda e: -e.get("measuredSeconds", 0))
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = dict(zip((id(e) for e in ordered), pool.map(run, ordered)))
    return [done[id(e)] for e in entries]


if __name__ == "__main__":
    import sys

    # --traces: trace validation only (the models do not read the reference).  Exit 0 when
    # every check passed, 1 when one failed (tlc.exit_code)
    full = "--full" in sys.argv

    def main() -> int:
        models = [] if "--traces" in sys.argv else run_book_models(quick=not full)
        return tlc.report(models + run_book_traces(quick=not full))

    sys.exit(tlc.run_main(main))
