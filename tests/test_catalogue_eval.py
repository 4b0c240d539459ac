"""
The function catalogue and ``perpspec eval``: names, inputs, encodings, ranges, and bad lines (CAT-1..5).

Expected values are worked by hand from spec/units.md and spec/margin.md; each case
shows its working.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from perpspec.catalogue import evaluate_line


def evaluate(function: str, **inputs) -> dict:
    return evaluate_line(json.dumps({"function": function, "inputs": inputs}))


def output(function: str, **inputs):
    result = evaluate(function, **inputs)
    assert "output" in result, result
    return result["output"]


def error_code(line: str) -> str:
    result = evaluate_line(line)
    assert "error" in result, result
    return result["error"]["code"]


@pytest.mark.parametrize(
    "function, inputs, expected",
    [
        # e = -5 + -10 + 6 = -9; 1e10 * 2868819524 / 1e9 = 28688195240
        (
            "base_to_quote_quantums",
            {"base_quantums": "10000000000", "atomic_resolution": -10, "price_value": 2868819524, "price_exponent": -5},
            28688195240,
        ),
        # e = -9: -9 * 1 / 1e9 = -9e-9, truncated toward zero = 0
        (
            "base_to_quote_quantums",
            {"base_quantums": -9, "atomic_resolution": -10, "price_value": 1, "price_exponent": -5},
            0,
        ),
        # e = -9; 28688195240 * 1e9 / 2868819524 = 1e10 exactly
        (
            "quote_to_base_quantums",
            {"quote_quantums": 28688195240, "atomic_resolution": -10, "price_value": 2868819524, "price_exponent": -5},
            10000000000,
        ),
        # 7 subticks * 3 base * 10^-1 = 2.1 -> floor 2
        (
            "fill_quote_quantums_from_subticks",
            {"subticks": 7, "base_quantums": 3, "quantum_conversion_exponent": -1},
            2,
        ),
        # 10 * 10^1 / 4 = 25 -> [25, 1]; 10 * 10^-(-1)... qce = -1: 10 * 10 / 4 = 25
        (
            "average_price_subticks",
            {"quote_quantums": 10, "base_quantums": 4, "quantum_conversion_exponent": -1},
            [25, 1],
        ),
        # qce = 1: 10 / (4 * 10) = 1/4
        (
            "average_price_subticks",
            {"quote_quantums": 10, "base_quantums": 4, "quantum_conversion_exponent": 1},
            [1, 4],
        ),
        # exponent = -5 - (-9) + -10 - (-6) = 0 -> 2868819524
        (
            "price_to_subticks",
            {
                "price_value": 2868819524,
                "price_exponent": -5,
                "base_atomic_resolution": -10,
                "quote_atomic_resolution": -6,
                "quantum_conversion_exponent": -9,
            },
            [2868819524, 1],
        ),
        # exponent = -6 + 9 - 7 + 6 = 2 ... SOL: pe -8, bar -7: -8 + 9 - 7 + 6 = 0; use pe -9 -> -1: 15 / 10 = 3/2
        (
            "price_to_subticks",
            {
                "price_value": 15,
                "price_exponent": -9,
                "base_atomic_resolution": -7,
                "quote_atomic_resolution": -6,
                "quantum_conversion_exponent": -9,
            },
            [3, 2],
        ),
        # exponent -1 -> price = floor(15 * 10^1) = 150
        (
            "subticks_to_price",
            {
                "subticks": 15,
                "price_exponent": -9,
                "base_atomic_resolution": -7,
                "quote_atomic_resolution": -6,
                "quantum_conversion_exponent": -9,
            },
            150,
        ),
        # between caps: 100000 + floor(900000 * 5 / 10) = 550000
        (
            "adjusted_initial_margin_ppm",
            {
                "initial_margin_ppm": 100000,
                "open_interest_lower_cap": 10,
                "open_interest_upper_cap": 20,
                "open_interest_notional": 15,
            },
            550000,
        ),
        # ceil(1 * 550000 / 1e6) = 1
        (
            "initial_margin_quote_quantums",
            {
                "notional_quote_quantums": 1,
                "initial_margin_ppm": 100000,
                "open_interest_lower_cap": 10,
                "open_interest_upper_cap": 20,
                "open_interest_notional": 15,
            },
            1,
        ),
        # floor(20000 * 600000 / 1e6) = 12000
        ("maintenance_margin_ppm", {"initial_margin_ppm": 20000, "maintenance_fraction_ppm": 600000}, 12000),
        # notional 28688195240; IMR ceil(*20000/1e6) = 573763905 (573763904.8); MMR ceil(573763905*0.6) = 344258343
        (
            "perpetual_margin_requirements",
            {
                "position_quantums": "-10000000000",
                "atomic_resolution": -10,
                "price_value": 2868819524,
                "price_exponent": -5,
                "initial_margin_ppm": 20000,
                "maintenance_fraction_ppm": 600000,
                "open_interest_base_quantums": "10000000000",
                "open_interest_lower_cap": 0,
                "open_interest_upper_cap": 0,
            },
            {"imr": 573763905, "mmr": 344258343},
        ),
        (
            "position_net_notional_quote_quantums",
            {
                "position_quantums": "-10000000000",
                "atomic_resolution": -10,
                "price_value": 2868819524,
                "price_exponent": -5,
            },
            -28688195240,
        ),
        ("is_liquidatable", {"net_collateral": -5, "maintenance_margin_requirement": 0}, False),
        ("is_liquidatable", {"net_collateral": 4, "maintenance_margin_requirement": 5}, True),
        # 1/1 vs 2/1: first has the lower ratio, so it is riskier: sign(2*1 - 1*1) = 1
        ("risk_compare", {"first_nc": 1, "first_mmr": 1, "second_nc": 2, "second_mmr": 1}, 1),
        # mean of 1 and 2 is 1.5 -> 2; of -2 and -1 is -1.5 -> -2
        ("median_round_half_away_from_zero", {"values": [2, 1]}, 2),
        ("median_round_half_away_from_zero", {"values": [-1, -2]}, -2),
        (
            "median_round_half_away_from_zero",
            {"values": ["18446744073709551615", "18446744073709551614"]},
            "18446744073709551615",
        ),
        # floor(2868819524 * 1000 / 1e6) = 2868819
        ("min_price_change_amount", {"current_price": 2868819524, "min_price_change_ppm": 1000}, 2868819),
        # -(10 - 4) * 3 = -18
        (
            "funding_settlement_ppm",
            {"perpetual_funding_index": 10, "position_funding_index": 4, "position_quantums": 3},
            {"net_settlement_ppm": -18, "new_funding_index": 10},
        ),
    ],
)
def test_hand_worked_outputs(function, inputs, expected):
    """CAT-1, CAT-3: each function's output for hand-worked inputs, encoded as the spec says."""
    assert output(function, **inputs) == expected


