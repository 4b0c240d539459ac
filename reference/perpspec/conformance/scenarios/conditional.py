"""
Scenarios of conditional orders (spec/clob.md, COND-1..3): oracle and trade-price triggers.
"""

from __future__ import annotations

from perpspec.conformance.builders import (
    ALICE,
    BOB,
    BTC,
    BUY,
    CAROL,
    CENTI_BTC,
    CONDITIONAL,
    DAVE,
    IOC,
    LONG_TERM,
    MALLORY,
    OK,
    SELL,
    STOP_LOSS,
    TAKE_PROFIT,
    Scenario,
    fills,
    funded,
    make_genesis,
    on_book,
    open_interest,
    order,
    place,
    position,
    prices,
    removals,
    subs,
    types,
    usd,
)


def conditional_orders() -> Scenario:
    # ALICE long 0.01 BTC, BOB short 0.01 BTC; DAVE makes the market.
    s = Scenario(
        "conditional-orders",
        "Stop-loss and take-profit orders wait for the oracle price, trigger at the end of the block in which it reaches their trigger price (inclusive), and are placed at the start of the next block, after expiry: they match, rest unless IOC, or are removed if a reduce-only one no longer reduces.",
        ["COND-1", "COND-2", "ORDER-10", "ORDER-9", "PRICE-6", "MATCH-2", "MATCH-9", "UNITS-7"],
        ["ORACLE-1", "SOLV-1"],
        make_genesis(
            funded(ALICE, BOB, CAROL, DAVE, MALLORY, positions={ALICE: [(BTC, CENTI_BTC)], BOB: [(BTC, -CENTI_BTC)]})
        ),
    )
    t = s.time
    gtbt = t + 3_600
    conditional = dict(flags=CONDITIONAL, gtbt=gtbt)
    s.step(
        "DAVE's long-term bid: 0.05 BTC at $27,000",
        place(DAVE, order(DAVE, 1, BUY, 5 * CENTI_BTC, usd(27_000), flags=LONG_TERM, gtbt=gtbt)),
        OK,
    )
    s.step(
        "DAVE's long-term ask: 0.05 BTC at $30,000",
        place(DAVE, order(DAVE, 2, SELL, 5 * CENTI_BTC, usd(30_000), flags=LONG_TERM, gtbt=gtbt)),
        OK,
    )
    # oracle: 2_868_819_524 subticks ($28,688.19524)
    events = s.step(
        "ALICE's stop-loss: sell 0.01 BTC (IOC, reduce-only, worst $27,000) when the price is at or below $28,000",
        place(
            ALICE,
            order(
                ALICE,
                1,
                SELL,
                CENTI_BTC,
                usd(27_000),
                tif=IOC,
                reduce_only=True,
                condition=STOP_LOSS,
                trigger=usd(28_000),
                **conditional,
            ),
        ),
        OK,
        ["COND-1", "ORDER-10"],
    )
    assert types(events) == ["OrderPlaced"]
    s.step(
        "BOB's take-profit: buy 0.01 BTC at $28,300 (good-til-time) when the price is at or below $28,200",
        place(
            BOB, order(BOB, 1, BUY, CENTI_BTC, usd(28_300), condition=TAKE_PROFIT, trigger=usd(28_200), **conditional)
        ),
        OK,
        ["COND-1"],
    )
    s.step(
        "CAROL's stop-loss: buy 0.01 BTC IOC up to $30,000 when the price is at or above $29,000",
        place(
            CAROL,
            order(
                CAROL, 1, BUY, CENTI_BTC, usd(30_000), tif=IOC, condition=STOP_LOSS, trigger=usd(29_000), **conditional
            ),
        ),
        OK,
        ["COND-1"],
    )
    s.step(
        "CAROL's take-profit: sell 0.01 BTC at $31,000 when the price is at or above $29,000",
        place(
            CAROL,
            order(CAROL, 2, SELL, CENTI_BTC, usd(31_000), condition=TAKE_PROFIT, trigger=usd(29_000), **conditional),
        ),
        OK,
        ["COND-1"],
    )
    s.step(
        "MALLORY (no position) places a reduce-only stop-loss sell: checked only when it triggers",
        place(
            MALLORY,
            order(
                MALLORY,
                1,
                SELL,
                CENTI_BTC,
                usd(27_000),
                tif=IOC,
                reduce_only=True,
                condition=STOP_LOSS,
                trigger=usd(28_200),
                **conditional,
            ),
        ),
        OK,
        ["ORDER-10"],
    )
    s.step(
        "and a take-profit buy good til t+2, triggering at $28,200",
        place(
            MALLORY,
            order(
                MALLORY,
                2,
                BUY,
                CENTI_BTC,
                usd(28_300),
                flags=CONDITIONAL,
                gtbt=t + 2,
                condition=TAKE_PROFIT,
                trigger=usd(28_200),
            ),
        ),
        OK,
        ["COND-2", "ORDER-9"],
    )
    events = s.step("a block at the genesis price: nothing triggers", s.next_block(), OK, ["COND-1"])
    assert "ConditionalOrderTriggered" not in types(events)
    events = s.step(
        "the oracle falls to exactly $28,200 (median of three sources)",
        prices(BTC, 2_820_000_000, s.time),
        OK,
        ["PRICE-6", "COND-1"],
    )
    assert types(events) == ["MarketPrice"]
    # End of block 2: BOB's take-profit buy and MALLORY's two orders (at or below $28,200) trigger;
    # ALICE's (at or below $28,000) and CAROL's (at or above $29,000) do not.  Block 3 at t+2 starts:
    # MALLORY's order good til t+2 has expired; the others are placed by order id.
    events = s.step(
        "the next block: three orders trigger; the one good til the new block's time expires, MALLORY's reduce-only sell is removed, BOB's buy rests",
        s.next_block(),
        OK,
        ["COND-1", "COND-2", "ORDER-10", "ORDER-9"],
        show=subs(BOB, MALLORY),
    )
    assert sorted(
        (e["orderId"]["subaccountId"]["owner"], e["orderId"]["clientId"])
        for e in events
        if e["type"] == "ConditionalOrderTriggered"
    ) == sorted([(BOB, 1), (MALLORY, 1)])
    assert sorted(removals(events)) == sorted(
        [(MALLORY, 1, "REDUCE_ONLY_WOULD_INCREASE_POSITION"), (MALLORY, 2, "EXPIRED")]
    )
    assert on_book(events) == [(BOB, 1, CENTI_BTC)]
    s.step("the oracle falls to exactly $28,000", prices(BTC, 2_800_000_000, s.time), OK, ["COND-1"])
    # ALICE's stop-loss triggers and is placed: IOC sell of 0.01 with worst price $27,000; the best bid is
    # BOB's triggered take-profit at $28,300: both positions close at $28,300 (quote 283_000_000).
    events = s.step(
        "the next block: ALICE's stop-loss triggers and sells into BOB's bid at $28,300; both positions close",
        s.next_block(),
        OK,
        ["COND-1", "COND-2", "MATCH-2", "MATCH-9"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, CENTI_BTC, usd(28_300), 283_000_000, 141_500, 28_300)]
    assert position(s, ALICE) == 0 and position(s, BOB) == 0 and open_interest(s) == 0
    s.step("the oracle rises to exactly $29,000", prices(BTC, 2_900_000_000, s.time), OK, ["COND-1"])
    # CAROL's two orders trigger (at or above $29,000) and are placed by order id: the IOC buy fills
    # 0.01 of DAVE's ask at $30,000; the take-profit sell at $31,000 rests.
    events = s.step(
        "the next block: CAROL's stop-loss buy fills DAVE's ask; her take-profit sell rests",
        s.next_block(),
        OK,
        ["COND-1", "COND-2"],
        show=subs(CAROL, DAVE),
    )
    assert fills(events) == [(DAVE, CENTI_BTC, usd(30_000), 300_000_000, 150_000, 30_000)]
    assert on_book(events) == [(CAROL, 2, CENTI_BTC)]
    assert open_interest(s) == CENTI_BTC and not s.state.clob.untriggered
    return s


