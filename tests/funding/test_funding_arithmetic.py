"""
Per-rule tests of the arithmetic that moves the funding index (spec/funding.md, FUND-4..8).

Every expected number is worked by hand; cases marked "Go" are v4's own test cases (the Go
test named).  Notation: floor toward -inf, ceil toward +inf, trunc toward 0.
"""

from __future__ import annotations

from fractions import Fraction

import pytest

from perpspec.funding import (
    BookLevel,
    funding_index_delta,
    funding_tick,
    impact_price_subticks,
    max_abs_funding_clamp_ppm,
    premium_rate_from_samples,
    premium_sample_from_votes,
    price_premium_ppm,
    remove_sample_tails,
    sample_tail_removal_bounds,
)
from perpspec.units import INT32_MAX, INT32_MIN, UINT32_MAX, price_to_subticks

BTC = 10_000_000_000  # 1 BTC in base quantums at resolution -10
TENTH = 1_000_000_000


def btc_index(price: int) -> Fraction:
    """v4's TestGetPremiumPrice: exponent -5, resolution -10, ClobPair_Btc's qce -8."""
    return price_to_subticks(price, -5, -10, -6, -8)


# --- FUND-4 -------------------------------------------------------------------------------------


def test_fund_4_impact_bid_is_the_average_fill_price():
    """FUND-4: Go TestGetPremiumPrice 'Index < Impact Bid < Best Bid': $5000 into 0.1 BTC at 9999 and 1 BTC at 9998."""
    # 0.1 BTC at $9999 is worth floor(99990000 * 1e9 * 1e-8) = 999_900_000 quote; the rest,
    # 4_000_100_000, takes 4_000_100_000 / 9_998_000_000 of 1 BTC = 4_000_900_180.03... base, so
    # 5_000_900_180.036 base in all, rounded up to 5_000_900_181; the price is 5e9 * 1e8 / that.
    side = [BookLevel(99_990_000, TENTH), BookLevel(99_980_000, BTC)]
    impact = impact_price_subticks(side, 5_000_000_000, -8)
    assert impact == Fraction(5_000_000_000 * 10**8, 5_000_900_181)


def test_fund_4_accumulated_base_rounds_up():
    """FUND-4: 10 quote into 3 quantums at 7 (qce 0): 10/21 * 3 = 10/7 base, ceil 2, impact 10/2 = 5."""
    assert impact_price_subticks([BookLevel(7, 3)], 10, 0) == Fraction(5)


def test_fund_4_thin_side_has_no_impact_price():
    """FUND-4: a side worth less than the notional gives None (premium 0, not the clamp)."""
    assert impact_price_subticks([BookLevel(7, 3)], 22, 0) is None


def test_fund_4_zero_notional_uses_the_best_price():
    """FUND-4: a zero impact notional is the best order's price."""
    assert impact_price_subticks([BookLevel(99_999_000, BTC)], 0, -8) == 99_999_000


@pytest.mark.parametrize(
    "index, bids, asks, notional, clamp, expected",
    [
        # Go TestGetPremiumPrice 'Index < Impact Bid < Best Bid < Best Ask, positive premium'
        (900_000_000, [(99_990_000, TENTH), (99_980_000, BTC)], [(100_010_000, BTC)], 5_000_000_000, 10**6, 110_911),
        # 'Impact Bid < Best Bid < Best Ask < Impact Ask < Index, negative premium': 10001.7/10003 - 1
        (
            1_000_300_000,
            [(99_990_000, BTC)],
            [(100_010_000, TENTH), (100_015_000, TENTH), (100_020_000, BTC)],
            5_000_000_000,
            10**6,
            -129,
        ),
        # 'Best Bid < Index < Best Ask, premium = 0'
        (1_000_000_000, [(99_990_000, BTC)], [(100_010_000, BTC)], 5_000_000_000, 10**6, 0),
        # 'Impact Bid < Index < Best Bid < Best Ask, 0 premium'
        (999_982_000, [(99_999_000, TENTH), (99_990_000, BTC)], [(100_010_000, BTC)], 5_000_000_000, 10**6, 0),
        # 'Index << Impact Bid, maximum premium (clamped)' and its mirror
        (600_000_000, [(99_999_000, BTC)], [(100_010_000, BTC)], 5_000_000_000, 100_000, 100_000),
        (1_500_000_000, [(99_999_000, BTC)], [(100_010_000, BTC)], 5_000_000_000, 100_000, -100_000),
        # 'Not enough liquidity on both sides, return 0' and 'Orderbook is empty, return 0'
        (1_000_000_000, [(99_998_000, TENTH)], [(100_001_000, TENTH)], 2_000_000_000, 100_000, 0),
        (1_000_000_000, [], [], 2_000_000_000, 100_000, 0),
        # 'Zero impact amount, positive premium, use best bid as impact price': 9999.9/9997.5 - 1 = 240.06 -> 240
        (999_750_000, [(99_999_000, BTC)], [(100_010_000, BTC)], 0, 10**6, 240),
    ],
)
def test_fund_4_price_premium_go_cases(index, bids, asks, notional, clamp, expected):
    """FUND-4: v4's TestGetPremiumPrice cases."""
    levels = lambda pairs: [BookLevel(s, q) for s, q in pairs]  # noqa: E731
    assert price_premium_ppm(btc_index(index), levels(bids), levels(asks), notional, clamp, -8) == expected


