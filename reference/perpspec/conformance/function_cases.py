"""
Function vectors: cases for every catalogue function (spec/catalogue.md, CAT-1..5).

Each function gets three kinds of cases:

- hand-written ones, most with their expected value worked by hand in the comment and
  asserted here against the reference, so a reference defect stops the generator
  instead of being frozen into a vector;
- generic ones derived from the function's input types: every bounded input at its
  minimum, its maximum and one past each end (CAT-4), the input encodings of CAT-2
  (decimal strings, fractions, booleans, null, lists), and a missing and an extra
  input (CAT-5);
- seeded random ones (fixed seeds, so regeneration is byte-identical, TX-6).

Expected outputs and error codes come from ``perpspec.catalogue.evaluate_line``, the
code behind ``perpspec eval``; error messages are dropped, since vectors record codes
(TX-3).
"""

from __future__ import annotations

import hashlib
import json
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from perpspec.catalogue import BIGINT, CATALOGUE, INT32, MAX_DIGITS, UINT32, UINT64, IntegerListType, evaluate_line
from perpspec.conformance.format import encode_int
from perpspec.units import INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN, UINT32_MAX, UINT64_MAX

_NO_EXPECTATION = object()

FUNCTION_CLAIMS: dict[str, tuple[str, ...]] = {
    "base_to_quote_quantums": ("CONV-1",),
    "quote_to_base_quantums": ("CONV-1",),
    "fill_quote_quantums_from_subticks": ("CONV-1",),
    "average_price_subticks": ("CONV-1",),
    "price_to_subticks": ("CONV-1",),
    "subticks_to_price": ("CONV-1",),
    "adjusted_initial_margin_ppm": ("RISK-1",),
    "initial_margin_quote_quantums": ("RISK-1",),
    "maintenance_margin_ppm": ("RISK-1",),
    "perpetual_margin_requirements": ("RISK-1",),
    "position_net_notional_quote_quantums": ("CONV-1",),
    "is_liquidatable": (),
    "risk_compare": ("SOLV-1",),
    "median_round_half_away_from_zero": ("ORACLE-1",),
    "min_price_change_amount": (),
    "funding_settlement_ppm": ("CONS-2",),
}
"""The claims (spec/claims.md) whose functions each file's vectors pin down."""

REQUESTS_FILE = "_requests"
"""The file of request-level cases (unknown function, malformed request), not tied to one function."""


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
                _merge(entry_rules, rules),
                description,
                expect,
            )
        )


def _merge(*groups: tuple[str, ...]) -> tuple[str, ...]:
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
        if isinstance(kind, IntegerListType):
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
    if not isinstance(first_kind, IntegerListType):
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


def _magnitude(rng: random.Random, digits_max: int = 30) -> int:
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


def _signed(rng: random.Random, digits_max: int = 30) -> int:
    value = _magnitude(rng, digits_max)
    return -value if rng.randrange(2) else value


def _uint64(rng: random.Random) -> int:
    return rng.choice(
        [rng.randrange(0, 1000), rng.randrange(0, 2**32), rng.randrange(0, 2**64), UINT64_MAX - rng.randrange(0, 1000)]
    )


RANDOM_CASES = 40


def add_random_cases(fc: FunctionCases, draw: Callable[[random.Random], dict], rules: tuple[str, ...] = ()) -> None:
    rng = _rng(fc.function)
    for i in range(RANDOM_CASES):
        fc.add_raw(f"random-{i:03d}", f"seeded random case {i}", rules, draw(rng))


# --- the functions --------------------------------------------------------------------------

BTC = {"atomic_resolution": -10, "price_value": 2_868_819_524, "price_exponent": -5}
ETH = {"atomic_resolution": -9, "price_value": 1_811_985_252, "price_exponent": -6}
SOL = {"atomic_resolution": -7, "price_value": 2_350_695_125, "price_exponent": -8}
TRUNC = ("ROUND-5", "ROUND-7")


def base_to_quote_cases(fc: FunctionCases) -> None:
    base = {"base_quantums": 10**10, **BTC}
    # e = -5 - 10 + 6 = -9: 1e10 * 2868819524 / 1e9 = 28688195240
    fc.add("one-btc-at-genesis-price", "one BTC (1e10 base quantums) at $28,688.19524", TRUNC, 28_688_195_240, **base)
    fc.add(
        "one-btc-short",
        "a short is the exact negation: truncation is odd (UNITS-4)",
        TRUNC,
        -28_688_195_240,
        **{**base, "base_quantums": -(10**10)},
    )
    # 1e6 * 1811985252 / 1e9 = 1811985.252 -> 1811985
    fc.add(
        "eth-step-truncates",
        "one step of ETH: 1811985.252 truncates to 1811985",
        TRUNC,
        1_811_985,
        base_quantums=10**6,
        **ETH,
    )
    fc.add(
        "eth-step-short-truncates-toward-zero",
        "the short step: -1811985.252 truncates toward zero to -1811985, not -1811986",
        TRUNC,
        -1_811_985,
        base_quantums=-(10**6),
        **ETH,
    )
    # e = -8 - 7 + 6 = -9: 3 * 2350695125 / 1e9 = 7.05 -> 7
    fc.add("sol-three-quantums", "3 SOL base quantums: 7.052085375 -> 7", TRUNC, 7, base_quantums=3, **SOL)
    fc.add(
        "below-one-quantum-positive",
        "9 * 1 / 1e9 truncates to 0",
        TRUNC,
        0,
        base_quantums=9,
        atomic_resolution=-10,
        price_value=1,
        price_exponent=-5,
    )
    fc.add(
        "below-one-quantum-negative",
        "-9 * 1 / 1e9 truncates to 0 (floor would give -1)",
        TRUNC,
        0,
        base_quantums=-9,
        atomic_resolution=-10,
        price_value=1,
        price_exponent=-5,
    )
    fc.add(
        "negative-truncates-toward-zero",
        "-1999999999 / 1e9 = -1.999999999 truncates to -1 (floor would give -2)",
        TRUNC,
        -1,
        base_quantums=-1_999_999_999,
        atomic_resolution=-10,
        price_value=1,
        price_exponent=-5,
    )
    fc.add(
        "negative-exact-multiple",
        "-2000000000 / 1e9 = -2 exactly",
        TRUNC,
        -2,
        base_quantums=-2_000_000_000,
        atomic_resolution=-10,
        price_value=1,
        price_exponent=-5,
    )
    fc.add(
        "exponent-minus-one",
        "e = -1: 15 * 1 / 10 = 1.5 -> 1",
        TRUNC,
        1,
        base_quantums=15,
        atomic_resolution=-7,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "exponent-minus-one-negative",
        "e = -1: -15 / 10 = -1.5 -> -1",
        TRUNC,
        -1,
        base_quantums=-15,
        atomic_resolution=-7,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "exponent-zero",
        "e = 0: exact product 7 * 11",
        (),
        77,
        base_quantums=7,
        atomic_resolution=-6,
        price_value=11,
        price_exponent=0,
    )
    fc.add(
        "exponent-plus-one",
        "e = +1: 7 * 11 * 10",
        (),
        770,
        base_quantums=7,
        atomic_resolution=-5,
        price_value=11,
        price_exponent=0,
    )
    fc.add(
        "exponent-plus-six",
        "e = 0 + 0 + 6: 3 * 7 * 1e6",
        (),
        21_000_000,
        base_quantums=3,
        atomic_resolution=0,
        price_value=7,
        price_exponent=0,
    )
    fc.add(
        "exponent-positive-negative-base",
        "e = +2 with a negative amount is exact",
        (),
        -1_234_500,
        base_quantums=-12_345,
        atomic_resolution=-4,
        price_value=1,
        price_exponent=0,
    )
    fc.add("zero-base", "zero base quantums are worth 0", (), 0, **{**base, "base_quantums": 0})
    fc.add("zero-price", "a zero price values everything at 0", (), 0, **{**base, "price_value": 0})
    fc.add(
        "beyond-2-64",
        "an amount beyond 2^64 times the largest price",
        TRUNC,
        (10**30 * UINT64_MAX) // 10**9,
        base_quantums=10**30,
        atomic_resolution=-10,
        price_value=UINT64_MAX,
        price_exponent=-5,
    )
    fc.add(
        "beyond-2-64-negative",
        "the same amount short truncates toward zero",
        TRUNC,
        -((10**30 * UINT64_MAX) // 10**9),
        base_quantums=-(10**30),
        atomic_resolution=-10,
        price_value=UINT64_MAX,
        price_exponent=-5,
    )
    fc.add(
        "result-just-above-2-53",
        "a result of 2^53 + 1 is a decimal string (CAT-3)",
        ("CAT-3",),
        2**53 + 1,
        base_quantums=2**53 + 1,
        atomic_resolution=-6,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "result-exactly-2-53",
        "a result of exactly 2^53 is still a JSON number (CAT-3)",
        ("CAT-3",),
        2**53,
        base_quantums=2**53,
        atomic_resolution=-6,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "power-of-ten-at-limit",
        "e = 4096 is the largest power of ten built (CAT-4)",
        ("CAT-4",),
        10**4096,
        base_quantums=1,
        atomic_resolution=4090,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "power-of-ten-over-limit",
        "e = 4097 is LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        base_quantums=1,
        atomic_resolution=4091,
        price_value=1,
        price_exponent=0,
    )
    # Results of more than 1,000 digits; one beyond the 4,300 digits Python's int() reads by default.
    fc.add(
        "output-of-4000-digits-negative",
        "a 1,000-digit amount times 10^3000: 4,000 digits, exact (CAT-3)",
        ("CAT-3",),
        -(10**1000 - 1) * 10**3000,
        base_quantums=-(10**1000 - 1),
        atomic_resolution=2994,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "output-of-4000-digits-positive",
        "(10^999 + 7) * 3 * 10^3000: the zeros inside the digits are kept (CAT-3)",
        ("CAT-3",),
        (10**999 + 7) * 3 * 10**3000,
        base_quantums=10**999 + 7,
        atomic_resolution=2994,
        price_value=3,
        price_exponent=0,
    )
    fc.add(
        "output-of-5000-digits",
        "(10^999 + 7) * 10^4000: 5,000 digits, beyond what some parsers read by default (CAT-3)",
        ("CAT-3",),
        (10**999 + 7) * 10**4000,
        base_quantums=10**999 + 7,
        atomic_resolution=3994,
        price_value=1,
        price_exponent=0,
    )
    # Lengths at which a reader that splits long decimals into 1,000-digit chunks must place its chunks exactly:
    # 4,400 digits (a head of 400, then four whole chunks) and 5,116 (a head of 116, then five).
    fc.add(
        "output-of-4400-digits",
        "(10^999 + 7) * 10^3400: 4,400 digits (CAT-3)",
        ("CAT-3",),
        (10**999 + 7) * 10**3400,
        base_quantums=10**999 + 7,
        atomic_resolution=3394,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "output-of-5116-digits",
        "(10^1000 - 1) * (2^64 - 1) * 10^4096: 5,116 digits, the longest output of this function (CAT-3, CAT-4)",
        ("CAT-3", "CAT-4"),
        (10**1000 - 1) * UINT64_MAX * 10**4096,
        base_quantums=10**1000 - 1,
        atomic_resolution=4090,
        price_value=UINT64_MAX,
        price_exponent=0,
    )
    fc.add(
        "zero-amount-huge-exponent",
        "0 times any power is 0, even 10^(2^31) (CAT-4, ROUND-7)",
        ("CAT-4", "ROUND-7"),
        0,
        base_quantums=0,
        atomic_resolution=2_147_483_647,
        price_value=5,
        price_exponent=-7,
    )
    fc.add(
        "power-over-limit-zero-amount",
        "e = 4097 with a zero amount needs no power: 0 (CAT-4)",
        ("CAT-4",),
        0,
        base_quantums=0,
        atomic_resolution=4091,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "power-over-limit-zero-price",
        "e = 4097 with a zero price needs no power: 0 (CAT-4)",
        ("CAT-4",),
        0,
        base_quantums=5,
        atomic_resolution=4091,
        price_value=0,
        price_exponent=0,
    )
    fc.add(
        "power-over-limit-coprime-bits",
        "e = 4097 with amount 1 and price 2: the product is not zero, LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        base_quantums=1,
        atomic_resolution=4091,
        price_value=2,
        price_exponent=0,
    )
    fc.add(
        "power-over-limit-negative-amount",
        "e = 4097 with a negative amount is LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        base_quantums=-1,
        atomic_resolution=4091,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "huge-negative-exponent",
        "e = -2^32 + 6: a division by a power longer than the value is 0 without building it (ROUND-7)",
        TRUNC,
        0,
        base_quantums=-(10**40),
        atomic_resolution=INT32_MIN,
        price_value=UINT64_MAX,
        price_exponent=INT32_MIN,
    )
    fc.add(
        "division-by-power-longer-than-value",
        "e = -50 with a 40-digit value truncates to 0",
        TRUNC,
        0,
        base_quantums=-(10**39),
        atomic_resolution=-56,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "division-by-power-as-long-as-value",
        "e = -40 with -10^40: exactly -1",
        TRUNC,
        -1,
        base_quantums=-(10**40),
        atomic_resolution=-46,
        price_value=1,
        price_exponent=0,
    )
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: {
            "base_quantums": encode_int(_signed(r)),
            "atomic_resolution": r.randrange(-15, 5),
            "price_value": encode_int(_uint64(r)),
            "price_exponent": r.randrange(-15, 5),
        },
        TRUNC,
    )


