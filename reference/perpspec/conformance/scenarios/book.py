"""
Scenarios of clob pairs and the book (spec/clob.md, CLOB-1..3, BOOK-1..3): what each pair
status accepts, the oracle floor of an initializing pair, the queue of one price level, and
a genesis holding every part of the clob state.
"""

from __future__ import annotations

import math
from fractions import Fraction

from perpspec import errors
from perpspec.codec import encode_state
from perpspec.conformance.builders import (
    ALICE,
    BOB,
    BTC,
    BUY,
    CAROL,
    CENTI_BTC,
    CONDITIONAL,
    DAVE,
    ETH,
    IOC,
    LONG_TERM,
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
    on_book,
    order,
    order_id,
    place,
    removals,
    subs,
    usd,
)


def clob_pair_status() -> Scenario:
    genesis = make_genesis(funded(ALICE, BOB))
    for pair in genesis["clob"]["clobPairs"]:
        if pair["id"] == ETH:
            pair["status"] = "STATUS_INITIALIZING"
        if pair["id"] == SOL:
            pair["status"] = "STATUS_FINAL_SETTLEMENT"
    # ETH-USD: oracle 1_811_985_252 (exponent -6) is 1_811_985_252 subticks ($1,811.985252);
    # tick 100_000 subticks ($0.10), step 1_000_000 quantums (0.001 ETH).
    # SOL-USD: oracle 2_350_695_125 (exponent -8) is 2_350_695_125 subticks; tick 1_000_000.
    s = Scenario(
        "clob-pair-status",
        "An INITIALIZING pair takes only short-term post-only orders; a FINAL_SETTLEMENT pair takes none; cancels are accepted in every status.",
        ["CLOB-1", "CLOB-2", "ORDER-3", "ORDER-7", "ORDER-8"],
        ["ATOM-1"],
        genesis,
    )
    E = errors
    h, t = s.height, s.time
    eth_bid, eth_ask = 1_800_000_000, 1_850_000_000  # $1,800 and $1,850, on either side of the oracle
    tenth_eth = 100_000_000
    events = s.step(
        "INITIALIZING ETH-USD: a short-term post-only bid below the oracle price rests",
        place(ALICE, order(ALICE, 1, BUY, tenth_eth, eth_bid, clob=ETH, gtb=h + 10, tif=POST_ONLY)),
        OK,
        ["CLOB-2", "MATCH-5"],
    )
    assert on_book(events) == [(ALICE, 1, tenth_eth)]
    events = s.step(
        "a short-term post-only ask above the oracle price rests",
        place(BOB, order(BOB, 1, SELL, tenth_eth, eth_ask, clob=ETH, gtb=h + 10, tif=POST_ONLY)),
        OK,
        ["CLOB-2"],
    )
    assert on_book(events) == [(BOB, 1, tenth_eth)]
    s.step(
        "a short-term good-til-time order is rejected",
        place(ALICE, order(ALICE, 2, BUY, tenth_eth, eth_bid, clob=ETH, gtb=h + 10)),
        E.OrderConflictsWithClobPairStatus.code,
        ["CLOB-2"],
    )
    s.step(
        "a short-term IOC order is rejected",
        place(ALICE, order(ALICE, 2, BUY, tenth_eth, eth_ask, clob=ETH, gtb=h + 10, tif=IOC)),
        E.OrderConflictsWithClobPairStatus.code,
        ["CLOB-2"],
    )
    s.step(
        "a long-term post-only order is rejected",
        place(ALICE, order(ALICE, 2, BUY, tenth_eth, eth_bid, clob=ETH, flags=LONG_TERM, gtbt=t + 60, tif=POST_ONLY)),
        E.OrderConflictsWithClobPairStatus.code,
        ["CLOB-2"],
    )
    s.step(
        "a conditional post-only order is rejected",
        place(
            ALICE,
            order(
                ALICE,
                2,
                BUY,
                tenth_eth,
                eth_bid,
                clob=ETH,
                flags=CONDITIONAL,
                gtbt=t + 60,
                tif=POST_ONLY,
                condition=TAKE_PROFIT,
                trigger=eth_bid,
            ),
        ),
        E.OrderConflictsWithClobPairStatus.code,
        ["CLOB-2"],
    )
    s.step(
        "the step is checked before the status",
        place(ALICE, order(ALICE, 2, BUY, tenth_eth + 1, eth_bid, clob=ETH, gtb=h + 10)),
        E.InvalidPlaceOrder.code,
        ["ORDER-3"],
    )
    s.step(
        "the status is checked before the window",
        place(ALICE, order(ALICE, 2, BUY, tenth_eth, eth_bid, clob=ETH, gtb=h + 41)),
        E.OrderConflictsWithClobPairStatus.code,
        ["ORDER-3", "CLOB-2"],
    )
    sol = 2_000_000_000  # $20 on SOL-USD, a multiple of its tick
    s.step(
        "FINAL_SETTLEMENT SOL-USD: a short-term post-only order is rejected",
        place(ALICE, order(ALICE, 1, BUY, STEP, sol, clob=SOL, gtb=h + 10, tif=POST_ONLY)),
        E.OrderConflictsWithClobPairStatus.code,
        ["CLOB-2"],
    )
    s.step(
        "a good-til-time order likewise",
        place(ALICE, order(ALICE, 1, BUY, STEP, sol, clob=SOL, gtb=h + 10)),
        E.OrderConflictsWithClobPairStatus.code,
        ["CLOB-2"],
    )
    s.step(
        "a long-term order likewise",
        place(ALICE, order(ALICE, 1, BUY, STEP, sol, clob=SOL, flags=LONG_TERM, gtbt=t + 60)),
        E.OrderConflictsWithClobPairStatus.code,
        ["CLOB-2"],
    )
    events = s.step(
        "a short-term cancel on the INITIALIZING pair removes ALICE's bid",
        cancel(ALICE, order_id(ALICE, 1, clob=ETH), gtb=h + 10),
        OK,
        ["CLOB-2", "ORDER-7"],
    )
    assert removals(events) == [(ALICE, 1, "CANCELED")]
    s.step(
        "a short-term cancel on the FINAL_SETTLEMENT pair is accepted and recorded",
        cancel(ALICE, order_id(ALICE, 1, clob=SOL), gtb=h + 10),
        OK,
        ["CLOB-2", "ORDER-7"],
    )
    s.step(
        "a stateful cancel there finds no order: not a status error",
        cancel(ALICE, order_id(ALICE, 1, LONG_TERM, clob=SOL), gtbt=t + 60),
        E.StatefulOrderDoesNotExist.code,
        ["CLOB-2", "ORDER-8"],
    )
    s.step(
        "ACTIVE BTC-USD takes a good-til-time order",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), gtb=h + 10)),
        OK,
        ["CLOB-2"],
    )
    return s


