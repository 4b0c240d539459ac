"""
Per-rule tests of an order's fields and their stateless validation (spec/clob.md, ORDER-1,
ORDER-2).

Through ``apply_json`` on the default genesis (GEN-1), accounts funded by deposits; the
builders' variants, readers and the worked BTC-USD numbers are in helpers/clob.py.  In
short, on BTC-USD (clob pair 0): quote = floor(subticks * q / 1e9); taker fee
ceil(quote * 500 / 1e6), maker fee ceil(quote * 100 / 1e6) with the standard tier 1.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from helpers.clob import ASK, BID, FOK, LONG, TICK, cancel, funded, of_type, oid, ok, order, place, place_order
from helpers.ledger import apply_rejected
from perpspec.codec import encode_state
from perpspec.conformance.builders import ALICE, BUY, CONDITIONAL, IOC, POST_ONLY, STEP, STOP_LOSS, TAKE_PROFIT
from perpspec.default_genesis import GENESIS_TIME
from perpspec.messages import PLACE_ORDER_TYPE


def test_order_json_names_and_numbers():
    """ORDER-1: enums by proto name or number; the canonical form writes names and uint64 strings."""
    state = funded(ALICE)
    by_number = order(ALICE, 1, 1, STEP, BID, tif=0, condition=0, trigger=0)
    events = ok(state, place_order(by_number))
    placed = of_type(events, "OrderPlaced")[0]["order"]
    assert placed == {
        "orderId": oid(ALICE, 1),
        "side": "SIDE_BUY",
        "quantums": str(STEP),
        "subticks": str(BID),
        "goodTilBlock": 20,
        "timeInForce": "TIME_IN_FORCE_UNSPECIFIED",
        "reduceOnly": False,
        "clientMetadata": 0,
        "conditionType": "CONDITION_TYPE_UNSPECIFIED",
        "conditionalOrderTriggerSubticks": "0",
    }
    # Integers may be JSON numbers; clientMetadata is kept; a stateful order carries goodTilBlockTime
    events = ok(state, place(ALICE, 2, BUY, STEP, BID - TICK, flags=LONG, clientMetadata=42))
    placed = of_type(events, "OrderPlaced")[0]["order"]
    assert placed["clientMetadata"] == 42 and placed["goodTilBlockTime"] == GENESIS_TIME + 3_600
    assert "goodTilBlock" not in placed
    # The state's JSON holds the same canonical orders
    assert [o["orderId"]["clientId"] for o in encode_state(state)["clob"]["books"][0]["bids"]] == [1, 2]


@pytest.mark.parametrize("flags", [1, 16, 128, 256])
def test_other_order_flags_are_rejected(flags):
    """ORDER-1, ORDER-2: only flags 0, 32 and 64; TWAP (128) and TWAP suborders (256) are not part of perpspec."""
    apply_rejected(funded(ALICE), place(ALICE, 1, BUY, STEP, BID, flags=flags, gtb=20), "INVALID_ORDER_FLAG")
    apply_rejected(funded(ALICE), cancel(ALICE, 1, flags=flags, gtb=20), "INVALID_ORDER_FLAG")


@pytest.mark.parametrize("extra", ["twapParameters", "builderCodeParameters", "orderRouterAddress", "unknownField"])
def test_fields_outside_perpspec_are_rejected(extra):
    """ORDER-1, TX-5: builder codes, TWAP parameters and order-router fields are unknown fields."""
    body = order(ALICE, 1, BUY, STEP, BID)
    body[extra] = {} if extra != "orderRouterAddress" else ALICE
    apply_rejected(funded(ALICE), place_order(body), "INVALID_FIELD")


def _with(body: dict, **changes: Any) -> dict:
    body = copy.deepcopy(body)
    for key, value in changes.items():
        if value is None:
            body.pop(key, None)
        else:
            body[key] = value
    return body


BASE = order(ALICE, 1, BUY, STEP, BID)


STATEFUL = order(ALICE, 1, BUY, STEP, BID, flags=LONG)


COND = order(ALICE, 1, BUY, STEP, BID, flags=CONDITIONAL, condition=STOP_LOSS, trigger=ASK)


STATELESS_CASES = [
    # (order JSON, expected code): one failure each, in ValidateBasic's order (ORDER-2)
    (_with(BASE, timeInForce=FOK), "DEPRECATED_FIELD"),
    (_with(BASE, timeInForce=3, side="SIDE_UNSPECIFIED"), "DEPRECATED_FIELD"),
    (_with(BASE, side="SIDE_UNSPECIFIED"), "INVALID_ORDER_SIDE"),
    (_with(BASE, side=0), "INVALID_ORDER_SIDE"),
    (_with(BASE, side=3), "INVALID_ORDER_SIDE"),
    (_with(BASE, side="SIDE_LONG"), "INVALID_ORDER_SIDE"),
    (_with(BASE, timeInForce=4), "INVALID_TIME_IN_FORCE"),
    (_with(BASE, timeInForce="TIME_IN_FORCE_GTC"), "INVALID_TIME_IN_FORCE"),
    (_with(BASE, conditionType=3), "INVALID_CONDITION_TYPE"),
    (_with(BASE, quantums="0"), "INVALID_ORDER_QUANTUMS"),
    (_with(BASE, quantums="0", subticks="0"), "INVALID_ORDER_QUANTUMS"),
    (_with(BASE, goodTilBlock=None), "INVALID_ORDER_GOOD_TIL_BLOCK"),
    (_with(BASE, goodTilBlock=0), "INVALID_ORDER_GOOD_TIL_BLOCK"),
    (_with(BASE, goodTilBlock=None, goodTilBlockTime=GENESIS_TIME + 60), "INVALID_ORDER_GOOD_TIL_BLOCK"),
    (_with(STATEFUL, goodTilBlockTime=None), "INVALID_STATEFUL_ORDER_GOOD_TIL_BLOCK_TIME"),
    (_with(STATEFUL, goodTilBlockTime=None, goodTilBlock=20), "INVALID_STATEFUL_ORDER_GOOD_TIL_BLOCK_TIME"),
    (_with(COND, goodTilBlockTime=0), "INVALID_STATEFUL_ORDER_GOOD_TIL_BLOCK_TIME"),
    (_with(STATEFUL, timeInForce=IOC), "LONG_TERM_ORDERS_CANNOT_REQUIRE_IMMEDIATE_EXECUTION"),
    (
        _with(STATEFUL, timeInForce=IOC, reduceOnly=True, subticks="0"),
        "LONG_TERM_ORDERS_CANNOT_REQUIRE_IMMEDIATE_EXECUTION",
    ),
    (_with(BASE, reduceOnly=True), "REDUCE_ONLY_DISABLED"),
    (_with(BASE, reduceOnly=True, timeInForce=POST_ONLY, subticks="0"), "REDUCE_ONLY_DISABLED"),
    (_with(STATEFUL, reduceOnly=True), "REDUCE_ONLY_DISABLED"),
    (_with(BASE, subticks="0"), "INVALID_ORDER_SUBTICKS"),
    (_with(COND, subticks="0", conditionType=None), "INVALID_ORDER_SUBTICKS"),
    (_with(COND, conditionType=None), "INVALID_CONDITION_TYPE"),
    (_with(COND, conditionType="CONDITION_TYPE_UNSPECIFIED"), "INVALID_CONDITION_TYPE"),
    (_with(COND, conditionalOrderTriggerSubticks=None), "INVALID_CONDITIONAL_ORDER_TRIGGER_SUBTICKS"),
    (_with(COND, conditionType=None, conditionalOrderTriggerSubticks=None), "INVALID_CONDITION_TYPE"),
    (_with(BASE, conditionType=TAKE_PROFIT), "INVALID_CONDITION_TYPE"),
    (_with(STATEFUL, conditionType=STOP_LOSS, conditionalOrderTriggerSubticks="5"), "INVALID_CONDITION_TYPE"),
    (_with(BASE, conditionalOrderTriggerSubticks=str(BID)), "INVALID_CONDITIONAL_ORDER_TRIGGER_SUBTICKS"),
    # Shape errors (TX-5)
    (_with(BASE, goodTilBlockTime=GENESIS_TIME + 60), "INVALID_FIELD"),
    (_with(BASE, side=None), "INVALID_FIELD"),
    (_with(BASE, quantums="-1000000"), "INVALID_FIELD"),
    (_with(BASE, quantums=str(2**64)), "INVALID_FIELD"),
    (_with(BASE, subticks=1.5), "INVALID_FIELD"),
    (_with(BASE, reduceOnly="true"), "INVALID_FIELD"),
    (_with(BASE, goodTilBlock=2**32), "INVALID_FIELD"),
    (_with(BASE, clientMetadata=-1), "INVALID_FIELD"),
    (_with(BASE, side=True), "INVALID_FIELD"),
    (_with(BASE, orderId=_with(BASE["orderId"], clientId=2**32)), "INVALID_FIELD"),
    (_with(BASE, orderId=_with(BASE["orderId"], clobPairId=None)), "INVALID_FIELD"),
]


@pytest.mark.parametrize("body, code", STATELESS_CASES, ids=[f"{i}-{c}" for i, (_, c) in enumerate(STATELESS_CASES)])
def test_stateless_validation(body, code):
    """ORDER-2: each stateless check names its error, the first failing one in the real chain's order; TX-2."""
    apply_rejected(funded(ALICE), place_order(body), code)


