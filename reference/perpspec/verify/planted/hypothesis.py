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
        id="risk-watch-misses-price-moves",
        method="hypothesis",
        claims=("SOLV-3",),
        path="liquidations.py",
        old="if watch.marks.get(perpetual_id) != mark:",
        new="if perpetual_id not in watch.marks:",
        command=COMMAND,
        description="the risk watch looks at a perpetual's holders only at its first price, not after a move (LIQ-11)",
    ),
    PlantedBug(
        id="hypothesis-liquidation-fee-not-capped",
        method="hypothesis",
        claims=("BANKR-1",),
        path="liquidation_arithmetic.py",
        old="    return select(delta <= 0, delta, select(both(delta > 0, fee_cap < delta), fee_cap, delta))",
        new="    return select(delta <= 0, delta, delta)",
        command=COMMAND,
        description="the insurance fund takes the whole surplus above bankruptcy, not the capped fee (LIQ-9)",
    ),
    PlantedBug(
        id="hypothesis-subticks-rounded-toward-the-liquidated",
        method="hypothesis",
        claims=("BANKR-1",),
        path="liquidation_arithmetic.py",
        old="    subticks = select(is_liquidating_long, up, down)",
        new="    subticks = select(is_liquidating_long, down, up)",
        command=COMMAND,
        description="the fillable price rounds to a subtick down for a long's sell and up for a short's buy (LIQ-8)",
    ),
    PlantedBug(
        id="hypothesis-fillable-spread-sign-slip",
        method="hypothesis",
        claims=("BANKR-1",),
        path="liquidation_arithmetic.py",
        old="    numerator = position_net_notional * scale - abr_numerator * spread_to_maintenance_margin_ratio_ppm * (",
        new="    numerator = position_net_notional * scale + abr_numerator * spread_to_maintenance_margin_ratio_ppm * (",
        command=COMMAND,
        description="the fillable price adds the spread instead of subtracting it: a long sells above the oracle (LIQ-7)",
    ),
    PlantedBug(
        id="deleveraging-gives-up-at-the-first-refusal",
        method="hypothesis",
        claims=("SOLV-4",),
        path="deleveraging.py",
        old="            continue  # non-overlapping bankruptcy prices: the candidate would fail its collateral check",
        new="            break",
        command=COMMAND,
        description="deleveraging stops at the first candidate that refuses instead of trying the next (DEL-2)",
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
