"""
Per-rule tests of the ledger: subaccounts, sending, prices, blocks, the transition
function, the codec, genesis and the invariants.

Every test names the rule IDs it checks.  Expected numbers are worked by hand in the
comments, from the default genesis (GEN-1):

  BTC-USD  price 2_868_819_524e-5, atomic resolution -10, Large-Cap (imf 20_000, mf 600_000)
           quote exponent e = -5 + -10 + 6 = -9, so notional = q * 2_868_819_524 / 1e9 (trunc)
           1 BTC = 1e10 quantums -> notional 28_688_195_240
           IMR = ceil(28_688_195_240 * 20_000 / 1e6) = ceil(573_763_904.8) = 573_763_905
           MMR = ceil(573_763_905 * 600_000 / 1e6) = ceil(344_258_343.0) = 344_258_343
  ETH-USD  price 1_811_985_252e-6, atomic resolution -9, Large-Cap; e = -6 - 9 + 6 = -9
  SOL-USD  price 2_350_695_125e-8, atomic resolution -7, Small-Cap (imf 100_000, mf 500_000,
           OI caps 20e12 / 50e12 quote quantums); e = -8 - 7 + 6 = -9

Every rejection goes through ``apply_rejected``, which also asserts that the state hash
and the canonical state bytes are unchanged (TX-2).
"""

from __future__ import annotations

import copy
import hashlib
import inspect
import json
import os
import re
import subprocess
import sys

import icontract
import ledger_helpers as h
import pytest
from ledger_helpers import (
    ALICE,
    AUTHORITY,
    BOB,
    BTC,
    CAROL,
    DAVE,
    ETH,
    GENESIS_TIME,
    MALLORY,
    ONE_BTC,
    ONE_ETH,
    ONE_SOL,
    SOL,
    advance_block,
    apply_ok,
    apply_rejected,
    deposit,
    make_genesis,
    make_state,
    next_block,
    sid,
    sub,
    subaccount_entry,
    transfer,
    update_prices,
    usdc,
    withdraw,
)

from perpspec import config, errors
from perpspec.clob.state import ClobPairStatus
from perpspec.codec import canonical_json, decode_state, encode_event, encode_state, state_hash
from perpspec.default_genesis import default_genesis, default_genesis_json
from perpspec.genesis import load_genesis
from perpspec.invariants import check_state_invariants, not_newly_undercollateralized, take_snapshot
from perpspec.margin import Risk
from perpspec.simulation import genesis_with_positions
from perpspec.state import MarketType, PerpetualPosition, Subaccount
from perpspec.subaccounts import (
    Update,
    UpdateResult,
    UpdateType,
    check_updates,
    compute_undercollateralized_result,
    get_subaccount,
    get_subaccount_risk,
    get_subaccount_update_event,
    process_updates,
)
from perpspec.transition import Outcome, apply_json, full_state_bytes
from perpspec.types import SubaccountId

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Hand-worked BTC numbers (see the module docstring).
BTC_NOTIONAL_1 = 28_688_195_240
BTC_IMR_1 = 573_763_905
BTC_MMR_1 = 344_258_343


def one_btc_pair_genesis(long_usdc: int = 1_000_000_000, short_usdc: int = 30_000_000_000, **top) -> dict:
    """ALICE long 1 BTC, BOB short 1 BTC."""
    return make_genesis(
        [
            subaccount_entry(ALICE, 0, long_usdc, [(BTC, ONE_BTC)]),
            subaccount_entry(BOB, 0, short_usdc, [(BTC, -ONE_BTC)]),
        ],
        **top,
    )


# =========================================================================================
# SUB-1: subaccount ids
# =========================================================================================


def test_sub_1_numbers_0_to_127_are_valid_128_is_rejected():
    """SUB-1: numbers 0..127 name subaccounts; 128 is INVALID_SUBACCOUNT_NUMBER."""
    state = make_state()
    apply_ok(state, deposit(ALICE, sub(ALICE, 0), 10))
    apply_ok(state, deposit(ALICE, sub(ALICE, 127), 20))
    assert usdc(state, ALICE, 0) == 10 and usdc(state, ALICE, 127) == 20
    apply_rejected(state, deposit(ALICE, sub(ALICE, 128), 10), "INVALID_SUBACCOUNT_NUMBER")
    apply_rejected(state, withdraw(ALICE, sub(ALICE, 128), 1), "INVALID_SUBACCOUNT_NUMBER")
    apply_rejected(state, transfer(ALICE, sub(ALICE, 0), sub(ALICE, 128), 1), "INVALID_SUBACCOUNT_NUMBER")
    # a negative number is not a uint32 at all: a field error (TX-5)
    apply_rejected(state, deposit(ALICE, sub(ALICE, -1), 10), "INVALID_FIELD")


def test_sub_1_owner_must_be_a_dydx_bech32_address():
    """SUB-1: a subaccount owner with a bad checksum, another prefix or upper case is INVALID_ADDRESS."""
    state = make_state()
    bad_checksum = ALICE[:-1] + ("q" if ALICE[-1] != "q" else "p")
    cosmos = "cosmos1" + ALICE[len("dydx1") :]
    for owner in (bad_checksum, cosmos, ALICE.upper(), "dydx1", ""):
        apply_rejected(state, deposit(ALICE, sub(owner, 0), 10), "INVALID_ADDRESS")
        apply_rejected(state, withdraw(ALICE, sub(owner, 0), 10, recipient=ALICE), "INVALID_ADDRESS")
    # signers and outside accounts are checked the same way
    apply_rejected(state, deposit(bad_checksum, sub(ALICE, 0), 10), "INVALID_ADDRESS")
    apply_rejected(state, withdraw(ALICE, sub(ALICE, 0), 10, recipient=bad_checksum), "INVALID_ADDRESS")
    # and the genesis rejects such an owner too
    genesis = make_genesis([subaccount_entry(bad_checksum, 0, 5)])
    with pytest.raises(errors.InvalidGenesis):
        load_genesis(genesis)
    with pytest.raises(errors.InvalidGenesis):
        load_genesis(make_genesis([subaccount_entry(ALICE, 128, 5)]))


# =========================================================================================
# SUB-2 .. SUB-8: state, updates and the collateral check
# =========================================================================================


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


def test_sub_5_update_applies_deltas_and_new_positions_start_at_funding_index():
    """SUB-5: an Update adds its USDC and perpetual deltas; a new position starts at the perpetual's funding index."""
    genesis = make_genesis([subaccount_entry(CAROL, 0, 5_000_000_000), subaccount_entry(DAVE, 0, 5_000_000_000)])
    h.perpetual_json(genesis, BTC)["fundingIndex"] = "777"
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