def test_order_that_is_not_an_object_is_malformed():
    """ORDER-2, TX-5: an order that is not a JSON object is MALFORMED_MESSAGE."""
    apply_rejected(funded(ALICE), {"@type": PLACE_ORDER_TYPE, "signer": ALICE, "order": [1, 2]}, "MALFORMED_MESSAGE")


@pytest.mark.parametrize(
    "changes, code",
    [
        ({"timeInForce": FOK, "side": 7}, "DEPRECATED_FIELD"),
        ({"timeInForce": FOK, "conditionType": 9}, "DEPRECATED_FIELD"),
        # ValidateBasic checks that each enum value exists before it checks for SIDE_UNSPECIFIED
        ({"side": "SIDE_UNSPECIFIED", "timeInForce": 9}, "INVALID_TIME_IN_FORCE"),
        ({"side": "SIDE_UNSPECIFIED", "conditionType": 9}, "INVALID_CONDITION_TYPE"),
        ({"side": 7, "timeInForce": 9}, "INVALID_ORDER_SIDE"),
    ],
)
def test_stateless_validation_order_with_unknown_enum_values(changes, code):
    """ORDER-2: 'the first failure naming the error' holds for unknown enum values too."""
    apply_rejected(funded(ALICE), place_order(_with(BASE, **changes)), code)
