"""
Invariants: the predicates that transitions' icontract conditions use, and the full-state scans (spec/invariants.md).

Every predicate here costs O(what the transition touches) (INV-7): the subaccounts a
message names, and the perpetuals they hold.  ``check_state_invariants`` is the one
full scan; tests and ``perpspec verify`` call it between steps, never a transition.

Whether the conditions run is ``perpspec.config.CONTRACTS_ENABLED`` (INV-8).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, TypeVar

import icontract

from perpspec.config import CONTRACTS_ENABLED
from perpspec.margin import Risk, is_initially_collateralized
from perpspec.state import State, Subaccount
from perpspec.subaccounts import get_settled_subaccount, get_subaccount, get_subaccount_risk
from perpspec.types import MAX_SUBACCOUNT_NUMBER, SubaccountId

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class LedgerSnapshot:
    """What a transition's postconditions compare against: the touched part of the state before."""

    usdc: dict[SubaccountId, int]
    longs: dict[int, int]
    open_interest: dict[int, int]
    net_deposits: int
    protocol_balances: int
    collateralized: dict[SubaccountId, bool]


def _stored_or_empty(state: State, subaccount_id: SubaccountId) -> Subaccount:
    return state.subaccounts.subaccounts.get(subaccount_id) or Subaccount(subaccount_id)


def _touched_perpetuals(state: State, ids: Iterable[SubaccountId]) -> set[int]:
    return {pid for sid in ids for pid in _stored_or_empty(state, sid).positions}


def _longs(state: State, ids: Iterable[SubaccountId], perpetual_ids: Iterable[int]) -> dict[int, int]:
    totals = dict.fromkeys(perpetual_ids, 0)
    for sid in ids:
        for pid, position in _stored_or_empty(state, sid).positions.items():
            if pid in totals:
                totals[pid] += max(position.quantums, 0)
    return totals


def settled_risk(state: State, subaccount_id: SubaccountId) -> Risk:
    """The subaccount's risk after funding settlement, as the collateral check sees it."""
    settled, _ = get_settled_subaccount(state, get_subaccount(state, subaccount_id))
    return get_subaccount_risk(state, settled)


def take_snapshot(state: State, ids: Iterable[SubaccountId]) -> LedgerSnapshot:
    """The touched subaccounts' USDC, longs and collateralization, and the global totals."""
    ids = list(dict.fromkeys(ids))
    perpetual_ids = _touched_perpetuals(state, ids)
    return LedgerSnapshot(
        usdc={sid: _stored_or_empty(state, sid).usdc_balance for sid in ids},
        longs=_longs(state, ids, perpetual_ids),
        open_interest={pid: state.perpetuals.perpetuals[pid].open_interest for pid in perpetual_ids},
        net_deposits=state.bank.total_deposited - state.bank.total_withdrawn,
        protocol_balances=protocol_balances(state),
        collateralized={sid: is_initially_collateralized(settled_risk(state, sid)) for sid in ids},
    )


def protocol_balances(state: State) -> int:
    """USDC the protocol holds outside subaccounts: insurance fund, fee collector, funding pool."""
    return state.bank.insurance_fund + state.bank.fee_collector + state.bank.funding_pool


def conserves_usdc(state: State, before: LedgerSnapshot) -> bool:
    """
    INV-1 in delta form: the change of USDC held (touched subaccounts, insurance fund,
    fee collector, funding pool) equals the change of deposits minus withdrawals.
    """
    held_change = sum(_stored_or_empty(state, sid).usdc_balance - usdc for sid, usdc in before.usdc.items())
    held_change += protocol_balances(state) - before.protocol_balances
    return held_change == (state.bank.total_deposited - state.bank.total_withdrawn) - before.net_deposits


def has_no_zero_positions(state: State, ids: Iterable[SubaccountId]) -> bool:
    """INV-2: no touched subaccount holds a position of size zero, and none is stored empty."""
    for sid in ids:
        stored = state.subaccounts.subaccounts.get(sid)
        if stored is None:
            continue
        if stored.is_empty() or any(p.quantums == 0 for p in stored.positions.values()):
            return False
    return True


