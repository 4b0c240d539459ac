"""
Deliberately wrong contracts for checking the CrossHair checker (spec/claims.md, CLAIM-1).

Each wrapper calls a real function but claims something false of it; CrossHair must
answer each with a counterexample.  If it ever confirms one, the CrossHair setup
(analysis kind, contracts switch, output parsing) is broken, not the reference.
Nothing else imports this module.
"""

from __future__ import annotations

import icontract

from perpspec import margin, rounding, units
from perpspec.rounding import ONE_MILLION


@icontract.require(lambda d: d > 0, "ROUND-2: divisors are positive")
@icontract.ensure(
    lambda n, d, result: d * (result - 1) < n <= d * result,
    "CONV-1: (wrong on purpose) floor_div claimed to round up like ROUND-4",
)
def floor_claimed_ceil(n: int, d: int) -> int:
    return rounding.floor_div(n, d)


@icontract.require(lambda imf, mf: 0 <= imf <= ONE_MILLION and 0 <= mf <= ONE_MILLION)
@icontract.require(lambda q, p: p > 0)
@icontract.ensure(
    lambda result: result[0] >= result[1],
    "RISK-1: (wrong on purpose) IMR >= MMR with MMR a fraction of the notional, not of the IMR (MARGIN-3)",
)
def mmr_of_notional(q: int, p: int, imf: int, mf: int) -> tuple[int, int]:
    imr, _ = margin.perpetual_margin_requirements(q, -1, p, -5, imf, mf, 0, 0, 0)
    notional = units.base_to_quote_quantums(abs(q), -1, p, -5)
    return imr, rounding.mul_ppm_ceil(notional, mf)
