"""
Function vectors of the margin requirements (spec/margin.md: MARGIN-1 the open-interest
scaling of the initial margin fraction, MARGIN-2 the initial and MARGIN-3 the maintenance
margin requirement).
"""

from __future__ import annotations

import random

from perpspec.conformance.format import encode_int
from perpspec.conformance.functions.cases import (
    BTC,
    ETH,
    SOL,
    FunctionCases,
    add_generic_cases,
    add_random_cases,
    random_magnitude,
    random_signed,
    random_uint64,
)
from perpspec.units import UINT32_MAX

SMALL_CAP = {"open_interest_lower_cap": 20_000_000_000_000, "open_interest_upper_cap": 50_000_000_000_000}


def adjusted_imf_cases(fc: FunctionCases) -> None:
    base = {"initial_margin_ppm": 100_000, **SMALL_CAP, "open_interest_notional": 35_000_000_000_000}
    # 100000 + floor(900000 * 15e12 / 30e12) = 100000 + 450000
    fc.add(
        "halfway-between-caps", "halfway between the caps: 100000 + 900000/2 = 550000", ("ROUND-3",), 550_000, **base
    )
    fc.add(
        "at-lower-cap",
        "at the lower cap: the tier's fraction",
        (),
        100_000,
        **{**base, "open_interest_notional": SMALL_CAP["open_interest_lower_cap"]},
    )
    fc.add(
        "one-above-lower-cap",
        "one quantum above the lower cap: floor(900000 / 3e13) = 0 more",
        ("ROUND-3",),
        100_000,
        **{**base, "open_interest_notional": SMALL_CAP["open_interest_lower_cap"] + 1},
    )
    fc.add(
        "at-upper-cap",
        "at the upper cap: 100%",
        (),
        1_000_000,
        **{**base, "open_interest_notional": SMALL_CAP["open_interest_upper_cap"]},
    )
    fc.add(
        "one-below-upper-cap",
        "one below the upper cap: 100000 + floor(900000 * (3e13 - 1) / 3e13) = 999999",
        ("ROUND-3",),
        999_999,
        **{**base, "open_interest_notional": SMALL_CAP["open_interest_upper_cap"] - 1},
    )
    fc.add("above-upper-cap", "above the upper cap: 100%", (), 1_000_000, **{**base, "open_interest_notional": 10**20})
    fc.add(
        "negative-open-interest",
        "a negative notional is below the lower cap",
        (),
        100_000,
        **{**base, "open_interest_notional": -(10**20)},
    )
    fc.add(
        "scaling-off",
        "upper cap 0 turns scaling off",
        (),
        20_000,
        initial_margin_ppm=20_000,
        open_interest_lower_cap=0,
        open_interest_upper_cap=0,
        open_interest_notional=10**20,
    )
    fc.add(
        "lower-above-upper",
        "lower > upper is not an error: oi above the lower cap is above the upper, 100%",
        ("CAT-4",),
        1_000_000,
        initial_margin_ppm=100_000,
        open_interest_lower_cap=10,
        open_interest_upper_cap=5,
        open_interest_notional=11,
    )
    fc.add(
        "lower-above-upper-below-both",
        "lower > upper with oi below both: the tier's fraction",
        ("CAT-4",),
        100_000,
        initial_margin_ppm=100_000,
        open_interest_lower_cap=10,
        open_interest_upper_cap=5,
        open_interest_notional=3,
    )
    fc.add(
        "lower-equals-upper",
        "lower = upper: oi at the cap is the tier's fraction, one above is 100%",
        (),
        1_000_000,
        initial_margin_ppm=100_000,
        open_interest_lower_cap=10,
        open_interest_upper_cap=10,
        open_interest_notional=11,
    )
    fc.add(
        "lower-equals-upper-at-cap",
        "lower = upper = oi: at the lower cap, the tier's fraction",
        (),
        100_000,
        initial_margin_ppm=100_000,
        open_interest_lower_cap=10,
        open_interest_upper_cap=10,
        open_interest_notional=10,
    )
    fc.add(
        "lower-above-upper-at-lower",
        "lower > upper with oi at the lower cap: the tier's fraction",
        ("CAT-4",),
        100_000,
        initial_margin_ppm=100_000,
        open_interest_lower_cap=10,
        open_interest_upper_cap=5,
        open_interest_notional=10,
    )
    fc.add(
        "imf-above-100-percent-scaled",
        "an IMF above 100% between the caps is INVALID_ARGUMENT (Go panics) (CAT-4)",
        ("CAT-4",),
        "!INVALID_ARGUMENT",
        **{**base, "initial_margin_ppm": 1_000_001},
    )
    fc.add(
        "imf-above-100-percent-below-caps",
        "an IMF above 100% below the lower cap is returned as is (CAT-4)",
        ("CAT-4",),
        2_000_000,
        **{**base, "initial_margin_ppm": 2_000_000, "open_interest_notional": 0},
    )
    fc.add(
        "imf-above-100-percent-above-caps",
        "an IMF above 100% at the upper cap gives 100% (CAT-4)",
        ("CAT-4",),
        1_000_000,
        **{**base, "initial_margin_ppm": 2_000_000, "open_interest_notional": SMALL_CAP["open_interest_upper_cap"]},
    )
    fc.add(
        "imf-above-100-percent-at-lower-cap",
        "an IMF above 100% exactly at the lower cap is returned as is, no error (CAT-4)",
        ("CAT-4",),
        2_000_000,
        **{**base, "initial_margin_ppm": 2_000_000, "open_interest_notional": SMALL_CAP["open_interest_lower_cap"]},
    )
    fc.add(
        "imf-above-100-percent-beyond-caps",
        "an IMF above 100% above the upper cap gives 100%, no error (CAT-4)",
        ("CAT-4",),
        1_000_000,
        **{**base, "initial_margin_ppm": 2_000_000, "open_interest_notional": SMALL_CAP["open_interest_upper_cap"] + 1},
    )
    fc.add(
        "imf-above-100-percent-lower-above-upper",
        "an IMF above 100% with lower > upper and oi above the lower cap: 100%, no error (CAT-4)",
        ("CAT-4",),
        1_000_000,
        initial_margin_ppm=2_000_000,
        open_interest_lower_cap=10,
        open_interest_upper_cap=5,
        open_interest_notional=11,
    )
    fc.add(
        "imf-above-100-percent-scaling-off",
        "an IMF above 100% with scaling off is returned as is (CAT-4)",
        ("CAT-4",),
        UINT32_MAX,
        initial_margin_ppm=UINT32_MAX,
        open_interest_lower_cap=0,
        open_interest_upper_cap=0,
        open_interest_notional=5,
    )
    fc.add(
        "imf-100-percent-scaled",
        "an IMF of exactly 100% scales to 100%",
        (),
        1_000_000,
        **{**base, "initial_margin_ppm": 1_000_000},
    )
    fc.add(
        "imf-zero-scaled",
        "IMF 0 between caps: floor(1e6 * 1 / 3) = 333333",
        ("ROUND-3",),
        333_333,
        initial_margin_ppm=0,
        open_interest_lower_cap=0,
        open_interest_upper_cap=3,
        open_interest_notional=1,
    )
    add_generic_cases(fc, base)

    def draw(r: random.Random) -> dict:
        lower = r.randrange(0, 10**14)
        upper = r.choice([0, lower + r.randrange(1, 10**14), r.randrange(0, 10**14)])
        return {
            "initial_margin_ppm": r.randrange(0, 1_000_001),
            "open_interest_lower_cap": lower,
            "open_interest_upper_cap": upper,
            "open_interest_notional": encode_int(r.randrange(-(10**13), 2 * 10**14)),
        }

    add_random_cases(fc, draw, ("ROUND-3",))


