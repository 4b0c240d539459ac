"""
The conformance suite: vectors, runner, adapters (conformance/FORMAT.md, conformance/ADAPTER.md).

- The reference passes every committed vector through its own adapter process (CAT-1..5,
  TX-1..6, CODEC-3; claims CONV-1, CONS-1, ATOM-1, DET-1, SOLV-1).
- Regenerating the vectors gives byte-identical files (TX-6, CODEC-2; claim DET-1).
- The unread-file check fails when a file is skipped or stray (Lighthouse's
  check_all_files_accessed), and a tampered file fails its manifest hash.
- Deliberately wrong adapters are caught, each with the right first divergence: rounding
  base_to_quote toward -inf instead of toward zero (UNITS-4, ROUND-5), a wrong state hash
  (CODEC-3), a state JSON that writes a 64-bit field as a number (CODEC-1), native error
  codes without and with an error map (TX-3).
- The independent Node.js adapter passes every function vector and answers UNSUPPORTED_OP
  for the ledger ops.
- The line vectors (FORMAT.md §11): both adapters read raw lines as JSON-1 and JSON-2 say,
  and adapters that read lines the naive way are caught, each case with its divergence.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from perpspec.conformance.adapter import ReferenceAdapter
from perpspec.conformance.format import FORMAT_VERSION, SUITES, file_bytes, sha256_hex
from perpspec.conformance.generate import (
    MESSAGE_UNREACHABLE,
    check_error_coverage,
    protocol_error_codes,
    write_suite,
)
from perpspec.conformance.runner import (
    ABSENT,
    AdapterFailure,
    AdapterProcess,
    ErrorMapper,
    JsonFraction,
    VectorsUnusable,
    first_difference,
    format_report,
    read_answer,
    run_conformance,
    run_vectors,
)

REPOSITORY = Path(__file__).resolve().parent.parent
VECTORS = REPOSITORY / "conformance" / "vectors"
NODE_ADAPTER = REPOSITORY / "conformance" / "adapters" / "node" / "adapter.js"
REFERENCE = str(REPOSITORY / "reference")
ENV = {
    **os.environ,
    "PYTHONPATH": REFERENCE + (os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else ""),
}
ONLY_FUNCTIONS = [r"^ledger/", r"^traces/"]
ONLY_LEDGER = [r"^functions/", r"^traces/"]


def manifest() -> dict:
    return json.loads((VECTORS / "manifest.json").read_text())


def python_adapter(tmp_path: Path, name: str, body: str) -> list[str]:
    """A tiny adapter script: the reference adapter with some handlers overridden."""
    script = tmp_path / f"{name}.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {REFERENCE!r})\n"
        "from perpspec.conformance.adapter import ReferenceAdapter, serve\n"
        "class Adapter(ReferenceAdapter):\n" + body + "\n"
        "sys.exit(serve(Adapter(), sys.stdin, sys.stdout))\n"
    )
    return [sys.executable, str(script)]


# --- the reference passes its own vectors ------------------------------------------------------


@pytest.fixture(scope="module")
def reference_report():
    return run_vectors(VECTORS)


def test_reference_passes_every_vector(reference_report):
    """CAT-1..5, TX-1, TX-2, TX-3, CODEC-3: every function case, scenario and trace passes through the reference adapter process (claims CONV-1, CONS-1, ATOM-1, DET-1, SOLV-1)."""
    report = reference_report
    assert report.failures == [], format_report(report)
    assert report.problems == [] and report.unread == []
    assert report.adapter_name.startswith("perpspec reference")
    counts = manifest()["suites"]
    for suite in SUITES:
        summary = report.suites[suite]
        assert summary.vectors == counts[suite]["vectors"] > 0
        assert summary.passed == summary.vectors and summary.unsupported == 0
    assert report.passed(strict=True)
    assert len(report.read) == report.files_total == len(manifest()["files"]) + 1


def test_regeneration_is_byte_identical(tmp_path):
    """TX-6, CODEC-2: regenerating the vectors into a fresh folder gives the committed bytes, file for file (claim DET-1)."""
    write_suite(tmp_path)
    fresh = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(VECTORS).as_posix() for p in VECTORS.rglob("*") if p.is_file())
    assert fresh == committed
    differing = [path for path in fresh if (tmp_path / path).read_bytes() != (VECTORS / path).read_bytes()]
    assert differing == [], "regenerate with: perpspec conformance generate"


def test_generation_removes_stale_vector_files(tmp_path):
    """TX-6: a file from an earlier generation that this one does not produce is removed, so the manifest stays complete."""
    write_suite(tmp_path)
    stale = tmp_path / "ledger" / "renamed-scenario.json"
    stale.write_text("{}")
    write_suite(tmp_path)
    assert not stale.exists()


def test_manifest_lists_every_file_with_its_hash():
    """CODEC-2: the manifest's SHA-256 of each file is of its exact bytes, and the suite counts add up."""
    data = manifest()
    assert data["format"] == FORMAT_VERSION
    listed = {entry["path"] for entry in data["files"]}
    on_disk = {p.relative_to(VECTORS).as_posix() for p in VECTORS.rglob("*.json")} - {"manifest.json"}
    assert listed == on_disk
    for entry in data["files"]:
        raw = (VECTORS / entry["path"]).read_bytes()
        assert sha256_hex(raw) == entry["sha256"] and len(raw) == entry["bytes"]
        document = json.loads(raw)
        assert file_bytes(document) == raw  # canonical: sorted keys, indent 2, ASCII, final newline
        assert document["format"] == FORMAT_VERSION and document["suite"] == entry["suite"]
    for suite in SUITES:
        entries = [e for e in data["files"] if e["suite"] == suite]
        assert data["suites"][suite]["vectors"] == sum(e["vectors"] for e in entries)
    total = sum(e["bytes"] for e in data["files"])
    assert total < 5_000_000  # a modest, reviewable size


