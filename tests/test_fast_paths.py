"""
The engine's fast paths equal the general functions they stand for (BOOK-3).

Each fast path the matching engine and the collateral check take for speed is checked here
against the general, z3-capable function (or the general code it replaced, written out
below as the oracle) on drawn integer inputs, boundaries included:

- ``margin.position_risk_of_integers`` = ``position_net_notional_quote_quantums`` and
  ``perpetual_margin_requirements`` (MARGIN-1..4, UNITS-4);
- ``subaccounts.get_position_risk`` / ``get_subaccount_risk`` = the sum over positions of the
  general functions (MARGIN-5);
- ``fees.compute_fee_quote_quantums`` on integers = ``mul_ppm_ceil`` (FEE-2);
- ``fills.compute_fill_quote_quantums`` = ``units.fill_quote_quantums_from_subticks`` (MATCH-2, UNITS-6);
- ``subaccounts.compute_settled_updates``'s settled subaccounts and payments (the stored
  subaccount standing for an equal settled copy when nothing is to settle) =
  ``get_settled_subaccount``, and ``get_settled_subaccount`` = the general settlement loop
  (FUND-1, FUND-2); ``validate_unique_updates``'s short cut = the general rule (SUB-5);
- the taker's fee rate, read once per match, does not change while a block's fills are
  recorded (FEE-1, FEE-4).
"""

from __future__ import annotations

import copy
import json

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from perpspec import errors
from perpspec.clob.fees import compute_fee_quote_quantums, get_fee_ppm, record_fill_volume
from perpspec.clob.fills import compute_fill_quote_quantums
from perpspec.default_genesis import default_genesis_json
from perpspec.funding import funding_settlement_ppm, settlement_quote_quantums
from perpspec.genesis import load_genesis
from perpspec.margin import (
    Risk,
    perpetual_margin_requirements,
    position_net_notional_quote_quantums,
    position_risk_of_integers,
)
from perpspec.rounding import mul_ppm_ceil
from perpspec.simulation import account, genesis_with_positions
from perpspec.state import PerpetualPosition, Subaccount
from perpspec.subaccounts import (
    Update,
    compute_settled_updates,
    copy_subaccount,
    get_position_risk,
    get_settled_subaccount,
    get_subaccount_risk,
    validate_unique_updates,
)
from perpspec.types import SubaccountId
from perpspec.units import fill_quote_quantums_from_subticks

BIG = 10**20
quantums = st.one_of(st.integers(-BIG, BIG), st.integers(-1000, 1000))
prices = st.one_of(st.integers(0, 10**12), st.integers(-(10**6), 10**12), st.just(0), st.just(1))
exponents = st.integers(-20, 8)
ppms = st.integers(0, 1_000_000)


def general_position_risk(q, ar, price, pe, imf, mf, oi, lower, upper) -> tuple[int, int, int]:
    nc = position_net_notional_quote_quantums(q, ar, price, pe)
    imr, mmr = perpetual_margin_requirements(q, ar, price, pe, imf, mf, oi, lower, upper)
    return nc, imr, mmr


@given(
    q=quantums,
    ar=st.integers(-18, 4),
    price=prices,
    pe=exponents,
    imf=ppms,
    mf=ppms,
    oi=st.integers(0, BIG),
    lower=st.integers(0, 10**16),
    span=st.integers(0, 10**16),
    upper_zero=st.booleans(),
)
@settings(max_examples=3000, deadline=None)
@example(q=10**10, ar=-10, price=2_868_819_524, pe=-5, imf=20_000, mf=600_000, oi=0, lower=0, span=0, upper_zero=True)
@example(
    q=-(10**10),
    ar=-10,
    price=2_868_819_524,
    pe=-5,
    imf=50_000,
    mf=600_000,
    oi=10**12,
    lower=10**6,
    span=10**9,
    upper_zero=False,
)
@example(q=-1, ar=-9, price=1, pe=-6, imf=1, mf=1, oi=0, lower=0, span=1, upper_zero=False)
def test_position_risk_of_integers_equals_the_general_functions(q, ar, price, pe, imf, mf, oi, lower, span, upper_zero):
    upper = 0 if upper_zero else lower + span
    assume(upper == 0 or upper > lower)  # LiquidityTier validation: upper cap 0 (off) or above the lower
    assert position_risk_of_integers(q, ar, price, pe, imf, mf, oi, lower, upper) == general_position_risk(
        q, ar, price, pe, imf, mf, oi, lower, upper
    )


@pytest.mark.parametrize("at", ["lower", "upper"])
@pytest.mark.parametrize("delta", [-1, 0, 1])
def test_position_risk_of_integers_at_the_open_interest_caps(at, delta):
    """OI notional exactly at, just under and just over each cap (MARGIN-1)."""
    ar, price, pe = -10, 100_000_000_000, -5  # e = 0 - 9 = -9... BTC-like: notional = q * price / 1e9
    lower, upper = 10**9, 3 * 10**9
    target = (lower if at == "lower" else upper) + delta
    oi = target * 10**9 // price  # base quantums whose notional is near the target
    for oi_probe in (oi - 1, oi, oi + 1):
        for q in (-(10**8), 0, 10**8 + 7):
            args = (q, ar, price, pe, 50_000, 600_000, oi_probe, lower, upper)
            assert position_risk_of_integers(*args) == general_position_risk(*args)


