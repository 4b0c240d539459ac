"""
Function vectors of the oracle arithmetic (spec/prices.md: PRICE-4 the median, PRICE-5 the
minimum change, PRICE-10 the acceptance of a proposed price; cases named ``go-*`` are v4's
own, from ``x/prices/keeper/util_test.go``).
"""

from __future__ import annotations

import math
import random

from perpspec.catalogue import MAX_DIGITS
from perpspec.conformance.format import encode_int
from perpspec.conformance.functions.cases import FunctionCases, Raw, add_generic_cases, add_random_cases, random_uint64
from perpspec.units import INT64_MAX, INT64_MIN, UINT32_MAX, UINT64_MAX


def median_cases(fc: FunctionCases) -> None:
    r9 = ("ROUND-9",)
    fc.add("single", "one value is its own median", (), 7, values=[7])
    fc.add("odd", "odd length: the middle of the sorted list", (), 5, values=[9, 1, 5])
    fc.add("odd-unsorted-duplicates", "duplicates count", (), 3, values=[3, 3, 1, 9, 3])
    fc.add("even-whole", "even length, whole mean: (4 + 6) / 2", r9, 5, values=[6, 2, 4, 8])
    fc.add("even-half-positive", "(2 + 5) / 2 = 3.5 rounds away from zero to 4", r9, 4, values=[5, 2])
    fc.add("even-half-negative", "(-2 + -5) / 2 = -3.5 rounds away from zero to -4", r9, -4, values=[-5, -2])
    fc.add("even-mixed-signs-negative-half", "(-3 + 2) / 2 = -0.5 rounds away from zero to -1", r9, -1, values=[2, -3])
    fc.add("even-mixed-signs-positive-half", "(-2 + 3) / 2 = 0.5 rounds away from zero to 1", r9, 1, values=[-2, 3])
    fc.add("even-mixed-signs-zero", "(-1 + 1) / 2 = 0", r9, 0, values=[1, -1])
    fc.add("even-mixed-signs-whole", "(-7 + 3) / 2 = -2", r9, -2, values=[3, -7, 100, -100])
    fc.add("even-mixed-signs-four", "sorted [-9, -4, 1, 8]: (-4 + 1) / 2 = -1.5 -> -2", r9, -2, values=[8, 1, -9, -4])
    fc.add(
        "three-sources-one-wrong",
        "three sources, one wildly wrong: the median is an honest one (PRICE-8)",
        ("PRICE-8",),
        2_868_900_000,
        values=[2_868_900_000, 2_868_800_000, UINT64_MAX],
    )
    fc.add(
        "int64-extremes",
        "int64 minimum and maximum: (-2^63 + 2^63 - 1) / 2 = -0.5 -> -1",
        r9,
        -1,
        values=[INT64_MIN, INT64_MAX],
    )
    fc.add(
        "int64-minimum-pair",
        "(-2^63 + -2^63 + 1) / 2 = -2^63 + 0.5 -> -2^63 (no overflow)",
        r9,
        INT64_MIN,
        values=[INT64_MIN, INT64_MIN + 1],
    )
    fc.add(
        "uint64-beyond-int64",
        "all values fit uint64: (2^64 - 1 + 2^64 - 2) / 2 -> 2^64 - 1 (no overflow)",
        r9,
        UINT64_MAX,
        values=[UINT64_MAX, UINT64_MAX - 1],
    )
    fc.add(
        "uint64-and-zero",
        "uint64 values with zero: (0 + 2^64 - 1) / 2 rounds half up",
        r9,
        2**63,
        values=[0, UINT64_MAX],
    )
    fc.add(
        "int64-and-uint64-mixed",
        "-1 and 2^63 fit neither int64 nor uint64 together: OUT_OF_RANGE (CAT-4)",
        ("CAT-4",),
        "!OUT_OF_RANGE",
        values=[-1, 2**63],
    )
    fc.add(
        "beyond-uint64",
        "2^64 fits no Go integer type: OUT_OF_RANGE (CAT-4)",
        ("CAT-4",),
        "!OUT_OF_RANGE",
        values=[1, 2**64],
    )
    fc.add(
        "below-int64",
        "-2^63 - 1 fits no Go integer type: OUT_OF_RANGE (CAT-4)",
        ("CAT-4",),
        "!OUT_OF_RANGE",
        values=[INT64_MIN - 1],
    )
    fc.add("empty", "an empty list has no median: INVALID_ARGUMENT (CAT-4)", ("CAT-4",), "!INVALID_ARGUMENT", values=[])
    fc.add("not-a-list", "a number where a list belongs: INVALID_TYPE (CAT-2)", ("CAT-2",), "!INVALID_TYPE", values=5)
    fc.add(
        "string-not-a-list",
        "a string where a list belongs: INVALID_TYPE (CAT-2)",
        ("CAT-2",),
        "!INVALID_TYPE",
        values="1,2",
    )
    fc.add(
        "element-fraction",
        "a fraction in the list: INVALID_TYPE (CAT-2)",
        ("CAT-2",),
        "!INVALID_TYPE",
        values=[1, Raw(2.5)],
    )
    fc.add(
        "element-boolean",
        "a boolean in the list: INVALID_TYPE (CAT-2)",
        ("CAT-2",),
        "!INVALID_TYPE",
        values=[Raw(True), 1],
    )
    fc.add("element-null", "null in the list: INVALID_TYPE (CAT-2)", ("CAT-2",), "!INVALID_TYPE", values=[1, Raw(None)])
    fc.add("element-decimal-strings", "decimal strings in the list (CAT-2)", ("CAT-2",), 6, values=[Raw("5"), Raw("7")])
    fc.add(
        "element-1001-digits",
        "a 1001-digit value: OUT_OF_RANGE (CAT-4)",
        ("CAT-4",),
        "!OUT_OF_RANGE",
        values=[Raw("1" + "0" * MAX_DIGITS)],
    )
    fc.add_raw("missing-values", "the input values is absent: MISSING_INPUT (CAT-5)", ("CAT-5",), {}, "!MISSING_INPUT")
    fc.add_raw(
        "unexpected-input",
        "an input the function does not take: UNEXPECTED_INPUT (CAT-5)",
        ("CAT-5",),
        {"values": [1], "extra": 1},
        "!UNEXPECTED_INPUT",
    )

    def draw(r: random.Random) -> dict:
        length = r.randrange(1, 12)
        if r.randrange(3) == 0:
            values = [r.randrange(0, 2**64) for _ in range(length)]
        else:
            values = [r.randrange(-(10 ** r.randrange(1, 19)), 10 ** r.randrange(1, 19)) for _ in range(length)]
        return {"values": [encode_int(v) for v in values]}

    add_random_cases(fc, draw, r9)


