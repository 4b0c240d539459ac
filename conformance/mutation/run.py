#!/usr/bin/env python3
"""
Suite strength: the share of mutants of the reference's ledger modules that the conformance
vectors kill.

cosmic-ray enumerates the mutants (every operator it has, over the modules below), except
those inside type annotations, contract decorators and error-message text, which are
excluded up front (see ``excluded_spans``).  Each mutant is written into a private copy of ``reference/``; the
conformance runner, from the unmutated checkout, runs the vectors against the reference
adapter of that copy (a process of its own) with contracts off, so only the vectors can kill
it and the instrument is never mutated.  A mutant is killed when the run fails (or times out).  The unmutated copy must
pass first.

Survivors that no vector can kill are listed, each with its reason, in ``equivalent.json``
next to this script, keyed by a stable key (module, operator, line text, column, index)
that survives line renumbering.  The report gives the raw score (killed / mutants) and the
adjusted score (killed / (mutants - equivalent)).

    python conformance/mutation/run.py                          # every mutant, 1 worker
    python conformance/mutation/run.py --sample 600 --seed 1    # a deterministic sample
    python conformance/mutation/run.py --set clob               # the order book's modules instead
    python conformance/mutation/run.py --set all                # the ledger's and the order book's
    python conformance/mutation/run.py --out report.json        # also write the full report
    python conformance/mutation/run.py --only-survivors report.json   # retest a report's survivors
    python conformance/mutation/run.py --retest-survivors report.json # carry its kills, test the rest

Needs cosmic-ray (``pip install cosmic-ray``).
"""

from __future__ import annotations

import argparse
import ast
import concurrent.futures
import difflib
import hashlib
import json
import os
import random
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
EQUIVALENT_FILE = Path(__file__).resolve().parent / "equivalent.json"

LEDGER_MODULES = [
    "rounding.py",
    "units.py",
    "margin.py",
    "funding.py",
    "oracle.py",
    "prices.py",
    "subaccounts.py",
    "sending.py",
    "blocks.py",
    "messages.py",
    "events.py",
    "jsonio.py",
    "codec.py",
    "bounds.py",
    "genesis.py",
    "transition.py",
    "catalogue.py",
]
"""The ledger's modules; the contract switch and predicates, simulation, verification and the CLI are not the protocol."""

CLOB_MODULES = [
    "clob/book.py",
    "clob/state.py",
    "clob/orders.py",
    "clob/matching.py",
    "clob/fills.py",
    "clob/fees.py",
    "clob/conditional.py",
    "clob/expiry.py",
    "clob/codec.py",
]
"""The order book's modules (spec/clob.md); measured with ``--set clob`` or ``--set all``."""

MODULE_SETS = {"ledger": LEDGER_MODULES, "clob": CLOB_MODULES, "all": LEDGER_MODULES + CLOB_MODULES}

CONTRACT_DECORATORS = ("icontract.", "ledger_contracts")
"""Decorators whose arguments only run with contracts on; the measurement runs with them off."""


@dataclass
class Mutant:
    module: str
    operator: str
    occurrence: int
    line: int
    column: int
    function: str
    line_text: str
    index: int = 0
    killed: bool | None = None
    carried: bool = False
    seconds: float = 0.0
    diff: str = ""
    equivalent: str = ""

    @property
    def key(self) -> str:
        """Stable across regeneration: no line number, no cosmic-ray occurrence number."""
        return f"{self.module}|{self.operator}|{self.column}|{self.index}|{self.line_text}"


def cosmic_ray() -> list[str]:
    executable = shutil.which("cosmic-ray", path=str(Path(sys.executable).parent)) or shutil.which("cosmic-ray")
    if executable is None:
        sys.exit("mutation: cosmic-ray is not installed (pip install cosmic-ray)")
    return [executable]


# --- enumeration ----------------------------------------------------------------------------


