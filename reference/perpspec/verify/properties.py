"""
Contract-checked random runs and hypothesis checks of the claims (spec/claims.md).

Two methods live here:

- ``contracts``: seeded random runs of the ledger with every icontract condition on; a
  violated condition names its claim (its description starts with the claim ID);
- ``hypothesis``: a state machine whose steps hypothesis draws and shrinks, checking the
  state invariants after every step, and properties of the pure functions behind
  CONV-1, RISK-1, ORACLE-1, ORACLE-2, CONS-2 and CONS-4.  A failure carries hypothesis's falsifying example.

The tests in ``tests/`` go further; these are the claim-level checks ``perpspec verify``
runs from an installed package.
"""

from __future__ import annotations

import contextlib
import io
import random
import re
import time
from collections.abc import Callable
from fractions import Fraction

import icontract
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule, run_state_machine_as_test

from perpspec import errors
from perpspec.codec import state_hash
from perpspec.conformance.builders import ALICE, advance_block, deposit, make_genesis, sub, subaccount_entry
from perpspec.funding import funding_settlement_ppm, funding_tick, max_abs_funding_clamp_ppm, settlement_quote_quantums
from perpspec.genesis import load_genesis
from perpspec.invariants import check_state_invariants
from perpspec.liquidation_arithmetic import (
    compute_bankruptcy_price_quote_quantums,
    compute_fillable_price,
    compute_fillable_price_subticks,
    compute_liquidation_insurance_fund_delta,
)
from perpspec.margin import adjusted_initial_margin_ppm, perpetual_margin_requirements
from perpspec.oracle import is_proposed_price_accurate, median_round_half_away_from_zero
from perpspec.report import CHECKED, FAILED, MethodResult
from perpspec.rounding import ONE_MILLION
from perpspec.simulation import MessageGenerator, first_line, genesis_with_positions, run_random
from perpspec.transition import apply_json, full_state_bytes
from perpspec.units import base_to_quote_quantums, fill_quote_quantums_from_subticks, quote_to_base_quantums
from perpspec.verify.crash_properties import _crashes_keep_the_fund_and_deleveraging_sound

CLAIM_ID = re.compile(
    r"\b(CONS-[0-9]+|SOLV-[0-9]+|RISK-[0-9]+|CONV-[0-9]+|ORACLE-[0-9]+|POS-[0-9]+|ATOM-[0-9]+|DET-[0-9]+"
    r"|CROSS-[0-9]+|RO-[0-9]+|PRIO-[0-9]+|BANKR-[0-9]+)\b"
)
LEDGER_CLAIMS = ("CONS-1", "POS-1", "SOLV-1", "ATOM-1", "CONS-3", "SOLV-2", "CROSS-1", "RO-1", "SOLV-3", "CONS-5")
"""
The claims random runs check through contracts: the ledger's, the book's (runs place orders),
and the risk engine's (their price moves liquidate and deleverage: the detail counts the fills).
"""


def _elapsed_ms(start_ns: int) -> int:
    return (time.perf_counter_ns() - start_ns) // 1_000_000


def _claims_named(text: str, default: tuple[str, ...]) -> tuple[str, ...]:
    named = tuple(dict.fromkeys(CLAIM_ID.findall(text)))
    return named or default


# --- contracts: seeded random runs -------------------------------------------------------


