"""
Per-rule tests of the codec (spec/codec.md, CODEC-1..CODEC-4): the state's canonical JSON,
its hash, and decoding that checks shapes while genesis checks rules.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re

import pytest

from helpers.ledger import apply_ok, funding_genesis, make_state
from perpspec import errors
from perpspec.codec import canonical_json, decode_state, encode_state, state_hash
from perpspec.conformance.builders import (
    ALICE,
    AUTHORITY,
    BOB,
    BTC,
    SOL,
    advance_block,
    deposit,
    make_genesis,
    sub,
    subaccount_entry,
)
from perpspec.default_genesis import default_genesis
from perpspec.genesis import load_genesis
from perpspec.invariants import check_state_invariants
from perpspec.simulation import genesis_with_positions
from perpspec.transition import full_state_bytes


def test_codec_1_encode_decode_round_trip():
    """CODEC-1: load_genesis(encode_state(s)) == s, also through canonical bytes, on several states."""
    states = [default_genesis(), load_genesis(genesis_with_positions(3))]
    busy = load_genesis(genesis_with_positions(4))
    owner = sorted(s.owner for s in busy.subaccounts.subaccounts)[0]
    apply_ok(busy, deposit(owner, sub(owner, 9), 1))
    apply_ok(busy, advance_block(AUTHORITY, 2, busy.blocks.time + 301))
    states.append(busy)
    states.append(make_state(funding_genesis()))
    states.append(
        make_state(
            make_genesis(
                [subaccount_entry(ALICE, 0, -5, [(SOL, 3)]), subaccount_entry(BOB, 1, 10, [(SOL, -3)])],
                negativeTncSubaccountSeenAtBlock=1,
            )
        )
    )
    for state in states:
        encoded = encode_state(state)
        assert load_genesis(encode_state(state)) == state
        assert load_genesis(json.loads(canonical_json(encoded))) == state
        assert encode_state(load_genesis(encoded)) == encoded
    assert (
        busy.blocks.last_chain_outage_at_block == 2
        and load_genesis(encode_state(busy)).blocks.last_chain_outage_at_block == 2
    )


def test_codec_2_canonical_json():
    """CODEC-2: keys sorted, no white space, ASCII only."""
    assert canonical_json({"b": 1, "a": [1, {"d": "x", "c": None}]}) == b'{"a":[1,{"c":null,"d":"x"}],"b":1}'
    assert canonical_json({"é": "ü€"}) == b'{"\\u00e9":"\\u00fc\\u20ac"}'
    raw = canonical_json(encode_state(load_genesis(genesis_with_positions(1))))
    assert raw.isascii() and b" " not in raw and b"\n" not in raw
    assert raw == json.dumps(json.loads(raw), sort_keys=True, separators=(",", ":")).encode()


def test_codec_3_state_hash_is_sha256_of_canonical_bytes():
    """CODEC-3: state_hash is the lower-case hex SHA-256 of the canonical state JSON."""
    for state in (default_genesis(), load_genesis(genesis_with_positions(2))):
        expected = hashlib.sha256(canonical_json(encode_state(state))).hexdigest()
        assert state_hash(state) == expected == hashlib.sha256(full_state_bytes(state)).hexdigest()
        assert re.fullmatch(r"[0-9a-f]{64}", state_hash(state))
    state = default_genesis()
    before = state_hash(state)
    apply_ok(state, deposit(ALICE, sub(ALICE), 1))
    assert state_hash(state) != before


def test_codec_4_decoding_checks_shapes_and_genesis_checks_rules():
    """CODEC-4: the codec decodes a state that breaks an invariant; only genesis refuses it (GEN-2)."""
    unbalanced = make_genesis(
        [subaccount_entry(ALICE, 0, 10**9, [(BTC, 5_000_000)]), subaccount_entry(BOB, 0, 10**9, [(BTC, -4_000_000)])]
    )
    decoded = decode_state(copy.deepcopy(unbalanced))
    assert any(v.startswith("INV-4") for v in check_state_invariants(decoded.state))
    with pytest.raises(errors.InvalidGenesis, match="INV-4"):
        load_genesis(unbalanced)
    # a shape error is the codec's own: an unknown field, a wrong type, an id twice
    for bad in ({**unbalanced, "colour": "blue"}, {**unbalanced, "blocks": {"height": "x", "time": "1"}}):
        with pytest.raises(errors.InvalidGenesis):
            decode_state(bad)
    state = load_genesis(make_genesis([subaccount_entry(ALICE, 0, 5)]))
    assert decode_state(encode_state(state)).state == state
