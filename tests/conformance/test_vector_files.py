"""
The committed vector files (conformance/FORMAT.md): the manifest's hashes and counts, a file
per catalogue function with errors and edges, every error code expected somewhere, and the
JSON Schema (CAT-1, CAT-4, TX-3, TX-4, CODEC-1, CODEC-2).
"""

from __future__ import annotations

import json

import pytest

from helpers.conformance import manifest
from helpers.paths import REPOSITORY, VECTORS
from perpspec.conformance.format import FORMAT_VERSION, SUITES, file_bytes, sha256_hex
from perpspec.conformance.generate import MESSAGE_UNREACHABLE, check_error_coverage, protocol_error_codes


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
    assert total < 8_000_000  # a modest, reviewable size (raised from 5e6 for the risk engine's twenty-one new files)


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