def run_contract_checked_runs(seeds: int, steps: int) -> list[MethodResult]:
    """Random runs with contracts on; any violation or broken invariant fails, naming its claim."""
    start = time.perf_counter_ns()
    total = accepted = fills = rested = liquidation_fills = deleveraging_fills = 0
    codes: dict[str, int] = {}
    for seed in range(seeds):
        report = run_random(seed, steps)
        total += report.steps
        accepted += report.accepted
        fills += report.fills
        rested += report.orders_resting
        liquidation_fills += report.liquidation_fills
        deleveraging_fills += report.deleveraging_fills
        for code, count in report.error_codes.items():
            codes[code] = codes.get(code, 0) + count
        if report.violations:
            violation = report.violations[0]
            return [
                MethodResult(
                    claims=_claims_named(violation, LEDGER_CLAIMS),
                    method="contracts",
                    check="random runs",
                    status=FAILED,
                    detail=f"seed {seed}: {violation}",
                    milliseconds=_elapsed_ms(start),
                    counterexample=f"perpspec.simulation.run_random({seed}, {steps})",
                )
            ]
    seen = ", ".join(f"{code} {count}" for code, count in sorted(codes.items()))
    return [
        MethodResult(
            claims=LEDGER_CLAIMS,
            method="contracts",
            check="random runs",
            status=CHECKED,
            detail=f"{seeds} seeds x {steps} steps = {total} messages, {accepted} accepted, {fills} fills, "
            f"{liquidation_fills} liquidation fills, {deleveraging_fills} deleveraging fills, "
            f"{rested} orders rested; rejected: {seen}",
            milliseconds=_elapsed_ms(start),
        )
    ]


# --- hypothesis: the ledger state machine ------------------------------------------------


class LedgerMachine(RuleBasedStateMachine):
    """Hypothesis draws (and shrinks) every choice of the message generator."""

    @initialize(seed=st.integers(0, 2**16))
    def start(self, seed: int) -> None:
        self.genesis = genesis_with_positions(seed)
        self.state = load_genesis(self.genesis)
        self.generator = MessageGenerator(random.Random(seed), self.state)
        self.messages: list[dict] = []
        self.hashes: list[str] = []

    @rule(rng=st.randoms(use_true_random=False))
    def apply_one(self, rng: random.Random) -> None:
        self.generator.rng = rng
        message = self.generator.next_message()
        before = full_state_bytes(self.state)
        outcome = apply_json(self.state, message)
        if not outcome.accepted:
            assert full_state_bytes(self.state) == before, "ATOM-1: a rejected message changed the state"
        self.messages.append(message)
        self.hashes.append(state_hash(self.state))

    @invariant()
    def invariants_hold(self) -> None:
        if hasattr(self, "state"):
            violations = check_state_invariants(self.state)
            assert not violations, "CONS-1/POS-1: " + "; ".join(violations)

    def teardown(self) -> None:
        if not hasattr(self, "state"):
            return
        replay = load_genesis(self.genesis)
        for message, expected in zip(self.messages, self.hashes):
            apply_json(replay, message)
            assert state_hash(replay) == expected, "DET-1: a replay gave a different state hash"


