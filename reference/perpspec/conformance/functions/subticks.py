"""
Function vectors of the order-book units (spec/units.md: UNITS-6 the fill value, UNITS-7
prices in subticks and the average fill price).
"""

from __future__ import annotations

from perpspec.conformance.format import encode_int
from perpspec.conformance.functions.cases import (
    FunctionCases,
    add_generic_cases,
    add_random_cases,
    random_signed,
    random_uint64,
)
from perpspec.units import INT32_MAX, INT32_MIN, UINT64_MAX


def fill_quote_cases(fc: FunctionCases) -> None:
    base = {"subticks": 2_868_800_000, "base_quantums": 10**10, "quantum_conversion_exponent": -9}
    fc.add(
        "one-btc-at-subticks",
        "1e10 base quantums at 2868800000 subticks, qce -9: 28688000000",
        ("ROUND-3",),
        28_688_000_000,
        **base,
    )
    fc.add(
        "fraction-floors",
        "7 subticks * 3 base * 10^-1 = 2.1 -> 2",
        ("ROUND-3", "ROUND-7"),
        2,
        subticks=7,
        base_quantums=3,
        quantum_conversion_exponent=-1,
    )
    fc.add(
        "just-below-one",
        "999999999 * 1 * 10^-9 -> 0: a fill may be worth 0 quote quantums",
        ("ROUND-3", "ROUND-7"),
        0,
        subticks=999_999_999,
        base_quantums=1,
        quantum_conversion_exponent=-9,
    )
    fc.add(
        "exactly-one",
        "1000000000 * 1 * 10^-9 = 1",
        ("ROUND-3",),
        1,
        subticks=10**9,
        base_quantums=1,
        quantum_conversion_exponent=-9,
    )
    fc.add("qce-zero", "qce 0: the exact product", (), 21, subticks=7, base_quantums=3, quantum_conversion_exponent=0)
    fc.add("qce-positive", "qce +2: 7 * 3 * 100", (), 2100, subticks=7, base_quantums=3, quantum_conversion_exponent=2)
    fc.add(
        "zero-subticks",
        "a zero price is worth 0",
        (),
        0,
        subticks=0,
        base_quantums=10**10,
        quantum_conversion_exponent=-9,
    )
    fc.add(
        "zero-base", "a zero size is worth 0", (), 0, subticks=10**9, base_quantums=0, quantum_conversion_exponent=-9
    )
    fc.add(
        "largest-inputs",
        "uint64 max squared times 10^-9, beyond 2^64",
        ("ROUND-3", "ROUND-7"),
        (UINT64_MAX * UINT64_MAX) // 10**9,
        subticks=UINT64_MAX,
        base_quantums=UINT64_MAX,
        quantum_conversion_exponent=-9,
    )
    fc.add(
        "power-of-ten-at-limit",
        "qce 4096 is the largest power built (CAT-4)",
        ("CAT-4",),
        10**4096,
        subticks=1,
        base_quantums=1,
        quantum_conversion_exponent=4096,
    )
    fc.add(
        "power-of-ten-over-limit",
        "qce 4097 is LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        subticks=1,
        base_quantums=1,
        quantum_conversion_exponent=4097,
    )
    fc.add(
        "power-over-limit-zero",
        "qce 4097 with a zero size needs no power: 0 (CAT-4)",
        ("CAT-4",),
        0,
        subticks=1,
        base_quantums=0,
        quantum_conversion_exponent=4097,
    )
    fc.add(
        "power-over-limit-zero-subticks",
        "qce 4097 with zero subticks needs no power: 0 (CAT-4)",
        ("CAT-4",),
        0,
        subticks=0,
        base_quantums=7,
        quantum_conversion_exponent=4097,
    )
    fc.add(
        "power-over-limit-coprime-bits",
        "qce 4097 with subticks 1 and size 2: the product is not zero, LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        subticks=1,
        base_quantums=2,
        quantum_conversion_exponent=4097,
    )
    fc.add(
        "qce-int32-minimum",
        "qce -2^31: 0 without building the power (ROUND-7)",
        ("ROUND-7",),
        0,
        subticks=UINT64_MAX,
        base_quantums=UINT64_MAX,
        quantum_conversion_exponent=INT32_MIN,
    )
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: {
            "subticks": encode_int(random_uint64(r)),
            "base_quantums": encode_int(random_uint64(r)),
            "quantum_conversion_exponent": r.randrange(-20, 6),
        },
        ("ROUND-3", "ROUND-7"),
    )


