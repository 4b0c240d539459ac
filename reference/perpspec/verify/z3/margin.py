"""
RISK-1 for the margin requirements: IMR >= MMR >= 0, and the scaled fraction lies in [imf, 100%], rising with OI.

Claim: RISK-1 (spec/claims.md); the fast-path equality also serves CONV-1.  Rules:
MARGIN-1, MARGIN-2, MARGIN-3 (on UNITS-4), and MARGIN-4 for the fast path.  Real
functions: ``perpspec.margin.adjusted_initial_margin_ppm``, ``maintenance_margin_ppm``,
``initial_margin_quote_quantums``, ``perpetual_margin_requirements``, and
``position_risk_of_integers`` (all its paths, proved equal to the general functions).

The margin requirements are proved on an abstraction: the two notionals
``base_to_quote(|q|)`` and ``base_to_quote(oi)`` inside the real expression are replaced
by fresh variables N, M >= 0, and the lemma "premise implies both notionals are >= 0"
is proved on the unabstracted terms.  That is sound (every concrete (q, p, oi) gives an
admissible (N, M)) and makes the query independent of the price.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import Any

import z3

from perpspec import margin, rounding, units
from perpspec.rounding import ONE_MILLION
from perpspec.verify.z3.harness import (
    Obligation,
    Proof,
    ceil_ok,
    ints,
    mutant,
    path_lemmas,
    path_values,
    split_exponent,
)
from perpspec.verify.z3.paths import Explorer, term


def _tier(imf: Any, mf: Any, lower: Any, upper: Any) -> Any:
    """A valid liquidity tier, RISK-1's premise: both fractions in [0, 1e6] and 0 <= lower cap <= upper cap."""
    return z3.And(imf >= 0, imf <= ONE_MILLION, mf >= 0, mf <= ONE_MILLION, lower >= 0, lower <= upper)


def _mentions(expression: Any, symbols: list[Any]) -> bool:
    """Whether any of ``symbols`` occurs in ``expression``: the check that the abstraction removed them."""
    names = {str(s) for s in symbols}
    seen: set[int] = set()
    stack = [expression]
    while stack:
        node = stack.pop()
        if node.get_id() in seen:
            continue
        seen.add(node.get_id())
        if z3.is_const(node) and str(node) in names:
            return True
        stack.extend(node.children())
    return False


# --- the margin fractions (MARGIN-1, MARGIN-3) ------------------------------------------------------


def prove_adjusted_range(function: Callable[..., Any] = margin.adjusted_initial_margin_ppm) -> Callable[[], Obligation]:
    """MARGIN-1: for a valid tier and any open interest, imf <= adjusted <= 1e6."""

    def build() -> Obligation:
        imf, lower, upper, oi = ints("imf lower upper oi")
        mf = z3.Int("mf")
        a = function(imf, lower, upper, oi)
        return Obligation(
            premise=z3.And(_tier(imf, mf, lower, upper), oi >= 0),
            prop=z3.And(imf <= a, a <= ONE_MILLION),
            inputs={"imf": imf, "lower": lower, "upper": upper, "oi": oi},
            observe={"adjusted": a},
            witness=z3.And(_tier(imf, mf, lower, upper), lower < oi, oi < upper, imf < ONE_MILLION),
        )

    return build


def prove_adjusted_monotone() -> Obligation:
    """MARGIN-1: the adjusted fraction never falls as open interest rises (two symbolic OIs)."""
    imf, lower, upper, oi1, oi2, mf = ints("imf lower upper oi1 oi2 mf")
    f = margin.adjusted_initial_margin_ppm
    a1, a2 = f(imf, lower, upper, oi1), f(imf, lower, upper, oi2)
    return Obligation(
        premise=z3.And(_tier(imf, mf, lower, upper), oi1 >= 0, oi1 <= oi2),
        prop=a1 <= a2,
        inputs={"imf": imf, "lower": lower, "upper": upper, "oi1": oi1, "oi2": oi2},
        observe={"adjusted1": a1, "adjusted2": a2},
        witness=z3.And(_tier(imf, mf, lower, upper), lower < oi1, oi1 < oi2, oi2 < upper, imf < ONE_MILLION),
    )


