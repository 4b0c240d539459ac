"""
The reference adapter and the runner's comparison (conformance/ADAPTER.md): the adapter's ops
and bad lines, integers compared by value, and answers read strictly (GEN-2, SUB-3, CODEC-3,
CAT-3, CAT-5, JSON-1, JSON-2).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from perpspec.conformance.adapter import ReferenceAdapter
from perpspec.conformance.runner import (
    ABSENT,
    AdapterFailure,
    AdapterProcess,
    JsonFraction,
    first_difference,
    read_answer,
)


def test_reference_adapter_ops():
    """GEN-2, SUB-3, CODEC-3, CAT-5: reset, query of an absent subaccount, hashes, unknown ops and bad lines."""
    from perpspec.default_genesis import default_genesis_json

    adapter = ReferenceAdapter()
    genesis = default_genesis_json()
    assert adapter.answer(json.dumps({"id": 1, "op": "reset", "genesis": genesis})) == {"id": 1, "ok": True}
    first_hash = adapter.answer('{"id": 2, "op": "state_hash"}')["stateHash"]
    refused = adapter.answer(json.dumps({"id": 3, "op": "reset", "genesis": {"authority": "nobody"}}))
    assert refused["error"]["code"] == "INVALID_GENESIS"
    assert adapter.answer('{"id": 4, "op": "state_hash"}')["stateHash"] == first_hash  # the old state is kept
    owner = "dydx10d07y265gmmuvt4z0w9aw880jnsr700jnmapky"
    empty = adapter.answer(
        json.dumps({"id": 5, "op": "query_subaccount", "subaccountId": {"owner": owner, "number": 9}})
    )
    assert empty == {
        "id": 5,
        "subaccount": {"id": {"owner": owner, "number": 9}, "assetPositions": [], "perpetualPositions": []},
    }
    assert adapter.answer('{"id": 6, "op": "fly"}')["error"]["code"] == "UNSUPPORTED_OP"
    assert adapter.answer("{oops")["error"]["code"] == "MALFORMED_JSON"
    assert adapter.answer('{"id": 8}')["error"]["code"] == "MALFORMED_REQUEST"
    fraction = adapter.answer(
        '{"id": 9, "op": "eval", "function": "is_liquidatable", "inputs": {"net_collateral": 1.0, "maintenance_margin_requirement": 1}}'
    )
    assert fraction["error"]["code"] == "INVALID_TYPE"
    assert set(adapter.answer('{"id": 10, "op": "hello"}')["ops"]) >= {
        "reset",
        "apply",
        "query_subaccount",
        "state_hash",
        "eval",
    }


def test_first_difference_compares_integers_by_value_and_everything_else_exactly():
    """CAT-3: integers equal by value across number and decimal-string encodings; booleans, fractions, keys and list lengths are exact."""
    assert first_difference({"a": [1, "2"]}, {"a": ["1", 2]}) is None
    assert first_difference(5, "005") is None
    assert first_difference(True, 1) == ("", True, 1)
    assert first_difference(1, JsonFraction("1.0")) == ("", 1, "1.0")
    assert first_difference({"a": 1}, {"a": 1, "b": 2}) == ("b", ABSENT, 2)
    assert first_difference({"e": [1, 2]}, {"e": [1]}, "events") == ("events.e[1]", 2, ABSENT)
    assert first_difference({"x": "7"}, {"x": 7}, strict=True) == ("x", "7", 7)


def test_integers_beyond_python_default_digit_limit_compare_and_round_trip():
    """CAT-3: results of more than 4,300 digits are written, read and compared exactly, as numbers or strings."""
    from perpspec.jsonio import decimal_string, integer_from_decimal

    for value in [0, -1, 10**999, -(10**1000) + 1, (10**999 + 7) * 10**4000, -(3 * 10**6000 + 1)]:
        text = decimal_string(value)
        assert integer_from_decimal(text) == value
    big = decimal_string((10**999 + 7) * 10**4000)
    assert len(big) == 5_000
    assert first_difference(big, json.loads(big, parse_int=integer_from_decimal)) is None
    assert first_difference(big, big[:-1] + "1") == ("", big, big[:-1] + "1")


def test_the_reference_adapter_answers_bad_lines_in_process():
    """JSON-1, JSON-2: ReferenceAdapter.answer refuses duplicate keys, NaN, deep nesting and undecodable lines with MALFORMED_JSON and id null."""
    from perpspec.jsonio import decode_line

    adapter = ReferenceAdapter()
    for line in [
        '{"id": 1, "op": "hello", "id": 2}',
        '{"id": 1, "op": NaN}',
        "[" * 200 + "]" * 200,
        decode_line(b"\xfe"),
    ]:
        assert adapter.answer(line) == {"id": None, "error": adapter.answer(line)["error"]}
        assert adapter.answer(line)["error"]["code"] == "MALFORMED_JSON"


def fixed_answer_adapter(tmp_path: Path, answer: str) -> list[str]:
    """An adapter that writes one fixed line, whatever it is asked, then waits for end of input."""
    script = tmp_path / "fixed.py"
    script.write_text(f"import sys\nsys.stdout.write({answer!r} + '\\n')\nsys.stdout.flush()\nsys.stdin.read()\n")
    return [sys.executable, str(script)]


@pytest.mark.parametrize(
    "answer, problem",
    [
        ('{"id":1,"id":1,"name":"x"}', "twice"),
        ('{"id":1,"output":NaN}', "NaN"),
        ('{"id":true,"name":"x"}', "got id True"),
    ],
)
def test_the_runner_reads_answers_strictly(tmp_path, answer, problem):
    """JSON-2: an adapter answer naming a key twice or holding NaN is not JSON, and an id of true is not id 1: each a protocol failure."""
    process = AdapterProcess(fixed_answer_adapter(tmp_path, answer), timeout=20)
    try:
        with pytest.raises(AdapterFailure, match=problem):
            process.request({"op": "hello"})
    finally:
        process.close()


def test_the_runner_keeps_unpaired_surrogates_in_free_text():
    """JSON-2: an adapter's free-text message may echo an unpaired surrogate escape; the runner reads it rather than fail the run."""
    answer = read_answer(b'{"id":1,"error":{"code":"X","message":"op \\ud800"}}\n')
    assert answer["error"]["message"] == "op \ud800"
