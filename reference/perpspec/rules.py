"""
Rule coverage: every rule in spec/ has implementing code and at least one test (spec/README.md, META-1).

A rule is a heading ``### ID: title`` in a spec file.  Code and tests name the rules
they implement or check by writing the ID (``UNITS-4``).  A rule with no code or no
test, or an ID cited that the spec does not define, is a failure.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

RULE_HEADING = re.compile(r"^#{2,4} ([A-Z]+-[0-9]+):", re.MULTILINE)
RULE_CITATION = re.compile(r"(?<![A-Za-z0-9_-])([A-Z]+-[0-9]+)(?![0-9])")


@dataclass
class Coverage:
    rules: dict[str, str] = field(default_factory=dict)  # id -> spec file
    code: dict[str, set[str]] = field(default_factory=dict)  # id -> files citing it
    tests: dict[str, set[str]] = field(default_factory=dict)
    dangling: dict[str, set[str]] = field(default_factory=dict)  # cited but undefined

    def missing_code(self) -> list[str]:
        return sorted(r for r in self.rules if not self.code.get(r))

    def missing_tests(self) -> list[str]:
        return sorted(r for r in self.rules if not self.tests.get(r))

    def ok(self) -> bool:
        return not (self.missing_code() or self.missing_tests() or self.dangling)


def find_repository(start: Path | None = None) -> Path | None:
    """The checkout holding spec/, reference/ and tests/, searching upward from ``start``."""
    here = (start or Path.cwd()).resolve()
    for candidate in [here, *here.parents]:
        if all((candidate / part).is_dir() for part in ("spec", "reference", "tests")):
            return candidate
    return None


def read_rules(spec_dir: Path) -> dict[str, str]:
    rules: dict[str, str] = {}
    for path in sorted(spec_dir.glob("*.md")):
        for rule_id in RULE_HEADING.findall(path.read_text(encoding="utf-8")):
            if rule_id in rules:
                raise ValueError(f"rule {rule_id} is defined twice ({rules[rule_id]} and {path.name})")
            rules[rule_id] = path.name
    return rules


def _citations(paths: list[Path], root: Path) -> dict[str, set[str]]:
    cited: dict[str, set[str]] = {}
    for path in paths:
        for rule_id in set(RULE_CITATION.findall(path.read_text(encoding="utf-8"))):
            cited.setdefault(rule_id, set()).add(str(path.relative_to(root)))
    return cited


def compute_coverage(repository: Path) -> Coverage:
    rules = read_rules(repository / "spec")
    prefixes = {rule_id.split("-")[0] for rule_id in rules}
    code = _citations(sorted((repository / "reference").rglob("*.py")), repository)
    tests = _citations(sorted((repository / "tests").rglob("*.py")), repository)
    coverage = Coverage(rules=rules)
    for source, target in ((code, coverage.code), (tests, coverage.tests)):
        for rule_id, files in source.items():
            if rule_id.split("-")[0] not in prefixes:
                continue  # not a rule family (for example an error message fragment)
            if rule_id in rules:
                target[rule_id] = files
            else:
                coverage.dangling.setdefault(rule_id, set()).update(files)
    return coverage
