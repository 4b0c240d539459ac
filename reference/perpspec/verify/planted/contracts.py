"""Planted bugs that the contract-checked random runs must catch (CLAIM-3; the harness is ``perpspec.verify.planted``)."""

from __future__ import annotations

from perpspec.verify.planted import PlantedBug

COMMAND = ("-m", "perpspec", "verify", "--quick", "--only", "contract-checked")

BUGS: list[PlantedBug] = [
    PlantedBug(
        id="transfer-creates-a-quantum",
        method="contracts",
        claims=("CONS-1",),
        path="sending.py",
        old="Update(message.recipient, usdc_delta=message.amount),",
        new="Update(message.recipient, usdc_delta=message.amount + 1),",
        command=COMMAND,
        description="a transfer credits its recipient one quantum more than it debits (INV-1)",
    ),
    PlantedBug(
        id="deleveraging-offsetting-pays-less",
        method="contracts",
        claims=("CONS-5",),
        path="deleveraging.py",
        old="Update(offsetting_id, -quote_quantums, ((perpetual_id, -delta_quantums),)),",
        new="Update(offsetting_id, 1 - quote_quantums, ((perpetual_id, -delta_quantums),)),",
        command=COMMAND,
        description="a deleveraging fill debits the offsetting subaccount one quantum less than it credits (DEL-3)",
    ),
]
