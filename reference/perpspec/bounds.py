"""
Parameter bounds: every limit a governable parameter must respect, in one place (spec/genesis.md, GEN-2).

Each ``check_*`` returns the bounds a record breaks, as messages naming the rule (empty when
it is within them).  Genesis refuses a state whose parameters break one (GEN-2); the
authority messages that will change parameters use the same checks.  The bounds are the
real chain's (``LiquidityTier.Validate``, ``MarketParam.Validate``, ``PerpetualFeeParams.Validate``,
``ClobPair`` validation) where it has one, and perpspec's own where it bounds the work a value
can ask for (exponents within ±100), each said below.
"""

from __future__ import annotations

import itertools

from perpspec.clob.state import SUPPORTED_CLOB_PAIR_STATUSES, ClobPair, FeeTier, LiquidationsConfig, StatsParams
from perpspec.rounding import ONE_MILLION
from perpspec.state import (
    FUNDING_SAMPLE_EPOCH,
    FUNDING_TICK_EPOCH,
    EpochInfo,
    LiquidityTier,
    MarketParam,
    MarketPrice,
    MarketType,
    Perpetual,
    PerpetualsParams,
    PremiumStore,
)
from perpspec.units import INT32_MAX

MAX_EXPONENT = 100
"""Atomic resolutions and price and quantum-conversion exponents lie within ±100 (perpspec's bound on 10^e work)."""

MAX_PRICE_CHANGE_PPM = 10_000
"""A market's minimum price change is below 1% (PRICE-1, ``MaxPriceChangePpm``)."""


def is_exponent_within_bounds(exponent: int) -> bool:
    """|exponent| <= 100: the powers of ten perpspec builds stay small (GEN-2)."""
    return -MAX_EXPONENT <= exponent <= MAX_EXPONENT


def check_liquidity_tier(tier: LiquidityTier) -> list[str]:
    """imf <= 1e6, mf <= 1e6, impact notional > 0, lower cap <= upper cap (MARGIN-1, ``LiquidityTier.Validate``)."""
    broken = []
    if tier.initial_margin_ppm > ONE_MILLION:
        broken.append(f"liquidity tier {tier.id}: initial margin above 1000000 ppm (MARGIN-1)")
    if tier.maintenance_fraction_ppm > ONE_MILLION:
        broken.append(f"liquidity tier {tier.id}: maintenance fraction above 1000000 ppm (MARGIN-3)")
    if tier.impact_notional == 0:
        broken.append(f"liquidity tier {tier.id}: impact notional is 0")
    if tier.open_interest_lower_cap > tier.open_interest_upper_cap:
        broken.append(f"liquidity tier {tier.id}: open interest lower cap exceeds the upper cap (MARGIN-1)")
    return broken


def check_perpetual(perpetual: Perpetual) -> list[str]:
    """An atomic resolution within ±100, and a cross market: isolated markets are not supported (SUB-10)."""
    broken = []
    if not is_exponent_within_bounds(perpetual.atomic_resolution):
        broken.append(f"perpetual {perpetual.id}: atomic resolution outside ±{MAX_EXPONENT}")
    if perpetual.market_type is not MarketType.CROSS:
        broken.append(f"perpetual {perpetual.id}: only PERPETUAL_MARKET_TYPE_CROSS markets are supported (SUB-10)")
    return broken


def check_market_param(param: MarketParam) -> list[str]:
    """An exponent within ±100, at least one exchange, 0 < min price change < 10,000 ppm (PRICE-1)."""
    broken = []
    if not is_exponent_within_bounds(param.exponent):
        broken.append(f"market {param.id}: exponent outside ±{MAX_EXPONENT}")
    if param.min_exchanges == 0:
        broken.append(f"market {param.id}: min exchanges is 0 (PRICE-1)")
    if not 0 < param.min_price_change_ppm < MAX_PRICE_CHANGE_PPM:
        broken.append(f"market {param.id}: min price change outside (0, {MAX_PRICE_CHANGE_PPM}) ppm (PRICE-1)")
    return broken


def check_market_price(price: MarketPrice) -> list[str]:
    """An exponent within ±100 (PRICE-1)."""
    if not is_exponent_within_bounds(price.exponent):
        return [f"market price {price.id}: exponent outside ±{MAX_EXPONENT}"]
    return []


def check_clob_pair(pair: ClobPair) -> list[str]:
    """A step and a tick of at least one, an exponent within ±100, a status the protocol supports (CLOB-1)."""
    broken = []
    if pair.step_base_quantums == 0:
        broken.append(f"clob pair {pair.id}: step base quantums is 0 (CLOB-1)")
    if pair.subticks_per_tick == 0:
        broken.append(f"clob pair {pair.id}: subticks per tick is 0 (CLOB-1)")
    if not is_exponent_within_bounds(pair.quantum_conversion_exponent):
        broken.append(f"clob pair {pair.id}: quantum conversion exponent outside ±{MAX_EXPONENT}")
    if pair.status not in SUPPORTED_CLOB_PAIR_STATUSES:
        broken.append(f"clob pair {pair.id}: STATUS_{pair.status.name} is not supported by the protocol (CLOB-1)")
    return broken


