"""
Seeded random runs of the ledger: a genesis with open positions and a stream of messages.

Used by ``perpspec verify`` (contract-checked random runs) and by the tests.  The
messages are a mix of valid and invalid ones on purpose: rejections must leave the
state unchanged (TX-2), and acceptances must keep every invariant (INV-*).
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass, field
from typing import Any

import icontract

from perpspec.bech32 import encode_address
from perpspec.codec import decode_state, encode_state
from perpspec.contracts import check_state_invariants
from perpspec.default_genesis import default_genesis_json
from perpspec.messages import ADVANCE_BLOCK_TYPE, DEPOSIT_TYPE, TRANSFER_TYPE, UPDATE_PRICES_TYPE, WITHDRAW_TYPE
from perpspec.state import State
from perpspec.transition import apply_json, full_state_bytes


def account(name: str) -> str:
    """A deterministic, valid dydx address for a named test account."""
    return encode_address(hashlib.sha256(name.encode()).digest()[:20])


def subaccount_json(owner: str, number: int) -> dict:
    return {"owner": owner, "number": number}


def genesis_with_positions(seed: int, accounts: int = 6) -> dict:
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
    prices = {int(p["id"]): int(p["price"]) for p in genesis["marketPrices"]}
    subaccounts: dict[tuple[str, int], dict] = {}
    for owner in owners:
        subaccounts[(owner, 0)] = {"usdc": rng.randrange(1_000_000_000, 50_000_000_000), "positions": {}}
    for perpetual in genesis["perpetuals"]:
        pid = perpetual["params"]["id"]
        resolution = perpetual["params"]["atomicResolution"]
        exponent = next(m["exponent"] for m in genesis["marketPrices"] if m["id"] == pid)
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
    for perpetual in genesis["perpetuals"]:
        perpetual["fundingIndex"] = str(rng.randrange(-10**7, 10**7))
    genesis["subaccounts"] = [
        {
            "id": subaccount_json(owner, number),
            "assetPositions": [{"assetId": 0, "quantums": str(data["usdc"])}],
            "perpetualPositions": [
                {"perpetualId": pid, "quantums": str(q), "fundingIndex": str(rng.randrange(-10**7, 10**7))}
                for pid, q in sorted(data["positions"].items())
                if q != 0
            ],
        }
        for (owner, number), data in sorted(subaccounts.items())
    ]
    for perpetual in genesis["perpetuals"]:
        del perpetual["openInterest"]
    return genesis


@dataclass
class MessageGenerator:
    """Random messages over a fixed set of accounts, valid and invalid alike."""

    rng: random.Random
    state: State
    owners: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.owners = sorted({sid.owner for sid in self.state.subaccounts}) + [account("newcomer")]

    def _subaccount(self) -> dict:
        return subaccount_json(self.rng.choice(self.owners), self.rng.choice([0, 0, 0, 1, 127]))

    def _amount(self) -> str:
        return str(self.rng.choice([1, 10**6, 10**8, 10**9, 10**10, 5 * 10**10, self.rng.randrange(1, 10**11)]))

    def _signer(self, owner: str) -> str:
        return owner if self.rng.randrange(10) < 9 else self.rng.choice(self.owners)

    def next_message(self) -> dict[str, Any]:
        kind = self.rng.choices(["deposit", "withdraw", "transfer", "prices", "block"], [3, 3, 3, 2, 2])[0]
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
            "height": self.state.block_height + (1 if self.rng.randrange(20) else 2),
            "time": str(self.state.block_time + step),
        }

    def _price_update(self) -> dict:
        updates = []
        for market_id in self.rng.sample(sorted(self.state.market_prices), self.rng.randrange(1, 4)):
            current = self.state.market_prices[market_id].price
            sources = []
            for i in range(self.rng.randrange(1, 6)):
                move_ppm = self.rng.randrange(-150_000, 150_001)
                price = max(1, current + current * move_ppm // 1_000_000)
                if self.rng.randrange(10) == 0:
                    price = self.rng.randrange(1, 2 * current + 2)  # a wrong source
                age = self.rng.choice([0, 1, 5, 29, 30, 31, 120])
                sources.append(
                    {"source": f"exchange-{i}", "price": str(price), "timestamp": str(self.state.block_time - age)}
                )
            updates.append({"marketId": market_id, "sourcePrices": sources})
        return {"@type": UPDATE_PRICES_TYPE, "signer": self.state.authority, "marketUpdates": updates}


@dataclass
class RunReport:
    steps: int = 0
    accepted: int = 0
    rejected: int = 0
    error_codes: dict[str, int] = field(default_factory=dict)
    violations: list[str] = field(default_factory=list)


def run_random(seed: int, steps: int, check_every: int = 1) -> RunReport:
    """
    Apply ``steps`` random messages from a seeded genesis, checking after each step that
    rejections left the state unchanged (TX-2) and, every ``check_every`` steps, that
    every state invariant holds (INV-1..6).  Contracts run inside the transitions when on.
    """
    rng = random.Random(seed)
    state = decode_state(genesis_with_positions(seed))
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
        else:
            report.rejected += 1
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
    return decode_state(encode_state(state)) == state
