"""
``python -m perpspec.verify.z3 [--full] [--match TEXT] [--claim ID]``: z3 proofs with their times (CLAIM-1).

With no filter every proof runs, then the mutation sanity (proofs of wrong functions, which
must be refuted).  ``--match`` keeps the proofs whose name contains TEXT (case-insensitive)
and ``--claim`` those that support claim ID; a filtered run skips the mutation sanity, so a
planted bug's command (CLAIM-3) is short.  Exit 1 when a check failed (a counterexample, a
vacuous premise, a broken proof, an unrefuted mutant), else 2 when one was inconclusive or
the filters selected nothing, else 0: a timeout is never a catch, nor a pass (CLAIM-2).
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter

from perpspec.report import CHECKED, FAILED, INCONCLUSIVE, PROVED, SELF_TEST
from perpspec.verify.z3 import mutation_sanity, run_z3


def main(argv: list[str] | None = None) -> int:
    """Run the proofs the arguments select, print one line each, and exit 1 on a failure (CLAIM-2)."""
    parser = argparse.ArgumentParser(prog="python -m perpspec.verify.z3")
    parser.add_argument("--full", action="store_true", help="the full exponent grid and budgets")
    parser.add_argument("--match", help="only the proofs whose name contains this text")
    parser.add_argument("--claim", help="only the proofs of this claim (SOLV-1, RISK-1, ...)")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    quick = not args.full
    filtered = args.match is not None or args.claim is not None
    start = time.perf_counter()
    results = run_z3(quick, match=args.match, claim=args.claim)
    if not results:
        print("no proof matches the filters")
        return 2
    for result in results:
        print(f"{result.status:<12} {result.milliseconds:6d} ms  {result.check}  [{', '.join(result.claims)}]")
        if result.status not in (PROVED, CHECKED):
            print(f"{'':21}{result.detail}: {result.counterexample or ''}")
    counts = Counter(r.status for r in results)
    print(
        f"{', '.join(f'{n} {s}' for s, n in counts.items())} of {len(results)} in {time.perf_counter() - start:.1f} s "
        f"({'quick' if quick else 'full'}); slowest {max(r.milliseconds for r in results)} ms"
    )
    if not filtered:
        mutants = mutation_sanity()
        caught = sum(r.status == SELF_TEST for r in mutants)
        print(f"mutation sanity: {caught} of {len(mutants)} wrong functions refuted")
        counts.update(r.status for r in mutants if r.status in (FAILED, INCONCLUSIVE))
    if counts[FAILED]:
        return 1
    return 2 if counts[INCONCLUSIVE] else 0


if __name__ == "__main__":
    raise SystemExit(main())
