"""
Per-rule tests of clob pairs and their statuses (spec/clob.md, CLOB-1, CLOB-2).

Through ``apply_json`` on the default genesis (GEN-1), accounts funded by deposits; the
builders' variants, readers and the worked BTC-USD numbers are in helpers/clob.py.  In
short, on BTC-USD (clob pair 0): quote = floor(subticks * q / 1e9); taker fee
ceil(quote * 500 / 1e6), maker fee ceil(quote * 100 / 1e6) with the standard tier 1.
"""

from __future__ import annotations

import dataclasses

import pytest

from helpers.clob import (
    BID,
    BTC_PAIR,
    ETH_PAIR,
    GTT,
    LONG,
    SOL_PAIR,
    TICK,
    cancel,
    fills,
    funded,
    genesis_variant,
    genesis_with_triggering_conditional,
    of_type,
    ok,
    place,
    remaining,
    set_price,
)
from helpers.ledger import apply_rejected, next_block
from perpspec import errors
from perpspec.clob.state import ClobPairStatus
from perpspec.codec import encode_state
from perpspec.conformance.builders import (
    ALICE,
    BOB,
    BUY,
    CONDITIONAL,
    IOC,
    POST_ONLY,
    SELL,
    STEP,
    STOP_LOSS,
    TAKE_PROFIT,
    removals,
)
from perpspec.genesis import load_genesis
from perpspec.invariants import check_state_invariants
from perpspec.transition import apply_json, full_state_bytes


@pytest.mark.parametrize("status", ["STATUS_PAUSED", "STATUS_CANCEL_ONLY", "STATUS_POST_ONLY"])
def test_genesis_rejects_unsupported_clob_pair_status(status):
    """CLOB-1: PAUSED, CANCEL_ONLY and POST_ONLY are named by the protos but not supported."""
    with pytest.raises(errors.InvalidGenesis, match="not supported"):
        load_genesis(genesis_variant(status=status))


@pytest.mark.parametrize("status", ["STATUS_ACTIVE", "STATUS_INITIALIZING", "STATUS_FINAL_SETTLEMENT"])
def test_genesis_accepts_supported_clob_pair_status(status):
    """CLOB-1: ACTIVE, INITIALIZING and FINAL_SETTLEMENT are supported; the pair's fields are kept."""
    state = load_genesis(genesis_variant(status=status))
    pair = state.clob.clob_pairs[BTC_PAIR]
    assert pair.status.name == status.removeprefix("STATUS_")
    assert (pair.perpetual_id, pair.step_base_quantums, pair.subticks_per_tick, pair.quantum_conversion_exponent) == (
        0,
        STEP,
        TICK,
        -9,
    )
    assert encode_state(state)["clob"]["clobPairs"][0]["status"] == status


def test_genesis_rejects_unknown_clob_pair_status_and_bad_fields():
    """CLOB-1: an unknown status, a zero step or tick, or an unknown perpetual is rejected."""
    for changes in ({"status": "STATUS_WHATEVER"}, {"stepBaseQuantums": "0"}, {"subticksPerTick": 0}):
        with pytest.raises(errors.InvalidGenesis):
            load_genesis(genesis_variant(**changes))
    with pytest.raises(errors.InvalidGenesis, match="unknown perpetual"):
        load_genesis(genesis_variant(perpetualClobMetadata={"perpetualId": 77}))


def test_initializing_pair_takes_only_short_term_post_only_orders():
    """CLOB-2: INITIALIZING accepts short-term post-only orders only, each on its side of the oracle; cancels are accepted."""
    state = funded(ALICE, BOB, genesis=genesis_variant(status="STATUS_INITIALIZING"))
    oracle = 2_900_000_000
    ok(state, set_price(state, 0, oracle))  # an oracle on a tick, so both sides may quote it
    code = "ORDER_CONFLICTS_WITH_CLOB_PAIR_STATUS"
    apply_rejected(state, place(BOB, 1, SELL, STEP, oracle + TICK, tif=GTT), code)
    apply_rejected(state, place(BOB, 1, SELL, STEP, oracle + TICK, tif=IOC), code)
    apply_rejected(state, place(BOB, 1, SELL, STEP, oracle + TICK, flags=LONG, tif=POST_ONLY), code)
    apply_rejected(
        state,
        place(BOB, 1, SELL, STEP, oracle + TICK, flags=CONDITIONAL, tif=POST_ONLY, condition=STOP_LOSS, trigger=BID),
        code,
    )
    # Post-only buys at or below the oracle, sells at or above it
    apply_rejected(state, place(ALICE, 1, BUY, STEP, oracle + TICK, tif=POST_ONLY), code)
    apply_rejected(state, place(BOB, 1, SELL, STEP, oracle - TICK, tif=POST_ONLY), code)
    assert of_type(ok(state, place(ALICE, 1, BUY, STEP, oracle, tif=POST_ONLY)), "OrderOnBook")
    assert of_type(ok(state, place(ALICE, 2, BUY, STEP, oracle - TICK, tif=POST_ONLY)), "OrderOnBook")
    # A sell at the oracle crosses the buy there; post-only never fills (MATCH-5), so nothing trades
    events = ok(state, place(BOB, 2, SELL, STEP, oracle, tif=POST_ONLY))
    assert removals(events) == [(BOB, 2, "POST_ONLY_WOULD_CROSS_MAKER_ORDER")] and not fills(events)
    assert of_type(ok(state, place(BOB, 3, SELL, STEP, oracle + TICK, tif=POST_ONLY)), "OrderOnBook")
    # Cancels are accepted in every status
    events = ok(state, cancel(ALICE, 1, gtb=20))
    assert removals(events) == [(ALICE, 1, "CANCELED")]


