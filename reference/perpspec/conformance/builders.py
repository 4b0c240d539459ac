"""
Builders of the conformance scenarios (``perpspec.conformance.scenarios``): accounts, ids and
units, genesis, message and order JSON, the ``Scenario`` recorder, and readers of events and
state.  Nothing here belongs to one scenario: every scenario module imports its builders from
here, and never from another scenario module.

A scenario is a genesis and a list of steps.  Each step applies one message to the
reference, states what the step is meant to show (``expect``: accepted, or the error
code), names the rules it exercises, and records the events or the error code, the state
hash after it (CODEC-3) and the JSON of the subaccounts it touched.  The recorder asserts
every ``expect`` and that every rejection left the state byte-for-byte unchanged (TX-2), so
a change in the reference that alters a scenario's meaning stops the generator instead of
being frozen silently.

Numbers are worked by hand in the scenarios' comments from the default genesis (GEN-1):
BTC-USD notional of 1 BTC at the genesis price is 28_688_195_240 quote quantums,
IMR 573_763_905, MMR 344_258_343.

Units on the default BTC-USD pair (GEN-1, UNITS-6): atomic resolution -10, quantum
conversion exponent -9, step 1_000_000 base quantums (0.0001 BTC), tick 100_000 subticks.
A fill's quote is ``floor(subticks * quantums / 10^9)`` (MATCH-2), so one subtick is
10^-5 USD per BTC: $30,000 is 3_000_000_000 subticks, $1 is one tick, and 0.01 BTC
(100_000_000 quantums) at $30,000 is 300_000_000 quote quantums ($300).  The oracle's
2_868_819_524 (exponent -5) is 2_868_819_524 subticks ($28,688.19524) (UNITS-7).
The default fee tiers are the chain's standard tiers: tier 1 maker 100 ppm, taker
500 ppm, so that fill pays 150_000 (taker) and 30_000 (maker) (FEE-2).

The reference internals the recorder needs (decoding a genesis, the subaccounts a message
touches) are imported here and nowhere else in the scenarios.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from perpspec import errors
from perpspec.codec import encode_state, encode_subaccount, state_hash
from perpspec.default_genesis import GOVERNANCE_AUTHORITY, default_genesis_json
from perpspec.genesis import load_genesis
from perpspec.margin import Risk
from perpspec.messages import (
    ADVANCE_BLOCK_TYPE,
    CANCEL_ORDER_TYPE,
    DEPOSIT_TYPE,
    PLACE_ORDER_TYPE,
    TRANSFER_TYPE,
    UPDATE_CLOB_PAIR_TYPE,
    UPDATE_PRICES_TYPE,
    WITHDRAW_TYPE,
)
from perpspec.simulation import account
from perpspec.state import State
from perpspec.subaccounts import get_subaccount, get_subaccount_risk
from perpspec.transition import apply_json, decode_message, full_state_bytes, get_touched_subaccounts
from perpspec.types import OrderId, SubaccountId

# --- accounts -----------------------------------------------------------------------------

AUTHORITY = GOVERNANCE_AUTHORITY
"""The protocol authority of the default genesis: it signs price updates and blocks."""
ALICE = account("alice")
BOB = account("bob")
CAROL = account("carol")
DAVE = account("dave")
MALLORY = account("mallory")
LOW = account("low243")
"""An address that sorts before the authority's (dydx100... < dydx10d...), as every other named account sorts after it."""

# --- ids, units and outcomes --------------------------------------------------------------

BTC, ETH, SOL = 0, 1, 5
"""The ids of the default genesis's BTC-USD, ETH-USD and SOL-USD perpetuals, markets and clob pairs (GEN-1)."""
ONE_BTC = 10**10
"""1 BTC in base quantums (atomic resolution -10)."""
STEP = 1_000_000
"""The BTC-USD step: 0.0001 BTC."""
CENTI_BTC = 100_000_000
"""0.01 BTC in base quantums."""
RICH = 100_000_000_000
"""$100,000 of USDC."""
DAY = 86_400
"""A day in seconds."""
OK = "ok"
"""The ``expect`` of a step that must be accepted (any other ``expect`` is an error code)."""


def usd(dollars: int | float) -> int:
    """A BTC-USD price in subticks: $1 is 100_000 subticks (one tick)."""
    return round(dollars * 100_000)


# --- order enums --------------------------------------------------------------------------

