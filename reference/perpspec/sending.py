"""
Sending: deposits, withdrawals and transfers of USDC (spec/subaccounts.md, SUB-11..13).

Each transition is a thin shell: authorise, build the updates, run them through the
collateral check of ``perpspec.subaccounts``, then count the USDC that entered or
left.  Nothing is written unless every check has passed.
"""

from __future__ import annotations

import icontract

from perpspec import errors
from perpspec.config import CONTRACTS_ENABLED
from perpspec.events import DepositEvent, Event, TransferEvent, WithdrawEvent
from perpspec.invariants import ledger_contracts, not_newly_undercollateralized
from perpspec.messages import Deposit, Transfer, Withdraw
from perpspec.state import State
from perpspec.subaccounts import Update, UpdateType, get_subaccount_update_event, process_updates


@icontract.require(lambda message: message.quantums > 0, "SUB-11: a deposit is positive", enabled=CONTRACTS_ENABLED)
@ledger_contracts(lambda message: [message.recipient])
@icontract.ensure(
    lambda state, message, OLD: (
        state.bank.total_deposited == OLD.ledger.net_deposits + state.bank.total_withdrawn + message.quantums
    ),
    "SUB-11: total deposited grows by the amount",
    enabled=CONTRACTS_ENABLED,
)
def process_deposit(state: State, message: Deposit) -> list[Event]:
    """
    Credit a subaccount with USDC from the signer's outside account (SUB-11).

    The signer must be the depositing account.  The recipient's update is a Deposit:
    never gated, and it passes the collateral check because net collateral rises.
    """
    # Verify the signer is the account the funds come from
    if message.signer != message.sender:
        raise errors.Unauthorized("a deposit is signed by its sender")
    # Apply the recipient's update through the collateral check
    settled = process_updates(state, [Update(message.recipient, usdc_delta=message.quantums)], UpdateType.DEPOSIT)
    # Count the USDC that entered
    state.bank.total_deposited += message.quantums
    return [
        DepositEvent(message.sender, message.recipient, message.quantums),
        get_subaccount_update_event(settled[0]),
    ]


@icontract.require(lambda message: message.quantums > 0, "SUB-12: a withdrawal is positive", enabled=CONTRACTS_ENABLED)
@ledger_contracts(lambda message: [message.sender])
@icontract.ensure(
    lambda state, message, OLD: not_newly_undercollateralized(state, OLD.ledger, message.sender),
    "SOLV-1 (INV-5): a withdrawal never leaves its sender newly under-collateralized",
    enabled=CONTRACTS_ENABLED,
)
def process_withdraw(state: State, message: Withdraw) -> list[Event]:
    """
    Pay USDC from a subaccount to an outside account (SUB-12).

    Only the subaccount's owner may sign it; the update is a Withdrawal, so it is
    gated (SUB-9) and must pass the collateral check (SUB-7).
    """
    # Verify the owner signed
    if message.signer != message.sender.owner:
        raise errors.Unauthorized("a withdrawal is signed by the subaccount's owner")
    # Apply the sender's update through the gated collateral check
    settled = process_updates(state, [Update(message.sender, usdc_delta=-message.quantums)], UpdateType.WITHDRAWAL)
    # Count the USDC that left
    state.bank.total_withdrawn += message.quantums
    return [
        WithdrawEvent(message.sender, message.recipient, message.quantums),
        get_subaccount_update_event(settled[0]),
    ]


@icontract.require(lambda message: message.amount > 0, "SUB-13: a transfer is positive", enabled=CONTRACTS_ENABLED)
@icontract.require(lambda message: message.sender != message.recipient, "SUB-13", enabled=CONTRACTS_ENABLED)
@ledger_contracts(lambda message: [message.sender, message.recipient])
@icontract.ensure(
    lambda state, message, OLD: not_newly_undercollateralized(state, OLD.ledger, message.sender),
    "SOLV-1 (INV-5): a transfer never leaves its sender newly under-collateralized",
    enabled=CONTRACTS_ENABLED,
)
def process_transfer(state: State, message: Transfer) -> list[Event]:
    """
    Move USDC from one subaccount to another (SUB-13).

    Only the sender's owner may sign it; both updates form one Transfer batch, gated
    (SUB-9) and collateral-checked together (SUB-7): both are written or neither.
    """
    # Verify the sender's owner signed
    if message.signer != message.sender.owner:
        raise errors.Unauthorized("a transfer is signed by the sender's owner")
    # Apply both updates as one batch
    updates = [
        Update(message.sender, usdc_delta=-message.amount),
        Update(message.recipient, usdc_delta=message.amount),
    ]
    settled = process_updates(state, updates, UpdateType.TRANSFER)
    return [
        TransferEvent(message.sender, message.recipient, message.amount),
        get_subaccount_update_event(settled[0]),
        get_subaccount_update_event(settled[1]),
    ]
