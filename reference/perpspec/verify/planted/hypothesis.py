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
]
