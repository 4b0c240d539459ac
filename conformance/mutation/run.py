#!/usr/bin/env python3
"""
Suite strength: the share of mutants of the reference's ledger modules that the conformance
vectors kill.

cosmic-ray enumerates the mutants (every operator it has, over the modules below); each
mutant is applied, with ``cosmic-ray apply``, to a private copy of ``reference/``, and the
conformance runner is run against that copy with contracts off, so only the vectors can kill
it. A mutant is killed when the run fails (or times out). The unmutated copy must pass first.

    python conformance/mutation/run.py                    # every mutant, 2 workers
    python conformance/mutation/run.py --sample 300       # a deterministic sample
    python conformance/mutation/run.py --out report.json  # also write the full report

It prints the kill rate per module and overall, and lists the survivors with their diffs.
Needs cosmic-ray (``pip install cosmic-ray``).
"""

from __future__ import annotations

import argparse
import concurrent.futures
import difflib
import json
import os
import random
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

LEDGER_MODULES = [
    "rounding.py",
    "units.py",
    "margin.py",
    "funding.py",
    "prices.py",
    "subaccounts.py",
    "sending.py",
    "blocks.py",
    "messages.py",
    "codec.py",
    "transition.py",
    "catalogue.py",
]
"""The ledger's modules; contracts, simulation, verification and the CLI are not the protocol."""


@dataclass
class Mutant:
    module: str
    operator: str
    occurrence: int
    line: int
    function: str
    killed: bool | None = None
    seconds: float = 0.0
    diff: str = ""


def cosmic_ray() -> list[str]:
    executable = shutil.which("cosmic-ray", path=str(Path(sys.executable).parent)) or shutil.which("cosmic-ray")
    if executable is None:
        sys.exit("mutation: cosmic-ray is not installed (pip install cosmic-ray)")
    return [executable]


def enumerate_mutants(workdir: Path, modules: list[str]) -> list[Mutant]:
    """Every mutant cosmic-ray's operators make in ``modules`` (relative to ``workdir``)."""
    config = workdir / "cosmic-ray.toml"
    module_paths = ", ".join(f'"reference/perpspec/{m}"' for m in modules)
    config.write_text(
        "[cosmic-ray]\n"
        f"module-path = [{module_paths}]\n"
        "timeout = 60.0\nexcluded-modules = []\ntest-command = \"true\"\n\n"
        "[cosmic-ray.distributor]\nname = \"local\"\n",
        encoding="utf-8",
    )
    session = workdir / "session.sqlite"
    subprocess.run([*cosmic_ray(), "init", str(config), str(session)], cwd=workdir, check=True)
    dump = subprocess.run(
        [*cosmic_ray(), "dump", str(session)], cwd=workdir, check=True, capture_output=True, text=True
    ).stdout
    mutants = []
    for line in dump.splitlines():
        job, _ = json.loads(line)
        [mutation] = job["mutations"]
        mutants.append(
            Mutant(
                module=mutation["module_path"],
                operator=mutation["operator_name"],
                occurrence=mutation["occurrence"],
                line=mutation["start_pos"][0],
                function=mutation.get("definition_name") or "",
            )
        )
    mutants.sort(key=lambda m: (m.module, m.line, m.operator, m.occurrence))
    return mutants


def conformance_command(vectors: Path) -> list[str]:
    return [sys.executable, "-m", "perpspec", "conformance", "run", "--vectors", str(vectors), "--max-failures", "0"]


