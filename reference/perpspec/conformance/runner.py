"""
``perpspec conformance run``: run every vector against an adapter process (conformance/ADAPTER.md).

The runner starts the adapter once, speaks JSON lines to it over stdin/stdout, and
for each vector compares the adapter's answers with the vector's expectations:

- a function case (CAT-1..5): the ``output``, or the error ``code``;
- a ledger scenario or trace (TX-1..6): after ``reset`` to the genesis, the genesis
  state hash, then for each step the events or error code, the touched subaccounts'
  JSON and the state hash (CODEC-3);
- a raw line (JSON-1, JSON-2): the line's bytes, then a ``hello`` request; the line must
  get exactly one answer, with ``id`` null and the expected error code, or none at all;
- an invalid genesis (GEN-2, GEN-3): ``reset`` to the file's base genesis and its hash,
  ``reset`` to the case's genesis (the base with the case's JSON Patch applied), which must
  be refused with the expected code, then the hash, which must not have moved: a refused
  ``reset`` keeps the previous state (ADAPTER.md §2).

A vector passes, fails (the runner reports its first divergence: the message index,
the field path, the expected and the actual value) or is unsupported (the adapter
answered ``UNSUPPORTED_OP`` to an op the vector needs).  The runner logs every file
it reads and, at the end, fails if any file under the vectors folder was never read
and not explicitly excluded (Lighthouse's ``check_all_files_accessed``), or if a
file's SHA-256 differs from the manifest's.

With no adapter command, the reference adapter ``python -m perpspec.conformance.adapter``
is used.  ``run_conformance`` reports the same as ``MethodResult``s for ``perpspec
verify``, with a self-check that regenerating the vectors gives the same bytes (claim DET-1).
"""

from __future__ import annotations

import json
import os
import queue
import re
import shlex
import subprocess
import sys
import tempfile
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from perpspec.conformance.format import (
    FORMAT_VERSION,
    MANIFEST,
    SUITES,
    UNSUPPORTED_OP,
    PatchError,
    apply_patch,
    request_line,
    sha256_hex,
)
from perpspec.jsonio import integer_from_decimal, parse_json

ABSENT = "<absent>"
DEFAULT_TIMEOUT_SECONDS = 60.0


# --- errors of the run itself ------------------------------------------------------------


class AdapterFailure(Exception):
    """The adapter process died, hung, or broke the protocol; every vector after this fails."""


class VectorsUnusable(Exception):
    """The vectors folder cannot be run: no manifest, another format version."""


# --- the adapter process -------------------------------------------------------------------


def reference_adapter_command() -> list[str]:
    return [sys.executable, "-m", "perpspec.conformance.adapter"]


def _reference_env() -> dict[str, str]:
    """The environment for the reference adapter: this perpspec first on the path."""
    package_parent = str(Path(__file__).resolve().parent.parent.parent)
    env = dict(os.environ)
    env["PYTHONPATH"] = package_parent + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    return env


class JsonFraction(str):
    """A JSON number with a fraction or an exponent in an adapter's answer: never equal to an integer."""


def read_json_bytes(data: bytes, what: str) -> Any:
    """
    A vector file, the manifest or an error map: UTF-8 and strict JSON (JSON-2), else ``VectorsUnusable``.

    Integers are read at any length; fractions become floats, as the generator wrote
    them, so that a request is sent as the vector wrote it (FORMAT.md §3). A fraction the
    runner could not write back with the same text (``1E3``, ``1.50``, ``1e400``, which a
    float would send as ``1000.0``, ``1.5`` or ``Infinity``) makes the file unusable rather
    than be sent as another number.
    """
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise VectorsUnusable(f"{what} is not UTF-8: {error.reason} at byte {error.start}") from None

    def fraction(number: str) -> float:
        value = float(number)
        if json.dumps(value) != number:
            raise VectorsUnusable(f"{what}: the number {number[:40]} cannot be sent as written (it would be {value!r})")
        return value

    return parse_json(text, lambda message: VectorsUnusable(f"{what}: {message}"), max_digits=None, fraction=fraction)


def read_answer(line: bytes) -> Any:
    """
    One line of an adapter's output as strict JSON (JSON-2): UTF-8, no key twice, no NaN.

    Integers are read at any length (CAT-3 results can pass 4,300 digits); a number with
    a fraction or an exponent is a ``JsonFraction``, never equal to an integer. Unpaired
    surrogate escapes are kept: an adapter's free-text message may echo its input, and
    no expected value holds one. A line that is not strict JSON raises ``ValueError``.
    """
    return parse_json(line.decode("utf-8"), ValueError, max_digits=None, fraction=JsonFraction, surrogates=True)


