"""
JSON in: the one strict reader of every JSON text perpspec takes (spec/json.md).

- ``iter_lines``: the line protocol of ``perpspec eval``, ``perpspec apply`` and the
  conformance adapter (JSON-1): bytes in, one line per LF, each decoded as UTF-8 on its
  own, lines of JSON white space skipped.
- ``parse_json``: one JSON text, read strictly (JSON-2): no NaN or Infinity, no key
  twice in an object, no unpaired surrogate, no nesting deeper than ``MAX_DEPTH``, no
  integer longer than a bound (refused before it is converted), and every number with
  a fraction or an exponent kept as a ``JsonFraction``, never rounded.
- ``read_object``, ``read_integer``, ``read_string``, ``read_bool``, ``read_list``: the
  value readers of the decoders (JSON-3), each naming where the value sits and taking
  the error classes to raise, so that "wrong type" and "out of range" can keep codes of
  their own.
- ``decimal_string``, ``integer_from_decimal``: exact integers of any length, beyond
  Python's 4,300-digit limit on ``int``/``str`` conversions.

Nothing here imports perpspec except ``perpspec.errors``, for the default error classes.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Collection, Iterator
from functools import lru_cache
from typing import Any, BinaryIO, NoReturn

from perpspec import errors

ErrorClass = Callable[[str], Exception]
"""An exception class (or any callable) taking one message: what a reader raises."""

MAX_DEPTH = 128
"""Arrays and objects nest at most this deep (JSON-2); one level deeper is refused."""

MAX_NUMBER_DIGITS = 1_000
"""The default bound on the digits of a JSON integer before it is converted (JSON-2)."""

MAX_DECIMAL_DIGITS = 400
"""The default bound on the digits of an integer a decoder reads (JSON-3, TX-5)."""

JSON_WHITE_SPACE = b" \t\r"
"""White space as JSON counts it, apart from LF, which ends a line (JSON-1)."""


# --- lines (JSON-1) ---------------------------------------------------------------------


class UndecodableLine:
    """A line of input that is not UTF-8: it is answered with an error, never skipped (JSON-1)."""

    def __init__(self, data: bytes, reason: str) -> None:
        self.data = data
        self.reason = reason

    @property
    def message(self) -> str:
        return f"the line is not UTF-8: {self.reason}"

    def __repr__(self) -> str:
        return f"UndecodableLine({self.data[:40]!r}, {self.reason!r})"


def iter_lines(stream: BinaryIO) -> Iterator[str | UndecodableLine]:
    """
    The lines of a byte stream that get an answer (JSON-1).

    A line ends at LF (a last line may end at the end of input); CR is white space, never
    a line end. A line that is empty or holds only JSON white space (space, tab, CR) is
    skipped. Every other line is yielded once: as its text, decoded as UTF-8 by itself,
    or as an ``UndecodableLine``. Lines are read one at a time, so an answer can be made
    and flushed before the next line arrives.
    """
    while True:
        data = stream.readline()
        if not data:
            return
        if data.endswith(b"\n"):
            data = data[:-1]
        if not data.strip(JSON_WHITE_SPACE):
            continue
        yield decode_line(data)


def decode_line(data: bytes) -> str | UndecodableLine:
    """One line's bytes as UTF-8 text, strictly (no replacement, no BOM removal), or an ``UndecodableLine`` (JSON-1)."""
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        return UndecodableLine(data, f"{error.reason} at byte {error.start}")


# --- parsing (JSON-2) -------------------------------------------------------------------


class JsonFraction:
    """
    A JSON number written with a fraction or an exponent, kept as its text (JSON-2).

    It is never converted, so ``1.0`` is never read as the integer 1 and ``1e400`` never
    becomes infinity; a reader refuses it wherever an integer belongs.
    """

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    def __eq__(self, other: object) -> bool:
        return isinstance(other, JsonFraction) and other.text == self.text

    def __hash__(self) -> int:
        return hash(self.text)

    def __repr__(self) -> str:
        return f"JsonFraction({self.text!r})"


