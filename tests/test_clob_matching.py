"""
Per-rule tests of matching, fees, conditional orders, the book's shape and cost, and the
clob state's codec (spec/clob.md MATCH-*, FEE-*, COND-*, BOOK-*, CLOB-3; spec/invariants.md
INV-9, INV-10), through ``apply_json`` on the default genesis with deposits.

Builders, constants and the worked numbers are in test_clob.py.  In short, on BTC-USD
(clob pair 0): quote = floor(subticks * q / 1e9); taker fee ceil(quote * 500 / 1e6), maker
fee ceil(quote * 100 / 1e6) with the standard tier 1.
"""

from __future__ import annotations

import copy

import pytest
from ledger_helpers import GENESIS_TIME, deposit, make_genesis, subaccount_entry, withdraw
from test_clob import (
    ALICE,
    ASK,
    BID,
    BOB,
    BTC_PAIR,
    BUY,
    CAROL,
    CONDITIONAL,
    DAVE,
    ETH_PAIR,
    IOC,
    LONG,
    MAKER_PPM,
    MALLORY,
    ORACLE,
    POST_ONLY,
    SELL,
    SHORT,
    STEP,
    STOP_LOSS,
    TAKE_PROFIT,
    TAKER_PPM,
    TICK,
    USD,
    _reduce_only_state,
    book,
    cancel,
    fee_of,
    fills,
    funded,
    genesis_variant,
    next_block,
    of_type,
    oid,
    ok,
    order,
    place,
    position,
    quote_of,
    remaining,
    removals,
    set_price,
    usdc,
)

from perpspec import errors, transition
from perpspec import subaccounts as subaccounts_module
from perpspec.clob import book as book_module
from perpspec.clob.book import BookOrder
from perpspec.clob.state import Order
from perpspec.codec import encode_state, state_hash
from perpspec.default_genesis import default_genesis_json
from perpspec.genesis import load_genesis
from perpspec.invariants import check_clob_invariants, check_state_invariants, is_book_uncrossed
from perpspec.simulation import account
from perpspec.state import PerpetualPosition, Subaccount
from perpspec.transition import apply_json, full_state_bytes
from perpspec.types import OrderId, SubaccountId

START = 10_000 * USD


def deposit_to(owner: str, number: int, quantums: int = START) -> dict:
    return deposit(owner, {"owner": owner, "number": number}, quantums)


# ============================================================================================
# MATCH-2, FEE-2, FEE-3, MATCH-9: one fill, every number
# ============================================================================================


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


# ============================================================================================
# BOOK-1, MATCH-1: price-time priority
# ============================================================================================


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


# ============================================================================================
# MATCH-3 .. MATCH-8
# ============================================================================================


def test_self_trade_removes_the_maker():
    """MATCH-3: the taker's own resting order is removed with no fill, and matching goes on."""
    state = funded(ALICE, BOB)
    ok(state, place(ALICE, 1, BUY, STEP, BID))
    ok(state, place(BOB, 1, BUY, STEP, BID - TICK))
    events = ok(state, place(ALICE, 2, SELL, STEP, BID - TICK, tif=IOC))
    assert [e["type"] for e in events] == [
        "OrderPlaced",
        "OrderRemoved",
        "OrderFill",
        "SubaccountUpdate",
        "SubaccountUpdate",
        "OrderRemoved",
        "OrderRemoved",
    ]
    assert removals(events) == [(ALICE, 1, "SELF_TRADE"), (BOB, 1, "FULLY_FILLED"), (ALICE, 2, "FULLY_FILLED")]
    assert fills(events) == [(ALICE, BOB, STEP, BID - TICK)]
    # Another subaccount of the same owner is another party
    ok(state, deposit_to(ALICE, 1))
    ok(state, place(ALICE, 3, BUY, STEP, BID))
    events = ok(state, place(ALICE, 4, SELL, STEP, BID, tif=IOC, number=1))
    assert fills(events) == [(ALICE, ALICE, STEP, BID)]


def _poor_maker(state, owner: str, client_id: int, side: str, subticks: int) -> None:
    """A resting order whose owner then withdraws almost everything, so its fills fail the collateral check."""
    ok(state, deposit_to(owner, 0, 100 * USD))
    ok(state, place(owner, client_id, side, 10 * STEP, subticks))
    ok(state, withdraw(owner, {"owner": owner, "number": 0}, 100 * USD - 100_000))
    assert usdc(state, owner) == 100_000


def test_undercollateralized_maker_is_removed_and_matching_goes_on():
    """MATCH-4, SOLV-2: a maker failing its check is removed (UNDERCOLLATERALIZED) with no balance change."""
    state = funded(BOB, CAROL)
    _poor_maker(state, MALLORY, 1, BUY, BID)
    ok(state, place(CAROL, 1, BUY, 10 * STEP, BID - TICK))
    events = ok(state, place(BOB, 1, SELL, 10 * STEP, BID - TICK, tif=IOC))
    assert removals(events) == [
        (MALLORY, 1, "UNDERCOLLATERALIZED"),
        (CAROL, 1, "FULLY_FILLED"),
        (BOB, 1, "FULLY_FILLED"),
    ]
    assert fills(events) == [(BOB, CAROL, 10 * STEP, BID - TICK)]
    assert usdc(state, MALLORY) == 100_000 and position(state, MALLORY) == 0


