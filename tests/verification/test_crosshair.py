"""
CrossHair checks of the arithmetic claims (CLAIM-1; CONV-1, RISK-1, SOLV-1, ORACLE-1, CONS-2).

CrossHair runs the real functions' int branches under icontract postconditions, through
contracted wrappers; the checker is itself checked on deliberately wrong contracts, which it
must refute with a counterexample.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers.verification import ARITHMETIC_CLAIMS
from perpspec.report import SELF_TEST
from perpspec.verify import crosshair_check
from perpspec.verify.claims import CLAIMS


@pytest.fixture(scope="module")
def crosshair_results():
    return crosshair_check.run_crosshair(quick=True)


def test_contract_descriptions_start_with_a_claim():
    """CLAIM-1: every postcondition of the contracted wrappers starts with a registered claim ID."""
    functions = crosshair_check.read_conditions(crosshair_check.TARGET_MODULE)
    ensures = [c for conditions in functions.values() for c in conditions if c.kind == "ensure"]
    assert len(ensures) >= 25
    assert all(c.claim in CLAIMS for c in ensures), [c.description for c in ensures if c.claim not in CLAIMS]
    assert {c.claim for c in ensures} == ARITHMETIC_CLAIMS


def test_wrappers_call_the_real_functions():
    """CLAIM-1: each contracted wrapper calls a function of the reference, never a copy of it."""
    import ast

    source = Path(crosshair_check._module_file(crosshair_check.TARGET_MODULE)).read_text(encoding="utf-8")
    modules = {"rounding", "units", "margin", "funding", "oracle", "subaccounts", "matching", "fills"}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.decorator_list:
            attributes = [a for a in ast.walk(node) if isinstance(a, ast.Attribute)]
            used = {a.value.id for a in attributes if isinstance(a.value, ast.Name)}
            assert used & modules, node.name


def test_parse_report():
    """CLAIM-1: CrossHair's three outcomes map to confirmed / counterexample / timeout records."""
    conditions = [
        crosshair_check.Condition("f", "ensure", 10, "CONV-1: a"),
        crosshair_check.Condition("f", "ensure", 12, "CONV-1: b"),
        crosshair_check.Condition("f", "ensure", 14, "CONV-1: c"),
        crosshair_check.Condition("f", "require", 16, "ROUND-2: d > 0"),
    ]
    output = (
        "/x/contracted.py:10: info: Confirmed over all paths.\n"
        "/x/contracted.py:12: error: false when calling f(-5, 3) (which returns -2)\n"
        "/x/contracted.py:14: info: Not confirmed.\n"
    )
    records = crosshair_check.parse_report(output, conditions, 7)
    assert [r.status for r in records] == ["confirmed", "counterexample", "timeout"]
    assert records[1].message == "false when calling f(-5, 3) (which returns -2)"


@pytest.mark.crosshair
def test_crosshair_refutes_a_wrong_contract():
    """CLAIM-1, ROUND-3: a floor claimed to be a ceil (and an MMR of the notional, MARGIN-3) gets a counterexample."""
    results = crosshair_check.crosshair_mutation_sanity()
    assert {r.extra["function"] for r in results} == {"floor_claimed_ceil", "mmr_of_notional"}
    for result in results:
        assert result.status == SELF_TEST
        assert result.extra["status"] == "counterexample"
        assert result.counterexample.startswith("false when calling")


@pytest.mark.crosshair
def test_crosshair_quick_has_no_counterexamples(crosshair_results):
    """CLAIM-1: CrossHair finds no counterexample to any claim (CONV-1, RISK-1, SOLV-1, ORACLE-1, CONS-2)."""
    assert all(r.method == "crosshair" for r in crosshair_results)
    bad = [(r.check, r.detail) for r in crosshair_results if r.failed]
    assert bad == []
    statuses = crosshair_check.summarize(crosshair_results)
    assert set(statuses) <= {"confirmed", "timeout"}
    assert statuses.get("confirmed", 0) >= 20
    timed_out = [r for r in crosshair_results if r.extra["status"] == "timeout"]
    assert all("timed out" in r.detail for r in timed_out)
    functions = crosshair_check.read_conditions(crosshair_check.TARGET_MODULE)
    ensures = sum(1 for conditions in functions.values() for c in conditions if c.kind == "ensure")
    assert len(crosshair_results) == ensures