def min_price_change_cases(fc: FunctionCases) -> None:
    base = {"current_price": 2_868_819_524, "min_price_change_ppm": 1_000}
    # floor(2868819524 * 1000 / 1e6) = floor(2868819.524) = 2868819
    fc.add("btc-genesis", "BTC: floor(2868819.524) = 2868819", ("ROUND-3", "ROUND-6"), 2_868_819, **base)
    fc.add(
        "sol-genesis",
        "SOL: floor(2350695125 * 2500 / 1e6) = floor(5876737.8125) = 5876737",
        ("ROUND-3", "ROUND-6"),
        5_876_737,
        current_price=2_350_695_125,
        min_price_change_ppm=2_500,
    )
    fc.add("zero-price", "no price yet: any change is enough", (), 0, current_price=0, min_price_change_ppm=1_000)
    fc.add(
        "small-price-floors-to-zero",
        "floor(999 * 1000 / 1e6) = 0",
        ("ROUND-3",),
        0,
        current_price=999,
        min_price_change_ppm=1_000,
    )
    fc.add("exact", "1000 * 1000 / 1e6 = 1", (), 1, current_price=1_000, min_price_change_ppm=1_000)
    fc.add(
        "largest-fitting",
        "uint64 max at 100%: uint64 max",
        ("CAT-4",),
        UINT64_MAX,
        current_price=UINT64_MAX,
        min_price_change_ppm=1_000_000,
    )
    fc.add(
        "result-overflows",
        "uint64 max at 100.0001% does not fit a uint64: RESULT_OUT_OF_RANGE (CAT-4)",
        ("CAT-4",),
        "!RESULT_OUT_OF_RANGE",
        current_price=UINT64_MAX,
        min_price_change_ppm=1_000_001,
    )
    fc.add(
        "result-overflows-max-ppm",
        "uint64 max at uint32 max ppm: RESULT_OUT_OF_RANGE (CAT-4)",
        ("CAT-4",),
        "!RESULT_OUT_OF_RANGE",
        current_price=UINT64_MAX,
        min_price_change_ppm=UINT32_MAX,
    )
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: {
            "current_price": encode_int(random_uint64(r)),
            "min_price_change_ppm": r.choice([r.randrange(1, 10_000), r.randrange(0, 2_000_000)]),
        },
        ("ROUND-3", "ROUND-6"),
    )


# --- acceptance of a proposed price (PRICE-10) ------------------------------------------------


