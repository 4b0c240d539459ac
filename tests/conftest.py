"""
Test-run settings (spec/invariants.md, INV-8).

The tests run with contracts strict: every icontract condition, and the TX-2 comparison of
the whole state around each rejected message.  The switch is read when perpspec is first
imported, which is after this file, so it is set here; a run may override it.
"""

from __future__ import annotations

import os

os.environ.setdefault("PERPSPEC_CONTRACTS", "strict")
