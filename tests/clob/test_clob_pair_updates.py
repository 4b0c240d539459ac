"""
MsgUpdateClobPair (spec/clob.md, CLOB-4; spec/deleveraging.md, FINAL-1): the authority may change a
clob pair's status along v4's transitions and shrink its step and tick to divisors; nothing else.
"""

from __future__ import annotations

import pytest

from helpers.clob import ASK, BID, BTC_PAIR, BUY, SELL, funded, of_type, ok, place
from helpers.ledger import apply_rejected
from perpspec.clob.state import ClobPairStatus
from perpspec.conformance.builders import ALICE, AUTHORITY, BOB, update_clob_pair


def test_clob_4_authority_moves_active_to_final_settlement_and_orders_go():
    """CLOB-4, FINAL-1: ACTIVE -> FINAL_SETTLEMENT; both resting orders leave with reason FINAL_SETTLEMENT."""
    state = funded(ALICE, BOB)
    ok(state, place(ALICE, 1, BUY, 1_000_000, BID, gtb=30))
    ok(state, place(BOB, 1, SELL, 1_000_000, ASK, gtb=30))
    events = ok(state, update_clob_pair(AUTHORITY, BTC_PAIR, 0, "STATUS_FINAL_SETTLEMENT"))
    assert of_type(events, "ClobPairUpdated")[0]["clobPair"]["status"] == "STATUS_FINAL_SETTLEMENT"
    assert [e["reason"] for e in of_type(events, "OrderRemoved")] == ["FINAL_SETTLEMENT", "FINAL_SETTLEMENT"]
    assert state.clob.clob_pairs[BTC_PAIR].status is ClobPairStatus.FINAL_SETTLEMENT
    assert not state.clob.resting


def test_clob_4_step_and_tick_may_shrink_to_divisors():
    """CLOB-4: step 1_000_000 -> 500_000 and tick 100_000 -> 10_000 are divisors: accepted."""
    state = funded()
    ok(state, update_clob_pair(AUTHORITY, BTC_PAIR, 0, "STATUS_ACTIVE", step=500_000, subticks_per_tick=10_000))
    pair = state.clob.clob_pairs[BTC_PAIR]
    assert (pair.step_base_quantums, pair.subticks_per_tick) == (500_000, 10_000)


@pytest.mark.parametrize(
    "message, code",
    [
        (update_clob_pair(ALICE, BTC_PAIR, 0, "STATUS_FINAL_SETTLEMENT"), "UNAUTHORIZED"),
        (update_clob_pair(AUTHORITY, 99, 0, "STATUS_ACTIVE"), "INVALID_CLOB_PAIR_UPDATE"),
        (update_clob_pair(AUTHORITY, BTC_PAIR, 1, "STATUS_ACTIVE"), "INVALID_CLOB_PAIR_UPDATE"),
        (
            update_clob_pair(AUTHORITY, BTC_PAIR, 0, "STATUS_ACTIVE", quantum_conversion_exponent=-8),
            "INVALID_CLOB_PAIR_UPDATE",
        ),
        (update_clob_pair(AUTHORITY, BTC_PAIR, 0, "STATUS_ACTIVE", step=2_000_000), "INVALID_CLOB_PAIR_UPDATE"),
        (update_clob_pair(AUTHORITY, BTC_PAIR, 0, "STATUS_ACTIVE", step=300_000), "INVALID_CLOB_PAIR_UPDATE"),
        (
            update_clob_pair(AUTHORITY, BTC_PAIR, 0, "STATUS_ACTIVE", subticks_per_tick=30_000),
            "INVALID_CLOB_PAIR_UPDATE",
        ),
        (update_clob_pair(AUTHORITY, BTC_PAIR, 0, "STATUS_INITIALIZING"), "INVALID_CLOB_PAIR_STATUS_TRANSITION"),
        (update_clob_pair(AUTHORITY, BTC_PAIR, 0, "STATUS_PAUSED"), "INVALID_CLOB_PAIR_PARAMETER"),
        (update_clob_pair(AUTHORITY, BTC_PAIR, 0, "STATUS_ACTIVE", step=0), "INVALID_CLOB_PAIR_PARAMETER"),
        (update_clob_pair(AUTHORITY, BTC_PAIR, 0, "STATUS_ACTIVE", subticks_per_tick=0), "INVALID_CLOB_PAIR_PARAMETER"),
        (update_clob_pair(AUTHORITY, BTC_PAIR, 0, "STATUS_NOPE"), "INVALID_FIELD"),
    ],
)
def test_clob_4_refused_updates_change_nothing(message, code):
    """CLOB-4: each refusal has its stable code and leaves the state byte-for-byte unchanged (TX-2)."""
    apply_rejected(funded(), message, code)


def test_clob_4_final_settlement_may_only_go_back_to_initializing():
    """CLOB-4: FINAL_SETTLEMENT -> ACTIVE is refused; FINAL_SETTLEMENT -> INITIALIZING is accepted."""
    state = funded()
    ok(state, update_clob_pair(AUTHORITY, BTC_PAIR, 0, "STATUS_FINAL_SETTLEMENT"))
    apply_rejected(
        state, update_clob_pair(AUTHORITY, BTC_PAIR, 0, "STATUS_ACTIVE"), "INVALID_CLOB_PAIR_STATUS_TRANSITION"
    )
    ok(state, update_clob_pair(AUTHORITY, BTC_PAIR, 0, "STATUS_INITIALIZING"))
