"""
Scenarios of fees (spec/clob.md, FEE-1..5): tiers by volume, maker and taker rebates, a
genesis without tiers, tier shares, and volume at epoch zero.
"""

from __future__ import annotations

from perpspec.codec import encode_state
from perpspec.conformance.builders import (
    ALICE,
    BOB,
    BUY,
    CAROL,
    CENTI_BTC,
    DAVE,
    DAY,
    IOC,
    LONG_TERM,
    MALLORY,
    OK,
    ONE_BTC,
    RICH,
    SELL,
    STEP,
    Scenario,
    fills,
    funded,
    make_genesis,
    order,
    place,
    subaccount_entry,
    subs,
    usd,
    usdc,
)
from perpspec.default_genesis import GENESIS_TIME


def fee_tiers_by_volume() -> Scenario:
    # ALICE and BOB hold $1,000,000 each.  Tier 2 of the standard tiers needs $1,000,000 of 30-day notional.
    million = 1_000_000_000_000
    s = Scenario(
        "fee-tiers-by-volume",
        "Fees on the standard tiers: tier 1 (maker 100, taker 500 ppm) until an address's 30-day notional reaches $1,000,000, which counts from the end of its block (tier 2: taker 450 ppm); fees round up; the fee collector receives both; volume older than 30 days stops counting.",
        ["FEE-1", "FEE-2", "FEE-3", "FEE-4", "FEE-5", "MATCH-2"],
        ["CONS-1", "CONS-3"],
        make_genesis(
            [subaccount_entry(ALICE, 0, million), subaccount_entry(BOB, 0, million), subaccount_entry(CAROL, 0, RICH)]
        ),
    )
    t = s.time
    long_term = dict(flags=LONG_TERM, gtbt=t + 60 * DAY)
    s.step(
        "BOB asks 34.0003 BTC at $30,000 (long-term)",
        place(BOB, order(BOB, 1, SELL, 34 * ONE_BTC + 3 * STEP, usd(30_000), **long_term)),
        OK,
    )
    s.step(
        "BOB asks 0.0001 BTC at $30,001 (long-term)",
        place(BOB, order(BOB, 2, SELL, STEP, usd(30_001), **long_term)),
        OK,
    )
    # 34 BTC at $30,000: quote 3_000_000_000 * 340_000_000_000 / 10^9 = 1_020_000_000_000 ($1.02M)
    # taker fee 500 ppm: 510_000_000; maker fee 100 ppm: 102_000_000
    events = s.step(
        "ALICE buys 34 BTC at $30,000 ($1.02M): tier 1 fees",
        place(ALICE, order(ALICE, 1, BUY, 34 * ONE_BTC, usd(30_000), gtb=s.height + 5, tif=IOC)),
        OK,
        ["FEE-1", "FEE-2", "FEE-3"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, 34 * ONE_BTC, usd(30_000), 1_020_000_000_000, 510_000_000, 102_000_000)]
    assert s.state.bank.fee_collector == 612_000_000
    # one step at $30,000: quote 3_000_000; 500 ppm = 1_500, 100 ppm = 300
    events = s.step(
        "in the same block ALICE buys one step more: still tier 1, the block's volume counts from its end",
        place(ALICE, order(ALICE, 2, BUY, STEP, usd(30_000), gtb=s.height + 5, tif=IOC)),
        OK,
        ["FEE-4"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, STEP, usd(30_000), 3_000_000, 1_500, 300)]
    s.step(
        "the block ends: ALICE's taker and BOB's maker notional, $1,020,003 each, reach tier 2",
        s.next_block(),
        OK,
        ["FEE-4", "FEE-1"],
    )
    events = s.step(
        "ALICE buys one step at $30,000: taker 450 ppm (tier 2); BOB's maker fee stays 100 ppm (tier 2)",
        place(ALICE, order(ALICE, 3, BUY, STEP, usd(30_000), gtb=s.height + 5, tif=IOC)),
        OK,
        ["FEE-1", "FEE-2"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, STEP, usd(30_000), 3_000_000, 1_350, 300)]
    events = s.step(
        "CAROL, with no volume, pays tier 1's 500 ppm in the same block",
        place(CAROL, order(CAROL, 1, BUY, STEP, usd(30_000), gtb=s.height + 5, tif=IOC)),
        OK,
        ["FEE-1"],
        show=subs(CAROL, BOB),
    )
    assert fills(events) == [(BOB, STEP, usd(30_000), 3_000_000, 1_500, 300)]
    # one step at $30,001: quote 3_000_100; 450 ppm = 1_350.045 -> 1_351; 100 ppm = 300.01 -> 301
    events = s.step(
        "ALICE buys BOB's step at $30,001: fees 1,350.045 and 300.01 round up to 1,351 and 301",
        place(ALICE, order(ALICE, 4, BUY, STEP, usd(30_001), gtb=s.height + 5, tif=IOC)),
        OK,
        ["FEE-2"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, STEP, usd(30_001), 3_000_100, 1_351, 301)]
    assert s.state.bank.fee_collector == 612_000_000 + 1_800 + 1_650 + 1_800 + 1_652
    s.step(
        "a block 30 days (720 one-hour epochs) later: the volume of the first hour no longer counts",
        s.next_block(720 * 3_600),
        OK,
        ["FEE-4"],
    )
    s.step(
        "BOB asks 0.0001 BTC at $30,000 again",
        place(BOB, order(BOB, 3, SELL, STEP, usd(30_000), flags=LONG_TERM, gtbt=s.time + 60)),
        OK,
    )
    events = s.step(
        "ALICE is back in tier 1: taker 500 ppm",
        place(ALICE, order(ALICE, 5, BUY, STEP, usd(30_000), gtb=s.height + 5, tif=IOC)),
        OK,
        ["FEE-1", "FEE-4"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, STEP, usd(30_000), 3_000_000, 1_500, 300)]
    return s


