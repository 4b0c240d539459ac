"""
The function catalogue: the spec's pure functions by name, behind ``perpspec eval`` (spec/catalogue.md).

Each entry names its inputs in order with their protocol types, checks the
protocol's ranges before computing, calls the very function the state machine
uses, and encodes the result.  Names and input names are normative (CAT-1).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

from perpspec import errors
from perpspec.deleveraging import process_deleveraging_fill
from perpspec.funding import (
    BookLevel,
    clamp_funding_rate_ppm,
    funding_index_delta,
    funding_settlement_ppm,
    funding_tick,
    max_abs_funding_clamp_ppm,
    min_num_samples_per_tick,
    premium_rate_from_samples,
    premium_sample_from_votes,
    price_premium_ppm,
    remove_sample_tails,
)
from perpspec.jsonio import UndecodableLine, decimal_string, describe, parse_json, read_list, read_object
from perpspec.jsonio import read_integer as read_json_integer
from perpspec.liquidation_arithmetic import (
    can_deleverage_subaccount,
    compute_fillable_price_subticks,
    compute_insurance_lost_of_delta,
    compute_liquidatable_position_size_delta,
    compute_position_notional_abs,
    compute_position_notional_liquidatable_bounds,
    compute_subaccount_max_insurance_lost,
    compute_subaccount_max_notional_liquidatable,
    is_valid_insurance_fund_delta,
)
from perpspec.liquidation_prices import (
    get_bankruptcy_price_quote_quantums,
    get_fillable_price,
    get_liquidation_insurance_fund_delta,
    get_settled_subaccount_risk,
)
from perpspec.margin import (
    Risk,
    adjusted_initial_margin_ppm,
    initial_margin_quote_quantums,
    is_liquidatable,
    maintenance_margin_ppm,
    perpetual_margin_requirements,
    position_net_notional_quote_quantums,
    risk_compare,
)
from perpspec.oracle import (
    max_allowed_price_delta,
    median_round_half_away_from_zero,
    min_price_change_amount,
    price_delta_within_one_tick,
    price_update_sqrt_condition,
)
from perpspec.rounding import ONE_MILLION
from perpspec.state import (
    BlockState,
    LiquidityTier,
    MarketPrice,
    MarketType,
    Perpetual,
    PerpetualPosition,
    State,
    Subaccount,
)
from perpspec.subaccounts import UpdateResult, compute_undercollateralized_result
from perpspec.types import SubaccountId
from perpspec.units import (
    INT32_MAX,
    INT32_MIN,
    INT64_MAX,
    INT64_MIN,
    UINT32_MAX,
    UINT64_MAX,
    average_price_subticks,
    base_to_quote_quantums,
    compute_quote_exponent,
    compute_subticks_exponent,
    fill_quote_quantums_from_subticks,
    price_to_subticks,
    quote_to_base_quantums,
    subticks_to_price,
)

MAX_DIGITS = 1_000
"""Integers of more than this many digits are refused (CAT-4): no protocol value comes close."""

MAX_POW10 = 4_096
"""The largest power of ten the reference builds; a larger one is refused (CAT-4)."""

MAX_LIST_LENGTH = 100_000

SAFE_INTEGER = 2**53
"""Integers beyond this magnitude are written as decimal strings (CAT-3)."""


# --- input types ------------------------------------------------------------------------


@dataclass(frozen=True)
class IntegerType:
    """An integer input: its name in messages and its inclusive range (None = unbounded)."""

    name: str
    minimum: int | None
    maximum: int | None

    def read(self, value: Any, where: str) -> int:
        """A JSON number or a decimal string (JSON-3, CAT-2), at most MAX_DIGITS digits and in range (CAT-4)."""
        return read_integer(value, where, self)


BIGINT = IntegerType("integer", None, None)
UINT64 = IntegerType("uint64", 0, UINT64_MAX)
UINT32 = IntegerType("uint32", 0, UINT32_MAX)
INT32 = IntegerType("int32", INT32_MIN, INT32_MAX)


@dataclass(frozen=True)
class IntegerListType:
    """A non-empty list of integers that all fit one Go integer type (int64 or uint64)."""

    name: str = "int64[] | uint64[]"

    def read(self, value: Any, where: str) -> list[int]:
        """The values of a median (CAT-4)."""
        return read_integer_list(value, where)


INTEGER_LIST = IntegerListType()


@dataclass(frozen=True)
class BooleanType:
    """A JSON ``true`` or ``false``; no number or string stands for one (CAT-2)."""

    name: str = "boolean"

    def read(self, value: Any, where: str) -> bool:
        if not isinstance(value, bool):
            raise errors.InvalidType(f"{where}: expected true or false, got {describe(value)}")
        return value


BOOLEAN = BooleanType()


@dataclass(frozen=True)
class ChoiceType:
    """One of a fixed set of strings, spelt exactly (an enum's name, CAT-2)."""

    choices: tuple[str, ...]

    @property
    def name(self) -> str:
        return " | ".join(f'"{choice}"' for choice in self.choices)

    def read(self, value: Any, where: str) -> str:
        if not isinstance(value, str):
            raise errors.InvalidType(f"{where}: expected one of {self.name}, got {describe(value)}")
        if value not in self.choices:
            raise errors.InvalidArgument(f"{where}: expected one of {self.name}, got {value[:40]!r}")
        return value


@dataclass(frozen=True)
class RationalType:
    """An exact rational written ``[numerator, denominator]``, the denominator non-zero (CAT-2, CAT-3)."""

    name: str = "[integer, integer]"

    def read(self, value: Any, where: str) -> Fraction:
        items = read_list(value, where, max_length=2, type_error=errors.InvalidType, range_error=errors.InvalidType)
        if len(items) != 2:
            raise errors.InvalidType(f"{where}: a rational is [numerator, denominator]")
        numerator = read_integer(items[0], f"{where}[0]", BIGINT)
        denominator = read_integer(items[1], f"{where}[1]", BIGINT)
        if denominator == 0:
            raise errors.InvalidArgument(f"{where}: the denominator is 0")
        return Fraction(numerator, denominator)


RATIONAL = RationalType()


@dataclass(frozen=True)
class ObjectType:
    """A JSON object of exactly the named fields, each of its own input type (CAT-2, CAT-5)."""

    fields: tuple[tuple[str, Any], ...]

    @property
    def name(self) -> str:
        return "{" + ", ".join(f"{field}: {kind.name}" for field, kind in self.fields) + "}"

    def read(self, value: Any, where: str) -> dict[str, Any]:
        read_object(
            value,
            where,
            tuple(field for field, _ in self.fields),
            type_error=errors.InvalidType,
            missing_error=errors.MissingInput,
            unknown_error=errors.UnexpectedInput,
        )
        return {field: kind.read(value[field], f"{where}.{field}") for field, kind in self.fields}


@dataclass(frozen=True)
class ListType:
    """A JSON array, possibly empty, of at most MAX_LIST_LENGTH items of one input type (CAT-4)."""

    item: Any

    @property
    def name(self) -> str:
        return f"list of {self.item.name}"

    def read(self, value: Any, where: str) -> list[Any]:
        items = read_list(
            value, where, max_length=MAX_LIST_LENGTH, type_error=errors.InvalidType, range_error=errors.OutOfRange
        )
        return [self.item.read(item, f"{where}[{index}]") for index, item in enumerate(items)]


def read_integer(value: Any, name: str, kind: IntegerType) -> int:
    """An integer from a JSON number or a decimal string (JSON-3, CAT-2), at most MAX_DIGITS digits and in the type's range (CAT-4)."""
    return read_json_integer(
        value,
        name,
        kind.minimum,
        kind.maximum,
        MAX_DIGITS,
        type_error=errors.InvalidType,
        range_error=errors.OutOfRange,
    )


def read_integer_list(value: Any, name: str) -> list[int]:
    """A median's values: a non-empty list of at most MAX_LIST_LENGTH integers, all int64 or all uint64 (CAT-4)."""
    items = read_list(
        value, name, max_length=MAX_LIST_LENGTH, type_error=errors.InvalidType, range_error=errors.OutOfRange
    )
    if not items:
        raise errors.InvalidArgument(f"{name}: the list is empty")
    numbers = [read_integer(v, f"{name}[{i}]", BIGINT) for i, v in enumerate(items)]
    fits_int64 = all(INT64_MIN <= n <= INT64_MAX for n in numbers)
    fits_uint64 = all(0 <= n <= UINT64_MAX for n in numbers)
    if not (fits_int64 or fits_uint64):
        raise errors.OutOfRange(f"{name}: values must all fit int64 or all fit uint64")
    return numbers


# --- output encoding --------------------------------------------------------------------


def encode_integer(value: int) -> int | str:
    """A JSON number, or a decimal string beyond 2^53 in magnitude (CAT-3)."""
    return value if -SAFE_INTEGER <= value <= SAFE_INTEGER else decimal_string(value)


def encode_rational(value: Fraction) -> list[Any]:
    """A reduced [numerator, denominator] with a positive denominator (CAT-3)."""
    return [encode_integer(value.numerator), encode_integer(value.denominator)]


# --- guards -----------------------------------------------------------------------------


def require_pow10_within_limit(exponent: int, value_is_zero: bool = False) -> None:
    """A multiplication by 10^exponent is built only up to MAX_POW10 (CAT-4)."""
    if exponent > MAX_POW10 and not value_is_zero:
        raise errors.LimitExceeded(f"needs 10^{exponent}; the reference builds at most 10^{MAX_POW10}")


def require_positive(value: int, name: str) -> None:
    if value <= 0:
        raise errors.InvalidArgument(f"{name} must be positive (the protocol divides by it)")


def require_scalable_margin(imf: int, lower: int, upper: int, oi_notional: int) -> None:
    """Go panics when it scales an initial margin fraction above 100% between the caps (MARGIN-1)."""
    if imf > ONE_MILLION and upper != 0 and lower < oi_notional < upper:
        raise errors.InvalidArgument("initial_margin_ppm above 1000000 cannot be scaled by open interest")


def require_fraction_at_most_one(value: int, name: str) -> None:
    """Go panics for a maintenance fraction above 100% (MARGIN-3)."""
    if value > ONE_MILLION:
        raise errors.OutOfRange(f"{name}: {value} is above 1000000 (100%)")


# --- the entries ------------------------------------------------------------------------


@dataclass(frozen=True)
class CatalogueFunction:
    """A named pure function: ordered typed inputs, a guard, the computation and its encoder."""

    name: str
    inputs: tuple[tuple[str, Any], ...]
    compute: Callable[..., Any]
    rules: tuple[str, ...]

    def evaluate(self, inputs: Any) -> Any:
        """The output for ``inputs``: an object of exactly the named inputs (CAT-5), each of its type (CAT-2, CAT-4)."""
        read_object(
            inputs,
            f"{self.name} inputs",
            tuple(name for name, _ in self.inputs),
            type_error=errors.MalformedRequest,
            missing_error=errors.MissingInput,
            unknown_error=errors.UnexpectedInput,
        )
        values = {name: kind.read(inputs[name], name) for name, kind in self.inputs}
        return self.compute(**values)


def _base_to_quote(base_quantums: int, atomic_resolution: int, price_value: int, price_exponent: int) -> Any:
    exponent = compute_quote_exponent(atomic_resolution, price_exponent)
    require_pow10_within_limit(exponent, base_quantums * price_value == 0)
    return encode_integer(base_to_quote_quantums(base_quantums, atomic_resolution, price_value, price_exponent))


def _quote_to_base(quote_quantums: int, atomic_resolution: int, price_value: int, price_exponent: int) -> Any:
    require_positive(price_value, "price_value")
    exponent = compute_quote_exponent(atomic_resolution, price_exponent)
    require_pow10_within_limit(-exponent, quote_quantums == 0)
    return encode_integer(quote_to_base_quantums(quote_quantums, atomic_resolution, price_value, price_exponent))


def _fill_quote(subticks: int, base_quantums: int, quantum_conversion_exponent: int) -> Any:
    require_pow10_within_limit(quantum_conversion_exponent, subticks * base_quantums == 0)
    return encode_integer(fill_quote_quantums_from_subticks(subticks, base_quantums, quantum_conversion_exponent))


def _average_price(quote_quantums: int, base_quantums: int, quantum_conversion_exponent: int) -> Any:
    if base_quantums == 0:
        raise errors.InvalidArgument("base_quantums must be non-zero")
    require_pow10_within_limit(abs(quantum_conversion_exponent))
    return encode_rational(average_price_subticks(quote_quantums, base_quantums, quantum_conversion_exponent))


def _price_to_subticks(
    price_value: int,
    price_exponent: int,
    base_atomic_resolution: int,
    quote_atomic_resolution: int,
    quantum_conversion_exponent: int,
) -> Any:
    exponent = compute_subticks_exponent(
        price_exponent, base_atomic_resolution, quote_atomic_resolution, quantum_conversion_exponent
    )
    require_pow10_within_limit(abs(exponent), price_value == 0 and exponent > 0)
    return encode_rational(
        price_to_subticks(
            price_value, price_exponent, base_atomic_resolution, quote_atomic_resolution, quantum_conversion_exponent
        )
    )


def _subticks_to_price(
    subticks: int,
    price_exponent: int,
    base_atomic_resolution: int,
    quote_atomic_resolution: int,
    quantum_conversion_exponent: int,
) -> Any:
    exponent = compute_subticks_exponent(
        price_exponent, base_atomic_resolution, quote_atomic_resolution, quantum_conversion_exponent
    )
    require_pow10_within_limit(-exponent, subticks == 0)
    price = subticks_to_price(
        subticks, price_exponent, base_atomic_resolution, quote_atomic_resolution, quantum_conversion_exponent
    )
    if price > UINT64_MAX:
        raise errors.ResultOutOfRange(f"the price {price} does not fit a uint64")
    return encode_integer(price)


def _adjusted_imf(
    initial_margin_ppm: int, open_interest_lower_cap: int, open_interest_upper_cap: int, open_interest_notional: int
) -> Any:
    require_scalable_margin(
        initial_margin_ppm, open_interest_lower_cap, open_interest_upper_cap, open_interest_notional
    )
    return encode_integer(
        adjusted_initial_margin_ppm(
            initial_margin_ppm, open_interest_lower_cap, open_interest_upper_cap, open_interest_notional
        )
    )


def _initial_margin(
    notional_quote_quantums: int,
    initial_margin_ppm: int,
    open_interest_lower_cap: int,
    open_interest_upper_cap: int,
    open_interest_notional: int,
) -> Any:
    require_scalable_margin(
        initial_margin_ppm, open_interest_lower_cap, open_interest_upper_cap, open_interest_notional
    )
    return encode_integer(
        initial_margin_quote_quantums(
            notional_quote_quantums,
            initial_margin_ppm,
            open_interest_lower_cap,
            open_interest_upper_cap,
            open_interest_notional,
        )
    )


def _maintenance_margin_ppm(initial_margin_ppm: int, maintenance_fraction_ppm: int) -> Any:
    require_fraction_at_most_one(maintenance_fraction_ppm, "maintenance_fraction_ppm")
    return encode_integer(maintenance_margin_ppm(initial_margin_ppm, maintenance_fraction_ppm))


def _margin_requirements(
    position_quantums: int,
    atomic_resolution: int,
    price_value: int,
    price_exponent: int,
    initial_margin_ppm: int,
    maintenance_fraction_ppm: int,
    open_interest_base_quantums: int,
    open_interest_lower_cap: int,
    open_interest_upper_cap: int,
) -> Any:
    exponent = compute_quote_exponent(atomic_resolution, price_exponent)
    require_pow10_within_limit(
        exponent, price_value == 0 or (position_quantums == 0 and open_interest_base_quantums == 0)
    )
    open_interest_notional = base_to_quote_quantums(
        open_interest_base_quantums, atomic_resolution, price_value, price_exponent
    )
    require_scalable_margin(
        initial_margin_ppm, open_interest_lower_cap, open_interest_upper_cap, open_interest_notional
    )
    imr, mmr = perpetual_margin_requirements(
        position_quantums,
        atomic_resolution,
        price_value,
        price_exponent,
        initial_margin_ppm,
        maintenance_fraction_ppm,
        open_interest_base_quantums,
        open_interest_lower_cap,
        open_interest_upper_cap,
    )
    return {"imr": encode_integer(imr), "mmr": encode_integer(mmr)}


def _net_notional(position_quantums: int, atomic_resolution: int, price_value: int, price_exponent: int) -> Any:
    exponent = compute_quote_exponent(atomic_resolution, price_exponent)
    require_pow10_within_limit(exponent, position_quantums * price_value == 0)
    return encode_integer(
        position_net_notional_quote_quantums(position_quantums, atomic_resolution, price_value, price_exponent)
    )


def _is_liquidatable(net_collateral: int, maintenance_margin_requirement: int) -> Any:
    return bool(is_liquidatable(net_collateral, maintenance_margin_requirement))


def _risk_compare(first_nc: int, first_mmr: int, second_nc: int, second_mmr: int) -> Any:
    return risk_compare(first_nc, first_mmr, second_nc, second_mmr)


def _median(values: list[int]) -> Any:
    return encode_integer(median_round_half_away_from_zero(values))


def _min_price_change(current_price: int, min_price_change_ppm: int) -> Any:
    amount = min_price_change_amount(current_price, min_price_change_ppm)
    if amount > UINT64_MAX:
        raise errors.ResultOutOfRange(f"the amount {amount} does not fit a uint64")
    return encode_integer(amount)


def _funding_settlement(perpetual_funding_index: int, position_funding_index: int, position_quantums: int) -> Any:
    settlement, new_index = funding_settlement_ppm(perpetual_funding_index, position_funding_index, position_quantums)
    return {"net_settlement_ppm": encode_integer(settlement), "new_funding_index": encode_integer(new_index)}


# --- the risk engine (spec/liquidations.md, spec/deleveraging.md) ---------------------------

PERPETUAL = ObjectType(
    (
        ("perpetual_id", UINT32),
        ("atomic_resolution", INT32),
        ("price_value", UINT64),
        ("price_exponent", INT32),
        ("initial_margin_ppm", UINT32),
        ("maintenance_fraction_ppm", UINT32),
    )
)
"""A perpetual of a risk-engine entry: its market's oracle price and its liquidity tier's margins."""

POSITION = ObjectType((("perpetual_id", UINT32), ("quantums", BIGINT)))
"""A perpetual position of a risk-engine entry, in signed base quantums."""

CLOB_PAIR_STATUS = ChoiceType(("ACTIVE", "PAUSED", "CANCEL_ONLY", "POST_ONLY", "INITIALIZING", "FINAL_SETTLEMENT"))
"""A clob pair's status, by its v4 name (CLOB-1); only FINAL_SETTLEMENT changes deleveraging (DEL-1)."""


def require_unique_perpetual_ids(items: list[dict[str, Any]], name: str) -> None:
    """Each perpetual id once in a list of perpetuals or positions: DUPLICATE_PERPETUAL_ID otherwise (LIQ-6)."""
    seen: set[int] = set()
    for item in items:
        if item["perpetual_id"] in seen:
            raise errors.DuplicatePerpetualId(f"{name} lists perpetual {item['perpetual_id']} twice")
        seen.add(item["perpetual_id"])


def build_risk_state(
    perpetuals: list[dict[str, Any]], usdc_balance_quote_quantums: int, perpetual_positions: list[dict[str, Any]]
) -> tuple[State, Subaccount]:
    """
    A state of the listed perpetuals (each its own market and liquidity tier, no open interest, funding
    settled) and one subaccount holding the positions, for the entries that run ``perpspec.liquidation_prices``.

    DUPLICATE_PERPETUAL_ID for an id listed twice, UNKNOWN_PERPETUAL for a position in an unlisted
    perpetual, OUT_OF_RANGE for a maintenance fraction above 100% (MARGIN-3), LIMIT_EXCEEDED for a
    quote exponent beyond 10^MAX_POW10 either way (CAT-4); a zero position is no position (SUB-4).
    """
    require_unique_perpetual_ids(perpetuals, "perpetuals")
    require_unique_perpetual_ids(perpetual_positions, "perpetual_positions")
    state = State(authority="", blocks=BlockState(0, 0))
    for index, perpetual in enumerate(perpetuals):
        require_fraction_at_most_one(
            perpetual["maintenance_fraction_ppm"], f"perpetuals[{index}].maintenance_fraction_ppm"
        )
        exponent = compute_quote_exponent(perpetual["atomic_resolution"], perpetual["price_exponent"])
        require_pow10_within_limit(abs(exponent))
        perpetual_id = perpetual["perpetual_id"]
        state.perpetuals.liquidity_tiers[perpetual_id] = LiquidityTier(
            perpetual_id, "", perpetual["initial_margin_ppm"], perpetual["maintenance_fraction_ppm"], 1, 0, 0
        )
        state.perpetuals.perpetuals[perpetual_id] = Perpetual(
            perpetual_id, "", perpetual_id, perpetual["atomic_resolution"], 0, perpetual_id, MarketType.CROSS
        )
        state.prices.market_prices[perpetual_id] = MarketPrice(
            perpetual_id, perpetual["price_exponent"], perpetual["price_value"]
        )
    subaccount = Subaccount(SubaccountId("", 0), usdc_balance_quote_quantums)
    for position in perpetual_positions:
        perpetual_id = position["perpetual_id"]
        if perpetual_id not in state.perpetuals.perpetuals:
            raise errors.UnknownPerpetual(f"a position names perpetual {perpetual_id}, which is not listed")
        if position["quantums"] != 0:
            subaccount.positions[perpetual_id] = PerpetualPosition(perpetual_id, position["quantums"], 0)
    return state, subaccount


def _liquidatable_size_delta(
    position_quantums: int,
    atomic_resolution: int,
    price_value: int,
    price_exponent: int,
    step_base_quantums: int,
    min_position_notional_liquidated: int,
    max_position_portion_liquidated_ppm: int,
    subaccount_max_notional_liquidated: int,
    subaccount_notional_liquidated: int,
) -> Any:
    require_positive(step_base_quantums, "step_base_quantums")
    exponent = compute_quote_exponent(atomic_resolution, price_exponent)
    require_pow10_within_limit(exponent, position_quantums * price_value == 0)
    return encode_integer(
        compute_liquidatable_position_size_delta(
            position_quantums,
            atomic_resolution,
            price_value,
            price_exponent,
            step_base_quantums,
            min_position_notional_liquidated,
            max_position_portion_liquidated_ppm,
            subaccount_max_notional_liquidated,
            subaccount_notional_liquidated,
        )
    )


def _notional_liquidatable_bounds(
    position_quantums: int,
    atomic_resolution: int,
    price_value: int,
    price_exponent: int,
    min_position_notional_liquidated: int,
    max_position_portion_liquidated_ppm: int,
) -> Any:
    exponent = compute_quote_exponent(atomic_resolution, price_exponent)
    require_pow10_within_limit(exponent, position_quantums * price_value == 0)
    notional_abs = compute_position_notional_abs(position_quantums, atomic_resolution, price_value, price_exponent)
    minimum, maximum = compute_position_notional_liquidatable_bounds(
        notional_abs, min_position_notional_liquidated, max_position_portion_liquidated_ppm
    )
    return {
        "min_position_notional_liquidatable": encode_integer(minimum),
        "max_position_notional_liquidatable": encode_integer(maximum),
    }


def _subaccount_max_notional(
    max_notional_liquidated: int, previous_notional_liquidated: int, perpetual_already_liquidated: bool
) -> Any:
    return encode_integer(
        compute_subaccount_max_notional_liquidatable(
            max_notional_liquidated, previous_notional_liquidated, perpetual_already_liquidated
        )
    )


def _premium_sample(votes: list[int], num_votes: int, min_num_votes_per_sample: int) -> Any:
    if len(votes) > num_votes:
        raise errors.InvalidArgument(f"{len(votes)} non-zero votes but only {num_votes} vote messages (Go panics)")
    return encode_integer(premium_sample_from_votes(votes, num_votes, min_num_votes_per_sample))


def _remove_sample_tails(samples: list[int], tail_removal_rate_ppm: int) -> Any:
    return [encode_integer(v) for v in remove_sample_tails(samples, tail_removal_rate_ppm)]


def _funding_tick(
    samples: list[int],
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
) -> Any:
    require_positive(funding_sample_duration_s, "funding_sample_duration_s")
    if len(samples) > num_sample_epochs:
        raise errors.InvalidArgument(f"{len(samples)} non-zero samples but only {num_sample_epochs} sample epochs")
    require_fraction_at_most_one(maintenance_fraction_ppm, "maintenance_fraction_ppm")
    min_samples = min_num_samples_per_tick(funding_tick_duration_s, funding_sample_duration_s)
    premium = premium_rate_from_samples(samples, num_sample_epochs, min_samples, removed_tail_sample_ratio_ppm)
    bound = max_abs_funding_clamp_ppm(funding_rate_clamp_factor_ppm, initial_margin_ppm, maintenance_fraction_ppm)
    rate = clamp_funding_rate_ppm(premium + default_funding_ppm, bound)
    if rate > INT32_MAX:
        raise errors.ResultOutOfRange(f"the funding rate {rate} does not fit an int32 (Go panics)")
    exponent = compute_quote_exponent(atomic_resolution, price_exponent)
    require_pow10_within_limit(exponent, rate * price_value * funding_tick_duration_s == 0)
    tick = funding_tick(
        samples,
        num_sample_epochs,
        funding_sample_duration_s,
        funding_tick_duration_s,
        removed_tail_sample_ratio_ppm,
        default_funding_ppm,
        initial_margin_ppm,
        maintenance_fraction_ppm,
        funding_rate_clamp_factor_ppm,
        atomic_resolution,
        price_value,
        price_exponent,
    )
    return {
        "funding_rate_ppm": encode_integer(tick.funding_rate_ppm),
        "funding_index_delta": encode_integer(tick.funding_index_delta),
    }


def _funding_index_delta(
    atomic_resolution: int,
    price_exponent: int,
    price_value: int,
    funding_rate_8hr_ppm: int,
    time_since_last_funding_s: int,
) -> Any:
    exponent = compute_quote_exponent(atomic_resolution, price_exponent)
    require_pow10_within_limit(exponent, funding_rate_8hr_ppm * price_value * time_since_last_funding_s == 0)
    return encode_integer(
        funding_index_delta(
            atomic_resolution, price_exponent, price_value, funding_rate_8hr_ppm, time_since_last_funding_s
        )
    )


def _subaccount_max_insurance_lost(
    max_quantums_insurance_lost: int, previous_insurance_fund_delta: int, perpetual_already_liquidated: bool
) -> Any:
    lost = compute_insurance_lost_of_delta(previous_insurance_fund_delta)
    if lost > UINT64_MAX:
        raise errors.OutOfRange("the insurance lost does not fit a uint64 (v4 panics on the overflow)")
    return encode_integer(
        compute_subaccount_max_insurance_lost(max_quantums_insurance_lost, lost, perpetual_already_liquidated)
    )


def _is_valid_insurance_fund_delta(insurance_fund_balance: int, insurance_fund_delta: int) -> Any:
    return is_valid_insurance_fund_delta(insurance_fund_balance, insurance_fund_delta)


def _can_deleverage(
    usdc_balance_quote_quantums: int,
    perpetual_positions: list[dict[str, Any]],
    atomic_resolution: int,
    price_value: int,
    price_exponent: int,
    clob_pair_status: str,
) -> Any:
    perpetuals = [
        {
            "perpetual_id": position["perpetual_id"],
            "atomic_resolution": atomic_resolution,
            "price_value": price_value,
            "price_exponent": price_exponent,
            "initial_margin_ppm": 0,
            "maintenance_fraction_ppm": 0,
        }
        for position in perpetual_positions
    ]
    require_unique_perpetual_ids(perpetual_positions, "perpetual_positions")
    state, subaccount = build_risk_state(perpetuals, usdc_balance_quote_quantums, perpetual_positions)
    total_net_collateral = get_settled_subaccount_risk(state, subaccount).nc
    return list(can_deleverage_subaccount(total_net_collateral, clob_pair_status == "FINAL_SETTLEMENT"))


def _undercollateralized_transition(old_nc: int, old_imr: int, old_mmr: int, new_nc: int, new_mmr: int) -> Any:
    result: UpdateResult = compute_undercollateralized_result(Risk(old_nc, old_imr, old_mmr), Risk(new_nc, 0, new_mmr))
    return result.value


def _bankruptcy_price(
    perpetuals: list[dict[str, Any]],
    usdc_balance_quote_quantums: int,
    perpetual_positions: list[dict[str, Any]],
    perpetual_id: int,
    delta_quantums: int,
) -> Any:
    state, subaccount = build_risk_state(perpetuals, usdc_balance_quote_quantums, perpetual_positions)
    return encode_integer(get_bankruptcy_price_quote_quantums(state, subaccount, perpetual_id, delta_quantums))


def _fillable_price(
    perpetuals: list[dict[str, Any]],
    usdc_balance_quote_quantums: int,
    perpetual_positions: list[dict[str, Any]],
    perpetual_id: int,
    delta_quantums: int,
    bankruptcy_adjustment_ppm: int,
    spread_to_maintenance_margin_ratio_ppm: int,
) -> Any:
    state, subaccount = build_risk_state(perpetuals, usdc_balance_quote_quantums, perpetual_positions)
    price = get_fillable_price(
        state,
        subaccount,
        perpetual_id,
        delta_quantums,
        bankruptcy_adjustment_ppm,
        spread_to_maintenance_margin_ratio_ppm,
    )
    return encode_rational(price)


def _fillable_price_to_subticks(
    fillable_price: Fraction, is_liquidating_long: bool, subticks_per_tick: int, quantum_conversion_exponent: int
) -> Any:
    require_positive(subticks_per_tick, "subticks_per_tick")
    require_pow10_within_limit(abs(quantum_conversion_exponent), fillable_price == 0)
    return encode_integer(
        compute_fillable_price_subticks(
            fillable_price, is_liquidating_long, subticks_per_tick, quantum_conversion_exponent
        )
    )


def _liquidation_insurance_fund_delta(
    perpetuals: list[dict[str, Any]],
    usdc_balance_quote_quantums: int,
    perpetual_positions: list[dict[str, Any]],
    perpetual_id: int,
    is_buy: bool,
    fill_amount: int,
    subticks: int,
    quantum_conversion_exponent: int,
    max_liquidation_fee_ppm: int,
) -> Any:
    state, subaccount = build_risk_state(perpetuals, usdc_balance_quote_quantums, perpetual_positions)
    require_pow10_within_limit(quantum_conversion_exponent, subticks * fill_amount == 0)
    return encode_integer(
        get_liquidation_insurance_fund_delta(
            state,
            subaccount,
            perpetual_id,
            is_buy,
            fill_amount,
            subticks,
            quantum_conversion_exponent,
            max_liquidation_fee_ppm,
        )
    )


def _max_abs_funding_clamp(clamp_factor_ppm: int, initial_margin_ppm: int, maintenance_fraction_ppm: int) -> Any:
    require_fraction_at_most_one(maintenance_fraction_ppm, "maintenance_fraction_ppm")
    return encode_integer(max_abs_funding_clamp_ppm(clamp_factor_ppm, initial_margin_ppm, maintenance_fraction_ppm))


def _max_allowed_price_delta(old_delta: int, tick_size_ppm: int) -> Any:
    if old_delta * tick_size_ppm < 0:
        raise errors.InvalidArgument("old_delta * tick_size_ppm is negative: it has no square root (Go panics)")
    return encode_integer(max_allowed_price_delta(old_delta, tick_size_ppm))


def _price_update_sqrt_condition(new_delta: int, old_delta: int, tick_size_ppm: int) -> Any:
    return bool(price_update_sqrt_condition(new_delta, old_delta, tick_size_ppm))


def _price_delta_within_one_tick(price_delta: int, tick_size_ppm: int) -> Any:
    return bool(price_delta_within_one_tick(price_delta, tick_size_ppm))


def _book_side(orders: list[dict[str, int]], name: str, descending: bool) -> list[BookLevel]:
    """One side of a book in priority order: no empty order, prices never improving (FUND-4)."""
    side = [BookLevel(o["subticks"], o["quantums"]) for o in orders]
    for index, level in enumerate(side):
        if level.quantums == 0:
            raise errors.InvalidArgument(f"{name}[{index}]: a resting order has quantums left (Go panics)")
        if index and (
            level.subticks > side[index - 1].subticks if descending else level.subticks < side[index - 1].subticks
        ):
            raise errors.InvalidArgument(f"{name}[{index}]: the side is not in priority order")
    return side


def _price_premium(
    index_price_value: int,
    index_price_exponent: int,
    base_atomic_resolution: int,
    quote_atomic_resolution: int,
    quantum_conversion_exponent: int,
    impact_notional_quote_quantums: int,
    max_abs_premium_vote_ppm: int,
    bids: list[dict[str, int]],
    asks: list[dict[str, int]],
) -> Any:
    exponent = compute_subticks_exponent(
        index_price_exponent, base_atomic_resolution, quote_atomic_resolution, quantum_conversion_exponent
    )
    require_pow10_within_limit(abs(exponent), index_price_value == 0 and exponent > 0)
    index = price_to_subticks(
        index_price_value,
        index_price_exponent,
        base_atomic_resolution,
        quote_atomic_resolution,
        quantum_conversion_exponent,
    )
    if index == 0:
        raise errors.InvalidArgument("the index price is zero (ErrZeroIndexPriceForPremiumCalculation)")
    bid_side = _book_side(bids, "bids", descending=True)
    ask_side = _book_side(asks, "asks", descending=False)
    if bid_side and ask_side and bid_side[0].subticks >= ask_side[0].subticks:
        raise errors.InvalidArgument("the book is crossed: best bid at or above best ask (Go panics)")
    if bid_side or ask_side:
        require_pow10_within_limit(abs(quantum_conversion_exponent))
    return encode_integer(
        price_premium_ppm(
            index,
            bid_side,
            ask_side,
            impact_notional_quote_quantums,
            max_abs_premium_vote_ppm,
            quantum_conversion_exponent,
        )
    )


DELEVERAGING_ACCOUNT = ObjectType(
    (("usdc_balance_quote_quantums", BIGINT), ("perpetual_positions", ListType(POSITION)))
)
"""A subaccount of ``process_deleveraging``: its USDC balance and its positions."""

LIQUIDATED_ID = SubaccountId("", 0)
OFFSETTING_ID = SubaccountId("", 1)


def _encode_deleveraging_account(state: State, subaccount_id: SubaccountId) -> dict[str, Any]:
    stored = state.subaccounts.subaccounts.get(subaccount_id)
    if stored is None:
        return {"usdc_balance_quote_quantums": 0, "perpetual_positions": []}
    return {
        "usdc_balance_quote_quantums": encode_integer(stored.usdc_balance),
        "perpetual_positions": [
            {"perpetual_id": pid, "quantums": encode_integer(stored.positions[pid].quantums)}
            for pid in sorted(stored.positions)
        ],
    }


def _process_deleveraging(
    perpetuals: list[dict[str, Any]],
    liquidated: dict[str, Any],
    offsetting: dict[str, Any],
    perpetual_id: int,
    delta_quantums: int,
    is_final_settlement: bool,
) -> Any:
    """
    One deleveraging fill run by the state machine's ``process_deleveraging_fill`` on a state of the
    listed perpetuals and the two subaccounts (DEL-3); a collateral-check failure is
    FAILED_TO_UPDATE_SUBACCOUNTS, as v4 reports it, and nothing changes.
    """
    state, liquidated_account = build_risk_state(
        perpetuals, liquidated["usdc_balance_quote_quantums"], liquidated["perpetual_positions"]
    )
    _, offsetting_account = build_risk_state(
        perpetuals, offsetting["usdc_balance_quote_quantums"], offsetting["perpetual_positions"]
    )
    for subaccount_id, account in ((LIQUIDATED_ID, liquidated_account), (OFFSETTING_ID, offsetting_account)):
        account.id = subaccount_id
        if not account.is_empty():
            state.subaccounts.subaccounts[subaccount_id] = account
    for perpetual_id_held in state.perpetuals.perpetuals:
        longs = sum(
            max(0, a.positions[perpetual_id_held].quantums)
            for a in (liquidated_account, offsetting_account)
            if perpetual_id_held in a.positions
        )
        state.perpetuals.perpetuals[perpetual_id_held].open_interest = longs
    try:
        process_deleveraging_fill(
            state, LIQUIDATED_ID, OFFSETTING_ID, perpetual_id, delta_quantums, is_final_settlement, []
        )
    except (errors.NewlyUndercollateralized, errors.StillUndercollateralized) as failure:
        raise errors.FailedToUpdateSubaccounts(str(failure)) from None
    return {
        "liquidated": _encode_deleveraging_account(state, LIQUIDATED_ID),
        "offsetting": _encode_deleveraging_account(state, OFFSETTING_ID),
    }


RISK_STATE_INPUTS: tuple[tuple[str, Any], ...] = (
    ("perpetuals", ListType(PERPETUAL)),
    ("usdc_balance_quote_quantums", BIGINT),
    ("perpetual_positions", ListType(POSITION)),
    ("perpetual_id", UINT32),
)
"""The first inputs of every entry that builds a state: perpetuals, one subaccount, the perpetual in question."""


BOOK_SIDE = ListType(ObjectType((("subticks", UINT64), ("quantums", UINT64))))
"""One side of a book for the premium: resting orders in priority order, each its price and remaining size (FUND-4)."""

VOTES = ListType(INT32)
"""Stored premium votes or samples: int32 values, possibly none (FUND-5..7)."""


CATALOGUE: dict[str, CatalogueFunction] = {
    f.name: f
    for f in [
        CatalogueFunction(
            "base_to_quote_quantums",
            (
                ("base_quantums", BIGINT),
                ("atomic_resolution", INT32),
                ("price_value", UINT64),
                ("price_exponent", INT32),
            ),
            _base_to_quote,
            ("UNITS-4",),
        ),
        CatalogueFunction(
            "quote_to_base_quantums",
            (
                ("quote_quantums", BIGINT),
                ("atomic_resolution", INT32),
                ("price_value", UINT64),
                ("price_exponent", INT32),
            ),
            _quote_to_base,
            ("UNITS-5",),
        ),
        CatalogueFunction(
            "fill_quote_quantums_from_subticks",
            (("subticks", UINT64), ("base_quantums", UINT64), ("quantum_conversion_exponent", INT32)),
            _fill_quote,
            ("UNITS-6",),
        ),
        CatalogueFunction(
            "average_price_subticks",
            (("quote_quantums", BIGINT), ("base_quantums", BIGINT), ("quantum_conversion_exponent", INT32)),
            _average_price,
            ("UNITS-7",),
        ),
        CatalogueFunction(
            "price_to_subticks",
            (
                ("price_value", UINT64),
                ("price_exponent", INT32),
                ("base_atomic_resolution", INT32),
                ("quote_atomic_resolution", INT32),
                ("quantum_conversion_exponent", INT32),
            ),
            _price_to_subticks,
            ("UNITS-7",),
        ),
        CatalogueFunction(
            "subticks_to_price",
            (
                ("subticks", UINT64),
                ("price_exponent", INT32),
                ("base_atomic_resolution", INT32),
                ("quote_atomic_resolution", INT32),
                ("quantum_conversion_exponent", INT32),
            ),
            _subticks_to_price,
            ("UNITS-7",),
        ),
        CatalogueFunction(
            "adjusted_initial_margin_ppm",
            (
                ("initial_margin_ppm", UINT32),
                ("open_interest_lower_cap", UINT64),
                ("open_interest_upper_cap", UINT64),
                ("open_interest_notional", BIGINT),
            ),
            _adjusted_imf,
            ("MARGIN-1",),
        ),
        CatalogueFunction(
            "initial_margin_quote_quantums",
            (
                ("notional_quote_quantums", BIGINT),
                ("initial_margin_ppm", UINT32),
                ("open_interest_lower_cap", UINT64),
                ("open_interest_upper_cap", UINT64),
                ("open_interest_notional", BIGINT),
            ),
            _initial_margin,
            ("MARGIN-2",),
        ),
        CatalogueFunction(
            "maintenance_margin_ppm",
            (("initial_margin_ppm", UINT32), ("maintenance_fraction_ppm", UINT32)),
            _maintenance_margin_ppm,
            ("MARGIN-3",),
        ),
        CatalogueFunction(
            "perpetual_margin_requirements",
            (
                ("position_quantums", BIGINT),
                ("atomic_resolution", INT32),
                ("price_value", UINT64),
                ("price_exponent", INT32),
                ("initial_margin_ppm", UINT32),
                ("maintenance_fraction_ppm", UINT32),
                ("open_interest_base_quantums", BIGINT),
                ("open_interest_lower_cap", UINT64),
                ("open_interest_upper_cap", UINT64),
            ),
            _margin_requirements,
            ("MARGIN-2", "MARGIN-3"),
        ),
        CatalogueFunction(
            "position_net_notional_quote_quantums",
            (
                ("position_quantums", BIGINT),
                ("atomic_resolution", INT32),
                ("price_value", UINT64),
                ("price_exponent", INT32),
            ),
            _net_notional,
            ("MARGIN-4",),
        ),
        CatalogueFunction(
            "is_liquidatable",
            (("net_collateral", BIGINT), ("maintenance_margin_requirement", BIGINT)),
            _is_liquidatable,
            ("MARGIN-6",),
        ),
        CatalogueFunction(
            "risk_compare",
            (("first_nc", BIGINT), ("first_mmr", BIGINT), ("second_nc", BIGINT), ("second_mmr", BIGINT)),
            _risk_compare,
            ("MARGIN-7",),
        ),
        CatalogueFunction(
            "median_round_half_away_from_zero",
            (("values", INTEGER_LIST),),
            _median,
            ("PRICE-4",),
        ),
        CatalogueFunction(
            "min_price_change_amount",
            (("current_price", UINT64), ("min_price_change_ppm", UINT32)),
            _min_price_change,
            ("PRICE-5",),
        ),
        CatalogueFunction(
            "funding_settlement_ppm",
            (("perpetual_funding_index", BIGINT), ("position_funding_index", BIGINT), ("position_quantums", BIGINT)),
            _funding_settlement,
            ("FUND-1",),
        ),
        CatalogueFunction(
            "liquidatable_position_size_delta",
            (
                ("position_quantums", BIGINT),
                ("atomic_resolution", INT32),
                ("price_value", UINT64),
                ("price_exponent", INT32),
                ("step_base_quantums", UINT64),
                ("min_position_notional_liquidated", UINT64),
                ("max_position_portion_liquidated_ppm", UINT32),
                ("subaccount_max_notional_liquidated", UINT64),
                ("subaccount_notional_liquidated", UINT64),
            ),
            _liquidatable_size_delta,
            ("LIQ-2", "LIQ-1", "LIQ-3"),
        ),
        CatalogueFunction(
            "position_notional_liquidatable_bounds",
            (
                ("position_quantums", BIGINT),
                ("atomic_resolution", INT32),
                ("price_value", UINT64),
                ("price_exponent", INT32),
                ("min_position_notional_liquidated", UINT64),
                ("max_position_portion_liquidated_ppm", UINT32),
            ),
            _notional_liquidatable_bounds,
            ("LIQ-1",),
        ),
        CatalogueFunction(
            "subaccount_max_notional_liquidatable",
            (
                ("max_notional_liquidated", UINT64),
                ("previous_notional_liquidated", UINT64),
                ("perpetual_already_liquidated", BOOLEAN),
            ),
            _subaccount_max_notional,
            ("LIQ-3",),
        ),
        CatalogueFunction(
            "subaccount_max_insurance_lost",
            (
                ("max_quantums_insurance_lost", UINT64),
                ("previous_insurance_fund_delta", BIGINT),
                ("perpetual_already_liquidated", BOOLEAN),
            ),
            _subaccount_max_insurance_lost,
            ("LIQ-4",),
        ),
        CatalogueFunction(
            "is_valid_insurance_fund_delta",
            (("insurance_fund_balance", BIGINT), ("insurance_fund_delta", BIGINT)),
            _is_valid_insurance_fund_delta,
            ("INS-1",),
        ),
        CatalogueFunction(
            "can_deleverage_subaccount",
            (
                ("usdc_balance_quote_quantums", BIGINT),
                ("perpetual_positions", ListType(POSITION)),
                ("atomic_resolution", INT32),
                ("price_value", UINT64),
                ("price_exponent", INT32),
                ("clob_pair_status", CLOB_PAIR_STATUS),
            ),
            _can_deleverage,
            ("DEL-1",),
        ),
        CatalogueFunction(
            "is_valid_state_transition_for_undercollateralized_subaccount",
            (
                ("old_nc", BIGINT),
                ("old_imr", BIGINT),
                ("old_mmr", BIGINT),
                ("new_nc", BIGINT),
                ("new_mmr", BIGINT),
            ),
            _undercollateralized_transition,
            ("SUB-8",),
        ),
        CatalogueFunction(
            "bankruptcy_price_quote_quantums",
            (*RISK_STATE_INPUTS, ("delta_quantums", BIGINT)),
            _bankruptcy_price,
            ("LIQ-6", "LIQ-5"),
        ),
        CatalogueFunction(
            "liquidation_fillable_price",
            (
                *RISK_STATE_INPUTS,
                ("delta_quantums", BIGINT),
                ("bankruptcy_adjustment_ppm", UINT32),
                ("spread_to_maintenance_margin_ratio_ppm", UINT32),
            ),
            _fillable_price,
            ("LIQ-7", "LIQ-5"),
        ),
        CatalogueFunction(
            "fillable_price_to_subticks",
            (
                ("fillable_price", RATIONAL),
                ("is_liquidating_long", BOOLEAN),
                ("subticks_per_tick", UINT32),
                ("quantum_conversion_exponent", INT32),
            ),
            _fillable_price_to_subticks,
            ("LIQ-8",),
        ),
        CatalogueFunction(
            "liquidation_insurance_fund_delta",
            (
                *RISK_STATE_INPUTS,
                ("is_buy", BOOLEAN),
                ("fill_amount", UINT64),
                ("subticks", UINT64),
                ("quantum_conversion_exponent", INT32),
                ("max_liquidation_fee_ppm", UINT32),
            ),
            _liquidation_insurance_fund_delta,
            ("LIQ-9", "LIQ-6", "LIQ-5"),
        ),
        CatalogueFunction(
            "process_deleveraging",
            (
                ("perpetuals", ListType(PERPETUAL)),
                ("liquidated", DELEVERAGING_ACCOUNT),
                ("offsetting", DELEVERAGING_ACCOUNT),
                ("perpetual_id", UINT32),
                ("delta_quantums", BIGINT),
                ("is_final_settlement", BOOLEAN),
            ),
            _process_deleveraging,
            ("DEL-3", "LIQ-6", "SUB-7", "SUB-8"),
        ),
        CatalogueFunction(
            "premium_sample_from_votes",
            (("votes", VOTES), ("num_votes", UINT32), ("min_num_votes_per_sample", UINT32)),
            _premium_sample,
            ("FUND-5",),
        ),
        CatalogueFunction(
            "remove_sample_tails",
            (("samples", VOTES), ("tail_removal_rate_ppm", UINT32)),
            _remove_sample_tails,
            ("FUND-6",),
        ),
        CatalogueFunction(
            "funding_tick",
            (
                ("samples", VOTES),
                ("num_sample_epochs", UINT32),
                ("funding_sample_duration_s", UINT32),
                ("funding_tick_duration_s", UINT32),
                ("removed_tail_sample_ratio_ppm", UINT32),
                ("default_funding_ppm", INT32),
                ("initial_margin_ppm", UINT32),
                ("maintenance_fraction_ppm", UINT32),
                ("funding_rate_clamp_factor_ppm", UINT32),
                ("atomic_resolution", INT32),
                ("price_value", UINT64),
                ("price_exponent", INT32),
            ),
            _funding_tick,
            ("FUND-6", "FUND-7", "FUND-8"),
        ),
        CatalogueFunction(
            "funding_index_delta",
            (
                ("atomic_resolution", INT32),
                ("price_exponent", INT32),
                ("price_value", UINT64),
                ("funding_rate_8hr_ppm", BIGINT),
                ("time_since_last_funding_s", UINT32),
            ),
            _funding_index_delta,
            ("FUND-7",),
        ),
        CatalogueFunction(
            "max_abs_funding_clamp_ppm",
            (("clamp_factor_ppm", UINT32), ("initial_margin_ppm", UINT32), ("maintenance_fraction_ppm", UINT32)),
            _max_abs_funding_clamp,
            ("FUND-8",),
        ),
        CatalogueFunction(
            "max_allowed_price_delta",
            (("old_delta", UINT64), ("tick_size_ppm", BIGINT)),
            _max_allowed_price_delta,
            ("PRICE-10",),
        ),
        CatalogueFunction(
            "price_update_sqrt_condition",
            (("new_delta", UINT64), ("old_delta", UINT64), ("tick_size_ppm", BIGINT)),
            _price_update_sqrt_condition,
            ("PRICE-10",),
        ),
        CatalogueFunction(
            "price_delta_within_one_tick",
            (("price_delta", UINT64), ("tick_size_ppm", BIGINT)),
            _price_delta_within_one_tick,
            ("PRICE-10",),
        ),
        CatalogueFunction(
            "price_premium_ppm",
            (
                ("index_price_value", UINT64),
                ("index_price_exponent", INT32),
                ("base_atomic_resolution", INT32),
                ("quote_atomic_resolution", INT32),
                ("quantum_conversion_exponent", INT32),
                ("impact_notional_quote_quantums", UINT64),
                ("max_abs_premium_vote_ppm", INT32),
                ("bids", BOOK_SIDE),
                ("asks", BOOK_SIDE),
            ),
            _price_premium,
            ("FUND-4",),
        ),
    ]
}


# --- requests ---------------------------------------------------------------------------


def parse_json_line(line: str) -> Any:
    """One request line as strict JSON (JSON-2, CAT-2): MALFORMED_JSON, or OUT_OF_RANGE for an integer of more than MAX_DIGITS digits (CAT-4)."""
    return parse_json(line, errors.MalformedJson, max_digits=MAX_DIGITS, digits_error=errors.OutOfRange)


def evaluate_request(request: Any) -> Any:
    """The output of one request {"function": NAME, "inputs": {...}} (CAT-1)."""
    shape = 'a request is {"function": NAME, "inputs": {...}}'
    if not isinstance(request, dict) or not isinstance(request.get("function"), str):
        raise errors.MalformedRequest(shape)
    read_object(
        request,
        "request",
        ("function", "inputs"),
        type_error=errors.MalformedRequest,
        missing_error=errors.MalformedRequest,
    )
    entry = CATALOGUE.get(request["function"])
    if entry is None:
        raise errors.UnknownFunction(f"no catalogue function is named {request['function']!r}")
    return entry.evaluate(request["inputs"])


def evaluate_line(line: str | UndecodableLine) -> dict[str, Any]:
    """One response object for one input line (JSON-1), a line that is not UTF-8 included; never raises (CAT-5)."""
    try:
        if isinstance(line, UndecodableLine):
            raise errors.MalformedJson(line.message)
        return {"output": evaluate_request(parse_json_line(line))}
    except errors.PerpspecError as error:
        return {"error": error.to_json()}
    except (MemoryError, RecursionError):
        return {"error": errors.LimitExceeded("the request is too large to evaluate").to_json()}
    except Exception as error:  # CAT-5: a defect in one evaluation must not stop the process
        return {"error": errors.InternalError(f"{type(error).__name__}: {error}").to_json()}