def quote_to_base_cases(fc: FunctionCases) -> None:
    base = {"quote_quantums": 28_688_195_240, **BTC}
    # e = -9: 28688195240 * 1e9 / 2868819524 = 1e10 exactly
    fc.add("one-btc-of-quote", "the quote value of one BTC buys exactly one BTC", TRUNC, 10**10, **base)
    fc.add(
        "one-btc-of-quote-negative",
        "negative quote converts to the negated base",
        TRUNC,
        -(10**10),
        **{**base, "quote_quantums": -28_688_195_240},
    )
    # 1 * 1e9 / 2868819524 = 0.348... -> 0
    fc.add(
        "one-quote-quantum-of-btc",
        "one quote quantum buys 0.348 base quantums -> 0",
        TRUNC,
        0,
        **{**base, "quote_quantums": 1},
    )
    # 1e6 quote quantums (1 USDC) * 1e9 / 2868819524 = 348575.43... -> 348575
    fc.add(
        "one-usdc-of-btc",
        "one USDC buys 348575.43 base quantums -> 348575",
        TRUNC,
        348_575,
        **{**base, "quote_quantums": 10**6},
    )
    fc.add(
        "one-usdc-of-btc-negative",
        "-1 USDC: -348575.43 truncates toward zero to -348575",
        TRUNC,
        -348_575,
        **{**base, "quote_quantums": -(10**6)},
    )
    fc.add(
        "exponent-zero-truncates",
        "e = 0: -1 / 3 truncates to 0 (floor would give -1)",
        TRUNC,
        0,
        quote_quantums=-1,
        atomic_resolution=-6,
        price_value=3,
        price_exponent=0,
    )
    fc.add(
        "exponent-zero-negative",
        "e = 0: -7 / 3 = -2.33 -> -2",
        TRUNC,
        -2,
        quote_quantums=-7,
        atomic_resolution=-6,
        price_value=3,
        price_exponent=0,
    )
    fc.add(
        "exponent-positive-two-truncations",
        "e = +3: trunc(trunc(-1999 / 1000) / 1) = -1",
        TRUNC,
        -1,
        quote_quantums=-1999,
        atomic_resolution=-3,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "exponent-positive-two-truncations-price",
        "e = +1: trunc(trunc(-59 / 10) / 2) = trunc(-5 / 2) = -2",
        TRUNC,
        -2,
        quote_quantums=-59,
        atomic_resolution=-5,
        price_value=2,
        price_exponent=0,
    )
    fc.add(
        "exponent-minus-one",
        "e = -1: 7 * 10 / 3 = 23.33 -> 23",
        TRUNC,
        23,
        quote_quantums=7,
        atomic_resolution=-7,
        price_value=3,
        price_exponent=0,
    )
    fc.add(
        "zero-price",
        "a zero price is INVALID_ARGUMENT: the protocol divides by it (CAT-4)",
        ("CAT-4",),
        "!INVALID_ARGUMENT",
        **{**base, "price_value": 0},
    )
    fc.add(
        "zero-price-zero-quote",
        "a zero price is INVALID_ARGUMENT even for zero quote (CAT-4)",
        ("CAT-4",),
        "!INVALID_ARGUMENT",
        **{**base, "price_value": 0, "quote_quantums": 0},
    )
    fc.add("zero-quote", "zero quote quantums buy nothing", (), 0, **{**base, "quote_quantums": 0})
    fc.add(
        "beyond-2-64",
        "a quote amount beyond 2^64",
        TRUNC,
        (10**40 * 10**9) // 2_868_819_524,
        **{**base, "quote_quantums": 10**40},
    )
    fc.add(
        "beyond-2-64-negative",
        "the same amount negative truncates toward zero",
        TRUNC,
        -((10**40 * 10**9) // 2_868_819_524),
        **{**base, "quote_quantums": -(10**40)},
    )
    fc.add(
        "power-of-ten-at-limit",
        "-e = 4096 is the largest power built (CAT-4)",
        ("CAT-4",),
        10**4096,
        quote_quantums=1,
        atomic_resolution=-4102,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "power-of-ten-over-limit",
        "-e = 4097 is LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        quote_quantums=1,
        atomic_resolution=-4103,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "zero-amount-huge-exponent",
        "0 times any power is 0 (CAT-4, ROUND-7)",
        ("CAT-4", "ROUND-7"),
        0,
        quote_quantums=0,
        atomic_resolution=-2_147_483_648,
        price_value=5,
        price_exponent=0,
    )
    fc.add(
        "power-over-limit-zero-quote",
        "-e = 4097 with zero quote needs no power: 0 (CAT-4)",
        ("CAT-4",),
        0,
        quote_quantums=0,
        atomic_resolution=-4103,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "power-over-limit-negative-quote",
        "-e = 4097 with a negative quote is LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        quote_quantums=-1,
        atomic_resolution=-4103,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "huge-positive-exponent",
        "e = 2^32 + 4: the quote divided by a power longer than itself is 0 (ROUND-7)",
        TRUNC,
        0,
        quote_quantums=-(10**50),
        atomic_resolution=INT32_MAX,
        price_value=1,
        price_exponent=INT32_MAX,
    )
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: {
            "quote_quantums": encode_int(_signed(r)),
            "atomic_resolution": r.randrange(-15, 5),
            "price_value": encode_int(max(1, _uint64(r))),
            "price_exponent": r.randrange(-15, 5),
        },
        TRUNC,
    )


