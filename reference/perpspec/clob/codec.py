"""
The clob part of the state's JSON: books, waiting orders, fill amounts, cancels, fee tiers
and volume (spec/codec.md CODEC-1, spec/clob.md CLOB-3).

Resting orders are written per clob pair, bids then asks, each best price first and
oldest first within a price, so the list order is the priority order and decoding
rebuilds the same book.  Indexes that follow from these (expiry queues, sequence
numbers) are not written; decoding rebuilds them.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any

from perpspec import errors
from perpspec.clob.state import ClobPairStatus, ClobState, FeeTier, Order, UserVolume, VolumeStats
from perpspec.messages import (
    encode_order,
    encode_order_id,
    is_stateful_order_id,
    read_order,
    read_order_id,
    validate_order_basic,
)
from perpspec.state import State
from perpspec.types import OrderId
from perpspec.units import INT32_MAX, INT32_MIN, UINT32_MAX, UINT64_MAX

BIG = 10**400


# --- encoding --------------------------------------------------------------------------


def encode_fee_tier(tier: FeeTier) -> dict:
    return {
        "name": tier.name,
        "absoluteVolumeRequirement": str(tier.absolute_volume_requirement),
        "totalVolumeShareRequirementPpm": tier.total_volume_share_requirement_ppm,
        "makerVolumeShareRequirementPpm": tier.maker_volume_share_requirement_ppm,
        "makerFeePpm": tier.maker_fee_ppm,
        "takerFeePpm": tier.taker_fee_ppm,
    }


def _encode_users(users: dict[str, UserVolume]) -> list[dict]:
    return [
        {
            "address": address,
            "takerNotional": str(users[address].taker_notional),
            "makerNotional": str(users[address].maker_notional),
        }
        for address in sorted(users)
    ]


def encode_volume(volume: VolumeStats) -> dict:
    return {
        "epochs": [
            {
                "epoch": epoch,
                "notional": str(volume.epoch_notional[epoch]),
                "users": _encode_users(volume.epochs[epoch]),
            }
            for epoch in sorted(volume.epochs)
        ],
        "pending": _encode_users(volume.pending),
    }


def encode_clob(clob: ClobState) -> dict:
    books = []
    for pair_id in sorted(clob.books):
        book = clob.books[pair_id]
        bids = [encode_order(e.order) for level in book.bids.levels_best_first() for e in level.orders()]
        asks = [encode_order(e.order) for level in book.asks.levels_best_first() for e in level.orders()]
        if bids or asks:
            books.append({"clobPairId": pair_id, "bids": bids, "asks": asks})
    return {
        "books": books,
        "untriggeredOrders": [encode_order(clob.untriggered[oid]) for oid in sorted(clob.untriggered)],
        "fillAmounts": [
            {
                "orderId": encode_order_id(oid),
                "quantums": str(clob.fill_amounts[oid]),
                "prunableAtBlock": clob.fill_amount_expiry.get(oid, 0),
            }
            for oid in sorted(clob.fill_amounts)
        ],
        "shortTermCancels": [
            {"orderId": encode_order_id(oid), "goodTilBlock": clob.short_term_cancels[oid]}
            for oid in sorted(clob.short_term_cancels)
        ],
        "tradePrices": [
            {
                "perpetualId": perpetual_id,
                "minSubticks": str(clob.trade_prices[perpetual_id][0]),
                "maxSubticks": str(clob.trade_prices[perpetual_id][1]),
            }
            for perpetual_id in sorted(clob.trade_prices)
        ],
    }


# --- decoding --------------------------------------------------------------------------


def _object(value: Any, where: str, keys: set[str]) -> dict:
    if not isinstance(value, dict):
        raise errors.InvalidGenesis(f"{where}: expected a JSON object")
    if set(value) != keys:
        raise errors.InvalidGenesis(f"{where}: expected exactly the fields {sorted(keys)}")
    return value


def _list(value: Any, where: str) -> list:
    if not isinstance(value, list):
        raise errors.InvalidGenesis(f"{where}: expected a list")
    return value


def _integer(value: Any, where: str, minimum: int, maximum: int) -> int:
    if isinstance(value, str) and value.lstrip("-").isdigit() and 0 < len(value) <= 401:
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not minimum <= value <= maximum:
        raise errors.InvalidGenesis(f"{where}: expected an integer in [{minimum}, {maximum}]")
    return value


def _as_genesis_error(read: Callable[[], Any]) -> Any:
    try:
        return read()
    except errors.ProtocolError as error:
        raise errors.InvalidGenesis(error.message) from None


def decode_fee_tiers(items: list, where: str) -> tuple[FeeTier, ...]:
    """Fee tiers, checked as the real chain checks them (FEE-5)."""
    tiers = []
    for i, item in enumerate(_list(items, where)):
        at = f"{where}[{i}]"
        obj = _object(
            item,
            at,
            {
                "name",
                "absoluteVolumeRequirement",
                "totalVolumeShareRequirementPpm",
                "makerVolumeShareRequirementPpm",
                "makerFeePpm",
                "takerFeePpm",
            },
        )
        if not isinstance(obj["name"], str):
            raise errors.InvalidGenesis(f"{at}.name: expected a string")
        tiers.append(
            FeeTier(
                name=obj["name"],
                absolute_volume_requirement=_integer(obj["absoluteVolumeRequirement"], at, 0, UINT64_MAX),
                total_volume_share_requirement_ppm=_integer(obj["totalVolumeShareRequirementPpm"], at, 0, UINT32_MAX),
                maker_volume_share_requirement_ppm=_integer(obj["makerVolumeShareRequirementPpm"], at, 0, UINT32_MAX),
                maker_fee_ppm=_integer(obj["makerFeePpm"], at, INT32_MIN, INT32_MAX),
                taker_fee_ppm=_integer(obj["takerFeePpm"], at, INT32_MIN, INT32_MAX),
            )
        )
    validate_fee_tiers(tuple(tiers))
    return tuple(tiers)


def validate_fee_tiers(tiers: tuple[FeeTier, ...]) -> None:
    """
    At least one tier; the first has no requirements; requirements never fall from one
    tier to the next; and the lowest maker rate plus the lowest taker rate is not negative,
    so fees on a fill never pay out more than they take in (FEE-5, ``PerpetualFeeParams.Validate``).
    """
    if not tiers:
        raise errors.InvalidGenesis("feeTiers: at least one tier is needed (FEE-5)")
    first = tiers[0]
    if (
        first.absolute_volume_requirement
        or first.total_volume_share_requirement_ppm
        or first.maker_volume_share_requirement_ppm
    ):
        raise errors.InvalidGenesis("feeTiers: the first tier has no requirements (FEE-5)")
    for previous, current in itertools.pairwise(tiers):
        if (
            previous.absolute_volume_requirement > current.absolute_volume_requirement
            or previous.total_volume_share_requirement_ppm > current.total_volume_share_requirement_ppm
            or previous.maker_volume_share_requirement_ppm > current.maker_volume_share_requirement_ppm
        ):
            raise errors.InvalidGenesis("feeTiers: requirements must not fall from one tier to the next (FEE-5)")
    if min(t.maker_fee_ppm for t in tiers) + min(t.taker_fee_ppm for t in tiers) < 0:
        raise errors.InvalidGenesis("feeTiers: lowest maker fee plus lowest taker fee is negative (FEE-5)")


def _decode_users(items: Any, where: str) -> dict[str, UserVolume]:
    users: dict[str, UserVolume] = {}
    for i, item in enumerate(_list(items, where)):
        obj = _object(item, f"{where}[{i}]", {"address", "takerNotional", "makerNotional"})
        if not isinstance(obj["address"], str) or obj["address"] in users:
            raise errors.InvalidGenesis(f"{where}[{i}].address: expected a new address string")
        users[obj["address"]] = UserVolume(
            _integer(obj["takerNotional"], f"{where}[{i}]", 0, BIG),
            _integer(obj["makerNotional"], f"{where}[{i}]", 0, BIG),
        )
    return users


def decode_volume(value: Any, where: str = "volume") -> VolumeStats:
    """Volume by epoch; the sums over epochs are rebuilt (FEE-4)."""
    obj = _object(value, where, {"epochs", "pending"})
    volume = VolumeStats()
    for i, item in enumerate(_list(obj["epochs"], f"{where}.epochs")):
        at = f"{where}.epochs[{i}]"
        e = _object(item, at, {"epoch", "notional", "users"})
        epoch = _integer(e["epoch"], at, 0, BIG)
        if epoch in volume.epochs:
            raise errors.InvalidGenesis(f"{at}: epoch {epoch} appears twice")
        volume.epochs[epoch] = _decode_users(e["users"], f"{at}.users")
        volume.epoch_notional[epoch] = _integer(e["notional"], at, 0, BIG)
        volume.global_notional += volume.epoch_notional[epoch]
        for address, entry in volume.epochs[epoch].items():
            total = volume.users.setdefault(address, UserVolume())
            total.taker_notional += entry.taker_notional
            total.maker_notional += entry.maker_notional
    volume.pending = _decode_users(obj["pending"], f"{where}.pending")
    volume.pending_notional = sum(u.taker_notional for u in volume.pending.values())
    if volume.pending_notional != sum(u.maker_notional for u in volume.pending.values()):
        raise errors.InvalidGenesis(f"{where}.pending: taker and maker notional differ")
    return volume


def decode_clob(value: Any, state: State, where: str = "clob") -> ClobState:
    """The clob state; every order is valid, books are not crossed, ids are unique (CLOB-3)."""
    from perpspec.clob.orders import validate_clob_pair_status

    # tradePrices may be omitted: a genesis usually starts a block with no fills (COND-3)
    optional = {"tradePrices"} & set(value) if isinstance(value, dict) else set()
    obj = _object(value, where, {"books", "untriggeredOrders", "fillAmounts", "shortTermCancels"} | optional)
    clob = ClobState()
    seen: set[OrderId] = set()

    def read(item: Any, at: str) -> Order:
        order = _as_genesis_error(lambda: read_order(item, at))
        _as_genesis_error(lambda: validate_order_basic(order))
        if order.order_id in seen:
            raise errors.InvalidGenesis(f"{at}: order id appears twice")
        if order.order_id.clob_pair_id not in state.clob_pairs:
            raise errors.InvalidGenesis(f"{at}: unknown clob pair")
        pair = state.clob_pairs[order.order_id.clob_pair_id]
        if pair.status is not ClobPairStatus.ACTIVE and not (
            pair.status is ClobPairStatus.INITIALIZING and order.order_id.order_flags == 0 and order.time_in_force == 2
        ):
            raise errors.InvalidGenesis(f"{at}: the clob pair's status does not accept this order (CLOB-2)")
        seen.add(order.order_id)
        return order

    for i, item in enumerate(_list(obj["books"], f"{where}.books")):
        at = f"{where}.books[{i}]"
        b = _object(item, at, {"clobPairId", "bids", "asks"})
        pair_id = _integer(b["clobPairId"], at, 0, UINT32_MAX)
        if pair_id in clob.books:
            raise errors.InvalidGenesis(f"{at}: clob pair {pair_id} appears twice")
        if pair_id not in state.clob_pairs:
            raise errors.InvalidGenesis(f"{at}: unknown clob pair {pair_id}")
        if not _list(b["bids"], f"{at}.bids") and not _list(b["asks"], f"{at}.asks"):
            raise errors.InvalidGenesis(f"{at}: a book is listed only when it has a resting order")
        book = clob.book(pair_id)
        for side_name, is_buy in (("bids", True), ("asks", False)):
            previous = None
            for j, raw in enumerate(_list(b[side_name], f"{at}.{side_name}")):
                order = read(raw, f"{at}.{side_name}[{j}]")
                if order.order_id.clob_pair_id != pair_id or (order.side == 1) != is_buy:
                    raise errors.InvalidGenesis(f"{at}.{side_name}[{j}]: order is on the wrong book or side")
                if order.time_in_force == 1:
                    raise errors.InvalidGenesis(f"{at}.{side_name}[{j}]: IOC orders never rest")
                if previous is not None and (order.subticks > previous if is_buy else order.subticks < previous):
                    raise errors.InvalidGenesis(f"{at}.{side_name}: orders are not best price first")
                previous = order.subticks
                clob.add_resting(order)
        pair = state.clob_pairs.get(pair_id)
        if pair is not None and pair.status is ClobPairStatus.INITIALIZING:
            for entry in list(clob.resting.values()):
                if entry.order_id.clob_pair_id == pair_id:
                    _as_genesis_error(lambda: validate_clob_pair_status(state, pair, entry.order))
        best_bid, best_ask = book.bids.best(), book.asks.best()
        if best_bid is not None and best_ask is not None and best_bid.subticks >= best_ask.subticks:
            raise errors.InvalidGenesis(f"{at}: the book is crossed (INV-9)")
    for i, raw in enumerate(_list(obj["untriggeredOrders"], f"{where}.untriggeredOrders")):
        order = read(raw, f"{where}.untriggeredOrders[{i}]")
        if order.order_id.order_flags != 32:
            raise errors.InvalidGenesis(f"{where}.untriggeredOrders[{i}]: not a conditional order")
        clob.add_untriggered(order)
    for i, item in enumerate(_list(obj["fillAmounts"], f"{where}.fillAmounts")):
        at = f"{where}.fillAmounts[{i}]"
        f = _object(item, at, {"orderId", "quantums", "prunableAtBlock"})
        order_id = _as_genesis_error(lambda: read_order_id(f["orderId"], at))
        if order_id in clob.fill_amounts:
            raise errors.InvalidGenesis(f"{at}: order id appears twice")
        clob.fill_amounts[order_id] = _integer(f["quantums"], at, 1, UINT64_MAX)
        prunable = _integer(f["prunableAtBlock"], at, 0, UINT32_MAX)
        if is_stateful_order_id(order_id) != (prunable == 0):
            raise errors.InvalidGenesis(f"{at}: a short-term fill amount needs prunableAtBlock, a stateful one 0")
        if prunable:
            if prunable < state.block_height:
                raise errors.InvalidGenesis(f"{at}: prunableAtBlock has already passed (ORDER-11)")
            clob.fill_amount_expiry[order_id] = prunable
            clob.expire_at_block(prunable, order_id)
        live = clob.resting.get(order_id)
        if live is not None and clob.fill_amounts[order_id] >= live.order.quantums:
            raise errors.InvalidGenesis(f"{at}: a resting order is already fully filled")
    for i, item in enumerate(_list(obj["shortTermCancels"], f"{where}.shortTermCancels")):
        at = f"{where}.shortTermCancels[{i}]"
        c = _object(item, at, {"orderId", "goodTilBlock"})
        order_id = _as_genesis_error(lambda: read_order_id(c["orderId"], at))
        if order_id in clob.short_term_cancels or is_stateful_order_id(order_id):
            raise errors.InvalidGenesis(f"{at}: a duplicate or stateful cancel")
        clob.short_term_cancels[order_id] = _integer(c["goodTilBlock"], at, state.block_height, UINT32_MAX)
        clob.expire_at_block(clob.short_term_cancels[order_id], order_id)
    for i, item in enumerate(_list(obj.get("tradePrices", []), f"{where}.tradePrices")):
        at = f"{where}.tradePrices[{i}]"
        t = _object(item, at, {"perpetualId", "minSubticks", "maxSubticks"})
        perpetual_id = _integer(t["perpetualId"], at, 0, UINT32_MAX)
        if perpetual_id not in state.perpetuals or perpetual_id in clob.trade_prices:
            raise errors.InvalidGenesis(f"{at}: an unknown or repeated perpetual")
        low = _integer(t["minSubticks"], at, 1, UINT64_MAX)
        high = _integer(t["maxSubticks"], at, low, UINT64_MAX)
        clob.trade_prices[perpetual_id] = (low, high)
    for order_id, entry in clob.resting.items():
        if entry.order.good_til_block:
            if entry.order.good_til_block < state.block_height:
                raise errors.InvalidGenesis(f"order {order_id}: good-til-block already passed")
            clob.expire_at_block(entry.order.good_til_block, order_id)
        else:
            if entry.order.good_til_block_time <= state.block_time:
                raise errors.InvalidGenesis(f"order {order_id}: good-til-block-time already passed")
            clob.expire_at_time(entry.order.good_til_block_time, order_id)
    for order_id, order in clob.untriggered.items():
        if order.good_til_block_time <= state.block_time:
            raise errors.InvalidGenesis(f"order {order_id}: good-til-block-time already passed")
        clob.expire_at_time(order.good_til_block_time, order_id)
    return clob
