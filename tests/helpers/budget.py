"""
Example counts scaled by the hypothesis profile (tests/conftest.py, HYPOTHESIS_PROFILE).

A property or state machine states its count as the ``ci`` profile runs it; ``examples(n)``
scales it by the loaded profile's ``max_examples`` over ``ci``'s 100: ``n`` under ``ci`` (the
default), a tenth under ``dev``, ten times under ``thorough``.
"""

from __future__ import annotations

from hypothesis import settings

CI_EXAMPLES = 100
"""``max_examples`` of the ``ci`` profile: a count written for ``ci`` is scaled by the profile's over this."""


def examples(n: int) -> int:
    """``n`` examples scaled by the loaded profile (at least 1)."""
    return max(1, n * settings.default.max_examples // CI_EXAMPLES)


def at_full_budget() -> bool:
    """True under ``ci`` or a larger profile: a run's reach (what it must have exercised) is asserted only then."""
    return settings.default.max_examples >= CI_EXAMPLES