def prove_adjusted_off() -> Obligation:
    """MARGIN-1: with the upper cap 0, scaling is off: the adjusted fraction is the tier's imf."""
    imf, oi = ints("imf oi")
    zero = z3.IntVal(0)
    a = margin.adjusted_initial_margin_ppm(imf, zero, zero, oi)
    return Obligation(
        premise=z3.And(imf >= 0, imf <= ONE_MILLION),
        prop=a == imf,
        inputs={"imf": imf, "oi": oi},
        witness=z3.And(imf > 0, imf <= ONE_MILLION, oi > 0),  # inside the premise: imf <= 1e6
    )


def prove_maintenance_ppm() -> Obligation:
    """MARGIN-3: the maintenance fraction floor(imf*mf/1e6) lies in [0, imf]."""
    imf, mf = ints("imf mf")
    m = margin.maintenance_margin_ppm(imf, mf)
    return Obligation(
        premise=z3.And(imf >= 0, imf <= ONE_MILLION, mf >= 0, mf <= ONE_MILLION),
        prop=z3.And(m >= 0, m <= imf),
        inputs={"imf": imf, "mf": mf},
        observe={"mmf": m},
        witness=z3.And(imf > 0, imf <= ONE_MILLION, mf > 0, mf < ONE_MILLION),  # inside the premise
    )


# --- the requirements (MARGIN-2, MARGIN-3) and the fast path (MARGIN-4) -------------------------------


def prove_initial_margin() -> Obligation:
    """MARGIN-2: IMR = ceil(n * adjusted / 1e6): never below the exact value, >= 0, monotone in notional and OI."""
    n1, n2, imf, lower, upper, oi1, oi2, mf = ints("n1 n2 imf lower upper oi1 oi2 mf")
    f = margin.initial_margin_quote_quantums
    i11, i21, i12 = f(n1, imf, lower, upper, oi1), f(n2, imf, lower, upper, oi1), f(n1, imf, lower, upper, oi2)
    a = margin.adjusted_initial_margin_ppm(imf, lower, upper, oi1)
    return Obligation(
        premise=z3.And(_tier(imf, mf, lower, upper), n1 >= 0, n1 <= n2, oi1 >= 0, oi1 <= oi2),
        prop=z3.And(ceil_ok(i11, n1 * a, ONE_MILLION), i11 >= 0, i11 <= i21, i11 <= i12),
        inputs={"n1": n1, "n2": n2, "imf": imf, "lower": lower, "upper": upper, "oi1": oi1, "oi2": oi2},
        observe={"imr(n1,oi1)": i11, "imr(n2,oi1)": i21, "imr(n1,oi2)": i12},
        witness=z3.And(_tier(imf, mf, lower, upper), n1 > 0, n1 < n2, lower < oi1, oi1 < oi2, oi2 < upper),
    )


@dataclass(frozen=True)
class MarginTerms:
    """The real ``perpetual_margin_requirements`` on symbolic inputs, and its notionals abstracted to N and M."""

    q: Any
    p: Any
    oi: Any
    imf: Any
    mf: Any
    lower: Any
    upper: Any
    imr: Any
    unscaled: Any
    mmr: Any
    notional: Any
    oi_notional: Any
    n: Any
    m: Any
    abstract: list[Any]
    """IMR, unscaled IMR and MMR with ``notional`` replaced by N and ``oi_notional`` by M."""


def _margin_terms(exponent: int, function: Callable[..., Any]) -> MarginTerms:
    """
    Run ``function`` (the real margin requirements) at ``exponent`` on fresh symbols, with the
    open-interest caps and with none (the unscaled IMR), and abstract the two notionals the
    function builds: |q| by select and the open interest, each converted at the oracle price.
    """
    q, p, oi, imf, mf, lower, upper = ints("q p oi imf mf lower upper")
    ar, pe = split_exponent(exponent)
    zero = z3.IntVal(0)
    imr, mmr = function(q, ar, p, pe, imf, mf, oi, lower, upper)
    unscaled, _ = function(q, ar, p, pe, imf, mf, oi, zero, zero)
    notional = units.base_to_quote_quantums(rounding.select(q >= 0, q, -q), ar, p, pe)
    oi_notional = units.base_to_quote_quantums(oi, ar, p, pe)
    n, m = ints("N M")
    abstract = [z3.substitute(t, (notional, n), (oi_notional, m)) for t in (imr, unscaled, mmr)]
    return MarginTerms(q, p, oi, imf, mf, lower, upper, imr, unscaled, mmr, notional, oi_notional, n, m, abstract)


