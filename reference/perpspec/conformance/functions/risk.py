"""
Function vectors of a position's notional and a subaccount's risk (spec/margin.md:
MARGIN-4 the net notional, MARGIN-6 the collateralization predicates, MARGIN-7 the risk
order).
"""

from __future__ import annotations

import random

from perpspec.conformance.format import encode_int
from perpspec.conformance.functions.cases import (
    BTC,
    ETH,
    TRUNC,
    FunctionCases,
    add_generic_cases,
    add_random_cases,
    random_signed,
    random_uint64,
)


def net_notional_cases(fc: FunctionCases) -> None:
    base = {"position_quantums": 10**10, **BTC}
    fc.add("one-btc-long", "one BTC long is worth 28688195240", TRUNC, 28_688_195_240, **base)
    fc.add(
        "one-btc-short",
        "one BTC short is worth -28688195240",
        TRUNC,
        -28_688_195_240,
        **{**base, "position_quantums": -(10**10)},
    )
    fc.add(
        "eth-step-short",
        "one ETH step short: -1811985.252 -> -1811985",
        TRUNC,
        -1_811_985,
        position_quantums=-(10**6),
        **ETH,
    )
    fc.add(
        "tiny-short",
        "a short worth -0.999999999 of a quantum is 0, not -1",
        TRUNC,
        0,
        **{**BTC, "position_quantums": -1, "price_value": 999_999_999},
    )
    fc.add("zero-price", "a zero price values a position at 0", (), 0, **{**base, "price_value": 0})
    fc.add(
        "power-over-limit",
        "e = 4097 is LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        position_quantums=1,
        atomic_resolution=4091,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "power-over-limit-zero-price",
        "e = 4097 with a zero price needs no power: 0 (CAT-4)",
        ("CAT-4",),
        0,
        position_quantums=5,
        atomic_resolution=4091,
        price_value=0,
        price_exponent=0,
    )
    fc.add(
        "power-over-limit-zero-position",
        "e = 4097 with no position needs no power: 0 (CAT-4)",
        ("CAT-4",),
        0,
        position_quantums=0,
        atomic_resolution=4091,
        price_value=5,
        price_exponent=0,
    )
    fc.add(
        "power-over-limit-coprime-bits",
        "e = 4097 with position 1 and price 2 is LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        position_quantums=1,
        atomic_resolution=4091,
        price_value=2,
        price_exponent=0,
    )
    fc.add(
        "power-over-limit-short",
        "e = 4097 with a short position is LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        position_quantums=-1,
        atomic_resolution=4091,
        price_value=1,
        price_exponent=0,
    )
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: {
            "position_quantums": encode_int(random_signed(r)),
            "atomic_resolution": r.randrange(-15, 3),
            "price_value": encode_int(random_uint64(r)),
            "price_exponent": r.randrange(-15, 3),
        },
        TRUNC,
    )


def is_liquidatable_cases(fc: FunctionCases) -> None:
    base = {"net_collateral": 99, "maintenance_margin_requirement": 100}
    fc.add("below-mmr", "NC 99 < MMR 100", (), True, **base)
    fc.add("at-mmr", "NC = MMR is not liquidatable", (), False, net_collateral=100, maintenance_margin_requirement=100)
    fc.add("above-mmr", "NC above MMR", (), False, net_collateral=101, maintenance_margin_requirement=100)
    fc.add(
        "no-requirement-negative-nc",
        "MMR 0 is never liquidatable, even with negative NC (MARGIN-6)",
        (),
        False,
        net_collateral=-(10**30),
        maintenance_margin_requirement=0,
    )
    fc.add(
        "negative-nc", "negative NC with a positive MMR", (), True, net_collateral=-1, maintenance_margin_requirement=1
    )
    fc.add(
        "negative-mmr",
        "a negative MMR is not positive: not liquidatable",
        (),
        False,
        net_collateral=-5,
        maintenance_margin_requirement=-1,
    )
    fc.add(
        "huge",
        "beyond 2^64: NC one below MMR",
        (),
        True,
        net_collateral=10**40 - 1,
        maintenance_margin_requirement=10**40,
    )
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: (
            lambda m: {
                "net_collateral": encode_int(m + r.randrange(-3, 4) if r.randrange(2) else random_signed(r)),
                "maintenance_margin_requirement": encode_int(m),
            }
        )(random_signed(r)),
    )


