"""
The ``lines`` suite: raw request lines and what an adapter must answer to each (conformance/FORMAT.md §6.4).

Each case is the bytes of one line, sent to the adapter as they are, and the one answer
it must get, ``{"id": null, "error": {"code": CODE}}``, or none at all for a line of
JSON white space (ADAPTER.md §1–2; JSON-1, JSON-2). The cases are hand-written with
their expected codes; the generator also runs each through the reference adapter and
stops if the two disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

MALFORMED_JSON = "MALFORMED_JSON"
MALFORMED_REQUEST = "MALFORMED_REQUEST"
UNSUPPORTED_OP = "UNSUPPORTED_OP"
IGNORED = None


@dataclass(frozen=True)
class LineCase:
    """One raw line (without its LF) and the code of its one answer, or IGNORED (no answer)."""

    name: str
    line: bytes
    code: str | None
    description: str
    rules: tuple[str, ...] = ("JSON-2",)


def _nested(depth: int, opening: bytes = b"[", closing: bytes = b"]") -> bytes:
    return opening * depth + closing * depth


def _in_request(value: bytes) -> bytes:
    """A request whose ``op`` is not a string (MALFORMED_REQUEST if the line is JSON) holding ``value``."""
    return b'{"op":5,"x":' + value + b"}"


def _eval_input(value: bytes) -> bytes:
    return (
        b'{"op":"eval","function":"is_liquidatable","inputs":{"net_collateral":'
        + value
        + b',"maintenance_margin_requirement":1}}'
    )


def _white_space_cases() -> list[LineCase]:
    """JSON-1: JSON white space alone is skipped; any other white space is an answered line."""
    skipped = [
        ("empty-line", b"", "an empty line"),
        ("space-tab-cr-line", b" \t \r", "space, tab and CR: all JSON white space"),
        ("cr-only-line", b"\r", "a CR alone (the CR of a CRLF line end): JSON white space, not a line end"),
    ]
    cases = [LineCase(n, b, IGNORED, f"{d}: skipped, no answer", ("JSON-1",)) for n, b, d in skipped]
    other = [
        ("form-feed-line", b"\x0c", "a form feed (U+000C)"),
        ("vertical-tab-line", b"\x0b", "a vertical tab (U+000B)"),
        ("nul-line", b"\x00", "a NUL byte"),
        ("next-line-u0085", "\u0085".encode(), "NEXT LINE (U+0085)"),
        ("no-break-space-u00a0", "\u00a0".encode(), "NO-BREAK SPACE (U+00A0)"),
        ("line-separator-u2028", "\u2028".encode(), "LINE SEPARATOR (U+2028)"),
        ("paragraph-separator-u2029", "\u2029".encode(), "PARAGRAPH SEPARATOR (U+2029)"),
        ("ideographic-space-u3000", "\u3000".encode(), "IDEOGRAPHIC SPACE (U+3000)"),
        ("byte-order-mark-line", "\ufeff".encode(), "a UTF-8 byte order mark alone"),
    ]
    cases += [
        LineCase(
            n,
            b,
            MALFORMED_JSON,
            f"{d}, alone: not JSON white space, so an answered line that is not JSON",
            ("JSON-1", "JSON-2"),
        )
        for n, b, d in other
    ]
    cases += [
        LineCase(
            "form-feed-before-request",
            b'\x0c{"op":5}',
            MALFORMED_JSON,
            "a form feed before a request: not JSON white space",
        ),
        LineCase(
            "no-break-space-after-request",
            '{"op":5}\u00a0'.encode(),
            MALFORMED_JSON,
            "a no-break space after a request: not JSON white space",
        ),
        LineCase(
            "byte-order-mark-before-request",
            b'\xef\xbb\xbf{"op":5}',
            MALFORMED_JSON,
            "a UTF-8 byte order mark before a request: kept by the decoding, and not JSON",
            ("JSON-1", "JSON-2"),
        ),
        LineCase(
            "json-white-space-around-request",
            b' \t{"op":5}\t \r',
            MALFORMED_REQUEST,
            'space, tab and CR around a request are JSON white space: the line is read, and its "op" is not a string',
            ("JSON-1", "JSON-2"),
        ),
        LineCase(
            "cr-between-tokens",
            b'{"op":\r5}',
            MALFORMED_REQUEST,
            "a CR between tokens is JSON white space, not a line end",
            ("JSON-1", "JSON-2"),
        ),
        LineCase(
            "cr-inside-line",
            b'{"op":5}\r{"op":6}',
            MALFORMED_JSON,
            "two requests joined by a CR are one line (CR is not a line end), and that line is not one JSON value",
            ("JSON-1", "JSON-2"),
        ),
    ]
    return cases


def _encoding_cases() -> list[LineCase]:
    """JSON-1: each line is decoded as UTF-8 by itself and strictly."""
    bad = [
        ("invalid-start-byte", b"\xff", "the byte 0xFF, which no UTF-8 text holds"),
        ("invalid-byte-in-string", b'{"op":"hello","x":"\xff"}', "a request whose string holds the byte 0xFF"),
        ("latin-1-text", b'{"op":"h\xe9llo"}', "a string in Latin-1 (0xE9 for e-acute)"),
        ("truncated-sequence", b'{"op":"\xe2\x82"}', "a three-byte sequence cut after two bytes"),
        ("overlong-encoding", b'{"op":"\xc0\xaf"}', "an overlong two-byte encoding of /"),
        ("encoded-surrogate", b'{"op":"\xed\xa0\x80"}', "the surrogate U+D800 encoded as three bytes (CESU-8)"),
        ("beyond-u10ffff", b'{"op":"\xf4\x90\x80\x80"}', "a four-byte sequence for U+110000, beyond Unicode"),
        (
            "utf-16-request",
            b"\xff\xfe" + '{"op":5}'.encode("utf-16-le"),
            "a request in UTF-16 with its byte order mark",
        ),
    ]
    cases = [
        LineCase(n, b, MALFORMED_JSON, f"{d}: not UTF-8, answered MALFORMED_JSON with id null", ("JSON-1",))
        for n, b, d in bad
    ]
    cases += [
        LineCase(
            "utf-8-two-byte-in-string",
            '{"op":"h\u00e9llo"}'.encode(),
            UNSUPPORTED_OP,
            'e-acute in UTF-8: the line is read, and "h\\u00e9llo" is no op',
            ("JSON-1",),
        ),
        LineCase(
            "utf-8-four-byte-in-string",
            '{"op":"\U0001f600"}'.encode(),
            UNSUPPORTED_OP,
            "U+1F600 in UTF-8 (four bytes): the line is read, and the string is no op",
            ("JSON-1",),
        ),
    ]
    return cases


def _key_and_constant_cases() -> list[LineCase]:
    """JSON-2: a key twice in an object, and NaN or Infinity, refuse the whole line."""
    return [
        LineCase("duplicate-key", b'{"op":"hello","op":"hello"}', MALFORMED_JSON, '"op" twice, even with one value'),
        LineCase(
            "duplicate-key-after-unescaping",
            b'{"op":"hello","\\u006fp":"hello"}',
            MALFORMED_JSON,
            'keys are compared after unescaping: "\\u006fp" is "op"',
        ),
        LineCase(
            "duplicate-id", b'{"id":"a","id":"b","op":"hello"}', MALFORMED_JSON, '"id" twice: no id to answer with'
        ),
        LineCase(
            "duplicate-key-nested",
            b'{"op":"eval","function":"is_liquidatable","inputs":{"net_collateral":1,"net_collateral":2,'
            b'"maintenance_margin_requirement":1}}',
            MALFORMED_JSON,
            "an input named twice, deep in an eval request",
        ),
        LineCase("nan", _eval_input(b"NaN"), MALFORMED_JSON, "NaN as an input: not JSON"),
        LineCase("infinity", _eval_input(b"Infinity"), MALFORMED_JSON, "Infinity as an input: not JSON"),
        LineCase("negative-infinity", _eval_input(b"-Infinity"), MALFORMED_JSON, "-Infinity as an input: not JSON"),
    ]


def _number_cases() -> list[LineCase]:
    """JSON-2: integers of more than 1,000 digits are refused before conversion; fractions are never converted."""
    return [
        LineCase(
            "integer-of-1000-digits",
            _in_request(b"9" * 1000),
            MALFORMED_REQUEST,
            "an integer of 1,000 digits: read (the request's op is not a string)",
        ),
        LineCase(
            "negative-integer-of-1000-digits",
            _in_request(b"-" + b"9" * 1000),
            MALFORMED_REQUEST,
            "-(10^1000 - 1): 1,000 digits and a sign, read",
        ),
        LineCase(
            "integer-of-1001-digits",
            _in_request(b"1" + b"0" * 1000),
            MALFORMED_JSON,
            "10^1000: 1,001 digits, refused before it is converted",
        ),
        LineCase(
            "negative-integer-of-1001-digits",
            _in_request(b"-1" + b"0" * 1000),
            MALFORMED_JSON,
            "-10^1000: 1,001 digits, refused",
        ),
        LineCase(
            "integer-of-5000-digits",
            _in_request(b"7" * 5000),
            MALFORMED_JSON,
            "5,000 digits, beyond Python's default 4,300-digit conversion limit: refused cleanly",
        ),
        LineCase(
            "fraction-of-1002-digits",
            _in_request(b"1." + b"0" * 1001),
            MALFORMED_REQUEST,
            "a fraction of 1,002 digits is valid JSON: the bound is on integers, and a fraction is never converted",
        ),
        LineCase(
            "exponent-beyond-double",
            _in_request(b"1e400"),
            MALFORMED_REQUEST,
            "1e400 is valid JSON, kept as written (no double holds it)",
        ),
        LineCase(
            "arabic-indic-digit-in-number",
            _in_request("1\u0663".encode()),
            MALFORMED_JSON,
            "a JSON number has ASCII digits only: 1 followed by ARABIC-INDIC DIGIT THREE is not JSON",
        ),
        LineCase("leading-zero", _in_request(b"01"), MALFORMED_JSON, "01: a leading zero is not JSON"),
        LineCase("plus-sign", _in_request(b"+1"), MALFORMED_JSON, "+1: a plus sign is not JSON"),
        LineCase("hexadecimal", _in_request(b"0x10"), MALFORMED_JSON, "0x10: not JSON"),
        LineCase("bare-point", _in_request(b"1."), MALFORMED_JSON, "1. with no digit after the point: not JSON"),
    ]


def _nesting_cases() -> list[LineCase]:
    """JSON-2: arrays and objects nest at most 128 deep."""
    return [
        LineCase("arrays-128-deep", _nested(128), MALFORMED_REQUEST, "128 nested arrays: read (a list is no request)"),
        LineCase("arrays-129-deep", _nested(129), MALFORMED_JSON, "129 nested arrays: refused"),
        LineCase(
            "request-with-arrays-128-deep",
            _in_request(_nested(127)),
            MALFORMED_REQUEST,
            "a request (depth 1) holding 127 nested arrays: 128 deep, read",
        ),
        LineCase(
            "request-with-arrays-129-deep",
            _in_request(_nested(128)),
            MALFORMED_JSON,
            "a request holding 128 nested arrays: 129 deep, refused",
        ),
        LineCase(
            "objects-129-deep",
            b'{"a":' * 129 + b"1" + b"}" * 129,
            MALFORMED_JSON,
            "129 nested objects: refused",
        ),
        LineCase(
            "arrays-2000-deep",
            _nested(2_000),
            MALFORMED_JSON,
            "2,000 nested arrays, past Python's default recursion limit: refused cleanly, not a stack overflow",
        ),
    ]


def _string_cases() -> list[LineCase]:
    """JSON-2: strings are Unicode text: no unpaired surrogate escape, no raw control character."""
    return [
        LineCase("lone-high-surrogate", b'{"op":"\\ud800"}', MALFORMED_JSON, "\\ud800 alone: not Unicode text"),
        LineCase("lone-low-surrogate", b'{"op":"\\udc00"}', MALFORMED_JSON, "\\udc00 alone: not Unicode text"),
        LineCase(
            "reversed-surrogate-pair",
            b'{"op":"\\udc00\\ud800"}',
            MALFORMED_JSON,
            "a low surrogate before a high one: two unpaired surrogates",
        ),
        LineCase(
            "high-surrogate-then-letter",
            b'{"op":"\\ud800x"}',
            MALFORMED_JSON,
            "a high surrogate followed by a letter, not a low surrogate",
        ),
        LineCase(
            "lone-surrogate-in-key",
            b'{"\\udfff":1,"op":5}',
            MALFORMED_JSON,
            "an unpaired surrogate in a key",
        ),
        LineCase(
            "surrogate-pair",
            b'{"op":"\\ud83d\\ude00"}',
            UNSUPPORTED_OP,
            "an escaped pair is one character (U+1F600): read, and no op",
        ),
        LineCase(
            "escaped-backslash-before-u",
            b'{"op":"\\\\ud800"}',
            UNSUPPORTED_OP,
            "\\\\ud800 is a backslash and the letters ud800, not an escape: read, and no op",
        ),
        LineCase("raw-tab-in-string", b'{"op":"a\tb"}', MALFORMED_JSON, "a raw tab inside a string: JSON needs \\t"),
    ]


def _syntax_cases() -> list[LineCase]:
    """JSON-2: one JSON value per line, nothing after it, no JSON extensions."""
    return [
        LineCase("two-values", b'{"op":5} {"op":5}', MALFORMED_JSON, "two JSON values on one line"),
        LineCase("trailing-comma-after-value", b'{"op":5},', MALFORMED_JSON, "a comma after the value"),
        LineCase("trailing-comma-in-object", b'{"op":5,}', MALFORMED_JSON, "a trailing comma inside an object"),
        LineCase("single-quotes", b"{'op':5}", MALFORMED_JSON, "single-quoted strings are not JSON"),
        LineCase("comment", b'{"op":5} // a comment', MALFORMED_JSON, "comments are not JSON"),
        LineCase("string-value", b'"hello"', MALFORMED_REQUEST, "valid JSON that is not an object"),
        LineCase("null-value", b"null", MALFORMED_REQUEST, "valid JSON that is not an object"),
    ]


def line_cases() -> list[LineCase]:
    """Every case of the lines suite, in file order."""
    cases = (
        _white_space_cases()
        + _encoding_cases()
        + _key_and_constant_cases()
        + _number_cases()
        + _nesting_cases()
        + _string_cases()
        + _syntax_cases()
    )
    names = [case.name for case in cases]
    if len(set(names)) != len(names):
        raise AssertionError("two line cases have the same name")
    for case in cases:
        if b"\n" in case.line:
            raise AssertionError(f"line case {case.name!r} holds an LF: it would be two lines")
    return cases


__all__ = ["IGNORED", "LineCase", "line_cases"]