def trade_price_triggers() -> Scenario:
    # BTC's oracle is $28,688.19524 and its minimum price change 1,000 ppm: trade prices count for
    # triggers clamped to the oracle price +/- 0.5%, about [$28,544.75, $28,831.64].
    s = Scenario(
        "trade-price-triggers",
        "The block's lowest and highest trade prices, clamped to the oracle price plus or minus five minimum price changes, trigger conditional orders as the oracle price does; the trade prices are in the state until the end of the block.",
        ["COND-3", "COND-1", "COND-2", "CLOB-3"],
        [],
        make_genesis(funded(ALICE, BOB, CAROL, DAVE, MALLORY)),
    )
    t = s.time
    conditional = dict(flags=CONDITIONAL, gtbt=t + 3_600)
    s.step(
        "CAROL's take-profit buy at $28,600 waits for a price at or below $28,600",
        place(
            CAROL,
            order(CAROL, 1, BUY, CENTI_BTC, usd(28_600), condition=TAKE_PROFIT, trigger=usd(28_600), **conditional),
        ),
        OK,
        ["COND-1"],
    )
    s.step(
        "DAVE's take-profit buy at $28,400 waits for $28,400: beyond the clamp",
        place(
            DAVE, order(DAVE, 1, BUY, CENTI_BTC, usd(28_400), condition=TAKE_PROFIT, trigger=usd(28_400), **conditional)
        ),
        OK,
        ["COND-1"],
    )
    s.step(
        "MALLORY's stop-loss buy at $28,700 waits for a price at or above $28,800",
        place(
            MALLORY,
            order(MALLORY, 1, BUY, CENTI_BTC, usd(28_700), condition=STOP_LOSS, trigger=usd(28_800), **conditional),
        ),
        OK,
        ["COND-1"],
    )
    s.step(
        "ALICE bids 0.01 BTC at $28,000",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(28_000), gtb=s.height + 5)),
        OK,
    )
    events = s.step(
        "BOB sells into it: a trade at $28,000, the block's lowest price",
        place(BOB, order(BOB, 1, SELL, CENTI_BTC, usd(28_000), gtb=s.height + 5, tif=IOC)),
        OK,
        ["COND-3", "CLOB-3"],
    )
    assert len(fills(events)) == 1 and s.state.clob.trade_prices == {BTC: (usd(28_000), usd(28_000))}
    s.step(
        "ALICE asks 0.01 BTC at $28,900",
        place(ALICE, order(ALICE, 2, SELL, CENTI_BTC, usd(28_900), gtb=s.height + 5)),
        OK,
    )
    events = s.step(
        "BOB buys it: a trade at $28,900, the block's highest price",
        place(BOB, order(BOB, 2, BUY, CENTI_BTC, usd(28_900), gtb=s.height + 5, tif=IOC)),
        OK,
        ["COND-3", "CLOB-3"],
    )
    assert len(fills(events)) == 1 and s.state.clob.trade_prices == {BTC: (usd(28_000), usd(28_900))}
    # Clamped: $28,000 -> $28,544.75... (at or below CAROL's $28,600, above DAVE's $28,400);
    # $28,900 -> $28,831.64... (at or above MALLORY's $28,800).  The oracle triggers none of them.
    events = s.step(
        "the next block: CAROL's and MALLORY's orders trigger on the clamped trade prices and rest; DAVE's waits",
        s.next_block(),
        OK,
        ["COND-3", "COND-2"],
    )
    triggered = [
        (e["orderId"]["subaccountId"]["owner"], e["orderId"]["clientId"])
        for e in events
        if e["type"] == "ConditionalOrderTriggered"
    ]
    assert sorted(triggered) == sorted([(CAROL, 1), (MALLORY, 1)])
    assert sorted(on_book(events)) == sorted([(CAROL, 1, CENTI_BTC), (MALLORY, 1, CENTI_BTC)])
    assert s.state.clob.trade_prices == {} and len(s.state.clob.untriggered) == 1
    events = s.step("a block without trades: DAVE's order still waits", s.next_block(), OK, ["COND-3"])
    assert "ConditionalOrderTriggered" not in types(events)
    return s
