"""
Deliberately wrong adapters are caught, each with the right first divergence: rounding
base_to_quote toward -inf instead of toward zero (UNITS-4, ROUND-5), a wrong state hash
(CODEC-3), a state JSON that writes a 64-bit field as a number (CODEC-1), native error codes
without and with an error map (TX-3), an adapter of functions only, and one that crashes (TX-1).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from helpers.conformance import ENV, ONLY_FUNCTIONS, ONLY_LEDGER, python_adapter
from helpers.paths import REPOSITORY, VECTORS
from perpspec.conformance.runner import ErrorMapper, VectorsUnusable, format_report, run_vectors

FLOORING_ADAPTER = """
    def eval(self, request):
        # a deliberate bug: base_to_quote_quantums rounds toward -inf instead of toward zero (UNITS-4)
        from perpspec.catalogue import encode_integer
        inputs = request.get("inputs")
        if request.get("function") == "base_to_quote_quantums" and "output" in super().eval(request):
            b, ar, p, pe = (int(inputs[k]) for k in ("base_quantums", "atomic_resolution", "price_value", "price_exponent"))
            e = pe + ar + 6
            if -60 < e < 0:
                return {"output": encode_integer(b * p // 10 ** -e)}
        return super().eval(request)
"""


@pytest.mark.conformance
def test_wrong_rounding_adapter_is_caught_with_its_first_divergence(tmp_path):
    """UNITS-4, ROUND-5, CAT-3: an adapter that floors base_to_quote fails exactly the negative inexact cases, each reported as output: expected, got."""
    report = run_vectors(VECTORS, python_adapter(tmp_path, "flooring", FLOORING_ADAPTER), exclude=ONLY_FUNCTIONS)
    failed = {o.name: o for o in report.failures}
    assert failed and all(o.file == "functions/base_to_quote_quantums.json" for o in failed.values())
    outcome = failed["negative-truncates-toward-zero"]
    assert (
        outcome.divergence.step,
        outcome.divergence.path,
        outcome.divergence.expected,
        outcome.divergence.actual,
    ) == (None, "output", -1, -2)
    assert (
        outcome.describe()
        == 'functions/base_to_quote_quantums.json case "negative-truncates-toward-zero": output: expected -1, got -2'
    )
    assert failed["below-one-quantum-negative"].divergence.actual == -1
    # positive amounts floor and truncate alike: those cases pass
    assert "one-btc-at-genesis-price" not in failed and "eth-step-truncates" not in failed
    assert not report.passed()


@pytest.mark.conformance
def test_wrong_rounding_adapter_fails_the_command_line(tmp_path):
    """CAT-3: `perpspec conformance run --adapter CMD` prints the table and each failing vector's first divergence, and exits 1."""
    command = " ".join(python_adapter(tmp_path, "flooring", FLOORING_ADAPTER))
    completed = subprocess.run(
        [
            sys.executable,
            "-m",
            "perpspec",
            "conformance",
            "run",
            "--adapter",
            command,
            "--exclude",
            "^ledger/",
            "--exclude",
            "^traces/",
        ],
        capture_output=True,
        text=True,
        env=ENV,
        cwd=REPOSITORY,
    )
    assert completed.returncode == 1, completed.stderr
    lines = completed.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("suite"))
    assert lines[header].split() == ["suite", "vectors", "passed", "failed", "unsupported", "time"]
    functions_row = lines[header + 2].split()
    assert functions_row[0] == "functions" and int(functions_row[3]) > 0
    assert (
        '  FAIL functions/base_to_quote_quantums.json case "negative-truncates-toward-zero": output: expected -1, got -2'
        in lines
    )
    assert lines[-1].startswith("perpspec conformance run: FAIL")


WRONG_HASH_ADAPTER = """
    def state_hash(self, request):
        # a deliberate bug: a wrong hash from block 3 on (CODEC-3)
        real = super().state_hash(request)["stateHash"]
        return {"stateHash": real if self.state.blocks.height < 3 else "0" * 64}
"""


@pytest.mark.conformance
def test_wrong_state_hash_is_caught_at_the_right_message(tmp_path):
    """CODEC-3, BLOCK-2: a hash that goes wrong at block 3 fails gating-after-outage at step 2, the 300 s block, with path stateHash."""
    report = run_vectors(VECTORS, python_adapter(tmp_path, "wrong_hash", WRONG_HASH_ADAPTER), exclude=ONLY_LEDGER)
    failed = {o.file: o for o in report.failures}
    outcome = failed["ledger/gating-after-outage.json"]
    expected_hash = json.loads((VECTORS / "ledger" / "gating-after-outage.json").read_text())["steps"][2]["stateHash"]
    divergence = outcome.divergence
    assert (divergence.step, divergence.path, divergence.expected, divergence.actual) == (
        2,
        "stateHash",
        expected_hash,
        "0" * 64,
    )
    assert "300 s" in divergence.note  # the step's description
    assert "ledger/deposit.json" not in failed  # never reaches block 3


NUMBER_TIME_ADAPTER = """
    def _json(self):
        from perpspec.codec import encode_state
        state = encode_state(self.state)
        state["blocks"]["time"] = int(state["blocks"]["time"])  # a deliberate bug: a 64-bit field as a JSON number (CODEC-1)
        return state

    def state_hash(self, request):
        from perpspec.codec import canonical_json
        import hashlib
        return {"stateHash": hashlib.sha256(canonical_json(self._json())).hexdigest()}

    def export_state(self, request):
        return {"state": self._json()}
"""


@pytest.mark.conformance
def test_genesis_hash_mismatch_names_the_first_differing_state_field(tmp_path):
    """CODEC-1, CODEC-3: a state hash that differs at genesis is explained through the optional state op, encodings compared strictly."""
    report = run_vectors(VECTORS, python_adapter(tmp_path, "number_time", NUMBER_TIME_ADAPTER), exclude=ONLY_LEDGER)
    assert len(report.failures) == report.suites["ledger"].vectors
    divergence = report.failures[0].divergence
    assert (divergence.step, divergence.path) == ("genesis", "stateHash")
    assert divergence.note.startswith('first state difference state.blocks.time: expected "1698278400", got 1698278400')


NATIVE_CODES_ADAPTER = """
    def apply(self, request):
        answer = super().apply(request)
        if answer.get("error", {}).get("code") == "NEWLY_UNDERCOLLATERALIZED":
            return {"error": {"code": "ErrInsufficientCollateral"}}  # the implementation's own name
        return answer
"""


@pytest.mark.conformance
def test_error_map_translates_native_codes(tmp_path):
    """TX-3: native error codes fail until an error map translates them to the canonical codes; a map to an unknown code is refused."""
    adapter = python_adapter(tmp_path, "native", NATIVE_CODES_ADAPTER)
    report = run_vectors(VECTORS, adapter, exclude=ONLY_LEDGER)
    divergence = next(o for o in report.failures if o.file == "ledger/withdraw.json").divergence
    assert (divergence.step, divergence.path, divergence.expected, divergence.actual) == (
        2,
        "error.code",
        "NEWLY_UNDERCOLLATERALIZED",
        "ErrInsufficientCollateral",
    )
    mapping = tmp_path / "map.json"
    mapping.write_text(json.dumps({"ErrInsufficientCollateral": "NEWLY_UNDERCOLLATERALIZED"}))
    report = run_vectors(VECTORS, adapter, exclude=ONLY_LEDGER, mapper=ErrorMapper.from_file(mapping))
    assert report.passed(strict=True), format_report(report)
    mapping.write_text(json.dumps({"ErrInsufficientCollateral": "NOT_A_CODE"}))
    with pytest.raises(VectorsUnusable, match="NOT_A_CODE"):
        ErrorMapper.from_file(mapping)


@pytest.mark.conformance
def test_function_only_adapter_is_unsupported_not_failed(tmp_path):
    """TX-1: an adapter answering UNSUPPORTED_OP for the ledger ops passes the function suite; its ledger vectors are unsupported, and fail only with --strict."""
    body = """
    def reset(self, request):
        return {"error": {"code": "UNSUPPORTED_OP"}}
"""
    report = run_vectors(
        VECTORS, python_adapter(tmp_path, "functions_only", body), exclude=[r"^traces/", r"^functions/(?!risk_compare)"]
    )
    assert report.suites["ledger"].unsupported == report.suites["ledger"].vectors > 0
    assert report.suites["functions"].passed == report.suites["functions"].vectors > 0
    assert report.passed() and not report.passed(strict=True)
    assert report.unread == []  # unsupported vectors are still read


@pytest.mark.conformance
def test_crashing_adapter_fails_the_rest_with_its_stderr(tmp_path):
    """TX-1: an adapter that dies fails every vector after it and the run names the failure."""
    body = """
    def apply(self, request):
        raise SystemExit("boom: cannot apply")
"""
    report = run_vectors(VECTORS, python_adapter(tmp_path, "crashing", body), exclude=ONLY_LEDGER, timeout=20)
    assert report.suites["ledger"].failed == report.suites["ledger"].vectors
    assert any("boom: cannot apply" in problem for problem in report.problems)
