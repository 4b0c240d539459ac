"""
Deleveraging and final settlement (spec/deleveraging.md).

When a liquidatable subaccount's liquidation order fills nothing and its TNC is negative, its
position is closed against subaccounts holding the opposite side, at its bankruptcy price
(DEL-2, DEL-3).  A clob pair in FINAL_SETTLEMENT has every open position closed the same way at
the oracle price (FINAL-2).  Each fill is one batch of two updates through the collateral check
(SUB-7): no fees, no insurance fund, zero-sum in USDC and base quantums (CONS-5).  After the
phase, a negative-TNC subaccount still seen gates withdrawals and transfers (DEL-5, SUB-9).

v4 visits candidates from a pseudo-random offset; perpspec visits them in subaccount-id order
from an offset that turns with the block height, so every run is the same and no candidate is
passed over for ever (DEL-4).
"""

from __future__ import annotations

from typing import Any

import icontract

from perpspec import errors
from perpspec.clob.state import ClobPairStatus
from perpspec.config import CONTRACTS_ENABLED
from perpspec.events import DeleveragingFillEvent, Event, NegativeTncSubaccountSeenEvent
from perpspec.liquidation_arithmetic import can_deleverage_subaccount, is_valid_position_size_delta
from perpspec.liquidation_prices import get_bankruptcy_price_quote_quantums, get_settled_subaccount_risk
from perpspec.state import State, Subaccount
from perpspec.subaccounts import (
    SettledUpdate,
    Update,
    UpdateType,
    get_holders,
    get_risk_watch,
    get_subaccount_update_event,
    process_updates,
)
from perpspec.types import SubaccountId
from perpspec.units import base_to_quote_quantums

MAX_DELEVERAGING_ATTEMPTS_PER_BLOCK = 10
"""Subaccounts deleveraged per block at most (DEL-4, v4's ``DefaultMaxDeleveragingAttemptsPerBlock``)."""

MAX_DELEVERAGING_SUBACCOUNTS_TO_ITERATE = 500
"""Offsetting candidates visited per deleveraged position at most (DEL-4, ``DefaultMaxDeleveragingSubaccountsToIterate``)."""

DeleveragingTarget = tuple[SubaccountId, int]
"""A subaccount and the perpetual whose position is to be deleveraged."""


# --- one fill ----------------------------------------------------------------------------


def get_position_quantums(state: State, subaccount_id: SubaccountId, perpetual_id: int) -> int:
    """The stored position of a subaccount in a perpetual, 0 when none (SUB-4)."""
    stored = state.subaccounts.subaccounts.get(subaccount_id)
    position = stored.positions.get(perpetual_id) if stored is not None else None
    return position.quantums if position is not None else 0


def get_deleveraging_quote_quantums(
    state: State, liquidated: Subaccount, perpetual_id: int, delta_quantums: int, is_final_settlement: bool
) -> int:
    """
    The USDC the liquidated subaccount receives for ``delta_quantums`` (DEL-3, v4 ``getDeleveragingQuoteQuantumsDelta``):
    in final settlement the oracle notional of -delta (UNITS-4, truncated), else the bankruptcy price (LIQ-6).
    """
    if is_final_settlement:
        perpetual = state.perpetuals.perpetuals[perpetual_id]
        price = state.prices.market_prices[perpetual.market_id]
        quote: int = base_to_quote_quantums(-delta_quantums, perpetual.atomic_resolution, price.price, price.exponent)
        return quote
    return get_bankruptcy_price_quote_quantums(state, liquidated, perpetual_id, delta_quantums)


def validate_deleveraging_fill(liquidated_quantums: int, offsetting_quantums: int, delta_quantums: int) -> None:
    """
    A deleveraging fill reduces both positions without flipping either (DEL-3, ``ProcessDeleveraging``):
    the delta is opposite to the liquidated position and no larger, and of the offsetting position's
    sign and no larger.  Raises ``InvalidPerpetualPositionSizeDelta``.
    """
    if not is_valid_position_size_delta(liquidated_quantums, delta_quantums) or not is_valid_position_size_delta(
        offsetting_quantums, -delta_quantums
    ):
        raise errors.InvalidPerpetualPositionSizeDelta(
            f"delta {delta_quantums} does not reduce both positions ({liquidated_quantums}, {offsetting_quantums})"
        )


