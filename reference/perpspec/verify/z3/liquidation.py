"""
BANKR-1: the fillable price, the bankruptcy price and the insurance fund's share of a liquidation.

Claim: BANKR-1 (spec/claims.md).  Rules: LIQ-6, LIQ-7, LIQ-8, LIQ-9 (on ROUND-3, ROUND-4,
ROUND-6).  Real functions, called with z3 terms: ``perpspec.liquidation_arithmetic``'s
``compute_fillable_price_terms`` (the body of ``compute_fillable_price``),
``compute_bankruptcy_price_quote_quantums``, ``compute_subticks_of_fillable_price_terms`` (the body of
``compute_fillable_price_subticks``) and ``compute_liquidation_insurance_fund_delta``.  Each property
is stated as mathematics (a sign, an order, an exact ceiling), never by re-typing the function.
"""

from __future__ import annotations

from functools import partial

import z3

from perpspec.liquidation_arithmetic import (
    compute_bankruptcy_price_quote_quantums,
    compute_fillable_price_terms,
    compute_liquidation_insurance_fund_delta,
    compute_subticks_of_fillable_price_terms,
)
from perpspec.rounding import ONE_MILLION
from perpspec.units import UINT32_MAX, UINT64_MAX
from perpspec.verify.z3.harness import Obligation, Proof, ceil_ok, floor_ok, ints, pow10_fraction

SUBTICKS_EXPONENTS = (-10, -8, -6, -1, 0, 2)
"""Quantum conversion exponents of the subticks proofs (each its own proof; v4's markets use -10..-5)."""

FULL_ONLY_EXPONENTS = (-10, 2)
"""The exponents whose subticks proofs z3 takes longest on (seconds to a minute): full mode only."""


def _fillable_inputs() -> tuple[list, dict]:
    names = "pnnv pmmr ps tnc tmmr ba smmr"
    values = ints(names)
    return values, dict(zip(names.split(), values, strict=True))


def prove_fillable_side_and_bound() -> Obligation:
    """
    LIQ-7: with F = num / den the fillable price and O = PNNV / PS the oracle price, den > 0,
    F is on the closing side of O (F <= O for a long, F >= O for a short) and within
    SMMR * PMMR / (1e6 * |PS|) of it; uniformly: num * PS <= PNNV * den and
    1e6 * num * PS >= (1e6 * PNNV - SMMR * PMMR) * den.
    """
    values, inputs = _fillable_inputs()
    pnnv, pmmr, ps, tnc, tmmr, ba, smmr = values
    num, den = compute_fillable_price_terms(pnnv, pmmr, ps, tnc, tmmr, ba, smmr)
    premise = z3.And(ps != 0, tmmr > 0, pmmr >= 0, ba >= 0, smmr >= 0)
    return Obligation(
        premise=premise,
        prop=z3.And(
            den > 0,
            num * ps <= pnnv * den,
            ONE_MILLION * num * ps >= (ONE_MILLION * pnnv - smmr * pmmr) * den,
        ),
        inputs=inputs,
        observe={"num": num, "den": den},
        witness=z3.And(premise, tnc < tmmr, tnc > 0, smmr > 0, pmmr > 0, ba > 0, ps < 0),
    )


def prove_fillable_is_oracle_when_collateralized() -> Obligation:
    """LIQ-7: TNC >= TMMR (not liquidatable) gives ABR = 0, so the fillable price is the oracle price: num * PS = PNNV * den."""
    values, inputs = _fillable_inputs()
    pnnv, pmmr, ps, tnc, tmmr, ba, smmr = values
    num, den = compute_fillable_price_terms(pnnv, pmmr, ps, tnc, tmmr, ba, smmr)
    premise = z3.And(ps != 0, tmmr > 0, pmmr >= 0, ba >= 0, smmr >= 0, tnc >= tmmr)
    return Obligation(
        premise=premise,
        prop=num * ps == pnnv * den,
        inputs=inputs,
        observe={"num": num, "den": den},
        witness=z3.And(premise, pmmr > 0, smmr > 0, ba > 0),
    )


def prove_bankruptcy_rounds_up_and_keeps_ratio() -> Obligation:
    """
    LIQ-6: the bankruptcy quote is the exact ceiling of -DNNV - TNC * |DMMR| / TMMR, and closing the
    delta at it never lowers NC/MMR: (TNC + DNNV + bq) * TMMR >= TNC * (TMMR + DMMR).
    """
    tnc, tmmr, dnnv, dmmr = ints("tnc tmmr dnnv dmmr")
    bq = compute_bankruptcy_price_quote_quantums(tnc, tmmr, dnnv, dmmr)
    premise = z3.And(tmmr > 0, dmmr <= 0, tmmr + dmmr >= 0)
    return Obligation(
        premise=premise,
        prop=z3.And(
            ceil_ok(bq, -dnnv * tmmr + tnc * dmmr, tmmr),
            (tnc + dnnv + bq) * tmmr >= tnc * (tmmr + dmmr),
        ),
        inputs={"tnc": tnc, "tmmr": tmmr, "dnnv": dnnv, "dmmr": dmmr},
        observe={"bq": bq},
        witness=z3.And(premise, tnc < 0, dmmr < 0, tmmr + dmmr > 0),
    )


