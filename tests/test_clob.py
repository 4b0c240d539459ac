"""
Per-rule tests of the order book and matching engine (spec/clob.md), through the one
transition function (``apply_json``) on the default genesis (GEN-1), accounts funded by
deposits.  Every test names the rules it checks; helpers shared with
test_clob_matching.py and test_clob_properties.py live here.

Numbers are worked by hand from the default genesis, BTC-USD clob pair 0:

  oracle price 2_868_819_524e-5 USD, atomic resolution -10, quantum conversion exponent -9;
  subticks exponent = -5 - (-9) + (-10) - (-6) = 0, so the oracle is 2_868_819_524 subticks.
  step 1_000_000 base quantums (0.0001 BTC), tick 100_000 subticks.
  A fill's quote is floor(subticks * q * 10^-9) (UNITS-6, MATCH-2):
    2_868_800_000 * 3_000_000 / 1e9 = 8_606_400.
  Fees (tier 1 of the standard tiers: maker 100 ppm, taker 500 ppm, FEE-2):
    taker ceil(8_606_400 * 500 / 1e6) = ceil(4_303.2) = 4_304
    maker ceil(8_606_400 * 100 / 1e6) = ceil(860.64) = 861.

Every rejection goes through ``apply_rejected`` (ledger_helpers), which asserts that the
state hash and the canonical state bytes are unchanged (TX-2); every acceptance goes
through ``ok``, which also runs the full invariant scan (INV-1..INV-10).
"""

from __future__ import annotations

import copy
import dataclasses
from typing import Any

import ledger_helpers as h
import pytest
from ledger_helpers import (
    ALICE,
    AUTHORITY,
    BOB,
    CAROL,
    DAVE,
    GENESIS_TIME,
    MALLORY,
    advance_block,
    apply_rejected,
    deposit,
    make_genesis,
    subaccount_entry,
    update_prices,
)

from perpspec import errors
from perpspec.clob.state import ClobPairStatus
from perpspec.codec import encode_state
from perpspec.default_genesis import default_genesis, default_genesis_json
from perpspec.genesis import load_genesis
from perpspec.invariants import check_clob_invariants, check_state_invariants
from perpspec.messages import CANCEL_ORDER_TYPE, PLACE_ORDER_TYPE
from perpspec.state import State
from perpspec.transition import apply_json, full_state_bytes
from perpspec.types import SubaccountId

# --- constants --------------------------------------------------------------------------

BTC_PAIR, ETH_PAIR, SOL_PAIR = 0, 1, 5
STEP = 1_000_000
TICK = 100_000
ORACLE = 2_868_819_524  # BTC oracle in subticks
BID = 2_868_800_000  # one tick-aligned price just below the oracle
ASK = 2_868_900_000  # just above
BUY, SELL = "SIDE_BUY", "SIDE_SELL"
GTT, IOC, POST_ONLY, FOK = (
    "TIME_IN_FORCE_UNSPECIFIED",
    "TIME_IN_FORCE_IOC",
    "TIME_IN_FORCE_POST_ONLY",
    "TIME_IN_FORCE_FILL_OR_KILL",
)
SHORT, CONDITIONAL, LONG = 0, 32, 64
STOP_LOSS, TAKE_PROFIT = "CONDITION_TYPE_STOP_LOSS", "CONDITION_TYPE_TAKE_PROFIT"
USD = 10**6  # quote quantums per USDC
TAKER_PPM, MAKER_PPM = 500, 100  # tier 1 of the standard fee tiers


# --- message builders ---------------------------------------------------------------------


def oid(owner: str, client_id: int, flags: int = SHORT, pair: int = BTC_PAIR, number: int = 0) -> dict:
    return {
        "subaccountId": {"owner": owner, "number": number},
        "clientId": client_id,
        "orderFlags": flags,
        "clobPairId": pair,
    }


def order(
    owner: str,
    client_id: int,
    side: Any,
    quantums: Any,
    subticks: Any,
    *,
    gtb: int | None = None,
    gtbt: int | None = None,
    tif: Any = GTT,
    reduce_only: bool = False,
    flags: int = SHORT,
    pair: int = BTC_PAIR,
    number: int = 0,
    condition: Any = None,
    trigger: Any = None,
    **extra: Any,
) -> dict:
    """An order's JSON; short-term orders default to goodTilBlock 20, stateful ones to an hour."""
    body: dict[str, Any] = {
        "orderId": oid(owner, client_id, flags, pair, number),
        "side": side,
        "quantums": str(quantums) if isinstance(quantums, int) else quantums,
        "subticks": str(subticks) if isinstance(subticks, int) else subticks,
        "timeInForce": tif,
        "reduceOnly": reduce_only,
    }
    if gtb is None and gtbt is None:
        if flags == SHORT:
            gtb = 20
        else:
            gtbt = GENESIS_TIME + 3_600
    if gtb is not None:
        body["goodTilBlock"] = gtb
    if gtbt is not None:
        body["goodTilBlockTime"] = gtbt
    if condition is not None:
        body["conditionType"] = condition
    if trigger is not None:
        body["conditionalOrderTriggerSubticks"] = str(trigger)
    body.update(extra)
    return body


def place(
    owner: str, client_id: int, side: Any, quantums: Any, subticks: Any, signer: str | None = None, **kw: Any
) -> dict:
    return {
        "@type": PLACE_ORDER_TYPE,
        "signer": owner if signer is None else signer,
        "order": order(owner, client_id, side, quantums, subticks, **kw),
    }


def place_order(body: dict, signer: str | None = None) -> dict:
    return {
        "@type": PLACE_ORDER_TYPE,
        "signer": body["orderId"]["subaccountId"]["owner"] if signer is None else signer,
        "order": body,
    }


def cancel(
    owner: str,
    client_id: int,
    *,
    flags: int = SHORT,
    pair: int = BTC_PAIR,
    number: int = 0,
    gtb: int | None = None,
    gtbt: int | None = None,
    signer: str | None = None,
) -> dict:
    message: dict[str, Any] = {
        "@type": CANCEL_ORDER_TYPE,
        "signer": owner if signer is None else signer,
        "orderId": oid(owner, client_id, flags, pair, number),
    }
    if gtb is not None:
        message["goodTilBlock"] = gtb
    if gtbt is not None:
        message["goodTilBlockTime"] = gtbt
    return message


def next_block(state: State, seconds: int = 1) -> dict:
    return advance_block(AUTHORITY, state.blocks.height + 1, state.blocks.time + seconds)


def set_price(state: State, market_id: int, price: int) -> dict:
    """An oracle update with three fresh sources at one price (PRICE-2..5)."""
    return update_prices(AUTHORITY, [(market_id, [(f"s{i}", price, state.blocks.time) for i in range(3)])])


