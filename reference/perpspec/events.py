"""
Events: what a transition reports, for indexers and conformance vectors (spec/transition.md, TX-4).

Every event is a JSON object with a "type"; integers of 64 bits or more are decimal
strings, as in the state's JSON.
"""

from __future__ import annotations

from perpspec.codec import encode_position
from perpspec.messages import encode_subaccount_id
from perpspec.subaccounts import SettledUpdate


def subaccount_update_event(settled_update: SettledUpdate) -> dict:
    """The subaccount after an update: its USDC, positions and any funding paid (TX-4)."""
    updated = settled_update.updated
    positions = updated.positions
    payments = settled_update.funding_payments
    return {
        "type": "SubaccountUpdate",
        "subaccountId": encode_subaccount_id(updated.id),
        "usdcBalance": str(updated.usdc_balance),
        "perpetualPositions": [
            encode_position(positions[pid]) for pid in (sorted(positions) if len(positions) > 1 else positions)
        ],
        "fundingPayments": [{"perpetualId": pid, "payment": str(payment)} for pid, payment in sorted(payments.items())]
        if payments
        else [],
    }
