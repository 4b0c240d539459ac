"""
Function vectors of funding (spec/funding.md: FUND-1 the settlement of one position; FUND-4
the premium of a book; FUND-5 samples from votes; FUND-6 tail removal; FUND-7 the tick and
the index move; FUND-8 the clamp).  Cases named ``go-*`` are v4's own test cases, each
description naming the Go test.
"""

from __future__ import annotations

import random
from typing import Any

from perpspec.conformance.format import encode_int
from perpspec.conformance.functions.cases import (
    FunctionCases,
    Raw,
    add_generic_cases,
    add_random_cases,
    random_signed,
    random_uint64,
)
from perpspec.units import INT32_MAX, INT32_MIN, UINT32_MAX


def funding_cases(fc: FunctionCases) -> None:
    base = {"perpetual_funding_index": 1_000, "position_funding_index": 400, "position_quantums": 10**6}
    fc.add(
        "long-pays-when-index-rises",
        "a long pays: -(1000 - 400) * 1e6",
        (),
        {"net_settlement_ppm": -600_000_000, "new_funding_index": 1_000},
        **base,
    )
    fc.add(
        "short-receives-when-index-rises",
        "a short receives: -(600) * -1e6",
        (),
        {"net_settlement_ppm": 600_000_000, "new_funding_index": 1_000},
        **{**base, "position_quantums": -(10**6)},
    )
    fc.add(
        "long-receives-when-index-falls",
        "the index fell: a long receives",
        (),
        {"net_settlement_ppm": 600_000_000, "new_funding_index": -200},
        perpetual_funding_index=-200,
        position_funding_index=400,
        position_quantums=10**6,
    )
    fc.add(
        "index-unchanged",
        "no index change, no settlement",
        (),
        {"net_settlement_ppm": 0, "new_funding_index": 400},
        perpetual_funding_index=400,
        position_funding_index=400,
        position_quantums=10**6,
    )
    fc.add(
        "zero-position",
        "a zero position settles nothing",
        (),
        {"net_settlement_ppm": 0, "new_funding_index": 1_000},
        **{**base, "position_quantums": 0},
    )
    fc.add(
        "huge",
        "indexes and sizes beyond 2^64",
        (),
        {"net_settlement_ppm": -(10**30 - 1) * 10**25, "new_funding_index": 10**30},
        perpetual_funding_index=10**30,
        position_funding_index=1,
        position_quantums=10**25,
    )
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: {
            "perpetual_funding_index": encode_int(random_signed(r, 22)),
            "position_funding_index": encode_int(random_signed(r, 22)),
            "position_quantums": encode_int(random_signed(r, 22)),
        },
    )


# --- funding that moves (FUND-4..8) ----------------------------------------------------------

R5 = ("ROUND-5",)
R9 = ("ROUND-9",)


