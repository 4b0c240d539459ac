"""
The integer branch of every dual-path helper equals its z3 branch, for every input (CONV-1, RISK-1, CONS-2).

Claims: CONV-1, RISK-1, CONS-2 (spec/claims.md).  Rules: those of the helpers, ROUND-3..7,
ROUND-9, UNITS-4..6, MARGIN-1..3, FUND-2.  Real functions: ``perpspec.rounding``'s
``floor_div``, ``ceil_div``, ``trunc_div``, ``mul_ppm_floor``, ``mul_ppm_ceil``,
``mul_pow10`` (its shortcut included) and ``mean_round_half_away_from_zero``;
``perpspec.margin.adjusted_initial_margin_ppm`` (its ``if`` chain); ``perpspec.units``' three
conversions; ``perpspec.funding.settlement_quote_quantums``.

These helpers run one code path on Python ints (``//``, ``abs``, early returns, ``if``
chains) and another on z3 terms (``If``, SMT ``div``); the other proofs are about the z3
path.  Here the integer path itself is run on symbolic integers that *are* ints
(``perpspec.verify.z3.paths.IntSymInt``, an explorer with ``int_branch=True``: every
``//`` branches on its divisor's sign, every comparison on both sides), and each of its
paths is proved equal to the z3 path's value under that path's condition.  So the proofs
about the z3 path are about the code the state machine runs.  Exponents stay concrete, so
each exponent is its own proof.

The functions built from these (``margin.perpetual_margin_requirements``,
``initial_margin_quote_quantums``, ``maintenance_margin_ppm``) have no type test of their own:
they combine the helpers above with ``+``, ``-``, ``*`` and ``select`` (a Python ``if`` on a
bool, ``If`` on a z3 condition), so their int branch is the z3 branch by these proofs.  Run
whole, ``perpetual_margin_requirements`` is too large a nonlinear query for the budget.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

import z3

from perpspec import funding, margin, rounding, units
from perpspec.rounding import Rounding
from perpspec.verify.z3.harness import (
    EXPONENTS,
    POW10_EXPONENTS,
    QUICK_EXPONENTS,
    Obligation,
    Proof,
    path_lemmas,
    path_value,
    path_values,
    split_exponent,
)
from perpspec.verify.z3.paths import Explorer, term

BRANCH_CLAIMS = ("CONV-1", "RISK-1", "CONS-2")

MUL_POW10_EXPONENTS = POW10_EXPONENTS + (-25, -40)
"""mul_pow10's exponents: the shortcut is taken only for negative ones, up to 40 digits here."""


def prove_branches(
    names: str,
    premise_of: Callable[[list[Any]], Any],
    call: Callable[[list[Any]], Any],
    width: int = 1,
    witness_of: Callable[[list[Any]], Any] | None = None,
) -> Callable[[], Obligation]:
    """
    ``call`` on integer stand-ins (every path of its int branch) equals ``call`` on z3 terms, under the premise.

    ``names`` are the symbolic inputs; ``call`` gets them as a list and returns one value
    (``width`` 1) or a tuple of ``width`` values.
    """

    def build() -> Obligation:
        variables = [z3.Int(f"br_{name}") for name in names.split()]
        premise = premise_of(variables)
        explorer = Explorer(premise, int_branch=True)
        stand_ins = [explorer.wrap(v) for v in variables]
        paths = explorer.explore(lambda: call(stand_ins))
        if width == 1:
            int_values = [path_value(paths)]
            z3_values = [term(call(variables))]
        else:
            int_values = path_values(paths, width)
            z3_values = [term(v) for v in call(variables)]
        equal = z3.And(*[a == b for a, b in zip(int_values, z3_values)])
        inputs = dict(zip(names.split(), variables, strict=True))
        observe = {f"int[{i}]": v for i, v in enumerate(int_values)} | {f"z3[{i}]": v for i, v in enumerate(z3_values)}
        return Obligation(
            premise=premise,
            prop=equal,
            inputs=inputs,
            observe=observe,
            witness=witness_of(variables) if witness_of else None,
            lemmas=path_lemmas(paths, premise),
            note=f"int branch: {len(paths.paths)} paths, {paths.feasibility_checks} feasibility checks",
        )

    return build


def _mul_pow10(exponent: int, direction: Rounding, v: list[Any]) -> Any:
    return rounding.mul_pow10(v[0], exponent, direction)


