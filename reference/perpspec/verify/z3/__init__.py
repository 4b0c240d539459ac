"""
Z3 proofs of the arithmetic claims, over all integers, on the real functions (spec/claims.md, CLAIM-1).

One module per claim, each opening with its claim, rules and the functions it proves
things about:

- ``rounding``: CONV-1 for the rounding helpers (ROUND-2..7, ROUND-9);
- ``conversions``: CONV-1 for the unit conversions (UNITS-4..7), and MATCH-2's fast path;
- ``margin``: RISK-1 (MARGIN-1..3), and the collateral check's fast path (MARGIN-4);
- ``solvency``: SOLV-1 (SUB-7, SUB-8);
- ``oracle``: ORACLE-1 (PRICE-4, PRICE-8);
- ``funding``: CONS-2 (FUND-1..3);
- ``fills``: CONS-3 (FEE-2, FEE-3, FEE-5);
- ``reduce_only``: RO-1 (MATCH-8, ORDER-10);
- ``insurance``: SOLV-3 (INS-1, LIQ-9);
- ``liquidation``: BANKR-1 (LIQ-6..LIQ-9);
- ``funding_tick``: CONS-4 (FUND-7, FUND-8, FUND-1, FUND-2);
- ``price_acceptance``: ORACLE-2 (PRICE-10);
- ``branches``: the int branch of every dual-path helper equals its z3 branch, for every
  input, so the proofs about the z3 branch are about the code that runs.

``harness`` holds what they share (obligations, the solver portfolio, results) and
``paths`` the explorer that runs branching functions on every feasible path.
``run_z3`` runs the proofs in one fixed order: the claim modules' proofs, then the
fast-path equalities (which have run last since they were written: z3's heuristics on
them are sensitive to the terms built before), then the int-branch equalities.
``run_z3(match=..., claim=...)`` runs the proofs whose name contains a text or that
support a claim (``python -m perpspec.verify.z3 --match TEXT --claim ID``).
"""

from __future__ import annotations

from dataclasses import replace

from perpspec.report import FAILED, INCONCLUSIVE, SELF_TEST, MethodResult
from perpspec.verify.z3 import (
    branches,
    conversions,
    fills,
    funding,
    funding_tick,
    insurance,
    liquidation,
    margin,
    oracle,
    price_acceptance,
    reduce_only,
    rounding,
    solvency,
)
from perpspec.verify.z3.harness import DEFAULT_TIMEOUT_MS, EXPONENTS, QUICK_EXPONENTS, Proof, run_proof

__all__ = ["MUTANTS", "as_self_test", "mutation_sanity", "proofs", "run_z3"]


def proofs(quick: bool) -> list[Proof]:
    """Every proof; quick mode uses a smaller exponent grid and leaves out the slowest."""
    exponents = QUICK_EXPONENTS if quick else EXPONENTS
    everything = (
        rounding.proofs()
        + conversions.proofs(exponents)
        + margin.proofs(exponents)
        + solvency.proofs()
        + oracle.proofs()
        + funding.proofs()
        + fills.proofs()
        + insurance.proofs()
        + reduce_only.proofs()
        + liquidation.proofs()
        + funding_tick.proofs()
        + price_acceptance.proofs()
        + margin.fast_path_proofs(exponents)
        + conversions.fast_path_proofs()
        + fills.fast_path_proofs()
        + branches.proofs(quick)
    )
    return [p for p in everything if not (quick and p.full_only)]


def select(found: list[Proof], match: str | None = None, claim: str | None = None) -> list[Proof]:
    """The proofs whose name contains ``match`` (case-insensitive) and that support ``claim``; None selects all."""
    return [
        p for p in found if (match is None or match.lower() in p.name.lower()) and (claim is None or claim in p.claims)
    ]


def run_z3(
    quick: bool, timeout_ms: int | None = None, match: str | None = None, claim: str | None = None
) -> list[MethodResult]:
    """Every z3 proof (or those ``select`` picks), one result each; a proof's own budget overrides the default."""
    budget = timeout_ms if timeout_ms is not None else DEFAULT_TIMEOUT_MS[quick]
    return [run_proof(proof, proof_budget(proof, budget, quick)) for proof in select(proofs(quick), match, claim)]


def proof_budget(proof: Proof, default_ms: int, quick: bool) -> int:
    """The time budget of one proof: its own (quick or full) where it states one, else the default."""
    own = proof.budget_ms.get(quick) if proof.budget_ms else None
    return max(default_ms, own) if own else default_ms


MUTANTS: list[tuple[str, Proof]] = (
    rounding.MUTANTS
    + conversions.MUTANTS
    + margin.MUTANTS
    + funding.MUTANTS
    + oracle.MUTANTS
    + solvency.MUTANTS
    + funding_tick.MUTANTS
    + price_acceptance.MUTANTS
)
"""Every proof of a deliberately wrong function, by name."""


def mutation_sanity(timeout_ms: int = 10_000) -> list[MethodResult]:
    """
    Proofs run against deliberately wrong functions: each must find a counterexample.

    This checks the checker: a proof that cannot fail proves nothing.  A refuted wrong
    function is a ``self-test`` result; a wrong function the proof "proves" is ``failed``
    (the proof is broken, not the reference); a timeout stays ``inconclusive`` (CLAIM-2).
    """
    return [as_self_test(run_proof(proof, timeout_ms)) for _, proof in MUTANTS]


def as_self_test(result: MethodResult) -> MethodResult:
    """A proof of a planted bug, judged as a self-test: its counterexample is the pass."""
    if result.status == FAILED and result.counterexample is not None:
        status = SELF_TEST
    elif result.status == INCONCLUSIVE:
        status = INCONCLUSIVE
    else:
        status = FAILED
    return replace(result, status=status, detail=f"planted bug: {result.detail}")
