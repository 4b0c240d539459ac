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


def test_wrappers_call_the_real_functions_and_decide_nothing():
    """CLAIM-1: each wrapper calls a reference function and takes no decision of its own (no if, and/or)."""
    import ast

    source = Path(crosshair_check._module_file(crosshair_check.TARGET_MODULE)).read_text(encoding="utf-8")
    modules = {"rounding", "units", "margin", "funding", "oracle", "subaccounts", "matching", "fills"}
    for node in ast.parse(source).body:
        if isinstance(node, ast.FunctionDef) and node.decorator_list:
            body = [n for statement in node.body for n in ast.walk(statement)]
            used = {a.value.id for a in body if isinstance(a, ast.Attribute) and isinstance(a.value, ast.Name)}
            assert used & modules, node.name
            # a branch in a wrapper would be a re-typed decision of the code under check (issue 12)
            assert not [n for n in body if isinstance(n, ast.If | ast.IfExp | ast.BoolOp)], node.name


@pytest.mark.crosshair
def test_crosshair_catches_the_planted_solvency_bug():
    """CLAIM-3, SOLV-1, SUB-7: NC >= MMR planted in the real decision (compute_update_result) fails CrossHair."""
    from perpspec.verify.planted import crosshair as planted_crosshair
    from perpspec.verify.planted import run_planted

    (bug,) = [b for b in planted_crosshair.BUGS if b.id == "crosshair-solv1-decides-on-maintenance-margin"]
    (result,) = run_planted(Path(__file__).resolve().parents[2], [bug])
    assert result.status == SELF_TEST, result.detail


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


CONFIRMED = {
    "adjusted_initial_margin_ppm": 1,
    "adjusted_initial_margin_ppm_pair": 1,
    "base_to_quote_btc": 1,
    "base_to_quote_btc_pair": 1,
    "base_to_quote_e2": 1,
    "ceil_div": 1,
    "fast_maintenance_margin_rounds_up": 2,
    "fill_quote_quantums": 1,
    "floor_div": 1,
    "initial_margin_rounds_up": 2,
    "maintenance_margin_ppm": 1,
    "maintenance_margin_rounds_up": 2,
    "match_quote_deltas": 1,
    "mean_round_half_away_from_zero": 2,
    "median_of_five_two_wrong": 1,
    "median_of_four_one_wrong": 1,
    "median_of_three_one_wrong": 1,
    "mul_pow10_ceil_minus12": 1,
    "mul_pow10_floor_minus6": 1,
    "mul_pow10_plus3": 1,
    "mul_pow10_trunc_minus9": 1,
    "mul_ppm_ceil": 1,
    "mul_ppm_floor": 1,
    "perpetual_margin_requirements_btc_long": 2,
    "perpetual_margin_requirements_btc_short": 2,
    "perpetual_margin_requirements_e0": 2,
    "quote_to_base_btc": 1,
    "quote_to_base_e2": 1,
    "reduce_only_fill": 4,
    "settle_long_and_short": 1,
    "settle_three_summing_to_zero": 1,
    "settlement_quote_quantums": 1,
    "trunc_div": 1,
    "undercollateralized_result": 2,
    "withdrawal_accepted": 1,
}
"""Every contracted function, with how many postconditions CrossHair must confirm in quick mode: all of them."""


def test_the_confirmed_list_names_every_condition():
    """CLAIM-2: the list of conditions that must be confirmed is every postcondition, by function."""
    functions = crosshair_check.read_conditions(crosshair_check.TARGET_MODULE)
    ensures = {name: sum(c.kind == "ensure" for c in conditions) for name, conditions in functions.items()}
    assert ensures == CONFIRMED


@pytest.mark.crosshair
def test_crosshair_quick_confirms_every_condition(crosshair_results):
    """CLAIM-1, CLAIM-2: in quick mode CrossHair confirms each named condition; a timeout is a regression, not a pass."""
    assert all(r.method == "crosshair" for r in crosshair_results)
    bad = [(r.check, r.detail) for r in crosshair_results if r.failed]
    assert bad == []
    confirmed: dict[str, int] = {}
    for r in crosshair_results:
        if r.extra["status"] == "confirmed":
            confirmed[r.extra["function"]] = confirmed.get(r.extra["function"], 0) + 1
    not_confirmed = [(r.check, r.detail) for r in crosshair_results if r.extra["status"] != "confirmed"]
    assert confirmed == CONFIRMED, not_confirmed
