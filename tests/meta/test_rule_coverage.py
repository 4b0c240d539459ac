"""
META-1: every spec rule has implementing code and at least one test, and no undefined ID is cited.
"""

from __future__ import annotations

from helpers.paths import REPOSITORY
from perpspec.rules import compute_coverage, read_rules


def test_spec_defines_rules_once():
    """META-1: rule IDs are unique across spec files, and there are rules to cover."""
    rules = read_rules(REPOSITORY / "spec")
    assert len(rules) > 50


def test_every_rule_has_code():
    """META-1: each rule is cited by code under reference/."""
    assert compute_coverage(REPOSITORY).missing_code() == []


def test_every_rule_has_a_test():
    """META-1: each rule is cited by a test under tests/."""
    assert compute_coverage(REPOSITORY).missing_tests() == []


def test_no_undefined_rule_is_cited():
    """META-1: code and tests cite only IDs the spec defines."""
    assert compute_coverage(REPOSITORY).dangling == {}
