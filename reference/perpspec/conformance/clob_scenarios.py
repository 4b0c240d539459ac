"""
Order-book vectors: hand-written scenarios of orders, matching, fees and conditional orders
(spec/clob.md, CLOB-*, ORDER-*, BOOK-*, MATCH-*, FEE-*, COND-*).

Same builder and same file format as ``ledger_scenarios``: each step applies one message,
names the rules it exercises and asserts ``expect`` (accepted, or the error code); the
builder checks that every rejection leaves the state unchanged (TX-2).  The scenarios join
the ledger suite (``SCENARIOS`` below is appended to the ledger scenario list).

Units on the default BTC-USD pair (GEN-1, UNITS-6): atomic resolution -10, quantum
conversion exponent -9, step 1_000_000 base quantums (0.0001 BTC), tick 100_000 subticks.
A fill's quote is ``floor(subticks * quantums / 10^9)`` (MATCH-2), so one subtick is
10^-5 USD per BTC: $30,000 is 3_000_000_000 subticks, $1 is one tick, and 0.01 BTC
(100_000_000 quantums) at $30,000 is 300_000_000 quote quantums ($300).  The oracle's
2_868_819_524 (exponent -5) is 2_868_819_524 subticks ($28,688.19524) (UNITS-7).
The default fee tiers are the chain's standard tiers: tier 1 maker 100 ppm, taker
500 ppm, so that fill pays 150_000 (taker) and 30_000 (maker) (FEE-2).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from perpspec import errors
from perpspec.codec import encode_state, state_hash
from perpspec.conformance.ledger_scenarios import (
    ALICE,
    AUTHORITY,
    BOB,
    BTC,
    CAROL,
    DAVE,
    ETH,
    MALLORY,
    OK,
    ONE_BTC,
    SOL,
    Scenario,
    make_genesis,
    market_price_json,
    sub,
    subaccount_entry,
    update_prices,
    withdraw,
)
from perpspec.default_genesis import GENESIS_TIME
from perpspec.messages import CANCEL_ORDER_TYPE, PLACE_ORDER_TYPE
from perpspec.types import OrderId, SubaccountId
from perpspec.units import UINT32_MAX, UINT64_MAX

SHORT_TERM, CONDITIONAL, LONG_TERM = 0, 32, 64
BUY, SELL = "SIDE_BUY", "SIDE_SELL"
IOC, POST_ONLY, FILL_OR_KILL = "TIME_IN_FORCE_IOC", "TIME_IN_FORCE_POST_ONLY", "TIME_IN_FORCE_FILL_OR_KILL"
STOP_LOSS, TAKE_PROFIT = "CONDITION_TYPE_STOP_LOSS", "CONDITION_TYPE_TAKE_PROFIT"

STEP = 1_000_000
"""The BTC-USD step: 0.0001 BTC."""
CENTI_BTC = 100_000_000
"""0.01 BTC in base quantums."""
RICH = 100_000_000_000
"""$100,000 of USDC."""
DAY = 86_400


def usd(dollars: int | float) -> int:
    """A BTC-USD price in subticks: $1 is 100_000 subticks (one tick)."""
    return round(dollars * 100_000)


# --- JSON builders ------------------------------------------------------------------------


def order_id(owner: str, client_id: Any, flags: Any = SHORT_TERM, clob: Any = BTC, number: Any = 0) -> dict:
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
    return {"@type": PLACE_ORDER_TYPE, "signer": signer, "order": body}


def cancel(signer: str, oid: dict, gtb: Any = None, gtbt: Any = None) -> dict:
    message: dict = {"@type": CANCEL_ORDER_TYPE, "signer": signer, "orderId": oid}
    if gtb is not None:
        message["goodTilBlock"] = gtb
    if gtbt is not None:
        message["goodTilBlockTime"] = gtbt
    return message


def prices(market_id: int, price: int, time: int) -> dict:
    """An oracle update of one market from three sources; the median is the middle one (PRICE-4)."""
    return update_prices(
        AUTHORITY, [(market_id, [("a", price - 1_000_000, time), ("b", price, time), ("c", price + 2_000_000, time)])]
    )


# --- reading events and state -----------------------------------------------------------------


def fills(events: list[dict] | None) -> list[tuple[str, int, int, int, int, int]]:
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


def removals(events: list[dict] | None) -> list[tuple[str, int, str]]:
    """(owner, client id, reason) of each OrderRemoved event."""
    return [
        (e["orderId"]["subaccountId"]["owner"], e["orderId"]["clientId"], e["reason"])
        for e in events or []
        if e["type"] == "OrderRemoved"
    ]


def on_book(events: list[dict] | None) -> list[tuple[str, int, int]]:
    """(owner, client id, remaining quantums) of each OrderOnBook event."""
    return [
        (e["orderId"]["subaccountId"]["owner"], e["orderId"]["clientId"], int(e["remainingQuantums"]))
        for e in events or []
        if e["type"] == "OrderOnBook"
    ]


def types(events: list[dict] | None) -> list[str]:
    return [e["type"] for e in events or []]


def usdc(s: Scenario, owner: str, number: int = 0) -> int:
    subaccount = s.state.subaccounts.get(SubaccountId(owner, number))
    return subaccount.usdc_balance if subaccount is not None else 0


def position(s: Scenario, owner: str, perpetual_id: int = BTC, number: int = 0) -> int:
    subaccount = s.state.subaccounts.get(SubaccountId(owner, number))
    held = subaccount.positions.get(perpetual_id) if subaccount is not None else None
    return held.quantums if held is not None else 0


def filled(s: Scenario, owner: str, client_id: int, flags: int = SHORT_TERM, clob: int = BTC) -> int:
    """The filled amount recorded for an order id, 0 if none (ORDER-11)."""
    return s.state.clob.fill_amounts.get(OrderId(SubaccountId(owner, 0), client_id, flags, clob), 0)


def open_interest(s: Scenario, perpetual_id: int = BTC) -> int:
    return s.state.perpetuals[perpetual_id].open_interest


def funded(*owners: str, usdc_each: int = RICH, positions: dict[str, Iterable[tuple]] | None = None) -> list[dict]:
    positions = positions or {}
    return [subaccount_entry(owner, 0, usdc_each, positions.get(owner, ())) for owner in owners]


def subs(*owners: str) -> list[dict]:
    return [sub(owner) for owner in owners]


# --- the scenarios --------------------------------------------------------------------------


def order_decoding() -> Scenario:
    s = Scenario(
        "order-decoding",
        "Stateless validation of MsgPlaceOrder and MsgCancelOrder: every ORDER-2 error code, the order in which they are checked, and the shape errors of the order JSON; nothing changes on any of them.",
        ["ORDER-1", "ORDER-2", "ORDER-7", "ORDER-8", "TX-5", "TX-2"],
        ["ATOM-1", "DET-1"],
        make_genesis(funded(ALICE)),
    )
    h, t = s.height, s.time
    E = errors
    good = order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), gtb=h + 5)
    long_term = dict(flags=LONG_TERM, gtbt=t + 60)
    conditional = dict(flags=CONDITIONAL, gtbt=t + 60, condition=STOP_LOSS, trigger=usd(25_000))
    cases: list[tuple[str, Any, str, list[str]]] = [
        # ORDER-2, in ValidateBasic's order
        (
            "fill-or-kill is deprecated",
            place(ALICE, {**good, "timeInForce": FILL_OR_KILL}),
            E.DeprecatedField.code,
            ["ORDER-2"],
        ),
        (
            "fill-or-kill by number (3)",
            place(ALICE, {**good, "timeInForce": 3}),
            E.DeprecatedField.code,
            ["ORDER-2", "TX-5"],
        ),
        (
            "fill-or-kill is checked first: also an unspecified side and zero quantums",
            place(ALICE, {**good, "timeInForce": FILL_OR_KILL, "side": "SIDE_UNSPECIFIED", "quantums": "0"}),
            E.DeprecatedField.code,
            ["ORDER-2"],
        ),
        (
            "stateless checks come before the signer: MALLORY's fill-or-kill for ALICE",
            place(MALLORY, {**good, "timeInForce": FILL_OR_KILL}),
            E.DeprecatedField.code,
            ["ORDER-2", "ORDER-5"],
        ),
        (
            "an unspecified side",
            place(ALICE, {**good, "side": "SIDE_UNSPECIFIED"}),
            E.InvalidOrderSide.code,
            ["ORDER-2"],
        ),
        ("side 0 by number", place(ALICE, {**good, "side": 0}), E.InvalidOrderSide.code, ["ORDER-2", "TX-5"]),
        ("an unknown side number (3)", place(ALICE, {**good, "side": 3}), E.InvalidOrderSide.code, ["ORDER-2"]),
        ("an unknown side name", place(ALICE, {**good, "side": "SIDE_LONG"}), E.InvalidOrderSide.code, ["ORDER-2"]),
        (
            "an unknown time in force name",
            place(ALICE, {**good, "timeInForce": "TIME_IN_FORCE_GTC"}),
            E.InvalidTimeInForce.code,
            ["ORDER-2"],
        ),
        (
            "an unknown time in force number (4)",
            place(ALICE, {**good, "timeInForce": 4}),
            E.InvalidTimeInForce.code,
            ["ORDER-2"],
        ),
        (
            "an unknown condition type (3)",
            place(ALICE, {**good, "conditionType": 3}),
            E.InvalidConditionType.code,
            ["ORDER-2"],
        ),
        ("zero quantums", place(ALICE, {**good, "quantums": "0"}), E.InvalidOrderQuantums.code, ["ORDER-2"]),
        (
            "zero quantums and zero subticks: quantums are checked first",
            place(ALICE, {**good, "quantums": "0", "subticks": "0"}),
            E.InvalidOrderQuantums.code,
            ["ORDER-2"],
        ),
        (
            "a short-term order without goodTilBlock",
            place(ALICE, {k: v for k, v in good.items() if k != "goodTilBlock"}),
            E.InvalidOrderGoodTilBlock.code,
            ["ORDER-2"],
        ),
        (
            "a short-term order with goodTilBlock 0",
            place(ALICE, {**good, "goodTilBlock": 0}),
            E.InvalidOrderGoodTilBlock.code,
            ["ORDER-2"],
        ),
        (
            "a short-term order with goodTilBlockTime instead",
            place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), gtbt=t + 60)),
            E.InvalidOrderGoodTilBlock.code,
            ["ORDER-2"],
        ),
        (
            "a long-term order without goodTilBlockTime",
            place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), flags=LONG_TERM)),
            E.InvalidStatefulOrderGoodTilBlockTime.code,
            ["ORDER-2"],
        ),
        (
            "a long-term order with goodTilBlock instead",
            place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), flags=LONG_TERM, gtb=h + 5)),
            E.InvalidStatefulOrderGoodTilBlockTime.code,
            ["ORDER-2"],
        ),
        (
            "a conditional order without goodTilBlockTime",
            place(
                ALICE,
                order(
                    ALICE,
                    1,
                    BUY,
                    CENTI_BTC,
                    usd(20_000),
                    flags=CONDITIONAL,
                    gtb=h + 5,
                    condition=STOP_LOSS,
                    trigger=usd(25_000),
                ),
            ),
            E.InvalidStatefulOrderGoodTilBlockTime.code,
            ["ORDER-2"],
        ),
        (
            "TWAP order flags (128) are not part of perpspec",
            place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), flags=128, gtbt=t + 60)),
            E.InvalidOrderFlag.code,
            ["ORDER-1", "ORDER-2"],
        ),
        (
            "TWAP suborder flags (256)",
            place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), flags=256, gtbt=t + 60)),
            E.InvalidOrderFlag.code,
            ["ORDER-1", "ORDER-2"],
        ),
        (
            "flags 96 (long-term and conditional together)",
            place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), flags=96, gtbt=t + 60)),
            E.InvalidOrderFlag.code,
            ["ORDER-2"],
        ),
        (
            "flags 1",
            place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), flags=1, gtb=h + 5)),
            E.InvalidOrderFlag.code,
            ["ORDER-2"],
        ),
        (
            "unknown flags are checked before zero subticks",
            place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, 0, flags=1, gtb=h + 5)),
            E.InvalidOrderFlag.code,
            ["ORDER-2"],
        ),
        (
            "a long-term IOC order",
            place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), tif=IOC, **long_term)),
            E.LongTermOrdersCannotRequireImmediateExecution.code,
            ["ORDER-2"],
        ),
        (
            "a reduce-only good-til-time order",
            place(ALICE, {**good, "reduceOnly": True}),
            E.ReduceOnlyDisabled.code,
            ["ORDER-2"],
        ),
        (
            "a reduce-only post-only order",
            place(ALICE, {**good, "reduceOnly": True, "timeInForce": POST_ONLY}),
            E.ReduceOnlyDisabled.code,
            ["ORDER-2"],
        ),
        (
            "a reduce-only long-term order",
            place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), reduce_only=True, **long_term)),
            E.ReduceOnlyDisabled.code,
            ["ORDER-2"],
        ),
        (
            "a reduce-only conditional order that is not IOC",
            place(ALICE, order(ALICE, 1, SELL, CENTI_BTC, usd(20_000), reduce_only=True, **conditional)),
            E.ReduceOnlyDisabled.code,
            ["ORDER-2"],
        ),
        (
            "reduce-only is checked before zero subticks",
            place(ALICE, {**good, "reduceOnly": True, "subticks": "0"}),
            E.ReduceOnlyDisabled.code,
            ["ORDER-2"],
        ),
        ("zero subticks", place(ALICE, {**good, "subticks": "0"}), E.InvalidOrderSubticks.code, ["ORDER-2"]),
        (
            "a conditional order without a condition type",
            place(
                ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), flags=CONDITIONAL, gtbt=t + 60, trigger=usd(25_000))
            ),
            E.InvalidConditionType.code,
            ["ORDER-2"],
        ),
        (
            "a conditional order with CONDITION_TYPE_UNSPECIFIED",
            place(
                ALICE,
                order(
                    ALICE, 1, BUY, CENTI_BTC, usd(20_000), **{**conditional, "condition": "CONDITION_TYPE_UNSPECIFIED"}
                ),
            ),
            E.InvalidConditionType.code,
            ["ORDER-2"],
        ),
        (
            "a conditional order without trigger subticks",
            place(
                ALICE,
                order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), flags=CONDITIONAL, gtbt=t + 60, condition=TAKE_PROFIT),
            ),
            E.InvalidConditionalOrderTriggerSubticks.code,
            ["ORDER-2"],
        ),
        (
            "a short-term order with a condition type",
            place(ALICE, {**good, "conditionType": STOP_LOSS}),
            E.InvalidConditionType.code,
            ["ORDER-2"],
        ),
        (
            "a short-term order with trigger subticks",
            place(ALICE, {**good, "conditionalOrderTriggerSubticks": str(usd(25_000))}),
            E.InvalidConditionalOrderTriggerSubticks.code,
            ["ORDER-2"],
        ),
        (
            "a long-term order with trigger subticks",
            place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), trigger=usd(25_000), **long_term)),
            E.InvalidConditionalOrderTriggerSubticks.code,
            ["ORDER-2"],
        ),
        # shapes (TX-5)
        (
            "both goodTilBlock and goodTilBlockTime (a oneof)",
            place(ALICE, {**good, "goodTilBlockTime": t + 60}),
            E.InvalidField.code,
            ["ORDER-2", "TX-5"],
        ),
        (
            "TWAP parameters are not a field of perpspec's order",
            place(ALICE, {**good, "twapParameters": {"duration": 300, "interval": 30}}),
            E.InvalidField.code,
            ["ORDER-1", "TX-5"],
        ),
        (
            "builder code parameters likewise",
            place(ALICE, {**good, "builderCodeParameters": {"builderAddress": BOB, "feePpm": 10}}),
            E.InvalidField.code,
            ["ORDER-1", "TX-5"],
        ),
        (
            "an order router address likewise",
            place(ALICE, {**good, "orderRouterAddress": BOB}),
            E.InvalidField.code,
            ["ORDER-1", "TX-5"],
        ),
        (
            "a missing subticks field",
            place(ALICE, {k: v for k, v in good.items() if k != "subticks"}),
            E.InvalidField.code,
            ["TX-5"],
        ),
        ("quantums 2^64", place(ALICE, {**good, "quantums": str(UINT64_MAX + 1)}), E.InvalidField.code, ["TX-5"]),
        (
            "a clientId beyond uint32",
            place(ALICE, {**good, "orderId": order_id(ALICE, UINT32_MAX + 1)}),
            E.InvalidField.code,
            ["TX-5"],
        ),
        (
            "a goodTilBlock beyond uint32",
            place(ALICE, {**good, "goodTilBlock": UINT32_MAX + 1}),
            E.InvalidField.code,
            ["TX-5"],
        ),
        ("reduceOnly as a string", place(ALICE, {**good, "reduceOnly": "true"}), E.InvalidField.code, ["TX-5"]),
        (
            "a side that is neither a name nor a number",
            place(ALICE, {**good, "side": True}),
            E.InvalidField.code,
            ["TX-5"],
        ),
        ("an unknown field on the message", {**place(ALICE, good), "memo": "hi"}, E.InvalidField.code, ["TX-5"]),
        ("an order that is not an object", place(ALICE, [good]), E.MalformedMessage.code, ["TX-5"]),
        ("an order id that is not an object", place(ALICE, {**good, "orderId": 1}), E.MalformedMessage.code, ["TX-5"]),
        (
            "a subaccount number 128 in the order id",
            place(ALICE, {**good, "orderId": order_id(ALICE, 1, number=128)}),
            E.InvalidSubaccountId.code,
            ["SUB-1"],
        ),
        ("a signer that is not an address", place("alice", good), E.InvalidAddress.code, ["TX-5"]),
        # cancels (MsgCancelOrder.ValidateBasic)
        (
            "a short-term cancel without goodTilBlock",
            cancel(ALICE, order_id(ALICE, 1)),
            E.InvalidOrderGoodTilBlock.code,
            ["ORDER-7"],
        ),
        (
            "a short-term cancel with goodTilBlockTime instead",
            cancel(ALICE, order_id(ALICE, 1), gtbt=t + 60),
            E.InvalidOrderGoodTilBlock.code,
            ["ORDER-7"],
        ),
        (
            "a stateful cancel without goodTilBlockTime",
            cancel(ALICE, order_id(ALICE, 1, LONG_TERM), gtb=h + 5),
            E.InvalidStatefulOrderGoodTilBlockTime.code,
            ["ORDER-8"],
        ),
        (
            "a conditional cancel without goodTilBlockTime",
            cancel(ALICE, order_id(ALICE, 1, CONDITIONAL)),
            E.InvalidStatefulOrderGoodTilBlockTime.code,
            ["ORDER-8"],
        ),
        (
            "a cancel with TWAP flags",
            cancel(ALICE, order_id(ALICE, 1, 128), gtbt=t + 60),
            E.InvalidOrderFlag.code,
            ["ORDER-2"],
        ),
        (
            "a cancel with both good-til fields",
            cancel(ALICE, order_id(ALICE, 1), gtb=h + 5, gtbt=t + 60),
            E.InvalidField.code,
            ["TX-5"],
        ),
        (
            "a cancel with an unknown field",
            {**cancel(ALICE, order_id(ALICE, 1), gtb=h + 5), "order": good},
            E.InvalidField.code,
            ["TX-5"],
        ),
    ]
    for description, message, code, rules in cases:
        s.step(description, message, code, rules, show=[sub(ALICE)])
    events = s.step(
        "enums by number (side 1, post-only 2), integers as JSON numbers, clientMetadata: accepted and resting",
        place(
            ALICE,
            {**good, "side": 1, "timeInForce": 2, "quantums": CENTI_BTC, "subticks": usd(20_000), "clientMetadata": 7},
        ),
        OK,
        ["ORDER-1", "TX-5", "MATCH-7"],
    )
    assert types(events) == ["OrderPlaced", "OrderOnBook"]
    # The canonical order JSON in the event writes enums by name and uint64 as strings (ORDER-1)
    assert events[0]["order"]["side"] == BUY and events[0]["order"]["timeInForce"] == POST_ONLY
    assert events[0]["order"]["quantums"] == str(CENTI_BTC) and events[0]["order"]["clientMetadata"] == 7
    return s


def order_stateful_validation() -> Scenario:
    genesis = make_genesis(funded(ALICE, BOB))
    market_price_json(genesis, SOL)["price"] = "0"
    s = Scenario(
        "order-stateful-validation",
        "Stateful validation of orders and cancels: the signer, an unknown clob pair, step and tick multiples, the short-term and stateful expiry windows at their boundaries, and a market without a price; in the order ORDER-3 checks them.",
        ["ORDER-3", "ORDER-4", "ORDER-5", "ORDER-7", "ORDER-8", "PRICE-7", "TX-2"],
        ["ATOM-1"],
        genesis,
    )
    E = errors
    s.step("block 2", s.next_block(), OK)
    s.step("block 3", s.next_block(), OK)
    h, t = s.height, s.time
    window = 95 * DAY
    bid = dict(gtb=h + 10)
    # ORDER-5: the signer is the subaccount's owner
    s.step(
        "MALLORY places an order for ALICE's subaccount",
        place(MALLORY, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), **bid)),
        E.Unauthorized.code,
        ["ORDER-5"],
    )
    s.step(
        "the authority cannot place for ALICE either",
        place(AUTHORITY, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), **bid)),
        E.Unauthorized.code,
        ["ORDER-5"],
    )
    s.step(
        "the signer is checked before the clob pair",
        place(MALLORY, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), clob=7, **bid)),
        E.Unauthorized.code,
        ["ORDER-5", "ORDER-3"],
    )
    s.step(
        "MALLORY cancels ALICE's short-term order id",
        cancel(MALLORY, order_id(ALICE, 1), gtb=h + 10),
        E.Unauthorized.code,
        ["ORDER-5"],
    )
    s.step(
        "MALLORY cancels ALICE's long-term order id",
        cancel(MALLORY, order_id(ALICE, 1, LONG_TERM), gtbt=t + 60),
        E.Unauthorized.code,
        ["ORDER-5"],
    )
    # ORDER-3: the clob pair, step and tick
    s.step(
        "clob pair 2 does not exist",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), clob=2, **bid)),
        E.InvalidClob.code,
        ["ORDER-3"],
    )
    s.step(
        "a cancel on clob pair 2",
        cancel(ALICE, order_id(ALICE, 1, clob=2), gtb=h + 10),
        E.InvalidClob.code,
        ["ORDER-3"],
    )
    s.step(
        "a stateful cancel on clob pair 7",
        cancel(ALICE, order_id(ALICE, 1, LONG_TERM, clob=7), gtbt=t + 60),
        E.InvalidClob.code,
        ["ORDER-3"],
    )
    s.step(
        "quantums 1_500_000 are not a multiple of the step 1_000_000",
        place(ALICE, order(ALICE, 1, BUY, 1_500_000, usd(20_000), **bid)),
        E.InvalidPlaceOrder.code,
        ["ORDER-3"],
    )
    s.step(
        "quantums below one step",
        place(ALICE, order(ALICE, 1, BUY, STEP - 1, usd(20_000), **bid)),
        E.InvalidPlaceOrder.code,
        ["ORDER-3"],
    )
    s.step(
        "subticks 2_000_050_000 are not a multiple of the tick 100_000",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000) + 50_000, **bid)),
        E.InvalidPlaceOrder.code,
        ["ORDER-3"],
    )
    s.step(
        "trigger subticks off the tick",
        place(
            ALICE,
            order(
                ALICE,
                1,
                SELL,
                CENTI_BTC,
                usd(20_000),
                flags=CONDITIONAL,
                gtbt=t + 60,
                condition=STOP_LOSS,
                trigger=usd(25_000) + 1,
            ),
        ),
        E.InvalidPlaceOrder.code,
        ["ORDER-3"],
    )
    s.step(
        "step is checked before the window: bad size and goodTilBlock below the height",
        place(ALICE, order(ALICE, 1, BUY, 1_500_000, usd(20_000), gtb=h - 1)),
        E.InvalidPlaceOrder.code,
        ["ORDER-3", "ORDER-4"],
    )
    # ORDER-4: windows, height <= goodTilBlock <= height + 40 and blockTime < goodTilBlockTime <= blockTime + 95 days
    s.step(
        "goodTilBlock one below the height",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), gtb=h - 1)),
        E.HeightExceedsGoodTilBlock.code,
        ["ORDER-4"],
    )
    s.step(
        "goodTilBlock at height + 41",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), gtb=h + 41)),
        E.GoodTilBlockExceedsShortBlockWindow.code,
        ["ORDER-4"],
    )
    events = s.step(
        "goodTilBlock at the height itself: accepted, rests",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), gtb=h)),
        OK,
        ["ORDER-4", "MATCH-7"],
    )
    assert on_book(events) == [(ALICE, 1, CENTI_BTC)]
    s.step(
        "goodTilBlock at height + 40: accepted",
        place(ALICE, order(ALICE, 2, BUY, CENTI_BTC, usd(20_000), gtb=h + 40)),
        OK,
        ["ORDER-4"],
    )
    s.step(
        "goodTilBlockTime equal to the block time",
        place(ALICE, order(ALICE, 3, BUY, CENTI_BTC, usd(20_000), flags=LONG_TERM, gtbt=t)),
        E.TimeExceedsGoodTilBlockTime.code,
        ["ORDER-4"],
    )
    s.step(
        "goodTilBlockTime before the block time",
        place(ALICE, order(ALICE, 3, BUY, CENTI_BTC, usd(20_000), flags=LONG_TERM, gtbt=t - 1)),
        E.TimeExceedsGoodTilBlockTime.code,
        ["ORDER-4"],
    )
    s.step(
        "goodTilBlockTime 95 days and 1 second ahead",
        place(ALICE, order(ALICE, 3, BUY, CENTI_BTC, usd(20_000), flags=LONG_TERM, gtbt=t + window + 1)),
        E.GoodTilBlockTimeExceedsStatefulOrderTimeWindow.code,
        ["ORDER-4"],
    )
    s.step(
        "a conditional order 95 days and 1 second ahead",
        place(
            ALICE,
            order(
                ALICE,
                3,
                SELL,
                CENTI_BTC,
                usd(20_000),
                flags=CONDITIONAL,
                gtbt=t + window + 1,
                condition=STOP_LOSS,
                trigger=usd(25_000),
            ),
        ),
        E.GoodTilBlockTimeExceedsStatefulOrderTimeWindow.code,
        ["ORDER-4"],
    )
    s.step(
        "goodTilBlockTime one second ahead: accepted",
        place(ALICE, order(ALICE, 3, BUY, CENTI_BTC, usd(20_000), flags=LONG_TERM, gtbt=t + 1)),
        OK,
        ["ORDER-4"],
    )
    s.step(
        "goodTilBlockTime exactly 95 days ahead: accepted",
        place(ALICE, order(ALICE, 4, BUY, CENTI_BTC, usd(20_000), flags=LONG_TERM, gtbt=t + window)),
        OK,
        ["ORDER-4"],
    )
    # the windows of cancels
    s.step(
        "a short-term cancel below the height",
        cancel(ALICE, order_id(ALICE, 9), gtb=h - 1),
        E.HeightExceedsGoodTilBlock.code,
        ["ORDER-4", "ORDER-7"],
    )
    s.step(
        "a short-term cancel beyond the window",
        cancel(ALICE, order_id(ALICE, 9), gtb=h + 41),
        E.GoodTilBlockExceedsShortBlockWindow.code,
        ["ORDER-4", "ORDER-7"],
    )
    s.step(
        "a stateful cancel at the block time",
        cancel(ALICE, order_id(ALICE, 3, LONG_TERM), gtbt=t),
        E.TimeExceedsGoodTilBlockTime.code,
        ["ORDER-4", "ORDER-8"],
    )
    s.step(
        "a stateful cancel beyond 95 days",
        cancel(ALICE, order_id(ALICE, 3, LONG_TERM), gtbt=t + window + 1),
        E.GoodTilBlockTimeExceedsStatefulOrderTimeWindow.code,
        ["ORDER-4", "ORDER-8"],
    )
    # PRICE-7: SOL-USD has no oracle price in this genesis
    sol_price = 2_000_000_000  # $20 on SOL-USD (UNITS-7 with exponents -8, -7, -9): a multiple of its tick 1_000_000
    s.step(
        "an order on SOL-USD, whose market has no price yet",
        place(BOB, order(BOB, 1, BUY, 1_000_000, sol_price, clob=SOL, gtb=h + 5)),
        E.PositionNotUpdatable.code,
        ["ORDER-3", "PRICE-7"],
    )
    s.step(
        "the window is checked before the price",
        place(BOB, order(BOB, 1, BUY, 1_000_000, sol_price, clob=SOL, gtb=h + 41)),
        E.GoodTilBlockExceedsShortBlockWindow.code,
        ["ORDER-3", "ORDER-4"],
    )
    s.step(
        "a cancel on SOL-USD is accepted (nothing to trade)",
        cancel(BOB, order_id(BOB, 1, clob=SOL), gtb=h + 5),
        OK,
        ["ORDER-7"],
    )
    s.step("the next block: ALICE's order good til block 3 expires", s.next_block(), OK, ["ORDER-9"], show=[sub(ALICE)])
    return s


def clob_pair_status() -> Scenario:
    genesis = make_genesis(funded(ALICE, BOB))
    for pair in genesis["clobPairs"]:
        if pair["id"] == ETH:
            pair["status"] = "STATUS_INITIALIZING"
        if pair["id"] == SOL:
            pair["status"] = "STATUS_FINAL_SETTLEMENT"
    # ETH-USD: oracle 1_811_985_252 (exponent -6) is 1_811_985_252 subticks ($1,811.985252);
    # tick 100_000 subticks ($0.10), step 1_000_000 quantums (0.001 ETH).
    # SOL-USD: oracle 2_350_695_125 (exponent -8) is 2_350_695_125 subticks; tick 1_000_000.
    s = Scenario(
        "clob-pair-status",
        "An INITIALIZING pair takes only short-term post-only orders; a FINAL_SETTLEMENT pair takes none; cancels are accepted in every status.",
        ["CLOB-1", "CLOB-2", "ORDER-3", "ORDER-7", "ORDER-8"],
        ["ATOM-1"],
        genesis,
    )
    E = errors
    h, t = s.height, s.time
    eth_bid, eth_ask = 1_800_000_000, 1_850_000_000  # $1,800 and $1,850, on either side of the oracle
    tenth_eth = 100_000_000
    events = s.step(
        "INITIALIZING ETH-USD: a short-term post-only bid below the oracle price rests",
        place(ALICE, order(ALICE, 1, BUY, tenth_eth, eth_bid, clob=ETH, gtb=h + 10, tif=POST_ONLY)),
        OK,
        ["CLOB-2", "MATCH-5"],
    )
    assert on_book(events) == [(ALICE, 1, tenth_eth)]
    events = s.step(
        "a short-term post-only ask above the oracle price rests",
        place(BOB, order(BOB, 1, SELL, tenth_eth, eth_ask, clob=ETH, gtb=h + 10, tif=POST_ONLY)),
        OK,
        ["CLOB-2"],
    )
    assert on_book(events) == [(BOB, 1, tenth_eth)]
    s.step(
        "a short-term good-til-time order is rejected",
        place(ALICE, order(ALICE, 2, BUY, tenth_eth, eth_bid, clob=ETH, gtb=h + 10)),
        E.OrderConflictsWithClobPairStatus.code,
        ["CLOB-2"],
    )
    s.step(
        "a short-term IOC order is rejected",
        place(ALICE, order(ALICE, 2, BUY, tenth_eth, eth_ask, clob=ETH, gtb=h + 10, tif=IOC)),
        E.OrderConflictsWithClobPairStatus.code,
        ["CLOB-2"],
    )
    s.step(
        "a long-term post-only order is rejected",
        place(ALICE, order(ALICE, 2, BUY, tenth_eth, eth_bid, clob=ETH, flags=LONG_TERM, gtbt=t + 60, tif=POST_ONLY)),
        E.OrderConflictsWithClobPairStatus.code,
        ["CLOB-2"],
    )
    s.step(
        "a conditional post-only order is rejected",
        place(
            ALICE,
            order(
                ALICE,
                2,
                BUY,
                tenth_eth,
                eth_bid,
                clob=ETH,
                flags=CONDITIONAL,
                gtbt=t + 60,
                tif=POST_ONLY,
                condition=TAKE_PROFIT,
                trigger=eth_bid,
            ),
        ),
        E.OrderConflictsWithClobPairStatus.code,
        ["CLOB-2"],
    )
    s.step(
        "the step is checked before the status",
        place(ALICE, order(ALICE, 2, BUY, tenth_eth + 1, eth_bid, clob=ETH, gtb=h + 10)),
        E.InvalidPlaceOrder.code,
        ["ORDER-3"],
    )
    s.step(
        "the status is checked before the window",
        place(ALICE, order(ALICE, 2, BUY, tenth_eth, eth_bid, clob=ETH, gtb=h + 41)),
        E.OrderConflictsWithClobPairStatus.code,
        ["ORDER-3", "CLOB-2"],
    )
    sol = 2_000_000_000  # $20 on SOL-USD, a multiple of its tick
    s.step(
        "FINAL_SETTLEMENT SOL-USD: a short-term post-only order is rejected",
        place(ALICE, order(ALICE, 1, BUY, STEP, sol, clob=SOL, gtb=h + 10, tif=POST_ONLY)),
        E.OrderConflictsWithClobPairStatus.code,
        ["CLOB-2"],
    )
    s.step(
        "a good-til-time order likewise",
        place(ALICE, order(ALICE, 1, BUY, STEP, sol, clob=SOL, gtb=h + 10)),
        E.OrderConflictsWithClobPairStatus.code,
        ["CLOB-2"],
    )
    s.step(
        "a long-term order likewise",
        place(ALICE, order(ALICE, 1, BUY, STEP, sol, clob=SOL, flags=LONG_TERM, gtbt=t + 60)),
        E.OrderConflictsWithClobPairStatus.code,
        ["CLOB-2"],
    )
    events = s.step(
        "a short-term cancel on the INITIALIZING pair removes ALICE's bid",
        cancel(ALICE, order_id(ALICE, 1, clob=ETH), gtb=h + 10),
        OK,
        ["CLOB-2", "ORDER-7"],
    )
    assert removals(events) == [(ALICE, 1, "CANCELED")]
    s.step(
        "a short-term cancel on the FINAL_SETTLEMENT pair is accepted and recorded",
        cancel(ALICE, order_id(ALICE, 1, clob=SOL), gtb=h + 10),
        OK,
        ["CLOB-2", "ORDER-7"],
    )
    s.step(
        "a stateful cancel there finds no order: not a status error",
        cancel(ALICE, order_id(ALICE, 1, LONG_TERM, clob=SOL), gtbt=t + 60),
        E.StatefulOrderDoesNotExist.code,
        ["CLOB-2", "ORDER-8"],
    )
    s.step(
        "ACTIVE BTC-USD takes a good-til-time order",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(20_000), gtb=h + 10)),
        OK,
        ["CLOB-2"],
    )
    return s


def limit_orders() -> Scenario:
    s = Scenario(
        "limit-order-matching",
        "Limit orders rest in price-time priority; a taker fills several makers across price levels, oldest first within a level, each at the maker's price; partial fills of taker and maker; fees at the standard tier 1 rates; the fee collector and open interest follow every fill.",
        [
            "BOOK-1",
            "BOOK-2",
            "MATCH-1",
            "MATCH-2",
            "MATCH-6",
            "MATCH-7",
            "MATCH-9",
            "FEE-1",
            "FEE-2",
            "FEE-3",
            "ORDER-11",
            "SUB-6",
        ],
        ["CONS-1", "SOLV-1", "CONS-3", "CROSS-1", "PRIO-1"],
        make_genesis(funded(ALICE, BOB, CAROL, DAVE)),
    )
    gtb = s.height + 20
    # The asks, in priority order: BOB 0.01 @ 30,000; CAROL 0.01 @ 30,000 (later); BOB 0.02 @ 30,100; DAVE 0.01 @ 30,200
    for owner, client_id, quantums, price in (
        (BOB, 1, CENTI_BTC, 30_000),
        (CAROL, 1, CENTI_BTC, 30_000),
        (BOB, 2, 2 * CENTI_BTC, 30_100),
        (DAVE, 1, CENTI_BTC, 30_200),
    ):
        name = {BOB: "BOB", CAROL: "CAROL", DAVE: "DAVE"}[owner]
        events = s.step(
            f"{name} asks {quantums / ONE_BTC} BTC at ${price:,}",
            place(owner, order(owner, client_id, SELL, quantums, usd(price), gtb=gtb)),
            OK,
            ["BOOK-1", "MATCH-7"],
        )
        assert on_book(events) == [(owner, client_id, quantums)]
    s.step(
        "DAVE bids 0.01 BTC at $29,000: below the best ask, it rests",
        place(DAVE, order(DAVE, 2, BUY, CENTI_BTC, usd(29_000), gtb=gtb)),
        OK,
        ["BOOK-1", "BOOK-2"],
    )
    # ALICE buys 0.05 @ 30,100: crosses every ask at or below 30,100, best price first, oldest first:
    #   BOB   0.01 @ 30,000: quote 3_000_000_000 * 100_000_000 / 10^9 = 300_000_000; taker fee 500 ppm 150_000, maker fee 100 ppm 30_000
    #   CAROL 0.01 @ 30,000: the same
    #   BOB   0.02 @ 30,100: quote 602_000_000; taker fee 301_000, maker fee 60_200
    # DAVE's ask at 30,200 does not cross; 0.01 rests at 30,100.
    events = s.step(
        "ALICE buys 0.05 BTC at $30,100: three fills over two levels, then 0.01 BTC rests",
        place(ALICE, order(ALICE, 1, BUY, 5 * CENTI_BTC, usd(30_100), gtb=gtb)),
        OK,
        ["MATCH-1", "MATCH-2", "FEE-2", "FEE-3", "MATCH-7"],
        show=subs(ALICE, BOB, CAROL),
    )
    assert fills(events) == [
        (BOB, CENTI_BTC, usd(30_000), 300_000_000, 150_000, 30_000),
        (CAROL, CENTI_BTC, usd(30_000), 300_000_000, 150_000, 30_000),
        (BOB, 2 * CENTI_BTC, usd(30_100), 602_000_000, 301_000, 60_200),
    ]
    assert removals(events) == [(BOB, 1, "FULLY_FILLED"), (CAROL, 1, "FULLY_FILLED"), (BOB, 2, "FULLY_FILLED")]
    assert on_book(events) == [(ALICE, 1, CENTI_BTC)]
    assert usdc(s, ALICE) == RICH - 1_202_000_000 - 601_000
    assert usdc(s, BOB) == RICH + 902_000_000 - 90_200
    assert s.state.fee_collector_balance == 601_000 + 120_200
    assert open_interest(s) == 4 * CENTI_BTC  # the longs: ALICE 0.04 (MATCH-9)
    # CAROL sells 0.015 IOC at $30,000: ALICE's bid at 30,100 is better than CAROL's limit and fills at 30,100
    # (the maker's price): quote 301_000_000, CAROL's taker fee 150_500, ALICE's maker fee 30_100.
    # DAVE's bid at 29,000 is below 30,000: the remaining 0.005 is removed (IOC).
    events = s.step(
        "CAROL sells 0.015 BTC IOC at $30,000: fills ALICE's 0.01 at ALICE's $30,100; the rest is cancelled",
        place(CAROL, order(CAROL, 2, SELL, 15 * CENTI_BTC // 10, usd(30_000), gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-2", "MATCH-6", "FEE-2"],
        show=subs(CAROL, ALICE),
    )
    assert fills(events) == [(ALICE, CENTI_BTC, usd(30_100), 301_000_000, 150_500, 30_100)]
    assert removals(events) == [(ALICE, 1, "FULLY_FILLED"), (CAROL, 2, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK")]
    assert open_interest(s) == 5 * CENTI_BTC
    # BOB sells 0.005 IOC at $29,000: DAVE's bid fills partly, 0.005 of it stays on the book.
    events = s.step(
        "BOB sells 0.005 BTC IOC at $29,000: DAVE's bid is partly filled and keeps its place",
        place(BOB, order(BOB, 3, SELL, CENTI_BTC // 2, usd(29_000), gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-2", "ORDER-11"],
        show=subs(BOB, DAVE),
    )
    # quote 2_900_000_000 * 50_000_000 / 10^9 = 145_000_000; fees 72_500 and 14_500
    assert fills(events) == [(DAVE, CENTI_BTC // 2, usd(29_000), 145_000_000, 72_500, 14_500)]
    assert (
        events[0]["type"] == "OrderPlaced"
        and events[1]["takerTotalFilled"] == str(CENTI_BTC // 2)
        and events[1]["makerTotalFilled"] == str(CENTI_BTC // 2)
    )
    # ALICE sells 0.01 at $28,000 (good-til-time): takes DAVE's last 0.005, and 0.005 rests as an ask at 28,000.
    events = s.step(
        "ALICE sells 0.01 BTC at $28,000: takes the rest of DAVE's bid at $29,000, and 0.005 rests as the best ask",
        place(ALICE, order(ALICE, 2, SELL, CENTI_BTC, usd(28_000), gtb=gtb)),
        OK,
        ["MATCH-1", "MATCH-7", "BOOK-2"],
        show=subs(ALICE, DAVE),
    )
    assert fills(events) == [(DAVE, CENTI_BTC // 2, usd(29_000), 145_000_000, 72_500, 14_500)]
    assert on_book(events) == [(ALICE, 2, CENTI_BTC // 2)]
    # Positions: ALICE +0.045, BOB -0.035, CAROL -0.02, DAVE +0.01: open interest 0.055
    assert (position(s, ALICE), position(s, BOB), position(s, CAROL), position(s, DAVE)) == (
        45 * CENTI_BTC // 10,
        -35 * CENTI_BTC // 10,
        -2 * CENTI_BTC,
        CENTI_BTC,
    )
    assert open_interest(s) == 55 * CENTI_BTC // 10
    # Fee collector: 721_200 + 180_600 + 87_000 + 87_000
    assert s.state.fee_collector_balance == 1_075_800
    s.step(
        "the block ends: the book and every party as they stand",
        s.next_block(),
        OK,
        ["FEE-4"],
        show=subs(ALICE, BOB, CAROL, DAVE),
    )
    return s


def market_orders_and_self_trade() -> Scenario:
    s = Scenario(
        "market-order-self-trade",
        "A market order is an IOC order whose price is the worst the taker accepts; it meets its own resting order, which is removed without a fill; IOC remainders are removed; a filled IOC id cannot be placed again, a good-til-time one only for what is left.",
        ["ORDER-1", "MATCH-1", "MATCH-2", "MATCH-3", "MATCH-6", "ORDER-11", "FEE-3"],
        ["CONS-1", "CONS-3", "PRIO-1"],
        make_genesis(funded(ALICE, BOB, CAROL, DAVE)),
    )
    E = errors
    gtb = s.height + 10
    s.step("BOB asks 0.01 BTC at $30,000", place(BOB, order(BOB, 1, SELL, CENTI_BTC, usd(30_000), gtb=gtb)), OK)
    s.step("ALICE asks 0.01 BTC at $30,050", place(ALICE, order(ALICE, 1, SELL, CENTI_BTC, usd(30_050), gtb=gtb)), OK)
    s.step(
        "CAROL asks 0.02 BTC at $30,100", place(CAROL, order(CAROL, 1, SELL, 2 * CENTI_BTC, usd(30_100), gtb=gtb)), OK
    )
    # ALICE's market buy of 0.03 with a worst price of $31,000:
    #   BOB 0.01 @ 30,000 fills (quote 300_000_000); ALICE's own ask @ 30,050 is removed, SELF_TRADE, no fill;
    #   CAROL 0.02 @ 30,100 fills (quote 602_000_000). Filled: 0.03, the taker is FULLY_FILLED.
    events = s.step(
        "ALICE's market buy of 0.03 BTC (IOC, worst price $31,000) removes her own ask on the way",
        place(ALICE, order(ALICE, 2, BUY, 3 * CENTI_BTC, usd(31_000), gtb=gtb, tif=IOC)),
        OK,
        ["ORDER-1", "MATCH-1", "MATCH-3", "MATCH-2"],
        show=subs(ALICE, BOB, CAROL),
    )
    assert fills(events) == [
        (BOB, CENTI_BTC, usd(30_000), 300_000_000, 150_000, 30_000),
        (CAROL, 2 * CENTI_BTC, usd(30_100), 602_000_000, 301_000, 60_200),
    ]
    assert removals(events) == [
        (BOB, 1, "FULLY_FILLED"),
        (ALICE, 1, "SELF_TRADE"),
        (CAROL, 1, "FULLY_FILLED"),
        (ALICE, 2, "FULLY_FILLED"),
    ]
    assert usdc(s, ALICE) == RICH - 902_000_000 - 451_000
    # FEE-3: taker change + maker changes + fees = 0; the collector holds both fees
    assert s.state.fee_collector_balance == 451_000 + 90_200
    events = s.step(
        "DAVE's market sell into an empty bid side: no fill, the order is removed",
        place(DAVE, order(DAVE, 1, SELL, CENTI_BTC, usd(29_000), gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-6"],
    )
    assert types(events) == ["OrderPlaced", "OrderRemoved"] and removals(events) == [
        (DAVE, 1, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK")
    ]
    s.step(
        "nothing was filled, so the same IOC id may be sent again",
        place(DAVE, order(DAVE, 1, SELL, CENTI_BTC, usd(29_000), gtb=gtb, tif=IOC)),
        OK,
        ["ORDER-11", "MATCH-6"],
    )
    s.step("BOB bids 0.01 BTC at $29,500", place(BOB, order(BOB, 2, BUY, CENTI_BTC, usd(29_500), gtb=gtb)), OK)
    events = s.step(
        "DAVE's market sell of 0.03 BTC (worst $29,000): 0.01 fills at $29,500, 0.02 is removed",
        place(DAVE, order(DAVE, 2, SELL, 3 * CENTI_BTC, usd(29_000), gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-2", "MATCH-6"],
        show=subs(DAVE, BOB),
    )
    assert fills(events) == [(BOB, CENTI_BTC, usd(29_500), 295_000_000, 147_500, 29_500)]
    assert removals(events) == [(BOB, 2, "FULLY_FILLED"), (DAVE, 2, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK")]
    s.step(
        "the partly filled IOC id again, with a later goodTilBlock",
        place(DAVE, order(DAVE, 2, SELL, 3 * CENTI_BTC, usd(29_000), gtb=gtb + 1, tif=IOC)),
        E.ImmediateExecutionOrderAlreadyFilled.code,
        ["ORDER-11"],
    )
    s.step(
        "ALICE's fully filled market order id again",
        place(ALICE, order(ALICE, 2, BUY, 3 * CENTI_BTC, usd(31_000), gtb=gtb, tif=IOC)),
        E.ImmediateExecutionOrderAlreadyFilled.code,
        ["ORDER-11"],
    )
    s.step(
        "the id as a good-til-time order of 0.01: nothing left to fill",
        place(DAVE, order(DAVE, 2, SELL, CENTI_BTC, usd(31_000), gtb=gtb)),
        E.OrderFullyFilled.code,
        ["ORDER-11"],
    )
    s.step(
        "0.0101 BTC leaves one step: accepted, 0.0001 rests",
        place(DAVE, order(DAVE, 2, SELL, CENTI_BTC + STEP, usd(31_000), gtb=gtb)),
        OK,
        ["ORDER-11", "MATCH-7"],
    )
    s.step(
        "ALICE's id as a good-til-time buy of 0.03: nothing left",
        place(ALICE, order(ALICE, 2, BUY, 3 * CENTI_BTC, usd(20_000), gtb=gtb)),
        E.OrderFullyFilled.code,
        ["ORDER-11"],
    )
    events = s.step(
        "as a good-til-time buy of 0.05: 0.02 left, which rests",
        place(ALICE, order(ALICE, 2, BUY, 5 * CENTI_BTC, usd(20_000), gtb=gtb)),
        OK,
        ["ORDER-11", "MATCH-7"],
    )
    assert on_book(events) == [(ALICE, 2, 2 * CENTI_BTC)]
    assert open_interest(s) == 3 * CENTI_BTC  # the only long is ALICE's 0.03 (BOB: -0.01 + 0.01 = 0; CAROL, DAVE short)
    return s


def post_only() -> Scenario:
    s = Scenario(
        "post-only",
        "Post-only orders rest when they do not cross and are removed, with no fill, when they would; self-trades and under-collateralized makers met on the way are removed and stay removed, and the order then rests.",
        ["MATCH-5", "MATCH-3", "MATCH-4", "MATCH-7", "BOOK-2"],
        ["CONS-1", "SOLV-1", "CROSS-1"],
        make_genesis(funded(ALICE, BOB, CAROL) + [subaccount_entry(MALLORY, 0, 10_000_000)]),
    )
    gtb = s.height + 10
    s.step("BOB asks 0.01 BTC at $30,000", place(BOB, order(BOB, 1, SELL, CENTI_BTC, usd(30_000), gtb=gtb)), OK)
    events = s.step(
        "ALICE's post-only bid at $29,900 does not cross: it rests",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(29_900), gtb=gtb, tif=POST_ONLY)),
        OK,
        ["MATCH-5"],
    )
    assert on_book(events) == [(ALICE, 1, CENTI_BTC)]
    events = s.step(
        "ALICE's post-only bid at $30,000 would fill BOB's ask: removed, nothing filled, BOB's ask stays",
        place(ALICE, order(ALICE, 2, BUY, CENTI_BTC, usd(30_000), gtb=gtb, tif=POST_ONLY)),
        OK,
        ["MATCH-5"],
        show=subs(ALICE, BOB),
    )
    assert types(events) == ["OrderPlaced", "OrderRemoved"] and removals(events) == [
        (ALICE, 2, "POST_ONLY_WOULD_CROSS_MAKER_ORDER")
    ]
    s.step(
        "BOB's post-only sell at $29,900 would fill ALICE's bid: removed",
        place(BOB, order(BOB, 2, SELL, CENTI_BTC, usd(29_900), gtb=gtb, tif=POST_ONLY)),
        OK,
        ["MATCH-5"],
    )
    events = s.step(
        "ALICE's post-only sell at $29,900 meets only her own bid: the bid is removed (self-trade), then the sell rests",
        place(ALICE, order(ALICE, 3, SELL, CENTI_BTC, usd(29_900), gtb=gtb, tif=POST_ONLY)),
        OK,
        ["MATCH-5", "MATCH-3"],
    )
    assert removals(events) == [(ALICE, 1, "SELF_TRADE")] and on_book(events) == [(ALICE, 3, CENTI_BTC)]
    # MALLORY (10 USDC) bids 0.001 BTC at $29,000: quote 29_000_000, maker fee 2_900.  The add-to-book
    # check: NC = 10_000_000 - 29_002_900 + 28_688_195 (0.001 BTC at the oracle) = 9_685_295 >= IMR 573_763.
    s.step(
        "MALLORY bids 0.001 BTC at $29,000 with 10 USDC: passes the add-to-book check",
        place(MALLORY, order(MALLORY, 1, BUY, 10 * STEP, usd(29_000), gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    s.step(
        "MALLORY withdraws 9.5 USDC: resting orders hold no collateral",
        withdraw(MALLORY, sub(MALLORY), 9_500_000),
        OK,
        ["SUB-12"],
    )
    # Filled now, MALLORY would have NC = 500_000 - 29_002_900 + 28_688_195 = 185_295 < IMR 573_763: the maker fails.
    events = s.step(
        "CAROL's post-only sell at $29,000 meets MALLORY's bid, which fails its collateral check: removed; CAROL's order then rests",
        place(CAROL, order(CAROL, 1, SELL, 10 * STEP, usd(29_000), gtb=gtb, tif=POST_ONLY)),
        OK,
        ["MATCH-5", "MATCH-4"],
        show=subs(CAROL, MALLORY),
    )
    assert removals(events) == [(MALLORY, 1, "UNDERCOLLATERALIZED")] and on_book(events) == [(CAROL, 1, 10 * STEP)]
    assert fills(events) == [] and usdc(s, MALLORY) == 500_000
    assert s.state.fee_collector_balance == 0 and open_interest(s) == 0
    return s


def collateral_checks() -> Scenario:
    s = Scenario(
        "match-collateral-checks",
        "Every fill is margin-checked for both parties: a failing maker is removed and matching goes on; a failing taker stops and its remainder is removed, keeping earlier fills; a remainder that could not bear its own fill does not rest.",
        ["MATCH-4", "MATCH-7", "MATCH-6", "MATCH-9", "SUB-6", "SUB-7"],
        ["SOLV-1", "CONS-1", "ATOM-1", "SOLV-2", "CONS-3"],
        make_genesis(
            funded(BOB, CAROL)
            + [
                subaccount_entry(ALICE, 0, 1_000_000),
                subaccount_entry(DAVE, 0, 5_000_000),
                subaccount_entry(MALLORY, 0, 10_000_000),
            ]
        ),
    )
    gtb = s.height + 10
    # ALICE (1 USDC) bids 0.01 BTC at $30,000: NC = 1_000_000 - 300_000_000 - 30_000 + 286_881_952 = -12_148_048 < IMR
    events = s.step(
        "ALICE, with 1 USDC, bids 0.01 BTC at $30,000: the remainder fails the add-to-book check and is removed",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(30_000), gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    assert removals(events) == [(ALICE, 1, "UNDERCOLLATERALIZED")] and on_book(events) == []
    # 0.0001 BTC at $25,000: NC = 1_000_000 - 2_500_000 - 250 + 2_868_819 = 1_368_569 >= IMR 57_376
    s.step(
        "0.0001 BTC at $25,000 passes it and rests",
        place(ALICE, order(ALICE, 2, BUY, STEP, usd(25_000), gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    s.step(
        "MALLORY (10 USDC) bids 0.001 BTC at $29,000",
        place(MALLORY, order(MALLORY, 1, BUY, 10 * STEP, usd(29_000), gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    s.step("CAROL bids 0.001 BTC at $28,900", place(CAROL, order(CAROL, 1, BUY, 10 * STEP, usd(28_900), gtb=gtb)), OK)
    s.step("MALLORY withdraws 9.5 USDC", withdraw(MALLORY, sub(MALLORY), 9_500_000), OK)
    # BOB sells 0.002 IOC at $28,000: MALLORY's bid first (best price) fails MALLORY's check
    # (NC 185_295 < IMR 573_763): removed, no balance changes; CAROL's bid fills at 28,900
    # (quote 28_900_000, fees 14_450 and 2_890); ALICE's bid at 25,000 is below BOB's limit.
    events = s.step(
        "BOB sells 0.002 BTC IOC at $28,000: MALLORY's bid fails its check and is removed; matching goes on to CAROL's",
        place(BOB, order(BOB, 1, SELL, 20 * STEP, usd(28_000), gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-4", "MATCH-6"],
        show=subs(BOB, MALLORY, CAROL),
    )
    assert removals(events) == [
        (MALLORY, 1, "UNDERCOLLATERALIZED"),
        (CAROL, 1, "FULLY_FILLED"),
        (BOB, 1, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK"),
    ]
    assert fills(events) == [(CAROL, 10 * STEP, usd(28_900), 28_900_000, 14_450, 2_890)]
    assert usdc(s, MALLORY) == 500_000 and position(s, MALLORY) == 0
    s.step("BOB asks 0.001 BTC at $30,000", place(BOB, order(BOB, 2, SELL, 10 * STEP, usd(30_000), gtb=gtb)), OK)
    s.step("CAROL asks 0.01 BTC at $30,000", place(CAROL, order(CAROL, 2, SELL, CENTI_BTC, usd(30_000), gtb=gtb)), OK)
    # DAVE (5 USDC) buys 0.011 IOC at up to $31,000:
    #   BOB's 0.001 @ 30,000: DAVE's NC = 5_000_000 - 30_000_000 - 15_000 + 28_688_195 = 3_673_195 >= IMR 573_763: filled
    #   CAROL's 0.01 @ 30,000: NC = -25_015_000 - 300_150_000 + 315_570_147 = -9_594_853 < IMR: the taker fails
    # Matching stops; DAVE keeps the first fill; CAROL's ask stays on the book.
    events = s.step(
        "DAVE, with 5 USDC, buys 0.011 BTC IOC: the first fill passes, the second fails DAVE's check, matching stops",
        place(DAVE, order(DAVE, 1, BUY, 11 * 10 * STEP, usd(31_000), gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-4"],
        show=subs(DAVE, BOB, CAROL),
    )
    assert fills(events) == [(BOB, 10 * STEP, usd(30_000), 30_000_000, 15_000, 3_000)]
    assert removals(events) == [(BOB, 2, "FULLY_FILLED"), (DAVE, 1, "UNDERCOLLATERALIZED")]
    assert position(s, DAVE) == 10 * STEP and usdc(s, DAVE) == 5_000_000 - 30_015_000
    # open interest: the longs are CAROL 0.001 and DAVE 0.001
    assert open_interest(s) == 20 * STEP
    events = s.step(
        "CAROL's ask is still on the book: BOB takes it",
        place(BOB, order(BOB, 3, BUY, CENTI_BTC, usd(30_000), gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-4"],
        show=subs(BOB, CAROL),
    )
    assert fills(events) == [(CAROL, CENTI_BTC, usd(30_000), 300_000_000, 150_000, 30_000)]
    # CAROL went from long 0.001 to short 0.009, BOB from short 0.002 to long 0.008: longs are BOB 0.008 and DAVE 0.001
    assert open_interest(s) == 90 * STEP
    return s


def reduce_only() -> Scenario:
    # ALICE long 0.02055 BTC (205.5 steps), BOB short 0.02, CAROL short 0.00055; DAVE makes the market.
    s = Scenario(
        "reduce-only",
        "Reduce-only orders must be opposite to a position; their fills are cut to the position, rounded down to a step, so they never flip it; closing a position removes the subaccount's waiting reduce-only conditional orders.",
        ["ORDER-10", "MATCH-8", "MATCH-2", "MATCH-9"],
        ["SOLV-1", "RO-1"],
        make_genesis(
            funded(
                ALICE,
                BOB,
                CAROL,
                DAVE,
                positions={ALICE: [(BTC, 205_500_000)], BOB: [(BTC, -200_000_000)], CAROL: [(BTC, -5_500_000)]},
            )
        ),
    )
    E = errors
    h, t = s.height, s.time
    gtb = h + 10
    s.step("DAVE bids 0.05 BTC at $28,000", place(DAVE, order(DAVE, 1, BUY, 5 * CENTI_BTC, usd(28_000), gtb=gtb)), OK)
    s.step("DAVE asks 0.05 BTC at $29,000", place(DAVE, order(DAVE, 2, SELL, 5 * CENTI_BTC, usd(29_000), gtb=gtb)), OK)
    s.step(
        "ALICE (long) sends a reduce-only buy",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(29_000), gtb=gtb, tif=IOC, reduce_only=True)),
        E.ReduceOnlyWouldIncreasePositionSize.code,
        ["ORDER-10"],
    )
    s.step(
        "DAVE (no position) sends a reduce-only sell",
        place(DAVE, order(DAVE, 3, SELL, CENTI_BTC, usd(28_000), gtb=gtb, tif=IOC, reduce_only=True)),
        E.ReduceOnlyWouldIncreasePositionSize.code,
        ["ORDER-10"],
    )
    s.step(
        "the reduce-only check names the order's pair: ALICE has no ETH position",
        place(ALICE, order(ALICE, 1, SELL, CENTI_BTC, 1_800_000_000, clob=ETH, gtb=gtb, tif=IOC, reduce_only=True)),
        E.ReduceOnlyWouldIncreasePositionSize.code,
        ["ORDER-10"],
    )
    # ALICE reduce-only sells 0.03: the fill against DAVE's bid is cut to 205_500_000 rounded down to a
    # step, 205_000_000; ALICE keeps 500_000, less than a step, so the next fill is cut to 0: REDUCE_ONLY_RESIZED.
    events = s.step(
        "ALICE's reduce-only sell of 0.03 BTC: cut to 0.0205 (her 0.02055 rounded down to a step), then removed",
        place(ALICE, order(ALICE, 2, SELL, 3 * CENTI_BTC, usd(27_000), gtb=gtb, tif=IOC, reduce_only=True)),
        OK,
        ["MATCH-8", "MATCH-2"],
        show=subs(ALICE, DAVE),
    )
    assert [f[1] for f in fills(events)] == [205_000_000]
    assert removals(events) == [(ALICE, 2, "REDUCE_ONLY_RESIZED")]
    assert position(s, ALICE) == 500_000
    events = s.step(
        "with 0.00005 BTC left, a one-step reduce-only sell is accepted but cut to nothing",
        place(ALICE, order(ALICE, 3, SELL, STEP, usd(27_000), gtb=gtb, tif=IOC, reduce_only=True)),
        OK,
        ["MATCH-8"],
    )
    assert types(events) == ["OrderPlaced", "OrderRemoved"] and removals(events) == [(ALICE, 3, "REDUCE_ONLY_RESIZED")]
    stop = dict(flags=CONDITIONAL, gtbt=t + 3_600, tif=IOC, reduce_only=True)
    s.step(
        "BOB (short) places a reduce-only stop-loss buy, triggering at $31,000",
        place(BOB, order(BOB, 1, BUY, 2 * CENTI_BTC, usd(32_000), condition=STOP_LOSS, trigger=usd(31_000), **stop)),
        OK,
        ["ORDER-10", "COND-1"],
    )
    s.step(
        "and a reduce-only take-profit buy, triggering at $25,000",
        place(BOB, order(BOB, 2, BUY, 2 * CENTI_BTC, usd(25_500), condition=TAKE_PROFIT, trigger=usd(25_000), **stop)),
        OK,
        ["COND-1"],
    )
    s.step(
        "and a plain take-profit buy, not reduce-only",
        place(
            BOB,
            order(
                BOB,
                3,
                BUY,
                CENTI_BTC,
                usd(25_500),
                flags=CONDITIONAL,
                gtbt=t + 3_600,
                condition=TAKE_PROFIT,
                trigger=usd(25_000),
            ),
        ),
        OK,
        ["COND-1"],
    )
    # BOB's reduce-only buy of 0.03 closes his 0.02 short against DAVE's ask; his waiting reduce-only
    # orders are removed; the taker's remaining 0.01 is cut to 0: REDUCE_ONLY_RESIZED.
    events = s.step(
        "BOB's reduce-only buy of 0.03 closes his short: his waiting reduce-only conditional orders are removed",
        place(BOB, order(BOB, 4, BUY, 3 * CENTI_BTC, usd(29_500), gtb=gtb, tif=IOC, reduce_only=True)),
        OK,
        ["MATCH-8", "MATCH-9"],
        show=subs(BOB, DAVE),
    )
    assert [f[1] for f in fills(events)] == [2 * CENTI_BTC]
    assert removals(events) == [
        (BOB, 1, "REDUCE_ONLY_RESIZED"),
        (BOB, 2, "REDUCE_ONLY_RESIZED"),
        (BOB, 4, "REDUCE_ONLY_RESIZED"),
    ]
    assert position(s, BOB) == 0 and len(s.state.clob.untriggered) == 1
    # longs: ALICE 500_000 and DAVE 205_000_000 - 200_000_000 = 5_000_000
    assert open_interest(s) == 5_500_000
    s.step(
        "CAROL's reduce-only buy of one step against her 0.00055 short: fills one step",
        place(CAROL, order(CAROL, 1, BUY, STEP, usd(29_000), gtb=gtb, tif=IOC, reduce_only=True)),
        OK,
        ["MATCH-8"],
    )
    assert position(s, CAROL) == -4_500_000
    return s


def replacement() -> Scenario:
    s = Scenario(
        "order-replacement",
        "An order id that is live is replaced only by a later expiry with the same side, time in force and reduce-only; the replacement keeps the filled amount, takes a new place in time priority and may match.",
        ["ORDER-6", "ORDER-11", "BOOK-1", "MATCH-1", "TX-2"],
        ["ATOM-1", "PRIO-1"],
        make_genesis(funded(ALICE, BOB, CAROL)),
    )
    E = errors
    h, t = s.height, s.time
    events = s.step(
        "ALICE bids 0.02 BTC at $29,000, good til block h+5",
        place(ALICE, order(ALICE, 1, BUY, 2 * CENTI_BTC, usd(29_000), gtb=h + 5)),
        OK,
        ["ORDER-6"],
    )
    assert events[0]["replaces"] is False
    s.step(
        "the same id and the same goodTilBlock, another size",
        place(ALICE, order(ALICE, 1, BUY, 3 * CENTI_BTC, usd(29_000), gtb=h + 5)),
        E.OrderAlreadyExists.code,
        ["ORDER-6"],
    )
    s.step(
        "an earlier goodTilBlock",
        place(ALICE, order(ALICE, 1, BUY, 2 * CENTI_BTC, usd(29_000), gtb=h + 4)),
        E.InvalidReplacement.code,
        ["ORDER-6"],
    )
    s.step(
        "a later goodTilBlock but the other side",
        place(ALICE, order(ALICE, 1, SELL, 2 * CENTI_BTC, usd(31_000), gtb=h + 6)),
        E.InvalidReplacement.code,
        ["ORDER-6"],
    )
    s.step(
        "a later goodTilBlock but post-only",
        place(ALICE, order(ALICE, 1, BUY, 2 * CENTI_BTC, usd(29_000), gtb=h + 6, tif=POST_ONLY)),
        E.InvalidReplacement.code,
        ["ORDER-6"],
    )
    s.step(
        "a later goodTilBlock but IOC",
        place(ALICE, order(ALICE, 1, BUY, 2 * CENTI_BTC, usd(29_000), gtb=h + 6, tif=IOC)),
        E.InvalidReplacement.code,
        ["ORDER-6"],
    )
    s.step(
        "CAROL bids 0.01 BTC at $29,500",
        place(CAROL, order(CAROL, 1, BUY, CENTI_BTC, usd(29_500), gtb=h + 5)),
        OK,
        ["BOOK-1"],
    )
    events = s.step(
        "ALICE replaces her bid: good til h+6, 0.03 BTC at $29,500, behind CAROL in time",
        place(ALICE, order(ALICE, 1, BUY, 3 * CENTI_BTC, usd(29_500), gtb=h + 6)),
        OK,
        ["ORDER-6", "BOOK-1"],
    )
    assert (
        events[0]["replaces"] is True
        and removals(events) == [(ALICE, 1, "REPLACED")]
        and on_book(events) == [(ALICE, 1, 3 * CENTI_BTC)]
    )
    events = s.step(
        "BOB sells 0.015 BTC IOC at $29,500: CAROL's older bid fills first, then 0.005 of ALICE's",
        place(BOB, order(BOB, 1, SELL, 15 * CENTI_BTC // 10, usd(29_500), gtb=h + 5, tif=IOC)),
        OK,
        ["MATCH-1", "BOOK-1"],
        show=subs(BOB, CAROL, ALICE),
    )
    assert [(f[0], f[1]) for f in fills(events)] == [(CAROL, CENTI_BTC), (ALICE, CENTI_BTC // 2)]
    events = s.step(
        "ALICE replaces it with 0.02 BTC, good til h+7: 0.005 is already filled, so 0.015 rests",
        place(ALICE, order(ALICE, 1, BUY, 2 * CENTI_BTC, usd(29_500), gtb=h + 7)),
        OK,
        ["ORDER-6", "ORDER-11"],
    )
    assert on_book(events) == [(ALICE, 1, 15 * CENTI_BTC // 10)]
    s.step(
        "a replacement of 0.005 BTC: nothing left to fill, the resting order stays",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC // 2, usd(29_500), gtb=h + 8)),
        E.OrderFullyFilled.code,
        ["ORDER-11", "TX-2"],
    )
    s.step("BOB asks 0.01 BTC at $30,000", place(BOB, order(BOB, 2, SELL, CENTI_BTC, usd(30_000), gtb=h + 5)), OK)
    events = s.step(
        "ALICE's replacement at $30,000 crosses BOB's ask: it fills 0.01, the remaining 0.005 rests",
        place(ALICE, order(ALICE, 1, BUY, 2 * CENTI_BTC, usd(30_000), gtb=h + 8)),
        OK,
        ["ORDER-6", "ORDER-11", "MATCH-1"],
        show=subs(ALICE, BOB),
    )
    assert [(f[0], f[1]) for f in fills(events)] == [(BOB, CENTI_BTC)]
    assert events[-1] == {
        "type": "OrderOnBook",
        "orderId": order_id(ALICE, 1),
        "remainingQuantums": str(CENTI_BTC // 2),
    }
    assert filled(s, ALICE, 1) == 15 * CENTI_BTC // 10
    # Stateful orders: the expiry is the goodTilBlockTime
    long_term = dict(flags=LONG_TERM)
    s.step(
        "ALICE's long-term bid good til t+100",
        place(ALICE, order(ALICE, 5, BUY, CENTI_BTC, usd(28_000), gtbt=t + 100, **long_term)),
        OK,
        ["ORDER-6"],
    )
    s.step(
        "the same goodTilBlockTime",
        place(ALICE, order(ALICE, 5, BUY, CENTI_BTC, usd(28_100), gtbt=t + 100, **long_term)),
        E.OrderAlreadyExists.code,
        ["ORDER-6"],
    )
    s.step(
        "an earlier goodTilBlockTime",
        place(ALICE, order(ALICE, 5, BUY, CENTI_BTC, usd(28_100), gtbt=t + 50, **long_term)),
        E.InvalidReplacement.code,
        ["ORDER-6"],
    )
    events = s.step(
        "a later one, another price: replaced",
        place(ALICE, order(ALICE, 5, BUY, CENTI_BTC, usd(28_100), gtbt=t + 200, **long_term)),
        OK,
        ["ORDER-6"],
    )
    assert removals(events) == [(ALICE, 5, "REPLACED")]
    conditional = dict(flags=CONDITIONAL, condition=TAKE_PROFIT)
    events = s.step(
        "ALICE's take-profit buy, waiting for $27,000",
        place(ALICE, order(ALICE, 6, BUY, CENTI_BTC, usd(27_000), gtbt=t + 100, trigger=usd(27_000), **conditional)),
        OK,
        ["COND-1"],
    )
    assert types(events) == ["OrderPlaced"]
    s.step(
        "the same goodTilBlockTime",
        place(ALICE, order(ALICE, 6, BUY, CENTI_BTC, usd(27_000), gtbt=t + 100, trigger=usd(26_000), **conditional)),
        E.OrderAlreadyExists.code,
        ["ORDER-6"],
    )
    s.step(
        "a later one but IOC",
        place(
            ALICE,
            order(ALICE, 6, BUY, CENTI_BTC, usd(27_000), gtbt=t + 200, trigger=usd(26_000), tif=IOC, **conditional),
        ),
        E.InvalidReplacement.code,
        ["ORDER-6"],
    )
    events = s.step(
        "a later one with a new trigger: the waiting order is replaced",
        place(ALICE, order(ALICE, 6, BUY, CENTI_BTC, usd(26_000), gtbt=t + 200, trigger=usd(26_000), **conditional)),
        OK,
        ["ORDER-6", "COND-1"],
    )
    assert types(events) == ["OrderPlaced", "OrderRemoved"] and removals(events) == [(ALICE, 6, "REPLACED")]
    return s


def cancels() -> Scenario:
    s = Scenario(
        "order-cancels",
        "Short-term cancels hold until their goodTilBlock, remove orders expiring no later and block placements up to it; stateful cancels remove a live order expiring no later, with its filled amount.",
        ["ORDER-7", "ORDER-8", "ORDER-9", "ORDER-11", "TX-2"],
        ["ATOM-1"],
        make_genesis(funded(ALICE, BOB)),
    )
    E = errors
    h, t = s.height, s.time
    s.step(
        "ALICE bids 0.01 BTC, good til block h+10",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(29_000), gtb=h + 10)),
        OK,
    )
    events = s.step(
        "a cancel good til h+5 is recorded; the order, good til h+10, stays",
        cancel(ALICE, order_id(ALICE, 1), gtb=h + 5),
        OK,
        ["ORDER-7"],
    )
    assert types(events) == ["OrderCancelRecorded"]
    s.step(
        "the same cancel again", cancel(ALICE, order_id(ALICE, 1), gtb=h + 5), E.CancelAlreadyExists.code, ["ORDER-7"]
    )
    s.step(
        "a cancel good til an earlier block",
        cancel(ALICE, order_id(ALICE, 1), gtb=h + 4),
        E.CancelAlreadyExists.code,
        ["ORDER-7"],
    )
    events = s.step(
        "a cancel good til h+10 removes the order", cancel(ALICE, order_id(ALICE, 1), gtb=h + 10), OK, ["ORDER-7"]
    )
    assert types(events) == ["OrderCancelRecorded", "OrderRemoved"] and removals(events) == [(ALICE, 1, "CANCELED")]
    s.step(
        "placing the id good til h+10: the cancel holds",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(29_000), gtb=h + 10)),
        E.OrderIsCanceled.code,
        ["ORDER-7"],
    )
    s.step(
        "good til h+7: also covered",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(29_000), gtb=h + 7)),
        E.OrderIsCanceled.code,
        ["ORDER-7"],
    )
    s.step(
        "good til h+11: beyond the cancel, accepted",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(29_000), gtb=h + 11)),
        OK,
        ["ORDER-7"],
    )
    s.step(
        "a cancel of an id with no order is accepted and recorded",
        cancel(ALICE, order_id(ALICE, 2), gtb=h + 2),
        OK,
        ["ORDER-7"],
    )
    s.step(
        "the id cannot be placed up to the cancel's block",
        place(ALICE, order(ALICE, 2, BUY, CENTI_BTC, usd(28_000), gtb=h + 2)),
        E.OrderIsCanceled.code,
        ["ORDER-7"],
    )
    s.step(
        "a short-term cancel does not name the long-term order with the same client id",
        cancel(ALICE, order_id(ALICE, 3), gtb=h + 3),
        OK,
        ["ORDER-7"],
    )
    s.step("block h+1", s.next_block(), OK)
    s.step("block h+2", s.next_block(), OK)
    s.step(
        "still block h+2: the cancel good til h+2 holds",
        place(ALICE, order(ALICE, 2, BUY, CENTI_BTC, usd(28_000), gtb=h + 2)),
        E.OrderIsCanceled.code,
        ["ORDER-7"],
    )
    s.step("block h+3: the cancel good til h+2 has lapsed", s.next_block(), OK, ["ORDER-9"])
    assert sorted(oid.client_id for oid in s.state.clob.short_term_cancels) == [
        1,
        3,
    ]  # those of ids 1 and 3 hold until h+10 and h+3
    s.step(
        "the id is placed again",
        place(ALICE, order(ALICE, 2, BUY, CENTI_BTC, usd(28_000), gtb=h + 4)),
        OK,
        ["ORDER-7", "ORDER-9"],
    )
    # stateful cancels
    h, t = s.height, s.time
    long_term = dict(flags=LONG_TERM)
    s.step(
        "ALICE's long-term bid good til t+600, at $29,500 above her short-term bids",
        place(ALICE, order(ALICE, 3, BUY, CENTI_BTC, usd(29_500), gtbt=t + 600, **long_term)),
        OK,
    )
    s.step(
        "a cancel good til t+300, before the order's expiry",
        cancel(ALICE, order_id(ALICE, 3, LONG_TERM), gtbt=t + 300),
        E.InvalidStatefulOrderCancellation.code,
        ["ORDER-8"],
    )
    s.step(
        "a cancel of an id with no stateful order",
        cancel(ALICE, order_id(ALICE, 4, LONG_TERM), gtbt=t + 600),
        E.StatefulOrderDoesNotExist.code,
        ["ORDER-8"],
    )
    s.step(
        "the same client id as a conditional id is another order",
        cancel(ALICE, order_id(ALICE, 3, CONDITIONAL), gtbt=t + 600),
        E.StatefulOrderDoesNotExist.code,
        ["ORDER-8"],
    )
    events = s.step(
        "BOB sells 0.005 BTC IOC into it: partly filled",
        place(BOB, order(BOB, 1, SELL, CENTI_BTC // 2, usd(29_500), gtb=h + 5, tif=IOC)),
        OK,
        show=subs(BOB, ALICE),
    )
    assert [(f[0], f[1]) for f in fills(events)] == [(ALICE, CENTI_BTC // 2)] and filled(
        s, ALICE, 3, LONG_TERM
    ) == CENTI_BTC // 2
    events = s.step(
        "a cancel good til t+700 (later than the order) removes it and its filled amount",
        cancel(ALICE, order_id(ALICE, 3, LONG_TERM), gtbt=t + 700),
        OK,
        ["ORDER-8", "ORDER-11"],
    )
    assert types(events) == ["OrderRemoved"] and removals(events) == [(ALICE, 3, "CANCELED")]
    assert filled(s, ALICE, 3, LONG_TERM) == 0
    s.step(
        "cancelled already: nothing to cancel",
        cancel(ALICE, order_id(ALICE, 3, LONG_TERM), gtbt=t + 700),
        E.StatefulOrderDoesNotExist.code,
        ["ORDER-8"],
    )
    s.step("the next block", s.next_block(), OK)
    t = s.time
    events = s.step(
        "the id placed again starts with nothing filled: all 0.01 BTC rests",
        place(ALICE, order(ALICE, 3, BUY, CENTI_BTC, usd(29_500), gtbt=t + 600, **long_term)),
        OK,
        ["ORDER-11"],
    )
    assert on_book(events) == [(ALICE, 3, CENTI_BTC)]
    s.step(
        "ALICE's stop-loss sell waits for $25,000",
        place(
            ALICE,
            order(
                ALICE,
                5,
                SELL,
                CENTI_BTC,
                usd(24_000),
                flags=CONDITIONAL,
                gtbt=t + 600,
                condition=STOP_LOSS,
                trigger=usd(25_000),
            ),
        ),
        OK,
        ["COND-1"],
    )
    events = s.step(
        "a stateful cancel removes the waiting conditional order",
        cancel(ALICE, order_id(ALICE, 5, CONDITIONAL), gtbt=t + 600),
        OK,
        ["ORDER-8"],
    )
    assert removals(events) == [(ALICE, 5, "CANCELED")] and not s.state.clob.untriggered
    return s


def expiry() -> Scenario:
    s = Scenario(
        "order-expiry",
        "AdvanceBlock expires short-term orders, cancels and filled amounts whose goodTilBlock has ended, and stateful orders, resting or waiting, whose goodTilBlockTime is at or before the new block's time.",
        ["ORDER-9", "ORDER-11", "ORDER-4", "COND-2"],
        ["ATOM-1"],
        make_genesis(funded(ALICE, BOB)),
    )
    E = errors
    h, t = s.height, s.time
    s.step(
        "ALICE bids 0.01 BTC good til this block",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(29_000), gtb=h)),
        OK,
        ["ORDER-4"],
    )
    s.step("and 0.01 BTC good til the next", place(ALICE, order(ALICE, 2, BUY, CENTI_BTC, usd(28_900), gtb=h + 1)), OK)
    s.step(
        "a long-term bid good til t+15",
        place(ALICE, order(ALICE, 3, BUY, CENTI_BTC, usd(28_800), flags=LONG_TERM, gtbt=t + 15)),
        OK,
    )
    s.step(
        "a long-term bid good til t+20",
        place(ALICE, order(ALICE, 4, BUY, CENTI_BTC, usd(28_700), flags=LONG_TERM, gtbt=t + 20)),
        OK,
    )
    s.step(
        "a stop-loss sell good til t+15, waiting for $20,000",
        place(
            ALICE,
            order(
                ALICE,
                5,
                SELL,
                CENTI_BTC,
                usd(19_000),
                flags=CONDITIONAL,
                gtbt=t + 15,
                condition=STOP_LOSS,
                trigger=usd(20_000),
            ),
        ),
        OK,
    )
    s.step(
        "BOB sells 0.005 BTC IOC: half of ALICE's first bid fills",
        place(BOB, order(BOB, 1, SELL, CENTI_BTC // 2, usd(29_000), gtb=h, tif=IOC)),
        OK,
        show=subs(BOB, ALICE),
    )
    assert filled(s, ALICE, 1) == CENTI_BTC // 2
    s.step(
        "that id's filled amount is kept: a replacement of 0.005 has nothing left",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC // 2, usd(29_000), gtb=h + 1)),
        E.OrderFullyFilled.code,
        ["ORDER-11"],
    )
    events = s.step(
        "block h+1 at t+10: the bid good til h expires", s.next_block(10), OK, ["ORDER-9"], show=subs(ALICE)
    )
    assert removals(events) == [(ALICE, 1, "EXPIRED")] and filled(s, ALICE, 1) == 0
    events = s.step(
        "its filled amount went with it: 0.005 BTC with the same id rests in full",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC // 2, usd(28_000), gtb=h + 1)),
        OK,
        ["ORDER-9", "ORDER-11"],
    )
    assert on_book(events) == [(ALICE, 1, CENTI_BTC // 2)]
    events = s.step(
        "block h+2 at t+15: both short-term bids, the long-term bid and the conditional order good til t+15 expire",
        s.next_block(5),
        OK,
        ["ORDER-9"],
        show=subs(ALICE),
    )
    assert sorted(removals(events)) == [
        (ALICE, 1, "EXPIRED"),
        (ALICE, 2, "EXPIRED"),
        (ALICE, 3, "EXPIRED"),
        (ALICE, 5, "EXPIRED"),
    ]
    events = s.step("block h+3 at t+19: the bid good til t+20 stays", s.next_block(4), OK, ["ORDER-9"])
    assert removals(events) == []
    events = s.step("block h+4 at t+20: it expires", s.next_block(1), OK, ["ORDER-9"])
    assert removals(events) == [(ALICE, 4, "EXPIRED")]
    assert not s.state.clob.resting and not s.state.clob.untriggered and not s.state.clob.fill_amounts
    return s


def conditional_orders() -> Scenario:
    # ALICE long 0.01 BTC, BOB short 0.01 BTC; DAVE makes the market.
    s = Scenario(
        "conditional-orders",
        "Stop-loss and take-profit orders wait for the oracle price, trigger at the end of the block in which it reaches their trigger price (inclusive), and are placed at the start of the next block, after expiry: they match, rest unless IOC, or are removed if a reduce-only one no longer reduces.",
        ["COND-1", "COND-2", "ORDER-10", "ORDER-9", "PRICE-6", "MATCH-2", "MATCH-9", "UNITS-7"],
        ["ORACLE-1", "SOLV-1"],
        make_genesis(
            funded(ALICE, BOB, CAROL, DAVE, MALLORY, positions={ALICE: [(BTC, CENTI_BTC)], BOB: [(BTC, -CENTI_BTC)]})
        ),
    )
    t = s.time
    gtbt = t + 3_600
    conditional = dict(flags=CONDITIONAL, gtbt=gtbt)
    s.step(
        "DAVE's long-term bid: 0.05 BTC at $27,000",
        place(DAVE, order(DAVE, 1, BUY, 5 * CENTI_BTC, usd(27_000), flags=LONG_TERM, gtbt=gtbt)),
        OK,
    )
    s.step(
        "DAVE's long-term ask: 0.05 BTC at $30,000",
        place(DAVE, order(DAVE, 2, SELL, 5 * CENTI_BTC, usd(30_000), flags=LONG_TERM, gtbt=gtbt)),
        OK,
    )
    # oracle: 2_868_819_524 subticks ($28,688.19524)
    events = s.step(
        "ALICE's stop-loss: sell 0.01 BTC (IOC, reduce-only, worst $27,000) when the price is at or below $28,000",
        place(
            ALICE,
            order(
                ALICE,
                1,
                SELL,
                CENTI_BTC,
                usd(27_000),
                tif=IOC,
                reduce_only=True,
                condition=STOP_LOSS,
                trigger=usd(28_000),
                **conditional,
            ),
        ),
        OK,
        ["COND-1", "ORDER-10"],
    )
    assert types(events) == ["OrderPlaced"]
    s.step(
        "BOB's take-profit: buy 0.01 BTC at $28,300 (good-til-time) when the price is at or below $28,200",
        place(
            BOB, order(BOB, 1, BUY, CENTI_BTC, usd(28_300), condition=TAKE_PROFIT, trigger=usd(28_200), **conditional)
        ),
        OK,
        ["COND-1"],
    )
    s.step(
        "CAROL's stop-loss: buy 0.01 BTC IOC up to $30,000 when the price is at or above $29,000",
        place(
            CAROL,
            order(
                CAROL, 1, BUY, CENTI_BTC, usd(30_000), tif=IOC, condition=STOP_LOSS, trigger=usd(29_000), **conditional
            ),
        ),
        OK,
        ["COND-1"],
    )
    s.step(
        "CAROL's take-profit: sell 0.01 BTC at $31,000 when the price is at or above $29,000",
        place(
            CAROL,
            order(CAROL, 2, SELL, CENTI_BTC, usd(31_000), condition=TAKE_PROFIT, trigger=usd(29_000), **conditional),
        ),
        OK,
        ["COND-1"],
    )
    s.step(
        "MALLORY (no position) places a reduce-only stop-loss sell: checked only when it triggers",
        place(
            MALLORY,
            order(
                MALLORY,
                1,
                SELL,
                CENTI_BTC,
                usd(27_000),
                tif=IOC,
                reduce_only=True,
                condition=STOP_LOSS,
                trigger=usd(28_200),
                **conditional,
            ),
        ),
        OK,
        ["ORDER-10"],
    )
    s.step(
        "and a take-profit buy good til t+2, triggering at $28,200",
        place(
            MALLORY,
            order(
                MALLORY,
                2,
                BUY,
                CENTI_BTC,
                usd(28_300),
                flags=CONDITIONAL,
                gtbt=t + 2,
                condition=TAKE_PROFIT,
                trigger=usd(28_200),
            ),
        ),
        OK,
        ["COND-2", "ORDER-9"],
    )
    events = s.step("a block at the genesis price: nothing triggers", s.next_block(), OK, ["COND-1"])
    assert "ConditionalOrderTriggered" not in types(events)
    events = s.step(
        "the oracle falls to exactly $28,200 (median of three sources)",
        prices(BTC, 2_820_000_000, s.time),
        OK,
        ["PRICE-6", "COND-1"],
    )
    assert types(events) == ["MarketPrice"]
    # End of block 2: BOB's take-profit buy and MALLORY's two orders (at or below $28,200) trigger;
    # ALICE's (at or below $28,000) and CAROL's (at or above $29,000) do not.  Block 3 at t+2 starts:
    # MALLORY's order good til t+2 has expired; the others are placed by order id.
    events = s.step(
        "the next block: three orders trigger; the one good til the new block's time expires, MALLORY's reduce-only sell is removed, BOB's buy rests",
        s.next_block(),
        OK,
        ["COND-1", "COND-2", "ORDER-10", "ORDER-9"],
        show=subs(BOB, MALLORY),
    )
    assert sorted(
        (e["orderId"]["subaccountId"]["owner"], e["orderId"]["clientId"])
        for e in events
        if e["type"] == "ConditionalOrderTriggered"
    ) == sorted([(BOB, 1), (MALLORY, 1)])
    assert sorted(removals(events)) == sorted(
        [(MALLORY, 1, "REDUCE_ONLY_WOULD_INCREASE_POSITION"), (MALLORY, 2, "EXPIRED")]
    )
    assert on_book(events) == [(BOB, 1, CENTI_BTC)]
    s.step("the oracle falls to exactly $28,000", prices(BTC, 2_800_000_000, s.time), OK, ["COND-1"])
    # ALICE's stop-loss triggers and is placed: IOC sell of 0.01 with worst price $27,000; the best bid is
    # BOB's triggered take-profit at $28,300: both positions close at $28,300 (quote 283_000_000).
    events = s.step(
        "the next block: ALICE's stop-loss triggers and sells into BOB's bid at $28,300; both positions close",
        s.next_block(),
        OK,
        ["COND-1", "COND-2", "MATCH-2", "MATCH-9"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, CENTI_BTC, usd(28_300), 283_000_000, 141_500, 28_300)]
    assert position(s, ALICE) == 0 and position(s, BOB) == 0 and open_interest(s) == 0
    s.step("the oracle rises to exactly $29,000", prices(BTC, 2_900_000_000, s.time), OK, ["COND-1"])
    # CAROL's two orders trigger (at or above $29,000) and are placed by order id: the IOC buy fills
    # 0.01 of DAVE's ask at $30,000; the take-profit sell at $31,000 rests.
    events = s.step(
        "the next block: CAROL's stop-loss buy fills DAVE's ask; her take-profit sell rests",
        s.next_block(),
        OK,
        ["COND-1", "COND-2"],
        show=subs(CAROL, DAVE),
    )
    assert fills(events) == [(DAVE, CENTI_BTC, usd(30_000), 300_000_000, 150_000, 30_000)]
    assert on_book(events) == [(CAROL, 2, CENTI_BTC)]
    assert open_interest(s) == CENTI_BTC and not s.state.clob.untriggered
    return s


def trade_price_triggers() -> Scenario:
    # BTC's oracle is $28,688.19524 and its minimum price change 1,000 ppm: trade prices count for
    # triggers clamped to the oracle price +/- 0.5%, about [$28,544.75, $28,831.64].
    s = Scenario(
        "trade-price-triggers",
        "The block's lowest and highest trade prices, clamped to the oracle price plus or minus five minimum price changes, trigger conditional orders as the oracle price does; the trade prices are in the state until the end of the block.",
        ["COND-3", "COND-1", "COND-2", "CLOB-3"],
        [],
        make_genesis(funded(ALICE, BOB, CAROL, DAVE, MALLORY)),
    )
    t = s.time
    conditional = dict(flags=CONDITIONAL, gtbt=t + 3_600)
    s.step(
        "CAROL's take-profit buy at $28,600 waits for a price at or below $28,600",
        place(
            CAROL,
            order(CAROL, 1, BUY, CENTI_BTC, usd(28_600), condition=TAKE_PROFIT, trigger=usd(28_600), **conditional),
        ),
        OK,
        ["COND-1"],
    )
    s.step(
        "DAVE's take-profit buy at $28,400 waits for $28,400: beyond the clamp",
        place(
            DAVE, order(DAVE, 1, BUY, CENTI_BTC, usd(28_400), condition=TAKE_PROFIT, trigger=usd(28_400), **conditional)
        ),
        OK,
        ["COND-1"],
    )
    s.step(
        "MALLORY's stop-loss buy at $28,700 waits for a price at or above $28,800",
        place(
            MALLORY,
            order(MALLORY, 1, BUY, CENTI_BTC, usd(28_700), condition=STOP_LOSS, trigger=usd(28_800), **conditional),
        ),
        OK,
        ["COND-1"],
    )
    s.step(
        "ALICE bids 0.01 BTC at $28,000",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(28_000), gtb=s.height + 5)),
        OK,
    )
    events = s.step(
        "BOB sells into it: a trade at $28,000, the block's lowest price",
        place(BOB, order(BOB, 1, SELL, CENTI_BTC, usd(28_000), gtb=s.height + 5, tif=IOC)),
        OK,
        ["COND-3", "CLOB-3"],
    )
    assert len(fills(events)) == 1 and s.state.clob.trade_prices == {BTC: (usd(28_000), usd(28_000))}
    s.step(
        "ALICE asks 0.01 BTC at $28,900",
        place(ALICE, order(ALICE, 2, SELL, CENTI_BTC, usd(28_900), gtb=s.height + 5)),
        OK,
    )
    events = s.step(
        "BOB buys it: a trade at $28,900, the block's highest price",
        place(BOB, order(BOB, 2, BUY, CENTI_BTC, usd(28_900), gtb=s.height + 5, tif=IOC)),
        OK,
        ["COND-3", "CLOB-3"],
    )
    assert len(fills(events)) == 1 and s.state.clob.trade_prices == {BTC: (usd(28_000), usd(28_900))}
    # Clamped: $28,000 -> $28,544.75... (at or below CAROL's $28,600, above DAVE's $28,400);
    # $28,900 -> $28,831.64... (at or above MALLORY's $28,800).  The oracle triggers none of them.
    events = s.step(
        "the next block: CAROL's and MALLORY's orders trigger on the clamped trade prices and rest; DAVE's waits",
        s.next_block(),
        OK,
        ["COND-3", "COND-2"],
    )
    triggered = [
        (e["orderId"]["subaccountId"]["owner"], e["orderId"]["clientId"])
        for e in events
        if e["type"] == "ConditionalOrderTriggered"
    ]
    assert sorted(triggered) == sorted([(CAROL, 1), (MALLORY, 1)])
    assert sorted(on_book(events)) == sorted([(CAROL, 1, CENTI_BTC), (MALLORY, 1, CENTI_BTC)])
    assert s.state.clob.trade_prices == {} and len(s.state.clob.untriggered) == 1
    events = s.step("a block without trades: DAVE's order still waits", s.next_block(), OK, ["COND-3"])
    assert "ConditionalOrderTriggered" not in types(events)
    return s


def fee_tiers_by_volume() -> Scenario:
    # ALICE and BOB hold $1,000,000 each.  Tier 2 of the standard tiers needs $1,000,000 of 30-day notional.
    million = 1_000_000_000_000
    s = Scenario(
        "fee-tiers-by-volume",
        "Fees on the standard tiers: tier 1 (maker 100, taker 500 ppm) until an address's 30-day notional reaches $1,000,000, which counts from the end of its block (tier 2: taker 450 ppm); fees round up; the fee collector receives both; volume older than 30 days stops counting.",
        ["FEE-1", "FEE-2", "FEE-3", "FEE-4", "FEE-5", "MATCH-2"],
        ["CONS-1", "CONS-3"],
        make_genesis(
            [subaccount_entry(ALICE, 0, million), subaccount_entry(BOB, 0, million), subaccount_entry(CAROL, 0, RICH)]
        ),
    )
    t = s.time
    long_term = dict(flags=LONG_TERM, gtbt=t + 60 * DAY)
    s.step(
        "BOB asks 34.0003 BTC at $30,000 (long-term)",
        place(BOB, order(BOB, 1, SELL, 34 * ONE_BTC + 3 * STEP, usd(30_000), **long_term)),
        OK,
    )
    s.step(
        "BOB asks 0.0001 BTC at $30,001 (long-term)",
        place(BOB, order(BOB, 2, SELL, STEP, usd(30_001), **long_term)),
        OK,
    )
    # 34 BTC at $30,000: quote 3_000_000_000 * 340_000_000_000 / 10^9 = 1_020_000_000_000 ($1.02M)
    # taker fee 500 ppm: 510_000_000; maker fee 100 ppm: 102_000_000
    events = s.step(
        "ALICE buys 34 BTC at $30,000 ($1.02M): tier 1 fees",
        place(ALICE, order(ALICE, 1, BUY, 34 * ONE_BTC, usd(30_000), gtb=s.height + 5, tif=IOC)),
        OK,
        ["FEE-1", "FEE-2", "FEE-3"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, 34 * ONE_BTC, usd(30_000), 1_020_000_000_000, 510_000_000, 102_000_000)]
    assert s.state.fee_collector_balance == 612_000_000
    # one step at $30,000: quote 3_000_000; 500 ppm = 1_500, 100 ppm = 300
    events = s.step(
        "in the same block ALICE buys one step more: still tier 1, the block's volume counts from its end",
        place(ALICE, order(ALICE, 2, BUY, STEP, usd(30_000), gtb=s.height + 5, tif=IOC)),
        OK,
        ["FEE-4"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, STEP, usd(30_000), 3_000_000, 1_500, 300)]
    s.step(
        "the block ends: ALICE's taker and BOB's maker notional, $1,020,003 each, reach tier 2",
        s.next_block(),
        OK,
        ["FEE-4", "FEE-1"],
    )
    events = s.step(
        "ALICE buys one step at $30,000: taker 450 ppm (tier 2); BOB's maker fee stays 100 ppm (tier 2)",
        place(ALICE, order(ALICE, 3, BUY, STEP, usd(30_000), gtb=s.height + 5, tif=IOC)),
        OK,
        ["FEE-1", "FEE-2"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, STEP, usd(30_000), 3_000_000, 1_350, 300)]
    events = s.step(
        "CAROL, with no volume, pays tier 1's 500 ppm in the same block",
        place(CAROL, order(CAROL, 1, BUY, STEP, usd(30_000), gtb=s.height + 5, tif=IOC)),
        OK,
        ["FEE-1"],
        show=subs(CAROL, BOB),
    )
    assert fills(events) == [(BOB, STEP, usd(30_000), 3_000_000, 1_500, 300)]
    # one step at $30,001: quote 3_000_100; 450 ppm = 1_350.045 -> 1_351; 100 ppm = 300.01 -> 301
    events = s.step(
        "ALICE buys BOB's step at $30,001: fees 1,350.045 and 300.01 round up to 1,351 and 301",
        place(ALICE, order(ALICE, 4, BUY, STEP, usd(30_001), gtb=s.height + 5, tif=IOC)),
        OK,
        ["FEE-2"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, STEP, usd(30_001), 3_000_100, 1_351, 301)]
    assert s.state.fee_collector_balance == 612_000_000 + 1_800 + 1_650 + 1_800 + 1_652
    s.step(
        "a block 30 days (720 one-hour epochs) later: the volume of the first hour no longer counts",
        s.next_block(720 * 3_600),
        OK,
        ["FEE-4"],
    )
    s.step(
        "BOB asks 0.0001 BTC at $30,000 again",
        place(BOB, order(BOB, 3, SELL, STEP, usd(30_000), flags=LONG_TERM, gtbt=s.time + 60)),
        OK,
    )
    events = s.step(
        "ALICE is back in tier 1: taker 500 ppm",
        place(ALICE, order(ALICE, 5, BUY, STEP, usd(30_000), gtb=s.height + 5, tif=IOC)),
        OK,
        ["FEE-1", "FEE-4"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, STEP, usd(30_000), 3_000_000, 1_500, 300)]
    return s


def fee_rebate() -> Scenario:
    genesis = make_genesis(funded(ALICE, BOB))
    genesis["feeTiers"] = [
        {
            "name": "rebate",
            "absoluteVolumeRequirement": "0",
            "totalVolumeShareRequirementPpm": 0,
            "makerVolumeShareRequirementPpm": 0,
            "makerFeePpm": -100,
            "takerFeePpm": 300,
        }
    ]
    s = Scenario(
        "fee-maker-rebate",
        "A genesis whose only fee tier pays makers 100 ppm and charges takers 300 ppm: the maker's rebate rounds toward zero, the taker's fee up, and the fee collector keeps the difference.",
        ["FEE-2", "FEE-3", "FEE-5", "GEN-2"],
        ["CONS-1", "CONS-3"],
        genesis,
    )
    gtb = s.height + 5
    s.step("BOB asks 0.0001 BTC at $30,001", place(BOB, order(BOB, 1, SELL, STEP, usd(30_001), gtb=gtb)), OK)
    # quote 3_000_100: taker fee ceil(900.03) = 901; maker fee ceil(-300.01) = -300, a rebate of 300
    events = s.step(
        "ALICE takes it: taker fee 901, maker rebate 300 (300.01 rounded toward zero)",
        place(ALICE, order(ALICE, 1, BUY, STEP, usd(30_001), gtb=gtb, tif=IOC)),
        OK,
        ["FEE-2", "FEE-3"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, STEP, usd(30_001), 3_000_100, 901, -300)]
    assert usdc(s, BOB) == RICH + 3_000_100 + 300 and usdc(s, ALICE) == RICH - 3_000_100 - 901
    assert s.state.fee_collector_balance == 601
    s.step("BOB asks 0.01 BTC at $30,000", place(BOB, order(BOB, 2, SELL, CENTI_BTC, usd(30_000), gtb=gtb)), OK)
    # quote 300_000_000: taker fee 90_000, maker rebate 30_000
    events = s.step(
        "ALICE takes it: taker fee 90,000, rebate 30,000",
        place(ALICE, order(ALICE, 2, BUY, CENTI_BTC, usd(30_000), gtb=gtb, tif=IOC)),
        OK,
        ["FEE-2", "FEE-3"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, CENTI_BTC, usd(30_000), 300_000_000, 90_000, -30_000)]
    assert s.state.fee_collector_balance == 601 + 60_000
    return s


def no_fee_tiers() -> Scenario:
    genesis = make_genesis(funded(ALICE, BOB))
    del genesis["feeTiers"]
    s = Scenario(
        "fee-no-tiers",
        "A genesis without fee tiers has one tier with no fees: fills move only the quote between the parties.",
        ["FEE-5", "FEE-3", "GEN-2"],
        ["CONS-1"],
        genesis,
    )
    gtb = s.height + 5
    s.step("BOB asks 0.01 BTC at $30,000", place(BOB, order(BOB, 1, SELL, CENTI_BTC, usd(30_000), gtb=gtb)), OK)
    events = s.step(
        "ALICE takes it: no fees",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(30_000), gtb=gtb, tif=IOC)),
        OK,
        ["FEE-5"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, CENTI_BTC, usd(30_000), 300_000_000, 0, 0)]
    assert (
        usdc(s, ALICE) == RICH - 300_000_000
        and usdc(s, BOB) == RICH + 300_000_000
        and s.state.fee_collector_balance == 0
    )
    return s


# --- pins of engine fixes -------------------------------------------------------------------


def prunable_at(s: Scenario, owner: str, client_id: int, flags: int = SHORT_TERM, clob: int = BTC) -> int | None:
    """``prunableAtBlock`` of an order id's filled amount in the state JSON (CLOB-3), None if it has none."""
    wanted = order_id(owner, client_id, flags, clob)
    for entry in encode_state(s.state)["clob"]["fillAmounts"]:
        if entry["orderId"] == wanted:
            return entry["prunableAtBlock"]
    return None


