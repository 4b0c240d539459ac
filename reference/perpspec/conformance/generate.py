"""
``perpspec conformance generate``: write the conformance vectors (conformance/FORMAT.md).

Five suites, each a folder of JSON files under the output directory:

- ``functions/<function>.json``: cases of every catalogue function (CAT-1..5), from
  ``perpspec.conformance.functions`` (one module per spec family);
- ``ledger/<scenario>.json``: hand-written scenarios of the transition function
  (TX-1..6), from the registries of ``perpspec.conformance.scenarios`` (one module per
  spec family, built on ``perpspec.conformance.builders``), the order book's (spec/clob.md)
  last;
- ``traces/trace-<seed>.json``: seeded random traces from ``perpspec.simulation``;
- ``lines/raw-lines.json``: raw request lines and the one answer (or none) each must
  get (JSON-1, JSON-2), from ``perpspec.conformance.line_cases``;
- ``geneses/<name>.json``: invalid geneses, each the default genesis with a JSON Patch,
  that a ``reset`` must refuse with ``INVALID_GENESIS`` and keep the previous state (GEN-2,
  GEN-3, CODEC-4, JSON-3), from ``perpspec.conformance.genesis_cases``; each case is
  checked against the reference, which must refuse it for the reason the case names.

plus ``manifest.json``, which lists every file with its SHA-256 and the suite counts.
Generation is deterministic (TX-6): fixed seeds, sorted keys, no timestamps, no
paths of this machine, so regenerating gives byte-identical files; the runner's
self-check and ``tests/conformance/test_generation.py`` hold it to that (claim DET-1).

The generator also checks that every ``ProtocolError`` code that a message can
produce (TX-3) is expected by at least one ledger or trace vector, and stops with
the list of missing codes otherwise.
"""

from __future__ import annotations

import copy
import io
import json
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import perpspec
from perpspec import errors
from perpspec.codec import encode_state, encode_subaccount, state_hash
from perpspec.conformance.adapter import ReferenceAdapter
from perpspec.conformance.builders import touched_subaccounts
from perpspec.conformance.format import (
    FORMAT_VERSION,
    MANIFEST,
    SUITES,
    apply_patch,
    file_bytes,
    request_line,
    sha256_hex,
)
from perpspec.conformance.functions import build_function_documents
from perpspec.conformance.genesis_cases import GENESIS_FILES, GenesisCase, base_genesis
from perpspec.conformance.line_cases import IGNORED, LineCase, line_cases
from perpspec.conformance.scenarios import CLOB_SCENARIOS, RISK_SCENARIOS, build_ledger_documents
from perpspec.genesis import load_genesis
from perpspec.invariants import check_state_invariants
from perpspec.jsonio import iter_lines, parse_json
from perpspec.simulation import MessageGenerator, genesis_with_positions
from perpspec.subaccounts import get_subaccount
from perpspec.transition import apply_json, full_state_bytes

TRACE_SEEDS = tuple(range(10))
TRACE_STEPS = 100

TRACE_RULES = [
    "TX-1",
    "TX-2",
    "TX-6",
    "FUND-2",
    "FUND-3",
    "SUB-7",
    "SUB-8",
    "SUB-9",
    "SUB-11",
    "SUB-12",
    "SUB-13",
    "PRICE-6",
    "BLOCK-1",
    "BLOCK-2",
    "CODEC-3",
]
TRACE_CLAIMS = ["CONS-1", "ATOM-1", "DET-1", "SOLV-1"]

MESSAGE_UNREACHABLE: dict[str, str] = {
    errors.NonUniqueUpdates.code: (
        "every message builds a batch naming each subaccount once and each perpetual at most once: a transfer "
        "to its own sender is SENDER_SAME_AS_RECIPIENT before any batch is built (SUB-5, SUB-13), and a fill's "
        "batch names a taker and a maker of different subaccounts, a self-trade's maker being removed before "
        "any batch (MATCH-3, MATCH-4)"
    ),
    errors.UnknownPerpetual.code: (
        "only fills and the add-to-book check name perpetuals, always the perpetual of an existing clob pair, "
        "and the genesis checks that every clob pair names a known perpetual (GEN-2)"
    ),
    **dict.fromkeys(
        (
            errors.InvalidPerpetualPositionSizeDelta.code,
            errors.NoPerpetualPositionsToLiquidate.code,
            errors.SubaccountHasLiquidatedPerpetual.code,
            errors.LiquidationExceedsSubaccountMaxNotionalLiquidated.code,
            errors.LiquidationExceedsSubaccountMaxInsuranceLost.code,
            errors.InvalidQuantumsForInsuranceFundDeltaCalculation.code,
            errors.InsuranceFundHasInsufficientFunds.code,
            errors.SubaccountNotLiquidatable.code,
            errors.ZeroTotalMaintenanceMargin.code,
            errors.PositiveDeltaMaintenanceMargin.code,
            errors.NegativeFillablePrice.code,
        ),
        "a risk-engine error (spec/liquidations.md, spec/deleveraging.md): no message reaches the liquidation "
        "and deleveraging phase yet, and the catalogue's function vectors expect it",
    ),
}
"""ProtocolError codes no message can produce yet, each with the reason; the generator checks the list is exact."""


