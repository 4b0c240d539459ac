"""
perpspec's matching engine as an adapter of the shared peer harness (/work/shared/bench/run.py).

    PYTHONPATH=/work/main/benchmarks $PEERS_VENV/bin/python run.py --engines peer_baseline,perpspec_flow

Every op goes through the real transition, ``perpspec.transition.apply_message``, exactly
as in normal operation: the owner's signature check, stateless validation of the order
(``validate_order_basic``, what decoding runs), stateful validation (ORDER-3, ORDER-4),
replacement and cancel rules, matching with both sides of every fill margin-checked
(MATCH-4) and funding-settled, fees by tier, the add-to-book collateral check of every
resting remainder (MATCH-7), and every event.  Contracts follow ``PERPSPEC_CONTRACTS``
(read when perpspec is imported; the harness runs with whatever the environment says).

Messages are built as decoded ``PlaceOrder``/``CancelOrder`` objects in the timed loop (the
peers build their command objects there too) and each order is validated with
``validate_order_basic``; JSON decoding per op is not done by default.  Set
``PERPSPEC_FLOW_DECODE=1`` to build each message as JSON and decode it with
``decode_message`` instead (the full wire path; slower).

Mapping (spec/units.md, GEN-1): the flow's market is the default genesis's BTC-USD clob pair
(id 0): a tick is ``subticksPerTick`` = 100_000 subticks and a lot is ``stepBaseQuantums`` =
1_000_000 base quantums (0.0001 BTC).  BTC-USD's oracle price (exponent -5) is set so that
its price in subticks is the flow's starting mid, 1_000_000 ticks (UNITS-7): a lot is then
worth $100.  Each of the flow's owners is subaccount 0 of its own address, funded in genesis
with $10^9 of USDC so margin never binds.  Places and IOC orders are short-term orders (good
til the current block + 20); a cancel is a short-term cancel good til the same block.  Fills
are counted from the ``OrderFill`` events and filled lots from their ``fillQuantums``.
"""

from __future__ import annotations

import copy
import hashlib
import os

from perpspec.bech32 import encode_address
from perpspec.clob.state import Order
from perpspec.default_genesis import default_genesis_json
from perpspec.events import OrderFillEvent, OrderOnBookEvent
from perpspec.genesis import load_genesis
from perpspec.messages import CANCEL_ORDER_TYPE, PLACE_ORDER_TYPE, CancelOrder, PlaceOrder, validate_order_basic
from perpspec.transition import apply_message, decode_message
from perpspec.types import OrderId, SubaccountId

NAME = "perpspec (margin+events)"

CLOB_PAIR_ID = 0
"""BTC-USD in the default genesis."""
SUBTICKS_PER_TICK = 100_000
STEP_BASE_QUANTUMS = 1_000_000
MID_TICKS = 1_000_000
FUNDING_USDC = 10**15
"""$10^9 per subaccount (quote quantums): margin never binds on this flow."""
GOOD_TIL_AHEAD = 20
SIDE_BUY, SIDE_SELL = 1, 2
TIME_IN_FORCE_IOC = 1
DECODE = os.environ.get("PERPSPEC_FLOW_DECODE", "0") not in ("0", "", "off", "false")


def version() -> str:
    import perpspec.clob.matching
    from perpspec.config import CONTRACTS_ENABLED

    try:
        from importlib.metadata import version as _v

        v = _v("perpspec")
    except Exception:  # pragma: no cover - run from a checkout
        v = "checkout"
    engine = "interpreted" if perpspec.clob.matching.__file__.endswith(".py") else "compiled (mypyc)"
    return f"perpspec {v}, {engine}, contracts {'on' if CONTRACTS_ENABLED else 'off'}, {'JSON decode' if DECODE else 'decoded messages'}"


def owner_address(owner: int) -> str:
    """A deterministic dydx address per flow owner."""
    return encode_address(hashlib.sha256(f"flow-owner-{owner}".encode()).digest()[:20])


def genesis_json(owners: int, markets: int = 1) -> dict:
    """The default genesis with BTC-USD's oracle at the flow's mid and ``owners`` funded subaccounts."""
    genesis = copy.deepcopy(default_genesis_json())
    for price in genesis["prices"]["marketPrices"]:
        if price["id"] == CLOB_PAIR_ID:
            # subticks = price * 10^(exponent - qce + atomicResolution + 6) = price * 10^(-5 + 9 - 10 + 6) = price
            price["price"] = str(MID_TICKS * SUBTICKS_PER_TICK)
    genesis["subaccounts"]["subaccounts"] = [
        {
            "id": {"owner": owner_address(i), "number": 0},
            "assetPositions": [{"assetId": 0, "quantums": str(FUNDING_USDC)}],
            "perpetualPositions": [],
        }
        for i in range(owners)
    ]
    return genesis


