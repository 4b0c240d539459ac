"""
The conformance suite: frozen vectors other implementations must reproduce (conformance/FORMAT.md).

- ``perpspec.conformance.generate`` writes the vectors from the reference
  (``perpspec conformance generate``): catalogue functions (CAT-1), hand-written
  ledger scenarios and seeded random traces of the transition function (TX-1).
- ``perpspec.conformance.runner`` runs them against an adapter process speaking the
  protocol of conformance/ADAPTER.md (``perpspec conformance run``), reports the
  first divergence of every failing vector, and fails if any vector file was never
  read.
- ``perpspec.conformance.adapter`` is the reference's own adapter, and the example
  for implementers.
"""

from perpspec.conformance.format import FORMAT_VERSION

__all__ = ["FORMAT_VERSION"]
