"""
Z3 proofs of the arithmetic claims, over all integers, on the real functions (spec/claims.md).

Every proof calls the functions the state machine runs (``perpspec.rounding``,
``units``, ``margin``, ``funding``, ``prices``, ``subaccounts``) with z3 integer
terms; exponents stay concrete Python ints, so each exponent is its own proof.
Nothing here re-types a protocol function: a property is stated as mathematics (the
exact rational value, a sign, an order), and the function under proof is called.

Each proof has a name, the claims it supports (CONV-1, RISK-1, SOLV-1, ORACLE-1,
CONS-2), the rules it rests on, a premise P and a property Q.  It is proved when

- ``P and not Q`` is unsat (no counterexample exists), and
- ``P`` is sat (the non-vacuity witness: the premise can hold at all; a proof may
  ask for a stronger witness, for example that the interesting branch is reachable).

Side conditions ("lemmas") are checked the same way: the facts an abstraction
assumes, and for path-explored functions that no path was missed and none raises.

Nonlinear integer arithmetic is undecidable and z3's heuristics for it are erratic:
the same query can take 40 ms or time out depending on the random seed.  So each
query runs a portfolio (the QF_NIA solver and the default solver, alternating,
with new random seeds and growing per-attempt timeouts) until the proof's time
budget is spent; an ``unknown`` after the budget is reported as a failure with
detail ``timeout``.  The margin requirements (RISK-1) are proved on an abstraction:
the two notionals ``base_to_quote(|q|)`` and ``base_to_quote(oi)`` inside the real
expression are replaced by fresh variables N, M >= 0, and the lemma "premise
implies both notionals are >= 0" is proved on the unabstracted terms.  That is
sound (every concrete (q, p, oi) gives an admissible (N, M)) and makes the query
independent of the price.

Branching functions (``compute_undercollateralized_result``, the median, which
sorts) run unchanged under ``perpspec.verify.z3.paths``: every feasible path is
enumerated and the property is proved over their disjunction.

Rule IDs: ROUND-2..9 (CONV-1), UNITS-4..7 (CONV-1), MARGIN-1..3 (RISK-1), SUB-7,
SUB-8 (SOLV-1), PRICE-4, PRICE-8 (ORACLE-1), FUND-1, FUND-2, FUND-3 (CONS-2).
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import z3

from perpspec import funding, margin, prices, rounding, subaccounts, units
from perpspec.margin import Risk
from perpspec.rounding import ONE_MILLION, Rounding
from perpspec.subaccounts import UpdateResult
from perpspec.verify.results import MethodResult
from perpspec.verify.z3.paths import Explorer, Paths, term

EXPONENTS = tuple(range(-12, 4))
"""The grid of combined conversion exponents e (UNITS-4..6); every one is its own proof."""

QUICK_EXPONENTS = (-12, -9, -6, -3, -1, 0, 1, 3)

POW10_EXPONENTS = (-18, -12, -9, -6, -3, -1, 0, 1, 3, 6)
"""Exponents for mul_pow10 (ROUND-7), on both sides of zero."""

PRICE_EXPONENT = -5
"""The oracle exponent used to split a combined exponent e into (atomic resolution, price exponent)."""

DEFAULT_TIMEOUT_MS = {True: 10_000, False: 60_000}
"""Per-proof time budget: quick mode, full mode."""


# --- proofs and obligations ------------------------------------------------------------------


@dataclass
class Obligation:
    """What a proof asks of z3: ``premise => prop`` valid, ``witness`` satisfiable, every lemma valid."""

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
    name: str
    claims: tuple[str, ...]
    rules: tuple[str, ...]
    statement: str
    build: Callable[[], Obligation]
    full_only: bool = False


@dataclass
class QueryOutcome:
    result: Any  # z3.sat / z3.unsat / z3.unknown
    model: Any
    attempts: int
    milliseconds: int
    reason: str = ""


def _solver(attempt: int) -> Any:
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
            return QueryOutcome(result, solver.model(), attempt, _ms(start))
        if result == z3.unsat:
            return QueryOutcome(result, None, attempt, _ms(start))
        reason = solver.reason_unknown()  # a timeout, or incompleteness: the next solver or seed may answer
        if attempt % 2 == 0:
            attempt_ms = int(attempt_ms * 1.5)
    return QueryOutcome(z3.unknown, None, attempt, _ms(start), reason or "timeout")


def _ms(start: float) -> int:
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
    """Prove one proof: lemmas, then the property, then the witness; a timeout is a failure."""
    start = time.perf_counter()
    extra: dict[str, Any] = {"rules": list(proof.rules), "statement": proof.statement}

    def result(passed: bool, detail: str, counterexample: str | None = None) -> MethodResult:
        extra["milliseconds"] = _ms(start)
        return MethodResult(
            claims=proof.claims,
            method="z3",
            check=proof.name,
            passed=passed,
            detail=detail,
            milliseconds=_ms(start),
            counterexample=counterexample,
            extra=extra,
        )

    try:
        obligation = proof.build()
    except Exception as error:
        return result(False, f"error building the proof: {type(error).__name__}: {error}")
    extra["build_ms"] = _ms(start)
    if obligation.note:
        extra["note"] = obligation.note

    def remaining() -> int:
        return max(1, timeout_ms - _ms(start))

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
            return result(False, f"counterexample{where}", counterexample)
        if outcome.result == z3.unknown:
            extra["attempts"] = attempts
            extra["unknown"] = {"query": name, "reason": outcome.reason}
            return result(False, "timeout")
    witness = obligation.witness if obligation.witness is not None else obligation.premise
    outcome = check([witness], remaining())
    attempts["witness"] = (outcome.attempts, outcome.milliseconds)
    extra["attempts"] = attempts
    if outcome.result == z3.unsat:
        return result(False, "vacuous: the premise (witness) is unsatisfiable")
    if outcome.result == z3.unknown:
        extra["unknown"] = {"query": "witness", "reason": outcome.reason}
        return result(False, "timeout")
    witness_text = describe_model(
        outcome.model,
        obligation.witness_inputs if obligation.witness_inputs is not None else obligation.inputs,
        obligation.witness_observe if obligation.witness_observe is not None else obligation.observe,
    )
    extra["witness"] = witness_text
    return result(True, f"proved; witness {witness_text}")


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


def _ints(names: str) -> list[Any]:
    return list(z3.Ints(names))


def _pow10_fraction(exponent: int) -> tuple[int, int]:
    """10^exponent as (numerator, denominator) of integers."""
    return (10**exponent, 1) if exponent >= 0 else (1, 10**-exponent)


def split_exponent(exponent: int) -> tuple[int, int]:
    """(atomic_resolution, price_exponent) whose combined exponent (UNITS-4) is ``exponent``."""
    atomic_resolution = exponent + units.QUOTE_ATOMIC_RESOLUTION - PRICE_EXPONENT
    assert units.compute_quote_exponent(atomic_resolution, PRICE_EXPONENT) == exponent
    return atomic_resolution, PRICE_EXPONENT


def _mentions(expression: Any, symbols: list[Any]) -> bool:
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


# --- CONV-1: rounding helpers (ROUND-3..7, ROUND-9) ----------------------------------------------


def prove_division_bound(function: Callable[[Any, Any], Any], rounding_kind: Rounding) -> Callable[[], Obligation]:
    """ROUND-3/4/5: for every n and every d > 0 the helper rounds n / d by at most one, in its direction."""

    def build() -> Obligation:
        n, d = _ints("n d")
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
    def build() -> Obligation:
        n1, n2, d = _ints("n1 n2 d")
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
    n, d = _ints("n d")
    return Obligation(
        premise=d > 0,
        prop=rounding.trunc_div(-n, d) == -rounding.trunc_div(n, d),
        inputs={"n": n, "d": d},
        witness=z3.And(d > 1, n % d != 0),
    )


def prove_ppm(function: Callable[[Any, Any], Any], rounding_kind: Rounding) -> Callable[[], Obligation]:
    """ROUND-6: mul_ppm_floor / mul_ppm_ceil are v*p/1e6 rounded by at most one, in their direction, for any v, p."""

    def build() -> Obligation:
        v, p = _ints("v p")
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
    def build() -> Obligation:
        v1, v2, p = _ints("v1 v2 p")
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
        numerator, denominator = _pow10_fraction(exponent)
        return Obligation(
            premise=z3.BoolVal(True),
            prop=DIRECTION_OK[rounding_kind](r, v * numerator, denominator),
            inputs={"v": v},
            observe={"result": r},
            witness=z3.And(v < 0, (v * numerator) % denominator != 0) if exponent < 0 else v < 0,
        )

    return build


def prove_pow10_monotone(exponent: int, rounding_kind: Rounding) -> Callable[[], Obligation]:
    def build() -> Obligation:
        v1, v2 = _ints("v1 v2")
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


def prove_mean(
    function: Callable[[Any, Any], Any] = rounding.mean_round_half_away_from_zero,
) -> Callable[[], Obligation]:
    """ROUND-9: mean = (x+y)/2 to the nearest integer, an exact half away from zero."""

    def build() -> Obligation:
        x, y = _ints("x y")
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
    x, y = _ints("x y")
    mean = rounding.mean_round_half_away_from_zero
    return Obligation(
        premise=z3.BoolVal(True),
        prop=z3.And(mean(-x, -y) == -mean(x, y), mean(x, y) == mean(y, x)),
        inputs={"x": x, "y": y},
        witness=(x + y) % 2 == 1,
    )


def prove_mean_monotone() -> Obligation:
    x1, x2, y = _ints("x1 x2 y")
    mean = rounding.mean_round_half_away_from_zero
    return Obligation(
        premise=x1 <= x2,
        prop=mean(x1, y) <= mean(x2, y),
        inputs={"x1": x1, "x2": x2, "y": y},
        witness=z3.And(x1 + y < 0, x2 + y > 0),
    )


def prove_mean_between(
    function: Callable[[Any, Any], Any] = rounding.mean_round_half_away_from_zero,
) -> Callable[[], Obligation]:
    """PRICE-4 lemma: x <= y implies x <= mean(x, y) <= y."""

    def build() -> Obligation:
        x, y = _ints("x y")
        m = function(x, y)
        return Obligation(
            premise=x <= y,
            prop=z3.And(x <= m, m <= y),
            inputs={"x": x, "y": y},
            observe={"mean": m},
            witness=z3.And(x < y, (x + y) % 2 == 1),
        )

    return build


# --- CONV-1: conversions (UNITS-4..7) --------------------------------------------------------------


def prove_base_to_quote(
    exponent: int, function: Callable[..., Any] = units.base_to_quote_quantums
) -> Callable[[], Obligation]:
    """UNITS-4: base_to_quote(b, p) = b*p*10^e truncated toward zero, within one quantum, for p > 0."""

    def build() -> Obligation:
        b, p = _ints("b p")
        ar, pe = split_exponent(exponent)
        r = function(b, ar, p, pe)
        numerator, denominator = _pow10_fraction(exponent)
        return Obligation(
            premise=p > 0,
            prop=trunc_ok(r, b * p * numerator, denominator),
            inputs={"base": b, "price": p},
            observe={"quote": r},
            witness=z3.And(p > 1, b < 0),
        )

    return build


def prove_base_to_quote_odd(exponent: int) -> Obligation:
    b, p = _ints("b p")
    ar, pe = split_exponent(exponent)
    f = units.base_to_quote_quantums
    return Obligation(
        premise=p > 0,
        prop=f(-b, ar, p, pe) == -f(b, ar, p, pe),
        inputs={"base": b, "price": p},
        witness=z3.And(p > 1, b > 0),
    )


def prove_base_to_quote_monotone(exponent: int) -> Obligation:
    b1, b2, p = _ints("b1 b2 p")
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
    q, p = _ints("q p")
    ar, pe = split_exponent(exponent)
    r = units.quote_to_base_quantums(q, ar, p, pe)
    numerator, denominator = _pow10_fraction(-exponent)  # q * 10^-e / p
    return Obligation(
        premise=p > 0,
        prop=trunc_ok(r, q * numerator, p * denominator),
        inputs={"quote": q, "price": p},
        observe={"base": r},
        witness=z3.And(p > 1, q < 0),
    )


def prove_quote_to_base_monotone(exponent: int) -> Obligation:
    q1, q2, p = _ints("q1 q2 p")
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
    q, p = _ints("q p")
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


def prove_fill(exponent: int) -> Obligation:
    """UNITS-6: fill quote = floor(s*b*10^qce) for s, b >= 0, within one quote quantum below the exact value."""
    s, b = _ints("s b")
    r = units.fill_quote_quantums_from_subticks(s, b, exponent)
    numerator, denominator = _pow10_fraction(exponent)
    return Obligation(
        premise=z3.And(s >= 0, b >= 0),
        prop=floor_ok(r, s * b * numerator, denominator),
        inputs={"subticks": s, "base": b},
        observe={"quote": r},
        witness=z3.And(s > 1, b > 1),
    )


def prove_fill_monotone(exponent: int) -> Obligation:
    s1, s2, b1, b2 = _ints("s1 s2 b1 b2")
    f = units.fill_quote_quantums_from_subticks
    return Obligation(
        premise=z3.And(s1 >= 0, s1 <= s2, b1 >= 0, b1 <= b2),
        prop=z3.And(f(s1, b1, exponent) <= f(s1, b2, exponent), f(s1, b1, exponent) <= f(s2, b1, exponent)),
        inputs={"subticks1": s1, "subticks2": s2, "base1": b1, "base2": b2},
        witness=z3.And(s1 < s2, b1 < b2, s1 > 0, b1 > 0),
    )


SUBTICKS_CASES = ((-5, -10, -9), (-9, -8, -8), (-6, -6, -14), (0, -3, -3))
"""(price exponent, base atomic resolution, quantum conversion exponent) for UNITS-7."""


def prove_subticks_to_price(price_exponent: int, base_ar: int, qce: int) -> Obligation:
    """UNITS-7: subticks_to_price = floor(s * 10^-(pe - qce + bar - qar)), monotone."""
    s1, s2 = _ints("s1 s2")
    qar = units.QUOTE_ATOMIC_RESOLUTION
    f = units.subticks_to_price
    exponent = -units.compute_subticks_exponent(price_exponent, base_ar, qar, qce)
    numerator, denominator = _pow10_fraction(exponent)
    r1, r2 = f(s1, price_exponent, base_ar, qar, qce), f(s2, price_exponent, base_ar, qar, qce)
    return Obligation(
        premise=s1 <= s2,
        prop=z3.And(floor_ok(r1, s1 * numerator, denominator), r1 <= r2),
        inputs={"subticks1": s1, "subticks2": s2},
        observe={"price1": r1, "price2": r2},
        witness=z3.And(s1 > 0, s1 < s2),
    )


# --- RISK-1: margin (MARGIN-1..3) -------------------------------------------------------------------


def _tier(imf: Any, mf: Any, lower: Any, upper: Any) -> Any:
    return z3.And(imf >= 0, imf <= ONE_MILLION, mf >= 0, mf <= ONE_MILLION, lower >= 0, lower <= upper)


def prove_adjusted_range(function: Callable[..., Any] = margin.adjusted_initial_margin_ppm) -> Callable[[], Obligation]:
    """MARGIN-1: for a valid tier and any open interest, imf <= adjusted <= 1e6."""

    def build() -> Obligation:
        imf, lower, upper, oi = _ints("imf lower upper oi")
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
    imf, lower, upper, oi1, oi2, mf = _ints("imf lower upper oi1 oi2 mf")
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
    imf, oi = _ints("imf oi")
    zero = z3.IntVal(0)
    a = margin.adjusted_initial_margin_ppm(imf, zero, zero, oi)
    return Obligation(
        premise=z3.And(imf >= 0, imf <= ONE_MILLION),
        prop=a == imf,
        inputs={"imf": imf, "oi": oi},
        witness=z3.And(imf > 0, oi > 0),
    )


def prove_maintenance_ppm() -> Obligation:
    """MARGIN-3: the maintenance fraction floor(imf*mf/1e6) lies in [0, imf]."""
    imf, mf = _ints("imf mf")
    m = margin.maintenance_margin_ppm(imf, mf)
    return Obligation(
        premise=z3.And(imf >= 0, imf <= ONE_MILLION, mf >= 0, mf <= ONE_MILLION),
        prop=z3.And(m >= 0, m <= imf),
        inputs={"imf": imf, "mf": mf},
        observe={"mmf": m},
        witness=z3.And(imf > 0, mf > 0, mf < ONE_MILLION),
    )


def prove_initial_margin() -> Obligation:
    """MARGIN-2: IMR = ceil(n * adjusted / 1e6): never below the exact value, >= 0, monotone in notional and OI."""
    n1, n2, imf, lower, upper, oi1, oi2, mf = _ints("n1 n2 imf lower upper oi1 oi2 mf")
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
        q, p, oi, imf, mf, lower, upper = _ints("q p oi imf mf lower upper")
        ar, pe = split_exponent(exponent)
        zero = z3.IntVal(0)
        imr, mmr = function(q, ar, p, pe, imf, mf, oi, lower, upper)
        unscaled, _ = function(q, ar, p, pe, imf, mf, oi, zero, zero)
        # the same terms the function builds: |q| by select, each converted at the oracle price
        notional = units.base_to_quote_quantums(rounding.select(q >= 0, q, -q), ar, p, pe)
        oi_notional = units.base_to_quote_quantums(oi, ar, p, pe)
        n, m = _ints("N M")
        premise = z3.And(_tier(imf, mf, lower, upper), p > 0, oi >= 0)
        abstract = [z3.substitute(t, (notional, n), (oi_notional, m)) for t in (imr, unscaled, mmr)]
        witness = z3.And(premise, q < 0, notional > 0, lower < oi_notional, oi_notional < upper, mf > 0, imf > 0)
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
            witness=witness,
            witness_inputs=original_inputs,
            witness_observe=observe,
            lemmas=[("notionals are non-negative", premise, z3.And(notional >= 0, oi_notional >= 0))],
            note="notionals abstracted to N, M >= 0 (a counterexample is over N, M)",
        )

    return build


# --- SOLV-1: the under-collateralized rule (SUB-7, SUB-8) ------------------------------------------


def not_worse(nc_new: Any, mmr_new: Any, nc_cur: Any, mmr_cur: Any) -> Any:
    """SUB-8's acceptance as mathematics: MMR not higher, and NC/MMR not lower (or, with no MMR, NC up)."""
    return z3.And(
        mmr_new <= mmr_cur,
        z3.Or(
            z3.And(mmr_new == 0, mmr_cur == 0, nc_new > nc_cur),
            z3.And(mmr_new > 0, mmr_cur > 0, nc_new * mmr_cur >= nc_cur * mmr_new),
        ),
    )