def average_price_cases(fc: FunctionCases) -> None:
    base = {"quote_quantums": 10, "base_quantums": 4, "quantum_conversion_exponent": -1}
    fc.add("whole", "10 * 10 / 4 = 25", (), [25, 1], **base)
    fc.add(
        "qce-positive",
        "qce +1: 10 / (4 * 10) = 1/4",
        (),
        [1, 4],
        quote_quantums=10,
        base_quantums=4,
        quantum_conversion_exponent=1,
    )
    fc.add(
        "qce-zero-reduces",
        "qce 0: 6/4 reduces to 3/2",
        (),
        [3, 2],
        quote_quantums=6,
        base_quantums=4,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "negative-base",
        "a negative base makes the numerator negative: the denominator stays positive (CAT-3)",
        ("CAT-3",),
        [-5, 2],
        quote_quantums=10,
        base_quantums=-4,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "both-negative",
        "-10 / -4 = 5/2",
        (),
        [5, 2],
        quote_quantums=-10,
        base_quantums=-4,
        quantum_conversion_exponent=0,
    )
    fc.add("zero-quote", "0 / b = 0/1", (), [0, 1], quote_quantums=0, base_quantums=7, quantum_conversion_exponent=0)
    fc.add(
        "btc-fill",
        "28688000000 quote for 1e10 base at qce -9: 2868800000 subticks",
        (),
        [2_868_800_000, 1],
        quote_quantums=28_688_000_000,
        base_quantums=10**10,
        quantum_conversion_exponent=-9,
    )
    fc.add(
        "zero-base",
        "a zero base is INVALID_ARGUMENT (CAT-4)",
        ("CAT-4",),
        "!INVALID_ARGUMENT",
        quote_quantums=10,
        base_quantums=0,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "zero-base-over-limit",
        "zero base is reported before the power limit (CAT-4)",
        ("CAT-4",),
        "!INVALID_ARGUMENT",
        quote_quantums=10,
        base_quantums=0,
        quantum_conversion_exponent=5000,
    )
    fc.add(
        "huge-components",
        "numerator and denominator beyond 2^53 are decimal strings (CAT-3)",
        ("CAT-3",),
        [10**30 + 1, 3 * 10**20 + 7],
        quote_quantums=10**30 + 1,
        base_quantums=3 * 10**20 + 7,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "power-at-limit",
        "|qce| = 4096 (CAT-4)",
        ("CAT-4",),
        [1, 10**4096],
        quote_quantums=1,
        base_quantums=1,
        quantum_conversion_exponent=4096,
    )
    fc.add(
        "power-over-limit-positive",
        "qce 4097 is LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        quote_quantums=1,
        base_quantums=1,
        quantum_conversion_exponent=4097,
    )
    fc.add(
        "power-over-limit-negative",
        "qce -4097 is LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        quote_quantums=1,
        base_quantums=1,
        quantum_conversion_exponent=-4097,
    )
    fc.add(
        "power-over-limit-zero-quote",
        "a zero quote with qce -4097: the exact rational is still built with 10^4097, LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        quote_quantums=0,
        base_quantums=1,
        quantum_conversion_exponent=-4097,
    )
    fc.add(
        "power-over-limit-zero-quote-positive",
        "a zero quote with qce 4097: LIMIT_EXCEEDED likewise (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        quote_quantums=0,
        base_quantums=1,
        quantum_conversion_exponent=4097,
    )
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: {
            "quote_quantums": encode_int(random_signed(r)),
            "base_quantums": encode_int(random_signed(r) or 1),
            "quantum_conversion_exponent": r.randrange(-20, 20),
        },
    )