def fill_quote_cases(fc: FunctionCases) -> None:
    base = {"subticks": 2_868_800_000, "base_quantums": 10**10, "quantum_conversion_exponent": -9}
    fc.add(
        "one-btc-at-subticks",
        "1e10 base quantums at 2868800000 subticks, qce -9: 28688000000",
        ("ROUND-3",),
        28_688_000_000,
        **base,
    )
    fc.add(
        "fraction-floors",
        "7 subticks * 3 base * 10^-1 = 2.1 -> 2",
        ("ROUND-3", "ROUND-7"),
        2,
        subticks=7,
        base_quantums=3,
        quantum_conversion_exponent=-1,
    )
    fc.add(
        "just-below-one",
        "999999999 * 1 * 10^-9 -> 0: a fill may be worth 0 quote quantums",
        ("ROUND-3", "ROUND-7"),
        0,
        subticks=999_999_999,
        base_quantums=1,
        quantum_conversion_exponent=-9,
    )
    fc.add(
        "exactly-one",
        "1000000000 * 1 * 10^-9 = 1",
        ("ROUND-3",),
        1,
        subticks=10**9,
        base_quantums=1,
        quantum_conversion_exponent=-9,
    )
    fc.add("qce-zero", "qce 0: the exact product", (), 21, subticks=7, base_quantums=3, quantum_conversion_exponent=0)
    fc.add("qce-positive", "qce +2: 7 * 3 * 100", (), 2100, subticks=7, base_quantums=3, quantum_conversion_exponent=2)
    fc.add(
        "zero-subticks",
        "a zero price is worth 0",
        (),
        0,
        subticks=0,
        base_quantums=10**10,
        quantum_conversion_exponent=-9,
    )
    fc.add(
        "zero-base", "a zero size is worth 0", (), 0, subticks=10**9, base_quantums=0, quantum_conversion_exponent=-9
    )
    fc.add(
        "largest-inputs",
        "uint64 max squared times 10^-9, beyond 2^64",
        ("ROUND-3", "ROUND-7"),
        (UINT64_MAX * UINT64_MAX) // 10**9,
        subticks=UINT64_MAX,
        base_quantums=UINT64_MAX,
        quantum_conversion_exponent=-9,
    )
    fc.add(
        "power-of-ten-at-limit",
        "qce 4096 is the largest power built (CAT-4)",
        ("CAT-4",),
        10**4096,
        subticks=1,
        base_quantums=1,
        quantum_conversion_exponent=4096,
    )
    fc.add(
        "power-of-ten-over-limit",
        "qce 4097 is LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        subticks=1,
        base_quantums=1,
        quantum_conversion_exponent=4097,
    )
    fc.add(
        "power-over-limit-zero",
        "qce 4097 with a zero size needs no power: 0 (CAT-4)",
        ("CAT-4",),
        0,
        subticks=1,
        base_quantums=0,
        quantum_conversion_exponent=4097,
    )
    fc.add(
        "power-over-limit-zero-subticks",
        "qce 4097 with zero subticks needs no power: 0 (CAT-4)",
        ("CAT-4",),
        0,
        subticks=0,
        base_quantums=7,
        quantum_conversion_exponent=4097,
    )
    fc.add(
        "power-over-limit-coprime-bits",
        "qce 4097 with subticks 1 and size 2: the product is not zero, LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        subticks=1,
        base_quantums=2,
        quantum_conversion_exponent=4097,
    )
    fc.add(
        "qce-int32-minimum",
        "qce -2^31: 0 without building the power (ROUND-7)",
        ("ROUND-7",),
        0,
        subticks=UINT64_MAX,
        base_quantums=UINT64_MAX,
        quantum_conversion_exponent=INT32_MIN,
    )
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: {
            "subticks": encode_int(_uint64(r)),
            "base_quantums": encode_int(_uint64(r)),
            "quantum_conversion_exponent": r.randrange(-20, 6),
        },
        ("ROUND-3", "ROUND-7"),
    )


def average_price_cases(fc: FunctionCases) -> None:
    base = {"quote_quantums": 10, "base_quantums": 4, "quantum_conversion_exponent": -1}
    fc.add("whole", "10 * 10 / 4 = 25", (), [25, 1], **base)
    fc.add(
        "qce-positive",
        "qce +1: 10 / (4 * 10) = 1/4",
        (),
        [1, 4],
        quote_quantums=10,
        base_quantums=4,
        quantum_conversion_exponent=1,
    )
    fc.add(
        "qce-zero-reduces",
        "qce 0: 6/4 reduces to 3/2",
        (),
        [3, 2],
        quote_quantums=6,
        base_quantums=4,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "negative-base",
        "a negative base makes the numerator negative: the denominator stays positive (CAT-3)",
        ("CAT-3",),
        [-5, 2],
        quote_quantums=10,
        base_quantums=-4,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "both-negative",
        "-10 / -4 = 5/2",
        (),
        [5, 2],
        quote_quantums=-10,
        base_quantums=-4,
        quantum_conversion_exponent=0,
    )
    fc.add("zero-quote", "0 / b = 0/1", (), [0, 1], quote_quantums=0, base_quantums=7, quantum_conversion_exponent=0)
    fc.add(
        "btc-fill",
        "28688000000 quote for 1e10 base at qce -9: 2868800000 subticks",
        (),
        [2_868_800_000, 1],
        quote_quantums=28_688_000_000,
        base_quantums=10**10,
        quantum_conversion_exponent=-9,
    )
    fc.add(
        "zero-base",
        "a zero base is INVALID_ARGUMENT (CAT-4)",
        ("CAT-4",),
        "!INVALID_ARGUMENT",
        quote_quantums=10,
        base_quantums=0,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "zero-base-over-limit",
        "zero base is reported before the power limit (CAT-4)",
        ("CAT-4",),
        "!INVALID_ARGUMENT",
        quote_quantums=10,
        base_quantums=0,
        quantum_conversion_exponent=5000,
    )
    fc.add(
        "huge-components",
        "numerator and denominator beyond 2^53 are decimal strings (CAT-3)",
        ("CAT-3",),
        [10**30 + 1, 3 * 10**20 + 7],
        quote_quantums=10**30 + 1,
        base_quantums=3 * 10**20 + 7,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "power-at-limit",
        "|qce| = 4096 (CAT-4)",
        ("CAT-4",),
        [1, 10**4096],
        quote_quantums=1,
        base_quantums=1,
        quantum_conversion_exponent=4096,
    )
    fc.add(
        "power-over-limit-positive",
        "qce 4097 is LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        quote_quantums=1,
        base_quantums=1,
        quantum_conversion_exponent=4097,
    )
    fc.add(
        "power-over-limit-negative",
        "qce -4097 is LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        quote_quantums=1,
        base_quantums=1,
        quantum_conversion_exponent=-4097,
    )
    fc.add(
        "power-over-limit-zero-quote",
        "a zero quote with qce -4097: the exact rational is still built with 10^4097, LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        quote_quantums=0,
        base_quantums=1,
        quantum_conversion_exponent=-4097,
    )
    fc.add(
        "power-over-limit-zero-quote-positive",
        "a zero quote with qce 4097: LIMIT_EXCEEDED likewise (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        quote_quantums=0,
        base_quantums=1,
        quantum_conversion_exponent=4097,
    )
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: {
            "quote_quantums": encode_int(_signed(r)),
            "base_quantums": encode_int(_signed(r) or 1),
            "quantum_conversion_exponent": r.randrange(-20, 20),
        },
    )


def price_to_subticks_cases(fc: FunctionCases) -> None:
    base = {
        "price_value": 2_868_819_524,
        "price_exponent": -5,
        "base_atomic_resolution": -10,
        "quote_atomic_resolution": -6,
        "quantum_conversion_exponent": -9,
    }
    # exponent = -5 - (-9) + (-10) - (-6) = 0
    fc.add("btc-genesis", "BTC: exponent -5 + 9 - 10 + 6 = 0, so subticks = price", (), [2_868_819_524, 1], **base)
    fc.add(
        "exponent-negative",
        "exponent -3: 2868819524 / 1000 = 717204881/250",
        (),
        [717_204_881, 250],
        **{**base, "quantum_conversion_exponent": -6},
    )
    fc.add(
        "exponent-positive",
        "exponent +3: price * 1000",
        (),
        [2_868_819_524_000, 1],
        **{**base, "quantum_conversion_exponent": -12},
    )
    fc.add("zero-price", "zero price is 0/1", (), [0, 1], **{**base, "price_value": 0})
    fc.add(
        "largest-price-scaled",
        "uint64 max * 10^20 is a decimal string (CAT-3)",
        ("CAT-3",),
        [UINT64_MAX * 10**20, 1],
        **{**base, "price_value": UINT64_MAX, "quantum_conversion_exponent": -29},
    )
    fc.add(
        "power-at-limit",
        "exponent 4096 (CAT-4)",
        ("CAT-4",),
        [10**4096, 1],
        price_value=1,
        price_exponent=4096,
        base_atomic_resolution=0,
        quote_atomic_resolution=0,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "power-over-limit",
        "exponent 4097 is LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        price_value=1,
        price_exponent=4097,
        base_atomic_resolution=0,
        quote_atomic_resolution=0,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "zero-price-huge-exponent",
        "a zero price is 0/1 whatever the positive power (CAT-4)",
        ("CAT-4",),
        [0, 1],
        price_value=0,
        price_exponent=2_147_483_647,
        base_atomic_resolution=0,
        quote_atomic_resolution=0,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "power-over-limit-zero-price",
        "exponent 4097 with a zero price needs no power: 0/1 (CAT-4)",
        ("CAT-4",),
        [0, 1],
        price_value=0,
        price_exponent=4097,
        base_atomic_resolution=0,
        quote_atomic_resolution=0,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "power-under-limit-negative",
        "exponent -4097: the exact rational needs 10^4097 (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        price_value=1,
        price_exponent=-4097,
        base_atomic_resolution=0,
        quote_atomic_resolution=0,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "power-under-limit-zero-price",
        "exponent -4097 with a zero price: the denominator 10^4097 is still needed, LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        price_value=0,
        price_exponent=-4097,
        base_atomic_resolution=0,
        quote_atomic_resolution=0,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "power-under-limit-at-limit",
        "exponent -4096: p / 10^4096 reduced",
        ("CAT-4",),
        [1, 10**4096],
        price_value=1,
        price_exponent=-4096,
        base_atomic_resolution=0,
        quote_atomic_resolution=0,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "quote-resolution-varies",
        "a quote atomic resolution other than -6: exponent -5 + 9 - 10 + 8 = 2",
        (),
        [286_881_952_400, 1],
        **{**base, "quote_atomic_resolution": -8},
    )
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: {
            "price_value": encode_int(_uint64(r)),
            "price_exponent": r.randrange(-12, 4),
            "base_atomic_resolution": r.randrange(-12, 4),
            "quote_atomic_resolution": r.choice([-6, -6, -6, r.randrange(-10, 2)]),
            "quantum_conversion_exponent": r.randrange(-12, 4),
        },
    )


