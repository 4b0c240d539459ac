"""
Scenarios of deposits, withdrawals and transfers: their amounts, their signers, the deletion
of emptied subaccounts and the gating after an outage or a negative-TNC subaccount
(spec/subaccounts.md: SUB-3, SUB-9, SUB-11, SUB-12, SUB-13).
"""

from __future__ import annotations

from perpspec import errors
from perpspec.conformance.builders import (
    ALICE,
    AUTHORITY,
    BOB,
    CAROL,
    DAVE,
    LOW,
    MALLORY,
    OK,
    Scenario,
    advance_block,
    deposit,
    make_genesis,
    sub,
    subaccount_entry,
    transfer,
    update_prices,
    withdraw,
)
from perpspec.default_genesis import GENESIS_TIME
from perpspec.units import UINT64_MAX


def deposits() -> Scenario:
    s = Scenario(
        "deposit",
        "Deposits create and credit subaccounts, from any outside account into any subaccount; amounts up to uint64 max, balances beyond it.",
        ["SUB-11", "SUB-1", "SUB-3", "TX-4", "CODEC-1", "UNITS-1"],
        ["CONS-1", "DET-1"],
        make_genesis(),
    )
    s.step("ALICE deposits 1,000 USDC into a new subaccount alice/0", deposit(ALICE, sub(ALICE), 1_000_000_000), OK)
    s.step("a second deposit adds to the balance", deposit(ALICE, sub(ALICE), 1), OK)
    s.step("the highest subaccount number, 127", deposit(ALICE, sub(ALICE, 127), 5), OK)
    s.step("BOB deposits his own funds into ALICE's subaccount", deposit(BOB, sub(ALICE), 7), OK, ["SUB-11"])
    s.step("the largest uint64 amount", deposit(CAROL, sub(CAROL), UINT64_MAX), OK)
    s.step(
        "again: the balance goes beyond 2^64 (balances are unbounded)",
        deposit(CAROL, sub(CAROL), UINT64_MAX),
        OK,
        ["SUB-2"],
    )
    s.step(
        "quantums as a JSON number, assetId and number as decimal strings (TX-5)",
        {**deposit(DAVE, sub(DAVE, "3"), 500), "quantums": 500, "assetId": "0"},
        OK,
        ["TX-5"],
    )
    s.step(
        "a block, showing every subaccount so far",
        advance_block(AUTHORITY, 2, GENESIS_TIME + 1),
        OK,
        show=[sub(ALICE), sub(ALICE, 127), sub(CAROL), sub(DAVE, 3)],
    )
    return s


def withdrawals() -> Scenario:
    s = Scenario(
        "withdraw",
        "Withdrawals by the owner to any outside address; emptying a subaccount deletes it; absent subaccounts read as empty.",
        ["SUB-12", "SUB-3", "SUB-7", "SUB-8", "TX-2"],
        ["CONS-1", "ATOM-1", "SOLV-1"],
        make_genesis([subaccount_entry(ALICE, 0, 100)]),
    )
    s.step(
        "MALLORY cannot withdraw from ALICE's subaccount",
        withdraw(MALLORY, sub(ALICE), 1, recipient=MALLORY),
        errors.Unauthorized.code,
    )
    s.step("ALICE cannot sign for BOB's subaccount", withdraw(ALICE, sub(BOB), 1), errors.Unauthorized.code)
    # NC 100 -> -1 < IMR 0; before 100 >= 0: newly under-collateralized
    s.step(
        "overdrawing by one quantum: NEWLY_UNDERCOLLATERALIZED",
        withdraw(ALICE, sub(ALICE), 101),
        errors.NewlyUndercollateralized.code,
    )
    s.step(
        "withdrawing from an absent (empty) subaccount",
        withdraw(ALICE, sub(ALICE, 1), 1),
        errors.NewlyUndercollateralized.code,
        ["SUB-3"],
    )
    s.step("withdraw 40 to BOB's outside address", withdraw(ALICE, sub(ALICE), 40, recipient=BOB), OK)
    s.step("withdraw the remaining 60: the subaccount is deleted", withdraw(ALICE, sub(ALICE), 60), OK, ["SUB-3"])
    s.step(
        "now absent: withdrawing 1 is NEWLY_UNDERCOLLATERALIZED",
        withdraw(ALICE, sub(ALICE), 1),
        errors.NewlyUndercollateralized.code,
    )
    s.step("deposit 1234 into alice/3", deposit(ALICE, sub(ALICE, 3), 1_234), OK)
    s.step("withdraw 1000 of it", withdraw(ALICE, sub(ALICE, 3), 1_000), OK)
    s.step("withdraw the rest: deleted again", withdraw(ALICE, sub(ALICE, 3), 234), OK, ["SUB-3"])
    return s


