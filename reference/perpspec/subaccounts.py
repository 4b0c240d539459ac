"""
Subaccounts: settlement, risk and the collateral check (spec/subaccounts.md).

Every change to a subaccount is an ``Update`` (a USDC delta and perpetual deltas)
applied by ``process_updates``, which first settles funding, then runs the
collateral check on every update of the batch, and writes all of them or none.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import Enum
from functools import partial
from typing import NamedTuple

import icontract

from perpspec import errors
from perpspec.config import CONTRACTS_ENABLED
from perpspec.events import SubaccountUpdateEvent
from perpspec.funding import funding_settlement_ppm, settlement_quote_quantums
from perpspec.margin import (
    Risk,
    is_initially_collateralized,
    position_risk_of_integers,
    risk_compare,
)
from perpspec.state import Perpetual, PerpetualPosition, RiskWatch, State, Subaccount
from perpspec.types import SubaccountId

WITHDRAWAL_GATING_BLOCKS = 50
"""Blocks during which withdrawals and transfers stay blocked (SUB-9)."""


class UpdateType(Enum):
    """Why a batch of updates is applied; withdrawals and transfers are gated (SUB-9)."""

    DEPOSIT = "Deposit"
    WITHDRAWAL = "Withdrawal"
    TRANSFER = "Transfer"
    MATCH = "Match"
    COLLAT_CHECK = "CollatCheck"


class UpdateResult(Enum):
    """The outcome of the collateral check for one update (SUB-7)."""

    SUCCESS = "Success"
    NEWLY_UNDERCOLLATERALIZED = "NewlyUndercollateralized"
    STILL_UNDERCOLLATERALIZED = "StillUndercollateralized"
    WITHDRAWALS_AND_TRANSFERS_BLOCKED = "WithdrawalsAndTransfersBlocked"
    UPDATE_CAUSED_ERROR = "UpdateCausedError"
    VIOLATES_ISOLATED_SUBACCOUNT_CONSTRAINTS = "ViolatesIsolatedSubaccountConstraints"


# Members read on every check, bound once (an Enum member lookup is slow in Python 3.11)
_SUCCESS = UpdateResult.SUCCESS
_GATED_UPDATE_TYPES = (UpdateType.WITHDRAWAL, UpdateType.TRANSFER)
_MATCH = UpdateType.MATCH
_COLLAT_CHECK = UpdateType.COLLAT_CHECK

RESULT_ERRORS: dict[UpdateResult, type[errors.ProtocolError]] = {
    UpdateResult.NEWLY_UNDERCOLLATERALIZED: errors.NewlyUndercollateralized,
    UpdateResult.STILL_UNDERCOLLATERALIZED: errors.StillUndercollateralized,
    UpdateResult.WITHDRAWALS_AND_TRANSFERS_BLOCKED: errors.WithdrawalsAndTransfersBlocked,
}


class Update(NamedTuple):
    """A change to one subaccount: a USDC delta and per-perpetual quantum deltas (SUB-5)."""

    subaccount_id: SubaccountId
    usdc_delta: int = 0
    perpetual_deltas: tuple[tuple[int, int], ...] = ()


@dataclass
class SettledUpdate:
    """An update together with its subaccount before (settled) and after the update."""

    update: Update
    settled: Subaccount
    updated: Subaccount
    settlement: int = 0
    funding_payments: dict[int, int] = field(default_factory=dict)


# --- reading ----------------------------------------------------------------------------


def get_subaccount(state: State, subaccount_id: SubaccountId) -> Subaccount:
    """The stored subaccount, or an empty one: absent and empty are the same (SUB-3)."""
    stored = state.subaccounts.subaccounts.get(subaccount_id)
    if stored is None:
        return Subaccount(subaccount_id)
    return copy_subaccount(stored)


def copy_subaccount(subaccount: Subaccount) -> Subaccount:
    positions = {
        pid: PerpetualPosition(p.perpetual_id, p.quantums, p.funding_index) for pid, p in subaccount.positions.items()
    }
    return Subaccount(subaccount.id, subaccount.usdc_balance, positions)


def get_perpetual(state: State, perpetual_id: int) -> Perpetual:
    perpetual = state.perpetuals.perpetuals.get(perpetual_id)
    if perpetual is None:
        raise errors.UnknownPerpetual(f"perpetual {perpetual_id} does not exist")
    return perpetual


def get_settled_subaccount(state: State, subaccount: Subaccount) -> tuple[Subaccount, dict[int, int]]:
    """
    The subaccount with funding settled against every perpetual's index (FUND-2).

    Per-position settlements are summed in ppm and applied once, rounded down; each
    position's funding index becomes the perpetual's.  Also returns the funding paid
    per perpetual (negative when received), as the indexer reports it.
    """
    settled = copy_subaccount(subaccount)
    total_ppm = 0
    payments: dict[int, int] = {}
    perpetuals = state.perpetuals.perpetuals
    for position in settled.positions.values():
        perpetual_index = perpetuals[position.perpetual_id].funding_index
        if position.funding_index == perpetual_index:
            continue  # settled already: a settlement of 0, and the index stays (FUND-1)
        settlement_ppm, new_index = funding_settlement_ppm(perpetual_index, position.funding_index, position.quantums)
        if settlement_ppm != 0:
            payments[position.perpetual_id] = -settlement_quote_quantums(settlement_ppm)
        total_ppm += settlement_ppm
        position.funding_index = new_index
    if total_ppm != 0:  # floor(0 / 1e6) is 0: nothing to add
        settled.usdc_balance += settlement_quote_quantums(total_ppm)
    return settled, payments


def get_position_risk(state: State, perpetual_id: int, quantums: int, open_interest: int | None = None) -> Risk:
    """
    NC, IMR and MMR of one position at the oracle price (MARGIN-4, MARGIN-2, MARGIN-3).

    The state holds integers, so this takes ``position_risk_of_integers``, the integer form
    of ``position_net_notional_quote_quantums`` and ``perpetual_margin_requirements``
    (equal to them: tests/properties/test_fast_path_margin.py).
    """
    perpetual = state.perpetuals.perpetuals[perpetual_id]
    price = state.prices.market_prices[perpetual.market_id]
    tier = state.perpetuals.liquidity_tiers[perpetual.liquidity_tier]
    return Risk(
        *position_risk_of_integers(
            quantums,
            perpetual.atomic_resolution,
            price.price,
            price.exponent,
            tier.initial_margin_ppm,
            tier.maintenance_fraction_ppm,
            perpetual.open_interest if open_interest is None else open_interest,
            tier.open_interest_lower_cap,
            tier.open_interest_upper_cap,
        )
    )


def get_subaccount_risk(state: State, subaccount: Subaccount, open_interest: dict[int, int] | None = None) -> Risk:
    """
    Total NC, IMR and MMR of a subaccount (MARGIN-5).

    TNC = USDC balance + the sum of position net notionals; TIMR and TMMR are sums.
    ``open_interest`` overrides perpetuals' open interest (post-trade OI for IMR).
    """
    nc, imr, mmr = subaccount.usdc_balance, 0, 0
    overrides = open_interest or {}
    for position in subaccount.positions.values():
        risk = get_position_risk(state, position.perpetual_id, position.quantums, overrides.get(position.perpetual_id))
        nc += risk.nc
        imr += risk.imr
        mmr += risk.mmr
    return Risk(nc, imr, mmr)


def is_withdrawal_gated(state: State) -> bool:
    """Withdrawals and transfers are blocked within 50 blocks of a negative-TNC subaccount or an outage (SUB-9)."""
    for seen_at in (state.subaccounts.negative_tnc_subaccount_seen_at_block, state.blocks.last_chain_outage_at_block):
        if seen_at is not None and state.blocks.height - seen_at < WITHDRAWAL_GATING_BLOCKS:
            return True
    return False


def is_perpetual_updatable(state: State, perpetual_id: int) -> bool:
    """A perpetual's positions may change only once its market has a non-zero price (PRICE-7)."""
    perpetual = get_perpetual(state, perpetual_id)
    return state.prices.market_prices[perpetual.market_id].price != 0