def subticks_to_price_cases(fc: FunctionCases) -> None:
    base = {
        "subticks": 2_868_819_524,
        "price_exponent": -5,
        "base_atomic_resolution": -10,
        "quote_atomic_resolution": -6,
        "quantum_conversion_exponent": -9,
    }
    fc.add("btc-genesis", "BTC: exponent 0, price = subticks", (), 2_868_819_524, **base)
    # exponent -3 (qce -6): price = subticks * 10^3
    fc.add(
        "exponent-negative-multiplies",
        "exponent -3: price = subticks * 1000",
        (),
        2_868_819_524_000,
        **{**base, "quantum_conversion_exponent": -6},
    )
    # exponent +3 (qce -12): floor(2868819524 / 1000) = 2868819
    fc.add(
        "exponent-positive-floors",
        "exponent +3: floor(2868819524 / 1000) = 2868819",
        ("ROUND-3", "ROUND-7"),
        2_868_819,
        **{**base, "quantum_conversion_exponent": -12},
    )
    fc.add(
        "below-one",
        "exponent +3: floor(999 / 1000) = 0",
        ("ROUND-3", "ROUND-7"),
        0,
        **{**base, "subticks": 999, "quantum_conversion_exponent": -12},
    )
    fc.add(
        "fits-uint64",
        "floor(uint64 max / 10) * 10 fits",
        ("CAT-4",),
        (UINT64_MAX // 10) * 10,
        **{**base, "subticks": UINT64_MAX // 10, "quantum_conversion_exponent": -8},
    )
    fc.add(
        "result-overflows-uint64",
        "uint64 max * 10 is RESULT_OUT_OF_RANGE (Go panics) (CAT-4)",
        ("CAT-4",),
        "!RESULT_OUT_OF_RANGE",
        **{**base, "subticks": UINT64_MAX, "quantum_conversion_exponent": -8},
    )
    fc.add(
        "result-overflows-by-one",
        "(uint64 max // 10 + 1) * 10 is RESULT_OUT_OF_RANGE (CAT-4)",
        ("CAT-4",),
        "!RESULT_OUT_OF_RANGE",
        **{**base, "subticks": UINT64_MAX // 10 + 1, "quantum_conversion_exponent": -8},
    )
    fc.add("zero-subticks", "zero subticks are price 0", (), 0, **{**base, "subticks": 0})
    fc.add(
        "power-over-limit",
        "a multiplication by 10^4097 is LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        subticks=1,
        price_exponent=-4097,
        base_atomic_resolution=0,
        quote_atomic_resolution=0,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "power-over-limit-zero",
        "zero subticks need no power: 0 (CAT-4)",
        ("CAT-4",),
        0,
        subticks=0,
        price_exponent=-4097,
        base_atomic_resolution=0,
        quote_atomic_resolution=0,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "power-at-limit-overflows",
        "10^4096 does not fit a uint64 (CAT-4)",
        ("CAT-4",),
        "!RESULT_OUT_OF_RANGE",
        subticks=1,
        price_exponent=-4096,
        base_atomic_resolution=0,
        quote_atomic_resolution=0,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "huge-division",
        "a division by 10^(2^31) is 0 without the power (ROUND-7)",
        ("ROUND-7",),
        0,
        subticks=UINT64_MAX,
        price_exponent=INT32_MAX,
        base_atomic_resolution=0,
        quote_atomic_resolution=0,
        quantum_conversion_exponent=0,
    )
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: {
            "subticks": encode_int(_uint64(r)),
            "price_exponent": r.randrange(-12, 4),
            "base_atomic_resolution": r.randrange(-12, 4),
            "quote_atomic_resolution": r.choice([-6, -6, -6, r.randrange(-10, 2)]),
            "quantum_conversion_exponent": r.randrange(-12, 4),
        },
        ("ROUND-3", "ROUND-7"),
    )


SMALL_CAP = {"open_interest_lower_cap": 20_000_000_000_000, "open_interest_upper_cap": 50_000_000_000_000}


def adjusted_imf_cases(fc: FunctionCases) -> None:
    base = {"initial_margin_ppm": 100_000, **SMALL_CAP, "open_interest_notional": 35_000_000_000_000}
    # 100000 + floor(900000 * 15e12 / 30e12) = 100000 + 450000
    fc.add(
        "halfway-between-caps", "halfway between the caps: 100000 + 900000/2 = 550000", ("ROUND-3",), 550_000, **base
    )
    fc.add(
        "at-lower-cap",
        "at the lower cap: the tier's fraction",
        (),
        100_000,
        **{**base, "open_interest_notional": SMALL_CAP["open_interest_lower_cap"]},
    )
    fc.add(
        "one-above-lower-cap",
        "one quantum above the lower cap: floor(900000 / 3e13) = 0 more",
        ("ROUND-3",),
        100_000,
        **{**base, "open_interest_notional": SMALL_CAP["open_interest_lower_cap"] + 1},
    )
    fc.add(
        "at-upper-cap",
        "at the upper cap: 100%",
        (),
        1_000_000,
        **{**base, "open_interest_notional": SMALL_CAP["open_interest_upper_cap"]},
    )
    fc.add(
        "one-below-upper-cap",
        "one below the upper cap: 100000 + floor(900000 * (3e13 - 1) / 3e13) = 999999",
        ("ROUND-3",),
        999_999,
        **{**base, "open_interest_notional": SMALL_CAP["open_interest_upper_cap"] - 1},
    )
    fc.add("above-upper-cap", "above the upper cap: 100%", (), 1_000_000, **{**base, "open_interest_notional": 10**20})
    fc.add(
        "negative-open-interest",
        "a negative notional is below the lower cap",
        (),
        100_000,
        **{**base, "open_interest_notional": -(10**20)},
    )
    fc.add(
        "scaling-off",
        "upper cap 0 turns scaling off",
        (),
        20_000,
        initial_margin_ppm=20_000,
        open_interest_lower_cap=0,
        open_interest_upper_cap=0,
        open_interest_notional=10**20,
    )
    fc.add(
        "lower-above-upper",
        "lower > upper is not an error: oi above the lower cap is above the upper, 100%",
        ("CAT-4",),
        1_000_000,
        initial_margin_ppm=100_000,
        open_interest_lower_cap=10,
        open_interest_upper_cap=5,
        open_interest_notional=11,
    )
    fc.add(
        "lower-above-upper-below-both",
        "lower > upper with oi below both: the tier's fraction",
        ("CAT-4",),
        100_000,
        initial_margin_ppm=100_000,
        open_interest_lower_cap=10,
        open_interest_upper_cap=5,
        open_interest_notional=3,
    )
    fc.add(
        "lower-equals-upper",
        "lower = upper: oi at the cap is the tier's fraction, one above is 100%",
        (),
        1_000_000,
        initial_margin_ppm=100_000,
        open_interest_lower_cap=10,
        open_interest_upper_cap=10,
        open_interest_notional=11,
    )
    fc.add(
        "lower-equals-upper-at-cap",
        "lower = upper = oi: at the lower cap, the tier's fraction",
        (),
        100_000,
        initial_margin_ppm=100_000,
        open_interest_lower_cap=10,
        open_interest_upper_cap=10,
        open_interest_notional=10,
    )
    fc.add(
        "lower-above-upper-at-lower",
        "lower > upper with oi at the lower cap: the tier's fraction",
        ("CAT-4",),
        100_000,
        initial_margin_ppm=100_000,
        open_interest_lower_cap=10,
        open_interest_upper_cap=5,
        open_interest_notional=10,
    )
    fc.add(
        "imf-above-100-percent-scaled",
        "an IMF above 100% between the caps is INVALID_ARGUMENT (Go panics) (CAT-4)",
        ("CAT-4",),
        "!INVALID_ARGUMENT",
        **{**base, "initial_margin_ppm": 1_000_001},
    )
    fc.add(
        "imf-above-100-percent-below-caps",
        "an IMF above 100% below the lower cap is returned as is (CAT-4)",
        ("CAT-4",),
        2_000_000,
        **{**base, "initial_margin_ppm": 2_000_000, "open_interest_notional": 0},
    )
    fc.add(
        "imf-above-100-percent-above-caps",
        "an IMF above 100% at the upper cap gives 100% (CAT-4)",
        ("CAT-4",),
        1_000_000,
        **{**base, "initial_margin_ppm": 2_000_000, "open_interest_notional": SMALL_CAP["open_interest_upper_cap"]},
    )
    fc.add(
        "imf-above-100-percent-at-lower-cap",
        "an IMF above 100% exactly at the lower cap is returned as is, no error (CAT-4)",
        ("CAT-4",),
        2_000_000,
        **{**base, "initial_margin_ppm": 2_000_000, "open_interest_notional": SMALL_CAP["open_interest_lower_cap"]},
    )
    fc.add(
        "imf-above-100-percent-beyond-caps",
        "an IMF above 100% above the upper cap gives 100%, no error (CAT-4)",
        ("CAT-4",),
        1_000_000,
        **{**base, "initial_margin_ppm": 2_000_000, "open_interest_notional": SMALL_CAP["open_interest_upper_cap"] + 1},
    )
    fc.add(
        "imf-above-100-percent-lower-above-upper",
        "an IMF above 100% with lower > upper and oi above the lower cap: 100%, no error (CAT-4)",
        ("CAT-4",),
        1_000_000,
        initial_margin_ppm=2_000_000,
        open_interest_lower_cap=10,
        open_interest_upper_cap=5,
        open_interest_notional=11,
    )
    fc.add(
        "imf-above-100-percent-scaling-off",
        "an IMF above 100% with scaling off is returned as is (CAT-4)",
        ("CAT-4",),
        UINT32_MAX,
        initial_margin_ppm=UINT32_MAX,
        open_interest_lower_cap=0,
        open_interest_upper_cap=0,
        open_interest_notional=5,
    )
    fc.add(
        "imf-100-percent-scaled",
        "an IMF of exactly 100% scales to 100%",
        (),
        1_000_000,
        **{**base, "initial_margin_ppm": 1_000_000},
    )
    fc.add(
        "imf-zero-scaled",
        "IMF 0 between caps: floor(1e6 * 1 / 3) = 333333",
        ("ROUND-3",),
        333_333,
        initial_margin_ppm=0,
        open_interest_lower_cap=0,
        open_interest_upper_cap=3,
        open_interest_notional=1,
    )
    add_generic_cases(fc, base)

    def draw(r: random.Random) -> dict:
        lower = r.randrange(0, 10**14)
        upper = r.choice([0, lower + r.randrange(1, 10**14), r.randrange(0, 10**14)])
        return {
            "initial_margin_ppm": r.randrange(0, 1_000_001),
            "open_interest_lower_cap": lower,
            "open_interest_upper_cap": upper,
            "open_interest_notional": encode_int(r.randrange(-(10**13), 2 * 10**14)),
        }

    add_random_cases(fc, draw, ("ROUND-3",))


def initial_margin_cases(fc: FunctionCases) -> None:
    base = {
        "notional_quote_quantums": 28_688_195_240,
        "initial_margin_ppm": 20_000,
        "open_interest_lower_cap": 0,
        "open_interest_upper_cap": 0,
        "open_interest_notional": 0,
    }
    # ceil(28688195240 * 0.02) = ceil(573763904.8) = 573763905
    fc.add(
        "one-btc-large-cap", "one BTC at 2%: ceil(573763904.8) = 573763905", ("ROUND-4", "ROUND-6"), 573_763_905, **base
    )
    fc.add(
        "exact",
        "an exact product is not rounded up",
        ("ROUND-6",),
        20_000,
        **{**base, "notional_quote_quantums": 1_000_000},
    )
    fc.add(
        "one-quantum",
        "one quote quantum at 2%: ceil(0.02) = 1",
        ("ROUND-4", "ROUND-6"),
        1,
        **{**base, "notional_quote_quantums": 1},
    )
    fc.add(
        "negative-notional-ceils-up",
        "a negative notional rounds toward +inf: ceil(-0.02) = 0",
        ("ROUND-4", "ROUND-6"),
        0,
        **{**base, "notional_quote_quantums": -1},
    )
    fc.add(
        "negative-notional",
        "ceil(-573763904.8) = -573763904",
        ("ROUND-4", "ROUND-6"),
        -573_763_904,
        **{**base, "notional_quote_quantums": -28_688_195_240},
    )
    fc.add("zero-notional", "zero notional needs no margin", (), 0, **{**base, "notional_quote_quantums": 0})
    fc.add(
        "scaled-between-caps",
        "small-cap halfway between caps: 55% of 1e6 = 550000",
        ("MARGIN-1",),
        550_000,
        notional_quote_quantums=1_000_000,
        initial_margin_ppm=100_000,
        open_interest_notional=35_000_000_000_000,
        **SMALL_CAP,
    )
    fc.add(
        "scaled-above-caps",
        "above the upper cap: 100% of the notional",
        ("MARGIN-1",),
        123_456_789,
        notional_quote_quantums=123_456_789,
        initial_margin_ppm=100_000,
        open_interest_notional=60_000_000_000_000,
        **SMALL_CAP,
    )
    fc.add(
        "imf-above-100-percent-scaled",
        "an IMF above 100% between the caps is INVALID_ARGUMENT (CAT-4)",
        ("CAT-4",),
        "!INVALID_ARGUMENT",
        notional_quote_quantums=1,
        initial_margin_ppm=1_500_000,
        open_interest_notional=35_000_000_000_000,
        **SMALL_CAP,
    )
    fc.add(
        "imf-above-100-percent-beyond-caps",
        "an IMF above 100% above the upper cap: 100% of the notional, no error (CAT-4)",
        ("CAT-4",),
        10,
        notional_quote_quantums=10,
        initial_margin_ppm=1_500_000,
        open_interest_notional=50_000_000_000_001,
        **SMALL_CAP,
    )
    fc.add(
        "imf-above-100-percent-unscaled",
        "an IMF above 100% with scaling off is applied as is: 150% of 10",
        ("CAT-4",),
        15,
        notional_quote_quantums=10,
        initial_margin_ppm=1_500_000,
        open_interest_lower_cap=0,
        open_interest_upper_cap=0,
        open_interest_notional=0,
    )
    fc.add(
        "huge-notional",
        "a notional beyond 2^64 at 2%",
        ("ROUND-6",),
        2 * 10**38,
        **{**base, "notional_quote_quantums": 10**40},
    )
    add_generic_cases(fc, base)

    def draw(r: random.Random) -> dict:
        lower = r.randrange(0, 10**14)
        return {
            "notional_quote_quantums": encode_int(_signed(r, 25)),
            "initial_margin_ppm": r.randrange(0, 1_000_001),
            "open_interest_lower_cap": lower,
            "open_interest_upper_cap": r.choice([0, lower + r.randrange(1, 10**14)]),
            "open_interest_notional": encode_int(r.randrange(0, 2 * 10**14)),
        }

    add_random_cases(fc, draw, ("ROUND-4", "ROUND-6"))


def maintenance_margin_ppm_cases(fc: FunctionCases) -> None:
    base = {"initial_margin_ppm": 20_000, "maintenance_fraction_ppm": 600_000}
    fc.add("large-cap", "2% * 60% = 1.2% = 12000 ppm", ("ROUND-6",), 12_000, **base)
    fc.add(
        "floors",
        "floor(333 * 500000 / 1e6) = floor(166.5) = 166",
        ("ROUND-3", "ROUND-6"),
        166,
        initial_margin_ppm=333,
        maintenance_fraction_ppm=500_000,
    )
    fc.add(
        "fraction-100-percent",
        "a maintenance fraction of 100% gives the IMF",
        (),
        20_000,
        initial_margin_ppm=20_000,
        maintenance_fraction_ppm=1_000_000,
    )
    fc.add(
        "fraction-above-100-percent",
        "a maintenance fraction above 100% is OUT_OF_RANGE (Go panics) (CAT-4)",
        ("CAT-4",),
        "!OUT_OF_RANGE",
        initial_margin_ppm=20_000,
        maintenance_fraction_ppm=1_000_001,
    )
    fc.add(
        "imf-above-100-percent",
        "an IMF above 100% is allowed here (uint32)",
        ("CAT-4",),
        (UINT32_MAX * 999_999) // 10**6,
        initial_margin_ppm=UINT32_MAX,
        maintenance_fraction_ppm=999_999,
    )
    fc.add("zero-fraction", "a zero maintenance fraction", (), 0, initial_margin_ppm=20_000, maintenance_fraction_ppm=0)
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: {
            "initial_margin_ppm": r.randrange(0, 1_000_001),
            "maintenance_fraction_ppm": r.randrange(0, 1_000_001),
        },
        ("ROUND-6",),
    )


def margin_requirements_cases(fc: FunctionCases) -> None:
    base = {
        "position_quantums": 10**10,
        **BTC,
        "initial_margin_ppm": 20_000,
        "maintenance_fraction_ppm": 600_000,
        "open_interest_base_quantums": 10**10,
        "open_interest_lower_cap": 0,
        "open_interest_upper_cap": 0,
    }
    # notional 28688195240; IMR = ceil(573763904.8) = 573763905; MMR = ceil(573763905 * 0.6) = 344258343
    fc.add(
        "one-btc-long",
        "one BTC long: IMR 573763905, MMR ceil(573763905 * 0.6) = 344258343",
        ("ROUND-4", "ROUND-6"),
        {"imr": 573_763_905, "mmr": 344_258_343},
        **base,
    )
    fc.add(
        "one-btc-short",
        "a short needs the same margin as a long",
        ("ROUND-4", "ROUND-6"),
        {"imr": 573_763_905, "mmr": 344_258_343},
        **{**base, "position_quantums": -(10**10)},
    )
    fc.add("zero-position", "no position needs no margin", (), {"imr": 0, "mmr": 0}, **{**base, "position_quantums": 0})
    fc.add(
        "zero-price", "a zero price values the position at 0", (), {"imr": 0, "mmr": 0}, **{**base, "price_value": 0}
    )
    # notional of 1 ETH step: 1811985 (truncated); base IMR ceil(36239.7) = 36240; MMR ceil(21744) = 21744
    fc.add(
        "eth-step",
        "one ETH step: notional 1811985, IMR ceil(36239.7) = 36240, MMR ceil(21744.0) = 21744",
        ("ROUND-4", "ROUND-6"),
        {"imr": 36_240, "mmr": 21_744},
        position_quantums=10**6,
        **ETH,
        initial_margin_ppm=20_000,
        maintenance_fraction_ppm=600_000,
        open_interest_base_quantums=10**6,
        open_interest_lower_cap=0,
        open_interest_upper_cap=0,
    )
    # MMR is the fraction of the ceiled unscaled IMR: notional 1: base IMR ceil(0.1) = 1; MMR ceil(0.5) = 1
    fc.add(
        "ceil-of-ceil",
        "notional 1 at 10%/50%: base IMR ceil(0.1) = 1, MMR ceil(0.5) = 1 (MARGIN-3)",
        ("ROUND-4",),
        {"imr": 1, "mmr": 1},
        position_quantums=1,
        atomic_resolution=-6,
        price_value=1,
        price_exponent=0,
        initial_margin_ppm=100_000,
        maintenance_fraction_ppm=500_000,
        open_interest_base_quantums=1,
        open_interest_lower_cap=0,
        open_interest_upper_cap=0,
    )
    # a short of one quantum: notional |-1| * 1 * 10^6 = 1e6; IMR 10% = 100000, MMR ceil(100000 * 50%) = 50000
    fc.add(
        "short-of-one-quantum",
        "a short of one quantum needs the same margin as a long of one (MARGIN-2, MARGIN-3)",
        (),
        {"imr": 100_000, "mmr": 50_000},
        position_quantums=-1,
        atomic_resolution=0,
        price_value=1,
        price_exponent=0,
        initial_margin_ppm=100_000,
        maintenance_fraction_ppm=500_000,
        open_interest_base_quantums=0,
        open_interest_lower_cap=0,
        open_interest_upper_cap=0,
    )
    # SOL: open interest between the caps raises IMR but not MMR
    sol_oi = 14_889_000_000_000  # base quantums: about 35e12 quote quantums (35M USDC) at the genesis price
    fc.add(
        "sol-open-interest-scaled",
        "SOL with open interest between the small-cap caps: IMR scaled, MMR not (MARGIN-1, MARGIN-3)",
        ("MARGIN-1",),
        position_quantums=10**9,
        **SOL,
        initial_margin_ppm=100_000,
        maintenance_fraction_ppm=500_000,
        open_interest_base_quantums=sol_oi,
        **SMALL_CAP,
    )
    fc.add(
        "sol-open-interest-above-cap",
        "SOL with open interest above the upper cap: IMR is the whole notional",
        ("MARGIN-1",),
        position_quantums=-(10**9),
        **SOL,
        initial_margin_ppm=100_000,
        maintenance_fraction_ppm=500_000,
        open_interest_base_quantums=10**20,
        **SMALL_CAP,
    )
    fc.add(
        "mf-above-100-percent",
        "a maintenance fraction above 100% is applied as is here (Go does not panic)",
        ("CAT-4",),
        {"imr": 573_763_905, "mmr": 1_147_527_810},
        **{**base, "maintenance_fraction_ppm": 2_000_000},
    )
    fc.add(
        "imf-above-100-percent-scaled",
        "an IMF above 100% with open interest between the caps is INVALID_ARGUMENT (CAT-4)",
        ("CAT-4",),
        "!INVALID_ARGUMENT",
        position_quantums=10**9,
        **SOL,
        initial_margin_ppm=1_000_001,
        maintenance_fraction_ppm=500_000,
        open_interest_base_quantums=sol_oi,
        **SMALL_CAP,
    )
    fc.add(
        "power-over-limit",
        "e = 4097 is LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        **{**base, "atomic_resolution": 4091, "price_exponent": 0},
    )
    fc.add(
        "power-over-limit-zero-price",
        "e = 4097 with a zero price needs no power (CAT-4)",
        ("CAT-4",),
        {"imr": 0, "mmr": 0},
        **{**base, "atomic_resolution": 4091, "price_exponent": 0, "price_value": 0},
    )
    fc.add(
        "power-over-limit-zero-position-and-oi",
        "e = 4097 with no position and no open interest (CAT-4)",
        ("CAT-4",),
        {"imr": 0, "mmr": 0},
        **{
            **base,
            "atomic_resolution": 4091,
            "price_exponent": 0,
            "position_quantums": 0,
            "open_interest_base_quantums": 0,
        },
    )
    fc.add(
        "power-over-limit-zero-position-only",
        "e = 4097 with open interest but no position still needs the power (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        **{**base, "atomic_resolution": 4091, "price_exponent": 0, "position_quantums": 0},
    )
    fc.add(
        "power-over-limit-position-only",
        "e = 4097 with a position but no open interest needs the power (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        **{
            **base,
            "atomic_resolution": 4091,
            "price_exponent": 0,
            "position_quantums": 1,
            "open_interest_base_quantums": 0,
        },
    )
    fc.add(
        "power-over-limit-short-only",
        "e = 4097 with a short position and no open interest needs the power (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        **{
            **base,
            "atomic_resolution": 4091,
            "price_exponent": 0,
            "position_quantums": -1,
            "open_interest_base_quantums": 0,
        },
    )
    fc.add(
        "power-over-limit-negative-open-interest-only",
        "e = 4097 with a negative open interest and no position needs the power (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        **{
            **base,
            "atomic_resolution": 4091,
            "price_exponent": 0,
            "position_quantums": 0,
            "open_interest_base_quantums": -1,
        },
    )
    fc.add(
        "huge-position", "a position beyond 2^64", ("ROUND-4", "ROUND-6"), **{**base, "position_quantums": -(10**30)}
    )
    add_generic_cases(fc, base)

    def draw(r: random.Random) -> dict:
        lower = r.randrange(0, 10**14)
        return {
            "position_quantums": encode_int(_signed(r, 22)),
            "atomic_resolution": r.randrange(-12, 0),
            "price_value": encode_int(_uint64(r)),
            "price_exponent": r.randrange(-10, 0),
            "initial_margin_ppm": r.randrange(0, 1_000_001),
            "maintenance_fraction_ppm": r.randrange(0, 1_000_001),
            "open_interest_base_quantums": encode_int(_magnitude(r, 22)),
            "open_interest_lower_cap": lower,
            "open_interest_upper_cap": r.choice([0, lower + r.randrange(1, 10**14)]),
        }

    add_random_cases(fc, draw, ("ROUND-4", "ROUND-6", "MARGIN-1"))