def test_every_catalogue_function_has_a_vector_file_with_errors_and_edges():
    """CAT-1, CAT-4: one file per catalogue function, each with both outputs and error codes, and a named rule on every case."""
    from perpspec.catalogue import CATALOGUE
    from perpspec.rules import read_rules

    rules = read_rules(REPOSITORY / "spec")
    for name in CATALOGUE:
        document = json.loads((VECTORS / "functions" / f"{name}.json").read_text())
        cases = document["cases"]
        assert len(cases) >= 60
        assert any("output" in c["expected"] for c in cases)
        codes = {c["expected"]["error"]["code"] for c in cases if "error" in c["expected"]}
        assert {"INVALID_TYPE", "MISSING_INPUT", "UNEXPECTED_INPUT"} <= codes
        assert len({c["name"] for c in cases}) == len(cases)
        for case in cases:
            assert case["rules"] and all(rule in rules for rule in case["rules"]), case["name"]
    for path in VECTORS.glob("*/*.json"):
        document = json.loads(path.read_text())
        assert all(rule in rules for rule in document["rules"]), path


def test_every_protocol_error_code_is_expected_by_a_vector():
    """TX-3: every ProtocolError code is expected by a ledger or trace vector, or listed as unreachable by messages with a reason."""
    covered = manifest()["errorCodes"]["covered"]
    codes = set(protocol_error_codes())
    assert set(covered) | set(MESSAGE_UNREACHABLE) == codes
    assert not set(covered) & set(MESSAGE_UNREACHABLE)
    assert all(reason for reason in MESSAGE_UNREACHABLE.values())
    without = {k: v for k, v in covered.items() if k != "INVALID_PRICE"}
    with pytest.raises(AssertionError, match="INVALID_PRICE"):
        check_error_coverage(without)
    with pytest.raises(AssertionError, match="NON_UNIQUE_UPDATES"):
        check_error_coverage({**covered, "NON_UNIQUE_UPDATES": ["ledger/x.json"]})


