"""
The planted-bug suite (spec/claims.md, CLAIM-3): each method catches bugs planted in the
real code, and the harness refuses a bug list that has gone stale.
"""

from __future__ import annotations

import pytest

from helpers.paths import REPOSITORY
from perpspec.report import FAILED, METHODS, SELF_TEST
from perpspec.verify.planted import PlantedBug, PlantError, all_bugs, plant, run_planted

REQUIRED_METHODS = {"contracts", "hypothesis", "z3", "crosshair", "tla", "conformance"}
"""The methods that must have planted bugs (CLAIM-3)."""


def test_every_method_has_a_planted_bug():
    """CLAIM-3: each method that checks claims has at least one planted bug, with a unique id."""
    bugs = all_bugs()
    assert {bug.method for bug in bugs} >= REQUIRED_METHODS
    assert {bug.method for bug in bugs} <= set(METHODS)
    assert len({bug.id for bug in bugs}) == len(bugs)


def test_every_planted_text_occurs_exactly_once(tmp_path):
    """CLAIM-3: each bug's text to replace is found once in its module (else the list is stale)."""
    for index, bug in enumerate(all_bugs()):
        root = tmp_path / str(index)
        root.mkdir()
        module = plant(bug, root) / "perpspec" / bug.path
        assert bug.new in module.read_text(encoding="utf-8"), bug.id


def test_a_stale_bug_is_refused(tmp_path):
    """CLAIM-3: a replacement whose text is not in the module is a PlantError, and a failed result."""
    bug = PlantedBug("stale", "z3", ("CONS-1",), "rounding.py", "no such text", "x", ("-c", "0"), "stale")
    with pytest.raises(PlantError):
        plant(bug, tmp_path)
    [result] = run_planted(REPOSITORY, [bug])
    assert result.status == FAILED and "occurs 0 times" in result.detail


def test_a_bug_the_method_misses_fails():
    """CLAIM-3: a command that exits 0 with the bug planted means the method missed it: failed, not self-test."""
    bug = PlantedBug(
        "harmless", "contracts", ("CONS-1",), "rounding.py", "def ceil_div(", "def ceil_div(", ("-c", "pass"), "a no-op"
    )
    [result] = run_planted(REPOSITORY, [bug])
    assert result.status == FAILED and "NOT caught" in result.detail


@pytest.mark.slow
def test_every_planted_bug_is_caught():
    """CLAIM-3, CLAIM-2: every planted bug is caught by its method (a self-test result), its control passing."""
    results = run_planted(REPOSITORY)
    missed = [(r.check, r.status, r.detail) for r in results if r.status != SELF_TEST]
    assert missed == []
    assert {r.method for r in results} >= REQUIRED_METHODS
