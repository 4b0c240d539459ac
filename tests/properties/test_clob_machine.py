"""
A hypothesis state machine over the order book, with contracts on (INV-8).

Random place (good-til-time, IOC, post-only, long-term, conditional, reduce-only, and
replacements by reusing client ids), cancel, AdvanceBlock and oracle-price messages on
four subaccounts (one of them poor, so collateral checks fail) and two clob pairs (BTC 0,
ETH 1) of the default genesis.  After every step:

* ``check_state_invariants(state) == []``: INV-1 (CONS-1 conservation) .. INV-10, with
  INV-9 (the book is never crossed, CROSS-1, BOOK-2);
* a rejected message left the state's bytes unchanged (TX-2);
* on every fourth step, a copy decoded from the state's JSON before the step gives the same
  outcome and reaches the same state (CODEC-1, CLOB-3: expiry queues and sequence numbers
  are rebuilt on decoding);
* the engine's fills agree with an independent model of price-time priority, a naive
  list-based book kept from the events (PRIO-1, BOOK-1, MATCH-1, MATCH-2): every fill is
  against the best-priority resting order of the opposite side (best price, then the
  earliest to rest), at the maker's price, within the taker's limit, sized
  min(taker remaining, maker remaining) (less only for reduce-only, MATCH-8); an IOC
  order removed as IOC leaves no crossing maker behind (MATCH-6); and the model book,
  level by level and order by order with remaining sizes, equals the engine's;
* RO-1 (MATCH-8, ORDER-10): a reduce-only taker's fill never increases or flips its position;
* CONS-3 (FEE-2, FEE-3, MATCH-2): every fill's quote is floor(subticks * q * 10^qce), its fees
  ceil(quote * ppm / 1e6), the two parties' USDC changes plus the fees are 0, their base
  changes are opposite, and the fee collector grows by exactly the fees;
* SOLV-2 (MATCH-4): no fill leaves a party that met its initial margin under it.

Conditional orders are IOC, good-til-time or post-only; triggered ones match and may rest
(COND-2), so the model book also follows resting conditional orders.

80 examples of 100 steps under the ``ci`` hypothesis profile (scaled by the profile, see
tests/conftest.py); the run's reach (fills, decoded copies, every removal reason) is
asserted at the ``ci`` budget or more.
"""

from __future__ import annotations

import copy
from collections import Counter
from typing import ClassVar

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from helpers.budget import at_full_budget, examples
from helpers.clob import MAKER_PPM, TAKER_PPM, TICK, fee_of
from perpspec.codec import encode_state
from perpspec.conformance.builders import (
    ALICE,
    AUTHORITY,
    BOB,
    CAROL,
    MALLORY,
    STEP,
    advance_block,
    deposit,
    update_prices,
)
from perpspec.default_genesis import default_genesis
from perpspec.genesis import load_genesis
from perpspec.invariants import check_state_invariants
from perpspec.margin import is_initially_collateralized
from perpspec.messages import CANCEL_ORDER_TYPE, PLACE_ORDER_TYPE, encode_order
from perpspec.state import PerpetualPosition, Subaccount
from perpspec.subaccounts import get_subaccount_risk
from perpspec.transition import apply_json, full_state_bytes
from perpspec.types import SubaccountId

pytestmark = pytest.mark.slow


STATS: Counter = Counter()
"""Steps, outcomes, fills and removal reasons over all runs (printed by the test, checked for coverage)."""


