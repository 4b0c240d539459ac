"""
Per-rule tests of proposed prices in the oracle update (spec/prices.md, PRICE-9, PRICE-11), BTC at
2868819524 with 1000 ppm: one tick is 2868819.524, the minimum change 2868819.
"""

from __future__ import annotations

from helpers.ledger import apply_ok, apply_rejected, make_state
from perpspec.conformance.builders import AUTHORITY, BTC, update_prices
from perpspec.transition import full_state_bytes

OLD = 2_868_819_524


def at(state, index: int, proposed, sources: int = 3) -> dict:
    t = state.blocks.time
    return update_prices(AUTHORITY, [(BTC, [(f"s{i}", index, t) for i in range(sources)])], {BTC: proposed})


def test_price_9_accepted_proposal_becomes_the_price():
    """PRICE-9: a proposal between the old price and the index (the median) is the new price, not the median."""
    state = make_state()
    events = apply_ok(state, at(state, 3_000_000_000, 2_950_000_000))
    assert events[0]["newPrice"] == "2950000000" and events[0]["outcome"] == "UPDATED"
    assert state.prices.market_prices[BTC].price == 2_950_000_000


def test_price_9_proposal_must_be_positive():
    """PRICE-9: a proposed price of 0 is INVALID_PRICE."""
    state = make_state()
    apply_rejected(state, at(state, 3_000_000_000, "0"), "INVALID_PRICE")


def test_price_11_crossing_within_the_square_root_bound():
    """PRICE-11 with PRICE-10: old delta 131180476 (45.7 ticks): a crossing may land isqrt(131180476 * 2868819.524) = 19399306 past the index."""
    state = make_state()
    index = 3_000_000_000
    old_delta = index - OLD  # 131180476
    # old_delta * tick_size_ppm = 131180476 * 2868819524000 = 376333110716413424000;
    # 19399306^2 * 1e6 = 376333073...e6 fits, 19399307^2 * 1e6 = 376333112...e6 does not
    assert 19_399_306**2 * 10**6 <= old_delta * OLD * 1_000 < 19_399_307**2 * 10**6
    before = full_state_bytes(state)
    apply_rejected(state, at(state, index, index + 19_399_307), "PROPOSED_PRICE_NOT_ACCURATE")
    assert full_state_bytes(state) == before  # PRICE-11: nothing written
    apply_ok(state, at(state, index, index + 19_399_306))
    assert state.prices.market_prices[BTC].price == index + 19_399_306


def test_price_11_away_from_the_index_is_rejected():
    """PRICE-11: a proposal below the old price while the index is above it is PROPOSED_PRICE_NOT_ACCURATE."""
    state = make_state()
    apply_rejected(state, at(state, 3_000_000_000, 2_800_000_000), "PROPOSED_PRICE_NOT_ACCURATE")


def test_price_11_too_small_a_move_is_rejected():
    """PRICE-11: a proposal 2868818 from the old price, one below the minimum change 2868819, is PROPOSED_PRICE_CHANGE_TOO_SMALL."""
    state = make_state()
    apply_rejected(state, at(state, 3_000_000_000, OLD + 2_868_818), "PROPOSED_PRICE_CHANGE_TOO_SMALL")
    apply_ok(state, at(state, 3_000_000_000, OLD + 2_868_819))


def test_price_11_no_index_price_is_rejected():
    """PRICE-11: two fresh sources of the three needed: INDEX_PRICE_NOT_AVAILABLE, where without a proposal the outcome is INSUFFICIENT_SOURCES."""
    state = make_state()
    apply_rejected(state, at(state, 3_000_000_000, 2_950_000_000, sources=2), "INDEX_PRICE_NOT_AVAILABLE")
    t = state.blocks.time
    events = apply_ok(state, update_prices(AUTHORITY, [(BTC, [("a", 3_000_000_000, t), ("b", 3_000_000_000, t)])]))
    assert events[0]["outcome"] == "INSUFFICIENT_SOURCES"


def test_price_11_one_rejected_market_rejects_the_message():
    """PRICE-11: ETH's accepted proposal is not written when BTC's is rejected in the same message."""
    state = make_state()
    t = state.blocks.time
    eth = state.prices.market_prices[1].price
    message = update_prices(
        AUTHORITY,
        [(1, [(f"s{i}", eth + 10**7, t) for i in range(3)]), (BTC, [(f"s{i}", 3_000_000_000, t) for i in range(3)])],
        {1: eth + 10**7, BTC: 2_800_000_000},
    )
    apply_rejected(state, message, "PROPOSED_PRICE_NOT_ACCURATE")
    assert state.prices.market_prices[1].price == eth