# --- computing --------------------------------------------------------------------------


def compute_updated_subaccount(state: State, settled: Subaccount, update: Update) -> Subaccount:
    """
    The settled subaccount with the update applied (SUB-5).

    A new position starts at the perpetual's current funding index; a position that
    reaches zero quantums is removed (SUB-4).
    """
    updated = copy_subaccount(settled)
    updated.usdc_balance += update.usdc_delta
    for perpetual_id, delta in update.perpetual_deltas:
        position = updated.positions.get(perpetual_id)
        if position is None:
            position = PerpetualPosition(perpetual_id, 0, get_perpetual(state, perpetual_id).funding_index)
            updated.positions[perpetual_id] = position
        position.quantums += delta
        if position.quantums == 0:
            del updated.positions[perpetual_id]
    return updated


@icontract.ensure(
    lambda risk_current, risk_new, result: result is not UpdateResult.SUCCESS or risk_new.mmr <= risk_current.mmr,
    "SUB-8: an under-collateralized update never raises maintenance margin",
    enabled=CONTRACTS_ENABLED,
)
@icontract.ensure(
    lambda risk_current, risk_new, result: (
        result is not UpdateResult.SUCCESS
        or (risk_new.mmr == 0 and risk_current.mmr == 0 and risk_new.nc > risk_current.nc)
        or risk_compare(risk_new.nc, risk_new.mmr, risk_current.nc, risk_current.mmr) <= 0
    ),
    "SUB-8: an under-collateralized update never makes the account riskier",
    enabled=CONTRACTS_ENABLED,
)
def compute_undercollateralized_result(risk_current: Risk, risk_new: Risk) -> UpdateResult:
    """
    Whether an update that leaves the subaccount below initial margin is still allowed (SUB-8).

    The failure is NewlyUndercollateralized when the subaccount met its initial margin
    before, StillUndercollateralized otherwise.  The update is allowed only if the
    maintenance margin does not rise and, with positions on both sides, the
    NC/MMR ratio does not worsen; with no margin requirement on either side, only if
    both MMRs are zero and net collateral strictly rises.
    """
    failure = (
        UpdateResult.NEWLY_UNDERCOLLATERALIZED
        if is_initially_collateralized(risk_current)
        else UpdateResult.STILL_UNDERCOLLATERALIZED
    )
    if risk_new.mmr > risk_current.mmr:
        return failure
    if risk_new.mmr == 0 or risk_current.mmr == 0:
        if risk_new.mmr == 0 and risk_current.mmr == 0 and risk_new.nc > risk_current.nc:
            return UpdateResult.SUCCESS
        return failure
    if risk_compare(risk_new.nc, risk_new.mmr, risk_current.nc, risk_current.mmr) > 0:
        return failure
    return UpdateResult.SUCCESS


