"""
CONV-1 for the unit conversions: base to quote, quote to base, fill quote and subticks, each within one quantum.

Claim: CONV-1 (spec/claims.md); the fill quote's fast path also serves CONS-3.  Rules:
UNITS-4, UNITS-5, UNITS-6, UNITS-7 (on ROUND-5, ROUND-7), and MATCH-2 for the fast path.
Real functions: ``perpspec.units.base_to_quote_quantums``, ``quote_to_base_quantums``,
``fill_quote_quantums_from_subticks``, ``subticks_to_price``, and
``perpspec.clob.fills.compute_fill_quote_quantums`` (all its paths, proved equal to
``fill_quote_quantums_from_subticks``).  Exponents stay concrete: each is its own proof.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import z3

from perpspec import rounding, units
from perpspec.rounding import Rounding
from perpspec.verify.z3.harness import (
    Obligation,
    Proof,
    floor_ok,
    ints,
    mutant,
    path_lemmas,
    path_value,
    pow10_fraction,
    split_exponent,
    trunc_ok,
)
from perpspec.verify.z3.paths import Explorer

# --- base and quote (UNITS-4, UNITS-5) ------------------------------------------------------------


def prove_base_to_quote(
    exponent: int, function: Callable[..., Any] = units.base_to_quote_quantums
) -> Callable[[], Obligation]:
    """UNITS-4: base_to_quote(b, p) = b*p*10^e truncated toward zero, within one quantum, for p > 0."""

    def build() -> Obligation:
        b, p = ints("b p")
        ar, pe = split_exponent(exponent)
        r = function(b, ar, p, pe)
        numerator, denominator = pow10_fraction(exponent)
        return Obligation(
            premise=p > 0,
            prop=trunc_ok(r, b * p * numerator, denominator),
            inputs={"base": b, "price": p},
            observe={"quote": r},
            witness=z3.And(p > 1, b < 0),
        )

    return build


def prove_base_to_quote_odd(exponent: int) -> Obligation:
    """UNITS-4: base_to_quote is odd in the base amount for p > 0: a short converts as minus the long."""
    b, p = ints("b p")
    ar, pe = split_exponent(exponent)
    f = units.base_to_quote_quantums
    return Obligation(
        premise=p > 0,
        prop=f(-b, ar, p, pe) == -f(b, ar, p, pe),
        inputs={"base": b, "price": p},
        witness=z3.And(p > 1, b > 0),
    )


def prove_base_to_quote_monotone(exponent: int) -> Obligation:
    """UNITS-4: base_to_quote never falls as the base amount rises, for p > 0."""
    b1, b2, p = ints("b1 b2 p")
    ar, pe = split_exponent(exponent)
    f = units.base_to_quote_quantums
    r1, r2 = f(b1, ar, p, pe), f(b2, ar, p, pe)
    return Obligation(
        premise=z3.And(p > 0, b1 <= b2),
        prop=r1 <= r2,
        inputs={"base1": b1, "base2": b2, "price": p},
        observe={"quote1": r1, "quote2": r2},
        witness=z3.And(p > 1, b1 < 0, b2 > 0),
    )


def prove_quote_to_base(exponent: int) -> Obligation:
    """UNITS-5: quote_to_base(q, p) = q / (p*10^e) truncated toward zero, within one base quantum."""
    q, p = ints("q p")
    ar, pe = split_exponent(exponent)
    r = units.quote_to_base_quantums(q, ar, p, pe)
    numerator, denominator = pow10_fraction(-exponent)  # q * 10^-e / p
    return Obligation(
        premise=p > 0,
        prop=trunc_ok(r, q * numerator, p * denominator),
        inputs={"quote": q, "price": p},
        observe={"base": r},
        witness=z3.And(p > 1, q < 0),
    )


def prove_quote_to_base_monotone(exponent: int) -> Obligation:
    """UNITS-5: quote_to_base never falls as the quote amount rises, for p > 0."""
    q1, q2, p = ints("q1 q2 p")
    ar, pe = split_exponent(exponent)
    f = units.quote_to_base_quantums
    return Obligation(
        premise=z3.And(p > 0, q1 <= q2),
        prop=f(q1, ar, p, pe) <= f(q2, ar, p, pe),
        inputs={"quote1": q1, "quote2": q2, "price": p},
        witness=z3.And(p > 1, q1 < 0, q2 > 0),
    )


def prove_quote_round_trip(exponent: int) -> Obligation:
    """UNITS-5 (favours the protocol): the base bought for q is never worth more than q: |b2q(q2b(q))| <= |q|."""
    q, p = ints("q p")
    ar, pe = split_exponent(exponent)
    base = units.quote_to_base_quantums(q, ar, p, pe)
    back = units.base_to_quote_quantums(base, ar, p, pe)
    return Obligation(
        premise=p > 0,
        prop=z3.And(z3.If(q >= 0, z3.And(back >= 0, back <= q), z3.And(q <= back, back <= 0))),
        inputs={"quote": q, "price": p},
        observe={"base": base, "back": back},
        witness=z3.And(p > 1, q < 0, base != 0),
    )


# --- fills and subticks (UNITS-6, UNITS-7, MATCH-2) ---------------------------------------------------


def prove_fill(exponent: int) -> Obligation:
    """UNITS-6: fill quote = floor(s*b*10^qce) for s, b >= 0, within one quote quantum below the exact value."""
    s, b = ints("s b")
    r = units.fill_quote_quantums_from_subticks(s, b, exponent)
    numerator, denominator = pow10_fraction(exponent)
    return Obligation(
        premise=z3.And(s >= 0, b >= 0),
        prop=floor_ok(r, s * b * numerator, denominator),
        inputs={"subticks": s, "base": b},
        observe={"quote": r},
        witness=z3.And(s > 1, b > 1),
    )


def prove_fill_monotone(exponent: int) -> Obligation:
    """UNITS-6: the fill quote never falls as the subticks or the base quantums rise."""
    s1, s2, b1, b2 = ints("s1 s2 b1 b2")
    f = units.fill_quote_quantums_from_subticks
    return Obligation(
        premise=z3.And(s1 >= 0, s1 <= s2, b1 >= 0, b1 <= b2),
        prop=z3.And(f(s1, b1, exponent) <= f(s1, b2, exponent), f(s1, b1, exponent) <= f(s2, b1, exponent)),
        inputs={"subticks1": s1, "subticks2": s2, "base1": b1, "base2": b2},
        witness=z3.And(s1 < s2, b1 < b2, s1 > 0, b1 > 0),
    )


def prove_fast_fill_quote(exponent: int) -> Obligation:
    """MATCH-2: the fill quote's integer fast path equals ``fill_quote_quantums_from_subticks`` (UNITS-6)."""
    from perpspec.clob.fills import compute_fill_quote_quantums

    subticks, fill = ints("subticks fill")
    premise = z3.And(subticks >= 0, fill >= 0)
    explorer = Explorer(premise, floor_division=True)
    s_subticks, s_fill = explorer.wrap(subticks), explorer.wrap(fill)
    paths = explorer.explore(lambda: compute_fill_quote_quantums(s_subticks, s_fill, exponent))
    fast = path_value(paths)
    general = units.fill_quote_quantums_from_subticks(subticks, fill, exponent)
    return Obligation(
        premise=premise,
        prop=fast == general,
        inputs={"subticks": subticks, "fill": fill},
        observe={"fast": fast, "general": general},
        witness=z3.And(premise, general > 0),
        lemmas=path_lemmas(paths, premise),
    )


