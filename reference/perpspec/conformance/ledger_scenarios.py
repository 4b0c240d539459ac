"""
Ledger vectors: hand-written scenarios of the transition function (spec/transition.md, TX-1..6).

A scenario is a genesis and a list of steps.  Each step applies one message to the
reference, states what the step is meant to show (``expect``: accepted, or the error
code), and records the events or the error code, the state hash after it (CODEC-3)
and the JSON of the subaccounts it touched.  The builder asserts every ``expect``
and that every rejection left the state byte-for-byte unchanged (TX-2), so a
change in the reference that alters a scenario's meaning stops the generator
instead of being frozen silently.

Numbers are worked by hand in the comments from the default genesis (GEN-1):
BTC-USD notional of 1 BTC at the genesis price is 28_688_195_240 quote quantums,
IMR 573_763_905, MMR 344_258_343.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from typing import Any

from perpspec import errors
from perpspec.codec import decode_state, encode_state, encode_subaccount, state_hash
from perpspec.default_genesis import GENESIS_TIME, GOVERNANCE_AUTHORITY, default_genesis_json
from perpspec.messages import (
    ADVANCE_BLOCK_TYPE,
    DEPOSIT_TYPE,
    TRANSFER_TYPE,
    UPDATE_PRICES_TYPE,
    WITHDRAW_TYPE,
    decode_message,
)
from perpspec.simulation import account
from perpspec.subaccounts import get_subaccount, get_subaccount_risk
from perpspec.transition import apply_json, full_state_bytes, get_touched_subaccounts
from perpspec.types import SubaccountId
from perpspec.units import INT32_MAX, INT32_MIN, INT64_MAX, UINT32_MAX, UINT64_MAX

AUTHORITY = GOVERNANCE_AUTHORITY
ALICE = account("alice")
BOB = account("bob")
CAROL = account("carol")
DAVE = account("dave")
MALLORY = account("mallory")
LOW = account("low243")
"""An address that sorts before the authority's (dydx100... < dydx10d...), as every other named account sorts after it."""
BTC, ETH, SOL = 0, 1, 5
ONE_BTC = 10**10
OK = "ok"


# --- JSON builders ------------------------------------------------------------------------


def sub(owner: str, number: Any = 0) -> dict:
    return {"owner": owner, "number": number}


def subaccount_entry(owner: str, number: int = 0, usdc: int = 0, positions: Iterable[tuple] = ()) -> dict:
    """A genesis subaccount; ``positions`` holds (perpetual id, quantums[, funding index])."""
    return {
        "id": sub(owner, number),
        "assetPositions": [{"assetId": 0, "quantums": str(usdc)}] if usdc else [],
        "perpetualPositions": [
            {"perpetualId": p[0], "quantums": str(p[1]), "fundingIndex": str(p[2] if len(p) > 2 else 0)}
            for p in positions
        ],
    }


def make_genesis(subaccounts: Iterable[dict] = (), **top_level: Any) -> dict:
    genesis = default_genesis_json()
    genesis["subaccounts"] = list(subaccounts)
    for perpetual in genesis["perpetuals"]:
        del perpetual["openInterest"]
    genesis.update(top_level)
    return genesis


def perpetual_json(genesis: dict, perpetual_id: int) -> dict:
    return next(p for p in genesis["perpetuals"] if p["params"]["id"] == perpetual_id)


def market_price_json(genesis: dict, market_id: int) -> dict:
    return next(m for m in genesis["marketPrices"] if m["id"] == market_id)


def deposit(signer: str, recipient: dict, quantums: Any, sender: str | None = None) -> dict:
    return {
        "@type": DEPOSIT_TYPE,
        "signer": signer,
        "sender": signer if sender is None else sender,
        "recipient": recipient,
        "assetId": 0,
        "quantums": str(quantums) if isinstance(quantums, int) and not isinstance(quantums, bool) else quantums,
    }


def withdraw(signer: str, sender: dict, quantums: Any, recipient: str | None = None) -> dict:
    return {
        "@type": WITHDRAW_TYPE,
        "signer": signer,
        "sender": sender,
        "recipient": sender["owner"] if recipient is None else recipient,
        "assetId": 0,
        "quantums": str(quantums) if isinstance(quantums, int) and not isinstance(quantums, bool) else quantums,
    }


def transfer(signer: str, sender: dict, recipient: dict, amount: Any) -> dict:
    return {
        "@type": TRANSFER_TYPE,
        "signer": signer,
        "transfer": {
            "sender": sender,
            "recipient": recipient,
            "assetId": 0,
            "amount": str(amount) if isinstance(amount, int) else amount,
        },
    }


def update_prices(signer: str, markets: Iterable[tuple[int, Iterable[tuple[str, Any, Any]]]]) -> dict:
    """``markets``: (market id, [(source, price, timestamp), ...])."""
    return {
        "@type": UPDATE_PRICES_TYPE,
        "signer": signer,
        "marketUpdates": [
            {
                "marketId": market_id,
                "sourcePrices": [
                    {
                        "source": name,
                        "price": str(price) if isinstance(price, int) else price,
                        "timestamp": str(ts) if isinstance(ts, int) else ts,
                    }
                    for name, price, ts in sources
                ],
            }
            for market_id, sources in markets
        ],
    }


def advance_block(signer: str, height: Any, time: Any) -> dict:
    return {
        "@type": ADVANCE_BLOCK_TYPE,
        "signer": signer,
        "height": height,
        "time": str(time) if isinstance(time, int) else time,
    }


# --- the builder ----------------------------------------------------------------------------


class Scenario:
    """A genesis and the steps applied to it, recorded from the reference."""

    def __init__(self, name: str, description: str, rules: Iterable[str], claims: Iterable[str], genesis: dict) -> None:
        self.name = name
        self.description = description
        self.rules = list(rules)
        self.claims = list(claims)
        self.state = decode_state(copy.deepcopy(genesis))
        self.genesis = encode_state(self.state)
        self.genesis_hash = state_hash(self.state)
        self.steps: list[dict] = []

    @property
    def height(self) -> int:
        return self.state.block_height

    @property
    def time(self) -> int:
        return self.state.block_time

    def next_block(self, seconds: int = 1) -> dict:
        return advance_block(AUTHORITY, self.height + 1, self.time + seconds)

    def step(
        self, description: str, message: Any, expect: str, rules: Iterable[str] = (), show: Iterable[dict] | None = None
    ) -> list[dict] | None:
        """Apply ``message``, assert it ends as ``expect`` (``OK`` or an error code), and record the step."""
        before = full_state_bytes(self.state)
        outcome = apply_json(self.state, copy.deepcopy(message))
        if expect == OK:
            if not outcome.accepted:
                raise AssertionError(
                    f"{self.name} step {len(self.steps)} ({description}): expected acceptance, got {outcome.error.code}: {outcome.error.message}"
                )
            expected: dict = {"events": outcome.events}
        else:
            if outcome.accepted:
                raise AssertionError(
                    f"{self.name} step {len(self.steps)} ({description}): expected {expect}, got events {outcome.events}"
                )
            if outcome.error.code != expect:
                raise AssertionError(
                    f"{self.name} step {len(self.steps)} ({description}): expected {expect}, got {outcome.error.code}: {outcome.error.message}"
                )
            if full_state_bytes(self.state) != before:
                raise AssertionError(
                    f"{self.name} step {len(self.steps)}: TX-2 violated, a rejection changed the state"
                )
            expected = {"error": {"code": outcome.error.code}}
        shown = (
            [SubaccountId(s["owner"], s["number"]) for s in show] if show is not None else touched_subaccounts(message)
        )
        step = {
            "description": description,
            "message": message,
            "expected": expected,
            "stateHash": state_hash(self.state),
            "subaccounts": [encode_subaccount(get_subaccount(self.state, sid)) for sid in shown],
        }
        if rules:
            step["rules"] = list(rules)
        self.steps.append(step)
        return outcome.events

    def risk(self, owner: str, number: int = 0):
        return get_subaccount_risk(self.state, get_subaccount(self.state, SubaccountId(owner, number)))

    def document(self) -> dict:
        return {
            "suite": "ledger",
            "name": self.name,
            "description": self.description,
            "rules": self.rules,
            "claims": self.claims,
            "genesis": self.genesis,
            "genesisStateHash": self.genesis_hash,
            "steps": self.steps,
        }


def touched_subaccounts(message: Any) -> list[SubaccountId]:
    try:
        decoded = decode_message(copy.deepcopy(message))
    except errors.ProtocolError:
        return []
    return get_touched_subaccounts(decoded)


# --- the scenarios --------------------------------------------------------------------------


def deposits() -> Scenario:
    s = Scenario(
        "deposit",
        "Deposits create and credit subaccounts, from any outside account into any subaccount; amounts up to uint64 max, balances beyond it.",
        ["SUB-11", "SUB-1", "SUB-3", "TX-4", "CODEC-1", "UNITS-1"],
        ["CONS-1", "DET-1"],
        make_genesis(),
    )
    s.step("ALICE deposits 1,000 USDC into a new subaccount alice/0", deposit(ALICE, sub(ALICE), 1_000_000_000), OK)
    s.step("a second deposit adds to the balance", deposit(ALICE, sub(ALICE), 1), OK)
    s.step("the highest subaccount number, 127", deposit(ALICE, sub(ALICE, 127), 5), OK)
    s.step("BOB deposits his own funds into ALICE's subaccount", deposit(BOB, sub(ALICE), 7), OK, ["SUB-11"])
    s.step("the largest uint64 amount", deposit(CAROL, sub(CAROL), UINT64_MAX), OK)
    s.step(
        "again: the balance goes beyond 2^64 (balances are unbounded)",
        deposit(CAROL, sub(CAROL), UINT64_MAX),
        OK,
        ["SUB-2"],
    )
    s.step(
        "quantums as a JSON number, assetId and number as decimal strings (TX-5)",
        {**deposit(DAVE, sub(DAVE, "3"), 500), "quantums": 500, "assetId": "0"},
        OK,
        ["TX-5"],
    )
    s.step(
        "a block, showing every subaccount so far",
        advance_block(AUTHORITY, 2, GENESIS_TIME + 1),
        OK,
        show=[sub(ALICE), sub(ALICE, 127), sub(CAROL), sub(DAVE, 3)],
    )
    return s


