"""
Per-rule tests of deposits, withdrawals and transfers (spec/subaccounts.md, SUB-11, SUB-12,
SUB-13): who signs, the collateral boundary, and both sides written or neither.

Expected numbers are worked by hand from the default genesis (GEN-1), as helpers/ledger.py
shows; every rejection goes through ``apply_rejected``, which also asserts that the state
hash and the canonical state bytes are unchanged (TX-2).
"""

from __future__ import annotations

from helpers.ledger import BTC_IMR_1, BTC_MMR_1, apply_ok, apply_rejected, make_state, one_btc_pair_genesis, sid, usdc
from perpspec.conformance.builders import (
    ALICE,
    BOB,
    MALLORY,
    deposit,
    make_genesis,
    sub,
    subaccount_entry,
    transfer,
    withdraw,
)
from perpspec.invariants import check_state_invariants
from perpspec.margin import Risk
from perpspec.state import Subaccount
from perpspec.subaccounts import get_subaccount_risk


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
