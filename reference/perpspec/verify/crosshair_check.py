"""
CrossHair over the contracted pure functions (spec/claims.md, CLAIM-1).

Runs ``crosshair check --analysis_kind=icontract --report_all
--per_condition_timeout=S`` as a subprocess, with ``PERPSPEC_CONTRACTS`` on, once
per contracted function of ``perpspec.verify.contracted`` (functions run in
parallel, one per CPU), and parses its report into one record per postcondition:

- ``confirmed``: "Confirmed over all paths." -- CrossHair explored every path;
- ``counterexample``: "error: false when calling f(...)" or an exception -- a failure;
- ``timeout``: "Not confirmed." -- no counterexample within S seconds, not exhaustive
  either; recorded in ``detail`` and ``extra``, not a failure.

A postcondition's description starts with the claim it checks (``CONV-1: ...``); the
record is tagged with that claim.  CrossHair names a condition by the line of its
lambda, which this module maps back to the function and description by parsing the
target module's source.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import os
import re
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from perpspec.report import FAILED, INCONCLUSIVE, PROVED, SELF_TEST, MethodResult

TARGET_MODULE = "perpspec.verify.contracted"
MUTANT_MODULE = "perpspec.verify.contracted_mutants"

PER_CONDITION_TIMEOUT_S = {True: 2.0, False: 30.0}
"""CrossHair's --per_condition_timeout: quick mode, full mode."""

FUNCTION_TIMEOUT_S = {
    "perpetual_margin_requirements_btc_long": 30.0,
    "perpetual_margin_requirements_btc_short": 30.0,
    "perpetual_margin_requirements_e0": 6.0,
}
"""Longer per-condition budgets for the functions that need them (quick mode; full mode's is longer anyway)."""

REPORT_LINE = re.compile(r"^(?P<path>.+?):(?P<line>\d+): (?P<level>info|error|warning): (?P<message>.*)$")
CLAIM_PREFIX = re.compile(r"^([A-Z]+-[0-9]+):")


@dataclass(frozen=True)
class Condition:
    """One icontract condition of a target function, as written in the source."""

    function: str
    kind: str  # "ensure" or "require"
    line: int  # the line of its lambda: CrossHair reports this line
    description: str

    @property
    def claim(self) -> str | None:
        match = CLAIM_PREFIX.match(self.description)
        return match.group(1) if match else None


@dataclass
class ConditionRecord:
    """What CrossHair said about one postcondition."""

    condition: Condition
    status: str  # confirmed / counterexample / timeout / unreported / error
    message: str
    function_ms: int


def _module_file(module: str) -> Path:
    return Path(importlib.import_module(module).__file__)  # type: ignore[arg-type]


def _reference_dir() -> Path:
    import perpspec

    return Path(perpspec.__file__).resolve().parent.parent


def read_conditions(module: str) -> dict[str, list[Condition]]:
    """Every top-level function with icontract conditions, and its conditions, from the source."""
    tree = ast.parse(_module_file(module).read_text(encoding="utf-8"))
    functions: dict[str, list[Condition]] = {}
    for node in tree.body:
        if not isinstance(node, ast.FunctionDef):
            continue
        conditions = []
        for decorator in node.decorator_list:
            if not (isinstance(decorator, ast.Call) and isinstance(decorator.func, ast.Attribute)):
                continue
            if decorator.func.attr not in ("ensure", "require") or not decorator.args:
                continue
            description = ""
            if len(decorator.args) > 1 and isinstance(decorator.args[1], ast.Constant):
                description = str(decorator.args[1].value)
            for keyword in decorator.keywords:
                if keyword.arg == "description" and isinstance(keyword.value, ast.Constant):
                    description = str(keyword.value.value)
            conditions.append(Condition(node.name, decorator.func.attr, decorator.args[0].lineno, description))
        if conditions:
            functions[node.name] = conditions
    return functions


