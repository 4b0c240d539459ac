"""
Running the ``perpspec`` command in a subprocess, on this checkout's reference (TX-1, JSON-1):
with text or with raw bytes on stdin (under a strict UTF-8 locale), and reading its answers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from helpers.paths import REFERENCE, REPOSITORY
from perpspec.conformance.builders import deposit, sub

ENV = {**os.environ, "PYTHONPATH": str(REFERENCE)}
UTF8_ENV = {**ENV, "PYTHONIOENCODING": "utf-8", "LC_ALL": "C.UTF-8"}


def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess:
    """``perpspec ARGS`` with text on stdin."""
    return subprocess.run(
        [sys.executable, "-m", "perpspec", *args], input=stdin, capture_output=True, text=True, env=ENV, cwd=REPOSITORY
    )


def run_bytes(*args: str, stdin: bytes) -> subprocess.CompletedProcess:
    """The command with raw bytes on stdin, under a strict UTF-8 locale."""
    return subprocess.run(
        [sys.executable, "-m", "perpspec", *args], input=stdin, capture_output=True, env=UTF8_ENV, cwd=REPOSITORY
    )


def answers_of(completed: subprocess.CompletedProcess) -> list[dict]:
    """The JSON answers of a bytes run, checking that it exited 0 with nothing on stderr."""
    assert completed.returncode == 0 and completed.stderr == b"", completed.stderr.decode(errors="replace")
    return [json.loads(line) for line in completed.stdout.decode("ascii").splitlines()]


def deposit_line(owner: str, quantums: str) -> str:
    """A deposit of ``owner`` into its subaccount 0 as one JSON line (``builders.deposit``)."""
    return json.dumps(deposit(owner, sub(owner, 0), quantums))
