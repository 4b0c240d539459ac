"""
Planted bugs: each method shown able to fail on the real code (CLAIM-3).

A planted bug is one exact text replacement in one module of the reference.  For each, the
suite copies ``reference/perpspec`` to a scratch folder, applies the replacement, and runs the
bug's command (``python -m ...``) with the scratch copy first on ``sys.path`` and the checkout
as the working folder.  The method catches the bug when the command exits 1 (a check failed);
the same command on the unchanged reference must exit 0 (the control), else the bug proves
nothing.  Each caught bug is a ``self-test`` result of its method; a bug the method misses
(exit 0) or a crash (any other code) is ``failed``; a command stopped by its time limit, or one
that exits 2 (the methods' commands say so when they ran nothing conclusive) is
``inconclusive`` (CLAIM-2).

The bugs live one module per method (``z3``, ``crosshair``, ``tla``, ``contracts``,
``hypothesis``, ``conformance``), each a list ``BUGS``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from perpspec.report import FAILED, INCONCLUSIVE, SELF_TEST, MethodResult

PACKAGE = Path(__file__).resolve().parent.parent.parent
"""The perpspec package the bugs are planted in (a copy of it, never the package itself)."""


@dataclass(frozen=True)
class PlantedBug:
    """One deliberate bug in the real code, and the command of the method that must catch it."""

    id: str
    method: str
    claims: tuple[str, ...]
    path: str
    """The module, relative to the ``perpspec`` package: ``subaccounts.py``, ``clob/fills.py``."""
    old: str
    """Text that occurs exactly once in the module."""
    new: str
    command: tuple[str, ...]
    """Arguments after ``python``: ``("-m", "perpspec.verify.z3", "--claim", "SOLV-1")``; exit 1 means caught."""
    description: str
    timeout_seconds: int = 300
    env: tuple[tuple[str, str], ...] = ()
    """Extra environment for the command (and its control): ``(("PERPSPEC_CONTRACTS", "0"),)``."""


class PlantError(ValueError):
    """A bug's text does not occur exactly once in its module: the bug list is stale."""


def plant(bug: PlantedBug, root: Path) -> Path:
    """Copy the package under ``root`` and apply the bug; return the folder to put on ``sys.path``."""
    target = root / "perpspec"
    shutil.copytree(PACKAGE, target, ignore=shutil.ignore_patterns("__pycache__"))
    module = target / bug.path
    text = module.read_text(encoding="utf-8")
    count = text.count(bug.old)
    if count != 1:
        raise PlantError(f"{bug.id}: the text to replace occurs {count} times in {bug.path}, not once")
    module.write_text(text.replace(bug.old, bug.new), encoding="utf-8")
    return root


def run_command(bug: PlantedBug, path: Path, repository: Path) -> tuple[int | None, str, int]:
    """(exit code or None on timeout, the output's tail, milliseconds) of the bug's command on ``path``."""
    env = {**os.environ, **dict(bug.env), "PYTHONPATH": str(path), "PYTHONHASHSEED": "0"}
    command, timeout = bug.command, bug.timeout_seconds
    start = time.perf_counter_ns()
    try:
        done = subprocess.run(
            [sys.executable, *command], cwd=repository, env=env, capture_output=True, text=True, timeout=timeout
        )
    except subprocess.TimeoutExpired:
        return None, "", (time.perf_counter_ns() - start) // 1_000_000
    tail = [line.strip() for line in (done.stdout + "\n" + done.stderr).splitlines() if line.strip()][-3:]
    return done.returncode, " | ".join(tail), (time.perf_counter_ns() - start) // 1_000_000


Controls = dict[tuple[tuple[str, ...], tuple[tuple[str, str], ...]], "int | None"]
"""The control run's exit code, per (command, env): each distinct command runs once unchanged."""


def run_bug(bug: PlantedBug, repository: Path, controls: Controls) -> MethodResult:
    """Plant one bug, run its method, and judge: caught (self-test), missed (failed) or undecided."""

    def result(status: str, detail: str, milliseconds: int = 0) -> MethodResult:
        extra = {"bug": bug.id, "path": bug.path, "command": list(bug.command)}
        return MethodResult(bug.claims, bug.method, f"planted: {bug.id}", status, detail, milliseconds, extra=extra)

    key = (bug.command, bug.env)
    if key not in controls:
        controls[key] = run_command(bug, PACKAGE.parent, repository)[0]
    control = controls[key]
    if control != 0:
        return result(FAILED, f"the control run (no bug planted) exited {control}, not 0: the command proves nothing")
    with tempfile.TemporaryDirectory(prefix="perpspec-planted-") as scratch:
        try:
            path = plant(bug, Path(scratch))
        except PlantError as error:
            return result(FAILED, str(error))
        code, tail, milliseconds = run_command(bug, path, repository)
    if code is None:
        return result(INCONCLUSIVE, f"{bug.description}: timed out after {bug.timeout_seconds} s", milliseconds)
    if code == 1:
        return result(SELF_TEST, f"{bug.description}: caught ({tail})", milliseconds)
    if code == 0:
        return result(FAILED, f"{bug.description}: NOT caught, the command exited 0", milliseconds)
    if code == 2:  # the methods' commands: inconclusive, or nothing conclusive ran
        return result(INCONCLUSIVE, f"{bug.description}: the command was inconclusive (exit 2): {tail}", milliseconds)
    return result(
        FAILED, f"{bug.description}: the command exited {code} (a crash is not a catch): {tail}", milliseconds
    )


def all_bugs() -> list[PlantedBug]:
    """Every planted bug of every method, in method order."""
    from perpspec.verify.planted import conformance, contracts, crosshair, hypothesis, tla, z3

    return [bug for module in (contracts, hypothesis, z3, crosshair, tla, conformance) for bug in module.BUGS]


def run_planted(repository: Path, bugs: Iterable[PlantedBug] | None = None) -> list[MethodResult]:
    """Run every planted bug (or the ones given); one result each."""
    controls: Controls = {}
    return [run_bug(bug, repository, controls) for bug in (all_bugs() if bugs is None else bugs)]
