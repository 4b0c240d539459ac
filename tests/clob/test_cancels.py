"""
Per-rule tests of short-term and stateful cancels (spec/clob.md, ORDER-7, ORDER-8).

Through ``apply_json`` on the default genesis (GEN-1), accounts funded by deposits; the
builders' variants, readers and the worked BTC-USD numbers are in helpers/clob.py.  In
short, on BTC-USD (clob pair 0): quote = floor(subticks * q / 1e9); taker fee
ceil(quote * 500 / 1e6), maker fee ceil(quote * 100 / 1e6) with the standard tier 1.
"""

from __future__ import annotations

from helpers.clob import BID, LONG, TICK, cancel, funded, of_type, oid, ok, place, remaining
from helpers.ledger import apply_rejected, next_block
from perpspec.codec import encode_state
from perpspec.conformance.builders import ALICE, BOB, BUY, CONDITIONAL, IOC, SELL, STEP, STOP_LOSS, removals
from perpspec.default_genesis import GENESIS_TIME


def test_short_term_cancel():
    """ORDER-7: a short-term cancel holds until its block, removes orders expiring by then, blocks placing."""
    state = funded(ALICE)
    ok(state, place(ALICE, 1, BUY, STEP, BID, gtb=10))
    events = ok(state, cancel(ALICE, 1, gtb=9))
    assert events == [{"type": "OrderCancelRecorded", "orderId": oid(ALICE, 1), "goodTilBlock": 9}]
    assert remaining(state, ALICE, 1) == STEP  # the order's goodTilBlock 10 is above the cancel's
    apply_rejected(state, cancel(ALICE, 1, gtb=9), "CANCEL_ALREADY_EXISTS")
    apply_rejected(state, cancel(ALICE, 1, gtb=8), "CANCEL_ALREADY_EXISTS")
    events = ok(state, cancel(ALICE, 1, gtb=10))
    assert removals(events) == [(ALICE, 1, "CANCELED")]
    assert remaining(state, ALICE, 1) is None
    assert encode_state(state)["clob"]["shortTermCancels"] == [{"orderId": oid(ALICE, 1), "goodTilBlock": 10}]
    apply_rejected(state, place(ALICE, 1, BUY, STEP, BID, gtb=10), "ORDER_IS_CANCELED")
    apply_rejected(state, place(ALICE, 1, BUY, STEP, BID, gtb=5), "ORDER_IS_CANCELED")
    assert of_type(ok(state, place(ALICE, 1, BUY, STEP, BID, gtb=11)), "OrderOnBook")
    # A cancel of an id with no live order is accepted and recorded
    events = ok(state, cancel(ALICE, 99, gtb=2))
    assert removals(events) == []
    assert {"orderId": oid(ALICE, 99), "goodTilBlock": 2} in encode_state(state)["clob"]["shortTermCancels"]
    apply_rejected(state, place(ALICE, 99, BUY, STEP, BID, gtb=2), "ORDER_IS_CANCELED")
    # A short-term cancel needs a goodTilBlock; a stateful one a goodTilBlockTime
    apply_rejected(state, cancel(ALICE, 1), "INVALID_ORDER_GOOD_TIL_BLOCK")
    apply_rejected(state, cancel(ALICE, 1, gtbt=GENESIS_TIME + 5), "INVALID_ORDER_GOOD_TIL_BLOCK")
    apply_rejected(state, cancel(ALICE, 1, flags=LONG, gtb=5), "INVALID_STATEFUL_ORDER_GOOD_TIL_BLOCK_TIME")
    apply_rejected(state, cancel(ALICE, 1, gtb=5, gtbt=GENESIS_TIME + 5), "INVALID_FIELD")
    apply_rejected(state, cancel(ALICE, 1, pair=9, gtb=5), "INVALID_CLOB")


def test_short_term_cancel_lapses_after_its_block():
    """ORDER-7, ORDER-9: the cancel is forgotten once its goodTilBlock has ended."""
    state = funded(ALICE)
    ok(state, cancel(ALICE, 1, gtb=2))
    ok(state, next_block(state))  # height 2: block 1 ended
    apply_rejected(state, place(ALICE, 1, BUY, STEP, BID, gtb=2), "ORDER_IS_CANCELED")
    ok(state, next_block(state))  # height 3: block 2 ended, the cancel lapses
    assert encode_state(state)["clob"]["shortTermCancels"] == []
    assert of_type(ok(state, place(ALICE, 1, BUY, STEP, BID, gtb=3)), "OrderOnBook")


def test_stateful_cancel():
    """ORDER-8: the order must be live and expire no later than the cancel; it goes with its fill amount."""
    state = funded(ALICE, BOB)
    t = GENESIS_TIME
    apply_rejected(state, cancel(ALICE, 2, flags=LONG, gtbt=t + 100), "STATEFUL_ORDER_DOES_NOT_EXIST")
    ok(state, place(ALICE, 2, BUY, 5 * STEP, BID, flags=LONG, gtbt=t + 100))
    apply_rejected(state, cancel(ALICE, 2, flags=LONG, gtbt=t + 99), "INVALID_STATEFUL_ORDER_CANCELLATION")
    apply_rejected(state, cancel(ALICE, 2, flags=CONDITIONAL, gtbt=t + 100), "STATEFUL_ORDER_DOES_NOT_EXIST")
    ok(state, place(BOB, 1, SELL, 2 * STEP, BID, tif=IOC))
    assert state.clob.fill_amounts[next(iter(state.clob.resting))] == 2 * STEP
    events = ok(state, cancel(ALICE, 2, flags=LONG, gtbt=t + 100))
    assert events == [{"type": "OrderRemoved", "orderId": oid(ALICE, 2, LONG), "reason": "CANCELED"}]
    assert state.clob.resting == {}
    assert all(i.client_id != 2 for i in state.clob.fill_amounts)
    apply_rejected(state, cancel(ALICE, 2, flags=LONG, gtbt=t + 100), "STATEFUL_ORDER_DOES_NOT_EXIST")
    # The id may be placed again: nothing of the old order is left
    events = ok(state, place(ALICE, 2, BUY, 5 * STEP, BID, flags=LONG, gtbt=t + 100))
    assert of_type(events, "OrderOnBook")[0]["remainingQuantums"] == str(5 * STEP)
    # An untriggered conditional order is cancelled the same way, with a later cancel time
    ok(
        state,
        place(ALICE, 3, SELL, STEP, BID, flags=CONDITIONAL, condition=STOP_LOSS, trigger=BID - 100 * TICK, gtbt=t + 50),
    )
    events = ok(state, cancel(ALICE, 3, flags=CONDITIONAL, gtbt=t + 60))
    assert removals(events) == [(ALICE, 3, "CANCELED")] and state.clob.untriggered == {}
