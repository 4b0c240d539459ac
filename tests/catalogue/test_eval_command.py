"""
``perpspec eval`` (spec/catalogue.md, CAT-5; spec/json.md, JSON-1, JSON-2): one answer per
line, never stopping on a bad one, lines read as bytes and decoded one by one.
"""

from __future__ import annotations

import json
import subprocess
import sys

from helpers.commands import ENV, UTF8_ENV


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
        env=ENV,
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


MAINTENANCE = b'{"function": "maintenance_margin_ppm", "inputs": {"initial_margin_ppm": 20000, "maintenance_fraction_ppm": 600000}}'


def eval_bytes(stdin: bytes) -> list[dict]:
    """`perpspec eval` with raw bytes on stdin under a strict UTF-8 locale: its answers, checking it never fails."""
    completed = subprocess.run(
        [sys.executable, "-m", "perpspec", "eval"],
        input=stdin,
        capture_output=True,
        env=UTF8_ENV,
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