def excluded_spans(source: str) -> list[tuple[tuple[int, int], tuple[int, int], str]]:
    """
    Source spans whose mutants are not measured: ((start line, col), (end line, col), why).

    - type annotations: every module has ``from __future__ import annotations``, so an
      annotation is never evaluated and no mutant of one can change behaviour;
    - contract decorators (``@icontract.require/ensure/snapshot``, ``@ledger_contracts``):
      their conditions run only with contracts on, and the measurement runs with them off;
    - the message text of a raised error (``raise errors.X(f"...")``): vectors record error
      codes only, never messages (TX-3), so a mutant there changes nothing a vector holds.
    """
    spans = []
    tree = ast.parse(source)

    def add(node: ast.AST | None, why: str) -> None:
        if node is not None:
            spans.append(((node.lineno, node.col_offset), (node.end_lineno, node.end_col_offset), why))

    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            add(node.returns, "annotation")
            arguments = node.args
            for arg in [
                *arguments.posonlyargs,
                *arguments.args,
                *arguments.kwonlyargs,
                arguments.vararg,
                arguments.kwarg,
            ]:
                if arg is not None:
                    add(arg.annotation, "annotation")
            for decorator in node.decorator_list:
                if ast.get_source_segment(source, decorator).startswith(CONTRACT_DECORATORS):
                    # From the "@", where cosmic-ray places the mutant that removes the decorator.
                    start = (decorator.lineno, decorator.col_offset - 1)
                    spans.append((start, (decorator.end_lineno, decorator.end_col_offset), "contract decorator"))
        elif isinstance(node, ast.AnnAssign):
            add(node.annotation, "annotation")
        elif isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            for argument in [*node.exc.args, *(k.value for k in node.exc.keywords)]:
                add(argument, "error message")
    return spans


def _inside(position: tuple[int, int], spans: list) -> str:
    for start, end, why in spans:
        if start <= position < end:
            return why
    return ""


def enumerate_mutants(workdir: Path, modules: list[str]) -> tuple[list[Mutant], dict[str, int]]:
    """
    Every mutant cosmic-ray's operators make in ``modules`` (relative to ``workdir``), and
    the count of mutants excluded up front, by reason.
    """
    config = workdir / "cosmic-ray.toml"
    module_paths = ", ".join(f'"reference/perpspec/{m}"' for m in modules)
    config.write_text(
        "[cosmic-ray]\n"
        f"module-path = [{module_paths}]\n"
        'timeout = 60.0\nexcluded-modules = []\ntest-command = "true"\n\n'
        '[cosmic-ray.distributor]\nname = "local"\n',
        encoding="utf-8",
    )
    session = workdir / "session.sqlite"
    subprocess.run([*cosmic_ray(), "init", str(config), str(session)], cwd=workdir, check=True)
    dump = subprocess.run(
        [*cosmic_ray(), "dump", str(session)], cwd=workdir, check=True, capture_output=True, text=True
    ).stdout
    sources: dict[str, list[str]] = {}
    spans: dict[str, list] = {}
    mutants = []
    excluded: dict[str, int] = {}
    for line in dump.splitlines():
        job, _ = json.loads(line)
        [mutation] = job["mutations"]
        module = mutation["module_path"]
        if module not in sources:
            text = (workdir / module).read_text(encoding="utf-8")
            sources[module] = text.splitlines()
            spans[module] = excluded_spans(text)
        row, column = mutation["start_pos"]
        why = _inside((row, column), spans[module])
        if why:
            excluded[why] = excluded.get(why, 0) + 1
            continue
        raw = sources[module][row - 1]
        indent = len(raw) - len(raw.lstrip())
        mutants.append(
            Mutant(
                module=module,
                operator=mutation["operator_name"],
                occurrence=mutation["occurrence"],
                line=row,
                column=column - indent,
                function=mutation.get("definition_name") or "",
                line_text=raw.strip(),
            )
        )
    mutants.sort(key=lambda m: (m.module, m.line, m.column, m.operator, m.occurrence))
    seen: dict[str, int] = {}
    for m in mutants:
        base = f"{m.module}|{m.operator}|{m.column}|{m.line_text}"
        m.index = seen.get(base, 0)
        seen[base] = m.index + 1
    return mutants, excluded


