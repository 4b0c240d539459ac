"""
Per-rule tests of the one transition function (spec/transition.md, TX-1, TX-2): events or an
error, one row per message type, and rejections that change nothing.

Expected numbers are worked by hand from the default genesis (GEN-1), as helpers/ledger.py
shows; every rejection goes through ``apply_rejected``, which also asserts that the state
hash and the canonical state bytes are unchanged (TX-2).
"""

from __future__ import annotations

import copy

import pytest

from helpers.ledger import apply_rejected, make_state, sid
from perpspec import errors
from perpspec.conformance.builders import (
    ALICE,
    AUTHORITY,
    BOB,
    MALLORY,
    advance_block,
    deposit,
    make_genesis,
    sub,
    transfer,
    update_prices,
    withdraw,
)
from perpspec.genesis import load_genesis
from perpspec.invariants import check_state_invariants
from perpspec.simulation import genesis_with_positions
from perpspec.subaccounts import get_subaccount_risk
from perpspec.transition import Outcome, apply_json


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
