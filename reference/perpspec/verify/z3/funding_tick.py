"""
CONS-4 for funding ticks: a tick creates no USDC; its index move never exceeds the exact prorated
rate, and the settlements it later causes over positions netting to zero sum to at most zero.

Claim: CONS-4 (spec/claims.md).  Rules: FUND-7, FUND-8, FUND-1, FUND-2, INV-4.  Real
functions: ``perpspec.funding.funding_index_delta``, ``clamp_funding_rate_ppm``,
``max_abs_funding_clamp_ppm``, ``funding_settlement_ppm`` and ``settlement_quote_quantums``,
called with z3 integer terms (the exponent of UNITS-4 concrete, one proof per exponent).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import z3

from perpspec import funding, rounding, units
from perpspec.funding import FUNDING_RATE_PERIOD_SECONDS
from perpspec.rounding import ONE_MILLION
from perpspec.verify.z3.harness import Obligation, Proof, ints, mutant, pow10_fraction, split_exponent

TICK_EXPONENTS = (-12, -9, -6, -3, 0, 2)
"""UNITS-4 exponents of the index-move proofs (BTC's genesis market is -9)."""

SETTLEMENT_EXPONENTS = (-9, 0)
"""Exponents of the tick-then-settle proofs (slower: the settlement multiplies the move by each size)."""


def prove_index_move_bounded(
    exponent: int, function: Callable[..., Any] = funding.funding_index_delta
) -> Callable[[], Obligation]:
    """FUND-7: the index move has the sign of rate * time * price and never exceeds the exact prorated value."""

    def build() -> Obligation:
        rate, seconds, price = ints("rate seconds price")
        ar, pe = split_exponent(exponent)
        delta = function(ar, pe, price, rate, seconds)
        numerator, denominator = pow10_fraction(exponent)
        exact = seconds * rate * price * numerator  # the move times 28800 * denominator
        scale = FUNDING_RATE_PERIOD_SECONDS * denominator
        prop = z3.If(
            exact >= 0,
            z3.And(delta >= 0, delta * scale <= exact),
            z3.And(delta <= 0, -delta * scale <= -exact),
        )
        return Obligation(
            premise=z3.And(seconds >= 0, price >= 0),
            prop=prop,
            inputs={"rate": rate, "seconds": seconds, "price": price},
            observe={"delta": delta},
            witness=z3.And(rate < 0, seconds > 0, price > 1, (seconds * rate * price * numerator) % scale != 0),
        )

    return build


def prove_tick_then_settle(exponent: int, k: int) -> Obligation:
    """CONS-4: k positions netting to zero, all at the old index, settle after one tick's move: -k < total <= 0."""
    q = [z3.Int(f"q{i}") for i in range(k)]
    rate, seconds, price, index = ints("rate seconds price index")
    ar, pe = split_exponent(exponent)
    new_index = index + funding.funding_index_delta(ar, pe, price, rate, seconds)
    usdc = [funding.settlement_quote_quantums(funding.funding_settlement_ppm(new_index, index, x)[0]) for x in q]
    total = z3.Sum(usdc)
    return Obligation(
        premise=z3.And(z3.Sum(q) == 0, seconds >= 0, price >= 0),
        prop=z3.And(total <= 0, total > -k),
        inputs={f"q{i}": x for i, x in enumerate(q)} | {"rate": rate, "seconds": seconds, "price": price},
        observe={"total": total},
        witness=z3.And(z3.Sum(q) == 0, *[x != 0 for x in q], rate != 0, seconds == 3_600, price > 10**6),
    )


def prove_rate_clamped(
    clamp: Callable[[Any, Any], Any] = funding.clamp_funding_rate_ppm,
) -> Callable[[], Obligation]:
    """FUND-8: the clamped rate lies in [-bound, bound] for the tier's bound, which is >= 0; IM == MM gives 0."""

    def build() -> Obligation:
        rate, factor, im, mf = ints("rate factor im mf")
        bound = funding.max_abs_funding_clamp_ppm(factor, im, mf)
        clamped = clamp(rate, bound)
        return Obligation(
            premise=z3.And(factor >= 0, im >= 0, mf >= 0, mf <= ONE_MILLION),
            prop=z3.And(bound >= 0, -bound <= clamped, clamped <= bound, z3.Implies(mf == ONE_MILLION, clamped == 0)),
            inputs={"rate": rate, "factor": factor, "im": im, "mf": mf},
            observe={"bound": bound, "clamped": clamped},
            witness=z3.And(rate > bound, bound > 0),
        )

    return build


# --- the proof list -------------------------------------------------------------------------------


def proofs() -> list[Proof]:
    """CONS-4's proofs: the index move per exponent, the clamp, and tick-then-settle for 2 and 3 positions."""
    found = [
        Proof(
            "FUND-8 funding rate clamped to the tier's bound",
            ("CONS-4",),
            ("FUND-8",),
            "factor, im >= 0, 0 <= mf <= 1e6 => 0 <= bound and -bound <= clamp(rate) <= bound; mf = 1e6 => 0",
            prove_rate_clamped(),
        )
    ]
    for exponent in TICK_EXPONENTS:
        found.append(
            Proof(
                f"FUND-7 index move bounded (exponent {exponent})",
                ("CONS-4",),
                ("FUND-7", "UNITS-4", "ROUND-5"),
                "sign(delta) = sign(t*r*p) or 0, and |delta| * 28800 <= |t*r*p*10^e|",
                prove_index_move_bounded(exponent),
            )
        )
    for exponent in SETTLEMENT_EXPONENTS:
        for k in (2, 3):
            found.append(
                Proof(
                    f"CONS-4 tick then settle {k} positions (exponent {exponent})",
                    ("CONS-4",),
                    ("FUND-7", "FUND-1", "FUND-2", "INV-4"),
                    f"sum q_i = 0 => -{k} < sum of settlements after one tick <= 0",
                    partial(prove_tick_then_settle, exponent, k),
                    full_only=k == 3,
                )
            )
    return found


# --- mutants: a wrong index move these proofs must refute ------------------------------------------


def _floored_delta(atomic_resolution: int, price_exponent: int, price: Any, rate: Any, seconds: Any) -> Any:
    """A wrong FUND-7: the prorated move floors instead of truncating, overshooting negative rates."""
    quote = units.base_to_quote_quantums(seconds * rate, atomic_resolution, price, price_exponent)
    return rounding.floor_div(quote, FUNDING_RATE_PERIOD_SECONDS)


MUTANTS = [
    mutant("index move floors", ("CONS-4",), prove_index_move_bounded(-9, _floored_delta)),
]
"""Proofs of a wrong index move, in the order ``mutation_sanity`` runs them."""
