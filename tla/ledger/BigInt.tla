------------------------------- MODULE BigInt -------------------------------
(***************************************************************************)
(* Exact signed integers of any size for TLC, whose own integers are Java  *)
(* ints (TLC 2.15 stops with an overflow error beyond 2^31 - 1).           *)
(*                                                                         *)
(* A big integer is a record [s |-> sign, m |-> magnitude]: s in -1..1 and *)
(* m the magnitude's base-1000 limbs, least significant first, with no     *)
(* leading (trailing in the sequence) zero limb; zero is [s |-> 0,         *)
(* m |-> <<>>].  The form is canonical, so two big integers are equal iff  *)
(* their records are equal.  IsBig(x) checks the form.                     *)
(*                                                                         *)
(* Base 1000 keeps every intermediate inside 32 bits: a limb times a small *)
(* factor k <= 10^6 plus a carry is below 10^9 + 10^6, and a remainder     *)
(* below 10^6 times 1000 plus a limb is below 10^9.  Operators taking a    *)
(* small Int factor or divisor require it in 0..10^6 (1..10^6 for          *)
(* divisors) and stop TLC with an assertion otherwise, so a value that     *)
(* cannot be computed exactly fails loudly instead of being approximated.  *)
(***************************************************************************)
EXTENDS Integers, Sequences, TLC

Base == 1000
SmallMax == 1000000

-----------------------------------------------------------------------------
(* Magnitudes: sequences of limbs in 0..999, least significant first *)

RECURSIVE Trim(_)
Trim(m) == IF m # <<>> /\ m[Len(m)] = 0 THEN Trim(SubSeq(m, 1, Len(m) - 1)) ELSE m

Limb(m, i) == IF i <= Len(m) THEN m[i] ELSE 0

RECURSIVE MagOfNat(_)
MagOfNat(n) == IF n = 0 THEN <<>> ELSE <<n % Base>> \o MagOfNat(n \div Base)

RECURSIVE MagCmpFrom(_, _, _)
MagCmpFrom(a, b, i) ==
    IF i = 0 THEN 0
    ELSE IF a[i] # b[i] THEN (IF a[i] < b[i] THEN -1 ELSE 1)
    ELSE MagCmpFrom(a, b, i - 1)

\* -1, 0 or 1 as a < b, a = b, a > b.
MagCmp(a, b) ==
    IF Len(a) # Len(b) THEN (IF Len(a) < Len(b) THEN -1 ELSE 1)
    ELSE MagCmpFrom(a, b, Len(a))

RECURSIVE MagAddFrom(_, _, _, _)
MagAddFrom(a, b, i, carry) ==
    IF i > Len(a) /\ i > Len(b) THEN MagOfNat(carry)
    ELSE LET t == Limb(a, i) + Limb(b, i) + carry
         IN <<t % Base>> \o MagAddFrom(a, b, i + 1, t \div Base)

MagAdd(a, b) == MagAddFrom(a, b, 1, 0)

RECURSIVE MagSubFrom(_, _, _, _)
MagSubFrom(a, b, i, borrow) ==
    IF i > Len(a) THEN <<>>
    ELSE LET t == Limb(a, i) - Limb(b, i) - borrow
         IN IF t < 0 THEN <<t + Base>> \o MagSubFrom(a, b, i + 1, 1)
                     ELSE <<t>> \o MagSubFrom(a, b, i + 1, 0)

\* a - b for a >= b.
MagSub(a, b) == Trim(MagSubFrom(a, b, 1, 0))

RECURSIVE MagMulSmallFrom(_, _, _, _)
MagMulSmallFrom(a, k, i, carry) ==
    IF i > Len(a) THEN MagOfNat(carry)
    ELSE LET t == a[i] * k + carry
         IN <<t % Base>> \o MagMulSmallFrom(a, k, i + 1, t \div Base)

CheckSmall(k, low) ==
    Assert(k \in low..SmallMax, <<"BigInt: a small operand outside its exact range", k>>)

\* a * k for an Int k in 0..10^6.
MagMulSmall(a, k) ==
    IF CheckSmall(k, 0) THEN (IF k = 0 THEN <<>> ELSE MagMulSmallFrom(a, k, 1, 0)) ELSE <<>>

ShiftUp(m) == IF m = <<>> THEN <<>> ELSE <<0>> \o m

RECURSIVE MagMulFrom(_, _, _)
MagMulFrom(a, b, i) ==
    IF i > Len(b) THEN <<>>
    ELSE MagAdd(MagMulSmall(a, b[i]), ShiftUp(MagMulFrom(a, b, i + 1)))

MagMul(a, b) == MagMulFrom(a, b, 1)

RECURSIVE MagDivFrom(_, _, _, _)
\* The quotient limbs at positions i..1, given the remainder r of the limbs above i.
MagDivFrom(a, d, i, r) ==
    IF i = 0 THEN <<>>
    ELSE LET t == r * Base + a[i]
         IN MagDivFrom(a, d, i - 1, t % d) \o <<t \div d>>

RECURSIVE MagRemFrom(_, _, _, _)
MagRemFrom(a, d, i, r) == IF i = 0 THEN r ELSE MagRemFrom(a, d, i - 1, (r * Base + a[i]) % d)

\* floor(a / d) and a mod d for an Int d in 1..10^6.
MagDivSmall(a, d) == IF CheckSmall(d, 1) THEN Trim(MagDivFrom(a, d, Len(a), 0)) ELSE <<>>
MagRemSmall(a, d) == IF CheckSmall(d, 1) THEN MagRemFrom(a, d, Len(a), 0) ELSE 0

-----------------------------------------------------------------------------
(* Signed big integers *)

Zero == [s |-> 0, m |-> <<>>]
MkBig(s, m) == IF m = <<>> THEN Zero ELSE [s |-> s, m |-> m]

\* The big integer of a TLC Int.
Big(n) == IF n >= 0 THEN MkBig(1, MagOfNat(n)) ELSE MkBig(-1, MagOfNat(-n))

\* x is a big integer in canonical form.
IsBig(x) ==
    /\ DOMAIN x = {"s", "m"}
    /\ x.s \in {-1, 0, 1}
    /\ DOMAIN x.m = 1..Len(x.m)
    /\ \A j \in DOMAIN x.m : x.m[j] \in 0..(Base - 1)
    /\ (x.s = 0) = (x.m = <<>>)
    /\ x.m # <<>> => x.m[Len(x.m)] # 0

Neg(x) == [s |-> -x.s, m |-> x.m]
Abs(x) == [s |-> x.s * x.s, m |-> x.m]

Add(x, y) ==
    IF x.s = 0 THEN y
    ELSE IF y.s = 0 THEN x
    ELSE IF x.s = y.s THEN [s |-> x.s, m |-> MagAdd(x.m, y.m)]
    ELSE LET c == MagCmp(x.m, y.m)
         IN IF c = 0 THEN Zero
            ELSE IF c > 0 THEN [s |-> x.s, m |-> MagSub(x.m, y.m)]
            ELSE [s |-> y.s, m |-> MagSub(y.m, x.m)]

Sub(x, y) == Add(x, Neg(y))
Mul(x, y) == MkBig(x.s * y.s, MagMul(x.m, y.m))

\* x * k for an Int k in 0..10^6.
MulSmall(x, k) == MkBig(x.s, MagMulSmall(x.m, k))

\* -1, 0 or 1 as x < y, x = y, x > y.
Cmp(x, y) ==
    IF x.s # y.s THEN (IF x.s < y.s THEN -1 ELSE 1)
    ELSE IF x.s >= 0 THEN MagCmp(x.m, y.m)
    ELSE MagCmp(y.m, x.m)

Lt(x, y) == Cmp(x, y) < 0
Le(x, y) == Cmp(x, y) <= 0
Gt(x, y) == Cmp(x, y) > 0
Ge(x, y) == Cmp(x, y) >= 0
Sign(x) == x.s

\* Division by an Int d in 1..10^6, rounding as named (ROUND-3, ROUND-4, ROUND-5).
TruncDivSmall(x, d) == MkBig(x.s, MagDivSmall(x.m, d))
FloorDivSmall(x, d) ==
    IF x.s >= 0 THEN TruncDivSmall(x, d)
    ELSE LET q == MagDivSmall(x.m, d)
         IN MkBig(-1, IF MagRemSmall(x.m, d) = 0 THEN q ELSE MagAdd(q, <<1>>))
CeilDivSmall(x, d) == Neg(FloorDivSmall(Neg(x), d))

\* x * 10^e for an Int e >= 0, and x / 10^e truncated toward zero (UNITS-4).
RECURSIVE MulPow10(_, _)
MulPow10(x, e) == IF e = 0 THEN x ELSE IF e >= 6 THEN MulPow10(MulSmall(x, 1000000), e - 6)
                  ELSE MulSmall(x, 10^e)
RECURSIVE TruncDivPow10(_, _)
TruncDivPow10(x, e) == IF e = 0 THEN x ELSE IF e >= 6 THEN TruncDivPow10(TruncDivSmall(x, 1000000), e - 6)
                       ELSE TruncDivSmall(x, 10^e)

RECURSIVE MaxQuotientFrom(_, _, _, _)
\* The largest f in lo..hi with f * d <= n, given lo * d <= n (binary search).
MaxQuotientFrom(n, d, lo, hi) ==
    IF lo = hi THEN lo
    ELSE LET mid == (lo + hi + 1) \div 2
         IN IF Le(MulSmall(d, mid), n) THEN MaxQuotientFrom(n, d, mid, hi)
            ELSE MaxQuotientFrom(n, d, lo, mid - 1)

\* floor(n / d) for big n >= 0 and d > 0 whose quotient is known to lie in 0..hi,
\* hi an Int in 0..10^6; asserts that it does (so it never returns a wrong bound).
FloorDivBounded(n, d, hi) ==
    LET f == MaxQuotientFrom(n, d, 0, hi)
    IN IF Assert(Ge(n, Zero) /\ Gt(d, Zero) /\ Lt(Sub(n, MulSmall(d, f)), d),
                 <<"BigInt: FloorDivBounded quotient out of range", n, d, hi>>)
       THEN f ELSE f

\* Sums of big integers over a finite set, by a function or operator.
RECURSIVE SumBig(_, _)
SumBig(f, S) ==
    IF S = {} THEN Zero
    ELSE LET x == CHOOSE x \in S : TRUE IN Add(f[x], SumBig(f, S \ {x}))

=============================================================================
