"""
Per-rule tests of replacing an order (spec/clob.md, ORDER-6, ORDER-11).

Through ``apply_json`` on the default genesis (GEN-1), accounts funded by deposits; the
builders' variants, readers and the worked BTC-USD numbers are in helpers/clob.py.  In
short, on BTC-USD (clob pair 0): quote = floor(subticks * q / 1e9); taker fee
ceil(quote * 500 / 1e6), maker fee ceil(quote * 100 / 1e6) with the standard tier 1.
"""

from __future__ import annotations

from helpers.clob import ASK, BID, LONG, TICK, book, fills, funded, of_type, ok, place, remaining
from helpers.ledger import apply_rejected
from perpspec.conformance.builders import ALICE, BOB, BUY, CAROL, IOC, POST_ONLY, SELL, STEP, removals
from perpspec.default_genesis import GENESIS_TIME
from perpspec.invariants import check_clob_invariants


def test_replacement():
    """ORDER-6: a later expiry with the same side, TIF and reduce-only replaces; size and price may change."""
    state = funded(ALICE, BOB, CAROL)
    ok(state, place(ALICE, 1, BUY, 2 * STEP, BID, gtb=10))
    ok(state, place(CAROL, 1, BUY, 2 * STEP, BID, gtb=10))
    assert book(state)["bids"] == [(ALICE, 1, BID), (CAROL, 1, BID)]
    apply_rejected(state, place(ALICE, 1, BUY, 3 * STEP, BID, gtb=10), "ORDER_ALREADY_EXISTS")
    apply_rejected(state, place(ALICE, 1, BUY, 2 * STEP, BID, gtb=9), "INVALID_REPLACEMENT")
    apply_rejected(state, place(ALICE, 1, SELL, 2 * STEP, ASK, gtb=11), "INVALID_REPLACEMENT")
    apply_rejected(state, place(ALICE, 1, BUY, 2 * STEP, BID, gtb=11, tif=POST_ONLY), "INVALID_REPLACEMENT")
    events = ok(state, place(ALICE, 1, BUY, 3 * STEP, BID, gtb=11))
    assert [e["type"] for e in events] == ["OrderPlaced", "OrderRemoved", "OrderOnBook"]
    assert events[0]["replaces"] is True
    assert removals(events) == [(ALICE, 1, "REPLACED")]
    # The replacement takes a new place in time priority (behind Carol)
    assert book(state)["bids"] == [(CAROL, 1, BID), (ALICE, 1, BID)]
    assert remaining(state, ALICE, 1) == 3 * STEP
    # Price may change
    ok(state, place(ALICE, 1, BUY, 3 * STEP, BID + TICK, gtb=12))
    assert book(state)["bids"][0] == (ALICE, 1, BID + TICK)
    # Stateful: a later goodTilBlockTime replaces
    ok(state, place(BOB, 5, SELL, STEP, ASK + TICK, flags=LONG, gtbt=GENESIS_TIME + 100))
    apply_rejected(
        state, place(BOB, 5, SELL, STEP, ASK + 2 * TICK, flags=LONG, gtbt=GENESIS_TIME + 100), "ORDER_ALREADY_EXISTS"
    )
    apply_rejected(
        state, place(BOB, 5, SELL, STEP, ASK + 2 * TICK, flags=LONG, gtbt=GENESIS_TIME + 99), "INVALID_REPLACEMENT"
    )
    events = ok(state, place(BOB, 5, SELL, 2 * STEP, ASK + 2 * TICK, flags=LONG, gtbt=GENESIS_TIME + 101))
    assert removals(events) == [(BOB, 5, "REPLACED")]
    assert remaining(state, BOB, 5, LONG) == 2 * STEP
    assert check_clob_invariants(state) == []


def test_replacement_keeps_the_filled_amount():
    """ORDER-6, ORDER-11: a replaced order's filled amount stays; the remainder is quantums minus it."""
    state = funded(ALICE, BOB)
    ok(state, place(ALICE, 1, BUY, 10 * STEP, BID, gtb=10))
    ok(state, place(BOB, 1, SELL, 4 * STEP, BID, tif=IOC))
    assert remaining(state, ALICE, 1) == 6 * STEP
    events = ok(state, place(ALICE, 1, BUY, 10 * STEP, BID, gtb=11))
    assert of_type(events, "OrderOnBook")[0]["remainingQuantums"] == str(6 * STEP)
    apply_rejected(state, place(ALICE, 1, BUY, 4 * STEP, BID, gtb=12), "ORDER_FULLY_FILLED")
    events = ok(state, place(ALICE, 1, BUY, 5 * STEP, BID, gtb=12))
    assert of_type(events, "OrderOnBook")[0]["remainingQuantums"] == str(STEP)
    # The next fill counts on top of the 4 steps filled before
    events = ok(state, place(BOB, 2, SELL, 3 * STEP, BID, tif=IOC))
    assert fills(events) == [(BOB, ALICE, STEP, BID)]
    assert of_type(events, "OrderFill")[0]["makerTotalFilled"] == str(5 * STEP)
    assert removals(events) == [(ALICE, 1, "FULLY_FILLED"), (BOB, 2, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK")]