def open_interest_follows_longs(state: State, before: LedgerSnapshot) -> bool:
    """INV-3 in delta form: each touched perpetual's open interest moved by the change of its longs."""
    after_longs = _longs(state, before.usdc.keys(), before.longs.keys())
    return all(
        state.perpetuals.perpetuals[pid].open_interest - before.open_interest[pid]
        == after_longs[pid] - before.longs[pid]
        for pid in before.longs
    )


def not_newly_undercollateralized(state: State, before: LedgerSnapshot, subaccount_id: SubaccountId) -> bool:
    """INV-5: a subaccount that met its initial margin before still meets it after."""
    if not before.collateralized[subaccount_id]:
        return True
    return is_initially_collateralized(settled_risk(state, subaccount_id))


def ledger_contracts(touched: Callable[[Any], list[SubaccountId]]) -> Callable[[F], F]:
    """
    The postconditions every ledger transition carries, over the subaccounts ``touched(message)``.

    CONS-1 (INV-1) conservation, POS-1 (INV-2, INV-3) positions and open interest; a
    snapshot of the touched part of the state is taken before the call (INV-7).
    """

    def open_interest_follows_the_longs(state: State, OLD: Any) -> bool:
        return open_interest_follows_longs(state, OLD.ledger)

    def no_zero_positions(state: State, message: Any) -> bool:
        return has_no_zero_positions(state, touched(message))

    def usdc_is_conserved(state: State, OLD: Any) -> bool:
        return conserves_usdc(state, OLD.ledger)

    def snapshot_touched(state: State, message: Any) -> LedgerSnapshot:
        return take_snapshot(state, touched(message))

    def decorate(function: F) -> F:
        # Conditions are named functions, not lambdas, so icontract can name them in a violation.
        function = icontract.ensure(
            open_interest_follows_the_longs,
            "POS-1 (INV-3): open interest follows the sum of longs",
            enabled=CONTRACTS_ENABLED,
        )(function)
        function = icontract.ensure(
            no_zero_positions,
            "POS-1 (INV-2): no position of size zero, no stored empty subaccount",
            enabled=CONTRACTS_ENABLED,
        )(function)
        function = icontract.ensure(usdc_is_conserved, "CONS-1 (INV-1): USDC is conserved", enabled=CONTRACTS_ENABLED)(
            function
        )
        return icontract.snapshot(snapshot_touched, "ledger", enabled=CONTRACTS_ENABLED)(function)

    return decorate


def compute_usdc_held(state: State) -> int:
    """USDC held in the state: every subaccount's balance and the protocol's balances (INV-1)."""
    return sum(s.usdc_balance for s in state.subaccounts.subaccounts.values()) + protocol_balances(state)


def compute_longs_and_shorts(state: State) -> tuple[dict[int, int], dict[int, int]]:
    """Per perpetual, the sum of long positions and the sum of |short positions| (INV-3, INV-4)."""
    longs = dict.fromkeys(state.perpetuals.perpetuals, 0)
    shorts = dict.fromkeys(state.perpetuals.perpetuals, 0)
    for subaccount in state.subaccounts.subaccounts.values():
        for pid, position in subaccount.positions.items():
            if position.quantums > 0:
                longs[pid] = longs.get(pid, 0) + position.quantums
            else:
                shorts[pid] = shorts.get(pid, 0) - position.quantums
    return longs, shorts


