"""
Raw lines to the adapters and the line vectors (FORMAT.md §11; JSON-1, JSON-2, ADAPTER.md §1-2):
both adapters read raw lines as JSON-1 and JSON-2 say, and adapters that read lines the naive
way are caught, each case with its divergence.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.conformance import ENV, NODE_ADAPTER, ONLY_LINES, REFERENCE, node
from helpers.paths import REPOSITORY, VECTORS
from perpspec.conformance.runner import format_report, run_vectors

RAW_LINES = [
    b'{"id":1,"op":"hello"}',
    b"\xff",
    b"\x0c",
    b" \t\r",
    b'{"id":2,"op":"hello","op":"hello"}',
    b'{"id":3,"op":"eval","function":"is_liquidatable","inputs":{"net_collateral":NaN,"maintenance_margin_requirement":1}}',
    b'{"id":4,"op":"eval","function":"is_liquidatable","inputs":{"net_collateral":'
    + b"1" * 5000
    + b',"maintenance_margin_requirement":1}}',
    b"[" * 129 + b"]" * 129,
    b'{"id":5,"op":"state_hash"}\r{"id":6,"op":"state_hash"}',
    "\u2028".encode(),
    b'{"id":7,"op":"eval","function":"risk_compare","inputs":{"first_nc":1,"first_mmr":1,"second_nc":1,"second_mmr":1}}\r',
]


def raw_answers(command: list[str]) -> list[dict]:
    completed = subprocess.run(
        command, input=b"\n".join(RAW_LINES) + b"\n", capture_output=True, env=ENV, cwd=REPOSITORY, timeout=60
    )
    assert completed.returncode == 0, completed.stderr.decode(errors="replace")
    return [json.loads(line) for line in completed.stdout.decode("ascii").splitlines()]


@pytest.mark.parametrize("adapter", ["reference", "node"])
def test_adapters_read_raw_lines_as_json_1_and_json_2_say(adapter):
    """JSON-1, JSON-2: invalid UTF-8, a form feed, a key twice, NaN, a 5,000-digit integer, 129 nested arrays, a CR inside a line and U+2028 each get one answer; space, tab, CR get none."""
    if adapter == "node" and node is None:
        pytest.skip("Node.js is not installed")
    command = (
        [sys.executable, "-m", "perpspec.conformance.adapter"] if adapter == "reference" else [node, str(NODE_ADAPTER)]
    )
    answers = raw_answers(command)
    assert len(answers) == len(RAW_LINES) - 1  # the line of space, tab and CR is skipped
    assert answers[0]["id"] == 1 and "ops" in answers[0]
    assert [(a["id"], a["error"]["code"]) for a in answers[1:9]] == [(None, "MALFORMED_JSON")] * 8
    assert answers[9]["id"] == 7 and answers[9]["output"] == 0  # CR before the LF is white space


def test_both_adapters_pass_the_line_vectors():
    """JSON-1, JSON-2: every raw line of lines/raw-lines.json gets exactly its expected answer from the reference and from Node."""
    cases = json.loads((VECTORS / "lines" / "raw-lines.json").read_text())["cases"]
    assert len(cases) >= 60
    assert {"invalid-start-byte", "form-feed-line", "duplicate-key", "nan", "integer-of-5000-digits"} <= {
        c["name"] for c in cases
    }
    adapters = [None] + ([[node, str(NODE_ADAPTER)]] if node else [])
    for command in adapters:
        report = run_vectors(VECTORS, command, exclude=ONLY_LINES)
        lines = report.suites["lines"]
        assert lines.passed == lines.vectors == len(cases), format_report(report)
        assert report.passed(strict=True)


NAIVE_ADAPTER = """
import json, sys
sys.path.insert(0, {reference!r})
from perpspec.conformance.adapter import ReferenceAdapter
adapter = ReferenceAdapter()
sys.stdin.reconfigure(encoding="utf-8", errors={errors!r})
for line in sys.stdin:  # text mode: the whole input decoded as one text
    if line.strip():    # str.strip: skips lines of form feeds or U+2028, which JSON-1 answers
        sys.stdout.write(json.dumps(adapter.answer(line)) + "\\n")
        sys.stdout.flush()
"""


def naive_adapter(tmp_path: Path, errors: str) -> list[str]:
    script = tmp_path / f"naive_{errors}.py"
    script.write_text(NAIVE_ADAPTER.format(reference=REFERENCE, errors=errors))
    return [sys.executable, str(script)]


def test_a_naive_line_reader_is_caught_by_the_line_vectors(tmp_path):
    """JSON-1: an adapter that skips lines by str.strip fails the lines of other white space, each with its count of answers."""
    report = run_vectors(VECTORS, naive_adapter(tmp_path, "surrogateescape"), exclude=ONLY_LINES, timeout=20)
    failed = {o.name: o.divergence for o in report.failures}
    for name in ("form-feed-line", "line-separator-u2028", "no-break-space-u00a0", "next-line-u0085"):
        assert (failed[name].path, failed[name].expected, failed[name].actual) == ("answers", 1, 0), name
    assert "empty-line" not in failed and "space-tab-cr-line" not in failed and "duplicate-key" not in failed
    assert report.problems == [] and not report.passed()


def test_an_adapter_stopped_by_invalid_utf8_fails_the_rest_without_hanging(tmp_path):
    """JSON-1: an adapter that decodes its whole input strictly dies at the first byte that is not UTF-8; the runner reports it and fails every line case after."""
    report = run_vectors(VECTORS, naive_adapter(tmp_path, "strict"), exclude=ONLY_LINES, timeout=20)
    assert report.suites["lines"].failed > 0
    assert any("adapter failure during lines/raw-lines.json" in problem for problem in report.problems)
    assert "UnicodeDecodeError" in "\n".join(report.problems)
    assert not report.passed()
