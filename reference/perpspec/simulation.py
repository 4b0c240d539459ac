"""
Seeded random runs of the ledger: a genesis with open positions and a stream of messages.

Used by ``perpspec verify`` (contract-checked random runs) and by the tests.  The
messages are a mix of valid and invalid ones on purpose: rejections must leave the
state unchanged (TX-2), and acceptances must keep every invariant (INV-*).  Besides
deposits, withdrawals, transfers, prices and blocks, the stream places, replaces and
cancels orders of every kind on the genesis's clob pairs (spec/clob.md ORDER-1..11,
MATCH-*, COND-*), near the oracle price so that they rest, cross and fill.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from typing import Any

import icontract

from perpspec.bech32 import encode_address
from perpspec.clob.orders import get_oracle_price_subticks
from perpspec.clob.state import Order
from perpspec.codec import encode_state
from perpspec.default_genesis import default_genesis_json
from perpspec.genesis import load_genesis
from perpspec.invariants import check_state_invariants
from perpspec.messages import (
    ADVANCE_BLOCK_TYPE,
    CANCEL_ORDER_TYPE,
    DEPOSIT_TYPE,
    PLACE_ORDER_TYPE,
    TRANSFER_TYPE,
    UPDATE_PRICES_TYPE,
    WITHDRAW_TYPE,
    encode_order,
    encode_order_id,
)
from perpspec.state import State
from perpspec.transition import apply_json, full_state_bytes
from perpspec.types import OrderId, SubaccountId


def account(name: str) -> str:
    """A deterministic, valid dydx address for a named test account."""
    return encode_address(hashlib.sha256(name.encode()).digest()[:20])


def subaccount_json(owner: str, number: int) -> dict[str, Any]:
    return {"owner": owner, "number": number}


def genesis_with_positions(seed: int, accounts: int = 6) -> dict[str, Any]:
    """
    The default genesis plus funded subaccounts holding balanced positions.

    Each perpetual gets pairs of opposite positions (longs equal shorts), sized so
    that some subaccounts are near their margin limits.  Perpetuals and positions
    carry different funding indexes, so the first touch of each subaccount settles
    funding (FUND-2) against the funding pool (FUND-3).
    """
    rng = random.Random(seed)
    genesis = default_genesis_json()
    owners = [account(f"trader-{i}") for i in range(accounts)]
    prices = {int(p["id"]): int(p["price"]) for p in genesis["prices"]["marketPrices"]}
    subaccounts: dict[tuple[str, int], dict[str, Any]] = {}
    for owner in owners:
        subaccounts[(owner, 0)] = {"usdc": rng.randrange(1_000_000_000, 50_000_000_000), "positions": {}}
    for perpetual in genesis["perpetuals"]["perpetuals"]:
        pid = perpetual["params"]["id"]
        resolution = perpetual["params"]["atomicResolution"]
        exponent = next(m["exponent"] for m in genesis["prices"]["marketPrices"] if m["id"] == pid)
        # base quantums worth about 1,000 USDC, in multiples of 1e6 quantums
        one_coin = 10**-resolution
        coin_value_usdc = prices[pid] * 10**exponent if exponent >= 0 else prices[pid] // 10**-exponent
        lot = max(1_000_000, (one_coin * 1_000 // max(coin_value_usdc, 1)) // 1_000_000 * 1_000_000)
        for _ in range(2):
            long_owner, short_owner = rng.sample(owners, 2)
            size = lot * rng.randrange(1, 40)
            for owner, signed in ((long_owner, size), (short_owner, -size)):
                positions = subaccounts[(owner, 0)]["positions"]
                positions[pid] = positions.get(pid, 0) + signed
    for perpetual in genesis["perpetuals"]["perpetuals"]:
        perpetual["fundingIndex"] = str(rng.randrange(-(10**7), 10**7))
    genesis["subaccounts"]["subaccounts"] = [
        {
            "id": subaccount_json(owner, number),
            "assetPositions": [{"assetId": 0, "quantums": str(data["usdc"])}],
            "perpetualPositions": [
                {"perpetualId": pid, "quantums": str(q), "fundingIndex": str(rng.randrange(-(10**7), 10**7))}
                for pid, q in sorted(data["positions"].items())
                if q != 0
            ],
        }
        for (owner, number), data in sorted(subaccounts.items())
    ]
    for perpetual in genesis["perpetuals"]["perpetuals"]:
        del perpetual["openInterest"]
    return genesis


@dataclass
class MessageGenerator:
    """Random messages over a fixed set of accounts, valid and invalid alike."""

    rng: random.Random
    state: State
    owners: list[str] = field(default_factory=list)
    orders: bool = True
    """Whether to place and cancel orders; without them a run exercises the ledger alone."""

    def __post_init__(self) -> None:
        self.owners = sorted({sid.owner for sid in self.state.subaccounts.subaccounts}) + [account("newcomer")]

    def _subaccount(self) -> dict[str, Any]:
        return subaccount_json(self.rng.choice(self.owners), self.rng.choice([0, 0, 0, 1, 127]))

    def _amount(self) -> str:
        return str(self.rng.choice([1, 10**6, 10**8, 10**9, 10**10, 5 * 10**10, self.rng.randrange(1, 10**11)]))

    def _signer(self, owner: str) -> str:
        return owner if self.rng.randrange(10) < 9 else self.rng.choice(self.owners)

    def next_message(self) -> dict[str, Any]:
        order_weights = [6, 2] if self.orders else [0, 0]
        kind = self.rng.choices(
            ["deposit", "withdraw", "transfer", "prices", "block", "order", "cancel"], [3, 3, 3, 2, 2, *order_weights]
        )[0]
        if kind == "order":
            return self._place_order()
        if kind == "cancel":
            return self._cancel_order()
        if kind == "deposit":
            owner = self.rng.choice(self.owners)
            return {
                "@type": DEPOSIT_TYPE,
                "signer": self._signer(owner),
                "sender": owner,
                "recipient": self._subaccount(),
                "assetId": 0,
                "quantums": self._amount(),
            }
        if kind == "withdraw":
            sender = self._subaccount()
            return {
                "@type": WITHDRAW_TYPE,
                "signer": self._signer(sender["owner"]),
                "sender": sender,
                "recipient": sender["owner"],
                "assetId": 0,
                "quantums": self._amount(),
            }
        if kind == "transfer":
            sender, recipient = self._subaccount(), self._subaccount()
            return {
                "@type": TRANSFER_TYPE,
                "signer": self._signer(sender["owner"]),
                "transfer": {"sender": sender, "recipient": recipient, "assetId": 0, "amount": self._amount()},
            }
        if kind == "prices":
            return self._price_update()
        step = self.rng.choices([1, 2, 30, 400, 0], [120, 40, 30, 1, 6])[0]  # 400 s: an outage; 0: invalid time
        return {
            "@type": ADVANCE_BLOCK_TYPE,
            "signer": self.state.authority,
            "height": self.state.blocks.height + (1 if self.rng.randrange(20) else 2),
            "time": str(self.state.blocks.time + step),
        }

    def _price_update(self) -> dict[str, Any]:
        updates = []
        for market_id in self.rng.sample(sorted(self.state.prices.market_prices), self.rng.randrange(1, 4)):
            current = self.state.prices.market_prices[market_id].price
            sources = []
            for i in range(self.rng.randrange(1, 6)):
                move_ppm = self.rng.randrange(-150_000, 150_001)
                price = max(1, current + current * move_ppm // 1_000_000)
                if self.rng.randrange(10) == 0:
                    price = self.rng.randrange(1, 2 * current + 2)  # a wrong source
                age = self.rng.choice([0, 1, 5, 29, 30, 31, 120])
                sources.append(
                    {"source": f"exchange-{i}", "price": str(price), "timestamp": str(self.state.blocks.time - age)}
                )
            updates.append({"marketId": market_id, "sourcePrices": sources})
        return {"@type": UPDATE_PRICES_TYPE, "signer": self.state.authority, "marketUpdates": updates}

    # --- orders (spec/clob.md) -----------------------------------------------------------

    ORDER_KINDS = (
        "limit",
        "limit",
        "ioc",
        "market",
        "post_only",
        "long_term",
        "long_term",
        "long_term_post_only",
        "conditional",
        "reduce_only",
        "replace",
        "replace",
        "invalid",
    )
    """Kinds of placement, drawn evenly; ``replace`` reuses a live order's id (ORDER-6)."""

    INVALID_ORDERS = (
        "fill_or_kill",
        "side_unspecified",
        "zero_quantums",
        "off_step",
        "off_tick",
        "zero_subticks",
        "reduce_only_not_ioc",
        "long_term_ioc",
        "past_block",
        "far_block",
        "past_time",
        "twap_flags",
        "conditional_without_trigger",
        "unknown_pair",
    )

    def _clob_pair_ids(self) -> list[int]:
        return sorted(self.state.clob.clob_pairs)

    def _order_price(self, pair_id: int, offset_ticks: int) -> int:
        """A price ``offset_ticks`` ticks from the oracle price of the pair in subticks, on a tick, at least one tick."""
        pair = self.state.clob.clob_pairs[pair_id]
        tick = pair.subticks_per_tick
        oracle = int(get_oracle_price_subticks(self.state, pair))
        return max(tick, oracle // tick * tick + offset_ticks * tick)

    def _order_size(self, pair_id: int) -> int:
        step = self.state.clob.clob_pairs[pair_id].step_base_quantums
        return step * self.rng.choice([1, 1, 2, 5, 10, 100, 1_000, 10_000])

    def _good_til_block(self) -> int:
        return self.state.blocks.height + self.rng.choice([0, 1, 2, 5, 20, 40])

    def _good_til_block_time(self) -> int:
        return self.state.blocks.time + self.rng.choice([1, 5, 30, 600, 3_600, 86_400])

    def _live_orders(self) -> list[tuple[OrderId, Order]]:
        """Every live order (resting or untriggered), in order id order, so that runs are deterministic."""
        clob = self.state.clob
        live = {order_id: entry.order for order_id, entry in clob.resting.items()}
        live.update(clob.untriggered)
        return [(order_id, live[order_id]) for order_id in sorted(live)]

    def _place_order(self) -> dict[str, Any]:
        """A placement of a random kind: limit, IOC, market, post-only, long-term, conditional, reduce-only, replacement or invalid."""
        kind = self.rng.choice(self.ORDER_KINDS)
        if kind == "replace":
            live = self._live_orders()
            if live:
                return self._replacement(*self.rng.choice(live))
            kind = "limit"
        subaccount = self._subaccount()
        pair_id = self.rng.choice(self._clob_pair_ids())
        is_buy = self.rng.randrange(2) == 0
        offset = self.rng.randint(-5, 5)
        order: dict[str, Any] = {
            "orderId": {
                "subaccountId": subaccount,
                "clientId": self.rng.randrange(4),
                "orderFlags": 0,
                "clobPairId": pair_id,
            },
            "side": "SIDE_BUY" if is_buy else "SIDE_SELL",
            "quantums": str(self._order_size(pair_id)),
            "subticks": str(self._order_price(pair_id, offset)),
            "timeInForce": "TIME_IN_FORCE_UNSPECIFIED",
            "reduceOnly": False,
        }
        if kind in ("long_term", "long_term_post_only", "conditional"):
            order["orderId"]["orderFlags"] = 32 if kind == "conditional" else 64
            order["goodTilBlockTime"] = self._good_til_block_time()
        else:
            order["goodTilBlock"] = self._good_til_block()
        if kind in ("ioc", "market", "reduce_only"):
            order["timeInForce"] = "TIME_IN_FORCE_IOC"
        if kind in ("post_only", "long_term_post_only"):
            order["timeInForce"] = "TIME_IN_FORCE_POST_ONLY"
        if kind == "market":  # the worst price the taker accepts (ORDER-1)
            order["subticks"] = str(self._order_price(pair_id, 50 if is_buy else -50))
        if kind == "reduce_only":
            order["reduceOnly"] = True
            held = self.state.subaccounts.subaccounts.get(SubaccountId(subaccount["owner"], subaccount["number"]))
            position = (
                held.positions.get(self.state.clob.clob_pairs[pair_id].perpetual_id) if held is not None else None
            )
            if position is not None and self.rng.randrange(5):  # mostly the side that reduces
                order["side"] = "SIDE_SELL" if position.quantums > 0 else "SIDE_BUY"
                order["subticks"] = str(self._order_price(pair_id, -5 if position.quantums > 0 else 5))
        if kind == "conditional":
            order["conditionType"] = self.rng.choice(["CONDITION_TYPE_STOP_LOSS", "CONDITION_TYPE_TAKE_PROFIT"])
            order["conditionalOrderTriggerSubticks"] = str(self._order_price(pair_id, self.rng.randint(-20, 20)))
            # Once triggered, IOC ones match and go, the others may rest (COND-2); reduce-only ones are IOC (ORDER-2)
            order["timeInForce"] = self.rng.choice(
                ["TIME_IN_FORCE_IOC", "TIME_IN_FORCE_UNSPECIFIED", "TIME_IN_FORCE_POST_ONLY"]
            )
            order["reduceOnly"] = order["timeInForce"] == "TIME_IN_FORCE_IOC" and self.rng.randrange(2) == 0
        if kind == "invalid":
            self._spoil_order(order)
        owner = order["orderId"]["subaccountId"]["owner"]
        return {"@type": PLACE_ORDER_TYPE, "signer": self._signer(owner), "order": order}

    def _spoil_order(self, order: dict[str, Any]) -> None:
        """Make a placement invalid in one of many ways (ORDER-2, ORDER-3, ORDER-4)."""
        how = self.rng.choice(self.INVALID_ORDERS)
        if how == "fill_or_kill":
            order["timeInForce"] = "TIME_IN_FORCE_FILL_OR_KILL"
        elif how == "side_unspecified":
            order["side"] = "SIDE_UNSPECIFIED"
        elif how == "zero_quantums":
            order["quantums"] = "0"
        elif how == "off_step":
            order["quantums"] = str(int(order["quantums"]) + 1)
        elif how == "off_tick":
            order["subticks"] = str(int(order["subticks"]) + 1)
        elif how == "zero_subticks":
            order["subticks"] = "0"
        elif how == "reduce_only_not_ioc":
            order["reduceOnly"] = True
        elif how == "long_term_ioc":
            order["orderId"]["orderFlags"] = 64
            order.pop("goodTilBlock", None)
            order["goodTilBlockTime"] = self._good_til_block_time()
            order["timeInForce"] = "TIME_IN_FORCE_IOC"
        elif how == "past_block":
            order["goodTilBlock"] = max(1, self.state.blocks.height - 1)
        elif how == "far_block":
            order["goodTilBlock"] = self.state.blocks.height + 41
        elif how == "past_time":
            order["orderId"]["orderFlags"] = 64
            order.pop("goodTilBlock", None)
            order["goodTilBlockTime"] = self.state.blocks.time
        elif how == "twap_flags":
            order["orderId"]["orderFlags"] = 128
        elif how == "conditional_without_trigger":
            order["orderId"]["orderFlags"] = 32
            order.pop("goodTilBlock", None)
            order["goodTilBlockTime"] = self._good_til_block_time()
            order["conditionType"] = "CONDITION_TYPE_STOP_LOSS"
        else:
            order["orderId"]["clobPairId"] = max(self._clob_pair_ids()) + 1

    def _replacement(self, order_id: OrderId, existing: Order) -> dict[str, Any]:
        """The live order's id placed again: mostly a valid replacement (later expiry), else an invalid one (ORDER-6)."""
        order = encode_order(existing)
        pair_id = order_id.clob_pair_id
        if self.rng.randrange(2):
            order["quantums"] = str(self._order_size(pair_id))
        if self.rng.randrange(2):
            order["subticks"] = str(self._order_price(pair_id, self.rng.randint(-5, 5)))
        change = self.rng.choice(["later", "later", "later", "same", "earlier", "side"])
        delta = {"later": 1 + self.rng.randrange(5), "same": 0, "earlier": -1, "side": 1}[change]
        if existing.good_til_block:
            order["goodTilBlock"] = min(existing.good_til_block + delta, self.state.blocks.height + 40)
        else:
            order["goodTilBlockTime"] = existing.good_til_block_time + delta
        if change == "side":
            order["side"] = "SIDE_SELL" if existing.side == 1 else "SIDE_BUY"
        owner = order_id.subaccount_id.owner
        return {"@type": PLACE_ORDER_TYPE, "signer": self._signer(owner), "order": order}

    def _cancel_order(self) -> dict[str, Any]:
        """A cancel: mostly of a live order (sometimes too early), else of a random id (ORDER-7, ORDER-8)."""
        live = self._live_orders()
        if live and self.rng.randrange(10) < 7:
            order_id, order = self.rng.choice(live)
            early = self.rng.randrange(5) == 0
            message: dict[str, Any] = {
                "@type": CANCEL_ORDER_TYPE,
                "signer": self._signer(order_id.subaccount_id.owner),
                "orderId": encode_order_id(order_id),
            }
            if order.good_til_block:
                message["goodTilBlock"] = max(self.state.blocks.height, order.good_til_block - (1 if early else 0))
            else:
                message["goodTilBlockTime"] = order.good_til_block_time + (-1 if early else self.rng.choice([0, 0, 60]))
            return message
        subaccount = self._subaccount()
        flags = self.rng.choice([0, 0, 64, 32])
        message = {
            "@type": CANCEL_ORDER_TYPE,
            "signer": self._signer(subaccount["owner"]),
            "orderId": {
                "subaccountId": subaccount,
                "clientId": self.rng.randrange(4),
                "orderFlags": flags,
                "clobPairId": self.rng.choice(self._clob_pair_ids()),
            },
        }
        if flags == 0:
            message["goodTilBlock"] = self._good_til_block()
        else:
            message["goodTilBlockTime"] = self._good_til_block_time()
        return message


@dataclass
class RunReport:
    steps: int = 0
    accepted: int = 0
    rejected: int = 0
    error_codes: dict[str, int] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)
    fills: int = 0
    orders_resting: int = 0
    liquidation_fills: int = 0
    deleveraging_fills: int = 0