# --- running --------------------------------------------------------------------------------


STAGES = (["--exclude", "traces/"], ["--exclude", "functions/", "--exclude", "ledger/"])
"""The suites in two runs: most mutants fail the quick function and ledger vectors, and then
the traces (the slower part) are not run.  Together the two runs read every vector file."""


def adapter_command(copy: Path) -> str:
    """The reference adapter of the mutated ``copy``, in a process of its own (ADAPTER.md)."""
    return shlex.join(
        [
            "env",
            f"PYTHONPATH={copy / 'reference'}",
            "PERPSPEC_CONTRACTS=0",
            sys.executable,
            "-m",
            "perpspec.conformance.adapter",
        ]
    )


def conformance_command(vectors: Path, stage: list[str], copy: Path) -> list[str]:
    """The runner, from the unmutated checkout, aimed at the mutated copy's adapter."""
    return [
        sys.executable,
        "-m",
        "perpspec",
        "conformance",
        "run",
        "--vectors",
        str(vectors),
        "--adapter",
        adapter_command(copy),
        "--max-failures",
        "0",
        *stage,
    ]


def run_conformance(copy: Path, vectors: Path, timeout: float) -> bool:
    """True when every vector passes against the reference in ``copy`` (contracts off)."""
    return all(run_stage(copy, vectors, timeout, stage) for stage in STAGES)


