"""
The independent Node.js adapter (conformance/adapters/node) passes every function vector and
answers UNSUPPORTED_OP for the ledger ops (claim CONV-1).
"""

from __future__ import annotations

import json
import subprocess

import pytest

from helpers.conformance import NODE_ADAPTER, manifest, node
from helpers.paths import VECTORS
from perpspec.conformance.runner import format_report, run_vectors


@pytest.mark.conformance
@pytest.mark.skipif(node is None, reason="Node.js is not installed")
def test_node_adapter_passes_every_function_vector():
    """CAT-1..5, UNITS-4..7, MARGIN-1..7, PRICE-4, PRICE-5, FUND-1, ROUND-1..9: the independent BigInt implementation agrees with every function vector (claim CONV-1)."""
    report = run_vectors(VECTORS, [node, str(NODE_ADAPTER)])
    functions = report.suites["functions"]
    assert functions.passed == functions.vectors == manifest()["suites"]["functions"]["vectors"], format_report(report)
    for suite in ("ledger", "traces"):
        assert report.suites[suite].unsupported == report.suites[suite].vectors
    assert report.unread == [] and report.problems == []
    assert report.passed() and not report.passed(strict=True)
    assert report.adapter_name.startswith("perpspec node catalogue")


@pytest.mark.skipif(node is None, reason="Node.js is not installed")
def test_node_adapter_protocol_edges():
    """CAT-2, CAT-5: the Node adapter refuses fractions it cannot see through doubles, keeps big integers exact, and answers protocol errors."""
    requests = [
        '{"id":1,"op":"eval","function":"base_to_quote_quantums","inputs":{"base_quantums":1.0,"atomic_resolution":0,"price_value":1,"price_exponent":0}}',
        '{"id":2,"op":"eval","function":"funding_settlement_ppm","inputs":{"perpetual_funding_index":"100000000000000000000","position_funding_index":0,"position_quantums":-3}}',
        '{"id":3,"op":"reset","genesis":{}}',
        "not json",
        '{"id":5}',
    ]
    completed = subprocess.run(
        [node, str(NODE_ADAPTER)], input="\n".join(requests) + "\n", capture_output=True, text=True, timeout=30
    )
    answers = [json.loads(line) for line in completed.stdout.splitlines()]
    assert answers[0] == {"id": 1, "error": {"code": "INVALID_TYPE", "message": answers[0]["error"]["message"]}}
    assert answers[1]["output"] == {
        "net_settlement_ppm": "300000000000000000000",
        "new_funding_index": "100000000000000000000",
    }
    assert answers[2]["error"]["code"] == "UNSUPPORTED_OP"
    assert answers[3]["id"] is None and answers[3]["error"]["code"] == "MALFORMED_JSON"
    assert answers[4]["id"] == 5 and answers[4]["error"]["code"] == "MALFORMED_REQUEST"
