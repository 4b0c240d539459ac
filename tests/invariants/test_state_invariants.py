"""
Per-rule tests of the state invariants (spec/invariants.md, INV-1..INV-4, INV-6): they hold on
valid states, and each violation is reported by its name.
"""

from __future__ import annotations

from helpers.ledger import make_state, one_btc_pair_genesis, sid
from perpspec.conformance.builders import ALICE, BOB, BTC, CAROL, DAVE, ETH, ONE_BTC
from perpspec.default_genesis import default_genesis
from perpspec.genesis import load_genesis
from perpspec.invariants import check_state_invariants
from perpspec.simulation import genesis_with_positions
from perpspec.state import PerpetualPosition, Subaccount
from perpspec.types import SubaccountId


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