def test_fund_4_negative_premium_truncates_toward_zero():
    """FUND-4: impact ask 2 against index 3: 2/3 - 1 = -333333.33 ppm -> -333333 (not floor's -333334)."""
    assert price_premium_ppm(Fraction(3), [], [BookLevel(2, 100)], 20, 10**6, 0) == -333_333


def test_fund_4_int32_min_clamp_negates_like_go():
    """FUND-4: Go negates the clamp in int32: -(int32 min) is int32 min, so any premium becomes int32 min."""
    bids, asks = [BookLevel(99_999_000, BTC)], [BookLevel(100_010_000, BTC)]
    assert price_premium_ppm(btc_index(600_000_000), bids, asks, 5_000_000_000, INT32_MIN, -8) == INT32_MIN


# --- FUND-5 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "votes, num_votes, minimum, expected",
    [
        ([1_000, 2_000, 3_000], 3, 0, 2_000),  # the middle of three
        ([1_000, 2_000, 3_000], 3, 15, 0),  # padded to 15: 12 zeros, the 8th of 15 is 0
        ([11, 5, 9, 7], 5, 2, 7),  # [0, 5, 7, 9, 11] -> 7
        ([-49], 2, 0, -25),  # [-49, 0]: Go -49/2 + -49%2 = -24 - 1 = -25
        ([75, 76], 2, 0, 76),  # 75.5 away from zero
        ([-3, -8], 2, 0, -6),  # -5.5 away from zero
        ([INT32_MIN, INT32_MAX], 2, 0, -1),  # -0.5 -> -1, no overflow
        ([], 0, 0, 0),  # no votes: not in the store, sample 0
        ([5], UINT32_MAX, UINT32_MAX, 0),  # padding to 2^32 - 1 is never built
        ([0, 0, 1, 2, 3, 4], 6, 1, 2),  # Go TestMaybeProcessNewFundingSampleEpoch: stored zeros count: (1 + 2) / 2 -> 2
        ([-1000, 1000, 51, -50, 100, -100], 6, 1, 1),  # the same test: (-50 + 51) / 2 = 0.5 -> 1
    ],
)
def test_fund_5_premium_sample_from_votes(votes, num_votes, minimum, expected):
    """FUND-5: the median of the votes padded with zeros to max(num_votes, min), halves away from zero."""
    assert premium_sample_from_votes(votes, num_votes, minimum) == expected


def test_fund_5_more_votes_than_messages_is_refused():
    """FUND-5: more non-zero votes than vote messages breaks the invariant Go panics on."""
    with pytest.raises(AssertionError, match="FUND-5"):
        premium_sample_from_votes([1, 2, 3], 2, 0)


# --- FUND-6 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "samples, rate, expected",
    [
        ([], 250_000, []),  # Go TestGetRemoveSampleTailsFunc '25%, input length = 0'
        ([0, -1, -3], 250_000, [-3, -1]),  # total floor(3 * 0.5) = 1: from the top
        ([0, -1, -3, 5], 250_000, [-1, 0]),  # total 2: one from each end
        ([0, -1, -3, -5, 5, 7], 250_000, [-3, -1, 0]),  # total 3: bottom 1, top 2
        ([0, -1, -3, -5, 5], 800_000, [0, -1, -3, -5, 5]),  # total 8 >= 5: unchanged, unsorted
        ([3, 1, 2], 0, [3, 1, 2]),  # the production rate: unchanged and unsorted
        (list(range(10, 0, -1)), 2**31 + 100_000, [2, 3, 4, 5, 6, 7, 8, 9]),  # 2 * rate wraps to 200000
    ],
)
def test_fund_6_remove_sample_tails(samples, rate, expected):
    """FUND-6: floor(len * (2 * rate mod 2^32) / 1e6) removed, the odd one from the top; 0 or >= len keeps all."""
    assert remove_sample_tails(samples, rate) == expected


def test_fund_6_bounds_wrap_to_zero():
    """FUND-6: a rate of 2^31 doubles to 2^32, which wraps to 0 in uint32: nothing is removed."""
    assert sample_tail_removal_bounds(10, 2**31) is None


# --- FUND-7 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "ar, pe, price, rate, seconds, expected",
    [
        (-12, 0, 1_000, 1_001_999, 28_800, 1_001),  # Go TestGetFundingIndexDelta: 1001.999 -> 1001
        (-12, 0, 1_000, -1_001_999, 28_800, -1_001),  # -1001.999 -> -1001 (trunc, not floor)
        (-4, 2, 1_000, -1_001_999, 14_400, -5_009_995_000_000),  # 'Varied parameters (1)'
        (0, -6, 1_000, -1_001_999, 3_600, -125_249_875),  # 'Varied parameters (2)': -125249875.0
        # BTC genesis, one hour at 100 ppm: 3600*100*2868819524e-9 = 1032775.028 -> 1032775; /28800 = 35.86 -> 35
        (-10, -5, 2_868_819_524, 100, 3_600, 35),
        (-10, -5, 2_868_819_524, -100, 3_600, -35),
    ],
)
def test_fund_7_funding_index_delta(ar, pe, price, rate, seconds, expected):
    """FUND-7: trunc(BaseToQuoteQuantums(time * rate) / 28800), both roundings toward zero."""
    assert funding_index_delta(ar, pe, price, rate, seconds) == expected


