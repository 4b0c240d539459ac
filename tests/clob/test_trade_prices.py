"""
Per-rule tests of conditional orders triggered by the block's trade prices (spec/clob.md,
COND-3): the block's clamped lowest and highest maker prices.

Through ``apply_json`` on the default genesis (GEN-1), accounts funded by deposits; the
builders' variants, readers and the worked BTC-USD numbers are in helpers/clob.py.  In
short, on BTC-USD (clob pair 0): quote = floor(subticks * q / 1e9); taker fee
ceil(quote * 500 / 1e6), maker fee ceil(quote * 100 / 1e6) with the standard tier 1.
"""

from __future__ import annotations

import copy

import pytest

from helpers.clob import ASK, BID, ORACLE, TICK, fills, funded, of_type, ok, place
from helpers.ledger import next_block
from perpspec import errors
from perpspec.codec import encode_state
from perpspec.conformance.builders import (
    ALICE,
    BOB,
    BUY,
    CAROL,
    CONDITIONAL,
    DAVE,
    IOC,
    SELL,
    STEP,
    STOP_LOSS,
    TAKE_PROFIT,
)
from perpspec.default_genesis import default_genesis
from perpspec.genesis import load_genesis
from perpspec.invariants import check_clob_invariants
from perpspec.state import State

BAND = ORACLE * 1_000 * 5 // 1_000_000  # BTC's min price change (1,000 ppm) times 5: about 143 ticks


def _trade(state: State, subticks: int, client_id: int) -> None:
    """A fill at ``subticks`` between ALICE (maker, buying) and BOB (taker, selling IOC)."""
    ok(state, place(ALICE, client_id, BUY, STEP, subticks, gtb=10))
    events = ok(state, place(BOB, client_id, SELL, STEP, subticks, tif=IOC, gtb=10))
    assert fills(events) != []


def test_a_trade_price_triggers_what_the_oracle_does_not():
    """COND-3: a fill at or below a take-profit buy's trigger triggers it at the end of the block, though the oracle is above it."""
    trigger = BID - 10 * TICK
    for traded in (False, True):
        state = funded(ALICE, BOB, CAROL)
        ok(state, place(CAROL, 1, BUY, STEP, trigger, flags=CONDITIONAL, condition=TAKE_PROFIT, trigger=trigger))
        if traded:
            _trade(state, BID - 20 * TICK, 1)
            assert state.clob.trade_prices == {0: (BID - 20 * TICK, BID - 20 * TICK)}
        events = ok(state, next_block(state))
        triggered = of_type(events, "ConditionalOrderTriggered")
        assert len(triggered) == (1 if traded else 0)
        assert state.clob.trade_prices == {}  # the block's trade prices are forgotten at its end


def test_trade_prices_are_the_block_min_and_max_of_maker_prices():
    """COND-3: the perpetual's trade prices are the lowest and highest maker subticks of the block's fills."""
    state = funded(ALICE, BOB)
    _trade(state, BID - 5 * TICK, 1)
    _trade(state, BID - 30 * TICK, 2)
    _trade(state, BID - 12 * TICK, 3)
    assert state.clob.trade_prices == {0: (BID - 30 * TICK, BID - 5 * TICK)}
    # In the state's JSON and hash, and decoded back (CLOB-3)
    encoded = encode_state(state)
    assert encoded["clob"]["tradePrices"] == [
        {"perpetualId": 0, "minSubticks": str(BID - 30 * TICK), "maxSubticks": str(BID - 5 * TICK)}
    ]
    assert encode_state(load_genesis(copy.deepcopy(encoded))) == encoded


def test_a_trade_price_far_from_the_oracle_is_clamped():
    """COND-3: a trade price counts only up to the oracle price ± 5 minimum price changes."""
    near = (ORACLE - BAND) // TICK * TICK + TICK  # inside the band: the clamped price is at or below it
    far = (ORACLE - BAND) // TICK * TICK - 50 * TICK  # beyond the band: the clamped price stays above it
    state = funded(ALICE, BOB, CAROL, DAVE)
    ok(state, place(CAROL, 1, BUY, STEP, near, flags=CONDITIONAL, condition=TAKE_PROFIT, trigger=near))
    ok(state, place(DAVE, 1, BUY, STEP, far, flags=CONDITIONAL, condition=TAKE_PROFIT, trigger=far))
    _trade(state, far - 200 * TICK, 1)
    events = ok(state, next_block(state))
    assert [e["orderId"]["subaccountId"]["owner"] for e in of_type(events, "ConditionalOrderTriggered")] == [CAROL]
    # Unclamped, the trade 200 ticks below DAVE's trigger would have triggered it too
    assert [order_id.subaccount_id.owner for order_id in state.clob.untriggered] == [DAVE]


def test_a_trade_price_above_triggers_stop_loss_buys():
    """COND-3: the block's highest trade price, clamped, triggers "at or above" orders (stop-loss buys)."""
    trigger = ASK + 10 * TICK
    state = funded(ALICE, BOB, CAROL)
    ok(state, place(CAROL, 1, BUY, STEP, trigger + 10 * TICK, flags=CONDITIONAL, condition=STOP_LOSS, trigger=trigger))
    ok(state, place(BOB, 9, SELL, STEP, ASK + 20 * TICK, gtb=10))
    events = ok(state, place(ALICE, 9, BUY, STEP, ASK + 20 * TICK, tif=IOC, gtb=10))
    assert fills(events) != []
    events = ok(state, next_block(state))
    assert len(of_type(events, "ConditionalOrderTriggered")) == 1


@pytest.mark.parametrize(
    "trade_prices",
    [
        [{"perpetualId": 99, "minSubticks": "1", "maxSubticks": "1"}],
        [{"perpetualId": 0, "minSubticks": "0", "maxSubticks": "1"}],
        [{"perpetualId": 0, "minSubticks": "5", "maxSubticks": "4"}],
        [
            {"perpetualId": 0, "minSubticks": "1", "maxSubticks": "2"},
            {"perpetualId": 0, "minSubticks": "1", "maxSubticks": "2"},
        ],
        [{"perpetualId": 0, "minSubticks": "1"}],
    ],
)
def test_genesis_rejects_bad_trade_prices(trade_prices):
    """GEN-2, COND-3: trade prices name a known perpetual once, with 1 <= min <= max."""
    genesis = encode_state(default_genesis())
    genesis["clob"]["tradePrices"] = trade_prices
    with pytest.raises(errors.InvalidGenesis):
        load_genesis(genesis)


def test_invariants_catch_bad_trade_prices():
    """INV-10, COND-3: a trade price record of an unknown perpetual or with min > max is reported."""
    state = funded(ALICE, BOB)
    _trade(state, BID, 1)
    assert check_clob_invariants(state) == []
    state.clob.trade_prices[0] = (BID, BID - 1)
    assert any("trade prices" in v for v in check_clob_invariants(state))
    state.clob.trade_prices = {99: (1, 1)}
    assert any("trade prices" in v for v in check_clob_invariants(state))
