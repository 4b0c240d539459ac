"""
Per-rule tests of funding between blocks (spec/funding.md, FUND-9..12): epochs, the block's
premium votes, samples at funding-sample epochs and ticks at funding-tick epochs.  Every number
is worked by hand next to the case; BTC's genesis price is 2868819524 at exponent -5 (-9 with
its resolution -10), ETH's 1811985252 (-9), SOL's 2350695125 (-9).
"""

from __future__ import annotations

import pytest

from helpers.clob import ALICE, BOB, funded, ok, place
from helpers.ledger import apply_ok, make_state, next_block, usdc
from perpspec.conformance.builders import deposit, make_genesis, sub, subaccount_entry
from perpspec.default_genesis import GENESIS_TIME
from perpspec.errors import InvalidGenesis
from perpspec.funding_epochs import (
    process_epoch_start,
    process_funding_sample_end_block,
    process_funding_tick_end_block,
)
from perpspec.genesis import load_genesis
from perpspec.state import FUNDING_SAMPLE_EPOCH, FUNDING_TICK_EPOCH, EpochInfo, PremiumStore

# --- FUND-9 ----------------------------------------------------------------------------------------


def test_fund_9_epoch_waits_for_height_two():
    """FUND-9: an uninitialized epoch does not start before height 2, whatever the time."""
    epoch = EpochInfo(FUNDING_SAMPLE_EPOCH, next_tick=30, duration=60)
    assert not process_epoch_start(epoch, 1, 10**9)
    assert not epoch.is_initialized


def test_fund_9_fast_forward_then_start():
    """FUND-9: fast-forward moves the next tick past the block time; the period starts when time reaches it."""
    epoch = EpochInfo(FUNDING_SAMPLE_EPOCH, next_tick=30, duration=60)
    # (1698278401 - 30) div 60 = 28304639 (remainder 31), + 1: next = 30 + 60 * 28304640 = 1698278430
    assert not process_epoch_start(epoch, 2, GENESIS_TIME + 1)
    assert epoch.is_initialized and epoch.next_tick == GENESIS_TIME + 30
    assert process_epoch_start(epoch, 3, GENESIS_TIME + 30)
    assert (epoch.next_tick, epoch.current_epoch, epoch.current_epoch_start_block) == (GENESIS_TIME + 90, 1, 3)
    assert not process_epoch_start(epoch, 4, GENESIS_TIME + 89)  # one second early


def test_fund_9_without_fast_forward_every_missed_tick_starts_one_period():
    """FUND-9: without fast-forward the next tick stays at 30, so each block catches up one period."""
    epoch = EpochInfo(FUNDING_TICK_EPOCH, next_tick=30, duration=60, fast_forward_next_tick=False)
    assert process_epoch_start(epoch, 2, 1_000)
    assert (epoch.next_tick, epoch.current_epoch) == (90, 1)
    assert process_epoch_start(epoch, 3, 1_000)
    assert epoch.next_tick == 150


def test_fund_9_block_time_is_uint32():
    """FUND-9: Go reads the block time as uint32: 2^32 + 5 is 5, before a next tick of 30."""
    epoch = EpochInfo(FUNDING_SAMPLE_EPOCH, next_tick=30, duration=60, fast_forward_next_tick=False)
    assert not process_epoch_start(epoch, 2, 2**32 + 5)


def test_fund_9_genesis_defaults_and_bounds():
    """FUND-9: v4's defaults (600%, 6000%, 15; funding-sample 60 s, funding-tick 3600 s) and their bounds."""
    state = make_state()
    params = state.perpetuals.params
    assert (params.funding_rate_clamp_factor_ppm, params.premium_vote_clamp_factor_ppm) == (6_000_000, 60_000_000)
    assert params.min_num_votes_per_sample == 15
    assert {n: e.duration for n, e in state.epochs.epoch_infos.items()} == {"funding-sample": 60, "funding-tick": 3_600}
    genesis = make_genesis()
    genesis["perpetuals"]["params"] = {
        "fundingRateClampFactorPpm": 0,
        "premiumVoteClampFactorPpm": 1,
        "minNumVotesPerSample": 1,
    }
    with pytest.raises(InvalidGenesis, match="fundingRateClampFactorPpm is 0"):
        load_genesis(genesis)


# --- FUND-10 ---------------------------------------------------------------------------------------


def test_fund_10_votes_from_the_book():
    """FUND-10: a bid above the index gives a positive vote; the vote count rises every block, zeros included."""
    state = funded(ALICE)
    # Alice bids 0.4 BTC at $29,000 (2.9e9 subticks); the index (the oracle price) is 2868819524 subticks.
    ok(state, place(ALICE, 1, "SIDE_BUY", 4_000_000_000, 2_900_000_000))
    apply_ok(state, next_block(state))
    # Impact notional $10,000 (tier 0): the bid is worth 11.6e9 > 10e9, so 10/11.6 of 4e9 base = 3448275862.07,
    # rounded up to 3448275863; impact = 1e10 * 1e9 / 3448275863 = 2899999999.2; / 2868819524 - 1 = 10868.7 ppm -> 10868.
    votes = state.perpetuals.premium_votes
    assert votes.premiums == {0: [10_868]} and votes.num_premiums == 1
    apply_ok(state, next_block(state))
    assert votes.premiums == {0: [10_868, 10_868]} and votes.num_premiums == 2


