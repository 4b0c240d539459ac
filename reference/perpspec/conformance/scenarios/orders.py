"""
Scenarios of orders (spec/clob.md, ORDER-3..11, CLOB-3): stateful validation, replacement,
cancels, expiry, and the filled amounts of short-term orders and their prune blocks.
"""

from __future__ import annotations

from perpspec import errors
from perpspec.codec import encode_state, state_hash
from perpspec.conformance.builders import (
    ALICE,
    AUTHORITY,
    BOB,
    BUY,
    CAROL,
    CENTI_BTC,
    CONDITIONAL,
    DAY,
    IOC,
    LONG_TERM,
    MALLORY,
    OK,
    POST_ONLY,
    SELL,
    SOL,
    STEP,
    STOP_LOSS,
    TAKE_PROFIT,
    Scenario,
    cancel,
    filled,
    fills,
    funded,
    make_genesis,
    market_price_json,
    on_book,
    order,
    order_id,
    place,
    prunable_at,
    removals,
    sub,
    subs,
    types,
    usd,
)


def order_stateful_validation() -> Scenario:
    genesis = make_genesis(funded(ALICE, BOB))
    market_price_json(genesis, SOL)["price"] = "0"
    s = Scenario(
        "order-stateful-validation",
        "Stateful validation of orders and cancels: the signer, an unknown clob pair, step and tick multiples, the short-term and stateful expiry windows at their boundaries, and a market without a price; in the order ORDER-3 checks them.",
        ["ORDER-3", "ORDER-4", "ORDER-5", "ORDER-7", "ORDER-8", "PRICE-7", "TX-2"],
        ["ATOM-1"],
        genesis,
    )
    E = errors
    s.step("block 2", s.next_block(), OK)
    s.step("block 3", s.next_block(), OK)
    h, t = s.height, s.time
    window = 95 * DAY
    bid = dict(gtb=h + 10)
    # ORDER-5: the signer is the subaccount's owner
    s.step(
        "MALLORY places an order for ALICE's subaccount",
        place(MALLORY, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), **bid)),
        E.Unauthorized.code,
        ["ORDER-5"],
    )
    s.step(
        "the authority cannot place for ALICE either",
        place(AUTHORITY, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), **bid)),
        E.Unauthorized.code,
        ["ORDER-5"],
    )
    s.step(
        "the signer is checked before the clob pair",
        place(MALLORY, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), clob=7, **bid)),
        E.Unauthorized.code,
        ["ORDER-5", "ORDER-3"],
    )
    s.step(
        "MALLORY cancels ALICE's short-term order id",
        cancel(MALLORY, order_id(ALICE, 1), gtb=h + 10),
        E.Unauthorized.code,
        ["ORDER-5"],
    )
    s.step(
        "MALLORY cancels ALICE's long-term order id",
        cancel(MALLORY, order_id(ALICE, 1, LONG_TERM), gtbt=t + 60),
        E.Unauthorized.code,
        ["ORDER-5"],
    )
    # ORDER-3: the clob pair, step and tick
    s.step(
        "clob pair 2 does not exist",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), clob=2, **bid)),
        E.InvalidClob.code,
        ["ORDER-3"],
    )
    s.step(
        "a cancel on clob pair 2",
        cancel(ALICE, order_id(ALICE, 1, clob=2), gtb=h + 10),
        E.InvalidClob.code,
        ["ORDER-3"],
    )
    s.step(
        "a stateful cancel on clob pair 7",
        cancel(ALICE, order_id(ALICE, 1, LONG_TERM, clob=7), gtbt=t + 60),
        E.InvalidClob.code,
        ["ORDER-3"],
    )
    s.step(
        "quantums 1_500_000 are not a multiple of the step 1_000_000",
        place(ALICE, order(ALICE, 1, BUY, 1_500_000, usd(20_000), **bid)),
        E.InvalidPlaceOrder.code,
        ["ORDER-3"],
    )
    s.step(
        "quantums below one step",
        place(ALICE, order(ALICE, 1, BUY, STEP - 1, usd(20_000), **bid)),
        E.InvalidPlaceOrder.code,
        ["ORDER-3"],
    )
    s.step(
        "subticks 2_000_050_000 are not a multiple of the tick 100_000",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000) + 50_000, **bid)),
        E.InvalidPlaceOrder.code,
        ["ORDER-3"],
    )
    s.step(
        "trigger subticks off the tick",
        place(
            ALICE,
            order(
                ALICE,
                1,
                SELL,
                CENTI_BTC,
                usd(20_000),
                flags=CONDITIONAL,
                gtbt=t + 60,
                condition=STOP_LOSS,
                trigger=usd(25_000) + 1,
            ),
        ),
        E.InvalidPlaceOrder.code,
        ["ORDER-3"],
    )
    s.step(
        "step is checked before the window: bad size and goodTilBlock below the height",
        place(ALICE, order(ALICE, 1, BUY, 1_500_000, usd(20_000), gtb=h - 1)),
        E.InvalidPlaceOrder.code,
        ["ORDER-3", "ORDER-4"],
    )
    # ORDER-4: windows, height <= goodTilBlock <= height + 40 and blockTime < goodTilBlockTime <= blockTime + 95 days
    s.step(
        "goodTilBlock one below the height",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), gtb=h - 1)),
        E.HeightExceedsGoodTilBlock.code,
        ["ORDER-4"],
    )
    s.step(
        "goodTilBlock at height + 41",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), gtb=h + 41)),
        E.GoodTilBlockExceedsShortBlockWindow.code,
        ["ORDER-4"],
    )
    events = s.step(
        "goodTilBlock at the height itself: accepted, rests",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), gtb=h)),
        OK,
        ["ORDER-4", "MATCH-7"],
    )
    assert on_book(events) == [(ALICE, 1, CENTI_BTC)]
    s.step(
        "goodTilBlock at height + 40: accepted",
        place(ALICE, order(ALICE, 2, BUY, CENTI_BTC, usd(20_000), gtb=h + 40)),
        OK,
        ["ORDER-4"],
    )
    s.step(
        "goodTilBlockTime equal to the block time",
        place(ALICE, order(ALICE, 3, BUY, CENTI_BTC, usd(20_000), flags=LONG_TERM, gtbt=t)),
        E.TimeExceedsGoodTilBlockTime.code,
        ["ORDER-4"],
    )
    s.step(
        "goodTilBlockTime before the block time",
        place(ALICE, order(ALICE, 3, BUY, CENTI_BTC, usd(20_000), flags=LONG_TERM, gtbt=t - 1)),
        E.TimeExceedsGoodTilBlockTime.code,
        ["ORDER-4"],
    )
    s.step(
        "goodTilBlockTime 95 days and 1 second ahead",
        place(ALICE, order(ALICE, 3, BUY, CENTI_BTC, usd(20_000), flags=LONG_TERM, gtbt=t + window + 1)),
        E.GoodTilBlockTimeExceedsStatefulOrderTimeWindow.code,
        ["ORDER-4"],
    )
    s.step(
        "a conditional order 95 days and 1 second ahead",
        place(
            ALICE,
            order(
                ALICE,
                3,
                SELL,
                CENTI_BTC,
                usd(20_000),
                flags=CONDITIONAL,
                gtbt=t + window + 1,
                condition=STOP_LOSS,
                trigger=usd(25_000),
            ),
        ),
        E.GoodTilBlockTimeExceedsStatefulOrderTimeWindow.code,
        ["ORDER-4"],
    )
    s.step(
        "goodTilBlockTime one second ahead: accepted",
        place(ALICE, order(ALICE, 3, BUY, CENTI_BTC, usd(20_000), flags=LONG_TERM, gtbt=t + 1)),
        OK,
        ["ORDER-4"],
    )
    s.step(
        "goodTilBlockTime exactly 95 days ahead: accepted",
        place(ALICE, order(ALICE, 4, BUY, CENTI_BTC, usd(20_000), flags=LONG_TERM, gtbt=t + window)),
        OK,
        ["ORDER-4"],
    )
    # the windows of cancels
    s.step(
        "a short-term cancel below the height",
        cancel(ALICE, order_id(ALICE, 9), gtb=h - 1),
        E.HeightExceedsGoodTilBlock.code,
        ["ORDER-4", "ORDER-7"],
    )
    s.step(
        "a short-term cancel beyond the window",
        cancel(ALICE, order_id(ALICE, 9), gtb=h + 41),
        E.GoodTilBlockExceedsShortBlockWindow.code,
        ["ORDER-4", "ORDER-7"],
    )
    s.step(
        "a stateful cancel at the block time",
        cancel(ALICE, order_id(ALICE, 3, LONG_TERM), gtbt=t),
        E.TimeExceedsGoodTilBlockTime.code,
        ["ORDER-4", "ORDER-8"],
    )
    s.step(
        "a stateful cancel beyond 95 days",
        cancel(ALICE, order_id(ALICE, 3, LONG_TERM), gtbt=t + window + 1),
        E.GoodTilBlockTimeExceedsStatefulOrderTimeWindow.code,
        ["ORDER-4", "ORDER-8"],
    )
    # PRICE-7: SOL-USD has no oracle price in this genesis
    sol_price = 2_000_000_000  # $20 on SOL-USD (UNITS-7 with exponents -8, -7, -9): a multiple of its tick 1_000_000
    s.step(
        "an order on SOL-USD, whose market has no price yet",
        place(BOB, order(BOB, 1, BUY, 1_000_000, sol_price, clob=SOL, gtb=h + 5)),
        E.PositionNotUpdatable.code,
        ["ORDER-3", "PRICE-7"],
    )
    s.step(
        "the window is checked before the price",
        place(BOB, order(BOB, 1, BUY, 1_000_000, sol_price, clob=SOL, gtb=h + 41)),
        E.GoodTilBlockExceedsShortBlockWindow.code,
        ["ORDER-3", "ORDER-4"],
    )
    s.step(
        "a cancel on SOL-USD is accepted (nothing to trade)",
        cancel(BOB, order_id(BOB, 1, clob=SOL), gtb=h + 5),
        OK,
        ["ORDER-7"],
    )
    s.step("the next block: ALICE's order good til block 3 expires", s.next_block(), OK, ["ORDER-9"], show=[sub(ALICE)])
    return s


