"""
Oracle price updates: the transition (spec/prices.md, PRICE-2..7, PRICE-9, PRICE-11).

An update carries, per market, the prices its sources report with their
timestamps.  Stale sources are dropped, too few sources leave the price as it is,
the median of the rest is the candidate, and the minimum-change rule decides
whether it replaces the current price.  A market may also carry a proposed price:
the median is then the index price, and the proposal replaces the price only if it
passes v4's checks against it; otherwise the whole update is rejected.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import icontract

from perpspec import errors
from perpspec.config import CONTRACTS_ENABLED
from perpspec.events import Event, MarketPriceEvent, PriceOutcome
from perpspec.messages import SourcePrice, UpdatePrices
from perpspec.oracle import (
    is_price_change_sufficient,
    is_proposed_price_accurate,
    is_source_fresh,
    median_round_half_away_from_zero,
)
from perpspec.state import MarketParam, MarketPrice, State


@dataclass(frozen=True)
class MarketPriceResult:
    """The result of aggregating one market's sources."""

    market_id: int
    outcome: PriceOutcome
    old_price: int
    new_price: int
    valid_sources: int
    dropped_sources: int


def compute_market_price_result(
    param: MarketParam,
    current: MarketPrice,
    sources: Sequence[SourcePrice],
    block_time: int,
    proposed_price: int | None = None,
) -> MarketPriceResult:
    """
    Aggregate one market's sources into its next price (PRICE-2..6), or accept a proposed price
    against them (PRICE-9, PRICE-11).

    Fresh sources only; fewer than ``min_exchanges`` leaves the price unchanged; the
    median of the fresh prices must move the price by at least the minimum change.  With a
    proposed price, the median is the index price it is checked against, and the proposal,
    if it passes, is the new price; one that fails raises (nothing is written).
    """
    fresh = [s.price for s in sources if is_source_fresh(s.timestamp, block_time, param.max_source_age_seconds)]
    dropped = len(sources) - len(fresh)
    if len(fresh) < param.min_exchanges or not fresh:
        if proposed_price is not None:
            raise errors.IndexPriceNotAvailable(f"market {param.id}: too few fresh sources for an index price")
        return MarketPriceResult(
            param.id, PriceOutcome.INSUFFICIENT_SOURCES, current.price, current.price, len(fresh), dropped
        )
    candidate = median_round_half_away_from_zero(fresh)
    if proposed_price is not None:
        validate_proposed_price(param, current, candidate, proposed_price)
        return MarketPriceResult(param.id, PriceOutcome.UPDATED, current.price, proposed_price, len(fresh), dropped)
    if not is_price_change_sufficient(current.price, candidate, param.min_price_change_ppm):
        return MarketPriceResult(
            param.id, PriceOutcome.PRICE_CHANGE_TOO_SMALL, current.price, current.price, len(fresh), dropped
        )
    return MarketPriceResult(param.id, PriceOutcome.UPDATED, current.price, candidate, len(fresh), dropped)


def validate_proposed_price(param: MarketParam, current: MarketPrice, index_price: int, proposed: int) -> None:
    """
    A proposed price must move by at least the minimum change and be accurate against the
    index price (PRICE-11: PRICE-5, then PRICE-10).

    Go: ``PerformStatefulPriceUpdateValidation``, its deterministic check and then its
    non-deterministic one (``validatePriceAccuracy``).  Raises ``ProposedPriceChangeTooSmall``
    or ``ProposedPriceNotAccurate``.
    """
    if not is_price_change_sufficient(current.price, proposed, param.min_price_change_ppm):
        raise errors.ProposedPriceChangeTooSmall(
            f"market {param.id}: proposed {proposed} moves less than {param.min_price_change_ppm} ppm from {current.price}"
        )
    if not is_proposed_price_accurate(current.price, index_price, proposed, param.min_price_change_ppm):
        raise errors.ProposedPriceNotAccurate(
            f"market {param.id}: proposed {proposed} is not accurate against index {index_price} from {current.price}"
        )


# --- the transition ---------------------------------------------------------------------


def _touched_prices(state: State, message: UpdatePrices) -> dict[int, int]:
    return {
        u.market_id: state.prices.market_prices[u.market_id].price
        for u in message.market_updates
        if u.market_id in state.prices.market_prices
    }


def _moves_are_sufficient(state: State, before: dict[int, int]) -> bool:
    return all(
        state.prices.market_prices[mid].price == old
        or is_price_change_sufficient(
            old, state.prices.market_prices[mid].price, state.prices.market_params[mid].min_price_change_ppm
        )
        for mid, old in before.items()
    )


@icontract.snapshot(_touched_prices, "prices", enabled=CONTRACTS_ENABLED)
@icontract.ensure(
    lambda state, OLD: _moves_are_sufficient(state, OLD.prices),
    "PRICE-5: a price that moved, moved by at least the minimum change",
    enabled=CONTRACTS_ENABLED,
)
@icontract.ensure(
    lambda state, OLD: all(state.prices.market_prices[mid].price > 0 or old == 0 for mid, old in OLD.prices.items()),
    "PRICE-4: an aggregated price is positive",
    enabled=CONTRACTS_ENABLED,
)
def process_update_prices(state: State, message: UpdatePrices) -> list[Event]:
    """
    Aggregate each listed market's sources into its next oracle price (PRICE-6, PRICE-2..5),
    or accept its proposed price against them (PRICE-9, PRICE-11).

    The protocol authority signs it; every market must exist.  All markets' outcomes
    are computed before any price is written, so an error (a rejected proposal included)
    leaves every price as it was.  A market whose sources are too few or whose median moves too little keeps
    its price, and its event says why.
    """
    # Verify the protocol authority signed and every market exists
    if message.signer != state.authority:
        raise errors.Unauthorized("oracle prices are set by the protocol authority")
    for update in message.market_updates:
        if update.market_id not in state.prices.market_params:
            raise errors.UnknownMarket(f"market {update.market_id} does not exist")
    # Compute every market's outcome
    results = [
        compute_market_price_result(
            state.prices.market_params[update.market_id],
            state.prices.market_prices[update.market_id],
            update.source_prices,
            state.blocks.time,
            update.proposed_price,
        )
        for update in message.market_updates
    ]
    # Write the new prices
    for result in results:
        state.prices.market_prices[result.market_id].price = result.new_price
    return [
        MarketPriceEvent(r.market_id, r.outcome, r.old_price, r.new_price, r.valid_sources, r.dropped_sources)
        for r in results
    ]