def initializing_oracle_floor() -> Scenario:
    genesis = make_genesis(funded(ALICE, BOB))
    for pair in genesis["clob"]["clobPairs"]:
        if pair["id"] == ETH:
            pair["status"] = "STATUS_INITIALIZING"
            pair["quantumConversionExponent"] = -8
            pair["subticksPerTick"] = 1
    # ETH-USD here: price exponent -6, atomic resolution -9, qce -8 (UNITS-7): subticks = price * 10^(-6 + 8 - 9 + 6)
    # = 1_811_985_252 / 10 = 181_198_525.2 subticks; rounded down, 181_198_525. One subtick is one tick.
    s = Scenario(
        "clob-pair-initializing-oracle-floor",
        "On an INITIALIZING pair whose oracle price is not a whole number of subticks (181,198,525.2), post-only orders are bounded by the price rounded down: a buy one subtick above it and a sell one subtick below it conflict with the status; a buy and a sell at exactly 181,198,525 are accepted.",
        ["CLOB-2", "ORDER-3", "UNITS-7", "MATCH-5", "MATCH-7"],
        ["ATOM-1"],
        genesis,
    )
    E = errors
    h = s.height
    oracle = Fraction(1_811_985_252, 10)
    floor = 181_198_525
    assert math.floor(oracle) == floor and floor < oracle
    tenth_eth = 100_000_000
    bid = dict(clob=ETH, gtb=h + 10, tif=POST_ONLY)
    s.step(
        "a post-only buy at 181,198,526: above the floored oracle price (though at the price rounded up)",
        place(ALICE, order(ALICE, 1, BUY, tenth_eth, floor + 1, **bid)),
        E.OrderConflictsWithClobPairStatus.code,
        ["CLOB-2", "UNITS-7"],
    )
    s.step(
        "a post-only sell at 181,198,524: below the floored oracle price",
        place(BOB, order(BOB, 1, SELL, tenth_eth, floor - 1, **bid)),
        E.OrderConflictsWithClobPairStatus.code,
        ["CLOB-2"],
    )
    events = s.step(
        "a post-only buy at exactly 181,198,525 is accepted and rests",
        place(ALICE, order(ALICE, 1, BUY, tenth_eth, floor, **bid)),
        OK,
        ["CLOB-2", "MATCH-7"],
    )
    assert on_book(events) == [(ALICE, 1, tenth_eth)]
    events = s.step(
        "ALICE cancels it, leaving the book empty",
        cancel(ALICE, order_id(ALICE, 1, clob=ETH), gtb=h + 10),
        OK,
        ["ORDER-7", "CLOB-2"],
    )
    assert removals(events) == [(ALICE, 1, "CANCELED")]
    events = s.step(
        "a post-only sell at exactly 181,198,525, below the unrounded 181,198,525.2, is accepted and rests: the bound is the price rounded down",
        place(BOB, order(BOB, 1, SELL, tenth_eth, floor, **bid)),
        OK,
        ["CLOB-2", "MATCH-7"],
    )
    assert on_book(events) == [(BOB, 1, tenth_eth)]
    s.step(
        "a post-only buy one subtick above the floor is still rejected with an ask resting there",
        place(ALICE, order(ALICE, 2, BUY, tenth_eth, floor + 1, **bid)),
        E.OrderConflictsWithClobPairStatus.code,
        ["CLOB-2"],
    )
    return s


