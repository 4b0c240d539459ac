"""
Per-rule tests of the embedded default markets (spec/genesis.md, GEN-1).
"""

from __future__ import annotations

from perpspec.clob.state import ClobPairStatus
from perpspec.conformance.builders import AUTHORITY
from perpspec.default_genesis import GENESIS_TIME, default_genesis
from perpspec.invariants import check_state_invariants


def test_gen_1_default_genesis_markets():
    """GEN-1: BTC-USD, ETH-USD, SOL-USD with the chain's parameters."""
    state = default_genesis()
    assert state.authority == AUTHORITY and state.blocks.height == 1 and state.blocks.time == GENESIS_TIME
    assert state.subaccounts.subaccounts == {}
    expected = {
        # id: (ticker, atomic resolution, price exponent, step base quantums, subticks per tick, qce, tier)
        0: ("BTC-USD", -10, -5, 1_000_000, 100_000, -9, 0),
        1: ("ETH-USD", -9, -6, 1_000_000, 100_000, -9, 0),
        5: ("SOL-USD", -7, -8, 1_000_000, 1_000_000, -9, 1),
    }
    assert (
        set(state.perpetuals.perpetuals)
        == set(state.clob.clob_pairs)
        == set(state.prices.market_params)
        == set(expected)
    )
    for pid, (ticker, resolution, exponent, step, spt, qce, tier) in expected.items():
        perpetual = state.perpetuals.perpetuals[pid]
        assert (perpetual.ticker, perpetual.atomic_resolution, perpetual.liquidity_tier) == (ticker, resolution, tier)
        assert perpetual.market_id == pid and perpetual.funding_index == 0 and perpetual.open_interest == 0
        assert state.prices.market_params[pid].exponent == state.prices.market_prices[pid].exponent == exponent
        pair = state.clob.clob_pairs[pid]
        assert (pair.perpetual_id, pair.step_base_quantums, pair.subticks_per_tick) == (pid, step, spt)
        assert pair.quantum_conversion_exponent == qce and pair.status is ClobPairStatus.ACTIVE
    large, small = state.perpetuals.liquidity_tiers[0], state.perpetuals.liquidity_tiers[1]
    assert (large.name, large.initial_margin_ppm, large.maintenance_fraction_ppm) == ("Large-Cap", 20_000, 600_000)
    assert (large.open_interest_lower_cap, large.open_interest_upper_cap) == (0, 0)
    assert (small.name, small.initial_margin_ppm, small.maintenance_fraction_ppm) == ("Small-Cap", 100_000, 500_000)
    assert (small.open_interest_lower_cap, small.open_interest_upper_cap) == (20 * 10**12, 50 * 10**12)
    assert check_state_invariants(state) == []
