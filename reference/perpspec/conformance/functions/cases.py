"""
The machinery of the function vectors (``perpspec.conformance.functions``): one case and
one function's list of cases, inputs written as given, the reference's answer to a request
(``perpspec.catalogue.evaluate_line``, error messages dropped, TX-3), the generic cases
derived from a function's input types (CAT-2, CAT-4, CAT-5), the seeded random cases
(TX-6), and the markets and rule groups the families' cases share.

The family modules (``units``, ``subticks``, ``margin``, ``risk``, ``oracle``, ``funding``,
``requests``) import this module, never one another.
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from perpspec.catalogue import BIGINT, CATALOGUE, MAX_DIGITS, IntegerType, evaluate_line
from perpspec.conformance.format import encode_int
from perpspec.units import UINT64_MAX

_NO_EXPECTATION = object()


@dataclass
class Case:
    """One function vector: a request and, optionally, the hand-worked answer it must give."""

    name: str
    function: Any
    inputs: Any
    rules: tuple[str, ...]
    description: str
    expect: Any = _NO_EXPECTATION  # an output value, or an error code prefixed by "!"


@dataclass
class FunctionCases:
    function: str
    cases: list[Case] = field(default_factory=list)
    names: set[str] = field(default_factory=set)

    def add(
        self, name: str, description: str, rules: tuple[str, ...] = (), expect: Any = _NO_EXPECTATION, **inputs: Any
    ) -> None:
        self.add_raw(name, description, rules, inputs, expect)

    def add_raw(
        self,
        name: str,
        description: str,
        rules: tuple[str, ...],
        inputs: Any,
        expect: Any = _NO_EXPECTATION,
        function: Any = _NO_EXPECTATION,
    ) -> None:
        if name in self.names:
            raise ValueError(f"{self.function}: duplicate case name {name!r}")
        self.names.add(name)
        encoded = {k: _encode_input(v) for k, v in inputs.items()} if isinstance(inputs, dict) else inputs
        entry_rules = CATALOGUE[self.function].rules if self.function in CATALOGUE else ()
        self.cases.append(
            Case(
                name,
                self.function if function is _NO_EXPECTATION else function,
                encoded,
                merge_rules(entry_rules, rules),
                description,
                expect,
            )
        )


def merge_rules(*groups: tuple[str, ...]) -> tuple[str, ...]:
    seen: list[str] = []
    for group in groups:
        for rule in group:
            if rule not in seen:
                seen.append(rule)
    return tuple(seen)


class Raw:
    """An input value written as given (a fraction, a boolean, a string), never re-encoded."""

    def __init__(self, value: Any) -> None:
        self.value = value


def _encode_input(value: Any) -> Any:
    if isinstance(value, Raw):
        return value.value
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return encode_int(value)
    if isinstance(value, list):
        return [_encode_input(v) for v in value]
    return value


# --- expected values --------------------------------------------------------------------


def expected_answer(function: Any, inputs: Any) -> dict:
    """The reference's answer to one request, error messages dropped (TX-3)."""
    request: dict[str, Any] = {"function": function, "inputs": inputs}
    answer = evaluate_line(json.dumps(request))
    if "error" in answer:
        code = answer["error"]["code"]
        if code == "INTERNAL_ERROR":
            raise AssertionError(f"the reference failed on {request}: {answer['error']['message']}")
        return {"error": {"code": code}}
    return {"output": answer["output"]}


def case_json(case: Case) -> dict:
    expected = expected_answer(case.function, case.inputs)
    if case.expect is not _NO_EXPECTATION:
        if isinstance(case.expect, str) and case.expect.startswith("!"):
            wanted: dict = {"error": {"code": case.expect[1:]}}
        else:
            wanted = {"output": _encode_output(case.expect)}
        if expected != wanted:
            raise AssertionError(
                f"{case.function} case {case.name!r}: the reference answers {expected}, the hand-worked value is {wanted}"
            )
    return {
        "name": case.name,
        "description": case.description,
        "function": case.function,
        "inputs": case.inputs,
        "rules": list(case.rules),
        "expected": expected,
    }


