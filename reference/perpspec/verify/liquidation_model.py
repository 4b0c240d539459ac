"""
The TLA+ model of the risk engine (tla/liquidation/Liquidation.tla): TLC model checking and
trace validation of the reference's deleveraging and negative-TNC gating (spec/liquidations.md,
spec/deleveraging.md; claims SOLV-3 and CONS-5, with CONS-1 and POS-1).

``run_liquidation_models`` model-checks every configuration under the key
``liquidationModels`` of ``tla/manifest.json`` (the ledger's entry shape, judged by
``perpspec.verify.tlc``): green ones must give their exact number of distinct states, bug ones
must violate their named invariant, or, for an entry with ``temporalProperty``, that temporal
property (TLC 2.15 does not name a violated temporal property; such a configuration checks
only that one).

``run_liquidation_traces`` replays seeded random ledger runs of the reference whole against
the model (design A of shared/protocol/verification-techniques.md, section 2.3).  They are the
runs of ``perpspec.verify.traces`` (same genesis, same messages, same seeds), which LedgerTrace
cuts before their first block that deleverages: here each block is logged as one ``Deleverage``
step per ``DeleveragingFill`` event of its phases (the state after each fill rebuilt from the
events, and the block's end compared with the reference's own state, a ``TraceMappingError``
if they differ), then ``EndBlockPhases`` with the state after the block; an accepted oracle
update is ``SetPrice``; every other message is ``LedgerMessage`` (positions, price, fund and
gating unchanged, CONS-1 kept; Ledger.tla judges those).  TLC recomputes each fill's size
(DEL-2) and quote (the bankruptcy price of LIQ-6, from the liquidated subaccount as it stands),
both sides' collateral check (SUB-7, SUB-8) and the gating rule (DEL-5).  That genesis has no
clob pair, so its liquidation orders are never placed (LIQ-12: straight to deleveraging).  The
maker runs add one (``liquidation_genesis``: step 1, one subtick a tick, quantum conversion
exponent 0) and a maker ``m`` that keeps one bid and one ask near the oracle price: each
``LiquidationFill`` event is a step whose price TLC checks against the fillable price (LIQ-7,
LIQ-8) and whose fund share against LIQ-9 and INS-1 (SOLV-3).  One maker order a side keeps
each liquidation order to one fill, since the model prices each fill from the state before
it where the reference prices the order once.

The negative tests: one trace with the liquidated subaccount's USDC one quantum high in the
state after its first deleveraging fill, and one with its first block that gated on negative TNC
logged ungated, must each be rejected with ``StepAccepted`` violated at that step.
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

from perpspec.clob.state import ClobPairStatus
from perpspec.genesis import load_genesis
from perpspec.messages import PLACE_ORDER_TYPE, UPDATE_PRICES_TYPE
from perpspec.report import CHECKED, FAILED, SELF_TEST, MethodResult, verdict
from perpspec.simulation import subaccount_json
from perpspec.state import State
from perpspec.subaccounts import is_withdrawal_gated
from perpspec.transition import apply_json
from perpspec.types import OrderId, SubaccountId
from perpspec.verify import tlc
from perpspec.verify.traces import (
    ACCOUNTS,
    MARKET_ID,
    PERPETUAL_ID,
    TraceCheck,
    TraceMappingError,
    TraceMessages,
    judge_trace_run,
    subaccount_id,
    tla_value,
    trace_genesis,
)

CLAIMS = ("SOLV-3", "CONS-5", "CONS-1", "POS-1")
TRACE_CLAIMS = CLAIMS
SPEC_IDS = ("LIQ-6", "LIQ-7", "LIQ-8", "LIQ-9", "LIQ-13", "INS-1", "DEL-1", "DEL-2", "DEL-3", "DEL-5", "FINAL-2")

MANIFEST_MODELS = "liquidationModels"
MANIFEST_TRACES = "liquidationTraces"
LIQUIDATION_DIR = "liquidation"
TRACE_SPEC = "LiquidationTrace"
TRACE_DATA = "LiquidationTraceData"
TRACE_FILES = ("Liquidation.tla", "LiquidationTrace.tla", "LiquidationTrace.cfg")
MAKER = "m"
"""The maker subaccount of the liquidation traces (the model's Makers)."""
MAKER_USDC = 1_000
PAIR_ID = 0


@dataclass
class LiquidationTrace:
    """One logged run: its seed, constants and steps (the genesis first), with counts for reports."""

    seed: int
    constants: dict[str, Any]
    steps: list[dict[str, Any]] = field(default_factory=list)
    messages: int = 0
    fills: int = 0
    gating: int = 0
    """Blocks whose phases saw a negative-TNC subaccount (NegativeTncSubaccountSeen)."""
    accounts: tuple[str, ...] = ACCOUNTS
    orders: int = 0
    liquidation_fills: int = 0

    def copy(self) -> LiquidationTrace:
        steps = json.loads(json.dumps(self.steps))
        return LiquidationTrace(
            self.seed, dict(self.constants), steps, self.messages, self.fills, self.gating,
            self.accounts, self.orders, self.liquidation_fills,
        )  # fmt: skip


class MakerQuotes:
    """The maker's orders: one bid at or below and one ask at or above the oracle price, re-placed when gone."""

    def __init__(self, rng: random.Random, state: State) -> None:
        self.rng = rng
        self.state = state
        self.client_id = 0
        self.live: dict[str, OrderId] = {}

    def next(self) -> dict[str, Any] | None:
        """A PlaceOrder for a side with no live maker order, or None when both rest."""
        resting = self.state.clob.resting
        gone = [side for side in ("buy", "sell") if side not in self.live or self.live[side] not in resting]
        if not gone:
            return None
        side = self.rng.choice(gone)
        price = self.state.prices.market_prices[MARKET_ID].price
        subticks = max(1, price - self.rng.randrange(0, 2)) if side == "buy" else price + self.rng.randrange(0, 2)
        self.client_id += 1
        owner = subaccount_id(MAKER).owner
        self.live[side] = OrderId(SubaccountId(owner, 0), self.client_id, 0, PAIR_ID)
        return {
            "@type": PLACE_ORDER_TYPE,
            "signer": owner,
            "order": {
                "orderId": {
                    "subaccountId": subaccount_json(owner, 0),
                    "clientId": self.client_id,
                    "orderFlags": 0,
                    "clobPairId": PAIR_ID,
                },
                "side": "SIDE_BUY" if side == "buy" else "SIDE_SELL",
                "quantums": str(self.rng.randrange(1, 7)),
                "subticks": str(subticks),
                "goodTilBlock": self.state.blocks.height + 20,
                "timeInForce": "TIME_IN_FORCE_UNSPECIFIED",
            },
        }


# --- recording a run of the reference ---------------------------------------------------


def abstract_state(state: State, accounts: tuple[str, ...] = ACCOUNTS) -> dict[str, Any]:
    """
    The reference state as the model's variables (``last`` aside); raises ``TraceMappingError``
    for a state the model cannot represent exactly.
    """
    ids = {subaccount_id(name): name for name in accounts}
    usdc = dict.fromkeys(accounts, 0)
    pos = dict.fromkeys(accounts, 0)
    for sid, subaccount in state.subaccounts.subaccounts.items():
        if sid not in ids:
            raise TraceMappingError(f"subaccount {sid} is not one of the model's accounts")
        usdc[ids[sid]] = subaccount.usdc_balance
        for perpetual_id, position in subaccount.positions.items():
            if perpetual_id != PERPETUAL_ID or position.funding_index != 0:
                raise TraceMappingError(f"a position outside the model in {ids[sid]}")
            pos[ids[sid]] = position.quantums
    bank = state.bank
    if bank.fee_collector != 0 or bank.funding_pool != 0:
        raise TraceMappingError("fees or funding moved: the model's pool is the insurance fund alone")
    if state.perpetuals.perpetuals[PERPETUAL_ID].funding_index != 0:
        raise TraceMappingError("the trace genesis has no funding")
    pairs = state.clob.clob_pairs
    if set(pairs) - {PAIR_ID} or any(pair.status is not ClobPairStatus.ACTIVE for pair in pairs.values()):
        raise TraceMappingError("a clob pair other than the active pair 0")
    return {
        "usdc": usdc,
        "pos": pos,
        "price": state.prices.market_prices[MARKET_ID].price,
        "oi": state.perpetuals.perpetuals[PERPETUAL_ID].open_interest,
        "fund": bank.insurance_fund,
        "supply": bank.total_deposited - bank.total_withdrawn,
        "status": "active",
        "gated": is_withdrawal_gated(state),
    }


def _name_of(encoded: dict[str, Any]) -> str:
    sid = SubaccountId(encoded["owner"], encoded["number"])
    for name in (*ACCOUNTS, MAKER):
        if subaccount_id(name) == sid:
            return name
    raise TraceMappingError(f"subaccount {encoded} is not one of the model's accounts")


def _after_fill(before: dict[str, Any], event: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The model state after one ``DeleveragingFill`` event, and the step's arguments."""
    liquidated, offsetting = _name_of(event["liquidated"]), _name_of(event["offsetting"])
    delta = int(event["fillQuantums"]) * (1 if event["isBuy"] else -1)
    quote = int(event["quoteQuantums"])
    after = json.loads(json.dumps(before))
    after["usdc"][liquidated] += quote
    after["usdc"][offsetting] -= quote
    after["pos"][liquidated] += delta
    after["pos"][offsetting] -= delta
    after["oi"] = sum(q for q in after["pos"].values() if q > 0)
    return after, {"liquidated": liquidated, "offsetting": offsetting}


def _after_liquidation_fill(before: dict[str, Any], event: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The model state after one ``LiquidationFill`` event (LIQ-13), and the step's arguments."""
    liquidated, maker = _name_of(event["liquidated"]), _name_of(event["makerOrderId"]["subaccountId"])
    size, quote, fund_delta = int(event["fillQuantums"]), int(event["quoteQuantums"]), int(event["insuranceFundDelta"])
    if int(event["makerFee"]) != 0:
        raise TraceMappingError("a maker fee: the model's makers pay none")
    fq = -quote if event["isBuy"] else quote  # LIQ-9: the fill's quote, negated for a buy
    delta = size if event["isBuy"] else -size
    after = json.loads(json.dumps(before))
    after["usdc"][liquidated] += fq - fund_delta
    after["usdc"][maker] -= fq
    after["pos"][liquidated] += delta
    after["pos"][maker] -= delta
    after["fund"] += fund_delta
    after["oi"] = sum(q for q in after["pos"].values() if q > 0)
    return after, {"liquidated": liquidated, "maker": maker, "size": size, "price": int(event["subticks"])}


def liquidation_genesis(rng: random.Random) -> tuple[dict[str, Any], dict[str, Any]]:
    """
    ``perpspec.verify.traces``'s exact genesis with a clob pair on its perpetual (step 1, one
    subtick a tick, quantum conversion exponent 0: a fill of f at s subticks is worth f * s), a
    maker subaccount ``m`` with MAKER_USDC, and an insurance fund of 0..3 quantums.
    """
    genesis, constants = trace_genesis(rng)
    genesis["subaccounts"]["subaccounts"].append(
        {
            "id": subaccount_json(subaccount_id(MAKER).owner, 0),
            "assetPositions": [{"assetId": 0, "quantums": str(MAKER_USDC)}],
            "perpetualPositions": [],
        }
    )
    genesis["clob"]["clobPairs"] = [
        {
            "id": PAIR_ID,
            "perpetualClobMetadata": {"perpetualId": PERPETUAL_ID},
            "stepBaseQuantums": "1",
            "subticksPerTick": 1,
            "quantumConversionExponent": 0,
            "status": "STATUS_ACTIVE",
        }
    ]
    genesis.setdefault("bank", {})["insuranceFund"] = str(rng.randrange(0, 4))
    return genesis, constants


def record_liquidation_trace(seed: int, steps: int, maker: bool = False) -> LiquidationTrace:
    """
    Run the reference for ``steps`` random messages of ``perpspec.verify.traces`` and log every
    step.  With ``maker``: in ``liquidation_genesis``, where a maker keeps one bid and one ask near
    the oracle price (so a liquidation order fills at most once: the model prices each fill from
    the state before it, the reference each order).
    """
    rng = random.Random(seed)
    genesis, constants = liquidation_genesis(rng) if maker else trace_genesis(rng)
    state = load_genesis(genesis)
    accounts = (*ACCOUNTS, MAKER) if maker else ACCOUNTS
    trace = LiquidationTrace(seed, constants, accounts=accounts)
    trace.steps.append(
        {"action": "Genesis", "args": {"height": state.blocks.height}, "state": abstract_state(state, accounts)}
    )
    messages = TraceMessages(rng, state)
    quotes = MakerQuotes(rng, state) if maker else None
    for number in range(steps):
        if quotes is not None and rng.randrange(3) == 0 and (quoted := quotes.next()) is not None:
            message, action = quoted, "LedgerMessage"
        else:
            message, action, _ = messages.next()
        outcome = apply_json(state, message)
        trace.messages += 1
        events = outcome.events or []
        final = abstract_state(state, accounts)
        if action == "AdvanceBlock" and outcome.accepted:
            current = trace.steps[-1]["state"]
            for event in events:
                if event.get("type") == "LiquidationOrder":
                    trace.orders += 1
                elif event.get("type") == "LiquidationFill":
                    current, fill_args = _after_liquidation_fill(current, event)
                    trace.steps.append({"action": "LiquidationFill", "args": fill_args, "state": current})
                    trace.liquidation_fills += 1
                elif event.get("type") == "DeleveragingFill":
                    if event["isFinalSettlement"]:
                        raise TraceMappingError(f"message {number}: final settlement without a clob pair")
                    current, fill_args = _after_fill(current, event)
                    trace.steps.append({"action": "Deleverage", "args": fill_args, "state": current})
                    trace.fills += 1
                elif event.get("type") == "NegativeTncSubaccountSeen":
                    trace.gating += 1
            if {k: v for k, v in current.items() if k != "gated"} != {k: v for k, v in final.items() if k != "gated"}:
                raise TraceMappingError(f"message {number}: the block changed more than its deleveraging fills")
            seen = any(event.get("type") == "NegativeTncSubaccountSeen" for event in events)
            end_args = {"height": state.blocks.height, "negativeTnc": seen}
            trace.steps.append({"action": "EndBlockPhases", "args": end_args, "state": final})
        elif action == "SetPrice" and message["@type"] == UPDATE_PRICES_TYPE and outcome.accepted:
            trace.steps.append({"action": "SetPrice", "args": {"price": final["price"]}, "state": final})
        else:
            trace.steps.append({"action": "LedgerMessage", "args": {"message": number}, "state": final})
    return trace


# --- writing and checking ---------------------------------------------------------------


def trace_module(trace: LiquidationTrace) -> str:
    """``LiquidationTraceData.tla``: the run's constants and its steps."""
    lines = [
        f"------------------------ MODULE {TRACE_DATA} ------------------------",
        f"\\* Written by perpspec.verify.liquidation_model: seed {trace.seed}, {trace.messages} messages.",
        "EXTENDS Integers",
        "",
        "TraceAccounts == {" + ", ".join(json.dumps(name) for name in trace.accounts) + "}",
        "TraceMakers == {" + ", ".join(json.dumps(name) for name in trace.accounts if name == MAKER) + "}",
        "TraceLevelPrices == 1..1000  \\* any maker price: the model's fill checks it against the fillable price",
        f"TraceImfPpm == {trace.constants['imfPpm']}",
        f"TraceMfPpm == {trace.constants['mfPpm']}",
        "",
        "Trace == <<",
    ]
    lines.append(",\n".join("  " + tla_value(step) for step in trace.steps))
    lines += [">>", "=" * 76, ""]
    return "\n".join(lines)


def trace_label(trace: LiquidationTrace) -> str:
    """``seed N``, or ``maker seed N`` for a run with the maker and its clob pair."""
    return f"{'maker ' if MAKER in trace.accounts else ''}seed {trace.seed}"


def corrupt_first_fill(trace: LiquidationTrace) -> tuple[LiquidationTrace, int] | None:
    """A copy with the liquidated subaccount's USDC one quantum high after the first fill, and that step's index."""
    for index, step in enumerate(trace.steps):
        if step["action"] == "Deleverage":
            corrupted = trace.copy()
            corrupted.steps[index]["state"]["usdc"][step["args"]["liquidated"]] += 1
            return corrupted, index
    return None


def corrupt_first_gating(trace: LiquidationTrace) -> tuple[LiquidationTrace, int] | None:
    """A copy in which the first block that gated on negative TNC (DEL-5) is logged ungated, and that step's index."""
    for index, step in enumerate(trace.steps):
        if step["action"] == "EndBlockPhases" and step["args"].get("negativeTnc"):
            corrupted = trace.copy()
            corrupted.steps[index]["state"]["gated"] = False
            return corrupted, index
    return None


def check_liquidation_trace(
    trace: LiquidationTrace, model_dir: Path, java: str, jar: Path, timeout: float = 120
) -> TraceCheck:
    """Replay one trace with TLC; accepted means no error and exactly one distinct state per logged step."""
    with tempfile.TemporaryDirectory(prefix="perpspec-liqtrace-") as scratch_name:
        scratch = Path(scratch_name)
        for name in TRACE_FILES:
            shutil.copy(model_dir / name, scratch / name)
        (scratch / f"{TRACE_DATA}.tla").write_text(trace_module(trace), encoding="utf-8")
        command = [
            java, "-XX:+UseParallelGC", "-cp", str(jar), "tlc2.TLC", "-workers", "1", "-deadlock",
            "-metadir", str(scratch / "states"), "-config", "LiquidationTrace.cfg", TRACE_SPEC,
        ]  # fmt: skip
        run = tlc.run_tlc(command, scratch, timeout, scratch)
    return judge_trace_run(run, len(trace.steps))


GATING_SEEDS = (23, 142, 32, 72, 79, 126)
"""Seeds whose runs gate withdrawals on a negative-TNC subaccount left after deleveraging (DEL-5)
within 120 messages (23: five blocks, two fills; 142: three blocks, no fill); the others do not."""

MAKER_SEEDS = (0, 2, 8, 9)
"""Seeds whose maker runs (150 messages) fill a liquidation order (one each; seed 0 also deleverages and gates)."""

TRACE_RUNS: dict[bool, tuple[tuple[int, bool, int], ...]] = {
    True: (
        *((seed, False, 120) for seed in (0, 1, 2, *GATING_SEEDS[:2])),
        *((seed, True, 150) for seed in MAKER_SEEDS),
    ),
    False: (
        *((seed, False, 120) for seed in (*range(12), *GATING_SEEDS)),
        *((seed, True, 150) for seed in range(40)),
    ),
}
"""(seed, with a maker, messages) of quick and full runs: seeds 0, 1 and 2 each deleverage once."""


def run_liquidation_traces(quick: bool, repository: Path | None = None) -> list[MethodResult]:
    """
    (a) Seeded random ledger runs replayed whole by TLC against Liquidation, every deleveraging
    fill a step (CONS-5, CONS-1, POS-1; DEL-1..3, DEL-5, LIQ-6); (b) a copy with one fill's
    quote off by one, which TLC must reject at StepAccepted exactly there.  A run set without
    any deleveraging fill fails: it would be no evidence.
    """
    runs = TRACE_RUNS[quick]
    tla_dir = tlc.find_tla_dir(repository)
    problem = tlc.missing_tools(tla_dir)
    if problem is not None:
        return [MethodResult(TRACE_CLAIMS, tlc.METHOD, "LiquidationTrace (traces)", FAILED, problem)]
    tla_dir, java, jar = tlc.found_tools(tla_dir)
    model_dir = tla_dir / LIQUIDATION_DIR
    if not all((model_dir / name).is_file() for name in TRACE_FILES):
        problem = "tla/liquidation/ lacks " + ", ".join(TRACE_FILES)
        return [MethodResult(TRACE_CLAIMS, tlc.METHOD, "LiquidationTrace (traces)", FAILED, problem)]
    results: list[MethodResult] = []
    traces: list[LiquidationTrace] = []
    for seed, maker, steps in runs:
        start = time.perf_counter_ns()
        try:
            traces.append(record_liquidation_trace(seed, steps, maker))
        except Exception as error:
            ms = (time.perf_counter_ns() - start) // 1_000_000
            name = f"LiquidationTrace {'maker ' if maker else ''}seed {seed}"
            results.append(MethodResult(TRACE_CLAIMS, tlc.METHOD, name, FAILED, f"recording: {error!r}", ms))
    jobs: list[tuple[LiquidationTrace, str, int | None, str]] = [
        (t, f"LiquidationTrace {trace_label(t)}", None, "") for t in traces
    ]
    corruptions = (
        (corrupt_first_fill, "corrupted", "the liquidated side's USDC one quantum high after a deleveraging fill"),
        (corrupt_first_gating, "ungated", "a block that saw a negative-TNC subaccount logged ungated"),
    )
    for corrupt, suffix, what in corruptions:
        found = next((c for t in traces if (c := corrupt(t)) is not None), None)
        if found is not None:
            jobs.append((found[0], f"LiquidationTrace {trace_label(found[0])} {suffix}", found[1], what))
        elif traces:
            detail = f"no run to corrupt ({what}): the traces carry no evidence for it"
            results.append(MethodResult(TRACE_CLAIMS, tlc.METHOD, f"LiquidationTrace {suffix}", FAILED, detail))

    def check_job(job: tuple[LiquidationTrace, str, int | None, str]) -> TraceCheck:
        try:
            return check_liquidation_trace(job[0], model_dir, java, jar)
        except (OSError, ValueError) as error:
            return TraceCheck(False, f"cannot run TLC on the trace: {error!r}", 0)

    with ThreadPoolExecutor(max_workers=2) as pool:
        checks = list(pool.map(check_job, jobs))
    for (trace, name, corrupted_at, what), check in zip(jobs, checks):
        extra = {
            "messages": trace.messages,
            "fills": trace.fills,
            "liquidation_fills": trace.liquidation_fills,
            "steps": len(trace.steps) - 1,
        }
        if corrupted_at is not None:
            run = check.run
            rejected = run is not None and run.violated == "StepAccepted" and run.trace_length == corrupted_at
            where = f"Trace[{corrupted_at + 1}] ({what})"
            detail = (
                f"corrupted {where} rejected: {check.detail}"
                if rejected
                else f"corrupted {where} NOT rejected by StepAccepted at that step: {check.detail}"
            )
            status = verdict(rejected, SELF_TEST)
        else:
            detail = (
                f"{trace.messages} messages, {trace.orders} liquidation orders, {trace.liquidation_fills} "
                f"liquidation fills, {trace.fills} deleveraging fills, {trace.gating} blocks gating "
                f"on negative TNC: {check.detail}"
            )
            status = verdict(check.accepted, CHECKED)
        results.append(MethodResult(TRACE_CLAIMS, tlc.METHOD, name, status, detail, check.milliseconds, extra=extra))
    if traces and not all(any(getattr(t, what) for t in traces) for what in ("fills", "gating", "liquidation_fills")):
        detail = (
            "no run liquidated, deleveraged and gated: the traces would carry no evidence for LIQ-13, DEL-3 or DEL-5"
        )
        results.append(MethodResult(TRACE_CLAIMS, tlc.METHOD, "LiquidationTrace evidence", FAILED, detail))
    return results


# --- model checking the configurations --------------------------------------------------


def read_liquidation_entries(tla_dir: Path) -> list[dict[str, Any]]:
    """The ``liquidationModels`` entries of ``tla/manifest.json``."""
    return list(tlc.read_manifest(tla_dir)[MANIFEST_MODELS])


def run_liquidation_models(
    quick: bool, repository: Path | None = None, configs: tuple[str, ...] | None = None
) -> list[MethodResult]:
    """
    Model-check the ``liquidationModels`` configurations of ``tla/manifest.json`` (quick: only
    those marked quick; ``configs``: only those named), two at a time: a green one must give its
    exact distinct-state count, a bug one must violate its named invariant or temporal property.
    """
    tla_dir = tlc.find_tla_dir(repository)
    problem = tlc.missing_tools(tla_dir)
    if problem is not None:
        return [MethodResult(CLAIMS, tlc.METHOD, "Liquidation (TLC)", FAILED, problem)]
    tla_dir, java, jar = tlc.found_tools(tla_dir)
    try:
        entries = [
            e
            for e in read_liquidation_entries(tla_dir)
            if (configs is None and (e.get("quick", True) or not quick))
            or (configs is not None and e["config"] in configs)
        ]
    except (OSError, ValueError, KeyError, TypeError) as error:
        problem = f"cannot read tla/{tlc.MANIFEST} {MANIFEST_MODELS}: {error}"
        return [MethodResult(CLAIMS, tlc.METHOD, "Liquidation (TLC)", FAILED, problem)]

    def run(entry: dict[str, Any]) -> MethodResult:
        try:
            return tlc.run_entry(entry, tla_dir, java, jar)
        except (OSError, KeyError, TypeError, ValueError) as error:
            claims = tuple(entry.get("claims", ()))
            return MethodResult(claims, tlc.METHOD, str(entry.get("config")), FAILED, repr(error))

    ordered = sorted(entries, key=lambda e: -e.get("measuredSeconds", 0))
    with ThreadPoolExecutor(max_workers=2) as pool:
        done = dict(zip((id(e) for e in ordered), pool.map(run, ordered)))
    return [done[id(e)] for e in entries]


if __name__ == "__main__":
    import sys

    # --traces: trace validation only.  Exit 0 when every check passed, 1 when one failed (tlc.exit_code)
    full = "--full" in sys.argv

    def main() -> int:
        models = [] if "--traces" in sys.argv else run_liquidation_models(quick=not full)
        return tlc.report(models + run_liquidation_traces(quick=not full))

    sys.exit(tlc.run_main(main))
