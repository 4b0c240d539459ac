"""
The pure functions of the reference, with their claims as icontract conditions, for CrossHair (spec/claims.md).

Every wrapper here calls the real function (``perpspec.rounding``, ``units``,
``margin``, ``funding``, ``prices``, ``subaccounts``) and never re-implements it;
its preconditions state the protocol's domain (positive divisors and prices,
valid tiers) and its postconditions state a claim, with a description that starts
with the claim ID and names the rule.  ``perpspec.verify.crosshair_check`` runs
``crosshair check --analysis_kind=icontract`` over this module.

CrossHair runs the functions on symbolic integers that *are* Python ints, so it
explores the int branch of every helper (``//``, ``abs``, early returns,
``mul_pow10``'s shortcut), as the z3 proofs of ``perpspec.verify.z3.branches`` do.

One bound is CrossHair's, not the protocol's: the ``mul_pow10`` wrappers take
``|v| < 10**40`` (every int64 x uint64 product is below 2**127 < 10**39), which keeps
CrossHair's search small (the shortcut compares ``v`` with ``10**shift``).

Every condition here is confirmed in quick mode (tests/verification/test_crosshair.py names
them).  To get there, conditions that timed out were narrowed or split, never weakened in
what they state: the margin requirements state IMR >= MMR and MMR >= 0 as two conditions,
for a long and a short position apart at e = -9 (the two wrappers cover every int64
position and uint64 price; a longer per-condition budget, ``crosshair_check.FUNCTION_TIMEOUT_S``,
absorbs a loaded machine), and at e = 0 for price 1, any position (with a symbolic price
too, |q| * p * imf is a product CrossHair did not decide within 15 s on a loaded machine;
the price is covered at e = -9 and by z3 at every exponent); the
reduce-only fill states its four facts as four conditions, "whole steps" as
``(result // step) * step == result``, which CrossHair decides where ``result % step == 0``
timed out.  No condition was dropped.  SOLV-1's ``withdrawal_accepted`` runs
``subaccounts.compute_update_result``, the decision the state machine takes, so a bug
planted in it fails this condition (``perpspec.verify.planted.crosshair``).

These conditions are checked only by CrossHair (and by whoever calls these
wrappers); the state machine never calls them.
"""

from __future__ import annotations

import icontract

from perpspec import funding, margin, oracle, rounding, subaccounts, units
from perpspec.clob import fills, matching
from perpspec.margin import Risk
from perpspec.rounding import ONE_MILLION, Rounding
from perpspec.subaccounts import UpdateResult

VALUE_BOUND = 10**40
"""|v| < VALUE_BOUND for the mul_pow10 wrappers (see the module docstring)."""

INT64 = 2**63
UINT64 = 2**64

# --- CONV-1: rounding helpers (ROUND-3..9) ---------------------------------------------------------


@icontract.require(lambda d: d > 0, "ROUND-2: divisors are positive")
@icontract.ensure(
    lambda n, d, result: d * result <= n < d * (result + 1),
    "CONV-1: ROUND-3 floor_div(n, d) = floor(n/d)",
)
def floor_div(n: int, d: int) -> int:
    return rounding.floor_div(n, d)


@icontract.require(lambda d: d > 0, "ROUND-2: divisors are positive")
@icontract.ensure(lambda n, d, result: d * (result - 1) < n <= d * result, "CONV-1: ROUND-4 ceil_div(n, d) = ceil(n/d)")
def ceil_div(n: int, d: int) -> int:
    return rounding.ceil_div(n, d)


@icontract.require(lambda d: d > 0, "ROUND-2: divisors are positive")
@icontract.ensure(
    lambda n, d, result: abs(d * result) <= abs(n) < abs(d * result) + d and result * n >= 0,
    "CONV-1: ROUND-5 trunc_div(n, d) rounds n/d toward zero",
)
def trunc_div(n: int, d: int) -> int:
    return rounding.trunc_div(n, d)