def _encode_output(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return encode_int(value)
    if isinstance(value, list):
        return [_encode_output(v) for v in value]
    if isinstance(value, dict):
        return {k: _encode_output(v) for k, v in value.items()}
    return value


# --- generic cases from the input types ---------------------------------------------------

TYPE_RULES = ("CAT-2", "CAT-4")


def add_generic_cases(fc: FunctionCases, base: dict[str, Any]) -> None:
    """Ranges, encodings, and missing/extra inputs, from the entry's input types (CAT-2, CAT-4, CAT-5)."""
    entry = CATALOGUE[fc.function]
    names = [name for name, _ in entry.inputs]
    for name, kind in entry.inputs:
        if not isinstance(kind, IntegerType):
            continue
        if kind.minimum is not None:
            fc.add(
                f"{name}-at-minimum",
                f"{name} at the {kind.name} minimum {kind.minimum}",
                TYPE_RULES,
                **{**base, name: kind.minimum},
            )
            fc.add(
                f"{name}-below-minimum",
                f"{name} one below the {kind.name} minimum is OUT_OF_RANGE",
                TYPE_RULES,
                expect="!OUT_OF_RANGE",
                **{**base, name: kind.minimum - 1},
            )
        if kind.maximum is not None:
            fc.add(
                f"{name}-at-maximum",
                f"{name} at the {kind.name} maximum {kind.maximum}",
                TYPE_RULES,
                **{**base, name: kind.maximum},
            )
            fc.add(
                f"{name}-above-maximum",
                f"{name} one above the {kind.name} maximum is OUT_OF_RANGE",
                TYPE_RULES,
                expect="!OUT_OF_RANGE",
                **{**base, name: kind.maximum + 1},
            )
        if kind is BIGINT:
            fc.add(
                f"{name}-1000-digits",
                f"{name} of exactly {MAX_DIGITS} digits is accepted (CAT-4's implementation limit)",
                TYPE_RULES,
                **{**base, name: Raw("-" + "9" * MAX_DIGITS)},
            )
            fc.add(
                f"{name}-1001-digits",
                f"{name} of {MAX_DIGITS + 1} digits is OUT_OF_RANGE (CAT-4's implementation limit)",
                TYPE_RULES,
                expect="!OUT_OF_RANGE",
                **{**base, name: Raw("1" + "0" * MAX_DIGITS)},
            )
            fc.add(
                f"{name}-1000-digit-number",
                f"{name} as a JSON number of exactly {MAX_DIGITS} digits is accepted (CAT-4's implementation limit)",
                TYPE_RULES,
                **{**base, name: Raw(-(10**MAX_DIGITS - 1))},
            )
    first = names[0]
    first_kind = entry.inputs[0][1]
    if isinstance(first_kind, IntegerType):
        value = base[first]
        fc.add(
            f"{first}-as-decimal-string",
            f"{first} written as a decimal string gives the same answer as the number (CAT-2)",
            ("CAT-2",),
            **{**base, first: Raw(str(value))},
        )
        fc.add(
            f"{first}-with-leading-zeros",
            f"{first} as a decimal string with leading zeros is the same integer (CAT-2)",
            ("CAT-2",),
            **{**base, first: Raw(("-00" + str(-value)) if value < 0 else ("00" + str(value)))},
        )
        fc.add(
            f"{first}-as-negative-one-digit-string",
            f'{first} as the string "-7": a minus sign and one digit is a decimal integer (CAT-2), in range or not (CAT-4)',
            ("CAT-2", "CAT-4"),
            **{**base, first: Raw("-7")},
        )
        bad_values = [
            ("fraction", Raw(1.5), "a JSON number with a fraction"),
            ("integral-fraction", Raw(1.0), "a JSON number written 1.0 (never rounded through floating point)"),
            ("exponent", Raw(2e3), "a JSON number with an exponent"),
            ("boolean", Raw(True), "a boolean"),
            ("null", Raw(None), "null"),
            ("list", Raw([1]), "a list"),
            ("object", Raw({"value": 1}), "an object"),
            ("plus-sign", Raw("+5"), 'the string "+5" (only an optional minus sign is allowed)'),
            ("empty-string", Raw(""), "the empty string"),
            ("spaces", Raw(" 5"), "a string with a space"),
            ("hex", Raw("0x10"), "a hexadecimal string"),
            ("decimal-point-string", Raw("5.0"), 'the string "5.0"'),
            ("non-ascii-digits", Raw("\u0665"), "a non-ASCII digit"),
        ]
        for suffix, bad, text in bad_values:
            fc.add(
                f"{first}-{suffix}",
                f"{first} given as {text} is INVALID_TYPE (CAT-2)",
                ("CAT-2",),
                expect="!INVALID_TYPE",
                **{**base, first: bad},
            )
    missing = dict(base)
    del missing[names[-1]]
    fc.add_raw(
        f"missing-{names[-1]}",
        f"the input {names[-1]} is absent: MISSING_INPUT (CAT-5)",
        ("CAT-5",),
        missing,
        "!MISSING_INPUT",
    )
    fc.add_raw(
        "unexpected-input",
        "an input the function does not take: UNEXPECTED_INPUT (CAT-5)",
        ("CAT-5",),
        {**base, "extra": 1},
        "!UNEXPECTED_INPUT",
    )
    fc.add_raw("no-inputs", "an empty inputs object: MISSING_INPUT (CAT-5)", ("CAT-5",), {}, "!MISSING_INPUT")


# --- random cases ---------------------------------------------------------------------------


def _rng(function: str) -> random.Random:
    """A generator seeded from the function's name, so each file's random cases are fixed."""
    return random.Random(int.from_bytes(hashlib.sha256(function.encode()).digest()[:8], "big"))


def random_magnitude(rng: random.Random, digits_max: int = 30) -> int:
    """A non-negative integer of a random number of digits, small and huge alike."""
    kind = rng.randrange(6)
    if kind == 0:
        return rng.randrange(0, 10)
    if kind == 1:
        return rng.randrange(0, 10**6)
    if kind == 2:
        return rng.randrange(0, 2**53)
    if kind == 3:
        return rng.randrange(2**53, 2**64)
    return rng.randrange(0, 10 ** rng.randrange(1, digits_max + 1))


def random_signed(rng: random.Random, digits_max: int = 30) -> int:
    value = random_magnitude(rng, digits_max)
    return -value if rng.randrange(2) else value


def random_uint64(rng: random.Random) -> int:
    return rng.choice(
        [rng.randrange(0, 1000), rng.randrange(0, 2**32), rng.randrange(0, 2**64), UINT64_MAX - rng.randrange(0, 1000)]
    )


RANDOM_CASES = 40


def add_random_cases(fc: FunctionCases, draw: Callable[[random.Random], dict], rules: tuple[str, ...] = ()) -> None:
    rng = _rng(fc.function)
    for i in range(RANDOM_CASES):
        fc.add_raw(f"random-{i:03d}", f"seeded random case {i}", rules, draw(rng))


# --- markets and rule groups the families share ------------------------------------------------

BTC = {"atomic_resolution": -10, "price_value": 2_868_819_524, "price_exponent": -5}
ETH = {"atomic_resolution": -9, "price_value": 1_811_985_252, "price_exponent": -6}
SOL = {"atomic_resolution": -7, "price_value": 2_350_695_125, "price_exponent": -8}
TRUNC = ("ROUND-5", "ROUND-7")

# The perpetuals of v4's keeper tests (testutil/constants: BtcUsd_20PercentInitial_10PercentMaintenance,
# EthUsd_20PercentInitial_10PercentMaintenance): BTC at $50,000, ETH at $3,000, 20% initial, 10% maintenance.
BTC_PERP = {
    "perpetual_id": 0,
    "atomic_resolution": -8,
    "price_value": 5_000_000_000,
    "price_exponent": -5,
    "initial_margin_ppm": 200_000,
    "maintenance_fraction_ppm": 500_000,
}
ETH_PERP = {
    "perpetual_id": 1,
    "atomic_resolution": -9,
    "price_value": 3_000_000_000,
    "price_exponent": -6,
    "initial_margin_ppm": 200_000,
    "maintenance_fraction_ppm": 500_000,
}