def run_stage(copy: Path, vectors: Path, timeout: float, stage: list[str]) -> bool:
    """
    One run of the conformance runner over ``stage``'s suites: True when every vector passes.

    The runner (the measuring instrument) runs from the unmutated ``reference/`` of the
    checkout; only the adapter process it starts loads the mutated copy.  Mutating
    ``catalogue.py`` or the codec therefore changes what the adapter answers, never how the
    runner reads the vectors or compares the answers.
    """
    env = {**os.environ, "PYTHONPATH": str(REPOSITORY / "reference"), "PERPSPEC_CONTRACTS": "0"}
    # A session of its own, so a mutant stuck in a loop is killed with the adapter it started.
    process = subprocess.Popen(
        conformance_command(vectors, stage, copy),
        cwd=copy,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        return process.wait(timeout=timeout) == 0
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
        return False


def mutated_source(source: str, mutant: Mutant) -> str:
    """The module's source with the mutant applied (cosmic-ray's own mutation code)."""
    from cosmic_ray.mutating import mutate_code
    from cosmic_ray.plugins import get_operator

    mutated = mutate_code(source, get_operator(mutant.operator)(), mutant.occurrence)
    if mutated is None:
        raise RuntimeError(f"cosmic-ray did not apply {mutant.key}")
    return mutated


class Worker:
    """A private copy of reference/ in which mutants are applied one at a time."""

    def __init__(self, root: Path, vectors: Path, timeout: float) -> None:
        self.copy = root
        shutil.copytree(REPOSITORY / "reference", root / "reference", ignore=shutil.ignore_patterns("__pycache__"))
        self.vectors = vectors
        self.timeout = timeout
        self.lock = threading.Lock()

    def test(self, mutant: Mutant) -> Mutant:
        with self.lock:
            path = self.copy / mutant.module
            original = path.read_text(encoding="utf-8")
            start = time.perf_counter()
            try:
                mutated = mutated_source(original, mutant)
                path.write_text(mutated, encoding="utf-8")
                mutant.diff = "".join(
                    difflib.unified_diff(
                        original.splitlines(True), mutated.splitlines(True), mutant.module, mutant.module, n=0
                    )
                )
                mutant.killed = not run_conformance(self.copy, self.vectors, self.timeout)
            finally:
                path.write_text(original, encoding="utf-8")
                shutil.rmtree(path.parent / "__pycache__", ignore_errors=True)
            mutant.seconds = time.perf_counter() - start
            return mutant


# --- equivalents and the report ------------------------------------------------------------


@dataclass
class EquivalentEntry:
    module: str
    operator: str
    column: int
    index: int
    line: str
    reason: str
    category: str
    mutated: str = ""

    @property
    def key(self) -> str:
        return f"{self.module}|{self.operator}|{self.column}|{self.index}|{self.line}"


def load_equivalents(path: Path) -> dict[str, EquivalentEntry]:
    if not path.exists():
        return {}
    document = json.loads(path.read_text(encoding="utf-8"))
    entries = [EquivalentEntry(**_entry_fields(item)) for item in document["mutants"]]
    return {entry.key: entry for entry in entries}


KNOWN_GAP = "known-gap"
"""A listed survivor a vector could kill but none does yet: a gap of the suite, not an excuse."""

UNREACHABLE = "unreachable"


def summarise(mutants: list[Mutant]) -> dict:
    """
    Per module and overall: raw = killed / mutants; adjusted = killed / (mutants - excused),
    where the excused survivors are the listed ones other than known gaps (equivalent,
    unreachable, contracts-only, performance-only).  Known gaps stay in the denominator.
    """

    def counts(group: list[Mutant]) -> dict:
        killed = sum(bool(m.killed) for m in group)
        listed = [m for m in group if not m.killed and m.equivalent]
        gaps = sum(m.equivalent == KNOWN_GAP for m in listed)
        unreachable = sum(m.equivalent == UNREACHABLE for m in listed)
        excused = len(listed) - gaps
        survived = len(group) - killed
        return {
            "mutants": len(group),
            "killed": killed,
            "survived": survived,
            "equivalent": excused - unreachable,
            "unreachable": unreachable,
            "knownGaps": gaps,
            "listed": len(listed),
            "unexplained": survived - len(listed),
            "raw": round(100 * killed / max(len(group), 1), 1),
            "adjusted": round(100 * killed / max(len(group) - excused, 1), 1),
        }

    modules: dict[str, list[Mutant]] = {}
    for m in mutants:
        modules.setdefault(m.module, []).append(m)
    categories: dict[str, int] = {}
    for m in mutants:
        if not m.killed and m.equivalent:
            categories[m.equivalent] = categories.get(m.equivalent, 0) + 1
    return {
        **counts(mutants),
        "modules": {name: counts(group) for name, group in sorted(modules.items())},
        "equivalentByCategory": dict(sorted(categories.items())),
    }


def first_added_line(diff: str) -> str:
    return next(
        (line[1:].strip() for line in diff.splitlines() if line.startswith("+") and not line.startswith("+++")), ""
    )


def print_report(summary: dict, mutants: list[Mutant], excluded: dict[str, int], stale: list[Mutant]) -> None:
    header = f"{'module':<36}{'mutants':>8}{'killed':>8}{'equiv':>7}{'unreach':>8}{'gaps':>6}{'left':>6}"
    print(f"\n{header}{'raw':>8}{'adjusted':>10}")
    rows = [*summary["modules"].items(), ("all", summary)]
    for module, e in rows:
        print(
            f"{module:<36}{e['mutants']:>8}{e['killed']:>8}{e['equivalent']:>7}{e['unreachable']:>8}"
            f"{e['knownGaps']:>6}{e['unexplained']:>6}{e['raw']:>7.1f}%{e['adjusted']:>9.1f}%"
        )
    if excluded:
        print(
            "\nexcluded up front (not mutated): " + ", ".join(f"{n} in {why}s" for why, n in sorted(excluded.items()))
        )
    if summary["equivalentByCategory"]:
        print(
            "equivalent survivors by category: "
            + ", ".join(f"{c} {n}" for c, n in summary["equivalentByCategory"].items())
        )
    survivors = [m for m in mutants if not m.killed and not m.equivalent]
    print(f"\nsurvivors not marked equivalent ({len(survivors)}):")
    for m in survivors:
        print(f"  {m.module}:{m.line} {m.function} {m.operator} #{m.occurrence}: {first_added_line(m.diff)}")
        print(f"      key {m.key}")
    if stale:
        print(f"\nmarked equivalent in {EQUIVALENT_FILE.name} but killed ({len(stale)}): remove them")
        for m in stale:
            print(f"  {m.key}")


def write_report(
    path: Path, mutants: list[Mutant], excluded: dict[str, int], full_set: bool, args, partial: bool = False
) -> None:
    tested = [m for m in mutants if m.killed is not None]
    document = {
        "summary": summarise(tested),
        "excludedUpFront": excluded,
        "fullSet": full_set and not partial,
        "partial": partial,
        "sample": args.sample,
        "seed": args.seed,
        "mutants": [{**asdict(m), "key": m.key} for m in mutants],
    }
    path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")


def enumerate_in_copy(scratch: Path, modules: list[str]) -> tuple[list[Mutant], dict[str, int]]:
    """``enumerate_mutants`` on a copy of ``reference/`` under ``scratch`` (cosmic-ray writes its session there)."""
    enumeration = scratch / "enumerate"
    enumeration.mkdir()
    shutil.copytree(REPOSITORY / "reference", enumeration / "reference", ignore=shutil.ignore_patterns("__pycache__"))
    return enumerate_mutants(enumeration, modules)


def start_workers(scratch: Path, args: argparse.Namespace) -> list[Worker]:
    """
    ``args.workers`` private copies of ``reference/`` under ``scratch``, and the vectors copied
    there (so regenerating them during a run cannot mix two suites); the unmutated copy must
    pass every vector first.
    """
    vectors = scratch / "vectors"
    shutil.copytree(args.vectors.resolve(), vectors)
    workers = []
    for index in range(max(args.workers, 1)):
        root = scratch / f"worker-{index}"
        root.mkdir()
        workers.append(Worker(root, vectors, args.timeout))
    if not run_conformance(workers[0].copy, vectors, args.timeout):
        sys.exit("mutation: the unmutated reference fails the vectors; fix that first")
    return workers


def module_fingerprint(module: str) -> str:
    """The sha256 of a module's text (``reference/perpspec/x.py``): what the list was checked against."""
    return hashlib.sha256((REPOSITORY / module).read_bytes()).hexdigest()


def stale_fingerprints(document: dict) -> list[str]:
    """The modules the list cites whose text is not the text it was last checked against."""
    recorded = document.get("checkedAgainst", {})
    cited = sorted({item["module"] for item in document["mutants"]})
    return [m for m in cited if recorded.get(m) != module_fingerprint(m)]


def check_list(args: argparse.Namespace) -> int:
    """
    The freshness check of ``equivalent.json``: every entry must match a mutant of today's
    module, and that mutant must survive the vectors (run from an unmutated runner).

    Exit 1 when an entry matches no mutant or is killed (stale); ``--prune`` removes such
    entries and records each checked module's fingerprint, so ``stale_fingerprints`` (the fast
    check CI runs) can tell when a module changed since.
    """
    document = json.loads(args.equivalent.read_text(encoding="utf-8"))
    modules = sorted({item["module"] for item in document["mutants"]})
    if args.changed_only:
        modules = stale_fingerprints(document)
    if not modules:
        print("mutation --check-list: every cited module is as the list was checked against")
        return 0
    equivalents = load_equivalents(args.equivalent)
    short = [m.removeprefix("reference/perpspec/") for m in modules]
    with tempfile.TemporaryDirectory(prefix="perpspec-mutation-") as scratch:
        scratch_path = Path(scratch)
        mutants, _ = enumerate_in_copy(scratch_path, short)
        listed = {key: entry for key, entry in equivalents.items() if entry.module in modules}
        by_key = {m.key: m for m in mutants}
        unmatched = sorted(key for key in listed if key not in by_key)
        to_test = [by_key[key] for key in sorted(listed) if key in by_key]
        workers = start_workers(scratch_path, args)
        print(
            f"mutation --check-list: {len(listed)} entries over {len(modules)} modules; "
            f"{len(unmatched)} match no mutant; testing {len(to_test)} with {len(workers)} worker(s)",
            flush=True,
        )
        start = time.perf_counter()
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(workers)) as pool:
            futures = [pool.submit(workers[i % len(workers)].test, m) for i, m in enumerate(to_test)]
            for done, future in enumerate(concurrent.futures.as_completed(futures), start=1):
                future.result()
                if done % 50 == 0:
                    print(f"  {done}/{len(to_test)} ({time.perf_counter() - start:.0f} s)", flush=True)
    killed = sorted(m.key for m in to_test if m.killed)
    for title, keys in (("match no mutant", unmatched), ("are killed", killed)):
        print(f"\n{len(keys)} entries {title}:")
        for key in keys:
            print(f"  [{listed[key].category}] {key}")
    stale = set(unmatched) | set(killed)
    if args.prune:
        document["mutants"] = [
            item for item in document["mutants"] if EquivalentEntry(**_entry_fields(item)).key not in stale
        ]
        fingerprints = document.setdefault("checkedAgainst", {})
        for module in modules:
            fingerprints[module] = module_fingerprint(module)
        document["checkedAgainst"] = dict(sorted(fingerprints.items()))
        args.equivalent.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"\npruned {len(stale)} entries; fingerprints recorded for {len(modules)} modules")
        return 0
    print(f"\n{len(stale)} stale entries; {time.perf_counter() - start:.0f} s")
    return 1 if stale else 0


