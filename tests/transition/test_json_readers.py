"""
The value readers the decoders share, ``perpspec.jsonio`` (spec/json.md, JSON-3): integers,
objects, strings, booleans and lists, with type errors and range errors told apart.
"""

from __future__ import annotations

import pytest

from perpspec import errors
from perpspec.jsonio import (
    JsonFraction,
    integer_from_decimal,
    read_bool,
    read_integer,
    read_list,
    read_object,
    read_string,
)


@pytest.mark.parametrize(
    "value",
    [
        "--5",
        "+5",
        " 5",
        "5 ",
        "\u0663",
        "\u00b2",
        "",
        "-",
        "0x10",
        "1_000",
        "1.5",
        "1e3",
        True,
        False,
        None,
        [1],
        {"a": 1},
        JsonFraction("1.0"),
        1.0,
    ],
)
def test_read_integer_refuses_every_other_form_as_a_type_error(value):
    """JSON-3: only a JSON integer or an optional '-' and ASCII digits is an integer; everything else is the type error."""
    with pytest.raises(errors.InvalidType):
        read_integer(value, "x", None, None, type_error=errors.InvalidType, range_error=errors.OutOfRange)


@pytest.mark.parametrize(
    "value, expected",
    [(5, 5), ("5", 5), ("-5", -5), ("-0", 0), ("007", 7), (-(2**63), -(2**63)), ("18446744073709551615", 2**64 - 1)],
)
def test_read_integer_accepts_numbers_and_decimal_strings(value, expected):
    """JSON-3: JSON integers and decimal strings (leading zeros allowed) give the same integer."""
    assert read_integer(value, "x", -(2**63), 2**64 - 1) == expected


def test_read_integer_ranges_and_digit_bounds_are_range_errors():
    """JSON-3: below the minimum, above the maximum and more than max_digits digits are the range error (else the type error)."""
    for value, minimum, maximum in ((-1, 0, 10), (11, 0, 10), ("11", 0, 10), ("-1", 0, None)):
        with pytest.raises(errors.OutOfRange):
            read_integer(value, "x", minimum, maximum, type_error=errors.InvalidType, range_error=errors.OutOfRange)
    for value in ("1" * 401, "-" + "1" * 401, 10**400, -(10**400)):
        with pytest.raises(errors.OutOfRange, match="400"):
            read_integer(value, "x", None, None, type_error=errors.InvalidType, range_error=errors.OutOfRange)
    assert read_integer("9" * 400, "x", None, None) == 10**400 - 1
    with pytest.raises(errors.InvalidField, match=r"order\.quantums"):  # without a range error, the type error
        read_integer("99", "order.quantums", 0, 10)
    huge = "8" * 5000
    assert read_integer(huge, "x", None, None, max_digits=None) == integer_from_decimal(huge)
    with pytest.raises(errors.InvalidField, match="5000-digit"):
        read_integer(huge, "x", 0, 10, max_digits=None)


def test_read_object_checks_type_then_missing_then_unknown():
    """JSON-3: a non-object is the type error, then the first missing field, then the first unknown one, each its own class."""
    kinds = {
        "type_error": errors.MalformedRequest,
        "missing_error": errors.MissingInput,
        "unknown_error": errors.UnexpectedInput,
    }
    assert read_object({"b": 1, "a": 2}, "r", ("a", "b"), **kinds) == {"b": 1, "a": 2}
    assert read_object({"a": 1, "c": 2}, "r", {"a"}, optional={"c", "d"}, **kinds) == {"a": 1, "c": 2}
    with pytest.raises(errors.MalformedRequest):
        read_object([], "r", ("a",), **kinds)
    with pytest.raises(errors.MissingInput, match="'b'"):
        read_object({"z": 1}, "r", ("b", "a"), **kinds)  # the first missing in the given order
    with pytest.raises(errors.UnexpectedInput, match="'c'"):
        read_object({"a": 1, "d": 1, "c": 1}, "r", ("a",), **kinds)  # the first unknown, sorted
    with pytest.raises(errors.MalformedMessage):  # the defaults are the message decoder's (TX-5)
        read_object(None, "order", ("a",))
    with pytest.raises(errors.InvalidField, match="unknown"):
        read_object({"a": 1, "b": 2}, "order", ("a",))


def test_read_string_bool_and_list():
    """JSON-3: a string, a boolean (never 0 or 1), a list with a length bound; wrong types and bounds are told apart."""
    assert read_string("", "s") == "" and read_string("dydx", "s", non_empty=True) == "dydx"
    for bad in (1, None, JsonFraction("1.5"), ["a"]):
        with pytest.raises(errors.InvalidType):
            read_string(bad, "s", type_error=errors.InvalidType)
    with pytest.raises(errors.OutOfRange):
        read_string("", "s", non_empty=True, type_error=errors.InvalidType, range_error=errors.OutOfRange)
    with pytest.raises(errors.OutOfRange):
        read_string("abc", "s", max_length=2, type_error=errors.InvalidType, range_error=errors.OutOfRange)
    assert read_bool(True, "b") is True and read_bool(False, "b") is False
    for bad in (0, 1, "true", None):
        with pytest.raises(errors.InvalidField):
            read_bool(bad, "b")
    assert read_list([1, 2], "l", max_length=2) == [1, 2]
    with pytest.raises(errors.InvalidType):
        read_list({"a": 1}, "l", type_error=errors.InvalidType)
    with pytest.raises(errors.OutOfRange):
        read_list([1, 2, 3], "l", max_length=2, type_error=errors.InvalidType, range_error=errors.OutOfRange)
