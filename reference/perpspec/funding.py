"""
Funding settlement (spec/funding.md).

The settlement of a position against its perpetual's funding index, which happens
before every collateral check (FUND-1, FUND-2), and the pure arithmetic that moves the
index: premium votes from a book, samples from votes, and the rate and index move of a
funding tick (FUND-4..8); ``perpspec.funding_epochs`` runs them at the epochs.  The funding index is in quote quantums * 1e6 per base
quantum, so a settlement is computed in "ppm of a quote quantum" and divided by
1e6 once per subaccount.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any, NamedTuple

from perpspec.rounding import (
    ONE_MILLION,
    Rounding,
    ceil_div,
    floor_div,
    mean_round_half_away_from_zero,
    mul_ppm_floor,
    round_fraction,
    select,
    trunc_div,
)
from perpspec.units import average_price_subticks, base_to_quote_quantums, fill_quote_quantums_from_subticks


def funding_settlement_ppm(
    perpetual_funding_index: Any, position_funding_index: Any, position_quantums: Any
) -> tuple[Any, Any]:
    """
    (net settlement in ppm of quote quantums, the position's new funding index) (FUND-1).

    settlement = -(perpetual_index - position_index) * quantums: a long pays when the
    index has risen, a short receives.  The new index is the perpetual's.
    """
    return -(perpetual_funding_index - position_funding_index) * position_quantums, perpetual_funding_index


def settlement_quote_quantums(total_settlement_ppm: Any) -> Any:
    """
    The USDC change from a subaccount's summed settlements: floor(total / 1e6) (FUND-2).

    Rounding toward negative infinity means a payer pays the fraction and a receiver
    forgoes it: the protocol never pays out more than it collects.
    """
    return floor_div(total_settlement_ppm, ONE_MILLION)


# --- funding that moves: votes, samples, ticks (FUND-4..9) -------------------------------

FUNDING_RATE_PERIOD_SECONDS = 28_800
"""A funding rate is stated per 8 hours and prorated by seconds (FUND-7). Go: ``60 * 60 * 8``."""

REMOVED_TAIL_SAMPLE_RATIO_PPM = 0
"""The share of samples removed from each tail before averaging (FUND-6). Go: ``types.RemovedTailSampleRatioPpm``."""

_UINT32_MODULUS = 2**32


def _sorted_with_zeros_at(values: Sequence[int], padding: int, index: int) -> int:
    """The element at ``index`` of sorted(values + [0] * padding), without building the padding."""
    negatives = sorted(v for v in values if v < 0)
    zeros = padding + sum(1 for v in values if v == 0)
    if index < len(negatives):
        return negatives[index]
    if index < len(negatives) + zeros:
        return 0
    positives = sorted(v for v in values if v > 0)
    return positives[index - len(negatives) - zeros]


def premium_sample_from_votes(votes: Sequence[int], num_votes: int, min_num_votes_per_sample: int) -> int:
    """
    The sample of one funding-sample epoch: the median of the non-zero votes padded with zeros to
    ``max(num_votes, min_num_votes_per_sample)`` (FUND-5).

    An even count averages the two middle values rounded half away from zero (ROUND-9, Go's
    ``sum/2 + sum%2``); a market without votes samples 0.  Go:
    ``Keeper.processPremiumVotesIntoSamples`` with ``lib.MustGetMedian``.  The caller keeps
    ``len(votes) <= num_votes`` (Go panics otherwise).
    """
    assert len(votes) <= num_votes, "FUND-5: at most one vote per vote message"
    if not votes:
        return 0  # Go: a market absent from the vote store is not found, and its sample is 0
    length = max(num_votes, min_num_votes_per_sample)
    zeros = length - len(votes)
    middle = length // 2
    if length % 2 == 1:
        return _sorted_with_zeros_at(votes, zeros, middle)
    lower = _sorted_with_zeros_at(votes, zeros, middle - 1)
    upper = _sorted_with_zeros_at(votes, zeros, middle)
    result: int = mean_round_half_away_from_zero(lower, upper)
    return result


def sample_tail_removal_bounds(length: int, tail_removal_rate_ppm: int) -> tuple[int, int] | None:
    """
    The slice [bottom, end) of the sorted samples that tail removal keeps, or None to keep the
    input as it is (FUND-6).

    total = floor(length * ((2 * rate) mod 2^32) / 1e6): Go doubles the uint32 rate in uint32
    and wraps; ``Int64MulPpm`` floors.  A total of 0 or at least the length keeps everything;
    otherwise floor(total / 2) values go from the bottom and the rest from the top.
    """
    total = mul_ppm_floor(length, (tail_removal_rate_ppm * 2) % _UINT32_MODULUS)
    if total == 0 or total >= length:
        return None
    bottom = floor_div(total, 2)
    return bottom, length - (total - bottom)


def remove_sample_tails(samples: Sequence[int], tail_removal_rate_ppm: int) -> list[int]:
    """
    The samples with ``tail_removal_rate_ppm`` of them removed from each end after sorting, or
    the input unchanged and unsorted when nothing is removed (FUND-6).

    Go: ``Keeper.GetRemoveSampleTailsFunc``.
    """
    bounds = sample_tail_removal_bounds(len(samples), tail_removal_rate_ppm)
    if bounds is None:
        return list(samples)
    bottom, end = bounds
    return sorted(samples)[bottom:end]


def _sum_of_sorted_slice(values: Sequence[int], padding: int, start: int, end: int) -> int:
    """The sum of sorted(values + [0] * padding)[start:end], without building the padding."""
    negatives = sorted(v for v in values if v < 0)
    positives = sorted(v for v in values if v > 0)
    first_positive = len(negatives) + padding + sum(1 for v in values if v == 0)
    total = sum(negatives[max(start, 0) : max(min(end, len(negatives)), 0)])
    return total + sum(positives[max(start - first_positive, 0) : max(end - first_positive, 0)])


def premium_rate_from_samples(
    samples: Sequence[int], num_sample_epochs: int, min_num_samples: int, tail_removal_rate_ppm: int
) -> int:
    """
    The premium of one funding-tick epoch: the samples padded with zeros to
    ``max(num_sample_epochs, min_num_samples)``, tails removed (FUND-6), and the mean truncated
    toward zero (ROUND-5, Go's ``lib.AvgInt32``) (FUND-7).

    A market without samples has premium 0.  Go: ``processStoredPremiums`` with ``lib.AvgInt32``
    and the tail filter.  The caller keeps ``len(samples) <= num_sample_epochs``.
    """
    assert len(samples) <= num_sample_epochs, "FUND-7: at most one sample per funding-sample epoch"
    if not samples:
        return 0
    length = max(num_sample_epochs, min_num_samples)
    zeros = length - len(samples)
    bounds = sample_tail_removal_bounds(length, tail_removal_rate_ppm)
    if bounds is None:
        total, count = sum(samples), length
    else:
        total, count = _sum_of_sorted_slice(samples, zeros, bounds[0], bounds[1]), bounds[1] - bounds[0]
    premium: int = trunc_div(total, count)
    return premium


def max_abs_funding_clamp_ppm(clamp_factor_ppm: Any, initial_margin_ppm: Any, maintenance_fraction_ppm: Any) -> Any:
    """
    The largest |rate| (or |premium vote|) a liquidity tier allows:
    floor(clamp * (IM - floor(IM * MF / 1e6)) / 1e6), both floors Go's ``BigIntMulPpm`` (FUND-8).

    A tier with IM equal to its maintenance margin allows none.  Go:
    ``LiquidityTier.GetMaxAbsFundingClampPpm``; the caller keeps MF <= 1e6.
    """
    maintenance_ppm = mul_ppm_floor(initial_margin_ppm, maintenance_fraction_ppm)
    return mul_ppm_floor(clamp_factor_ppm, initial_margin_ppm - maintenance_ppm)


def clamp_funding_rate_ppm(rate_ppm: Any, bound_ppm: Any) -> Any:
    """The rate clamped to [-bound, bound] (FUND-8). Go: ``lib.BigIntClamp``."""
    return select(rate_ppm < -bound_ppm, -bound_ppm, select(rate_ppm > bound_ppm, bound_ppm, rate_ppm))


def funding_index_delta(
    atomic_resolution: int,
    price_exponent: int,
    price_value: Any,
    funding_rate_8hr_ppm: Any,
    time_since_last_funding_s: Any,
) -> Any:
    """
    The funding index's move at a tick: trunc(BaseToQuoteQuantums(time * rate) / 28800) (FUND-7).

    Both divisions truncate toward zero (UNITS-4, ROUND-5), so a move is never larger in
    magnitude than the exact prorated rate. Go: ``funding.GetFundingIndexDelta``.
    """
    quote = base_to_quote_quantums(
        time_since_last_funding_s * funding_rate_8hr_ppm, atomic_resolution, price_value, price_exponent
    )
    return trunc_div(quote, FUNDING_RATE_PERIOD_SECONDS)


def min_num_samples_per_tick(funding_tick_duration_s: int, funding_sample_duration_s: int) -> int:
    """ceil(tick / sample): the samples a tick expects (ROUND-4, FUND-7). Go: ``lib.MustDivideUint32RoundUp``."""
    result: int = ceil_div(funding_tick_duration_s, funding_sample_duration_s)
    return result


class FundingTick(NamedTuple):
    """A perpetual's clamped 8-hour funding rate at a tick and its funding index's move (FUND-7)."""

    funding_rate_ppm: int
    funding_index_delta: int


def funding_tick(
    samples: Sequence[int],
    num_sample_epochs: int,
    funding_sample_duration_s: int,
    funding_tick_duration_s: int,
    removed_tail_sample_ratio_ppm: int,
    default_funding_ppm: int,
    initial_margin_ppm: int,
    maintenance_fraction_ppm: int,
    funding_rate_clamp_factor_ppm: int,
    atomic_resolution: int,
    price_value: int,
    price_exponent: int,
) -> FundingTick:
    """
    One perpetual's funding tick (FUND-7, FUND-8): premium from the samples, plus the default
    funding, clamped to the tier's bound; a non-zero rate moves the index by
    ``funding_index_delta`` over the tick's duration.

    Go: ``Keeper.MaybeProcessNewFundingTickEpoch``.  The caller keeps the sample duration
    positive, MF <= 1e6 and the clamped rate at most int32's maximum (Go panics otherwise).
    """
    min_samples = min_num_samples_per_tick(funding_tick_duration_s, funding_sample_duration_s)
    premium = premium_rate_from_samples(samples, num_sample_epochs, min_samples, removed_tail_sample_ratio_ppm)
    bound = max_abs_funding_clamp_ppm(funding_rate_clamp_factor_ppm, initial_margin_ppm, maintenance_fraction_ppm)
    rate: int = clamp_funding_rate_ppm(premium + default_funding_ppm, bound)
    if rate == 0:
        return FundingTick(0, 0)
    delta: int = funding_index_delta(atomic_resolution, price_exponent, price_value, rate, funding_tick_duration_s)
    return FundingTick(rate, delta)


# --- the premium of a book (FUND-4) ----------------------------------------------------------


class BookLevel(NamedTuple):
    """
    One resting order as the premium reads it: its price, its remaining size, and whether its
    maker passes the add-to-book collateral check (FUND-4); an order that does not is passed over.
    """

    subticks: int
    quantums: int
    counts: bool = True


def impact_price_subticks(
    side: Sequence[BookLevel], impact_notional_quote_quantums: int, quantum_conversion_exponent: int
) -> Fraction | None:
    """
    The average price of filling ``impact_notional`` quote quantums against one side of the book,
    best order first, or None when the side is too thin (FUND-4).

    Each order is worth floor(subticks * quantums * 10^qce) (UNITS-6); the last is filled by the
    exact fraction the notional leaves; the base filled is rounded up (ROUND-8), which lowers
    the impact price; the price is notional * 10^-qce / base (UNITS-7).  A zero notional is the
    best order's price.  Go: ``MemClobPriceTimePriority.getImpactPriceSubticks``; an order whose
    maker fails the add-to-book collateral check (``counts`` false) is passed over.
    """
    if impact_notional_quote_quantums == 0 and side:
        return Fraction(side[0].subticks)
    remaining = impact_notional_quote_quantums
    accumulated = Fraction(0)
    for level in side:
        if remaining <= 0:
            break
        if not level.counts:
            continue
        if_fully_matched = fill_quote_quantums_from_subticks(
            level.subticks, level.quantums, quantum_conversion_exponent
        )
        if remaining > if_fully_matched:
            accumulated += level.quantums
        else:
            accumulated += Fraction(remaining, if_fully_matched) * level.quantums
        remaining -= if_fully_matched
    if remaining > 0:
        return None
    base = round_fraction(accumulated, Rounding.CEIL)
    return average_price_subticks(impact_notional_quote_quantums, base, quantum_conversion_exponent)


def _wrap_int32(value: int) -> int:
    return (value + 2**31) % _UINT32_MODULUS - 2**31


def price_premium_ppm(
    index_price_subticks: Fraction,
    bids: Sequence[BookLevel],
    asks: Sequence[BookLevel],
    impact_notional_quote_quantums: int,
    max_abs_premium_vote_ppm: int,
    quantum_conversion_exponent: int,
) -> int:
    """
    The premium vote of one book against its index price, in ppm (FUND-4).

    Only the side the index lies beyond counts: below the best bid, impact bid / index - 1;
    above the best ask, impact ask / index - 1; otherwise, with an empty book, a thin side or an
    index between the impact price and the best price, 0.  The ratio is truncated toward zero
    (ROUND-8) and then clamped to [-max, max] (the lower bound is Go's int32 negation).  Go:
    ``MemClobPriceTimePriority.GetPricePremium`` and ``getPricePremiumFromSide``.  The caller
    keeps the index positive and the book uncrossed.
    """
    if bids and index_price_subticks < bids[0].subticks:
        is_bid, side = True, bids
    elif asks and index_price_subticks > asks[0].subticks:
        is_bid, side = False, asks
    else:
        return 0
    impact = impact_price_subticks(side, impact_notional_quote_quantums, quantum_conversion_exponent)
    if impact is None:
        return 0
    if (is_bid and index_price_subticks >= impact) or (not is_bid and index_price_subticks <= impact):
        return 0
    ratio = impact * ONE_MILLION / index_price_subticks - ONE_MILLION
    rounded = round_fraction(ratio, Rounding.TRUNC)
    lower = _wrap_int32(-max_abs_premium_vote_ppm)
    if rounded < lower:
        return lower
    if rounded > max_abs_premium_vote_ppm:
        return max_abs_premium_vote_ppm
    return rounded