def compute_update_result(risk_new: Risk, current_risk: Callable[[], Risk]) -> UpdateResult:
    """
    The collateral check's decision for one update (SUB-7): the one place the state machine decides it.

    Success when the subaccount after the update is initially collateralized, NC >= IMR
    (MARGIN-6); otherwise the under-collateralized rule (SUB-8) on its risk before the update
    and after.  ``current_risk`` computes the risk before the update and is called only in the
    second case, so an update that meets initial margin costs one risk, not two.
    ``check_updates`` decides every update here, ``check_update_succeeds`` takes its
    initial-margin test, and the z3 and CrossHair proofs of SOLV-1 run this function.
    """
    if is_initially_collateralized(risk_new):
        return _SUCCESS
    return compute_undercollateralized_result(current_risk(), risk_new)


def compute_open_interest_deltas(settled_updates: Iterable[SettledUpdate]) -> dict[int, int]:
    """The change of each perpetual's open interest: the change in the sum of long positions (SUB-6)."""
    deltas: dict[int, int] = {}
    for settled_update in settled_updates:
        settled_positions = settled_update.settled.positions
        updated_positions = settled_update.updated.positions
        for perpetual_id, _ in settled_update.update.perpetual_deltas:
            before = settled_positions.get(perpetual_id)
            after = updated_positions.get(perpetual_id)
            old_long = before.quantums if before is not None and before.quantums > 0 else 0
            new_long = after.quantums if after is not None and after.quantums > 0 else 0
            deltas[perpetual_id] = deltas.get(perpetual_id, 0) + new_long - old_long
    return {pid: delta for pid, delta in deltas.items() if delta != 0}