# --- applying -------------------------------------------------------------------------------


def ok(state: State, message: dict) -> list[dict]:
    """Apply a message that must be accepted; every state invariant must hold after it (INV-1..INV-10)."""
    outcome = apply_json(state, message)
    assert outcome.accepted, f"expected acceptance, got {outcome.error.code}: {outcome.error.message}"
    assert check_state_invariants(state) == []
    return outcome.events


def funded(*owners: str, usdc: int = 10_000 * USD, genesis: dict | None = None) -> State:
    """The default genesis (or ``genesis``) with each owner's subaccount 0 funded by a deposit."""
    state = load_genesis(copy.deepcopy(genesis)) if genesis is not None else default_genesis()
    for owner in owners:
        ok(state, deposit(owner, {"owner": owner, "number": 0}, usdc))
    return state


def genesis_variant(**clob_pair_changes: Any) -> dict:
    """The default genesis JSON with BTC clob pair 0's fields changed."""
    genesis = default_genesis_json()
    pair = next(p for p in genesis["clob"]["clobPairs"] if p["id"] == BTC_PAIR)
    pair.update(clob_pair_changes)
    return genesis


# --- reading events and state ---------------------------------------------------------------


def of_type(events: list[dict], kind: str) -> list[dict]:
    return [e for e in events if e["type"] == kind]


def removals(events: list[dict]) -> list[tuple[str, int, str]]:
    """(owner, client id, reason) of every OrderRemoved event, in order."""
    return [
        (e["orderId"]["subaccountId"]["owner"], e["orderId"]["clientId"], e["reason"])
        for e in of_type(events, "OrderRemoved")
    ]


def fills(events: list[dict]) -> list[tuple[str, str, int, int]]:
    """(taker owner, maker owner, fill quantums, subticks) of every OrderFill event, in order."""
    return [
        (
            e["takerOrderId"]["subaccountId"]["owner"],
            e["makerOrderId"]["subaccountId"]["owner"],
            int(e["fillQuantums"]),
            int(e["subticks"]),
        )
        for e in of_type(events, "OrderFill")
    ]


def position(state: State, owner: str, perpetual_id: int = 0, number: int = 0) -> int:
    stored = state.subaccounts.subaccounts.get(SubaccountId(owner, number))
    if stored is None or perpetual_id not in stored.positions:
        return 0
    return stored.positions[perpetual_id].quantums


def usdc(state: State, owner: str, number: int = 0) -> int:
    return h.usdc(state, owner, number)


def book(state: State, pair: int = BTC_PAIR) -> dict[str, list[tuple[str, int, int]]]:
    """The book as its JSON lists it (priority order): (owner, client id, subticks) per side."""
    for entry in encode_state(state)["clob"]["books"]:
        if entry["clobPairId"] == pair:
            return {
                side: [
                    (o["orderId"]["subaccountId"]["owner"], o["orderId"]["clientId"], int(o["subticks"]))
                    for o in entry[side]
                ]
                for side in ("bids", "asks")
            }
    return {"bids": [], "asks": []}


def remaining(state: State, owner: str, client_id: int, flags: int = SHORT, pair: int = BTC_PAIR) -> int | None:
    """An order's remaining size on the book (ORDER-11), or None when it is not resting."""
    for entry_id, entry in state.clob.resting.items():
        if (
            entry_id.subaccount_id.owner == owner
            and entry_id.client_id == client_id
            and entry_id.order_flags == flags
            and entry_id.clob_pair_id == pair
        ):
            return entry.order.quantums - state.clob.fill_amounts.get(entry_id, 0)
    return None


def quote_of(subticks: int, quantums: int) -> int:
    """floor(subticks * q * 10^-9) for the default pairs' qce -9 (MATCH-2)."""
    return subticks * quantums // 10**9


