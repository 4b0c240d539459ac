"""``python -m perpspec.verify.z3 [--full]``: every z3 proof with its time, then the mutants (CLAIM-1)."""

from __future__ import annotations

import sys
import time

from perpspec.verify.z3 import mutation_sanity, run_z3


def main(argv: list[str] | None = None) -> int:
    """``python -m perpspec.verify.z3 [--full]``: every proof with its time, then the mutants."""
    args = sys.argv[1:] if argv is None else argv
    quick = "--full" not in args
    start = time.perf_counter()
    results = run_z3(quick)
    for result in results:
        status = "PROVED" if result.passed else "FAILED"
        print(f"{status} {result.milliseconds:6d} ms  {result.check}  [{', '.join(result.claims)}]")
        if not result.passed:
            print(f"{'':18}{result.detail}: {result.counterexample or ''}")
    failed = [r for r in results if not r.passed]
    print(
        f"{len(results) - len(failed)} of {len(results)} proved in {time.perf_counter() - start:.1f} s "
        f"({'quick' if quick else 'full'}); slowest {max(r.milliseconds for r in results)} ms"
    )
    mutants = mutation_sanity()
    survivors = [r.check for r in mutants if r.passed]
    print(f"mutation sanity: {len(mutants) - len(survivors)} of {len(mutants)} wrong functions refuted")
    return 1 if failed or survivors else 0


if __name__ == "__main__":
    raise SystemExit(main())