def fee_rebate() -> Scenario:
    genesis = make_genesis(funded(ALICE, BOB))
    genesis["feeTiers"]["params"]["tiers"] = [
        {
            "name": "rebate",
            "absoluteVolumeRequirement": "0",
            "totalVolumeShareRequirementPpm": 0,
            "makerVolumeShareRequirementPpm": 0,
            "makerFeePpm": -100,
            "takerFeePpm": 300,
        }
    ]
    s = Scenario(
        "fee-maker-rebate",
        "A genesis whose only fee tier pays makers 100 ppm and charges takers 300 ppm: the maker's rebate rounds toward zero, the taker's fee up, and the fee collector keeps the difference.",
        ["FEE-2", "FEE-3", "FEE-5", "GEN-2"],
        ["CONS-1", "CONS-3"],
        genesis,
    )
    gtb = s.height + 5
    s.step("BOB asks 0.0001 BTC at $30,001", place(BOB, order(BOB, 1, SELL, STEP, usd(30_001), gtb=gtb)), OK)
    # quote 3_000_100: taker fee ceil(900.03) = 901; maker fee ceil(-300.01) = -300, a rebate of 300
    events = s.step(
        "ALICE takes it: taker fee 901, maker rebate 300 (300.01 rounded toward zero)",
        place(ALICE, order(ALICE, 1, BUY, STEP, usd(30_001), gtb=gtb, tif=IOC)),
        OK,
        ["FEE-2", "FEE-3"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, STEP, usd(30_001), 3_000_100, 901, -300)]
    assert usdc(s, BOB) == RICH + 3_000_100 + 300 and usdc(s, ALICE) == RICH - 3_000_100 - 901
    assert s.state.bank.fee_collector == 601
    s.step("BOB asks 0.01 BTC at $30,000", place(BOB, order(BOB, 2, SELL, CENTI_BTC, usd(30_000), gtb=gtb)), OK)
    # quote 300_000_000: taker fee 90_000, maker rebate 30_000
    events = s.step(
        "ALICE takes it: taker fee 90,000, rebate 30,000",
        place(ALICE, order(ALICE, 2, BUY, CENTI_BTC, usd(30_000), gtb=gtb, tif=IOC)),
        OK,
        ["FEE-2", "FEE-3"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, CENTI_BTC, usd(30_000), 300_000_000, 90_000, -30_000)]
    assert s.state.bank.fee_collector == 601 + 60_000
    return s


def no_fee_tiers() -> Scenario:
    genesis = make_genesis(funded(ALICE, BOB))
    del genesis["feeTiers"]
    s = Scenario(
        "fee-no-tiers",
        "A genesis without fee tiers has one tier with no fees: fills move only the quote between the parties.",
        ["FEE-5", "FEE-3", "GEN-2"],
        ["CONS-1"],
        genesis,
    )
    gtb = s.height + 5
    s.step("BOB asks 0.01 BTC at $30,000", place(BOB, order(BOB, 1, SELL, CENTI_BTC, usd(30_000), gtb=gtb)), OK)
    events = s.step(
        "ALICE takes it: no fees",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(30_000), gtb=gtb, tif=IOC)),
        OK,
        ["FEE-5"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, CENTI_BTC, usd(30_000), 300_000_000, 0, 0)]
    assert (
        usdc(s, ALICE) == RICH - 300_000_000 and usdc(s, BOB) == RICH + 300_000_000 and s.state.bank.fee_collector == 0
    )
    return s