SHORT_TERM, CONDITIONAL, LONG_TERM = 0, 32, 64
"""Order flags (ORDER-1)."""
BUY, SELL = "SIDE_BUY", "SIDE_SELL"
"""Order sides (ORDER-1)."""
IOC, POST_ONLY, FILL_OR_KILL = "TIME_IN_FORCE_IOC", "TIME_IN_FORCE_POST_ONLY", "TIME_IN_FORCE_FILL_OR_KILL"
"""Times in force (ORDER-1; fill-or-kill is deprecated, ORDER-2)."""
STOP_LOSS, TAKE_PROFIT = "CONDITION_TYPE_STOP_LOSS", "CONDITION_TYPE_TAKE_PROFIT"
"""Condition types of conditional orders (COND-1)."""


# --- genesis builders ---------------------------------------------------------------------


def sub(owner: str, number: Any = 0) -> dict:
    """A subaccount id as message and genesis JSON (SUB-1); ``number`` may be any JSON value, for decoding cases."""
    return {"owner": owner, "number": number}


def subaccount_entry(owner: str, number: int = 0, usdc: int = 0, positions: Iterable[tuple] = ()) -> dict:
    """A genesis subaccount; ``positions`` holds (perpetual id, quantums[, funding index])."""
    return {
        "id": sub(owner, number),
        "assetPositions": [{"assetId": 0, "quantums": str(usdc)}] if usdc else [],
        "perpetualPositions": [
            {"perpetualId": p[0], "quantums": str(p[1]), "fundingIndex": str(p[2] if len(p) > 2 else 0)}
            for p in positions
        ],
    }


def funded(*owners: str, usdc_each: int = RICH, positions: dict[str, Iterable[tuple]] | None = None) -> list[dict]:
    """Genesis subaccounts number 0 of ``owners``, each holding ``usdc_each`` and its ``positions`` (see ``subaccount_entry``)."""
    positions = positions or {}
    return [subaccount_entry(owner, 0, usdc_each, positions.get(owner, ())) for owner in owners]


def subs(*owners: str) -> list[dict]:
    """The subaccount ids number 0 of ``owners``, for a step's ``show``."""
    return [sub(owner) for owner in owners]


GENESIS_FIELDS = {
    "blockHeight": ("blocks", "height"),
    "blockTime": ("blocks", "time"),
    "lastChainOutageAtBlock": ("blocks", "lastChainOutageAtBlock"),
    "negativeTncSubaccountSeenAtBlock": ("subaccounts", "negativeTncSubaccountSeenAtBlock"),
    "insuranceFund": ("bank", "insuranceFund"),
    "feeCollector": ("bank", "feeCollector"),
    "fundingPool": ("bank", "fundingPool"),
    "totalDeposited": ("bank", "totalDeposited"),
    "totalWithdrawn": ("bank", "totalWithdrawn"),
}
"""The fields ``make_genesis`` may set, by the name a scenario gives them, and where they sit (CODEC-1)."""


def make_genesis(subaccounts: Iterable[dict] = (), **fields: Any) -> dict:
    """
    The default genesis (GEN-1) with ``subaccounts``, its open interest left to be derived
    from them (GEN-3), and the named ``fields`` of ``GENESIS_FIELDS`` set.
    """
    genesis = default_genesis_json()
    genesis["subaccounts"]["subaccounts"] = list(subaccounts)
    for perpetual in genesis["perpetuals"]["perpetuals"]:
        del perpetual["openInterest"]
    for name, value in fields.items():
        module, key = GENESIS_FIELDS[name]
        genesis.setdefault(module, {})[key] = value
    return genesis


def perpetual_json(genesis: dict, perpetual_id: int) -> dict:
    """The genesis JSON of one perpetual, to edit in place."""
    return next(p for p in genesis["perpetuals"]["perpetuals"] if p["params"]["id"] == perpetual_id)


def market_price_json(genesis: dict, market_id: int) -> dict:
    """The genesis JSON of one market's price, to edit in place."""
    return next(m for m in genesis["prices"]["marketPrices"] if m["id"] == market_id)


# --- message builders ---------------------------------------------------------------------


def deposit(signer: str, recipient: dict, quantums: Any, sender: str | None = None) -> dict:
    """A MsgDepositToSubaccount of USDC (SUB-11); the sender is the signer unless given."""
    return {
        "@type": DEPOSIT_TYPE,
        "signer": signer,
        "sender": signer if sender is None else sender,
        "recipient": recipient,
        "assetId": 0,
        "quantums": str(quantums) if isinstance(quantums, int) and not isinstance(quantums, bool) else quantums,
    }


def withdraw(signer: str, sender: dict, quantums: Any, recipient: str | None = None) -> dict:
    """A MsgWithdrawFromSubaccount of USDC (SUB-12); the recipient is the sender's owner unless given."""
    return {
        "@type": WITHDRAW_TYPE,
        "signer": signer,
        "sender": sender,
        "recipient": sender["owner"] if recipient is None else recipient,
        "assetId": 0,
        "quantums": str(quantums) if isinstance(quantums, int) and not isinstance(quantums, bool) else quantums,
    }


