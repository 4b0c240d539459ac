"""
Canonical serialisation of the state and the state hash (spec/codec.md).

The state's JSON form is also the genesis format: ``decode_state(encode_state(s)).state``
gives back ``s``.  Canonical bytes are that JSON with keys sorted, no white space and
ASCII only; the state hash is the SHA-256 of those bytes (CODEC-1..3).

Decoding checks shapes only (CODEC-4): every field present and of its type, no unknown
field, no id twice, lists in their canonical order.  Whether the decoded state is one the
protocol may start from is ``perpspec.genesis``'s question, answered by the protocol's own
rules and invariant checks (GEN-2).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Collection
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

from perpspec import errors
from perpspec.bech32 import is_valid_address
from perpspec.clob.codec import (
    BIG_DIGITS,
    decode_clob,
    decode_fee_tiers,
    decode_volume,
    encode_clob,
    encode_fee_tier,
    encode_volume,
)
from perpspec.clob.state import FeeParams, FeeTiersState, StatsParams, StatsState
from perpspec.events import (
    BlockStartedEvent,
    ChainOutageEvent,
    ClobPairUpdatedEvent,
    ConditionalOrderTriggeredEvent,
    DeleveragingFillEvent,
    DepositEvent,
    Event,
    FundingSampleEvent,
    FundingTickEvent,
    LiquidationFillEvent,
    LiquidationOrderEvent,
    MarketPriceEvent,
    NegativeTncSubaccountSeenEvent,
    OrderCancelRecordedEvent,
    OrderFillEvent,
    OrderOnBookEvent,
    OrderPlacedEvent,
    OrderRemovedEvent,
    SubaccountUpdateEvent,
    TransferEvent,
    WithdrawEvent,
)
from perpspec.jsonio import read_integer, read_list, read_object, read_string
from perpspec.messages import encode_clob_pair, encode_order, encode_order_id, encode_subaccount_id
from perpspec.state import (
    BankState,
    BlockState,
    EpochInfo,
    EpochsState,
    LiquidityTier,
    MarketParam,
    MarketPrice,
    MarketType,
    Perpetual,
    PerpetualPosition,
    PerpetualsParams,
    PerpetualsState,
    PremiumStore,
    PricesState,
    State,
    Subaccount,
    SubaccountsState,
)
from perpspec.types import MAX_SUBACCOUNT_NUMBER, SubaccountId
from perpspec.units import INT32_MAX, INT32_MIN, INT64_MAX, UINT32_MAX, UINT64_MAX

T = TypeVar("T")
K = TypeVar("K")


def canonical_json(value: Any) -> bytes:
    """Keys sorted, separators without spaces, ASCII only (CODEC-2)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode("ascii")


def state_hash(state: State) -> str:
    """SHA-256 of the canonical state JSON, as lower-case hex (CODEC-3)."""
    return hashlib.sha256(canonical_json(encode_state(state))).hexdigest()


# --- encoding ---------------------------------------------------------------------------


def encode_position(position: PerpetualPosition) -> dict[str, Any]:
    return {
        "perpetualId": position.perpetual_id,
        "quantums": str(position.quantums),
        "fundingIndex": str(position.funding_index),
    }


def encode_subaccount(subaccount: Subaccount) -> dict[str, Any]:
    """A subaccount in the v4 shape; a zero USDC balance has no asset position (CODEC-1)."""
    assets = []
    if subaccount.usdc_balance != 0:
        assets.append({"assetId": 0, "quantums": str(subaccount.usdc_balance)})
    return {
        "id": encode_subaccount_id(subaccount.id),
        "assetPositions": assets,
        "perpetualPositions": [encode_position(subaccount.positions[pid]) for pid in sorted(subaccount.positions)],
    }


