"""
Per-rule tests of blocks (spec/blocks.md): height, time and signer (BLOCK-1), outages (BLOCK-2),
and the order of a block's phases (BLOCK-3).

Expected numbers are worked by hand from the default genesis (GEN-1), as helpers/ledger.py
shows; every rejection goes through ``apply_rejected``, which also asserts that the state
hash and the canonical state bytes are unchanged (TX-2).
"""

from __future__ import annotations

from helpers.clob import (
    BID,
    LONG,
    SOL_PAIR,
    TICK,
    USD,
    fills,
    genesis_with_triggering_conditional,
    ok,
    place,
    remaining,
)
from helpers.ledger import apply_ok, apply_rejected, make_state
from perpspec.conformance.builders import (
    ALICE,
    AUTHORITY,
    BOB,
    BUY,
    CAROL,
    CONDITIONAL,
    IOC,
    SELL,
    STEP,
    advance_block,
    deposit,
    removals,
)
from perpspec.default_genesis import GENESIS_TIME
from perpspec.genesis import load_genesis


def test_block_1_height_steps_by_one_time_strictly_increases_authority_signs():
    """BLOCK-1: height must be current + 1, time strictly later, signer the authority."""
    state = make_state()
    h0, t0 = state.blocks.height, state.blocks.time
    assert (h0, t0) == (1, GENESIS_TIME)
    apply_rejected(state, advance_block(ALICE, h0 + 1, t0 + 1), "UNAUTHORIZED")
    apply_rejected(state, advance_block(AUTHORITY, h0 + 2, t0 + 1), "INVALID_BLOCK_HEIGHT")
    apply_rejected(state, advance_block(AUTHORITY, h0, t0 + 1), "INVALID_BLOCK_HEIGHT")
    apply_rejected(state, advance_block(AUTHORITY, h0 - 1, t0 + 1), "INVALID_BLOCK_HEIGHT")
    apply_rejected(state, advance_block(AUTHORITY, h0 + 1, t0), "INVALID_BLOCK_TIME")
    apply_rejected(state, advance_block(AUTHORITY, h0 + 1, t0 - 1), "INVALID_BLOCK_TIME")
    events = apply_ok(state, advance_block(AUTHORITY, h0 + 1, t0 + 1))
    assert events == [{"type": "BlockStarted", "height": 2, "time": str(t0 + 1)}]
    assert (state.blocks.height, state.blocks.time) == (2, t0 + 1)


def test_block_2_gap_of_300_seconds_is_an_outage_299_is_not():
    """BLOCK-2: a gap >= 300 s records lastChainOutageAtBlock at the new height; 299 s does not."""
    state = make_state()
    t0 = state.blocks.time
    events = apply_ok(state, advance_block(AUTHORITY, 2, t0 + 299))
    assert state.blocks.last_chain_outage_at_block is None
    assert [e["type"] for e in events] == ["BlockStarted"]
    events = apply_ok(state, advance_block(AUTHORITY, 3, t0 + 299 + 300))
    assert state.blocks.last_chain_outage_at_block == 3
    assert events[0] == {"type": "ChainOutage", "height": 3, "seconds": "300"}
    apply_ok(state, advance_block(AUTHORITY, 4, t0 + 599 + 10_000))
    assert state.blocks.last_chain_outage_at_block == 4  # the latest outage is recorded
    apply_ok(state, advance_block(AUTHORITY, 5, t0 + 10_599 + 1))
    assert state.blocks.last_chain_outage_at_block == 4


def test_block_3_phases_run_in_their_order():
    """BLOCK-3: volume, triggers and trade prices end the block; then height, time and outage; then expiry and triggered orders."""
    state = load_genesis(genesis_with_triggering_conditional("STATUS_ACTIVE"))
    for owner in (BOB, CAROL):
        ok(state, deposit(owner, {"owner": owner, "number": 0}, 10_000 * USD))
    ok(state, place(BOB, 1, BUY, STEP, BID - TICK, gtb=state.blocks.height))  # lapses when this block ends
    ok(state, place(BOB, 2, BUY, STEP, BID, flags=LONG, gtbt=state.blocks.time + 1_000))
    ok(state, place(BOB, 3, BUY, STEP, BID - 2 * TICK, flags=LONG, gtbt=state.blocks.time + 400))
    assert fills(ok(state, place(CAROL, 1, SELL, STEP, BID, tif=IOC)))  # a fill: volume and a trade price
    assert state.stats.volume.pending_notional > 0 and state.clob.trade_prices
    ended = state.blocks.height
    events = ok(state, advance_block(AUTHORITY, ended + 1, state.blocks.time + 400))  # an outage; Bob 3's time comes
    kinds = [e["type"] for e in events]
    assert kinds == [
        "ChainOutage",
        "BlockStarted",
        "OrderRemoved",
        "OrderRemoved",
        "ConditionalOrderTriggered",
        "OrderOnBook",
    ]
    assert removals(events) == [(BOB, 1, "EXPIRED"), (BOB, 3, "EXPIRED")]  # short-term first, then stateful (ORDER-9)
    assert (
        state.stats.volume.pending_notional == 0 and state.stats.volume.global_notional > 0
    )  # FEE-4 at the end of the block
    assert state.clob.trade_prices == {}  # COND-3: forgotten once the triggers were checked
    assert state.blocks.last_chain_outage_at_block == ended + 1  # BLOCK-2 at the new height
    assert remaining(state, ALICE, 7, CONDITIONAL, SOL_PAIR) == STEP  # COND-2: placed in the new block