def prove_margin_requirements(
    exponent: int, function: Callable[..., Any] = margin.perpetual_margin_requirements
) -> Callable[[], Obligation]:
    """
    MARGIN-2, MARGIN-3: for a valid tier, p > 0 and OI >= 0, IMR >= unscaled IMR >= MMR >= 0.

    Proved on the real ``perpetual_margin_requirements`` with the two notionals
    abstracted (see the module docstring); the lemma that they are non-negative is
    proved on the unabstracted terms.
    """

    def build() -> Obligation:
        t = _margin_terms(exponent, function)
        q, p, oi, imf, mf, lower, upper = t.q, t.p, t.oi, t.imf, t.mf, t.lower, t.upper
        imr, unscaled, mmr, notional, oi_notional, n, m = t.imr, t.unscaled, t.mmr, t.notional, t.oi_notional, t.n, t.m
        abstract = t.abstract
        premise = z3.And(_tier(imf, mf, lower, upper), p > 0, oi >= 0)
        witness = z3.And(premise, q < 0, notional > 0, lower < oi_notional, oi_notional < upper, mf > 0, imf > 0)
        linked = z3.And(witness, n == notional, m == oi_notional)  # the abstract premise's N, M are these
        observe = {"imr": imr, "unscaled_imr": unscaled, "mmr": mmr}
        original_inputs = {"q": q, "price": p, "oi": oi, "imf": imf, "mf": mf, "lower": lower, "upper": upper}
        if any(_mentions(t, [q, p, oi]) for t in abstract):
            return Obligation(  # the abstraction did not apply: prove the original query
                premise=premise,
                prop=z3.And(imr >= unscaled, unscaled >= mmr, mmr >= 0),
                inputs=original_inputs,
                observe=observe,
                witness=witness,
                note="notionals not found in the expression; proved unabstracted",
            )
        a_imr, a_unscaled, a_mmr = abstract
        return Obligation(
            premise=z3.And(_tier(imf, mf, lower, upper), n >= 0, m >= 0),
            prop=z3.And(a_imr >= a_unscaled, a_unscaled >= a_mmr, a_mmr >= 0),
            inputs={"N=notional": n, "M=oi_notional": m, "imf": imf, "mf": mf, "lower": lower, "upper": upper},
            observe={"imr": a_imr, "unscaled_imr": a_unscaled, "mmr": a_mmr},
            witness=linked,
            witness_inputs=original_inputs,
            witness_observe=observe,
            lemmas=[("notionals are non-negative", premise, z3.And(notional >= 0, oi_notional >= 0))],
            note="notionals abstracted to N, M >= 0 (a counterexample is over N, M)",
        )

    return build


def prove_margin_rounding(
    exponent: int, function: Callable[..., Any] = margin.perpetual_margin_requirements
) -> Callable[[], Obligation]:
    """
    MARGIN-2, MARGIN-3: both requirements round up, to the exact ceiling, never down.

    With n = base_to_quote(|q|) and the unscaled IMR u = ceil(n * imf / 1e6): IMR = ceil(n *
    adjusted / 1e6) (IMR * 1e6 >= n * adjusted > (IMR - 1) * 1e6), u likewise, and MMR =
    ceil(u * mf / 1e6).  Proved on the real ``perpetual_margin_requirements`` with the
    notionals abstracted as in ``prove_margin_requirements``; the fast path equals it
    (``prove_fast_position_risk``), so it rounds the same way.
    """

    def build() -> Obligation:
        t = _margin_terms(exponent, function)
        q, p, oi, imf, mf, lower, upper = t.q, t.p, t.oi, t.imf, t.mf, t.lower, t.upper
        notional, oi_notional, n, m, abstract = t.notional, t.oi_notional, t.n, t.m, t.abstract
        if any(_mentions(t, [q, p, oi]) for t in abstract):
            raise ValueError("the notionals were not found in the expression: the abstraction does not apply")
        a_imr, a_unscaled, a_mmr = abstract
        adjusted = margin.adjusted_initial_margin_ppm(imf, lower, upper, m)
        premise = z3.And(_tier(imf, mf, lower, upper), p > 0, oi >= 0)
        return Obligation(
            premise=z3.And(_tier(imf, mf, lower, upper), n >= 0, m >= 0),
            prop=z3.And(
                ceil_ok(a_imr, n * adjusted, ONE_MILLION),
                ceil_ok(a_unscaled, n * imf, ONE_MILLION),
                ceil_ok(a_mmr, a_unscaled * mf, ONE_MILLION),
            ),
            inputs={"N=notional": n, "M=oi_notional": m, "imf": imf, "mf": mf, "lower": lower, "upper": upper},
            observe={"imr": a_imr, "unscaled_imr": a_unscaled, "mmr": a_mmr},
            # a real position (q, p, oi) inside the premise, its notionals as N and M, with both roundings inexact
            witness=z3.And(
                premise,
                q < 0,
                n == notional,
                m == oi_notional,
                n % ONE_MILLION != 0,
                imf > 0,
                mf > 0,
                mf < ONE_MILLION,
                lower < m,
                m < upper,
            ),
            witness_inputs={"q": q, "price": p, "oi": oi, "imf": imf, "mf": mf, "lower": lower, "upper": upper},
            lemmas=[("notionals are non-negative", premise, z3.And(notional >= 0, oi_notional >= 0))],
            note="notionals abstracted to N, M >= 0 (a counterexample is over N, M)",
        )

    return build


