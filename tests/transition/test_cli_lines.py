"""
How `perpspec apply` reads its lines, as spec/json.md says (JSON-1, JSON-2; TX-5, GEN-2): bytes
in, each line decoded by itself, only JSON white space skipped, every other line answered once
with the state hash, and each answer flushed as it is made.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from helpers.commands import UTF8_ENV, answers_of, deposit_line, run_bytes
from helpers.paths import REPOSITORY
from perpspec.simulation import account


def test_apply_answers_a_line_that_is_not_utf8_and_the_lines_around_it():
    """JSON-1, TX-5: under a strict UTF-8 locale, invalid UTF-8 is MALFORMED_MESSAGE, not a traceback; the line before it is answered too."""
    alice = account("alice")
    answers = answers_of(run_bytes("apply", stdin=b"{}\n\xff\n" + deposit_line(alice, "5").encode() + b"\n"))
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
    lines = [deposit_line(alice, "5").encode(), b"{broken", b"\xfe", b'{"a":1,"a":2}', b"[NaN]"]
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