MACHINE_SETTINGS = settings(
    stateful_step_count=100,
    max_examples=examples(80),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


OWNERS = [ALICE, BOB, CAROL, MALLORY]


FUNDS = {ALICE: 2_000 * 10**6, BOB: 2_000 * 10**6, CAROL: 2_000 * 10**6, MALLORY: 30 * 10**6}


PAIRS = {0: 0, 1: 1}  # clob pair -> perpetual (BTC, ETH); both have step 1e6, tick 1e5, qce -9


KINDS = [
    "gtt",
    "gtt",
    "ioc",
    "ioc",
    "post_only",
    "long_term",
    "long_term_post_only",
    "conditional",
    "reduce_only",
    "reduce_only",
    "bad",
]


# The fees are tier 1's (helpers.clob): the runs trade far less than tier 2's volume.


def key(order_id: dict) -> tuple:
    s = order_id["subaccountId"]
    return (s["owner"], s["number"], order_id["clientId"], order_id["orderFlags"], order_id["clobPairId"])


class ModelBook:
    """A naive price-time priority book: a list of resting orders per clob pair, scanned in full (PRIO-1)."""

    def __init__(self) -> None:
        self.orders: dict[int, list[dict]] = {pair: [] for pair in PAIRS}
        self.sequence = 0

    def add(self, pair: int, order_key: tuple, is_buy: bool, subticks: int, remaining: int) -> None:
        self.orders[pair].append(
            {"key": order_key, "buy": is_buy, "subticks": subticks, "remaining": remaining, "seq": self.sequence}
        )
        self.sequence += 1

    def find(self, pair: int, order_key: tuple) -> dict | None:
        return next((o for o in self.orders[pair] if o["key"] == order_key), None)

    def remove(self, pair: int, order_key: tuple) -> None:
        self.orders[pair] = [o for o in self.orders[pair] if o["key"] != order_key]

    def priority(self, pair: int, buy_side: bool) -> list[dict]:
        """One side in priority order: best price first, then earliest to rest."""
        side = [o for o in self.orders[pair] if o["buy"] == buy_side]
        return sorted(side, key=lambda o: (-o["subticks"] if buy_side else o["subticks"], o["seq"]))


class ClobMachine(RuleBasedStateMachine):
    @initialize()
    def start(self) -> None:
        self.state = default_genesis()
        for owner, amount in FUNDS.items():
            assert apply_json(self.state, deposit(owner, {"owner": owner, "number": 0}, amount)).accepted
        self.model = ModelBook()
        self.orders: dict[tuple, dict] = {}  # every order placed, by id (the latest placement)

    # --- message builders -----------------------------------------------------------------

    def center(self, pair: int) -> int:
        """The oracle price of the pair in subticks (the subticks exponent is 0 here), on a tick."""
        price = self.state.prices.market_prices[self.state.perpetuals.perpetuals[PAIRS[pair]].market_id].price
        return price // TICK * TICK

    PLACE_ARGUMENTS: ClassVar[dict] = dict(
        owner=st.sampled_from(OWNERS),
        pair=st.sampled_from(sorted(PAIRS)),
        buy=st.booleans(),
        steps=st.sampled_from([1, 1, 2, 3, 5, 10, 50, 200, 2_000]),
        offset=st.integers(-4, 4),
        kind=st.sampled_from(KINDS),
        client_id=st.integers(0, 3),
        expiry=st.sampled_from([0, 1, 3, 10, 40]),
        trigger_offset=st.integers(-30, 30),
        signer_ok=st.sampled_from([True] * 15 + [False]),
    )

    # Three rules for placing (hypothesis picks among rules evenly): most steps place orders
    @rule(**PLACE_ARGUMENTS)
    def place_one(self, **arguments) -> None:
        self.place(**arguments)

    @rule(**PLACE_ARGUMENTS)
    def place_two(self, **arguments) -> None:
        self.place(**arguments)

    @rule(**PLACE_ARGUMENTS)
    def place_three(self, **arguments) -> None:
        self.place(**arguments)

    def place(self, owner, pair, buy, steps, offset, kind, client_id, expiry, trigger_offset, signer_ok) -> None:
        center = self.center(pair)
        body = {
            "orderId": {
                "subaccountId": {"owner": owner, "number": 0},
                "clientId": client_id,
                "orderFlags": 0,
                "clobPairId": pair,
            },
            "side": "SIDE_BUY" if buy else "SIDE_SELL",
            "quantums": str(steps * STEP),
            "subticks": str(center + offset * TICK),
            "timeInForce": "TIME_IN_FORCE_UNSPECIFIED",
            "reduceOnly": False,
        }
        height, now = self.state.blocks.height, self.state.blocks.time
        if kind in ("gtt", "ioc", "post_only", "reduce_only", "bad"):
            body["goodTilBlock"] = height + expiry
        else:
            body["orderId"]["orderFlags"] = 64 if kind.startswith("long_term") else 32
            body["goodTilBlockTime"] = now + {0: 1, 1: 5, 3: 60, 10: 600, 40: 3_600}[expiry]
        if kind in ("ioc", "reduce_only", "conditional"):
            body["timeInForce"] = "TIME_IN_FORCE_IOC"
        if kind == "ioc" and offset % 2 == 0:  # a market order: the worst price the taker accepts (ORDER-1)
            body["subticks"] = str(center + (5 if buy else -5) * TICK)
        if kind in ("post_only", "long_term_post_only"):
            body["timeInForce"] = "TIME_IN_FORCE_POST_ONLY"
        if kind == "reduce_only":
            body["reduceOnly"] = True
            held = self.state.subaccounts.subaccounts.get(SubaccountId(owner, 0))
            position = held.positions.get(PAIRS[pair]) if held else None
            if position is not None and trigger_offset % 5:  # mostly the side that reduces
                body["side"] = "SIDE_SELL" if position.quantums > 0 else "SIDE_BUY"
                body["subticks"] = str(center + (-4 if position.quantums > 0 else 4) * TICK)
        if kind == "conditional":  # IOC, good-til-time or post-only once triggered; reduce-only ones are IOC
            body["conditionType"] = "CONDITION_TYPE_STOP_LOSS" if trigger_offset % 2 else "CONDITION_TYPE_TAKE_PROFIT"
            body["conditionalOrderTriggerSubticks"] = str(center + trigger_offset * TICK)
            body["timeInForce"] = ["TIME_IN_FORCE_IOC", "TIME_IN_FORCE_UNSPECIFIED", "TIME_IN_FORCE_POST_ONLY"][
                steps % 3
            ]
            body["reduceOnly"] = body["timeInForce"] == "TIME_IN_FORCE_IOC" and trigger_offset % 3 == 0
        if kind == "bad":  # invalid on purpose: off-tick, off-step, out of window or a reduce-only good-til-time
            variant = trigger_offset % 4
            if variant == 0:
                body["subticks"] = str(center + offset * TICK + 1)
            elif variant == 1:
                body["quantums"] = str(steps * STEP + 1)
            elif variant == 2:
                body["goodTilBlock"] = height + 41
            else:
                body["reduceOnly"] = True
        signer = owner if signer_ok else OWNERS[(OWNERS.index(owner) + 1) % len(OWNERS)]
        self.apply({"@type": PLACE_ORDER_TYPE, "signer": signer, "order": body}, kind)

    @rule(
        owner=st.sampled_from(OWNERS),
        pair=st.sampled_from(sorted(PAIRS)),
        client_id=st.integers(0, 3),
        flags=st.sampled_from([0, 0, 64, 32]),
        expiry=st.sampled_from([0, 1, 5, 40, 3_600]),
    )
    def cancel(self, owner, pair, client_id, flags, expiry) -> None:
        message = {
            "@type": CANCEL_ORDER_TYPE,
            "signer": owner,
            "orderId": {
                "subaccountId": {"owner": owner, "number": 0},
                "clientId": client_id,
                "orderFlags": flags,
                "clobPairId": pair,
            },
        }
        if flags == 0:
            message["goodTilBlock"] = self.state.blocks.height + min(expiry, 40)
        else:
            message["goodTilBlockTime"] = self.state.blocks.time + expiry
        self.apply(message, "cancel")

    @rule(index=st.integers(0, 10_000), early=st.sampled_from([False, False, False, True]))
    def cancel_live(self, index, early) -> None:
        """Cancel a live order (resting or untriggered), sometimes with too early an expiry (ORDER-7, ORDER-8)."""
        live = sorted(list(self.state.clob.resting) + list(self.state.clob.untriggered), key=key_of)
        if not live:
            return
        order_id = live[index % len(live)]
        entry = self.state.clob.resting.get(order_id)
        order = entry.order if entry is not None else self.state.clob.untriggered[order_id]
        message = {
            "@type": CANCEL_ORDER_TYPE,
            "signer": order_id.subaccount_id.owner,
            "orderId": {
                "subaccountId": {"owner": order_id.subaccount_id.owner, "number": order_id.subaccount_id.number},
                "clientId": order_id.client_id,
                "orderFlags": order_id.order_flags,
                "clobPairId": order_id.clob_pair_id,
            },
        }
        if order.good_til_block:
            message["goodTilBlock"] = max(self.state.blocks.height, order.good_til_block - (1 if early else 0))
        else:
            message["goodTilBlockTime"] = order.good_til_block_time - (1 if early else 0)
        self.apply(message, "cancel live")

    @rule(
        index=st.integers(0, 10_000),
        steps=st.sampled_from([1, 2, 5, 20]),
        offset=st.integers(-4, 4),
        change=st.sampled_from(["later", "later", "later", "same", "earlier", "side"]),
    )
    def replace_live(self, index, steps, offset, change) -> None:
        """Place a live order's id again: a replacement with a later expiry, or an invalid one (ORDER-6)."""
        live = sorted(list(self.state.clob.resting) + list(self.state.clob.untriggered), key=key_of)
        if not live:
            return
        order_id = live[index % len(live)]
        entry = self.state.clob.resting.get(order_id)
        order = entry.order if entry is not None else self.state.clob.untriggered[order_id]
        body = encode_order(order)
        body["quantums"] = str(steps * STEP)
        body["subticks"] = str(self.center(order_id.clob_pair_id) + offset * TICK)
        delta = {"later": 1, "same": 0, "earlier": -1, "side": 1}[change]
        if order.good_til_block:
            body["goodTilBlock"] = min(order.good_til_block + delta, self.state.blocks.height + 40)
        else:
            body["goodTilBlockTime"] = order.good_til_block_time + delta
        if change == "side":
            body["side"] = "SIDE_SELL" if order.side == 1 else "SIDE_BUY"
        self.apply({"@type": PLACE_ORDER_TYPE, "signer": order_id.subaccount_id.owner, "order": body}, "replace")

    @rule(seconds=st.sampled_from([1, 1, 2, 5, 30]))
    def advance(self, seconds) -> None:
        self.apply(advance_block(AUTHORITY, self.state.blocks.height + 1, self.state.blocks.time + seconds), "block")

    @rule(
        pair=st.sampled_from(sorted(PAIRS)), move_ppm=st.sampled_from([-30_000, -10_000, -2_000, 2_000, 10_000, 30_000])
    )
    def move_price(self, pair, move_ppm) -> None:
        market = self.state.perpetuals.perpetuals[PAIRS[pair]].market_id
        price = self.state.prices.market_prices[market].price
        new = price + price * move_ppm // 1_000_000
        sources = [(f"s{i}", new, self.state.blocks.time) for i in range(3)]
        self.apply(update_prices(AUTHORITY, [(market, sources)]), "price")

    # --- applying and checking --------------------------------------------------------------

    def parties(self) -> dict[SubaccountId, Subaccount]:
        """Copies of the funded subaccounts (the only ones that trade)."""
        result = {}
        for owner in OWNERS:
            sid = SubaccountId(owner, 0)
            stored = self.state.subaccounts.subaccounts.get(sid)
            copy_ = Subaccount(sid, stored.usdc_balance if stored else 0)
            if stored:
                for pid, p in stored.positions.items():
                    copy_.positions[pid] = PerpetualPosition(pid, p.quantums, p.funding_index)
            result[sid] = copy_
        return result

    def apply(self, message: dict, kind: str) -> None:
        before_bytes = full_state_bytes(self.state)
        before_parties = self.parties()
        fee_collector = self.state.bank.fee_collector
        # CODEC-1, CLOB-3: a copy decoded from the state's JSON (expiry queues and sequence numbers
        # rebuilt) behaves exactly like the state itself
        # (on every fourth step, to keep the run short)
        shadow = load_genesis(encode_state(self.state)) if STATS["steps"] % 4 == 0 else None
        outcome = apply_json(self.state, message)
        if shadow is not None:
            STATS["decoded copies"] += 1
            shadow_outcome = apply_json(shadow, copy.deepcopy(message))
            assert shadow_outcome.to_json() == outcome.to_json(), "CLOB-3: a decoded copy gave another outcome"
            assert full_state_bytes(shadow) == full_state_bytes(self.state), (
                "CLOB-3: a decoded copy reached another state"
            )
        STATS["steps"] += 1
        if not outcome.accepted:
            STATS[f"rejected {outcome.error.code}"] += 1
            assert full_state_bytes(self.state) == before_bytes, "TX-2: a rejected message changed the state"
            return
        STATS[f"accepted {kind}"] += 1
        fees = self.check_events(outcome.events, before_parties)
        assert self.state.bank.fee_collector - fee_collector == fees, "FEE-3: the fee collector receives the fees"
        if message["@type"] == PLACE_ORDER_TYPE and message["order"]["reduceOnly"]:
            order = message["order"]
            sid = SubaccountId(order["orderId"]["subaccountId"]["owner"], 0)
            pid = PAIRS[order["orderId"]["clobPairId"]]
            was = before_parties[sid].positions.get(pid)
            was_q = was.quantums if was else 0
            now = self.state.subaccounts.subaccounts.get(sid)
            now_q = now.positions[pid].quantums if now and pid in now.positions else 0
            assert abs(now_q) <= abs(was_q) and now_q * was_q >= 0, (
                "RO-1: a reduce-only order grew or flipped a position"
            )

    def check_events(self, events: list[dict], parties: dict[SubaccountId, Subaccount]) -> int:
        """Walk the events with the model book and the parties' balances; the fees of the fills."""
        fees = 0
        model = self.model
        i = 0
        while i < len(events):
            event = events[i]
            kind = event["type"]
            if kind == "OrderPlaced":
                self.orders[key(event["order"]["orderId"])] = event["order"]
            elif kind == "ConditionalOrderTriggered":
                STATS["triggered"] += 1
            elif kind == "OrderOnBook":
                order = self.orders[key(event["orderId"])]
                pair = event["orderId"]["clobPairId"]
                assert model.find(pair, key(event["orderId"])) is None
                model.add(
                    pair,
                    key(event["orderId"]),
                    order["side"] == "SIDE_BUY",
                    int(order["subticks"]),
                    int(event["remainingQuantums"]),
                )
            elif kind == "OrderRemoved":
                STATS[f"removed {event['reason']}"] += 1
                pair = event["orderId"]["clobPairId"]
                if event["reason"] == "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK":
                    taker = self.orders[key(event["orderId"])]
                    is_buy = taker["side"] == "SIDE_BUY"
                    best = model.priority(pair, not is_buy)
                    if best and not taker["reduceOnly"]:
                        limit, price = int(taker["subticks"]), best[0]["subticks"]
                        crossing = price <= limit if is_buy else price >= limit
                        assert not crossing, "MATCH-6/PRIO-1: an IOC order was removed with a crossing maker left"
                model.remove(pair, key(event["orderId"]))
            elif kind == "OrderFill":
                fees += self.check_fill(event, events[i + 1], events[i + 2], parties)
                i += 2
            i += 1
        self.check_model_agrees()
        return fees

    def check_fill(
        self, fill: dict, taker_update: dict, maker_update: dict, parties: dict[SubaccountId, Subaccount]
    ) -> int:
        STATS["fills"] += 1
        pair = fill["clobPairId"]
        taker = self.orders[key(fill["takerOrderId"])]
        is_buy = fill["takerIsBuy"]
        assert is_buy == (taker["side"] == "SIDE_BUY")
        size, subticks, quote = int(fill["fillQuantums"]), int(fill["subticks"]), int(fill["quoteQuantums"])
        # PRIO-1: the maker is the best of the opposite side in the naive model
        best = self.model.priority(pair, not is_buy)
        assert best, "PRIO-1: a fill with no resting maker in the model"
        head = best[0]
        assert head["key"] == key(fill["makerOrderId"]), (
            f"PRIO-1: filled {key(fill['makerOrderId'])}, model's best is {head['key']}"
        )
        assert subticks == head["subticks"], "MATCH-2: a fill is at the maker's price"
        limit = int(taker["subticks"])
        assert (subticks <= limit) if is_buy else (subticks >= limit), "MATCH-1: a fill within the taker's limit"
        taker_remaining = int(taker["quantums"]) - (int(fill["takerTotalFilled"]) - size)
        if taker["reduceOnly"]:
            assert 0 < size <= min(taker_remaining, head["remaining"]) and size % STEP == 0, "MATCH-8"
        else:
            assert size == min(taker_remaining, head["remaining"]), "MATCH-2: size is min(taker, maker remaining)"
        head["remaining"] -= size
        assert head["remaining"] >= 0
        # CONS-3: quote, fees, zero-sum USDC and base
        assert quote == subticks * size // 10**9, "MATCH-2: quote = floor(subticks * q * 10^qce)"
        taker_fee, maker_fee = int(fill["takerFee"]), int(fill["makerFee"])
        assert (taker_fee, maker_fee) == (fee_of(quote, TAKER_PPM), fee_of(quote, MAKER_PPM)), "FEE-2"
        pid = PAIRS[pair]
        deltas, positions = [], []
        for update in (taker_update, maker_update):
            assert update["type"] == "SubaccountUpdate"
            sid = SubaccountId(update["subaccountId"]["owner"], update["subaccountId"]["number"])
            old = parties[sid]
            new = Subaccount(sid, int(update["usdcBalance"]))
            for p in update["perpetualPositions"]:
                new.positions[p["perpetualId"]] = PerpetualPosition(
                    p["perpetualId"], int(p["quantums"]), int(p["fundingIndex"])
                )
            paid = sum(int(p["payment"]) for p in update["fundingPayments"])
            old_q = old.positions[pid].quantums if pid in old.positions else 0
            new_q = new.positions[pid].quantums if pid in new.positions else 0
            deltas.append((new.usdc_balance - old.usdc_balance + paid, new_q - old_q))
            positions.append((old_q, new_q))
            # SOLV-2: a party that met its initial margin still meets it
            if is_initially_collateralized(get_subaccount_risk(self.state, old)):
                assert is_initially_collateralized(get_subaccount_risk(self.state, new)), "SOLV-2"
            parties[sid] = new
        (taker_usdc, taker_base), (maker_usdc, maker_base) = deltas
        assert taker_base == (size if is_buy else -size) and maker_base == -taker_base, "CONS-3: base is zero-sum"
        assert taker_usdc == (-quote if is_buy else quote) - taker_fee, "FEE-3"
        assert maker_usdc == (quote if is_buy else -quote) - maker_fee, "FEE-3"
        assert taker_usdc + maker_usdc + taker_fee + maker_fee == 0, "CONS-3: USDC is zero-sum with fees"
        if taker["reduceOnly"]:
            STATS["reduce-only fills"] += 1
            before, after = positions[0]
            assert before != 0 and abs(after) < abs(before) and after * before >= 0, (
                "RO-1: a reduce-only fill grew or flipped"
            )
        return taker_fee + maker_fee

    def check_model_agrees(self) -> None:
        """The model book equals the engine's, order by order, in priority order with remaining sizes (PRIO-1, BOOK-1)."""
        books = {b["clobPairId"]: b for b in encode_state(self.state)["clob"]["books"]}
        fill_amounts = self.state.clob.fill_amounts
        for pair in PAIRS:
            for side, is_buy in (("bids", True), ("asks", False)):
                engine = []
                for o in books.get(pair, {}).get(side, []):
                    entry = self.state.clob.resting[
                        next(i for i in self.state.clob.resting if key_of(i) == key(o["orderId"]))
                    ]
                    engine.append(
                        (
                            key(o["orderId"]),
                            int(o["subticks"]),
                            entry.order.quantums - fill_amounts.get(entry.order_id, 0),
                        )
                    )
                model = [(o["key"], o["subticks"], o["remaining"]) for o in self.model.priority(pair, is_buy)]
                assert engine == model, f"PRIO-1/BOOK-1: engine book {engine} != model {model}"

    @invariant()
    def invariants_hold(self) -> None:
        if not hasattr(self, "state"):
            return
        violations = check_state_invariants(self.state)
        assert violations == [], "; ".join(violations)
        # CONS-1 spelled out: USDC held equals deposits minus withdrawals
        held = sum(s.usdc_balance for s in self.state.subaccounts.subaccounts.values())
        held += self.state.bank.insurance_fund + self.state.bank.fee_collector + self.state.bank.funding_pool
        assert held == self.state.bank.total_deposited - self.state.bank.total_withdrawn, "CONS-1"


def key_of(order_id) -> tuple:
    return (
        order_id.subaccount_id.owner,
        order_id.subaccount_id.number,
        order_id.client_id,
        order_id.order_flags,
        order_id.clob_pair_id,
    )


def test_clob_state_machine():
    """PRIO-1, RO-1, CONS-1, CONS-3, SOLV-2, CROSS-1 (INV-9, INV-10, BOOK-1, BOOK-2, MATCH-1..8, FEE-2, FEE-3, TX-2)."""
    STATS.clear()
    run_state_machine_as_test(ClobMachine, settings=MACHINE_SETTINGS)
    print(dict(sorted(STATS.items())))
    if not at_full_budget():  # the runs' reach is checked at the ci budget or more
        return
    # The runs reach what they are meant to check
    assert STATS["fills"] > 50 and STATS["decoded copies"] > 500
    assert STATS["reduce-only fills"] > 0 and STATS["triggered"] > 0
    for reason in (
        "CANCELED",
        "UNDERCOLLATERALIZED",
        "FULLY_FILLED",
        "SELF_TRADE",
        "IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK",
        "POST_ONLY_WOULD_CROSS_MAKER_ORDER",
        "EXPIRED",
        "REPLACED",
    ):
        assert STATS[f"removed {reason}"] > 0, reason
