"""
Function vectors: cases for every catalogue function (spec/catalogue.md, CAT-1..5).

Each function gets three kinds of cases:

- hand-written ones, most with their expected value worked by hand in the comment and
  asserted here against the reference, so a reference defect stops the generator
  instead of being frozen into a vector;
- generic ones derived from the function's input types: every bounded input at its
  minimum, its maximum and one past each end (CAT-4), the input encodings of CAT-2
  (decimal strings, fractions, booleans, null, lists), and a missing and an extra
  input (CAT-5);
- seeded random ones (fixed seeds, so regeneration is byte-identical, TX-6).

Expected outputs and error codes come from ``perpspec.catalogue.evaluate_line``, the
code behind ``perpspec eval``; error messages are dropped, since vectors record codes
(TX-3).

The cases are built in one module per spec family, all on the machinery of ``cases``
(``Case``, ``FunctionCases``, ``Raw``, the generic and the random cases, the shared
markets):

- ``units``: base to quote and quote to base quantums (spec/units.md, UNITS-4, UNITS-5);
- ``subticks``: the fill value, prices in subticks, the average price (spec/units.md,
  UNITS-6, UNITS-7);
- ``margin``: the initial margin fraction and the margin requirements (spec/margin.md,
  MARGIN-1..3);
- ``risk``: the net notional, liquidatability and the risk order (spec/margin.md,
  MARGIN-4, MARGIN-6, MARGIN-7);
- ``oracle``: the median and the minimum price change (spec/prices.md, PRICE-4, PRICE-5);
- ``funding``: funding settlement (spec/funding.md, FUND-1);
- ``liquidation``: the risk engine's sizes, limits, prices and predicates (spec/liquidations.md,
  LIQ-1..9, INS-1; spec/deleveraging.md, DEL-1; SUB-8);
- ``deleveraging``: one deleveraging fill (spec/deleveraging.md, DEL-3);
- ``oracle``: the median, the minimum price change and the acceptance of a proposed price
  (spec/prices.md, PRICE-4, PRICE-5, PRICE-10);
- ``funding``: funding settlement, the premium of a book, samples, tails, the tick, the index
  move and the clamp (spec/funding.md, FUND-1, FUND-4..8);
- ``requests``: the request-level cases of no single function (spec/catalogue.md, CAT-1,
  CAT-5).

A family module imports ``cases`` and the reference's public names, never another family
module.  This module holds the registry: which builder makes which function's file, the
claims each file pins down, and the documents in catalogue order, the request-level file
last (``perpspec.conformance.generate``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from perpspec.catalogue import CATALOGUE
from perpspec.conformance.functions import (
    deleveraging,
    funding,
    liquidation,
    margin,
    oracle,
    requests,
    risk,
    subticks,
    units,
)
from perpspec.conformance.functions.cases import FunctionCases, case_json, expected_answer, merge_rules

FUNCTION_CLAIMS: dict[str, tuple[str, ...]] = {
    "base_to_quote_quantums": ("CONV-1",),
    "quote_to_base_quantums": ("CONV-1",),
    "fill_quote_quantums_from_subticks": ("CONV-1",),
    "average_price_subticks": ("CONV-1",),
    "price_to_subticks": ("CONV-1",),
    "subticks_to_price": ("CONV-1",),
    "adjusted_initial_margin_ppm": ("RISK-1",),
    "initial_margin_quote_quantums": ("RISK-1",),
    "maintenance_margin_ppm": ("RISK-1",),
    "perpetual_margin_requirements": ("RISK-1",),
    "position_net_notional_quote_quantums": ("CONV-1",),
    "is_liquidatable": (),
    "risk_compare": ("SOLV-1",),
    "median_round_half_away_from_zero": ("ORACLE-1",),
    "min_price_change_amount": (),
    "funding_settlement_ppm": ("CONS-2",),
    "liquidatable_position_size_delta": (),
    "position_notional_liquidatable_bounds": (),
    "subaccount_max_notional_liquidatable": (),
    "subaccount_max_insurance_lost": (),
    "is_valid_insurance_fund_delta": (),
    "can_deleverage_subaccount": (),
    "is_valid_state_transition_for_undercollateralized_subaccount": ("SOLV-1",),
    "bankruptcy_price_quote_quantums": ("BANKR-1",),
    "liquidation_fillable_price": ("BANKR-1",),
    "fillable_price_to_subticks": ("BANKR-1",),
    "liquidation_insurance_fund_delta": ("BANKR-1",),
    "process_deleveraging": ("CONS-5",),
    "premium_sample_from_votes": (),
    "remove_sample_tails": (),
    "funding_tick": ("CONS-4",),
    "funding_index_delta": ("CONS-4",),
    "max_abs_funding_clamp_ppm": (),
    "max_allowed_price_delta": (),
    "price_update_sqrt_condition": ("ORACLE-2",),
    "price_delta_within_one_tick": ("ORACLE-2",),
    "price_premium_ppm": (),
}
"""The claims (spec/claims.md) whose functions each file's vectors pin down."""

