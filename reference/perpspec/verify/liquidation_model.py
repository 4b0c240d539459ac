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
both sides' collateral check (SUB-7, SUB-8) and the gating rule (DEL-5).  The trace genesis has
no clob pair, so its liquidation orders are never placed (LIQ-12: straight to deleveraging);
liquidation fills are model-checked only.

The negative test: one trace with the liquidated subaccount's USDC one quantum high in the
state after its first deleveraging fill must be rejected with ``StepAccepted`` violated at that
step.
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

from perpspec.genesis import load_genesis
from perpspec.messages import UPDATE_PRICES_TYPE
from perpspec.report import CHECKED, FAILED, SELF_TEST, MethodResult, verdict
from perpspec.state import State
from perpspec.subaccounts import is_withdrawal_gated
from perpspec.transition import apply_json
from perpspec.types import SubaccountId
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
TRACE_CLAIMS = ("CONS-5", "CONS-1", "POS-1")
"""The trace runs have no liquidation fill (no clob pair), so they carry no SOLV-3 evidence."""
SPEC_IDS = ("LIQ-6", "LIQ-7", "LIQ-8", "LIQ-9", "LIQ-13", "INS-1", "DEL-1", "DEL-2", "DEL-3", "DEL-5", "FINAL-2")

MANIFEST_MODELS = "liquidationModels"
MANIFEST_TRACES = "liquidationTraces"
LIQUIDATION_DIR = "liquidation"
TRACE_SPEC = "LiquidationTrace"
TRACE_DATA = "LiquidationTraceData"
TRACE_FILES = ("Liquidation.tla", "LiquidationTrace.tla", "LiquidationTrace.cfg")


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

    def copy(self) -> LiquidationTrace:
        steps = json.loads(json.dumps(self.steps))
        return LiquidationTrace(self.seed, dict(self.constants), steps, self.messages, self.fills, self.gating)


# --- recording a run of the reference ---------------------------------------------------


def abstract_state(state: State) -> dict[str, Any]:
    """
    The reference state as the model's variables (``last`` aside); raises ``TraceMappingError``
    for a state the model cannot represent exactly.
    """
    ids = {subaccount_id(name): name for name in ACCOUNTS}
    usdc = dict.fromkeys(ACCOUNTS, 0)
    pos = dict.fromkeys(ACCOUNTS, 0)
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
    if state.perpetuals.perpetuals[PERPETUAL_ID].funding_index != 0 or state.clob.clob_pairs:
        raise TraceMappingError("the trace genesis has no funding and no clob pair")
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
    for name in ACCOUNTS:
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


def record_liquidation_trace(seed: int, steps: int) -> LiquidationTrace:
    """Run the reference for ``steps`` random messages of ``perpspec.verify.traces`` and log every step."""
    rng = random.Random(seed)
    genesis, constants = trace_genesis(rng)
    state = load_genesis(genesis)
    trace = LiquidationTrace(seed, constants)
    trace.steps.append({"action": "Genesis", "args": {"height": state.blocks.height}, "state": abstract_state(state)})
    messages = TraceMessages(rng, state)
    for number in range(steps):
        message, action, _ = messages.next()
        outcome = apply_json(state, message)
        trace.messages += 1
        events = outcome.events or []
        final = abstract_state(state)
        if action == "AdvanceBlock" and outcome.accepted:
            current = trace.steps[-1]["state"]
            for event in events:
                if event.get("type") in ("LiquidationOrder", "LiquidationFill"):
                    raise TraceMappingError(f"message {number}: a liquidation order without a clob pair")
                if event.get("type") == "DeleveragingFill":
                    if event["isFinalSettlement"]:
                        raise TraceMappingError(f"message {number}: final settlement without a clob pair")
                    current, fill_args = _after_fill(current, event)
                    trace.steps.append({"action": "Deleverage", "args": fill_args, "state": current})
                    trace.fills += 1
                elif event.get("type") == "NegativeTncSubaccountSeen":
                    trace.gating += 1
            if {k: v for k, v in current.items() if k != "gated"} != {k: v for k, v in final.items() if k != "gated"}:
                raise TraceMappingError(f"message {number}: the block changed more than its deleveraging fills")
            trace.steps.append({"action": "EndBlockPhases", "args": {"height": state.blocks.height}, "state": final})
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
        "TraceAccounts == {" + ", ".join(json.dumps(name) for name in ACCOUNTS) + "}",
        f"TraceImfPpm == {trace.constants['imfPpm']}",
        f"TraceMfPpm == {trace.constants['mfPpm']}",
        "",
        "Trace == <<",
    ]
    lines.append(",\n".join("  " + tla_value(step) for step in trace.steps))
    lines += [">>", "=" * 76, ""]
    return "\n".join(lines)


