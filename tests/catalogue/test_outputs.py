"""
The function catalogue's outputs (spec/catalogue.md, CAT-1..CAT-3): each function on
hand-worked inputs, integers in as numbers or strings, wrong types, large outputs as strings.

Expected values are worked by hand from spec/units.md and spec/margin.md; each case shows
its working.  Requests are evaluated through helpers/catalogue.py.
"""

from __future__ import annotations

import pytest

from helpers.catalogue import error_code, output


@pytest.mark.parametrize(
    "function, inputs, expected",
    [
        # e = -5 + -10 + 6 = -9; 1e10 * 2868819524 / 1e9 = 28688195240
        (
            "base_to_quote_quantums",
            {"base_quantums": "10000000000", "atomic_resolution": -10, "price_value": 2868819524, "price_exponent": -5},
            28688195240,
        ),
        # e = -9: -9 * 1 / 1e9 = -9e-9, truncated toward zero = 0
        (
            "base_to_quote_quantums",
            {"base_quantums": -9, "atomic_resolution": -10, "price_value": 1, "price_exponent": -5},
            0,
        ),
        # e = -9; 28688195240 * 1e9 / 2868819524 = 1e10 exactly
        (
            "quote_to_base_quantums",
            {"quote_quantums": 28688195240, "atomic_resolution": -10, "price_value": 2868819524, "price_exponent": -5},
            10000000000,
        ),
        # 7 subticks * 3 base * 10^-1 = 2.1 -> floor 2
        (
            "fill_quote_quantums_from_subticks",
            {"subticks": 7, "base_quantums": 3, "quantum_conversion_exponent": -1},
            2,
        ),
        # 10 * 10^1 / 4 = 25 -> [25, 1]; 10 * 10^-(-1)... qce = -1: 10 * 10 / 4 = 25
        (
            "average_price_subticks",
            {"quote_quantums": 10, "base_quantums": 4, "quantum_conversion_exponent": -1},
            [25, 1],
        ),
        # qce = 1: 10 / (4 * 10) = 1/4
        (
            "average_price_subticks",
            {"quote_quantums": 10, "base_quantums": 4, "quantum_conversion_exponent": 1},
            [1, 4],
        ),
        # exponent = -5 - (-9) + -10 - (-6) = 0 -> 2868819524
        (
            "price_to_subticks",
            {
                "price_value": 2868819524,
                "price_exponent": -5,
                "base_atomic_resolution": -10,
                "quote_atomic_resolution": -6,
                "quantum_conversion_exponent": -9,
            },
            [2868819524, 1],
        ),
        # exponent = -6 + 9 - 7 + 6 = 2 ... SOL: pe -8, bar -7: -8 + 9 - 7 + 6 = 0; use pe -9 -> -1: 15 / 10 = 3/2
        (
            "price_to_subticks",
            {
                "price_value": 15,
                "price_exponent": -9,
                "base_atomic_resolution": -7,
                "quote_atomic_resolution": -6,
                "quantum_conversion_exponent": -9,
            },
            [3, 2],
        ),
        # exponent -1 -> price = floor(15 * 10^1) = 150
        (
            "subticks_to_price",
            {
                "subticks": 15,
                "price_exponent": -9,
                "base_atomic_resolution": -7,
                "quote_atomic_resolution": -6,
                "quantum_conversion_exponent": -9,
            },
            150,
        ),
        # between caps: 100000 + floor(900000 * 5 / 10) = 550000
        (
            "adjusted_initial_margin_ppm",
            {
                "initial_margin_ppm": 100000,
                "open_interest_lower_cap": 10,
                "open_interest_upper_cap": 20,
                "open_interest_notional": 15,
            },
            550000,
        ),
        # ceil(1 * 550000 / 1e6) = 1
        (
            "initial_margin_quote_quantums",
            {
                "notional_quote_quantums": 1,
                "initial_margin_ppm": 100000,
                "open_interest_lower_cap": 10,
                "open_interest_upper_cap": 20,
                "open_interest_notional": 15,
            },
            1,
        ),
        # floor(20000 * 600000 / 1e6) = 12000
        ("maintenance_margin_ppm", {"initial_margin_ppm": 20000, "maintenance_fraction_ppm": 600000}, 12000),
        # notional 28688195240; IMR ceil(*20000/1e6) = 573763905 (573763904.8); MMR ceil(573763905*0.6) = 344258343
        (
            "perpetual_margin_requirements",
            {
                "position_quantums": "-10000000000",
                "atomic_resolution": -10,
                "price_value": 2868819524,
                "price_exponent": -5,
                "initial_margin_ppm": 20000,
                "maintenance_fraction_ppm": 600000,
                "open_interest_base_quantums": "10000000000",
                "open_interest_lower_cap": 0,
                "open_interest_upper_cap": 0,
            },
            {"imr": 573763905, "mmr": 344258343},
        ),
        (
            "position_net_notional_quote_quantums",
            {
                "position_quantums": "-10000000000",
                "atomic_resolution": -10,
                "price_value": 2868819524,
                "price_exponent": -5,
            },
            -28688195240,
        ),
        ("is_liquidatable", {"net_collateral": -5, "maintenance_margin_requirement": 0}, False),
        ("is_liquidatable", {"net_collateral": 4, "maintenance_margin_requirement": 5}, True),
        # 1/1 vs 2/1: first has the lower ratio, so it is riskier: sign(2*1 - 1*1) = 1
        ("risk_compare", {"first_nc": 1, "first_mmr": 1, "second_nc": 2, "second_mmr": 1}, 1),
        # mean of 1 and 2 is 1.5 -> 2; of -2 and -1 is -1.5 -> -2
        ("median_round_half_away_from_zero", {"values": [2, 1]}, 2),
        ("median_round_half_away_from_zero", {"values": [-1, -2]}, -2),
        (
            "median_round_half_away_from_zero",
            {"values": ["18446744073709551615", "18446744073709551614"]},
            "18446744073709551615",
        ),
        # floor(2868819524 * 1000 / 1e6) = 2868819
        ("min_price_change_amount", {"current_price": 2868819524, "min_price_change_ppm": 1000}, 2868819),
        # -(10 - 4) * 3 = -18
        (
            "funding_settlement_ppm",
            {"perpetual_funding_index": 10, "position_funding_index": 4, "position_quantums": 3},
            {"net_settlement_ppm": -18, "new_funding_index": 10},
        ),
    ],
)
def test_hand_worked_outputs(function, inputs, expected):
    """CAT-1, CAT-3: each function's output for hand-worked inputs, encoded as the spec says."""
    assert output(function, **inputs) == expected


