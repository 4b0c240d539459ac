"""
Blocks: height and time (spec/blocks.md).

``AdvanceBlock`` starts the next block.  Later parts of the protocol (order expiry,
funding ticks) hang their end-of-block work here; the ledger records only the
height, the time and chain outages, which gate withdrawals (SUB-9).
"""

from __future__ import annotations

import icontract

from perpspec import errors
from perpspec.contracts import ENABLED
from perpspec.messages import AdvanceBlock
from perpspec.state import CHAIN_OUTAGE_SECONDS, State


def is_chain_outage(previous_time: int, new_time: int) -> bool:
    """A gap of at least five minutes between consecutive blocks is an outage (BLOCK-2)."""
    return new_time - previous_time >= CHAIN_OUTAGE_SECONDS


@icontract.snapshot(lambda state: (state.block_height, state.block_time), "block", enabled=ENABLED)
@icontract.ensure(
    lambda state, OLD: state.block_height == OLD.block[0] + 1 and state.block_time > OLD.block[1],
    "BLOCK-1: heights step by one and times strictly increase",
    enabled=ENABLED,
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
    # Record an outage, then move to the new block
    events: list[dict] = []
    if is_chain_outage(state.block_time, message.time):
        state.last_chain_outage_at_block = message.height
        events.append({"type": "ChainOutage", "height": message.height, "seconds": str(message.time - state.block_time)})
    state.block_height = message.height
    state.block_time = message.time
    events.append({"type": "BlockStarted", "height": message.height, "time": str(message.time)})
    return events
