"""
A property: any JSON value, well formed or not, is accepted or rejected by apply_json, and a
rejection changes nothing (TX-1, TX-2, TX-5).  The messages are drawn from helpers/messages.py;
300 examples under the ``ci`` hypothesis profile.
"""

from __future__ import annotations

import copy

from hypothesis import HealthCheck, given, settings

from helpers.budget import examples
from helpers.messages import PROPERTY_GENESIS, any_messages
from perpspec import errors
from perpspec.codec import state_hash
from perpspec.genesis import load_genesis
from perpspec.invariants import check_state_invariants
from perpspec.transition import Outcome, apply_json


@settings(max_examples=examples(300), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(message=any_messages)
def test_any_message_is_accepted_or_rejected_without_change(message):
    """TX-1, TX-2, TX-5: apply_json never raises; a rejection leaves state_hash unchanged; an acceptance keeps INV-1..INV-6."""
    state = load_genesis(copy.deepcopy(PROPERTY_GENESIS))
    before = state_hash(state)
    outcome = apply_json(state, message)
    assert isinstance(outcome, Outcome)
    if outcome.accepted:
        assert isinstance(outcome.events, list) and all("type" in e for e in outcome.events)
    else:
        assert isinstance(outcome.error, errors.ProtocolError)
        assert outcome.error.code.isupper()
        assert state_hash(state) == before
    assert check_state_invariants(state) == []
