"""
Function vectors of the quantum conversions (spec/units.md: UNITS-4 base to quote quantums,
UNITS-5 quote to base quantums).
"""

from __future__ import annotations

from perpspec.conformance.format import encode_int
from perpspec.conformance.functions.cases import (
    BTC,
    ETH,
    SOL,
    TRUNC,
    FunctionCases,
    add_generic_cases,
    add_random_cases,
    random_signed,
    random_uint64,
)
from perpspec.units import INT32_MAX, INT32_MIN, UINT64_MAX


def base_to_quote_cases(fc: FunctionCases) -> None:
    base = {"base_quantums": 10**10, **BTC}
    # e = -5 - 10 + 6 = -9: 1e10 * 2868819524 / 1e9 = 28688195240
    fc.add("one-btc-at-genesis-price", "one BTC (1e10 base quantums) at $28,688.19524", TRUNC, 28_688_195_240, **base)
    fc.add(
        "one-btc-short",
        "a short is the exact negation: truncation is odd (UNITS-4)",
        TRUNC,
        -28_688_195_240,
        **{**base, "base_quantums": -(10**10)},
    )
    # 1e6 * 1811985252 / 1e9 = 1811985.252 -> 1811985
    fc.add(
        "eth-step-truncates",
        "one step of ETH: 1811985.252 truncates to 1811985",
        TRUNC,
        1_811_985,
        base_quantums=10**6,
        **ETH,
    )
    fc.add(
        "eth-step-short-truncates-toward-zero",
        "the short step: -1811985.252 truncates toward zero to -1811985, not -1811986",
        TRUNC,
        -1_811_985,
        base_quantums=-(10**6),
        **ETH,
    )
    # e = -8 - 7 + 6 = -9: 3 * 2350695125 / 1e9 = 7.05 -> 7
    fc.add("sol-three-quantums", "3 SOL base quantums: 7.052085375 -> 7", TRUNC, 7, base_quantums=3, **SOL)
    fc.add(
        "below-one-quantum-positive",
        "9 * 1 / 1e9 truncates to 0",
        TRUNC,
        0,
        base_quantums=9,
        atomic_resolution=-10,
        price_value=1,
        price_exponent=-5,
    )
    fc.add(
        "below-one-quantum-negative",
        "-9 * 1 / 1e9 truncates to 0 (floor would give -1)",
        TRUNC,
        0,
        base_quantums=-9,
        atomic_resolution=-10,
        price_value=1,
        price_exponent=-5,
    )
    fc.add(
        "negative-truncates-toward-zero",
        "-1999999999 / 1e9 = -1.999999999 truncates to -1 (floor would give -2)",
        TRUNC,
        -1,
        base_quantums=-1_999_999_999,
        atomic_resolution=-10,
        price_value=1,
        price_exponent=-5,
    )
    fc.add(
        "negative-exact-multiple",
        "-2000000000 / 1e9 = -2 exactly",
        TRUNC,
        -2,
        base_quantums=-2_000_000_000,
        atomic_resolution=-10,
        price_value=1,
        price_exponent=-5,
    )
    fc.add(
        "exponent-minus-one",
        "e = -1: 15 * 1 / 10 = 1.5 -> 1",
        TRUNC,
        1,
        base_quantums=15,
        atomic_resolution=-7,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "exponent-minus-one-negative",
        "e = -1: -15 / 10 = -1.5 -> -1",
        TRUNC,
        -1,
        base_quantums=-15,
        atomic_resolution=-7,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "exponent-zero",
        "e = 0: exact product 7 * 11",
        (),
        77,
        base_quantums=7,
        atomic_resolution=-6,
        price_value=11,
        price_exponent=0,
    )
    fc.add(
        "exponent-plus-one",
        "e = +1: 7 * 11 * 10",
        (),
        770,
        base_quantums=7,
        atomic_resolution=-5,
        price_value=11,
        price_exponent=0,
    )
    fc.add(
        "exponent-plus-six",
        "e = 0 + 0 + 6: 3 * 7 * 1e6",
        (),
        21_000_000,
        base_quantums=3,
        atomic_resolution=0,
        price_value=7,
        price_exponent=0,
    )
    fc.add(
        "exponent-positive-negative-base",
        "e = +2 with a negative amount is exact",
        (),
        -1_234_500,
        base_quantums=-12_345,
        atomic_resolution=-4,
        price_value=1,
        price_exponent=0,
    )
    fc.add("zero-base", "zero base quantums are worth 0", (), 0, **{**base, "base_quantums": 0})
    fc.add("zero-price", "a zero price values everything at 0", (), 0, **{**base, "price_value": 0})
    fc.add(
        "beyond-2-64",
        "an amount beyond 2^64 times the largest price",
        TRUNC,
        (10**30 * UINT64_MAX) // 10**9,
        base_quantums=10**30,
        atomic_resolution=-10,
        price_value=UINT64_MAX,
        price_exponent=-5,
    )
    fc.add(
        "beyond-2-64-negative",
        "the same amount short truncates toward zero",
        TRUNC,
        -((10**30 * UINT64_MAX) // 10**9),
        base_quantums=-(10**30),
        atomic_resolution=-10,
        price_value=UINT64_MAX,
        price_exponent=-5,
    )
    fc.add(
        "result-just-above-2-53",
        "a result of 2^53 + 1 is a decimal string (CAT-3)",
        ("CAT-3",),
        2**53 + 1,
        base_quantums=2**53 + 1,
        atomic_resolution=-6,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "result-exactly-2-53",
        "a result of exactly 2^53 is still a JSON number (CAT-3)",
        ("CAT-3",),
        2**53,
        base_quantums=2**53,
        atomic_resolution=-6,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "power-of-ten-at-limit",
        "e = 4096 is the largest power of ten built (CAT-4)",
        ("CAT-4",),
        10**4096,
        base_quantums=1,
        atomic_resolution=4090,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "power-of-ten-over-limit",
        "e = 4097 is LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        base_quantums=1,
        atomic_resolution=4091,
        price_value=1,
        price_exponent=0,
    )
    # Results of more than 1,000 digits; one beyond the 4,300 digits Python's int() reads by default.
    fc.add(
        "output-of-4000-digits-negative",
        "a 1,000-digit amount times 10^3000: 4,000 digits, exact (CAT-3)",
        ("CAT-3",),
        -(10**1000 - 1) * 10**3000,
        base_quantums=-(10**1000 - 1),
        atomic_resolution=2994,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "output-of-4000-digits-positive",
        "(10^999 + 7) * 3 * 10^3000: the zeros inside the digits are kept (CAT-3)",
        ("CAT-3",),
        (10**999 + 7) * 3 * 10**3000,
        base_quantums=10**999 + 7,
        atomic_resolution=2994,
        price_value=3,
        price_exponent=0,
    )
    fc.add(
        "output-of-5000-digits",
        "(10^999 + 7) * 10^4000: 5,000 digits, beyond what some parsers read by default (CAT-3)",
        ("CAT-3",),
        (10**999 + 7) * 10**4000,
        base_quantums=10**999 + 7,
        atomic_resolution=3994,
        price_value=1,
        price_exponent=0,
    )
    # Lengths at which a reader that splits long decimals into 1,000-digit chunks must place its chunks exactly:
    # 4,400 digits (a head of 400, then four whole chunks) and 5,116 (a head of 116, then five).
    fc.add(
        "output-of-4400-digits",
        "(10^999 + 7) * 10^3400: 4,400 digits (CAT-3)",
        ("CAT-3",),
        (10**999 + 7) * 10**3400,
        base_quantums=10**999 + 7,
        atomic_resolution=3394,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "output-of-5116-digits",
        "(10^1000 - 1) * (2^64 - 1) * 10^4096: 5,116 digits, the longest output of this function (CAT-3, CAT-4)",
        ("CAT-3", "CAT-4"),
        (10**1000 - 1) * UINT64_MAX * 10**4096,
        base_quantums=10**1000 - 1,
        atomic_resolution=4090,
        price_value=UINT64_MAX,
        price_exponent=0,
    )
    fc.add(
        "zero-amount-huge-exponent",
        "0 times any power is 0, even 10^(2^31) (CAT-4, ROUND-7)",
        ("CAT-4", "ROUND-7"),
        0,
        base_quantums=0,
        atomic_resolution=2_147_483_647,
        price_value=5,
        price_exponent=-7,
    )
    fc.add(
        "power-over-limit-zero-amount",
        "e = 4097 with a zero amount needs no power: 0 (CAT-4)",
        ("CAT-4",),
        0,
        base_quantums=0,
        atomic_resolution=4091,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "power-over-limit-zero-price",
        "e = 4097 with a zero price needs no power: 0 (CAT-4)",
        ("CAT-4",),
        0,
        base_quantums=5,
        atomic_resolution=4091,
        price_value=0,
        price_exponent=0,
    )
    fc.add(
        "power-over-limit-coprime-bits",
        "e = 4097 with amount 1 and price 2: the product is not zero, LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        base_quantums=1,
        atomic_resolution=4091,
        price_value=2,
        price_exponent=0,
    )
    fc.add(
        "power-over-limit-negative-amount",
        "e = 4097 with a negative amount is LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        base_quantums=-1,
        atomic_resolution=4091,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "huge-negative-exponent",
        "e = -2^32 + 6: a division by a power longer than the value is 0 without building it (ROUND-7)",
        TRUNC,
        0,
        base_quantums=-(10**40),
        atomic_resolution=INT32_MIN,
        price_value=UINT64_MAX,
        price_exponent=INT32_MIN,
    )
    fc.add(
        "division-by-power-longer-than-value",
        "e = -50 with a 40-digit value truncates to 0",
        TRUNC,
        0,
        base_quantums=-(10**39),
        atomic_resolution=-56,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "division-by-power-as-long-as-value",
        "e = -40 with -10^40: exactly -1",
        TRUNC,
        -1,
        base_quantums=-(10**40),
        atomic_resolution=-46,
        price_value=1,
        price_exponent=0,
    )
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: {
            "base_quantums": encode_int(random_signed(r)),
            "atomic_resolution": r.randrange(-15, 5),
            "price_value": encode_int(random_uint64(r)),
            "price_exponent": r.randrange(-15, 5),
        },
        TRUNC,
    )


