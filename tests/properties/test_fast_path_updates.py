"""
The update fast paths equal the general rules they stand for (BOOK-3):
``subaccounts.compute_settled_updates``'s settled subaccounts and payments (the stored
subaccount standing for an equal settled copy when nothing is to settle) =
``get_settled_subaccount``, and ``get_settled_subaccount`` = the general settlement loop
(FUND-1, FUND-2); ``validate_unique_updates``'s short cut = the general rule (SUB-5); and the
add-to-book check's short cut = ``check_updates`` (MATCH-7, SUB-7).

Each fast path the matching engine and the collateral check take for speed is checked
against the general, z3-capable function (or the general code it replaced, written out
here as the oracle) on drawn integer inputs, boundaries included.  Example counts are the
``ci`` hypothesis profile's (helpers.budget scales them by the profile).
"""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.budget import examples
from helpers.ledger import state_with_positions
from perpspec import errors
from perpspec.default_genesis import default_genesis_json
from perpspec.funding import funding_settlement_ppm, settlement_quote_quantums
from perpspec.genesis import load_genesis
from perpspec.simulation import account
from perpspec.state import PerpetualPosition, Subaccount
from perpspec.subaccounts import (
    Update,
    compute_settled_updates,
    copy_subaccount,
    get_settled_subaccount,
    validate_unique_updates,
)
from perpspec.types import SubaccountId


def general_settled_subaccount(state, subaccount):
    """The settlement loop as written before the fast paths (FUND-2): the oracle."""
    settled = copy_subaccount(subaccount)
    total_ppm = 0
    payments = {}
    for position in settled.positions.values():
        perpetual = state.perpetuals.perpetuals[position.perpetual_id]
        settlement_ppm, new_index = funding_settlement_ppm(
            perpetual.funding_index, position.funding_index, position.quantums
        )
        if settlement_ppm != 0:
            payments[position.perpetual_id] = -settlement_quote_quantums(settlement_ppm)
        total_ppm += settlement_ppm
        position.funding_index = new_index
    settled.usdc_balance += settlement_quote_quantums(total_ppm)
    return settled, payments


@given(
    data=st.lists(
        st.tuples(
            st.sampled_from([0, 1, 5]), st.integers(-(10**12), 10**12).filter(bool), st.integers(-(10**8), 10**8)
        ),
        max_size=3,
        unique_by=lambda t: t[0],
    ),
    usdc=st.integers(-(10**12), 10**12),
    indexes=st.tuples(st.integers(-(10**8), 10**8), st.integers(-(10**8), 10**8), st.integers(-(10**8), 10**8)),
    same=st.lists(st.booleans(), min_size=3, max_size=3),
    stored=st.booleans(),
)
@settings(max_examples=examples(500), deadline=None)
def test_settlement_fast_paths_equal_the_general_settlement(data, usdc, indexes, same, stored):
    state = load_genesis(copy.deepcopy(default_genesis_json()))
    for pid, index in zip((0, 1, 5), indexes):
        state.perpetuals.perpetuals[pid].funding_index = index
    sid = SubaccountId(account("fast-path"), 0)
    positions = {}
    for i, (pid, q, index) in enumerate(data):
        positions[pid] = PerpetualPosition(pid, q, state.perpetuals.perpetuals[pid].funding_index if same[i] else index)
    subaccount = Subaccount(sid, usdc, positions)
    if stored and not subaccount.is_empty():
        state.subaccounts.subaccounts[sid] = subaccount

    def shape(s):
        return json.dumps([s.usdc_balance, sorted((p, v.quantums, v.funding_index) for p, v in s.positions.items())])

    stored_before = shape(subaccount)
    expected = general_settled_subaccount(state, subaccount)
    assert get_settled_subaccount(state, subaccount) == expected
    if sid in state.subaccounts.subaccounts:
        settled_update = compute_settled_updates(state, [Update(sid, 5, ((0, 1_000_000),))])[0]
        assert (settled_update.settled, settled_update.funding_payments) == expected
        assert settled_update.settlement == expected[0].usdc_balance - usdc
        # the stored subaccount is never changed by the check
        after = state.subaccounts.subaccounts[sid]
        assert shape(after) == stored_before
    else:
        settled_update = compute_settled_updates(state, [Update(sid, 5, ())])[0]
        assert settled_update.settled == Subaccount(sid) and settled_update.funding_payments == {}


