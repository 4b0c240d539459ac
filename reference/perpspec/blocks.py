"""
Blocks: the end of one block and the start of the next (spec/blocks.md).

``AdvanceBlock`` ends the current block and starts the next.  ``process_end_block`` and
``process_begin_block`` are flat lists of the phases, one ``process_*`` call per spec rule,
in the order BLOCK-3 states; a part of the protocol that works between blocks adds its
phase to one of these lists.
"""

from __future__ import annotations

import icontract

from perpspec import errors
from perpspec.clob.conditional import (
    process_conditional_triggers,
    process_trade_prices_end_block,
    process_triggered_orders,
)
from perpspec.clob.expiry import process_short_term_expiry, process_stateful_expiry
from perpspec.clob.fees import process_volume_end_block
from perpspec.clob.state import Order
from perpspec.config import CONTRACTS_ENABLED
from perpspec.deleveraging import process_deleveraging, process_negative_tnc_gating
from perpspec.events import BlockStartedEvent, ChainOutageEvent, Event
from perpspec.funding_epochs import (
    process_epochs_begin_block,
    process_funding_sample_end_block,
    process_funding_tick_end_block,
    process_premium_votes,
)
from perpspec.liquidations import process_liquidations
from perpspec.messages import AdvanceBlock
from perpspec.state import State

CHAIN_OUTAGE_SECONDS = 300
"""A gap of at least this many seconds between blocks is a chain outage (BLOCK-2)."""


def is_chain_outage(previous_time: int, new_time: int) -> bool:
    """A gap of at least five minutes between consecutive blocks is an outage (BLOCK-2)."""
    return new_time - previous_time >= CHAIN_OUTAGE_SECONDS


def validate_advance_block(state: State, message: AdvanceBlock) -> None:
    """
    The protocol authority signs; the height is the current height plus one; the time is
    strictly later (BLOCK-1).

    Raises ``Unauthorized``, ``InvalidBlockHeight`` or ``InvalidBlockTime``.
    """
    # Verify the protocol authority signed
    if message.signer != state.authority:
        raise errors.Unauthorized("blocks are started by the protocol authority")
    # Verify the height follows and time moves forward
    if message.height != state.blocks.height + 1:
        raise errors.InvalidBlockHeight(f"expected height {state.blocks.height + 1}, got {message.height}")
    if message.time <= state.blocks.time:
        raise errors.InvalidBlockTime(f"block time {message.time} is not after {state.blocks.time}")


def process_end_block(state: State, next_block_time: int, events: list[Event]) -> list[Order]:
    """The end of the current block, phase by phase (BLOCK-3); returns the orders that triggered."""
    process_funding_sample_end_block(state, events)  # FUND-11: votes become samples at a funding-sample epoch
    process_funding_tick_end_block(state, events)  # FUND-12: funding indices move at a funding-tick epoch
    process_volume_end_block(state.stats, state.blocks.time, next_block_time)  # FEE-4: volume joins its epoch
    triggered = process_conditional_triggers(state)  # COND-1, COND-3: conditional orders trigger
    process_trade_prices_end_block(state)  # COND-3: the block's trade prices are forgotten
    return triggered


def process_block_height_and_time(state: State, message: AdvanceBlock, events: list[Event]) -> None:
    """The new height and time, and a chain outage at the new height after a gap of 5 minutes (BLOCK-1, BLOCK-2)."""
    if is_chain_outage(state.blocks.time, message.time):
        state.blocks.last_chain_outage_at_block = message.height
        events.append(ChainOutageEvent(message.height, message.time - state.blocks.time))
    state.blocks.height = message.height
    state.blocks.time = message.time
    events.append(BlockStartedEvent(message.height, message.time))


def process_begin_block(state: State, ended_height: int, triggered: list[Order], events: list[Event]) -> None:
    """The start of the new block, phase by phase (BLOCK-3), once its height and time are set."""
    process_epochs_begin_block(state)  # FUND-9: epochs start their next period
    process_premium_votes(state)  # FUND-10: the block's premium votes, from the book
    process_short_term_expiry(state, ended_height, events)  # ORDER-9: short-term records of the ended block lapse
    process_stateful_expiry(state, state.blocks.time, events)  # ORDER-9: stateful orders whose time has come lapse
    process_triggered_orders(state, triggered, events)  # COND-2: triggered orders are placed, in trigger order
    unfilled, negative = process_liquidations(state, events)  # LIQ-12: liquidatable subaccounts are liquidated
    process_deleveraging(state, unfilled, events)  # DEL-4, FINAL-2: unfilled liquidations and final settlement
    process_negative_tnc_gating(state, negative, events)  # DEL-5: a negative-TNC subaccount gates withdrawals


@icontract.snapshot(lambda state: (state.blocks.height, state.blocks.time), "block", enabled=CONTRACTS_ENABLED)
@icontract.ensure(
    lambda state, OLD: state.blocks.height == OLD.block[0] + 1 and state.blocks.time > OLD.block[1],
    "BLOCK-1: heights step by one and times strictly increase",
    enabled=CONTRACTS_ENABLED,
)
def process_advance_block(state: State, message: AdvanceBlock) -> list[Event]:
    """
    End the current block and start block ``height`` at unix time ``time`` (BLOCK-1..3).

    Nothing is written before the message is validated; after that it cannot be rejected.
    """
    validate_advance_block(state, message)
    ended_height = state.blocks.height
    events: list[Event] = []
    triggered = process_end_block(state, message.time, events)
    process_block_height_and_time(state, message, events)
    process_begin_block(state, ended_height, triggered, events)
    return events
