#!/usr/bin/env python3
"""
Carry mutant keys from an older tree to this one, after code moved between modules or was reformatted.

A mutant's key (module, operator, column, index, line text; see ``run.py``) changes when its
line moves to another module or is rewrapped, although the mutant itself (the same operator on
the same expression of the same function) is unchanged.  This script enumerates the mutants of
both trees and matches them by a signature that survives moves and formatting: the enclosing
function's name, the operator, the mutated expression's source with white space removed, and
its rank among the function's mutants of that signature.  A signature found in more than one
module of the new tree is resolved by the module of the same name, or left unmapped.

    python conformance/mutation/remap.py OLD_TREE --equivalent   # rewrite equivalent.json's keys
    python conformance/mutation/remap.py OLD_TREE --report R.json --keys-out keys.txt
        # the new keys of the mutants an old report tested (for run.py --keys: the same sample)

OLD_TREE is a checkout of the older commit (its reference/ and conformance/mutation/run.py).
Needs cosmic-ray.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPOSITORY = HERE.parents[1]


RENAMED = {
    "state.block_height": "state.blocks.height",
    "state.block_time": "state.blocks.time",
    "state.last_chain_outage_at_block": "state.blocks.last_chain_outage_at_block",
    "state.total_deposited": "state.bank.total_deposited",
    "state.total_withdrawn": "state.bank.total_withdrawn",
    "state.insurance_fund_balance": "state.bank.insurance_fund",
    "state.fee_collector_balance": "state.bank.fee_collector",
    "state.funding_pool_balance": "state.bank.funding_pool",
    "state.negative_tnc_subaccount_seen_at_block": "state.subaccounts.negative_tnc_subaccount_seen_at_block",
    "state.subaccounts": "state.subaccounts.subaccounts",
    "state.liquidity_tiers": "state.perpetuals.liquidity_tiers",
    "state.perpetuals": "state.perpetuals.perpetuals",
    "state.market_params": "state.prices.market_params",
    "state.market_prices": "state.prices.market_prices",
    "state.clob_pairs": "state.clob.clob_pairs",
    "state.fee_tiers": "state.fee_tiers.params.tiers",
    "state.volume": "state.stats.volume",
}
"""Attribute paths the state's regrouping by module renamed (format 4), applied to the old tree's expressions."""


def renamed(segment: str) -> str:
    """An old expression with the regrouped state's attribute paths, as the new tree writes it."""
    out, i = [], 0
    names = sorted(RENAMED, key=len, reverse=True)
    while i < len(segment):
        for name in names:
            end = i + len(name)
            if segment.startswith(name, i) and (
                end == len(segment) or not (segment[end].isalnum() or segment[end] == "_")
            ):
                out.append(RENAMED[name])
                i = end
                break
        else:
            out.append(segment[i])
            i += 1
    return "".join(out)


@dataclass(frozen=True)
class Located:
    """A mutant as run.py keys it, and its move-proof signature."""

    key: str
    module: str
    signature: tuple[str, str, str, int]