def _answers(answer: dict, request_id: int) -> bool:
    """Whether ``answer`` carries ``request_id`` (an integer, not ``true`` standing for 1)."""
    got = answer.get("id")
    return isinstance(got, int) and not isinstance(got, bool) and got == request_id


class AdapterProcess:
    """One adapter process, started once; requests are pipelined and answered in order."""

    def __init__(
        self, command: list[str], env: dict[str, str] | None = None, timeout: float = DEFAULT_TIMEOUT_SECONDS
    ) -> None:
        self.command = command
        self.timeout = timeout
        self.next_id = 0
        try:
            self.process = subprocess.Popen(
                command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, bufsize=0
            )
        except OSError as error:
            raise AdapterFailure(f"cannot start the adapter {shlex.join(command)}: {error.strerror or error}") from None
        self.lines: queue.Queue = queue.Queue()
        self.stderr_tail: deque[str] = deque(maxlen=20)
        threading.Thread(target=self._read_stdout, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read_stdout(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line)
        self.lines.put(None)

    def _read_stderr(self) -> None:
        assert self.process.stderr is not None
        for line in self.process.stderr:
            self.stderr_tail.append(line.decode("utf-8", "replace").rstrip("\n"))

    def _died(self, what: str) -> AdapterFailure:
        tail = "\n".join(self.stderr_tail)
        return AdapterFailure(what + (f"; its stderr ends with:\n{tail}" if tail else ""))

    def _request_line(self, request: dict) -> tuple[int, bytes]:
        self.next_id += 1
        return self.next_id, request_line(self.next_id, request)

    def _send(self, payload: bytes) -> None:
        assert self.process.stdin is not None
        try:
            self.process.stdin.write(payload)
            self.process.stdin.flush()
        except (BrokenPipeError, OSError):
            raise self._died("the adapter closed its input (it exited)") from None

    def _next_answer(self, request_id: int) -> dict:
        """The adapter's next output line as a JSON object, read while waiting for request ``request_id``'s answer."""
        try:
            line = self.lines.get(timeout=self.timeout)
        except queue.Empty:
            raise AdapterFailure(f"the adapter did not answer request {request_id} within {self.timeout:g} s") from None
        if line is None:
            self.lines.put(None)
            raise self._died(f"the adapter exited (code {self.process.poll()}) before answering request {request_id}")
        try:
            answer = read_answer(line)
        except ValueError as error:
            raise AdapterFailure(
                f"the adapter's answer to request {request_id} is not JSON ({error}): {line[:200]!r}"
            ) from None
        if not isinstance(answer, dict):
            raise AdapterFailure(f"protocol error: the answer to request {request_id} is not a JSON object")
        return answer

    def request_many(self, requests: list[dict]) -> list[dict]:
        """Send every request, then read one answer per request, checking the ids (ADAPTER.md)."""
        ids = []
        payload = bytearray()
        for request in requests:
            request_id, line = self._request_line(request)
            ids.append(request_id)
            payload += line
        self._send(bytes(payload))
        answers = []
        for request_id in ids:
            answer = self._next_answer(request_id)
            if not _answers(answer, request_id):
                raise AdapterFailure(
                    f"protocol error: expected the answer to request {request_id}, got id {answer.get('id')!r}"
                )
            answers.append(answer)
        return answers

    def raw_lines(self, lines: list[bytes]) -> list[list[dict]]:
        """
        Send each raw line (its bytes and an LF), each followed by a ``hello`` request,
        and return, per line, the answers that came before that request's (JSON-1).

        The ``hello`` answers carry their ids, so the runner knows where each line's
        answers end: a line skipped has none, a line answered once has one.
        """
        ids = []
        payload = bytearray()
        for line in lines:
            request_id, sentinel = self._request_line({"op": "hello"})
            ids.append(request_id)
            payload += line + b"\n" + sentinel
        self._send(bytes(payload))
        answers: list[list[dict]] = []
        for request_id in ids:
            before: list[dict] = []
            while True:
                answer = self._next_answer(request_id)
                if _answers(answer, request_id):
                    break
                before.append(answer)
            answers.append(before)
        return answers

    def request(self, request: dict) -> dict:
        return self.request_many([request])[0]

    def close(self) -> None:
        try:
            if self.process.stdin is not None:
                self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


# --- comparing -------------------------------------------------------------------------------

_DECIMAL = re.compile(r"-?[0-9]+\Z")


def _as_integer(value: Any) -> int | None:
    """An integer written as a JSON number or a decimal string; None for anything else."""
    if isinstance(value, (bool, JsonFraction)):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, str) and value.isascii() and _DECIMAL.match(value):
        return integer_from_decimal(value)
    return None