def validate_unique_updates(updates: list[Update]) -> None:
    """A batch holds one update per subaccount, and an update one delta per perpetual (SUB-5)."""
    # The usual batches, one update or a fill's two, with at most one delta each
    if len(updates) == 1 and len(updates[0].perpetual_deltas) <= 1:
        return
    if len(updates) == 2 and len(updates[0].perpetual_deltas) <= 1 and len(updates[1].perpetual_deltas) <= 1:
        if updates[0].subaccount_id == updates[1].subaccount_id:
            raise errors.NonUniqueUpdates("a batch names a subaccount twice")
        return
    subaccount_ids = [update.subaccount_id for update in updates]
    if len(set(subaccount_ids)) != len(subaccount_ids):
        raise errors.NonUniqueUpdates("a batch names a subaccount twice")
    for update in updates:
        perpetual_ids = [perpetual_id for perpetual_id, _ in update.perpetual_deltas]
        if len(set(perpetual_ids)) != len(perpetual_ids):
            raise errors.NonUniqueUpdates(f"an update of {update.subaccount_id} names a perpetual twice")


def compute_settled_updates(state: State, updates: list[Update]) -> list[SettledUpdate]:
    """Settle each updated subaccount and compute it after its update (FUND-2, SUB-5)."""
    settled_updates = []
    perpetuals = state.perpetuals.perpetuals
    for update in updates:
        current = state.subaccounts.subaccounts.get(update.subaccount_id)
        if current is None:
            current = Subaccount(update.subaccount_id)
        for perpetual_id, position in current.positions.items():
            if position.funding_index != perpetuals[perpetual_id].funding_index:
                settled, payments = get_settled_subaccount(state, current)
                break
        else:
            # Nothing to settle: get_settled_subaccount would return an equal copy with no
            # payments.  The stored subaccount stands for it; it is only read, and a write
            # replaces it with ``updated`` (tests/properties/test_fast_path_updates.py).
            settled, payments = current, {}
        updated = compute_updated_subaccount(state, settled, update)
        settlement = settled.usdc_balance - current.usdc_balance
        settled_updates.append(SettledUpdate(update, settled, updated, settlement, payments))
    return settled_updates