def fee_tier_shares() -> Scenario:
    epoch = GENESIS_TIME // 3_600  # 471_744, the genesis block's epoch
    oldest = epoch - 719  # the oldest epoch still counted at the genesis time
    big = 10**13  # $10,000,000
    genesis = make_genesis(funded(ALICE, BOB, CAROL, DAVE, MALLORY))
    genesis["feeTiers"]["params"]["tiers"] = [
        {
            "name": "1",
            "absoluteVolumeRequirement": "0",
            "totalVolumeShareRequirementPpm": 0,
            "makerVolumeShareRequirementPpm": 0,
            "makerFeePpm": 100,
            "takerFeePpm": 500,
        },
        {
            "name": "2",
            "absoluteVolumeRequirement": "1000000",
            "totalVolumeShareRequirementPpm": 0,
            "makerVolumeShareRequirementPpm": 0,
            "makerFeePpm": 90,
            "takerFeePpm": 400,
        },
        {
            "name": "3",
            "absoluteVolumeRequirement": "1000000",
            "totalVolumeShareRequirementPpm": 1_000,
            "makerVolumeShareRequirementPpm": 2,
            "makerFeePpm": 50,
            "takerFeePpm": 300,
        },
    ]

    def users(*rows: tuple[str, int, int]) -> list[dict]:
        return [{"address": a, "takerNotional": str(t), "makerNotional": str(m)} for a, t, m in sorted(rows)]

    # Each epoch's takers and makers both sum to its notional.
    genesis["stats"]["volume"] = {
        "epochs": [
            {
                "epoch": oldest,
                "notional": str(10**7),
                "users": users((ALICE, 5_000, 0), (BOB, 10**7 - 5_000, 0), (MALLORY, 0, 10**7)),
            },
            {"epoch": oldest + 1, "notional": "7", "users": users((BOB, 7, 0), (CAROL, 0, 7))},
            {
                "epoch": epoch,
                "notional": str(big + 2 * 10**10 + 10**6),
                "users": users(
                    (ALICE, 10**6, 0),
                    (BOB, big, 10**6),
                    (CAROL, 0, big + 2 * 10**10 - 10**7),
                    (MALLORY, 2 * 10**10, 10**7),
                ),
            },
        ],
        "pending": [],
    }
    s = Scenario(
        "fee-tier-shares",
        "Fee tiers with volume-share requirements, from a genesis holding 30 days of volume: an absolute requirement met exactly with no share required (ALICE), a maker share of 2 ppm of the global notional met (CAROL), and an epoch that stops counting when the next block's epoch is 720 later, an odd epoch number, while the epoch after it still counts: ALICE's old taker volume then leaves her exactly at the absolute requirement, and MALLORY's old maker volume leaves her maker share below 2 ppm.",
        ["FEE-1", "FEE-2", "FEE-4", "FEE-5", "GEN-2"],
        ["CONS-3"],
        genesis,
    )
    assert oldest % 2 == 1
    t = s.time
    s.step(
        "CAROL asks 0.01 BTC at $30,000 (long-term)",
        place(CAROL, order(CAROL, 1, SELL, CENTI_BTC, usd(30_000), flags=LONG_TERM, gtbt=t + DAY)),
        OK,
    )
    # 0.001 BTC at $30,000: quote 30_000_000; DAVE (no volume, tier 1) pays 500 ppm = 15_000; CAROL
    # (maker notional about 10^13, far above 2 ppm of the global notional, tier 3) pays 50 ppm = 1_500.
    events = s.step(
        "DAVE (no volume) takes 0.001 BTC: taker tier 1; CAROL, maker share met, maker tier 3",
        place(DAVE, order(DAVE, 1, BUY, 10 * STEP, usd(30_000), gtb=s.height + 5, tif=IOC)),
        OK,
        ["FEE-1", "FEE-2"],
        show=subs(DAVE, CAROL),
    )
    assert fills(events) == [(CAROL, 10 * STEP, usd(30_000), 30_000_000, 15_000, 1_500)]
    s.step(
        f"a block an hour later: the next block's epoch is {epoch + 1}, so epoch {oldest} (720 earlier) stops counting, with ALICE's 5,000 of taker volume and MALLORY's 10^7 of maker volume; epoch {oldest + 1} still counts",
        s.next_block(3_600),
        OK,
        ["FEE-4"],
    )
    assert [e["epoch"] for e in encode_state(s.state)["stats"]["volume"]["epochs"]] == [oldest + 1, epoch]
    # ALICE: 1_000_000 of taker notional, exactly tier 2's absolute requirement; tier 3 needs 0.1% of the global notional.
    events = s.step(
        "ALICE takes 0.001 BTC: her 30-day notional is exactly $1, tier 2 (taker 400 ppm)",
        place(ALICE, order(ALICE, 1, BUY, 10 * STEP, usd(30_000), gtb=s.height + 5, tif=IOC)),
        OK,
        ["FEE-1", "FEE-4"],
        show=subs(ALICE, CAROL),
    )
    assert fills(events) == [(CAROL, 10 * STEP, usd(30_000), 30_000_000, 12_000, 1_500)]
    # MALLORY: 2 * 10^10 + 10^7 in all (>= 0.1% of the global notional), but a maker notional of 10^7 now,
    # below 2 ppm of the global notional (about 2.004 * 10^7): maker tier 2 (90 ppm) on 29_000_000 is 2_610.
    s.step(
        "MALLORY bids 0.001 BTC at $29,000",
        place(MALLORY, order(MALLORY, 1, BUY, 10 * STEP, usd(29_000), gtb=s.height + 5)),
        OK,
    )
    events = s.step(
        "DAVE sells into it: MALLORY's maker share is below 2 ppm once her old maker volume stopped counting, maker tier 2",
        place(DAVE, order(DAVE, 2, SELL, 10 * STEP, usd(29_000), gtb=s.height + 5, tif=IOC)),
        OK,
        ["FEE-1", "FEE-4"],
        show=subs(DAVE, MALLORY),
    )
    assert [f[5] for f in fills(events)] == [2_610]
    return s


