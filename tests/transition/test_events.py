"""
Per-rule tests of events (spec/transition.md, TX-4): their shapes, 64-bit integers as strings.
"""

from __future__ import annotations

import json

from helpers.ledger import apply_ok, make_state
from perpspec.conformance.builders import ALICE, BOB, BTC, deposit, make_genesis, sub, subaccount_entry


def test_tx_4_deposit_events_shape():
    """TX-4: a deposit reports a Deposit event and a SubaccountUpdate event; 64-bit integers are strings."""
    state = make_state(
        make_genesis(
            [subaccount_entry(ALICE, 2, 100, [(BTC, 1_000_000)]), subaccount_entry(BOB, 0, 10**9, [(BTC, -1_000_000)])]
        )
    )
    events = apply_ok(state, deposit(ALICE, sub(ALICE, 2), 25))
    assert events == [
        {"type": "Deposit", "sender": ALICE, "recipient": {"owner": ALICE, "number": 2}, "quantums": "25"},
        {
            "type": "SubaccountUpdate",
            "subaccountId": {"owner": ALICE, "number": 2},
            "usdcBalance": "125",
            "perpetualPositions": [{"perpetualId": 0, "quantums": "1000000", "fundingIndex": "0"}],
            "fundingPayments": [],
        },
    ]
    # events are plain JSON
    assert json.loads(json.dumps(events)) == events
