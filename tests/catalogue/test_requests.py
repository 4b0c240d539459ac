"""
Bad requests and strict JSON lines to the catalogue (spec/catalogue.md, CAT-2..CAT-5;
spec/json.md, JSON-2, JSON-3): each kind of bad line gets its own stable error code, and
results of any length are written exactly.
"""

from __future__ import annotations

import json

import pytest

from perpspec.catalogue import evaluate_line


@pytest.mark.parametrize(
    "function, inputs",
    [
        # e = 2090 + 2000 + 6 = 4096 (allowed): a 300-digit base gives a 4396-digit result
        (
            "base_to_quote_quantums",
            {"base_quantums": "9" * 300, "atomic_resolution": 2000, "price_value": 1, "price_exponent": 2090},
        ),
        # numerator 9...9 * 10^4096 (4396 digits)
        (
            "average_price_subticks",
            {"quote_quantums": "9" * 300, "base_quantums": 1, "quantum_conversion_exponent": -4096},
        ),
    ],
)
def test_evaluate_line_answers_results_longer_than_4300_digits(function, inputs):
    """CAT-3, CAT-5: a result too long for Python's default int-to-str limit is still written exactly."""
    response = evaluate_line(json.dumps({"function": function, "inputs": inputs}))
    value = response["output"] if function == "base_to_quote_quantums" else response["output"][0]
    assert value == "9" * 300 + "0" * 4096
