"""
The hand-written scenarios of the ledger suite (conformance/FORMAT.md §6), one module per spec
family, all built on ``perpspec.conformance.builders``:

- ``sending``: deposits, withdrawals, transfers, signers and gating (SUB-*);
- ``margin``: the collateral check at its margin boundaries (MARGIN-*, SUB-6..8);
- ``funding``: funding settlement (FUND-*);
- ``prices``: oracle price updates (PRICE-*);
- ``blocks``: block heights and times (BLOCK-*);
- ``genesis``: genesis documents at the ends of their ranges (GEN-2);
- ``decoding``: message shapes and stateless validation (TX-5, ORDER-1, ORDER-2);
- ``orders``, ``book``, ``matching``, ``fees``, ``conditional``: the order book (spec/clob.md:
  ORDER-*, CLOB-* and BOOK-*, MATCH-*, FEE-*, COND-*).

A scenario module imports builders and the reference's public functions, never another
scenario module.  The registries below say which scenarios the suite holds and in which order
they are built:

- ``SCENARIOS``: the ledger scenarios without orders, which the TLC trace validation also
  replays (``perpspec.verify.scenario_traces``, tests/verification/test_scenario_traces.py);
- ``ORDER_SCENARIOS``: ledger scenarios that place orders;
- ``CLOB_SCENARIOS``: the order book's scenarios, appended after them
  (``perpspec.conformance.generate``);
- ``RISK_SCENARIOS``: the risk engine's block phases (spec/liquidations.md, spec/deleveraging.md),
  appended last.
"""

from __future__ import annotations

from collections.abc import Callable

from perpspec.conformance.builders import Scenario
from perpspec.conformance.scenarios import (
    blocks,
    book,
    conditional,
    decoding,
    fees,
    funding,
    genesis,
    liquidations,
    margin,
    matching,
    orders,
    prices,
    sending,
)

SCENARIOS: list[Callable[[], Scenario]] = [
    sending.deposits,
    sending.withdrawals,
    margin.withdraw_boundary,
    margin.withdraw_boundary_scaled,
    sending.transfers,
    sending.signers,
    sending.gating_after_outage,
    sending.gating_negative_tnc,
    blocks.blocks,
    prices.price_updates,
    margin.price_moves_margin,
    margin.still_undercollateralized,
    margin.margin_of_one_quantum,
    funding.funding,
    funding.funding_recipient,
    funding.funding_one_ppm,
    decoding.decoding,
    genesis.genesis_extremes,
    genesis.genesis_last_block,
    genesis.genesis_first_block,
    margin.quote_exponent_boundaries,
    margin.position_risk_roundings,
]
"""The ledger scenarios without orders, in the order they are built; the TLC trace validation replays each."""

ORDER_SCENARIOS: list[Callable[[], Scenario]] = [
    matching.add_to_book_fast_path,
    matching.add_to_book_lower_held,
    margin.match_open_interest_crosses_cap,
    margin.close_leaving_negative_collateral,
]
"""Ledger scenarios that place orders (two of the add-to-book check, two of a fill's collateral check); built after ``SCENARIOS``."""

CLOB_SCENARIOS: list[Callable[[], Scenario]] = [
    decoding.order_decoding,
    orders.order_stateful_validation,
    book.clob_pair_status,
    matching.limit_orders,
    matching.market_orders_and_self_trade,
    matching.post_only,
    matching.collateral_checks,
    matching.reduce_only,
    orders.replacement,
    orders.cancels,
    orders.expiry,
    conditional.conditional_orders,
    conditional.trade_price_triggers,
    fees.fee_tiers_by_volume,
    fees.fee_rebate,
    fees.no_fee_tiers,
    orders.fill_amount_prune_block,
    orders.fill_amount_prune_block_decoded,
    book.initializing_oracle_floor,
    matching.reduce_only_flip,
    book.level_queue,
    book.clob_state_genesis,
    matching.quote_exponents_near_zero,
    fees.fee_tier_shares,
    prices.order_without_oracle_price,
    matching.add_to_book_boundary,
    orders.fill_amount_prune_block_latest,
    fees.fee_taker_rebate,
    fees.volume_epoch_zero,
    matching.reduce_only_other_perpetual,
    funding.funding_tick_moves_index,
    prices.proposed_prices,
]
"""The order book's scenarios (spec/clob.md), in the order they are appended to the ledger suite."""


def build_ledger_documents() -> dict[str, dict]:
    """The documents of ``SCENARIOS`` and ``ORDER_SCENARIOS``, in that order, keyed by file stem."""
    documents: dict[str, dict] = {}
    for build in SCENARIOS + ORDER_SCENARIOS:
        scenario = build()
        if scenario.name in documents:
            raise AssertionError(f"two scenarios are named {scenario.name!r}")
        documents[scenario.name] = scenario.document()
    return documents


RISK_SCENARIOS: list[Callable[[], Scenario]] = [
    liquidations.liquidation_with_fee,
    liquidations.liquidation_fund_pays,
    liquidations.liquidation_fund_empty,
    liquidations.deleveraging_at_bankruptcy_price,
    liquidations.gating_after_refused_offset,
    liquidations.final_settlement,
    liquidations.clob_pair_updates,
]
"""The risk engine's scenarios (liquidations, deleveraging, final settlement), appended after ``CLOB_SCENARIOS``."""

__all__ = ["CLOB_SCENARIOS", "ORDER_SCENARIOS", "RISK_SCENARIOS", "SCENARIOS", "build_ledger_documents"]
