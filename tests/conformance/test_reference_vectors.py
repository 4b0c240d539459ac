"""
The reference passes every committed vector through its own adapter process (CAT-1..5,
TX-1..6, CODEC-3; claims CONV-1, CONS-1, ATOM-1, DET-1, SOLV-1), and ``run_conformance``
reports it to ``perpspec verify`` (CLAIM-1).
"""

from __future__ import annotations

import pytest

from helpers.conformance import manifest
from helpers.paths import VECTORS
from perpspec.conformance.format import SUITES
from perpspec.conformance.runner import format_report, run_conformance, run_vectors


@pytest.fixture(scope="module")
def reference_report():
    return run_vectors(VECTORS)


@pytest.mark.conformance
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


@pytest.mark.conformance
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
    assert all(r.status == "checked" and r.method == "conformance" for r in results), [
        r.detail for r in results if r.failed
    ]
    assert "CONV-1" in results[0].claims
    assert {"CONS-1", "ATOM-1", "DET-1", "SOLV-1"} <= set(results[2].claims)
    assert results[-1].claims == ("DET-1",)