def price_to_subticks_cases(fc: FunctionCases) -> None:
    base = {
        "price_value": 2_868_819_524,
        "price_exponent": -5,
        "base_atomic_resolution": -10,
        "quote_atomic_resolution": -6,
        "quantum_conversion_exponent": -9,
    }
    # exponent = -5 - (-9) + (-10) - (-6) = 0
    fc.add("btc-genesis", "BTC: exponent -5 + 9 - 10 + 6 = 0, so subticks = price", (), [2_868_819_524, 1], **base)
    fc.add(
        "exponent-negative",
        "exponent -3: 2868819524 / 1000 = 717204881/250",
        (),
        [717_204_881, 250],
        **{**base, "quantum_conversion_exponent": -6},
    )
    fc.add(
        "exponent-positive",
        "exponent +3: price * 1000",
        (),
        [2_868_819_524_000, 1],
        **{**base, "quantum_conversion_exponent": -12},
    )
    fc.add("zero-price", "zero price is 0/1", (), [0, 1], **{**base, "price_value": 0})
    fc.add(
        "largest-price-scaled",
        "uint64 max * 10^20 is a decimal string (CAT-3)",
        ("CAT-3",),
        [UINT64_MAX * 10**20, 1],
        **{**base, "price_value": UINT64_MAX, "quantum_conversion_exponent": -29},
    )
    fc.add(
        "power-at-limit",
        "exponent 4096 (CAT-4)",
        ("CAT-4",),
        [10**4096, 1],
        price_value=1,
        price_exponent=4096,
        base_atomic_resolution=0,
        quote_atomic_resolution=0,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "power-over-limit",
        "exponent 4097 is LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        price_value=1,
        price_exponent=4097,
        base_atomic_resolution=0,
        quote_atomic_resolution=0,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "zero-price-huge-exponent",
        "a zero price is 0/1 whatever the positive power (CAT-4)",
        ("CAT-4",),
        [0, 1],
        price_value=0,
        price_exponent=2_147_483_647,
        base_atomic_resolution=0,
        quote_atomic_resolution=0,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "power-over-limit-zero-price",
        "exponent 4097 with a zero price needs no power: 0/1 (CAT-4)",
        ("CAT-4",),
        [0, 1],
        price_value=0,
        price_exponent=4097,
        base_atomic_resolution=0,
        quote_atomic_resolution=0,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "power-under-limit-negative",
        "exponent -4097: the exact rational needs 10^4097 (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        price_value=1,
        price_exponent=-4097,
        base_atomic_resolution=0,
        quote_atomic_resolution=0,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "power-under-limit-zero-price",
        "exponent -4097 with a zero price: the denominator 10^4097 is still needed, LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        price_value=0,
        price_exponent=-4097,
        base_atomic_resolution=0,
        quote_atomic_resolution=0,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "power-under-limit-at-limit",
        "exponent -4096: p / 10^4096 reduced",
        ("CAT-4",),
        [1, 10**4096],
        price_value=1,
        price_exponent=-4096,
        base_atomic_resolution=0,
        quote_atomic_resolution=0,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "quote-resolution-varies",
        "a quote atomic resolution other than -6: exponent -5 + 9 - 10 + 8 = 2",
        (),
        [286_881_952_400, 1],
        **{**base, "quote_atomic_resolution": -8},
    )
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: {
            "price_value": encode_int(random_uint64(r)),
            "price_exponent": r.randrange(-12, 4),
            "base_atomic_resolution": r.randrange(-12, 4),
            "quote_atomic_resolution": r.choice([-6, -6, -6, r.randrange(-10, 2)]),
            "quantum_conversion_exponent": r.randrange(-12, 4),
        },
    )


