"""
``perpspec simulate crash`` (perpspec.crash): a small seeded crash through the state machine.

The run must reconcile USDC at every block (CONS-1: subaccounts, insurance fund, fee collector
and funding pool against deposits minus withdrawals), count exactly the risk engine's events it
saw (LIQ-12, DEL-4, DEL-5), give the same bytes for the same seed, liquidate someone in a 30%
crash and never take the insurance fund below zero (INS-1).
"""

from __future__ import annotations

import sys
from collections import Counter

import pytest

from perpspec.cli import main
from perpspec.crash import (
    EVENT_TYPES,
    CrashConfig,
    ReconciliationError,
    encode_summary,
    get_usdc_held,
    reconcile,
    run_crash,
)
from perpspec.invariants import check_state_invariants

SMALL = CrashConfig(seed=3, subaccounts=40, blocks=16, crash_blocks=4, insurance_fund_usd=5_000)


@pytest.fixture(scope="module")
def small_run():
    seen: list[dict] = []
    summary, state = run_crash(SMALL, on_events=seen.extend)
    return summary, state, seen


def test_cons_1_usdc_reconciles_at_every_block(small_run):
    """CONS-1: each block's USDC held equals its deposits minus withdrawals, and the final state's own totals agree."""
    summary, state, _ = small_run
    for record in summary["blocks"]:
        assert record["usdcHeld"] == record["netDeposits"], record["block"]
    assert get_usdc_held(state) == state.bank.total_deposited - state.bank.total_withdrawn
    reconciliation = summary["reconciliation"]
    assert reconciliation["usdcHeld"] == reconciliation["deposits"] - reconciliation["withdrawals"]
    assert reconciliation["withdrawals"] > 0  # some withdrawals were accepted before the gate
    assert check_state_invariants(state) == []


def test_cons_1_the_reconciliation_catches_a_missing_quantum(small_run):
    """CONS-1: one quantum added to the insurance fund without a deposit breaks the reconciliation."""
    _, state, _ = small_run
    from perpspec.crash import Run

    run = Run(state, [], deposited=state.bank.total_deposited, withdrawn=state.bank.total_withdrawn)
    reconcile(run, "as run")
    state.bank.insurance_fund += 1
    try:
        with pytest.raises(ReconciliationError):
            reconcile(run, "planted")
    finally:
        state.bank.insurance_fund -= 1


def test_liq_12_the_summary_counts_equal_the_events(small_run):
    """LIQ-12, DEL-4, DEL-5: the totals and the per-block counts are the counts of the events the run applied."""
    summary, _, seen = small_run
    counted = Counter(event["type"] for event in seen if event["type"] in EVENT_TYPES)
    totals = summary["totals"]
    assert totals["liquidationOrders"] == counted["LiquidationOrder"]
    assert totals["liquidationFills"] == counted["LiquidationFill"]
    assert totals["deleveragingFills"] == counted["DeleveragingFill"]
    assert totals["negativeTncSeen"] == counted["NegativeTncSubaccountSeen"]
    blocks = summary["blocks"]
    assert sum(r["liquidationOrders"] for r in blocks) == counted["LiquidationOrder"]
    assert sum(r["liquidationFills"] for r in blocks) == counted["LiquidationFill"]
    assert sum(r["deleveragingFills"] for r in blocks) == counted["DeleveragingFill"]
    fund_flows = sum(int(e["insuranceFundDelta"]) for e in seen if e["type"] == "LiquidationFill")
    assert totals["insuranceFundEnd"] - totals["insuranceFundStart"] == fund_flows
    assert totals["insuranceFundReceived"] - totals["insuranceFundPaid"] == fund_flows


def test_ins_1_a_30_percent_crash_liquidates_and_the_fund_stays_non_negative(small_run):
    """LIQ-12, INS-1: the crash liquidates someone; the fund is never below zero; negative TNC gates withdrawals (DEL-5)."""
    summary, _, _ = small_run
    totals = summary["totals"]
    assert summary["config"]["crash_pct"] == 30
    assert totals["liquidationFills"] > 0 and totals["subaccountsLiquidated"] > 0
    assert all(r["insuranceFund"] >= 0 for r in summary["blocks"])
    assert totals["insuranceFundMin"] >= 0
    assert totals["negativeTncSeen"] > 0 and totals["blocksGated"] > 0
    assert totals["insuranceFundPaid"] > 0  # the small fund was drawn on


def test_no_move_no_liquidation():
    """LIQ-11: with no crash nobody is liquidated and the fund is untouched."""
    summary, _ = run_crash(CrashConfig(seed=3, subaccounts=40, blocks=6, crash_pct=0, jitter_ppm=0))
    assert summary["totals"]["liquidationOrders"] == 0
    assert summary["totals"]["insuranceFundEnd"] == summary["totals"]["insuranceFundStart"]


def test_tx_6_same_seed_same_bytes(small_run):
    """TX-6: a second run with the same seed gives the same JSON bytes; another seed gives others."""
    summary, _, _ = small_run
    again, _ = run_crash(SMALL)
    assert encode_summary(again) == encode_summary(summary)
    other, _ = run_crash(CrashConfig(seed=4, subaccounts=40, blocks=16, crash_blocks=4, insurance_fund_usd=5_000))
    assert encode_summary(other) != encode_summary(summary)


def test_the_command_writes_the_summary_and_says_how_to_get_the_plot(tmp_path, monkeypatch, capsys):
    """The CLI's JSON is the run's bytes; without matplotlib it still writes the JSON and names the extra."""
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # as if matplotlib were not installed
    out = tmp_path / "crash.json"
    argv = ["simulate", "crash", "--seed", "3", "--subaccounts", "40", "--blocks", "16", "--crash-blocks", "4"]
    argv += ["--insurance-fund", "5000", "--mm-depth", "50000", "--json", str(out), "--plot", str(tmp_path / "c.png")]
    assert main(argv) == 1
    captured = capsys.readouterr()
    assert "pip install 'perpspec[plot]'" in captured.err
    assert "liquidation orders" in captured.out
    summary, _ = run_crash(SMALL)
    assert out.read_bytes() == encode_summary(summary)
    assert not (tmp_path / "c.png").exists()
