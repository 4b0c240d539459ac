"""
Per-rule tests of decoding messages (spec/transition.md, TX-5): unknown types, shapes, fields,
and integers as JSON numbers or decimal strings.

Expected numbers are worked by hand from the default genesis (GEN-1), as helpers/ledger.py
shows; every rejection goes through ``apply_rejected``, which also asserts that the state
hash and the canonical state bytes are unchanged (TX-2).
"""

from __future__ import annotations

from helpers.ledger import apply_ok, apply_rejected, make_state, usdc
from perpspec.codec import state_hash
from perpspec.conformance.builders import (
    ALICE,
    AUTHORITY,
    advance_block,
    deposit,
    make_genesis,
    sub,
    subaccount_entry,
    update_prices,
    withdraw,
)
from perpspec.default_genesis import GENESIS_TIME


def test_tx_5_decoding_rejections():
    """TX-5: unknown @type, non-objects, missing/unknown fields, booleans, fractions and uint64 overflow."""
    state = make_state(make_genesis([subaccount_entry(ALICE, 0, 1_000)]))
    base = deposit(ALICE, sub(ALICE), 5)
    apply_rejected(state, {**base, "@type": "/dydxprotocol.sending.MsgNope"}, "UNKNOWN_MESSAGE_TYPE")
    apply_rejected(state, {k: v for k, v in base.items() if k != "@type"}, "UNKNOWN_MESSAGE_TYPE")
    apply_rejected(state, {**base, "@type": 5}, "UNKNOWN_MESSAGE_TYPE")
    for not_object in (None, [], [base], "deposit", 5, 2.5, True):
        apply_rejected(state, not_object, "MALFORMED_MESSAGE")
    apply_rejected(state, {**base, "recipient": "alice"}, "MALFORMED_MESSAGE")  # a nested non-object
    apply_rejected(state, {k: v for k, v in base.items() if k != "quantums"}, "INVALID_FIELD")  # missing
    apply_rejected(state, {**base, "memo": "hi"}, "INVALID_FIELD")  # unknown
    apply_rejected(state, {**base, "recipient": {**sub(ALICE), "extra": 1}}, "INVALID_FIELD")
    apply_rejected(state, {**base, "recipient": {"owner": ALICE}}, "INVALID_FIELD")
    for bad in (True, False, 1.5, 5.0, "1.5", "5e3", "+5", " 5", "", "0x10", "-1", -1, None, [5], {"v": 5}):
        apply_rejected(state, {**base, "quantums": bad}, "INVALID_FIELD")
    apply_rejected(state, {**base, "quantums": "18446744073709551616"}, "INVALID_FIELD")  # 2^64
    apply_rejected(state, {**base, "quantums": 18446744073709551616}, "INVALID_FIELD")
    apply_rejected(state, {**base, "recipient": sub(ALICE, 4294967296)}, "INVALID_FIELD")  # uint32 overflow
    apply_rejected(state, {**base, "assetId": True}, "INVALID_FIELD")
    apply_rejected(state, advance_block(AUTHORITY, 4294967296, GENESIS_TIME + 1), "INVALID_FIELD")
    apply_rejected(state, {**advance_block(AUTHORITY, 2, GENESIS_TIME + 1), "time": 1.5}, "INVALID_FIELD")
    apply_rejected(state, {**update_prices(AUTHORITY, []), "marketUpdates": {}}, "INVALID_FIELD")
    # 2^64 - 1 is the largest uint64 and is accepted
    apply_ok(state, {**base, "quantums": "18446744073709551615"})
    assert usdc(state, ALICE) == 1_000 + 2**64 - 1


def test_tx_5_numbers_as_json_numbers_or_decimal_strings():
    """TX-5: 64- and 32-bit integers may be JSON numbers or decimal strings, with the same result."""
    as_strings, as_numbers = make_state(), make_state()
    apply_ok(as_strings, {**deposit(ALICE, {"owner": ALICE, "number": "3"}, "500"), "assetId": "0"})
    apply_ok(as_numbers, {**deposit(ALICE, {"owner": ALICE, "number": 3}, 500), "assetId": 0})
    apply_ok(as_strings, {**advance_block(AUTHORITY, "2", GENESIS_TIME + 5)})
    apply_ok(as_numbers, {**advance_block(AUTHORITY, 2, GENESIS_TIME + 5), "time": GENESIS_TIME + 5})
    apply_ok(as_strings, withdraw(ALICE, sub(ALICE, 3), "0000100"))  # leading zeros are still decimal
    apply_ok(as_numbers, withdraw(ALICE, sub(ALICE, 3), 100))
    assert state_hash(as_strings) == state_hash(as_numbers)
    assert usdc(as_numbers, ALICE, 3) == 400