def _prune_block_fill(s: Scenario, h: int) -> None:
    """BOB's IOC sell fills ALICE's re-placed bid (id 1, good til h+2) as a maker (ORDER-11, CLOB-3)."""
    events = s.step(
        "BOB sells 0.01 BTC IOC at $29,000: ALICE's bid fills in full as the maker; its filled amount is prunable at block h+2 (the order's goodTilBlock), not h+10",
        place(BOB, order(BOB, 1, SELL, CENTI_BTC, usd(29_000), gtb=h + 10, tif=IOC)),
        OK,
        ["ORDER-11", "CLOB-3", "MATCH-2"],
        show=subs(BOB, ALICE),
    )
    assert fills(events) == [(ALICE, CENTI_BTC, usd(29_000), 290_000_000, 145_000, 29_000)]
    assert removals(events) == [(ALICE, 1, "FULLY_FILLED"), (BOB, 1, "FULLY_FILLED")]
    assert filled(s, ALICE, 1) == CENTI_BTC and prunable_at(s, ALICE, 1) == h + 2
    assert filled(s, BOB, 1) == CENTI_BTC and prunable_at(s, BOB, 1) == h + 10


def _prune_block_lapse(s: Scenario, h: int) -> None:
    """From the fill on: the filled amount holds through block h+2 and lapses when it ends (ORDER-9, ORDER-11)."""
    E = errors
    s.step(
        "ALICE places id 1 again, good til h+2: nothing left to fill",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(29_000), gtb=h + 2)),
        E.OrderFullyFilled.code,
        ["ORDER-11"],
    )
    s.step("block h+1", s.next_block(), OK, ["ORDER-9"])
    s.step("block h+2", s.next_block(), OK, ["ORDER-9"])
    s.step(
        "in block h+2 the filled amount still holds: id 1 good til h+3 has nothing left",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(29_000), gtb=h + 3)),
        E.OrderFullyFilled.code,
        ["ORDER-11"],
    )
    s.step(
        "block h+3: block h+2 has ended and ALICE's filled amount lapses with it; BOB's, prunable at h+10, stays",
        s.next_block(),
        OK,
        ["ORDER-9", "ORDER-11", "CLOB-3"],
    )
    assert filled(s, ALICE, 1) == 0 and prunable_at(s, BOB, 1) == h + 10
    events = s.step(
        "ALICE places id 1 again, 0.01 BTC good til h+5: accepted with nothing filled, all of it rests",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(29_000), gtb=h + 5)),
        OK,
        ["ORDER-9", "ORDER-11", "MATCH-7"],
    )
    assert on_book(events) == [(ALICE, 1, CENTI_BTC)]


