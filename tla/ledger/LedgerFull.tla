----------------------------- MODULE LedgerFull -----------------------------
(***************************************************************************)
(* The perpspec ledger with every rule its messages use, in exact big      *)
(* integers (BigInt): the transition of each decoded message of            *)
(* spec/transition.md over the full ledger state.  Written for trace       *)
(* validation (LedgerFullTrace.tla), not for exhaustive model checking:    *)
(* its values are unbounded; Ledger.tla is the small model TLC explores.   *)
(*                                                                         *)
(*   several perpetuals, each with its market, liquidity tier, funding     *)
(*     index and open interest;                                            *)
(*   subaccounts with a USDC balance and positions (SUB-2, SUB-4);         *)
(*   funding settlement on every touch, summed in ppm and floored once,    *)
(*     against the funding pool (FUND-1, FUND-2, FUND-3);                  *)
(*   notional, IMR with open-interest scaling, MMR (UNITS-4, MARGIN-1..5); *)
(*   the collateral check and the SUB-8 rule with the risk order           *)
(*     (SUB-7, SUB-8, MARGIN-6, MARGIN-7), batches written all or nothing  *)
(*     (SUB-13, TX-2);                                                     *)
(*   withdrawal gating after an outage or a negative-TNC block (SUB-9,     *)
(*     BLOCK-1, BLOCK-2);                                                  *)
(*   oracle aggregation: fresh sources, minimum count, median with halves  *)
(*     away from zero, minimum change (PRICE-2..6, ROUND-9);               *)
(*   signer checks (SUB-11, SUB-12, SUB-13, PRICE-6, BLOCK-1);             *)
(*   fills (MATCH-2, MATCH-4, FEE-2, FEE-3, SUB-6): the quote at the       *)
(*     maker's price, each party's fee, one Match batch of two updates     *)
(*     through the collateral check with post-trade open interest, and     *)
(*     the write of both parties, open interest and the fee collector.     *)
(*     Which orders fill, at which price and size, and each party's fee    *)
(*     rate are taken from the trace (the book is Book.tla's; fee tiers    *)
(*     by volume, FEE-1, are not modelled).                                *)
(*                                                                         *)
(* Every action computes the message's error code ("" when accepted) and   *)
(* the figures of its collateral check, and records them in last, so a     *)
(* trace whose logged figures or verdict differ from the model's is        *)
(* rejected.  Messages that fail decoding (TX-5) are the one thing the     *)
(* model takes from the log: it only requires that they change nothing.    *)
(* So are the verdicts of order placements and cancels (Order), whose      *)
(* ledger effect is only their fills, each a logged Fill step.             *)
(***************************************************************************)
EXTENDS Integers, Sequences, FiniteSets, BigInt

VARIABLES
    params,       \* the genesis tables no message changes: authority, subaccount
                  \* identities, perpetuals, liquidity tiers, market parameters
    subs,         \* [SubKey -> [usdc |-> Big, pos |-> [PerpetualId -> [q |-> Big, idx |-> Big]]]]
                  \* absent = empty (SUB-3); pos holds the positions of non-zero size (SUB-4)
    prices,       \* [MarketId -> Big]: oracle price values (PRICE-1)
    findex,       \* [PerpetualId -> Big]: the perpetuals' funding indexes (FUND-1)
    oi,           \* [PerpetualId -> Big]: open interest in base quantums (SUB-6)
    height,       \* the block height (an Int)
    time,         \* the block time, unix seconds (Big: int64)
    outageAt,     \* lastChainOutageAtBlock, or NoBlock (BLOCK-2)
    negTncAt,     \* negativeTncSubaccountSeenAtBlock, or NoBlock (SUB-9)
    deposited,    \* totalDeposited (SUB-11)
    withdrawn,    \* totalWithdrawn (SUB-12)
    pool,         \* the funding pool balance (FUND-3)
    insurance,    \* the insurance fund balance
    feeCollector, \* the fee collector balance
    last          \* the last message: action, verdict, error code, check figures, price outcomes

ledger == <<subs, prices, findex, oi, height, time, outageAt, negTncAt,
            deposited, withdrawn, pool, insurance, feeCollector>>
vars == <<params, ledger, last>>

NoBlock == -1
OneMillion == 1000000
GatingBlocks == 50          \* SUB-9
OutageSeconds == 300        \* BLOCK-2

\* Error codes a message can fail with before any state is read (TX-5); from DEPRECATED_FIELD
\* on, those of an order or cancel that does not decode (spec/clob.md, ORDER-1, ORDER-2).
DecodeCodes == {"MALFORMED_MESSAGE", "UNKNOWN_MESSAGE_TYPE", "INVALID_FIELD", "INVALID_ADDRESS",
                "INVALID_SUBACCOUNT_NUMBER", "NON_USDC_ASSET", "INVALID_TRANSFER_AMOUNT",
                "SENDER_SAME_AS_RECIPIENT", "INVALID_PRICE", "DUPLICATE_SOURCE",
                "DUPLICATE_MARKET_UPDATE",
                "DEPRECATED_FIELD", "INVALID_CONDITION_TYPE", "INVALID_CONDITIONAL_ORDER_TRIGGER_SUBTICKS",
                "INVALID_ORDER_FLAG", "INVALID_ORDER_GOOD_TIL_BLOCK", "INVALID_ORDER_QUANTUMS",
                "INVALID_ORDER_SIDE", "INVALID_ORDER_SUBTICKS", "INVALID_STATEFUL_ORDER_GOOD_TIL_BLOCK_TIME",
                "INVALID_TIME_IN_FORCE", "LONG_TERM_ORDERS_CANNOT_REQUIRE_IMMEDIATE_EXECUTION",
                "REDUCE_ONLY_DISABLED"}

ResultCode == [Success |-> "",
               NewlyUndercollateralized |-> "NEWLY_UNDERCOLLATERALIZED",
               StillUndercollateralized |-> "STILL_UNDERCOLLATERALIZED",
               WithdrawalsAndTransfersBlocked |-> "WITHDRAWALS_AND_TRANSFERS_BLOCKED"]

-----------------------------------------------------------------------------
(* Margin (UNITS-4, MARGIN-1..5, MARGIN-7) *)

Perp(p) == params.perps[p]
Tier(p) == params.tiers[Perp(p).tier]
MarketOf(p) == params.markets[Perp(p).market]

\* UNITS-4: base quantums at the oracle price, in quote quantums, truncated toward zero.
QuoteExponent(p) == MarketOf(p).exponent + Perp(p).ar + 6
BaseToQuote(p, q) ==
    LET x == Mul(q, prices[Perp(p).market])
        e == QuoteExponent(p)
    IN IF e >= 0 THEN MulPow10(x, e) ELSE TruncDivPow10(x, -e)

\* MARGIN-1: the initial margin fraction scaled by open interest (an Int in imf..10^6).
AdjustedImf(p, oiNotional) ==
    LET t == Tier(p) IN
    IF t.upper = Zero \/ Le(oiNotional, t.lower) THEN t.imf
    ELSE IF Ge(oiNotional, t.upper) THEN OneMillion
    ELSE t.imf + FloorDivBounded(MulSmall(Sub(oiNotional, t.lower), OneMillion - t.imf),
                                 Sub(t.upper, t.lower), OneMillion - t.imf)

\* MARGIN-2, MARGIN-3, MARGIN-4: NC, IMR and MMR of q base quantums of perpetual p, with
\* open interest o (o = oi, or a Match batch's post-trade open interest, SUB-6).
PositionRisk(p, q, o) ==
    LET notional == BaseToQuote(p, Abs(q))
        baseImr == CeilDivSmall(MulSmall(notional, Tier(p).imf), OneMillion)
        imf == AdjustedImf(p, BaseToQuote(p, o[p]))
    IN [nc |-> BaseToQuote(p, q),
        imr |-> CeilDivSmall(MulSmall(notional, imf), OneMillion),
        mmr |-> CeilDivSmall(MulSmall(baseImr, Tier(p).mf), OneMillion)]

RECURSIVE SumRisk(_, _, _)
SumRisk(pos, P, o) ==
    IF P = {} THEN [nc |-> Zero, imr |-> Zero, mmr |-> Zero]
    ELSE LET p == CHOOSE p \in P : TRUE
             r == PositionRisk(p, pos[p].q, o)
             rest == SumRisk(pos, P \ {p}, o)
         IN [nc |-> Add(r.nc, rest.nc), imr |-> Add(r.imr, rest.imr), mmr |-> Add(r.mmr, rest.mmr)]

\* MARGIN-5: a subaccount's total NC (USDC plus notionals), IMR and MMR.
RiskAt(a, o) == LET r == SumRisk(a.pos, DOMAIN a.pos, o) IN [r EXCEPT !.nc = Add(a.usdc, @)]
Risk(a) == RiskAt(a, oi)

\* MARGIN-7: 1 if r1 is riskier than r2, 0 if equally risky, -1 if safer.
RiskCompare(r1, r2) ==
    LET primary == Sign(Sub(Mul(r2.nc, r1.mmr), Mul(r1.nc, r2.mmr))) IN
    IF primary # 0 THEN primary
    ELSE IF r1.mmr = Zero /\ r2.mmr = Zero THEN Sign(Sub(r2.nc, r1.nc))
    ELSE Sign(Sub(r1.mmr, r2.mmr))

MeetsImr(r) == Ge(r.nc, r.imr)                                   \* MARGIN-6

-----------------------------------------------------------------------------
(* Funding settlement (FUND-1, FUND-2) and the collateral check (SUB-7, SUB-8, SUB-9) *)

\* FUND-1: sum over positions of -(perpetual index - position index) * quantums, in ppm.
FundingPpm(a) ==
    SumBig([p \in DOMAIN a.pos |-> Mul(Sub(a.pos[p].idx, findex[p]), a.pos[p].q)], DOMAIN a.pos)

\* FUND-2: the subaccount settled: floor(total ppm / 10^6) added once, every index brought up.
Settled(a) ==
    [usdc |-> Add(a.usdc, FloorDivSmall(FundingPpm(a), OneMillion)),
     pos |-> [p \in DOMAIN a.pos |-> [q |-> a.pos[p].q, idx |-> findex[p]]]]

Gated ==                                                          \* SUB-9
    \E b \in {outageAt, negTncAt} : b # NoBlock /\ height - b < GatingBlocks

\* SUB-8: the result of an update that leaves the subaccount below its IMR.
UndercollateralizedResult(cur, new) ==
    LET failure == IF MeetsImr(cur) THEN "NewlyUndercollateralized" ELSE "StillUndercollateralized" IN
    IF Gt(new.mmr, cur.mmr) THEN failure
    ELSE IF new.mmr = Zero \/ cur.mmr = Zero
         THEN IF new.mmr = Zero /\ cur.mmr = Zero /\ Gt(new.nc, cur.nc) THEN "Success" ELSE failure
    ELSE IF RiskCompare(new, cur) > 0 THEN failure ELSE "Success"

\* SUB-5: positions pos with the base deltas dq ([PerpetualId -> Big]) applied: a new
\* position starts at the perpetual's funding index, one that reaches zero is removed (SUB-4).
ApplyDeltas(pos, dq) ==
    LET after(p) == Add(IF p \in DOMAIN pos THEN pos[p].q ELSE Zero, IF p \in DOMAIN dq THEN dq[p] ELSE Zero)
        kept == {p \in DOMAIN pos \cup DOMAIN dq : after(p) # Zero}
    IN [p \in kept |-> [q |-> after(p), idx |-> IF p \in DOMAIN pos THEN pos[p].idx ELSE findex[p]]]

\* Update u = [sub, delta, dq] of a batch: the subaccount settled, then updated (FUND-2, SUB-5).
Updated(u) == LET settled == Settled(subs[u.sub]) IN
              [usdc |-> Add(settled.usdc, u.delta), pos |-> ApplyDeltas(settled.pos, u.dq)]

NoDeltas == [p \in {} |-> Zero]

\* The figures of one update's collateral check: update u of a batch of kind, margin at
\* open interest o (SUB-6: a Match batch's post-trade open interest).
CheckOfAt(u, kind, o) ==
    LET a == subs[u.sub]
        settled == Settled(a)
        updated == Updated(u)
        ppm == FundingPpm(a)
        cur == RiskAt(settled, o)
        new == RiskAt(updated, o)
    IN [sub |-> u.sub,
        ppm |-> ppm,
        settlement |-> FloorDivSmall(ppm, OneMillion),
        cur |-> cur,
        new |-> new,
        result |-> IF kind \in {"Withdrawal", "Transfer"} /\ Gated THEN "WithdrawalsAndTransfersBlocked"
                   ELSE IF MeetsImr(new) THEN "Success"
                   ELSE UndercollateralizedResult(cur, new)]

CheckOf(u, kind) == CheckOfAt(u, kind, oi)
Checks(batch, kind) == [k \in DOMAIN batch |-> CheckOf(batch[k], kind)]

RECURSIVE FirstFailure(_, _)
\* The error code of the first failing update from k on, or "" (SUB-7).
FirstFailure(chk, k) ==
    IF k > Len(chk) THEN ""
    ELSE IF chk[k].result # "Success" THEN ResultCode[chk[k].result]
    ELSE FirstFailure(chk, k + 1)

\* Write a checked batch: every update's subaccount settled and updated, the pool paying
\* or receiving each settlement (FUND-3).  Open interest is the caller's (SUB-6).
WriteBatch(batch) ==
    LET touched == {batch[k].sub : k \in DOMAIN batch}
        updateOf(s) == batch[CHOOSE k \in DOMAIN batch : batch[k].sub = s]
        settlementOf(s) == FloorDivSmall(FundingPpm(subs[s]), OneMillion)
    IN /\ subs' = [s \in DOMAIN subs |-> IF s \in touched THEN Updated(updateOf(s)) ELSE subs[s]]
       /\ pool' = Sub(pool, SumBig([s \in touched |-> settlementOf(s)], touched))

Record(action, code, chk, outcomes) ==
    last' = [action |-> action, accepted |-> code = "", code |-> code,
             checks |-> chk, outcomes |-> outcomes, fill |-> <<>>]

NoChecks == <<>>

-----------------------------------------------------------------------------
(* Messages (spec/transition.md).  A rejected message changes nothing (TX-2). *)

\* SUB-11: m = [signer, sender, recipient, amount]; the signer must be the sender.
Deposit(m) ==
    LET batch == <<[sub |-> m.recipient, delta |-> m.amount, dq |-> NoDeltas]>>
        chk == Checks(batch, "Deposit")
        code == IF m.signer # m.sender THEN "UNAUTHORIZED" ELSE FirstFailure(chk, 1)
    IN /\ m.recipient \in DOMAIN subs
       /\ Gt(m.amount, Zero)
       /\ IF code = ""
          THEN /\ WriteBatch(batch)
               /\ deposited' = Add(deposited, m.amount)
               /\ UNCHANGED <<prices, findex, oi, height, time, outageAt, negTncAt,
                              withdrawn, insurance, feeCollector>>
          ELSE UNCHANGED ledger
       /\ Record("Deposit", code, chk, <<>>)

\* SUB-12: m = [signer, sender, amount]; the sender's owner signs; gated; checked.
Withdraw(m) ==
    LET batch == <<[sub |-> m.sender, delta |-> Neg(m.amount), dq |-> NoDeltas]>>
        chk == Checks(batch, "Withdrawal")
        code == IF m.signer # params.subs[m.sender].owner THEN "UNAUTHORIZED" ELSE FirstFailure(chk, 1)
    IN /\ m.sender \in DOMAIN subs
       /\ Gt(m.amount, Zero)
       /\ IF code = ""
          THEN /\ WriteBatch(batch)
               /\ withdrawn' = Add(withdrawn, m.amount)
               /\ UNCHANGED <<prices, findex, oi, height, time, outageAt, negTncAt,
                              deposited, insurance, feeCollector>>
          ELSE UNCHANGED ledger
       /\ Record("Withdraw", code, chk, <<>>)

\* SUB-13: m = [signer, sender, recipient, amount]; one batch of two updates.
Transfer(m) ==
    LET batch == <<[sub |-> m.sender, delta |-> Neg(m.amount), dq |-> NoDeltas],
                  [sub |-> m.recipient, delta |-> m.amount, dq |-> NoDeltas]>>
        chk == Checks(batch, "Transfer")
        code == IF m.signer # params.subs[m.sender].owner THEN "UNAUTHORIZED" ELSE FirstFailure(chk, 1)
    IN /\ {m.sender, m.recipient} \subseteq DOMAIN subs
       /\ m.sender # m.recipient
       /\ Gt(m.amount, Zero)
       /\ IF code = ""
          THEN /\ WriteBatch(batch)
               /\ UNCHANGED <<prices, findex, oi, height, time, outageAt, negTncAt,
                              deposited, withdrawn, insurance, feeCollector>>
          ELSE UNCHANGED ledger
       /\ Record("Transfer", code, chk, <<>>)

\* PRICE-2: a source counts if it is not from the future and at most maxAge seconds old.
Fresh(src, maxAge) == LET age == Sub(time, src.ts) IN Ge(age, Zero) /\ Le(age, Big(maxAge))

\* The k-th smallest (1-based) of the prices of sources J (PRICE-4).
Kth(srcs, J, k) ==
    CHOOSE v \in {srcs[j].price : j \in J} :
        /\ Cardinality({j \in J : Lt(srcs[j].price, v)}) < k
        /\ Cardinality({j \in J : Le(srcs[j].price, v)}) >= k

\* ROUND-9: (a + b) / 2, halves away from zero.
MeanHalfAway(a, b) ==
    LET t == Add(a, b) IN
    IF Ge(t, Zero) THEN FloorDivSmall(Add(t, Big(1)), 2)
    ELSE Neg(FloorDivSmall(Add(Neg(t), Big(1)), 2))

\* PRICE-3..5: a market's outcome and next price from its sources.
MarketResult(u) ==
    LET mp == params.markets[u.market]
        old == prices[u.market]
        J == {j \in DOMAIN u.sources : Fresh(u.sources[j], mp.maxAge)}
        n == Cardinality(J)
        median == IF n % 2 = 1 THEN Kth(u.sources, J, (n + 1) \div 2)
                  ELSE MeanHalfAway(Kth(u.sources, J, n \div 2), Kth(u.sources, J, n \div 2 + 1))
        minChange == FloorDivSmall(MulSmall(old, mp.minChangePpm), OneMillion)
    IN IF n < mp.minExchanges \/ n = 0 THEN [outcome |-> "INSUFFICIENT_SOURCES", price |-> old]
       ELSE IF Lt(Abs(Sub(median, old)), minChange) THEN [outcome |-> "PRICE_CHANGE_TOO_SMALL", price |-> old]
       ELSE [outcome |-> "UPDATED", price |-> median]

\* PRICE-6: m = [signer, updates |-> <<[market, sources |-> <<[price, ts]>>]>>]; the authority
\* signs, every market exists; all outcomes are computed, then written.
UpdatePrices(m) ==
    LET code == IF m.signer # params.authority THEN "UNAUTHORIZED"
                ELSE IF \E k \in DOMAIN m.updates : m.updates[k].market \notin DOMAIN params.markets
                     THEN "UNKNOWN_MARKET"
                ELSE ""
        results == [k \in DOMAIN m.updates |-> MarketResult(m.updates[k])]
        listed == {m.updates[k].market : k \in DOMAIN m.updates}
        newPrice(mk) == results[CHOOSE k \in DOMAIN m.updates : m.updates[k].market = mk].price
    IN /\ IF code = ""
          THEN /\ prices' = [mk \in DOMAIN prices |-> IF mk \in listed THEN newPrice(mk) ELSE prices[mk]]
               /\ UNCHANGED <<subs, findex, oi, height, time, outageAt, negTncAt,
                              deposited, withdrawn, pool, insurance, feeCollector>>
               /\ Record("UpdatePrices", code, NoChecks, [k \in DOMAIN results |-> results[k].outcome])
          ELSE /\ UNCHANGED ledger
               /\ Record("UpdatePrices", code, NoChecks, <<>>)

\* BLOCK-1, BLOCK-2: m = [signer, height, time]; the authority signs, the height is the next
\* one, the time strictly later; a gap of at least 300 s records an outage at the new height.
AdvanceBlock(m) ==
    LET code == IF m.signer # params.authority THEN "UNAUTHORIZED"
                ELSE IF m.height # height + 1 THEN "INVALID_BLOCK_HEIGHT"
                ELSE IF Le(m.time, time) THEN "INVALID_BLOCK_TIME"
                ELSE ""
    IN /\ IF code = ""
          THEN /\ height' = m.height
               /\ time' = m.time
               /\ outageAt' = IF Ge(Sub(m.time, time), Big(OutageSeconds)) THEN m.height ELSE outageAt
               /\ UNCHANGED <<subs, prices, findex, oi, negTncAt, deposited, withdrawn, pool,
                              insurance, feeCollector>>
          ELSE UNCHANGED ledger
       /\ Record("AdvanceBlock", code, NoChecks, <<>>)

\* TX-5: a message that does not decode is rejected with a decoding error and changes nothing.
Undecodable(m) ==
    /\ m.code \in DecodeCodes
    /\ UNCHANGED ledger
    /\ Record("Undecodable", m.code, NoChecks, <<>>)

\* An order placement or cancel (spec/clob.md), m = [type, code]: its verdict is the
\* reference's (the order checks are not modelled), and it changes no ledger variable
\* itself: its fills, and those of orders it triggers, follow as Fill steps.
Order(m) ==
    /\ m.type \in {"PlaceOrder", "CancelOrder"}
    /\ UNCHANGED ledger
    /\ Record("Order", m.code, NoChecks, <<>>)

\* MATCH-2, UNITS-6: the quote of a fill, floor(subticks * size * 10^qce); the product is
\* positive, so truncation is the floor.
FillQuote(m) ==
    LET x == Mul(m.subticks, m.size) IN
    IF m.qce >= 0 THEN MulPow10(x, m.qce) ELSE TruncDivPow10(x, -m.qce)

\* FEE-2: ceil(quote * ppm / 10^6); a negative rate (a maker rebate) rounds toward zero.
FeeOf(quote, ppm) ==
    CeilDivSmall(IF ppm >= 0 THEN MulSmall(quote, ppm) ELSE Neg(MulSmall(quote, -ppm)), OneMillion)

LongPart(q) == IF Gt(q, Zero) THEN q ELSE Zero
QOf(pos, p) == IF p \in DOMAIN pos THEN pos[p].q ELSE Zero

\* One fill (MATCH-2, MATCH-4, FEE-2, FEE-3, SUB-6, SUB-7), m = [taker, maker, perp,
\* takerIsBuy, subticks, size, qce, takerFeePpm, makerFeePpm, commit]: the maker's price
\* (subticks), the size and the fee rates are the reference's (from the book and the fee
\* tiers); everything else is computed here.  The buyer pays the quote and the seller
\* receives it, each pays its fee; both updates are one Match batch checked at post-trade
\* open interest; both are written, with open interest and the fee collector's credit, only
\* if both succeed and commit holds (a post-only taker only asks, MATCH-5).
Fill(m) ==
    LET quote == FillQuote(m)
        takerFee == FeeOf(quote, m.takerFeePpm)
        makerFee == FeeOf(quote, m.makerFeePpm)
        base == IF m.takerIsBuy THEN m.size ELSE Neg(m.size)
        takerDelta == Sub(IF m.takerIsBuy THEN Neg(quote) ELSE quote, takerFee)
        makerDelta == Sub(IF m.takerIsBuy THEN quote ELSE Neg(quote), makerFee)
        batch == <<[sub |-> m.taker, delta |-> takerDelta, dq |-> [p \in {m.perp} |-> base]],
                   [sub |-> m.maker, delta |-> makerDelta, dq |-> [p \in {m.perp} |-> Neg(base)]]>>
        longChange(u) == Sub(LongPart(QOf(Updated(u).pos, m.perp)), LongPart(QOf(subs[u.sub].pos, m.perp)))
        postOi == [oi EXCEPT ![m.perp] = Add(@, Add(longChange(batch[1]), longChange(batch[2])))]
        chk == [k \in 1..2 |-> CheckOfAt(batch[k], "Match", postOi)]
        written == chk[1].result = "Success" /\ chk[2].result = "Success" /\ m.commit
    IN /\ {m.taker, m.maker} \subseteq DOMAIN subs
       /\ m.taker # m.maker
       /\ m.perp \in DOMAIN params.perps
       /\ prices[Perp(m.perp).market] # Zero      \* PRICE-7: else no fill (the message fails)
       /\ Gt(m.size, Zero) /\ Gt(m.subticks, Zero)
       /\ IF written
          THEN /\ WriteBatch(batch)
               /\ oi' = postOi
               /\ feeCollector' = Add(feeCollector, Add(takerFee, makerFee))
               /\ UNCHANGED <<prices, findex, height, time, outageAt, negTncAt,
                              deposited, withdrawn, insurance>>
          ELSE UNCHANGED ledger
       /\ last' = [action |-> "Fill", accepted |-> written, code |-> "", checks |-> chk,
                   outcomes |-> <<>>,
                   fill |-> IF written THEN <<[quote |-> quote, takerFee |-> takerFee, makerFee |-> makerFee]>>
                            ELSE <<>>]

\* The transition of one logged message (TX-1); params never change.
Apply(action, m) ==
    /\ UNCHANGED params
    /\ CASE action = "Deposit"      -> Deposit(m)
         [] action = "Withdraw"     -> Withdraw(m)
         [] action = "Transfer"     -> Transfer(m)
         [] action = "UpdatePrices" -> UpdatePrices(m)
         [] action = "AdvanceBlock" -> AdvanceBlock(m)
         [] action = "Undecodable"  -> Undecodable(m)
         [] action = "Order"        -> Order(m)
         [] action = "Fill"         -> Fill(m)
         [] OTHER                   -> FALSE

-----------------------------------------------------------------------------
(* Invariants, named by claim (spec/claims.md) *)

IsRisk(r) == DOMAIN r = {"nc", "imr", "mmr"} /\ IsBig(r.nc) /\ IsBig(r.imr) /\ IsBig(r.mmr)

TypeOK ==
    /\ \A s \in DOMAIN subs :
          /\ IsBig(subs[s].usdc)
          /\ DOMAIN subs[s].pos \subseteq DOMAIN params.perps
          /\ \A p \in DOMAIN subs[s].pos : IsBig(subs[s].pos[p].q) /\ IsBig(subs[s].pos[p].idx)
    /\ DOMAIN subs = DOMAIN params.subs
    /\ DOMAIN prices = DOMAIN params.markets /\ \A mk \in DOMAIN prices : IsBig(prices[mk])
    /\ DOMAIN findex = DOMAIN params.perps /\ \A p \in DOMAIN findex : IsBig(findex[p])
    /\ DOMAIN oi = DOMAIN params.perps /\ \A p \in DOMAIN oi : IsBig(oi[p])
    /\ height \in Nat /\ IsBig(time)
    /\ outageAt \in Nat \cup {NoBlock} /\ negTncAt \in Nat \cup {NoBlock}
    /\ \A x \in {deposited, withdrawn, pool, insurance, feeCollector} : IsBig(x)
    /\ Ge(deposited, Zero) /\ Ge(withdrawn, Zero)
    /\ last.accepted \in BOOLEAN
    /\ \A k \in DOMAIN last.checks : IsRisk(last.checks[k].cur) /\ IsRisk(last.checks[k].new)

\* CONS-1 (INV-1): the USDC held by subaccounts, the funding pool, the insurance fund and
\* the fee collector equals totalDeposited - totalWithdrawn.
CONS_1 ==
    Add(Add(SumBig([s \in DOMAIN subs |-> subs[s].usdc], DOMAIN subs), pool), Add(insurance, feeCollector))
        = Sub(deposited, withdrawn)

\* CONS-2 (FUND-2): each subaccount's settlement rounds in the protocol's favour: it never
\* receives more than its exact share, and pays less than one quantum extra.
CONS_2 ==
    \A k \in DOMAIN last.checks :
        LET c == last.checks[k] IN
        /\ Le(MulSmall(c.settlement, OneMillion), c.ppm)
        /\ Lt(Sub(c.ppm, MulSmall(c.settlement, OneMillion)), Big(OneMillion))

\* POS-1 (INV-2, INV-3, INV-4): no position of size zero; longs equal shorts; open interest
\* is the sum of longs.
Longs(p) == SumBig([s \in DOMAIN subs |-> IF p \in DOMAIN subs[s].pos /\ Gt(subs[s].pos[p].q, Zero)
                                          THEN subs[s].pos[p].q ELSE Zero], DOMAIN subs)
Shorts(p) == SumBig([s \in DOMAIN subs |-> IF p \in DOMAIN subs[s].pos /\ Lt(subs[s].pos[p].q, Zero)
                                           THEN Neg(subs[s].pos[p].q) ELSE Zero], DOMAIN subs)
POS_1 ==
    /\ \A s \in DOMAIN subs : \A p \in DOMAIN subs[s].pos : subs[s].pos[p].q # Zero
    /\ \A p \in DOMAIN params.perps : Longs(p) = Shorts(p) /\ oi[p] = Longs(p)

\* SOLV-1 (SUB-7, SUB-8, INV-5): after an accepted withdrawal or transfer, the sender meets
\* its IMR, or its MMR did not rise and NC/MMR did not worsen; one that met it still does.
SOLV_1 ==
    (last.action \in {"Withdraw", "Transfer"} /\ last.accepted) =>
        LET c == last.checks[1]
            cur == c.cur
            new == Risk(subs[c.sub])
        IN /\ new = c.new
           /\ MeetsImr(cur) => MeetsImr(new)
           /\ \/ MeetsImr(new)
              \/ /\ Le(new.mmr, cur.mmr)
                 /\ \/ new.mmr = Zero /\ cur.mmr = Zero /\ Gt(new.nc, cur.nc)
                    \/ RiskCompare(new, cur) <= 0

\* SOLV-2 (MATCH-4, SUB-7, SUB-8): a written fill never leaves a party that met its initial
\* margin (at post-trade open interest) under it; the logged figures are those of the
\* written state.
SOLV_2 ==
    (last.action = "Fill" /\ last.accepted) =>
        \A k \in DOMAIN last.checks :
            LET c == last.checks[k] IN
            /\ Risk(subs[c.sub]) = c.new
            /\ MeetsImr(c.cur) => MeetsImr(c.new)

\* ATOM-1 (TX-2), an action property: a rejected message changes no ledger variable.
ATOM_1 == [][last'.accepted = FALSE => UNCHANGED ledger]_vars

=============================================================================