@icontract.ensure(
    lambda v, ppm, result: ONE_MILLION * result <= v * ppm < ONE_MILLION * (result + 1),
    "CONV-1: ROUND-6 mul_ppm_floor(v, ppm) = floor(v*ppm/1e6)",
)
def mul_ppm_floor(v: int, ppm: int) -> int:
    return rounding.mul_ppm_floor(v, ppm)


@icontract.ensure(
    lambda v, ppm, result: ONE_MILLION * (result - 1) < v * ppm <= ONE_MILLION * result,
    "CONV-1: ROUND-6 mul_ppm_ceil(v, ppm) = ceil(v*ppm/1e6)",
)
def mul_ppm_ceil(v: int, ppm: int) -> int:
    return rounding.mul_ppm_ceil(v, ppm)


@icontract.require(lambda v: -VALUE_BOUND < v < VALUE_BOUND, "CrossHair bound on the value")
@icontract.ensure(
    lambda v, result: result * 10**6 <= v < (result + 1) * 10**6,
    "CONV-1: ROUND-7 mul_pow10(v, -6, FLOOR) = floor(v/10^6), shortcut included",
)
def mul_pow10_floor_minus6(v: int) -> int:
    return rounding.mul_pow10(v, -6, Rounding.FLOOR)


@icontract.require(lambda v: -VALUE_BOUND < v < VALUE_BOUND, "CrossHair bound on the value")
@icontract.ensure(
    lambda v, result: (result - 1) * 10**12 < v <= result * 10**12,
    "CONV-1: ROUND-7 mul_pow10(v, -12, CEIL) = ceil(v/10^12), shortcut included",
)
def mul_pow10_ceil_minus12(v: int) -> int:
    return rounding.mul_pow10(v, -12, Rounding.CEIL)


@icontract.require(lambda v: -VALUE_BOUND < v < VALUE_BOUND, "CrossHair bound on the value")
@icontract.ensure(
    lambda v, result: abs(result) * 10**9 <= abs(v) < (abs(result) + 1) * 10**9 and result * v >= 0,
    "CONV-1: ROUND-7 mul_pow10(v, -9, TRUNC) = v/10^9 toward zero, shortcut included",
)
def mul_pow10_trunc_minus9(v: int) -> int:
    return rounding.mul_pow10(v, -9, Rounding.TRUNC)


@icontract.ensure(lambda v, result: result == v * 1000, "CONV-1: ROUND-7 mul_pow10(v, 3, r) = v*10^3 exactly")
def mul_pow10_plus3(v: int) -> int:
    return rounding.mul_pow10(v, 3, Rounding.FLOOR)


@icontract.ensure(
    lambda x, y, result: (
        2 * result == x + y if (x + y) % 2 == 0 else 2 * result == (x + y + 1 if x + y > 0 else x + y - 1)
    ),
    "CONV-1: ROUND-9 mean of two, nearest, exact halves away from zero",
)
@icontract.ensure(
    lambda x, y, result: min(x, y) <= result <= max(x, y),
    "ORACLE-1: PRICE-4 the mean of two lies between them",
)
def mean_round_half_away_from_zero(x: int, y: int) -> int:
    return rounding.mean_round_half_away_from_zero(x, y)


# --- CONV-1: conversions (UNITS-4..7) -------------------------------------------------------------

BTC_ATOMIC_RESOLUTION = -10
BTC_PRICE_EXPONENT = -5  # combined exponent -10 - 5 + 6 = -9


@icontract.require(lambda b: -INT64 <= b < INT64, "UNITS-2: positions are int64")
@icontract.require(lambda p: 0 < p < UINT64, "UNITS-3: a set price is a positive uint64")
@icontract.ensure(
    lambda b, p, result: abs(result) * 10**9 <= abs(b * p) < (abs(result) + 1) * 10**9 and result * b >= 0,
    "CONV-1: UNITS-4 base_to_quote (e = -9) is b*p/10^9 truncated toward zero",
)
def base_to_quote_btc(b: int, p: int) -> int:
    return units.base_to_quote_quantums(b, BTC_ATOMIC_RESOLUTION, p, BTC_PRICE_EXPONENT)