def encode_state(state: State) -> dict[str, Any]:
    """
    The whole state as JSON, one object per module as the v4 genesis groups them; lists are
    sorted by id, subaccounts by (owner, number) (CODEC-1).
    """
    blocks, bank, subaccounts = state.blocks, state.bank, state.subaccounts
    return {
        "authority": state.authority,
        "blocks": {
            "height": blocks.height,
            "time": str(blocks.time),
            "lastChainOutageAtBlock": blocks.last_chain_outage_at_block,
        },
        "bank": {
            "totalDeposited": str(bank.total_deposited),
            "totalWithdrawn": str(bank.total_withdrawn),
            "insuranceFund": str(bank.insurance_fund),
            "feeCollector": str(bank.fee_collector),
            "fundingPool": str(bank.funding_pool),
        },
        "subaccounts": {
            "subaccounts": [encode_subaccount(subaccounts.subaccounts[sid]) for sid in sorted(subaccounts.subaccounts)],
            "negativeTncSubaccountSeenAtBlock": subaccounts.negative_tnc_subaccount_seen_at_block,
        },
        "perpetuals": {
            "liquidityTiers": [encode_liquidity_tier(t) for t in _sorted_values(state.perpetuals.liquidity_tiers)],
            "perpetuals": [encode_perpetual(p) for p in _sorted_values(state.perpetuals.perpetuals)],
            "params": encode_perpetuals_params(state.perpetuals.params),
            "premiumVotes": encode_premium_store(state.perpetuals.premium_votes),
            "premiumSamples": encode_premium_store(state.perpetuals.premium_samples),
        },
        "prices": {
            "marketParams": [encode_market_param(m) for m in _sorted_values(state.prices.market_params)],
            "marketPrices": [
                {"id": m.id, "exponent": m.exponent, "price": str(m.price)}
                for m in _sorted_values(state.prices.market_prices)
            ],
        },
        "clob": encode_clob(state.clob),
        "feeTiers": {"params": {"tiers": [encode_fee_tier(tier) for tier in state.fee_tiers.params.tiers]}},
        "stats": {
            "params": {
                "epochDurationSeconds": state.stats.params.epoch_duration_seconds,
                "windowDurationSeconds": state.stats.params.window_duration_seconds,
            },
            "volume": encode_volume(state.stats.volume),
        },
        "epochs": {
            "epochInfoList": [encode_epoch_info(state.epochs.epoch_infos[n]) for n in sorted(state.epochs.epoch_infos)]
        },
    }


def encode_perpetuals_params(params: PerpetualsParams) -> dict[str, Any]:
    """The perpetuals module's funding parameters in the v4 ``Params`` shape (CODEC-1, FUND-9)."""
    return {
        "fundingRateClampFactorPpm": params.funding_rate_clamp_factor_ppm,
        "premiumVoteClampFactorPpm": params.premium_vote_clamp_factor_ppm,
        "minNumVotesPerSample": params.min_num_votes_per_sample,
    }


def encode_premium_store(store: PremiumStore) -> dict[str, Any]:
    """Stored premiums in the v4 ``PremiumStore`` shape, by perpetual id (CODEC-1, FUND-10, FUND-11)."""
    return {
        "allMarketPremiums": [
            {"perpetualId": pid, "premiums": list(store.premiums[pid])} for pid in sorted(store.premiums)
        ],
        "numPremiums": store.num_premiums,
    }


def encode_epoch_info(epoch: EpochInfo) -> dict[str, Any]:
    """An epoch in the v4 ``EpochInfo`` shape (CODEC-1, FUND-9)."""
    return {
        "name": epoch.name,
        "nextTick": epoch.next_tick,
        "duration": epoch.duration,
        "currentEpoch": epoch.current_epoch,
        "currentEpochStartBlock": epoch.current_epoch_start_block,
        "isInitialized": epoch.is_initialized,
        "fastForwardNextTick": epoch.fast_forward_next_tick,
    }


def encode_liquidity_tier(tier: LiquidityTier) -> dict[str, Any]:
    """A liquidity tier in the v4 ``LiquidityTier`` shape (CODEC-1)."""
    return {
        "id": tier.id,
        "name": tier.name,
        "initialMarginPpm": tier.initial_margin_ppm,
        "maintenanceFractionPpm": tier.maintenance_fraction_ppm,
        "impactNotional": str(tier.impact_notional),
        "openInterestLowerCap": str(tier.open_interest_lower_cap),
        "openInterestUpperCap": str(tier.open_interest_upper_cap),
    }


