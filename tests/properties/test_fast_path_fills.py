"""
The fill and fee fast paths equal the general functions they stand for (BOOK-3):
``fees.compute_fee_quote_quantums`` on integers = ``mul_ppm_ceil`` (FEE-2), and on z3 terms;
``fills.compute_fill_quote_quantums`` = ``units.fill_quote_quantums_from_subticks`` (MATCH-2,
UNITS-6); and the taker's fee rate, read once per match, does not change while a block's fills
are recorded (FEE-1, FEE-4).

Each fast path the matching engine and the collateral check take for speed is checked
against the general, z3-capable function (or the general code it replaced, written out
here as the oracle) on drawn integer inputs, boundaries included.  Example counts are the
``ci`` hypothesis profile's (helpers.budget scales them by the profile).
"""

from __future__ import annotations

import copy

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from helpers.budget import examples
from perpspec.clob.fees import compute_fee_quote_quantums, get_fee_ppm, record_fill_volume
from perpspec.clob.fills import compute_fill_quote_quantums
from perpspec.default_genesis import default_genesis_json
from perpspec.genesis import load_genesis
from perpspec.rounding import mul_ppm_ceil
from perpspec.simulation import account
from perpspec.units import fill_quote_quantums_from_subticks


@given(quote=st.integers(0, 10**24), ppm=st.integers(-1_000_000, 1_000_000))
@settings(max_examples=examples(2000), deadline=None)
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
@settings(max_examples=examples(2000), deadline=None)
@example(subticks=1, fill=1, qce=-30)
@example(subticks=0, fill=5, qce=3)
def test_fill_quote_fast_path_equals_the_units_function(subticks, fill, qce):
    assert compute_fill_quote_quantums(subticks, fill, qce) == fill_quote_quantums_from_subticks(subticks, fill, qce)


def test_fill_volume_does_not_move_a_fee_rate_within_a_block():
    """FEE-4: fills count from the end of their block, so a match may read the taker's rate once."""
    genesis = copy.deepcopy(default_genesis_json())
    state = load_genesis(genesis)
    taker, maker = account("taker"), account("maker")
    before = [get_fee_ppm(state, a, t) for a in (taker, maker) for t in (True, False)]
    for _ in range(3):
        record_fill_volume(state.stats.volume, taker, maker, 10**15)  # far past every tier's requirement
    assert [get_fee_ppm(state, a, t) for a in (taker, maker) for t in (True, False)] == before
