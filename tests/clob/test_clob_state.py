"""
Per-rule tests of the clob state's JSON (spec/clob.md, CLOB-3; spec/codec.md, CODEC-1): it
round-trips, is in the hash, and a genesis holding an inconsistent one is refused.

Through ``apply_json`` on the default genesis (GEN-1), accounts funded by deposits; the
builders' variants, readers and the worked BTC-USD numbers are in helpers/clob.py.  In
short, on BTC-USD (clob pair 0): quote = floor(subticks * q / 1e9); taker fee
ceil(quote * 500 / 1e6), maker fee ceil(quote * 100 / 1e6) with the standard tier 1.
"""

from __future__ import annotations

import pytest

from helpers.clob import ASK, BID, ETH_PAIR, LONG, START, TICK, cancel, deposit_to, fills, funded, oid, ok, order, place
from helpers.ledger import next_block
from perpspec import errors
from perpspec.codec import encode_state, state_hash
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
    make_genesis,
    subaccount_entry,
)
from perpspec.default_genesis import GENESIS_TIME, default_genesis
from perpspec.genesis import load_genesis
from perpspec.transition import apply_json, full_state_bytes


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


@pytest.mark.parametrize(
    "book",
    [
        {"clobPairId": 99, "bids": [], "asks": []},  # an unknown clob pair
        {"clobPairId": 0, "bids": [], "asks": []},  # a listed book with no order: never written (CLOB-3)
    ],
)
def test_genesis_rejects_empty_or_unknown_books(book):
    """GEN-2, CLOB-3: a book entry names a known clob pair and holds at least one resting order."""
    genesis = encode_state(default_genesis())
    genesis["clob"]["books"] = [book]
    with pytest.raises(errors.InvalidGenesis):
        load_genesis(genesis)
