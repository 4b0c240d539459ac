"""
A hypothesis state machine over the ledger, with contracts on (INV-8).

``LedgerMachine`` draws deposits, withdrawals, transfers, oracle price updates, blocks, and
orders and cancels of every kind near the oracle price (so fills, resting orders, expiries and
conditional triggers happen), valid and invalid alike.  Each rule predicts the outcome from the rules (SUB-7, SUB-9,
SUB-11..13, PRICE-2..6, BLOCK-1, BLOCK-2, FUND-2, FUND-3: the seeded geneses carry unsettled
funding) and checks it; a rejection must leave the state hash unchanged (TX-2); the
invariants INV-1..INV-6 and the codec round trip (CODEC-1) are checked after every step.
Malformed messages are drawn from helpers/messages.py (TX-5).

40 examples of 100 steps under the ``ci`` hypothesis profile (scaled by the profile, see
tests/conftest.py); the run's reach (steps, outcomes, error codes) is asserted at the ``ci``
budget or more.
"""

from __future__ import annotations

from collections import Counter

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from helpers.budget import at_full_budget, examples
from helpers.ledger import usdc
from helpers.messages import DECODE_CODES, MALFORMED_MESSAGES
from perpspec import errors
from perpspec.clob.orders import get_oracle_price_subticks
from perpspec.codec import encode_state, state_hash
from perpspec.conformance.builders import (
    AUTHORITY,
    BUY,
    CONDITIONAL,
    FILL_OR_KILL,
    IOC,
    LONG_TERM,
    MALLORY,
    POST_ONLY,
    SELL,
    SHORT_TERM,
    advance_block,
    cancel,
    deposit,
    order,
    order_id,
    place,
    sub,
    transfer,
    update_prices,
    withdraw,
)
from perpspec.genesis import load_genesis
from perpspec.invariants import check_state_invariants
from perpspec.rounding import mean_round_half_away_from_zero
from perpspec.simulation import account, genesis_with_positions
from perpspec.subaccounts import get_settled_subaccount, get_subaccount, get_subaccount_risk, is_withdrawal_gated
from perpspec.transition import Outcome, apply_json
from perpspec.types import SubaccountId

pytestmark = pytest.mark.slow


STATS: Counter = Counter()
"""Steps, outcomes and error codes of the state machine, summed over all its runs."""


