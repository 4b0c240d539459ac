"""
``perpspec verify``: the auditors' and CI's one command (spec/claims.md, CLAIM-1).

It runs every method — contract-checked random runs, hypothesis, Z3 proofs, CrossHair,
TLC models and trace validation, the conformance self-check — and rule coverage (META-1),
showing progress as it goes; then it prints the checks and the claim matrix, writes
``--json`` / ``--markdown`` reports on request, and exits non-zero on any failure or on
any claim no method checked.
"""

from __future__ import annotations

import json
import sys
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import TextIO

from perpspec import config
from perpspec.report import METHODS, MethodResult
from perpspec.rules import compute_coverage, find_repository
from perpspec.verify.claims import CLAIMS


@dataclass(frozen=True)
class Budget:
    """How much work each method does: CI-sized (quick) or audit-sized."""

    quick: bool
    seeds: int
    steps: int


def _elapsed_ms(start_ns: int) -> int:
    return (time.perf_counter_ns() - start_ns) // 1_000_000


def format_ms(milliseconds: int) -> str:
    return f"{milliseconds // 1000}.{milliseconds % 1000 // 100}s"


# --- the steps ---------------------------------------------------------------------------


def step_contracts(budget: Budget, repository: Path | None) -> list[MethodResult]:
    from perpspec.verify.properties import run_contract_checked_runs

    return run_contract_checked_runs(budget.seeds, budget.steps)


def step_hypothesis(budget: Budget, repository: Path | None) -> list[MethodResult]:
    from perpspec.verify.properties import run_hypothesis

    return run_hypothesis(budget.quick)


def step_z3(budget: Budget, repository: Path | None) -> list[MethodResult]:
    from perpspec.verify.z3 import run_z3

    return run_z3(budget.quick)


def step_crosshair(budget: Budget, repository: Path | None) -> list[MethodResult]:
    from perpspec.verify.crosshair_check import run_crosshair

    return run_crosshair(budget.quick)


def step_tla_models(budget: Budget, repository: Path | None) -> list[MethodResult]:
    from perpspec.verify.tlc import run_tla

    return run_tla(budget.quick, repository)


def step_trace_validation(budget: Budget, repository: Path | None) -> list[MethodResult]:
    from perpspec.verify.scenario_traces import run_scenario_trace_validation
    from perpspec.verify.traces import run_trace_validation

    # Random runs against the small model Ledger, then the conformance vectors against LedgerFull.
    return run_trace_validation(budget.quick, repository) + run_scenario_trace_validation(budget.quick, repository)


def step_book_models(budget: Budget, repository: Path | None) -> list[MethodResult]:
    from perpspec.verify.book_model import run_book_models

    return run_book_models(budget.quick, repository)


def step_book_traces(budget: Budget, repository: Path | None) -> list[MethodResult]:
    from perpspec.verify.book_model import run_book_traces

    return run_book_traces(budget.quick, repository)


def step_conformance(budget: Budget, repository: Path | None) -> list[MethodResult]:
    from perpspec.conformance.runner import run_conformance

    vectors = repository / "conformance" / "vectors" if repository else None
    return run_conformance(None, vectors)


def step_rule_coverage(budget: Budget, repository: Path | None) -> list[MethodResult]:
    start = time.perf_counter_ns()
    if repository is None:
        return [
            MethodResult((), "coverage", "rule coverage", False, "no checkout found (run from one, or pass --repo)")
        ]
    coverage = compute_coverage(repository)
    problems = [] if coverage.rules else ["spec/ defines no rules"]
    if coverage.missing_code():
        problems.append("no code for " + ", ".join(coverage.missing_code()))
    if coverage.missing_tests():
        problems.append("no test for " + ", ".join(coverage.missing_tests()))
    if coverage.dangling:
        problems.append("undefined ids cited: " + ", ".join(sorted(coverage.dangling)))
    detail = "; ".join(problems) or f"{len(coverage.rules)} rules (META-1), each with code and a test"
    return [MethodResult((), "coverage", "rule coverage", not problems, detail, _elapsed_ms(start))]


Step = Callable[[Budget, "Path | None"], list[MethodResult]]