def encode_perpetual(perpetual: Perpetual) -> dict[str, Any]:
    """A perpetual in the v4 ``Perpetual`` shape: its parameters, funding index and open interest (CODEC-1)."""
    return {
        "params": {
            "id": perpetual.id,
            "ticker": perpetual.ticker,
            "marketId": perpetual.market_id,
            "atomicResolution": perpetual.atomic_resolution,
            "defaultFundingPpm": perpetual.default_funding_ppm,
            "liquidityTier": perpetual.liquidity_tier,
            "marketType": "PERPETUAL_MARKET_TYPE_" + perpetual.market_type.name,
        },
        "fundingIndex": str(perpetual.funding_index),
        "openInterest": str(perpetual.open_interest),
    }


def encode_market_param(param: MarketParam) -> dict[str, Any]:
    """An oracle market's parameters in the v4 ``MarketParam`` shape (CODEC-1)."""
    return {
        "id": param.id,
        "pair": param.pair,
        "exponent": param.exponent,
        "minExchanges": param.min_exchanges,
        "minPriceChangePpm": param.min_price_change_ppm,
        "maxSourceAgeSeconds": param.max_source_age_seconds,
    }


def _sorted_values(table: dict[int, T]) -> list[T]:
    """A table's records by id."""
    return [table[key] for key in sorted(table)]


# --- decoding: shapes only (CODEC-4) ---------------------------------------------------


def _object(value: Any, where: str, required: Collection[str], optional: Collection[str] = ()) -> dict[str, Any]:
    return read_object(
        value, where, required, optional, type_error=errors.InvalidGenesis, missing_error=errors.InvalidGenesis
    )


def _integer(value: Any, where: str, minimum: int, maximum: int) -> int:
    return read_integer(value, where, minimum, maximum, BIG_DIGITS, type_error=errors.InvalidGenesis)


def _big(value: Any, where: str, minimum: int | None = None) -> int:
    """An unbounded integer of at most 400 digits (balances, indexes, totals)."""
    return read_integer(value, where, minimum, None, BIG_DIGITS, type_error=errors.InvalidGenesis)


def _string(value: Any, where: str) -> str:
    return read_string(value, where, type_error=errors.InvalidGenesis)


def _list(value: Any, where: str) -> list[Any]:
    return read_list(value, where, type_error=errors.InvalidGenesis)


def _address(value: Any, where: str) -> str:
    if not is_valid_address(value):
        raise errors.InvalidGenesis(f"{where}: not a dydx bech32 address")
    return str(value)


def _enum(value: Any, where: str, prefix: str, members: type[Enum]) -> Any:
    names = {prefix + member.name: member for member in members}
    name = _string(value, where)
    if name not in names:
        raise errors.InvalidGenesis(f"{where}: unknown value {name[:80]!r}")
    return names[name]


def _decode_tier(value: Any, where: str) -> LiquidityTier:
    obj = _object(value, where, LIQUIDITY_TIER_FIELDS)
    return LiquidityTier(
        id=_integer(obj["id"], f"{where}.id", 0, UINT32_MAX),
        name=_string(obj["name"], f"{where}.name"),
        initial_margin_ppm=_integer(obj["initialMarginPpm"], f"{where}.initialMarginPpm", 0, UINT32_MAX),
        maintenance_fraction_ppm=_integer(
            obj["maintenanceFractionPpm"], f"{where}.maintenanceFractionPpm", 0, UINT32_MAX
        ),
        impact_notional=_integer(obj["impactNotional"], f"{where}.impactNotional", 0, UINT64_MAX),
        open_interest_lower_cap=_integer(obj["openInterestLowerCap"], f"{where}.openInterestLowerCap", 0, UINT64_MAX),
        open_interest_upper_cap=_integer(obj["openInterestUpperCap"], f"{where}.openInterestUpperCap", 0, UINT64_MAX),
    )


LIQUIDITY_TIER_FIELDS = (
    "id",
    "name",
    "initialMarginPpm",
    "maintenanceFractionPpm",
    "impactNotional",
    "openInterestLowerCap",
    "openInterestUpperCap",
)


