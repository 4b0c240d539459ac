"""
``perpspec verify``: the auditors' and CI's one command.

For now it runs what exists: contract-checked random runs of the ledger from the
embedded default markets, the canonical round trip, and the rule-coverage check;
it prints a summary table and exits non-zero on any failure.  Later checks (Z3,
CrossHair, TLC, conformance) join this table.
"""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from perpspec import contracts
from perpspec.rules import compute_coverage, find_repository
from perpspec.simulation import run_random


@dataclass
class CheckResult:
    name: str
    rules: str
    passed: bool
    detail: str
    milliseconds: int


def _elapsed_ms(start_ns: int) -> int:
    return (time.perf_counter_ns() - start_ns) // 1_000_000


def check_random_runs(seeds: int, steps: int) -> CheckResult:
    start = time.perf_counter_ns()
    total_steps = accepted = 0
    codes: dict[str, int] = {}
    for seed in range(seeds):
        report = run_random(seed, steps)
        total_steps += report.steps
        accepted += report.accepted
        for code, count in report.error_codes.items():
            codes[code] = codes.get(code, 0) + count
        if report.violations:
            return CheckResult(
                "random runs (contracts on)",
                "INV-1..6, TX-2",
                False,
                f"seed {seed}: {report.violations[0]}",
                _elapsed_ms(start),
            )
    seen = ", ".join(f"{code} {count}" for code, count in sorted(codes.items()))
    detail = f"{seeds} seeds x {steps} steps = {total_steps} messages, {accepted} accepted; rejected: {seen}"
    return CheckResult("random runs (contracts on)", "INV-1..6, TX-2", True, detail, _elapsed_ms(start))


def check_rule_coverage(repository: Path | None) -> CheckResult:
    start = time.perf_counter_ns()
    if repository is None:
        return CheckResult(
            "rule coverage", "META-1", False, "no checkout found (run from the repository, or pass --repo)", 0
        )
    coverage = compute_coverage(repository)
    problems = [] if coverage.rules else ["spec/ defines no rules"]
    if coverage.missing_code():
        problems.append("no code for " + ", ".join(coverage.missing_code()))
    if coverage.missing_tests():
        problems.append("no test for " + ", ".join(coverage.missing_tests()))
    if coverage.dangling:
        problems.append("undefined ids cited: " + ", ".join(sorted(coverage.dangling)))
    detail = "; ".join(problems) or f"{len(coverage.rules)} rules, each with code and a test"
    return CheckResult("rule coverage", "META-1", not problems, detail, _elapsed_ms(start))


def print_table(results: list[CheckResult], out=sys.stdout) -> None:
    headers = ("check", "rules", "result", "time", "detail")
    rows = [(r.name, r.rules, "PASS" if r.passed else "FAIL", f"{r.milliseconds // 1000}.{r.milliseconds % 1000 // 100}s", r.detail) for r in results]
    widths = [max(len(h), *(len(row[i]) for row in rows)) for i, h in enumerate(headers[:-1])]
    line = "  ".join(h.ljust(w) for h, w in zip(headers[:-1], widths)) + "  " + headers[-1]
    print(line, file=out)
    print("-" * len(line), file=out)
    for row in rows:
        print("  ".join(c.ljust(w) for c, w in zip(row[:-1], widths)) + "  " + row[-1], file=out)


def run_verify(quick: bool, seeds: int | None, steps: int | None, repository: Path | None) -> int:
    """Run every check, print the table, and return the process exit code."""
    if not contracts.ENABLED:
        print("perpspec verify: contracts are off (PERPSPEC_CONTRACTS); verify needs them on", file=sys.stderr)
        return 2
    seeds = seeds if seeds is not None else (4 if quick else 20)
    steps = steps if steps is not None else (600 if quick else 3_000)
    repository = repository or find_repository()
    checks: list[tuple[str, Callable[[], CheckResult]]] = [
        ("random runs", lambda: check_random_runs(seeds, steps)),
        ("rule coverage", lambda: check_rule_coverage(repository)),
    ]
    results = []
    for name, check in checks:
        print(f"running {name} ...", file=sys.stderr, flush=True)
        results.append(check())
    print_table(results)
    failed = [r for r in results if not r.passed]
    print(f"\nperpspec verify: {len(results) - len(failed)} checks passed, {len(failed)} failed")
    return 1 if failed else 0
