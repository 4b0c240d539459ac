"""What the z3 and CrossHair tests share (CLAIM-1)."""

from __future__ import annotations

ARITHMETIC_CLAIMS = {"CONV-1", "RISK-1", "SOLV-1", "ORACLE-1", "CONS-2", "CONS-3", "RO-1"}
"""The claims the arithmetic checkers (z3 proofs, CrossHair's contracted wrappers) cover, together."""

Z3_CLAIMS = ARITHMETIC_CLAIMS | {"BANKR-1"}
"""The claims z3 proves: the arithmetic ones and BANKR-1 (the liquidation prices, which CrossHair does not check)."""
Z3_ONLY_CLAIMS = {"CONS-4", "ORACLE-2", "SOLV-3"}
"""Claims z3 proves and CrossHair does not check (their second method is hypothesis)."""
