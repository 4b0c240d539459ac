"""
The one result shape every check reports (spec/claims.md, CLAIM-1).

`perpspec verify` gathers these from every method, and the conformance runner reports its
suite in the same shape, so neither package imports the other for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

PROVED = "proved"
"""For every input in the check's stated scope (a Z3 unsat, a CrossHair path exploration that finished)."""
CHECKED = "checked"
"""Bounded or sampled: a finite model, random runs, a suite of vectors, a sampled comparison."""
SELF_TEST = "self-test"
"""The method caught a bug planted on purpose: evidence that the method can fail, not that a claim holds."""
INCONCLUSIVE = "inconclusive"
"""The method ran but did not decide: a timeout, a solver's unknown, an unreported condition, a spent budget."""
NOT_RUN = "not-run"
"""The check exists but did not run (its tool is missing, or the run left it out)."""
FAILED = "failed"
"""A counterexample, a broken check, or a planted bug the method did not catch."""

STATUSES = (PROVED, CHECKED, SELF_TEST, INCONCLUSIVE, NOT_RUN, FAILED)
"""Every status a check can end in (CLAIM-2), strongest first."""

EVIDENCE = frozenset({PROVED, CHECKED})
"""The statuses that count toward a claim (CLAIM-2): inconclusive, not-run and self-test results never do."""


def verdict(ok: bool, status: str) -> str:
    """``status`` when the check came out as it must, else FAILED."""
    return status if ok else FAILED


@dataclass
class MethodResult:
    """
    One check by one method of one or more claims.

    ``method`` is one of ``METHODS``; ``check`` names the check (a proof, a model, a
    suite); ``status`` is one of ``STATUSES``; ``counterexample`` holds a concrete
    failing input when there is one.
    """

    claims: tuple[str, ...]
    method: str
    check: str
    status: str
    detail: str = ""
    milliseconds: int = 0
    counterexample: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise ValueError(f"status {self.status!r} is not one of {STATUSES}")

    @property
    def failed(self) -> bool:
        """The check failed: a counterexample, an error, or a planted bug not caught."""
        return self.status == FAILED

    @property
    def is_evidence(self) -> bool:
        """The check counts toward its claims (proved or checked, CLAIM-2)."""
        return self.status in EVIDENCE


METHODS = ("contracts", "hypothesis", "z3", "crosshair", "tla", "conformance", "coverage")
"""Every method that can check a claim, in the order the matrix shows them."""