def test_sub_7_success_iff_nc_at_least_imr_and_batch_is_all_or_nothing():
    """SUB-7: each update succeeds iff NC >= IMR after it (else SUB-8 decides); the batch writes all or nothing."""
    state = make_state(one_btc_pair_genesis())
    # ALICE: NC = 1_000_000_000 + 28_688_195_240 = 29_688_195_240, IMR 573_763_905
    # largest USDC delta keeping NC >= IMR: -(29_688_195_240 - 573_763_905) = -29_114_431_335
    boundary = 29_688_195_240 - BTC_IMR_1
    assert boundary == 29_114_431_335
    results, _ = check_updates(state, [Update(sid(ALICE), usdc_delta=-boundary)], UpdateType.COLLAT_CHECK)
    assert results == [UpdateResult.SUCCESS]  # NC == IMR exactly
    results, _ = check_updates(state, [Update(sid(ALICE), usdc_delta=-boundary - 1)], UpdateType.COLLAT_CHECK)
    assert results == [UpdateResult.NEWLY_UNDERCOLLATERALIZED]

    # a batch: CAROL receives 1, ALICE loses too much -> nothing is written
    before = full_state_bytes(state)
    batch = [Update(sid(CAROL), usdc_delta=1), Update(sid(ALICE), usdc_delta=-boundary - 1)]
    results, _ = check_updates(state, batch, UpdateType.COLLAT_CHECK)
    assert results == [UpdateResult.SUCCESS, UpdateResult.NEWLY_UNDERCOLLATERALIZED]
    with pytest.raises(errors.NewlyUndercollateralized) as raised:
        process_updates(state, batch, UpdateType.COLLAT_CHECK)
    assert raised.value.code == "NEWLY_UNDERCOLLATERALIZED"
    assert full_state_bytes(state) == before
    assert sid(CAROL) not in state.subaccounts.subaccounts
    # the first failing result is the error: STILL (CAROL, under IMR already) before NEWLY (ALICE)
    still = make_state(
        make_genesis(
            [
                subaccount_entry(ALICE, 0, 1_000_000_000, [(BTC, ONE_BTC)]),
                subaccount_entry(CAROL, 0, -28_188_195_240, [(BTC, ONE_BTC)]),  # NC 500_000_000 < IMR
                subaccount_entry(DAVE, 0, 80_000_000_000, [(BTC, -2 * ONE_BTC)]),
            ]
        )
    )
    pair = [Update(sid(CAROL), usdc_delta=-1), Update(sid(ALICE), usdc_delta=-boundary - 1)]
    assert check_updates(still, pair, UpdateType.TRANSFER)[0] == [
        UpdateResult.STILL_UNDERCOLLATERALIZED,
        UpdateResult.NEWLY_UNDERCOLLATERALIZED,
    ]
    with pytest.raises(errors.StillUndercollateralized):
        process_updates(still, pair, UpdateType.TRANSFER)
    with pytest.raises(errors.NewlyUndercollateralized):
        process_updates(still, pair[::-1], UpdateType.TRANSFER)
    # the same batch within the boundary writes both
    process_updates(
        state, [Update(sid(CAROL), usdc_delta=1), Update(sid(ALICE), usdc_delta=-1)], UpdateType.COLLAT_CHECK
    )
    assert usdc(state, CAROL) == 1 and usdc(state, ALICE) == 999_999_999


def test_sub_7_sub_8_undercollateralized_subaccount_may_only_improve():
    """SUB-7, SUB-8: below IMR, a deposit (ratio improves) passes; a withdrawal (ratio worsens) is STILL_UNDERCOLLATERALIZED."""
    # CAROL long 1 BTC with USDC -28_188_195_240: NC = 28_688_195_240 - 28_188_195_240 = 500_000_000
    # IMR 573_763_905 > NC >= MMR 344_258_343 -> under initial margin, not liquidatable.
    genesis = make_genesis(
        [
            subaccount_entry(CAROL, 0, -28_188_195_240, [(BTC, ONE_BTC)]),
            subaccount_entry(DAVE, 0, 40_000_000_000, [(BTC, -ONE_BTC)]),
        ]
    )
    state = make_state(genesis)
    assert get_subaccount_risk(state, state.subaccounts.subaccounts[sid(CAROL)]) == Risk(
        500_000_000, BTC_IMR_1, BTC_MMR_1
    )
    # deposit 1: NC 500_000_001 < IMR, MMR unchanged, NC/MMR rises -> SUB-8 success
    apply_ok(state, deposit(CAROL, sub(CAROL), 1))
    # withdraw 1: NC back to 500_000_000, ratio falls; NC < IMR before -> STILL
    apply_rejected(state, withdraw(CAROL, sub(CAROL), 1), "STILL_UNDERCOLLATERALIZED")
    # a transfer out is the same, and the recipient is not written either (SUB-13)
    apply_rejected(state, transfer(CAROL, sub(CAROL), sub(ALICE), 1), "STILL_UNDERCOLLATERALIZED")
    assert sid(ALICE) not in state.subaccounts.subaccounts
    # DAVE pays CAROL 73_763_905: NC 500_000_001 + 73_763_905 = 573_763_906 >= IMR 573_763_905
    apply_ok(state, transfer(DAVE, sub(DAVE), sub(CAROL), 73_763_905))
    assert get_subaccount_risk(state, state.subaccounts.subaccounts[sid(CAROL)]).nc == 573_763_906
    apply_ok(state, withdraw(CAROL, sub(CAROL), 1))  # NC 573_763_905 == IMR: allowed
    apply_rejected(state, withdraw(CAROL, sub(CAROL), 1), "NEWLY_UNDERCOLLATERALIZED")


def test_sub_8_compute_undercollateralized_result():
    """SUB-8: the under-collateralized rule on (NC, IMR, MMR) triples."""
    f = compute_undercollateralized_result
    # MMR rising fails; the kind depends on NC >= IMR before
    assert f(Risk(90, 100, 50), Risk(200, 300, 60)) is UpdateResult.STILL_UNDERCOLLATERALIZED  # 90 < 100 before
    assert f(Risk(100, 100, 50), Risk(200, 300, 60)) is UpdateResult.NEWLY_UNDERCOLLATERALIZED  # 100 >= 100 before
    # both MMR 0 and NC strictly rising succeeds (paying down a debt)
    assert f(Risk(-10, 0, 0), Risk(-5, 0, 0)) is UpdateResult.SUCCESS
    # both MMR 0 but NC not rising fails
    assert f(Risk(-10, 0, 0), Risk(-10, 0, 0)) is UpdateResult.STILL_UNDERCOLLATERALIZED
    assert f(Risk(0, 0, 0), Risk(-1, 0, 0)) is UpdateResult.NEWLY_UNDERCOLLATERALIZED
    # one MMR zero, the other not: fails even if NC rises (closing every position with NC < 0)
    assert f(Risk(-5, 20, 10), Risk(-3, 0, 0)) is UpdateResult.STILL_UNDERCOLLATERALIZED
    # ratio worsening fails: 80/60 < 90/60
    assert f(Risk(90, 100, 60), Risk(80, 100, 60)) is UpdateResult.STILL_UNDERCOLLATERALIZED
    # ... NEWLY when the subaccount met its IMR before: 100 >= 100, then 99/60 < 100/60
    assert f(Risk(100, 100, 60), Risk(99, 100, 60)) is UpdateResult.NEWLY_UNDERCOLLATERALIZED
    # ratio improving with MMR falling succeeds: 60/30 = 2 > 90/60 = 1.5
    assert f(Risk(90, 100, 60), Risk(60, 80, 30)) is UpdateResult.SUCCESS
    # equal ratio and equal MMR: not riskier -> success
    assert f(Risk(90, 100, 60), Risk(90, 110, 60)) is UpdateResult.SUCCESS
    # equal ratio, smaller MMR: 90*30 == 45*60, tie broken by MMR 30 < 60 -> safer -> success
    assert f(Risk(90, 100, 60), Risk(45, 50, 30)) is UpdateResult.SUCCESS


# =========================================================================================
# SUB-9: withdrawal gating
# =========================================================================================


def test_sub_9_negative_tnc_seen_gates_withdrawals_and_transfers_for_50_blocks():
    """SUB-9: after negativeTncSubaccountSeenAtBlock, withdrawals and transfers are blocked for 50 blocks; deposits never."""
    genesis = make_genesis([subaccount_entry(ALICE, 0, 1_000_000_000)], negativeTncSubaccountSeenAtBlock=1)
    state = make_state(genesis)
    assert state.blocks.height == 1
    apply_rejected(state, withdraw(ALICE, sub(ALICE), 1), "WITHDRAWALS_AND_TRANSFERS_BLOCKED")
    apply_rejected(state, transfer(ALICE, sub(ALICE), sub(BOB), 1), "WITHDRAWALS_AND_TRANSFERS_BLOCKED")
    apply_ok(state, deposit(ALICE, sub(ALICE), 1))  # deposits are never gated
    # gating beats the collateral check: an overdraw is reported as blocked too
    apply_rejected(state, withdraw(ALICE, sub(ALICE), 10**15), "WITHDRAWALS_AND_TRANSFERS_BLOCKED")
    while state.blocks.height < 50:  # heights 2..50: 50 - 1 = 49 < 50, still blocked
        apply_ok(state, next_block(state))
        apply_rejected(state, withdraw(ALICE, sub(ALICE), 1), "WITHDRAWALS_AND_TRANSFERS_BLOCKED")
    apply_ok(state, deposit(ALICE, sub(ALICE), 1))
    apply_ok(state, next_block(state))  # height 51 = 1 + 50
    assert state.blocks.height == 51
    apply_ok(state, withdraw(ALICE, sub(ALICE), 1))
    apply_ok(state, transfer(ALICE, sub(ALICE), sub(BOB), 1))
    assert usdc(state, ALICE) == 1_000_000_000 and usdc(state, BOB) == 1