def initial_margin_cases(fc: FunctionCases) -> None:
    base = {
        "notional_quote_quantums": 28_688_195_240,
        "initial_margin_ppm": 20_000,
        "open_interest_lower_cap": 0,
        "open_interest_upper_cap": 0,
        "open_interest_notional": 0,
    }
    # ceil(28688195240 * 0.02) = ceil(573763904.8) = 573763905
    fc.add(
        "one-btc-large-cap", "one BTC at 2%: ceil(573763904.8) = 573763905", ("ROUND-4", "ROUND-6"), 573_763_905, **base
    )
    fc.add(
        "exact",
        "an exact product is not rounded up",
        ("ROUND-6",),
        20_000,
        **{**base, "notional_quote_quantums": 1_000_000},
    )
    fc.add(
        "one-quantum",
        "one quote quantum at 2%: ceil(0.02) = 1",
        ("ROUND-4", "ROUND-6"),
        1,
        **{**base, "notional_quote_quantums": 1},
    )
    fc.add(
        "negative-notional-ceils-up",
        "a negative notional rounds toward +inf: ceil(-0.02) = 0",
        ("ROUND-4", "ROUND-6"),
        0,
        **{**base, "notional_quote_quantums": -1},
    )
    fc.add(
        "negative-notional",
        "ceil(-573763904.8) = -573763904",
        ("ROUND-4", "ROUND-6"),
        -573_763_904,
        **{**base, "notional_quote_quantums": -28_688_195_240},
    )
    fc.add("zero-notional", "zero notional needs no margin", (), 0, **{**base, "notional_quote_quantums": 0})
    fc.add(
        "scaled-between-caps",
        "small-cap halfway between caps: 55% of 1e6 = 550000",
        ("MARGIN-1",),
        550_000,
        notional_quote_quantums=1_000_000,
        initial_margin_ppm=100_000,
        open_interest_notional=35_000_000_000_000,
        **SMALL_CAP,
    )
    fc.add(
        "scaled-above-caps",
        "above the upper cap: 100% of the notional",
        ("MARGIN-1",),
        123_456_789,
        notional_quote_quantums=123_456_789,
        initial_margin_ppm=100_000,
        open_interest_notional=60_000_000_000_000,
        **SMALL_CAP,
    )
    fc.add(
        "imf-above-100-percent-scaled",
        "an IMF above 100% between the caps is INVALID_ARGUMENT (CAT-4)",
        ("CAT-4",),
        "!INVALID_ARGUMENT",
        notional_quote_quantums=1,
        initial_margin_ppm=1_500_000,
        open_interest_notional=35_000_000_000_000,
        **SMALL_CAP,
    )
    fc.add(
        "imf-above-100-percent-beyond-caps",
        "an IMF above 100% above the upper cap: 100% of the notional, no error (CAT-4)",
        ("CAT-4",),
        10,
        notional_quote_quantums=10,
        initial_margin_ppm=1_500_000,
        open_interest_notional=50_000_000_000_001,
        **SMALL_CAP,
    )
    fc.add(
        "imf-above-100-percent-unscaled",
        "an IMF above 100% with scaling off is applied as is: 150% of 10",
        ("CAT-4",),
        15,
        notional_quote_quantums=10,
        initial_margin_ppm=1_500_000,
        open_interest_lower_cap=0,
        open_interest_upper_cap=0,
        open_interest_notional=0,
    )
    fc.add(
        "huge-notional",
        "a notional beyond 2^64 at 2%",
        ("ROUND-6",),
        2 * 10**38,
        **{**base, "notional_quote_quantums": 10**40},
    )
    add_generic_cases(fc, base)

    def draw(r: random.Random) -> dict:
        lower = r.randrange(0, 10**14)
        return {
            "notional_quote_quantums": encode_int(random_signed(r, 25)),
            "initial_margin_ppm": r.randrange(0, 1_000_001),
            "open_interest_lower_cap": lower,
            "open_interest_upper_cap": r.choice([0, lower + r.randrange(1, 10**14)]),
            "open_interest_notional": encode_int(r.randrange(0, 2 * 10**14)),
        }

    add_random_cases(fc, draw, ("ROUND-4", "ROUND-6"))