def replacement() -> Scenario:
    s = Scenario(
        "order-replacement",
        "An order id that is live is replaced only by a later expiry with the same side, time in force and reduce-only; the replacement keeps the filled amount, takes a new place in time priority and may match.",
        ["ORDER-6", "ORDER-11", "BOOK-1", "MATCH-1", "TX-2"],
        ["ATOM-1", "PRIO-1"],
        make_genesis(funded(ALICE, BOB, CAROL)),
    )
    E = errors
    h, t = s.height, s.time
    events = s.step(
        "ALICE bids 0.02 BTC at $29,000, good til block h+5",
        place(ALICE, order(ALICE, 1, BUY, 2 * CENTI_BTC, usd(29_000), gtb=h + 5)),
        OK,
        ["ORDER-6"],
    )
    assert events[0]["replaces"] is False
    s.step(
        "the same id and the same goodTilBlock, another size",
        place(ALICE, order(ALICE, 1, BUY, 3 * CENTI_BTC, usd(29_000), gtb=h + 5)),
        E.OrderAlreadyExists.code,
        ["ORDER-6"],
    )
    s.step(
        "an earlier goodTilBlock",
        place(ALICE, order(ALICE, 1, BUY, 2 * CENTI_BTC, usd(29_000), gtb=h + 4)),
        E.InvalidReplacement.code,
        ["ORDER-6"],
    )
    s.step(
        "a later goodTilBlock but the other side",
        place(ALICE, order(ALICE, 1, SELL, 2 * CENTI_BTC, usd(31_000), gtb=h + 6)),
        E.InvalidReplacement.code,
        ["ORDER-6"],
    )
    s.step(
        "a later goodTilBlock but post-only",
        place(ALICE, order(ALICE, 1, BUY, 2 * CENTI_BTC, usd(29_000), gtb=h + 6, tif=POST_ONLY)),
        E.InvalidReplacement.code,
        ["ORDER-6"],
    )
    s.step(
        "a later goodTilBlock but IOC",
        place(ALICE, order(ALICE, 1, BUY, 2 * CENTI_BTC, usd(29_000), gtb=h + 6, tif=IOC)),
        E.InvalidReplacement.code,
        ["ORDER-6"],
    )
    s.step(
        "CAROL bids 0.01 BTC at $29,500",
        place(CAROL, order(CAROL, 1, BUY, CENTI_BTC, usd(29_500), gtb=h + 5)),
        OK,
        ["BOOK-1"],
    )
    events = s.step(
        "ALICE replaces her bid: good til h+6, 0.03 BTC at $29,500, behind CAROL in time",
        place(ALICE, order(ALICE, 1, BUY, 3 * CENTI_BTC, usd(29_500), gtb=h + 6)),
        OK,
        ["ORDER-6", "BOOK-1"],
    )
    assert (
        events[0]["replaces"] is True
        and removals(events) == [(ALICE, 1, "REPLACED")]
        and on_book(events) == [(ALICE, 1, 3 * CENTI_BTC)]
    )
    events = s.step(
        "BOB sells 0.015 BTC IOC at $29,500: CAROL's older bid fills first, then 0.005 of ALICE's",
        place(BOB, order(BOB, 1, SELL, 15 * CENTI_BTC // 10, usd(29_500), gtb=h + 5, tif=IOC)),
        OK,
        ["MATCH-1", "BOOK-1"],
        show=subs(BOB, CAROL, ALICE),
    )
    assert [(f[0], f[1]) for f in fills(events)] == [(CAROL, CENTI_BTC), (ALICE, CENTI_BTC // 2)]
    events = s.step(
        "ALICE replaces it with 0.02 BTC, good til h+7: 0.005 is already filled, so 0.015 rests",
        place(ALICE, order(ALICE, 1, BUY, 2 * CENTI_BTC, usd(29_500), gtb=h + 7)),
        OK,
        ["ORDER-6", "ORDER-11"],
    )
    assert on_book(events) == [(ALICE, 1, 15 * CENTI_BTC // 10)]
    s.step(
        "a replacement of 0.005 BTC: nothing left to fill, the resting order stays",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC // 2, usd(29_500), gtb=h + 8)),
        E.OrderFullyFilled.code,
        ["ORDER-11", "TX-2"],
    )
    s.step("BOB asks 0.01 BTC at $30,000", place(BOB, order(BOB, 2, SELL, CENTI_BTC, usd(30_000), gtb=h + 5)), OK)
    events = s.step(
        "ALICE's replacement at $30,000 crosses BOB's ask: it fills 0.01, the remaining 0.005 rests",
        place(ALICE, order(ALICE, 1, BUY, 2 * CENTI_BTC, usd(30_000), gtb=h + 8)),
        OK,
        ["ORDER-6", "ORDER-11", "MATCH-1"],
        show=subs(ALICE, BOB),
    )
    assert [(f[0], f[1]) for f in fills(events)] == [(BOB, CENTI_BTC)]
    assert events[-1] == {
        "type": "OrderOnBook",
        "orderId": order_id(ALICE, 1),
        "remainingQuantums": str(CENTI_BTC // 2),
    }
    assert filled(s, ALICE, 1) == 15 * CENTI_BTC // 10
    # Stateful orders: the expiry is the goodTilBlockTime
    long_term = dict(flags=LONG_TERM)
    s.step(
        "ALICE's long-term bid good til t+100",
        place(ALICE, order(ALICE, 5, BUY, CENTI_BTC, usd(28_000), gtbt=t + 100, **long_term)),
        OK,
        ["ORDER-6"],
    )
    s.step(
        "the same goodTilBlockTime",
        place(ALICE, order(ALICE, 5, BUY, CENTI_BTC, usd(28_100), gtbt=t + 100, **long_term)),
        E.OrderAlreadyExists.code,
        ["ORDER-6"],
    )
    s.step(
        "an earlier goodTilBlockTime",
        place(ALICE, order(ALICE, 5, BUY, CENTI_BTC, usd(28_100), gtbt=t + 50, **long_term)),
        E.InvalidReplacement.code,
        ["ORDER-6"],
    )
    events = s.step(
        "a later one, another price: replaced",
        place(ALICE, order(ALICE, 5, BUY, CENTI_BTC, usd(28_100), gtbt=t + 200, **long_term)),
        OK,
        ["ORDER-6"],
    )
    assert removals(events) == [(ALICE, 5, "REPLACED")]
    conditional = dict(flags=CONDITIONAL, condition=TAKE_PROFIT)
    events = s.step(
        "ALICE's take-profit buy, waiting for $27,000",
        place(ALICE, order(ALICE, 6, BUY, CENTI_BTC, usd(27_000), gtbt=t + 100, trigger=usd(27_000), **conditional)),
        OK,
        ["COND-1"],
    )
    assert types(events) == ["OrderPlaced"]
    s.step(
        "the same goodTilBlockTime",
        place(ALICE, order(ALICE, 6, BUY, CENTI_BTC, usd(27_000), gtbt=t + 100, trigger=usd(26_000), **conditional)),
        E.OrderAlreadyExists.code,
        ["ORDER-6"],
    )
    s.step(
        "a later one but IOC",
        place(
            ALICE,
            order(ALICE, 6, BUY, CENTI_BTC, usd(27_000), gtbt=t + 200, trigger=usd(26_000), tif=IOC, **conditional),
        ),
        E.InvalidReplacement.code,
        ["ORDER-6"],
    )
    events = s.step(
        "a later one with a new trigger: the waiting order is replaced",
        place(ALICE, order(ALICE, 6, BUY, CENTI_BTC, usd(26_000), gtbt=t + 200, trigger=usd(26_000), **conditional)),
        OK,
        ["ORDER-6", "COND-1"],
    )
    assert types(events) == ["OrderPlaced", "OrderRemoved"] and removals(events) == [(ALICE, 6, "REPLACED")]
    return s


def cancels() -> Scenario:
    s = Scenario(
        "order-cancels",
        "Short-term cancels hold until their goodTilBlock, remove orders expiring no later and block placements up to it; stateful cancels remove a live order expiring no later, with its filled amount.",
        ["ORDER-7", "ORDER-8", "ORDER-9", "ORDER-11", "TX-2"],
        ["ATOM-1"],
        make_genesis(funded(ALICE, BOB)),
    )
    E = errors
    h, t = s.height, s.time
    s.step(
        "ALICE bids 0.01 BTC, good til block h+10",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(29_000), gtb=h + 10)),
        OK,
    )
    events = s.step(
        "a cancel good til h+5 is recorded; the order, good til h+10, stays",
        cancel(ALICE, order_id(ALICE, 1), gtb=h + 5),
        OK,
        ["ORDER-7"],
    )
    assert types(events) == ["OrderCancelRecorded"]
    s.step(
        "the same cancel again", cancel(ALICE, order_id(ALICE, 1), gtb=h + 5), E.CancelAlreadyExists.code, ["ORDER-7"]
    )
    s.step(
        "a cancel good til an earlier block",
        cancel(ALICE, order_id(ALICE, 1), gtb=h + 4),
        E.CancelAlreadyExists.code,
        ["ORDER-7"],
    )
    events = s.step(
        "a cancel good til h+10 removes the order", cancel(ALICE, order_id(ALICE, 1), gtb=h + 10), OK, ["ORDER-7"]
    )
    assert types(events) == ["OrderCancelRecorded", "OrderRemoved"] and removals(events) == [(ALICE, 1, "CANCELED")]
    s.step(
        "placing the id good til h+10: the cancel holds",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(29_000), gtb=h + 10)),
        E.OrderIsCanceled.code,
        ["ORDER-7"],
    )
    s.step(
        "good til h+7: also covered",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(29_000), gtb=h + 7)),
        E.OrderIsCanceled.code,
        ["ORDER-7"],
    )
    s.step(
        "good til h+11: beyond the cancel, accepted",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(29_000), gtb=h + 11)),
        OK,
        ["ORDER-7"],
    )
    s.step(
        "a cancel of an id with no order is accepted and recorded",
        cancel(ALICE, order_id(ALICE, 2), gtb=h + 2),
        OK,
        ["ORDER-7"],
    )
    s.step(
        "the id cannot be placed up to the cancel's block",
        place(ALICE, order(ALICE, 2, BUY, CENTI_BTC, usd(28_000), gtb=h + 2)),
        E.OrderIsCanceled.code,
        ["ORDER-7"],
    )
    s.step(
        "a short-term cancel does not name the long-term order with the same client id",
        cancel(ALICE, order_id(ALICE, 3), gtb=h + 3),
        OK,
        ["ORDER-7"],
    )
    s.step("block h+1", s.next_block(), OK)
    s.step("block h+2", s.next_block(), OK)
    s.step(
        "still block h+2: the cancel good til h+2 holds",
        place(ALICE, order(ALICE, 2, BUY, CENTI_BTC, usd(28_000), gtb=h + 2)),
        E.OrderIsCanceled.code,
        ["ORDER-7"],
    )
    s.step("block h+3: the cancel good til h+2 has lapsed", s.next_block(), OK, ["ORDER-9"])
    assert sorted(oid.client_id for oid in s.state.clob.short_term_cancels) == [
        1,
        3,
    ]  # those of ids 1 and 3 hold until h+10 and h+3
    s.step(
        "the id is placed again",
        place(ALICE, order(ALICE, 2, BUY, CENTI_BTC, usd(28_000), gtb=h + 4)),
        OK,
        ["ORDER-7", "ORDER-9"],
    )
    # stateful cancels
    h, t = s.height, s.time
    long_term = dict(flags=LONG_TERM)
    s.step(
        "ALICE's long-term bid good til t+600, at $29,500 above her short-term bids",
        place(ALICE, order(ALICE, 3, BUY, CENTI_BTC, usd(29_500), gtbt=t + 600, **long_term)),
        OK,
    )
    s.step(
        "a cancel good til t+300, before the order's expiry",
        cancel(ALICE, order_id(ALICE, 3, LONG_TERM), gtbt=t + 300),
        E.InvalidStatefulOrderCancellation.code,
        ["ORDER-8"],
    )
    s.step(
        "a cancel of an id with no stateful order",
        cancel(ALICE, order_id(ALICE, 4, LONG_TERM), gtbt=t + 600),
        E.StatefulOrderDoesNotExist.code,
        ["ORDER-8"],
    )
    s.step(
        "the same client id as a conditional id is another order",
        cancel(ALICE, order_id(ALICE, 3, CONDITIONAL), gtbt=t + 600),
        E.StatefulOrderDoesNotExist.code,
        ["ORDER-8"],
    )
    events = s.step(
        "BOB sells 0.005 BTC IOC into it: partly filled",
        place(BOB, order(BOB, 1, SELL, CENTI_BTC // 2, usd(29_500), gtb=h + 5, tif=IOC)),
        OK,
        show=subs(BOB, ALICE),
    )
    assert [(f[0], f[1]) for f in fills(events)] == [(ALICE, CENTI_BTC // 2)] and filled(
        s, ALICE, 3, LONG_TERM
    ) == CENTI_BTC // 2
    events = s.step(
        "a cancel good til t+700 (later than the order) removes it and its filled amount",
        cancel(ALICE, order_id(ALICE, 3, LONG_TERM), gtbt=t + 700),
        OK,
        ["ORDER-8", "ORDER-11"],
    )
    assert types(events) == ["OrderRemoved"] and removals(events) == [(ALICE, 3, "CANCELED")]
    assert filled(s, ALICE, 3, LONG_TERM) == 0
    s.step(
        "cancelled already: nothing to cancel",
        cancel(ALICE, order_id(ALICE, 3, LONG_TERM), gtbt=t + 700),
        E.StatefulOrderDoesNotExist.code,
        ["ORDER-8"],
    )
    s.step("the next block", s.next_block(), OK)
    t = s.time
    events = s.step(
        "the id placed again starts with nothing filled: all 0.01 BTC rests",
        place(ALICE, order(ALICE, 3, BUY, CENTI_BTC, usd(29_500), gtbt=t + 600, **long_term)),
        OK,
        ["ORDER-11"],
    )
    assert on_book(events) == [(ALICE, 3, CENTI_BTC)]
    s.step(
        "ALICE's stop-loss sell waits for $25,000",
        place(
            ALICE,
            order(
                ALICE,
                5,
                SELL,
                CENTI_BTC,
                usd(24_000),
                flags=CONDITIONAL,
                gtbt=t + 600,
                condition=STOP_LOSS,
                trigger=usd(25_000),
            ),
        ),
        OK,
        ["COND-1"],
    )
    events = s.step(
        "a stateful cancel removes the waiting conditional order",
        cancel(ALICE, order_id(ALICE, 5, CONDITIONAL), gtbt=t + 600),
        OK,
        ["ORDER-8"],
    )
    assert removals(events) == [(ALICE, 5, "CANCELED")] and not s.state.clob.untriggered
    return s


def expiry() -> Scenario:
    s = Scenario(
        "order-expiry",
        "AdvanceBlock expires short-term orders, cancels and filled amounts whose goodTilBlock has ended, and stateful orders, resting or waiting, whose goodTilBlockTime is at or before the new block's time.",
        ["ORDER-9", "ORDER-11", "ORDER-4", "COND-2"],
        ["ATOM-1"],
        make_genesis(funded(ALICE, BOB)),
    )
    E = errors
    h, t = s.height, s.time
    s.step(
        "ALICE bids 0.01 BTC good til this block",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(29_000), gtb=h)),
        OK,
        ["ORDER-4"],
    )
    s.step("and 0.01 BTC good til the next", place(ALICE, order(ALICE, 2, BUY, CENTI_BTC, usd(28_900), gtb=h + 1)), OK)
    s.step(
        "a long-term bid good til t+15",
        place(ALICE, order(ALICE, 3, BUY, CENTI_BTC, usd(28_800), flags=LONG_TERM, gtbt=t + 15)),
        OK,
    )
    s.step(
        "a long-term bid good til t+20",
        place(ALICE, order(ALICE, 4, BUY, CENTI_BTC, usd(28_700), flags=LONG_TERM, gtbt=t + 20)),
        OK,
    )
    s.step(
        "a stop-loss sell good til t+15, waiting for $20,000",
        place(
            ALICE,
            order(
                ALICE,
                5,
                SELL,
                CENTI_BTC,
                usd(19_000),
                flags=CONDITIONAL,
                gtbt=t + 15,
                condition=STOP_LOSS,
                trigger=usd(20_000),
            ),
        ),
        OK,
    )
    s.step(
        "BOB sells 0.005 BTC IOC: half of ALICE's first bid fills",
        place(BOB, order(BOB, 1, SELL, CENTI_BTC // 2, usd(29_000), gtb=h, tif=IOC)),
        OK,
        show=subs(BOB, ALICE),
    )
    assert filled(s, ALICE, 1) == CENTI_BTC // 2
    s.step(
        "that id's filled amount is kept: a replacement of 0.005 has nothing left",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC // 2, usd(29_000), gtb=h + 1)),
        E.OrderFullyFilled.code,
        ["ORDER-11"],
    )
    events = s.step(
        "block h+1 at t+10: the bid good til h expires", s.next_block(10), OK, ["ORDER-9"], show=subs(ALICE)
    )
    assert removals(events) == [(ALICE, 1, "EXPIRED")] and filled(s, ALICE, 1) == 0
    events = s.step(
        "its filled amount went with it: 0.005 BTC with the same id rests in full",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC // 2, usd(28_000), gtb=h + 1)),
        OK,
        ["ORDER-9", "ORDER-11"],
    )
    assert on_book(events) == [(ALICE, 1, CENTI_BTC // 2)]
    events = s.step(
        "block h+2 at t+15: both short-term bids, the long-term bid and the conditional order good til t+15 expire",
        s.next_block(5),
        OK,
        ["ORDER-9"],
        show=subs(ALICE),
    )
    assert sorted(removals(events)) == [
        (ALICE, 1, "EXPIRED"),
        (ALICE, 2, "EXPIRED"),
        (ALICE, 3, "EXPIRED"),
        (ALICE, 5, "EXPIRED"),
    ]
    events = s.step("block h+3 at t+19: the bid good til t+20 stays", s.next_block(4), OK, ["ORDER-9"])
    assert removals(events) == []
    events = s.step("block h+4 at t+20: it expires", s.next_block(1), OK, ["ORDER-9"])
    assert removals(events) == [(ALICE, 4, "EXPIRED")]
    assert not s.state.clob.resting and not s.state.clob.untriggered and not s.state.clob.fill_amounts
    return s


def _prune_block_fill(s: Scenario, h: int) -> None:
    """BOB's IOC sell fills ALICE's re-placed bid (id 1, good til h+2) as a maker (ORDER-11, CLOB-3)."""
    events = s.step(
        "BOB sells 0.01 BTC IOC at $29,000: ALICE's bid fills in full as the maker; its filled amount is prunable at block h+2 (the order's goodTilBlock), not h+10",
        place(BOB, order(BOB, 1, SELL, CENTI_BTC, usd(29_000), gtb=h + 10, tif=IOC)),
        OK,
        ["ORDER-11", "CLOB-3", "MATCH-2"],
        show=subs(BOB, ALICE),
    )
    assert fills(events) == [(ALICE, CENTI_BTC, usd(29_000), 290_000_000, 145_000, 29_000)]
    assert removals(events) == [(ALICE, 1, "FULLY_FILLED"), (BOB, 1, "FULLY_FILLED")]
    assert filled(s, ALICE, 1) == CENTI_BTC and prunable_at(s, ALICE, 1) == h + 2
    assert filled(s, BOB, 1) == CENTI_BTC and prunable_at(s, BOB, 1) == h + 10


def _prune_block_lapse(s: Scenario, h: int) -> None:
    """From the fill on: the filled amount holds through block h+2 and lapses when it ends (ORDER-9, ORDER-11)."""
    E = errors
    s.step(
        "ALICE places id 1 again, good til h+2: nothing left to fill",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(29_000), gtb=h + 2)),
        E.OrderFullyFilled.code,
        ["ORDER-11"],
    )
    s.step("block h+1", s.next_block(), OK, ["ORDER-9"])
    s.step("block h+2", s.next_block(), OK, ["ORDER-9"])
    s.step(
        "in block h+2 the filled amount still holds: id 1 good til h+3 has nothing left",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(29_000), gtb=h + 3)),
        E.OrderFullyFilled.code,
        ["ORDER-11"],
    )
    s.step(
        "block h+3: block h+2 has ended and ALICE's filled amount lapses with it; BOB's, prunable at h+10, stays",
        s.next_block(),
        OK,
        ["ORDER-9", "ORDER-11", "CLOB-3"],
    )
    assert filled(s, ALICE, 1) == 0 and prunable_at(s, BOB, 1) == h + 10
    events = s.step(
        "ALICE places id 1 again, 0.01 BTC good til h+5: accepted with nothing filled, all of it rests",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(29_000), gtb=h + 5)),
        OK,
        ["ORDER-9", "ORDER-11", "MATCH-7"],
    )
    assert on_book(events) == [(ALICE, 1, CENTI_BTC)]


