"""
Z3 proofs of the arithmetic claims (CLAIM-1; CONV-1, RISK-1, SOLV-1, ORACLE-1, CONS-2).

The z3 proofs call the real helpers with z3 terms: ROUND-3..ROUND-9 and UNITS-4..UNITS-7
(CONV-1), MARGIN-1, MARGIN-2, MARGIN-3 (RISK-1), SUB-7, SUB-8 (SOLV-1), PRICE-4, PRICE-8
(ORACLE-1), FUND-1, FUND-2, FUND-3 (CONS-2).  The checker is itself checked on deliberately
wrong functions, which it must refute with a counterexample.
"""

from __future__ import annotations

import re

import pytest
import z3

from helpers.paths import SPEC
from helpers.verification import Z3_CLAIMS, Z3_ONLY_CLAIMS
from perpspec import rounding
from perpspec.margin import Risk
from perpspec.report import INCONCLUSIVE, PROVED, SELF_TEST
from perpspec.rules import read_rules
from perpspec.subaccounts import UpdateResult, compute_undercollateralized_result
from perpspec.verify import z3 as z3_package
from perpspec.verify.claims import CLAIMS
from perpspec.verify.z3.harness import Obligation, Proof, run_proof
from perpspec.verify.z3.paths import Explorer


@pytest.fixture(scope="module")
def z3_results():
    return z3_package.run_z3(quick=True)


@pytest.mark.z3
def test_every_z3_proof_passes(z3_results):
    """CLAIM-1: every z3 proof of CONV-1, RISK-1, SOLV-1, ORACLE-1 and CONS-2 is proved, with its time."""
    failed = [(r.check, r.status, r.detail, r.counterexample) for r in z3_results if r.status != PROVED]
    assert failed == [], failed
    assert all(r.method == "z3" for r in z3_results)
    assert {claim for r in z3_results for claim in r.claims} == Z3_CLAIMS | Z3_ONLY_CLAIMS
    assert len(z3_results) > 100


@pytest.mark.z3
def test_every_z3_proof_has_a_witness(z3_results):
    """CLAIM-1: each proved property comes with a model of its premise (non-vacuity)."""
    assert all(r.extra.get("witness") for r in z3_results)


def test_a_witness_must_satisfy_the_premise():
    """CLAIM-2: a witness outside the premise is vacuity, not evidence: premise and witness must be sat together."""

    def build():
        x = z3.Int("x")
        return Obligation(premise=x > 0, prop=x >= 0, inputs={"x": x}, witness=x < 0)

    result = run_proof(Proof("outside", ("CONV-1",), ("ROUND-1",), "x > 0 => x >= 0", build), 2_000)
    assert result.failed and result.detail.startswith("vacuous")


def test_int_branch_proofs_cover_the_dual_path_helpers():
    """CONV-1, RISK-1 (ROUND-5, ROUND-7, MARGIN-1): the int branches are proved, not sampled; no z3 result is sampled."""
    names = {p.name for p in z3_package.proofs(quick=True)}
    for helper in (
        "floor_div",
        "ceil_div",
        "trunc_div",
        "mul_ppm_floor",
        "mul_ppm_ceil",
        "adjusted_initial_margin_ppm",
    ):
        assert any(n.startswith(f"int branch = z3 branch: {helper}") for n in names), helper
    assert any(n.startswith("int branch = z3 branch: mul_pow10 e=-40") for n in names)


def test_int_branch_proof_refutes_a_wrong_int_branch(monkeypatch):
    """ROUND-5: trunc_div with floor in its int branch (its z3 branch right) is refuted by the int-branch proof."""
    real = rounding.trunc_div

    def wrong(numerator, divisor):
        if rounding.is_concrete(numerator, divisor):
            return numerator // divisor  # floor, not toward zero
        return real(numerator, divisor)

    monkeypatch.setattr(rounding, "trunc_div", wrong)
    (proof,) = [p for p in z3_package.proofs(quick=True) if p.name == "int branch = z3 branch: trunc_div"]
    result = run_proof(proof, 5_000)
    assert result.failed and result.counterexample, result.detail


def test_filters_select_proofs():
    """CLAIM-3: --match and --claim select proofs by name and claim (the planted bugs' targeted runs)."""
    solvency = z3_package.select(z3_package.proofs(quick=True), claim="SOLV-1")
    assert solvency and all("SOLV-1" in p.claims for p in solvency)
    matched = [p.name for p in z3_package.select(z3_package.proofs(quick=True), match="TRUNC_DIV")]
    assert "int branch = z3 branch: trunc_div" in matched and all("trunc_div" in n for n in matched)


