"""
Function vectors of funding settlement (spec/funding.md: FUND-1 the settlement of one
position).
"""

from __future__ import annotations

from perpspec.conformance.format import encode_int
from perpspec.conformance.functions.cases import FunctionCases, add_generic_cases, add_random_cases, random_signed


def funding_cases(fc: FunctionCases) -> None:
    base = {"perpetual_funding_index": 1_000, "position_funding_index": 400, "position_quantums": 10**6}
    fc.add(
        "long-pays-when-index-rises",
        "a long pays: -(1000 - 400) * 1e6",
        (),
        {"net_settlement_ppm": -600_000_000, "new_funding_index": 1_000},
        **base,
    )
    fc.add(
        "short-receives-when-index-rises",
        "a short receives: -(600) * -1e6",
        (),
        {"net_settlement_ppm": 600_000_000, "new_funding_index": 1_000},
        **{**base, "position_quantums": -(10**6)},
    )
    fc.add(
        "long-receives-when-index-falls",
        "the index fell: a long receives",
        (),
        {"net_settlement_ppm": 600_000_000, "new_funding_index": -200},
        perpetual_funding_index=-200,
        position_funding_index=400,
        position_quantums=10**6,
    )
    fc.add(
        "index-unchanged",
        "no index change, no settlement",
        (),
        {"net_settlement_ppm": 0, "new_funding_index": 400},
        perpetual_funding_index=400,
        position_funding_index=400,
        position_quantums=10**6,
    )
    fc.add(
        "zero-position",
        "a zero position settles nothing",
        (),
        {"net_settlement_ppm": 0, "new_funding_index": 1_000},
        **{**base, "position_quantums": 0},
    )
    fc.add(
        "huge",
        "indexes and sizes beyond 2^64",
        (),
        {"net_settlement_ppm": -(10**30 - 1) * 10**25, "new_funding_index": 10**30},
        perpetual_funding_index=10**30,
        position_funding_index=1,
        position_quantums=10**25,
    )
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: {
            "perpetual_funding_index": encode_int(random_signed(r, 22)),
            "position_funding_index": encode_int(random_signed(r, 22)),
            "position_quantums": encode_int(random_signed(r, 22)),
        },
    )
