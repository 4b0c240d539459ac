"""
Per-rule tests of the collateral check (spec/subaccounts.md, SUB-7, SUB-8): NC >= IMR after an
update, the under-collateralized rule, and all-or-nothing batches.

Expected numbers are worked by hand from the default genesis (GEN-1), as helpers/ledger.py
shows; every rejection goes through ``apply_rejected``, which also asserts that the state
hash and the canonical state bytes are unchanged (TX-2).
"""

from __future__ import annotations

import pytest

from helpers.ledger import BTC_IMR_1, BTC_MMR_1, apply_ok, apply_rejected, make_state, one_btc_pair_genesis, sid, usdc
from perpspec import errors
from perpspec.conformance.builders import (
    ALICE,
    BTC,
    CAROL,
    DAVE,
    ONE_BTC,
    deposit,
    make_genesis,
    sub,
    subaccount_entry,
    transfer,
    withdraw,
)
from perpspec.margin import Risk
from perpspec.subaccounts import (
    Update,
    UpdateResult,
    UpdateType,
    check_updates,
    compute_undercollateralized_result,
    get_subaccount_risk,
    process_updates,
)
from perpspec.transition import full_state_bytes


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
