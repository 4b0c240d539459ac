"""Planted bugs that the hypothesis state machine and properties must catch (CLAIM-3; the harness is ``perpspec.verify.planted``)."""

from __future__ import annotations

from perpspec.verify.planted import PlantedBug

COMMAND = ("-m", "perpspec", "verify", "--quick", "--only", "hypothesis")

BUGS: list[PlantedBug] = [
    PlantedBug(
        id="withdrawal-keeps-a-quantum",
        method="hypothesis",
        claims=("CONS-1",),
        path="sending.py",
        old="Update(message.sender, usdc_delta=-message.quantums)",
        new="Update(message.sender, usdc_delta=-message.quantums + 1)",
        command=COMMAND,
        description="a withdrawal debits one quantum less than it pays out (INV-1)",
    ),
    PlantedBug(
        id="funding-index-delta-floors",
        method="hypothesis",
        claims=("CONS-4",),
        path="funding.py",
        old="    return trunc_div(quote, FUNDING_RATE_PERIOD_SECONDS)",
        new="    return floor_div(quote, FUNDING_RATE_PERIOD_SECONDS)",
        command=COMMAND,
        description="the funding index move floors instead of truncating, overshooting negative rates (FUND-7)",
    ),
    PlantedBug(
        id="price-acceptance-ignores-one-tick-rule",
        method="hypothesis",
        claims=("ORACLE-2",),
        path="oracle.py",
        old="        new_delta <= old_delta,\n        price_update_sqrt_condition(",
        new="        new_delta <= old_delta + old_delta,\n        price_update_sqrt_condition(",
        command=COMMAND,
        description="a crossing proposal within one tick may land twice as far from the index (PRICE-10)",
    ),
]
