"""
Request-level function vectors (spec/catalogue.md: CAT-1 names, CAT-5 unknown functions
and malformed requests), the file that belongs to no single function.
"""

from __future__ import annotations

from perpspec.conformance.functions.cases import FunctionCases


def request_cases(fc: FunctionCases) -> None:
    """Request-level answers that belong to no single function (CAT-1, CAT-5)."""
    inputs = {"net_collateral": 1, "maintenance_margin_requirement": 2}
    fc.add_raw(
        "unknown-function",
        "a name the catalogue does not have: UNKNOWN_FUNCTION (CAT-5)",
        ("CAT-1", "CAT-5"),
        inputs,
        "!UNKNOWN_FUNCTION",
        function="no_such_function",
    )
    fc.add_raw(
        "names-are-case-sensitive",
        "names are exact: Is_Liquidatable is UNKNOWN_FUNCTION (CAT-1)",
        ("CAT-1", "CAT-5"),
        inputs,
        "!UNKNOWN_FUNCTION",
        function="Is_Liquidatable",
    )
    fc.add_raw(
        "empty-function-name",
        "the empty name: UNKNOWN_FUNCTION (CAT-5)",
        ("CAT-5",),
        inputs,
        "!UNKNOWN_FUNCTION",
        function="",
    )
    fc.add_raw(
        "function-not-a-string",
        "a function name that is not a string: MALFORMED_REQUEST (CAT-5)",
        ("CAT-5",),
        inputs,
        "!MALFORMED_REQUEST",
        function=5,
    )
    fc.add_raw(
        "function-null",
        "a null function name: MALFORMED_REQUEST (CAT-5)",
        ("CAT-5",),
        inputs,
        "!MALFORMED_REQUEST",
        function=None,
    )
    fc.add_raw(
        "inputs-a-list",
        "inputs that are a list: MALFORMED_REQUEST (CAT-5)",
        ("CAT-5",),
        [1, 2],
        "!MALFORMED_REQUEST",
        function="is_liquidatable",
    )
    fc.add_raw(
        "inputs-null",
        "inputs that are null: MALFORMED_REQUEST (CAT-5)",
        ("CAT-5",),
        None,
        "!MALFORMED_REQUEST",
        function="is_liquidatable",
    )
    fc.add_raw(
        "inputs-a-string",
        "inputs that are a string: MALFORMED_REQUEST (CAT-5)",
        ("CAT-5",),
        "{}",
        "!MALFORMED_REQUEST",
        function="is_liquidatable",
    )