def protocol_error_codes() -> list[str]:
    """Every code of a ProtocolError subclass in perpspec.errors (TX-3)."""
    found: list[str] = []

    def walk(cls: type[errors.ProtocolError]) -> None:
        for child in cls.__subclasses__():
            if child.__module__ == errors.__name__ and "code" in child.__dict__:
                found.append(child.code)
            walk(child)

    walk(errors.ProtocolError)
    return sorted(set(found))


# --- traces -------------------------------------------------------------------------------


def build_trace_document(seed: int, steps: int = TRACE_STEPS, orders: bool = True) -> dict:
    """A seeded random run of ``perpspec.simulation``, recorded step by step (with or without orders)."""
    rng = random.Random(seed)
    state = load_genesis(genesis_with_positions(seed))
    genesis = encode_state(state)
    genesis_hash = state_hash(state)
    generator = MessageGenerator(rng, state, orders=orders)
    recorded = []
    for index in range(steps):
        message = generator.next_message()
        before = full_state_bytes(state)
        outcome = apply_json(state, copy.deepcopy(message))
        if outcome.accepted:
            expected: dict = {"events": outcome.events}
        else:
            if full_state_bytes(state) != before:
                raise AssertionError(f"trace {seed} step {index}: TX-2 violated")
            assert outcome.error is not None
            expected = {"error": {"code": outcome.error.code}}
        violations = check_state_invariants(state)
        if violations:
            raise AssertionError(f"trace {seed} step {index}: {violations[0]}")
        recorded.append(
            {
                "description": f"random message {index}: {message['@type'].rsplit('.', 1)[-1]}",
                "message": message,
                "expected": expected,
                "stateHash": state_hash(state),
                "subaccounts": [encode_subaccount(get_subaccount(state, sid)) for sid in touched_subaccounts(message)],
            }
        )
    return {
        "suite": "traces",
        "name": f"trace-{seed:03d}",
        "description": (
            f"Seeded random trace: perpspec.simulation.genesis_with_positions({seed}) and {steps} messages of "
            f"perpspec.simulation.MessageGenerator(random.Random({seed})), valid and invalid alike."
        ),
        "rules": TRACE_RULES,
        "claims": TRACE_CLAIMS,
        "genesis": genesis,
        "genesisStateHash": genesis_hash,
        "steps": recorded,
    }


def build_trace_documents() -> dict[str, dict]:
    documents = {}
    for seed in TRACE_SEEDS:
        document = build_trace_document(seed)
        documents[document["name"]] = document
    return documents


# --- the ledger suite: ledger and order-book scenarios ---------------------------------------


def build_ledger_and_clob_documents() -> dict[str, dict]:
    """The ledger suite: the ledger's scenarios, then the order book's (spec/clob.md), keyed by file stem."""
    documents = build_ledger_documents()
    for build in CLOB_SCENARIOS + RISK_SCENARIOS:
        scenario = build()
        if scenario.name in documents:
            raise AssertionError(f"two scenarios are named {scenario.name!r}")
        documents[scenario.name] = scenario.document()
    return documents


# --- the lines suite ---------------------------------------------------------------------------

LINE_RULES = ["JSON-1", "JSON-2"]
LINE_CLAIMS = ["DET-1"]


def reference_line_answer(case: LineCase, adapter: ReferenceAdapter) -> str | None:
    """The code the reference adapter answers to the case's line, or IGNORED if it gives no answer (JSON-1)."""
    lines = list(iter_lines(io.BytesIO(case.line + b"\n")))
    if not lines:
        return IGNORED
    if len(lines) != 1:
        raise AssertionError(f"line case {case.name!r} reads as {len(lines)} lines")
    answer = adapter.answer(lines[0])
    if answer.get("id", "absent") is not None or "error" not in answer:
        raise AssertionError(f"line case {case.name!r}: the reference answers {answer!r}")
    return answer["error"]["code"]


