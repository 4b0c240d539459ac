"""
The margin fast paths equal the general functions they stand for (BOOK-3; MARGIN-1..MARGIN-5,
UNITS-4): ``margin.position_risk_of_integers``, and ``subaccounts.get_position_risk`` /
``get_subaccount_risk`` as the sum over positions of the general functions.

Each fast path the matching engine and the collateral check take for speed is checked
against the general, z3-capable function (or the general code it replaced, written out
here as the oracle) on drawn integer inputs, boundaries included.  Example counts are the
``ci`` hypothesis profile's (helpers.budget scales them by the profile).
"""

from __future__ import annotations

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from helpers.budget import examples
from helpers.ledger import state_with_positions
from perpspec.margin import (
    Risk,
    perpetual_margin_requirements,
    position_net_notional_quote_quantums,
    position_risk_of_integers,
)
from perpspec.subaccounts import get_position_risk, get_subaccount_risk

BIG = 10**20


quantums = st.one_of(st.integers(-BIG, BIG), st.integers(-1000, 1000))


prices = st.one_of(st.integers(0, 10**12), st.integers(-(10**6), 10**12), st.just(0), st.just(1))


exponents = st.integers(-20, 8)


ppms = st.integers(0, 1_000_000)


def general_position_risk(q, ar, price, pe, imf, mf, oi, lower, upper) -> tuple[int, int, int]:
    nc = position_net_notional_quote_quantums(q, ar, price, pe)
    imr, mmr = perpetual_margin_requirements(q, ar, price, pe, imf, mf, oi, lower, upper)
    return nc, imr, mmr


@given(
    q=quantums,
    ar=st.integers(-18, 4),
    price=prices,
    pe=exponents,
    imf=ppms,
    mf=ppms,
    oi=st.integers(0, BIG),
    lower=st.integers(0, 10**16),
    span=st.integers(0, 10**16),
    upper_zero=st.booleans(),
)
@settings(max_examples=examples(3000), deadline=None)
@example(q=10**10, ar=-10, price=2_868_819_524, pe=-5, imf=20_000, mf=600_000, oi=0, lower=0, span=0, upper_zero=True)
@example(
    q=-(10**10),
    ar=-10,
    price=2_868_819_524,
    pe=-5,
    imf=50_000,
    mf=600_000,
    oi=10**12,
    lower=10**6,
    span=10**9,
    upper_zero=False,
)
@example(q=-1, ar=-9, price=1, pe=-6, imf=1, mf=1, oi=0, lower=0, span=1, upper_zero=False)
def test_position_risk_of_integers_equals_the_general_functions(q, ar, price, pe, imf, mf, oi, lower, span, upper_zero):
    upper = 0 if upper_zero else lower + span
    assume(upper == 0 or upper > lower)  # LiquidityTier validation: upper cap 0 (off) or above the lower
    assert position_risk_of_integers(q, ar, price, pe, imf, mf, oi, lower, upper) == general_position_risk(
        q, ar, price, pe, imf, mf, oi, lower, upper
    )


@pytest.mark.parametrize("at", ["lower", "upper"])
@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_position_risk_of_integers_at_the_open_interest_caps(at, delta):
    """OI notional exactly at, just under and just over each cap (MARGIN-1)."""
    ar, price, pe = -10, 100_000_000_000, -5  # e = 0 - 9 = -9... BTC-like: notional = q * price / 1e9
    lower, upper = 10**9, 3 * 10**9
    target = (lower if at == "lower" else upper) + delta
    oi = target * 10**9 // price  # base quantums whose notional is near the target
    for oi_probe in (oi - 1, oi, oi + 1):
        for q in (-(10**8), 0, 10**8 + 7):
            args = (q, ar, price, pe, 50_000, 600_000, oi_probe, lower, upper)
            assert position_risk_of_integers(*args) == general_position_risk(*args)


@pytest.mark.parametrize("seed", range(6))
def test_subaccount_risk_equals_the_sum_of_the_general_functions(seed):
    state = state_with_positions(seed)
    for subaccount in state.subaccounts.subaccounts.values():
        for override in (None, {pid: p.open_interest * 3 + 17 for pid, p in state.perpetuals.perpetuals.items()}):
            nc, imr, mmr = subaccount.usdc_balance, 0, 0
            for position in subaccount.positions.values():
                perpetual = state.perpetuals.perpetuals[position.perpetual_id]
                price = state.prices.market_prices[perpetual.market_id]
                tier = state.perpetuals.liquidity_tiers[perpetual.liquidity_tier]
                oi = perpetual.open_interest if override is None else override[position.perpetual_id]
                r = general_position_risk(
                    position.quantums,
                    perpetual.atomic_resolution,
                    price.price,
                    price.exponent,
                    tier.initial_margin_ppm,
                    tier.maintenance_fraction_ppm,
                    oi,
                    tier.open_interest_lower_cap,
                    tier.open_interest_upper_cap,
                )
                assert get_position_risk(state, position.perpetual_id, position.quantums, oi) == Risk(*r)
                nc, imr, mmr = nc + r[0], imr + r[1], mmr + r[2]
            assert get_subaccount_risk(state, subaccount, override) == Risk(nc, imr, mmr)
