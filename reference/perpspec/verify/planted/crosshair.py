"""
Planted bugs that crosshair must catch (CLAIM-3; the harness is ``perpspec.verify.planted``).

Each command is ``python -m perpspec.verify.crosshair_check --function NAME`` on the
contracted wrappers that state the property: it exits 1 on a counterexample, 0 when every
condition is confirmed, 2 when one times out (never a catch).
"""

from __future__ import annotations

from perpspec.verify.planted import PlantedBug


def _crosshair(*functions: str) -> tuple[str, ...]:
    return ("-m", "perpspec.verify.crosshair_check", *(a for f in functions for a in ("--function", f)))


BUGS: list[PlantedBug] = [
    PlantedBug(
        id="crosshair-solv1-decides-on-maintenance-margin",
        method="crosshair",
        claims=("SOLV-1",),
        path="subaccounts.py",
        old="    if is_initially_collateralized(risk_new):\n        return _SUCCESS",
        new="    if risk_new.nc >= risk_new.mmr:\n        return _SUCCESS",
        command=_crosshair("withdrawal_accepted"),
        description="the collateral check accepts an update on NC >= MMR instead of NC >= IMR (SUB-7)",
        timeout_seconds=120,
    ),
    PlantedBug(
        id="crosshair-trunc-div-int-branch-floors",
        method="crosshair",
        claims=("CONV-1",),
        path="rounding.py",
        old="        quotient = abs(numerator) // divisor",
        new="        quotient = numerator // divisor",
        command=_crosshair("trunc_div"),
        description="trunc_div's integer branch divides the signed numerator (ROUND-5)",
        timeout_seconds=120,
    ),
    PlantedBug(
        id="crosshair-mmr-floored",
        method="crosshair",
        claims=("RISK-1",),
        path="margin.py",
        old="    mmr = mul_ppm_ceil(base_imr, maintenance_fraction_ppm)",
        new="    mmr = mul_ppm_floor(base_imr, maintenance_fraction_ppm)",
        command=_crosshair("maintenance_margin_rounds_up"),
        description="the general MMR rounds down instead of up (MARGIN-3)",
        timeout_seconds=120,
    ),
    PlantedBug(
        id="crosshair-fast-path-mmr-floored",
        method="crosshair",
        claims=("RISK-1",),
        path="margin.py",
        old="    mmr = -((-base_imr * maintenance_fraction_ppm) // ONE_MILLION)",
        new="    mmr = (base_imr * maintenance_fraction_ppm) // ONE_MILLION",
        command=_crosshair("fast_maintenance_margin_rounds_up"),
        description="the collateral check's fast path rounds MMR down instead of up (MARGIN-3, MARGIN-4)",
        timeout_seconds=120,
    ),
    PlantedBug(
        id="crosshair-reduce-only-overfills",
        method="crosshair",
        claims=("RO-1",),
        path="clob/matching.py",
        old="    if fill_quantums <= reducible:",
        new="    if fill_quantums <= reducible + 1:",
        command=_crosshair("reduce_only_fill"),
        description="a reduce-only fill may exceed the position by one quantum and flip it (MATCH-8)",
        timeout_seconds=120,
    ),
]
