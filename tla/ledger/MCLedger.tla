------------------------------ MODULE MCLedger ------------------------------
(***************************************************************************)
(* Model-checking instance of Ledger: a state constraint bounding the USDC *)
(* that may enter or leave, so that the state space is finite.             *)
(***************************************************************************)
EXTENDS Ledger

CONSTANT MaxDeposited   \* bound on totalDeposited and on totalWithdrawn

Bounded == deposited <= MaxDeposited /\ withdrawn <= MaxDeposited
=============================================================================
