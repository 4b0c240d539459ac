"""
Funding that moves: epochs, premium votes, samples and ticks, between blocks (spec/funding.md, FUND-9..12).

Every block the reference votes as an honest proposer does: from its own book and index
price it computes each perpetual's premium (FUND-4) and stores the non-zero ones (FUND-10).
At the start of each funding-sample epoch the votes become samples (FUND-5, FUND-11); at the
start of each funding-tick epoch the samples give each perpetual's rate and move its funding
index (FUND-7, FUND-12).  Positions settle lazily, at their next update (FUND-2).  The phases
are called from ``perpspec.blocks`` (BLOCK-3).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import overload

from perpspec.clob.orders import can_rest_on_book
from perpspec.clob.state import ClobPair, ClobPairStatus
from perpspec.events import Event, FundingSampleEvent, FundingTickEvent
from perpspec.funding import (
    REMOVED_TAIL_SAMPLE_RATIO_PPM,
    BookLevel,
    funding_tick,
    max_abs_funding_clamp_ppm,
    premium_sample_from_votes,
    price_premium_ppm,
)
from perpspec.state import FUNDING_SAMPLE_EPOCH, FUNDING_TICK_EPOCH, EpochInfo, Perpetual, PremiumStore, State
from perpspec.units import QUOTE_ATOMIC_RESOLUTION, price_to_subticks

UINT32_MODULUS = 2**32
"""Epoch times and durations are uint32, and Go's arithmetic on them wraps (FUND-9)."""

MIN_EPOCH_HEIGHT = 2
"""An epoch is initialized at the first block of height 2 or more whose time has reached its next tick (FUND-9)."""


# --- epochs (FUND-9) ------------------------------------------------------------------------


def process_epoch_start(epoch: EpochInfo, height: int, block_time: int) -> bool:
    """
    Start the epoch's next period if the block's time has reached its next tick; True if it did (FUND-9).

    Go: ``epochs.Keeper.MaybeStartNextEpoch``.  Not yet initialized, an epoch waits for height >= 2
    and its next tick; with fast-forward its next tick then jumps to the first one after the
    block time.  A new period sets the next tick one duration on, counts the epoch and records
    the block.  The block time is Go's ``uint32(unix)``; sums wrap in uint32 as Go's do.
    """
    now = block_time % UINT32_MODULUS
    if not epoch.is_initialized:
        if height < MIN_EPOCH_HEIGHT or now < epoch.next_tick:
            return False
        epoch.is_initialized = True
        if epoch.fast_forward_next_tick:
            multiplier = (now - epoch.next_tick) // epoch.duration + 1  # uint32 division of non-negatives
            epoch.next_tick = (epoch.next_tick + epoch.duration * multiplier) % UINT32_MODULUS
    if now < epoch.next_tick:
        return False
    epoch.next_tick = (epoch.next_tick + epoch.duration) % UINT32_MODULUS
    epoch.current_epoch = (epoch.current_epoch + 1) % UINT32_MODULUS
    epoch.current_epoch_start_block = height
    return True


def process_epochs_begin_block(state: State) -> None:
    """Each epoch, in name order, may start its next period at the new block (FUND-9). Go: the epochs ``BeginBlocker``."""
    for name in sorted(state.epochs.epoch_infos):
        process_epoch_start(state.epochs.epoch_infos[name], state.blocks.height, state.blocks.time)


def is_epoch_start_block(state: State, name: str) -> bool:
    """Whether the current block started the epoch's current period (FUND-9). Go: ``NumBlocksSinceEpochStart == 0``."""
    return state.epochs.epoch_infos[name].current_epoch_start_block == state.blocks.height


# --- premium votes (FUND-10) -------------------------------------------------------------------


def _clob_pair_of(state: State, perpetual_id: int) -> ClobPair | None:
    for pair_id in sorted(state.clob.clob_pairs):
        pair = state.clob.clob_pairs[pair_id]
        if pair.perpetual_id == perpetual_id:
            return pair
    return None


def _book_levels(state: State, pair: ClobPair, is_bid: bool) -> Iterator[BookLevel]:
    """One side of the pair's book, best first, each order with its remaining size and whether its maker passes the add-to-book check."""
    book = state.clob.books.get(pair.id)  # read, never created: voting changes no book
    if book is None:
        return
    for level in book.side(is_bid).levels_best_first():
        for entry in level.orders():
            order = entry.order
            remaining = order.quantums - state.clob.fill_amounts.get(order.order_id, 0)
            yield BookLevel(entry.subticks, remaining, can_rest_on_book(state, pair, order, remaining))


class LazySide(Sequence[BookLevel]):
    """A book side read only as far as the premium reads it, so a maker's collateral is checked only when its order counts."""

    def __init__(self, levels: Iterator[BookLevel]) -> None:
        self._levels = levels
        self._read: list[BookLevel] = []

    def _read_to(self, count: int) -> None:
        while len(self._read) < count:
            level = next(self._levels, None)
            if level is None:
                return
            self._read.append(level)

    def __bool__(self) -> bool:
        self._read_to(1)
        return bool(self._read)

    @overload
    def __getitem__(self, index: int) -> BookLevel: ...

    @overload
    def __getitem__(self, index: slice) -> Sequence[BookLevel]: ...

    def __getitem__(self, index: int | slice) -> BookLevel | Sequence[BookLevel]:
        if isinstance(index, slice) or index < 0:
            self._read_to(2**63)
        else:
            self._read_to(index + 1)
        return self._read[index]

    def __iter__(self) -> Iterator[BookLevel]:
        position = 0
        while True:
            self._read_to(position + 1)
            if position >= len(self._read):
                return
            yield self._read[position]
            position += 1

    def __len__(self) -> int:
        self._read_to(2**63)
        return len(self._read)


