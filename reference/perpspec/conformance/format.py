"""
Constants and encodings shared by the generator, the runner and the reference adapter
(conformance/FORMAT.md, conformance/ADAPTER.md).

Vector files are canonical: keys sorted, two-space indentation, ASCII only, one final
newline; so regenerating them gives the same bytes (TX-6, CODEC-2).
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from typing import Any

from perpspec.jsonio import decimal_string

FORMAT_VERSION = "perpspec conformance format 4"
"""The one string every vector file and the manifest carry; a runner refuses any other."""

SUITES = ("functions", "ledger", "traces", "lines", "geneses")
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


def request_line(request_id: int, request: dict[str, Any]) -> bytes:
    """One request as the runner writes it: ``{"id": N, ...}`` on one ASCII line, without spaces, ended by LF (ADAPTER.md §1)."""
    text = json.dumps({"id": request_id, **request}, separators=(",", ":"), ensure_ascii=True)
    return text.encode("ascii") + b"\n"


def file_bytes(document: Any) -> bytes:
    """The canonical bytes of a vector file: sorted keys, indent 2, ASCII, final newline."""
    return (json.dumps(document, sort_keys=True, indent=2, ensure_ascii=True) + "\n").encode("ascii")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


# --- JSON Patch: a geneses case's genesis is its file's base genesis with the case's patch ---------


class PatchError(ValueError):
    """A JSON Patch that cannot be applied to its document (FORMAT.md §12)."""


PATCH_FIELDS = {"add": {"op", "path", "value"}, "replace": {"op", "path", "value"}, "remove": {"op", "path"}}
"""The operations of RFC 6902 a geneses vector uses, each with exactly its fields."""

_ARRAY_INDEX = re.compile(r"0|[1-9][0-9]*")


def parse_pointer(pointer: str) -> list[str]:
    """The reference tokens of a JSON Pointer (RFC 6901): ``""`` is the whole document, ``~1`` is ``/``, ``~0`` is ``~``."""
    if pointer == "":
        return []
    if not pointer.startswith("/"):
        raise PatchError(f"a JSON Pointer is empty or starts with '/': {pointer!r}")
    return [token.replace("~1", "/").replace("~0", "~") for token in pointer[1:].split("/")]


def _index(container: list, token: str, pointer: str, *, appending: bool = False) -> int:
    """An array index token (RFC 6901 §4): digits without a leading zero, within the array (or one past it to add)."""
    if appending and token == "-":
        return len(container)
    if _ARRAY_INDEX.fullmatch(token) is None:
        raise PatchError(f"{pointer}: {token!r} is not an array index")
    index = int(token)
    if index > len(container) or (index == len(container) and not appending):
        raise PatchError(f"{pointer}: index {index} is outside an array of {len(container)}")
    return index


def _parent(document: Any, tokens: list[str], pointer: str) -> Any:
    """The value the pointer's last token is looked up in: every earlier token must exist."""
    target = document
    for token in tokens[:-1]:
        if isinstance(target, dict) and token in target:
            target = target[token]
        elif isinstance(target, list):
            target = target[_index(target, token, pointer)]
        else:
            raise PatchError(f"{pointer}: {token!r} does not exist")
    return target


def _apply_operation(document: Any, operation: Any) -> Any:
    """One RFC 6902 operation (add, remove or replace) on ``document``, changed in place; returns the document."""
    op = operation.get("op") if isinstance(operation, dict) else None
    if not isinstance(op, str) or set(operation) != PATCH_FIELDS.get(op) or not isinstance(operation["path"], str):
        raise PatchError(f"not an add, remove or replace operation with exactly its fields: {operation!r}")
    pointer = operation["path"]
    tokens = parse_pointer(pointer)
    value = copy.deepcopy(operation.get("value"))
    if not tokens:
        if op == "remove":
            raise PatchError("the whole document cannot be removed")
        return value
    parent, last = _parent(document, tokens, pointer), tokens[-1]
    if isinstance(parent, dict):
        if op != "add" and last not in parent:
            raise PatchError(f"{pointer}: nothing to {op}")
        if op == "remove":
            del parent[last]
        else:
            parent[last] = value
    elif isinstance(parent, list):
        index = _index(parent, last, pointer, appending=op == "add")
        if op == "add":
            parent.insert(index, value)
        elif op == "remove":
            del parent[index]
        else:
            parent[index] = value
    else:
        raise PatchError(f"{pointer}: the parent is neither an object nor an array")
    return document


def apply_patch(document: Any, patch: list[dict]) -> Any:
    """
    ``document`` with a JSON Patch applied (RFC 6902, the ``add``, ``remove`` and ``replace``
    operations only, in order), as a new value; ``document`` is not changed (FORMAT.md §12).
    """
    result = copy.deepcopy(document)
    for operation in patch:
        result = _apply_operation(result, operation)
    return result
