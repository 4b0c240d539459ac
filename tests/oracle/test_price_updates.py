"""
Per-rule tests of the markets and their updates in the state (spec/prices.md, PRICE-1,
PRICE-6, PRICE-7).

Expected numbers are worked by hand from the default genesis (GEN-1), as helpers/ledger.py
shows; every rejection goes through ``apply_rejected``, which also asserts that the state
hash and the canonical state bytes are unchanged (TX-2).
"""

from __future__ import annotations

import pytest

from helpers.ledger import ONE_SOL, apply_ok, apply_rejected, make_state, sid
from perpspec import errors
from perpspec.conformance.builders import (
    ALICE,
    AUTHORITY,
    BTC,
    CAROL,
    DAVE,
    SOL,
    deposit,
    make_genesis,
    market_price_json,
    sub,
    subaccount_entry,
    update_prices,
)
from perpspec.default_genesis import default_genesis, default_genesis_json
from perpspec.genesis import load_genesis
from perpspec.invariants import check_state_invariants
from perpspec.subaccounts import Update, UpdateType, process_updates
from perpspec.transition import full_state_bytes


def test_price_1_genesis_market_params_and_prices():
    """PRICE-1: each market has params (pair, exponent, min exchanges, min change < 1%, max age) and a price."""
    state = default_genesis()
    btc = state.prices.market_params[0]
    assert (btc.pair, btc.exponent, btc.min_exchanges, btc.min_price_change_ppm, btc.max_source_age_seconds) == (
        "BTC-USD",
        -5,
        3,
        1_000,
        30,
    )
    assert (
        state.prices.market_params[1].pair == "ETH-USD" and state.prices.market_params[5].min_price_change_ppm == 2_500
    )
    assert {m: (p.exponent, p.price) for m, p in state.prices.market_prices.items()} == {
        0: (-5, 2_868_819_524),
        1: (-6, 1_811_985_252),
        5: (-8, 2_350_695_125),
    }
    # min change must be below 10_000 ppm; the exponent of param and price must agree; price 0 is allowed
    genesis = default_genesis_json()
    genesis["prices"]["marketParams"][0]["minPriceChangePpm"] = 10_000
    with pytest.raises(errors.InvalidGenesis):
        load_genesis(genesis)
    genesis = default_genesis_json()
    genesis["prices"]["marketPrices"][0]["exponent"] = -6
    with pytest.raises(errors.InvalidGenesis):
        load_genesis(genesis)
    genesis = default_genesis_json()
    del genesis["prices"]["marketPrices"][2]
    with pytest.raises(errors.InvalidGenesis):
        load_genesis(genesis)  # a param without a price
    genesis = default_genesis_json()
    genesis["prices"]["marketPrices"][2]["price"] = "0"
    assert load_genesis(genesis).prices.market_prices[5].price == 0


def test_price_6_update_prices_accepts_the_median_from_the_authority():
    """PRICE-6: an authority-signed update of three fresh sources sets the median."""
    state = make_state()
    t = state.blocks.time
    # median of 2_900_000_000, 2_910_000_000, 2_950_000_000 is 2_910_000_000;
    # min change floor(2_868_819_524 * 1_000 / 1e6) = 2_868_819 <= |2_910_000_000 - 2_868_819_524| = 41_180_476
    events = apply_ok(
        state,
        update_prices(AUTHORITY, [(0, [("a", 2_950_000_000, t), ("b", 2_900_000_000, t), ("c", 2_910_000_000, t)])]),
    )
    assert state.prices.market_prices[0].price == 2_910_000_000
    assert events == [
        {
            "type": "MarketPrice",
            "marketId": 0,
            "outcome": "UPDATED",
            "oldPrice": "2868819524",
            "newPrice": "2910000000",
            "validSources": 3,
            "droppedSources": 0,
        }
    ]


def test_price_6_update_prices_errors_leave_every_price_unchanged():
    """PRICE-6: UNAUTHORIZED, UNKNOWN_MARKET, DUPLICATE_MARKET_UPDATE, DUPLICATE_SOURCE, INVALID_PRICE; no price moves."""
    state = make_state()
    t = state.blocks.time
    prices = {m: p.price for m, p in state.prices.market_prices.items()}
    good = [("a", 2_950_000_000, t), ("b", 2_900_000_000, t), ("c", 2_910_000_000, t)]
    eth = [("a", 1_900_000_000, t), ("b", 1_900_000_000, t), ("c", 1_900_000_000, t)]
    apply_rejected(state, update_prices(ALICE, [(0, good)]), "UNAUTHORIZED")
    apply_rejected(state, update_prices(AUTHORITY, [(0, good), (1, eth), (99, good)]), "UNKNOWN_MARKET")
    apply_rejected(state, update_prices(AUTHORITY, [(0, good), (1, eth), (0, good)]), "DUPLICATE_MARKET_UPDATE")
    apply_rejected(state, update_prices(AUTHORITY, [(1, eth), (0, good + [("a", 1, t)])]), "DUPLICATE_SOURCE")
    apply_rejected(state, update_prices(AUTHORITY, [(1, eth), (0, good[:2] + [("z", 0, t)])]), "INVALID_PRICE")
    assert {m: p.price for m, p in state.prices.market_prices.items()} == prices
    # the same markets, well formed, do move
    apply_ok(state, update_prices(AUTHORITY, [(0, good), (1, eth)]))
    assert state.prices.market_prices[0].price == 2_910_000_000 and state.prices.market_prices[1].price == 1_900_000_000


def test_price_7_zero_price_perpetual_is_not_updatable():
    """PRICE-7: a perpetual whose market price is 0 cannot change positions: PositionNotUpdatable."""
    genesis = make_genesis([subaccount_entry(CAROL, 0, 5_000_000_000), subaccount_entry(DAVE, 0, 5_000_000_000)])
    market_price_json(genesis, SOL)["price"] = "0"
    state = make_state(genesis)
    batch = [
        Update(sid(CAROL), perpetual_deltas=((SOL, ONE_SOL),)),
        Update(sid(DAVE), perpetual_deltas=((SOL, -ONE_SOL),)),
    ]
    before = full_state_bytes(state)
    with pytest.raises(errors.PositionNotUpdatable) as raised:
        process_updates(state, batch, UpdateType.MATCH)
    assert raised.value.code == "POSITION_NOT_UPDATABLE"
    assert full_state_bytes(state) == before
    # USDC-only updates and other perpetuals are unaffected
    apply_ok(state, deposit(CAROL, sub(CAROL), 1))
    process_updates(
        state,
        [
            Update(sid(CAROL), perpetual_deltas=((BTC, 1_000_000),)),
            Update(sid(DAVE), perpetual_deltas=((BTC, -1_000_000),)),
        ],
        UpdateType.MATCH,
    )
    # once a price arrives (from 0, any change is big enough), SOL is updatable
    t = state.blocks.time
    apply_ok(
        state,
        update_prices(AUTHORITY, [(SOL, [("a", 2_000_000_000, t), ("b", 2_100_000_000, t), ("c", 2_200_000_000, t)])]),
    )
    assert state.prices.market_prices[SOL].price == 2_100_000_000
    process_updates(state, batch, UpdateType.MATCH)
    assert state.perpetuals.perpetuals[SOL].open_interest == ONE_SOL
    assert check_state_invariants(state) == []
