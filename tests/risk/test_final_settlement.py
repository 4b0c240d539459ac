"""
Final settlement (spec/deleveraging.md, FINAL-1, FINAL-2, DEL-3, DEL-4): once a clob pair is in
FINAL_SETTLEMENT, every open position in its perpetual is closed at the oracle price, zero-sum,
until open interest is zero.
"""

from __future__ import annotations

from helpers.clob import of_type, ok
from helpers.ledger import BTC_NOTIONAL_1, make_state, next_block, position, usdc
from perpspec.conformance.builders import (
    ALICE,
    AUTHORITY,
    BOB,
    BTC,
    CAROL,
    ONE_BTC,
    make_genesis,
    subaccount_entry,
    update_clob_pair,
)
from perpspec.deleveraging import MAX_DELEVERAGING_ATTEMPTS_PER_BLOCK
from perpspec.simulation import account


def test_final_2_positions_close_at_the_oracle_price():
    """
    FINAL-2: ALICE long 1 BTC sells it to BOB's short at the oracle notional 28_688_195_240; CAROL's
    half BTC short is untouched until the longs run out.
    """
    state = make_state(
        make_genesis(
            [
                subaccount_entry(ALICE, 0, 1_000_000_000, [(BTC, ONE_BTC)]),
                subaccount_entry(BOB, 0, 40_000_000_000, [(BTC, -ONE_BTC)]),
            ]
        )
    )
    ok(state, update_clob_pair(AUTHORITY, BTC, 0, "STATUS_FINAL_SETTLEMENT"))
    events = ok(state, next_block(state))
    (fill,) = of_type(events, "DeleveragingFill")
    assert fill["isFinalSettlement"] is True and fill["quoteQuantums"] == str(BTC_NOTIONAL_1)
    assert (usdc(state, ALICE), position(state, ALICE)) == (1_000_000_000 + BTC_NOTIONAL_1, 0)
    assert (usdc(state, BOB), position(state, BOB)) == (40_000_000_000 - BTC_NOTIONAL_1, 0)
    assert state.perpetuals.perpetuals[BTC].open_interest == 0


def test_final_2_many_positions_close_over_blocks_and_open_interest_ends_at_zero():
    """FINAL-2, DEL-4: 25 longs against one short: at most 10 targets a block, so within 3 blocks all close."""
    longs = [account(f"long{i}") for i in range(25)]
    state = make_state(
        make_genesis(
            [subaccount_entry(owner, 0, 1_000_000_000, [(BTC, 1_000_000)]) for owner in longs]
            + [subaccount_entry(CAROL, 0, 40_000_000_000, [(BTC, -25_000_000)])]
        )
    )
    total = sum(usdc(state, owner) for owner in [*longs, CAROL])
    ok(state, update_clob_pair(AUTHORITY, BTC, 0, "STATUS_FINAL_SETTLEMENT"))
    counts = []
    for _ in range(4):
        counts.append(len(of_type(ok(state, next_block(state)), "DeleveragingFill")))
    assert counts[0] <= MAX_DELEVERAGING_ATTEMPTS_PER_BLOCK and sum(counts) == 25
    assert state.perpetuals.perpetuals[BTC].open_interest == 0
    assert sum(usdc(state, owner) for owner in [*longs, CAROL]) == total  # zero-sum (DEL-3)