def _prune_block_start() -> tuple[Scenario, int]:
    s = Scenario(
        "fill-amount-prune-block",
        "A short-term filled amount's prune block (prunableAtBlock) is set only by a fill or by placing an id that has a filled amount again with a later goodTilBlock, never by placing an id with none: an id placed good til h+10, removed unfilled by a self-trade, then placed good til h+2 and filled as a maker, keeps its filled amount until block h+2 ends, not h+10.",
        ["ORDER-11", "CLOB-3", "ORDER-9", "MATCH-3", "MATCH-6"],
        ["ATOM-1", "DET-1"],
        make_genesis(funded(ALICE, BOB)),
    )
    h = s.height
    events = s.step(
        "ALICE bids 0.01 BTC at $29,000 (id 1), good til block h+10",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(29_000), gtb=h + 10)),
        OK,
        ["ORDER-11"],
    )
    assert on_book(events) == [(ALICE, 1, CENTI_BTC)]
    events = s.step(
        "ALICE's IOC sell at $29,000 (id 2) meets only her own bid: the bid is removed unfilled (self-trade), so id 1 has no filled amount",
        place(ALICE, order(ALICE, 2, SELL, CENTI_BTC, usd(29_000), gtb=h + 10, tif=IOC)),
        OK,
        ["MATCH-3", "MATCH-6", "ORDER-11"],
    )
    assert removals(events) == [(ALICE, 1, "SELF_TRADE"), (ALICE, 2, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK")]
    assert filled(s, ALICE, 1) == 0 and prunable_at(s, ALICE, 1) is None
    events = s.step(
        "ALICE places id 1 again, good til block h+2 (earlier than before: the id is not live, so this is no replacement)",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(29_000), gtb=h + 2)),
        OK,
        ["ORDER-6", "ORDER-11"],
    )
    assert events[0]["replaces"] is False and on_book(events) == [(ALICE, 1, CENTI_BTC)]
    return s, h