def load_run_module(tree: Path):  # type: ignore[no-untyped-def]
    """The tree's own run.py: its module lists and its key rules."""
    spec = importlib.util.spec_from_file_location(
        f"run_{abs(hash(tree))}", tree / "conformance" / "mutation" / "run.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the module runs
    spec.loader.exec_module(module)
    return module


def locate(tree: Path, rename: bool = False) -> list[Located]:
    """Every measured mutant of the tree's ``--set all`` modules, with its key and signature (old paths renamed)."""
    run = load_run_module(tree)
    modules = run.MODULE_SETS["all"]
    with tempfile.TemporaryDirectory(prefix="perpspec-remap-") as scratch:
        work = Path(scratch)
        shutil.copytree(tree / "reference", work / "reference", ignore=shutil.ignore_patterns("__pycache__"))
        mutants, _ = run.enumerate_mutants(work, modules)
        session = work / "session.sqlite"
        dump = subprocess.run(
            [*run.cosmic_ray(), "dump", str(session)], cwd=work, check=True, capture_output=True, text=True
        ).stdout
        sources: dict[str, list[str]] = {}
        segments: dict[tuple[str, str, int], str] = {}
        for line in dump.splitlines():
            job, _ = json.loads(line)
            [mutation] = job["mutations"]
            module = mutation["module_path"]
            if module not in sources:
                sources[module] = (work / module).read_text(encoding="utf-8").splitlines()
            (start_row, start_col), (end_row, end_col) = mutation["start_pos"], mutation["end_pos"]
            lines = sources[module][start_row - 1 : end_row]
            text = "\n".join(lines)
            if len(lines) == 1:
                text = lines[0][start_col:end_col]
            else:
                text = lines[0][start_col:] + "\n".join(lines[1:-1]) + lines[-1][:end_col]
            segment = "".join(text.split())
            segments[(module, mutation["operator_name"], mutation["occurrence"])] = (
                renamed(segment) if rename else segment
            )
    located = []
    ranks: dict[tuple[str, str, str, str], int] = {}
    for m in sorted(mutants, key=lambda m: (m.module, m.line, m.column, m.operator, m.occurrence)):
        segment = segments[(m.module, m.operator, m.occurrence)]
        base = (m.module, m.function, m.operator, segment)
        rank = ranks.get(base, 0)
        ranks[base] = rank + 1
        located.append(Located(m.key, m.module, (m.function, m.operator, segment, rank)))
    return located


def build_map(old: list[Located], new: list[Located]) -> dict[str, str]:
    """
    Old key -> new key, for every old mutant whose signature names one new mutant; failing
    that (the function was renamed or split), for one whose operator and expression appear
    exactly once in the new tree and exactly once in the old.
    """
    by_signature: dict[tuple[str, str, str, int], list[Located]] = {}
    by_expression: dict[tuple[str, str], list[Located]] = {}
    old_expressions: dict[tuple[str, str], int] = {}
    for mutant in new:
        by_signature.setdefault(mutant.signature, []).append(mutant)
        by_expression.setdefault(mutant.signature[1:3], []).append(mutant)
    for mutant in old:
        old_expressions[mutant.signature[1:3]] = old_expressions.get(mutant.signature[1:3], 0) + 1
    mapping = {}
    for mutant in old:
        candidates = by_signature.get(mutant.signature, [])
        if len(candidates) > 1:
            same_module = [c for c in candidates if Path(c.module).name == Path(mutant.module).name]
            candidates = same_module if len(same_module) == 1 else []
        if not candidates and old_expressions[mutant.signature[1:3]] == 1:
            candidates = by_expression.get(mutant.signature[1:3], [])
        if len(candidates) == 1:
            mapping[mutant.key] = candidates[0].key
    return mapping


def remap_equivalents(mapping: dict[str, str], path: Path) -> None:
    """Rewrite equivalent.json's keys to the new tree; entries with no new mutant are reported and dropped."""
    document = json.loads(path.read_text(encoding="utf-8"))
    kept, dropped = [], []
    for entry in document["mutants"]:
        key = f"{entry['module']}|{entry['operator']}|{entry['column']}|{entry['index']}|{entry['line']}"
        new_key = mapping.get(key)
        if new_key is None:
            dropped.append(key)
            continue
        module, operator, column, index, line = new_key.split("|", 4)
        kept.append(
            {**entry, "module": module, "operator": operator, "column": int(column), "index": int(index), "line": line}
        )
    document["mutants"] = sorted(kept, key=lambda e: (e["module"], e["line"], e["operator"], e["column"], e["index"]))
    path.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"equivalent.json: {len(kept)} entries carried, {len(dropped)} with no mutant in this tree (dropped)")
    for key in dropped:
        print("  dropped:", key)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("old_tree", type=Path, help="a checkout of the older commit")
    parser.add_argument("--equivalent", action="store_true", help="rewrite this tree's equivalent.json")
    parser.add_argument("--report", type=Path, help="an old run.py --out report: map the mutants it tested")
    parser.add_argument("--keys-out", type=Path, help="write the new keys of the report's mutants, one a line")
    args = parser.parse_args()
    old, new = locate(args.old_tree.resolve(), rename=True), locate(REPOSITORY)
    mapping = build_map(old, new)
    print(f"remap: {len(old)} old mutants, {len(new)} new; {len(mapping)} carried by signature")
    if args.equivalent:
        remap_equivalents(mapping, HERE / "equivalent.json")
    if args.report is not None:
        report = json.loads(args.report.read_text(encoding="utf-8"))
        keys = [item["key"] for item in report["mutants"]]
        carried = [mapping[k] for k in keys if k in mapping]
        print(f"report: {len(keys)} mutants, {len(carried)} found in this tree")
        for k in keys:
            if k not in mapping:
                print("  not carried:", k)
        if args.keys_out is not None:
            args.keys_out.write_text("".join(k + "\n" for k in carried), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