def test_integers_in_as_numbers_or_strings():
    """CAT-2: an integer input may be a JSON number or a decimal string; both give the same output."""
    as_numbers = output("maintenance_margin_ppm", initial_margin_ppm=20000, maintenance_fraction_ppm=600000)
    as_strings = output("maintenance_margin_ppm", initial_margin_ppm="20000", maintenance_fraction_ppm="600000")
    assert as_numbers == as_strings == 12000


@pytest.mark.parametrize(
    "bad", ["1.5", "1.0", "1e3", "true", "null", "[1]", '{"a":1}', '"1.5"', '" 1"', '"0x10"', '""']
)
def test_wrong_types_are_refused(bad):
    """CAT-2: fractions, booleans, null, lists, objects and non-decimal strings are INVALID_TYPE."""
    line = (
        f'{{"function":"maintenance_margin_ppm","inputs":{{"initial_margin_ppm":{bad},"maintenance_fraction_ppm":1}}}}'
    )
    assert error_code(line) == "INVALID_TYPE"


def test_large_outputs_are_strings():
    """CAT-3: integers beyond 2^53 are decimal strings, 2^53 itself a number."""
    assert output(
        "funding_settlement_ppm", perpetual_funding_index=2**53, position_funding_index=0, position_quantums=-1
    ) == {
        "net_settlement_ppm": 2**53,
        "new_funding_index": 2**53,
    }
    big = output(
        "funding_settlement_ppm", perpetual_funding_index=2**53 + 1, position_funding_index=0, position_quantums=-1
    )
    assert big == {"net_settlement_ppm": str(2**53 + 1), "new_funding_index": str(2**53 + 1)}