def _path_lemmas(paths: Paths, premise: Any) -> list[tuple[str, Any, Any]]:
    lemmas = [("no path was missed", premise, paths.exhaustive())]
    if paths.raised:
        first = paths.raised[0].error
        name = f"no path raises (one raises {type(first).__name__}: {first})"
        lemmas.append((name, premise, z3.Not(paths.raising())))
    return lemmas


def prove_sub8(
    function: Callable[[Risk, Risk], Any] = subaccounts.compute_undercollateralized_result,
) -> Callable[[], Obligation]:
    """
    SUB-8 in general: for any current and new risk with MMRs >= 0, the rule accepts
    exactly when MMR does not rise and NC/MMR does not worsen (NC rises when both
    MMRs are 0), and the failure is NewlyUndercollateralized exactly when the
    current state met its initial margin.  Run on all paths of the real function.
    """

    def build() -> Obligation:
        nc_c, imr_c, mmr_c, nc_n, imr_n, mmr_n = z3.Ints("nc_cur imr_cur mmr_cur nc_new imr_new mmr_new")
        premise = z3.And(mmr_c >= 0, mmr_n >= 0, nc_n < imr_n)
        explorer = Explorer(premise)
        s = [explorer.wrap(v) for v in (nc_c, imr_c, mmr_c, nc_n, imr_n, mmr_n)]
        paths = explorer.explore(lambda: function(Risk(s[0], s[1], s[2]), Risk(s[3], s[4], s[5])))
        success = paths.where(lambda v: v is UpdateResult.SUCCESS)
        newly = paths.where(lambda v: v is UpdateResult.NEWLY_UNDERCOLLATERALIZED)
        still = paths.where(lambda v: v is UpdateResult.STILL_UNDERCOLLATERALIZED)
        return Obligation(
            premise=premise,
            prop=z3.And(
                success == not_worse(nc_n, mmr_n, nc_c, mmr_c),
                newly == z3.And(z3.Not(success), nc_c >= imr_c),
                still == z3.And(z3.Not(success), nc_c < imr_c),
            ),
            inputs={
                "nc_cur": nc_c,
                "imr_cur": imr_c,
                "mmr_cur": mmr_c,
                "nc_new": nc_n,
                "imr_new": imr_n,
                "mmr_new": mmr_n,
            },
            observe={"success": success, "newly": newly},
            witness=z3.And(premise, success, mmr_n > 0),
            lemmas=_path_lemmas(paths, premise),
            note=f"{len(paths.paths)} paths, {paths.feasibility_checks} feasibility checks",
        )

    return build