def test_integers_in_as_numbers_or_strings():
    """CAT-2: an integer input may be a JSON number or a decimal string; both give the same output."""
    as_numbers = output("maintenance_margin_ppm", initial_margin_ppm=20000, maintenance_fraction_ppm=600000)
    as_strings = output("maintenance_margin_ppm", initial_margin_ppm="20000", maintenance_fraction_ppm="600000")
    assert as_numbers == as_strings == 12000


@pytest.mark.parametrize(
    "bad", ["1.5", "1.0", "1e3", "true", "null", "[1]", '{"a":1}', '"1.5"', '" 1"', '"0x10"', '""']
)
def test_wrong_types_are_refused(bad):
    """CAT-2: fractions, booleans, null, lists, objects and non-decimal strings are INVALID_TYPE."""
    line = (
        f'{{"function":"maintenance_margin_ppm","inputs":{{"initial_margin_ppm":{bad},"maintenance_fraction_ppm":1}}}}'
    )
    assert error_code(line) == "INVALID_TYPE"


def test_large_outputs_are_strings():
    """CAT-3: integers beyond 2^53 are decimal strings, 2^53 itself a number."""
    assert output(
        "funding_settlement_ppm", perpetual_funding_index=2**53, position_funding_index=0, position_quantums=-1
    ) == {
        "net_settlement_ppm": 2**53,
        "new_funding_index": 2**53,
    }
    big = output(
        "funding_settlement_ppm", perpetual_funding_index=2**53 + 1, position_funding_index=0, position_quantums=-1
    )
    assert big == {"net_settlement_ppm": str(2**53 + 1), "new_funding_index": str(2**53 + 1)}
