"""
Per-rule tests of the funding arithmetic (spec/funding.md, FUND-1, FUND-2).

Every expected number is worked out by hand from the formulas in spec/ (and the chain
semantics they mirror); the working is written next to each case.  Notation in the
comments: floor rounds toward -inf, ceil toward +inf, trunc toward 0.
"""

from __future__ import annotations

import pytest

from helpers.numbers import TWO_64, TWO_70
from perpspec.funding import funding_settlement_ppm, settlement_quote_quantums


@pytest.mark.parametrize(
    "perp_index, position_index, q, expected_settlement",
    [
        (150, 100, 10, -500),  # index rose by 50: a long of 10 pays -(50) * 10 = -500
        (150, 100, -10, 500),  # a short of 10 receives -(50) * -10 = 500
        (100, 150, 10, 500),  # index fell by 50: the long receives
        (150, 150, 10, 0),  # unchanged index
        (150, 100, 0, 0),  # no position
        (-5, 3, 7, 56),  # -(-5 - 3) * 7 = 56
        (TWO_70, -TWO_70, TWO_64, -(2**135)),  # -(2^71) * 2^64
    ],
)
def test_fund_1_funding_settlement_ppm(perp_index, position_index, q, expected_settlement):
    """FUND-1: settlement = -(I_perp - I_pos) * q, new index I_perp; a long pays when the index rises."""
    assert funding_settlement_ppm(perp_index, position_index, q) == (expected_settlement, perp_index)


@pytest.mark.parametrize(
    "total_ppm, expected",
    [
        (-1, -1),  # -0.000001 -> -1: the payer pays the fraction
        (999_999, 0),  # 0.999999 -> 0: the receiver forgoes it
        (1_000_000, 1),
        (-1_000_000, -1),
        (-1_000_001, -2),
        (0, 0),
        (2_500_000, 2),
        (-2_500_000, -3),
        (-TWO_70, -1180591620717412),  # -1180591620717411.303424 -> -1180591620717412
    ],
)
def test_fund_2_settlement_quote_quantums_floors(total_ppm, expected):
    """FUND-2: usdc change = floor(total_ppm / 1e6), toward -inf."""
    assert settlement_quote_quantums(total_ppm) == expected


def test_fund_2_settlements_are_summed_before_rounding():
    """FUND-2: two receipts of 0.3 and 0.8 quote quantums pay 1 when summed (0 each if rounded apart)."""
    first, _ = funding_settlement_ppm(100, 130, 10_000)  # -(-30) * 10000 = 300000 ppm
    second, _ = funding_settlement_ppm(200, 280, 10_000)  # -(-80) * 10000 = 800000 ppm
    assert settlement_quote_quantums(first + second) == 1  # floor(1.1)
    assert settlement_quote_quantums(first) + settlement_quote_quantums(second) == 0
