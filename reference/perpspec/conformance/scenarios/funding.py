"""
Scenarios of funding settlement on a subaccount's first touch (spec/funding.md, FUND-1..3), and of
funding that moves: votes, samples and a tick (FUND-9..12).
"""

from __future__ import annotations

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
    OK,
    Scenario,
    deposit,
    make_genesis,
    order,
    perpetual_json,
    place,
    sub,
    subaccount_entry,
    transfer,
    update_prices,
    withdraw,
)
from perpspec.types import SubaccountId


def sub_id(owner: str) -> SubaccountId:
    return SubaccountId(owner, 0)


def funding() -> Scenario:
    # BTC index 1_234_567; ETH index -500. ALICE long 10_000_001 BTC quantums at index 1_000_000, short 3 ETH steps at 0.
    # ALICE BTC: -(1_234_567 - 1_000_000) * 10_000_001 = -2_345_670_234_567 ppm
    # ALICE ETH: -(-500 - 0) * -3_000_000 = -1_500_000_000 ppm
    # ALICE total -2_347_170_234_567 ppm -> floor = -2_347_171 (payments reported per perpetual: 2_345_671 and 1_500)
    genesis = make_genesis(
        [
            subaccount_entry(ALICE, 0, 10_000_000_000, [(BTC, 10_000_001, 1_000_000), (ETH, -3_000_000, 0)]),
            subaccount_entry(BOB, 0, 10_000_000_000, [(BTC, -10_000_001, 1_000_000), (ETH, 3_000_000, 0)]),
        ]
    )
    perpetual_json(genesis, BTC)["fundingIndex"] = "1234567"
    perpetual_json(genesis, ETH)["fundingIndex"] = "-500"
    s = Scenario(
        "funding-settlement",
        "Funding settles on a subaccount's first touch, summed in ppm and floored once, against the funding pool; a rejected message settles nothing.",
        ["FUND-1", "FUND-2", "FUND-3", "SUB-5", "TX-2", "TX-4", "INV-1"],
        ["CONS-1", "CONS-2", "ATOM-1"],
        genesis,
    )
    s.step(
        "an overdraw by ALICE is rejected: her funding is not settled",
        withdraw(ALICE, sub(ALICE), 10**12),
        errors.NewlyUndercollateralized.code,
    )
    s.step("a block touches no subaccount: positions stay unsettled", s.next_block(), OK, show=[sub(ALICE), sub(BOB)])
    events = s.step(
        "ALICE's first touch: a 5-quantum deposit settles -2347171 against the pool", deposit(ALICE, sub(ALICE), 5), OK
    )
    assert events[1]["usdcBalance"] == str(10_000_000_000 + 5 - 2_347_171)
    s.step("ALICE again: already settled, no payment", deposit(ALICE, sub(ALICE), 5), OK)
    events = s.step(
        "BOB is touched as a transfer sender: he receives, forgoing the fraction",
        transfer(BOB, sub(BOB), sub(CAROL), 1),
        OK,
    )
    # BOB: +2_345_670_234_567 + 1_500_000_000 = 2_347_170_234_567 ppm -> floor 2_347_170
    assert events[1]["usdcBalance"] == str(10_000_000_000 + 2_347_170 - 1)
    assert s.state.bank.funding_pool == 1  # FUND-3: the pool keeps the rounding
    s.step("CAROL, new, settles nothing", withdraw(CAROL, sub(CAROL), 1), OK)
    return s


def funding_recipient() -> Scenario:
    genesis = make_genesis(
        [
            subaccount_entry(ALICE, 0, 10_000_000_000, [(BTC, 7, 0)]),
            subaccount_entry(BOB, 0, 10_000_000_000, [(BTC, -7, 0)]),
        ]
    )
    perpetual_json(genesis, BTC)["fundingIndex"] = "-1000001"
    # ALICE long 7 at 0, index now -1_000_001: she receives 7_000_007 ppm -> floor 7
    # BOB short: pays -7_000_007 ppm -> floor -8
    s = Scenario(
        "funding-settlement-recipient",
        "A transfer settles both its sender and its recipient; receivers forgo the fraction, payers pay it, and the pool keeps the difference.",
        ["FUND-1", "FUND-2", "FUND-3", "SUB-13"],
        ["CONS-1", "CONS-2"],
        genesis,
    )
    s.step(
        "a transfer from CAROL's fresh subaccount to ALICE settles ALICE (receives 7)",
        transfer(CAROL, sub(CAROL), sub(ALICE), 1),
        errors.NewlyUndercollateralized.code,
        show=[sub(CAROL), sub(ALICE)],
    )
    s.step("CAROL funds herself", deposit(CAROL, sub(CAROL), 10), OK)
    s.step(
        "now the transfer goes through and ALICE is settled as recipient",
        transfer(CAROL, sub(CAROL), sub(ALICE), 1),
        OK,
    )
    s.step("BOB's withdrawal settles him: he pays 8", withdraw(BOB, sub(BOB), 1), OK)
    assert s.state.bank.funding_pool == 1
    return s