def test_undercollateralized_taker_stops_matching():
    """MATCH-4: a taker failing its check stops; its remainder is removed; no balance changes."""
    state = funded(BOB, DAVE)
    ok(state, place(DAVE, 1, SELL, 10 * STEP, ASK))
    ok(state, deposit_to(MALLORY, 0, 100_000))
    before = full_state_bytes(state)
    fee_collector = state.bank.fee_collector
    events = ok(state, place(MALLORY, 1, BUY, 10 * STEP, ASK, tif=IOC))
    assert [e["type"] for e in events] == ["OrderPlaced", "OrderRemoved"]
    assert removals(events) == [(MALLORY, 1, "UNDERCOLLATERALIZED")]
    assert usdc(state, MALLORY) == 100_000 and usdc(state, DAVE) == START
    assert state.bank.fee_collector == fee_collector and remaining(state, DAVE, 1) == 10 * STEP
    assert full_state_bytes(state) == before  # a short-term IOC leaves nothing behind
    # A good-til-time taker failing the check is removed too, not rested
    events = ok(state, place(MALLORY, 2, BUY, 10 * STEP, ASK))
    assert removals(events) == [(MALLORY, 2, "UNDERCOLLATERALIZED")] and remaining(state, MALLORY, 2) is None


def test_post_only_never_fills():
    """MATCH-5: a crossing post-only order is removed at the first fill that would pass; makers removed on the way stay removed."""
    state = funded(BOB, CAROL)
    ok(state, place(CAROL, 9, SELL, STEP, ASK))  # Carol's own ask: a self-trade for her
    _poor_maker(state, MALLORY, 1, SELL, ASK)
    ok(state, place(BOB, 1, SELL, 2 * STEP, ASK + TICK))
    balances = (usdc(state, BOB), usdc(state, CAROL), usdc(state, MALLORY), state.bank.fee_collector)
    events = ok(state, place(CAROL, 1, BUY, 10 * STEP, ASK + TICK, tif=POST_ONLY))
    assert removals(events) == [
        (CAROL, 9, "SELF_TRADE"),
        (MALLORY, 1, "UNDERCOLLATERALIZED"),
        (CAROL, 1, "POST_ONLY_WOULD_CROSS_MAKER_ORDER"),
    ]
    assert fills(events) == []
    assert (usdc(state, BOB), usdc(state, CAROL), usdc(state, MALLORY), state.bank.fee_collector) == balances
    assert book(state)["asks"] == [(BOB, 1, ASK + TICK)]
    # A post-only order that does not cross rests
    events = ok(state, place(CAROL, 2, BUY, STEP, ASK))
    assert of_type(events, "OrderOnBook")


