"""
Function vectors of the risk engine (spec/liquidations.md: LIQ-1..LIQ-9, INS-1; spec/deleveraging.md:
DEL-1; spec/subaccounts.md: SUB-8).

The real protocol's cases come first, each naming the v4 Go test and its case; then hand-worked
edges (each rounding direction, the step clamp, limits at and one past, zero and negative TNC,
MaxUint64 limits, the subticks clamps), the malformed combinations, the generic cases of the
input types, and seeded random cases.  Markets as v4's testutil/constants: BTC at $50,000
(price 5e9, exponent -5, atomic resolution -8) and ETH at $3,000 (3e9, -6, -9), both on tier 3
(IMF 20%, maintenance fraction 50%).
"""

from __future__ import annotations

import random
from typing import Any

from perpspec.conformance.format import encode_int
from perpspec.conformance.functions.cases import (
    BTC_PERP,
    ETH_PERP,
    FunctionCases,
    Raw,
    add_generic_cases,
    add_random_cases,
    random_magnitude,
    random_signed,
    random_uint64,
)
from perpspec.units import UINT32_MAX, UINT64_MAX

BTC_MARKET = {"atomic_resolution": -8, "price_value": 5_000_000_000, "price_exponent": -5}
ETH_MARKET = {"atomic_resolution": -9, "price_value": 3_000_000_000, "price_exponent": -6}
DOLLAR = 1_000_000
TENTH_BTC = 10_000_000
ONE_BTC = 100_000_000
GO_LIQ = "v4 x/clob/keeper/liquidations_test.go"
GO_DEL = "v4 x/clob/keeper/deleveraging_test.go"
GO_SUB = "v4 x/subaccounts/lib/updates_test.go"


def positions(*pairs: tuple[int, int]) -> list[dict[str, Any]]:
    return [{"perpetual_id": pid, "quantums": encode_int(q)} for pid, q in pairs]


def account(usdc: int, *pairs: tuple[int, int], perps: tuple[dict, ...] = (BTC_PERP,)) -> dict[str, Any]:
    """The state inputs of a risk entry: the perpetuals, the USDC balance, the positions."""
    return {
        "perpetuals": [dict(p) for p in perps],
        "usdc_balance_quote_quantums": usdc,
        "perpetual_positions": positions(*pairs),
    }


# --- LIQ-2 ---------------------------------------------------------------------------------------


def size_delta_cases(fc: FunctionCases) -> None:
    def inputs(q: int, step: int, minimum: int, ppm: int, sub_max: int = UINT64_MAX, so_far: int = 0, **m: Any):
        return {
            "position_quantums": q,
            **(m or BTC_MARKET),
            "step_base_quantums": step,
            "min_position_notional_liquidated": minimum,
            "max_position_portion_liquidated_ppm": ppm,
            "subaccount_max_notional_liquidated": sub_max,
            "subaccount_notional_liquidated": so_far,
        }

    go = f"{GO_LIQ} TestGetPerpetualPositionToLiquidate"
    fc.add(
        "go-full-long",
        f"{go}: 'Full position size is returned when subaccount has one perpetual long position'",
        (),
        -TENTH_BTC,
        **inputs(TENTH_BTC, 5, 1, 1_000_000),
    )
    fc.add(
        "go-min-notional-above-position",
        f"{go}: 'Full position size is returned when MinPositionNotionalLiquidated is greater than position size'",
        (),
        -TENTH_BTC,
        **inputs(TENTH_BTC, 5, 10_000_000_000, 1_000_000),
    )
    fc.add(
        "go-half",
        f"{go}: 'Half position size is returned when MaxPositionPortionLiquidatedPpm is 500,000'",
        (),
        -5_000_000,
        **inputs(TENTH_BTC, 5, 1_000, 500_000),
    )
    fc.add(
        "go-smaller-than-step",
        f"{go}: 'full position is returned when position size is smaller than StepBaseQuantums' (step 10, 5 held)",
        (),
        -5,
        **inputs(5, 10, 1, 100_000),
    )
    fc.add(
        "go-rounded-down-to-step",
        f"{go}: 'returned position size is rounded down to the nearest clob.stepBaseQuantums': 140 held, 10% = 14 -> 10",
        ("ROUND-3",),
        -10,
        **inputs(140, 10, 1, 100_000),
    )
    fc.add(
        "go-at-least-one-step",
        f"{go}: 'returned position size is at least clob.stepBaseQuantums': 10% of 20 = 2 -> 0 -> clamped up to 5",
        (),
        -5,
        **inputs(20, 5, 1, 100_000),
    )
    fc.add(
        "go-smaller-than-subaccount-limit",
        f"{go}: 'Full position is returned when position smaller than subaccount limit'",
        (),
        -TENTH_BTC,
        **inputs(TENTH_BTC, 5, 1, 1_000_000, 10_000_000_000),
    )
    fc.add(
        "go-subaccount-limit",
        f"{go}: 'Max subaccount limit is returned when position larger than subaccount limit': $2,500 -> 0.05 BTC",
        (),
        -5_000_000,
        **inputs(TENTH_BTC, 5, 1, 1_000_000, 2_500_000_000),
    )
    fc.add(
        "go-capped-by-subaccount-limit",
        f"{go}: 'position size is capped by subaccount block limit when subaccount limit is lower than position block limit'",
        (),
        -4_000_000,
        **inputs(TENTH_BTC, 5, 1_000, 500_000, 2_000_000_000),
    )
    fc.add(
        "go-capped-by-position-limit",
        f"{go}: 'position size is capped by position block limit when position limit is lower than subaccount block limit'",
        (),
        -4_000_000,
        **inputs(TENTH_BTC, 5, 1_000, 400_000, 2_500_000_000),
    )
    fc.add(
        "go-step-3",
        f"{go}: 'Result is rounded to nearest step size': 21 held, step 3 -> 9",
        ("ROUND-3",),
        -9,
        **inputs(21, 3, 1_000, 500_000),
    )
    fc.add(
        "go-full-short",
        f"{go}: 'Full position size is returned when subaccount has one perpetual short position'",
        (),
        ONE_BTC,
        **inputs(-ONE_BTC, 5, 1, 1_000_000),
    )
    fc.add(
        "go-short-min-notional",
        f"{go}: 'Full position size (short) is returned when MinPositionNotionalLiquidated is greater than position size'",
        (),
        TENTH_BTC,
        **inputs(-TENTH_BTC, 5, 10_000_000_000, 1_000_000),
    )
    fc.add(
        "go-short-half",
        f"{go}: 'Half position size (short) is returned when MaxPositionPortionLiquidatedPpm is 500,000'",
        (),
        5_000_000,
        **inputs(-TENTH_BTC, 5, 1_000, 500_000),
    )
    fc.add(
        "go-short-smaller-than-subaccount-limit",
        f"{go}: 'Full position (short) is returned when position smaller than subaccount limit'",
        (),
        TENTH_BTC,
        **inputs(-TENTH_BTC, 5, 1, 1_000_000, 10_000_000_000),
    )
    fc.add(
        "go-short-subaccount-limit",
        f"{go}: 'Max subaccount limit is returned when short position larger than subaccount limit'",
        (),
        5_000_000,
        **inputs(-TENTH_BTC, 5, 1, 1_000_000, 2_500_000_000),
    )
    fc.add(
        "go-max-uint64-eth-long",
        f"{go}: 'Full position size of max uint64 ...': capped by MaxUint64 quote, trunc((2^64-1)/3) down to step 1000",
        (),
        -6_148_914_691_236_517_000,
        **inputs(UINT64_MAX, 1_000, 1, 1_000_000, **ETH_MARKET),
    )
    fc.add(
        "go-max-uint64-eth-short",
        f"{go}: 'Full position size of negated max uint64 ...'",
        (),
        6_148_914_691_236_517_000,
        **inputs(-UINT64_MAX, 1_000, 1, 1_000_000, **ETH_MARKET),
    )
    fc.add(
        "at-subaccount-limit",
        "already at the subaccount limit: cap 0 -> QuoteToBase 0 -> clamped up to one step (LIQ-3)",
        ("LIQ-3",),
        -5,
        **inputs(TENTH_BTC, 5, 1, 1_000_000, 1_000, 1_000),
    )
    fc.add(
        "past-subaccount-limit",
        "one past the subaccount limit: LIQUIDATION_EXCEEDS_SUBACCOUNT_MAX_NOTIONAL_LIQUIDATED (a panic in v4)",
        ("LIQ-3",),
        "!LIQUIDATION_EXCEEDS_SUBACCOUNT_MAX_NOTIONAL_LIQUIDATED",
        **inputs(TENTH_BTC, 5, 1, 1_000_000, 1_000, 1_001),
    )
    fc.add(
        "notional-equals-cap",
        "notional exactly at the cap ($2,500 of 0.05 BTC): the whole position",
        (),
        -5_000_000,
        **inputs(5_000_000, 5, 1, 1_000_000, 2_500_000_000),
    )
    fc.add(
        "notional-one-above-cap",
        "notional one quote quantum above the cap: QuoteToBase(2,499,999,999) = 4,999,999 -> 4,999,995 at step 5",
        ("ROUND-3", "ROUND-5"),
        -4_999_995,
        **inputs(5_000_000, 5, 1, 1_000_000, 2_499_999_999),
    )
    fc.add("exactly-one-step", "a position of exactly one step is liquidated whole", (), -5, **inputs(5, 5, 1, 1))
    fc.add("zero-position", "no position: 0", (), 0, **inputs(0, 5, 1, 1))
    fc.add(
        "zero-price",
        "price 0: notional 0 <= cap, the whole position",
        (),
        -7,
        **inputs(7, 5, 1, 1, price_value=0, atomic_resolution=-8, price_exponent=-5),
    )
    fc.add(
        "zero-step",
        "step 0: INVALID_ARGUMENT (Go panics dividing by it)",
        (),
        "!INVALID_ARGUMENT",
        **inputs(TENTH_BTC, 0, 1, 1),
    )
    fc.add(
        "power-over-limit",
        "quote exponent 4097: LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        **inputs(1, 1, 1, 1, atomic_resolution=4091, price_value=1, price_exponent=0),
    )
    add_generic_cases(fc, inputs(TENTH_BTC, 5, 1_000, 500_000))

    def draw(r: random.Random) -> dict[str, Any]:
        sub_max = random_uint64(r)
        return {
            "position_quantums": encode_int(random_signed(r, 22)),
            "atomic_resolution": r.randrange(-12, 0),
            "price_value": encode_int(random_uint64(r)),
            "price_exponent": r.randrange(-12, 0),
            "step_base_quantums": encode_int(r.choice([1, 5, 10, 1_000, r.randrange(1, 10**6)])),
            "min_position_notional_liquidated": encode_int(random_uint64(r)),
            "max_position_portion_liquidated_ppm": r.choice(
                [1, 100_000, 500_000, 1_000_000, r.randrange(0, UINT32_MAX + 1)]
            ),
            "subaccount_max_notional_liquidated": encode_int(sub_max),
            "subaccount_notional_liquidated": encode_int(
                r.choice([0, r.randrange(0, sub_max + 1), r.randrange(0, sub_max + 2), random_uint64(r)])
            ),
        }

    add_random_cases(fc, draw, ("LIQ-1", "LIQ-3"))