def _prune_block_start() -> tuple[Scenario, int]:
    s = Scenario(
        "fill-amount-prune-block",
        "A short-term filled amount's prune block (prunableAtBlock) is set only by a fill or by placing an id that has a filled amount again with a later goodTilBlock, never by placing an id with none: an id placed good til h+10, removed unfilled by a self-trade, then placed good til h+2 and filled as a maker, keeps its filled amount until block h+2 ends, not h+10.",
        ["ORDER-11", "CLOB-3", "ORDER-9", "MATCH-3", "MATCH-6"],
        ["ATOM-1", "DET-1"],
        make_genesis(funded(ALICE, BOB)),
    )
    h = s.height
    events = s.step(
        "ALICE bids 0.01 BTC at $29,000 (id 1), good til block h+10",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(29_000), gtb=h + 10)),
        OK,
        ["ORDER-11"],
    )
    assert on_book(events) == [(ALICE, 1, CENTI_BTC)]
    events = s.step(
        "ALICE's IOC sell at $29,000 (id 2) meets only her own bid: the bid is removed unfilled (self-trade), so id 1 has no filled amount",
        place(ALICE, order(ALICE, 2, SELL, CENTI_BTC, usd(29_000), gtb=h + 10, tif=IOC)),
        OK,
        ["MATCH-3", "MATCH-6", "ORDER-11"],
    )
    assert removals(events) == [(ALICE, 1, "SELF_TRADE"), (ALICE, 2, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK")]
    assert filled(s, ALICE, 1) == 0 and prunable_at(s, ALICE, 1) is None
    events = s.step(
        "ALICE places id 1 again, good til block h+2 (earlier than before: the id is not live, so this is no replacement)",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(29_000), gtb=h + 2)),
        OK,
        ["ORDER-6", "ORDER-11"],
    )
    assert events[0]["replaces"] is False and on_book(events) == [(ALICE, 1, CENTI_BTC)]
    return s, h