def transfer(signer: str, sender: dict, recipient: dict, amount: Any) -> dict:
    """A MsgCreateTransfer of USDC between two subaccounts (SUB-13)."""
    return {
        "@type": TRANSFER_TYPE,
        "signer": signer,
        "transfer": {
            "sender": sender,
            "recipient": recipient,
            "assetId": 0,
            "amount": str(amount) if isinstance(amount, int) else amount,
        },
    }


def update_prices(
    signer: str, markets: Iterable[tuple[int, Iterable[tuple[str, Any, Any]]]], proposed: dict[int, Any] | None = None
) -> dict:
    """
    A MsgUpdateMarketPrices (PRICE-6); ``markets``: (market id, [(source, price, timestamp), ...]);
    ``proposed``: a proposed price by market id (PRICE-9).
    """
    message: dict[str, Any] = {
        "@type": UPDATE_PRICES_TYPE,
        "signer": signer,
        "marketUpdates": [
            {
                "marketId": market_id,
                "sourcePrices": [
                    {
                        "source": name,
                        "price": str(price) if isinstance(price, int) else price,
                        "timestamp": str(ts) if isinstance(ts, int) else ts,
                    }
                    for name, price, ts in sources
                ],
            }
            for market_id, sources in markets
        ],
    }
    for update in message["marketUpdates"]:
        if proposed and update["marketId"] in proposed:
            value = proposed[update["marketId"]]
            update["proposedPrice"] = str(value) if isinstance(value, int) else value
    return message


def prices(market_id: int, price: int, time: int) -> dict:
    """An oracle update of one market from three sources; the median is the middle one (PRICE-4)."""
    return update_prices(
        AUTHORITY, [(market_id, [("a", price - 1_000_000, time), ("b", price, time), ("c", price + 2_000_000, time)])]
    )


def advance_block(signer: str, height: Any, time: Any) -> dict:
    """A block message at ``height`` and unix ``time`` (BLOCK-1)."""
    return {
        "@type": ADVANCE_BLOCK_TYPE,
        "signer": signer,
        "height": height,
        "time": str(time) if isinstance(time, int) else time,
    }


# --- order builders -----------------------------------------------------------------------


def order_id(owner: str, client_id: Any, flags: Any = SHORT_TERM, clob: Any = BTC, number: Any = 0) -> dict:
    """An order id as JSON (ORDER-1): subaccount, client id, order flags and clob pair."""
    return {"subaccountId": sub(owner, number), "clientId": client_id, "orderFlags": flags, "clobPairId": clob}


def order(
    owner: str,
    client_id: Any,
    side: Any,
    quantums: Any,
    subticks: Any,
    *,
    flags: Any = SHORT_TERM,
    clob: Any = BTC,
    number: Any = 0,
    gtb: Any = None,
    gtbt: Any = None,
    tif: Any = None,
    reduce_only: Any = None,
    condition: Any = None,
    trigger: Any = None,
    **extra: Any,
) -> dict:
    """An order in the protos' camelCase JSON; optional fields are written only when given (ORDER-1)."""
    body: dict = {
        "orderId": order_id(owner, client_id, flags, clob, number),
        "side": side,
        "quantums": str(quantums) if isinstance(quantums, int) and not isinstance(quantums, bool) else quantums,
        "subticks": str(subticks) if isinstance(subticks, int) and not isinstance(subticks, bool) else subticks,
    }
    for key, value in (
        ("goodTilBlock", gtb),
        ("goodTilBlockTime", gtbt),
        ("timeInForce", tif),
        ("reduceOnly", reduce_only),
        ("conditionType", condition),
        ("conditionalOrderTriggerSubticks", str(trigger) if isinstance(trigger, int) else trigger),
    ):
        if value is not None:
            body[key] = value
    body.update(extra)
    return body


def place(signer: str, body: Any) -> dict:
    """A MsgPlaceOrder of ``body`` (see ``order``)."""
    return {"@type": PLACE_ORDER_TYPE, "signer": signer, "order": body}


def cancel(signer: str, oid: dict, gtb: Any = None, gtbt: Any = None) -> dict:
    """A MsgCancelOrder of ``oid``, good til a block or a block time when given (ORDER-7, ORDER-8)."""
    message: dict = {"@type": CANCEL_ORDER_TYPE, "signer": signer, "orderId": oid}
    if gtb is not None:
        message["goodTilBlock"] = gtb
    if gtbt is not None:
        message["goodTilBlockTime"] = gtbt
    return message


