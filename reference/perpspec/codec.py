"""
Canonical serialisation of the state and the state hash (spec/codec.md).

The state's JSON form is also the genesis format: ``decode_state(encode_state(s))``
gives back ``s``.  Canonical bytes are that JSON with keys sorted, no white space and
ASCII only; the state hash is the SHA-256 of those bytes (CODEC-1..3).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from perpspec import errors
from perpspec.bech32 import is_valid_address
from perpspec.clob.codec import (
    decode_clob,
    decode_fee_tiers,
    decode_volume,
    encode_clob,
    encode_fee_tier,
    encode_volume,
)
from perpspec.clob.state import SUPPORTED_CLOB_PAIR_STATUSES, ClobPair, ClobPairStatus, FeeTier, VolumeStats
from perpspec.messages import encode_subaccount_id
from perpspec.rounding import ONE_MILLION
from perpspec.state import (
    LiquidityTier,
    MarketParam,
    MarketPrice,
    MarketType,
    Perpetual,
    PerpetualPosition,
    State,
    Subaccount,
)
from perpspec.types import MAX_SUBACCOUNT_NUMBER, SubaccountId
from perpspec.units import INT32_MAX, INT32_MIN, INT64_MAX, UINT32_MAX, UINT64_MAX

MAX_PRICE_CHANGE_PPM = 10_000
"""A market's minimum price change must be below 1% (PRICE-1)."""