def fill_amount_prune_block() -> Scenario:
    s, h = _prune_block_start()
    _prune_block_fill(s, h)
    _prune_block_lapse(s, h)
    return s


def fill_amount_prune_block_decoded() -> Scenario:
    # The same steps from the state JSON written just before the fill: the decoded state must give
    # the same events and hashes as the state that lived through the earlier steps (CLOB-3, CODEC-1).
    lived, h = _prune_block_start()
    genesis, genesis_hash = encode_state(lived.state), state_hash(lived.state)
    _prune_block_fill(lived, h)
    _prune_block_lapse(lived, h)
    s = Scenario(
        "fill-amount-prune-block-decoded",
        "fill-amount-prune-block continued from its own state JSON: the genesis is the state after ALICE's id 1 was placed good til h+10, removed unfilled and placed again good til h+2; decoded, it fills, prunes at block h+2 and hashes exactly as the state that lived through those steps.",
        ["CLOB-3", "CODEC-1", "GEN-2", "ORDER-11", "ORDER-9"],
        ["DET-1"],
        genesis,
    )
    assert s.genesis == genesis and s.genesis_hash == genesis_hash
    _prune_block_fill(s, h)
    _prune_block_lapse(s, h)
    ours = [(step["expected"], step["stateHash"], step["subaccounts"]) for step in s.steps]
    theirs = [(step["expected"], step["stateHash"], step["subaccounts"]) for step in lived.steps[-len(s.steps) :]]
    if ours != theirs:
        raise AssertionError(
            "fill-amount-prune-block: the state decoded from its own JSON diverges from the state that lived through the steps"
        )
    return s


