"""
Per-rule tests of subaccount ids (spec/subaccounts.md, SUB-1).

Expected numbers are worked by hand from the default genesis (GEN-1), as helpers/ledger.py
shows; every rejection goes through ``apply_rejected``, which also asserts that the state
hash and the canonical state bytes are unchanged (TX-2).
"""

from __future__ import annotations

import pytest

from helpers.ledger import apply_ok, apply_rejected, make_state, usdc
from perpspec import errors
from perpspec.conformance.builders import ALICE, deposit, make_genesis, sub, subaccount_entry, transfer, withdraw
from perpspec.genesis import load_genesis


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
