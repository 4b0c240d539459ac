"""
Per-rule tests of fees (spec/clob.md, FEE-1..FEE-5): tiers by volume, rebates, the fee
collector, the 30-day volume and the tiers a genesis may hold.

Through ``apply_json`` on the default genesis (GEN-1), accounts funded by deposits; the
builders' variants, readers and the worked BTC-USD numbers are in helpers/clob.py.  In
short, on BTC-USD (clob pair 0): quote = floor(subticks * q / 1e9); taker fee
ceil(quote * 500 / 1e6), maker fee ceil(quote * 100 / 1e6) with the standard tier 1.
"""

from __future__ import annotations

import pytest

from helpers.clob import (
    ASK,
    BID,
    MAKER_PPM,
    ORACLE,
    START,
    TAKER_PPM,
    TICK,
    fee_of,
    funded,
    genesis_variant,
    of_type,
    ok,
    place,
    quote_of,
)
from helpers.ledger import next_block, position, usdc
from perpspec import errors
from perpspec.codec import encode_state
from perpspec.conformance.builders import ALICE, BOB, BUY, CAROL, DAVE, IOC, SELL, STEP
from perpspec.default_genesis import GENESIS_TIME, default_genesis_json
from perpspec.genesis import load_genesis
from perpspec.invariants import check_clob_invariants


def tier(name, absolute, total_share, maker_share, maker_ppm, taker_ppm) -> dict:
    return {
        "name": name,
        "absoluteVolumeRequirement": str(absolute),
        "totalVolumeShareRequirementPpm": total_share,
        "makerVolumeShareRequirementPpm": maker_share,
        "makerFeePpm": maker_ppm,
        "takerFeePpm": taker_ppm,
    }


def volume_json(epoch: int, notional: int, users: dict[str, tuple[int, int]]) -> dict:
    return {
        "epochs": [
            {
                "epoch": epoch,
                "notional": str(notional),
                "users": [
                    {"address": a, "takerNotional": str(t), "makerNotional": str(m)}
                    for a, (t, m) in sorted(users.items())
                ],
            }
        ],
        "pending": [],
    }


def test_fee_tier_requirements_with_floored_shares():
    """FEE-1: tiers are climbed while all three requirements hold; share thresholds are floored."""
    genesis = default_genesis_json()
    genesis["feeTiers"]["params"]["tiers"] = [
        tier("1", 0, 0, 0, 100, 500),
        tier("2", 1_000, 100_000, 0, 50, 400),
        tier("3", 1_000, 100_000, 300_000, 0, 300),
    ]
    # Global notional 10_009: 10% of it is 1_000.9, floored to 1_000; 30% is 3_002.7 -> 3_002
    genesis["stats"]["volume"] = volume_json(
        GENESIS_TIME // 3_600,
        10_009,
        {ALICE: (600, 400), BOB: (999, 0), CAROL: (0, 5_000), DAVE: (1_000, 3_001)},
    )
    state = funded(ALICE, BOB, CAROL, DAVE, genesis=genesis)
    quote = quote_of(BID, STEP)
    # Alice (tier 2, exactly at the floored share) takes from Carol (tier 3)
    ok(state, place(CAROL, 1, BUY, STEP, BID))
    fill = of_type(ok(state, place(ALICE, 1, SELL, STEP, BID, tif=IOC)), "OrderFill")[0]
    assert (fill["takerFee"], fill["makerFee"]) == (str(fee_of(quote, 400)), "0")
    # Bob (tier 1: 999 below the absolute requirement) takes from Dave (tier 2: maker share 3_001 < 3_002)
    ok(state, place(DAVE, 1, BUY, STEP, BID))
    fill = of_type(ok(state, place(BOB, 1, SELL, STEP, BID, tif=IOC)), "OrderFill")[0]
    assert (fill["takerFee"], fill["makerFee"]) == (str(fee_of(quote, 500)), str(fee_of(quote, 50)))


def test_negative_maker_fee_is_a_rebate_rounded_toward_zero():
    """FEE-2, FEE-3, INV-10: a negative maker ppm pays a rebate, rounded toward zero; the collector stays non-negative."""
    genesis = default_genesis_json()
    genesis["feeTiers"]["params"]["tiers"] = [tier("1", 0, 0, 0, -100, 500)]
    state = funded(ALICE, BOB, genesis=genesis)
    ok(state, place(ALICE, 1, BUY, 10 * STEP, BID))
    fill = of_type(ok(state, place(BOB, 1, SELL, 3 * STEP, BID, tif=IOC)), "OrderFill")[0]
    quote = 8_606_400
    assert (fill["takerFee"], fill["makerFee"]) == ("4304", "-860")  # ceil(-860.64) = -860
    assert usdc(state, ALICE) == START - quote + 860
    assert state.bank.fee_collector == 4_304 - 860 >= 0
    assert check_clob_invariants(state) == []
    # On a quote of 20 the rebate rounds to 0
    state = funded(
        ALICE, BOB, genesis=genesis_variant(stepBaseQuantums="1", subticksPerTick=1) | {"feeTiers": genesis["feeTiers"]}
    )
    ok(state, place(ALICE, 1, BUY, 7, ORACLE - 1))
    fill = of_type(ok(state, place(BOB, 1, SELL, 7, ORACLE - 1, tif=IOC)), "OrderFill")[0]
    assert (fill["quoteQuantums"], fill["takerFee"], fill["makerFee"]) == ("20", "1", "0")


