"""
The proof harness of the z3 package: obligations, the solver portfolio, results (spec/claims.md, CLAIM-1).

Every proof calls the functions the state machine runs (``perpspec.rounding``,
``units``, ``margin``, ``funding``, ``prices``, ``subaccounts``, ``clob``) with z3
integer terms; exponents stay concrete Python ints, so each exponent is its own proof.
Nothing re-types a protocol function: a property is stated as mathematics (the exact
rational value, a sign, an order), and the function under proof is called.

Each proof has a name, the claims it supports, the rules it rests on, a premise P and
a property Q.  It is proved when

- ``P and not Q`` is unsat (no counterexample exists), and
- ``P`` is sat (the non-vacuity witness: the premise can hold at all; a proof may
  ask for a stronger witness W, for example that the interesting branch is reachable,
  and then ``P and W`` must be sat: a witness is always a model of the premise).

Side conditions ("lemmas") are checked the same way: the facts an abstraction
assumes, and for path-explored functions (``perpspec.verify.z3.paths``) that no path
was missed and none raises.

Nonlinear integer arithmetic is undecidable and z3's heuristics for it are erratic:
the same query can take 40 ms or time out depending on the random seed.  So each
query runs a portfolio (the QF_NIA solver and the default solver, alternating,
with new random seeds and growing per-attempt timeouts) until the proof's time
budget is spent; an ``unknown`` after the budget is reported as a failure with
detail ``timeout``.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import z3

from perpspec import units
from perpspec.report import FAILED, INCONCLUSIVE, PROVED, MethodResult
from perpspec.rounding import Rounding
from perpspec.verify.z3.paths import Paths, term

EXPONENTS = tuple(range(-12, 4))
"""The grid of combined conversion exponents e (UNITS-4..6); every one is its own proof."""

QUICK_EXPONENTS = (-12, -9, -6, -3, -1, 0, 1, 3)
"""The smaller grid quick mode proves."""

POW10_EXPONENTS = (-18, -12, -9, -6, -3, -1, 0, 1, 3, 6)
"""Exponents for mul_pow10 (ROUND-7), on both sides of zero."""

PRICE_EXPONENT = -5
"""The oracle exponent used to split a combined exponent e into (atomic resolution, price exponent)."""

DEFAULT_TIMEOUT_MS = {True: 10_000, False: 60_000}
"""Per-proof time budget: quick mode, full mode."""


# --- proofs and obligations ------------------------------------------------------------------


@dataclass
class Obligation:
    """What a proof asks of z3: ``premise => prop`` valid, ``premise and witness`` satisfiable, every lemma valid."""

    premise: Any
    prop: Any
    inputs: dict[str, Any]
    observe: dict[str, Any] = field(default_factory=dict)
    witness: Any = None
    lemmas: list[tuple[str, Any, Any]] = field(default_factory=list)
    note: str = ""
    witness_inputs: dict[str, Any] | None = None  # what the witness shows, when not ``inputs``/``observe``
    witness_observe: dict[str, Any] | None = None


@dataclass(frozen=True)
class Proof:
    """One named proof: the claims it supports, the rules it rests on, and how to build its obligation."""

    name: str
    claims: tuple[str, ...]
    rules: tuple[str, ...]
    statement: str
    build: Callable[[], Obligation]
    full_only: bool = False
    budget_ms: dict[bool, int] | None = None
    """A longer budget for this proof alone, by quick mode (True) and full mode (False)."""


@dataclass
class QueryOutcome:
    """What the portfolio answered for one query, after how many attempts and how long."""

    result: Any  # z3.sat / z3.unsat / z3.unknown
    model: Any
    attempts: int
    milliseconds: int
    reason: str = ""


def _solver(attempt: int) -> Any:
    """The portfolio's solver for one attempt: QF_NIA and the default solver alternate, each with a new seed."""
    solver = z3.SolverFor("QF_NIA") if attempt % 2 == 0 else z3.Solver()
    solver.set("random_seed", attempt // 2)
    return solver


def check(formulas: list[Any], budget_ms: int, first_attempt_ms: int = 1_000) -> QueryOutcome:
    """Satisfiability of the conjunction, by a portfolio of solvers and seeds within ``budget_ms``."""
    start = time.perf_counter()
    attempt, attempt_ms, reason = 0, first_attempt_ms, ""
    while True:
        remaining = budget_ms - int((time.perf_counter() - start) * 1000)
        if remaining <= 0:
            break
        solver = _solver(attempt)
        solver.set("timeout", max(1, min(attempt_ms, remaining)))
        solver.add(*formulas)
        result = solver.check()
        attempt += 1
        if result == z3.sat:
            return QueryOutcome(result, solver.model(), attempt, elapsed_ms(start))
        if result == z3.unsat:
            return QueryOutcome(result, None, attempt, elapsed_ms(start))
        reason = solver.reason_unknown()  # a timeout, or incompleteness: the next solver or seed may answer
        if attempt % 2 == 0:
            attempt_ms = int(attempt_ms * 1.5)
    return QueryOutcome(z3.unknown, None, attempt, elapsed_ms(start), reason or "timeout")


def elapsed_ms(start: float) -> int:
    """Milliseconds since ``start`` (a ``time.perf_counter`` reading)."""
    return int((time.perf_counter() - start) * 1000)


def describe_model(model: Any, inputs: dict[str, Any], observe: dict[str, Any] | None = None) -> str:
    """The model as input values, then the observed outputs: ``n=-5, d=3 -> q=-2``."""

    def show(value: Any) -> str:
        evaluated = model.eval(value, model_completion=True)
        return str(evaluated)

    text = ", ".join(f"{name}={show(value)}" for name, value in inputs.items())
    if observe:
        text += " -> " + ", ".join(f"{name}={show(value)}" for name, value in observe.items())
    return text


def run_proof(proof: Proof, timeout_ms: int) -> MethodResult:
    """Prove one proof: lemmas, then the property, then the witness; a timeout or unknown is inconclusive (CLAIM-2)."""
    start = time.perf_counter()
    extra: dict[str, Any] = {"rules": list(proof.rules), "statement": proof.statement}

    def result(status: str, detail: str, counterexample: str | None = None) -> MethodResult:
        extra["milliseconds"] = elapsed_ms(start)
        return MethodResult(
            claims=proof.claims,
            method="z3",
            check=proof.name,
            status=status,
            detail=detail,
            milliseconds=elapsed_ms(start),
            counterexample=counterexample,
            extra=extra,
        )

    try:
        obligation = proof.build()
    except Exception as error:
        return result(FAILED, f"error building the proof: {type(error).__name__}: {error}")
    extra["build_ms"] = elapsed_ms(start)
    if obligation.note:
        extra["note"] = obligation.note

    def remaining() -> int:
        return max(1, timeout_ms - elapsed_ms(start))

    queries = [(name, premise, prop) for name, premise, prop in obligation.lemmas]
    queries.append(("property", obligation.premise, obligation.prop))
    attempts = {}
    for name, premise, prop in queries:
        outcome = check([premise, z3.Not(prop)], remaining())
        attempts[name] = (outcome.attempts, outcome.milliseconds)
        if outcome.result == z3.sat:
            extra["attempts"] = attempts
            observe = obligation.observe if name == "property" else {}
            counterexample = describe_model(outcome.model, obligation.inputs, observe)
            where = "" if name == "property" else f" (of {name})"
            return result(FAILED, f"counterexample{where}", counterexample)
        if outcome.result == z3.unknown:
            extra["attempts"] = attempts
            extra["unknown"] = {"query": name, "reason": outcome.reason}
            return result(INCONCLUSIVE, f"inconclusive: {outcome.reason or 'timeout'}")
    # the witness must satisfy the premise too: a witness outside it shows nothing about the premise
    witness = obligation.premise if obligation.witness is None else z3.And(obligation.premise, obligation.witness)
    outcome = check([witness], remaining())
    attempts["witness"] = (outcome.attempts, outcome.milliseconds)
    extra["attempts"] = attempts
    if outcome.result == z3.unsat:
        return result(FAILED, "vacuous: the premise (witness) is unsatisfiable")
    if outcome.result == z3.unknown:
        extra["unknown"] = {"query": "witness", "reason": outcome.reason}
        return result(INCONCLUSIVE, f"inconclusive: {outcome.reason or 'timeout'}")
    witness_text = describe_model(
        outcome.model,
        obligation.witness_inputs if obligation.witness_inputs is not None else obligation.inputs,
        obligation.witness_observe if obligation.witness_observe is not None else obligation.observe,
    )
    extra["witness"] = witness_text
    return result(PROVED, f"proved; witness {witness_text}")


# --- mathematical statements (not copies of the code: what the exact value is) ------------------


def floor_ok(result: Any, numerator: Any, denominator: Any) -> Any:
    """result = floor(numerator / denominator) for denominator > 0."""
    return z3.And(denominator * result <= numerator, numerator < denominator * result + denominator)


def ceil_ok(result: Any, numerator: Any, denominator: Any) -> Any:
    """result = ceil(numerator / denominator) for denominator > 0."""
    return z3.And(denominator * result - denominator < numerator, numerator <= denominator * result)


def trunc_ok(result: Any, numerator: Any, denominator: Any) -> Any:
    """result = numerator / denominator rounded toward zero, for denominator > 0."""
    return z3.If(numerator >= 0, floor_ok(result, numerator, denominator), ceil_ok(result, numerator, denominator))


DIRECTION_OK = {Rounding.FLOOR: floor_ok, Rounding.CEIL: ceil_ok, Rounding.TRUNC: trunc_ok}


def ints(names: str) -> list[Any]:
    """Fresh z3 integer constants, one per space-separated name."""
    return list(z3.Ints(names))


def pow10_fraction(exponent: int) -> tuple[int, int]:
    """10^exponent as (numerator, denominator) of integers."""
    return (10**exponent, 1) if exponent >= 0 else (1, 10**-exponent)


def split_exponent(exponent: int) -> tuple[int, int]:
    """(atomic_resolution, price_exponent) whose combined exponent (UNITS-4) is ``exponent``."""
    atomic_resolution = exponent + units.QUOTE_ATOMIC_RESOLUTION - PRICE_EXPONENT
    assert units.compute_quote_exponent(atomic_resolution, PRICE_EXPONENT) == exponent
    return atomic_resolution, PRICE_EXPONENT


# --- path-explored functions --------------------------------------------------------------------


def path_lemmas(paths: Paths, premise: Any) -> list[tuple[str, Any, Any]]:
    """The side conditions of a path-explored proof: under the premise no path was missed and none raises."""
    lemmas = [("no path was missed", premise, paths.exhaustive())]
    if paths.raised:
        first = paths.raised[0].error
        name = f"no path raises (one raises {type(first).__name__}: {first})"
        lemmas.append((name, premise, z3.Not(paths.raising())))
    return lemmas


def path_value(paths: Paths) -> Any:
    """The function's value as one term: If(path 1, value 1, If(path 2, value 2, ...)) over returned paths."""
    returned = paths.returned
    value = term(returned[-1].value)
    for path in reversed(returned[:-1]):
        value = z3.If(path.condition(), term(path.value), value)
    return value


def path_values(paths: Paths, width: int) -> list[Any]:
    """Each component of a tuple-valued function as one term over its returned paths."""
    returned = paths.returned
    values = [term(returned[-1].value[i]) for i in range(width)]
    for path in reversed(returned[:-1]):
        values = [z3.If(path.condition(), term(path.value[i]), values[i]) for i in range(width)]
    return values


# --- mutants: proofs the harness must refute ----------------------------------------------------


def mutant(name: str, claims: tuple[str, ...], build: Callable[[], Obligation]) -> tuple[str, Proof]:
    """A proof of a deliberately wrong function: run by ``mutation_sanity``, it must fail."""
    return (name, Proof(f"mutant: {name}", claims, (), "must be refuted", build))