def _parties_balances(state: State, liquidated_id: SubaccountId, offsetting_id: SubaccountId, perpetual_id: int) -> Any:
    usdc = base = 0
    for subaccount_id in (liquidated_id, offsetting_id):
        stored = state.subaccounts.subaccounts.get(subaccount_id)
        if stored is not None:
            usdc += stored.usdc_balance
            position = stored.positions.get(perpetual_id)
            base += position.quantums if position is not None else 0
    bank = state.bank
    return usdc + bank.funding_pool, base, bank.insurance_fund, bank.fee_collector


@icontract.snapshot(
    lambda state, liquidated_id, offsetting_id, perpetual_id: _parties_balances(
        state, liquidated_id, offsetting_id, perpetual_id
    ),
    "parties",
    enabled=CONTRACTS_ENABLED,
)
@icontract.ensure(
    lambda state, liquidated_id, offsetting_id, perpetual_id, OLD: (
        _parties_balances(state, liquidated_id, offsetting_id, perpetual_id) == OLD.parties
    ),
    "CONS-5 (DEL-3): a deleveraging fill is zero-sum in USDC and in base quantums between its two parties, "
    "with no fee and no insurance fund (funding settled before is paid by the funding pool)",
    enabled=CONTRACTS_ENABLED,
)
def _process_zero_sum_updates(
    state: State,
    liquidated_id: SubaccountId,
    offsetting_id: SubaccountId,
    perpetual_id: int,
    delta_quantums: int,
    quote_quantums: int,
) -> list[SettledUpdate]:
    updates = [
        Update(liquidated_id, quote_quantums, ((perpetual_id, delta_quantums),)),
        Update(offsetting_id, -quote_quantums, ((perpetual_id, -delta_quantums),)),
    ]
    return process_updates(state, updates, UpdateType.MATCH)


def process_deleveraging_fill(
    state: State,
    liquidated_id: SubaccountId,
    offsetting_id: SubaccountId,
    perpetual_id: int,
    delta_quantums: int,
    is_final_settlement: bool,
    events: list[Event],
) -> int:
    """
    One deleveraging fill (DEL-3, v4 ``ProcessDeleveraging``): the liquidated subaccount takes
    (+quote, +delta) and the offsetting one (-quote, -delta), one batch of Match updates through
    the collateral check (SUB-7, SUB-8), so each side ends initially collateralized or no riskier.
    Returns the quote.

    Raises ``InvalidPerpetualPositionSizeDelta`` when the delta does not reduce both positions, and
    the collateral check's error when a side fails it; nothing is written then.
    """
    # Verify the fill reduces both positions without flipping either
    validate_deleveraging_fill(
        get_position_quantums(state, liquidated_id, perpetual_id),
        get_position_quantums(state, offsetting_id, perpetual_id),
        delta_quantums,
    )
    # Price the fill at the bankruptcy price, or the oracle price in final settlement
    liquidated = state.subaccounts.subaccounts[liquidated_id]
    quote = get_deleveraging_quote_quantums(state, liquidated, perpetual_id, delta_quantums, is_final_settlement)
    settled = _process_zero_sum_updates(state, liquidated_id, offsetting_id, perpetual_id, delta_quantums, quote)
    abs_delta = delta_quantums if delta_quantums > 0 else -delta_quantums
    events.append(
        DeleveragingFillEvent(
            liquidated_id, offsetting_id, perpetual_id, delta_quantums > 0, abs_delta, quote, is_final_settlement
        )
    )
    events.append(get_subaccount_update_event(settled[0]))
    events.append(get_subaccount_update_event(settled[1]))
    return quote


# --- one position ------------------------------------------------------------------------


def get_offsetting_candidates(state: State, liquidated_id: SubaccountId, perpetual_id: int) -> list[SubaccountId]:
    """
    The subaccounts holding the side opposite to the liquidated position, in subaccount-id order
    turned by the block height, at most MAX_DELEVERAGING_SUBACCOUNTS_TO_ITERATE of them (DEL-4).
    """
    is_long = get_position_quantums(state, liquidated_id, perpetual_id) > 0
    watch = get_risk_watch(state)
    opposite = sorted((watch.shorts if is_long else watch.longs).get(perpetual_id, set()))
    if not opposite:
        return []
    start = state.blocks.height % len(opposite)
    return (opposite[start:] + opposite[:start])[:MAX_DELEVERAGING_SUBACCOUNTS_TO_ITERATE]


