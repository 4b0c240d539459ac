"""
Trace validation: runs of the Python reference replayed against the TLA+ model (CLAIM-1).

A seeded random run of the reference, in a genesis chosen so that the model's abstraction
is exact, is logged as ``TraceData.tla``: the constants of the run and ``Trace``, one
``[action, args, state]`` record for the genesis and one per message, where ``state`` is the
reference state mapped onto every variable of ``tla/ledger/Ledger.tla``.  TLC then checks,
with ``tla/ledger/LedgerTrace.tla``, that each logged step is the named Ledger action with
the logged arguments ending in the logged state (``StepAccepted``), and that every state
keeps the model's invariants: CONS-1 (``CONS_1``), SOLV-1 (``SOLV_1``), POS-1 (``POS_1``),
and ATOM-1 (the action property ``ATOM_1``).  This is design A of
shared/protocol/verification-techniques.md, section 2.3.

The exact genesis (``trace_genesis``): one perpetual with atomic resolution -6 and price
exponent 0, so a position of q base quantums at price p is worth q * p quote quantums
exactly (UNITS-4: the quote exponent is 0, nothing is truncated); a liquidity tier without
open-interest caps, so IMR = ceil(|q| * p * imf / 1e6) and MMR = ceil(IMR * mf / 1e6)
(MARGIN-1, MARGIN-2, MARGIN-3); funding indexes of 0, so settlement moves nothing (FUND-2);
one price source needed and a minimum price change that rounds to 0 at these prices, so an
oracle update sets the price (PRICE-3, PRICE-5); subaccounts "a", "b", "c", each number 0 of
its own owner.

Rejected messages.  A message the reference rejects with a collateral-check result
(NEWLY_UNDERCOLLATERALIZED, STILL_UNDERCOLLATERALIZED, WITHDRAWALS_AND_TRANSFERS_BLOCKED,
SUB-7, SUB-8, SUB-9) is logged as its own action with ``last.accepted = FALSE``: the model
decides whether it must be rejected.  A message made invalid on purpose (wrong signer, zero
amount, transfer to self, wrong block height, a non-authority price update) is logged as the
action ``Invalid`` whatever the reference did with it; the model's ``Invalid`` changes no
ledger variable, so a state change there fails the trace (ATOM-1, TX-2).  Every logged step
is chosen by what the generator meant, never by the reference's verdict.
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

from perpspec.default_genesis import GENESIS_TIME, GOVERNANCE_AUTHORITY
from perpspec.genesis import load_genesis
from perpspec.messages import ADVANCE_BLOCK_TYPE, DEPOSIT_TYPE, TRANSFER_TYPE, UPDATE_PRICES_TYPE, WITHDRAW_TYPE
from perpspec.report import CHECKED, FAILED, SELF_TEST, MethodResult, verdict
from perpspec.simulation import account, subaccount_json
from perpspec.state import State
from perpspec.subaccounts import get_settled_subaccount, get_subaccount, get_subaccount_risk, is_withdrawal_gated
from perpspec.transition import apply_json
from perpspec.types import SubaccountId
from perpspec.verify import tlc

CLAIMS = ("CONS-1", "SOLV-1", "POS-1", "ATOM-1")
ACCOUNTS = ("a", "b", "c")
PERPETUAL_ID = 0
MARKET_ID = 0
GENESIS_HEIGHT = 100
TRACE_SPEC = "LedgerTrace"
TRACE_FILES = ("Ledger.tla", "LedgerTrace.tla", "LedgerTrace.cfg")
TLC_INT_MAX = 2**31 - 1
"""TLC's integers are Java ints; a trace value outside them cannot be checked."""


class TraceMappingError(ValueError):
    """A reference state outside the model's abstraction (the mapping would not be exact)."""


@dataclass
class Trace:
    """One logged run: its seed, the model constants and the steps, genesis first."""

    seed: int
    constants: dict[str, Any]
    steps: list[dict[str, Any]] = field(default_factory=list)
    accepted: int = 0
    rejected: int = 0
    cut_at: int | None = None
    """The 0-based index of the first message whose events are the risk engine's: the trace
    ends before it (Ledger has no liquidation or deleveraging; tla/liquidation/ replays those
    runs whole).  None: the run was logged whole."""