def run_random(seed: int, steps: int, check_every: int = 1) -> RunReport:
    """
    Apply ``steps`` random messages from a seeded genesis, checking after each step that
    rejections left the state unchanged (TX-2) and, every ``check_every`` steps, that
    every state invariant holds (INV-1..INV-10).  Contracts run inside the transitions when on.
    """
    rng = random.Random(seed)
    state = load_genesis(genesis_with_positions(seed))
    generator = MessageGenerator(rng, state)
    report = RunReport()
    for step in range(steps):
        message = generator.next_message()
        before = full_state_bytes(state) if step % check_every == 0 else None
        try:
            outcome = apply_json(state, message)
        except icontract.ViolationError as violation:
            report.violations.append(f"step {step}: contract violated: {first_line(violation)}")
            break
        report.steps += 1
        if outcome.accepted:
            report.accepted += 1
            report.fills += sum(1 for event in outcome.events or () if event["type"] == "OrderFill")
            report.liquidation_fills += sum(1 for event in outcome.events or () if event["type"] == "LiquidationFill")
            report.deleveraging_fills += sum(1 for event in outcome.events or () if event["type"] == "DeleveragingFill")
            report.orders_resting += sum(1 for event in outcome.events or () if event["type"] == "OrderOnBook")
        else:
            report.rejected += 1
            assert outcome.error is not None
            code = outcome.error.code
            report.error_codes[code] = report.error_codes.get(code, 0) + 1
            if before is not None and full_state_bytes(state) != before:
                report.violations.append(f"step {step}: TX-2 rejected {code} changed the state")
        if step % check_every == 0:
            report.violations.extend(f"step {step}: {v}" for v in check_state_invariants(state))
        if report.violations:
            break
    return report


def first_line(error: Exception) -> str:
    """The condition's description line of an icontract violation (it names the claim)."""
    lines = [line for line in str(error).splitlines() if line.strip()]
    return next((line for line in lines if not line.startswith("File ")), lines[0] if lines else repr(error))


def roundtrip_ok(state: State) -> bool:
    """The state's JSON decodes back to the same state (CODEC-1)."""
    return load_genesis(encode_state(state)) == state
