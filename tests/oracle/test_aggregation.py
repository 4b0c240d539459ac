"""
Per-rule tests of price aggregation (spec/prices.md, PRICE-2, PRICE-3, PRICE-5, PRICE-8): a
market's fresh sources to its next price, and the median's robustness to one wrong source.

Every expected number is worked out by hand from the formulas in spec/ (and the chain
semantics they mirror); the working is written next to each case.  Notation in the
comments: floor rounds toward -inf, ceil toward +inf, trunc toward 0.
"""

from __future__ import annotations

import pytest

from helpers.numbers import BTC_PE, BTC_PRICE, UINT64_MAX
from perpspec.events import PriceOutcome
from perpspec.messages import SourcePrice
from perpspec.oracle import is_source_fresh, median_round_half_away_from_zero
from perpspec.prices import compute_market_price_result
from perpspec.state import MarketParam, MarketPrice

BLOCK_TIME = 1_700_000_000


MAX_AGE = 30


@pytest.mark.parametrize(
    "timestamp, max_age, expected",
    [
        (BLOCK_TIME, MAX_AGE, True),  # age 0
        (BLOCK_TIME - MAX_AGE, MAX_AGE, True),  # age == max accepted
        (BLOCK_TIME - MAX_AGE - 1, MAX_AGE, False),  # max + 1: stale
        (BLOCK_TIME + 1, MAX_AGE, False),  # from the future
        (BLOCK_TIME, 0, True),  # max age 0: only the block's own second
        (BLOCK_TIME - 1, 0, False),
    ],
)
def test_price_2_is_source_fresh(timestamp, max_age, expected):
    """PRICE-2: a source counts iff 0 <= block_time - timestamp <= max age."""
    assert is_source_fresh(timestamp, BLOCK_TIME, max_age) is expected


def market(min_exchanges=3, min_price_change_ppm=1_000):
    return MarketParam(0, "BTC-USD", BTC_PE, min_exchanges, min_price_change_ppm, MAX_AGE)


def sources(*prices, ages=None):
    ages = ages or [0] * len(prices)
    return [SourcePrice(f"exchange{i}", p, BLOCK_TIME - age) for i, (p, age) in enumerate(zip(prices, ages))]


def aggregate(param, old_price, source_list):
    return compute_market_price_result(param, MarketPrice(0, BTC_PE, old_price), source_list, BLOCK_TIME)


@pytest.mark.parametrize(
    "source_list, valid, dropped",
    [
        (sources(100, 200, 300, ages=[0, 5, MAX_AGE + 1]), 2, 1),  # one stale: 2 fresh < 3
        (sources(100, 200, 300, ages=[0, 5, -1]), 2, 1),  # one from the future
        (sources(100, 200), 2, 0),
        ([], 0, 0),
    ],
)
def test_price_3_too_few_sources_keep_the_price(source_list, valid, dropped):
    """PRICE-3: fewer than min_exchanges fresh sources is INSUFFICIENT_SOURCES and the price stays."""
    result = aggregate(market(min_exchanges=3), BTC_PRICE, source_list)
    assert result.outcome is PriceOutcome.INSUFFICIENT_SOURCES
    assert (result.old_price, result.new_price) == (BTC_PRICE, BTC_PRICE)
    assert (result.valid_sources, result.dropped_sources) == (valid, dropped)


def test_price_3_enough_sources_update():
    """PRICE-3, PRICE-4: exactly min_exchanges fresh sources are enough; the median becomes the price."""
    source_list = sources(1_002_000, 1_003_000, 1_001_000, 5, ages=[0, 0, 0, 99])
    result = aggregate(market(min_exchanges=3), 1_000_000, source_list)
    # fresh: 1002000, 1003000, 1001000 -> median 1002000; moved 2000 >= floor(1e6 * 0.001) = 1000
    assert (result.outcome, result.new_price, result.valid_sources, result.dropped_sources) == (
        PriceOutcome.UPDATED,
        1_002_000,
        3,
        1,
    )


def test_price_5_too_small_change_keeps_the_price():
    """PRICE-5: a median within the minimum change is PRICE_CHANGE_TOO_SMALL and the price stays."""
    # median 1000999 moved 999 < 1000
    result = aggregate(market(min_exchanges=3), 1_000_000, sources(1_000_999, 1_000_999, 1_000_999))
    assert (result.outcome, result.new_price) == (PriceOutcome.PRICE_CHANGE_TOO_SMALL, 1_000_000)


def test_price_5_first_price_is_always_accepted():
    """PRICE-5: a market at price 0 accepts any candidate."""
    result = aggregate(market(min_exchanges=1), 0, sources(1))
    assert (result.outcome, result.new_price) == (PriceOutcome.UPDATED, 1)


@pytest.mark.parametrize(
    "honest, wrong, expected",
    [
        ([100, 101], 10**18, 101),  # sorted 100, 101, 1e18 -> 101
        ([100, 101], 0, 100),  # sorted 0, 100, 101 -> 100
        ([100, 101], -(2**63), 100),
        ([100, 101, 102], 10**18, 102),  # 100, 101, 102, 1e18: mean(101, 102) = 101.5 -> 102
        ([100, 101, 102], 0, 101),  # 0, 100, 101, 102: mean(100, 101) = 100.5 -> 101
        ([100, 104, 102, 106], 1, 102),  # 1, 100, 102, 104, 106 -> 102
        ([100, 102], 101, 101),  # a wrong value inside the range stays inside it
    ],
)
def test_price_8_one_wrong_source_cannot_move_the_price(honest, wrong, expected):
    """PRICE-8: with >= 3 sources and one wrong, the median is within the honest range."""
    median = median_round_half_away_from_zero(honest + [wrong])
    assert median == expected
    assert min(honest) <= median <= max(honest)


def test_price_8_through_aggregation():
    """PRICE-8: one absurd fresh source among three leaves the new price within the honest ones."""
    result = aggregate(market(min_exchanges=3), 1_000_000, sources(1_002_000, UINT64_MAX, 1_003_000))
    # sorted 1002000, 1003000, 2^64 - 1 -> 1003000
    assert (result.outcome, result.new_price) == (PriceOutcome.UPDATED, 1_003_000)