def build_line_documents() -> dict[str, dict]:
    """The lines suite: one file of raw lines, each expectation checked against the reference adapter."""
    adapter = ReferenceAdapter()
    cases = []
    for case in line_cases():
        actual = reference_line_answer(case, adapter)
        if actual != case.code:
            raise AssertionError(f"line case {case.name!r}: written {case.code}, the reference answers {actual}")
        expected: dict = {"ignored": True} if case.code is IGNORED else {"error": {"code": case.code}}
        cases.append(
            {
                "name": case.name,
                "description": case.description,
                "rules": list(case.rules),
                "lineHex": case.line.hex(),
                "expected": expected,
            }
        )
    document: dict[str, Any] = {
        "suite": "lines",
        "name": "raw-lines",
        "description": (
            "Raw request lines, each sent as its bytes and an LF, then a hello request: the adapter must give "
            "the line exactly one answer, with id null and the expected error code, or none if the line is JSON "
            "white space (ADAPTER.md 1-2, JSON-1, JSON-2)."
        ),
        "rules": LINE_RULES,
        "claims": LINE_CLAIMS,
        "cases": cases,
    }
    return {document["name"]: document}


# --- the geneses suite ---------------------------------------------------------------------------

GENESIS_CLAIMS = ["DET-1"]
INVALID_GENESIS = errors.InvalidGenesis.code


def _reference_load(genesis: object) -> None:
    """Load ``genesis`` as the reference adapter does: sent as JSON text, read strictly (JSON-2), then GEN-2."""
    load_genesis(parse_json(json.dumps(genesis, ensure_ascii=True), errors.InvalidGenesis))


def check_genesis_case(case: GenesisCase, base: dict, base_hash: str, adapter: ReferenceAdapter) -> None:
    """
    A geneses case holds against the reference (GEN-2), or the generator stops: its setup
    alone is a valid genesis; with its change, ``load_genesis`` raises ``InvalidGenesis``
    for the case's reason; and the reference adapter, sent the runner's very requests,
    refuses it with INVALID_GENESIS and keeps the base state (ADAPTER.md §2).
    """
    try:
        _reference_load(apply_patch(base, list(case.setup)))
    except errors.PerpspecError as error:
        raise AssertionError(f"genesis case {case.name!r}: its setup alone is refused: {error.message}") from None
    try:
        _reference_load(apply_patch(base, case.patch))
    except errors.InvalidGenesis as error:
        if case.reason not in error.message:
            raise AssertionError(
                f"genesis case {case.name!r}: refused for another reason than {case.reason!r}: {error.message}"
            ) from None
    else:
        raise AssertionError(f"genesis case {case.name!r}: the reference accepts it")
    requests: list[dict[str, Any]] = [
        {"op": "reset", "genesis": base},
        {"op": "state_hash"},
        {"op": "reset", "genesis": apply_patch(base, case.patch)},
        {"op": "state_hash"},
    ]
    answers = [adapter.answer(request_line(i, r).decode("ascii")) for i, r in enumerate(requests, 1)]
    codes = [answer.get("error", {}).get("code") for answer in answers]
    hashes = [answer.get("stateHash") for answer in answers]
    if codes != [None, None, INVALID_GENESIS, None] or hashes[1] != base_hash or hashes[3] != base_hash:
        raise AssertionError(f"genesis case {case.name!r}: the reference adapter answers {answers!r}")


def build_genesis_documents() -> dict[str, dict]:
    """The geneses suite: one file per ``GENESIS_FILES`` entry, every case checked against the reference."""
    base = base_genesis()
    base_hash = state_hash(load_genesis(copy.deepcopy(base)))
    adapter = ReferenceAdapter()
    documents: dict[str, dict] = {}
    seen: set[str] = set()
    for genesis_file in GENESIS_FILES:
        cases = []
        for case in genesis_file.cases():
            if case.name in seen:
                raise AssertionError(f"two genesis cases are named {case.name!r}")
            seen.add(case.name)
            check_genesis_case(case, base, base_hash, adapter)
            cases.append(
                {
                    "name": case.name,
                    "description": case.description,
                    "rules": list(case.rules),
                    "patch": case.patch,
                    "expected": {"error": {"code": INVALID_GENESIS}},
                }
            )
        documents[genesis_file.name] = {
            "suite": "geneses",
            "name": genesis_file.name,
            "description": genesis_file.description,
            "rules": list(genesis_file.rules),
            "claims": GENESIS_CLAIMS,
            "baseGenesis": base,
            "baseStateHash": base_hash,
            "cases": cases,
        }
    return documents


# --- coverage of error codes ----------------------------------------------------------------


def error_code_coverage(sequence_documents: dict[str, dict]) -> dict[str, list[str]]:
    """For each ProtocolError code, the vector files (suite/name) whose steps expect it."""
    covered: dict[str, set[str]] = {}
    for path, document in sequence_documents.items():
        for step in document["steps"]:
            if "error" in step["expected"]:
                covered.setdefault(step["expected"]["error"]["code"], set()).add(path)
    return {code: sorted(files) for code, files in sorted(covered.items())}


