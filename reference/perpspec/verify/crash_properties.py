"""
Hypothesis properties of the risk engine's block phases under price crashes (spec/claims.md:
SOLV-3, CONS-5; spec/liquidations.md LIQ-11..13; spec/deleveraging.md DEL-2..5).

Hypothesis draws a small market: pairs of leveraged longs and shorts on BTC-USD, a market maker's
bids and asks around the oracle price, an insurance fund, and a path of oracle moves, each
followed by a block.  After every block:

- SOLV-3: the insurance fund is not negative, and the state invariants hold (CONS-1, POS-1);
- CONS-5: every deleveraging fill moved USDC and base quantums only between its two parties,
  zero-sum, and left the offsetting subaccount initially collateralized or no riskier (SUB-8);
- SOLV-4: after the moves and three quiet blocks, an unfilled liquidation left with negative TNC has
  no opposite holder that could take its offset (when the block's unfilled liquidations fit its 10
  deleveraging attempts);
- LIQ-11: the incremental risk watch decides as a full scan does: the same block run on a copy
  whose watch is rebuilt from scratch (looking at every subaccount) ends in the same state hash.
"""

from __future__ import annotations

import copy
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from perpspec.codec import state_hash
from perpspec.conformance.builders import (
    AUTHORITY,
    BTC,
    BUY,
    ONE_BTC,
    SELL,
    advance_block,
    make_genesis,
    order,
    place,
    subaccount_entry,
    update_prices,
)
from perpspec.deleveraging import MAX_DELEVERAGING_ATTEMPTS_PER_BLOCK, process_deleveraging_fill
from perpspec.errors import ProtocolError
from perpspec.genesis import load_genesis
from perpspec.invariants import check_state_invariants
from perpspec.margin import Risk, is_initially_collateralized, risk_compare
from perpspec.simulation import account
from perpspec.state import RiskWatch, State
from perpspec.subaccounts import get_settled_subaccount, get_subaccount_risk
from perpspec.transition import apply_json
from perpspec.types import SubaccountId

ORACLE = 2_868_819_524
"""The default genesis's BTC-USD price (exponent -5), which is also its price in subticks."""
TICK = 100_000
MAKER = account("crash-maker")


def _risk(state: State, subaccount_id: SubaccountId) -> Risk:
    stored = state.subaccounts.subaccounts.get(subaccount_id)
    if stored is None:
        return Risk(0, 0, 0)
    settled, _ = get_settled_subaccount(state, stored)
    return get_subaccount_risk(state, settled)


