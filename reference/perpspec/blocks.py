"""
Blocks: height and time (spec/blocks.md).

``AdvanceBlock`` ends the current block and starts the next.  It records the height,
the time and chain outages, which gate withdrawals (SUB-9); the clob's end-of-block work
(volume, conditional triggers) runs before the height moves and its start-of-block work
(expiry, triggered orders) after (spec/clob.md, ORDER-9, COND-1, COND-2, FEE-4).
"""

from __future__ import annotations

import icontract

from perpspec import errors
from perpspec.clob.end_block import process_clob_begin_block, process_clob_end_block
from perpspec.config import CONTRACTS_ENABLED
from perpspec.messages import AdvanceBlock
from perpspec.state import State

CHAIN_OUTAGE_SECONDS = 300
"""A gap of at least this many seconds between blocks is a chain outage (BLOCK-2)."""


def is_chain_outage(previous_time: int, new_time: int) -> bool:
    """A gap of at least five minutes between consecutive blocks is an outage (BLOCK-2)."""
    return new_time - previous_time >= CHAIN_OUTAGE_SECONDS


@icontract.snapshot(lambda state: (state.block_height, state.block_time), "block", enabled=CONTRACTS_ENABLED)
@icontract.ensure(
    lambda state, OLD: state.block_height == OLD.block[0] + 1 and state.block_time > OLD.block[1],
    "BLOCK-1: heights step by one and times strictly increase",
    enabled=CONTRACTS_ENABLED,
)
def process_advance_block(state: State, message: AdvanceBlock) -> list[dict]:
    """
    Move to block ``height`` at unix time ``time`` (BLOCK-1, BLOCK-2).

    The protocol authority signs it; the height is the current height plus one and
    the time is strictly later.  A gap of five minutes or more records an outage at
    the new height.
    """
    # Verify the protocol authority signed
    if message.signer != state.authority:
        raise errors.Unauthorized("blocks are started by the protocol authority")
    # Verify the height follows and time moves forward
    if message.height != state.block_height + 1:
        raise errors.InvalidBlockHeight(f"expected height {state.block_height + 1}, got {message.height}")
    if message.time <= state.block_time:
        raise errors.InvalidBlockTime(f"block time {message.time} is not after {state.block_time}")
    # End the current block: volume and conditional triggers
    ended_height = state.block_height
    triggered = process_clob_end_block(state, message.time)
    # Record an outage, then move to the new block
    events: list[dict] = []
    if is_chain_outage(state.block_time, message.time):
        state.last_chain_outage_at_block = message.height
        events.append(
            {"type": "ChainOutage", "height": message.height, "seconds": str(message.time - state.block_time)}
        )
    state.block_height = message.height
    state.block_time = message.time
    events.append({"type": "BlockStarted", "height": message.height, "time": str(message.time)})
    # Start the new block: expiry, then the triggered orders
    events.extend(process_clob_begin_block(state, ended_height, triggered))
    return events