RISK_ENGINE_EVENTS = frozenset({"LiquidationOrder", "LiquidationFill", "DeleveragingFill", "NegativeTncSubaccountSeen"})
"""Events of the risk engine's block phases (LIQ-11..13, DEL-2..5, FINAL-2), which Ledger does not model."""


def subaccount_id(name: str) -> SubaccountId:
    """The reference subaccount behind the model's account ``name``."""
    return SubaccountId(account(f"tla-{name}"), 0)


# --- the exact genesis ------------------------------------------------------------------


def trace_genesis(rng: random.Random) -> tuple[dict, dict[str, Any]]:
    """A genesis the model maps exactly (see the module docstring), and the model's constants."""
    imf = rng.choice([50_000, 200_000, 333_333])
    mf = rng.choice([500_000, 600_000, 1_000_000])
    price = rng.randrange(1, 6)
    long_size = rng.randrange(0, 5)
    split = rng.randrange(0, long_size + 1)
    positions = dict(zip(rng.sample(ACCOUNTS, 3), (long_size, -split, split - long_size)))
    # Mostly non-negative balances; a long may borrow, and now and then an account without a
    # position starts in debt (the both-MMRs-zero case of SUB-8).
    balances = {name: rng.randrange(0, 12) for name in ACCOUNTS}
    for name in ACCOUNTS:
        if positions[name] > 0 or (positions[name] == 0 and rng.randrange(3) == 0):
            balances[name] = rng.randrange(-3, 3)
    if sum(balances.values()) < 0:  # keep totalDeposited >= 0, as an explicit genesis total must be (GEN-2)
        balances[ACCOUNTS[0]] -= sum(balances.values())
    subaccounts = []
    for name in ACCOUNTS:
        usdc = balances[name]
        entry = {
            "id": subaccount_json(subaccount_id(name).owner, 0),
            "assetPositions": [{"assetId": 0, "quantums": str(usdc)}] if usdc else [],
            "perpetualPositions": (
                [{"perpetualId": PERPETUAL_ID, "quantums": str(positions[name]), "fundingIndex": "0"}]
                if positions[name]
                else []
            ),
        }
        if usdc or positions[name]:
            subaccounts.append(entry)
    genesis: dict[str, Any] = {
        "authority": GOVERNANCE_AUTHORITY,
        "blocks": {"height": GENESIS_HEIGHT, "time": str(GENESIS_TIME)},
        "subaccounts": {"subaccounts": subaccounts},
        "perpetuals": {
            "liquidityTiers": [
                {
                    "id": 0,
                    "name": "TLA",
                    "initialMarginPpm": imf,
                    "maintenanceFractionPpm": mf,
                    "impactNotional": "1",
                    "openInterestLowerCap": "0",
                    "openInterestUpperCap": "0",
                }
            ],
            "perpetuals": [
                {
                    "params": {
                        "id": PERPETUAL_ID,
                        "ticker": "TLA-USD",
                        "marketId": MARKET_ID,
                        "atomicResolution": -6,
                        "defaultFundingPpm": 0,
                        "liquidityTier": 0,
                        "marketType": "PERPETUAL_MARKET_TYPE_CROSS",
                    },
                    "fundingIndex": "0",
                }
            ],
        },
        "prices": {
            "marketParams": [
                {
                    "id": MARKET_ID,
                    "pair": "TLA-USD",
                    "exponent": 0,
                    "minExchanges": 1,
                    "minPriceChangePpm": 1,
                    "maxSourceAgeSeconds": 30,
                }
            ],
            "marketPrices": [{"id": MARKET_ID, "exponent": 0, "price": str(price)}],
        },
        "clob": {"clobPairs": []},
    }
    # Sometimes start inside a withdrawal-gating window (SUB-9): ending after two blocks, or lasting.
    gating = rng.choice([None, None, None, GENESIS_HEIGHT - 48, GENESIS_HEIGHT])
    if gating is not None:
        genesis["subaccounts"]["negativeTncSubaccountSeenAtBlock"] = gating
    return genesis, {"imfPpm": imf, "mfPpm": mf}


# --- the abstraction function -----------------------------------------------------------