@icontract.require(lambda p: p > 0, "UNITS-3: a set price is positive")
@icontract.ensure(lambda b, p, result: result == b * p * 100, "CONV-1: UNITS-4 base_to_quote (e = 2) is exact")
def base_to_quote_e2(b: int, p: int) -> int:
    return units.base_to_quote_quantums(b, 1, p, -5)


@icontract.require(lambda b1, b2: b1 <= b2)
@icontract.require(lambda p: 0 < p < UINT64, "UNITS-3: a set price is a positive uint64")
@icontract.require(lambda b1, b2: b1 >= -INT64 and b2 < INT64, "UNITS-2: positions are int64")
@icontract.ensure(
    lambda result: result[0] <= result[1],
    "CONV-1: UNITS-4 base_to_quote (e = -9) is monotone in the amount",
)
def base_to_quote_btc_pair(b1: int, b2: int, p: int) -> tuple[int, int]:
    convert = units.base_to_quote_quantums
    ar, pe = BTC_ATOMIC_RESOLUTION, BTC_PRICE_EXPONENT
    return convert(b1, ar, p, pe), convert(b2, ar, p, pe)


@icontract.require(lambda p: p > 0, "UNITS-3: a set price is positive")
@icontract.ensure(
    lambda q, p, result: abs(result) * p <= abs(q) * 10**9 < (abs(result) + 1) * p and result * q >= 0,
    "CONV-1: UNITS-5 quote_to_base (e = -9) is q*10^9/p truncated toward zero",
)
def quote_to_base_btc(q: int, p: int) -> int:
    return units.quote_to_base_quantums(q, BTC_ATOMIC_RESOLUTION, p, BTC_PRICE_EXPONENT)


@icontract.require(lambda p: p > 0, "UNITS-3: a set price is positive")
@icontract.ensure(
    lambda q, p, result: abs(result) * p * 100 <= abs(q) < (abs(result) + 1) * p * 100 and result * q >= 0,
    "CONV-1: UNITS-5 quote_to_base (e = 2) is q/(p*10^2) truncated toward zero",
)
def quote_to_base_e2(q: int, p: int) -> int:
    return units.quote_to_base_quantums(q, 1, p, -5)


@icontract.require(lambda s, b: s >= 0 and b >= 0, "UNITS-6: fills are non-negative")
@icontract.require(lambda s, b: s < UINT64 and b < UINT64, "UNITS-6: subticks and quantums are uint64")
@icontract.ensure(
    lambda s, b, result: result * 10**8 <= s * b < (result + 1) * 10**8,
    "CONV-1: UNITS-6 fill quote (qce = -8) = floor(s*b/10^8)",
)
def fill_quote_quantums(s: int, b: int) -> int:
    return units.fill_quote_quantums_from_subticks(s, b, -8)


# --- RISK-1: margin (MARGIN-1..3) ----------------------------------------------------------------


def _valid_tier(imf: int, mf: int, lower: int, upper: int) -> bool:
    return 0 <= imf <= ONE_MILLION and 0 <= mf <= ONE_MILLION and 0 <= lower <= upper


@icontract.require(lambda imf, lower, upper: _valid_tier(imf, 0, lower, upper), "MARGIN-1: a valid tier")
@icontract.require(lambda oi: oi >= 0)
@icontract.ensure(
    lambda imf, result: imf <= result <= ONE_MILLION,
    "RISK-1: MARGIN-1 the scaled fraction lies in [imf, 1e6]",
)
def adjusted_initial_margin_ppm(imf: int, lower: int, upper: int, oi: int) -> int:
    return margin.adjusted_initial_margin_ppm(imf, lower, upper, oi)


