"""
Funding settlement (spec/funding.md).

The perpetual's funding index only moves in a later part of the protocol; what this
module owns is the settlement of a position against the index, which happens before
every collateral check.  The funding index is in quote quantums * 1e6 per base
quantum, so a settlement is computed in "ppm of a quote quantum" and divided by
1e6 once per subaccount.
"""

from __future__ import annotations

from typing import Any

from perpspec.rounding import ONE_MILLION, floor_div


def funding_settlement_ppm(
    perpetual_funding_index: Any, position_funding_index: Any, position_quantums: Any
) -> tuple[Any, Any]:
    """
    (net settlement in ppm of quote quantums, the position's new funding index) (FUND-1).

    settlement = -(perpetual_index - position_index) * quantums: a long pays when the
    index has risen, a short receives.  The new index is the perpetual's.
    """
    return -(perpetual_funding_index - position_funding_index) * position_quantums, perpetual_funding_index


def settlement_quote_quantums(total_settlement_ppm: Any) -> Any:
    """
    The USDC change from a subaccount's summed settlements: floor(total / 1e6) (FUND-2).

    Rounding toward negative infinity means a payer pays the fraction and a receiver
    forgoes it: the protocol never pays out more than it collects.
    """
    return floor_div(total_settlement_ppm, ONE_MILLION)