def risk_record(state: State, name: str) -> dict[str, int]:
    """NC, IMR, MMR of a subaccount after settlement, by the reference's own functions (MARGIN-5)."""
    settled, _ = get_settled_subaccount(state, get_subaccount(state, subaccount_id(name)))
    risk = get_subaccount_risk(state, settled)
    return {"nc0": risk.nc, "imr0": risk.imr, "mmr0": risk.mmr}


NO_RISK = {"nc0": 0, "imr0": 0, "mmr0": 0}


def abstract_state(state: State, last: dict[str, Any]) -> dict[str, Any]:
    """
    The reference state as the model's variables; raises ``TraceMappingError`` for a state
    the model cannot represent exactly (an unknown subaccount, a second perpetual, a stored
    position of size zero or an empty stored subaccount, a non-zero funding index).
    """
    ids = {subaccount_id(name): name for name in ACCOUNTS}
    usdc = dict.fromkeys(ACCOUNTS, 0)
    pos = dict.fromkeys(ACCOUNTS, 0)
    for sid, subaccount in state.subaccounts.subaccounts.items():
        if sid not in ids:
            raise TraceMappingError(f"subaccount {sid} is not one of the model's accounts")
        if subaccount.is_empty():
            raise TraceMappingError(f"an empty subaccount {ids[sid]} is stored (SUB-3)")
        usdc[ids[sid]] = subaccount.usdc_balance
        for perpetual_id, position in subaccount.positions.items():
            if perpetual_id != PERPETUAL_ID:
                raise TraceMappingError(f"a position in perpetual {perpetual_id}")
            if position.quantums == 0:
                raise TraceMappingError(f"a position of size zero in {ids[sid]} (SUB-4, INV-2)")
            if position.funding_index != 0:
                raise TraceMappingError("a non-zero funding index")
            pos[ids[sid]] = position.quantums
    if (
        set(state.perpetuals.perpetuals) != {PERPETUAL_ID}
        or state.perpetuals.perpetuals[PERPETUAL_ID].funding_index != 0
    ):
        raise TraceMappingError("the perpetuals are not the trace genesis's one perpetual")
    return {
        "usdc": usdc,
        "pos": pos,
        "price": state.prices.market_prices[MARKET_ID].price,
        "oi": state.perpetuals.perpetuals[PERPETUAL_ID].open_interest,
        "deposited": state.bank.total_deposited,
        "withdrawn": state.bank.total_withdrawn,
        "pool": state.bank.insurance_fund + state.bank.fee_collector + state.bank.funding_pool,
        "gated": is_withdrawal_gated(state),
        "last": last,
    }


# --- random messages, each with the model action it is meant to be ----------------------