REQUESTS_FILE = "_requests"
"""The file of request-level cases (unknown function, malformed request), not tied to one function."""


BUILDERS: dict[str, Callable[[FunctionCases], None]] = {
    "base_to_quote_quantums": units.base_to_quote_cases,
    "quote_to_base_quantums": units.quote_to_base_cases,
    "fill_quote_quantums_from_subticks": subticks.fill_quote_cases,
    "average_price_subticks": subticks.average_price_cases,
    "price_to_subticks": subticks.price_to_subticks_cases,
    "subticks_to_price": subticks.subticks_to_price_cases,
    "adjusted_initial_margin_ppm": margin.adjusted_imf_cases,
    "initial_margin_quote_quantums": margin.initial_margin_cases,
    "maintenance_margin_ppm": margin.maintenance_margin_ppm_cases,
    "perpetual_margin_requirements": margin.margin_requirements_cases,
    "position_net_notional_quote_quantums": risk.net_notional_cases,
    "is_liquidatable": risk.is_liquidatable_cases,
    "risk_compare": risk.risk_compare_cases,
    "median_round_half_away_from_zero": oracle.median_cases,
    "min_price_change_amount": oracle.min_price_change_cases,
    "funding_settlement_ppm": funding.funding_cases,
    "liquidatable_position_size_delta": liquidation.size_delta_cases,
    "position_notional_liquidatable_bounds": liquidation.bounds_cases,
    "subaccount_max_notional_liquidatable": liquidation.subaccount_max_notional_cases,
    "subaccount_max_insurance_lost": liquidation.subaccount_max_insurance_cases,
    "is_valid_insurance_fund_delta": liquidation.insurance_fund_delta_validity_cases,
    "can_deleverage_subaccount": liquidation.can_deleverage_cases,
    "is_valid_state_transition_for_undercollateralized_subaccount": liquidation.undercollateralized_cases,
    "bankruptcy_price_quote_quantums": liquidation.bankruptcy_price_cases,
    "liquidation_fillable_price": liquidation.fillable_price_cases,
    "fillable_price_to_subticks": liquidation.subticks_cases,
    "liquidation_insurance_fund_delta": liquidation.insurance_fund_delta_cases,
    "process_deleveraging": deleveraging.process_deleveraging_cases,
    "premium_sample_from_votes": funding.premium_sample_cases,
    "remove_sample_tails": funding.remove_sample_tails_cases,
    "funding_tick": funding.funding_tick_cases,
    "funding_index_delta": funding.funding_index_delta_cases,
    "max_abs_funding_clamp_ppm": funding.max_abs_funding_clamp_cases,
    "max_allowed_price_delta": oracle.max_allowed_price_delta_cases,
    "price_update_sqrt_condition": oracle.sqrt_condition_cases,
    "price_delta_within_one_tick": oracle.within_one_tick_cases,
    "price_premium_ppm": funding.price_premium_cases,
}


def build_function_documents() -> dict[str, dict]:
    """Every function file's document, keyed by file stem (CAT-1: one file per catalogue function)."""
    missing = sorted(set(CATALOGUE) - set(BUILDERS))
    if missing:
        raise AssertionError(f"catalogue functions without vectors: {', '.join(missing)}")
    documents: dict[str, dict] = {}
    for name, entry in CATALOGUE.items():
        fc = FunctionCases(name)
        BUILDERS[name](fc)
        documents[name] = {
            "suite": "functions",
            "name": name,
            "function": name,
            "description": f"Cases of the catalogue function {name} (spec/catalogue.md, CAT-1).",
            "inputs": [{"name": n, "type": _type_name(k)} for n, k in entry.inputs],
            "rules": list(merge_rules(entry.rules, ("CAT-1", "CAT-2", "CAT-3", "CAT-4", "CAT-5"))),
            "claims": list(FUNCTION_CLAIMS.get(name, ())),
            "cases": [case_json(c) for c in fc.cases],
        }
    fc = FunctionCases(REQUESTS_FILE)
    requests.request_cases(fc)
    documents[REQUESTS_FILE] = {
        "suite": "functions",
        "name": REQUESTS_FILE,
        "function": None,
        "description": "Request-level answers of the catalogue: unknown functions and malformed requests (CAT-1, CAT-5).",
        "inputs": [],
        "rules": ["CAT-1", "CAT-5"],
        "claims": [],
        "cases": [case_json(c) for c in fc.cases],
    }
    return documents


def _type_name(kind: Any) -> str:
    """The input's protocol type as the vectors name it: an integer type, a list, an object, a choice (CAT-4)."""
    return str(kind.name)


__all__ = ["FUNCTION_CLAIMS", "REQUESTS_FILE", "build_function_documents", "expected_answer"]