def test_sub_9_chain_outage_gates_withdrawals_and_transfers_for_50_blocks():
    """SUB-9, BLOCK-2: an outage recorded at block 2 blocks withdrawals and transfers until block 52."""
    state = make_state(make_genesis([subaccount_entry(ALICE, 0, 1_000_000_000)]))
    apply_ok(state, withdraw(ALICE, sub(ALICE), 1))  # not gated at first
    apply_ok(state, next_block(state, seconds=300))  # a 300 s gap: outage at height 2
    assert state.blocks.last_chain_outage_at_block == 2
    for _ in range(49):  # heights 2..51: height - 2 < 50
        apply_rejected(state, withdraw(ALICE, sub(ALICE), 1), "WITHDRAWALS_AND_TRANSFERS_BLOCKED")
        apply_rejected(state, transfer(ALICE, sub(ALICE), sub(ALICE, 1), 1), "WITHDRAWALS_AND_TRANSFERS_BLOCKED")
        apply_ok(state, deposit(BOB, sub(ALICE), 1))
        apply_ok(state, next_block(state))
    assert state.blocks.height == 51
    apply_rejected(state, withdraw(ALICE, sub(ALICE), 1), "WITHDRAWALS_AND_TRANSFERS_BLOCKED")
    apply_ok(state, next_block(state))  # height 52 = 2 + 50
    apply_ok(state, withdraw(ALICE, sub(ALICE), 1))
    apply_ok(state, transfer(ALICE, sub(ALICE), sub(ALICE, 1), 1))
    assert check_state_invariants(state) == []


# =========================================================================================
# SUB-10: cross markets only
# =========================================================================================


def test_sub_10_isolated_perpetual_genesis_is_rejected():
    """SUB-10: a genesis with a PERPETUAL_MARKET_TYPE_ISOLATED perpetual is InvalidGenesis."""
    genesis = make_genesis()
    h.perpetual_json(genesis, SOL)["params"]["marketType"] = "PERPETUAL_MARKET_TYPE_ISOLATED"
    with pytest.raises(errors.InvalidGenesis) as raised:
        load_genesis(genesis)
    assert raised.value.code == "INVALID_GENESIS"
    assert all(p.market_type is MarketType.CROSS for p in make_state().perpetuals.perpetuals.values())


# =========================================================================================
# SUB-11 .. SUB-13: deposit, withdraw, transfer
# =========================================================================================


def test_sub_11_deposit_signed_by_sender_creates_subaccount():
    """SUB-11: the signer must be the sender (else UNAUTHORIZED); a deposit creates the recipient subaccount."""
    state = make_state()
    apply_rejected(state, deposit(MALLORY, sub(ALICE), 10, sender=ALICE), "UNAUTHORIZED")
    assert state.subaccounts.subaccounts == {}
    apply_ok(state, deposit(ALICE, sub(ALICE, 7), 10))
    assert state.subaccounts.subaccounts[sid(ALICE, 7)] == Subaccount(sid(ALICE, 7), 10, {})
    # anyone may deposit into anyone's subaccount, as long as they sign for their own funds
    apply_ok(state, deposit(BOB, sub(ALICE, 7), 5))
    assert usdc(state, ALICE, 7) == 15
    assert state.bank.total_deposited == 15 and state.bank.total_withdrawn == 0
    apply_rejected(state, deposit(ALICE, sub(ALICE), 0), "INVALID_TRANSFER_AMOUNT")
    apply_rejected(state, {**deposit(ALICE, sub(ALICE), 5), "assetId": 1}, "NON_USDC_ASSET")


def test_sub_12_withdraw_signed_by_owner_and_overdraw_rejected():
    """SUB-12: only the owner may withdraw; an overdraw is NEWLY_UNDERCOLLATERALIZED."""
    state = make_state(make_genesis([subaccount_entry(ALICE, 0, 100)]))
    apply_rejected(state, withdraw(MALLORY, sub(ALICE), 1, recipient=MALLORY), "UNAUTHORIZED")
    # NC 100 -> -1 < IMR 0; before, 100 >= 0 -> NEWLY; both MMR 0, NC falls -> fails
    apply_rejected(state, withdraw(ALICE, sub(ALICE), 101), "NEWLY_UNDERCOLLATERALIZED")
    apply_rejected(state, withdraw(ALICE, sub(BOB), 1), "UNAUTHORIZED")  # not ALICE's subaccount
    apply_rejected(state, withdraw(ALICE, sub(ALICE, 1), 1), "NEWLY_UNDERCOLLATERALIZED")  # absent = empty
    events = apply_ok(state, withdraw(ALICE, sub(ALICE), 40, recipient=BOB))  # to any outside account
    assert events[0] == {"type": "Withdraw", "sender": sub(ALICE), "recipient": BOB, "quantums": "40"}
    assert usdc(state, ALICE) == 60 and state.bank.total_withdrawn == 40


def test_sub_12_withdraw_down_to_initial_margin_exactly():
    """SUB-12, SUB-7, MARGIN-5: with a position, a withdrawal may leave NC == IMR and not one quantum less."""
    # ALICE: 1_000 USDC + long 1 BTC. NC = 1_000_000_000 + 28_688_195_240 = 29_688_195_240
    # IMR = ceil(28_688_195_240 * 20_000 / 1e6) = 573_763_905
    # max withdrawal = NC - IMR = 29_688_195_240 - 573_763_905 = 29_114_431_335
    state = make_state(one_btc_pair_genesis())
    max_withdrawal = 29_114_431_335
    apply_rejected(state, withdraw(ALICE, sub(ALICE), max_withdrawal + 1), "NEWLY_UNDERCOLLATERALIZED")
    apply_ok(state, withdraw(ALICE, sub(ALICE), max_withdrawal))
    # balance 1_000_000_000 - 29_114_431_335 = -28_114_431_335 (negative, SUB-2)
    assert usdc(state, ALICE) == -28_114_431_335
    risk = get_subaccount_risk(state, state.subaccounts.subaccounts[sid(ALICE)])
    assert risk == Risk(BTC_IMR_1, BTC_IMR_1, BTC_MMR_1)
    apply_rejected(state, withdraw(ALICE, sub(ALICE), 1), "NEWLY_UNDERCOLLATERALIZED")
    apply_rejected(state, transfer(ALICE, sub(ALICE), sub(ALICE, 1), 1), "NEWLY_UNDERCOLLATERALIZED")
    assert state.bank.total_withdrawn == max_withdrawal
    assert check_state_invariants(state) == []


def test_sub_12_short_position_boundary():
    """SUB-12: a short must keep USDC >= notional + IMR; the boundary is exact."""
    # BOB short 1 BTC with 30_000 USDC: NC = 30_000_000_000 - 28_688_195_240 = 1_311_804_760
    # max withdrawal = NC - IMR = 1_311_804_760 - 573_763_905 = 738_040_855
    state = make_state(one_btc_pair_genesis())
    apply_rejected(state, withdraw(BOB, sub(BOB), 738_040_856), "NEWLY_UNDERCOLLATERALIZED")
    apply_ok(state, withdraw(BOB, sub(BOB), 738_040_855))
    assert usdc(state, BOB) == 30_000_000_000 - 738_040_855 == 29_261_959_145