def check_updates(
    state: State, updates: list[Update], update_type: UpdateType
) -> tuple[list[UpdateResult], list[SettledUpdate]]:
    """
    The collateral check of a batch of updates, without writing anything (SUB-7).

    In order: one update per subaccount and one delta per perpetual (SUB-5); funding
    settlement (FUND-2); withdrawal/transfer gating (SUB-9); every
    touched perpetual must be updatable (PRICE-7, an error rather than a result); then, with a
    Match batch's open-interest change applied for initial margin (SUB-6), each update succeeds
    if NC >= IMR after it, else by the under-collateralized rule (SUB-8): ``compute_update_result``.
    """
    validate_unique_updates(updates)
    settled_updates = compute_settled_updates(state, updates)
    if update_type in _GATED_UPDATE_TYPES and is_withdrawal_gated(state):
        return [UpdateResult.WITHDRAWALS_AND_TRANSFERS_BLOCKED] * len(updates), settled_updates
    for update in updates:
        for perpetual_id, _ in update.perpetual_deltas:
            if not is_perpetual_updatable(state, perpetual_id):
                raise errors.PositionNotUpdatable(f"perpetual {perpetual_id} has no oracle price yet")
    post_trade_open_interest = (
        {
            pid: state.perpetuals.perpetuals[pid].open_interest + delta
            for pid, delta in compute_open_interest_deltas(settled_updates).items()
        }
        if update_type is _MATCH
        else {}
    )
    results = []
    for settled_update in settled_updates:
        risk_new = get_subaccount_risk(state, settled_update.updated, post_trade_open_interest)
        current_risk = partial(get_subaccount_risk, state, settled_update.settled, post_trade_open_interest)
        results.append(compute_update_result(risk_new, current_risk))
    return results, settled_updates


def check_update_succeeds(state: State, update: Update, update_type: UpdateType) -> bool:
    """
    Whether ``check_updates(state, [update], update_type)`` gives SUCCESS (SUB-7), for one update.

    The add-to-book check (MATCH-7) asks this of every resting order.  Its usual case -- a
    CollatCheck of a stored subaccount with nothing to settle and one perpetual delta on an
    updatable perpetual -- is answered from the positions' risks alone, without building the
    settled and updated subaccounts, by the same decision as ``check_updates``
    (``compute_update_result``: NC >= IMR after it, else SUB-8); every other case goes through
    ``check_updates`` (equal to it: tests/properties/test_fast_path_updates.py).
    """
    stored = state.subaccounts.subaccounts.get(update.subaccount_id)
    if update_type is _COLLAT_CHECK and stored is not None and len(update.perpetual_deltas) == 1:
        perpetual_id, delta = update.perpetual_deltas[0]
        perpetuals = state.perpetuals.perpetuals
        perpetual = perpetuals.get(perpetual_id)
        if perpetual is not None and state.prices.market_prices[perpetual.market_id].price != 0:
            nc = stored.usdc_balance + update.usdc_delta
            imr = mmr = 0
            held = False
            for held_id, position in stored.positions.items():
                if position.funding_index != perpetuals[held_id].funding_index:
                    break  # funding to settle first: the general check
                quantums = position.quantums
                if held_id == perpetual_id:
                    quantums += delta  # a position that reaches 0 has no risk, as if removed (SUB-4)
                    held = True
                risk = get_position_risk(state, held_id, quantums)
                nc += risk.nc
                imr += risk.imr
                mmr += risk.mmr
            else:
                if not held:
                    risk = get_position_risk(state, perpetual_id, delta)
                    nc += risk.nc
                    imr += risk.imr
                    mmr += risk.mmr
                # Nothing to settle, so the stored subaccount is the settled one (FUND-2), and a
                # CollatCheck leaves open interest as it is (SUB-6): the same decision as check_updates.
                current_risk = partial(get_subaccount_risk, state, stored)
                return compute_update_result(Risk(nc, imr, mmr), current_risk) is _SUCCESS
    results, _ = check_updates(state, [update], update_type)
    return results[0] is _SUCCESS


def get_risk_watch(state: State) -> RiskWatch:
    """
    The risk watch, built on first use (LIQ-11): every subaccount's perpetuals, and every
    subaccount counted as changed, so the first liquidation phase looks at each once.
    """
    watch = state.risk_watch
    if not watch.built:
        for subaccount_id, subaccount in state.subaccounts.subaccounts.items():
            for perpetual_id, position in subaccount.positions.items():
                get_position_holders(watch, perpetual_id, position.quantums > 0).add(subaccount_id)
            watch.changed.add(subaccount_id)
        watch.built = True
    return watch


