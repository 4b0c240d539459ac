"""
Function vectors of one deleveraging fill (spec/deleveraging.md, DEL-3; spec/liquidations.md, LIQ-6;
spec/subaccounts.md, SUB-7, SUB-8): ``process_deleveraging``, v4's ``ProcessDeleveraging`` with the
quote of ``getDeleveragingQuoteQuantumsDelta``.

The real cases are v4's ``TestProcessDeleveraging``, ``TestProcessDeleveragingAtOraclePrice`` and
``TestProcessDeleveraging_Rounding`` (x/clob/keeper/deleveraging_test.go): BTC at $50,000
(atomic resolution -8, 20% initial, 10% maintenance), ETH at $3,000; Carl and Dave are the tests'
subaccounts.  Go's expected balances are asserted here; the cases the Go tests only check for
"no error" (the rounding ones) take their expected answer from the reference.
"""

from __future__ import annotations

import random
from typing import Any

from perpspec.conformance.format import encode_int
from perpspec.conformance.functions.cases import BTC_PERP, ETH_PERP, FunctionCases, add_generic_cases, add_random_cases

ONE_BTC = 100_000_000
USD = 1_000_000
GO = "v4 x/clob/keeper/deleveraging_test.go"


def account(usdc: int, *positions: tuple[int, int]) -> dict[str, Any]:
    return {
        "usdc_balance_quote_quantums": encode_int(usdc),
        "perpetual_positions": [{"perpetual_id": pid, "quantums": encode_int(q)} for pid, q in positions],
    }


def carl_short(usdc_dollars: int) -> dict[str, Any]:
    """Carl_Num0_1BTC_Short_<usdc>USD: -1 BTC and ``usdc_dollars`` USDC."""
    return account(usdc_dollars * USD, (0, -ONE_BTC))


def dave_long(usdc_dollars: int, btc: int = ONE_BTC) -> dict[str, Any]:
    """Dave_Num0_1BTC_Long_<usdc>USD[_Short]: +1 BTC and ``usdc_dollars`` USDC (negative: the _Short ones)."""
    return account(usdc_dollars * USD, (0, btc))


EMPTY = account(0)
FAILED = "!FAILED_TO_UPDATE_SUBACCOUNTS"
INVALID_DELTA = "!INVALID_PERPETUAL_POSITION_SIZE_DELTA"


def inputs(liquidated: dict, offsetting: dict, delta: int, final: bool = False, perps: tuple = (BTC_PERP,)) -> dict:
    return {
        "perpetuals": [dict(p) for p in perps],
        "liquidated": liquidated,
        "offsetting": offsetting,
        "perpetual_id": 0,
        "delta_quantums": encode_int(delta),
        "is_final_settlement": final,
    }


def out(liquidated: dict, offsetting: dict) -> dict:
    return {"liquidated": _plain(liquidated), "offsetting": _plain(offsetting)}


def _plain(a: dict) -> dict:
    return {
        "usdc_balance_quote_quantums": int(a["usdc_balance_quote_quantums"]),
        "perpetual_positions": [
            {"perpetual_id": p["perpetual_id"], "quantums": int(p["quantums"])} for p in a["perpetual_positions"]
        ],
    }


