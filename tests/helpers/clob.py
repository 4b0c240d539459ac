"""
Order-book helpers on top of the conformance builders (spec/clob.md).

The order tests run through the one transition function (``apply_json``) on the default
genesis (GEN-1), accounts funded by deposits.  The builders' ``order``, ``place`` and
``cancel`` write only the fields they are given; the variants here give this suite's
defaults (a time in force and reduce-only flag always written, a short-term order good til
block 20 and a stateful one for an hour) and take the owner as the signer.  Every acceptance
through ``ok`` also runs the full invariant scan (INV-1..INV-10); every rejection goes
through ``helpers.ledger.apply_rejected`` (TX-2).

Numbers are worked by hand from the default genesis, BTC-USD clob pair 0:

  oracle price 2_868_819_524e-5 USD, atomic resolution -10, quantum conversion exponent -9;
  subticks exponent = -5 - (-9) + (-10) - (-6) = 0, so the oracle is 2_868_819_524 subticks.
  step 1_000_000 base quantums (0.0001 BTC), tick 100_000 subticks.
  A fill's quote is floor(subticks * q * 10^-9) (UNITS-6, MATCH-2):
    2_868_800_000 * 3_000_000 / 1e9 = 8_606_400.
  Fees (tier 1 of the standard tiers: maker 100 ppm, taker 500 ppm, FEE-2):
    taker ceil(8_606_400 * 500 / 1e6) = ceil(4_303.2) = 4_304
    maker ceil(8_606_400 * 100 / 1e6) = ceil(860.64) = 861.
"""

from __future__ import annotations

import copy
from typing import Any

from helpers.ledger import position
from perpspec.codec import encode_state
from perpspec.conformance import builders
from perpspec.conformance.builders import (
    ALICE,
    AUTHORITY,
    BOB,
    BTC,
    BUY,
    CAROL,
    CONDITIONAL,
    ETH,
    FILL_OR_KILL,
    IOC,
    LONG_TERM,
    SELL,
    SHORT_TERM,
    SOL,
    STEP,
    TAKE_PROFIT,
    deposit,
    make_genesis,
    sub,
    subaccount_entry,
    update_prices,
)
from perpspec.default_genesis import GENESIS_TIME, default_genesis, default_genesis_json
from perpspec.genesis import load_genesis
from perpspec.invariants import check_state_invariants
from perpspec.state import State
from perpspec.transition import apply_json

# --- constants (the builders' ids, steps and enums under this suite's short names) ----------

BTC_PAIR, ETH_PAIR, SOL_PAIR = BTC, ETH, SOL
TICK = 100_000
ORACLE = 2_868_819_524  # BTC oracle in subticks
BID = 2_868_800_000  # one tick-aligned price just below the oracle
ASK = 2_868_900_000  # just above
GTT = "TIME_IN_FORCE_UNSPECIFIED"
FOK = FILL_OR_KILL
SHORT, LONG = SHORT_TERM, LONG_TERM
USD = 10**6  # quote quantums per USDC
TAKER_PPM, MAKER_PPM = 500, 100  # tier 1 of the standard fee tiers
START = 10_000 * USD
"""What ``funded`` deposits into each subaccount."""


# --- message builders: the builders' with this suite's defaults ----------------------------


def oid(owner: str, client_id: int, flags: int = SHORT, pair: int = BTC_PAIR, number: int = 0) -> dict:
    """``builders.order_id`` with the clob pair as ``pair``."""
    return builders.order_id(owner, client_id, flags, pair, number)


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
    """
    An order's JSON (``builders.order``); short-term orders default to goodTilBlock 20, stateful
    ones to an hour; timeInForce (GTT) and reduceOnly (false) are always written; the trigger is
    written as a string.
    """
    if gtb is None and gtbt is None:
        if flags == SHORT:
            gtb = 20
        else:
            gtbt = GENESIS_TIME + 3_600
    return builders.order(
        owner,
        client_id,
        side,
        quantums,
        subticks,
        flags=flags,
        clob=pair,
        number=number,
        gtb=gtb,
        gtbt=gtbt,
        tif=tif,
        reduce_only=reduce_only,
        condition=condition,
        trigger=None if trigger is None else str(trigger),
        **extra,
    )