def fill_amount_prune_block() -> Scenario:
    s, h = _prune_block_start()
    _prune_block_fill(s, h)
    _prune_block_lapse(s, h)
    return s


def fill_amount_prune_block_decoded() -> Scenario:
    # The same steps from the state JSON written just before the fill: the decoded state must give
    # the same events and hashes as the state that lived through the earlier steps (CLOB-3, CODEC-1).
    lived, h = _prune_block_start()
    genesis, genesis_hash = encode_state(lived.state), state_hash(lived.state)
    _prune_block_fill(lived, h)
    _prune_block_lapse(lived, h)
    s = Scenario(
        "fill-amount-prune-block-decoded",
        "fill-amount-prune-block continued from its own state JSON: the genesis is the state after ALICE's id 1 was placed good til h+10, removed unfilled and placed again good til h+2; decoded, it fills, prunes at block h+2 and hashes exactly as the state that lived through those steps.",
        ["CLOB-3", "CODEC-1", "GEN-2", "ORDER-11", "ORDER-9"],
        ["DET-1"],
        genesis,
    )
    assert s.genesis == genesis and s.genesis_hash == genesis_hash
    _prune_block_fill(s, h)
    _prune_block_lapse(s, h)
    ours = [(step["expected"], step["stateHash"], step["subaccounts"]) for step in s.steps]
    theirs = [(step["expected"], step["stateHash"], step["subaccounts"]) for step in lived.steps[-len(s.steps) :]]
    if ours != theirs:
        raise AssertionError(
            "fill-amount-prune-block: the state decoded from its own JSON diverges from the state that lived through the steps"
        )
    return s