def initializing_oracle_floor() -> Scenario:
    genesis = make_genesis(funded(ALICE, BOB))
    for pair in genesis["clobPairs"]:
        if pair["id"] == ETH:
            pair["status"] = "STATUS_INITIALIZING"
            pair["quantumConversionExponent"] = -8
            pair["subticksPerTick"] = 1
    # ETH-USD here: price exponent -6, atomic resolution -9, qce -8 (UNITS-7): subticks = price * 10^(-6 + 8 - 9 + 6)
    # = 1_811_985_252 / 10 = 181_198_525.2 subticks; rounded down, 181_198_525. One subtick is one tick.
    s = Scenario(
        "clob-pair-initializing-oracle-floor",
        "On an INITIALIZING pair whose oracle price is not a whole number of subticks (181,198,525.2), post-only orders are bounded by the price rounded down: a buy one subtick above it and a sell one subtick below it conflict with the status; a buy and a sell at exactly 181,198,525 are accepted.",
        ["CLOB-2", "ORDER-3", "UNITS-7", "MATCH-5", "MATCH-7"],
        ["ATOM-1"],
        genesis,
    )
    E = errors
    h = s.height
    oracle = Fraction(1_811_985_252, 10)
    floor = 181_198_525
    assert math.floor(oracle) == floor and floor < oracle
    tenth_eth = 100_000_000
    bid = dict(clob=ETH, gtb=h + 10, tif=POST_ONLY)
    s.step(
        "a post-only buy at 181,198,526: above the floored oracle price (though at the price rounded up)",
        place(ALICE, order(ALICE, 1, BUY, tenth_eth, floor + 1, **bid)),
        E.OrderConflictsWithClobPairStatus.code,
        ["CLOB-2", "UNITS-7"],
    )
    s.step(
        "a post-only sell at 181,198,524: below the floored oracle price",
        place(BOB, order(BOB, 1, SELL, tenth_eth, floor - 1, **bid)),
        E.OrderConflictsWithClobPairStatus.code,
        ["CLOB-2"],
    )
    events = s.step(
        "a post-only buy at exactly 181,198,525 is accepted and rests",
        place(ALICE, order(ALICE, 1, BUY, tenth_eth, floor, **bid)),
        OK,
        ["CLOB-2", "MATCH-7"],
    )
    assert on_book(events) == [(ALICE, 1, tenth_eth)]
    events = s.step(
        "ALICE cancels it, leaving the book empty",
        cancel(ALICE, order_id(ALICE, 1, clob=ETH), gtb=h + 10),
        OK,
        ["ORDER-7", "CLOB-2"],
    )
    assert removals(events) == [(ALICE, 1, "CANCELED")]
    events = s.step(
        "a post-only sell at exactly 181,198,525, below the unrounded 181,198,525.2, is accepted and rests: the bound is the price rounded down",
        place(BOB, order(BOB, 1, SELL, tenth_eth, floor, **bid)),
        OK,
        ["CLOB-2", "MATCH-7"],
    )
    assert on_book(events) == [(BOB, 1, tenth_eth)]
    s.step(
        "a post-only buy one subtick above the floor is still rejected with an ask resting there",
        place(ALICE, order(ALICE, 2, BUY, tenth_eth, floor + 1, **bid)),
        E.OrderConflictsWithClobPairStatus.code,
        ["CLOB-2"],
    )
    return s