def withdrawals() -> Scenario:
    s = Scenario(
        "withdraw",
        "Withdrawals by the owner to any outside address; emptying a subaccount deletes it; absent subaccounts read as empty.",
        ["SUB-12", "SUB-3", "SUB-7", "SUB-8", "TX-2"],
        ["CONS-1", "ATOM-1", "SOLV-1"],
        make_genesis([subaccount_entry(ALICE, 0, 100)]),
    )
    s.step(
        "MALLORY cannot withdraw from ALICE's subaccount",
        withdraw(MALLORY, sub(ALICE), 1, recipient=MALLORY),
        errors.Unauthorized.code,
    )
    s.step("ALICE cannot sign for BOB's subaccount", withdraw(ALICE, sub(BOB), 1), errors.Unauthorized.code)
    # NC 100 -> -1 < IMR 0; before 100 >= 0: newly under-collateralized
    s.step(
        "overdrawing by one quantum: NEWLY_UNDERCOLLATERALIZED",
        withdraw(ALICE, sub(ALICE), 101),
        errors.NewlyUndercollateralized.code,
    )
    s.step(
        "withdrawing from an absent (empty) subaccount",
        withdraw(ALICE, sub(ALICE, 1), 1),
        errors.NewlyUndercollateralized.code,
        ["SUB-3"],
    )
    s.step("withdraw 40 to BOB's outside address", withdraw(ALICE, sub(ALICE), 40, recipient=BOB), OK)
    s.step("withdraw the remaining 60: the subaccount is deleted", withdraw(ALICE, sub(ALICE), 60), OK, ["SUB-3"])
    s.step(
        "now absent: withdrawing 1 is NEWLY_UNDERCOLLATERALIZED",
        withdraw(ALICE, sub(ALICE), 1),
        errors.NewlyUndercollateralized.code,
    )
    s.step("deposit 1234 into alice/3", deposit(ALICE, sub(ALICE, 3), 1_234), OK)
    s.step("withdraw 1000 of it", withdraw(ALICE, sub(ALICE, 3), 1_000), OK)
    s.step("withdraw the rest: deleted again", withdraw(ALICE, sub(ALICE, 3), 234), OK, ["SUB-3"])
    return s


def one_btc_pair(long_usdc: int = 1_000_000_000, short_usdc: int = 30_000_000_000, **top: Any) -> dict:
    """ALICE long 1 BTC, BOB short 1 BTC."""
    return make_genesis(
        [
            subaccount_entry(ALICE, 0, long_usdc, [(BTC, ONE_BTC)]),
            subaccount_entry(BOB, 0, short_usdc, [(BTC, -ONE_BTC)]),
        ],
        **top,
    )


def withdraw_boundary() -> Scenario:
    s = Scenario(
        "withdraw-initial-margin-boundary",
        "A withdrawal may leave net collateral exactly at the initial margin requirement, not one quantum below; for a long and for a short.",
        ["SUB-12", "SUB-13", "SUB-7", "SUB-8", "MARGIN-2", "MARGIN-4", "MARGIN-5", "MARGIN-6", "UNITS-4"],
        ["SOLV-1", "ATOM-1", "CONS-1"],
        one_btc_pair(),
    )
    # ALICE: NC = 1_000_000_000 + 28_688_195_240 = 29_688_195_240; IMR 573_763_905
    # max withdrawal = 29_688_195_240 - 573_763_905 = 29_114_431_335
    risk = s.risk(ALICE)
    long_max = risk.nc - risk.imr
    assert long_max == 29_114_431_335
    s.step(
        "one quantum past the boundary: NEWLY_UNDERCOLLATERALIZED",
        withdraw(ALICE, sub(ALICE), long_max + 1),
        errors.NewlyUndercollateralized.code,
    )
    s.step(
        "exactly to the boundary NC = IMR: accepted, the balance goes negative",
        withdraw(ALICE, sub(ALICE), long_max),
        OK,
        ["SUB-2"],
    )
    s.step(
        "then one more quantum: NEWLY_UNDERCOLLATERALIZED",
        withdraw(ALICE, sub(ALICE), 1),
        errors.NewlyUndercollateralized.code,
    )
    s.step(
        "a transfer of one quantum is checked the same way",
        transfer(ALICE, sub(ALICE), sub(ALICE, 1), 1),
        errors.NewlyUndercollateralized.code,
        show=[sub(ALICE), sub(ALICE, 1)],
    )
    # BOB: NC = 30_000_000_000 - 28_688_195_240 = 1_311_804_760; max = 1_311_804_760 - 573_763_905 = 738_040_855
    risk = s.risk(BOB)
    short_max = risk.nc - risk.imr
    assert short_max == 738_040_855
    s.step(
        "the short: one quantum past its boundary",
        withdraw(BOB, sub(BOB), short_max + 1),
        errors.NewlyUndercollateralized.code,
    )
    s.step("the short: a transfer exactly to its boundary", transfer(BOB, sub(BOB), sub(CAROL), short_max), OK)
    s.step(
        "the short at NC = IMR cannot send one more",
        transfer(BOB, sub(BOB), sub(CAROL), 1),
        errors.NewlyUndercollateralized.code,
    )
    s.step("a deposit is always allowed", deposit(BOB, sub(BOB), 1), OK)
    s.step("which frees exactly one quantum", withdraw(BOB, sub(BOB), 1), OK)
    return s


