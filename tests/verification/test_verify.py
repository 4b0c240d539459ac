"""
`perpspec verify`: steps, the claim matrix, reports, and failures that name their claim (CLAIM-1).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

import perpspec.sending
import perpspec.subaccounts
from helpers.commands import ENV
from helpers.paths import REPOSITORY
from perpspec.report import MethodResult
from perpspec.verify import properties
from perpspec.verify.claims import CLAIMS
from perpspec.verify.runner import Budget, compute_claim_matrix, render_markdown, step_contracts


@pytest.fixture
def conservation_mutant(monkeypatch):
    """A mutant of the ledger that credits one quantum too many on every update (breaks CONS-1)."""
    original = perpspec.subaccounts.process_updates

    def leaky(state, updates, update_type):
        settled = original(state, updates, update_type)
        state.subaccounts.subaccounts[updates[0].subaccount_id].usdc_balance += 1
        return settled

    monkeypatch.setattr(perpspec.sending, "process_updates", leaky)


def test_a_conservation_mutant_fails_the_contract_runs_naming_cons_1(conservation_mutant):
    """CLAIM-1, INV-1: the contract-checked runs catch a conservation mutant and name claim CONS-1."""
    [result] = step_contracts(Budget(quick=True, seeds=1, steps=100), REPOSITORY)
    assert not result.passed
    assert "CONS-1" in result.claims and "CONS-1" in result.detail


@pytest.mark.slow
def test_a_conservation_mutant_fails_the_state_machine(conservation_mutant):
    """CLAIM-1, INV-1: hypothesis's ledger machine catches it too, with a falsifying example."""
    result = properties.run_state_machine(examples=5, steps=20)
    assert not result.passed
    assert "CONS-1" in result.claims and result.counterexample


def test_a_claim_no_method_checked_fails_the_matrix():
    """CLAIM-1: a claim with no check is not held."""
    results = [MethodResult(("CONS-1",), "contracts", "x", True)]
    matrix = {row.claim: row for row in compute_claim_matrix(results)}
    assert matrix["CONS-1"].passed and matrix["CONS-1"].methods == {"contracts": "pass 1"}
    assert not matrix["DET-1"].passed and matrix["DET-1"].methods == {}
    assert set(matrix) == set(CLAIMS)


def test_markdown_report_lists_every_claim():
    """CLAIM-1: the Markdown report has a row per claim and per check."""
    results = [MethodResult(("CONS-1",), "contracts", "random runs", False, "broken | badly")]
    text = render_markdown(results, compute_claim_matrix(results))
    for claim_id in CLAIMS:
        assert f"`{claim_id}`" in text
    assert "broken \\| badly" in text


@pytest.mark.tla
@pytest.mark.crosshair
@pytest.mark.z3
@pytest.mark.conformance
def test_verify_quick_writes_reports_and_exits_zero(tmp_path):
    """CLAIM-1, META-1: `perpspec verify --quick` passes here and writes JSON and Markdown reports."""
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "perpspec",
            "verify",
            "--quick",
            "--json",
            str(tmp_path / "r.json"),
            "--markdown",
            str(tmp_path / "r.md"),
        ],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=REPOSITORY,
    )
    assert completed.returncode == 0, completed.stdout + completed.stderr
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["passed"] and {row["claim"] for row in report["claims"]} == set(CLAIMS)
    assert "## Claims" in (tmp_path / "r.md").read_text()
    assert "[1/" in completed.stderr  # the progress display