def premium_sample_cases(fc: FunctionCases) -> None:
    base = {"votes": [1_000, 2_000, 3_000], "num_votes": 3, "min_num_votes_per_sample": 0}
    fc.add("odd-middle", "three votes, no padding: the middle value 2000", (), 2_000, **base)
    fc.add(
        "padded-to-min",
        "three votes padded with 12 zeros to the default 15: the median of 15 is the 8th, 0",
        (),
        0,
        votes=[1_000, 2_000, 3_000],
        num_votes=3,
        min_num_votes_per_sample=15,
    )
    fc.add(
        "padded-to-num-votes",
        "two non-zero votes in five messages: [0, 0, 0, 5, 7] -> 0",
        (),
        0,
        votes=[5, 7],
        num_votes=5,
        min_num_votes_per_sample=0,
    )
    fc.add(
        "majority-non-zero",
        "four non-zero of five: sorted [0, 5, 7, 9, 11] -> 7",
        (),
        7,
        votes=[11, 5, 9, 7],
        num_votes=5,
        min_num_votes_per_sample=2,
    )
    fc.add(
        "even-half-away-negative",
        "catalogue-next: [-49, 0] -> -49/2 = -24 (trunc) + -49%2 = -1 -> -25",
        R9,
        -25,
        votes=[-49],
        num_votes=2,
        min_num_votes_per_sample=0,
    )
    fc.add(
        "even-half-away-positive",
        "catalogue-next: [75, 76] -> 76 - (76-75)/2 = 76 (75.5 away from zero)",
        R9,
        76,
        votes=[75, 76],
        num_votes=2,
        min_num_votes_per_sample=0,
    )
    fc.add(
        "even-mixed-signs",
        "[-3, 2]: sum -1, -1/2 = 0 + -1%2 = -1 -> -1",
        R9,
        -1,
        votes=[2, -3],
        num_votes=2,
        min_num_votes_per_sample=2,
    )
    fc.add(
        "even-both-negative",
        "[-8, -3]: x + (y - x)/2 = -8 + 5/2 = -8 + 2 = -6 (-5.5 away from zero)",
        R9,
        -6,
        votes=[-3, -8],
        num_votes=2,
        min_num_votes_per_sample=1,
    )
    fc.add(
        "int32-extremes",
        "[int32 min, int32 max]: sum -1 -> -1, no overflow",
        R9,
        -1,
        votes=[INT32_MIN, INT32_MAX],
        num_votes=2,
        min_num_votes_per_sample=0,
    )
    fc.add(
        "int32-max-pair",
        "[int32 max, int32 max - 1]: y - (y - x)/2 = int32 max",
        R9,
        INT32_MAX,
        votes=[INT32_MAX, INT32_MAX - 1],
        num_votes=2,
        min_num_votes_per_sample=0,
    )
    fc.add(
        "no-votes",
        "no stored votes: the market is not in the store and samples 0",
        (),
        0,
        votes=[],
        num_votes=0,
        min_num_votes_per_sample=0,
    )
    fc.add(
        "no-votes-many-messages",
        "no non-zero votes in 100 messages: 0",
        (),
        0,
        votes=[],
        num_votes=100,
        min_num_votes_per_sample=15,
    )
    fc.add(
        "uint32-padding-not-built",
        "one vote padded to uint32 max: the median is 0, computed without building the padding",
        (),
        0,
        votes=[5],
        num_votes=UINT32_MAX,
        min_num_votes_per_sample=UINT32_MAX,
    )
    fc.add(
        "more-votes-than-messages",
        "more non-zero votes than vote messages breaks Go's invariant (a panic): INVALID_ARGUMENT",
        (),
        "!INVALID_ARGUMENT",
        votes=[1, 2, 3],
        num_votes=2,
        min_num_votes_per_sample=15,
    )
    for name, votes, num, expected, what in [
        (
            "go-new-epoch-perpetual-0",
            [51, 51, -100, -100],
            4,
            -25,
            "sorted [-100, -100, 51, 51]: (-100 + 51) = -49 -> -25",
        ),
        ("go-new-epoch-perpetual-1", [51, 51, 100, 100], 4, 76, "(51 + 100) / 2 = 75.5 -> 76"),
        ("go-add-sample-perpetual-0", [-1000, 1000, 51, -50, 100, -100], 6, 1, "(-50 + 51) / 2 = 0.5 -> 1"),
        ("go-add-sample-perpetual-1", [0, 0, 1, 2, 3, 4], 6, 2, "(1 + 2) / 2 = 1.5 -> 2 (its store holds zeros)"),
        ("go-add-sample-perpetual-2", [-1000, -500, -5, 5, 500, 1000], 6, 0, "(-5 + 5) / 2 = 0: a zero sample"),
    ]:
        fc.add(
            name,
            f"Go TestMaybeProcessNewFundingSampleEpoch (min votes 1): {what}",
            R9,
            expected,
            votes=votes,
            num_votes=num,
            min_num_votes_per_sample=1,
        )
    fc.add(
        "vote-above-int32",
        "a vote beyond int32 is OUT_OF_RANGE (CAT-4)",
        ("CAT-4",),
        "!OUT_OF_RANGE",
        votes=[INT32_MAX + 1],
        num_votes=1,
        min_num_votes_per_sample=0,
    )
    fc.add(
        "votes-not-a-list",
        "votes given as a number: INVALID_TYPE (CAT-2)",
        ("CAT-2",),
        "!INVALID_TYPE",
        **{**base, "votes": 5},
    )
    add_generic_cases(fc, base)

    def draw(r: random.Random) -> dict:
        count = r.randrange(0, 12)
        votes = [
            r.choice([r.randrange(-2_000, 2_000) or 1, r.randrange(INT32_MIN, INT32_MAX + 1)]) for _ in range(count)
        ]
        return {
            "votes": [encode_int(v) for v in votes],
            "num_votes": count + r.randrange(0, 10),
            "min_num_votes_per_sample": r.choice([0, 1, 15, r.randrange(0, 40)]),
        }

    add_random_cases(fc, draw, R9)


def remove_sample_tails_cases(fc: FunctionCases) -> None:
    go = "Go TestGetRemoveSampleTailsFunc"
    base = {"samples": [0, -1, -3, 5], "tail_removal_rate_ppm": 250_000}
    fc.add("go-25pct-len-0", f"{go} '25%, input length = 0'", (), [], samples=[], tail_removal_rate_ppm=250_000)
    fc.add("go-25pct-len-1", f"{go} '25%, input length = 1'", (), [0], samples=[0], tail_removal_rate_ppm=250_000)
    fc.add(
        "go-25pct-len-3",
        f"{go} '25%, input length = 3': total floor(3 * 0.5) = 1, bottom 0, top 1",
        ("ROUND-3",),
        [-3, -1],
        samples=[0, -1, -3],
        tail_removal_rate_ppm=250_000,
    )
    fc.add("go-25pct-len-4", f"{go} '25%, input length = 4'", (), [-1, 0], **base)
    fc.add(
        "go-25pct-len-5",
        f"{go} '25%, input length = 5'",
        (),
        [-1, 0, 5],
        samples=[0, -1, -3, 5, 7],
        tail_removal_rate_ppm=250_000,
    )
    fc.add(
        "go-25pct-len-6",
        f"{go} '25%, input length = 6': total 3, bottom 1, top 2",
        (),
        [-3, -1, 0],
        samples=[0, -1, -3, -5, 5, 7],
        tail_removal_rate_ppm=250_000,
    )
    fc.add(
        "go-10pct-len-5",
        f"{go} '10%, input length = 5': total 1, the extra value from the top",
        (),
        [-5, -3, -1, 0],
        samples=[0, -1, -3, -5, 5],
        tail_removal_rate_ppm=100_000,
    )
    fc.add(
        "go-80pct-skips",
        f"{go} '80%, invalid removal ratio, skips removing samples': unchanged and unsorted",
        (),
        [0, -1, -3, -5, 5],
        samples=[0, -1, -3, -5, 5],
        tail_removal_rate_ppm=800_000,
    )
    fc.add(
        "zero-rate-unsorted",
        "the production rate 0 returns the input unchanged and unsorted",
        (),
        [3, 1, 2],
        samples=[3, 1, 2],
        tail_removal_rate_ppm=0,
    )
    fc.add(
        "exactly-half-keeps-all",
        "50%: total = len, so nothing is removed and the input stays unsorted",
        (),
        [3, 1, 2, 0],
        samples=[3, 1, 2, 0],
        tail_removal_rate_ppm=500_000,
    )
    fc.add(
        "uint32-wrap",
        "rate 2^31 + 100000: 2 * rate wraps in uint32 to 200000, so 20% goes in all: total floor(10 * 0.2) = 2",
        (),
        [2, 3, 4, 5, 6, 7, 8, 9],
        samples=[10, 9, 8, 7, 6, 5, 4, 3, 2, 1],
        tail_removal_rate_ppm=2**31 + 100_000,
    )
    fc.add(
        "uint32-wrap-to-zero",
        "rate 2^31: 2 * rate wraps to 0, nothing removed",
        (),
        [5, 1, 3],
        samples=[5, 1, 3],
        tail_removal_rate_ppm=2**31,
    )
    fc.add(
        "floor-of-total",
        "len 7 at 10%: total floor(7 * 0.2) = floor(1.4) = 1 from the top",
        ("ROUND-3",),
        [1, 2, 3, 4, 5, 6],
        samples=[7, 6, 5, 4, 3, 2, 1],
        tail_removal_rate_ppm=100_000,
    )
    fc.add(
        "samples-not-a-list",
        "samples given as a string: INVALID_TYPE (CAT-2)",
        ("CAT-2",),
        "!INVALID_TYPE",
        samples="1,2",
        tail_removal_rate_ppm=0,
    )
    fc.add(
        "sample-boolean",
        "a boolean among the samples: INVALID_TYPE (CAT-2)",
        ("CAT-2",),
        "!INVALID_TYPE",
        samples=[1, Raw(True)],
        tail_removal_rate_ppm=0,
    )
    add_generic_cases(fc, base)

    def draw(r: random.Random) -> dict:
        samples = [
            r.randrange(INT32_MIN, INT32_MAX + 1) if r.randrange(4) == 0 else r.randrange(-5_000, 5_000)
            for _ in range(r.randrange(0, 15))
        ]
        rate = r.choice([0, 50_000, 100_000, 250_000, 499_999, r.randrange(0, 1_000_000), r.randrange(0, 2**32)])
        return {"samples": [encode_int(v) for v in samples], "tail_removal_rate_ppm": rate}

    add_random_cases(fc, draw)


