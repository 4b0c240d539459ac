"""
SOLV-1 for the collateral check: an accepted withdrawal or transfer leaves its sender collateralized, or not worse.

Claim: SOLV-1 (spec/claims.md).  Rules: SUB-7, SUB-8 (on MARGIN-7), SUB-12, SUB-13,
INV-5.  Real functions: ``perpspec.subaccounts.compute_update_result`` (SUB-7: the one
decision ``check_updates`` and ``check_update_succeeds`` take for every update) and
``perpspec.subaccounts.compute_undercollateralized_result`` (SUB-8), run on every feasible
path by ``perpspec.verify.z3.paths``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import z3

from perpspec import margin, subaccounts
from perpspec.margin import Risk
from perpspec.subaccounts import UpdateResult
from perpspec.verify.z3.harness import Obligation, Proof, mutant, path_lemmas
from perpspec.verify.z3.paths import Explorer, Paths


def not_worse(nc_new: Any, mmr_new: Any, nc_cur: Any, mmr_cur: Any) -> Any:
    """SUB-8's acceptance as mathematics: MMR not higher, and NC/MMR not lower (or, with no MMR, NC up)."""
    return z3.And(
        mmr_new <= mmr_cur,
        z3.Or(
            z3.And(mmr_new == 0, mmr_cur == 0, nc_new > nc_cur),
            z3.And(mmr_new > 0, mmr_cur > 0, nc_new * mmr_cur >= nc_cur * mmr_new),
        ),
    )


def prove_sub8(
    function: Callable[[Risk, Risk], Any] = subaccounts.compute_undercollateralized_result,
) -> Callable[[], Obligation]:
    """
    SUB-8 in general: for any current and new risk with MMRs >= 0, the rule accepts
    exactly when MMR does not rise and NC/MMR does not worsen (NC rises when both
    MMRs are 0), and the failure is NewlyUndercollateralized exactly when the
    current state met its initial margin.  Run on all paths of the real function.
    """

    def build() -> Obligation:
        nc_c, imr_c, mmr_c, nc_n, imr_n, mmr_n = z3.Ints("nc_cur imr_cur mmr_cur nc_new imr_new mmr_new")
        premise = z3.And(mmr_c >= 0, mmr_n >= 0, nc_n < imr_n)
        explorer = Explorer(premise)
        s = [explorer.wrap(v) for v in (nc_c, imr_c, mmr_c, nc_n, imr_n, mmr_n)]
        paths = explorer.explore(lambda: function(Risk(s[0], s[1], s[2]), Risk(s[3], s[4], s[5])))
        success = paths.where(lambda v: v is UpdateResult.SUCCESS)
        newly = paths.where(lambda v: v is UpdateResult.NEWLY_UNDERCOLLATERALIZED)
        still = paths.where(lambda v: v is UpdateResult.STILL_UNDERCOLLATERALIZED)
        return Obligation(
            premise=premise,
            prop=z3.And(
                success == not_worse(nc_n, mmr_n, nc_c, mmr_c),
                newly == z3.And(z3.Not(success), nc_c >= imr_c),
                still == z3.And(z3.Not(success), nc_c < imr_c),
            ),
            inputs={
                "nc_cur": nc_c,
                "imr_cur": imr_c,
                "mmr_cur": mmr_c,
                "nc_new": nc_n,
                "imr_new": imr_n,
                "mmr_new": mmr_n,
            },
            observe={"success": success, "newly": newly},
            witness=z3.And(premise, success, mmr_n > 0),
            lemmas=path_lemmas(paths, premise),
            note=f"{len(paths.paths)} paths, {paths.feasibility_checks} feasibility checks",
        )

    return build


def _withdrawal_paths(
    premise: Any, nc: Any, imr: Any, mmr: Any, amount: Any, decision: Callable[[Risk, Callable[[], Risk]], Any]
) -> Paths:
    """Every path of SUB-7's per-update decision for a withdrawal of ``amount``, positions unchanged."""
    explorer = Explorer(premise)
    s_nc, s_imr, s_mmr, s_amount = (explorer.wrap(v) for v in (nc, imr, mmr, amount))

    def decide() -> UpdateResult:
        risk_current = Risk(s_nc, s_imr, s_mmr)
        risk_new = Risk(s_nc - s_amount, s_imr, s_mmr)  # positions unchanged: IMR and MMR too
        result: UpdateResult = decision(risk_new, lambda: risk_current)
        return result

    return explorer.explore(decide)


