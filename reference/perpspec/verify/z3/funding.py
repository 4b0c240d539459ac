"""
CONS-2 for funding settlement: longs receive at most what shorts pay, and each rounding favours the protocol.

Claim: CONS-2 (spec/claims.md).  Rules: FUND-1, FUND-2, FUND-3, INV-4.  Real
functions: ``perpspec.funding.settlement_quote_quantums`` and
``perpspec.funding.funding_settlement_ppm``, called with z3 integer terms.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import z3

from perpspec import funding, rounding
from perpspec.rounding import ONE_MILLION
from perpspec.verify.z3.harness import Obligation, Proof, floor_ok, mutant


def prove_settlement_rounding(
    function: Callable[[Any], Any] = funding.settlement_quote_quantums,
) -> Callable[[], Obligation]:
    """FUND-2: a subaccount's USDC change is floor(s / 1e6): never more than the exact settlement."""

    def build() -> Obligation:
        s = z3.Int("s")
        r = function(s)
        return Obligation(
            premise=z3.BoolVal(True),
            prop=floor_ok(r, s, ONE_MILLION),
            inputs={"s": s},
            observe={"usdc": r},
            witness=z3.And(s < 0, s % ONE_MILLION != 0),
        )

    return build


def prove_long_short_pair(settle: Callable[[Any], Any] = funding.settlement_quote_quantums) -> Callable[[], Obligation]:
    """CONS-2: a long q and a short -q settled across one index change: longs receive at most what shorts pay."""

    def build() -> Obligation:
        index, position_index, q = z3.Ints("perp_index position_index q")
        long_ppm, long_index = funding.funding_settlement_ppm(index, position_index, q)
        short_ppm, short_index = funding.funding_settlement_ppm(index, position_index, -q)
        total = settle(long_ppm) + settle(short_ppm)
        return Obligation(
            premise=q > 0,
            prop=z3.And(total <= 0, total >= -1, long_index == index, short_index == index),
            inputs={"perp_index": index, "position_index": position_index, "q": q},
            observe={"long": settle(long_ppm), "short": settle(short_ppm)},
            witness=z3.And(q > 0, index != position_index, ((index - position_index) * q) % ONE_MILLION != 0),
        )

    return build


def prove_sum_zero(k: int) -> Obligation:
    """CONS-2 (FUND-3): k settlements summing to 0 in ppm pay out at most 0 in total, and keep less than k."""
    s = [z3.Int(f"s{i}") for i in range(k)]
    usdc = [funding.settlement_quote_quantums(x) for x in s]
    total = z3.Sum(usdc)
    return Obligation(
        premise=z3.Sum(s) == 0,
        prop=z3.And(total <= 0, total > -k),
        inputs={f"s{i}": x for i, x in enumerate(s)},
        observe={"total": total},
        witness=z3.And(z3.Sum(s) == 0, *[x % ONE_MILLION != 0 for x in s]),
    )


def prove_positions_sum_zero(k: int) -> Obligation:
    """CONS-2 (FUND-1, INV-4): k positions summing to 0, settled from one index to another: the total is <= 0."""
    q = [z3.Int(f"q{i}") for i in range(k)]
    index, position_index = z3.Ints("perp_index position_index")
    usdc = [funding.settlement_quote_quantums(funding.funding_settlement_ppm(index, position_index, x)[0]) for x in q]
    total = z3.Sum(usdc)
    return Obligation(
        premise=z3.Sum(q) == 0,
        prop=z3.And(total <= 0, total > -k),
        inputs={f"q{i}": x for i, x in enumerate(q)} | {"perp_index": index, "position_index": position_index},
        observe={"total": total},
        witness=z3.And(z3.Sum(q) == 0, *[x != 0 for x in q], index != position_index),
    )


# --- the proof list -------------------------------------------------------------------------------


def proofs() -> list[Proof]:
    """CONS-2's proofs: FUND-2's rounding, the long and short pair, and FUND-3 for 2, 3 and 4 subaccounts."""
    found = [
        Proof(
            "FUND-2 settlement rounds down",
            ("CONS-2",),
            ("FUND-2",),
            "1e6*usdc <= s < 1e6*usdc + 1e6",
            prove_settlement_rounding(),
        ),
        Proof(
            "FUND-1/2 long and short pair",
            ("CONS-2",),
            ("FUND-1", "FUND-2", "FUND-3"),
            "q > 0: settle(long) + settle(short) in [-1, 0]; new index = perpetual's",
            prove_long_short_pair(),
        ),
    ]
    for k in (2, 3, 4):
        found.append(
            Proof(
                f"FUND-3 {k} settlements summing to 0",
                ("CONS-2",),
                ("FUND-2", "FUND-3"),
                f"sum s_i = 0 => -{k} < sum floor(s_i/1e6) <= 0",
                partial(prove_sum_zero, k),
            )
        )
        found.append(
            Proof(
                f"FUND-3 {k} positions summing to 0",
                ("CONS-2",),
                ("FUND-1", "FUND-2", "FUND-3", "INV-4"),
                f"sum q_i = 0 => -{k} < total settled <= 0",
                partial(prove_positions_sum_zero, k),
            )
        )
    return found


# --- mutants: a wrong settlement these proofs must refute -------------------------------------------


def _ceil_settlement(total: Any) -> Any:
    """A wrong FUND-2: rounds the settlement up, in the subaccount's favour."""
    return rounding.ceil_div(total, ONE_MILLION)


MUTANTS = [
    mutant("settlement rounds up", ("CONS-2",), prove_long_short_pair(_ceil_settlement)),
]
"""Proofs of a wrong settlement, in the order ``mutation_sanity`` runs them."""
