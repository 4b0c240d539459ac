"""
ORACLE-2 for proposed prices: an accepted proposal moves toward the index price or crosses it by no
more than the square-root bound, and is never farther from the index than the current price.

Claim: ORACLE-2 (spec/claims.md).  Rules: PRICE-10.  Real functions:
``perpspec.oracle.is_proposed_price_accurate`` and the checks it composes
(``is_towards_index_price``, ``is_crossing_index_price``, ``price_delta_within_one_tick``,
``price_update_sqrt_condition``), called with z3 integer terms over all non-negative prices and
every minimum price change of PRICE-1.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import z3

from perpspec import oracle
from perpspec.bounds import MAX_PRICE_CHANGE_PPM
from perpspec.rounding import ONE_MILLION
from perpspec.verify.z3.harness import Obligation, Proof, ints, mutant


def _prices() -> tuple[Any, Any, Any, Any, Any]:
    old, index, new, ppm = ints("old index new ppm")
    premise = z3.And(old >= 0, index >= 0, new >= 0, ppm >= 1, ppm < MAX_PRICE_CHANGE_PPM)
    return old, index, new, ppm, premise


def _distance(first: Any, second: Any) -> Any:
    return z3.If(first >= second, first - second, second - first)


def prove_accepted_is_bounded(
    accurate: Callable[..., Any] = oracle.is_proposed_price_accurate,
) -> Callable[[], Obligation]:
    """PRICE-10: accepted => |new - index| <= |old - index|, and a crossing one lands within the square-root bound."""

    def build() -> Obligation:
        old, index, new, ppm, premise = _prices()
        accepted = accurate(old, index, new, ppm)
        old_delta, new_delta = _distance(old, index), _distance(new, index)
        crossing = oracle.is_crossing_index_price(old, index, new)
        towards = oracle.is_towards_index_price(old, index, new)
        bound = new_delta * new_delta * ONE_MILLION <= old_delta * old * ppm
        return Obligation(
            premise=z3.And(premise, accepted),
            prop=z3.And(new_delta <= old_delta, z3.Or(towards, z3.And(crossing, bound))),
            inputs={"old": old, "index": index, "new": new, "ppm": ppm},
            observe={"old_delta": old_delta, "new_delta": new_delta},
            witness=z3.And(premise, accepted, crossing, old_delta * ONE_MILLION > old * ppm, new_delta > 0),
        )

    return build


def prove_towards_is_accepted() -> Obligation:
    """PRICE-10: every price between the old price and the index (both included) is accepted."""
    old, index, new, ppm, premise = _prices()
    towards = oracle.is_towards_index_price(old, index, new)
    return Obligation(
        premise=z3.And(premise, towards),
        prop=oracle.is_proposed_price_accurate(old, index, new, ppm) == True,  # noqa: E712 (a z3 term)
        inputs={"old": old, "index": index, "new": new, "ppm": ppm},
        witness=z3.And(premise, towards, old < new, new < index),
    )


def proofs() -> list[Proof]:
    """ORACLE-2's proofs: accepted proposals are bounded; proposals toward the index are accepted."""
    return [
        Proof(
            "PRICE-10 accepted proposal within the square-root bound",
            ("ORACLE-2",),
            ("PRICE-10",),
            "accepted => new_delta <= old_delta and (towards or crossing with new_delta^2 * 1e6 <= old_delta * tick)",
            prove_accepted_is_bounded(),
            budget_ms={True: 60_000, False: 120_000},
        ),
        Proof(
            "PRICE-10 proposal toward the index accepted",
            ("ORACLE-2",),
            ("PRICE-10",),
            "old <= new <= index or index <= new <= old => accepted",
            prove_towards_is_accepted,
        ),
    ]


def _unsquared(old: Any, index: Any, new: Any, ppm: Any) -> Any:
    """A wrong PRICE-10: the crossing test compares new_delta, not its square, with old_delta * tick."""
    tick = oracle.compute_tick_size_ppm(old, ppm)
    old_delta, new_delta = _distance(old, index), _distance(new, index)
    crossing_ok = z3.If(
        oracle.price_delta_within_one_tick(old_delta, tick),
        new_delta <= old_delta,
        new_delta * ONE_MILLION <= old_delta * tick,
    )
    return z3.Or(
        oracle.is_towards_index_price(old, index, new),
        z3.And(oracle.is_crossing_index_price(old, index, new), crossing_ok),
    )


MUTANTS = [
    mutant("crossing test not squared", ("ORACLE-2",), prove_accepted_is_bounded(_unsquared)),
]
"""Proofs of a wrong acceptance test, in the order ``mutation_sanity`` runs them."""