def corrupt_first_fill(trace: LiquidationTrace) -> tuple[LiquidationTrace, int] | None:
    """A copy with the liquidated subaccount's USDC one quantum high after the first fill, and that step's index."""
    for index, step in enumerate(trace.steps):
        if step["action"] == "Deleverage":
            corrupted = trace.copy()
            corrupted.steps[index]["state"]["usdc"][step["args"]["liquidated"]] += 1
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


TRACE_RUNS = {True: (3, 60), False: (12, 120)}
"""(runs, messages) in quick and full runs: seeds 0 and 2 deleverage within 60 messages."""


def run_liquidation_traces(quick: bool, repository: Path | None = None) -> list[MethodResult]:
    """
    (a) Seeded random ledger runs replayed whole by TLC against Liquidation, every deleveraging
    fill a step (CONS-5, CONS-1, POS-1; DEL-1..3, DEL-5, LIQ-6); (b) a copy with one fill's
    quote off by one, which TLC must reject at StepAccepted exactly there.  A run set without
    any deleveraging fill fails: it would be no evidence.
    """
    count, steps = TRACE_RUNS[quick]
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
    for seed in range(count):
        start = time.perf_counter_ns()
        try:
            traces.append(record_liquidation_trace(seed, steps))
        except Exception as error:
            ms = (time.perf_counter_ns() - start) // 1_000_000
            name = f"LiquidationTrace seed {seed}"
            results.append(MethodResult(TRACE_CLAIMS, tlc.METHOD, name, FAILED, f"recording: {error!r}", ms))
    jobs: list[tuple[LiquidationTrace, str, int | None]] = [
        (t, f"LiquidationTrace seed {t.seed}", None) for t in traces
    ]
    found = next((c for t in traces if (c := corrupt_first_fill(t)) is not None), None)
    if found is not None:
        jobs.append((found[0], f"LiquidationTrace seed {found[0].seed} corrupted", found[1]))
    elif traces:
        detail = "no run deleveraged: the traces carry no evidence for the risk engine"
        results.append(MethodResult(TRACE_CLAIMS, tlc.METHOD, "LiquidationTrace corrupted", FAILED, detail))

    def check_job(job: tuple[LiquidationTrace, str, int | None]) -> TraceCheck:
        try:
            return check_liquidation_trace(job[0], model_dir, java, jar)
        except (OSError, ValueError) as error:
            return TraceCheck(False, f"cannot run TLC on the trace: {error!r}", 0)

    with ThreadPoolExecutor(max_workers=2) as pool:
        checks = list(pool.map(check_job, jobs))
    for (trace, name, corrupted_at), check in zip(jobs, checks):
        extra = {"messages": trace.messages, "fills": trace.fills, "steps": len(trace.steps) - 1}
        if corrupted_at is not None:
            run = check.run
            rejected = run is not None and run.violated == "StepAccepted" and run.trace_length == corrupted_at
            where = f"Trace[{corrupted_at + 1}] (the liquidated side's USDC one quantum high after a deleveraging fill)"
            detail = (
                f"corrupted {where} rejected: {check.detail}"
                if rejected
                else f"corrupted {where} NOT rejected by StepAccepted at that step: {check.detail}"
            )
            status = verdict(rejected, SELF_TEST)
        else:
            detail = (
                f"{trace.messages} messages, {trace.fills} deleveraging fills, {trace.gating} blocks gating "
                f"on negative TNC: {check.detail}"
            )
            status = verdict(check.accepted, CHECKED)
        results.append(MethodResult(TRACE_CLAIMS, tlc.METHOD, name, status, detail, check.milliseconds, extra=extra))
    if traces and not any(t.fills for t in traces):
        detail = "no run deleveraged: the traces carry no evidence for the risk engine"
        results.append(MethodResult(TRACE_CLAIMS, tlc.METHOD, "LiquidationTrace fills", FAILED, detail))
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