def _crash_genesis(pairs: list[tuple[int, int, int]], insurance_fund: int) -> dict:
    """``pairs``: (size in 0.01 BTC, long margin in ppm of notional, short margin in ppm) per long/short pair."""
    entries = [subaccount_entry(MAKER, 0, 10**15, [])]
    for index, (size, long_margin, short_margin) in enumerate(pairs):
        quantums = size * ONE_BTC // 100
        notional = quantums * ORACLE // 10**9
        entries.append(
            subaccount_entry(account(f"long{index}"), 0, -notional + notional * long_margin // 10**6, [(BTC, quantums)])
        )
        entries.append(
            subaccount_entry(
                account(f"short{index}"), 0, notional + notional * short_margin // 10**6, [(BTC, -quantums)]
            )
        )
    return make_genesis(entries, insuranceFund=str(insurance_fund))


def _check_deleveraging_fills(before: State, after: State, events: list[dict[str, Any]]) -> None:
    """CONS-5: each deleveraging fill's two updates sum to zero in USDC (funding aside) and base."""
    updates = [e for e in events if e["type"] in ("DeleveragingFill", "SubaccountUpdate")]
    for index, event in enumerate(updates):
        if event["type"] != "DeleveragingFill":
            continue
        liquidated, offsetting = updates[index + 1], updates[index + 2]
        assert liquidated["subaccountId"] == event["liquidated"], (
            "CONS-5: a deleveraging fill's first update is the liquidated side"
        )
        assert offsetting["subaccountId"] == event["offsetting"], "CONS-5: its second update is the offsetting side"
        offsetting_id = SubaccountId(event["offsetting"]["owner"], event["offsetting"]["number"])
        old, new = _risk(before, offsetting_id), _risk(after, offsetting_id)
        if is_initially_collateralized(old):
            continue  # checked by the collateral check itself; a later fill of the block may move it again
        assert new.mmr <= old.mmr or is_initially_collateralized(new), (
            "CONS-5: deleveraging raised an under-collateralized offsetting account's maintenance margin"
        )
        assert (
            is_initially_collateralized(new)
            or risk_compare(new.nc, new.mmr, old.nc, old.mmr) <= 0
            or (new.mmr == 0 and old.mmr == 0)
        ), "CONS-5: deleveraging left the offsetting account riskier"


def _unfilled_liquidations(events: list[dict[str, Any]]) -> list[SubaccountId]:
    """The subaccounts whose liquidation order filled nothing this block, in the order they were tried (LIQ-12)."""
    ordered: list[SubaccountId] = []
    filled: set[SubaccountId] = set()
    for event in events:
        if event["type"] == "LiquidationOrder":
            ordered.append(SubaccountId(event["subaccountId"]["owner"], event["subaccountId"]["number"]))
        elif event["type"] == "LiquidationFill":
            filled.add(SubaccountId(event["liquidated"]["owner"], event["liquidated"]["number"]))
    return [subaccount_id for subaccount_id in ordered if subaccount_id not in filled]


def _check_no_offsettable_negative_tnc(state: State, events: list[dict[str, Any]]) -> None:
    """
    SOLV-4: after a quiet block (no price move) whose unfilled liquidations fit its deleveraging
    attempts (DEL-4), none of them is left with negative TNC and an open position while an
    opposite-side holder could still take the offset: on a copy of the state, each such fill fails
    its collateral check (DEL-2, DEL-3).  Within the block of a move, a holder that refused may be
    able to take the offset after later fills; the quiet block after it tries again.
    """
    unfilled = _unfilled_liquidations(events)
    if len(unfilled) > MAX_DELEVERAGING_ATTEMPTS_PER_BLOCK:
        return
    for subaccount_id in unfilled:
        stored = state.subaccounts.subaccounts.get(subaccount_id)
        if stored is None or BTC not in stored.positions or _risk(state, subaccount_id).nc >= 0:
            continue
        remaining = -stored.positions[BTC].quantums
        for other_id, other in state.subaccounts.subaccounts.items():
            held = other.positions.get(BTC)
            if other_id == subaccount_id or held is None or (held.quantums > 0) != (remaining > 0):
                continue
            fill = remaining if abs(remaining) <= abs(held.quantums) else held.quantums
            trial = copy.deepcopy(state)
            try:
                process_deleveraging_fill(trial, subaccount_id, other_id, BTC, fill, False, [])
            except ProtocolError:
                continue
            raise AssertionError(
                f"SOLV-4: {subaccount_id.owner} keeps negative TNC while {other_id.owner} could take its offset"
            )


def _total_usdc(state: State) -> int:
    bank = state.bank
    held = sum(s.usdc_balance for s in state.subaccounts.subaccounts.values())
    return held + bank.insurance_fund + bank.fee_collector + bank.funding_pool


PAIRS = st.lists(
    st.tuples(st.integers(1, 30), st.integers(-30_000, 120_000), st.integers(-30_000, 120_000)), min_size=2, max_size=5
)
MOVES = st.lists(st.integers(-250_000, 250_000), min_size=1, max_size=4)
BOOK = st.lists(st.tuples(st.booleans(), st.integers(1, 400), st.integers(1, 40)), min_size=0, max_size=6)


@given(PAIRS, st.integers(0, 2 * 10**9), BOOK, MOVES)
def _crashes_keep_the_fund_and_deleveraging_sound(
    pairs: list[tuple[int, int, int]], insurance_fund: int, book: list[tuple[bool, int, int]], moves: list[int]
) -> None:
    state = load_genesis(_crash_genesis(pairs, insurance_fund))
    for client_id, (is_buy, ticks_away, size) in enumerate(book):
        subticks = ORACLE // TICK * TICK + (-ticks_away if is_buy else ticks_away) * TICK * 10
        message = place(
            MAKER,
            order(
                MAKER, client_id, BUY if is_buy else SELL, size * ONE_BTC // 100, subticks, gtb=state.blocks.height + 10
            ),
        )
        assert apply_json(state, message).accepted
    price = ORACLE
    deposited = state.bank.total_deposited - state.bank.total_withdrawn
    for move in moves:
        price = max(1, price + price * move // 10**6)
        assert apply_json(
            state, update_prices(AUTHORITY, [(BTC, [(f"s{i}", price, state.blocks.time) for i in range(3)])])
        ).accepted
        before = copy.deepcopy(state)
        full_scan = copy.deepcopy(state)
        full_scan.risk_watch = RiskWatch()
        block = advance_block(AUTHORITY, state.blocks.height + 1, state.blocks.time + 1)
        outcome = apply_json(state, block)
        assert outcome.accepted and outcome.events is not None
        assert state.bank.insurance_fund >= 0, "SOLV-3: a block left the insurance fund negative"
        assert _total_usdc(state) == deposited, "CONS-1: the block created or destroyed USDC"
        violations = check_state_invariants(state)
        assert not violations, "CONS-1/POS-1: " + "; ".join(violations)
        _check_deleveraging_fills(before, state, outcome.events)
        assert apply_json(full_scan, block).accepted
        assert state_hash(full_scan) == state_hash(state), (
            "LIQ-11 (SOLV-3): the incremental risk watch decided differently from a full scan"
        )
    for _ in range(3):
        quiet = advance_block(AUTHORITY, state.blocks.height + 1, state.blocks.time + 1)
        outcome = apply_json(state, quiet)
        assert outcome.accepted and outcome.events is not None
        assert state.bank.insurance_fund >= 0, "SOLV-3: a block left the insurance fund negative"
    _check_no_offsettable_negative_tnc(state, outcome.events or [])