# --- LIQ-1, LIQ-3, LIQ-4, INS-1 ----------------------------------------------------------------


def bounds_cases(fc: FunctionCases) -> None:
    def inputs(q: int, minimum: int, ppm: int, **m: Any) -> dict[str, Any]:
        return {
            "position_quantums": q,
            **(m or BTC_MARKET),
            "min_position_notional_liquidated": minimum,
            "max_position_portion_liquidated_ppm": ppm,
        }

    go = f"{GO_LIQ} TestGetMaxAndMinPositionNotionalLiquidatable"

    def out(lo: int, hi: int) -> dict[str, int]:
        return {"min_position_notional_liquidatable": lo, "max_position_notional_liquidatable": hi}

    fc.add(
        "go-min",
        f"{go}: 'Can get min notional liquidatable' (1 BTC on a 100%-margin BTC market)",
        (),
        out(100, 50_000_000_000),
        **inputs(ONE_BTC, 100, 1_000_000),
    )
    fc.add(
        "go-max",
        f"{go}: 'Can get max notional liquidatable'",
        (),
        out(100, 25_000_000_000),
        **inputs(ONE_BTC, 100, 500_000),
    )
    fc.add(
        "go-overridden",
        f"{go}: 'min and max notional liquidatable can be overridden': a $5 position, a $10 minimum",
        (),
        out(5_000_000, 5_000_000),
        **inputs(10_000, 10_000_000, 1_000_000),
    )
    fc.add(
        "short", "a short's bounds come from |notional|", (), out(100, 25_000_000_000), **inputs(-ONE_BTC, 100, 500_000)
    )
    fc.add(
        "portion-floors",
        "floor(999 * 1 / 1e6) = 0, so max = min = 5 (ROUND-6)",
        ("ROUND-6",),
        out(5, 5),
        **inputs(1_998, 5, 1),
    )
    fc.add(
        "portion-floor-edge",
        "1 BTC, 999,999 ppm: floor(5e10 * 999999 / 1e6) = 49,999,950,000; minimum 0",
        ("ROUND-6",),
        out(0, 49_999_950_000),
        **inputs(ONE_BTC, 0, 999_999),
    )
    fc.add(
        "portion-above-100",
        "a uint32 portion above 100% is taken as given (only the state's config is bounded, LIQ-10)",
        (),
        out(0, 100_000_000_000),
        **inputs(ONE_BTC, 0, 2_000_000),
    )
    fc.add(
        "power-over-limit",
        "quote exponent 4097: LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        **inputs(1, 1, 1, atomic_resolution=4091, price_value=1, price_exponent=0),
    )
    add_generic_cases(fc, inputs(ONE_BTC, 100, 500_000))
    add_random_cases(
        fc,
        lambda r: {
            "position_quantums": encode_int(random_signed(r, 25)),
            "atomic_resolution": r.randrange(-12, 2),
            "price_value": encode_int(random_uint64(r)),
            "price_exponent": r.randrange(-12, 2),
            "min_position_notional_liquidated": encode_int(random_uint64(r)),
            "max_position_portion_liquidated_ppm": r.randrange(0, UINT32_MAX + 1),
        },
        ("ROUND-6",),
    )


def _block_limit_cases(
    fc: FunctionCases, limit: str, so_far: str, exceeded: str, go_name: str, signed_delta: bool = False
) -> None:
    go = f"{GO_LIQ} TestGetMaxLiquidatableNotionalAndInsuranceLost"

    def inputs(lim: int, prev: int, already: bool) -> dict[str, Any]:
        # the insurance entry takes the delta that lost ``prev``: -prev (LIQ-4)
        return {limit: lim, so_far: -prev if signed_delta else prev, "perpetual_already_liquidated": already}

    fc.add(
        "go-can-get",
        f"{go}: 'Can get max notional liquidatable and insurance lost' ({go_name}): 150 - 100",
        (),
        50,
        **inputs(150, 100, False),
    )
    fc.add(
        "go-same-perpetual",
        f"{go}: 'Same perpetual id': SUBACCOUNT_HAS_LIQUIDATED_PERPETUAL",
        (),
        "!SUBACCOUNT_HAS_LIQUIDATED_PERPETUAL",
        **inputs(UINT64_MAX, 100, True),
    )
    fc.add(
        "go-exceeded",
        f"{go}: 'invalid {'notional liquidated' if 'notional' in limit else 'insurance lost'}': 100 so far of 50 panics",
        (),
        f"!{exceeded}",
        **inputs(50, 100, False),
    )
    fc.add("at-limit", "exactly at the limit: 0", (), 0, **inputs(100, 100, False))
    fc.add("one-past-limit", "one past the limit: the panic's error", (), f"!{exceeded}", **inputs(100, 101, False))
    fc.add(
        "already-and-exceeded",
        "already liquidated is checked first",
        (),
        "!SUBACCOUNT_HAS_LIQUIDATED_PERPETUAL",
        **inputs(50, 100, True),
    )
    fc.add(
        "max-uint64-limit", "no limit (MaxUint64) and nothing so far", (), UINT64_MAX, **inputs(UINT64_MAX, 0, False)
    )
    fc.add("zero-limit", "a zero limit with nothing so far: 0", (), 0, **inputs(0, 0, False))
    fc.add(
        "flag-as-number",
        "perpetual_already_liquidated given as 1 is INVALID_TYPE (CAT-2)",
        ("CAT-2",),
        "!INVALID_TYPE",
        **{**inputs(1, 0, False), "perpetual_already_liquidated": Raw(1)},
    )
    if signed_delta:
        positive = {limit: 150, so_far: 100, "perpetual_already_liquidated": False}
        fc.add(
            "positive-delta-is-no-loss",
            "a positive delta (a fee paid to the fund) counts as nothing lost: 150",
            (),
            150,
            **positive,
        )
        fc.add("zero-delta", "a zero delta: nothing lost", (), 150, **{**positive, so_far: 0})
        fc.add(
            "delta-minus-max-uint64",
            "a delta of -(2^64 - 1) against that limit: 0 left",
            (),
            0,
            **inputs(UINT64_MAX, UINT64_MAX, False),
        )
        fc.add(
            "delta-overflows-uint64",
            "a delta of -2^64: the insurance lost overflows uint64, OUT_OF_RANGE (v4 panics)",
            (),
            "!OUT_OF_RANGE",
            **inputs(UINT64_MAX, 2**64, False),
        )
    add_generic_cases(fc, inputs(150, 100, False))

    def draw(r: random.Random) -> dict[str, Any]:
        lim = random_uint64(r)
        lost = r.choice([r.randrange(0, lim + 1), r.randrange(0, lim + 1), random_uint64(r)])
        return {
            limit: encode_int(lim),
            so_far: encode_int(-lost if signed_delta else lost),
            "perpetual_already_liquidated": r.random() < 0.15,
        }

    add_random_cases(fc, draw)