def test_sub_13_transfer_rules():
    """SUB-13: signed by the sender's owner; sender == recipient rejected; both subaccounts written or neither."""
    state = make_state(make_genesis([subaccount_entry(ALICE, 0, 1_000), subaccount_entry(BOB, 0, 50)]))
    apply_rejected(state, transfer(BOB, sub(ALICE), sub(BOB), 10), "UNAUTHORIZED")  # the recipient cannot pull
    apply_rejected(state, transfer(MALLORY, sub(ALICE), sub(BOB), 10), "UNAUTHORIZED")
    apply_rejected(state, transfer(ALICE, sub(ALICE), sub(ALICE), 10), "SENDER_SAME_AS_RECIPIENT")
    apply_rejected(state, transfer(ALICE, sub(ALICE), sub(BOB), 0), "INVALID_TRANSFER_AMOUNT")
    # overdraw: ALICE 1_000 -> -1 fails, so BOB is not credited either
    apply_rejected(state, transfer(ALICE, sub(ALICE), sub(BOB), 1_001), "NEWLY_UNDERCOLLATERALIZED")
    assert usdc(state, BOB) == 50
    events = apply_ok(state, transfer(ALICE, sub(ALICE), sub(BOB, 2), 1_000))
    # both written: ALICE emptied and deleted (SUB-3), BOB/2 created
    assert sid(ALICE) not in state.subaccounts.subaccounts
    assert usdc(state, BOB, 2) == 1_000
    assert [e["type"] for e in events] == ["Transfer", "SubaccountUpdate", "SubaccountUpdate"]
    assert events[0] == {"type": "Transfer", "sender": sub(ALICE), "recipient": sub(BOB, 2), "amount": "1000"}
    assert events[1]["usdcBalance"] == "0" and events[2]["usdcBalance"] == "1000"
    # a transfer moves no USDC in or out of the system
    assert state.bank.total_deposited == 1_050 and state.bank.total_withdrawn == 0
    # same owner, different numbers is fine
    apply_ok(state, transfer(BOB, sub(BOB, 2), sub(BOB, 0), 1))
    assert check_state_invariants(state) == []


# =========================================================================================
# MARGIN-5, FUND-2
# =========================================================================================


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
    # BTC +1 BTC: NC 28_688_195_240, IMR 573_763_905, MMR 344_258_343 (module docstring)
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


def funding_genesis() -> dict:
    """BTC funding index 1_234_567; ALICE long / BOB short 10_000_001 quantums settled at 1_000_000."""
    genesis = make_genesis(
        [
            subaccount_entry(ALICE, 0, 10_000_000_000, [(BTC, 10_000_001, 1_000_000)]),
            subaccount_entry(BOB, 0, 10_000_000_000, [(BTC, -10_000_001, 1_000_000)]),
        ]
    )
    h.perpetual_json(genesis, BTC)["fundingIndex"] = "1234567"
    return genesis


def test_fund_2_settlement_happens_before_every_update():
    """FUND-2: an update first settles funding: USDC += floor(-(perp_idx - pos_idx) * q / 1e6); index -> perpetual's."""
    state = make_state(funding_genesis())
    # ALICE (long): -(1_234_567 - 1_000_000) * 10_000_001 = -234_567 * 10_000_001 = -2_345_670_234_567 ppm
    #   floor(-2_345_670_234_567 / 1e6) = floor(-2_345_670.234567) = -2_345_671 (the payer pays the fraction)
    #   USDC = 10_000_000_000 + 5 (deposit) - 2_345_671 = 9_997_654_334; payment reported: +2_345_671
    assert state.bank.funding_pool == 0
    settled = process_updates(state, [Update(sid(ALICE), usdc_delta=5)], UpdateType.DEPOSIT)
    alice = state.subaccounts.subaccounts[sid(ALICE)]
    assert alice.usdc_balance == 9_997_654_334
    assert state.bank.funding_pool == 2_345_671  # FUND-3: the pool receives what ALICE paid
    assert alice.positions[BTC] == PerpetualPosition(BTC, 10_000_001, 1_234_567)
    assert settled[0].funding_payments == {BTC: 2_345_671}
    event = encode_event(get_subaccount_update_event(settled[0]))
    assert event == {
        "type": "SubaccountUpdate",
        "subaccountId": sub(ALICE),
        "usdcBalance": "9997654334",
        "perpetualPositions": [{"perpetualId": BTC, "quantums": "10000001", "fundingIndex": "1234567"}],
        "fundingPayments": [{"perpetualId": BTC, "payment": "2345671"}],
    }
    # BOB (short) receives +2_345_670_234_567 ppm -> floor = 2_345_670 (forgoes the fraction); payment -2_345_670
    settled = process_updates(state, [Update(sid(BOB), usdc_delta=5)], UpdateType.DEPOSIT)
    assert state.subaccounts.subaccounts[sid(BOB)].usdc_balance == 10_000_000_000 + 5 + 2_345_670
    assert settled[0].funding_payments == {BTC: -2_345_670}
    # FUND-3: with every position settled the pool keeps exactly the rounding: 2_345_671 - 2_345_670 = 1
    assert state.bank.funding_pool == 1
    state.bank.total_deposited += 5 + 5  # the raw updates above bypassed process_deposit's counter (SUB-11)
    assert check_state_invariants(state) == []  # INV-1 holds with the pool
    # once settled, another update pays nothing more and reports no payment
    settled = process_updates(state, [Update(sid(ALICE), usdc_delta=1)], UpdateType.DEPOSIT)
    assert settled[0].funding_payments == {} and state.subaccounts.subaccounts[sid(ALICE)].usdc_balance == 9_997_654_335
    # the collateral check sees the settled balance: a failed check writes nothing, not even the settlement
    fresh = make_state(funding_genesis())
    with pytest.raises(errors.NewlyUndercollateralized):
        # settled NC is about 10_026 USDC; taking 1_000_000 USDC fails
        process_updates(fresh, [Update(sid(ALICE), usdc_delta=-(10**12))], UpdateType.WITHDRAWAL)
    assert fresh.subaccounts.subaccounts[sid(ALICE)].positions[BTC].funding_index == 1_000_000
    assert fresh.subaccounts.subaccounts[sid(ALICE)].usdc_balance == 10_000_000_000 and fresh.bank.funding_pool == 0


def test_fund_2_fund_3_deposit_message_settles_funding():
    """FUND-2, FUND-3, TX-4, INV-1: a Deposit message settles funding against the pool and reports the payment."""
    # At HEAD d063bc3 (before FUND-3) this raised icontract.ViolationError "INV-1: USDC is conserved"
    # out of apply_json, after writing: the settlement moved USDC that INV-1 did not count.
    state = make_state(funding_genesis())
    events = apply_ok(state, deposit(ALICE, sub(ALICE), 5))
    # numbers as in test_fund_2_settlement_happens_before_every_update
    assert events[1] == {
        "type": "SubaccountUpdate",
        "subaccountId": sub(ALICE),
        "usdcBalance": "9997654334",
        "perpetualPositions": [{"perpetualId": BTC, "quantums": "10000001", "fundingIndex": "1234567"}],
        "fundingPayments": [{"perpetualId": BTC, "payment": "2345671"}],
    }
    assert state.bank.funding_pool == 2_345_671
    assert check_state_invariants(state) == []
    # BOB's transfer settles his side: +2_345_670 from the pool, which keeps the 1 quantum of rounding
    events = apply_ok(state, transfer(BOB, sub(BOB), sub(CAROL), 1))
    assert events[1]["usdcBalance"] == str(10_000_000_000 + 2_345_670 - 1)
    assert events[1]["fundingPayments"] == [{"perpetualId": BTC, "payment": "-2345670"}]
    assert events[2]["fundingPayments"] == []
    assert state.bank.funding_pool == 1
    assert check_state_invariants(state) == []
    # a rejected withdrawal settles nothing (TX-2)
    fresh = make_state(funding_genesis())
    apply_rejected(fresh, withdraw(ALICE, sub(ALICE), 10**12), "NEWLY_UNDERCOLLATERALIZED")
    assert load_genesis(encode_state(state)) == state  # the pool round-trips (CODEC-1)


# =========================================================================================
# PRICE-1, PRICE-6, PRICE-7
# =========================================================================================


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
    h.market_price_json(genesis, SOL)["price"] = "0"
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


# =========================================================================================
# BLOCK-1, BLOCK-2
# =========================================================================================


