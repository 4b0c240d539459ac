------------------------------- MODULE Ledger -------------------------------
(***************************************************************************)
(* An abstract model of the perpspec ledger (spec/subaccounts.md): a few   *)
(* subaccounts, one perpetual, USDC balances, deposits, withdrawals,       *)
(* transfers, oracle price moves, withdrawal gating and the collateral     *)
(* check of SUB-7 and SUB-8.                                               *)
(*                                                                         *)
(* Units are abstract integers chosen so that the reference maps onto the  *)
(* model exactly: a position of q base quantums at oracle price p has the  *)
(* net notional q * p quote quantums (quote exponent 0, UNITS-4), and      *)
(*   IMR = ceil(|q| * p * ImfPpm / 10^6)      (MARGIN-2, no OI scaling)    *)
(*   MMR = ceil(IMR * MfPpm / 10^6)           (MARGIN-3)                   *)
(*   NC  = usdc + q * p                       (MARGIN-5)                   *)
(*                                                                         *)
(* Invariants are named by claim (spec/claims.md); TLA+ identifiers cannot *)
(* contain '-', so CONS_1 is claim CONS-1, SOLV_1 is SOLV-1, POS_1 is      *)
(* POS-1 and the action property ATOM_1 is ATOM-1.                         *)
(***************************************************************************)
EXTENDS Integers, FiniteSets

CONSTANTS
    Accounts,      \* subaccount names: strings, e.g. {"a", "b", "c"}
    Prices,        \* the oracle prices SetPrice may choose (positive)
    Amounts,       \* the amounts of deposits, withdrawals and transfers
    TradeSizes,    \* sizes of the internal Trade action; {} keeps positions fixed
    InitBalances,  \* the genesis USDC balances
    MaxPos,        \* bound on |position| at genesis and after trades
    ImfPpm,        \* the liquidity tier's initial margin fraction, ppm
    MfPpm,         \* the liquidity tier's maintenance fraction, ppm
    Bug            \* "None" or a deliberate defect of a bug configuration (Bugs)

\* The bug configurations' defects, one or more per invariant (tla/manifest.json):
Bugs == {"None",
         "NoCollateralCheck",        \* accept every ungated withdrawal and transfer (SOLV_1)
         "MaintenanceForInitial",    \* the collateral check tests NC >= MMR, not NC >= IMR (SOLV_1)
         "NonAtomicTransfer",        \* a rejected transfer still debits its sender (CONS_1)
         "OpenInterestBuyerOnly",    \* a trade's open-interest delta counts the buyer only (POS_1)
         "RejectedWithdrawalWrites", \* a rejected withdrawal is written anyway (ATOM_1)
         "InvalidNamesSubject"}      \* an invalid message records an unknown subject (TypeOK)

ASSUME Bug \in Bugs
ASSUME ImfPpm \in 0..1000000 /\ MfPpm \in 0..1000000

VARIABLES
    usdc,       \* [Accounts -> Int]: signed USDC balance in quote quantums (SUB-2)
    pos,        \* [Accounts -> Int]: signed position in base quantums; 0 = none (SUB-4)
    price,      \* the perpetual's oracle price
    oi,         \* the perpetual's open interest (SUB-6)
    deposited,  \* totalDeposited (SUB-11)
    withdrawn,  \* totalWithdrawn (SUB-12)
    pool,       \* USDC held outside subaccounts: insurance fund + fee collector + funding pool
    gated,      \* withdrawals and transfers are blocked (SUB-9)
    last        \* the last message: its action, subject, result and the subject's risk before

ledger == <<usdc, pos, price, oi, deposited, withdrawn, pool, gated>>
vars == <<usdc, pos, price, oi, deposited, withdrawn, pool, gated, last>>

ActionNames == {"Genesis", "Deposit", "Withdraw", "Transfer", "SetPrice",
                "AdvanceBlock", "Invalid", "Trade"}

-----------------------------------------------------------------------------
(* Arithmetic *)

RECURSIVE SumOver(_, _)
SumOver(f, S) ==
    IF S = {} THEN 0
    ELSE LET x == CHOOSE x \in S : TRUE IN f[x] + SumOver(f, S \ {x})