def subaccount_max_notional_cases(fc: FunctionCases) -> None:
    _block_limit_cases(
        fc,
        "max_notional_liquidated",
        "previous_notional_liquidated",
        "LIQUIDATION_EXCEEDS_SUBACCOUNT_MAX_NOTIONAL_LIQUIDATED",
        "GetSubaccountMaxNotionalLiquidatable",
    )


def subaccount_max_insurance_cases(fc: FunctionCases) -> None:
    _block_limit_cases(
        fc,
        "max_quantums_insurance_lost",
        "previous_insurance_fund_delta",
        "LIQUIDATION_EXCEEDS_SUBACCOUNT_MAX_INSURANCE_LOST",
        "GetSubaccountMaxInsuranceLost; the Go case's -100 delta accumulates as 100 lost",
        signed_delta=True,
    )


def insurance_fund_delta_validity_cases(fc: FunctionCases) -> None:
    go = f"{GO_DEL} TestIsValidInsuranceFundDelta"
    for name, balance, delta, valid, text in [
        ("go-zero-delta", 9_998_000_000, 0, True, "valid: zero insurance fund delta"),
        ("go-zero-delta-zero-balance", 0, 0, True, "valid: zero insurance fund delta and zero balance"),
        ("go-positive", 9_998_000_000, 1_000_000, True, "valid: positive insurance fund delta"),
        ("go-positive-zero-balance", 0, 1_000_000, True, "valid: positive insurance fund delta and zero balance"),
        (
            "go-negative-still-positive",
            9_998_000_000,
            -1_000_000,
            True,
            "valid: negative insurance fund delta - insurance fund is still positive after delta",
        ),
        (
            "go-negative-to-zero",
            10_000_000_000,
            -10_000_000_000,
            True,
            "valid: negative insurance fund delta - insurance fund has zero balance after delta",
        ),
        (
            "go-negative-overdrawn",
            10_000_000_000,
            -10_000_000_001,
            False,
            "invalid: negative insurance fund delta - insurance fund is negative after delta",
        ),
        (
            "go-empty-overdrawn",
            0,
            -1,
            False,
            "invalid: negative insurance fund delta - insurance fund was empty and is negative after delta",
        ),
    ]:
        fc.add(name, f"{go}: '{text}'", (), valid, insurance_fund_balance=balance, insurance_fund_delta=delta)
    fc.add(
        "negative-balance-positive-delta",
        "a non-negative delta is valid whatever the balance",
        (),
        True,
        insurance_fund_balance=-5,
        insurance_fund_delta=0,
    )
    fc.add(
        "negative-balance-negative-delta",
        "a negative balance and delta: invalid",
        (),
        False,
        insurance_fund_balance=-5,
        insurance_fund_delta=-1,
    )
    add_generic_cases(fc, {"insurance_fund_balance": 10, "insurance_fund_delta": -10})
    add_random_cases(
        fc,
        lambda r: {
            "insurance_fund_balance": encode_int(random_signed(r)),
            "insurance_fund_delta": encode_int(random_signed(r)),
        },
    )


# --- DEL-1, SUB-8 ----------------------------------------------------------------------------------