def reduce_only_flip() -> Scenario:
    # ALICE long 0.01 BTC, BOB short 0.01 BTC; DAVE makes the market; CAROL and MALLORY hold no position.
    s = Scenario(
        "reduce-only-cancel-on-flip",
        "A fill that flips the side of a subaccount's position, as taker or as maker, or opens one from zero, removes its waiting reduce-only conditional orders on that perpetual; a fill that only reduces the position keeps them, and orders that are not reduce-only stay.",
        ["MATCH-8", "ORDER-10", "COND-1", "MATCH-2", "MATCH-9"],
        ["SOLV-1", "RO-1"],
        make_genesis(
            funded(ALICE, BOB, CAROL, DAVE, MALLORY, positions={ALICE: [(BTC, CENTI_BTC)], BOB: [(BTC, -CENTI_BTC)]})
        ),
    )
    h, t = s.height, s.time
    gtb = h + 10
    reduce = dict(flags=CONDITIONAL, gtbt=t + 3_600, tif=IOC, reduce_only=True)
    s.step("DAVE bids 0.05 BTC at $28,000", place(DAVE, order(DAVE, 1, BUY, 5 * CENTI_BTC, usd(28_000), gtb=gtb)), OK)
    s.step("DAVE asks 0.05 BTC at $29,000", place(DAVE, order(DAVE, 2, SELL, 5 * CENTI_BTC, usd(29_000), gtb=gtb)), OK)
    s.step(
        "ALICE (long 0.01) places a reduce-only stop-loss sell, triggering at $25,000",
        place(ALICE, order(ALICE, 1, SELL, CENTI_BTC, usd(24_000), condition=STOP_LOSS, trigger=usd(25_000), **reduce)),
        OK,
        ["ORDER-10", "COND-1"],
    )
    s.step(
        "and a reduce-only take-profit sell, triggering at $35,000",
        place(
            ALICE, order(ALICE, 2, SELL, CENTI_BTC, usd(34_000), condition=TAKE_PROFIT, trigger=usd(35_000), **reduce)
        ),
        OK,
        ["COND-1"],
    )
    s.step(
        "and a stop-loss sell that is not reduce-only",
        place(
            ALICE,
            order(
                ALICE,
                3,
                SELL,
                CENTI_BTC,
                usd(24_000),
                flags=CONDITIONAL,
                gtbt=t + 3_600,
                condition=STOP_LOSS,
                trigger=usd(25_000),
            ),
        ),
        OK,
        ["COND-1"],
    )
    events = s.step(
        "ALICE sells 0.005 BTC IOC into DAVE's bid: her long shrinks to 0.005, still long; her conditional orders stay",
        place(ALICE, order(ALICE, 4, SELL, CENTI_BTC // 2, usd(28_000), gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-8"],
        show=subs(ALICE, DAVE),
    )
    assert removals(events) == [(ALICE, 4, "FULLY_FILLED")] and position(s, ALICE) == CENTI_BTC // 2
    assert len(s.state.clob.untriggered) == 3
    # 0.02 at $28,000: quote 560_000_000; taker fee 280_000, maker fee 56_000. ALICE goes from long 0.005 to short 0.015.
    events = s.step(
        "ALICE sells 0.02 BTC IOC (not reduce-only): her position flips from long 0.005 to short 0.015, so her two reduce-only conditional orders are removed; the other stays",
        place(ALICE, order(ALICE, 5, SELL, 2 * CENTI_BTC, usd(28_000), gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-8", "MATCH-2"],
        show=subs(ALICE, DAVE),
    )
    assert fills(events) == [(DAVE, 2 * CENTI_BTC, usd(28_000), 560_000_000, 280_000, 56_000)]
    assert removals(events) == [
        (ALICE, 1, "REDUCE_ONLY_RESIZED"),
        (ALICE, 2, "REDUCE_ONLY_RESIZED"),
        (ALICE, 5, "FULLY_FILLED"),
    ]
    assert position(s, ALICE) == -15 * CENTI_BTC // 10 and len(s.state.clob.untriggered) == 1
    # The maker side: BOB (short 0.01) waits with a reduce-only buy; his resting bid of 0.03 is filled and flips him long.
    s.step(
        "BOB (short 0.01) places a reduce-only stop-loss buy, triggering at $31,000",
        place(BOB, order(BOB, 1, BUY, CENTI_BTC, usd(32_000), condition=STOP_LOSS, trigger=usd(31_000), **reduce)),
        OK,
        ["ORDER-10", "COND-1"],
    )
    s.step(
        "BOB bids 0.03 BTC at $28,500 (good-til-time)",
        place(BOB, order(BOB, 2, BUY, 3 * CENTI_BTC, usd(28_500), gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    # 0.03 at $28,500: quote 855_000_000; CAROL's taker fee 427_500, BOB's maker fee 85_500.
    events = s.step(
        "CAROL sells 0.03 BTC IOC: BOB's bid fills as the maker and flips him from short 0.01 to long 0.02; his reduce-only order is removed",
        place(CAROL, order(CAROL, 1, SELL, 3 * CENTI_BTC, usd(28_500), gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-8", "MATCH-2"],
        show=subs(CAROL, BOB),
    )
    assert fills(events) == [(BOB, 3 * CENTI_BTC, usd(28_500), 855_000_000, 427_500, 85_500)]
    assert removals(events) == [(BOB, 2, "FULLY_FILLED"), (BOB, 1, "REDUCE_ONLY_RESIZED"), (CAROL, 1, "FULLY_FILLED")]
    assert position(s, BOB) == 2 * CENTI_BTC
    # Opening from zero: MALLORY holds no position; her reduce-only order is checked only when it triggers (ORDER-10).
    s.step(
        "MALLORY (no position) places a reduce-only stop-loss sell, triggering at $25,000",
        place(
            MALLORY, order(MALLORY, 1, SELL, CENTI_BTC, usd(24_000), condition=STOP_LOSS, trigger=usd(25_000), **reduce)
        ),
        OK,
        ["ORDER-10"],
    )
    events = s.step(
        "MALLORY buys 0.01 BTC IOC from DAVE's ask: her position opens from zero, and her reduce-only order is removed",
        place(MALLORY, order(MALLORY, 2, BUY, CENTI_BTC, usd(29_000), gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-8"],
        show=subs(MALLORY, DAVE),
    )
    assert removals(events) == [(MALLORY, 1, "REDUCE_ONLY_RESIZED"), (MALLORY, 2, "FULLY_FILLED")]
    assert sorted(oid.client_id for oid in s.state.clob.untriggered) == [3] and position(s, MALLORY) == CENTI_BTC
    # longs: BOB 0.02, MALLORY 0.01, DAVE 0.025 - 0.01 = 0.015 (bought 0.005 + 0.02, sold 0.01)
    assert open_interest(s) == 45 * CENTI_BTC // 10
    return s


# --- book, decoding and fee edges (pinned for the mutation measurement, conformance/mutation) ---


def level_queue() -> Scenario:
    s = Scenario(
        "book-level-queue",
        "Twelve asks of one step at one price fill oldest first, past cancelled orders at the front of the level and past the point where the level drops the entries it has passed over: the ninth, tenth and eleventh fills name BOB's orders 10, 11 and 12, in that order.",
        ["BOOK-1", "BOOK-3", "MATCH-1", "MATCH-2", "ORDER-7"],
        ["PRIO-1", "CONS-1"],
        make_genesis(funded(ALICE, BOB)),
    )
    gtb = s.height + 10
    for client_id in range(1, 13):
        s.step(
            f"BOB asks 0.0001 BTC at $30,000 (id {client_id})",
            place(BOB, order(BOB, client_id, SELL, STEP, usd(30_000), gtb=gtb)),
            OK,
            ["BOOK-1"],
        )
    for client_id in (1, 2):
        events = s.step(
            f"BOB cancels id {client_id}, at the front of the level",
            cancel(BOB, order_id(BOB, client_id), gtb=gtb),
            OK,
            ["ORDER-7"],
        )
        assert removals(events) == [(BOB, client_id, "CANCELED")]
    events = s.step(
        "ALICE buys 0.0009 BTC IOC at $30,000: BOB's ids 3 to 11 fill, oldest first",
        place(ALICE, order(ALICE, 1, BUY, 9 * STEP, usd(30_000), gtb=gtb, tif=IOC)),
        OK,
        ["BOOK-1", "MATCH-1"],
        show=subs(ALICE, BOB),
    )
    makers = [e["makerOrderId"]["clientId"] for e in events or [] if e["type"] == "OrderFill"]
    assert makers == list(range(3, 12)), makers
    events = s.step(
        "ALICE buys one step more: BOB's id 12, the last of the level",
        place(ALICE, order(ALICE, 2, BUY, 2 * STEP, usd(30_000), gtb=gtb, tif=IOC)),
        OK,
        ["BOOK-1", "MATCH-6"],
        show=subs(ALICE, BOB),
    )
    assert [e["makerOrderId"]["clientId"] for e in events or [] if e["type"] == "OrderFill"] == [12]
    assert removals(events)[-1] == (ALICE, 2, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK") and not s.state.clob.resting
    return s


def _rich_clob_state() -> Scenario:
    """A state holding every part of the clob JSON (CLOB-3), reached by messages: see ``clob_state_genesis``."""
    genesis = make_genesis(funded(ALICE, BOB, CAROL, DAVE))
    for pair in genesis["clobPairs"]:
        if pair["id"] == ETH:
            pair["status"] = "STATUS_INITIALIZING"
            pair["quantumConversionExponent"] = -8
            pair["subticksPerTick"] = 1
        if pair["id"] == SOL:
            # quote = subticks * quantums * 10: prices of a few subticks (quote-exponents-near-zero)
            pair["quantumConversionExponent"] = 1
            pair["subticksPerTick"] = 1
            pair["stepBaseQuantums"] = "1"
    lived = Scenario("clob-state", "", [], [], genesis)
    h, t = lived.height, lived.time
    floor = 181_198_525  # ETH-USD's oracle price in subticks, rounded down (clob-pair-initializing-oracle-floor)
    tenth_eth = 100_000_000
    eth = dict(clob=ETH, gtb=h + 10, tif=POST_ONLY)
    lived.step("", place(ALICE, order(ALICE, 1, BUY, tenth_eth, floor, **eth)), OK)
    lived.step("", place(BOB, order(BOB, 1, SELL, tenth_eth, floor + 2, **eth)), OK)
    lived.step("", place(BOB, order(BOB, 2, SELL, tenth_eth, floor + 1, **eth)), OK)
    lived.step("", place(CAROL, order(CAROL, 1, SELL, 2 * CENTI_BTC, usd(30_000), gtb=h)), OK)
    lived.step("", place(DAVE, order(DAVE, 1, BUY, CENTI_BTC // 2, usd(30_000), gtb=h + 5, tif=IOC)), OK)
    lived.step("", place(BOB, order(BOB, 3, SELL, CENTI_BTC, usd(30_500), flags=LONG_TERM, gtbt=t + 600)), OK)
    lived.step(
        "",
        place(
            ALICE,
            order(
                ALICE,
                2,
                SELL,
                CENTI_BTC,
                usd(20_000),
                flags=CONDITIONAL,
                gtbt=t + 600,
                condition=STOP_LOSS,
                trigger=usd(20_000),
            ),
        ),
        OK,
    )
    lived.step("", cancel(ALICE, order_id(ALICE, 3), gtb=h + 3), OK)
    lived.step("", place(BOB, order(BOB, 4, BUY, 10, 2, clob=SOL, gtb=h + 10)), OK)
    lived.step("", place(DAVE, order(DAVE, 3, BUY, 10, 2, clob=SOL, gtb=h + 10)), OK)
    lived.step("", place(CAROL, order(CAROL, 3, BUY, 10, 1, clob=SOL, gtb=h + 10)), OK)
    return lived


def clob_state_genesis() -> Scenario:
    lived = _rich_clob_state()
    h, t = lived.height, lived.time
    genesis = encode_state(lived.state)
    clob = genesis["clob"]
    # Every part is there: BTC-USD with asks only (CAROL's short-term ask good til this very block, partly
    # filled, its filled amount prunable at this block; BOB's long-term ask), ETH-USD INITIALIZING with
    # ALICE's post-only bid at the floored oracle price and BOB's two post-only asks above it, SOL-USD with
    # three bids at 2, 2 and 1 subticks, ALICE's untriggered stop-loss, DAVE's and CAROL's filled amounts,
    # ALICE's short-term cancel, pending volume.
    assert [(b["clobPairId"], len(b["bids"]), len(b["asks"])) for b in clob["books"]] == [
        (BTC, 0, 2),
        (ETH, 1, 2),
        (SOL, 3, 0),
    ]
    assert clob["books"][0]["asks"][0]["goodTilBlock"] == h and len(clob["untriggeredOrders"]) == 1
    assert [f["prunableAtBlock"] for f in clob["fillAmounts"]] == [h, h + 5] and len(clob["shortTermCancels"]) == 1
    assert genesis["volume"]["pending"] and genesis["blockHeight"] == h
    s = Scenario(
        "clob-state-genesis",
        "A genesis holding every part of the clob state (CLOB-3), as the state JSON written after messages: a book with asks only, among them a partly filled short-term order good til the genesis block (its filled amount prunable at it) and a long-term order; a book of an INITIALIZING pair with post-only orders on both sides; a book with bids only, two of them at one price of 2 subticks and one at 1; an untriggered conditional order; a short-term cancel; pending volume. Loaded, it matches, cancels, blocks and expires exactly as the state it was written from.",
        [
            "CLOB-3",
            "CODEC-1",
            "GEN-2",
            "CLOB-2",
            "ORDER-7",
            "ORDER-8",
            "ORDER-9",
            "ORDER-11",
            "MATCH-1",
            "MATCH-5",
            "FEE-4",
        ],
        ["DET-1", "CROSS-1"],
        genesis,
    )
    assert s.genesis == genesis
    floor = 181_198_525
    tenth_eth = 100_000_000
    events = s.step(
        "CAROL's post-only sell at the floored oracle price on ETH-USD would fill ALICE's bid: removed, nothing filled",
        place(CAROL, order(CAROL, 2, SELL, tenth_eth, floor, clob=ETH, gtb=h + 10, tif=POST_ONLY)),
        OK,
        ["MATCH-5", "CLOB-2"],
    )
    assert removals(events) == [(CAROL, 2, "POST_ONLY_WOULD_CROSS_MAKER_ORDER")]
    events = s.step(
        "DAVE buys 0.03 BTC IOC at $31,000: the 0.015 left of CAROL's ask at $30,000, then BOB's long-term 0.01 at $30,500",
        place(DAVE, order(DAVE, 2, BUY, 3 * CENTI_BTC, usd(31_000), gtb=h + 5, tif=IOC)),
        OK,
        ["MATCH-1", "ORDER-11"],
        show=subs(DAVE, CAROL, BOB),
    )
    assert [(f[0], f[1], f[2]) for f in fills(events)] == [
        (CAROL, 15 * CENTI_BTC // 10, usd(30_000)),
        (BOB, CENTI_BTC, usd(30_500)),
    ]
    assert removals(events) == [
        (CAROL, 1, "FULLY_FILLED"),
        (BOB, 3, "FULLY_FILLED"),
        (DAVE, 2, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK"),
    ]
    events = s.step(
        "ALICE sells 25 SOL quantums IOC at 1 subtick: BOB's and DAVE's bids at 2 subticks, oldest first, then 5 of CAROL's at 1",
        place(ALICE, order(ALICE, 4, SELL, 25, 1, clob=SOL, gtb=h + 5, tif=IOC)),
        OK,
        ["MATCH-1", "BOOK-1"],
        show=subs(ALICE, BOB, DAVE, CAROL),
    )
    assert [(f[0], f[1], f[2]) for f in fills(events)] == [(BOB, 10, 2), (DAVE, 10, 2), (CAROL, 5, 1)]
    s.step(
        "ALICE's cancelled id 3 cannot be placed up to the cancel's block",
        place(ALICE, order(ALICE, 3, BUY, CENTI_BTC, usd(20_000), gtb=h + 3)),
        errors.OrderIsCanceled.code,
        ["ORDER-7"],
    )
    s.step(
        "DAVE's partly filled IOC id cannot be sent again",
        place(DAVE, order(DAVE, 1, BUY, CENTI_BTC, usd(30_000), gtb=h + 5, tif=IOC)),
        errors.ImmediateExecutionOrderAlreadyFilled.code,
        ["ORDER-11"],
    )
    events = s.step(
        "a stateful cancel removes ALICE's waiting stop-loss",
        cancel(ALICE, order_id(ALICE, 2, CONDITIONAL), gtbt=t + 600),
        OK,
        ["ORDER-8"],
    )
    assert removals(events) == [(ALICE, 2, "CANCELED")]
    s.step(
        "the next block: the block's volume joins its epoch; CAROL's filled amount lapses",
        s.next_block(),
        OK,
        ["ORDER-9", "FEE-4"],
    )
    assert filled(s, CAROL, 1) == 0 and filled(s, DAVE, 1) == CENTI_BTC // 2
    events = s.step(
        "a block 601 seconds on: nothing stateful is left to expire; ETH-USD's orders wait until block h+10",
        s.next_block(600),
        OK,
        ["ORDER-9"],
    )
    assert removals(events) == []
    return s


def quote_exponents_near_zero() -> Scenario:
    genesis = make_genesis(funded(ALICE, BOB, CAROL, DAVE, MALLORY))
    for pair in genesis["clobPairs"]:
        pair["quantumConversionExponent"] = {BTC: -1, ETH: 0, SOL: 1}[pair["id"]]
        pair["subticksPerTick"] = 1
        pair["stepBaseQuantums"] = "1"
    s = Scenario(
        "quote-exponents-near-zero",
        "Clob pairs whose quantum conversion exponent is -1 (BTC-USD here), 0 (ETH-USD) and 1 (SOL-USD): a fill's quote is floor(subticks * quantums * 10^exponent), a whole number (MATCH-2, UNITS-6); a one-quantum fill at one subtick has a quote of 1, which is the taker's whole notional in its epoch, and on BTC-USD a quote of floor(0.1) = 0, which leaves its parties out of the epoch's users; on SOL-USD the oracle price is 0.235 subticks, and a take-profit buy triggering at 1 subtick triggers (COND-1).",
        ["MATCH-2", "UNITS-6", "UNITS-7", "MATCH-7", "FEE-2", "FEE-4", "COND-1", "COND-2"],
        ["CONS-3"],
        genesis,
    )
    gtb = s.height + 10
    s.step(
        "BOB asks 1,000 ETH quantums at 2 subticks",
        place(BOB, order(BOB, 1, SELL, 1_000, 2, clob=ETH, gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    events = s.step(
        "ALICE takes 999 of them: quote 1,998 (exponent 0); fees 500 and 100 ppm round up to 1 each",
        place(ALICE, order(ALICE, 1, BUY, 999, 2, clob=ETH, gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-2", "UNITS-6", "FEE-2"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, 999, 2, 1_998, 1, 1)]
    s.step(
        "BOB asks 10 SOL quantums at 3 subticks",
        place(BOB, order(BOB, 2, SELL, 10, 3, clob=SOL, gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    events = s.step(
        "ALICE takes 7: quote 3 * 7 * 10^1 = 210",
        place(ALICE, order(ALICE, 2, BUY, 7, 3, clob=SOL, gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-2", "UNITS-6"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, 7, 3, 210, 1, 1)]
    # BTC-USD with exponent -1: the oracle price is 28.688 subticks
    s.step(
        "BOB asks 10 BTC quantums at 30 subticks",
        place(BOB, order(BOB, 4, SELL, 10, 30, clob=BTC, gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    events = s.step(
        "ALICE takes 7: quote floor(30 * 7 / 10) = 21",
        place(ALICE, order(ALICE, 3, BUY, 7, 30, clob=BTC, gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-2", "UNITS-6"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, 7, 30, 21, 1, 1)]
    s.step(
        "ALICE's take-profit buy of one SOL quantum at 1 subtick, triggering at 1 subtick: the oracle's 0.235 subticks, rounded up, is at the trigger",
        place(
            ALICE,
            order(
                ALICE, 4, BUY, 1, 1, clob=SOL, flags=CONDITIONAL, gtbt=s.time + 3_600, condition=TAKE_PROFIT, trigger=1
            ),
        ),
        OK,
        ["COND-1"],
    )
    s.step("BOB asks one ETH quantum at 1 subtick", place(BOB, order(BOB, 3, SELL, 1, 1, clob=ETH, gtb=gtb)), OK)
    events = s.step(
        "CAROL takes it: quote 1, her only fill",
        place(CAROL, order(CAROL, 1, BUY, 1, 1, clob=ETH, gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-2"],
        show=subs(CAROL, BOB),
    )
    assert fills(events) == [(BOB, 1, 1, 1, 1, 1)]
    events = s.step(
        "the block ends: CAROL's epoch volume is a taker notional of 1 and a maker notional of 0; ALICE's take-profit order triggers and rests",
        s.next_block(),
        OK,
        ["FEE-4", "COND-1", "COND-2"],
    )
    assert types(events)[-2:] == ["ConditionalOrderTriggered", "OrderOnBook"]
    users = {u["address"]: u for e in encode_state(s.state)["volume"]["epochs"] for u in e["users"]}
    assert users[CAROL] == {"address": CAROL, "takerNotional": "1", "makerNotional": "0"}
    # A fill whose quote rounds down to 0: floor(1 * 1 / 10) on BTC-USD (exponent -1)
    s.step(
        "DAVE asks one BTC quantum at 1 subtick",
        place(DAVE, order(DAVE, 1, SELL, 1, 1, clob=BTC, gtb=s.height + 10)),
        OK,
        ["MATCH-7"],
    )
    events = s.step(
        "MALLORY takes it: quote floor(0.1) = 0, no fees",
        place(MALLORY, order(MALLORY, 1, BUY, 1, 1, clob=BTC, gtb=s.height + 10, tif=IOC)),
        OK,
        ["MATCH-2", "UNITS-6"],
        show=subs(MALLORY, DAVE),
    )
    assert fills(events) == [(DAVE, 1, 1, 0, 0, 0)]
    s.step(
        "the block ends: a fill of no notional leaves DAVE and MALLORY out of the epoch's users (both notionals zero)",
        s.next_block(),
        OK,
        ["FEE-4"],
    )
    users = {u["address"] for e in encode_state(s.state)["volume"]["epochs"] for u in e["users"]}
    assert DAVE not in users and MALLORY not in users
    # Reduce-only with a step of one quantum: ALICE is long 999 ETH quantums.
    gtb = s.height + 10
    s.step(
        "CAROL bids 600 ETH quantums at 1 subtick", place(CAROL, order(CAROL, 2, BUY, 600, 1, clob=ETH, gtb=gtb)), OK
    )
    s.step("BOB bids 1,000 at 1 subtick", place(BOB, order(BOB, 5, BUY, 1_000, 1, clob=ETH, gtb=gtb)), OK)
    events = s.step(
        "ALICE's reduce-only sell of 1,500: CAROL's 600, then 399 of BOB's close her long of 999; with no position left the next fill is cut to nothing",
        place(ALICE, order(ALICE, 5, SELL, 1_500, 1, clob=ETH, gtb=gtb, tif=IOC, reduce_only=True)),
        OK,
        ["MATCH-8", "ORDER-10"],
        show=subs(ALICE, CAROL, BOB),
    )
    assert [(f[0], f[1]) for f in fills(events)] == [(CAROL, 600), (BOB, 399)] and position(s, ALICE, ETH) == 0
    assert removals(events)[-1] == (ALICE, 5, "REDUCE_ONLY_RESIZED")
    return s


def fee_tier_shares() -> Scenario:
    epoch = GENESIS_TIME // 3_600  # 471_744, the genesis block's epoch
    oldest = epoch - 719  # the oldest epoch still counted at the genesis time
    big = 10**13  # $10,000,000
    genesis = make_genesis(funded(ALICE, BOB, CAROL, DAVE, MALLORY))
    genesis["feeTiers"] = [
        {
            "name": "1",
            "absoluteVolumeRequirement": "0",
            "totalVolumeShareRequirementPpm": 0,
            "makerVolumeShareRequirementPpm": 0,
            "makerFeePpm": 100,
            "takerFeePpm": 500,
        },
        {
            "name": "2",
            "absoluteVolumeRequirement": "1000000",
            "totalVolumeShareRequirementPpm": 0,
            "makerVolumeShareRequirementPpm": 0,
            "makerFeePpm": 90,
            "takerFeePpm": 400,
        },
        {
            "name": "3",
            "absoluteVolumeRequirement": "1000000",
            "totalVolumeShareRequirementPpm": 1_000,
            "makerVolumeShareRequirementPpm": 2,
            "makerFeePpm": 50,
            "takerFeePpm": 300,
        },
    ]

    def users(*rows: tuple[str, int, int]) -> list[dict]:
        return [{"address": a, "takerNotional": str(t), "makerNotional": str(m)} for a, t, m in sorted(rows)]

    # Each epoch's takers and makers both sum to its notional.
    genesis["volume"] = {
        "epochs": [
            {
                "epoch": oldest,
                "notional": str(10**7),
                "users": users((ALICE, 5_000, 0), (BOB, 10**7 - 5_000, 0), (MALLORY, 0, 10**7)),
            },
            {"epoch": oldest + 1, "notional": "7", "users": users((BOB, 7, 0), (CAROL, 0, 7))},
            {
                "epoch": epoch,
                "notional": str(big + 2 * 10**10 + 10**6),
                "users": users(
                    (ALICE, 10**6, 0),
                    (BOB, big, 10**6),
                    (CAROL, 0, big + 2 * 10**10 - 10**7),
                    (MALLORY, 2 * 10**10, 10**7),
                ),
            },
        ],
        "pending": [],
    }
    s = Scenario(
        "fee-tier-shares",
        "Fee tiers with volume-share requirements, from a genesis holding 30 days of volume: an absolute requirement met exactly with no share required (ALICE), a maker share of 2 ppm of the global notional met (CAROL), and an epoch that stops counting when the next block's epoch is 720 later, an odd epoch number, while the epoch after it still counts: ALICE's old taker volume then leaves her exactly at the absolute requirement, and MALLORY's old maker volume leaves her maker share below 2 ppm.",
        ["FEE-1", "FEE-2", "FEE-4", "FEE-5", "GEN-2"],
        ["CONS-3"],
        genesis,
    )
    assert oldest % 2 == 1
    t = s.time
    s.step(
        "CAROL asks 0.01 BTC at $30,000 (long-term)",
        place(CAROL, order(CAROL, 1, SELL, CENTI_BTC, usd(30_000), flags=LONG_TERM, gtbt=t + DAY)),
        OK,
    )
    # 0.001 BTC at $30,000: quote 30_000_000; DAVE (no volume, tier 1) pays 500 ppm = 15_000; CAROL
    # (maker notional about 10^13, far above 2 ppm of the global notional, tier 3) pays 50 ppm = 1_500.
    events = s.step(
        "DAVE (no volume) takes 0.001 BTC: taker tier 1; CAROL, maker share met, maker tier 3",
        place(DAVE, order(DAVE, 1, BUY, 10 * STEP, usd(30_000), gtb=s.height + 5, tif=IOC)),
        OK,
        ["FEE-1", "FEE-2"],
        show=subs(DAVE, CAROL),
    )
    assert fills(events) == [(CAROL, 10 * STEP, usd(30_000), 30_000_000, 15_000, 1_500)]
    s.step(
        f"a block an hour later: the next block's epoch is {epoch + 1}, so epoch {oldest} (720 earlier) stops counting, with ALICE's 5,000 of taker volume and MALLORY's 10^7 of maker volume; epoch {oldest + 1} still counts",
        s.next_block(3_600),
        OK,
        ["FEE-4"],
    )
    assert [e["epoch"] for e in encode_state(s.state)["volume"]["epochs"]] == [oldest + 1, epoch]
    # ALICE: 1_000_000 of taker notional, exactly tier 2's absolute requirement; tier 3 needs 0.1% of the global notional.
    events = s.step(
        "ALICE takes 0.001 BTC: her 30-day notional is exactly $1, tier 2 (taker 400 ppm)",
        place(ALICE, order(ALICE, 1, BUY, 10 * STEP, usd(30_000), gtb=s.height + 5, tif=IOC)),
        OK,
        ["FEE-1", "FEE-4"],
        show=subs(ALICE, CAROL),
    )
    assert fills(events) == [(CAROL, 10 * STEP, usd(30_000), 30_000_000, 12_000, 1_500)]
    # MALLORY: 2 * 10^10 + 10^7 in all (>= 0.1% of the global notional), but a maker notional of 10^7 now,
    # below 2 ppm of the global notional (about 2.004 * 10^7): maker tier 2 (90 ppm) on 29_000_000 is 2_610.
    s.step(
        "MALLORY bids 0.001 BTC at $29,000",
        place(MALLORY, order(MALLORY, 1, BUY, 10 * STEP, usd(29_000), gtb=s.height + 5)),
        OK,
    )
    events = s.step(
        "DAVE sells into it: MALLORY's maker share is below 2 ppm once her old maker volume stopped counting, maker tier 2",
        place(DAVE, order(DAVE, 2, SELL, 10 * STEP, usd(29_000), gtb=s.height + 5, tif=IOC)),
        OK,
        ["FEE-1", "FEE-4"],
        show=subs(DAVE, MALLORY),
    )
    assert [f[5] for f in fills(events)] == [2_610]
    return s


def fee_taker_rebate() -> Scenario:
    genesis = make_genesis(funded(ALICE, BOB))
    genesis["feeTiers"] = [
        {
            "name": "1",
            "absoluteVolumeRequirement": "0",
            "totalVolumeShareRequirementPpm": 0,
            "makerVolumeShareRequirementPpm": 0,
            "makerFeePpm": 101,
            "takerFeePpm": -100,
        },
    ]
    s = Scenario(
        "fee-taker-rebate",
        "A single fee tier whose taker rate is a rebate (-100 ppm) and whose maker rate is 101 ppm: valid, as the lowest maker rate plus the lowest taker rate is not negative (FEE-5); the taker's rebate rounds toward zero and the fee collector keeps the difference (FEE-2, FEE-3).",
        ["FEE-5", "FEE-2", "FEE-3", "GEN-2"],
        ["CONS-1", "CONS-3"],
        genesis,
    )
    gtb = s.height + 5
    s.step(
        "BOB asks 0.0101 BTC at $30,001", place(BOB, order(BOB, 1, SELL, CENTI_BTC + STEP, usd(30_001), gtb=gtb)), OK
    )
    # quote 3_000_100_000 * 101_000_000 / 10^9 = 303_010_100; taker: ceil(-30_301.01) = -30_301; maker: ceil(30_604.0201) = 30_605
    events = s.step(
        "ALICE takes it: a rebate of 30,301 (rounded toward zero), a maker fee of 30,605 (rounded up)",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC + STEP, usd(30_001), gtb=gtb, tif=IOC)),
        OK,
        ["FEE-2", "FEE-3"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, CENTI_BTC + STEP, usd(30_001), 303_010_100, -30_301, 30_605)]
    assert s.state.fee_collector_balance == 304
    return s


def volume_epoch_zero() -> Scenario:
    # A genesis 1.5 hours after time 0: epochs 0 and 1 both count (FEE-4).
    genesis = make_genesis(funded(ALICE, BOB, CAROL), blockTime="5400")
    million = 10**12
    genesis["volume"] = {
        "epochs": [
            {
                "epoch": 0,
                "notional": str(million),
                "users": [
                    {"address": a, "takerNotional": t, "makerNotional": m}
                    for a, t, m in sorted([(ALICE, str(million), "0"), (CAROL, "0", str(million))])
                ],
            }
        ],
        "pending": [],
    }
    s = Scenario(
        "volume-epoch-zero",
        "A genesis at time 5,400 whose volume holds epoch 0 (the first hour): ALICE's $1,000,000 of taker notional there counts, so she pays the standard tier 2's 450 ppm as a taker.",
        ["FEE-4", "FEE-1", "GEN-2", "CLOB-3"],
        ["DET-1"],
        genesis,
    )
    gtb = s.height + 5
    s.step("BOB asks 0.01 BTC at $30,000", place(BOB, order(BOB, 1, SELL, CENTI_BTC, usd(30_000), gtb=gtb)), OK)
    events = s.step(
        "ALICE takes it: tier 2 (taker 450 ppm) from her epoch-0 volume",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(30_000), gtb=gtb, tif=IOC)),
        OK,
        ["FEE-1", "FEE-4"],
        show=subs(ALICE, BOB),
    )
    assert fills(events) == [(BOB, CENTI_BTC, usd(30_000), 300_000_000, 135_000, 30_000)]
    return s


def order_without_oracle_price() -> Scenario:
    genesis = make_genesis(funded(ALICE, BOB))
    market_price_json(genesis, SOL)["price"] = "0"
    s = Scenario(
        "order-without-oracle-price",
        "An order on a pair whose market has no oracle price yet is refused whatever would follow: an IOC order on an empty book (which would neither fill nor rest), a post-only order, a long-term order and a conditional order (which would only wait).",
        ["PRICE-7", "ORDER-3", "TX-2"],
        ["ATOM-1"],
        genesis,
    )
    h, t = s.height, s.time
    sol = 2_000_000_000  # $20 on SOL-USD, a multiple of its tick
    E = errors
    s.step(
        "an IOC buy on SOL-USD's empty book",
        place(BOB, order(BOB, 1, BUY, 1_000_000, sol, clob=SOL, gtb=h + 5, tif=IOC)),
        E.PositionNotUpdatable.code,
        ["PRICE-7"],
    )
    s.step(
        "a post-only buy",
        place(BOB, order(BOB, 1, BUY, 1_000_000, sol, clob=SOL, gtb=h + 5, tif=POST_ONLY)),
        E.PositionNotUpdatable.code,
        ["PRICE-7"],
    )
    s.step(
        "a long-term buy",
        place(BOB, order(BOB, 1, BUY, 1_000_000, sol, clob=SOL, flags=LONG_TERM, gtbt=t + 60)),
        E.PositionNotUpdatable.code,
        ["PRICE-7"],
    )
    s.step(
        "a take-profit buy, which would wait for its trigger",
        place(
            BOB,
            order(
                BOB,
                1,
                BUY,
                1_000_000,
                sol,
                clob=SOL,
                flags=CONDITIONAL,
                gtbt=t + 60,
                condition=TAKE_PROFIT,
                trigger=sol,
            ),
        ),
        E.PositionNotUpdatable.code,
        ["PRICE-7"],
    )
    return s


def add_to_book_boundary() -> Scenario:
    # 0.01 BTC at $29,000: quote 290_000_000, maker fee 29_000.  The add-to-book check (MATCH-7) of a sell
    # passes with 2_648_592 USDC quantums and fails with one less; of a buy, 8_884_688 and one less.
    sell_usdc, buy_usdc = 2_648_592, 8_884_688
    s = Scenario(
        "add-to-book-boundary",
        "The add-to-book collateral check (MATCH-7) at its exact boundary: a sell of 0.01 BTC at $29,000 rests with 2,648,592 USDC quantums and is removed with one quantum less; once the ask is cancelled, a buy of 0.01 BTC at $29,000 rests with 8,884,688 and is removed with one less.",
        ["MATCH-7", "SUB-7", "FEE-2"],
        ["SOLV-1"],
        make_genesis(
            [
                subaccount_entry(ALICE, 0, sell_usdc),
                subaccount_entry(BOB, 0, sell_usdc - 1),
                subaccount_entry(CAROL, 0, buy_usdc),
                subaccount_entry(DAVE, 0, buy_usdc - 1),
            ]
        ),
    )
    gtb = s.height + 10
    events = s.step(
        "ALICE (2,648,592) asks 0.01 BTC at $29,000: it rests",
        place(ALICE, order(ALICE, 1, SELL, CENTI_BTC, usd(29_000), gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    assert on_book(events) == [(ALICE, 1, CENTI_BTC)]
    events = s.step(
        "BOB (one quantum less) asks the same: removed",
        place(BOB, order(BOB, 1, SELL, CENTI_BTC, usd(29_000), gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    assert removals(events) == [(BOB, 1, "UNDERCOLLATERALIZED")]
    events = s.step(
        "ALICE cancels her ask, leaving the book empty", cancel(ALICE, order_id(ALICE, 1), gtb=gtb), OK, ["ORDER-7"]
    )
    assert removals(events) == [(ALICE, 1, "CANCELED")]
    events = s.step(
        "CAROL (8,884,688) bids 0.01 BTC at $29,000: it rests",
        place(CAROL, order(CAROL, 1, BUY, CENTI_BTC, usd(29_000), gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    assert on_book(events) == [(CAROL, 1, CENTI_BTC)]
    events = s.step(
        "DAVE (one quantum less) bids the same: removed",
        place(DAVE, order(DAVE, 1, BUY, CENTI_BTC, usd(29_000), gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    assert removals(events) == [(DAVE, 1, "UNDERCOLLATERALIZED")]
    return s


def fill_amount_prune_block_latest() -> Scenario:
    s = Scenario(
        "fill-amount-prune-block-latest",
        "A short-term filled amount is kept until the latest goodTilBlock its id has had: an id filled while good til h+10, removed by a self-trade, placed again good til h+2 (no replacement: it is not live) and filled again keeps its filled amount, prunable at h+10, after the order expires at h+2; it lapses when block h+10 ends. From a genesis at height 1,000.",
        ["ORDER-11", "ORDER-9", "CLOB-3", "MATCH-3"],
        ["ATOM-1"],
        make_genesis(funded(ALICE, BOB), blockHeight=1_000),
    )
    h = s.height
    s.step(
        "ALICE bids 0.02 BTC at $29,000 (id 1), good til h+10",
        place(ALICE, order(ALICE, 1, BUY, 2 * CENTI_BTC, usd(29_000), gtb=h + 10)),
        OK,
    )
    events = s.step(
        "BOB sells 0.01 BTC IOC into it",
        place(BOB, order(BOB, 1, SELL, CENTI_BTC, usd(29_000), gtb=h + 10, tif=IOC)),
        OK,
        ["ORDER-11"],
        show=subs(BOB, ALICE),
    )
    assert [(f[0], f[1]) for f in fills(events)] == [(ALICE, CENTI_BTC)] and prunable_at(s, ALICE, 1) == h + 10
    events = s.step(
        "ALICE's IOC sell meets only her own bid: the bid is removed (self-trade), its filled amount stays",
        place(ALICE, order(ALICE, 2, SELL, CENTI_BTC, usd(29_000), gtb=h + 10, tif=IOC)),
        OK,
        ["MATCH-3", "ORDER-11"],
    )
    assert removals(events)[0] == (ALICE, 1, "SELF_TRADE") and filled(s, ALICE, 1) == CENTI_BTC
    events = s.step(
        "ALICE places id 1 again, 0.02 BTC good til h+2: 0.01 left to fill, which rests",
        place(ALICE, order(ALICE, 1, BUY, 2 * CENTI_BTC, usd(29_000), gtb=h + 2)),
        OK,
        ["ORDER-11", "ORDER-6"],
    )
    assert (
        events[0]["replaces"] is False
        and on_book(events) == [(ALICE, 1, CENTI_BTC)]
        and prunable_at(s, ALICE, 1) == h + 10
    )
    events = s.step(
        "BOB sells 0.005 BTC IOC into it: the filled amount, now 0.015, stays prunable at h+10",
        place(BOB, order(BOB, 2, SELL, CENTI_BTC // 2, usd(29_000), gtb=h + 10, tif=IOC)),
        OK,
        ["ORDER-11", "CLOB-3"],
        show=subs(BOB, ALICE),
    )
    assert filled(s, ALICE, 1) == 15 * CENTI_BTC // 10 and prunable_at(s, ALICE, 1) == h + 10
    s.step("block h+1", s.next_block(), OK)
    s.step("block h+2", s.next_block(), OK)
    events = s.step(
        "block h+3: ALICE's order, good til h+2, expires; its filled amount stays",
        s.next_block(),
        OK,
        ["ORDER-9", "ORDER-11"],
    )
    assert removals(events) == [(ALICE, 1, "EXPIRED")] and prunable_at(s, ALICE, 1) == h + 10
    s.step(
        "id 1 again, 0.015 BTC good til h+5: nothing left to fill",
        place(ALICE, order(ALICE, 1, BUY, 15 * CENTI_BTC // 10, usd(29_000), gtb=h + 5)),
        errors.OrderFullyFilled.code,
        ["ORDER-11"],
    )
    s.step(
        "id 1 again, 0.01 BTC: less than is already filled",
        place(ALICE, order(ALICE, 1, BUY, CENTI_BTC, usd(29_000), gtb=h + 5)),
        errors.OrderFullyFilled.code,
        ["ORDER-11"],
    )
    for height in range(h + 4, h + 11):
        s.step(f"block {height}", s.next_block(), OK)
    s.step(
        "in block h+10 the filled amount still holds",
        place(ALICE, order(ALICE, 1, BUY, 15 * CENTI_BTC // 10, usd(29_000), gtb=h + 12)),
        errors.OrderFullyFilled.code,
        ["ORDER-11"],
    )
    s.step("block h+11: block h+10 has ended and the filled amount lapses", s.next_block(), OK, ["ORDER-9", "ORDER-11"])
    assert filled(s, ALICE, 1) == 0
    events = s.step(
        "id 1 again, 0.015 BTC: accepted with nothing filled, all of it rests",
        place(ALICE, order(ALICE, 1, BUY, 15 * CENTI_BTC // 10, usd(29_000), gtb=h + 12)),
        OK,
        ["ORDER-11"],
    )
    assert on_book(events) == [(ALICE, 1, 15 * CENTI_BTC // 10)]
    return s


def reduce_only_other_perpetual() -> Scenario:
    # ALICE long 0.01 BTC and 0.1 ETH, DAVE short as much; DAVE makes both markets.
    s = Scenario(
        "reduce-only-other-perpetual",
        "Closing a position removes the subaccount's waiting reduce-only orders on that perpetual only: ALICE's reduce-only stop-loss on ETH-USD stays when she closes her BTC position, and goes when she closes her ETH position.",
        ["MATCH-8", "ORDER-10", "COND-1"],
        ["RO-1"],
        make_genesis(
            funded(
                ALICE,
                DAVE,
                positions={
                    ALICE: [(BTC, CENTI_BTC), (ETH, 100_000_000)],
                    DAVE: [(BTC, -CENTI_BTC), (ETH, -100_000_000)],
                },
            )
        ),
    )
    h, t = s.height, s.time
    gtb = h + 10
    reduce = dict(flags=CONDITIONAL, gtbt=t + 3_600, tif=IOC, reduce_only=True)
    eth_price = 1_800_000_000  # $1,800 on ETH-USD (exponent -9, atomic resolution -9): a multiple of its tick
    s.step("DAVE bids 0.05 BTC at $28,000", place(DAVE, order(DAVE, 1, BUY, 5 * CENTI_BTC, usd(28_000), gtb=gtb)), OK)
    s.step(
        "DAVE bids 1 ETH at $1,800", place(DAVE, order(DAVE, 2, BUY, 1_000_000_000, eth_price, clob=ETH, gtb=gtb)), OK
    )
    s.step(
        "ALICE's reduce-only stop-loss sell on BTC-USD, triggering at $25,000",
        place(ALICE, order(ALICE, 1, SELL, CENTI_BTC, usd(24_000), condition=STOP_LOSS, trigger=usd(25_000), **reduce)),
        OK,
        ["ORDER-10", "COND-1"],
    )
    s.step(
        "and one on ETH-USD, triggering at $1,500",
        place(
            ALICE,
            order(
                ALICE,
                2,
                SELL,
                100_000_000,
                1_400_000_000,
                clob=ETH,
                condition=STOP_LOSS,
                trigger=1_500_000_000,
                **reduce,
            ),
        ),
        OK,
        ["ORDER-10", "COND-1"],
    )
    events = s.step(
        "ALICE sells her 0.01 BTC: her BTC reduce-only order goes, her ETH one stays",
        place(ALICE, order(ALICE, 3, SELL, CENTI_BTC, usd(28_000), gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-8"],
        show=subs(ALICE, DAVE),
    )
    assert removals(events) == [(ALICE, 1, "REDUCE_ONLY_RESIZED"), (ALICE, 3, "FULLY_FILLED")]
    assert [oid.client_id for oid in s.state.clob.untriggered] == [2]
    events = s.step(
        "ALICE sells her 0.1 ETH: her ETH reduce-only order goes",
        place(ALICE, order(ALICE, 4, SELL, 100_000_000, eth_price, clob=ETH, gtb=gtb, tif=IOC)),
        OK,
        ["MATCH-8"],
        show=subs(ALICE, DAVE),
    )
    assert (
        removals(events) == [(ALICE, 2, "REDUCE_ONLY_RESIZED"), (ALICE, 4, "FULLY_FILLED")]
        and not s.state.clob.untriggered
    )
    return s


SCENARIOS = [
    order_decoding,
    order_stateful_validation,
    clob_pair_status,
    limit_orders,
    market_orders_and_self_trade,
    post_only,
    collateral_checks,
    reduce_only,
    replacement,
    cancels,
    expiry,
    conditional_orders,
    trade_price_triggers,
    fee_tiers_by_volume,
    fee_rebate,
    no_fee_tiers,
    fill_amount_prune_block,
    fill_amount_prune_block_decoded,
    initializing_oracle_floor,
    reduce_only_flip,
    level_queue,
    clob_state_genesis,
    quote_exponents_near_zero,
    fee_tier_shares,
    order_without_oracle_price,
    add_to_book_boundary,
    fill_amount_prune_block_latest,
    fee_taker_rebate,
    volume_epoch_zero,
    reduce_only_other_perpetual,
]
"""The order-book scenarios, in the order they are appended to the ledger suite."""


__all__ = ["SCENARIOS"]