@pytest.mark.parametrize(
    "function, inputs, code",
    [
        (
            "fill_quote_quantums_from_subticks",
            {"subticks": "18446744073709551616", "base_quantums": 1, "quantum_conversion_exponent": 0},
            "OUT_OF_RANGE",
        ),
        (
            "fill_quote_quantums_from_subticks",
            {"subticks": -1, "base_quantums": 1, "quantum_conversion_exponent": 0},
            "OUT_OF_RANGE",
        ),
        (
            "base_to_quote_quantums",
            {"base_quantums": 1, "atomic_resolution": 2**31, "price_value": 1, "price_exponent": 0},
            "OUT_OF_RANGE",
        ),
        ("maintenance_margin_ppm", {"initial_margin_ppm": 0, "maintenance_fraction_ppm": 1000001}, "OUT_OF_RANGE"),
        ("maintenance_margin_ppm", {"initial_margin_ppm": 2**32, "maintenance_fraction_ppm": 0}, "OUT_OF_RANGE"),
        # Go's util_test: max uint64 price at 1_000_001 ppm overflows a uint64 and panics
        (
            "min_price_change_amount",
            {"current_price": "18446744073709551615", "min_price_change_ppm": 1000001},
            "RESULT_OUT_OF_RANGE",
        ),
        (
            "adjusted_initial_margin_ppm",
            {
                "initial_margin_ppm": 1000001,
                "open_interest_lower_cap": 1,
                "open_interest_upper_cap": 3,
                "open_interest_notional": 2,
            },
            "INVALID_ARGUMENT",
        ),
        (
            "quote_to_base_quantums",
            {"quote_quantums": 1, "atomic_resolution": 0, "price_value": 0, "price_exponent": 0},
            "INVALID_ARGUMENT",
        ),
        (
            "average_price_subticks",
            {"quote_quantums": 1, "base_quantums": 0, "quantum_conversion_exponent": 0},
            "INVALID_ARGUMENT",
        ),
        ("median_round_half_away_from_zero", {"values": []}, "INVALID_ARGUMENT"),
        ("median_round_half_away_from_zero", {"values": [-1, "18446744073709551615"]}, "OUT_OF_RANGE"),
        (
            "subticks_to_price",
            {
                "subticks": "18446744073709551615",
                "price_exponent": 0,
                "base_atomic_resolution": 0,
                "quote_atomic_resolution": 0,
                "quantum_conversion_exponent": 1,
            },
            "RESULT_OUT_OF_RANGE",
        ),
        (
            "base_to_quote_quantums",
            {"base_quantums": 1, "atomic_resolution": 0, "price_value": 1, "price_exponent": 2**31 - 1},
            "LIMIT_EXCEEDED",
        ),
    ],
)
def test_ranges(function, inputs, code):
    """CAT-4: values outside the protocol's ranges, rejected combinations and implementation limits."""
    assert evaluate(function, **inputs)["error"]["code"] == code


@pytest.mark.parametrize(
    "function, inputs, expected",
    [
        # lower > upper: oi <= lower returns imf, oi > lower >= upper returns 100%; Go never reaches its panic
        (
            "adjusted_initial_margin_ppm",
            {
                "initial_margin_ppm": 5,
                "open_interest_lower_cap": 2,
                "open_interest_upper_cap": 1,
                "open_interest_notional": 0,
            },
            5,
        ),
        (
            "adjusted_initial_margin_ppm",
            {
                "initial_margin_ppm": 5,
                "open_interest_lower_cap": 2,
                "open_interest_upper_cap": 1,
                "open_interest_notional": 3,
            },
            1000000,
        ),
        # an IMF above 100% outside the caps is returned as is
        (
            "adjusted_initial_margin_ppm",
            {
                "initial_margin_ppm": 1000001,
                "open_interest_lower_cap": 0,
                "open_interest_upper_cap": 0,
                "open_interest_notional": 9,
            },
            1000001,
        ),
        # floor(2000000 * 500000 / 1e6) = 1000000: Go computes this for any uint32 IMF
        ("maintenance_margin_ppm", {"initial_margin_ppm": 2000000, "maintenance_fraction_ppm": 500000}, 1000000),
        # floor(1000 * 20000 / 1e6) = 20: Go computes for any uint32 ppm
        ("min_price_change_amount", {"current_price": 1000, "min_price_change_ppm": 20000}, 20),
        # at 1,000 ppm: floor(123000 / 1000) = 123, floor(1234 / 1000) = 1, 0 -> 0
        ("min_price_change_amount", {"current_price": 123000, "min_price_change_ppm": 1000}, 123),
        ("min_price_change_amount", {"current_price": 1234, "min_price_change_ppm": 1000}, 1),
        ("min_price_change_amount", {"current_price": 0, "min_price_change_ppm": 1000}, 0),
    ],
)
def test_go_function_semantics_outside_validation_ranges(function, inputs, expected):
    """CAT-4: outside the state machine's parameter ranges, the catalogue answers what the Go function returns."""
    assert output(function, **inputs) == expected


def test_huge_negative_exponent_is_exact_not_refused():
    """CAT-4 with ROUND-7: dividing by 10^(2^31) is answered exactly (truncation gives 0)."""
    assert (
        output("base_to_quote_quantums", base_quantums=-5, atomic_resolution=-(2**31), price_value=1, price_exponent=0)
        == 0
    )


