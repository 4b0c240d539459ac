"""
The ``geneses`` suite: geneses the protocol must refuse, each with ``INVALID_GENESIS`` (conformance/FORMAT.md §12).

Every case is the default genesis (GEN-1, what ``perpspec genesis`` prints) changed by a JSON
Patch (RFC 6902): a ``setup`` that keeps it valid (a subaccount, a book, a later height), then
the ``change`` that makes it invalid in exactly one way, the way its name says, citing the
rule that refuses it. ``reason`` is a fragment of the reference's ``InvalidGenesis`` message
for that way; vectors never record messages (TX-3), but the generator checks it, and that
the setup alone is valid, so a case cannot silently come to fail for another reason.

Three files:

- ``integers``: the integer class of JSON-3 (decimal strings with a sign too many, spaces,
  non-ASCII digits, fractions, booleans, null, 401 digits, one past the range) in a 32-bit
  number field, a 64-bit decimal-string field and an unbounded balance, the two defects users
  reported among them;
- ``shapes``: what decoding refuses (CODEC-4): a missing module, an unknown or missing field
  at each level, a value of the wrong JSON type, an unknown enum name, an id twice in each
  table, books out of order, asset positions, addresses and subaccount numbers;
- ``protocol-rules``: each numbered group of GEN-2 (parameter bounds, references, blocks, the
  clob state, every state invariant) and GEN-3 (a derived total that would be negative).
"""

from __future__ import annotations

import copy
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from perpspec.conformance.builders import (
    ALICE,
    AUTHORITY,
    BOB,
    BTC,
    BUY,
    CONDITIONAL,
    ETH,
    FILL_OR_KILL,
    IOC,
    LONG_TERM,
    POST_ONLY,
    SELL,
    SHORT_TERM,
    STEP,
    STOP_LOSS,
    order,
    order_id,
    subaccount_entry,
    usd,
)
from perpspec.default_genesis import GENESIS_TIME, default_genesis_json

Operation = dict[str, Any]
"""One JSON Patch operation: ``{"op": "add" | "replace" | "remove", "path": POINTER[, "value": ...]}``."""


def add(path: str, value: Any) -> Operation:
    """RFC 6902 ``add``: a new member, an array element inserted (``-`` appends), or a member replaced."""
    return {"op": "add", "path": path, "value": value}


def replace(path: str, value: Any) -> Operation:
    """RFC 6902 ``replace``: the value at an existing path."""
    return {"op": "replace", "path": path, "value": value}


def remove(path: str) -> Operation:
    """RFC 6902 ``remove``: the member or element at an existing path."""
    return {"op": "remove", "path": path}


@dataclass(frozen=True)
class GenesisCase:
    """The default genesis, a valid ``setup``, then the ``change`` that breaks it; ``reason`` is the reference's message fragment."""

    name: str
    description: str
    rules: tuple[str, ...]
    change: tuple[Operation, ...]
    reason: str
    setup: tuple[Operation, ...] = ()

    @property
    def patch(self) -> list[Operation]:
        """The case's whole patch, as the vector writes it: the setup, then the change."""
        return [*self.setup, *self.change]


@dataclass(frozen=True)
class GenesisFile:
    """One vector file of the suite: its stem, its prose, its rules and its cases."""

    name: str
    description: str
    rules: tuple[str, ...]
    cases: Callable[[], list[GenesisCase]]


def base_genesis() -> dict[str, Any]:
    """Every case's starting point and the state reset to before it: the default genesis (GEN-1)."""
    return default_genesis_json()


# --- shared pieces ---------------------------------------------------------------------------

SUBACCOUNTS = "/subaccounts/subaccounts"
BOOKS = "/clob/books"
BTC_PERPETUAL = "/perpetuals/perpetuals/0"
BTC_PAIR = "/clob/clobPairs/0"
FEE_TIERS = "/feeTiers/params/tiers"
HEIGHT = 10
"""The height of the cases that need orders, fills or cancels to have expired: block 10 (a valid setup)."""
LATER = GENESIS_TIME + 3_600
"""A good-til-block-time an hour after the genesis, for stateful orders that have not expired."""
LOW_BID, HIGH_BID, LOW_ASK, HIGH_ASK = usd(28_000), usd(28_100), usd(29_000), usd(29_100)
"""Prices on both sides of the BTC-USD oracle price of $28,688.19524 (UNITS-7)."""


def bid(client_id: int = 1, subticks: int = LOW_BID, **fields: Any) -> dict[str, Any]:
    """A short-term BTC-USD buy of one step by Alice, good til block 20 unless ``fields`` say otherwise (ORDER-1)."""
    return order(ALICE, client_id, BUY, STEP, subticks, **{"gtb": 20, **fields})


def ask(client_id: int = 2, subticks: int = LOW_ASK, **fields: Any) -> dict[str, Any]:
    """A short-term BTC-USD sell of one step by Bob, good til block 20 unless ``fields`` say otherwise (ORDER-1)."""
    return order(BOB, client_id, SELL, STEP, subticks, **{"gtb": 20, **fields})


def book(bids: Sequence[dict[str, Any]] = (), asks: Sequence[dict[str, Any]] = (), pair: int = BTC) -> dict[str, Any]:
    """One ``clob.books`` entry: a pair's resting orders, best price first (CLOB-3)."""
    return {"clobPairId": pair, "bids": list(bids), "asks": list(asks)}


def books(*entries: dict[str, Any]) -> Operation:
    """The operation that lists ``entries`` as the genesis's books (the default genesis has none)."""
    return add(BOOKS, list(entries))


def alice(usdc: int = 5_000_000, positions: tuple[tuple[int, int], ...] = ()) -> Operation:
    """The operation that lists Alice's subaccount 0 with ``usdc`` and ``positions`` (SUB-2); bank totals are derived (GEN-3)."""
    return add(f"{SUBACCOUNTS}/-", subaccount_entry(ALICE, 0, usdc, positions))


def long_and_short(quantums: int = STEP) -> tuple[Operation, ...]:
    """Alice long and Bob short ``quantums`` of BTC-USD, with the open interest that follows (INV-3, INV-4): a valid setup."""
    return (
        add(f"{SUBACCOUNTS}/-", subaccount_entry(ALICE, 0, 5_000_000, [(BTC, quantums)])),
        add(f"{SUBACCOUNTS}/-", subaccount_entry(BOB, 0, 5_000_000, [(BTC, -quantums)])),
        replace(f"{BTC_PERPETUAL}/openInterest", str(quantums)),
    )


def at_height(height: int = HEIGHT) -> tuple[Operation, ...]:
    """A later genesis height: a valid setup for what has expired by then (ORDER-7, ORDER-9, ORDER-11)."""
    return (replace("/blocks/height", height),)


def user(address: str, taker: int, maker: int) -> dict[str, Any]:
    """A UserVolume (FEE-4): an address's taker and maker notional."""
    return {"address": address, "takerNotional": str(taker), "makerNotional": str(maker)}


