"""
The `perpspec` command: apply, genesis and verify, with clear errors and no tracebacks (TX-1,
TX-6, GEN-1, GEN-2, META-1).  The command runs in a subprocess (helpers/commands.py).
"""

from __future__ import annotations

import json

from helpers.commands import deposit_line, run
from perpspec.simulation import account


def test_apply_reports_events_errors_and_hashes():
    """TX-1, TX-6: one answer per message line, the hash after each; a rejection keeps the hash."""
    alice = account("alice")
    lines = [deposit_line(alice, "5"), "{broken", deposit_line(alice, "0"), deposit_line(alice, "7")]
    completed = run("apply", stdin="\n".join(lines) + "\n")
    assert completed.returncode == 0 and completed.stderr == ""
    answers = [json.loads(line) for line in completed.stdout.splitlines()]
    assert len(answers) == 5
    genesis_hash = answers[0]["genesisStateHash"]
    assert answers[1]["events"][1]["usdcBalance"] == "5" and answers[1]["stateHash"] != genesis_hash
    assert answers[2]["error"]["code"] == "MALFORMED_MESSAGE"
    assert (
        answers[3]["error"]["code"] == "INVALID_TRANSFER_AMOUNT" and answers[3]["stateHash"] == answers[1]["stateHash"]
    )
    assert answers[4]["events"][1]["usdcBalance"] == "12"
    again = run("apply", stdin="\n".join(lines) + "\n")
    assert again.stdout == completed.stdout


def test_apply_with_a_bad_genesis_file_says_why(tmp_path):
    """GEN-2: an invalid genesis is refused with INVALID_GENESIS on stderr and exit code 2, no traceback."""
    path = tmp_path / "genesis.json"
    path.write_text('{"authority": "nobody"}')
    completed = run("apply", "--genesis", str(path))
    assert completed.returncode == 2
    assert "INVALID_GENESIS" in completed.stderr and "Traceback" not in completed.stderr
    missing = run("apply", "--genesis", str(tmp_path / "absent.json"))
    assert missing.returncode == 2 and "INVALID_GENESIS" in missing.stderr and "Traceback" not in missing.stderr


def test_genesis_command_prints_the_default_genesis():
    """GEN-1: `perpspec genesis` prints the embedded default markets, which `apply --genesis` accepts."""
    completed = run("genesis")
    genesis = json.loads(completed.stdout)
    assert [p["params"]["ticker"] for p in genesis["perpetuals"]["perpetuals"]] == ["BTC-USD", "ETH-USD", "SOL-USD"]


def test_verify_quick_passes_with_small_budgets():
    """META-1: `perpspec verify` runs the random runs and the rule coverage and exits 0."""
    completed = run("verify", "--seeds", "1", "--steps", "50", "--only", "random", "--only", "coverage")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert "rule coverage" in completed.stdout and "perpspec verify: 2 checked; a partial run" in completed.stdout