def compute_premium_vote(state: State, perpetual: Perpetual) -> int:
    """
    The premium an honest proposer votes for one perpetual (FUND-10).

    0 unless its clob pair is ACTIVE and its market has a price; otherwise FUND-4's premium of
    its book against the index price (here the market's oracle price: the reference has no
    price daemon), with the impact notional of its liquidity tier and the vote clamp
    ``max_abs_funding_clamp_ppm(premiumVoteClampFactorPpm, IM, MF)``.  Go:
    ``Keeper.sampleAllPerpetuals``, ``GetPricePremiumForPerpetual``.
    """
    pair = _clob_pair_of(state, perpetual.id)
    price = state.prices.market_prices[perpetual.market_id]
    if pair is None or pair.status is not ClobPairStatus.ACTIVE or price.price == 0:
        return 0
    tier = state.perpetuals.liquidity_tiers[perpetual.liquidity_tier]
    max_abs = max_abs_funding_clamp_ppm(
        state.perpetuals.params.premium_vote_clamp_factor_ppm, tier.initial_margin_ppm, tier.maintenance_fraction_ppm
    )
    index = price_to_subticks(
        price.price,
        price.exponent,
        perpetual.atomic_resolution,
        QUOTE_ATOMIC_RESOLUTION,
        pair.quantum_conversion_exponent,
    )
    bids = LazySide(_book_levels(state, pair, True))
    asks = LazySide(_book_levels(state, pair, False))
    vote: int = price_premium_ppm(index, bids, asks, tier.impact_notional, max_abs, pair.quantum_conversion_exponent)
    return vote


def add_premiums(store: PremiumStore, premiums: dict[int, int]) -> None:
    """Append the non-zero premiums per perpetual and count one more addition (FUND-10). Go: ``addToPremiumStore``."""
    for perpetual_id in sorted(premiums):
        if premiums[perpetual_id] != 0:
            store.premiums.setdefault(perpetual_id, []).append(premiums[perpetual_id])
    store.num_premiums += 1


def process_premium_votes(state: State) -> None:
    """
    The block's premium votes: every perpetual's vote from the book, the non-zero ones stored, the
    vote count raised by one (FUND-10).

    Go: the proposer's ``MsgAddPremiumVotes`` (``GetAddPremiumVotes``), in every block.
    """
    votes = {
        pid: compute_premium_vote(state, state.perpetuals.perpetuals[pid])
        for pid in sorted(state.perpetuals.perpetuals)
    }
    add_premiums(state.perpetuals.premium_votes, votes)


# --- samples (FUND-11) ----------------------------------------------------------------------


def process_funding_sample_end_block(state: State, events: list[Event]) -> None:
    """
    At the block that started a funding-sample epoch, every perpetual's votes become one sample,
    the non-zero samples are stored, and the votes are cleared (FUND-11).

    Go: ``Keeper.MaybeProcessNewFundingSampleEpoch``, ``processPremiumVotesIntoSamples``.  Each
    perpetual's sample, zero included, is an event.
    """
    if not is_epoch_start_block(state, FUNDING_SAMPLE_EPOCH):
        return
    perpetuals = state.perpetuals
    votes = perpetuals.premium_votes
    samples = {}
    for perpetual_id in sorted(perpetuals.perpetuals):
        stored = votes.premiums.get(perpetual_id, [])
        sample = premium_sample_from_votes(stored, votes.num_premiums, perpetuals.params.min_num_votes_per_sample)
        samples[perpetual_id] = sample
        events.append(FundingSampleEvent(perpetual_id, sample, len(stored), votes.num_premiums))
    add_premiums(perpetuals.premium_samples, samples)
    perpetuals.premium_votes = PremiumStore()


# --- ticks (FUND-12) ------------------------------------------------------------------------


def process_funding_tick_end_block(state: State, events: list[Event]) -> None:
    """
    At the block that started a funding-tick epoch, every perpetual's rate comes from its samples
    and its funding index moves by FUND-7's delta; the samples are cleared (FUND-12).

    Go: ``Keeper.MaybeProcessNewFundingTickEpoch``.  No USDC moves: positions settle at their
    next update (FUND-2).  Each perpetual's rate and move is an event.
    """
    if not is_epoch_start_block(state, FUNDING_TICK_EPOCH):
        return
    perpetuals = state.perpetuals
    tick_epoch = state.epochs.epoch_infos[FUNDING_TICK_EPOCH]
    sample_epoch = state.epochs.epoch_infos[FUNDING_SAMPLE_EPOCH]
    samples = perpetuals.premium_samples
    for perpetual_id in sorted(perpetuals.perpetuals):
        perpetual = perpetuals.perpetuals[perpetual_id]
        tier = perpetuals.liquidity_tiers[perpetual.liquidity_tier]
        price = state.prices.market_prices[perpetual.market_id]
        tick = funding_tick(
            samples.premiums.get(perpetual_id, []),
            samples.num_premiums,
            sample_epoch.duration,
            tick_epoch.duration,
            REMOVED_TAIL_SAMPLE_RATIO_PPM,
            perpetual.default_funding_ppm,
            tier.initial_margin_ppm,
            tier.maintenance_fraction_ppm,
            perpetuals.params.funding_rate_clamp_factor_ppm,
            perpetual.atomic_resolution,
            price.price,
            price.exponent,
        )
        perpetual.funding_index += tick.funding_index_delta
        events.append(
            FundingTickEvent(perpetual_id, tick.funding_rate_ppm, tick.funding_index_delta, perpetual.funding_index)
        )
    perpetuals.premium_samples = PremiumStore()
