"""
The one result shape every check reports (spec/claims.md, CLAIM-1).

`perpspec verify` gathers these from every method, and the conformance runner reports its
suite in the same shape, so neither package imports the other for it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass
class MethodResult:
    """
    One check by one method of one or more claims.

    ``method`` is one of ``METHODS``; ``check`` names the check (a proof, a model, a
    suite); ``counterexample`` holds a concrete failing input when there is one.
    """

    claims: tuple[str, ...]
    method: str
    check: str
    passed: bool
    detail: str = ""
    milliseconds: int = 0
    counterexample: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


METHODS = ("contracts", "hypothesis", "z3", "crosshair", "tla", "conformance", "coverage")
"""Every method that can check a claim, in the order the matrix shows them."""
