"""
Seeded random ledger runs of ``perpspec.simulation.run_random``, with contracts on (INV-8).
"""

from __future__ import annotations

import pytest

from perpspec.simulation import run_random

pytestmark = pytest.mark.slow


def test_run_random_two_seeds():
    """TX-2, INV-1..INV-6: perpspec.simulation.run_random finds no violation in 2,000 steps for two seeds."""
    for seed in (1, 2024):
        report = run_random(seed, 2000)
        assert report.steps == 2000
        assert report.violations == []
        assert report.accepted > 0 and report.rejected > 0
        assert report.accepted + report.rejected == 2000