def _state_with_positions(seed: int):
    return load_genesis(genesis_with_positions(seed))


@pytest.mark.parametrize("seed", range(6))
def test_subaccount_risk_equals_the_sum_of_the_general_functions(seed):
    state = _state_with_positions(seed)
    for subaccount in state.subaccounts.subaccounts.values():
        for override in (None, {pid: p.open_interest * 3 + 17 for pid, p in state.perpetuals.perpetuals.items()}):
            nc, imr, mmr = subaccount.usdc_balance, 0, 0
            for position in subaccount.positions.values():
                perpetual = state.perpetuals.perpetuals[position.perpetual_id]
                price = state.prices.market_prices[perpetual.market_id]
                tier = state.perpetuals.liquidity_tiers[perpetual.liquidity_tier]
                oi = perpetual.open_interest if override is None else override[position.perpetual_id]
                r = general_position_risk(
                    position.quantums,
                    perpetual.atomic_resolution,
                    price.price,
                    price.exponent,
                    tier.initial_margin_ppm,
                    tier.maintenance_fraction_ppm,
                    oi,
                    tier.open_interest_lower_cap,
                    tier.open_interest_upper_cap,
                )
                assert get_position_risk(state, position.perpetual_id, position.quantums, oi) == Risk(*r)
                nc, imr, mmr = nc + r[0], imr + r[1], mmr + r[2]
            assert get_subaccount_risk(state, subaccount, override) == Risk(nc, imr, mmr)


@given(quote=st.integers(0, 10**24), ppm=st.integers(-1_000_000, 1_000_000))
@settings(max_examples=2000, deadline=None)
def test_fee_fast_path_equals_mul_ppm_ceil(quote, ppm):
    assert compute_fee_quote_quantums(quote, ppm) == mul_ppm_ceil(quote, ppm)
    assert compute_fee_quote_quantums(-quote, ppm) == mul_ppm_ceil(-quote, ppm)


def test_fee_keeps_working_on_z3_terms():
    z3 = pytest.importorskip("z3")
    q, p = z3.Ints("q p")
    term = compute_fee_quote_quantums(q, p)
    assert z3.is_expr(term)
    solver = z3.Solver()
    solver.add(q == 1_000_001, p == 3, term != 4)  # ceil(3_000_003 / 1e6) = 4
    assert solver.check() == z3.unsat


@given(subticks=st.integers(0, 2**64), fill=st.integers(0, 2**64), qce=st.integers(-30, 10))
@settings(max_examples=2000, deadline=None)
@example(subticks=1, fill=1, qce=-30)
@example(subticks=0, fill=5, qce=3)
def test_fill_quote_fast_path_equals_the_units_function(subticks, fill, qce):
    assert compute_fill_quote_quantums(subticks, fill, qce) == fill_quote_quantums_from_subticks(subticks, fill, qce)


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
@settings(max_examples=500, deadline=None)
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
@settings(max_examples=500, deadline=None)
def test_unique_updates_short_cut_equals_the_general_rule(batch):
    updates = [Update(SubaccountId("o", n), 0, tuple(deltas)) for n, deltas in batch]

    def outcome(function):
        try:
            function(updates)
            return None
        except errors.NonUniqueUpdates as error:
            return error.code

    assert outcome(validate_unique_updates) == outcome(general_validate_unique_updates)


def test_fill_volume_does_not_move_a_fee_rate_within_a_block():
    """FEE-4: fills count from the end of their block, so a match may read the taker's rate once."""
    genesis = copy.deepcopy(default_genesis_json())
    state = load_genesis(genesis)
    taker, maker = account("taker"), account("maker")
    before = [get_fee_ppm(state, a, t) for a in (taker, maker) for t in (True, False)]
    for _ in range(3):
        record_fill_volume(state.stats.volume, taker, maker, 10**15)  # far past every tier's requirement
    assert [get_fee_ppm(state, a, t) for a in (taker, maker) for t in (True, False)] == before


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
    state = _state_with_positions(seed)
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
            fast = _outcome(lambda: check_update_succeeds(state, update, update_type))
            general = _outcome(lambda: check_updates(state, [update], update_type)[0][0] is UpdateResult.SUCCESS)
            assert fast == general, (update, update_type)
            seen.add(fast)
    assert {True, False} <= seen


@given(st.lists(st.tuples(st.sampled_from(["add", "remove", "front"]), st.integers(0, 10**6)), max_size=300))
@settings(max_examples=300, deadline=None)
def test_level_queue_keeps_time_priority(ops):
    """BOOK-1: a level's list with a head index gives the oldest live order, as a FIFO queue would."""
    from perpspec.clob.book import BookOrder, Level

    level = Level(100)
    model: list = []  # live orders, oldest first
    sequence = 0
    for op, pick in ops:
        if op == "add" or not model:
            entry = object.__new__(BookOrder)
            entry.removed = False
            entry.sequence = sequence
            sequence += 1
            level.queue.append(entry)
            level.live += 1
            model.append(entry)
        elif op == "remove":
            entry = model.pop(pick % len(model))
            entry.removed = True
            level.live -= 1
        else:
            assert level.front() is model[0]
        assert list(level.orders()) == model
        assert all(e.removed for e in level.queue[: level.head])
