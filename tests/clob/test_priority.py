"""
Per-rule tests of price-time priority and an uncrossed book (spec/clob.md, BOOK-1, BOOK-2,
MATCH-1; spec/invariants.md, INV-9).

Through ``apply_json`` on the default genesis (GEN-1), accounts funded by deposits; the
builders' variants, readers and the worked BTC-USD numbers are in helpers/clob.py.  In
short, on BTC-USD (clob pair 0): quote = floor(subticks * q / 1e9); taker fee
ceil(quote * 500 / 1e6), maker fee ceil(quote * 100 / 1e6) with the standard tier 1.
"""

from __future__ import annotations

from helpers.clob import ASK, BID, BTC_PAIR, LONG, TICK, book, fills, funded, of_type, ok, place, remaining
from perpspec.conformance.builders import ALICE, BOB, BUY, CAROL, DAVE, IOC, MALLORY, POST_ONLY, SELL, STEP, removals
from perpspec.invariants import is_book_uncrossed


def test_price_time_priority():
    """BOOK-1, MATCH-1, MATCH-2, PRIO-1: best price first, oldest first within a price, each at the maker's price."""
    state = funded(ALICE, BOB, CAROL, DAVE, MALLORY)
    ok(state, place(CAROL, 1, BUY, 2 * STEP, BID))
    ok(state, place(ALICE, 1, BUY, 2 * STEP, BID + TICK))
    ok(state, place(DAVE, 1, BUY, 2 * STEP, BID, flags=LONG))
    ok(state, place(MALLORY, 1, BUY, 2 * STEP, BID - TICK))
    assert book(state)["bids"] == [(ALICE, 1, BID + TICK), (CAROL, 1, BID), (DAVE, 1, BID), (MALLORY, 1, BID - TICK)]
    # A sell above the best bid does not cross
    events = ok(state, place(BOB, 1, SELL, STEP, BID + 2 * TICK, tif=IOC))
    assert fills(events) == [] and removals(events) == [(BOB, 1, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK")]
    events = ok(state, place(BOB, 2, SELL, 7 * STEP, BID - TICK, tif=IOC))
    assert fills(events) == [
        (BOB, ALICE, 2 * STEP, BID + TICK),
        (BOB, CAROL, 2 * STEP, BID),
        (BOB, DAVE, 2 * STEP, BID),
        (BOB, MALLORY, STEP, BID - TICK),
    ]
    assert remaining(state, MALLORY, 1) == STEP
    # Asks: lowest first, then oldest
    ok(state, place(CAROL, 2, SELL, STEP, ASK + TICK))
    ok(state, place(DAVE, 2, SELL, STEP, ASK))
    ok(state, place(ALICE, 2, SELL, STEP, ASK))
    assert book(state)["asks"] == [(DAVE, 2, ASK), (ALICE, 2, ASK), (CAROL, 2, ASK + TICK)]
    events = ok(state, place(BOB, 3, BUY, 3 * STEP, ASK + 5 * TICK, tif=IOC))
    assert fills(events) == [(BOB, DAVE, STEP, ASK), (BOB, ALICE, STEP, ASK), (BOB, CAROL, STEP, ASK + TICK)]


def test_book_is_never_crossed():
    """BOOK-2, INV-9: a crossing good-til-time order matches and rests beyond; a crossing post-only is removed."""
    state = funded(ALICE, BOB)
    ok(state, place(BOB, 1, SELL, 2 * STEP, ASK))
    events = ok(state, place(ALICE, 1, BUY, 5 * STEP, ASK + TICK))
    assert fills(events) == [(ALICE, BOB, 2 * STEP, ASK)]
    assert of_type(events, "OrderOnBook")[0]["remainingQuantums"] == str(3 * STEP)
    assert book(state) == {"bids": [(ALICE, 1, ASK + TICK)], "asks": []}
    events = ok(state, place(BOB, 2, SELL, STEP, ASK + TICK, tif=POST_ONLY))
    assert removals(events) == [(BOB, 2, "POST_ONLY_WOULD_CROSS_MAKER_ORDER")]
    ok(state, place(BOB, 3, SELL, STEP, ASK + 2 * TICK, tif=POST_ONLY))
    assert is_book_uncrossed(state, BTC_PAIR)
    assert state.clob.books[BTC_PAIR].bids.best().subticks < state.clob.books[BTC_PAIR].asks.best().subticks