def test_fee_collector_receives_every_fee():
    """FEE-3, CONS-3: over several fills, the fee collector's balance is the sum of all fees; USDC and base are zero-sum."""
    state = funded(ALICE, BOB, CAROL)
    for i, price in enumerate((BID, BID - TICK, BID - 2 * TICK)):
        ok(state, place(ALICE if i % 2 else CAROL, 10 + i, BUY, (i + 1) * STEP, price))
    events = ok(state, place(BOB, 1, SELL, 6 * STEP, BID - 2 * TICK, tif=IOC))
    fill_events = of_type(events, "OrderFill")
    assert len(fill_events) == 3
    total_fees = sum(int(f["takerFee"]) + int(f["makerFee"]) for f in fill_events)
    assert state.bank.fee_collector == total_fees
    assert sum(usdc(state, o) - START for o in (ALICE, BOB, CAROL)) + total_fees == 0
    assert sum(position(state, o) for o in (ALICE, BOB, CAROL)) == 0


def test_volume_counts_from_the_end_of_the_block_and_for_thirty_days():
    """FEE-4, FEE-1: fills count from the end of their block in its epoch, and stop counting after 720 epochs."""
    genesis = default_genesis_json()
    genesis["feeTiers"]["params"]["tiers"] = [tier("1", 0, 0, 0, 100, 500), tier("2", 8_000_000, 0, 0, 100, 400)]
    state = funded(ALICE, BOB, genesis=genesis)
    ok(state, place(BOB, 1, SELL, 30 * STEP, ASK))
    quote = quote_of(ASK, 3 * STEP)
    fill = of_type(ok(state, place(ALICE, 1, BUY, 3 * STEP, ASK, tif=IOC)), "OrderFill")[0]
    assert fill["takerFee"] == str(fee_of(quote, 500))
    # Not yet counted: the same block still charges tier 1
    assert state.stats.volume.users == {} and state.stats.volume.pending_notional == quote
    fill = of_type(ok(state, place(ALICE, 2, BUY, 3 * STEP, ASK, tif=IOC)), "OrderFill")[0]
    assert fill["takerFee"] == str(fee_of(quote, 500))
    epoch = state.blocks.time // 3_600
    ok(state, next_block(state))
    assert state.stats.volume.global_notional == 2 * quote
    assert (state.stats.volume.users[ALICE].taker_notional, state.stats.volume.users[ALICE].maker_notional) == (
        2 * quote,
        0,
    )
    assert (state.stats.volume.users[BOB].taker_notional, state.stats.volume.users[BOB].maker_notional) == (
        0,
        2 * quote,
    )
    assert encode_state(state)["stats"]["volume"]["epochs"][0]["epoch"] == epoch
    # Counted now: Alice's 17.2M of taker notional reaches tier 2
    fill = of_type(ok(state, place(ALICE, 3, BUY, 3 * STEP, ASK, tif=IOC)), "OrderFill")[0]
    assert fill["takerFee"] == str(fee_of(quote, 400))
    ok(state, next_block(state))
    # 720 epochs later the fills of that epoch no longer count
    ok(state, next_block(state, (epoch + 719) * 3_600 - state.blocks.time))
    assert state.stats.volume.users[ALICE].taker_notional == 3 * quote
    ok(state, next_block(state, (epoch + 720) * 3_600 - state.blocks.time))
    assert (
        state.stats.volume.users == {}
        and state.stats.volume.global_notional == 0
        and encode_state(state)["stats"]["volume"]["epochs"] == []
    )


@pytest.mark.parametrize(
    "tiers, match",
    [
        ([], "at least one tier"),
        ([tier("1", 1, 0, 0, 100, 500)], "first tier"),
        ([tier("1", 0, 5, 0, 100, 500)], "first tier"),
        ([tier("1", 0, 0, 0, 100, 500), tier("2", 10, 0, 0, 50, 400), tier("3", 9, 0, 0, 0, 300)], "must not fall"),
        ([tier("1", 0, 0, 0, 100, 500), tier("2", 10, 10, 0, 50, 400), tier("3", 10, 9, 0, 0, 300)], "must not fall"),
        ([tier("1", 0, 0, 0, 100, 500), tier("2", 10, 0, 10, 50, 400), tier("3", 10, 0, 9, 0, 300)], "must not fall"),
        ([tier("1", 0, 0, 0, -501, 500)], "negative"),
        ([tier("1", 0, 0, 0, 0, 50), tier("2", 10, 0, 0, -60, 300)], "negative"),
        ([tier("1", 0, 0, 0, 100, 2**31)], "above the maximum"),
    ],
)
def test_genesis_rejects_bad_fee_tiers(tiers, match):
    """FEE-5: at least one tier, the first without requirements, requirements never falling, fees never negative in total."""
    genesis = default_genesis_json()
    genesis["feeTiers"]["params"]["tiers"] = tiers
    with pytest.raises(errors.InvalidGenesis, match=match):
        load_genesis(genesis)


def test_fee_tier_defaults():
    """FEE-5: without feeTiers, one tier with no fees; the embedded default markets use the standard tiers."""
    genesis = default_genesis_json()
    del genesis["feeTiers"]
    state = funded(ALICE, BOB, genesis=genesis)
    assert len(state.fee_tiers.params.tiers) == 1 and (
        state.fee_tiers.params.tiers[0].maker_fee_ppm,
        state.fee_tiers.params.tiers[0].taker_fee_ppm,
    ) == (0, 0)
    ok(state, place(ALICE, 1, BUY, STEP, BID))
    fill = of_type(ok(state, place(BOB, 1, SELL, STEP, BID, tif=IOC)), "OrderFill")[0]
    assert (fill["takerFee"], fill["makerFee"]) == ("0", "0") and state.bank.fee_collector == 0
    standard = funded().fee_tiers.params.tiers
    assert len(standard) == 9 and (standard[0].maker_fee_ppm, standard[0].taker_fee_ppm) == (MAKER_PPM, TAKER_PPM)
    assert min(t.maker_fee_ppm for t in standard) + min(t.taker_fee_ppm for t in standard) >= 0