def test_block_1_height_steps_by_one_time_strictly_increases_authority_signs():
    """BLOCK-1: height must be current + 1, time strictly later, signer the authority."""
    state = make_state()
    h0, t0 = state.blocks.height, state.blocks.time
    assert (h0, t0) == (1, GENESIS_TIME)
    apply_rejected(state, advance_block(ALICE, h0 + 1, t0 + 1), "UNAUTHORIZED")
    apply_rejected(state, advance_block(AUTHORITY, h0 + 2, t0 + 1), "INVALID_BLOCK_HEIGHT")
    apply_rejected(state, advance_block(AUTHORITY, h0, t0 + 1), "INVALID_BLOCK_HEIGHT")
    apply_rejected(state, advance_block(AUTHORITY, h0 - 1, t0 + 1), "INVALID_BLOCK_HEIGHT")
    apply_rejected(state, advance_block(AUTHORITY, h0 + 1, t0), "INVALID_BLOCK_TIME")
    apply_rejected(state, advance_block(AUTHORITY, h0 + 1, t0 - 1), "INVALID_BLOCK_TIME")
    events = apply_ok(state, advance_block(AUTHORITY, h0 + 1, t0 + 1))
    assert events == [{"type": "BlockStarted", "height": 2, "time": str(t0 + 1)}]
    assert (state.blocks.height, state.blocks.time) == (2, t0 + 1)


def test_block_2_gap_of_300_seconds_is_an_outage_299_is_not():
    """BLOCK-2: a gap >= 300 s records lastChainOutageAtBlock at the new height; 299 s does not."""
    state = make_state()
    t0 = state.blocks.time
    events = apply_ok(state, advance_block(AUTHORITY, 2, t0 + 299))
    assert state.blocks.last_chain_outage_at_block is None
    assert [e["type"] for e in events] == ["BlockStarted"]
    events = apply_ok(state, advance_block(AUTHORITY, 3, t0 + 299 + 300))
    assert state.blocks.last_chain_outage_at_block == 3
    assert events[0] == {"type": "ChainOutage", "height": 3, "seconds": "300"}
    apply_ok(state, advance_block(AUTHORITY, 4, t0 + 599 + 10_000))
    assert state.blocks.last_chain_outage_at_block == 4  # the latest outage is recorded
    apply_ok(state, advance_block(AUTHORITY, 5, t0 + 10_599 + 1))
    assert state.blocks.last_chain_outage_at_block == 4


# =========================================================================================
# TX-1 .. TX-6
# =========================================================================================


def test_tx_1_apply_json_returns_events_or_an_error_and_never_raises_for_bad_input():
    """TX-1: apply_json is the one entry; it returns an Outcome with events or a ProtocolError."""
    state = make_state()
    good = apply_json(state, deposit(ALICE, sub(ALICE), 5))
    assert isinstance(good, Outcome) and good.accepted and good.error is None
    assert isinstance(good.events, list) and all(isinstance(e, dict) and "type" in e for e in good.events)
    assert good.to_json() == {"events": good.events}
    for garbage in (None, [], "x", 5, 1.5, True, {}, {"@type": None}, {"@type": []}):
        outcome = apply_json(state, garbage)
        assert not outcome.accepted and outcome.events is None
        assert isinstance(outcome.error, errors.ProtocolError)
        assert outcome.to_json() == {"error": {"code": outcome.error.code, "message": outcome.error.message}}
    bad = apply_rejected(state, withdraw(ALICE, sub(ALICE), 6), "NEWLY_UNDERCOLLATERALIZED")
    assert set(bad.to_json()["error"]) == {"code", "message"}


def test_tx_2_rejections_leave_the_state_hash_unchanged():
    """TX-2: every kind of rejection on a populated state leaves state_hash (and every byte) unchanged."""
    state = load_genesis(genesis_with_positions(11))
    owner = sorted(s.owner for s in state.subaccounts.subaccounts)[0]
    t = state.blocks.time
    risk = get_subaccount_risk(state, state.subaccounts.subaccounts[sid(owner)])
    overdraw = "NEWLY_UNDERCOLLATERALIZED" if risk.nc >= risk.imr else "STILL_UNDERCOLLATERALIZED"
    rejections = [
        (deposit(MALLORY, sub(owner), 5, sender=owner), "UNAUTHORIZED"),
        (withdraw(owner, sub(owner), 10**18), overdraw),
        (transfer(owner, sub(owner), sub(MALLORY), 10**18), overdraw),
        (withdraw(MALLORY, sub(owner), 1), "UNAUTHORIZED"),
        (withdraw(MALLORY, sub(MALLORY), 1), "NEWLY_UNDERCOLLATERALIZED"),
        (transfer(MALLORY, sub(MALLORY), sub(owner), 1), "NEWLY_UNDERCOLLATERALIZED"),
        (transfer(owner, sub(owner), sub(owner), 1), "SENDER_SAME_AS_RECIPIENT"),
        (update_prices(owner, [(0, [("a", 1, t)])]), "UNAUTHORIZED"),
        (update_prices(AUTHORITY, [(0, [("a", 3_000_000_000, t)]), (7, [("a", 1, t)])]), "UNKNOWN_MARKET"),
        (advance_block(AUTHORITY, state.blocks.height + 2, t + 1), "INVALID_BLOCK_HEIGHT"),
        (advance_block(AUTHORITY, state.blocks.height + 1, t), "INVALID_BLOCK_TIME"),
        ({"@type": "/x"}, "UNKNOWN_MESSAGE_TYPE"),
        ([1, 2], "MALFORMED_MESSAGE"),
    ]
    for message, code in rejections:
        apply_rejected(state, message, code)
    assert check_state_invariants(state) == []


EXPECTED_CODES = {
    "MalformedMessage": "MALFORMED_MESSAGE",
    "UnknownMessageType": "UNKNOWN_MESSAGE_TYPE",
    "InvalidField": "INVALID_FIELD",
    "InvalidAddress": "INVALID_ADDRESS",
    "InvalidSubaccountId": "INVALID_SUBACCOUNT_NUMBER",
    "NonUsdcAsset": "NON_USDC_ASSET",
    "InvalidTransferAmount": "INVALID_TRANSFER_AMOUNT",
    "SenderSameAsRecipient": "SENDER_SAME_AS_RECIPIENT",
    "Unauthorized": "UNAUTHORIZED",
    "NewlyUndercollateralized": "NEWLY_UNDERCOLLATERALIZED",
    "StillUndercollateralized": "STILL_UNDERCOLLATERALIZED",
    "WithdrawalsAndTransfersBlocked": "WITHDRAWALS_AND_TRANSFERS_BLOCKED",
    "PositionNotUpdatable": "POSITION_NOT_UPDATABLE",
    "UnknownPerpetual": "UNKNOWN_PERPETUAL",
    "UnknownMarket": "UNKNOWN_MARKET",
    "DuplicateMarketUpdate": "DUPLICATE_MARKET_UPDATE",
    "DuplicateSource": "DUPLICATE_SOURCE",
    "InvalidPrice": "INVALID_PRICE",
    "InvalidBlockHeight": "INVALID_BLOCK_HEIGHT",
    "InvalidBlockTime": "INVALID_BLOCK_TIME",
}


def _subclasses(cls: type) -> list[type]:
    found = []
    for child in cls.__subclasses__():
        found.append(child)
        found.extend(_subclasses(child))
    return found


def test_tx_3_error_codes_are_unique_stable_strings():
    """TX-3: every ProtocolError subclass in perpspec.errors has its own unique, upper-case code; published codes do not change."""
    classes = [
        c
        for _, c in inspect.getmembers(errors, inspect.isclass)
        if issubclass(c, errors.ProtocolError) and c is not errors.ProtocolError
    ]
    assert set(classes) >= {c for c in _subclasses(errors.ProtocolError) if c.__module__ == errors.__name__}
    codes = [c.code for c in classes]
    assert len(codes) == len(set(codes)), f"duplicate codes: {sorted(codes)}"
    for cls in classes:
        assert "code" in cls.__dict__, f"{cls.__name__} inherits its code"
        assert re.fullmatch(r"[A-Z][A-Z0-9_]*", cls.code), cls.code
    by_name = {c.__name__: c.code for c in classes}
    for name, code in EXPECTED_CODES.items():
        assert by_name.get(name) == code, f"{name} changed its code"
    # a genesis error is not a protocol (message) error, and its code differs from all of them
    assert not issubclass(errors.InvalidGenesis, errors.ProtocolError)
    assert errors.InvalidGenesis.code not in codes