def test_ioc_remainder_never_rests():
    """MATCH-6: an IOC order's remainder is removed with IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK."""
    state = funded(ALICE, BOB)
    ok(state, place(BOB, 1, SELL, 2 * STEP, ASK))
    events = ok(state, place(ALICE, 1, BUY, 5 * STEP, ASK + TICK, tif=IOC))
    assert fills(events) == [(ALICE, BOB, 2 * STEP, ASK)]
    assert removals(events)[-1] == (ALICE, 1, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK")
    assert state.clob.resting == {}
    assert state.clob.fill_amounts  # the short-term IOC id keeps its fill amount (ORDER-11)
    events = ok(state, place(ALICE, 2, BUY, 5 * STEP, BID, tif=IOC))
    assert removals(events) == [(ALICE, 2, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK")] and not fills(events)


def _rest_threshold(state, subticks: int, quantums: int) -> tuple[int, int]:
    """The least USDC with which a buy of ``quantums`` at ``subticks`` passes the add-to-book check, and its maker fee."""
    quote = quote_of(subticks, quantums)
    fee = fee_of(quote, MAKER_PPM)
    probe = Subaccount(SubaccountId(ALICE, 9), usdc_balance=-quote - fee)
    probe.positions[0] = PerpetualPosition(0, quantums, 0)
    risk = subaccounts_module.get_subaccount_risk(state, probe)
    return risk.imr - risk.nc, fee


def test_add_to_book_check_counts_the_whole_remainder_and_the_maker_fee():
    """MATCH-7: a remainder rests only if the subaccount bears it filled at its price with the maker fee."""
    state = funded()
    price, size = BID - 10 * TICK, 100 * STEP
    needed, fee = _rest_threshold(state, price, size)
    assert fee == 28_678 and needed > fee  # quote 286_780_000, fee ceil(28_678.0)
    ok(state, deposit_to(CAROL, 0, needed))
    ok(state, deposit_to(DAVE, 0, needed - 1))
    assert of_type(ok(state, place(CAROL, 1, BUY, size, price)), "OrderOnBook")
    # One quantum short: a check without the maker fee would have let it rest
    assert removals(ok(state, place(DAVE, 1, BUY, size, price))) == [(DAVE, 1, "UNDERCOLLATERALIZED")]
    assert removals(ok(state, place(DAVE, 2, BUY, size, price, tif=POST_ONLY))) == [(DAVE, 2, "UNDERCOLLATERALIZED")]
    assert of_type(ok(state, place(DAVE, 3, BUY, size - STEP, price)), "OrderOnBook")


def test_fills_before_a_failed_add_to_book_check_stay():
    """MATCH-7: fills made before the remainder fails the add-to-book check stay."""
    state = funded(BOB)
    ok(state, deposit_to(DAVE, 0, 10 * USD))
    ok(state, place(BOB, 1, SELL, STEP, ASK))
    events = ok(state, place(DAVE, 1, BUY, 1_000 * STEP, ASK))
    assert fills(events) == [(DAVE, BOB, STEP, ASK)]
    assert removals(events) == [(BOB, 1, "FULLY_FILLED"), (DAVE, 1, "UNDERCOLLATERALIZED")]
    assert position(state, DAVE) == STEP and state.clob.resting == {}


def test_reduce_only_is_resized_to_whole_steps_of_the_position():
    """MATCH-8, RO-1: a reduce-only fill is cut to the position, rounded down to a step; then REDUCE_ONLY_RESIZED."""
    genesis = make_genesis(
        [
            subaccount_entry(ALICE, usdc=START, positions=[(0, 2_500_000)]),
            subaccount_entry(BOB, usdc=START, positions=[(0, -2_500_000)]),
            subaccount_entry(CAROL, usdc=START),
        ]
    )
    state = funded(genesis=genesis)
    ok(state, place(CAROL, 1, BUY, 10 * STEP, BID))
    ok(state, place(CAROL, 2, SELL, 10 * STEP, ASK))
    events = ok(state, place(ALICE, 1, SELL, 10 * STEP, BID, tif=IOC, reduce_only=True))
    assert fills(events) == [(ALICE, CAROL, 2 * STEP, BID)]
    assert removals(events) == [(ALICE, 1, "REDUCE_ONLY_RESIZED")]
    assert position(state, ALICE) == 500_000
    events = ok(state, place(BOB, 1, BUY, 10 * STEP, ASK, tif=IOC, reduce_only=True))
    assert fills(events) == [(BOB, CAROL, 2 * STEP, ASK)]
    assert removals(events) == [(BOB, 1, "REDUCE_ONLY_RESIZED")]
    assert position(state, BOB) == -500_000
    # Less than a step left: the next reduce-only order is resized to 0 and removed without a fill
    events = ok(state, place(ALICE, 2, SELL, STEP, BID, tif=IOC, reduce_only=True))
    assert fills(events) == [] and removals(events) == [(ALICE, 2, "REDUCE_ONLY_RESIZED")]


def test_reduce_only_closes_but_never_flips():
    """MATCH-8, RO-1: a reduce-only order larger than the position closes it over several makers and stops."""
    state = _reduce_only_state()
    ok(state, place(CAROL, 1, BUY, 2 * STEP, BID))
    ok(state, place(funded_dave(state), 1, BUY, 5 * STEP, BID - TICK))
    events = ok(state, place(ALICE, 1, SELL, 10 * STEP, BID - TICK, tif=IOC, reduce_only=True))
    assert fills(events) == [(ALICE, CAROL, 2 * STEP, BID), (ALICE, DAVE, STEP, BID - TICK)]
    assert removals(events)[-1] == (ALICE, 1, "REDUCE_ONLY_RESIZED")
    assert position(state, ALICE) == 0 and remaining(state, DAVE, 1) == 4 * STEP


def funded_dave(state) -> str:
    ok(state, deposit_to(DAVE, 0))
    return DAVE


def test_closing_a_position_removes_waiting_reduce_only_orders():
    """MATCH-8: when a fill closes a position, the subaccount's untriggered reduce-only orders on it are removed."""
    state = _reduce_only_state()  # Alice long 3 steps, Bob short 3 steps
    far_below, far_above = BID - 1_000 * TICK, ASK + 1_000 * TICK
    ok(
        state,
        place(
            ALICE,
            7,
            SELL,
            3 * STEP,
            far_below,
            flags=CONDITIONAL,
            tif=IOC,
            reduce_only=True,
            condition=STOP_LOSS,
            trigger=far_below,
        ),
    )
    ok(
        state,
        place(ALICE, 8, SELL, 3 * STEP, far_below, flags=CONDITIONAL, tif=IOC, condition=STOP_LOSS, trigger=far_below),
    )
    ok(
        state,
        place(
            BOB,
            7,
            BUY,
            3 * STEP,
            far_above,
            flags=CONDITIONAL,
            tif=IOC,
            reduce_only=True,
            condition=STOP_LOSS,
            trigger=far_above,
        ),
    )
    ok(
        state,
        place(
            ALICE,
            9,
            SELL,
            STEP,
            far_below,
            flags=CONDITIONAL,
            tif=IOC,
            reduce_only=True,
            condition=STOP_LOSS,
            trigger=far_below,
            pair=ETH_PAIR,
        ),
    )
    # A partial reduction removes nothing
    ok(state, place(BOB, 1, BUY, STEP, BID))
    events = ok(state, place(ALICE, 1, SELL, STEP, BID, tif=IOC))
    assert removals(events) == [(BOB, 1, "FULLY_FILLED"), (ALICE, 1, "FULLY_FILLED")]
    # Closing both positions (Bob as maker, Alice as taker) removes both reduce-only conditionals on BTC
    ok(state, place(BOB, 2, BUY, 2 * STEP, BID))
    events = ok(state, place(ALICE, 2, SELL, 2 * STEP, BID, tif=IOC))
    assert position(state, ALICE) == 0 and position(state, BOB) == 0
    assert sorted(r for r in removals(events) if r[2] == "REDUCE_ONLY_RESIZED") == sorted(
        [(ALICE, 7, "REDUCE_ONLY_RESIZED"), (BOB, 7, "REDUCE_ONLY_RESIZED")]
    )
    assert sorted(i.client_id for i in state.clob.untriggered) == [8, 9]


def test_opening_or_flipping_a_position_removes_waiting_reduce_only_orders():
    """MATCH-8: a fill that opens a position from zero or flips its side removes the untriggered reduce-only orders on it."""
    state = _reduce_only_state()  # Alice long 3 steps, Bob short 3 steps, Carol flat
    far_below = BID - 1_000 * TICK
    waiting = dict(flags=CONDITIONAL, tif=IOC, reduce_only=True, condition=STOP_LOSS, trigger=far_below)
    ok(state, place(CAROL, 7, SELL, STEP, far_below, **waiting))  # accepted: checked only when it triggers (ORDER-10)
    ok(state, place(ALICE, 7, SELL, STEP, far_below, **waiting))
    ok(state, place(ALICE, 8, SELL, STEP, far_below, **{**waiting, "reduce_only": False}))
    # Carol opens a long from zero: her reduce-only order goes
    ok(state, place(BOB, 1, SELL, STEP, ASK))
    events = ok(state, place(CAROL, 1, BUY, STEP, ASK, tif=IOC))
    assert (CAROL, 7, "REDUCE_ONLY_RESIZED") in removals(events)
    # Alice flips from long 3 to short 2 with an ordinary order: hers goes, the plain conditional stays
    ok(state, place(BOB, 2, BUY, 5 * STEP, BID))
    events = ok(state, place(ALICE, 1, SELL, 5 * STEP, BID, tif=IOC))
    assert position(state, ALICE) == -2 * STEP
    assert (ALICE, 7, "REDUCE_ONLY_RESIZED") in removals(events)
    assert sorted(i.client_id for i in state.clob.untriggered) == [8]


def test_open_interest_follows_fills():
    """MATCH-9: open interest moves by the change in the sum of longs, fill by fill."""
    state = _reduce_only_state()  # Alice +3, Bob -3
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


# ============================================================================================
# FEE-1 .. FEE-5
# ============================================================================================


def tier(name, absolute, total_share, maker_share, maker_ppm, taker_ppm) -> dict:
    return {
        "name": name,
        "absoluteVolumeRequirement": str(absolute),
        "totalVolumeShareRequirementPpm": total_share,
        "makerVolumeShareRequirementPpm": maker_share,
        "makerFeePpm": maker_ppm,
        "takerFeePpm": taker_ppm,
    }


def volume_json(epoch: int, notional: int, users: dict[str, tuple[int, int]]) -> dict:
    return {
        "epochs": [
            {
                "epoch": epoch,
                "notional": str(notional),
                "users": [
                    {"address": a, "takerNotional": str(t), "makerNotional": str(m)}
                    for a, (t, m) in sorted(users.items())
                ],
            }
        ],
        "pending": [],
    }


def test_fee_tier_requirements_with_floored_shares():
    """FEE-1: tiers are climbed while all three requirements hold; share thresholds are floored."""
    genesis = default_genesis_json()
    genesis["feeTiers"]["params"]["tiers"] = [
        tier("1", 0, 0, 0, 100, 500),
        tier("2", 1_000, 100_000, 0, 50, 400),
        tier("3", 1_000, 100_000, 300_000, 0, 300),
    ]
    # Global notional 10_009: 10% of it is 1_000.9, floored to 1_000; 30% is 3_002.7 -> 3_002
    genesis["stats"]["volume"] = volume_json(
        GENESIS_TIME // 3_600,
        10_009,
        {ALICE: (600, 400), BOB: (999, 0), CAROL: (0, 5_000), DAVE: (1_000, 3_001)},
    )
    state = funded(ALICE, BOB, CAROL, DAVE, genesis=genesis)
    quote = quote_of(BID, STEP)
    # Alice (tier 2, exactly at the floored share) takes from Carol (tier 3)
    ok(state, place(CAROL, 1, BUY, STEP, BID))
    fill = of_type(ok(state, place(ALICE, 1, SELL, STEP, BID, tif=IOC)), "OrderFill")[0]
    assert (fill["takerFee"], fill["makerFee"]) == (str(fee_of(quote, 400)), "0")
    # Bob (tier 1: 999 below the absolute requirement) takes from Dave (tier 2: maker share 3_001 < 3_002)
    ok(state, place(DAVE, 1, BUY, STEP, BID))
    fill = of_type(ok(state, place(BOB, 1, SELL, STEP, BID, tif=IOC)), "OrderFill")[0]
    assert (fill["takerFee"], fill["makerFee"]) == (str(fee_of(quote, 500)), str(fee_of(quote, 50)))


def test_negative_maker_fee_is_a_rebate_rounded_toward_zero():
    """FEE-2, FEE-3, INV-10: a negative maker ppm pays a rebate, rounded toward zero; the collector stays non-negative."""
    genesis = default_genesis_json()
    genesis["feeTiers"]["params"]["tiers"] = [tier("1", 0, 0, 0, -100, 500)]
    state = funded(ALICE, BOB, genesis=genesis)
    ok(state, place(ALICE, 1, BUY, 10 * STEP, BID))
    fill = of_type(ok(state, place(BOB, 1, SELL, 3 * STEP, BID, tif=IOC)), "OrderFill")[0]
    quote = 8_606_400
    assert (fill["takerFee"], fill["makerFee"]) == ("4304", "-860")  # ceil(-860.64) = -860
    assert usdc(state, ALICE) == START - quote + 860
    assert state.bank.fee_collector == 4_304 - 860 >= 0
    assert check_clob_invariants(state) == []
    # On a quote of 20 the rebate rounds to 0
    state = funded(
        ALICE, BOB, genesis=genesis_variant(stepBaseQuantums="1", subticksPerTick=1) | {"feeTiers": genesis["feeTiers"]}
    )
    ok(state, place(ALICE, 1, BUY, 7, ORACLE - 1))
    fill = of_type(ok(state, place(BOB, 1, SELL, 7, ORACLE - 1, tif=IOC)), "OrderFill")[0]
    assert (fill["quoteQuantums"], fill["takerFee"], fill["makerFee"]) == ("20", "1", "0")


def test_fee_collector_receives_every_fee():
    """FEE-3, CONS-3: over several fills, the fee collector's balance is the sum of all fees; USDC and base are zero-sum."""
    state = funded(ALICE, BOB, CAROL)
    for i, price in enumerate((BID, BID - TICK, BID - 2 * TICK)):
        ok(state, place(ALICE if i % 2 else CAROL, 10 + i, BUY, (i + 1) * STEP, price))
    events = ok(state, place(BOB, 1, SELL, 6 * STEP, BID - 2 * TICK, tif=IOC))
    fill_events = of_type(events, "OrderFill")
    assert len(fill_events) == 3
    total_fees = sum(int(f["takerFee"]) + int(f["makerFee"]) for f in fill_events)
    assert state.bank.fee_collector == total_fees
    assert sum(usdc(state, o) - START for o in (ALICE, BOB, CAROL)) + total_fees == 0
    assert sum(position(state, o) for o in (ALICE, BOB, CAROL)) == 0


def test_volume_counts_from_the_end_of_the_block_and_for_thirty_days():
    """FEE-4, FEE-1: fills count from the end of their block in its epoch, and stop counting after 720 epochs."""
    genesis = default_genesis_json()
    genesis["feeTiers"]["params"]["tiers"] = [tier("1", 0, 0, 0, 100, 500), tier("2", 8_000_000, 0, 0, 100, 400)]
    state = funded(ALICE, BOB, genesis=genesis)
    ok(state, place(BOB, 1, SELL, 30 * STEP, ASK))
    quote = quote_of(ASK, 3 * STEP)
    fill = of_type(ok(state, place(ALICE, 1, BUY, 3 * STEP, ASK, tif=IOC)), "OrderFill")[0]
    assert fill["takerFee"] == str(fee_of(quote, 500))
    # Not yet counted: the same block still charges tier 1
    assert state.stats.volume.users == {} and state.stats.volume.pending_notional == quote
    fill = of_type(ok(state, place(ALICE, 2, BUY, 3 * STEP, ASK, tif=IOC)), "OrderFill")[0]
    assert fill["takerFee"] == str(fee_of(quote, 500))
    epoch = state.blocks.time // 3_600
    ok(state, next_block(state))
    assert state.stats.volume.global_notional == 2 * quote
    assert (state.stats.volume.users[ALICE].taker_notional, state.stats.volume.users[ALICE].maker_notional) == (
        2 * quote,
        0,
    )
    assert (state.stats.volume.users[BOB].taker_notional, state.stats.volume.users[BOB].maker_notional) == (
        0,
        2 * quote,
    )
    assert encode_state(state)["stats"]["volume"]["epochs"][0]["epoch"] == epoch
    # Counted now: Alice's 17.2M of taker notional reaches tier 2
    fill = of_type(ok(state, place(ALICE, 3, BUY, 3 * STEP, ASK, tif=IOC)), "OrderFill")[0]
    assert fill["takerFee"] == str(fee_of(quote, 400))
    ok(state, next_block(state))
    # 720 epochs later the fills of that epoch no longer count
    ok(state, next_block(state, (epoch + 719) * 3_600 - state.blocks.time))
    assert state.stats.volume.users[ALICE].taker_notional == 3 * quote
    ok(state, next_block(state, (epoch + 720) * 3_600 - state.blocks.time))
    assert (
        state.stats.volume.users == {}
        and state.stats.volume.global_notional == 0
        and encode_state(state)["stats"]["volume"]["epochs"] == []
    )


@pytest.mark.parametrize(
    "tiers, match",
    [
        ([], "at least one tier"),
        ([tier("1", 1, 0, 0, 100, 500)], "first tier"),
        ([tier("1", 0, 5, 0, 100, 500)], "first tier"),
        ([tier("1", 0, 0, 0, 100, 500), tier("2", 10, 0, 0, 50, 400), tier("3", 9, 0, 0, 0, 300)], "must not fall"),
        ([tier("1", 0, 0, 0, 100, 500), tier("2", 10, 10, 0, 50, 400), tier("3", 10, 9, 0, 0, 300)], "must not fall"),
        ([tier("1", 0, 0, 0, 100, 500), tier("2", 10, 0, 10, 50, 400), tier("3", 10, 0, 9, 0, 300)], "must not fall"),
        ([tier("1", 0, 0, 0, -501, 500)], "negative"),
        ([tier("1", 0, 0, 0, 0, 50), tier("2", 10, 0, 0, -60, 300)], "negative"),
        ([tier("1", 0, 0, 0, 100, 2**31)], "above the maximum"),
    ],
)
def test_genesis_rejects_bad_fee_tiers(tiers, match):
    """FEE-5: at least one tier, the first without requirements, requirements never falling, fees never negative in total."""
    genesis = default_genesis_json()
    genesis["feeTiers"]["params"]["tiers"] = tiers
    with pytest.raises(errors.InvalidGenesis, match=match):
        load_genesis(genesis)


def test_fee_tier_defaults():
    """FEE-5: without feeTiers, one tier with no fees; the embedded default markets use the standard tiers."""
    genesis = default_genesis_json()
    del genesis["feeTiers"]
    state = funded(ALICE, BOB, genesis=genesis)
    assert len(state.fee_tiers.params.tiers) == 1 and (
        state.fee_tiers.params.tiers[0].maker_fee_ppm,
        state.fee_tiers.params.tiers[0].taker_fee_ppm,
    ) == (0, 0)
    ok(state, place(ALICE, 1, BUY, STEP, BID))
    fill = of_type(ok(state, place(BOB, 1, SELL, STEP, BID, tif=IOC)), "OrderFill")[0]
    assert (fill["takerFee"], fill["makerFee"]) == ("0", "0") and state.bank.fee_collector == 0
    standard = funded().fee_tiers.params.tiers
    assert len(standard) == 9 and (standard[0].maker_fee_ppm, standard[0].taker_fee_ppm) == (MAKER_PPM, TAKER_PPM)
    assert min(t.maker_fee_ppm for t in standard) + min(t.taker_fee_ppm for t in standard) >= 0


# ============================================================================================
# COND-1, COND-2
# ============================================================================================

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


# ============================================================================================
# BOOK-3: cost, structurally
# ============================================================================================


class Counts:
    def __init__(self) -> None:
        self.calls: dict[str, int] = {}

    def wrap(self, monkeypatch, owner, name: str) -> None:
        original = getattr(owner, name)
        key = f"{getattr(owner, '__name__', owner)}.{name}"

        def counted(*args, **kwargs):
            self.calls[key] = self.calls.get(key, 0) + 1
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)


def _big_book_genesis(orders: int, traders: int, bystanders: int) -> dict:
    """A book of ``orders`` resting bids on 100 price levels, and ``bystanders`` subaccounts holding positions."""
    makers = [account(f"maker-{i}") for i in range(traders)]
    others = [account(f"bystander-{i}") for i in range(bystanders)]
    entries = [subaccount_entry(m, usdc=10**12) for m in makers]
    entries += [
        subaccount_entry(o, usdc=10**9, positions=[(1, STEP if i % 2 else -STEP)]) for i, o in enumerate(others)
    ]
    entries += [subaccount_entry(ALICE, usdc=START)]
    genesis = make_genesis(entries)
    bids = []
    for level in range(100):
        for k in range(orders // 100):
            n = level * (orders // 100) + k
            bids.append(order(makers[n % traders], n, BUY, STEP, BID - level * TICK, gtb=20))
    asks = [order(makers[0], orders + 1, SELL, STEP, ASK, gtb=20)]
    genesis["clob"] |= {
        "books": [{"clobPairId": 0, "bids": bids, "asks": asks}],
        "untriggeredOrders": [],
        "fillAmounts": [],
        "shortTermCancels": [],
    }
    return genesis


def _level_shape(state) -> dict:
    side = state.clob.books[0].bids
    return {price: (level.live, len(level.queue)) for price, level in side.levels.items()}


def _measure(monkeypatch, state, message) -> tuple[dict, list]:
    counts = Counts()
    for name in ("orders", "front"):
        counts.wrap(monkeypatch, book_module.Level, name)
    for name in ("levels_best_first", "remove", "add", "best"):
        counts.wrap(monkeypatch, book_module.Side, name)
    counts.wrap(monkeypatch, subaccounts_module, "get_position_risk")
    monkeypatch.setattr(transition, "CONTRACTS_STRICT", False)  # contracts on, without the O(state) strict checks
    before = _level_shape(state)
    outcome = apply_json(state, message)
    monkeypatch.undo()
    assert outcome.accepted, outcome.error
    after = _level_shape(state)
    changed = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
    return counts.calls, changed


@pytest.fixture(scope="module")
def books():
    small = _big_book_genesis(orders=100, traders=10, bystanders=10)
    large = _big_book_genesis(orders=10_000, traders=10, bystanders=1_000)
    return small, large


def test_cancel_touches_one_level(monkeypatch, books):
    """BOOK-3: cancelling one of 10,000 resting orders touches its level only, and costs what it costs on 100."""
    results = []
    for genesis in books:
        state = load_genesis(copy.deepcopy(genesis))
        n = len(state.clob.resting)
        victim = next(e for e in state.clob.resting.values() if e.order.subticks == BID - 50 * TICK)
        owner, client_id = victim.order_id.subaccount_id.owner, victim.order_id.client_id
        calls, changed = _measure(monkeypatch, state, cancel(owner, client_id, gtb=20))
        assert changed == [BID - 50 * TICK]
        assert calls.get("Side.remove") == 1
        assert "Level.orders" not in calls and "Side.levels_best_first" not in calls
        assert len(state.clob.resting) == n - 1
        results.append(calls)
    assert results[0] == results[1]


def test_matching_and_resting_cost_does_not_grow_with_the_book_or_the_accounts(monkeypatch, books):
    """BOOK-3: a fill against the best of 10,000 bids and a new resting order cost the same as on a book of 100."""
    per_book = []
    for genesis in books:
        state = load_genesis(copy.deepcopy(genesis))
        fill_calls, fill_changed = _measure(
            monkeypatch, state, place(ALICE, 1, SELL, STEP, BID - 1_000 * TICK, tif=IOC)
        )
        assert fill_changed == [BID]  # only the best level
        assert "Level.orders" not in fill_calls and "Side.levels_best_first" not in fill_calls
        # the collateral checks read the two parties' positions only, never the 1,000 bystanders'
        assert fill_calls["perpspec.subaccounts.get_position_risk"] <= 20
        rest_calls, rest_changed = _measure(monkeypatch, state, place(ALICE, 2, BUY, STEP, BID - 500 * TICK))
        assert rest_changed == [BID - 500 * TICK] and rest_calls.get("Side.add") == 1
        assert "Level.orders" not in rest_calls and "Side.levels_best_first" not in rest_calls
        per_book.append((fill_calls, rest_calls))
    assert per_book[0] == per_book[1]
    assert check_clob_invariants(state) == []


# ============================================================================================
# CLOB-3, CODEC-1: the clob state's JSON
# ============================================================================================


def _busy_state():
    """A state with both sides of two books, partial fills, an untriggered order, a cancel and volume."""
    state = funded(ALICE, BOB, CAROL, DAVE)
    ok(state, place(ALICE, 1, BUY, 5 * STEP, BID, gtb=6))
    ok(state, place(BOB, 1, SELL, 2 * STEP, BID, tif=IOC, gtb=6))  # Alice 1 partly filled (short-term)
    ok(state, place(CAROL, 1, BUY, 3 * STEP, BID, flags=LONG))
    ok(state, place(DAVE, 1, BUY, 3 * STEP, BID - TICK, flags=LONG))
    ok(state, place(DAVE, 2, SELL, 4 * STEP, ASK, flags=LONG))
    ok(state, place(CAROL, 2, BUY, STEP, 1_800_000_000, flags=LONG, pair=ETH_PAIR))
    ok(
        state,
        place(
            ALICE,
            3,
            SELL,
            STEP,
            BID - 900 * TICK,
            flags=CONDITIONAL,
            tif=IOC,
            condition=STOP_LOSS,
            trigger=BID - 900 * TICK,
        ),
    )
    ok(state, cancel(BOB, 77, gtb=4))
    ok(state, next_block(state))
    ok(state, place(BOB, 2, BUY, STEP, ASK, tif=IOC, gtb=6))  # pending volume in the current block
    return state


def test_clob_state_round_trips_and_is_in_the_hash():
    """CLOB-3, CODEC-1: books in priority order, untriggered orders, fill amounts, cancels and volume survive decoding."""
    state = _busy_state()
    clob_json = encode_state(state)["clob"]
    assert [(b["clobPairId"], len(b["bids"]), len(b["asks"])) for b in clob_json["books"]] == [(0, 3, 1), (1, 1, 0)]
    assert len(clob_json["untriggeredOrders"]) == 1 and clob_json["shortTermCancels"][0]["goodTilBlock"] == 4
    prunable = {
        (f["orderId"]["subaccountId"]["owner"], f["orderId"]["clientId"]): f["prunableAtBlock"]
        for f in clob_json["fillAmounts"]
    }
    assert prunable[(ALICE, 1)] == 6 and prunable[(DAVE, 2)] == 0  # short-term: a block; stateful: 0
    copy_state = load_genesis(encode_state(state))
    assert full_state_bytes(copy_state) == full_state_bytes(state)
    assert state_hash(copy_state) == state_hash(state)
    # The copy behaves like the original: a sweep of the bids, then blocks through every expiry
    script = [
        place(BOB, 3, SELL, 20 * STEP, BID - 5 * TICK, tif=IOC, gtb=6),
        cancel(DAVE, 1, flags=LONG, gtbt=GENESIS_TIME + 3_600),
        place(CAROL, 5, SELL, STEP, ASK + TICK, gtb=5),
    ]
    for message in script:
        assert apply_json(state, message).to_json() == apply_json(copy_state, message).to_json()
    for _ in range(6):
        message = next_block(state)
        assert apply_json(state, message).to_json() == apply_json(copy_state, message).to_json()
        assert full_state_bytes(state) == full_state_bytes(copy_state)
    # The hash covers the clob: one more resting order changes it
    hash_before = state_hash(state)
    ok(state, place(ALICE, 50, BUY, STEP, BID - 50 * TICK, flags=LONG, gtbt=state.blocks.time + 60))
    assert state_hash(state) != hash_before


def test_decoded_state_prunes_fill_amounts_of_orders_unfilled_at_encoding():
    """CLOB-3, CODEC-1, ORDER-11: a decoded state evolves like the original after a fill of a then-unfilled short-term order."""
    state = funded(ALICE, BOB)
    ok(state, place(ALICE, 1, BUY, 10 * STEP, BID, gtb=5))
    copy_state = load_genesis(encode_state(state))
    assert full_state_bytes(copy_state) == full_state_bytes(state)
    for s in (state, copy_state):
        assert apply_json(s, place(BOB, 1, SELL, 3 * STEP, BID, tif=IOC, gtb=5)).accepted
    assert full_state_bytes(copy_state) == full_state_bytes(state)
    load_genesis(encode_state(copy_state))


def _clob_genesis(books=(), untriggered=(), fill_amounts=(), cancels=(), **top) -> dict:
    genesis = make_genesis([subaccount_entry(ALICE, usdc=START), subaccount_entry(BOB, usdc=START)], **top)
    genesis["clob"] |= {
        "books": list(books),
        "untriggeredOrders": list(untriggered),
        "fillAmounts": list(fill_amounts),
        "shortTermCancels": list(cancels),
    }
    return genesis


BAD_CLOBS = [
    (
        {
            "books": [
                {"clobPairId": 0, "bids": [order(ALICE, 1, BUY, STEP, ASK)], "asks": [order(BOB, 1, SELL, STEP, ASK)]}
            ]
        },
        "crossed",
    ),
    (
        {
            "books": [
                {
                    "clobPairId": 0,
                    "bids": [order(ALICE, 1, BUY, STEP, ASK + TICK)],
                    "asks": [order(BOB, 1, SELL, STEP, ASK)],
                }
            ]
        },
        "crossed",
    ),
    ({"books": [{"clobPairId": 0, "bids": [order(ALICE, 1, SELL, STEP, ASK)], "asks": []}]}, "wrong book or side"),
    ({"books": [{"clobPairId": 1, "bids": [order(ALICE, 1, BUY, STEP, BID)], "asks": []}]}, "wrong book or side"),
    (
        {"books": [{"clobPairId": 0, "bids": [order(ALICE, 1, BUY, STEP, BID, tif=IOC)], "asks": []}]},
        "an IOC order .* rests",
    ),
    (
        {
            "books": [
                {
                    "clobPairId": 0,
                    "bids": [order(ALICE, 1, BUY, STEP, BID - TICK), order(ALICE, 2, BUY, STEP, BID)],
                    "asks": [],
                }
            ]
        },
        "best price first",
    ),
    (
        {
            "books": [
                {
                    "clobPairId": 0,
                    "bids": [order(ALICE, 1, BUY, STEP, BID), order(ALICE, 1, BUY, STEP, BID - TICK)],
                    "asks": [],
                }
            ]
        },
        "appears twice",
    ),
    (
        {"books": [{"clobPairId": 7, "bids": [order(ALICE, 1, BUY, STEP, BID, pair=7)], "asks": []}]},
        "unknown clob pair",
    ),
    (
        {"books": [{"clobPairId": 0, "bids": [order(ALICE, 1, BUY, STEP, BID, reduce_only=True)], "asks": []}]},
        "reduce only",
    ),
    ({"untriggered": [order(ALICE, 1, BUY, STEP, BID, flags=LONG)]}, "an untriggered order is conditional"),
    (
        {
            "books": [{"clobPairId": 0, "bids": [order(ALICE, 1, BUY, STEP, BID)], "asks": []}],
            "fill_amounts": [{"orderId": oid(ALICE, 1), "quantums": str(STEP), "prunableAtBlock": 20}],
        },
        "rests with nothing left",
    ),
    ({"fill_amounts": [{"orderId": oid(ALICE, 1), "quantums": str(STEP), "prunableAtBlock": 0}]}, "prunableAtBlock"),
    (
        {"fill_amounts": [{"orderId": oid(ALICE, 1, LONG), "quantums": str(STEP), "prunableAtBlock": 3}]},
        "prunableAtBlock",
    ),
    ({"fill_amounts": [{"orderId": oid(ALICE, 1), "quantums": "0", "prunableAtBlock": 3}]}, "below the minimum"),
    ({"cancels": [{"orderId": oid(ALICE, 1, LONG), "goodTilBlock": 5}]}, "stateful cancel"),
    (
        {"cancels": [{"orderId": oid(ALICE, 1), "goodTilBlock": 5}, {"orderId": oid(ALICE, 1), "goodTilBlock": 6}]},
        "appears twice",
    ),
    (
        {
            "books": [
                {"clobPairId": 0, "bids": [order(ALICE, 1, BUY, STEP, BID, flags=LONG, gtbt=GENESIS_TIME)], "asks": []}
            ]
        },
        "already passed",
    ),
]


@pytest.mark.parametrize("parts, match", BAD_CLOBS, ids=[m for _, m in BAD_CLOBS])
def test_genesis_rejects_inconsistent_clob_state(parts, match):
    """CLOB-3, INV-9, INV-10: a genesis clob state with a crossed, misfiled or inconsistent book is rejected."""
    kwargs = {"books": parts.get("books", ()), "untriggered": parts.get("untriggered", ())}
    kwargs["fill_amounts"] = parts.get("fill_amounts", ())
    kwargs["cancels"] = parts.get("cancels", ())
    with pytest.raises(errors.InvalidGenesis, match=match):
        load_genesis(_clob_genesis(**kwargs))


def test_genesis_rejects_expired_short_term_order():
    """CLOB-3, ORDER-9: a resting short-term order whose goodTilBlock is below the genesis height is rejected."""
    genesis = _clob_genesis(
        books=[{"clobPairId": 0, "bids": [order(ALICE, 1, BUY, STEP, BID, gtb=4)], "asks": []}], blockHeight=5
    )
    with pytest.raises(errors.InvalidGenesis, match="already passed"):
        load_genesis(genesis)


def test_genesis_book_keeps_its_priority():
    """CLOB-3, BOOK-1: a genesis book's list order is its time priority within each price."""
    bids = [order(BOB, 2, BUY, STEP, BID), order(ALICE, 1, BUY, STEP, BID), order(BOB, 3, BUY, STEP, BID - TICK)]
    state = load_genesis(_clob_genesis(books=[{"clobPairId": 0, "bids": bids, "asks": []}]))
    ok(state, deposit_to(CAROL, 0))
    events = ok(state, place(CAROL, 1, SELL, 3 * STEP, BID - TICK, tif=IOC))
    assert [(f[1], f[3]) for f in fills(events)] == [(BOB, BID), (ALICE, BID), (BOB, BID - TICK)]


# ============================================================================================
# INV-9, INV-10: the full scan detects what it should
# ============================================================================================


def test_invariant_scan_detects_a_crossed_or_inconsistent_book():
    """INV-9, INV-10: check_clob_invariants reports crossing, misfiling, IOC or empty resting orders and a negative collector."""
    base = funded(ALICE, BOB)
    ok(base, place(ALICE, 1, BUY, 2 * STEP, BID))
    ok(base, place(BOB, 1, SELL, 2 * STEP, ASK))
    assert check_clob_invariants(base) == [] and check_state_invariants(base) == []
    snapshot = encode_state(base)

    def fresh():
        return load_genesis(copy.deepcopy(snapshot))

    def rest(state, order_value: Order) -> BookOrder:
        return state.clob.add_resting(order_value)

    bob_id = SubaccountId(BOB, 0)
    # INV-9: a bid at the best ask
    state = fresh()
    rest(state, Order(OrderId(bob_id, 5, SHORT, 0), 1, STEP, ASK, good_til_block=20))
    assert any(v.startswith("INV-9") for v in check_clob_invariants(state))
    # INV-10: an IOC order resting
    state = fresh()
    rest(state, Order(OrderId(bob_id, 5, SHORT, 0), 1, STEP, BID - TICK, good_til_block=20, time_in_force=1))
    assert any("IOC" in v for v in check_clob_invariants(state))
    # INV-10: nothing left to fill
    state = fresh()
    entry = next(iter(state.clob.resting.values()))
    state.clob.fill_amounts[entry.order_id] = entry.order.quantums
    assert any("nothing left" in v for v in check_clob_invariants(state))
    # INV-10: resting and untriggered at once
    state = fresh()
    first = next(iter(state.clob.resting.values()))
    state.clob.untriggered[first.order_id] = first.order
    assert any("untriggered" in v for v in check_clob_invariants(state))
    # INV-10: an index entry without a book entry, or filed under another id
    state = fresh()
    state.clob.resting[OrderId(bob_id, 99, SHORT, 0)] = next(iter(state.clob.resting.values()))
    assert any(v.startswith("INV-10") for v in check_clob_invariants(state))
    # INV-10: a negative fee collector
    state = fresh()
    state.bank.fee_collector = -1
    assert any("fee collector" in v for v in check_clob_invariants(state))