def can_deleverage_cases(fc: FunctionCases) -> None:
    go = f"{GO_DEL} TestCanDeleverageSubaccount"

    def inputs(price: int, status: str, usdc: int = 54_999 * DOLLAR, pairs: tuple = ((0, -ONE_BTC),)) -> dict[str, Any]:
        return {
            "usdc_balance_quote_quantums": usdc,
            "perpetual_positions": positions(*pairs),
            "atomic_resolution": -8,
            "price_value": price,
            "price_exponent": -5,
            "clob_pair_status": status,
        }

    carl = "Carl_Num0_1BTC_Short_54999USD"
    fc.add(
        "go-positive-tnc",
        f"{go}: 'Cannot deleverage when subaccount has positive TNC' ({carl} at $50,000)",
        (),
        [False, False],
        **inputs(5_000_000_000, "ACTIVE"),
    )
    fc.add(
        "go-zero-tnc",
        f"{go}: 'Cannot deleverage when subaccount has zero TNC' (at $54,999)",
        (),
        [False, False],
        **inputs(5_499_000_000, "ACTIVE"),
    )
    fc.add(
        "go-negative-tnc",
        f"{go}: 'Can deleverage when subaccount has negative TNC' (at $55,000)",
        (),
        [True, False],
        **inputs(5_500_000_000, "ACTIVE"),
    )
    fc.add(
        "go-negative-tnc-final-settlement",
        f"{go}: 'Can deleverage when subaccount has negative TNC and clob pair has status FINAL_SETTLEMENT': at the bankruptcy price",
        (),
        [True, False],
        **inputs(5_500_000_000, "FINAL_SETTLEMENT"),
    )
    fc.add(
        "go-final-settlement",
        f"{go}: 'Can final settle deleverage when subaccount has positive TNC and clob pair has status FINAL_SETTLEMENT'",
        (),
        [False, True],
        **inputs(5_000_000_000, "FINAL_SETTLEMENT"),
    )
    fc.add(
        "zero-tnc-final-settlement",
        "TNC = 0 in final settlement: at the oracle price",
        (),
        [False, True],
        **inputs(5_499_000_000, "FINAL_SETTLEMENT"),
    )
    fc.add(
        "no-positions-negative",
        "no positions, USDC -1: at the bankruptcy price",
        (),
        [True, False],
        **inputs(5_000_000_000, "ACTIVE", -1, ()),
    )
    fc.add("paused", "a PAUSED pair is not final settlement", (), [False, False], **inputs(5_000_000_000, "PAUSED"))
    fc.add(
        "two-positions",
        "two positions at the one price: TNC = 54,999e6 - 5e10 + 2.5e10 > 0",
        (),
        [False, False],
        **inputs(5_000_000_000, "ACTIVE", pairs=((0, -ONE_BTC), (1, ONE_BTC // 2))),
    )
    fc.add(
        "truncated-value",
        "a position worth -0.5 quote quantum truncates to 0: TNC 0 is not deleveraged",
        ("ROUND-5",),
        [False, False],
        **inputs(5, "ACTIVE", 0, ((0, -1),)),
    )
    fc.add(
        "duplicate-position",
        "a perpetual listed twice: DUPLICATE_PERPETUAL_ID",
        (),
        "!DUPLICATE_PERPETUAL_ID",
        **inputs(5_000_000_000, "ACTIVE", pairs=((0, 1), (0, 2))),
    )
    fc.add(
        "unknown-status",
        "a status that is not a v4 name: INVALID_ARGUMENT (CAT-2)",
        ("CAT-2",),
        "!INVALID_ARGUMENT",
        **inputs(5_000_000_000, "SETTLED"),
    )
    fc.add(
        "lowercase-status",
        "status names are spelt exactly: INVALID_ARGUMENT",
        ("CAT-2",),
        "!INVALID_ARGUMENT",
        **inputs(5_000_000_000, "active"),
    )
    fc.add(
        "status-as-number",
        "a status given as 6 is INVALID_TYPE",
        ("CAT-2",),
        "!INVALID_TYPE",
        **{**inputs(5_000_000_000, "ACTIVE"), "clob_pair_status": Raw(6)},
    )
    fc.add(
        "position-missing-field",
        "a position without quantums: MISSING_INPUT (CAT-5)",
        ("CAT-5",),
        "!MISSING_INPUT",
        **{**inputs(5_000_000_000, "ACTIVE"), "perpetual_positions": Raw([{"perpetual_id": 0}])},
    )
    fc.add(
        "position-extra-field",
        "a position with an extra field: UNEXPECTED_INPUT (CAT-5)",
        ("CAT-5",),
        "!UNEXPECTED_INPUT",
        **{
            **inputs(5_000_000_000, "ACTIVE"),
            "perpetual_positions": Raw([{"perpetual_id": 0, "quantums": 1, "funding_index": 0}]),
        },
    )
    fc.add(
        "positions-not-a-list",
        "positions given as an object: INVALID_TYPE",
        ("CAT-2",),
        "!INVALID_TYPE",
        **{**inputs(5_000_000_000, "ACTIVE"), "perpetual_positions": Raw({"perpetual_id": 0})},
    )
    fc.add(
        "power-over-limit",
        "quote exponent 4097: LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        **{**inputs(1, "ACTIVE"), "atomic_resolution": 4097 + 1, "price_exponent": -7},
    )
    add_generic_cases(fc, inputs(5_000_000_000, "ACTIVE"))
    statuses = ["ACTIVE", "FINAL_SETTLEMENT", "INITIALIZING", "PAUSED", "CANCEL_ONLY", "POST_ONLY"]
    add_random_cases(
        fc,
        lambda r: inputs(
            r.randrange(1, 10**10),
            r.choice(statuses),
            random_signed(r, 12),
            tuple((pid, random_signed(r, 10)) for pid in r.sample(range(5), r.randrange(0, 4))),
        ),
    )


def undercollateralized_cases(fc: FunctionCases) -> None:
    go = f"{GO_SUB} TestIsValidStateTransitionForUndercollateralizedSubaccount_ZeroMarginRequirements"
    for name, old, new, result, text in [
        (
            "go-mmr-up-tnc-down",
            (-1, 0, 0),
            (-2, 1),
            "StillUndercollateralized",
            "fails when MMR increases and TNC decreases - negative TNC",
        ),
        (
            "go-mmr-up-tnc-same",
            (-1, 0, 0),
            (-1, 1),
            "StillUndercollateralized",
            "fails when MMR increases and TNC stays the same - negative TNC",
        ),
        (
            "go-mmr-up-tnc-up",
            (-1, 0, 0),
            (100, 1),
            "StillUndercollateralized",
            "fails when MMR increases and TNC increases - negative TNC",
        ),
        (
            "go-both-zero-same",
            (-1, 0, 0),
            (-1, 0),
            "StillUndercollateralized",
            "fails when both new and old MMR are zero and TNC stays the same",
        ),
        (
            "go-both-zero-down",
            (-1, 0, 0),
            (-2, 0),
            "StillUndercollateralized",
            "fails when both new and old MMR are zero and TNC decrease from negative to negative",
        ),
        (
            "go-both-zero-up",
            (-2, 0, 0),
            (-1, 0),
            "Success",
            "succeeds when both new and old MMR are zero and TNC increases",
        ),
        (
            "go-mmr-to-zero",
            (-2, 1, 1),
            (-1, 0),
            "StillUndercollateralized",
            "fails when MMR decreased to zero, and TNC increases but is still negative",
        ),
    ]:
        fc.add(
            name,
            f"{go}: '{text}'",
            (),
            result,
            old_nc=old[0],
            old_imr=old[1],
            old_mmr=old[2],
            new_nc=new[0],
            new_mmr=new[1],
        )
    fc.add(
        "newly",
        "old NC >= old IMR: the failure is NewlyUndercollateralized (IMR <= NC)",
        (),
        "NewlyUndercollateralized",
        old_nc=100,
        old_imr=100,
        old_mmr=50,
        new_nc=10,
        new_mmr=60,
    )
    fc.add(
        "equal-ratio-smaller-mmr",
        "catalogue-next §4.6: 800/8000 -> 300/3000 keeps NC/MMR and lowers MMR: Success",
        (),
        "Success",
        old_nc=800,
        old_imr=9_000,
        old_mmr=8_000,
        new_nc=300,
        new_mmr=3_000,
    )
    fc.add(
        "worse-ratio",
        "NC/MMR falls from 800/8000 to 299/3000: StillUndercollateralized",
        (),
        "StillUndercollateralized",
        old_nc=800,
        old_imr=9_000,
        old_mmr=8_000,
        new_nc=299,
        new_mmr=3_000,
    )
    fc.add(
        "same-state",
        "an unchanged state (equal ratio, equal MMR) is Success",
        (),
        "Success",
        old_nc=5,
        old_imr=20,
        old_mmr=10,
        new_nc=5,
        new_mmr=10,
    )
    fc.add(
        "negative-tnc-close-last-position",
        "catalogue-next §4.6: closing a negative-TNC account's last position at the oracle price (MMR -> 0, NC unchanged) fails",
        (),
        "StillUndercollateralized",
        old_nc=-5,
        old_imr=20,
        old_mmr=10,
        new_nc=-5,
        new_mmr=0,
    )
    add_generic_cases(fc, {"old_nc": 800, "old_imr": 9_000, "old_mmr": 8_000, "new_nc": 300, "new_mmr": 3_000})
    add_random_cases(
        fc,
        lambda r: {
            "old_nc": encode_int(random_signed(r, 8)),
            "old_imr": encode_int(random_magnitude(r, 8)),
            "old_mmr": encode_int(r.choice([0, random_magnitude(r, 8)])),
            "new_nc": encode_int(random_signed(r, 8)),
            "new_mmr": encode_int(r.choice([0, random_magnitude(r, 8)])),
        },
    )


# --- LIQ-5 .. LIQ-9 ---------------------------------------------------------------------------------


def _malformed_state_cases(fc: FunctionCases, extra: dict[str, Any]) -> None:
    """The malformed combinations every state-taking entry answers the same way (LIQ-6)."""
    base = {**account(-4_501 * DOLLAR, (0, TENTH_BTC)), "perpetual_id": 0, **extra}
    fc.add(
        "duplicate-perpetual",
        "a perpetual listed twice: DUPLICATE_PERPETUAL_ID",
        (),
        "!DUPLICATE_PERPETUAL_ID",
        **{**base, "perpetuals": [BTC_PERP, BTC_PERP]},
    )
    fc.add(
        "duplicate-position",
        "a position listed twice: DUPLICATE_PERPETUAL_ID",
        (),
        "!DUPLICATE_PERPETUAL_ID",
        **{**base, "perpetual_positions": positions((0, TENTH_BTC), (0, TENTH_BTC))},
    )
    fc.add(
        "position-in-unlisted-perpetual",
        "a position in a perpetual not listed: UNKNOWN_PERPETUAL",
        (),
        "!UNKNOWN_PERPETUAL",
        **{**base, "perpetual_positions": positions((0, TENTH_BTC), (7, 1))},
    )
    fc.add(
        "unlisted-perpetual-id",
        "perpetual_id neither listed nor held: INVALID_PERPETUAL_POSITION_SIZE_DELTA (Go checks the delta first)",
        ("LIQ-5",),
        "!INVALID_PERPETUAL_POSITION_SIZE_DELTA",
        **{**base, "perpetual_id": 9},
    )
    fc.add(
        "maintenance-fraction-above-100",
        "a maintenance fraction above 1e6: OUT_OF_RANGE (MARGIN-3)",
        ("MARGIN-3",),
        "!OUT_OF_RANGE",
        **{**base, "perpetuals": [{**BTC_PERP, "maintenance_fraction_ppm": 1_000_001}]},
    )
    fc.add(
        "state-power-over-limit",
        "a quote exponent of -4097: LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        **{**base, "perpetuals": [BTC_PERP, {**ETH_PERP, "atomic_resolution": -4097}]},
    )
    fc.add(
        "zero-position-is-none",
        "a listed position of 0 quantums is no position: INVALID_PERPETUAL_POSITION_SIZE_DELTA (SUB-4)",
        ("LIQ-5", "SUB-4"),
        "!INVALID_PERPETUAL_POSITION_SIZE_DELTA",
        **{**base, "perpetual_positions": positions((0, 0))},
    )
    fc.add(
        "perpetual-missing-field",
        "a perpetual without maintenance_fraction_ppm: MISSING_INPUT (CAT-5)",
        ("CAT-5",),
        "!MISSING_INPUT",
        **{**base, "perpetuals": Raw([{k: v for k, v in BTC_PERP.items() if k != "maintenance_fraction_ppm"}])},
    )
    fc.add(
        "perpetual-price-negative",
        "a perpetual's price below 0: OUT_OF_RANGE (uint64)",
        ("CAT-4",),
        "!OUT_OF_RANGE",
        **{**base, "perpetuals": [{**BTC_PERP, "price_value": -1}]},
    )
    fc.add(
        "perpetuals-not-a-list",
        "perpetuals given as one object: INVALID_TYPE",
        ("CAT-2",),
        "!INVALID_TYPE",
        **{**base, "perpetuals": Raw(BTC_PERP)},
    )


def _random_account(r: random.Random) -> tuple[dict[str, Any], int, int]:
    """A random state: 1 to 3 perpetuals, positions in some, and one held perpetual with its position."""
    count = r.randrange(1, 4)
    perps = []
    for pid in range(count):
        perps.append(
            {
                "perpetual_id": pid,
                "atomic_resolution": r.randrange(-10, -3),
                "price_value": r.choice([r.randrange(1, 10**6), r.randrange(1, 10**10), r.randrange(1, 2**64)]),
                "price_exponent": r.randrange(-10, -2),
                "initial_margin_ppm": r.choice([0, 50_000, 200_000, 1_000_000, r.randrange(0, 1_000_001)]),
                "maintenance_fraction_ppm": r.choice([500_000, 1_000_000, r.randrange(0, 1_000_001)]),
            }
        )
    held = {pid: random_signed(r, 14) or 1 for pid in range(count) if pid == 0 or r.random() < 0.6}
    pid = r.choice(sorted(held))
    usdc = random_signed(r, 16)
    state = {
        "perpetuals": [{k: encode_int(v) for k, v in p.items()} for p in perps],
        "usdc_balance_quote_quantums": encode_int(usdc),
        "perpetual_positions": positions(*held.items()),
        "perpetual_id": pid,
    }
    return state, pid, held[pid]


def _random_delta(r: random.Random, position: int) -> int:
    if r.random() < 0.1:
        return r.choice([0, position, -position - (1 if position > 0 else -1)])
    size = r.choice([abs(position), r.randrange(1, abs(position) + 1)])
    return -size if position > 0 else size


def bankruptcy_price_cases(fc: FunctionCases) -> None:
    go = f"{GO_LIQ} TestGetBankruptcyPriceInQuoteQuantums"
    for name, usdc, pairs, perps, pid, delta, expected, text in [
        (
            "go-long-below-mmr",
            -4_501,
            ((0, TENTH_BTC),),
            (BTC_PERP,),
            0,
            -TENTH_BTC,
            4_501_000_000,
            "fully closing one long position that is slightly below maintenance margin requirements",
        ),
        (
            "go-short-below-mmr",
            5_499,
            ((0, -TENTH_BTC),),
            (BTC_PERP,),
            0,
            TENTH_BTC,
            -5_499_000_000,
            "fully closing one short position that is slightly below maintenance margin requirements",
        ),
        (
            "go-long-at-bankruptcy",
            -5_000,
            ((0, TENTH_BTC),),
            (BTC_PERP,),
            0,
            -TENTH_BTC,
            5_000_000_000,
            "fully closing one long position that is at the bankruptcy price",
        ),
        (
            "go-long-half-at-bankruptcy",
            -5_000,
            ((0, TENTH_BTC),),
            (BTC_PERP,),
            0,
            -5_000_000,
            2_500_000_000,
            "partially closing one long position that is at the bankruptcy price",
        ),
        (
            "go-short-half-at-bankruptcy",
            5_000,
            ((0, -TENTH_BTC),),
            (BTC_PERP,),
            0,
            5_000_000,
            -2_500_000_000,
            "partially closing one short position that is at the bankruptcy price",
        ),
        (
            "go-short-at-bankruptcy",
            5_000,
            ((0, -TENTH_BTC),),
            (BTC_PERP,),
            0,
            TENTH_BTC,
            -5_000_000_000,
            "fully closing one short position that is at the bankruptcy price",
        ),
        (
            "go-long-below-bankruptcy",
            -5_100,
            ((0, TENTH_BTC),),
            (BTC_PERP,),
            0,
            -TENTH_BTC,
            5_100_000_000,
            "fully closing one long position that is below the bankruptcy price",
        ),
        (
            "go-short-below-bankruptcy",
            4_900,
            ((0, -TENTH_BTC),),
            (BTC_PERP,),
            0,
            TENTH_BTC,
            -4_900_000_000,
            "fully closing one short position that is below the bankruptcy price",
        ),
        (
            "go-multiple-longs",
            -490,
            ((0, 400_000), (1, 100_000_000)),
            (BTC_PERP, ETH_PERP),
            1,
            -100_000_000,
            294_000_000,
            "fully closing one long position and has multiple long positions",
        ),
        (
            "go-multiple-shorts",
            510,
            ((0, -400_000), (1, -100_000_000)),
            (BTC_PERP, ETH_PERP),
            1,
            100_000_000,
            -306_000_000,
            "fully closing one short position and has multiple short positions",
        ),
        (
            "go-long-and-short",
            110,
            ((0, 400_000), (1, -100_000_000)),
            (BTC_PERP, ETH_PERP),
            1,
            100_000_000,
            -306_000_000,
            "fully closing one short position and has a long and short position",
        ),
        (
            "go-rounds-up-long",
            -13,
            ((0, ONE_BTC),),
            (BTC_PERP,),
            0,
            -21_347,
            2_776,
            "Rounds up ... partially closing one long position (2775.11 -> 2776)",
        ),
        (
            "go-rounds-up-short",
            13,
            ((0, -ONE_BTC),),
            (BTC_PERP,),
            0,
            21_347,
            -2_775,
            "Rounds up ... partially closing one short position (-2775.89 -> -2775)",
        ),
        (
            "go-negative-bankruptcy-long",
            1,
            ((0, ONE_BTC),),
            (BTC_PERP,),
            0,
            -ONE_BTC,
            -1_000_000,
            "Account with a long position that cannot be liquidated at a loss has a negative bankruptcy price",
        ),
    ]:
        fc.add(
            name,
            f"{go}: '{text}'",
            ("ROUND-3",),
            expected,
            **account(usdc * DOLLAR, *pairs, perps=perps),
            perpetual_id=pid,
            delta_quantums=delta,
        )
    for name, delta, pairs, text in [
        ("go-zero-delta", 0, ((0, ONE_BTC),), "Returns error when deltaQuantums is zero"),
        (
            "go-no-position",
            -TENTH_BTC,
            (),
            "Returns error when subaccount does not have an open position for perpetual id",
        ),
        (
            "go-same-sign",
            TENTH_BTC,
            ((0, ONE_BTC),),
            "Returns error when delta quantums and perpetual position have the same sign",
        ),
        (
            "go-too-large",
            -100_000_001,
            ((0, ONE_BTC),),
            "Returns error when abs delta quantums is greater than position size",
        ),
    ]:
        fc.add(
            name,
            f"{go}: '{text}'",
            ("LIQ-5",),
            "!INVALID_PERPETUAL_POSITION_SIZE_DELTA",
            **account(-4_501 * DOLLAR, *pairs),
            perpetual_id=0,
            delta_quantums=delta,
        )
    zero_mmr = {**BTC_PERP, "initial_margin_ppm": 0}
    fc.add(
        "zero-tmmr",
        "a tier with no maintenance margin: TMMR 0 is ZERO_TOTAL_MAINTENANCE_MARGIN (a division-by-zero panic in v4)",
        (),
        "!ZERO_TOTAL_MAINTENANCE_MARGIN",
        **account(-DOLLAR, (0, TENTH_BTC), perps=(zero_mmr,)),
        perpetual_id=0,
        delta_quantums=-TENTH_BTC,
    )
    # floor toward -inf for TNC < 0: TNC = -1, TMMR = 5e8, partial close of 1/3: DMMR = MMR(6666667) - MMR(1e7)
    fc.add(
        "negative-tnc-floors-down",
        "TNC = -1 (USDC -5,000.000001): the subtracted floor of a negative numerator rounds toward -inf, so the price rounds up",
        ("ROUND-3",),
        5_000_000_001,
        **account(-5_000 * DOLLAR - 1, (0, TENTH_BTC)),
        perpetual_id=0,
        delta_quantums=-TENTH_BTC,
    )
    fc.add(
        "zero-tnc-only-position",
        "TNC = 0: the bankruptcy price is the position's value",
        (),
        5_000_000_000,
        **account(-5_000 * DOLLAR, (0, TENTH_BTC)),
        perpetual_id=0,
        delta_quantums=-TENTH_BTC,
    )
    fc.add(
        "one-quantum",
        "closing one base quantum of 0.1 BTC: -DNNV = 500, DMMR = MMR(9999999) - MMR(1e7) = -50; TNC 499e6: 500 - floor(499e6*50/5e8) = 500 - 49 = 451",
        ("ROUND-3",),
        451,
        **account(-4_501 * DOLLAR, (0, TENTH_BTC)),
        perpetual_id=0,
        delta_quantums=-1,
    )
    _malformed_state_cases(fc, {"delta_quantums": -TENTH_BTC})
    add_generic_cases(fc, {**account(-4_501 * DOLLAR, (0, TENTH_BTC)), "perpetual_id": 0, "delta_quantums": -TENTH_BTC})

    def draw(r: random.Random) -> dict[str, Any]:
        state, _, position = _random_account(r)
        return {**state, "delta_quantums": encode_int(_random_delta(r, position))}

    add_random_cases(fc, draw, ("LIQ-5", "ROUND-3"))


FILLABLE = {"bankruptcy_adjustment_ppm": 1_000_000, "spread_to_maintenance_margin_ratio_ppm": 100_000}


def fillable_price_cases(fc: FunctionCases) -> None:
    go = f"{GO_LIQ} TestGetFillablePrice"
    long_4501 = {**account(-4_501 * DOLLAR, (0, TENTH_BTC)), "perpetual_id": 0, "delta_quantums": -TENTH_BTC}
    short_5499 = {**account(5_499 * DOLLAR, (0, -TENTH_BTC)), "perpetual_id": 0, "delta_quantums": TENTH_BTC}
    for name, base, ba, smmr, expected, text in [
        (
            "go-long-below-mmr",
            long_4501,
            1_000_000,
            100_000,
            [49_999, 100],
            "one long position that is slightly below maintenance margin requirements",
        ),
        (
            "go-long-ba-2",
            long_4501,
            2_000_000,
            100_000,
            [24_999, 50],
            "one long position when bankruptcyAdjustmentPpm is 2_000_000",
        ),
        (
            "go-long-smmr-200000",
            long_4501,
            1_000_000,
            200_000,
            [24_999, 50],
            "one long position when spreadToMaintenanceMarginRatioPpm is 200_000",
        ),
        (
            "go-short-below-mmr",
            short_5499,
            1_000_000,
            100_000,
            [50_001, 100],
            "one short position that is slightly below maintenance margin requirements",
        ),
        (
            "go-short-ba-2",
            short_5499,
            2_000_000,
            100_000,
            [25_001, 50],
            "one short position when bankruptcyAdjustmentPpm is 2_000_000",
        ),
        (
            "go-short-smmr-200000",
            short_5499,
            1_000_000,
            200_000,
            [25_001, 50],
            "one short position when SpreadToMaintenanceMarginRatioPpm is 200_000",
        ),
        (
            "go-ba-max-uint32",
            long_4501,
            UINT32_MAX,
            100_000,
            [495, 1],
            "when bankruptcyAdjustmentPpm is max uint32 (ABR clamped at 1)",
        ),
        (
            "go-smmr-1",
            long_4501,
            1_000_000,
            1,
            [4_999_999_999, 10_000_000],
            "when SpreadTomaintenanceMarginRatioPpm is 1",
        ),
        (
            "go-smmr-one-million",
            long_4501,
            1_000_000,
            1_000_000,
            [4_999, 10],
            "when SpreadTomaintenanceMarginRatioPpm is one million",
        ),
    ]:
        fc.add(
            name,
            f"{go}: '{text}'",
            (),
            expected,
            **base,
            bankruptcy_adjustment_ppm=ba,
            spread_to_maintenance_margin_ratio_ppm=smmr,
        )
    for name, usdc, pairs, perps, pid, delta, expected, text in [
        (
            "go-long-at-bankruptcy",
            -5_000,
            ((0, TENTH_BTC),),
            (BTC_PERP,),
            0,
            -TENTH_BTC,
            [495, 1],
            "one long position at the bankruptcy price (495 < the bankruptcy price 500: LIQ-7's counterexample)",
        ),
        (
            "go-long-half-at-bankruptcy",
            -5_000,
            ((0, TENTH_BTC),),
            (BTC_PERP,),
            0,
            -5_000_000,
            [495, 1],
            "one long position at the bankruptcy price where we are liquidating half of the position",
        ),
        (
            "go-short-at-bankruptcy",
            5_000,
            ((0, -TENTH_BTC),),
            (BTC_PERP,),
            0,
            TENTH_BTC,
            [505, 1],
            "one short position at the bankruptcy price",
        ),
        (
            "go-long-below-bankruptcy",
            -5_500,
            ((0, TENTH_BTC),),
            (BTC_PERP,),
            0,
            -TENTH_BTC,
            [495, 1],
            "one long position below the bankruptcy price",
        ),
        (
            "go-short-below-bankruptcy",
            4_500,
            ((0, -TENTH_BTC),),
            (BTC_PERP,),
            0,
            TENTH_BTC,
            [505, 1],
            "one short position below the bankruptcy price",
        ),
        (
            "go-multiple-longs",
            -490,
            ((0, 400_000), (1, 100_000_000)),
            (BTC_PERP, ETH_PERP),
            1,
            -100_000_000,
            [372, 125],
            "multiple long positions",
        ),
    ]:
        fc.add(
            name,
            f"{go}: 'Can calculate fillable price for a subaccount with {text}'",
            (),
            expected,
            **account(usdc * DOLLAR, *pairs, perps=perps),
            perpetual_id=pid,
            delta_quantums=delta,
            **FILLABLE,
        )
    for name, delta, pairs, text in [
        ("go-zero-delta", 0, ((0, ONE_BTC),), "Returns error when deltaQuantums is zero"),
        (
            "go-no-position",
            -TENTH_BTC,
            (),
            "Returns error when subaccount does not have an open position for perpetual id",
        ),
        (
            "go-same-sign",
            TENTH_BTC,
            ((0, ONE_BTC),),
            "Returns error when delta quantums and perpetual position have the same sign",
        ),
        (
            "go-too-large",
            -100_000_001,
            ((0, ONE_BTC),),
            "Returns error when abs delta quantums is greater than position size",
        ),
    ]:
        fc.add(
            name,
            f"{go}: '{text}'",
            ("LIQ-5",),
            "!INVALID_PERPETUAL_POSITION_SIZE_DELTA",
            **account(-4_501 * DOLLAR, *pairs),
            perpetual_id=0,
            delta_quantums=delta,
            **FILLABLE,
        )
    fc.add(
        "not-liquidatable",
        "TNC >= TMMR: ABR 0, the oracle price 500",
        (),
        [500, 1],
        **account(0, (0, TENTH_BTC)),
        perpetual_id=0,
        delta_quantums=-TENTH_BTC,
        **FILLABLE,
    )
    fc.add(
        "ba-zero",
        "BA = 0: ABR 0, the oracle price even at negative TNC",
        (),
        [500, 1],
        **account(-6_000 * DOLLAR, (0, TENTH_BTC)),
        perpetual_id=0,
        delta_quantums=-TENTH_BTC,
        bankruptcy_adjustment_ppm=0,
        spread_to_maintenance_margin_ratio_ppm=100_000,
    )
    fc.add(
        "smmr-zero",
        "SMMR = 0: no spread",
        (),
        [500, 1],
        **long_4501,
        bankruptcy_adjustment_ppm=1_000_000,
        spread_to_maintenance_margin_ratio_ppm=0,
    )
    fc.add(
        "smmr-max-negative-price",
        "SMMR = 2^32 - 1 at ABR 1: the spread (4294.97 * $500) exceeds the value: NEGATIVE_FILLABLE_PRICE (a panic in v4)",
        (),
        "!NEGATIVE_FILLABLE_PRICE",
        **account(-5_000 * DOLLAR, (0, TENTH_BTC)),
        perpetual_id=0,
        delta_quantums=-TENTH_BTC,
        bankruptcy_adjustment_ppm=1_000_000,
        spread_to_maintenance_margin_ratio_ppm=UINT32_MAX,
    )
    fc.add(
        "smmr-exactly-zero-price",
        "SMMR = 1e6 at ABR 1 for a 100%-margin tier: the spread equals the value, price 0",
        (),
        [0, 1],
        **account(
            -5_000 * DOLLAR,
            (0, TENTH_BTC),
            perps=({**BTC_PERP, "initial_margin_ppm": 1_000_000, "maintenance_fraction_ppm": 1_000_000},),
        ),
        perpetual_id=0,
        delta_quantums=-TENTH_BTC,
        bankruptcy_adjustment_ppm=1_000_000,
        spread_to_maintenance_margin_ratio_ppm=1_000_000,
    )
    zero_mmr = {**BTC_PERP, "initial_margin_ppm": 0}
    fc.add(
        "zero-tmmr",
        "TMMR 0: ZERO_TOTAL_MAINTENANCE_MARGIN (a division-by-zero panic in v4)",
        (),
        "!ZERO_TOTAL_MAINTENANCE_MARGIN",
        **account(-DOLLAR, (0, TENTH_BTC), perps=(zero_mmr,)),
        perpetual_id=0,
        delta_quantums=-TENTH_BTC,
        **FILLABLE,
    )
    _malformed_state_cases(fc, {"delta_quantums": -TENTH_BTC, **FILLABLE})
    add_generic_cases(fc, {**long_4501, **FILLABLE})

    def draw(r: random.Random) -> dict[str, Any]:
        state, _, position = _random_account(r)
        return {
            **state,
            "delta_quantums": encode_int(_random_delta(r, position)),
            "bankruptcy_adjustment_ppm": r.choice([1_000_000, 2_000_000, r.randrange(0, UINT32_MAX + 1)]),
            "spread_to_maintenance_margin_ratio_ppm": r.choice([100_000, 1, r.randrange(0, 2_000_000)]),
        }

    add_random_cases(fc, draw, ("LIQ-5",))


def subticks_cases(fc: FunctionCases) -> None:
    go = f"{GO_LIQ} TestConvertFillablePriceToSubticks"

    def inputs(num: int, den: int, long: bool, spt: int, qce: int) -> dict[str, Any]:
        return {
            "fillable_price": [num, den],
            "is_liquidating_long": long,
            "subticks_per_tick": spt,
            "quantum_conversion_exponent": qce,
        }

    fc.add(
        "go-btc-long",
        f"{go}: 'Converts fillable price to subticks for liquidating a BTC long position'",
        (),
        500_000_000_000_000_000,
        **inputs(5_000_000_000, 1, True, 5, -8),
    )
    fc.add(
        "go-btc-short",
        f"{go}: 'Converts fillable price to subticks for liquidating a BTC short position'",
        (),
        500_000_000_000_000_000,
        **inputs(5_000_000_000, 1, False, 5, -8),
    )
    fc.add(
        "go-long-rounds-up",
        f"{go}: '... liquidating a long position and rounds up': 0.7 -> 1 -> 100",
        ("ROUND-4",),
        100,
        **inputs(7, 1, True, 100, 1),
    )
    fc.add(
        "go-197",
        f"{go}: '... liquidating a short position and rounds down' (the Go case liquidates a long): 19.7 -> 20 -> 100",
        ("ROUND-4",),
        100,
        **inputs(197, 1, True, 100, 1),
    )
    fc.add(
        "go-lower-bounded",
        f"{go}: '... the result is lower bounded at SubticksPerTick'",
        (),
        100,
        **inputs(7, 1, True, 100, 1),
    )
    fc.add(
        "go-zero-price",
        f"{go}: 'Converts zero fillable price to subticks ... lower bounded at SubticksPerTick'",
        (),
        100,
        **inputs(0, 1, True, 100, 1),
    )
    fc.add(
        "go-upper-bounded",
        f"{go}: '... upper bounded at the max Uint64 that is most aligned with SubticksPerTick'",
        (),
        18_446_744_073_709_551_600,
        **inputs(10**22, 1, True, 100, 1),
    )
    fc.add(
        "go-negative-price",
        f"{GO_LIQ} TestConvertFillablePriceToSubticks_PanicsOnNegativeFillablePrice: NEGATIVE_FILLABLE_PRICE",
        (),
        "!NEGATIVE_FILLABLE_PRICE",
        **inputs(-1, 1, False, 5, -8),
    )
    fc.add(
        "long-up-to-subtick-and-tick",
        "250.1 subticks, a long: ceil to 251, then up to 260",
        ("ROUND-4",),
        260,
        **inputs(2_501, 10, True, 10, 0),
    )
    fc.add(
        "short-down-to-subtick-and-tick",
        "250.1 subticks, a short: floor to 250, a multiple already",
        ("ROUND-3",),
        250,
        **inputs(2_501, 10, False, 10, 0),
    )
    fc.add(
        "short-down-to-tick",
        "259.9 subticks, a short: floor to 259, then down to 250",
        ("ROUND-3",),
        250,
        **inputs(2_599, 10, False, 10, 0),
    )
    fc.add("long-exact", "260 subticks exactly, a long: no rounding", (), 260, **inputs(260, 1, True, 10, 0))
    fc.add(
        "short-below-one-tick",
        "5 subticks, a short: floor to 0 ticks, clamped up to one tick",
        (),
        10,
        **inputs(5, 1, False, 10, 0),
    )
    fc.add(
        "long-one-third",
        "1/3 at qce -8: 33333333.33 -> 33333334 -> 33333340 at tick 10",
        ("ROUND-4",),
        33_333_340,
        **inputs(1, 3, True, 10, -8),
    )
    fc.add(
        "short-one-third",
        "1/3 at qce -8: 33333333.33 -> 33333333 -> 33333330",
        ("ROUND-3",),
        33_333_330,
        **inputs(1, 3, False, 10, -8),
    )
    fc.add(
        "positive-qce",
        "1000 at qce 2: 10 subticks; at qce 3: 1 -> clamped to tick 5",
        (),
        10,
        **inputs(1_000, 1, True, 5, 2),
    )
    fc.add(
        "positive-qce-rounds", "999 at qce 3: 0.999, a long: ceil 1 -> 5", ("ROUND-4",), 5, **inputs(999, 1, True, 5, 3)
    )
    fc.add(
        "max-aligned-tick-1", "tick 1: the maximum is 2^64 - 1 itself", (), UINT64_MAX, **inputs(2**70, 1, False, 1, 0)
    )
    fc.add("max-exact", "2^64 - 1 subticks at tick 1: not clamped", (), UINT64_MAX, **inputs(UINT64_MAX, 1, True, 1, 0))
    fc.add(
        "one-past-max", "2^64 subticks at tick 1: clamped to 2^64 - 1", (), UINT64_MAX, **inputs(2**64, 1, True, 1, 0)
    )
    fc.add(
        "max-tick",
        "tick 2^32 - 1: the largest aligned uint64 is 2^64 - 1 itself (2^64 - 1 = (2^32 - 1)(2^32 + 1))",
        (),
        UINT64_MAX,
        **inputs(2**80, 1, True, UINT32_MAX, 0),
    )
    fc.add(
        "max-tick-7",
        "tick 7: the maximum is 2^64 - 2, since (2^64 - 1) % 7 = 1",
        (),
        UINT64_MAX - UINT64_MAX % 7,
        **inputs(2**80, 1, False, 7, 0),
    )
    fc.add(
        "long-ceil-past-max",
        "a long at 2^64 - 1 subticks, tick 7: the ceiling to a tick (2^64 + 5) is clamped to 2^64 - 2",
        (),
        UINT64_MAX - UINT64_MAX % 7,
        **inputs(UINT64_MAX, 1, True, 7, 0),
    )
    fc.add(
        "zero-tick",
        "SubticksPerTick 0: INVALID_ARGUMENT (Go panics)",
        (),
        "!INVALID_ARGUMENT",
        **inputs(7, 1, True, 0, 0),
    )
    fc.add(
        "zero-denominator",
        "a rational with denominator 0: INVALID_ARGUMENT (CAT-2)",
        ("CAT-2",),
        "!INVALID_ARGUMENT",
        **inputs(7, 0, True, 10, 0),
    )
    fc.add(
        "unreduced-rational", "[14, 2] is 7: the same answer as [7, 1]", ("CAT-2",), 10, **inputs(14, 2, True, 10, 0)
    )
    fc.add("negative-denominator", "[-7, -1] is 7", ("CAT-2",), 10, **inputs(-7, -1, True, 10, 0))
    fc.add(
        "power-over-limit",
        "qce -4097 with a non-zero price: LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        **inputs(1, 1, True, 10, -4097),
    )
    fc.add(
        "power-over-limit-zero-price",
        "qce -4097 with a zero price needs no power: one tick",
        ("CAT-4",),
        10,
        **inputs(0, 1, True, 10, -4097),
    )
    fc.add(
        "rational-as-number",
        "a fillable price given as a number: INVALID_TYPE",
        ("CAT-2",),
        "!INVALID_TYPE",
        **{**inputs(7, 1, True, 10, 0), "fillable_price": Raw(7)},
    )
    fc.add(
        "rational-three-items",
        "a rational of three items: INVALID_TYPE",
        ("CAT-2",),
        "!INVALID_TYPE",
        **{**inputs(7, 1, True, 10, 0), "fillable_price": Raw([7, 1, 1])},
    )
    add_generic_cases(fc, inputs(49_999, 100, True, 5, -8))

    def draw(r: random.Random) -> dict[str, Any]:
        return {
            "fillable_price": [
                encode_int(random_magnitude(r, 25)),
                encode_int(r.randrange(1, 10 ** r.randrange(1, 20))),
            ],
            "is_liquidating_long": r.random() < 0.5,
            "subticks_per_tick": r.choice([1, 5, 10, 100, 1_000, r.randrange(1, UINT32_MAX + 1)]),
            "quantum_conversion_exponent": r.randrange(-15, 6),
        }

    add_random_cases(fc, draw, ("ROUND-3", "ROUND-4"))


def insurance_fund_delta_cases(fc: FunctionCases) -> None:
    go = f"{GO_LIQ} TestGetLiquidationInsuranceFundDelta"
    long_5100 = account(-5_100 * DOLLAR, (0, TENTH_BTC))
    short_4900 = account(4_900 * DOLLAR, (0, -TENTH_BTC))

    def inputs(base: dict, buy: bool, fill: int, subticks: int, fee: int = 5_000) -> dict[str, Any]:
        return {
            **base,
            "perpetual_id": 0,
            "is_buy": buy,
            "fill_amount": fill,
            "subticks": subticks,
            "quantum_conversion_exponent": -8,
            "max_liquidation_fee_ppm": fee,
        }

    for name, base, buy, subticks, fee, expected, text in [
        (
            "go-long-max-fee",
            long_5100,
            False,
            56_100_000_000,
            5_000,
            28_050_000,
            "Fully closing one long position above the bankruptcy price and pays max liquidation fee",
        ),
        (
            "go-long-fee-25000",
            long_5100,
            False,
            56_100_000_000,
            25_000,
            140_250_000,
            "Fully closing one long position above the bankruptcy price pays max liquidation fee when MaxLiquidationFeePpm is 25_000",
        ),
        (
            "go-long-fee-one-million",
            long_5100,
            False,
            56_100_000_000,
            1_000_000,
            510_000_000,
            "Fully closing one long position above the bankruptcy price pays less than max liquidation fee when MaxLiquidationFeePpm is one million",
        ),
        (
            "go-short-max-fee",
            short_4900,
            True,
            44_100_000_000,
            5_000,
            22_050_000,
            "Fully closing one short position above the bankruptcy price and pays max liquidation fee",
        ),
        (
            "go-short-fee-25000",
            short_4900,
            True,
            44_100_000_000,
            25_000,
            110_250_000,
            "Fully closing one short position above the bankruptcy price and pays max liquidation fee when MaxLiquidationFeePpm is 25_000",
        ),
        (
            "go-short-fee-one-million",
            short_4900,
            True,
            44_100_000_000,
            1_000_000,
            490_000_000,
            "Fully closing one short position above the bankruptcy price and pays less than max liquidation fee when MaxLiquidationFeePpm is one million",
        ),
        (
            "go-long-below-max-fee",
            long_5100,
            False,
            51_051_000_000,
            5_000,
            5_100_000,
            "Fully closing one long position above the bankruptcy price and pays less than max liquidation fee",
        ),
        (
            "go-short-below-max-fee",
            short_4900,
            True,
            48_951_000_000,
            5_000,
            4_900_000,
            "Fully closing one short position above the bankruptcy price and pays less than max liquidation fee",
        ),
        (
            "go-long-at-bankruptcy",
            long_5100,
            False,
            51_000_000_000,
            5_000,
            0,
            "Fully closing one long position at the bankruptcy price and the delta is 0",
        ),
        (
            "go-short-at-bankruptcy",
            short_4900,
            True,
            49_000_000_000,
            5_000,
            0,
            "Fully closing one short position above the bankruptcy price and the delta is 0",
        ),
        (
            "go-long-shortfall",
            long_5100,
            False,
            50_490_000_000,
            5_000,
            -51_000_000,
            "Fully closing one long position below the bankruptcy price and the insurance fund must cover the loss",
        ),
        (
            "go-short-shortfall",
            short_4900,
            True,
            49_490_000_000,
            5_000,
            -49_000_000,
            "If fully closing one short position below the bankruptcy price the insurance fund must cover the loss",
        ),
        ("go-zero-quote", short_4900, True, 1, 5_000, 0, "Succeeds when delta quote quantums is zero"),
    ]:
        fc.add(name, f"{go}: '{text}'", (), expected, **inputs(base, buy, TENTH_BTC, subticks, fee))
    fc.add(
        "go-zero-fill",
        f"{go}: 'Returns error when delta quantums is zero'",
        (),
        "!INVALID_QUANTUMS_FOR_INSURANCE_FUND_DELTA_CALCULATION",
        **inputs(short_4900, True, 0, 50_000_000_000),
    )
    fc.add(
        "fee-floor",
        "a fill of 0.1 BTC for 5,100,000,019 quote: delta 19, cap floor(5100000019 * 1 / 1e6) = 5100 -> 19",
        ("ROUND-6",),
        19,
        **inputs(long_5100, False, TENTH_BTC, 51_000_000_190, 1),
    )
    fc.add(
        "fee-cap-floors",
        "fee 1 ppm of 5.61e9: floor(5610) = 5610 caps a delta of 5.1e8",
        ("ROUND-6",),
        5_610,
        **inputs(long_5100, False, TENTH_BTC, 56_100_000_000, 1),
    )
    fc.add(
        "fill-quote-floors",
        "5 base quantums at 3 subticks, qce -1: floor(1.5) = 1 quote; the bankruptcy of 5 quantums = 2500 - floor(-100e6*250/5e8) = 2550: delta 1 - 2550",
        ("ROUND-3",),
        -2_549,
        **inputs(long_5100, False, 5, 3, 5_000) | {"quantum_conversion_exponent": -1},
    )
    fc.add(
        "partial-fill",
        "half of the long at 5.61e4 per BTC: delta = 2.805e9 - 2.55e9 = 2.55e8, cap 14.025e6",
        (),
        14_025_000,
        **inputs(long_5100, False, 5_000_000, 56_100_000_000),
    )
    fc.add(
        "buy-closing-long",
        "a buy against a long is an invalid delta: INVALID_PERPETUAL_POSITION_SIZE_DELTA",
        ("LIQ-5",),
        "!INVALID_PERPETUAL_POSITION_SIZE_DELTA",
        **inputs(long_5100, True, TENTH_BTC, 56_100_000_000),
    )
    fc.add(
        "fill-larger-than-position",
        "a fill one quantum larger than the position: INVALID_PERPETUAL_POSITION_SIZE_DELTA",
        ("LIQ-5",),
        "!INVALID_PERPETUAL_POSITION_SIZE_DELTA",
        **inputs(long_5100, False, TENTH_BTC + 1, 56_100_000_000),
    )
    fc.add(
        "max-fee-uint32",
        "a uint32 fee above 100% is taken as given: the cap is then above the delta",
        (),
        510_000_000,
        **inputs(long_5100, False, TENTH_BTC, 56_100_000_000, UINT32_MAX),
    )
    fc.add(
        "power-over-limit",
        "qce 4097 with a non-zero fill: LIMIT_EXCEEDED (CAT-4)",
        ("CAT-4",),
        "!LIMIT_EXCEEDED",
        **inputs(long_5100, False, TENTH_BTC, 1) | {"quantum_conversion_exponent": 4097},
    )
    _malformed_state_cases(
        fc,
        {
            "is_buy": False,
            "fill_amount": TENTH_BTC,
            "subticks": 56_100_000_000,
            "quantum_conversion_exponent": -8,
            "max_liquidation_fee_ppm": 5_000,
        },
    )
    add_generic_cases(fc, inputs(long_5100, False, TENTH_BTC, 56_100_000_000))

    def draw(r: random.Random) -> dict[str, Any]:
        state, _, position = _random_account(r)
        delta = _random_delta(r, position)
        return {
            **state,
            "is_buy": delta > 0 if r.random() < 0.95 else delta <= 0,
            "fill_amount": encode_int(abs(delta)),
            "subticks": encode_int(random_uint64(r)),
            "quantum_conversion_exponent": r.randrange(-12, 1),
            "max_liquidation_fee_ppm": r.choice([5_000, 25_000, 1_000_000, r.randrange(0, UINT32_MAX + 1)]),
        }

    add_random_cases(fc, draw, ("LIQ-5", "LIQ-6", "ROUND-6"))