def _base_to_quote(atomic_resolution: int, price_exponent: int, v: list[Any]) -> Any:
    return units.base_to_quote_quantums(v[0], atomic_resolution, v[1], price_exponent)


def _quote_to_base(atomic_resolution: int, price_exponent: int, v: list[Any]) -> Any:
    return units.quote_to_base_quantums(v[0], atomic_resolution, v[1], price_exponent)


def _fill(exponent: int, v: list[Any]) -> Any:
    return units.fill_quote_quantums_from_subticks(v[0], v[1], exponent)


def _positive_last(v: list[Any]) -> Any:
    return v[-1] > 0


def proofs(quick: bool) -> list[Proof]:
    """Int branch = z3 branch for every dual-path helper; the exponent grids are the other proofs' grids."""
    exponents = QUICK_EXPONENTS if quick else EXPONENTS
    pow10 = (-40, -25, -12, -9, -6, -1, 0, 3) if quick else MUL_POW10_EXPONENTS

    def proof(name: str, rules: tuple[str, ...], build: Callable[[], Obligation]) -> Proof:
        return Proof(f"int branch = z3 branch: {name}", BRANCH_CLAIMS, rules, "for every input", build)

    found = [
        proof(
            "floor_div",
            ("ROUND-2", "ROUND-3"),
            prove_branches("n d", _positive_last, lambda v: rounding.floor_div(*v), witness_of=lambda v: v[0] < 0),
        ),
        proof(
            "ceil_div",
            ("ROUND-2", "ROUND-4"),
            prove_branches("n d", _positive_last, lambda v: rounding.ceil_div(*v), witness_of=lambda v: v[0] < 0),
        ),
        proof(
            "trunc_div",
            ("ROUND-2", "ROUND-5"),
            prove_branches("n d", _positive_last, lambda v: rounding.trunc_div(*v), witness_of=lambda v: v[0] < 0),
        ),
        proof(
            "mul_ppm_floor",
            ("ROUND-6",),
            prove_branches("v ppm", lambda v: z3.BoolVal(True), lambda v: rounding.mul_ppm_floor(*v)),
        ),
        proof(
            "mul_ppm_ceil",
            ("ROUND-6",),
            prove_branches("v ppm", lambda v: z3.BoolVal(True), lambda v: rounding.mul_ppm_ceil(*v)),
        ),
        proof(
            "mean_round_half_away_from_zero",
            ("ROUND-9",),
            prove_branches("x y", lambda v: z3.BoolVal(True), lambda v: rounding.mean_round_half_away_from_zero(*v)),
        ),
        proof(
            "settlement_quote_quantums",
            ("FUND-2",),
            prove_branches("s", lambda v: z3.BoolVal(True), lambda v: funding.settlement_quote_quantums(v[0])),
        ),
        proof(
            "adjusted_initial_margin_ppm (if chain)",
            ("MARGIN-1",),
            prove_branches(
                "imf lower upper oi",
                lambda v: z3.BoolVal(True),
                lambda v: margin.adjusted_initial_margin_ppm(*v),
                witness_of=lambda v: z3.And(v[1] < v[3], v[3] < v[2]),
            ),
        ),
    ]
    for e in pow10:
        for r in Rounding:
            found.append(
                proof(
                    f"mul_pow10 e={e} {r.value}",
                    ("ROUND-7",),
                    prove_branches(
                        "v",
                        lambda v: z3.BoolVal(True),
                        partial(_mul_pow10, e, r),
                        witness_of=lambda v: v[0] < 0,
                    ),
                )
            )
    for e in exponents:
        ar, pe = split_exponent(e)
        found += [
            proof(
                f"base_to_quote e={e}",
                ("UNITS-4",),
                prove_branches(
                    "b p",
                    _positive_last,
                    partial(_base_to_quote, ar, pe),
                    witness_of=lambda v: v[0] < 0,
                ),
            ),
            proof(
                f"quote_to_base e={e}",
                ("UNITS-5",),
                prove_branches(
                    "q p",
                    _positive_last,
                    partial(_quote_to_base, ar, pe),
                    witness_of=lambda v: v[0] < 0,
                ),
            ),
            proof(
                f"fill quote qce={e}",
                ("UNITS-6",),
                prove_branches(
                    "s b",
                    lambda v: z3.And(v[0] >= 0, v[1] >= 0),
                    partial(_fill, e),
                ),
            ),
        ]
    return found