SUBTICKS_CASES = ((-5, -10, -9), (-9, -8, -8), (-6, -6, -14), (0, -3, -3))
"""(price exponent, base atomic resolution, quantum conversion exponent) for UNITS-7."""


def prove_subticks_to_price(price_exponent: int, base_ar: int, qce: int) -> Obligation:
    """UNITS-7: subticks_to_price = floor(s * 10^-(pe - qce + bar - qar)), monotone."""
    s1, s2 = ints("s1 s2")
    qar = units.QUOTE_ATOMIC_RESOLUTION
    f = units.subticks_to_price
    exponent = -units.compute_subticks_exponent(price_exponent, base_ar, qar, qce)
    numerator, denominator = pow10_fraction(exponent)
    r1, r2 = f(s1, price_exponent, base_ar, qar, qce), f(s2, price_exponent, base_ar, qar, qce)
    return Obligation(
        premise=s1 <= s2,
        prop=z3.And(floor_ok(r1, s1 * numerator, denominator), r1 <= r2),
        inputs={"subticks1": s1, "subticks2": s2},
        observe={"price1": r1, "price2": r2},
        witness=z3.And(s1 > 0, s1 < s2),
    )


# --- the proof lists ------------------------------------------------------------------------------


def proofs(exponents: tuple[int, ...]) -> list[Proof]:
    """CONV-1's conversion proofs: UNITS-4..6 for each exponent of the grid, then UNITS-7 for each subticks case."""
    found = []
    for e in exponents:
        found += [
            Proof(
                f"UNITS-4 base_to_quote e={e} bound",
                ("CONV-1",),
                ("UNITS-4", "ROUND-5", "ROUND-7"),
                "p > 0 => r = b*p*10^e truncated toward zero",
                prove_base_to_quote(e),
            ),
            Proof(
                f"UNITS-4 base_to_quote e={e} odd",
                ("CONV-1",),
                ("UNITS-4",),
                "p > 0 => f(-b) = -f(b)",
                partial(prove_base_to_quote_odd, e),
            ),
            Proof(
                f"UNITS-4 base_to_quote e={e} monotone",
                ("CONV-1",),
                ("UNITS-4",),
                "p > 0, b1 <= b2 => f(b1) <= f(b2)",
                partial(prove_base_to_quote_monotone, e),
            ),
            Proof(
                f"UNITS-5 quote_to_base e={e} bound",
                ("CONV-1",),
                ("UNITS-5", "ROUND-5"),
                "p > 0 => r = q/(p*10^e) truncated toward zero",
                partial(prove_quote_to_base, e),
            ),
            Proof(
                f"UNITS-5 quote_to_base e={e} monotone",
                ("CONV-1",),
                ("UNITS-5",),
                "p > 0, q1 <= q2 => f(q1) <= f(q2)",
                partial(prove_quote_to_base_monotone, e),
            ),
            Proof(
                f"UNITS-5 quote round trip e={e}",
                ("CONV-1",),
                ("UNITS-4", "UNITS-5"),
                "p > 0 => |b2q(q2b(q))| <= |q|, same sign",
                partial(prove_quote_round_trip, e),
            ),
            Proof(
                f"UNITS-6 fill quote qce={e} bound",
                ("CONV-1",),
                ("UNITS-6", "ROUND-7"),
                "s, b >= 0 => r = floor(s*b*10^qce)",
                partial(prove_fill, e),
            ),
            Proof(
                f"UNITS-6 fill quote qce={e} monotone",
                ("CONV-1",),
                ("UNITS-6",),
                "monotone in subticks and in base quantums",
                partial(prove_fill_monotone, e),
            ),
        ]
    for case in SUBTICKS_CASES:
        found.append(
            Proof(
                f"UNITS-7 subticks_to_price pe={case[0]} bar={case[1]} qce={case[2]}",
                ("CONV-1",),
                ("UNITS-7",),
                "floor(s*10^-exp), monotone",
                partial(prove_subticks_to_price, *case),
            )
        )
    return found


def fast_path_proofs() -> list[Proof]:
    """MATCH-2: the matching engine's integer fast path for the fill quote equals UNITS-6, per exponent."""
    return [
        Proof(
            f"UNITS-6 fast fill quote = general (qce={e})",
            ("CONV-1", "CONS-3"),
            ("UNITS-6", "MATCH-2"),
            "compute_fill_quote_quantums == fill_quote_quantums_from_subticks",
            partial(prove_fast_fill_quote, e),
        )
        for e in (-12, -9, -8, -6, 0, 2)
    ]


# --- mutants: wrong conversions these proofs must refute ------------------------------------------


def _floor_base_to_quote(b: Any, ar: int, p: Any, pe: int) -> Any:
    """A wrong UNITS-4: floors the quote instead of truncating it toward zero."""
    return rounding.mul_pow10(b * p, units.compute_quote_exponent(ar, pe), Rounding.FLOOR)


MUTANTS = [
    mutant("base_to_quote floors negatives", ("CONV-1",), prove_base_to_quote(-6, _floor_base_to_quote)),
]
"""Proofs of wrong conversions, in the order ``mutation_sanity`` runs them."""