def test_fund_7_mean_truncates_toward_zero():
    """FUND-7: [-1, -2] over 2: -3 / 2 truncates to -1 (AvgInt32), not floor's -2."""
    assert premium_rate_from_samples([-1, -2], 2, 2, 0) == -1


def btc_tick(samples, num=None, **overrides):
    """v4's test setting: market 0 at $50,000 (5e9, exponent -5), resolution -10, tier 1 (IM 100%, MF 75%)."""
    inputs = {
        "samples": samples,
        "num_sample_epochs": len(samples) if num is None else num,
        "funding_sample_duration_s": 60,
        "funding_tick_duration_s": 3_600,
        "removed_tail_sample_ratio_ppm": 0,
        "default_funding_ppm": 0,
        "initial_margin_ppm": 1_000_000,
        "maintenance_fraction_ppm": 750_000,
        "funding_rate_clamp_factor_ppm": 6_000_000,
        "atomic_resolution": -10,
        "price_value": 5_000_000_000,
        "price_exponent": -5,
    }
    inputs.update(overrides)
    return tuple(funding_tick(**inputs))


@pytest.mark.parametrize(
    "samples, num, overrides, expected",
    [
        # Go TestMaybeProcessNewFundingTickEpoch_ProcessNewEpoch '60 equivalent samples of 0.001 percent':
        # rate 1000; 3600 * 1000 * 5e9 * 1e-9 = 18e6 / 28800 = 625
        ([1_000] * 60, None, {}, (1_000, 625)),
        # '60 equivalent samples of int32 max': clamp 6 * (1e6 - 750000) = 1.5e6; 3600 * 1.5e6 * 5 / 28800 = 937500
        ([INT32_MAX] * 60, None, {}, (1_500_000, 937_500)),
        # '30 equivalent samples of 0.001 percent, 60 samples expected': 500, 312.5 -> 312
        ([1_000] * 30, None, {}, (500, 312)),
        # '60 samples of 0.001 percent, 120 samples expected' (30 s samples): the same halving
        ([1_000] * 60, None, {"funding_sample_duration_s": 30}, (500, 312)),
        # 'more than expected funding samples recorded': (75 * 1000 + 25 * 5000) / 100 = 2000
        ([1_000] * 75 + [5_000] * 25, None, {}, (2_000, 1_250)),
        # 'no samples, -0.001 percent default funding'
        ([], None, {"default_funding_ppm": -1_000}, (-1_000, -625)),
        # '12 percent, IM equal to MM': clamp 0, no move
        ([120_000] * 60, None, {"maintenance_fraction_ppm": 1_000_000}, (0, 0)),
        # ceil(100 / 30) = 4 samples expected: [400] * 3 -> 300; trunc(100 * 300 * 5 / 28800) = 5
        ([400] * 3, None, {"funding_tick_duration_s": 100, "funding_sample_duration_s": 30}, (300, 5)),
        # 10% tails of 10: [-1000, 0 x 8, 9000] loses both ends: premium 0, rate = default 5
        (
            [-1_000, 9_000],
            10,
            {"funding_tick_duration_s": 600, "removed_tail_sample_ratio_ppm": 100_000, "default_funding_ppm": 5},
            (5, 0),
        ),
    ],
)
def test_fund_7_funding_tick(samples, num, overrides, expected):
    """FUND-7: pad to max(num, ceil(tick/sample)), remove tails, truncated mean, add default, clamp, move."""
    assert btc_tick(samples, num, **overrides) == expected


# --- FUND-8 -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "clamp, im, mf, expected",
    [
        (6_000_000, 150_000, 800_000, 180_000),  # Go TestLiquidityTierGetMaxAbsFundingClampPpm: 6 * 3% = 18%
        (6_000_000, 450_000, 1_000_000, 0),  # IM == MM: no funding
        (3_000_000, 1_000_000, 0, 3_000_000),
        (UINT32_MAX, 1_000_000, 0, UINT32_MAX),
        (423_978_721, 745_345, 564_947, 137_481_459),  # MM floor(421080.7) = 421080; floor(137481459.6)
        (60_000_000, 50_000, 600_000, 1_200_000),  # the default vote clamp on BTC's genesis tier
        (7, 333, 333_333, 0),  # MM floor(110.99) = 110; floor(7 * 223 / 1e6) = 0
    ],
)
def test_fund_8_max_abs_funding_clamp_ppm(clamp, im, mf, expected):
    """FUND-8: floor(clamp * (IM - floor(IM * MF / 1e6)) / 1e6)."""
    assert max_abs_funding_clamp_ppm(clamp, im, mf) == expected