def _decode_perpetual(value: Any, where: str) -> tuple[Perpetual, bool]:
    """A perpetual, and whether its open interest was given (a genesis may omit it: GEN-3)."""
    obj = _object(value, where, ("params",), ("fundingIndex", "openInterest"))
    at = f"{where}.params"
    params = _object(
        obj["params"],
        at,
        ("id", "ticker", "marketId", "atomicResolution", "defaultFundingPpm", "liquidityTier", "marketType"),
    )
    perpetual = Perpetual(
        id=_integer(params["id"], f"{at}.id", 0, UINT32_MAX),
        ticker=_string(params["ticker"], f"{at}.ticker"),
        market_id=_integer(params["marketId"], f"{at}.marketId", 0, UINT32_MAX),
        atomic_resolution=_integer(params["atomicResolution"], f"{at}.atomicResolution", INT32_MIN, INT32_MAX),
        default_funding_ppm=_integer(params["defaultFundingPpm"], f"{at}.defaultFundingPpm", INT32_MIN, INT32_MAX),
        liquidity_tier=_integer(params["liquidityTier"], f"{at}.liquidityTier", 0, UINT32_MAX),
        market_type=_enum(params["marketType"], f"{at}.marketType", "PERPETUAL_MARKET_TYPE_", MarketType),
        funding_index=_big(obj.get("fundingIndex", 0), f"{where}.fundingIndex"),
        open_interest=_big(obj.get("openInterest", 0), f"{where}.openInterest", 0),
    )
    return perpetual, "openInterest" in obj


def _decode_market_param(value: Any, where: str) -> MarketParam:
    obj = _object(value, where, ("id", "pair", "exponent", "minExchanges", "minPriceChangePpm", "maxSourceAgeSeconds"))
    return MarketParam(
        id=_integer(obj["id"], f"{where}.id", 0, UINT32_MAX),
        pair=_string(obj["pair"], f"{where}.pair"),
        exponent=_integer(obj["exponent"], f"{where}.exponent", INT32_MIN, INT32_MAX),
        min_exchanges=_integer(obj["minExchanges"], f"{where}.minExchanges", 0, UINT32_MAX),
        min_price_change_ppm=_integer(obj["minPriceChangePpm"], f"{where}.minPriceChangePpm", 0, UINT32_MAX),
        max_source_age_seconds=_integer(obj["maxSourceAgeSeconds"], f"{where}.maxSourceAgeSeconds", 0, INT64_MAX),
    )


def _decode_market_price(value: Any, where: str) -> MarketPrice:
    obj = _object(value, where, ("id", "exponent", "price"))
    return MarketPrice(
        id=_integer(obj["id"], f"{where}.id", 0, UINT32_MAX),
        exponent=_integer(obj["exponent"], f"{where}.exponent", INT32_MIN, INT32_MAX),
        price=_integer(obj["price"], f"{where}.price", 0, UINT64_MAX),
    )


def _decode_subaccount(value: Any, where: str) -> Subaccount:
    """A subaccount: one USDC asset position at most, one position per perpetual (CODEC-1)."""
    obj = _object(value, where, ("id", "assetPositions", "perpetualPositions"))
    ident = _object(obj["id"], f"{where}.id", ("owner", "number"))
    subaccount = Subaccount(
        SubaccountId(
            _address(ident["owner"], f"{where}.id.owner"),
            _integer(ident["number"], f"{where}.id.number", 0, MAX_SUBACCOUNT_NUMBER),
        )
    )
    for i, item in enumerate(_list(obj["assetPositions"], f"{where}.assetPositions")):
        at = f"{where}.assetPositions[{i}]"
        asset = _object(item, at, ("assetId", "quantums"))
        if _integer(asset["assetId"], f"{at}.assetId", 0, UINT32_MAX) != 0 or i > 0:
            raise errors.InvalidGenesis(f"{where}: only one asset position, USDC (asset 0), is supported")
        subaccount.usdc_balance = _big(asset["quantums"], f"{at}.quantums")
    for i, item in enumerate(_list(obj["perpetualPositions"], f"{where}.perpetualPositions")):
        at = f"{where}.perpetualPositions[{i}]"
        entry = _object(item, at, ("perpetualId", "quantums", "fundingIndex"))
        position = PerpetualPosition(
            perpetual_id=_integer(entry["perpetualId"], f"{at}.perpetualId", 0, UINT32_MAX),
            quantums=_big(entry["quantums"], f"{at}.quantums"),
            funding_index=_big(entry["fundingIndex"], f"{at}.fundingIndex"),
        )
        if position.perpetual_id in subaccount.positions:
            raise errors.InvalidGenesis(f"{where}: two positions in perpetual {position.perpetual_id}")
        subaccount.positions[position.perpetual_id] = position
    return subaccount


