"""
Bad requests and strict JSON lines to the catalogue (spec/catalogue.md, CAT-2..CAT-5;
spec/json.md, JSON-2, JSON-3): each kind of bad line gets its own stable error code, and
results of any length are written exactly.
"""

from __future__ import annotations

import json

import pytest

from helpers.catalogue import error_code
from perpspec.catalogue import evaluate_line


@pytest.mark.parametrize(
    "line, code",
    [
        ("{not json", "MALFORMED_JSON"),
        ('{"function": "x", "inputs": NaN}', "MALFORMED_JSON"),
        ("[1, 2]", "MALFORMED_REQUEST"),
        ('{"function": 3, "inputs": {}}', "MALFORMED_REQUEST"),
        ('{"function": "risk_compare"}', "MALFORMED_REQUEST"),
        ('{"function": "risk_compare", "inputs": [], "x": 1}', "MALFORMED_REQUEST"),
        ('{"function": "risk_compare", "inputs": []}', "MALFORMED_REQUEST"),
        ('{"function": "no_such", "inputs": {}}', "UNKNOWN_FUNCTION"),
        ('{"function": "risk_compare", "inputs": {"first_nc": 1, "first_mmr": 1, "second_nc": 1}}', "MISSING_INPUT"),
        (
            '{"function": "risk_compare", "inputs": {"first_nc": 1, "first_mmr": 1, "second_nc": 1, "second_mmr": 1, "x": 0}}',
            "UNEXPECTED_INPUT",
        ),
    ],
)
def test_bad_requests(line, code):
    """CAT-5: each kind of bad line gets its own stable error code."""
    assert error_code(line) == code


@pytest.mark.parametrize(
    "line, code",
    [
        ('{"function": "risk_compare", "function": "risk_compare", "inputs": {}}', "MALFORMED_JSON"),
        (
            '{"function": "is_liquidatable", "inputs": {"net_collateral": 1, "net_collateral": 2, "maintenance_margin_requirement": 1}}',
            "MALFORMED_JSON",
        ),
        (
            '{"function": "is_liquidatable", "inputs": {"net_collateral": Infinity, "maintenance_margin_requirement": 1}}',
            "MALFORMED_JSON",
        ),
        (
            '{"function": "is_liquidatable", "inputs": {"net_collateral": -Infinity, "maintenance_margin_requirement": 1}}',
            "MALFORMED_JSON",
        ),
        (
            '{"function": "median_round_half_away_from_zero", "inputs": {"values": ' + "[" * 128 + "]" * 128 + "}}",
            "MALFORMED_JSON",
        ),
        (
            '{"function": "median_round_half_away_from_zero", "inputs": {"values": ' + "[" * 126 + "]" * 126 + "}}",
            "INVALID_TYPE",
        ),
        (
            '{"function": "median_round_half_away_from_zero", "inputs": {"values": ' + "[" * 5000 + "]" * 5000 + "}}",
            "MALFORMED_JSON",
        ),
        ('{"function": "risk_compare\\ud800", "inputs": {}}', "MALFORMED_JSON"),
        (
            '{"function": "is_liquidatable", "inputs": {"net_collateral": '
            + "7" * 5000
            + ', "maintenance_margin_requirement": 1}}',
            "OUT_OF_RANGE",
        ),
        (
            '{"function": "is_liquidatable", "inputs": {"net_collateral": 1.'
            + "0" * 5000
            + ', "maintenance_margin_requirement": 1}}',
            "INVALID_TYPE",
        ),
        (
            '{"function": "is_liquidatable", "inputs": {"net_collateral": 1e400, "maintenance_margin_requirement": 1}}',
            "INVALID_TYPE",
        ),
    ],
)
def test_strict_json_lines(line, code):
    """JSON-2, CAT-2, CAT-4: a key twice, Infinity, nesting past 128, an unpaired surrogate are MALFORMED_JSON; long integers OUT_OF_RANGE; fractions INVALID_TYPE."""
    assert error_code(line) == code


@pytest.mark.parametrize("bad", ["--5", "+5", " 5", "\u0663", "\u00b2", "", "-", "1_0", "5 "])
def test_decimal_strings_are_an_optional_minus_and_ascii_digits(bad):
    """JSON-3, CAT-2: any other string where an integer belongs is INVALID_TYPE, cleanly."""
    line = json.dumps(
        {"function": "maintenance_margin_ppm", "inputs": {"initial_margin_ppm": bad, "maintenance_fraction_ppm": 1}}
    )
    assert error_code(line) == "INVALID_TYPE"


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