def test_tx_4_deposit_events_shape():
    """TX-4: a deposit reports a Deposit event and a SubaccountUpdate event; 64-bit integers are strings."""
    state = make_state(
        make_genesis(
            [subaccount_entry(ALICE, 2, 100, [(BTC, 1_000_000)]), subaccount_entry(BOB, 0, 10**9, [(BTC, -1_000_000)])]
        )
    )
    events = apply_ok(state, deposit(ALICE, sub(ALICE, 2), 25))
    assert events == [
        {"type": "Deposit", "sender": ALICE, "recipient": {"owner": ALICE, "number": 2}, "quantums": "25"},
        {
            "type": "SubaccountUpdate",
            "subaccountId": {"owner": ALICE, "number": 2},
            "usdcBalance": "125",
            "perpetualPositions": [{"perpetualId": 0, "quantums": "1000000", "fundingIndex": "0"}],
            "fundingPayments": [],
        },
    ]
    # events are plain JSON
    assert json.loads(json.dumps(events)) == events


def test_tx_5_decoding_rejections():
    """TX-5: unknown @type, non-objects, missing/unknown fields, booleans, fractions and uint64 overflow."""
    state = make_state(make_genesis([subaccount_entry(ALICE, 0, 1_000)]))
    base = deposit(ALICE, sub(ALICE), 5)
    apply_rejected(state, {**base, "@type": "/dydxprotocol.sending.MsgNope"}, "UNKNOWN_MESSAGE_TYPE")
    apply_rejected(state, {k: v for k, v in base.items() if k != "@type"}, "UNKNOWN_MESSAGE_TYPE")
    apply_rejected(state, {**base, "@type": 5}, "UNKNOWN_MESSAGE_TYPE")
    for not_object in (None, [], [base], "deposit", 5, 2.5, True):
        apply_rejected(state, not_object, "MALFORMED_MESSAGE")
    apply_rejected(state, {**base, "recipient": "alice"}, "MALFORMED_MESSAGE")  # a nested non-object
    apply_rejected(state, {k: v for k, v in base.items() if k != "quantums"}, "INVALID_FIELD")  # missing
    apply_rejected(state, {**base, "memo": "hi"}, "INVALID_FIELD")  # unknown
    apply_rejected(state, {**base, "recipient": {**sub(ALICE), "extra": 1}}, "INVALID_FIELD")
    apply_rejected(state, {**base, "recipient": {"owner": ALICE}}, "INVALID_FIELD")
    for bad in (True, False, 1.5, 5.0, "1.5", "5e3", "+5", " 5", "", "0x10", "-1", -1, None, [5], {"v": 5}):
        apply_rejected(state, {**base, "quantums": bad}, "INVALID_FIELD")
    apply_rejected(state, {**base, "quantums": "18446744073709551616"}, "INVALID_FIELD")  # 2^64
    apply_rejected(state, {**base, "quantums": 18446744073709551616}, "INVALID_FIELD")
    apply_rejected(state, {**base, "recipient": sub(ALICE, 4294967296)}, "INVALID_FIELD")  # uint32 overflow
    apply_rejected(state, {**base, "assetId": True}, "INVALID_FIELD")
    apply_rejected(state, advance_block(AUTHORITY, 4294967296, GENESIS_TIME + 1), "INVALID_FIELD")
    apply_rejected(state, {**advance_block(AUTHORITY, 2, GENESIS_TIME + 1), "time": 1.5}, "INVALID_FIELD")
    apply_rejected(state, {**update_prices(AUTHORITY, []), "marketUpdates": {}}, "INVALID_FIELD")
    # 2^64 - 1 is the largest uint64 and is accepted
    apply_ok(state, {**base, "quantums": "18446744073709551615"})
    assert usdc(state, ALICE) == 1_000 + 2**64 - 1


def test_tx_5_numbers_as_json_numbers_or_decimal_strings():
    """TX-5: 64- and 32-bit integers may be JSON numbers or decimal strings, with the same result."""
    as_strings, as_numbers = make_state(), make_state()
    apply_ok(as_strings, {**deposit(ALICE, {"owner": ALICE, "number": "3"}, "500"), "assetId": "0"})
    apply_ok(as_numbers, {**deposit(ALICE, {"owner": ALICE, "number": 3}, 500), "assetId": 0})
    apply_ok(as_strings, {**advance_block(AUTHORITY, "2", GENESIS_TIME + 5)})
    apply_ok(as_numbers, {**advance_block(AUTHORITY, 2, GENESIS_TIME + 5), "time": GENESIS_TIME + 5})
    apply_ok(as_strings, withdraw(ALICE, sub(ALICE, 3), "0000100"))  # leading zeros are still decimal
    apply_ok(as_numbers, withdraw(ALICE, sub(ALICE, 3), 100))
    assert state_hash(as_strings) == state_hash(as_numbers)
    assert usdc(as_numbers, ALICE, 3) == 400


def test_tx_6_same_genesis_and_messages_give_the_same_hash():
    """TX-6: two fresh runs of the same messages from the same genesis agree on every hash; genesis hashes are stable."""
    assert state_hash(default_genesis()) == state_hash(default_genesis())
    assert state_hash(load_genesis(default_genesis_json())) == state_hash(default_genesis())
    genesis = genesis_with_positions(7)
    owners = sorted({s["id"]["owner"] for s in genesis["subaccounts"]["subaccounts"]})

    def run() -> list[tuple[dict, str]]:
        state = load_genesis(copy.deepcopy(genesis))
        t = state.blocks.time
        messages = [
            deposit(owners[0], sub(owners[1], 1), 1_000_000),
            deposit(owners[2], sub(owners[2]), 1),  # settles owners[2]'s funding (FUND-2)
            withdraw(owners[1], sub(owners[1]), 123_456),
            transfer(owners[2], sub(owners[2]), sub(owners[3], 5), 77),
            update_prices(
                AUTHORITY, [(0, [("a", 2_900_000_000, t), ("b", 2_950_000_000, t), ("c", 2_990_000_000, t)])]
            ),
            advance_block(AUTHORITY, 2, t + 400),
            withdraw(owners[0], sub(owners[0]), 1),  # gated now
            withdraw(owners[0], sub(owners[0]), 10**15),
            advance_block(AUTHORITY, 4, t + 401),
        ]
        trace = []
        for message in messages:
            outcome = apply_json(state, message)
            trace.append((outcome.to_json(), state_hash(state)))
        return trace

    first, second = run(), run()
    assert first == second  # the same events, errors and hashes
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    outcomes = [out for out, _ in first]
    assert "events" in outcomes[0] and "error" in outcomes[-1]
    assert first[0][1] != state_hash(load_genesis(copy.deepcopy(genesis)))


# =========================================================================================
# CODEC-1 .. CODEC-3
# =========================================================================================


def test_codec_1_encode_decode_round_trip():
    """CODEC-1: load_genesis(encode_state(s)) == s, also through canonical bytes, on several states."""
    states = [default_genesis(), load_genesis(genesis_with_positions(3))]
    busy = load_genesis(genesis_with_positions(4))
    owner = sorted(s.owner for s in busy.subaccounts.subaccounts)[0]
    apply_ok(busy, deposit(owner, sub(owner, 9), 1))
    apply_ok(busy, advance_block(AUTHORITY, 2, busy.blocks.time + 301))
    states.append(busy)
    states.append(make_state(funding_genesis()))
    states.append(
        make_state(
            make_genesis(
                [subaccount_entry(ALICE, 0, -5, [(SOL, 3)]), subaccount_entry(BOB, 1, 10, [(SOL, -3)])],
                negativeTncSubaccountSeenAtBlock=1,
            )
        )
    )
    for state in states:
        encoded = encode_state(state)
        assert load_genesis(encode_state(state)) == state
        assert load_genesis(json.loads(canonical_json(encoded))) == state
        assert encode_state(load_genesis(encoded)) == encoded
    assert (
        busy.blocks.last_chain_outage_at_block == 2
        and load_genesis(encode_state(busy)).blocks.last_chain_outage_at_block == 2
    )


def test_codec_2_canonical_json():
    """CODEC-2: keys sorted, no white space, ASCII only."""
    assert canonical_json({"b": 1, "a": [1, {"d": "x", "c": None}]}) == b'{"a":[1,{"c":null,"d":"x"}],"b":1}'
    assert canonical_json({"é": "ü€"}) == b'{"\\u00e9":"\\u00fc\\u20ac"}'
    raw = canonical_json(encode_state(load_genesis(genesis_with_positions(1))))
    assert raw.isascii() and b" " not in raw and b"\n" not in raw
    assert raw == json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode()


