"""
Symbolic path exploration: run a real, branching Python function on z3 terms (spec/claims.md, CLAIM-1).

Some functions of the reference branch with Python ``if`` on comparisons
(``compute_undercollateralized_result``, ``risk_compare``) or sort
(``median_round_half_away_from_zero``); a z3 term cannot answer ``if``.  This module
runs such a function unchanged on ``SymInt`` stand-ins: every comparison of a
``SymInt`` asks the explorer, which answers ``True`` or ``False``, records the
branch condition, and later re-runs the function to take the other side whenever
both are feasible under the premise.  The result is every path the function can
take, each with its path condition (a conjunction of z3 conditions) and its result.

The paths are mutually exclusive by construction (two paths differ at a decision
taken one way on one and the other way on the other) and, unless the explorer
stopped at its path limit, exhaustive under the premise; ``Paths.exhaustive()`` is
the formula a proof checks to confirm the latter.

Arithmetic on ``SymInt`` builds z3 terms, with one convention: ``a / b`` is SMT
integer division, as on z3 terms, which is what ``perpspec.rounding.floor_div``
uses for a positive divisor (ROUND-2).  ``%``, ``int()`` and indexing are refused, as
they are on z3 terms, so the function runs its z3 branch.  ``//`` is refused too unless
the explorer is made with ``floor_division=True``, for the integer-only fast paths of the
collateral check: then each ``//`` branches on its divisor being positive and is exact.

An explorer made with ``int_branch=True`` hands out ``IntSymInt`` instead: a ``SymInt`` that
*is* a Python ``int`` (``isinstance(x, int)`` holds), so the dual-path helpers of
``perpspec.rounding`` and ``perpspec.margin`` take the integer branch the state machine runs
(``abs``, ``//``, early returns) rather than their z3 branch; every operation an ``int`` has
and a ``SymInt`` does not define (``str``, ``**``, bit operations, ``int()``) raises, so no
concrete stand-in value can leak into a result.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import z3


class PathLimitExceeded(Exception):
    """The function has more feasible paths than the explorer was allowed to run."""


class NonPositiveDivisor(ArithmeticError):
    """A floor division by a divisor that can be zero or negative on this path."""


class InfeasibleBranch(Exception):
    """Neither side of a branch is feasible: the path itself was infeasible (a solver bug or a timeout)."""


def term(value: Any) -> Any:
    """The z3 term of a ``SymInt``, an ``IntVal`` for a Python int, other values as they are."""
    if isinstance(value, SymInt):
        return value.term
    if isinstance(value, bool):
        return z3.BoolVal(value)
    if isinstance(value, int):
        return z3.IntVal(value)
    return value


class SymInt:
    """A z3 integer term whose comparisons branch through an explorer."""

    def __init__(self, value: Any, explorer: Explorer) -> None:
        self.term = value
        self.explorer = explorer

    def _wrap(self, value: Any) -> SymInt:
        return type(self)(value, self.explorer)

    # arithmetic
    def __add__(self, other: Any) -> SymInt:
        return self._wrap(self.term + term(other))

    def __radd__(self, other: Any) -> SymInt:
        return self._wrap(term(other) + self.term)

    def __sub__(self, other: Any) -> SymInt:
        return self._wrap(self.term - term(other))

    def __rsub__(self, other: Any) -> SymInt:
        return self._wrap(term(other) - self.term)

    def __mul__(self, other: Any) -> SymInt:
        return self._wrap(self.term * term(other))

    def __rmul__(self, other: Any) -> SymInt:
        return self._wrap(term(other) * self.term)

    def __truediv__(self, other: Any) -> SymInt:
        return self._wrap(self.term / term(other))  # SMT div, as on z3 terms

    def __rtruediv__(self, other: Any) -> SymInt:
        return self._wrap(term(other) / self.term)

    def __neg__(self) -> SymInt:
        return self._wrap(-self.term)

    def __pos__(self) -> SymInt:
        return self

    def __abs__(self) -> SymInt:
        return self if self >= 0 else -self

    # comparisons branch
    def __lt__(self, other: Any) -> bool:
        return self.explorer.branch(self.term < term(other))

    def __le__(self, other: Any) -> bool:
        return self.explorer.branch(self.term <= term(other))

    def __gt__(self, other: Any) -> bool:
        return self.explorer.branch(self.term > term(other))

    def __ge__(self, other: Any) -> bool:
        return self.explorer.branch(self.term >= term(other))

    def __eq__(self, other: Any) -> bool:  # type: ignore[override]
        return self.explorer.branch(self.term == term(other))

    def __ne__(self, other: Any) -> bool:  # type: ignore[override]
        return self.explorer.branch(self.term != term(other))

    def __bool__(self) -> bool:
        return self.explorer.branch(self.term != 0)

    __hash__ = object.__hash__

    # floor division: only where the explorer allows it, and only by a positive divisor
    def __floordiv__(self, other: Any) -> SymInt:
        return self._wrap(self.explorer.floor_divide(self.term, term(other)))

    def __rfloordiv__(self, other: Any) -> SymInt:
        return self._wrap(self.explorer.floor_divide(term(other), self.term))

    # what a z3 term also refuses
    def __mod__(self, other: Any) -> Any:
        raise TypeError("SymInt: no % on symbolic integers (use perpspec.rounding)")

    __rmod__ = __mod__

    def __int__(self) -> int:
        raise TypeError("SymInt: a symbolic integer has no concrete value")

    __index__ = __int__

    def __repr__(self) -> str:
        return f"SymInt({self.term})"


def _refuse(name: str) -> Callable[..., Any]:
    def refused(self: Any, *args: Any) -> Any:
        raise TypeError(f"IntSymInt: no {name} on a symbolic integer")

    return refused


class IntSymInt(SymInt, int):  # type: ignore[misc]  # int's operators, made symbolic
    """
    A ``SymInt`` that is an ``int``, so functions take their integer branch (``int_branch=True``).

    Its ``int`` value is a dummy 0 that nothing may read: every ``int`` operation ``SymInt``
    does not define is refused below.  As a subclass of ``int`` its reflected operators run
    first (``3 - x`` calls ``x.__rsub__``), so mixed arithmetic stays symbolic too.
    """

    def __new__(cls, value: Any, explorer: Explorer) -> IntSymInt:
        return int.__new__(cls, 0)

    __str__ = __format__ = _refuse("str")  # type: ignore[assignment]
    __pow__ = __rpow__ = _refuse("**")  # type: ignore[assignment]
    __lshift__ = __rlshift__ = __rshift__ = __rrshift__ = _refuse("shift")  # type: ignore[assignment]
    __and__ = __rand__ = __or__ = __ror__ = __xor__ = __rxor__ = _refuse("bit operation")  # type: ignore[assignment]
    __invert__ = _refuse("~")  # type: ignore[assignment]
    __divmod__ = __rdivmod__ = _refuse("divmod")  # type: ignore[assignment]
    __float__ = __round__ = __trunc__ = __floor__ = __ceil__ = _refuse("float or round")  # type: ignore[assignment]
    bit_length = to_bytes = as_integer_ratio = conjugate = _refuse("int method")  # type: ignore[assignment]
    __int__ = __index__ = _refuse("int()")  # type: ignore[assignment]
    __hash__ = object.__hash__  # type: ignore[assignment]


@dataclass
class Path:
    """One feasible path: its condition, and what the function returned or raised."""

    conditions: list[Any]
    value: Any = None
    error: BaseException | None = None

    def condition(self) -> Any:
        return z3.And(*self.conditions) if self.conditions else z3.BoolVal(True)


@dataclass
class Paths:
    """Every path of one exploration."""

    paths: list[Path]
    feasibility_checks: int

    @property
    def returned(self) -> list[Path]:
        return [p for p in self.paths if p.error is None]

    @property
    def raised(self) -> list[Path]:
        return [p for p in self.paths if p.error is not None]

    def where(self, predicate: Callable[[Any], Any]) -> Any:
        """The condition under which the function returns a value satisfying ``predicate``."""
        cases = []
        for path in self.returned:
            holds = predicate(path.value)
            if holds is False:
                continue
            cases.append(path.condition() if holds is True else z3.And(path.condition(), holds))
        return z3.Or(*cases) if cases else z3.BoolVal(False)

    def raising(self) -> Any:
        """The condition under which the function raises."""
        cases = [p.condition() for p in self.raised]
        return z3.Or(*cases) if cases else z3.BoolVal(False)

    def exhaustive(self) -> Any:
        """Some path is taken: proved valid under the premise, this confirms no path was missed."""
        return z3.Or(*[p.condition() for p in self.paths]) if self.paths else z3.BoolVal(False)


class Explorer:
    """Runs a function repeatedly, once per feasible combination of branch decisions."""

    def __init__(
        self,
        premise: Any,
        timeout_ms: int = 5_000,
        max_paths: int = 5_000,
        floor_division: bool = False,
        int_branch: bool = False,
    ) -> None:
        self.floor_division = floor_division or int_branch
        self.symbol_class: type[SymInt] = IntSymInt if int_branch else SymInt
        self.solver = z3.Solver()
        self.solver.set("timeout", timeout_ms)
        self.solver.add(premise)
        self.max_paths = max_paths
        self.checks = 0
        self._prefix: list[bool] = []
        self._decisions: list[bool] = []
        self._conditions: list[Any] = []
        self._pending: list[list[bool]] = []

    def floor_divide(self, numerator: Any, divisor: Any) -> Any:
        """
        ``numerator // divisor`` for the integer fast paths (``floor_division=True`` only).

        A divisor that may not be positive is a branch: on the side where it is not, the
        path raises ``NonPositiveDivisor``, so a proof's "no path raises" lemma must show the
        premise rules it out.  For a positive divisor SMT integer division is floor division,
        so the term is exact.
        """
        if not self.floor_division:
            raise TypeError("SymInt: no // on symbolic integers (use perpspec.rounding)")
        if not self.branch(divisor > 0):
            raise NonPositiveDivisor(str(divisor))
        return numerator / divisor

    # The two return Any, not SymInt, on purpose: a SymInt goes where the reference's integer
    # functions expect an int (they are typed for int and run unchanged on it), so the
    # explorer's values are untyped at this boundary rather than those functions weakened.
    def symbol(self, name: str) -> Any:
        """A new symbolic integer ``name``, as a ``SymInt`` (an ``IntSymInt`` with ``int_branch``)."""
        return self.symbol_class(z3.Int(name), self)

    def wrap(self, value: Any) -> Any:
        """``value`` (a z3 term or an int) as a ``SymInt`` (an ``IntSymInt`` with ``int_branch``)."""
        return self.symbol_class(term(value), self)

    def _feasible(self, condition: Any) -> bool:
        self.checks += 1
        self.solver.push()
        self.solver.add(*self._conditions, condition)
        result = self.solver.check()
        self.solver.pop()
        return result != z3.unsat  # unknown counts as feasible: exploring more is sound

    def branch(self, condition: Any) -> bool:
        condition = z3.simplify(condition)
        if z3.is_true(condition):
            return True
        if z3.is_false(condition):
            return False
        index = len(self._decisions)
        if index < len(self._prefix):
            take = self._prefix[index]
        else:
            can_true = self._feasible(condition)
            can_false = self._feasible(z3.Not(condition))
            if can_true and can_false:
                self._pending.append(self._decisions + [False])
                take = True
            elif can_true or can_false:
                take = can_true
            else:
                raise InfeasibleBranch(str(condition))
        self._decisions.append(take)
        self._conditions.append(condition if take else z3.Not(condition))
        return take

    def explore(self, function: Callable[[], Any]) -> Paths:
        """Every feasible path of ``function()`` (which builds its own ``SymInt`` inputs or closes over them)."""
        paths: list[Path] = []
        self._pending = [[]]
        while self._pending:
            if len(paths) >= self.max_paths:
                raise PathLimitExceeded(f"more than {self.max_paths} paths")
            self._prefix = self._pending.pop()
            self._decisions, self._conditions = [], []
            try:
                value = function()
            except (InfeasibleBranch, PathLimitExceeded):
                raise
            except Exception as error:
                paths.append(Path(list(self._conditions), error=error))
                continue
            paths.append(Path(list(self._conditions), value=value))
        return Paths(paths, self.checks)
