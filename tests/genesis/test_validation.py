"""
Per-rule tests of genesis validation (spec/genesis.md, GEN-2, GEN-3): what a genesis may not
hold, and what is derived when it is omitted.
"""

from __future__ import annotations

import copy

import pytest

from helpers.ledger import make_state
from perpspec import errors
from perpspec.codec import encode_state
from perpspec.conformance.builders import ALICE, BOB, BTC, CAROL, ETH, make_genesis, perpetual_json, subaccount_entry
from perpspec.genesis import load_genesis
from perpspec.invariants import check_state_invariants


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
    perpetual_json(unknown_tier, ETH)["params"]["liquidityTier"] = 42
    unknown_top = {**copy.deepcopy(ok), "colour": "blue"}
    unknown_nested = copy.deepcopy(ok)
    unknown_nested["subaccounts"]["subaccounts"][0]["marginEnabled"] = True
    wrong_oi = copy.deepcopy(ok)
    perpetual_json(wrong_oi, BTC)["openInterest"] = "4000000"
    right_oi = copy.deepcopy(ok)
    perpetual_json(right_oi, BTC)["openInterest"] = "5000000"
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
