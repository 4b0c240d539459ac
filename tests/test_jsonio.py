"""
The strict JSON reader, ``perpspec.jsonio`` (spec/json.md): lines (JSON-1), strict parsing
(JSON-2), and the value readers the decoders share (JSON-3), through the module; the commands
that use it are tested in test_cli.py, test_catalogue_eval.py and test_conformance.py.
"""

from __future__ import annotations

import io
import os
import threading

import pytest

from perpspec import errors
from perpspec.jsonio import (
    MAX_DEPTH,
    JsonFraction,
    UndecodableLine,
    decimal_string,
    integer_from_decimal,
    iter_lines,
    parse_json,
    read_bool,
    read_integer,
    read_list,
    read_object,
    read_string,
)


def lines(data: bytes) -> list:
    return list(iter_lines(io.BytesIO(data)))


# --- JSON-1: lines ------------------------------------------------------------------------


def test_lines_end_at_lf_only_and_a_last_line_needs_none():
    """JSON-1: LF ends a line; CR does not (it is white space); a last line without LF is read."""
    assert lines(b'{"a":1}\r\n{"b":2}\r{"c":3}\nlast') == ['{"a":1}\r', '{"b":2}\r{"c":3}', "last"]
    assert lines("a\u2028b\x85c\n".encode()) == ["a\u2028b\x85c"]


def test_only_json_white_space_lines_are_skipped():
    """JSON-1: empty lines and lines of space, tab and CR are skipped; any other white space is a line."""
    assert lines(b"\n \n\t\r\n\r\n") == []
    others = ["\x0c", "\x0b", "\x00", "\x85", "\xa0", "\u1680", "\u2028", "\u2029", "\u3000", "\ufeff"]
    data = b"".join(ch.encode() + b"\n" for ch in others)
    assert lines(data) == others


def test_each_line_is_decoded_by_itself_and_strictly():
    """JSON-1: a line that is not UTF-8 is an UndecodableLine; the lines around it are unaffected; the BOM is kept."""
    got = lines(b'{}\n\xff\n{"x":"\xc3\xa9"}\n\xc0\xaf\n\xed\xa0\x80\n\xe2\x82\n\xef\xbb\xbf{}\n')
    assert got[0] == "{}" and got[2] == '{"x":"\u00e9"}' and got[6] == "\ufeff{}"
    for index in (1, 3, 4, 5):
        assert isinstance(got[index], UndecodableLine), got[index]
    assert got[1].data == b"\xff" and "not UTF-8" in got[1].message


def test_lines_are_yielded_as_they_arrive():
    """JSON-1: a line is yielded as soon as it is complete, before the input ends (so answers can be flushed at once)."""
    read_end, write_end = os.pipe()
    with os.fdopen(read_end, "rb") as reader, os.fdopen(write_end, "wb", buffering=0) as writer:
        writer.write(b"first\n")
        iterator = iter_lines(reader)
        result: list = []
        thread = threading.Thread(target=lambda: result.append(next(iterator)))
        thread.start()
        thread.join(timeout=10)
        assert result == ["first"]  # the writer is still open: the line came without end of input
        writer.write(b"second\n")
        writer.close()
        assert list(iterator) == ["second"]


# --- JSON-2: strict parsing ---------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        '{"a": 1, "a": 2}',
        '{"a": 1, "\\u0061": 2}',
        '[{"x": {"b": 1, "b": 1}}]',
        "NaN",
        "[Infinity]",
        '{"a": -Infinity}',
        "\x0c{}",
        "{}\xa0",
        "\ufeff{}",
        "{} {}",
        "{},",
        '{"a": 1,}',
        "{'a': 1}",
        "01",
        "+1",
        "1.",
        ".5",
        "0x10",
        "1\u0663",
        '"a\tb"',
        '"\\ud800"',
        '"\\udc00"',
        '"\\udc00\\ud800"',
        '"\\ud800x"',
        '{"\\udfff": 1}',
        "1" * 1001,
        "-" + "1" * 1001,
        "7" * 5000,
        "",
    ],
)
def test_refused_texts(text):
    """JSON-2: duplicate keys (after unescaping), NaN and Infinity, other white space, trailing text, non-JSON numbers, raw control characters, unpaired surrogates and over-long integers are refused."""
    with pytest.raises(errors.MalformedJson):
        parse_json(text)


