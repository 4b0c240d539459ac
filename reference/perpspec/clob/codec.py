"""
The clob part of the state's JSON: books, waiting orders, fill amounts, cancels, fee tiers
and volume (spec/codec.md CODEC-1, spec/clob.md CLOB-3).

Resting orders are written per clob pair, bids then asks, each best price first and
oldest first within a price, so the list order is the priority order and decoding
rebuilds the same book.  Indexes that follow from these (expiry queues, sequence
numbers, volume sums) are not written; decoding rebuilds them.  Decoding checks shapes
only (CODEC-4); ``perpspec.genesis`` checks the decoded clob state against the protocol.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any, TypeVar

from perpspec import errors
from perpspec.bech32 import is_valid_address
from perpspec.clob.state import (
    SIDE_BUY,
    ClobPair,
    ClobState,
    FeeTier,
    LiquidationsConfig,
    Order,
    UserVolume,
    VolumeStats,
)
from perpspec.jsonio import read_integer, read_list, read_object, read_string
from perpspec.messages import encode_clob_pair, encode_order, encode_order_id, read_clob_pair, read_order, read_order_id
from perpspec.types import OrderId
from perpspec.units import INT32_MAX, INT32_MIN, UINT32_MAX, UINT64_MAX

BIG_DIGITS = 400
"""Unbounded integers of the state's JSON (balances, indexes, totals, volume) have at most 400 digits (CODEC-4)."""


# --- encoding --------------------------------------------------------------------------


def encode_fee_tier(tier: FeeTier) -> dict[str, Any]:
    return {
        "name": tier.name,
        "absoluteVolumeRequirement": str(tier.absolute_volume_requirement),
        "totalVolumeShareRequirementPpm": tier.total_volume_share_requirement_ppm,
        "makerVolumeShareRequirementPpm": tier.maker_volume_share_requirement_ppm,
        "makerFeePpm": tier.maker_fee_ppm,
        "takerFeePpm": tier.taker_fee_ppm,
    }


def _encode_users(users: dict[str, UserVolume]) -> list[dict[str, Any]]:
    return [
        {
            "address": address,
            "takerNotional": str(users[address].taker_notional),
            "makerNotional": str(users[address].maker_notional),
        }
        for address in sorted(users)
    ]


def encode_volume(volume: VolumeStats) -> dict[str, Any]:
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


def encode_liquidations_config(config: LiquidationsConfig) -> dict[str, Any]:
    """The liquidations config in v4's ``LiquidationsConfig`` shape, uint64 values as strings (LIQ-10)."""
    return {
        "maxLiquidationFeePpm": config.max_liquidation_fee_ppm,
        "fillablePriceConfig": {
            "bankruptcyAdjustmentPpm": config.bankruptcy_adjustment_ppm,
            "spreadToMaintenanceMarginRatioPpm": config.spread_to_maintenance_margin_ratio_ppm,
        },
        "positionBlockLimits": {
            "minPositionNotionalLiquidated": str(config.min_position_notional_liquidated),
            "maxPositionPortionLiquidatedPpm": config.max_position_portion_liquidated_ppm,
        },
        "subaccountBlockLimits": {
            "maxNotionalLiquidated": str(config.max_notional_liquidated),
            "maxQuantumsInsuranceLost": str(config.max_quantums_insurance_lost),
        },
    }