Abs(x) == IF x < 0 THEN -x ELSE x
Sign(x) == IF x > 0 THEN 1 ELSE IF x < 0 THEN -1 ELSE 0
CeilDiv(a, b) == (a + b - 1) \div b          \* a >= 0, b > 0 (ROUND-4)

Longs(p) == SumOver([s \in Accounts |-> IF p[s] > 0 THEN p[s] ELSE 0], Accounts)
Shorts(p) == SumOver([s \in Accounts |-> IF p[s] < 0 THEN -p[s] ELSE 0], Accounts)
TotalUsdc(u) == SumOver(u, Accounts)

-----------------------------------------------------------------------------
(* Margin (MARGIN-2, MARGIN-3, MARGIN-5, MARGIN-7) *)

IMR(q, p) == CeilDiv(Abs(q) * p * ImfPpm, 1000000)
MMR(q, p) == CeilDiv(IMR(q, p) * MfPpm, 1000000)

\* NC, IMR and MMR of a subaccount holding u USDC and q base quantums at price p.
RiskAt(u, q, p) == [nc |-> u + q * p, imr |-> IMR(q, p), mmr |-> MMR(q, p)]
Risk(u, q) == RiskAt(u, q, price)
NoRisk == [nc |-> 0, imr |-> 0, mmr |-> 0]

\* 1 if risk r1 is riskier than r2, 0 if equal, -1 if safer (MARGIN-7).
RiskCompare(r1, r2) ==
    LET primary == Sign(r2.nc * r1.mmr - r1.nc * r2.mmr) IN
    IF primary # 0 THEN primary
    ELSE IF r1.mmr = 0 /\ r2.mmr = 0 THEN Sign(r2.nc - r1.nc)
    ELSE Sign(r1.mmr - r2.mmr)

\* The result of one update is Success (SUB-7, SUB-8).
\* Bug "MaintenanceForInitial": the first test reads MMR where SUB-7 says IMR.
UpdateSucceeds(cur, new) ==
    \/ new.nc >= (IF Bug = "MaintenanceForInitial" THEN new.mmr ELSE new.imr)
    \/ /\ new.mmr <= cur.mmr
       /\ IF new.mmr = 0 \/ cur.mmr = 0
            THEN new.mmr = 0 /\ cur.mmr = 0 /\ new.nc > cur.nc
            ELSE RiskCompare(new, cur) <= 0

CheckOn == Bug # "NoCollateralCheck"

\* The batch passes the collateral check (or the check is switched off by Bug).
Passes(ok) == ok \/ ~CheckOn

-----------------------------------------------------------------------------
(* Genesis *)

GenesisLast == [action |-> "Genesis", who |-> "", accepted |-> TRUE,
                nc0 |-> 0, imr0 |-> 0, mmr0 |-> 0]

BalancedPositions == {p \in [Accounts -> -MaxPos..MaxPos] : Longs(p) = Shorts(p)}

\* What every genesis satisfies, once usdc, pos, price and gated are chosen.
Genesis ==
    /\ oi = Longs(pos)
    /\ deposited = TotalUsdc(usdc)   \* genesis balances count as deposited (GEN-2)
    /\ withdrawn = 0
    /\ pool = 0
    /\ last = GenesisLast

Init ==
    /\ usdc \in [Accounts -> InitBalances]
    /\ pos \in BalancedPositions
    /\ price \in Prices
    /\ gated \in BOOLEAN
    /\ Genesis

-----------------------------------------------------------------------------
(* Messages.  A rejected message leaves the ledger unchanged (TX-2) and     *)
(* records its rejection in last.                                          *)

Record(act, who, ok, r) ==
    last' = [action |-> act, who |-> who, accepted |-> ok,
             nc0 |-> r.nc, imr0 |-> r.imr, mmr0 |-> r.mmr]

\* SUB-11: a Deposit update, never gated.
Deposit(s, amt) ==
    /\ amt > 0
    /\ LET cur == Risk(usdc[s], pos[s])
           new == Risk(usdc[s] + amt, pos[s])
       IN IF Passes(UpdateSucceeds(cur, new))
          THEN /\ usdc' = [usdc EXCEPT ![s] = @ + amt]
               /\ deposited' = deposited + amt
               /\ UNCHANGED <<pos, price, oi, withdrawn, pool, gated>>
               /\ Record("Deposit", s, TRUE, cur)
          ELSE /\ UNCHANGED ledger
               /\ Record("Deposit", s, FALSE, cur)

