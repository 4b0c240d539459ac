"""
The constants and parameters tables of spec/ agree with the code (spec/README.md, META-1).

Each spec file ends with a table of its constants (name, value, where the code defines it,
rule) and of its parameters (state path, default, bounds function, rule).  Every integer
constant a protocol module defines appears in exactly one table with its value; every
parameter row names a path of the default genesis with that default and a bound that
genesis applies.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from typing import Any

from helpers.paths import REFERENCE, SPEC
from perpspec import genesis
from perpspec.codec import encode_state
from perpspec.default_genesis import default_genesis

PACKAGE = REFERENCE / "perpspec"


ROW = re.compile(r"^\| `([^`]+)` \| ([^|]+) \| `([^`]+)` \| ([A-Z]+-[0-9]+) \|$")


IMPLEMENTATION_CONSTANTS = {
    "perpspec.jsonio.DIGITS_PER_CHUNK": "how many digits the exact big-integer reader converts at a time, no protocol value",
    "perpspec.jsonio.CHUNK": "10^DIGITS_PER_CHUNK, the same",
}
"""Integer constants that are not protocol values, with the reason."""


NOT_PROTOCOL = ("verify", "conformance")
"""Folders of the package that check the protocol rather than state it."""


def read_tables() -> tuple[dict[str, tuple[str, str, str]], dict[str, tuple[str, str, str]]]:
    """(constants by code path, parameters by state path), each with (value, rule, spec file)."""
    constants: dict[str, tuple[str, str, str]] = {}
    parameters: dict[str, tuple[str, str, str]] = {}
    for path in sorted(SPEC.glob("*.md")):
        kind = None
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("| constant | value | code | rule |"):
                kind = "constant"
            elif line.startswith("| parameter | default | bounds | rule |"):
                kind = "parameter"
            elif not line.startswith("|"):
                kind = None
            match = ROW.match(line) if kind else None
            if match is None:
                continue
            name, value, code, rule = match.groups()
            if kind == "constant":
                assert code not in constants, f"{code} is in two tables"
                constants[code] = (value.strip(), rule, path.name)
            else:
                assert name not in parameters, f"{name} is in two tables"
                parameters[name] = (value.strip(), code + " " + rule, path.name)
    return constants, parameters


def module_constants() -> dict[str, int]:
    """Every module-level integer constant (UPPER_CASE) of the protocol's modules, by dotted path."""
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        relative = path.relative_to(PACKAGE.parent).with_suffix("")
        if any(part in NOT_PROTOCOL for part in relative.parts) or relative.name == "__main__":
            continue
        module_name = ".".join(relative.parts).removesuffix(".__init__")
        module = importlib.import_module(module_name)
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            targets = (
                node.targets
                if isinstance(node, ast.Assign)
                else [node.target]
                if isinstance(node, ast.AnnAssign)
                else []
            )
            for target in targets:
                if isinstance(target, ast.Name) and target.id.isupper() and not target.id.startswith("_"):
                    value = getattr(module, target.id)
                    if isinstance(value, int) and not isinstance(value, bool):
                        found[f"{module_name}.{target.id}"] = value
    return found


def resolve(path: str) -> Any:
    module_name, name = path.rsplit(".", 1)
    return getattr(importlib.import_module(module_name), name)


def test_every_constant_row_matches_the_code():
    """META-1: each constant row's value is the value the code defines."""
    constants, _ = read_tables()
    assert constants, "no constants tables found in spec/"
    for code, (value, _rule, spec_file) in constants.items():
        assert resolve(code) == int(value.replace("_", "")), (
            f"{spec_file}: {code} is {resolve(code)}, the table says {value}"
        )


def test_every_protocol_constant_is_in_a_table():
    """META-1: no protocol module defines an integer constant that no spec table states."""
    constants, _ = read_tables()
    missing = sorted(set(module_constants()) - set(constants) - set(IMPLEMENTATION_CONSTANTS))
    assert missing == [], f"constants with no spec table row: {missing}"


def test_every_parameter_row_names_a_default_genesis_path_and_a_bound_genesis_applies():
    """META-1, GEN-2: each parameter is a path of the default genesis with the stated default, bounded by a check genesis runs."""
    _, parameters = read_tables()
    assert parameters, "no parameters tables found in spec/"
    state = encode_state(default_genesis())
    checks = inspect.getsource(genesis.check_parameters)
    for name, (default, bound_and_rule, spec_file) in parameters.items():
        value: Any = state
        for key in name.split("."):
            assert isinstance(value, dict) and key in value, f"{spec_file}: {name} is not a state path"
            value = value[key]
        if default.endswith(" entries"):
            assert isinstance(value, list) and len(value) == int(default.split()[0]), f"{spec_file}: {name}"
        else:
            assert value == int(default.replace("_", "")), f"{spec_file}: {name} defaults to {value}"
        bound = bound_and_rule.split()[0]
        assert callable(resolve(bound)), bound
        assert bound.rsplit(".", 1)[1] in checks, f"{bound} is not applied by genesis.check_parameters"


def test_a_changed_constant_breaks_its_row(monkeypatch):
    """META-1: the check can fail: a constant the code changes no longer matches its row."""
    from perpspec import subaccounts

    monkeypatch.setattr(subaccounts, "WITHDRAWAL_GATING_BLOCKS", 51)
    constants, _ = read_tables()
    value, _, _ = constants["perpspec.subaccounts.WITHDRAWAL_GATING_BLOCKS"]
    assert resolve("perpspec.subaccounts.WITHDRAWAL_GATING_BLOCKS") != int(value)