def general_validate_unique_updates(updates):
    subaccount_ids = [update.subaccount_id for update in updates]
    if len(set(subaccount_ids)) != len(subaccount_ids):
        raise errors.NonUniqueUpdates("a batch names a subaccount twice")
    for update in updates:
        perpetual_ids = [perpetual_id for perpetual_id, _ in update.perpetual_deltas]
        if len(set(perpetual_ids)) != len(perpetual_ids):
            raise errors.NonUniqueUpdates("twice")


@given(
    st.lists(
        st.tuples(st.integers(0, 2), st.lists(st.tuples(st.integers(0, 2), st.integers(-5, 5)), max_size=3)),
        max_size=3,
    )
)
@settings(max_examples=examples(500), deadline=None)
def test_unique_updates_short_cut_equals_the_general_rule(batch):
    updates = [Update(SubaccountId("o", n), 0, tuple(deltas)) for n, deltas in batch]

    def outcome(function):
        try:
            function(updates)
            return None
        except errors.NonUniqueUpdates as error:
            return error.code

    assert outcome(validate_unique_updates) == outcome(general_validate_unique_updates)


def _outcome(function):
    try:
        return function()
    except errors.ProtocolError as error:
        return error.code


@pytest.mark.parametrize("seed", range(8))
def test_check_update_succeeds_equals_check_updates(seed):
    """The add-to-book check's short cut (MATCH-7) answers exactly what check_updates does (SUB-7)."""
    import random

    from perpspec.subaccounts import UpdateResult, UpdateType, check_update_succeeds, check_updates

    rng = random.Random(seed)
    state = state_with_positions(seed)
    if seed % 2:  # half the runs: every position settled already, so the short cut applies
        for subaccount in state.subaccounts.subaccounts.values():
            for pid, position in subaccount.positions.items():
                position.funding_index = state.perpetuals.perpetuals[pid].funding_index
    if seed % 4 == 3:
        state.prices.market_prices[5].price = 0  # SOL-USD has no price: PRICE-7
    ids = sorted(state.subaccounts.subaccounts) + [SubaccountId(account("nobody"), 0)]
    seen = set()
    for _ in range(400):
        sid = rng.choice(ids)
        subaccount = state.subaccounts.subaccounts.get(sid)
        usdc = subaccount.usdc_balance if subaccount else 0
        usdc_delta = rng.choice([0, 1, -1, -usdc, -usdc - 1, rng.randrange(-2 * abs(usdc) - 10, 10**9)])
        held = sorted(subaccount.positions) if subaccount else []
        pid = rng.choice(held + [0, 1, 5, 99])
        if held and pid in held and rng.random() < 0.3:
            base = -subaccount.positions[pid].quantums  # closes the position
        else:
            base = rng.choice([1, -1]) * rng.choice([10**6, 10**8, 10**10, 10**12])
        deltas = rng.choice([((pid, base),), (), ((pid, base), (1 if pid != 1 else 0, 10**6))])
        update = Update(sid, usdc_delta, deltas)
        for update_type in UpdateType:
            fast = _outcome(lambda u=update, t=update_type: check_update_succeeds(state, u, t))
            general = _outcome(
                lambda u=update, t=update_type: check_updates(state, [u], t)[0][0] is UpdateResult.SUCCESS
            )
            assert fast == general, (update, update_type)
            seen.add(fast)
    assert {True, False} <= seen
