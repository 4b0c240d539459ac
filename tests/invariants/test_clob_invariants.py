"""
Per-rule tests of the book's invariants (spec/invariants.md, INV-9, INV-10): the full scan
detects what it should.

Through ``apply_json`` on the default genesis (GEN-1), accounts funded by deposits; the
builders' variants, readers and the worked BTC-USD numbers are in helpers/clob.py.  In
short, on BTC-USD (clob pair 0): quote = floor(subticks * q / 1e9); taker fee
ceil(quote * 500 / 1e6), maker fee ceil(quote * 100 / 1e6) with the standard tier 1.
"""

from __future__ import annotations

import copy

from helpers.clob import ASK, BID, SHORT, TICK, funded, ok, place
from perpspec.clob.book import BookOrder
from perpspec.clob.state import Order
from perpspec.codec import encode_state
from perpspec.conformance.builders import ALICE, BOB, BUY, SELL, STEP
from perpspec.genesis import load_genesis
from perpspec.invariants import check_clob_invariants, check_state_invariants
from perpspec.types import OrderId, SubaccountId


def test_invariant_scan_detects_a_crossed_or_inconsistent_book():
    """INV-9, INV-10: check_clob_invariants reports crossing, misfiling, IOC or empty resting orders and a negative collector."""
    base = funded(ALICE, BOB)
    ok(base, place(ALICE, 1, BUY, 2 * STEP, BID))
    ok(base, place(BOB, 1, SELL, 2 * STEP, ASK))
    assert check_clob_invariants(base) == [] and check_state_invariants(base) == []
    snapshot = encode_state(base)

    def fresh():
        return load_genesis(copy.deepcopy(snapshot))

    def rest(state, order_value: Order) -> BookOrder:
        return state.clob.add_resting(order_value)

    bob_id = SubaccountId(BOB, 0)
    # INV-9: a bid at the best ask
    state = fresh()
    rest(state, Order(OrderId(bob_id, 5, SHORT, 0), 1, STEP, ASK, good_til_block=20))
    assert any(v.startswith("INV-9") for v in check_clob_invariants(state))
    # INV-10: an IOC order resting
    state = fresh()
    rest(state, Order(OrderId(bob_id, 5, SHORT, 0), 1, STEP, BID - TICK, good_til_block=20, time_in_force=1))
    assert any("IOC" in v for v in check_clob_invariants(state))
    # INV-10: nothing left to fill
    state = fresh()
    entry = next(iter(state.clob.resting.values()))
    state.clob.fill_amounts[entry.order_id] = entry.order.quantums
    assert any("nothing left" in v for v in check_clob_invariants(state))
    # INV-10: resting and untriggered at once
    state = fresh()
    first = next(iter(state.clob.resting.values()))
    state.clob.untriggered[first.order_id] = first.order
    assert any("untriggered" in v for v in check_clob_invariants(state))
    # INV-10: an index entry without a book entry, or filed under another id
    state = fresh()
    state.clob.resting[OrderId(bob_id, 99, SHORT, 0)] = next(iter(state.clob.resting.values()))
    assert any(v.startswith("INV-10") for v in check_clob_invariants(state))
    # INV-10: a negative fee collector
    state = fresh()
    state.bank.fee_collector = -1
    assert any("fee collector" in v for v in check_clob_invariants(state))