def transfers() -> Scenario:
    s = Scenario(
        "transfer-atomicity",
        "A transfer is one batch of two updates: both are written or neither; signer, same-subaccount and amount errors.",
        ["SUB-13", "SUB-7", "SUB-3", "TX-2", "TX-4"],
        ["ATOM-1", "CONS-1"],
        make_genesis([subaccount_entry(ALICE, 0, 1_000), subaccount_entry(BOB, 0, 50)]),
    )
    both = [sub(ALICE), sub(BOB)]
    s.step(
        "the recipient cannot pull funds", transfer(BOB, sub(ALICE), sub(BOB), 10), errors.Unauthorized.code, show=both
    )
    s.step(
        "a third party cannot sign", transfer(MALLORY, sub(ALICE), sub(BOB), 10), errors.Unauthorized.code, show=both
    )
    s.step(
        "to the same subaccount",
        transfer(ALICE, sub(ALICE), sub(ALICE), 10),
        errors.SenderSameAsRecipient.code,
        show=both,
    )
    s.step("a zero amount", transfer(ALICE, sub(ALICE), sub(BOB), 0), errors.InvalidTransferAmount.code, show=both)
    s.step(
        "an overdraw by one: neither side changes, BOB is not credited",
        transfer(ALICE, sub(ALICE), sub(BOB), 1_001),
        errors.NewlyUndercollateralized.code,
        show=both,
    )
    s.step(
        "the whole balance to a new subaccount bob/2: ALICE is deleted, bob/2 created",
        transfer(ALICE, sub(ALICE), sub(BOB, 2), 1_000),
        OK,
    )
    s.step("between two subaccounts of one owner", transfer(BOB, sub(BOB, 2), sub(BOB, 0), 1), OK)
    s.step("from an absent subaccount", transfer(ALICE, sub(ALICE), sub(BOB), 1), errors.NewlyUndercollateralized.code)
    return s


def signers() -> Scenario:
    s = Scenario(
        "signer-errors",
        "Every message is signed by the account it needs: the depositing account, the subaccount owner, or the protocol authority.",
        ["SUB-11", "SUB-12", "SUB-13", "PRICE-6", "BLOCK-1", "TX-2"],
        ["ATOM-1"],
        make_genesis([subaccount_entry(ALICE, 0, 1_000_000)]),
    )
    t = s.time
    three = [("a", 2_900_000_000, t), ("b", 2_910_000_000, t), ("c", 2_950_000_000, t)]
    s.step(
        "a deposit signed by someone other than its sender",
        deposit(MALLORY, sub(MALLORY), 5, sender=ALICE),
        errors.Unauthorized.code,
        show=[sub(MALLORY)],
    )
    s.step(
        "the authority cannot deposit ALICE's funds",
        deposit(AUTHORITY, sub(ALICE), 5, sender=ALICE),
        errors.Unauthorized.code,
    )
    s.step(
        "a withdrawal signed by someone other than the owner",
        withdraw(MALLORY, sub(ALICE), 5),
        errors.Unauthorized.code,
    )
    s.step("the authority cannot withdraw for ALICE", withdraw(AUTHORITY, sub(ALICE), 5), errors.Unauthorized.code)
    s.step(
        "a transfer signed by someone other than the sender's owner",
        transfer(MALLORY, sub(ALICE), sub(MALLORY), 5),
        errors.Unauthorized.code,
    )
    s.step("a price update not signed by the authority", update_prices(ALICE, [(0, three)]), errors.Unauthorized.code)
    s.step("a block not signed by the authority", advance_block(ALICE, s.height + 1, t + 1), errors.Unauthorized.code)
    s.step(
        "a price update signed by an address that sorts before the authority's",
        update_prices(LOW, [(0, three)]),
        errors.Unauthorized.code,
    )
    s.step(
        "a block signed by an address that sorts before the authority's",
        advance_block(LOW, s.height + 1, t + 1),
        errors.Unauthorized.code,
    )
    s.step(
        "a withdrawal signed by an address that sorts before the owner's",
        withdraw(LOW, sub(ALICE), 5),
        errors.Unauthorized.code,
    )
    s.step(
        "a transfer signed by an address that sorts before the sender's owner",
        transfer(LOW, sub(ALICE), sub(BOB), 5),
        errors.Unauthorized.code,
    )
    s.step(
        "a deposit signed by an address that sorts before its sender",
        deposit(LOW, sub(ALICE), 5, sender=ALICE),
        errors.Unauthorized.code,
    )
    s.step("the authority's price update", update_prices(AUTHORITY, [(0, three)]), OK)
    s.step("the authority's block", advance_block(AUTHORITY, s.height + 1, t + 1), OK)
    s.step("the owner's withdrawal", withdraw(ALICE, sub(ALICE), 5), OK)
    return s