def process_offset_position(
    state: State, liquidated_id: SubaccountId, perpetual_id: int, is_final_settlement: bool, events: list[Event]
) -> int:
    """
    Close the liquidated position against opposite positions (DEL-2, v4 ``OffsetSubaccountPerpetualPosition``):
    each candidate in turn takes min(|remaining|, |its position|); a candidate whose fill fails the
    collateral check is passed over.  Returns the base quantums left open (signed as the delta).
    """
    remaining = -get_position_quantums(state, liquidated_id, perpetual_id)
    for offsetting_id in get_offsetting_candidates(state, liquidated_id, perpetual_id):
        if remaining == 0:
            break
        held = get_position_quantums(state, offsetting_id, perpetual_id)
        if held == 0 or (held > 0) != (remaining > 0):
            continue
        fill = remaining if abs(remaining) <= abs(held) else held
        try:
            process_deleveraging_fill(
                state, liquidated_id, offsetting_id, perpetual_id, fill, is_final_settlement, events
            )
        except errors.InvalidPerpetualPositionSizeDelta:
            raise
        except errors.ProtocolError:
            continue  # non-overlapping bankruptcy prices: the candidate would fail its collateral check
        remaining -= fill
    return remaining


def process_deleverage_subaccount(state: State, target: DeleveragingTarget, events: list[Event]) -> None:
    """
    Deleverage one subaccount's position if it may be (DEL-1, v4 ``MaybeDeleverageSubaccount``): at the
    bankruptcy price when its TNC is negative, at the oracle price when its clob pair is in final
    settlement, else not at all; a subaccount that no longer holds the position is left alone.
    """
    subaccount_id, perpetual_id = target
    stored = state.subaccounts.subaccounts.get(subaccount_id)
    if stored is None or perpetual_id not in stored.positions:
        return
    risk = get_settled_subaccount_risk(state, stored)
    at_bankruptcy_price, at_oracle_price = can_deleverage_subaccount(risk.nc, is_final_settlement(state, perpetual_id))
    if not at_bankruptcy_price and not at_oracle_price:
        return
    process_offset_position(state, subaccount_id, perpetual_id, at_oracle_price, events)


def is_final_settlement(state: State, perpetual_id: int) -> bool:
    """Whether a clob pair of the perpetual is in FINAL_SETTLEMENT (FINAL-1)."""
    return any(
        pair.perpetual_id == perpetual_id and pair.status is ClobPairStatus.FINAL_SETTLEMENT
        for pair in state.clob.clob_pairs.values()
    )


# --- the phase ---------------------------------------------------------------------------


def get_final_settlement_targets(state: State) -> list[DeleveragingTarget]:
    """
    Every open position in a final-settlement market (FINAL-2, v4 ``GetSubaccountsWithPositionsInFinalSettlementMarkets``):
    by clob pair id, then subaccount id turned by the block height (DEL-4).
    """
    targets: list[DeleveragingTarget] = []
    for pair_id in sorted(state.clob.clob_pairs):
        pair = state.clob.clob_pairs[pair_id]
        if pair.status is not ClobPairStatus.FINAL_SETTLEMENT:
            continue
        holders = sorted(get_holders(state, pair.perpetual_id))
        if holders:
            start = state.blocks.height % len(holders)
            targets.extend((subaccount_id, pair.perpetual_id) for subaccount_id in holders[start:] + holders[:start])
    return targets


def process_deleveraging(state: State, unfilled: list[DeleveragingTarget], events: list[Event]) -> None:
    """
    The deleveraging phase (DEL-4, v4 ``DeleverageSubaccounts``): the liquidations that filled
    nothing, in the order they were tried, then the final-settlement positions; at most
    MAX_DELEVERAGING_ATTEMPTS_PER_BLOCK of them.
    """
    queue = unfilled + get_final_settlement_targets(state)
    for target in queue[:MAX_DELEVERAGING_ATTEMPTS_PER_BLOCK]:
        process_deleverage_subaccount(state, target, events)


def process_negative_tnc_gating(state: State, negative: list[SubaccountId], events: list[Event]) -> None:
    """
    After liquidations and deleveraging, the first subaccount (in id order) of those seen with
    negative TNC that still has negative TNC and an open position records the block, which gates
    withdrawals and transfers for 50 blocks (DEL-5, SUB-9, v4 ``GateWithdrawalsIfNegativeTncSubaccountSeen``).
    """
    for subaccount_id in sorted(negative):
        stored = state.subaccounts.subaccounts.get(subaccount_id)
        if stored is None or not stored.positions:
            continue
        if get_settled_subaccount_risk(state, stored).nc < 0:
            state.subaccounts.negative_tnc_subaccount_seen_at_block = state.blocks.height
            events.append(NegativeTncSubaccountSeenEvent(subaccount_id, state.blocks.height))
            return