\* SUB-12: a gated Withdrawal update that must pass the collateral check.
\* Bug "RejectedWithdrawalWrites": an ungated withdrawal that fails the check is
\* written all the same (USDC and totalWithdrawn agree, so only ATOM_1 can see it).
Withdraw(s, amt) ==
    /\ amt > 0
    /\ LET cur == Risk(usdc[s], pos[s])
           new == Risk(usdc[s] - amt, pos[s])
       IN IF ~gated /\ Passes(UpdateSucceeds(cur, new))
          THEN /\ usdc' = [usdc EXCEPT ![s] = @ - amt]
               /\ withdrawn' = withdrawn + amt
               /\ UNCHANGED <<pos, price, oi, deposited, pool, gated>>
               /\ Record("Withdraw", s, TRUE, cur)
          ELSE /\ IF Bug = "RejectedWithdrawalWrites" /\ ~gated
                    THEN /\ usdc' = [usdc EXCEPT ![s] = @ - amt]
                         /\ withdrawn' = withdrawn + amt
                         /\ UNCHANGED <<pos, price, oi, deposited, pool, gated>>
                    ELSE UNCHANGED ledger
               /\ Record("Withdraw", s, FALSE, cur)

\* SUB-13: one gated Transfer batch of two updates: both are written or neither.
\* Bug "NonAtomicTransfer": a rejected batch still writes the sender's debit.
Transfer(s, r, amt) ==
    /\ amt > 0
    /\ s # r
    /\ LET curS == Risk(usdc[s], pos[s])
           newS == Risk(usdc[s] - amt, pos[s])
           curR == Risk(usdc[r], pos[r])
           newR == Risk(usdc[r] + amt, pos[r])
       IN IF ~gated /\ Passes(UpdateSucceeds(curS, newS) /\ UpdateSucceeds(curR, newR))
          THEN /\ usdc' = [usdc EXCEPT ![s] = @ - amt, ![r] = @ + amt]
               /\ UNCHANGED <<pos, price, oi, deposited, withdrawn, pool, gated>>
               /\ Record("Transfer", s, TRUE, curS)
          ELSE /\ IF Bug = "NonAtomicTransfer"
                    THEN /\ usdc' = [usdc EXCEPT ![s] = @ - amt]
                         /\ UNCHANGED <<pos, price, oi, deposited, withdrawn, pool, gated>>
                    ELSE UNCHANGED ledger
               /\ Record("Transfer", s, FALSE, curS)

\* PRICE-6: an oracle update sets the market's price.
SetPrice(p) ==
    /\ p > 0
    /\ price' = p
    /\ UNCHANGED <<usdc, pos, oi, deposited, withdrawn, pool, gated>>
    /\ Record("SetPrice", "", TRUE, NoRisk)

\* BLOCK-1, BLOCK-2, SUB-9: a new block may start or end the gating window.
AdvanceBlock ==
    /\ gated' \in BOOLEAN
    /\ UNCHANGED <<usdc, pos, price, oi, deposited, withdrawn, pool>>
    /\ Record("AdvanceBlock", "", TRUE, NoRisk)

\* A message rejected before the collateral check (malformed, unauthorized,
\* a bad block height): TX-2 says it changes nothing.
\* Bug "InvalidNamesSubject": it records a subject that is no subaccount.
Invalid ==
    /\ UNCHANGED ledger
    /\ Record("Invalid", IF Bug = "InvalidNamesSubject" THEN "nobody" ELSE "", FALSE, NoRisk)