def update_clob_pair(
    authority: str,
    pair_id: int,
    perpetual_id: int,
    status: str,
    step: Any = 1_000_000,
    subticks_per_tick: Any = 100_000,
    quantum_conversion_exponent: Any = -9,
) -> dict:
    """A MsgUpdateClobPair of one pair (CLOB-4); the defaults are the default genesis's BTC-USD pair."""
    return {
        "@type": UPDATE_CLOB_PAIR_TYPE,
        "authority": authority,
        "clobPair": {
            "id": pair_id,
            "perpetualClobMetadata": {"perpetualId": perpetual_id},
            "stepBaseQuantums": str(step) if isinstance(step, int) else step,
            "subticksPerTick": subticks_per_tick,
            "quantumConversionExponent": quantum_conversion_exponent,
            "status": status,
        },
    }


# --- the recorder -------------------------------------------------------------------------


class Scenario:
    """A genesis and the steps applied to it, recorded from the reference."""

    def __init__(self, name: str, description: str, rules: Iterable[str], claims: Iterable[str], genesis: dict) -> None:
        self.name = name
        self.description = description
        self.rules = list(rules)
        self.claims = list(claims)
        self.state = load_genesis(copy.deepcopy(genesis))
        self.genesis = encode_state(self.state)
        self.genesis_hash = state_hash(self.state)
        self.steps: list[dict] = []

    @property
    def height(self) -> int:
        """The block height of the current state."""
        return self.state.blocks.height

    @property
    def time(self) -> int:
        """The block time of the current state."""
        return self.state.blocks.time

    def next_block(self, seconds: int = 1) -> dict:
        """The authority's next block, ``seconds`` after the current one."""
        return advance_block(AUTHORITY, self.height + 1, self.time + seconds)

    def step(
        self, description: str, message: Any, expect: str, rules: Iterable[str] = (), show: Iterable[dict] | None = None
    ) -> list[dict]:
        """
        Apply ``message``, assert it ends as ``expect`` (``OK`` or an error code), and record the
        step; the events of an accepted message (none for a rejected one).
        """
        before = full_state_bytes(self.state)
        outcome = apply_json(self.state, copy.deepcopy(message))
        error = outcome.error
        if expect == OK:
            if error is not None:
                raise AssertionError(
                    f"{self.name} step {len(self.steps)} ({description}): expected acceptance, got {error.code}: {error.message}"
                )
            events = outcome.events or []
            expected: dict = {"events": events}
        else:
            if error is None:
                raise AssertionError(
                    f"{self.name} step {len(self.steps)} ({description}): expected {expect}, got events {outcome.events}"
                )
            if error.code != expect:
                raise AssertionError(
                    f"{self.name} step {len(self.steps)} ({description}): expected {expect}, got {error.code}: {error.message}"
                )
            if full_state_bytes(self.state) != before:
                raise AssertionError(
                    f"{self.name} step {len(self.steps)}: TX-2 violated, a rejection changed the state"
                )
            expected = {"error": {"code": error.code}}
            events = []
        shown = (
            [SubaccountId(s["owner"], s["number"]) for s in show] if show is not None else touched_subaccounts(message)
        )
        step = {
            "description": description,
            "message": message,
            "expected": expected,
            "stateHash": state_hash(self.state),
            "subaccounts": [encode_subaccount(get_subaccount(self.state, sid)) for sid in shown],
        }
        if rules:
            step["rules"] = list(rules)
        self.steps.append(step)
        return events

    def risk(self, owner: str, number: int = 0) -> Risk:
        """A subaccount's NC, IMR and MMR in the current state (MARGIN-5)."""
        return state_risk(self.state, owner, number)

    def document(self) -> dict:
        """The vector document of the scenario (conformance/FORMAT.md §6)."""
        return {
            "suite": "ledger",
            "name": self.name,
            "description": self.description,
            "rules": self.rules,
            "claims": self.claims,
            "genesis": self.genesis,
            "genesisStateHash": self.genesis_hash,
            "steps": self.steps,
        }


def touched_subaccounts(message: Any) -> list[SubaccountId]:
    """The subaccounts a message may change, none if it does not decode: the ones a step shows by default."""
    try:
        decoded = decode_message(copy.deepcopy(message))
    except errors.ProtocolError:
        return []
    return get_touched_subaccounts(decoded)


def state_risk(state: State, owner: str, number: int = 0) -> Risk:
    """A subaccount's NC, IMR and MMR in ``state`` (MARGIN-5)."""
    return get_subaccount_risk(state, get_subaccount(state, SubaccountId(owner, number)))