def run_state_machine(examples: int, steps: int) -> MethodResult:
    """Run the ledger state machine; its invariants are CONS-1, POS-1, ATOM-1 and DET-1."""
    machine_settings = settings(
        max_examples=examples,
        stateful_step_count=steps,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    return _run_hypothesis(
        ("CONS-1", "POS-1", "ATOM-1", "DET-1"),
        "ledger state machine",
        lambda: run_state_machine_as_test(LedgerMachine, settings=machine_settings),
        f"{examples} runs x up to {steps} steps",
    )


# --- hypothesis: properties of the pure functions ----------------------------------------

EXPONENTS = st.integers(-20, 10)
AMOUNTS = st.integers(-(2**80), 2**80)
PRICES = st.integers(1, 2**64 - 1)
PPM = st.integers(0, ONE_MILLION)
CAPS = st.integers(0, 2**64 - 1)


def _exact(value: int, exponent: int) -> Fraction:
    return Fraction(value) * (Fraction(10) ** exponent)


@given(AMOUNTS, EXPONENTS, PRICES, EXPONENTS)
def _conversions_round_as_named(base: int, resolution: int, price: int, exponent: int) -> None:
    quote = base_to_quote_quantums(base, resolution, price, exponent)
    exact = _exact(base * price, exponent + resolution + 6)
    assert abs(quote - exact) < 1 and abs(quote) <= abs(exact), "CONV-1: base_to_quote truncates toward zero"
    back = quote_to_base_quantums(base, resolution, price, exponent)
    exact_back = Fraction(base) / _exact(price, exponent + resolution + 6)
    assert abs(back - exact_back) < 1 and abs(back) <= abs(exact_back), "CONV-1: quote_to_base truncates"


@given(st.integers(0, 2**64 - 1), st.integers(0, 2**64 - 1), EXPONENTS)
def _fill_rounds_down(subticks: int, base: int, exponent: int) -> None:
    value = fill_quote_quantums_from_subticks(subticks, base, exponent)
    exact = _exact(subticks * base, exponent)
    assert 0 <= exact - value < 1, "CONV-1: a fill's quote value rounds down"


@given(AMOUNTS, EXPONENTS, PRICES, EXPONENTS, PPM, PPM, st.integers(0, 2**70), CAPS, CAPS)
def _margins_are_ordered(q, resolution, price, exponent, imf, mf, oi, first_cap, second_cap) -> None:
    lower, upper = sorted((first_cap, second_cap))
    imr, mmr = perpetual_margin_requirements(q, resolution, price, exponent, imf, mf, oi, lower, upper)
    assert imr >= mmr >= 0, "RISK-1: IMR >= MMR >= 0"


@given(PPM, CAPS, CAPS, st.integers(-(2**70), 2**70), st.integers(-(2**70), 2**70))
def _scaled_margin_is_bounded_and_monotone(imf, first_cap, second_cap, first_oi, second_oi) -> None:
    lower, upper = sorted((first_cap, second_cap))
    low_oi, high_oi = sorted((first_oi, second_oi))
    low = adjusted_initial_margin_ppm(imf, lower, upper, low_oi)
    high = adjusted_initial_margin_ppm(imf, lower, upper, high_oi)
    assert imf <= low <= high <= ONE_MILLION, "RISK-1: scaled IMF in [imf, 100%] and monotone"


@given(st.lists(st.integers(1, 2**64 - 1), min_size=2, max_size=9), st.data())
def _median_ignores_a_minority(honest: list[int], data: st.DataObject) -> None:
    wrong_count = data.draw(st.integers(0, len(honest) - 1))
    total = len(honest) + wrong_count
    if 2 * wrong_count >= total:
        return
    wrong = data.draw(st.lists(st.integers(1, 2**64 - 1), min_size=wrong_count, max_size=wrong_count))
    median = median_round_half_away_from_zero(honest + wrong)
    assert min(honest) <= median <= max(honest), "ORACLE-1: median within the honest range"


@given(
    st.integers(-(2**70), 2**70), st.integers(-(2**70), 2**70), st.lists(st.integers(1, 2**64), min_size=1, max_size=4)
)
def _funding_creates_no_value(perpetual_index: int, position_index: int, longs: list[int]) -> None:
    shorts_total = sum(longs)
    received = sum(
        settlement_quote_quantums(funding_settlement_ppm(perpetual_index, position_index, q)[0]) for q in longs
    )
    received += settlement_quote_quantums(funding_settlement_ppm(perpetual_index, position_index, -shorts_total)[0])
    assert received <= 0, "CONS-2: settlements of balanced positions never pay out more than they collect"


@given(
    st.lists(st.integers(-(2**31), 2**31 - 1), max_size=8),
    st.integers(0, 8),
    st.integers(-(10**6), 10**6),
    st.integers(0, 10**6),
    st.integers(0, 10**6),
    st.integers(1, 2**64 - 1),
    st.integers(-12, 2),
    st.integers(-(2**70), 2**70),
    st.lists(st.integers(1, 2**64), min_size=1, max_size=4),
)
def _funding_tick_creates_no_value(
    samples: list[int],
    extra_epochs: int,
    default_ppm: int,
    initial_margin_ppm: int,
    maintenance_fraction_ppm: int,
    price: int,
    exponent: int,
    index: int,
    longs: list[int],
) -> None:
    tick = funding_tick(
        samples,
        len(samples) + extra_epochs,
        60,
        3_600,
        0,
        default_ppm,
        initial_margin_ppm,
        maintenance_fraction_ppm,
        6_000_000,
        exponent - 1,
        price,
        -5,
    )
    bound = max_abs_funding_clamp_ppm(6_000_000, initial_margin_ppm, maintenance_fraction_ppm)
    assert -bound <= tick.funding_rate_ppm <= bound, "CONS-4: the rate lies within the tier's clamp"
    exact = Fraction(3_600 * tick.funding_rate_ppm * price) * Fraction(10) ** (exponent - 1 - 5 + 6) / 28_800
    assert abs(tick.funding_index_delta) <= abs(exact), "CONS-4: the index move never exceeds the exact prorated rate"
    assert tick.funding_index_delta * exact >= 0, "CONS-4: the index moves with the rate's sign"
    new_index = index + tick.funding_index_delta
    positions = [*longs, -sum(longs)]
    paid = sum(settlement_quote_quantums(funding_settlement_ppm(new_index, index, q)[0]) for q in positions)
    assert -len(positions) < paid <= 0, "CONS-4: the settlements a tick causes over balanced positions sum to at most 0"


@given(
    st.lists(st.integers(1, 10**12), min_size=1, max_size=3),
    st.lists(st.integers(-(2**31), 2**31 - 1).filter(bool), max_size=6),
    st.integers(0, 3),
    st.integers(-(10**6), 10**6),
    st.integers(-(10**7), 10**7),
)
def _funding_tick_in_the_state_creates_no_value(
    longs: list[int], samples: list[int], extra_epochs: int, default_ppm: int, start_index: int
) -> None:
    owner = ALICE
    entries = [subaccount_entry(owner, i, 10**12, [(0, q, start_index)]) for i, q in enumerate(longs)]
    entries.append(subaccount_entry(owner, len(longs), 10**12, [(0, -sum(longs), start_index)]))
    genesis = make_genesis(entries)
    btc = genesis["perpetuals"]["perpetuals"][0]
    btc["fundingIndex"] = str(start_index)
    btc["params"]["defaultFundingPpm"] = default_ppm
    premiums = [{"perpetualId": 0, "premiums": samples}] if samples else []
    genesis["perpetuals"]["premiumSamples"] = {
        "allMarketPremiums": premiums,
        "numPremiums": len(samples) + extra_epochs,
    }
    time = int(genesis["blocks"]["time"])
    for epoch in genesis["epochs"]["epochInfoList"]:
        if epoch["name"] == "funding-tick":
            epoch.update(isInitialized=True, nextTick=time + 60, currentEpoch=1, currentEpochStartBlock=1)
    state = load_genesis(genesis)
    held = sum(a.usdc_balance for a in state.subaccounts.subaccounts.values()) + state.bank.funding_pool
    for height in (2, 3):
        events = apply_json(state, advance_block(state.authority, height, time + 60 * (height - 1))).events or []
    ticks = [e for e in events if e["type"] == "FundingTick"]
    assert len(ticks) == 3, "CONS-4: the tick epoch's first block ends with one tick per perpetual"
    after = sum(a.usdc_balance for a in state.subaccounts.subaccounts.values()) + state.bank.funding_pool
    assert after == held and state.bank.funding_pool == 0, "CONS-4: a funding tick moves no USDC"
    for number in range(len(longs) + 1):
        assert apply_json(state, deposit(owner, sub(owner, number), 1)).accepted
    pool = state.bank.funding_pool
    assert 0 <= pool < len(longs) + 1, "CONS-4: settlements after a tick over balanced positions sum to at most 0"


@given(
    st.integers(10**6, 2**64 - 1),
    st.integers(1, 9_999),
    st.integers(0, 300),
    st.booleans(),
    st.integers(0, 300),
    st.booleans(),
)
def _accepted_price_is_bounded(old: int, ppm: int, hundredths: int, up: bool, percent: int, crosses: bool) -> None:
    tick = old * ppm // ONE_MILLION  # one tick at the old price, rounded down (only to draw distances)
    sign = 1 if up else -1
    index = old + sign * (tick * hundredths // 100)  # 0 to 3 ticks from the old price
    old_delta = abs(index - old)
    past = old_delta * percent // 100 + percent % 3  # landing 0% to 300% of the old distance from the index
    new = max(index + sign * past, 0) if crosses else max(index - sign * past, 0)
    if not is_proposed_price_accurate(old, index, new, ppm):
        return
    new_delta = abs(new - index)
    assert new_delta <= old_delta, "ORACLE-2: an accepted price is never farther from the index than the old one"
    if not min(old, index) <= new <= max(old, index):
        assert new_delta * new_delta * ONE_MILLION <= old_delta * old * ppm, (
            "ORACLE-2: a crossing accepted price lands within the square-root bound"
        )


# --- the book against a naive model of price-time priority (PRIO-1, CROSS-1, CONS-3) ----------

BOOK_ORDERS = st.lists(
    st.tuples(
        st.integers(0, 3),  # owner
        st.booleans(),  # is buy
        st.integers(-4, 4),  # price offset in ticks from the oracle price
        st.integers(1, 5),  # size in steps
        st.sampled_from(["TIME_IN_FORCE_UNSPECIFIED", "TIME_IN_FORCE_IOC", "TIME_IN_FORCE_POST_ONLY"]),
    ),
    min_size=1,
    max_size=30,
)


def _book_genesis() -> tuple[dict, list[str]]:
    """The default markets with four richly funded subaccounts, so margin never binds."""
    from perpspec.default_genesis import default_genesis_json
    from perpspec.simulation import account, subaccount_json

    genesis = default_genesis_json()
    owners = [account(f"book-{i}") for i in range(4)]
    genesis["subaccounts"]["subaccounts"] = [
        {
            "id": subaccount_json(owner, 0),
            "assetPositions": [{"assetId": 0, "quantums": str(10**14)}],
            "perpetualPositions": [],
        }
        for owner in owners
    ]
    return genesis, owners


def _short_term_order(
    owner: str, client_id: int, is_buy: bool, quantums: int, subticks: int, good_til_block: int, time_in_force: str
) -> dict:
    """A MsgPlaceOrder of a short-term order on clob pair 0 from subaccount 0 of ``owner``."""
    from perpspec.messages import PLACE_ORDER_TYPE

    return {
        "@type": PLACE_ORDER_TYPE,
        "signer": owner,
        "order": {
            "orderId": {
                "subaccountId": {"owner": owner, "number": 0},
                "clientId": client_id,
                "orderFlags": 0,
                "clobPairId": 0,
            },
            "side": "SIDE_BUY" if is_buy else "SIDE_SELL",
            "quantums": str(quantums),
            "subticks": str(subticks),
            "goodTilBlock": good_til_block,
            "timeInForce": time_in_force,
        },
    }


def _model_match(
    book: list[list], is_buy: bool, limit: int, size: int, owner: int, post_only: bool
) -> tuple[list, int, bool]:
    """
    A naive book: a list of [price, arrival, order index, remaining, owner, is_buy].  Returns the
    fills (maker index, size, price) by price-time priority, the remainder, and whether a
    post-only order was removed.  Self-trades remove the resting order (MATCH-3).
    """
    fills: list[tuple[int, int, int]] = []
    while size:
        makers = [o for o in book if o[5] != is_buy and (o[0] <= limit if is_buy else o[0] >= limit)]
        if not makers:
            break
        best = min(makers, key=lambda o: (o[0] if is_buy else -o[0], o[1]))
        if best[4] == owner:
            book.remove(best)
            continue
        if post_only:
            return fills, size, True
        fill = min(size, best[3])
        fills.append((best[2], fill, best[0]))
        best[3] -= fill
        size -= fill
        if best[3] == 0:
            book.remove(best)
    return fills, size, False


@given(orders=BOOK_ORDERS)
def _book_follows_price_time_priority(orders: list[tuple[int, bool, int, int, str]]) -> None:
    genesis, owners = _book_genesis()
    state = load_genesis(genesis)
    pair = state.clob.clob_pairs[0]
    oracle = state.prices.market_prices[0].price // pair.subticks_per_tick * pair.subticks_per_tick
    model: list[list] = []
    for index, (owner, is_buy, offset, steps, tif) in enumerate(orders):
        subticks = oracle + offset * pair.subticks_per_tick
        size = steps * pair.step_base_quantums
        message = _short_term_order(owners[owner], index, is_buy, size, subticks, state.blocks.height + 5, tif)
        fee_collector = state.bank.fee_collector
        outcome = apply_json(state, message)
        assert outcome.accepted, f"order {index} rejected: {outcome.error}"
        events = outcome.events
        assert events is not None, f"order {index} accepted without events"
        fills, remaining, _ = _model_match(model, is_buy, subticks, size, owner, tif == "TIME_IN_FORCE_POST_ONLY")
        got = [
            (e["makerOrderId"]["clientId"], int(e["fillQuantums"]), int(e["subticks"]))
            for e in events
            if e["type"] == "OrderFill"
        ]
        assert got == fills, f"PRIO-1: order {index} filled {got}, price-time priority gives {fills}"
        fees = sum(int(e["takerFee"]) + int(e["makerFee"]) for e in events if e["type"] == "OrderFill")
        assert state.bank.fee_collector - fee_collector == fees, "CONS-3: the fee collector got other than the fees"
        rests = any(e["type"] == "OrderOnBook" for e in events)
        if rests:
            model.append([subticks, index, index, remaining, owner, is_buy])
        violations = check_state_invariants(state)
        assert not violations, "CROSS-1/CONS-1: " + "; ".join(violations)


TIGHT_ORDERS = st.lists(
    st.tuples(
        st.integers(0, 3),  # owner
        st.booleans(),  # is buy
        st.integers(-3, 3),  # price offset in ticks
        st.integers(1, 3_000),  # size in steps: up to 0.3 BTC, so margin binds
        st.sampled_from(["TIME_IN_FORCE_UNSPECIFIED", "TIME_IN_FORCE_UNSPECIFIED", "TIME_IN_FORCE_IOC"]),
    ),
    min_size=1,
    max_size=25,
)


@given(balances=st.lists(st.integers(20_000_000, 300_000_000), min_size=4, max_size=4), orders=TIGHT_ORDERS)
def _fills_keep_parties_collateralized(balances: list[int], orders: list[tuple[int, bool, int, int, str]]) -> None:
    from perpspec.invariants import settled_risk
    from perpspec.margin import is_initially_collateralized
    from perpspec.types import SubaccountId

    genesis, owners = _book_genesis()
    for entry, balance in zip(genesis["subaccounts"]["subaccounts"], balances):
        entry["assetPositions"] = [{"assetId": 0, "quantums": str(balance)}] if balance else []
    genesis["subaccounts"]["subaccounts"] = [e for e in genesis["subaccounts"]["subaccounts"] if e["assetPositions"]]
    state = load_genesis(genesis)
    pair = state.clob.clob_pairs[0]
    oracle = state.prices.market_prices[0].price // pair.subticks_per_tick * pair.subticks_per_tick
    ids = [SubaccountId(owner, 0) for owner in owners]
    for index, (owner, is_buy, offset, steps, tif) in enumerate(orders):
        before = {sid: is_initially_collateralized(settled_risk(state, sid)) for sid in ids}
        message = _short_term_order(
            owners[owner],
            index,
            is_buy,
            steps * pair.step_base_quantums,
            oracle + offset * pair.subticks_per_tick,
            state.blocks.height + 5,
            tif,
        )
        outcome = apply_json(state, message)
        if not outcome.accepted:
            continue
        for sid in ids:
            if before[sid]:
                assert is_initially_collateralized(settled_risk(state, sid)), (
                    f"SOLV-2: order {index} left {sid.owner} under its initial margin"
                )


# --- the liquidation prices (BANKR-1) ----------------------------------------------------------

UINT32 = st.integers(0, 2**32 - 1)


@given(
    st.integers(1, 2**64),
    st.integers(-(2**70), 2**70),
    st.integers(0, 2**64),
    st.integers(1, 2**64),
    st.integers(-(2**70), 2**70),
    UINT32,
    UINT32,
    st.booleans(),
    st.booleans(),
)
def _fillable_price_on_closing_side(size, pnnv_drawn, pmmr, tmmr_extra, tnc, ba, smmr, short, only) -> None:
    ps = -size if short else size
    pnnv = -abs(pnnv_drawn) if short else abs(pnnv_drawn)
    tmmr = pmmr if only and pmmr > 0 else pmmr + tmmr_extra
    try:
        price = compute_fillable_price(pnnv, pmmr, ps, tnc, tmmr, ba, smmr)
    except errors.NegativeFillablePrice:
        return
    oracle = Fraction(pnnv, ps)
    spread = Fraction(smmr * pmmr, ONE_MILLION * abs(ps))
    if short:
        assert oracle <= price <= oracle + spread, (
            "BANKR-1: a short's fillable price is at or above the oracle, within the spread"
        )
    else:
        assert oracle - spread <= price <= oracle, (
            "BANKR-1: a long's fillable price is at or below the oracle, within the spread"
        )
    if tnc >= tmmr:
        assert price == oracle, "BANKR-1: the fillable price is the oracle price when TNC >= TMMR"
    bankruptcy = compute_bankruptcy_price_quote_quantums(tnc, tmmr, -pnnv, -pmmr)
    if tnc < 0 < pmmr:
        assert price * ps < bankruptcy, "BANKR-1: at negative TNC the fillable price is worse than bankruptcy"
    if only and pmmr > 0 and ba == ONE_MILLION:
        beats = price * ps >= bankruptcy
        assert beats == (tnc * (ONE_MILLION + smmr) >= smmr * tmmr), (
            "BANKR-1: the only position's fillable price vs bankruptcy"
        )


@given(st.integers(-(2**70), 2**70), st.integers(1, 2**70), st.integers(-(2**70), 2**70), st.integers(0, 2**70))
def _bankruptcy_rounds_up_and_keeps_ratio(tnc, tmmr, dnnv, reduction) -> None:
    dmmr = -min(reduction, tmmr)
    bankruptcy = compute_bankruptcy_price_quote_quantums(tnc, tmmr, dnnv, dmmr)
    exact = -dnnv - Fraction(tnc * -dmmr, tmmr)
    assert 0 <= bankruptcy - exact < 1, "BANKR-1: the bankruptcy quote is the exact ceiling"
    assert (tnc + dnnv + bankruptcy) * tmmr >= tnc * (tmmr + dmmr), "BANKR-1: closing at bankruptcy keeps NC/MMR"


@given(st.integers(-(2**70), 2**70), st.integers(-(2**70), 2**70), UINT32)
def _insurance_fund_delta_is_shortfall_or_capped_fee(fill_quote, bankruptcy, fee_ppm) -> None:
    delta = compute_liquidation_insurance_fund_delta(fill_quote, bankruptcy, fee_ppm)
    cap = abs(fill_quote) * fee_ppm // ONE_MILLION
    if fill_quote <= bankruptcy:
        assert delta == fill_quote - bankruptcy, "BANKR-1: below bankruptcy the fund pays exactly the shortfall"
    else:
        assert delta == min(cap, fill_quote - bankruptcy), "BANKR-1: above bankruptcy the fee is capped"
    assert fill_quote - delta >= bankruptcy, "BANKR-1: the liquidated account keeps the bankruptcy quote"


@given(st.integers(0, 2**80), st.integers(1, 2**40), st.booleans(), st.integers(1, 2**32 - 1), st.integers(-12, 4))
def _subticks_round_against_the_liquidated(numerator, denominator, is_long, tick, exponent) -> None:
    price = Fraction(numerator, denominator)
    subticks = compute_fillable_price_subticks(price, is_long, tick, exponent)
    maximum = 2**64 - 1 - (2**64 - 1) % tick
    value = _exact(subticks, exponent)
    assert subticks % tick == 0 and tick <= subticks <= maximum, "BANKR-1: subticks aligned and clamped"
    if is_long:
        assert subticks == maximum or value >= price, "BANKR-1: a long's sell is priced at or above the fillable price"
        assert subticks == tick or _exact(subticks - tick, exponent) < price, "BANKR-1: ... at the nearest tick"
    else:
        assert subticks == tick or value <= price, "BANKR-1: a short's buy is priced at or below the fillable price"
        assert subticks == maximum or _exact(subticks + tick, exponent) > price, "BANKR-1: ... at the nearest tick"


PROPERTIES: list[tuple[tuple[str, ...], str, Callable[[], None]]] = [
    (("SOLV-2",), "fills never leave a collateralized party under initial margin", _fills_keep_parties_collateralized),
    (("PRIO-1", "CROSS-1", "CONS-3"), "the book follows a naive price-time model", _book_follows_price_time_priority),
    (("CONV-1",), "conversions round as their rules name", _conversions_round_as_named),
    (("CONV-1",), "fill value rounds down", _fill_rounds_down),
    (("RISK-1",), "IMR >= MMR >= 0", _margins_are_ordered),
    (("RISK-1",), "scaled IMF bounded and monotone", _scaled_margin_is_bounded_and_monotone),
    (("ORACLE-1",), "median ignores a minority of wrong sources", _median_ignores_a_minority),
    (("CONS-2",), "funding settlement creates no value", _funding_creates_no_value),
    (
        ("SOLV-3", "CONS-5", "SOLV-4", "CONS-1", "POS-1"),
        "crashes keep the fund and deleveraging sound",
        _crashes_keep_the_fund_and_deleveraging_sound,
    ),
    (("BANKR-1",), "fillable price on the closing side, vs bankruptcy", _fillable_price_on_closing_side),
    (("BANKR-1",), "bankruptcy price rounds up and keeps NC/MMR", _bankruptcy_rounds_up_and_keeps_ratio),
    (("BANKR-1",), "insurance fund delta: shortfall or capped fee", _insurance_fund_delta_is_shortfall_or_capped_fee),
    (("BANKR-1",), "subticks round against the liquidated account", _subticks_round_against_the_liquidated),
    (("CONS-4",), "a funding tick creates no value", _funding_tick_creates_no_value),
    (("CONS-4",), "a funding tick in the state creates no value", _funding_tick_in_the_state_creates_no_value),
    (("ORACLE-2",), "an accepted proposed price is bounded by the index", _accepted_price_is_bounded),
]


EXAMPLE_SCALE: dict[str, int] = {"crashes keep the fund and deleveraging sound": 4}
"""Properties drawn more often than the rest: a crash run is cheap (~25 ms) and its rare cases need draws."""


def _run_hypothesis(claims: tuple[str, ...], check: str, test: Callable[[], None], detail: str) -> MethodResult:
    start = time.perf_counter_ns()
    output = io.StringIO()
    try:
        with contextlib.redirect_stdout(output), contextlib.redirect_stderr(output):
            test()
    except (AssertionError, icontract.ViolationError) as failure:
        message = first_line(failure)
        return MethodResult(
            claims=_claims_named(message, claims),
            method="hypothesis",
            check=check,
            status=FAILED,
            detail=message,
            milliseconds=_elapsed_ms(start),
            counterexample="\n".join([*getattr(failure, "__notes__", []), output.getvalue().strip()]).strip() or None,
        )
    return MethodResult(claims, "hypothesis", check, CHECKED, detail, _elapsed_ms(start))


def run_hypothesis(quick: bool) -> list[MethodResult]:
    """The state machine and every property, with budgets for CI (quick) or audits."""
    examples = 50 if quick else 300
    results = [run_state_machine(examples=10 if quick else 40, steps=40 if quick else 100)]
    for claims, check, test in PROPERTIES:
        count = examples * EXAMPLE_SCALE.get(check, 1)
        configured = settings(max_examples=count, deadline=None, derandomize=True, database=None)(test)
        results.append(_run_hypothesis(claims, check, configured, f"{count} examples"))
    return results