class TraceMessages:
    """Messages over the model's accounts, each with its intended action and arguments."""

    def __init__(self, rng: random.Random, state: State) -> None:
        self.rng = rng
        self.state = state

    def _owner(self, name: str) -> str:
        return subaccount_id(name).owner

    def _amount(self, sender: str | None = None) -> int:
        """A small amount; for a sender, often one at the edge of its free collateral (NC - IMR)."""
        if sender is not None and self.rng.randrange(3) == 0:
            risk = risk_record(self.state, sender)
            return max(1, risk["nc0"] - risk["imr0"] + self.rng.choice([-1, 0, 0, 1]))
        return self.rng.choice([1, 1, 2, 2, 3, 4, 5, 8, 13])

    def next(self) -> tuple[dict, str, dict[str, Any]]:
        """(message JSON, model action, its arguments)."""
        kind = self.rng.choices(["deposit", "withdraw", "transfer", "price", "block", "invalid"], [3, 4, 4, 2, 2, 2])[0]
        if kind == "invalid":
            return self._invalid()
        if kind == "price":
            price = self.rng.randrange(1, 7)
            return self._price_message(price, self.state.authority), "SetPrice", {"price": price}
        if kind == "block":
            step = self.rng.choices([1, 2, 30, 400], [20, 5, 3, 1])[0]  # 400 s: an outage (BLOCK-2)
            height = self.state.blocks.height + 1
            return self._block_message(height, step), "AdvanceBlock", {"height": height}
        if kind == "deposit":
            name, amount = self.rng.choice(ACCOUNTS), self._amount()
            return self._deposit(name, amount, self._owner(name)), "Deposit", {"account": name, "amount": amount}
        if kind == "withdraw":
            name = self.rng.choice(ACCOUNTS)
            amount = self._amount(name)
            return self._withdraw(name, amount, self._owner(name)), "Withdraw", {"account": name, "amount": amount}
        sender, recipient = self.rng.sample(ACCOUNTS, 2)
        amount = self._amount(sender)
        message = self._transfer(sender, recipient, amount, self._owner(sender))
        return message, "Transfer", {"sender": sender, "recipient": recipient, "amount": amount}

    def _invalid(self) -> tuple[dict, str, dict[str, Any]]:
        name, other = self.rng.sample(ACCOUNTS, 2)
        case = self.rng.randrange(7)
        if case == 0:
            message, reason = self._withdraw(name, 1, self._owner(other)), "UNAUTHORIZED"
        elif case == 1:
            message, reason = self._transfer(name, other, 1, self._owner(other)), "UNAUTHORIZED"
        elif case == 2:
            message, reason = self._deposit(name, 1, self._owner(other)), "UNAUTHORIZED"
            message["sender"] = self._owner(name)
        elif case == 3:
            message, reason = self._withdraw(name, 0, self._owner(name)), "INVALID_TRANSFER_AMOUNT"
        elif case == 4:
            message, reason = self._transfer(name, name, 1, self._owner(name)), "SENDER_SAME_AS_RECIPIENT"
        elif case == 5:
            message, reason = self._block_message(self.state.blocks.height + 2, 1), "INVALID_BLOCK_HEIGHT"
        else:
            message, reason = self._price_message(3, self._owner(name)), "UNAUTHORIZED"
        return message, "Invalid", {"reason": reason}

    def _deposit(self, name: str, amount: int, signer: str) -> dict:
        return {
            "@type": DEPOSIT_TYPE,
            "signer": signer,
            "sender": signer,
            "recipient": subaccount_json(self._owner(name), 0),
            "assetId": 0,
            "quantums": str(amount),
        }

    def _withdraw(self, name: str, amount: int, signer: str) -> dict:
        return {
            "@type": WITHDRAW_TYPE,
            "signer": signer,
            "sender": subaccount_json(self._owner(name), 0),
            "recipient": self._owner(name),
            "assetId": 0,
            "quantums": str(amount),
        }

    def _transfer(self, sender: str, recipient: str, amount: int, signer: str) -> dict:
        return {
            "@type": TRANSFER_TYPE,
            "signer": signer,
            "transfer": {
                "sender": subaccount_json(self._owner(sender), 0),
                "recipient": subaccount_json(self._owner(recipient), 0),
                "assetId": 0,
                "amount": str(amount),
            },
        }

    def _price_message(self, price: int, signer: str) -> dict:
        source = {"source": "exchange-0", "price": str(price), "timestamp": str(self.state.blocks.time)}
        update = {"marketId": MARKET_ID, "sourcePrices": [source]}
        return {"@type": UPDATE_PRICES_TYPE, "signer": signer, "marketUpdates": [update]}

    def _block_message(self, height: int, step: int) -> dict:
        return {
            "@type": ADVANCE_BLOCK_TYPE,
            "signer": self.state.authority,
            "height": height,
            "time": str(self.state.blocks.time + step),
        }


def record_trace(seed: int, steps: int) -> Trace:
    """
    Run the reference for ``steps`` random messages and log every state through the abstraction,
    up to the first block whose risk-engine phases act (``Trace.cut_at``).
    """
    rng = random.Random(seed)
    genesis, constants = trace_genesis(rng)
    state = load_genesis(genesis)
    trace = Trace(seed, constants)
    genesis_last = {"action": "Genesis", "who": "", "accepted": True, **NO_RISK}
    genesis_state = abstract_state(state, genesis_last)
    trace.steps.append({"action": "Genesis", "args": {"height": state.blocks.height}, "state": genesis_state})
    messages = TraceMessages(rng, state)
    for _ in range(steps):
        message, action, args = messages.next()
        who = args.get("account") or args.get("sender") or ""
        risk = risk_record(state, who) if who else NO_RISK
        outcome = apply_json(state, message)
        if any(event.get("type") in RISK_ENGINE_EVENTS for event in outcome.events or []):
            trace.cut_at = len(trace.steps) - 1
            break
        if outcome.accepted:
            trace.accepted += 1
        else:
            trace.rejected += 1
        last = {"action": action, "who": who, "accepted": outcome.accepted and action != "Invalid", **risk}
        trace.steps.append({"action": action, "args": args, "state": abstract_state(state, last)})
    return trace