def gating_after_outage() -> Scenario:
    s = Scenario(
        "gating-after-outage",
        "A block gap of at least 300 s is a chain outage; withdrawals and transfers are then blocked for 50 blocks, deposits never; the gate opens at outage height + 50.",
        ["BLOCK-1", "BLOCK-2", "SUB-9", "SUB-7"],
        ["ATOM-1", "SOLV-1"],
        make_genesis([subaccount_entry(ALICE, 0, 1_000_000_000)]),
    )
    s.step("not gated at first", withdraw(ALICE, sub(ALICE), 1), OK)
    s.step("a gap of 299 s is not an outage", s.next_block(299), OK)
    s.step("a gap of exactly 300 s is: outage recorded at height 3", s.next_block(300), OK)
    outage = s.height
    s.step("a withdrawal is blocked", withdraw(ALICE, sub(ALICE), 1), errors.WithdrawalsAndTransfersBlocked.code)
    s.step(
        "a transfer is blocked",
        transfer(ALICE, sub(ALICE), sub(ALICE, 1), 1),
        errors.WithdrawalsAndTransfersBlocked.code,
        show=[sub(ALICE), sub(ALICE, 1)],
    )
    s.step("a deposit is never gated", deposit(BOB, sub(ALICE), 1), OK)
    s.step(
        "gating comes before the collateral check: an overdraw is reported as blocked",
        withdraw(ALICE, sub(ALICE), 10**15),
        errors.WithdrawalsAndTransfersBlocked.code,
    )
    while s.height < outage + 49:
        s.step(f"block {s.height + 1}", s.next_block(6), OK)
    s.step(
        "49 blocks after the outage: still blocked",
        withdraw(ALICE, sub(ALICE), 1),
        errors.WithdrawalsAndTransfersBlocked.code,
    )
    s.step("block outage + 50", s.next_block(6), OK)
    s.step("50 blocks after the outage: the withdrawal goes through", withdraw(ALICE, sub(ALICE), 1), OK)
    s.step("and so does a transfer", transfer(ALICE, sub(ALICE), sub(ALICE, 1), 1), OK)
    s.step("a second outage of 10,000 s", s.next_block(10_000), OK)
    s.step("blocks again", withdraw(ALICE, sub(ALICE), 1), errors.WithdrawalsAndTransfersBlocked.code)
    return s


def gating_negative_tnc() -> Scenario:
    s = Scenario(
        "gating-negative-tnc-genesis",
        "A genesis that saw a negative-TNC subaccount at block 1 blocks withdrawals and transfers until block 51.",
        ["SUB-9", "GEN-2", "BLOCK-1"],
        ["ATOM-1"],
        make_genesis([subaccount_entry(ALICE, 0, 1_000_000_000)], negativeTncSubaccountSeenAtBlock=1),
    )
    s.step("blocked at block 1", withdraw(ALICE, sub(ALICE), 1), errors.WithdrawalsAndTransfersBlocked.code)
    s.step(
        "transfers too",
        transfer(ALICE, sub(ALICE), sub(BOB), 1),
        errors.WithdrawalsAndTransfersBlocked.code,
        show=[sub(ALICE), sub(BOB)],
    )
    s.step("deposits are not", deposit(ALICE, sub(ALICE), 1), OK)
    while s.height < 50:
        s.step(f"block {s.height + 1}", s.next_block(), OK)
    s.step(
        "block 50: 50 - 1 = 49 < 50, still blocked",
        withdraw(ALICE, sub(ALICE), 1),
        errors.WithdrawalsAndTransfersBlocked.code,
    )
    s.step("block 51", s.next_block(), OK)
    s.step("open at block 51", withdraw(ALICE, sub(ALICE), 1), OK)
    s.step("transfers too", transfer(ALICE, sub(ALICE), sub(BOB), 1), OK)
    s.step("block 52", s.next_block(), OK)
    s.step("still open 51 blocks after", withdraw(ALICE, sub(ALICE), 1), OK)
    return s
