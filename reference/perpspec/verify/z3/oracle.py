"""
ORACLE-1 for the median: with fewer than half the sources wrong, the price lies within the honest sources' range.

Claim: ORACLE-1 (spec/claims.md); the mean lemma also serves CONV-1.  Rules: PRICE-4,
PRICE-8 (on ROUND-9).  Real functions: ``perpspec.oracle.median_round_half_away_from_zero``
(which sorts: every ordering is a path of ``perpspec.verify.z3.paths``) and
``perpspec.rounding.mean_round_half_away_from_zero``.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import z3

from perpspec import rounding
from perpspec.oracle import median_round_half_away_from_zero
from perpspec.verify.z3.harness import Obligation, Proof, ints, mutant, path_lemmas
from perpspec.verify.z3.paths import Explorer, term


def prove_mean_between(
    function: Callable[[Any, Any], Any] = rounding.mean_round_half_away_from_zero,
) -> Callable[[], Obligation]:
    """PRICE-4 lemma: x <= y implies x <= mean(x, y) <= y."""

    def build() -> Obligation:
        x, y = ints("x y")
        m = function(x, y)
        return Obligation(
            premise=x <= y,
            prop=z3.And(x <= m, m <= y),
            inputs={"x": x, "y": y},
            observe={"mean": m},
            witness=z3.And(x < y, (x + y) % 2 == 1),
        )

    return build


def _sources(n: int) -> tuple[list[Any], list[Any], Any, Any, Any]:
    """n symbolic sources and the premise: at most (n-1)//2 wrong (any value), the rest in [lo, hi]."""
    values = [z3.Int(f"x{i}") for i in range(n)]
    wrong = [z3.Bool(f"wrong{i}") for i in range(n)]
    lo, hi = z3.Ints("lo hi")
    premise = z3.And(
        z3.Sum([z3.If(w, 1, 0) for w in wrong]) <= (n - 1) // 2,
        *[z3.Or(w, z3.And(lo <= v, v <= hi)) for v, w in zip(values, wrong)],
    )
    return values, wrong, lo, hi, premise


def _source_inputs(values: list[Any], wrong: list[Any], lo: Any, hi: Any) -> dict[str, Any]:
    """The sources, their wrong flags and the honest range, named for a counterexample."""
    inputs = {f"x{i}": v for i, v in enumerate(values)}
    inputs |= {f"wrong{i}": w for i, w in enumerate(wrong)}
    return inputs | {"lo": lo, "hi": hi}


def _adversarial(values: list[Any], wrong: list[Any], lo: Any, hi: Any) -> Any:
    """A witness where every allowed wrong source is outside the honest range."""
    n = len(values)
    k = (n - 1) // 2
    return z3.And(*[wrong[i] == (i < k) for i in range(n)], *[values[i] > hi + 1000 for i in range(k)], lo < hi)


def prove_median_sorted(n: int) -> Obligation:
    """
    PRICE-8 on sorted inputs: with fewer than half of n sorted values wrong and the rest
    in [lo, hi], the value(s) the median reads (position n//2, and n//2-1 for even n)
    are in [lo, hi], and so is their rounded mean (the real ROUND-9 function).
    """
    values, wrong, lo, hi, premise = _sources(n)
    premise = z3.And(premise, *[values[i] <= values[i + 1] for i in range(n - 1)])
    middle = n // 2

    def inside(v: Any) -> Any:
        return z3.And(lo <= v, v <= hi)

    if n % 2 == 1:
        prop = inside(values[middle])
        observe = {"median": values[middle]}
    else:
        mean = rounding.mean_round_half_away_from_zero(values[middle - 1], values[middle])
        prop = z3.And(inside(values[middle - 1]), inside(values[middle]), inside(mean))
        observe = {"median": mean}
    inputs = _source_inputs(values, wrong, lo, hi)
    order = z3.And(*[values[i] <= values[i + 1] for i in range(n - 1)])
    k = (n - 1) // 2
    adversaries = [z3.And(wrong[n - 1 - i], values[n - 1 - i] > hi + 1000) for i in range(k)]
    witness = z3.And(premise, *adversaries, order, lo < hi)
    return Obligation(premise=premise, prop=prop, inputs=inputs, observe=observe, witness=witness)


def prove_median(
    n: int, function: Callable[[list[Any]], Any] = median_round_half_away_from_zero
) -> Callable[[], Obligation]:
    """
    PRICE-4, PRICE-8 on the real median (which sorts), over every ordering: with at most
    (n-1)//2 of n sources wrong (any value) and the rest in [lo, hi], the median is in [lo, hi].
    """

    def build() -> Obligation:
        values, wrong, lo, hi, premise = _sources(n)
        explorer = Explorer(premise, max_paths=20_000)
        symbols = [explorer.wrap(v) for v in values]
        paths = explorer.explore(lambda: function(list(symbols)))
        inside = paths.where(lambda v: z3.And(lo <= term(v), term(v) <= hi))
        inputs = _source_inputs(values, wrong, lo, hi)
        return Obligation(
            premise=premise,
            prop=inside,
            inputs=inputs,
            witness=z3.And(premise, _adversarial(values, wrong, lo, hi)),
            lemmas=path_lemmas(paths, premise),
            note=f"{len(paths.paths)} paths, {paths.feasibility_checks} feasibility checks",
        )

    return build


# --- the proof list -------------------------------------------------------------------------------


def proofs() -> list[Proof]:
    """ORACLE-1's proofs: the mean lemma, the mean of the middle two of 2, 4, 6 sorted sources, the real median."""
    found = [
        Proof(
            "PRICE-4 mean of two lies between them",
            ("ORACLE-1", "CONV-1"),
            ("PRICE-4", "ROUND-9"),
            "x <= y => x <= mean(x, y) <= y",
            prove_mean_between(),
        ),
    ]
    # Sorted inputs only for even n, where the median is the real ROUND-9 mean of the middle two.
    # For odd n the sorted statement reads one input and calls no reference code: a lemma of
    # arithmetic, not evidence about the code, so it is not a proof here; the real median over
    # every ordering (below) is.
    for n in range(2, 7, 2):
        found.append(
            Proof(
                f"PRICE-8 median of {n} sorted sources",
                ("ORACLE-1",),
                ("PRICE-4", "PRICE-8"),
                f"sorted, at most {(n - 1) // 2} wrong, rest in [lo, hi] => median reads values in [lo, hi]",
                partial(prove_median_sorted, n),
            )
        )
    for n in range(1, 7):
        found.append(
            Proof(
                f"PRICE-8 real median of {n} sources, all orderings",
                ("ORACLE-1",),
                ("PRICE-4", "PRICE-8"),
                f"at most {(n - 1) // 2} of {n} wrong, rest in [lo, hi] => lo <= median <= hi",
                prove_median(n),
                full_only=n >= 6,
            )
        )
    return found


# --- mutants: a wrong median these proofs must refute ---------------------------------------------


def _lowest(values: list[Any]) -> Any:
    """A wrong PRICE-4: the lowest source instead of the median."""
    return sorted(values)[0]


MUTANTS = [
    mutant("median reads the lowest source", ("ORACLE-1",), prove_median(3, _lowest)),
]
"""Proofs of a wrong median, in the order ``mutation_sanity`` runs them."""
