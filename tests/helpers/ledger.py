"""
Ledger helpers on top of the conformance builders (``perpspec.conformance.builders``).

The builders write genesis and message JSON and read a recorded ``Scenario``; the per-rule
tests work on a ``State`` directly.  So here are: a state from a genesis, applying a message
that must be accepted (``apply_ok``) or rejected (``apply_rejected``, which also asserts that
the state hash and the canonical state bytes are unchanged, TX-2), readers of a ``State``
(the builders' ``usdc`` and ``position`` read a ``Scenario``), the next block of a state,
and the geneses several test modules share.

Expected numbers in the ledger tests are worked by hand from the default genesis (GEN-1):

  BTC-USD  price 2_868_819_524e-5, atomic resolution -10, Large-Cap (imf 20_000, mf 600_000)
           quote exponent e = -5 + -10 + 6 = -9, so notional = q * 2_868_819_524 / 1e9 (trunc)
           1 BTC = 1e10 quantums -> notional 28_688_195_240
           IMR = ceil(28_688_195_240 * 20_000 / 1e6) = ceil(573_763_904.8) = 573_763_905
           MMR = ceil(573_763_905 * 600_000 / 1e6) = ceil(344_258_343.0) = 344_258_343
  ETH-USD  price 1_811_985_252e-6, atomic resolution -9, Large-Cap; e = -6 - 9 + 6 = -9
  SOL-USD  price 2_350_695_125e-8, atomic resolution -7, Small-Cap (imf 100_000, mf 500_000,
           OI caps 20e12 / 50e12 quote quantums); e = -8 - 7 + 6 = -9
"""

from __future__ import annotations

import copy
from typing import Any

from perpspec.codec import state_hash
from perpspec.conformance.builders import (
    ALICE,
    BOB,
    BTC,
    ONE_BTC,
    advance_block,
    make_genesis,
    perpetual_json,
    subaccount_entry,
)
from perpspec.genesis import load_genesis
from perpspec.simulation import genesis_with_positions
from perpspec.state import State
from perpspec.transition import Outcome, apply_json, full_state_bytes
from perpspec.types import SubaccountId

ONE_ETH = 10**9
"""1 ETH in base quantums (atomic resolution -9); 1 BTC is the builders' ``ONE_BTC``."""
ONE_SOL = 10**7
"""1 SOL in base quantums (atomic resolution -7)."""

# Hand-worked BTC numbers (see the module docstring).
BTC_NOTIONAL_1 = 28_688_195_240
BTC_IMR_1 = 573_763_905
BTC_MMR_1 = 344_258_343


def sid(owner: str, number: int = 0) -> SubaccountId:
    """A subaccount id as the state keys it (the builders' ``sub`` is its message JSON)."""
    return SubaccountId(owner, number)


def make_state(genesis: dict | None = None) -> State:
    """The state of ``genesis`` (a copy of it is decoded), or of the builders' default ``make_genesis()``."""
    return load_genesis(copy.deepcopy(genesis if genesis is not None else make_genesis()))


def state_with_positions(seed: int) -> State:
    """The state of ``perpspec.simulation.genesis_with_positions(seed)``: seeded subaccounts holding positions."""
    return load_genesis(genesis_with_positions(seed))


def next_block(state: State, seconds: int = 1) -> dict:
    """The authority's next block, ``seconds`` after the state's (the builders' ``Scenario.next_block`` for a state)."""
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


# --- reading a state ----------------------------------------------------------------------


def usdc(state: State, owner: str, number: int = 0) -> int:
    """A subaccount's USDC balance, 0 if it is absent (the builders' ``usdc`` for a state)."""
    stored = state.subaccounts.subaccounts.get(SubaccountId(owner, number))
    return 0 if stored is None else stored.usdc_balance


def position(state: State, owner: str, perpetual_id: int = 0, number: int = 0) -> int:
    """A subaccount's position size in base quantums, 0 if it holds none (the builders' ``position`` for a state)."""
    stored = state.subaccounts.subaccounts.get(SubaccountId(owner, number))
    if stored is None or perpetual_id not in stored.positions:
        return 0
    return stored.positions[perpetual_id].quantums


# --- geneses ------------------------------------------------------------------------------


def one_btc_pair_genesis(long_usdc: int = 1_000_000_000, short_usdc: int = 30_000_000_000, **top) -> dict:
    """ALICE long 1 BTC, BOB short 1 BTC."""
    return make_genesis(
        [
            subaccount_entry(ALICE, 0, long_usdc, [(BTC, ONE_BTC)]),
            subaccount_entry(BOB, 0, short_usdc, [(BTC, -ONE_BTC)]),
        ],
        **top,
    )


def funding_genesis() -> dict:
    """BTC funding index 1_234_567; ALICE long / BOB short 10_000_001 quantums settled at 1_000_000."""
    genesis = make_genesis(
        [
            subaccount_entry(ALICE, 0, 10_000_000_000, [(BTC, 10_000_001, 1_000_000)]),
            subaccount_entry(BOB, 0, 10_000_000_000, [(BTC, -10_000_001, 1_000_000)]),
        ]
    )
    perpetual_json(genesis, BTC)["fundingIndex"] = "1234567"
    return genesis
