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
from perpspec.report import CHECKED, FAILED, INCONCLUSIVE, PROVED, SELF_TEST, MethodResult
from perpspec.verify import properties
from perpspec.verify.claims import CLAIMS
from perpspec.verify.runner import Budget, compute_claim_matrix, render_markdown, run_verify, step_contracts


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
    assert result.failed
    assert "CONS-1" in result.claims and "CONS-1" in result.detail


@pytest.mark.slow
def test_a_conservation_mutant_fails_the_state_machine(conservation_mutant):
    """CLAIM-1, INV-1: hypothesis's ledger machine catches it too, with a falsifying example."""
    result = properties.run_state_machine(examples=5, steps=20)
    assert result.failed
    assert "CONS-1" in result.claims and result.counterexample


def test_a_claim_needs_two_methods_with_evidence():
    """CLAIM-2: a claim holds with two methods proved or checked; one method, or none, is not enough."""
    results = [
        MethodResult(("CONS-1", "DET-1"), "contracts", "x", CHECKED),
        MethodResult(("CONS-1",), "z3", "y", PROVED),
    ]
    matrix = {row.claim: row for row in compute_claim_matrix(results)}
    assert matrix["CONS-1"].holds and matrix["CONS-1"].methods == {"contracts": "1 checked", "z3": "1 proved"}
    assert matrix["DET-1"].status == "too little evidence" and not matrix["DET-1"].holds
    assert matrix["ATOM-1"].status == "not checked" and matrix["ATOM-1"].methods == {}
    assert set(matrix) == set(CLAIMS)


@pytest.mark.parametrize("status", [INCONCLUSIVE, SELF_TEST, "not-run"])
def test_inconclusive_and_self_test_results_are_no_evidence(status):
    """CLAIM-2: a timeout, a planted bug caught or a check not run never makes a claim hold."""
    results = [MethodResult(("CONS-1",), "contracts", "x", CHECKED), MethodResult(("CONS-1",), "z3", "y", status)]
    [row] = [row for row in compute_claim_matrix(results) if row.claim == "CONS-1"]
    assert not row.holds and row.evidence == ("contracts",) and row.methods["z3"] == f"1 {status}"


def test_one_failed_check_refutes_the_claim():
    """CLAIM-2: any failed check refutes its claim, whatever else proved it."""
    results = [
        MethodResult(("CONS-1",), "contracts", "x", CHECKED),
        MethodResult(("CONS-1",), "z3", "y", PROVED),
        MethodResult(("CONS-1",), "tla", "z", FAILED),
    ]
    [row] = [row for row in compute_claim_matrix(results) if row.claim == "CONS-1"]
    assert row.status == "FAILS" and row.methods["tla"] == "FAIL"


def test_a_status_outside_the_six_is_refused():
    """CLAIM-2: a result must carry one of the six statuses (a bool left from an old caller is an error)."""
    with pytest.raises(ValueError, match="status"):
        MethodResult(("CONS-1",), "z3", "y", True)  # type: ignore[arg-type]


def test_only_that_selects_nothing_exits_2(capsys):
    """CLAIM-2: `verify --only` with words that select no step runs nothing and says so (exit 2)."""
    assert run_verify(True, None, None, REPOSITORY, only=["no-such-step"]) == 2
    assert "selects no step" in capsys.readouterr().err


def test_only_never_says_a_claim_holds(capsys):
    """CLAIM-2: a partial run judges its checks, reports evidence, and never says a claim holds."""
    assert run_verify(True, None, None, REPOSITORY, only=["rule coverage"]) == 0
    out = capsys.readouterr().out
    rows = [line for line in out.splitlines() if line.split(" ", 1)[0] in CLAIMS]
    assert "claims not judged" in out and len(rows) == len(CLAIMS)
    assert not any(f"{line} ".count(" holds ") for line in rows), rows


def test_markdown_report_lists_every_claim():
    """CLAIM-1: the Markdown report has a row per claim and per check."""
    results = [MethodResult(("CONS-1",), "contracts", "random runs", FAILED, "broken | badly")]
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


def test_a_method_without_a_planted_catch_is_named():
    """CLAIM-3: a method with evidence but no planted bug caught has not shown it can fail."""
    from perpspec.verify.runner import methods_without_planted_catch

    proved = MethodResult(("CONS-1",), "z3", "p", PROVED)
    caught = MethodResult(("CONS-1",), "z3", "planted: x", SELF_TEST, extra={"bug": "x"})
    checked = MethodResult(("CONS-1",), "tla", "m", CHECKED)
    assert methods_without_planted_catch([proved, caught, checked]) == ["tla"]
