"""
Scenarios of the risk engine's block phases (spec/liquidations.md LIQ-11..13, spec/deleveraging.md
DEL-1..5 and FINAL-1..2, spec/clob.md CLOB-4): a liquidation whose fee goes to the insurance fund,
one where the fund covers the shortfall, one the fund cannot pay, deleveraging at the bankruptcy
price, a refused offset that gates withdrawals, and final settlement at the oracle price.

The worked numbers are those of tests/risk/test_liquidation_phase.py: BTC-USD's oracle falls to
28_300 USD, so one BTC long is worth 28_300_000_000 quote quantums with MMR 339_600_000.
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
    OK,
    ONE_BTC,
    Scenario,
    make_genesis,
    order,
    place,
    sub,
    subaccount_entry,
    update_clob_pair,
    update_prices,
    withdraw,
)

CRASH_PRICE = 2_830_000_000
"""28_300 USD in BTC-USD's price exponent -5; also its subticks (quantum conversion exponent -9)."""

RISK_RULES = ["LIQ-11", "LIQ-12", "LIQ-13", "BLOCK-3", "TX-4"]
RISK_CLAIMS = ["CONS-1", "CONS-3", "SOLV-3", "POS-1"]


def _crash_genesis(alice_usdc: int, bob_usdc: int = 40_000_000_000, insurance_fund: int = 0) -> dict:
    return make_genesis(
        [
            subaccount_entry(ALICE, 0, alice_usdc, [(BTC, ONE_BTC)]),
            subaccount_entry(BOB, 0, bob_usdc, [(BTC, -ONE_BTC)]),
            subaccount_entry(CAROL, 0, 40_000_000_000, []),
        ],
        insuranceFund=str(insurance_fund),
    )


def _crash(s: Scenario) -> dict:
    return update_prices(AUTHORITY, [(BTC, [(f"s{i}", CRASH_PRICE, s.time) for i in range(3)])])


def liquidation_with_fee() -> Scenario:
    s = Scenario(
        "liquidation-with-fee",
        "A liquidatable long is closed against a bid above its fillable price; the fund takes the capped fee.",
        [*RISK_RULES, "LIQ-2", "LIQ-7", "LIQ-8", "LIQ-9", "INS-1"],
        RISK_CLAIMS,
        _crash_genesis(-28_000_000_000),
    )
    s.step("CAROL bids 1 BTC at 2_829_800_000", place(CAROL, order(CAROL, 1, BUY, ONE_BTC, 2_829_800_000, gtb=30)), OK)
    s.step("the oracle falls to 28_300: ALICE's NC 300_000_000 < MMR 339_600_000", _crash(s), OK)
    events = s.step("the block's liquidation phase sells ALICE's BTC to CAROL", s.next_block(), OK, show=[sub(ALICE)])
    assert any(e["type"] == "LiquidationFill" and e["insuranceFundDelta"] == "141490000" for e in events)
    return s


def liquidation_fund_pays() -> Scenario:
    s = Scenario(
        "liquidation-fund-pays",
        "A fill below the bankruptcy price: the insurance fund pays the shortfall and ALICE ends at exactly 0.",
        [*RISK_RULES, "LIQ-6", "LIQ-9", "INS-1"],
        RISK_CLAIMS,
        _crash_genesis(-28_280_000_000, insurance_fund=50_000_000),
    )
    s.step("CAROL bids 1 BTC at 2_827_000_000", place(CAROL, order(CAROL, 1, BUY, ONE_BTC, 2_827_000_000, gtb=30)), OK)
    s.step("the oracle falls to 28_300: ALICE's NC 20_000_000", _crash(s), OK)
    events = s.step("the fund pays 10_000_000 on the fill", s.next_block(), OK, show=[sub(ALICE)])
    assert any(e["type"] == "LiquidationFill" and e["insuranceFundDelta"] == "-10000000" for e in events)
    assert s.state.bank.insurance_fund == 40_000_000
    return s


def liquidation_fund_empty() -> Scenario:
    s = Scenario(
        "liquidation-fund-empty",
        "The same fill with an empty fund is not made (INS-1); TNC is positive, so nobody is deleveraged.",
        [*RISK_RULES, "INS-1", "DEL-1"],
        RISK_CLAIMS,
        _crash_genesis(-28_280_000_000),
    )
    s.step("CAROL bids 1 BTC at 2_827_000_000", place(CAROL, order(CAROL, 1, BUY, ONE_BTC, 2_827_000_000, gtb=30)), OK)
    s.step("the oracle falls to 28_300", _crash(s), OK)
    events = s.step("the liquidation order fills nothing", s.next_block(), OK, show=[sub(ALICE)])
    assert not any(e["type"] in ("LiquidationFill", "DeleveragingFill") for e in events)
    return s


def deleveraging_at_bankruptcy_price() -> Scenario:
    s = Scenario(
        "deleveraging-bankruptcy-price",
        "A negative-TNC long with no bid is offset against the short at its bankruptcy price, zero-sum.",
        [*RISK_RULES, "DEL-1", "DEL-2", "DEL-3", "DEL-4", "LIQ-6"],
        [*RISK_CLAIMS, "CONS-5", "SOLV-4"],
        _crash_genesis(-28_400_000_000),
    )
    s.step("the oracle falls to 28_300: ALICE's TNC is -100_000_000", _crash(s), OK)
    s.step("BOB takes ALICE's BTC at 28_400_000_000", s.next_block(), OK, show=[sub(ALICE), sub(BOB)])
    return s


