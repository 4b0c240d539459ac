"""
Strict parsing by ``perpspec.jsonio`` (spec/json.md, JSON-2): refused texts, the caller's
error class, bounded nesting, exact integers, fractions kept as written, Unicode strings.
"""

from __future__ import annotations

import pytest

from perpspec import errors
from perpspec.jsonio import MAX_DEPTH, JsonFraction, decimal_string, integer_from_decimal, parse_json


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


def test_exact_integers_beyond_python_default_digit_limit():
    """JSON-2: decimal_string and integer_from_decimal write and read integers of any length exactly."""
    for value in [0, -1, 10**999, -(10**1000) + 1, (10**999 + 7) * 10**4000, -(3 * 10**6000 + 1)]:
        assert integer_from_decimal(decimal_string(value)) == value
    assert len(decimal_string((10**999 + 7) * 10**4000)) == 5_000
    assert decimal_string(-(10**1000)) == "-1" + "0" * 1000