def _full_close(values: list) -> tuple:
    """The fill quote at the exact fillable price of the whole position (num * PS / den) and its bankruptcy quote."""
    pnnv, pmmr, ps, tnc, tmmr, ba, smmr = values
    num, den = compute_fillable_price_terms(pnnv, pmmr, ps, tnc, tmmr, ba, smmr)
    bq = compute_bankruptcy_price_quote_quantums(tnc, tmmr, -pnnv, -pmmr)
    return num, den, bq


def prove_negative_tnc_fillable_below_bankruptcy() -> Obligation:
    """LIQ-7: with TNC < 0 < PMMR <= TMMR, closing the whole position at the fillable price is strictly worse than bankruptcy: num * PS < bq * den."""
    values, inputs = _fillable_inputs()
    _pnnv, pmmr, ps, tnc, tmmr, ba, smmr = values
    num, den, bq = _full_close(values)
    premise = z3.And(ps != 0, tmmr > 0, pmmr > 0, pmmr <= tmmr, ba >= 0, smmr >= 0, tnc < 0)
    return Obligation(
        premise=premise,
        prop=num * ps < bq * den,
        inputs=inputs,
        observe={"num": num, "den": den, "bq": bq},
        witness=z3.And(premise, ps > 0, smmr > 0, ba > 0),
    )


def prove_collateralized_fillable_beats_bankruptcy() -> Obligation:
    """LIQ-7: with TNC >= TMMR and 0 <= PMMR, closing the whole position at the fillable price is at least as good as bankruptcy."""
    values, inputs = _fillable_inputs()
    _pnnv, pmmr, ps, tnc, tmmr, ba, smmr = values
    num, den, bq = _full_close(values)
    premise = z3.And(ps != 0, tmmr > 0, pmmr >= 0, ba >= 0, smmr >= 0, tnc >= tmmr)
    return Obligation(
        premise=premise,
        prop=num * ps >= bq * den,
        inputs=inputs,
        observe={"num": num, "den": den, "bq": bq},
        witness=z3.And(premise, ps < 0, pmmr > 0, smmr > 0),
    )


def prove_only_position_fillable_vs_bankruptcy() -> Obligation:
    """
    LIQ-7: for a subaccount's only position (PMMR = TMMR) and BA = 100%, the fillable price of the whole
    position is at least as good as bankruptcy exactly when TNC * (1e6 + SMMR) >= SMMR * TMMR.
    """
    values, inputs = _fillable_inputs()
    _pnnv, pmmr, ps, tnc, tmmr, ba, smmr = values
    num, den, bq = _full_close(values)
    premise = z3.And(ps != 0, tmmr > 0, pmmr == tmmr, ba == ONE_MILLION, smmr >= 0)
    return Obligation(
        premise=premise,
        prop=(num * ps >= bq * den) == (tnc * (ONE_MILLION + smmr) >= smmr * tmmr),
        inputs=inputs,
        observe={"num": num, "den": den, "bq": bq},
        witness=z3.And(premise, tnc > 0, tnc < tmmr, smmr > 0, num * ps < bq * den),
    )


def prove_insurance_fund_delta() -> Obligation:
    """
    LIQ-9: the fund's delta is exactly the shortfall fq - bq when the fill does not beat bankruptcy
    (fq <= bq); otherwise it lies in [0, fq - bq], is at most floor(|fq| * fee / 1e6) and equals one
    of the two; the liquidated account always keeps at least the bankruptcy quote: fq - delta >= bq.
    """
    fq, bq, fee = ints("fq bq fee")
    delta = compute_liquidation_insurance_fund_delta(fq, bq, fee)
    absolute = z3.If(fq < 0, -fq, fq)
    cap = z3.Int("cap")
    premise = z3.And(fee >= 0, floor_ok(cap, absolute * fee, ONE_MILLION))
    return Obligation(
        premise=premise,
        prop=z3.And(
            z3.Implies(fq <= bq, delta == fq - bq),
            z3.Implies(
                fq > bq,
                z3.And(delta >= 0, delta <= fq - bq, delta <= cap, z3.Or(delta == fq - bq, delta == cap)),
            ),
            fq - delta >= bq,
        ),
        inputs={"fq": fq, "bq": bq, "fee": fee},
        observe={"delta": delta, "cap": cap},
        witness=z3.And(premise, fq > bq, cap < fq - bq, fq < 0),
    )