def check_state_invariants(state: State) -> list[str]:
    """
    Every state invariant over the whole state, as a list of violations (empty when all hold).

    INV-1 conservation, INV-2 no zero positions or stored empty subaccounts, INV-3 open
    interest is the sum of longs, INV-4 longs equal shorts, INV-6 subaccount ids in range,
    and the clob's INV-9 and INV-10.
    """
    violations = []
    held = compute_usdc_held(state)
    if held != state.bank.total_deposited - state.bank.total_withdrawn:
        violations.append(f"INV-1: USDC held {held} != deposits - withdrawals")
    for sid, subaccount in state.subaccounts.subaccounts.items():
        if sid != subaccount.id or not 0 <= sid.number <= MAX_SUBACCOUNT_NUMBER:
            violations.append(f"INV-6: subaccount id {sid} is malformed")
        if subaccount.is_empty():
            violations.append(f"INV-2: subaccount {sid} is stored empty")
        for pid, position in subaccount.positions.items():
            if position.quantums == 0 or pid != position.perpetual_id:
                violations.append(f"INV-2: subaccount {sid} holds a zero or misfiled position in {pid}")
    longs, shorts = compute_longs_and_shorts(state)
    for pid, perpetual in state.perpetuals.perpetuals.items():
        if perpetual.open_interest != longs[pid]:
            violations.append(f"INV-3: perpetual {pid} open interest {perpetual.open_interest} != longs {longs[pid]}")
        if longs[pid] != shorts[pid]:
            violations.append(f"INV-4: perpetual {pid} longs {longs[pid]} != shorts {shorts[pid]}")
    violations.extend(check_clob_invariants(state))
    return violations


def is_book_uncrossed(state: State, clob_pair_id: int) -> bool:
    """INV-9 (BOOK-2) for one clob pair: best bid strictly below best ask (O(log n))."""
    book = state.clob.books.get(clob_pair_id)
    if book is None:
        return True
    best_bid, best_ask = book.bids.best(), book.asks.best()
    return best_bid is None or best_ask is None or best_bid.subticks < best_ask.subticks


def check_clob_invariants(state: State) -> list[str]:
    """INV-9 and INV-10 over every book (a full scan, for tests and verify)."""
    violations = []
    clob = state.clob
    seen = 0
    for pair_id, book in clob.books.items():
        if not is_book_uncrossed(state, pair_id):
            violations.append(f"INV-9: clob pair {pair_id} is crossed")
        for side in (book.bids, book.asks):
            if sorted(side.levels) != list(side.prices):
                violations.append(f"INV-10: clob pair {pair_id} price index disagrees with its levels")
            for price, level in side.levels.items():
                live = list(level.orders())
                if len(live) != level.live or not live:
                    violations.append(f"INV-10: clob pair {pair_id} level {price} count is wrong")
                for entry in live:
                    seen += 1
                    order = entry.order
                    if clob.resting.get(entry.order_id) is not entry or order.order_id.clob_pair_id != pair_id:
                        violations.append(f"INV-10: order {entry.order_id} is misfiled")
                    if order.subticks != price or entry.is_buy != side.is_bid:
                        violations.append(f"INV-10: order {entry.order_id} is on the wrong level or side")
                    if order.time_in_force == 1:
                        violations.append(f"INV-10: an IOC order {entry.order_id} rests")
                    if order.quantums - clob.fill_amounts.get(entry.order_id, 0) <= 0:
                        violations.append(f"INV-10: order {entry.order_id} rests with nothing left")
                    if entry.order_id in clob.untriggered:
                        violations.append(f"INV-10: order {entry.order_id} is both resting and untriggered")
    indexed = {
        (order.order_id.subaccount_id, order.order_id.clob_pair_id, order.order_id)
        for order in clob.untriggered.values()
        if order.reduce_only
    }
    if indexed != {(sid, pair, oid) for (sid, pair), ids in clob.reduce_only_waiting.items() for oid in ids}:
        violations.append("INV-10: the index of waiting reduce-only orders disagrees with the untriggered orders")
    if seen != len(clob.resting):
        violations.append(f"INV-10: {len(clob.resting)} resting orders indexed, {seen} on the books")
    if state.bank.fee_collector < 0:
        violations.append("INV-10: the fee collector's balance is negative")
    for perpetual_id, (low, high) in clob.trade_prices.items():
        if perpetual_id not in state.perpetuals.perpetuals or not 1 <= low <= high:
            violations.append(f"INV-10: the trade prices of perpetual {perpetual_id} are not 1 <= min <= max")
    return violations