def first_difference(expected: Any, actual: Any, path: str = "", strict: bool = False) -> tuple[str, Any, Any] | None:
    """
    The first place where ``actual`` differs from ``expected``: (field path, expected, actual).

    Integers compare by value whether written as JSON numbers or decimal strings
    (ADAPTER.md); everything else must match exactly, JSON types included.  With
    ``strict``, integers must be encoded the same way too (for state JSON, CODEC-1).
    """
    if isinstance(expected, dict) and isinstance(actual, dict):
        for key in sorted(set(expected) | set(actual)):
            where = f"{path}.{key}" if path else key
            if key not in actual:
                return where, expected[key], ABSENT
            if key not in expected:
                return where, ABSENT, actual[key]
            found = first_difference(expected[key], actual[key], where, strict)
            if found:
                return found
        return None
    if isinstance(expected, list) and isinstance(actual, list):
        for index in range(max(len(expected), len(actual))):
            where = f"{path}[{index}]"
            if index >= len(actual):
                return where, expected[index], ABSENT
            if index >= len(expected):
                return where, ABSENT, actual[index]
            found = first_difference(expected[index], actual[index], where, strict)
            if found:
                return found
        return None
    left, right = _as_integer(expected), _as_integer(actual)
    if left is not None and right is not None and not strict:
        return None if left == right else (path, expected, actual)
    if type(expected) is type(actual) and expected == actual and not isinstance(actual, JsonFraction):
        return None
    return path, expected, actual


# --- results --------------------------------------------------------------------------------


@dataclass
class Divergence:
    """Where an adapter first departs from a vector."""

    step: int | str | None  # the message index of a sequence; "genesis"; "base" (a geneses case); None for a case
    path: str
    expected: Any
    actual: Any
    note: str = ""

    def describe(self) -> str:
        labels: dict[int | str | None, str] = {None: "", "genesis": "at genesis: ", "base": "at the base genesis: "}
        where = labels.get(self.step, f"step {self.step}: ")
        note = f" ({self.note})" if self.note else ""
        return f"{where}{self.path}: expected {_show(self.expected)}, got {_show(self.actual)}{note}"


def _show(value: Any) -> str:
    if value == ABSENT and isinstance(value, str):
        return ABSENT
    text = (
        json.dumps(value, sort_keys=True, ensure_ascii=True, default=str)
        if not isinstance(value, JsonFraction)
        else str(value)
    )
    return text if len(text) <= 200 else text[:197] + "..."


PASSED, FAILED, UNSUPPORTED = "passed", "failed", "unsupported"

CASE_SUITES = ("functions", "lines", "geneses")
"""The suites whose files hold cases, each a vector of its own; a ledger or trace file is one vector."""


@dataclass
class VectorOutcome:
    suite: str
    file: str
    name: str
    status: str
    divergence: Divergence | None = None
    description: str = ""

    def describe(self) -> str:
        label = f'{self.file} case "{self.name}"' if self.suite in CASE_SUITES else self.file
        detail = self.divergence.describe() if self.divergence else ""
        return f"{label}: {detail}" if detail else label


@dataclass
class SuiteSummary:
    suite: str
    vectors: int = 0
    passed: int = 0
    failed: int = 0
    unsupported: int = 0
    milliseconds: int = 0
    claims: set[str] = field(default_factory=set)


@dataclass
class RunReport:
    vectors_dir: Path
    adapter: str
    adapter_name: str = ""
    outcomes: list[VectorOutcome] = field(default_factory=list)
    suites: dict[str, SuiteSummary] = field(default_factory=dict)
    files_total: int = 0
    read: set[str] = field(default_factory=set)
    excluded: list[str] = field(default_factory=list)
    unread: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # manifest mismatches, adapter failures

    @property
    def failures(self) -> list[VectorOutcome]:
        return [o for o in self.outcomes if o.status == FAILED]

    def passed(self, strict: bool = False) -> bool:
        unsupported = any(o.status == UNSUPPORTED for o in self.outcomes)
        return not self.failures and not self.unread and not self.problems and not (strict and unsupported)


# --- the checks of one vector ------------------------------------------------------------------


class ErrorMapper:
    """Maps an adapter's own error codes to the canonical ones (EEST's exception mapper; ADAPTER.md)."""

    def __init__(self, mapping: dict[str, str] | None = None) -> None:
        self.mapping = dict(mapping or {})

    @classmethod
    def from_file(cls, path: Path) -> ErrorMapper:
        from perpspec import errors
        from perpspec.conformance.generate import protocol_error_codes

        mapping = read_json_bytes(path.read_bytes(), str(path))
        if not isinstance(mapping, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in mapping.items()
        ):
            raise VectorsUnusable(f"{path}: an error map is a JSON object of strings (native code -> canonical code)")
        known = (
            set(protocol_error_codes())
            | {cls_.code for cls_ in _catalogue_error_classes(errors)}
            | {"INVALID_GENESIS", UNSUPPORTED_OP}
        )
        unknown = sorted(set(mapping.values()) - known)
        if unknown:
            raise VectorsUnusable(f"{path}: maps to codes perpspec does not define: {', '.join(unknown)}")
        return cls(mapping)

    def code(self, answer: dict) -> Any:
        error = answer.get("error")
        code = error.get("code") if isinstance(error, dict) else None
        return self.mapping.get(code, code) if isinstance(code, str) else code