_SURROGATE = re.compile("[\ud800-\udfff]")
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def parse_json(
    text: str,
    error: ErrorClass = errors.MalformedJson,
    *,
    max_digits: int | None = MAX_NUMBER_DIGITS,
    digits_error: ErrorClass | None = None,
    fraction: Callable[[str], Any] = JsonFraction,
    surrogates: bool = False,
) -> Any:
    """
    One JSON text, read strictly (JSON-2); anything refused raises ``error``.

    Refused: text that is not one JSON value (RFC 8259) with only space, tab, LF and CR
    as white space; ``NaN``, ``Infinity`` and ``-Infinity``; an object naming a key twice
    (keys compared after unescaping); a string holding an unpaired surrogate escape;
    arrays and objects nested deeper than ``MAX_DEPTH``; an integer (a number with no
    fraction and no exponent) of more than ``max_digits`` digits, before it is converted
    (``digits_error`` if given; ``None`` for no bound). A number with a fraction or an
    exponent becomes ``fraction(text)``, a ``JsonFraction`` unless the caller asks
    otherwise; it is never rounded into an integer. ``surrogates=True`` keeps unpaired
    surrogates, for text that is only shown (the conformance runner reading an adapter's
    free-text error messages), never for input perpspec acts on.
    """
    try:
        value = json.loads(
            text,
            object_pairs_hook=_object_without_duplicates(error),
            parse_int=_integer_parser(max_digits, digits_error or error),
            parse_float=fraction,
            parse_constant=_refuse_constant(error),
        )
    except _Refused as refused:
        raise refused.error from None
    except RecursionError:
        raise error(f"not valid JSON: arrays and objects nested more than {MAX_DEPTH} deep") from None
    except ValueError as problem:  # json.JSONDecodeError
        raise error(f"not valid JSON: {problem}") from None
    _check_nesting_and_strings(value, text, error, surrogates)
    return value


class _Refused(Exception):
    """Carries the error a parsing hook raises out of ``json.loads`` unchanged."""

    def __init__(self, error: Exception) -> None:
        super().__init__(str(error))
        self.error = error