def test_z3_proofs_cite_defined_rules_and_claims():
    """CLAIM-1: every proof names registered claims and defined rules (ROUND-3, MARGIN-2, SUB-8, FUND-2, ...)."""
    rules = read_rules(SPEC)
    for proof in z3_package.proofs(quick=False):
        assert proof.claims and set(proof.claims) <= set(CLAIMS), proof.name
        assert proof.rules and set(proof.rules) <= set(rules), proof.name


def test_full_mode_covers_the_whole_exponent_grid():
    """CONV-1 (UNITS-4, UNITS-5, UNITS-6): full mode proves every exponent in -12..3; RISK-1 too."""
    names = {p.name for p in z3_package.proofs(quick=False)}
    for e in range(-12, 4):
        assert f"UNITS-4 base_to_quote e={e} bound" in names
        assert f"UNITS-5 quote_to_base e={e} bound" in names
        assert f"UNITS-6 fill quote qce={e} bound" in names
        assert f"MARGIN-2/3 IMR >= MMR >= 0 e={e}" in names


@pytest.mark.z3
def test_margin_proof_uses_the_abstraction(z3_results):
    """RISK-1 (MARGIN-2, MARGIN-3): the notionals were found in the real expression and abstracted."""
    margins = [r for r in z3_results if r.check.startswith("MARGIN-2/3 IMR >= MMR")]
    assert margins and all(r.extra["note"].startswith("notionals abstracted") for r in margins)


@pytest.mark.z3
def test_mutants_are_refuted_with_counterexamples():
    """CLAIM-1: proofs run on wrong functions (floor rounding up, ROUND-9 toward zero, FUND-2 rounding up, ...) fail."""
    results = z3_package.mutation_sanity()
    assert len(results) >= 6
    for result in results:
        assert result.status == SELF_TEST, (result.check, result.status, result.detail)
        assert result.detail.startswith("planted bug: counterexample"), (result.check, result.detail)
        assert result.counterexample, result.check


def test_floor_mutant_counterexample_is_concrete():
    """ROUND-3: the counterexample to "ceil_div is a floor" really breaks the floor bound."""
    name, proof = z3_package.MUTANTS[0]
    assert name == "floor_div rounds up"
    result = run_proof(proof, 5_000)
    values = dict(re.findall(r"(\w+)=(-?\d+)", result.counterexample))
    n, d = int(values["n"]), int(values["d"])
    q = rounding.ceil_div(n, d)
    assert not (d * q <= n < d * q + d)
    assert int(values["result"]) == q


def test_a_hard_query_reports_timeout():
    """CLAIM-2: a proof z3 cannot settle in its budget is inconclusive, never proved."""

    def build():
        x, y, z = z3.Ints("x y z")
        return Obligation(
            premise=z3.And(x > 0, y > 0, z > 0),
            prop=x * x * x + y * y * y != z * z * z,
            inputs={"x": x, "y": y, "z": z},
        )

    proof = Proof("cubes", ("CONV-1",), ("ROUND-1",), "Fermat n=3", build)
    result = run_proof(proof, 300)
    assert result.status == INCONCLUSIVE and not result.is_evidence
    assert result.detail.startswith("inconclusive: ")


def test_path_explorer_agrees_with_the_real_function():
    """SUB-8: each path the explorer finds, replayed on concrete ints from its model, gives the path's result."""
    names = "nc_cur imr_cur mmr_cur nc_new imr_new mmr_new"
    variables = z3.Ints(names)
    premise = z3.And(variables[2] >= 0, variables[5] >= 0, variables[3] < variables[4])
    explorer = Explorer(premise)
    s = [explorer.wrap(v) for v in variables]
    paths = explorer.explore(lambda: compute_undercollateralized_result(Risk(*s[:3]), Risk(*s[3:])))
    assert len(paths.paths) > 3 and not paths.raised
    seen = set()
    for path in paths.paths:
        solver = z3.Solver()
        solver.add(premise, path.condition())
        assert solver.check() == z3.sat
        model = solver.model()
        ints = [model.eval(v, model_completion=True).as_long() for v in variables]
        assert compute_undercollateralized_result(Risk(*ints[:3]), Risk(*ints[3:])) is path.value
        seen.add(path.value)
    assert seen == {
        UpdateResult.SUCCESS,
        UpdateResult.NEWLY_UNDERCOLLATERALIZED,
        UpdateResult.STILL_UNDERCOLLATERALIZED,
    }


@pytest.mark.z3
def test_z3_catches_the_planted_solvency_bug():
    """CLAIM-3, SOLV-1, SUB-7: NC >= MMR planted in the real decision (compute_update_result) fails a z3 proof."""
    from pathlib import Path

    from perpspec.verify.planted import run_planted
    from perpspec.verify.planted import z3 as planted_z3

    (bug,) = [b for b in planted_z3.BUGS if b.id == "z3-solv1-decides-on-maintenance-margin"]
    (result,) = run_planted(Path(__file__).resolve().parents[2], [bug])
    assert result.status == SELF_TEST, result.detail