def test_too_many_digits():
    """CAT-4: integers of more than 1,000 digits are OUT_OF_RANGE, as strings and as JSON numbers."""
    digits = "9" * 1001
    assert (
        error_code(
            f'{{"function":"is_liquidatable","inputs":{{"net_collateral":"{digits}","maintenance_margin_requirement":0}}}}'
        )
        == "OUT_OF_RANGE"
    )
    assert (
        error_code(
            f'{{"function":"is_liquidatable","inputs":{{"net_collateral":{digits},"maintenance_margin_requirement":0}}}}'
        )
        == "OUT_OF_RANGE"
    )


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


def test_eval_process_reads_on_after_bad_lines():
    """CAT-5: `perpspec eval` writes one line per input line and never stops on a bad one."""
    lines = [
        "{not json",
        '{"function": "maintenance_margin_ppm", "inputs": {"initial_margin_ppm": 20000, "maintenance_fraction_ppm": 600000}}',
        "",
        '{"function": "no_such", "inputs": {}}',
        '{"function": "median_round_half_away_from_zero", "inputs": {"values": [3, 1, 2]}}',
    ]
    completed = subprocess.run(
        [sys.executable, "-m", "perpspec", "eval"],
        input="\n".join(lines) + "\n",
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "reference")},
    )
    answers = [json.loads(line) for line in completed.stdout.splitlines()]
    assert answers == [
        {"error": answers[0]["error"]},
        {"output": 12000},
        {"error": answers[2]["error"]},
        {"output": 2},
    ]
    assert answers[0]["error"]["code"] == "MALFORMED_JSON"
    assert answers[2]["error"]["code"] == "UNKNOWN_FUNCTION"
    assert completed.stderr == ""


# --- lines and strict JSON (JSON-1, JSON-2, CAT-2, CAT-5) -----------------------------------------

MAINTENANCE = b'{"function": "maintenance_margin_ppm", "inputs": {"initial_margin_ppm": 20000, "maintenance_fraction_ppm": 600000}}'


def eval_bytes(stdin: bytes) -> list[dict]:
    """`perpspec eval` with raw bytes on stdin under a strict UTF-8 locale: its answers, checking it never fails."""
    completed = subprocess.run(
        [sys.executable, "-m", "perpspec", "eval"],
        input=stdin,
        capture_output=True,
        env={
            **os.environ,
            "PYTHONPATH": str(Path(__file__).resolve().parent.parent / "reference"),
            "PYTHONIOENCODING": "utf-8",
            "LC_ALL": "C.UTF-8",
        },
    )
    assert completed.returncode == 0 and completed.stderr == b"", completed.stderr.decode(errors="replace")
    return [json.loads(line) for line in completed.stdout.decode("ascii").splitlines()]


def test_eval_answers_a_line_that_is_not_utf8_and_the_lines_around_it():
    """JSON-1, CAT-5: invalid UTF-8 is MALFORMED_JSON, not a traceback; the valid lines before and after it are answered."""
    answers = eval_bytes(MAINTENANCE + b"\n\xff\n" + MAINTENANCE + b"\n")
    assert answers[0] == answers[2] == {"output": 12000}
    assert answers[1]["error"]["code"] == "MALFORMED_JSON" and "not UTF-8" in answers[1]["error"]["message"]


def test_eval_skips_only_json_white_space_lines():
    """JSON-1: form feed, NEL, no-break space and U+2028 lines are answered (MALFORMED_JSON); empty and space/tab/CR lines are not."""
    lines = [b"\x0c", b"", b"\t \r", "\x85".encode(), "\xa0".encode(), "\u2028".encode(), MAINTENANCE + b"\r"]
    answers = eval_bytes(b"\n".join(lines) + b"\n")
    assert [a.get("error", {}).get("code") for a in answers] == ["MALFORMED_JSON"] * 4 + [None]
    assert answers[-1] == {"output": 12000}  # a CRLF line end is read like LF


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


def test_eval_refuses_strict_json_through_the_command():
    """JSON-1, JSON-2, CAT-5: duplicate keys, NaN, 5,000-digit integers and deep nesting through `perpspec eval`, each answered once."""
    lines = [
        b'{"function": "risk_compare", "inputs": {}, "inputs": {}}',
        b'{"function": "is_liquidatable", "inputs": {"net_collateral": NaN, "maintenance_margin_requirement": 1}}',
        b'{"function": "is_liquidatable", "inputs": {"net_collateral": '
        + b"1" * 5000
        + b', "maintenance_margin_requirement": 1}}',
        b"[" * 50_000 + b"]" * 50_000,
        MAINTENANCE,
    ]
    answers = eval_bytes(b"\n".join(lines) + b"\n")
    codes = [a.get("error", {}).get("code") for a in answers]
    assert codes == ["MALFORMED_JSON", "MALFORMED_JSON", "OUT_OF_RANGE", "MALFORMED_JSON", None]