def _withdrawal_paths(
    premise: Any, nc: Any, imr: Any, mmr: Any, amount: Any, function: Callable[[Risk, Risk], Any]
) -> Paths:
    explorer = Explorer(premise)
    s_nc, s_imr, s_mmr, s_amount = (explorer.wrap(v) for v in (nc, imr, mmr, amount))

    def decide() -> UpdateResult:
        # the per-update decision of check_updates (SUB-7): Success when the new state
        # meets initial margin, else the under-collateralized rule (SUB-8)
        risk_current = Risk(s_nc, s_imr, s_mmr)
        risk_new = Risk(s_nc - s_amount, s_imr, s_mmr)  # positions unchanged: IMR and MMR too
        if margin.is_initially_collateralized(risk_new):
            return UpdateResult.SUCCESS
        return function(risk_current, risk_new)

    return explorer.explore(decide)


def prove_withdrawal(
    strong: bool, function: Callable[[Risk, Risk], Any] = subaccounts.compute_undercollateralized_result
) -> Callable[[], Obligation]:
    """
    SOLV-1 for the sender of a withdrawal or transfer (NC falls by amount > 0, IMR and
    MMR unchanged, IMR >= MMR >= 0 by RISK-1): if accepted, the sender is initially
    collateralized after, or was not before and MMR did not rise and NC/MMR did not
    worsen.  The strong form: if accepted, the sender is initially collateralized after.
    """

    def build() -> Obligation:
        nc, imr, mmr, amount = z3.Ints("nc_cur imr mmr amount")
        base = z3.And(amount > 0, imr >= mmr, mmr >= 0)
        paths = _withdrawal_paths(base, nc, imr, mmr, amount, function)
        accepted = paths.where(lambda v: v is UpdateResult.SUCCESS)
        nc_new = nc - amount
        if strong:
            conclusion = nc_new >= imr
        else:
            conclusion = z3.Or(nc_new >= imr, z3.And(nc < imr, not_worse(nc_new, mmr, nc, mmr)))
        return Obligation(
            premise=z3.And(base, accepted),
            prop=conclusion,
            inputs={"nc_cur": nc, "imr": imr, "mmr": mmr, "amount": amount},
            observe={"nc_new": nc_new},
            witness=z3.And(base, accepted, mmr > 0),
            lemmas=_path_lemmas(paths, base),
            note=f"{len(paths.paths)} paths",
        )

    return build