def prove_fast_position_risk(exponent: int) -> Obligation:
    """
    The collateral check's integer fast path equals the general functions, for every input
    (MARGIN-1..4, UNITS-4): ``margin.position_risk_of_integers`` gives exactly the NC of
    ``position_net_notional_quote_quantums`` and the IMR and MMR of
    ``perpetual_margin_requirements``, on all its paths, for any position, any positive price
    (the collateral check reads risk only where the price is set, PRICE-7), any open
    interest >= 0 and any valid tier.  So every proof about the general functions
    (RISK-1, CONV-1, SOLV-1) is about the code the state machine runs.
    """
    # Names of their own: z3's heuristics on this nonlinear query are sensitive to terms that
    # other proofs built over the same constants.
    q, p, oi, imf, mf, lower, upper = ints("fast_q fast_p fast_oi fast_imf fast_mf fast_lower fast_upper")
    ar, pe = split_exponent(exponent)
    premise = z3.And(_tier(imf, mf, lower, upper), oi >= 0, p > 0)
    explorer = Explorer(premise, floor_division=True)
    s = [explorer.wrap(v) for v in (q, p, oi, imf, mf, lower, upper)]
    paths = explorer.explore(lambda: margin.position_risk_of_integers(s[0], ar, s[1], pe, s[3], s[4], s[2], s[5], s[6]))
    nc_fast, imr_fast, mmr_fast = path_values(paths, 3)
    nc = margin.position_net_notional_quote_quantums(q, ar, p, pe)
    imr, mmr = margin.perpetual_margin_requirements(q, ar, p, pe, imf, mf, oi, lower, upper)
    # One query per path and component: on a path its condition fixes every branch of the
    # general functions too, so each query is small (tens of ms even on a loaded machine),
    # where the equality of the whole If-trees could time out.  The paths are exhaustive
    # (a lemma), so the per-path equalities are the equality.
    cases = []
    for index, path in enumerate(paths.returned):
        for name, fast, general in zip(("NC", "IMR", "MMR"), path.value, (nc, imr, mmr)):
            equal = z3.Implies(path.condition(), term(fast) == general)
            cases.append((f"path {index + 1}: {name} equal", premise, equal))
    *lemmas, (_, _, last) = cases
    return Obligation(
        premise=premise,
        prop=last,
        inputs={"q": q, "price": p, "oi": oi, "imf": imf, "mf": mf, "lower": lower, "upper": upper},
        observe={"nc_fast": nc_fast, "nc": nc, "imr_fast": imr_fast, "imr": imr, "mmr_fast": mmr_fast, "mmr": mmr},
        witness=z3.And(premise, q < 0, imr > 0, mmr > 0),
        lemmas=path_lemmas(paths, premise) + lemmas,
        note=f"{len(paths.paths)} paths; NC, IMR and MMR proved equal path by path ({len(cases)} queries)",
    )


# --- the proof lists ------------------------------------------------------------------------------


