"""
Scenarios of the collateral check at its margin boundaries (spec/margin.md, MARGIN-1..7;
spec/subaccounts.md, SUB-6, SUB-7, SUB-8): withdrawals and transfers to exactly NC = IMR,
open-interest scaling of the initial margin fraction, price moves, accounts below their
initial margin, quote exponents and the roundings of a position's risk, and two fills the
collateral check decides (MATCH-4).
"""

from __future__ import annotations

from typing import Any

from perpspec import errors
from perpspec.conformance.builders import (
    ALICE,
    AUTHORITY,
    BOB,
    BTC,
    BUY,
    CAROL,
    DAVE,
    ETH,
    IOC,
    LOW,
    MALLORY,
    OK,
    ONE_BTC,
    SELL,
    SOL,
    STEP,
    Scenario,
    deposit,
    make_genesis,
    order,
    place,
    sub,
    subaccount_entry,
    transfer,
    update_prices,
    usd,
    withdraw,
)
from perpspec.simulation import account
from perpspec.types import SubaccountId


def one_btc_pair(long_usdc: int = 1_000_000_000, short_usdc: int = 30_000_000_000, **top: Any) -> dict:
    """ALICE long 1 BTC, BOB short 1 BTC."""
    return make_genesis(
        [
            subaccount_entry(ALICE, 0, long_usdc, [(BTC, ONE_BTC)]),
            subaccount_entry(BOB, 0, short_usdc, [(BTC, -ONE_BTC)]),
        ],
        **top,
    )


def withdraw_boundary() -> Scenario:
    s = Scenario(
        "withdraw-initial-margin-boundary",
        "A withdrawal may leave net collateral exactly at the initial margin requirement, not one quantum below; for a long and for a short.",
        ["SUB-12", "SUB-13", "SUB-7", "SUB-8", "MARGIN-2", "MARGIN-4", "MARGIN-5", "MARGIN-6", "UNITS-4"],
        ["SOLV-1", "ATOM-1", "CONS-1"],
        one_btc_pair(),
    )
    # ALICE: NC = 1_000_000_000 + 28_688_195_240 = 29_688_195_240; IMR 573_763_905
    # max withdrawal = 29_688_195_240 - 573_763_905 = 29_114_431_335
    risk = s.risk(ALICE)
    long_max = risk.nc - risk.imr
    assert long_max == 29_114_431_335
    s.step(
        "one quantum past the boundary: NEWLY_UNDERCOLLATERALIZED",
        withdraw(ALICE, sub(ALICE), long_max + 1),
        errors.NewlyUndercollateralized.code,
    )
    s.step(
        "exactly to the boundary NC = IMR: accepted, the balance goes negative",
        withdraw(ALICE, sub(ALICE), long_max),
        OK,
        ["SUB-2"],
    )
    s.step(
        "then one more quantum: NEWLY_UNDERCOLLATERALIZED",
        withdraw(ALICE, sub(ALICE), 1),
        errors.NewlyUndercollateralized.code,
    )
    s.step(
        "a transfer of one quantum is checked the same way",
        transfer(ALICE, sub(ALICE), sub(ALICE, 1), 1),
        errors.NewlyUndercollateralized.code,
        show=[sub(ALICE), sub(ALICE, 1)],
    )
    # BOB: NC = 30_000_000_000 - 28_688_195_240 = 1_311_804_760; max = 1_311_804_760 - 573_763_905 = 738_040_855
    risk = s.risk(BOB)
    short_max = risk.nc - risk.imr
    assert short_max == 738_040_855
    s.step(
        "the short: one quantum past its boundary",
        withdraw(BOB, sub(BOB), short_max + 1),
        errors.NewlyUndercollateralized.code,
    )
    s.step("the short: a transfer exactly to its boundary", transfer(BOB, sub(BOB), sub(CAROL), short_max), OK)
    s.step(
        "the short at NC = IMR cannot send one more",
        transfer(BOB, sub(BOB), sub(CAROL), 1),
        errors.NewlyUndercollateralized.code,
    )
    s.step("a deposit is always allowed", deposit(BOB, sub(BOB), 1), OK)
    s.step("which frees exactly one quantum", withdraw(BOB, sub(BOB), 1), OK)
    return s