MACHINE_SETTINGS = settings(
    stateful_step_count=100,
    max_examples=examples(40),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


NUMBERS = st.sampled_from([0, 0, 0, 1, 127])


SIGNER_OK = st.sampled_from([True] * 9 + [False])


OWNER = st.integers(0, 50)  # an index into the run's owners, modulo their number


KINDS = (
    ["deposit"] * 3
    + ["withdraw"] * 4
    + ["transfer"] * 4
    + ["update_prices"] * 3
    + ["advance_block"] * 2
    + ["advance_many_blocks", "malformed"]
    + ["place_order"] * 8
    + ["cancel_order"]
)

PROTOCOL_CODES = frozenset(
    cls.code
    for cls in vars(errors).values()
    if isinstance(cls, type) and issubclass(cls, errors.ProtocolError) and isinstance(getattr(cls, "code", None), str)
)
"""Every code a message can be refused with: an order's outcome is checked by the invariants, not predicted."""

ORDER_FLAGS = st.sampled_from([SHORT_TERM] * 3 + [LONG_TERM, CONDITIONAL])
TIME_IN_FORCE = st.sampled_from([None, None, None, IOC, POST_ONLY, FILL_OR_KILL])
TICK_OFFSET = st.integers(-4, 4)  # ticks from the oracle price: both sides cross and rest
STEPS = st.sampled_from([1, 1, 2, 5, 50, 10**4])


AMOUNT_MODE = st.sampled_from(["fixed", "fixed", "fixed", "max", "max_plus_one", "all"])


FIXED_AMOUNT = st.one_of(
    st.sampled_from([1, 10**6, 10**8, 10**9, 10**10, 5 * 10**10]),
    st.integers(min_value=1, max_value=10**11),
)


def expected_collateral_code(state, subaccount_id: SubaccountId, amount: int) -> str | None:
    """
    What a withdrawal or transfer of ``amount`` from ``subaccount_id`` yields (SUB-7, SUB-8):
    None when NC - amount >= IMR after settlement; otherwise NEWLY when NC >= IMR before,
    STILL when not.  Taking USDC never lowers MMR and always lowers NC, so SUB-8 never
    rescues it.
    """
    settled, _ = get_settled_subaccount(state, get_subaccount(state, subaccount_id))
    risk = get_subaccount_risk(state, settled)
    if risk.nc - amount >= risk.imr:
        return None
    return "NEWLY_UNDERCOLLATERALIZED" if risk.nc >= risk.imr else "STILL_UNDERCOLLATERALIZED"


def settled_balance(state, subaccount_id: SubaccountId) -> tuple[int, int]:
    """(USDC after FUND-2 settlement, the settlement itself) of a subaccount, without writing."""
    current = get_subaccount(state, subaccount_id)
    settled, _ = get_settled_subaccount(state, current)
    return settled.usdc_balance, settled.usdc_balance - current.usdc_balance


def choose_amount(state, subaccount_id: SubaccountId, mode: str, fixed: int) -> int:
    """A fixed amount, or one at the collateral boundary of the subaccount (SUB-12)."""
    if mode == "fixed":
        return fixed
    settled, _ = get_settled_subaccount(state, get_subaccount(state, subaccount_id))
    risk = get_subaccount_risk(state, settled)
    headroom = risk.nc - risk.imr
    if mode == "all":
        return max(settled.usdc_balance, 1)
    if mode == "max":
        return max(headroom, 1)
    return max(headroom + 1, 1)


def expected_price(state, market_id: int, sources: list[tuple[str, int, int]]) -> int:
    """The next price by PRICE-2..5, computed here independently of perpspec.prices."""
    param = state.prices.market_params[market_id]
    old = state.prices.market_prices[market_id].price
    fresh = sorted(p for _, p, ts in sources if 0 <= state.blocks.time - ts <= param.max_source_age_seconds)
    if not fresh or len(fresh) < param.min_exchanges:
        return old
    middle = len(fresh) // 2
    candidate = fresh[middle] if len(fresh) % 2 else mean_round_half_away_from_zero(fresh[middle - 1], fresh[middle])
    if abs(candidate - old) < old * param.min_price_change_ppm // 1_000_000:
        return old
    return candidate


class LedgerMachine(RuleBasedStateMachine):
    """Random ledger messages from a seeded genesis with open positions (contracts on)."""

    def __init__(self) -> None:
        super().__init__()
        self.state = None
        self.owners: list[str] = []

    @initialize(seed=st.integers(min_value=0, max_value=2**20))
    def start(self, seed: int) -> None:
        self.state = load_genesis(genesis_with_positions(seed))
        self.owners = sorted({s.owner for s in self.state.subaccounts.subaccounts}) + [account("newcomer")]
        STATS["runs"] += 1

    # --- helpers ------------------------------------------------------------------------

    def owner(self, index: int) -> str:
        return self.owners[index % len(self.owners)]

    def apply(self, message, expected_code: str | None, allowed_codes: frozenset[str] | None = None) -> Outcome:
        """Apply; check the predicted outcome, and that a rejection changed nothing (TX-2)."""
        before_hash = state_hash(self.state)
        outcome = apply_json(self.state, message)
        STATS["messages"] += 1
        if outcome.accepted:
            STATS["accepted"] += 1
            assert allowed_codes is not None or expected_code is None, (
                f"expected {expected_code}, but accepted: {message}"
            )
        else:
            code = outcome.error.code
            STATS["rejected"] += 1
            STATS["code:" + code] += 1
            assert isinstance(outcome.error, errors.ProtocolError)
            assert state_hash(self.state) == before_hash, f"TX-2: rejected {code} changed the state"
            if allowed_codes is not None:
                assert code in allowed_codes, f"unexpected {code} for {message}"
            else:
                assert code == expected_code, f"expected {expected_code}, got {code}: {outcome.error.message}"
        return outcome

    # --- the rule ---------------------------------------------------------------------------

    @rule(kind=st.sampled_from(KINDS), data=st.data())
    def step(self, kind, data):
        """
        One message (or, for advance_many_blocks, a run of blocks) of the drawn kind.

        A single weighted rule rather than one rule per kind: hypothesis's per-example rule
        selection ("swarm testing") otherwise leaves some kinds nearly unexercised in 25 examples.
        """
        STATS["steps"] += 1
        STATS["rule:" + kind] += 1
        getattr(self, "do_" + kind)(data)

    # --- message kinds --------------------------------------------------------------------

    def do_deposit(self, data):
        """SUB-11: the sender signs; a deposit is never gated and always passes the collateral check."""
        owner, recipient = data.draw(OWNER, label="owner"), data.draw(OWNER, label="recipient")
        number, amount = data.draw(NUMBERS, label="number"), data.draw(FIXED_AMOUNT, label="amount")
        signer_ok = data.draw(SIGNER_OK, label="signer_ok")
        sender, target = self.owner(owner), SubaccountId(self.owner(recipient), number)
        signer = sender if signer_ok else MALLORY
        before, settlement = settled_balance(self.state, target)
        deposited, pool = self.state.bank.total_deposited, self.state.bank.funding_pool
        outcome = self.apply(
            deposit(signer, sub(target.owner, target.number), amount, sender=sender),
            None if signer_ok else "UNAUTHORIZED",
        )
        if outcome.accepted:  # FUND-2: settled first; FUND-3: the pool is the counterpart
            assert usdc(self.state, target.owner, target.number) == before + amount
            assert self.state.bank.total_deposited == deposited + amount
            assert self.state.bank.funding_pool == pool - settlement
            STATS["settlements"] += settlement != 0

    def do_withdraw(self, data):
        """SUB-12, SUB-9, SUB-7: owner signs; gated for 50 blocks; accepted iff NC - amount >= IMR."""
        owner, number = data.draw(OWNER, label="owner"), data.draw(NUMBERS, label="number")
        mode, fixed = data.draw(AMOUNT_MODE, label="mode"), data.draw(FIXED_AMOUNT, label="fixed")
        signer_ok = data.draw(SIGNER_OK, label="signer_ok")
        source = SubaccountId(self.owner(owner), number)
        amount = choose_amount(self.state, source, mode, fixed)
        if not signer_ok:
            expected = "UNAUTHORIZED"
        elif is_withdrawal_gated(self.state):
            expected = "WITHDRAWALS_AND_TRANSFERS_BLOCKED"
        else:
            expected = expected_collateral_code(self.state, source, amount)
        was_collateralized = expected_collateral_code(self.state, source, 0) is None
        withdrawn, pool = self.state.bank.total_withdrawn, self.state.bank.funding_pool
        before, settlement = settled_balance(self.state, source)
        outcome = self.apply(
            withdraw(source.owner if signer_ok else MALLORY, sub(source.owner, number), amount), expected
        )
        if outcome.accepted:
            assert self.state.bank.total_withdrawn == withdrawn + amount
            assert usdc(self.state, source.owner, source.number) == before - amount
            assert self.state.bank.funding_pool == pool - settlement  # FUND-3
            STATS["settlements"] += settlement != 0
            # INV-5: a subaccount that met its IMR still meets it
            assert not was_collateralized or expected_collateral_code(self.state, source, 0) is None

    def do_transfer(self, data):
        """SUB-13, SUB-9, SUB-7: sender's owner signs; sender != recipient; both written or neither."""
        owner, number = data.draw(OWNER, label="owner"), data.draw(NUMBERS, label="number")
        recipient, recipient_number = data.draw(OWNER, label="recipient"), data.draw(NUMBERS, label="recipient_number")
        mode, fixed = data.draw(AMOUNT_MODE, label="mode"), data.draw(FIXED_AMOUNT, label="fixed")
        signer_ok = data.draw(SIGNER_OK, label="signer_ok")
        source = SubaccountId(self.owner(owner), number)
        target = SubaccountId(self.owner(recipient), recipient_number)
        amount = choose_amount(self.state, source, mode, fixed)
        if source == target:
            expected = "SENDER_SAME_AS_RECIPIENT"
        elif not signer_ok:
            expected = "UNAUTHORIZED"
        elif is_withdrawal_gated(self.state):
            expected = "WITHDRAWALS_AND_TRANSFERS_BLOCKED"
        else:
            expected = expected_collateral_code(self.state, source, amount)
        (sender_before, sender_settlement) = settled_balance(self.state, source)
        (recipient_before, recipient_settlement) = settled_balance(self.state, target)
        totals = (self.state.bank.total_deposited, self.state.bank.total_withdrawn)
        pool = self.state.bank.funding_pool
        outcome = self.apply(
            transfer(
                source.owner if signer_ok else MALLORY,
                sub(source.owner, source.number),
                sub(target.owner, target.number),
                amount,
            ),
            expected,
        )
        if outcome.accepted:
            assert usdc(self.state, source.owner, source.number) == sender_before - amount
            assert usdc(self.state, target.owner, target.number) == recipient_before + amount
            assert (self.state.bank.total_deposited, self.state.bank.total_withdrawn) == totals
            assert self.state.bank.funding_pool == pool - sender_settlement - recipient_settlement  # FUND-3
            STATS["settlements"] += (sender_settlement != 0) + (recipient_settlement != 0)

    def do_update_prices(self, data):
        """PRICE-2..6: authority only; stale sources dropped; errors (unknown market, duplicates, zero) change nothing."""
        signer_ok = data.draw(SIGNER_OK, label="signer_ok")
        state = self.state
        market_ids = data.draw(st.lists(st.sampled_from([0, 1, 5]), unique=True, max_size=3), label="markets")
        if data.draw(st.integers(0, 9), label="unknown market") == 0:
            market_ids.insert(data.draw(st.integers(0, len(market_ids)), label="at"), 99)
        if market_ids and data.draw(st.integers(0, 14), label="duplicate market") == 0:
            market_ids.append(market_ids[0])
        updates = []
        for market_id in market_ids:
            current = state.prices.market_prices[market_id].price if market_id in state.prices.market_prices else 10**9
            count = data.draw(st.sampled_from([0, 1, 2, 3, 3, 3, 4, 4, 5, 5]), label="sources")
            sources = []
            for i in range(count):
                move_ppm = data.draw(
                    st.one_of(st.integers(-20_000, 20_000), st.integers(-150_000, 150_000)), label="move"
                )
                price = max(1, current + current * move_ppm // 1_000_000)
                if data.draw(st.integers(0, 60), label="zero") == 0:
                    price = 0
                age = data.draw(st.sampled_from([0, 0, 0, 0, 1, 5, 29, 30, 30, 31, 120, -3]), label="age")
                name = f"exchange-{i}"
                if i > 0 and data.draw(st.integers(0, 40), label="dup") == 0:
                    name = sources[0][0]
                sources.append((name, price, state.blocks.time - age))
            updates.append((market_id, sources))
        expected = None
        for _market_id, sources in updates:
            if any(price == 0 for _, price, _ in sources):
                expected = "INVALID_PRICE"
                break
            names = [name for name, _, _ in sources]
            if len(set(names)) != len(names):
                expected = "DUPLICATE_SOURCE"
                break
        if expected is None:
            if len(set(market_ids)) != len(market_ids):
                expected = "DUPLICATE_MARKET_UPDATE"
            elif not signer_ok:
                expected = "UNAUTHORIZED"
            elif any(m not in state.prices.market_params for m in market_ids):
                expected = "UNKNOWN_MARKET"
        predicted = {m: expected_price(state, m, s) for m, s in updates if expected is None}
        old_prices = {m: p.price for m, p in state.prices.market_prices.items()}
        outcome = self.apply(update_prices(AUTHORITY if signer_ok else MALLORY, updates), expected)
        if outcome.accepted:
            for market_id, price in old_prices.items():
                assert state.prices.market_prices[market_id].price == predicted.get(market_id, price)
            assert [e["marketId"] for e in outcome.events] == market_ids
            for event in outcome.events:
                STATS["price:" + event["outcome"]] += 1

    def do_advance_block(self, data):
        """BLOCK-1, BLOCK-2: the authority moves to height + 1 at a strictly later time; >= 300 s records an outage."""
        height_step = data.draw(st.sampled_from([1] * 10 + [0, 2, -1]), label="height_step")
        seconds = data.draw(st.sampled_from([1] * 6 + [2, 5, 30, 60, 299, 299, 300, 1_000, 0, -1]), label="seconds")
        signer_ok = data.draw(SIGNER_OK, label="signer_ok")
        state = self.state
        height, time = state.blocks.height + height_step, state.blocks.time + seconds
        if not signer_ok:
            expected = "UNAUTHORIZED"
        elif height_step != 1:
            expected = "INVALID_BLOCK_HEIGHT"
        elif seconds <= 0:
            expected = "INVALID_BLOCK_TIME"
        else:
            expected = None
        outage_before = state.blocks.last_chain_outage_at_block
        outcome = self.apply(advance_block(AUTHORITY if signer_ok else MALLORY, height, time), expected)
        if outcome.accepted:
            assert (state.blocks.height, state.blocks.time) == (height, time)
            assert state.blocks.last_chain_outage_at_block == (height if seconds >= 300 else outage_before)

    def do_advance_many_blocks(self, data):
        """SUB-9, BLOCK-1: run `count` one-second blocks, so gating windows of 50 blocks also end."""
        count = data.draw(st.integers(min_value=2, max_value=60), label="count")
        was_gated = is_withdrawal_gated(self.state)
        for _ in range(count):
            self.apply(advance_block(AUTHORITY, self.state.blocks.height + 1, self.state.blocks.time + 1), None)
        if was_gated and not is_withdrawal_gated(self.state):
            STATS["gating_expired"] += 1
            for seen_at in (
                self.state.subaccounts.negative_tnc_subaccount_seen_at_block,
                self.state.blocks.last_chain_outage_at_block,
            ):
                assert seen_at is None or self.state.blocks.height - seen_at >= 50

    def do_place_order(self, data):
        """ORDER-1..11, MATCH-1..8: an order near the oracle price; a refusal changes nothing (TX-2)."""
        clob = self.state.clob
        pair_id = data.draw(st.sampled_from(sorted(clob.clob_pairs)), label="pair")
        pair = clob.clob_pairs[pair_id]
        owner, number = self.owner(data.draw(OWNER, label="owner")), data.draw(NUMBERS, label="number")
        flags, tif = data.draw(ORDER_FLAGS, label="flags"), data.draw(TIME_IN_FORCE, label="tif")
        oracle = get_oracle_price_subticks(self.state, pair)
        ticks = max(1, oracle // pair.subticks_per_tick + data.draw(TICK_OFFSET, label="ticks"))
        subticks = ticks * pair.subticks_per_tick
        fields: dict = {"flags": flags, "clob": pair_id, "number": number, "tif": tif}
        if flags == SHORT_TERM:
            fields["gtb"] = self.state.blocks.height + data.draw(st.sampled_from([1, 3, 20]), label="gtb")
        else:
            fields["gtbt"] = self.state.blocks.time + data.draw(st.sampled_from([5, 60, 3600]), label="gtbt")
        if flags == CONDITIONAL:
            fields["condition"] = data.draw(
                st.sampled_from(["CONDITION_TYPE_STOP_LOSS", "CONDITION_TYPE_TAKE_PROFIT"]), label="condition"
            )
            fields["trigger"] = subticks
            fields["tif"] = None if tif == POST_ONLY else tif
        if data.draw(st.sampled_from([False] * 5 + [True]), label="reduce only"):
            fields["reduce_only"] = True
            fields["tif"] = IOC
        side = data.draw(st.sampled_from([BUY, SELL]), label="side")
        quantums = data.draw(STEPS, label="steps") * pair.step_base_quantums
        client_id = data.draw(st.integers(0, 30), label="client id")
        fields = {k: v for k, v in fields.items() if v is not None}
        outcome = self.apply(
            place(owner, order(owner, client_id, side, quantums, subticks, **fields)), None, PROTOCOL_CODES
        )
        if outcome.accepted:
            STATS["orders_accepted"] += 1
            STATS["fills"] += sum(e["type"] == "OrderFill" for e in outcome.events)

    def do_cancel_order(self, data):
        """ORDER-7, ORDER-8: cancel a resting order, or one that does not exist; a refusal changes nothing."""
        resting = sorted(self.state.clob.resting, key=repr)
        if resting and data.draw(st.booleans(), label="existing"):
            oid = resting[data.draw(st.integers(0, len(resting) - 1), label="which")]
            sid = oid.subaccount_id
            body = order_id(sid.owner, oid.client_id, oid.order_flags, oid.clob_pair_id, sid.number)
            signer = sid.owner
        else:
            signer = self.owner(data.draw(OWNER, label="owner"))
            body = order_id(signer, data.draw(st.integers(0, 30), label="client id"))
        if body["orderFlags"] == SHORT_TERM:
            message = cancel(signer, body, gtb=self.state.blocks.height + 2)
        else:
            message = cancel(signer, body, gtbt=self.state.blocks.time + 60)
        if self.apply(message, None, PROTOCOL_CODES).accepted:
            STATS["cancels_accepted"] += 1

    def do_malformed(self, data):
        """TX-5: a malformed message is rejected before it reads any state, and changes nothing (TX-2)."""
        message = data.draw(MALFORMED_MESSAGES, label="message")
        self.apply(message, None, allowed_codes=DECODE_CODES)

    # --- invariants ---------------------------------------------------------------------

    @invariant()
    def state_invariants_hold(self):
        """INV-1, INV-2, INV-3, INV-4, INV-6 over the whole state."""
        if self.state is not None:
            assert check_state_invariants(self.state) == []

    @invariant()
    def codec_round_trip(self):
        """
        CODEC-1: the state decodes back from its JSON to the same canonical form.

        The canonical form, not ``==``: a book is compared by identity, and the expiry index
        may keep ids of orders already gone (it lists what *may* lapse, ORDER-9, and is rebuilt
        from the orders on decoding), so only what the state encodes must survive.
        """
        if self.state is not None:
            encoded = encode_state(self.state)
            assert encode_state(load_genesis(encoded)) == encoded


def test_ledger_state_machine():
    """TX-2, INV-1..INV-6, INV-9, SUB-7, SUB-9, SUB-11..13, PRICE-6, BLOCK-1, BLOCK-2, MATCH-1: >= 2,000 random steps, orders among them."""
    STATS.clear()
    run_state_machine_as_test(LedgerMachine, settings=MACHINE_SETTINGS)
    print(f"state machine: {dict(sorted(STATS.items()))}")
    if not at_full_budget():  # the runs' reach is checked at the ci budget or more
        return
    assert STATS["runs"] >= 25
    assert STATS["steps"] >= 2_000, STATS
    assert STATS["price:UPDATED"] > 0 and STATS["settlements"] > 0 and STATS["gating_expired"] > 0
    assert STATS["accepted"] > 0 and STATS["rejected"] > 0
    assert STATS["orders_accepted"] > 0 and STATS["fills"] > 0 and STATS["cancels_accepted"] > 0, STATS
    for code in (
        "UNAUTHORIZED",
        "WITHDRAWALS_AND_TRANSFERS_BLOCKED",
        "NEWLY_UNDERCOLLATERALIZED",
        "INVALID_BLOCK_HEIGHT",
        "INVALID_BLOCK_TIME",
        "SENDER_SAME_AS_RECIPIENT",
    ):
        assert STATS["code:" + code] > 0, f"the machine never produced {code}: {STATS}"