@icontract.require(lambda imf, lower, upper: _valid_tier(imf, 0, lower, upper), "MARGIN-1: a valid tier")
@icontract.require(lambda oi1, oi2: 0 <= oi1 <= oi2)
@icontract.ensure(lambda result: result[0] <= result[1], "RISK-1: MARGIN-1 the scaled fraction never falls as OI rises")
def adjusted_initial_margin_ppm_pair(imf: int, lower: int, upper: int, oi1: int, oi2: int) -> tuple[int, int]:
    adjusted = margin.adjusted_initial_margin_ppm
    return adjusted(imf, lower, upper, oi1), adjusted(imf, lower, upper, oi2)


@icontract.require(lambda imf, mf: _valid_tier(imf, mf, 0, 0), "MARGIN-3: a valid tier")
@icontract.ensure(lambda imf, result: 0 <= result <= imf, "RISK-1: MARGIN-3 the maintenance fraction lies in [0, imf]")
def maintenance_margin_ppm(imf: int, mf: int) -> int:
    return margin.maintenance_margin_ppm(imf, mf)


@icontract.require(lambda imf, mf, lower, upper: _valid_tier(imf, mf, lower, upper), "MARGIN-1: a valid tier")
@icontract.require(lambda q: 0 <= q < INT64, "UNITS-2: a long position, int64")
@icontract.require(lambda p, oi: 0 < p < UINT64 and 0 <= oi < UINT64, "UNITS-3: a set price; OI is a uint64")
@icontract.ensure(
    lambda result: result[0] >= result[1], "RISK-1: MARGIN-2, MARGIN-3 IMR >= MMR (long, BTC-like e = -9)"
)
@icontract.ensure(lambda result: result[1] >= 0, "RISK-1: MARGIN-3 MMR >= 0 (long, BTC-like e = -9)")
def perpetual_margin_requirements_btc_long(
    q: int, p: int, imf: int, mf: int, oi: int, lower: int, upper: int
) -> tuple[int, int]:
    ar, pe = BTC_ATOMIC_RESOLUTION, BTC_PRICE_EXPONENT
    return margin.perpetual_margin_requirements(q, ar, p, pe, imf, mf, oi, lower, upper)


@icontract.require(lambda imf, mf, lower, upper: _valid_tier(imf, mf, lower, upper), "MARGIN-1: a valid tier")
@icontract.require(lambda q: -INT64 <= q < 0, "UNITS-2: a short position, int64")
@icontract.require(lambda p, oi: 0 < p < UINT64 and 0 <= oi < UINT64, "UNITS-3: a set price; OI is a uint64")
@icontract.ensure(
    lambda result: result[0] >= result[1], "RISK-1: MARGIN-2, MARGIN-3 IMR >= MMR (short, BTC-like e = -9)"
)
@icontract.ensure(lambda result: result[1] >= 0, "RISK-1: MARGIN-3 MMR >= 0 (short, BTC-like e = -9)")
def perpetual_margin_requirements_btc_short(
    q: int, p: int, imf: int, mf: int, oi: int, lower: int, upper: int
) -> tuple[int, int]:
    ar, pe = BTC_ATOMIC_RESOLUTION, BTC_PRICE_EXPONENT
    return margin.perpetual_margin_requirements(q, ar, p, pe, imf, mf, oi, lower, upper)


@icontract.require(lambda imf, mf, lower, upper: _valid_tier(imf, mf, lower, upper), "MARGIN-1: a valid tier")
@icontract.require(lambda oi: oi >= 0, "OI >= 0")
@icontract.ensure(lambda result: result[0] >= result[1], "RISK-1: MARGIN-2, MARGIN-3 IMR >= MMR (price 1, e = 0)")
@icontract.ensure(lambda result: result[1] >= 0, "RISK-1: MARGIN-3 MMR >= 0 (price 1, e = 0)")
def perpetual_margin_requirements_e0(q: int, imf: int, mf: int, oi: int, lower: int, upper: int) -> tuple[int, int]:
    return margin.perpetual_margin_requirements(q, -1, 1, -5, imf, mf, oi, lower, upper)