def _object_without_duplicates(error: ErrorClass) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    def build(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        obj = dict(pairs)
        if len(obj) != len(pairs):
            seen: set[str] = set()
            twice = ""
            for key, _ in pairs:
                if key in seen:
                    twice = key
                    break
                seen.add(key)
            raise _Refused(error(f"not valid JSON: the key {twice[:80]!r} appears twice in an object"))
        return obj

    return build


def _integer_parser(max_digits: int | None, digits_error: ErrorClass) -> Callable[[str], int]:
    def parse(literal: str) -> int:
        digits = len(literal) - literal.startswith("-")
        if max_digits is not None and digits > max_digits:
            raise _Refused(digits_error(f"an integer of {digits} digits; at most {max_digits} are read"))
        return integer_from_decimal(literal)

    return parse


def _refuse_constant(error: ErrorClass) -> Callable[[str], NoReturn]:
    def refuse(name: str) -> NoReturn:
        raise _Refused(error(f"not valid JSON: {name} is not a JSON value"))

    return refuse


def _check_nesting_and_strings(value: Any, text: str, error: ErrorClass, allow_surrogates: bool) -> None:
    """Refuse nesting deeper than MAX_DEPTH and unpaired surrogates (JSON-2); skipped when the text cannot hold them."""
    deep = text.count("[") + text.count("{") > MAX_DEPTH
    surrogates = not allow_surrogates and (
        _SURROGATE_ESCAPE.search(text) is not None or (not text.isascii() and _SURROGATE.search(text) is not None)
    )
    if not (deep or surrogates):
        return
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if surrogates and not item.isascii() and _SURROGATE.search(item):
                raise error("not valid JSON: a string holds an unpaired surrogate escape, which is not Unicode text")
            continue
        if isinstance(item, dict):
            if surrogates:
                stack.extend((key, depth) for key in item)
            children: Collection[Any] = item.values()
        elif isinstance(item, list):
            children = item
        else:
            continue
        if depth > MAX_DEPTH:
            raise error(f"not valid JSON: arrays and objects nested more than {MAX_DEPTH} deep")
        stack.extend((child, depth + 1) for child in children)


# --- value readers (JSON-3) -------------------------------------------------------------


def describe(value: Any) -> str:
    """A short name of a JSON value's type, for error messages."""
    if isinstance(value, JsonFraction):
        return f"the fraction {value.text[:40]}"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    names = {str: "a string", list: "a list", dict: "an object", type(None): "null"}
    return names.get(type(value), type(value).__name__)


def read_object(
    value: Any,
    where: str,
    required: Collection[str],
    optional: Collection[str] = (),
    *,
    type_error: ErrorClass = errors.MalformedMessage,
    missing_error: ErrorClass = errors.InvalidField,
    unknown_error: ErrorClass | None = None,
) -> dict[str, Any]:
    """
    A JSON object with every ``required`` key and no key outside ``required`` and ``optional`` (JSON-3).

    Checked in this order: a non-object is ``type_error``; a missing key is
    ``missing_error`` (the first in ``required``'s order, or sorted if it is a set); a key
    neither required nor optional is ``unknown_error`` (the first sorted; default
    ``missing_error``).
    """
    if not isinstance(value, dict):
        raise type_error(f"{where}: expected a JSON object, got {describe(value)}")
    ordered = required if isinstance(required, (list, tuple)) else sorted(required)
    for key in ordered:
        if key not in value:
            raise missing_error(f"{where}: missing field {key!r}")
    allowed = set(required) | set(optional)
    unknown = sorted(key for key in value if key not in allowed)
    if unknown:
        raise (unknown_error or missing_error)(f"{where}: unknown field {unknown[0][:80]!r}")
    return value


_DECIMAL = re.compile(r"-?[0-9]+")


def read_integer(
    value: Any,
    where: str,
    minimum: int | None,
    maximum: int | None,
    max_digits: int | None = MAX_DECIMAL_DIGITS,
    *,
    type_error: ErrorClass = errors.InvalidField,
    range_error: ErrorClass | None = None,
) -> int:
    """
    An integer from a JSON integer or a decimal string, within [minimum, maximum] (JSON-3).

    A JSON integer (never a boolean, never a ``JsonFraction``) or a string of an optional
    ``-`` and one or more ASCII digits; anything else (``"+5"``, ``" 5"``, ``"--5"``,
    ``""``, ``"-"``, ``"1.5"``, non-ASCII digits such as ``"٣"`` or ``"²"``) is
    ``type_error``. More than ``max_digits`` digits (``None``: no bound) is ``range_error``
    (default ``type_error``), checked before a string is converted; so is a value below
    ``minimum`` or above ``maximum`` (``None``: unbounded on that side).
    """
    out_of_range = range_error or type_error
    if isinstance(value, str):
        if _DECIMAL.fullmatch(value) is None:
            raise type_error(f"{where}: {_clip(value)!r} is not a decimal integer")
        digits = len(value) - value.startswith("-")
        if max_digits is not None and digits > max_digits:
            raise out_of_range(f"{where}: {digits} digits; at most {max_digits} are read")
        number = integer_from_decimal(value)
    elif isinstance(value, int) and not isinstance(value, bool):
        number = value
        if max_digits is not None and abs(number) >= _power_of_ten(max_digits):
            raise out_of_range(f"{where}: more than {max_digits} digits")
    else:
        raise type_error(f"{where}: expected an integer, got {describe(value)}")
    if minimum is not None and number < minimum:
        raise out_of_range(f"{where}: {_show(number)} is below the minimum {_show(minimum)}")
    if maximum is not None and number > maximum:
        raise out_of_range(f"{where}: {_show(number)} is above the maximum {_show(maximum)}")
    return number


@lru_cache(maxsize=16)
def _power_of_ten(exponent: int) -> int:
    power: int = 10**exponent
    return power


def read_string(
    value: Any,
    where: str,
    *,
    non_empty: bool = False,
    max_length: int | None = None,
    type_error: ErrorClass = errors.InvalidField,
    range_error: ErrorClass | None = None,
) -> str:
    """A JSON string (JSON-3); another type is ``type_error``; an empty one (if ``non_empty``) or a longer one ``range_error``."""
    if not isinstance(value, str):
        raise type_error(f"{where}: expected a string, got {describe(value)}")
    if non_empty and not value:
        raise (range_error or type_error)(f"{where}: expected a non-empty string")
    if max_length is not None and len(value) > max_length:
        raise (range_error or type_error)(f"{where}: more than {max_length} characters")
    return value


def read_bool(value: Any, where: str, *, type_error: ErrorClass = errors.InvalidField) -> bool:
    """A JSON boolean, never a number standing for one (JSON-3); anything else is ``type_error``."""
    if not isinstance(value, bool):
        raise type_error(f"{where}: expected true or false, got {describe(value)}")
    return value


def read_list(
    value: Any,
    where: str,
    *,
    max_length: int | None = None,
    type_error: ErrorClass = errors.InvalidField,
    range_error: ErrorClass | None = None,
) -> list[Any]:
    """A JSON array (JSON-3); another type is ``type_error``; more than ``max_length`` items is ``range_error``."""
    if not isinstance(value, list):
        raise type_error(f"{where}: expected a list, got {describe(value)}")
    if max_length is not None and len(value) > max_length:
        raise (range_error or type_error)(f"{where}: more than {max_length} values")
    return value


def _clip(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


def _show(number: int) -> str:
    """An integer for an error message: its digits, or their count when there are many."""
    if -(10**30) < number < 10**30:
        return str(number)
    return f"a {len(decimal_string(abs(number)))}-digit {'negative ' if number < 0 else ''}integer"


# --- exact integers of any length ---------------------------------------------------------

DIGITS_PER_CHUNK = 1_000
CHUNK = 10**DIGITS_PER_CHUNK


def decimal_string(value: int) -> str:
    """
    The exact decimal digits of any integer.

    Python refuses ``str()`` of integers beyond 4,300 digits by default; results of the
    catalogue can be longer (a 1,000-digit input times 10^4096), so they are written a
    chunk of 1,000 digits at a time.
    """
    if -CHUNK < value < CHUNK:
        return str(value)
    sign, magnitude = ("-", -value) if value < 0 else ("", value)
    chunks = []
    while magnitude:
        magnitude, chunk = divmod(magnitude, CHUNK)
        chunks.append(chunk)
    head = str(chunks[-1])
    return sign + head + "".join(str(chunk).zfill(DIGITS_PER_CHUNK) for chunk in reversed(chunks[:-1]))


def integer_from_decimal(text: str) -> int:
    """
    The integer a decimal string (an optional ``-`` and ASCII digits) writes, of any length.

    The inverse of ``decimal_string``: ``int()`` refuses more than 4,300 digits by
    default, so longer strings are read a chunk of 1,000 digits at a time. The caller
    checks the form first (``read_integer`` does); ``int()`` alone would also take
    ``"+5"``, ``" 5"``, ``"1_000"`` and non-ASCII digits.
    """
    digits = text[1:] if text.startswith("-") else text
    if len(digits) <= DIGITS_PER_CHUNK:
        return int(text)
    head = len(digits) % DIGITS_PER_CHUNK or DIGITS_PER_CHUNK
    magnitude = int(digits[:head])
    for start in range(head, len(digits), DIGITS_PER_CHUNK):
        magnitude = magnitude * CHUNK + int(digits[start : start + DIGITS_PER_CHUNK])
    return -magnitude if text.startswith("-") else magnitude


__all__ = [
    "MAX_DECIMAL_DIGITS",
    "MAX_DEPTH",
    "MAX_NUMBER_DIGITS",
    "JsonFraction",
    "UndecodableLine",
    "decimal_string",
    "decode_line",
    "describe",
    "integer_from_decimal",
    "iter_lines",
    "parse_json",
    "read_bool",
    "read_integer",
    "read_list",
    "read_object",
    "read_string",
]
