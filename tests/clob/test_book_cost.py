"""
Per-rule tests of the book's cost, structurally (spec/clob.md, BOOK-3): a cancel, a fill and a
new resting order on 10,000 resting orders cost what they cost on 100.

Through ``apply_json`` on the default genesis (GEN-1), accounts funded by deposits; the
builders' variants, readers and the worked BTC-USD numbers are in helpers/clob.py.  In
short, on BTC-USD (clob pair 0): quote = floor(subticks * q / 1e9); taker fee
ceil(quote * 500 / 1e6), maker fee ceil(quote * 100 / 1e6) with the standard tier 1.
"""

from __future__ import annotations

import copy

import pytest

from helpers.clob import ASK, BID, START, TICK, cancel, order, place
from perpspec import subaccounts as subaccounts_module
from perpspec import transition
from perpspec.clob import book as book_module
from perpspec.conformance.builders import ALICE, BUY, IOC, SELL, STEP, make_genesis, subaccount_entry
from perpspec.genesis import load_genesis
from perpspec.invariants import check_clob_invariants
from perpspec.simulation import account
from perpspec.transition import apply_json


class Counts:
    def __init__(self) -> None:
        self.calls: dict[str, int] = {}

    def wrap(self, monkeypatch, owner, name: str) -> None:
        original = getattr(owner, name)
        key = f"{getattr(owner, '__name__', owner)}.{name}"

        def counted(*args, **kwargs):
            self.calls[key] = self.calls.get(key, 0) + 1
            return original(*args, **kwargs)

        monkeypatch.setattr(owner, name, counted)


def _big_book_genesis(orders: int, traders: int, bystanders: int) -> dict:
    """A book of ``orders`` resting bids on 100 price levels, and ``bystanders`` subaccounts holding positions."""
    makers = [account(f"maker-{i}") for i in range(traders)]
    others = [account(f"bystander-{i}") for i in range(bystanders)]
    entries = [subaccount_entry(m, usdc=10**12) for m in makers]
    entries += [
        subaccount_entry(o, usdc=10**9, positions=[(1, STEP if i % 2 else -STEP)]) for i, o in enumerate(others)
    ]
    entries += [subaccount_entry(ALICE, usdc=START)]
    genesis = make_genesis(entries)
    bids = []
    for level in range(100):
        for k in range(orders // 100):
            n = level * (orders // 100) + k
            bids.append(order(makers[n % traders], n, BUY, STEP, BID - level * TICK, gtb=20))
    asks = [order(makers[0], orders + 1, SELL, STEP, ASK, gtb=20)]
    genesis["clob"] |= {
        "books": [{"clobPairId": 0, "bids": bids, "asks": asks}],
        "untriggeredOrders": [],
        "fillAmounts": [],
        "shortTermCancels": [],
    }
    return genesis


def _level_shape(state) -> dict:
    side = state.clob.books[0].bids
    return {price: (level.live, len(level.queue)) for price, level in side.levels.items()}


def _measure(monkeypatch, state, message) -> tuple[dict, list]:
    counts = Counts()
    for name in ("orders", "front"):
        counts.wrap(monkeypatch, book_module.Level, name)
    for name in ("levels_best_first", "remove", "add", "best"):
        counts.wrap(monkeypatch, book_module.Side, name)
    counts.wrap(monkeypatch, subaccounts_module, "get_position_risk")
    monkeypatch.setattr(transition, "CONTRACTS_STRICT", False)  # contracts on, without the O(state) strict checks
    before = _level_shape(state)
    outcome = apply_json(state, message)
    monkeypatch.undo()
    assert outcome.accepted, outcome.error
    after = _level_shape(state)
    changed = sorted(p for p in set(before) | set(after) if before.get(p) != after.get(p))
    return counts.calls, changed


@pytest.fixture(scope="module")
def books():
    small = _big_book_genesis(orders=100, traders=10, bystanders=10)
    large = _big_book_genesis(orders=10_000, traders=10, bystanders=1_000)
    return small, large


def test_cancel_touches_one_level(monkeypatch, books):
    """BOOK-3: cancelling one of 10,000 resting orders touches its level only, and costs what it costs on 100."""
    results = []
    for genesis in books:
        state = load_genesis(copy.deepcopy(genesis))
        n = len(state.clob.resting)
        victim = next(e for e in state.clob.resting.values() if e.order.subticks == BID - 50 * TICK)
        owner, client_id = victim.order_id.subaccount_id.owner, victim.order_id.client_id
        calls, changed = _measure(monkeypatch, state, cancel(owner, client_id, gtb=20))
        assert changed == [BID - 50 * TICK]
        assert calls.get("Side.remove") == 1
        assert "Level.orders" not in calls and "Side.levels_best_first" not in calls
        assert len(state.clob.resting) == n - 1
        results.append(calls)
    assert results[0] == results[1]


def test_matching_and_resting_cost_does_not_grow_with_the_book_or_the_accounts(monkeypatch, books):
    """BOOK-3: a fill against the best of 10,000 bids and a new resting order cost the same as on a book of 100."""
    per_book = []
    for genesis in books:
        state = load_genesis(copy.deepcopy(genesis))
        fill_calls, fill_changed = _measure(
            monkeypatch, state, place(ALICE, 1, SELL, STEP, BID - 1_000 * TICK, tif=IOC)
        )
        assert fill_changed == [BID]  # only the best level
        assert "Level.orders" not in fill_calls and "Side.levels_best_first" not in fill_calls
        # the collateral checks read the two parties' positions only, never the 1,000 bystanders'
        assert fill_calls["perpspec.subaccounts.get_position_risk"] <= 20
        rest_calls, rest_changed = _measure(monkeypatch, state, place(ALICE, 2, BUY, STEP, BID - 500 * TICK))
        assert rest_changed == [BID - 500 * TICK] and rest_calls.get("Side.add") == 1
        assert "Level.orders" not in rest_calls and "Side.levels_best_first" not in rest_calls
        per_book.append((fill_calls, rest_calls))
    assert per_book[0] == per_book[1]
    assert check_clob_invariants(state) == []
