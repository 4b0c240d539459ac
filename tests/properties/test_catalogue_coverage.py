"""
The catalogue properties cover the catalogue functions (spec/catalogue.md, CAT-1).
"""

from __future__ import annotations

import re

from helpers.paths import REPOSITORY
from perpspec.catalogue import CATALOGUE


def test_every_catalogue_function_has_properties():
    """CAT-1: the property modules (tests/properties/test_*_properties.py) cover each of the catalogue functions."""
    assert set(CATALOGUE) == {
        "base_to_quote_quantums",
        "quote_to_base_quantums",
        "fill_quote_quantums_from_subticks",
        "average_price_subticks",
        "price_to_subticks",
        "subticks_to_price",
        "adjusted_initial_margin_ppm",
        "initial_margin_quote_quantums",
        "maintenance_margin_ppm",
        "perpetual_margin_requirements",
        "position_net_notional_quote_quantums",
        "is_liquidatable",
        "risk_compare",
        "median_round_half_away_from_zero",
        "min_price_change_amount",
        "funding_settlement_ppm",
        "liquidatable_position_size_delta",
        "position_notional_liquidatable_bounds",
        "subaccount_max_notional_liquidatable",
        "subaccount_max_insurance_lost",
        "is_valid_insurance_fund_delta",
        "can_deleverage_subaccount",
        "is_valid_state_transition_for_undercollateralized_subaccount",
        "bankruptcy_price_quote_quantums",
        "liquidation_fillable_price",
        "fillable_price_to_subticks",
        "liquidation_insurance_fund_delta",
        "process_deleveraging",
        "premium_sample_from_votes",
        "remove_sample_tails",
        "funding_tick",
        "funding_index_delta",
        "max_abs_funding_clamp_ppm",
        "max_allowed_price_delta",
        "price_update_sqrt_condition",
        "price_delta_within_one_tick",
        "price_premium_ppm",
    }
    # each is checked against the catalogue's own answer by at least one property
    modules = sorted((REPOSITORY / "tests" / "properties").glob("test_*_properties.py"))
    checked = {
        name
        for path in modules
        for name in re.findall(r'catalogue_(?:list_)?output\(\s*"(\w+)"', path.read_text(encoding="utf-8"))
    }
    assert checked == set(CATALOGUE)