def _index(items: list[T], key: Callable[[T], K], where: str) -> dict[K, T]:
    """A table by id; an id listed twice is refused."""
    table: dict[K, T] = {}
    for item in items:
        ident = key(item)
        if ident in table:
            raise errors.InvalidGenesis(f"{where}: duplicate id {ident!r}")
        table[ident] = item
    return table


@dataclass(frozen=True)
class DecodedState:
    """
    A state decoded from its JSON, and which of the values a genesis may leave to be derived
    were left out (GEN-3): the open interest of these perpetuals, and ``totalDeposited``.
    Until ``perpspec.genesis`` derives them they are 0.
    """

    state: State
    omitted_open_interest: frozenset[int]
    omits_total_deposited: bool


def _optional_block(obj: dict[str, Any], key: str, where: str) -> int | None:
    value = obj.get(key)
    return None if value is None else _integer(value, f"{where}.{key}", 0, UINT32_MAX)


def _table(
    obj: dict[str, Any], key: str, where: str, decode: Callable[[Any, str], T], ident: Callable[[T], K]
) -> dict[K, T]:
    items = [decode(item, f"{where}.{key}[{i}]") for i, item in enumerate(_list(obj[key], f"{where}.{key}"))]
    return _index(items, ident, f"{where}.{key}")


def _decode_blocks(value: Any) -> BlockState:
    obj = _object(value, "genesis.blocks", ("height", "time"), ("lastChainOutageAtBlock",))
    return BlockState(
        height=_integer(obj["height"], "genesis.blocks.height", 0, UINT32_MAX),
        time=_integer(obj["time"], "genesis.blocks.time", 0, INT64_MAX),
        last_chain_outage_at_block=_optional_block(obj, "lastChainOutageAtBlock", "genesis.blocks"),
    )


def _decode_bank(value: Any) -> BankState:
    where = "genesis.bank"
    fields = ("totalDeposited", "totalWithdrawn", "insuranceFund", "feeCollector", "fundingPool")
    obj = _object(value, where, (), fields)
    return BankState(
        total_deposited=_big(obj.get("totalDeposited", 0), f"{where}.totalDeposited", 0),
        total_withdrawn=_big(obj.get("totalWithdrawn", 0), f"{where}.totalWithdrawn", 0),
        insurance_fund=_big(obj.get("insuranceFund", 0), f"{where}.insuranceFund", 0),
        fee_collector=_big(obj.get("feeCollector", 0), f"{where}.feeCollector", 0),
        funding_pool=_big(obj.get("fundingPool", 0), f"{where}.fundingPool"),
    )


def _decode_subaccounts(value: Any) -> SubaccountsState:
    where = "genesis.subaccounts"
    obj = _object(value, where, ("subaccounts",), ("negativeTncSubaccountSeenAtBlock",))
    return SubaccountsState(
        subaccounts=_table(obj, "subaccounts", where, _decode_subaccount, lambda s: s.id),
        negative_tnc_subaccount_seen_at_block=_optional_block(obj, "negativeTncSubaccountSeenAtBlock", where),
    )