def run_conformance(copy: Path, vectors: Path, timeout: float) -> bool:
    """True when the vectors pass against the reference in ``copy`` (contracts off)."""
    env = {**os.environ, "PYTHONPATH": str(copy / "reference"), "PERPSPEC_CONTRACTS": "0"}
    # A session of its own, so a mutant stuck in a loop is killed with the adapter it started.
    process = subprocess.Popen(
        conformance_command(vectors),
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
                subprocess.run(
                    [*cosmic_ray(), "apply", mutant.module, mutant.operator, str(mutant.occurrence)],
                    cwd=self.copy,
                    check=True,
                    capture_output=True,
                )
                mutated = path.read_text(encoding="utf-8")
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


def summarise(mutants: list[Mutant]) -> dict:
    modules: dict[str, dict[str, int]] = {}
    for m in mutants:
        entry = modules.setdefault(m.module, {"mutants": 0, "killed": 0})
        entry["mutants"] += 1
        entry["killed"] += bool(m.killed)
    killed = sum(bool(m.killed) for m in mutants)
    return {"mutants": len(mutants), "killed": killed, "modules": modules}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sample", type=int, help="test a deterministic random sample of this many mutants")
    parser.add_argument("--seed", type=int, default=0, help="the sample's seed")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per conformance run")
    parser.add_argument("--modules", nargs="*", default=LEDGER_MODULES, help="module files under reference/perpspec/")
    parser.add_argument("--vectors", type=Path, default=REPOSITORY / "conformance" / "vectors")
    parser.add_argument("--out", type=Path, help="write the full report (every mutant, survivors' diffs) as JSON")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="perpspec-mutation-") as scratch:
        scratch_path = Path(scratch)
        enumeration = scratch_path / "enumerate"
        enumeration.mkdir()
        shutil.copytree(REPOSITORY / "reference", enumeration / "reference", ignore=shutil.ignore_patterns("__pycache__"))
        mutants = enumerate_mutants(enumeration, args.modules)
        if args.sample is not None and args.sample < len(mutants):
            mutants = sorted(random.Random(args.seed).sample(mutants, args.sample), key=lambda m: (m.module, m.line))
        workers = []
        for index in range(args.workers):
            root = scratch_path / f"worker-{index}"
            root.mkdir()
            workers.append(Worker(root, args.vectors.resolve(), args.timeout))
        if not run_conformance(workers[0].copy, args.vectors.resolve(), args.timeout):
            sys.exit("mutation: the unmutated reference fails the vectors; fix that first")
        print(f"mutation: {len(mutants)} mutants of {len(args.modules)} modules, {args.workers} workers", flush=True)
        start = time.perf_counter()
        done = 0
        with concurrent.futures.ThreadPoolExecutor(max_workers=args.workers) as pool:
            futures = [pool.submit(workers[i % len(workers)].test, m) for i, m in enumerate(mutants)]
            for future in concurrent.futures.as_completed(futures):
                future.result()
                done += 1
                if done % 100 == 0:
                    print(f"  {done}/{len(mutants)} ({time.perf_counter() - start:.0f} s)", flush=True)
    summary = summarise(mutants)
    survivors = [m for m in mutants if not m.killed]
    print(f"\n{'module':<36}{'mutants':>9}{'killed':>9}{'rate':>8}")
    for module, entry in sorted(summary["modules"].items()):
        rate = 100 * entry["killed"] / entry["mutants"]
        print(f"{module:<36}{entry['mutants']:>9}{entry['killed']:>9}{rate:>7.1f}%")
    overall = 100 * summary["killed"] / max(summary["mutants"], 1)
    print(f"{'all':<36}{summary['mutants']:>9}{summary['killed']:>9}{overall:>7.1f}%")
    print(f"\nsurvivors ({len(survivors)}):")
    for m in survivors:
        first = next((l for l in m.diff.splitlines() if l.startswith("+") and not l.startswith("+++")), "")
        print(f"  {m.module}:{m.line} {m.function} {m.operator} #{m.occurrence}: {first[1:].strip()}")
    if args.out:
        args.out.write_text(
            json.dumps({"summary": summary, "mutants": [asdict(m) for m in mutants]}, indent=2) + "\n",
            encoding="utf-8",
        )
    print(f"\nkill rate {overall:.1f}% ({summary['killed']} of {summary['mutants']}) in {time.perf_counter() - start:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
