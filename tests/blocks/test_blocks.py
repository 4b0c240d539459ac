"""
Per-rule tests of blocks (spec/blocks.md): height, time and signer (BLOCK-1), outages (BLOCK-2),
and the order of a block's phases (BLOCK-3).

Expected numbers are worked by hand from the default genesis (GEN-1), as helpers/ledger.py
shows; every rejection goes through ``apply_rejected``, which also asserts that the state
hash and the canonical state bytes are unchanged (TX-2).
"""

from __future__ import annotations

from helpers.ledger import apply_ok, apply_rejected, make_state
from perpspec.conformance.builders import ALICE, AUTHORITY, advance_block
from perpspec.default_genesis import GENESIS_TIME


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
