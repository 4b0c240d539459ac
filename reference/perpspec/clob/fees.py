"""
Fees: fee tiers by 30-day volume, fee rates and fee amounts (spec/clob.md, FEE-1..5).

A fill's fees are computed from the maker's price and each party's tier; the fee
collector receives both, so the taker's and the maker's USDC changes and the fees sum to
zero on every fill (FEE-3).  Volume is recorded per address and counts towards tiers from
the end of the block it was traded in (FEE-4).
"""

from __future__ import annotations

from typing import Any

from perpspec.clob.state import FeeTier, StatsState, UserVolume, VolumeStats
from perpspec.rounding import ONE_MILLION, floor_div, mul_ppm_ceil
from perpspec.state import State

NO_VOLUME = UserVolume()


def get_fee_tier_index(tiers: tuple[FeeTier, ...], user: UserVolume, global_notional: int) -> int:
    """
    The fee tier of an address: the first tier, then each next one while the address meets
    all of its requirements (FEE-1, ``GetPerpetualFeeTier``).

    Requirements: total notional (taker + maker) at least the absolute requirement, at
    least floor(global notional * total share ppm / 1e6), and maker notional at least
    floor(global notional * maker share ppm / 1e6).
    """
    total = user.taker_notional + user.maker_notional
    index = 0
    for i in range(1, len(tiers)):
        tier = tiers[i]
        if total < tier.absolute_volume_requirement:
            break
        if total < floor_div(global_notional * tier.total_volume_share_requirement_ppm, ONE_MILLION):
            break
        if user.maker_notional < floor_div(global_notional * tier.maker_volume_share_requirement_ppm, ONE_MILLION):
            break
        index = i
    return index


def get_fee_ppm(state: State, address: str, is_taker: bool) -> int:
    """The taker or maker fee rate of an address, in ppm; a negative maker rate is a rebate (FEE-2)."""
    volume = state.stats.volume
    tiers = state.fee_tiers.params.tiers
    if len(tiers) == 1:
        tier = tiers[0]
    else:
        tier = tiers[get_fee_tier_index(tiers, volume.users.get(address, NO_VOLUME), volume.global_notional)]
    return tier.taker_fee_ppm if is_taker else tier.maker_fee_ppm


def compute_fee_quote_quantums(fill_quote_quantums: Any, fee_ppm: Any) -> Any:
    """
    The fee on a fill: ceil(fill quote * fee ppm / 1e6) (FEE-2).

    Rounding up favours the protocol on a charge, and rounds a rebate toward zero.
    """
    if type(fill_quote_quantums) is int and type(fee_ppm) is int:
        return fee_of_integers(fill_quote_quantums, fee_ppm)
    return mul_ppm_ceil(fill_quote_quantums, fee_ppm)


def fee_of_integers(fill_quote_quantums: int, fee_ppm: int) -> int:
    """
    ``mul_ppm_ceil`` on integers without its z3 dispatch: ceil(x / d) = -floor(-x / d) (FEE-2).

    Equal to ``mul_ppm_ceil`` for every integer input: a Z3 proof in ``perpspec.verify.z3.fills``.
    """
    return -(-(fill_quote_quantums * fee_ppm) // ONE_MILLION)


def record_fill_volume(volume: VolumeStats, taker: str, maker: str, fill_quote_quantums: int) -> None:
    """Count a fill's notional for the taker's and the maker's address, from the end of this block (FEE-4)."""
    pending = volume.pending
    taker_volume = pending.get(taker)
    if taker_volume is None:
        taker_volume = pending[taker] = UserVolume()
    taker_volume.taker_notional += fill_quote_quantums
    maker_volume = pending.get(maker)
    if maker_volume is None:
        maker_volume = pending[maker] = UserVolume()
    maker_volume.maker_notional += fill_quote_quantums
    volume.pending_notional += fill_quote_quantums


def _add_volume(table: dict[str, UserVolume], address: str, taker: int, maker: int) -> None:
    entry = table.get(address)
    if entry is None:
        entry = table[address] = UserVolume()
    entry.taker_notional += taker
    entry.maker_notional += maker
    if entry.taker_notional == 0 and entry.maker_notional == 0:
        del table[address]


def process_volume_end_block(stats: StatsState, block_time: int, next_block_time: int) -> None:
    """
    At the end of a block: its fills join the epoch of its time, and epochs that have left
    the window at the next block's time stop counting (FEE-4).

    With epoch length E and window W (a whole number of epochs, GEN-2), the block at time t
    is in epoch floor(t / E), and the epochs kept at time t' are those from
    floor(t' / E) - W / E + 1 on.
    """
    volume = stats.volume
    epoch_seconds = stats.params.epoch_duration_seconds
    epoch = floor_div(block_time, epoch_seconds)
    if volume.pending:
        epoch_users = volume.epochs.setdefault(epoch, {})
        for address in sorted(volume.pending):
            entry = volume.pending[address]
            _add_volume(epoch_users, address, entry.taker_notional, entry.maker_notional)
            _add_volume(volume.users, address, entry.taker_notional, entry.maker_notional)
        volume.epoch_notional[epoch] = volume.epoch_notional.get(epoch, 0) + volume.pending_notional
        volume.global_notional += volume.pending_notional
        volume.pending = {}
        volume.pending_notional = 0
    window_epochs = floor_div(stats.params.window_duration_seconds, epoch_seconds)  # exact: GEN-2 bounds it
    oldest_kept = floor_div(next_block_time, epoch_seconds) - window_epochs + 1
    for old in sorted(e for e in volume.epochs if e < oldest_kept):
        for address, entry in sorted(volume.epochs.pop(old).items()):
            _add_volume(volume.users, address, -entry.taker_notional, -entry.maker_notional)
        volume.global_notional -= volume.epoch_notional.pop(old)
