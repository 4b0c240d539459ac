"""
Per-rule tests of placing an order in a state (spec/clob.md, ORDER-3, ORDER-4, ORDER-5):
stateful validation, the short-term and stateful windows, and who signs.

Through ``apply_json`` on the default genesis (GEN-1), accounts funded by deposits; the
builders' variants, readers and the worked BTC-USD numbers are in helpers/clob.py.  In
short, on BTC-USD (clob pair 0): quote = floor(subticks * q / 1e9); taker fee
ceil(quote * 500 / 1e6), maker fee ceil(quote * 100 / 1e6) with the standard tier 1.
"""

from __future__ import annotations

from helpers.clob import BID, ETH_PAIR, LONG, SOL_PAIR, TICK, USD, cancel, funded, genesis_variant, of_type, ok, place
from helpers.ledger import apply_rejected, next_block
from perpspec.conformance.builders import (
    ALICE,
    BOB,
    BUY,
    CONDITIONAL,
    MALLORY,
    STEP,
    STOP_LOSS,
    deposit,
    market_price_json,
)
from perpspec.default_genesis import GENESIS_TIME, default_genesis_json


def test_stateful_validation():
    """ORDER-3: the pair exists; sizes and prices are whole steps and ticks; the market has a price."""
    state = funded(ALICE)
    apply_rejected(state, place(ALICE, 1, BUY, STEP, BID, pair=2), "INVALID_CLOB")
    apply_rejected(state, place(ALICE, 1, BUY, STEP + 1, BID), "INVALID_PLACE_ORDER")
    apply_rejected(state, place(ALICE, 1, BUY, STEP // 2, BID), "INVALID_PLACE_ORDER")
    apply_rejected(state, place(ALICE, 1, BUY, STEP, BID + 1), "INVALID_PLACE_ORDER")
    apply_rejected(
        state,
        place(ALICE, 1, BUY, STEP, BID, flags=CONDITIONAL, condition=STOP_LOSS, trigger=BID + TICK // 2),
        "INVALID_PLACE_ORDER",
    )
    # SOL's tick is 1_000_000 subticks: a BTC-aligned price is not a SOL-aligned one
    apply_rejected(state, place(ALICE, 1, BUY, STEP, 2_350_100_000, pair=SOL_PAIR), "INVALID_PLACE_ORDER")
    assert of_type(ok(state, place(ALICE, 1, BUY, STEP, 2_350_000_000, pair=SOL_PAIR)), "OrderOnBook")
    # Step and tick come before the status (ORDER-3's order)
    fs = funded(ALICE, genesis=genesis_variant(status="STATUS_FINAL_SETTLEMENT"))
    apply_rejected(fs, place(ALICE, 1, BUY, STEP + 1, BID), "INVALID_PLACE_ORDER")
    apply_rejected(fs, place(ALICE, 1, BUY, STEP, BID, gtb=500), "ORDER_CONFLICTS_WITH_CLOB_PAIR_STATUS")


def test_order_on_a_market_without_price_is_not_updatable():
    """ORDER-3, PRICE-7: an order on a perpetual whose market has no price yet is POSITION_NOT_UPDATABLE."""
    genesis = default_genesis_json()
    market_price_json(genesis, 0)["price"] = "0"
    state = funded(ALICE, genesis=genesis)
    apply_rejected(state, place(ALICE, 1, BUY, STEP, BID), "POSITION_NOT_UPDATABLE")
    apply_rejected(state, place(ALICE, 1, BUY, STEP, BID, gtb=100), "GOOD_TIL_BLOCK_EXCEEDS_SHORT_BLOCK_WINDOW")
    assert of_type(ok(state, place(ALICE, 1, BUY, STEP, 1_800_000_000, pair=ETH_PAIR)), "OrderOnBook")


def test_short_term_window():
    """ORDER-4: height <= goodTilBlock <= height + 40, for orders and short-term cancels."""
    state = funded(ALICE)
    ok(state, next_block(state))
    ok(state, next_block(state))  # height 3
    assert state.blocks.height == 3
    apply_rejected(state, place(ALICE, 1, BUY, STEP, BID, gtb=2), "HEIGHT_EXCEEDS_GOOD_TIL_BLOCK")
    apply_rejected(state, place(ALICE, 1, BUY, STEP, BID, gtb=44), "GOOD_TIL_BLOCK_EXCEEDS_SHORT_BLOCK_WINDOW")
    apply_rejected(state, cancel(ALICE, 1, gtb=2), "HEIGHT_EXCEEDS_GOOD_TIL_BLOCK")
    apply_rejected(state, cancel(ALICE, 1, gtb=44), "GOOD_TIL_BLOCK_EXCEEDS_SHORT_BLOCK_WINDOW")
    ok(state, place(ALICE, 1, BUY, STEP, BID, gtb=3))
    ok(state, place(ALICE, 2, BUY, STEP, BID, gtb=43))
    ok(state, cancel(ALICE, 9, gtb=3))
    ok(state, cancel(ALICE, 10, gtb=43))


def test_stateful_window():
    """ORDER-4: blockTime < goodTilBlockTime <= blockTime + 95 days, for orders and stateful cancels."""
    state = funded(ALICE)
    t = state.blocks.time
    window = 95 * 24 * 3_600
    for flags, extra in ((LONG, {}), (CONDITIONAL, {"condition": STOP_LOSS, "trigger": BID})):
        apply_rejected(
            state, place(ALICE, 1, BUY, STEP, BID, flags=flags, gtbt=t, **extra), "TIME_EXCEEDS_GOOD_TIL_BLOCK_TIME"
        )
        apply_rejected(
            state,
            place(ALICE, 1, BUY, STEP, BID, flags=flags, gtbt=t + window + 1, **extra),
            "GOOD_TIL_BLOCK_TIME_EXCEEDS_STATEFUL_ORDER_TIME_WINDOW",
        )
        ok(state, place(ALICE, 1, BUY, STEP, BID, flags=flags, gtbt=t + window, **extra))
        ok(state, place(ALICE, 2, BUY, STEP, BID, flags=flags, gtbt=t + 1, **extra))
    apply_rejected(state, cancel(ALICE, 1, flags=LONG, gtbt=t), "TIME_EXCEEDS_GOOD_TIL_BLOCK_TIME")
    apply_rejected(
        state,
        cancel(ALICE, 1, flags=LONG, gtbt=t + window + 1),
        "GOOD_TIL_BLOCK_TIME_EXCEEDS_STATEFUL_ORDER_TIME_WINDOW",
    )
    ok(state, cancel(ALICE, 1, flags=LONG, gtbt=t + window))


def test_only_the_owner_places_and_cancels():
    """ORDER-5: place and cancel messages are signed by the owner of the order's subaccount."""
    state = funded(ALICE, BOB)
    apply_rejected(state, place(ALICE, 1, BUY, STEP, BID, signer=BOB), "UNAUTHORIZED")
    ok(state, place(ALICE, 1, BUY, STEP, BID))
    apply_rejected(state, cancel(ALICE, 1, gtb=20, signer=BOB), "UNAUTHORIZED")
    ok(state, place(ALICE, 2, BUY, STEP, BID - TICK, flags=LONG))
    apply_rejected(state, cancel(ALICE, 2, flags=LONG, gtbt=GENESIS_TIME + 3_600, signer=MALLORY), "UNAUTHORIZED")
    # A subaccount other than 0 of the same owner is the owner's too
    ok(state, deposit(ALICE, {"owner": ALICE, "number": 3}, 100 * USD))
    ok(state, place(ALICE, 1, BUY, STEP, BID - 2 * TICK, number=3))