BTC_GO = {"atomic_resolution": -10, "price_value": 5_000_000_000, "price_exponent": -5}
"""v4's test market 0 (BTC at $50,000) with BtcUsd_0DefaultFunding_10AtomicResolution's resolution."""

TIER_1 = {"initial_margin_ppm": 1_000_000, "maintenance_fraction_ppm": 750_000}
"""v4's test liquidity tier 1: IM 100%, MF 75%, so the 600% clamp is 1,500,000 ppm."""


def _tick(samples: list[Any], num: int | None = None, **overrides: Any) -> dict[str, Any]:
    inputs: dict[str, Any] = {
        "samples": samples,
        "num_sample_epochs": len(samples) if num is None else num,
        "funding_sample_duration_s": 60,
        "funding_tick_duration_s": 3_600,
        "removed_tail_sample_ratio_ppm": 0,
        "default_funding_ppm": 0,
        **TIER_1,
        "funding_rate_clamp_factor_ppm": 6_000_000,
        **BTC_GO,
    }
    inputs.update(overrides)
    return inputs


def funding_tick_cases(fc: FunctionCases) -> None:
    go = "Go TestMaybeProcessNewFundingTickEpoch_ProcessNewEpoch"
    out = lambda rate, delta: {"funding_rate_ppm": rate, "funding_index_delta": delta}  # noqa: E731
    fc.add_raw(
        "go-60-samples-0.001pct",
        f"{go} '60 equivalent samples of 0.001 percent': rate 1000, trunc(3600 * 1000 * 5e9 * 1e-9 / 28800) = 625",
        R5,
        _tick([1_000] * 60),
        out(1_000, 625),
    )
    fc.add_raw(
        "go-60-samples-neg-0.001pct",
        f"{go} '60 equivalent samples of -0.001 percent'",
        R5,
        _tick([-1_000] * 60),
        out(-1_000, -625),
    )
    fc.add_raw(
        "go-60-samples-int32-max",
        f"{go} '60 equivalent samples of int32 max': clamped to 6 * (1e6 - 750000) = 1500000, delta 937500",
        (),
        _tick([INT32_MAX] * 60),
        out(1_500_000, 937_500),
    )
    fc.add_raw(
        "go-60-samples-int32-min",
        f"{go} '60 equivalent samples of int32 min'",
        (),
        _tick([INT32_MIN] * 60),
        out(-1_500_000, -937_500),
    )
    fc.add_raw(
        "go-60-samples-0.2pct",
        f"{go} '60 equivalent samples of 0.2 percent' (2000 ppm)",
        (),
        _tick([2_000] * 60),
        out(2_000, 1_250),
    )
    tier6 = {"initial_margin_ppm": 200_000, "maintenance_fraction_ppm": 900_000}
    fc.add_raw(
        "go-15pct-20im-18mm",
        f"{go} '60 equivalent samples of 15 percent, 20% IM, 18% MM': clamp 6 * 2% = 120000",
        (),
        _tick([150_000] * 60, **tier6),
        out(120_000, 75_000),
    )
    fc.add_raw(
        "go-neg-15pct-20im-18mm",
        f"{go} '-15 percent, 20% IM, 18% MM'",
        (),
        _tick([-150_000] * 60, **tier6),
        out(-120_000, -75_000),
    )
    fc.add_raw(
        "go-12pct-20im-18mm",
        f"{go} '12 percent, 20% IM, 18% MM': at the clamp exactly",
        (),
        _tick([120_000] * 60, **tier6),
        out(120_000, 75_000),
    )
    fc.add_raw(
        "go-neg-12pct-20im-18mm",
        f"{go} '-12 percent, 20% IM, 18% MM'",
        (),
        _tick([-120_000] * 60, **tier6),
        out(-120_000, -75_000),
    )
    fc.add_raw(
        "go-12pct-im-equal-mm",
        f"{go} '12 percent, IM equal to MM' (BtcUsd_100PercentMarginRequirement, resolution -8): clamp 0, no move",
        (),
        _tick([120_000] * 60, initial_margin_ppm=1_000_000, maintenance_fraction_ppm=1_000_000, atomic_resolution=-8),
        out(0, 0),
    )
    fc.add_raw(
        "go-eth-0.001pct",
        f"{go} 'two perpetuals', the ETH one (tier 5: IM 50%, MF 60%; $3000, resolution -9): delta 375",
        (),
        _tick(
            [1_000] * 60,
            initial_margin_ppm=500_000,
            maintenance_fraction_ppm=600_000,
            atomic_resolution=-9,
            price_value=3_000_000_000,
            price_exponent=-6,
        ),
        out(1_000, 375),
    )
    fc.add_raw(
        "go-120-expected",
        f"{go} '60 samples of 0.001 percent, 120 samples expected' (30 s samples): padded, rate 500, delta 312.5 -> 312",
        R5,
        _tick([1_000] * 60, funding_sample_duration_s=30),
        out(500, 312),
    )
    fc.add_raw(
        "go-30-of-60",
        f"{go} '30 equivalent samples of 0.001 percent, 60 samples expected': rate 500, delta 312",
        R5,
        _tick([1_000] * 30),
        out(500, 312),
    )
    fc.add_raw(
        "go-default-funding",
        f"{go} 'default funding = 0.001 percent': 1000 + 1000 = 2000",
        (),
        _tick([1_000] * 60, default_funding_ppm=1_000),
        out(2_000, 1_250),
    )
    fc.add_raw(
        "go-more-than-expected",
        f"{go} 'more than expected funding samples recorded': 75 x 1000 and 25 x 5000 over 100 -> 2000",
        (),
        _tick([1_000] * 75 + [5_000] * 25),
        out(2_000, 1_250),
    )
    fc.add_raw(
        "go-index-beyond-int64",
        f"{go} 'funding index greater than MaxInt64' (tier 2: IM 100%, MF 0; resolution 0): clamp 6000000, delta 3.75e16",
        (),
        _tick([INT32_MAX] * 60, initial_margin_ppm=1_000_000, maintenance_fraction_ppm=0, atomic_resolution=0),
        out(6_000_000, 37_500_000_000_000_000),
    )
    fc.add_raw(
        "go-no-samples",
        f"{go} 'no samples' (tier 2, resolution 0): rate 0",
        (),
        _tick([], initial_margin_ppm=1_000_000, maintenance_fraction_ppm=0, atomic_resolution=0),
        out(0, 0),
    )
    fc.add_raw(
        "go-no-samples-negative-default",
        f"{go} 'no samples, -0.001 percent default funding': -1000, delta -625",
        (),
        _tick([], default_funding_ppm=-1_000),
        out(-1_000, -625),
    )
    fc.add_raw(
        "avg-truncates-toward-zero",
        "samples [-1, -2] over 2: sum -3, AvgInt32 truncates to -1 (not floor -2)",
        R5,
        _tick([-1, -2], funding_tick_duration_s=120),
        out(-1, 0),
    )
    fc.add_raw(
        "ceil-min-samples",
        "tick 100 s of 30 s samples: ceil(100/30) = 4 expected; [400, 400, 400] padded to 4 -> 300; trunc(100 * 300 * 5 / 28800) = 5",
        ("ROUND-4",),
        _tick([400, 400, 400], funding_tick_duration_s=100, funding_sample_duration_s=30),
        out(300, 5),
    )
    fc.add_raw(
        "tails-removed",
        "rate 10% over 10 samples: total 2, one from each end of [-1000, 0 x 8, 9000] -> 8 zeros, rate 0 + default 5",
        (),
        _tick(
            [-1_000, 9_000],
            num=10,
            funding_tick_duration_s=600,
            removed_tail_sample_ratio_ppm=100_000,
            default_funding_ppm=5,
        ),
        out(5, 0),
    )
    fc.add_raw(
        "tails-removed-padded",
        "no tail removal: [800] padded to ceil(240/60) = 4 -> 200; trunc(240 * 200 * 5 / 28800) = trunc(8.3) = 8",
        (),
        _tick([800], num=1, funding_tick_duration_s=240),
        out(200, 8),
    )
    fc.add_raw(
        "tails-removed-padded-2",
        "as above with 25% tails: total 2 of 4, one from each end of [0, 0, 0, 800] -> [0, 0]: rate 0, no move",
        (),
        _tick([800], num=1, funding_tick_duration_s=240, removed_tail_sample_ratio_ppm=250_000),
        out(0, 0),
    )
    fc.add_raw(
        "rate-above-int32",
        "a clamp above int32 max lets the rate exceed it: Go panics (ErrFundingRateInt32Overflow): RESULT_OUT_OF_RANGE",
        (),
        _tick(
            [INT32_MAX] * 60,
            default_funding_ppm=INT32_MAX,
            maintenance_fraction_ppm=0,
            funding_rate_clamp_factor_ppm=UINT32_MAX,
        ),
        "!RESULT_OUT_OF_RANGE",
    )
    fc.add_raw(
        "rate-below-int32-min",
        "the rate below int32 min is not checked by Go (only the maximum is): -2^32 clamped to -(2^32 - 1) moves the "
        "index by trunc(3600 * -(2^32 - 1) * 5 / 28800) = -2684354559",
        (),
        _tick(
            [INT32_MIN] * 60,
            default_funding_ppm=INT32_MIN,
            maintenance_fraction_ppm=0,
            funding_rate_clamp_factor_ppm=UINT32_MAX,
        ),
        out(-(2**32) + 1, -2_684_354_559),
    )
    fc.add_raw(
        "more-samples-than-epochs",
        "more non-zero samples than sample epochs breaks Go's invariant: INVALID_ARGUMENT",
        (),
        _tick([1, 2, 3], num=2),
        "!INVALID_ARGUMENT",
    )
    fc.add_raw(
        "zero-sample-duration",
        "a funding-sample duration of 0 divides by zero in Go: INVALID_ARGUMENT",
        (),
        _tick([1_000], funding_sample_duration_s=0),
        "!INVALID_ARGUMENT",
    )
    fc.add_raw(
        "maintenance-fraction-above-one",
        "MF above 100% panics (ErrMaintenanceFractionPpmExceedsMax): OUT_OF_RANGE",
        (),
        _tick([1_000], maintenance_fraction_ppm=1_000_001),
        "!OUT_OF_RANGE",
    )
    fc.add_raw(
        "zero-price",
        "a zero oracle price: the rate stands, the index does not move",
        (),
        _tick([1_000] * 60, price_value=0),
        out(1_000, 0),
    )
    fc.add_raw(
        "uint32-padding-not-built",
        "one sample in uint32-max sample epochs: the mean over 2^32 - 1 truncates to 0",
        R5,
        _tick([INT32_MAX], num=UINT32_MAX),
        out(0, 0),
    )
    fc.add_raw(
        "samples-not-a-list",
        "samples given as a number: INVALID_TYPE (CAT-2)",
        ("CAT-2",),
        {**_tick([1_000]), "samples": 5},
        "!INVALID_TYPE",
    )
    fc.add_raw(
        "sample-fraction",
        "a fraction among the samples: INVALID_TYPE (CAT-2)",
        ("CAT-2",),
        {**_tick([1_000]), "samples": [1_000, Raw(1.5)]},
        "!INVALID_TYPE",
    )
    add_generic_cases(fc, _tick([1_000] * 4, funding_tick_duration_s=240))

    def draw(r: random.Random) -> dict:
        count = r.randrange(0, 16)
        samples = [
            r.choice([r.randrange(-5_000, 5_000) or 7, r.randrange(INT32_MIN, INT32_MAX + 1)]) for _ in range(count)
        ]
        return _tick(
            [encode_int(v) for v in samples],
            num=count + r.randrange(0, 5),
            funding_sample_duration_s=r.choice([60, 30, r.randrange(1, 4_000)]),
            funding_tick_duration_s=r.choice([3_600, 600, r.randrange(0, 100_000)]),
            removed_tail_sample_ratio_ppm=r.choice([0, 0, 100_000, r.randrange(0, 600_000)]),
            default_funding_ppm=r.choice([0, 100, -100, r.randrange(-(10**6), 10**6)]),
            initial_margin_ppm=r.randrange(0, 1_000_001),
            maintenance_fraction_ppm=r.randrange(0, 1_000_001),
            funding_rate_clamp_factor_ppm=r.choice([6_000_000, r.randrange(0, 2**32)]),
            atomic_resolution=r.randrange(-12, 1),
            price_value=encode_int(random_uint64(r)),
            price_exponent=r.randrange(-10, 1),
        )

    add_random_cases(fc, draw, R5)


