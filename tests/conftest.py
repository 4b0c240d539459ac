"""
Test-run settings (spec/invariants.md, INV-8), the hypothesis profiles and the slow markers.

The tests run with contracts strict: every icontract condition, and the TX-2 comparison of
the whole state around each rejected message.  The switch is read when perpspec is first
imported, which is after this file, so it is set here; a run may override it.

Hypothesis profiles, chosen by ``HYPOTHESIS_PROFILE`` (or hypothesis's ``--hypothesis-profile``):

- ``ci`` (the default): the example counts the tests state, derandomized, no example database;
- ``dev``: a tenth of them, for the per-rule loop (``pytest -m "not slow"``);
- ``thorough``: ten times as many, random, with the example database (``.hypothesis/``) so a
  failure found once is replayed.

Each property states its count for ``ci`` through ``helpers.budget.examples``, which scales
it by the loaded profile.

Markers (pyproject.toml): ``slow`` deselects the long checks from the per-rule loop; ``tla``,
``crosshair``, ``z3`` and ``conformance`` name the tool a test runs, and each implies ``slow``
(added here at collection).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import settings

os.environ.setdefault("PERPSPEC_CONTRACTS", "strict")

pytest.register_assert_rewrite("helpers")

settings.register_profile("ci", max_examples=100, derandomize=True, database=None)
settings.register_profile("dev", max_examples=10, derandomize=True, database=None)
settings.register_profile("thorough", max_examples=1_000, derandomize=False)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

TOOL_MARKERS = ("tla", "crosshair", "z3", "conformance")
"""Markers of the tools a test runs; each implies ``slow``."""


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``slow`` every test that runs one of the tools, before ``-m`` selects."""
    for item in items:
        if any(item.get_closest_marker(name) for name in TOOL_MARKERS):
            item.add_marker(pytest.mark.slow)