def test_fund_10_no_book_no_vote():
    """FUND-10: an empty book votes 0, which is not stored, but the vote still counts."""
    state = make_state()
    apply_ok(state, next_block(state))
    assert state.perpetuals.premium_votes == PremiumStore({}, 1)
    assert state.clob.books == {}  # voting reads the book and creates none


# --- FUND-11 ---------------------------------------------------------------------------------------


def test_fund_11_votes_become_samples():
    """FUND-11: 16 votes of 1000 in 20 messages: [0 x 4, 1000 x 16], the middle two are 1000: the sample is 1000."""
    state = make_state()
    state.perpetuals.premium_votes = PremiumStore({0: [1_000] * 16}, 20)
    state.epochs.epoch_infos[FUNDING_SAMPLE_EPOCH].current_epoch_start_block = state.blocks.height
    events: list = []
    process_funding_sample_end_block(state, events)
    assert state.perpetuals.premium_samples == PremiumStore({0: [1_000]}, 1)
    assert state.perpetuals.premium_votes == PremiumStore()
    assert [(e.perpetual_id, e.sample_ppm, e.non_zero_votes, e.num_votes) for e in events] == [
        (0, 1_000, 16, 20),
        (1, 0, 0, 20),
        (5, 0, 0, 20),
    ]


def test_fund_11_not_at_an_epoch_start():
    """FUND-11: in a block that did not start a funding-sample epoch nothing happens."""
    state = make_state()
    state.perpetuals.premium_votes = PremiumStore({0: [1_000]}, 1)
    events: list = []
    process_funding_sample_end_block(state, events)
    assert events == [] and state.perpetuals.premium_votes == PremiumStore({0: [1_000]}, 1)


# --- FUND-12 ---------------------------------------------------------------------------------------


def test_fund_12_tick_moves_indexes_and_no_usdc():
    """FUND-12: BTC's 60 samples of 1000 plus its default 100: 1100; ETH and SOL only their default 100."""
    state = make_state(
        make_genesis(
            [subaccount_entry(ALICE, 0, 10**9, [(0, 10**10)]), subaccount_entry(BOB, 0, 10**9, [(0, -(10**10))])]
        )
    )
    state.perpetuals.premium_samples = PremiumStore({0: [1_000] * 60}, 60)
    state.epochs.epoch_infos[FUNDING_TICK_EPOCH].current_epoch_start_block = state.blocks.height
    held = (usdc(state, ALICE), usdc(state, BOB), state.bank.funding_pool)
    events: list = []
    process_funding_tick_end_block(state, events)
    # BTC: trunc(3600 * 1100 * 2868819524e-9) = trunc(11360525.3) = 11360525; / 28800 = 394.46 -> 394
    # ETH: trunc(360000 * 1.811985252) = 652314; / 28800 = 22.6 -> 22.  SOL: 846250 / 28800 = 29.4 -> 29.
    assert [(e.perpetual_id, e.funding_rate_ppm, e.funding_index_delta, e.funding_index) for e in events] == [
        (0, 1_100, 394, 394),
        (1, 100, 22, 22),
        (5, 100, 29, 29),
    ]
    assert state.perpetuals.premium_samples == PremiumStore()
    assert (usdc(state, ALICE), usdc(state, BOB), state.bank.funding_pool) == held  # CONS-4: no USDC moved
    # Alice's next update settles her long of 1 BTC: -(394 - 0) * 1e10 / 1e6 = -3940000 quote quantums ($3.94).
    apply_ok(state, deposit(ALICE, sub(ALICE, 0), 1))
    assert usdc(state, ALICE) == 10**9 + 1 - 3_940_000
    apply_ok(state, deposit(BOB, sub(BOB, 0), 1))
    assert usdc(state, BOB) == 10**9 + 1 + 3_940_000


def test_fund_12_first_tick_an_hour_after_genesis():
    """FUND-12 with FUND-9: minute blocks from genesis; the tick epoch starts at height 61 (genesis + 3600 s)."""
    state = make_state()
    ticks = []
    for _ in range(61):
        events = apply_ok(state, next_block(state, 60))
        ticks += [e for e in events if e["type"] == "FundingTick"]
    assert [(t["perpetualId"], t["fundingRatePpm"], t["fundingIndexDelta"]) for t in ticks] == [
        (0, "100", "35"),  # trunc(trunc(3600 * 100 * 2.868819524) / 28800) = trunc(1032775 / 28800) = 35
        (1, "100", "22"),
        (5, "100", "29"),
    ]
    assert state.epochs.epoch_infos[FUNDING_TICK_EPOCH].current_epoch_start_block == 61
