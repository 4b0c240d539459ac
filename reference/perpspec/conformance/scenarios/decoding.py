"""
Scenarios of message decoding (spec/transition.md, TX-5): every decoding error code of the
ledger's messages, and the stateless validation of MsgPlaceOrder and MsgCancelOrder
(spec/clob.md, ORDER-1, ORDER-2).
"""

from __future__ import annotations

from typing import Any

from perpspec import errors
from perpspec.conformance.builders import (
    ALICE,
    AUTHORITY,
    BOB,
    BUY,
    CENTI_BTC,
    CONDITIONAL,
    FILL_OR_KILL,
    IOC,
    LONG_TERM,
    MALLORY,
    OK,
    POST_ONLY,
    SELL,
    STOP_LOSS,
    TAKE_PROFIT,
    Scenario,
    advance_block,
    cancel,
    deposit,
    funded,
    make_genesis,
    order,
    order_id,
    place,
    sub,
    subaccount_entry,
    transfer,
    types,
    update_prices,
    usd,
    withdraw,
)
from perpspec.units import UINT32_MAX, UINT64_MAX


def decoding() -> Scenario:
    s = Scenario(
        "message-decoding",
        "Every message-decoding error code: strict JSON shapes, integer types and ranges, addresses, subaccount numbers and stateless checks; nothing changes on any of them.",
        ["TX-5", "TX-2", "SUB-1", "SUB-11", "SUB-13", "PRICE-6"],
        ["ATOM-1", "DET-1"],
        make_genesis([subaccount_entry(ALICE, 0, 1_000)]),
    )
    base = deposit(ALICE, sub(ALICE), 5)
    t = s.time
    bad_checksum = ALICE[:-1] + ("q" if ALICE[-1] != "q" else "p")
    E = errors
    cases: list[tuple[str, Any, str]] = [
        ("a JSON array is not a message", [base], E.MalformedMessage.code),
        ("a string is not a message", "deposit", E.MalformedMessage.code),
        ("null is not a message", None, E.MalformedMessage.code),
        ("a number is not a message", 5, E.MalformedMessage.code),
        ("a nested subaccount id that is not an object", {**base, "recipient": "alice"}, E.MalformedMessage.code),
        (
            "a transfer body that is not an object",
            {**transfer(ALICE, sub(ALICE), sub(BOB), 1), "transfer": [1]},
            E.MalformedMessage.code,
        ),
        ("an unknown @type", {**base, "@type": "/dydxprotocol.sending.MsgNope"}, E.UnknownMessageType.code),
        ("no @type", {k: v for k, v in base.items() if k != "@type"}, E.UnknownMessageType.code),
        ("an @type that is not a string", {**base, "@type": 5}, E.UnknownMessageType.code),
        ("the empty object", {}, E.UnknownMessageType.code),
        ("a missing field", {k: v for k, v in base.items() if k != "quantums"}, E.InvalidField.code),
        ("an unknown field", {**base, "memo": "hi"}, E.InvalidField.code),
        ("an unknown field in a subaccount id", {**base, "recipient": {**sub(ALICE), "extra": 1}}, E.InvalidField.code),
        ("a subaccount id without a number", {**base, "recipient": {"owner": ALICE}}, E.InvalidField.code),
        ("quantums as a boolean", {**base, "quantums": True}, E.InvalidField.code),
        ("quantums as a JSON fraction", {**base, "quantums": 1.5}, E.InvalidField.code),
        ("quantums written 5.0", {**base, "quantums": 5.0}, E.InvalidField.code),
        ("quantums as the string 1.5", {**base, "quantums": "1.5"}, E.InvalidField.code),
        ("quantums as the string 5e3", {**base, "quantums": "5e3"}, E.InvalidField.code),
        ("quantums with a plus sign", {**base, "quantums": "+5"}, E.InvalidField.code),
        ("quantums as the empty string", {**base, "quantums": ""}, E.InvalidField.code),
        ("negative quantums", {**base, "quantums": "-1"}, E.InvalidField.code),
        ("quantums 2^64", {**base, "quantums": str(UINT64_MAX + 1)}, E.InvalidField.code),
        ("quantums as null", {**base, "quantums": None}, E.InvalidField.code),
        ("a subaccount number 2^32", {**base, "recipient": sub(ALICE, 2**32)}, E.InvalidField.code),
        ("a negative subaccount number", {**base, "recipient": sub(ALICE, -1)}, E.InvalidField.code),
        ("assetId as a boolean", {**base, "assetId": True}, E.InvalidField.code),
        ("a block height beyond uint32", advance_block(AUTHORITY, 2**32, t + 1), E.InvalidField.code),
        ("a block time as a fraction", {**advance_block(AUTHORITY, 2, t + 1), "time": 1.5}, E.InvalidField.code),
        ("a negative block time", advance_block(AUTHORITY, 2, -1), E.InvalidField.code),
        (
            "marketUpdates that is not a list",
            {**update_prices(AUTHORITY, []), "marketUpdates": {}},
            E.InvalidField.code,
        ),
        (
            "sourcePrices that is not a list",
            update_prices(AUTHORITY, [(0, [])]) | {"marketUpdates": [{"marketId": 0, "sourcePrices": "a"}]},
            E.InvalidField.code,
        ),
        ("a bech32 address with a bad checksum", {**base, "recipient": sub(bad_checksum)}, E.InvalidAddress.code),
        ("a cosmos1 address", {**base, "recipient": sub("cosmos1" + ALICE[len("dydx1") :])}, E.InvalidAddress.code),
        ("an upper-case address", {**base, "recipient": sub(ALICE.upper())}, E.InvalidAddress.code),
        ("an empty owner", {**base, "recipient": sub("")}, E.InvalidAddress.code),
        ("a signer with a bad checksum", deposit(bad_checksum, sub(ALICE), 5), E.InvalidAddress.code),
        ("a signer that is not a string", {**base, "signer": 5}, E.InvalidAddress.code),
        (
            "a withdrawal to a bad outside address",
            withdraw(ALICE, sub(ALICE), 5, recipient=bad_checksum),
            E.InvalidAddress.code,
        ),
        ("subaccount number 128", {**base, "recipient": sub(ALICE, 128)}, E.InvalidSubaccountId.code),
        ("a withdrawal from number 128", withdraw(ALICE, sub(ALICE, 128), 1), E.InvalidSubaccountId.code),
        ("asset 1 is not USDC", {**base, "assetId": 1}, E.NonUsdcAsset.code),
        ("a withdrawal of asset 1", {**withdraw(ALICE, sub(ALICE), 1), "assetId": 1}, E.NonUsdcAsset.code),
        ("a zero deposit", deposit(ALICE, sub(ALICE), 0), E.InvalidTransferAmount.code),
        ("a zero withdrawal", withdraw(ALICE, sub(ALICE), 0), E.InvalidTransferAmount.code),
        ("a transfer to the same subaccount", transfer(ALICE, sub(ALICE), sub(ALICE), 1), E.SenderSameAsRecipient.code),
        ("a source listed twice", update_prices(AUTHORITY, [(0, [("a", 1, t), ("a", 2, t)])]), E.DuplicateSource.code),
        ("a zero source price", update_prices(AUTHORITY, [(0, [("a", 0, t)])]), E.InvalidPrice.code),
        ("a market listed twice", update_prices(AUTHORITY, [(0, []), (0, [])]), E.DuplicateMarketUpdate.code),
        ("a market that does not exist", update_prices(AUTHORITY, [(7, [])]), E.UnknownMarket.code),
    ]
    for description, message, code in cases:
        s.step(description, message, code, show=[sub(ALICE)])
    s.step("2^64 - 1 is the largest uint64 and is accepted", {**base, "quantums": str(UINT64_MAX)}, OK)
    s.step("leading zeros are still a decimal integer", deposit(ALICE, sub(ALICE), "0000100"), OK)
    s.step(
        "400 characters of leading zeros and digits are one decimal integer, 250",
        deposit(ALICE, sub(ALICE), "0" * 397 + "250"),
        OK,
        ["TX-5"],
    )
    s.step("the decimal string -0 is zero: asset 0, USDC", {**base, "assetId": "-0"}, OK, ["TX-5"])
    s.step(
        "quantums -0 are zero: INVALID_TRANSFER_AMOUNT",
        {**base, "quantums": "-0"},
        E.InvalidTransferAmount.code,
        ["TX-5", "SUB-11"],
    )
    s.step("subaccount number -0 is number 0", {**base, "recipient": sub(ALICE, "-0")}, OK, ["TX-5", "SUB-1"])
    return s


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
