-------------------------------- MODULE Book --------------------------------
(***************************************************************************)
(* An abstract model of one clob pair's order book and matching engine    *)
(* (spec/clob.md): price levels in price-time priority (BOOK-1), limit,   *)
(* IOC and post-only placements matched against the opposite side at the  *)
(* maker's price, best price first and oldest first (MATCH-1, MATCH-2),   *)
(* partial fills, self-trade removal (MATCH-3), post-only (MATCH-5), IOC  *)
(* (MATCH-6) and cancels (ORDER-7).                                        *)
(*                                                                         *)
(* Units are abstract integers: a price is a number of ticks (subticks /  *)
(* subticksPerTick) and a size a number of steps (base quantums /         *)
(* stepBaseQuantums), so the reference maps onto the model exactly.       *)
(*                                                                         *)
(* Abstracted away: fees, USDC, the add-to-book check (MATCH-7), the      *)
(* taker's collateral check and reduce-only (MATCH-8).  The maker's        *)
(* collateral check (MATCH-4) is a nondeterministic choice: a placement   *)
(* names at most one resting maker ("fail", 0 for none) that fails its    *)
(* check if matching reaches it, and is then removed without a fill.      *)
(*                                                                         *)
(* Invariants are named by claim (spec/claims.md), with '_' for '-':       *)
(* CROSS_1 is CROSS-1 (BOOK-2, INV-9), PRIO_1 is PRIO-1 (BOOK-1, MATCH-1,  *)
(* MATCH-2) and CONS_3 is CONS-3 (base quantums of fills, FEE-3).          *)
(***************************************************************************)
EXTENDS Integers, Sequences, FiniteSets

CONSTANTS
    Owners,          \* subaccounts: strings, e.g. {"a", "b"}
    Prices,          \* the price levels, in ticks (positive integers)
    Sizes,           \* the order sizes Next may choose, in steps (positive integers)
    MarginFailures,  \* TRUE: Next may let one reached maker fail its collateral check (MATCH-4)
    Bug              \* "None" or a deliberate defect of a bug configuration (see below)

Bugs == {"None",
         "NewestFirst",    \* within a level, match the newest order first (breaks MATCH-1)
         "TakerPrice",     \* fill at the taker's price, not the maker's (breaks MATCH-2)
         "FillTakerSize",  \* size a fill by the taker's remainder only, not the min (breaks MATCH-2)
         "PostOnlyRests",  \* a post-only order rests without looking at the book (breaks MATCH-5)
         "CancelStays",    \* a cancel marks the order canceled but leaves it on the book (INV_10)
         "IocStatus"}      \* an IOC remainder is dropped with a status outside Statuses (TypeOK)

ASSUME Bug \in Bugs
ASSUME MarginFailures \in BOOLEAN
ASSUME Prices \subseteq Int /\ Sizes \subseteq Int

VARIABLES
    orders,  \* Seq of [owner, side, price, size, filled, rem, status]: every order placed,
             \* indexed by arrival (its sequence number); filled + rem = size (ORDER-11)
    book,    \* [Sides -> [Prices -> Seq(Nat)]]: the ids resting at each level, in queue order (BOOK-1)
    fills,   \* Seq of [taker, maker, price, size, better]: the history of every fill;
             \* better = the resting makers that were ahead of this maker when it filled
    pos      \* [Owners -> Int]: each owner's position in base steps (the sum of its fills)

vars == <<orders, book, fills, pos>>

Sides == {"buy", "sell"}

\* Why an order left the book, or never rested; "resting" while it is on the book.
\* (FULLY_FILLED, CANCELED, SELF_TRADE, UNDERCOLLATERALIZED,
\*  IMMEDIATE_OR_CANCEL_WOULD_REST_ON_BOOK, POST_ONLY_WOULD_CROSS_MAKER_ORDER)
Statuses == {"resting", "filled", "canceled", "selftrade", "undercollat", "ioc", "postonly"}

-----------------------------------------------------------------------------
(* Helpers *)

Opp(s) == IF s = "buy" THEN "sell" ELSE "buy"
Min(a, b) == IF a < b THEN a ELSE b
Range(q) == {q[n] : n \in DOMAIN q}

RECURSIVE SumOver(_, _)
SumOver(f, S) ==
    IF S = {} THEN 0
    ELSE LET x == CHOOSE x \in S : TRUE IN f[x] + SumOver(f, S \ {x})

\* The sum of a sequence, halving the index range: O(Len(q)) applications, no copies of q
\* (Head/Tail would copy it at every step), and a recursion depth of log2(Len(q)) (a linear
\* recursion over a 200-order trace overflows TLC's Java stack).
RECURSIVE SumRange(_, _, _)
SumRange(q, lo, hi) ==
    IF lo > hi THEN 0
    ELSE IF lo = hi THEN q[lo]
    ELSE LET mid == (lo + hi) \div 2 IN SumRange(q, lo, mid) + SumRange(q, mid + 1, hi)
SeqSum(q) == SumRange(q, 1, Len(q))

\* The ids resting on side s of book b, and the prices where it has orders.
RestingIds(b, s) == UNION {Range(b[s][p]) : p \in Prices}
Levels(b, s) == {p \in Prices : b[s][p] # <<>>}

\* The best price of a non-empty side: the highest bid, the lowest ask (BOOK-1).
BestPrice(b, s) ==
    CHOOSE p \in Levels(b, s) :
        \A p2 \in Levels(b, s) : IF s = "buy" THEN p >= p2 ELSE p <= p2

\* A taker on side s with limit price lim crosses a maker level at price p (MATCH-1).
Crosses(s, lim, p) == IF s = "buy" THEN p <= lim ELSE p >= lim

\* Price-time priority between two orders j, k of one side: j is ahead of k if its price
\* is better, or equal and it came first (BOOK-1, MATCH-1).  Arrival order = id order.
Ahead(os, j, k) ==
    \/ os[j].side = "buy" /\ os[j].price > os[k].price
    \/ os[j].side = "sell" /\ os[j].price < os[k].price
    \/ os[j].price = os[k].price /\ j < k

Without(q, m) == LET Keep(x) == x # m IN SelectSeq(q, Keep)

-----------------------------------------------------------------------------
(* Matching (MATCH-1..6), one taker at a time, as a recursive walk over a record
   M = [orders, book, fills, pos, crossed] that ends when the taker is filled, the
   opposite side no longer crosses, or a post-only taker would fill. *)

\* Take order m off the book with the given reason.
Remove(M, m, why) ==
    LET o == M.orders[m] IN
    [M EXCEPT !.orders[m].status = why,
              !.book[o.side][o.price] = Without(@, m)]

RECURSIVE Match(_, _, _, _)
Match(M, t, tif, fail) ==
    LET tk == M.orders[t]
        os == Opp(tk.side)
    IN  IF tk.rem = 0 \/ Levels(M.book, os) = {}
           \/ ~Crosses(tk.side, tk.price, BestPrice(M.book, os))
        THEN M
        ELSE
        LET p  == BestPrice(M.book, os)
            q  == M.book[os][p]
            m  == IF Bug = "NewestFirst" THEN q[Len(q)] ELSE q[1]   \* oldest first (MATCH-1)
            mk == M.orders[m]
        IN  IF mk.owner = tk.owner
            THEN Match(Remove(M, m, "selftrade"), t, tif, fail)     \* MATCH-3: no fill, go on
            ELSE IF m = fail
            THEN Match(Remove(M, m, "undercollat"), t, tif, fail)   \* MATCH-4: maker fails, go on
            ELSE IF tif = "POST"
            THEN [M EXCEPT !.crossed = TRUE]                        \* MATCH-5: would fill: stop
            ELSE
            LET f      == IF Bug = "FillTakerSize" THEN tk.rem ELSE Min(tk.rem, mk.rem)  \* MATCH-2
                buyer  == IF tk.side = "buy" THEN tk.owner ELSE mk.owner
                seller == IF tk.side = "buy" THEN mk.owner ELSE tk.owner
                fill   == [taker |-> t, maker |-> m,
                           price |-> IF Bug = "TakerPrice" THEN tk.price ELSE mk.price,  \* MATCH-2
                           size |-> f,
                           better |-> {j \in RestingIds(M.book, os) : j # m /\ Ahead(M.orders, j, m)}]
                M2     == [M EXCEPT !.orders[t].filled = @ + f, !.orders[t].rem = @ - f,
                                    !.orders[m].filled = @ + f, !.orders[m].rem = @ - f,
                                    !.fills = Append(@, fill),
                                    !.pos[buyer] = @ + f, !.pos[seller] = @ - f]
            IN  Match(IF M2.orders[m].rem <= 0 THEN Remove(M2, m, "filled") ELSE M2, t, tif, fail)

-----------------------------------------------------------------------------
(* Actions *)

Init ==
    /\ orders = <<>>
    /\ book = [s \in Sides |-> [p \in Prices |-> <<>>]]
    /\ fills = <<>>
    /\ pos = [o \in Owners |-> 0]

\* The state after a new order of owner o, side s, price p (ticks), size q (steps), time in
\* force tif ("GTT", "IOC" or "POST"); fail is the maker that fails its collateral check if
\* matching reaches it.  The actions are deterministic, so each is written as a function of
\* the state (a record of the next values) and the action sets the variables to it.
SubmitResult(o, s, p, q, tif, fail) ==
    LET t  == Len(orders) + 1
        M0 == [orders |-> Append(orders, [owner |-> o, side |-> s, price |-> p, size |-> q,
                                          filled |-> 0, rem |-> q, status |-> "resting"]),
               book |-> book, fills |-> fills, pos |-> pos, crossed |-> FALSE]
        M  == IF tif = "POST" /\ Bug = "PostOnlyRests" THEN M0 ELSE Match(M0, t, tif, fail)
        tk == M.orders[t]
        st == IF tk.rem = 0 THEN "filled"              \* FULLY_FILLED
              ELSE IF M.crossed THEN "postonly"        \* MATCH-5
              ELSE IF tif = "IOC" THEN (IF Bug = "IocStatus" THEN "expired" ELSE "ioc")  \* MATCH-6
              ELSE "resting"                           \* the remainder rests (BOOK-1)
    IN  [orders |-> [M.orders EXCEPT ![t].status = st],
         book |-> IF st = "resting" THEN [M.book EXCEPT ![s][p] = Append(@, t)] ELSE M.book,
         fills |-> M.fills,
         pos |-> M.pos]

\* Cancel order id (by its owner, ORDER-5, ORDER-7): a resting order leaves the book; a
\* cancel of an order that is no longer on the book changes nothing.
CancelResult(id) ==
    IF orders[id].status = "resting"
    THEN [orders |-> [orders EXCEPT ![id].status = "canceled"],
          book |-> IF Bug = "CancelStays" THEN book
                   ELSE [book EXCEPT ![orders[id].side][orders[id].price] = Without(@, id)],
          fills |-> fills, pos |-> pos]
    ELSE [orders |-> orders, book |-> book, fills |-> fills, pos |-> pos]

\* The next state is r.
Becomes(r) ==
    /\ orders' = r.orders
    /\ book' = r.book
    /\ fills' = r.fills
    /\ pos' = r.pos

Place(o, s, p, q, fail) == Becomes(SubmitResult(o, s, p, q, "GTT", fail))          \* a limit order
PlaceIOC(o, s, p, q, fail) == Becomes(SubmitResult(o, s, p, q, "IOC", fail))       \* MATCH-6
PlacePostOnly(o, s, p, q, fail) == Becomes(SubmitResult(o, s, p, q, "POST", fail)) \* MATCH-5
Cancel(id) == id \in 1..Len(orders) /\ Becomes(CancelResult(id))

\* The makers that may fail their collateral check in a placement on side s.
FailChoices(s) == IF MarginFailures THEN {0} \cup RestingIds(book, Opp(s)) ELSE {0}

PlaceAny ==
    \E o \in Owners, s \in Sides, p \in Prices, q \in Sizes :
        \E fail \in FailChoices(s) :
            \/ Place(o, s, p, q, fail)
            \/ PlaceIOC(o, s, p, q, fail)
            \/ PlacePostOnly(o, s, p, q, fail)

CancelAny == \E id \in 1..Len(orders) : orders[id].status = "resting" /\ Cancel(id)

Next == PlaceAny \/ CancelAny

Spec == Init /\ [][Next]_vars

-----------------------------------------------------------------------------
(* Invariants *)

TypeOK ==
    /\ orders \in Seq([owner : Owners, side : Sides, price : Prices, size : Int,
                       filled : Int, rem : Int, status : Statuses])
    /\ book \in [Sides -> [Prices -> Seq(1..Len(orders))]]
    /\ \A k \in DOMAIN fills :
          /\ fills[k].taker \in 1..Len(orders) /\ fills[k].maker \in 1..Len(orders)
          /\ fills[k].size \in Int /\ fills[k].price \in Int
    /\ pos \in [Owners -> Int]

\* INV-10: the book agrees with the orders: an id is at the level of its side and price
\* exactly once iff its status is "resting", and a resting order has something left.
INV_10 ==
    /\ \A s \in Sides, p \in Prices : \A n \in DOMAIN book[s][p] :
          LET id == book[s][p][n] IN
          /\ orders[id].side = s /\ orders[id].price = p
          /\ orders[id].status = "resting" /\ orders[id].rem > 0
          /\ \A n2 \in DOMAIN book[s][p] : n2 # n => book[s][p][n2] # id
    /\ \A id \in 1..Len(orders) :
          orders[id].status = "resting" => id \in Range(book[orders[id].side][orders[id].price])

\* CROSS-1 (BOOK-2, INV-9): the book is never crossed: best bid < best ask.
CROSS_1 ==
    Levels(book, "buy") # {} /\ Levels(book, "sell") # {} =>
        BestPrice(book, "buy") < BestPrice(book, "sell")

\* PRIO-1 (BOOK-1, MATCH-1, MATCH-2): within a level the queue is in arrival order;
\* every fill in the history took a maker that no resting order was ahead of at that
\* moment (better = {}), on the other side, placed before the taker, at the maker's
\* price, which the taker's limit crosses.
PRIO_1 ==
    /\ \A s \in Sides, p \in Prices :
          \A n \in 1..(Len(book[s][p]) - 1) : book[s][p][n] < book[s][p][n + 1]
    /\ \A k \in DOMAIN fills :
          LET f == fills[k]
              tk == orders[f.taker]
              mk == orders[f.maker]
          IN  /\ f.better = {}
              /\ f.maker < f.taker
              /\ mk.side = Opp(tk.side)
              /\ f.price = mk.price
              /\ Crosses(tk.side, tk.price, f.price)

\* CONS-3 (FEE-3, MATCH-2) for base quantums: each order's filled + remaining = size,
\* both non-negative; the fills of buy orders sum to those of sell orders and to the
\* history's; each order's filled is the sum of the fills it took part in; each owner's
\* position is its bought minus its sold, and the positions sum to 0.
FilledOf(id) == SeqSum([k \in DOMAIN fills |->
                    IF fills[k].taker = id \/ fills[k].maker = id THEN fills[k].size ELSE 0])
SideFilled(s) == SeqSum([id \in DOMAIN orders |-> IF orders[id].side = s THEN orders[id].filled ELSE 0])
OwnerNet(o) == SeqSum([id \in DOMAIN orders |->
                    IF orders[id].owner # o THEN 0
                    ELSE IF orders[id].side = "buy" THEN orders[id].filled ELSE -orders[id].filled])

CONS_3 ==
    /\ \A id \in DOMAIN orders :
          /\ orders[id].filled + orders[id].rem = orders[id].size
          /\ orders[id].filled >= 0 /\ orders[id].rem >= 0
          /\ orders[id].filled = FilledOf(id)
    /\ \A k \in DOMAIN fills : fills[k].size > 0
    /\ SideFilled("buy") = SideFilled("sell")
    /\ SideFilled("buy") = SeqSum([k \in DOMAIN fills |-> fills[k].size])
    /\ \A o \in Owners : pos[o] = OwnerNet(o)
    /\ SumOver(pos, Owners) = 0

=============================================================================
