"""
Per-rule tests of matching (spec/clob.md, MATCH-3..MATCH-7): self-trades, makers and takers
failing their collateral check, post-only, IOC, and the add-to-book check.

Through ``apply_json`` on the default genesis (GEN-1), accounts funded by deposits; the
builders' variants, readers and the worked BTC-USD numbers are in helpers/clob.py.  In
short, on BTC-USD (clob pair 0): quote = floor(subticks * q / 1e9); taker fee
ceil(quote * 500 / 1e6), maker fee ceil(quote * 100 / 1e6) with the standard tier 1.
"""

from __future__ import annotations

from helpers.clob import (
    ASK,
    BID,
    MAKER_PPM,
    START,
    TICK,
    USD,
    book,
    deposit_to,
    fee_of,
    fills,
    funded,
    of_type,
    ok,
    place,
    quote_of,
    remaining,
)
from helpers.ledger import position, usdc
from perpspec import subaccounts as subaccounts_module
from perpspec.conformance.builders import (
    ALICE,
    BOB,
    BUY,
    CAROL,
    DAVE,
    IOC,
    MALLORY,
    POST_ONLY,
    SELL,
    STEP,
    removals,
    withdraw,
)
from perpspec.state import PerpetualPosition, Subaccount
from perpspec.transition import full_state_bytes
from perpspec.types import SubaccountId


def test_self_trade_removes_the_maker():
    """MATCH-3: the taker's own resting order is removed with no fill, and matching goes on."""
    state = funded(ALICE, BOB)
    ok(state, place(ALICE, 1, BUY, STEP, BID))
    ok(state, place(BOB, 1, BUY, STEP, BID - TICK))
    events = ok(state, place(ALICE, 2, SELL, STEP, BID - TICK, tif=IOC))
    assert [e["type"] for e in events] == [
        "OrderPlaced",
        "OrderRemoved",
        "OrderFill",
        "SubaccountUpdate",
        "SubaccountUpdate",
        "OrderRemoved",
        "OrderRemoved",
    ]
    assert removals(events) == [(ALICE, 1, "SELF_TRADE"), (BOB, 1, "FULLY_FILLED"), (ALICE, 2, "FULLY_FILLED")]
    assert fills(events) == [(ALICE, BOB, STEP, BID - TICK)]
    # Another subaccount of the same owner is another party
    ok(state, deposit_to(ALICE, 1))
    ok(state, place(ALICE, 3, BUY, STEP, BID))
    events = ok(state, place(ALICE, 4, SELL, STEP, BID, tif=IOC, number=1))
    assert fills(events) == [(ALICE, ALICE, STEP, BID)]


def _poor_maker(state, owner: str, client_id: int, side: str, subticks: int) -> None:
    """A resting order whose owner then withdraws almost everything, so its fills fail the collateral check."""
    ok(state, deposit_to(owner, 0, 100 * USD))
    ok(state, place(owner, client_id, side, 10 * STEP, subticks))
    ok(state, withdraw(owner, {"owner": owner, "number": 0}, 100 * USD - 100_000))
    assert usdc(state, owner) == 100_000


def test_undercollateralized_maker_is_removed_and_matching_goes_on():
    """MATCH-4, SOLV-2: a maker failing its check is removed (UNDERCOLLATERALIZED) with no balance change."""
    state = funded(BOB, CAROL)
    _poor_maker(state, MALLORY, 1, BUY, BID)
    ok(state, place(CAROL, 1, BUY, 10 * STEP, BID - TICK))
    events = ok(state, place(BOB, 1, SELL, 10 * STEP, BID - TICK, tif=IOC))
    assert removals(events) == [
        (MALLORY, 1, "UNDERCOLLATERALIZED"),
        (CAROL, 1, "FULLY_FILLED"),
        (BOB, 1, "FULLY_FILLED"),
    ]
    assert fills(events) == [(BOB, CAROL, 10 * STEP, BID - TICK)]
    assert usdc(state, MALLORY) == 100_000 and position(state, MALLORY) == 0


def test_undercollateralized_taker_stops_matching():
    """MATCH-4: a taker failing its check stops; its remainder is removed; no balance changes."""
    state = funded(BOB, DAVE)
    ok(state, place(DAVE, 1, SELL, 10 * STEP, ASK))
    ok(state, deposit_to(MALLORY, 0, 100_000))
    before = full_state_bytes(state)
    fee_collector = state.bank.fee_collector
    events = ok(state, place(MALLORY, 1, BUY, 10 * STEP, ASK, tif=IOC))
    assert [e["type"] for e in events] == ["OrderPlaced", "OrderRemoved"]
    assert removals(events) == [(MALLORY, 1, "UNDERCOLLATERALIZED")]
    assert usdc(state, MALLORY) == 100_000 and usdc(state, DAVE) == START
    assert state.bank.fee_collector == fee_collector and remaining(state, DAVE, 1) == 10 * STEP
    assert full_state_bytes(state) == before  # a short-term IOC leaves nothing behind
    # A good-til-time taker failing the check is removed too, not rested
    events = ok(state, place(MALLORY, 2, BUY, 10 * STEP, ASK))
    assert removals(events) == [(MALLORY, 2, "UNDERCOLLATERALIZED")] and remaining(state, MALLORY, 2) is None


