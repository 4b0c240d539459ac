"""
Per-rule tests of a subaccount's collateral (spec/margin.md, MARGIN-5..MARGIN-7): its totals,
the collateralization predicates and the risk order.

Every expected number is worked out by hand from the formulas in spec/ (and the chain
semantics they mirror); the working is written next to each case.  Notation in the
comments: floor rounds toward -inf, ceil toward +inf, trunc toward 0.
"""

from __future__ import annotations

import pytest

from helpers.ledger import ONE_ETH, ONE_SOL, sid
from helpers.numbers import TWO_64, TWO_70
from perpspec.conformance.builders import ALICE, BOB, BTC, ETH, ONE_BTC, SOL
from perpspec.default_genesis import default_genesis
from perpspec.margin import (
    Risk,
    is_initially_collateralized,
    is_liquidatable,
    is_maintenance_collateralized,
    risk_compare,
)
from perpspec.state import PerpetualPosition, Subaccount
from perpspec.subaccounts import get_subaccount_risk


def test_margin_5_subaccount_totals():
    """MARGIN-5: TNC = USDC + sum of position net notionals; TIMR and TMMR are sums (MARGIN-2, MARGIN-3, MARGIN-4)."""
    state = default_genesis()
    subaccount = Subaccount(
        sid(ALICE),
        1_000_000_000,
        {
            BTC: PerpetualPosition(BTC, ONE_BTC, 0),
            ETH: PerpetualPosition(ETH, -2 * ONE_ETH, 0),
            SOL: PerpetualPosition(SOL, 10 * ONE_SOL, 0),
        },
    )
    # BTC +1 BTC: NC 28_688_195_240, IMR 573_763_905, MMR 344_258_343 (helpers.ledger)
    # ETH -2 ETH = -2e9 quantums: notional = 2e9 * 1_811_985_252 / 1e9 = 3_623_970_504; NC = -3_623_970_504
    #     IMR = ceil(3_623_970_504 * 20_000 / 1e6) = ceil(72_479_410.08) = 72_479_411
    #     MMR = ceil(72_479_411 * 600_000 / 1e6) = ceil(43_487_646.6) = 43_487_647
    # SOL +10 SOL = 1e8 quantums: notional = trunc(1e8 * 2_350_695_125 / 1e9) = trunc(235_069_512.5) = 235_069_512
    #     IMR = ceil(235_069_512 * 100_000 / 1e6) = ceil(23_506_951.2) = 23_506_952 (OI 0 <= lower cap: no scaling)
    #     MMR = ceil(23_506_952 * 500_000 / 1e6) = 11_753_476
    # TNC  = 1_000_000_000 + 28_688_195_240 - 3_623_970_504 + 235_069_512 = 26_299_294_248
    # TIMR = 573_763_905 + 72_479_411 + 23_506_952 = 669_750_268
    # TMMR = 344_258_343 + 43_487_647 + 11_753_476 = 399_499_466
    assert get_subaccount_risk(state, subaccount) == Risk(26_299_294_248, 669_750_268, 399_499_466)
    # no positions: NC is the balance, no requirement
    assert get_subaccount_risk(state, Subaccount(sid(BOB), -7)) == Risk(-7, 0, 0)


@pytest.mark.parametrize(
    "nc, mmr, expected",
    [
        (99, 100, True),  # NC < MMR
        (100, 100, False),  # NC == MMR is maintained
        (101, 100, False),
        (0, 1, True),
        (-1, 1, True),
        (10**30, 10**30 + 1, True),
        (-5, 0, False),  # MMR 0: never liquidatable, however negative the NC
        (-(10**30), 0, False),
        (-10, -5, False),  # a non-positive MMR is never liquidatable
    ],
)
def test_margin_6_is_liquidatable(nc, mmr, expected):
    """MARGIN-6: liquidatable iff MMR > 0 and NC < MMR."""
    assert bool(is_liquidatable(nc, mmr)) is expected


@pytest.mark.parametrize(
    "risk, initially, maintained",
    [
        (Risk(100, 100, 50), True, True),  # NC >= IMR and NC >= MMR
        (Risk(99, 100, 50), False, True),
        (Risk(49, 100, 50), False, False),
        (Risk(0, 0, 0), True, True),
    ],
)
def test_margin_6_collateralization_predicates(risk, initially, maintained):
    """MARGIN-6: initially collateralized NC >= IMR; maintenance collateralized NC >= MMR."""
    assert is_initially_collateralized(risk) is initially
    assert is_maintenance_collateralized(risk) is maintained


@pytest.mark.parametrize(
    "first, second, expected",
    [
        # primary key sign(nc2 * mmr1 - nc1 * mmr2)
        ((100, 50), (300, 100), 1),  # 300*50 - 100*100 = 5000 > 0: ratio 2 < 3, first riskier
        ((300, 100), (100, 50), -1),
        ((-10, 5), (-10, 10), 1),  # -10*5 - (-10)*10 = 50 > 0: ratio -2 < -1
        ((100, 0), (100, 50), -1),  # 100*0 - 100*50 = -5000: no MMR is safer
        ((-100, 0), (100, 50), 1),  # 100*0 - (-100)*50 = 5000: negative NC without MMR is riskier
        # tie, MMRs not both 0: the larger MMR is riskier, sign(mmr1 - mmr2)
        ((100, 50), (200, 100), -1),  # 200*50 - 100*100 = 0; sign(50 - 100)
        ((200, 100), (100, 50), 1),
        ((0, 5), (0, 10), -1),  # 0 - 0 = 0; sign(5 - 10)
        ((TWO_70, TWO_64), (2**71, 2**65), -1),  # 2^71*2^64 - 2^70*2^65 = 0; sign(2^64 - 2^65)
        # tie, both MMRs 0: less NC is riskier, sign(nc2 - nc1)
        ((5, 0), (10, 0), 1),
        ((10, 0), (5, 0), -1),
        ((-3, 0), (-3, 0), 0),
        ((100, 50), (100, 50), 0),  # identical
    ],
)
def test_margin_7_risk_compare(first, second, expected):
    """MARGIN-7: risk order by NC/MMR cross-multiplication, with both tie-breaks."""
    assert risk_compare(*first, *second) == expected