def _entry_fields(item: dict) -> dict:
    return {k: v for k, v in item.items() if k != "lineno"}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, help="test a deterministic random sample of this many mutants")
    parser.add_argument("--seed", type=int, default=0, help="the sample's seed")
    parser.add_argument("--workers", type=int, default=1, help="parallel conformance runs (default 1)")
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per conformance run")
    parser.add_argument(
        "--set",
        choices=sorted(MODULE_SETS),
        default="ledger",
        help="which modules to mutate: the ledger's (default), the order book's (clob/), or both",
    )
    parser.add_argument("--modules", nargs="*", help="module files under reference/perpspec/ (overrides --set)")
    parser.add_argument("--vectors", type=Path, default=REPOSITORY / "conformance" / "vectors")
    parser.add_argument("--equivalent", type=Path, default=EQUIVALENT_FILE, help="the equivalent mutants (JSON)")
    parser.add_argument("--keys", type=Path, help="test only the mutants whose keys this file lists, one a line")
    parser.add_argument(
        "--only-survivors",
        type=Path,
        metavar="REPORT",
        help="test only the mutants that survived in an earlier --out report",
    )
    parser.add_argument(
        "--retest-survivors",
        type=Path,
        metavar="REPORT",
        help="mutants an earlier report (even a partial one) found killed count as killed without a run (valid only "
        "when vectors were added since, none changed); every other mutant is tested",
    )
    parser.add_argument(
        "--shuffle",
        type=int,
        metavar="SEED",
        help="test in a seeded random order (a partial report then samples every module)",
    )
    parser.add_argument("--skip-equivalent", action="store_true", help="do not test mutants marked equivalent")
    parser.add_argument("--out", type=Path, help="write the full report (every mutant, survivors' diffs) as JSON")
    parser.add_argument(
        "--check-list",
        action="store_true",
        help="the list's freshness check: test exactly the mutants equivalent.json lists, over every module it "
        "cites; exit 1 when an entry matches no mutant or its mutant is killed",
    )
    parser.add_argument(
        "--changed-only",
        action="store_true",
        help="with --check-list: only the modules whose text differs from the fingerprint the list records",
    )
    parser.add_argument(
        "--prune",
        action="store_true",
        help="with --check-list: remove the stale entries and record the modules' fingerprints in the list",
    )
    args = parser.parse_args()
    if args.check_list:
        return check_list(args)
    if not args.modules:
        args.modules = MODULE_SETS[args.set]

    equivalents = load_equivalents(args.equivalent)
    with tempfile.TemporaryDirectory(prefix="perpspec-mutation-") as scratch:
        scratch_path = Path(scratch)
        mutants, excluded = enumerate_in_copy(scratch_path, args.modules)
        full_set = True
        for m in mutants:
            entry = equivalents.get(m.key)
            m.equivalent = entry.category if entry else ""
        if args.sample is not None and args.sample < len(mutants):
            mutants = sorted(random.Random(args.seed).sample(mutants, args.sample), key=lambda m: (m.module, m.line))
            full_set = False
        previous = args.only_survivors or args.retest_survivors
        to_test = mutants
        if previous is not None:
            report = json.loads(previous.read_text(encoding="utf-8"))
            earlier = {item["key"]: item for item in report["mutants"] if item["killed"] is not None}
            if args.retest_survivors:
                for m in mutants:
                    if m.key in earlier and earlier[m.key]["killed"]:
                        m.killed, m.carried, m.diff = True, True, earlier[m.key].get("diff", "")
                gone = sorted(set(earlier) - {m.key for m in mutants})
                if gone:
                    print(f"mutation: {len(gone)} mutants of the earlier report no longer exist")
            else:
                mutants = [m for m in mutants if m.key in earlier and earlier[m.key]["killed"] is False]
                full_set = False
            to_test = [m for m in mutants if not m.carried]
        if args.keys is not None:
            wanted = {k.strip() for k in args.keys.read_text(encoding="utf-8").splitlines() if k.strip()}
            mutants = [m for m in mutants if m.key in wanted]
            to_test = [m for m in to_test if m.key in wanted]
            full_set = False
        if args.shuffle is not None:
            random.Random(args.shuffle).shuffle(to_test)
        if args.skip_equivalent:
            for m in to_test:
                if m.equivalent:
                    m.killed = False
            to_test = [m for m in to_test if not m.equivalent]
        workers = start_workers(scratch_path, args)
        print(
            f"mutation: {len(mutants)} mutants of {len(args.modules)} modules, testing {len(to_test)} "
            f"with {len(workers)} worker(s)",
            flush=True,
        )
        start = time.perf_counter()
        done = 0
        with concurrent.futures.ThreadPoolExecutor(max_workers=len(workers)) as pool:
            futures = [pool.submit(workers[i % len(workers)].test, m) for i, m in enumerate(to_test)]
            for future in concurrent.futures.as_completed(futures):
                future.result()
                done += 1
                if done % 100 == 0:
                    print(f"  {done}/{len(to_test)} ({time.perf_counter() - start:.0f} s)", flush=True)
                if args.out and done % 25 == 0:
                    # A partial report (untested mutants have "killed": null), so a long run can be read early.
                    write_report(args.out, mutants, excluded, False, args, partial=True)
    stale = [m for m in mutants if m.killed and m.equivalent and not m.carried]
    summary = summarise(mutants)
    print_report(summary, mutants, excluded, stale)
    if args.out:
        write_report(args.out, mutants, excluded, full_set, args)
    print(
        f"\n{summary['mutants']} mutants: {summary['killed']} killed, {summary['survived']} survived "
        f"({summary['equivalent']} equivalent, {summary['unreachable']} unreachable, {summary['knownGaps']} known gaps, "
        f"{summary['unexplained']} unexplained); raw score {summary['raw']:.1f}%, "
        f"adjusted score {summary['adjusted']:.1f}%; {len(to_test)} tested in {time.perf_counter() - start:.0f} s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