# --- ORACLE-1: the median (PRICE-4, PRICE-8) ----------------------------------------------------


def _sources(n: int) -> tuple[list[Any], list[Any], Any, Any, Any]:
    values = [z3.Int(f"x{i}") for i in range(n)]
    wrong = [z3.Bool(f"wrong{i}") for i in range(n)]
    lo, hi = z3.Ints("lo hi")
    premise = z3.And(
        z3.Sum([z3.If(w, 1, 0) for w in wrong]) <= (n - 1) // 2,
        *[z3.Or(w, z3.And(lo <= v, v <= hi)) for v, w in zip(values, wrong)],
    )
    return values, wrong, lo, hi, premise


def _source_inputs(values: list[Any], wrong: list[Any], lo: Any, hi: Any) -> dict[str, Any]:
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
    n: int, function: Callable[[list[Any]], Any] = prices.median_round_half_away_from_zero
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
            lemmas=_path_lemmas(paths, premise),
            note=f"{len(paths.paths)} paths, {paths.feasibility_checks} feasibility checks",
        )

    return build


# --- CONS-2: funding settlement (FUND-1..3) ----------------------------------------------------------


def prove_settlement_rounding(
    function: Callable[[Any], Any] = funding.settlement_quote_quantums,
) -> Callable[[], Obligation]:
    """FUND-2: a subaccount's USDC change is floor(s / 1e6): never more than the exact settlement."""

    def build() -> Obligation:
        s = z3.Int("s")
        r = function(s)
        return Obligation(
            premise=z3.BoolVal(True),
            prop=floor_ok(r, s, ONE_MILLION),
            inputs={"s": s},
            observe={"usdc": r},
            witness=z3.And(s < 0, s % ONE_MILLION != 0),
        )

    return build