def subticks_to_price_cases(fc: FunctionCases) -> None:
    base = {
        "subticks": 2_868_819_524,
        "price_exponent": -5,
        "base_atomic_resolution": -10,
        "quote_atomic_resolution": -6,
        "quantum_conversion_exponent": -9,
    }
    fc.add("btc-genesis", "BTC: exponent 0, price = subticks", (), 2_868_819_524, **base)
    # exponent -3 (qce -6): price = subticks * 10^3
    fc.add(
        "exponent-negative-multiplies",
        "exponent -3: price = subticks * 1000",
        (),
        2_868_819_524_000,
        **{**base, "quantum_conversion_exponent": -6},
    )
    # exponent +3 (qce -12): floor(2868819524 / 1000) = 2868819
    fc.add(
        "exponent-positive-floors",
        "exponent +3: floor(2868819524 / 1000) = 2868819",
        ("ROUND-3", "ROUND-7"),
        2_868_819,
        **{**base, "quantum_conversion_exponent": -12},
    )
    fc.add(
        "below-one",
        "exponent +3: floor(999 / 1000) = 0",
        ("ROUND-3", "ROUND-7"),
        0,
        **{**base, "subticks": 999, "quantum_conversion_exponent": -12},
    )
    fc.add(
        "fits-uint64",
        "floor(uint64 max / 10) * 10 fits",
        ("CAT-4",),
        (UINT64_MAX // 10) * 10,
        **{**base, "subticks": UINT64_MAX // 10, "quantum_conversion_exponent": -8},
    )
    fc.add(
        "result-overflows-uint64",
        "uint64 max * 10 is RESULT_OUT_OF_RANGE (Go panics) (CAT-4)",
        ("CAT-4",),
        "!RESULT_OUT_OF_RANGE",
        **{**base, "subticks": UINT64_MAX, "quantum_conversion_exponent": -8},
    )
    fc.add(
        "result-overflows-by-one",
        "(uint64 max // 10 + 1) * 10 is RESULT_OUT_OF_RANGE (CAT-4)",
        ("CAT-4",),
        "!RESULT_OUT_OF_RANGE",
        **{**base, "subticks": UINT64_MAX // 10 + 1, "quantum_conversion_exponent": -8},
    )
    fc.add("zero-subticks", "zero subticks are price 0", (), 0, **{**base, "subticks": 0})
    fc.add(
        "power-over-limit",
        "a multiplication by 10^4097 is LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        subticks=1,
        price_exponent=-4097,
        base_atomic_resolution=0,
        quote_atomic_resolution=0,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "power-over-limit-zero",
        "zero subticks need no power: 0 (CAT-4)",
        ("CAT-4",),
        0,
        subticks=0,
        price_exponent=-4097,
        base_atomic_resolution=0,
        quote_atomic_resolution=0,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "power-at-limit-overflows",
        "10^4096 does not fit a uint64 (CAT-4)",
        ("CAT-4",),
        "!RESULT_OUT_OF_RANGE",
        subticks=1,
        price_exponent=-4096,
        base_atomic_resolution=0,
        quote_atomic_resolution=0,
        quantum_conversion_exponent=0,
    )
    fc.add(
        "huge-division",
        "a division by 10^(2^31) is 0 without the power (ROUND-7)",
        ("ROUND-7",),
        0,
        subticks=UINT64_MAX,
        price_exponent=INT32_MAX,
        base_atomic_resolution=0,
        quote_atomic_resolution=0,
        quantum_conversion_exponent=0,
    )
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: {
            "subticks": encode_int(random_uint64(r)),
            "price_exponent": r.randrange(-12, 4),
            "base_atomic_resolution": r.randrange(-12, 4),
            "quote_atomic_resolution": r.choice([-6, -6, -6, r.randrange(-10, 2)]),
            "quantum_conversion_exponent": r.randrange(-12, 4),
        },
        ("ROUND-3", "ROUND-7"),
    )
