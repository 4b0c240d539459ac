"""
Per-rule tests of conditional orders triggered by the oracle (spec/clob.md, COND-1, COND-2).

Through ``apply_json`` on the default genesis (GEN-1), accounts funded by deposits; the
builders' variants, readers and the worked BTC-USD numbers are in helpers/clob.py.  In
short, on BTC-USD (clob pair 0): quote = floor(subticks * q / 1e9); taker fee
ceil(quote * 500 / 1e6), maker fee ceil(quote * 100 / 1e6) with the standard tier 1.
"""

from __future__ import annotations

from helpers.clob import ASK, BID, ETH_PAIR, LONG, TICK, book, fills, funded, of_type, ok, place, remaining, set_price
from helpers.ledger import next_block
from perpspec.conformance.builders import (
    ALICE,
    BOB,
    BUY,
    CAROL,
    CONDITIONAL,
    IOC,
    SELL,
    STEP,
    STOP_LOSS,
    TAKE_PROFIT,
    removals,
)
from perpspec.default_genesis import GENESIS_TIME

TRIGGER = 2_900_000_000


def test_triggers_on_the_oracle_price_at_the_end_of_the_block():
    """COND-1: take-profit buys and stop-loss sells trigger at or below the trigger; the others at or above."""
    state = funded(ALICE)
    c = dict(flags=CONDITIONAL, tif=IOC)
    ok(state, place(ALICE, 1, BUY, STEP, TRIGGER, condition=TAKE_PROFIT, trigger=TRIGGER, **c))  # <=: yes (equal)
    ok(state, place(ALICE, 2, SELL, STEP, TRIGGER, condition=STOP_LOSS, trigger=TRIGGER, **c))  # <=: yes (equal)
    ok(state, place(ALICE, 3, BUY, STEP, TRIGGER, condition=STOP_LOSS, trigger=TRIGGER, **c))  # >=: yes (equal)
    ok(state, place(ALICE, 4, SELL, STEP, TRIGGER, condition=TAKE_PROFIT, trigger=TRIGGER, **c))  # >=: yes (equal)
    ok(state, place(ALICE, 5, BUY, STEP, TRIGGER, condition=TAKE_PROFIT, trigger=TRIGGER - TICK, **c))  # <=: no
    ok(state, place(ALICE, 6, SELL, STEP, TRIGGER, condition=STOP_LOSS, trigger=TRIGGER - TICK, **c))  # <=: no
    ok(state, place(ALICE, 7, BUY, STEP, TRIGGER, condition=STOP_LOSS, trigger=TRIGGER + TICK, **c))  # >=: no
    ok(state, place(ALICE, 8, SELL, STEP, TRIGGER, condition=TAKE_PROFIT, trigger=TRIGGER + TICK, **c))  # >=: no
    # At the genesis price (below 2.9e9) orders 1, 2, 5 and 6 would trigger: move the price first, in the same block
    ok(state, set_price(state, 0, TRIGGER))
    assert state.prices.market_prices[0].price == TRIGGER
    events = ok(state, next_block(state))
    triggered = [e["orderId"]["clientId"] for e in of_type(events, "ConditionalOrderTriggered")]
    assert triggered == [1, 2, 3, 4]
    assert sorted(i.client_id for i in state.clob.untriggered) == [5, 6, 7, 8]
    # Placement in the block does not trigger before that block ends
    ok(state, place(ALICE, 9, BUY, STEP, TRIGGER, condition=TAKE_PROFIT, trigger=TRIGGER, **c))
    assert sorted(i.client_id for i in state.clob.untriggered) == [5, 6, 7, 8, 9]
    events = ok(state, next_block(state))
    assert [e["orderId"]["clientId"] for e in of_type(events, "ConditionalOrderTriggered")] == [9]


def test_triggered_orders_are_placed_after_expiry_by_pair_then_id():
    """COND-2, ORDER-9: triggered orders are placed at the next block's start, after expiry, by clob pair then order id."""
    state = funded(ALICE, BOB, CAROL)
    c = dict(flags=CONDITIONAL, tif=IOC)
    eth_price = 1_800_000_000
    ok(
        state,
        place(
            ALICE, 0, BUY, STEP, eth_price, pair=ETH_PAIR, condition=TAKE_PROFIT, trigger=eth_price + 200 * TICK, **c
        ),
    )
    ok(state, place(CAROL, 3, BUY, STEP, ASK, condition=TAKE_PROFIT, trigger=ASK, **c))
    ok(state, place(ALICE, 5, BUY, STEP, ASK, condition=TAKE_PROFIT, trigger=ASK, **c))
    ok(state, place(ALICE, 4, BUY, STEP, ASK, condition=TAKE_PROFIT, trigger=ASK, **c))
    # Bob's short-term ask expires when this block ends; his long-term ask stays
    ok(state, place(BOB, 1, SELL, STEP, ASK - TICK, gtb=state.blocks.height))
    ok(state, place(BOB, 2, SELL, 2 * STEP, ASK, flags=LONG))
    events = ok(state, next_block(state))
    kinds = [
        (e["type"], e.get("reason"), e.get("orderId", {}).get("clientId"))
        for e in events
        if e["type"] != "SubaccountUpdate"
    ]
    expected_order = sorted([(ALICE, 4), (ALICE, 5), (CAROL, 3)])
    assert [e["orderId"]["clientId"] for e in of_type(events, "ConditionalOrderTriggered")] == [
        cid for _, cid in expected_order
    ] + [0]
    assert kinds[:2] == [("BlockStarted", None, None), ("OrderRemoved", "EXPIRED", 1)]
    # The first two triggered BTC buys fill Bob's long-term ask; the third finds nothing and is removed
    assert [(f[0], f[1], f[3]) for f in fills(events)] == [(o, BOB, ASK) for o, _ in expected_order[:2]]
    assert (expected_order[2][0], expected_order[2][1], "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK") in removals(events)


def test_triggered_order_expiring_at_the_new_block_is_not_placed():
    """COND-2, ORDER-9: a triggered order whose goodTilBlockTime is reached by the new block expires instead."""
    state = funded(ALICE, BOB)
    ok(state, place(BOB, 1, SELL, STEP, ASK, flags=LONG))
    ok(
        state,
        place(
            ALICE,
            1,
            BUY,
            STEP,
            ASK,
            flags=CONDITIONAL,
            tif=IOC,
            condition=TAKE_PROFIT,
            trigger=ASK,
            gtbt=GENESIS_TIME + 5,
        ),
    )
    events = ok(state, next_block(state, 5))
    assert removals(events) == [(ALICE, 1, "EXPIRED")] and fills(events) == []
    assert state.clob.untriggered == {} and remaining(state, BOB, 1, LONG) == STEP


def test_untriggered_orders_do_not_match():
    """COND-1, COND-2: an untriggered conditional order is not on the book and does not fill."""
    state = funded(ALICE, BOB)
    ok(state, place(ALICE, 1, BUY, STEP, ASK, flags=CONDITIONAL, tif=IOC, condition=STOP_LOSS, trigger=TRIGGER))
    events = ok(state, place(BOB, 1, SELL, STEP, BID - 100 * TICK, tif=IOC))
    assert fills(events) == [] and book(state) == {"bids": [], "asks": []}