def _bool(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise errors.InvalidGenesis(f"{where}: expected true or false")
    return value


def _decode_perpetuals_params(value: Any, where: str) -> PerpetualsParams:
    fields = ("fundingRateClampFactorPpm", "premiumVoteClampFactorPpm", "minNumVotesPerSample")
    obj = _object(value, where, fields)
    return PerpetualsParams(*(_integer(obj[f], f"{where}.{f}", 0, UINT32_MAX) for f in fields))


def _decode_premium_store(value: Any, where: str) -> PremiumStore:
    obj = _object(value, where, ("allMarketPremiums", "numPremiums"))
    premiums: dict[int, list[int]] = {}
    for i, item in enumerate(_list(obj["allMarketPremiums"], f"{where}.allMarketPremiums")):
        at = f"{where}.allMarketPremiums[{i}]"
        market = _object(item, at, ("perpetualId", "premiums"))
        pid = _integer(market["perpetualId"], f"{at}.perpetualId", 0, UINT32_MAX)
        if pid in premiums:
            raise errors.InvalidGenesis(f"{at}: perpetual {pid} is listed twice")
        values = _list(market["premiums"], f"{at}.premiums")
        premiums[pid] = [_integer(v, f"{at}.premiums[{k}]", INT32_MIN, INT32_MAX) for k, v in enumerate(values)]
    return PremiumStore(premiums, _integer(obj["numPremiums"], f"{where}.numPremiums", 0, UINT32_MAX))


def _decode_epoch_info(value: Any, where: str) -> EpochInfo:
    fields = ("name", "nextTick", "duration", "currentEpoch", "currentEpochStartBlock")
    obj = _object(value, where, fields, ("isInitialized", "fastForwardNextTick"))
    return EpochInfo(
        name=_string(obj["name"], f"{where}.name"),
        next_tick=_integer(obj["nextTick"], f"{where}.nextTick", 0, UINT32_MAX),
        duration=_integer(obj["duration"], f"{where}.duration", 0, UINT32_MAX),
        current_epoch=_integer(obj["currentEpoch"], f"{where}.currentEpoch", 0, UINT32_MAX),
        current_epoch_start_block=_integer(
            obj["currentEpochStartBlock"], f"{where}.currentEpochStartBlock", 0, UINT32_MAX
        ),
        is_initialized=_bool(obj.get("isInitialized", False), f"{where}.isInitialized"),
        fast_forward_next_tick=_bool(obj.get("fastForwardNextTick", False), f"{where}.fastForwardNextTick"),
    )


def _decode_epochs(value: Any) -> EpochsState:
    """The epochs module (FUND-9); absent, v4's two funding epochs."""
    where = "genesis.epochs"
    obj = _object(value, where, ("epochInfoList",))
    return EpochsState(_table(obj, "epochInfoList", where, _decode_epoch_info, lambda e: e.name))


def _decode_perpetuals(value: Any) -> tuple[PerpetualsState, frozenset[int]]:
    """The perpetuals module, and the perpetuals whose open interest a genesis left out (GEN-3)."""
    where = "genesis.perpetuals"
    obj = _object(value, where, ("liquidityTiers", "perpetuals"), ("params", "premiumVotes", "premiumSamples"))
    perpetuals = [
        _decode_perpetual(p, f"{where}.perpetuals[{i}]")
        for i, p in enumerate(_list(obj["perpetuals"], f"{where}.perpetuals"))
    ]
    state = PerpetualsState(
        liquidity_tiers=_table(obj, "liquidityTiers", where, _decode_tier, lambda t: t.id),
        perpetuals=_index([p for p, _ in perpetuals], lambda p: p.id, f"{where}.perpetuals"),
        params=PerpetualsParams()
        if obj.get("params") is None
        else _decode_perpetuals_params(obj["params"], f"{where}.params"),
        premium_votes=PremiumStore()
        if obj.get("premiumVotes") is None
        else _decode_premium_store(obj["premiumVotes"], f"{where}.premiumVotes"),
        premium_samples=PremiumStore()
        if obj.get("premiumSamples") is None
        else _decode_premium_store(obj["premiumSamples"], f"{where}.premiumSamples"),
    )
    return state, frozenset(p.id for p, given in perpetuals if not given)


def _decode_prices(value: Any) -> PricesState:
    where = "genesis.prices"
    obj = _object(value, where, ("marketParams", "marketPrices"))
    return PricesState(
        market_params=_table(obj, "marketParams", where, _decode_market_param, lambda m: m.id),
        market_prices=_table(obj, "marketPrices", where, _decode_market_price, lambda m: m.id),
    )


def _decode_fee_tiers(value: Any) -> FeeTiersState:
    obj = _object(value, "genesis.feeTiers", ("params",))
    params = _object(obj["params"], "genesis.feeTiers.params", ("tiers",))
    return FeeTiersState(FeeParams(decode_fee_tiers(params["tiers"], "genesis.feeTiers.params.tiers")))


def _decode_stats(value: Any) -> StatsState:
    obj = _object(value, "genesis.stats", ("params", "volume"))
    params = _object(obj["params"], "genesis.stats.params", ("epochDurationSeconds", "windowDurationSeconds"))
    at = "genesis.stats.params"
    return StatsState(
        params=StatsParams(
            epoch_duration_seconds=_integer(params["epochDurationSeconds"], f"{at}.epochDurationSeconds", 0, INT64_MAX),
            window_duration_seconds=_integer(
                params["windowDurationSeconds"], f"{at}.windowDurationSeconds", 0, INT64_MAX
            ),
        ),
        volume=decode_volume(obj["volume"], "genesis.stats.volume"),
    )


def decode_state(value: Any) -> DecodedState:
    """A state from its JSON form (the genesis format), checked for shape only (CODEC-4)."""
    required = ("authority", "blocks", "subaccounts", "perpetuals", "prices", "clob")
    obj = _object(value, "genesis", required, ("bank", "feeTiers", "stats", "epochs"))
    perpetuals, omitted_open_interest = _decode_perpetuals(obj["perpetuals"])
    bank = obj.get("bank")
    state = State(
        authority=_address(obj["authority"], "genesis.authority"),
        blocks=_decode_blocks(obj["blocks"]),
        bank=BankState() if bank is None else _decode_bank(bank),
        subaccounts=_decode_subaccounts(obj["subaccounts"]),
        perpetuals=perpetuals,
        prices=_decode_prices(obj["prices"]),
        clob=decode_clob(obj["clob"], "genesis.clob"),
        fee_tiers=FeeTiersState() if obj.get("feeTiers") is None else _decode_fee_tiers(obj["feeTiers"]),
        stats=StatsState() if obj.get("stats") is None else _decode_stats(obj["stats"]),
        epochs=EpochsState() if obj.get("epochs") is None else _decode_epochs(obj["epochs"]),
    )
    return DecodedState(
        state,
        omitted_open_interest=omitted_open_interest,
        omits_total_deposited=not isinstance(bank, dict) or bank.get("totalDeposited") is None,
    )


# --- events (TX-4) ----------------------------------------------------------------------


def _encode_subaccount_update(event: SubaccountUpdateEvent) -> dict[str, Any]:
    return {
        "type": "SubaccountUpdate",
        "subaccountId": encode_subaccount_id(event.subaccount_id),
        "usdcBalance": str(event.usdc_balance),
        "perpetualPositions": [
            {"perpetualId": pid, "quantums": str(quantums), "fundingIndex": str(index)}
            for pid, quantums, index in event.positions
        ],
        "fundingPayments": [{"perpetualId": pid, "payment": str(payment)} for pid, payment in event.funding_payments],
    }


def _encode_order_fill(event: OrderFillEvent) -> dict[str, Any]:
    return {
        "type": "OrderFill",
        "clobPairId": event.clob_pair_id,
        "takerOrderId": encode_order_id(event.taker_order_id),
        "makerOrderId": encode_order_id(event.maker_order_id),
        "takerIsBuy": event.taker_is_buy,
        "subticks": str(event.subticks),
        "fillQuantums": str(event.fill_quantums),
        "quoteQuantums": str(event.quote_quantums),
        "takerFee": str(event.taker_fee),
        "makerFee": str(event.maker_fee),
        "takerTotalFilled": str(event.taker_total_filled),
        "makerTotalFilled": str(event.maker_total_filled),
    }


EVENT_ENCODERS: dict[type, Callable[[Any], dict[str, Any]]] = {
    DepositEvent: lambda e: {
        "type": "Deposit",
        "sender": e.sender,
        "recipient": encode_subaccount_id(e.recipient),
        "quantums": str(e.quantums),
    },
    WithdrawEvent: lambda e: {
        "type": "Withdraw",
        "sender": encode_subaccount_id(e.sender),
        "recipient": e.recipient,
        "quantums": str(e.quantums),
    },
    TransferEvent: lambda e: {
        "type": "Transfer",
        "sender": encode_subaccount_id(e.sender),
        "recipient": encode_subaccount_id(e.recipient),
        "amount": str(e.amount),
    },
    SubaccountUpdateEvent: _encode_subaccount_update,
    MarketPriceEvent: lambda e: {
        "type": "MarketPrice",
        "marketId": e.market_id,
        "outcome": e.outcome.value,
        "oldPrice": str(e.old_price),
        "newPrice": str(e.new_price),
        "validSources": e.valid_sources,
        "droppedSources": e.dropped_sources,
    },
    ChainOutageEvent: lambda e: {"type": "ChainOutage", "height": e.height, "seconds": str(e.seconds)},
    BlockStartedEvent: lambda e: {"type": "BlockStarted", "height": e.height, "time": str(e.time)},
    OrderPlacedEvent: lambda e: {"type": "OrderPlaced", "order": encode_order(e.order), "replaces": e.replaces},
    OrderFillEvent: _encode_order_fill,
    OrderOnBookEvent: lambda e: {
        "type": "OrderOnBook",
        "orderId": encode_order_id(e.order_id),
        "remainingQuantums": str(e.remaining_quantums),
    },
    OrderRemovedEvent: lambda e: {
        "type": "OrderRemoved",
        "orderId": encode_order_id(e.order_id),
        "reason": e.reason.value,
    },
    OrderCancelRecordedEvent: lambda e: {
        "type": "OrderCancelRecorded",
        "orderId": encode_order_id(e.order_id),
        "goodTilBlock": e.good_til_block,
    },
    ConditionalOrderTriggeredEvent: lambda e: {
        "type": "ConditionalOrderTriggered",
        "orderId": encode_order_id(e.order_id),
    },
    ClobPairUpdatedEvent: lambda e: {"type": "ClobPairUpdated", "clobPair": encode_clob_pair(e.clob_pair)},
    LiquidationOrderEvent: lambda e: {
        "type": "LiquidationOrder",
        "subaccountId": encode_subaccount_id(e.subaccount_id),
        "clobPairId": e.clob_pair_id,
        "perpetualId": e.perpetual_id,
        "isBuy": e.is_buy,
        "quantums": str(e.quantums),
        "subticks": str(e.subticks),
    },
    LiquidationFillEvent: lambda e: {
        "type": "LiquidationFill",
        "liquidated": encode_subaccount_id(e.liquidated),
        "makerOrderId": encode_order_id(e.maker_order_id),
        "clobPairId": e.clob_pair_id,
        "isBuy": e.is_buy,
        "subticks": str(e.subticks),
        "fillQuantums": str(e.fill_quantums),
        "quoteQuantums": str(e.quote_quantums),
        "makerFee": str(e.maker_fee),
        "insuranceFundDelta": str(e.insurance_fund_delta),
        "makerTotalFilled": str(e.maker_total_filled),
    },
    DeleveragingFillEvent: lambda e: {
        "type": "DeleveragingFill",
        "liquidated": encode_subaccount_id(e.liquidated),
        "offsetting": encode_subaccount_id(e.offsetting),
        "perpetualId": e.perpetual_id,
        "isBuy": e.is_buy,
        "fillQuantums": str(e.fill_quantums),
        "quoteQuantums": str(e.quote_quantums),
        "isFinalSettlement": e.is_final_settlement,
    },
    NegativeTncSubaccountSeenEvent: lambda e: {
        "type": "NegativeTncSubaccountSeen",
        "subaccountId": encode_subaccount_id(e.subaccount_id),
        "height": e.height,
    },
    FundingSampleEvent: lambda e: {
        "type": "FundingSample",
        "perpetualId": e.perpetual_id,
        "samplePpm": e.sample_ppm,
        "nonZeroVotes": e.non_zero_votes,
        "numVotes": e.num_votes,
    },
    FundingTickEvent: lambda e: {
        "type": "FundingTick",
        "perpetualId": e.perpetual_id,
        "fundingRatePpm": str(e.funding_rate_ppm),
        "fundingIndexDelta": str(e.funding_index_delta),
        "fundingIndex": str(e.funding_index),
    },
}
"""The JSON of each event type, as the vectors hold it (TX-4)."""


def encode_event(event: Event) -> dict[str, Any]:
    """An event's JSON object: its ``type`` and its fields, 64-bit integers as decimal strings (TX-4)."""
    return EVENT_ENCODERS[type(event)](event)


def encode_events(events: list[Event]) -> list[dict[str, Any]]:
    """Every event of a transition, in order (TX-4)."""
    return [EVENT_ENCODERS[type(event)](event) for event in events]
