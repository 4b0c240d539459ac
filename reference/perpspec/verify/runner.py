"""
``perpspec verify``: the auditors' and CI's one command (spec/claims.md, CLAIM-1).

It runs every method — contract-checked random runs, hypothesis, Z3 proofs, CrossHair,
TLC models and trace validation, the conformance self-check — and rule coverage (META-1),
showing progress as it goes; then it prints the checks and the claim matrix, writes
``--json`` / ``--markdown`` reports on request, and exits non-zero on any failure or on
any claim that fewer than two methods proved or checked (CLAIM-2).
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
from perpspec.report import CHECKED, EVIDENCE, FAILED, METHODS, SELF_TEST, STATUSES, MethodResult, verdict
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


def step_liquidation_models(budget: Budget, repository: Path | None) -> list[MethodResult]:
    from perpspec.verify.liquidation_model import run_liquidation_models

    return run_liquidation_models(budget.quick, repository)


def step_liquidation_traces(budget: Budget, repository: Path | None) -> list[MethodResult]:
    from perpspec.verify.liquidation_model import run_liquidation_traces

    return run_liquidation_traces(budget.quick, repository)


def step_conformance(budget: Budget, repository: Path | None) -> list[MethodResult]:
    from perpspec.conformance.runner import run_conformance

    vectors = repository / "conformance" / "vectors" if repository else None
    return run_conformance(None, vectors)


def step_planted_bugs(budget: Budget, repository: Path | None) -> list[MethodResult]:
    from perpspec.verify.planted import run_planted

    if repository is None:
        return [
            MethodResult((), "coverage", "planted bugs", FAILED, "no checkout found (run from one, or pass --repo)")
        ]
    return run_planted(repository)


def step_rule_coverage(budget: Budget, repository: Path | None) -> list[MethodResult]:
    start = time.perf_counter_ns()
    if repository is None:
        return [
            MethodResult((), "coverage", "rule coverage", FAILED, "no checkout found (run from one, or pass --repo)")
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
    return [MethodResult((), "coverage", "rule coverage", verdict(not problems, CHECKED), detail, _elapsed_ms(start))]


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
    ("TLC risk engine model checking", step_liquidation_models),
    ("TLC risk engine trace validation", step_liquidation_traces),
    ("conformance self-check", step_conformance),
    ("planted bugs", step_planted_bugs),
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
            step_results = [MethodResult((), "coverage", label, FAILED, f"crashed: {type(error).__name__}: {error}")]
        print(f" {count_statuses(step_results)} ({format_ms(_elapsed_ms(start))})", file=progress, flush=True)
        results.extend(step_results)
    return results


# --- the report --------------------------------------------------------------------------

MINIMUM_METHODS = 2
"""A claim holds when at least this many methods proved or checked it, and none failed it (CLAIM-2)."""


def count_statuses(results: list[MethodResult]) -> str:
    """``12 proved, 3 inconclusive``: how many checks ended in each status, strongest first."""
    counts = {status: sum(r.status == status for r in results) for status in STATUSES}
    return ", ".join(f"{n} {status}" for status, n in counts.items() if n) or "no checks"


@dataclass
class ClaimRow:
    """One claim's line of the matrix: each method's cell, the methods that give evidence, the verdict."""

    claim: str
    rules: str
    methods: dict[str, str]
    evidence: tuple[str, ...]
    status: str
    milliseconds: int

    @property
    def holds(self) -> bool:
        return self.status == HOLDS


HOLDS, REFUTED, TOO_LITTLE, UNCHECKED = "holds", "FAILS", "too little evidence", "not checked"
"""A claim's verdict: held (two methods or more, none failing), refuted, one method only, none."""


def _method_cell(mine: list[MethodResult]) -> str:
    """``proved 5``, ``checked 2, inconclusive 1`` or ``FAIL``: one method's results for one claim."""
    if any(r.failed for r in mine):
        return "FAIL"
    return count_statuses(mine)


def compute_claim_matrix(results: list[MethodResult]) -> list[ClaimRow]:
    """Per claim: each method's statuses, the methods with evidence, the verdict and time (CLAIM-2)."""
    rows = []
    for claim in CLAIMS.values():
        relevant = [r for r in results if claim.id in r.claims and r.method != "coverage"]
        methods = {}
        for method in METHODS:
            mine = [r for r in relevant if r.method == method]
            if mine:
                methods[method] = _method_cell(mine)
        evidence = tuple(m for m in METHODS if any(r.method == m and r.status in EVIDENCE for r in relevant))
        if any(r.failed for r in relevant):
            status = REFUTED
        elif len(evidence) >= MINIMUM_METHODS:
            status = HOLDS
        elif evidence:
            status = TOO_LITTLE
        else:
            status = UNCHECKED
        rows.append(
            ClaimRow(claim.id, ", ".join(claim.rules), methods, evidence, status, sum(r.milliseconds for r in relevant))
        )
    return rows


def methods_without_planted_catch(results: list[MethodResult]) -> list[str]:
    """The methods with evidence in ``results`` but no planted bug caught (CLAIM-3): they have not shown they can fail."""
    used = [m for m in METHODS if m != "coverage" and any(r.method == m and r.is_evidence for r in results)]
    caught = {r.method for r in results if r.status == SELF_TEST and r.extra.get("bug")}
    return [m for m in used if m not in caught]


def _table(headers: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(h), *(len(row[i]) for row in rows)) if rows else len(h) for i, h in enumerate(headers)]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths)).rstrip()]
    lines.append("-" * len(lines[0]))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths)).rstrip() for row in rows]
    return lines


SUMMARISE_ABOVE = 8
"""A method with more checks than this is one summary row in the text report (all rows stay in --json/--markdown)."""


