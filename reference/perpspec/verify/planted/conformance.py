"""Planted bugs that the conformance vectors must catch (CLAIM-3; the harness is ``perpspec.verify.planted``)."""

from __future__ import annotations

from perpspec.verify.planted import PlantedBug

COMMAND = ("-m", "perpspec", "conformance", "run")
CONTRACTS_OFF = (("PERPSPEC_CONTRACTS", "0"),)
"""With contracts off only the vectors can catch a bug (as in the mutation runs)."""

BUGS: list[PlantedBug] = [
    PlantedBug(
        id="fee-collector-gains-a-quantum",
        method="conformance",
        claims=("CONS-3",),
        path="clob/fills.py",
        old="state.bank.fee_collector += fees",
        new="state.bank.fee_collector += fees + 1",
        command=COMMAND,
        env=CONTRACTS_OFF,
        description="each fill credits the fee collector one quantum more than the fees (FEE-3)",
    ),
]
