"""
Genesis: the states the protocol may start from (spec/genesis.md, GEN-2, GEN-3).

``load_genesis`` decodes a state's JSON (the codec checks shapes only, CODEC-4), derives the
values a genesis may leave out (GEN-3), then checks the decoded state with the protocol's
own rules: the parameter bounds of ``perpspec.bounds``, references between tables, the
order rules of ``perpspec.messages`` and ``perpspec.clob.orders``, and every state invariant
of ``perpspec.invariants``.  Each failure is an ``InvalidGenesis`` naming what is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import partial
from typing import Any

from perpspec import bounds, errors
from perpspec.clob.orders import validate_clob_pair_status
from perpspec.clob.state import ORDER_FLAGS_CONDITIONAL, Order
from perpspec.codec import DecodedState, decode_state
from perpspec.invariants import check_state_invariants, compute_longs_and_shorts, compute_usdc_held
from perpspec.messages import is_stateful_order_id, validate_order_basic
from perpspec.state import State


def load_genesis(value: Any) -> State:
    """A state from its JSON (the genesis format): decoded, completed and checked (GEN-2, GEN-3)."""
    decoded = decode_state(value)
    state = decoded.state
    _refuse(check_parameters(state))
    _refuse(check_references(state))
    derive_omitted_values(decoded)
    _refuse(check_blocks(state))
    _refuse(check_clob(state))
    _refuse(check_state_invariants(state))
    return state


def _refuse(broken: list[str]) -> None:
    if broken:
        raise errors.InvalidGenesis(broken[0])


def check_parameters(state: State) -> list[str]:
    """Every parameter within its bounds (GEN-2, ``perpspec.bounds``)."""
    checks: list[Iterable[list[str]]] = [
        (bounds.check_liquidity_tier(tier) for tier in state.perpetuals.liquidity_tiers.values()),
        (bounds.check_perpetual(perpetual) for perpetual in state.perpetuals.perpetuals.values()),
        (bounds.check_market_param(param) for param in state.prices.market_params.values()),
        (bounds.check_market_price(price) for price in state.prices.market_prices.values()),
        (bounds.check_clob_pair(pair) for pair in state.clob.clob_pairs.values()),
        [bounds.check_fee_tiers(state.fee_tiers.params.tiers)],
        [bounds.check_stats_params(state.stats.params)],
        [bounds.check_liquidations_config(state.clob.liquidations_config)],
        [bounds.check_perpetuals_params(state.perpetuals.params)],
        (bounds.check_epoch_info(epoch) for epoch in state.epochs.epoch_infos.values()),
        [bounds.check_funding_epochs(state.epochs.epoch_infos)],
        [bounds.check_premium_store(state.perpetuals.premium_votes, "premiumVotes")],
        [bounds.check_premium_store(state.perpetuals.premium_samples, "premiumSamples")],
    ]
    return [message for group in checks for broken in group for message in broken]


def check_references(state: State) -> list[str]:
    """
    Every id a record names exists (GEN-2): a perpetual's tier and market, a clob pair's
    perpetual, a position's perpetual, an order's or a book's clob pair, a trade price's
    perpetual; every market has a param and a price with the same exponent.
    """
    broken = []
    if state.prices.market_params.keys() != state.prices.market_prices.keys():
        broken.append("every market needs both a marketParam and a marketPrice")
    for market_id, param in state.prices.market_params.items():
        price = state.prices.market_prices.get(market_id)
        if price is not None and price.exponent != param.exponent:
            broken.append(f"market {market_id}: price exponent differs from the param's")
    for perpetual in state.perpetuals.perpetuals.values():
        if perpetual.liquidity_tier not in state.perpetuals.liquidity_tiers:
            broken.append(f"perpetual {perpetual.id}: unknown liquidity tier")
        if perpetual.market_id not in state.prices.market_params:
            broken.append(f"perpetual {perpetual.id}: unknown market")
    for pair in state.clob.clob_pairs.values():
        if pair.perpetual_id not in state.perpetuals.perpetuals:
            broken.append(f"clob pair {pair.id}: unknown perpetual")
    for subaccount in state.subaccounts.subaccounts.values():
        for perpetual_id in subaccount.positions:
            if perpetual_id not in state.perpetuals.perpetuals:
                broken.append(f"subaccount {subaccount.id}: unknown perpetual {perpetual_id}")
    clob = state.clob
    for pair_id in clob.books:
        if pair_id not in state.clob.clob_pairs:
            broken.append(f"clob.books: unknown clob pair {pair_id}")
    for order in _clob_orders(state):
        if order.order_id.clob_pair_id not in state.clob.clob_pairs:
            broken.append(f"order {order.order_id}: unknown clob pair")
    for perpetual_id in clob.trade_prices:
        if perpetual_id not in state.perpetuals.perpetuals:
            broken.append(f"clob.tradePrices: unknown perpetual {perpetual_id}")
    for store in (state.perpetuals.premium_votes, state.perpetuals.premium_samples):
        for perpetual_id in store.premiums:
            if perpetual_id not in state.perpetuals.perpetuals:
                broken.append(f"perpetuals premiums: unknown perpetual {perpetual_id}")
    return broken


def derive_omitted_values(decoded: DecodedState) -> None:
    """
    A genesis may leave out a perpetual's open interest, which is then the sum of its longs
    (INV-3), and ``totalDeposited``, which then counts every USDC held as deposited (INV-1)
    (GEN-3).
    """
    state = decoded.state
    if decoded.omitted_open_interest:
        longs, _ = compute_longs_and_shorts(state)
        for perpetual_id in decoded.omitted_open_interest:
            state.perpetuals.perpetuals[perpetual_id].open_interest = longs[perpetual_id]
    if decoded.omits_total_deposited:
        total_deposited = compute_usdc_held(state) + state.bank.total_withdrawn
        if total_deposited < 0:
            raise errors.InvalidGenesis("totalDeposited would be negative: give totalWithdrawn (INV-1)")
        state.bank.total_deposited = total_deposited


def check_blocks(state: State) -> list[str]:
    """A gating block is not after the genesis height (SUB-9, BLOCK-2)."""
    broken = []
    for name, block in (
        ("negativeTncSubaccountSeenAtBlock", state.subaccounts.negative_tnc_subaccount_seen_at_block),
        ("lastChainOutageAtBlock", state.blocks.last_chain_outage_at_block),
    ):
        if block is not None and block > state.blocks.height:
            broken.append(f"genesis.{name}: block {block} is after the genesis height (SUB-9)")
    return broken


def _clob_orders(state: State) -> list[Order]:
    clob = state.clob
    return [entry.order for entry in clob.resting.values()] + list(clob.untriggered.values())


def _order_errors(check: Callable[[], None]) -> list[str]:
    try:
        check()
    except errors.ProtocolError as error:
        return [error.message]
    return []


def check_clob(state: State) -> list[str]:
    """
    The clob state is one the protocol could have reached (CLOB-3): every order passes
    stateless validation (ORDER-2) and its pair's status (CLOB-2) and has not expired
    (ORDER-9); waiting orders are conditional (COND-1); a fill amount's prune block is set
    exactly for short-term ids and has not passed, and a cancel is short-term and current
    (ORDER-7, ORDER-11); the block's pending volume has as much maker as taker notional (FEE-4).
    The rest (crossed books, IOC or filled orders resting, trade prices) is INV-9 and INV-10.
    """
    clob = state.clob
    broken = []
    for order in _clob_orders(state):
        broken += _order_errors(partial(validate_order_basic, order))
        if broken:
            return broken
        pair = state.clob.clob_pairs[order.order_id.clob_pair_id]
        broken += [
            f"order {order.order_id}: {message} (CLOB-2)"
            for message in _order_errors(partial(validate_clob_pair_status, state, pair, order))
        ]
        if order.good_til_block and order.good_til_block < state.blocks.height:
            broken.append(f"order {order.order_id}: good-til-block already passed (ORDER-9)")
        if not order.good_til_block and order.good_til_block_time <= state.blocks.time:
            broken.append(f"order {order.order_id}: good-til-block-time already passed (ORDER-9)")
    for order_id in clob.untriggered:
        if order_id.order_flags != ORDER_FLAGS_CONDITIONAL:
            broken.append(f"order {order_id}: an untriggered order is conditional (COND-1)")
    for order_id in clob.fill_amounts:
        prunable = clob.fill_amount_expiry.get(order_id, 0)
        if is_stateful_order_id(order_id) != (prunable == 0):
            broken.append(f"fill amount of {order_id}: a short-term one needs prunableAtBlock, a stateful one 0")
        if prunable and prunable < state.blocks.height:
            broken.append(f"fill amount of {order_id}: prunableAtBlock has already passed (ORDER-11)")
    for order_id, good_til_block in clob.short_term_cancels.items():
        if is_stateful_order_id(order_id) or good_til_block < state.blocks.height:
            broken.append(f"cancel of {order_id}: a stateful cancel, or one whose good-til-block has passed (ORDER-7)")
    pending = state.stats.volume.pending.values()
    if sum(u.taker_notional for u in pending) != sum(u.maker_notional for u in pending):
        broken.append("volume.pending: taker and maker notional differ (FEE-4)")
    return broken