def fee_taker_rebate() -> Scenario:
    genesis = make_genesis(funded(ALICE, BOB))
    genesis["feeTiers"]["params"]["tiers"] = [
        {
            "name": "1",
            "absoluteVolumeRequirement": "0",
            "totalVolumeShareRequirementPpm": 0,
            "makerVolumeShareRequirementPpm": 0,
            "makerFeePpm": 101,
            "takerFeePpm": -100,
        },
    ]
    s = Scenario(
        "fee-taker-rebate",
        "A single fee tier whose taker rate is a rebate (-100 ppm) and whose maker rate is 101 ppm: valid, as the lowest maker rate plus the lowest taker rate is not negative (FEE-5); the taker's rebate rounds toward zero and the fee collector keeps the difference (FEE-2, FEE-3).",
        ["FEE-5", "FEE-2", "FEE-3", "GEN-2"],
        ["CONS-1", "CONS-3"],
        genesis,
    )
    gtb = s.height + 5
    s.step(
        "BOB asks 0.0101 BTC at $30,001", place(BOB, order(BOB, 1, SELL, CENTI_BTC + STEP, usd(30_001), gtb=gtb)), OK
    )
    # quote 3_000_100_000 * 101_000_000 / 10^9 = 303_010_100; taker: ceil(-30_301.01) = -30_301; maker: ceil(30_604.0201) = 30_605
    events = s.step(
        "ALICE takes it: a rebate of 30,301 (rounded toward zero), a maker fee of 30,605 (rounded up)",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC + STEP, usd(30_001), gtb=gtb, tif=IOC)),
        OK,
        ["FEE-2", "FEE-3"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, CENTI_BTC + STEP, usd(30_001), 303_010_100, -30_301, 30_605)]
    assert s.state.bank.fee_collector == 304
    return s


def volume_epoch_zero() -> Scenario:
    # A genesis 1.5 hours after time 0: epochs 0 and 1 both count (FEE-4).
    genesis = make_genesis(funded(ALICE, BOB, CAROL), blockTime="5400")
    million = 10**12
    genesis["stats"]["volume"] = {
        "epochs": [
            {
                "epoch": 0,
                "notional": str(million),
                "users": [
                    {"address": a, "takerNotional": t, "makerNotional": m}
                    for a, t, m in sorted([(ALICE, str(million), "0"), (CAROL, "0", str(million))])
                ],
            }
        ],
        "pending": [],
    }
    s = Scenario(
        "volume-epoch-zero",
        "A genesis at time 5,400 whose volume holds epoch 0 (the first hour): ALICE's $1,000,000 of taker notional there counts, so she pays the standard tier 2's 450 ppm as a taker.",
        ["FEE-4", "FEE-1", "GEN-2", "CLOB-3"],
        ["DET-1"],
        genesis,
    )
    gtb = s.height + 5
    s.step("BOB asks 0.01 BTC at $30,000", place(BOB, order(BOB, 1, SELL, CENTI_BTC, usd(30_000), gtb=gtb)), OK)
    events = s.step(
        "ALICE takes it: tier 2 (taker 450 ppm) from her epoch-0 volume",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(30_000), gtb=gtb, tif=IOC)),
        OK,
        ["FEE-1", "FEE-4"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, CENTI_BTC, usd(30_000), 300_000_000, 135_000, 30_000)]
    return s