def test_codec_3_state_hash_is_sha256_of_canonical_bytes():
    """CODEC-3: state_hash is the lower-case hex SHA-256 of the canonical state JSON."""
    for state in (default_genesis(), load_genesis(genesis_with_positions(2))):
        expected = hashlib.sha256(canonical_json(encode_state(state))).hexdigest()
        assert state_hash(state) == expected == hashlib.sha256(full_state_bytes(state)).hexdigest()
        assert re.fullmatch(r"[0-9a-f]{64}", state_hash(state))
    state = default_genesis()
    before = state_hash(state)
    apply_ok(state, deposit(ALICE, sub(ALICE), 1))
    assert state_hash(state) != before


# =========================================================================================
# GEN-1, GEN-2
# =========================================================================================


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


def test_gen_2_genesis_validation():
    """GEN-2: longs != shorts, an unknown tier, an unknown field and a wrong openInterest are each InvalidGenesis."""
    ok = make_genesis(
        [subaccount_entry(ALICE, 0, 10**9, [(BTC, 5_000_000)]), subaccount_entry(BOB, 0, 10**9, [(BTC, -5_000_000)])]
    )
    assert make_state(ok).perpetuals.perpetuals[BTC].open_interest == 5_000_000
    unbalanced = make_genesis(
        [subaccount_entry(ALICE, 0, 10**9, [(BTC, 5_000_000)]), subaccount_entry(BOB, 0, 10**9, [(BTC, -4_000_000)])]
    )
    unknown_tier = copy.deepcopy(ok)
    h.perpetual_json(unknown_tier, ETH)["params"]["liquidityTier"] = 42
    unknown_top = {**copy.deepcopy(ok), "colour": "blue"}
    unknown_nested = copy.deepcopy(ok)
    unknown_nested["subaccounts"]["subaccounts"][0]["marginEnabled"] = True
    wrong_oi = copy.deepcopy(ok)
    h.perpetual_json(wrong_oi, BTC)["openInterest"] = "4000000"
    right_oi = copy.deepcopy(ok)
    h.perpetual_json(right_oi, BTC)["openInterest"] = "5000000"
    assert make_state(right_oi) == make_state(ok)
    missing = copy.deepcopy(ok)
    del missing["prices"]["marketParams"]
    wrong_totals = {**copy.deepcopy(ok), "bank": {"totalDeposited": "1", "totalWithdrawn": "0"}}
    duplicate = copy.deepcopy(ok)
    duplicate["subaccounts"]["subaccounts"].append(copy.deepcopy(duplicate["subaccounts"]["subaccounts"][0]))
    for bad in (
        unbalanced,
        unknown_tier,
        unknown_top,
        unknown_nested,
        wrong_oi,
        missing,
        wrong_totals,
        duplicate,
        [],
        None,
    ):
        with pytest.raises(errors.InvalidGenesis):
            load_genesis(bad)


# =========================================================================================
# INV-1 .. INV-8
# =========================================================================================


def _valid_states():
    yield default_genesis()
    yield load_genesis(genesis_with_positions(5))
    yield make_state(one_btc_pair_genesis())


def test_inv_1_to_6_hold_on_valid_states():
    """INV-1, INV-2, INV-3, INV-4, INV-6: check_state_invariants returns [] on valid states."""
    for state in _valid_states():
        assert check_state_invariants(state) == []


def _violations(state) -> str:
    return " | ".join(check_state_invariants(state))


def test_inv_1_conservation_violation_is_named():
    """INV-1: USDC held == deposits - withdrawals; a corrupted total is reported as INV-1."""
    state = load_genesis(genesis_with_positions(5))
    state.bank.total_deposited += 1
    assert _violations(state).startswith("INV-1")
    state = load_genesis(genesis_with_positions(5))
    next(iter(state.subaccounts.subaccounts.values())).usdc_balance -= 3
    assert "INV-1" in _violations(state)
    state = load_genesis(genesis_with_positions(5))
    state.bank.insurance_fund += 1
    assert "INV-1" in _violations(state)
    state = load_genesis(genesis_with_positions(5))
    state.bank.funding_pool -= 1  # the funding pool counts as held USDC (FUND-3)
    assert "INV-1" in _violations(state)


def test_inv_2_zero_positions_and_stored_empty_subaccounts_are_named():
    """INV-2: no zero-size position and no stored empty subaccount."""
    state = make_state(one_btc_pair_genesis())
    state.subaccounts.subaccounts[sid(CAROL)] = Subaccount(sid(CAROL))
    assert [v[:5] for v in check_state_invariants(state)] == ["INV-2"]
    state = make_state(one_btc_pair_genesis())
    state.subaccounts.subaccounts[sid(ALICE)].positions[ETH] = PerpetualPosition(ETH, 0, 0)
    assert [v[:5] for v in check_state_invariants(state)] == ["INV-2"]
    state = make_state(one_btc_pair_genesis())
    state.subaccounts.subaccounts[sid(ALICE)].positions[ETH] = state.subaccounts.subaccounts[sid(ALICE)].positions.pop(
        BTC
    )  # misfiled
    assert "INV-2" in _violations(state)


def test_inv_3_open_interest_violation_is_named():
    """INV-3: each perpetual's open interest is the sum of its longs."""
    state = make_state(one_btc_pair_genesis())
    state.perpetuals.perpetuals[BTC].open_interest += 1
    assert [v[:5] for v in check_state_invariants(state)] == ["INV-3"]


def test_inv_4_longs_equal_shorts_violation_is_named():
    """INV-4: longs equal shorts in every perpetual."""
    state = make_state(one_btc_pair_genesis())
    state.subaccounts.subaccounts[sid(BOB)].positions[BTC].quantums = (
        -ONE_BTC + 1
    )  # shorts 1e10 - 1, longs 1e10, OI still right
    assert [v[:5] for v in check_state_invariants(state)] == ["INV-4"]


def test_inv_6_subaccount_id_violation_is_named():
    """INV-6: stored subaccount ids are well formed (number 0..127, key == id)."""
    state = make_state(one_btc_pair_genesis())
    bad = SubaccountId(CAROL, 128)
    state.subaccounts.subaccounts[bad] = Subaccount(bad, 5)
    state.bank.total_deposited += 5
    assert [v[:5] for v in check_state_invariants(state)] == ["INV-6"]
    state = make_state(one_btc_pair_genesis())
    state.subaccounts.subaccounts[sid(CAROL)] = Subaccount(sid(DAVE), 5)  # filed under the wrong key
    state.bank.total_deposited += 5
    assert [v[:5] for v in check_state_invariants(state)] == ["INV-6"]


def test_inv_5_withdrawal_never_leaves_sender_newly_undercollateralized(monkeypatch):
    """INV-5: the contract catches a (deliberately broken) withdrawal that skips the collateral check."""
    state = make_state(one_btc_pair_genesis())
    before = take_snapshot(state, [sid(ALICE)])
    assert before.collateralized == {sid(ALICE): True}
    assert not_newly_undercollateralized(state, before, sid(ALICE))
    state.subaccounts.subaccounts[sid(ALICE)].usdc_balance -= 29_114_431_336  # one more than the SUB-12 boundary
    assert not not_newly_undercollateralized(state, before, sid(ALICE))

    import perpspec.sending as sending
    from perpspec.subaccounts import compute_settled_updates, write_subaccount

    def unchecked_process_updates(state, updates, update_type):
        settled = compute_settled_updates(state, updates)
        for s in settled:
            write_subaccount(state, s.updated)
        return settled

    monkeypatch.setattr(sending, "process_updates", unchecked_process_updates)
    state = make_state(one_btc_pair_genesis())
    with pytest.raises(icontract.ViolationError, match="INV-5"):
        apply_json(state, withdraw(ALICE, sub(ALICE), 29_114_431_336))


