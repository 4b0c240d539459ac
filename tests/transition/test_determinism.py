"""
Per-rule tests of determinism (spec/transition.md, TX-6): the same genesis and messages give
the same events, errors and hashes.
"""

from __future__ import annotations

import copy
import json
import subprocess
import sys

import pytest

from helpers.commands import ENV
from helpers.paths import REPOSITORY
from perpspec.codec import state_hash
from perpspec.conformance.builders import AUTHORITY, advance_block, deposit, sub, transfer, update_prices, withdraw
from perpspec.default_genesis import default_genesis, default_genesis_json
from perpspec.genesis import load_genesis
from perpspec.simulation import genesis_with_positions
from perpspec.transition import apply_json


def test_tx_6_same_genesis_and_messages_give_the_same_hash():
    """TX-6: two fresh runs of the same messages from the same genesis agree on every hash; genesis hashes are stable."""
    assert state_hash(default_genesis()) == state_hash(default_genesis())
    assert state_hash(load_genesis(default_genesis_json())) == state_hash(default_genesis())
    genesis = genesis_with_positions(7)
    owners = sorted({s["id"]["owner"] for s in genesis["subaccounts"]["subaccounts"]})

    def run() -> list[tuple[dict, str]]:
        state = load_genesis(copy.deepcopy(genesis))
        t = state.blocks.time
        messages = [
            deposit(owners[0], sub(owners[1], 1), 1_000_000),
            deposit(owners[2], sub(owners[2]), 1),  # settles owners[2]'s funding (FUND-2)
            withdraw(owners[1], sub(owners[1]), 123_456),
            transfer(owners[2], sub(owners[2]), sub(owners[3], 5), 77),
            update_prices(
                AUTHORITY, [(0, [("a", 2_900_000_000, t), ("b", 2_950_000_000, t), ("c", 2_990_000_000, t)])]
            ),
            advance_block(AUTHORITY, 2, t + 400),
            withdraw(owners[0], sub(owners[0]), 1),  # gated now
            withdraw(owners[0], sub(owners[0]), 10**15),
            advance_block(AUTHORITY, 4, t + 401),
        ]
        trace = []
        for message in messages:
            outcome = apply_json(state, message)
            trace.append((outcome.to_json(), state_hash(state)))
        return trace

    first, second = run(), run()
    assert first == second  # the same events, errors and hashes
    assert json.dumps(first, sort_keys=True) == json.dumps(second, sort_keys=True)
    outcomes = [out for out, _ in first]
    assert "events" in outcomes[0] and "error" in outcomes[-1]
    assert first[0][1] != state_hash(load_genesis(copy.deepcopy(genesis)))


REPLAY = """
import hashlib, json, pathlib, sys
from perpspec.codec import state_hash
from perpspec.genesis import load_genesis
from perpspec.transition import apply_json
digest = hashlib.sha256()
for suite in ("ledger", "traces"):
    for path in sorted(pathlib.Path(sys.argv[1], suite).glob("*.json")):
        document = json.loads(path.read_text())
        state = load_genesis(document["genesis"])
        for step in document["steps"]:
            outcome = apply_json(state, step["message"])
            digest.update(json.dumps(outcome.to_json(), sort_keys=True).encode() + state_hash(state).encode())
print(digest.hexdigest())
"""


@pytest.mark.slow
def test_tx_6_processes_with_different_hash_seeds_agree():
    """TX-6, DET-1: every ledger and trace vector replayed in two processes with different hash seeds gives the same outcomes and hashes."""
    vectors = REPOSITORY / "conformance" / "vectors"
    digests = set()
    for seed in ("1", "4242"):
        env = {**ENV, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-c", REPLAY, str(vectors)], capture_output=True, text=True, env=env, check=True
        )
        digests.add(done.stdout.strip())
    assert len(digests) == 1, digests