def gating_after_refused_offset() -> Scenario:
    s = Scenario(
        "gating-after-negative-tnc",
        "An offset that would sink BOB is refused; ALICE stays negative and withdrawals are gated for 50 blocks; a quiet block tries again and refuses again.",
        [*RISK_RULES, "DEL-2", "DEL-5", "SUB-9", "SUB-8"],
        [*RISK_CLAIMS, "CONS-5", "SOLV-4"],
        _crash_genesis(-28_400_000_000, bob_usdc=28_390_000_000),
    )
    s.step("the oracle falls to 28_300", _crash(s), OK)
    s.step("no offset: a negative-TNC subaccount is seen", s.next_block(), OK, show=[sub(ALICE), sub(BOB)])
    s.step("CAROL's withdrawal is gated", withdraw(CAROL, sub(CAROL), 1), errors.WithdrawalsAndTransfersBlocked.code)
    s.step("a quiet block: ALICE is tried again, BOB refuses again", s.next_block(), OK, show=[sub(ALICE), sub(BOB)])
    return s


def final_settlement() -> Scenario:
    genesis = make_genesis(
        [
            subaccount_entry(ALICE, 0, 1_000_000_000, [(BTC, ONE_BTC)]),
            subaccount_entry(BOB, 0, 40_000_000_000, [(BTC, -ONE_BTC)]),
            subaccount_entry(CAROL, 0, 40_000_000_000, []),
        ]
    )
    s = Scenario(
        "final-settlement",
        "The authority moves BTC-USD to final settlement: its orders go, no order is accepted, and the next block closes every position at the oracle price.",
        ["CLOB-4", "FINAL-1", "FINAL-2", "DEL-3", "DEL-4", "CLOB-2", "BLOCK-3", "TX-4"],
        ["CONS-1", "CONS-5", "POS-1", "ATOM-1"],
        genesis,
    )
    s.step("CAROL bids on BTC-USD", place(CAROL, order(CAROL, 1, BUY, ONE_BTC, 2_800_000_000, gtb=30)), OK)
    s.step(
        "a non-authority cannot settle the pair",
        update_clob_pair(ALICE, BTC, BTC, "STATUS_FINAL_SETTLEMENT"),
        errors.Unauthorized.code,
    )
    s.step(
        "the authority moves BTC-USD to FINAL_SETTLEMENT; CAROL's bid is removed",
        update_clob_pair(AUTHORITY, BTC, BTC, "STATUS_FINAL_SETTLEMENT"),
        OK,
    )
    s.step(
        "no order is accepted",
        place(CAROL, order(CAROL, 2, BUY, ONE_BTC, 2_800_000_000, gtb=30)),
        errors.OrderConflictsWithClobPairStatus.code,
    )
    s.step(
        "back to ACTIVE is not a supported transition",
        update_clob_pair(AUTHORITY, BTC, BTC, "STATUS_ACTIVE"),
        errors.InvalidClobPairStatusTransition.code,
    )
    s.step(
        "the block closes ALICE's long against BOB's short at the oracle notional",
        s.next_block(),
        OK,
        show=[sub(ALICE), sub(BOB)],
    )
    assert s.state.perpetuals.perpetuals[BTC].open_interest == 0
    return s


def clob_pair_updates() -> Scenario:
    s = Scenario(
        "clob-pair-updates",
        "MsgUpdateClobPair: what the authority may change (status along v4's transitions, step and tick to divisors) and what it may not.",
        ["CLOB-4", "TX-2", "TX-3", "TX-4"],
        ["ATOM-1"],
        make_genesis([]),
    )
    s.step(
        "an unsupported status is refused before the state is read",
        update_clob_pair(AUTHORITY, BTC, BTC, "STATUS_PAUSED"),
        errors.InvalidClobPairParameter.code,
    )
    s.step(
        "a zero step",
        update_clob_pair(AUTHORITY, BTC, BTC, "STATUS_ACTIVE", step=0),
        errors.InvalidClobPairParameter.code,
    )
    s.step(
        "an unknown clob pair", update_clob_pair(AUTHORITY, 77, BTC, "STATUS_ACTIVE"), errors.InvalidClobPairUpdate.code
    )
    s.step("another perpetual", update_clob_pair(AUTHORITY, BTC, 1, "STATUS_ACTIVE"), errors.InvalidClobPairUpdate.code)
    s.step(
        "another quantum conversion exponent",
        update_clob_pair(AUTHORITY, BTC, BTC, "STATUS_ACTIVE", quantum_conversion_exponent=-8),
        errors.InvalidClobPairUpdate.code,
    )
    s.step(
        "a step that is not a divisor of 1_000_000",
        update_clob_pair(AUTHORITY, BTC, BTC, "STATUS_ACTIVE", step=300_000),
        errors.InvalidClobPairUpdate.code,
    )
    s.step(
        "a larger tick",
        update_clob_pair(AUTHORITY, BTC, BTC, "STATUS_ACTIVE", subticks_per_tick=200_000),
        errors.InvalidClobPairUpdate.code,
    )
    s.step(
        "ACTIVE to INITIALIZING is not supported",
        update_clob_pair(AUTHORITY, BTC, BTC, "STATUS_INITIALIZING"),
        errors.InvalidClobPairStatusTransition.code,
    )
    s.step(
        "the step and the tick shrink to divisors",
        update_clob_pair(AUTHORITY, BTC, BTC, "STATUS_ACTIVE", step=500_000, subticks_per_tick=10_000),
        OK,
    )
    return s
