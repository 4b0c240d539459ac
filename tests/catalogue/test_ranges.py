"""
The function catalogue's ranges (spec/catalogue.md, CAT-4): values outside the protocol's
ranges, the Go functions' answers outside the validation ranges, and implementation limits.

Expected values are worked by hand from spec/units.md and spec/margin.md; each case shows
its working.  Requests are evaluated through helpers/catalogue.py.
"""

from __future__ import annotations

import pytest

from helpers.catalogue import error_code, evaluate, output


@pytest.mark.parametrize(
    "function, inputs, code",
    [
        (
            "fill_quote_quantums_from_subticks",
            {"subticks": "18446744073709551616", "base_quantums": 1, "quantum_conversion_exponent": 0},
            "OUT_OF_RANGE",
        ),
        (
            "fill_quote_quantums_from_subticks",
            {"subticks": -1, "base_quantums": 1, "quantum_conversion_exponent": 0},
            "OUT_OF_RANGE",
        ),
        (
            "base_to_quote_quantums",
            {"base_quantums": 1, "atomic_resolution": 2**31, "price_value": 1, "price_exponent": 0},
            "OUT_OF_RANGE",
        ),
        ("maintenance_margin_ppm", {"initial_margin_ppm": 0, "maintenance_fraction_ppm": 1000001}, "OUT_OF_RANGE"),
        ("maintenance_margin_ppm", {"initial_margin_ppm": 2**32, "maintenance_fraction_ppm": 0}, "OUT_OF_RANGE"),
        # Go's util_test: max uint64 price at 1_000_001 ppm overflows a uint64 and panics
        (
            "min_price_change_amount",
            {"current_price": "18446744073709551615", "min_price_change_ppm": 1000001},
            "RESULT_OUT_OF_RANGE",
        ),
        (
            "adjusted_initial_margin_ppm",
            {
                "initial_margin_ppm": 1000001,
                "open_interest_lower_cap": 1,
                "open_interest_upper_cap": 3,
                "open_interest_notional": 2,
            },
            "INVALID_ARGUMENT",
        ),
        (
            "quote_to_base_quantums",
            {"quote_quantums": 1, "atomic_resolution": 0, "price_value": 0, "price_exponent": 0},
            "INVALID_ARGUMENT",
        ),
        (
            "average_price_subticks",
            {"quote_quantums": 1, "base_quantums": 0, "quantum_conversion_exponent": 0},
            "INVALID_ARGUMENT",
        ),
        ("median_round_half_away_from_zero", {"values": []}, "INVALID_ARGUMENT"),
        ("median_round_half_away_from_zero", {"values": [-1, "18446744073709551615"]}, "OUT_OF_RANGE"),
        (
            "subticks_to_price",
            {
                "subticks": "18446744073709551615",
                "price_exponent": 0,
                "base_atomic_resolution": 0,
                "quote_atomic_resolution": 0,
                "quantum_conversion_exponent": 1,
            },
            "RESULT_OUT_OF_RANGE",
        ),
        (
            "base_to_quote_quantums",
            {"base_quantums": 1, "atomic_resolution": 0, "price_value": 1, "price_exponent": 2**31 - 1},
            "LIMIT_EXCEEDED",
        ),
    ],
)
def test_ranges(function, inputs, code):
    """CAT-4: values outside the protocol's ranges, rejected combinations and implementation limits."""
    assert evaluate(function, **inputs)["error"]["code"] == code


@pytest.mark.parametrize(
    "function, inputs, expected",
    [
        # lower > upper: oi <= lower returns imf, oi > lower >= upper returns 100%; Go never reaches its panic
        (
            "adjusted_initial_margin_ppm",
            {
                "initial_margin_ppm": 5,
                "open_interest_lower_cap": 2,
                "open_interest_upper_cap": 1,
                "open_interest_notional": 0,
            },
            5,
        ),
        (
            "adjusted_initial_margin_ppm",
            {
                "initial_margin_ppm": 5,
                "open_interest_lower_cap": 2,
                "open_interest_upper_cap": 1,
                "open_interest_notional": 3,
            },
            1000000,
        ),
        # an IMF above 100% outside the caps is returned as is
        (
            "adjusted_initial_margin_ppm",
            {
                "initial_margin_ppm": 1000001,
                "open_interest_lower_cap": 0,
                "open_interest_upper_cap": 0,
                "open_interest_notional": 9,
            },
            1000001,
        ),
        # floor(2000000 * 500000 / 1e6) = 1000000: Go computes this for any uint32 IMF
        ("maintenance_margin_ppm", {"initial_margin_ppm": 2000000, "maintenance_fraction_ppm": 500000}, 1000000),
        # floor(1000 * 20000 / 1e6) = 20: Go computes for any uint32 ppm
        ("min_price_change_amount", {"current_price": 1000, "min_price_change_ppm": 20000}, 20),
        # at 1,000 ppm: floor(123000 / 1000) = 123, floor(1234 / 1000) = 1, 0 -> 0
        ("min_price_change_amount", {"current_price": 123000, "min_price_change_ppm": 1000}, 123),
        ("min_price_change_amount", {"current_price": 1234, "min_price_change_ppm": 1000}, 1),
        ("min_price_change_amount", {"current_price": 0, "min_price_change_ppm": 1000}, 0),
    ],
)
def test_go_function_semantics_outside_validation_ranges(function, inputs, expected):
    """CAT-4: outside the state machine's parameter ranges, the catalogue answers what the Go function returns."""
    assert output(function, **inputs) == expected


def test_huge_negative_exponent_is_exact_not_refused():
    """CAT-4 with ROUND-7: dividing by 10^(2^31) is answered exactly (truncation gives 0)."""
    assert (
        output("base_to_quote_quantums", base_quantums=-5, atomic_resolution=-(2**31), price_value=1, price_exponent=0)
        == 0
    )


def test_too_many_digits():
    """CAT-4: integers of more than 1,000 digits are OUT_OF_RANGE, as strings and as JSON numbers."""
    digits = "9" * 1001
    assert (
        error_code(
            f'{{"function":"is_liquidatable","inputs":{{"net_collateral":"{digits}","maintenance_margin_requirement":0}}}}'
        )
        == "OUT_OF_RANGE"
    )
    assert (
        error_code(
            f'{{"function":"is_liquidatable","inputs":{{"net_collateral":{digits},"maintenance_margin_requirement":0}}}}'
        )
        == "OUT_OF_RANGE"
    )