def net_notional_cases(fc: FunctionCases) -> None:
    base = {"position_quantums": 10**10, **BTC}
    fc.add("one-btc-long", "one BTC long is worth 28688195240", TRUNC, 28_688_195_240, **base)
    fc.add(
        "one-btc-short",
        "one BTC short is worth -28688195240",
        TRUNC,
        -28_688_195_240,
        **{**base, "position_quantums": -(10**10)},
    )
    fc.add(
        "eth-step-short",
        "one ETH step short: -1811985.252 -> -1811985",
        TRUNC,
        -1_811_985,
        position_quantums=-(10**6),
        **ETH,
    )
    fc.add(
        "tiny-short",
        "a short worth -0.999999999 of a quantum is 0, not -1",
        TRUNC,
        0,
        **{**BTC, "position_quantums": -1, "price_value": 999_999_999},
    )
    fc.add("zero-price", "a zero price values a position at 0", (), 0, **{**base, "price_value": 0})
    fc.add(
        "power-over-limit",
        "e = 4097 is LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        position_quantums=1,
        atomic_resolution=4091,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "power-over-limit-zero-price",
        "e = 4097 with a zero price needs no power: 0 (CAT-4)",
        ("CAT-4",),
        0,
        position_quantums=5,
        atomic_resolution=4091,
        price_value=0,
        price_exponent=0,
    )
    fc.add(
        "power-over-limit-zero-position",
        "e = 4097 with no position needs no power: 0 (CAT-4)",
        ("CAT-4",),
        0,
        position_quantums=0,
        atomic_resolution=4091,
        price_value=5,
        price_exponent=0,
    )
    fc.add(
        "power-over-limit-coprime-bits",
        "e = 4097 with position 1 and price 2 is LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        position_quantums=1,
        atomic_resolution=4091,
        price_value=2,
        price_exponent=0,
    )
    fc.add(
        "power-over-limit-short",
        "e = 4097 with a short position is LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        position_quantums=-1,
        atomic_resolution=4091,
        price_value=1,
        price_exponent=0,
    )
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: {
            "position_quantums": encode_int(_signed(r)),
            "atomic_resolution": r.randrange(-15, 3),
            "price_value": encode_int(_uint64(r)),
            "price_exponent": r.randrange(-15, 3),
        },
        TRUNC,
    )


