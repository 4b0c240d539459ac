"""
RO-1 for reduce-only fills: a reduce-only order never increases a position and never flips its side.

Claim: RO-1 (spec/claims.md).  Rules: MATCH-8, ORDER-10.  Real function:
``perpspec.clob.matching.compute_reduce_only_fill``, run on every feasible path by
``perpspec.verify.z3.paths``, for a buy and for a sell.
"""

from __future__ import annotations

from functools import partial

import z3

from perpspec.verify.z3.harness import Obligation, Proof, ints, path_lemmas, path_value
from perpspec.verify.z3.paths import Explorer


def prove_reduce_only_fill(is_buy: bool) -> Obligation:
    """
    RO-1 (MATCH-8): a reduce-only fill of whole steps is whole steps, at most the fill, and
    leaves the position no larger and on the same side or zero.  All paths of the real
    ``compute_reduce_only_fill``.
    """
    from perpspec.clob.matching import compute_reduce_only_fill

    position, steps, step = ints("position steps step")
    fill = steps * step
    premise = z3.And(step > 0, steps > 0)
    explorer = Explorer(premise)
    s_position, s_fill, s_step = (explorer.wrap(v) for v in (position, fill, step))
    paths = explorer.explore(lambda: compute_reduce_only_fill(is_buy, s_position, s_fill, s_step))
    result = path_value(paths)
    after = position + result if is_buy else position - result
    return Obligation(
        premise=premise,
        prop=z3.And(
            result >= 0,
            result <= fill,
            z3.Or(result == fill, result == (result / step) * step),
            z3.If(position >= 0, z3.And(after >= 0, after <= position), z3.And(position <= after, after <= 0)),
        ),
        inputs={"position": position, "steps": steps, "step": step},
        observe={"fill": fill, "result": result},
        witness=z3.And(premise, result > 0, result < fill),
        lemmas=path_lemmas(paths, premise),
        note=f"{len(paths.paths)} paths",
    )


def proofs() -> list[Proof]:
    """MATCH-8: the reduce-only proof, once for a buy and once for a sell."""
    return [
        Proof(
            f"MATCH-8 reduce-only fill, {'buy' if buy else 'sell'}",
            ("RO-1",),
            ("MATCH-8", "ORDER-10"),
            "whole steps, <= fill, never grows or flips",
            partial(prove_reduce_only_fill, buy),
        )
        for buy in (True, False)
    ]