def _catalogue_error_classes(errors_module: Any) -> list[Any]:
    return [
        c
        for c in vars(errors_module).values()
        if isinstance(c, type) and issubclass(c, errors_module.CatalogueError) and "code" in c.__dict__
    ]


def _is_unsupported(answer: dict, mapper: ErrorMapper) -> bool:
    return "error" in answer and mapper.code(answer) == UNSUPPORTED_OP


def check_function_case(case: dict, answer: dict, mapper: ErrorMapper) -> tuple[str, Divergence | None]:
    """Compare one eval answer with a function case's expectation (CAT-3)."""
    if _is_unsupported(answer, mapper):
        return UNSUPPORTED, None
    expected = case["expected"]
    if "error" in expected:
        want = expected["error"]["code"]
        if "error" not in answer:
            return FAILED, Divergence(
                None, "error.code", want, ABSENT, f"answered output {_show(answer.get('output', ABSENT))}"
            )
        got = mapper.code(answer)
        if got != want:
            return FAILED, Divergence(None, "error.code", want, got)
        return PASSED, None
    if "error" in answer:
        return FAILED, Divergence(
            None, "output", expected["output"], ABSENT, f"answered error {_show(mapper.code(answer))}"
        )
    if "output" not in answer:
        return FAILED, Divergence(None, "output", expected["output"], ABSENT)
    found = first_difference(expected["output"], answer["output"], "output")
    if found:
        return FAILED, Divergence(None, *found)
    return PASSED, None


def check_line_case(case: dict, answers: list[dict], mapper: ErrorMapper) -> tuple[str, Divergence | None]:
    """
    Judge the answers a raw line got (JSON-1, JSON-2; ADAPTER.md §1–2).

    A line of JSON white space must get no answer. Any other line must get exactly one,
    ``{"id": null, "error": {"code": CODE}}`` with the expected code after mapping.
    """
    expected = case["expected"]
    if expected.get("ignored"):
        if answers:
            return FAILED, Divergence(None, "answers", 0, len(answers), f"the line is skipped; got {_show(answers[0])}")
        return PASSED, None
    want = expected["error"]["code"]
    if len(answers) != 1:
        note = "the line got no answer" if not answers else f"the first: {_show(answers[0])}"
        return FAILED, Divergence(None, "answers", 1, len(answers), note)
    answer = answers[0]
    if answer.get("id", ABSENT) is not None:
        return FAILED, Divergence(None, "id", None, answer.get("id", ABSENT), f"answered {_show(answer)}")
    if "error" not in answer:
        return FAILED, Divergence(None, "error.code", want, ABSENT, f"answered {_show(answer)}")
    got = mapper.code(answer)
    if got != want:
        return FAILED, Divergence(None, "error.code", want, got)
    return PASSED, None


def sequence_requests(document: dict) -> list[dict]:
    """The requests of a ledger scenario or trace: reset, hash, then per step apply, queries and hash."""
    requests: list[dict] = [{"op": "reset", "genesis": document["genesis"]}, {"op": "state_hash"}]
    for step in document["steps"]:
        requests.append({"op": "apply", "message": step["message"]})
        for subaccount in step.get("subaccounts", []):
            requests.append({"op": "query_subaccount", "subaccountId": subaccount["id"]})
        requests.append({"op": "state_hash"})
    return requests


