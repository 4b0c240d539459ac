------------------------------- MODULE MCBook -------------------------------
(***************************************************************************)
(* Model-checking instance of Book: at most MaxOrders placements, so that  *)
(* the state space is finite (cancels are bounded by the resting orders),  *)
(* and the owners as symmetric model values (nothing in Book tells two     *)
(* owners apart, so TLC checks one state per permutation of them).         *)
(***************************************************************************)
EXTENDS Book, TLC

CONSTANT MaxOrders   \* bound on the number of orders placed

MCNext ==
    \/ Len(orders) < MaxOrders /\ PlaceAny
    \/ CancelAny

MCSpec == Init /\ [][MCNext]_vars

OwnerSymmetry == Permutations(Owners)
=============================================================================
