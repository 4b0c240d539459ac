----------------------------- MODULE Liquidation -----------------------------
(***************************************************************************)
(* The risk engine at small scale (spec/liquidations.md, LIQ-6..LIQ-9,    *)
(* LIQ-13, INS-1, DEL-1..DEL-5, FINAL-1, FINAL-2): a few subaccounts, one  *)
(* perpetual with one clob pair, oracle price moves (a crash among them),  *)
(* maker levels on both sides, an insurance fund; liquidation fills at or  *)
(* past the fillable price with the fund's share of LIQ-9, deleveraging at *)
(* the bankruptcy price against opposite positions through the collateral  *)
(* check, final settlement at the oracle price, negative-TNC gating.       *)
(*                                                                         *)
(* Units as in ../ledger/Ledger.tla, so that the reference maps onto the   *)
(* model exactly (quote exponent 0): a position of q base quantums at      *)
(* price p has net notional q * p, IMR = ceil(|q| p ImfPpm / 1e6), MMR =   *)
(* ceil(IMR MfPpm / 1e6), NC = usdc + q p.  One perpetual, so a           *)
(* subaccount's TNC and TMMR are its position's NC and PMMR (MARGIN-5).    *)
(*                                                                         *)
(* Invariants are named by claim (spec/claims.md): SOLV_3, CONS_5, POS_1,  *)
(* CONS_1; LIQ_9 is the fund's share (reported under SOLV-3), DEL_5 the    *)
(* gating rule; FINAL_LIVE the liveness of final settlement (CONS-5).      *)
(***************************************************************************)
EXTENDS Integers, FiniteSets

CONSTANTS
    Accounts,      \* subaccount names
    Makers,        \* the accounts with resting orders (a subset of Accounts)
    Prices,        \* oracle prices SetPrice may choose (a crash among them)
    BidPrices,     \* prices of the makers' bid levels (a liquidated long sells into them)
    AskPrices,     \* prices of the makers' ask levels (a liquidated short buys from them)
    InitBalances,  \* genesis USDC balances
    InitFund,      \* genesis insurance fund balances
    MaxPos,        \* bound on |position|
    ImfPpm,        \* initial margin fraction, ppm
    MfPpm,         \* maintenance fraction, ppm
    MaxFeePpm,     \* MaxLiquidationFeePpm (LIQ-9, LIQ-10)
    SpreadNum,     \* SpreadToMaintenanceMarginRatioPpm / 1e6 as SpreadNum / SpreadDen (LIQ-7)
    SpreadDen,     \* (BankruptcyAdjustmentPpm is its default, 1e6: the ratio 1)
    Bug            \* "None" or a deliberate defect of a bug configuration (Bugs)

Bugs == {"None",
         "FundOverdraw",        \* INS-1 not checked: the fund may pay more than it holds (SOLV_3)
         "FeeUncapped",         \* LIQ-9's cap left out: the fund takes all of fq - bq (LIQ_9)
         "DeleverageAtOracle",  \* a negative-TNC account deleveraged at the oracle price, its own check skipped (CONS_5)
         "DeleverageFlip",      \* a deleveraging fill of the whole remaining size, flipping a smaller offsetting position (CONS_5)
         "NoFinalSettlement",   \* final-settlement positions are never queued for deleveraging (FINAL_LIVE)
         "FeeNotCredited",      \* the fund's positive share is taken from the taker but not credited (CONS_1)
         "StaleOpenInterest",   \* a deleveraging fill leaves open interest where it was (POS_1)
         "NoGating",            \* the phases' end ignores a negative-TNC subaccount (DEL_5)
         "UnnamedStep"}         \* the phases' end records an action that does not exist (TypeOK)

ASSUME Bug \in Bugs /\ Makers \subseteq Accounts
ASSUME SpreadNum >= 0 /\ SpreadDen > 0 /\ MaxFeePpm \in 0..1000000

VARIABLES
    usdc,     \* [Accounts -> Int]: USDC in quote quantums
    pos,      \* [Accounts -> Int]: position in base quantums
    price,    \* oracle price
    oi,       \* open interest (SUB-6)
    fund,     \* insurance fund balance
    supply,   \* USDC that entered minus what left (deposits - withdrawals): CONS-1's right side
    status,   \* the clob pair: "active" or "final" (FINAL-1)
    gated,    \* withdrawals and transfers gated (SUB-9, DEL-5)
    last      \* the last step: its action, parties and figures (before-states for the invariants)

vars == <<usdc, pos, price, oi, fund, supply, status, gated, last>>

-----------------------------------------------------------------------------
(* Arithmetic and margin (as Ledger.tla) *)

RECURSIVE SumOver(_, _)
SumOver(f, S) ==
    IF S = {} THEN 0
    ELSE LET x == CHOOSE x \in S : TRUE IN f[x] + SumOver(f, S \ {x})

Abs(x) == IF x < 0 THEN -x ELSE x
Sign(x) == IF x > 0 THEN 1 ELSE IF x < 0 THEN -1 ELSE 0
Min(a, b) == IF a < b THEN a ELSE b
CeilDiv(a, b) == (a + b - 1) \div b                 \* a >= 0, b > 0 (ROUND-4)
FloorDiv(a, b) == IF a >= 0 THEN a \div b ELSE -((-a + b - 1) \div b)   \* b > 0 (ROUND-3)

Longs(p) == SumOver([s \in Accounts |-> IF p[s] > 0 THEN p[s] ELSE 0], Accounts)
Shorts(p) == SumOver([s \in Accounts |-> IF p[s] < 0 THEN -p[s] ELSE 0], Accounts)
TotalUsdc(u) == SumOver(u, Accounts)

IMR(q, p) == CeilDiv(Abs(q) * p * ImfPpm, 1000000)
MMR(q, p) == CeilDiv(IMR(q, p) * MfPpm, 1000000)
RiskAt(u, q, p) == [nc |-> u + q * p, imr |-> IMR(q, p), mmr |-> MMR(q, p)]
Risk(s) == RiskAt(usdc[s], pos[s], price)
NC(s) == usdc[s] + pos[s] * price

RiskCompare(r1, r2) ==
    LET primary == Sign(r2.nc * r1.mmr - r1.nc * r2.mmr) IN
    IF primary # 0 THEN primary
    ELSE IF r1.mmr = 0 /\ r2.mmr = 0 THEN Sign(r2.nc - r1.nc)
    ELSE Sign(r1.mmr - r2.mmr)

\* SUB-7, SUB-8: one update of a Match batch succeeds.
UpdateSucceeds(cur, new) ==
    \/ new.nc >= new.imr
    \/ /\ new.mmr <= cur.mmr
       /\ IF new.mmr = 0 \/ cur.mmr = 0
            THEN new.mmr = 0 /\ cur.mmr = 0 /\ new.nc > cur.nc
            ELSE RiskCompare(new, cur) <= 0

\* MARGIN-6: liquidatable.
Liquidatable(s) == pos[s] # 0 /\ MMR(pos[s], price) > 0 /\ NC(s) < MMR(pos[s], price)

-----------------------------------------------------------------------------
(* Prices of the risk engine *)

\* LIQ-6: the quote quantums closing delta d of s's position (TMMR > 0, d valid by LIQ-5).
Bankruptcy(s, d) ==
    LET tnc == NC(s)
        tmmr == MMR(pos[s], price)
        dmmr == MMR(pos[s] + d, price) - MMR(pos[s], price)
    IN -(d * price) - FloorDiv(tnc * (-dmmr), tmmr)

\* LIQ-7, LIQ-8 with BankruptcyAdjustmentPpm = 1e6 and one position (PMMR = TMMR):
\* ABR = clamp((TMMR - TNC) / TMMR, 0, 1) and fillable = price - sign(PS) ABR SMMR PMMR / |PS|,
\* rounded up for a long (the order sells) and down for a short (it buys), at least one tick (1).
AbrNum(s) ==
    LET tmmr == MMR(pos[s], price)
        raw == tmmr - NC(s)
    IN IF raw < 0 THEN 0 ELSE IF raw > tmmr THEN tmmr ELSE raw
SpreadTicks(s) == (AbrNum(s) * SpreadNum) \div (SpreadDen * Abs(pos[s]))   \* ABR PMMR SMMR / |PS|, floored
LimitPrice(s) ==
    LET raw == IF pos[s] > 0 THEN price - SpreadTicks(s) ELSE price + SpreadTicks(s)
    IN IF raw < 1 THEN 1 ELSE raw

\* LIQ-9: the fund's share of a fill of quote fq (signed: negative for a buy) for delta d.
FeeCap(fq) == (Abs(fq) * MaxFeePpm) \div 1000000
FundDelta(fq, bq) ==
    LET raw == fq - bq IN
    IF raw <= 0 THEN raw
    ELSE IF Bug = "FeeUncapped" THEN raw ELSE Min(raw, FeeCap(fq))

\* INS-1.
ValidFundDelta(d) == d >= 0 \/ fund + d >= 0 \/ Bug = "FundOverdraw"

-----------------------------------------------------------------------------
(* Genesis *)

NoLast == [action |-> "Genesis", liq |-> "", off |-> "", delta |-> 0, quote |-> 0,
           fq |-> 0, bq |-> 0, d |-> 0, cap |-> 0,
           l0 |-> [u |-> 0, q |-> 0], o0 |-> [u |-> 0, q |-> 0]]

BalancedPositions == {p \in [Accounts -> -MaxPos..MaxPos] : Longs(p) = Shorts(p)}

Genesis ==
    /\ oi = Longs(pos)
    /\ supply = TotalUsdc(usdc) + fund
    /\ status = "active"
    /\ gated = FALSE
    /\ last = NoLast

Init ==
    /\ usdc \in [Accounts -> InitBalances]
    /\ pos \in BalancedPositions
    /\ price \in Prices
    /\ fund \in InitFund
    /\ Genesis

Long(x) == IF x > 0 THEN x ELSE 0

\* The last step's record; l0 and o0 are the parties' USDC and position before it.
Record(act, l, o, delta, quote, fq, bq, d) ==
    last' = [action |-> act, liq |-> l, off |-> o, delta |-> delta, quote |-> quote,
             fq |-> fq, bq |-> bq, d |-> d, cap |-> FeeCap(fq),
             l0 |-> [u |-> usdc[l], q |-> pos[l]], o0 |-> [u |-> usdc[o], q |-> pos[o]]]

-----------------------------------------------------------------------------
(* Actions *)

\* PRICE-6: an oracle update (the model freezes the price once the pair is in final
\* settlement, so that FINAL_LIVE is about the phase, not about prices that keep moving).
SetPrice(p) ==
    /\ status = "active"
    /\ p > 0
    /\ price' = p
    /\ UNCHANGED <<usdc, pos, oi, fund, supply, status, gated>>
    /\ last' = [NoLast EXCEPT !.action = "SetPrice"]

\* LIQ-13: one fill of s's liquidation order (IOC, the closing side, f base quantums)
\* against maker m's level at price px, at or past the order's fillable price (LIQ-8).
\* The liquidated taker pays no fee, the maker's fee is 0 here; the taker's USDC delta is
\* fq - d and the fund receives d (LIQ-9), refused when the fund cannot pay (INS-1);
\* both sides pass the collateral check of a Match batch (SUB-7, SUB-8).
LiquidationFill(s, m, f, px) ==
    /\ status = "active"
    /\ s # m
    /\ Liquidatable(s)
    /\ f \in 1..Abs(pos[s])
    /\ IF pos[s] > 0 THEN px \in BidPrices /\ px >= LimitPrice(s)
                     ELSE px \in AskPrices /\ px <= LimitPrice(s)
    /\ LET delta == IF pos[s] > 0 THEN -f ELSE f
           fq == IF pos[s] > 0 THEN px * f ELSE -(px * f)
           bq == Bankruptcy(s, delta)
           d == FundDelta(fq, bq)
           newS == RiskAt(usdc[s] + fq - d, pos[s] + delta, price)
           newM == RiskAt(usdc[m] - fq, pos[m] - delta, price)
       IN /\ Abs(pos[m] - delta) <= MaxPos
          /\ ValidFundDelta(d)
          /\ UpdateSucceeds(Risk(s), newS)
          /\ UpdateSucceeds(Risk(m), newM)
          /\ usdc' = [usdc EXCEPT ![s] = @ + fq - d, ![m] = @ - fq]
          /\ pos' = [pos EXCEPT ![s] = @ + delta, ![m] = @ - delta]
          /\ fund' = IF Bug = "FeeNotCredited" /\ d > 0 THEN fund ELSE fund + d
          /\ oi' = oi + (Long(pos[s] + delta) - Long(pos[s])) + (Long(pos[m] - delta) - Long(pos[m]))
          /\ Record("LiquidationFill", s, m, delta, fq - d, fq, bq, d)
    /\ UNCHANGED <<price, supply, status, gated>>

\* DEL-1: who may be deleveraged, and at which price.
MayDeleverage(l) ==
    \/ NC(l) < 0
    \/ status = "final" /\ Bug # "NoFinalSettlement"
AtOraclePrice(l) == NC(l) >= 0 \/ Bug = "DeleverageAtOracle"

\* DEL-2, DEL-3: one deleveraging fill of l's position against o's opposite position: the
\* delta closes min(|l's|, |o's|) (neither flips), at the bankruptcy price of l as it stands
\* (LIQ-6) or the oracle price in final settlement, (+quote, +delta) to l and (-quote, -delta)
\* to o, one Match batch through the collateral check; no fee, no fund.
DeleverageDelta(l, o) ==
    IF Abs(pos[l]) <= Abs(pos[o]) \/ Bug = "DeleverageFlip" THEN -pos[l] ELSE pos[o]

Deleverage(l, o) ==
    /\ l # o
    /\ pos[l] # 0
    /\ Sign(pos[o]) = -Sign(pos[l])
    /\ MayDeleverage(l)
    /\ LET delta == DeleverageDelta(l, o)
           quote == IF AtOraclePrice(l) THEN -(delta * price) ELSE Bankruptcy(l, delta)
           newL == RiskAt(usdc[l] + quote, pos[l] + delta, price)
           newO == RiskAt(usdc[o] - quote, pos[o] - delta, price)
       IN /\ Abs(pos[o] - delta) <= MaxPos
          /\ UpdateSucceeds(Risk(l), newL) \/ Bug = "DeleverageAtOracle"
          /\ UpdateSucceeds(Risk(o), newO)
          /\ usdc' = [usdc EXCEPT ![l] = @ + quote, ![o] = @ - quote]
          /\ pos' = [pos EXCEPT ![l] = @ + delta, ![o] = @ - delta]
          /\ oi' = IF Bug = "StaleOpenInterest" THEN oi
                  ELSE oi + (Long(pos[l] + delta) - Long(pos[l])) + (Long(pos[o] - delta) - Long(pos[o]))
          /\ Record("Deleverage", l, o, delta, quote, 0, IF AtOraclePrice(l) THEN 0 ELSE quote, 0)
    /\ UNCHANGED <<price, fund, supply, status, gated>>

DeleverageStep == \E l, o \in Accounts : Deleverage(l, o)

\* FINAL-1, CLOB-4: the authority moves the pair to final settlement.
EnterFinalSettlement ==
    /\ status = "active"
    /\ status' = "final"
    /\ UNCHANGED <<usdc, pos, price, oi, fund, supply, gated>>
    /\ last' = [NoLast EXCEPT !.action = "EnterFinalSettlement"]

\* DEL-5: the end of a block's risk phases: a subaccount with a position and negative TNC
\* gates withdrawals; otherwise the gating window may go on or end (its length, SUB-9, is
\* time, which the model leaves out).
Bankrupt == \E s \in Accounts : pos[s] # 0 /\ NC(s) < 0
EndBlockPhases ==
    /\ IF Bankrupt /\ Bug # "NoGating" THEN gated' = TRUE ELSE gated' \in BOOLEAN
    /\ UNCHANGED <<usdc, pos, price, oi, fund, supply, status>>
    /\ last' = [NoLast EXCEPT !.action = IF Bug = "UnnamedStep" THEN "Nothing" ELSE "EndBlockPhases"]

\* Deposits, withdrawals and transfers are ../ledger/Ledger.tla's; here (trace validation
\* only, not in Next) such a message may move USDC (to balances u, supply sup) in and out but changes no position, price,
\* fund or gating, and keeps CONS-1.
LedgerMessage(u, sup) ==
    /\ usdc' = u
    /\ supply' = sup
    /\ TotalUsdc(u) + fund = sup
    /\ UNCHANGED <<pos, price, oi, fund, status, gated>>
    /\ last' = [NoLast EXCEPT !.action = "LedgerMessage"]

