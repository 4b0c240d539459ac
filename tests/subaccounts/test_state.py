"""
Per-rule tests of what a subaccount holds (spec/subaccounts.md, SUB-2, SUB-3, SUB-4, SUB-10):
a signed balance, positions never of size zero, no empty subaccount stored, cross markets only.

Expected numbers are worked by hand from the default genesis (GEN-1), as helpers/ledger.py
shows; every rejection goes through ``apply_rejected``, which also asserts that the state
hash and the canonical state bytes are unchanged (TX-2).
"""

from __future__ import annotations

import pytest

from helpers.ledger import apply_ok, make_state, sid, usdc
from perpspec import errors
from perpspec.codec import encode_state
from perpspec.conformance.builders import (
    ALICE,
    BOB,
    BTC,
    ONE_BTC,
    SOL,
    deposit,
    make_genesis,
    perpetual_json,
    sub,
    subaccount_entry,
    withdraw,
)
from perpspec.genesis import load_genesis
from perpspec.invariants import check_state_invariants
from perpspec.state import MarketType, PerpetualPosition, Subaccount
from perpspec.subaccounts import Update, UpdateType, get_subaccount, get_subaccount_risk, process_updates


def test_sub_2_balance_may_be_negative_and_positions_are_held():
    """SUB-2: a subaccount holds a signed USDC balance and perpetual positions."""
    # ALICE: -1_000 USDC and long 1 BTC; NC = -1_000_000_000 + 28_688_195_240 = 27_688_195_240
    genesis = make_genesis(
        [
            subaccount_entry(ALICE, 0, -1_000_000_000, [(BTC, ONE_BTC)]),
            subaccount_entry(BOB, 0, 40_000_000_000, [(BTC, -ONE_BTC)]),
        ]
    )
    state = make_state(genesis)
    alice = state.subaccounts.subaccounts[sid(ALICE)]
    assert alice.usdc_balance == -1_000_000_000
    assert alice.positions == {BTC: PerpetualPosition(BTC, ONE_BTC, 0)}
    assert get_subaccount_risk(state, alice).nc == 27_688_195_240
    # the long position backs a more negative balance: -1e9 - 1e9 = -2e9 (NC 26_688_195_240 >= IMR 573_763_905)
    apply_ok(state, withdraw(ALICE, sub(ALICE), 1_000_000_000))
    assert usdc(state, ALICE) == -2_000_000_000
    encoded = encode_state(state)["subaccounts"]["subaccounts"]
    assert encoded[[s["id"]["owner"] for s in encoded].index(ALICE)]["assetPositions"] == [
        {"assetId": 0, "quantums": "-2000000000"}
    ]


def test_sub_3_emptied_subaccount_is_deleted():
    """SUB-3: withdrawing the whole balance of a subaccount without positions deletes it."""
    state = make_state()
    apply_ok(state, deposit(ALICE, sub(ALICE, 3), 1_234))
    assert sid(ALICE, 3) in state.subaccounts.subaccounts
    apply_ok(state, withdraw(ALICE, sub(ALICE, 3), 1_000))
    assert state.subaccounts.subaccounts[sid(ALICE, 3)].usdc_balance == 234
    apply_ok(state, withdraw(ALICE, sub(ALICE, 3), 234))
    assert sid(ALICE, 3) not in state.subaccounts.subaccounts
    assert all(s["id"] != sub(ALICE, 3) for s in encode_state(state)["subaccounts"]["subaccounts"])
    # absent and empty read the same
    assert get_subaccount(state, sid(ALICE, 3)) == Subaccount(sid(ALICE, 3))
    # a genesis cannot list an empty subaccount
    with pytest.raises(errors.InvalidGenesis):
        load_genesis(make_genesis([subaccount_entry(ALICE, 0, 0)]))
    assert check_state_invariants(state) == []


def test_sub_4_closing_a_position_removes_it_and_an_empty_subaccount_goes():
    """SUB-4 (and SUB-3): an Update that brings a position to zero removes it; no zero position is ever stored."""
    # ALICE: 0 USDC, long 1e6 BTC quantums; BOB: 1_000 USDC, short 1e6.
    genesis = make_genesis(
        [
            subaccount_entry(ALICE, 0, 0, [(BTC, 1_000_000)]),
            subaccount_entry(BOB, 0, 1_000_000_000, [(BTC, -1_000_000)]),
        ]
    )
    state = make_state(genesis)
    assert state.perpetuals.perpetuals[BTC].open_interest == 1_000_000
    settled = process_updates(
        state,
        [
            Update(sid(ALICE), perpetual_deltas=((BTC, -1_000_000),)),
            Update(sid(BOB), perpetual_deltas=((BTC, 1_000_000),)),
        ],
        UpdateType.MATCH,
    )
    assert [s.updated.positions for s in settled] == [{}, {}]
    assert sid(ALICE) not in state.subaccounts.subaccounts  # 0 USDC, no positions: deleted (SUB-3)
    assert state.subaccounts.subaccounts[sid(BOB)].positions == {}
    assert state.subaccounts.subaccounts[sid(BOB)].usdc_balance == 1_000_000_000
    assert state.perpetuals.perpetuals[BTC].open_interest == 0
    assert check_state_invariants(state) == []
    # the genesis refuses a zero-size position
    with pytest.raises(errors.InvalidGenesis):
        load_genesis(make_genesis([subaccount_entry(ALICE, 0, 5, [(BTC, 0)])]))


def test_sub_10_isolated_perpetual_genesis_is_rejected():
    """SUB-10: a genesis with a PERPETUAL_MARKET_TYPE_ISOLATED perpetual is InvalidGenesis."""
    genesis = make_genesis()
    perpetual_json(genesis, SOL)["params"]["marketType"] = "PERPETUAL_MARKET_TYPE_ISOLATED"
    with pytest.raises(errors.InvalidGenesis) as raised:
        load_genesis(genesis)
    assert raised.value.code == "INVALID_GENESIS"
    assert all(p.market_type is MarketType.CROSS for p in make_state().perpetuals.perpetuals.values())
