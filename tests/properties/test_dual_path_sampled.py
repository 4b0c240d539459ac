"""
The helpers' z3 branch equals their int branch on sampled concrete inputs (ROUND-3..7, ROUND-9,
UNITS-4..6, MARGIN-1..3, FUND-2): a sampled comparison, a test and not a proof.

Several helpers take a different code path on ints (``//``, ``abs``, early returns,
``mul_pow10``'s shortcut, ``adjusted_initial_margin_ppm``'s ``if`` chain) than on z3 terms
(``If``, SMT ``div``).  ``perpspec.verify.z3.branches`` proves the two equal for every input;
this evaluates both on the same seeded random inputs (z3 by ``simplify``), composites such as
``perpetual_margin_requirements`` included, as a second, independent check.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

import pytest
import z3

from helpers.budget import examples
from perpspec import funding, margin, rounding, units
from perpspec.rounding import ONE_MILLION, Rounding
from perpspec.verify.z3.harness import EXPONENTS, POW10_EXPONENTS, split_exponent


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


@pytest.mark.parametrize("seed", range(4))
def test_z3_branch_equals_int_branch_on_samples(seed):
    """ROUND-3..7, ROUND-9, UNITS-4..6, MARGIN-1..3, FUND-2: both code paths of each helper agree on sampled inputs."""
    for name, function, args in _differential_cases(examples(100), seed):
        expected = function(*args)
        symbolic = function(*_concrete_z3_args(name, args))
        expected_tuple = expected if isinstance(expected, tuple) else (expected,)
        symbolic_tuple = symbolic if isinstance(symbolic, tuple) else (symbolic,)
        got = tuple(z3.simplify(_as_z3(s)).as_long() for s in symbolic_tuple)
        assert got == tuple(expected_tuple), (name, args)
