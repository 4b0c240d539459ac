"""
Per-rule tests of subaccount updates (spec/subaccounts.md, SUB-5, SUB-6, SUB-7): deltas, new
positions' funding index, open interest, and batches naming a subaccount or perpetual twice.

Expected numbers are worked by hand from the default genesis (GEN-1), as helpers/ledger.py
shows; every rejection goes through ``apply_rejected``, which also asserts that the state
hash and the canonical state bytes are unchanged (TX-2).
"""

from __future__ import annotations

import pytest

from helpers.ledger import make_state, sid, usdc
from perpspec import errors
from perpspec.codec import state_hash
from perpspec.conformance.builders import BTC, CAROL, DAVE, ETH, SOL, make_genesis, perpetual_json, subaccount_entry
from perpspec.invariants import check_state_invariants
from perpspec.state import PerpetualPosition
from perpspec.subaccounts import Update, UpdateType, process_updates


def test_sub_5_update_applies_deltas_and_new_positions_start_at_funding_index():
    """SUB-5: an Update adds its USDC and perpetual deltas; a new position starts at the perpetual's funding index."""
    genesis = make_genesis([subaccount_entry(CAROL, 0, 5_000_000_000), subaccount_entry(DAVE, 0, 5_000_000_000)])
    perpetual_json(genesis, BTC)["fundingIndex"] = "777"
    state = make_state(genesis)
    # CAROL buys 0.01 BTC (1e8 quantums) from DAVE for 286_881_952 quote quantums
    # (0.01 BTC * 28_688.19524 USD = 286.8819524 USD -> 286_881_952 quantums, the fill price)
    process_updates(
        state,
        [
            Update(sid(CAROL), usdc_delta=-286_881_952, perpetual_deltas=((BTC, 100_000_000),)),
            Update(sid(DAVE), usdc_delta=286_881_952, perpetual_deltas=((BTC, -100_000_000),)),
        ],
        UpdateType.MATCH,
    )
    carol, dave = state.subaccounts.subaccounts[sid(CAROL)], state.subaccounts.subaccounts[sid(DAVE)]
    assert carol.usdc_balance == 5_000_000_000 - 286_881_952 == 4_713_118_048
    assert dave.usdc_balance == 5_286_881_952
    assert carol.positions == {BTC: PerpetualPosition(BTC, 100_000_000, 777)}
    assert dave.positions == {BTC: PerpetualPosition(BTC, -100_000_000, 777)}
    # adding to an existing position keeps one position per perpetual
    process_updates(
        state,
        [
            Update(sid(CAROL), perpetual_deltas=((BTC, 50_000_000),)),
            Update(sid(DAVE), perpetual_deltas=((BTC, -50_000_000),)),
        ],
        UpdateType.MATCH,
    )
    assert state.subaccounts.subaccounts[sid(CAROL)].positions[BTC].quantums == 150_000_000
    assert check_state_invariants(state) == []


def test_sub_6_open_interest_follows_the_sum_of_longs():
    """SUB-6: process_updates moves open interest by the change of the sum of long positions."""
    genesis = make_genesis([subaccount_entry(CAROL, 0, 50_000_000_000), subaccount_entry(DAVE, 0, 50_000_000_000)])
    state = make_state(genesis)
    assert state.perpetuals.perpetuals[BTC].open_interest == 0

    def match(long_delta: int) -> None:
        process_updates(
            state,
            [
                Update(sid(CAROL), perpetual_deltas=((BTC, long_delta),)),
                Update(sid(DAVE), perpetual_deltas=((BTC, -long_delta),)),
            ],
            UpdateType.MATCH,
        )

    match(2_000_000)  # open: CAROL +2e6, DAVE -2e6 -> longs 2e6
    assert state.perpetuals.perpetuals[BTC].open_interest == 2_000_000
    match(-5_000_000)  # flip: CAROL -3e6, DAVE +3e6 -> longs: max(-3e6,0) + max(3e6,0) = 3e6
    assert state.perpetuals.perpetuals[BTC].open_interest == 3_000_000
    match(1_000_000)  # reduce: CAROL -2e6, DAVE +2e6 -> longs 2e6
    assert state.perpetuals.perpetuals[BTC].open_interest == 2_000_000
    match(2_000_000)  # close: both 0 -> longs 0
    assert state.perpetuals.perpetuals[BTC].open_interest == 0
    assert state.perpetuals.perpetuals[ETH].open_interest == 0 and state.perpetuals.perpetuals[SOL].open_interest == 0
    assert check_state_invariants(state) == []


def test_sub_6_one_update_naming_a_perpetual_twice_keeps_open_interest_right():
    """SUB-5, SUB-6, INV-3: an Update naming a perpetual twice is refused (NON_UNIQUE_UPDATES), so open interest cannot be double counted."""
    state = make_state(make_genesis([subaccount_entry(CAROL, 0, 10**10), subaccount_entry(DAVE, 0, 10**10)]))
    batch = [
        Update(sid(CAROL), perpetual_deltas=((BTC, 1_000_000), (BTC, 1_000_000))),  # CAROL long 2e6
        Update(sid(DAVE), perpetual_deltas=((BTC, -2_000_000),)),
    ]
    before = state_hash(state)
    with pytest.raises(errors.NonUniqueUpdates):
        process_updates(state, batch, UpdateType.MATCH)
    assert state_hash(state) == before
    assert check_state_invariants(state) == []


def test_sub_7_two_updates_of_one_subaccount_are_not_lost():
    """SUB-5, SUB-7: a batch naming a subaccount twice is refused (NON_UNIQUE_UPDATES), so no update is silently lost."""
    state = make_state(make_genesis([subaccount_entry(CAROL, 0, 10**10)]))
    with pytest.raises(errors.NonUniqueUpdates):
        process_updates(
            state, [Update(sid(CAROL), usdc_delta=5), Update(sid(CAROL), usdc_delta=7)], UpdateType.COLLAT_CHECK
        )
    assert usdc(state, CAROL) == 10**10
