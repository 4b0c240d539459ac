"""
Shared helpers for the ledger tests (test_rules_ledger.py, test_stateful_ledger.py).

Builds genesis documents on top of ``default_genesis_json()``, builds message JSON in
the v4 camelCase shapes, and applies messages asserting the outcome.  A rejection is
always checked to leave the whole state byte-for-byte unchanged (TX-2).
"""

from __future__ import annotations

import copy
import os
import sys
from collections.abc import Iterable
from typing import Any

_REFERENCE = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "reference")
try:  # the tests are normally run with PYTHONPATH=reference; fall back to this checkout's copy
    import perpspec
except ImportError:
    sys.path.insert(0, _REFERENCE)

from perpspec.codec import state_hash  # noqa: E402
from perpspec.conformance.builders import (  # noqa: E402
    ALICE,
    AUTHORITY,
    BOB,
    BTC,
    CAROL,
    DAVE,
    ETH,
    MALLORY,
    SOL,
    make_genesis,
    market_price_json,
    perpetual_json,
    subaccount_entry,
    update_prices,
)
from perpspec.default_genesis import GENESIS_TIME, GOVERNANCE_AUTHORITY, default_genesis_json  # noqa: E402
from perpspec.genesis import load_genesis  # noqa: E402
from perpspec.messages import (  # noqa: E402
    ADVANCE_BLOCK_TYPE,
    DEPOSIT_TYPE,
    TRANSFER_TYPE,
    WITHDRAW_TYPE,
)
from perpspec.simulation import account  # noqa: E402
from perpspec.state import State  # noqa: E402
from perpspec.transition import Outcome, apply_json, full_state_bytes  # noqa: E402
from perpspec.types import SubaccountId  # noqa: E402

# Accounts and perpetual ids (BTC, ETH, SOL = 0, 1, 5) are the conformance builders' own.
ONE_BTC = 10**10  # atomic resolution -10
ONE_ETH = 10**9  # atomic resolution -9
ONE_SOL = 10**7  # atomic resolution -7


def sub(owner: str, number: int = 0) -> dict:
    """A subaccount id as message JSON."""
    return {"owner": owner, "number": number}


def sid(owner: str, number: int = 0) -> SubaccountId:
    return SubaccountId(owner, number)


def make_state(genesis: dict | None = None) -> State:
    return load_genesis(copy.deepcopy(genesis if genesis is not None else make_genesis()))


# --- messages ---------------------------------------------------------------------------


def deposit(signer: str, recipient: dict, quantums: Any, sender: str | None = None) -> dict:
    return {
        "@type": DEPOSIT_TYPE,
        "signer": signer,
        "sender": signer if sender is None else sender,
        "recipient": recipient,
        "assetId": 0,
        "quantums": str(quantums) if isinstance(quantums, int) else quantums,
    }


def withdraw(signer: str, sender: dict, quantums: Any, recipient: str | None = None) -> dict:
    return {
        "@type": WITHDRAW_TYPE,
        "signer": signer,
        "sender": sender,
        "recipient": sender["owner"] if recipient is None else recipient,
        "assetId": 0,
        "quantums": str(quantums) if isinstance(quantums, int) else quantums,
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


def advance_block(signer: str, height: int, time: int) -> dict:
    return {"@type": ADVANCE_BLOCK_TYPE, "signer": signer, "height": height, "time": str(time)}


def next_block(state: State, seconds: int = 1) -> dict:
    return advance_block(state.authority, state.blocks.height + 1, state.blocks.time + seconds)


# --- applying ---------------------------------------------------------------------------


def apply_ok(state: State, message: Any) -> list[dict]:
    """Apply a message that must be accepted; its events."""
    outcome = apply_json(state, message)
    assert outcome.accepted, f"expected acceptance, got {outcome.error.code}: {outcome.error.message}"
    return outcome.events


def apply_rejected(state: State, message: Any, code: str) -> Outcome:
    """Apply a message that must be rejected with ``code``, leaving the state unchanged (TX-2)."""
    before_bytes = full_state_bytes(state)
    before_hash = state_hash(state)
    outcome = apply_json(state, message)
    assert not outcome.accepted, f"expected {code}, but the message was accepted: {outcome.events}"
    assert outcome.error.code == code, f"expected {code}, got {outcome.error.code}: {outcome.error.message}"
    assert state_hash(state) == before_hash, "TX-2: a rejected message changed the state hash"
    assert full_state_bytes(state) == before_bytes
    return outcome


def usdc(state: State, owner: str, number: int = 0) -> int:
    stored = state.subaccounts.subaccounts.get(SubaccountId(owner, number))
    return 0 if stored is None else stored.usdc_balance


__all__ = [
    "ALICE",
    "AUTHORITY",
    "BOB",
    "BTC",
    "CAROL",
    "DAVE",
    "ETH",
    "GENESIS_TIME",
    "MALLORY",
    "ONE_BTC",
    "ONE_ETH",
    "ONE_SOL",
    "SOL",
    "advance_block",
    "apply_ok",
    "apply_rejected",
    "deposit",
    "make_genesis",
    "make_state",
    "market_price_json",
    "next_block",
    "perpetual_json",
    "sid",
    "sub",
    "subaccount_entry",
    "transfer",
    "update_prices",
    "usdc",
    "withdraw",
]
