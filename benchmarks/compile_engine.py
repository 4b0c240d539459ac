"""
Compile perpspec's engine modules with mypyc, for the speed benchmarks (benchmarks/README.md).

    pip install mypy                                  # mypyc ships with mypy
    python benchmarks/compile_engine.py               # writes build/compiled/perpspec
    PYTHONPATH=build/compiled python benchmarks/bench_clob.py

The source is the reference itself, unchanged: the script copies ``reference/perpspec``
to ``build/compiled/perpspec`` and compiles the modules below in place, each to a C
extension next to its ``.py`` file (Python imports the extension first).  Everything
else (codec, contracts, errors, the conformance tooling, ``perpspec verify``) stays
interpreted.  The compiled package runs with contracts off only (``PERPSPEC_CONTRACTS=0``):
icontract reads each condition's signature, which mypyc's compiled lambdas do not carry.  The proofs (Z3, CrossHair, TLC) and the tests run on the interpreted
package; the compiled one is the same source, and ``--check`` runs every conformance
vector against it to show it behaves the same.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ENGINE_MODULES = [
    "perpspec/rounding.py",
    "perpspec/units.py",
    "perpspec/types.py",
    "perpspec/clob/state.py",
    "perpspec/state.py",
    "perpspec/margin.py",
    "perpspec/oracle.py",
    "perpspec/prices.py",
    "perpspec/funding.py",
    "perpspec/subaccounts.py",
    "perpspec/sending.py",
    "perpspec/blocks.py",
    "perpspec/events.py",
    "perpspec/messages.py",
    "perpspec/clob/book.py",
    "perpspec/clob/fees.py",
    "perpspec/clob/fills.py",
    "perpspec/clob/matching.py",
    "perpspec/clob/orders.py",
    "perpspec/clob/conditional.py",
    "perpspec/clob/expiry.py",
    "perpspec/transition.py",
]
"""The modules a message runs through (transition and what it calls), compiled."""


def compile_engine(out: Path) -> None:
    """Copy the reference package to ``out`` and compile ENGINE_MODULES there."""
    package = out / "perpspec"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    shutil.copytree(ROOT / "reference" / "perpspec", package, ignore=shutil.ignore_patterns("__pycache__"))
    # --config-file= reads no config file: mypy would otherwise find the repository's
    # pyproject.toml above build/compiled and fail on its sections for modules this run does not see
    command = [sys.executable, "-m", "mypyc", "--config-file=", "--ignore-missing-imports", *ENGINE_MODULES]
    started = time.perf_counter()
    done = subprocess.run(command, cwd=out, capture_output=True, text=True)
    if done.returncode != 0:
        sys.stderr.write(done.stdout[-4000:] + done.stderr[-4000:])
        raise SystemExit(f"mypyc failed (exit {done.returncode})")
    shutil.rmtree(out / "build", ignore_errors=True)
    compiled = sorted(str(p.relative_to(out)) for p in out.rglob("*.so"))
    print(f"compiled {len(compiled)} extensions into {out} in {time.perf_counter() - started:.1f}s")


def check_conformance(out: Path) -> int:
    """Run every conformance vector against the compiled package (the default adapter, the reference)."""
    # icontract reads each condition's signature, which compiled lambdas do not carry:
    # the compiled package runs with contracts off (INV-8), as the benchmarks do
    env = dict(os.environ, PYTHONPATH=str(out), PERPSPEC_CONTRACTS="0")
    probe = "import perpspec.clob.matching as m; print(m.__file__)"
    where = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    print(f"perpspec.clob.matching is {where.stdout.strip()}")
    if not where.stdout.strip().endswith(".so"):
        raise SystemExit("the compiled modules are not the ones imported")
    done = subprocess.run(
        [sys.executable, "-m", "perpspec", "conformance", "run", "--vectors", str(ROOT / "conformance" / "vectors")],
        env=env,
    )
    return done.returncode


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--out", type=Path, default=ROOT / "build" / "compiled", help="where to write (default build/compiled)"
    )
    parser.add_argument(
        "--check", action="store_true", help="then run every conformance vector against the compiled package"
    )
    args = parser.parse_args()
    compile_engine(args.out)
    if args.check:
        raise SystemExit(check_conformance(args.out))


if __name__ == "__main__":
    main()