def prove_withdrawal(
    strong: bool, decision: Callable[[Risk, Callable[[], Risk]], Any] = subaccounts.compute_update_result
) -> Callable[[], Obligation]:
    """
    SOLV-1 for the sender of a withdrawal or transfer (NC falls by amount > 0, IMR and
    MMR unchanged, IMR >= MMR >= 0 by RISK-1): if accepted, the sender is initially
    collateralized after, or was not before and MMR did not rise and NC/MMR did not
    worsen.  The strong form: if accepted, the sender is initially collateralized after.
    Run on all paths of the real decision, ``subaccounts.compute_update_result``.
    """

    def build() -> Obligation:
        nc, imr, mmr, amount = z3.Ints("nc_cur imr mmr amount")
        base = z3.And(amount > 0, imr >= mmr, mmr >= 0)
        paths = _withdrawal_paths(base, nc, imr, mmr, amount, decision)
        accepted = paths.where(lambda v: v is UpdateResult.SUCCESS)
        nc_new = nc - amount
        if strong:
            conclusion = nc_new >= imr
        else:
            conclusion = z3.Or(nc_new >= imr, z3.And(nc < imr, not_worse(nc_new, mmr, nc, mmr)))
        return Obligation(
            premise=z3.And(base, accepted),
            prop=conclusion,
            inputs={"nc_cur": nc, "imr": imr, "mmr": mmr, "amount": amount},
            observe={"nc_new": nc_new},
            witness=z3.And(base, accepted, mmr > 0),
            lemmas=path_lemmas(paths, base),
            note=f"{len(paths.paths)} paths",
        )

    return build


# --- the proof list -------------------------------------------------------------------------------


def proofs() -> list[Proof]:
    """SOLV-1's proofs: SUB-8 on all paths, then the sender of a withdrawal or transfer, weak and strong."""
    return [
        Proof(
            "SUB-8 under-collateralized rule, all paths",
            ("SOLV-1",),
            ("SUB-8", "MARGIN-7"),
            "Success <=> MMR not up and NC/MMR not worse; Newly <=> not Success and NC_cur >= IMR_cur",
            prove_sub8(),
        ),
        Proof(
            "SUB-7/SUB-8 withdrawal or transfer sender",
            ("SOLV-1",),
            ("SUB-7", "SUB-8", "SUB-12", "SUB-13"),
            "accepted => NC_new >= IMR, or (NC_cur < IMR and MMR not up and NC/MMR not worse)",
            prove_withdrawal(strong=False),
        ),
        Proof(
            "SUB-7/SUB-8 withdrawal needs initial margin",
            ("SOLV-1",),
            ("SUB-7", "SUB-8", "INV-5"),
            "amount > 0, positions unchanged, accepted => NC_new >= IMR",
            prove_withdrawal(strong=True),
        ),
    ]


# --- mutants: wrong rules these proofs must refute ------------------------------------------------


def _mmr_only(risk_current: Risk, risk_new: Risk) -> UpdateResult:
    """A wrong SUB-8: accepts whenever the MMR does not rise, whatever NC does."""
    return UpdateResult.SUCCESS if risk_new.mmr <= risk_current.mmr else UpdateResult.STILL_UNDERCOLLATERALIZED


def maintenance_decision(risk_new: Risk, current_risk: Callable[[], Risk]) -> UpdateResult:
    """A wrong SUB-7: the decision with NC >= MMR in place of the initial-margin test (MARGIN-6)."""
    if risk_new.nc >= risk_new.mmr:
        return UpdateResult.SUCCESS
    return subaccounts.compute_undercollateralized_result(current_risk(), risk_new)


def _decision_with(rule: Callable[[Risk, Risk], UpdateResult]) -> Callable[[Risk, Callable[[], Risk]], UpdateResult]:
    """The real decision's structure with a wrong SUB-8 rule in it."""

    def decision(risk_new: Risk, current_risk: Callable[[], Risk]) -> UpdateResult:
        return UpdateResult.SUCCESS if margin.is_initially_collateralized(risk_new) else rule(current_risk(), risk_new)

    return decision


MUTANTS = [
    mutant("SUB-8 checks MMR only", ("SOLV-1",), prove_sub8(_mmr_only)),
    mutant("withdrawal accepted on MMR only", ("SOLV-1",), prove_withdrawal(True, _decision_with(_mmr_only))),
    mutant("SUB-7 decides on NC >= MMR", ("SOLV-1",), prove_withdrawal(True, maintenance_decision)),
]
"""Proofs of wrong collateral rules, in the order ``mutation_sanity`` runs them."""
