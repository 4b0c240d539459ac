"""
CONV-1 for the rounding helpers: every division, ppm product, power of ten and mean is within one of the exact value.

Claim: CONV-1 (spec/claims.md).  Rules: ROUND-2, ROUND-3, ROUND-4, ROUND-5, ROUND-6,
ROUND-7, ROUND-9.  Real functions: ``perpspec.rounding.floor_div``, ``ceil_div``,
``trunc_div``, ``mul_ppm_floor``, ``mul_ppm_ceil``, ``mul_pow10``, ``divide`` and
``mean_round_half_away_from_zero``, each called with z3 integer terms; each bound is
stated as the exact rational value, each monotonicity with two symbolic inputs.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import z3

from perpspec import rounding
from perpspec.rounding import ONE_MILLION, Rounding
from perpspec.verify.z3.harness import DIRECTION_OK, POW10_EXPONENTS, Obligation, Proof, ints, mutant, pow10_fraction

# --- division (ROUND-2..5) ------------------------------------------------------------------------


def prove_division_bound(function: Callable[[Any, Any], Any], rounding_kind: Rounding) -> Callable[[], Obligation]:
    """ROUND-3/4/5: for every n and every d > 0 the helper rounds n / d by at most one, in its direction."""

    def build() -> Obligation:
        n, d = ints("n d")
        q = function(n, d)
        return Obligation(
            premise=d > 0,
            prop=DIRECTION_OK[rounding_kind](q, n, d),
            inputs={"n": n, "d": d},
            observe={"result": q},
            witness=z3.And(d > 1, n < 0, n % d != 0),
        )

    return build


def prove_division_monotone(function: Callable[[Any, Any], Any]) -> Callable[[], Obligation]:
    """ROUND-3/4/5: the helper never falls as the numerator rises, for d > 0."""

    def build() -> Obligation:
        n1, n2, d = ints("n1 n2 d")
        q1, q2 = function(n1, d), function(n2, d)
        return Obligation(
            premise=z3.And(d > 0, n1 <= n2),
            prop=q1 <= q2,
            inputs={"n1": n1, "n2": n2, "d": d},
            observe={"result1": q1, "result2": q2},
            witness=z3.And(d > 1, n1 < 0, n2 > 0),
        )

    return build


def prove_trunc_odd() -> Obligation:
    """ROUND-5: truncation is odd, trunc(-n/d) = -trunc(n/d), for d > 0."""
    n, d = ints("n d")
    return Obligation(
        premise=d > 0,
        prop=rounding.trunc_div(-n, d) == -rounding.trunc_div(n, d),
        inputs={"n": n, "d": d},
        witness=z3.And(d > 1, n % d != 0),
    )


# --- ppm and powers of ten (ROUND-6, ROUND-7) -------------------------------------------------------


def prove_ppm(function: Callable[[Any, Any], Any], rounding_kind: Rounding) -> Callable[[], Obligation]:
    """ROUND-6: mul_ppm_floor / mul_ppm_ceil are v*p/1e6 rounded by at most one, in their direction, for any v, p."""

    def build() -> Obligation:
        v, p = ints("v p")
        r = function(v, p)
        return Obligation(
            premise=z3.BoolVal(True),
            prop=DIRECTION_OK[rounding_kind](r, v * p, ONE_MILLION),
            inputs={"v": v, "ppm": p},
            observe={"result": r},
            witness=z3.And(v < 0, p > 0, (v * p) % ONE_MILLION != 0),
        )

    return build


def prove_ppm_monotone(function: Callable[[Any, Any], Any]) -> Callable[[], Obligation]:
    """ROUND-6: the ppm product never falls as the amount rises, for a non-negative rate."""

    def build() -> Obligation:
        v1, v2, p = ints("v1 v2 p")
        return Obligation(
            premise=z3.And(v1 <= v2, p >= 0),
            prop=function(v1, p) <= function(v2, p),
            inputs={"v1": v1, "v2": v2, "ppm": p},
            witness=z3.And(v1 < 0, v2 > 0, p > 0),
        )

    return build


def prove_pow10(
    exponent: int, rounding_kind: Rounding, function: Callable[..., Any] = rounding.mul_pow10
) -> Callable[[], Obligation]:
    """ROUND-7: mul_pow10(v, e, r) is v*10^e exactly for e >= 0, else rounded by at most one in direction r."""

    def build() -> Obligation:
        v = z3.Int("v")
        r = function(v, exponent, rounding_kind)
        numerator, denominator = pow10_fraction(exponent)
        return Obligation(
            premise=z3.BoolVal(True),
            prop=DIRECTION_OK[rounding_kind](r, v * numerator, denominator),
            inputs={"v": v},
            observe={"result": r},
            witness=z3.And(v < 0, (v * numerator) % denominator != 0) if exponent < 0 else v < 0,
        )

    return build


def prove_pow10_monotone(exponent: int, rounding_kind: Rounding) -> Callable[[], Obligation]:
    """ROUND-7: mul_pow10 never falls as the amount rises, in each rounding direction."""

    def build() -> Obligation:
        v1, v2 = ints("v1 v2")
        return Obligation(
            premise=v1 <= v2,
            prop=rounding.mul_pow10(v1, exponent, rounding_kind) <= rounding.mul_pow10(v2, exponent, rounding_kind),
            inputs={"v1": v1, "v2": v2},
            witness=z3.And(v1 < 0, v2 > 0),
        )

    return build


def prove_pow10_shortcut(exponent: int) -> Obligation:
    """
    ROUND-7's shortcut: when |v| < 10^s the division answers -1, 0 or 1 by direction.

    ``mul_pow10`` answers this case without dividing, on concrete ints only; here the
    real ``divide`` is proved to give the same answers the shortcut gives (0 when
    v = 0 or for TRUNC; -1 for FLOOR of a negative; 1 for CEIL of a positive).
    """
    v = z3.Int("v")
    shift = -exponent
    divisor = 10**shift
    floor_r = rounding.divide(v, divisor, Rounding.FLOOR)
    ceil_r = rounding.divide(v, divisor, Rounding.CEIL)
    trunc_r = rounding.divide(v, divisor, Rounding.TRUNC)
    return Obligation(
        premise=z3.And(-divisor < v, v < divisor),
        prop=z3.And(
            floor_r == z3.If(v < 0, -1, 0),
            ceil_r == z3.If(v > 0, 1, 0),
            trunc_r == 0,
        ),
        inputs={"v": v},
        observe={"floor": floor_r, "ceil": ceil_r, "trunc": trunc_r},
        witness=z3.And(v < 0, -divisor < v),
    )


# --- the mean (ROUND-9) ---------------------------------------------------------------------------


def prove_mean(
    function: Callable[[Any, Any], Any] = rounding.mean_round_half_away_from_zero,
) -> Callable[[], Obligation]:
    """ROUND-9: mean = (x+y)/2 to the nearest integer, an exact half away from zero."""

    def build() -> Obligation:
        x, y = ints("x y")
        m = function(x, y)
        s = x + y
        return Obligation(
            premise=z3.BoolVal(True),
            prop=z3.If(s % 2 == 0, 2 * m == s, z3.If(s > 0, 2 * m == s + 1, 2 * m == s - 1)),
            inputs={"x": x, "y": y},
            observe={"mean": m},
            witness=z3.And(s < 0, s % 2 == 1),
        )

    return build


def prove_mean_symmetric() -> Obligation:
    """ROUND-9: the mean is odd and symmetric: m(-x,-y) = -m(x,y) and m(x,y) = m(y,x)."""
    x, y = ints("x y")
    mean = rounding.mean_round_half_away_from_zero
    return Obligation(
        premise=z3.BoolVal(True),
        prop=z3.And(mean(-x, -y) == -mean(x, y), mean(x, y) == mean(y, x)),
        inputs={"x": x, "y": y},
        witness=(x + y) % 2 == 1,
    )


def prove_mean_monotone() -> Obligation:
    """ROUND-9: the mean never falls as one of its arguments rises."""
    x1, x2, y = ints("x1 x2 y")
    mean = rounding.mean_round_half_away_from_zero
    return Obligation(
        premise=x1 <= x2,
        prop=mean(x1, y) <= mean(x2, y),
        inputs={"x1": x1, "x2": x2, "y": y},
        witness=z3.And(x1 + y < 0, x2 + y > 0),
    )


# --- the proof list -------------------------------------------------------------------------------


def proofs() -> list[Proof]:
    """CONV-1's rounding proofs: ROUND-3..6 bounds and monotonicity, ROUND-7 per exponent and direction, ROUND-9."""
    found = [
        Proof(
            "ROUND-3 floor_div bound",
            ("CONV-1",),
            ("ROUND-2", "ROUND-3"),
            "d > 0 => d*q <= n < d*q + d",
            prove_division_bound(rounding.floor_div, Rounding.FLOOR),
        ),
        Proof(
            "ROUND-3 floor_div monotone",
            ("CONV-1",),
            ("ROUND-3",),
            "d > 0, n1 <= n2 => q1 <= q2",
            prove_division_monotone(rounding.floor_div),
        ),
        Proof(
            "ROUND-4 ceil_div bound",
            ("CONV-1",),
            ("ROUND-2", "ROUND-4"),
            "d > 0 => d*q - d < n <= d*q",
            prove_division_bound(rounding.ceil_div, Rounding.CEIL),
        ),
        Proof(
            "ROUND-4 ceil_div monotone",
            ("CONV-1",),
            ("ROUND-4",),
            "d > 0, n1 <= n2 => q1 <= q2",
            prove_division_monotone(rounding.ceil_div),
        ),
        Proof(
            "ROUND-5 trunc_div bound",
            ("CONV-1",),
            ("ROUND-2", "ROUND-5"),
            "d > 0 => q is n/d rounded toward zero",
            prove_division_bound(rounding.trunc_div, Rounding.TRUNC),
        ),
        Proof(
            "ROUND-5 trunc_div monotone",
            ("CONV-1",),
            ("ROUND-5",),
            "d > 0, n1 <= n2 => q1 <= q2",
            prove_division_monotone(rounding.trunc_div),
        ),
        Proof(
            "ROUND-5 trunc_div odd", ("CONV-1",), ("ROUND-5",), "d > 0 => trunc(-n/d) = -trunc(n/d)", prove_trunc_odd
        ),
        Proof(
            "ROUND-6 mul_ppm_floor bound",
            ("CONV-1",),
            ("ROUND-6",),
            "1e6*r <= v*p < 1e6*r + 1e6",
            prove_ppm(rounding.mul_ppm_floor, Rounding.FLOOR),
        ),
        Proof(
            "ROUND-6 mul_ppm_ceil bound",
            ("CONV-1",),
            ("ROUND-6",),
            "1e6*r - 1e6 < v*p <= 1e6*r",
            prove_ppm(rounding.mul_ppm_ceil, Rounding.CEIL),
        ),
        Proof(
            "ROUND-6 mul_ppm_floor monotone",
            ("CONV-1",),
            ("ROUND-6",),
            "p >= 0, v1 <= v2 => r1 <= r2",
            prove_ppm_monotone(rounding.mul_ppm_floor),
        ),
        Proof(
            "ROUND-6 mul_ppm_ceil monotone",
            ("CONV-1",),
            ("ROUND-6",),
            "p >= 0, v1 <= v2 => r1 <= r2",
            prove_ppm_monotone(rounding.mul_ppm_ceil),
        ),
    ]
    for exponent in POW10_EXPONENTS:
        for kind in Rounding:
            found.append(
                Proof(
                    f"ROUND-7 mul_pow10 e={exponent} {kind.value} bound",
                    ("CONV-1",),
                    ("ROUND-7",),
                    f"v*10^{exponent} rounded {kind.value} by less than one",
                    prove_pow10(exponent, kind),
                )
            )
            found.append(
                Proof(
                    f"ROUND-7 mul_pow10 e={exponent} {kind.value} monotone",
                    ("CONV-1",),
                    ("ROUND-7",),
                    "v1 <= v2 => r1 <= r2",
                    prove_pow10_monotone(exponent, kind),
                )
            )
    for exponent in (-1, -6, -12):
        found.append(
            Proof(
                f"ROUND-7 shortcut lemma e={exponent}",
                ("CONV-1",),
                ("ROUND-7",),
                "|v| < 10^s => divide gives -1/0/1 by direction",
                partial(prove_pow10_shortcut, exponent),
            )
        )
    found += [
        Proof(
            "ROUND-9 mean half away from zero",
            ("CONV-1",),
            ("ROUND-9",),
            "2m = s for even s; 2m = s+1 (s > 0) or s-1 (s < 0) for odd s",
            prove_mean(),
        ),
        Proof(
            "ROUND-9 mean symmetric",
            ("CONV-1",),
            ("ROUND-9",),
            "m(-x,-y) = -m(x,y), m(x,y) = m(y,x)",
            prove_mean_symmetric,
        ),
        Proof(
            "ROUND-9 mean monotone", ("CONV-1",), ("ROUND-9",), "x1 <= x2 => m(x1,y) <= m(x2,y)", prove_mean_monotone
        ),
    ]
    return found


# --- mutants: wrong helpers these proofs must refute ------------------------------------------------


def _mean_half_toward_zero(first: Any, second: Any) -> Any:
    """A wrong ROUND-9: rounds an exact half toward zero instead of away from it."""
    return rounding.trunc_div(first + second, 2)


MUTANTS = [
    mutant("floor_div rounds up", ("CONV-1",), prove_division_bound(rounding.ceil_div, Rounding.FLOOR)),
    mutant("mean rounds halves toward zero", ("CONV-1",), prove_mean(_mean_half_toward_zero)),
]
"""Proofs of wrong rounding helpers, in the order ``mutation_sanity`` runs them."""