def encode_clob(clob: ClobState) -> dict[str, Any]:
    """The clob module: its pairs, books in priority order, waiting orders, fill amounts, cancels, trade prices (CLOB-3)."""
    books = []
    for pair_id in sorted(clob.books):
        book = clob.books[pair_id]
        bids = [encode_order(e.order) for level in book.bids.levels_best_first() for e in level.orders()]
        asks = [encode_order(e.order) for level in book.asks.levels_best_first() for e in level.orders()]
        if bids or asks:
            books.append({"clobPairId": pair_id, "bids": bids, "asks": asks})
    return {
        "clobPairs": [encode_clob_pair(clob.clob_pairs[pair_id]) for pair_id in sorted(clob.clob_pairs)],
        "liquidationsConfig": encode_liquidations_config(clob.liquidations_config),
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


# --- decoding: shapes only (CODEC-4) ---------------------------------------------------


def _object(value: Any, where: str, required: Collection[str], optional: Collection[str] = ()) -> dict[str, Any]:
    return read_object(
        value, where, required, optional, type_error=errors.InvalidGenesis, missing_error=errors.InvalidGenesis
    )


def _list(value: Any, where: str) -> list[Any]:
    return read_list(value, where, type_error=errors.InvalidGenesis)


def _integer(value: Any, where: str, minimum: int, maximum: int | None) -> int:
    return read_integer(value, where, minimum, maximum, BIG_DIGITS, type_error=errors.InvalidGenesis)


T = TypeVar("T")


def _as_genesis_error(read: Callable[[], T]) -> T:
    """A message-shape reader's answer, its error reported as ``INVALID_GENESIS``."""
    try:
        return read()
    except errors.ProtocolError as error:
        raise errors.InvalidGenesis(error.message) from None


FEE_TIER_FIELDS = (
    "name",
    "absoluteVolumeRequirement",
    "totalVolumeShareRequirementPpm",
    "makerVolumeShareRequirementPpm",
    "makerFeePpm",
    "takerFeePpm",
)


def decode_fee_tiers(items: Any, where: str) -> tuple[FeeTier, ...]:
    """Fee tiers in the x/feetiers ``PerpetualFeeTier`` shape, in their order (FEE-1)."""
    tiers = []
    for i, item in enumerate(_list(items, where)):
        at = f"{where}[{i}]"
        obj = _object(item, at, FEE_TIER_FIELDS)
        tiers.append(
            FeeTier(
                name=read_string(obj["name"], f"{at}.name", type_error=errors.InvalidGenesis),
                absolute_volume_requirement=_integer(obj["absoluteVolumeRequirement"], at, 0, UINT64_MAX),
                total_volume_share_requirement_ppm=_integer(obj["totalVolumeShareRequirementPpm"], at, 0, UINT32_MAX),
                maker_volume_share_requirement_ppm=_integer(obj["makerVolumeShareRequirementPpm"], at, 0, UINT32_MAX),
                maker_fee_ppm=_integer(obj["makerFeePpm"], at, INT32_MIN, INT32_MAX),
                taker_fee_ppm=_integer(obj["takerFeePpm"], at, INT32_MIN, INT32_MAX),
            )
        )
    return tuple(tiers)


def _decode_users(items: Any, where: str) -> dict[str, UserVolume]:
    users: dict[str, UserVolume] = {}
    for i, item in enumerate(_list(items, where)):
        at = f"{where}[{i}]"
        obj = _object(item, at, ("address", "takerNotional", "makerNotional"))
        address = read_string(obj["address"], f"{at}.address", type_error=errors.InvalidGenesis)
        if not is_valid_address(address):
            raise errors.InvalidGenesis(f"{at}.address: not a dydx bech32 address")
        if address in users:
            raise errors.InvalidGenesis(f"{at}.address: the address appears twice")
        users[address] = UserVolume(
            _integer(obj["takerNotional"], f"{at}.takerNotional", 0, None),
            _integer(obj["makerNotional"], f"{at}.makerNotional", 0, None),
        )
    return users


def decode_volume(value: Any, where: str = "volume") -> VolumeStats:
    """Volume by epoch; the sums over epochs and the pending total are rebuilt (FEE-4)."""
    obj = _object(value, where, ("epochs", "pending"))
    volume = VolumeStats()
    for i, item in enumerate(_list(obj["epochs"], f"{where}.epochs")):
        at = f"{where}.epochs[{i}]"
        entry = _object(item, at, ("epoch", "notional", "users"))
        epoch = _integer(entry["epoch"], f"{at}.epoch", 0, None)
        if epoch in volume.epochs:
            raise errors.InvalidGenesis(f"{at}: epoch {epoch} appears twice")
        volume.epochs[epoch] = _decode_users(entry["users"], f"{at}.users")
        volume.epoch_notional[epoch] = _integer(entry["notional"], f"{at}.notional", 0, None)
        volume.global_notional += volume.epoch_notional[epoch]
        for address, user in volume.epochs[epoch].items():
            total = volume.users.setdefault(address, UserVolume())
            total.taker_notional += user.taker_notional
            total.maker_notional += user.maker_notional
    volume.pending = _decode_users(obj["pending"], f"{where}.pending")
    volume.pending_notional = sum(u.taker_notional for u in volume.pending.values())
    return volume


def decode_clob_pair(value: Any, where: str) -> ClobPair:
    """A clob pair in the v4 ``ClobPair`` shape (CLOB-1), read as ``MsgUpdateClobPair`` reads it."""
    return _as_genesis_error(lambda: read_clob_pair(value, where))


def decode_liquidations_config(value: Any, where: str) -> LiquidationsConfig:
    """The liquidations config in v4's shape (LIQ-10); ``perpspec.bounds`` checks its values."""
    obj = _object(
        value, where, ("maxLiquidationFeePpm", "fillablePriceConfig", "positionBlockLimits", "subaccountBlockLimits")
    )
    fillable = _object(
        obj["fillablePriceConfig"],
        f"{where}.fillablePriceConfig",
        ("bankruptcyAdjustmentPpm", "spreadToMaintenanceMarginRatioPpm"),
    )
    position = _object(
        obj["positionBlockLimits"],
        f"{where}.positionBlockLimits",
        ("minPositionNotionalLiquidated", "maxPositionPortionLiquidatedPpm"),
    )
    subaccount = _object(
        obj["subaccountBlockLimits"],
        f"{where}.subaccountBlockLimits",
        ("maxNotionalLiquidated", "maxQuantumsInsuranceLost"),
    )
    return LiquidationsConfig(
        max_liquidation_fee_ppm=_integer(obj["maxLiquidationFeePpm"], f"{where}.maxLiquidationFeePpm", 0, UINT32_MAX),
        bankruptcy_adjustment_ppm=_integer(
            fillable["bankruptcyAdjustmentPpm"], f"{where}.fillablePriceConfig.bankruptcyAdjustmentPpm", 0, UINT32_MAX
        ),
        spread_to_maintenance_margin_ratio_ppm=_integer(
            fillable["spreadToMaintenanceMarginRatioPpm"],
            f"{where}.fillablePriceConfig.spreadToMaintenanceMarginRatioPpm",
            0,
            UINT32_MAX,
        ),
        min_position_notional_liquidated=_integer(
            position["minPositionNotionalLiquidated"],
            f"{where}.positionBlockLimits.minPositionNotionalLiquidated",
            0,
            UINT64_MAX,
        ),
        max_position_portion_liquidated_ppm=_integer(
            position["maxPositionPortionLiquidatedPpm"],
            f"{where}.positionBlockLimits.maxPositionPortionLiquidatedPpm",
            0,
            UINT32_MAX,
        ),
        max_notional_liquidated=_integer(
            subaccount["maxNotionalLiquidated"], f"{where}.subaccountBlockLimits.maxNotionalLiquidated", 0, UINT64_MAX
        ),
        max_quantums_insurance_lost=_integer(
            subaccount["maxQuantumsInsuranceLost"],
            f"{where}.subaccountBlockLimits.maxQuantumsInsuranceLost",
            0,
            UINT64_MAX,
        ),
    )


def decode_clob(value: Any, where: str = "clob") -> ClobState:
    """
    The clob state (CLOB-3): books in priority order, each order on its own pair's book and
    side and best price first; no order id twice; the expiry indexes rebuilt.
    """
    # A genesis may omit every part but the clob pairs: it usually starts with no orders (GEN-3)
    optional = ("liquidationsConfig", "books", "untriggeredOrders", "fillAmounts", "shortTermCancels", "tradePrices")
    obj = _object(value, where, ("clobPairs",), optional)
    clob = ClobState()
    pairs = [
        decode_clob_pair(item, f"{where}.clobPairs[{i}]")
        for i, item in enumerate(_list(obj["clobPairs"], f"{where}.clobPairs"))
    ]
    for pair in pairs:
        if pair.id in clob.clob_pairs:
            raise errors.InvalidGenesis(f"{where}.clobPairs: duplicate id {pair.id}")
        clob.clob_pairs[pair.id] = pair
    if "liquidationsConfig" in obj:
        clob.liquidations_config = decode_liquidations_config(obj["liquidationsConfig"], f"{where}.liquidationsConfig")
    seen: set[OrderId] = set()

    def read(item: Any, at: str) -> Order:
        order = _as_genesis_error(lambda: read_order(item, at))
        if order.order_id in seen:
            raise errors.InvalidGenesis(f"{at}: order id appears twice")
        seen.add(order.order_id)
        return order

    for i, item in enumerate(_list(obj.get("books", []), f"{where}.books")):
        at = f"{where}.books[{i}]"
        book = _object(item, at, ("clobPairId", "bids", "asks"))
        pair_id = _integer(book["clobPairId"], f"{at}.clobPairId", 0, UINT32_MAX)
        if pair_id in clob.books:
            raise errors.InvalidGenesis(f"{at}: clob pair {pair_id} appears twice")
        sides = {"bids": _list(book["bids"], f"{at}.bids"), "asks": _list(book["asks"], f"{at}.asks")}
        if not sides["bids"] and not sides["asks"]:
            raise errors.InvalidGenesis(f"{at}: a book is listed only when it has a resting order")
        clob.book(pair_id)
        for side_name, is_buy in (("bids", True), ("asks", False)):
            previous = None
            for j, raw in enumerate(sides[side_name]):
                order = read(raw, f"{at}.{side_name}[{j}]")
                if order.order_id.clob_pair_id != pair_id or (order.side == SIDE_BUY) != is_buy:
                    raise errors.InvalidGenesis(f"{at}.{side_name}[{j}]: order is on the wrong book or side")
                if previous is not None and (order.subticks > previous if is_buy else order.subticks < previous):
                    raise errors.InvalidGenesis(f"{at}.{side_name}: orders are not best price first")
                previous = order.subticks
                clob.add_resting(order)
    for i, raw in enumerate(_list(obj.get("untriggeredOrders", []), f"{where}.untriggeredOrders")):
        clob.add_untriggered(read(raw, f"{where}.untriggeredOrders[{i}]"))
    for i, item in enumerate(_list(obj.get("fillAmounts", []), f"{where}.fillAmounts")):
        at = f"{where}.fillAmounts[{i}]"
        fill = _object(item, at, ("orderId", "quantums", "prunableAtBlock"))
        order_id = _as_genesis_error(lambda: read_order_id(fill["orderId"], at))  # noqa: B023 (called at once)
        if order_id in clob.fill_amounts:
            raise errors.InvalidGenesis(f"{at}: order id appears twice")
        clob.fill_amounts[order_id] = _integer(fill["quantums"], f"{at}.quantums", 1, UINT64_MAX)
        prunable = _integer(fill["prunableAtBlock"], f"{at}.prunableAtBlock", 0, UINT32_MAX)
        if prunable:
            clob.fill_amount_expiry[order_id] = prunable
            clob.expire_at_block(prunable, order_id)
    for i, item in enumerate(_list(obj.get("shortTermCancels", []), f"{where}.shortTermCancels")):
        at = f"{where}.shortTermCancels[{i}]"
        cancel = _object(item, at, ("orderId", "goodTilBlock"))
        order_id = _as_genesis_error(lambda: read_order_id(cancel["orderId"], at))  # noqa: B023 (called at once)
        if order_id in clob.short_term_cancels:
            raise errors.InvalidGenesis(f"{at}: order id appears twice")
        clob.short_term_cancels[order_id] = _integer(cancel["goodTilBlock"], f"{at}.goodTilBlock", 0, UINT32_MAX)
        clob.expire_at_block(clob.short_term_cancels[order_id], order_id)
    for i, item in enumerate(_list(obj.get("tradePrices", []), f"{where}.tradePrices")):
        at = f"{where}.tradePrices[{i}]"
        prices = _object(item, at, ("perpetualId", "minSubticks", "maxSubticks"))
        perpetual_id = _integer(prices["perpetualId"], f"{at}.perpetualId", 0, UINT32_MAX)
        if perpetual_id in clob.trade_prices:
            raise errors.InvalidGenesis(f"{at}: perpetual {perpetual_id} appears twice")
        clob.trade_prices[perpetual_id] = (
            _integer(prices["minSubticks"], f"{at}.minSubticks", 0, UINT64_MAX),
            _integer(prices["maxSubticks"], f"{at}.maxSubticks", 0, UINT64_MAX),
        )
    for order_id, entry in clob.resting.items():
        if entry.order.good_til_block:
            clob.expire_at_block(entry.order.good_til_block, order_id)
        else:
            clob.expire_at_time(entry.order.good_til_block_time, order_id)
    for order_id, order in clob.untriggered.items():
        clob.expire_at_time(order.good_til_block_time, order_id)
    return clob
