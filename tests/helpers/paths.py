"""The checkout's folders, found from this file (tests/helpers/paths.py)."""

from __future__ import annotations

from pathlib import Path

REPOSITORY = Path(__file__).resolve().parents[2]
"""The checkout: spec/, reference/, tests/, conformance/, tla/."""
REFERENCE = REPOSITORY / "reference"
"""The folder holding the ``perpspec`` package, for subprocesses' PYTHONPATH."""
SPEC = REPOSITORY / "spec"
VECTORS = REPOSITORY / "conformance" / "vectors"
TLA = REPOSITORY / "tla"