class Engine:
    """The state plus the per-owner ids the messages need (built once, untimed)."""

    __slots__ = ("good_til_block", "signers", "state", "subaccounts")

    def __init__(self, owners: int) -> None:
        self.state = load_genesis(genesis_json(owners))
        self.signers = [owner_address(i) for i in range(owners)]
        # the state's own id objects (as a node interns ids): a dict lookup then needs no __eq__
        stored = {sid: sid for sid in self.state.subaccounts.subaccounts}
        self.subaccounts = [stored[SubaccountId(a, 0)] for a in self.signers]
        self.good_til_block = self.state.blocks.height + GOOD_TIL_AHEAD

    def place_message(self, oid: int, is_buy: bool, ticks: int, lots: int, owner: int, tif: int = 0) -> PlaceOrder:
        order = Order(
            OrderId(self.subaccounts[owner], oid, 0, CLOB_PAIR_ID),
            SIDE_BUY if is_buy else SIDE_SELL,
            lots * STEP_BASE_QUANTUMS,
            ticks * SUBTICKS_PER_TICK,
            good_til_block=self.good_til_block,
            time_in_force=tif,
        )
        validate_order_basic(order)  # stateless validation, as decoding does (ORDER-2)
        return PlaceOrder(self.signers[owner], order)

    def cancel_message(self, oid: int, owner: int) -> CancelOrder:
        order_id = OrderId(self.subaccounts[owner], oid, 0, CLOB_PAIR_ID)
        return CancelOrder(self.signers[owner], order_id, self.good_til_block)

    def place_json(self, oid: int, is_buy: bool, ticks: int, lots: int, owner: int, tif: int = 0) -> dict:
        order = {
            "orderId": {
                "subaccountId": {"owner": self.signers[owner], "number": 0},
                "clientId": oid,
                "orderFlags": 0,
                "clobPairId": CLOB_PAIR_ID,
            },
            "side": "SIDE_BUY" if is_buy else "SIDE_SELL",
            "quantums": str(lots * STEP_BASE_QUANTUMS),
            "subticks": str(ticks * SUBTICKS_PER_TICK),
            "goodTilBlock": self.good_til_block,
        }
        if tif:
            order["timeInForce"] = "TIME_IN_FORCE_IOC"
        return {"@type": PLACE_ORDER_TYPE, "signer": self.signers[owner], "order": order}

    def cancel_json(self, oid: int, owner: int) -> dict:
        return {
            "@type": CANCEL_ORDER_TYPE,
            "signer": self.signers[owner],
            "orderId": {
                "subaccountId": {"owner": self.signers[owner], "number": 0},
                "clientId": oid,
                "orderFlags": 0,
                "clobPairId": CLOB_PAIR_ID,
            },
            "goodTilBlock": self.good_til_block,
        }


def build(flow) -> Engine:
    engine = Engine(flow.accounts)
    state = engine.state
    for _, oid, is_buy, price, size, owner in flow.preload:
        events = apply_message(state, engine.place_message(oid, is_buy, price, size, owner))
        assert type(events[-1]) is OrderOnBookEvent, events[-1]
    return engine


def replay(engine: Engine, flow) -> tuple[int, int]:
    state = engine.state
    fills = filled = 0
    if DECODE:
        place, cancel = engine.place_json, engine.cancel_json
        for op in flow.ops:
            kind = op[0]
            if kind == 0:
                message = decode_message(place(op[1], op[2], op[3], op[4], op[5]))
            elif kind == 1:
                message = decode_message(cancel(op[1], op[2]))
            else:
                message = decode_message(place(op[1], op[2], op[3], op[4], op[5], TIME_IN_FORCE_IOC))
            for event in apply_message(state, message):
                if type(event) is OrderFillEvent:
                    fills += 1
                    filled += event.fill_quantums
        return fills, filled // STEP_BASE_QUANTUMS
    place, cancel = engine.place_message, engine.cancel_message
    for op in flow.ops:
        kind = op[0]
        if kind == 0:
            message = place(op[1], op[2], op[3], op[4], op[5])
        elif kind == 1:
            message = cancel(op[1], op[2])
        else:
            message = place(op[1], op[2], op[3], op[4], op[5], TIME_IN_FORCE_IOC)
        for event in apply_message(state, message):
            if type(event) is OrderFillEvent:
                fills += 1
                filled += event.fill_quantums
    return fills, filled // STEP_BASE_QUANTUMS


def run(flow) -> tuple[int, int]:
    return replay(build(flow), flow)