# --- writing the trace ------------------------------------------------------------------


def tla_value(value: Any) -> str:
    """A value as a TLA+ expression: records, tuples, sets, strings, 32-bit integers, booleans."""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        if abs(value) > TLC_INT_MAX:
            raise TraceMappingError(f"{value} does not fit TLC's 32-bit integers")
        return str(value)
    if isinstance(value, str):
        return json.dumps(value)
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(sorted(tla_value(item) for item in value)) + "}"
    if isinstance(value, dict):
        if not value:
            raise TraceMappingError("TLA+ has no empty record")
        return "[" + ", ".join(f"{key} |-> {tla_value(item)}" for key, item in value.items()) + "]"
    if isinstance(value, (list, tuple)):
        # A sequence of records is written one record a line: SANY's parsing time grows with
        # the square of a line's length (a 120-message book trace on one line a step: 12 s).
        separator = ",\n  " if any(isinstance(item, dict) for item in value) else ", "
        return "<<" + separator.join(tla_value(item) for item in value) + ">>"
    raise TraceMappingError(f"no TLA+ form for {value!r}")


def trace_module(trace: Trace) -> str:
    """``TraceData.tla``: the run's constants and its steps (EXTENDS Integers, for negative numbers)."""
    lines = [
        "---------------------------- MODULE TraceData ----------------------------",
        f"\\* Written by perpspec.verify.traces: seed {trace.seed}, {len(trace.steps) - 1} messages.",
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


def trace_ndjson(trace: Trace) -> str:
    """The same trace as NDJSON (a meta line, then one line per step), for modern TLC with Json."""
    meta = {"meta": {"seed": trace.seed, "constants": {"Accounts": list(ACCOUNTS), **trace.constants}}}
    return "\n".join(json.dumps(line, sort_keys=True) for line in [meta, *trace.steps]) + "\n"


def corrupt(trace: Trace, rng: random.Random | None = None) -> tuple[Trace, int]:
    """A copy of ``trace`` with one balance in one logged state (not the genesis) off by one."""
    rng = rng or random.Random(trace.seed)
    steps = json.loads(json.dumps(trace.steps))
    index = rng.randrange(len(steps) // 2, len(steps)) if len(steps) > 2 else len(steps) - 1
    name = rng.choice(ACCOUNTS)
    steps[index]["state"]["usdc"][name] += 1
    return Trace(trace.seed, dict(trace.constants), steps, trace.accepted, trace.rejected), index


# --- checking a trace with TLC ----------------------------------------------------------


@dataclass
class TraceCheck:
    accepted: bool
    detail: str
    milliseconds: int
    run: tlc.TlcRun | None = None


def check_trace(trace: Trace, ledger_dir: Path, java: str, jar: Path, timeout: float = 120) -> TraceCheck:
    """
    Replay one trace with TLC in a temporary directory.  Accepted means: no error, and exactly
    one distinct state per logged step (so a genesis TLC could not match is not a silent pass).
    """
    with tempfile.TemporaryDirectory(prefix="perpspec-trace-") as scratch_name:
        scratch = Path(scratch_name)
        for name in TRACE_FILES:
            shutil.copy(ledger_dir / name, scratch / name)
        (scratch / "TraceData.tla").write_text(trace_module(trace), encoding="utf-8")
        (scratch / "trace.ndjson").write_text(trace_ndjson(trace), encoding="utf-8")
        command = [
            java, "-XX:+UseParallelGC", "-cp", str(jar), "tlc2.TLC", "-workers", "1", "-deadlock",
            "-metadir", str(scratch / "states"), "-config", "LedgerTrace.cfg", TRACE_SPEC,
        ]  # fmt: skip
        run = tlc.run_tlc(command, scratch, timeout, scratch)
    return judge_trace_run(run, len(trace.steps))


def judge_trace_run(run: tlc.TlcRun, length: int) -> TraceCheck:
    """
    A trace run's verdict: accepted only with no error and exactly one distinct state per
    logged state (so a genesis TLC could not match is not a silent pass).
    """
    if run.timed_out:
        return TraceCheck(False, "TLC timed out", run.milliseconds, run)
    if run.violated:
        where = f"; the last state TLC matched is trace state {run.trace_length}" if run.trace_length else ""
        return TraceCheck(False, f"{run.violated} is violated{where}", run.milliseconds, run)
    if not run.completed:
        return TraceCheck(False, run.error_summary(), run.milliseconds, run)
    if run.distinct_states != length:
        return TraceCheck(
            False, f"TLC matched {run.distinct_states} distinct states of {length} logged", run.milliseconds, run
        )
    return TraceCheck(True, f"{length} states matched", run.milliseconds, run)


def run_trace_validation(quick: bool, repository: Path | None = None) -> list[MethodResult]:
    """
    (a) Seeded random runs of the reference, each replayed by TLC against the model
    (CONS-1, SOLV-1, POS-1, ATOM-1); (b) one of them with a balance corrupted, which TLC must
    reject at StepAccepted, so that a trace check that accepts everything cannot pass.
    """
    count, steps = (3, 30) if quick else (12, 120)
    tla_dir = tlc.find_tla_dir(repository)
    problem = tlc.missing_tools(tla_dir)
    if problem is not None:
        return [MethodResult(CLAIMS, tlc.METHOD, "LedgerTrace (traces)", FAILED, problem)]
    tla_dir, java, jar = tlc.found_tools(tla_dir)
    ledger_dir = tla_dir / "ledger"
    if not all((ledger_dir / name).is_file() for name in TRACE_FILES):
        problem = "tla/ledger/ lacks " + ", ".join(TRACE_FILES)
        return [MethodResult(CLAIMS, tlc.METHOD, "LedgerTrace (traces)", FAILED, problem)]
    results: list[MethodResult] = []
    traces: list[Trace] = []
    for seed in range(count):
        start = time.perf_counter_ns()
        try:
            traces.append(record_trace(seed, steps))
        except Exception as error:
            ms = (time.perf_counter_ns() - start) // 1_000_000
            name = f"LedgerTrace seed {seed}"
            results.append(MethodResult(CLAIMS, tlc.METHOD, name, FAILED, f"recording: {error!r}", ms))
    corrupted, index = corrupt(traces[0]) if traces else (None, 0)
    jobs = [(t, f"LedgerTrace seed {t.seed}") for t in traces]
    if corrupted is not None:
        jobs.append((corrupted, f"LedgerTrace seed {corrupted.seed} corrupted"))

    def check_job(job: tuple[Trace, str]) -> TraceCheck:
        try:
            return check_trace(job[0], ledger_dir, java, jar)
        except (OSError, ValueError) as error:
            return TraceCheck(False, f"cannot run TLC on the trace: {error!r}", 0)

    with ThreadPoolExecutor(max_workers=2) as pool:
        checks = list(pool.map(check_job, jobs))
    for (trace, name), check in zip(jobs, checks):
        summary = f"{len(trace.steps) - 1} messages ({trace.accepted} accepted, {trace.rejected} rejected)"
        if trace.cut_at is not None:
            summary += f", cut before message {trace.cut_at} (a block that deleverages: tla/liquidation/)"
        if trace is corrupted:
            # Rejected exactly where it was corrupted: TLC's last matched state is the one before.
            rejected = (
                check.run is not None and check.run.violated == "StepAccepted" and check.run.trace_length == index
            )
            where = f"Trace[{index + 1}] (usdc off by one)"
            detail = (
                f"corrupted {where} rejected: {check.detail}"
                if rejected
                else f"corrupted {where} NOT rejected by StepAccepted: {check.detail}"
            )
            results.append(
                MethodResult(CLAIMS, tlc.METHOD, name, verdict(rejected, SELF_TEST), detail, check.milliseconds)
            )
        else:
            results.append(
                MethodResult(
                    CLAIMS,
                    tlc.METHOD,
                    name,
                    verdict(check.accepted, CHECKED),
                    f"{summary}: {check.detail}",
                    check.milliseconds,
                )
            )
    return results


if __name__ == "__main__":
    import sys

    # Exit 0 when every trace is accepted and the corrupted one rejected, 1 when a check failed
    sys.exit(tlc.run_main(lambda: tlc.report(run_trace_validation(quick="--full" not in sys.argv))))