def is_liquidatable_cases(fc: FunctionCases) -> None:
    base = {"net_collateral": 99, "maintenance_margin_requirement": 100}
    fc.add("below-mmr", "NC 99 < MMR 100", (), True, **base)
    fc.add("at-mmr", "NC = MMR is not liquidatable", (), False, net_collateral=100, maintenance_margin_requirement=100)
    fc.add("above-mmr", "NC above MMR", (), False, net_collateral=101, maintenance_margin_requirement=100)
    fc.add(
        "no-requirement-negative-nc",
        "MMR 0 is never liquidatable, even with negative NC (MARGIN-6)",
        (),
        False,
        net_collateral=-(10**30),
        maintenance_margin_requirement=0,
    )
    fc.add(
        "negative-nc", "negative NC with a positive MMR", (), True, net_collateral=-1, maintenance_margin_requirement=1
    )
    fc.add(
        "negative-mmr",
        "a negative MMR is not positive: not liquidatable",
        (),
        False,
        net_collateral=-5,
        maintenance_margin_requirement=-1,
    )
    fc.add(
        "huge",
        "beyond 2^64: NC one below MMR",
        (),
        True,
        net_collateral=10**40 - 1,
        maintenance_margin_requirement=10**40,
    )
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: (
            lambda m: {
                "net_collateral": encode_int(m + r.randrange(-3, 4) if r.randrange(2) else _signed(r)),
                "maintenance_margin_requirement": encode_int(m),
            }
        )(_signed(r)),
    )