def _unscaled_imr(q: int, imf: int) -> int:
    """ceil(|q| * imf / 1e6) as mathematics (the statement, not the code): the unscaled IMR at price 1, e = 0."""
    return -((-abs(q) * imf) // ONE_MILLION)


@icontract.require(lambda imf, lower, upper: _valid_tier(imf, 0, lower, upper), "MARGIN-1: a valid tier")
@icontract.require(lambda n, oi: n >= 0 and oi >= 0, "MARGIN-2: a notional and an open interest >= 0")
@icontract.ensure(
    lambda n, imf, lower, upper, oi, result: (
        result * ONE_MILLION >= n * margin.adjusted_initial_margin_ppm(imf, lower, upper, oi)
    ),
    "RISK-1: MARGIN-2 IMR * 1e6 >= n * adjusted (never rounded down)",
)
@icontract.ensure(
    lambda n, imf, lower, upper, oi, result: (
        (result - 1) * ONE_MILLION < n * margin.adjusted_initial_margin_ppm(imf, lower, upper, oi)
    ),
    "RISK-1: MARGIN-2 (IMR - 1) * 1e6 < n * adjusted (the exact ceiling)",
)
def initial_margin_rounds_up(n: int, imf: int, lower: int, upper: int, oi: int) -> int:
    return margin.initial_margin_quote_quantums(n, imf, lower, upper, oi)


@icontract.require(lambda imf, mf: _valid_tier(imf, mf, 0, 0), "MARGIN-3: a valid tier")
@icontract.require(lambda q: -INT64 <= q < INT64, "UNITS-2: positions are int64")
@icontract.ensure(
    lambda q, imf, mf, result: result * ONE_MILLION >= _unscaled_imr(q, imf) * mf,
    "RISK-1: MARGIN-3 MMR * 1e6 >= ceil(n*imf/1e6) * mf (never rounded down)",
)
@icontract.ensure(
    lambda q, imf, mf, result: (result - 1) * ONE_MILLION < _unscaled_imr(q, imf) * mf,
    "RISK-1: MARGIN-3 (MMR - 1) * 1e6 < ceil(n*imf/1e6) * mf (the exact ceiling)",
)
def maintenance_margin_rounds_up(q: int, imf: int, mf: int) -> int:
    _, mmr = margin.perpetual_margin_requirements(q, -1, 1, -5, imf, mf, 0, 0, 0)
    return mmr


@icontract.require(lambda imf, mf: _valid_tier(imf, mf, 0, 0), "MARGIN-3: a valid tier")
@icontract.require(lambda q: -INT64 <= q < INT64, "UNITS-2: positions are int64")
@icontract.ensure(
    lambda q, imf, mf, result: result * ONE_MILLION >= _unscaled_imr(q, imf) * mf,
    "RISK-1: MARGIN-3 the fast path's MMR * 1e6 >= ceil(n*imf/1e6) * mf (never rounded down)",
)
@icontract.ensure(
    lambda q, imf, mf, result: (result - 1) * ONE_MILLION < _unscaled_imr(q, imf) * mf,
    "RISK-1: MARGIN-3 the fast path's (MMR - 1) * 1e6 < ceil(n*imf/1e6) * mf (the exact ceiling)",
)
def fast_maintenance_margin_rounds_up(q: int, imf: int, mf: int) -> int:
    _, _, mmr = margin.position_risk_of_integers(q, -1, 1, -5, imf, mf, 0, 0, 0)
    return mmr


# --- SOLV-1: the under-collateralized rule (SUB-7, SUB-8) ----------------------------------------


def _not_worse(nc_new: int, mmr_new: int, nc_cur: int, mmr_cur: int) -> bool:
    if mmr_new > mmr_cur:
        return False
    if mmr_new == 0 and mmr_cur == 0:
        return nc_new > nc_cur
    return mmr_new > 0 and mmr_cur > 0 and nc_new * mmr_cur >= nc_cur * mmr_new


@icontract.require(lambda mmr_cur, mmr_new: mmr_cur >= 0 and mmr_new >= 0, "RISK-1: MMRs are non-negative")
@icontract.require(lambda nc_new, imr_new: nc_new < imr_new, "SUB-7: the rule applies below initial margin")
@icontract.ensure(
    lambda nc_cur, mmr_cur, nc_new, mmr_new, result: (
        (result is UpdateResult.SUCCESS) == _not_worse(nc_new, mmr_new, nc_cur, mmr_cur)
    ),
    "SOLV-1: SUB-8 accepts exactly when MMR does not rise and NC/MMR does not worsen",
)
@icontract.ensure(
    lambda nc_cur, imr_cur, result: (
        result is UpdateResult.SUCCESS
        or result
        is (UpdateResult.NEWLY_UNDERCOLLATERALIZED if nc_cur >= imr_cur else UpdateResult.STILL_UNDERCOLLATERALIZED)
    ),
    "SOLV-1: SUB-8 the failure is Newly exactly when the account met initial margin before",
)
def undercollateralized_result(
    nc_cur: int, imr_cur: int, mmr_cur: int, nc_new: int, imr_new: int, mmr_new: int
) -> UpdateResult:
    current, new = Risk(nc_cur, imr_cur, mmr_cur), Risk(nc_new, imr_new, mmr_new)
    return subaccounts.compute_undercollateralized_result(current, new)


@icontract.require(lambda amount: amount > 0, "SUB-12: a withdrawal moves a positive amount")
@icontract.require(lambda imr, mmr: imr >= mmr >= 0, "RISK-1: IMR >= MMR >= 0")
@icontract.ensure(
    lambda nc_cur, imr, amount, result: not result or nc_cur - amount >= imr,
    "SOLV-1: SUB-7, SUB-8 an accepted withdrawal or transfer leaves the sender initially collateralized",
)
def withdrawal_accepted(nc_cur: int, imr: int, mmr: int, amount: int) -> bool:
    # the decision check_updates and check_update_succeeds take (SUB-7), positions unchanged
    risk_current = Risk(nc_cur, imr, mmr)
    risk_new = Risk(nc_cur - amount, imr, mmr)
    return subaccounts.compute_update_result(risk_new, lambda: risk_current) is UpdateResult.SUCCESS


# --- ORACLE-1: the median (PRICE-4, PRICE-8) -----------------------------------------------------


def _within(lo: int, hi: int, *values: int) -> bool:
    return all(lo <= v <= hi for v in values)


@icontract.require(lambda h1, h2, lo, hi: _within(lo, hi, h1, h2), "PRICE-8: honest sources in [lo, hi]")
@icontract.ensure(
    lambda lo, hi, result: lo <= result <= hi,
    "ORACLE-1: PRICE-8 one wrong source of 3 cannot move the median out",
)
def median_of_three_one_wrong(h1: int, h2: int, wrong: int, lo: int, hi: int) -> int:
    return oracle.median_round_half_away_from_zero([h1, wrong, h2])


@icontract.require(lambda h1, h2, h3, lo, hi: _within(lo, hi, h1, h2, h3), "PRICE-8: honest sources in [lo, hi]")
@icontract.ensure(
    lambda lo, hi, result: lo <= result <= hi,
    "ORACLE-1: PRICE-8 one wrong source of 4 cannot move the median out",
)
def median_of_four_one_wrong(h1: int, h2: int, h3: int, wrong: int, lo: int, hi: int) -> int:
    return oracle.median_round_half_away_from_zero([h1, h2, wrong, h3])


@icontract.require(lambda h1, h2, h3, lo, hi: _within(lo, hi, h1, h2, h3), "PRICE-8: honest sources in [lo, hi]")
@icontract.ensure(
    lambda lo, hi, result: lo <= result <= hi,
    "ORACLE-1: PRICE-8 two wrong sources of 5 cannot move the median out",
)
def median_of_five_two_wrong(h1: int, h2: int, h3: int, w1: int, w2: int, lo: int, hi: int) -> int:
    return oracle.median_round_half_away_from_zero([w1, h1, h2, w2, h3])


# --- CONS-2: funding settlement (FUND-1..3) -------------------------------------------------------


@icontract.ensure(
    lambda s, result: ONE_MILLION * result <= s < ONE_MILLION * (result + 1),
    "CONS-2: FUND-2 a settlement rounds down, in the protocol's favour",
)
def settlement_quote_quantums(s: int) -> int:
    return funding.settlement_quote_quantums(s)


@icontract.require(lambda q: q > 0)
@icontract.ensure(
    lambda result: -1 <= result[0] + result[1] <= 0,
    "CONS-2: FUND-1, FUND-3 a long and a short settle to at most zero in total",
)
def settle_long_and_short(perp_index: int, position_index: int, q: int) -> tuple[int, int]:
    long_ppm, _ = funding.funding_settlement_ppm(perp_index, position_index, q)
    short_ppm, _ = funding.funding_settlement_ppm(perp_index, position_index, -q)
    return funding.settlement_quote_quantums(long_ppm), funding.settlement_quote_quantums(short_ppm)


@icontract.ensure(
    lambda result: -3 < result <= 0,
    "CONS-2: FUND-3 three settlements summing to zero pay out at most zero",
)
def settle_three_summing_to_zero(s1: int, s2: int) -> int:
    s3 = -(s1 + s2)
    return sum(funding.settlement_quote_quantums(s) for s in (s1, s2, s3))


# --- CONS-3, RO-1: fill arithmetic (FEE-2, FEE-3, MATCH-8) ---------------------------------------


@icontract.require(lambda quote: 0 <= quote < UINT64, "UNITS-6: a fill's quote is non-negative")
@icontract.require(
    lambda taker_ppm, maker_ppm: taker_ppm + maker_ppm >= 0, "FEE-5: fees of a fill are not negative in total"
)
@icontract.ensure(
    lambda result: result[0] + result[1] + result[2] + result[3] == 0 and result[2] + result[3] >= 0,
    "CONS-3: FEE-3 taker change + maker change + fees = 0, and the fees are not negative in total",
)
def match_quote_deltas(taker_is_buy: bool, quote: int, taker_ppm: int, maker_ppm: int) -> tuple[int, int, int, int]:
    return fills.compute_match_quote_deltas(taker_is_buy, quote, taker_ppm, maker_ppm)


@icontract.require(lambda step: step > 0, "CLOB-1: the step is positive")
@icontract.require(lambda fill, step: fill > 0 and fill % step == 0, "MATCH-2: fills are whole steps")
@icontract.ensure(lambda fill, result: 0 <= result <= fill, "RO-1: MATCH-8 a reduce-only fill is at most the fill")
@icontract.ensure(
    lambda step, result: (result // step) * step == result, "RO-1: MATCH-8 a reduce-only fill is whole steps"
)
@icontract.ensure(
    lambda is_buy, position, result: abs(position + (result if is_buy else -result)) <= abs(position),
    "RO-1: MATCH-8 a reduce-only fill never grows the position",
)
@icontract.ensure(
    lambda is_buy, position, result: (position + (result if is_buy else -result)) * position >= 0,
    "RO-1: MATCH-8 a reduce-only fill never flips the position",
)
def reduce_only_fill(is_buy: bool, position: int, fill: int, step: int) -> int:
    return matching.compute_reduce_only_fill(is_buy, position, fill, step)