def process_deleveraging_cases(fc: FunctionCases) -> None:
    go = f"{GO} TestProcessDeleveraging"
    # The 3 x 4 permutations: Carl short 1 BTC at TNC > 0 ($54,999), = 0 ($50,000), < 0 ($49,999);
    # Dave long 1 BTC well collateralized ($50,000), TNC > 0 (-$45,001), = 0 (-$50,000), < 0 (-$50,001).
    daves = {"well": 50_000, "tnc-positive": -45_001, "tnc-zero": -50_000, "tnc-negative": -50_001}
    expected = {
        # (carl usdc, dave kind) -> Dave's USDC after, or None for ErrFailedToUpdateSubaccounts
        (54_999, "well"): 50_000 + 54_999,
        (54_999, "tnc-positive"): -45_001 + 54_999,
        (54_999, "tnc-zero"): -50_000 + 54_999,
        (54_999, "tnc-negative"): -50_001 + 54_999,
        (50_000, "well"): 50_000 + 50_000,
        (50_000, "tnc-positive"): -45_001 + 50_000,
        (50_000, "tnc-zero"): 0,
        (50_000, "tnc-negative"): None,
        (49_999, "well"): 50_000 + 49_999,
        (49_999, "tnc-positive"): -45_001 + 49_999,
        (49_999, "tnc-zero"): None,
        (49_999, "tnc-negative"): None,
    }
    for (carl, kind), dave_after in expected.items():
        expect = FAILED if dave_after is None else out(EMPTY, account(dave_after * USD))
        fc.add(
            f"go-carl-{carl}-dave-{kind}",
            f"{go}: Carl_Num0_1BTC_Short_{carl}USD against Dave {kind} (${daves[kind]}): "
            + ("ErrFailedToUpdateSubaccounts" if dave_after is None else f"Dave ends with ${dave_after}"),
            (),
            expect,
            **inputs(carl_short(carl), dave_long(daves[kind]), ONE_BTC),
        )
    fc.add(
        "go-partial",
        f"{go}: 'can deleverage a partial position': 0.1 BTC at the bankruptcy price $5,499.9",
        (),
        out(
            account(54_999 * USD - 5_499_900_000, (0, -90_000_000)),
            account(50_000 * USD + 5_499_900_000, (0, 90_000_000)),
        ),
        **inputs(carl_short(54_999), dave_long(50_000), 10_000_000),
    )
    fc.add(
        "go-partial-negative-tnc-both",
        f"{go}: 'can not deleverage paritial positions' when both TNC < 0",
        (),
        FAILED,
        **inputs(carl_short(49_999), dave_long(-50_001), 10_000_000),
    )
    fc.add(
        "go-multiple-positions",
        f"{go}: 'can deleverage when there are multiple positions': Carl -1 BTC, -10 ETH, $80,800; bankruptcy $50,500",
        (),
        out(account(80_800 * USD - 50_500 * USD, (1, -10_000_000_000)), account(50_000 * USD + 50_500 * USD)),
        **inputs(
            account(80_800 * USD, (0, -ONE_BTC), (1, -10_000_000_000)),
            dave_long(50_000),
            ONE_BTC,
            perps=(BTC_PERP, ETH_PERP),
        ),
    )
    for name, offsetting, delta, what in [
        ("liquidated-side", dave_long(50_000), -ONE_BTC, "delta on the liquidated position's side"),
        ("liquidated-size", dave_long(50_000), 5 * ONE_BTC, "delta larger than the liquidated position"),
        (
            "offsetting-side",
            account(100_000 * USD, (0, -ONE_BTC)),
            ONE_BTC,
            "offsetting position on the same side (Carl_Num1_1BTC_Short)",
        ),
        (
            "offsetting-size",
            dave_long(50_000, 10_000_000),
            ONE_BTC,
            "delta larger than the offsetting position (Dave_Num0_01BTC_Long_50000USD)",
        ),
    ]:
        fc.add(
            f"go-invalid-{name}",
            f"{go}: 'Fails when deltaQuantums is invalid': {what}",
            (),
            INVALID_DELTA,
            **inputs(carl_short(54_999), offsetting, delta),
        )

    go = f"{GO} TestProcessDeleveragingAtOraclePrice"
    oracle_cases: list[tuple[str, dict[str, Any], dict[str, Any], int, Any]] = [
        (
            "well-well",
            carl_short(100_000),
            dave_long(50_000),
            ONE_BTC,
            out(account(50_000 * USD), account(100_000 * USD)),
        ),
        (
            "well-tnc-positive",
            dave_long(50_000),
            carl_short(54_999),
            -ONE_BTC,
            out(account(100_000 * USD), account(4_999 * USD)),
        ),
        ("well-tnc-zero", carl_short(100_000), dave_long(-50_000), ONE_BTC, out(account(50_000 * USD), EMPTY)),
        ("well-tnc-negative", carl_short(100_000), dave_long(-50_001), ONE_BTC, FAILED),
        (
            "tnc-positive-well",
            carl_short(54_999),
            dave_long(50_000),
            ONE_BTC,
            out(account(4_999 * USD), account(100_000 * USD)),
        ),
        ("tnc-zero-tnc-negative", carl_short(50_000), dave_long(-50_001), ONE_BTC, FAILED),
        ("tnc-negative-tnc-positive", carl_short(49_999), dave_long(-45_001), ONE_BTC, FAILED),
        ("tnc-negative-well", carl_short(49_999), dave_long(50_000), ONE_BTC, FAILED),
    ]
    for name, liquidated, offsetting, delta, expect in oracle_cases:
        fc.add(
            f"go-oracle-{name}",
            f"{go}: {name}: final settlement at the oracle price $50,000"
            + (
                "; a negative-TNC side fails (its MMR falls to 0 with NC still negative, SUB-8)"
                if expect == FAILED
                else ""
            ),
            ("FINAL-2",),
            expect,
            **inputs(liquidated, offsetting, delta, final=True),
        )

    go = f"{GO} TestProcessDeleveraging_Rounding"
    prime = {**BTC_PERP, "price_value": 4_999_999_937}
    for name, liquidated, offsetting, delta in [
        ("short", carl_short(54_999), dave_long(50_000), 49_999_991),
        ("long", dave_long(-45_001), carl_short(100_000), -49_999_991),
        ("short-negative-tnc", carl_short(45_001), dave_long(50_000), 49_999_991),
        ("long-negative-tnc", dave_long(-54_999), carl_short(100_000), -49_999_991),
    ]:
        fc.add(
            f"go-rounding-{name}",
            f"{go}: 'Can deleverage {name.replace('-', ' ')} correctly after rounding' (price 4_999_999_937, 0.49999991 BTC)",
            ("LIQ-6",),
            **inputs(liquidated, offsetting, delta, perps=(prime,)),
        )

    # Hand-worked edges
    fc.add(
        "zero-delta",
        "a zero delta closes nothing: INVALID_PERPETUAL_POSITION_SIZE_DELTA (LIQ-5)",
        ("LIQ-5",),
        INVALID_DELTA,
        **inputs(carl_short(54_999), dave_long(50_000), 0),
    )
    fc.add(
        "no-liquidated-position",
        "the liquidated subaccount holds no position: INVALID_PERPETUAL_POSITION_SIZE_DELTA",
        (),
        INVALID_DELTA,
        **inputs(account(1 * USD), dave_long(50_000), ONE_BTC),
    )
    fc.add(
        "unknown-perpetual-in-positions",
        "a position in a perpetual not listed: UNKNOWN_PERPETUAL",
        (),
        "!UNKNOWN_PERPETUAL",
        **inputs(account(1 * USD, (7, 1)), dave_long(50_000), ONE_BTC),
    )
    fc.add(
        "one-quantum",
        "one base quantum at the bankruptcy price: -DNNV = 500 quote quantums, minus floor(TNC * |DMMR| / TMMR)",
        (),
        **inputs(carl_short(54_999), dave_long(50_000), 1),
    )
    base = inputs(carl_short(54_999), dave_long(50_000), ONE_BTC)
    for name, field, value, what in [
        ("perpetuals-as-object", "perpetuals", BTC_PERP, "perpetuals given as one object, not a list"),
        ("liquidated-as-list", "liquidated", [], "the liquidated subaccount given as a list"),
        ("final-settlement-as-number", "is_final_settlement", 1, "is_final_settlement given as 1, not a boolean"),
    ]:
        fc.add(
            f"{name}-invalid-type",
            f"{what}: INVALID_TYPE (CAT-2)",
            ("CAT-2",),
            "!INVALID_TYPE",
            **{**base, field: value},
        )
    fc.add(
        "offsetting-missing-field",
        "the offsetting subaccount without its positions: MISSING_INPUT (CAT-5)",
        ("CAT-5",),
        "!MISSING_INPUT",
        **{**base, "offsetting": {"usdc_balance_quote_quantums": 0}},
    )
    fc.add(
        "liquidated-extra-field",
        "the liquidated subaccount with a field it does not take: UNEXPECTED_INPUT (CAT-5)",
        ("CAT-5",),
        "!UNEXPECTED_INPUT",
        **{**base, "liquidated": {**base["liquidated"], "id": 0}},
    )
    add_generic_cases(fc, base)
    add_random_cases(fc, _random_inputs)


def _random_inputs(r: random.Random) -> dict[str, Any]:
    size = r.randint(1, 10) * 10_000_000
    liquidated_usdc = r.randint(40_000, 60_000) * USD * size // ONE_BTC
    offsetting_usdc = r.randint(-55_000, 60_000) * USD * size // ONE_BTC
    short = r.random() < 0.5
    liquidated = account(liquidated_usdc if short else -liquidated_usdc, (0, -size if short else size))
    offsetting = account(-offsetting_usdc if short else offsetting_usdc, (0, size if short else -size))
    delta = r.randint(1, size)
    return inputs(liquidated, offsetting, delta if short else -delta, final=r.random() < 0.3)
