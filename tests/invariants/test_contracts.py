"""
Per-rule tests of the contracts (spec/invariants.md, INV-5, INV-7, INV-8): what they catch,
what they read, and the switch that turns them on.
"""

from __future__ import annotations

import os
import subprocess
import sys

import icontract
import pytest

from helpers.ledger import apply_ok, make_state, one_btc_pair_genesis, sid
from helpers.paths import REFERENCE
from perpspec import config
from perpspec.conformance.builders import ALICE, BTC, CAROL, sub, transfer, withdraw
from perpspec.invariants import check_state_invariants, not_newly_undercollateralized, take_snapshot
from perpspec.simulation import account
from perpspec.state import Subaccount
from perpspec.transition import apply_json
from perpspec.types import SubaccountId


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
        other = SubaccountId(account(f"other-{i % 3}"), i % 100)
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
    env = {**os.environ, "PYTHONPATH": str(REFERENCE), "PYTHONDONTWRITEBYTECODE": "1"}
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


def test_contracts_are_on():
    """INV-8: these tests run with contracts enabled."""
    assert config.CONTRACTS_ENABLED is True