Next ==
    \/ \E p \in Prices : SetPrice(p)
    \/ \E s, m \in Accounts, f \in 1..MaxPos, px \in BidPrices \cup AskPrices :
           m \in Makers /\ LiquidationFill(s, m, f, px)
    \/ DeleverageStep
    \/ EnterFinalSettlement
    \/ EndBlockPhases

Spec == Init /\ [][Next]_vars

\* Weak fairness of the deleveraging phase: a fill that stays possible is made (DEL-4 runs
\* every block; with 3-4 subaccounts the 10 attempts a block never bind).
LiveSpec == Spec /\ WF_vars(DeleverageStep)

-----------------------------------------------------------------------------
(* Invariants *)

ActionNames == {"Genesis", "SetPrice", "LiquidationFill", "Deleverage",
                "EnterFinalSettlement", "EndBlockPhases", "LedgerMessage"}

TypeOK ==
    /\ usdc \in [Accounts -> Int]
    /\ pos \in [Accounts -> Int]
    /\ price \in Int /\ price > 0
    /\ oi \in Nat
    /\ fund \in Int
    /\ status \in {"active", "final"}
    /\ gated \in BOOLEAN
    /\ last.action \in ActionNames

\* SOLV-3 (INS-1, LIQ-9, LIQ-13): the insurance fund is never negative.
SOLV_3 == fund >= 0