def test_inv_7_snapshot_reads_only_touched_subaccounts(monkeypatch):
    """INV-7: contracts cost O(touched): the snapshot's keys are exactly the touched ids, and nothing else is read."""
    from perpspec import transition

    monkeypatch.setattr(transition, "CONTRACTS_STRICT", False)  # contracts on, not the O(state) strict checks

    class RecordingDict(dict):
        def __init__(self, *args):
            super().__init__(*args)
            self.reads: set = set()
            self.scanned = False

        def __getitem__(self, key):
            self.reads.add(key)
            return super().__getitem__(key)

        def get(self, key, default=None):
            self.reads.add(key)
            return super().get(key, default)

        def __contains__(self, key):
            self.reads.add(key)
            return super().__contains__(key)

        def __iter__(self):
            self.scanned = True
            return super().__iter__()

        def keys(self):
            self.scanned = True
            return super().keys()

        def values(self):
            self.scanned = True
            return super().values()

        def items(self):
            self.scanned = True
            return super().items()

        def __len__(self):
            self.scanned = True
            return super().__len__()

    state = make_state(one_btc_pair_genesis())
    for i in range(300):  # other subaccounts that a transition must not look at
        other = SubaccountId(h.account(f"other-{i % 3}"), i % 100)
        state.subaccounts.subaccounts[other] = Subaccount(other, 1 + i)
        state.bank.total_deposited += 1 + i
    assert check_state_invariants(state) == []
    state.subaccounts.subaccounts = RecordingDict(state.subaccounts.subaccounts)
    touched = [sid(ALICE), sid(CAROL, 4)]
    snapshot = take_snapshot(state, touched)
    assert list(snapshot.usdc) == touched and list(snapshot.collateralized) == touched
    assert set(snapshot.longs) == set(snapshot.open_interest) == {BTC}  # only ALICE's perpetuals
    assert state.subaccounts.subaccounts.reads <= set(touched) and not state.subaccounts.subaccounts.scanned
    # a whole contract-checked transition reads only what its message names
    state.subaccounts.subaccounts.reads.clear()
    apply_ok(state, transfer(ALICE, sub(ALICE), sub(CAROL, 4), 10))
    assert state.subaccounts.subaccounts.reads <= set(touched) and not state.subaccounts.subaccounts.scanned


def test_inv_8_contracts_switch():
    """INV-8: contracts are on in the test run; PERPSPEC_CONTRACTS=0 turns them off at import."""
    assert config.CONTRACTS_ENABLED is True
    env = {**os.environ, "PYTHONPATH": os.path.join(REPO, "reference"), "PYTHONDONTWRITEBYTECODE": "1"}
    for value, expected in (("0", "False"), ("off", "False"), ("false", "False"), ("no", "False"), ("1", "True")):
        result = subprocess.run(
            [sys.executable, "-c", "import perpspec.config; print(perpspec.config.CONTRACTS_ENABLED)"],
            env={**env, "PERPSPEC_CONTRACTS": value},
            capture_output=True,
            text=True,
            check=True,
            timeout=60,
        )
        assert result.stdout.strip() == expected


def test_gen_2_genesis_refuses_negative_totals_and_future_gating_blocks():
    """GEN-2, CODEC-1: a genesis whose computed totalDeposited is negative, or whose gating block lies in the future, is refused."""
    negative = make_genesis([subaccount_entry(CAROL, 0, -5)])
    with pytest.raises(errors.InvalidGenesis):
        load_genesis(negative)
    negative["bank"] = {"totalWithdrawn": "5"}  # held -5 = deposited 0 - withdrawn 5
    state = load_genesis(negative)
    assert load_genesis(encode_state(state)) == state
    future = make_genesis([])
    future["blocks"]["lastChainOutageAtBlock"] = future["blocks"]["height"] + 1
    with pytest.raises(errors.InvalidGenesis):
        load_genesis(future)


def test_gen_3_omitted_open_interest_and_totals_are_derived():
    """GEN-3: an omitted openInterest is the sum of longs and an omitted totalDeposited counts USDC held."""
    genesis = make_genesis(
        [subaccount_entry(ALICE, 0, 7, [(BTC, 5_000_000)]), subaccount_entry(BOB, 0, 3, [(BTC, -5_000_000)])]
    )
    for perpetual in genesis["perpetuals"]["perpetuals"]:
        perpetual.pop("openInterest", None)
        perpetual.pop("fundingIndex", None)
    genesis["bank"] = {"insuranceFund": "100", "totalWithdrawn": "20"}
    state = load_genesis(genesis)
    assert (
        state.perpetuals.perpetuals[BTC].open_interest == 5_000_000
        and state.perpetuals.perpetuals[ETH].open_interest == 0
    )
    assert state.bank.total_deposited == 7 + 3 + 100 + 20 and state.bank.total_withdrawn == 20
    assert state.perpetuals.perpetuals[BTC].funding_index == 0 and check_state_invariants(state) == []


def test_codec_4_decoding_checks_shapes_and_genesis_checks_rules():
    """CODEC-4: the codec decodes a state that breaks an invariant; only genesis refuses it (GEN-2)."""
    unbalanced = make_genesis(
        [subaccount_entry(ALICE, 0, 10**9, [(BTC, 5_000_000)]), subaccount_entry(BOB, 0, 10**9, [(BTC, -4_000_000)])]
    )
    decoded = decode_state(copy.deepcopy(unbalanced))
    assert any(v.startswith("INV-4") for v in check_state_invariants(decoded.state))
    with pytest.raises(errors.InvalidGenesis, match="INV-4"):
        load_genesis(unbalanced)
    # a shape error is the codec's own: an unknown field, a wrong type, an id twice
    for bad in ({**unbalanced, "colour": "blue"}, {**unbalanced, "blocks": {"height": "x", "time": "1"}}):
        with pytest.raises(errors.InvalidGenesis):
            decode_state(bad)
    state = load_genesis(make_genesis([subaccount_entry(ALICE, 0, 5)]))
    assert decode_state(encode_state(state)).state == state


def test_tx_1_one_row_per_message_type():
    """TX-1, TX-5: every message class has one row; a decoded message encodes back to itself; no other value encodes."""
    import typing

    from perpspec import messages, transition

    classes = set(typing.get_args(messages.Message))
    assert {kind.message_class for kind in transition.MESSAGE_KINDS} == classes
    assert len({kind.type_url for kind in transition.MESSAGE_KINDS}) == len(transition.MESSAGE_KINDS)
    samples = [
        deposit(ALICE, sub(ALICE), 5),
        withdraw(ALICE, sub(ALICE), 5),
        transfer(ALICE, sub(ALICE), sub(BOB), 5),
        advance_block(AUTHORITY, 2, 1),
    ]
    for sample in samples:
        decoded = transition.decode_message(copy.deepcopy(sample))
        assert transition.decode_message(transition.encode_message(decoded)) == decoded
    with pytest.raises(errors.UnknownMessageType):
        transition.encode_message(object())  # type: ignore[arg-type]


def test_tx_2_a_row_cannot_forget_a_part_it_writes(monkeypatch):
    """TX-2, INV-8: in strict mode a rejected message that wrote a part its row does not name is caught."""
    import dataclasses

    from perpspec import config, transition

    assert config.CONTRACTS_STRICT, "the tests run strict (tests/conftest.py)"
    deposit_kind = transition.KINDS_BY_CLASS[transition.Deposit]

    def writes_then_rejects(state, message):
        state.bank.insurance_fund += 1  # a part the row below does not name
        raise errors.Unauthorized("rejected after writing")

    forgetful = dataclasses.replace(deposit_kind, process=writes_then_rejects, parts=())
    monkeypatch.setitem(transition.KINDS_BY_CLASS, transition.Deposit, forgetful)
    state = make_state(make_genesis([]))
    with pytest.raises(AssertionError, match="does not name"):
        transition.apply_message(state, transition.decode_message(deposit(ALICE, sub(ALICE), 5)))
    # the same write in a part the row names is caught by the O(touched) check alone
    monkeypatch.setitem(
        transition.KINDS_BY_CLASS, transition.Deposit, dataclasses.replace(forgetful, parts=(transition.bank_part,))
    )
    with pytest.raises(AssertionError, match="changed the state"):
        transition.apply_message(state, transition.decode_message(deposit(ALICE, sub(ALICE), 5)))