def risk_compare_cases(fc: FunctionCases) -> None:
    base = {"first_nc": 100, "first_mmr": 10, "second_nc": 200, "second_mmr": 10}
    fc.add("lower-ratio-riskier", "10x vs 20x: the first is riskier", (), 1, **base)
    fc.add(
        "higher-ratio-safer",
        "20x vs 10x: the first is safer",
        (),
        -1,
        first_nc=200,
        first_mmr=10,
        second_nc=100,
        second_mmr=10,
    )
    fc.add(
        "same-ratio-larger-mmr-riskier",
        "equal ratios: the larger MMR is riskier",
        (),
        1,
        first_nc=200,
        first_mmr=20,
        second_nc=100,
        second_mmr=10,
    )
    fc.add(
        "same-ratio-smaller-mmr-safer",
        "equal ratios: the smaller MMR is safer",
        (),
        -1,
        first_nc=100,
        first_mmr=10,
        second_nc=200,
        second_mmr=20,
    )
    fc.add(
        "identical",
        "identical accounts are equally risky",
        (),
        0,
        first_nc=100,
        first_mmr=10,
        second_nc=100,
        second_mmr=10,
    )
    fc.add(
        "both-mmr-zero-less-nc-riskier",
        "no margin on either side: less NC is riskier",
        (),
        1,
        first_nc=-5,
        first_mmr=0,
        second_nc=3,
        second_mmr=0,
    )
    fc.add(
        "both-mmr-zero-equal",
        "no margin and equal NC: equally risky",
        (),
        0,
        first_nc=7,
        first_mmr=0,
        second_nc=7,
        second_mmr=0,
    )
    fc.add(
        "both-mmr-zero-more-nc-safer",
        "no margin: more NC is safer",
        (),
        -1,
        first_nc=8,
        first_mmr=0,
        second_nc=7,
        second_mmr=0,
    )
    fc.add(
        "one-mmr-zero",
        "first has MMR 0 with positive NC: nc2*0 - nc1*mmr2 < 0, so safer",
        (),
        -1,
        first_nc=5,
        first_mmr=0,
        second_nc=100,
        second_mmr=10,
    )
    fc.add(
        "one-mmr-zero-negative-nc",
        "first has MMR 0 with negative NC: 0 - (-5 * 10) > 0, riskier",
        (),
        1,
        first_nc=-5,
        first_mmr=0,
        second_nc=100,
        second_mmr=10,
    )
    fc.add(
        "first-no-margin-no-nc",
        "first has MMR 0 and NC 0: the ratios tie (0 = 0), and the larger MMR, the second's, is riskier: -1",
        (),
        -1,
        first_nc=0,
        first_mmr=0,
        second_nc=5,
        second_mmr=10,
    )
    fc.add(
        "second-no-margin-no-nc",
        "second has MMR 0 and NC 0: the ratios tie, and the first's larger MMR is riskier: 1",
        (),
        1,
        first_nc=5,
        first_mmr=10,
        second_nc=0,
        second_mmr=0,
    )
    fc.add(
        "cross-products-differ-by-one",
        "NC2 * MMR1 - NC1 * MMR2 = 1 * 1 - 0 * 1 = 1: the first is riskier",
        (),
        1,
        first_nc=0,
        first_mmr=1,
        second_nc=1,
        second_mmr=1,
    )
    fc.add(
        "first-negative-mmr-tie",
        "NC 0 on both sides, MMRs -5 and 0: the ratios tie and the larger MMR, the second's, is riskier: -1",
        (),
        -1,
        first_nc=0,
        first_mmr=-5,
        second_nc=0,
        second_mmr=0,
    )
    fc.add(
        "second-negative-mmr-tie",
        "NC 0 on both sides, MMRs 0 and -5: the ratios tie and the first's larger MMR is riskier: 1",
        (),
        1,
        first_nc=0,
        first_mmr=0,
        second_nc=0,
        second_mmr=-5,
    )
    fc.add(
        "zero-nc-ties-on-mmr",
        "both NC 0: ratios tie, the larger MMR is riskier",
        (),
        -1,
        first_nc=0,
        first_mmr=5,
        second_nc=0,
        second_mmr=10,
    )
    fc.add(
        "negative-nc-both",
        "negative NC on both: -10/10 vs -5/10, the first is riskier",
        (),
        1,
        first_nc=-10,
        first_mmr=10,
        second_nc=-5,
        second_mmr=10,
    )
    fc.add(
        "huge",
        "cross products beyond 2^128",
        (),
        -1,
        first_nc=10**40 + 1,
        first_mmr=10**30,
        second_nc=10**40,
        second_mmr=10**30,
    )
    add_generic_cases(fc, base)

    def draw(r: random.Random) -> dict:
        mmr1, mmr2 = r.choice([0, r.randrange(0, 10**12)]), r.choice([0, r.randrange(0, 10**12)])
        nc1 = random_signed(r, 20)
        nc2 = nc1 if r.randrange(4) == 0 else random_signed(r, 20)
        return {"first_nc": encode_int(nc1), "first_mmr": mmr1, "second_nc": encode_int(nc2), "second_mmr": mmr2}

    add_random_cases(fc, draw)