def risk_compare_cases(fc: FunctionCases) -> None:
    base = {"first_nc": 100, "first_mmr": 10, "second_nc": 200, "second_mmr": 10}
    fc.add("lower-ratio-riskier", "10x vs 20x: the first is riskier", (), 1, **base)
    fc.add(
        "higher-ratio-safer",
        "20x vs 10x: the first is safer",
        (),
        -1,
        first_nc=200,
        first_mmr=10,
        second_nc=100,
        second_mmr=10,
    )
    fc.add(
        "same-ratio-larger-mmr-riskier",
        "equal ratios: the larger MMR is riskier",
        (),
        1,
        first_nc=200,
        first_mmr=20,
        second_nc=100,
        second_mmr=10,
    )
    fc.add(
        "same-ratio-smaller-mmr-safer",
        "equal ratios: the smaller MMR is safer",
        (),
        -1,
        first_nc=100,
        first_mmr=10,
        second_nc=200,
        second_mmr=20,
    )
    fc.add(
        "identical",
        "identical accounts are equally risky",
        (),
        0,
        first_nc=100,
        first_mmr=10,
        second_nc=100,
        second_mmr=10,
    )
    fc.add(
        "both-mmr-zero-less-nc-riskier",
        "no margin on either side: less NC is riskier",
        (),
        1,
        first_nc=-5,
        first_mmr=0,
        second_nc=3,
        second_mmr=0,
    )
    fc.add(
        "both-mmr-zero-equal",
        "no margin and equal NC: equally risky",
        (),
        0,
        first_nc=7,
        first_mmr=0,
        second_nc=7,
        second_mmr=0,
    )
    fc.add(
        "both-mmr-zero-more-nc-safer",
        "no margin: more NC is safer",
        (),
        -1,
        first_nc=8,
        first_mmr=0,
        second_nc=7,
        second_mmr=0,
    )
    fc.add(
        "one-mmr-zero",
        "first has MMR 0 with positive NC: nc2*0 - nc1*mmr2 < 0, so safer",
        (),
        -1,
        first_nc=5,
        first_mmr=0,
        second_nc=100,
        second_mmr=10,
    )
    fc.add(
        "one-mmr-zero-negative-nc",
        "first has MMR 0 with negative NC: 0 - (-5 * 10) > 0, riskier",
        (),
        1,
        first_nc=-5,
        first_mmr=0,
        second_nc=100,
        second_mmr=10,
    )
    fc.add(
        "first-no-margin-no-nc",
        "first has MMR 0 and NC 0: the ratios tie (0 = 0), and the larger MMR, the second's, is riskier: -1",
        (),
        -1,
        first_nc=0,
        first_mmr=0,
        second_nc=5,
        second_mmr=10,
    )
    fc.add(
        "second-no-margin-no-nc",
        "second has MMR 0 and NC 0: the ratios tie, and the first's larger MMR is riskier: 1",
        (),
        1,
        first_nc=5,
        first_mmr=10,
        second_nc=0,
        second_mmr=0,
    )
    fc.add(
        "cross-products-differ-by-one",
        "NC2 * MMR1 - NC1 * MMR2 = 1 * 1 - 0 * 1 = 1: the first is riskier",
        (),
        1,
        first_nc=0,
        first_mmr=1,
        second_nc=1,
        second_mmr=1,
    )
    fc.add(
        "first-negative-mmr-tie",
        "NC 0 on both sides, MMRs -5 and 0: the ratios tie and the larger MMR, the second's, is riskier: -1",
        (),
        -1,
        first_nc=0,
        first_mmr=-5,
        second_nc=0,
        second_mmr=0,
    )
    fc.add(
        "second-negative-mmr-tie",
        "NC 0 on both sides, MMRs 0 and -5: the ratios tie and the first's larger MMR is riskier: 1",
        (),
        1,
        first_nc=0,
        first_mmr=0,
        second_nc=0,
        second_mmr=-5,
    )
    fc.add(
        "zero-nc-ties-on-mmr",
        "both NC 0: ratios tie, the larger MMR is riskier",
        (),
        -1,
        first_nc=0,
        first_mmr=5,
        second_nc=0,
        second_mmr=10,
    )
    fc.add(
        "negative-nc-both",
        "negative NC on both: -10/10 vs -5/10, the first is riskier",
        (),
        1,
        first_nc=-10,
        first_mmr=10,
        second_nc=-5,
        second_mmr=10,
    )
    fc.add(
        "huge",
        "cross products beyond 2^128",
        (),
        -1,
        first_nc=10**40 + 1,
        first_mmr=10**30,
        second_nc=10**40,
        second_mmr=10**30,
    )
    add_generic_cases(fc, base)

    def draw(r: random.Random) -> dict:
        mmr1, mmr2 = r.choice([0, r.randrange(0, 10**12)]), r.choice([0, r.randrange(0, 10**12)])
        nc1 = _signed(r, 20)
        nc2 = nc1 if r.randrange(4) == 0 else _signed(r, 20)
        return {"first_nc": encode_int(nc1), "first_mmr": mmr1, "second_nc": encode_int(nc2), "second_mmr": mmr2}

    add_random_cases(fc, draw)


def median_cases(fc: FunctionCases) -> None:
    r9 = ("ROUND-9",)
    fc.add("single", "one value is its own median", (), 7, values=[7])
    fc.add("odd", "odd length: the middle of the sorted list", (), 5, values=[9, 1, 5])
    fc.add("odd-unsorted-duplicates", "duplicates count", (), 3, values=[3, 3, 1, 9, 3])
    fc.add("even-whole", "even length, whole mean: (4 + 6) / 2", r9, 5, values=[6, 2, 4, 8])
    fc.add("even-half-positive", "(2 + 5) / 2 = 3.5 rounds away from zero to 4", r9, 4, values=[5, 2])
    fc.add("even-half-negative", "(-2 + -5) / 2 = -3.5 rounds away from zero to -4", r9, -4, values=[-5, -2])
    fc.add("even-mixed-signs-negative-half", "(-3 + 2) / 2 = -0.5 rounds away from zero to -1", r9, -1, values=[2, -3])
    fc.add("even-mixed-signs-positive-half", "(-2 + 3) / 2 = 0.5 rounds away from zero to 1", r9, 1, values=[-2, 3])
    fc.add("even-mixed-signs-zero", "(-1 + 1) / 2 = 0", r9, 0, values=[1, -1])
    fc.add("even-mixed-signs-whole", "(-7 + 3) / 2 = -2", r9, -2, values=[3, -7, 100, -100])
    fc.add("even-mixed-signs-four", "sorted [-9, -4, 1, 8]: (-4 + 1) / 2 = -1.5 -> -2", r9, -2, values=[8, 1, -9, -4])
    fc.add(
        "three-sources-one-wrong",
        "three sources, one wildly wrong: the median is an honest one (PRICE-8)",
        ("PRICE-8",),
        2_868_900_000,
        values=[2_868_900_000, 2_868_800_000, UINT64_MAX],
    )
    fc.add(
        "int64-extremes",
        "int64 minimum and maximum: (-2^63 + 2^63 - 1) / 2 = -0.5 -> -1",
        r9,
        -1,
        values=[INT64_MIN, INT64_MAX],
    )
    fc.add(
        "int64-minimum-pair",
        "(-2^63 + -2^63 + 1) / 2 = -2^63 + 0.5 -> -2^63 (no overflow)",
        r9,
        INT64_MIN,
        values=[INT64_MIN, INT64_MIN + 1],
    )
    fc.add(
        "uint64-beyond-int64",
        "all values fit uint64: (2^64 - 1 + 2^64 - 2) / 2 -> 2^64 - 1 (no overflow)",
        r9,
        UINT64_MAX,
        values=[UINT64_MAX, UINT64_MAX - 1],
    )
    fc.add(
        "uint64-and-zero",
        "uint64 values with zero: (0 + 2^64 - 1) / 2 rounds half up",
        r9,
        2**63,
        values=[0, UINT64_MAX],
    )
    fc.add(
        "int64-and-uint64-mixed",
        "-1 and 2^63 fit neither int64 nor uint64 together: OUT_OF_RANGE (CAT-4)",
        ("CAT-4",),
        "!OUT_OF_RANGE",
        values=[-1, 2**63],
    )
    fc.add(
        "beyond-uint64",
        "2^64 fits no Go integer type: OUT_OF_RANGE (CAT-4)",
        ("CAT-4",),
        "!OUT_OF_RANGE",
        values=[1, 2**64],
    )
    fc.add(
        "below-int64",
        "-2^63 - 1 fits no Go integer type: OUT_OF_RANGE (CAT-4)",
        ("CAT-4",),
        "!OUT_OF_RANGE",
        values=[INT64_MIN - 1],
    )
    fc.add("empty", "an empty list has no median: INVALID_ARGUMENT (CAT-4)", ("CAT-4",), "!INVALID_ARGUMENT", values=[])
    fc.add("not-a-list", "a number where a list belongs: INVALID_TYPE (CAT-2)", ("CAT-2",), "!INVALID_TYPE", values=5)
    fc.add(
        "string-not-a-list",
        "a string where a list belongs: INVALID_TYPE (CAT-2)",
        ("CAT-2",),
        "!INVALID_TYPE",
        values="1,2",
    )
    fc.add(
        "element-fraction",
        "a fraction in the list: INVALID_TYPE (CAT-2)",
        ("CAT-2",),
        "!INVALID_TYPE",
        values=[1, Raw(2.5)],
    )
    fc.add(
        "element-boolean",
        "a boolean in the list: INVALID_TYPE (CAT-2)",
        ("CAT-2",),
        "!INVALID_TYPE",
        values=[Raw(True), 1],
    )
    fc.add("element-null", "null in the list: INVALID_TYPE (CAT-2)", ("CAT-2",), "!INVALID_TYPE", values=[1, Raw(None)])
    fc.add("element-decimal-strings", "decimal strings in the list (CAT-2)", ("CAT-2",), 6, values=[Raw("5"), Raw("7")])
    fc.add(
        "element-1001-digits",
        "a 1001-digit value: OUT_OF_RANGE (CAT-4)",
        ("CAT-4",),
        "!OUT_OF_RANGE",
        values=[Raw("1" + "0" * MAX_DIGITS)],
    )
    fc.add_raw("missing-values", "the input values is absent: MISSING_INPUT (CAT-5)", ("CAT-5",), {}, "!MISSING_INPUT")
    fc.add_raw(
        "unexpected-input",
        "an input the function does not take: UNEXPECTED_INPUT (CAT-5)",
        ("CAT-5",),
        {"values": [1], "extra": 1},
        "!UNEXPECTED_INPUT",
    )

    def draw(r: random.Random) -> dict:
        length = r.randrange(1, 12)
        if r.randrange(3) == 0:
            values = [r.randrange(0, 2**64) for _ in range(length)]
        else:
            values = [r.randrange(-(10 ** r.randrange(1, 19)), 10 ** r.randrange(1, 19)) for _ in range(length)]
        return {"values": [encode_int(v) for v in values]}

    add_random_cases(fc, draw, r9)