def fill_amount_prune_block_latest() -> Scenario:
    s = Scenario(
        "fill-amount-prune-block-latest",
        "A short-term filled amount is kept until the latest goodTilBlock its id has had: an id filled while good til h+10, removed by a self-trade, placed again good til h+2 (no replacement: it is not live) and filled again keeps its filled amount, prunable at h+10, after the order expires at h+2; it lapses when block h+10 ends. From a genesis at height 1,000.",
        ["ORDER-11", "ORDER-9", "CLOB-3", "MATCH-3"],
        ["ATOM-1"],
        make_genesis(funded(ALICE, BOB), blockHeight=1_000),
    )
    h = s.height
    s.step(
        "ALICE bids 0.02 BTC at $29,000 (id 1), good til h+10",
        place(ALICE, order(ALICE, 1, BUY, 2 * CENTI_BTC, usd(29_000), gtb=h + 10)),
        OK,
    )
    events = s.step(
        "BOB sells 0.01 BTC IOC into it",
        place(BOB, order(BOB, 1, SELL, CENTI_BTC, usd(29_000), gtb=h + 10, tif=IOC)),
        OK,
        ["ORDER-11"],
        show=subs(BOB, ALICE),
    )
    assert [(f[0], f[1]) for f in fills(events)] == [(ALICE, CENTI_BTC)] and prunable_at(s, ALICE, 1) == h + 10
    events = s.step(
        "ALICE's IOC sell meets only her own bid: the bid is removed (self-trade), its filled amount stays",
        place(ALICE, order(ALICE, 2, SELL, CENTI_BTC, usd(29_000), gtb=h + 10, tif=IOC)),
        OK,
        ["MATCH-3", "ORDER-11"],
    )
    assert removals(events)[0] == (ALICE, 1, "SELF_TRADE") and filled(s, ALICE, 1) == CENTI_BTC
    events = s.step(
        "ALICE places id 1 again, 0.02 BTC good til h+2: 0.01 left to fill, which rests",
        place(ALICE, order(ALICE, 1, BUY, 2 * CENTI_BTC, usd(29_000), gtb=h + 2)),
        OK,
        ["ORDER-11", "ORDER-6"],
    )
    assert (
        events[0]["replaces"] is False
        and on_book(events) == [(ALICE, 1, CENTI_BTC)]
        and prunable_at(s, ALICE, 1) == h + 10
    )
    events = s.step(
        "BOB sells 0.005 BTC IOC into it: the filled amount, now 0.015, stays prunable at h+10",
        place(BOB, order(BOB, 2, SELL, CENTI_BTC // 2, usd(29_000), gtb=h + 10, tif=IOC)),
        OK,
        ["ORDER-11", "CLOB-3"],
        show=subs(BOB, ALICE),
    )
    assert filled(s, ALICE, 1) == 15 * CENTI_BTC // 10 and prunable_at(s, ALICE, 1) == h + 10
    s.step("block h+1", s.next_block(), OK)
    s.step("block h+2", s.next_block(), OK)
    events = s.step(
        "block h+3: ALICE's order, good til h+2, expires; its filled amount stays",
        s.next_block(),
        OK,
        ["ORDER-9", "ORDER-11"],
    )
    assert removals(events) == [(ALICE, 1, "EXPIRED")] and prunable_at(s, ALICE, 1) == h + 10
    s.step(
        "id 1 again, 0.015 BTC good til h+5: nothing left to fill",
        place(ALICE, order(ALICE, 1, BUY, 15 * CENTI_BTC // 10, usd(29_000), gtb=h + 5)),
        errors.OrderFullyFilled.code,
        ["ORDER-11"],
    )
    s.step(
        "id 1 again, 0.01 BTC: less than is already filled",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(29_000), gtb=h + 5)),
        errors.OrderFullyFilled.code,
        ["ORDER-11"],
    )
    for height in range(h + 4, h + 11):
        s.step(f"block {height}", s.next_block(), OK)
    s.step(
        "in block h+10 the filled amount still holds",
        place(ALICE, order(ALICE, 1, BUY, 15 * CENTI_BTC // 10, usd(29_000), gtb=h + 12)),
        errors.OrderFullyFilled.code,
        ["ORDER-11"],
    )
    s.step("block h+11: block h+10 has ended and the filled amount lapses", s.next_block(), OK, ["ORDER-9", "ORDER-11"])
    assert filled(s, ALICE, 1) == 0
    events = s.step(
        "id 1 again, 0.015 BTC: accepted with nothing filled, all of it rests",
        place(ALICE, order(ALICE, 1, BUY, 15 * CENTI_BTC // 10, usd(29_000), gtb=h + 12)),
        OK,
        ["ORDER-11"],
    )
    assert on_book(events) == [(ALICE, 1, 15 * CENTI_BTC // 10)]
    return s