def withdraw_boundary_scaled() -> Scenario:
    # SOL-USD is Small-Cap: imf 10%, mf 50%, OI caps 20e12 and 50e12 quote quantums.
    # 1.5e13 base quantums (1.5M SOL) at $23.50695125 are 35_260_426_875_000 quote quantums of open interest,
    # between the caps: adjusted imf = 100_000 + floor(900_000 * 15_260_426_875_000 / 30e12) = 557_812.
    size = 15 * 10**12
    s = Scenario(
        "withdraw-boundary-open-interest-scaled",
        "On a market whose open interest lies between its caps, the initial margin fraction is scaled up (MARGIN-1) and the withdrawal boundary follows it; maintenance margin is not scaled.",
        ["MARGIN-1", "MARGIN-2", "MARGIN-3", "SUB-6", "SUB-7", "SUB-12", "SUB-13"],
        ["SOLV-1", "RISK-1"],
        make_genesis(
            [subaccount_entry(ALICE, 0, 0, [(SOL, size)]), subaccount_entry(BOB, 0, 60_000_000_000_000, [(SOL, -size)])]
        ),
    )
    risk = s.risk(ALICE)
    notional = 35_260_426_875_000
    assert risk.nc == notional
    assert risk.imr == -(-notional * 557_812 // 10**6)  # ceil
    boundary = risk.nc - risk.imr
    s.step(
        "one quantum past the scaled boundary",
        withdraw(ALICE, sub(ALICE), boundary + 1),
        errors.NewlyUndercollateralized.code,
    )
    s.step("exactly at the scaled boundary", withdraw(ALICE, sub(ALICE), boundary), OK)
    risk = s.risk(BOB)
    s.step(
        "the short's transfer one past its scaled boundary",
        transfer(BOB, sub(BOB), sub(CAROL), risk.nc - risk.imr + 1),
        errors.NewlyUndercollateralized.code,
    )
    s.step("the short's transfer exactly to it", transfer(BOB, sub(BOB), sub(CAROL), risk.nc - risk.imr), OK)
    return s


def transfers() -> Scenario:
    s = Scenario(
        "transfer-atomicity",
        "A transfer is one batch of two updates: both are written or neither; signer, same-subaccount and amount errors.",
        ["SUB-13", "SUB-7", "SUB-3", "TX-2", "TX-4"],
        ["ATOM-1", "CONS-1"],
        make_genesis([subaccount_entry(ALICE, 0, 1_000), subaccount_entry(BOB, 0, 50)]),
    )
    both = [sub(ALICE), sub(BOB)]
    s.step(
        "the recipient cannot pull funds", transfer(BOB, sub(ALICE), sub(BOB), 10), errors.Unauthorized.code, show=both
    )
    s.step(
        "a third party cannot sign", transfer(MALLORY, sub(ALICE), sub(BOB), 10), errors.Unauthorized.code, show=both
    )
    s.step(
        "to the same subaccount",
        transfer(ALICE, sub(ALICE), sub(ALICE), 10),
        errors.SenderSameAsRecipient.code,
        show=both,
    )
    s.step("a zero amount", transfer(ALICE, sub(ALICE), sub(BOB), 0), errors.InvalidTransferAmount.code, show=both)
    s.step(
        "an overdraw by one: neither side changes, BOB is not credited",
        transfer(ALICE, sub(ALICE), sub(BOB), 1_001),
        errors.NewlyUndercollateralized.code,
        show=both,
    )
    s.step(
        "the whole balance to a new subaccount bob/2: ALICE is deleted, bob/2 created",
        transfer(ALICE, sub(ALICE), sub(BOB, 2), 1_000),
        OK,
    )
    s.step("between two subaccounts of one owner", transfer(BOB, sub(BOB, 2), sub(BOB, 0), 1), OK)
    s.step("from an absent subaccount", transfer(ALICE, sub(ALICE), sub(BOB), 1), errors.NewlyUndercollateralized.code)
    return s


def signers() -> Scenario:
    s = Scenario(
        "signer-errors",
        "Every message is signed by the account it needs: the depositing account, the subaccount owner, or the protocol authority.",
        ["SUB-11", "SUB-12", "SUB-13", "PRICE-6", "BLOCK-1", "TX-2"],
        ["ATOM-1"],
        make_genesis([subaccount_entry(ALICE, 0, 1_000_000)]),
    )
    t = s.time
    three = [("a", 2_900_000_000, t), ("b", 2_910_000_000, t), ("c", 2_950_000_000, t)]
    s.step(
        "a deposit signed by someone other than its sender",
        deposit(MALLORY, sub(MALLORY), 5, sender=ALICE),
        errors.Unauthorized.code,
        show=[sub(MALLORY)],
    )
    s.step(
        "the authority cannot deposit ALICE's funds",
        deposit(AUTHORITY, sub(ALICE), 5, sender=ALICE),
        errors.Unauthorized.code,
    )
    s.step(
        "a withdrawal signed by someone other than the owner",
        withdraw(MALLORY, sub(ALICE), 5),
        errors.Unauthorized.code,
    )
    s.step("the authority cannot withdraw for ALICE", withdraw(AUTHORITY, sub(ALICE), 5), errors.Unauthorized.code)
    s.step(
        "a transfer signed by someone other than the sender's owner",
        transfer(MALLORY, sub(ALICE), sub(MALLORY), 5),
        errors.Unauthorized.code,
    )
    s.step("a price update not signed by the authority", update_prices(ALICE, [(0, three)]), errors.Unauthorized.code)
    s.step("a block not signed by the authority", advance_block(ALICE, s.height + 1, t + 1), errors.Unauthorized.code)
    s.step(
        "a price update signed by an address that sorts before the authority's",
        update_prices(LOW, [(0, three)]),
        errors.Unauthorized.code,
    )
    s.step(
        "a block signed by an address that sorts before the authority's",
        advance_block(LOW, s.height + 1, t + 1),
        errors.Unauthorized.code,
    )
    s.step(
        "a withdrawal signed by an address that sorts before the owner's",
        withdraw(LOW, sub(ALICE), 5),
        errors.Unauthorized.code,
    )
    s.step(
        "a transfer signed by an address that sorts before the sender's owner",
        transfer(LOW, sub(ALICE), sub(BOB), 5),
        errors.Unauthorized.code,
    )
    s.step(
        "a deposit signed by an address that sorts before its sender",
        deposit(LOW, sub(ALICE), 5, sender=ALICE),
        errors.Unauthorized.code,
    )
    s.step("the authority's price update", update_prices(AUTHORITY, [(0, three)]), OK)
    s.step("the authority's block", advance_block(AUTHORITY, s.height + 1, t + 1), OK)
    s.step("the owner's withdrawal", withdraw(ALICE, sub(ALICE), 5), OK)
    return s


def gating_after_outage() -> Scenario:
    s = Scenario(
        "gating-after-outage",
        "A block gap of at least 300 s is a chain outage; withdrawals and transfers are then blocked for 50 blocks, deposits never; the gate opens at outage height + 50.",
        ["BLOCK-1", "BLOCK-2", "SUB-9", "SUB-7"],
        ["ATOM-1", "SOLV-1"],
        make_genesis([subaccount_entry(ALICE, 0, 1_000_000_000)]),
    )
    s.step("not gated at first", withdraw(ALICE, sub(ALICE), 1), OK)
    s.step("a gap of 299 s is not an outage", s.next_block(299), OK)
    s.step("a gap of exactly 300 s is: outage recorded at height 3", s.next_block(300), OK)
    outage = s.height
    s.step("a withdrawal is blocked", withdraw(ALICE, sub(ALICE), 1), errors.WithdrawalsAndTransfersBlocked.code)
    s.step(
        "a transfer is blocked",
        transfer(ALICE, sub(ALICE), sub(ALICE, 1), 1),
        errors.WithdrawalsAndTransfersBlocked.code,
        show=[sub(ALICE), sub(ALICE, 1)],
    )
    s.step("a deposit is never gated", deposit(BOB, sub(ALICE), 1), OK)
    s.step(
        "gating comes before the collateral check: an overdraw is reported as blocked",
        withdraw(ALICE, sub(ALICE), 10**15),
        errors.WithdrawalsAndTransfersBlocked.code,
    )
    while s.height < outage + 49:
        s.step(f"block {s.height + 1}", s.next_block(6), OK)
    s.step(
        "49 blocks after the outage: still blocked",
        withdraw(ALICE, sub(ALICE), 1),
        errors.WithdrawalsAndTransfersBlocked.code,
    )
    s.step("block outage + 50", s.next_block(6), OK)
    s.step("50 blocks after the outage: the withdrawal goes through", withdraw(ALICE, sub(ALICE), 1), OK)
    s.step("and so does a transfer", transfer(ALICE, sub(ALICE), sub(ALICE, 1), 1), OK)
    s.step("a second outage of 10,000 s", s.next_block(10_000), OK)
    s.step("blocks again", withdraw(ALICE, sub(ALICE), 1), errors.WithdrawalsAndTransfersBlocked.code)
    return s


def gating_negative_tnc() -> Scenario:
    s = Scenario(
        "gating-negative-tnc-genesis",
        "A genesis that saw a negative-TNC subaccount at block 1 blocks withdrawals and transfers until block 51.",
        ["SUB-9", "GEN-2", "BLOCK-1"],
        ["ATOM-1"],
        make_genesis([subaccount_entry(ALICE, 0, 1_000_000_000)], negativeTncSubaccountSeenAtBlock=1),
    )
    s.step("blocked at block 1", withdraw(ALICE, sub(ALICE), 1), errors.WithdrawalsAndTransfersBlocked.code)
    s.step(
        "transfers too",
        transfer(ALICE, sub(ALICE), sub(BOB), 1),
        errors.WithdrawalsAndTransfersBlocked.code,
        show=[sub(ALICE), sub(BOB)],
    )
    s.step("deposits are not", deposit(ALICE, sub(ALICE), 1), OK)
    while s.height < 50:
        s.step(f"block {s.height + 1}", s.next_block(), OK)
    s.step(
        "block 50: 50 - 1 = 49 < 50, still blocked",
        withdraw(ALICE, sub(ALICE), 1),
        errors.WithdrawalsAndTransfersBlocked.code,
    )
    s.step("block 51", s.next_block(), OK)
    s.step("open at block 51", withdraw(ALICE, sub(ALICE), 1), OK)
    s.step("transfers too", transfer(ALICE, sub(ALICE), sub(BOB), 1), OK)
    s.step("block 52", s.next_block(), OK)
    s.step("still open 51 blocks after", withdraw(ALICE, sub(ALICE), 1), OK)
    return s


def blocks() -> Scenario:
    s = Scenario(
        "block-errors",
        "Heights step by exactly one and times strictly increase; the authority signs.",
        ["BLOCK-1", "BLOCK-2", "TX-5"],
        ["ATOM-1", "DET-1"],
        make_genesis(),
    )
    h, t = s.height, s.time
    s.step("a skipped height", advance_block(AUTHORITY, h + 2, t + 1), errors.InvalidBlockHeight.code)
    s.step("the same height", advance_block(AUTHORITY, h, t + 1), errors.InvalidBlockHeight.code)
    s.step("height 0", advance_block(AUTHORITY, 0, t + 1), errors.InvalidBlockHeight.code)
    s.step("the same time", advance_block(AUTHORITY, h + 1, t), errors.InvalidBlockTime.code)
    s.step("an earlier time", advance_block(AUTHORITY, h + 1, t - 1), errors.InvalidBlockTime.code)
    s.step(
        "the next block, one second later; height and time as decimal strings",
        advance_block(AUTHORITY, str(h + 1), str(t + 1)),
        OK,
        ["TX-5"],
    )
    s.step(
        "a jump to the largest int64 time: an outage of that many seconds",
        advance_block(AUTHORITY, h + 2, INT64_MAX),
        OK,
    )
    s.step("no later time exists in int64", advance_block(AUTHORITY, h + 3, INT64_MAX), errors.InvalidBlockTime.code)
    s.step(
        "a time beyond int64 is not a field value",
        advance_block(AUTHORITY, h + 3, INT64_MAX + 1),
        errors.InvalidField.code,
        ["TX-5"],
    )
    return s


def price_updates() -> Scenario:
    s = Scenario(
        "price-updates",
        "Oracle updates: stale and future sources dropped, too few sources, too small a change, one wrong source of three, even-length medians, multi-market atomicity and every price error.",
        ["PRICE-2", "PRICE-3", "PRICE-4", "PRICE-5", "PRICE-6", "PRICE-8", "ROUND-9", "TX-2"],
        ["ORACLE-1", "ATOM-1"],
        make_genesis(),
    )
    t = s.time

    def prices(description: str, message: dict, outcomes: list[str], rules: Iterable[str] = ()) -> None:
        events = s.step(description, message, OK, rules)
        assert [e["outcome"] for e in events] == outcomes, (description, events)

    btc = 2_868_819_524  # min change floor(btc * 1000 / 1e6) = 2_868_819
    prices(
        "three fresh sources: the median 2910000000 replaces the price",
        update_prices(AUTHORITY, [(BTC, [("a", 2_950_000_000, t), ("b", 2_900_000_000, t), ("c", 2_910_000_000, t)])]),
        ["UPDATED"],
    )
    btc = 2_910_000_000  # min change 2_910_000
    prices(
        "a source 31 s old is dropped: two fresh of three needed",
        update_prices(
            AUTHORITY, [(BTC, [("a", 3_000_000_000, t), ("b", 3_000_000_000, t - 30), ("c", 3_000_000_000, t - 31)])]
        ),
        ["INSUFFICIENT_SOURCES"],
        ["PRICE-2", "PRICE-3"],
    )
    prices(
        "a source from the future is dropped too",
        update_prices(
            AUTHORITY, [(BTC, [("a", 3_000_000_000, t), ("b", 3_000_000_000, t), ("c", 3_000_000_000, t + 1)])]
        ),
        ["INSUFFICIENT_SOURCES"],
        ["PRICE-2", "PRICE-3"],
    )
    prices(
        "exactly 30 s old still counts: updated",
        update_prices(
            AUTHORITY, [(BTC, [("a", 3_000_000_000, t - 30), ("b", 3_000_000_000, t), ("c", 3_000_000_000, t)])]
        ),
        ["UPDATED"],
        ["PRICE-2"],
    )
    btc = 3_000_000_000  # min change 3_000_000
    prices(
        "two sources are insufficient",
        update_prices(AUTHORITY, [(BTC, [("a", 2_000_000_000, t), ("b", 2_000_000_000, t)])]),
        ["INSUFFICIENT_SOURCES"],
        ["PRICE-3"],
    )
    prices("no sources at all", update_prices(AUTHORITY, [(BTC, [])]), ["INSUFFICIENT_SOURCES"], ["PRICE-3"])
    prices(
        "a move of min change - 1 is too small",
        update_prices(
            AUTHORITY, [(BTC, [("a", btc + 2_999_999, t), ("b", btc + 2_999_999, t), ("c", btc + 2_999_999, t)])]
        ),
        ["PRICE_CHANGE_TOO_SMALL"],
        ["PRICE-5"],
    )
    prices(
        "a downward move of exactly the min change is enough",
        update_prices(
            AUTHORITY, [(BTC, [("a", btc - 3_000_000, t), ("b", btc - 3_000_000, t), ("c", btc - 3_000_000, t)])]
        ),
        ["UPDATED"],
        ["PRICE-5"],
    )
    btc -= 3_000_000
    prices(
        "one wrong source of three (uint64 max) cannot move the median outside the honest range",
        update_prices(
            AUTHORITY,
            [(BTC, [("honest-1", 2_800_000_000, t), ("wrong", UINT64_MAX, t), ("honest-2", 2_810_000_000, t)])],
        ),
        ["UPDATED"],
        ["PRICE-8"],
    )
    prices(
        "one wrong source of three (1) likewise",
        update_prices(
            AUTHORITY, [(BTC, [("honest-1", 2_900_000_000, t), ("wrong", 1, t), ("honest-2", 2_890_000_000, t)])]
        ),
        ["UPDATED"],
        ["PRICE-8"],
    )
    prices(
        "four sources: the mean of the middle two, 2850000000.5, rounds half away from zero",
        update_prices(
            AUTHORITY,
            [
                (
                    BTC,
                    [
                        ("a", 2_800_000_000, t),
                        ("b", 2_850_000_000, t),
                        ("c", 2_850_000_001, t),
                        ("d", 2_900_000_000, t),
                    ],
                )
            ],
        ),
        ["UPDATED"],
        ["PRICE-4", "ROUND-9"],
    )
    eth = [("a", 1_900_000_000, t), ("b", 1_900_000_000, t), ("c", 1_900_000_000, t)]
    sol = [("a", 2_350_695_126, t), ("b", 2_350_695_126, t), ("c", 2_350_695_126, t)]
    prices(
        "three markets in one update, each with its own outcome",
        update_prices(AUTHORITY, [(ETH, eth), (SOL, sol), (BTC, [("a", 1, t)])]),
        ["UPDATED", "PRICE_CHANGE_TOO_SMALL", "INSUFFICIENT_SOURCES"],
        ["PRICE-6"],
    )
    good = [("a", 2_950_000_000, t), ("b", 2_960_000_000, t), ("c", 2_970_000_000, t)]
    s.step(
        "an unknown market after a valid one: nothing is written",
        update_prices(AUTHORITY, [(BTC, good), (2, good)]),
        errors.UnknownMarket.code,
    )
    s.step(
        "a market named twice",
        update_prices(AUTHORITY, [(BTC, good), (ETH, eth), (BTC, good)]),
        errors.DuplicateMarketUpdate.code,
    )
    s.step(
        "a source named twice",
        update_prices(AUTHORITY, [(ETH, eth), (BTC, good + [("a", 2_950_000_000, t)])]),
        errors.DuplicateSource.code,
    )
    s.step(
        "a zero source price",
        update_prices(AUTHORITY, [(ETH, eth), (BTC, good[:2] + [("z", 0, t)])]),
        errors.InvalidPrice.code,
    )
    s.step(
        "a source price beyond uint64",
        update_prices(AUTHORITY, [(BTC, good[:2] + [("z", UINT64_MAX + 1, t)])]),
        errors.InvalidField.code,
        ["TX-5"],
    )
    s.step(
        "a negative timestamp",
        update_prices(AUTHORITY, [(BTC, good[:2] + [("z", 2_950_000_000, -1)])]),
        errors.InvalidField.code,
        ["TX-5"],
    )
    s.step(
        "an empty source name",
        update_prices(AUTHORITY, [(BTC, good[:2] + [("", 2_950_000_000, t)])]),
        errors.InvalidField.code,
        ["TX-5"],
    )
    prices("an update of no markets is accepted and reports nothing", update_prices(AUTHORITY, []), [])
    prices(
        "a source stamped at unix time 0 is well-formed, and stale",
        update_prices(AUTHORITY, [(BTC, good[:2] + [("z", 2_950_000_000, 0)])]),
        ["INSUFFICIENT_SOURCES"],
        ["PRICE-2", "TX-5"],
    )
    prices("the well-formed update after the errors", update_prices(AUTHORITY, [(BTC, good)]), ["UPDATED"])
    s.step("a later block: sources stamped at the old block time are now 40 s old", s.next_block(40), OK)
    prices(
        "all three stale: insufficient",
        update_prices(AUTHORITY, [(BTC, [("a", 1_000_000_000, t), ("b", 1_000_000_000, t), ("c", 1_000_000_000, t)])]),
        ["INSUFFICIENT_SOURCES"],
        ["PRICE-2", "PRICE-3"],
    )
    return s


def price_moves_margin() -> Scenario:
    s = Scenario(
        "price-moves-margin",
        "A lower oracle price leaves a long at the initial-margin boundary under-collateralized: it may deposit and receive, not withdraw; a higher price frees collateral again.",
        ["PRICE-6", "SUB-7", "SUB-8", "MARGIN-4", "MARGIN-6", "MARGIN-7"],
        ["SOLV-1", "ATOM-1"],
        one_btc_pair(),
    )
    risk = s.risk(ALICE)
    s.step("ALICE withdraws to NC = IMR", withdraw(ALICE, sub(ALICE), risk.nc - risk.imr), OK)
    t = s.time
    s.step(
        "BTC falls 0.3% to 28,600",
        update_prices(AUTHORITY, [(BTC, [("a", 2_860_000_000, t), ("b", 2_860_000_000, t), ("c", 2_860_000_000, t)])]),
        OK,
    )
    risk = s.risk(ALICE)
    assert risk.mmr <= risk.nc < risk.imr
    s.step(
        "below IMR: withdrawing one quantum is STILL_UNDERCOLLATERALIZED",
        withdraw(ALICE, sub(ALICE), 1),
        errors.StillUndercollateralized.code,
    )
    s.step(
        "sending one quantum likewise",
        transfer(ALICE, sub(ALICE), sub(BOB), 1),
        errors.StillUndercollateralized.code,
        show=[sub(ALICE), sub(BOB)],
    )
    s.step("a deposit is allowed: MMR unchanged, NC up", deposit(ALICE, sub(ALICE), 1), OK)
    s.step("receiving a transfer is allowed", transfer(BOB, sub(BOB), sub(ALICE), 1_000_000), OK)
    s.step(
        "BTC recovers to 29,000",
        update_prices(AUTHORITY, [(BTC, [("a", 2_900_000_000, t), ("b", 2_900_000_000, t), ("c", 2_900_000_000, t)])]),
        OK,
    )
    risk = s.risk(ALICE)
    s.step(
        "the freed collateral can be withdrawn to the new boundary", withdraw(ALICE, sub(ALICE), risk.nc - risk.imr), OK
    )
    s.step("but not one more", withdraw(ALICE, sub(ALICE), 1), errors.NewlyUndercollateralized.code)
    return s


def still_undercollateralized() -> Scenario:
    # ALICE: long 1 BTC and -28_300 USDC: NC = 28_688_195_240 - 28_300_000_000 = 388_195_240,
    #   between MMR 344_258_343 and IMR 573_763_905.
    # CAROL: -100 quantums and no position: NC -100 < IMR 0, MMR 0.
    # DAVE: long 1 BTC and -28_400 USDC: NC 288_195_240 < MMR (liquidatable).
    s = Scenario(
        "still-undercollateralized",
        "An account below its initial margin may deposit and receive transfers, never withdraw or send; with no positions it may only raise its net collateral.",
        ["SUB-8", "SUB-7", "SUB-3", "MARGIN-6", "MARGIN-7", "SUB-2"],
        ["SOLV-1", "ATOM-1", "CONS-1"],
        make_genesis(
            [
                subaccount_entry(ALICE, 0, -28_300_000_000, [(BTC, ONE_BTC)]),
                subaccount_entry(BOB, 0, 100_000_000_000, [(BTC, -2 * ONE_BTC)]),
                subaccount_entry(CAROL, 0, -100),
                subaccount_entry(DAVE, 0, -28_400_000_000, [(BTC, ONE_BTC)]),
            ]
        ),
    )
    risk = s.risk(ALICE)
    assert risk.mmr <= risk.nc < risk.imr
    s.step("ALICE deposits one quantum: allowed though still under IMR", deposit(ALICE, sub(ALICE), 1), OK)
    s.step(
        "ALICE withdraws one quantum: STILL_UNDERCOLLATERALIZED",
        withdraw(ALICE, sub(ALICE), 1),
        errors.StillUndercollateralized.code,
    )
    s.step(
        "ALICE sends one quantum: STILL_UNDERCOLLATERALIZED, BOB not credited",
        transfer(ALICE, sub(ALICE), sub(BOB), 1),
        errors.StillUndercollateralized.code,
        show=[sub(ALICE), sub(BOB)],
    )
    s.step("BOB sends ALICE 100 USDC: allowed", transfer(BOB, sub(BOB), sub(ALICE), 100_000_000), OK)
    s.step("DAVE, below maintenance margin, may deposit", deposit(DAVE, sub(DAVE), 5), OK)
    s.step("DAVE may not withdraw", withdraw(DAVE, sub(DAVE), 1), errors.StillUndercollateralized.code)
    s.step("CAROL (no positions, -100) deposits 40: NC rises, both MMRs 0: allowed", deposit(CAROL, sub(CAROL), 40), OK)
    s.step(
        "CAROL withdraws 1: NC falls: STILL_UNDERCOLLATERALIZED",
        withdraw(CAROL, sub(CAROL), 1),
        errors.StillUndercollateralized.code,
    )
    s.step(
        "CAROL receives 60 by transfer: balance 0, the subaccount is deleted",
        transfer(BOB, sub(BOB), sub(CAROL), 60),
        OK,
        ["SUB-3"],
        show=[sub(BOB), sub(CAROL)],
    )
    s.step("CAROL (now absent) cannot withdraw", withdraw(CAROL, sub(CAROL), 1), errors.NewlyUndercollateralized.code)
    return s


def margin_of_one_quantum() -> Scenario:
    # ERIN long one ETH base quantum: notional trunc(1 * 1_811_985_252 * 10^-9) = 1; IMR ceil(1 * 2%) = 1,
    # MMR ceil(1 * 60%) = 1. With -5 USDC her NC is -4 < IMR 1: under-collateralized with an MMR of exactly 1.
    erin, frank = account("erin"), account("frank")
    s = Scenario(
        "margin-of-one-quantum",
        "An account whose maintenance margin is exactly one quantum, below its initial margin: it may deposit (NC rises, MMR unchanged), not withdraw.",
        ["SUB-8", "SUB-7", "MARGIN-2", "MARGIN-3", "MARGIN-4", "MARGIN-7"],
        ["SOLV-1", "ATOM-1"],
        make_genesis([subaccount_entry(erin, 0, -5, [(ETH, 1)]), subaccount_entry(frank, 0, 1_000_000, [(ETH, -1)])]),
    )
    risk = s.risk(erin)
    assert (risk.nc, risk.imr, risk.mmr) == (-4, 1, 1)
    s.step("ERIN deposits one quantum: NC -3, still under IMR, allowed", deposit(erin, sub(erin), 1), OK)
    s.step(
        "ERIN withdraws one quantum: STILL_UNDERCOLLATERALIZED",
        withdraw(erin, sub(erin), 1),
        errors.StillUndercollateralized.code,
    )
    s.step("FRANK sends ERIN 10: she reaches NC 7 >= IMR 1", transfer(frank, sub(frank), sub(erin), 10), OK)
    return s


def funding() -> Scenario:
    # BTC index 1_234_567; ETH index -500. ALICE long 10_000_001 BTC quantums at index 1_000_000, short 3 ETH steps at 0.
    # ALICE BTC: -(1_234_567 - 1_000_000) * 10_000_001 = -2_345_670_234_567 ppm
    # ALICE ETH: -(-500 - 0) * -3_000_000 = -1_500_000_000 ppm
    # ALICE total -2_347_170_234_567 ppm -> floor = -2_347_171 (payments reported per perpetual: 2_345_671 and 1_500)
    genesis = make_genesis(
        [
            subaccount_entry(ALICE, 0, 10_000_000_000, [(BTC, 10_000_001, 1_000_000), (ETH, -3_000_000, 0)]),
            subaccount_entry(BOB, 0, 10_000_000_000, [(BTC, -10_000_001, 1_000_000), (ETH, 3_000_000, 0)]),
        ]
    )
    perpetual_json(genesis, BTC)["fundingIndex"] = "1234567"
    perpetual_json(genesis, ETH)["fundingIndex"] = "-500"
    s = Scenario(
        "funding-settlement",
        "Funding settles on a subaccount's first touch, summed in ppm and floored once, against the funding pool; a rejected message settles nothing.",
        ["FUND-1", "FUND-2", "FUND-3", "SUB-5", "TX-2", "TX-4", "INV-1"],
        ["CONS-1", "CONS-2", "ATOM-1"],
        genesis,
    )
    s.step(
        "an overdraw by ALICE is rejected: her funding is not settled",
        withdraw(ALICE, sub(ALICE), 10**12),
        errors.NewlyUndercollateralized.code,
    )
    s.step("a block touches no subaccount: positions stay unsettled", s.next_block(), OK, show=[sub(ALICE), sub(BOB)])
    events = s.step(
        "ALICE's first touch: a 5-quantum deposit settles -2347171 against the pool", deposit(ALICE, sub(ALICE), 5), OK
    )
    assert events[1]["usdcBalance"] == str(10_000_000_000 + 5 - 2_347_171)
    s.step("ALICE again: already settled, no payment", deposit(ALICE, sub(ALICE), 5), OK)
    events = s.step(
        "BOB is touched as a transfer sender: he receives, forgoing the fraction",
        transfer(BOB, sub(BOB), sub(CAROL), 1),
        OK,
    )
    # BOB: +2_345_670_234_567 + 1_500_000_000 = 2_347_170_234_567 ppm -> floor 2_347_170
    assert events[1]["usdcBalance"] == str(10_000_000_000 + 2_347_170 - 1)
    assert s.state.funding_pool_balance == 1  # FUND-3: the pool keeps the rounding
    s.step("CAROL, new, settles nothing", withdraw(CAROL, sub(CAROL), 1), OK)
    return s


def funding_recipient() -> Scenario:
    genesis = make_genesis(
        [
            subaccount_entry(ALICE, 0, 10_000_000_000, [(BTC, 7, 0)]),
            subaccount_entry(BOB, 0, 10_000_000_000, [(BTC, -7, 0)]),
        ]
    )
    perpetual_json(genesis, BTC)["fundingIndex"] = "-1000001"
    # ALICE long 7 at 0, index now -1_000_001: she receives 7_000_007 ppm -> floor 7
    # BOB short: pays -7_000_007 ppm -> floor -8
    s = Scenario(
        "funding-settlement-recipient",
        "A transfer settles both its sender and its recipient; receivers forgo the fraction, payers pay it, and the pool keeps the difference.",
        ["FUND-1", "FUND-2", "FUND-3", "SUB-13"],
        ["CONS-1", "CONS-2"],
        genesis,
    )
    s.step(
        "a transfer from CAROL's fresh subaccount to ALICE settles ALICE (receives 7)",
        transfer(CAROL, sub(CAROL), sub(ALICE), 1),
        errors.NewlyUndercollateralized.code,
        show=[sub(CAROL), sub(ALICE)],
    )
    s.step("CAROL funds herself", deposit(CAROL, sub(CAROL), 10), OK)
    s.step(
        "now the transfer goes through and ALICE is settled as recipient",
        transfer(CAROL, sub(CAROL), sub(ALICE), 1),
        OK,
    )
    s.step("BOB's withdrawal settles him: he pays 8", withdraw(BOB, sub(BOB), 1), OK)
    assert s.state.funding_pool_balance == 1
    return s


def funding_one_ppm() -> Scenario:
    # BTC index 1: ALICE long 1 @0 pays 1 ppm -> floor(-1 / 1e6) = -1; BOB short 1 @0 receives 1 ppm -> floor = 0.
    # ETH index 999_999: CAROL short 1 @0 receives 999_999 ppm -> 0; DAVE long 1 @0 pays 999_999 ppm -> -1.
    genesis = make_genesis(
        [
            subaccount_entry(ALICE, 0, 100, [(BTC, 1)]),
            subaccount_entry(BOB, 0, 100, [(BTC, -1)]),
            subaccount_entry(CAROL, 0, 100, [(ETH, -1)]),
            subaccount_entry(DAVE, 0, 100, [(ETH, 1)]),
        ]
    )
    perpetual_json(genesis, BTC)["fundingIndex"] = "1"
    perpetual_json(genesis, ETH)["fundingIndex"] = "999999"
    s = Scenario(
        "funding-settlement-fractions",
        "Settlements of 1 and 999,999 ppm of a quote quantum: a payer pays a whole quantum, a receiver gets nothing (FUND-2 floors once per subaccount).",
        ["FUND-1", "FUND-2", "FUND-3"],
        ["CONS-1", "CONS-2"],
        genesis,
    )
    for name, owner in (
        ("ALICE, paying 1 ppm, pays 1", ALICE),
        ("BOB, receiving 1 ppm, gets 0", BOB),
        ("CAROL, receiving 999999 ppm, gets 0", CAROL),
        ("DAVE, paying 999999 ppm, pays 1", DAVE),
    ):
        s.step(name, deposit(owner, sub(owner), 1), OK)
    assert s.state.funding_pool_balance == 2
    return s


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


# --- genesis extremes -----------------------------------------------------------------------

HUGE = 10**400 - 1
"""The largest magnitude of 400 decimal digits: genesis balances, sizes and indexes are unbounded (SUB-2)."""


def extreme_parameters(genesis: dict) -> dict:
    """Add a tier, market, perpetual and clob pairs at the lowest and at the highest value of every field (GEN-2); one name is not ASCII (CODEC-2 escapes it)."""
    genesis["liquidityTiers"] += [
        {
            "id": 7,
            "name": "",
            "initialMarginPpm": 0,
            "maintenanceFractionPpm": 0,
            "impactNotional": "1",
            "openInterestLowerCap": "0",
            "openInterestUpperCap": "0",
        },
        {
            "id": UINT32_MAX,
            "name": "Highest",
            "initialMarginPpm": 1_000_000,
            "maintenanceFractionPpm": 1_000_000,
            "impactNotional": str(UINT64_MAX),
            "openInterestLowerCap": str(UINT64_MAX),
            "openInterestUpperCap": str(UINT64_MAX),
        },
    ]
    genesis["marketParams"] += [
        {
            "id": 7,
            "pair": "LOW-USD \u00e9\u20ac",
            "exponent": -100,
            "minExchanges": 1,
            "minPriceChangePpm": 1,
            "maxSourceAgeSeconds": 0,
        },
        {
            "id": UINT32_MAX,
            "pair": "HIGH-USD",
            "exponent": 100,
            "minExchanges": UINT32_MAX,
            "minPriceChangePpm": 9_999,
            "maxSourceAgeSeconds": str(INT64_MAX),
        },
    ]
    genesis["marketPrices"] += [
        {"id": 7, "exponent": -100, "price": "0"},
        {"id": UINT32_MAX, "exponent": 100, "price": str(UINT64_MAX)},
    ]
    cross = "PERPETUAL_MARKET_TYPE_CROSS"
    genesis["perpetuals"] += [
        {
            "params": {
                "id": 7,
                "ticker": "LOW-USD",
                "marketId": 7,
                "atomicResolution": -100,
                "defaultFundingPpm": INT32_MIN,
                "liquidityTier": 7,
                "marketType": cross,
            },
            "fundingIndex": str(-HUGE),
        },
        {
            "params": {
                "id": UINT32_MAX,
                "ticker": "HIGH-USD",
                "marketId": UINT32_MAX,
                "atomicResolution": 100,
                "defaultFundingPpm": INT32_MAX,
                "liquidityTier": UINT32_MAX,
                "marketType": cross,
            },
            "fundingIndex": str(HUGE),
        },
    ]
    # Every status the protocol supports (CLOB-1); PAUSED, CANCEL_ONLY and POST_ONLY are rejected at genesis.
    statuses = [
        "STATUS_INITIALIZING",
        "STATUS_FINAL_SETTLEMENT",
        "STATUS_ACTIVE",
        "STATUS_INITIALIZING",
        "STATUS_FINAL_SETTLEMENT",
    ]
    genesis["clobPairs"] += [
        {
            "id": 7,
            "perpetualClobMetadata": {"perpetualId": 7},
            "stepBaseQuantums": "1",
            "subticksPerTick": 1,
            "quantumConversionExponent": -100,
            "status": statuses[0],
        },
        {
            "id": UINT32_MAX,
            "perpetualClobMetadata": {"perpetualId": UINT32_MAX},
            "stepBaseQuantums": str(UINT64_MAX),
            "subticksPerTick": UINT32_MAX,
            "quantumConversionExponent": 100,
            "status": statuses[1],
        },
    ] + [
        {
            "id": 8 + i,
            "perpetualClobMetadata": {"perpetualId": 7},
            "stepBaseQuantums": "10",
            "subticksPerTick": 10,
            "quantumConversionExponent": 0,
            "status": status,
        }
        for i, status in enumerate(statuses[2:])
    ]
    return genesis


def genesis_extremes() -> Scenario:
    # USDC held: HUGE - 10^399 + 1_000_000 (CAROL) + 1_000_000 (DAVE) + insurance 1_000_001 + fees 20_002 + pool -3;
    # totalDeposited = held + totalWithdrawn 5_000 (INV-1).
    subaccounts = [
        subaccount_entry(ALICE, 127, HUGE),
        subaccount_entry(BOB, 0, -(10**399)),
        subaccount_entry(CAROL, 0, 1_000_000, [(BTC, ONE_BTC, -HUGE), (ETH, 1), (7, 3, 5)]),
        subaccount_entry(DAVE, 0, 1_000_000, [(BTC, -ONE_BTC, HUGE), (ETH, -1), (7, -3, -5)]),
    ]
    held = HUGE - 10**399 + 2_000_000 + 1_000_001 + 20_002 - 3
    genesis = extreme_parameters(
        make_genesis(
            subaccounts,
            blockHeight=1_000,
            insuranceFundBalance="1000001",
            feeCollectorBalance="20002",
            fundingPoolBalance="-3",
            totalWithdrawn="5000",
            totalDeposited=str(held + 5_000),
            negativeTncSubaccountSeenAtBlock=0,
            lastChainOutageAtBlock=1_000,
        )
    )
    s = Scenario(
        "genesis-extremes",
        "A genesis with every parameter at its lowest and highest valid value, 400-digit balances and funding indexes, positions of one quantum, protocol balances, a withdrawn total and an outage at the genesis height; it loads exactly, and messages act on it.",
        ["GEN-2", "CODEC-1", "CODEC-3", "INV-1", "SUB-2", "SUB-9", "FUND-2", "PRICE-2", "PRICE-3", "PRICE-5"],
        ["CONS-1", "DET-1"],
        genesis,
    )
    t = s.time
    s.step("a deposit into the 400-digit balance", deposit(ALICE, sub(ALICE, 127), 1), OK)
    s.step(
        "the outage at the genesis height gates withdrawals (SUB-9)",
        withdraw(ALICE, sub(ALICE, 127), 1),
        errors.WithdrawalsAndTransfersBlocked.code,
    )
    # CAROL: BTC -(0 - (-HUGE)) * 1e10 and LOW -(-HUGE - 5) * 3 ppm; DAVE the mirror: huge payments both ways.
    s.step("CAROL's first touch settles funding against 400-digit indexes", deposit(CAROL, sub(CAROL), 1), OK)
    s.step("DAVE's likewise", deposit(DAVE, sub(DAVE), 1), OK)
    s.step(
        "a market needing one source, zero seconds old at most: a source at block time counts",
        update_prices(AUTHORITY, [(7, [("a", 5, t)])]),
        OK,
        ["PRICE-2", "PRICE-3"],
    )
    s.step(
        "one second old is stale at a maximum age of 0",
        update_prices(AUTHORITY, [(7, [("a", 6, t - 1)])]),
        OK,
        ["PRICE-2"],
    )
    s.step(
        "a market needing 2^32 - 1 sources", update_prices(AUTHORITY, [(UINT32_MAX, [("a", 1, t)])]), OK, ["PRICE-3"]
    )
    s.step("the next block", s.next_block(), OK, show=[sub(ALICE, 127), sub(BOB), sub(CAROL), sub(DAVE)])
    return s


def genesis_last_block() -> Scenario:
    s = Scenario(
        "genesis-last-block",
        "A genesis at the last uint32 height and the last int64 time: no block can follow; a gating block at the genesis height.",
        ["GEN-2", "BLOCK-1", "SUB-9", "TX-5"],
        ["DET-1"],
        make_genesis(
            [subaccount_entry(ALICE, 0, 10)],
            blockHeight=UINT32_MAX,
            blockTime=str(INT64_MAX),
            negativeTncSubaccountSeenAtBlock=UINT32_MAX,
        ),
    )
    s.step("height 2^32 is not a uint32", advance_block(AUTHORITY, UINT32_MAX + 1, INT64_MAX), errors.InvalidField.code)
    s.step("the same height", advance_block(AUTHORITY, UINT32_MAX, INT64_MAX), errors.InvalidBlockHeight.code)
    s.step(
        "gated by the negative-TNC block at the genesis height",
        withdraw(ALICE, sub(ALICE), 1),
        errors.WithdrawalsAndTransfersBlocked.code,
    )
    s.step("deposits still go through", deposit(ALICE, sub(ALICE), 1), OK)
    return s


def genesis_first_block() -> Scenario:
    s = Scenario(
        "genesis-block-zero",
        "A genesis at height 0 and unix time 0 with an outage recorded at block 0 (the lowest valid values); the first block is height 1.",
        ["GEN-2", "BLOCK-1", "BLOCK-2"],
        ["DET-1"],
        make_genesis(blockHeight=0, blockTime="0", lastChainOutageAtBlock=0),
    )
    s.step(
        "time 0 is a well-formed int64 but not after the genesis time 0",
        advance_block(AUTHORITY, 1, 0),
        errors.InvalidBlockTime.code,
        ["TX-5"],
    )
    s.step("height 1 at time 299: no outage", advance_block(AUTHORITY, 1, 299), OK)
    s.step("height 2 at time 599: an outage of 300 s", advance_block(AUTHORITY, 2, 599), OK)
    return s


# --- quote exponents and open-interest caps -------------------------------------------------


def quote_exponent_markets(genesis: dict) -> dict:
    """
    Add two liquidity tiers, four markets and four perpetuals whose quote exponent
    e = price exponent + atomic resolution + 6 (UNITS-4) is 2, -1, 0 and 1: positions
    worth a whole multiple of a quote quantum (e >= 0) beside the default perpetuals'
    truncating ones (e < 0), with open interest between and above the caps (MARGIN-1).
    """
    genesis["liquidityTiers"] += [
        {
            "id": 8,
            "name": "Narrow",
            "initialMarginPpm": 100_000,
            "maintenanceFractionPpm": 500_000,
            "impactNotional": "1000000",
            "openInterestLowerCap": "100000007",
            "openInterestUpperCap": "500000000",
        },
        {
            "id": 9,
            "name": "Tiny",
            "initialMarginPpm": 50_000,
            "maintenanceFractionPpm": 500_000,
            "impactNotional": "1000000",
            "openInterestLowerCap": "1000",
            "openInterestUpperCap": "20000",
        },
    ]
    cross = "PERPETUAL_MARKET_TYPE_CROSS"
    # (perpetual and market id, price exponent, price, atomic resolution, liquidity tier)
    for pid, exponent, price, resolution, tier in (
        (8, 2, 3, -6, 8),
        (9, 0, 1, -7, 3),
        (10, 0, 77, -6, 9),
        (11, 1, 7, -6, 8),
    ):
        genesis["marketParams"].append(
            {
                "id": pid,
                "pair": f"E{pid}-USD",
                "exponent": exponent,
                "minExchanges": 1,
                "minPriceChangePpm": 1_000,
                "maxSourceAgeSeconds": 30,
            }
        )
        genesis["marketPrices"].append({"id": pid, "exponent": exponent, "price": str(price)})
        genesis["perpetuals"].append(
            {
                "params": {
                    "id": pid,
                    "ticker": f"E{pid}-USD",
                    "marketId": pid,
                    "atomicResolution": resolution,
                    "defaultFundingPpm": 0,
                    "liquidityTier": tier,
                    "marketType": cross,
                },
                "fundingIndex": "0",
            }
        )
    return genesis


def quote_exponent_boundaries() -> Scenario:
    # Perpetual 8: e = 2 + (-6) + 6 = 2, so 1_000_002 base quantums at price 3 are 300_000_600 quote quantums,
    #   exactly (no truncation); open interest the same, between the Narrow caps 100_000_007 and 500_000_000:
    #   adjusted imf = 100_000 + floor(900_000 * 200_000_593 / 399_999_993) = 550_001,
    #   IMR = ceil(300_000_600 * 0.550001) = ceil(165_000_630.000600) = 165_000_631.
    # Perpetual 11: e = 1: 5_000_001 * 7 * 10 = 350_000_070; adjusted imf 662_500,
    #   IMR = ceil(231_875_046.375) = 231_875_047.  The two IMRs' fractions sum to 0.3756 < 1, so the
    #   sum of the ceilings is one quantum above the ceiling of the sum: each position rounds up on its own.
    # Perpetual 9: e = 0 + (-7) + 6 = -1: 15 quantums at price 1 are 1.5 -> 1 quote quantum (truncated);
    #   Safety tier (imf 100%): IMR 1.
    # Perpetual 10: e = 0: 300 * 77 = 23_100, open interest above the Tiny tier's upper cap 20_000: imf 100%, IMR 23_100.
    erin = account("erin")
    genesis = quote_exponent_markets(
        make_genesis(
            [
                subaccount_entry(ALICE, 0, 0, [(8, 1_000_002), (11, 5_000_001)]),
                subaccount_entry(BOB, 0, 10**12, [(8, -1_000_002), (11, -5_000_001)]),
                subaccount_entry(CAROL, 0, 5, [(9, 15)]),
                subaccount_entry(DAVE, 0, 10**12, [(9, -15), (10, -300)]),
                subaccount_entry(erin, 0, 10, [(10, 300)]),
            ]
        )
    )
    s = Scenario(
        "quote-exponent-margin-boundaries",
        "Withdrawal boundaries on perpetuals whose quote exponent is positive, zero and -1 (values exact or truncated), with open interest between the caps (scaled imf, each position's IMR rounded up on its own) and above the upper cap (imf 100%).",
        ["UNITS-4", "MARGIN-1", "MARGIN-2", "MARGIN-4", "MARGIN-5", "MARGIN-6", "SUB-6", "SUB-7", "SUB-12", "SUB-13"],
        ["SOLV-1", "ATOM-1"],
        genesis,
    )
    risk = s.risk(ALICE)
    assert (risk.nc, risk.imr) == (300_000_600 + 350_000_070, 165_000_631 + 231_875_047)
    boundary = risk.nc - risk.imr
    s.step(
        "ALICE (long on e = 2 and e = 1, open interest between the caps) withdraws one past her boundary",
        withdraw(ALICE, sub(ALICE), boundary + 1),
        errors.NewlyUndercollateralized.code,
    )
    s.step("exactly to it: NC = IMR, the sum of the two rounded-up IMRs", withdraw(ALICE, sub(ALICE), boundary), OK)
    s.step(
        "one quantum more, though NC would still cover the unrounded sum",
        withdraw(ALICE, sub(ALICE), 1),
        errors.NewlyUndercollateralized.code,
    )
    risk = s.risk(BOB)
    s.step(
        "BOB, short the same, sends one past his boundary",
        transfer(BOB, sub(BOB), sub(CAROL, 1), risk.nc - risk.imr + 1),
        errors.NewlyUndercollateralized.code,
        show=[sub(BOB), sub(CAROL, 1)],
    )
    s.step(
        "exactly to it", transfer(BOB, sub(BOB), sub(CAROL, 1), risk.nc - risk.imr), OK, show=[sub(BOB), sub(CAROL, 1)]
    )
    risk = s.risk(CAROL)
    assert (risk.nc, risk.imr) == (5 + 1, 1)
    s.step(
        "CAROL (15 quantums at e = -1, worth 1.5 -> 1) withdraws 6: NEWLY_UNDERCOLLATERALIZED",
        withdraw(CAROL, sub(CAROL), 6),
        errors.NewlyUndercollateralized.code,
    )
    s.step("5 leaves NC 1 = IMR 1: accepted", withdraw(CAROL, sub(CAROL), 5), OK)
    risk = s.risk(erin)
    assert (risk.nc, risk.imr) == (10 + 23_100, 23_100)
    s.step(
        "ERIN (open interest above the upper cap: imf 100%) withdraws 11",
        withdraw(erin, sub(erin), 11),
        errors.NewlyUndercollateralized.code,
    )
    s.step("10 leaves NC = IMR: accepted", withdraw(erin, sub(erin), 10), OK)
    return s


def position_risk_roundings() -> Scenario:
    """
    Roundings of one position's risk that decide a withdrawal (MARGIN-1, UNITS-4, ROUND-5):
    open interest whose notional is not a whole number of quote quantums, truncated before it
    scales the initial margin fraction; a perpetual of atomic resolution -5, outside the range
    of the default markets; a short of one base quantum at a price of one, worth less than a
    quote quantum.
    """
    # SOL (Small-Cap: imf 10%, caps 20e12..50e12): 8_508_192_514_615 base quantums at 2_350_695_125e-8
    # are 20_000_166_666_666.97 quote quantums, truncated to 20_000_166_666_666 for the open interest
    # (and ALICE's notional): adjusted imf 100_000 + floor(900_000 * 166_666_666 / 30e12) = 100_004;
    # the untruncated value (or its ceiling) would give 100_005, 20_000_167 quote quantums more IMR.
    sol_size = 8_508_192_514_615
    genesis = quote_exponent_markets(
        make_genesis(
            [
                subaccount_entry(ALICE, 0, 0, [(SOL, sol_size)]),
                subaccount_entry(BOB, 0, 10**14, [(SOL, -sol_size)]),
                subaccount_entry(CAROL, 0, 0, [(12, 7_000_001)]),
                subaccount_entry(DAVE, 0, 10**12, [(12, -7_000_001)]),
                subaccount_entry(CAROL, 1, 0, [(9, 1)]),
                subaccount_entry(DAVE, 1, 5, [(9, -1)]),
                subaccount_entry(MALLORY, 0, 0, [(13, 100)]),
                subaccount_entry(LOW, 0, 10**9, [(13, -100)]),
            ]
        )
    )
    # Perpetual 13 on market 12, in a tier whose open-interest caps are equal: 100 base quantums
    # are 123_457 quote quantums of open interest, exactly at both caps.  At the lower cap the
    # tier's own imf applies (2%: IMR ceil(2_469.14) = 2_470), not the 100% above the upper cap.
    genesis["liquidityTiers"].append(
        {
            "id": 10,
            "name": "Pinned",
            "initialMarginPpm": 20_000,
            "maintenanceFractionPpm": 500_000,
            "impactNotional": "1000000",
            "openInterestLowerCap": "123457",
            "openInterestUpperCap": "123457",
        }
    )
    genesis["perpetuals"].append(
        {
            "params": {
                "id": 13,
                "ticker": "P13-USD",
                "marketId": 12,
                "atomicResolution": -5,
                "defaultFundingPpm": 0,
                "liquidityTier": 10,
                "marketType": "PERPETUAL_MARKET_TYPE_CROSS",
            },
            "fundingIndex": "0",
        }
    )
    # Perpetual 12: atomic resolution -5, price 123_457e-3 (exponent -3), Large-Cap (imf 2%, no caps):
    # quote exponent -3 + (-5) + 6 = -2, so 7_000_001 base quantums are trunc(7_000_001 * 123_457 / 100)
    # = 8_641_991_234 quote quantums.
    genesis["marketParams"].append(
        {
            "id": 12,
            "pair": "R12-USD",
            "exponent": -3,
            "minExchanges": 1,
            "minPriceChangePpm": 1_000,
            "maxSourceAgeSeconds": 30,
        }
    )
    genesis["marketPrices"].append({"id": 12, "exponent": -3, "price": "123457"})
    genesis["perpetuals"].append(
        {
            "params": {
                "id": 12,
                "ticker": "R12-USD",
                "marketId": 12,
                "atomicResolution": -5,
                "defaultFundingPpm": 0,
                "liquidityTier": 0,
                "marketType": "PERPETUAL_MARKET_TYPE_CROSS",
            },
            "fundingIndex": "0",
        }
    )
    s = Scenario(
        "position-risk-roundings",
        "Withdrawal boundaries decided by the roundings of a position's risk: open interest worth a fraction of a quote quantum above a whole one, truncated before it scales the initial margin fraction; a perpetual of atomic resolution -5; a short of one base quantum at price one, worth nothing; open interest exactly at a tier's equal caps.",
        ["MARGIN-1", "MARGIN-2", "MARGIN-4", "MARGIN-5", "UNITS-4", "ROUND-5", "SUB-7", "SUB-8", "SUB-12"],
        ["SOLV-1", "CONS-1"],
        genesis,
    )
    risk = s.risk(ALICE)
    notional = 20_000_166_666_666
    assert risk.nc == notional and s.state.perpetuals[SOL].open_interest == sol_size
    assert risk.imr == -(-notional * 100_004 // 10**6)
    boundary = risk.nc - risk.imr
    s.step(
        "ALICE (long SOL, open interest just past a step of the scaled imf) withdraws one quantum past her boundary",
        withdraw(ALICE, sub(ALICE), boundary + 1),
        errors.NewlyUndercollateralized.code,
        ["MARGIN-1"],
    )
    s.step("exactly to it: accepted", withdraw(ALICE, sub(ALICE), boundary), OK, ["MARGIN-1"])
    risk = s.risk(CAROL)
    assert risk.nc == 8_641_991_234 and risk.imr == 172_839_825
    boundary = risk.nc - risk.imr
    s.step(
        "CAROL (long perpetual 12, atomic resolution -5) withdraws one quantum past her boundary",
        withdraw(CAROL, sub(CAROL), boundary + 1),
        errors.NewlyUndercollateralized.code,
        ["UNITS-4"],
    )
    s.step("exactly to it: accepted", withdraw(CAROL, sub(CAROL), boundary), OK, ["UNITS-4"])
    # Perpetual 9: price 1, exponent 0, atomic resolution -7: quote exponent -1.  A short of one base
    # quantum is -trunc(1 * 1 / 10) = 0 quote quantums of NC, IMR and MMR 0: DAVE's NC is his 5 USDC quantums.
    risk = s.risk(DAVE, 1)
    assert (risk.nc, risk.imr, risk.mmr) == (5, 0, 0)
    s.step(
        "DAVE/1 (short one base quantum at price 1) withdraws 6: his NC would be -1",
        withdraw(DAVE, sub(DAVE, 1), 6),
        errors.NewlyUndercollateralized.code,
        ["ROUND-5"],
    )
    s.step("he withdraws 5: NC 0 = IMR 0, accepted", withdraw(DAVE, sub(DAVE, 1), 5), OK, ["ROUND-5"])
    risk = s.risk(MALLORY)
    assert (risk.nc, risk.imr) == (123_457, 2_470)
    s.step(
        "MALLORY (long perpetual 13, open interest exactly at its equal caps) withdraws one quantum past her boundary",
        withdraw(MALLORY, sub(MALLORY), 123_457 - 2_470 + 1),
        errors.NewlyUndercollateralized.code,
        ["MARGIN-1"],
    )
    s.step(
        "exactly to it: accepted (at the lower cap, the tier's imf)",
        withdraw(MALLORY, sub(MALLORY), 123_457 - 2_470),
        OK,
        ["MARGIN-1"],
    )
    return s


def add_to_book_fast_path() -> Scenario:
    """
    The add-to-book check (MATCH-7) of a subaccount that holds a perpetual other than the
    order's, at its boundary; a fill leaving a long of one base quantum (SUB-6); enum
    numbers at the ends of int32 (ORDER-1).  Orders are built with ``clob_scenarios``'s
    helpers, imported here because that module imports this one.
    """
    from perpspec.conformance.clob_scenarios import BUY, CENTI_BTC, IOC, SELL, STEP, order, place, usd

    # ALICE holds 1 ETH (1e9 quantums at 1_811_985_252e-6: NC 1_811_985_252, IMR 2% = ceil(36_239_705.04) = 36_239_706)
    # and rests a sell of 0.01 BTC at $40,000: quote 400_000_000, maker fee 100 ppm = 40_000.  After it:
    #   BTC short 1e8: NC -trunc(286_881_952.4) = -286_881_952, IMR ceil(5_737_639.048) = 5_737_640.
    # NC - IMR = usdc + 399_960_000 + 1_811_985_252 - 286_881_952 - 36_239_706 - 5_737_640 = usdc + 1_883_085_954.
    # The sell's delta belongs to BTC only: counting it against the ETH she holds instead would leave
    # NC - IMR = usdc + 399_960_000 + 1_630_786_726 - 32_615_735, 115_045_037 quantums looser.
    slack = 399_960_000 + 1_811_985_252 - 286_881_952 - 36_239_706 - 5_737_640
    genesis = make_genesis(
        [
            subaccount_entry(ALICE, 0, -slack - 1, [(ETH, 10**9)]),
            subaccount_entry(BOB, 0, 10**11, [(ETH, -(10**9))]),
            subaccount_entry(CAROL, 0, 10**11, [(BTC, STEP + 1)]),
            subaccount_entry(DAVE, 0, 10**11, [(BTC, -(STEP + 1))]),
        ]
    )
    s = Scenario(
        "add-to-book-other-perpetual",
        "The add-to-book check of a subaccount holding another perpetual than the order's, one quantum either side of its boundary; a fill that leaves a long of one base quantum in the open interest; side numbers at and beyond the ends of int32.",
        ["MATCH-7", "SUB-6", "SUB-7", "MARGIN-5", "MARGIN-6", "ORDER-1", "ORDER-2"],
        ["SOLV-1", "CONS-1"],
        genesis,
    )
    gtb = s.height + 10
    s.step(
        "ALICE (long ETH) rests a BTC sell that leaves NC one quantum under IMR: removed, UNDERCOLLATERALIZED",
        place(ALICE, order(ALICE, 1, SELL, CENTI_BTC, usd(40_000), gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    assert s.state.clob.resting == {}
    s.step("she deposits one quantum", deposit(ALICE, sub(ALICE), 1), OK)
    s.step(
        "the same sell now leaves NC = IMR: it rests",
        place(ALICE, order(ALICE, 2, SELL, CENTI_BTC, usd(40_000), gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    assert len(s.state.clob.resting) == 1
    s.step("DAVE bids one step of BTC at $28,000", place(DAVE, order(DAVE, 1, BUY, STEP, usd(28_000), gtb=gtb)), OK)
    assert s.state.perpetuals[BTC].open_interest == STEP + 1
    s.step(
        "CAROL (long one step and one quantum) sells one step IOC to DAVE (short as much): a long of one quantum is left, open interest 1",
        place(CAROL, order(CAROL, 1, SELL, STEP, usd(28_000), gtb=gtb, tif=IOC)),
        OK,
        ["SUB-6"],
    )
    assert s.state.perpetuals[BTC].open_interest == 1
    assert s.state.subaccounts[SubaccountId(CAROL, 0)].positions[BTC].quantums == 1
    for description, side, code in (
        ("side INT32_MIN is an int32: read, then not a side", INT32_MIN, errors.InvalidOrderSide.code),
        ("side INT32_MAX likewise", INT32_MAX, errors.InvalidOrderSide.code),
        ("side INT32_MAX + 1 is not an int32", INT32_MAX + 1, errors.InvalidField.code),
    ):
        s.step(description, place(BOB, order(BOB, 1, side, STEP, usd(28_000), gtb=gtb)), code, ["ORDER-1"])
    return s


def add_to_book_lower_held() -> Scenario:
    """
    The add-to-book check (MATCH-7) of a subaccount holding a perpetual of a lower id than the
    order's: the order's delta belongs to the ordered perpetual only, and the held one keeps its
    size.  Orders are built with ``clob_scenarios``'s helpers (see ``add_to_book_fast_path``).
    """
    from perpspec.conformance.clob_scenarios import BUY, CENTI_BTC, order, place

    # ALICE holds 0.01 BTC and bids 0.1 ETH (1e8 base quantums) at $2,000: quote 200_000_000,
    # maker fee 100 ppm = 20_000, so the check's USDC delta is -200_020_000.  After it she holds
    # 0.01 BTC and 0.1 ETH; NC - IMR of those positions is worked out by the reference below.
    # Counting the ETH delta against the BTC she holds instead (0.02 BTC, no ETH) would be
    # 103_569_759 quote quantums looser.
    size, subticks = (
        10**8,
        2_000 * 10**6,
    )  # ETH: $1 is 10^6 subticks (quantum conversion exponent -9, atomic resolution -9)
    probe = decode_state(
        make_genesis(
            [
                subaccount_entry(ALICE, 0, 0, [(BTC, CENTI_BTC), (ETH, size)]),
                subaccount_entry(BOB, 0, 10**11, [(BTC, -CENTI_BTC), (ETH, -size)]),
            ]
        )
    )
    risk = get_subaccount_risk(probe, get_subaccount(probe, SubaccountId(ALICE, 0)))
    boundary = 200_020_000 - (risk.nc - risk.imr)
    genesis = make_genesis(
        [
            subaccount_entry(ALICE, 0, boundary - 1, [(BTC, CENTI_BTC)]),
            subaccount_entry(BOB, 0, 10**11, [(BTC, -CENTI_BTC)]),
        ]
    )
    s = Scenario(
        "add-to-book-lower-held-perpetual",
        "The add-to-book check of a subaccount holding a perpetual of a lower id than the order's, one quantum either side of its boundary.",
        ["MATCH-7", "SUB-7", "MARGIN-5", "MARGIN-6"],
        ["SOLV-1", "CONS-1"],
        genesis,
    )
    gtb = s.height + 10
    s.step(
        "ALICE (long BTC) rests an ETH bid that leaves NC one quantum under IMR: removed, UNDERCOLLATERALIZED",
        place(ALICE, order(ALICE, 1, BUY, size, subticks, clob=ETH, gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    assert s.state.clob.resting == {}
    s.step("she deposits one quantum", deposit(ALICE, sub(ALICE), 1), OK)
    s.step(
        "the same bid now leaves NC = IMR: it rests",
        place(ALICE, order(ALICE, 2, BUY, size, subticks, clob=ETH, gtb=gtb)),
        OK,
        ["MATCH-7"],
    )
    assert len(s.state.clob.resting) == 1
    return s


def match_open_interest_crosses_cap() -> Scenario:
    """
    A fill whose open-interest increase carries SOL past its lower cap: the taker's initial
    margin is taken at the post-trade open interest (SUB-6, MARGIN-1), and decides the fill.
    """
    from perpspec.conformance.clob_scenarios import BUY, IOC, SELL, order, place

    # SOL (Small-Cap: imf 10%, caps 20e12..50e12).  8.508e12 base quantums held are
    # 19_999_714_123_500 quote quantums of open interest, just under the lower cap.  A fill of
    # 1e12 base quantums (100,000 SOL) at $23.50 (2_350_000_000 subticks) between two new
    # positions raises it to 22_350_409_248_500: adjusted imf 100_000 + floor(900_000 *
    # 2_350_409_248_500 / 30e12) = 170_512, against 100_000 at the open interest before the fill.
    held, size, subticks = 8_508 * 10**9, 10**12, 2_350_000_000
    notional = size * 2_350_695_125 // 10**9
    assert notional == 2_350_695_125_000
    # ALICE's NC after the fill: her USDC - quote 2_350_000_000_000 - taker fee 500 ppm (1_175_000_000)
    # + her notional; 1e9 quote quantums above the IMR at the old open interest, far below the new one.
    usdc = 2_350_000_000_000 + 1_175_000_000 - notional + -(-notional * 100_000 // 10**6) + 10**9
    genesis = make_genesis(
        [
            subaccount_entry(ALICE, 0, usdc),
            subaccount_entry(BOB, 0, 10**13),
            subaccount_entry(CAROL, 0, 10**13, [(SOL, held)]),
            subaccount_entry(DAVE, 0, 10**14, [(SOL, -held)]),
        ]
    )
    s = Scenario(
        "match-open-interest-crosses-cap",
        "A fill that carries a market's open interest past its lower cap: the taker's initial margin is taken at the open interest after the fill, and refuses it; with more collateral the same fill goes through.",
        ["SUB-6", "SUB-7", "MARGIN-1", "MATCH-4"],
        ["SOLV-1", "CONS-1"],
        genesis,
    )
    gtb = s.height + 10
    s.step("BOB asks 100,000 SOL at $23.50", place(BOB, order(BOB, 1, SELL, size, subticks, clob=SOL, gtb=gtb)), OK)
    s.step(
        "ALICE takes it IOC: enough margin at the open interest before the fill, not after it: no fill",
        place(ALICE, order(ALICE, 1, BUY, size, subticks, clob=SOL, gtb=gtb, tif=IOC)),
        OK,
        ["SUB-6"],
    )
    assert s.state.perpetuals[SOL].open_interest == held
    assert (
        SubaccountId(ALICE, 0) not in s.state.subaccounts or not s.state.subaccounts[SubaccountId(ALICE, 0)].positions
    )
    s.step("she deposits 2e11 quote quantums", deposit(ALICE, sub(ALICE), 2 * 10**11), OK)
    s.step(
        "the same IOC now fills: open interest past the lower cap",
        place(ALICE, order(ALICE, 2, BUY, size, subticks, clob=SOL, gtb=gtb, tif=IOC)),
        OK,
        ["SUB-6"],
    )
    assert s.state.perpetuals[SOL].open_interest == held + size
    return s


def close_leaving_negative_collateral() -> Scenario:
    """
    A fill that closes an under-collateralized subaccount's only position but leaves its net
    collateral negative: with no maintenance margin after and some before, the under-collateralized
    rule refuses it (SUB-8), however much the NC improves.
    """
    from perpspec.conformance.clob_scenarios import BUY, IOC, SELL, STEP, order, place, usd

    # ALICE: USDC -3_000_000, long one step of BTC (1e6 base quantums): notional 2_868_819, NC -131_181,
    # IMR 57_377, MMR ceil(57_377 * 0.6) = 34_427.  Selling the step at $30,015 to BOB's bid: quote
    # 3_001_500, taker fee ceil(1_500.75) = 1_501, NC after -1 with no position: MMR 0 after, 34_427 before.
    genesis = make_genesis(
        [
            subaccount_entry(ALICE, 0, -3_000_000, [(BTC, STEP)]),
            subaccount_entry(BOB, 0, 10**11),
            subaccount_entry(CAROL, 0, 10**11, [(BTC, -STEP)]),
        ]
    )
    s = Scenario(
        "close-leaving-negative-collateral",
        "An under-collateralized subaccount's fill that would close its only position and leave its net collateral negative (from -131,181 to -1 quote quantums): refused, since with no maintenance margin after it and some before, no improvement of NC is enough.",
        ["SUB-8", "SUB-7", "MARGIN-5", "MATCH-4"],
        ["SOLV-1", "CONS-1"],
        genesis,
    )
    risk = s.risk(ALICE)
    assert (risk.nc, risk.imr, risk.mmr) == (-131_181, 57_377, 34_427)
    gtb = s.height + 10
    s.step("BOB bids one step of BTC at $30,015", place(BOB, order(BOB, 1, BUY, STEP, usd(30_015), gtb=gtb)), OK)
    s.step(
        "ALICE sells her step IOC into it: NC -1 and no position after: refused, no fill",
        place(ALICE, order(ALICE, 1, SELL, STEP, usd(30_015), gtb=gtb, tif=IOC)),
        OK,
        ["SUB-8"],
    )
    assert s.state.subaccounts[SubaccountId(ALICE, 0)].positions[BTC].quantums == STEP
    s.step("she deposits one quantum", deposit(ALICE, sub(ALICE), 1), OK)
    s.step(
        "the same IOC sell now fills: NC 0 = IMR 0 after it, initially collateralized",
        place(ALICE, order(ALICE, 2, SELL, STEP, usd(30_015), gtb=gtb, tif=IOC)),
        OK,
        ["SUB-7"],
    )
    assert (
        SubaccountId(ALICE, 0) not in s.state.subaccounts
    )  # USDC 0 and no position: an empty subaccount is not stored
    return s


SCENARIOS = [
    deposits,
    withdrawals,
    withdraw_boundary,
    withdraw_boundary_scaled,
    transfers,
    signers,
    gating_after_outage,
    gating_negative_tnc,
    blocks,
    price_updates,
    price_moves_margin,
    still_undercollateralized,
    margin_of_one_quantum,
    funding,
    funding_recipient,
    funding_one_ppm,
    decoding,
    genesis_extremes,
    genesis_last_block,
    genesis_first_block,
    quote_exponent_boundaries,
    position_risk_roundings,
]

ORDER_SCENARIOS = [
    add_to_book_fast_path,
    add_to_book_lower_held,
    match_open_interest_crosses_cap,
    close_leaving_negative_collateral,
]
"""Scenarios of this module that place orders (the order book's own are in ``clob_scenarios``); they join the ledger suite."""


def build_ledger_documents() -> dict[str, dict]:
    """Every hand-written scenario's document, keyed by file stem."""
    documents: dict[str, dict] = {}
    for build in SCENARIOS + ORDER_SCENARIOS:
        scenario = build()
        if scenario.name in documents:
            raise AssertionError(f"two scenarios are named {scenario.name!r}")
        documents[scenario.name] = scenario.document()
    return documents


__all__ = ["ORDER_SCENARIOS", "SCENARIOS", "Scenario", "build_ledger_documents", "touched_subaccounts"]