STEPS: list[tuple[str, Step]] = [
    ("contract-checked random runs", step_contracts),
    ("hypothesis state machine and properties", step_hypothesis),
    ("Z3 proofs", step_z3),
    ("CrossHair", step_crosshair),
    ("TLC model checking", step_tla_models),
    ("TLC trace validation", step_trace_validation),
    ("TLC book model checking", step_book_models),
    ("TLC book trace validation", step_book_traces),
    ("conformance self-check", step_conformance),
    ("rule coverage", step_rule_coverage),
]


def select_steps(only: list[str] | None) -> list[tuple[str, Step]]:
    """The steps whose label contains one of ``only`` (all of them when ``only`` is empty)."""
    if not only:
        return STEPS
    return [(label, step) for label, step in STEPS if any(word.lower() in label.lower() for word in only)]


def run_steps(
    budget: Budget, repository: Path | None, progress: TextIO, only: list[str] | None = None
) -> list[MethodResult]:
    """Run every step, reporting progress; a step that crashes is a failed check, not a crash."""
    results: list[MethodResult] = []
    steps = select_steps(only)
    for index, (label, step) in enumerate(steps, start=1):
        print(f"[{index}/{len(steps)}] {label} ...", end="", file=progress, flush=True)
        start = time.perf_counter_ns()
        try:
            step_results = step(budget, repository)
        except Exception as error:  # a broken method must show up in the report, not hide the others
            step_results = [MethodResult((), "coverage", label, False, f"crashed: {type(error).__name__}: {error}")]
        failed = sum(not r.passed for r in step_results)
        verdict = "ok" if not failed else f"{failed} FAILED"
        print(f" {len(step_results)} checks, {verdict} ({format_ms(_elapsed_ms(start))})", file=progress, flush=True)
        results.extend(step_results)
    return results


# --- the report --------------------------------------------------------------------------


@dataclass
class ClaimRow:
    claim: str
    rules: str
    methods: dict[str, str]
    passed: bool
    milliseconds: int


def compute_claim_matrix(results: list[MethodResult]) -> list[ClaimRow]:
    """Per claim: each method's verdict (checks passed, or FAIL), overall result and time (CLAIM-1)."""
    rows = []
    for claim in CLAIMS.values():
        relevant = [r for r in results if claim.id in r.claims]
        methods = {}
        for method in METHODS:
            mine = [r for r in relevant if r.method == method]
            if mine:
                methods[method] = "FAIL" if any(not r.passed for r in mine) else f"pass {len(mine)}"
        checked = bool(relevant)
        passed = checked and all(r.passed for r in relevant)
        rows.append(ClaimRow(claim.id, ", ".join(claim.rules), methods, passed, sum(r.milliseconds for r in relevant)))
    return rows


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines.append("-" * len(lines[0]))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return lines


SUMMARISE_ABOVE = 8
"""A method with more checks than this is one summary row in the text report (all rows stay in --json/--markdown)."""


def _check_row(r: MethodResult) -> list[str]:
    return [
        r.method,
        r.check,
        ",".join(r.claims) or "-",
        "PASS" if r.passed else "FAIL",
        format_ms(r.milliseconds),
        r.detail,
    ]


def _summary_rows(results: list[MethodResult]) -> list[list[str]]:
    rows: list[list[str]] = []
    for method in dict.fromkeys(r.method for r in results):
        mine = [r for r in results if r.method == method]
        if len(mine) <= SUMMARISE_ABOVE:
            rows += [_check_row(r) for r in mine]
            continue
        failed = [r for r in mine if not r.passed]
        claims = ",".join(dict.fromkeys(c for r in mine for c in r.claims))
        total_ms = sum(r.milliseconds for r in mine)
        rows.append(
            [
                method,
                f"{len(mine)} checks",
                claims,
                "FAIL" if failed else "PASS",
                format_ms(total_ms),
                f"{len(mine) - len(failed)} passed, {len(failed)} failed",
            ]
        )
        rows += [_check_row(r) for r in failed]
        notes = [r for r in mine if r.passed and r.extra.get("status") == "timeout"]
        rows += [_check_row(r) for r in notes]
    return rows


