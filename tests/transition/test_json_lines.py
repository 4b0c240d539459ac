"""
Input lines of the strict JSON reader, ``perpspec.jsonio`` (spec/json.md, JSON-1): LF ends a
line, only JSON white space is skipped, each line is decoded by itself, as it arrives.  The
commands that read lines are tested in transition/test_cli_lines.py,
catalogue/test_eval_command.py and conformance/test_raw_lines.py.
"""

from __future__ import annotations

import io
import os
import threading

from perpspec.jsonio import UndecodableLine, iter_lines


def lines(data: bytes) -> list:
    return list(iter_lines(io.BytesIO(data)))


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
