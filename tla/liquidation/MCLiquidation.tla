---------------------------- MODULE MCLiquidation ----------------------------
(***************************************************************************)
(* Model-checking instance of Liquidation: a state constraint bounding the *)
(* USDC balances and the fund, so that the state space is finite (fills    *)
(* that cycle positions through price moves could otherwise drift them).  *)
(***************************************************************************)
EXTENDS Liquidation

CONSTANT MaxUsdc   \* bound on |usdc| of every subaccount and on the fund

\* Genesis USDC balances with a debt among them (a .cfg file cannot write a negative number).
MCBalances == {-2, 0, 2}

Bounded == (\A s \in Accounts : Abs(usdc[s]) <= MaxUsdc) /\ Abs(fund) <= MaxUsdc
=============================================================================
