"""
Per-rule tests of withdrawal gating (spec/subaccounts.md, SUB-9; spec/blocks.md, BLOCK-2).

Expected numbers are worked by hand from the default genesis (GEN-1), as helpers/ledger.py
shows; every rejection goes through ``apply_rejected``, which also asserts that the state
hash and the canonical state bytes are unchanged (TX-2).
"""

from __future__ import annotations

from helpers.ledger import apply_ok, apply_rejected, make_state, next_block, usdc
from perpspec.conformance.builders import ALICE, BOB, deposit, make_genesis, sub, subaccount_entry, transfer, withdraw
from perpspec.invariants import check_state_invariants


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