def parse_report(output: str, conditions: list[Condition], function_ms: int) -> list[ConditionRecord]:
    """CrossHair's report for one function, as one record per postcondition (and any stray error)."""
    by_line = {c.line: c for c in conditions}
    records: dict[Condition, ConditionRecord] = {}
    stray: list[ConditionRecord] = []
    for raw in output.splitlines():
        match = REPORT_LINE.match(raw.strip())
        if not match:
            continue
        message = match.group("message").strip()
        level = match.group("level")
        if message.startswith("Confirmed over all paths"):
            status = "confirmed"
        elif message.startswith("Not confirmed"):
            status = "timeout"
        elif level == "error":
            status = "counterexample"
        else:
            continue
        condition = by_line.get(int(match.group("line")))
        if condition is None:
            # an error raised elsewhere (inside a called function): charge it to the function
            function = conditions[0].function if conditions else "?"
            condition = Condition(function, "body", int(match.group("line")), f"raised in {match.group('path')}")
            stray.append(ConditionRecord(condition, status, message, function_ms))
            continue
        previous = records.get(condition)
        if previous is None or previous.status != "counterexample":
            records[condition] = ConditionRecord(condition, status, message, function_ms)
    for condition in conditions:
        if condition.kind == "ensure" and condition not in records:
            records[condition] = ConditionRecord(condition, "unreported", "CrossHair said nothing", function_ms)
    ordered = [records[c] for c in conditions if c in records]
    return ordered + stray


def _environment() -> dict[str, str]:
    environment = dict(os.environ)
    reference = str(_reference_dir())
    existing = environment.get("PYTHONPATH")
    environment["PYTHONPATH"] = reference + (os.pathsep + existing if existing else "")
    environment["PERPSPEC_CONTRACTS"] = "on"
    return environment


def check_function(
    module: str, function: str, conditions: list[Condition], per_condition_timeout: float
) -> list[ConditionRecord]:
    """Run CrossHair on one function in a subprocess, and parse its report."""
    command = [
        sys.executable,
        "-m",
        "crosshair",
        "check",
        "--analysis_kind=icontract",
        "--report_all",
        f"--per_condition_timeout={per_condition_timeout:g}",
        f"{module}.{function}",
    ]
    ensures = sum(1 for c in conditions if c.kind == "ensure")
    limit = 120 + 4 * per_condition_timeout * max(1, ensures)
    start = time.perf_counter()
    try:
        completed = subprocess.run(command, capture_output=True, text=True, env=_environment(), timeout=limit)
    except subprocess.TimeoutExpired:
        elapsed = int((time.perf_counter() - start) * 1000)
        return [
            ConditionRecord(c, "timeout", f"crosshair process killed after {limit:g} s", elapsed)
            for c in conditions
            if c.kind == "ensure"
        ]
    elapsed = int((time.perf_counter() - start) * 1000)
    records = parse_report(completed.stdout + "\n" + completed.stderr, conditions, elapsed)
    if completed.returncode not in (0, 1) and not any(r.status == "counterexample" for r in records):
        tail = (completed.stderr or completed.stdout).strip().splitlines()[-1:] or ["no output"]
        records = [
            ConditionRecord(r.condition, "error", f"crosshair exited {completed.returncode}: {tail[0]}", elapsed)
            if r.status == "unreported"
            else r
            for r in records
        ]
    return records


def _to_result(record: ConditionRecord, per_condition_timeout: float) -> MethodResult:
    condition = record.condition
    claim = condition.claim
    details = {
        "confirmed": "confirmed over all paths",
        "timeout": f"not confirmed: no counterexample within {per_condition_timeout:g} s per condition (timed out)",
        "counterexample": "counterexample",
        "unreported": "unknown: CrossHair reported nothing for this condition",
        "error": "error",
    }
    status = {"confirmed": PROVED, "counterexample": FAILED, "error": FAILED}.get(record.status, INCONCLUSIVE)
    return MethodResult(
        claims=(claim,) if claim else (),
        method="crosshair",
        check=f"{condition.function}: {condition.description}",
        status=status,
        detail=details[record.status] + ("" if record.status in ("confirmed", "timeout") else f": {record.message}"),
        milliseconds=record.function_ms,
        counterexample=record.message if record.status == "counterexample" else None,
        extra={
            "status": record.status,
            "function": condition.function,
            "line": condition.line,
            "message": record.message,
            "per_condition_timeout_s": per_condition_timeout,
            "function_ms": record.function_ms,
        },
    )