def funding_index_delta_cases(fc: FunctionCases) -> None:
    go = "Go TestGetFundingIndexDelta"
    base = {
        "atomic_resolution": -12,
        "price_exponent": 0,
        "price_value": 1_000,
        "funding_rate_8hr_ppm": 1_001_999,
        "time_since_last_funding_s": 28_800,
    }
    fc.add(
        "go-positive-rounds-toward-zero",
        f"{go} 'Positive Funding Rate (rounds towards zero)': 1001.999 -> 1001",
        R5,
        1_001,
        **base,
    )
    fc.add(
        "go-negative-rounds-toward-zero",
        f"{go} 'Negative Funding Rate (rounds towards zero)': -1001.999 -> -1001",
        R5,
        -1_001,
        **{**base, "funding_rate_8hr_ppm": -1_001_999},
    )
    fc.add(
        "go-varied-1",
        f"{go} 'Varied parameters (1)'",
        (),
        -5_009_995_000_000,
        atomic_resolution=-4,
        price_exponent=2,
        price_value=1_000,
        funding_rate_8hr_ppm=-1_001_999,
        time_since_last_funding_s=14_400,
    )
    fc.add(
        "go-varied-2",
        f"{go} 'Varied parameters (2)'",
        R5,
        -125_249_875,
        atomic_resolution=0,
        price_exponent=-6,
        price_value=1_000,
        funding_rate_8hr_ppm=-1_001_999,
        time_since_last_funding_s=3_600,
    )
    fc.add(
        "two-truncations",
        "BTC genesis, one hour at 100 ppm: 3600 * 100 * 2868819524 * 1e-9 = 1032775.02864 -> 1032775, / 28800 -> 35.86 -> 35",
        R5,
        35,
        atomic_resolution=-10,
        price_exponent=-5,
        price_value=2_868_819_524,
        funding_rate_8hr_ppm=100,
        time_since_last_funding_s=3_600,
    )
    fc.add(
        "two-truncations-negative",
        "the same at -100 ppm: -35 (toward zero, not -36)",
        R5,
        -35,
        atomic_resolution=-10,
        price_exponent=-5,
        price_value=2_868_819_524,
        funding_rate_8hr_ppm=-100,
        time_since_last_funding_s=3_600,
    )
    fc.add("zero-time", "no time elapsed: no move", (), 0, **{**base, "time_since_last_funding_s": 0})
    fc.add("zero-rate", "a zero rate: no move", (), 0, **{**base, "funding_rate_8hr_ppm": 0})
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: {
            "atomic_resolution": r.randrange(-14, 3),
            "price_exponent": r.randrange(-12, 3),
            "price_value": encode_int(random_uint64(r)),
            "funding_rate_8hr_ppm": encode_int(random_signed(r, 12)),
            "time_since_last_funding_s": r.choice([3_600, 60, 28_800, r.randrange(0, 2**32)]),
        },
        R5,
    )