def check_sequence(document: dict, answers: list[dict], mapper: ErrorMapper) -> tuple[str, Divergence | None]:
    """Walk a scenario's answers in request order; the first divergence fails it (TX-1, TX-3, CODEC-3)."""
    iterator = iter(answers)
    reset = next(iterator)
    if _is_unsupported(reset, mapper):
        return UNSUPPORTED, None
    if "error" in reset:
        return FAILED, Divergence("genesis", "reset", "ok", mapper.code(reset), "the adapter refused the genesis")
    genesis_hash = next(iterator)
    if _is_unsupported(genesis_hash, mapper):
        return UNSUPPORTED, None
    if genesis_hash.get("stateHash") != document["genesisStateHash"]:
        return FAILED, Divergence(
            "genesis", "stateHash", document["genesisStateHash"], genesis_hash.get("stateHash", ABSENT)
        )
    for index, step in enumerate(document["steps"]):
        applied = next(iterator)
        queries = [next(iterator) for _ in step.get("subaccounts", [])]
        hashed = next(iterator)
        for answer in (applied, *queries, hashed):
            if _is_unsupported(answer, mapper):
                return UNSUPPORTED, None
        expected = step["expected"]
        if "error" in expected:
            want = expected["error"]["code"]
            if "error" not in applied:
                return FAILED, Divergence(index, "error.code", want, ABSENT, "the adapter accepted the message")
            if mapper.code(applied) != want:
                return FAILED, Divergence(index, "error.code", want, mapper.code(applied))
        else:
            if "error" in applied:
                return FAILED, Divergence(
                    index, "events", "<accepted>", ABSENT, f"the adapter rejected it with {_show(mapper.code(applied))}"
                )
            found = first_difference(expected["events"], applied.get("events", ABSENT), "events")
            if found:
                return FAILED, Divergence(index, *found)
        for position, (subaccount, answer) in enumerate(zip(step.get("subaccounts", []), queries)):
            found = first_difference(subaccount, answer.get("subaccount", ABSENT), f"subaccounts[{position}]")
            if found:
                return FAILED, Divergence(index, *found)
        if hashed.get("stateHash") != step["stateHash"]:
            return FAILED, Divergence(index, "stateHash", step["stateHash"], hashed.get("stateHash", ABSENT))
    return PASSED, None


def genesis_requests(document: dict, case: dict) -> list[dict]:
    """
    The requests of one geneses case (FORMAT.md §12): ``reset`` to the base genesis, its hash,
    ``reset`` to the base with the case's patch applied, and the hash after that refusal.
    """
    base = document["baseGenesis"]
    return [
        {"op": "reset", "genesis": base},
        {"op": "state_hash"},
        {"op": "reset", "genesis": apply_patch(base, case["patch"])},
        {"op": "state_hash"},
    ]


def check_genesis_case(
    document: dict, case: dict, answers: list[dict], mapper: ErrorMapper
) -> tuple[str, Divergence | None]:
    """
    Judge a geneses case's four answers (GEN-2; ADAPTER.md §2): the base genesis accepted
    and hashed; the case's genesis refused with the expected code; the state hash unchanged
    by the refusal, since a refused ``reset`` keeps the previous state.
    """
    base_reset, base_hash, reset, after = answers
    if any(_is_unsupported(answer, mapper) for answer in answers):
        return UNSUPPORTED, None
    if "error" in base_reset:
        return FAILED, Divergence("base", "reset", "ok", mapper.code(base_reset), "the adapter refused baseGenesis")
    before = base_hash.get("stateHash", ABSENT)
    if not isinstance(before, str):
        return FAILED, Divergence("base", "stateHash", document["baseStateHash"], before)
    want = case["expected"]["error"]["code"]
    if "error" not in reset:
        return FAILED, Divergence(None, "error.code", want, ABSENT, "the adapter accepted the genesis")
    if mapper.code(reset) != want:
        return FAILED, Divergence(None, "error.code", want, mapper.code(reset))
    if after.get("stateHash", ABSENT) != before:
        note = "a refused reset keeps the previous state: the hash after it is the base genesis's"
        return FAILED, Divergence(None, "stateHash", before, after.get("stateHash", ABSENT), note)
    return PASSED, None


def _run_genesis_cases(
    adapter: AdapterProcess, document: dict, relative: str, mapper: ErrorMapper
) -> list[VectorOutcome]:
    """Every case of a geneses file, pipelined; a case whose patch does not apply fails without a request."""
    requests: list[dict] = []
    runnable: list[dict] = []
    outcomes: dict[str, VectorOutcome] = {}
    for case in document["cases"]:
        try:
            requests += genesis_requests(document, case)
        except PatchError as error:
            failure = Divergence(None, "patch", "a patch that applies to baseGenesis", ABSENT, str(error))
            outcomes[case["name"]] = VectorOutcome("geneses", relative, case["name"], FAILED, failure)
            continue
        runnable.append(case)
    answers = adapter.request_many(requests)
    for index, case in enumerate(runnable):
        status, divergence = check_genesis_case(document, case, answers[4 * index : 4 * index + 4], mapper)
        outcomes[case["name"]] = VectorOutcome(
            "geneses", relative, case["name"], status, divergence, case.get("description", "")
        )
    return [outcomes[case["name"]] for case in document["cases"]]


def explain_genesis_hash(adapter: AdapterProcess, document: dict) -> str:
    """After a genesis hash mismatch, the first field where the adapter's state JSON differs (op ``state``)."""
    try:
        _reset, exported = adapter.request_many([{"op": "reset", "genesis": document["genesis"]}, {"op": "state"}])
    except AdapterFailure:
        return ""
    if "state" not in exported:
        return ""
    found = first_difference(document["genesis"], exported["state"], "state", strict=True)
    return (
        f"first state difference {found[0]}: expected {_show(found[1])}, got {_show(found[2])}"
        if found
        else "the state JSON agrees; check the canonical bytes (CODEC-2)"
    )