def max_allowed_price_delta_cases(fc: FunctionCases) -> None:
    go = "Go TestMaximumAllowedPriceDelta"
    base = {"old_delta": 500_000, "tick_size_ppm": 500_000}
    fc.add("go-no-precision-loss", f"{go} 'no precision loss': isqrt(250000) = 500", (), 500, **base)
    fc.add(
        "go-division-and-sqrt-loss",
        f"{go} 'precision loss from division, sqrt': isqrt(floor(290958.4...)) = 539",
        ("ROUND-3",),
        539,
        old_delta=512_345,
        tick_size_ppm=567_899,
    )
    fc.add(
        "go-sqrt-loss",
        f"{go} 'precision loss from sqrt': isqrt(290304) = 538",
        (),
        538,
        old_delta=512_000,
        tick_size_ppm=567_000,
    )
    fc.add("go-tiny-change", f"{go} 'tiny currency change': isqrt(28) = 5", (), 5, old_delta=50, tick_size_ppm=567_000)
    fc.add(
        "go-small-tick",
        f"{go} 'no error: unrealistically small tick size': isqrt(25) = 5",
        (),
        5,
        old_delta=512_000,
        tick_size_ppm=50,
    )
    fc.add("go-zero-inputs", f"{go} 'no error: zero inputs'", (), 0, old_delta=0, tick_size_ppm=0)
    fc.add(
        "largest",
        "uint64 max old delta, uint64 max * uint32 max tick: exact integer square root",
        (),
        math.isqrt((UINT64_MAX * UINT64_MAX * UINT32_MAX) // 1_000_000),
        old_delta=UINT64_MAX,
        tick_size_ppm=UINT64_MAX * UINT32_MAX,
    )
    fc.add(
        "negative-tick",
        "a negative product has no square root (Go panics): INVALID_ARGUMENT",
        (),
        "!INVALID_ARGUMENT",
        old_delta=5,
        tick_size_ppm=-1,
    )
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: {
            "old_delta": encode_int(random_uint64(r)),
            "tick_size_ppm": encode_int(random_uint64(r) * r.randrange(0, 2**32)),
        },
        ("ROUND-3",),
    )


def sqrt_condition_cases(fc: FunctionCases) -> None:
    go = "Go TestNewPriceMeetSqrtCondition"
    base = {"new_delta": 4_999, "old_delta": 500_000, "tick_size_ppm": 50_000_000}
    fc.add("go-below", f"{go} 'Meets condition: new_ticks < sqrt(old_ticks)'", (), True, **base)
    fc.add(
        "go-equal", f"{go} 'Meets condition: new_ticks == sqrt(old_ticks)'", (), True, **{**base, "new_delta": 5_000}
    )
    fc.add(
        "go-above",
        f"{go} 'Does not meet condition: new_ticks > sqrt(old_ticks)'",
        (),
        False,
        **{**base, "new_delta": 5_001},
    )
    fc.add(
        "exact-no-rounding",
        "new 3, old 9, tick 1e6 (one unit): 9 * 1e6 <= 9 * 1e6 holds exactly, where a rounded sqrt could err",
        (),
        True,
        new_delta=3,
        old_delta=9,
        tick_size_ppm=1_000_000,
    )
    fc.add(
        "zero-new",
        "landing on the index always meets the condition",
        (),
        True,
        new_delta=0,
        old_delta=0,
        tick_size_ppm=0,
    )
    fc.add(
        "negative-tick",
        "a negative tick: 0 * 1e6 <= -5 is false",
        (),
        False,
        new_delta=0,
        old_delta=5,
        tick_size_ppm=-1,
    )
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: {
            "new_delta": encode_int(r.choice([r.randrange(0, 10_000), random_uint64(r)])),
            "old_delta": encode_int(random_uint64(r)),
            "tick_size_ppm": encode_int(r.choice([r.randrange(0, 10**9), random_uint64(r) * r.randrange(0, 10_000)])),
        },
    )


def within_one_tick_cases(fc: FunctionCases) -> None:
    go = "Go TestPriceDeltaIsWithinOneTick"
    base = {"price_delta": 500_000, "tick_size_ppm": 600_000_000_000}
    fc.add("go-less", f"{go} 'Within: less than one tick'", (), True, **base)
    fc.add(
        "go-exactly", f"{go} 'Within: exactly one tick'", (), True, price_delta=500_000, tick_size_ppm=500_000_000_000
    )
    fc.add(
        "go-greater",
        f"{go} 'Not within: greater than one tick'",
        (),
        False,
        price_delta=500_000,
        tick_size_ppm=400_000_000_000,
    )
    fc.add(
        "btc-genesis-tick",
        "BTC at 2868819524 with 1000 ppm: tick 2868819.524, so a delta of 2868819 is within and 2868820 is not",
        (),
        True,
        price_delta=2_868_819,
        tick_size_ppm=2_868_819_524_000,
    )
    fc.add(
        "btc-genesis-tick-plus-one",
        "one more is past the fractional tick: 2868820e6 > 2868819524000",
        (),
        False,
        price_delta=2_868_820,
        tick_size_ppm=2_868_819_524_000,
    )
    fc.add("zero", "no distance is within any non-negative tick", (), True, price_delta=0, tick_size_ppm=0)
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: {
            "price_delta": encode_int(random_uint64(r)),
            "tick_size_ppm": encode_int(random_uint64(r) * r.randrange(0, 10_000)),
        },
    )