def max_abs_funding_clamp_cases(fc: FunctionCases) -> None:
    go = "Go TestLiquidityTierGetMaxAbsFundingClampPpm"
    base = {"clamp_factor_ppm": 6_000_000, "initial_margin_ppm": 150_000, "maintenance_fraction_ppm": 800_000}
    fc.add(
        "go-600pct-15im-80mf",
        f"{go} '600% clamp factor, 15% initial margin, 80% maintenance fraction': 18%",
        (),
        180_000,
        **base,
    )
    fc.add(
        "go-600pct-45im-100mf",
        f"{go} '600% clamp factor, 45% initial margin, 100% maintenance fraction': 0",
        (),
        0,
        clamp_factor_ppm=6_000_000,
        initial_margin_ppm=450_000,
        maintenance_fraction_ppm=1_000_000,
    )
    fc.add(
        "go-600pct-0im-100mf",
        f"{go} '600% clamp factor, 0% initial margin, 100% maintenance fraction': 0",
        (),
        0,
        clamp_factor_ppm=6_000_000,
        initial_margin_ppm=0,
        maintenance_fraction_ppm=1_000_000,
    )
    fc.add(
        "go-300pct-100im-0mf",
        f"{go} '300% clamp factor, 100% initial margin, 0% maintenance fraction': 300%",
        (),
        3_000_000,
        clamp_factor_ppm=3_000_000,
        initial_margin_ppm=1_000_000,
        maintenance_fraction_ppm=0,
    )
    fc.add(
        "go-0pct-100im",
        f"{go} '0% clamp factor, 100% initial margin, 0% maintenance fraction' (its MF is in fact 100%): 0",
        (),
        0,
        clamp_factor_ppm=0,
        initial_margin_ppm=1_000_000,
        maintenance_fraction_ppm=1_000_000,
    )
    fc.add(
        "go-max-clamp",
        f"{go} 'max clamp factor, 100% initial margin, 0% maintenance fraction': uint32 max",
        (),
        UINT32_MAX,
        clamp_factor_ppm=UINT32_MAX,
        initial_margin_ppm=1_000_000,
        maintenance_fraction_ppm=0,
    )
    fc.add(
        "go-odd-values",
        f"{go} '42_397.8721% clamp factor, 74.5345% initial margin, 56.4947% maintenance fraction': "
        "MM = floor(745345 * 0.564947) = 421080; floor(423978721 * 324265 / 1e6) = 137481459",
        ("ROUND-3",),
        137_481_459,
        clamp_factor_ppm=423_978_721,
        initial_margin_ppm=745_345,
        maintenance_fraction_ppm=564_947,
    )
    fc.add(
        "default-premium-vote-clamp",
        "v4's premium vote clamp 6000% on BTC's genesis tier (IM 5%, MF 60%): floor(60e6 * (50000 - 30000) / 1e6) = 1200000",
        (),
        1_200_000,
        clamp_factor_ppm=60_000_000,
        initial_margin_ppm=50_000,
        maintenance_fraction_ppm=600_000,
    )
    fc.add(
        "both-floors",
        "IM 333, MF 333333: MM floor(110.99) = 110; floor(7 * 223 / 1e6) = 0",
        ("ROUND-3",),
        0,
        clamp_factor_ppm=7,
        initial_margin_ppm=333,
        maintenance_fraction_ppm=333_333,
    )
    fc.add(
        "mf-above-one",
        "MF above 100% panics in Go: OUT_OF_RANGE",
        (),
        "!OUT_OF_RANGE",
        clamp_factor_ppm=6_000_000,
        initial_margin_ppm=50_000,
        maintenance_fraction_ppm=1_000_001,
    )
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: {
            "clamp_factor_ppm": r.choice([6_000_000, 60_000_000, r.randrange(0, 2**32)]),
            "initial_margin_ppm": r.choice([r.randrange(0, 1_000_001), r.randrange(0, 2**32)]),
            "maintenance_fraction_ppm": r.randrange(0, 1_000_001),
        },
        ("ROUND-3",),
    )