def genesis_risk(genesis: dict, owner: str, number: int = 0) -> Risk:
    """A subaccount's NC, IMR and MMR in ``genesis``, decoded as a scenario's genesis is (GEN-2, MARGIN-5)."""
    return state_risk(load_genesis(copy.deepcopy(genesis)), owner, number)


# --- reading events and state -------------------------------------------------------------


def fills(events: list[dict]) -> list[tuple[str, int, int, int, int, int]]:
    """(maker owner, fill quantums, subticks, quote, taker fee, maker fee) of each OrderFill event."""
    return [
        (
            e["makerOrderId"]["subaccountId"]["owner"],
            int(e["fillQuantums"]),
            int(e["subticks"]),
            int(e["quoteQuantums"]),
            int(e["takerFee"]),
            int(e["makerFee"]),
        )
        for e in events or []
        if e["type"] == "OrderFill"
    ]


def removals(events: list[dict]) -> list[tuple[str, int, str]]:
    """(owner, client id, reason) of each OrderRemoved event."""
    return [
        (e["orderId"]["subaccountId"]["owner"], e["orderId"]["clientId"], e["reason"])
        for e in events or []
        if e["type"] == "OrderRemoved"
    ]


def on_book(events: list[dict]) -> list[tuple[str, int, int]]:
    """(owner, client id, remaining quantums) of each OrderOnBook event."""
    return [
        (e["orderId"]["subaccountId"]["owner"], e["orderId"]["clientId"], int(e["remainingQuantums"]))
        for e in events or []
        if e["type"] == "OrderOnBook"
    ]


def types(events: list[dict]) -> list[str]:
    """The type of each event."""
    return [e["type"] for e in events or []]


def usdc(s: Scenario, owner: str, number: int = 0) -> int:
    """A subaccount's USDC balance, 0 if it is absent (SUB-3)."""
    subaccount = s.state.subaccounts.subaccounts.get(SubaccountId(owner, number))
    return subaccount.usdc_balance if subaccount is not None else 0


def position(s: Scenario, owner: str, perpetual_id: int = BTC, number: int = 0) -> int:
    """A subaccount's position size in base quantums, 0 if it holds none."""
    subaccount = s.state.subaccounts.subaccounts.get(SubaccountId(owner, number))
    held = subaccount.positions.get(perpetual_id) if subaccount is not None else None
    return held.quantums if held is not None else 0


def filled(s: Scenario, owner: str, client_id: int, flags: int = SHORT_TERM, clob: int = BTC) -> int:
    """The filled amount recorded for an order id, 0 if none (ORDER-11)."""
    return s.state.clob.fill_amounts.get(OrderId(SubaccountId(owner, 0), client_id, flags, clob), 0)


def open_interest(s: Scenario, perpetual_id: int = BTC) -> int:
    """A perpetual's open interest in base quantums (SUB-6)."""
    return s.state.perpetuals.perpetuals[perpetual_id].open_interest


def prunable_at(s: Scenario, owner: str, client_id: int, flags: int = SHORT_TERM, clob: int = BTC) -> int | None:
    """``prunableAtBlock`` of an order id's filled amount in the state JSON (CLOB-3), None if it has none."""
    wanted = order_id(owner, client_id, flags, clob)
    for entry in encode_state(s.state)["clob"]["fillAmounts"]:
        if entry["orderId"] == wanted:
            return entry["prunableAtBlock"]
    return None


__all__ = [
    "ALICE",
    "AUTHORITY",
    "BOB",
    "BTC",
    "BUY",
    "CAROL",
    "CENTI_BTC",
    "CONDITIONAL",
    "DAVE",
    "DAY",
    "ETH",
    "FILL_OR_KILL",
    "IOC",
    "LONG_TERM",
    "LOW",
    "MALLORY",
    "OK",
    "ONE_BTC",
    "POST_ONLY",
    "RICH",
    "SELL",
    "SHORT_TERM",
    "SOL",
    "STEP",
    "STOP_LOSS",
    "TAKE_PROFIT",
    "Scenario",
    "advance_block",
    "cancel",
    "deposit",
    "filled",
    "fills",
    "funded",
    "genesis_risk",
    "make_genesis",
    "market_price_json",
    "on_book",
    "open_interest",
    "order",
    "order_id",
    "perpetual_json",
    "place",
    "position",
    "prices",
    "prunable_at",
    "removals",
    "state_risk",
    "sub",
    "subaccount_entry",
    "subs",
    "touched_subaccounts",
    "transfer",
    "types",
    "update_prices",
    "usd",
    "usdc",
    "withdraw",
]
