"""
The book level's fast path keeps time priority (BOOK-1, BOOK-3): a level's list with a head
index gives the oldest live order, as a FIFO queue would.

Each fast path the matching engine and the collateral check take for speed is checked
against the general, z3-capable function (or the general code it replaced, written out
here as the oracle) on drawn integer inputs, boundaries included.  Example counts are the
``ci`` hypothesis profile's (helpers.budget scales them by the profile).
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from helpers.budget import examples


@given(st.lists(st.tuples(st.sampled_from(["add", "remove", "front"]), st.integers(0, 10**6)), max_size=300))
@settings(max_examples=examples(300), deadline=None)
def test_level_queue_keeps_time_priority(ops):
    """BOOK-1: a level's list with a head index gives the oldest live order, as a FIFO queue would."""
    from perpspec.clob.book import BookOrder, Level

    level = Level(100)
    model: list = []  # live orders, oldest first
    sequence = 0
    for op, pick in ops:
        if op == "add" or not model:
            entry = object.__new__(BookOrder)
            entry.removed = False
            entry.sequence = sequence
            sequence += 1
            level.queue.append(entry)
            level.live += 1
            model.append(entry)
        elif op == "remove":
            entry = model.pop(pick % len(model))
            entry.removed = True
            level.live -= 1
        else:
            assert level.front() is model[0]
        assert list(level.orders()) == model
        assert all(e.removed for e in level.queue[: level.head])
