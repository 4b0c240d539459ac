"""
SOLV-3 for the insurance fund: a liquidation fill that passes INS-1 never overdraws the fund.

Claim: SOLV-3 (spec/claims.md).  Rules: INS-1, LIQ-9, LIQ-13.  Real functions:
``perpspec.liquidation_arithmetic.is_valid_insurance_fund_delta`` (the check
``perpspec.clob.fills.get_liquidation_fill_stop`` makes before every liquidation fill) and
``compute_liquidation_insurance_fund_delta`` (the delta the fill then adds to the fund), called
with z3 integer terms.  The state-level step (that the fill adds exactly this delta, and that no
other transition touches the fund) is checked by contracts (``apply_fill``'s SOLV-3 condition in
random runs), hypothesis (crash runs) and the TLA+ liquidation model.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import z3

from perpspec import liquidation_arithmetic
from perpspec.verify.z3.harness import Obligation, Proof


def prove_valid_delta_keeps_fund(
    is_valid: Callable[[Any, Any], Any] = liquidation_arithmetic.is_valid_insurance_fund_delta,
) -> Callable[[], Obligation]:
    """INS-1: from a non-negative balance, a valid delta leaves the fund non-negative; and every such delta is valid."""

    def build() -> Obligation:
        balance, delta = z3.Ints("balance delta")
        valid = is_valid(balance, delta)
        return Obligation(
            premise=balance >= 0,
            prop=z3.And(z3.Implies(valid, balance + delta >= 0), z3.Implies(balance + delta >= 0, valid)),
            inputs={"balance": balance, "delta": delta},
            observe={"valid": valid},
            witness=z3.And(balance > 0, delta < 0, balance + delta == 0),
        )

    return build


def prove_fill_keeps_fund() -> Obligation:
    """LIQ-9 with INS-1: the delta of any fill, once INS-1 admits it, leaves a non-negative fund non-negative."""
    balance, fill_quote, bankruptcy, fee_ppm = z3.Ints("balance fill_quote bankruptcy fee_ppm")
    delta = liquidation_arithmetic.compute_liquidation_insurance_fund_delta(fill_quote, bankruptcy, fee_ppm)
    valid = liquidation_arithmetic.is_valid_insurance_fund_delta(balance, delta)
    return Obligation(
        premise=z3.And(balance >= 0, fee_ppm >= 0, fee_ppm <= 1_000_000, valid),
        prop=balance + delta >= 0,
        inputs={"balance": balance, "fill_quote": fill_quote, "bankruptcy": bankruptcy, "fee_ppm": fee_ppm},
        observe={"delta": delta},
        witness=z3.And(balance > 0, fill_quote < bankruptcy),
    )


def proofs() -> list[Proof]:
    """SOLV-3's proofs."""
    claims = ("SOLV-3",)
    return [
        Proof(
            "INS-1 a valid insurance fund delta never overdraws the fund",
            claims,
            ("INS-1",),
            "balance >= 0 => (valid(balance, d) <=> balance + d >= 0)",
            prove_valid_delta_keeps_fund(),
        ),
        Proof(
            "LIQ-9 a liquidation fill admitted by INS-1 leaves the fund non-negative",
            claims,
            ("LIQ-9", "INS-1", "LIQ-13"),
            "balance >= 0 and valid(balance, delta(fq, bq)) => balance + delta >= 0",
            prove_fill_keeps_fund,
        ),
    ]