def with_epoch() -> tuple[Operation, ...]:
    """One stats epoch holding Alice's taker and Bob's maker notional: a valid setup (FEE-4)."""
    epoch = {"epoch": GENESIS_TIME // 3_600 - 1, "notional": "100", "users": [user(ALICE, 100, 0), user(BOB, 0, 100)]}
    return (add("/stats/volume/epochs/-", epoch),)


def fill(client_id: int = 1, flags: int = SHORT_TERM, quantums: int = 1, prunable: int = 20) -> dict[str, Any]:
    """A ``clob.fillAmounts`` entry of Alice's order id (ORDER-11)."""
    return {"orderId": order_id(ALICE, client_id, flags), "quantums": str(quantums), "prunableAtBlock": prunable}


def cancel_entry(client_id: int = 1, flags: int = SHORT_TERM, good_til_block: int = 20) -> dict[str, Any]:
    """A ``clob.shortTermCancels`` entry of Alice's order id (ORDER-7)."""
    return {"orderId": order_id(ALICE, client_id, flags), "goodTilBlock": good_til_block}


def trade_prices(perpetual: int = BTC, low: int = LOW_BID, high: int = LOW_BID) -> dict[str, Any]:
    """A ``clob.tradePrices`` entry (COND-3)."""
    return {"perpetualId": perpetual, "minSubticks": str(low), "maxSubticks": str(high)}


def conditional(client_id: int = 3, **fields: Any) -> dict[str, Any]:
    """Alice's stop-loss buy of one step triggered at $29,000, good til an hour after the genesis (COND-1)."""
    defaults = {"flags": CONDITIONAL, "gtbt": LATER, "condition": STOP_LOSS, "trigger": LOW_ASK}
    return order(ALICE, client_id, BUY, STEP, LOW_ASK, **{**defaults, **fields})


def case(
    name: str,
    description: str,
    rules: tuple[str, ...],
    change: tuple[Operation, ...] | Operation,
    reason: str,
    setup: tuple[Operation, ...] = (),
) -> GenesisCase:
    """A GenesisCase; a single operation may stand for a change of one."""
    return GenesisCase(name, description, rules, change if isinstance(change, tuple) else (change,), reason, setup)


# --- integers: JSON-3 in three fields of different JSON types ---------------------------------

NOT_DECIMAL = "is not a decimal integer"
NOT_INTEGER = "expected an integer"
TOO_LONG = "401 digits; at most 400 are read"


@dataclass(frozen=True)
class IntegerField:
    """A genesis field the integer class is tried in: its case prefix, pointer and what it holds."""

    prefix: str
    path: str
    what: str
    integral: float
    """A JSON number with a fraction point whose value would be a valid integer here."""
    below: tuple[Any, str, str]
    """The value one below the field's range (or its digit bound), what it is, and the reference's reason."""
    above: tuple[Any, str, str]
    """The value one above the field's range (or its digit bound), what it is, and the reference's reason."""
    setup: tuple[Operation, ...] = ()


INTEGER_FIELDS = (
    IntegerField(
        "maker-fee-ppm",
        f"{FEE_TIERS}/0/makerFeePpm",
        "the first fee tier's makerFeePpm (int32, a JSON number; default 100)",
        100.0,
        (-2_147_483_649, "-2147483649, one below int32", "below the minimum"),
        (2_147_483_648, "2147483648, one above int32", "above the maximum"),
    ),
    IntegerField(
        "step-base-quantums",
        f"{BTC_PAIR}/stepBaseQuantums",
        "BTC-USD's stepBaseQuantums (uint64, a decimal string; default 1000000)",
        1_000_000.0,
        ("-1", '"-1", one below uint64', "below the minimum 0"),
        ("18446744073709551616", '"18446744073709551616", one above uint64', "above the maximum"),
    ),
    IntegerField(
        "usdc-balance",
        f"{SUBACCOUNTS}/0/assetPositions/0/quantums",
        "Alice's USDC balance (an unbounded integer of at most 400 digits, a decimal string; 5000000)",
        5_000_000.0,
        ("-1" + "0" * 400, "-10^400, one below the 400-digit bound", TOO_LONG),
        ("1" + "0" * 400, "10^400, one above the 400-digit bound", TOO_LONG),
        (alice(),),
    ),
)

INTEGER_CLASS: tuple[tuple[str, Any, str, str], ...] = (
    ("double-minus", "--5", 'the string "--5": two minus signs', NOT_DECIMAL),
    ("plus-sign", "+5", 'the string "+5": only a minus sign may come first', NOT_DECIMAL),
    ("leading-space", " 5", 'the string " 5": a space before the digits', NOT_DECIMAL),
    ("trailing-space", "5 ", 'the string "5 ": a space after the digits', NOT_DECIMAL),
    ("empty-string", "", "the empty string: no digits", NOT_DECIMAL),
    ("minus-alone", "-", 'the string "-": a sign and no digits', NOT_DECIMAL),
    (
        "arabic-indic-digit",
        "\u0663",
        'the string "\u0663" (U+0663, ARABIC-INDIC DIGIT THREE): not an ASCII digit, though int() reads it as 3',
        NOT_DECIMAL,
    ),
    (
        "superscript-digit",
        "\u00b2",
        'the string "\u00b2" (U+00B2, SUPERSCRIPT TWO): isdigit() says it is a digit, int() refuses it',
        NOT_DECIMAL,
    ),
    ("decimal-point-string", "1.5", 'the string "1.5": a decimal point', NOT_DECIMAL),
    ("hex-string", "0x10", 'the string "0x10": hexadecimal', NOT_DECIMAL),
    ("underscore-string", "1_000", 'the string "1_000": a digit separator, which int() accepts', NOT_DECIMAL),
    ("fraction", 1.5, "the JSON number 1.5: a fraction", NOT_INTEGER),
    ("exponent", 1e16, "the JSON number 1e+16: an exponent, though its value is the integer 10^16", NOT_INTEGER),
    ("boolean", True, "true: a boolean is never an integer", NOT_INTEGER),
    ("null", None, "null where an integer is required", NOT_INTEGER),
    ("list", [5], "the list [5]", NOT_INTEGER),
    ("401-digits", "9" * 401, "a decimal string of 401 nines: more digits than any genesis integer may have", TOO_LONG),
)
"""Each way a value is not an integer JSON-3 reads: (suffix, value, what it is, the reference's reason)."""


def integer_cases() -> list[GenesisCase]:
    """JSON-3 and CODEC-4: every value of the integer class, in each of the three fields."""
    cases = []
    for field in INTEGER_FIELDS:
        integral = f"the JSON number {field.integral!r}: a fraction point, though its value would be valid here"
        tried = [
            *INTEGER_CLASS,
            ("integral-fraction", field.integral, integral, NOT_INTEGER),
            ("below-range", *field.below),
            ("above-range", *field.above),
        ]
        cases += [_integer_case(field, suffix, value, what, reason) for suffix, value, what, reason in tried]
    return cases


REPORTED = {
    ("maker-fee-ppm", "double-minus"): (
        " Reported by a user: this genesis made `perpspec apply --genesis` die with a raw ValueError"
        " traceback instead of INVALID_GENESIS."
    ),
    ("maker-fee-ppm", "arabic-indic-digit"): " Reported by a user: this genesis was accepted, the fee read as 3 ppm.",
}
"""The two defects users reported on the old code, both now fixed, both kept as vectors."""


def _integer_case(field: IntegerField, suffix: str, value: Any, what: str, reason: str) -> GenesisCase:
    """One value of the integer class in one field: INVALID_GENESIS, never read as an integer (JSON-3)."""
    note = REPORTED.get((field.prefix, suffix), "")
    return case(
        f"{field.prefix}-{suffix}",
        f"The default genesis with {field.what} set to {what}: INVALID_GENESIS (JSON-3, CODEC-4).{note}",
        ("JSON-3", "CODEC-4", "GEN-2"),
        replace(field.path, value),
        reason,
        field.setup,
    )


# --- shapes: CODEC-4 ----------------------------------------------------------------------------

REQUIRED_MODULES = ("authority", "blocks", "subaccounts", "perpetuals", "prices", "clob")


def module_cases() -> list[GenesisCase]:
    """CODEC-4: the genesis is an object with every required module and no unknown one, each of its JSON type."""
    cases = [
        case(
            "genesis-is-a-list",
            "The genesis is the list []: a genesis is a JSON object (CODEC-4).",
            ("CODEC-4",),
            replace("", []),
            "genesis: expected a JSON object",
        ),
        case(
            "genesis-is-null",
            "The genesis is null: a genesis is a JSON object (CODEC-4).",
            ("CODEC-4",),
            replace("", None),
            "genesis: expected a JSON object",
        ),
    ]
    cases += [
        case(
            f"missing-{module}",
            f"The default genesis without its required module {module!r} (CODEC-4).",
            ("CODEC-4",),
            remove(f"/{module}"),
            f"missing field {module!r}",
        )
        for module in REQUIRED_MODULES
    ]
    cases += [
        case(
            "unknown-module-blockHeight",
            "A top-level field blockHeight, as format 3 wrote the height: format 4 has blocks.height, and an unknown field is refused (CODEC-4).",
            ("CODEC-4",),
            add("/blockHeight", 1),
            "unknown field 'blockHeight'",
        ),
        case(
            "blocks-is-a-list",
            "The blocks module is the list []: each module is a JSON object (CODEC-4).",
            ("CODEC-4",),
            replace("/blocks", []),
            "genesis.blocks: expected a JSON object",
        ),
        case(
            "bank-is-a-list",
            "An optional module given with the wrong JSON type: bank is the list [] (CODEC-4; GEN-3 lets it be left out, not be a list).",
            ("CODEC-4", "GEN-3"),
            add("/bank", []),
            "genesis.bank: expected a JSON object",
        ),
        case(
            "fee-tiers-is-a-list",
            "An optional module given with the wrong JSON type: feeTiers is a list of tiers instead of {params: {tiers}} (CODEC-4).",
            ("CODEC-4", "FEE-5"),
            replace("/feeTiers", []),
            "genesis.feeTiers: expected a JSON object",
        ),
        case(
            "stats-is-a-number",
            "An optional module given with the wrong JSON type: stats is the number 3600 (CODEC-4).",
            ("CODEC-4", "FEE-4"),
            replace("/stats", 3_600),
            "genesis.stats: expected a JSON object",
        ),
        case(
            "authority-is-a-number",
            "The authority is the number 5, not an address (CODEC-4).",
            ("CODEC-4",),
            replace("/authority", 5),
            "not a dydx bech32 address",
        ),
    ]
    return cases


def _object_levels() -> list[tuple[str, str, tuple[Operation, ...], str, str]]:
    """Every object of the genesis JSON: (label, pointer, valid setup that lists it, a field it requires, the rule)."""
    position = long_and_short()
    resting = (books(book([bid()])),)
    return [
        ("blocks", "/blocks", (), "time", "BLOCK-1"),
        ("bank", "/bank", (add("/bank", {"insuranceFund": "0"}),), "", "INV-1"),
        ("subaccounts-module", "/subaccounts", (), "subaccounts", "SUB-3"),
        ("subaccount", f"{SUBACCOUNTS}/0", (alice(),), "perpetualPositions", "SUB-2"),
        ("subaccount-id", f"{SUBACCOUNTS}/0/id", (alice(),), "number", "SUB-1"),
        ("asset-position", f"{SUBACCOUNTS}/0/assetPositions/0", (alice(),), "quantums", "SUB-2"),
        ("perpetual-position", f"{SUBACCOUNTS}/0/perpetualPositions/0", position, "fundingIndex", "SUB-2"),
        ("perpetuals-module", "/perpetuals", (), "liquidityTiers", "MARGIN-1"),
        ("liquidity-tier", "/perpetuals/liquidityTiers/0", (), "impactNotional", "MARGIN-1"),
        ("perpetual", BTC_PERPETUAL, (), "params", "MARGIN-2"),
        ("perpetual-params", f"{BTC_PERPETUAL}/params", (), "marketType", "SUB-10"),
        ("prices-module", "/prices", (), "marketPrices", "PRICE-1"),
        ("market-param", "/prices/marketParams/0", (), "minExchanges", "PRICE-1"),
        ("market-price", "/prices/marketPrices/0", (), "price", "PRICE-1"),
        ("clob-module", "/clob", (), "clobPairs", "CLOB-3"),
        ("clob-pair", BTC_PAIR, (), "status", "CLOB-1"),
        ("perpetual-clob-metadata", f"{BTC_PAIR}/perpetualClobMetadata", (), "perpetualId", "CLOB-1"),
        ("book", f"{BOOKS}/0", resting, "asks", "CLOB-3"),
        ("order", f"{BOOKS}/0/bids/0", resting, "side", "ORDER-1"),
        ("order-id", f"{BOOKS}/0/bids/0/orderId", resting, "clobPairId", "ORDER-1"),
        ("order-subaccount-id", f"{BOOKS}/0/bids/0/orderId/subaccountId", resting, "owner", "SUB-1"),
        ("fill-amount", "/clob/fillAmounts/0", (add("/clob/fillAmounts", [fill()]),), "prunableAtBlock", "ORDER-11"),
        (
            "short-term-cancel",
            "/clob/shortTermCancels/0",
            (add("/clob/shortTermCancels", [cancel_entry()]),),
            "goodTilBlock",
            "ORDER-7",
        ),
        ("trade-prices", "/clob/tradePrices/0", (add("/clob/tradePrices", [trade_prices()]),), "maxSubticks", "COND-3"),
        ("fee-tiers-module", "/feeTiers", (), "params", "FEE-5"),
        ("fee-tiers-params", "/feeTiers/params", (), "tiers", "FEE-5"),
        ("fee-tier", f"{FEE_TIERS}/0", (), "takerFeePpm", "FEE-5"),
        ("stats-module", "/stats", (), "volume", "FEE-4"),
        ("stats-params", "/stats/params", (), "windowDurationSeconds", "FEE-4"),
        ("volume", "/stats/volume", (), "pending", "FEE-4"),
        ("volume-epoch", "/stats/volume/epochs/0", with_epoch(), "notional", "FEE-4"),
        ("user-volume", "/stats/volume/epochs/0/users/0", with_epoch(), "makerNotional", "FEE-4"),
    ]


UNKNOWN_FIELD_NAMES = {
    "blocks": "chainId",
    "subaccount": "marginEnabled",
    "asset-position": "index",
    "perpetual-position": "quoteBalance",
    "liquidity-tier": "basePositionNotional",
    "perpetual": "lastFundingRate",
    "perpetual-params": "dangerIndexPpm",
    "market-param": "exchangeConfigJson",
    "market-price": "spotPrice",
    "clob-module": "blockRateLimitConfig",
    "clob-pair": "spotClobMetadata",
    "order": "twapParameters",
    "fee-tiers-module": "stakingTiers",
}
"""Fields of the real chain's genesis that perpspec's does not have, where one fits; elsewhere ``unknownField``."""


def unknown_field_cases() -> list[GenesisCase]:
    """CODEC-4: an unknown field is refused at every level, never ignored."""
    cases = []
    for label, pointer, setup, _, rule in _object_levels():
        name = UNKNOWN_FIELD_NAMES.get(label, "unknownField")
        cases.append(
            case(
                f"unknown-field-in-{label}",
                f"The object at {pointer} has the field {name!r}, which perpspec's genesis does not define: refused, not ignored (CODEC-4, {rule}).",
                ("CODEC-4", rule),
                add(f"{pointer}/{name}", 0),
                f"unknown field {name!r}",
                setup,
            )
        )
    return cases


def missing_field_cases() -> list[GenesisCase]:
    """CODEC-4: a required field is never defaulted, at every level that has one."""
    cases = []
    for label, pointer, setup, required, rule in _object_levels():
        if required:
            cases.append(
                case(
                    f"missing-field-in-{label}",
                    f"The object at {pointer} without its required field {required!r} (CODEC-4, {rule}).",
                    ("CODEC-4", rule),
                    remove(f"{pointer}/{required}"),
                    f"missing field {required!r}",
                    setup,
                )
            )
    return cases


def wrong_type_cases() -> list[GenesisCase]:
    """CODEC-4: each value of its JSON type: lists, strings, records and enums given as something else."""
    position = long_and_short()
    resting = (books(book([bid()])),)
    rows: list[tuple[str, Operation, str, tuple[Operation, ...], str]] = [
        (
            "liquidity-tiers-is-an-object",
            replace("/perpetuals/liquidityTiers", {}),
            "expected a list",
            (),
            "an object where the list of tiers belongs",
        ),
        (
            "subaccounts-is-null",
            replace(SUBACCOUNTS, None),
            "expected a list",
            (),
            "null where the list of subaccounts belongs",
        ),
        (
            "asset-positions-is-an-object",
            replace(f"{SUBACCOUNTS}/0/assetPositions", {"assetId": 0, "quantums": "5000000"}),
            "expected a list",
            (alice(),),
            "an asset position that is not in a list",
        ),
        (
            "perpetual-positions-is-a-string",
            replace(f"{SUBACCOUNTS}/0/perpetualPositions", ""),
            "expected a list",
            position,
            "a string where a subaccount's positions belong",
        ),
        ("books-is-an-object", add(BOOKS, {}), "expected a list", (), "an object where the list of books belongs"),
        (
            "book-bids-is-an-object",
            replace(f"{BOOKS}/0/bids", {}),
            "expected a list",
            (books(book(asks=[ask()])),),
            "an object where a book's bids belong",
        ),
        (
            "untriggered-orders-is-null",
            add("/clob/untriggeredOrders", None),
            "expected a list",
            (),
            "null where the untriggered orders belong",
        ),
        (
            "fill-amounts-is-a-string",
            add("/clob/fillAmounts", "x"),
            "expected a list",
            (),
            "a string where the fill amounts belong",
        ),
        (
            "fee-tiers-list-is-an-object",
            replace(FEE_TIERS, {}),
            "expected a list",
            (),
            "an object where the list of fee tiers belongs",
        ),
        (
            "volume-epochs-is-an-object",
            replace("/stats/volume/epochs", {}),
            "expected a list",
            (),
            "an object where the volume's epochs belong",
        ),
        (
            "volume-pending-is-null",
            replace("/stats/volume/pending", None),
            "expected a list",
            (),
            "null where the pending volume belongs",
        ),
        (
            "epoch-users-is-a-number",
            replace("/stats/volume/epochs/0/users", 0),
            "expected a list",
            with_epoch(),
            "a number where an epoch's users belong",
        ),
        (
            "liquidity-tier-is-a-string",
            replace("/perpetuals/liquidityTiers/0", "Large-Cap"),
            "expected a JSON object",
            (),
            "a liquidity tier given as its name",
        ),
        (
            "subaccount-is-a-list",
            replace(f"{SUBACCOUNTS}/0", []),
            "expected a JSON object",
            (alice(),),
            "a subaccount that is the list []",
        ),
        (
            "order-is-a-number",
            replace(f"{BOOKS}/0/bids/0", 5),
            "expected a JSON object",
            resting,
            "a resting order that is the number 5",
        ),
        (
            "ticker-is-a-number",
            replace(f"{BTC_PERPETUAL}/params/ticker", 0),
            "expected a string",
            (),
            "a perpetual's ticker that is the number 0",
        ),
        (
            "market-pair-is-null",
            replace("/prices/marketParams/0/pair", None),
            "expected a string",
            (),
            "a market's pair that is null",
        ),
        (
            "tier-name-is-a-number",
            replace("/perpetuals/liquidityTiers/0/name", 0),
            "expected a string",
            (),
            "a liquidity tier's name that is the number 0",
        ),
        (
            "fee-tier-name-is-a-number",
            replace(f"{FEE_TIERS}/0/name", 1),
            "expected a string",
            (),
            "a fee tier's name that is the number 1",
        ),
        (
            "volume-address-is-a-number",
            replace("/stats/volume/epochs/0/users/0/address", 0),
            "expected a string",
            with_epoch(),
            "a volume address that is the number 0",
        ),
        (
            "market-type-is-a-number",
            replace(f"{BTC_PERPETUAL}/params/marketType", 1),
            "expected a string",
            (),
            "marketType given as its number 1: these enums are their proto names (CODEC-1)",
        ),
        (
            "clob-pair-status-is-a-number",
            replace(f"{BTC_PAIR}/status", 1),
            "expected a string",
            (),
            "a clob pair's status given as its number 1: these enums are their proto names (CODEC-1)",
        ),
        (
            "order-reduce-only-is-a-number",
            add(f"{BOOKS}/0/bids/0/reduceOnly", 0),
            "expected true or false",
            resting,
            "a resting order's reduceOnly that is the number 0, not a boolean",
        ),
    ]
    return [
        case(
            name, f"The genesis with {what}, at {operation['path']} (CODEC-4).", ("CODEC-4",), operation, reason, setup
        )
        for name, operation, reason, setup, what in rows
    ]


def enum_cases() -> list[GenesisCase]:
    """CODEC-4: enums by their proto names; a name the enum does not have is refused (CODEC-1, ORDER-1)."""
    resting = (books(book([bid()])),)
    rows = [
        (
            "market-type-unspecified",
            f"{BTC_PERPETUAL}/params/marketType",
            "PERPETUAL_MARKET_TYPE_UNSPECIFIED",
            (),
            "marketType PERPETUAL_MARKET_TYPE_UNSPECIFIED, which perpspec's enum does not have",
            "SUB-10",
        ),
        (
            "market-type-without-prefix",
            f"{BTC_PERPETUAL}/params/marketType",
            "CROSS",
            (),
            'marketType "CROSS": the proto name is PERPETUAL_MARKET_TYPE_CROSS',
            "SUB-10",
        ),
        (
            "clob-pair-status-unspecified",
            f"{BTC_PAIR}/status",
            "STATUS_UNSPECIFIED",
            (),
            "a clob pair status STATUS_UNSPECIFIED, which the enum does not have",
            "CLOB-1",
        ),
        (
            "clob-pair-status-without-prefix",
            f"{BTC_PAIR}/status",
            "ACTIVE",
            (),
            'a clob pair status "ACTIVE": the proto name is STATUS_ACTIVE',
            "CLOB-1",
        ),
        (
            "order-side-unknown-name",
            f"{BOOKS}/0/bids/0/side",
            "SIDE_BOTH",
            resting,
            'a resting order\'s side "SIDE_BOTH"',
            "ORDER-1",
        ),
        (
            "order-side-decimal-string",
            f"{BOOKS}/0/bids/0/side",
            "1",
            resting,
            'a resting order\'s side "1": a number written as a string is no enum name',
            "ORDER-1",
        ),
        (
            "order-time-in-force-unknown-name",
            f"{BOOKS}/0/bids/0/timeInForce",
            "IOC",
            resting,
            'a resting order\'s timeInForce "IOC": the proto name is TIME_IN_FORCE_IOC',
            "ORDER-1",
        ),
        (
            "order-condition-type-unknown-name",
            "/clob/untriggeredOrders/0/conditionType",
            "CONDITION_TYPE_TRAILING_STOP",
            (add("/clob/untriggeredOrders", [conditional()]),),
            "an untriggered order's conditionType CONDITION_TYPE_TRAILING_STOP",
            "COND-1",
        ),
    ]
    return [
        case(
            name,
            f"The genesis with {what} (CODEC-4, {rule}).",
            ("CODEC-4", rule),
            add(path, value),
            "unknown value",
            setup,
        )
        for name, path, value, setup, what, rule in rows
    ]


def duplicate_cases() -> list[GenesisCase]:
    """CODEC-4: no id is listed twice, in any table."""
    genesis = base_genesis()
    resting = (books(book([bid()])),)
    rows: list[tuple[str, str, Any, tuple[Operation, ...], str, str]] = [
        (
            "liquidity-tier",
            "/perpetuals/liquidityTiers/-",
            {**genesis["perpetuals"]["liquidityTiers"][0], "name": "Again"},
            (),
            "duplicate id 0",
            "liquidity tier 0",
        ),
        (
            "perpetual",
            "/perpetuals/perpetuals/1",
            genesis["perpetuals"]["perpetuals"][0],
            (),
            "duplicate id 0",
            "perpetual 0 (BTC-USD)",
        ),
        (
            "market-param",
            "/prices/marketParams/1",
            genesis["prices"]["marketParams"][0],
            (),
            "duplicate id 0",
            "market param 0",
        ),
        (
            "market-price",
            "/prices/marketPrices/1",
            genesis["prices"]["marketPrices"][0],
            (),
            "duplicate id 0",
            "market price 0",
        ),
        ("clob-pair", "/clob/clobPairs/1", genesis["clob"]["clobPairs"][0], (), "duplicate id 0", "clob pair 0"),
        (
            "subaccount",
            f"{SUBACCOUNTS}/-",
            subaccount_entry(ALICE, 0, 1),
            (alice(),),
            "duplicate id",
            "Alice's subaccount 0",
        ),
        (
            "perpetual-position",
            f"{SUBACCOUNTS}/0/perpetualPositions/-",
            {"perpetualId": BTC, "quantums": "0", "fundingIndex": "0"},
            long_and_short(),
            "two positions in perpetual 0",
            "a second position in BTC-USD in one subaccount",
        ),
        ("book", f"{BOOKS}/-", book(asks=[ask()]), resting, "appears twice", "a second book of clob pair 0"),
        (
            "order-id-on-a-book",
            f"{BOOKS}/0/bids/-",
            bid(subticks=usd(27_000)),
            resting,
            "order id appears twice",
            "Alice's order id 1 resting twice, at two prices",
        ),
        (
            "order-id-resting-and-untriggered",
            "/clob/untriggeredOrders",
            [conditional(3)],
            (books(book([conditional(3)])),),
            "order id appears twice",
            "a conditional order id both resting and untriggered",
        ),
        (
            "fill-amount",
            "/clob/fillAmounts/-",
            fill(quantums=2),
            (add("/clob/fillAmounts", [fill()]),),
            "order id appears twice",
            "two fill amounts of one order id",
        ),
        (
            "short-term-cancel",
            "/clob/shortTermCancels/-",
            cancel_entry(good_til_block=21),
            (add("/clob/shortTermCancels", [cancel_entry()]),),
            "order id appears twice",
            "two cancels of one order id",
        ),
        (
            "trade-prices",
            "/clob/tradePrices/-",
            trade_prices(low=LOW_ASK, high=LOW_ASK),
            (add("/clob/tradePrices", [trade_prices()]),),
            "appears twice",
            "two trade-price entries of perpetual 0",
        ),
        (
            "volume-epoch",
            "/stats/volume/epochs/-",
            {"epoch": GENESIS_TIME // 3_600 - 1, "notional": "0", "users": []},
            with_epoch(),
            "appears twice",
            "a stats epoch listed twice",
        ),
        (
            "epoch-user",
            "/stats/volume/epochs/0/users/-",
            user(ALICE, 1, 0),
            with_epoch(),
            "the address appears twice",
            "an address listed twice in one epoch",
        ),
        (
            "pending-user",
            "/stats/volume/pending",
            [user(ALICE, 1, 1), user(ALICE, 1, 1)],
            (),
            "the address appears twice",
            "an address listed twice in the pending volume",
        ),
    ]
    return [
        case(
            f"duplicate-{name}",
            f"The genesis lists {what}: no id is listed twice (CODEC-4).",
            ("CODEC-4",),
            add(path, value),
            reason,
            setup,
        )
        for name, path, value, setup, reason, what in rows
    ]


def book_cases() -> list[GenesisCase]:
    """CODEC-4, CLOB-3, BOOK-1: each order on its own pair's book and side, best price first, a book only with an order."""
    eth_bid = order(ALICE, 1, BUY, STEP, LOW_BID, gtb=20, clob=ETH)
    return [
        case(
            "order-on-the-wrong-book",
            "Clob pair 0's book holds a bid on clob pair 1 (ETH-USD): each order is on its own pair's book (CODEC-4, CLOB-3).",
            ("CODEC-4", "CLOB-3"),
            books(book([eth_bid])),
            "wrong book or side",
        ),
        case(
            "order-on-a-lower-pairs-book",
            "Clob pair 1's (ETH-USD's) book holds a bid on clob pair 0 (BTC-USD), a pair with a lower id: each order is on its own pair's book, whichever id is higher (CODEC-4, CLOB-3).",
            ("CODEC-4", "CLOB-3"),
            books(book([bid()], pair=ETH)),
            "wrong book or side",
        ),
        case(
            "sell-among-the-bids",
            "Bob's sell order is listed among the bids (CODEC-4, CLOB-3).",
            ("CODEC-4", "CLOB-3"),
            books(book([ask(subticks=LOW_BID)])),
            "wrong book or side",
        ),
        case(
            "buy-among-the-asks",
            "Alice's buy order is listed among the asks (CODEC-4, CLOB-3).",
            ("CODEC-4", "CLOB-3"),
            books(book(asks=[bid(subticks=LOW_ASK)])),
            "wrong book or side",
        ),
        case(
            "bids-not-best-price-first",
            "Two bids, the lower price first: bids are listed highest first (CODEC-4, BOOK-1).",
            ("CODEC-4", "BOOK-1"),
            books(book([bid(1, LOW_BID), bid(2, HIGH_BID)])),
            "not best price first",
        ),
        case(
            "asks-not-best-price-first",
            "Two asks, the higher price first: asks are listed lowest first (CODEC-4, BOOK-1).",
            ("CODEC-4", "BOOK-1"),
            books(book(asks=[ask(1, HIGH_ASK), ask(2, LOW_ASK)])),
            "not best price first",
        ),
        case(
            "empty-book-listed",
            "A book of clob pair 0 with no bids and no asks: a book is listed only with a resting order (CODEC-4, CLOB-3).",
            ("CODEC-4", "CLOB-3"),
            books(book()),
            "listed only when it has a resting order",
        ),
        case(
            "asks-null-beside-bids",
            "A book with a bid and asks null. The reference read asks only when the bids were empty and crashed here with a TypeError (INTERNAL_ERROR from its adapter); fixed (CODEC-4).",
            ("CODEC-4", "CLOB-3"),
            books({**book([bid()]), "asks": None}),
            "asks: expected a list",
        ),
        case(
            "asks-object-beside-bids",
            "A book with a bid and asks {}. The reference read asks only when the bids were empty and accepted this as no asks; fixed (CODEC-4).",
            ("CODEC-4", "CLOB-3"),
            books({**book([bid()]), "asks": {}}),
            "asks: expected a list",
        ),
    ]


BAD_CHECKSUM = ALICE[:-1] + ("q" if ALICE[-1] != "q" else "p")
"""Alice's address with its last character changed: the bech32 checksum fails."""
COSMOS_ADDRESS = "cosmos190vqdjtlpcq27xslcveglfmr4ynfwg7gqmchsn"
"""Alice's payload as a valid bech32 address with the prefix cosmos: not a dydx address."""


def subaccount_cases() -> list[GenesisCase]:
    """CODEC-4, SUB-1, SUB-2: one USDC asset position, owners that are dydx bech32 addresses, numbers 0..127."""
    usdc = {"assetId": 0, "quantums": "1"}
    resting = (books(book([bid()])),)
    return [
        case(
            "two-asset-positions",
            "Alice's subaccount holds two USDC asset positions: one at most (CODEC-4, SUB-2).",
            ("CODEC-4", "SUB-2"),
            add(f"{SUBACCOUNTS}/0/assetPositions/-", usdc),
            "only one asset position",
            (alice(),),
        ),
        case(
            "non-usdc-asset",
            "Alice's subaccount holds asset 1: USDC (asset 0) is the only asset (CODEC-4, SUB-2).",
            ("CODEC-4", "SUB-2"),
            replace(f"{SUBACCOUNTS}/0/assetPositions/0/assetId", 1),
            "only one asset position",
            (alice(),),
        ),
        case(
            "owner-bad-checksum",
            "A subaccount owner whose bech32 checksum fails (CODEC-4, SUB-1).",
            ("CODEC-4", "SUB-1"),
            replace(f"{SUBACCOUNTS}/0/id/owner", BAD_CHECKSUM),
            "not a dydx bech32 address",
            (alice(),),
        ),
        case(
            "owner-upper-case",
            "A subaccount owner in upper case: bech32 allows it, a dydx address is lower case (CODEC-4, SUB-1).",
            ("CODEC-4", "SUB-1"),
            replace(f"{SUBACCOUNTS}/0/id/owner", ALICE.upper()),
            "not a dydx bech32 address",
            (alice(),),
        ),
        case(
            "owner-other-prefix",
            "A subaccount owner that is a valid bech32 address with the prefix cosmos (CODEC-4, SUB-1).",
            ("CODEC-4", "SUB-1"),
            replace(f"{SUBACCOUNTS}/0/id/owner", COSMOS_ADDRESS),
            "not a dydx bech32 address",
            (alice(),),
        ),
        case(
            "authority-bad-checksum",
            "An authority whose bech32 checksum fails (CODEC-4).",
            ("CODEC-4",),
            replace("/authority", AUTHORITY[:-1] + ("q" if AUTHORITY[-1] != "q" else "p")),
            "not a dydx bech32 address",
        ),
        case(
            "order-owner-bad-checksum",
            "A resting order whose subaccount owner's bech32 checksum fails (CODEC-4, ORDER-1).",
            ("CODEC-4", "ORDER-1"),
            replace(f"{BOOKS}/0/bids/0/orderId/subaccountId/owner", BAD_CHECKSUM),
            "not a dydx bech32 address",
            resting,
        ),
        case(
            "volume-address-not-bech32",
            "A pending-volume address that is not a bech32 address. The reference read any string here; fixed (CODEC-4, FEE-4).",
            ("CODEC-4", "FEE-4"),
            add("/stats/volume/pending", [user("alice", 0, 0)]),
            "not a dydx bech32 address",
        ),
        case(
            "subaccount-number-128",
            "Alice's subaccount number 128: numbers are 0..127 (CODEC-4, SUB-1).",
            ("CODEC-4", "SUB-1"),
            replace(f"{SUBACCOUNTS}/0/id/number", 128),
            "above the maximum 127",
            (alice(),),
        ),
        case(
            "subaccount-number-negative",
            "Alice's subaccount number -1 (CODEC-4, SUB-1).",
            ("CODEC-4", "SUB-1"),
            replace(f"{SUBACCOUNTS}/0/id/number", -1),
            "below the minimum 0",
            (alice(),),
        ),
        case(
            "order-subaccount-number-128",
            "A resting order of subaccount number 128 (CODEC-4, SUB-1).",
            ("CODEC-4", "SUB-1"),
            replace(f"{BOOKS}/0/bids/0/orderId/subaccountId/number", 128),
            "exceeds 127",
            resting,
        ),
    ]


def shape_cases() -> list[GenesisCase]:
    """Every shape decoding refuses (CODEC-4), in file order."""
    return (
        module_cases()
        + unknown_field_cases()
        + missing_field_cases()
        + wrong_type_cases()
        + enum_cases()
        + duplicate_cases()
        + book_cases()
        + subaccount_cases()
    )


# --- protocol rules: GEN-2's groups and GEN-3 -------------------------------------------------------


def parameter_cases() -> list[GenesisCase]:
    """GEN-2 group 1: every bound of ``perpspec.bounds``, one case each."""
    tier, market, price = "/perpetuals/liquidityTiers", "/prices/marketParams/0", "/prices/marketPrices/0"
    rows: list[tuple[str, str, tuple[Operation, ...], str, tuple[str, ...]]] = [
        (
            "tier-initial-margin-above-100-percent",
            "Large-Cap's initialMarginPpm 1000001, above 100%",
            (replace(f"{tier}/0/initialMarginPpm", 1_000_001),),
            "initial margin above 1000000 ppm",
            ("MARGIN-1",),
        ),
        (
            "tier-maintenance-fraction-above-100-percent",
            "Large-Cap's maintenanceFractionPpm 1000001, above 100%",
            (replace(f"{tier}/0/maintenanceFractionPpm", 1_000_001),),
            "maintenance fraction above 1000000 ppm",
            ("MARGIN-3",),
        ),
        (
            "tier-impact-notional-zero",
            "Large-Cap's impactNotional 0",
            (replace(f"{tier}/0/impactNotional", "0"),),
            "impact notional is 0",
            ("MARGIN-1",),
        ),
        (
            "tier-lower-cap-above-upper-cap",
            "Small-Cap's openInterestLowerCap one above its upper cap",
            (replace(f"{tier}/1/openInterestLowerCap", "50000000000001"),),
            "lower cap exceeds the upper cap",
            ("MARGIN-1",),
        ),
        (
            "perpetual-atomic-resolution-101",
            "BTC-USD's atomicResolution 101, beyond perpspec's bound of +-100",
            (replace(f"{BTC_PERPETUAL}/params/atomicResolution", 101),),
            "atomic resolution outside",
            (),
        ),
        (
            "perpetual-atomic-resolution-minus-101",
            "BTC-USD's atomicResolution -101",
            (replace(f"{BTC_PERPETUAL}/params/atomicResolution", -101),),
            "atomic resolution outside",
            (),
        ),
        (
            "perpetual-isolated-market",
            "BTC-USD as an isolated market: only cross markets are supported",
            (replace(f"{BTC_PERPETUAL}/params/marketType", "PERPETUAL_MARKET_TYPE_ISOLATED"),),
            "only PERPETUAL_MARKET_TYPE_CROSS",
            ("SUB-10",),
        ),
        (
            "market-exponent-101",
            "market 0's exponent 101 (its price's too, so that the two agree)",
            (replace(f"{market}/exponent", 101), replace(f"{price}/exponent", 101)),
            "market 0: exponent outside",
            ("PRICE-1",),
        ),
        (
            "market-price-exponent-minus-101",
            "market 0's price exponent -101 (it also differs from its param's, which GEN-2 group 2 refuses; the bound is checked first)",
            (replace(f"{price}/exponent", -101),),
            "market price 0: exponent outside",
            ("PRICE-1",),
        ),
        (
            "market-min-exchanges-zero",
            "market 0's minExchanges 0",
            (replace(f"{market}/minExchanges", 0),),
            "min exchanges is 0",
            ("PRICE-1",),
        ),
        (
            "market-min-price-change-zero",
            "market 0's minPriceChangePpm 0",
            (replace(f"{market}/minPriceChangePpm", 0),),
            "min price change outside",
            ("PRICE-1",),
        ),
        (
            "market-min-price-change-10000",
            "market 0's minPriceChangePpm 10000 (1%), not below it",
            (replace(f"{market}/minPriceChangePpm", 10_000),),
            "min price change outside",
            ("PRICE-1",),
        ),
        (
            "clob-pair-step-zero",
            "BTC-USD's stepBaseQuantums 0",
            (replace(f"{BTC_PAIR}/stepBaseQuantums", "0"),),
            "step base quantums is 0",
            ("CLOB-1",),
        ),
        (
            "clob-pair-tick-zero",
            "BTC-USD's subticksPerTick 0",
            (replace(f"{BTC_PAIR}/subticksPerTick", 0),),
            "subticks per tick is 0",
            ("CLOB-1",),
        ),
        (
            "clob-pair-quantum-conversion-exponent-101",
            "BTC-USD's quantumConversionExponent 101",
            (replace(f"{BTC_PAIR}/quantumConversionExponent", 101),),
            "quantum conversion exponent outside",
            ("CLOB-1",),
        ),
        (
            "clob-pair-quantum-conversion-exponent-minus-101",
            "BTC-USD's quantumConversionExponent -101",
            (replace(f"{BTC_PAIR}/quantumConversionExponent", -101),),
            "quantum conversion exponent outside",
            ("CLOB-1",),
        ),
    ]
    rows += [
        (
            f"clob-pair-status-{status.lower().replace('_', '-')}",
            f"BTC-USD's status STATUS_{status}, which the protos name and the protocol does not support",
            (replace(f"{BTC_PAIR}/status", f"STATUS_{status}"),),
            "is not supported by the protocol",
            ("CLOB-1",),
        )
        for status in ("PAUSED", "CANCEL_ONLY", "POST_ONLY")
    ]
    rows += _fee_tier_rows() + _stats_rows() + _liquidations_config_rows() + _funding_rows()
    return [
        case(
            name,
            f"The default genesis with {what} (GEN-2, {', '.join(rules) or 'perpspec.bounds'}).",
            ("GEN-2", *rules),
            change,
            reason,
        )
        for name, what, change, reason, rules in rows
    ]


def _fee_tier_rows() -> list[tuple[str, str, tuple[Operation, ...], str, tuple[str, ...]]]:
    """FEE-5, one row per rule of ``bounds.check_fee_tiers``."""
    first_has, falls = "the first tier has no requirements", "requirements must not fall"
    return [
        ("fee-tiers-empty", "no fee tiers at all", (replace(FEE_TIERS, []),), "at least one tier", ("FEE-5",)),
        (
            "fee-tier-first-absolute-requirement",
            "a first fee tier that requires 1 quote quantum of volume",
            (replace(f"{FEE_TIERS}/0/absoluteVolumeRequirement", "1"),),
            first_has,
            ("FEE-5",),
        ),
        (
            "fee-tier-first-total-share-requirement",
            "a first fee tier that requires a 1 ppm share of the volume",
            (replace(f"{FEE_TIERS}/0/totalVolumeShareRequirementPpm", 1),),
            first_has,
            ("FEE-5",),
        ),
        (
            "fee-tier-first-maker-share-requirement",
            "a first fee tier that requires a 1 ppm maker share",
            (replace(f"{FEE_TIERS}/0/makerVolumeShareRequirementPpm", 1),),
            first_has,
            ("FEE-5",),
        ),
        (
            "fee-tier-absolute-requirement-falls",
            "tier 2 requiring more absolute volume than tier 3",
            (replace(f"{FEE_TIERS}/1/absoluteVolumeRequirement", "5000000000001"),),
            falls,
            ("FEE-5",),
        ),
        (
            "fee-tier-total-share-requirement-falls",
            "tier 6 requiring a larger share of the volume than tier 7",
            (replace(f"{FEE_TIERS}/5/totalVolumeShareRequirementPpm", 5_001),),
            falls,
            ("FEE-5",),
        ),
        (
            "fee-tier-maker-share-requirement-falls",
            "tier 8 requiring a larger maker share than tier 9",
            (replace(f"{FEE_TIERS}/7/makerVolumeShareRequirementPpm", 40_001),),
            falls,
            ("FEE-5",),
        ),
        (
            "fee-tiers-pay-out-more-than-they-take",
            "tier 9's taker fee 100 ppm: the lowest maker fee (-110) plus the lowest taker fee is negative",
            (replace(f"{FEE_TIERS}/8/takerFeePpm", 100),),
            "lowest maker fee plus lowest taker fee is negative",
            ("FEE-5",),
        ),
    ]


def _stats_rows() -> list[tuple[str, str, tuple[Operation, ...], str, tuple[str, ...]]]:
    """FEE-4, one row per rule of ``bounds.check_stats_params``."""
    whole = "window is not a positive whole number of epochs"
    return [
        (
            "stats-epoch-zero",
            "a stats epoch of 0 seconds",
            (replace("/stats/params/epochDurationSeconds", 0),),
            "the epoch duration is 0",
            ("FEE-4",),
        ),
        (
            "stats-window-zero",
            "a stats window of 0 seconds",
            (replace("/stats/params/windowDurationSeconds", 0),),
            whole,
            ("FEE-4",),
        ),
        (
            "stats-window-not-whole-epochs",
            "a stats window of 30 days and 1 second, not a whole number of 1-hour epochs",
            (replace("/stats/params/windowDurationSeconds", 2_592_001),),
            whole,
            ("FEE-4",),
        ),
    ]


def _liquidations_config_rows() -> list[tuple[str, str, tuple[Operation, ...], str, tuple[str, ...]]]:
    """LIQ-10, one row per rule of ``bounds.check_liquidations_config`` (v4's ``LiquidationsConfig.Validate``)."""
    config = "/clob/liquidationsConfig"
    return [
        (
            "liquidations-bankruptcy-adjustment-below-one",
            "a bankruptcy adjustment of 999,999 ppm, below 100%",
            (replace(f"{config}/fillablePriceConfig/bankruptcyAdjustmentPpm", 999_999),),
            "bankruptcyAdjustmentPpm is below 1000000",
            ("LIQ-10",),
        ),
        (
            "liquidations-spread-ratio-zero",
            "a spread-to-maintenance-margin ratio of 0",
            (replace(f"{config}/fillablePriceConfig/spreadToMaintenanceMarginRatioPpm", 0),),
            "spreadToMaintenanceMarginRatioPpm is 0",
            ("LIQ-10",),
        ),
        (
            "liquidations-fee-zero",
            "a maximum liquidation fee of 0",
            (replace(f"{config}/maxLiquidationFeePpm", 0),),
            "maxLiquidationFeePpm is not in (0, 1000000]",
            ("LIQ-10",),
        ),
        (
            "liquidations-fee-above-one",
            "a maximum liquidation fee of 1,000,001 ppm",
            (replace(f"{config}/maxLiquidationFeePpm", 1_000_001),),
            "maxLiquidationFeePpm is not in (0, 1000000]",
            ("LIQ-10",),
        ),
        (
            "liquidations-portion-zero",
            "a maximum position portion liquidated of 0",
            (replace(f"{config}/positionBlockLimits/maxPositionPortionLiquidatedPpm", 0),),
            "maxPositionPortionLiquidatedPpm is not in (0, 1000000]",
            ("LIQ-10",),
        ),
        (
            "liquidations-portion-above-one",
            "a maximum position portion liquidated of 1,000,001 ppm",
            (replace(f"{config}/positionBlockLimits/maxPositionPortionLiquidatedPpm", 1_000_001),),
            "maxPositionPortionLiquidatedPpm is not in (0, 1000000]",
            ("LIQ-10",),
        ),
        (
            "liquidations-max-notional-zero",
            "a subaccount notional block limit of 0",
            (replace(f"{config}/subaccountBlockLimits/maxNotionalLiquidated", "0"),),
            "maxNotionalLiquidated is 0",
            ("LIQ-10",),
        ),
        (
            "liquidations-max-insurance-lost-zero",
            "a subaccount insurance block limit of 0",
            (replace(f"{config}/subaccountBlockLimits/maxQuantumsInsuranceLost", "0"),),
            "maxQuantumsInsuranceLost is 0",
            ("LIQ-10",),
        ),
    ]


def _premiums(*entries: tuple[int, list[int]], count: int = 1) -> dict[str, Any]:
    return {"allMarketPremiums": [{"perpetualId": p, "premiums": v} for p, v in entries], "numPremiums": count}


def _funding_rows() -> list[tuple[str, str, tuple[Operation, ...], str, tuple[str, ...]]]:
    """FUND-9, FUND-10: one row per rule of ``bounds.check_perpetuals_params``, ``check_epoch_info``, ``check_funding_epochs``, ``check_premium_store``."""
    epoch = "/epochs/epochInfoList/0"
    return [
        (
            "funding-min-votes-zero",
            "minNumVotesPerSample 0",
            (
                add(
                    "/perpetuals/params",
                    {
                        "fundingRateClampFactorPpm": 6_000_000,
                        "premiumVoteClampFactorPpm": 60_000_000,
                        "minNumVotesPerSample": 0,
                    },
                ),
            ),
            "minNumVotesPerSample is 0",
            ("FUND-9",),
        ),
        (
            "funding-rate-clamp-above-int32",
            "a funding rate clamp factor of 2147483648 ppm, above int32",
            (
                add(
                    "/perpetuals/params",
                    {
                        "fundingRateClampFactorPpm": 2_147_483_648,
                        "premiumVoteClampFactorPpm": 60_000_000,
                        "minNumVotesPerSample": 15,
                    },
                ),
            ),
            "fundingRateClampFactorPpm above 2147483647",
            ("FUND-9",),
        ),
        (
            "epoch-duration-zero",
            "a funding-sample epoch of 0 seconds",
            (replace(f"{epoch}/duration", 0),),
            "duration is 0",
            ("FUND-9",),
        ),
        (
            "epoch-no-name",
            "an epoch named the empty string",
            (replace(f"{epoch}/name", ""),),
            "has no name",
            ("FUND-9",),
        ),
        (
            "epoch-number-without-start-block",
            "a funding-sample epoch numbered 1 with start block 0",
            (replace(f"{epoch}/currentEpoch", 1),),
            "must be 0 together",
            ("FUND-9",),
        ),
        (
            "epoch-funding-tick-missing",
            "no funding-tick epoch",
            (remove("/epochs/epochInfoList/1"),),
            "funding-tick is missing",
            ("FUND-9",),
        ),
        (
            "epoch-initialized-not-boolean",
            'isInitialized given as the string "yes"',
            (replace(f"{epoch}/isInitialized", "yes"),),
            "expected true or false",
            ("FUND-9",),
        ),
        (
            "premium-vote-zero",
            "a stored premium vote of 0",
            (add("/perpetuals/premiumVotes", _premiums((0, [0]))),),
            "holds a zero premium",
            ("FUND-10",),
        ),
        (
            "premium-votes-beyond-count",
            "two stored votes for BTC-USD with a vote count of 1",
            (add("/perpetuals/premiumVotes", _premiums((0, [5, 6]))),),
            "more premiums than numPremiums",
            ("FUND-10",),
        ),
        (
            "premium-samples-empty-entry",
            "BTC-USD listed among the samples with none",
            (add("/perpetuals/premiumSamples", _premiums((0, []), count=0)),),
            "is listed with no premiums",
            ("FUND-11",),
        ),
        (
            "premium-votes-perpetual-twice",
            "BTC-USD listed twice among the votes",
            (add("/perpetuals/premiumVotes", _premiums((0, [5]), (0, [6]), count=2)),),
            "is listed twice",
            ("FUND-10",),
        ),
        (
            "premium-votes-unknown-perpetual",
            "votes for perpetual 7, which does not exist",
            (add("/perpetuals/premiumVotes", _premiums((7, [5]))),),
            "unknown perpetual 7",
            ("FUND-10",),
        ),
    ]


def reference_cases() -> list[GenesisCase]:
    """GEN-2 group 2: every id a record names exists; every market has a param and a price of one exponent."""
    rows: list[tuple[str, str, tuple[Operation, ...], str, tuple[Operation, ...]]] = [
        (
            "market-param-without-price",
            "market 5 (SOL-USD) with a param and no price",
            (remove("/prices/marketPrices/2"),),
            "every market needs both",
            (),
        ),
        (
            "market-price-without-param",
            "a price of market 7, which has no param",
            (add("/prices/marketPrices/-", {"id": 7, "exponent": -5, "price": "1"}),),
            "every market needs both",
            (),
        ),
        (
            "market-price-exponent-differs",
            "market 0's price in exponent -6 while its param says -5",
            (replace("/prices/marketPrices/0/exponent", -6),),
            "price exponent differs",
            (),
        ),
        (
            "perpetual-unknown-liquidity-tier",
            "BTC-USD in liquidity tier 99, which does not exist",
            (replace(f"{BTC_PERPETUAL}/params/liquidityTier", 99),),
            "unknown liquidity tier",
            (),
        ),
        (
            "perpetual-unknown-market",
            "BTC-USD on market 99, which does not exist",
            (replace(f"{BTC_PERPETUAL}/params/marketId", 99),),
            "unknown market",
            (),
        ),
        (
            "clob-pair-unknown-perpetual",
            "clob pair 0 of perpetual 99, which does not exist",
            (replace(f"{BTC_PAIR}/perpetualClobMetadata/perpetualId", 99),),
            "unknown perpetual",
            (),
        ),
        (
            "position-unknown-perpetual",
            "Alice holding a position in perpetual 99, which does not exist",
            (alice(positions=((99, STEP),)),),
            "unknown perpetual 99",
            (),
        ),
        (
            "book-unknown-clob-pair",
            "a book of clob pair 99, which does not exist, holding a bid on it",
            (books(book([order(ALICE, 1, BUY, STEP, LOW_BID, gtb=20, clob=99)], pair=99)),),
            "clob.books: unknown clob pair",
            (),
        ),
        (
            "untriggered-order-unknown-clob-pair",
            "an untriggered order on clob pair 99, which does not exist",
            (add("/clob/untriggeredOrders", [conditional(clob=99)]),),
            "unknown clob pair",
            (),
        ),
        (
            "trade-prices-unknown-perpetual",
            "trade prices of perpetual 99, which does not exist",
            (add("/clob/tradePrices", [trade_prices(99)]),),
            "clob.tradePrices: unknown perpetual",
            (),
        ),
    ]
    return [
        case(name, f"The default genesis with {what} (GEN-2 group 2).", ("GEN-2",), change, reason, setup)
        for name, what, change, reason, setup in rows
    ]


def block_cases() -> list[GenesisCase]:
    """GEN-2 group 3: a gating block is not after the genesis height (SUB-9, BLOCK-2)."""
    return [
        case(
            "negative-tnc-block-after-genesis",
            "negativeTncSubaccountSeenAtBlock 2 in a genesis at height 1: a gating block is not after the genesis height (GEN-2, SUB-9).",
            ("GEN-2", "SUB-9"),
            add("/subaccounts/negativeTncSubaccountSeenAtBlock", 2),
            "negativeTncSubaccountSeenAtBlock: block 2 is after",
        ),
        case(
            "chain-outage-block-after-genesis",
            "lastChainOutageAtBlock 2 in a genesis at height 1 (GEN-2, SUB-9, BLOCK-2).",
            ("GEN-2", "SUB-9", "BLOCK-2"),
            add("/blocks/lastChainOutageAtBlock", 2),
            "lastChainOutageAtBlock: block 2 is after",
        ),
    ]


STATELESS_ROWS: tuple[tuple[str, str, dict[str, Any], str], ...] = (
    (
        "fill-or-kill",
        "a fill-or-kill order, which is deprecated",
        {"tif": FILL_OR_KILL},
        "fill-or-kill has been deprecated",
    ),
    ("side-number-7", "side 7, a number the Side enum does not define", {"side": 7}, "invalid order side 7"),
    (
        "time-in-force-number-7",
        "timeInForce 7, a number the enum does not define",
        {"tif": 7},
        "invalid time in force 7",
    ),
    (
        "condition-type-number-7",
        "conditionType 7, a number the enum does not define",
        {"condition": 7},
        "invalid condition type 7",
    ),
    (
        "side-unspecified",
        "side SIDE_UNSPECIFIED",
        {"side": "SIDE_UNSPECIFIED"},
        "UNSPECIFIED is not a valid order side",
    ),
    ("quantums-zero", "quantums 0", {"quantums": 0}, "order size quantums cannot be 0"),
    (
        "short-term-without-good-til-block",
        "goodTilBlock 0 on a short-term order",
        {"gtb": 0},
        "order goodTilBlock cannot be 0",
    ),
    (
        "long-term-without-good-til-block-time",
        "a long-term order with goodTilBlockTime 0",
        {"flags": LONG_TERM, "gtb": None, "gtbt": 0},
        "stateful order goodTilBlockTime cannot be 0",
    ),
    (
        "order-flags-128",
        "order flags 128 (a TWAP order), which perpspec does not support",
        {"flags": 128},
        "invalid order flag 128",
    ),
    (
        "long-term-ioc",
        "a long-term IOC order",
        {"flags": LONG_TERM, "gtb": None, "gtbt": LATER, "tif": IOC},
        "long-term orders cannot be IOC",
    ),
    (
        "reduce-only-not-ioc",
        "a reduce-only order that is not IOC",
        {"reduce_only": True},
        "reduce only orders must be IOC orders",
    ),
    ("subticks-zero", "subticks 0", {"subticks": 0}, "order subticks cannot be 0"),
    (
        "condition-type-on-short-term",
        "a condition type on a short-term order",
        {"condition": STOP_LOSS},
        "condition type specified for non-conditional order",
    ),
    (
        "trigger-on-short-term",
        "trigger subticks on a short-term order",
        {"trigger": LOW_BID},
        "trigger subticks greater than 0 for non-conditional order",
    ),
)
"""One resting order failing each stateless check of ORDER-2 (``validate_order_basic``), in its order."""


def _resting_bid(fields: dict[str, Any]) -> dict[str, Any]:
    """Alice's resting bid with ``fields`` (the keywords of ``builders.order``, and ``side``, ``quantums``, ``subticks``) changed."""
    side = fields.pop("side", BUY)
    quantums = fields.pop("quantums", STEP)
    subticks = fields.pop("subticks", LOW_BID)
    return order(ALICE, 1, side, quantums, subticks, **{"gtb": 20, **fields})


def _on_its_side(resting: dict[str, Any]) -> dict[str, Any]:
    """A BTC-USD book holding ``resting``: among the bids if it is a buy, else among the asks, as decoding files it (CODEC-4)."""
    return book([resting]) if resting["side"] == BUY else book(asks=[resting])


def clob_state_cases() -> list[GenesisCase]:
    """GEN-2 group 4 (CLOB-3): orders as the protocol could have left them, fill amounts, cancels and pending volume."""
    cases = [
        case(
            f"resting-order-{name}",
            f"A resting order with {what}: every order passes stateless validation (GEN-2, CLOB-3, ORDER-2).",
            ("GEN-2", "CLOB-3", "ORDER-2"),
            books(_on_its_side(_resting_bid(dict(fields)))),
            reason,
        )
        for name, what, fields, reason in STATELESS_ROWS
    ]
    cases += [
        case(
            "untriggered-conditional-without-condition-type",
            "An untriggered conditional order without a condition type (GEN-2, ORDER-2, COND-1).",
            ("GEN-2", "ORDER-2", "COND-1"),
            add("/clob/untriggeredOrders", [conditional(condition=None)]),
            "condition type cannot be unspecified",
        ),
        case(
            "untriggered-conditional-without-trigger",
            "An untriggered conditional order without trigger subticks (GEN-2, ORDER-2, COND-1).",
            ("GEN-2", "ORDER-2", "COND-1"),
            add("/clob/untriggeredOrders", [conditional(trigger=None)]),
            "trigger subticks cannot be 0",
        ),
    ]
    cases += _status_cases() + _expiry_cases() + _fill_and_cancel_cases()
    cases.append(
        case(
            "pending-volume-maker-and-taker-differ",
            "The block's pending volume holds 100 of taker notional and none of maker notional: every fill counts both (GEN-2, FEE-4).",
            ("GEN-2", "FEE-4"),
            add("/stats/volume/pending", [user(ALICE, 100, 0)]),
            "taker and maker notional differ",
        )
    )
    return cases


def _status_cases() -> list[GenesisCase]:
    """CLOB-2: an order its pair's status would not take."""
    initializing = (replace(f"{BTC_PAIR}/status", "STATUS_INITIALIZING"),)
    long_term = _resting_bid({"flags": LONG_TERM, "gtb": None, "gtbt": LATER})
    post_only_buy = bid(subticks=usd(28_700), tif=POST_ONLY)
    post_only_sell = ask(subticks=usd(28_600), tif=POST_ONLY)
    return [
        case(
            "order-on-final-settlement-pair",
            "A bid resting on BTC-USD in STATUS_FINAL_SETTLEMENT, which takes no order (GEN-2, CLOB-2).",
            ("GEN-2", "CLOB-2"),
            books(book([bid()])),
            "is FINAL_SETTLEMENT",
            (replace(f"{BTC_PAIR}/status", "STATUS_FINAL_SETTLEMENT"),),
        ),
        case(
            "long-term-order-on-initializing-pair",
            "A long-term bid resting on BTC-USD in STATUS_INITIALIZING, which takes only short-term post-only orders (GEN-2, CLOB-2).",
            ("GEN-2", "CLOB-2"),
            books(book([long_term])),
            "takes only short-term post-only orders",
            initializing,
        ),
        case(
            "post-only-buy-above-oracle-on-initializing-pair",
            "A post-only bid at $28,700 on BTC-USD in STATUS_INITIALIZING, above the oracle price of $28,688.19524 (GEN-2, CLOB-2).",
            ("GEN-2", "CLOB-2"),
            books(book([post_only_buy])),
            "takes buys at or below the oracle price",
            initializing,
        ),
        case(
            "post-only-sell-below-oracle-on-initializing-pair",
            "A post-only ask at $28,600 on BTC-USD in STATUS_INITIALIZING, below the oracle price (GEN-2, CLOB-2).",
            ("GEN-2", "CLOB-2"),
            books(book(asks=[post_only_sell])),
            "takes sells at or above the oracle price",
            initializing,
        ),
    ]


def _expiry_cases() -> list[GenesisCase]:
    """ORDER-9, COND-1: no order has expired, and only conditional orders wait for a trigger."""
    return [
        case(
            "short-term-order-expired",
            f"A bid good til block {HEIGHT - 1} resting in a genesis at height {HEIGHT} (GEN-2, ORDER-9).",
            ("GEN-2", "ORDER-9"),
            books(book([bid(gtb=HEIGHT - 1)])),
            "good-til-block already passed",
            at_height(),
        ),
        case(
            "stateful-order-expired",
            "A long-term bid good til the genesis time itself: it expired when the genesis block began (GEN-2, ORDER-9).",
            ("GEN-2", "ORDER-9"),
            books(book([_resting_bid({"flags": LONG_TERM, "gtb": None, "gtbt": GENESIS_TIME})])),
            "good-til-block-time already passed",
        ),
        case(
            "untriggered-conditional-expired",
            "An untriggered conditional order good til the genesis time (GEN-2, ORDER-9).",
            ("GEN-2", "ORDER-9", "COND-1"),
            add("/clob/untriggeredOrders", [conditional(gtbt=GENESIS_TIME)]),
            "good-til-block-time already passed",
        ),
        case(
            "untriggered-long-term-order",
            "A long-term order among the untriggered orders: only conditional orders wait for a trigger (GEN-2, COND-1).",
            ("GEN-2", "COND-1"),
            add("/clob/untriggeredOrders", [_resting_bid({"flags": LONG_TERM, "gtb": None, "gtbt": LATER})]),
            "an untriggered order is conditional",
        ),
    ]


def _fill_and_cancel_cases() -> list[GenesisCase]:
    """ORDER-7, ORDER-11: a fill amount's prune block exactly for short-term ids and not passed; cancels short-term and current."""
    prune = "a short-term one needs prunableAtBlock"
    return [
        case(
            "short-term-fill-amount-without-prune-block",
            "A short-term id's fill amount with prunableAtBlock 0: it would never be forgotten (GEN-2, ORDER-11).",
            ("GEN-2", "ORDER-11"),
            add("/clob/fillAmounts", [fill(prunable=0)]),
            prune,
        ),
        case(
            "long-term-fill-amount-with-prune-block",
            "A long-term id's fill amount with prunableAtBlock 20: stateful amounts go with their orders (GEN-2, ORDER-11).",
            ("GEN-2", "ORDER-11"),
            add("/clob/fillAmounts", [fill(flags=LONG_TERM)]),
            prune,
        ),
        case(
            "fill-amount-prune-block-passed",
            f"A fill amount prunable at block {HEIGHT - 1} in a genesis at height {HEIGHT} (GEN-2, ORDER-11).",
            ("GEN-2", "ORDER-11"),
            add("/clob/fillAmounts", [fill(prunable=HEIGHT - 1)]),
            "prunableAtBlock has already passed",
            at_height(),
        ),
        case(
            "short-term-cancel-of-stateful-id",
            "A short-term cancel of a long-term order id (GEN-2, ORDER-7).",
            ("GEN-2", "ORDER-7"),
            add("/clob/shortTermCancels", [cancel_entry(flags=LONG_TERM)]),
            "a stateful cancel, or one whose good-til-block has passed",
        ),
        case(
            "short-term-cancel-passed",
            f"A short-term cancel good til block {HEIGHT - 1} in a genesis at height {HEIGHT} (GEN-2, ORDER-7).",
            ("GEN-2", "ORDER-7"),
            add("/clob/shortTermCancels", [cancel_entry(good_til_block=HEIGHT - 1)]),
            "a stateful cancel, or one whose good-til-block has passed",
            at_height(),
        ),
    ]


def invariant_cases() -> list[GenesisCase]:
    """GEN-2 group 5: every state invariant a genesis can break (INV-1..4, INV-9, INV-10)."""
    return [
        case(
            "usdc-held-differs-from-deposits",
            "bank.totalDeposited 1 with no USDC held anywhere (GEN-2, INV-1).",
            ("GEN-2", "INV-1"),
            add("/bank", {"totalDeposited": "1"}),
            "INV-1",
        ),
        case(
            "zero-size-position",
            "Alice holding a BTC-USD position of 0 quantums (GEN-2, INV-2, SUB-4).",
            ("GEN-2", "INV-2", "SUB-4"),
            alice(positions=((BTC, 0),)),
            "holds a zero or misfiled position",
        ),
        case(
            "empty-subaccount-listed",
            "Alice's subaccount listed with no USDC and no position: an empty subaccount is not stored (GEN-2, INV-2, SUB-3).",
            ("GEN-2", "INV-2", "SUB-3"),
            alice(0),
            "is stored empty",
        ),
        case(
            "open-interest-differs-from-longs",
            "BTC-USD's openInterest twice its longs (GEN-2, INV-3).",
            ("GEN-2", "INV-3"),
            replace(f"{BTC_PERPETUAL}/openInterest", str(2 * STEP)),
            "INV-3",
            long_and_short(),
        ),
        case(
            "longs-differ-from-shorts",
            "Alice long one step of BTC-USD and nobody short (GEN-2, INV-4).",
            ("GEN-2", "INV-4"),
            (alice(positions=((BTC, STEP),)), replace(f"{BTC_PERPETUAL}/openInterest", str(STEP))),
            "INV-4",
        ),
        case(
            "crossed-book",
            "A bid at $29,000 and an ask at $28,000 on BTC-USD: the book is crossed (GEN-2, INV-9, BOOK-2).",
            ("GEN-2", "INV-9", "BOOK-2"),
            books(book([bid(subticks=LOW_ASK)], [ask(subticks=LOW_BID)])),
            "is crossed",
        ),
        case(
            "ioc-order-resting",
            "A short-term IOC bid resting on the book (GEN-2, INV-10, MATCH-6).",
            ("GEN-2", "INV-10", "MATCH-6"),
            books(book([bid(tif=IOC)])),
            "an IOC order",
        ),
        case(
            "fully-filled-order-resting",
            "A bid of one step resting with one step already filled under its id (GEN-2, INV-10, ORDER-11).",
            ("GEN-2", "INV-10", "ORDER-11"),
            (books(book([bid()])), add("/clob/fillAmounts", [fill(quantums=STEP)])),
            "rests with nothing left",
        ),
        case(
            "trade-prices-min-above-max",
            "BTC-USD's trade prices with minSubticks above maxSubticks (GEN-2, INV-10, COND-3).",
            ("GEN-2", "INV-10", "COND-3"),
            add("/clob/tradePrices", [trade_prices(low=LOW_ASK, high=LOW_BID)]),
            "are not 1 <= min <= max",
        ),
        case(
            "trade-prices-min-zero",
            "BTC-USD's trade prices with minSubticks 0: no fill is at price 0 (GEN-2, INV-10, COND-3).",
            ("GEN-2", "INV-10", "COND-3"),
            add("/clob/tradePrices", [trade_prices(low=0)]),
            "are not 1 <= min <= max",
        ),
    ]


def derived_value_cases() -> list[GenesisCase]:
    """GEN-3: an omitted totalDeposited is derived as held + withdrawn, which must not be negative."""
    return [
        case(
            "derived-total-deposited-negative",
            "Alice's USDC balance is -5 and the genesis has no bank module: the totalDeposited it derives, held + withdrawn, would be -5 (GEN-3, INV-1).",
            ("GEN-3", "INV-1"),
            alice(-5),
            "totalDeposited would be negative",
        ),
        case(
            "derived-total-deposited-negative-funding-pool",
            "A bank module with a fundingPool of -5 and no totalDeposited: the derived total would be -5 (GEN-3, INV-1, FUND-3).",
            ("GEN-3", "INV-1", "FUND-3"),
            add("/bank", {"fundingPool": "-5"}),
            "totalDeposited would be negative",
        ),
    ]


def protocol_rule_cases() -> list[GenesisCase]:
    """GEN-2's five groups and GEN-3, in file order."""
    return (
        parameter_cases()
        + reference_cases()
        + block_cases()
        + clob_state_cases()
        + invariant_cases()
        + derived_value_cases()
    )


# --- ranges: every unsigned field one below its range -------------------------------------------

TIERS = "/perpetuals/liquidityTiers"
MARKET_PARAMS = "/prices/marketParams"
MARKET_PRICES = "/prices/marketPrices"
BELOW = "below the minimum 0"


def _copy_of(path: str, index: int, **fields: Any) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """An entry of the table at ``path`` (a JSON pointer of a list), copied from its entry ``index`` with ``fields`` changed."""

    def build(genesis: dict[str, Any]) -> dict[str, Any]:
        table: Any = genesis
        for key in path.strip("/").split("/"):
            table = table[key]
        return {**copy.deepcopy(table[index]), **fields}

    return build


def range_cases() -> list[GenesisCase]:
    """
    CODEC-4, GEN-2: each unsigned field of the genesis at -1, one below its range, with nothing
    else wrong: refused with INVALID_GENESIS.  Where the field is an id, a new entry carries it
    (nothing refers to it), so only its range can refuse it.
    """
    genesis = base_genesis()
    rows: list[tuple[str, str, tuple[Operation, ...], tuple[Operation, ...]]] = [
        ("subaccount-number", "Alice's subaccount number", (replace(f"{SUBACCOUNTS}/0/id/number", -1),), (alice(),)),
        (
            "liquidity-tier-id",
            "the id of a new liquidity tier (a copy of Large-Cap no perpetual uses)",
            (add(f"{TIERS}/-", _copy_of(TIERS, 0, id=-1, name="Unused")(genesis)),),
            (),
        ),
        ("initial-margin-ppm", "Large-Cap's initialMarginPpm", (replace(f"{TIERS}/0/initialMarginPpm", -1),), ()),
        (
            "maintenance-fraction-ppm",
            "Large-Cap's maintenanceFractionPpm",
            (replace(f"{TIERS}/0/maintenanceFractionPpm", -1),),
            (),
        ),
        ("impact-notional", "Large-Cap's impactNotional", (replace(f"{TIERS}/0/impactNotional", "-1"),), ()),
        (
            "open-interest-lower-cap",
            "Large-Cap's openInterestLowerCap",
            (replace(f"{TIERS}/0/openInterestLowerCap", "-1"),),
            (),
        ),
        (
            "perpetual-id",
            "the id of a new perpetual (a copy of BTC-USD's params no clob pair uses)",
            (
                add(
                    "/perpetuals/perpetuals/-",
                    {"params": {**genesis["perpetuals"]["perpetuals"][0]["params"], "id": -1, "ticker": "UNUSED-USD"}},
                ),
            ),
            (),
        ),
        ("min-exchanges", "BTC-USD's minExchanges", (replace(f"{MARKET_PARAMS}/0/minExchanges", -1),), ()),
        ("market-price", "BTC-USD's oracle price", (replace(f"{MARKET_PRICES}/0/price", "-1"),), ()),
        (
            "taker-notional",
            "Alice's taker notional in a stats epoch",
            (replace("/stats/volume/epochs/0/users/0/takerNotional", "-1"),),
            with_epoch(),
        ),
    ]
    return [
        case(
            f"{name}-below-range",
            f"The default genesis with {what} set to -1, one below its range (CODEC-4, GEN-2).",
            ("CODEC-4", "GEN-2"),
            change,
            BELOW,
            setup,
        )
        for name, what, change, setup in rows
    ]


GENESIS_FILES = (
    GenesisFile(
        "integers",
        "The integer class of JSON-3 in a genesis: each value that is not an integer perpspec reads, in the first fee "
        "tier's makerFeePpm (a 32-bit JSON number), BTC-USD's stepBaseQuantums (a 64-bit decimal string) and a USDC "
        "balance (unbounded, at most 400 digits), each refused with INVALID_GENESIS, never read as an integer, never a crash.",
        ("JSON-3", "CODEC-4", "GEN-2"),
        integer_cases,
    ),
    GenesisFile(
        "ranges",
        "Each unsigned field of the genesis one below its range (-1), with nothing else wrong: a new entry carries an id "
        "nothing refers to; each refused with INVALID_GENESIS (CODEC-4).",
        ("CODEC-4", "GEN-2"),
        range_cases,
    ),
    GenesisFile(
        "shapes",
        "What decoding a genesis refuses (CODEC-4): a missing module, an unknown or a missing field at every level, "
        "values of the wrong JSON type, enum names the enums do not have, an id listed twice in each table, books out "
        "of order, asset positions, addresses and subaccount numbers.",
        ("CODEC-4", "GEN-2"),
        shape_cases,
    ),
    GenesisFile(
        "protocol-rules",
        "What genesis validation refuses after decoding (GEN-2): every parameter bound, every reference, the gating "
        "blocks, the clob state and every state invariant; and a derived totalDeposited that would be negative (GEN-3).",
        ("GEN-2", "GEN-3"),
        protocol_rule_cases,
    ),
)
"""The suite's files, in the manifest's order (sorted by name there)."""


__all__ = ["GENESIS_FILES", "GenesisCase", "GenesisFile", "base_genesis"]
