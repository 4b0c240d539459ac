"""
Generating the vectors (conformance/FORMAT.md): regenerating them gives byte-identical files
(TX-6, CODEC-2; claim DET-1), and a stale file of an earlier generation goes.
"""

from __future__ import annotations

import pytest

from helpers.paths import VECTORS
from perpspec.conformance.generate import write_suite


@pytest.mark.conformance
def test_regeneration_is_byte_identical(tmp_path):
    """TX-6, CODEC-2: regenerating the vectors into a fresh folder gives the committed bytes, file for file (claim DET-1)."""
    write_suite(tmp_path)
    fresh = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*") if p.is_file())
    committed = sorted(p.relative_to(VECTORS).as_posix() for p in VECTORS.rglob("*") if p.is_file())
    assert fresh == committed
    differing = [path for path in fresh if (tmp_path / path).read_bytes() != (VECTORS / path).read_bytes()]
    assert differing == [], "regenerate with: perpspec conformance generate"


@pytest.mark.conformance
def test_generation_removes_stale_vector_files(tmp_path):
    """TX-6: a file from an earlier generation that this one does not produce is removed, so the manifest stays complete."""
    write_suite(tmp_path)
    stale = tmp_path / "ledger" / "renamed-scenario.json"
    stale.write_text("{}")
    write_suite(tmp_path)
    assert not stale.exists()
