"""
CONS-3 for fills: taker change + maker change + both fees = 0, and the fees are never negative in total.

Claim: CONS-3 (spec/claims.md).  Rules: FEE-2, FEE-3, FEE-5 (on ROUND-6).  Real
functions: ``perpspec.clob.fills.compute_match_quote_deltas`` and
``perpspec.clob.fees.fee_of_integers`` (all its paths, proved equal to
``perpspec.rounding.mul_ppm_ceil``).  The fill quote's fast path (MATCH-2) is proved
with the conversions, in ``perpspec.verify.z3.conversions``.
"""

from __future__ import annotations

from functools import partial

import z3

from perpspec import rounding
from perpspec.rounding import ONE_MILLION
from perpspec.verify.z3.harness import Obligation, Proof, ceil_ok, ints, path_lemmas, path_value
from perpspec.verify.z3.paths import Explorer


def prove_fill_zero_sum(taker_is_buy: bool) -> Obligation:
    """
    CONS-3 (FEE-2, FEE-3): for any quote >= 0 and fee rates whose sum is not negative (FEE-5),
    taker change + maker change + taker fee + maker fee = 0, each fee is the ceiling of
    quote * ppm / 1e6, and the fees are not negative in total.  On the real
    ``compute_match_quote_deltas``.
    """
    from perpspec.clob.fills import compute_match_quote_deltas

    quote, taker_ppm, maker_ppm = ints("quote taker_ppm maker_ppm")
    taker_delta, maker_delta, taker_fee, maker_fee = compute_match_quote_deltas(
        taker_is_buy, quote, taker_ppm, maker_ppm
    )
    premise = z3.And(quote >= 0, taker_ppm + maker_ppm >= 0)
    return Obligation(
        premise=premise,
        prop=z3.And(
            taker_delta + maker_delta + taker_fee + maker_fee == 0,
            taker_fee + maker_fee >= 0,
            ceil_ok(taker_fee, quote * taker_ppm, ONE_MILLION),
            ceil_ok(maker_fee, quote * maker_ppm, ONE_MILLION),
        ),
        inputs={"quote": quote, "taker_ppm": taker_ppm, "maker_ppm": maker_ppm},
        observe={
            "taker_delta": taker_delta,
            "maker_delta": maker_delta,
            "taker_fee": taker_fee,
            "maker_fee": maker_fee,
        },
        witness=z3.And(premise, quote > 0, maker_ppm < 0),
    )


def prove_fast_fee() -> Obligation:
    """FEE-2: the fee's integer fast path equals ``mul_ppm_ceil`` for every quote and rate."""
    from perpspec.clob.fees import fee_of_integers

    quote, ppm = ints("quote ppm")
    premise = z3.BoolVal(True)
    explorer = Explorer(premise, floor_division=True)
    s_quote, s_ppm = explorer.wrap(quote), explorer.wrap(ppm)
    paths = explorer.explore(lambda: fee_of_integers(s_quote, s_ppm))
    fast = path_value(paths)
    general = rounding.mul_ppm_ceil(quote, ppm)
    return Obligation(
        premise=premise,
        prop=fast == general,
        inputs={"quote": quote, "ppm": ppm},
        observe={"fast": fast, "general": general},
        witness=z3.And(quote > 0, ppm < 0, general < 0),
        lemmas=path_lemmas(paths, premise),
    )


# --- the proof lists ------------------------------------------------------------------------------


def proofs() -> list[Proof]:
    """FEE-3: the zero-sum proof, once with the taker buying and once selling."""
    return [
        Proof(
            f"FEE-3 fill zero-sum, taker {'buys' if buy else 'sells'}",
            ("CONS-3",),
            ("FEE-2", "FEE-3", "FEE-5"),
            "taker + maker changes + fees = 0; fees ceil; total fees >= 0",
            partial(prove_fill_zero_sum, buy),
        )
        for buy in (True, False)
    ]


def fast_path_proofs() -> list[Proof]:
    """FEE-2: the fee's integer fast path equals ``mul_ppm_ceil``."""
    return [
        Proof(
            "FEE-2 fast fee = mul_ppm_ceil",
            ("CONS-3",),
            ("FEE-2", "ROUND-6"),
            "fee_of_integers == mul_ppm_ceil",
            prove_fast_fee,
        )
    ]
