"""
Scenarios of matching (spec/clob.md, MATCH-1..9): limit and market orders, self-trades,
post-only and IOC orders, the collateral checks of fills and of the add-to-book check,
reduce-only orders, and fills on pairs whose quote exponents are near zero.
"""

from __future__ import annotations

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
    MALLORY,
    OK,
    ONE_BTC,
    POST_ONLY,
    RICH,
    SELL,
    SOL,
    STEP,
    STOP_LOSS,
    TAKE_PROFIT,
    Scenario,
    cancel,
    deposit,
    fills,
    funded,
    genesis_risk,
    make_genesis,
    on_book,
    open_interest,
    order,
    order_id,
    place,
    position,
    removals,
    sub,
    subaccount_entry,
    subs,
    types,
    usd,
    usdc,
    withdraw,
)
from perpspec.types import SubaccountId
from perpspec.units import INT32_MAX, INT32_MIN


def limit_orders() -> Scenario:
    s = Scenario(
        "limit-order-matching",
        "Limit orders rest in price-time priority; a taker fills several makers across price levels, oldest first within a level, each at the maker's price; partial fills of taker and maker; fees at the standard tier 1 rates; the fee collector and open interest follow every fill.",
        [
            "BOOK-1",
            "BOOK-2",
            "MATCH-1",
            "MATCH-2",
            "MATCH-6",
            "MATCH-7",
            "MATCH-9",
            "FEE-1",
            "FEE-2",
            "FEE-3",
            "ORDER-11",
            "SUB-6",
        ],
        ["CONS-1", "SOLV-1", "CONS-3", "CROSS-1", "PRIO-1"],
        make_genesis(funded(ALICE, BOB, CAROL, DAVE)),
    )
    gtb = s.height + 20
    # The asks, in priority order: BOB 0.01 @ 30,000; CAROL 0.01 @ 30,000 (later); BOB 0.02 @ 30,100; DAVE 0.01 @ 30,200
    for owner, client_id, quantums, price in (
        (BOB, 1, CENTI_BTC, 30_000),
        (CAROL, 1, CENTI_BTC, 30_000),
        (BOB, 2, 2 * CENTI_BTC, 30_100),
        (DAVE, 1, CENTI_BTC, 30_200),
    ):
        name = {BOB: "BOB", CAROL: "CAROL", DAVE: "DAVE"}[owner]
        events = s.step(
            f"{name} asks {quantums / ONE_BTC} BTC at ${price:,}",
            place(owner, order(owner, client_id, SELL, quantums, usd(price), gtb=gtb)),
            OK,
            ["BOOK-1", "MATCH-7"],
        )
        assert on_book(events) == [(owner, client_id, quantums)]
    s.step(
        "DAVE bids 0.01 BTC at $29,000: below the best ask, it rests",
        place(DAVE, order(DAVE, 2, BUY, CENTI_BTC, usd(29_000), gtb=gtb)),
        OK,
        ["BOOK-1", "BOOK-2"],
    )
    # ALICE buys 0.05 @ 30,100: crosses every ask at or below 30,100, best price first, oldest first:
    #   BOB   0.01 @ 30,000: quote 3_000_000_000 * 100_000_000 / 10^9 = 300_000_000; taker fee 500 ppm 150_000, maker fee 100 ppm 30_000
    #   CAROL 0.01 @ 30,000: the same
    #   BOB   0.02 @ 30,100: quote 602_000_000; taker fee 301_000, maker fee 60_200
    # DAVE's ask at 30,200 does not cross; 0.01 rests at 30,100.
    events = s.step(
        "ALICE buys 0.05 BTC at $30,100: three fills over two levels, then 0.01 BTC rests",
        place(ALICE, order(ALICE, 1, BUY, 5 * CENTI_BTC, usd(30_100), gtb=gtb)),
        OK,
        ["MATCH-1", "MATCH-2", "FEE-2", "FEE-3", "MATCH-7"],
        show=subs(ALICE, BOB, CAROL),
    )
    assert fills(events) == [
        (BOB, CENTI_BTC, usd(30_000), 300_000_000, 150_000, 30_000),
        (CAROL, CENTI_BTC, usd(30_000), 300_000_000, 150_000, 30_000),
        (BOB, 2 * CENTI_BTC, usd(30_100), 602_000_000, 301_000, 60_200),
    ]
    assert removals(events) == [(BOB, 1, "FULLY_FILLED"), (CAROL, 1, "FULLY_FILLED"), (BOB, 2, "FULLY_FILLED")]
    assert on_book(events) == [(ALICE, 1, CENTI_BTC)]
    assert usdc(s, ALICE) == RICH - 1_202_000_000 - 601_000
    assert usdc(s, BOB) == RICH + 902_000_000 - 90_200
    assert s.state.bank.fee_collector == 601_000 + 120_200
    assert open_interest(s) == 4 * CENTI_BTC  # the longs: ALICE 0.04 (MATCH-9)
    # CAROL sells 0.015 IOC at $30,000: ALICE's bid at 30,100 is better than CAROL's limit and fills at 30,100
    # (the maker's price): quote 301_000_000, CAROL's taker fee 150_500, ALICE's maker fee 30_100.
    # DAVE's bid at 29,000 is below 30,000: the remaining 0.005 is removed (IOC).
    events = s.step(
        "CAROL sells 0.015 BTC IOC at $30,000: fills ALICE's 0.01 at ALICE's $30,100; the rest is cancelled",
        place(CAROL, order(CAROL, 2, SELL, 15 * CENTI_BTC // 10, usd(30_000), gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-2", "MATCH-6", "FEE-2"],
        show=subs(CAROL, ALICE),
    )
    assert fills(events) == [(ALICE, CENTI_BTC, usd(30_100), 301_000_000, 150_500, 30_100)]
    assert removals(events) == [(ALICE, 1, "FULLY_FILLED"), (CAROL, 2, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK")]
    assert open_interest(s) == 5 * CENTI_BTC
    # BOB sells 0.005 IOC at $29,000: DAVE's bid fills partly, 0.005 of it stays on the book.
    events = s.step(
        "BOB sells 0.005 BTC IOC at $29,000: DAVE's bid is partly filled and keeps its place",
        place(BOB, order(BOB, 3, SELL, CENTI_BTC // 2, usd(29_000), gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-2", "ORDER-11"],
        show=subs(BOB, DAVE),
    )
    # quote 2_900_000_000 * 50_000_000 / 10^9 = 145_000_000; fees 72_500 and 14_500
    assert fills(events) == [(DAVE, CENTI_BTC // 2, usd(29_000), 145_000_000, 72_500, 14_500)]
    assert (
        events[0]["type"] == "OrderPlaced"
        and events[1]["takerTotalFilled"] == str(CENTI_BTC // 2)
        and events[1]["makerTotalFilled"] == str(CENTI_BTC // 2)
    )
    # ALICE sells 0.01 at $28,000 (good-til-time): takes DAVE's last 0.005, and 0.005 rests as an ask at 28,000.
    events = s.step(
        "ALICE sells 0.01 BTC at $28,000: takes the rest of DAVE's bid at $29,000, and 0.005 rests as the best ask",
        place(ALICE, order(ALICE, 2, SELL, CENTI_BTC, usd(28_000), gtb=gtb)),
        OK,
        ["MATCH-1", "MATCH-7", "BOOK-2"],
        show=subs(ALICE, DAVE),
    )
    assert fills(events) == [(DAVE, CENTI_BTC // 2, usd(29_000), 145_000_000, 72_500, 14_500)]
    assert on_book(events) == [(ALICE, 2, CENTI_BTC // 2)]
    # Positions: ALICE +0.045, BOB -0.035, CAROL -0.02, DAVE +0.01: open interest 0.055
    assert (position(s, ALICE), position(s, BOB), position(s, CAROL), position(s, DAVE)) == (
        45 * CENTI_BTC // 10,
        -35 * CENTI_BTC // 10,
        -2 * CENTI_BTC,
        CENTI_BTC,
    )
    assert open_interest(s) == 55 * CENTI_BTC // 10
    # Fee collector: 721_200 + 180_600 + 87_000 + 87_000
    assert s.state.bank.fee_collector == 1_075_800
    s.step(
        "the block ends: the book and every party as they stand",
        s.next_block(),
        OK,
        ["FEE-4"],
        show=subs(ALICE, BOB, CAROL, DAVE),
    )
    return s


def market_orders_and_self_trade() -> Scenario:
    s = Scenario(
        "market-order-self-trade",
        "A market order is an IOC order whose price is the worst the taker accepts; it meets its own resting order, which is removed without a fill; IOC remainders are removed; a filled IOC id cannot be placed again, a good-til-time one only for what is left.",
        ["ORDER-1", "MATCH-1", "MATCH-2", "MATCH-3", "MATCH-6", "ORDER-11", "FEE-3"],
        ["CONS-1", "CONS-3", "PRIO-1"],
        make_genesis(funded(ALICE, BOB, CAROL, DAVE)),
    )
    E = errors
    gtb = s.height + 10
    s.step("BOB asks 0.01 BTC at $30,000", place(BOB, order(BOB, 1, SELL, CENTI_BTC, usd(30_000), gtb=gtb)), OK)
    s.step("ALICE asks 0.01 BTC at $30,050", place(ALICE, order(ALICE, 1, SELL, CENTI_BTC, usd(30_050), gtb=gtb)), OK)
    s.step(
        "CAROL asks 0.02 BTC at $30,100", place(CAROL, order(CAROL, 1, SELL, 2 * CENTI_BTC, usd(30_100), gtb=gtb)), OK
    )
    # ALICE's market buy of 0.03 with a worst price of $31,000:
    #   BOB 0.01 @ 30,000 fills (quote 300_000_000); ALICE's own ask @ 30,050 is removed, SELF_TRADE, no fill;
    #   CAROL 0.02 @ 30,100 fills (quote 602_000_000). Filled: 0.03, the taker is FULLY_FILLED.
    events = s.step(
        "ALICE's market buy of 0.03 BTC (IOC, worst price $31,000) removes her own ask on the way",
        place(ALICE, order(ALICE, 2, BUY, 3 * CENTI_BTC, usd(31_000), gtb=gtb, tif=IOC)),
        OK,
        ["ORDER-1", "MATCH-1", "MATCH-3", "MATCH-2"],
        show=subs(ALICE, BOB, CAROL),
    )
    assert fills(events) == [
        (BOB, CENTI_BTC, usd(30_000), 300_000_000, 150_000, 30_000),
        (CAROL, 2 * CENTI_BTC, usd(30_100), 602_000_000, 301_000, 60_200),
    ]
    assert removals(events) == [
        (BOB, 1, "FULLY_FILLED"),
        (ALICE, 1, "SELF_TRADE"),
        (CAROL, 1, "FULLY_FILLED"),
        (ALICE, 2, "FULLY_FILLED"),
    ]
    assert usdc(s, ALICE) == RICH - 902_000_000 - 451_000
    # FEE-3: taker change + maker changes + fees = 0; the collector holds both fees
    assert s.state.bank.fee_collector == 451_000 + 90_200
    events = s.step(
        "DAVE's market sell into an empty bid side: no fill, the order is removed",
        place(DAVE, order(DAVE, 1, SELL, CENTI_BTC, usd(29_000), gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-6"],
    )
    assert types(events) == ["OrderPlaced", "OrderRemoved"] and removals(events) == [
        (DAVE, 1, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK")
    ]
    s.step(
        "nothing was filled, so the same IOC id may be sent again",
        place(DAVE, order(DAVE, 1, SELL, CENTI_BTC, usd(29_000), gtb=gtb, tif=IOC)),
        OK,
        ["ORDER-11", "MATCH-6"],
    )
    s.step("BOB bids 0.01 BTC at $29,500", place(BOB, order(BOB, 2, BUY, CENTI_BTC, usd(29_500), gtb=gtb)), OK)
    events = s.step(
        "DAVE's market sell of 0.03 BTC (worst $29,000): 0.01 fills at $29,500, 0.02 is removed",
        place(DAVE, order(DAVE, 2, SELL, 3 * CENTI_BTC, usd(29_000), gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-2", "MATCH-6"],
        show=subs(DAVE, BOB),
    )
    assert fills(events) == [(BOB, CENTI_BTC, usd(29_500), 295_000_000, 147_500, 29_500)]
    assert removals(events) == [(BOB, 2, "FULLY_FILLED"), (DAVE, 2, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK")]
    s.step(
        "the partly filled IOC id again, with a later goodTilBlock",
        place(DAVE, order(DAVE, 2, SELL, 3 * CENTI_BTC, usd(29_000), gtb=gtb + 1, tif=IOC)),
        E.ImmediateExecutionOrderAlreadyFilled.code,
        ["ORDER-11"],
    )
    s.step(
        "ALICE's fully filled market order id again",
        place(ALICE, order(ALICE, 2, BUY, 3 * CENTI_BTC, usd(31_000), gtb=gtb, tif=IOC)),
        E.ImmediateExecutionOrderAlreadyFilled.code,
        ["ORDER-11"],
    )
    s.step(
        "the id as a good-til-time order of 0.01: nothing left to fill",
        place(DAVE, order(DAVE, 2, SELL, CENTI_BTC, usd(31_000), gtb=gtb)),
        E.OrderFullyFilled.code,
        ["ORDER-11"],
    )
    s.step(
        "0.0101 BTC leaves one step: accepted, 0.0001 rests",
        place(DAVE, order(DAVE, 2, SELL, CENTI_BTC + STEP, usd(31_000), gtb=gtb)),
        OK,
        ["ORDER-11", "MATCH-7"],
    )
    s.step(
        "ALICE's id as a good-til-time buy of 0.03: nothing left",
        place(ALICE, order(ALICE, 2, BUY, 3 * CENTI_BTC, usd(20_000), gtb=gtb)),
        E.OrderFullyFilled.code,
        ["ORDER-11"],
    )
    events = s.step(
        "as a good-til-time buy of 0.05: 0.02 left, which rests",
        place(ALICE, order(ALICE, 2, BUY, 5 * CENTI_BTC, usd(20_000), gtb=gtb)),
        OK,
        ["ORDER-11", "MATCH-7"],
    )
    assert on_book(events) == [(ALICE, 2, 2 * CENTI_BTC)]
    assert open_interest(s) == 3 * CENTI_BTC  # the only long is ALICE's 0.03 (BOB: -0.01 + 0.01 = 0; CAROL, DAVE short)
    return s


def post_only() -> Scenario:
    s = Scenario(
        "post-only",
        "Post-only orders rest when they do not cross and are removed, with no fill, when they would; self-trades and under-collateralized makers met on the way are removed and stay removed, and the order then rests.",
        ["MATCH-5", "MATCH-3", "MATCH-4", "MATCH-7", "BOOK-2"],
        ["CONS-1", "SOLV-1", "CROSS-1"],
        make_genesis(funded(ALICE, BOB, CAROL) + [subaccount_entry(MALLORY, 0, 10_000_000)]),
    )
    gtb = s.height + 10
    s.step("BOB asks 0.01 BTC at $30,000", place(BOB, order(BOB, 1, SELL, CENTI_BTC, usd(30_000), gtb=gtb)), OK)
    events = s.step(
        "ALICE's post-only bid at $29,900 does not cross: it rests",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(29_900), gtb=gtb, tif=POST_ONLY)),
        OK,
        ["MATCH-5"],
    )
    assert on_book(events) == [(ALICE, 1, CENTI_BTC)]
    events = s.step(
        "ALICE's post-only bid at $30,000 would fill BOB's ask: removed, nothing filled, BOB's ask stays",
        place(ALICE, order(ALICE, 2, BUY, CENTI_BTC, usd(30_000), gtb=gtb, tif=POST_ONLY)),
        OK,
        ["MATCH-5"],
        show=subs(ALICE, BOB),
    )
    assert types(events) == ["OrderPlaced", "OrderRemoved"] and removals(events) == [
        (ALICE, 2, "POST_ONLY_WOULD_CROSS_MAKER_ORDER")
    ]
    s.step(
        "BOB's post-only sell at $29,900 would fill ALICE's bid: removed",
        place(BOB, order(BOB, 2, SELL, CENTI_BTC, usd(29_900), gtb=gtb, tif=POST_ONLY)),
        OK,
        ["MATCH-5"],
    )
    events = s.step(
        "ALICE's post-only sell at $29,900 meets only her own bid: the bid is removed (self-trade), then the sell rests",
        place(ALICE, order(ALICE, 3, SELL, CENTI_BTC, usd(29_900), gtb=gtb, tif=POST_ONLY)),
        OK,
        ["MATCH-5", "MATCH-3"],
    )
    assert removals(events) == [(ALICE, 1, "SELF_TRADE")] and on_book(events) == [(ALICE, 3, CENTI_BTC)]
    # MALLORY (10 USDC) bids 0.001 BTC at $29,000: quote 29_000_000, maker fee 2_900.  The add-to-book
    # check: NC = 10_000_000 - 29_002_900 + 28_688_195 (0.001 BTC at the oracle) = 9_685_295 >= IMR 573_763.
    s.step(
        "MALLORY bids 0.001 BTC at $29,000 with 10 USDC: passes the add-to-book check",
        place(MALLORY, order(MALLORY, 1, BUY, 10 * STEP, usd(29_000), gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    s.step(
        "MALLORY withdraws 9.5 USDC: resting orders hold no collateral",
        withdraw(MALLORY, sub(MALLORY), 9_500_000),
        OK,
        ["SUB-12"],
    )
    # Filled now, MALLORY would have NC = 500_000 - 29_002_900 + 28_688_195 = 185_295 < IMR 573_763: the maker fails.
    events = s.step(
        "CAROL's post-only sell at $29,000 meets MALLORY's bid, which fails its collateral check: removed; CAROL's order then rests",
        place(CAROL, order(CAROL, 1, SELL, 10 * STEP, usd(29_000), gtb=gtb, tif=POST_ONLY)),
        OK,
        ["MATCH-5", "MATCH-4"],
        show=subs(CAROL, MALLORY),
    )
    assert removals(events) == [(MALLORY, 1, "UNDERCOLLATERALIZED")] and on_book(events) == [(CAROL, 1, 10 * STEP)]
    assert fills(events) == [] and usdc(s, MALLORY) == 500_000
    assert s.state.bank.fee_collector == 0 and open_interest(s) == 0
    return s


def collateral_checks() -> Scenario:
    s = Scenario(
        "match-collateral-checks",
        "Every fill is margin-checked for both parties: a failing maker is removed and matching goes on; a failing taker stops and its remainder is removed, keeping earlier fills; a remainder that could not bear its own fill does not rest.",
        ["MATCH-4", "MATCH-7", "MATCH-6", "MATCH-9", "SUB-6", "SUB-7"],
        ["SOLV-1", "CONS-1", "ATOM-1", "SOLV-2", "CONS-3"],
        make_genesis(
            funded(BOB, CAROL)
            + [
                subaccount_entry(ALICE, 0, 1_000_000),
                subaccount_entry(DAVE, 0, 5_000_000),
                subaccount_entry(MALLORY, 0, 10_000_000),
            ]
        ),
    )
    gtb = s.height + 10
    # ALICE (1 USDC) bids 0.01 BTC at $30,000: NC = 1_000_000 - 300_000_000 - 30_000 + 286_881_952 = -12_148_048 < IMR
    events = s.step(
        "ALICE, with 1 USDC, bids 0.01 BTC at $30,000: the remainder fails the add-to-book check and is removed",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(30_000), gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    assert removals(events) == [(ALICE, 1, "UNDERCOLLATERALIZED")] and on_book(events) == []
    # 0.0001 BTC at $25,000: NC = 1_000_000 - 2_500_000 - 250 + 2_868_819 = 1_368_569 >= IMR 57_376
    s.step(
        "0.0001 BTC at $25,000 passes it and rests",
        place(ALICE, order(ALICE, 2, BUY, STEP, usd(25_000), gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    s.step(
        "MALLORY (10 USDC) bids 0.001 BTC at $29,000",
        place(MALLORY, order(MALLORY, 1, BUY, 10 * STEP, usd(29_000), gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    s.step("CAROL bids 0.001 BTC at $28,900", place(CAROL, order(CAROL, 1, BUY, 10 * STEP, usd(28_900), gtb=gtb)), OK)
    s.step("MALLORY withdraws 9.5 USDC", withdraw(MALLORY, sub(MALLORY), 9_500_000), OK)
    # BOB sells 0.002 IOC at $28,000: MALLORY's bid first (best price) fails MALLORY's check
    # (NC 185_295 < IMR 573_763): removed, no balance changes; CAROL's bid fills at 28,900
    # (quote 28_900_000, fees 14_450 and 2_890); ALICE's bid at 25,000 is below BOB's limit.
    events = s.step(
        "BOB sells 0.002 BTC IOC at $28,000: MALLORY's bid fails its check and is removed; matching goes on to CAROL's",
        place(BOB, order(BOB, 1, SELL, 20 * STEP, usd(28_000), gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-4", "MATCH-6"],
        show=subs(BOB, MALLORY, CAROL),
    )
    assert removals(events) == [
        (MALLORY, 1, "UNDERCOLLATERALIZED"),
        (CAROL, 1, "FULLY_FILLED"),
        (BOB, 1, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK"),
    ]
    assert fills(events) == [(CAROL, 10 * STEP, usd(28_900), 28_900_000, 14_450, 2_890)]
    assert usdc(s, MALLORY) == 500_000 and position(s, MALLORY) == 0
    s.step("BOB asks 0.001 BTC at $30,000", place(BOB, order(BOB, 2, SELL, 10 * STEP, usd(30_000), gtb=gtb)), OK)
    s.step("CAROL asks 0.01 BTC at $30,000", place(CAROL, order(CAROL, 2, SELL, CENTI_BTC, usd(30_000), gtb=gtb)), OK)
    # DAVE (5 USDC) buys 0.011 IOC at up to $31,000:
    #   BOB's 0.001 @ 30,000: DAVE's NC = 5_000_000 - 30_000_000 - 15_000 + 28_688_195 = 3_673_195 >= IMR 573_763: filled
    #   CAROL's 0.01 @ 30,000: NC = -25_015_000 - 300_150_000 + 315_570_147 = -9_594_853 < IMR: the taker fails
    # Matching stops; DAVE keeps the first fill; CAROL's ask stays on the book.
    events = s.step(
        "DAVE, with 5 USDC, buys 0.011 BTC IOC: the first fill passes, the second fails DAVE's check, matching stops",
        place(DAVE, order(DAVE, 1, BUY, 11 * 10 * STEP, usd(31_000), gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-4"],
        show=subs(DAVE, BOB, CAROL),
    )
    assert fills(events) == [(BOB, 10 * STEP, usd(30_000), 30_000_000, 15_000, 3_000)]
    assert removals(events) == [(BOB, 2, "FULLY_FILLED"), (DAVE, 1, "UNDERCOLLATERALIZED")]
    assert position(s, DAVE) == 10 * STEP and usdc(s, DAVE) == 5_000_000 - 30_015_000
    # open interest: the longs are CAROL 0.001 and DAVE 0.001
    assert open_interest(s) == 20 * STEP
    events = s.step(
        "CAROL's ask is still on the book: BOB takes it",
        place(BOB, order(BOB, 3, BUY, CENTI_BTC, usd(30_000), gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-4"],
        show=subs(BOB, CAROL),
    )
    assert fills(events) == [(CAROL, CENTI_BTC, usd(30_000), 300_000_000, 150_000, 30_000)]
    # CAROL went from long 0.001 to short 0.009, BOB from short 0.002 to long 0.008: longs are BOB 0.008 and DAVE 0.001
    assert open_interest(s) == 90 * STEP
    return s


def add_to_book_fast_path() -> Scenario:
    """
    The add-to-book check (MATCH-7) of a subaccount that holds a perpetual other than the
    order's, at its boundary; a fill leaving a long of one base quantum (SUB-6); enum
    numbers at the ends of int32 (ORDER-1).
    """
    # ALICE holds 1 ETH (1e9 quantums at 1_811_985_252e-6: NC 1_811_985_252, IMR 2% = ceil(36_239_705.04) = 36_239_706)
    # and rests a sell of 0.01 BTC at $40,000: quote 400_000_000, maker fee 100 ppm = 40_000.  After it:
    #   BTC short 1e8: NC -trunc(286_881_952.4) = -286_881_952, IMR ceil(5_737_639.048) = 5_737_640.
    # NC - IMR = usdc + 399_960_000 + 1_811_985_252 - 286_881_952 - 36_239_706 - 5_737_640 = usdc + 1_883_085_954.
    # The sell's delta belongs to BTC only: counting it against the ETH she holds instead would leave
    # NC - IMR = usdc + 399_960_000 + 1_630_786_726 - 32_615_735, 115_045_037 quantums looser.
    slack = 399_960_000 + 1_811_985_252 - 286_881_952 - 36_239_706 - 5_737_640
    genesis = make_genesis(
        [
            subaccount_entry(ALICE, 0, -slack - 1, [(ETH, 10**9)]),
            subaccount_entry(BOB, 0, 10**11, [(ETH, -(10**9))]),
            subaccount_entry(CAROL, 0, 10**11, [(BTC, STEP + 1)]),
            subaccount_entry(DAVE, 0, 10**11, [(BTC, -(STEP + 1))]),
        ]
    )
    s = Scenario(
        "add-to-book-other-perpetual",
        "The add-to-book check of a subaccount holding another perpetual than the order's, one quantum either side of its boundary; a fill that leaves a long of one base quantum in the open interest; side numbers at and beyond the ends of int32.",
        ["MATCH-7", "SUB-6", "SUB-7", "MARGIN-5", "MARGIN-6", "ORDER-1", "ORDER-2"],
        ["SOLV-1", "CONS-1"],
        genesis,
    )
    gtb = s.height + 10
    s.step(
        "ALICE (long ETH) rests a BTC sell that leaves NC one quantum under IMR: removed, UNDERCOLLATERALIZED",
        place(ALICE, order(ALICE, 1, SELL, CENTI_BTC, usd(40_000), gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    assert s.state.clob.resting == {}
    s.step("she deposits one quantum", deposit(ALICE, sub(ALICE), 1), OK)
    s.step(
        "the same sell now leaves NC = IMR: it rests",
        place(ALICE, order(ALICE, 2, SELL, CENTI_BTC, usd(40_000), gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    assert len(s.state.clob.resting) == 1
    s.step("DAVE bids one step of BTC at $28,000", place(DAVE, order(DAVE, 1, BUY, STEP, usd(28_000), gtb=gtb)), OK)
    assert s.state.perpetuals.perpetuals[BTC].open_interest == STEP + 1
    s.step(
        "CAROL (long one step and one quantum) sells one step IOC to DAVE (short as much): a long of one quantum is left, open interest 1",
        place(CAROL, order(CAROL, 1, SELL, STEP, usd(28_000), gtb=gtb, tif=IOC)),
        OK,
        ["SUB-6"],
    )
    assert s.state.perpetuals.perpetuals[BTC].open_interest == 1
    assert s.state.subaccounts.subaccounts[SubaccountId(CAROL, 0)].positions[BTC].quantums == 1
    for description, side, code in (
        ("side INT32_MIN is an int32: read, then not a side", INT32_MIN, errors.InvalidOrderSide.code),
        ("side INT32_MAX likewise", INT32_MAX, errors.InvalidOrderSide.code),
        ("side INT32_MAX + 1 is not an int32", INT32_MAX + 1, errors.InvalidField.code),
    ):
        s.step(description, place(BOB, order(BOB, 1, side, STEP, usd(28_000), gtb=gtb)), code, ["ORDER-1"])
    return s


def add_to_book_lower_held() -> Scenario:
    """
    The add-to-book check (MATCH-7) of a subaccount holding a perpetual of a lower id than the
    order's: the order's delta belongs to the ordered perpetual only, and the held one keeps its
    size.
    """
    # ALICE holds 0.01 BTC and bids 0.1 ETH (1e8 base quantums) at $2,000: quote 200_000_000,
    # maker fee 100 ppm = 20_000, so the check's USDC delta is -200_020_000.  After it she holds
    # 0.01 BTC and 0.1 ETH; NC - IMR of those positions is worked out by the reference below.
    # Counting the ETH delta against the BTC she holds instead (0.02 BTC, no ETH) would be
    # 103_569_759 quote quantums looser.
    size, subticks = (
        10**8,
        2_000 * 10**6,
    )  # ETH: $1 is 10^6 subticks (quantum conversion exponent -9, atomic resolution -9)
    probe = make_genesis(
        [
            subaccount_entry(ALICE, 0, 0, [(BTC, CENTI_BTC), (ETH, size)]),
            subaccount_entry(BOB, 0, 10**11, [(BTC, -CENTI_BTC), (ETH, -size)]),
        ]
    )
    risk = genesis_risk(probe, ALICE)
    boundary = 200_020_000 - (risk.nc - risk.imr)
    genesis = make_genesis(
        [
            subaccount_entry(ALICE, 0, boundary - 1, [(BTC, CENTI_BTC)]),
            subaccount_entry(BOB, 0, 10**11, [(BTC, -CENTI_BTC)]),
        ]
    )
    s = Scenario(
        "add-to-book-lower-held-perpetual",
        "The add-to-book check of a subaccount holding a perpetual of a lower id than the order's, one quantum either side of its boundary.",
        ["MATCH-7", "SUB-7", "MARGIN-5", "MARGIN-6"],
        ["SOLV-1", "CONS-1"],
        genesis,
    )
    gtb = s.height + 10
    s.step(
        "ALICE (long BTC) rests an ETH bid that leaves NC one quantum under IMR: removed, UNDERCOLLATERALIZED",
        place(ALICE, order(ALICE, 1, BUY, size, subticks, clob=ETH, gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    assert s.state.clob.resting == {}
    s.step("she deposits one quantum", deposit(ALICE, sub(ALICE), 1), OK)
    s.step(
        "the same bid now leaves NC = IMR: it rests",
        place(ALICE, order(ALICE, 2, BUY, size, subticks, clob=ETH, gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    assert len(s.state.clob.resting) == 1
    return s


def add_to_book_boundary() -> Scenario:
    # 0.01 BTC at $29,000: quote 290_000_000, maker fee 29_000.  The add-to-book check (MATCH-7) of a sell
    # passes with 2_648_592 USDC quantums and fails with one less; of a buy, 8_884_688 and one less.
    sell_usdc, buy_usdc = 2_648_592, 8_884_688
    s = Scenario(
        "add-to-book-boundary",
        "The add-to-book collateral check (MATCH-7) at its exact boundary: a sell of 0.01 BTC at $29,000 rests with 2,648,592 USDC quantums and is removed with one quantum less; once the ask is cancelled, a buy of 0.01 BTC at $29,000 rests with 8,884,688 and is removed with one less.",
        ["MATCH-7", "SUB-7", "FEE-2"],
        ["SOLV-1"],
        make_genesis(
            [
                subaccount_entry(ALICE, 0, sell_usdc),
                subaccount_entry(BOB, 0, sell_usdc - 1),
                subaccount_entry(CAROL, 0, buy_usdc),
                subaccount_entry(DAVE, 0, buy_usdc - 1),
            ]
        ),
    )
    gtb = s.height + 10
    events = s.step(
        "ALICE (2,648,592) asks 0.01 BTC at $29,000: it rests",
        place(ALICE, order(ALICE, 1, SELL, CENTI_BTC, usd(29_000), gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    assert on_book(events) == [(ALICE, 1, CENTI_BTC)]
    events = s.step(
        "BOB (one quantum less) asks the same: removed",
        place(BOB, order(BOB, 1, SELL, CENTI_BTC, usd(29_000), gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    assert removals(events) == [(BOB, 1, "UNDERCOLLATERALIZED")]
    events = s.step(
        "ALICE cancels her ask, leaving the book empty", cancel(ALICE, order_id(ALICE, 1), gtb=gtb), OK, ["ORDER-7"]
    )
    assert removals(events) == [(ALICE, 1, "CANCELED")]
    events = s.step(
        "CAROL (8,884,688) bids 0.01 BTC at $29,000: it rests",
        place(CAROL, order(CAROL, 1, BUY, CENTI_BTC, usd(29_000), gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    assert on_book(events) == [(CAROL, 1, CENTI_BTC)]
    events = s.step(
        "DAVE (one quantum less) bids the same: removed",
        place(DAVE, order(DAVE, 1, BUY, CENTI_BTC, usd(29_000), gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    assert removals(events) == [(DAVE, 1, "UNDERCOLLATERALIZED")]
    return s


def reduce_only() -> Scenario:
    # ALICE long 0.02055 BTC (205.5 steps), BOB short 0.02, CAROL short 0.00055; DAVE makes the market.
    s = Scenario(
        "reduce-only",
        "Reduce-only orders must be opposite to a position; their fills are cut to the position, rounded down to a step, so they never flip it; closing a position removes the subaccount's waiting reduce-only conditional orders.",
        ["ORDER-10", "MATCH-8", "MATCH-2", "MATCH-9"],
        ["SOLV-1", "RO-1"],
        make_genesis(
            funded(
                ALICE,
                BOB,
                CAROL,
                DAVE,
                positions={ALICE: [(BTC, 205_500_000)], BOB: [(BTC, -200_000_000)], CAROL: [(BTC, -5_500_000)]},
            )
        ),
    )
    E = errors
    h, t = s.height, s.time
    gtb = h + 10
    s.step("DAVE bids 0.05 BTC at $28,000", place(DAVE, order(DAVE, 1, BUY, 5 * CENTI_BTC, usd(28_000), gtb=gtb)), OK)
    s.step("DAVE asks 0.05 BTC at $29,000", place(DAVE, order(DAVE, 2, SELL, 5 * CENTI_BTC, usd(29_000), gtb=gtb)), OK)
    s.step(
        "ALICE (long) sends a reduce-only buy",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(29_000), gtb=gtb, tif=IOC, reduce_only=True)),
        E.ReduceOnlyWouldIncreasePositionSize.code,
        ["ORDER-10"],
    )
    s.step(
        "DAVE (no position) sends a reduce-only sell",
        place(DAVE, order(DAVE, 3, SELL, CENTI_BTC, usd(28_000), gtb=gtb, tif=IOC, reduce_only=True)),
        E.ReduceOnlyWouldIncreasePositionSize.code,
        ["ORDER-10"],
    )
    s.step(
        "the reduce-only check names the order's pair: ALICE has no ETH position",
        place(ALICE, order(ALICE, 1, SELL, CENTI_BTC, 1_800_000_000, clob=ETH, gtb=gtb, tif=IOC, reduce_only=True)),
        E.ReduceOnlyWouldIncreasePositionSize.code,
        ["ORDER-10"],
    )
    # ALICE reduce-only sells 0.03: the fill against DAVE's bid is cut to 205_500_000 rounded down to a
    # step, 205_000_000; ALICE keeps 500_000, less than a step, so the next fill is cut to 0: REDUCE_ONLY_RESIZED.
    events = s.step(
        "ALICE's reduce-only sell of 0.03 BTC: cut to 0.0205 (her 0.02055 rounded down to a step), then removed",
        place(ALICE, order(ALICE, 2, SELL, 3 * CENTI_BTC, usd(27_000), gtb=gtb, tif=IOC, reduce_only=True)),
        OK,
        ["MATCH-8", "MATCH-2"],
        show=subs(ALICE, DAVE),
    )
    assert [f[1] for f in fills(events)] == [205_000_000]
    assert removals(events) == [(ALICE, 2, "REDUCE_ONLY_RESIZED")]
    assert position(s, ALICE) == 500_000
    events = s.step(
        "with 0.00005 BTC left, a one-step reduce-only sell is accepted but cut to nothing",
        place(ALICE, order(ALICE, 3, SELL, STEP, usd(27_000), gtb=gtb, tif=IOC, reduce_only=True)),
        OK,
        ["MATCH-8"],
    )
    assert types(events) == ["OrderPlaced", "OrderRemoved"] and removals(events) == [(ALICE, 3, "REDUCE_ONLY_RESIZED")]
    stop = dict(flags=CONDITIONAL, gtbt=t + 3_600, tif=IOC, reduce_only=True)
    s.step(
        "BOB (short) places a reduce-only stop-loss buy, triggering at $31,000",
        place(BOB, order(BOB, 1, BUY, 2 * CENTI_BTC, usd(32_000), condition=STOP_LOSS, trigger=usd(31_000), **stop)),
        OK,
        ["ORDER-10", "COND-1"],
    )
    s.step(
        "and a reduce-only take-profit buy, triggering at $25,000",
        place(BOB, order(BOB, 2, BUY, 2 * CENTI_BTC, usd(25_500), condition=TAKE_PROFIT, trigger=usd(25_000), **stop)),
        OK,
        ["COND-1"],
    )
    s.step(
        "and a plain take-profit buy, not reduce-only",
        place(
            BOB,
            order(
                BOB,
                3,
                BUY,
                CENTI_BTC,
                usd(25_500),
                flags=CONDITIONAL,
                gtbt=t + 3_600,
                condition=TAKE_PROFIT,
                trigger=usd(25_000),
            ),
        ),
        OK,
        ["COND-1"],
    )
    # BOB's reduce-only buy of 0.03 closes his 0.02 short against DAVE's ask; his waiting reduce-only
    # orders are removed; the taker's remaining 0.01 is cut to 0: REDUCE_ONLY_RESIZED.
    events = s.step(
        "BOB's reduce-only buy of 0.03 closes his short: his waiting reduce-only conditional orders are removed",
        place(BOB, order(BOB, 4, BUY, 3 * CENTI_BTC, usd(29_500), gtb=gtb, tif=IOC, reduce_only=True)),
        OK,
        ["MATCH-8", "MATCH-9"],
        show=subs(BOB, DAVE),
    )
    assert [f[1] for f in fills(events)] == [2 * CENTI_BTC]
    assert removals(events) == [
        (BOB, 1, "REDUCE_ONLY_RESIZED"),
        (BOB, 2, "REDUCE_ONLY_RESIZED"),
        (BOB, 4, "REDUCE_ONLY_RESIZED"),
    ]
    assert position(s, BOB) == 0 and len(s.state.clob.untriggered) == 1
    # longs: ALICE 500_000 and DAVE 205_000_000 - 200_000_000 = 5_000_000
    assert open_interest(s) == 5_500_000
    s.step(
        "CAROL's reduce-only buy of one step against her 0.00055 short: fills one step",
        place(CAROL, order(CAROL, 1, BUY, STEP, usd(29_000), gtb=gtb, tif=IOC, reduce_only=True)),
        OK,
        ["MATCH-8"],
    )
    assert position(s, CAROL) == -4_500_000
    return s


def reduce_only_flip() -> Scenario:
    # ALICE long 0.01 BTC, BOB short 0.01 BTC; DAVE makes the market; CAROL and MALLORY hold no position.
    s = Scenario(
        "reduce-only-cancel-on-flip",
        "A fill that flips the side of a subaccount's position, as taker or as maker, or opens one from zero, removes its waiting reduce-only conditional orders on that perpetual; a fill that only reduces the position keeps them, and orders that are not reduce-only stay.",
        ["MATCH-8", "ORDER-10", "COND-1", "MATCH-2", "MATCH-9"],
        ["SOLV-1", "RO-1"],
        make_genesis(
            funded(ALICE, BOB, CAROL, DAVE, MALLORY, positions={ALICE: [(BTC, CENTI_BTC)], BOB: [(BTC, -CENTI_BTC)]})
        ),
    )
    h, t = s.height, s.time
    gtb = h + 10
    reduce = dict(flags=CONDITIONAL, gtbt=t + 3_600, tif=IOC, reduce_only=True)
    s.step("DAVE bids 0.05 BTC at $28,000", place(DAVE, order(DAVE, 1, BUY, 5 * CENTI_BTC, usd(28_000), gtb=gtb)), OK)
    s.step("DAVE asks 0.05 BTC at $29,000", place(DAVE, order(DAVE, 2, SELL, 5 * CENTI_BTC, usd(29_000), gtb=gtb)), OK)
    s.step(
        "ALICE (long 0.01) places a reduce-only stop-loss sell, triggering at $25,000",
        place(ALICE, order(ALICE, 1, SELL, CENTI_BTC, usd(24_000), condition=STOP_LOSS, trigger=usd(25_000), **reduce)),
        OK,
        ["ORDER-10", "COND-1"],
    )
    s.step(
        "and a reduce-only take-profit sell, triggering at $35,000",
        place(
            ALICE, order(ALICE, 2, SELL, CENTI_BTC, usd(34_000), condition=TAKE_PROFIT, trigger=usd(35_000), **reduce)
        ),
        OK,
        ["COND-1"],
    )
    s.step(
        "and a stop-loss sell that is not reduce-only",
        place(
            ALICE,
            order(
                ALICE,
                3,
                SELL,
                CENTI_BTC,
                usd(24_000),
                flags=CONDITIONAL,
                gtbt=t + 3_600,
                condition=STOP_LOSS,
                trigger=usd(25_000),
            ),
        ),
        OK,
        ["COND-1"],
    )
    events = s.step(
        "ALICE sells 0.005 BTC IOC into DAVE's bid: her long shrinks to 0.005, still long; her conditional orders stay",
        place(ALICE, order(ALICE, 4, SELL, CENTI_BTC // 2, usd(28_000), gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-8"],
        show=subs(ALICE, DAVE),
    )
    assert removals(events) == [(ALICE, 4, "FULLY_FILLED")] and position(s, ALICE) == CENTI_BTC // 2
    assert len(s.state.clob.untriggered) == 3
    # 0.02 at $28,000: quote 560_000_000; taker fee 280_000, maker fee 56_000. ALICE goes from long 0.005 to short 0.015.
    events = s.step(
        "ALICE sells 0.02 BTC IOC (not reduce-only): her position flips from long 0.005 to short 0.015, so her two reduce-only conditional orders are removed; the other stays",
        place(ALICE, order(ALICE, 5, SELL, 2 * CENTI_BTC, usd(28_000), gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-8", "MATCH-2"],
        show=subs(ALICE, DAVE),
    )
    assert fills(events) == [(DAVE, 2 * CENTI_BTC, usd(28_000), 560_000_000, 280_000, 56_000)]
    assert removals(events) == [
        (ALICE, 1, "REDUCE_ONLY_RESIZED"),
        (ALICE, 2, "REDUCE_ONLY_RESIZED"),
        (ALICE, 5, "FULLY_FILLED"),
    ]
    assert position(s, ALICE) == -15 * CENTI_BTC // 10 and len(s.state.clob.untriggered) == 1
    # The maker side: BOB (short 0.01) waits with a reduce-only buy; his resting bid of 0.03 is filled and flips him long.
    s.step(
        "BOB (short 0.01) places a reduce-only stop-loss buy, triggering at $31,000",
        place(BOB, order(BOB, 1, BUY, CENTI_BTC, usd(32_000), condition=STOP_LOSS, trigger=usd(31_000), **reduce)),
        OK,
        ["ORDER-10", "COND-1"],
    )
    s.step(
        "BOB bids 0.03 BTC at $28,500 (good-til-time)",
        place(BOB, order(BOB, 2, BUY, 3 * CENTI_BTC, usd(28_500), gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    # 0.03 at $28,500: quote 855_000_000; CAROL's taker fee 427_500, BOB's maker fee 85_500.
    events = s.step(
        "CAROL sells 0.03 BTC IOC: BOB's bid fills as the maker and flips him from short 0.01 to long 0.02; his reduce-only order is removed",
        place(CAROL, order(CAROL, 1, SELL, 3 * CENTI_BTC, usd(28_500), gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-8", "MATCH-2"],
        show=subs(CAROL, BOB),
    )
    assert fills(events) == [(BOB, 3 * CENTI_BTC, usd(28_500), 855_000_000, 427_500, 85_500)]
    assert removals(events) == [(BOB, 2, "FULLY_FILLED"), (BOB, 1, "REDUCE_ONLY_RESIZED"), (CAROL, 1, "FULLY_FILLED")]
    assert position(s, BOB) == 2 * CENTI_BTC
    # Opening from zero: MALLORY holds no position; her reduce-only order is checked only when it triggers (ORDER-10).
    s.step(
        "MALLORY (no position) places a reduce-only stop-loss sell, triggering at $25,000",
        place(
            MALLORY, order(MALLORY, 1, SELL, CENTI_BTC, usd(24_000), condition=STOP_LOSS, trigger=usd(25_000), **reduce)
        ),
        OK,
        ["ORDER-10"],
    )
    events = s.step(
        "MALLORY buys 0.01 BTC IOC from DAVE's ask: her position opens from zero, and her reduce-only order is removed",
        place(MALLORY, order(MALLORY, 2, BUY, CENTI_BTC, usd(29_000), gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-8"],
        show=subs(MALLORY, DAVE),
    )
    assert removals(events) == [(MALLORY, 1, "REDUCE_ONLY_RESIZED"), (MALLORY, 2, "FULLY_FILLED")]
    assert sorted(oid.client_id for oid in s.state.clob.untriggered) == [3] and position(s, MALLORY) == CENTI_BTC
    # longs: BOB 0.02, MALLORY 0.01, DAVE 0.025 - 0.01 = 0.015 (bought 0.005 + 0.02, sold 0.01)
    assert open_interest(s) == 45 * CENTI_BTC // 10
    return s


def reduce_only_other_perpetual() -> Scenario:
    # ALICE long 0.01 BTC and 0.1 ETH, DAVE short as much; DAVE makes both markets.
    s = Scenario(
        "reduce-only-other-perpetual",
        "Closing a position removes the subaccount's waiting reduce-only orders on that perpetual only: ALICE's reduce-only stop-loss on ETH-USD stays when she closes her BTC position, and goes when she closes her ETH position.",
        ["MATCH-8", "ORDER-10", "COND-1"],
        ["RO-1"],
        make_genesis(
            funded(
                ALICE,
                DAVE,
                positions={
                    ALICE: [(BTC, CENTI_BTC), (ETH, 100_000_000)],
                    DAVE: [(BTC, -CENTI_BTC), (ETH, -100_000_000)],
                },
            )
        ),
    )
    h, t = s.height, s.time
    gtb = h + 10
    reduce = dict(flags=CONDITIONAL, gtbt=t + 3_600, tif=IOC, reduce_only=True)
    eth_price = 1_800_000_000  # $1,800 on ETH-USD (exponent -9, atomic resolution -9): a multiple of its tick
    s.step("DAVE bids 0.05 BTC at $28,000", place(DAVE, order(DAVE, 1, BUY, 5 * CENTI_BTC, usd(28_000), gtb=gtb)), OK)
    s.step(
        "DAVE bids 1 ETH at $1,800", place(DAVE, order(DAVE, 2, BUY, 1_000_000_000, eth_price, clob=ETH, gtb=gtb)), OK
    )
    s.step(
        "ALICE's reduce-only stop-loss sell on BTC-USD, triggering at $25,000",
        place(ALICE, order(ALICE, 1, SELL, CENTI_BTC, usd(24_000), condition=STOP_LOSS, trigger=usd(25_000), **reduce)),
        OK,
        ["ORDER-10", "COND-1"],
    )
    s.step(
        "and one on ETH-USD, triggering at $1,500",
        place(
            ALICE,
            order(
                ALICE,
                2,
                SELL,
                100_000_000,
                1_400_000_000,
                clob=ETH,
                condition=STOP_LOSS,
                trigger=1_500_000_000,
                **reduce,
            ),
        ),
        OK,
        ["ORDER-10", "COND-1"],
    )
    events = s.step(
        "ALICE sells her 0.01 BTC: her BTC reduce-only order goes, her ETH one stays",
        place(ALICE, order(ALICE, 3, SELL, CENTI_BTC, usd(28_000), gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-8"],
        show=subs(ALICE, DAVE),
    )
    assert removals(events) == [(ALICE, 1, "REDUCE_ONLY_RESIZED"), (ALICE, 3, "FULLY_FILLED")]
    assert [oid.client_id for oid in s.state.clob.untriggered] == [2]
    events = s.step(
        "ALICE sells her 0.1 ETH: her ETH reduce-only order goes",
        place(ALICE, order(ALICE, 4, SELL, 100_000_000, eth_price, clob=ETH, gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-8"],
        show=subs(ALICE, DAVE),
    )
    assert (
        removals(events) == [(ALICE, 2, "REDUCE_ONLY_RESIZED"), (ALICE, 4, "FULLY_FILLED")]
        and not s.state.clob.untriggered
    )
    return s


def quote_exponents_near_zero() -> Scenario:
    genesis = make_genesis(funded(ALICE, BOB, CAROL, DAVE, MALLORY))
    for pair in genesis["clob"]["clobPairs"]:
        pair["quantumConversionExponent"] = {BTC: -1, ETH: 0, SOL: 1}[pair["id"]]
        pair["subticksPerTick"] = 1
        pair["stepBaseQuantums"] = "1"
    s = Scenario(
        "quote-exponents-near-zero",
        "Clob pairs whose quantum conversion exponent is -1 (BTC-USD here), 0 (ETH-USD) and 1 (SOL-USD): a fill's quote is floor(subticks * quantums * 10^exponent), a whole number (MATCH-2, UNITS-6); a one-quantum fill at one subtick has a quote of 1, which is the taker's whole notional in its epoch, and on BTC-USD a quote of floor(0.1) = 0, which leaves its parties out of the epoch's users; on SOL-USD the oracle price is 0.235 subticks, and a take-profit buy triggering at 1 subtick triggers (COND-1).",
        ["MATCH-2", "UNITS-6", "UNITS-7", "MATCH-7", "FEE-2", "FEE-4", "COND-1", "COND-2"],
        ["CONS-3"],
        genesis,
    )
    gtb = s.height + 10
    s.step(
        "BOB asks 1,000 ETH quantums at 2 subticks",
        place(BOB, order(BOB, 1, SELL, 1_000, 2, clob=ETH, gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    events = s.step(
        "ALICE takes 999 of them: quote 1,998 (exponent 0); fees 500 and 100 ppm round up to 1 each",
        place(ALICE, order(ALICE, 1, BUY, 999, 2, clob=ETH, gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-2", "UNITS-6", "FEE-2"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, 999, 2, 1_998, 1, 1)]
    s.step(
        "BOB asks 10 SOL quantums at 3 subticks",
        place(BOB, order(BOB, 2, SELL, 10, 3, clob=SOL, gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    events = s.step(
        "ALICE takes 7: quote 3 * 7 * 10^1 = 210",
        place(ALICE, order(ALICE, 2, BUY, 7, 3, clob=SOL, gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-2", "UNITS-6"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, 7, 3, 210, 1, 1)]
    # BTC-USD with exponent -1: the oracle price is 28.688 subticks
    s.step(
        "BOB asks 10 BTC quantums at 30 subticks",
        place(BOB, order(BOB, 4, SELL, 10, 30, clob=BTC, gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    events = s.step(
        "ALICE takes 7: quote floor(30 * 7 / 10) = 21",
        place(ALICE, order(ALICE, 3, BUY, 7, 30, clob=BTC, gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-2", "UNITS-6"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, 7, 30, 21, 1, 1)]
    s.step(
        "ALICE's take-profit buy of one SOL quantum at 1 subtick, triggering at 1 subtick: the oracle's 0.235 subticks, rounded up, is at the trigger",
        place(
            ALICE,
            order(
                ALICE, 4, BUY, 1, 1, clob=SOL, flags=CONDITIONAL, gtbt=s.time + 3_600, condition=TAKE_PROFIT, trigger=1
            ),
        ),
        OK,
        ["COND-1"],
    )
    s.step("BOB asks one ETH quantum at 1 subtick", place(BOB, order(BOB, 3, SELL, 1, 1, clob=ETH, gtb=gtb)), OK)
    events = s.step(
        "CAROL takes it: quote 1, her only fill",
        place(CAROL, order(CAROL, 1, BUY, 1, 1, clob=ETH, gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-2"],
        show=subs(CAROL, BOB),
    )
    assert fills(events) == [(BOB, 1, 1, 1, 1, 1)]
    events = s.step(
        "the block ends: CAROL's epoch volume is a taker notional of 1 and a maker notional of 0; ALICE's take-profit order triggers and rests",
        s.next_block(),
        OK,
        ["FEE-4", "COND-1", "COND-2"],
    )
    assert types(events)[-2:] == ["ConditionalOrderTriggered", "OrderOnBook"]
    users = {u["address"]: u for e in encode_state(s.state)["stats"]["volume"]["epochs"] for u in e["users"]}
    assert users[CAROL] == {"address": CAROL, "takerNotional": "1", "makerNotional": "0"}
    # A fill whose quote rounds down to 0: floor(1 * 1 / 10) on BTC-USD (exponent -1)
    s.step(
        "DAVE asks one BTC quantum at 1 subtick",
        place(DAVE, order(DAVE, 1, SELL, 1, 1, clob=BTC, gtb=s.height + 10)),
        OK,
        ["MATCH-7"],
    )
    events = s.step(
        "MALLORY takes it: quote floor(0.1) = 0, no fees",
        place(MALLORY, order(MALLORY, 1, BUY, 1, 1, clob=BTC, gtb=s.height + 10, tif=IOC)),
        OK,
        ["MATCH-2", "UNITS-6"],
        show=subs(MALLORY, DAVE),
    )
    assert fills(events) == [(DAVE, 1, 1, 0, 0, 0)]
    s.step(
        "the block ends: a fill of no notional leaves DAVE and MALLORY out of the epoch's users (both notionals zero)",
        s.next_block(),
        OK,
        ["FEE-4"],
    )
    addresses = {u["address"] for e in encode_state(s.state)["stats"]["volume"]["epochs"] for u in e["users"]}
    assert DAVE not in addresses and MALLORY not in addresses
    # Reduce-only with a step of one quantum: ALICE is long 999 ETH quantums.
    gtb = s.height + 10
    s.step(
        "CAROL bids 600 ETH quantums at 1 subtick", place(CAROL, order(CAROL, 2, BUY, 600, 1, clob=ETH, gtb=gtb)), OK
    )
    s.step("BOB bids 1,000 at 1 subtick", place(BOB, order(BOB, 5, BUY, 1_000, 1, clob=ETH, gtb=gtb)), OK)
    events = s.step(
        "ALICE's reduce-only sell of 1,500: CAROL's 600, then 399 of BOB's close her long of 999; with no position left the next fill is cut to nothing",
        place(ALICE, order(ALICE, 5, SELL, 1_500, 1, clob=ETH, gtb=gtb, tif=IOC, reduce_only=True)),
        OK,
        ["MATCH-8", "ORDER-10"],
        show=subs(ALICE, CAROL, BOB),
    )
    assert [(f[0], f[1]) for f in fills(events)] == [(CAROL, 600), (BOB, 399)] and position(s, ALICE, ETH) == 0
    assert removals(events)[-1] == (ALICE, 5, "REDUCE_ONLY_RESIZED")
    return s
