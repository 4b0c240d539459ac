"""
Hypothesis properties of the catalogue's funding and price-acceptance functions (spec/funding.md,
FUND-4..8; spec/prices.md, PRICE-10; spec/catalogue.md, CAT-1).

Each property checks the function the state machine runs against exact ``Fraction`` arithmetic
or a plain transliteration of the Go code, and evaluates the same inputs through the catalogue
(CAT-3).
"""

from __future__ import annotations

import math
from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from helpers.catalogue import catalogue_list_output, catalogue_output
from helpers.properties import PROPERTY, go_median
from perpspec.funding import (
    BookLevel,
    funding_index_delta,
    funding_tick,
    max_abs_funding_clamp_ppm,
    premium_sample_from_votes,
    price_premium_ppm,
    remove_sample_tails,
)
from perpspec.oracle import max_allowed_price_delta, price_delta_within_one_tick, price_update_sqrt_condition
from perpspec.rounding import ONE_MILLION

INT32 = st.integers(-(2**31), 2**31 - 1)
UINT32 = st.integers(0, 2**32 - 1)
UINT64 = st.integers(0, 2**64 - 1)
PPM = st.integers(0, ONE_MILLION)


def exact_trunc(value: Fraction) -> int:
    return math.floor(value) if value >= 0 else math.ceil(value)


@PROPERTY
@given(st.lists(INT32.filter(bool), max_size=12), st.integers(0, 20), st.integers(0, 20))
def test_premium_sample_is_go_median_of_the_padded_votes(votes, extra, minimum):
    """FUND-5: the median of the votes padded with zeros to max(num, min), as lib.Median; the catalogue agrees."""
    num = len(votes) + extra
    expected = 0 if not votes else go_median(votes + [0] * (max(num, minimum) - len(votes)))
    assert premium_sample_from_votes(votes, num, minimum) == expected
    assert (
        catalogue_output("premium_sample_from_votes", votes=votes, num_votes=num, min_num_votes_per_sample=minimum)
        == expected
    )


@PROPERTY
@given(st.lists(INT32, max_size=20), UINT32)
def test_remove_sample_tails_matches_go(samples, rate):
    """FUND-6: GetRemoveSampleTailsFunc transliterated: uint32 doubling, floor, bottom half down, rest up."""
    total = len(samples) * ((rate * 2) % 2**32) // ONE_MILLION
    if total == 0 or total >= len(samples):
        expected = samples
    else:
        bottom = total // 2
        expected = sorted(samples)[bottom : len(samples) - (total - bottom)]
    assert remove_sample_tails(samples, rate) == expected
    assert catalogue_list_output("remove_sample_tails", samples=samples, tail_removal_rate_ppm=rate) == expected


@PROPERTY
@given(st.integers(-12, 3), st.integers(-12, 3), UINT64, st.integers(-(2**40), 2**40), UINT32)
def test_funding_index_delta_is_the_truncated_exact_move(ar, pe, price, rate, seconds):
    """FUND-7: trunc(trunc(x) / 28800) equals trunc(x / 28800) for the exact x = t * r * p * 10^(ar + pe + 6)."""
    exact = Fraction(seconds * rate * price) * Fraction(10) ** (ar + pe + 6) / 28_800
    assert funding_index_delta(ar, pe, price, rate, seconds) == exact_trunc(exact)
    assert catalogue_output(
        "funding_index_delta",
        atomic_resolution=ar,
        price_exponent=pe,
        price_value=price,
        funding_rate_8hr_ppm=rate,
        time_since_last_funding_s=seconds,
    ) == exact_trunc(exact)