def maintenance_margin_ppm_cases(fc: FunctionCases) -> None:
    base = {"initial_margin_ppm": 20_000, "maintenance_fraction_ppm": 600_000}
    fc.add("large-cap", "2% * 60% = 1.2% = 12000 ppm", ("ROUND-6",), 12_000, **base)
    fc.add(
        "floors",
        "floor(333 * 500000 / 1e6) = floor(166.5) = 166",
        ("ROUND-3", "ROUND-6"),
        166,
        initial_margin_ppm=333,
        maintenance_fraction_ppm=500_000,
    )
    fc.add(
        "fraction-100-percent",
        "a maintenance fraction of 100% gives the IMF",
        (),
        20_000,
        initial_margin_ppm=20_000,
        maintenance_fraction_ppm=1_000_000,
    )
    fc.add(
        "fraction-above-100-percent",
        "a maintenance fraction above 100% is OUT_OF_RANGE (Go panics) (CAT-4)",
        ("CAT-4",),
        "!OUT_OF_RANGE",
        initial_margin_ppm=20_000,
        maintenance_fraction_ppm=1_000_001,
    )
    fc.add(
        "imf-above-100-percent",
        "an IMF above 100% is allowed here (uint32)",
        ("CAT-4",),
        (UINT32_MAX * 999_999) // 10**6,
        initial_margin_ppm=UINT32_MAX,
        maintenance_fraction_ppm=999_999,
    )
    fc.add("zero-fraction", "a zero maintenance fraction", (), 0, initial_margin_ppm=20_000, maintenance_fraction_ppm=0)
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: {
            "initial_margin_ppm": r.randrange(0, 1_000_001),
            "maintenance_fraction_ppm": r.randrange(0, 1_000_001),
        },
        ("ROUND-6",),
    )