def proofs(exponents: tuple[int, ...]) -> list[Proof]:
    """RISK-1's proofs: MARGIN-1..3 on the fractions, then IMR >= MMR >= 0 for each exponent of the grid."""
    found = [
        Proof(
            "MARGIN-1 adjusted imf in [imf, 1e6]",
            ("RISK-1",),
            ("MARGIN-1",),
            "valid tier, oi >= 0 => imf <= adjusted <= 1e6",
            prove_adjusted_range(),
        ),
        Proof(
            "MARGIN-1 adjusted imf monotone in OI",
            ("RISK-1",),
            ("MARGIN-1",),
            "valid tier, 0 <= oi1 <= oi2 => adjusted(oi1) <= adjusted(oi2)",
            prove_adjusted_monotone,
        ),
        Proof(
            "MARGIN-1 scaling off at upper cap 0",
            ("RISK-1",),
            ("MARGIN-1",),
            "upper = lower = 0 => adjusted = imf",
            prove_adjusted_off,
        ),
        Proof(
            "MARGIN-2 initial margin rounds up, monotone",
            ("RISK-1",),
            ("MARGIN-2",),
            "IMR = ceil(n*adjusted/1e6) >= 0, monotone in n and OI",
            prove_initial_margin,
        ),
        Proof(
            "MARGIN-3 maintenance fraction in [0, imf]",
            ("RISK-1",),
            ("MARGIN-3",),
            "0 <= floor(imf*mf/1e6) <= imf",
            prove_maintenance_ppm,
        ),
    ]
    for e in exponents:
        found.append(
            Proof(
                f"MARGIN-2/3 IMR and MMR round up e={e}",
                ("RISK-1",),
                ("MARGIN-2", "MARGIN-3", "UNITS-4"),
                "IMR = ceil(n*adjusted/1e6), MMR = ceil(ceil(n*imf/1e6)*mf/1e6): never rounded down",
                prove_margin_rounding(e),
            )
        )
        found.append(
            Proof(
                f"MARGIN-2/3 IMR >= MMR >= 0 e={e}",
                ("RISK-1",),
                ("MARGIN-1", "MARGIN-2", "MARGIN-3", "UNITS-4"),
                "valid tier, p > 0, oi >= 0 => IMR >= unscaled IMR >= MMR >= 0",
                prove_margin_requirements(e),
            )
        )
    return found


def fast_path_proofs(exponents: tuple[int, ...]) -> list[Proof]:
    """MARGIN-1..4: the collateral check's integer fast path equals the general functions, per exponent."""
    return [
        Proof(
            f"MARGIN-1..4 fast position risk = general (e={e})",
            ("RISK-1", "CONV-1"),
            ("MARGIN-1", "MARGIN-2", "MARGIN-3", "MARGIN-4", "UNITS-4"),
            "position_risk_of_integers == (NC, IMR, MMR) of the general functions",
            partial(prove_fast_position_risk, e),
        )
        for e in exponents
    ]


# --- mutants: wrong requirements these proofs must refute -------------------------------------------


def _mmr_of_notional(
    q: Any, ar: int, p: Any, pe: int, imf: Any, mf: Any, oi: Any, lower: Any, upper: Any
) -> tuple[Any, Any]:
    """A wrong MARGIN-3: the MMR as mf of the notional instead of mf of the IMR."""
    imr, _ = margin.perpetual_margin_requirements(q, ar, p, pe, imf, mf, oi, lower, upper)
    notional = units.base_to_quote_quantums(rounding.select(q >= 0, q, -q), ar, p, pe)
    return imr, rounding.mul_ppm_ceil(notional, mf)  # wrong: mf is a fraction of the IMR, not of the notional


def _mmr_floored(
    q: Any, ar: int, p: Any, pe: int, imf: Any, mf: Any, oi: Any, lower: Any, upper: Any
) -> tuple[Any, Any]:
    """A wrong MARGIN-3: the MMR rounded down (floor) instead of up."""
    imr, _ = margin.perpetual_margin_requirements(q, ar, p, pe, imf, mf, oi, lower, upper)
    zero = z3.IntVal(0)
    unscaled, _ = margin.perpetual_margin_requirements(q, ar, p, pe, imf, mf, oi, zero, zero)
    return imr, rounding.mul_ppm_floor(unscaled, mf)  # wrong: MARGIN-3 rounds up


MUTANTS = [
    mutant("MMR as a fraction of the notional", ("RISK-1",), prove_margin_requirements(-6, _mmr_of_notional)),
    mutant("MMR rounded down", ("RISK-1",), prove_margin_rounding(-6, _mmr_floored)),
]
"""Proofs of wrong margin requirements, in the order ``mutation_sanity`` runs them."""
