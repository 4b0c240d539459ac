"""
The unread-file check (Lighthouse's check_all_files_accessed): a skipped or stray file fails the
run, a tampered file fails its manifest hash, exclusions are reported, and vectors of another
format or a manifest that is not strict JSON are refused (TX-2, TX-6, CODEC-2, JSON-2).
"""

from __future__ import annotations

import json
import shutil

import pytest

from helpers.conformance import manifest
from helpers.paths import VECTORS
from perpspec.conformance.runner import VectorsUnusable, format_report, run_vectors


@pytest.mark.conformance
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


@pytest.mark.conformance
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


@pytest.mark.conformance
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
