"""
The liquidation phase (spec/liquidations.md, LIQ-11..LIQ-13).

At the start of each block, after triggered orders are placed, the subaccounts that may have
become liquidatable are looked at: those written since the last phase, those the last phase
found liquidatable or with negative TNC, and the holders of every perpetual whose oracle price
or funding index moved (the risk watch, LIQ-11).  Work is O(those subaccounts), never a scan
of every account.  The liquidatable ones (MMR > 0 and NC < MMR, MARGIN-6) get one IOC
liquidation order each for one position, sized within the position and subaccount block limits
(LIQ-2) and priced at the fillable price in subticks (LIQ-7, LIQ-8); the orders are matched in
v4's order (LIQ-12) through the one fill function (``perpspec.clob.fills``).  An order that
fills nothing hands its subaccount to deleveraging (``perpspec.deleveraging``).

Where v4 starts at pseudo-random offsets, perpspec is deterministic: the 50 attempts of a block
start at an offset that turns with the block height over the liquidatable subaccounts in id
order, the position is the lowest perpetual id not yet liquidated this block, and the subaccount
id stands in for v4's order-hash tie-break.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from fractions import Fraction

from perpspec.clob.fills import LiquidationFill, SubaccountLiquidationInfo
from perpspec.clob.matching import match_liquidation_order
from perpspec.clob.orders import get_oracle_price_subticks
from perpspec.clob.state import SIDE_BUY, SIDE_SELL, TIME_IN_FORCE_IOC, ClobPair, ClobPairStatus, Order
from perpspec.deleveraging import DeleveragingTarget
from perpspec.events import Event, LiquidationOrderEvent
from perpspec.liquidation_arithmetic import (
    compute_fillable_price_subticks,
    compute_position_notional_abs,
)
from perpspec.liquidation_prices import (
    get_fillable_price,
    get_liquidatable_position_size_delta,
    get_settled_subaccount_risk,
)
from perpspec.margin import is_liquidatable
from perpspec.state import State
from perpspec.subaccounts import get_risk_watch
from perpspec.types import OrderId, SubaccountId

MAX_LIQUIDATION_ATTEMPTS_PER_BLOCK = 50
"""Liquidatable subaccounts given a liquidation order per block at most (LIQ-12, v4's ``DefaultMaxLiquidationAttemptsPerBlock``)."""


@dataclass(frozen=True)
class LiquidationOrder:
    """An IOC order closing part or all of one position of a liquidatable subaccount (LIQ-11, v4 ``LiquidationOrder``)."""

    subaccount_id: SubaccountId
    clob_pair: ClobPair
    is_buy: bool
    quantums: int
    subticks: int


# --- who is looked at (LIQ-11) -----------------------------------------------------------


def get_risk_candidates(state: State) -> list[SubaccountId]:
    """
    The subaccounts whose risk may have changed since the last phase, in id order (LIQ-11): the
    ones written, the ones watched, and the holders of each perpetual whose oracle price or
    funding index moved.  The watch then forgets the writes and remembers the new marks.
    """
    watch = get_risk_watch(state)
    candidates = watch.changed | watch.watched
    for perpetual_id, perpetual in state.perpetuals.perpetuals.items():
        mark = (state.prices.market_prices[perpetual.market_id].price, perpetual.funding_index)
        if watch.marks.get(perpetual_id) != mark:
            watch.marks[perpetual_id] = mark
            candidates |= watch.longs.get(perpetual_id, set())
            candidates |= watch.shorts.get(perpetual_id, set())
    watch.changed = set()
    return sorted(candidates)


def get_liquidatable_subaccounts(
    state: State, candidates: list[SubaccountId]
) -> tuple[list[SubaccountId], list[SubaccountId]]:
    """
    Among the candidates (in id order), the liquidatable ones (MARGIN-6, at their settled risk) and
    those with negative TNC and an open position (DEL-5).  Both are watched until a later phase
    finds them otherwise (LIQ-11).
    """
    liquidatable: list[SubaccountId] = []
    negative: list[SubaccountId] = []
    for subaccount_id in candidates:
        stored = state.subaccounts.subaccounts.get(subaccount_id)
        if stored is None or not stored.positions:
            continue
        risk = get_settled_subaccount_risk(state, stored)
        if is_liquidatable(risk.nc, risk.mmr):
            liquidatable.append(subaccount_id)
        if risk.nc < 0:
            negative.append(subaccount_id)
    state.risk_watch.watched = set(liquidatable) | set(negative)
    return liquidatable, negative


def select_liquidation_attempts(liquidatable: list[SubaccountId], height: int) -> list[SubaccountId]:
    """
    At most MAX_LIQUIDATION_ATTEMPTS_PER_BLOCK of the liquidatable subaccounts (in id order),
    taken from index ``height * MAX_LIQUIDATION_ATTEMPTS_PER_BLOCK mod n`` on, wrapping (LIQ-12):
    v4's pseudo-random offset made deterministic, so that block after block every liquidatable
    subaccount gets its turn.
    """
    count = len(liquidatable)
    if count <= MAX_LIQUIDATION_ATTEMPTS_PER_BLOCK:
        return liquidatable
    start = height * MAX_LIQUIDATION_ATTEMPTS_PER_BLOCK % count
    return [liquidatable[(start + i) % count] for i in range(MAX_LIQUIDATION_ATTEMPTS_PER_BLOCK)]


# --- one order (LIQ-11) ------------------------------------------------------------------


def get_clob_pair_of_perpetual(state: State, perpetual_id: int) -> ClobPair | None:
    """The clob pair (lowest id) trading a perpetual, or None."""
    for pair_id in sorted(state.clob.clob_pairs):
        pair = state.clob.clob_pairs[pair_id]
        if pair.perpetual_id == perpetual_id:
            return pair
    return None


def get_perpetual_to_liquidate(
    state: State, subaccount_id: SubaccountId, info: SubaccountLiquidationInfo
) -> int | None:
    """The lowest perpetual id the subaccount holds and was not liquidated for this block (LIQ-11), or None."""
    stored = state.subaccounts.subaccounts.get(subaccount_id)
    if stored is None:
        return None
    for perpetual_id in sorted(stored.positions):
        if perpetual_id not in info.perpetuals_liquidated:
            return perpetual_id
    return None


def get_liquidation_order(
    state: State, subaccount_id: SubaccountId, perpetual_id: int, pair: ClobPair, info: SubaccountLiquidationInfo
) -> LiquidationOrder:
    """
    The liquidation order for a position (LIQ-11, v4 ``GetLiquidationOrderForPerpetual``): its size
    within the block limits (LIQ-2), at the fillable price (LIQ-7) in subticks, rounded up for a
    sell and down for a buy, then to a whole tick (LIQ-8).
    """
    config = state.clob.liquidations_config
    stored = state.subaccounts.subaccounts[subaccount_id]
    delta = get_liquidatable_position_size_delta(
        state,
        stored,
        perpetual_id,
        pair.step_base_quantums,
        config.min_position_notional_liquidated,
        config.max_position_portion_liquidated_ppm,
        config.max_notional_liquidated,
        info.notional_liquidated,
    )
    fillable = get_fillable_price(
        state,
        stored,
        perpetual_id,
        delta,
        config.bankruptcy_adjustment_ppm,
        config.spread_to_maintenance_margin_ratio_ppm,
    )
    is_liquidating_long = delta < 0
    subticks = compute_fillable_price_subticks(
        fillable, is_liquidating_long, pair.subticks_per_tick, pair.quantum_conversion_exponent
    )
    return LiquidationOrder(subaccount_id, pair, not is_liquidating_long, -delta if delta < 0 else delta, subticks)


def get_order_priority(state: State, order: LiquidationOrder) -> tuple[Fraction, int, SubaccountId]:
    """
    A sort key: the order's distance from the oracle price, |subticks - oracle| / oracle, largest
    first; then its notional at the oracle price, largest first; then the subaccount id in place
    of v4's order hash (LIQ-12, v4 ``SortLiquidationOrders``).
    """
    oracle = get_oracle_price_subticks(state, order.clob_pair)
    distance = abs((order.subticks - oracle) / oracle) if oracle else Fraction(0)
    perpetual = state.perpetuals.perpetuals[order.clob_pair.perpetual_id]
    price = state.prices.market_prices[perpetual.market_id]
    notional = compute_position_notional_abs(order.quantums, perpetual.atomic_resolution, price.price, price.exponent)
    return -distance, -notional, order.subaccount_id


def process_liquidation_order(
    state: State, order: LiquidationOrder, info: SubaccountLiquidationInfo, events: list[Event]
) -> int:
    """
    Match one liquidation order as an IOC taker (LIQ-13, v4 ``PlacePerpetualLiquidation``); a pair
    that is not ACTIVE fills nothing.  The perpetual counts as liquidated for the subaccount this
    block whatever the fill.  Returns the base quantums filled.
    """
    pair = order.clob_pair
    events.append(
        LiquidationOrderEvent(
            order.subaccount_id, pair.id, pair.perpetual_id, order.is_buy, order.quantums, order.subticks
        )
    )
    filled = 0
    if pair.status is ClobPairStatus.ACTIVE:
        taker = Order(
            OrderId(order.subaccount_id, 0, 0, pair.id),
            SIDE_BUY if order.is_buy else SIDE_SELL,
            order.quantums,
            order.subticks,
            time_in_force=TIME_IN_FORCE_IOC,
        )
        filled, _ = match_liquidation_order(
            state, pair, taker, LiquidationFill(info, state.clob.liquidations_config), events
        )
    info.perpetuals_liquidated.add(pair.perpetual_id)
    return filled


# --- the phase (LIQ-12) ------------------------------------------------------------------


def process_liquidations(state: State, events: list[Event]) -> tuple[list[DeleveragingTarget], list[SubaccountId]]:
    """
    The liquidation phase (LIQ-12, v4 ``LiquidateSubaccountsAgainstOrderbook``).

    MAX_LIQUIDATION_ATTEMPTS_PER_BLOCK liquidatable subaccounts each get an order (``select_liquidation_attempts``);
    the orders are sorted (``get_order_priority``); in that order each subaccount, if still
    liquidatable, gets its order anew (earlier fills may have changed it) and it is matched.  A
    position whose perpetual has no clob pair, or whose order filled nothing, goes to
    deleveraging.  Returns those, and the subaccounts seen with negative TNC (DEL-5).
    """
    liquidatable, negative = get_liquidatable_subaccounts(state, get_risk_candidates(state))
    infos: dict[SubaccountId, SubaccountLiquidationInfo] = {}
    unfilled: list[DeleveragingTarget] = []
    orders: list[LiquidationOrder] = []
    for subaccount_id in select_liquidation_attempts(liquidatable, state.blocks.height):
        info = infos.setdefault(subaccount_id, SubaccountLiquidationInfo())
        perpetual_id = get_perpetual_to_liquidate(state, subaccount_id, info)
        if perpetual_id is None:
            continue
        pair = get_clob_pair_of_perpetual(state, perpetual_id)
        if pair is None:
            unfilled.append((subaccount_id, perpetual_id))
            continue
        orders.append(get_liquidation_order(state, subaccount_id, perpetual_id, pair, info))
    orders.sort(key=functools.partial(get_order_priority, state))
    for sorted_order in orders:
        subaccount_id = sorted_order.subaccount_id
        stored = state.subaccounts.subaccounts.get(subaccount_id)
        if stored is None:
            continue
        risk = get_settled_subaccount_risk(state, stored)
        if not is_liquidatable(risk.nc, risk.mmr):
            continue
        info = infos[subaccount_id]
        perpetual_id = get_perpetual_to_liquidate(state, subaccount_id, info)
        if perpetual_id is None:
            continue
        pair = get_clob_pair_of_perpetual(state, perpetual_id)
        if pair is None:
            unfilled.append((subaccount_id, perpetual_id))
            continue
        order = get_liquidation_order(state, subaccount_id, perpetual_id, pair, info)
        if process_liquidation_order(state, order, info, events) == 0:
            unfilled.append((subaccount_id, perpetual_id))
    return unfilled, negative
