"""
Per-rule tests of one fill (spec/clob.md, MATCH-2, MATCH-9, FEE-2, FEE-3): at the maker's
price, its quote and fees rounded, balances, open interest and events.

Through ``apply_json`` on the default genesis (GEN-1), accounts funded by deposits; the
builders' variants, readers and the worked BTC-USD numbers are in helpers/clob.py.  In
short, on BTC-USD (clob pair 0): quote = floor(subticks * q / 1e9); taker fee
ceil(quote * 500 / 1e6), maker fee ceil(quote * 100 / 1e6) with the standard tier 1.
"""

from __future__ import annotations

from helpers.clob import (
    ASK,
    BID,
    BTC_PAIR,
    MAKER_PPM,
    ORACLE,
    START,
    TAKER_PPM,
    TICK,
    deposit_to,
    fee_of,
    funded,
    genesis_variant,
    of_type,
    oid,
    ok,
    place,
    quote_of,
    reduce_only_state,
    remaining,
)
from helpers.ledger import position, usdc
from perpspec.conformance.builders import ALICE, BOB, BUY, CAROL, DAVE, IOC, SELL, STEP, removals


def test_one_fill_exact_numbers_and_events():
    """MATCH-2, FEE-2, FEE-3, MATCH-9, CONS-3: a fill at the maker's price, its quote, fees, balances, OI and events."""
    state = funded(ALICE, BOB)
    events = ok(state, place(ALICE, 1, BUY, 10 * STEP, BID, gtb=5))
    assert events[1] == {"type": "OrderOnBook", "orderId": oid(ALICE, 1), "remainingQuantums": str(10 * STEP)}
    # Bob sells 3 steps with a limit 5 ticks worse: the fill is at Alice's price
    events = ok(state, place(BOB, 1, SELL, 3 * STEP, BID - 5 * TICK, tif=IOC, gtb=5))
    quote = 8_606_400
    assert quote == quote_of(BID, 3 * STEP) == BID * 3 * STEP // 10**9
    taker_fee, maker_fee = 4_304, 861
    assert (taker_fee, maker_fee) == (fee_of(quote, TAKER_PPM), fee_of(quote, MAKER_PPM))
    assert [e["type"] for e in events] == [
        "OrderPlaced",
        "OrderFill",
        "SubaccountUpdate",
        "SubaccountUpdate",
        "OrderRemoved",
    ]
    assert events[1] == {
        "type": "OrderFill",
        "clobPairId": BTC_PAIR,
        "takerOrderId": oid(BOB, 1),
        "makerOrderId": oid(ALICE, 1),
        "takerIsBuy": False,
        "subticks": str(BID),
        "fillQuantums": str(3 * STEP),
        "quoteQuantums": str(quote),
        "takerFee": str(taker_fee),
        "makerFee": str(maker_fee),
        "takerTotalFilled": str(3 * STEP),
        "makerTotalFilled": str(3 * STEP),
    }
    taker_update, maker_update = events[2], events[3]
    assert taker_update["subaccountId"] == {"owner": BOB, "number": 0}
    assert taker_update["usdcBalance"] == str(START + quote - taker_fee) == "10008602096"
    assert taker_update["perpetualPositions"] == [{"perpetualId": 0, "quantums": str(-3 * STEP), "fundingIndex": "0"}]
    assert maker_update["subaccountId"] == {"owner": ALICE, "number": 0}
    assert maker_update["usdcBalance"] == str(START - quote - maker_fee) == "9991392739"
    assert removals(events) == [(BOB, 1, "FULLY_FILLED")]
    # Balances: zero-sum with the fee collector (FEE-3)
    taker_delta, maker_delta = usdc(state, BOB) - START, usdc(state, ALICE) - START
    assert taker_delta + maker_delta + taker_fee + maker_fee == 0
    assert state.bank.fee_collector == taker_fee + maker_fee == 5_165
    # Base quantums: the buyer gains what the seller loses; open interest is the longs (MATCH-9)
    assert position(state, ALICE) == 3 * STEP and position(state, BOB) == -3 * STEP
    assert state.perpetuals.perpetuals[0].open_interest == 3 * STEP
    assert remaining(state, ALICE, 1) == 7 * STEP


def test_fill_quote_rounds_down_and_fees_round_up():
    """MATCH-2, FEE-2: quote = floor(subticks * q * 10^qce); fees = ceil(quote * ppm / 1e6); on a pair with step 1 and tick 1."""
    state = funded(ALICE, BOB, genesis=genesis_variant(stepBaseQuantums="1", subticksPerTick=1))
    price = ORACLE - 1
    ok(state, place(ALICE, 1, BUY, 7, price))
    events = ok(state, place(BOB, 1, SELL, 7, price, tif=IOC))
    fill = of_type(events, "OrderFill")[0]
    # 2_868_819_523 * 7 / 1e9 = 20.081736661 -> 20; fees ceil(0.01) = 1 and ceil(0.002) = 1
    assert (fill["quoteQuantums"], fill["takerFee"], fill["makerFee"]) == ("20", "1", "1")
    assert usdc(state, BOB) == START + 20 - 1 and usdc(state, ALICE) == START - 20 - 1
    assert state.bank.fee_collector == 2


def test_open_interest_follows_fills():
    """MATCH-9: open interest moves by the change in the sum of longs, fill by fill."""
    state = reduce_only_state()  # Alice +3, Bob -3
    oi = lambda: state.perpetuals.perpetuals[0].open_interest  # noqa: E731
    assert oi() == 3 * STEP
    ok(state, place(CAROL, 1, BUY, STEP, BID))
    ok(state, place(ALICE, 1, SELL, STEP, BID, tif=IOC))  # a long moves from Alice to Carol
    assert oi() == 3 * STEP
    ok(state, place(BOB, 1, BUY, 2 * STEP, BID))
    ok(state, place(ALICE, 2, SELL, 2 * STEP, BID, tif=IOC))  # Alice 0, Bob -1: Carol's long is all
    assert oi() == STEP
    ok(state, deposit_to(DAVE, 0))
    ok(state, place(DAVE, 1, SELL, STEP, ASK))
    ok(state, place(BOB, 2, BUY, STEP, ASK, tif=IOC))  # Bob 0, Dave -1
    assert oi() == STEP
    ok(state, place(DAVE, 2, BUY, STEP, BID))
    ok(state, place(CAROL, 2, SELL, STEP, BID, tif=IOC))  # everyone flat
    assert oi() == 0 and all(not s.positions for s in state.subaccounts.subaccounts.values())