def test_vector_files_match_the_json_schema():
    """CODEC-1, TX-4: every vector file and the manifest validate against conformance/schema (draft 2020-12)."""
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads((REPOSITORY / "conformance" / "schema" / "vector.schema.json").read_text())
    validator = jsonschema.Draft202012Validator(schema)
    for path in sorted(VECTORS.glob("*/*.json")):
        errors = sorted(validator.iter_errors(json.loads(path.read_text())), key=lambda e: list(e.path))
        assert not errors, f"{path}: {errors[0].message[:200]}"
    manifest_schema = json.loads((REPOSITORY / "conformance" / "schema" / "manifest.schema.json").read_text())
    jsonschema.Draft202012Validator(manifest_schema).validate(manifest())
    broken = json.loads((VECTORS / "ledger" / "deposit.json").read_text())
    broken["steps"][0]["stateHash"] = "not a hash"
    assert list(validator.iter_errors(broken))


# --- the unread-file check -----------------------------------------------------------------------


def test_unread_checker_fails_when_a_vector_file_is_skipped():
    """TX-2: a harness that silently skips a file fails the run, naming the file (every vector file read)."""
    report = run_vectors(
        VECTORS, exclude=[r"^traces/", r"^functions/"], skip=lambda path: path == "ledger/deposit.json"
    )
    assert report.failures == []
    assert report.unread == ["ledger/deposit.json"]
    assert not report.passed()
    text = format_report(report)
    assert "UNREAD ledger/deposit.json" in text and text.rstrip().endswith("(1 vector file(s) never read)")


def test_unread_checker_catches_stray_files_and_tampered_ones(tmp_path):
    """CODEC-2: a file not in the manifest is never read; a file whose bytes differ from its manifest hash is a problem."""
    copy = tmp_path / "vectors"
    shutil.copytree(VECTORS, copy)
    (copy / "ledger" / "stray.json").write_text("{}\n")
    report = run_vectors(copy, exclude=[r"^traces/", r"^functions/(?!is_liquidatable)"])
    assert report.unread == ["ledger/stray.json"] and not report.passed()
    (copy / "ledger" / "stray.json").unlink()
    target = copy / "functions" / "is_liquidatable.json"
    target.write_bytes(target.read_bytes().replace(b'"output": true', b'"output": false', 1))
    report = run_vectors(copy, exclude=[r"^traces/", r"^ledger/", r"^functions/(?!is_liquidatable)"])
    assert report.unread == []
    assert report.problems == [
        "functions/is_liquidatable.json: SHA-256 differs from the manifest's (edited or corrupted)"
    ]
    assert not report.passed()


def test_exclusions_are_reported_not_unread():
    """TX-6: an explicit exclusion is not an unread file; the excluded files are listed."""
    report = run_vectors(VECTORS, exclude=[r"^traces/", r"^functions/"])
    assert report.passed(strict=True)
    assert len(report.excluded) == manifest()["suites"]["traces"]["files"] + manifest()["suites"]["functions"]["files"]
    assert report.suites["ledger"].passed == manifest()["suites"]["ledger"]["vectors"]


def test_wrong_format_version_is_refused(tmp_path):
    """TX-6: a runner refuses vectors of another format version rather than guess."""
    (tmp_path / "manifest.json").write_text(json.dumps({"format": "perpspec conformance format 5", "files": []}))
    with pytest.raises(VectorsUnusable, match="format 5"):
        run_vectors(tmp_path)


# --- wrong adapters are caught ---------------------------------------------------------------------

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


def test_crashing_adapter_fails_the_rest_with_its_stderr(tmp_path):
    """TX-1: an adapter that dies fails every vector after it and the run names the failure."""
    body = """
    def apply(self, request):
        raise SystemExit("boom: cannot apply")
"""
    report = run_vectors(VECTORS, python_adapter(tmp_path, "crashing", body), exclude=ONLY_LEDGER, timeout=20)
    assert report.suites["ledger"].failed == report.suites["ledger"].vectors
    assert any("boom: cannot apply" in problem for problem in report.problems)


# --- the Node.js adapter -----------------------------------------------------------------------------

node = shutil.which("node")