def prove_subticks(is_long: bool, exponent: int) -> Obligation:
    """
    LIQ-8: for a price num / den >= 0, the subticks are a multiple of the tick within
    [tick, max aligned uint64]; for a long (a sell) s * 10^qce >= price unless clamped at the maximum,
    and s - tick would be below it; for a short (a buy) s * 10^qce <= price unless clamped at one
    tick, and s + tick would be above it.
    """
    num, den, tick = ints("num den tick")
    subticks = compute_subticks_of_fillable_price_terms(num, den, is_long, tick, exponent)
    p_num, p_den = pow10_fraction(exponent)  # 10^qce = p_num / p_den
    maximum = UINT64_MAX - UINT64_MAX % tick
    premise = z3.And(num >= 0, den > 0, tick > 0, tick <= UINT32_MAX)

    def value_vs_price(s: z3.ArithRef) -> z3.ArithRef:  # sign of s * 10^qce - num / den, scaled by den * p_den > 0
        return s * p_num * den - num * p_den

    if is_long:
        side = z3.And(
            z3.Or(subticks == maximum, value_vs_price(subticks) >= 0),
            z3.Or(subticks == tick, value_vs_price(subticks - tick) < 0),
        )
        witness = z3.And(premise, subticks > tick, subticks < maximum, value_vs_price(subticks) > 0)
    else:
        side = z3.And(
            z3.Or(subticks == tick, value_vs_price(subticks) <= 0),
            z3.Or(subticks == maximum, value_vs_price(subticks + tick) > 0),
        )
        witness = z3.And(premise, subticks > tick, subticks < maximum, value_vs_price(subticks) < 0)
    return Obligation(
        premise=premise,
        prop=z3.And(subticks % tick == 0, tick <= subticks, subticks <= maximum, side),
        inputs={"num": num, "den": den, "tick": tick},
        observe={"subticks": subticks},
        witness=witness,
    )


def proofs() -> list[Proof]:
    """BANKR-1's proofs: the fillable price's side and bound, bankruptcy, their comparison, the fund's delta, subticks."""
    claims = ("BANKR-1",)
    found = [
        Proof(
            "LIQ-7 fillable price on the closing side of the oracle, within SMMR*PMMR",
            claims,
            ("LIQ-7",),
            "num*PS <= PNNV*den, 1e6*num*PS >= (1e6*PNNV - SMMR*PMMR)*den",
            prove_fillable_side_and_bound,
        ),
        Proof(
            "LIQ-7 fillable price is the oracle price when TNC >= TMMR",
            claims,
            ("LIQ-7",),
            "num*PS == PNNV*den",
            prove_fillable_is_oracle_when_collateralized,
        ),
        Proof(
            "LIQ-6 bankruptcy price rounds up and keeps NC/MMR",
            claims,
            ("LIQ-6", "ROUND-3"),
            "bq = ceil(-DNNV - TNC*|DMMR|/TMMR); (TNC+DNNV+bq)*TMMR >= TNC*(TMMR+DMMR)",
            prove_bankruptcy_rounds_up_and_keeps_ratio,
        ),
        Proof(
            "LIQ-7 negative TNC: the fillable price is worse than bankruptcy",
            claims,
            ("LIQ-6", "LIQ-7"),
            "num*PS < bq*den",
            prove_negative_tnc_fillable_below_bankruptcy,
        ),
        Proof(
            "LIQ-7 TNC >= TMMR: the fillable price beats bankruptcy",
            claims,
            ("LIQ-6", "LIQ-7"),
            "num*PS >= bq*den",
            prove_collateralized_fillable_beats_bankruptcy,
        ),
        Proof(
            "LIQ-7 only position, BA 100%: fillable beats bankruptcy iff TNC*(1e6+SMMR) >= SMMR*TMMR",
            claims,
            ("LIQ-6", "LIQ-7"),
            "(num*PS >= bq*den) == (TNC*(1e6+SMMR) >= SMMR*TMMR)",
            prove_only_position_fillable_vs_bankruptcy,
        ),
        Proof(
            "LIQ-9 insurance fund delta: the shortfall, or a capped fee",
            claims,
            ("LIQ-9", "ROUND-6"),
            "fq<=bq: delta=fq-bq; else 0<=delta=min(fq-bq, cap); fq-delta>=bq",
            prove_insurance_fund_delta,
        ),
    ]
    for is_long in (True, False):
        for exponent in SUBTICKS_EXPONENTS:
            found.append(
                Proof(
                    f"LIQ-8 fillable price to subticks, {'long' if is_long else 'short'}, qce={exponent}",
                    claims,
                    ("LIQ-8", "ROUND-3", "ROUND-4"),
                    "aligned, clamped, rounded against the liquidated account to the nearest tick",
                    partial(prove_subticks, is_long, exponent),
                    full_only=exponent in FULL_ONLY_EXPONENTS,
                    budget_ms={True: 30_000, False: 120_000},
                )
            )
    return found