def _check_row(r: MethodResult) -> list[str]:
    return [r.method, r.check, ",".join(r.claims) or "-", r.status, format_ms(r.milliseconds), r.detail]


def _summary_rows(results: list[MethodResult]) -> list[list[str]]:
    """One row per check, or per method with many checks: then its total, and a row for each check not proved or checked."""
    rows: list[list[str]] = []
    for method in dict.fromkeys(r.method for r in results):
        mine = [r for r in results if r.method == method]
        if len(mine) <= SUMMARISE_ABOVE:
            rows += [_check_row(r) for r in mine]
            continue
        claims = ",".join(dict.fromkeys(c for r in mine for c in r.claims))
        total_ms = sum(r.milliseconds for r in mine)
        worst = "failed" if any(r.failed for r in mine) else "-"
        rows.append([method, f"{len(mine)} checks", claims, worst, format_ms(total_ms), count_statuses(mine)])
        rows += [_check_row(r) for r in mine if r.status not in EVIDENCE]
    return rows


def _claim_verdict(row: ClaimRow, partial: bool) -> str:
    """The claim's verdict; in a partial run (``--only``) the evidence found, never "holds" (CLAIM-2)."""
    if partial and row.status != REFUTED:
        return f"{len(row.evidence)} method(s) in this run" if row.evidence else UNCHECKED
    return row.status


def render_text(results: list[MethodResult], matrix: list[ClaimRow], partial: bool = False) -> str:
    checks = _summary_rows(results)
    lines = ["Checks", ""] + _table(["method", "check", "claims", "status", "time", "detail"], checks)
    used = [m for m in METHODS if m != "coverage"]
    rows = [
        [row.claim, *(row.methods.get(m, "-") for m in used), _claim_verdict(row, partial), format_ms(row.milliseconds)]
        for row in matrix
    ]
    lines += ["", "Claims (a claim holds when two methods or more proved or checked it, and none failed: CLAIM-2)", ""]
    lines += _table(["claim", *used, "verdict", "time"], rows)
    failures = [r for r in results if r.failed and r.counterexample]
    for failure in failures:
        lines += [
            "",
            f"Counterexample for {failure.check} ({', '.join(failure.claims)}):",
            failure.counterexample or "",
        ]
    return "\n".join(lines)


def render_markdown(results: list[MethodResult], matrix: list[ClaimRow], partial: bool = False) -> str:
    used = [m for m in METHODS if m != "coverage"]
    lines = ["# perpspec verify", "", "## Claims", "", "| claim | rules | " + " | ".join(used) + " | verdict | time |"]
    lines.append("|" + "---|" * (len(used) + 4))
    for row in matrix:
        cells = [row.methods.get(m, "–") for m in used]
        verdict_text = _claim_verdict(row, partial)
        result = verdict_text if row.holds or (partial and row.status != REFUTED) else f"**{verdict_text}**"
        lines.append(
            f"| `{row.claim}` | {row.rules} | " + " | ".join(cells) + f" | {result} | {format_ms(row.milliseconds)} |"
        )
    lines += ["", "## Checks", "", "| method | check | claims | status | time | detail |", "|---|---|---|---|---|---|"]
    for r in results:
        detail = r.detail.replace("|", "\\|")
        status = f"**{r.status}**" if r.failed else r.status
        lines.append(
            f"| {r.method} | {r.check} | {', '.join(r.claims) or '–'} | {status} "
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
    """
    Run every check, print the checks and the claim matrix, and return the exit code (CLAIM-2).

    0: no check failed and every claim holds (with ``only``: at least one check ran and none
    failed; claims are reported, not judged); 1: a check failed or a claim does not hold;
    2: verify cannot run (contracts off, or ``only`` selects no step).
    """
    if not config.CONTRACTS_ENABLED:
        print("perpspec verify: contracts are off (PERPSPEC_CONTRACTS); verify needs them on", file=sys.stderr)
        return 2
    if only and not select_steps(only):
        labels = "; ".join(label for label, _ in STEPS)
        print(f"perpspec verify: --only {' '.join(only)} selects no step (the steps: {labels})", file=sys.stderr)
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
    partial = bool(only)
    failed_checks = sum(r.failed for r in results)
    refuted = [row.claim for row in matrix if row.status == REFUTED]
    not_holding = [row.claim for row in matrix if not row.holds]
    unproven_methods = methods_without_planted_catch(results)
    if partial:
        passed = bool(results) and not failed_checks
    else:
        passed = not failed_checks and not not_holding and not unproven_methods
    print(render_text(results, matrix, partial))
    if json_path:
        json_path.write_text(render_json(results, matrix, budget, wall, passed) + "\n", encoding="utf-8")
    if markdown_path:
        markdown_path.write_text(render_markdown(results, matrix, partial), encoding="utf-8")
    if partial:
        with_evidence = [row.claim for row in matrix if row.evidence and row.status != REFUTED]
        claims_line = (
            f"a partial run (--only): claims not judged; {len(with_evidence)} of {len(matrix)} have evidence "
            f"in this run" + (f", refuted: {', '.join(refuted)}" if refuted else "")
        )
    else:
        claims_line = f"{len(matrix) - len(not_holding)} of {len(matrix)} claims hold" + (
            "; not holding: " + ", ".join(f"{row.claim} ({row.status})" for row in matrix if not row.holds)
            if not_holding
            else ""
        )
    if unproven_methods and not partial:
        claims_line += f"; no planted bug caught by: {', '.join(unproven_methods)} (CLAIM-3)"
    print(f"\nperpspec verify: {count_statuses(results)}; {claims_line}; {format_ms(wall)}")
    return 0 if passed else 1
