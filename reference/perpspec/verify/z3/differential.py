"""
The differential check: the helpers' z3 branch equals their int branch, on concrete inputs (CONV-1, RISK-1, CONS-2).

Claims: CONV-1, RISK-1, CONS-2 (spec/claims.md).  Rules: those of the functions it
compares, ROUND-3..7, ROUND-9, UNITS-4..6, MARGIN-1..3, FUND-2.  Real functions:
``perpspec.rounding``'s helpers, ``perpspec.units.base_to_quote_quantums``,
``quote_to_base_quantums``, ``fill_quote_quantums_from_subticks``,
``perpspec.margin.adjusted_initial_margin_ppm``, ``perpetual_margin_requirements`` and
``perpspec.funding.settlement_quote_quantums``: the proofs cover their z3 branch, this
check ties it to the int branch the state machine runs.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from typing import Any

import z3

from perpspec import funding, margin, rounding, units
from perpspec.report import CHECKED, FAILED, MethodResult
from perpspec.rounding import ONE_MILLION, Rounding
from perpspec.verify.z3.harness import EXPONENTS, POW10_EXPONENTS, elapsed_ms, split_exponent


def _differential_cases(count: int, seed: int = 4) -> list[tuple[str, Callable[..., Any], tuple]]:
    """``count`` rounds of seeded random concrete inputs, one case per helper a round, edge values mixed in."""
    rng = random.Random(seed)
    big = [0, 1, -1, 2, -2, 5, -5, 999_999, -999_999, 1_000_000, -1_000_000]
    big += [10**12 + 7, -(10**12) - 7, 2**63 - 1, -(2**63)]

    def amount() -> int:
        return (
            rng.choice(big)
            if rng.random() < 0.3
            else rng.randint(-(10 ** rng.randint(0, 20)), 10 ** rng.randint(0, 20))
        )

    def positive() -> int:
        return (
            rng.choice([1, 2, 7, 10**6, 2**64 - 1]) if rng.random() < 0.3 else rng.randint(1, 10 ** rng.randint(1, 19))
        )

    cases: list[tuple[str, Callable[..., Any], tuple]] = []
    for _ in range(count):
        e = rng.choice(EXPONENTS)
        ar, pe = split_exponent(e)
        lower = rng.randint(0, 10**12)
        upper = rng.choice([0, lower, lower + rng.randint(1, 10**12)])
        imf, mf = rng.randint(0, ONE_MILLION), rng.randint(0, ONE_MILLION)
        cases += [
            ("floor_div", rounding.floor_div, (amount(), positive())),
            ("ceil_div", rounding.ceil_div, (amount(), positive())),
            ("trunc_div", rounding.trunc_div, (amount(), positive())),
            ("mul_ppm_floor", rounding.mul_ppm_floor, (amount(), rng.randint(-(10**6), 10**6))),
            ("mul_ppm_ceil", rounding.mul_ppm_ceil, (amount(), rng.randint(-(10**6), 10**6))),
            (
                "mul_pow10",
                rounding.mul_pow10,
                (amount(), rng.choice(POW10_EXPONENTS + (-25, -40)), rng.choice(list(Rounding))),
            ),
            ("mean", rounding.mean_round_half_away_from_zero, (amount(), amount())),
            ("base_to_quote", units.base_to_quote_quantums, (amount(), ar, positive(), pe)),
            ("quote_to_base", units.quote_to_base_quantums, (amount(), ar, positive(), pe)),
            ("fill", units.fill_quote_quantums_from_subticks, (abs(amount()), abs(amount()), e)),
            ("adjusted_imf", margin.adjusted_initial_margin_ppm, (imf, lower, upper, rng.randint(0, 3 * 10**12))),
            (
                "margins",
                margin.perpetual_margin_requirements,
                (amount(), ar, positive(), pe, imf, mf, abs(amount()), lower, upper),
            ),
            ("settlement", funding.settlement_quote_quantums, (amount(),)),
        ]
    return cases


def _as_z3(argument: Any) -> Any:
    """A Python int as a z3 ``IntVal``; anything else as it is."""
    return z3.IntVal(argument) if isinstance(argument, int) and not isinstance(argument, bool) else argument


def _concrete_z3_args(name: str, args: tuple) -> tuple:
    """The arguments with every amount as a z3 value, the exponents and rounding kinds left concrete."""
    # exponents stay Python ints: they select the code, they are not amounts
    concrete_positions = {
        "mul_pow10": {1, 2},
        "base_to_quote": {1, 3},
        "quote_to_base": {1, 3},
        "fill": {2},
        "margins": {1, 3},
    }
    keep = concrete_positions.get(name, set())
    return tuple(a if i in keep else _as_z3(a) for i, a in enumerate(args))


def differential_check(count: int) -> MethodResult:
    """
    The helpers' z3 branch equals their int branch (CONV-1, RISK-1, CONS-2).

    Several helpers take a different code path on ints (``//``, ``abs``, early
    returns, ``mul_pow10``'s no-power shortcut, ``adjusted_initial_margin_ppm``'s
    ``if`` chain) than on z3 terms (``If``, SMT ``div``); the proofs cover the z3
    path.  This evaluates both on the same concrete inputs (z3 by ``simplify``) and
    compares, so a divergence between the two paths cannot hide.
    """
    start = time.perf_counter()
    cases = _differential_cases(count)
    for name, function, args in cases:
        expected = function(*args)
        symbolic = function(*_concrete_z3_args(name, args))
        expected_tuple = expected if isinstance(expected, tuple) else (expected,)
        symbolic_tuple = symbolic if isinstance(symbolic, tuple) else (symbolic,)
        got = tuple(z3.simplify(_as_z3(s)).as_long() for s in symbolic_tuple)
        if got != tuple(expected_tuple):
            return MethodResult(
                claims=("CONV-1", "RISK-1", "CONS-2"),
                method="z3",
                check="z3 branch equals int branch",
                status=FAILED,
                detail=f"{name}: int branch {expected_tuple}, z3 branch {got}",
                milliseconds=elapsed_ms(start),
                counterexample=f"{name}{args}",
            )
    return MethodResult(
        claims=("CONV-1", "RISK-1", "CONS-2"),
        method="z3",
        check="z3 branch equals int branch",
        status=CHECKED,
        detail=f"{len(cases)} concrete cases agree",
        milliseconds=elapsed_ms(start),
        extra={"cases": len(cases)},
    )
