"""
The committed conformance vectors and adapters (conformance/FORMAT.md, conformance/ADAPTER.md):
the manifest, the Node.js adapter, the environment of adapter processes, and tiny Python
adapters that override some handlers of the reference adapter.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

from helpers import paths
from helpers.paths import REPOSITORY, VECTORS

NODE_ADAPTER = REPOSITORY / "conformance" / "adapters" / "node" / "adapter.js"
REFERENCE = str(paths.REFERENCE)
"""The reference folder as a string, for adapter scripts and PYTHONPATH."""
ENV = {
    **os.environ,
    "PYTHONPATH": REFERENCE + (os.pathsep + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else ""),
}
ONLY_FUNCTIONS = [r"^ledger/", r"^traces/"]
ONLY_LEDGER = [r"^functions/", r"^traces/"]
ONLY_LINES = [r"^functions/", r"^ledger/", r"^traces/", r"^geneses/"]

node = shutil.which("node")
"""The Node.js executable, or None when it is not installed."""


def manifest() -> dict:
    return json.loads((VECTORS / "manifest.json").read_text())


def python_adapter(tmp_path: Path, name: str, body: str) -> list[str]:
    """A tiny adapter script: the reference adapter with some handlers overridden."""
    script = tmp_path / f"{name}.py"
    script.write_text(
        "import sys\n"
        f"sys.path.insert(0, {REFERENCE!r})\n"
        "from perpspec.conformance.adapter import ReferenceAdapter, serve\n"
        "class Adapter(ReferenceAdapter):\n" + body + "\n"
        "sys.exit(serve(Adapter(), sys.stdin, sys.stdout))\n"
    )
    return [sys.executable, str(script)]