def prove_long_short_pair(settle: Callable[[Any], Any] = funding.settlement_quote_quantums) -> Callable[[], Obligation]:
    """CONS-2: a long q and a short -q settled across one index change: longs receive at most what shorts pay."""

    def build() -> Obligation:
        index, position_index, q = z3.Ints("perp_index position_index q")
        long_ppm, long_index = funding.funding_settlement_ppm(index, position_index, q)
        short_ppm, short_index = funding.funding_settlement_ppm(index, position_index, -q)
        total = settle(long_ppm) + settle(short_ppm)
        return Obligation(
            premise=q > 0,
            prop=z3.And(total <= 0, total >= -1, long_index == index, short_index == index),
            inputs={"perp_index": index, "position_index": position_index, "q": q},
            observe={"long": settle(long_ppm), "short": settle(short_ppm)},
            witness=z3.And(q > 0, index != position_index, ((index - position_index) * q) % ONE_MILLION != 0),
        )

    return build


def prove_sum_zero(k: int) -> Obligation:
    """CONS-2 (FUND-3): k settlements summing to 0 in ppm pay out at most 0 in total, and keep less than k."""
    s = [z3.Int(f"s{i}") for i in range(k)]
    usdc = [funding.settlement_quote_quantums(x) for x in s]
    total = z3.Sum(usdc)
    return Obligation(
        premise=z3.Sum(s) == 0,
        prop=z3.And(total <= 0, total > -k),
        inputs={f"s{i}": x for i, x in enumerate(s)},
        observe={"total": total},
        witness=z3.And(z3.Sum(s) == 0, *[x % ONE_MILLION != 0 for x in s]),
    )


def prove_positions_sum_zero(k: int) -> Obligation:
    """CONS-2 (FUND-1, INV-4): k positions summing to 0, settled from one index to another: the total is <= 0."""
    q = [z3.Int(f"q{i}") for i in range(k)]
    index, position_index = z3.Ints("perp_index position_index")
    usdc = [funding.settlement_quote_quantums(funding.funding_settlement_ppm(index, position_index, x)[0]) for x in q]
    total = z3.Sum(usdc)
    return Obligation(
        premise=z3.Sum(q) == 0,
        prop=z3.And(total <= 0, total > -k),
        inputs={f"q{i}": x for i, x in enumerate(q)} | {"perp_index": index, "position_index": position_index},
        observe={"total": total},
        witness=z3.And(z3.Sum(q) == 0, *[x != 0 for x in q], index != position_index),
    )


# --- the proof list ------------------------------------------------------------------------------