@PROPERTY
@given(UINT32, UINT32, PPM)
def test_clamp_is_the_floored_formula(clamp, im, mf):
    """FUND-8: floor(clamp * (IM - floor(IM * MF / 1e6)) / 1e6), never negative; the catalogue agrees."""
    expected = clamp * (im - im * mf // ONE_MILLION) // ONE_MILLION
    assert max_abs_funding_clamp_ppm(clamp, im, mf) == expected >= 0
    assert (
        catalogue_output(
            "max_abs_funding_clamp_ppm", clamp_factor_ppm=clamp, initial_margin_ppm=im, maintenance_fraction_ppm=mf
        )
        == expected
    )


@PROPERTY
@given(
    st.lists(INT32.filter(bool), max_size=10),
    st.integers(0, 5),
    st.integers(1, 3_600),
    st.integers(0, 7_200),
    INT32,
    PPM,
    PPM,
    st.integers(1, 2**31 - 1),
    UINT64,
)
def test_funding_tick_rate_is_clamped_and_moves_toward_zero(
    samples, extra, sample_s, tick_s, default, im, mf, clamp, price
):
    """FUND-7, FUND-8: |rate| <= the tier's clamp; the move has the rate's sign and is the truncated exact move."""
    num = len(samples) + extra
    tick = funding_tick(samples, num, sample_s, tick_s, 0, default, im, mf, clamp, -10, price, -5)
    bound = max_abs_funding_clamp_ppm(clamp, im, mf)
    assert -bound <= tick.funding_rate_ppm <= bound
    assert tick.funding_index_delta == exact_trunc(Fraction(tick_s * tick.funding_rate_ppm * price, 10**9 * 28_800))
    answer = catalogue_output(
        "funding_tick",
        samples=samples,
        num_sample_epochs=num,
        funding_sample_duration_s=sample_s,
        funding_tick_duration_s=tick_s,
        removed_tail_sample_ratio_ppm=0,
        default_funding_ppm=default,
        initial_margin_ppm=im,
        maintenance_fraction_ppm=mf,
        funding_rate_clamp_factor_ppm=clamp,
        atomic_resolution=-10,
        price_value=price,
        price_exponent=-5,
    )
    assert answer == {"funding_rate_ppm": tick.funding_rate_ppm, "funding_index_delta": tick.funding_index_delta}


@PROPERTY
@given(UINT64, st.integers(0, 2**64 * 2**32))
def test_max_allowed_delta_is_the_floor_square_root(old_delta, tick):
    """PRICE-10: r = isqrt(floor(old * tick / 1e6)): r^2 <= old * tick / 1e6 < (r + 1)^2; r itself meets the square-root condition."""
    r = max_allowed_price_delta(old_delta, tick)
    assert r * r * ONE_MILLION <= old_delta * tick < (r + 1) * (r + 1) * ONE_MILLION
    assert price_update_sqrt_condition(r, old_delta, tick)
    assert catalogue_output("max_allowed_price_delta", old_delta=old_delta, tick_size_ppm=tick) == r


@PROPERTY
@given(UINT64, UINT64, st.integers(-(2**100), 2**100))
def test_sqrt_condition_and_one_tick_are_exact(new_delta, old_delta, tick):
    """PRICE-10: both tests are exact comparisons of rationals; the catalogue agrees."""
    expected = Fraction(new_delta) ** 2 <= Fraction(old_delta * tick, ONE_MILLION)
    assert price_update_sqrt_condition(new_delta, old_delta, tick) is expected
    assert (
        catalogue_output("price_update_sqrt_condition", new_delta=new_delta, old_delta=old_delta, tick_size_ppm=tick)
        is expected
    )
    within = Fraction(new_delta) <= Fraction(tick, ONE_MILLION)
    assert price_delta_within_one_tick(new_delta, tick) is within
    assert catalogue_output("price_delta_within_one_tick", price_delta=new_delta, tick_size_ppm=tick) is within


LEVELS = st.lists(st.tuples(st.integers(1, 10**6), st.integers(1, 10**9)), max_size=5)


@PROPERTY
@given(st.integers(1, 2 * 10**6), LEVELS, LEVELS, st.integers(0, 10**12), st.integers(0, 10**6))
def test_premium_has_the_side_of_the_index_and_the_clamp(index, bid_pairs, ask_pairs, notional, clamp):
    """FUND-4: index below the best bid gives a premium in [0, clamp], above the best ask in [-clamp, 0], else 0."""
    bids = sorted(bid_pairs, key=lambda p: -p[0])
    asks = sorted(ask_pairs)
    if bids and asks and bids[0][0] >= asks[0][0]:
        asks = [(bids[0][0] + 1 + s, q) for s, q in asks]
    premium = price_premium_ppm(
        Fraction(index), [BookLevel(*b) for b in bids], [BookLevel(*a) for a in asks], notional, clamp, 0
    )
    if bids and index < bids[0][0]:
        assert 0 <= premium <= clamp
    elif asks and index > asks[0][0]:
        assert -clamp <= premium <= 0
    else:
        assert premium == 0
    answer = catalogue_output(
        "price_premium_ppm",
        index_price_value=index,
        index_price_exponent=0,
        base_atomic_resolution=0,
        quote_atomic_resolution=0,
        quantum_conversion_exponent=0,
        impact_notional_quote_quantums=notional,
        max_abs_premium_vote_ppm=clamp,
        bids=[{"subticks": s, "quantums": q} for s, q in bids],
        asks=[{"subticks": s, "quantums": q} for s, q in asks],
    )
    assert answer == premium