\* Not a perpspec message yet: a fill of q base quantums at the oracle price,
\* buyer b and seller s, as one Match batch (never gated), moving open
\* interest by the SUB-6 delta formula.  Bug "OpenInterestBuyerOnly": the delta
\* leaves out the seller's change of its long position.
Trade(b, s, q) ==
    /\ q > 0
    /\ b # s
    /\ LET nb == pos[b] + q
           ns == pos[s] - q
           curB == Risk(usdc[b], pos[b])
           newB == Risk(usdc[b] - q * price, nb)
           curS == Risk(usdc[s], pos[s])
           newS == Risk(usdc[s] + q * price, ns)
           Long(x) == IF x > 0 THEN x ELSE 0
           delta == (Long(nb) - Long(pos[b]))
                    + (IF Bug = "OpenInterestBuyerOnly" THEN 0 ELSE Long(ns) - Long(pos[s]))
       IN IF Passes(UpdateSucceeds(curB, newB) /\ UpdateSucceeds(curS, newS))
          THEN /\ usdc' = [usdc EXCEPT ![b] = @ - q * price, ![s] = @ + q * price]
               /\ pos' = [pos EXCEPT ![b] = nb, ![s] = ns]
               /\ oi' = oi + delta
               /\ UNCHANGED <<price, deposited, withdrawn, pool, gated>>
               /\ Record("Trade", b, TRUE, curB)
          ELSE /\ UNCHANGED ledger
               /\ Record("Trade", b, FALSE, curB)

Next ==
    \/ \E s \in Accounts, a \in Amounts : Deposit(s, a) \/ Withdraw(s, a)
    \/ \E s, r \in Accounts, a \in Amounts : s # r /\ Transfer(s, r, a)
    \/ \E p \in Prices : SetPrice(p)
    \/ AdvanceBlock
    \/ Invalid
    \/ \E b, s \in Accounts, q \in TradeSizes :
           /\ b # s
           /\ Abs(pos[b] + q) <= MaxPos
           /\ Abs(pos[s] - q) <= MaxPos
           /\ Trade(b, s, q)

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
(* Invariants, named by claim *)

TypeOK ==
    /\ usdc \in [Accounts -> Int]
    /\ pos \in [Accounts -> Int]
    /\ price \in Int /\ price > 0
    /\ oi \in Nat
    /\ deposited \in Int
    /\ withdrawn \in Nat
    /\ pool \in Int
    /\ gated \in BOOLEAN
    /\ last.action \in ActionNames
    /\ last.who \in Accounts \cup {""}
    /\ last.accepted \in BOOLEAN
    /\ last.nc0 \in Int /\ last.imr0 \in Nat /\ last.mmr0 \in Nat

\* CONS-1 (INV-1): the USDC held equals deposits minus withdrawals.
CONS_1 == TotalUsdc(usdc) + pool = deposited - withdrawn

\* POS-1 (INV-3, INV-4): longs equal shorts, and open interest is the sum of longs.
POS_1 == Longs(pos) = Shorts(pos) /\ oi = Longs(pos)

\* SOLV-1 (SUB-7, SUB-8, INV-5): an accepted withdrawal or transfer leaves its
\* sender initially collateralized, or with MMR not higher and NC/MMR not worse;
\* and a sender that met its initial margin before still meets it.
\*
\* The two conjuncts are not alike.  The first (INV-5) is a consequence of SUB-8,
\* not its text: SUB-8 never lets a withdrawal or transfer out of a collateralized
\* sender that leaves it below IMR, since its NC falls and its MMR stays.  The second
\* restates the guard of Withdraw and Transfer (UpdateSucceeds on the sender), over
\* the same Risk formulas, so with the check as written it cannot fail, in a green run
\* or in trace validation: LedgerTrace takes a step only as the model's own action,
\* so a reference that accepts what the guard rejects fails StepAccepted, never SOLV_1.
\* Its value is in the bug configurations: it is written apart from UpdateSucceeds
\* and its Bug switches, so a changed guard is measured against SUB-8 as stated
\* (MCLedgerBug.cfg and MCLedgerBugMaintenance.cfg violate both conjuncts).  In
\* LedgerFull.tla, SOLV_1 also compares the logged figures with the written state.
SOLV_1 ==
    (last.action \in {"Withdraw", "Transfer"} /\ last.accepted) =>
        LET cur == [nc |-> last.nc0, imr |-> last.imr0, mmr |-> last.mmr0]
            new == Risk(usdc[last.who], pos[last.who])
        IN /\ cur.nc >= cur.imr => new.nc >= new.imr
           /\ \/ new.nc >= new.imr
              \/ /\ new.mmr <= cur.mmr
                 /\ \/ new.mmr = 0 /\ cur.mmr = 0 /\ new.nc > cur.nc
                    \/ RiskCompare(new, cur) <= 0

\* ATOM-1 (TX-2), an action property: a rejected message changes no ledger variable.
ATOM_1 == [][last'.accepted = FALSE => UNCHANGED ledger]_vars

=============================================================================