def level_queue() -> Scenario:
    s = Scenario(
        "book-level-queue",
        "Twelve asks of one step at one price fill oldest first, past cancelled orders at the front of the level and past the point where the level drops the entries it has passed over: the ninth, tenth and eleventh fills name BOB's orders 10, 11 and 12, in that order.",
        ["BOOK-1", "BOOK-3", "MATCH-1", "MATCH-2", "ORDER-7"],
        ["PRIO-1", "CONS-1"],
        make_genesis(funded(ALICE, BOB)),
    )
    gtb = s.height + 10
    for client_id in range(1, 13):
        s.step(
            f"BOB asks 0.0001 BTC at $30,000 (id {client_id})",
            place(BOB, order(BOB, client_id, SELL, STEP, usd(30_000), gtb=gtb)),
            OK,
            ["BOOK-1"],
        )
    for client_id in (1, 2):
        events = s.step(
            f"BOB cancels id {client_id}, at the front of the level",
            cancel(BOB, order_id(BOB, client_id), gtb=gtb),
            OK,
            ["ORDER-7"],
        )
        assert removals(events) == [(BOB, client_id, "CANCELED")]
    events = s.step(
        "ALICE buys 0.0009 BTC IOC at $30,000: BOB's ids 3 to 11 fill, oldest first",
        place(ALICE, order(ALICE, 1, BUY, 9 * STEP, usd(30_000), gtb=gtb, tif=IOC)),
        OK,
        ["BOOK-1", "MATCH-1"],
        show=subs(ALICE, BOB),
    )
    makers = [e["makerOrderId"]["clientId"] for e in events or [] if e["type"] == "OrderFill"]
    assert makers == list(range(3, 12)), makers
    events = s.step(
        "ALICE buys one step more: BOB's id 12, the last of the level",
        place(ALICE, order(ALICE, 2, BUY, 2 * STEP, usd(30_000), gtb=gtb, tif=IOC)),
        OK,
        ["BOOK-1", "MATCH-6"],
        show=subs(ALICE, BOB),
    )
    assert [e["makerOrderId"]["clientId"] for e in events or [] if e["type"] == "OrderFill"] == [12]
    assert removals(events)[-1] == (ALICE, 2, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK") and not s.state.clob.resting
    return s


def _rich_clob_state() -> Scenario:
    """A state holding every part of the clob JSON (CLOB-3), reached by messages: see ``clob_state_genesis``."""
    genesis = make_genesis(funded(ALICE, BOB, CAROL, DAVE))
    for pair in genesis["clob"]["clobPairs"]:
        if pair["id"] == ETH:
            pair["status"] = "STATUS_INITIALIZING"
            pair["quantumConversionExponent"] = -8
            pair["subticksPerTick"] = 1
        if pair["id"] == SOL:
            # quote = subticks * quantums * 10: prices of a few subticks (quote-exponents-near-zero)
            pair["quantumConversionExponent"] = 1
            pair["subticksPerTick"] = 1
            pair["stepBaseQuantums"] = "1"
    lived = Scenario("clob-state", "", [], [], genesis)
    h, t = lived.height, lived.time
    floor = 181_198_525  # ETH-USD's oracle price in subticks, rounded down (clob-pair-initializing-oracle-floor)
    tenth_eth = 100_000_000
    eth = dict(clob=ETH, gtb=h + 10, tif=POST_ONLY)
    lived.step("", place(ALICE, order(ALICE, 1, BUY, tenth_eth, floor, **eth)), OK)
    lived.step("", place(BOB, order(BOB, 1, SELL, tenth_eth, floor + 2, **eth)), OK)
    lived.step("", place(BOB, order(BOB, 2, SELL, tenth_eth, floor + 1, **eth)), OK)
    lived.step("", place(CAROL, order(CAROL, 1, SELL, 2 * CENTI_BTC, usd(30_000), gtb=h)), OK)
    lived.step("", place(DAVE, order(DAVE, 1, BUY, CENTI_BTC // 2, usd(30_000), gtb=h + 5, tif=IOC)), OK)
    lived.step("", place(BOB, order(BOB, 3, SELL, CENTI_BTC, usd(30_500), flags=LONG_TERM, gtbt=t + 600)), OK)
    lived.step(
        "",
        place(
            ALICE,
            order(
                ALICE,
                2,
                SELL,
                CENTI_BTC,
                usd(20_000),
                flags=CONDITIONAL,
                gtbt=t + 600,
                condition=STOP_LOSS,
                trigger=usd(20_000),
            ),
        ),
        OK,
    )
    lived.step("", cancel(ALICE, order_id(ALICE, 3), gtb=h + 3), OK)
    lived.step("", place(BOB, order(BOB, 4, BUY, 10, 2, clob=SOL, gtb=h + 10)), OK)
    lived.step("", place(DAVE, order(DAVE, 3, BUY, 10, 2, clob=SOL, gtb=h + 10)), OK)
    lived.step("", place(CAROL, order(CAROL, 3, BUY, 10, 1, clob=SOL, gtb=h + 10)), OK)
    return lived


def clob_state_genesis() -> Scenario:
    lived = _rich_clob_state()
    h, t = lived.height, lived.time
    genesis = encode_state(lived.state)
    clob = genesis["clob"]
    # Every part is there: BTC-USD with asks only (CAROL's short-term ask good til this very block, partly
    # filled, its filled amount prunable at this block; BOB's long-term ask), ETH-USD INITIALIZING with
    # ALICE's post-only bid at the floored oracle price and BOB's two post-only asks above it, SOL-USD with
    # three bids at 2, 2 and 1 subticks, ALICE's untriggered stop-loss, DAVE's and CAROL's filled amounts,
    # ALICE's short-term cancel, pending volume.
    assert [(b["clobPairId"], len(b["bids"]), len(b["asks"])) for b in clob["books"]] == [
        (BTC, 0, 2),
        (ETH, 1, 2),
        (SOL, 3, 0),
    ]
    assert clob["books"][0]["asks"][0]["goodTilBlock"] == h and len(clob["untriggeredOrders"]) == 1
    assert [f["prunableAtBlock"] for f in clob["fillAmounts"]] == [h, h + 5] and len(clob["shortTermCancels"]) == 1
    assert genesis["stats"]["volume"]["pending"] and genesis["blocks"]["height"] == h
    s = Scenario(
        "clob-state-genesis",
        "A genesis holding every part of the clob state (CLOB-3), as the state JSON written after messages: a book with asks only, among them a partly filled short-term order good til the genesis block (its filled amount prunable at it) and a long-term order; a book of an INITIALIZING pair with post-only orders on both sides; a book with bids only, two of them at one price of 2 subticks and one at 1; an untriggered conditional order; a short-term cancel; pending volume. Loaded, it matches, cancels, blocks and expires exactly as the state it was written from.",
        [
            "CLOB-3",
            "CODEC-1",
            "GEN-2",
            "CLOB-2",
            "ORDER-7",
            "ORDER-8",
            "ORDER-9",
            "ORDER-11",
            "MATCH-1",
            "MATCH-5",
            "FEE-4",
        ],
        ["DET-1", "CROSS-1"],
        genesis,
    )
    assert s.genesis == genesis
    floor = 181_198_525
    tenth_eth = 100_000_000
    events = s.step(
        "CAROL's post-only sell at the floored oracle price on ETH-USD would fill ALICE's bid: removed, nothing filled",
        place(CAROL, order(CAROL, 2, SELL, tenth_eth, floor, clob=ETH, gtb=h + 10, tif=POST_ONLY)),
        OK,
        ["MATCH-5", "CLOB-2"],
    )
    assert removals(events) == [(CAROL, 2, "POST_ONLY_WOULD_CROSS_MAKER_ORDER")]
    events = s.step(
        "DAVE buys 0.03 BTC IOC at $31,000: the 0.015 left of CAROL's ask at $30,000, then BOB's long-term 0.01 at $30,500",
        place(DAVE, order(DAVE, 2, BUY, 3 * CENTI_BTC, usd(31_000), gtb=h + 5, tif=IOC)),
        OK,
        ["MATCH-1", "ORDER-11"],
        show=subs(DAVE, CAROL, BOB),
    )
    assert [(f[0], f[1], f[2]) for f in fills(events)] == [
        (CAROL, 15 * CENTI_BTC // 10, usd(30_000)),
        (BOB, CENTI_BTC, usd(30_500)),
    ]
    assert removals(events) == [
        (CAROL, 1, "FULLY_FILLED"),
        (BOB, 3, "FULLY_FILLED"),
        (DAVE, 2, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK"),
    ]
    events = s.step(
        "ALICE sells 25 SOL quantums IOC at 1 subtick: BOB's and DAVE's bids at 2 subticks, oldest first, then 5 of CAROL's at 1",
        place(ALICE, order(ALICE, 4, SELL, 25, 1, clob=SOL, gtb=h + 5, tif=IOC)),
        OK,
        ["MATCH-1", "BOOK-1"],
        show=subs(ALICE, BOB, DAVE, CAROL),
    )
    assert [(f[0], f[1], f[2]) for f in fills(events)] == [(BOB, 10, 2), (DAVE, 10, 2), (CAROL, 5, 1)]
    s.step(
        "ALICE's cancelled id 3 cannot be placed up to the cancel's block",
        place(ALICE, order(ALICE, 3, BUY, CENTI_BTC, usd(20_000), gtb=h + 3)),
        errors.OrderIsCanceled.code,
        ["ORDER-7"],
    )
    s.step(
        "DAVE's partly filled IOC id cannot be sent again",
        place(DAVE, order(DAVE, 1, BUY, CENTI_BTC, usd(30_000), gtb=h + 5, tif=IOC)),
        errors.ImmediateExecutionOrderAlreadyFilled.code,
        ["ORDER-11"],
    )
    events = s.step(
        "a stateful cancel removes ALICE's waiting stop-loss",
        cancel(ALICE, order_id(ALICE, 2, CONDITIONAL), gtbt=t + 600),
        OK,
        ["ORDER-8"],
    )
    assert removals(events) == [(ALICE, 2, "CANCELED")]
    s.step(
        "the next block: the block's volume joins its epoch; CAROL's filled amount lapses",
        s.next_block(),
        OK,
        ["ORDER-9", "FEE-4"],
    )
    assert filled(s, CAROL, 1) == 0 and filled(s, DAVE, 1) == CENTI_BTC // 2
    events = s.step(
        "a block 601 seconds on: nothing stateful is left to expire; ETH-USD's orders wait until block h+10",
        s.next_block(600),
        OK,
        ["ORDER-9"],
    )
    assert removals(events) == []
    return s
