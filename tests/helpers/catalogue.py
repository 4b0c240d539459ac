"""
Evaluating catalogue requests (spec/catalogue.md): a line through ``evaluate_line`` (CAT-5),
and a request through ``evaluate_request`` with its output decoded, checking the encoding on
the way (CAT-3).
"""

from __future__ import annotations

import json
import math
from fractions import Fraction

from perpspec.catalogue import evaluate_line, evaluate_request


def evaluate(function: str, **inputs) -> dict:
    """The answer to one request line naming ``function`` with ``inputs``."""
    return evaluate_line(json.dumps({"function": function, "inputs": inputs}))


def output(function: str, **inputs):
    """The output of a request that must succeed."""
    result = evaluate(function, **inputs)
    assert "output" in result, result
    return result["output"]


def error_code(line: str) -> str:
    """The error code of a line that must fail."""
    result = evaluate_line(line)
    assert "error" in result, result
    return result["error"]["code"]


SAFE_INTEGER = 2**53


def wire(value):
    """An input as a client sends it: a JSON number, or a decimal string beyond 2^53."""
    if isinstance(value, list):
        return [wire(v) for v in value]
    if isinstance(value, dict):
        return {key: wire(item) for key, item in value.items()}
    if isinstance(value, (bool, str)):
        return value
    return value if abs(value) <= SAFE_INTEGER else str(value)


def decode(value):
    """A catalogue output back to Python, checking its encoding on the way (CAT-3)."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        assert abs(value) <= SAFE_INTEGER
        return value
    if isinstance(value, str) and not value.lstrip("-").isdigit():
        return value  # a name: an update result (SUB-8)
    if isinstance(value, str):
        number = int(value)
        assert str(number) == value and abs(number) > SAFE_INTEGER
        return number
    if isinstance(value, list) and all(isinstance(item, bool) for item in value):
        return list(value)  # a pair of flags (DEL-1)
    if isinstance(value, list) and all(isinstance(item, dict) for item in value):
        return [decode(item) for item in value]  # a list of positions (DEL-3)
    if isinstance(value, list):
        numerator, denominator = map(decode, value)
        assert denominator > 0 and math.gcd(numerator, denominator) == 1
        return Fraction(numerator, denominator)
    assert isinstance(value, dict)
    return {key: decode(item) for key, item in value.items()}


def catalogue_output(function: str, **inputs):
    """Evaluate through ``evaluate_request`` and decode; the output must be JSON-serialisable."""
    output = evaluate_request({"function": function, "inputs": {k: wire(v) for k, v in inputs.items()}})
    json.dumps(output)
    return decode(output)


def catalogue_list_output(function: str, **inputs):
    """Evaluate a function whose output is a list of integers (``remove_sample_tails``) and decode each."""
    output = evaluate_request({"function": function, "inputs": {k: wire(v) for k, v in inputs.items()}})
    json.dumps(output)
    assert isinstance(output, list)
    return [decode(item) for item in output]