def min_price_change_cases(fc: FunctionCases) -> None:
    base = {"current_price": 2_868_819_524, "min_price_change_ppm": 1_000}
    # floor(2868819524 * 1000 / 1e6) = floor(2868819.524) = 2868819
    fc.add("btc-genesis", "BTC: floor(2868819.524) = 2868819", ("ROUND-3", "ROUND-6"), 2_868_819, **base)
    fc.add(
        "sol-genesis",
        "SOL: floor(2350695125 * 2500 / 1e6) = floor(5876737.8125) = 5876737",
        ("ROUND-3", "ROUND-6"),
        5_876_737,
        current_price=2_350_695_125,
        min_price_change_ppm=2_500,
    )
    fc.add("zero-price", "no price yet: any change is enough", (), 0, current_price=0, min_price_change_ppm=1_000)
    fc.add(
        "small-price-floors-to-zero",
        "floor(999 * 1000 / 1e6) = 0",
        ("ROUND-3",),
        0,
        current_price=999,
        min_price_change_ppm=1_000,
    )
    fc.add("exact", "1000 * 1000 / 1e6 = 1", (), 1, current_price=1_000, min_price_change_ppm=1_000)
    fc.add(
        "largest-fitting",
        "uint64 max at 100%: uint64 max",
        ("CAT-4",),
        UINT64_MAX,
        current_price=UINT64_MAX,
        min_price_change_ppm=1_000_000,
    )
    fc.add(
        "result-overflows",
        "uint64 max at 100.0001% does not fit a uint64: RESULT_OUT_OF_RANGE (CAT-4)",
        ("CAT-4",),
        "!RESULT_OUT_OF_RANGE",
        current_price=UINT64_MAX,
        min_price_change_ppm=1_000_001,
    )
    fc.add(
        "result-overflows-max-ppm",
        "uint64 max at uint32 max ppm: RESULT_OUT_OF_RANGE (CAT-4)",
        ("CAT-4",),
        "!RESULT_OUT_OF_RANGE",
        current_price=UINT64_MAX,
        min_price_change_ppm=UINT32_MAX,
    )
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: {
            "current_price": encode_int(_uint64(r)),
            "min_price_change_ppm": r.choice([r.randrange(1, 10_000), r.randrange(0, 2_000_000)]),
        },
        ("ROUND-3", "ROUND-6"),
    )


def funding_cases(fc: FunctionCases) -> None:
    base = {"perpetual_funding_index": 1_000, "position_funding_index": 400, "position_quantums": 10**6}
    fc.add(
        "long-pays-when-index-rises",
        "a long pays: -(1000 - 400) * 1e6",
        (),
        {"net_settlement_ppm": -600_000_000, "new_funding_index": 1_000},
        **base,
    )
    fc.add(
        "short-receives-when-index-rises",
        "a short receives: -(600) * -1e6",
        (),
        {"net_settlement_ppm": 600_000_000, "new_funding_index": 1_000},
        **{**base, "position_quantums": -(10**6)},
    )
    fc.add(
        "long-receives-when-index-falls",
        "the index fell: a long receives",
        (),
        {"net_settlement_ppm": 600_000_000, "new_funding_index": -200},
        perpetual_funding_index=-200,
        position_funding_index=400,
        position_quantums=10**6,
    )
    fc.add(
        "index-unchanged",
        "no index change, no settlement",
        (),
        {"net_settlement_ppm": 0, "new_funding_index": 400},
        perpetual_funding_index=400,
        position_funding_index=400,
        position_quantums=10**6,
    )
    fc.add(
        "zero-position",
        "a zero position settles nothing",
        (),
        {"net_settlement_ppm": 0, "new_funding_index": 1_000},
        **{**base, "position_quantums": 0},
    )
    fc.add(
        "huge",
        "indexes and sizes beyond 2^64",
        (),
        {"net_settlement_ppm": -(10**30 - 1) * 10**25, "new_funding_index": 10**30},
        perpetual_funding_index=10**30,
        position_funding_index=1,
        position_quantums=10**25,
    )
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: {
            "perpetual_funding_index": encode_int(_signed(r, 22)),
            "position_funding_index": encode_int(_signed(r, 22)),
            "position_quantums": encode_int(_signed(r, 22)),
        },
    )


def request_cases(fc: FunctionCases) -> None:
    """Request-level answers that belong to no single function (CAT-1, CAT-5)."""
    inputs = {"net_collateral": 1, "maintenance_margin_requirement": 2}
    fc.add_raw(
        "unknown-function",
        "a name the catalogue does not have: UNKNOWN_FUNCTION (CAT-5)",
        ("CAT-1", "CAT-5"),
        inputs,
        "!UNKNOWN_FUNCTION",
        function="no_such_function",
    )
    fc.add_raw(
        "names-are-case-sensitive",
        "names are exact: Is_Liquidatable is UNKNOWN_FUNCTION (CAT-1)",
        ("CAT-1", "CAT-5"),
        inputs,
        "!UNKNOWN_FUNCTION",
        function="Is_Liquidatable",
    )
    fc.add_raw(
        "empty-function-name",
        "the empty name: UNKNOWN_FUNCTION (CAT-5)",
        ("CAT-5",),
        inputs,
        "!UNKNOWN_FUNCTION",
        function="",
    )
    fc.add_raw(
        "function-not-a-string",
        "a function name that is not a string: MALFORMED_REQUEST (CAT-5)",
        ("CAT-5",),
        inputs,
        "!MALFORMED_REQUEST",
        function=5,
    )
    fc.add_raw(
        "function-null",
        "a null function name: MALFORMED_REQUEST (CAT-5)",
        ("CAT-5",),
        inputs,
        "!MALFORMED_REQUEST",
        function=None,
    )
    fc.add_raw(
        "inputs-a-list",
        "inputs that are a list: MALFORMED_REQUEST (CAT-5)",
        ("CAT-5",),
        [1, 2],
        "!MALFORMED_REQUEST",
        function="is_liquidatable",
    )
    fc.add_raw(
        "inputs-null",
        "inputs that are null: MALFORMED_REQUEST (CAT-5)",
        ("CAT-5",),
        None,
        "!MALFORMED_REQUEST",
        function="is_liquidatable",
    )
    fc.add_raw(
        "inputs-a-string",
        "inputs that are a string: MALFORMED_REQUEST (CAT-5)",
        ("CAT-5",),
        "{}",
        "!MALFORMED_REQUEST",
        function="is_liquidatable",
    )


BUILDERS: dict[str, Callable[[FunctionCases], None]] = {
    "base_to_quote_quantums": base_to_quote_cases,
    "quote_to_base_quantums": quote_to_base_cases,
    "fill_quote_quantums_from_subticks": fill_quote_cases,
    "average_price_subticks": average_price_cases,
    "price_to_subticks": price_to_subticks_cases,
    "subticks_to_price": subticks_to_price_cases,
    "adjusted_initial_margin_ppm": adjusted_imf_cases,
    "initial_margin_quote_quantums": initial_margin_cases,
    "maintenance_margin_ppm": maintenance_margin_ppm_cases,
    "perpetual_margin_requirements": margin_requirements_cases,
    "position_net_notional_quote_quantums": net_notional_cases,
    "is_liquidatable": is_liquidatable_cases,
    "risk_compare": risk_compare_cases,
    "median_round_half_away_from_zero": median_cases,
    "min_price_change_amount": min_price_change_cases,
    "funding_settlement_ppm": funding_cases,
}


def build_function_documents() -> dict[str, dict]:
    """Every function file's document, keyed by file stem (CAT-1: one file per catalogue function)."""
    missing = sorted(set(CATALOGUE) - set(BUILDERS))
    if missing:
        raise AssertionError(f"catalogue functions without vectors: {', '.join(missing)}")
    documents: dict[str, dict] = {}
    for name, entry in CATALOGUE.items():
        fc = FunctionCases(name)
        BUILDERS[name](fc)
        documents[name] = {
            "suite": "functions",
            "name": name,
            "function": name,
            "description": f"Cases of the catalogue function {name} (spec/catalogue.md, CAT-1).",
            "inputs": [{"name": n, "type": _type_name(k)} for n, k in entry.inputs],
            "rules": list(_merge(entry.rules, ("CAT-1", "CAT-2", "CAT-3", "CAT-4", "CAT-5"))),
            "claims": list(FUNCTION_CLAIMS.get(name, ())),
            "cases": [case_json(c) for c in fc.cases],
        }
    fc = FunctionCases(REQUESTS_FILE)
    request_cases(fc)
    documents[REQUESTS_FILE] = {
        "suite": "functions",
        "name": REQUESTS_FILE,
        "function": None,
        "description": "Request-level answers of the catalogue: unknown functions and malformed requests (CAT-1, CAT-5).",
        "inputs": [],
        "rules": ["CAT-1", "CAT-5"],
        "claims": [],
        "cases": [case_json(c) for c in fc.cases],
    }
    return documents


def _type_name(kind: Any) -> str:
    if isinstance(kind, IntegerListType):
        return "int64[] | uint64[]"
    return {id(BIGINT): "integer", id(UINT64): "uint64", id(UINT32): "uint32", id(INT32): "int32"}[id(kind)]


__all__ = ["FUNCTION_CLAIMS", "REQUESTS_FILE", "build_function_documents", "expected_answer"]
