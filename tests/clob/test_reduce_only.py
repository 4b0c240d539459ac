"""
Per-rule tests of reduce-only orders (spec/clob.md, ORDER-10, MATCH-8; claim RO-1): placement,
resizing to the position, and the waiting reduce-only orders a fill removes.

Through ``apply_json`` on the default genesis (GEN-1), accounts funded by deposits; the
builders' variants, readers and the worked BTC-USD numbers are in helpers/clob.py.  In
short, on BTC-USD (clob pair 0): quote = floor(subticks * q / 1e9); taker fee
ceil(quote * 500 / 1e6), maker fee ceil(quote * 100 / 1e6) with the standard tier 1.
"""

from __future__ import annotations

from helpers.clob import (
    ASK,
    BID,
    ETH_PAIR,
    START,
    TICK,
    deposit_to,
    fills,
    funded,
    ok,
    place,
    reduce_only_state,
    remaining,
)
from helpers.ledger import apply_rejected, next_block, position
from perpspec.conformance.builders import (
    ALICE,
    BOB,
    BUY,
    CAROL,
    CONDITIONAL,
    DAVE,
    IOC,
    SELL,
    STEP,
    STOP_LOSS,
    TAKE_PROFIT,
    make_genesis,
    removals,
    subaccount_entry,
)


def test_reduce_only_placement():
    """ORDER-10: a reduce-only order must be opposite to a non-zero position in the pair's perpetual."""
    state = reduce_only_state()
    code = "REDUCE_ONLY_WOULD_INCREASE_POSITION_SIZE"
    apply_rejected(state, place(ALICE, 1, BUY, STEP, ASK, tif=IOC, reduce_only=True), code)  # same side as the long
    apply_rejected(state, place(BOB, 1, SELL, STEP, BID, tif=IOC, reduce_only=True), code)  # same side as the short
    apply_rejected(state, place(CAROL, 1, SELL, STEP, BID, tif=IOC, reduce_only=True), code)  # no position
    apply_rejected(state, place(ALICE, 1, SELL, STEP, 1_800_000_000, tif=IOC, reduce_only=True, pair=ETH_PAIR), code)
    # Opposite to the position: accepted (nothing to match, so the IOC remainder is removed)
    events = ok(state, place(ALICE, 1, SELL, STEP, ASK, tif=IOC, reduce_only=True))
    assert removals(events) == [(ALICE, 1, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK")]
    events = ok(state, place(BOB, 1, BUY, STEP, BID, tif=IOC, reduce_only=True))
    assert removals(events) == [(BOB, 1, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK")]
    # A conditional reduce-only order is not checked when placed (ORDER-10): Carol has no position
    events = ok(
        state,
        place(
            CAROL,
            2,
            SELL,
            STEP,
            BID,
            flags=CONDITIONAL,
            tif=IOC,
            reduce_only=True,
            condition=STOP_LOSS,
            trigger=BID - TICK,
        ),
    )
    assert [e["type"] for e in events] == ["OrderPlaced"]


def test_conditional_reduce_only_is_checked_when_it_triggers():
    """ORDER-10, COND-2: a triggered reduce-only order that would not reduce is removed with REDUCE_ONLY_WOULD_INCREASE_POSITION."""
    state = funded(CAROL, DAVE)
    # Take-profit buy: triggers when the price is at or below the trigger; the oracle is below ASK
    ok(
        state,
        place(
            CAROL, 2, BUY, STEP, ASK, flags=CONDITIONAL, tif=IOC, reduce_only=True, condition=TAKE_PROFIT, trigger=ASK
        ),
    )
    events = ok(state, next_block(state))
    assert [e["type"] for e in events] == ["BlockStarted", "ConditionalOrderTriggered", "OrderRemoved"]
    assert removals(events) == [(CAROL, 2, "REDUCE_ONLY_WOULD_INCREASE_POSITION")]
    assert state.clob.untriggered == {} and state.clob.resting == {}


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
    state = reduce_only_state()
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
    state = reduce_only_state()  # Alice long 3 steps, Bob short 3 steps
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
    state = reduce_only_state()  # Alice long 3 steps, Bob short 3 steps, Carol flat
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
