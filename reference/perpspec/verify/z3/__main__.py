"""``python -m perpspec.verify.z3 [--full]``: every z3 proof with its time, then the mutants (CLAIM-1)."""

from __future__ import annotations

import sys
import time
from collections import Counter

from perpspec.report import CHECKED, FAILED, INCONCLUSIVE, PROVED, SELF_TEST
from perpspec.verify.z3 import mutation_sanity, run_z3


def main(argv: list[str] | None = None) -> int:
    """``python -m perpspec.verify.z3 [--full]``: every proof with its time, then the mutants."""
    args = sys.argv[1:] if argv is None else argv
    quick = "--full" not in args
    start = time.perf_counter()
    results = run_z3(quick)
    for result in results:
        print(f"{result.status:<12} {result.milliseconds:6d} ms  {result.check}  [{', '.join(result.claims)}]")
        if result.status not in (PROVED, CHECKED):
            print(f"{'':21}{result.detail}: {result.counterexample or ''}")
    counts = Counter(r.status for r in results)
    print(
        f"{', '.join(f'{n} {s}' for s, n in counts.items())} of {len(results)} in {time.perf_counter() - start:.1f} s "
        f"({'quick' if quick else 'full'}); slowest {max(r.milliseconds for r in results)} ms"
    )
    mutants = mutation_sanity()
    caught = sum(r.status == SELF_TEST for r in mutants)
    print(f"mutation sanity: {caught} of {len(mutants)} wrong functions refuted")
    return 1 if counts[FAILED] or counts[INCONCLUSIVE] or caught < len(mutants) else 0


if __name__ == "__main__":
    raise SystemExit(main())