\* LIQ-9 (under SOLV-3): a liquidation fill's share for the fund is the shortfall when the
\* fill is worse than bankruptcy, else at most the fee cap floor(|fq| MaxFeePpm / 1e6); the
\* liquidated account keeps at least the bankruptcy quote either way.
LIQ_9 ==
    last.action = "LiquidationFill" =>
        /\ last.d > 0 => last.d <= last.cap
        /\ last.fq - last.d >= last.bq
        /\ last.fq - last.bq <= 0 => last.d = last.fq - last.bq
        /\ last.fq - last.bq > 0 => last.d >= 0

\* CONS-5 (DEL-2, DEL-3, FINAL-2): a deleveraging fill is zero-sum in USDC and base quantums
\* between its two parties (the fund untouched), flips neither position, and leaves each party
\* initially collateralized or, if it was not, with MMR not higher and NC/MMR not worse
\* (SUB-8 as stated, apart from the guard's code and its Bug switches).
Party0(r) == RiskAt(r.u, r.q, price)
NotWorse(cur, new) ==
    \/ new.nc >= new.imr
    \/ /\ new.mmr <= cur.mmr
       /\ \/ new.mmr = 0 /\ cur.mmr = 0 /\ new.nc > cur.nc
          \/ new.mmr > 0 /\ cur.mmr > 0 /\ RiskCompare(new, cur) <= 0
CONS_5 ==
    last.action = "Deleverage" =>
        LET l == last.liq
            o == last.off
        IN /\ usdc[l] + usdc[o] = last.l0.u + last.o0.u
           /\ pos[l] + pos[o] = last.l0.q + last.o0.q
           /\ Sign(pos[l]) \in {0, Sign(last.l0.q)}
           /\ Sign(pos[o]) \in {0, Sign(last.o0.q)}
           /\ NotWorse(Party0(last.l0), Risk(l))
           /\ NotWorse(Party0(last.o0), Risk(o))

\* CONS-1 (INV-1) with the fund: the USDC of the subaccounts and the fund is what entered.
CONS_1 == TotalUsdc(usdc) + fund = supply

\* POS-1 (INV-3, INV-4): longs equal shorts, and open interest is the sum of longs.
POS_1 == Longs(pos) = Shorts(pos) /\ oi = Longs(pos)

\* DEL-5: after a block's risk phases, a subaccount with a position and negative TNC gates.
DEL_5 == last.action = "EndBlockPhases" /\ Bankrupt => gated

\* FINAL-2 (CONS-5), under LiveSpec: once the pair is in final settlement with no holder in
\* negative TNC, every position is closed (open interest reaches 0).  The condition is needed:
\* a holder with negative TNC is closed at its bankruptcy price, which the offsetting side may
\* fail to afford (its collateral check), and then the position stays open, in v4 as here
\* (TLC finds such a behaviour for the unconditioned (status = "final") ~> (oi = 0): a short
\* of 2 with NC -4 at price 1 against a long with NC 0).  Holders with TNC >= 0 are closed at
\* the oracle price, which leaves every NC as it was, so no such fill is ever refused.
Solvent == \A s \in Accounts : pos[s] # 0 => NC(s) >= 0
FINAL_LIVE == (status = "final" /\ Solvent) ~> (oi = 0)

=============================================================================
