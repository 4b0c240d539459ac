"""
The `perpspec` command: apply, genesis and verify, with clear errors and no tracebacks (TX-1, TX-5, TX-6, GEN-2).

`perpspec apply` reads its lines as spec/json.md says (JSON-1, JSON-2): bytes in, each line
decoded by itself, only JSON white space skipped, every other line answered once with the
state hash, and each answer flushed as it is made.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from perpspec.simulation import account

REPOSITORY = Path(__file__).resolve().parent.parent
ENV = {**os.environ, "PYTHONPATH": str(REPOSITORY / "reference")}
UTF8_ENV = {**ENV, "PYTHONIOENCODING": "utf-8", "LC_ALL": "C.UTF-8"}


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "perpspec", *args], input=stdin, capture_output=True, text=True, env=ENV, cwd=REPOSITORY
    )


def run_bytes(*args: str, stdin: bytes) -> subprocess.CompletedProcess:
    """The command with raw bytes on stdin, under a strict UTF-8 locale."""
    return subprocess.run(
        [sys.executable, "-m", "perpspec", *args], input=stdin, capture_output=True, env=UTF8_ENV, cwd=REPOSITORY
    )


def answers_of(completed: subprocess.CompletedProcess) -> list[dict]:
    assert completed.returncode == 0 and completed.stderr == b"", completed.stderr.decode(errors="replace")
    return [json.loads(line) for line in completed.stdout.decode("ascii").splitlines()]


def deposit(owner: str, quantums: str) -> str:
    return json.dumps(
        {
            "@type": "/dydxprotocol.sending.MsgDepositToSubaccount",
            "signer": owner,
            "sender": owner,
            "recipient": {"owner": owner, "number": 0},
            "assetId": 0,
            "quantums": quantums,
        }
    )


def test_apply_reports_events_errors_and_hashes():
    """TX-1, TX-6: one answer per message line, the hash after each; a rejection keeps the hash."""
    alice = account("alice")
    lines = [deposit(alice, "5"), "{broken", deposit(alice, "0"), deposit(alice, "7")]
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
    assert "rule coverage" in completed.stdout and "0 failed" in completed.stdout


# --- lines (JSON-1, JSON-2, TX-5) --------------------------------------------------------------


def test_apply_answers_a_line_that_is_not_utf8_and_the_lines_around_it():
    """JSON-1, TX-5: under a strict UTF-8 locale, invalid UTF-8 is MALFORMED_MESSAGE, not a traceback; the line before it is answered too."""
    alice = account("alice")
    answers = answers_of(run_bytes("apply", stdin=b"{}\n\xff\n" + deposit(alice, "5").encode() + b"\n"))
    assert len(answers) == 4  # the genesis hash, then one answer per line
    assert answers[1]["error"]["code"] == "UNKNOWN_MESSAGE_TYPE"
    assert answers[2]["error"]["code"] == "MALFORMED_MESSAGE" and "not UTF-8" in answers[2]["error"]["message"]
    assert answers[3]["events"][1]["usdcBalance"] == "5"


def test_apply_skips_only_json_white_space_lines():
    """JSON-1: a line of form feed, NEL, no-break space or U+2028 gets an answer; empty lines and space, tab, CR do not."""
    lines = [b"\x0c", b"", b" \t\r", "\x85".encode(), "\xa0".encode(), "\u2028".encode(), b"{}", b"\r"]
    answers = answers_of(run_bytes("apply", stdin=b"\n".join(lines) + b"\n"))
    codes = [a["error"]["code"] for a in answers[1:]]
    assert codes == ["MALFORMED_MESSAGE"] * 4 + ["UNKNOWN_MESSAGE_TYPE"]


def test_every_apply_answer_carries_the_state_hash():
    """TX-5: a line that is not JSON is answered with the stateHash every other answer carries (unchanged by it)."""
    alice = account("alice")
    lines = [deposit(alice, "5").encode(), b"{broken", b"\xfe", b'{"a":1,"a":2}', b"[NaN]"]
    answers = answers_of(run_bytes("apply", stdin=b"\n".join(lines) + b"\n"))
    assert all("stateHash" in answer for answer in answers[1:])
    assert {answer["stateHash"] for answer in answers[2:]} == {answers[1]["stateHash"]}
    assert [answer["error"]["code"] for answer in answers[2:]] == ["MALFORMED_MESSAGE"] * 4


@pytest.mark.parametrize(
    "line",
    [
        b'{"@type":"/dydxprotocol.sending.MsgDepositToSubaccount","@type":"x"}',
        b'{"@type":"/perpspec.blocks.MsgAdvanceBlock","signer":NaN}',
        b'{"x":' + b"7" * 5000 + b"}",
        b"[" * 3000 + b"]" * 3000,
        b'{"signer":"\\ud800"}',
        b'\xef\xbb\xbf{"@type":"x"}',
    ],
)
def test_apply_refuses_what_strict_json_refuses(line):
    """JSON-2, TX-5: a key twice, NaN, a 5,000-digit integer, deep nesting, an unpaired surrogate, a BOM: MALFORMED_MESSAGE, cleanly."""
    answers = answers_of(run_bytes("apply", stdin=line + b"\n"))
    assert len(answers) == 2 and answers[1]["error"]["code"] == "MALFORMED_MESSAGE"
    assert "stateHash" in answers[1]


def test_apply_flushes_each_answer_as_it_is_made():
    """JSON-1: the answer to a line comes while stdin is still open, so a driver can send a line and wait for its answer."""
    process = subprocess.Popen(
        [sys.executable, "-m", "perpspec", "apply"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=UTF8_ENV,
        cwd=REPOSITORY,
    )
    try:
        assert "genesisStateHash" in json.loads(process.stdout.readline())
        process.stdin.write(b"\xff\n")
        process.stdin.flush()
        assert json.loads(process.stdout.readline())["error"]["code"] == "MALFORMED_MESSAGE"
        process.stdin.write(b"\x0c\n")
        process.stdin.flush()
        assert json.loads(process.stdout.readline())["error"]["code"] == "MALFORMED_MESSAGE"
    finally:
        process.stdin.close()
        process.wait(timeout=30)
        process.stdout.close()
        process.stderr.close()
    assert process.returncode == 0


@pytest.mark.parametrize(
    "content, why",
    [(b"\xff{}", "not UTF-8"), (b'{"authority": 1, "authority": 2}', "twice"), (b"[" * 3000, "nested")],
)
def test_a_genesis_file_is_read_strictly(tmp_path, content, why):
    """JSON-2, GEN-2: a genesis file that is not UTF-8 or not strict JSON is INVALID_GENESIS with exit status 2, no traceback."""
    path = tmp_path / "genesis.json"
    path.write_bytes(content)
    completed = run_bytes("apply", "--genesis", str(path), stdin=b"")
    stderr = completed.stderr.decode()
    assert completed.returncode == 2 and "INVALID_GENESIS" in stderr and why in stderr and "Traceback" not in stderr