@pytest.mark.skipif(node is None, reason="Node.js is not installed")
def test_node_adapter_passes_every_function_vector():
    """CAT-1..5, UNITS-4..7, MARGIN-1..7, PRICE-4, PRICE-5, FUND-1, ROUND-1..9: the independent BigInt implementation agrees with every function vector (claim CONV-1)."""
    report = run_vectors(VECTORS, [node, str(NODE_ADAPTER)])
    functions = report.suites["functions"]
    assert functions.passed == functions.vectors == manifest()["suites"]["functions"]["vectors"], format_report(report)
    for suite in ("ledger", "traces"):
        assert report.suites[suite].unsupported == report.suites[suite].vectors
    assert report.unread == [] and report.problems == []
    assert report.passed() and not report.passed(strict=True)
    assert report.adapter_name.startswith("perpspec node catalogue")


@pytest.mark.skipif(node is None, reason="Node.js is not installed")
def test_node_adapter_protocol_edges():
    """CAT-2, CAT-5: the Node adapter refuses fractions it cannot see through doubles, keeps big integers exact, and answers protocol errors."""
    requests = [
        '{"id":1,"op":"eval","function":"base_to_quote_quantums","inputs":{"base_quantums":1.0,"atomic_resolution":0,"price_value":1,"price_exponent":0}}',
        '{"id":2,"op":"eval","function":"funding_settlement_ppm","inputs":{"perpetual_funding_index":"100000000000000000000","position_funding_index":0,"position_quantums":-3}}',
        '{"id":3,"op":"reset","genesis":{}}',
        "not json",
        '{"id":5}',
    ]
    completed = subprocess.run(
        [node, str(NODE_ADAPTER)], input="\n".join(requests) + "\n", capture_output=True, text=True, timeout=30
    )
    answers = [json.loads(line) for line in completed.stdout.splitlines()]
    assert answers[0] == {"id": 1, "error": {"code": "INVALID_TYPE", "message": answers[0]["error"]["message"]}}
    assert answers[1]["output"] == {
        "net_settlement_ppm": "300000000000000000000",
        "new_funding_index": "100000000000000000000",
    }
    assert answers[2]["error"]["code"] == "UNSUPPORTED_OP"
    assert answers[3]["id"] is None and answers[3]["error"]["code"] == "MALFORMED_JSON"
    assert answers[4]["id"] == 5 and answers[4]["error"]["code"] == "MALFORMED_REQUEST"


# --- the reference adapter and the comparison ----------------------------------------------------------


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


def test_run_conformance_reports_method_results_for_verify():
    """CLAIM-1: run_conformance gives one passing MethodResult per suite, one for the files read and one for byte-identical regeneration (DET-1)."""
    results = run_conformance(None, VECTORS)
    assert [r.check for r in results] == [
        "functions vectors (reference adapter)",
        "ledger vectors (reference adapter)",
        "traces vectors (reference adapter)",
        "lines vectors (reference adapter)",
        "geneses vectors (reference adapter)",
        "every vector file read",
        "vectors regenerate byte-identical",
    ]
    assert all(r.passed and r.method == "conformance" for r in results), [r.detail for r in results if not r.passed]
    assert "CONV-1" in results[0].claims
    assert {"CONS-1", "ATOM-1", "DET-1", "SOLV-1"} <= set(results[2].claims)
    assert results[-1].claims == ("DET-1",)


# --- lines: raw bytes to the adapters (JSON-1, JSON-2, ADAPTER.md §1-2) --------------------------------------

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


# --- the runner reads answers and vector files strictly (JSON-2) ----------------------------------------


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


def test_a_manifest_that_is_not_strict_json_is_refused(tmp_path):
    """JSON-2: a manifest naming a key twice (or not UTF-8) makes the vectors unusable rather than read one way or the other."""
    (tmp_path / "manifest.json").write_bytes(
        b'{"format": "perpspec conformance format 4", "format": "perpspec conformance format 4", "files": []}'
    )
    with pytest.raises(VectorsUnusable, match="twice"):
        run_vectors(tmp_path)
    (tmp_path / "manifest.json").write_bytes(b'{"format": "\xff"}')
    with pytest.raises(VectorsUnusable, match="not UTF-8"):
        run_vectors(tmp_path)


# --- the line vectors (FORMAT.md §11) ------------------------------------------------------------------

ONLY_LINES = [r"^functions/", r"^ledger/", r"^traces/", r"^geneses/"]


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
