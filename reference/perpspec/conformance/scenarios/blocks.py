"""
Scenarios of block heights and times (spec/blocks.md, BLOCK-1, BLOCK-2).
"""

from __future__ import annotations

from perpspec import errors
from perpspec.conformance.builders import (
    AUTHORITY,
    OK,
    Scenario,
    advance_block,
    make_genesis,
)
from perpspec.units import INT64_MAX


def blocks() -> Scenario:
    s = Scenario(
        "block-errors",
        "Heights step by exactly one and times strictly increase; the authority signs.",
        ["BLOCK-1", "BLOCK-2", "TX-5"],
        ["ATOM-1", "DET-1"],
        make_genesis(),
    )
    h, t = s.height, s.time
    s.step("a skipped height", advance_block(AUTHORITY, h + 2, t + 1), errors.InvalidBlockHeight.code)
    s.step("the same height", advance_block(AUTHORITY, h, t + 1), errors.InvalidBlockHeight.code)
    s.step("height 0", advance_block(AUTHORITY, 0, t + 1), errors.InvalidBlockHeight.code)
    s.step("the same time", advance_block(AUTHORITY, h + 1, t), errors.InvalidBlockTime.code)
    s.step("an earlier time", advance_block(AUTHORITY, h + 1, t - 1), errors.InvalidBlockTime.code)
    s.step(
        "the next block, one second later; height and time as decimal strings",
        advance_block(AUTHORITY, str(h + 1), str(t + 1)),
        OK,
        ["TX-5"],
    )
    s.step(
        "a jump to the largest int64 time: an outage of that many seconds",
        advance_block(AUTHORITY, h + 2, INT64_MAX),
        OK,
    )
    s.step("no later time exists in int64", advance_block(AUTHORITY, h + 3, INT64_MAX), errors.InvalidBlockTime.code)
    s.step(
        "a time beyond int64 is not a field value",
        advance_block(AUTHORITY, h + 3, INT64_MAX + 1),
        errors.InvalidField.code,
        ["TX-5"],
    )
    return s