def check_fee_tiers(tiers: tuple[FeeTier, ...]) -> list[str]:
    """
    At least one tier; the first has no requirements; requirements never fall from one
    tier to the next; and the lowest maker rate plus the lowest taker rate is not negative,
    so fees on a fill never pay out more than they take in (FEE-5, ``PerpetualFeeParams.Validate``).
    """
    if not tiers:
        return ["feeTiers: at least one tier is needed (FEE-5)"]
    broken = []
    first = tiers[0]
    if (
        first.absolute_volume_requirement
        or first.total_volume_share_requirement_ppm
        or first.maker_volume_share_requirement_ppm
    ):
        broken.append("feeTiers: the first tier has no requirements (FEE-5)")
    for previous, current in itertools.pairwise(tiers):
        if (
            previous.absolute_volume_requirement > current.absolute_volume_requirement
            or previous.total_volume_share_requirement_ppm > current.total_volume_share_requirement_ppm
            or previous.maker_volume_share_requirement_ppm > current.maker_volume_share_requirement_ppm
        ):
            broken.append("feeTiers: requirements must not fall from one tier to the next (FEE-5)")
            break
    if min(t.maker_fee_ppm for t in tiers) + min(t.taker_fee_ppm for t in tiers) < 0:
        broken.append("feeTiers: lowest maker fee plus lowest taker fee is negative (FEE-5)")
    return broken


def check_stats_params(params: StatsParams) -> list[str]:
    """A positive epoch and a window of a positive whole number of epochs (FEE-4)."""
    if params.epoch_duration_seconds == 0:
        return ["stats: the epoch duration is 0 (FEE-4)"]
    window, epoch = params.window_duration_seconds, params.epoch_duration_seconds
    if window == 0 or window % epoch:
        return ["stats: the window is not a positive whole number of epochs (FEE-4)"]
    return []


def check_liquidations_config(config: LiquidationsConfig) -> list[str]:
    """
    v4's ``LiquidationsConfig.Validate`` (LIQ-10): a bankruptcy adjustment of at least 100%, a
    non-zero spread ratio, a fee and a position portion in (0, 100%], and non-zero subaccount limits.
    """
    broken = []
    if config.bankruptcy_adjustment_ppm < ONE_MILLION:
        broken.append("liquidationsConfig: bankruptcyAdjustmentPpm is below 1000000 (LIQ-10)")
    if config.spread_to_maintenance_margin_ratio_ppm == 0:
        broken.append("liquidationsConfig: spreadToMaintenanceMarginRatioPpm is 0 (LIQ-10)")
    if not 0 < config.max_liquidation_fee_ppm <= ONE_MILLION:
        broken.append("liquidationsConfig: maxLiquidationFeePpm is not in (0, 1000000] (LIQ-10)")
    if not 0 < config.max_position_portion_liquidated_ppm <= ONE_MILLION:
        broken.append("liquidationsConfig: maxPositionPortionLiquidatedPpm is not in (0, 1000000] (LIQ-10)")
    if config.max_notional_liquidated == 0:
        broken.append("liquidationsConfig: maxNotionalLiquidated is 0 (LIQ-10)")
    if config.max_quantums_insurance_lost == 0:
        broken.append("liquidationsConfig: maxQuantumsInsuranceLost is 0 (LIQ-10)")
    return broken


def check_perpetuals_params(params: PerpetualsParams) -> list[str]:
    """
    Each funding parameter positive (``Params.Validate``), and both clamp factors at most int32's
    maximum (perpspec's bound: a bound above it lets a rate or a vote overflow int32, where Go
    panics) (FUND-9).
    """
    broken = []
    for name, value in (
        ("fundingRateClampFactorPpm", params.funding_rate_clamp_factor_ppm),
        ("premiumVoteClampFactorPpm", params.premium_vote_clamp_factor_ppm),
        ("minNumVotesPerSample", params.min_num_votes_per_sample),
    ):
        if value == 0:
            broken.append(f"perpetuals.params.{name} is 0 (FUND-9)")
    for name, value in (
        ("fundingRateClampFactorPpm", params.funding_rate_clamp_factor_ppm),
        ("premiumVoteClampFactorPpm", params.premium_vote_clamp_factor_ppm),
    ):
        if value > INT32_MAX:
            broken.append(f"perpetuals.params.{name} above {INT32_MAX} (FUND-9)")
    return broken


def check_epoch_info(epoch: EpochInfo) -> list[str]:
    """A name, a positive duration, and an epoch number that is 0 exactly when its start block is (``EpochInfo.Validate``, FUND-9)."""
    broken = []
    if not epoch.name:
        broken.append("epochs: an epoch has no name (FUND-9)")
    if epoch.duration == 0:
        broken.append(f"epoch {epoch.name}: duration is 0 (FUND-9)")
    if (epoch.current_epoch == 0) != (epoch.current_epoch_start_block == 0):
        broken.append(f"epoch {epoch.name}: current epoch and its start block must be 0 together (FUND-9)")
    return broken


def check_funding_epochs(epochs: dict[str, EpochInfo]) -> list[str]:
    """Both funding epochs exist (FUND-9; Go panics without them)."""
    return [
        f"epochs: {name} is missing (FUND-9)"
        for name in (FUNDING_SAMPLE_EPOCH, FUNDING_TICK_EPOCH)
        if name not in epochs
    ]


def check_premium_store(store: PremiumStore, name: str) -> list[str]:
    """Only non-zero premiums, and no perpetual with more premiums than the store's count (FUND-10, FUND-11)."""
    broken = []
    for perpetual_id, premiums in store.premiums.items():
        if 0 in premiums:
            broken.append(f"perpetuals.{name}: perpetual {perpetual_id} holds a zero premium (FUND-10)")
        if len(premiums) > store.num_premiums:
            broken.append(f"perpetuals.{name}: perpetual {perpetual_id} holds more premiums than numPremiums (FUND-10)")
        if not premiums:
            broken.append(f"perpetuals.{name}: perpetual {perpetual_id} is listed with no premiums (FUND-10)")
    return broken