def test_initializing_pair_rounds_the_oracle_down():
    """CLOB-2: the INITIALIZING side test uses the oracle price in subticks rounded down."""
    # With qce -8 the BTC oracle is 2_868_819_524e-1 = 286_881_952.4 subticks; tick 1 lets orders quote near it
    genesis = genesis_variant(status="STATUS_INITIALIZING", quantumConversionExponent=-8, subticksPerTick=1)
    state = funded(ALICE, BOB, genesis=genesis)
    code = "ORDER_CONFLICTS_WITH_CLOB_PAIR_STATUS"
    assert of_type(ok(state, place(BOB, 1, SELL, STEP, 286_881_952, tif=POST_ONLY)), "OrderOnBook")  # 952 >= floor
    apply_rejected(state, place(BOB, 2, SELL, STEP, 286_881_951, tif=POST_ONLY), code)
    assert of_type(ok(state, place(ALICE, 1, BUY, STEP, 286_881_951, tif=POST_ONLY)), "OrderOnBook")
    apply_rejected(state, place(ALICE, 2, BUY, STEP, 286_881_953, tif=POST_ONLY), code)  # 953 > floor
    # A buy at the floor is accepted too, and crosses the sell there: post-only, so it is removed
    events = ok(state, place(ALICE, 3, BUY, STEP, 286_881_952, tif=POST_ONLY))
    assert removals(events) == [(ALICE, 3, "POST_ONLY_WOULD_CROSS_MAKER_ORDER")]


def test_final_settlement_pair_accepts_no_order_but_cancels():
    """CLOB-2: FINAL_SETTLEMENT accepts no order of any kind; cancels are accepted."""
    state = funded(ALICE, genesis=genesis_variant(status="STATUS_FINAL_SETTLEMENT"))
    code = "ORDER_CONFLICTS_WITH_CLOB_PAIR_STATUS"
    for kwargs in (
        {"tif": GTT},
        {"tif": IOC},
        {"tif": POST_ONLY},
        {"flags": LONG},
        {"flags": CONDITIONAL, "condition": TAKE_PROFIT, "trigger": BID},
    ):
        apply_rejected(state, place(ALICE, 1, BUY, STEP, BID, **kwargs), code)
    events = ok(state, cancel(ALICE, 1, gtb=5))
    assert of_type(events, "OrderCancelRecorded")
    # Other pairs keep trading
    assert of_type(ok(state, place(ALICE, 2, BUY, STEP, 1_800_000_000, pair=ETH_PAIR)), "OrderOnBook")


@pytest.mark.parametrize("status", ["STATUS_FINAL_SETTLEMENT", "STATUS_INITIALIZING"])
def test_genesis_rejects_orders_the_pair_does_not_accept(status):
    """CLOB-2, CLOB-3: a genesis order (here untriggered) that its pair's status does not accept is rejected."""
    with pytest.raises(errors.InvalidGenesis, match="CLOB-2"):
        load_genesis(genesis_with_triggering_conditional(status))


@pytest.mark.parametrize("status", ["FINAL_SETTLEMENT", "INITIALIZING"])
def test_triggered_order_on_a_pair_that_no_longer_accepts_it_is_removed(status):
    """CLOB-2: a triggered conditional order whose pair no longer accepts it is removed (reason CLOB_PAIR_STATUS)."""
    state = load_genesis(genesis_with_triggering_conditional("STATUS_ACTIVE"))
    # perpspec has no message that changes a pair's status; the real chain's governance does
    pair = state.clob.clob_pairs[SOL_PAIR]
    state.clob.clob_pairs[SOL_PAIR] = dataclasses.replace(pair, status=ClobPairStatus[status])
    events = ok(state, next_block(state))
    assert [e["type"] for e in events] == ["BlockStarted", "ConditionalOrderTriggered", "OrderRemoved"]
    assert removals(events) == [(ALICE, 7, "CLOB_PAIR_STATUS")]
    assert state.clob.resting == {} and state.clob.untriggered == {}


def test_triggered_order_on_an_active_pair_is_placed():
    """CLOB-2, COND-2: the same conditional order on an ACTIVE pair triggers and rests on the book."""
    state = load_genesis(genesis_with_triggering_conditional("STATUS_ACTIVE"))
    outcome = apply_json(state, next_block(state))
    assert outcome.accepted
    assert [e["type"] for e in outcome.events] == ["BlockStarted", "ConditionalOrderTriggered", "OrderOnBook"]
    assert remaining(state, ALICE, 7, CONDITIONAL, SOL_PAIR) == STEP
    assert state.clob.untriggered == {}


def test_state_with_a_resting_triggered_order_keeps_invariants_and_round_trips():
    """INV-10, CODEC-1, CLOB-3, COND-2: a triggered conditional order may rest; the state keeps its invariants and decodes."""
    state = load_genesis(genesis_with_triggering_conditional("STATUS_ACTIVE"))
    assert apply_json(state, next_block(state)).accepted
    assert check_state_invariants(state) == []
    assert full_state_bytes(load_genesis(encode_state(state))) == full_state_bytes(state)