# --- the run -----------------------------------------------------------------------------------


class VectorStore:
    """Reads vector files, logging each one (the basis of the unread-file check)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.read: set[str] = set()

    def read_bytes(self, relative: str) -> bytes:
        data = (self.root / relative).read_bytes()
        self.read.add(relative)
        return data

    def all_files(self) -> list[str]:
        return sorted(p.relative_to(self.root).as_posix() for p in self.root.rglob("*") if p.is_file())


def run_vectors(
    vectors: Path,
    adapter_command: list[str] | None = None,
    *,
    mapper: ErrorMapper | None = None,
    exclude: Iterable[str] = (),
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    skip: Callable[[str], bool] | None = None,
) -> RunReport:
    """
    Run every vector file listed in ``vectors/manifest.json`` against the adapter.

    ``exclude`` holds regular expressions of relative paths not to run (and not to
    count as unread); ``skip`` is for tests only: it makes the runner silently skip a
    file, as a faulty harness would, so the unread-file check can be seen to fail.
    """
    mapper = mapper or ErrorMapper()
    patterns = [re.compile(p) for p in exclude]
    store = VectorStore(vectors)
    command = adapter_command or reference_adapter_command()
    report = RunReport(vectors, shlex.join(command))
    for suite in SUITES:
        report.suites[suite] = SuiteSummary(suite)
    if not (vectors / MANIFEST).is_file():
        raise VectorsUnusable(f"{vectors} has no {MANIFEST}: not a conformance vectors folder")
    manifest = read_json_bytes(store.read_bytes(MANIFEST), f"{vectors}/{MANIFEST}")
    if manifest.get("format") != FORMAT_VERSION:
        raise VectorsUnusable(
            f"{vectors}/{MANIFEST} is {manifest.get('format')!r}; this runner reads {FORMAT_VERSION!r}"
        )
    adapter = AdapterProcess(command, env=_reference_env() if adapter_command is None else None, timeout=timeout)
    try:
        hello = adapter.request({"op": "hello"})
        if isinstance(hello.get("name"), str):
            report.adapter_name = f"{hello['name']} {hello.get('version', '')}".strip()
        broken: str | None = None
        for entry in manifest["files"]:
            relative = entry["path"]
            if any(p.search(relative) for p in patterns):
                report.excluded.append(relative)
                continue
            if skip is not None and skip(relative):
                continue
            if not (vectors / relative).is_file():
                report.problems.append(f"{relative}: listed in the manifest but missing")
                continue
            data = store.read_bytes(relative)
            if sha256_hex(data) != entry["sha256"]:
                report.problems.append(f"{relative}: SHA-256 differs from the manifest's (edited or corrupted)")
                continue
            try:
                document = read_json_bytes(data, relative)
            except VectorsUnusable as error:
                report.problems.append(str(error))
                continue
            if document.get("format") != FORMAT_VERSION:
                report.problems.append(f"{relative}: format {document.get('format')!r} is not {FORMAT_VERSION!r}")
                continue
            suite = document.get("suite")
            if suite not in report.suites:
                report.problems.append(
                    f"{relative}: suite {suite!r} is not one this runner knows ({', '.join(SUITES)})"
                )
                continue
            summary = report.suites[suite]
            summary.claims.update(document.get("claims", []))
            start = time.perf_counter_ns()
            if broken is not None:
                outcomes = _all_failed(document, relative, broken)
            else:
                try:
                    outcomes = _run_document(adapter, document, relative, mapper)
                except AdapterFailure as failure:
                    broken = str(failure)
                    report.problems.append(f"adapter failure during {relative}: {broken}")
                    outcomes = _all_failed(document, relative, broken)
            summary.milliseconds += (time.perf_counter_ns() - start) // 1_000_000
            for outcome in outcomes:
                summary.vectors += 1
                setattr(summary, outcome.status, getattr(summary, outcome.status) + 1)
            report.outcomes.extend(outcomes)
    finally:
        adapter.close()
    report.read = store.read
    all_files = store.all_files()
    report.files_total = len(all_files)
    report.unread = [f for f in all_files if f not in store.read and not any(p.search(f) for p in patterns)]
    return report


def _all_failed(document: dict, relative: str, reason: str) -> list[VectorOutcome]:
    names = [c["name"] for c in document["cases"]] if "cases" in document else [document["name"]]
    return [
        VectorOutcome(
            document["suite"],
            relative,
            n,
            FAILED,
            Divergence(None, "adapter", "an answer", ABSENT, reason.splitlines()[0]),
        )
        for n in names
    ]


def _run_document(adapter: AdapterProcess, document: dict, relative: str, mapper: ErrorMapper) -> list[VectorOutcome]:
    suite = document["suite"]
    if suite == "geneses":
        return _run_genesis_cases(adapter, document, relative, mapper)
    if suite == "lines":
        cases = document["cases"]
        line_answers = adapter.raw_lines([bytes.fromhex(case["lineHex"]) for case in cases])
        return [
            VectorOutcome(
                suite, relative, case["name"], *check_line_case(case, got, mapper), case.get("description", "")
            )
            for case, got in zip(cases, line_answers)
        ]
    if suite == "functions":
        cases = document["cases"]
        requests = []
        for case in cases:
            request: dict = {"op": "eval", "function": case["function"]}
            if "inputs" in case:
                request["inputs"] = case["inputs"]
            requests.append(request)
        answers = adapter.request_many(requests)
        outcomes = []
        for case, answer in zip(cases, answers):
            status, divergence = check_function_case(case, answer, mapper)
            outcomes.append(
                VectorOutcome(suite, relative, case["name"], status, divergence, case.get("description", ""))
            )
        return outcomes
    answers = adapter.request_many(sequence_requests(document))
    status, divergence = check_sequence(document, answers, mapper)
    if divergence is not None:
        if isinstance(divergence.step, int):
            divergence.note = (divergence.note + "; " if divergence.note else "") + document["steps"][divergence.step][
                "description"
            ]
        elif divergence.step == "genesis" and divergence.path == "stateHash":
            divergence.note = explain_genesis_hash(adapter, document)
    return [VectorOutcome(suite, relative, document["name"], status, divergence, document.get("description", ""))]


# --- printing ------------------------------------------------------------------------------------


def format_report(report: RunReport, max_failures: int = 50, strict: bool = False) -> str:
    lines = [
        f"adapter: {report.adapter}" + (f" ({report.adapter_name})" if report.adapter_name else ""),
        f"vectors: {report.vectors_dir} ({FORMAT_VERSION})",
        "",
    ]
    headers = ("suite", "vectors", "passed", "failed", "unsupported", "time")
    rows = [
        (s.suite, str(s.vectors), str(s.passed), str(s.failed), str(s.unsupported), f"{s.milliseconds / 1000:.2f}s")
        for s in report.suites.values()
    ]
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    lines.append("  ".join(h.ljust(w) for h, w in zip(headers, widths)))
    lines.append("  ".join("-" * w for w in widths))
    lines.extend("  ".join(c.ljust(w) for c, w in zip(row, widths)) for row in rows)
    failures = report.failures
    if failures:
        lines.append("")
        lines.append(f"failing vectors ({len(failures)}), each with its first divergence:")
        for outcome in failures[:max_failures]:
            lines.append(f"  FAIL {outcome.describe()}")
        if len(failures) > max_failures:
            lines.append(f"  ... and {len(failures) - max_failures} more")
    for problem in report.problems:
        lines.append(f"  PROBLEM {problem}")
    lines.append("")
    read = len(report.read)
    lines.append(
        f"vector files read: {read} of {report.files_total}"
        + (f", {len(report.excluded)} excluded" if report.excluded else "")
    )
    for unread in report.unread:
        lines.append(f"  UNREAD {unread}")
    verdict = "PASS" if report.passed(strict) else "FAIL"
    if report.unread:
        verdict += f" ({len(report.unread)} vector file(s) never read)"
    unsupported = sum(s.unsupported for s in report.suites.values())
    if unsupported and not strict:
        verdict += f" ({unsupported} vectors unsupported by this adapter)"
    lines.append(f"perpspec conformance run: {verdict}")
    return "\n".join(lines)


def command_run(
    adapter: str | None,
    vectors: Path | None,
    error_map: Path | None = None,
    exclude: Iterable[str] = (),
    strict: bool = False,
    timeout: float = DEFAULT_TIMEOUT_SECONDS,
    max_failures: int = 50,
) -> int:
    """The CLI entry: 0 when everything read passed, 1 on failures or unread files, 2 when the run cannot start."""
    from perpspec.conformance.generate import default_vectors_dir

    target = vectors or default_vectors_dir()
    if target is None:
        print("perpspec conformance run: no checkout found; pass --vectors DIR", file=sys.stderr)
        return 2
    try:
        mapper = ErrorMapper.from_file(error_map) if error_map else ErrorMapper()
        report = run_vectors(
            target, shlex.split(adapter) if adapter else None, mapper=mapper, exclude=exclude, timeout=timeout
        )
    except (VectorsUnusable, AdapterFailure, OSError, ValueError) as error:
        print(f"perpspec conformance run: {error}", file=sys.stderr)
        return 2
    print(format_report(report, max_failures, strict))
    return 0 if report.passed(strict) else 1


# --- for perpspec verify -----------------------------------------------------------------------------

SUITE_CLAIMS = {
    "functions": ("CONV-1",),
    "ledger": ("CONS-1", "ATOM-1", "DET-1", "SOLV-1"),
    "traces": ("CONS-1", "ATOM-1", "DET-1", "SOLV-1"),
    "lines": ("DET-1",),
    "geneses": ("DET-1",),
}
"""Claims each suite's results are reported under when its files name none."""


