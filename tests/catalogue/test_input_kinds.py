"""
The catalogue's input kinds beyond integers (spec/catalogue.md, CAT-2, CAT-4, CAT-5): booleans,
string choices, rationals, objects and lists each read exactly their JSON form and refuse
every other with a stable code.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from perpspec import errors
from perpspec.catalogue import BOOLEAN, RATIONAL, UINT32, ChoiceType, ListType, ObjectType

POSITION = ObjectType((("perpetual_id", UINT32), ("quantums", UINT32)))
STATUS = ChoiceType(("ACTIVE", "FINAL_SETTLEMENT"))


def test_boolean_reads_only_json_booleans() -> None:
    assert BOOLEAN.read(True, "x") is True and BOOLEAN.read(False, "x") is False
    for value in (0, 1, "true", None):
        with pytest.raises(errors.InvalidType):
            BOOLEAN.read(value, "x")


def test_choice_is_spelt_exactly() -> None:
    assert STATUS.read("FINAL_SETTLEMENT", "s") == "FINAL_SETTLEMENT"
    assert STATUS.name == '"ACTIVE" | "FINAL_SETTLEMENT"'
    with pytest.raises(errors.InvalidArgument):
        STATUS.read("active", "s")
    with pytest.raises(errors.InvalidType):
        STATUS.read(1, "s")


def test_rational_is_two_integers_with_a_nonzero_denominator() -> None:
    assert RATIONAL.read([6, "-4"], "p") == Fraction(-3, 2)
    with pytest.raises(errors.InvalidArgument):
        RATIONAL.read([1, 0], "p")
    for value in ([1], [1, 2, 3], "1/2", [1.5, 2]):
        with pytest.raises(errors.InvalidType):
            RATIONAL.read(value, "p")


@pytest.mark.parametrize(
    "value, error",
    [
        ({"perpetual_id": 0}, errors.MissingInput),
        ({"perpetual_id": 0, "quantums": 1, "x": 2}, errors.UnexpectedInput),
        ({"perpetual_id": -1, "quantums": 1}, errors.OutOfRange),
        ([0, 1], errors.InvalidType),
    ],
)
def test_object_has_exactly_its_fields(value: Any, error: type[Exception]) -> None:
    with pytest.raises(error):
        POSITION.read(value, "position")


def test_list_of_objects_reads_every_item_and_may_be_empty() -> None:
    kind = ListType(POSITION)
    assert kind.read([], "positions") == []
    assert kind.read([{"perpetual_id": 1, "quantums": "2"}], "positions") == [{"perpetual_id": 1, "quantums": 2}]
    assert kind.name == "list of {perpetual_id: uint32, quantums: uint32}"
    with pytest.raises(errors.OutOfRange):
        kind.read([{"perpetual_id": 1, "quantums": -2}], "positions")
    with pytest.raises(errors.InvalidType):
        kind.read({"perpetual_id": 1}, "positions")
