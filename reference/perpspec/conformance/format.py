"""
Constants and encodings shared by the generator, the runner and the reference adapter
(conformance/FORMAT.md, conformance/ADAPTER.md).

Vector files are canonical: keys sorted, two-space indentation, ASCII only, one final
newline; so regenerating them gives the same bytes (TX-6, CODEC-2).
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from perpspec.jsonio import decimal_string

FORMAT_VERSION = "perpspec conformance format 4"
"""The one string every vector file and the manifest carry; a runner refuses any other."""

SUITES = ("functions", "ledger", "traces", "lines")
"""The suites, in the order the runner runs and reports them."""

MANIFEST = "manifest.json"

UNSUPPORTED_OP = "UNSUPPORTED_OP"
"""What an adapter answers for an op it does not implement (ADAPTER.md)."""

ADAPTER_ERROR_CODES = {
    "UNSUPPORTED_OP": "the adapter does not implement this op",
    "MALFORMED_JSON": "the request line is not UTF-8 or not strict JSON (JSON-1, JSON-2)",
    "MALFORMED_REQUEST": "the request is not an object with an op, or an op's fields are wrong",
}
"""Codes an adapter may answer about the protocol itself, besides the protocol's own codes."""

SAFE_INTEGER = 2**53
"""Integers beyond this magnitude are written as decimal strings (as CAT-3 does)."""


def encode_int(value: int) -> int | str:
    """A JSON number within 2^53 in magnitude, else a decimal string."""
    return value if -SAFE_INTEGER <= value <= SAFE_INTEGER else decimal_string(value)


def file_bytes(document: Any) -> bytes:
    """The canonical bytes of a vector file: sorted keys, indent 2, ASCII, final newline."""
    return (json.dumps(document, sort_keys=True, indent=2, ensure_ascii=True) + "\n").encode("ascii")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