def margin_requirements_cases(fc: FunctionCases) -> None:
    base = {
        "position_quantums": 10**10,
        **BTC,
        "initial_margin_ppm": 20_000,
        "maintenance_fraction_ppm": 600_000,
        "open_interest_base_quantums": 10**10,
        "open_interest_lower_cap": 0,
        "open_interest_upper_cap": 0,
    }
    # notional 28688195240; IMR = ceil(573763904.8) = 573763905; MMR = ceil(573763905 * 0.6) = 344258343
    fc.add(
        "one-btc-long",
        "one BTC long: IMR 573763905, MMR ceil(573763905 * 0.6) = 344258343",
        ("ROUND-4", "ROUND-6"),
        {"imr": 573_763_905, "mmr": 344_258_343},
        **base,
    )
    fc.add(
        "one-btc-short",
        "a short needs the same margin as a long",
        ("ROUND-4", "ROUND-6"),
        {"imr": 573_763_905, "mmr": 344_258_343},
        **{**base, "position_quantums": -(10**10)},
    )
    fc.add("zero-position", "no position needs no margin", (), {"imr": 0, "mmr": 0}, **{**base, "position_quantums": 0})
    fc.add(
        "zero-price", "a zero price values the position at 0", (), {"imr": 0, "mmr": 0}, **{**base, "price_value": 0}
    )
    # notional of 1 ETH step: 1811985 (truncated); base IMR ceil(36239.7) = 36240; MMR ceil(21744) = 21744
    fc.add(
        "eth-step",
        "one ETH step: notional 1811985, IMR ceil(36239.7) = 36240, MMR ceil(21744.0) = 21744",
        ("ROUND-4", "ROUND-6"),
        {"imr": 36_240, "mmr": 21_744},
        position_quantums=10**6,
        **ETH,
        initial_margin_ppm=20_000,
        maintenance_fraction_ppm=600_000,
        open_interest_base_quantums=10**6,
        open_interest_lower_cap=0,
        open_interest_upper_cap=0,
    )
    # MMR is the fraction of the ceiled unscaled IMR: notional 1: base IMR ceil(0.1) = 1; MMR ceil(0.5) = 1
    fc.add(
        "ceil-of-ceil",
        "notional 1 at 10%/50%: base IMR ceil(0.1) = 1, MMR ceil(0.5) = 1 (MARGIN-3)",
        ("ROUND-4",),
        {"imr": 1, "mmr": 1},
        position_quantums=1,
        atomic_resolution=-6,
        price_value=1,
        price_exponent=0,
        initial_margin_ppm=100_000,
        maintenance_fraction_ppm=500_000,
        open_interest_base_quantums=1,
        open_interest_lower_cap=0,
        open_interest_upper_cap=0,
    )
    # a short of one quantum: notional |-1| * 1 * 10^6 = 1e6; IMR 10% = 100000, MMR ceil(100000 * 50%) = 50000
    fc.add(
        "short-of-one-quantum",
        "a short of one quantum needs the same margin as a long of one (MARGIN-2, MARGIN-3)",
        (),
        {"imr": 100_000, "mmr": 50_000},
        position_quantums=-1,
        atomic_resolution=0,
        price_value=1,
        price_exponent=0,
        initial_margin_ppm=100_000,
        maintenance_fraction_ppm=500_000,
        open_interest_base_quantums=0,
        open_interest_lower_cap=0,
        open_interest_upper_cap=0,
    )
    # SOL: open interest between the caps raises IMR but not MMR
    sol_oi = 14_889_000_000_000  # base quantums: about 35e12 quote quantums (35M USDC) at the genesis price
    fc.add(
        "sol-open-interest-scaled",
        "SOL with open interest between the small-cap caps: IMR scaled, MMR not (MARGIN-1, MARGIN-3)",
        ("MARGIN-1",),
        position_quantums=10**9,
        **SOL,
        initial_margin_ppm=100_000,
        maintenance_fraction_ppm=500_000,
        open_interest_base_quantums=sol_oi,
        **SMALL_CAP,
    )
    fc.add(
        "sol-open-interest-above-cap",
        "SOL with open interest above the upper cap: IMR is the whole notional",
        ("MARGIN-1",),
        position_quantums=-(10**9),
        **SOL,
        initial_margin_ppm=100_000,
        maintenance_fraction_ppm=500_000,
        open_interest_base_quantums=10**20,
        **SMALL_CAP,
    )
    fc.add(
        "mf-above-100-percent",
        "a maintenance fraction above 100% is applied as is here (Go does not panic)",
        ("CAT-4",),
        {"imr": 573_763_905, "mmr": 1_147_527_810},
        **{**base, "maintenance_fraction_ppm": 2_000_000},
    )
    fc.add(
        "imf-above-100-percent-scaled",
        "an IMF above 100% with open interest between the caps is INVALID_ARGUMENT (CAT-4)",
        ("CAT-4",),
        "!INVALID_ARGUMENT",
        position_quantums=10**9,
        **SOL,
        initial_margin_ppm=1_000_001,
        maintenance_fraction_ppm=500_000,
        open_interest_base_quantums=sol_oi,
        **SMALL_CAP,
    )
    fc.add(
        "power-over-limit",
        "e = 4097 is LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        **{**base, "atomic_resolution": 4091, "price_exponent": 0},
    )
    fc.add(
        "power-over-limit-zero-price",
        "e = 4097 with a zero price needs no power (CAT-4)",
        ("CAT-4",),
        {"imr": 0, "mmr": 0},
        **{**base, "atomic_resolution": 4091, "price_exponent": 0, "price_value": 0},
    )
    fc.add(
        "power-over-limit-zero-position-and-oi",
        "e = 4097 with no position and no open interest (CAT-4)",
        ("CAT-4",),
        {"imr": 0, "mmr": 0},
        **{
            **base,
            "atomic_resolution": 4091,
            "price_exponent": 0,
            "position_quantums": 0,
            "open_interest_base_quantums": 0,
        },
    )
    fc.add(
        "power-over-limit-zero-position-only",
        "e = 4097 with open interest but no position still needs the power (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        **{**base, "atomic_resolution": 4091, "price_exponent": 0, "position_quantums": 0},
    )
    fc.add(
        "power-over-limit-position-only",
        "e = 4097 with a position but no open interest needs the power (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        **{
            **base,
            "atomic_resolution": 4091,
            "price_exponent": 0,
            "position_quantums": 1,
            "open_interest_base_quantums": 0,
        },
    )
    fc.add(
        "power-over-limit-short-only",
        "e = 4097 with a short position and no open interest needs the power (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        **{
            **base,
            "atomic_resolution": 4091,
            "price_exponent": 0,
            "position_quantums": -1,
            "open_interest_base_quantums": 0,
        },
    )
    fc.add(
        "power-over-limit-negative-open-interest-only",
        "e = 4097 with a negative open interest and no position needs the power (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        **{
            **base,
            "atomic_resolution": 4091,
            "price_exponent": 0,
            "position_quantums": 0,
            "open_interest_base_quantums": -1,
        },
    )
    fc.add(
        "huge-position", "a position beyond 2^64", ("ROUND-4", "ROUND-6"), **{**base, "position_quantums": -(10**30)}
    )
    add_generic_cases(fc, base)

    def draw(r: random.Random) -> dict:
        lower = r.randrange(0, 10**14)
        return {
            "position_quantums": encode_int(random_signed(r, 22)),
            "atomic_resolution": r.randrange(-12, 0),
            "price_value": encode_int(random_uint64(r)),
            "price_exponent": r.randrange(-10, 0),
            "initial_margin_ppm": r.randrange(0, 1_000_001),
            "maintenance_fraction_ppm": r.randrange(0, 1_000_001),
            "open_interest_base_quantums": encode_int(random_magnitude(r, 22)),
            "open_interest_lower_cap": lower,
            "open_interest_upper_cap": r.choice([0, lower + r.randrange(1, 10**14)]),
        }

    add_random_cases(fc, draw, ("ROUND-4", "ROUND-6", "MARGIN-1"))
