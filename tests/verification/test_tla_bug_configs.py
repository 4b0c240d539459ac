"""
One bug configuration per invariant (tla/manifest.json, CLAIM-1, CLAIM-2).

An invariant that no bug configuration violates may have become vacuous without anyone
noticing (a green run stays green).  So every invariant and action property that a green
configuration of a model checks (its ``INVARIANT``/``INVARIANTS`` and ``PROPERTY``/
``PROPERTIES`` lines) must be named by a manifest entry of that model with ``"result":
"violation"``, and each such bug configuration must be its model's green configuration with
only the ``Bug`` constant changed, so it fails under the constants the green run checks.
These tests read files only; the TLC runs of the bug configurations are in
test_tla_ledger.py, test_tla_book.py and test_tla_liquidation.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from helpers.paths import TLA

SECTIONS = ("models", "bookModels", "liquidationModels")
"""The manifest lists that hold model-checking configurations (not trace validation)."""

GREEN = {"Ledger": "MCLedger.cfg", "Book": "MCBook.cfg", "Liquidation": "MCLiquidation.cfg"}
"""Each model's quick green configuration: its bug configurations differ from it only in ``Bug``
(an entry's ``green`` names another, e.g. the liveness configuration of a temporal property)."""

_KEYWORDS = re.compile(r"^(INVARIANTS?|PROPERTY|PROPERTIES)\b(.*)$")
_OTHER = re.compile(r"^(CONSTANTS?|SPECIFICATION|INIT|NEXT|CONSTRAINTS?|SYMMETRY|VIEW|ACTION_CONSTRAINTS?)\b")


def manifest_entries() -> list[dict[str, Any]]:
    manifest = json.loads((TLA / "manifest.json").read_text(encoding="utf-8"))
    return [entry for section in SECTIONS for entry in manifest[section]]


def checked_names(cfg: Path) -> set[str]:
    """The invariants and properties a TLC configuration checks (one or more per line, continued lines too)."""
    names: set[str] = set()
    collecting = False
    for raw in cfg.read_text(encoding="utf-8").splitlines():
        line = raw.split("\\*", 1)[0].strip()
        if not line:
            continue
        match = _KEYWORDS.match(line)
        if match:
            collecting = True
            names.update(match.group(2).split())
        elif _OTHER.match(line):
            collecting = False
        elif collecting:
            names.update(line.split())
    return names


def without_comments_and_bug(cfg: Path) -> list[str]:
    lines = [raw.split("\\*", 1)[0].rstrip() for raw in cfg.read_text(encoding="utf-8").splitlines()]
    return [line for line in lines if line.strip() and not line.strip().startswith("Bug =")]


def test_the_parser_reads_the_green_configs():
    """The parser finds what the green configurations say (so an empty set cannot pass below)."""
    assert checked_names(TLA / "ledger" / "MCLedger.cfg") == {"TypeOK", "CONS_1", "SOLV_1", "POS_1", "ATOM_1"}
    assert checked_names(TLA / "book" / "MCBook.cfg") == {"TypeOK", "INV_10", "CROSS_1", "PRIO_1", "CONS_3"}


@pytest.mark.parametrize("spec", sorted(GREEN))
def test_every_invariant_has_a_bug_configuration_that_violates_it(spec):
    """CLAIM-1: for every green configuration, each checked invariant has a bug config that must violate it."""
    entries = [e for e in manifest_entries() if e["spec"] == spec]
    greens = [e for e in entries if e["result"] == "pass"]
    assert greens, f"no green configuration of {spec}"
    violated = {e["violates"] for e in entries if e["result"] == "violation"}
    for green in greens:
        names = checked_names(TLA / green["dir"] / green["config"])
        assert names, green["config"]
        missing = sorted(names - violated)
        assert not missing, f"{spec} {green['config']}: no bug configuration violates {missing}"


@pytest.mark.parametrize(
    "entry", [e for e in manifest_entries() if e["result"] == "violation"], ids=lambda e: e["config"]
)
def test_bug_configuration_is_the_green_one_with_another_bug(entry):
    """A bug config checks what its green config checks, with the same constants but Bug, and names its invariant."""
    folder = TLA / entry["dir"]
    bug_cfg, green_cfg = folder / entry["config"], folder / entry.get("green", GREEN[entry["spec"]])
    assert without_comments_and_bug(bug_cfg) == without_comments_and_bug(green_cfg), entry["config"]
    assert entry["violates"] in checked_names(bug_cfg)
    bug_line = [line for line in bug_cfg.read_text(encoding="utf-8").splitlines() if line.strip().startswith("Bug =")]
    assert len(bug_line) == 1 and '"None"' not in bug_line[0], entry["config"]
    assert entry["config"] in entry["command"] and entry.get("quick", True), entry["config"]
    assert entry["violates"] in bug_cfg.read_text(encoding="utf-8").splitlines()[0]  # the header says what must fail


def test_every_configuration_file_is_in_the_manifest():
    """No model configuration lies around unchecked: each MC*.cfg is a manifest entry."""
    listed = {(e["dir"], e["config"]) for e in manifest_entries()}
    on_disk = {
        (cfg.parent.name, cfg.name)
        for folder in ("ledger", "book", "liquidation")
        for cfg in (TLA / folder).glob("MC*.cfg")
    }
    assert on_disk == listed