def check_error_coverage(covered: dict[str, list[str]]) -> None:
    """Every ProtocolError code is expected by some vector, or listed as unreachable with a reason (TX-3)."""
    codes = set(protocol_error_codes())
    missing = sorted(codes - set(covered) - set(MESSAGE_UNREACHABLE))
    if missing:
        raise AssertionError("no ledger or trace vector expects these error codes: " + ", ".join(missing))
    stale = sorted(set(MESSAGE_UNREACHABLE) & set(covered))
    if stale:
        raise AssertionError("listed as unreachable by messages, yet a vector expects: " + ", ".join(stale))
    unknown = sorted(set(covered) - codes)
    if unknown:
        raise AssertionError("vectors expect codes perpspec.errors does not define: " + ", ".join(unknown))


# --- the whole suite -------------------------------------------------------------------------


@dataclass
class GeneratedSuite:
    """Every file of the suite as bytes, keyed by its path relative to the vectors folder."""

    files: dict[str, bytes] = field(default_factory=dict)
    manifest: dict = field(default_factory=dict)


def _vectors_in(suite: str, document: dict) -> int:
    return len(document["cases"]) if suite in ("functions", "lines", "geneses") else 1


def build_suite() -> GeneratedSuite:
    """Build every vector file and the manifest, in memory."""
    suites = {
        "functions": build_function_documents(),
        "ledger": build_ledger_and_clob_documents(),
        "traces": build_trace_documents(),
        "lines": build_line_documents(),
        "geneses": build_genesis_documents(),
    }
    sequences = {f"{suite}/{name}.json": doc for suite in ("ledger", "traces") for name, doc in suites[suite].items()}
    covered = error_code_coverage(sequences)
    check_error_coverage(covered)
    generated = GeneratedSuite()
    entries = []
    counts: dict[str, dict] = {}
    for suite in SUITES:
        summary = {"files": 0, "vectors": 0}
        if suite in ("ledger", "traces"):
            summary["steps"] = 0
        for name in sorted(suites[suite]):
            document = {"format": FORMAT_VERSION, **suites[suite][name]}
            data = file_bytes(document)
            path = f"{suite}/{name}.json"
            generated.files[path] = data
            vectors = _vectors_in(suite, document)
            entry = {"path": path, "suite": suite, "vectors": vectors, "sha256": sha256_hex(data), "bytes": len(data)}
            summary["files"] += 1
            summary["vectors"] += vectors
            if suite in ("ledger", "traces"):
                entry["steps"] = len(document["steps"])
                summary["steps"] += len(document["steps"])
            entries.append(entry)
        counts[suite] = summary
    generated.manifest = {
        "format": FORMAT_VERSION,
        "generator": {"command": "perpspec conformance generate", "perpspecVersion": perpspec.__version__},
        "suites": counts,
        "errorCodes": {
            "covered": covered,
            "unreachableByMessages": dict(sorted(MESSAGE_UNREACHABLE.items())),
        },
        "files": entries,
    }
    generated.files[MANIFEST] = file_bytes(generated.manifest)
    return generated


def write_suite(out: Path, generated: GeneratedSuite | None = None) -> GeneratedSuite:
    """
    Write the suite under ``out``; vector files left from an earlier generation that
    this one does not produce are removed (only ``*.json`` inside the suite folders).
    """
    generated = generated or build_suite()
    out.mkdir(parents=True, exist_ok=True)
    for suite in SUITES:
        folder = out / suite
        folder.mkdir(exist_ok=True)
        for stale in sorted(folder.glob("*.json")):
            if f"{suite}/{stale.name}" not in generated.files:
                stale.unlink()
    for path, data in generated.files.items():
        target = out / path
        if not target.exists() or target.read_bytes() != data:
            target.write_bytes(data)
    return generated


def default_vectors_dir() -> Path | None:
    """conformance/vectors of the checkout this package lives in, or found from the working directory."""
    from perpspec.rules import find_repository

    for start in (Path(__file__).resolve().parent, None):
        repository = find_repository(start)
        if repository is not None and (repository / "conformance").is_dir():
            return repository / "conformance" / "vectors"
    return None


def command_generate(out: Path | None) -> int:
    """The CLI entry: write the suite and print its counts."""
    import sys

    target = out or default_vectors_dir()
    if target is None:
        print("perpspec conformance generate: no checkout found; pass --out DIR", file=sys.stderr)
        return 2
    generated = write_suite(target)
    suites = generated.manifest["suites"]
    total = sum(len(data) for data in generated.files.values())
    for suite in SUITES:
        summary = suites[suite]
        steps = f", {summary['steps']} steps" if "steps" in summary else ""
        print(f"{suite}: {summary['files']} files, {summary['vectors']} vectors{steps}")
    print(f"wrote {len(generated.files)} files ({total:,} bytes) to {target}")
    return 0


__all__ = [
    "MESSAGE_UNREACHABLE",
    "build_suite",
    "command_generate",
    "default_vectors_dir",
    "protocol_error_codes",
    "write_suite",
]