def get_position_holders(watch: RiskWatch, perpetual_id: int, is_long: bool) -> set[SubaccountId]:
    """The watch's set of the subaccounts long (or short) in a perpetual, created empty on first use (LIQ-11)."""
    sides = watch.longs if is_long else watch.shorts
    holders = sides.get(perpetual_id)
    if holders is None:
        holders = set()
        sides[perpetual_id] = holders
    return holders


def get_holders(state: State, perpetual_id: int) -> set[SubaccountId]:
    """Every subaccount with a position in a perpetual, long or short (LIQ-11, FINAL-2)."""
    watch = get_risk_watch(state)
    return watch.longs.get(perpetual_id, set()) | watch.shorts.get(perpetual_id, set())


# --- writing ----------------------------------------------------------------------------


def write_subaccount(state: State, subaccount: Subaccount) -> None:
    """
    Store a subaccount; an empty one is deleted, so absent and empty agree (SUB-3).

    The risk watch, once built, learns of the write and of the perpetuals the subaccount
    holds (LIQ-11): O(its positions).
    """
    watch = state.risk_watch
    if watch.built:
        watch.changed.add(subaccount.id)
        stored = state.subaccounts.subaccounts.get(subaccount.id)
        before = stored.positions if stored is not None else {}
        after = subaccount.positions
        for perpetual_id, position in before.items():
            kept = after.get(perpetual_id)
            if kept is None or (kept.quantums > 0) != (position.quantums > 0):
                get_position_holders(watch, perpetual_id, position.quantums > 0).discard(subaccount.id)
        for perpetual_id, position in after.items():
            held = before.get(perpetual_id)
            if held is None or (held.quantums > 0) != (position.quantums > 0):
                get_position_holders(watch, perpetual_id, position.quantums > 0).add(subaccount.id)
    if subaccount.is_empty():
        state.subaccounts.subaccounts.pop(subaccount.id, None)
    else:
        state.subaccounts.subaccounts[subaccount.id] = subaccount


def process_updates(state: State, updates: list[Update], update_type: UpdateType) -> list[SettledUpdate]:
    """
    Apply a batch of updates atomically, or raise the first failing result's error (SUB-7).

    Nothing is written unless every update succeeds; then every updated subaccount
    is written (settled, with its update), the funding pool pays or receives each
    settlement (FUND-3), and open interest follows (SUB-6).
    """
    results, settled_updates = check_updates(state, updates, update_type)
    for result in results:
        if result is not UpdateResult.SUCCESS:
            raise RESULT_ERRORS[result](f"collateral check: {result.value}")
    write_settled_updates(state, settled_updates)
    return settled_updates


def write_settled_updates(state: State, settled_updates: list[SettledUpdate]) -> None:
    """
    Write a batch that passed the collateral check (SUB-7): open interest follows (SUB-6),
    the funding pool pays or receives each settlement (FUND-3), and each subaccount is
    stored settled, with its update.
    """
    for perpetual_id, delta in compute_open_interest_deltas(settled_updates).items():
        state.perpetuals.perpetuals[perpetual_id].open_interest += delta
    for settled_update in settled_updates:
        state.bank.funding_pool -= settled_update.settlement
        write_subaccount(state, settled_update.updated)


# --- events -----------------------------------------------------------------------------


def get_subaccount_update_event(settled_update: SettledUpdate) -> SubaccountUpdateEvent:
    """The subaccount after an update: its USDC, positions by perpetual id and any funding paid (TX-4)."""
    updated = settled_update.updated
    positions = updated.positions
    payments = settled_update.funding_payments
    return SubaccountUpdateEvent(
        updated.id,
        updated.usdc_balance,
        tuple(
            (p.perpetual_id, p.quantums, p.funding_index)
            for p in (positions[pid] for pid in (sorted(positions) if len(positions) > 1 else positions))
        ),
        tuple(sorted(payments.items())) if payments else (),
    )
