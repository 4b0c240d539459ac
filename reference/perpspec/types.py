"""
Identifiers and unit names shared by every module (spec/units.md, spec/subaccounts.md, spec/clob.md).

Amounts are Python integers of unbounded size; the aliases below name the unit an integer
is in, so a signature says what it takes (``QuoteQuantums``, not ``int``).  They are
aliases, not ``NewType``s: every arithmetic step would otherwise need a cast, and the
units are checked by the rules' tests and proofs, not by the type checker.
"""

from __future__ import annotations

from typing import NamedTuple, TypeAlias

QuoteQuantums: TypeAlias = int
"""An amount of USDC in quote quantums, 1e-6 USDC (UNITS-1)."""

BaseQuantums: TypeAlias = int
"""An amount of a perpetual's coin in base quantums, 10^atomic_resolution coins (UNITS-2)."""

Subticks: TypeAlias = int
"""An order price in subticks (UNITS-6)."""

Ppm: TypeAlias = int
"""Parts per million: 1_000_000 is 100% (UNITS-8)."""

MAX_SUBACCOUNT_NUMBER = 127
"""Subaccount numbers run 0..127 (SUB-1)."""


class SubaccountId(NamedTuple):
    """
    A subaccount: its owner's bech32 address and a number 0..127 (SUB-1).

    A named tuple, like ``OrderId``: immutable, ordered by owner then number, and hashed
    by the interpreter itself (ids are hashed several times per message).
    """

    owner: str
    number: int


class OrderId(NamedTuple):
    """An order's identity: subaccount, client id, order flags and clob pair (ORDER-1)."""

    subaccount_id: SubaccountId
    client_id: int
    order_flags: int
    clob_pair_id: int
