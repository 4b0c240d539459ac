"""
The planted bugs TLC trace validation must catch (CLAIM-3; perpspec.verify.planted.tla).

Each bug is one replacement in the real reference; its command records what the changed
reference does and TLC must reject it (exit 1), while the unchanged reference passes (exit 0).
The whole list runs in the planted-bug suite; here, every bug's text is checked to be
current, and one bug of each command is run end to end.
"""

from __future__ import annotations

import pytest

from helpers.paths import REPOSITORY
from perpspec.report import SELF_TEST
from perpspec.verify.planted import PACKAGE, run_planted, tla


def test_every_planted_tla_bug_is_current():
    """CLAIM-3: each bug's text occurs exactly once in its module, and each names a TLC trace-validation run."""
    assert len(tla.BUGS) >= 8
    assert len({bug.id for bug in tla.BUGS}) == len(tla.BUGS)
    commands = {tla.FILLS, tla.LEDGER, tla.RANDOM, tla.BOOK, tla.LIQUIDATION}
    for bug in tla.BUGS:
        text = (PACKAGE / bug.path).read_text(encoding="utf-8")
        assert text.count(bug.old) == 1, bug.id
        assert bug.method == "tla" and bug.command in commands, bug.id
        assert ("PERPSPEC_CONTRACTS", "0") in bug.env, bug.id  # only TLC may catch it
    assert {bug.command for bug in tla.BUGS} == commands


@pytest.mark.tla
def test_planted_bugs_are_caught_by_trace_validation():
    """CLAIM-3: a fee one quantum high is rejected fill by fill; a newest-first book by BookTrace."""
    chosen = [bug for bug in tla.BUGS if bug.id in ("fill-fee-one-quantum-more", "book-newest-first")]
    results = run_planted(REPOSITORY, chosen)
    assert [r.status for r in results] == [SELF_TEST, SELF_TEST], [r.detail for r in results]
    assert "no LedgerFull step explains" in results[0].detail
    assert "StepAccepted is violated" in results[1].detail


@pytest.mark.tla
def test_planted_deleveraging_bug_is_caught_by_liquidation_trace_validation():
    """CLAIM-3, CONS-5, SOLV-3 (DEL-3, LIQ-6, LIQ-9): a deleveraging quote one off, an uncapped fund share: rejected."""
    chosen = [bug for bug in tla.BUGS if bug.id in ("deleveraging-quote-one-more", "liquidation-fee-uncapped")]
    results = run_planted(REPOSITORY, chosen)
    assert [r.status for r in results] == [SELF_TEST, SELF_TEST], [r.detail for r in results]
    assert all("StepAccepted is violated" in r.detail for r in results)


@pytest.mark.tla
def test_planted_transfer_bug_is_caught_before_the_cut():
    """CLAIM-3, CONS-1: LedgerTrace runs, cut before their first deleveraging block, still catch a transfer bug."""
    chosen = [bug for bug in tla.BUGS if bug.id == "transfer-credits-one-more"]
    results = run_planted(REPOSITORY, chosen)
    assert [r.status for r in results] == [SELF_TEST], [r.detail for r in results]