def _levels(*pairs: tuple[int, int]) -> list[dict[str, int]]:
    return [{"subticks": s, "quantums": q} for s, q in pairs]


def _premium(index_price: int, bids: list, asks: list, notional: int, max_abs: int) -> dict[str, Any]:
    """v4's TestGetPremiumPrice setting: ClobPair_Btc (qce -8), BTC resolution -10, index exponent -5."""
    return {
        "index_price_value": index_price,
        "index_price_exponent": -5,
        "base_atomic_resolution": -10,
        "quote_atomic_resolution": -6,
        "quantum_conversion_exponent": -8,
        "impact_notional_quote_quantums": notional,
        "max_abs_premium_vote_ppm": max_abs,
        "bids": bids,
        "asks": asks,
    }


def price_premium_cases(fc: FunctionCases) -> None:
    go = "Go TestGetPremiumPrice"
    btc, tenth = 10_000_000_000, 1_000_000_000
    fc.add_raw(
        "go-between-best-prices",
        f"{go} 'Best Bid < Index < Best Ask, premium = 0'",
        (),
        _premium(1_000_000_000, _levels((99_990_000, btc)), _levels((100_010_000, btc)), 5_000_000_000, 1_000_000),
        0,
    )
    fc.add_raw(
        "go-positive-premium",
        f"{go} 'Index < Impact Bid < Best Bid < Best Ask, positive premium': impact bid 9998.2, 9998.2/9000 - 1 -> 110911",
        ("ROUND-8",),
        _premium(
            900_000_000,
            _levels((99_990_000, tenth), (99_980_000, btc)),
            _levels((100_010_000, btc)),
            5_000_000_000,
            1_000_000,
        ),
        110_911,
    )
    fc.add_raw(
        "go-negative-premium",
        f"{go} 'Impact Bid < Best Bid < Best Ask < Impact Ask < Index, negative premium': -129",
        ("ROUND-8",),
        _premium(
            1_000_300_000,
            _levels((99_990_000, btc)),
            _levels((100_010_000, tenth), (100_015_000, tenth), (100_020_000, btc)),
            5_000_000_000,
            1_000_000,
        ),
        -129,
    )
    fc.add_raw(
        "go-best-ask-is-impact-ask",
        f"{go} 'Impact Bid < Best Bid < Best Ask = Impact Ask < Index, negative premium': -89",
        ("ROUND-8",),
        _premium(1_000_190_000, _levels((99_990_000, btc)), _levels((100_010_000, btc)), 5_000_000_000, 1_000_000),
        -89,
    )
    fc.add_raw(
        "go-best-bid-is-impact-bid",
        f"{go} 'Index < Impact Bid = Best Bid < Best Ask, positive premium': 240",
        ("ROUND-8",),
        _premium(999_750_000, _levels((99_999_000, btc)), _levels((100_010_000, btc)), 5_000_000_000, 1_000_000),
        240,
    )
    fc.add_raw(
        "go-index-between-impact-and-best-bid",
        f"{go} 'Impact Bid < Index < Best Bid < Best Ask, 0 premium' (its second bid of client id 1 replaces the first)",
        (),
        _premium(
            999_982_000,
            _levels((99_999_000, tenth), (99_990_000, btc)),
            _levels((100_010_000, btc)),
            5_000_000_000,
            1_000_000,
        ),
        0,
    )
    fc.add_raw(
        "go-thin-asks",
        f"{go} 'BestAsk < Index; Impact Ask = Infinity (low liquidity); 0 premium'",
        (),
        _premium(1_000_100_000, _levels((99_998_000, btc)), _levels((100_001_000, tenth)), 2_000_000_000, 100_000),
        0,
    )
    fc.add_raw(
        "go-thin-bids",
        f"{go} 'Impact Bid = 0 (low liquidity); Index < Best Bid; 0 premium'",
        (),
        _premium(999_950_000, _levels((99_998_000, tenth)), _levels((100_001_000, btc)), 2_000_000_000, 100_000),
        0,
    )
    fc.add_raw(
        "go-thin-both",
        f"{go} 'Not enough liquidity on both sides, return 0'",
        (),
        _premium(1_000_000_000, _levels((99_998_000, tenth)), _levels((100_001_000, tenth)), 2_000_000_000, 100_000),
        0,
    )
    fc.add_raw(
        "go-empty-book",
        f"{go} 'Orderbook is empty, return 0'",
        (),
        _premium(1_000_000_000, [], [], 2_000_000_000, 100_000),
        0,
    )
    fc.add_raw(
        "go-clamped-maximum",
        f"{go} 'Index << Impact Bid, maximum premium (clamped)': 10%",
        (),
        _premium(600_000_000, _levels((99_999_000, btc)), _levels((100_010_000, btc)), 5_000_000_000, 100_000),
        100_000,
    )
    fc.add_raw(
        "go-clamped-minimum",
        f"{go} 'Impact Ask << Index, minimum premium (clamped)': -10%",
        (),
        _premium(1_500_000_000, _levels((99_999_000, btc)), _levels((100_010_000, btc)), 5_000_000_000, 100_000),
        -100_000,
    )
    fc.add_raw(
        "go-thin-asks-positive",
        f"{go} 'Index < Impact Bid < Impact Ask = Infinity (low liquidity); positive premium': 80",
        ("ROUND-8",),
        _premium(999_900_000, _levels((99_998_000, btc)), _levels((100_001_000, tenth)), 5_000_000_000, 100_000),
        80,
    )
    fc.add_raw(
        "go-thin-bids-negative",
        f"{go} '0 = Impact Bid (low liquidity) < Impact Ask; negative premium': -89",
        ("ROUND-8",),
        _premium(1_000_100_000, _levels((99_998_000, tenth)), _levels((100_001_000, btc)), 5_000_000_000, 100_000),
        -89,
    )
    fc.add_raw(
        "go-clamp-overflows-int32",
        f"{go} 'error: maxAbsPremiumVotePpm overflow int32' (a panic): OUT_OF_RANGE",
        ("CAT-4",),
        _premium(1_000_000_000, [], _levels((100_010_000, btc)), 5_000_000_000, INT32_MAX + 1),
        "!OUT_OF_RANGE",
    )
    fc.add_raw(
        "go-zero-index",
        f"{go} 'error: index price is zero' (ErrZeroIndexPriceForPremiumCalculation): INVALID_ARGUMENT",
        (),
        _premium(0, [], [], 1_000, 100_000),
        "!INVALID_ARGUMENT",
    )
    fc.add_raw(
        "go-zero-impact-notional",
        f"{go} 'Zero impact amount, positive premium, use best bid as impact price': 240",
        ("ROUND-8",),
        _premium(999_750_000, _levels((99_999_000, btc)), _levels((100_010_000, btc)), 0, 1_000_000),
        240,
    )
    fc.add_raw(
        "base-rounded-up",
        "one bid of 3 quantums at 7 subticks, qce 0, notional 10: fills 10/21 of 3 = 10/7 base, rounded up to 2; "
        "impact 10/2 = 5 subticks, index 4: 5/4 - 1 = 250000 (unrounded base would give 7/4 - 1 = 750000)",
        ("ROUND-8",),
        {
            **_premium(0, _levels((7, 3)), [], 10, 1_000_000),
            "index_price_value": 4,
            "index_price_exponent": 0,
            "base_atomic_resolution": 0,
            "quote_atomic_resolution": 0,
            "quantum_conversion_exponent": 0,
        },
        250_000,
    )
    fc.add_raw(
        "truncated-before-clamp",
        "impact 35/5 = 7 against index 5: 7/5 - 1 = 400000 exactly; the clamp 399999 wins",
        (),
        {
            **_premium(0, _levels((7, 5)), [], 35, 399_999),
            "index_price_value": 5,
            "index_price_exponent": 0,
            "base_atomic_resolution": 0,
            "quote_atomic_resolution": 0,
            "quantum_conversion_exponent": 0,
        },
        399_999,
    )
    fc.add_raw(
        "negative-truncates-toward-zero",
        "ask side: impact 2 against index 3: 2/3 - 1 = -333333.3 -> -333333",
        ("ROUND-8",),
        {
            **_premium(0, [], _levels((2, 100)), 20, 1_000_000),
            "index_price_value": 3,
            "index_price_exponent": 0,
            "base_atomic_resolution": 0,
            "quote_atomic_resolution": 0,
            "quantum_conversion_exponent": 0,
        },
        -333_333,
    )
    fc.add_raw(
        "negative-clamp-int32-min",
        "a clamp of int32 min: Go negates it in int32 (still int32 min), so the bounds are [min, min]",
        (),
        _premium(600_000_000, _levels((99_999_000, btc)), _levels((100_010_000, btc)), 5_000_000_000, INT32_MIN),
        INT32_MIN,
    )
    fc.add_raw(
        "crossed-book",
        "best bid at the best ask: Go panics (a crossed book): INVALID_ARGUMENT",
        (),
        _premium(1_000_000_000, _levels((100_010_000, btc)), _levels((100_010_000, btc)), 5_000_000_000, 100_000),
        "!INVALID_ARGUMENT",
    )
    fc.add_raw(
        "bids-out-of-order",
        "bids not best first: INVALID_ARGUMENT",
        (),
        _premium(900_000_000, _levels((99_980_000, btc), (99_990_000, tenth)), [], 5_000_000_000, 100_000),
        "!INVALID_ARGUMENT",
    )
    fc.add_raw(
        "empty-order",
        "a resting order with no quantums: Go panics: INVALID_ARGUMENT",
        (),
        _premium(900_000_000, _levels((99_990_000, 0)), [], 5_000_000_000, 100_000),
        "!INVALID_ARGUMENT",
    )
    fc.add_raw(
        "order-missing-field",
        "an order without quantums: MISSING_INPUT (CAT-5)",
        ("CAT-5",),
        _premium(900_000_000, [{"subticks": 99_990_000}], [], 5_000_000_000, 100_000),
        "!MISSING_INPUT",
    )
    fc.add_raw(
        "order-extra-field",
        "an order with an extra field: UNEXPECTED_INPUT (CAT-5)",
        ("CAT-5",),
        _premium(900_000_000, [{"subticks": 99_990_000, "quantums": 1, "side": 1}], [], 5_000_000_000, 100_000),
        "!UNEXPECTED_INPUT",
    )
    fc.add_raw(
        "bids-not-a-list",
        "bids as an object: INVALID_TYPE (CAT-2)",
        ("CAT-2",),
        _premium(900_000_000, {"subticks": 1}, [], 5_000_000_000, 100_000),  # type: ignore[arg-type]
        "!INVALID_TYPE",
    )
    add_generic_cases(
        fc, _premium(900_000_000, _levels((99_990_000, btc)), _levels((100_010_000, btc)), 5_000_000_000, 1_000_000)
    )

    def draw(r: random.Random) -> dict:
        mid = r.randrange(50_000_000, 150_000_000)
        spread = r.randrange(1, 1_000_000)
        bids = [(mid - spread - r.randrange(0, 2_000_000), r.randrange(1, 3 * btc)) for _ in range(r.randrange(0, 4))]
        asks = [(mid + r.randrange(0, 2_000_000), r.randrange(1, 3 * btc)) for _ in range(r.randrange(0, 4))]
        bids.sort(key=lambda x: -x[0])
        asks.sort(key=lambda x: x[0])
        return _premium(
            r.randrange(1, 2_000_000_000),
            _levels(*bids),
            _levels(*asks),
            r.choice([0, 5_000_000_000, r.randrange(0, 50_000_000_000)]),
            r.choice([100_000, 1_000_000, r.randrange(0, INT32_MAX)]),
        )

    add_random_cases(fc, draw, ("ROUND-8",))