def _conv_rounding() -> list[Proof]:
    proofs = [
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
            proofs.append(
                Proof(
                    f"ROUND-7 mul_pow10 e={exponent} {kind.value} bound",
                    ("CONV-1",),
                    ("ROUND-7",),
                    f"v*10^{exponent} rounded {kind.value} by less than one",
                    prove_pow10(exponent, kind),
                )
            )
            proofs.append(
                Proof(
                    f"ROUND-7 mul_pow10 e={exponent} {kind.value} monotone",
                    ("CONV-1",),
                    ("ROUND-7",),
                    "v1 <= v2 => r1 <= r2",
                    prove_pow10_monotone(exponent, kind),
                )
            )
    for exponent in (-1, -6, -12):
        proofs.append(
            Proof(
                f"ROUND-7 shortcut lemma e={exponent}",
                ("CONV-1",),
                ("ROUND-7",),
                "|v| < 10^s => divide gives -1/0/1 by direction",
                lambda e=exponent: prove_pow10_shortcut(e),
            )
        )
    proofs += [
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
    return proofs


def _conv_units(exponents: tuple[int, ...]) -> list[Proof]:
    proofs = []
    for e in exponents:
        proofs += [
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
                lambda e=e: prove_base_to_quote_odd(e),
            ),
            Proof(
                f"UNITS-4 base_to_quote e={e} monotone",
                ("CONV-1",),
                ("UNITS-4",),
                "p > 0, b1 <= b2 => f(b1) <= f(b2)",
                lambda e=e: prove_base_to_quote_monotone(e),
            ),
            Proof(
                f"UNITS-5 quote_to_base e={e} bound",
                ("CONV-1",),
                ("UNITS-5", "ROUND-5"),
                "p > 0 => r = q/(p*10^e) truncated toward zero",
                lambda e=e: prove_quote_to_base(e),
            ),
            Proof(
                f"UNITS-5 quote_to_base e={e} monotone",
                ("CONV-1",),
                ("UNITS-5",),
                "p > 0, q1 <= q2 => f(q1) <= f(q2)",
                lambda e=e: prove_quote_to_base_monotone(e),
            ),
            Proof(
                f"UNITS-5 quote round trip e={e}",
                ("CONV-1",),
                ("UNITS-4", "UNITS-5"),
                "p > 0 => |b2q(q2b(q))| <= |q|, same sign",
                lambda e=e: prove_quote_round_trip(e),
            ),
            Proof(
                f"UNITS-6 fill quote qce={e} bound",
                ("CONV-1",),
                ("UNITS-6", "ROUND-7"),
                "s, b >= 0 => r = floor(s*b*10^qce)",
                lambda e=e: prove_fill(e),
            ),
            Proof(
                f"UNITS-6 fill quote qce={e} monotone",
                ("CONV-1",),
                ("UNITS-6",),
                "monotone in subticks and in base quantums",
                lambda e=e: prove_fill_monotone(e),
            ),
        ]
    for case in SUBTICKS_CASES:
        proofs.append(
            Proof(
                f"UNITS-7 subticks_to_price pe={case[0]} bar={case[1]} qce={case[2]}",
                ("CONV-1",),
                ("UNITS-7",),
                "floor(s*10^-exp), monotone",
                lambda c=case: prove_subticks_to_price(*c),
            )
        )
    return proofs


def _risk(exponents: tuple[int, ...]) -> list[Proof]:
    proofs = [
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
        proofs.append(
            Proof(
                f"MARGIN-2/3 IMR >= MMR >= 0 e={e}",
                ("RISK-1",),
                ("MARGIN-1", "MARGIN-2", "MARGIN-3", "UNITS-4"),
                "valid tier, p > 0, oi >= 0 => IMR >= unscaled IMR >= MMR >= 0",
                prove_margin_requirements(e),
            )
        )
    return proofs


def _solvency() -> list[Proof]:
    return [
        Proof(
            "SUB-8 under-collateralized rule, all paths",
            ("SOLV-1",),
            ("SUB-8", "MARGIN-7"),
            "Success <=> MMR not up and NC/MMR not worse; Newly <=> not Success and NC_cur >= IMR_cur",
            prove_sub8(),
        ),
        Proof(
            "SUB-7/SUB-8 withdrawal or transfer sender",
            ("SOLV-1",),
            ("SUB-7", "SUB-8", "SUB-12", "SUB-13"),
            "accepted => NC_new >= IMR, or (NC_cur < IMR and MMR not up and NC/MMR not worse)",
            prove_withdrawal(strong=False),
        ),
        Proof(
            "SUB-7/SUB-8 withdrawal needs initial margin",
            ("SOLV-1",),
            ("SUB-7", "SUB-8", "INV-5"),
            "amount > 0, positions unchanged, accepted => NC_new >= IMR",
            prove_withdrawal(strong=True),
        ),
    ]


def _oracle(quick: bool) -> list[Proof]:
    proofs = [
        Proof(
            "PRICE-4 mean of two lies between them",
            ("ORACLE-1", "CONV-1"),
            ("PRICE-4", "ROUND-9"),
            "x <= y => x <= mean(x, y) <= y",
            prove_mean_between(),
        ),
    ]
    for n in range(1, 7):
        proofs.append(
            Proof(
                f"PRICE-8 median of {n} sorted sources",
                ("ORACLE-1",),
                ("PRICE-4", "PRICE-8"),
                f"sorted, at most {(n - 1) // 2} wrong, rest in [lo, hi] => median reads values in [lo, hi]",
                lambda n=n: prove_median_sorted(n),
            )
        )
    for n in range(1, 7):
        proofs.append(
            Proof(
                f"PRICE-8 real median of {n} sources, all orderings",
                ("ORACLE-1",),
                ("PRICE-4", "PRICE-8"),
                f"at most {(n - 1) // 2} of {n} wrong, rest in [lo, hi] => lo <= median <= hi",
                prove_median(n),
                full_only=n >= 6,
            )
        )
    return proofs


def _conservation() -> list[Proof]:
    proofs = [
        Proof(
            "FUND-2 settlement rounds down",
            ("CONS-2",),
            ("FUND-2",),
            "1e6*usdc <= s < 1e6*usdc + 1e6",
            prove_settlement_rounding(),
        ),
        Proof(
            "FUND-1/2 long and short pair",
            ("CONS-2",),
            ("FUND-1", "FUND-2", "FUND-3"),
            "q > 0: settle(long) + settle(short) in [-1, 0]; new index = perpetual's",
            prove_long_short_pair(),
        ),
    ]
    for k in (2, 3, 4):
        proofs.append(
            Proof(
                f"FUND-3 {k} settlements summing to 0",
                ("CONS-2",),
                ("FUND-2", "FUND-3"),
                f"sum s_i = 0 => -{k} < sum floor(s_i/1e6) <= 0",
                lambda k=k: prove_sum_zero(k),
            )
        )
        proofs.append(
            Proof(
                f"FUND-3 {k} positions summing to 0",
                ("CONS-2",),
                ("FUND-1", "FUND-2", "FUND-3", "INV-4"),
                f"sum q_i = 0 => -{k} < total settled <= 0",
                lambda k=k: prove_positions_sum_zero(k),
            )
        )
    return proofs


def prove_fill_zero_sum(taker_is_buy: bool) -> Obligation:
    """
    CONS-3 (FEE-2, FEE-3): for any quote >= 0 and fee rates whose sum is not negative (FEE-5),
    taker change + maker change + taker fee + maker fee = 0, each fee is the ceiling of
    quote * ppm / 1e6, and the fees are not negative in total.  On the real
    ``compute_match_quote_deltas``.
    """
    from perpspec.clob.matching import compute_match_quote_deltas

    quote, taker_ppm, maker_ppm = _ints("quote taker_ppm maker_ppm")
    taker_delta, maker_delta, taker_fee, maker_fee = compute_match_quote_deltas(
        taker_is_buy, quote, taker_ppm, maker_ppm
    )
    premise = z3.And(quote >= 0, taker_ppm + maker_ppm >= 0)
    return Obligation(
        premise=premise,
        prop=z3.And(
            taker_delta + maker_delta + taker_fee + maker_fee == 0,
            taker_fee + maker_fee >= 0,
            ceil_ok(taker_fee, quote * taker_ppm, ONE_MILLION),
            ceil_ok(maker_fee, quote * maker_ppm, ONE_MILLION),
        ),
        inputs={"quote": quote, "taker_ppm": taker_ppm, "maker_ppm": maker_ppm},
        observe={
            "taker_delta": taker_delta,
            "maker_delta": maker_delta,
            "taker_fee": taker_fee,
            "maker_fee": maker_fee,
        },
        witness=z3.And(premise, quote > 0, maker_ppm < 0),
    )


def _path_value(paths: Paths) -> Any:
    """The function's value as one term: If(path 1, value 1, If(path 2, value 2, ...)) over returned paths."""
    returned = paths.returned
    value = term(returned[-1].value)
    for path in reversed(returned[:-1]):
        value = z3.If(path.condition(), term(path.value), value)
    return value


def prove_reduce_only_fill(is_buy: bool) -> Obligation:
    """
    RO-1 (MATCH-8): a reduce-only fill of whole steps is whole steps, at most the fill, and
    leaves the position no larger and on the same side or zero.  All paths of the real
    ``compute_reduce_only_fill``.
    """
    from perpspec.clob.matching import compute_reduce_only_fill

    position, steps, step = _ints("position steps step")
    fill = steps * step
    premise = z3.And(step > 0, steps > 0)
    explorer = Explorer(premise)
    s_position, s_fill, s_step = (explorer.wrap(v) for v in (position, fill, step))
    paths = explorer.explore(lambda: compute_reduce_only_fill(is_buy, s_position, s_fill, s_step))
    result = _path_value(paths)
    after = position + result if is_buy else position - result
    return Obligation(
        premise=premise,
        prop=z3.And(
            result >= 0,
            result <= fill,
            z3.Or(result == fill, result == (result / step) * step),
            z3.If(position >= 0, z3.And(after >= 0, after <= position), z3.And(position <= after, after <= 0)),
        ),
        inputs={"position": position, "steps": steps, "step": step},
        observe={"fill": fill, "result": result},
        witness=z3.And(premise, result > 0, result < fill),
        lemmas=_path_lemmas(paths, premise),
        note=f"{len(paths.paths)} paths",
    )


def _path_values(paths: Paths, width: int) -> list[Any]:
    """Each component of a tuple-valued function as one term over its returned paths."""
    returned = paths.returned
    values = [term(returned[-1].value[i]) for i in range(width)]
    for path in reversed(returned[:-1]):
        values = [z3.If(path.condition(), term(path.value[i]), values[i]) for i in range(width)]
    return values


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
    q, p, oi, imf, mf, lower, upper = _ints("fast_q fast_p fast_oi fast_imf fast_mf fast_lower fast_upper")
    ar, pe = split_exponent(exponent)
    premise = z3.And(_tier(imf, mf, lower, upper), oi >= 0, p > 0)
    explorer = Explorer(premise, floor_division=True)
    s = [explorer.wrap(v) for v in (q, p, oi, imf, mf, lower, upper)]
    paths = explorer.explore(lambda: margin.position_risk_of_integers(s[0], ar, s[1], pe, s[3], s[4], s[2], s[5], s[6]))
    nc_fast, imr_fast, mmr_fast = _path_values(paths, 3)
    nc = margin.position_net_notional_quote_quantums(q, ar, p, pe)
    imr, mmr = margin.perpetual_margin_requirements(q, ar, p, pe, imf, mf, oi, lower, upper)
    # One query per component: each is easier for z3 than their conjunction.
    return Obligation(
        premise=premise,
        prop=mmr_fast == mmr,
        inputs={"q": q, "price": p, "oi": oi, "imf": imf, "mf": mf, "lower": lower, "upper": upper},
        observe={"nc_fast": nc_fast, "nc": nc, "imr_fast": imr_fast, "imr": imr, "mmr_fast": mmr_fast, "mmr": mmr},
        witness=z3.And(premise, q < 0, imr > 0, mmr > 0),
        lemmas=_path_lemmas(paths, premise)
        + [("NC equal", premise, nc_fast == nc), ("IMR equal", premise, imr_fast == imr)],
        note=f"{len(paths.paths)} paths; NC, IMR and MMR proved equal one by one",
    )


def prove_fast_fill_quote(exponent: int) -> Obligation:
    """MATCH-2: the fill quote's integer fast path equals ``fill_quote_quantums_from_subticks`` (UNITS-6)."""
    from perpspec.clob.matching import compute_fill_quote_quantums

    subticks, fill = _ints("subticks fill")
    premise = z3.And(subticks >= 0, fill >= 0)
    explorer = Explorer(premise, floor_division=True)
    s_subticks, s_fill = explorer.wrap(subticks), explorer.wrap(fill)
    paths = explorer.explore(lambda: compute_fill_quote_quantums(s_subticks, s_fill, exponent))
    fast = _path_value(paths)
    general = units.fill_quote_quantums_from_subticks(subticks, fill, exponent)
    return Obligation(
        premise=premise,
        prop=fast == general,
        inputs={"subticks": subticks, "fill": fill},
        observe={"fast": fast, "general": general},
        witness=z3.And(premise, general > 0),
        lemmas=_path_lemmas(paths, premise),
    )


def prove_fast_fee() -> Obligation:
    """FEE-2: the fee's integer fast path equals ``mul_ppm_ceil`` for every quote and rate."""
    from perpspec.clob.fees import fee_of_integers

    quote, ppm = _ints("quote ppm")
    premise = z3.BoolVal(True)
    explorer = Explorer(premise, floor_division=True)
    s_quote, s_ppm = explorer.wrap(quote), explorer.wrap(ppm)
    paths = explorer.explore(lambda: fee_of_integers(s_quote, s_ppm))
    fast = _path_value(paths)
    general = rounding.mul_ppm_ceil(quote, ppm)
    return Obligation(
        premise=premise,
        prop=fast == general,
        inputs={"quote": quote, "ppm": ppm},
        observe={"fast": fast, "general": general},
        witness=z3.And(quote > 0, ppm < 0, general < 0),
        lemmas=_path_lemmas(paths, premise),
    )


def _fast_paths(exponents: tuple[int, ...]) -> list[Proof]:
    proofs = [
        Proof(
            f"MARGIN-1..4 fast position risk = general (e={e})",
            ("RISK-1", "CONV-1"),
            ("MARGIN-1", "MARGIN-2", "MARGIN-3", "MARGIN-4", "UNITS-4"),
            "position_risk_of_integers == (NC, IMR, MMR) of the general functions",
            lambda e=e: prove_fast_position_risk(e),
        )
        for e in exponents
    ]
    proofs += [
        Proof(
            f"UNITS-6 fast fill quote = general (qce={e})",
            ("CONV-1", "CONS-3"),
            ("UNITS-6", "MATCH-2"),
            "compute_fill_quote_quantums == fill_quote_quantums_from_subticks",
            lambda e=e: prove_fast_fill_quote(e),
        )
        for e in (-12, -9, -8, -6, 0, 2)
    ]
    proofs.append(
        Proof(
            "FEE-2 fast fee = mul_ppm_ceil",
            ("CONS-3",),
            ("FEE-2", "ROUND-6"),
            "fee_of_integers == mul_ppm_ceil",
            prove_fast_fee,
        )
    )
    return proofs


def _fills() -> list[Proof]:
    return [
        Proof(
            f"FEE-3 fill zero-sum, taker {'buys' if buy else 'sells'}",
            ("CONS-3",),
            ("FEE-2", "FEE-3", "FEE-5"),
            "taker + maker changes + fees = 0; fees ceil; total fees >= 0",
            lambda buy=buy: prove_fill_zero_sum(buy),
        )
        for buy in (True, False)
    ] + [
        Proof(
            f"MATCH-8 reduce-only fill, {'buy' if buy else 'sell'}",
            ("RO-1",),
            ("MATCH-8", "ORDER-10"),
            "whole steps, <= fill, never grows or flips",
            lambda buy=buy: prove_reduce_only_fill(buy),
        )
        for buy in (True, False)
    ]


def proofs(quick: bool) -> list[Proof]:
    """Every proof; quick mode uses a smaller exponent grid and leaves out the slowest."""
    exponents = QUICK_EXPONENTS if quick else EXPONENTS
    everything = (
        _conv_rounding()
        + _conv_units(exponents)
        + _risk(exponents)
        + _solvency()
        + _oracle(quick)
        + _conservation()
        + _fills()
        + _fast_paths(exponents)
    )
    return [p for p in everything if not (quick and p.full_only)]


# --- the differential check: z3 branch against int branch ----------------------------------------


def _differential_cases(count: int, seed: int = 4) -> list[tuple[str, Callable[..., Any], tuple]]:
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
    return z3.IntVal(argument) if isinstance(argument, int) and not isinstance(argument, bool) else argument


def _concrete_z3_args(name: str, args: tuple) -> tuple:
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
                passed=False,
                detail=f"{name}: int branch {expected_tuple}, z3 branch {got}",
                milliseconds=_ms(start),
                counterexample=f"{name}{args}",
            )
    return MethodResult(
        claims=("CONV-1", "RISK-1", "CONS-2"),
        method="z3",
        check="z3 branch equals int branch",
        passed=True,
        detail=f"{len(cases)} concrete cases agree",
        milliseconds=_ms(start),
        extra={"cases": len(cases)},
    )


# --- entry points ------------------------------------------------------------------------------


def run_z3(quick: bool, timeout_ms: int | None = None) -> list[MethodResult]:
    """Every z3 proof, one result each, plus the differential check of the two code paths."""
    budget = timeout_ms if timeout_ms is not None else DEFAULT_TIMEOUT_MS[quick]
    results = [run_proof(proof, budget) for proof in proofs(quick)]
    results.append(differential_check(40 if quick else 400))
    return results


MUTANTS: list[tuple[str, Proof]] = []


def _mutant(name: str, claims: tuple[str, ...], build: Callable[[], Obligation]) -> None:
    MUTANTS.append((name, Proof(f"mutant: {name}", claims, (), "must be refuted", build)))


def _ceil_settlement(total: Any) -> Any:
    return rounding.ceil_div(total, ONE_MILLION)


def _mean_half_toward_zero(first: Any, second: Any) -> Any:
    return rounding.trunc_div(first + second, 2)


def _floor_base_to_quote(b: Any, ar: int, p: Any, pe: int) -> Any:
    return rounding.mul_pow10(b * p, units.compute_quote_exponent(ar, pe), Rounding.FLOOR)


def _mmr_of_notional(
    q: Any, ar: int, p: Any, pe: int, imf: Any, mf: Any, oi: Any, lower: Any, upper: Any
) -> tuple[Any, Any]:
    imr, _ = margin.perpetual_margin_requirements(q, ar, p, pe, imf, mf, oi, lower, upper)
    notional = units.base_to_quote_quantums(rounding.select(q >= 0, q, -q), ar, p, pe)
    return imr, rounding.mul_ppm_ceil(notional, mf)  # wrong: mf is a fraction of the IMR, not of the notional


def _lowest(values: list[Any]) -> Any:
    return sorted(values)[0]


def _mmr_only(risk_current: Risk, risk_new: Risk) -> UpdateResult:
    return UpdateResult.SUCCESS if risk_new.mmr <= risk_current.mmr else UpdateResult.STILL_UNDERCOLLATERALIZED


_mutant("floor_div rounds up", ("CONV-1",), prove_division_bound(rounding.ceil_div, Rounding.FLOOR))
_mutant("mean rounds halves toward zero", ("CONV-1",), prove_mean(_mean_half_toward_zero))
_mutant("base_to_quote floors negatives", ("CONV-1",), prove_base_to_quote(-6, _floor_base_to_quote))
_mutant("MMR as a fraction of the notional", ("RISK-1",), prove_margin_requirements(-6, _mmr_of_notional))
_mutant("settlement rounds up", ("CONS-2",), prove_long_short_pair(_ceil_settlement))
_mutant("median reads the lowest source", ("ORACLE-1",), prove_median(3, _lowest))
_mutant("SUB-8 checks MMR only", ("SOLV-1",), prove_sub8(_mmr_only))
_mutant("withdrawal accepted on MMR only", ("SOLV-1",), prove_withdrawal(True, _mmr_only))


def mutation_sanity(timeout_ms: int = 10_000) -> list[MethodResult]:
    """
    Proofs run against deliberately wrong functions: each must FAIL with a counterexample.

    This checks the checker: a proof that cannot fail proves nothing.  A result here
    with ``passed`` True means the proof harness is broken, not the reference.
    """
    return [run_proof(proof, timeout_ms) for _, proof in MUTANTS]


def main(argv: list[str] | None = None) -> int:
    """``python -m perpspec.verify.z3_proofs [--full]``: every proof with its time, then the mutants."""
    import sys

    args = sys.argv[1:] if argv is None else argv
    quick = "--full" not in args
    start = time.perf_counter()
    results = run_z3(quick)
    for result in results:
        status = "PROVED" if result.passed else "FAILED"
        print(f"{status} {result.milliseconds:6d} ms  {result.check}  [{', '.join(result.claims)}]")
        if not result.passed:
            print(f"{'':18}{result.detail}: {result.counterexample or ''}")
    failed = [r for r in results if not r.passed]
    print(
        f"{len(results) - len(failed)} of {len(results)} proved in {time.perf_counter() - start:.1f} s "
        f"({'quick' if quick else 'full'}); slowest {max(r.milliseconds for r in results)} ms"
    )
    mutants = mutation_sanity()
    survivors = [r.check for r in mutants if r.passed]
    print(f"mutation sanity: {len(mutants) - len(survivors)} of {len(mutants)} wrong functions refuted")
    return 1 if failed or survivors else 0


if __name__ == "__main__":
    raise SystemExit(main())