def quote_to_base_cases(fc: FunctionCases) -> None:
    base = {"quote_quantums": 28_688_195_240, **BTC}
    # e = -9: 28688195240 * 1e9 / 2868819524 = 1e10 exactly
    fc.add("one-btc-of-quote", "the quote value of one BTC buys exactly one BTC", TRUNC, 10**10, **base)
    fc.add(
        "one-btc-of-quote-negative",
        "negative quote converts to the negated base",
        TRUNC,
        -(10**10),
        **{**base, "quote_quantums": -28_688_195_240},
    )
    # 1 * 1e9 / 2868819524 = 0.348... -> 0
    fc.add(
        "one-quote-quantum-of-btc",
        "one quote quantum buys 0.348 base quantums -> 0",
        TRUNC,
        0,
        **{**base, "quote_quantums": 1},
    )
    # 1e6 quote quantums (1 USDC) * 1e9 / 2868819524 = 348575.43... -> 348575
    fc.add(
        "one-usdc-of-btc",
        "one USDC buys 348575.43 base quantums -> 348575",
        TRUNC,
        348_575,
        **{**base, "quote_quantums": 10**6},
    )
    fc.add(
        "one-usdc-of-btc-negative",
        "-1 USDC: -348575.43 truncates toward zero to -348575",
        TRUNC,
        -348_575,
        **{**base, "quote_quantums": -(10**6)},
    )
    fc.add(
        "exponent-zero-truncates",
        "e = 0: -1 / 3 truncates to 0 (floor would give -1)",
        TRUNC,
        0,
        quote_quantums=-1,
        atomic_resolution=-6,
        price_value=3,
        price_exponent=0,
    )
    fc.add(
        "exponent-zero-negative",
        "e = 0: -7 / 3 = -2.33 -> -2",
        TRUNC,
        -2,
        quote_quantums=-7,
        atomic_resolution=-6,
        price_value=3,
        price_exponent=0,
    )
    fc.add(
        "exponent-positive-two-truncations",
        "e = +3: trunc(trunc(-1999 / 1000) / 1) = -1",
        TRUNC,
        -1,
        quote_quantums=-1999,
        atomic_resolution=-3,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "exponent-positive-two-truncations-price",
        "e = +1: trunc(trunc(-59 / 10) / 2) = trunc(-5 / 2) = -2",
        TRUNC,
        -2,
        quote_quantums=-59,
        atomic_resolution=-5,
        price_value=2,
        price_exponent=0,
    )
    fc.add(
        "exponent-minus-one",
        "e = -1: 7 * 10 / 3 = 23.33 -> 23",
        TRUNC,
        23,
        quote_quantums=7,
        atomic_resolution=-7,
        price_value=3,
        price_exponent=0,
    )
    fc.add(
        "zero-price",
        "a zero price is INVALID_ARGUMENT: the protocol divides by it (CAT-4)",
        ("CAT-4",),
        "!INVALID_ARGUMENT",
        **{**base, "price_value": 0},
    )
    fc.add(
        "zero-price-zero-quote",
        "a zero price is INVALID_ARGUMENT even for zero quote (CAT-4)",
        ("CAT-4",),
        "!INVALID_ARGUMENT",
        **{**base, "price_value": 0, "quote_quantums": 0},
    )
    fc.add("zero-quote", "zero quote quantums buy nothing", (), 0, **{**base, "quote_quantums": 0})
    fc.add(
        "beyond-2-64",
        "a quote amount beyond 2^64",
        TRUNC,
        (10**40 * 10**9) // 2_868_819_524,
        **{**base, "quote_quantums": 10**40},
    )
    fc.add(
        "beyond-2-64-negative",
        "the same amount negative truncates toward zero",
        TRUNC,
        -((10**40 * 10**9) // 2_868_819_524),
        **{**base, "quote_quantums": -(10**40)},
    )
    fc.add(
        "power-of-ten-at-limit",
        "-e = 4096 is the largest power built (CAT-4)",
        ("CAT-4",),
        10**4096,
        quote_quantums=1,
        atomic_resolution=-4102,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "power-of-ten-over-limit",
        "-e = 4097 is LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        quote_quantums=1,
        atomic_resolution=-4103,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "zero-amount-huge-exponent",
        "0 times any power is 0 (CAT-4, ROUND-7)",
        ("CAT-4", "ROUND-7"),
        0,
        quote_quantums=0,
        atomic_resolution=-2_147_483_648,
        price_value=5,
        price_exponent=0,
    )
    fc.add(
        "power-over-limit-zero-quote",
        "-e = 4097 with zero quote needs no power: 0 (CAT-4)",
        ("CAT-4",),
        0,
        quote_quantums=0,
        atomic_resolution=-4103,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "power-over-limit-negative-quote",
        "-e = 4097 with a negative quote is LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        quote_quantums=-1,
        atomic_resolution=-4103,
        price_value=1,
        price_exponent=0,
    )
    fc.add(
        "huge-positive-exponent",
        "e = 2^32 + 4: the quote divided by a power longer than itself is 0 (ROUND-7)",
        TRUNC,
        0,
        quote_quantums=-(10**50),
        atomic_resolution=INT32_MAX,
        price_value=1,
        price_exponent=INT32_MAX,
    )
    add_generic_cases(fc, base)
    add_random_cases(
        fc,
        lambda r: {
            "quote_quantums": encode_int(random_signed(r)),
            "atomic_resolution": r.randrange(-15, 5),
            "price_value": encode_int(max(1, random_uint64(r))),
            "price_exponent": r.randrange(-15, 5),
        },
        TRUNC,
    )