def test_the_caller_names_the_error_class():
    """JSON-2: the error raised is exactly the class the caller gives (MALFORMED_MESSAGE for messages, INVALID_GENESIS for a genesis)."""
    for error in (errors.MalformedMessage, errors.InvalidGenesis, ValueError):
        with pytest.raises(error) as raised:
            parse_json('{"a":1,"a":2}', error)
        assert type(raised.value) is error and "twice" in str(raised.value)
    with pytest.raises(errors.OutOfRange):
        parse_json("9" * 1001, errors.MalformedJson, digits_error=errors.OutOfRange)


def test_nesting_is_bounded_at_128_and_deep_text_is_a_clean_error():
    """JSON-2: 128 nested arrays or objects are read, 129 are not, and 100,000 never reach a RecursionError."""
    assert MAX_DEPTH == 128
    assert parse_json("[" * 128 + "]" * 128) is not None
    assert parse_json('{"a":' * 127 + "[]" + "}" * 127) is not None
    for text in ("[" * 129 + "]" * 129, '{"a":' * 129 + "1" + "}" * 129, "[" * 100_000 + "]" * 100_000):
        with pytest.raises(errors.MalformedJson, match="nested more than 128"):
            parse_json(text)


def test_integers_are_exact_and_bounded_before_conversion():
    """JSON-2: an integer of at most max_digits digits is read exactly; max_digits=None reads any length, past Python's 4,300."""
    assert parse_json("9" * 1000) == 10**1000 - 1
    assert parse_json("-" + "9" * 1000) == -(10**1000) + 1
    assert parse_json("[-0, 0, 12]") == [0, 0, 12]
    assert parse_json("7" * 5000, max_digits=None) == integer_from_decimal("7" * 5000)
    with pytest.raises(errors.MalformedJson, match="401 digits"):
        parse_json("1" * 401, max_digits=400)


def test_fractions_are_kept_as_written_never_rounded():
    """JSON-2: a number with a fraction or an exponent is a JsonFraction holding its text; a caller may ask for another type."""
    assert parse_json("[1.0, 1e3, 1e400, -0.5E-7]") == [
        JsonFraction("1.0"),
        JsonFraction("1e3"),
        JsonFraction("1e400"),
        JsonFraction("-0.5E-7"),
    ]
    long_fraction = "1." + "0" * 5000
    assert parse_json(long_fraction).text == long_fraction  # the integer bound is not a fraction's
    assert parse_json("[2000.0]", fraction=float) == [2000.0]


def test_strings_are_unicode_text():
    """JSON-2: escaped pairs are one character; an escaped backslash is not an escape; unpaired surrogates only with surrogates=True."""
    assert parse_json('"\\ud83d\\ude00"') == "\U0001f600"
    assert parse_json('"\\\\ud800"') == "\\ud800"
    assert parse_json('{"k\\u00e9": "\\u00e9"}') == {"k\u00e9": "\u00e9"}
    assert parse_json('"\\ud800"', surrogates=True) == "\ud800"


def test_accepted_texts_and_white_space():
    """JSON-2: space, tab, LF and CR are white space anywhere between tokens; objects keep their key order."""
    assert parse_json(' \t{\r"b" :\n1 , "a":[ true,false,null ]}\r ') == {"b": 1, "a": [True, False, None]}
    assert list(parse_json('{"z":1,"a":2}')) == ["z", "a"]


# --- JSON-3: value readers ------------------------------------------------------------------


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


def test_exact_integers_beyond_python_default_digit_limit():
    """JSON-2: decimal_string and integer_from_decimal write and read integers of any length exactly."""
    for value in [0, -1, 10**999, -(10**1000) + 1, (10**999 + 7) * 10**4000, -(3 * 10**6000 + 1)]:
        assert integer_from_decimal(decimal_string(value)) == value
    assert len(decimal_string((10**999 + 7) * 10**4000)) == 5_000
    assert decimal_string(-(10**1000)) == "-1" + "0" * 1000