def place(
    owner: str, client_id: int, side: Any, quantums: Any, subticks: Any, signer: str | None = None, **kw: Any
) -> dict:
    """A MsgPlaceOrder (``builders.place``) of ``order(owner, ...)``, signed by the owner unless ``signer`` is given."""
    return builders.place(owner if signer is None else signer, order(owner, client_id, side, quantums, subticks, **kw))


def place_order(body: dict, signer: str | None = None) -> dict:
    """A MsgPlaceOrder of the order JSON ``body``, signed by its owner unless ``signer`` is given."""
    return builders.place(body["orderId"]["subaccountId"]["owner"] if signer is None else signer, body)


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
    """A MsgCancelOrder (``builders.cancel``) of an order id, signed by its owner unless ``signer`` is given."""
    return builders.cancel(owner if signer is None else signer, oid(owner, client_id, flags, pair, number), gtb, gtbt)


def set_price(state: State, market_id: int, price: int) -> dict:
    """An oracle update with three fresh sources at one price (PRICE-2..5)."""
    return update_prices(AUTHORITY, [(market_id, [(f"s{i}", price, state.blocks.time) for i in range(3)])])


def deposit_to(owner: str, number: int, quantums: int = START) -> dict:
    """A deposit by ``owner`` into its own subaccount ``number``."""
    return deposit(owner, sub(owner, number), quantums)


# --- applying -------------------------------------------------------------------------------


def ok(state: State, message: dict) -> list[dict]:
    """Apply a message that must be accepted; every state invariant must hold after it (INV-1..INV-10)."""
    outcome = apply_json(state, message)
    assert outcome.accepted, f"expected acceptance, got {outcome.error.code}: {outcome.error.message}"
    assert check_state_invariants(state) == []
    return outcome.events


def funded(*owners: str, usdc: int = START, genesis: dict | None = None) -> State:
    """The default genesis (or ``genesis``) with each owner's subaccount 0 funded by a deposit."""
    state = load_genesis(copy.deepcopy(genesis)) if genesis is not None else default_genesis()
    for owner in owners:
        ok(state, deposit(owner, sub(owner, 0), usdc))
    return state


def genesis_variant(**clob_pair_changes: Any) -> dict:
    """The default genesis JSON with BTC clob pair 0's fields changed."""
    genesis = default_genesis_json()
    pair = next(p for p in genesis["clob"]["clobPairs"] if p["id"] == BTC_PAIR)
    pair.update(clob_pair_changes)
    return genesis


def reduce_only_state() -> State:
    """Alice long 3 steps and Bob short 3 steps of BTC, by a trade; Carol a funded market maker."""
    state = funded(ALICE, BOB, CAROL)
    ok(state, place(BOB, 100, SELL, 3 * STEP, BID, gtb=30))
    ok(state, place(ALICE, 100, BUY, 3 * STEP, BID, tif=IOC, gtb=30))
    assert position(state, ALICE) == 3 * STEP and position(state, BOB) == -3 * STEP
    return state


def genesis_with_triggering_conditional(status: str) -> dict:
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


# --- reading events and state ---------------------------------------------------------------


def of_type(events: list[dict], kind: str) -> list[dict]:
    """The events of one type, in order."""
    return [e for e in events if e["type"] == kind]


def fills(events: list[dict]) -> list[tuple[str, str, int, int]]:
    """
    (taker owner, maker owner, fill quantums, subticks) of every OrderFill event, in order
    (the builders' ``fills`` gives the maker, the amounts and the fees instead).
    """
    return [
        (
            e["takerOrderId"]["subaccountId"]["owner"],
            e["makerOrderId"]["subaccountId"]["owner"],
            int(e["fillQuantums"]),
            int(e["subticks"]),
        )
        for e in of_type(events, "OrderFill")
    ]


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
