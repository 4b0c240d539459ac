"""
CLAIM-1: the claim registry in code is the table in spec/claims.md, and every claim names defined rules.
"""

from __future__ import annotations

import re

from helpers.paths import REPOSITORY, SPEC
from perpspec.rules import read_rules
from perpspec.verify.claims import CLAIMS


def spec_claim_rows() -> dict[str, tuple[str, str]]:
    rows = {}
    for line in (SPEC / "claims.md").read_text(encoding="utf-8").splitlines():
        match = re.match(r"^\| `([A-Z]+-[0-9]+)` \| ([^|]+) \| (.+) \|$", line)
        if match:
            rows[match.group(1)] = (match.group(2).strip(), match.group(3).strip())
    return rows


def test_registry_matches_the_spec_table():
    """CLAIM-1: same claims, same rules, same statements in code and spec."""
    rows = spec_claim_rows()
    assert sorted(rows) == sorted(CLAIMS)
    for claim_id, (rules, statement) in rows.items():
        assert ", ".join(CLAIMS[claim_id].rules) == rules
        assert CLAIMS[claim_id].statement == statement


def test_claims_cite_defined_rules():
    """CLAIM-1: every rule a claim names is defined in spec/ (ranges like ROUND-1..9 expand)."""
    defined = read_rules(SPEC)
    for claim in CLAIMS.values():
        for rule in claim.rules:
            family, _, numbers = rule.partition("-")
            first, _, last = numbers.partition("..")
            for number in range(int(first), int(last or first) + 1):
                assert f"{family}-{number}" in defined, (claim.id, rule)


def test_vector_schema_knows_every_claim():
    """CLAIM-1: the conformance schema's claim IDs are exactly the registry's, so vectors can name any claim."""
    import json

    schema = json.loads((REPOSITORY / "conformance" / "schema" / "vector.schema.json").read_text())
    assert set(schema["$defs"]["claimId"]["enum"]) == set(CLAIMS)