def funding_one_ppm() -> Scenario:
    # BTC index 1: ALICE long 1 @0 pays 1 ppm -> floor(-1 / 1e6) = -1; BOB short 1 @0 receives 1 ppm -> floor = 0.
    # ETH index 999_999: CAROL short 1 @0 receives 999_999 ppm -> 0; DAVE long 1 @0 pays 999_999 ppm -> -1.
    genesis = make_genesis(
        [
            subaccount_entry(ALICE, 0, 100, [(BTC, 1)]),
            subaccount_entry(BOB, 0, 100, [(BTC, -1)]),
            subaccount_entry(CAROL, 0, 100, [(ETH, -1)]),
            subaccount_entry(DAVE, 0, 100, [(ETH, 1)]),
        ]
    )
    perpetual_json(genesis, BTC)["fundingIndex"] = "1"
    perpetual_json(genesis, ETH)["fundingIndex"] = "999999"
    s = Scenario(
        "funding-settlement-fractions",
        "Settlements of 1 and 999,999 ppm of a quote quantum: a payer pays a whole quantum, a receiver gets nothing (FUND-2 floors once per subaccount).",
        ["FUND-1", "FUND-2", "FUND-3"],
        ["CONS-1", "CONS-2"],
        genesis,
    )
    for name, owner in (
        ("ALICE, paying 1 ppm, pays 1", ALICE),
        ("BOB, receiving 1 ppm, gets 0", BOB),
        ("CAROL, receiving 999999 ppm, gets 0", CAROL),
        ("DAVE, paying 999999 ppm, pays 1", DAVE),
    ):
        s.step(name, deposit(owner, sub(owner), 1), OK)
    assert s.state.bank.funding_pool == 2
    return s


def funding_tick_moves_index() -> Scenario:
    """
    A funding epoch schedule shortened so a tick fits a few blocks: 60 s samples, 240 s ticks, one vote
    per sample (FUND-9).  CAROL's bid above the index makes BTC's votes positive (FUND-10), the
    votes become samples (FUND-11), the tick moves every funding index and no USDC (FUND-12), the
    oracle price moves in between, and ALICE's and BOB's next updates settle (FUND-2).
    """
    genesis = make_genesis(
        [
            subaccount_entry(ALICE, 0, 1_000_000_000, [(BTC, 10_000_000_000)]),
            subaccount_entry(BOB, 0, 40_000_000_000, [(BTC, -10_000_000_000)]),
            subaccount_entry(CAROL, 0, 10_000_000_000),
        ]
    )
    genesis["perpetuals"]["params"] = {
        "fundingRateClampFactorPpm": 6_000_000,
        "premiumVoteClampFactorPpm": 60_000_000,
        "minNumVotesPerSample": 1,
    }
    for epoch in genesis["epochs"]["epochInfoList"]:
        epoch["duration"] = 60 if epoch["name"] == "funding-sample" else 240
    s = Scenario(
        "funding-tick-moves-index",
        "Premium votes from the book every block, samples every minute, a tick every four minutes that moves the funding indices and no USDC, and settlement at the next update.",
        ["FUND-9", "FUND-10", "FUND-11", "FUND-12", "FUND-4", "FUND-5", "FUND-7", "FUND-2", "BLOCK-3"],
        ["CONS-4", "CONS-1"],
        genesis,
    )
    # CAROL bids 0.4 BTC at $29,000: the impact bid of $10,000 is 2899999999.2 subticks against the index
    # 2868819524, a premium of 10868 ppm (FUND-4).
    s.step(
        "CAROL's bid rests above the index",
        place(CAROL, order(CAROL, 1, BUY, 4_000_000_000, 2_900_000_000, gtb=40)),
        OK,
    )
    events = s.step("block 2 (t+60): the first vote; epochs initialize", s.next_block(60), OK)
    assert s.state.perpetuals.premium_votes.premiums == {BTC: [10_868]}
    events = s.step("block 3 (t+120): a funding-sample epoch starts", s.next_block(60), OK)
    events = s.step("block 4 (t+180): the votes of blocks 2 and 3 became one sample of 10868", s.next_block(60), OK)
    assert [e["samplePpm"] for e in events if e["type"] == "FundingSample"] == [10_868, 0, 0]
    s.step(
        "the oracle price rises to 2.9e9: CAROL's bid is no longer above the index",
        update_prices(
            AUTHORITY,
            [(BTC, [("a", 2_900_000_000, s.time), ("b", 2_900_000_000, s.time), ("c", 2_900_000_000, s.time)])],
        ),
        OK,
    )
    s.step("block 5 (t+240): the tick epoch starts; this block's vote is 0", s.next_block(60), OK)
    held = {sid: s.state.subaccounts.subaccounts[sid].usdc_balance for sid in s.state.subaccounts.subaccounts}
    events = s.step("block 6: the sample, then the tick, at the end of block 5", s.next_block(60), OK)
    ticks = [
        (e["perpetualId"], e["fundingRatePpm"], e["fundingIndexDelta"]) for e in events if e["type"] == "FundingTick"
    ]
    # Samples 10868 (blocks 2-3), 10868 (block 4), 0 (block 5, not stored): 2 non-zero of 3, padded to
    # ceil(240/60) = 4: trunc(21736 / 4) = 5434, + 100 default = 5534 (clamp 6 * 8000 = 48000).
    # BTC at 2.9e9: trunc(240 * 5534 * 2.9) = 3851664, / 28800 = 133.7 -> 133.
    assert ticks[0] == (BTC, "5534", "133"), ticks
    assert {sid: a.usdc_balance for sid, a in s.state.subaccounts.subaccounts.items()} == held  # CONS-4
    events = s.step(
        "ALICE's next update settles her long: -(133) * 1e10 / 1e6 = -1330000", deposit(ALICE, sub(ALICE), 1), OK
    )
    assert s.state.subaccounts.subaccounts[sub_id(ALICE)].usdc_balance == 1_000_000_000 + 1 - 1_330_000
    s.step("BOB's settles his short: +1330000", deposit(BOB, sub(BOB), 1), OK)
    assert s.state.bank.funding_pool == 0  # longs paid exactly what shorts received
    return s