def fee_of(quote: int, ppm: int) -> int:
    """ceil(quote * ppm / 1e6), Euclidean for a negative ppm (FEE-2)."""
    return -((-quote * ppm) // 10**6)


# ============================================================================================
# CLOB-1, CLOB-2: clob pairs and their statuses
# ============================================================================================


@pytest.mark.parametrize("status", ["STATUS_PAUSED", "STATUS_CANCEL_ONLY", "STATUS_POST_ONLY"])
def test_genesis_rejects_unsupported_clob_pair_status(status):
    """CLOB-1: PAUSED, CANCEL_ONLY and POST_ONLY are named by the protos but not supported."""
    with pytest.raises(errors.InvalidGenesis, match="not supported"):
        load_genesis(genesis_variant(status=status))


@pytest.mark.parametrize("status", ["STATUS_ACTIVE", "STATUS_INITIALIZING", "STATUS_FINAL_SETTLEMENT"])
def test_genesis_accepts_supported_clob_pair_status(status):
    """CLOB-1: ACTIVE, INITIALIZING and FINAL_SETTLEMENT are supported; the pair's fields are kept."""
    state = load_genesis(genesis_variant(status=status))
    pair = state.clob.clob_pairs[BTC_PAIR]
    assert pair.status.name == status.removeprefix("STATUS_")
    assert (pair.perpetual_id, pair.step_base_quantums, pair.subticks_per_tick, pair.quantum_conversion_exponent) == (
        0,
        STEP,
        TICK,
        -9,
    )
    assert encode_state(state)["clob"]["clobPairs"][0]["status"] == status


def test_genesis_rejects_unknown_clob_pair_status_and_bad_fields():
    """CLOB-1: an unknown status, a zero step or tick, or an unknown perpetual is rejected."""
    for changes in ({"status": "STATUS_WHATEVER"}, {"stepBaseQuantums": "0"}, {"subticksPerTick": 0}):
        with pytest.raises(errors.InvalidGenesis):
            load_genesis(genesis_variant(**changes))
    with pytest.raises(errors.InvalidGenesis, match="unknown perpetual"):
        load_genesis(genesis_variant(perpetualClobMetadata={"perpetualId": 77}))


def test_initializing_pair_takes_only_short_term_post_only_orders():
    """CLOB-2: INITIALIZING accepts short-term post-only orders only, each on its side of the oracle; cancels are accepted."""
    state = funded(ALICE, BOB, genesis=genesis_variant(status="STATUS_INITIALIZING"))
    oracle = 2_900_000_000
    ok(state, set_price(state, 0, oracle))  # an oracle on a tick, so both sides may quote it
    code = "ORDER_CONFLICTS_WITH_CLOB_PAIR_STATUS"
    apply_rejected(state, place(BOB, 1, SELL, STEP, oracle + TICK, tif=GTT), code)
    apply_rejected(state, place(BOB, 1, SELL, STEP, oracle + TICK, tif=IOC), code)
    apply_rejected(state, place(BOB, 1, SELL, STEP, oracle + TICK, flags=LONG, tif=POST_ONLY), code)
    apply_rejected(
        state,
        place(BOB, 1, SELL, STEP, oracle + TICK, flags=CONDITIONAL, tif=POST_ONLY, condition=STOP_LOSS, trigger=BID),
        code,
    )
    # Post-only buys at or below the oracle, sells at or above it
    apply_rejected(state, place(ALICE, 1, BUY, STEP, oracle + TICK, tif=POST_ONLY), code)
    apply_rejected(state, place(BOB, 1, SELL, STEP, oracle - TICK, tif=POST_ONLY), code)
    assert of_type(ok(state, place(ALICE, 1, BUY, STEP, oracle, tif=POST_ONLY)), "OrderOnBook")
    assert of_type(ok(state, place(ALICE, 2, BUY, STEP, oracle - TICK, tif=POST_ONLY)), "OrderOnBook")
    # A sell at the oracle crosses the buy there; post-only never fills (MATCH-5), so nothing trades
    events = ok(state, place(BOB, 2, SELL, STEP, oracle, tif=POST_ONLY))
    assert removals(events) == [(BOB, 2, "POST_ONLY_WOULD_CROSS_MAKER_ORDER")] and not fills(events)
    assert of_type(ok(state, place(BOB, 3, SELL, STEP, oracle + TICK, tif=POST_ONLY)), "OrderOnBook")
    # Cancels are accepted in every status
    events = ok(state, cancel(ALICE, 1, gtb=20))
    assert removals(events) == [(ALICE, 1, "CANCELED")]


def test_initializing_pair_rounds_the_oracle_down():
    """CLOB-2: the INITIALIZING side test uses the oracle price in subticks rounded down."""
    # With qce -8 the BTC oracle is 2_868_819_524e-1 = 286_881_952.4 subticks; tick 1 lets orders quote near it
    genesis = genesis_variant(status="STATUS_INITIALIZING", quantumConversionExponent=-8, subticksPerTick=1)
    state = funded(ALICE, BOB, genesis=genesis)
    code = "ORDER_CONFLICTS_WITH_CLOB_PAIR_STATUS"
    assert of_type(ok(state, place(BOB, 1, SELL, STEP, 286_881_952, tif=POST_ONLY)), "OrderOnBook")  # 952 >= floor
    apply_rejected(state, place(BOB, 2, SELL, STEP, 286_881_951, tif=POST_ONLY), code)
    assert of_type(ok(state, place(ALICE, 1, BUY, STEP, 286_881_951, tif=POST_ONLY)), "OrderOnBook")
    apply_rejected(state, place(ALICE, 2, BUY, STEP, 286_881_953, tif=POST_ONLY), code)  # 953 > floor
    # A buy at the floor is accepted too, and crosses the sell there: post-only, so it is removed
    events = ok(state, place(ALICE, 3, BUY, STEP, 286_881_952, tif=POST_ONLY))
    assert removals(events) == [(ALICE, 3, "POST_ONLY_WOULD_CROSS_MAKER_ORDER")]


def test_final_settlement_pair_accepts_no_order_but_cancels():
    """CLOB-2: FINAL_SETTLEMENT accepts no order of any kind; cancels are accepted."""
    state = funded(ALICE, genesis=genesis_variant(status="STATUS_FINAL_SETTLEMENT"))
    code = "ORDER_CONFLICTS_WITH_CLOB_PAIR_STATUS"
    for kwargs in (
        {"tif": GTT},
        {"tif": IOC},
        {"tif": POST_ONLY},
        {"flags": LONG},
        {"flags": CONDITIONAL, "condition": TAKE_PROFIT, "trigger": BID},
    ):
        apply_rejected(state, place(ALICE, 1, BUY, STEP, BID, **kwargs), code)
    events = ok(state, cancel(ALICE, 1, gtb=5))
    assert of_type(events, "OrderCancelRecorded")
    # Other pairs keep trading
    assert of_type(ok(state, place(ALICE, 2, BUY, STEP, 1_800_000_000, pair=ETH_PAIR)), "OrderOnBook")


def _genesis_with_triggering_conditional(status: str) -> dict:
    """SOL pair 5 in ``status``, Alice funded, and a take-profit buy whose trigger is above the oracle."""
    genesis = make_genesis([subaccount_entry(ALICE, usdc=10_000 * USD)])
    next(p for p in genesis["clob"]["clobPairs"] if p["id"] == SOL_PAIR)["status"] = status
    waiting = order(
        ALICE,
        7,
        BUY,
        STEP,
        2_351_000_000,
        flags=CONDITIONAL,
        pair=SOL_PAIR,
        condition=TAKE_PROFIT,
        trigger=2_351_000_000,
    )
    genesis["clob"] |= {"books": [], "untriggeredOrders": [waiting], "fillAmounts": [], "shortTermCancels": []}
    return genesis


@pytest.mark.parametrize("status", ["STATUS_FINAL_SETTLEMENT", "STATUS_INITIALIZING"])
def test_genesis_rejects_orders_the_pair_does_not_accept(status):
    """CLOB-2, CLOB-3: a genesis order (here untriggered) that its pair's status does not accept is rejected."""
    with pytest.raises(errors.InvalidGenesis, match="CLOB-2"):
        load_genesis(_genesis_with_triggering_conditional(status))


@pytest.mark.parametrize("status", ["FINAL_SETTLEMENT", "INITIALIZING"])
def test_triggered_order_on_a_pair_that_no_longer_accepts_it_is_removed(status):
    """CLOB-2: a triggered conditional order whose pair no longer accepts it is removed (reason CLOB_PAIR_STATUS)."""
    state = load_genesis(_genesis_with_triggering_conditional("STATUS_ACTIVE"))
    # perpspec has no message that changes a pair's status; the real chain's governance does
    pair = state.clob.clob_pairs[SOL_PAIR]
    state.clob.clob_pairs[SOL_PAIR] = dataclasses.replace(pair, status=ClobPairStatus[status])
    events = ok(state, next_block(state))
    assert [e["type"] for e in events] == ["BlockStarted", "ConditionalOrderTriggered", "OrderRemoved"]
    assert removals(events) == [(ALICE, 7, "CLOB_PAIR_STATUS")]
    assert state.clob.resting == {} and state.clob.untriggered == {}


def test_triggered_order_on_an_active_pair_is_placed():
    """CLOB-2, COND-2: the same conditional order on an ACTIVE pair triggers and rests on the book."""
    state = load_genesis(_genesis_with_triggering_conditional("STATUS_ACTIVE"))
    outcome = apply_json(state, next_block(state))
    assert outcome.accepted
    assert [e["type"] for e in outcome.events] == ["BlockStarted", "ConditionalOrderTriggered", "OrderOnBook"]
    assert remaining(state, ALICE, 7, CONDITIONAL, SOL_PAIR) == STEP
    assert state.clob.untriggered == {}


def test_state_with_a_resting_triggered_order_keeps_invariants_and_round_trips():
    """INV-10, CODEC-1, CLOB-3, COND-2: a triggered conditional order may rest; the state keeps its invariants and decodes."""
    state = load_genesis(_genesis_with_triggering_conditional("STATUS_ACTIVE"))
    assert apply_json(state, next_block(state)).accepted
    assert check_state_invariants(state) == []
    assert full_state_bytes(load_genesis(encode_state(state))) == full_state_bytes(state)


# ============================================================================================
# ORDER-1, ORDER-2: fields and stateless validation
# ============================================================================================


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


# ============================================================================================
# ORDER-3, ORDER-4, ORDER-5: stateful validation, windows, signers
# ============================================================================================


def test_stateful_validation():
    """ORDER-3: the pair exists; sizes and prices are whole steps and ticks; the market has a price."""
    state = funded(ALICE)
    apply_rejected(state, place(ALICE, 1, BUY, STEP, BID, pair=2), "INVALID_CLOB")
    apply_rejected(state, place(ALICE, 1, BUY, STEP + 1, BID), "INVALID_PLACE_ORDER")
    apply_rejected(state, place(ALICE, 1, BUY, STEP // 2, BID), "INVALID_PLACE_ORDER")
    apply_rejected(state, place(ALICE, 1, BUY, STEP, BID + 1), "INVALID_PLACE_ORDER")
    apply_rejected(
        state,
        place(ALICE, 1, BUY, STEP, BID, flags=CONDITIONAL, condition=STOP_LOSS, trigger=BID + TICK // 2),
        "INVALID_PLACE_ORDER",
    )
    # SOL's tick is 1_000_000 subticks: a BTC-aligned price is not a SOL-aligned one
    apply_rejected(state, place(ALICE, 1, BUY, STEP, 2_350_100_000, pair=SOL_PAIR), "INVALID_PLACE_ORDER")
    assert of_type(ok(state, place(ALICE, 1, BUY, STEP, 2_350_000_000, pair=SOL_PAIR)), "OrderOnBook")
    # Step and tick come before the status (ORDER-3's order)
    fs = funded(ALICE, genesis=genesis_variant(status="STATUS_FINAL_SETTLEMENT"))
    apply_rejected(fs, place(ALICE, 1, BUY, STEP + 1, BID), "INVALID_PLACE_ORDER")
    apply_rejected(fs, place(ALICE, 1, BUY, STEP, BID, gtb=500), "ORDER_CONFLICTS_WITH_CLOB_PAIR_STATUS")


def test_order_on_a_market_without_price_is_not_updatable():
    """ORDER-3, PRICE-7: an order on a perpetual whose market has no price yet is POSITION_NOT_UPDATABLE."""
    genesis = default_genesis_json()
    h.market_price_json(genesis, 0)["price"] = "0"
    state = funded(ALICE, genesis=genesis)
    apply_rejected(state, place(ALICE, 1, BUY, STEP, BID), "POSITION_NOT_UPDATABLE")
    apply_rejected(state, place(ALICE, 1, BUY, STEP, BID, gtb=100), "GOOD_TIL_BLOCK_EXCEEDS_SHORT_BLOCK_WINDOW")
    assert of_type(ok(state, place(ALICE, 1, BUY, STEP, 1_800_000_000, pair=ETH_PAIR)), "OrderOnBook")


def test_short_term_window():
    """ORDER-4: height <= goodTilBlock <= height + 40, for orders and short-term cancels."""
    state = funded(ALICE)
    ok(state, next_block(state))
    ok(state, next_block(state))  # height 3
    assert state.blocks.height == 3
    apply_rejected(state, place(ALICE, 1, BUY, STEP, BID, gtb=2), "HEIGHT_EXCEEDS_GOOD_TIL_BLOCK")
    apply_rejected(state, place(ALICE, 1, BUY, STEP, BID, gtb=44), "GOOD_TIL_BLOCK_EXCEEDS_SHORT_BLOCK_WINDOW")
    apply_rejected(state, cancel(ALICE, 1, gtb=2), "HEIGHT_EXCEEDS_GOOD_TIL_BLOCK")
    apply_rejected(state, cancel(ALICE, 1, gtb=44), "GOOD_TIL_BLOCK_EXCEEDS_SHORT_BLOCK_WINDOW")
    ok(state, place(ALICE, 1, BUY, STEP, BID, gtb=3))
    ok(state, place(ALICE, 2, BUY, STEP, BID, gtb=43))
    ok(state, cancel(ALICE, 9, gtb=3))
    ok(state, cancel(ALICE, 10, gtb=43))


def test_stateful_window():
    """ORDER-4: blockTime < goodTilBlockTime <= blockTime + 95 days, for orders and stateful cancels."""
    state = funded(ALICE)
    t = state.blocks.time
    window = 95 * 24 * 3_600
    for flags, extra in ((LONG, {}), (CONDITIONAL, {"condition": STOP_LOSS, "trigger": BID})):
        apply_rejected(
            state, place(ALICE, 1, BUY, STEP, BID, flags=flags, gtbt=t, **extra), "TIME_EXCEEDS_GOOD_TIL_BLOCK_TIME"
        )
        apply_rejected(
            state,
            place(ALICE, 1, BUY, STEP, BID, flags=flags, gtbt=t + window + 1, **extra),
            "GOOD_TIL_BLOCK_TIME_EXCEEDS_STATEFUL_ORDER_TIME_WINDOW",
        )
        ok(state, place(ALICE, 1, BUY, STEP, BID, flags=flags, gtbt=t + window, **extra))
        ok(state, place(ALICE, 2, BUY, STEP, BID, flags=flags, gtbt=t + 1, **extra))
    apply_rejected(state, cancel(ALICE, 1, flags=LONG, gtbt=t), "TIME_EXCEEDS_GOOD_TIL_BLOCK_TIME")
    apply_rejected(
        state,
        cancel(ALICE, 1, flags=LONG, gtbt=t + window + 1),
        "GOOD_TIL_BLOCK_TIME_EXCEEDS_STATEFUL_ORDER_TIME_WINDOW",
    )
    ok(state, cancel(ALICE, 1, flags=LONG, gtbt=t + window))


def test_only_the_owner_places_and_cancels():
    """ORDER-5: place and cancel messages are signed by the owner of the order's subaccount."""
    state = funded(ALICE, BOB)
    apply_rejected(state, place(ALICE, 1, BUY, STEP, BID, signer=BOB), "UNAUTHORIZED")
    ok(state, place(ALICE, 1, BUY, STEP, BID))
    apply_rejected(state, cancel(ALICE, 1, gtb=20, signer=BOB), "UNAUTHORIZED")
    ok(state, place(ALICE, 2, BUY, STEP, BID - TICK, flags=LONG))
    apply_rejected(state, cancel(ALICE, 2, flags=LONG, gtbt=GENESIS_TIME + 3_600, signer=MALLORY), "UNAUTHORIZED")
    # A subaccount other than 0 of the same owner is the owner's too
    ok(state, deposit(ALICE, {"owner": ALICE, "number": 3}, 100 * USD))
    ok(state, place(ALICE, 1, BUY, STEP, BID - 2 * TICK, number=3))


# ============================================================================================
# ORDER-6, ORDER-7, ORDER-8: replacement and cancels
# ============================================================================================


def test_replacement():
    """ORDER-6: a later expiry with the same side, TIF and reduce-only replaces; size and price may change."""
    state = funded(ALICE, BOB, CAROL)
    ok(state, place(ALICE, 1, BUY, 2 * STEP, BID, gtb=10))
    ok(state, place(CAROL, 1, BUY, 2 * STEP, BID, gtb=10))
    assert book(state)["bids"] == [(ALICE, 1, BID), (CAROL, 1, BID)]
    apply_rejected(state, place(ALICE, 1, BUY, 3 * STEP, BID, gtb=10), "ORDER_ALREADY_EXISTS")
    apply_rejected(state, place(ALICE, 1, BUY, 2 * STEP, BID, gtb=9), "INVALID_REPLACEMENT")
    apply_rejected(state, place(ALICE, 1, SELL, 2 * STEP, ASK, gtb=11), "INVALID_REPLACEMENT")
    apply_rejected(state, place(ALICE, 1, BUY, 2 * STEP, BID, gtb=11, tif=POST_ONLY), "INVALID_REPLACEMENT")
    events = ok(state, place(ALICE, 1, BUY, 3 * STEP, BID, gtb=11))
    assert [e["type"] for e in events] == ["OrderPlaced", "OrderRemoved", "OrderOnBook"]
    assert events[0]["replaces"] is True
    assert removals(events) == [(ALICE, 1, "REPLACED")]
    # The replacement takes a new place in time priority (behind Carol)
    assert book(state)["bids"] == [(CAROL, 1, BID), (ALICE, 1, BID)]
    assert remaining(state, ALICE, 1) == 3 * STEP
    # Price may change
    ok(state, place(ALICE, 1, BUY, 3 * STEP, BID + TICK, gtb=12))
    assert book(state)["bids"][0] == (ALICE, 1, BID + TICK)
    # Stateful: a later goodTilBlockTime replaces
    ok(state, place(BOB, 5, SELL, STEP, ASK + TICK, flags=LONG, gtbt=GENESIS_TIME + 100))
    apply_rejected(
        state, place(BOB, 5, SELL, STEP, ASK + 2 * TICK, flags=LONG, gtbt=GENESIS_TIME + 100), "ORDER_ALREADY_EXISTS"
    )
    apply_rejected(
        state, place(BOB, 5, SELL, STEP, ASK + 2 * TICK, flags=LONG, gtbt=GENESIS_TIME + 99), "INVALID_REPLACEMENT"
    )
    events = ok(state, place(BOB, 5, SELL, 2 * STEP, ASK + 2 * TICK, flags=LONG, gtbt=GENESIS_TIME + 101))
    assert removals(events) == [(BOB, 5, "REPLACED")]
    assert remaining(state, BOB, 5, LONG) == 2 * STEP
    assert check_clob_invariants(state) == []


def test_replacement_keeps_the_filled_amount():
    """ORDER-6, ORDER-11: a replaced order's filled amount stays; the remainder is quantums minus it."""
    state = funded(ALICE, BOB)
    ok(state, place(ALICE, 1, BUY, 10 * STEP, BID, gtb=10))
    ok(state, place(BOB, 1, SELL, 4 * STEP, BID, tif=IOC))
    assert remaining(state, ALICE, 1) == 6 * STEP
    events = ok(state, place(ALICE, 1, BUY, 10 * STEP, BID, gtb=11))
    assert of_type(events, "OrderOnBook")[0]["remainingQuantums"] == str(6 * STEP)
    apply_rejected(state, place(ALICE, 1, BUY, 4 * STEP, BID, gtb=12), "ORDER_FULLY_FILLED")
    events = ok(state, place(ALICE, 1, BUY, 5 * STEP, BID, gtb=12))
    assert of_type(events, "OrderOnBook")[0]["remainingQuantums"] == str(STEP)
    # The next fill counts on top of the 4 steps filled before
    events = ok(state, place(BOB, 2, SELL, 3 * STEP, BID, tif=IOC))
    assert fills(events) == [(BOB, ALICE, STEP, BID)]
    assert of_type(events, "OrderFill")[0]["makerTotalFilled"] == str(5 * STEP)
    assert removals(events) == [(ALICE, 1, "FULLY_FILLED"), (BOB, 2, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK")]


def test_short_term_cancel():
    """ORDER-7: a short-term cancel holds until its block, removes orders expiring by then, blocks placing."""
    state = funded(ALICE)
    ok(state, place(ALICE, 1, BUY, STEP, BID, gtb=10))
    events = ok(state, cancel(ALICE, 1, gtb=9))
    assert events == [{"type": "OrderCancelRecorded", "orderId": oid(ALICE, 1), "goodTilBlock": 9}]
    assert remaining(state, ALICE, 1) == STEP  # the order's goodTilBlock 10 is above the cancel's
    apply_rejected(state, cancel(ALICE, 1, gtb=9), "CANCEL_ALREADY_EXISTS")
    apply_rejected(state, cancel(ALICE, 1, gtb=8), "CANCEL_ALREADY_EXISTS")
    events = ok(state, cancel(ALICE, 1, gtb=10))
    assert removals(events) == [(ALICE, 1, "CANCELED")]
    assert remaining(state, ALICE, 1) is None
    assert encode_state(state)["clob"]["shortTermCancels"] == [{"orderId": oid(ALICE, 1), "goodTilBlock": 10}]
    apply_rejected(state, place(ALICE, 1, BUY, STEP, BID, gtb=10), "ORDER_IS_CANCELED")
    apply_rejected(state, place(ALICE, 1, BUY, STEP, BID, gtb=5), "ORDER_IS_CANCELED")
    assert of_type(ok(state, place(ALICE, 1, BUY, STEP, BID, gtb=11)), "OrderOnBook")
    # A cancel of an id with no live order is accepted and recorded
    events = ok(state, cancel(ALICE, 99, gtb=2))
    assert removals(events) == []
    assert {"orderId": oid(ALICE, 99), "goodTilBlock": 2} in encode_state(state)["clob"]["shortTermCancels"]
    apply_rejected(state, place(ALICE, 99, BUY, STEP, BID, gtb=2), "ORDER_IS_CANCELED")
    # A short-term cancel needs a goodTilBlock; a stateful one a goodTilBlockTime
    apply_rejected(state, cancel(ALICE, 1), "INVALID_ORDER_GOOD_TIL_BLOCK")
    apply_rejected(state, cancel(ALICE, 1, gtbt=GENESIS_TIME + 5), "INVALID_ORDER_GOOD_TIL_BLOCK")
    apply_rejected(state, cancel(ALICE, 1, flags=LONG, gtb=5), "INVALID_STATEFUL_ORDER_GOOD_TIL_BLOCK_TIME")
    apply_rejected(state, cancel(ALICE, 1, gtb=5, gtbt=GENESIS_TIME + 5), "INVALID_FIELD")
    apply_rejected(state, cancel(ALICE, 1, pair=9, gtb=5), "INVALID_CLOB")


def test_short_term_cancel_lapses_after_its_block():
    """ORDER-7, ORDER-9: the cancel is forgotten once its goodTilBlock has ended."""
    state = funded(ALICE)
    ok(state, cancel(ALICE, 1, gtb=2))
    ok(state, next_block(state))  # height 2: block 1 ended
    apply_rejected(state, place(ALICE, 1, BUY, STEP, BID, gtb=2), "ORDER_IS_CANCELED")
    ok(state, next_block(state))  # height 3: block 2 ended, the cancel lapses
    assert encode_state(state)["clob"]["shortTermCancels"] == []
    assert of_type(ok(state, place(ALICE, 1, BUY, STEP, BID, gtb=3)), "OrderOnBook")


def test_stateful_cancel():
    """ORDER-8: the order must be live and expire no later than the cancel; it goes with its fill amount."""
    state = funded(ALICE, BOB)
    t = GENESIS_TIME
    apply_rejected(state, cancel(ALICE, 2, flags=LONG, gtbt=t + 100), "STATEFUL_ORDER_DOES_NOT_EXIST")
    ok(state, place(ALICE, 2, BUY, 5 * STEP, BID, flags=LONG, gtbt=t + 100))
    apply_rejected(state, cancel(ALICE, 2, flags=LONG, gtbt=t + 99), "INVALID_STATEFUL_ORDER_CANCELLATION")
    apply_rejected(state, cancel(ALICE, 2, flags=CONDITIONAL, gtbt=t + 100), "STATEFUL_ORDER_DOES_NOT_EXIST")
    ok(state, place(BOB, 1, SELL, 2 * STEP, BID, tif=IOC))
    assert state.clob.fill_amounts[next(iter(state.clob.resting))] == 2 * STEP
    events = ok(state, cancel(ALICE, 2, flags=LONG, gtbt=t + 100))
    assert events == [{"type": "OrderRemoved", "orderId": oid(ALICE, 2, LONG), "reason": "CANCELED"}]
    assert state.clob.resting == {}
    assert all(i.client_id != 2 for i in state.clob.fill_amounts)
    apply_rejected(state, cancel(ALICE, 2, flags=LONG, gtbt=t + 100), "STATEFUL_ORDER_DOES_NOT_EXIST")
    # The id may be placed again: nothing of the old order is left
    events = ok(state, place(ALICE, 2, BUY, 5 * STEP, BID, flags=LONG, gtbt=t + 100))
    assert of_type(events, "OrderOnBook")[0]["remainingQuantums"] == str(5 * STEP)
    # An untriggered conditional order is cancelled the same way, with a later cancel time
    ok(
        state,
        place(ALICE, 3, SELL, STEP, BID, flags=CONDITIONAL, condition=STOP_LOSS, trigger=BID - 100 * TICK, gtbt=t + 50),
    )
    events = ok(state, cancel(ALICE, 3, flags=CONDITIONAL, gtbt=t + 60))
    assert removals(events) == [(ALICE, 3, "CANCELED")] and state.clob.untriggered == {}


# ============================================================================================
# ORDER-9, ORDER-10, ORDER-11: expiry, reduce-only placement, filled amounts
# ============================================================================================


def test_short_term_expiry():
    """ORDER-9: short-term orders and their fill amounts lapse when their goodTilBlock ends."""
    state = funded(ALICE, BOB)
    ok(state, place(ALICE, 1, BUY, 3 * STEP, BID, gtb=2))
    ok(state, place(ALICE, 2, BUY, STEP, BID - TICK, gtb=3))
    ok(state, place(BOB, 1, SELL, STEP, BID, tif=IOC, gtb=2))
    events = ok(state, next_block(state))  # block 1 ends: nothing has goodTilBlock 1
    assert removals(events) == []
    events = ok(state, next_block(state))  # block 2 ends
    assert removals(events) == [(ALICE, 1, "EXPIRED")]
    assert [e["type"] for e in events] == ["BlockStarted", "OrderRemoved"]
    assert [i.client_id for i in state.clob.fill_amounts] == []  # Alice's and Bob's fill amounts lapsed
    assert remaining(state, ALICE, 2) == STEP
    # Bob's IOC id may now be used again (ORDER-11 no longer applies)
    assert fills(ok(state, place(BOB, 1, SELL, STEP, BID - TICK, tif=IOC, gtb=3)))
    events = ok(state, next_block(state))
    assert removals(events) == []  # Alice 2 was fully filled by Bob's IOC


def test_stateful_expiry():
    """ORDER-9: stateful orders, resting or untriggered, lapse once the block time reaches their goodTilBlockTime."""
    state = funded(ALICE)
    t = GENESIS_TIME
    ok(state, place(ALICE, 1, BUY, STEP, BID, flags=LONG, gtbt=t + 10))
    ok(
        state,
        place(ALICE, 2, SELL, STEP, ASK, flags=CONDITIONAL, condition=STOP_LOSS, trigger=BID - 100 * TICK, gtbt=t + 10),
    )
    ok(state, place(ALICE, 3, BUY, STEP, BID - TICK, flags=LONG, gtbt=t + 11))
    events = ok(state, next_block(state, 9))
    assert removals(events) == []
    events = ok(state, next_block(state, 1))  # time t + 10
    assert sorted(removals(events)) == [(ALICE, 1, "EXPIRED"), (ALICE, 2, "EXPIRED")]
    assert state.clob.untriggered == {} and remaining(state, ALICE, 3, LONG) == STEP
    events = ok(state, next_block(state, 5))
    assert removals(events) == [(ALICE, 3, "EXPIRED")]
    assert state.clob.resting == {}


def _reduce_only_state() -> State:
    """Alice long 3 steps and Bob short 3 steps of BTC, by a trade; Carol a funded market maker."""
    state = funded(ALICE, BOB, CAROL)
    ok(state, place(BOB, 100, SELL, 3 * STEP, BID, gtb=30))
    ok(state, place(ALICE, 100, BUY, 3 * STEP, BID, tif=IOC, gtb=30))
    assert position(state, ALICE) == 3 * STEP and position(state, BOB) == -3 * STEP
    return state


def test_reduce_only_placement():
    """ORDER-10: a reduce-only order must be opposite to a non-zero position in the pair's perpetual."""
    state = _reduce_only_state()
    code = "REDUCE_ONLY_WOULD_INCREASE_POSITION_SIZE"
    apply_rejected(state, place(ALICE, 1, BUY, STEP, ASK, tif=IOC, reduce_only=True), code)  # same side as the long
    apply_rejected(state, place(BOB, 1, SELL, STEP, BID, tif=IOC, reduce_only=True), code)  # same side as the short
    apply_rejected(state, place(CAROL, 1, SELL, STEP, BID, tif=IOC, reduce_only=True), code)  # no position
    apply_rejected(state, place(ALICE, 1, SELL, STEP, 1_800_000_000, tif=IOC, reduce_only=True, pair=ETH_PAIR), code)
    # Opposite to the position: accepted (nothing to match, so the IOC remainder is removed)
    events = ok(state, place(ALICE, 1, SELL, STEP, ASK, tif=IOC, reduce_only=True))
    assert removals(events) == [(ALICE, 1, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK")]
    events = ok(state, place(BOB, 1, BUY, STEP, BID, tif=IOC, reduce_only=True))
    assert removals(events) == [(BOB, 1, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK")]
    # A conditional reduce-only order is not checked when placed (ORDER-10): Carol has no position
    events = ok(
        state,
        place(
            CAROL,
            2,
            SELL,
            STEP,
            BID,
            flags=CONDITIONAL,
            tif=IOC,
            reduce_only=True,
            condition=STOP_LOSS,
            trigger=BID - TICK,
        ),
    )
    assert [e["type"] for e in events] == ["OrderPlaced"]


def test_conditional_reduce_only_is_checked_when_it_triggers():
    """ORDER-10, COND-2: a triggered reduce-only order that would not reduce is removed with REDUCE_ONLY_WOULD_INCREASE_POSITION."""
    state = funded(CAROL, DAVE)
    # Take-profit buy: triggers when the price is at or below the trigger; the oracle is below ASK
    ok(
        state,
        place(
            CAROL, 2, BUY, STEP, ASK, flags=CONDITIONAL, tif=IOC, reduce_only=True, condition=TAKE_PROFIT, trigger=ASK
        ),
    )
    events = ok(state, next_block(state))
    assert [e["type"] for e in events] == ["BlockStarted", "ConditionalOrderTriggered", "OrderRemoved"]
    assert removals(events) == [(CAROL, 2, "REDUCE_ONLY_WOULD_INCREASE_POSITION")]
    assert state.clob.untriggered == {} and state.clob.resting == {}


def test_ioc_cannot_reuse_a_filled_id_and_fully_filled_ids_are_refused():
    """ORDER-11: an IOC order cannot reuse an id with a filled amount; less than a step left is ORDER_FULLY_FILLED."""
    state = funded(ALICE, BOB)
    ok(state, place(ALICE, 1, BUY, 10 * STEP, BID, gtb=10))
    events = ok(state, place(BOB, 1, SELL, 4 * STEP, BID, tif=IOC, gtb=10))
    assert removals(events) == [(BOB, 1, "FULLY_FILLED")]
    apply_rejected(
        state, place(BOB, 1, SELL, 8 * STEP, BID, tif=IOC, gtb=11), "IMMEDIATE_EXECUTION_ORDER_ALREADY_FILLED"
    )
    # The same id as a good-til-time order: 4 steps filled, 4 asked -> nothing left
    apply_rejected(state, place(BOB, 1, SELL, 4 * STEP, ASK, gtb=11), "ORDER_FULLY_FILLED")
    events = ok(state, place(BOB, 1, SELL, 6 * STEP, ASK, gtb=11))
    assert of_type(events, "OrderOnBook")[0]["remainingQuantums"] == str(2 * STEP)
    # The fill amount of a short-term id lapses after its latest goodTilBlock (11)
    for _ in range(11):
        ok(state, next_block(state))
    assert all(i.subaccount_id.owner != BOB for i in state.clob.fill_amounts)
    events = ok(state, place(BOB, 1, SELL, STEP, BID, tif=IOC, gtb=state.blocks.height))
    assert removals(events) == [(BOB, 1, "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK")]


# --- trade-price triggers (COND-3) ----------------------------------------------------------

BAND = ORACLE * 1_000 * 5 // 1_000_000  # BTC's min price change (1,000 ppm) times 5: about 143 ticks


def _trade(state: State, subticks: int, client_id: int) -> None:
    """A fill at ``subticks`` between ALICE (maker, buying) and BOB (taker, selling IOC)."""
    ok(state, place(ALICE, client_id, BUY, STEP, subticks, gtb=10))
    events = ok(state, place(BOB, client_id, SELL, STEP, subticks, tif=IOC, gtb=10))
    assert fills(events) != []


def test_a_trade_price_triggers_what_the_oracle_does_not():
    """COND-3: a fill at or below a take-profit buy's trigger triggers it at the end of the block, though the oracle is above it."""
    trigger = BID - 10 * TICK
    for traded in (False, True):
        state = funded(ALICE, BOB, CAROL)
        ok(state, place(CAROL, 1, BUY, STEP, trigger, flags=CONDITIONAL, condition=TAKE_PROFIT, trigger=trigger))
        if traded:
            _trade(state, BID - 20 * TICK, 1)
            assert state.clob.trade_prices == {0: (BID - 20 * TICK, BID - 20 * TICK)}
        events = ok(state, next_block(state))
        triggered = of_type(events, "ConditionalOrderTriggered")
        assert len(triggered) == (1 if traded else 0)
        assert state.clob.trade_prices == {}  # the block's trade prices are forgotten at its end


def test_trade_prices_are_the_block_min_and_max_of_maker_prices():
    """COND-3: the perpetual's trade prices are the lowest and highest maker subticks of the block's fills."""
    state = funded(ALICE, BOB)
    _trade(state, BID - 5 * TICK, 1)
    _trade(state, BID - 30 * TICK, 2)
    _trade(state, BID - 12 * TICK, 3)
    assert state.clob.trade_prices == {0: (BID - 30 * TICK, BID - 5 * TICK)}
    # In the state's JSON and hash, and decoded back (CLOB-3)
    encoded = encode_state(state)
    assert encoded["clob"]["tradePrices"] == [
        {"perpetualId": 0, "minSubticks": str(BID - 30 * TICK), "maxSubticks": str(BID - 5 * TICK)}
    ]
    assert encode_state(load_genesis(copy.deepcopy(encoded))) == encoded


def test_a_trade_price_far_from_the_oracle_is_clamped():
    """COND-3: a trade price counts only up to the oracle price ± 5 minimum price changes."""
    near = (ORACLE - BAND) // TICK * TICK + TICK  # inside the band: the clamped price is at or below it
    far = (ORACLE - BAND) // TICK * TICK - 50 * TICK  # beyond the band: the clamped price stays above it
    state = funded(ALICE, BOB, CAROL, DAVE)
    ok(state, place(CAROL, 1, BUY, STEP, near, flags=CONDITIONAL, condition=TAKE_PROFIT, trigger=near))
    ok(state, place(DAVE, 1, BUY, STEP, far, flags=CONDITIONAL, condition=TAKE_PROFIT, trigger=far))
    _trade(state, far - 200 * TICK, 1)
    events = ok(state, next_block(state))
    assert [e["orderId"]["subaccountId"]["owner"] for e in of_type(events, "ConditionalOrderTriggered")] == [CAROL]
    # Unclamped, the trade 200 ticks below DAVE's trigger would have triggered it too
    assert [order_id.subaccount_id.owner for order_id in state.clob.untriggered] == [DAVE]


def test_a_trade_price_above_triggers_stop_loss_buys():
    """COND-3: the block's highest trade price, clamped, triggers "at or above" orders (stop-loss buys)."""
    trigger = ASK + 10 * TICK
    state = funded(ALICE, BOB, CAROL)
    ok(state, place(CAROL, 1, BUY, STEP, trigger + 10 * TICK, flags=CONDITIONAL, condition=STOP_LOSS, trigger=trigger))
    ok(state, place(BOB, 9, SELL, STEP, ASK + 20 * TICK, gtb=10))
    events = ok(state, place(ALICE, 9, BUY, STEP, ASK + 20 * TICK, tif=IOC, gtb=10))
    assert fills(events) != []
    events = ok(state, next_block(state))
    assert len(of_type(events, "ConditionalOrderTriggered")) == 1


@pytest.mark.parametrize(
    "trade_prices",
    [
        [{"perpetualId": 99, "minSubticks": "1", "maxSubticks": "1"}],
        [{"perpetualId": 0, "minSubticks": "0", "maxSubticks": "1"}],
        [{"perpetualId": 0, "minSubticks": "5", "maxSubticks": "4"}],
        [
            {"perpetualId": 0, "minSubticks": "1", "maxSubticks": "2"},
            {"perpetualId": 0, "minSubticks": "1", "maxSubticks": "2"},
        ],
        [{"perpetualId": 0, "minSubticks": "1"}],
    ],
)
def test_genesis_rejects_bad_trade_prices(trade_prices):
    """GEN-2, COND-3: trade prices name a known perpetual once, with 1 <= min <= max."""
    genesis = encode_state(default_genesis())
    genesis["clob"]["tradePrices"] = trade_prices
    with pytest.raises(errors.InvalidGenesis):
        load_genesis(genesis)


def test_invariants_catch_bad_trade_prices():
    """INV-10, COND-3: a trade price record of an unknown perpetual or with min > max is reported."""
    state = funded(ALICE, BOB)
    _trade(state, BID, 1)
    assert check_clob_invariants(state) == []
    state.clob.trade_prices[0] = (BID, BID - 1)
    assert any("trade prices" in v for v in check_clob_invariants(state))
    state.clob.trade_prices = {99: (1, 1)}
    assert any("trade prices" in v for v in check_clob_invariants(state))


@pytest.mark.parametrize(
    "book",
    [
        {"clobPairId": 99, "bids": [], "asks": []},  # an unknown clob pair
        {"clobPairId": 0, "bids": [], "asks": []},  # a listed book with no order: never written (CLOB-3)
    ],
)
def test_genesis_rejects_empty_or_unknown_books(book):
    """GEN-2, CLOB-3: a book entry names a known clob pair and holds at least one resting order."""
    genesis = encode_state(default_genesis())
    genesis["clob"]["books"] = [book]
    with pytest.raises(errors.InvalidGenesis):
        load_genesis(genesis)


def test_block_3_phases_run_in_their_order():
    """BLOCK-3: volume, triggers and trade prices end the block; then height, time and outage; then expiry and triggered orders."""
    state = load_genesis(_genesis_with_triggering_conditional("STATUS_ACTIVE"))
    for owner in (BOB, CAROL):
        ok(state, deposit(owner, {"owner": owner, "number": 0}, 10_000 * USD))
    ok(state, place(BOB, 1, BUY, STEP, BID - TICK, gtb=state.blocks.height))  # lapses when this block ends
    ok(state, place(BOB, 2, BUY, STEP, BID, flags=LONG, gtbt=state.blocks.time + 1_000))
    ok(state, place(BOB, 3, BUY, STEP, BID - 2 * TICK, flags=LONG, gtbt=state.blocks.time + 400))
    assert fills(ok(state, place(CAROL, 1, SELL, STEP, BID, tif=IOC)))  # a fill: volume and a trade price
    assert state.stats.volume.pending_notional > 0 and state.clob.trade_prices
    ended = state.blocks.height
    events = ok(state, advance_block(AUTHORITY, ended + 1, state.blocks.time + 400))  # an outage; Bob 3's time comes
    kinds = [e["type"] for e in events]
    assert kinds == [
        "ChainOutage",
        "BlockStarted",
        "OrderRemoved",
        "OrderRemoved",
        "ConditionalOrderTriggered",
        "OrderOnBook",
    ]
    assert removals(events) == [(BOB, 1, "EXPIRED"), (BOB, 3, "EXPIRED")]  # short-term first, then stateful (ORDER-9)
    assert (
        state.stats.volume.pending_notional == 0 and state.stats.volume.global_notional > 0
    )  # FEE-4 at the end of the block
    assert state.clob.trade_prices == {}  # COND-3: forgotten once the triggers were checked
    assert state.blocks.last_chain_outage_at_block == ended + 1  # BLOCK-2 at the new height
    assert remaining(state, ALICE, 7, CONDITIONAL, SOL_PAIR) == STEP  # COND-2: placed in the new block
