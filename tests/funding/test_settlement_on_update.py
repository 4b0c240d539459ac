"""
Funding settled by every update and every message, against the funding pool (spec/funding.md,
FUND-2, FUND-3).

Expected numbers are worked by hand from the default genesis (GEN-1), as helpers/ledger.py
shows; every rejection goes through ``apply_rejected``, which also asserts that the state
hash and the canonical state bytes are unchanged (TX-2).
"""

from __future__ import annotations

import pytest

from helpers.ledger import apply_ok, apply_rejected, funding_genesis, make_state, sid
from perpspec import errors
from perpspec.codec import encode_event, encode_state
from perpspec.conformance.builders import ALICE, BOB, BTC, CAROL, deposit, sub, transfer, withdraw
from perpspec.genesis import load_genesis
from perpspec.invariants import check_state_invariants
from perpspec.state import PerpetualPosition
from perpspec.subaccounts import Update, UpdateType, get_subaccount_update_event, process_updates


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