def withdraw_boundary_scaled() -> Scenario:
    # SOL-USD is Small-Cap: imf 10%, mf 50%, OI caps 20e12 and 50e12 quote quantums.
    # 1.5e13 base quantums (1.5M SOL) at $23.50695125 are 35_260_426_875_000 quote quantums of open interest,
    # between the caps: adjusted imf = 100_000 + floor(900_000 * 15_260_426_875_000 / 30e12) = 557_812.
    size = 15 * 10**12
    s = Scenario(
        "withdraw-boundary-open-interest-scaled",
        "On a market whose open interest lies between its caps, the initial margin fraction is scaled up (MARGIN-1) and the withdrawal boundary follows it; maintenance margin is not scaled.",
        ["MARGIN-1", "MARGIN-2", "MARGIN-3", "SUB-6", "SUB-7", "SUB-12", "SUB-13"],
        ["SOLV-1", "RISK-1"],
        make_genesis(
            [subaccount_entry(ALICE, 0, 0, [(SOL, size)]), subaccount_entry(BOB, 0, 60_000_000_000_000, [(SOL, -size)])]
        ),
    )
    risk = s.risk(ALICE)
    notional = 35_260_426_875_000
    assert risk.nc == notional
    assert risk.imr == -(-notional * 557_812 // 10**6)  # ceil
    boundary = risk.nc - risk.imr
    s.step(
        "one quantum past the scaled boundary",
        withdraw(ALICE, sub(ALICE), boundary + 1),
        errors.NewlyUndercollateralized.code,
    )
    s.step("exactly at the scaled boundary", withdraw(ALICE, sub(ALICE), boundary), OK)
    risk = s.risk(BOB)
    s.step(
        "the short's transfer one past its scaled boundary",
        transfer(BOB, sub(BOB), sub(CAROL), risk.nc - risk.imr + 1),
        errors.NewlyUndercollateralized.code,
    )
    s.step("the short's transfer exactly to it", transfer(BOB, sub(BOB), sub(CAROL), risk.nc - risk.imr), OK)
    return s


def price_moves_margin() -> Scenario:
    s = Scenario(
        "price-moves-margin",
        "A lower oracle price leaves a long at the initial-margin boundary under-collateralized: it may deposit and receive, not withdraw; a higher price frees collateral again.",
        ["PRICE-6", "SUB-7", "SUB-8", "MARGIN-4", "MARGIN-6", "MARGIN-7"],
        ["SOLV-1", "ATOM-1"],
        one_btc_pair(),
    )
    risk = s.risk(ALICE)
    s.step("ALICE withdraws to NC = IMR", withdraw(ALICE, sub(ALICE), risk.nc - risk.imr), OK)
    t = s.time
    s.step(
        "BTC falls 0.3% to 28,600",
        update_prices(AUTHORITY, [(BTC, [("a", 2_860_000_000, t), ("b", 2_860_000_000, t), ("c", 2_860_000_000, t)])]),
        OK,
    )
    risk = s.risk(ALICE)
    assert risk.mmr <= risk.nc < risk.imr
    s.step(
        "below IMR: withdrawing one quantum is STILL_UNDERCOLLATERALIZED",
        withdraw(ALICE, sub(ALICE), 1),
        errors.StillUndercollateralized.code,
    )
    s.step(
        "sending one quantum likewise",
        transfer(ALICE, sub(ALICE), sub(BOB), 1),
        errors.StillUndercollateralized.code,
        show=[sub(ALICE), sub(BOB)],
    )
    s.step("a deposit is allowed: MMR unchanged, NC up", deposit(ALICE, sub(ALICE), 1), OK)
    s.step("receiving a transfer is allowed", transfer(BOB, sub(BOB), sub(ALICE), 1_000_000), OK)
    s.step(
        "BTC recovers to 29,000",
        update_prices(AUTHORITY, [(BTC, [("a", 2_900_000_000, t), ("b", 2_900_000_000, t), ("c", 2_900_000_000, t)])]),
        OK,
    )
    risk = s.risk(ALICE)
    s.step(
        "the freed collateral can be withdrawn to the new boundary", withdraw(ALICE, sub(ALICE), risk.nc - risk.imr), OK
    )
    s.step("but not one more", withdraw(ALICE, sub(ALICE), 1), errors.NewlyUndercollateralized.code)
    return s


def still_undercollateralized() -> Scenario:
    # ALICE: long 1 BTC and -28_300 USDC: NC = 28_688_195_240 - 28_300_000_000 = 388_195_240,
    #   between MMR 344_258_343 and IMR 573_763_905.
    # CAROL: -100 quantums and no position: NC -100 < IMR 0, MMR 0.
    # DAVE: long 1 BTC and -28_400 USDC: NC 288_195_240 < MMR (liquidatable).
    s = Scenario(
        "still-undercollateralized",
        "An account below its initial margin may deposit and receive transfers, never withdraw or send; with no positions it may only raise its net collateral.",
        ["SUB-8", "SUB-7", "SUB-3", "MARGIN-6", "MARGIN-7", "SUB-2"],
        ["SOLV-1", "ATOM-1", "CONS-1"],
        make_genesis(
            [
                subaccount_entry(ALICE, 0, -28_300_000_000, [(BTC, ONE_BTC)]),
                subaccount_entry(BOB, 0, 100_000_000_000, [(BTC, -2 * ONE_BTC)]),
                subaccount_entry(CAROL, 0, -100),
                subaccount_entry(DAVE, 0, -28_400_000_000, [(BTC, ONE_BTC)]),
            ]
        ),
    )
    risk = s.risk(ALICE)
    assert risk.mmr <= risk.nc < risk.imr
    s.step("ALICE deposits one quantum: allowed though still under IMR", deposit(ALICE, sub(ALICE), 1), OK)
    s.step(
        "ALICE withdraws one quantum: STILL_UNDERCOLLATERALIZED",
        withdraw(ALICE, sub(ALICE), 1),
        errors.StillUndercollateralized.code,
    )
    s.step(
        "ALICE sends one quantum: STILL_UNDERCOLLATERALIZED, BOB not credited",
        transfer(ALICE, sub(ALICE), sub(BOB), 1),
        errors.StillUndercollateralized.code,
        show=[sub(ALICE), sub(BOB)],
    )
    s.step("BOB sends ALICE 100 USDC: allowed", transfer(BOB, sub(BOB), sub(ALICE), 100_000_000), OK)
    s.step("DAVE, below maintenance margin, may deposit", deposit(DAVE, sub(DAVE), 5), OK)
    s.step("DAVE may not withdraw", withdraw(DAVE, sub(DAVE), 1), errors.StillUndercollateralized.code)
    s.step("CAROL (no positions, -100) deposits 40: NC rises, both MMRs 0: allowed", deposit(CAROL, sub(CAROL), 40), OK)
    s.step(
        "CAROL withdraws 1: NC falls: STILL_UNDERCOLLATERALIZED",
        withdraw(CAROL, sub(CAROL), 1),
        errors.StillUndercollateralized.code,
    )
    s.step(
        "CAROL receives 60 by transfer: balance 0, the subaccount is deleted",
        transfer(BOB, sub(BOB), sub(CAROL), 60),
        OK,
        ["SUB-3"],
        show=[sub(BOB), sub(CAROL)],
    )
    s.step("CAROL (now absent) cannot withdraw", withdraw(CAROL, sub(CAROL), 1), errors.NewlyUndercollateralized.code)
    return s


def margin_of_one_quantum() -> Scenario:
    # ERIN long one ETH base quantum: notional trunc(1 * 1_811_985_252 * 10^-9) = 1; IMR ceil(1 * 2%) = 1,
    # MMR ceil(1 * 60%) = 1. With -5 USDC her NC is -4 < IMR 1: under-collateralized with an MMR of exactly 1.
    erin, frank = account("erin"), account("frank")
    s = Scenario(
        "margin-of-one-quantum",
        "An account whose maintenance margin is exactly one quantum, below its initial margin: it may deposit (NC rises, MMR unchanged), not withdraw.",
        ["SUB-8", "SUB-7", "MARGIN-2", "MARGIN-3", "MARGIN-4", "MARGIN-7"],
        ["SOLV-1", "ATOM-1"],
        make_genesis([subaccount_entry(erin, 0, -5, [(ETH, 1)]), subaccount_entry(frank, 0, 1_000_000, [(ETH, -1)])]),
    )
    risk = s.risk(erin)
    assert (risk.nc, risk.imr, risk.mmr) == (-4, 1, 1)
    s.step("ERIN deposits one quantum: NC -3, still under IMR, allowed", deposit(erin, sub(erin), 1), OK)
    s.step(
        "ERIN withdraws one quantum: STILL_UNDERCOLLATERALIZED",
        withdraw(erin, sub(erin), 1),
        errors.StillUndercollateralized.code,
    )
    s.step("FRANK sends ERIN 10: she reaches NC 7 >= IMR 1", transfer(frank, sub(frank), sub(erin), 10), OK)
    return s


def quote_exponent_markets(genesis: dict) -> dict:
    """
    Add two liquidity tiers, four markets and four perpetuals whose quote exponent
    e = price exponent + atomic resolution + 6 (UNITS-4) is 2, -1, 0 and 1: positions
    worth a whole multiple of a quote quantum (e >= 0) beside the default perpetuals'
    truncating ones (e < 0), with open interest between and above the caps (MARGIN-1).
    """
    genesis["perpetuals"]["liquidityTiers"] += [
        {
            "id": 8,
            "name": "Narrow",
            "initialMarginPpm": 100_000,
            "maintenanceFractionPpm": 500_000,
            "impactNotional": "1000000",
            "openInterestLowerCap": "100000007",
            "openInterestUpperCap": "500000000",
        },
        {
            "id": 9,
            "name": "Tiny",
            "initialMarginPpm": 50_000,
            "maintenanceFractionPpm": 500_000,
            "impactNotional": "1000000",
            "openInterestLowerCap": "1000",
            "openInterestUpperCap": "20000",
        },
    ]
    cross = "PERPETUAL_MARKET_TYPE_CROSS"
    # (perpetual and market id, price exponent, price, atomic resolution, liquidity tier)
    for pid, exponent, price, resolution, tier in (
        (8, 2, 3, -6, 8),
        (9, 0, 1, -7, 3),
        (10, 0, 77, -6, 9),
        (11, 1, 7, -6, 8),
    ):
        genesis["prices"]["marketParams"].append(
            {
                "id": pid,
                "pair": f"E{pid}-USD",
                "exponent": exponent,
                "minExchanges": 1,
                "minPriceChangePpm": 1_000,
                "maxSourceAgeSeconds": 30,
            }
        )
        genesis["prices"]["marketPrices"].append({"id": pid, "exponent": exponent, "price": str(price)})
        genesis["perpetuals"]["perpetuals"].append(
            {
                "params": {
                    "id": pid,
                    "ticker": f"E{pid}-USD",
                    "marketId": pid,
                    "atomicResolution": resolution,
                    "defaultFundingPpm": 0,
                    "liquidityTier": tier,
                    "marketType": cross,
                },
                "fundingIndex": "0",
            }
        )
    return genesis


def quote_exponent_boundaries() -> Scenario:
    # Perpetual 8: e = 2 + (-6) + 6 = 2, so 1_000_002 base quantums at price 3 are 300_000_600 quote quantums,
    #   exactly (no truncation); open interest the same, between the Narrow caps 100_000_007 and 500_000_000:
    #   adjusted imf = 100_000 + floor(900_000 * 200_000_593 / 399_999_993) = 550_001,
    #   IMR = ceil(300_000_600 * 0.550001) = ceil(165_000_630.000600) = 165_000_631.
    # Perpetual 11: e = 1: 5_000_001 * 7 * 10 = 350_000_070; adjusted imf 662_500,
    #   IMR = ceil(231_875_046.375) = 231_875_047.  The two IMRs' fractions sum to 0.3756 < 1, so the
    #   sum of the ceilings is one quantum above the ceiling of the sum: each position rounds up on its own.
    # Perpetual 9: e = 0 + (-7) + 6 = -1: 15 quantums at price 1 are 1.5 -> 1 quote quantum (truncated);
    #   Safety tier (imf 100%): IMR 1.
    # Perpetual 10: e = 0: 300 * 77 = 23_100, open interest above the Tiny tier's upper cap 20_000: imf 100%, IMR 23_100.
    erin = account("erin")
    genesis = quote_exponent_markets(
        make_genesis(
            [
                subaccount_entry(ALICE, 0, 0, [(8, 1_000_002), (11, 5_000_001)]),
                subaccount_entry(BOB, 0, 10**12, [(8, -1_000_002), (11, -5_000_001)]),
                subaccount_entry(CAROL, 0, 5, [(9, 15)]),
                subaccount_entry(DAVE, 0, 10**12, [(9, -15), (10, -300)]),
                subaccount_entry(erin, 0, 10, [(10, 300)]),
            ]
        )
    )
    s = Scenario(
        "quote-exponent-margin-boundaries",
        "Withdrawal boundaries on perpetuals whose quote exponent is positive, zero and -1 (values exact or truncated), with open interest between the caps (scaled imf, each position's IMR rounded up on its own) and above the upper cap (imf 100%).",
        ["UNITS-4", "MARGIN-1", "MARGIN-2", "MARGIN-4", "MARGIN-5", "MARGIN-6", "SUB-6", "SUB-7", "SUB-12", "SUB-13"],
        ["SOLV-1", "ATOM-1"],
        genesis,
    )
    risk = s.risk(ALICE)
    assert (risk.nc, risk.imr) == (300_000_600 + 350_000_070, 165_000_631 + 231_875_047)
    boundary = risk.nc - risk.imr
    s.step(
        "ALICE (long on e = 2 and e = 1, open interest between the caps) withdraws one past her boundary",
        withdraw(ALICE, sub(ALICE), boundary + 1),
        errors.NewlyUndercollateralized.code,
    )
    s.step("exactly to it: NC = IMR, the sum of the two rounded-up IMRs", withdraw(ALICE, sub(ALICE), boundary), OK)
    s.step(
        "one quantum more, though NC would still cover the unrounded sum",
        withdraw(ALICE, sub(ALICE), 1),
        errors.NewlyUndercollateralized.code,
    )
    risk = s.risk(BOB)
    s.step(
        "BOB, short the same, sends one past his boundary",
        transfer(BOB, sub(BOB), sub(CAROL, 1), risk.nc - risk.imr + 1),
        errors.NewlyUndercollateralized.code,
        show=[sub(BOB), sub(CAROL, 1)],
    )
    s.step(
        "exactly to it", transfer(BOB, sub(BOB), sub(CAROL, 1), risk.nc - risk.imr), OK, show=[sub(BOB), sub(CAROL, 1)]
    )
    risk = s.risk(CAROL)
    assert (risk.nc, risk.imr) == (5 + 1, 1)
    s.step(
        "CAROL (15 quantums at e = -1, worth 1.5 -> 1) withdraws 6: NEWLY_UNDERCOLLATERALIZED",
        withdraw(CAROL, sub(CAROL), 6),
        errors.NewlyUndercollateralized.code,
    )
    s.step("5 leaves NC 1 = IMR 1: accepted", withdraw(CAROL, sub(CAROL), 5), OK)
    risk = s.risk(erin)
    assert (risk.nc, risk.imr) == (10 + 23_100, 23_100)
    s.step(
        "ERIN (open interest above the upper cap: imf 100%) withdraws 11",
        withdraw(erin, sub(erin), 11),
        errors.NewlyUndercollateralized.code,
    )
    s.step("10 leaves NC = IMR: accepted", withdraw(erin, sub(erin), 10), OK)
    return s


def position_risk_roundings() -> Scenario:
    """
    Roundings of one position's risk that decide a withdrawal (MARGIN-1, UNITS-4, ROUND-5):
    open interest whose notional is not a whole number of quote quantums, truncated before it
    scales the initial margin fraction; a perpetual of atomic resolution -5, outside the range
    of the default markets; a short of one base quantum at a price of one, worth less than a
    quote quantum.
    """
    # SOL (Small-Cap: imf 10%, caps 20e12..50e12): 8_508_192_514_615 base quantums at 2_350_695_125e-8
    # are 20_000_166_666_666.97 quote quantums, truncated to 20_000_166_666_666 for the open interest
    # (and ALICE's notional): adjusted imf 100_000 + floor(900_000 * 166_666_666 / 30e12) = 100_004;
    # the untruncated value (or its ceiling) would give 100_005, 20_000_167 quote quantums more IMR.
    sol_size = 8_508_192_514_615
    genesis = quote_exponent_markets(
        make_genesis(
            [
                subaccount_entry(ALICE, 0, 0, [(SOL, sol_size)]),
                subaccount_entry(BOB, 0, 10**14, [(SOL, -sol_size)]),
                subaccount_entry(CAROL, 0, 0, [(12, 7_000_001)]),
                subaccount_entry(DAVE, 0, 10**12, [(12, -7_000_001)]),
                subaccount_entry(CAROL, 1, 0, [(9, 1)]),
                subaccount_entry(DAVE, 1, 5, [(9, -1)]),
                subaccount_entry(MALLORY, 0, 0, [(13, 100)]),
                subaccount_entry(LOW, 0, 10**9, [(13, -100)]),
            ]
        )
    )
    # Perpetual 13 on market 12, in a tier whose open-interest caps are equal: 100 base quantums
    # are 123_457 quote quantums of open interest, exactly at both caps.  At the lower cap the
    # tier's own imf applies (2%: IMR ceil(2_469.14) = 2_470), not the 100% above the upper cap.
    genesis["perpetuals"]["liquidityTiers"].append(
        {
            "id": 10,
            "name": "Pinned",
            "initialMarginPpm": 20_000,
            "maintenanceFractionPpm": 500_000,
            "impactNotional": "1000000",
            "openInterestLowerCap": "123457",
            "openInterestUpperCap": "123457",
        }
    )
    genesis["perpetuals"]["perpetuals"].append(
        {
            "params": {
                "id": 13,
                "ticker": "P13-USD",
                "marketId": 12,
                "atomicResolution": -5,
                "defaultFundingPpm": 0,
                "liquidityTier": 10,
                "marketType": "PERPETUAL_MARKET_TYPE_CROSS",
            },
            "fundingIndex": "0",
        }
    )
    # Perpetual 12: atomic resolution -5, price 123_457e-3 (exponent -3), Large-Cap (imf 2%, no caps):
    # quote exponent -3 + (-5) + 6 = -2, so 7_000_001 base quantums are trunc(7_000_001 * 123_457 / 100)
    # = 8_641_991_234 quote quantums.
    genesis["prices"]["marketParams"].append(
        {
            "id": 12,
            "pair": "R12-USD",
            "exponent": -3,
            "minExchanges": 1,
            "minPriceChangePpm": 1_000,
            "maxSourceAgeSeconds": 30,
        }
    )
    genesis["prices"]["marketPrices"].append({"id": 12, "exponent": -3, "price": "123457"})
    genesis["perpetuals"]["perpetuals"].append(
        {
            "params": {
                "id": 12,
                "ticker": "R12-USD",
                "marketId": 12,
                "atomicResolution": -5,
                "defaultFundingPpm": 0,
                "liquidityTier": 0,
                "marketType": "PERPETUAL_MARKET_TYPE_CROSS",
            },
            "fundingIndex": "0",
        }
    )
    s = Scenario(
        "position-risk-roundings",
        "Withdrawal boundaries decided by the roundings of a position's risk: open interest worth a fraction of a quote quantum above a whole one, truncated before it scales the initial margin fraction; a perpetual of atomic resolution -5; a short of one base quantum at price one, worth nothing; open interest exactly at a tier's equal caps.",
        ["MARGIN-1", "MARGIN-2", "MARGIN-4", "MARGIN-5", "UNITS-4", "ROUND-5", "SUB-7", "SUB-8", "SUB-12"],
        ["SOLV-1", "CONS-1"],
        genesis,
    )
    risk = s.risk(ALICE)
    notional = 20_000_166_666_666
    assert risk.nc == notional and s.state.perpetuals.perpetuals[SOL].open_interest == sol_size
    assert risk.imr == -(-notional * 100_004 // 10**6)
    boundary = risk.nc - risk.imr
    s.step(
        "ALICE (long SOL, open interest just past a step of the scaled imf) withdraws one quantum past her boundary",
        withdraw(ALICE, sub(ALICE), boundary + 1),
        errors.NewlyUndercollateralized.code,
        ["MARGIN-1"],
    )
    s.step("exactly to it: accepted", withdraw(ALICE, sub(ALICE), boundary), OK, ["MARGIN-1"])
    risk = s.risk(CAROL)
    assert risk.nc == 8_641_991_234 and risk.imr == 172_839_825
    boundary = risk.nc - risk.imr
    s.step(
        "CAROL (long perpetual 12, atomic resolution -5) withdraws one quantum past her boundary",
        withdraw(CAROL, sub(CAROL), boundary + 1),
        errors.NewlyUndercollateralized.code,
        ["UNITS-4"],
    )
    s.step("exactly to it: accepted", withdraw(CAROL, sub(CAROL), boundary), OK, ["UNITS-4"])
    # Perpetual 9: price 1, exponent 0, atomic resolution -7: quote exponent -1.  A short of one base
    # quantum is -trunc(1 * 1 / 10) = 0 quote quantums of NC, IMR and MMR 0: DAVE's NC is his 5 USDC quantums.
    risk = s.risk(DAVE, 1)
    assert (risk.nc, risk.imr, risk.mmr) == (5, 0, 0)
    s.step(
        "DAVE/1 (short one base quantum at price 1) withdraws 6: his NC would be -1",
        withdraw(DAVE, sub(DAVE, 1), 6),
        errors.NewlyUndercollateralized.code,
        ["ROUND-5"],
    )
    s.step("he withdraws 5: NC 0 = IMR 0, accepted", withdraw(DAVE, sub(DAVE, 1), 5), OK, ["ROUND-5"])
    risk = s.risk(MALLORY)
    assert (risk.nc, risk.imr) == (123_457, 2_470)
    s.step(
        "MALLORY (long perpetual 13, open interest exactly at its equal caps) withdraws one quantum past her boundary",
        withdraw(MALLORY, sub(MALLORY), 123_457 - 2_470 + 1),
        errors.NewlyUndercollateralized.code,
        ["MARGIN-1"],
    )
    s.step(
        "exactly to it: accepted (at the lower cap, the tier's imf)",
        withdraw(MALLORY, sub(MALLORY), 123_457 - 2_470),
        OK,
        ["MARGIN-1"],
    )
    return s


def match_open_interest_crosses_cap() -> Scenario:
    """
    A fill whose open-interest increase carries SOL past its lower cap: the taker's initial
    margin is taken at the post-trade open interest (SUB-6, MARGIN-1), and decides the fill.
    """
    # SOL (Small-Cap: imf 10%, caps 20e12..50e12).  8.508e12 base quantums held are
    # 19_999_714_123_500 quote quantums of open interest, just under the lower cap.  A fill of
    # 1e12 base quantums (100,000 SOL) at $23.50 (2_350_000_000 subticks) between two new
    # positions raises it to 22_350_409_248_500: adjusted imf 100_000 + floor(900_000 *
    # 2_350_409_248_500 / 30e12) = 170_512, against 100_000 at the open interest before the fill.
    held, size, subticks = 8_508 * 10**9, 10**12, 2_350_000_000
    notional = size * 2_350_695_125 // 10**9
    assert notional == 2_350_695_125_000
    # ALICE's NC after the fill: her USDC - quote 2_350_000_000_000 - taker fee 500 ppm (1_175_000_000)
    # + her notional; 1e9 quote quantums above the IMR at the old open interest, far below the new one.
    usdc = 2_350_000_000_000 + 1_175_000_000 - notional + -(-notional * 100_000 // 10**6) + 10**9
    genesis = make_genesis(
        [
            subaccount_entry(ALICE, 0, usdc),
            subaccount_entry(BOB, 0, 10**13),
            subaccount_entry(CAROL, 0, 10**13, [(SOL, held)]),
            subaccount_entry(DAVE, 0, 10**14, [(SOL, -held)]),
        ]
    )
    s = Scenario(
        "match-open-interest-crosses-cap",
        "A fill that carries a market's open interest past its lower cap: the taker's initial margin is taken at the open interest after the fill, and refuses it; with more collateral the same fill goes through.",
        ["SUB-6", "SUB-7", "MARGIN-1", "MATCH-4"],
        ["SOLV-1", "CONS-1"],
        genesis,
    )
    gtb = s.height + 10
    s.step("BOB asks 100,000 SOL at $23.50", place(BOB, order(BOB, 1, SELL, size, subticks, clob=SOL, gtb=gtb)), OK)
    s.step(
        "ALICE takes it IOC: enough margin at the open interest before the fill, not after it: no fill",
        place(ALICE, order(ALICE, 1, BUY, size, subticks, clob=SOL, gtb=gtb, tif=IOC)),
        OK,
        ["SUB-6"],
    )
    assert s.state.perpetuals.perpetuals[SOL].open_interest == held
    assert (
        SubaccountId(ALICE, 0) not in s.state.subaccounts.subaccounts
        or not s.state.subaccounts.subaccounts[SubaccountId(ALICE, 0)].positions
    )
    s.step("she deposits 2e11 quote quantums", deposit(ALICE, sub(ALICE), 2 * 10**11), OK)
    s.step(
        "the same IOC now fills: open interest past the lower cap",
        place(ALICE, order(ALICE, 2, BUY, size, subticks, clob=SOL, gtb=gtb, tif=IOC)),
        OK,
        ["SUB-6"],
    )
    assert s.state.perpetuals.perpetuals[SOL].open_interest == held + size
    return s


def close_leaving_negative_collateral() -> Scenario:
    """
    A fill that closes an under-collateralized subaccount's only position but leaves its net
    collateral negative: with no maintenance margin after and some before, the under-collateralized
    rule refuses it (SUB-8), however much the NC improves.
    """
    # ALICE: USDC -3_000_000, long one step of BTC (1e6 base quantums): notional 2_868_819, NC -131_181,
    # IMR 57_377, MMR ceil(57_377 * 0.6) = 34_427.  Selling the step at $30,015 to BOB's bid: quote
    # 3_001_500, taker fee ceil(1_500.75) = 1_501, NC after -1 with no position: MMR 0 after, 34_427 before.
    genesis = make_genesis(
        [
            subaccount_entry(ALICE, 0, -3_000_000, [(BTC, STEP)]),
            subaccount_entry(BOB, 0, 10**11),
            subaccount_entry(CAROL, 0, 10**11, [(BTC, -STEP)]),
        ]
    )
    s = Scenario(
        "close-leaving-negative-collateral",
        "An under-collateralized subaccount's fill that would close its only position and leave its net collateral negative (from -131,181 to -1 quote quantums): refused, since with no maintenance margin after it and some before, no improvement of NC is enough.",
        ["SUB-8", "SUB-7", "MARGIN-5", "MATCH-4"],
        ["SOLV-1", "CONS-1"],
        genesis,
    )
    risk = s.risk(ALICE)
    assert (risk.nc, risk.imr, risk.mmr) == (-131_181, 57_377, 34_427)
    gtb = s.height + 10
    s.step("BOB bids one step of BTC at $30,015", place(BOB, order(BOB, 1, BUY, STEP, usd(30_015), gtb=gtb)), OK)
    s.step(
        "ALICE sells her step IOC into it: NC -1 and no position after: refused, no fill",
        place(ALICE, order(ALICE, 1, SELL, STEP, usd(30_015), gtb=gtb, tif=IOC)),
        OK,
        ["SUB-8"],
    )
    assert s.state.subaccounts.subaccounts[SubaccountId(ALICE, 0)].positions[BTC].quantums == STEP
    s.step("she deposits one quantum", deposit(ALICE, sub(ALICE), 1), OK)
    s.step(
        "the same IOC sell now fills: NC 0 = IMR 0 after it, initially collateralized",
        place(ALICE, order(ALICE, 2, SELL, STEP, usd(30_015), gtb=gtb, tif=IOC)),
        OK,
        ["SUB-7"],
    )
    assert (
        SubaccountId(ALICE, 0) not in s.state.subaccounts.subaccounts
    )  # USDC 0 and no position: an empty subaccount is not stored
    return s
