"""
The reference adapter: perpspec behind the conformance adapter protocol (conformance/ADAPTER.md).

Run it as ``python -m perpspec.conformance.adapter``.  It reads one JSON request per
line on stdin and writes one JSON response per line on stdout, in order, each
carrying the request's ``id``.  Lines are read as spec/json.md says (ADAPTER.md §1–2):
stdin as bytes, each line decoded as UTF-8 by itself, lines of JSON white space
skipped and every other line answered once (JSON-1); a line that is not UTF-8 or not
strict JSON (JSON-2) is answered ``{"id": null, "error": {"code": "MALFORMED_JSON"}}``.  It implements every op, so it is also the example
for implementers: an adapter for another implementation has the same loop and
replaces the handlers' bodies with calls into that implementation.

Ops: ``hello``, ``reset`` (a genesis, GEN-2), ``apply`` (one message, TX-1),
``query_subaccount`` (SUB-3: an absent subaccount reads as empty), ``state_hash``
(CODEC-3), ``state`` (CODEC-1) and ``eval`` (a catalogue function, CAT-1).  Any
other op is answered ``UNSUPPORTED_OP``.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from typing import Any, BinaryIO, TextIO, cast

import perpspec
from perpspec import errors
from perpspec.catalogue import MAX_DIGITS, evaluate_request
from perpspec.codec import encode_state, encode_subaccount, state_hash
from perpspec.conformance.format import FORMAT_VERSION, UNSUPPORTED_OP
from perpspec.default_genesis import default_genesis
from perpspec.genesis import load_genesis
from perpspec.jsonio import UndecodableLine, iter_lines, parse_json
from perpspec.messages import read_subaccount_id
from perpspec.state import State
from perpspec.subaccounts import get_subaccount
from perpspec.transition import apply_json


def _error(code: str, message: str = "") -> dict:
    return {"error": {"code": code, "message": message or code}}


class ReferenceAdapter:
    """The state of one adapter process and a handler per op."""

    name = "perpspec reference"

    def __init__(self) -> None:
        # Before the first reset the state is the embedded default genesis (GEN-1); the
        # protocol leaves this unspecified and the runner always resets first.
        self.state: State = default_genesis()
        self.handlers: dict[str, Callable[[dict], dict]] = {
            "hello": self.hello,
            "reset": self.reset,
            "apply": self.apply,
            "query_subaccount": self.query_subaccount,
            "state_hash": self.state_hash,
            "state": self.export_state,
            "eval": self.eval,
        }

    def hello(self, request: dict) -> dict:
        return {
            "name": self.name,
            "version": perpspec.__version__,
            "format": FORMAT_VERSION,
            "ops": sorted(self.handlers),
        }

    def reset(self, request: dict) -> dict:
        """Replace the state by the decoded genesis (GEN-2); an invalid one is INVALID_GENESIS and keeps the old state."""
        if "genesis" not in request:
            return _error("MALFORMED_REQUEST", 'reset needs "genesis"')
        try:
            self.state = load_genesis(request["genesis"])
        except errors.InvalidGenesis as error:
            return {"error": error.to_json()}
        return {"ok": True}

    def apply(self, request: dict) -> dict:
        """One message through the transition function: its events, or its error code (TX-1, TX-3)."""
        if "message" not in request:
            return _error("MALFORMED_REQUEST", 'apply needs "message"')
        return apply_json(self.state, request["message"]).to_json()

    def query_subaccount(self, request: dict) -> dict:
        """The subaccount's JSON as in the state (CODEC-1); an absent one reads as empty (SUB-3)."""
        try:
            subaccount_id = read_subaccount_id(request.get("subaccountId"), "subaccountId")
        except errors.ProtocolError as error:
            return {"error": error.to_json()}
        return {"subaccount": encode_subaccount(get_subaccount(self.state, subaccount_id))}

    def state_hash(self, request: dict) -> dict:
        return {"stateHash": state_hash(self.state)}

    def export_state(self, request: dict) -> dict:
        return {"state": encode_state(self.state)}

    def eval(self, request: dict) -> dict:
        """A catalogue function (CAT-1..5): ``function`` and ``inputs`` as in a ``perpspec eval`` line."""
        call: dict[str, Any] = {key: request[key] for key in ("function", "inputs") if key in request}
        try:
            return {"output": evaluate_request(call)}
        except errors.PerpspecError as error:
            return {"error": error.to_json()}
        except (MemoryError, RecursionError):
            return {"error": errors.LimitExceeded("the request is too large to evaluate").to_json()}

    def answer(self, line: str | UndecodableLine) -> dict:
        """The response to one request line (ADAPTER.md §2); a line JSON-1 or JSON-2 refuses is MALFORMED_JSON; never raises."""
        if isinstance(line, UndecodableLine):
            return {"id": None, **_error("MALFORMED_JSON", line.message)}
        try:
            request = parse_json(line, errors.MalformedJson, max_digits=MAX_DIGITS)
        except errors.MalformedJson as error:
            return {"id": None, **_error("MALFORMED_JSON", error.message)}
        if not isinstance(request, dict):
            return {"id": None, **_error("MALFORMED_REQUEST", "a request is a JSON object")}
        request_id = request.get("id")
        op = request.get("op")
        if not isinstance(op, str):
            return {"id": request_id, **_error("MALFORMED_REQUEST", 'a request has a string "op"')}
        handler = self.handlers.get(op)
        if handler is None:
            return {"id": request_id, **_error(UNSUPPORTED_OP, f"op {op!r} is not implemented")}
        try:
            return {"id": request_id, **handler(request)}
        except Exception as error:  # one bad request never stops the adapter (as CAT-5 for eval)
            return {"id": request_id, **_error("INTERNAL_ERROR", f"{type(error).__name__}: {error}")}


def serve(adapter: ReferenceAdapter, stdin: BinaryIO | TextIO, stdout: TextIO) -> int:
    """
    Answer every line of ``stdin`` that JSON-1 does not skip, in order, until end of input.

    ``stdin`` is read as bytes (a text stream through its ``buffer``), so that a line that
    is not UTF-8 is answered, not fatal; each answer is flushed as it is made.
    """
    for line in iter_lines(cast(BinaryIO, getattr(stdin, "buffer", stdin))):
        response = adapter.answer(line)
        try:
            text = json.dumps(response, separators=(",", ":"), ensure_ascii=True, default=_refuse)
        except (TypeError, ValueError) as error:  # for example an "id" that is a JSON fraction
            text = json.dumps({"id": None, **_error("MALFORMED_REQUEST", str(error))})
        stdout.write(text + "\n")
        stdout.flush()
    return 0


def _refuse(value: Any) -> Any:
    raise TypeError(f"not JSON: {type(value).__name__}")


def main() -> int:
    return serve(ReferenceAdapter(), sys.stdin, sys.stdout)


if __name__ == "__main__":
    sys.exit(main())