def canonical_json(value: Any) -> bytes:
    """Keys sorted, separators without spaces, ASCII only (CODEC-2)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def state_hash(state: State) -> str:
    """SHA-256 of the canonical state JSON, as lower-case hex (CODEC-3)."""
    return hashlib.sha256(canonical_json(encode_state(state))).hexdigest()


# --- encoding ---------------------------------------------------------------------------


def encode_position(position: PerpetualPosition) -> dict:
    return {
        "perpetualId": position.perpetual_id,
        "quantums": str(position.quantums),
        "fundingIndex": str(position.funding_index),
    }


def encode_subaccount(subaccount: Subaccount) -> dict:
    """A subaccount in the v4 shape; a zero USDC balance has no asset position (CODEC-1)."""
    assets = []
    if subaccount.usdc_balance != 0:
        assets.append({"assetId": 0, "quantums": str(subaccount.usdc_balance)})
    return {
        "id": encode_subaccount_id(subaccount.id),
        "assetPositions": assets,
        "perpetualPositions": [encode_position(subaccount.positions[pid]) for pid in sorted(subaccount.positions)],
    }


def encode_state(state: State) -> dict:
    """The whole state as JSON; lists are sorted by id, subaccounts by (owner, number) (CODEC-1)."""
    return {
        "authority": state.authority,
        "blockHeight": state.block_height,
        "blockTime": str(state.block_time),
        "liquidityTiers": [
            {
                "id": t.id,
                "name": t.name,
                "initialMarginPpm": t.initial_margin_ppm,
                "maintenanceFractionPpm": t.maintenance_fraction_ppm,
                "impactNotional": str(t.impact_notional),
                "openInterestLowerCap": str(t.open_interest_lower_cap),
                "openInterestUpperCap": str(t.open_interest_upper_cap),
            }
            for t in _sorted_values(state.liquidity_tiers)
        ],
        "perpetuals": [
            {
                "params": {
                    "id": p.id,
                    "ticker": p.ticker,
                    "marketId": p.market_id,
                    "atomicResolution": p.atomic_resolution,
                    "defaultFundingPpm": p.default_funding_ppm,
                    "liquidityTier": p.liquidity_tier,
                    "marketType": "PERPETUAL_MARKET_TYPE_" + p.market_type.name,
                },
                "fundingIndex": str(p.funding_index),
                "openInterest": str(p.open_interest),
            }
            for p in _sorted_values(state.perpetuals)
        ],
        "marketParams": [
            {
                "id": m.id,
                "pair": m.pair,
                "exponent": m.exponent,
                "minExchanges": m.min_exchanges,
                "minPriceChangePpm": m.min_price_change_ppm,
                "maxSourceAgeSeconds": m.max_source_age_seconds,
            }
            for m in _sorted_values(state.market_params)
        ],
        "marketPrices": [
            {"id": m.id, "exponent": m.exponent, "price": str(m.price)} for m in _sorted_values(state.market_prices)
        ],
        "clobPairs": [
            {
                "id": c.id,
                "perpetualClobMetadata": {"perpetualId": c.perpetual_id},
                "stepBaseQuantums": str(c.step_base_quantums),
                "subticksPerTick": c.subticks_per_tick,
                "quantumConversionExponent": c.quantum_conversion_exponent,
                "status": "STATUS_" + c.status.name,
            }
            for c in _sorted_values(state.clob_pairs)
        ],
        "subaccounts": [encode_subaccount(state.subaccounts[sid]) for sid in sorted(state.subaccounts)],
        "insuranceFundBalance": str(state.insurance_fund_balance),
        "feeCollectorBalance": str(state.fee_collector_balance),
        "fundingPoolBalance": str(state.funding_pool_balance),
        "totalDeposited": str(state.total_deposited),
        "totalWithdrawn": str(state.total_withdrawn),
        "negativeTncSubaccountSeenAtBlock": state.negative_tnc_subaccount_seen_at_block,
        "lastChainOutageAtBlock": state.last_chain_outage_at_block,
        "feeTiers": [encode_fee_tier(tier) for tier in state.fee_tiers],
        "volume": encode_volume(state.volume),
        "clob": encode_clob(state.clob),
    }


def _sorted_values(table: dict) -> list:
    return [table[key] for key in sorted(table)]


# --- decoding (genesis) -----------------------------------------------------------------


class _Reader:
    """Strict field access for genesis documents; every failure is an ``InvalidGenesis``."""

    def __init__(self, obj: Any, where: str, optional: frozenset[str] = frozenset()) -> None:
        if not isinstance(obj, dict):
            raise errors.InvalidGenesis(f"{where}: expected a JSON object")
        self.obj = obj
        self.where = where
        self.used: set[str] = set()
        self.optional = optional

    def raw(self, key: str) -> Any:
        self.used.add(key)
        if key not in self.obj:
            if key in self.optional:
                return None
            raise errors.InvalidGenesis(f"{self.where}: missing field {key!r}")
        return self.obj[key]

    def integer(self, key: str, minimum: int, maximum: int) -> int:
        value = self.raw(key)
        where = f"{self.where}.{key}"
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise errors.InvalidGenesis(f"{where}: expected an integer")
        if isinstance(value, str):
            digits = value[1:] if value.startswith("-") else value
            if not (0 < len(digits) <= 400 and digits.isascii() and digits.isdigit()):
                raise errors.InvalidGenesis(f"{where}: expected a decimal integer string")
            value = int(value)
        if not minimum <= value <= maximum:
            raise errors.InvalidGenesis(f"{where}: {value} is outside [{minimum}, {maximum}]")
        return value

    def optional_integer(self, key: str, minimum: int, maximum: int) -> int | None:
        if self.obj.get(key) is None:
            self.used.add(key)
            return None
        return self.integer(key, minimum, maximum)

    def string(self, key: str) -> str:
        value = self.raw(key)
        if not isinstance(value, str):
            raise errors.InvalidGenesis(f"{self.where}.{key}: expected a string")
        return value

    def items(self, key: str) -> list:
        value = self.raw(key)
        if not isinstance(value, list):
            raise errors.InvalidGenesis(f"{self.where}.{key}: expected a list")
        return value

    def done(self) -> None:
        unknown = sorted(set(self.obj) - self.used)
        if unknown:
            raise errors.InvalidGenesis(f"{self.where}: unknown field {unknown[0]!r}")


BIG = 10**400
"""Bound on genesis big integers, so a document cannot ask for unbounded work."""

DEFAULT_FEE_TIERS = (FeeTier("1", 0, 0, 0, 0, 0),)
"""A genesis without fee tiers has one tier with no fees (FEE-5)."""


def _decode_tier(obj: Any, where: str) -> LiquidityTier:
    r = _Reader(obj, where)
    tier = LiquidityTier(
        id=r.integer("id", 0, UINT32_MAX),
        name=r.string("name"),
        initial_margin_ppm=r.integer("initialMarginPpm", 0, ONE_MILLION),
        maintenance_fraction_ppm=r.integer("maintenanceFractionPpm", 0, ONE_MILLION),
        impact_notional=r.integer("impactNotional", 1, UINT64_MAX),
        open_interest_lower_cap=r.integer("openInterestLowerCap", 0, UINT64_MAX),
        open_interest_upper_cap=r.integer("openInterestUpperCap", 0, UINT64_MAX),
    )
    r.done()
    if tier.open_interest_lower_cap > tier.open_interest_upper_cap:
        raise errors.InvalidGenesis(f"{where}: open interest lower cap exceeds the upper cap (MARGIN-1)")
    return tier


def _decode_perpetual(obj: Any, where: str) -> Perpetual:
    r = _Reader(obj, where, optional=frozenset({"fundingIndex", "openInterest"}))
    params = _Reader(r.raw("params"), f"{where}.params")
    market_type_name = params.string("marketType")
    if market_type_name != "PERPETUAL_MARKET_TYPE_CROSS":
        raise errors.InvalidGenesis(f"{where}: only PERPETUAL_MARKET_TYPE_CROSS markets are supported (SUB-10)")
    perpetual = Perpetual(
        id=params.integer("id", 0, UINT32_MAX),
        ticker=params.string("ticker"),
        market_id=params.integer("marketId", 0, UINT32_MAX),
        atomic_resolution=params.integer("atomicResolution", -100, 100),
        default_funding_ppm=params.integer("defaultFundingPpm", INT32_MIN, INT32_MAX),
        liquidity_tier=params.integer("liquidityTier", 0, UINT32_MAX),
        market_type=MarketType.CROSS,
        funding_index=_or(r.optional_integer("fundingIndex", -BIG, BIG), 0),
        open_interest=_or(r.optional_integer("openInterest", 0, BIG), OPEN_INTEREST_UNSET),
    )
    params.done()
    r.done()
    return perpetual


OPEN_INTEREST_UNSET = -1
"""Marks a genesis perpetual whose open interest is to be computed from its positions."""


def _or(value: int | None, default: int) -> int:
    return default if value is None else value


def _decode_market_param(obj: Any, where: str) -> MarketParam:
    r = _Reader(obj, where)
    param = MarketParam(
        id=r.integer("id", 0, UINT32_MAX),
        pair=r.string("pair"),
        exponent=r.integer("exponent", -100, 100),
        min_exchanges=r.integer("minExchanges", 1, UINT32_MAX),
        min_price_change_ppm=r.integer("minPriceChangePpm", 1, MAX_PRICE_CHANGE_PPM - 1),
        max_source_age_seconds=r.integer("maxSourceAgeSeconds", 0, INT64_MAX),
    )
    r.done()
    return param


def _decode_market_price(obj: Any, where: str) -> MarketPrice:
    r = _Reader(obj, where)
    price = MarketPrice(
        id=r.integer("id", 0, UINT32_MAX),
        exponent=r.integer("exponent", -100, 100),
        price=r.integer("price", 0, UINT64_MAX),
    )
    r.done()
    return price


def _decode_clob_pair(obj: Any, where: str) -> ClobPair:
    r = _Reader(obj, where)
    metadata = _Reader(r.raw("perpetualClobMetadata"), f"{where}.perpetualClobMetadata")
    status_name = r.string("status")
    statuses = {"STATUS_" + s.name: s for s in ClobPairStatus}
    if status_name not in statuses:
        raise errors.InvalidGenesis(f"{where}.status: unknown status {status_name!r}")
    if statuses[status_name] not in SUPPORTED_CLOB_PAIR_STATUSES:
        raise errors.InvalidGenesis(f"{where}.status: {status_name} is not supported by the protocol (CLOB-1)")
    pair = ClobPair(
        id=r.integer("id", 0, UINT32_MAX),
        perpetual_id=metadata.integer("perpetualId", 0, UINT32_MAX),
        step_base_quantums=r.integer("stepBaseQuantums", 1, UINT64_MAX),
        subticks_per_tick=r.integer("subticksPerTick", 1, UINT32_MAX),
        quantum_conversion_exponent=r.integer("quantumConversionExponent", -100, 100),
        status=statuses[status_name],
    )
    metadata.done()
    r.done()
    return pair


def _decode_subaccount(obj: Any, where: str) -> Subaccount:
    r = _Reader(obj, where)
    ident = _Reader(r.raw("id"), f"{where}.id")
    owner = ident.string("owner")
    if not is_valid_address(owner):
        raise errors.InvalidGenesis(f"{where}.id.owner: not a dydx bech32 address")
    subaccount_id = SubaccountId(owner, ident.integer("number", 0, MAX_SUBACCOUNT_NUMBER))
    ident.done()
    subaccount = Subaccount(subaccount_id)
    for i, asset in enumerate(r.items("assetPositions")):
        a = _Reader(asset, f"{where}.assetPositions[{i}]")
        if a.integer("assetId", 0, UINT32_MAX) != 0 or i > 0:
            raise errors.InvalidGenesis(f"{where}: only one asset position, USDC (asset 0), is supported")
        subaccount.usdc_balance = a.integer("quantums", -BIG, BIG)
        a.done()
    for i, item in enumerate(r.items("perpetualPositions")):
        p = _Reader(item, f"{where}.perpetualPositions[{i}]")
        position = PerpetualPosition(
            perpetual_id=p.integer("perpetualId", 0, UINT32_MAX),
            quantums=p.integer("quantums", -BIG, BIG),
            funding_index=p.integer("fundingIndex", -BIG, BIG),
        )
        p.done()
        if position.quantums == 0:
            raise errors.InvalidGenesis(f"{where}: a position of size zero (SUB-4)")
        if position.perpetual_id in subaccount.positions:
            raise errors.InvalidGenesis(f"{where}: two positions in perpetual {position.perpetual_id}")
        subaccount.positions[position.perpetual_id] = position
    r.done()
    if subaccount.is_empty():
        raise errors.InvalidGenesis(f"{where}: an empty subaccount is absent, not listed (SUB-3)")
    return subaccount


def _index(items: list, key: Any, where: str) -> dict:
    table: dict = {}
    for item in items:
        ident = key(item)
        if ident in table:
            raise errors.InvalidGenesis(f"{where}: duplicate id {ident!r}")
        table[ident] = item
    return table


def decode_state(obj: Any) -> State:
    """A state from its JSON form (the genesis format), checked for consistency (GEN-2)."""
    r = _Reader(
        obj,
        "genesis",
        optional=frozenset(
            {
                "insuranceFundBalance",
                "feeCollectorBalance",
                "fundingPoolBalance",
                "totalDeposited",
                "totalWithdrawn",
                "negativeTncSubaccountSeenAtBlock",
                "lastChainOutageAtBlock",
                "feeTiers",
                "volume",
                "clob",
            }
        ),
    )
    authority = r.string("authority")
    if not is_valid_address(authority):
        raise errors.InvalidGenesis("genesis.authority: not a dydx bech32 address")
    state = State(
        authority=authority,
        block_height=r.integer("blockHeight", 0, UINT32_MAX),
        block_time=r.integer("blockTime", 0, INT64_MAX),
        liquidity_tiers=_index(
            [_decode_tier(t, f"liquidityTiers[{i}]") for i, t in enumerate(r.items("liquidityTiers"))],
            lambda t: t.id,
            "liquidityTiers",
        ),
        perpetuals=_index(
            [_decode_perpetual(p, f"perpetuals[{i}]") for i, p in enumerate(r.items("perpetuals"))],
            lambda p: p.id,
            "perpetuals",
        ),
        market_params=_index(
            [_decode_market_param(m, f"marketParams[{i}]") for i, m in enumerate(r.items("marketParams"))],
            lambda m: m.id,
            "marketParams",
        ),
        market_prices=_index(
            [_decode_market_price(m, f"marketPrices[{i}]") for i, m in enumerate(r.items("marketPrices"))],
            lambda m: m.id,
            "marketPrices",
        ),
        clob_pairs=_index(
            [_decode_clob_pair(c, f"clobPairs[{i}]") for i, c in enumerate(r.items("clobPairs"))],
            lambda c: c.id,
            "clobPairs",
        ),
        subaccounts=_index(
            [_decode_subaccount(s, f"subaccounts[{i}]") for i, s in enumerate(r.items("subaccounts"))],
            lambda s: s.id,
            "subaccounts",
        ),
        insurance_fund_balance=r.optional_integer("insuranceFundBalance", 0, BIG) or 0,
        fee_collector_balance=r.optional_integer("feeCollectorBalance", 0, BIG) or 0,
        funding_pool_balance=r.optional_integer("fundingPoolBalance", -BIG, BIG) or 0,
        negative_tnc_subaccount_seen_at_block=r.optional_integer("negativeTncSubaccountSeenAtBlock", 0, UINT32_MAX),
        last_chain_outage_at_block=r.optional_integer("lastChainOutageAtBlock", 0, UINT32_MAX),
    )
    total_deposited = r.optional_integer("totalDeposited", 0, BIG)
    total_withdrawn = r.optional_integer("totalWithdrawn", 0, BIG) or 0
    fee_tiers = r.raw("feeTiers")
    state.fee_tiers = DEFAULT_FEE_TIERS if fee_tiers is None else decode_fee_tiers(fee_tiers, "genesis.feeTiers")
    volume = r.raw("volume")
    state.volume = VolumeStats() if volume is None else decode_volume(volume, "genesis.volume")
    clob = r.raw("clob")
    r.done()
    for name, block in (
        ("negativeTncSubaccountSeenAtBlock", state.negative_tnc_subaccount_seen_at_block),
        ("lastChainOutageAtBlock", state.last_chain_outage_at_block),
    ):
        if block is not None and block > state.block_height:
            raise errors.InvalidGenesis(f"genesis.{name}: block {block} is after the genesis height (SUB-9)")
    _check_references(state)
    _check_open_interest(state)
    _set_totals(state, total_deposited, total_withdrawn)
    if clob is not None:
        state.clob = decode_clob(clob, state, "genesis.clob")
    return state


def _check_references(state: State) -> None:
    """Every perpetual names an existing tier and market; prices and params agree (GEN-2)."""
    if state.market_params.keys() != state.market_prices.keys():
        raise errors.InvalidGenesis("every market needs both a marketParam and a marketPrice")
    for market_id, param in state.market_params.items():
        if state.market_prices[market_id].exponent != param.exponent:
            raise errors.InvalidGenesis(f"market {market_id}: price exponent differs from the param's")
    for perpetual in state.perpetuals.values():
        if perpetual.liquidity_tier not in state.liquidity_tiers:
            raise errors.InvalidGenesis(f"perpetual {perpetual.id}: unknown liquidity tier")
        if perpetual.market_id not in state.market_params:
            raise errors.InvalidGenesis(f"perpetual {perpetual.id}: unknown market")
    for pair in state.clob_pairs.values():
        if pair.perpetual_id not in state.perpetuals:
            raise errors.InvalidGenesis(f"clob pair {pair.id}: unknown perpetual")
    for subaccount in state.subaccounts.values():
        for perpetual_id in subaccount.positions:
            if perpetual_id not in state.perpetuals:
                raise errors.InvalidGenesis(f"subaccount {subaccount.id}: unknown perpetual {perpetual_id}")


def _check_open_interest(state: State) -> None:
    """Longs equal shorts in every perpetual, and open interest is their size (INV-3, INV-4).

    A genesis may omit a perpetual's open interest; it is then computed here.
    """
    longs = dict.fromkeys(state.perpetuals, 0)
    shorts = dict.fromkeys(state.perpetuals, 0)
    for subaccount in state.subaccounts.values():
        for position in subaccount.positions.values():
            if position.quantums > 0:
                longs[position.perpetual_id] += position.quantums
            else:
                shorts[position.perpetual_id] -= position.quantums
    for pid, perpetual in state.perpetuals.items():
        if longs[pid] != shorts[pid]:
            raise errors.InvalidGenesis(f"perpetual {pid}: longs {longs[pid]} != shorts {shorts[pid]}")
        if perpetual.open_interest not in (OPEN_INTEREST_UNSET, longs[pid]):
            raise errors.InvalidGenesis(f"perpetual {pid}: openInterest is not the sum of longs")
        perpetual.open_interest = longs[pid]


def _set_totals(state: State, total_deposited: int | None, total_withdrawn: int) -> None:
    """Genesis balances count as deposited unless the totals are given, and then must agree (INV-1)."""
    held = (
        sum(s.usdc_balance for s in state.subaccounts.values())
        + state.insurance_fund_balance
        + state.fee_collector_balance
        + state.funding_pool_balance
    )
    if total_deposited is None:
        total_deposited = held + total_withdrawn
    if total_deposited < 0:
        raise errors.InvalidGenesis("totalDeposited would be negative: give totalWithdrawn (INV-1)")
    if held != total_deposited - total_withdrawn:
        raise errors.InvalidGenesis("USDC held does not equal totalDeposited - totalWithdrawn (INV-1)")
    state.total_deposited = total_deposited
    state.total_withdrawn = total_withdrawn