def render_text(results: list[MethodResult], matrix: list[ClaimRow]) -> str:
    checks = _summary_rows(results)
    lines = ["Checks", ""] + _table(["method", "check", "claims", "result", "time", "detail"], checks)
    used = [m for m in METHODS if m != "coverage"]
    rows = [
        [
            row.claim,
            *(row.methods.get(m, "-") for m in used),
            "PASS" if row.passed else "FAIL",
            format_ms(row.milliseconds),
        ]
        for row in matrix
    ]
    lines += ["", "Claims", ""] + _table(["claim", *used, "result", "time"], rows)
    failures = [r for r in results if not r.passed and r.counterexample]
    for failure in failures:
        lines += [
            "",
            f"Counterexample for {failure.check} ({', '.join(failure.claims)}):",
            failure.counterexample or "",
        ]
    return "\n".join(lines)


def render_markdown(results: list[MethodResult], matrix: list[ClaimRow]) -> str:
    used = [m for m in METHODS if m != "coverage"]
    lines = ["# perpspec verify", "", "## Claims", "", "| claim | rules | " + " | ".join(used) + " | result | time |"]
    lines.append("|" + "---|" * (len(used) + 4))
    for row in matrix:
        cells = [row.methods.get(m, "–") for m in used]
        result = "PASS" if row.passed else "**FAIL**"
        lines.append(
            f"| `{row.claim}` | {row.rules} | " + " | ".join(cells) + f" | {result} | {format_ms(row.milliseconds)} |"
        )
    lines += ["", "## Checks", "", "| method | check | claims | result | time | detail |", "|---|---|---|---|---|---|"]
    for r in results:
        detail = r.detail.replace("|", "\\|")
        lines.append(
            f"| {r.method} | {r.check} | {', '.join(r.claims) or '–'} | {'PASS' if r.passed else '**FAIL**'} "
            f"| {format_ms(r.milliseconds)} | {detail} |"
        )
    return "\n".join(lines) + "\n"


def render_json(results: list[MethodResult], matrix: list[ClaimRow], budget: Budget, wall_ms: int, passed: bool) -> str:
    return json.dumps(
        {
            "budget": asdict(budget),
            "wallMilliseconds": wall_ms,
            "passed": passed,
            "claims": [asdict(row) for row in matrix],
            "checks": [asdict(r) for r in results],
        },
        indent=2,
        sort_keys=True,
    )


def run_verify(
    quick: bool,
    seeds: int | None,
    steps: int | None,
    repository: Path | None,
    json_path: Path | None = None,
    markdown_path: Path | None = None,
    only: list[str] | None = None,
) -> int:
    """Run every check, print the checks and the claim matrix, and return the exit code."""
    if not config.CONTRACTS_ENABLED:
        print("perpspec verify: contracts are off (PERPSPEC_CONTRACTS); verify needs them on", file=sys.stderr)
        return 2
    budget = Budget(
        quick=quick,
        seeds=seeds if seeds is not None else (4 if quick else 20),
        steps=steps if steps is not None else (600 if quick else 3_000),
    )
    repository = repository or find_repository()
    start = time.perf_counter_ns()
    results = run_steps(budget, repository, sys.stderr, only)
    matrix = compute_claim_matrix(results)
    wall = _elapsed_ms(start)
    failed_checks = sum(not r.passed for r in results)
    failed_claims = [row.claim for row in matrix if not row.passed and (not only or row.methods)]
    passed = not failed_checks and not failed_claims
    print(render_text(results, matrix))
    if json_path:
        json_path.write_text(render_json(results, matrix, budget, wall, passed) + "\n", encoding="utf-8")
    if markdown_path:
        markdown_path.write_text(render_markdown(results, matrix), encoding="utf-8")
    print(
        f"\nperpspec verify: {len(results) - failed_checks} checks passed, {failed_checks} failed; "
        f"{len(matrix) - len(failed_claims)} of {len(matrix)} claims hold"
        + (f" (not holding or unchecked: {', '.join(failed_claims)})" if failed_claims else "")
        + f"; {format_ms(wall)}"
    )
    return 0 if passed else 1
