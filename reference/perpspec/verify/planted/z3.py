"""
Planted bugs that z3 must catch (CLAIM-3; the harness is ``perpspec.verify.planted``).

Each command is a targeted run of ``python -m perpspec.verify.z3`` (``--claim`` or
``--match``, which skip the mutation sanity): it exits 1 when a proof fails, 0 when every
selected proof is proved, 2 when one is inconclusive (never a catch).
"""

from __future__ import annotations

from perpspec.verify.planted import PlantedBug


def _z3(*filters: str) -> tuple[str, ...]:
    return ("-m", "perpspec.verify.z3", *filters)


BUGS: list[PlantedBug] = [
    PlantedBug(
        id="z3-solv1-decides-on-maintenance-margin",
        method="z3",
        claims=("SOLV-1",),
        path="subaccounts.py",
        old="    if is_initially_collateralized(risk_new):\n        return _SUCCESS",
        new="    if risk_new.nc >= risk_new.mmr:\n        return _SUCCESS",
        command=_z3("--claim", "SOLV-1"),
        description="the collateral check accepts an update on NC >= MMR instead of NC >= IMR (SUB-7)",
        timeout_seconds=120,
    ),
    PlantedBug(
        id="z3-initially-collateralized-reads-mmr",
        method="z3",
        claims=("SOLV-1",),
        path="margin.py",
        old="    return risk.nc >= risk.imr",
        new="    return risk.nc >= risk.mmr",
        command=_z3("--claim", "SOLV-1"),
        description="the initial-margin predicate compares NC with the MMR (MARGIN-6)",
        timeout_seconds=120,
    ),
    PlantedBug(
        id="z3-trunc-div-int-branch-floors",
        method="z3",
        claims=("CONV-1",),
        path="rounding.py",
        old="        quotient = abs(numerator) // divisor",
        new="        quotient = numerator // divisor",
        command=_z3("--match", "trunc_div"),
        description="trunc_div's integer branch divides the signed numerator, its z3 branch unchanged (ROUND-5)",
        timeout_seconds=120,
    ),
    PlantedBug(
        id="z3-mul-pow10-shortcut-ceil-negative",
        method="z3",
        claims=("CONV-1",),
        path="rounding.py",
        old="        return 1 if value > 0 else 0",
        new="        return 1 if value > 0 else -1",
        command=_z3("--match", "mul_pow10"),
        description="mul_pow10's integer shortcut rounds a tiny negative quotient's ceiling to -1 (ROUND-7)",
        timeout_seconds=120,
    ),
    PlantedBug(
        id="z3-mmr-floored",
        method="z3",
        claims=("RISK-1",),
        path="margin.py",
        old="    mmr = mul_ppm_ceil(base_imr, maintenance_fraction_ppm)",
        new="    mmr = mul_ppm_floor(base_imr, maintenance_fraction_ppm)",
        command=_z3("--match", "IMR and MMR round up"),
        description="the general MMR rounds down instead of up (MARGIN-3)",
        timeout_seconds=120,
    ),
    PlantedBug(
        id="z3-fast-path-mmr-floored",
        method="z3",
        claims=("RISK-1", "CONV-1"),
        path="margin.py",
        old="    mmr = -((-base_imr * maintenance_fraction_ppm) // ONE_MILLION)",
        new="    mmr = (base_imr * maintenance_fraction_ppm) // ONE_MILLION",
        command=_z3("--match", "fast position risk"),
        description="the collateral check's fast path rounds MMR down instead of up (MARGIN-3, MARGIN-4)",
        timeout_seconds=120,
    ),
    PlantedBug(
        id="z3-subticks-rounded-toward-the-liquidated",
        method="z3",
        claims=("BANKR-1",),
        path="liquidation_arithmetic.py",
        old="    subticks = select(is_liquidating_long, up, down)",
        new="    subticks = select(is_liquidating_long, down, up)",
        command=_z3("--match", "to subticks, long, qce=-6"),
        description="the fillable price rounds to a subtick down for a long's sell and up for a short's buy (LIQ-8)",
        timeout_seconds=180,
    ),
    PlantedBug(
        id="z3-fillable-spread-sign-slip",
        method="z3",
        claims=("BANKR-1",),
        path="liquidation_arithmetic.py",
        old="    numerator = position_net_notional * scale - abr_numerator * spread_to_maintenance_margin_ratio_ppm * (",
        new="    numerator = position_net_notional * scale + abr_numerator * spread_to_maintenance_margin_ratio_ppm * (",
        command=_z3("--match", "closing side of the oracle"),
        description="the fillable price adds the spread instead of subtracting it: a long sells above the oracle (LIQ-7)",
        timeout_seconds=120,
    ),
    PlantedBug(
        id="z3-liquidation-fee-not-capped",
        method="z3",
        claims=("BANKR-1",),
        path="liquidation_arithmetic.py",
        old="    return select(delta <= 0, delta, select(both(delta > 0, fee_cap < delta), fee_cap, delta))",
        new="    return select(delta <= 0, delta, delta)",
        command=_z3("--match", "LIQ-9 insurance fund delta"),
        description="the insurance fund takes the whole surplus above bankruptcy, not the capped fee (LIQ-9)",
        timeout_seconds=120,
    ),
    PlantedBug(
        id="z3-insurance-fund-may-go-one-below-zero",
        method="z3",
        claims=("SOLV-3",),
        path="liquidation_arithmetic.py",
        old="insurance_fund_balance + insurance_fund_delta >= 0)",
        new="insurance_fund_balance + insurance_fund_delta >= -1)",
        command=_z3("--claim", "SOLV-3"),
        description="INS-1 admits a delta that leaves the fund at -1 (INS-1)",
    ),
    PlantedBug(
        id="z3-funding-index-delta-floors",
        method="z3",
        claims=("CONS-4",),
        path="funding.py",
        old="    return trunc_div(quote, FUNDING_RATE_PERIOD_SECONDS)",
        new="    return floor_div(quote, FUNDING_RATE_PERIOD_SECONDS)",
        command=_z3("--claim", "CONS-4"),
        description="the funding index move floors instead of truncating, overshooting negative rates (FUND-7)",
        timeout_seconds=120,
    ),
    PlantedBug(
        id="z3-sqrt-condition-unsquared",
        method="z3",
        claims=("ORACLE-2",),
        path="oracle.py",
        old="    return new_delta * new_delta * ONE_MILLION <= old_delta * tick_size_ppm",
        new="    return new_delta * ONE_MILLION <= old_delta * tick_size_ppm",
        command=_z3("--claim", "ORACLE-2"),
        description="the square-root condition compares the new distance, not its square (PRICE-10)",
        timeout_seconds=120,
    ),
]