def test_post_only_never_fills():
    """MATCH-5: a crossing post-only order is removed at the first fill that would pass; makers removed on the way stay removed."""
    state = funded(BOB, CAROL)
    ok(state, place(CAROL, 9, SELL, STEP, ASK))  # Carol's own ask: a self-trade for her
    _poor_maker(state, MALLORY, 1, SELL, ASK)
    ok(state, place(BOB, 1, SELL, 2 * STEP, ASK + TICK))
    balances = (usdc(state, BOB), usdc(state, CAROL), usdc(state, MALLORY), state.bank.fee_collector)
    events = ok(state, place(CAROL, 1, BUY, 10 * STEP, ASK + TICK, tif=POST_ONLY))
    assert removals(events) == [
        (CAROL, 9, "SELF_TRADE"),
        (MALLORY, 1, "UNDERCOLLATERALIZED"),
        (CAROL, 1, "POST_ONLY_WOULD_CROSS_MAKER_ORDER"),
    ]
    assert fills(events) == []
    assert (usdc(state, BOB), usdc(state, CAROL), usdc(state, MALLORY), state.bank.fee_collector) == balances
    assert book(state)["asks"] == [(BOB, 1, ASK + TICK)]
    # A post-only order that does not cross rests
    events = ok(state, place(CAROL, 2, BUY, STEP, ASK))
    assert of_type(events, "OrderOnBook")


def test_ioc_remainder_never_rests():
    """MATCH-6: an IOC order's remainder is removed with IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK."""
    state = funded(ALICE, BOB)
    ok(state, place(BOB, 1, SELL, 2 * STEP, ASK))
    events = ok(state, place(ALICE, 1, BUY, 5 * STEP, ASK + TICK, tif=IOC))
    assert fills(events) == [(ALICE, BOB, 2 * STEP, ASK)]
    assert removals(events)[-1] == (ALICE, 1, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK")
    assert state.clob.resting == {}
    assert state.clob.fill_amounts  # the short-term IOC id keeps its fill amount (ORDER-11)
    events = ok(state, place(ALICE, 2, BUY, 5 * STEP, BID, tif=IOC))
    assert removals(events) == [(ALICE, 2, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK")] and not fills(events)


def _rest_threshold(state, subticks: int, quantums: int) -> tuple[int, int]:
    """The least USDC with which a buy of ``quantums`` at ``subticks`` passes the add-to-book check, and its maker fee."""
    quote = quote_of(subticks, quantums)
    fee = fee_of(quote, MAKER_PPM)
    probe = Subaccount(SubaccountId(ALICE, 9), usdc_balance=-quote - fee)
    probe.positions[0] = PerpetualPosition(0, quantums, 0)
    risk = subaccounts_module.get_subaccount_risk(state, probe)
    return risk.imr - risk.nc, fee


def test_add_to_book_check_counts_the_whole_remainder_and_the_maker_fee():
    """MATCH-7: a remainder rests only if the subaccount bears it filled at its price with the maker fee."""
    state = funded()
    price, size = BID - 10 * TICK, 100 * STEP
    needed, fee = _rest_threshold(state, price, size)
    assert fee == 28_678 and needed > fee  # quote 286_780_000, fee ceil(28_678.0)
    ok(state, deposit_to(CAROL, 0, needed))
    ok(state, deposit_to(DAVE, 0, needed - 1))
    assert of_type(ok(state, place(CAROL, 1, BUY, size, price)), "OrderOnBook")
    # One quantum short: a check without the maker fee would have let it rest
    assert removals(ok(state, place(DAVE, 1, BUY, size, price))) == [(DAVE, 1, "UNDERCOLLATERALIZED")]
    assert removals(ok(state, place(DAVE, 2, BUY, size, price, tif=POST_ONLY))) == [(DAVE, 2, "UNDERCOLLATERALIZED")]
    assert of_type(ok(state, place(DAVE, 3, BUY, size - STEP, price)), "OrderOnBook")


def test_fills_before_a_failed_add_to_book_check_stay():
    """MATCH-7: fills made before the remainder fails the add-to-book check stay."""
    state = funded(BOB)
    ok(state, deposit_to(DAVE, 0, 10 * USD))
    ok(state, place(BOB, 1, SELL, STEP, ASK))
    events = ok(state, place(DAVE, 1, BUY, 1_000 * STEP, ASK))
    assert fills(events) == [(DAVE, BOB, STEP, ASK)]
    assert removals(events) == [(BOB, 1, "FULLY_FILLED"), (DAVE, 1, "UNDERCOLLATERALIZED")]
    assert position(state, DAVE) == STEP and state.clob.resting == {}