def check_regeneration(vectors: Path) -> tuple[bool, str]:
    """Regenerate the suite into a temporary folder and compare every file's bytes (TX-6; claim DET-1)."""
    from perpspec.conformance.generate import write_suite

    with tempfile.TemporaryDirectory(prefix="perpspec-vectors-") as folder:
        fresh = Path(folder)
        write_suite(fresh)
        ours = {p.relative_to(fresh).as_posix(): p.read_bytes() for p in fresh.rglob("*") if p.is_file()}
    theirs = {p.relative_to(vectors).as_posix(): p.read_bytes() for p in vectors.rglob("*") if p.is_file()}
    differing = sorted(path for path in ours if path in theirs and ours[path] != theirs[path])
    missing = sorted(set(ours) - set(theirs))
    extra = sorted(set(theirs) - set(ours))
    problems = (
        [f"differs: {p}" for p in differing]
        + [f"not in {vectors}: {p}" for p in missing]
        + [f"not generated: {p}" for p in extra]
    )
    if problems:
        return False, "; ".join(problems[:5]) + (f" (+{len(problems) - 5} more)" if len(problems) > 5 else "")
    return True, f"{len(ours)} files regenerated byte-identical"


def run_conformance(adapter: str | None, vectors: Path | None) -> list:
    """
    The conformance suite as ``MethodResult``s for ``perpspec verify`` (spec/claims.md, CLAIM-1).

    One result per suite (failing on any failed vector; unsupported vectors are
    reported in the detail), one for the unread-file check, and one for the
    byte-identical regeneration of the vectors (claim DET-1).
    """
    from perpspec.conformance.generate import default_vectors_dir
    from perpspec.report import CHECKED, NOT_RUN, MethodResult, verdict
    from perpspec.report import FAILED as CHECK_FAILED

    target = vectors or default_vectors_dir()
    if target is None:
        return [
            MethodResult(
                ("DET-1",), "conformance", "conformance vectors", CHECK_FAILED, "no conformance/vectors folder found"
            )
        ]
    start = time.perf_counter_ns()
    try:
        report = run_vectors(target, shlex.split(adapter) if adapter else None)
    except (VectorsUnusable, AdapterFailure, OSError, ValueError) as error:
        return [
            MethodResult(
                ("DET-1",),
                "conformance",
                "conformance vectors",
                CHECK_FAILED,
                str(error),
                (time.perf_counter_ns() - start) // 1_000_000,
            )
        ]
    who = "reference adapter" if adapter is None else f"adapter {adapter}"
    results = []
    for suite, summary in report.suites.items():
        claims = tuple(sorted(summary.claims)) or SUITE_CLAIMS[suite]
        first = next((o for o in report.failures if o.suite == suite), None)
        results.append(
            MethodResult(
                claims,
                "conformance",
                f"{suite} vectors ({who})",
                CHECK_FAILED if summary.failed or not summary.vectors else CHECKED if summary.passed else NOT_RUN,
                f"{summary.vectors} vectors: {summary.passed} passed, {summary.failed} failed, {summary.unsupported} unsupported",
                summary.milliseconds,
                first.describe() if first else None,
                {
                    "suite": suite,
                    "vectors": summary.vectors,
                    "passed": summary.passed,
                    "failed": summary.failed,
                    "unsupported": summary.unsupported,
                },
            )
        )
    file_problems = [f"never read: {f}" for f in report.unread] + report.problems
    results.append(
        MethodResult(
            (),  # a check of the suite itself, not evidence for a claim
            "conformance",
            "every vector file read",
            verdict(not file_problems, CHECKED),
            "; ".join(file_problems[:5])
            if file_problems
            else f"{len(report.read)} of {report.files_total} files read, hashes match the manifest",
        )
    )
    start = time.perf_counter_ns()
    same, detail = check_regeneration(target)
    results.append(
        MethodResult(
            ("DET-1",),
            "conformance",
            "vectors regenerate byte-identical",
            verdict(same, CHECKED),
            detail,
            (time.perf_counter_ns() - start) // 1_000_000,
        )
    )
    return results


__all__ = [
    "AdapterProcess",
    "ErrorMapper",
    "RunReport",
    "check_regeneration",
    "command_run",
    "first_difference",
    "format_report",
    "run_conformance",
    "run_vectors",
]
