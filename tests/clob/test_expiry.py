"""
Per-rule tests of expiry and filled amounts (spec/clob.md, ORDER-9, ORDER-11).

Through ``apply_json`` on the default genesis (GEN-1), accounts funded by deposits; the
builders' variants, readers and the worked BTC-USD numbers are in helpers/clob.py.  In
short, on BTC-USD (clob pair 0): quote = floor(subticks * q / 1e9); taker fee
ceil(quote * 500 / 1e6), maker fee ceil(quote * 100 / 1e6) with the standard tier 1.
"""

from __future__ import annotations

from helpers.clob import ASK, BID, LONG, TICK, fills, funded, of_type, ok, place, remaining
from helpers.ledger import apply_rejected, next_block
from perpspec.conformance.builders import ALICE, BOB, BUY, CONDITIONAL, IOC, SELL, STEP, STOP_LOSS, removals
from perpspec.default_genesis import GENESIS_TIME


def test_short_term_expiry():
    """ORDER-9: short-term orders and their fill amounts lapse when their goodTilBlock ends."""
    state = funded(ALICE, BOB)
    ok(state, place(ALICE, 1, BUY, 3 * STEP, BID, gtb=2))
    ok(state, place(ALICE, 2, BUY, STEP, BID - TICK, gtb=3))
    ok(state, place(BOB, 1, SELL, STEP, BID, tif=IOC, gtb=2))
    events = ok(state, next_block(state))  # block 1 ends: nothing has goodTilBlock 1
    assert removals(events) == []
    events = ok(state, next_block(state))  # block 2 ends
    assert removals(events) == [(ALICE, 1, "EXPIRED")]
    assert [e["type"] for e in events] == ["BlockStarted", "OrderRemoved"]
    assert [i.client_id for i in state.clob.fill_amounts] == []  # Alice's and Bob's fill amounts lapsed
    assert remaining(state, ALICE, 2) == STEP
    # Bob's IOC id may now be used again (ORDER-11 no longer applies)
    assert fills(ok(state, place(BOB, 1, SELL, STEP, BID - TICK, tif=IOC, gtb=3)))
    events = ok(state, next_block(state))
    assert removals(events) == []  # Alice 2 was fully filled by Bob's IOC


def test_stateful_expiry():
    """ORDER-9: stateful orders, resting or untriggered, lapse once the block time reaches their goodTilBlockTime."""
    state = funded(ALICE)
    t = GENESIS_TIME
    ok(state, place(ALICE, 1, BUY, STEP, BID, flags=LONG, gtbt=t + 10))
    ok(
        state,
        place(ALICE, 2, SELL, STEP, ASK, flags=CONDITIONAL, condition=STOP_LOSS, trigger=BID - 100 * TICK, gtbt=t + 10),
    )
    ok(state, place(ALICE, 3, BUY, STEP, BID - TICK, flags=LONG, gtbt=t + 11))
    events = ok(state, next_block(state, 9))
    assert removals(events) == []
    events = ok(state, next_block(state, 1))  # time t + 10
    assert sorted(removals(events)) == [(ALICE, 1, "EXPIRED"), (ALICE, 2, "EXPIRED")]
    assert state.clob.untriggered == {} and remaining(state, ALICE, 3, LONG) == STEP
    events = ok(state, next_block(state, 5))
    assert removals(events) == [(ALICE, 3, "EXPIRED")]
    assert state.clob.resting == {}


def test_ioc_cannot_reuse_a_filled_id_and_fully_filled_ids_are_refused():
    """ORDER-11: an IOC order cannot reuse an id with a filled amount; less than a step left is ORDER_FULLY_FILLED."""
    state = funded(ALICE, BOB)
    ok(state, place(ALICE, 1, BUY, 10 * STEP, BID, gtb=10))
    events = ok(state, place(BOB, 1, SELL, 4 * STEP, BID, tif=IOC, gtb=10))
    assert removals(events) == [(BOB, 1, "FULLY_FILLED")]
    apply_rejected(
        state, place(BOB, 1, SELL, 8 * STEP, BID, tif=IOC, gtb=11), "IMMEDIATE_EXECUTION_ORDER_ALREADY_FILLED"
    )
    # The same id as a good-til-time order: 4 steps filled, 4 asked -> nothing left
    apply_rejected(state, place(BOB, 1, SELL, 4 * STEP, ASK, gtb=11), "ORDER_FULLY_FILLED")
    events = ok(state, place(BOB, 1, SELL, 6 * STEP, ASK, gtb=11))
    assert of_type(events, "OrderOnBook")[0]["remainingQuantums"] == str(2 * STEP)
    # The fill amount of a short-term id lapses after its latest goodTilBlock (11)
    for _ in range(11):
        ok(state, next_block(state))
    assert all(i.subaccount_id.owner != BOB for i in state.clob.fill_amounts)
    events = ok(state, place(BOB, 1, SELL, STEP, BID, tif=IOC, gtb=state.blocks.height))
    assert removals(events) == [(BOB, 1, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK")]