def run_crosshair_module(
    module: str,
    per_condition_timeout: float,
    functions: list[str] | None = None,
    workers: int | None = None,
) -> list[MethodResult]:
    """CrossHair on every contracted function of ``module`` (or the ones named), one result per postcondition."""
    targets = read_conditions(module)
    names = [name for name in targets if functions is None or name in functions]
    # the slowest first, so the pool does not end waiting on one long function
    names.sort(key=lambda name: -FUNCTION_TIMEOUT_S.get(name, 0.0))
    budgets = {name: max(per_condition_timeout, FUNCTION_TIMEOUT_S.get(name, 0.0)) for name in names}
    workers = workers or max(1, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool:
        batches = list(pool.map(lambda name: check_function(module, name, targets[name], budgets[name]), names))
    return [_to_result(record, budgets[name]) for name, batch in zip(names, batches, strict=True) for record in batch]


def run_crosshair(
    quick: bool, per_condition_timeout: float | None = None, functions: list[str] | None = None
) -> list[MethodResult]:
    """CrossHair over ``perpspec.verify.contracted`` (or the functions named): confirmed is proved, a counterexample fails, a timeout is inconclusive."""
    timeout = per_condition_timeout if per_condition_timeout is not None else PER_CONDITION_TIMEOUT_S[quick]
    return run_crosshair_module(TARGET_MODULE, timeout, functions)


def crosshair_mutation_sanity(per_condition_timeout: float = 5.0) -> list[MethodResult]:
    """CrossHair on deliberately wrong contracts: a counterexample is the self-test passing (CLAIM-2)."""
    results = run_crosshair_module(MUTANT_MODULE, per_condition_timeout)
    statuses = {"counterexample": SELF_TEST, "confirmed": FAILED, "error": FAILED}
    return [replace(r, status=statuses.get(r.extra["status"], INCONCLUSIVE)) for r in results]


def summarize(results: list[MethodResult]) -> dict[str, int]:
    """How many conditions CrossHair confirmed, timed out on, or refuted."""
    counts: dict[str, int] = {}
    for result in results:
        status = result.extra.get("status", "?")
        counts[status] = counts.get(status, 0) + 1
    return counts


def main(argv: list[str] | None = None) -> int:
    """
    ``python -m perpspec.verify.crosshair_check [--full] [--function NAME ...]``: one line per condition.

    ``--function`` (repeatable) checks only the named contracted functions, for a planted
    bug's short command (CLAIM-3).  Exit 1 when a condition failed (a counterexample or an
    error), else 2 when one was inconclusive or no function was selected, else 0: a timeout
    is never a catch, nor a pass (CLAIM-2).
    """
    parser = argparse.ArgumentParser(prog="python -m perpspec.verify.crosshair_check")
    parser.add_argument("--full", action="store_true", help="full mode's per-condition timeout")
    parser.add_argument("--function", action="append", help="only this contracted function (repeatable)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    quick = not args.full
    start = time.perf_counter()
    results = run_crosshair(quick, functions=args.function)
    if not results:
        print("no contracted function matches")
        return 2
    for result in results:
        print(f"{result.extra['status']:<14} {result.milliseconds / 1000:6.1f}s  {result.check}")
        if result.counterexample:
            print(f"{'':22}{result.counterexample}")
    print(f"{summarize(results)} in {time.perf_counter() - start:.1f} s ({'quick' if quick else 'full'})")
    if any(r.status == FAILED for r in results):
        return 1
    return 0 if all(r.status == PROVED for r in results) else 2


if __name__ == "__main__":
    sys.exit(main())
